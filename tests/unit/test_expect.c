// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Verdict expectations: parsing, errors and evaluation.
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

#include "xc_expect.h"

static struct xc_expect parse_ok(const char *text)
{
	struct xc_expect e;
	char err[512] = "";
	int ret;

	ret = xc_expect_parse(text, &e, err, sizeof(err));
	if (ret)
		print_error("'%s': unexpected error: %s\n", text, err);
	assert_int_equal(ret, 0);
	return e;
}

static void parse_fails(const char *text, const char *want)
{
	struct xc_expect e;
	char err[512] = "";

	assert_int_equal(xc_expect_parse(text, &e, err, sizeof(err)),
			 -EINVAL);
	if (!strstr(err, want))
		print_error("'%s' not in '%s'\n", want, err);
	assert_non_null(strstr(err, want));
}

static void test_parse_forms(void **state)
{
	struct xc_expect e;

	e = parse_ok("tx_invalid_descs == 2048");
	assert_false(e.has_stream);
	assert_int_equal(e.counter, XC_CTR_TX_INVALID_DESCS);
	assert_int_equal(e.op, XC_OP_EQ);
	assert_int_equal(e.value, 2048);
	e = parse_ok("  stream 2   missing<=10  ");
	assert_true(e.has_stream);
	assert_int_equal(e.stream_id, 2);
	assert_int_equal(e.counter, XC_CTR_MISSING);
	assert_int_equal(e.op, XC_OP_LE);
	assert_int_equal(e.value, 10);
	e = parse_ok("rx_ring_full > 0");
	assert_int_equal(e.counter, XC_CTR_RX_RING_FULL);
	assert_int_equal(e.op, XC_OP_GT);
	e = parse_ok("rx_dropped>=0x10");
	assert_int_equal(e.op, XC_OP_GE);
	assert_int_equal(e.value, 16);
	e = parse_ok("corrupt < 3");
	assert_int_equal(e.op, XC_OP_LT);
	e = parse_ok("delivered != 5");
	assert_int_equal(e.op, XC_OP_NE);
	/* leading zeros are decimal, not octal */
	e = parse_ok("missing == 010");
	assert_int_equal(e.value, 10);
	e = parse_ok("sent == 18446744073709551615");
	assert_true(e.value == UINT64_MAX);
}

static void test_every_counter(void **state)
{
	char text[128];
	struct xc_expect e;
	int c;

	for (c = 0; c < XC_CTR_NUM; c++) {
		snprintf(text, sizeof(text), "%s == %d", xc_counter_name(c), c);
		e = parse_ok(text);
		assert_int_equal(e.counter, c);
		assert_int_equal(e.value, c);
		assert_int_equal(xc_counter_from_name(xc_counter_name(c)), c);
	}
	assert_null(xc_counter_name(XC_CTR_NUM));
	assert_int_equal(xc_counter_from_name("nope"), -ENOENT);
	assert_true(xc_counter_per_stream(XC_CTR_MISSING));
	assert_true(xc_counter_per_stream(XC_CTR_DESC_ERRORS));
	assert_false(xc_counter_per_stream(XC_CTR_FOREIGN));
	assert_false(xc_counter_per_stream(XC_CTR_RX_DROPPED));
	assert_true(xc_counter_is_socket(XC_CTR_RX_DROPPED));
	assert_true(xc_counter_is_socket(XC_CTR_TX_RING_EMPTY_DESCS));
	assert_false(xc_counter_is_socket(XC_CTR_FOREIGN));
}

static void test_parse_errors(void **state)
{
	parse_fails("mising <= 10",
		    "unknown counter 'mising' (known: sent, delivered, missing,");
	parse_fails("missing", "expected an operator");
	parse_fails("missing =< 3",
		    "expected an operator (== != <= >= < >) or 'not judged' at '=< 3'");
	parse_fails("missing not", "expected an operator");
	parse_fails("missing not judged 0",
		    "unexpected '0' after 'not judged'");
	parse_fails("missing = 3", "expected an operator");
	parse_fails("missing <= ten", "'ten' is not an unsigned integer");
	parse_fails("missing <= -1", "'-1' is not an unsigned integer");
	parse_fails("missing <= 0x", "'0x' is not an unsigned integer");
	parse_fails("missing <= 18446744073709551616", "is not an unsigned");
	parse_fails("missing <= 3 frames", "unexpected 'frames' after the value");
	parse_fails("", "empty check");
	parse_fails("   ", "empty check");
	parse_fails("<= 3", "expected a counter name at '<= 3'");
	parse_fails("stream x missing == 0", "'stream' must be followed by a stream id");
	parse_fails("stream 4294967296 missing == 0", "stream id");
	parse_fails("stream 2 foreign == 0",
		    "foreign is a total, not a per-stream counter");
	parse_fails("stream 1 rx_dropped > 0", "rx_dropped is a total");
}

