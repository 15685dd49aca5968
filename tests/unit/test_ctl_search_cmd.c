// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What xceiver search makes of finished searches, without a lab: a burst
 * shared among streams, the verdict over the sizes, the JSON document and
 * the JUnit suites (valid by tests/junit.xsd). The searches are run
 * against a made-up path that loses everything above R.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libxml/tree.h>

#include "xc_junit.h"
#include "xc_search_cmd.h"
#include "xc_unit_ctl.h"

#define R	100000.0	/* the path's limit, pps */

static Xceiver__V1__TestSpec *spec_new(unsigned int nstreams)
{
	Xceiver__V1__TestSpec *s = calloc(1, sizeof(*s));
	unsigned int i;

	assert_non_null(s);
	xceiver__v1__test_spec__init(s);
	s->streams = calloc(nstreams, sizeof(*s->streams));
	assert_non_null(s->streams);
	for (i = 0; i < nstreams; i++) {
		s->streams[i] = calloc(1, sizeof(**s->streams));
		assert_non_null(s->streams[i]);
		xceiver__v1__stream__init(s->streams[i]);
		s->streams[i]->id = i + 1;
		s->streams[i]->rate_pps = 1000;
		s->streams[i]->frame_size = 64;
	}
	s->n_streams = nstreams;
	return s;
}

static void spec_free(Xceiver__V1__TestSpec *s)
{
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

static void test_burst_shared(void **state)
{
	Xceiver__V1__TestSpec *s = spec_new(3);
	uint64_t sum = 0;
	double *share;
	size_t i;

	(void)state;
	assert_int_equal(xc_search_shares(s, &share), 0);
	assert_int_equal(xc_search_apply_burst(s, share, 1000), 0);
	for (i = 0; i < s->n_streams; i++) {
		assert_int_equal(s->streams[i]->rate_pps, 0);
		assert_int_equal(s->streams[i]->duration_ms, 0);
		sum += s->streams[i]->count;
	}
	assert_int_equal(sum, 1000);	/* 333 * 3 and one left over */
	assert_int_equal(s->streams[0]->count, 334);
	/* fewer frames than streams: each stream still sends one */
	assert_int_equal(xc_search_apply_burst(s, share, 2), 0);
	for (i = 0; i < s->n_streams; i++)
		assert_int_equal(s->streams[i]->count, 1);
	free(share);
	spec_free(s);
}

/*
 * Size z searched (RFC 2544 or MLRsearch) against a path of limit lim,
 * the senders' ceiling (0: none) known before it.
 */
static void size_search(struct xc_size_search *z, const char *label,
			enum xc_search_algo algo, double lim, double max,
			double ceiling)
{
	struct xc_search_trial t;
	struct xc_search_cfg c;
	char err[256];
	double load, dur;

	memset(z, 0, sizeof(*z));
	snprintf(z->label, sizeof(z->label), "%s", label);
	z->frame_bytes = atof(label);
	z->line_pps = max;
	xc_search_defaults(&c, algo);
	c.min_load = 1000;
	c.max_load = max;
	c.duration = 1;
	c.width_rel = 0.01;
	for (unsigned int g = 0; g < c.ngoals; g++) {
		c.goals[g].final_duration = 1;
		c.goals[g].duration_sum = 1;
		c.goals[g].width = 0.01;
	}
	assert_int_equal(xc_search_init(&z->s, &c, err, sizeof(err)), 0);
	xc_search_set_ceiling(&z->s, ceiling);
	z->reports = json_array();
	while (!xc_search_next(&z->s, &load, &dur)) {
		memset(&t, 0, sizeof(t));
		t.load = load;
		t.duration = dur;
		t.offered = t.achieved = load;
		t.sent = (uint64_t)(load * dur);
		t.lost = load > lim ? (uint64_t)((load - lim) * dur) : 0;
		assert_int_equal(xc_search_add(&z->s, &t), 0);
		json_array_append_new(z->reports, json_pack("{s:s}", "run_id",
							    "0123456789abcdef"));
	}
	z->ran = true;
}

static void size_run(struct xc_size_search *z, const char *label,
		     enum xc_search_algo algo, double lim, double max)
{
	size_search(z, label, algo, lim, max, 0);
}

static void size_run_ceiling(struct xc_size_search *z, const char *label,
			     double max, double ceiling)
{
	size_search(z, label, XC_SEARCH_RFC2544, 1e12, max, ceiling);
}

static void size_free(struct xc_size_search *z)
{
	xc_search_free(&z->s);
	json_decref(z->reports);
}

static void test_verdict(void **state)
{
	struct xc_size_search z[2];
	struct xc_search_all a = { .name = "t", .sz = z, .n = 2 };
	char why[700];

	(void)state;
	size_run(&z[0], "64", XC_SEARCH_MLR, R, 200000);
	/* no loss up to the maximum load: found, without an upper bound */
	size_run(&z[1], "512", XC_SEARCH_MLR, 1e9, 150000);
	assert_true(z[1].s.res[0].upper == 0 && z[1].s.res[0].done);
	assert_int_equal(xc_search_verdict(&a, why, sizeof(why)),
			 XC_EXIT_PASS);
	assert_string_equal(why, "pass: 2 frame sizes searched, every goal found");
	z[0].bad_trials = 2;
	snprintf(z[0].bad_why, sizeof(z[0].bad_why),
		 "trial 3 at 5000 pps: corrupt == 0 failed");
	assert_int_equal(xc_search_verdict(&a, why, sizeof(why)),
			 XC_EXIT_FAIL);
	assert_non_null(strstr(why, "frame size 64: 2 trials failed a check other than loss, the first: trial 3 at 5000 pps: corrupt == 0 failed"));
	z[0].bad_trials = 0;
	z[0].s.out_of_trials = true;
	assert_int_equal(xc_search_verdict(&a, why, sizeof(why)),
			 XC_EXIT_FAIL);
	assert_non_null(strstr(why, "stopped at the limit of"));
	size_free(&z[0]);
	size_free(&z[1]);
}

static void test_doc(void **state)
{
	Xceiver__V1__TestSpec *s = spec_new(1);
	struct xc_size_search z;
	struct xc_search_all a = { .name = "t", .sz = &z, .n = 1 };
	json_t *doc, *sz, *res, *trials;
	size_t i;

	(void)state;
	size_run(&z, "64", XC_SEARCH_MLR, R, 200000);
	doc = xc_search_doc(&a, s, XC_EXIT_PASS, "pass: why");
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")),
			    "xceiver.search/1");
	assert_string_equal(json_string_value(json_object_get(doc, "verdict")),
			    "pass");
	sz = json_array_get(json_object_get(doc, "sizes"), 0);
	assert_string_equal(json_string_value(json_object_get(sz,
			    "frame_size")), "64");
	assert_true(json_is_null(json_object_get(sz, "frame_loss")));
	assert_true(json_is_null(json_object_get(sz, "back_to_back")));
	res = json_object_get(json_object_get(sz, "search"), "results");
	assert_int_equal(json_array_size(res), 2);
	for (i = 0; i < 2; i++) {
		json_t *r = json_array_get(res, i);
		double lo = json_real_value(json_object_get(r,
					    "lower_bound_pps"));
		double hi = json_real_value(json_object_get(r,
					    "upper_bound_pps"));
		/* the path loses L - R: its loss ratio reaches the goal's at */
		double lim = R / (1 - json_real_value(json_object_get(r,
					"loss_ratio")));

		assert_true(json_is_true(json_object_get(r, "regular")));
		assert_true(lo <= lim && lim <= hi && hi - lo <= 0.01 * hi);
	}
	/* every trial carries its run */
	trials = json_object_get(json_object_get(sz, "search"), "trials");
	assert_int_equal(json_array_size(trials), z.s.ntrials);
	for (i = 0; i < json_array_size(trials); i++)
		assert_string_equal(json_string_value(json_object_get(
			json_object_get(json_array_get(trials, i), "run"),
			"run_id")), "0123456789abcdef");
	json_decref(doc);
	size_free(&z);
	spec_free(s);
}

