// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agents' clocks against the controller's, from synthetic exchanges:
 * the offset estimate and its bound with symmetric and asymmetric delays,
 * the exchange with the smallest round trip, the pair's offset, the bound
 * over a run that drifted, and the rule that says when one-way figures
 * cannot be trusted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_ctl_clock.h"
#include "xc_util.h"

#define T0	1800000000000000000ull	/* a CLOCK_TAI of 2027 */

/*
 * One exchange with an agent whose clock is theta ahead: the probe takes
 * out ns to arrive, the agent reads its clock proc ns later, the reading
 * takes back ns to return.
 */
static struct xc_clock_sample xchg(uint64_t t1, int64_t theta, uint64_t out,
				   uint64_t proc, uint64_t back)
{
	struct xc_clock_sample s = {
		.t1 = t1,
		.t2 = t1 + out + proc + (uint64_t)theta,
		.t3 = t1 + out + proc + back,
	};

	return s;
}

static uint64_t dist(int64_t a, int64_t b)
{
	return a > b ? (uint64_t)(a - b) : (uint64_t)(b - a);
}

static void test_symmetric(void **state)
{
	struct xc_clock_sample s = xchg(T0, 5000000, 40000, 0, 40000);
	struct xc_offset o = xc_clock_estimate(&s, 1);

	(void)state;
	assert_true(o.known);
	assert_int_equal(o.offset_ns, 5000000);
	assert_int_equal(o.bound_ns, 40000);
	s = xchg(T0, -123456789, 1000, 0, 1000);
	o = xc_clock_estimate(&s, 1);
	assert_int_equal(o.offset_ns, -123456789);
	assert_int_equal(o.bound_ns, 1000);
}

/* All the way out and none back, or the reverse: the truth at the bound. */
static void test_asymmetric(void **state)
{
	struct xc_clock_sample s = xchg(T0, 777, 100000, 0, 0);
	struct xc_offset o = xc_clock_estimate(&s, 1);

	(void)state;
	assert_int_equal(o.offset_ns, 777 + 50000);
	assert_int_equal(o.bound_ns, 50000);
	assert_int_equal(dist(o.offset_ns, 777), o.bound_ns);
	s = xchg(T0, 777, 0, 0, 100000);
	o = xc_clock_estimate(&s, 1);
	assert_int_equal(o.offset_ns, 777 - 50000);
	assert_int_equal(dist(o.offset_ns, 777), o.bound_ns);
}

/* An odd round trip: the bound rounds up and still holds at both ends. */
static void test_odd_round_trip(void **state)
{
	struct xc_clock_sample s = xchg(T0, 10, 3, 0, 0);
	struct xc_offset o = xc_clock_estimate(&s, 1);

	(void)state;
	assert_int_equal(o.bound_ns, 2);
	assert_true(dist(o.offset_ns, 10) <= o.bound_ns);
	s = xchg(T0, 10, 0, 0, 3);
	o = xc_clock_estimate(&s, 1);
	assert_true(dist(o.offset_ns, 10) <= o.bound_ns);
}

/* Any split of the round trip, any offset: the truth is within the bound. */
static void test_truth_within_bound(void **state)
{
	int i;

	(void)state;
	srand(11);
	for (i = 0; i < 100000; i++) {
		int64_t theta = (int64_t)(rand() % 2000000001) - 1000000000;
		uint64_t out = (uint64_t)rand() % 5000000;
		uint64_t proc = (uint64_t)rand() % 100000;
		uint64_t back = (uint64_t)rand() % 5000000;
		struct xc_clock_sample s = xchg(T0 + (uint64_t)i, theta, out,
						proc, back);
		struct xc_offset o = xc_clock_estimate(&s, 1);

		assert_true(o.known);
		assert_true(dist(o.offset_ns, theta) <= o.bound_ns);
		assert_true(o.bound_ns * 2 >= out + proc + back);
		assert_true(o.bound_ns * 2 <= out + proc + back + 1);
	}
}

