// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Drop forensics (see xc_forensics.h).
 *
 * The grid: the coarser of the two agents' intervals, from the earlier
 * start to the later end. Both agents' records start at multiples of their
 * interval of CLOCK_REALTIME, so each record falls in exactly one interval
 * of the grid.
 *
 * A missing seq is placed in the interval its sender queued it: a stream's
 * seqs leave in order, so seq s left in the record where the running sum
 * of the stream's Tx series passes s. Seqs beyond the last one queued were
 * never sent. Missing frames in ranges beyond those the receiver kept
 * cannot be placed.
 *
 * Attribution, per episode: the loss counters of each layer (our XDP
 * program's and the sockets' first, which count only this run's frames,
 * then the sending and the receiving host's, which may count a frame the
 * socket counted too; see xc_fx_take), over
 * the episode's intervals and those half way to the next episode on each
 * side (a frame queued at the end of one interval arrives in the next, and
 * a host's counters are read when its sampler gets the CPU), each layer
 * taking at most what is left. What no counter
 * accounts for was lost between the hosts, when every source of counters
 * on both hosts was read; else it is not attributed.
 *
 * A test frame damaged on the way in its magic or run tag is passed to
 * the kernel by our XDP program (xdp_not_ours) and is missing. That
 * counter also counts any other traffic in the port range, so it cannot
 * say how many test frames it holds: the loss stays between the hosts,
 * where the damage was done, and the episode's why says how many frames
 * the program passed as not ours in its window.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_forensics.h"
#include "xc_limits.h"
#include "xc_util.h"

#define LAY(x)	XCEIVER__V1__LAYER__LAYER_##x
/* grid intervals beyond both agents' caps: their clocks disagree */
#define XC_FX_MAX_GRID	(4u * XC_TL_MAX_INTERVALS)

struct xc_fx_where_def {
	const char *name;
	const char *label;
	const char *short_label;
	bool tester;
};

static const struct xc_fx_where_def xc_fx_wheres[XC_FX_NWHERE] = {
	[XC_FX_TX_UNSENT] = { "tx_unsent", "never sent by the sender",
			      "never sent", true },
	[XC_FX_TX] = { "tx_host", "in the sending host", "sending host",
		       false },
	[XC_FX_RX_HOST] = { "rx_host", "in the receiving host before XDP",
			    "receiving host", false },
	[XC_FX_RX_XDP] = { "rx_xdp", "in the receiver's XDP program",
			   "XDP, no socket", true },
	[XC_FX_RX_XSK] = { "rx_xsk", "in the receiver's socket",
			   "receiver socket", true },
	[XC_FX_BETWEEN] = { "between_hosts",
			    "between the hosts (cable, switch, device under test)",
			    "between the hosts", false },
	[XC_FX_UNATTRIBUTED] = { "not_attributed", "not attributed",
				 "not attributed", false },
};

const char *xc_fx_where_short(enum xc_fx_where w)
{
	return w < XC_FX_NWHERE ? xc_fx_wheres[w].short_label : "?";
}

const char *xc_fx_where_label(enum xc_fx_where w)
{
	return w < XC_FX_NWHERE ? xc_fx_wheres[w].label : "?";
}

const char *xc_fx_where_name(enum xc_fx_where w)
{
	return w < XC_FX_NWHERE ? xc_fx_wheres[w].name : "?";
}

bool xc_fx_where_tester(enum xc_fx_where w)
{
	return w < XC_FX_NWHERE && xc_fx_wheres[w].tester;
}

/* The layer a timeline counter's loss belongs to, or XC_FX_NWHERE. */
static enum xc_fx_where xc_fx_layer(int layer)
{
	switch (layer) {
	case LAY(TX):
		return XC_FX_TX;
	case LAY(RX_HOST):
		return XC_FX_RX_HOST;
	case LAY(RX_XDP):
		return XC_FX_RX_XDP;
	case LAY(RX_XSK):
		return XC_FX_RX_XSK;
	default:
		return XC_FX_NWHERE;
	}
}

/* ---------------------------------------------------------------- grid */

static const Xceiver__V1__Timeline *xc_fx_tl(const struct xc_view *v,
					     enum xc_side side)
{
	const Xceiver__V1__Report *r = xc_view_report(v, side);

	return r ? r->timeline : NULL;
}

/*
 * Whether t is one an agent could have sent: its records on its grid
 * within 64-bit time, and every series with one value per record.
 */
static bool xc_fx_tl_sane(const Xceiver__V1__Timeline *t)
{
	uint64_t span, end;
	size_t i;

	if (__builtin_mul_overflow(t->intervals, t->interval_ns, &span) ||
	    __builtin_add_overflow(t->start_realtime_ns, span, &end))
		return false;
	if (!t->interval_ns || !t->requested_interval_ns ||
	    t->interval_ns % t->requested_interval_ns ||
	    t->start_realtime_ns % t->interval_ns ||
	    t->intervals > XC_TL_MAX_INTERVALS)
		return false;
	for (i = 0; i < t->n_counters; i++)
		if (t->counters[i]->n_v != t->intervals)
			return false;
	for (i = 0; i < t->n_tx; i++)
		if (t->tx[i]->n_v != t->intervals)
			return false;
	for (i = 0; i < t->n_rx; i++)
		if (t->rx[i]->n_v != t->intervals)
			return false;
	return true;
}

static int xc_fx_not(struct xc_forensics *fx, const char *why)
{
	fx->have = false;
	snprintf(fx->why_not, sizeof(fx->why_not), "%s", why);
	return 0;
}

static uint64_t xc_fx_tl_end(const Xceiver__V1__Timeline *t)
{
	return t->start_realtime_ns + t->intervals * t->interval_ns;
}

/* The common grid of the timelines present; false with why_not. */
static bool xc_fx_grid(struct xc_forensics *fx,
		       const Xceiver__V1__Timeline *const t[2])
{
	uint64_t start = UINT64_MAX, end = 0, iv = 0, n;
	int i;

	for (i = 0; i < 2; i++) {
		if (!t[i])
			continue;
		if (!xc_fx_tl_sane(t[i])) {
			xc_fx_not(fx, "an agent's timeline is malformed");
			return false;
		}
		iv = XC_MAX(iv, t[i]->interval_ns);
		fx->req_iv_ns = t[i]->requested_interval_ns;
		if (t[i]->coarsened && (!fx->max_intervals ||
					t[i]->max_intervals < fx->max_intervals))
			fx->max_intervals = t[i]->max_intervals;
	}
	for (i = 0; i < 2; i++) {
		if (!t[i])
			continue;
		if (iv % t[i]->interval_ns) {
			xc_fx_not(fx, "the agents' intervals do not nest");
			return false;
		}
		start = XC_MIN(start, t[i]->start_realtime_ns);
		end = XC_MAX(end, xc_fx_tl_end(t[i]));
	}
	start -= start % iv;
	n = (end - start + iv - 1) / iv;
	if (n > XC_FX_MAX_GRID) {
		xc_fx_not(fx, "the agents' clocks disagree by more than the run: their intervals do not line up");
		return false;
	}
	fx->iv_ns = iv;
	fx->start_rt = start;
	fx->n = (uint32_t)(n ? n : 1);
	return true;
}

/* The grid interval of record k of t. */
static uint32_t xc_fx_at(const struct xc_forensics *fx,
			 const Xceiver__V1__Timeline *t, uint64_t k)
{
	uint64_t rt = t->start_realtime_ns + k * t->interval_ns;

	return (uint32_t)((rt - fx->start_rt) / fx->iv_ns);
}

void xc_fx_regrid(const struct xc_forensics *fx,
		  const Xceiver__V1__Timeline *t, const uint64_t *v,
		  bool gauge, uint64_t *dst)
{
	uint32_t k;

	for (k = 0; k < t->intervals; k++) {
		if (gauge)
			dst[xc_fx_at(fx, t, k)] = v[k];
		else
			dst[xc_fx_at(fx, t, k)] += v[k];
	}
}

void xc_fx_regrid_series(const struct xc_forensics *fx,
			 const Xceiver__V1__Timeline *t,
			 const Xceiver__V1__Series *s, uint64_t *dst)
{
	uint32_t k, at;

	if (!s->peak) {
		xc_fx_regrid(fx, t, s->v, s->gauge, dst);
		return;
	}
	for (k = 0; k < t->intervals; k++) {
		at = xc_fx_at(fx, t, k);
		dst[at] = XC_MAX(dst[at], s->v[k]);
	}
}

/* ---------------------------------------------------------------- streams */

static const Xceiver__V1__StreamSeries *
xc_fx_series(Xceiver__V1__StreamSeries *const *s, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i]->stream_id == id)
			return s[i];
	return NULL;
}

