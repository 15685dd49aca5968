// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Rx validation: hand-made arrival orders with known answers, the sliding
 * window against a naive full-array reference on random arrival orders,
 * reports, and the per-socket validator on built frames.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_validate.h"

#define RUN_ID	0xa5a5a5a512345678ull

static void arrive(struct xc_rxstream *s, uint64_t seq)
{
	xc_rxstream_arrival(s, seq, true, 0, 100);
}

static void arrive_range(struct xc_rxstream *s, uint64_t lo, uint64_t hi)
{
	uint64_t seq;

	for (seq = lo; seq <= hi; seq++)
		arrive(s, seq);
}

static void check_invariant(const struct xc_rxstream *s)
{
	assert_true(s->delivered + s->corrupt + s->missing ==
		    s->expected_total);
}

static void check_ranges(const struct xc_rxstream *s, const uint64_t *r,
			 uint32_t n)
{
	uint32_t i;

	assert_int_equal(s->nranges, n);
	for (i = 0; i < n; i++) {
		if (s->ranges[i].first != r[2 * i] ||
		    s->ranges[i].last != r[2 * i + 1])
			fail_msg("range %u is [%llu, %llu], want [%llu, %llu]",
				 i, (unsigned long long)s->ranges[i].first,
				 (unsigned long long)s->ranges[i].last,
				 (unsigned long long)r[2 * i],
				 (unsigned long long)r[2 * i + 1]);
	}
}

static void test_in_order(void **state)
{
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 1, 100000, 128, 0), 0);
	arrive_range(&s, 0, 99999);
	xc_rxstream_finish(&s);
	assert_int_equal(s.delivered, 100000);
	assert_int_equal(s.missing, 0);
	assert_int_equal(s.range_count, 0);
	assert_int_equal(s.reordered, 0);
	assert_int_equal(s.duplicates, 0);
	assert_int_equal(s.late, 0);
	assert_int_equal(s.bytes, 100000 * 100);
	check_invariant(&s);
	xc_rxstream_free(&s);
	xc_rxstream_free(NULL);
}

static void test_loss_ranges(void **state)
{
	static const uint64_t want[] = { 0, 2, 10, 19, 50, 50, 96, 99 };
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 1, 100, 0, 0), 0);
	arrive_range(&s, 3, 9);
	arrive_range(&s, 20, 49);
	arrive_range(&s, 51, 95);
	/* nothing flushed before the end: the window holds everything */
	assert_int_equal(s.missing, 0);
	xc_rxstream_finish(&s);
	assert_int_equal(s.delivered, 100 - 18);
	assert_int_equal(s.missing, 18);
	assert_int_equal(s.range_count, 4);
	check_ranges(&s, want, 4);
	check_invariant(&s);
	/* finishing twice changes nothing */
	xc_rxstream_finish(&s);
	assert_int_equal(s.missing, 18);
	xc_rxstream_free(&s);
}

static void test_nothing_arrived(void **state)
{
	static const uint64_t want[] = { 0, 999 };
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 1, 1000, 64, 0), 0);
	xc_rxstream_finish(&s);
	assert_int_equal(s.missing, 1000);
	check_ranges(&s, want, 1);
	check_invariant(&s);
	xc_rxstream_free(&s);
}

static void test_duplicates_reorder(void **state)
{
	static const uint64_t order[] = { 0, 1, 1, 5, 2, 2, 3, 4, 6, 0, 9 };
	static const uint64_t want[] = { 7, 8 };
	struct xc_rxstream s;
	size_t i;

	assert_int_equal(xc_rxstream_init(&s, 1, 10, 0, 0), 0);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		arrive(&s, order[i]);
	xc_rxstream_finish(&s);
	assert_int_equal(s.delivered, 8);
	assert_int_equal(s.duplicates, 3);
	/*
	 * first arrivals below the highest seen: 2, 3, 4 (after 5); the
	 * copies of 2 and 0 are duplicates only
	 */
	assert_int_equal(s.reordered, 3);
	assert_int_equal(s.max_reorder, 3);
	assert_int_equal(s.missing, 2);
	check_ranges(&s, want, 1);
	check_invariant(&s);
	xc_rxstream_free(&s);
}

static void test_corrupt(void **state)
{
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 1, 10, 0, 0), 0);
	arrive(&s, 0);
	xc_rxstream_arrival(&s, 5, false, 42, 60);
	xc_rxstream_arrival(&s, 5, true, 0, 60);	/* a good copy later */
	xc_rxstream_arrival(&s, 7, false, 50, 60);
	xc_rxstream_finish(&s);
	assert_int_equal(s.delivered, 1);
	assert_int_equal(s.corrupt, 2);
	assert_int_equal(s.duplicates, 1);
	assert_true(s.has_corrupt);
	assert_int_equal(s.first_corrupt_seq, 5);
	assert_int_equal(s.first_corrupt_off, 42);
	assert_int_equal(s.missing, 7);
	check_invariant(&s);
	xc_rxstream_free(&s);
}

static bool not_mod7_3(void *ctx, uint64_t seq)
{
	(*(int *)ctx)++;
	return seq % 7 != 3;
}

static void test_unexpected(void **state)
{
	struct xc_rxstream s;
	int calls = 0;

	assert_int_equal(xc_rxstream_init(&s, 1, 100, 64, 0), 0);
	arrive(&s, 100);
	arrive(&s, 1ull << 47);
	assert_int_equal(s.unexpected, 2);
	assert_false(s.any_seen);		/* the window is untouched */
	assert_int_equal(s.base, 0);
	xc_rxstream_free(&s);

	/* E without seq % 7 == 3 */
	assert_int_equal(xc_rxstream_init(&s, 1, 100, 64, 0), 0);
	s.expected = not_mod7_3;
	s.expected_ctx = &calls;
	s.expected_total = 100 - 14;
	arrive_range(&s, 0, 99);
	xc_rxstream_finish(&s);
	assert_int_equal(s.unexpected, 14);
	assert_int_equal(s.delivered, 86);
	assert_int_equal(s.missing, 0);
	check_invariant(&s);
	assert_true(calls > 0);
	xc_rxstream_free(&s);
}

