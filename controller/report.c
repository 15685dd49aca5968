// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The JSON report of a judged run (--json) and the anomalies' frame copies
 * (--pcap).
 */
#include <inttypes.h>
#include <stdio.h>

#include "xc_latency.h"
#include "xc_output.h"
#include "xc_spec.h"
#include "xc_util.h"

/* ns as a JSON integer; null when the check's figure is unknown. */
static json_t *xc_ns_json(const struct xc_check *c, int64_t ns)
{
	return c->unknown ? json_null() : json_integer((json_int_t)ns);
}

/*
 * A latency check's figures in ns: the expected value, the figure as
 * reported, the interval that holds the truth and the clocks' share of
 * it; why it failed when it may hold, cannot be trusted or is unknown.
 */
static void xc_lat_check_json(json_t *o, const struct xc_check *c)
{
	json_object_set_new(o, "op", json_string(xc_expect_op_str(c->op)));
	json_object_set_new(o, "expected_ns",
			    json_integer((json_int_t)c->want_ns));
	json_object_set_new(o, "value_ns", xc_ns_json(c, c->got_ns));
	json_object_set_new(o, "low_ns", xc_ns_json(c, c->lo_ns));
	json_object_set_new(o, "high_ns", xc_ns_json(c, c->hi_ns));
	json_object_set_new(o, "clock_bound_ns",
			    json_integer((json_int_t)XC_MIN(c->bound_ns,
							    INT64_MAX)));
	json_object_set_new(o, "round_trip", json_boolean(c->rtt));
	if (c->unknown)
		json_object_set_new(o, "unknown", json_true());
	json_object_set_new(o, "reason", c->why ? json_string(c->why) :
			    json_null());
}

json_t *xc_check_json(const struct xc_check *c)
{
	char name[96], text[160];
	json_t *o;

	xc_check_name(c, name, sizeof(name));
	xc_check_text(c, text, sizeof(text));
	o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", name,
		      "check", text, "result", xc_check_result_str(c->result),
		      "source", c->from_spec ? "spec" : "default",
		      "loss", xc_check_is_loss(c));
	/* a check not judged neither passed nor failed: no "pass" */
	if (!o || c->result == XC_RESULT_NOT_JUDGED)
		return o;
	json_object_set_new(o, "pass",
			    json_boolean(c->result == XC_RESULT_PASS));
	if (c->kind == XC_CHECK_LATENCY) {
		xc_lat_check_json(o, c);
		return o;
	}
	if (c->kind == XC_CHECK_COUNTER)
		json_object_set_new(o, "op", json_string(
			xc_expect_op_str(c->op)));
	json_object_set_new(o, "expected", json_integer((json_int_t)c->want));
	/* a counter no agent could read has no value */
	json_object_set_new(o, "value", c->unknown ? json_null() :
			    json_integer((json_int_t)c->got));
	if (c->unknown)
		json_object_set_new(o, "unknown", json_true());
	return o;
}

static json_t *xc_checks_json(const struct xc_judgement *j)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < j->n; i++)
		if (json_array_append_new(arr, xc_check_json(&j->checks[i]))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* Both agents' anomalies, without the frame bytes (the reports have them). */
static json_t *xc_anomalies_json(const struct xc_view *v)
{
	json_t *arr = json_array(), *a;
	size_t i;
	int side;

	for (side = XC_TX; arr && side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_view_report(v, side);

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

json_t *xc_preflight_json(const struct xc_findings *fs)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < fs->n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "level",
				      fs->f[i].refuse ? "refused" : "warning",
				      "message", fs->f[i].text));
	return arr;
}

/* Where the missing frames went (xc_judge.h, struct xc_loss). */
static json_t *xc_loss_json(const struct xc_loss *l)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
			 "missing", (json_int_t)l->missing,
			 "late", (json_int_t)l->late,
			 "tester", (json_int_t)l->tester,
			 "tx_unsent", (json_int_t)l->tx_unsent,
			 "rx_socket", (json_int_t)l->rx_socket,
			 "xdp_no_socket", (json_int_t)l->xdp_no_socket,
			 "xdp_not_ours", (json_int_t)l->xdp_not_ours,
			 "not_attributed", (json_int_t)l->not_attributed,
			 "counters_unknown", l->unknown);
}

static json_t *xc_pb_json_or_null(const ProtobufCMessage *m)
{
	return m ? xc_pb_to_json(m) : json_null();
}

/* How the control channel was secured and whom the agents proved to be. */
static json_t *xc_control_json(const struct xc_run_result *res)
{
	const char *tx = res->agent_id[XC_TX], *rx = res->agent_id[XC_RX];

	return json_pack("{s:s, s:b, s:o, s:o}",
			 "channel", res->control ? res->control : "unknown",
			 "authenticated", *tx || *rx,
			 "tx_agent", *tx ? json_string(tx) : json_null(),
			 "rx_agent", *rx ? json_string(rx) : json_null());
}

json_t *xc_report_json(const struct xc_view *v, const struct xc_judgement *j,
		       const struct xc_ctl_opts *opts)
{
	const struct xc_run_result *res = v->res;
	char id[24], payload[96], txm[16], rxm[16];

	snprintf(id, sizeof(id), "%016" PRIx64, res->run_id);
	return json_pack("{s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o,"
			 " s:o, s:o, s:s, s:o, s:I, s:I, s:I, s:o, s:o, s:o,"
			 " s:o, s:o}",
			 "verdict", xc_verdict_word_str(j->word),
			 "run_id", id,
			 "repetition", (int)XC_MAX(opts->repetition, 1u),
			 "tx_mode", xc_mode_str(res->tx_mode, txm,
						sizeof(txm)),
			 "rx_mode", xc_mode_str(res->rx_mode, rxm,
						sizeof(rxm)),
			 "spec", xc_pb_to_json(&v->spec->base),
			 "tx_interface", xc_pb_json_or_null(
				res->tx_if ? &res->tx_if->base : NULL),
			 "rx_interface", xc_pb_json_or_null(
				res->rx_if ? &res->rx_if->base : NULL),
			 "tx", xc_pb_json_or_null(res->tx ? &res->tx->base :
						  NULL),
			 "rx", xc_pb_json_or_null(res->rx ? &res->rx->base :
						  NULL),
			 "checks", xc_checks_json(j),
			 "anomalies", xc_anomalies_json(v),
			 "payload_check", xc_payload_mode(v, payload,
							  sizeof(payload)),
			 "pcap", opts->pcap_path ? json_string(opts->pcap_path) :
				 json_null(),
			 "checks_failed", (json_int_t)j->failed,
			 "checks_not_judged", (json_int_t)j->not_judged,
			 "checks_total", (json_int_t)j->n,
			 "preflight", xc_preflight_json(&res->preflight),
			 "loss", xc_loss_json(&j->loss),
			 "forensics", v->fx ? xc_fx_json(v->fx) : json_null(),
			 "latency", v->lat ? xc_latency_json(v->lat, res) :
				    json_null(),
			 "control", xc_control_json(res));
}

int xc_report_pcap(const struct xc_view *v, struct xc_pcap *pc, char *err,
		   size_t errlen)
{
	size_t i;
	int side, ret;

	for (side = XC_TX; pc && side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_view_report(v, side);

		for (i = 0; r && i < r->n_anomalies; i++) {
			const Xceiver__V1__Anomaly *a = r->anomalies[i];

			if (!a->frame.len)
				continue;
			ret = xc_pcap_write(pc, a->frame.data, a->frame.len,
					    a->seen_len, a->rx_ns, err,
					    errlen);
			if (ret)
				return ret;
		}
	}
	return 0;
}