/*
 * Walk the missing ranges of one stream against its Tx series: call back
 * with each part of a range that was queued in one record of t.
 */
struct xc_fx_walk {
	const struct xc_forensics *fx;
	const Xceiver__V1__Timeline *t;
	const Xceiver__V1__StreamSeries *tx;
	const Xceiver__V1__RxStreamReport *rx;
	void (*fn)(struct xc_fx_walk *w, uint32_t at, uint64_t first,
		   uint64_t last);
	void *arg;
	uint64_t placed;
	uint64_t unsent;	/* seqs past the last one queued */
};

static void xc_fx_walk_range(struct xc_fx_walk *w, uint64_t a, uint64_t b,
			     uint32_t *k, uint64_t *lo)
{
	const Xceiver__V1__StreamSeries *tx = w->tx;
	uint64_t hi, x, y;

	if (a < *lo) {		/* ranges out of order: start over */
		*k = 0;
		*lo = 0;
	}
	while (a <= b && *k < tx->n_v) {
		/* record k: [lo, hi); a sum past 64 bits ends the seqs */
		if (__builtin_add_overflow(*lo, tx->v[*k], &hi))
			hi = UINT64_MAX;
		if (a >= hi) {
			*lo = hi;
			(*k)++;
			continue;
		}
		x = XC_MAX(a, *lo);
		y = XC_MIN(b, hi - 1);
		w->fn(w, xc_fx_at(w->fx, w->t, *k), x, y);
		w->placed += y - x + 1;
		if (y == UINT64_MAX)
			return;
		a = y + 1;
	}
	if (a <= b)
		w->unsent += b - a + 1;
}

