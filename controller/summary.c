// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The summary a person reads: per stream what was sent and what arrived,
 * both sides' socket counters, the first anomalies in detail, and every
 * check with its measured value; then the verdict line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "xc_latency.h"
#include "xc_output.h"
#include "xc_pb.h"
#include "xc_spec.h"
#include "xc_util.h"

#define XC_SHOW_RANGES		8
#define XC_SHOW_ANOMALIES	8

static const char *xc_enum(const ProtobufCEnumDescriptor *e, int v,
			   char *buf, size_t len)
{
	if (!xc_pb_enum_name(e, v, buf, len))
		snprintf(buf, len, "%d", v);
	return buf;
}

const char *xc_mode_str(Xceiver__V1__XdpMode m, char *buf, size_t len)
{
	return xc_enum(&xceiver__v1__xdp_mode__descriptor, m, buf, len);
}

static double xc_rate(uint64_t frames, uint64_t ns)
{
	return ns ? (double)frames * 1e9 / (double)ns : 0.0;
}

static void xc_print_ranges(FILE *out, const Xceiver__V1__RxStreamReport *r)
{
	size_t i, n = XC_MIN(r->n_missing_ranges, (size_t)XC_SHOW_RANGES);

	if (!r->missing)
		return;
	fprintf(out, "    missing ranges (%" PRIu64 "):",
		r->missing_range_count);
	for (i = 0; i < n; i++) {
		const Xceiver__V1__SeqRange *g = r->missing_ranges[i];

		if (g->first == g->last)
			fprintf(out, " %" PRIu64, g->first);
		else
			fprintf(out, " %" PRIu64 "-%" PRIu64, g->first,
				g->last);
	}
	if (r->missing_range_count > n)
		fprintf(out, " ... (--json has %zu)", r->n_missing_ranges);
	fprintf(out, "\n");
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

static void xc_print_rate(FILE *out, double want, double got)
{
	fprintf(out, "  rate        requested %.0f pps, achieved %.0f pps",
		want, got);
	if (want > 0)
		fprintf(out, " (%+.3f%%)", (got - want) * 100 / want);
	fprintf(out, "\n");
}

static void xc_print_stream_head(FILE *out, const Xceiver__V1__Stream *s,
				 bool reflect)
{
	enum xc_side from = xc_stream_sender(s);
	const Xceiver__V1__Headers *h = s->headers;
	char size[96];

	xc_size_text(s, size, sizeof(size));
	fprintf(out, "stream %u (%s -> %s%s): %" PRIu64
		" frames, %s, %s:%u -> %s:%u, ", s->id,
		from == XC_TX ? "tx" : "rx", from == XC_TX ? "rx" : "tx",
		reflect ? " -> tx, reflected" : "",
		s->count, size, h->src_ip, h->udp->src, h->dst_ip,
		h->udp->dst);
	if (h->vlan_id)
		fprintf(out, "(vlan %u) ", h->vlan_id);
	if (s->rate_pps || s->rate_bps)
		fprintf(out, "%.0f pps\n", xc_spec_stream_pps(s));
	else
		fprintf(out, "full speed\n");
}

static void xc_print_sent(FILE *out, const struct xc_view *v, size_t i)
{
	const Xceiver__V1__Stream *s = v->spec->streams[i];
	const Xceiver__V1__Report *tr = xc_view_report(v, xc_stream_sender(s));
	const Xceiver__V1__TxStreamReport *t = v->tx[i];
	bool paced = s->rate_pps || s->rate_bps;

	fprintf(out, "  sent        %12" PRIu64 "   %.3f Mpps\n",
		t ? t->sent : 0,
		xc_rate(t ? t->sent : 0, tr ? tr->tx_elapsed_ns : 0) / 1e6);
	if (paced && t && t->sent > 1 && t->span_ns)
		xc_print_rate(out, xc_spec_stream_pps(s),
			      (t->sent - 1) * 1e9 / t->span_ns);
	if (t && t->pace_restarts)
		fprintf(out, "  pacing      %12" PRIu64
			"   restarts of the schedule, more than the burst (%u frames) behind: %.3f ms lost\n",
			t->pace_restarts, t->pace_burst,
			t->pace_lost_ns / 1e6);
}

static void xc_print_received(FILE *out, const Xceiver__V1__RxStreamReport *r,
			      const Xceiver__V1__Report *rr)
{
	fprintf(out, "  expected    %12" PRIu64, r->expected);
	if (r->invalid_sent || r->xdp_dropped)
		fprintf(out, "   (%" PRIu64 " sent invalid, %" PRIu64
			" dropped by XDP on purpose)", r->invalid_sent,
			r->xdp_dropped);
	fprintf(out, "\n  delivered   %12" PRIu64 "   %.3f Mpps validated\n",
		r->delivered,
		xc_rate(r->delivered, rr ? rr->rx_elapsed_ns : 0) / 1e6);
	fprintf(out, "  missing     %12" PRIu64 "\n", r->missing);
	xc_print_ranges(out, r);
	fprintf(out, "  corrupt     %12" PRIu64, r->corrupt);
	if (r->has_corrupt)
		fprintf(out, "   first: seq %" PRIu64 " at byte %u",
			r->first_corrupt_seq, r->first_corrupt_offset);
	fprintf(out, "\n  duplicates  %12" PRIu64 "\n", r->duplicates);
	fprintf(out, "  reordered   %12" PRIu64 "   max displacement %" PRIu64
		"\n", r->reordered, r->max_reorder);
	fprintf(out, "  unexpected  %12" PRIu64 "\n", r->unexpected);
	if (r->desc_errors)
		fprintf(out, "  desc errors %12" PRIu64 "\n", r->desc_errors);
	if (r->late)
		fprintf(out, "  late        %12" PRIu64
			"   (older than the window, counted missing)\n",
			r->late);
}

/* What the path did to the stream's frames, where a path may change them. */
static void xc_print_path(FILE *out, const Xceiver__V1__Path *path,
			  const Xceiver__V1__RxStreamReport *r)
{
	bool may = path && (path->routed_hops || path->vlan_rewrite ||
			    path->vlan_pop || path->vlan_push ||
			    path->dscp_remark);

	if (may || r->path_macs_rewritten || r->path_ttl_decremented ||
	    r->path_vlan_changed || r->path_dscp_remarked)
		fprintf(out, "  path        rewritten as allowed: MACs %" PRIu64
			", TTL -%u %" PRIu64 ", DSCP %" PRIu64 ", VLAN %" PRIu64
			" frames\n", r->path_macs_rewritten,
			path ? path->routed_hops : 0, r->path_ttl_decremented,
			r->path_dscp_remarked, r->path_vlan_changed);
	if (r->vlan_unverified)
		fprintf(out, "  802.1Q      %12" PRIu64
			"   arrived without their tag: tag not verified, every other byte checked\n",
			r->vlan_unverified);
}

static void xc_print_stream(FILE *out, const struct xc_view *v, size_t i)
{
	const Xceiver__V1__Stream *s = v->spec->streams[i];
	enum xc_side to = xc_stream_receiver(v->spec, s);

	xc_print_stream_head(out, s, v->spec->reflect);
	xc_print_sent(out, v, i);
	if (!v->rx[i]) {
		fprintf(out, "  (no report from the receiver)\n");
		return;
	}
	xc_print_received(out, v->rx[i], xc_view_report(v, to));
	xc_print_path(out, v->spec->path, v->rx[i]);
}

static void xc_print_xsk(FILE *out, const char *side,
			 const Xceiver__V1__Report *r)
{
	size_t i;

	for (i = 0; r && i < r->n_xsk; i++) {
		const Xceiver__V1__XskStats *x = r->xsk[i];

		fprintf(out, "%s xsk queue %u: rx_descs %" PRIu64
			" rx_dropped %" PRIu64 " rx_invalid_descs %" PRIu64
			" tx_invalid_descs %" PRIu64 " rx_ring_full %" PRIu64
			" rx_fill_ring_empty_descs %" PRIu64
			" tx_ring_empty_descs %" PRIu64 "\n", side, x->queue,
			x->rx_descs, x->rx_dropped, x->rx_invalid_descs,
			x->tx_invalid_descs, x->rx_ring_full,
			x->rx_fill_ring_empty_descs, x->tx_ring_empty_descs);
	}
}

/* Workers that ran with real-time scheduling. */
static void xc_print_sched(FILE *out, const char *side,
			   const Xceiver__V1__Report *r)
{
	if (r && r->worker_sched ==
	    XCEIVER__V1__WORKER_SCHED__WORKER_SCHED_FIFO)
		fprintf(out, "%s workers: SCHED_FIFO priority %u\n", side,
			r->rt_priority);
	else if (r && r->worker_sched ==
		 XCEIVER__V1__WORKER_SCHED__WORKER_SCHED_FIFO_WAITS)
		fprintf(out, "%s: Rx workers waited at SCHED_FIFO priority %u and worked as normal threads\n",
			side, r->rt_priority);
}

/* How a receiving side saw the 802.1Q tags of its tagged streams. */
static void xc_print_vlan(FILE *out, const char *side,
			  const Xceiver__V1__Report *r)
{
	if (!r || r->vlan_rx == XCEIVER__V1__VLAN_RX__VLAN_RX_NONE)
		return;
	fprintf(out, "%s 802.1Q tags: ", side);
	if (r->vlan_rx == XCEIVER__V1__VLAN_RX__VLAN_RX_INLINE)
		fprintf(out, "in the frames, checked\n");
	else if (r->vlan_rx == XCEIVER__V1__VLAN_RX__VLAN_RX_XDP_METADATA)
		fprintf(out, "%" PRIu64 " taken out by the Rx offload, read back from XDP metadata and checked\n",
			r->vlan_restored);
	else
		fprintf(out, "taken out by the Rx offload and not readable here (skb mode, or a driver without bpf_xdp_metadata_rx_vlan_tag): those frames' tags are not verified (802.1Q per stream)\n");
}

/* How a receiving side sized its rings, and what stall they ride out. */
static void xc_print_sizing(FILE *out, const char *side,
			    const Xceiver__V1__Report *r)
{
	const Xceiver__V1__RxSizing *z = r ? r->rx_sizing : NULL;

	if (!z)
		return;
	fprintf(out, "%s rings: fill %u, rx %u, %u chunks a queue", side,
		z->fill_size, z->rx_size, z->num_chunks);
	if (z->rate_pps > 0)
		fprintf(out, ": a stall of %.1f ms at %.0f pps loses nothing",
			z->absorbs_ms, z->rate_pps);
	if (z->from_spec)
		fprintf(out, " (sizes from the spec)");
	else if (z->huge_pages)
		fprintf(out, " (huge pages: default sizes)");
	else if (z->capped)
		fprintf(out, " (held down by the UMEM limit; budget %u ms)",
			z->stall_budget_ms);
	else
		fprintf(out, " (budget %u ms)", z->stall_budget_ms);
	fprintf(out, "\n");
}

static void xc_print_anomaly(FILE *out, const char *side,
			     const Xceiver__V1__Anomaly *a)
{
	char kind[32];

	xc_enum(&xceiver__v1__anomaly_kind__descriptor, a->kind, kind,
		sizeof(kind));
	if (a->kind == XCEIVER__V1__ANOMALY_KIND__ANOMALY_FOREIGN)
		fprintf(out, "  %s: foreign frame: length %u", side,
			a->seen_len);
	else
		fprintf(out, "  %s: %s stream %u seq %" PRIu64
			": length %u (expected %u)", side, kind, a->stream_id,
			a->seq, a->seen_len, a->expected_len);
	if (a->kind == XCEIVER__V1__ANOMALY_KIND__ANOMALY_CORRUPT ||
	    a->kind == XCEIVER__V1__ANOMALY_KIND__ANOMALY_METADATA)
		fprintf(out, ", first bad byte %u", a->bad_offset);
	fprintf(out, ", queue %u, umem addr 0x%" PRIx64 "\n", a->queue,
		a->addr);
}

static void xc_print_anomalies(FILE *out, const struct xc_view *v,
			       const struct xc_ctl_opts *opts)
{
	size_t i, kept = 0, shown = 0;
	uint64_t total = 0;
	int side;

	for (side = XC_TX; side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_view_report(v, side);

		total += r ? r->anomaly_count : 0;
		kept += r ? r->n_anomalies : 0;
	}
	if (!total)
		return;
	fprintf(out, "anomalies: %" PRIu64 "%s\n", total, opts->pcap_path ?
		"" : " (--pcap FILE writes the kept frames)");
	for (side = XC_TX; side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_view_report(v, side);

		for (i = 0; r && i < r->n_anomalies &&
		     shown < XC_SHOW_ANOMALIES; i++, shown++)
			xc_print_anomaly(out, side == XC_TX ? "tx" : "rx",
					 r->anomalies[i]);
	}
	if (total > shown)
		fprintf(out, "  ... (--json has the %zu kept in detail)\n",
			kept);
}

/* What Rx verified, from the receiving agents' reports. */
static void xc_payload_text(const struct xc_view *v, char *buf, size_t len)
{
	const Xceiver__V1__RxOptions *o = v->spec->rx_options;
	const Xceiver__V1__Report *r = NULL;
	char name[16];
	int side;

	for (side = XC_TX; side <= XC_RX && !r; side++)
		if (xc_side_validates(v->spec, side))
			r = xc_view_report(v, side);
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

static const char *xc_result_tag(enum xc_check_result r)
{
	switch (r) {
	case XC_RESULT_PASS:
		return "ok";
	case XC_RESULT_FAIL:
		return "FAIL";
	case XC_RESULT_NOT_JUDGED:
		return "--";
	}
	return "?";
}

/* Where the missing frames went, over the whole run. */
static void xc_print_loss(FILE *out, const struct xc_loss *l)
{
	if (!l->missing)
		return;
	fprintf(out, "loss: %" PRIu64 " missing", l->missing);
	if (l->unknown) {
		fprintf(out, ": not attributed, a socket or XDP counter could not be read\n");
		return;
	}
	fprintf(out, ": %" PRIu64 " lost by the tester itself (Rx sockets dropped %"
		PRIu64 ", never sent %" PRIu64 ", on queues without a socket %"
		PRIu64 ")", l->tester, l->rx_socket, l->tx_unsent,
		l->xdp_no_socket);
	if (l->late)
		fprintf(out, ", %" PRIu64 " arrived late", l->late);
	fprintf(out, ", %" PRIu64 " not attributed", l->not_attributed);
	if (l->tester == l->missing)
		fprintf(out, ": the tester fell behind, not the link");
	else if (l->not_attributed)
		fprintf(out, " (lost on the link, in a device between the hosts, or by a NIC or kernel whose counters are not read)");
	fprintf(out, "\n");
}

/*
 * A latency check: the figure in us, the interval that holds the truth
 * when it is not the figure alone (and the clocks' share), then why it
 * failed when it may hold, cannot be trusted or is unknown.
 */
static void xc_print_lat_check(FILE *out, const struct xc_check *c,
			       const char *text)
{
	char got[40], us[32], lo[32], hi[32], b[32];

	if (c->unknown)
		snprintf(got, sizeof(got), "unknown");
	else
		snprintf(got, sizeof(got), "%s us",
			 xc_us_str(c->got_ns, us, sizeof(us)));
	fprintf(out, "  %-4s %-44s %12s   (spec", xc_result_tag(c->result),
		text, got);
	if (!c->unknown && c->lo_ns != c->hi_ns)
		fprintf(out, "; within %s..%s us",
			xc_us_str(c->lo_ns, lo, sizeof(lo)),
			xc_us_str(c->hi_ns, hi, sizeof(hi)));
	if (!c->unknown && c->bound_ns)
		fprintf(out, ", clocks +- %s us",
			xc_us_str((int64_t)XC_MIN(c->bound_ns, INT64_MAX), b,
				  sizeof(b)));
	fprintf(out, ")\n");
	if (c->why)
		fprintf(out, "       %s\n", c->why);
}

static void xc_print_checks(FILE *out, const struct xc_judgement *j)
{
	char text[160];
	size_t i;

	fprintf(out, "checks (measured value on the right):\n");
	for (i = 0; i < j->n; i++) {
		const struct xc_check *c = &j->checks[i];

		xc_check_text(c, text, sizeof(text));
		if (c->kind == XC_CHECK_LATENCY)
			xc_print_lat_check(out, c, text);
		else if (c->result == XC_RESULT_NOT_JUDGED || c->unknown)
			fprintf(out, "  %-4s %-44s %12s%s\n",
				xc_result_tag(c->result), text,
				c->unknown ? "unknown" : "not judged",
				c->unknown ? "   (could not be read)" :
				"   (spec)");
		else
			fprintf(out, "  %-4s %-44s %12" PRIu64 "%s\n",
				xc_result_tag(c->result), text, c->got,
				c->from_spec ? "   (spec)" : "");
	}
}

static void xc_print_repetition(FILE *out, const struct xc_ctl_opts *opts)
{
	if (opts->repeat > 1)
		fprintf(out, "repetition %u of %u: ", opts->repetition,
			opts->repeat);
}

static void xc_print_run_line(FILE *out, const struct xc_view *v)
{
	const Xceiver__V1__TestSpec *spec = v->spec;
	const struct xc_run_result *res = v->res;
	char txm[16], rxm[16];

	xc_mode_str(res->tx_mode, txm, sizeof(txm));
	xc_mode_str(res->rx_mode, rxm, sizeof(rxm));
	if (spec->name && *spec->name)
		fprintf(out, "%s: ", spec->name);
	fprintf(out, "run %016" PRIx64 ": tx %s %s (%s), rx %s %s (%s)\n",
		res->run_id, spec->tx->agent, spec->tx->xsk->ifname, txm,
		spec->rx->agent, spec->rx->xsk->ifname, rxm);
}

/*
 * "control: TLS 1.3, certificate; tx agent CN=a, rx agent CN=b", with a
 * pre-shared key the identity both ends proved, or plain TCP.
 */
static void xc_print_control(FILE *out, const struct xc_run_result *res)
{
	const char *tx = res->agent_id[XC_TX], *rx = res->agent_id[XC_RX];
	const char *sec = res->control ? res->control : "unknown";

	if (!*tx && !*rx)
		fprintf(out, "control: %s\n", sec);
	else if (res->control_psk)
		fprintf(out, "control: %s; identity %s\n", sec, *tx ? tx : rx);
	else
		fprintf(out, "control: %s; tx agent CN=%s, rx agent CN=%s\n",
			sec, tx, rx);
}

/*
 * A round trip: the reflector's XDP program counts what it sent back, so
 * the frames that never returned split into the way out and the way back.
 */
static void xc_print_reflect(FILE *out, const struct xc_view *v)
{
	const Xceiver__V1__Report *r = v->res->rx;
	uint64_t sent = xc_total_value(v, XC_CTR_SENT);
	uint64_t back = sent - XC_MIN(sent, xc_total_value(v, XC_CTR_MISSING));
	uint64_t refl;

	if (!v->spec->reflect)
		return;
	if (!r || r->xdp_stats_unread) {
		fprintf(out, "round trip: the reflector's count is unknown: the frames lost are not split into the way out and back\n");
		return;
	}
	refl = r->xdp_reflected;
	fprintf(out, "round trip: the reflector sent back %" PRIu64 " of %" PRIu64
		" frames sent; %" PRIu64 " lost on the way out, %" PRIu64
		" on the way back\n", refl, sent, sent - XC_MIN(sent, refl),
		refl - XC_MIN(refl, back));
}

/*
 * Frames the XDP program passed to the kernel: a test frame damaged in
 * its magic or run tag is missing, and this says where it went.
 */
static void xc_print_not_ours(FILE *out, const struct xc_loss *l)
{
	if (!l->xdp_not_ours)
		return;
	fprintf(out, "not ours: the XDP program passed %" PRIu64
		" frames of the run's port range without our magic and this run's tag to the kernel: another program's traffic, or test frames damaged in those bytes on the way (each one missing)\n",
		l->xdp_not_ours);
}

void xc_summary_print(FILE *out, const struct xc_view *v,
		      const struct xc_judgement *j,
		      const struct xc_ctl_opts *opts)
{
	const struct xc_run_result *res = v->res;
	char payload[96];
	size_t i;

	xc_print_repetition(out, opts);
	xc_print_run_line(out, v);
	xc_print_control(out, res);
	for (i = 0; i < res->preflight.n; i++)
		fprintf(out, "preflight: %s%s\n",
			res->preflight.f[i].refuse ? "" : "warning: ",
			res->preflight.f[i].text);
	if (v->fx)
		xc_fx_print(out, v->fx);
	for (i = 0; i < v->spec->n_streams; i++)
		xc_print_stream(out, v, i);
	xc_print_reflect(out, v);
	xc_payload_text(v, payload, sizeof(payload));
	fprintf(out, "payload check: %s\n", payload);
	if (v->lat)
		xc_latency_print(out, v->lat, res);
	fprintf(out, "foreign frames %" PRIu64 ", rx frames %" PRIu64 "\n",
		xc_total_value(v, XC_CTR_FOREIGN),
		(res->tx ? res->tx->rx_frames : 0) +
		(res->rx ? res->rx->rx_frames : 0));
	xc_print_not_ours(out, &j->loss);
	xc_print_xsk(out, "tx", res->tx);
	xc_print_xsk(out, "rx", res->rx);
	xc_print_sizing(out, "tx", res->tx);
	xc_print_sizing(out, "rx", res->rx);
	xc_print_vlan(out, "tx", res->tx);
	xc_print_vlan(out, "rx", res->rx);
	xc_print_sched(out, "tx", res->tx);
	xc_print_sched(out, "rx", res->rx);
	xc_print_anomalies(out, v, opts);
	if (!j->loss.from_timeline)
		xc_print_loss(out, &j->loss);
	xc_print_checks(out, j);
}

void xc_verdict_print(FILE *out, const struct xc_judgement *j,
		      const struct xc_ctl_opts *opts)
{
	size_t judged = j->n - j->not_judged;

	if (opts->repeat > 1)
		xc_print_repetition(out, opts);
	else
		fprintf(out, "verdict: ");
	if (j->word == XC_VERDICT_PASS)
		fprintf(out, "PASS (%zu checks: every expectation held",
			judged);
	else
		fprintf(out, "%s (%zu of %zu checks failed",
			j->word == XC_VERDICT_TESTER ? "TESTER LOSS" : "FAIL",
			j->failed, judged);
	if (j->not_judged)
		fprintf(out, "; %zu not judged", j->not_judged);
	if (j->word == XC_VERDICT_TESTER)
		fprintf(out, "; every lost frame was lost by the tester itself, not the link: run it again");
	fprintf(out, ")\n");
}

const char *xc_payload_mode(const struct xc_view *v, char *buf, size_t len)
{
	xc_payload_text(v, buf, len);
	*strchrnul(buf, ' ') = '\0';
	return buf;
}
