// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The timeline store: counters' growth per interval, gauges and peak
 * gauges, intervals without a sample, the wall-clock grid, merging in
 * pairs at the cap (aligned so two hosts' grids still line up, totals
 * kept) and the report.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_limits.h"
#include "xc_tl.h"

#define IV	10000000ull	/* 10 ms */
#define T0	(1700000000ull * 1000000000ull)

static void setup_two(struct xc_tl *tl, uint64_t cells)
{
	assert_int_equal(xc_tl_init(tl, IV), 0);
	assert_int_equal(xc_tl_add(tl, XC_TL_COUNTER, "drops", 0, 0,
				   XCEIVER__V1__LAYER__LAYER_RX_XSK, true, false), 0);
	assert_int_equal(xc_tl_add(tl, XC_TL_COUNTER, "cpu", 0, 0, 0, false,
				   true), 1);
	assert_int_equal(xc_tl_alloc(tl, cells), 0);
}

static void test_deltas_and_gauges(void **state)
{
	uint64_t raw[2] = { 100, 7 };
	struct xc_tl tl;

	(void)state;
	setup_two(&tl, XC_TL_MAX_CELLS);
	xc_tl_begin(&tl, T0 + IV / 2, raw);
	assert_int_equal(tl.start_rt, T0);
	raw[0] = 130;
	raw[1] = 1;
	xc_tl_sample(&tl, T0 + IV, raw);	/* end of interval 0 */
	raw[0] = 131;
	xc_tl_sample(&tl, T0 + 4 * IV, raw);	/* intervals 1..3 late */
	assert_int_equal(tl.n, 5);
	assert_int_equal(tl.cells[0], 0);
	assert_int_equal(tl.cells[1], 30);
	assert_int_equal(tl.cells[2], 0);
	assert_int_equal(tl.cells[4], 1);
	assert_int_equal(tl.cells[tl.max + 1], 1);
	/* a second sample in the same interval adds to it */
	raw[0] = 140;
	xc_tl_sample(&tl, T0 + 4 * IV + 5, raw);
	assert_int_equal(tl.n, 5);
	assert_int_equal(tl.cells[4], 10);
	/* a counter that went back (reset) adds nothing */
	raw[0] = 5;
	xc_tl_sample(&tl, T0 + 5 * IV, raw);
	assert_int_equal(tl.cells[5], 0);
	xc_tl_free(&tl);
}

static uint64_t sum(const struct xc_tl *tl, uint32_t c)
{
	uint64_t s = 0;
	uint32_t k;

	for (k = 0; k < tl->n; k++)
		s += tl->cells[(size_t)c * tl->max + k];
	return s;
}

/* One frame per interval for many intervals: totals and grid kept. */
static void run_coarsen(uint64_t start, uint64_t intervals)
{
	uint64_t raw[2] = { 0, 0 }, k, t;
	struct xc_tl tl;

	setup_two(&tl, 2 * XC_TL_MIN_INTERVALS);
	assert_int_equal(tl.max, XC_TL_MIN_INTERVALS);
	xc_tl_begin(&tl, start, raw);
	for (k = 1; k <= intervals; k++) {
		raw[0] = k;
		raw[1] = k;
		t = start - start % IV + k * IV - 1;
		xc_tl_sample(&tl, t, raw);
	}
	assert_true(tl.n <= tl.max);
	assert_true(tl.coarsened > 0);
	assert_int_equal(sum(&tl, 0), intervals);
	/* the grid stays on multiples of the (doubled) interval */
	assert_int_equal(tl.start_rt % tl.iv_ns, 0);
	assert_int_equal(tl.iv_ns, IV << tl.coarsened);
	/* the gauge holds the last value of each merged interval */
	assert_int_equal(tl.cells[tl.max + tl.n - 1], intervals);
	xc_tl_free(&tl);
}

static void test_coarsen_even_start(void **state)
{
	(void)state;
	run_coarsen(T0, 100);
}

