// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The drop forensics as a unit: a spec and two agents' reports with
 * timelines made up by hand in, the missing frames placed on the grid,
 * the loss episodes and their attribution by layer out. No agent, no root.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_ctl.h"
#include "xc_forensics.h"
#include "xc_judge.h"
#include "xc_spec.h"

#define SPEC_MSG	(&xceiver__v1__test_spec__descriptor)
#define MS		1000000ull
#define IV		(10 * MS)	/* the agents' requested interval */
/* a start of the agents' timelines: a multiple of IV and of 2 * IV */
#define T0		(1700000000ull * 1000 * MS)
#define MAXS		4		/* streams */
#define MAXIV		64		/* records of a timeline */
#define MAXCTR		8		/* counters of a timeline */
#define MAXRNG		8		/* missing ranges of a stream */

#define LAYER(x)	XCEIVER__V1__LAYER__LAYER_##x
#define SRC(x)		XCEIVER__V1__COUNTER_SOURCE__SOURCE_##x
#define LOSS		1u			/* counter flags */
#define PEER		2u

/* One agent's timeline and the storage behind it. */
struct tl_buf {
	Xceiver__V1__Timeline t;
	Xceiver__V1__Series ctr[MAXCTR];
	Xceiver__V1__Series *ctrp[MAXCTR];
	uint64_t ctrv[MAXCTR][MAXIV];
	Xceiver__V1__StreamSeries tx[MAXS], rx[MAXS];
	Xceiver__V1__StreamSeries *txp[MAXS], *rxp[MAXS];
	uint64_t txv[MAXS][MAXIV], rxv[MAXS][MAXIV];
	char *unread[4];
};

/* A spec and the run's two reports. */
struct run {
	Xceiver__V1__TestSpec *spec;
	struct xc_run_result res;
	Xceiver__V1__Report rep[2];
	Xceiver__V1__TxStreamReport txs[MAXS];
	Xceiver__V1__RxStreamReport rxs[MAXS];
	Xceiver__V1__TxStreamReport *txp[2][MAXS];
	Xceiver__V1__RxStreamReport *rxp[2][MAXS];
	Xceiver__V1__SeqRange rng[MAXS][MAXRNG];
	Xceiver__V1__SeqRange *rngp[MAXS][MAXRNG];
	struct tl_buf tb[2];
	struct xc_view view;
	struct xc_forensics fx;
	struct xc_judgement j;
};

/* ---------------------------------------------------------------- builders */

/*
 * A spec of strlen(dirs) streams (ids 1..), count seqs each: '>' sent by
 * the Tx endpoint, '<' by the Rx endpoint.
 */
static Xceiver__V1__TestSpec *spec_new(const char *dirs, uint64_t count)
{
	Xceiver__V1__TestSpec *s = NULL;
	char y[2048], err[512] = "";
	size_t off, i;

	off = snprintf(y, sizeof(y),
		       "tx: {agent: 198.19.1.2:7007, xsk: {ifname: xct}}\n"
		       "rx: {agent: 198.19.1.6:7007, xsk: {ifname: xcr}}\n"
		       "streams:\n");
	for (i = 0; dirs[i]; i++)
		off += snprintf(y + off, sizeof(y) - off,
				"  - {id: %zu, count: %llu, headers: {src_ip: 198.18.0.1, dst_ip: 198.18.0.2}%s}\n",
				i + 1, (unsigned long long)count,
				dirs[i] == '<' ? ", direction: rx_to_tx" : "");
	if (xc_pb_from_yaml(SPEC_MSG, "test", y, strlen(y),
			    (ProtobufCMessage **)&s, err, sizeof(err)) ||
	    xc_spec_defaults(s) || xc_spec_check(s, "test", err, sizeof(err)))
		print_error("spec: %s\n", err);
	assert_string_equal(err, "");
	return s;
}

/* Every stream sent and delivered in full; no timelines yet. */
static struct run *run_new(const char *dirs, uint64_t count)
{
	struct run *r = calloc(1, sizeof(*r));
	Xceiver__V1__Report *tr, *rr;
	enum xc_side from;
	size_t i;

	assert_non_null(r);
	assert_true(strlen(dirs) <= MAXS);
	r->spec = spec_new(dirs, count);
	xceiver__v1__report__init(&r->rep[XC_TX]);
	xceiver__v1__report__init(&r->rep[XC_RX]);
	r->rep[XC_TX].tx = r->txp[XC_TX];
	r->rep[XC_TX].rx = r->rxp[XC_TX];
	r->rep[XC_RX].tx = r->txp[XC_RX];
	r->rep[XC_RX].rx = r->rxp[XC_RX];
	for (i = 0; i < r->spec->n_streams; i++) {
		from = xc_stream_sender(r->spec->streams[i]);
		tr = &r->rep[from];
		rr = &r->rep[!from];
		xceiver__v1__tx_stream_report__init(&r->txs[i]);
		xceiver__v1__rx_stream_report__init(&r->rxs[i]);
		r->txs[i].stream_id = i + 1;
		r->txs[i].sent = count;
		r->rxs[i].stream_id = i + 1;
		r->rxs[i].expected = count;
		r->rxs[i].delivered = count;
		r->rxs[i].missing_ranges = r->rngp[i];
		tr->tx[tr->n_tx++] = &r->txs[i];
		rr->rx[rr->n_rx++] = &r->rxs[i];
	}
	r->res.tx = &r->rep[XC_TX];
	r->res.rx = &r->rep[XC_RX];
	return r;
}

