// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xceiver search: for each frame size, a probe at the maximum load (what
 * the senders can keep), then the search's trials, each an ordinary run of
 * the spec with the trial's load shared among its streams. The search
 * itself (search.c) only proposes loads and classifies outcomes.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "xc_cli.h"
#include "xc_events.h"
#include "xc_junit.h"
#include "xc_search_cmd.h"
#include "xc_spec.h"
#include "xc_util.h"

static const unsigned int xc_rfc2544_sizes[] = { XC_SEARCH_RFC2544_SIZES };

void xc_search_usage(FILE *f)
{
	fprintf(f,
		"usage: xceiver search [SPEC.yaml] CREDENTIALS [run options] [options]\n"
		"\n"
		"Find the highest load the path between the agents carries, for\n"
		"each frame size. Each trial is a run of the spec (xceiver run\n"
		"--help: agents, streams, credentials) with every stream at its\n"
		"share of the trial's load for the trial's duration. Before each\n"
		"size's search a probe at full speed (%d frames, then %.0f s at the\n"
		"rate reached) measures what the senders can send: a search that\n"
		"ends there says \"limited by the tester at N pps\", not a limit\n"
		"of the path. Frames only the tester lost (drop forensics) are\n"
		"not loss of the path.\n"
		"\n"
		"  --algorithm mlrsearch|rfc2544|frame-loss  RFC 9971 MLRsearch\n"
		"                   goals (default), RFC 2544 26.1's binary search\n"
		"                   for zero loss, or RFC 2544 26.3's frame loss\n"
		"                   rate at loads stepped down from the maximum (or\n"
		"                   the senders' ceiling) until two trials lose\n"
		"                   nothing\n"
		"  --step P         frame-loss: the step, of the maximum (default\n"
		"                   %g; at most 0.1 as RFC 2544 asks)\n"
		"  --frame-sizes rfc2544|spec|A,B,...  sizes searched one after the\n"
		"                   other: RFC 2544's 64,128,256,512,1024,1280,1518\n"
		"                   (default), or the spec's own sizes or IMIX as one\n"
		"                   mix (default when the spec has them)\n"
		"  --min-rate PPS   lowest load tried (default %d)\n"
		"  --line-rate GBPS  the media's rate (default %g): the default\n"
		"                   --max-rate, back-to-back's maximum frame rate\n"
		"  --max-rate PPS   highest load (default: the line rate at each\n"
		"                   size, 20 bytes of preamble and gap a frame)\n"
		"  --trial-duration S  RFC 2544: every trial (default %d); MLRsearch:\n"
		"                   every goal's final trial duration (default %d)\n"
		"  --trial-gap S    the path idles S between trials (default %g:\n"
		"                   RFC 2544 section 23's wait for the device to\n"
		"                   restabilize)\n"
		"  --width W        relative width of the result (default %g; 1%% or\n"
		"                   0.01)\n"
		"  --max-trials N   trials per size (default %d, at most %d)\n"
		"MLRsearch goals (RFC 9971):\n"
		"  --goal LOSS      a goal loss ratio (0 or 0.005 or 0.5%%);\n"
		"                   repeatable, replaces the default NDR 0 and PDR %g\n"
		"  --duration-sum S   goal duration sum (default: the final trial\n"
		"                   duration)\n"
		"  --exceed-ratio R   goal exceed ratio (default %g)\n"
		"  --initial-duration S  shorter trials first, doubled up to the\n"
		"                   final duration (default: none)\n"
		"back-to-back frames (RFC 2544 26.4, RFC 9004), after each size's\n"
		"search, the throughput it found as RFC 9004's measured throughput\n"
		"and the line rate as the media's maximum frame rate:\n"
		"  --back-to-back   the longest burst at full speed without loss\n"
		"  --b2b-repeats N  searches averaged (default %d)\n"
		"  --b2b-max-frames N  longest burst tried (default %d)\n"
		"  --b2b-trial S    a burst's trial lasts at least S (default %d)\n"
		"output:\n"
		"  --json FILE      the results per size and goal, and every trial\n"
		"                   with its run's id, verdict, failed checks and loss\n"
		"  --plot FILE      throughput against frame size, loss against\n"
		"                   offered load (SVG)\n"
		"  --junit FILE     a testsuite per size, a testcase per goal\n"
		"  --json-stream FILE|-  each trial's run events and a \"trial\"\n"
		"                   event per trial\n"
		"  --trial-reports DIR  each trial's whole JSON report (as xceiver\n"
		"                   run --json writes it) as DIR/SIZE-NNNN.json,\n"
		"                   NNNN the trial (0000: the probe); the search's\n"
		"                   --json keeps each run's verdict and loss\n"
		"\n"
		"exit codes: 0 every size's search ended with its results, 1 a\n"
		"trial failed a check other than loss (frames corrupted, foreign,\n"
		"...) or a search ran out of trials, 2 usage, 3 a trial could not\n"
		"run\n",
		XC_SEARCH_PROBE_FRAMES, XC_SEARCH_PROBE_S, XC_STEPS_DEF_STEP,
		XC_SEARCH_DEF_MIN_PPS, XC_SEARCH_DEF_LINE_GBPS,
		XC_SEARCH_DEF_DURATION, XC_SEARCH_DEF_FINAL_S,
		XC_SEARCH_DEF_GAP_S, XC_SEARCH_DEF_WIDTH, XC_SEARCH_DEF_TRIALS,
		XC_SEARCH_MAX_TRIALS, XC_SEARCH_DEF_PDR, XC_SEARCH_DEF_EXCEED,
		XC_B2B_DEF_REPEATS, XC_B2B_DEF_MAX_FRAMES, XC_B2B_DEF_TRIAL_S);
}

