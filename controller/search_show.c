// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What xceiver search writes: a line per trial, the table per size and
 * goal, the verdict over the sizes, the JSON document, the JUnit suites
 * and the events. The search decides (search.c); this only tells it.
 */
#include <stdio.h>
#include <string.h>

#include "xc_events.h"
#include "xc_junit.h"
#include "xc_pb.h"
#include "xc_search_cmd.h"
#include "xc_spec.h"

#define XC_SEARCH_SCHEMA	"xceiver.search/1"

void xc_search_trial_line(FILE *f, const struct xc_size_search *z)
{
	const struct xc_search_trial *t = &z->s.trials[z->s.ntrials - 1];

	fprintf(f, "frame size %s, trial %u: %.0f pps for %g s: offered %.0f pps, lost %llu of %llu (loss ratio %.6g)%s%s\n",
		z->label, z->s.ntrials, t->load, t->duration, t->offered,
		(unsigned long long)t->lost, (unsigned long long)t->sent,
		xc_search_loss_ratio(t),
		t->tester_only ? ", only the tester lost frames" : "",
		t->short_sender ? ", the senders fell short of the load" : "");
}

/* A rate as a table cell: "none" when there is none (0). */
static const char *xc_cell(double pps, char *buf, size_t len)
{
	if (pps > 0)
		snprintf(buf, len, "%.0f", pps);
	else
		snprintf(buf, len, "none");
	return buf;
}

/* One goal's row: result, bounds, rate on the wire, trials, time, note. */
static void xc_table_row(FILE *f, const struct xc_size_search *z,
			 unsigned int g)
{
	const struct xc_search_result *r = &z->s.res[g];
	char name[32], a[24], b[24], c[24];

	xc_search_goal_name(&z->s, g, name, sizeof(name));
	fprintf(f, "%-10s %-10s %12s %12s %12s %9.3f %6u %8.0f", z->label,
		name, xc_cell(r->throughput, a, sizeof(a)),
		xc_cell(r->lower, b, sizeof(b)),
		xc_cell(r->upper, c, sizeof(c)),
		xc_search_l1_gbps(z->frame_bytes, r->throughput), r->trials,
		r->time);
	if (r->tester_limited)
		fprintf(f, "  limited by the tester at %.0f pps", r->lower);
	else if (!r->lower)
		fprintf(f, "  loss at the minimum load");
	else if (!r->upper)
		fprintf(f, "  no loss up to the maximum load");
	fprintf(f, "%s\n", r->done ? "" : "  not done (out of trials)");
}

/* The other benchmarks' tables, size by size. */
static void xc_bench_tables(FILE *f, const struct xc_search_all *a)
{
	unsigned int i;

	for (i = 0; i < a->n; i++) {
		if (a->sz[i].steps_on) {
			fprintf(f, "\nframe size %s: ", a->sz[i].label);
			xc_steps_print(f, &a->sz[i].steps);
		}
		if (a->sz[i].b2b_on) {
			fprintf(f, "\nframe size %s: ", a->sz[i].label);
			xc_b2b_print(f, &a->sz[i].b2b);
		}
	}
}

void xc_search_table(FILE *f, const struct xc_search_all *a)
{
	unsigned int i, g;

	xc_bench_tables(f, a);
	if (a->n && a->sz[0].steps_on)
		return;
	fprintf(f, "\n%-10s %-10s %12s %12s %12s %9s %6s %8s\n",
		"frame size", "goal", "result pps", "lower pps", "upper pps",
		"L1 Gb/s", "trials", "time s");
	for (i = 0; i < a->n; i++)
		for (g = 0; a->sz[i].ran && g < a->sz[i].s.nres; g++)
			xc_table_row(f, &a->sz[i], g);
}

/* The sizes whose search found each goal, and those tester-limited. */
static void xc_search_counts(const struct xc_search_all *a,
			     unsigned int *limited)
{
	unsigned int i, g;

	*limited = 0;
	for (i = 0; i < a->n; i++)
		for (g = 0; g < a->sz[i].s.nres; g++)
			*limited += a->sz[i].s.res[g].tester_limited;
}

