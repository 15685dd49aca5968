// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One-way latency: widening the frame's 32-bit Tx time across its wrap,
 * the validator's timing of delivered frames (histograms with exact
 * counts, negative latencies, IPDV and jitter, what is not timed), the
 * per-stream limit, the latency per interval for the timeline, the
 * report, and the report's size budget.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_lat.h"
#include "xc_limits.h"
#include "xc_histpb.h"
#include "xc_tl.h"
#include "xc_validate.h"

#define RUN_ID		0x0123456789abcdefull
/* CLOCK_TAI of the first frame: its low 32 bits wrap after 3 frames */
#define T0		((5ull << 32) - 2500)
#define STEP		1000

/* ------------------------------------------------ widening */

static void test_widen_cases(void **state)
{
	(void)state;
	assert_int_equal(xc_lat_widen(1000, 400), 600);
	assert_int_equal(xc_lat_widen(5, 10), -5);
	assert_int_equal(xc_lat_widen(0, 0), 0);
	/* Tx before the wrap, Rx after it */
	assert_int_equal(xc_lat_widen(0x100000100ull, 0xffffff00u), 512);
	/* Tx after the wrap, Rx before it (the clocks disagree) */
	assert_int_equal(xc_lat_widen(0x2ffffff00ull, 0x100u), -512);
	/* the window's edges: [-2^31, 2^31) */
	assert_int_equal(xc_lat_widen((7ull << 32) + 0x7fffffff, 0),
			 INT32_MAX);
	assert_int_equal(xc_lat_widen((7ull << 32) + 0x80000000u, 0),
			 INT32_MIN);
	assert_int_equal(xc_lat_widen(7ull << 32, 0x80000000u), INT32_MIN);
}

/* Any Tx time, any latency in the window: the difference comes back. */
static void test_widen_random(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, tx;
	int64_t lat;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		tx = x >> 1;
		/* from the edges inwards, then anywhere in the window */
		if (i < 64)
			lat = (i & 1 ? -(1ll << 31) : (1ll << 31) - 1) +
			      (i & 1 ? i : -i);
		else
			lat = (int64_t)(int32_t)(uint32_t)(x >> 17);
		assert_int_equal(xc_lat_widen(tx + (uint64_t)lat,
					      (uint32_t)tx), lat);
	}
}

/* ------------------------------------------------ the validator */

struct spec {
	Xceiver__V1__Stream s;
	Xceiver__V1__Headers h;
};

static void spec_init(struct spec *sp, uint32_t id, uint64_t count)
{
	xceiver__v1__stream__init(&sp->s);
	xceiver__v1__headers__init(&sp->h);
	sp->s.id = id;
	sp->s.count = count;
	sp->s.frame_size = 64;
	sp->s.headers = &sp->h;
	sp->h.src_mac = "02:00:00:00:00:01";
	sp->h.dst_mac = "02:00:00:00:00:02";
	sp->h.ip_version = XCEIVER__V1__IP_VERSION__IP_VERSION_4;
	sp->h.src_ip = "198.18.0.1";
	sp->h.dst_ip = "198.18.0.2";
}

struct lab {
	struct spec *sp;
	Xceiver__V1__Stream **ss;
	struct xc_stream_tmpl *t;
	size_t n;
	struct xc_rxv v;
};

static void lab_init(struct lab *l, size_t n, uint64_t count)
{
	char err[256] = "";
	size_t i;

	l->n = n;
	l->sp = calloc(n, sizeof(*l->sp));
	l->ss = calloc(n, sizeof(*l->ss));
	l->t = calloc(n, sizeof(*l->t));
	assert_non_null(l->sp);
	assert_non_null(l->ss);
	assert_non_null(l->t);
	for (i = 0; i < n; i++) {
		spec_init(&l->sp[i], (uint32_t)i + 1, count);
		l->ss[i] = &l->sp[i].s;
		assert_int_equal(xc_stream_tmpl_init(&l->t[i], l->ss[i],
						     RUN_ID, NULL, 0), 0);
	}
	if (xc_rxv_init(&l->v, RUN_ID, l->ss, n, 0, 0, err, sizeof(err)))
		fail_msg("xc_rxv_init: %s", err);
}