/* A number of flag: at least 0, "N%" as N/100 where pct. */
static int xc_search_num(const char *flag, const char *arg, bool pct,
			 double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (pct && end != arg && *end == '%') {
		*v /= 100;
		end++;
	}
	if (errno || end == arg || *end || !isfinite(*v) || *v < 0) {
		fprintf(stderr, "xceiver: --%s: '%s' is not a number of 0 or more\n",
			flag, arg);
		return -EINVAL;
	}
	return 0;
}

static int xc_search_algo_opt(struct xc_search_opts *so, const char *arg)
{
	so->frame_loss = !strcmp(arg, "frame-loss");
	if (!strcmp(arg, "mlrsearch") || !strcmp(arg, "rfc9971"))
		so->algo = XC_SEARCH_MLR;
	else if (!strcmp(arg, "rfc2544") || so->frame_loss)
		so->algo = XC_SEARCH_RFC2544;
	else {
		fprintf(stderr, "xceiver: --algorithm: '%s' is not mlrsearch, rfc2544 or frame-loss\n",
			arg);
		return -EINVAL;
	}
	return 0;
}

/* A whole number of flag from 1 to max into *v. */
static int xc_search_count(const char *flag, const char *arg, double max,
			   double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (errno || end == arg || *end || *v < 1 || *v > max ||
	    *v != floor(*v)) {
		fprintf(stderr, "xceiver: --%s: '%s' is not a whole number from 1 to %.0f\n",
			flag, arg, max);
		return -EINVAL;
	}
	return 0;
}

static int xc_search_goal_opt(struct xc_search_opts *so, const char *arg)
{
	if (so->ngoals == XC_SEARCH_MAX_GOALS) {
		fprintf(stderr, "xceiver: --goal: at most %d goals\n",
			XC_SEARCH_MAX_GOALS);
		return -EINVAL;
	}
	return xc_search_num("goal", arg, true, &so->goals[so->ngoals++]);
}

/* --b2b-repeats N, --b2b-max-frames N, --b2b-trial S */
static int xc_search_b2b_opt(struct xc_search_opts *so, int c,
			     const char *arg)
{
	double v;
	int ret;

	switch (c) {
	case XC_OPT_S_B2B:
		so->b2b = true;
		return 0;
	case XC_OPT_S_B2B_REPEATS:
		ret = xc_search_count("b2b-repeats", arg, XC_B2B_MAX_REPEATS,
				      &v);
		so->b2b_repeats = (long)v;
		return ret;
	case XC_OPT_S_B2B_FRAMES:
		return xc_search_count("b2b-max-frames", arg,
				       (double)XC_B2B_MAX_FRAMES,
				       &so->b2b_max_frames);
	default:
		return xc_search_num("b2b-trial", arg, false,
				     &so->b2b_trial_s);
	}
}

static int xc_search_trials_opt(struct xc_search_opts *so, const char *arg)
{
	double v;
	int ret;

	ret = xc_search_count("max-trials", arg, XC_SEARCH_MAX_TRIALS, &v);
	so->max_trials = (long)v;
	return ret;
}