static void test_coarsen_odd_start(void **state)
{
	(void)state;
	run_coarsen(T0 + IV + 3, 1000);
}

/* Two hosts starting at different intervals still share the grid. */
static void test_two_hosts_align(void **state)
{
	uint64_t raw[2] = { 0, 0 };
	struct xc_tl a, b;

	(void)state;
	setup_two(&a, 2 * XC_TL_MIN_INTERVALS);
	setup_two(&b, 2 * XC_TL_MIN_INTERVALS);
	xc_tl_begin(&a, T0, raw);
	xc_tl_begin(&b, T0 + 3 * IV, raw);
	raw[0] = 1;
	xc_tl_sample(&a, T0 + 60 * IV, raw);
	xc_tl_sample(&b, T0 + 60 * IV, raw);
	assert_int_equal(a.iv_ns, b.iv_ns);
	assert_int_equal((b.start_rt - a.start_rt) % a.iv_ns, 0);
	assert_int_equal(a.cells[xc_tl_index(&a, T0 + 60 * IV)], 1);
	assert_int_equal(b.cells[xc_tl_index(&b, T0 + 60 * IV)], 1);
	xc_tl_free(&a);
	xc_tl_free(&b);
}

static void test_cells_bound(void **state)
{
	struct xc_tl tl;
	int i;

	(void)state;
	assert_int_equal(xc_tl_init(&tl, IV), 0);
	for (i = 0; i < 9000; i++)
		assert_int_equal(xc_tl_add(&tl, XC_TL_TX_STREAM, "", i, 0, 0,
					   false, false), i);
	assert_int_equal(xc_tl_alloc(&tl, XC_TL_MAX_CELLS), 0);
	assert_int_equal(tl.max, XC_TL_MAX_CELLS / 9000 & ~1u);
	assert_true((uint64_t)tl.max * tl.ncols <= XC_TL_MAX_CELLS);
	assert_int_equal(xc_tl_add(&tl, XC_TL_COUNTER, "late", 0, 0, 0,
				   false, false), -EBUSY);
	xc_tl_free(&tl);
	assert_int_equal(xc_tl_init(&tl, IV), 0);
	assert_int_equal(xc_tl_add(&tl, XC_TL_COUNTER, "x", 0, 0, 0, false,
				   false), 0);
	assert_int_equal(xc_tl_alloc(&tl, XC_TL_MAX_CELLS), 0);
	assert_int_equal(tl.max, XC_TL_MAX_INTERVALS);
	xc_tl_free(&tl);
	assert_int_equal(xc_tl_init(&tl, 0), -EINVAL);
}

/*
 * A peak gauge (the largest value of an interval, which its reader takes
 * afresh each time): two samples in one interval keep the larger, not the
 * later; an interval without a sample keeps 0; merged records keep the
 * larger where a plain gauge keeps the later.
 */