static void lab_free(struct lab *l)
{
	xc_rxv_free(&l->v);
	free(l->sp);
	free(l->ss);
	free(l->t);
}

/* Stream i's frame seq, sent at tx_ns, read at rx_ns. */
static bool lab_frame(struct lab *l, size_t i, uint64_t seq, uint64_t tx_ns,
		      uint64_t rx_ns)
{
	uint8_t f[XC_MAX_FRAME];
	uint32_t len = xc_frame_build(&l->t[i], seq, (uint32_t)tx_ns, f);

	return xc_rxv_frame_meta(&l->v, f, len, NULL, 0, 0, 0, rx_ns);
}

/*
 * One stream, latencies with a known answer, read with a clock 7000 ns
 * ahead of the sender's (the offset the validator subtracts); frame 4
 * comes out negative.
 */
static const int64_t lat_in[] = { 100, 200, 200, 300, -50, 1000, 250 };
#define NLAT	(sizeof(lat_in) / sizeof(lat_in[0]))
#define OFFSET	7000

static void send_lat(struct lab *l)
{
	uint64_t tx;
	size_t i;

	xc_rxv_clock_offset(&l->v, OFFSET, 120, true);
	for (i = 0; i < NLAT; i++) {
		tx = T0 + i * STEP;
		assert_true(lab_frame(l, 0, i, tx,
				      tx + OFFSET + (uint64_t)lat_in[i]));
	}
}

static void test_histograms(void **state)
{
	const struct xc_hist *h;
	struct lab l;

	(void)state;
	lab_init(&l, 1, 100);
	send_lat(&l);
	h = l.v.streams[0].lat;
	assert_non_null(h);
	assert_int_equal(h->count, NLAT - 1);
	assert_int_equal(h->min, 100);
	assert_int_equal(h->max, 1000);
	assert_true(h->sum == 100 + 200 + 200 + 300 + 1000 + 250);
	/* below 256 a bucket per value */
	assert_int_equal(h->counts[100], 1);
	assert_int_equal(h->counts[200], 2);
	assert_int_equal(h->counts[250], 1);
	assert_int_equal(h->counts[xc_hist_index(300)], 1);
	assert_int_equal(h->counts[xc_hist_index(1000)], 1);
	assert_int_equal(l.v.streams[0].lat_negative, 1);
	/* the side's total holds the same */
	assert_int_equal(l.v.lat->one_way.count, NLAT - 1);
	assert_int_equal(l.v.lat->one_way.counts[200], 2);
	assert_int_equal(l.v.lat->negative, 1);
	lab_free(&l);
}

/* IPDV and jitter run over every timed frame, the negative one too. */
static void test_ipdv_jitter(void **state)
{
	const struct xc_shist *d;
	struct xc_jitter want;
	struct lab l;
	size_t i;

	(void)state;
	lab_init(&l, 1, 100);
	send_lat(&l);
	d = &l.v.lat->ipdv;
	/* 100, 0, 100, -350, 1050, -750 */
	assert_int_equal(xc_shist_count(d), NLAT - 1);
	assert_int_equal(d->pos.count, 4);
	assert_int_equal(d->pos.counts[0], 1);
	assert_int_equal(d->pos.counts[100], 2);
	assert_int_equal(d->pos.counts[xc_hist_index(1050)], 1);
	assert_int_equal(d->neg.count, 2);
	assert_int_equal(d->neg.min, 350);
	assert_int_equal(d->neg.max, 750);
	assert_int_equal(xc_shist_min(d), -750);
	assert_int_equal(xc_shist_max(d), 1050);
	/* RFC 3550 over the same sequence */
	xc_jitter_init(&want);
	for (i = 0; i < NLAT; i++)
		xc_jitter_update(&want, lat_in[i]);
	assert_true(l.v.streams[0].jitter.j16 == want.j16);
	/* by hand, j16 += |D| - (j16 + 8) / 16: 100 94 188 526 1543 2197 */
	assert_true(want.j16 == 2197);
	lab_free(&l);
}