static void xc_fx_walk(struct xc_fx_walk *w)
{
	const Xceiver__V1__RxStreamReport *rx = w->rx;
	uint64_t lo = 0;
	uint32_t k = 0;
	size_t i;

	w->placed = 0;
	w->unsent = 0;
	for (i = 0; i < rx->n_missing_ranges; i++)
		xc_fx_walk_range(w, rx->missing_ranges[i]->first,
				 rx->missing_ranges[i]->last, &k, &lo);
}

static void xc_fx_count(struct xc_fx_walk *w, uint32_t at, uint64_t first,
			uint64_t last)
{
	struct xc_fx_stream *fs = w->arg;

	fs->missing[at] += last - first + 1;
}

static uint64_t *xc_fx_row(const struct xc_forensics *fx)
{
	return calloc(fx->n, sizeof(uint64_t));
}

static int xc_fx_stream(struct xc_forensics *fx, const struct xc_view *v,
			size_t i, const Xceiver__V1__Timeline *const t[2])
{
	const Xceiver__V1__Stream *st = v->spec->streams[i];
	enum xc_side tx = xc_stream_sender(st), rx = !tx;
	struct xc_fx_stream *fs = &fx->streams[i];
	struct xc_fx_walk w = { .fx = fx, .t = t[tx], .rx = v->rx[i],
				.fn = xc_fx_count, .arg = fs };
	const Xceiver__V1__StreamSeries *rs = NULL;

	fs->id = st->id;
	fs->sent = xc_fx_row(fx);
	fs->recv = xc_fx_row(fx);
	fs->missing = xc_fx_row(fx);
	if (!fs->sent || !fs->recv || !fs->missing)
		return -ENOMEM;
	if (t[tx])
		w.tx = xc_fx_series(t[tx]->tx, t[tx]->n_tx, st->id);
	if (t[rx])
		rs = xc_fx_series(t[rx]->rx, t[rx]->n_rx, st->id);
	if (w.tx)
		xc_fx_regrid(fx, t[tx], w.tx->v, false, fs->sent);
	if (rs)
		xc_fx_regrid(fx, t[rx], rs->v, false, fs->recv);
	if (!w.rx)
		return 0;
	fx->missing_total += w.rx->missing;
	if (!w.tx) {
		fx->unplaced += w.rx->missing;
		return 0;
	}
	xc_fx_walk(&w);
	fx->by[XC_FX_TX_UNSENT] += w.unsent;
	fx->unplaced += w.rx->missing - XC_MIN(w.rx->missing,
					       w.placed + w.unsent);
	return 0;
}