int xc_search_verdict(const struct xc_search_all *a, char *why, size_t len)
{
	const struct xc_size_search *z;
	unsigned int i, limited;

	for (i = 0; i < a->n; i++) {
		z = &a->sz[i];
		if (z->bad_trials) {
			snprintf(why, len, "fail: frame size %s: %u trials failed a check other than loss, the first: %s",
				 z->label, z->bad_trials, z->bad_why);
			return XC_EXIT_FAIL;
		}
		if (z->s.out_of_trials) {
			snprintf(why, len, "fail: frame size %s: stopped at the limit of %u trials before every goal was within its width",
				 z->label, z->s.cfg.max_trials);
			return XC_EXIT_FAIL;
		}
		if (z->b2b_on && (z->b2b.out_of_trials ||
				  z->b2b.sender_failed)) {
			snprintf(why, len, "fail: frame size %s: back-to-back %s",
				 z->label, z->b2b.sender_failed ?
				 "bursts: the sender could not send the shortest burst whole" :
				 "stopped at its limit of trials");
			return XC_EXIT_FAIL;
		}
	}
	if (a->n && a->sz[0].steps_on) {
		snprintf(why, len, "pass: the frame loss rate of %u frame size%s",
			 a->n, a->n == 1 ? "" : "s");
		return XC_EXIT_PASS;
	}
	xc_search_counts(a, &limited);
	snprintf(why, len, "pass: %u frame size%s searched, every goal found",
		 a->n, a->n == 1 ? "" : "s");
	if (limited)
		snprintf(why + strlen(why), len - strlen(why),
			 " (%u result%s limited by the tester)", limited,
			 limited == 1 ? "" : "s");
	return XC_EXIT_PASS;
}

/* ------------------------------------------------------------- JSON */

/* Each trial object of arr (under key) gets its run from runs. */
static json_t *xc_with_runs(json_t *doc, const char *key, const json_t *runs)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(doc, key), i, t)
		json_object_set(t, "run", json_array_get(runs, i) ?:
				json_null());
	return doc;
}

/* A benchmark's document, or null when it did not run. */
static json_t *xc_bench_json(bool on, json_t *doc, const json_t *runs)
{
	if (!on) {
		json_decref(doc);
		return json_null();
	}
	return doc ? xc_with_runs(doc, "trials", runs) : NULL;
}

/* The search of size z with each trial's run at its trial. */
static json_t *xc_size_json(const struct xc_size_search *z)
{
	json_t *s;

	s = xc_bench_json(!z->steps_on, xc_search_json(&z->s), z->reports);
	if (!s)
		return NULL;
	return json_pack("{s:s, s:f, s:o, s:o, s:o, s:O, s:f, s:i, s:o, s:b}",
			 "frame_size", z->label, "frame_bytes", z->frame_bytes,
			 "search", s,
			 "frame_loss", xc_bench_json(z->steps_on, z->steps_on ?
					xc_steps_json(&z->steps) : NULL,
					z->reports),
			 "back_to_back", xc_bench_json(z->b2b_on, z->b2b_on ?
					xc_b2b_json(&z->b2b) : NULL,
					z->b2b_runs),
			 "probe_run", z->probe ? z->probe : json_null(),
			 "probe_pps", z->probe_pps,
			 "bad_trials", (int)z->bad_trials,
			 "bad_trial", *z->bad_why ? json_string(z->bad_why) :
				      json_null(),
			 "ran", z->ran);
}

static const char *xc_search_word(int ret)
{
	return ret == XC_EXIT_PASS ? "pass" : ret == XC_EXIT_FAIL ? "fail" :
	       "could_not_run";
}

/* The phase a search that could not run was in; null otherwise. */
static json_t *xc_search_phase(const struct xc_search_all *a, int ret)
{
	if (ret != XC_EXIT_RUN)
		return json_null();
	return json_string(*a->phase ? a->phase : "run");
}

