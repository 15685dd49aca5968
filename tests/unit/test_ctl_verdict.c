// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The verdict as a unit: a spec and made-up agent reports in, the checks,
 * the summary, the JSON report and the exit code out. No agent, no root.
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

#include "xc_ctl.h"
#include "xc_judge.h"
#include "xc_limits.h"
#include "xc_output.h"
#include "xc_repeat.h"
#include "xc_spec.h"

#define SPEC_MSG (&xceiver__v1__test_spec__descriptor)
#define COUNT 1000

/* A spec and the two agents' reports of a run where everything arrived. */
struct fx {
	Xceiver__V1__TestSpec *spec;
	struct xc_run_result res;
	Xceiver__V1__Report rep[2];
	Xceiver__V1__TxStreamReport *txs;
	Xceiver__V1__RxStreamReport *rxs;
	Xceiver__V1__XskStats xsk[2];
	Xceiver__V1__XskStats *xskp[2];
	struct xc_view view;
	struct xc_judgement j;
};

/* YAML of a spec with n streams (ids 1..n), every bidir-th one reversed. */
static char *spec_yaml(size_t n, size_t bidir, const char *extra)
{
	size_t len = 512 + n * 96 + strlen(extra), off, i;
	char *y = malloc(len);

	assert_non_null(y);
	off = snprintf(y, len,
		       "tx: {agent: 198.19.1.2:7007, xsk: {ifname: xct}}\n"
		       "rx: {agent: 198.19.1.6:7007, xsk: {ifname: xcr}}\n"
		       "%s\nstreams:\n", extra);
	for (i = 0; i < n; i++)
		off += snprintf(y + off, len - off,
				"  - {id: %zu, count: %d, headers: {src_ip: 198.18.0.1, dst_ip: 198.18.0.2}%s}\n",
				i + 1, COUNT, bidir && i % bidir == bidir - 1 ?
				", direction: rx_to_tx" : "");
	return y;
}

static Xceiver__V1__TestSpec *spec_new(size_t n, size_t bidir,
				       const char *extra)
{
	Xceiver__V1__TestSpec *s = NULL;
	char *y = spec_yaml(n, bidir, extra);
	char err[512] = "";

	if (xc_pb_from_yaml(SPEC_MSG, "test", y, strlen(y),
			    (ProtobufCMessage **)&s, err, sizeof(err)) ||
	    xc_spec_defaults(s) ||
	    xc_spec_check(s, "test", err, sizeof(err)))
		print_error("spec: %s\n", err);
	free(y);
	assert_string_equal(err, "");
	return s;
}

static void fx_side_init(struct fx *f, enum xc_side side)
{
	Xceiver__V1__Report *r = &f->rep[side];

	xceiver__v1__report__init(r);
	xceiver__v1__xsk_stats__init(&f->xsk[side]);
	f->xskp[side] = &f->xsk[side];
	r->xsk = &f->xskp[side];
	r->n_xsk = 1;
	r->tx = calloc(f->spec->n_streams, sizeof(*r->tx));
	r->rx = calloc(f->spec->n_streams, sizeof(*r->rx));
	assert_non_null(r->tx);
	assert_non_null(r->rx);
	r->payload_check = XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_ALL;
}

static void reverse(void **a, size_t n)
{
	size_t i;
	void *t;

	for (i = 0; i < n / 2; i++) {
		t = a[i];
		a[i] = a[n - 1 - i];
		a[n - 1 - i] = t;
	}
}

/* Every stream sent and delivered in full, in order, by its own agents. */
static void fx_reports(struct fx *f)
{
	size_t i, n = f->spec->n_streams;

	f->txs = calloc(n, sizeof(*f->txs));
	f->rxs = calloc(n, sizeof(*f->rxs));
	assert_non_null(f->txs);
	assert_non_null(f->rxs);
	fx_side_init(f, XC_TX);
	fx_side_init(f, XC_RX);
	for (i = 0; i < n; i++) {
		const Xceiver__V1__Stream *st = f->spec->streams[i];
		enum xc_side from = xc_stream_sender(st);
		Xceiver__V1__Report *tr = &f->rep[from];
		Xceiver__V1__Report *rr = &f->rep[!from];

		xceiver__v1__tx_stream_report__init(&f->txs[i]);
		xceiver__v1__rx_stream_report__init(&f->rxs[i]);
		f->txs[i].stream_id = st->id;
		f->txs[i].sent = st->count;
		f->rxs[i].stream_id = st->id;
		f->rxs[i].expected = st->count;
		f->rxs[i].delivered = st->count;
		tr->tx[tr->n_tx++] = &f->txs[i];
		rr->rx[rr->n_rx++] = &f->rxs[i];
	}
	/* reports list streams in an order of their own: pair them by id */
	reverse((void **)f->rep[XC_TX].tx, f->rep[XC_TX].n_tx);
	reverse((void **)f->rep[XC_RX].rx, f->rep[XC_RX].n_rx);
	f->res.run_id = 0x1234;
	f->res.tx = &f->rep[XC_TX];
	f->res.rx = &f->rep[XC_RX];
	f->res.tx_mode = XCEIVER__V1__XDP_MODE__XDP_MODE_SKB;
	f->res.rx_mode = XCEIVER__V1__XDP_MODE__XDP_MODE_SKB;
}

