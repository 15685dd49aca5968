// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Pacer: exact schedules over 10^7 frames with a simulated, jittery clock
 * (no frame early, none held back once due, no drift), bit rates at L1 and
 * L2, bursts, stalls without catch-up beyond the burst, unlimited rates,
 * frames of mixed sizes, config errors and the wait helper.
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

#include "xc_rate.h"
#include "xc_util.h"

#define NS		1000000000ull
#define T0		123456789012ull	/* any start of the clock */
#define BIG_N		10000000ull

typedef unsigned __int128 u128;

/* Small deterministic generator for the clock jitter. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Bits (or 1 for pps) that one frame of `bytes` costs, computed here. */
static uint64_t ref_cost(enum xc_rate_unit unit, uint32_t bytes)
{
	if (unit == XC_RATE_L2_BPS)
		return bytes * 8ull;
	if (unit == XC_RATE_L1_BPS)
		return (bytes + 20ull) * 8;
	return 1;
}

/* Exact due time of frame k (0-based) on a schedule started at start. */
static uint64_t ref_due(uint64_t start, uint64_t k, uint64_t cost,
			uint64_t rate)
{
	return start + (uint64_t)((u128)k * cost * NS / rate);
}

/*
 * Send frames k0..n-1 of a schedule started at start like a Tx worker
 * that asks for batches of up to 64 and wakes late by up to jitter_ns.
 * Checks every grant against the reference
 * schedule: the last granted frame was due, and unless the batch was cut
 * by want or the burst, the next one was not due yet.
 */
static uint64_t run_worker(struct xc_rate *r, uint64_t start, uint64_t k0,
			   uint64_t n, enum xc_rate_unit unit, uint64_t rate,
			   uint32_t bytes, uint64_t jitter_ns)
{
	uint64_t cost = ref_cost(unit, bytes), sent = k0, t = start;
	uint32_t want, got, wake;

	while (sent < n) {
		want = (uint32_t)XC_MIN(64ull, n - sent);
		/* Half the time wait for one frame, else for a full batch. */
		wake = (rng() & 1) ? 1 : want;
		t = XC_MAX(t, xc_rate_next_ns(r, wake, bytes));
		if (jitter_ns)
			t += rng() % jitter_ns;
		got = xc_rate_grant(r, t, want, bytes);
		assert_true(got >= 1);
		assert_true(ref_due(start, sent + got - 1, cost, rate) <= t);
		if (got < want && got < r->burst)
			assert_true(ref_due(start, sent + got, cost, rate) > t);
		sent += got;
	}
	return t;
}

static void check_exact(enum xc_rate_unit unit, uint64_t rate,
			uint32_t bytes, uint64_t n)
{
	struct xc_rate_cfg cfg = { .unit = unit, .rate = rate,
				   .frame_bytes = bytes };
	uint64_t cost = ref_cost(unit, bytes), last, frame_ns;
	struct xc_rate r;

	assert_int_equal(xc_rate_init(&r, &cfg, T0, NULL, 0), 0);
	/* Jitter well inside the burst: the sender is never reset. */
	frame_ns = (uint64_t)((u128)cost * NS / rate);
	last = run_worker(&r, T0, 0, n, unit, rate, bytes,
			  XC_MAX(1ull, frame_ns * r.burst / 4));
	assert_int_equal(r.resets, 0);
	assert_int_equal(r.granted, n);
	/* Frame n (the next) is due exactly n frame times after T0. */
	assert_int_equal(xc_rate_next_ns(&r, 1, bytes),
			 ref_due(T0, n, cost, rate));
	/* The last frame went no earlier than due, and not long after. */
	assert_true(last >= ref_due(T0, n - 1, cost, rate));
	assert_true(last - ref_due(T0, n - 1, cost, rate) <=
		    frame_ns * r.burst + frame_ns * r.burst / 4 + 1);
}

static void test_pps_exact(void **state)
{
	static const uint64_t rates[] = { 100000, 500000, 1000000, 14880952 };
	size_t i;

	for (i = 0; i < XC_ARRAY_SIZE(rates); i++)
		check_exact(XC_RATE_PPS, rates[i], 64, BIG_N);
}

/* An odd rate where frame times do not divide a nanosecond evenly. */
static void test_pps_odd_rate(void **state)
{
	check_exact(XC_RATE_PPS, 999983, 64, 3000000);
	check_exact(XC_RATE_PPS, 7, 64, 100);
}

