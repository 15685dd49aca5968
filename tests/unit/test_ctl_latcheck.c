// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Latency checks of the verdict: parsed and refused, judged from
 * histograms of known samples against the clocks' error (pass only when
 * the check holds for every value the truth may take), untrusted clocks,
 * frames with no time, round trip in a reflect run, and the summary and
 * JSON lines. No agent, no root.
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

#include "xc_ctl.h"
#include "xc_histpb.h"
#include "xc_judge.h"
#include "xc_latency.h"
#include "xc_output.h"
#include "xc_spec.h"

#define SPEC_MSG	(&xceiver__v1__test_spec__descriptor)
#define COUNT		1000
#define BOUND_NS	100	/* the clocks' error unless a test says */

/*
 * A run of streams 1 and 2 (tx to rx), every frame delivered. Stream 1's
 * latencies are 10000, 10010, ... 19990 ns; stream 2's 100000, 100100,
 * ... 199900 ns. Their p99 is the 990th: 19890 ns, reported as its
 * bucket's highest value 19967 (bucket 19840..19967, 128 ns wide). Jitter
 * 250.5 ns and 1000 ns; IPDV 0, 1, ... 99 ns (p99 98 ns, exact).
 */
struct lt {
	Xceiver__V1__TestSpec *spec;
	struct xc_run_result res;
	Xceiver__V1__Report rep[2];
	Xceiver__V1__TxStreamReport txs[2], *txp[2];
	Xceiver__V1__RxStreamReport rxs[2], *rxp[2];
	Xceiver__V1__Latency lat;
	Xceiver__V1__StreamLatency sl[2], *slp[2];
	struct xc_hist h[2];
	struct xc_shist ipdv;
	bool totals_only;
	bool no_latency;
	bool one_way_only;	/* a reflect run's side reports one-way */
	struct xc_latency l;
	struct xc_view v;
	struct xc_judgement j;
};

/* The spec with extra YAML; err gets xc_spec_check's message. */
static Xceiver__V1__TestSpec *spec_load(const char *extra, char *err,
					size_t errlen)
{
	Xceiver__V1__TestSpec *s = NULL;
	char y[2048];

	snprintf(y, sizeof(y),
		 "tx: {agent: 198.19.1.2:7007, xsk: {ifname: xct}}\n"
		 "rx: {agent: 198.19.1.6:7007, xsk: {ifname: xcr}}\n"
		 "streams:\n"
		 "  - {id: 1, count: %d, headers: {src_ip: 198.18.0.1, dst_ip: 198.18.0.2}}\n"
		 "  - {id: 2, count: %d, headers: {src_ip: 198.18.0.1, dst_ip: 198.18.0.2}}\n"
		 "%s\n", COUNT, COUNT, extra);
	err[0] = '\0';
	if (xc_pb_from_yaml(SPEC_MSG, "t", y, strlen(y),
			    (ProtobufCMessage **)&s, err, errlen))
		return NULL;
	if (xc_spec_defaults(s) || xc_spec_check(s, "t", err, errlen)) {
		xceiver__v1__test_spec__free_unpacked(s, NULL);
		return NULL;
	}
	return s;
}

/* Both agents synchronised, their offset known within BOUND_NS. */
static void clock_trusted(struct xc_run_clock *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < 2; i++) {
		xceiver__v1__clock_state__init(&c->agent[i].state);
		c->agent[i].probed = true;
		c->agent[i].state_read = true;
		c->agent[i].state.read = true;
		c->agent[i].state.synchronised = true;
	}
	c->pair.known = true;
	c->pair.bound_ns = BOUND_NS;
}

