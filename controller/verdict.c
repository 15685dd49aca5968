// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One run's verdict: judge it (judge.c), then print the summary
 * (summary.c), append the anomalies' frames to the pcap file and build the
 * JSON report (report.c).
 */
#include <stdio.h>

#include "xc_ctl.h"
#include "xc_output.h"

/* Print what the options ask for; a passed repetition gets its line only. */
static void xc_verdict_show(const struct xc_view *v,
			    const struct xc_judgement *j,
			    const struct xc_ctl_opts *opts)
{
	bool last = opts->repetition == opts->repeat;

	if (!opts->quiet && (opts->repeat <= 1 || j->failed || last))
		xc_summary_print(stdout, v, j, opts);
	if (!opts->quiet || opts->repeat <= 1)
		xc_verdict_print(stdout, j, opts);
}

int xc_verdict(const Xceiver__V1__TestSpec *spec,
	       const struct xc_run_result *res, const struct xc_ctl_opts *opts,
	       json_t **json)
{
	struct xc_judgement j = { 0 };
	struct xc_view v;
	char err[256];
	int ret;

	if (json)
		*json = NULL;
	if (xc_view_init(&v, spec, res)) {
		fprintf(stderr, "xceiver: cannot judge the run: out of memory\n");
		return XC_EXIT_RUN;
	}
	if (xc_judge(&v, &j, err, sizeof(err))) {
		fprintf(stderr, "xceiver: cannot judge the run: %s\n", err);
		ret = XC_EXIT_RUN;
		goto out;
	}
	xc_verdict_show(&v, &j, opts);
	ret = xc_verdict_exit(j.word);
	if (xc_report_pcap(&v, opts->pcap, err, sizeof(err))) {
		fprintf(stderr, "xceiver: %s\n", err);
		ret = XC_EXIT_RUN;
	}
	if (json) {
		*json = xc_report_json(&v, &j, opts);
		if (!*json)
			ret = XC_EXIT_RUN;
	}
out:
	xc_judgement_free(&j);
	xc_view_free(&v);
	return ret;
}