static int xc_search_opt_set(struct xc_search_opts *so, int c,
			     const char *arg)
{
	switch (c) {
	case XC_OPT_S_ALGO:
		return xc_search_algo_opt(so, arg);
	case XC_OPT_S_SIZES:
		so->sizes = arg;
		return 0;
	case XC_OPT_S_REPORTS:
		so->reports_dir = arg;
		return 0;
	case XC_OPT_S_MIN:
		return xc_search_num("min-rate", arg, false, &so->min_pps);
	case XC_OPT_S_MAX:
		return xc_search_num("max-rate", arg, false, &so->max_pps);
	case XC_OPT_S_TRIAL:
		return xc_search_num("trial-duration", arg, false,
				     &so->trial_s);
	case XC_OPT_S_SUM:
		return xc_search_num("duration-sum", arg, false, &so->sum_s);
	case XC_OPT_S_GOAL:
		return xc_search_goal_opt(so, arg);
	case XC_OPT_S_EXCEED:
		return xc_search_num("exceed-ratio", arg, true, &so->exceed);
	case XC_OPT_S_WIDTH:
		return xc_search_num("width", arg, true, &so->width);
	case XC_OPT_S_INITIAL:
		return xc_search_num("initial-duration", arg, false,
				     &so->initial_s);
	case XC_OPT_S_STEP:
		return xc_search_num("step", arg, true, &so->step);
	case XC_OPT_S_LINE:
		return xc_search_num("line-rate", arg, false, &so->line_gbps);
	case XC_OPT_S_GAP:
		return xc_search_num("trial-gap", arg, false, &so->gap_s);
	case XC_OPT_S_TRIALS:
		return xc_search_trials_opt(so, arg);
	default:
		return xc_search_b2b_opt(so, c, arg);
	}
}

/* The name of search flag c, for messages. */
static const char *xc_search_flag_name(int c)
{
	static const struct option opts[] = { XC_SEARCH_LONG_OPTIONS, { 0 } };
	const struct option *o;

	for (o = opts; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

int xc_search_opt(struct xc_search_opts *so, int c, const char *arg)
{
	if (c < XC_OPT_S_ALGO || c > XC_OPT_S_LAST)
		return 1;
	if (!so) {
		fprintf(stderr, "xceiver: --%s belongs to xceiver search\n",
			xc_search_flag_name(c));
		return -EINVAL;
	}
	return xc_search_opt_set(so, c, arg);
}

static void xc_search_opts_init(struct xc_search_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->algo = XC_SEARCH_MLR;
	so->min_pps = -1;
	so->max_pps = -1;
	so->trial_s = -1;
	so->sum_s = -1;
	so->exceed = -1;
	so->width = -1;
	so->initial_s = -1;
	so->step = -1;
	so->line_gbps = -1;
	so->gap_s = -1;
	so->b2b_trial_s = -1;
}

/* A given value, or the default d. */
static double xc_or(double v, double d)
{
	return v >= 0 ? v : d;
}

/* The search's configuration for a size whose line rate is line_pps. */
static void xc_search_cfg_of(const struct xc_search_opts *so, double line_pps,
			     struct xc_search_cfg *c)
{
	struct xc_search_goal *g;
	unsigned int i;

	xc_search_defaults(c, so->algo);
	c->min_load = xc_or(so->min_pps, c->min_load);
	c->max_load = xc_or(so->max_pps, line_pps);
	c->max_trials = so->max_trials;
	c->duration = xc_or(so->trial_s, c->duration);
	c->width_rel = xc_or(so->width, c->width_rel);
	if (so->ngoals)
		c->ngoals = so->ngoals;
	for (i = 0; i < c->ngoals; i++) {
		g = &c->goals[i];
		*g = c->goals[0];
		g->loss_ratio = so->ngoals ? so->goals[i] :
				(i ? XC_SEARCH_DEF_PDR : 0);
		g->final_duration = xc_or(so->trial_s, g->final_duration);
		g->duration_sum = xc_or(so->sum_s, g->final_duration);
		g->exceed_ratio = xc_or(so->exceed, g->exceed_ratio);
		g->width = xc_or(so->width, g->width);
		g->initial_duration = xc_or(so->initial_s, 0);
	}
}

/* ------------------------------------------------------------ sizes */

/* Whether a stream of s has a size mix (a list, IMIX or a range). */
static bool xc_spec_has_mix(const Xceiver__V1__TestSpec *s)
{
	const Xceiver__V1__Sizes *z;
	size_t i;

	for (i = 0; i < s->n_streams; i++) {
		z = s->streams[i]->sizes;
		if (z && (z->n_list || z->n_imix || z->standard_imix ||
			  z->min || z->max))
			return true;
	}
	return false;
}

/* The sizes of --frame-sizes into sizes (0: the spec's); their count. */
static int xc_sizes_parse(const char *arg, const Xceiver__V1__TestSpec *s,
			  unsigned int *sizes)
{
	unsigned long v;
	char *end;
	int n = 0;

	if (!arg)
		arg = xc_spec_has_mix(s) ? "spec" : "rfc2544";
	if (!strcmp(arg, "spec")) {
		sizes[0] = 0;
		return 1;
	}
	if (!strcmp(arg, "rfc2544")) {
		memcpy(sizes, xc_rfc2544_sizes, sizeof(xc_rfc2544_sizes));
		return XC_ARRAY_SIZE(xc_rfc2544_sizes);
	}
	for (;;) {
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || end == arg || (*end && *end != ',') || !v ||
		    v > UINT32_MAX || n == XC_SEARCH_MAX_SIZES)
			goto bad;
		sizes[n++] = (unsigned int)v;
		if (!*end)
			return n;
		arg = end + 1;
	}
bad:
	fprintf(stderr, "xceiver: --frame-sizes: expected rfc2544, spec or up to %d frame sizes in bytes, A,B,...\n",
		XC_SEARCH_MAX_SIZES);
	return -EINVAL;
}

/* Every stream of s at size bytes, its size mix gone. */
static void xc_spec_set_size(Xceiver__V1__TestSpec *s, unsigned int bytes)
{
	Xceiver__V1__Stream *st;
	size_t i;

	for (i = 0; i < s->n_streams; i++) {
		st = s->streams[i];
		st->frame_size = bytes;
		if (st->sizes)
			protobuf_c_message_free_unpacked(&st->sizes->base,
							 NULL);
		st->sizes = NULL;
	}
}

/* The mean frame size over the streams, by their shares of the load. */
static double xc_size_mean(const Xceiver__V1__TestSpec *s,
			   const double *share)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < s->n_streams; i++)
		sum += share[i] * xc_spec_stream_mean_frame(s->streams[i]);
	return sum;
}