static void test_window_slide_late(void **state)
{
	static const uint64_t want[] = { 10, 10, 100, 499, 501, 999 };
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 1, 1000, 64, 0), 0);
	assert_int_equal(s.window_bits, 64);
	arrive_range(&s, 0, 9);
	arrive_range(&s, 11, 99);
	assert_int_equal(s.base, 64);		/* slid by one word */
	assert_int_equal(s.missing, 1);		/* 10 left the window */
	arrive(&s, 500);
	assert_true(s.base > 400 && s.base <= 500);
	assert_int_equal(s.missing, 1 + 348);	/* 100..447 */
	arrive(&s, 10);				/* far too late */
	arrive(&s, 50);		/* a copy, after the window moved on */
	arrive(&s, 10);		/* a second copy of a late one */
	assert_int_equal(s.late, 2);
	assert_int_equal(s.duplicates, 1);
	assert_int_equal(s.reordered, 2);
	assert_int_equal(s.max_reorder, 490);
	xc_rxstream_finish(&s);
	assert_int_equal(s.delivered, 99 + 1);
	assert_int_equal(s.missing, 900);
	check_ranges(&s, want, 3);
	check_invariant(&s);
	xc_rxstream_free(&s);
}

/*
 * Definitions: an extra copy is a duplicate, never reordered, however late
 * it comes; a first arrival of a seq the window passed is late (and
 * reordered, with its displacement) and stays missing.
 */
static void test_late_or_duplicate(void **state)
{
	static const uint64_t want[] = { 10, 10, 100, 499, 501, 999 };
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 1, 1000, 64, 0), 0);
	arrive_range(&s, 0, 9);
	arrive_range(&s, 11, 99);
	arrive(&s, 98);			/* a copy inside the window */
	assert_int_equal(s.duplicates, 1);
	assert_int_equal(s.reordered, 0);
	arrive(&s, 500);
	arrive(&s, 20);			/* a copy far behind the window */
	assert_int_equal(s.duplicates, 2);
	assert_int_equal(s.late, 0);
	assert_int_equal(s.reordered, 0);
	arrive(&s, 10);			/* first arrival, too late */
	assert_int_equal(s.late, 1);
	assert_int_equal(s.reordered, 1);
	assert_int_equal(s.max_reorder, 490);
	xc_rxstream_arrival(&s, 99, false, 5, 10);	/* damaged copy */
	assert_int_equal(s.duplicates, 3);
	assert_int_equal(s.corrupt, 0);
	xc_rxstream_finish(&s);
	assert_int_equal(s.missing, 900);
	assert_int_equal(s.delivered, 100);
	check_ranges(&s, want, 3);
	check_invariant(&s);
	xc_rxstream_free(&s);
}

/*
 * With more missing ranges than are kept, a seq after the last kept range
 * cannot be looked up once the window passed it: it counts as late, as
 * xc_validate.h says, never as delivered twice.
 */
static void test_late_past_range_cap(void **state)
{
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 1, 1000, 64, 1), 0);
	arrive_range(&s, 0, 9);			/* missing 10 (kept) */
	arrive_range(&s, 11, 19);		/* missing 20 (not kept) */
	arrive_range(&s, 21, 29);		/* missing 30 (not kept) */
	arrive_range(&s, 31, 99);
	arrive(&s, 500);
	assert_int_equal(s.nranges, 1);
	arrive(&s, 5);		/* before the kept range: a duplicate */
	arrive(&s, 15);		/* after it: cannot tell, late */
	assert_int_equal(s.duplicates, 1);
	assert_int_equal(s.late, 1);
	xc_rxstream_free(&s);
}

/* One loss range spanning many slides stays one range. */
static void test_merge_across_slides(void **state)
{
	static const uint64_t want[] = { 10, 299, 600, 700 };
	struct xc_rxstream s;
	uint64_t seq;

	assert_int_equal(xc_rxstream_init(&s, 1, 1000, 64, 0), 0);
	arrive_range(&s, 0, 9);
	for (seq = 300; seq < 1000; seq++)
		if (seq < 600 || seq > 700)
			arrive(&s, seq);
	xc_rxstream_finish(&s);
	assert_int_equal(s.range_count, 2);
	check_ranges(&s, want, 2);
	check_invariant(&s);
	xc_rxstream_free(&s);
}

static void test_range_cap(void **state)
{
	static const uint64_t want[] = { 1, 1, 3, 3, 5, 5, 7, 7 };
	Xceiver__V1__RxStreamReport r;
	struct xc_rxstream s;
	uint64_t seq;

	assert_int_equal(xc_rxstream_init(&s, 9, 1000, 128, 4), 0);
	for (seq = 0; seq < 1000; seq += 2)
		arrive(&s, seq);
	xc_rxstream_finish(&s);
	assert_int_equal(s.missing, 500);
	assert_int_equal(s.range_count, 500);
	check_ranges(&s, want, 4);
	check_invariant(&s);

	assert_int_equal(xc_rxstream_report(&s, &r), 0);
	assert_int_equal(r.stream_id, 9);
	assert_int_equal(r.expected, 1000);
	assert_int_equal(r.delivered, 500);
	assert_int_equal(r.missing, 500);
	assert_int_equal(r.missing_range_count, 500);
	assert_int_equal(r.n_missing_ranges, 4);
	assert_int_equal(r.missing_ranges[3]->first, 7);
	assert_int_equal(r.missing_ranges[3]->last, 7);
	assert_int_equal(r.bytes, 500 * 100);
	xc_rxstream_report_free(&r);
	assert_null(r.missing_ranges);
	xc_rxstream_report_free(NULL);
	xc_rxstream_free(&s);
}

/* A report in the middle of a run shows the open range too. */
static void test_report_open_range(void **state)
{
	Xceiver__V1__RxStreamReport r;
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 2, 10000, 64, 0), 0);
	arrive_range(&s, 0, 9);
	arrive_range(&s, 200, 300);
	xc_rxstream_arrival(&s, 301, false, 77, 10);
	assert_int_equal(xc_rxstream_report(&s, &r), 0);
	assert_int_equal(r.n_missing_ranges, 1);
	assert_int_equal(r.missing_ranges[0]->first, 10);
	assert_int_equal(r.missing_ranges[0]->last, 199);
	assert_int_equal(r.missing, 190);
	assert_true(r.has_corrupt);
	assert_int_equal(r.first_corrupt_seq, 301);
	assert_int_equal(r.first_corrupt_offset, 77);
	xc_rxstream_report_free(&r);
	xc_rxstream_free(&s);
}

static void test_huge_count(void **state)
{
	static const uint64_t want[] = { 1, (1ull << 40) - 2 };
	struct xc_rxstream s;

	/* memory stays at the window; a jump costs one range */
	assert_int_equal(xc_rxstream_init(&s, 1, 1ull << 40, 128, 0), 0);
	arrive(&s, 0);
	arrive(&s, (1ull << 40) - 1);
	xc_rxstream_finish(&s);
	assert_true(s.missing == (1ull << 40) - 2);
	check_ranges(&s, want, 1);
	check_invariant(&s);
	xc_rxstream_free(&s);
}