/* Duplicates, corrupt, unexpected and untimed frames are not timed. */
static void test_not_timed(void **state)
{
	uint8_t f[XC_MAX_FRAME];
	struct lab l;
	uint32_t len;

	(void)state;
	lab_init(&l, 1, 10);
	assert_true(lab_frame(&l, 0, 0, T0, T0 + 500));
	assert_false(lab_frame(&l, 0, 0, T0, T0 + 900));	/* duplicate */
	assert_false(lab_frame(&l, 0, 20, T0, T0 + 900));	/* unexpected */
	len = xc_frame_build(&l.t[0], 1, (uint32_t)T0, f);
	f[len - 1] ^= 1;
	assert_false(xc_rxv_frame_meta(&l.v, f, len, NULL, 0, 0, 0,
				       T0 + 900));		/* corrupt */
	assert_true(lab_frame(&l, 0, 2, T0, XC_RXV_UNTIMED));
	len = xc_frame_build(&l.t[0], 3, (uint32_t)T0, f);
	assert_true(xc_rxv_frame(&l.v, f, len));
	assert_int_equal(l.v.streams[0].st.delivered, 3);
	assert_int_equal(l.v.lat->one_way.count, 1);
	assert_int_equal(l.v.lat->one_way.max, 500);
	assert_int_equal(xc_shist_count(&l.v.lat->ipdv), 0);
	lab_free(&l);
}

/* ------------------------------------------------ streams and limit */

static void test_per_stream_limit(void **state)
{
	struct lab l;
	size_t i;

	(void)state;
	lab_init(&l, XC_LAT_MAX_STREAM_HISTS, 4);
	assert_true(l.v.lat->per_stream);
	for (i = 0; i < l.n; i++)
		assert_non_null(l.v.streams[i].lat);
	lab_free(&l);

	lab_init(&l, XC_LAT_MAX_STREAM_HISTS + 1, 4);
	assert_false(l.v.lat->per_stream);
	for (i = 0; i < l.n; i++) {
		assert_null(l.v.streams[i].lat);
		/* stream i + 1 at latency 1000 * (i + 1), then negative */
		assert_true(lab_frame(&l, i, 0, T0, T0 + 1000 * (i + 1)));
		assert_true(lab_frame(&l, i, 1, T0 + 10, T0));
	}
	/* totals and the per-stream counts stay */
	assert_int_equal(l.v.lat->one_way.count, l.n);
	assert_int_equal(l.v.lat->one_way.min, 1000);
	assert_int_equal(l.v.lat->one_way.max, 1000 * l.n);
	assert_int_equal(l.v.lat->negative, l.n);
	for (i = 0; i < l.n; i++)
		assert_int_equal(l.v.streams[i].lat_negative, 1);
	lab_free(&l);
}

/* Streams keep apart; IPDV is within a stream, never across streams. */
static void test_two_streams(void **state)
{
	struct lab l;
	int k;

	(void)state;
	lab_init(&l, 2, 10);
	for (k = 0; k < 3; k++) {
		assert_true(lab_frame(&l, 0, k, T0 + k, T0 + k + 100));
		assert_true(lab_frame(&l, 1, k, T0 + k, T0 + k + 5000));
	}
	assert_int_equal(l.v.streams[0].lat->count, 3);
	assert_int_equal(l.v.streams[0].lat->max, 100);
	assert_int_equal(l.v.streams[1].lat->min, 5000);
	assert_int_equal(l.v.lat->one_way.count, 6);
	/* four differences, all 0: none of 4900 */
	assert_int_equal(l.v.lat->ipdv.pos.count, 4);
	assert_int_equal(l.v.lat->ipdv.pos.counts[0], 4);
	assert_int_equal(l.v.lat->ipdv.neg.count, 0);
	assert_int_equal(xc_jitter_ns(&l.v.streams[1].jitter), 0);
	lab_free(&l);
}