static void fx_init(struct fx *f, size_t n, size_t bidir, const char *extra)
{
	memset(f, 0, sizeof(*f));
	f->spec = spec_new(n, bidir, extra);
	fx_reports(f);
}

/* Judge what the fixture holds now. */
static void fx_judge(struct fx *f)
{
	char err[256] = "";

	xc_judgement_free(&f->j);
	xc_view_free(&f->view);
	assert_int_equal(xc_view_init(&f->view, f->spec, &f->res), 0);
	if (xc_judge(&f->view, &f->j, err, sizeof(err)))
		print_error("judge: %s\n", err);
	assert_string_equal(err, "");
}

static void fx_free(struct fx *f)
{
	int side;

	xc_judgement_free(&f->j);
	xc_view_free(&f->view);
	for (side = XC_TX; side <= XC_RX; side++) {
		free(f->rep[side].tx);
		free(f->rep[side].rx);
	}
	free(f->txs);
	free(f->rxs);
	protobuf_c_message_free_unpacked(&f->spec->base, NULL);
}

/* The check named name ("stream 2 missing", "foreign"); fails when none. */
static const struct xc_check *find(const struct fx *f, const char *name)
{
	char buf[128];
	size_t i;

	for (i = 0; i < f->j.n; i++) {
		xc_check_name(&f->j.checks[i], buf, sizeof(buf));
		if (!strcmp(buf, name))
			return &f->j.checks[i];
	}
	print_error("no check '%s'\n", name);
	fail();
	return NULL;
}

/* Exactly one check failed, and it is this one. */
static void only_failed(const struct fx *f, const char *name)
{
	const struct xc_check *c = find(f, name);

	assert_int_equal(c->result, XC_RESULT_FAIL);
	assert_int_equal(f->j.failed, 1);
}

/* Judged with this verdict word (the checks that failed aside). */
static void only_failed_word(const struct fx *f, enum xc_verdict_word w)
{
	assert_true(f->j.failed > 0 || w == XC_VERDICT_PASS);
	assert_int_equal(f->j.word, w);
}

/* Per stream 8 default checks, in total 4. */
static size_t default_checks(size_t streams)
{
	return 8 * streams + 4;
}

static void test_clean_run_passes(void **state)
{
	struct fx f;
	size_t i;

	fx_init(&f, 3, 0, "");
	fx_judge(&f);
	assert_int_equal(f.j.n, default_checks(3));
	assert_int_equal(f.j.failed, 0);
	assert_int_equal(f.j.not_judged, 0);
	assert_true(xc_judgement_pass(&f.j));
	for (i = 0; i < f.j.n; i++) {
		assert_int_equal(f.j.checks[i].result, XC_RESULT_PASS);
		assert_false(f.j.checks[i].from_spec);
	}
	assert_int_equal(find(&f, "stream 2 sent")->want, COUNT);
	assert_int_equal(find(&f, "stream 3 delivered")->got, COUNT);
	assert_int_equal(find(&f, "foreign")->op, XC_OP_EQ);
	fx_free(&f);
}

/* Every default check fails on its own when its counter is off by one. */
static void test_each_default_check_fails(void **state)
{
	static const char *const names[] = {
		"sent", "delivered", "missing", "corrupt", "duplicates",
		"reordered", "unexpected", "desc_errors",
	};
	char name[64];
	struct fx f;
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		fx_init(&f, 2, 0, "");
		switch (k) {
		case 0: f.txs[1].sent--; break;
		case 1: f.rxs[1].delivered--; break;
		case 2: f.rxs[1].missing = 1; break;
		case 3: f.rxs[1].corrupt = 1; break;
		case 4: f.rxs[1].duplicates = 1; break;
		case 5: f.rxs[1].reordered = 1; break;
		case 6: f.rxs[1].unexpected = 1; break;
		case 7: f.rxs[1].desc_errors = 1; break;
		}
		fx_judge(&f);
		snprintf(name, sizeof(name), "stream 2 %s", names[k]);
		only_failed(&f, name);
		assert_int_equal(find(&f, name)->got, k < 2 ? COUNT - 1 : 1);
		fx_free(&f);
	}
}