/*
 * Give side's agent a timeline of n records of iv from start (iv a
 * multiple of IV: coarsened), with a Tx series for each stream it sends
 * and an Rx series for each it receives, all zero.
 */
static void tl_on(struct run *r, enum xc_side side, uint64_t iv,
		  uint64_t start, uint32_t n)
{
	struct tl_buf *b = &r->tb[side];
	Xceiver__V1__StreamSeries *s;
	uint32_t i;

	assert_true(n <= MAXIV);
	xceiver__v1__timeline__init(&b->t);
	b->t.interval_ns = iv;
	b->t.requested_interval_ns = IV;
	b->t.max_intervals = MAXIV;
	for (i = 1; (IV << i) <= iv; i++)
		b->t.coarsened = i;
	b->t.start_realtime_ns = start;
	b->t.end_realtime_ns = start + n * iv;
	b->t.intervals = n;
	b->t.counters = b->ctrp;
	b->t.tx = b->txp;
	b->t.rx = b->rxp;
	b->t.unread = b->unread;
	for (i = 0; i < r->spec->n_streams; i++) {
		bool sends = xc_stream_sender(r->spec->streams[i]) == side;

		s = sends ? &b->tx[b->t.n_tx] : &b->rx[b->t.n_rx];
		xceiver__v1__stream_series__init(s);
		s->stream_id = i + 1;
		s->n_v = n;
		if (sends) {
			s->v = b->txv[b->t.n_tx];
			b->txp[b->t.n_tx++] = s;
		} else {
			s->v = b->rxv[b->t.n_rx];
			b->rxp[b->t.n_rx++] = s;
		}
	}
	r->rep[side].timeline = &b->t;
}

/* Both agents on the same 10 ms grid of n intervals from T0. */
static void tl_both(struct run *r, uint32_t n)
{
	tl_on(r, XC_TX, IV, T0, n);
	tl_on(r, XC_RX, IV, T0, n);
}

static Xceiver__V1__StreamSeries *series_of(struct run *r, enum xc_side side,
					    bool tx, uint32_t id)
{
	struct tl_buf *b = &r->tb[side];
	size_t i, n = tx ? b->t.n_tx : b->t.n_rx;

	for (i = 0; i < n; i++)
		if ((tx ? b->txp : b->rxp)[i]->stream_id == id)
			return (tx ? b->txp : b->rxp)[i];
	fail_msg("stream %u has no %s series", id, tx ? "Tx" : "Rx");
	return NULL;
}

/* Stream id's sender queued per seqs in each record [from, to). */
static void queued(struct run *r, uint32_t id, uint64_t per, uint32_t from,
		   uint32_t to)
{
	enum xc_side side = xc_stream_sender(r->spec->streams[id - 1]);
	Xceiver__V1__StreamSeries *s = series_of(r, side, true, id);
	uint32_t k;

	for (k = from; k < to; k++)
		s->v[k] = per;
}

/* A counter of side's timeline, all zero: its values to fill in. */
static uint64_t *counter(struct run *r, enum xc_side side, const char *name,
			 int source, int layer, unsigned int flags)
{
	struct tl_buf *b = &r->tb[side];
	Xceiver__V1__Series *s;
	size_t i = b->t.n_counters;

	assert_true(i < MAXCTR);
	s = &b->ctr[i];
	xceiver__v1__series__init(s);
	s->name = (char *)name;
	s->source = source;
	s->layer = layer;
	s->loss = flags & LOSS;
	s->peer = flags & PEER;
	s->v = b->ctrv[i];
	s->n_v = b->t.intervals;
	b->ctrp[b->t.n_counters++] = s;
	return s->v;
}

/* The usual counters, by the layer their agent files them under. */
static uint64_t *xsk_dropped(struct run *r, enum xc_side side)
{
	return counter(r, side, "rx_dropped", SRC(XSK), LAYER(RX_XSK), LOSS);
}

static uint64_t *xsk_fill_empty(struct run *r, enum xc_side side)
{
	return counter(r, side, "rx_fill_ring_empty_descs", SRC(XSK),
		       LAYER(RX_XSK), 0);
}