/* The exchange with the smallest round trip wins, wherever it is. */
static void test_min_round_trip(void **state)
{
	struct xc_clock_sample s[XC_CLOCK_PROBES];
	struct xc_offset o;
	int k, i;

	(void)state;
	for (k = 0; k < XC_CLOCK_PROBES; k++) {
		for (i = 0; i < XC_CLOCK_PROBES; i++)
			s[i] = xchg(T0 + (uint64_t)i * 1000000, 42,
				    i == k ? 300 : 90000 + (uint64_t)i,
				    0, i == k ? 100 : 10);
		o = xc_clock_estimate(s, XC_CLOCK_PROBES);
		assert_true(o.known);
		assert_int_equal(o.bound_ns, 200);
		assert_int_equal(o.offset_ns, 42 + 100);
	}
	/* a tie keeps the first */
	s[0] = xchg(T0, 1000, 50, 0, 50);
	s[1] = xchg(T0 + 1000, 2000, 50, 0, 50);
	o = xc_clock_estimate(s, 2);
	assert_int_equal(o.offset_ns, 1000);
}

static void test_no_exchange(void **state)
{
	struct xc_clock_sample s[2] = {
		{ .t1 = T0 + 10, .t2 = T0, .t3 = T0 },	/* back first */
		{ .t1 = T0 + 20, .t2 = T0, .t3 = T0 + 19 },
	};
	struct xc_offset o;

	(void)state;
	assert_false(xc_clock_estimate(s, 0).known);
	assert_false(xc_clock_estimate(s, 2).known);
	s[1] = xchg(T0, -5, 10, 0, 10);
	o = xc_clock_estimate(s, 2);
	assert_true(o.known);
	assert_int_equal(o.offset_ns, -5);
}

/* rx - tx from both against the controller: bounds add. */
static void test_pair(void **state)
{
	struct xc_offset rx = { 5000000, 30000, true };
	struct xc_offset tx = { -1000, 20000, true };
	struct xc_offset o = xc_clock_diff(rx, tx);

	(void)state;
	assert_true(o.known);
	assert_int_equal(o.offset_ns, 5001000);
	assert_int_equal(o.bound_ns, 50000);
	tx.known = false;
	assert_false(xc_clock_diff(rx, tx).known);
	assert_false(xc_clock_diff(tx, rx).known);
}

/* From each agent's exchanges to the pair, the truth within the bound. */
static void test_pair_truth(void **state)
{
	int i;

	(void)state;
	srand(12);
	for (i = 0; i < 10000; i++) {
		int64_t ta = rand() % 10000000, tb = -(rand() % 10000000);
		struct xc_clock_sample a = xchg(T0, ta, (uint64_t)rand() % 9999,
						7, (uint64_t)rand() % 9999);
		struct xc_clock_sample b = xchg(T0, tb, (uint64_t)rand() % 9999,
						7, (uint64_t)rand() % 9999);
		struct xc_offset o = xc_clock_diff(xc_clock_estimate(&a, 1),
						   xc_clock_estimate(&b, 1));

		assert_true(dist(o.offset_ns, ta - tb) <= o.bound_ns);
	}
}

static void test_drift(void **state)
{
	struct xc_offset before = { 5000, 100, true };
	struct xc_offset after = { 5400, 80, true };
	struct xc_offset o = xc_clock_over_run(before, after);

	(void)state;
	/* the receivers used before's offset: it stays the offset */
	assert_int_equal(o.offset_ns, 5000);
	assert_int_equal(o.bound_ns, 480);
	after.offset_ns = 4600;		/* drifting the other way */
	assert_int_equal(xc_clock_over_run(before, after).bound_ns, 480);
	after.offset_ns = 5010;		/* little drift */
	after.bound_ns = 20;
	assert_int_equal(xc_clock_over_run(before, after).bound_ns, 100);
	after.known = false;
	o = xc_clock_over_run(before, after);
	assert_true(o.known);
	assert_int_equal(o.bound_ns, 100);
	before.known = false;
	assert_false(xc_clock_over_run(before, after).known);
}

/*
 * A clock drifting linearly during a run, measured before and after with
 * random delays: at every moment of the run the offset the receivers
 * used is within the bound.
 */