static void test_each_default_total_fails(void **state)
{
	struct fx f;
	int k;

	for (k = 0; k < 4; k++) {
		fx_init(&f, 1, 0, "");
		if (k == 0)
			f.rep[XC_RX].foreign = 1;
		else if (k == 1)
			f.rep[XC_RX].xdp_no_socket = 2;
		else if (k == 2)
			f.rep[XC_RX].xdp_action_failures = 3;
		else
			f.xsk[XC_TX].tx_invalid_descs = 4;
		fx_judge(&f);
		only_failed(&f, (const char *[]){ "foreign", "xdp_no_socket",
			    "xdp_action_failures", "tx_invalid_descs" }[k]);
		fx_free(&f);
	}
	/* descriptors sent invalid on purpose are expected to be rejected */
	fx_init(&f, 1, 0, "");
	f.rep[XC_TX].tx_invalid_sent = 5;
	f.xsk[XC_TX].tx_invalid_descs = 5;
	f.rxs[0].invalid_sent = 5;
	f.rxs[0].expected = COUNT - 5;
	f.rxs[0].delivered = COUNT - 5;
	f.txs[0].sent = COUNT - 5;
	fx_judge(&f);
	assert_int_equal(f.j.failed, 0);
	assert_int_equal(find(&f, "tx_invalid_descs")->want, 5);
	assert_int_equal(find(&f, "stream 1 sent")->want, COUNT - 5);
	fx_free(&f);
}

/* The false PASS: a check past the 1024th used to be dropped. */
static void test_many_streams(void **state)
{
	struct fx f;
	char name[64];
	size_t n[] = { 2, 130, 1000, XC_MAX_STREAMS };
	size_t i;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		fx_init(&f, n[i], 0, "expect: {checks: [\"foreign == 5\"]}");
		fx_judge(&f);
		/* every default but foreign's, and the spec's check */
		assert_int_equal(f.j.n, default_checks(n[i]));
		only_failed(&f, "foreign");
		assert_true(find(&f, "foreign")->from_spec);
		assert_false(xc_judgement_pass(&f.j));
		/* the last stream's checks are judged too */
		f.rep[XC_RX].foreign = 5;
		f.rxs[n[i] - 1].unexpected = 1;
		fx_judge(&f);
		snprintf(name, sizeof(name), "stream %zu unexpected", n[i]);
		only_failed(&f, name);
		fx_free(&f);
	}
}

static void test_stream_override(void **state)
{
	struct fx f;

	fx_init(&f, 2, 0, "expect: {checks: [\"stream 2 missing <= 10\"]}");
	f.rxs[1].missing = 10;
	f.rxs[1].delivered = COUNT - 10;
	fx_judge(&f);
	assert_int_equal(f.j.failed, 0);
	assert_int_equal(f.j.n, default_checks(2));
	/* delivered allows for what the missing check allows */
	assert_int_equal(find(&f, "stream 2 delivered")->want, COUNT - 10);
	assert_true(find(&f, "stream 2 missing")->from_spec);
	/* stream 1 keeps its strict defaults */
	f.rxs[0].missing = 1;
	f.rxs[0].delivered = COUNT - 1;
	fx_judge(&f);
	assert_int_equal(f.j.failed, 2);
	assert_int_equal(find(&f, "stream 1 missing")->result, XC_RESULT_FAIL);
	assert_int_equal(find(&f, "stream 1 delivered")->result,
			 XC_RESULT_FAIL);
	/* 11 missing is beyond the check */
	f.rxs[0].missing = 0;
	f.rxs[0].delivered = COUNT;
	f.rxs[1].missing = 11;
	f.rxs[1].delivered = COUNT - 11;
	fx_judge(&f);
	only_failed(&f, "stream 2 missing");
	fx_free(&f);
}