static void test_init_errors(void **state)
{
	struct xc_rxstream s;

	assert_int_equal(xc_rxstream_init(&s, 1, 10, 100, 0), -EINVAL);
	assert_int_equal(xc_rxstream_init(&s, 1, 10, 32, 0), -EINVAL);
	xc_rxstream_free(&s);
	/* a small stream does not need the default window */
	assert_int_equal(xc_rxstream_init(&s, 1, 1000, 0, 0), 0);
	assert_int_equal(s.window_bits, 1024);
	assert_int_equal(s.max_ranges, XC_DEF_MAX_RANGES);
	xc_rxstream_free(&s);
}

/* ------------------------------------------------ naive reference model */

struct ref {
	uint64_t count, base, highest;
	uint32_t window;
	bool any;
	uint8_t *state;		/* 0 unseen, 1 delivered, 2 corrupt */
	uint64_t delivered, corrupt, dup, reord, maxr, unexp, late;
	bool (*expected)(void *ctx, uint64_t seq);
	int ctx;
};

static void ref_order(struct ref *r, uint64_t seq)
{
	if (r->any && seq < r->highest) {
		r->reord++;
		if (r->highest - seq > r->maxr)
			r->maxr = r->highest - seq;
	} else {
		r->highest = seq;
		r->any = true;
	}
}

/*
 * The validator's one documented blind spot: below the window, a seq after
 * the last missing range it kept (max_ranges) cannot be looked up.
 */
static bool ref_unknown(const struct xc_rxstream *s, uint64_t seq)
{
	if (s->range_count <= s->nranges + s->open_range)
		return false;
	if (s->open_range && seq >= s->cur.first && seq <= s->cur.last)
		return false;
	return !s->nranges || seq > s->ranges[s->nranges - 1].last;
}

/* unknown: ref_unknown of the validator before this arrival */
static void ref_arrival(struct ref *r, uint64_t seq, bool intact,
			bool unknown)
{
	if (seq >= r->count || (r->expected && !r->expected(&r->ctx, seq))) {
		r->unexp++;
		return;
	}
	if (seq < r->base) {
		/* a copy of a seen seq is a duplicate, however late */
		if (r->state[seq] && !unknown) {
			r->dup++;
			return;
		}
		ref_order(r, seq);
		r->late++;
		return;
	}
	/* the window's rule: slide by whole 64-bit words so seq fits */
	if (seq >= r->base + r->window)
		r->base = ((seq - r->window) | 63) + 1;
	if (r->state[seq]) {
		r->dup++;
		return;
	}
	ref_order(r, seq);
	r->state[seq] = intact ? 1 : 2;
	if (intact)
		r->delivered++;
	else
		r->corrupt++;
}

static void ref_compare(struct ref *r, struct xc_rxstream *s)
{
	uint64_t seq, missing = 0, nr = 0, first = 0, last = 0;
	bool in = false, miss;

	assert_int_equal(s->delivered, r->delivered);
	assert_int_equal(s->corrupt, r->corrupt);
	assert_int_equal(s->duplicates, r->dup);
	assert_int_equal(s->reordered, r->reord);
	assert_int_equal(s->max_reorder, r->maxr);
	assert_int_equal(s->unexpected, r->unexp);
	assert_int_equal(s->late, r->late);
	for (seq = 0; seq <= r->count; seq++) {
		/* seqs outside E neither count nor end a missing range */
		if (seq < r->count && r->expected &&
		    !r->expected(&r->ctx, seq))
			continue;
		miss = seq < r->count && !r->state[seq] &&
		       (!r->expected || r->expected(&r->ctx, seq));
		missing += miss;
		if (miss)
			last = seq;
		if (miss && !in) {
			first = seq;
			in = true;
		} else if (!miss && in) {
			if (nr < s->nranges) {
				assert_int_equal(s->ranges[nr].first, first);
				assert_int_equal(s->ranges[nr].last, last);
			}
			nr++;
			in = false;
		}
	}
	assert_int_equal(s->missing, missing);
	assert_int_equal(s->range_count, nr);
	assert_int_equal(s->nranges, nr < s->max_ranges ? nr : s->max_ranges);
	check_invariant(s);
}

static bool not_mod5_2(void *ctx, uint64_t seq)
{
	return seq % 5 != 2;
}

/*
 * A sender with random loss, duplicates, local reordering with occasional
 * long delays (late arrivals), corruption and stray seqs past the end.
 */
static void random_run(unsigned int seed, uint64_t count, uint32_t window,
		       uint32_t max_ranges, bool with_e)
{
	uint64_t *order, n = 0, i, j, k, tmp, d;
	struct xc_rxstream s;
	struct ref r;
	bool intact, unknown;

	srandom(seed);
	order = malloc(sizeof(*order) * (count * 2 + 100));
	assert_non_null(order);
	for (i = 0; i < count; i++) {
		if (random() % 100 < 7)
			continue;			/* lost */
		order[n++] = i;
		if (random() % 100 < 2)
			order[n++] = i;			/* duplicated */
		if (random() % 1000 < 3)
			order[n++] = count + random() % 50;	/* stray */
	}
	/* bursts of losses */
	for (k = 0; k < 5 && n > 200; k++) {
		j = random() % (n - 100);
		memmove(order + j, order + j + 90,
			(n - j - 90) * sizeof(*order));
		n -= 90;
	}
	for (i = 0; i < n; i++) {
		if (random() % 100 >= 10)
			continue;
		d = random() % 100 < 5 ? window * 3 : random() % 20;
		j = i + 1 + d;
		if (j >= n)
			continue;
		tmp = order[i];		/* delay order[i] by d */
		memmove(order + i, order + i + 1, (j - i) * sizeof(*order));
		order[j] = tmp;
	}

	memset(&r, 0, sizeof(r));
	r.count = count;
	r.state = calloc(count, 1);
	assert_non_null(r.state);
	assert_int_equal(xc_rxstream_init(&s, 1, count, window, max_ranges), 0);
	r.window = s.window_bits;
	if (with_e) {
		r.expected = not_mod5_2;
		s.expected = not_mod5_2;
		s.expected_total = count - (count + 2) / 5;
	}
	for (i = 0; i < n; i++) {
		intact = random() % 100 != 0;
		unknown = ref_unknown(&s, order[i]);
		xc_rxstream_arrival(&s, order[i], intact, 7, 64);
		ref_arrival(&r, order[i], intact, unknown);
	}
	xc_rxstream_finish(&s);
	assert_true(s.late > 0);
	assert_true(s.range_count > 10);
	ref_compare(&r, &s);
	xc_rxstream_free(&s);
	free(r.state);
	free(order);
}