static void test_peak(void **state)
{
	Xceiver__V1__Timeline t = XCEIVER__V1__TIMELINE__INIT;
	uint64_t raw[2] = { 0, 0 };
	struct xc_tl tl;
	uint64_t *pk, *g;

	(void)state;
	assert_int_equal(xc_tl_init(&tl, IV), 0);
	assert_int_equal(xc_tl_add(&tl, XC_TL_COUNTER, XC_TL_LAT_MAX, 0, 0, 0,
				   false, true), 0);
	tl.cols[0].peak = true;
	assert_int_equal(xc_tl_add(&tl, XC_TL_COUNTER, "cpu", 0, 0, 0, false,
				   true), 1);
	assert_int_equal(xc_tl_alloc(&tl, 2 * XC_TL_MIN_INTERVALS), 0);
	pk = &tl.cells[0];
	g = &tl.cells[tl.max];
	xc_tl_begin(&tl, T0, raw);
	raw[0] = 900;
	raw[1] = 900;
	xc_tl_sample(&tl, T0 + IV - 1, raw);	/* interval 0 */
	raw[0] = 300;
	raw[1] = 300;
	xc_tl_sample(&tl, T0 + IV - 1, raw);	/* interval 0 again */
	raw[0] = 50;
	raw[1] = 50;
	xc_tl_sample(&tl, T0 + 2 * IV + 1, raw);	/* 2; 1 without */
	raw[0] = 70;
	raw[1] = 70;
	xc_tl_sample(&tl, T0 + 3 * IV + 1, raw);	/* 3 */
	assert_int_equal(tl.n, 4);
	assert_int_equal(pk[0], 900);
	assert_int_equal(g[0], 300);
	assert_int_equal(pk[1], 0);
	assert_int_equal(pk[2], 50);
	assert_int_equal(pk[3], 70);
	/* past the cap: [0, 1] and [2, 3] merge */
	raw[0] = 1;
	raw[1] = 1;
	xc_tl_sample(&tl, T0 + tl.max * IV, raw);
	assert_int_equal(tl.coarsened, 1);
	assert_int_equal(pk[0], 900);
	assert_int_equal(pk[1], 70);
	assert_int_equal(g[0], 0);		/* the later: interval 1 */
	assert_int_equal(g[1], 70);
	assert_int_equal(xc_tl_report(&tl, &t), 0);
	assert_string_equal(t.counters[0]->name, "rx_latency_max_ns");
	assert_true(t.counters[0]->peak);
	assert_true(t.counters[0]->gauge);
	assert_int_equal(t.counters[0]->total, 0);
	assert_false(t.counters[1]->peak);
	xc_tl_report_free(&t);
	xc_tl_free(&tl);
}

static void test_report(void **state)
{
	Xceiver__V1__Timeline t = XCEIVER__V1__TIMELINE__INIT;
	uint64_t raw[3] = { 0, 0, 0 };
	struct xc_tl tl;

	(void)state;
	setup_two(&tl, XC_TL_MAX_CELLS);
	assert_int_equal(xc_tl_add(&tl, XC_TL_TX_STREAM, "", 9, 0, 0, false,
				   false), -EBUSY);
	xc_tl_free(&tl);
	assert_int_equal(xc_tl_init(&tl, IV), 0);
	xc_tl_add(&tl, XC_TL_COUNTER, "rx_dropped", 0, 1, 4, true, false);
	xc_tl_add(&tl, XC_TL_TX_STREAM, "", 9, 0, 0, false, false);
	xc_tl_add(&tl, XC_TL_RX_STREAM, "", 9, 0, 0, false, false);
	assert_int_equal(xc_tl_alloc(&tl, XC_TL_MAX_CELLS), 0);
	xc_tl_begin(&tl, T0, raw);
	raw[0] = 3;
	raw[1] = 50;
	raw[2] = 47;
	xc_tl_sample(&tl, T0 + IV, raw);
	raw[0] = 4;
	xc_tl_sample(&tl, T0 + 2 * IV, raw);
	assert_int_equal(xc_tl_report(&tl, &t), 0);
	assert_int_equal(t.intervals, 3);
	assert_int_equal(t.n_counters, 1);
	assert_string_equal(t.counters[0]->name, "rx_dropped");
	assert_int_equal(t.counters[0]->total, 4);
	assert_int_equal(t.counters[0]->layer, 4);
	assert_true(t.counters[0]->loss);
	assert_int_equal(t.n_tx, 1);
	assert_int_equal(t.tx[0]->stream_id, 9);
	assert_int_equal(t.tx[0]->n_v, 3);
	assert_int_equal(t.tx[0]->v[1], 50);
	assert_int_equal(t.rx[0]->v[1], 47);
	assert_int_equal(t.start_realtime_ns, T0);
	xc_tl_report_free(&t);
	xc_tl_report_free(NULL);
	xc_tl_free(&tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deltas_and_gauges),
		cmocka_unit_test(test_coarsen_even_start),
		cmocka_unit_test(test_coarsen_odd_start),
		cmocka_unit_test(test_two_hosts_align),
		cmocka_unit_test(test_cells_bound),
		cmocka_unit_test(test_peak),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