/* A check without a stream judges the total over every stream, once. */
static void test_total_override(void **state)
{
	struct fx f;

	fx_init(&f, 3, 0, "expect: {checks: [\"missing <= 10\", \"corrupt == 2\"]}");
	f.rxs[0].missing = 4;
	f.rxs[2].missing = 6;
	f.rxs[0].corrupt = 1;
	f.rxs[1].corrupt = 1;
	f.rxs[0].delivered = COUNT - 5;
	f.rxs[1].delivered = COUNT - 1;
	f.rxs[2].delivered = COUNT - 6;
	fx_judge(&f);
	assert_int_equal(f.j.failed, 0);
	/* no per-stream missing or corrupt checks, one total each */
	assert_int_equal(f.j.n, default_checks(3) - 2 * 3 + 2);
	assert_int_equal(find(&f, "missing")->got, 10);
	assert_int_equal(find(&f, "corrupt")->got, 2);
	f.rxs[1].missing = 1;
	f.rxs[1].delivered--;
	fx_judge(&f);
	only_failed(&f, "missing");
	assert_int_equal(find(&f, "missing")->got, 11);
	fx_free(&f);
}

static void test_every_operator(void **state)
{
	static const struct {
		const char *check;
		uint64_t foreign;
		bool pass;
	} t[] = {
		{ "foreign == 3", 3, true }, { "foreign == 3", 2, false },
		{ "foreign != 3", 2, true }, { "foreign != 3", 3, false },
		{ "foreign <= 3", 3, true }, { "foreign <= 3", 4, false },
		{ "foreign >= 3", 3, true }, { "foreign >= 3", 2, false },
		{ "foreign < 3", 2, true }, { "foreign < 3", 3, false },
		{ "foreign > 3", 4, true }, { "foreign > 3", 3, false },
	};
	char extra[96];
	struct fx f;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(extra, sizeof(extra), "expect: {checks: [\"%s\"]}",
			 t[i].check);
		fx_init(&f, 1, 0, extra);
		f.rep[XC_RX].foreign = t[i].foreign;
		fx_judge(&f);
		assert_int_equal(find(&f, "foreign")->result,
				 t[i].pass ? XC_RESULT_PASS : XC_RESULT_FAIL);
		assert_int_equal(xc_judgement_pass(&f.j), t[i].pass);
		fx_free(&f);
	}
}

/* Socket counters are summed over the side that owns them. */
static void test_side_counters(void **state)
{
	struct fx f;

	fx_init(&f, 1, 0, "expect: {checks: [\"rx_dropped == 3\", \"tx_ring_empty_descs == 4\", \"rx_ring_full == 0\"]}");
	f.xsk[XC_RX].rx_dropped = 3;
	f.xsk[XC_TX].rx_dropped = 100;	/* the sender's: not counted */
	f.xsk[XC_TX].tx_ring_empty_descs = 4;
	f.xsk[XC_RX].tx_ring_empty_descs = 100;	/* the receiver's */
	f.xsk[XC_TX].rx_ring_full = 7;		/* the sender's */
	fx_judge(&f);
	assert_int_equal(f.j.failed, 0);
	assert_int_equal(find(&f, "rx_dropped")->got, 3);
	assert_int_equal(find(&f, "tx_ring_empty_descs")->got, 4);
	fx_free(&f);

	/* both ways: each agent sends and receives, both sides count */
	fx_init(&f, 2, 2, "expect: {checks: [\"rx_dropped == 103\", \"foreign == 3\"]}");
	assert_int_equal(xc_stream_sender(f.spec->streams[1]), XC_RX);
	f.xsk[XC_RX].rx_dropped = 3;
	f.xsk[XC_TX].rx_dropped = 100;
	f.rep[XC_TX].foreign = 1;
	f.rep[XC_RX].foreign = 2;
	fx_judge(&f);
	assert_int_equal(f.j.failed, 0);
	/* stream 2's reports came from the other agents */
	assert_ptr_equal(f.view.rx[1], &f.rxs[1]);
	assert_int_equal(f.rep[XC_TX].n_rx, 1);
	f.rxs[1].corrupt = 1;
	fx_judge(&f);
	only_failed(&f, "stream 2 corrupt");
	fx_free(&f);
}

