// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The verdict: a list of checks, each an expectation and the measured value,
 * over the Tx and Rx reports. Strict by default: every expected frame
 * delivered intact and nothing else. The summary shows every check; --json
 * writes the whole report.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "xc_ctl.h"
#include "xc_spec.h"
#include "xc_util.h"
#include "xc_validate.h"

#define XC_MAX_CHECKS		512
#define XC_SHOW_RANGES		8

struct xc_check {
	char name[64];
	const char *op;		/* "==" */
	uint64_t want;
	uint64_t got;
	bool pass;
};

struct xc_checks {
	struct xc_check c[XC_MAX_CHECKS];
	unsigned int n;
	bool pass;
};

static void xc_check_eq(struct xc_checks *cs, const char *name, uint32_t id,
			uint64_t want, uint64_t got)
{
	struct xc_check *c;

	if (cs->n == XC_MAX_CHECKS)
		return;
	c = &cs->c[cs->n++];
	if (id == UINT32_MAX)
		snprintf(c->name, sizeof(c->name), "%s", name);
	else
		snprintf(c->name, sizeof(c->name), "stream %u %s", id, name);
	c->op = "==";
	c->want = want;
	c->got = got;
	c->pass = want == got;
	if (!c->pass)
		cs->pass = false;
}

static const Xceiver__V1__TxStreamReport *
xc_find_tx(const Xceiver__V1__Report *r, uint32_t id)
{
	size_t i;

	for (i = 0; r && i < r->n_tx; i++)
		if (r->tx[i]->stream_id == id)
			return r->tx[i];
	return NULL;
}

static const Xceiver__V1__RxStreamReport *
xc_find_rx(const Xceiver__V1__Report *r, uint32_t id)
{
	size_t i;

	for (i = 0; r && i < r->n_rx; i++)
		if (r->rx[i]->stream_id == id)
			return r->rx[i];
	return NULL;
}

static void xc_judge_stream(struct xc_checks *cs,
			    const Xceiver__V1__Stream *s,
			    const struct xc_run_result *res)
{
	const Xceiver__V1__TxStreamReport *t = xc_find_tx(res->tx, s->id);
	const Xceiver__V1__RxStreamReport *r = xc_find_rx(res->rx, s->id);
	static const Xceiver__V1__RxStreamReport none =
		XCEIVER__V1__RX_STREAM_REPORT__INIT;

	xc_check_eq(cs, "sent", s->id, s->count, t ? t->sent : 0);
	if (!r) {
		r = &none;
		cs->pass = false;
	}
	xc_check_eq(cs, "delivered", s->id, s->count, r->delivered);
	xc_check_eq(cs, "missing", s->id, 0, r->missing);
	xc_check_eq(cs, "corrupt", s->id, 0, r->corrupt);
	xc_check_eq(cs, "duplicates", s->id, 0, r->duplicates);
	xc_check_eq(cs, "reordered", s->id, 0, r->reordered);
	xc_check_eq(cs, "unexpected", s->id, 0, r->unexpected);
}

static void xc_judge(struct xc_checks *cs, const Xceiver__V1__TestSpec *spec,
		     const struct xc_run_result *res)
{
	size_t i;

	cs->n = 0;
	cs->pass = true;
	for (i = 0; i < spec->n_streams; i++)
		xc_judge_stream(cs, spec->streams[i], res);
	xc_check_eq(cs, "foreign frames", UINT32_MAX, 0, res->rx->foreign);
}

static const char *xc_mode_name(Xceiver__V1__XdpMode m)
{
	switch (m) {
	case XCEIVER__V1__XDP_MODE__XDP_MODE_SKB:
		return "skb";
	case XCEIVER__V1__XDP_MODE__XDP_MODE_DRV:
		return "drv";
	case XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY:
		return "zerocopy";
	default:
		return "auto";
	}
}

static double xc_rate(uint64_t frames, uint64_t ns)
{
	return ns ? (double)frames * 1e9 / (double)ns : 0.0;
}

static void xc_print_ranges(const Xceiver__V1__RxStreamReport *r)
{
	size_t i, n = XC_MIN(r->n_missing_ranges, (size_t)XC_SHOW_RANGES);

	if (!r->missing)
		return;
	printf("    missing ranges (%" PRIu64 "):", r->missing_range_count);
	for (i = 0; i < n; i++) {
		const Xceiver__V1__SeqRange *g = r->missing_ranges[i];

		if (g->first == g->last)
			printf(" %" PRIu64, g->first);
		else
			printf(" %" PRIu64 "-%" PRIu64, g->first, g->last);
	}
	if (r->missing_range_count > n)
		printf(" ... (--json has %zu)", r->n_missing_ranges);
	printf("\n");
}

