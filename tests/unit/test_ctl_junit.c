// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The JUnit report (--junit) as a unit: made-up judgements in, a file out
 * that libxml2 reads back and validates against tests/junit.xsd, then
 * each suite, testcase, failure, skipped and error is looked at by XPath.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "xc_ctl.h"
#include "xc_judge.h"
#include "xc_junit.h"
#include "xc_results.h"
#include "xc_unit_ctl.h"

#define NCHECKS 8

/* A judgement of up to NCHECKS checks, kept in place. */
struct jfx {
	struct xc_check c[NCHECKS];
	struct xc_judgement j;
};

static void jfx_add(struct jfx *f, uint32_t stream, enum xc_counter ctr,
		    uint64_t want, uint64_t got, enum xc_check_result r)
{
	struct xc_check *c = &f->c[f->j.n++];

	assert_true(f->j.n <= NCHECKS);
	memset(c, 0, sizeof(*c));
	c->kind = XC_CHECK_COUNTER;
	c->stream_id = stream;
	c->counter = ctr;
	c->op = r == XC_RESULT_NOT_JUDGED ? XC_OP_NOT_JUDGED : XC_OP_EQ;
	c->want = want;
	c->got = got;
	c->result = r;
	f->j.checks = f->c;
	f->j.failed += r == XC_RESULT_FAIL;
	f->j.not_judged += r == XC_RESULT_NOT_JUDGED;
	f->j.word = f->j.failed ? XC_VERDICT_FAIL : XC_VERDICT_PASS;
}

static xmlDocPtr junit_roundtrip(struct xc_junit *ju)
{
	return xc_t_junit_read(ju);
}

/* The string value of an XPath expression (owned by the caller). */
static char * __attribute__((format(printf, 2, 3)))
xp(xmlDocPtr doc, const char *fmt, ...)
{
	char expr[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expr, sizeof(expr), fmt, ap);
	va_end(ap);
	return xc_t_xpath(doc, expr);
}

#define assert_xp(doc, want, ...) do {				\
	char *_s = xp(doc, __VA_ARGS__);			\
	assert_string_equal(_s, want);				\
	xmlFree(_s);						\
} while (0)

/* A suite of one run, its checks judged as in f. */
static void junit_one(struct xc_junit *ju, const char *name,
		      const struct jfx *f)
{
	char suite[320], cls[256];

	xc_junit_names(name, 1, 1, suite, sizeof(suite), cls, sizeof(cls));
	assert_int_equal(xc_junit_begin(ju, suite, cls), 0);
	assert_int_equal(xc_junit_checks(ju, &f->j), 0);
	xc_junit_end(ju);
}

static void test_pass(void **state)
{
	struct jfx f = { 0 };
	struct xc_junit ju;
	xmlDocPtr doc;
	char *s;

	(void)state;
	jfx_add(&f, 1, XC_CTR_MISSING, 0, 0, XC_RESULT_PASS);
	jfx_add(&f, XC_ALL_STREAMS, XC_CTR_FOREIGN, 0, 0, XC_RESULT_PASS);
	assert_int_equal(xc_junit_init(&ju), 0);
	junit_one(&ju, "lab", &f);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "1", "count(/testsuites/testsuite)");
	assert_xp(doc, "lab", "/testsuites/testsuite/@name");
	assert_xp(doc, "2", "/testsuites/testsuite/@tests");
	assert_xp(doc, "0", "/testsuites/testsuite/@failures");
	assert_xp(doc, "0", "/testsuites/testsuite/@errors");
	assert_xp(doc, "0", "/testsuites/testsuite/@skipped");
	assert_xp(doc, "2", "/testsuites/@tests");
	assert_xp(doc, "pass",
		  "//property[@name='verdict']/@value");
	assert_xp(doc, "xceiver.lab.stream1",
		  "//testcase[@name='stream 1 missing == 0']/@classname");
	assert_xp(doc, "xceiver.lab.total",
		  "//testcase[@name='foreign == 0']/@classname");
	assert_xp(doc, "0", "count(//testcase/*)");
	s = xp(doc, "/testsuites/testsuite/@hostname");
	assert_true(strlen(s) > 0);
	xmlFree(s);
	s = xp(doc, "/testsuites/testsuite/@timestamp");
	assert_int_equal(strlen(s), strlen("2026-01-01T00:00:00"));
	xmlFree(s);
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