static uint64_t *xsk_ring_full(struct run *r, enum xc_side side)
{
	return counter(r, side, "rx_ring_full", SRC(XSK), LAYER(RX_XSK),
		       LOSS);
}

static uint64_t *link_rx_dropped(struct run *r, enum xc_side side)
{
	return counter(r, side, "rx_dropped", SRC(LINK), LAYER(RX_HOST), LOSS);
}

/* veth: the sender's frames its peer refused */
static uint64_t *peer_tx_dropped(struct run *r, enum xc_side side)
{
	return counter(r, side, "tx_dropped", SRC(LINK), LAYER(RX_HOST),
		       LOSS | PEER);
}

static uint64_t *link_tx_errors(struct run *r, enum xc_side side)
{
	return counter(r, side, "tx_errors", SRC(LINK), LAYER(TX), LOSS);
}

static void unread(struct run *r, enum xc_side side, const char *why)
{
	struct tl_buf *b = &r->tb[side];

	b->unread[b->t.n_unread++] = (char *)why;
}

/* Stream id's receiver kept [first, last] as missing. */
static void miss(struct run *r, uint32_t id, uint64_t first, uint64_t last)
{
	Xceiver__V1__RxStreamReport *rx = &r->rxs[id - 1];
	Xceiver__V1__SeqRange *g;

	assert_true(rx->n_missing_ranges < MAXRNG);
	g = &r->rng[id - 1][rx->n_missing_ranges];
	xceiver__v1__seq_range__init(g);
	g->first = first;
	g->last = last;
	r->rngp[id - 1][rx->n_missing_ranges++] = g;
	rx->missing_range_count++;
	rx->missing += last - first + 1;
	rx->delivered -= last - first + 1;
}

/* The forensics of what r holds now. */
static struct xc_forensics *build(struct run *r)
{
	xc_forensics_free(&r->fx);
	xc_view_free(&r->view);
	assert_int_equal(xc_view_init(&r->view, r->spec, &r->res), 0);
	assert_int_equal(xc_forensics_build(&r->fx, &r->view), 0);
	if (!r->fx.have)
		print_error("no forensics: %s\n", r->fx.why_not);
	return &r->fx;
}

static void run_free(struct run *r)
{
	xc_judgement_free(&r->j);
	xc_forensics_free(&r->fx);
	xc_view_free(&r->view);
	protobuf_c_message_free_unpacked(&r->spec->base, NULL);
	free(r);
}

/* ---------------------------------------------------------------- checks */

static void assert_row(const uint64_t *row, const uint64_t *want, uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n; k++) {
		if (row[k] != want[k])
			fail_msg("interval %u: %llu, want %llu", k,
				 (unsigned long long)row[k],
				 (unsigned long long)want[k]);
	}
}

/* Frames by layer: tx, rx_host, rx_xdp, rx_xsk, between, not attributed. */
static void check_by(const uint64_t *by, const uint64_t *want,
		     const char *file, int line)
{
	static const enum xc_fx_where w[] = {
		XC_FX_TX, XC_FX_RX_HOST, XC_FX_RX_XDP, XC_FX_RX_XSK,
		XC_FX_BETWEEN, XC_FX_UNATTRIBUTED,
	};
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (by[w[i]] != want[i])
			print_error("%s: %llu, want %llu\n",
				    xc_fx_where_name(w[i]),
				    (unsigned long long)by[w[i]],
				    (unsigned long long)want[i]);
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		_assert_int_equal(by[w[i]], want[i], file, line);
}

#define assert_by(by, tx, host, xdp, xsk, between, na)			\
	check_by(by, (const uint64_t[]){ tx, host, xdp, xsk, between,	\
					 na }, __FILE__, __LINE__)

/* ---------------------------------------------------------------- tests */

/* 1. A missing range lands in the intervals its seqs were queued in. */
static void test_placement(void **state)
{
	static const uint64_t want[10] = { 0, 0, 500, 1000, 500 };
	struct run *r = run_new(">", 10000);
	const struct xc_fx_episode *e;
	struct xc_forensics *fx;

	(void)state;
	tl_both(r, 10);
	queued(r, 1, 1000, 0, 10);
	miss(r, 1, 2500, 4499);
	fx = build(r);
	assert_true(fx->have);
	assert_int_equal(fx->iv_ns, IV);
	assert_int_equal(fx->start_rt, T0);
	assert_int_equal(fx->n, 10);
	assert_int_equal(fx->nstreams, 1);
	assert_int_equal(fx->streams[0].id, 1);
	assert_int_equal(fx->sent[9], 1000);
	assert_row(fx->missing, want, 10);
	assert_row(fx->streams[0].missing, want, 10);
	assert_int_equal(fx->missing_total, 2000);
	assert_int_equal(fx->unplaced, 0);
	assert_int_equal(fx->neps, 1);
	e = &fx->eps[0];
	assert_int_equal(e->first, 2);
	assert_int_equal(e->last, 4);
	assert_int_equal(e->lost, 2000);
	assert_int_equal(e->nstreams, 1);
	assert_int_equal(e->stream_id, 1);
	assert_int_equal(e->seq_first, 2500);
	assert_int_equal(e->seq_last, 4499);
	assert_int_equal(e->start_ns, 20 * MS);
	assert_int_equal(e->start_rt, T0 + 20 * MS);
	assert_int_equal(e->dur_ns, 30 * MS);
	/* no counter grew and every source was read: the path */
	assert_by(e->by, 0, 0, 0, 0, 2000, 0);
	assert_by(fx->by, 0, 0, 0, 0, 2000, 0);
	assert_int_equal(fx->by[XC_FX_TX_UNSENT], 0);
	run_free(r);
}