static void test_random_vs_reference(void **state)
{
	random_run(1, 20000, 64, 0, false);
	random_run(2, 20000, 128, 0, false);
	random_run(3, 50000, 1024, 0, false);
	random_run(4, 20000, 64, 16, false);
	random_run(5, 20000, 64, 0, true);
	random_run(6, 30001, 256, 0, true);
	random_run(7, 100003, 512, 64, false);
}

/* ------------------------------------------------ per-socket validator */

struct spec {
	Xceiver__V1__Stream s;
	Xceiver__V1__Headers h;
};

static void spec_init(struct spec *sp, uint32_t id, uint64_t count,
		      uint32_t size, bool ipv6)
{
	xceiver__v1__stream__init(&sp->s);
	xceiver__v1__headers__init(&sp->h);
	sp->s.id = id;
	sp->s.count = count;
	sp->s.frame_size = size;
	sp->s.headers = &sp->h;
	sp->h.src_mac = "02:00:00:00:00:01";
	sp->h.dst_mac = "02:00:00:00:00:02";
	sp->h.ip_version = ipv6 ? XCEIVER__V1__IP_VERSION__IP_VERSION_6 :
				  XCEIVER__V1__IP_VERSION__IP_VERSION_4;
	sp->h.src_ip = ipv6 ? "2001:2::1" : "198.18.0.1";
	sp->h.dst_ip = ipv6 ? "2001:2::2" : "198.18.0.2";
}

static void test_rxv(void **state)
{
	struct spec a, b, other;
	Xceiver__V1__Stream *ss[2] = { &a.s, &b.s };
	struct xc_stream_tmpl ta, tb, tx;
	struct xc_rxstream *sa, *sb;
	uint8_t f[XC_MAX_FRAME];
	struct xc_rxv v;
	char err[256];
	uint32_t len;
	uint64_t seq;

	spec_init(&a, 1, 10, 128, false);
	spec_init(&b, 2, 5, 1518, true);
	assert_int_equal(xc_rxv_init(&v, RUN_ID, ss, 2, 64, 0, err,
				     sizeof(err)), 0);
	assert_int_equal(xc_stream_tmpl_init(&ta, &a.s, RUN_ID, NULL, 0), 0);
	assert_int_equal(xc_stream_tmpl_init(&tb, &b.s, RUN_ID, NULL, 0), 0);
	sa = &v.streams[0].st;
	sb = &v.streams[1].st;

	for (seq = 0; seq < 10; seq += 2) {
		len = xc_frame_build(&ta, seq, 0, f);
		assert_true(xc_rxv_frame(&v, f, len));
	}
	assert_false(xc_rxv_frame(&v, f, len));		/* duplicate */
	for (seq = 0; seq < 5; seq++) {
		len = xc_frame_build(&tb, seq, 0, f);
		if (seq == 3)
			f[len - 1] ^= 0x10;
		assert_int_equal(xc_rxv_frame(&v, f, len), seq != 3);
	}
	/* past the end of the stream */
	len = xc_frame_build(&ta, 10, 0, f);
	assert_false(xc_rxv_frame(&v, f, len));
	/* wrong length of stream a */
	len = xc_frame_build(&ta, 1, 0, f);
	assert_false(xc_rxv_frame(&v, f, len - 1));

	/* foreign: bad magic, another run, an unknown stream, garbage */
	len = xc_frame_build(&ta, 3, 0, f);
	f[ta.hdr_len] ^= 1;
	assert_false(xc_rxv_frame(&v, f, len));
	assert_int_equal(xc_stream_tmpl_init(&tx, &a.s, RUN_ID + 1, NULL, 0),
			 0);
	len = xc_frame_build(&tx, 3, 0, f);
	assert_false(xc_rxv_frame(&v, f, len));
	spec_init(&other, 7, 10, 128, false);
	assert_int_equal(xc_stream_tmpl_init(&tx, &other.s, RUN_ID, NULL, 0),
			 0);
	len = xc_frame_build(&tx, 3, 0, f);
	assert_false(xc_rxv_frame(&v, f, len));
	assert_false(xc_rxv_frame(&v, f, 20));

	xc_rxv_finish(&v);
	assert_int_equal(v.frames, 5 + 1 + 5 + 1 + 1 + 4);
	assert_int_equal(v.foreign, 4);
	assert_int_equal(sa->delivered, 5);
	assert_int_equal(sa->duplicates, 1);
	assert_int_equal(sa->unexpected, 1);
	assert_int_equal(sa->corrupt, 1);
	assert_int_equal(sa->first_corrupt_seq, 1);
	assert_int_equal(sa->first_corrupt_off, 123);
	assert_int_equal(sa->missing, 4);
	assert_int_equal(sb->delivered, 4);
	assert_int_equal(sb->corrupt, 1);
	assert_int_equal(sb->first_corrupt_seq, 3);
	assert_int_equal(sb->first_corrupt_off, 1513);
	assert_int_equal(sb->missing, 0);
	check_invariant(sa);
	check_invariant(sb);
	xc_rxv_free(&v);
	xc_rxv_free(NULL);
}

static void test_rxv_errors(void **state)
{
	struct spec a, b;
	Xceiver__V1__Stream *ss[2] = { &a.s, &b.s };
	struct xc_rxv v;
	char err[256] = "";

	spec_init(&a, 1, 10, 128, false);
	spec_init(&b, 2, 10, 70, true);
	assert_int_equal(xc_rxv_init(&v, RUN_ID, ss, 2, 0, 0, err,
				     sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "rx_streams[1].frame_size 70 is below the minimum of 84"));
	assert_null(v.streams);

	spec_init(&b, 1, 10, 128, true);
	assert_int_equal(xc_rxv_init(&v, RUN_ID, ss, 2, 0, 0, err,
				     sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "rx_streams[1].id: 1 is used twice"));

	spec_init(&b, 2, 10, 128, true);
	assert_int_equal(xc_rxv_init(&v, RUN_ID, ss, 2, 96, 0, err,
				     sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "window_bits 96"));

	assert_int_equal(xc_rxv_init(&v, RUN_ID, ss, 0, 0, 0, err,
				     sizeof(err)), 0);
	assert_false(xc_rxv_frame(&v, (const uint8_t *)"x", 1));
	assert_int_equal(v.foreign, 1);
	xc_rxv_free(&v);
}

/* ------------------------------------------------ generated streams */

/* What the sender does: the same generator, the frames it builds. */
struct sender {
	struct xc_gen g;
	struct xc_stream_tmpl t;
};

