// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One run's verdict: judge it (judge.c), then print the summary
 * (summary.c), append the anomalies' frames to the pcap file and build the
 * JSON report (report.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xc_ctl.h"
#include "xc_forensics.h"
#include "xc_latency.h"
#include "xc_output.h"
#include "xc_plot.h"

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

/*
 * The file of this repetition: FILE itself, or with repetitions FILE with
 * "-rN" before its extension (plot.svg: plot-r2.svg).
 */
static void xc_rep_path(const char *path, const struct xc_ctl_opts *opts,
			char *buf, size_t len)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (opts->repeat <= 1) {
		snprintf(buf, len, "%s", path);
		return;
	}
	if (!dot || (slash && dot < slash))
		dot = path + strlen(path);
	snprintf(buf, len, "%.*s-r%u%s", (int)(dot - path), path,
		 opts->repetition, dot);
}

static int xc_fx_write(const char *path, const struct xc_forensics *fx,
		       const struct xc_view *v, bool plot,
		       const struct xc_ctl_opts *opts)
{
	char file[4096], title[256];
	FILE *f;
	int ret;

	xc_rep_path(path, opts, file, sizeof(file));
	f = fopen(file, "we");
	if (!f) {
		ret = -errno;
		fprintf(stderr, "xceiver: cannot write %s: %s\n", file,
			strerror(-ret));
		return ret;
	}
	snprintf(title, sizeof(title), "%s%srun %016llx",
		 v->spec->name ? v->spec->name : "",
		 v->spec->name && *v->spec->name ? ": " : "",
		 (unsigned long long)v->res->run_id);
	ret = plot ? xc_plot_run_svg(v, title, f) : xc_fx_csv(f, fx, v);
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		fprintf(stderr, "xceiver: cannot write %s: %s\n", file,
			strerror(-ret));
	return ret;
}

/* --timeline and --plot; 0 or the first error. */
static int xc_fx_files(const struct xc_forensics *fx,
		       const struct xc_view *v,
		       const struct xc_ctl_opts *opts)
{
	int ret = 0;

	if (opts->timeline_path)
		ret = xc_fx_write(opts->timeline_path, fx, v, false, opts);
	if (opts->plot_path && !ret)
		ret = xc_fx_write(opts->plot_path, fx, v, true, opts);
	return ret;
}

int xc_verdict(const Xceiver__V1__TestSpec *spec,
	       const struct xc_run_result *res, const struct xc_ctl_opts *opts,
	       json_t **json)
{
	struct xc_judgement j = { 0 };
	struct xc_forensics fx;
	struct xc_latency lat;
	struct xc_view v;
	char err[256];
	int ret;

	if (json)
		*json = NULL;
	if (xc_view_init(&v, spec, res)) {
		fprintf(stderr, "xceiver: cannot judge the run: out of memory\n");
		return XC_EXIT_RUN;
	}
	if (xc_forensics_build(&fx, &v)) {
		fprintf(stderr, "xceiver: cannot place the lost frames: out of memory\n");
		ret = XC_EXIT_RUN;
		goto out;
	}
	v.fx = &fx;
	if (xc_latency_build(&lat, &v, err, sizeof(err)))
		fprintf(stderr, "xceiver: latency not shown: %s\n", err);
	else
		v.lat = &lat;
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
	if (xc_fx_files(&fx, &v, opts))
		ret = XC_EXIT_RUN;
	if (json) {
		*json = xc_report_json(&v, &j, opts);
		if (!*json)
			ret = XC_EXIT_RUN;
	}
out:
	xc_forensics_free(&fx);
	xc_latency_free(&lat);
	xc_judgement_free(&j);
	xc_view_free(&v);
	return ret;
}