/* 2. One empty interval between missing frames joins them; two split. */
static void test_episode_grouping(void **state)
{
	struct run *r = run_new(">", 2000);
	struct xc_forensics *fx;

	(void)state;
	tl_both(r, 20);
	queued(r, 1, 100, 0, 20);
	miss(r, 1, 110, 119);		/* interval 1 */
	miss(r, 1, 300, 349);		/* 3: one empty between, joined */
	miss(r, 1, 600, 709);		/* 6, 7: two empty before, split */
	miss(r, 1, 1000, 1000);		/* 10: two empty before, split */
	miss(r, 1, 1290, 1299);		/* 12: joined */
	fx = build(r);
	assert_true(fx->have);
	assert_int_equal(fx->neps, 3);
	assert_int_equal(fx->eps[0].first, 1);
	assert_int_equal(fx->eps[0].last, 3);
	assert_int_equal(fx->eps[0].lost, 60);
	assert_int_equal(fx->eps[0].seq_first, 110);
	assert_int_equal(fx->eps[0].seq_last, 349);
	assert_int_equal(fx->eps[1].first, 6);
	assert_int_equal(fx->eps[1].last, 7);
	assert_int_equal(fx->eps[1].lost, 110);
	assert_int_equal(fx->eps[1].seq_first, 600);
	assert_int_equal(fx->eps[1].seq_last, 709);
	assert_int_equal(fx->eps[2].first, 10);
	assert_int_equal(fx->eps[2].last, 12);
	assert_int_equal(fx->eps[2].lost, 11);
	assert_int_equal(fx->eps[2].dur_ns, 30 * MS);
	assert_int_equal(fx->by[XC_FX_BETWEEN], 181);
	run_free(r);
}

/* One stream of 100 seqs an interval for 10, 100 lost in interval 4. */
static struct run *lost_100(void)
{
	struct run *r = run_new(">", 1000);

	tl_both(r, 10);
	queued(r, 1, 100, 0, 10);
	miss(r, 1, 400, 499);
	return r;
}

/* 3. Layers in the order a frame passes them, each up to what is left. */
static void test_attribution_order(void **state)
{
	const struct xc_fx_episode *e;
	struct run *r = lost_100();
	uint64_t *drop, *fill, *host, *full;

	(void)state;
	drop = xsk_dropped(r, XC_RX);
	fill = xsk_fill_empty(r, XC_RX);
	host = link_rx_dropped(r, XC_RX);
	drop[4] = 60;
	fill[4] = 7;
	host[4] = 30;
	e = &build(r)->eps[0];
	assert_int_equal(r->fx.neps, 1);
	assert_by(e->by, 0, 30, 0, 60, 10, 0);
	assert_string_equal(e->why[XC_FX_RX_HOST], "rx_dropped");
	assert_string_equal(e->why[XC_FX_RX_XSK], "fill ring empty");
	assert_string_equal(r->fx.why[XC_FX_RX_XSK], "fill ring empty");
	assert_by(r->fx.by, 0, 30, 0, 60, 10, 0);

	/* the fill ring never ran empty: the frames were too big */
	fill[4] = 0;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 30, 0, 60, 10, 0);
	assert_string_equal(e->why[XC_FX_RX_XSK], "frame too big");

	/*
	 * The socket's counters take first (they count this run's frames
	 * only, once); the host only what is left: veth in native mode
	 * counts a redirect to a socket with an empty fill ring in its
	 * rx_dropped too.
	 */
	host[4] = 80;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 40, 0, 60, 0, 0);
	host[4] = 60;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 40, 0, 60, 0, 0);

	/* the Rx ring full accounts for more than rx_dropped */
	host[4] = 0;
	full = xsk_ring_full(r, XC_RX);
	drop[4] = 5;
	full[4] = 40;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 0, 0, 45, 55, 0);
	assert_string_equal(e->why[XC_FX_RX_XSK], "Rx ring full");
	run_free(r);
}