static void sender_init(struct sender *x, const Xceiver__V1__Stream *s,
			const Xceiver__V1__XskConfig *peer)
{
	struct xc_umem_geom geo;
	char err[256] = "";

	xc_umem_geom_from(&geo, peer);
	if (!peer)
		geo.multi_buffer = true;
	if (xc_gen_init(&x->g, s, RUN_ID, &geo, err, sizeof(err)))
		fail_msg("xc_gen_init: %s", err);
	assert_int_equal(xc_stream_tmpl_init(&x->t, s, RUN_ID, NULL, 0), 0);
}

static uint32_t sender_frame(const struct sender *x, uint64_t seq,
			     uint8_t *f)
{
	struct xc_gen_pkt p;

	xc_gen_pkt(&x->g, seq, &p);
	return xc_frame_build_pkt(&x->t, &p, (uint32_t)seq * 3, f);
}

static void rxv_ok(struct xc_rxv *v, struct spec **sp, size_t n,
		   const struct xc_rxv_opts *o)
{
	Xceiver__V1__Stream *ss[4];
	char err[256] = "";
	size_t i;

	for (i = 0; i < n; i++)
		ss[i] = &sp[i]->s;
	if (xc_rxv_init_opts(v, RUN_ID, ss, n, o, err, sizeof(err)))
		fail_msg("xc_rxv_init_opts: %s", err);
}

static void test_multi_stream(void **state)
{
	static uint32_t list[] = { 64, 1518, 300 };
	Xceiver__V1__Sizes z1 = XCEIVER__V1__SIZES__INIT;
	Xceiver__V1__Sizes z2 = XCEIVER__V1__SIZES__INIT;
	Xceiver__V1__UdpPorts u = XCEIVER__V1__UDP_PORTS__INIT;
	struct spec a, b, c, *sp[3] = { &a, &b, &c };
	struct sender x[3];
	struct xc_rxstream *st;
	uint8_t f[XC_MAX_FRAME];
	struct xc_rxv v;
	uint64_t seq, n[3] = { 3000, 2000, 2500 };
	uint32_t len;
	int i;

	spec_init(&a, 1, n[0], 128, false);
	spec_init(&b, 2, n[1], 0, true);
	spec_init(&c, 5, n[2], 0, false);
	b.s.sizes = &z1;
	z1.list = list;
	z1.n_list = 3;
	list[0] = 84;
	c.s.sizes = &z2;
	z2.standard_imix = true;
	c.h.udp = &u;
	u.src = 2000;
	u.src_max = 2015;
	u.dst_max = 9100;
	rxv_ok(&v, sp, 3, NULL);
	for (i = 0; i < 3; i++)
		sender_init(&x[i], &sp[i]->s, NULL);
	/* interleaved, every 7th frame of stream 5 and seq 100 of 1 lost */
	for (seq = 0; seq < 3000; seq++) {
		for (i = 0; i < 3; i++) {
			if (seq >= n[i] || (i == 2 && seq % 7 == 3) ||
			    (i == 0 && seq == 100))
				continue;
			len = sender_frame(&x[i], seq, f);
			assert_true(xc_rxv_frame(&v, f, len));
		}
	}
	/* seq 3 of stream 5 late, with the source port of seq 2 */
	len = sender_frame(&x[2], 3, f);
	assert_int_equal(f[35], (2000 + 3) & 0xff);
	f[35]--;
	assert_false(xc_rxv_frame(&v, f, len));
	xc_rxv_finish(&v);
	for (i = 0; i < 3; i++) {
		st = &v.streams[i].st;
		check_invariant(st);
		assert_int_equal(st->expected_total, n[i]);
		assert_int_equal(st->unexpected, 0);
		assert_int_equal(st->corrupt, i == 2);
	}
	assert_int_equal(v.streams[0].st.missing, 1);
	assert_int_equal(v.streams[1].st.missing, 0);
	assert_int_equal(v.streams[2].st.missing, (2500 - 3 + 6) / 7 - 1);
	assert_int_equal(v.streams[2].st.first_corrupt_seq, 3);
	assert_int_equal(v.streams[2].st.first_corrupt_off, 35);
	assert_int_equal(v.streams[2].st.reordered, 1);
	assert_int_equal(v.foreign, 0);
	assert_int_equal(v.anomaly_count, 1);
	for (i = 0; i < 3; i++)
		xc_gen_free(&x[i].g);
	xc_rxv_free(&v);
}

static void test_invalid_descs(void **state)
{
	Xceiver__V1__XskConfig peer = XCEIVER__V1__XSK_CONFIG__INIT;
	Xceiver__V1__DescShape d[4], *dp[4];
	struct spec a, *sp[1] = { &a };
	struct xc_rxv_opts o = { .peer_xsk = &peer };
	struct xc_rxstream *st;
	uint8_t f[XC_MAX_FRAME];
	struct sender x;
	struct xc_rxv v;
	uint64_t seq, sent = 0;
	uint32_t len;
	int i;

	for (i = 0; i < 4; i++) {
		xceiver__v1__desc_shape__init(&d[i]);
		dp[i] = &d[i];
	}
	d[1].at = XCEIVER__V1__DESC_BASE__DESC_BASE_UMEM_START;
	d[1].offset = -2;			/* straddles the start */
	d[2].at = XCEIVER__V1__DESC_BASE__DESC_BASE_UMEM_START;
	d[2].offset = 0x800 - 30;		/* 2K boundary: ok in 4K */
	d[3].len = 4097;			/* too large */
	spec_init(&a, 1, 1000, 64, false);
	a.s.descs = dp;
	a.s.n_descs = 4;
	rxv_ok(&v, sp, 1, &o);
	sender_init(&x, &a.s, &peer);
	st = &v.streams[0].st;
	assert_int_equal(v.streams[0].invalid_sent, 500);
	assert_int_equal(x.g.invalid_total, 500);
	assert_int_equal(st->expected_total, 500);
	/* the kernel passes what is valid */
	for (seq = 0; seq < 1000; seq++) {
		if (!xc_gen_valid(&x.g, seq))
			continue;
		len = sender_frame(&x, seq, f);
		assert_true(xc_rxv_frame(&v, f, len));
		sent++;
	}
	assert_int_equal(sent, 500);
	/* an invalid one got through anyway: unexpected, kept */
	len = sender_frame(&x, 1, f);
	assert_false(xc_rxv_frame_meta(&v, f, len, NULL, 0, 0x1234, 3,
				       XC_RXV_UNTIMED));
	xc_rxv_finish(&v);
	check_invariant(st);
	assert_int_equal(st->delivered, 500);
	assert_int_equal(st->missing, 0);
	assert_int_equal(st->unexpected, 1);
	assert_int_equal(v.anomaly_count, 1);
	assert_int_equal(v.anoms[0].kind,
			 XCEIVER__V1__ANOMALY_KIND__ANOMALY_UNEXPECTED);
	assert_int_equal(v.anoms[0].seq, 1);
	assert_int_equal(v.anoms[0].addr, 0x1234);
	assert_int_equal(v.anoms[0].queue, 3);
	assert_int_equal(v.anoms[0].frame_len, len);
	assert_memory_equal(v.anoms[0].frame, f, len);
	xc_gen_free(&x.g);
	xc_rxv_free(&v);

	/* unaligned sender: the 2K and 4K straddles pass, -2 does not */
	peer.unaligned = true;
	d[2].offset = 0x1000 - 30;
	rxv_ok(&v, sp, 1, &o);
	assert_int_equal(v.streams[0].invalid_sent, 500);
	assert_true(xc_gen_valid(&v.streams[0].gen, 2));
	assert_false(xc_gen_valid(&v.streams[0].gen, 5));
	xc_rxv_free(&v);
}

