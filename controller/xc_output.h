/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What a person and a program read of a judged run: the summary and the
 * verdict line (summary.c), the JSON report and the anomalies' frames
 * (report.c). Nothing here judges: every pass and fail comes from the
 * judgement (xc_judge.h).
 */
#ifndef XC_OUTPUT_H
#define XC_OUTPUT_H

#include <stdio.h>
#include <jansson.h>

#include "xc_ctl.h"
#include "xc_judge.h"
#include "xc_pcap.h"

/* "skb", "drv", "zerocopy", "auto"; in buf, which is returned. */
const char *xc_mode_str(Xceiver__V1__XdpMode m, char *buf, size_t len);

/* What Rx verified: "all", "sampled", "off"; in buf, which is returned. */
const char *xc_payload_mode(const struct xc_view *v, char *buf, size_t len);

/* The run's summary: streams, counters, sockets, anomalies, checks. */
void xc_summary_print(FILE *out, const struct xc_view *v,
		      const struct xc_judgement *j,
		      const struct xc_ctl_opts *opts);
/* "verdict: PASS (...)" or, when repeating, "repetition N of M: ..." */
void xc_verdict_print(FILE *out, const struct xc_judgement *j,
		      const struct xc_ctl_opts *opts);

/* The run's JSON report: verdict, modes, spec, both reports, checks. */
json_t *xc_report_json(const struct xc_view *v, const struct xc_judgement *j,
		       const struct xc_ctl_opts *opts);
/*
 * One check as the JSON report lists it: name, check, result, source,
 * pass, op, expected, value (latency: expected_ns, value_ns, ...).
 */
json_t *xc_check_json(const struct xc_check *c);
/* The preflight's findings: [{level: refused|warning, message}]. */
json_t *xc_preflight_json(const struct xc_findings *fs);
/* Append the anomalies' frame copies of every agent; 0 or -errno. */
int xc_report_pcap(const struct xc_view *v, struct xc_pcap *pc, char *err,
		   size_t errlen);

/*
 * The drop forensics (fxout.c): the summary's lead (where the missing
 * frames went, each loss episode), the JSON object, the timeline CSV
 * (one row per interval: totals, each stream, each agent's counters).
 */
struct xc_forensics;
void xc_fx_print(FILE *out, const struct xc_forensics *fx);
json_t *xc_fx_json(const struct xc_forensics *fx);
int xc_fx_csv(FILE *f, const struct xc_forensics *fx,
	      const struct xc_view *v);

#endif /* XC_OUTPUT_H */