/* 4. A layer both hosts count (veth peer) counts once. */
static void test_peer_counters(void **state)
{
	const struct xc_fx_episode *e;
	struct run *r = lost_100();
	uint64_t *peer, *host;

	(void)state;
	peer = peer_tx_dropped(r, XC_TX);
	host = link_rx_dropped(r, XC_RX);
	/* skb mode: the Tx veth and the Rx veth count the same frames */
	peer[4] = 40;
	host[4] = 40;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 40, 0, 0, 60, 0);
	assert_by(r->fx.by, 0, 40, 0, 0, 60, 0);
	/* the larger of the two when they differ, and its name */
	host[4] = 55;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 55, 0, 0, 45, 0);
	assert_string_equal(e->why[XC_FX_RX_HOST], "rx_dropped");
	host[4] = 25;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 40, 0, 0, 60, 0);
	assert_string_equal(e->why[XC_FX_RX_HOST], "tx_dropped");
	/* drv mode: only the sender's peer counter */
	host[4] = 0;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 40, 0, 0, 60, 0);
	run_free(r);
}

/* 5. A counter's growth goes to the nearer episode; late samples count. */
static void test_windows(void **state)
{
	struct run *r = run_new(">", 1000);
	struct xc_forensics *fx;
	uint64_t *drop;

	(void)state;
	tl_both(r, 10);
	queued(r, 1, 100, 0, 10);
	miss(r, 1, 200, 249);		/* episode A: interval 2 */
	miss(r, 1, 700, 749);		/* episode B: interval 7 */
	drop = xsk_dropped(r, XC_RX);
	drop[3] = 20;			/* the interval after A: late */
	drop[4] = 10;			/* 2 from A, 3 from B */
	drop[5] = 15;			/* 3 from A, 2 from B */
	drop[8] = 4;			/* after B */
	fx = build(r);
	assert_int_equal(fx->neps, 2);
	assert_int_equal(fx->eps[0].first, 2);
	assert_int_equal(fx->eps[1].first, 7);
	assert_by(fx->eps[0].by, 0, 0, 0, 30, 20, 0);
	assert_by(fx->eps[1].by, 0, 0, 0, 19, 31, 0);
	/* growth before an episode counts for it too */
	drop[3] = 0;
	drop[0] = 20;
	fx = build(r);
	assert_by(fx->eps[0].by, 0, 0, 0, 30, 20, 0);
	run_free(r);
}

/* 6. A counter source that could not be read: the rest is not attributed. */
static void test_not_attributed(void **state)
{
	const struct xc_fx_episode *e;
	struct run *r = lost_100();
	uint64_t *drop;

	(void)state;
	drop = xsk_dropped(r, XC_RX);
	drop[4] = 30;
	unread(r, XC_RX, "link: stats64 of xcr: No such device");
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 0, 0, 30, 0, 70);
	assert_by(r->fx.by, 0, 0, 0, 30, 0, 70);
	run_free(r);

	/* ethtool alone may be absent: the path */
	r = lost_100();
	drop = xsk_dropped(r, XC_RX);
	drop[4] = 30;
	unread(r, XC_RX, "ethtool: xcr: Operation not supported");
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 0, 0, 30, 70, 0);
	/* the sender's host counts too */
	unread(r, XC_TX, "softnet: /proc/net/softnet_stat: Permission denied");
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 0, 0, 30, 0, 70);
	run_free(r);
}

/*
 * 6b. Frames our XDP program passed to the kernel as not ours (a test
 * frame damaged in its magic or run tag among them) explain a loss
 * between the hosts, and take none of it: the counter counts other
 * traffic of the port range too.
 */
static void test_not_ours(void **state)
{
	const struct xc_fx_episode *e;
	struct run *r = lost_100();
	uint64_t *drop, *not_ours;

	(void)state;
	drop = xsk_dropped(r, XC_RX);
	not_ours = counter(r, XC_RX, "xdp_not_ours", SRC(XDP), LAYER(RX_XDP),
			   0);
	drop[4] = 30;
	not_ours[4] = 100;
	not_ours[5] = 20;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 0, 0, 30, 70, 0);
	assert_string_equal(e->why[XC_FX_BETWEEN],
			    "XDP passed 120 to the kernel as not ours");
	assert_string_equal(r->fx.why[XC_FX_BETWEEN],
			    "XDP passed 120 to the kernel as not ours");
	/* nothing left for the path: nothing to explain there */
	drop[4] = 100;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 0, 0, 100, 0, 0);
	assert_string_equal(e->why[XC_FX_BETWEEN], "");
	/* none passed: the path's loss has no why */
	drop[4] = 30;
	not_ours[4] = 0;
	not_ours[5] = 0;
	e = &build(r)->eps[0];
	assert_by(e->by, 0, 0, 0, 30, 70, 0);
	assert_string_equal(e->why[XC_FX_BETWEEN], "");
	run_free(r);
}