/* ------------------------------------------------ per interval */

/* What xc_rxv_lat_interval gives: frames, sum and largest. */
static void take(struct lab *l, uint64_t frames, uint64_t sum, uint64_t max)
{
	uint64_t n, s, m;

	xc_rxv_lat_interval(&l->v, &n, &s, &m);
	assert_int_equal(n, frames);
	assert_int_equal(s, sum);
	assert_int_equal(m, max);
}

/*
 * Frames and their sum grow over the run (counters); the largest is the
 * interval's: taking it starts it again at 0. Negative, untimed and
 * duplicate arrivals count in none of them.
 */
/*
 * The XDP program's stamps: a frame it stamped splits into the sender to
 * XDP (less the offset) and XDP to the Rx worker; the lookup gets the
 * frame's queue, stream and seq, and a frame it did not stamp is timed
 * whole only. Here XDP saw each frame 3/4 of the way along, except seq 2.
 */
struct xdp_lab {
	uint64_t stamp[4];
	uint32_t calls;
};

static uint64_t xdp_lookup(void *ctx, uint32_t queue, uint32_t stream_id,
			   uint64_t seq)
{
	struct xdp_lab *x = ctx;

	assert_int_equal(queue, 0);
	assert_int_equal(stream_id, 1);
	assert_true(seq < 4);
	x->calls++;
	return x->stamp[seq];
}

static void test_xdp_split(void **state)
{
	static const uint64_t lat[] = { 400, 800, 1200, 4000 };
	Xceiver__V1__Report r = XCEIVER__V1__REPORT__INIT;
	struct xdp_lab x = { .calls = 0 };
	const struct xc_rxv_lat *ll;
	struct lab l;
	uint64_t tx, i;

	(void)state;
	lab_init(&l, 1, 100);
	xc_rxv_clock_offset(&l.v, OFFSET, 0, true);
	xc_rxv_set_xdp_ns(&l.v, xdp_lookup, &x);
	for (i = 0; i < 4; i++) {
		tx = T0 + i * STEP;
		x.stamp[i] = i == 2 ? 0 : tx + OFFSET + lat[i] * 3 / 4;
		assert_true(lab_frame(&l, 0, i, tx, tx + OFFSET + lat[i]));
	}
	assert_false(lab_frame(&l, 0, 1, T0, T0 + 9999)); /* not timed */
	assert_int_equal(x.calls, 4);
	ll = l.v.lat;
	assert_int_equal(ll->xdp_stamped, 3);
	assert_int_equal(xc_hist_count(&ll->to_xdp), 3);
	assert_int_equal(xc_hist_min(&ll->to_xdp), 300);
	assert_int_equal(xc_hist_max(&ll->to_xdp), 3000);
	assert_int_equal(xc_hist_min(&ll->xdp_to_rx), 100);
	assert_int_equal(xc_hist_max(&ll->xdp_to_rx), 1000);
	assert_int_equal(xc_hist_count(&ll->one_way), 4);
	xc_rxv_finish(&l.v);
	assert_int_equal(xc_rxv_report(&l.v, &r), 0);
	assert_int_equal(r.latency->rx_xdp_stamped, 3);
	assert_non_null(r.latency->to_rx_xdp);
	assert_int_equal(r.latency->to_rx_xdp->count, 3);
	assert_int_equal(r.latency->rx_xdp_to_worker->count, 3);
	xc_rxv_report_free(&r);
	lab_free(&l);
}