static void test_drop_half(void **state)
{
	Xceiver__V1__RxOptions rx = XCEIVER__V1__RX_OPTIONS__INIT;
	struct spec a, *sp[1] = { &a };
	struct xc_rxv_opts o = { .rx = &rx };
	uint8_t f[XC_MAX_FRAME];
	struct sender x;
	struct xc_rxv v;
	uint64_t seq;
	uint32_t len;

	rx.xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_DROP_HALF;
	spec_init(&a, 1, 1001, 200, false);
	rxv_ok(&v, sp, 1, &o);
	sender_init(&x, &a.s, NULL);
	assert_int_equal(v.streams[0].xdp_dropped, 500);
	assert_int_equal(v.streams[0].st.expected_total, 501);
	for (seq = 0; seq < 1001; seq += 2) {
		if (seq == 500)
			continue;
		len = sender_frame(&x, seq, f);
		assert_true(xc_rxv_frame(&v, f, len));
	}
	len = sender_frame(&x, 7, f);
	assert_false(xc_rxv_frame(&v, f, len));
	xc_rxv_finish(&v);
	check_invariant(&v.streams[0].st);
	assert_int_equal(v.streams[0].st.delivered, 500);
	assert_int_equal(v.streams[0].st.missing, 1);
	assert_int_equal(v.streams[0].st.ranges[0].first, 500);
	assert_int_equal(v.streams[0].st.unexpected, 1);
	xc_gen_free(&x.g);
	xc_rxv_free(&v);
}

static void tail_case(int action, int32_t adj)
{
	Xceiver__V1__RxOptions rx = XCEIVER__V1__RX_OPTIONS__INIT;
	struct spec a, *sp[1] = { &a };
	struct xc_rxv_opts o = { .rx = &rx };
	uint8_t f[XC_MAX_FRAME + 256];
	struct sender x;
	struct xc_rxv v;
	uint32_t len;

	rx.xdp_action = action;
	rx.tail_adjust = adj < 0 ? -adj : adj;
	spec_init(&a, 1, 10, 1000, false);
	rxv_ok(&v, sp, 1, &o);
	sender_init(&x, &a.s, NULL);
	len = sender_frame(&x, 0, f);
	memset(f + len, 0, 256);
	assert_true(xc_rxv_frame(&v, f, len + adj));
	len = sender_frame(&x, 1, f);
	assert_false(xc_rxv_frame(&v, f, len));	/* not adjusted */
	len = sender_frame(&x, 2, f);
	f[100] ^= 1;
	assert_false(xc_rxv_frame(&v, f, len + adj));
	xc_rxv_finish(&v);
	assert_int_equal(v.streams[0].st.delivered, 1);
	assert_int_equal(v.streams[0].st.corrupt, 2);
	assert_int_equal(v.streams[0].st.first_corrupt_off,
			 adj < 0 ? 996 + adj : 996);
	assert_int_equal(v.anomaly_count, 2);
	assert_int_equal(v.anoms[0].expected_len, 996 + adj);
	assert_int_equal(v.anoms[0].seen_len, 996);
	assert_int_equal(v.anoms[1].bad_offset, 100);
	xc_gen_free(&x.g);
	xc_rxv_free(&v);
}

static void test_tail(void **state)
{
	struct spec a, *sp[1] = { &a };
	Xceiver__V1__RxOptions rx = XCEIVER__V1__RX_OPTIONS__INIT;
	struct xc_rxv_opts o = { .rx = &rx };
	Xceiver__V1__Stream *ss[1] = { &a.s };
	struct xc_rxv v;
	char err[256] = "";

	tail_case(XCEIVER__V1__XDP_ACTION__XDP_ACTION_SHRINK_TAIL, -100);
	tail_case(XCEIVER__V1__XDP_ACTION__XDP_ACTION_GROW_TAIL, 200);
	rx.xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_SHRINK_TAIL;
	spec_init(&a, 1, 10, 128, false);
	(void)sp;
	assert_int_equal(xc_rxv_init_opts(&v, RUN_ID, ss, 1, &o, err,
					  sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "rx_options.tail_adjust: 0"));
	rx.tail_adjust = 100;
	assert_int_equal(xc_rxv_init_opts(&v, RUN_ID, ss, 1, &o, err,
					  sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "rx_options.tail_adjust: 100 cuts into the payload header"));
	rx.xdp_action = 9;
	assert_int_equal(xc_rxv_init_opts(&v, RUN_ID, ss, 1, &o, err,
					  sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "rx_options.xdp_action: unknown action 9"));
}

static void test_metadata(void **state)
{
	Xceiver__V1__RxOptions rx = XCEIVER__V1__RX_OPTIONS__INIT;
	struct spec a, *sp[1] = { &a };
	struct xc_rxv_opts o = { .rx = &rx };
	uint8_t f[XC_MAX_FRAME], meta[16];
	struct sender x;
	struct xc_rxv v;
	uint64_t seq;
	uint32_t len;

	rx.xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_METADATA;
	spec_init(&a, 1, 10, 128, false);
	rxv_ok(&v, sp, 1, &o);
	sender_init(&x, &a.s, NULL);
	for (seq = 0; seq < 3; seq++) {
		len = sender_frame(&x, seq, f);
		memset(meta, 0xaa, sizeof(meta));
		memcpy(meta + 8, &seq, 8);
		assert_true(xc_rxv_frame_meta(&v, f, len, meta, 16, 0, 0,
					      XC_RXV_UNTIMED));
	}
	len = sender_frame(&x, 3, f);
	seq = 4;
	memcpy(meta + 8, &seq, 8);
	assert_false(xc_rxv_frame_meta(&v, f, len, meta, 16, 0, 0,
				       XC_RXV_UNTIMED));
	len = sender_frame(&x, 5, f);
	assert_false(xc_rxv_frame_meta(&v, f, len, NULL, 0, 0, 0,
				       XC_RXV_UNTIMED));
	xc_rxv_finish(&v);
	assert_int_equal(v.streams[0].st.delivered, 3);
	assert_int_equal(v.streams[0].st.corrupt, 2);
	assert_int_equal(v.anomaly_count, 2);
	assert_int_equal(v.anoms[0].kind,
			 XCEIVER__V1__ANOMALY_KIND__ANOMALY_METADATA);
	assert_int_equal(v.anoms[0].seq, 3);
	xc_gen_free(&x.g);
	xc_rxv_free(&v);
}