/* Failed checks: measured and expected in the message. */
static void test_fail(void **state)
{
	struct jfx f = { 0 };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	jfx_add(&f, 1, XC_CTR_MISSING, 0, 5, XC_RESULT_FAIL);
	jfx_add(&f, 2, XC_CTR_MISSING, 0, 0, XC_RESULT_PASS);
	jfx_add(&f, XC_ALL_STREAMS, XC_CTR_XDP_NO_SOCKET, 0, 0,
		XC_RESULT_FAIL);
	f.c[2].unknown = true;
	jfx_add(&f, 3, XC_CTR_MISSING, 0, 0, XC_RESULT_FAIL);
	f.c[3].kind = XC_CHECK_REPORTED;
	f.c[3].want = 1;
	assert_int_equal(xc_junit_init(&ju), 0);
	junit_one(&ju, NULL, &f);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "run", "/testsuites/testsuite/@name");
	assert_xp(doc, "4", "/testsuites/testsuite/@tests");
	assert_xp(doc, "3", "/testsuites/testsuite/@failures");
	assert_xp(doc, "3", "/testsuites/@failures");
	assert_xp(doc, "fail", "//property[@name='verdict']/@value");
	assert_xp(doc, "measured 5, expected == 0",
		  "//testcase[@name='stream 1 missing == 0']/failure/@message");
	assert_xp(doc, "fail",
		  "//testcase[@name='stream 1 missing == 0']/failure/@type");
	assert_xp(doc, "xceiver.run.stream1",
		  "//testcase[@name='stream 1 missing == 0']/@classname");
	assert_xp(doc, "0",
		  "count(//testcase[@name='stream 2 missing == 0']/*)");
	assert_xp(doc, "measured unknown (could not be read), expected == 0",
		  "//testcase[@name='xdp_no_socket == 0']/failure/@message");
	assert_xp(doc, "measured not reported, expected reported",
		  "//testcase[@name='stream 3 reported by its receiver']"
		  "/failure/@message");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

/* The tester's own loss: failures of their own type, said so. */
static void test_tester_loss(void **state)
{
	struct jfx f = { 0 };
	struct xc_junit ju;
	xmlDocPtr doc;
	char *s;

	(void)state;
	jfx_add(&f, 1, XC_CTR_MISSING, 0, 7, XC_RESULT_FAIL);
	f.j.word = XC_VERDICT_TESTER;
	assert_int_equal(xc_junit_init(&ju), 0);
	junit_one(&ju, "lab", &f);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "tester_loss", "//property[@name='verdict']/@value");
	assert_xp(doc, "tester_loss", "//failure/@type");
	assert_xp(doc, "measured 7, expected == 0", "//failure/@message");
	s = xp(doc, "//failure");
	assert_non_null(strstr(s, "the tester itself lost"));
	xmlFree(s);
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

/* "COUNTER not judged": skipped, neither passed nor failed. */
static void test_not_judged(void **state)
{
	struct jfx f = { 0 };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	jfx_add(&f, 1, XC_CTR_REORDERED, 0, 0, XC_RESULT_NOT_JUDGED);
	jfx_add(&f, 1, XC_CTR_MISSING, 0, 0, XC_RESULT_PASS);
	assert_int_equal(xc_junit_init(&ju), 0);
	junit_one(&ju, "lab", &f);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "2", "/testsuites/testsuite/@tests");
	assert_xp(doc, "1", "/testsuites/testsuite/@skipped");
	assert_xp(doc, "0", "/testsuites/testsuite/@failures");
	assert_xp(doc, "1", "count(//testcase[@name="
		  "'stream 1 reordered not judged']/skipped)");
	assert_xp(doc, "0", "count(//failure)");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

/* Exit 3: an error testcase with the reason, the phase, the run id. */
static void test_could_not_run(void **state)
{
	struct xc_run_result res = { .run_id = 0xabcdef };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	xc_cnr_note(&res.fail, "agent 198.19.1.2:7007 unreachable: "
		    "connection refused", "connect");
	assert_int_equal(xc_junit_init(&ju), 0);
	assert_int_equal(xc_junit_run_begin(&ju, "lab", 1, 1), 0);
	assert_int_equal(xc_junit_run_end(&ju, &res, XC_EXIT_RUN), 0);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "1", "/testsuites/testsuite/@tests");
	assert_xp(doc, "1", "/testsuites/testsuite/@errors");
	assert_xp(doc, "1", "/testsuites/@errors");
	assert_xp(doc, "0", "/testsuites/testsuite/@failures");
	assert_xp(doc, "could_not_run", "//property[@name='verdict']/@value");
	assert_xp(doc, "connect", "//property[@name='phase']/@value");
	assert_xp(doc, "0000000000abcdef",
		  "//property[@name='run_id']/@value");
	assert_xp(doc, "xceiver.lab",
		  "//testcase[@name='could not run']/@classname");
	assert_xp(doc, "could_not_run", "//error/@type");
	assert_xp(doc, "agent 198.19.1.2:7007 unreachable: connection refused",
		  "//error/@message");
	assert_xp(doc, "phase: connect", "//error");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

/* A judged run that then could not write its results: both told. */
static void test_judged_then_cnr(void **state)
{
	struct xc_run_result res = { 0 };
	struct jfx f = { 0 };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	jfx_add(&f, 1, XC_CTR_MISSING, 0, 0, XC_RESULT_PASS);
	xc_cnr_note(&res.fail, "--pcap: cannot write p.pcap: No space",
		    "output");
	assert_int_equal(xc_junit_init(&ju), 0);
	assert_int_equal(xc_junit_run_begin(&ju, "lab", 1, 1), 0);
	assert_int_equal(xc_junit_checks(&ju, &f.j), 0);
	assert_int_equal(xc_junit_run_end(&ju, &res, XC_EXIT_RUN), 0);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "2", "/testsuites/testsuite/@tests");
	assert_xp(doc, "1", "/testsuites/testsuite/@errors");
	assert_xp(doc, "1", "count(//property[@name='verdict'])");
	assert_xp(doc, "could_not_run", "//property[@name='verdict']/@value");
	assert_xp(doc, "pass", "//property[@name='judged_verdict']/@value");
	assert_xp(doc, "--pcap: cannot write p.pcap: No space",
		  "//error/@message");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

