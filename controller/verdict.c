// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The verdict: a list of checks, each an expectation and the measured value,
 * over the reports of both agents. Strict by default, per stream:
 *
 *   sent == count - invalid_sent (Tx counts the valid descriptors it sent;
 *   the ones sent invalid on purpose, by the stream's generator, apart),
 *   delivered == expected (the seqs Rx must get: all but those sent
 *   invalid on purpose or dropped by the XDP action), missing,
 *   corrupt, duplicates, reordered, unexpected, desc_errors == 0
 *
 * and in total: foreign == 0, tx_invalid_descs == the descriptors sent
 * invalid on purpose. Each expect.checks entry replaces the default check
 * of its counter: for one stream ("stream 2 missing <= 10") or, without a
 * stream, for every stream by one check of the total. When missing or
 * corrupt has its own check, the default delivered check allows for them
 * (delivered == expected - missing - corrupt). The summary shows every
 * check with its measured value; --json writes everything, --pcap the
 * frames of the anomalies.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "xc_ctl.h"
#include "xc_expect.h"
#include "xc_pb.h"
#include "xc_spec.h"
#include "xc_util.h"

#define XC_MAX_CHECKS		1024
#define XC_SHOW_RANGES		8
#define XC_SHOW_ANOMALIES	8
#define XC_ANY_STREAM		UINT32_MAX

struct xc_check {
	char name[64];		/* "stream 1 missing", "foreign" */
	enum xc_expect_op op;
	uint64_t want;
	uint64_t got;
	bool pass;
	bool from_spec;		/* an expect.checks entry */
};

struct xc_checks {
	struct xc_check c[XC_MAX_CHECKS];
	unsigned int n;
	unsigned int failed;
	struct xc_expect *exp;	/* parsed expect.checks */
	size_t nexp;
};

/* Everything the checks read: the spec and both agents' reports. */
struct xc_vctx {
	const Xceiver__V1__TestSpec *spec;
	const struct xc_run_result *res;
};

static const Xceiver__V1__Report *xc_side_report(const struct xc_vctx *v,
						 enum xc_side side)
{
	return side == XC_TX ? v->res->tx : v->res->rx;
}

static void xc_check_add(struct xc_checks *cs, uint32_t id,
			 enum xc_counter ctr, enum xc_expect_op op,
			 uint64_t want, uint64_t got, bool from_spec)
{
	struct xc_check *c;

	if (cs->n == XC_MAX_CHECKS)
		return;
	c = &cs->c[cs->n++];
	if (id == XC_ANY_STREAM)
		snprintf(c->name, sizeof(c->name), "%s", xc_counter_name(ctr));
	else
		snprintf(c->name, sizeof(c->name), "stream %u %s", id,
			 xc_counter_name(ctr));
	c->op = op;
	c->want = want;
	c->got = got;
	c->from_spec = from_spec;
	c->pass = xc_expect_eval(&(struct xc_expect){ .op = op,
						      .value = want }, got);
	if (!c->pass)
		cs->failed++;
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

static const Xceiver__V1__TxStreamReport *
xc_stream_tx(const struct xc_vctx *v, const Xceiver__V1__Stream *st)
{
	return xc_find_tx(xc_side_report(v, xc_stream_sender(st)), st->id);
}

static const Xceiver__V1__RxStreamReport *
xc_stream_rx(const struct xc_vctx *v, const Xceiver__V1__Stream *st)
{
	enum xc_side to = xc_stream_sender(st) == XC_TX ? XC_RX : XC_TX;

	return xc_find_rx(xc_side_report(v, to), st->id);
}

/* A per-stream counter of one stream. */
static uint64_t xc_stream_value(const struct xc_vctx *v,
				const Xceiver__V1__Stream *st,
				enum xc_counter c)
{
	const Xceiver__V1__TxStreamReport *t = xc_stream_tx(v, st);
	const Xceiver__V1__RxStreamReport *r = xc_stream_rx(v, st);

	if (c == XC_CTR_SENT)
		return t ? t->sent : 0;
	if (!r)
		return 0;
	switch (c) {
	case XC_CTR_DELIVERED:
		return r->delivered;
	case XC_CTR_MISSING:
		return r->missing;
	case XC_CTR_CORRUPT:
		return r->corrupt;
	case XC_CTR_DUPLICATES:
		return r->duplicates;
	case XC_CTR_REORDERED:
		return r->reordered;
	case XC_CTR_UNEXPECTED:
		return r->unexpected;
	case XC_CTR_LATE:
		return r->late;
	case XC_CTR_DESC_ERRORS:
		return r->desc_errors;
	default:
		return 0;
	}
}

static uint64_t xc_xsk_value(const Xceiver__V1__XskStats *x,
			     enum xc_counter c)
{
	switch (c) {
	case XC_CTR_RX_DROPPED:
		return x->rx_dropped;
	case XC_CTR_RX_INVALID_DESCS:
		return x->rx_invalid_descs;
	case XC_CTR_TX_INVALID_DESCS:
		return x->tx_invalid_descs;
	case XC_CTR_RX_RING_FULL:
		return x->rx_ring_full;
	case XC_CTR_RX_FILL_RING_EMPTY_DESCS:
		return x->rx_fill_ring_empty_descs;
	case XC_CTR_TX_RING_EMPTY_DESCS:
		return x->tx_ring_empty_descs;
	default:
		return 0;
	}
}

/* Counters a receiving agent reports once, not per socket or stream. */
static uint64_t xc_report_value(const Xceiver__V1__Report *r,
				enum xc_counter c)
{
	if (c == XC_CTR_XDP_NO_SOCKET)
		return r->xdp_no_socket;
	if (c == XC_CTR_XDP_ACTION_FAILURES)
		return r->xdp_action_failures;
	return r->foreign;
}

/* Whether a socket counter belongs to the sending side. */
static bool xc_counter_tx_side(enum xc_counter c)
{
	return c == XC_CTR_TX_INVALID_DESCS || c == XC_CTR_TX_RING_EMPTY_DESCS;
}

/*
 * A total: per-stream counters summed over the streams, foreign over the
 * receiving agents, socket counters over the sockets of the agents on the
 * side that owns them (senders for tx_*, receivers for the rest).
 */
static uint64_t xc_total_value(const struct xc_vctx *v, enum xc_counter c)
{
	uint64_t sum = 0;
	size_t i, j;
	int side;

	if (xc_counter_per_stream(c)) {
		for (i = 0; i < v->spec->n_streams; i++)
			sum += xc_stream_value(v, v->spec->streams[i], c);
		return sum;
	}
	for (side = XC_TX; side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_side_report(v, side);
		bool owns = xc_counter_tx_side(c) ?
			    xc_side_sends(v->spec, side) :
			    xc_side_receives(v->spec, side);

		if (!r || !owns)
			continue;
		if (c == XC_CTR_FOREIGN || c == XC_CTR_XDP_NO_SOCKET ||
		    c == XC_CTR_XDP_ACTION_FAILURES) {
			sum += xc_report_value(r, c);
			continue;
		}
		for (j = 0; j < r->n_xsk; j++)
			sum += xc_xsk_value(r->xsk[j], c);
	}
	return sum;
}

/* Descriptors the senders sent invalid on purpose. */
static uint64_t xc_invalid_sent(const struct xc_vctx *v)
{
	uint64_t sum = 0;
	int side;

	for (side = XC_TX; side <= XC_RX; side++)
		if (xc_side_report(v, side) && xc_side_sends(v->spec, side))
			sum += xc_side_report(v, side)->tx_invalid_sent;
	return sum;
}

/* An expect.checks entry covers this counter of this stream. */
static bool xc_overridden(const struct xc_checks *cs, uint32_t id,
			  enum xc_counter c)
{
	size_t i;

	for (i = 0; i < cs->nexp; i++)
		if (cs->exp[i].counter == c &&
		    (!cs->exp[i].has_stream || id == XC_ANY_STREAM ||
		     cs->exp[i].stream_id == id))
			return true;
	return false;
}

static void xc_default_eq(struct xc_checks *cs, const struct xc_vctx *v,
			  const Xceiver__V1__Stream *st, enum xc_counter c,
			  uint64_t want)
{
	if (!xc_overridden(cs, st->id, c))
		xc_check_add(cs, st->id, c, XC_OP_EQ, want,
			     xc_stream_value(v, st, c), false);
}

static void xc_judge_stream(struct xc_checks *cs, const struct xc_vctx *v,
			    const Xceiver__V1__Stream *st)
{
	static const enum xc_counter zero[] = {
		XC_CTR_MISSING, XC_CTR_CORRUPT, XC_CTR_DUPLICATES,
		XC_CTR_REORDERED, XC_CTR_UNEXPECTED, XC_CTR_DESC_ERRORS,
	};
	const Xceiver__V1__RxStreamReport *r = xc_stream_rx(v, st);
	uint64_t want;
	size_t i;

	/* sent counts the valid descriptors; the invalid ones go apart */
	xc_default_eq(cs, v, st, XC_CTR_SENT, st->count -
		      (r ? XC_MIN(r->invalid_sent, st->count) : 0));
	if (!r) {
		/* no report for the stream: nothing it says can hold */
		xc_check_add(cs, st->id, XC_CTR_DELIVERED, XC_OP_EQ, 1, 0,
			     false);
		snprintf(cs->c[cs->n - 1].name, sizeof(cs->c[0].name),
			 "stream %u reported by its receiver", st->id);
		return;
	}
	want = r->expected;
	if (xc_overridden(cs, st->id, XC_CTR_MISSING))
		want -= XC_MIN(want, r->missing);
	if (xc_overridden(cs, st->id, XC_CTR_CORRUPT))
		want -= XC_MIN(want, r->corrupt);
	xc_default_eq(cs, v, st, XC_CTR_DELIVERED, want);
	for (i = 0; i < XC_ARRAY_SIZE(zero); i++)
		xc_default_eq(cs, v, st, zero[i], 0);
}

static void xc_judge_expect(struct xc_checks *cs, const struct xc_vctx *v)
{
	const Xceiver__V1__Stream *st = NULL;
	size_t i, j;

	for (i = 0; i < cs->nexp; i++) {
		const struct xc_expect *e = &cs->exp[i];
		uint64_t got;

		if (e->has_stream) {
			for (j = 0; j < v->spec->n_streams; j++)
				if (v->spec->streams[j]->id == e->stream_id)
					st = v->spec->streams[j];
			got = st ? xc_stream_value(v, st, e->counter) : 0;
		} else {
			got = xc_total_value(v, e->counter);
		}
		xc_check_add(cs, e->has_stream ? e->stream_id : XC_ANY_STREAM,
			     e->counter, e->op, e->value, got, true);
	}
}

/* Totals that must stay at zero unless a check says otherwise. */
static const enum xc_counter xc_zero_totals[] = {
	XC_CTR_FOREIGN, XC_CTR_XDP_NO_SOCKET, XC_CTR_XDP_ACTION_FAILURES,
};

static int xc_judge(struct xc_checks *cs, const struct xc_vctx *v)
{
	const Xceiver__V1__Expect *ex = v->spec->expect;
	size_t i;
	int ret;

	cs->n = 0;
	cs->failed = 0;
	ret = xc_expect_parse_list(ex ? ex->checks : NULL,
				   ex ? ex->n_checks : 0, &cs->exp, NULL, 0);
	if (ret)
		return ret;
	cs->nexp = ex ? ex->n_checks : 0;
	for (i = 0; i < v->spec->n_streams; i++)
		xc_judge_stream(cs, v, v->spec->streams[i]);
	for (i = 0; i < XC_ARRAY_SIZE(xc_zero_totals); i++)
		if (!xc_overridden(cs, XC_ANY_STREAM, xc_zero_totals[i]))
			xc_check_add(cs, XC_ANY_STREAM, xc_zero_totals[i],
				     XC_OP_EQ, 0,
				     xc_total_value(v, xc_zero_totals[i]),
				     false);
	if (!xc_overridden(cs, XC_ANY_STREAM, XC_CTR_TX_INVALID_DESCS))
		xc_check_add(cs, XC_ANY_STREAM, XC_CTR_TX_INVALID_DESCS,
			     XC_OP_EQ, xc_invalid_sent(v),
			     xc_total_value(v, XC_CTR_TX_INVALID_DESCS),
			     false);
	xc_judge_expect(cs, v);
	return 0;
}

/* ------------------------------------------------------------ summary */

static const char *xc_enum(const ProtobufCEnumDescriptor *e, int v,
			   char *buf, size_t len)
{
	const char *s = xc_pb_enum_name(e, v, buf, len);

	if (!s)
		snprintf(buf, len, "%d", v);
	return buf;
}

static const char *xc_mode_name(Xceiver__V1__XdpMode m)
{
	static char buf[16];

	return xc_enum(&xceiver__v1__xdp_mode__descriptor, m, buf,
		       sizeof(buf));
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

/* "64 bytes", "sizes 64,128", "64..1518 bytes", "IMIX" */
static void xc_size_text(const Xceiver__V1__Stream *s, char *buf, size_t len)
{
	const Xceiver__V1__Sizes *z = s->sizes;
	size_t i, off;

	if (z && (z->n_imix || z->standard_imix)) {
		snprintf(buf, len, "%s IMIX (mean %.0f bytes)",
			 z->n_imix ? "custom" : "standard",
			 xc_spec_stream_mean_frame(s));
	} else if (z && z->n_list) {
		off = snprintf(buf, len, "sizes");
		for (i = 0; i < z->n_list && off < len; i++)
			off += snprintf(buf + off, len - off, "%s%u",
					i ? "," : " ", z->list[i]);
	} else if (z && (z->min || z->max)) {
		snprintf(buf, len, "%u..%u bytes", z->min, z->max);
	} else {
		snprintf(buf, len, "%u bytes", s->frame_size);
	}
}

static void xc_print_rate(double want, double got)
{
	printf("  rate        requested %.0f pps, achieved %.0f pps",
	       want, got);
	if (want > 0)
		printf(" (%+.3f%%)", (got - want) * 100 / want);
	printf("\n");
}

static void xc_print_stream(const struct xc_vctx *v,
			    const Xceiver__V1__Stream *s)
{
	enum xc_side from = xc_stream_sender(s);
	const Xceiver__V1__Report *tr = xc_side_report(v, from);
	const Xceiver__V1__Report *rr = xc_side_report(v, !from);
	const Xceiver__V1__TxStreamReport *t = xc_stream_tx(v, s);
	const Xceiver__V1__RxStreamReport *r = xc_stream_rx(v, s);
	const Xceiver__V1__Headers *h = s->headers;
	char size[96];

	xc_size_text(s, size, sizeof(size));
	printf("stream %u (%s -> %s): %" PRIu64 " frames, %s, %s:%u -> %s:%u, ",
	       s->id, from == XC_TX ? "tx" : "rx", from == XC_TX ? "rx" : "tx",
	       s->count, size, h->src_ip, h->udp->src, h->dst_ip,
	       h->udp->dst);
	if (h->vlan_id)
		printf("(vlan %u) ", h->vlan_id);
	if (s->rate_pps || s->rate_bps)
		printf("%.0f pps\n", xc_spec_stream_pps(s));
	else
		printf("full speed\n");
	printf("  sent        %12" PRIu64 "   %.3f Mpps\n", t ? t->sent : 0,
	       xc_rate(t ? t->sent : 0, tr ? tr->tx_elapsed_ns : 0) / 1e6);
	if ((s->rate_pps || s->rate_bps) && t && t->sent > 1 && t->span_ns)
		xc_print_rate(xc_spec_stream_pps(s),
			      (t->sent - 1) * 1e9 / t->span_ns);
	if (t && t->pace_restarts)
		printf("  pacing      %12" PRIu64
		       "   restarts of the schedule, more than the burst (%u frames) behind: %.3f ms lost\n",
		       t->pace_restarts, t->pace_burst, t->pace_lost_ns / 1e6);
	if (!r) {
		printf("  (no report from the receiver)\n");
		return;
	}
	printf("  expected    %12" PRIu64, r->expected);
	if (r->invalid_sent || r->xdp_dropped)
		printf("   (%" PRIu64 " sent invalid, %" PRIu64
		       " dropped by XDP on purpose)", r->invalid_sent,
		       r->xdp_dropped);
	printf("\n  delivered   %12" PRIu64 "   %.3f Mpps validated\n",
	       r->delivered, xc_rate(r->delivered, rr ? rr->rx_elapsed_ns : 0) /
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
	if (r->desc_errors)
		printf("  desc errors %12" PRIu64 "\n", r->desc_errors);
	if (r->late)
		printf("  late        %12" PRIu64 "   (older than the window, counted missing)\n",
		       r->late);
}

static void xc_print_xsk(const char *side, const Xceiver__V1__Report *r)
{
	size_t i;

	for (i = 0; r && i < r->n_xsk; i++) {
		const Xceiver__V1__XskStats *x = r->xsk[i];

		printf("%s xsk queue %u: rx_descs %" PRIu64 " rx_dropped %"
		       PRIu64 " rx_invalid_descs %" PRIu64
		       " tx_invalid_descs %" PRIu64 " rx_ring_full %" PRIu64
		       " rx_fill_ring_empty_descs %" PRIu64
		       " tx_ring_empty_descs %" PRIu64 "\n", side, x->queue,
		       x->rx_descs, x->rx_dropped, x->rx_invalid_descs,
		       x->tx_invalid_descs, x->rx_ring_full,
		       x->rx_fill_ring_empty_descs, x->tx_ring_empty_descs);
	}
}

static void xc_print_anomaly(const char *side, const Xceiver__V1__Anomaly *a)
{
	char kind[32];

	xc_enum(&xceiver__v1__anomaly_kind__descriptor, a->kind, kind,
		sizeof(kind));
	if (a->kind == XCEIVER__V1__ANOMALY_KIND__ANOMALY_FOREIGN)
		printf("  %s: foreign frame: length %u", side, a->seen_len);
	else
		printf("  %s: %s stream %u seq %" PRIu64
		       ": length %u (expected %u)", side, kind, a->stream_id,
		       a->seq, a->seen_len, a->expected_len);
	if (a->kind == XCEIVER__V1__ANOMALY_KIND__ANOMALY_CORRUPT ||
	    a->kind == XCEIVER__V1__ANOMALY_KIND__ANOMALY_METADATA)
		printf(", first bad byte %u", a->bad_offset);
	printf(", queue %u, umem addr 0x%" PRIx64 "\n", a->queue, a->addr);
}

static void xc_print_anomalies(const struct xc_vctx *v,
			       const struct xc_ctl_opts *opts)
{
	unsigned int shown = 0;
	uint64_t total = 0;
	size_t i;
	int side;

	for (side = XC_TX; side <= XC_RX; side++)
		if (xc_side_report(v, side))
			total += xc_side_report(v, side)->anomaly_count;
	if (!total)
		return;
	printf("anomalies: %" PRIu64 "%s\n", total, opts->pcap_path ?
	       "" : " (--pcap FILE writes the kept frames)");
	for (side = XC_TX; side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_side_report(v, side);

		for (i = 0; r && i < r->n_anomalies; i++) {
			if (shown++ == XC_SHOW_ANOMALIES)
				break;
			xc_print_anomaly(side == XC_TX ? "tx" : "rx",
					 r->anomalies[i]);
		}
	}
	if (total > XC_SHOW_ANOMALIES)
		printf("  ... (--json has the %zu kept in detail)\n",
		       (v->res->tx ? v->res->tx->n_anomalies : 0) +
		       (v->res->rx ? v->res->rx->n_anomalies : 0));
}

/* What Rx verified, from the receiving agents' reports. */
static void xc_payload_text(const struct xc_vctx *v, char *buf, size_t len)
{
	const Xceiver__V1__RxOptions *o = v->spec->rx_options;
	const Xceiver__V1__Report *r = NULL;
	char name[16];
	int side;

	for (side = XC_TX; side <= XC_RX && !r; side++)
		if (xc_side_receives(v->spec, side))
			r = xc_side_report(v, side);
	xc_enum(&xceiver__v1__payload_check__descriptor,
		r ? r->payload_check : 0, name, sizeof(name));
	if (r && r->payload_check ==
	    XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_SAMPLED)
		snprintf(buf, len, "%s (every byte of 1 frame in %u)", name,
			 o ? o->sample_every : 0);
	else if (r && r->payload_check ==
		 XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_OFF)
		snprintf(buf, len, "%s (headers, length and sequence only)",
			 name);
	else
		snprintf(buf, len, "%s (every byte of every frame)", name);
}

static void xc_check_text(const struct xc_check *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s %" PRIu64, c->name, xc_expect_op_str(c->op),
		 c->want);
}

static void xc_print_checks(const struct xc_checks *cs)
{
	char text[128];
	unsigned int i;

	printf("checks (measured value on the right):\n");
	for (i = 0; i < cs->n; i++) {
		xc_check_text(&cs->c[i], text, sizeof(text));
		printf("  %-4s %-44s %12" PRIu64 "%s\n",
		       cs->c[i].pass ? "ok" : "FAIL", text, cs->c[i].got,
		       cs->c[i].from_spec ? "   (spec)" : "");
	}
}

static void xc_print_summary(const struct xc_vctx *v,
			     const struct xc_checks *cs,
			     const struct xc_ctl_opts *opts)
{
	const Xceiver__V1__TestSpec *spec = v->spec;
	const struct xc_run_result *res = v->res;
	char payload[96];
	size_t s;

	if (opts->repeat > 1)
		printf("repetition %u of %u: ", opts->repetition,
		       opts->repeat);
	if (spec->name && *spec->name)
		printf("%s: ", spec->name);
	printf("run %016" PRIx64 ": tx %s %s (%s), rx %s %s (%s)\n",
	       res->run_id, spec->tx->agent, spec->tx->xsk->ifname,
	       xc_mode_name(res->tx_mode), spec->rx->agent,
	       spec->rx->xsk->ifname, xc_mode_name(res->rx_mode));
	for (s = 0; s < spec->n_streams; s++)
		xc_print_stream(v, spec->streams[s]);
	xc_payload_text(v, payload, sizeof(payload));
	printf("payload check: %s\n", payload);
	printf("foreign frames %" PRIu64 ", rx frames %" PRIu64 "\n",
	       xc_total_value(v, XC_CTR_FOREIGN),
	       (res->tx ? res->tx->rx_frames : 0) +
	       (res->rx ? res->rx->rx_frames : 0));
	xc_print_xsk("tx", res->tx);
	xc_print_xsk("rx", res->rx);
	xc_print_anomalies(v, opts);
	xc_print_checks(cs);
}

static void xc_print_verdict(const struct xc_checks *cs,
			     const struct xc_ctl_opts *opts)
{
	if (opts->repeat > 1)
		printf("repetition %u of %u: ", opts->repetition,
		       opts->repeat);
	else
		printf("verdict: ");
	if (!cs->failed)
		printf("PASS (%u checks: every expectation held)\n", cs->n);
	else
		printf("FAIL (%u of %u checks failed)\n", cs->failed, cs->n);
}

/* ------------------------------------------------------------ outputs */

static json_t *xc_checks_json(const struct xc_checks *cs)
{
	json_t *arr = json_array();
	char text[128];
	unsigned int i;

	for (i = 0; arr && i < cs->n; i++) {
		xc_check_text(&cs->c[i], text, sizeof(text));
		json_array_append_new(arr, json_pack(
			"{s:s, s:s, s:s, s:I, s:I, s:b, s:s}",
			"name", cs->c[i].name, "check", text,
			"op", xc_expect_op_str(cs->c[i].op),
			"expected", (json_int_t)cs->c[i].want,
			"value", (json_int_t)cs->c[i].got,
			"pass", cs->c[i].pass,
			"source", cs->c[i].from_spec ? "spec" : "default"));
	}
	return arr;
}

/* Both agents' anomalies, without the frame bytes (the reports have them). */
static json_t *xc_anomalies_json(const struct xc_vctx *v)
{
	json_t *arr = json_array(), *a;
	size_t i;
	int side;

	for (side = XC_TX; arr && side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_side_report(v, side);

		for (i = 0; r && i < r->n_anomalies; i++) {
			a = xc_pb_to_json(&r->anomalies[i]->base);
			if (!a)
				continue;
			json_object_del(a, "frame");
			json_object_set_new(a, "frame_len", json_integer(
				(json_int_t)r->anomalies[i]->frame.len));
			json_object_set_new(a, "agent",
					    json_string(side == XC_TX ? "tx" :
							"rx"));
			json_array_append_new(arr, a);
		}
	}
	return arr;
}

static json_t *xc_pb_json_or_null(const ProtobufCMessage *m)
{
	return m ? xc_pb_to_json(m) : json_null();
}

static json_t *xc_run_json(const struct xc_vctx *v, const struct xc_checks *cs,
			   const struct xc_ctl_opts *opts)
{
	const struct xc_run_result *res = v->res;
	char id[24], payload[96];

	snprintf(id, sizeof(id), "%016" PRIx64, res->run_id);
	xc_payload_text(v, payload, sizeof(payload));
	*strchrnul(payload, ' ') = '\0';
	return json_pack("{s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o,"
			 " s:o, s:o, s:s, s:o, s:I, s:I}",
			 "verdict", cs->failed ? "fail" : "pass",
			 "run_id", id,
			 "repetition", (int)XC_MAX(opts->repetition, 1u),
			 "tx_mode", xc_mode_name(res->tx_mode),
			 "rx_mode", xc_mode_name(res->rx_mode),
			 "spec", xc_pb_to_json(&v->spec->base),
			 "tx_interface", xc_pb_json_or_null(
				res->tx_if ? &res->tx_if->base : NULL),
			 "rx_interface", xc_pb_json_or_null(
				res->rx_if ? &res->rx_if->base : NULL),
			 "tx", xc_pb_json_or_null(res->tx ? &res->tx->base :
						  NULL),
			 "rx", xc_pb_json_or_null(res->rx ? &res->rx->base :
						  NULL),
			 "checks", xc_checks_json(cs),
			 "anomalies", xc_anomalies_json(v),
			 "payload_check", payload,
			 "pcap", opts->pcap_path ? json_string(opts->pcap_path) :
				 json_null(),
			 "checks_failed", (json_int_t)cs->failed,
			 "checks_total", (json_int_t)cs->n);
}

/* The anomalies' frame copies of every receiving agent, to the pcap file. */
static int xc_write_pcap(const struct xc_vctx *v, struct xc_pcap *pc)
{
	char err[256];
	size_t i;
	int side, ret;

	for (side = XC_TX; pc && side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_side_report(v, side);

		for (i = 0; r && i < r->n_anomalies; i++) {
			const Xceiver__V1__Anomaly *a = r->anomalies[i];

			if (!a->frame.len)
				continue;
			ret = xc_pcap_write(pc, a->frame.data, a->frame.len,
					    a->seen_len, a->rx_ns, err,
					    sizeof(err));
			if (ret) {
				fprintf(stderr, "xceiver: %s\n", err);
				return ret;
			}
		}
	}
	return 0;
}

int xc_verdict(const Xceiver__V1__TestSpec *spec,
	       const struct xc_run_result *res, const struct xc_ctl_opts *opts,
	       json_t **json)
{
	struct xc_vctx v = { .spec = spec, .res = res };
	struct xc_checks *cs;
	int ret;

	if (json)
		*json = NULL;
	cs = calloc(1, sizeof(*cs));
	if (!cs || xc_judge(cs, &v)) {
		fprintf(stderr, "xceiver: cannot judge the run: %s\n",
			cs ? "bad expect.checks" : "out of memory");
		ret = XC_EXIT_RUN;
		goto out;
	}
	/* a repetition that passed, not the last, gets its line only */
	if (!opts->quiet && (opts->repeat <= 1 || cs->failed ||
			     opts->repetition == opts->repeat))
		xc_print_summary(&v, cs, opts);
	if (!opts->quiet || opts->repeat <= 1)
		xc_print_verdict(cs, opts);
	ret = cs->failed ? XC_EXIT_FAIL : XC_EXIT_PASS;
	if (xc_write_pcap(&v, opts->pcap))
		ret = XC_EXIT_RUN;
	if (json) {
		*json = xc_run_json(&v, cs, opts);
		if (!*json)
			ret = XC_EXIT_RUN;
	}
out:
	if (cs)
		free(cs->exp);
	free(cs);
	return ret;
}