static void xc_print_stream(const Xceiver__V1__Stream *s,
			    const struct xc_run_result *res)
{
	const Xceiver__V1__TxStreamReport *t = xc_find_tx(res->tx, s->id);
	const Xceiver__V1__RxStreamReport *r = xc_find_rx(res->rx, s->id);
	const Xceiver__V1__Headers *h = s->headers;

	printf("stream %u: %" PRIu64 " frames of %u bytes, %s:%u -> %s:%u, ",
	       s->id, s->count, s->frame_size, h->src_ip, h->udp->src,
	       h->dst_ip, h->udp->dst);
	if (s->rate_pps)
		printf("%" PRIu64 " pps\n", s->rate_pps);
	else
		printf("full speed\n");
	printf("  sent        %12" PRIu64 "   %.3f Mpps\n", t ? t->sent : 0,
	       xc_rate(t ? t->sent : 0, res->tx->tx_elapsed_ns) / 1e6);
	if (!r)
		return;
	printf("  delivered   %12" PRIu64 "   %.3f Mpps validated\n",
	       r->delivered, xc_rate(r->delivered, res->rx->rx_elapsed_ns) /
	       1e6);
	printf("  missing     %12" PRIu64 "\n", r->missing);
	xc_print_ranges(r);
	printf("  corrupt     %12" PRIu64, r->corrupt);
	if (r->has_corrupt)
		printf("   first: seq %" PRIu64 " at byte %u",
		       r->first_corrupt_seq, r->first_corrupt_offset);
	printf("\n  duplicates  %12" PRIu64 "\n", r->duplicates);
	printf("  reordered   %12" PRIu64 "   max displacement %" PRIu64 "\n",
	       r->reordered, r->max_reorder);
	printf("  unexpected  %12" PRIu64 "\n", r->unexpected);
	if (r->late)
		printf("  late        %12" PRIu64 "   (older than the window, counted missing)\n",
		       r->late);
}

static void xc_print_xsk(const char *side, const Xceiver__V1__Report *r)
{
	size_t i;

	for (i = 0; r && i < r->n_xsk; i++) {
		const Xceiver__V1__XskStats *x = r->xsk[i];

		printf("%s xsk queue %u: rx_dropped %" PRIu64
		       " rx_invalid_descs %" PRIu64 " tx_invalid_descs %"
		       PRIu64 " rx_ring_full %" PRIu64
		       " rx_fill_ring_empty_descs %" PRIu64
		       " tx_ring_empty_descs %" PRIu64 "\n", side, x->queue,
		       x->rx_dropped, x->rx_invalid_descs, x->tx_invalid_descs,
		       x->rx_ring_full, x->rx_fill_ring_empty_descs,
		       x->tx_ring_empty_descs);
	}
}

static void xc_print_summary(const Xceiver__V1__TestSpec *spec,
			     const struct xc_run_result *res,
			     const struct xc_checks *cs)
{
	unsigned int i, failed = 0;
	size_t s;

	printf("run %016" PRIx64 ": tx %s %s (%s), rx %s %s (%s)\n",
	       res->run_id, spec->tx->agent, spec->tx->xsk->ifname,
	       xc_mode_name(res->tx_mode), spec->rx->agent,
	       spec->rx->xsk->ifname, xc_mode_name(res->rx_mode));
	for (s = 0; s < spec->n_streams; s++)
		xc_print_stream(spec->streams[s], res);
	printf("foreign frames %" PRIu64 ", rx frames %" PRIu64 "\n",
	       res->rx->foreign, res->rx->rx_frames);
	xc_print_xsk("tx", res->tx);
	xc_print_xsk("rx", res->rx);
	for (i = 0; i < cs->n; i++) {
		if (cs->c[i].pass)
			continue;
		failed++;
		printf("  FAIL %s: expected %s %" PRIu64 ", got %" PRIu64 "\n",
		       cs->c[i].name, cs->c[i].op, cs->c[i].want,
		       cs->c[i].got);
	}
	if (cs->pass)
		printf("verdict: PASS (%u checks: every expected frame delivered intact, nothing else)\n",
		       cs->n);
	else
		printf("verdict: FAIL (%u of %u checks failed)\n", failed,
		       cs->n);
}

static json_t *xc_checks_json(const struct xc_checks *cs)
{
	json_t *arr = json_array();
	unsigned int i;

	for (i = 0; arr && i < cs->n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I, s:b}",
			"name", cs->c[i].name, "op", cs->c[i].op,
			"expected", (json_int_t)cs->c[i].want,
			"value", (json_int_t)cs->c[i].got,
			"pass", cs->c[i].pass));
	return arr;
}

static int xc_write_json(const char *path, const Xceiver__V1__TestSpec *spec,
			 const struct xc_run_result *res,
			 const struct xc_checks *cs)
{
	char id[24];
	json_t *root;
	int err = 0;

	snprintf(id, sizeof(id), "%016" PRIx64, res->run_id);
	root = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "verdict", cs->pass ? "pass" : "fail",
			 "run_id", id,
			 "tx_mode", xc_mode_name(res->tx_mode),
			 "rx_mode", xc_mode_name(res->rx_mode),
			 "spec", xc_pb_to_json(&spec->base),
			 "tx_interface", xc_pb_to_json(&res->tx_if->base),
			 "rx_interface", xc_pb_to_json(&res->rx_if->base),
			 "tx", xc_pb_to_json(&res->tx->base),
			 "rx", xc_pb_to_json(&res->rx->base),
			 "checks", xc_checks_json(cs));
	if (!root)
		return -ENOMEM;
	if (json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS)) {
		fprintf(stderr, "xceiver: cannot write %s: %s\n", path,
			strerror(errno));
		err = -EIO;
	}
	json_decref(root);
	return err;
}

int xc_verdict(const Xceiver__V1__TestSpec *spec,
	       const struct xc_run_result *res, const struct xc_ctl_opts *opts)
{
	struct xc_checks *cs;
	int ret;

	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return XC_EXIT_RUN;
	xc_judge(cs, spec, res);
	if (!opts->quiet)
		xc_print_summary(spec, res, cs);
	else
		printf("verdict: %s\n", cs->pass ? "PASS" : "FAIL");
	ret = cs->pass ? XC_EXIT_PASS : XC_EXIT_FAIL;
	if (opts->json_path && xc_write_json(opts->json_path, spec, res, cs))
		ret = XC_EXIT_RUN;
	free(cs);
	return ret;
}