static void xc_size_label(const Xceiver__V1__TestSpec *s, unsigned int bytes,
			  char *buf, size_t len)
{
	const Xceiver__V1__Sizes *z = s->streams[0]->sizes;

	if (bytes)
		snprintf(buf, len, "%u", bytes);
	else if (z && (z->standard_imix || z->n_imix))
		snprintf(buf, len, "imix");
	else
		snprintf(buf, len, "spec");
}

/* Size z of base at bytes (0: as it is), checked, its search begun. */
static int xc_size_init(struct xc_size_search *z,
			const Xceiver__V1__TestSpec *base, unsigned int bytes,
			const struct xc_search_opts *so, const char *name)
{
	struct xc_search_cfg cfg;
	char err[1024];

	z->spec = (Xceiver__V1__TestSpec *)xc_pb_dup(&base->base);
	z->reports = json_array();
	if (!z->spec || !z->reports)
		return -ENOMEM;
	if (bytes)
		xc_spec_set_size(z->spec, bytes);
	xc_size_label(z->spec, bytes, z->label, sizeof(z->label));
	if (xc_spec_check(z->spec, name, err, sizeof(err))) {
		fprintf(stderr, "xceiver: frame size %s: %s\n", z->label, err);
		return -EINVAL;
	}
	if (xc_search_shares(z->spec, &z->share))
		return -ENOMEM;	/* the spec, checked, has streams */
	z->frame_bytes = xc_size_mean(z->spec, z->share);
	z->line_pps = floor(xc_search_l1_pps(z->frame_bytes,
					     xc_or(so->line_gbps,
						   XC_SEARCH_DEF_LINE_GBPS)));
	xc_search_cfg_of(so, z->line_pps, &cfg);
	if (xc_search_init(&z->s, &cfg, err, sizeof(err)) ||
	    xc_size_bench_check(so, z, err, sizeof(err))) {
		fprintf(stderr, "xceiver: frame size %s: %s\n", z->label, err);
		return -EINVAL;
	}
	return 0;
}

static void xc_size_free(struct xc_size_search *z)
{
	xc_spec_free(z->spec);
	free(z->share);
	xc_search_free(&z->s);
	json_decref(z->probe);
	json_decref(z->reports);
	json_decref(z->b2b_runs);
	if (z->steps_on)
		xc_steps_free(&z->steps);
	if (z->b2b_on)
		xc_b2b_free(&z->b2b);
}

/* ----------------------------------------------------------- trials */