static void lt_reports(struct lt *t)
{
	int i, s;

	for (s = 0; s < 2; s++)
		xceiver__v1__report__init(&t->rep[s]);
	for (i = 0; i < 2; i++) {
		xceiver__v1__tx_stream_report__init(&t->txs[i]);
		xceiver__v1__rx_stream_report__init(&t->rxs[i]);
		t->txs[i].stream_id = i + 1;
		t->txs[i].sent = COUNT;
		t->rxs[i].stream_id = i + 1;
		t->rxs[i].expected = COUNT;
		t->rxs[i].delivered = COUNT;
		t->txp[i] = &t->txs[i];
		t->rxp[i] = &t->rxs[i];
	}
	t->rep[XC_TX].tx = t->txp;
	t->rep[XC_TX].n_tx = 2;
	t->rep[XC_RX].rx = t->rxp;
	t->rep[XC_RX].n_rx = 2;
	t->res.tx = &t->rep[XC_TX];
	t->res.rx = &t->rep[XC_RX];
}

static void lt_samples(struct lt *t)
{
	int i, k;

	for (k = 0; k < 2; k++) {
		xc_hist_init(&t->h[k]);
		for (i = 0; i < COUNT; i++)
			xc_hist_record(&t->h[k], k ? 100000 + 100 * i :
				       10000 + 10 * i);
	}
	xc_shist_init(&t->ipdv);
	for (i = 0; i < 100; i++)
		xc_shist_record(&t->ipdv, i);
	xceiver__v1__latency__init(&t->lat);
	t->lat.clock = "CLOCK_TAI";
	t->lat.tx_stamp = "tx ring";
	t->lat.rx_stamp = "rx ring";
	t->lat.per_stream = true;
	for (k = 0; k < 2; k++) {
		xceiver__v1__stream_latency__init(&t->sl[k]);
		t->sl[k].stream_id = k + 1;
		t->slp[k] = &t->sl[k];
	}
	t->sl[0].jitter16_ns = 16 * 250 + 8;
	t->sl[1].jitter16_ns = 16 * 1000;
	t->lat.streams = t->slp;
	t->lat.n_streams = 2;
}

/* The run with extra YAML (expect checks, reflect). */
static void lt_init(struct lt *t, const char *extra)
{
	char err[1024];

	memset(t, 0, sizeof(*t));
	t->spec = spec_load(extra, err, sizeof(err));
	if (!t->spec)
		print_error("spec: %s\n", err);
	assert_non_null(t->spec);
	lt_reports(t);
	lt_samples(t);
	clock_trusted(&t->res.clock);
}

static void lt_unjudge(struct lt *t)
{
	int k;

	xc_judgement_free(&t->j);
	xc_latency_free(&t->l);
	xc_view_free(&t->v);
	for (k = 0; k < 2; k++) {
		xc_hist_pb_free(t->sl[k].one_way);
		t->sl[k].one_way = NULL;
	}
	xc_hist_pb_free(t->lat.one_way);
	xc_hist_pb_free(t->lat.ipdv_neg);
	xc_hist_pb_free(t->lat.ipdv_pos);
	t->lat.one_way = t->lat.ipdv_neg = t->lat.ipdv_pos = NULL;
}

/* Encode the samples as an agent would, on the side that times them. */
static void lt_encode(struct lt *t)
{
	struct xc_hist all;
	int k;

	xc_hist_init(&all);
	for (k = 0; k < 2; k++) {
		assert_int_equal(xc_hist_merge(&all, &t->h[k]), 0);
		if (!t->totals_only)
			assert_int_equal(xc_hist_pb(&t->h[k],
						    &t->sl[k].one_way), 0);
	}
	t->lat.per_stream = !t->totals_only;
	t->lat.round_trip = t->spec->reflect && !t->one_way_only;
	assert_int_equal(xc_hist_pb(&all, &t->lat.one_way), 0);
	assert_int_equal(xc_hist_pb(&t->ipdv.neg, &t->lat.ipdv_neg), 0);
	assert_int_equal(xc_hist_pb(&t->ipdv.pos, &t->lat.ipdv_pos), 0);
	t->rep[XC_TX].latency = NULL;
	t->rep[XC_RX].latency = NULL;
	if (!t->no_latency)
		t->rep[t->spec->reflect ? XC_TX : XC_RX].latency = &t->lat;
}