static void test_drift_truth(void **state)
{
	int i, k;

	(void)state;
	srand(13);
	for (i = 0; i < 2000; i++) {
		int64_t th0 = rand() % 2000000 - 1000000;
		int64_t drift = rand() % 400000 - 200000;	/* in the run */
		struct xc_clock_sample s0 = xchg(T0, th0, (uint64_t)rand() %
						 50000, 0, (uint64_t)rand() %
						 50000);
		struct xc_clock_sample s1 = xchg(T0 + 1000000000ull,
						 th0 + drift,
						 (uint64_t)rand() % 50000, 0,
						 (uint64_t)rand() % 50000);
		struct xc_offset o = xc_clock_over_run(
			xc_clock_estimate(&s0, 1), xc_clock_estimate(&s1, 1));

		for (k = 0; k <= 10; k++)
			assert_true(dist(o.offset_ns, th0 + drift * k / 10) <=
				    o.bound_ns);
	}
}

static void set_state(struct xc_clock_agent *a, bool read, bool synced)
{
	Xceiver__V1__ClockState st = XCEIVER__V1__CLOCK_STATE__INIT;

	st.read = read;
	st.synchronised = synced;
	st.maxerror_ns = 16000;
	xc_clock_keep_state(a, &st);
}

static void test_update(void **state)
{
	struct xc_run_clock c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.agent[0].before = (struct xc_offset){ 100, 10, true };
	c.agent[1].before = (struct xc_offset){ 5000100, 20, true };
	xc_clock_update(&c);
	assert_int_equal(c.pair_before.offset_ns, 5000000);
	assert_int_equal(c.pair_before.bound_ns, 30);
	assert_false(c.pair_after.known);
	assert_int_equal(c.pair.bound_ns, 30);
	c.agent[0].after = (struct xc_offset){ 100, 10, true };
	c.agent[1].after = (struct xc_offset){ 5000600, 20, true };
	xc_clock_update(&c);
	assert_int_equal(c.pair_after.offset_ns, 5000500);
	assert_int_equal(c.pair.offset_ns, 5000000);
	assert_int_equal(c.pair.bound_ns, 530);
}

/* An unsynchronised reading stays on the record after synchronised ones. */
static void test_keep_state(void **state)
{
	struct xc_clock_agent a;

	(void)state;
	memset(&a, 0, sizeof(a));
	set_state(&a, true, true);
	assert_true(a.state.synchronised);
	set_state(&a, true, false);
	set_state(&a, true, true);
	assert_false(a.state.synchronised);
	assert_true(a.state.read);
	set_state(&a, false, false);
	set_state(&a, true, true);
	assert_false(a.state.read);
}

/* Two synchronised agents and an offset known within 2 us. */
static void good_clocks(struct xc_run_clock *c)
{
	memset(c, 0, sizeof(*c));
	set_state(&c->agent[0], true, true);
	set_state(&c->agent[1], true, true);
	c->agent[0].before = (struct xc_offset){ 0, 1000, true };
	c->agent[1].before = (struct xc_offset){ 7, 1000, true };
	xc_clock_update(c);
}

static void assert_untrusted(const struct xc_clock_trust *t,
			     const char *reason)
{
	assert_false(t->trusted);
	assert_non_null(strstr(t->why, reason));
	assert_non_null(t->advice);
	assert_non_null(strstr(t->advice, "chrony"));
	assert_non_null(strstr(t->advice, "ptp4l + phc2sys"));
}

static void test_trust(void **state)
{
	struct xc_clock_trust t;
	struct xc_run_clock c;

	(void)state;
	good_clocks(&c);
	xc_clock_trust(&c, 50000, &t);
	assert_true(t.trusted);
	assert_string_equal(t.why, "");
	assert_null(t.advice);
	/* the bound equal to the figure is still good, above it not */
	xc_clock_trust(&c, 2000, &t);
	assert_true(t.trusted);
	xc_clock_trust(&c, 1999, &t);
	assert_untrusted(&t, "known within 2.000 us, more than the figure of 1.999 us");

	good_clocks(&c);
	set_state(&c.agent[1], true, false);
	xc_clock_trust(&c, 50000, &t);
	assert_untrusted(&t, "the rx agent's clock is not synchronised");
	assert_null(strstr(t.why, "tx agent"));

	good_clocks(&c);
	c.agent[0].state_read = false;
	xc_clock_trust(&c, 50000, &t);
	assert_untrusted(&t, "the tx agent could not tell its clock's state");

	good_clocks(&c);
	c.agent[1].before.known = false;
	xc_clock_update(&c);
	xc_clock_trust(&c, 50000, &t);
	assert_untrusted(&t, "offset between the agents' clocks is unknown");
}