static void test_not_judged(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	struct xc_ctl_opts o = { .repeat = 1 };
	const struct xc_check *c;
	json_t *js, *jc;
	struct fx f;
	FILE *out;
	size_t i;

	fx_init(&f, 2, 0, "expect: {checks: [\"reordered not judged\"]}");
	f.rxs[0].reordered = 9;
	fx_judge(&f);
	assert_true(xc_judgement_pass(&f.j));
	assert_int_equal(f.j.not_judged, 1);
	/* no per-stream reordered check, one "not judged" entry */
	assert_int_equal(f.j.n, default_checks(2) - 2 + 1);
	c = find(&f, "reordered");
	assert_int_equal(c->result, XC_RESULT_NOT_JUDGED);
	/* listed as not judged, never as passed */
	js = xc_report_json(&f.view, &f.j, &o);
	assert_non_null(js);
	assert_int_equal(json_integer_value(json_object_get(js,
				"checks_not_judged")), 1);
	json_array_foreach(json_object_get(js, "checks"), i, jc) {
		if (strcmp(json_string_value(json_object_get(jc, "name")),
			   "reordered"))
			continue;
		assert_string_equal(json_string_value(json_object_get(jc,
					"result")), "not judged");
		assert_null(json_object_get(jc, "pass"));
		assert_null(json_object_get(jc, "value"));
	}
	json_decref(js);
	out = open_memstream(&buf, &len);
	xc_summary_print(out, &f.view, &f.j, &o);
	xc_verdict_print(out, &f.j, &o);
	fclose(out);
	assert_non_null(strstr(buf, "  --   reordered not judged"));
	assert_non_null(strstr(buf, "verdict: PASS (18 checks: every expectation held; 1 not judged)\n"));
	free(buf);
	fx_free(&f);
}

static void test_unreported_stream(void **state)
{
	struct fx f;

	fx_init(&f, 3, 0, "");
	f.rep[XC_RX].rx[1] = f.rep[XC_RX].rx[2];
	f.rep[XC_RX].n_rx = 2;		/* stream 2's entry is gone */
	fx_judge(&f);
	only_failed(&f, "stream 2 reported by its receiver");
	assert_null(f.view.rx[1]);
	/* and the stream's counters are not judged as if all were zero */
	assert_int_equal(f.j.n, default_checks(3) - 7 + 1);
	fx_free(&f);
}

/* A counter an agent could not read is unknown: its checks fail. */
static void test_unread_counters(void **state)
{
	struct xc_ctl_opts o = { .repeat = 1 };
	const struct xc_check *c;
	json_t *js, *jc;
	struct fx f;
	size_t i;

	fx_init(&f, 1, 0, "expect: {checks: [\"rx_dropped <= 5\"]}");
	f.xsk[XC_RX].unread = true;
	fx_judge(&f);
	c = find(&f, "rx_dropped");
	assert_int_equal(c->result, XC_RESULT_FAIL);
	assert_true(c->unknown);
	assert_int_equal(f.j.failed, 1);
	/* the sender's sockets do not own rx_dropped */
	f.xsk[XC_RX].unread = false;
	f.xsk[XC_TX].unread = true;
	fx_judge(&f);
	assert_int_equal(f.j.failed, 1);
	only_failed(&f, "tx_invalid_descs");
	assert_true(find(&f, "tx_invalid_descs")->unknown);
	assert_false(find(&f, "rx_dropped")->unknown);
	/* the XDP program's counters */
	f.xsk[XC_TX].unread = false;
	f.rep[XC_RX].xdp_stats_unread = true;
	fx_judge(&f);
	assert_int_equal(f.j.failed, 2);
	assert_true(find(&f, "xdp_no_socket")->unknown);
	assert_true(find(&f, "xdp_action_failures")->unknown);
	js = xc_report_json(&f.view, &f.j, &o);
	json_array_foreach(json_object_get(js, "checks"), i, jc) {
		if (strcmp(json_string_value(json_object_get(jc, "name")),
			   "xdp_no_socket"))
			continue;
		assert_true(json_is_null(json_object_get(jc, "value")));
		assert_true(json_is_true(json_object_get(jc, "unknown")));
		assert_true(json_is_false(json_object_get(jc, "pass")));
	}
	json_decref(js);
	fx_free(&f);
}

/* Frames the receiver's socket dropped: lost by the tester, not the link. */
static void lose(struct fx *f, size_t i, uint64_t n)
{
	f->rxs[i].missing += n;
	f->rxs[i].delivered -= n;
}