/* Judge the run as it stands. */
static void lt_judge(struct lt *t)
{
	char err[512] = "";

	lt_unjudge(t);
	lt_encode(t);
	assert_int_equal(xc_view_init(&t->v, t->spec, &t->res), 0);
	assert_int_equal(xc_latency_build(&t->l, &t->v, err, sizeof(err)), 0);
	t->v.lat = &t->l;
	if (xc_judge(&t->v, &t->j, err, sizeof(err)))
		print_error("judge: %s\n", err);
	assert_string_equal(err, "");
}

static void lt_free(struct lt *t)
{
	lt_unjudge(t);
	xceiver__v1__test_spec__free_unpacked(t->spec, NULL);
}

static const struct xc_check *find(const struct lt *t, const char *name)
{
	char buf[128];
	size_t i;

	for (i = 0; i < t->j.n; i++) {
		xc_check_name(&t->j.checks[i], buf, sizeof(buf));
		if (!strcmp(buf, name))
			return &t->j.checks[i];
	}
	print_error("no check '%s'\n", name);
	fail();
	return NULL;
}

static void passes(const struct lt *t, const char *name)
{
	const struct xc_check *c = find(t, name);

	if (c->result != XC_RESULT_PASS)
		print_error("%s: %s\n", name, c->why ? c->why : "failed");
	assert_int_equal(c->result, XC_RESULT_PASS);
	assert_false(c->unknown);
	assert_null(c->why);
}

/* Failed; why contains because (NULL: a clear failure, no reason). */
static void fails(const struct lt *t, const char *name, const char *because)
{
	const struct xc_check *c = find(t, name);

	assert_int_equal(c->result, XC_RESULT_FAIL);
	if (!because) {
		if (c->why)
			print_error("%s: %s\n", name, c->why);
		assert_null(c->why);
		assert_false(c->unknown);
		return;
	}
	assert_non_null(c->why);
	if (!strstr(c->why, because))
		print_error("%s: '%s' lacks '%s'\n", name, c->why, because);
	assert_non_null(strstr(c->why, because));
}

/* ------------------------------------------------------------ parsing */

static void parse_ok(const char *text, const char *canon, bool rtt,
		     enum xc_lat_metric m, int64_t ns)
{
	struct xc_expect e;
	char err[1024] = "", buf[128];

	if (xc_expect_parse(text, &e, err, sizeof(err)))
		print_error("%s: %s\n", text, err);
	assert_string_equal(err, "");
	assert_true(e.latency);
	assert_int_equal(e.rtt, rtt);
	assert_int_equal(e.metric, m);
	assert_int_equal(e.value_ns, ns);
	xc_expect_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, canon);
}

static void parse_bad(const char *text, const char *because)
{
	struct xc_expect e;
	char err[1024] = "";

	assert_true(xc_expect_parse(text, &e, err, sizeof(err)) < 0);
	if (!strstr(err, because))
		print_error("%s: '%s' lacks '%s'\n", text, err, because);
	assert_non_null(strstr(err, because));
}

