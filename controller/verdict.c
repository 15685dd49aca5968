// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One run's verdict: judge it (judge.c), then print the summary
 * (summary.c), append the anomalies' frames to the pcap file and build the
 * JSON report (report.c) and the JUnit suite's testcases (junit.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xc_ctl.h"
#include "xc_events.h"
#include "xc_forensics.h"
#include "xc_junit.h"
#include "xc_latency.h"
#include "xc_output.h"
#include "xc_plot.h"
#include "xc_results.h"
#include "xc_util.h"

/* Print what the options ask for; a passed repetition gets its line only. */
static void xc_verdict_show(const struct xc_view *v,
			    const struct xc_judgement *j,
			    const struct xc_ctl_opts *opts)
{
	bool last = opts->repetition == opts->repeat;

	if (opts->silent)
		return;
	if (!opts->quiet && (opts->repeat <= 1 || j->failed || last))
		xc_summary_print(stdout, v, j, opts);
	if (!opts->quiet || opts->repeat <= 1)
		xc_verdict_print(stdout, j, opts);
}

/* What --timeline or --plot draws of a run. */
struct xc_fx_out {
	const struct xc_forensics *fx;
	const struct xc_view *v;
	bool plot;
};

static int xc_fx_fill(FILE *f, void *arg)
{
	const struct xc_fx_out *x = arg;
	const Xceiver__V1__TestSpec *s = x->v->spec;
	char title[256];

	snprintf(title, sizeof(title), "%s%srun %016llx",
		 s->name ? s->name : "", s->name && *s->name ? ": " : "",
		 (unsigned long long)x->v->res->run_id);
	return x->plot ? xc_plot_run_svg(x->v, title, f) :
	       xc_fx_csv(f, x->fx, x->v);
}

/* This repetition's file of path (xc_result_path), written whole. */
static int xc_fx_write(const char *path, const struct xc_forensics *fx,
		       const struct xc_view *v, bool plot,
		       const struct xc_ctl_opts *opts, char *err,
		       size_t errlen)
{
	struct xc_fx_out x = { .fx = fx, .v = v, .plot = plot };
	char file[4096];

	xc_result_path(path, opts->repeat, opts->repetition, file,
		       sizeof(file));
	return xc_outfile_write(file, xc_fx_fill, &x, err, errlen);
}

/* --timeline and --plot; 0 or the first error. */
static int xc_fx_files(const struct xc_forensics *fx,
		       const struct xc_view *v,
		       const struct xc_ctl_opts *opts, char *err, size_t errlen)
{
	int ret = 0;

	if (opts->timeline_path)
		ret = xc_fx_write(opts->timeline_path, fx, v, false, opts, err,
				  errlen);
	if (opts->plot_path && !ret)
		ret = xc_fx_write(opts->plot_path, fx, v, true, opts, err,
				  errlen);
	return ret;
}

/* Print why the run has no verdict or no results; the first into why. */
static int __attribute__((format(printf, 3, 4)))
xc_verdict_err(char *why, size_t whylen, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xceiver: %s\n", msg);
	if (why && whylen && !*why)
		snprintf(why, whylen, "%s", msg);
	return XC_EXIT_RUN;
}

int xc_verdict(const Xceiver__V1__TestSpec *spec,
	       const struct xc_run_result *res, const struct xc_ctl_opts *opts,
	       json_t **json)
{
	return xc_verdict_why(spec, res, opts, json, NULL, 0);
}

int xc_verdict_why(const Xceiver__V1__TestSpec *spec,
		   const struct xc_run_result *res,
		   const struct xc_ctl_opts *opts, json_t **json, char *why,
		   size_t whylen)
{
	struct xc_judgement j = { 0 };
	struct xc_latency lat = { 0 };
	struct xc_forensics fx;
	struct xc_view v;
	char err[256];
	int ret;

	if (json)
		*json = NULL;
	if (why && whylen)
		*why = '\0';
	if (xc_view_init(&v, spec, res))
		return xc_verdict_err(why, whylen,
				      "cannot judge the run: out of memory");
	if (xc_forensics_build(&fx, &v)) {
		ret = xc_verdict_err(why, whylen,
				     "cannot place the lost frames: out of memory");
		goto out;
	}
	v.fx = &fx;
	if (xc_latency_build(&lat, &v, err, sizeof(err)))
		fprintf(stderr, "xceiver: latency not shown: %s\n", err);
	else
		v.lat = &lat;
	if (xc_judge(&v, &j, err, sizeof(err))) {
		ret = xc_verdict_err(why, whylen, "cannot judge the run: %s",
				     err);
		goto out;
	}
	xc_events_checks(opts->events, &j);
	xc_verdict_show(&v, &j, opts);
	ret = xc_verdict_exit(j.word);
	if (opts->junit && xc_junit_checks(opts->junit, &j))
		ret = xc_verdict_err(why, whylen,
				     "cannot build the JUnit report: out of memory");
	if (xc_report_pcap(&v, opts->pcap, err, sizeof(err)))
		ret = xc_verdict_err(why, whylen, "%s", err);
	if (xc_fx_files(&fx, &v, opts, err, sizeof(err)))
		ret = xc_verdict_err(why, whylen, "%s", err);
	if (json) {
		*json = xc_report_json(&v, &j, opts);
		if (!*json)
			ret = xc_verdict_err(why, whylen,
					     "cannot build the JSON report: out of memory");
	}
out:
	xc_forensics_free(&fx);
	xc_latency_free(&lat);
	xc_judgement_free(&j);
	xc_view_free(&v);
	return ret;
}

/* Every agent that takes part has reported. */
static bool xc_all_reported(const Xceiver__V1__TestSpec *spec,
			    const struct xc_run_result *res)
{
	int side;

	for (side = XC_TX; side <= XC_RX; side++)
		if ((xc_side_sends(spec, side) ||
		     xc_side_receives(spec, side)) &&
		    !(side == XC_TX ? res->tx : res->rx))
			return false;
	return true;
}

int xc_verdict_files(const Xceiver__V1__TestSpec *spec,
		     const struct xc_run_result *res,
		     const struct xc_ctl_opts *opts, char *err, size_t errlen)
{
	struct xc_latency lat = { 0 };
	struct xc_forensics fx;
	struct xc_view v;
	int ret;

	if ((!opts->timeline_path && !opts->plot_path) ||
	    !xc_all_reported(spec, res))
		return 0;
	if (xc_view_init(&v, spec, res))
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	ret = xc_forensics_build(&fx, &v);
	if (ret) {
		xc_errf(err, errlen, -ret, "out of memory");
		goto out;
	}
	v.fx = &fx;
	if (!xc_latency_build(&lat, &v, err, errlen))
		v.lat = &lat;
	ret = xc_fx_files(&fx, &v, opts, err, errlen);
	xc_forensics_free(&fx);
out:
	xc_latency_free(&lat);
	xc_view_free(&v);
	return ret;
}