static void test_interval(void **state)
{
	struct lab l;

	(void)state;
	lab_init(&l, 2, 100);
	take(&l, 0, 0, 0);
	assert_true(lab_frame(&l, 0, 0, T0, T0 + 400));
	assert_true(lab_frame(&l, 1, 0, T0, T0 + 900));
	assert_true(lab_frame(&l, 0, 1, T0, T0 + 100));
	take(&l, 3, 1400, 900);
	take(&l, 3, 1400, 0);			/* nothing since */
	assert_true(lab_frame(&l, 0, 2, T0 + 50, T0 + 20));	/* < 0 */
	assert_true(lab_frame(&l, 0, 3, T0, XC_RXV_UNTIMED));
	assert_false(lab_frame(&l, 0, 1, T0, T0 + 5000));	/* duplicate */
	take(&l, 3, 1400, 0);
	assert_true(lab_frame(&l, 1, 1, T0, T0 + 200));
	assert_true(lab_frame(&l, 1, 2, T0, T0 + 300));
	take(&l, 5, 1900, 300);
	lab_free(&l);
}

/*
 * The columns as the sampler keeps them (agent/xc_sample.c): frames and
 * sum as counters, the largest as a peak gauge, taken at each interval's
 * end and once more in it (the last sample at the run's end).
 */
static void test_interval_timeline(void **state)
{
	static const uint64_t iv = 10000000, rt0 = 1700000000ull * iv;
	struct xc_tl tl;
	uint64_t raw[3], *cell;
	struct lab l;
	int c;

	(void)state;
	lab_init(&l, 1, 100);
	assert_int_equal(xc_tl_init(&tl, iv), 0);
	assert_int_equal(xc_tl_add(&tl, XC_TL_COUNTER, XC_TL_LAT_FRAMES, 0, 0,
				   0, false, false), 0);
	assert_int_equal(xc_tl_add(&tl, XC_TL_COUNTER, XC_TL_LAT_SUM, 0, 0, 0,
				   false, false), 1);
	assert_int_equal(xc_tl_add(&tl, XC_TL_COUNTER, XC_TL_LAT_MAX, 0, 0, 0,
				   false, true), 2);
	tl.cols[2].peak = true;
	assert_int_equal(xc_tl_alloc(&tl, 64), 0);
	xc_rxv_lat_interval(&l.v, &raw[0], &raw[1], &raw[2]);
	xc_tl_begin(&tl, rt0, raw);
	assert_true(lab_frame(&l, 0, 0, T0, T0 + 700));
	assert_true(lab_frame(&l, 0, 1, T0, T0 + 100));
	xc_rxv_lat_interval(&l.v, &raw[0], &raw[1], &raw[2]);
	xc_tl_sample(&tl, rt0 + iv - 1, raw);		/* interval 0 */
	assert_true(lab_frame(&l, 0, 2, T0, T0 + 300));
	xc_rxv_lat_interval(&l.v, &raw[0], &raw[1], &raw[2]);
	xc_tl_sample(&tl, rt0 + 2 * iv - 1, raw);	/* interval 1 */
	xc_rxv_lat_interval(&l.v, &raw[0], &raw[1], &raw[2]);
	xc_tl_sample(&tl, rt0 + 3 * iv - 1, raw);	/* 2: no frame */
	assert_true(lab_frame(&l, 0, 3, T0, T0 + 200));
	xc_rxv_lat_interval(&l.v, &raw[0], &raw[1], &raw[2]);
	xc_tl_sample(&tl, rt0 + 4 * iv - 1, raw);	/* 3 */
	assert_true(lab_frame(&l, 0, 4, T0, T0 + 50));
	xc_rxv_lat_interval(&l.v, &raw[0], &raw[1], &raw[2]);
	xc_tl_sample(&tl, rt0 + 4 * iv - 1, raw);	/* 3 again: the end */
	assert_int_equal(tl.n, 4);
	for (c = 0; c < 3; c++) {
		static const uint64_t want[3][4] = {
			{ 2, 1, 0, 2 },
			{ 800, 300, 0, 250 },
			{ 700, 300, 0, 200 },
		};

		cell = &tl.cells[(size_t)c * tl.max];
		assert_memory_equal(cell, want[c], sizeof(want[c]));
	}
	xc_tl_free(&tl);
	lab_free(&l);
}

/* ------------------------------------------------ report */