int xc_searcher_fail(struct xc_searcher *sr, const char *phase,
		     const char *fmt, ...)
{
	va_list ap;

	if (*sr->all.why)	/* the first reason stands */
		return XC_EXIT_RUN;
	va_start(ap, fmt);
	vsnprintf(sr->all.why, sizeof(sr->all.why), fmt, ap);
	va_end(ap);
	snprintf(sr->all.phase, sizeof(sr->all.phase), "%s", phase);
	return XC_EXIT_RUN;
}

/*
 * Put load pps for dur s on size z's spec; load 0: frames (dur) at full
 * speed (the probe). 0, or XC_EXIT_RUN with the reason.
 */
static int xc_trial_apply(struct xc_searcher *sr, struct xc_size_search *z,
			  double load, double dur)
{
	if (load <= 0)
		return xc_search_apply_burst(z->spec, z->share, dur) ?
		       xc_searcher_fail(sr, "search",
					"frame size %s: a burst of %.0f frames is more than 2^48",
					z->label, dur) : 0;
	return xc_search_apply(z->spec, z->share, load, dur) ?
	       xc_searcher_fail(sr, "search",
				"frame size %s: %.0f pps for %g s is more than 2^48 frames",
				z->label, load, dur) : 0;
}

/*
 * Run size z's spec at load pps for dur s (xc_trial_apply); its report in
 * *rep (NULL when out of memory). An exit code; XC_EXIT_RUN with the
 * reason in sr->all.
 */
int xc_trial_run(struct xc_searcher *sr, struct xc_size_search *z,
		 double load, double dur, json_t **rep)
{
	struct xc_run_result res;
	char why[512];
	int ret;

	*rep = NULL;
	if (xc_trial_apply(sr, z, load, dur))
		return XC_EXIT_RUN;
	if (sr->last_end_ns)	/* the path idles between trials */
		xc_sleep_until_ns(sr->last_end_ns +
				  (uint64_t)(xc_or(sr->so->gap_s,
						   XC_SEARCH_DEF_GAP_S) * 1e9));
	ret = xc_run(z->spec, &sr->o, &res);
	sr->last_end_ns = xc_mono_ns();
	if (ret == XC_EXIT_PASS) {
		ret = xc_verdict_why(z->spec, &res, &sr->o, rep, why,
				     sizeof(why));
		if (ret == XC_EXIT_RUN)
			xc_cnr_note(&res.fail, why, "verdict");
	}
	if (ret == XC_EXIT_RUN) {
		xc_searcher_fail(sr, res.fail.phase, "%s", res.fail.reason);
		xc_events_fail(sr->o.events, res.fail.reason, res.fail.phase);
		xc_cnr_report(rep, z->spec, &res, &sr->o);
	}
	xc_run_result_free(&res);
	return ret;
}

/* Whether check c of a run's JSON report failed. */
static bool xc_check_failed(const json_t *c)
{
	return !strcmp(json_string_value(json_object_get(c, "result")) ?: "",
		       "fail");
}

/* What the search's JSON keeps of a run's report: its verdict, loss. */
json_t *xc_trial_summary(const json_t *rep)
{
	json_t *failed = json_array(), *c;
	size_t i;

	json_array_foreach(json_object_get(rep, "checks"), i, c)
		if (xc_check_failed(c))
			json_array_append(failed, json_object_get(c, "check"));
	return json_pack("{s:O?, s:O?, s:O?, s:o, s:O?}",
			 "run_id", json_object_get(rep, "run_id"),
			 "verdict", json_object_get(rep, "verdict"),
			 "reason", json_object_get(rep, "reason"),
			 "failed_checks", failed,
			 "loss", json_object_get(rep, "loss"));
}

static int xc_report_fill(FILE *f, void *rep)
{
	errno = 0;
	if (!json_dumpf(rep, f, JSON_COMPACT | JSON_SORT_KEYS))
		return 0;
	return errno ? -errno : -EIO;
}

/*
 * --trial-reports DIR: the whole report of size z's trial n (0: the
 * probe) as DIR/SIZE-NNNN.json, written at once. An exit code.
 */
int xc_trial_report_write(struct xc_searcher *sr,
			  const struct xc_size_search *z, unsigned int n,
			  json_t *rep)
{
	char path[4096], err[512];

	if (!sr->reports_dir || !rep)
		return XC_EXIT_PASS;
	snprintf(path, sizeof(path), "%s/%s-%04u.json", sr->reports_dir,
		 z->label, n);
	if (!xc_outfile_write(path, xc_report_fill, rep, err, sizeof(err)))
		return XC_EXIT_PASS;
	fprintf(stderr, "xceiver: --trial-reports: %s\n", err);
	return xc_searcher_fail(sr, "output", "--trial-reports: %s", err);
}