static void test_junit(void **state)
{
	struct xc_size_search z[3];
	struct xc_search_all a = { .name = "t", .sz = z, .n = 3 };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	size_run(&z[0], "64", XC_SEARCH_MLR, R, 200000);
	size_run(&z[1], "512", XC_SEARCH_MLR, 1e9, 150000);
	/* the third size could not run */
	memset(&z[2], 0, sizeof(z[2]));
	snprintf(z[2].label, sizeof(z[2].label), "1518");
	snprintf(a.why, sizeof(a.why), "rx agent closed the connection");
	snprintf(a.phase, sizeof(a.phase), "run");
	z[0].bad_trials = 1;
	snprintf(z[0].bad_why, sizeof(z[0].bad_why), "trial 2: x failed");
	assert_int_equal(xc_junit_init(&ju), 0);
	assert_int_equal(xc_search_junit(&ju, &a), 0);
	doc = xc_t_junit_read(&ju);
	xc_t_xpath_is(doc, "3", "count(//testsuite)");
	xc_t_xpath_is(doc, "search t frame size 64", "string(//testsuite[1]/@name)");
	/* NDR, PDR and the trials' other checks */
	xc_t_xpath_is(doc, "3", "count(//testsuite[1]/testcase)");
	xc_t_xpath_is(doc, "1", "string(//testsuite[1]/@failures)");
	xc_t_xpath_is(doc, "trial 2: x failed",
		  "substring-after(//testsuite[1]/testcase[3]/failure/@message, 'the first: ')");
	xc_t_xpath_is(doc, "NDR", "string(//testsuite[1]/testcase[1]/@name)");
	xc_t_xpath_is(doc, "0", "count(//testsuite[1]/testcase[1]/*[name() != 'system-out'])");
	xc_t_xpath_is(doc, "1", "string(//testsuite[3]/@errors)");
	xc_t_xpath_is(doc, "rx agent closed the connection",
		  "string(//testsuite[3]/testcase/error/@message)");
	/* 512: no loss up to the maximum, passed, the figures in its output */
	xc_t_xpath_is(doc, "0", "string(//testsuite[2]/@failures)");
	xc_t_xpath_is(doc, "true", "starts-with(//testsuite[2]/testcase[1]/system-out, 'result 150000 pps')");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
	size_free(&z[0]);
	size_free(&z[1]);
}

static void test_junit_tester_limited(void **state)
{
	struct xc_size_search z;
	struct xc_search_all a = { .name = "t", .sz = &z, .n = 1 };
	struct xc_junit ju;
	xmlDocPtr doc;

	(void)state;
	/* the probe found the senders' ceiling; nothing is lost below it */
	size_run_ceiling(&z, "64", 14880952, 200000);
	assert_true(z.s.res[0].tester_limited);
	assert_int_equal(xc_junit_init(&ju), 0);
	assert_int_equal(xc_search_junit(&ju, &a), 0);
	doc = xc_t_junit_read(&ju);
	xc_t_xpath_is(doc, "1", "string(//testsuite[1]/@skipped)");
	xc_t_xpath_is(doc, "limited by the tester at 200000 pps: the path carried all it sent",
		  "string(//testcase[@name='throughput']/skipped/@message)");
	xmlFreeDoc(doc);
	xc_junit_free(&ju);
	size_free(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_shared),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_doc),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_junit_tester_limited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