json_t *xc_search_doc(const struct xc_search_all *a,
		      const Xceiver__V1__TestSpec *base, int ret,
		      const char *why)
{
	json_t *sizes = json_array();
	unsigned int i;

	for (i = 0; sizes && i < a->n; i++)
		if (json_array_append_new(sizes, xc_size_json(&a->sz[i]))) {
			json_decref(sizes);
			return NULL;
		}
	return json_pack("{s:s, s:s, s:i, s:s, s:o, s:s, s:o, s:o}",
			 "schema", XC_SEARCH_SCHEMA,
			 "verdict", xc_search_word(ret), "exit_code", ret,
			 "reason", why, "phase", xc_search_phase(a, ret),
			 "name", a->name,
			 "spec", xc_pb_to_json(&base->base), "sizes", sizes);
}

/* ----------------------------------------------------------- events */

void xc_search_trial_event(struct xc_events *ev,
			   const struct xc_size_search *z)
{
	const struct xc_search_trial *t;

	if (!ev)
		return;
	t = &z->s.trials[z->s.ntrials - 1];
	xc_events_emit(ev, "trial", json_pack(
		"{s:s, s:s, s:i, s:f, s:f, s:f, s:I, s:I, s:f, s:b, s:b}",
		"benchmark", "throughput", "frame_size", z->label, "trial", (int)z->s.ntrials,
		"load_pps", t->load, "duration_s", t->duration,
		"offered_pps", t->offered, "sent", (json_int_t)t->sent,
		"lost", (json_int_t)t->lost,
		"loss_ratio", xc_search_loss_ratio(t),
		"tester_only", t->tester_only,
		"sender_short", t->short_sender));
}

void xc_search_verdict_event(struct xc_events *ev,
			     const struct xc_search_all *a, int ret,
			     const char *why)
{
	if (ev)
		xc_events_emit(ev, "verdict", json_pack("{s:s, s:i, s:s, s:o}",
			       "verdict", xc_search_word(ret),
			       "exit_code", ret, "reason", why,
			       "phase", xc_search_phase(a, ret)));
}

/* ------------------------------------------------------------ JUnit */

/* A goal's testcase: found, tester-limited (skipped) or not done. */
static int xc_junit_goal(struct xc_junit *ju, const struct xc_size_search *z,
			 unsigned int g)
{
	const struct xc_search_result *r = &z->s.res[g];
	struct xc_junit_result jr = { .kind = XC_JUNIT_PASS };
	char name[32], text[256], msg[160], a[24], b[24], c[24];

	xc_search_goal_name(&z->s, g, name, sizeof(name));
	snprintf(text, sizeof(text),
		 "result %s pps, lower bound %s pps, upper bound %s pps, %u trials, %.0f s",
		 xc_cell(r->throughput, a, sizeof(a)),
		 xc_cell(r->lower, b, sizeof(b)),
		 xc_cell(r->upper, c, sizeof(c)), r->trials, r->time);
	jr.text = text;
	if (r->tester_limited) {
		snprintf(msg, sizeof(msg),
			 "limited by the tester at %.0f pps: the path carried all it sent",
			 r->lower);
		jr.kind = XC_JUNIT_SKIP;
		jr.message = msg;
	} else if (!r->done) {
		snprintf(msg, sizeof(msg),
			 "not within the width after %u trials (limit %u)",
			 r->trials, z->s.cfg.max_trials);
		jr.kind = XC_JUNIT_FAIL;
		jr.message = msg;
		jr.type = "out_of_trials";
	}
	return xc_junit_outcome(ju, name, NULL, &jr);
}

/* The testcase of the trials' other checks. */
static int xc_junit_trials(struct xc_junit *ju, const struct xc_size_search *z)
{
	struct xc_junit_result jr = { .kind = XC_JUNIT_PASS };
	char msg[320];

	if (z->bad_trials) {
		snprintf(msg, sizeof(msg), "%u trials failed; the first: %s",
			 z->bad_trials, z->bad_why);
		jr.kind = XC_JUNIT_FAIL;
		jr.message = msg;
		jr.type = "fail";
	}
	return xc_junit_outcome(ju, "trials pass every check but loss", NULL,
				&jr);
}