int xc_trial_keep(struct xc_searcher *sr, const struct xc_size_search *z,
		  json_t *runs, unsigned int n, json_t *rep)
{
	if (json_array_append_new(runs, xc_trial_summary(rep)))
		return xc_searcher_fail(sr, "search", "out of memory");
	return xc_trial_report_write(sr, z, n, rep);
}

int xc_trial_measure(struct xc_searcher *sr, struct xc_size_search *z,
		     double load, double dur, json_t **rep,
		     struct xc_search_trial *t)
{
	int ret = xc_trial_run(sr, z, load, dur, rep);

	if (ret == XC_EXIT_RUN || (*rep && !xc_search_trial_from_report(*rep,
									  t)))
		return ret;
	return xc_searcher_fail(sr, "search",
				"frame size %s: a trial's report could not be read",
				z->label);
}

/* The first failed check of report that is not one of loss, in buf. */
static bool xc_trial_bad_check(const json_t *report, char *buf, size_t len)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(report, "checks"), i, c) {
		if (!xc_check_failed(c) ||
		    json_is_true(json_object_get(c, "loss")))
			continue;
		snprintf(buf, len, "%s",
			 json_string_value(json_object_get(c, "check")) ?: "?");
		return true;
	}
	return false;
}

/* Hand trial t's outcome (its run's report rep) to the search. */
static int xc_trial_add(struct xc_searcher *sr, struct xc_size_search *z,
			struct xc_search_trial *t, json_t *rep)
{
	char bad[160];

	if (xc_search_add(&z->s, t))
		return xc_searcher_fail(sr, "search",
					"frame size %s: trial %u lost more frames than it sent",
					z->label, z->s.ntrials + 1);
	if (xc_trial_bad_check(rep, bad, sizeof(bad)) && !z->bad_trials++)
		snprintf(z->bad_why, sizeof(z->bad_why),
			 "trial %u at %.0f pps: %s failed", z->s.ntrials,
			 t->load, bad);
	return xc_trial_keep(sr, z, z->reports, z->s.ntrials, rep);
}

/* One probe of frames at full speed: the rate reached in *pps. */
static int xc_probe_once(struct xc_searcher *sr, struct xc_size_search *z,
			 double frames, double *pps)
{
	struct xc_search_trial t = { 0 };
	json_t *rep;
	int ret;

	json_decref(z->probe);
	z->probe = NULL;
	ret = xc_trial_measure(sr, z, 0, frames, &rep, &t);
	if (ret != XC_EXIT_RUN) {
		z->probe = xc_trial_summary(rep);
		ret = xc_trial_report_write(sr, z, 0, rep);
	}
	json_decref(rep);
	*pps = t.offered;
	return ret;
}

/*
 * The probe (XC_SEARCH_PROBE_*): the rate the senders reach at full speed
 * becomes the search's ceiling when it is below the maximum load.
 */
static int xc_size_probe(struct xc_searcher *sr, struct xc_size_search *z)
{
	double max = z->s.cfg.max_load, frames, pps = 0;
	bool shrt;
	int ret;

	frames = fmin(max * XC_SEARCH_PROBE_S, XC_SEARCH_PROBE_FRAMES);
	ret = xc_probe_once(sr, z, frames, &pps);
	shrt = pps < max * (1 - XC_SEARCH_RATE_SLACK);
	if (ret != XC_EXIT_RUN && shrt && pps * XC_SEARCH_PROBE_S > frames) {
		frames = ceil(pps * XC_SEARCH_PROBE_S);
		ret = xc_probe_once(sr, z, frames, &pps);
		shrt = pps < max * (1 - XC_SEARCH_RATE_SLACK);
	}
	if (ret == XC_EXIT_RUN)
		return ret;
	z->probe_pps = pps;
	if (shrt)
		xc_search_set_ceiling(&z->s, pps);
	if (!sr->o.quiet)
		printf("frame size %s: probe, %.0f frames at full speed: the senders reached %.0f pps%s\n",
		       z->label, frames, pps,
		       shrt ? ", the search's ceiling" : "");
	return XC_EXIT_PASS;
}