/*
 * A side's agent puts its j-th stream (in spec order) on socket j % n of
 * its n queues, in the order the endpoint lists them.
 */
static uint32_t xc_fx_tx_queue(const struct xc_view *v, enum xc_side side,
			       uint32_t j)
{
	const Xceiver__V1__Endpoint *ep = side == XC_TX ? v->spec->tx :
					  v->spec->rx;

	if (!ep || !ep->xsk || !ep->xsk->n_queues)
		return 0;
	return ep->xsk->queues[j % ep->xsk->n_queues];
}

static int xc_fx_streams(struct xc_forensics *fx, const struct xc_view *v,
			 const Xceiver__V1__Timeline *const t[2])
{
	uint32_t i, k, nth[2] = { 0, 0 };
	enum xc_side tx;
	int ret;

	fx->nstreams = (uint32_t)v->spec->n_streams;
	fx->streams = calloc(fx->nstreams + 1, sizeof(*fx->streams));
	fx->sent = xc_fx_row(fx);
	fx->recv = xc_fx_row(fx);
	fx->missing = xc_fx_row(fx);
	if (!fx->streams || !fx->sent || !fx->recv || !fx->missing)
		return -ENOMEM;
	for (i = 0; i < fx->nstreams; i++) {
		ret = xc_fx_stream(fx, v, i, t);
		if (ret)
			return ret;
		tx = xc_stream_sender(v->spec->streams[i]);
		fx->streams[i].tx_queue = xc_fx_tx_queue(v, tx, nth[tx]++);
		for (k = 0; k < fx->n; k++) {
			fx->sent[k] += fx->streams[i].sent[k];
			fx->recv[k] += fx->streams[i].recv[k];
			fx->missing[k] += fx->streams[i].missing[k];
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- episodes */

#define XC_FX_GAP	1	/* empty intervals an episode spans */

struct xc_fx_span {
	uint32_t first;
	uint32_t last;
	uint64_t lo;		/* seqs of one stream queued in the span */
	uint64_t hi;
	bool any;
};

static void xc_fx_span_fn(struct xc_fx_walk *w, uint32_t at, uint64_t first,
			  uint64_t last)
{
	struct xc_fx_span *sp = w->arg;

	if (at < sp->first || at > sp->last)
		return;
	if (!sp->any || first < sp->lo)
		sp->lo = first;
	if (!sp->any || last > sp->hi)
		sp->hi = last;
	sp->any = true;
}

static bool xc_fx_touches(const struct xc_fx_stream *fs,
			  const struct xc_fx_episode *e)
{
	uint32_t k;

	for (k = e->first; k <= e->last; k++)
		if (fs->missing[k])
			return true;
	return false;
}

static int xc_fx_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static uint32_t xc_fx_distinct(uint32_t *q, uint32_t n)
{
	uint32_t i, d = n ? 1 : 0;

	qsort(q, n, sizeof(*q), xc_fx_cmp_u32);
	for (i = 1; i < n; i++)
		d += q[i] != q[i - 1];
	return d;
}

/*
 * Streams the episode touched, their senders' queues (q: room for every
 * stream), and the first one's missing seqs in it.
 */
static void xc_fx_ep_streams(struct xc_forensics *fx, const struct xc_view *v,
			     const Xceiver__V1__Timeline *const t[2],
			     struct xc_fx_episode *e, bool sides[2][2],
			     uint32_t *q)
{
	struct xc_fx_span sp = { .first = e->first, .last = e->last };
	struct xc_fx_walk w = { .fx = fx, .fn = xc_fx_span_fn, .arg = &sp };
	enum xc_side tx;
	uint32_t i;

	for (i = 0; i < fx->nstreams; i++) {
		if (!xc_fx_touches(&fx->streams[i], e))
			continue;
		tx = xc_stream_sender(v->spec->streams[i]);
		sides[tx][0] = true;	/* [side][0]: sends, [1]: receives */
		sides[!tx][1] = true;
		q[e->nstreams] = fx->streams[i].tx_queue;
		if (e->nstreams++)
			continue;
		e->tx_queue = fx->streams[i].tx_queue;
		e->stream_id = fx->streams[i].id;
		w.t = t[tx];
		w.rx = v->rx[i];
		w.tx = xc_fx_series(t[tx]->tx, t[tx]->n_tx, e->stream_id);
		if (w.tx && w.rx)
			xc_fx_walk(&w);
		e->seq_first = sp.lo;
		e->seq_last = sp.hi;
	}
	e->ntx_queues = xc_fx_distinct(q, e->nstreams);
}

static int xc_fx_ep_add(struct xc_forensics *fx, uint32_t first,
			uint32_t last)
{
	struct xc_fx_episode *e;
	uint32_t k;

	e = realloc(fx->eps, (fx->neps + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	fx->eps = e;
	e = &fx->eps[fx->neps++];
	memset(e, 0, sizeof(*e));
	e->first = first;
	e->last = last;
	e->start_ns = first * fx->iv_ns;
	e->start_rt = fx->start_rt + e->start_ns;
	e->dur_ns = (uint64_t)(last - first + 1) * fx->iv_ns;
	for (k = first; k <= last; k++)
		e->lost += fx->missing[k];
	return 0;
}

/* Group the intervals with missing frames. */
static int xc_fx_episodes(struct xc_forensics *fx)
{
	uint32_t k, first = 0, last = 0;
	bool open = false;
	int ret;

	for (k = 0; k < fx->n; k++) {
		if (!fx->missing[k])
			continue;
		if (open && k - last <= XC_FX_GAP + 1) {
			last = k;
			continue;
		}
		if (open) {
			ret = xc_fx_ep_add(fx, first, last);
			if (ret)
				return ret;
		}
		open = true;
		first = k;
		last = k;
	}
	return open ? xc_fx_ep_add(fx, first, last) : 0;
}

/* ---------------------------------------------------------------- layers */

/* What a layer's loss counters grew by in grid intervals [lo, hi]. */
struct xc_fx_avail {
	uint64_t n[XC_FX_NWHERE];
	uint64_t best[XC_FX_NWHERE];
	const char *why[XC_FX_NWHERE];
	uint64_t peer[XC_FX_NWHERE];	/* Series.peer counts */
	const char *peer_why[XC_FX_NWHERE];
	uint64_t fill_empty;	/* rx_fill_ring_empty_descs grew */
	uint64_t not_ours;	/* xdp_not_ours grew */
};

static uint64_t xc_fx_window(const struct xc_forensics *fx,
			     const Xceiver__V1__Timeline *t,
			     const Xceiver__V1__Series *s, uint32_t lo,
			     uint32_t hi)
{
	uint64_t sum = 0;
	uint32_t k, at;

	for (k = 0; k < t->intervals; k++) {
		at = xc_fx_at(fx, t, k);
		if (at >= lo && at <= hi)
			sum += s->v[k];
	}
	return sum;
}

static void xc_fx_best(struct xc_fx_avail *a, enum xc_fx_where w,
		       uint64_t sum, const char *name)
{
	if (sum > a->best[w]) {
		a->best[w] = sum;
		a->why[w] = name;
	}
}

/* A side's counters: Tx layers when it sends, Rx layers when it receives. */
static void xc_fx_avail_side(const struct xc_forensics *fx,
			     const Xceiver__V1__Timeline *t, bool sends,
			     bool receives, uint32_t lo, uint32_t hi,
			     struct xc_fx_avail *a)
{
	const Xceiver__V1__Series *s;
	enum xc_fx_where w;
	uint64_t sum;
	size_t i;

	for (i = 0; t && i < t->n_counters; i++) {
		s = t->counters[i];
		w = xc_fx_layer(s->layer);
		if (w == XC_FX_NWHERE ||
		    (w == XC_FX_TX || s->peer ? !sends : !receives))
			continue;
		sum = xc_fx_window(fx, t, s, lo, hi);
		if (s->peer && s->loss) {
			a->peer[w] += sum;
			if (sum && !a->peer_why[w])
				a->peer_why[w] = s->name;
			continue;
		}
		if (!s->loss) {
			if (!strcmp(s->name, "rx_fill_ring_empty_descs"))
				a->fill_empty += sum;
			else if (!strcmp(s->name, "xdp_not_ours"))
				a->not_ours += sum;
			continue;
		}
		a->n[w] += sum;
		xc_fx_best(a, w, sum, s->name);
	}
}

/* A layer counted by both hosts (peer): the larger count, not the sum. */
static void xc_fx_avail_peers(struct xc_fx_avail *a)
{
	int w;

	for (w = 0; w < XC_FX_NWHERE; w++) {
		if (a->peer[w] > a->n[w] || !a->why[w])
			a->why[w] = a->peer_why[w];
		a->n[w] = XC_MAX(a->n[w], a->peer[w]);
	}
}

/* Whether the counters a side needs were all read (ethtool may be absent). */
static bool xc_fx_side_read(const Xceiver__V1__Timeline *t)
{
	size_t i;

	if (!t)
		return false;
	for (i = 0; i < t->n_unread; i++)
		if (strncmp(t->unread[i], "ethtool", 7))
			return false;
	return true;
}

static void xc_fx_why(char *buf, const struct xc_fx_avail *a,
		      enum xc_fx_where w)
{
	const char *why = a->why[w] ? a->why[w] : "";

	if (w == XC_FX_RX_XSK && !strcmp(why, "rx_dropped"))
		why = a->fill_empty ? "fill ring empty" : "frame too big";
	else if (w == XC_FX_RX_XSK && !strcmp(why, "rx_ring_full"))
		why = "Rx ring full";
	else if (w == XC_FX_TX && !*why)
		why = "queued, never completed";
	else if (w == XC_FX_RX_XSK && !*why)
		why = "left in the Rx ring, never read";
	snprintf(buf, 64, "%s", why);
}

/*
 * What the reports count for the whole run only, per side: frames its
 * senders queued and the kernel never completed (XC_FX_POOL_TX, the
 * sending host's loss), and frames left on its Rx rings that its workers
 * never read (XC_FX_POOL_RX, the receiving socket's). Episodes whose
 * streams a side sends (receives) draw on its pool after the counters.
 */
enum { XC_FX_POOL_TX, XC_FX_POOL_RX };

struct xc_fx_pool {
	uint64_t n[2][2];	/* [side][XC_FX_POOL_*] */
};

static uint64_t xc_fx_pool_of(const struct xc_fx_pool *p, bool sides[2][2],
			      int role)
{
	return (sides[0][role] ? p->n[0][role] : 0) +
	       (sides[1][role] ? p->n[1][role] : 0);
}

static void xc_fx_pool_use(struct xc_fx_pool *p, bool sides[2][2],
			   int role, uint64_t used)
{
	uint64_t x;
	int s;

	for (s = 0; s < 2 && used; s++) {
		if (!sides[s][role])
			continue;
		x = XC_MIN(used, p->n[s][role]);
		p->n[s][role] -= x;
		used -= x;
	}
}

/* The pool a layer draws on, or -1. */
static int xc_fx_pool_role(enum xc_fx_where w)
{
	return w == XC_FX_TX ? XC_FX_POOL_TX :
	       w == XC_FX_RX_XSK ? XC_FX_POOL_RX : -1;
}

/*
 * Count left lost frames against a's layers, each taking at most what is
 * left (a layer's counters first, then its pool), into by[] with each
 * layer's why. Our XDP program's and the sockets' counters go first: they
 * count this run's frames only, each exactly once, where the host's may
 * count the same frame again (veth in native mode counts a redirect to a
 * socket whose fill ring is empty in rx_dropped too). Then the sending
 * host, then the receiving host. The rest was lost between the hosts
 * when every counter was read, else it is not attributed.
 */
static void xc_fx_take(struct xc_fx_avail *a, uint64_t left, bool read,
		       struct xc_fx_pool *pool, bool sides[2][2], uint64_t *by,
		       char (*why)[64])
{
	static const enum xc_fx_where order[] = {
		XC_FX_RX_XDP, XC_FX_RX_XSK, XC_FX_TX, XC_FX_RX_HOST,
	};
	uint64_t take, ctr;
	size_t i;
	int role;

	for (i = 0; i < XC_ARRAY_SIZE(order) && left; i++) {
		role = xc_fx_pool_role(order[i]);
		ctr = a->n[order[i]];
		if (role >= 0)
			a->n[order[i]] += xc_fx_pool_of(pool, sides, role);
		take = XC_MIN(left, a->n[order[i]]);
		if (!take)
			continue;
		by[order[i]] += take;
		if (!why[order[i]][0])
			xc_fx_why(why[order[i]], a, order[i]);
		left -= take;
		if (role >= 0 && take > ctr)
			xc_fx_pool_use(pool, sides, role, take - ctr);
	}
	by[read ? XC_FX_BETWEEN : XC_FX_UNATTRIBUTED] += left;
	if (left && read && a->not_ours && !why[XC_FX_BETWEEN][0])
		snprintf(why[XC_FX_BETWEEN], 64,
			 "XDP passed %" PRIu64 " to the kernel as not ours",
			 a->not_ours);
}

/* The counters of the sides in [lo, hi]; whether all were read. */
static bool xc_fx_gather(const struct xc_forensics *fx,
			 const Xceiver__V1__Timeline *const t[2],
			 bool sides[2][2], uint32_t lo, uint32_t hi,
			 struct xc_fx_avail *a)
{
	bool read = true;
	int s;

	for (s = 0; s < 2; s++) {
		if (!sides[s][0] && !sides[s][1])
			continue;
		xc_fx_avail_side(fx, t[s], sides[s][0], sides[s][1], lo, hi,
				 a);
		read = read && xc_fx_side_read(t[s]);
	}
	xc_fx_avail_peers(a);
	return read;
}

/*
 * The intervals whose counters an episode may draw on: up to half way to
 * its neighbours (a counter is read when its host's sampler runs, which a
 * busy or stopped host delays; the frames it counts were queued earlier).
 */
static void xc_fx_window_of(const struct xc_forensics *fx,
			    const struct xc_fx_episode *e, uint32_t *lo,
			    uint32_t *hi)
{
	uint32_t i = (uint32_t)(e - fx->eps);

	*lo = i ? (fx->eps[i - 1].last + e->first) / 2 + 1 : 0;
	*hi = i + 1 < fx->neps ? (e->last + fx->eps[i + 1].first) / 2 :
				 fx->n - 1;
}

static void xc_fx_attribute(struct xc_forensics *fx, struct xc_fx_episode *e,
			    const Xceiver__V1__Timeline *const t[2],
			    bool sides[2][2], struct xc_fx_pool *pool)
{
	struct xc_fx_avail a = { 0 };
	uint32_t lo, hi;
	bool read;

	xc_fx_window_of(fx, e, &lo, &hi);
	read = xc_fx_gather(fx, t, sides, lo, hi, &a);
	xc_fx_take(&a, e->lost, read, pool, sides, e->by, e->why);
}

/*
 * Frames that could not be placed in time (ranges beyond those kept):
 * against what the whole run's counters hold beyond what the episodes
 * took.
 */
static void xc_fx_unplaced(struct xc_forensics *fx, const struct xc_view *v,
			   const Xceiver__V1__Timeline *const t[2],
			   struct xc_fx_pool *pool)
{
	struct xc_fx_avail a = { 0 };
	bool sides[2][2] = { { false } }, read;
	enum xc_side tx;
	uint32_t i;
	int w;

	if (!fx->unplaced)
		return;
	for (i = 0; i < fx->nstreams; i++) {
		tx = xc_stream_sender(v->spec->streams[i]);
		sides[tx][0] = true;
		sides[!tx][1] = true;
	}
	read = xc_fx_gather(fx, t, sides, 0, fx->n - 1, &a);
	for (w = 0; w < XC_FX_NWHERE; w++)
		a.n[w] -= XC_MIN(a.n[w], fx->by[w]);
	xc_fx_take(&a, fx->unplaced, read, pool, sides, fx->by, fx->why);
}

/* ---------------------------------------------------------------- build */

static void xc_fx_pools(const struct xc_view *v, struct xc_fx_pool *p)
{
	const Xceiver__V1__Report *r;
	int s;

	for (s = XC_TX; s <= XC_RX; s++) {
		r = xc_view_report(v, s);
		p->n[s][XC_FX_POOL_TX] = r ? r->tx_uncompleted : 0;
		p->n[s][XC_FX_POOL_RX] = r ? r->rx_ring_unread : 0;
	}
}

static void xc_fx_totals(struct xc_forensics *fx)
{
	uint64_t best[XC_FX_NWHERE] = { 0 };
	const struct xc_fx_episode *e;
	uint32_t i, w;

	for (i = 0; i < fx->neps; i++) {
		e = &fx->eps[i];
		for (w = 0; w < XC_FX_NWHERE; w++) {
			fx->by[w] += e->by[w];
			if (e->by[w] > best[w]) {
				best[w] = e->by[w];
				memcpy(fx->why[w], e->why[w],
				       sizeof(fx->why[w]));
			}
		}
	}
}

static int xc_fx_run(struct xc_forensics *fx, const struct xc_view *v,
		     const Xceiver__V1__Timeline *const t[2])
{
	struct xc_fx_pool pool;
	bool sides[2][2];
	uint32_t i, *q;
	int ret;

	xc_fx_pools(v, &pool);
	ret = xc_fx_streams(fx, v, t);
	if (!ret)
		ret = xc_fx_episodes(fx);
	q = ret ? NULL : calloc(fx->nstreams + 1, sizeof(*q));
	if (!ret && !q)
		ret = -ENOMEM;
	for (i = 0; !ret && i < fx->neps; i++) {
		memset(sides, 0, sizeof(sides));
		xc_fx_ep_streams(fx, v, t, &fx->eps[i], sides, q);
		xc_fx_attribute(fx, &fx->eps[i], t, sides, &pool);
	}
	free(q);
	if (!ret) {
		xc_fx_totals(fx);
		xc_fx_unplaced(fx, v, t, &pool);
	}
	return ret;
}

int xc_forensics_build(struct xc_forensics *fx, const struct xc_view *v)
{
	const Xceiver__V1__Timeline *t[2];
	int s;

	memset(fx, 0, sizeof(*fx));
	if (v->spec->reflect)
		return xc_fx_not(fx, "a round trip: the loss on the way out and on the way back is told apart by the reflector's count only");
	for (s = XC_TX; s <= XC_RX; s++) {
		t[s] = xc_fx_tl(v, s);
		if (!t[s] && xc_view_report(v, s))
			return xc_fx_not(fx, "an agent sent no timeline");
	}
	if (!t[XC_TX] && !t[XC_RX])
		return xc_fx_not(fx, "no agent sent a timeline");
	if (!xc_fx_grid(fx, t))
		return 0;
	fx->have = true;
	return xc_fx_run(fx, v, t);
}

void xc_forensics_free(struct xc_forensics *fx)
{
	uint32_t i;

	for (i = 0; fx->streams && i < fx->nstreams; i++) {
		free(fx->streams[i].sent);
		free(fx->streams[i].recv);
		free(fx->streams[i].missing);
	}
	free(fx->streams);
	free(fx->sent);
	free(fx->recv);
	free(fx->missing);
	free(fx->eps);
	memset(fx, 0, sizeof(*fx));
}