/* 7. Seqs never queued are the sender's; ranges not kept are unplaced. */
static void test_unsent_unplaced(void **state)
{
	static const uint64_t want[10] = { 0, 0, 0, 0, 0, 0, 0, 100 };
	struct run *r = run_new(">", 1000);
	struct xc_forensics *fx;

	(void)state;
	tl_both(r, 10);
	queued(r, 1, 100, 0, 8);	/* 800 of 1000 */
	r->txs[0].sent = 800;
	miss(r, 1, 700, 999);
	fx = build(r);
	assert_row(fx->missing, want, 10);
	assert_int_equal(fx->missing_total, 300);
	assert_int_equal(fx->by[XC_FX_TX_UNSENT], 200);
	assert_int_equal(fx->unplaced, 0);
	assert_int_equal(fx->neps, 1);
	assert_int_equal(fx->eps[0].lost, 100);
	assert_int_equal(fx->eps[0].seq_last, 799);
	assert_by(fx->eps[0].by, 0, 0, 0, 0, 100, 0);
	assert_by(fx->by, 0, 0, 0, 0, 100, 0);
	assert_true(xc_fx_where_tester(XC_FX_TX_UNSENT));
	run_free(r);

	/*
	 * 150 missing beyond the ranges the receiver kept: not placed in
	 * time, attributed over the whole run (every source read, no
	 * counter: the path)
	 */
	r = lost_100();
	r->rxs[0].missing += 150;
	r->rxs[0].delivered -= 150;
	r->rxs[0].missing_range_count += 3;
	fx = build(r);
	assert_int_equal(fx->missing_total, 250);
	assert_int_equal(fx->unplaced, 150);
	assert_int_equal(fx->neps, 1);
	assert_int_equal(fx->eps[0].lost, 100);
	assert_by(fx->eps[0].by, 0, 0, 0, 0, 100, 0);
	assert_by(fx->by, 0, 0, 0, 0, 250, 0);
	/* the run's counters beyond what the episode took go to them */
	xsk_dropped(r, XC_RX)[4] = 90;
	xsk_dropped(r, XC_RX)[9] = 100;
	fx = build(r);
	assert_by(fx->eps[0].by, 0, 0, 0, 100, 0, 0);
	assert_by(fx->by, 0, 0, 0, 190, 60, 0);
	/* a source not read: the rest not attributed */
	unread(r, XC_RX, "link: stats64 of xcr: No such device");
	fx = build(r);
	assert_by(fx->eps[0].by, 0, 0, 0, 100, 0, 0);
	assert_by(fx->by, 0, 0, 0, 190, 0, 60);
	run_free(r);

	/* a stream without a Tx series: all of it unplaced */
	r = lost_100();
	r->tb[XC_TX].t.n_tx = 0;
	fx = build(r);
	assert_true(fx->have);
	assert_int_equal(fx->neps, 0);
	assert_int_equal(fx->unplaced, 100);
	assert_by(fx->by, 0, 0, 0, 0, 100, 0);
	run_free(r);
}