/* Size z's throughput search, trial by trial; an exit code. */
static int xc_size_trials(struct xc_searcher *sr, struct xc_size_search *z)
{
	struct xc_search_trial t = { 0 };
	int ret = XC_EXIT_PASS;
	json_t *rep;

	while (!xc_search_next(&z->s, &t.load, &t.duration)) {
		ret = xc_trial_measure(sr, z, t.load, t.duration, &rep, &t);
		if (ret != XC_EXIT_RUN)
			ret = xc_trial_add(sr, z, &t, rep);
		else
			xc_trial_report_write(sr, z, z->s.ntrials + 1, rep);
		json_decref(rep);
		if (ret == XC_EXIT_RUN)
			break;
		xc_search_trial_event(sr->o.events, z);
		if (!sr->o.quiet)
			xc_search_trial_line(stdout, z);
	}
	return ret;
}

/*
 * Size z from its probe to its last trial: the throughput search or the
 * frame loss rate, then back-to-back frames if asked; an exit code.
 */
static int xc_size_search(struct xc_searcher *sr, struct xc_size_search *z)
{
	uint64_t t0 = xc_mono_ns();
	int ret;

	ret = xc_size_probe(sr, z);
	if (ret != XC_EXIT_RUN)
		ret = sr->so->frame_loss ? xc_size_steps(sr, z) :
		      xc_size_trials(sr, z);
	if (ret != XC_EXIT_RUN && sr->so->b2b)
		ret = xc_size_b2b(sr, z);
	z->ran = ret != XC_EXIT_RUN;
	z->wall_s = (double)(xc_mono_ns() - t0) / 1e9;
	return ret;
}

/* ---------------------------------------------------------- command */

/* The sizes of the search, each checked and begun; an exit code. */
static int xc_sizes_init(struct xc_search_all *a,
			 const Xceiver__V1__TestSpec *base,
			 const struct xc_search_opts *so)
{
	unsigned int sizes[XC_SEARCH_MAX_SIZES], i;
	int n = xc_sizes_parse(so->sizes, base, sizes), err;

	if (n < 0)
		return XC_EXIT_USAGE;
	a->sz = calloc(n, sizeof(*a->sz));
	if (!a->sz)
		return XC_EXIT_RUN;
	for (i = 0; i < (unsigned int)n; i++) {
		a->n++;
		err = xc_size_init(&a->sz[i], base, sizes[i], so, a->name);
		if (err)
			return err == -ENOMEM ? XC_EXIT_RUN : XC_EXIT_USAGE;
	}
	return 0;
}

/* What xceiver run's flags would do beyond the search's scope. */
static int xc_search_refuse(const struct xc_ctl_opts *o,
			    const Xceiver__V1__TestSpec *s,
			    const struct xc_search_opts *so)
{
	const char *flag = o->pcap_path ? "--pcap" :
			   o->timeline_path ? "--timeline" :
			   s->repeat > 1 ? "the spec's repeat" : NULL;

	if (so->frame_loss && (o->plot_path || so->b2b)) {
		fprintf(stderr, "xceiver: search: %s goes with a throughput search (mlrsearch, rfc2544), not frame-loss\n",
			o->plot_path ? "--plot" : "--back-to-back");
		return XC_EXIT_USAGE;
	}
	if (!flag)
		return 0;
	fprintf(stderr, "xceiver: search: %s is not for a search (each trial is one run; --json keeps every trial's report)\n",
		flag);
	return XC_EXIT_USAGE;
}

/* Every size's search in turn; stops at the first that could not run. */
static int xc_search_sizes(struct xc_searcher *sr)
{
	struct xc_search_all *a = &sr->all;
	unsigned int i;
	int ret = XC_EXIT_PASS;

	for (i = 0; i < a->n && ret != XC_EXIT_RUN; i++)
		ret = xc_size_search(sr, &a->sz[i]);
	if (!sr->o.quiet && ret != XC_EXIT_RUN)
		xc_search_table(stdout, a);
	return ret;
}

/* --junit's file; 0 or -errno with err set. */
static int xc_search_junit_write(const struct xc_search_all *a,
				 const char *path, char *err, size_t errlen)
{
	struct xc_junit junit = { 0 };
	int ret;

	snprintf(err, errlen, "out of memory");
	ret = xc_junit_init(&junit) ?: xc_search_junit(&junit, a) ?:
	      xc_junit_write(&junit, path, err, errlen);
	xc_junit_free(&junit);
	return ret;
}

/* Whether a size has a trial to draw (a search that could not run: not). */
static bool xc_search_any_trial(const struct xc_search_all *a)
{
	unsigned int i;

	for (i = 0; i < a->n; i++)
		if (a->sz[i].s.ntrials)
			return true;
	return false;
}

/*
 * The files after the search, the JSON last (--plot only when a trial ran);
 * an exit code.
 */