static void test_tester_loss(void **state)
{
	struct xc_ctl_opts o = { .quiet = true, .repeat = 2, .repetition = 1 };
	char *buf = NULL;
	size_t len = 0;
	json_t *js;
	struct fx f;
	FILE *out;

	/* the 25 ms stall of the issue: fill ring empty, all of it */
	fx_init(&f, 2, 0, "");
	lose(&f, 1, 5033);
	f.xsk[XC_RX].rx_dropped = 5033;
	f.xsk[XC_RX].rx_fill_ring_empty_descs = 5033;
	fx_judge(&f);
	assert_int_equal(f.j.failed, 2);
	assert_int_equal(f.j.word, XC_VERDICT_TESTER);
	assert_int_equal(f.j.loss.missing, 5033);
	assert_int_equal(f.j.loss.tester, 5033);
	assert_int_equal(f.j.loss.rx_socket, 5033);
	assert_int_equal(f.j.loss.not_attributed, 0);
	assert_int_equal(xc_verdict(f.spec, &f.res, &o, &js), XC_EXIT_TESTER);
	assert_string_equal(json_string_value(json_object_get(js, "verdict")),
			    "tester_loss");
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(js, "loss"), "tester")), 5033);
	json_decref(js);
	out = open_memstream(&buf, &len);
	xc_summary_print(out, &f.view, &f.j, &o);
	xc_verdict_print(out, &f.j, &(struct xc_ctl_opts){ .repeat = 1 });
	fclose(out);
	assert_non_null(strstr(buf, "loss: 5033 missing: 5033 lost by the tester itself (Rx sockets dropped 5033, never sent 0, on queues without a socket 0), 0 not attributed: the tester fell behind, not the link\n"));
	assert_non_null(strstr(buf, "verdict: TESTER LOSS (2 of 20 checks failed; every lost frame was lost by the tester itself, not the link: run it again)\n"));
	free(buf);

	/* one corrupt frame besides: the link did something, FAIL */
	f.rxs[0].corrupt = 1;
	f.rxs[0].delivered--;
	fx_judge(&f);
	assert_int_equal(f.j.word, XC_VERDICT_FAIL);
	assert_int_equal(xc_verdict(f.spec, &f.res, &o, NULL), XC_EXIT_FAIL);
	fx_free(&f);

	/* more missing than the tester dropped: FAIL, the rest unexplained */
	fx_init(&f, 1, 0, "");
	lose(&f, 0, 100);
	f.xsk[XC_RX].rx_ring_full = 60;
	fx_judge(&f);
	assert_int_equal(f.j.word, XC_VERDICT_FAIL);
	assert_int_equal(f.j.loss.tester, 60);
	assert_int_equal(f.j.loss.not_attributed, 40);
	/* the Rx ring full and a sender that sent short account for all */
	f.txs[0].sent -= 40;
	fx_judge(&f);
	only_failed_word(&f, XC_VERDICT_TESTER);
	assert_int_equal(f.j.loss.tx_unsent, 40);
	fx_free(&f);

	/* late frames arrived: not the tester's loss */
	fx_init(&f, 1, 0, "");
	lose(&f, 0, 100);
	f.rxs[0].late = 100;
	f.xsk[XC_RX].rx_dropped = 100;
	fx_judge(&f);
	assert_int_equal(f.j.word, XC_VERDICT_FAIL);
	assert_int_equal(f.j.loss.tester, 0);
	/* counters that could not be read settle nothing */
	f.rxs[0].late = 0;
	f.xsk[XC_RX].unread = true;
	fx_judge(&f);
	assert_int_equal(f.j.word, XC_VERDICT_FAIL);
	assert_true(f.j.loss.unknown);
	fx_free(&f);
}

/* The wrong report: each side's mode is its own. */
static void test_modes_per_side(void **state)
{
	struct xc_ctl_opts o = { .repeat = 1 };
	char *buf = NULL;
	size_t len = 0;
	struct fx f;
	FILE *out;
	json_t *js;

	fx_init(&f, 1, 0, "");
	f.res.tx_mode = XCEIVER__V1__XDP_MODE__XDP_MODE_SKB;
	f.res.rx_mode = XCEIVER__V1__XDP_MODE__XDP_MODE_DRV;
	fx_judge(&f);
	js = xc_report_json(&f.view, &f.j, &o);
	assert_string_equal(json_string_value(json_object_get(js, "tx_mode")),
			    "skb");
	assert_string_equal(json_string_value(json_object_get(js, "rx_mode")),
			    "drv");
	assert_string_equal(json_string_value(json_object_get(js, "verdict")),
			    "pass");
	json_decref(js);
	out = open_memstream(&buf, &len);
	xc_summary_print(out, &f.view, &f.j, &o);
	fclose(out);
	assert_non_null(strstr(buf, "tx 198.19.1.2:7007 xct (skb), rx 198.19.1.6:7007 xcr (drv)\n"));
	free(buf);
	fx_free(&f);
}