static void test_bit_rates(void **state)
{
	static const struct {
		enum xc_rate_unit unit;
		uint64_t bps;
		uint32_t bytes;
		double pps;
	} c[] = {
		/* 10 Gbit/s line rate: 84 and 1538 bytes on the wire. */
		{ XC_RATE_L1_BPS, 10000000000ull, 64, 14880952.380952 },
		{ XC_RATE_L1_BPS, 10000000000ull, 1518, 812743.823146 },
		{ XC_RATE_L2_BPS, 10000000000ull, 64, 19531250.0 },
		{ XC_RATE_L2_BPS, 10000000000ull, 1518, 823451.910408 },
		{ XC_RATE_L1_BPS, 1000000000ull, 64, 1488095.238095 },
	};
	size_t i;

	for (i = 0; i < XC_ARRAY_SIZE(c); i++) {
		struct xc_rate_cfg cfg = { .unit = c[i].unit,
					   .rate = c[i].bps };
		double pps = xc_rate_cfg_pps(&cfg, c[i].bytes);

		assert_true(pps > c[i].pps - 1e-3 && pps < c[i].pps + 1e-3);
		check_exact(c[i].unit, c[i].bps, c[i].bytes, BIG_N / 10);
	}
}

/* Over 10^7 frames the schedule's length matches rate exactly. */
static void test_l1_line_rate_duration(void **state)
{
	struct xc_rate_cfg cfg = { .unit = XC_RATE_L1_BPS,
				   .rate = 10000000000ull, .frame_bytes = 64 };
	struct xc_rate r;
	uint64_t end;

	assert_int_equal(xc_rate_init(&r, &cfg, T0, NULL, 0), 0);
	run_worker(&r, T0, 0, BIG_N, XC_RATE_L1_BPS, cfg.rate, 64, 0);
	end = xc_rate_next_ns(&r, 1, 64);
	/* 10^7 frames * 672 bits at 10^10 bit/s = 0.672 s exactly. */
	assert_int_equal(end - T0, 672000000ull);
}