/* 8. The common grid, and the timelines it cannot be built from. */
static void test_grid(void **state)
{
	static const uint64_t sent[5] = { 200, 200, 200, 200, 200 };
	static const uint64_t miss_w[5] = { 0, 100, 0, 0, 0 };
	static const uint64_t gauge[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const uint64_t gauge_w[5] = { 2, 4, 6, 8, 10 };
	struct run *r = run_new(">", 1000);
	struct xc_forensics *fx;
	uint64_t *drop, row[5] = { 0 };

	(void)state;
	/* Tx at 10 ms, Rx coarsened once to 20 ms */
	tl_on(r, XC_TX, IV, T0, 10);
	tl_on(r, XC_RX, 2 * IV, T0, 5);
	assert_int_equal(r->tb[XC_RX].t.coarsened, 1);
	queued(r, 1, 100, 0, 10);
	series_of(r, XC_RX, false, 1)->v[1] = 100;
	miss(r, 1, 250, 349);		/* Tx records 2 and 3: grid 1 */
	drop = xsk_dropped(r, XC_RX);
	drop[1] = 100;
	fx = build(r);
	assert_true(fx->have);
	assert_int_equal(fx->iv_ns, 2 * IV);
	assert_int_equal(fx->start_rt, T0);
	assert_int_equal(fx->n, 5);
	assert_row(fx->sent, sent, 5);
	assert_int_equal(fx->recv[1], 100);
	assert_row(fx->missing, miss_w, 5);
	assert_int_equal(fx->neps, 1);
	assert_int_equal(fx->eps[0].first, 1);
	assert_int_equal(fx->eps[0].start_ns, 20 * MS);
	assert_int_equal(fx->eps[0].dur_ns, 20 * MS);
	assert_by(fx->eps[0].by, 0, 0, 0, 100, 0, 0);
	/* a gauge keeps its last value in each grid interval */
	xc_fx_regrid(fx, &r->tb[XC_TX].t, gauge, true, row);
	assert_row(row, gauge_w, 5);

	/* the Rx agent starts one 20 ms record later: the grid spans both */
	r->tb[XC_RX].t.start_realtime_ns = T0 + 2 * IV;
	drop[1] = 0;
	drop[0] = 100;			/* now grid interval 1 */
	fx = build(r);
	assert_true(fx->have);
	assert_int_equal(fx->start_rt, T0);
	assert_int_equal(fx->n, 6);
	assert_by(fx->eps[0].by, 0, 0, 0, 100, 0, 0);

	/* the Tx agent starts half a grid interval late: still nests */
	r->tb[XC_RX].t.start_realtime_ns = T0;
	r->tb[XC_TX].t.start_realtime_ns = T0 + IV;
	drop[0] = 0;
	drop[1] = 100;
	fx = build(r);
	assert_true(fx->have);
	assert_int_equal(fx->start_rt, T0);
	assert_int_equal(fx->n, 6);
	/* Tx record 2 ([30, 40) ms) in grid 1, record 3 in grid 2 */
	assert_int_equal(fx->missing[1], 50);
	assert_int_equal(fx->missing[2], 50);

	/* clocks a run apart: the intervals do not line up */
	r->tb[XC_TX].t.start_realtime_ns = T0;
	r->tb[XC_RX].t.start_realtime_ns = T0 + 40000 * 2 * IV;
	fx = build(r);
	assert_false(fx->have);
	assert_non_null(strstr(fx->why_not, "clocks disagree"));
	assert_int_equal(fx->neps, 0);

	/* intervals that do not nest: 30 ms and 20 ms, both aligned */
	r->tb[XC_TX].t.start_realtime_ns = T0 - T0 % (6 * IV);
	r->tb[XC_RX].t.start_realtime_ns = T0 - T0 % (6 * IV);
	r->tb[XC_TX].t.interval_ns = 3 * IV;
	fx = build(r);
	assert_false(fx->have);
	assert_non_null(strstr(fx->why_not, "do not nest"));
	r->tb[XC_TX].t.interval_ns = IV;
	r->tb[XC_TX].t.start_realtime_ns = T0;
	r->tb[XC_RX].t.start_realtime_ns = T0;
	assert_true(build(r)->have);

	/* a series of the wrong length: a counter, a stream's */
	counter(r, XC_TX, "tx_errors", SRC(LINK), LAYER(TX), LOSS);
	r->tb[XC_TX].ctr[0].n_v = 9;
	fx = build(r);
	assert_false(fx->have);
	assert_non_null(strstr(fx->why_not, "malformed"));
	r->tb[XC_TX].ctr[0].n_v = 10;
	assert_true(build(r)->have);
	series_of(r, XC_TX, true, 1)->n_v = 11;
	fx = build(r);
	assert_false(fx->have);
	assert_non_null(strstr(fx->why_not, "malformed"));
	series_of(r, XC_TX, true, 1)->n_v = 10;

	/* one agent without a timeline */
	r->rep[XC_RX].timeline = NULL;
	fx = build(r);
	assert_false(fx->have);
	assert_string_equal(fx->why_not, "an agent sent no timeline");
	run_free(r);
}

/* 9. Frames queued and never completed: one pool over the episodes. */
static void test_uncompleted_pool(void **state)
{
	struct run *r = run_new(">", 1000);
	struct xc_forensics *fx;

	(void)state;
	tl_both(r, 10);
	queued(r, 1, 100, 0, 10);
	miss(r, 1, 100, 139);		/* 40 in interval 1 */
	miss(r, 1, 700, 739);		/* 40 in interval 7 */
	r->rep[XC_TX].tx_uncompleted = 50;
	fx = build(r);
	assert_int_equal(fx->neps, 2);
	assert_by(fx->eps[0].by, 40, 0, 0, 0, 0, 0);
	assert_string_equal(fx->eps[0].why[XC_FX_TX],
			    "queued, never completed");
	assert_by(fx->eps[1].by, 10, 0, 0, 0, 30, 0);
	assert_by(fx->by, 50, 0, 0, 0, 30, 0);
	assert_string_equal(fx->why[XC_FX_TX], "queued, never completed");

	/* a Tx counter first, the pool only for what it leaves */
	link_tx_errors(r, XC_TX)[1] = 25;
	fx = build(r);
	assert_by(fx->eps[0].by, 40, 0, 0, 0, 0, 0);
	assert_string_equal(fx->eps[0].why[XC_FX_TX], "tx_errors");
	assert_by(fx->eps[1].by, 35, 0, 0, 0, 5, 0);
	assert_by(fx->by, 75, 0, 0, 0, 5, 0);
	run_free(r);
}

/* Bidirectional: stream 1 Tx->Rx loses in interval 2, stream 2 in 7. */
static struct run *bidir(void)
{
	struct run *r = run_new("><", 1000);

	tl_both(r, 10);
	queued(r, 1, 100, 0, 10);
	queued(r, 2, 100, 0, 10);
	miss(r, 1, 200, 299);
	miss(r, 2, 700, 799);
	return r;
}

/* 10. An agent's Tx counters only for the streams it sends, Rx likewise. */
static void test_bidirectional(void **state)
{
	struct run *r = bidir();
	struct xc_forensics *fx;
	uint64_t *ta, *ra, *xa;

	(void)state;
	ta = link_tx_errors(r, XC_TX);
	ra = link_tx_errors(r, XC_RX);
	xa = xsk_dropped(r, XC_TX);
	ta[2] = 10;			/* A: the Tx agent sends stream 1 */
	ta[7] = 15;			/* B: it does not send stream 2 */
	ra[2] = 20;			/* A: the Rx agent does not send 1 */
	ra[7] = 25;			/* B: it sends stream 2 */
	xa[2] = 7;			/* A: the Tx agent receives not 1 */
	xa[7] = 5;			/* B: it receives stream 2 */
	fx = build(r);
	assert_int_equal(fx->neps, 2);
	assert_int_equal(fx->eps[0].stream_id, 1);
	assert_int_equal(fx->eps[1].stream_id, 2);
	assert_int_equal(fx->eps[1].seq_first, 700);
	assert_by(fx->eps[0].by, 10, 0, 0, 0, 90, 0);
	assert_by(fx->eps[1].by, 25, 0, 0, 5, 70, 0);
	assert_by(fx->by, 35, 0, 0, 5, 160, 0);
	run_free(r);
}

/*
 * 10b. Frames the Rx agent's sender never completed are not those the Tx
 * agent sent: an episode of stream 1 (sent by the Tx agent) draws on the
 * Tx agent's uncompleted frames only.
 */
static void test_bidirectional_uncompleted(void **state)
{
	struct run *r = bidir();
	struct xc_forensics *fx;

	(void)state;
	r->rep[XC_RX].tx_uncompleted = 30;
	fx = build(r);
	assert_by(fx->eps[0].by, 0, 0, 0, 0, 100, 0);
	assert_by(fx->eps[1].by, 30, 0, 0, 0, 70, 0);
	run_free(r);
}

/* Judge r with its forensics. */
static void judge(struct run *r)
{
	char err[256] = "";

	build(r);
	assert_true(r->fx.have);
	r->view.fx = &r->fx;
	xc_judgement_free(&r->j);
	if (xc_judge(&r->view, &r->j, err, sizeof(err)))
		print_error("judge: %s\n", err);
	assert_string_equal(err, "");
}

/* 11. The verdict's tester share is the forensics' one. */
static void test_judge_uses_forensics(void **state)
{
	Xceiver__V1__XskStats xs;
	Xceiver__V1__XskStats *xsp = &xs;
	struct run *r = lost_100();
	char err[256] = "";

	(void)state;
	/* the Rx socket dropped all of it in the episode's window */
	xsk_dropped(r, XC_RX)[5] = 100;
	judge(r);
	assert_int_equal(r->fx.by[XC_FX_RX_XSK], 100);
	assert_true(r->j.loss.from_timeline);
	assert_int_equal(r->j.loss.missing, 100);
	assert_int_equal(r->j.loss.tester, 100);
	assert_int_equal(r->j.loss.not_attributed, 0);
	assert_int_equal(r->j.failed, 2);	/* missing, delivered */
	assert_int_equal(r->j.word, XC_VERDICT_TESTER);
	run_free(r);

	/*
	 * Lost between the hosts, though the whole run's socket counters
	 * alone would have blamed the socket: FAIL.
	 */
	r = lost_100();
	xceiver__v1__xsk_stats__init(&xs);
	xs.rx_dropped = 100;
	r->rep[XC_RX].xsk = &xsp;
	r->rep[XC_RX].n_xsk = 1;
	judge(r);
	assert_int_equal(r->fx.by[XC_FX_BETWEEN], 100);
	assert_true(r->j.loss.from_timeline);
	assert_int_equal(r->j.loss.tester, 0);
	assert_int_equal(r->j.word, XC_VERDICT_FAIL);
	/* without the forensics the same counters say the tester */
	r->view.fx = NULL;
	xc_judgement_free(&r->j);
	assert_int_equal(xc_judge(&r->view, &r->j, err, sizeof(err)), 0);
	assert_int_equal(r->j.word, XC_VERDICT_TESTER);
	run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_episode_grouping),
		cmocka_unit_test(test_attribution_order),
		cmocka_unit_test(test_peer_counters),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_not_attributed),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_unsent_unplaced),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_uncompleted_pool),
		cmocka_unit_test(test_bidirectional),
		cmocka_unit_test(test_bidirectional_uncompleted),
		cmocka_unit_test(test_judge_uses_forensics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
