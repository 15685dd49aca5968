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
	/* below the highest seen: 2, 2, 3, 4 (after 5) and 0 (after 6) */
	assert_int_equal(s.reordered, 5);
	assert_int_equal(s.max_reorder, 6);
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
	arrive(&s, 50);				/* late duplicate */
	assert_int_equal(s.late, 2);
	assert_int_equal(s.duplicates, 0);
	assert_int_equal(s.reordered, 2);
	assert_int_equal(s.max_reorder, 490);
	xc_rxstream_finish(&s);
	assert_int_equal(s.delivered, 99 + 1);
	assert_int_equal(s.missing, 900);
	check_ranges(&s, want, 3);
	check_invariant(&s);
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

static void ref_arrival(struct ref *r, uint64_t seq, bool intact)
{
	if (seq >= r->count || (r->expected && !r->expected(&r->ctx, seq))) {
		r->unexp++;
		return;
	}
	if (r->any && seq < r->highest) {
		r->reord++;
		if (r->highest - seq > r->maxr)
			r->maxr = r->highest - seq;
	} else {
		r->highest = seq;
		r->any = true;
	}
	if (seq < r->base) {
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
	r->state[seq] = intact ? 1 : 2;
	if (intact)
		r->delivered++;
	else
		r->corrupt++;
}

static void ref_compare(struct ref *r, struct xc_rxstream *s)
{
	uint64_t seq, missing = 0, nr = 0, first = 0;
	bool in = false, miss;

	assert_int_equal(s->delivered, r->delivered);
	assert_int_equal(s->corrupt, r->corrupt);
	assert_int_equal(s->duplicates, r->dup);
	assert_int_equal(s->reordered, r->reord);
	assert_int_equal(s->max_reorder, r->maxr);
	assert_int_equal(s->unexpected, r->unexp);
	assert_int_equal(s->late, r->late);
	for (seq = 0; seq <= r->count; seq++) {
		miss = seq < r->count && !r->state[seq] &&
		       (!r->expected || r->expected(&r->ctx, seq));
		missing += miss;
		if (miss && !in) {
			first = seq;
			in = true;
		} else if (!miss && in) {
			if (nr < s->nranges) {
				assert_int_equal(s->ranges[nr].first, first);
				assert_int_equal(s->ranges[nr].last, seq - 1);
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
	bool intact;

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
		xc_rxstream_arrival(&s, order[i], intact, 7, 64);
		ref_arrival(&r, order[i], intact);
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
		cmocka_unit_test(test_merge_across_slides),
		cmocka_unit_test(test_range_cap),
		cmocka_unit_test(test_report_open_range),
		cmocka_unit_test(test_huge_count),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_rxv),
		cmocka_unit_test(test_rxv_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