/* repeat: 3, the third could not run: a suite each, totals over all. */
static void test_repetitions(void **state)
{
	struct xc_run_result res = { 0 };
	struct jfx pass = { 0 }, fail = { 0 };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	jfx_add(&pass, 1, XC_CTR_MISSING, 0, 0, XC_RESULT_PASS);
	jfx_add(&fail, 1, XC_CTR_MISSING, 0, 3, XC_RESULT_FAIL);
	xc_cnr_note(&res.fail, "agent unresponsive for 5 s", "run");
	assert_int_equal(xc_junit_init(&ju), 0);
	assert_int_equal(xc_junit_run_begin(&ju, "lab", 3, 1), 0);
	assert_int_equal(xc_junit_checks(&ju, &pass.j), 0);
	assert_int_equal(xc_junit_run_end(&ju, &res, XC_EXIT_PASS), 0);
	assert_int_equal(xc_junit_run_begin(&ju, "lab", 3, 2), 0);
	assert_int_equal(xc_junit_checks(&ju, &fail.j), 0);
	assert_int_equal(xc_junit_run_end(&ju, &res, XC_EXIT_FAIL), 0);
	assert_int_equal(xc_junit_run_begin(&ju, "lab", 3, 3), 0);
	assert_int_equal(xc_junit_run_end(&ju, &res, XC_EXIT_RUN), 0);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "3", "count(/testsuites/testsuite)");
	assert_xp(doc, "lab repetition 1 of 3", "/testsuites/testsuite[1]/@name");
	assert_xp(doc, "lab repetition 3 of 3", "/testsuites/testsuite[3]/@name");
	assert_xp(doc, "xceiver.lab.r2.stream1",
		  "/testsuites/testsuite[2]/testcase/@classname");
	assert_xp(doc, "0", "/testsuites/testsuite[1]/@failures");
	assert_xp(doc, "1", "/testsuites/testsuite[2]/@failures");
	assert_xp(doc, "measured 3, expected == 0",
		  "/testsuites/testsuite[2]//failure/@message");
	assert_xp(doc, "1", "/testsuites/testsuite[3]/@errors");
	assert_xp(doc, "3", "/testsuites/@tests");
	assert_xp(doc, "1", "/testsuites/@failures");
	assert_xp(doc, "1", "/testsuites/@errors");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

/* Names and reasons with markup, quotes, control bytes, bad UTF-8. */
static void test_special_chars(void **state)
{
	static const char name[] = "a<b>&\"c'd ]]> \xc3\xa9\x01z";
	struct xc_run_result res = { 0 };
	struct jfx f = { 0 };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	jfx_add(&f, 1, XC_CTR_MISSING, 0, 0, XC_RESULT_PASS);
	xc_cnr_note(&res.fail, "bad <reply> & \"x\" \xff\x02", "run");
	assert_int_equal(xc_junit_init(&ju), 0);
	assert_int_equal(xc_junit_run_begin(&ju, name, 1, 1), 0);
	assert_int_equal(xc_junit_checks(&ju, &f.j), 0);
	assert_int_equal(xc_junit_run_end(&ju, &res, XC_EXIT_RUN), 0);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "a<b>&\"c'd ]]> \xc3\xa9?z",
		  "/testsuites/testsuite/@name");
	assert_xp(doc, "xceiver.a<b>&\"c'd ]]> \xc3\xa9?z.stream1",
		  "//testcase[1]/@classname");
	assert_xp(doc, "bad <reply> & \"x\" ??", "//error/@message");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

/* The search's entry point: a suite of a judged trial, its time. */
static void test_suite_entry(void **state)
{
	struct jfx f = { 0 };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	jfx_add(&f, 1, XC_CTR_MISSING, 0, 0, XC_RESULT_PASS);
	assert_int_equal(xc_junit_init(&ju), 0);
	assert_int_equal(xc_junit_suite(&ju, "lab 64 B trial 1",
					"xceiver.lab.64", &f.j, 2.5), 0);
	doc = junit_roundtrip(&ju);
	assert_xp(doc, "lab 64 B trial 1", "/testsuites/testsuite/@name");
	assert_xp(doc, "xceiver.lab.64.stream1", "//testcase/@classname");
	assert_xp(doc, "true", "/testsuites/testsuite/@time >= 2.5 and "
		  "/testsuites/testsuite/@time < 3");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_fail),
		cmocka_unit_test(test_tester_loss),
		cmocka_unit_test(test_not_judged),
		cmocka_unit_test(test_could_not_run),
		cmocka_unit_test(test_judged_then_cnr),
		cmocka_unit_test(test_repetitions),
		cmocka_unit_test(test_special_chars),
		cmocka_unit_test(test_suite_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