static void test_exit_codes(void **state)
{
	/* quiet, repeating: nothing printed */
	struct xc_ctl_opts o = { .quiet = true, .repeat = 2, .repetition = 1 };
	json_t *js = NULL;
	struct fx f;

	fx_init(&f, 2, 0, "");
	assert_int_equal(xc_verdict(f.spec, &f.res, &o, &js), XC_EXIT_PASS);
	assert_string_equal(json_string_value(json_object_get(js, "verdict")),
			    "pass");
	json_decref(js);
	f.rxs[0].duplicates = 1;
	assert_int_equal(xc_verdict(f.spec, &f.res, &o, &js), XC_EXIT_FAIL);
	assert_string_equal(json_string_value(json_object_get(js, "verdict")),
			    "fail");
	assert_int_equal(json_integer_value(json_object_get(js,
				"checks_failed")), 1);
	json_decref(js);
	assert_int_equal(xc_verdict(f.spec, &f.res, &o, NULL), XC_EXIT_FAIL);
	fx_free(&f);
}

/* Repetitions: the verdict line names its repetition. */
static void test_repeat_lines(void **state)
{
	struct xc_ctl_opts o = { .repeat = 3, .repetition = 2 };
	char *buf = NULL;
	size_t len = 0;
	struct fx f;
	FILE *out;

	fx_init(&f, 1, 0, "repeat: 3");
	f.rxs[0].corrupt = 1;
	f.rxs[0].delivered--;
	fx_judge(&f);
	out = open_memstream(&buf, &len);
	xc_verdict_print(out, &f.j, &o);
	fclose(out);
	assert_string_equal(buf, "repetition 2 of 3: FAIL (2 of 12 checks failed)\n");
	free(buf);
	fx_free(&f);
}

/* A report as xc_report_json gives it, enough for the repetitions. */
static json_t *rep_json(unsigned int i, bool pass)
{
	return json_pack("{s:s, s:s, s:i, s:i, s:i, s:{}, s:[]}", "verdict",
			 pass ? "pass" : "fail", "run_id", "0123456789abcdef",
			 "repetition", i, "checks_failed", pass ? 0 : 1,
			 "checks_total", 12, "spec", "checks");
}

static char *repeat_text(const struct xc_repeat *rp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	xc_repeat_print(out, rp);
	fclose(out);
	return buf;
}

/* The verdict over repetitions: it must hold in every one. */
static void test_repeat(void **state)
{
	Xceiver__V1__TestSpec *s = spec_new(1, 0, "repeat: 3");
	struct xc_repeat rp;
	json_t *js, *reps;
	char *text;

	assert_int_equal(xc_repeat_init(&rp, 3), 0);
	assert_int_equal(xc_repeat_add(&rp, 1, XC_EXIT_PASS, rep_json(1, 1)),
			 0);
	assert_int_equal(xc_repeat_add(&rp, 2, XC_EXIT_FAIL, rep_json(2, 0)),
			 0);
	assert_int_equal(xc_repeat_add(&rp, 3, XC_EXIT_PASS, rep_json(3, 1)),
			 0);
	assert_int_equal(xc_repeat_verdict(&rp), XC_EXIT_FAIL);
	text = repeat_text(&rp);
	assert_string_equal(text, "verdict: FAIL (repetition 2 of 3 failed)\n");
	free(text);
	js = xc_repeat_json(&rp, s);
	assert_string_equal(json_string_value(json_object_get(js, "verdict")),
			    "fail");
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(js, "failed_repetitions"), 0)), 2);
	reps = json_object_get(js, "repetitions");
	assert_int_equal(json_array_size(reps), 3);
	/* a passed repetition but the last keeps its outcome only */
	assert_null(json_object_get(json_array_get(reps, 0), "checks"));
	assert_non_null(json_object_get(json_array_get(reps, 1), "checks"));
	assert_non_null(json_object_get(json_array_get(reps, 2), "checks"));
	/* the spec once, at the top */
	assert_null(json_object_get(json_array_get(reps, 1), "spec"));
	assert_non_null(json_object_get(js, "spec"));
	json_decref(js);
	xc_repeat_free(&rp);

	/* every repetition passed; two failed; no JSON asked */
	assert_int_equal(xc_repeat_init(&rp, 2), 0);
	xc_repeat_add(&rp, 1, XC_EXIT_PASS, NULL);
	xc_repeat_add(&rp, 2, XC_EXIT_PASS, NULL);
	assert_int_equal(xc_repeat_verdict(&rp), XC_EXIT_PASS);
	text = repeat_text(&rp);
	assert_string_equal(text, "verdict: PASS (2 repetitions, every check held in each)\n");
	free(text);
	xc_repeat_free(&rp);
	assert_int_equal(xc_repeat_init(&rp, 3), 0);
	xc_repeat_add(&rp, 1, XC_EXIT_FAIL, NULL);
	xc_repeat_add(&rp, 2, XC_EXIT_PASS, NULL);
	xc_repeat_add(&rp, 3, XC_EXIT_FAIL, NULL);
	text = repeat_text(&rp);
	assert_string_equal(text, "verdict: FAIL (repetitions 1, 3 of 3 failed)\n");
	free(text);
	xc_repeat_free(&rp);
	/* failed only by the tester's own loss: its own word */
	assert_int_equal(xc_repeat_init(&rp, 2), 0);
	xc_repeat_add(&rp, 1, XC_EXIT_TESTER, NULL);
	xc_repeat_add(&rp, 2, XC_EXIT_PASS, NULL);
	assert_int_equal(xc_repeat_verdict(&rp), XC_EXIT_TESTER);
	text = repeat_text(&rp);
	assert_string_equal(text, "verdict: TESTER LOSS (repetition 1 of 2 failed, each only by frames the tester itself lost)\n");
	free(text);
	xc_repeat_add(&rp, 2, XC_EXIT_FAIL, NULL);
	assert_int_equal(xc_repeat_verdict(&rp), XC_EXIT_FAIL);
	xc_repeat_free(&rp);
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

