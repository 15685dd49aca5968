// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The host's clock as the agent reports it: adjtimex's answer as a
 * ClockState, and the test seam that makes the clock wrong on purpose
 * (its limits, its skew and drift, CLOCK_TAI read through it).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/timex.h>
#include <cmocka.h>

#include "xc_clock.h"

static void test_state_synchronised(void **state)
{
	Xceiver__V1__ClockState cs;
	struct timex tx;

	(void)state;
	memset(&tx, 0, sizeof(tx));
	tx.status = STA_PLL | STA_NANO;
	tx.esterror = 12;
	tx.maxerror = 345678;
	tx.tai = 37;
	xc_clock_state_from(&tx, TIME_OK, &cs);
	assert_true(cs.read);
	assert_true(cs.synchronised);
	assert_int_equal(cs.esterror_ns, 12000);
	assert_int_equal(cs.maxerror_ns, 345678000);
	assert_int_equal(cs.tai_offset_s, 37);
	assert_int_equal(cs.status, STA_PLL | STA_NANO);
}

static void test_state_unsynchronised(void **state)
{
	Xceiver__V1__ClockState cs;
	struct timex tx;

	(void)state;
	memset(&tx, 0, sizeof(tx));
	tx.status = STA_UNSYNC;
	xc_clock_state_from(&tx, TIME_OK, &cs);
	assert_true(cs.read);
	assert_false(cs.synchronised);
	assert_int_equal(cs.status, STA_UNSYNC);
	/* the kernel's TIME_ERROR says so with the flag clear, too */
	tx.status = 0;
	xc_clock_state_from(&tx, TIME_ERROR, &cs);
	assert_false(cs.synchronised);
	/* no negative error turns into a huge one */
	tx.esterror = -1;
	xc_clock_state_from(&tx, TIME_OK, &cs);
	assert_true(cs.synchronised);
	assert_int_equal(cs.esterror_ns, 0);
}

static void test_state_unread(void **state)
{
	Xceiver__V1__ClockState cs;
	struct timex tx;

	(void)state;
	memset(&tx, 0, sizeof(tx));
	xc_clock_state_from(&tx, -1, &cs);
	assert_false(cs.read);
	assert_false(cs.synchronised);
}

/* This host's state: whatever it is, the call is answered. */
static void test_state_host(void **state)
{
	Xceiver__V1__ClockState cs;

	(void)state;
	xc_clock_state(&cs);
	assert_true(cs.read);
}

static void test_seam_limits(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(xc_clock_set_skew(XC_CLOCK_SKEW_MAX_NS + 1, 0, err,
					   sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "beyond +-1000000000 ns"));
	assert_int_equal(xc_clock_set_skew(-XC_CLOCK_SKEW_MAX_NS - 1, 0, err,
					   sizeof(err)), -ERANGE);
	assert_int_equal(xc_clock_set_skew(0, XC_CLOCK_DRIFT_MAX_PPM + 1, err,
					   sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "beyond +-100000 ppm"));
	assert_int_equal(xc_clock_set_skew(0, -XC_CLOCK_DRIFT_MAX_PPM - 1,
					   err, sizeof(err)), -ERANGE);
	assert_int_equal(xc_clock_skew_at(123), 0);
	assert_int_equal(xc_clock_set_skew(-XC_CLOCK_SKEW_MAX_NS,
					   XC_CLOCK_DRIFT_MAX_PPM, err,
					   sizeof(err)), 0);
	assert_int_equal(xc_clock_set_skew(0, 0, err, sizeof(err)), 0);
}

static void test_seam_skew(void **state)
{
	uint64_t before, skewed, after;
	char err[128];

	(void)state;
	assert_int_equal(xc_clock_set_skew(5000000, 0, err, sizeof(err)), 0);
	assert_int_equal(xc_clock_skew_at(1), 5000000);
	before = xc_now_ns(CLOCK_TAI);
	skewed = xc_clock_tai_ns();
	after = xc_now_ns(CLOCK_TAI);
	assert_true(skewed >= before + 5000000);
	assert_true(skewed <= after + 5000000);
	assert_int_equal(xc_clock_set_skew(-7, 0, err, sizeof(err)), 0);
	assert_int_equal(xc_clock_skew_at(1), -7);
	assert_int_equal(xc_clock_set_skew(0, 0, err, sizeof(err)), 0);
	before = xc_now_ns(CLOCK_TAI);
	skewed = xc_clock_tai_ns();
	after = xc_now_ns(CLOCK_TAI);
	assert_true(skewed >= before && skewed <= after);
}

static void test_seam_drift(void **state)
{
	uint64_t t0;
	char err[128];

	(void)state;
	assert_int_equal(xc_clock_set_skew(1000, 250, err, sizeof(err)), 0);
	t0 = xc_clock_skew.t0;
	assert_int_equal(xc_clock_skew_at(t0), 1000);
	assert_int_equal(xc_clock_skew_at(t0 + 1000000000ull), 1000 + 250000);
	assert_int_equal(xc_clock_skew_at(t0 + 4000000000ull), 1000 + 1000000);
	assert_int_equal(xc_clock_set_skew(0, -250, err, sizeof(err)), 0);
	t0 = xc_clock_skew.t0;
	assert_int_equal(xc_clock_skew_at(t0 + 1000000000ull), -250000);
	assert_int_equal(xc_clock_set_skew(0, 0, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_synchronised),
		cmocka_unit_test(test_state_unsynchronised),
		cmocka_unit_test(test_state_unread),
		cmocka_unit_test(test_state_host),
		cmocka_unit_test(test_seam_limits),
		cmocka_unit_test(test_seam_skew),
		cmocka_unit_test(test_seam_drift),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