static void check_hist_pb(const Xceiver__V1__Histogram *m,
			  const struct xc_hist *want)
{
	struct xc_hist *h = malloc(sizeof(*h));
	char err[256] = "";

	assert_non_null(h);
	if (xc_hist_from_pb(h, m, err, sizeof(err)))
		fail_msg("xc_hist_from_pb: %s", err);
	assert_int_equal(h->count, want->count);
	assert_int_equal(h->overflow, want->overflow);
	assert_int_equal(h->min, want->min);
	assert_int_equal(h->max, want->max);
	assert_true(h->sum == want->sum);
	assert_true(h->sumsq == want->sumsq);
	assert_memory_equal(h->counts, want->counts, sizeof(h->counts));
	free(h);
}

static void test_report(void **state)
{
	Xceiver__V1__Report r = XCEIVER__V1__REPORT__INIT;
	const Xceiver__V1__Latency *m;
	uint8_t *buf;
	struct lab l;

	(void)state;
	lab_init(&l, 2, 100);
	send_lat(&l);
	assert_int_equal(xc_rxv_report(&l.v, &r), 0);
	m = r.latency;
	assert_non_null(m);
	assert_int_equal(m->clock_offset_ns, OFFSET);
	assert_int_equal(m->clock_bound_ns, 120);
	assert_true(m->clock_offset_known);
	assert_true(m->per_stream);
	assert_int_equal(m->negative, 1);
	assert_int_equal(m->n_streams, 2);
	assert_int_equal(m->streams[0]->stream_id, 1);
	assert_int_equal(m->streams[0]->negative, 1);
	assert_int_equal(m->streams[0]->jitter16_ns,
			 (uint64_t)l.v.streams[0].jitter.j16);
	assert_int_equal(m->streams[0]->one_way->n_bucket, 5);
	check_hist_pb(m->streams[0]->one_way, l.v.streams[0].lat);
	/* stream 2 received nothing: an empty histogram */
	assert_int_equal(m->streams[1]->one_way->count, 0);
	assert_int_equal(m->streams[1]->one_way->n_bucket, 0);
	check_hist_pb(m->one_way, &l.v.lat->one_way);
	check_hist_pb(m->ipdv_neg, &l.v.lat->ipdv.neg);
	check_hist_pb(m->ipdv_pos, &l.v.lat->ipdv.pos);
	buf = malloc(xceiver__v1__report__get_packed_size(&r));
	assert_non_null(buf);
	xceiver__v1__report__pack(&r, buf);
	free(buf);
	xc_rxv_report_free(&r);
	assert_null(r.latency);
	lab_free(&l);
}

static void test_report_totals_only(void **state)
{
	Xceiver__V1__Report r = XCEIVER__V1__REPORT__INIT;
	struct lab l;
	size_t i;

	(void)state;
	lab_init(&l, XC_LAT_MAX_STREAM_HISTS + 1, 4);
	assert_true(lab_frame(&l, 3, 0, T0, T0 + 700));
	assert_int_equal(xc_rxv_report(&l.v, &r), 0);
	assert_false(r.latency->per_stream);
	assert_int_equal(r.latency->n_streams, l.n);
	for (i = 0; i < l.n; i++)
		assert_null(r.latency->streams[i]->one_way);
	assert_int_equal(r.latency->one_way->count, 1);
	assert_int_equal(r.latency->one_way->min_ns, 700);
	xc_rxv_report_free(&r);
	lab_free(&l);
}

/* ------------------------------------------------ report size */

/* A Histogram at its largest: every bucket, every field a full varint. */
static void full_hist(Xceiver__V1__Histogram *m, uint32_t *idx,
		      uint64_t *cnt)
{
	uint32_t i;

	xceiver__v1__histogram__init(m);
	for (i = 0; i < XC_HIST_BUCKETS; i++) {
		idx[i] = i;
		cnt[i] = UINT64_MAX;
	}
	m->layout = UINT32_MAX;
	m->count = m->overflow = m->min_ns = m->max_ns = UINT64_MAX;
	m->sum_lo = m->sum_hi = m->sumsq_lo = m->sumsq_hi = UINT64_MAX;
	m->sumsq_overflow = true;
	m->bucket = idx;
	m->n_bucket = XC_HIST_BUCKETS;
	m->bucket_count = cnt;
	m->n_bucket_count = XC_HIST_BUCKETS;
}