static void set_boot(struct xc_clock_agent *a, const char *id, bool synced)
{
	Xceiver__V1__ClockState st = XCEIVER__V1__CLOCK_STATE__INIT;
	char copy[40];

	/* the id is the message's: the agent must keep its own copy */
	snprintf(copy, sizeof(copy), "%s", id);
	st.read = true;
	st.synchronised = synced;
	st.boot_id = copy;
	xc_clock_keep_state(a, &st);
	memset(copy, 'x', sizeof(copy) - 1);
}

/*
 * Agents on one kernel (the same boot id) read one clock: the pair's
 * offset is 0 exactly whatever the exchanges measured, and the figures
 * are trusted without synchronisation. Another boot id: measured, and an
 * unsynchronised clock is not trusted.
 */
static void test_same_clock(void **state)
{
	struct xc_clock_trust t;
	struct xc_run_clock c;

	(void)state;
	memset(&c, 0, sizeof(c));
	set_boot(&c.agent[0], "0d3c5e1a-aaaa", false);
	set_boot(&c.agent[1], "0d3c5e1a-aaaa", false);
	c.agent[0].before = (struct xc_offset){ 100, 30000, true };
	c.agent[1].before = (struct xc_offset){ 9000, 30000, true };
	xc_clock_update(&c);
	assert_true(c.same_clock);
	assert_true(c.pair.known);
	assert_int_equal(c.pair.offset_ns, 0);
	assert_int_equal(c.pair.bound_ns, 0);
	assert_int_equal(c.pair_before.offset_ns, 0);
	xc_clock_trust(&c, 1000, &t);
	assert_true(t.trusted);
	assert_string_equal(c.agent[1].boot_id, "0d3c5e1a-aaaa");

	set_boot(&c.agent[1], "77777777-bbbb", false);
	xc_clock_update(&c);
	assert_false(c.same_clock);
	assert_int_equal(c.pair.offset_ns, 8900);
	assert_int_equal(c.pair.bound_ns, 60000);
	xc_clock_trust(&c, 100000, &t);
	assert_untrusted(&t, "not synchronised");

	/* no boot id (a skewed clock, or none readable): never the same */
	set_boot(&c.agent[0], "", true);
	set_boot(&c.agent[1], "", true);
	xc_clock_update(&c);
	assert_false(c.same_clock);
}

/* Every reason is named, not only the first. */
static void test_trust_reasons(void **state)
{
	struct xc_clock_trust t;
	struct xc_run_clock c;

	(void)state;
	good_clocks(&c);
	set_state(&c.agent[0], true, false);
	set_state(&c.agent[1], true, false);
	xc_clock_trust(&c, 10, &t);
	assert_untrusted(&t, "the tx agent's clock is not synchronised");
	assert_untrusted(&t, "; the rx agent's clock is not synchronised");
	assert_untrusted(&t, "; the clocks' offset is known within");
}

static void test_json(void **state)
{
	struct xc_run_clock c;
	json_t *j;

	(void)state;
	good_clocks(&c);
	j = xc_clock_json(&c);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "clock")),
			    "CLOCK_TAI");
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(j, "pair"), "offset_ns")), 7);
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(j, "pair"), "bound_ns")), 2000);
	assert_true(json_is_null(json_object_get(j, "pair_after")));
	assert_true(json_is_true(json_object_get(json_object_get(
		json_object_get(j, "rx_agent"), "state"), "synchronised")));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symmetric),
		cmocka_unit_test(test_asymmetric),
		cmocka_unit_test(test_odd_round_trip),
		cmocka_unit_test(test_truth_within_bound),
		cmocka_unit_test(test_min_round_trip),
		cmocka_unit_test(test_no_exchange),
		cmocka_unit_test(test_pair),
		cmocka_unit_test(test_pair_truth),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_drift_truth),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_keep_state),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_trust_reasons),
		cmocka_unit_test(test_same_clock),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