static void payload_case(int mode, uint32_t every, bool corrupt_even,
			 bool corrupt_odd)
{
	Xceiver__V1__RxOptions rx = XCEIVER__V1__RX_OPTIONS__INIT;
	struct spec a, *sp[1] = { &a };
	struct xc_rxv_opts o = { .rx = &rx };
	uint8_t f[XC_MAX_FRAME];
	struct sender x;
	struct xc_rxv v;
	uint64_t seq, bad = 0;
	uint32_t len;

	rx.payload_check = mode;
	rx.sample_every = every;
	spec_init(&a, 1, 100, 300, false);
	rxv_ok(&v, sp, 1, &o);
	sender_init(&x, &a.s, NULL);
	for (seq = 0; seq < 100; seq++) {
		len = sender_frame(&x, seq, f);
		f[200] ^= 0x40;			/* a payload byte */
		bad += (seq % 2 == 0) ? corrupt_even : corrupt_odd;
		assert_int_equal(xc_rxv_frame(&v, f, len),
				 !((seq % 2 == 0) ? corrupt_even :
						    corrupt_odd));
	}
	/* a header error is seen in every mode */
	len = sender_frame(&x, 1, f);
	f[22] ^= 1;				/* TTL */
	assert_false(xc_rxv_frame(&v, f, len));
	xc_rxv_finish(&v);
	assert_int_equal(v.streams[0].st.corrupt, bad);
	assert_int_equal(v.streams[0].st.duplicates, 1);
	xc_gen_free(&x.g);
	xc_rxv_free(&v);
}

static void test_payload_modes(void **state)
{
	payload_case(XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_ALL, 0, true,
		     true);
	payload_case(XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_SAMPLED, 2,
		     true, false);
	payload_case(XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_OFF, 0, false,
		     false);
}

/*
 * First bad offset: the first byte that differs from the frame Tx sent, a
 * missing or extra byte counting as different. A frame only too short:
 * its length; only too long: the expected length; too short for the
 * payload header: foreign. The first corrupt seq is the first corrupt
 * frame to arrive.
 */
static void test_bad_offsets(void **state)
{
	struct spec a, *sp[1] = { &a };
	struct xc_rxstream *st;
	uint8_t f[XC_MAX_FRAME];
	struct sender x;
	struct xc_rxv v;
	uint32_t len;

	spec_init(&a, 1, 10, 128, false);
	rxv_ok(&v, sp, 1, NULL);
	sender_init(&x, &a.s, NULL);
	st = &v.streams[0].st;
	len = sender_frame(&x, 7, f);
	assert_int_equal(len, 124);
	assert_false(xc_rxv_frame(&v, f, 90));		/* cut to 90 */
	assert_int_equal(st->first_corrupt_seq, 7);
	assert_int_equal(st->first_corrupt_off, 90);
	assert_int_equal(v.anoms[0].seen_len, 90);
	assert_int_equal(v.anoms[0].expected_len, 124);
	assert_int_equal(v.anoms[0].bad_offset, 90);
	len = sender_frame(&x, 3, f);
	memset(f + len, 0, 16);
	assert_false(xc_rxv_frame(&v, f, len + 16));	/* 16 bytes more */
	assert_int_equal(v.anoms[1].seen_len, 140);
	assert_int_equal(v.anoms[1].bad_offset, 124);
	assert_int_equal(st->first_corrupt_seq, 7);	/* arrival order */
	len = sender_frame(&x, 4, f);
	f[35] ^= 0xff;					/* UDP source port */
	assert_false(xc_rxv_frame(&v, f, len));
	assert_int_equal(v.anoms[2].bad_offset, 35);
	len = sender_frame(&x, 5, f);
	f[29] ^= 0xff;			/* IPv4 source, checksum as sent */
	assert_false(xc_rxv_frame(&v, f, len));
	assert_int_equal(v.anoms[3].bad_offset, 29);
	/*
	 * Rx cannot know the Tx time a frame should carry: a changed one
	 * shows where the UDP checksum no longer matches it
	 */
	len = sender_frame(&x, 8, f);
	f[42 + 14] ^= 0xff;
	assert_false(xc_rxv_frame(&v, f, len));
	assert_int_equal(v.anoms[4].bad_offset, 34 + 6);
	len = sender_frame(&x, 6, f);
	assert_false(xc_rxv_frame(&v, f, 14 + 20 + 8 + XC_PHDR_LEN - 1));
	assert_int_equal(v.foreign, 1);
	assert_int_equal(v.anoms[5].kind,
			 XCEIVER__V1__ANOMALY_KIND__ANOMALY_FOREIGN);
	assert_int_equal(v.anoms[5].seen_len, 59);
	xc_rxv_finish(&v);
	assert_int_equal(st->corrupt, 5);
	assert_int_equal(st->missing, 5);		/* 6 among them */
	check_invariant(st);
	xc_gen_free(&x.g);
	xc_rxv_free(&v);
}

