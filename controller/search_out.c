// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A throughput search's results printed and serialised (xc_search.h):
 * a line per goal, and JSON with the configuration, the results and every
 * trial. Judging lives in search.c.
 */
#include <stdio.h>
#include <jansson.h>

#include "xc_search.h"

/* A bound or rate in pps, null when there is none (0). */
static json_t *rate_json(double pps)
{
	return pps > 0 ? json_real(pps) : json_null();
}

static json_t *trial_json(const struct xc_search_trial *t)
{
	return json_pack("{s:f, s:f, s:f, s:f, s:I, s:I, s:f, s:b, s:b}",
			 "load_pps", t->load, "duration_s", t->duration,
			 "offered_pps", t->offered, "achieved_pps", t->achieved,
			 "sent", (json_int_t)t->sent,
			 "lost", (json_int_t)t->lost,
			 "loss_ratio", xc_search_loss_ratio(t),
			 "tester_only", t->tester_only,
			 "sender_short", t->short_sender);
}

/*
 * RFC 9971 (goal result): a goal result is regular when both relevant
 * bounds exist within the goal width; an irregular one must say so.
 */
static bool result_regular(const struct xc_search_result *r)
{
	return r->lower > 0 && r->upper > 0 && r->done;
}

static json_t *result_json(const struct xc_search_result *r)
{
	return json_pack("{s:o, s:o, s:o, s:i, s:f, s:b, s:b, s:b}",
			 "throughput_pps", rate_json(r->throughput),
			 "lower_bound_pps", rate_json(r->lower),
			 "upper_bound_pps", rate_json(r->upper),
			 "trials", r->trials, "trial_time_s", r->time,
			 "done", r->done, "tester_limited", r->tester_limited,
			 "regular", result_regular(r));
}

/* The goal's parameters, added to its result object o. */
static int goal_add(json_t *o, const struct xc_search_goal *g)
{
	json_t *p;
	int ret;

	p = json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}",
		      "loss_ratio", g->loss_ratio,
		      "final_duration_s", g->final_duration,
		      "duration_sum_s", g->duration_sum,
		      "exceed_ratio", g->exceed_ratio,
		      "width", g->width,
		      "initial_duration_s", g->initial_duration);
	if (!p)
		return -1;
	ret = json_object_update(o, p);
	json_decref(p);
	return ret;
}

static json_t *results_json(const struct xc_search *s)
{
	json_t *a = json_array(), *o;
	unsigned int i;

	for (i = 0; a && i < s->nres; i++) {
		o = result_json(&s->res[i]);
		if (!o || (s->cfg.algo == XC_SEARCH_MLR &&
			   goal_add(o, &s->cfg.goals[i])) ||
		    json_array_append_new(a, o)) {
			json_decref(o);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *trials_json(const struct xc_search *s)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < s->ntrials; i++)
		if (json_array_append_new(a, trial_json(&s->trials[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *xc_search_json(const struct xc_search *s)
{
	const struct xc_search_cfg *c = &s->cfg;
	bool rfc2544 = c->algo == XC_SEARCH_RFC2544;

	return json_pack("{s:s, s:f, s:f, s:o, s:o, s:o, s:i, s:b, s:o, s:o}",
			 "algorithm", rfc2544 ? "rfc2544" : "mlrsearch",
			 "min_load_pps", c->min_load,
			 "max_load_pps", c->max_load,
			 "width_pps", rfc2544 && c->width_abs > 0 ?
				json_real(c->width_abs) : json_null(),
			 "width_rel", rfc2544 && c->width_rel > 0 ?
				json_real(c->width_rel) : json_null(),
			 "tester_ceiling_pps", rate_json(s->ceiling),
			 "max_trials", c->max_trials,
			 "out_of_trials", s->out_of_trials,
			 "results", results_json(s),
			 "trials", trials_json(s));
}

static void print_result(FILE *out, const char *name,
			 const struct xc_search_result *r)
{
	fprintf(out, "%s: ", name);
	if (r->tester_limited)
		fprintf(out, "limited by the tester at %.0f pps", r->lower);
	else if (!r->lower)
		fprintf(out, "none (loss at the minimum load %.0f pps)",
			r->upper);
	else if (!r->upper)
		fprintf(out, "%.0f pps (the maximum load)", r->throughput);
	else
		fprintf(out, "%.0f pps (lower %.0f, upper %.0f)",
			r->throughput, r->lower, r->upper);
	fprintf(out, ", %u trials, %.0f s%s\n", r->trials, r->time,
		r->done ? "" : ", not done");
}

void xc_search_goal_name(const struct xc_search *s, unsigned int i,
			 char *buf, size_t len)
{
	double lr = s->cfg.goals[i].loss_ratio;

	if (s->cfg.algo == XC_SEARCH_RFC2544)
		snprintf(buf, len, "throughput");
	else if (!lr)
		snprintf(buf, len, "NDR");
	else
		snprintf(buf, len, "PDR %g%%", lr * 100);
}

void xc_search_print(FILE *out, const struct xc_search *s)
{
	const struct xc_search_goal *g;
	char name[64], goal[32];
	unsigned int i;

	for (i = 0; i < s->nres; i++) {
		g = &s->cfg.goals[i];
		xc_search_goal_name(s, i, goal, sizeof(goal));
		if (s->cfg.algo == XC_SEARCH_RFC2544)
			snprintf(name, sizeof(name), "throughput (RFC 2544)");
		else
			snprintf(name, sizeof(name), "%s (loss ratio %g)",
				 goal, g->loss_ratio);
		print_result(out, name, &s->res[i]);
	}
	if (s->out_of_trials)
		fprintf(out, "search: stopped at the limit of %u trials\n",
			s->cfg.max_trials);
}