static int xc_search_outputs(struct xc_searcher *sr,
			     const Xceiver__V1__TestSpec *base, int ret,
			     const char *plot, char *why, size_t whylen)
{
	struct xc_ctl_opts *o = &sr->o;
	const char *flag = NULL;
	char err[512];
	json_t *doc;

	if (o->junit_path && xc_search_junit_write(&sr->all, o->junit_path,
						   err, sizeof(err)))
		flag = "--junit";
	else if (plot && xc_search_any_trial(&sr->all) &&
		 xc_search_plot_write(plot, &sr->all, err, sizeof(err)))
		flag = "--plot";
	if (flag) {
		if (ret != XC_EXIT_RUN)	/* else why keeps the first reason */
			snprintf(why, whylen, "%s: %s", flag, err);
		ret = xc_output_failed(NULL, o->events, flag, err);
	}
	if (!o->json_path)
		return ret;
	doc = xc_search_doc(&sr->all, base, ret, why);
	if (!doc || xc_write_json(o->json_path, doc, o->events))
		ret = XC_EXIT_RUN;
	json_decref(doc);
	return ret;
}

/* The search's verdict: printed, and the last event. */
static int xc_search_end(struct xc_searcher *sr, int ret, char *why,
			 size_t len)
{
	if (ret == XC_EXIT_RUN)
		snprintf(why, len, "could not run: %s", sr->all.why);
	else
		ret = xc_search_verdict(&sr->all, why, len);
	printf("search: %s\n", why);
	return ret;
}

/* Before any trial: refusals, sizes, security, stale files, events. */
static int xc_search_setup(struct xc_searcher *sr,
			   const Xceiver__V1__TestSpec *base,
			   const struct xc_search_opts *so,
			   struct xc_tls_ctx **tls, struct xc_events *events)
{
	struct xc_ctl_opts *o = &sr->o;
	char err[512];
	int ret;

	ret = xc_search_refuse(o, base, so) ?: xc_sizes_init(&sr->all, base, so) ?:
	      xc_security(o, tls);
	if (ret)
		return ret;
	if (so->reports_dir && mkdir(so->reports_dir, 0755) &&
	    errno != EEXIST) {
		fprintf(stderr, "xceiver: --trial-reports: cannot make %s: %s\n",
			so->reports_dir, strerror(errno));
		return XC_EXIT_USAGE;
	}
	if (xc_results_clear(o, err, sizeof(err)) ||
	    (o->events_path && xc_events_open(events, o->events_path, err,
					      sizeof(err)))) {
		fprintf(stderr, "xceiver: %s\n", err);
		return XC_EXIT_USAGE;
	}
	o->events = o->events_path ? events : NULL;
	xc_tcp_set_liveness(o->liveness_s * 1000);
	return 0;
}

static void xc_search_cleanup(struct xc_searcher *sr)
{
	unsigned int i;

	for (i = 0; i < sr->all.n; i++)
		xc_size_free(&sr->all.sz[i]);
	free(sr->all.sz);
}

int xc_cmd_search(int argc, char **argv)
{
	struct xc_searcher sr = {
		.o = { .liveness_s = XC_DEF_LIVENESS_S, .silent = true,
		       .repeat = 1, .repetition = 1 },
	};
	Xceiver__V1__TestSpec *base = NULL;
	struct xc_tls_ctx *tls = NULL;
	struct xc_search_opts so;
	struct xc_events events;
	const char *plot;
	char why[700], err[512];
	int ret;

	xc_search_opts_init(&so);
	ret = xc_build_spec(argc, argv, &base, &sr.o, &sr.all.name, &so);
	if (ret)
		return ret;
	sr.reports_dir = so.reports_dir;
	sr.so = &so;
	ret = xc_search_setup(&sr, base, &so, &tls, &events);
	if (ret)
		goto out;
	plot = sr.o.plot_path;
	sr.o.plot_path = NULL;		/* a trial's own picture: none */
	ret = xc_search_sizes(&sr);
	ret = xc_search_end(&sr, ret, why, sizeof(why));
	ret = xc_search_outputs(&sr, base, ret, plot, why, sizeof(why));
	xc_search_verdict_event(sr.o.events, &sr.all, ret, why);
	if (xc_events_close(sr.o.events, err, sizeof(err))) {
		fprintf(stderr, "xceiver: %s\n", err);
		ret = XC_EXIT_RUN;
	}
out:
	xc_search_cleanup(&sr);
	xc_spec_free(base);
	xc_conn_set_security(NULL);
	xc_tls_ctx_free(tls);
	return ret;
}