/* A check whose outcome cannot depend on the measurement is refused. */
static void test_vacuous(void **state)
{
	parse_fails("reordered >= 0",
		    "'reordered >= 0' holds whatever is measured; to leave reordered out of the verdict, say 'reordered not judged'");
	parse_fails("stream 2 missing >= 0x0", "holds whatever is measured");
	parse_fails("late <= 18446744073709551615",
		    "holds whatever is measured");
	parse_fails("late < 0", "'late < 0' can never hold");
	parse_fails("stream 1 sent > 18446744073709551615", "can never hold");
	/* the nearest checks that can go either way are accepted */
	parse_ok("reordered >= 1");
	parse_ok("late <= 18446744073709551614");
	parse_ok("late < 1");
	parse_ok("sent > 18446744073709551614");
}

static void test_not_judged(void **state)
{
	struct xc_expect e;
	char buf[128];

	e = parse_ok("reordered not judged");
	assert_false(e.has_stream);
	assert_int_equal(e.counter, XC_CTR_REORDERED);
	assert_int_equal(e.op, XC_OP_NOT_JUDGED);
	/* never a pass, whatever the value */
	assert_false(xc_expect_eval(&e, 0));
	assert_false(xc_expect_eval(&e, 5));
	xc_expect_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "reordered not judged");
	e = parse_ok(" stream 4  duplicates not judged ");
	xc_expect_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "stream 4 duplicates not judged");
	e = parse_ok(buf);
	assert_int_equal(e.stream_id, 4);
	assert_string_equal(xc_expect_op_str(XC_OP_NOT_JUDGED), "not judged");
}

static void test_parse_list(void **state)
{
	char *ok[] = { "missing <= 1", "stream 3 corrupt == 0" };
	char *bad[] = { "missing <= 1", "sent == 1", "mising == 0" };
	struct xc_expect *e = (void *)1;
	char err[512];

	assert_int_equal(xc_expect_parse_list(ok, 0, &e, err, sizeof(err)), 0);
	assert_null(e);
	assert_int_equal(xc_expect_parse_list(ok, 2, &e, err, sizeof(err)), 0);
	assert_non_null(e);
	assert_int_equal(e[1].stream_id, 3);
	assert_int_equal(e[1].counter, XC_CTR_CORRUPT);
	free(e);
	assert_int_equal(xc_expect_parse_list(bad, 3, &e, err, sizeof(err)),
			 -EINVAL);
	assert_null(e);
	assert_non_null(strstr(err, "expect.checks[2]: unknown counter 'mising' (known: "));
	assert_non_null(strstr(err, "tx_ring_empty_descs)"));
}

static void test_eval(void **state)
{
	static const struct {
		const char *text;
		uint64_t v;
		bool pass;
	} t[] = {
		{ "missing == 3", 3, true }, { "missing == 3", 4, false },
		{ "missing != 3", 3, false }, { "missing != 3", 2, true },
		{ "missing <= 3", 3, true }, { "missing <= 3", 4, false },
		{ "missing >= 3", 3, true }, { "missing >= 3", 2, false },
		{ "missing < 3", 3, false }, { "missing < 3", 2, true },
		{ "missing > 3", 3, false }, { "missing > 3", 4, true },
		{ "rx_ring_full > 0", 0, false },
		{ "rx_ring_full > 0", 1, true },
	};
	struct xc_expect e;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		e = parse_ok(t[i].text);
		if (xc_expect_eval(&e, t[i].v) != t[i].pass)
			print_error("%s with %llu\n", t[i].text,
				    (unsigned long long)t[i].v);
		assert_int_equal(xc_expect_eval(&e, t[i].v), t[i].pass);
	}
}

static void test_format(void **state)
{
	struct xc_expect e;
	char buf[128];

	e = parse_ok("stream 7   missing<=0x0a");
	xc_expect_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "stream 7 missing <= 10");
	e = parse_ok("tx_invalid_descs==2048");
	xc_expect_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "tx_invalid_descs == 2048");
	/* formatted text parses back to the same check */
	e = parse_ok(buf);
	assert_int_equal(e.value, 2048);
	assert_string_equal(xc_expect_op_str(XC_OP_GE), ">=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_every_counter),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_vacuous),
		cmocka_unit_test(test_not_judged),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