static void test_parse(void **state)
{
	(void)state;
	parse_ok("latency_p99_us <= 12.5", "latency_p99_us <= 12.5", false,
		 XC_LAT_P99, 12500);
	parse_ok(" stream 2  latency_max_us<1000 ",
		 "stream 2 latency_max_us < 1000", false, XC_LAT_MAX,
		 1000000);
	parse_ok("latency_min_us > 0.001", "latency_min_us > 0.001", false,
		 XC_LAT_MIN, 1);
	parse_ok("latency_mean_us != 0.05", "latency_mean_us != 0.05", false,
		 XC_LAT_MEAN, 50);
	parse_ok("latency_p50_us >= 1.230", "latency_p50_us >= 1.23", false,
		 XC_LAT_P50, 1230);
	parse_ok("latency_p90_us == 7", "latency_p90_us == 7", false,
		 XC_LAT_P90, 7000);
	parse_ok("latency_p999_us < 3", "latency_p999_us < 3", false,
		 XC_LAT_P999, 3000);
	parse_ok("latency_p9999_us < 3", "latency_p9999_us < 3", false,
		 XC_LAT_P9999, 3000);
	parse_ok("jitter_us <= 2", "jitter_us <= 2", false, XC_LAT_JITTER,
		 2000);
	parse_ok("ipdv_p99_us < -2.5", "ipdv_p99_us < -2.5", false,
		 XC_LAT_IPDV_P99, -2500);
	parse_ok("rtt_p50_us <= 40", "rtt_p50_us <= 40", true, XC_LAT_P50,
		 40000);
	parse_ok("stream 1 rtt_jitter_us < 1", "stream 1 rtt_jitter_us < 1",
		 true, XC_LAT_JITTER, 1000);
	parse_ok("rtt_ipdv_p99_us <= 0", "rtt_ipdv_p99_us <= 0", true,
		 XC_LAT_IPDV_P99, 0);
	/* checks that cannot fail, or cannot hold */
	parse_bad("latency_p99_us >= 0", "holds whatever is measured");
	parse_bad("rtt_max_us >= 0.000", "holds whatever is measured");
	parse_bad("jitter_us < 0", "can never hold");
	parse_bad("latency_p99_us <= -1", "a latency is not negative");
	parse_bad("latency_p99_us not judged", "no default check");
	/* values */
	parse_bad("latency_p99_us <= 1.2345", "1 to 3 decimals");
	parse_bad("latency_p99_us <= 1.", "1 to 3 decimals");
	parse_bad("latency_p99_us <= 0x10", "unexpected 'x10'");
	parse_bad("latency_p99_us <= 1000000001", "at most 1000000000 us");
	parse_bad("latency_p99_us <= fast", "not a value in microseconds");
	parse_bad("stream 2 ipdv_p99_us < 5", "a total, not a per-stream");
	parse_bad("latency_p98_us < 5", "tx_ring_empty_descs); latency in us: latency_{min,mean,p50,p90,p99,p999,p9999,max}_us, jitter_us, ipdv_p99_us; round trip: each with rtt_ for latency_ (rtt_p99_us, rtt_jitter_us)");
}