static void test_anomaly_cap(void **state)
{
	Xceiver__V1__RxOptions rx = XCEIVER__V1__RX_OPTIONS__INIT;
	struct spec a, *sp[1] = { &a };
	struct xc_rxv_opts o = { .rx = &rx };
	uint8_t f[XC_MAX_FRAME];
	struct sender x;
	struct xc_rxv v;
	uint32_t len, i;

	rx.max_anomalies = 3;
	spec_init(&a, 1, 100, 9018, false);
	rxv_ok(&v, sp, 1, &o);
	sender_init(&x, &a.s, NULL);
	for (i = 0; i < 10; i++) {
		memset(f, i, 100);
		assert_false(xc_rxv_frame_meta(&v, f, 100 + i, NULL, 0, i,
					       0, XC_RXV_UNTIMED));
	}
	assert_int_equal(v.foreign, 10);
	assert_int_equal(v.anomaly_count, 10);
	assert_int_equal(v.nanoms, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(v.anoms[i].kind,
				 XCEIVER__V1__ANOMALY_KIND__ANOMALY_FOREIGN);
		assert_int_equal(v.anoms[i].frame_len, 100 + i);
		assert_int_equal(v.anoms[i].addr, i);
		assert_int_equal(v.anoms[i].frame[0], i);
	}
	/* a whole jumbo frame is kept */
	xc_rxv_free(&v);
	rx.max_anomalies = 0;
	rxv_ok(&v, sp, 1, &o);
	len = sender_frame(&x, 4, f);
	f[len - 1] ^= 1;
	assert_false(xc_rxv_frame(&v, f, len));
	assert_false(xc_rxv_frame(&v, f, len));	/* duplicate */
	assert_int_equal(v.max_anomalies, XC_DEF_MAX_ANOMALIES);
	assert_int_equal(v.nanoms, 2);
	assert_int_equal(v.anoms[0].kind,
			 XCEIVER__V1__ANOMALY_KIND__ANOMALY_CORRUPT);
	assert_int_equal(v.anoms[0].bad_offset, len - 1);
	assert_int_equal(v.anoms[0].frame_len, 9014);
	assert_memory_equal(v.anoms[0].frame, f, len);
	assert_int_equal(v.anoms[1].kind,
			 XCEIVER__V1__ANOMALY_KIND__ANOMALY_DUPLICATE);
	/* descriptor errors reported by the data plane */
	len = sender_frame(&x, 5, f);
	xc_rxv_anomaly(&v, XCEIVER__V1__ANOMALY_KIND__ANOMALY_DESC, f, len,
		       77, 1);
	xc_rxv_anomaly(&v, XCEIVER__V1__ANOMALY_KIND__ANOMALY_DESC, NULL, 0,
		       1ull << 40, 1);
	assert_int_equal(v.streams[0].desc_errors, 1);
	assert_int_equal(v.foreign, 1);
	assert_int_equal(v.anoms[2].seq, 5);
	assert_int_equal(v.anoms[2].kind,
			 XCEIVER__V1__ANOMALY_KIND__ANOMALY_DESC);
	assert_int_equal(v.anoms[3].frame_len, 0);
	assert_null(v.anoms[3].frame);
	xc_gen_free(&x.g);
	xc_rxv_free(&v);
}

static void test_report_roundtrip(void **state)
{
	Xceiver__V1__RxOptions rx = XCEIVER__V1__RX_OPTIONS__INIT;
	Xceiver__V1__Report r = XCEIVER__V1__REPORT__INIT, *u;
	struct spec a, b, *sp[2] = { &a, &b };
	struct xc_rxv_opts o = { .rx = &rx };
	uint8_t f[XC_MAX_FRAME], *buf;
	struct sender x;
	struct xc_rxv v;
	uint64_t seq;
	uint32_t len;
	size_t n;

	rx.xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_DROP_HALF;
	rx.payload_check = XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_SAMPLED;
	spec_init(&a, 1, 100, 128, false);
	spec_init(&b, 2, 50, 200, true);
	rxv_ok(&v, sp, 2, &o);
	sender_init(&x, &a.s, NULL);
	for (seq = 0; seq < 60; seq += 2) {
		len = sender_frame(&x, seq, f);
		if (seq == 10)
			f[len - 1] ^= 1;	/* not sampled */
		if (seq == 0)
			f[len - 1] ^= 1;
		xc_rxv_frame(&v, f, len);
	}
	xc_rxv_frame(&v, f, 10);
	assert_int_equal(xc_rxv_report(&v, &r), 0);
	n = xceiver__v1__report__get_packed_size(&r);
	buf = malloc(n);
	assert_non_null(buf);
	xceiver__v1__report__pack(&r, buf);
	u = xceiver__v1__report__unpack(NULL, n, buf);
	assert_non_null(u);
	assert_int_equal(u->n_rx, 2);
	assert_int_equal(u->rx[0]->stream_id, 1);
	assert_int_equal(u->rx[0]->expected, 50);
	assert_int_equal(u->rx[0]->xdp_dropped, 50);
	assert_int_equal(u->rx[0]->invalid_sent, 0);
	assert_int_equal(u->rx[0]->delivered, 29);
	assert_int_equal(u->rx[0]->corrupt, 1);
	assert_int_equal(u->rx[0]->missing, 20);
	assert_int_equal(u->rx[0]->n_missing_ranges, 1);
	assert_int_equal(u->rx[0]->missing_ranges[0]->first, 60);
	assert_int_equal(u->rx[0]->missing_ranges[0]->last, 98);
	assert_int_equal(u->rx[1]->stream_id, 2);
	assert_int_equal(u->rx[1]->expected, 25);
	assert_int_equal(u->rx[1]->missing, 25);
	assert_int_equal(u->foreign, 1);
	assert_int_equal(u->rx_frames, 31);
	assert_int_equal(u->anomaly_count, 2);
	assert_int_equal(u->n_anomalies, 2);
	assert_int_equal(u->anomalies[0]->kind,
			 XCEIVER__V1__ANOMALY_KIND__ANOMALY_CORRUPT);
	assert_int_equal(u->anomalies[0]->seq, 0);
	assert_int_equal(u->anomalies[0]->frame.len, 124);
	assert_int_equal(u->anomalies[1]->kind,
			 XCEIVER__V1__ANOMALY_KIND__ANOMALY_FOREIGN);
	assert_int_equal(u->anomalies[1]->frame.len, 10);
	assert_memory_equal(u->anomalies[1]->frame.data, f, 10);
	assert_int_equal(u->payload_check,
			 XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_SAMPLED);
	xceiver__v1__report__free_unpacked(u, NULL);
	free(buf);
	xc_rxv_report_free(&r);
	assert_null(r.rx);
	assert_int_equal(r.n_anomalies, 0);
	xc_rxv_report_free(NULL);
	xc_gen_free(&x.g);
	xc_rxv_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_loss_ranges),
		cmocka_unit_test(test_nothing_arrived),
		cmocka_unit_test(test_duplicates_reorder),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_unexpected),
		cmocka_unit_test(test_window_slide_late),
		cmocka_unit_test(test_late_or_duplicate),
		cmocka_unit_test(test_late_past_range_cap),
		cmocka_unit_test(test_merge_across_slides),
		cmocka_unit_test(test_range_cap),
		cmocka_unit_test(test_report_open_range),
		cmocka_unit_test(test_huge_count),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_rxv),
		cmocka_unit_test(test_bad_offsets),
		cmocka_unit_test(test_rxv_errors),
		cmocka_unit_test(test_multi_stream),
		cmocka_unit_test(test_invalid_descs),
		cmocka_unit_test(test_drop_half),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_payload_modes),
		cmocka_unit_test(test_anomaly_cap),
		cmocka_unit_test(test_report_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