/* What xc_limits.h counts per latency part is what protobuf-c packs. */
static void test_report_bytes(void **state)
{
	static uint32_t idx[XC_HIST_BUCKETS];
	static uint64_t cnt[XC_HIST_BUCKETS];
	Xceiver__V1__StreamLatency s = XCEIVER__V1__STREAM_LATENCY__INIT;
	Xceiver__V1__Latency m = XCEIVER__V1__LATENCY__INIT;
	Xceiver__V1__Report r = XCEIVER__V1__REPORT__INIT;
	Xceiver__V1__StreamLatency *sp = &s;
	Xceiver__V1__Histogram h;
	size_t base, one;

	(void)state;
	full_hist(&h, idx, cnt);
	s.stream_id = UINT32_MAX;
	s.jitter16_ns = UINT64_MAX;
	s.negative = UINT64_MAX;
	m.clock = "CLOCK_TAI";
	m.tx_stamp = "tx ring (user space, one stamp per batch)";
	m.rx_stamp = "rx worker (user space, one reading per batch)";
	m.clock_offset_ns = INT64_MIN;
	m.clock_bound_ns = UINT64_MAX;
	m.clock_offset_known = m.per_stream = true;
	m.negative = UINT64_MAX;
	m.one_way = m.ipdv_neg = m.ipdv_pos = &h;
	m.to_rx_xdp = m.rx_xdp_to_worker = &h;
	m.rx_xdp_stamped = UINT64_MAX;
	m.rx_xdp_stamp = "not used: queue 4294967295 is above the 255 queues that have slots";
	r.latency = &m;
	base = xceiver__v1__report__get_packed_size(&r);
	assert_true(base <= XC_REPORT_LAT_BYTES);
	m.streams = &sp;
	m.n_streams = 1;
	one = xceiver__v1__report__get_packed_size(&r) - base;
	assert_true(one <= XC_REPORT_STREAM_LAT_BYTES);
	s.one_way = &h;
	one = xceiver__v1__report__get_packed_size(&r) - base;
	assert_true(one <= XC_REPORT_STREAM_LAT_BYTES + XC_REPORT_HIST_BYTES);
	/*
	 * The worst case of the limit (every histogram full, the split at
	 * the XDP program too, the most anomalies) leaves most of the
	 * default ranges: 954 of 1024 a stream.
	 */
	assert_true(xc_report_max_ranges(XC_LAT_MAX_STREAM_HISTS,
					 XC_MAX_ANOMALIES) >= 950);
	/* with the default anomalies, every default range */
	assert_true(xc_report_max_ranges(XC_LAT_MAX_STREAM_HISTS,
					 XC_DEF_MAX_ANOMALIES) >=
		    XC_DEF_MAX_RANGES);
	assert_true(xc_report_max_ranges(XC_MAX_STREAMS,
					 XC_MAX_ANOMALIES) >= 1);
	/* and never grows with the streams */
	assert_true(xc_report_max_ranges(XC_LAT_MAX_STREAM_HISTS + 1, 16) <=
		    xc_report_max_ranges(XC_LAT_MAX_STREAM_HISTS, 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widen_cases),
		cmocka_unit_test(test_widen_random),
		cmocka_unit_test(test_histograms),
		cmocka_unit_test(test_ipdv_jitter),
		cmocka_unit_test(test_not_timed),
		cmocka_unit_test(test_per_stream_limit),
		cmocka_unit_test(test_two_streams),
		cmocka_unit_test(test_xdp_split),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_interval_timeline),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_totals_only),
		cmocka_unit_test(test_report_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