static void test_default_burst(void **state)
{
	static const struct {
		enum xc_rate_unit unit;
		uint64_t rate;
		uint32_t bytes, burst;
	} c[] = {
		{ XC_RATE_PPS, 10, 0, 1 },
		{ XC_RATE_PPS, 100000, 0, 10 },
		{ XC_RATE_PPS, 500000, 0, 50 },
		{ XC_RATE_PPS, 640000, 0, 64 },
		{ XC_RATE_PPS, 14880952, 0, 64 },
		{ XC_RATE_L1_BPS, 10000000000ull, 64, 64 },
		/* 1 Gbit/s L1 of 1518 bytes: 81274 pps, 8 in 100 us. */
		{ XC_RATE_L1_BPS, 1000000000ull, 1518, 8 },
		/* Without a frame size the default assumes 64 bytes. */
		{ XC_RATE_L2_BPS, 100000000ull, 0, 19 },
		{ XC_RATE_UNLIMITED, 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < XC_ARRAY_SIZE(c); i++) {
		struct xc_rate_cfg cfg = { .unit = c[i].unit,
					   .rate = c[i].rate,
					   .frame_bytes = c[i].bytes };

		assert_int_equal(xc_rate_cfg_burst(&cfg), c[i].burst);
	}
}

static void test_burst(void **state)
{
	struct xc_rate_cfg cfg = { .unit = XC_RATE_PPS, .rate = 1000,
				   .burst = 8 };
	struct xc_rate r;
	const uint64_t ms = 1000000;

	assert_int_equal(xc_rate_init(&r, &cfg, T0, NULL, 0), 0);
	assert_int_equal(r.burst, 8);
	/* Frame 0 is due at once, frame 1 one millisecond later. */
	assert_int_equal(xc_rate_grant(&r, T0, 64, 64), 1);
	assert_int_equal(xc_rate_grant(&r, T0, 64, 64), 0);
	assert_int_equal(xc_rate_grant(&r, T0 + ms - 1, 64, 64), 0);
	assert_int_equal(xc_rate_next_ns(&r, 1, 64), T0 + ms);
	assert_int_equal(xc_rate_next_ns(&r, 3, 64), T0 + 3 * ms);
	/* next_ns waits for at most half a burst: the rest is slack. */
	assert_int_equal(xc_rate_next_ns(&r, 64, 64), T0 + 4 * ms);
	assert_int_equal(xc_rate_next_ns(&r, 0, 64), T0 + ms);
	/* Late by 5 frames (within the burst): all 5 leave at once. */
	assert_int_equal(xc_rate_grant(&r, T0 + 5 * ms, 64, 64), 5);
	/* want limits the grant; the rest stays due. */
	assert_int_equal(xc_rate_grant(&r, T0 + 12 * ms, 3, 64), 3);
	assert_int_equal(xc_rate_grant(&r, T0 + 12 * ms, 64, 64), 4);
	assert_int_equal(r.resets, 0);
	/* Exactly a burst due (frames 13..20 at 20 ms): no reset. */
	assert_int_equal(xc_rate_grant(&r, T0 + 20 * ms, 64, 64), 8);
	assert_int_equal(r.resets, 0);
	assert_int_equal(r.granted, 21);
	assert_int_equal(xc_rate_next_ns(&r, 1, 64), T0 + 21 * ms);
}

static void test_stall_no_catch_up(void **state)
{
	struct xc_rate_cfg cfg = { .unit = XC_RATE_PPS, .rate = 1000000 };
	uint64_t t, after;
	struct xc_rate r;

	assert_int_equal(xc_rate_init(&r, &cfg, T0, NULL, 0), 0);
	assert_int_equal(r.burst, 64);
	run_worker(&r, T0, 0, 1000, XC_RATE_PPS, cfg.rate, 64, 0);
	/* Stall for one second: 10^6 frames were due, 64 may go. */
	t = T0 + 1000 * 1000 + NS;
	assert_int_equal(xc_rate_grant(&r, t, 1000, 64), 64);
	assert_int_equal(r.resets, 1);
	/* Frame 1000 was due at T0 + 1 ms and now leaves 63 us before t. */
	assert_int_equal(r.lost_ns, NS - 63 * 1000);
	assert_int_equal(xc_rate_grant(&r, t, 1000, 64), 0);
	/* The schedule goes on from now at the rate. */
	assert_int_equal(xc_rate_next_ns(&r, 1, 64), t + 1000);
	assert_int_equal(xc_rate_grant(&r, t + 999, 64, 64), 0);
	assert_int_equal(xc_rate_grant(&r, t + 1000, 64, 64), 1);
	/*
	 * Frames 0..63 of the new schedule left at t, frame 64 at t + 1 us:
	 * the next second carries 10^6 frames, none of the missed ones.
	 */
	after = run_worker(&r, r.origin_ns, 65, 1000064, XC_RATE_PPS,
			   cfg.rate, 64, 0);
	assert_int_equal(after, t + NS);
	assert_int_equal(r.granted, 1000 + 1000064);
	assert_int_equal(xc_rate_next_ns(&r, 1, 64), t + NS + 1000);
	assert_int_equal(r.resets, 1);
}

/* Stalls shorter than the burst are made up for; longer ones are not. */
static void test_stall_threshold(void **state)
{
	struct xc_rate_cfg cfg = { .unit = XC_RATE_PPS, .rate = 100000,
				   .burst = 16 };
	struct xc_rate r;
	uint64_t frame = 10000;

	assert_int_equal(xc_rate_init(&r, &cfg, T0, NULL, 0), 0);
	assert_int_equal(xc_rate_grant(&r, T0, 64, 64), 1);
	/* Frames 1..16 due: exactly a burst. */
	assert_int_equal(xc_rate_grant(&r, T0 + 16 * frame, 64, 64), 16);
	assert_int_equal(r.resets, 0);
	assert_int_equal(r.lost_ns, 0);
	/*
	 * Frames 17..33 due: one more than the burst. The 16 that go count
	 * as due from T0 + 18 frames on: one frame time is lost.
	 */
	assert_int_equal(xc_rate_grant(&r, T0 + 33 * frame, 64, 64), 16);
	assert_int_equal(r.resets, 1);
	assert_int_equal(r.lost_ns, frame);
	assert_int_equal(xc_rate_next_ns(&r, 1, 64), T0 + 34 * frame);
}

static void test_unlimited(void **state)
{
	struct xc_rate_cfg none = { .unit = XC_RATE_UNLIMITED };
	struct xc_rate_cfg zero = { .unit = XC_RATE_PPS, .rate = 0 };
	uint32_t sizes[3] = { 64, 1518, 64 };
	struct xc_rate r;

	assert_int_equal(xc_rate_init(&r, &none, T0, NULL, 0), 0);
	assert_true(xc_rate_unlimited(&r));
	assert_int_equal(xc_rate_grant(&r, 0, 64, 64), 64);
	assert_int_equal(xc_rate_grant(&r, T0, 7, 1518), 7);
	assert_int_equal(xc_rate_grant_sizes(&r, T0, sizes, 3), 3);
	assert_int_equal(xc_rate_next_ns(&r, 64, 64), 0);
	assert_int_equal(r.granted, 74);
	assert_true(xc_rate_cfg_pps(&none, 64) == 0);
	/* A rate of 0 means as fast as possible. */
	assert_int_equal(xc_rate_init(&r, &zero, T0, NULL, 0), 0);
	assert_true(xc_rate_unlimited(&r));
	assert_int_equal(xc_rate_grant(&r, T0, 64, 64), 64);
}

static void test_mixed_sizes(void **state)
{
	static const uint32_t imix[] = { 64, 64, 64, 64, 64, 64, 64, 576,
					 576, 576, 576, 1518 };
	struct xc_rate_cfg cfg = { .unit = XC_RATE_L1_BPS,
				   .rate = 1000000000ull, .burst = 64 };
	uint64_t bits = 0, t = T0, sent = 0, i;
	uint32_t sizes[64], got, j;
	struct xc_rate r;

	assert_int_equal(xc_rate_init(&r, &cfg, T0, NULL, 0), 0);
	while (sent < 100000) {
		for (j = 0; j < 64; j++)
			sizes[j] = imix[(sent + j) % XC_ARRAY_SIZE(imix)];
		t = XC_MAX(t, xc_rate_next_ns(&r, 1, sizes[0])) +
			rng() % 20000;
		got = xc_rate_grant_sizes(&r, t, sizes, 64);
		assert_true(got >= 1);
		/* The last granted frame was due (bits before it spent). */
		for (i = 0; i < got - 1; i++)
			bits += ref_cost(XC_RATE_L1_BPS, sizes[i]);
		assert_true(T0 + (uint64_t)((u128)bits * NS / cfg.rate) <= t);
		bits += ref_cost(XC_RATE_L1_BPS, sizes[got - 1]);
		/* The next one was not, unless the batch was full. */
		if (got < 64)
			assert_true(T0 + (uint64_t)((u128)bits * NS /
						    cfg.rate) > t);
		sent += got;
	}
	assert_int_equal(r.resets, 0);
	assert_int_equal(xc_rate_next_ns(&r, 1, 64),
			 T0 + (uint64_t)((u128)bits * NS / cfg.rate));
}

/* Equal sizes: grant_sizes and grant keep the same schedule. */
static void test_sizes_match_uniform(void **state)
{
	struct xc_rate_cfg cfg = { .unit = XC_RATE_L2_BPS,
				   .rate = 40000000000ull };
	uint32_t sizes[64], k;
	struct xc_rate a, b;
	uint64_t t = T0;

	for (k = 0; k < 64; k++)
		sizes[k] = 512;
	assert_int_equal(xc_rate_init(&a, &cfg, T0, NULL, 0), 0);
	assert_int_equal(xc_rate_init(&b, &cfg, T0, NULL, 0), 0);
	for (k = 0; k < 10000; k++) {
		t += rng() % 3000;
		assert_int_equal(xc_rate_grant(&a, t, 64, 512),
				 xc_rate_grant_sizes(&b, t, sizes, 64));
		assert_int_equal(a.origin_ns, b.origin_ns);
		assert_int_equal(a.units, b.units);
	}
	assert_true(a.granted > 0);
	assert_int_equal(a.resets, b.resets);
}

static void test_init_errors(void **state)
{
	struct xc_rate_cfg cfg = { .unit = XC_RATE_PPS, .rate = 1000 };
	struct xc_rate r;
	char err[128] = "";

	cfg.burst = XC_RATE_BURST_MAX + 1;
	assert_int_equal(xc_rate_init(&r, &cfg, T0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "burst"));
	cfg.burst = 0;
	cfg.frame_bytes = XC_RATE_FRAME_MAX + 1;
	assert_int_equal(xc_rate_init(&r, &cfg, T0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "frame size"));
	cfg.frame_bytes = 0;
	cfg.unit = (enum xc_rate_unit)9;
	assert_int_equal(xc_rate_init(&r, &cfg, T0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "unit"));
	cfg.unit = XC_RATE_PPS;
	cfg.burst = XC_RATE_BURST_MAX;
	assert_int_equal(xc_rate_init(&r, &cfg, T0, NULL, 0), 0);
	assert_int_equal(r.burst, XC_RATE_BURST_MAX);
}

static void check_wait(uint64_t ahead_ns)
{
	uint64_t deadline = xc_mono_ns() + ahead_ns, ret, now;

	ret = xc_rate_wait(deadline);
	now = xc_mono_ns();
	assert_true(ret >= deadline);
	assert_true(now >= deadline);
	/* Loose: a loaded machine may wake late, but not by seconds. */
	assert_true(now - deadline < NS / 2);
}

static void test_wait(void **state)
{
	check_wait(0);
	check_wait(20000);		/* spin only */
	check_wait(300000);		/* sleep, then spin */
	check_wait(5000000);
	/* A deadline in the past returns at once. */
	assert_true(xc_rate_wait(1) >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pps_exact),
		cmocka_unit_test(test_pps_odd_rate),
		cmocka_unit_test(test_bit_rates),
		cmocka_unit_test(test_l1_line_rate_duration),
		cmocka_unit_test(test_default_burst),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_stall_no_catch_up),
		cmocka_unit_test(test_stall_threshold),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_mixed_sizes),
		cmocka_unit_test(test_sizes_match_uniform),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