/* Limits are refused when the spec is read, with the limit named. */
static void spec_refused(size_t n, const char *extra, const char *want)
{
	Xceiver__V1__TestSpec *s = NULL;
	char *y = spec_yaml(n, 0, extra);
	char err[512] = "";

	assert_int_equal(xc_pb_from_yaml(SPEC_MSG, "t", y, strlen(y),
					 (ProtobufCMessage **)&s, err,
					 sizeof(err)), 0);
	assert_int_equal(xc_spec_defaults(s), 0);
	assert_int_equal(xc_spec_check(s, "t", err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		print_error("'%s' not in '%s'\n", want, err);
	assert_non_null(strstr(err, want));
	protobuf_c_message_free_unpacked(&s->base, NULL);
	free(y);
}

static void test_spec_limits(void **state)
{
	Xceiver__V1__TestSpec *s;

	spec_refused(XC_MAX_STREAMS + 1, "",
		     "streams: 4097 streams, above the maximum of 4096");
	spec_refused(1, "rx_options: {max_anomalies: 1025}",
		     "rx_options.max_anomalies: 1025 is above the maximum of 1024");
	spec_refused(2000, "expect: {max_missing_ranges: 1024}",
		     "expect.max_missing_ranges: 1024 ranges for each of 2000 streams (with 16 anomalies kept) do not fit a report of 16 MiB: at most ");
	/* the default keeps 1024 ranges where they fit, fewer where not */
	s = spec_new(2, 0, "");
	assert_int_equal(s->expect->max_missing_ranges, XC_DEF_MAX_RANGES);
	protobuf_c_message_free_unpacked(&s->base, NULL);
	s = spec_new(XC_MAX_STREAMS, 0,
		     "rx_options: {max_anomalies: 1024}");
	assert_true(s->expect->max_missing_ranges >= 1);
	assert_int_equal(s->expect->max_missing_ranges,
			 xc_report_max_ranges(XC_MAX_STREAMS, 1024));
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_run_passes),
		cmocka_unit_test(test_each_default_check_fails),
		cmocka_unit_test(test_each_default_total_fails),
		cmocka_unit_test(test_many_streams),
		cmocka_unit_test(test_stream_override),
		cmocka_unit_test(test_total_override),
		cmocka_unit_test(test_every_operator),
		cmocka_unit_test(test_side_counters),
		cmocka_unit_test(test_not_judged),
		cmocka_unit_test(test_unreported_stream),
		cmocka_unit_test(test_unread_counters),
		cmocka_unit_test(test_tester_loss),
		cmocka_unit_test(test_modes_per_side),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_repeat_lines),
		cmocka_unit_test(test_repeat),
		cmocka_unit_test(test_spec_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