/* The frame loss rate's and back-to-back's testcases, when they ran. */
static int xc_junit_bench(struct xc_junit *ju, const struct xc_size_search *z)
{
	struct xc_junit_result jr = { .kind = XC_JUNIT_PASS };
	const struct xc_b2b_result *r = &z->b2b.res;
	char text[256];
	int ret = 0;

	if (z->steps_on) {
		snprintf(text, sizeof(text), "%u trials from %.0f pps down, %s",
			 z->steps.ntrials, z->steps.cfg.max_pps,
			 z->steps.two_lossless ?
			 "ended by two successive trials without loss" :
			 "ended at the minimum load");
		jr.text = text;
		ret = xc_junit_outcome(ju, "frame loss rate", NULL, &jr);
	}
	if (ret || !z->b2b_on)
		return ret;
	snprintf(text, sizeof(text),
		 "average %.1f frames over %u repetitions (min %llu, max %llu)",
		 r->mean, r->repeats, (unsigned long long)r->min,
		 (unsigned long long)r->max);
	jr.text = text;
	if (z->b2b.out_of_trials || z->b2b.sender_failed) {
		jr.kind = XC_JUNIT_FAIL;
		jr.message = z->b2b.sender_failed ?
			     "the sender could not send the shortest burst whole" :
			     "stopped at its limit of trials";
		jr.type = "fail";
	}
	return xc_junit_outcome(ju, "back-to-back frames", NULL, &jr);
}

/* The size's properties: what was searched and what bounded it. */
static int xc_junit_size_props(struct xc_junit *ju,
			       const struct xc_size_search *z)
{
	char v[4][32];

	snprintf(v[0], sizeof(v[0]), "%s", z->steps_on ? "frame-loss" :
		 z->s.cfg.algo == XC_SEARCH_RFC2544 ? "rfc2544" : "mlrsearch");
	snprintf(v[1], sizeof(v[1]), "%.1f", z->frame_bytes);
	snprintf(v[2], sizeof(v[2]), "%.0f", z->probe_pps);
	xc_cell(z->s.ceiling, v[3], sizeof(v[3]));
	return xc_junit_prop(ju, "algorithm", v[0]) ?:
	       xc_junit_prop(ju, "frame_bytes", v[1]) ?:
	       xc_junit_prop(ju, "probe_pps", v[2]) ?:
	       xc_junit_prop(ju, "tester_ceiling_pps", v[3]);
}

static int xc_junit_size(struct xc_junit *ju, const struct xc_search_all *a,
			 const struct xc_size_search *z, bool failed_here)
{
	struct xc_junit_result skip = {
		.kind = XC_JUNIT_SKIP,
		.message = "not searched: an earlier frame size could not run",
	};
	char suite[256], cls[256];
	unsigned int g;
	int ret;

	snprintf(suite, sizeof(suite), "search %s frame size %s", a->name,
		 z->label);
	snprintf(cls, sizeof(cls), "xceiver.search.%s", z->label);
	if (failed_here) {
		xc_junit_end(ju);	/* its own suite, not the last one's */
		return xc_junit_error(ju, suite, cls, a->why, a->phase);
	}
	ret = xc_junit_begin(ju, suite, cls) ?: xc_junit_size_props(ju, z) ?:
	      xc_junit_backdate(ju, z->wall_s);
	if (!ret && !z->ran && !z->s.ntrials)
		return xc_junit_outcome(ju, "search", NULL, &skip);
	for (g = 0; !ret && !z->steps_on && g < z->s.nres; g++)
		ret = xc_junit_goal(ju, z, g);
	return ret ?: xc_junit_bench(ju, z) ?: xc_junit_trials(ju, z);
}

int xc_search_junit(struct xc_junit *ju, const struct xc_search_all *a)
{
	bool failed = false, here;
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < a->n; i++) {
		here = !failed && !a->sz[i].ran && *a->why;
		failed |= here;
		ret = xc_junit_size(ju, a, &a->sz[i], here);
	}
	xc_junit_end(ju);
	return ret;
}