/* rtt_ only in a reflect run, one-way only outside one. */
static void test_refuse_mode(void **state)
{
	Xceiver__V1__TestSpec *s;
	struct lt t;
	char err[1024];

	(void)state;
	s = spec_load("expect: {checks: [\"missing == 0\", \"rtt_p99_us <= 50\"]}",
		      err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "expect.checks[1]: 'rtt_p99_us <= 50' is a round-trip check, but the spec does not reflect"));
	s = spec_load("reflect: true\nexpect: {checks: [\"stream 2 latency_max_us < 9\"]}",
		      err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "expect.checks[0]: 'stream 2 latency_max_us < 9' is a one-way check, but the spec reflects"));
	assert_non_null(strstr(err, "rtt_max_us"));
	/* the judge refuses it too, should a spec reach it unchecked */
	lt_init(&t, "reflect: true\nexpect: {checks: [\"rtt_p99_us <= 50\"]}");
	t.spec->reflect = false;
	lt_encode(&t);
	assert_int_equal(xc_view_init(&t.v, t.spec, &t.res), 0);
	assert_int_equal(xc_judge(&t.v, &t.j, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expect.checks[0]: 'rtt_p99_us <= 50' is a round-trip check"));
	lt_free(&t);
}

/* ------------------------------------------------------------ one-way */

/* Each figure, per stream and in total, passes and fails clearly. */
static void test_each_kind(void **state)
{
	struct lt t;

	(void)state;
	lt_init(&t, "expect: {checks: ["
		"\"latency_min_us >= 9.5\", \"stream 2 latency_min_us > 100\","
		"\"stream 1 latency_mean_us < 15.5\", \"latency_mean_us > 90\","
		"\"stream 1 latency_p50_us <= 16\", \"stream 2 latency_p50_us < 140\","
		"\"stream 1 latency_p90_us <= 20\", \"stream 1 latency_p90_us < 18\","
		"\"stream 1 latency_p99_us <= 25\", \"latency_p99_us <= 190\","
		"\"stream 2 latency_p999_us <= 210\", \"stream 2 latency_p999_us < 190\","
		"\"stream 2 latency_p9999_us <= 200\", \"latency_p9999_us < 199\","
		"\"latency_max_us <= 200.1\", \"stream 1 latency_max_us < 19\","
		"\"stream 1 jitter_us <= 0.3\", \"stream 1 jitter_us < 0.25\","
		"\"jitter_us >= 1\", \"jitter_us < 1\","
		"\"ipdv_p99_us <= 0.098\", \"ipdv_p99_us < 0.098\"]}");
	lt_judge(&t);
	passes(&t, "latency_min_us");
	fails(&t, "stream 2 latency_min_us", "within the clocks' error");
	passes(&t, "stream 1 latency_mean_us");
	fails(&t, "latency_mean_us", NULL);
	passes(&t, "stream 1 latency_p50_us");
	fails(&t, "stream 2 latency_p50_us", NULL);
	/* p90 is the same figure twice: the first passes, the second not */
	assert_int_equal(t.j.checks[t.j.n - 16].result, XC_RESULT_PASS);
	assert_int_equal(t.j.checks[t.j.n - 15].result, XC_RESULT_FAIL);
	passes(&t, "stream 1 latency_p99_us");
	fails(&t, "latency_p99_us", NULL);
	assert_int_equal(t.j.checks[t.j.n - 12].result, XC_RESULT_PASS);
	assert_int_equal(t.j.checks[t.j.n - 11].result, XC_RESULT_FAIL);
	passes(&t, "stream 2 latency_p9999_us");
	fails(&t, "latency_p9999_us", NULL);
	passes(&t, "latency_max_us");
	fails(&t, "stream 1 latency_max_us", NULL);
	assert_int_equal(t.j.checks[t.j.n - 6].result, XC_RESULT_PASS);
	assert_int_equal(t.j.checks[t.j.n - 5].result, XC_RESULT_FAIL);
	assert_null(t.j.checks[t.j.n - 5].why);
	/* the total's jitter is the largest stream's: stream 2's 1 us */
	assert_int_equal(t.j.checks[t.j.n - 4].result, XC_RESULT_PASS);
	assert_int_equal(t.j.checks[t.j.n - 4].got_ns, 1000);
	assert_int_equal(t.j.checks[t.j.n - 3].result, XC_RESULT_FAIL);
	assert_int_equal(t.j.checks[t.j.n - 2].result, XC_RESULT_PASS);
	assert_int_equal(t.j.checks[t.j.n - 2].got_ns, 98);
	assert_int_equal(t.j.checks[t.j.n - 1].result, XC_RESULT_FAIL);
	/* judged against the clocks' error, jitter and IPDV without */
	assert_int_equal(find(&t, "latency_min_us")->bound_ns, BOUND_NS);
	assert_int_equal(find(&t, "stream 1 latency_p99_us")->bound_ns,
			 BOUND_NS);
	assert_int_equal(t.j.checks[t.j.n - 1].bound_ns, 0);
	/* a failed latency check is a failure, not a loss of the tester */
	assert_int_equal(t.j.word, XC_VERDICT_FAIL);
	lt_free(&t);
}

/* The figures: what was reported and where the truth lies. */
static void test_figures(void **state)
{
	const struct xc_check *c;
	struct lt t;

	(void)state;
	lt_init(&t, "expect: {checks: [\"stream 1 latency_p99_us <= 25\","
		"\"stream 1 latency_mean_us <= 25\", \"stream 1 jitter_us <= 25\","
		"\"latency_max_us <= 250\"]}");
	lt_judge(&t);
	/* p99: the 990th value 19890, in bucket 19840..19967 */
	c = find(&t, "stream 1 latency_p99_us");
	assert_int_equal(c->got_ns, 19967);
	assert_int_equal(c->lo_ns, 19840 - BOUND_NS);
	assert_int_equal(c->hi_ns, 19967 + BOUND_NS);
	assert_int_equal(c->want_ns, 25000);
	/* the mean is exact: (10000 + 19990) / 2 */
	c = find(&t, "stream 1 latency_mean_us");
	assert_int_equal(c->got_ns, 14995);
	assert_int_equal(c->lo_ns, 14995 - BOUND_NS);
	assert_int_equal(c->hi_ns, 14995 + BOUND_NS);
	/* jitter 250.5 ns: within 250..251, no clock error */
	c = find(&t, "stream 1 jitter_us");
	assert_int_equal(c->got_ns, 250);
	assert_int_equal(c->lo_ns, 250);
	assert_int_equal(c->hi_ns, 251);
	assert_int_equal(c->bound_ns, 0);
	c = find(&t, "latency_max_us");
	assert_int_equal(c->got_ns, 199900);
	lt_free(&t);
}

/*
 * The bound rule: stream 1's p99 lies within 19840..19967 ns. "<= 20"
 * holds for all of it, but not within +- 100 ns of clock error: it fails,
 * saying so; with one clock (no error) the same check passes. "<= 19.9"
 * may hold or not within the bucket itself.
 */
static void test_bound_rule(void **state)
{
	static const char *const checks =
		"expect: {checks: [\"stream 1 latency_p99_us <= 20\","
		"\"stream 1 latency_p99_us <= 25\", \"stream 1 latency_p99_us > 25\","
		"\"stream 2 latency_mean_us == 149.95\","
		"\"stream 2 latency_mean_us != 149.95\","
		"\"stream 1 latency_p99_us <= 19.9\"]}";
	struct lt t;

	(void)state;
	lt_init(&t, checks);
	lt_judge(&t);
	fails(&t, "stream 1 latency_p99_us",
	      "p99 19.967 us +- 0.1 us: within the clocks' error");
	assert_int_equal(t.j.checks[t.j.n - 5].result, XC_RESULT_PASS);
	assert_int_equal(t.j.checks[t.j.n - 4].result, XC_RESULT_FAIL);
	assert_null(t.j.checks[t.j.n - 4].why);
	/* == and != on a figure known within +- 100 ns: neither holds */
	assert_non_null(strstr(t.j.checks[t.j.n - 3].why, "clocks' error"));
	assert_non_null(strstr(t.j.checks[t.j.n - 2].why, "clocks' error"));
	assert_non_null(strstr(t.j.checks[t.j.n - 1].why,
			       "p99 lies within 19.84..19.967 us (its histogram bucket)"));
	assert_int_equal(t.j.failed, 5);

	/* 30 ns of error: 19967 + 30 is still <= 20000 */
	t.res.clock.pair.bound_ns = 30;
	lt_judge(&t);
	passes(&t, "stream 1 latency_p99_us");
	assert_int_equal(t.j.failed, 4);

	/* one kernel, one clock: no error, == and != decide */
	t.res.clock.same_clock = true;
	t.res.clock.pair.bound_ns = 0;
	lt_judge(&t);
	passes(&t, "stream 1 latency_p99_us");
	assert_int_equal(t.j.checks[t.j.n - 3].result, XC_RESULT_PASS);
	assert_int_equal(t.j.checks[t.j.n - 2].result, XC_RESULT_FAIL);
	assert_null(t.j.checks[t.j.n - 2].why);
	assert_non_null(strstr(t.j.checks[t.j.n - 1].why,
			       "its histogram bucket"));
	assert_int_equal(t.j.failed, 3);
	lt_free(&t);
}

/* Untrusted clocks fail every one-way figure but jitter, saying why. */
static void test_untrusted_clock(void **state)
{
	struct lt t;

	(void)state;
	lt_init(&t, "expect: {checks: [\"stream 1 latency_p99_us <= 1000\","
		"\"stream 1 jitter_us <= 0.3\", \"ipdv_p99_us <= 1\"]}");
	lt_judge(&t);
	passes(&t, "stream 1 latency_p99_us");

	t.res.clock.agent[XC_RX].state.synchronised = false;
	lt_judge(&t);
	fails(&t, "stream 1 latency_p99_us",
	      "one-way figures are not trustworthy: the rx agent's clock is not synchronised");
	passes(&t, "stream 1 jitter_us");
	passes(&t, "ipdv_p99_us");

	/* a bound larger than the figure */
	clock_trusted(&t.res.clock);
	t.res.clock.pair.bound_ns = 50000;
	lt_judge(&t);
	fails(&t, "stream 1 latency_p99_us",
	      "the clocks' offset is known within 50.000 us, more than the figure of 19.967 us");
	passes(&t, "stream 1 jitter_us");

	/* no offset at all */
	clock_trusted(&t.res.clock);
	t.res.clock.pair.known = false;
	lt_judge(&t);
	fails(&t, "stream 1 latency_p99_us",
	      "the offset between the agents' clocks is unknown");
	lt_free(&t);
}

/* Frames timed below zero were left out: the figures cannot be trusted. */
static void test_negative(void **state)
{
	struct lt t;

	(void)state;
	lt_init(&t, "expect: {checks: [\"stream 1 latency_p99_us <= 1000\","
		"\"stream 2 latency_p99_us <= 1000\", \"latency_max_us <= 1000\","
		"\"stream 1 jitter_us <= 0.3\"]}");
	t.sl[0].negative = 2;
	t.lat.negative = 2;
	lt_judge(&t);
	fails(&t, "stream 1 latency_p99_us",
	      "2 frames timed below zero were left out");
	passes(&t, "stream 2 latency_p99_us");
	fails(&t, "latency_max_us", "2 frames timed below zero");
	passes(&t, "stream 1 jitter_us");

	/* every frame of stream 1 below zero: an empty histogram */
	xc_hist_init(&t.h[0]);
	t.sl[0].negative = COUNT;
	t.lat.negative = COUNT;
	lt_judge(&t);
	fails(&t, "stream 1 latency_p99_us",
	      "1000 frames timed below zero were left out");
	fails(&t, "latency_max_us", "1000 frames timed below zero");
	passes(&t, "stream 1 jitter_us");
	lt_free(&t);
}

/* No frames behind a figure: unknown, failed, with the reason. */
static void test_unknown(void **state)
{
	const struct xc_check *c;
	struct lt t;

	(void)state;
	lt_init(&t, "expect: {checks: [\"stream 2 latency_p99_us <= 1000\","
		"\"stream 2 jitter_us <= 1\", \"stream 1 latency_p99_us <= 1000\","
		"\"latency_p99_us <= 1000\"]}");
	xc_hist_init(&t.h[1]);		/* stream 2: none delivered */
	t.sl[1].jitter16_ns = 0;
	t.rxs[1].delivered = 0;
	lt_judge(&t);
	c = find(&t, "stream 2 latency_p99_us");
	assert_true(c->unknown);
	fails(&t, "stream 2 latency_p99_us",
	      "no timed frames (none delivered intact)");
	fails(&t, "stream 2 jitter_us", "no timed frames");
	passes(&t, "stream 1 latency_p99_us");
	passes(&t, "latency_p99_us");

	/* a receiver that kept totals only */
	lt_unjudge(&t);
	lt_samples(&t);
	t.rxs[1].delivered = COUNT;
	t.totals_only = true;
	lt_judge(&t);
	fails(&t, "stream 1 latency_p99_us", "kept latency totals only");
	assert_true(find(&t, "stream 1 latency_p99_us")->unknown);
	passes(&t, "stream 2 jitter_us");
	passes(&t, "latency_p99_us");

	/* no latency reported at all */
	t.no_latency = true;
	lt_judge(&t);
	fails(&t, "latency_p99_us", "no receiver reported one-way latency");
	assert_true(find(&t, "latency_p99_us")->unknown);
	lt_free(&t);
}

/* ------------------------------------------------------------ round trip */

/* A reflect run: round trips on one clock, whatever the two clocks say. */
static void test_rtt(void **state)
{
	const struct xc_check *c;
	struct lt t;

	(void)state;
	lt_init(&t, "reflect: true\nexpect: {checks: ["
		"\"stream 1 rtt_p99_us <= 20\", \"rtt_p99_us <= 190\","
		"\"stream 2 rtt_max_us < 199.9\", \"rtt_max_us <= 199.9\","
		"\"rtt_mean_us > 82.472\", \"rtt_jitter_us >= 1\","
		"\"rtt_ipdv_p99_us <= 0.098\", \"stream 2 rtt_min_us >= 100\"]}");
	t.res.clock.agent[XC_TX].state.synchronised = false;
	t.res.clock.pair.bound_ns = 50000;
	lt_judge(&t);
	/* no clock error: 19967 <= 20000 holds */
	passes(&t, "stream 1 rtt_p99_us");
	c = find(&t, "stream 1 rtt_p99_us");
	assert_int_equal(c->bound_ns, 0);
	assert_int_equal(c->lo_ns, 19840);
	assert_true(c->rtt);
	fails(&t, "rtt_p99_us", NULL);
	fails(&t, "stream 2 rtt_max_us", NULL);
	passes(&t, "rtt_max_us");
	/* the mean of both, 82472.5 ns: > 82.472 holds for 82472..82473?
	 * no: 82472 is not above, so it may or may not */
	fails(&t, "rtt_mean_us", "mean lies within 82.472..82.473 us (its precision)");
	passes(&t, "rtt_jitter_us");
	passes(&t, "rtt_ipdv_p99_us");
	passes(&t, "stream 2 rtt_min_us");

	/* a side's one-way latency is no round trip */
	t.one_way_only = true;
	lt_judge(&t);
	fails(&t, "rtt_max_us", "no agent reported round-trip times");
	assert_true(find(&t, "rtt_max_us")->unknown);
	lt_free(&t);
}

/* ------------------------------------------------------------ output */

static void test_output(void **state)
{
	struct xc_ctl_opts o = { .repeat = 1 };
	json_t *js, *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	struct lt t;

	(void)state;
	lt_init(&t, "expect: {checks: [\"stream 1 latency_p99_us <= 20\","
		"\"stream 2 latency_p99_us <= 300\", \"stream 2 jitter_us <= 1\"]}");
	xc_hist_init(&t.h[1]);
	t.sl[1].jitter16_ns = 0;
	t.rxs[1].delivered = 0;
	t.rxs[1].missing = COUNT;
	lt_judge(&t);
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	xc_summary_print(out, &t.v, &t.j, &o);
	fclose(out);
	assert_non_null(strstr(buf,
		"  FAIL stream 1 latency_p99_us <= 20                   19.967 us   (spec; within 19.74..20.067 us, clocks +- 0.1 us)\n"
		"       p99 19.967 us +- 0.1 us: within the clocks' error\n"));
	assert_non_null(strstr(buf,
		"  FAIL stream 2 latency_p99_us <= 300                    unknown   (spec)\n"
		"       no timed frames (none delivered intact)\n"));
	free(buf);

	js = xc_report_json(&t.v, &t.j, &o);
	assert_non_null(js);
	c = json_array_get(json_object_get(js, "checks"), t.j.n - 3);
	assert_string_equal(json_string_value(json_object_get(c, "check")),
			    "stream 1 latency_p99_us <= 20");
	assert_string_equal(json_string_value(json_object_get(c, "result")),
			    "fail");
	assert_false(json_boolean_value(json_object_get(c, "pass")));
	assert_int_equal(json_integer_value(json_object_get(c, "expected_ns")),
			 20000);
	assert_int_equal(json_integer_value(json_object_get(c, "value_ns")),
			 19967);
	assert_int_equal(json_integer_value(json_object_get(c, "low_ns")),
			 19740);
	assert_int_equal(json_integer_value(json_object_get(c, "high_ns")),
			 20067);
	assert_int_equal(json_integer_value(json_object_get(c,
							    "clock_bound_ns")),
			 BOUND_NS);
	assert_non_null(strstr(json_string_value(json_object_get(c, "reason")),
			       "within the clocks' error"));
	c = json_array_get(json_object_get(js, "checks"), t.j.n - 2);
	assert_true(json_is_null(json_object_get(c, "value_ns")));
	assert_true(json_is_true(json_object_get(c, "unknown")));
	assert_string_equal(json_string_value(json_object_get(c, "reason")),
			    "no timed frames (none delivered intact)");
	json_decref(js);
	lt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refuse_mode),
		cmocka_unit_test(test_each_kind),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_bound_rule),
		cmocka_unit_test(test_untrusted_clock),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_rtt),
		cmocka_unit_test(test_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
