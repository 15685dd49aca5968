// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The throughput search's algorithms (xc_search.h): the RFC 2544 binary
 * search and the RFC 9971 load classification with its controller. Every
 * decision is made from the trials kept so far, never from hidden state,
 * so the result can be checked against the list of trials.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_search.h"

/* Trial durations within this of the goal's final one are full-length. */
#define XC_DUR_EPS 1e-9

void xc_search_defaults(struct xc_search_cfg *c, enum xc_search_algo algo)
{
	static const struct xc_search_goal ndr = {
		.loss_ratio = 0, .final_duration = XC_SEARCH_DEF_FINAL_S,
		.duration_sum = XC_SEARCH_DEF_FINAL_S,
		.exceed_ratio = XC_SEARCH_DEF_EXCEED,
		.width = XC_SEARCH_DEF_WIDTH,
	};

	memset(c, 0, sizeof(*c));
	c->algo = algo;
	c->min_load = XC_SEARCH_DEF_MIN_PPS;
	c->max_load = XC_SEARCH_DEF_MAX_PPS;
	c->duration = XC_SEARCH_DEF_DURATION;
	c->width_rel = XC_SEARCH_DEF_WIDTH;
	c->goals[0] = ndr;
	c->goals[1] = ndr;
	c->goals[1].loss_ratio = XC_SEARCH_DEF_PDR;
	c->ngoals = 2;
}

static int bad(char *err, size_t len, const char *what, double v)
{
	snprintf(err, len, "search: %s %g is out of range", what, v);
	return -EINVAL;
}

static int bad_limit(char *err, size_t len, const char *what, unsigned int v,
		     unsigned int limit)
{
	snprintf(err, len, "search: %s %u is out of range (1 to %u)", what, v,
		 limit);
	return -EINVAL;
}

static int check_goal(const struct xc_search_goal *g, char *err, size_t len)
{
	if (!(g->loss_ratio >= 0 && g->loss_ratio < 1))
		return bad(err, len, "goal loss ratio (0 to < 1)",
			   g->loss_ratio);
	if (!(g->final_duration > 0))
		return bad(err, len, "goal final trial duration (> 0 s)",
			   g->final_duration);
	if (!(g->duration_sum >= g->final_duration))
		return bad(err, len,
			   "goal duration sum (>= final trial duration)",
			   g->duration_sum);
	if (!(g->exceed_ratio >= 0 && g->exceed_ratio < 1))
		return bad(err, len, "goal exceed ratio (0 to < 1)",
			   g->exceed_ratio);
	if (!(g->width > 0 && g->width < 1))
		return bad(err, len, "goal width (0 < w < 1)", g->width);
	if (!(g->initial_duration >= 0 &&
	      g->initial_duration <= g->final_duration))
		return bad(err, len,
			   "goal initial trial duration (0 to final)",
			   g->initial_duration);
	return 0;
}

static int check_cfg(const struct xc_search_cfg *c, char *err, size_t len)
{
	unsigned int i;
	int ret;

	if (!(c->min_load >= 1))
		return bad(err, len, "min load (>= 1 pps)", c->min_load);
	if (!(c->max_load >= c->min_load))
		return bad(err, len, "max load (>= min load)", c->max_load);
	if (c->max_trials > XC_SEARCH_MAX_TRIALS)
		return bad_limit(err, len, "max trials", c->max_trials,
				 XC_SEARCH_MAX_TRIALS);
	if (c->algo == XC_SEARCH_RFC2544) {
		if (!(c->duration > 0))
			return bad(err, len, "trial duration (> 0 s)",
				   c->duration);
		if (!(c->width_abs >= 0 && c->width_rel >= 0 &&
		      c->width_rel < 1 && c->width_abs + c->width_rel > 0))
			return bad(err, len,
				   "width (abs >= 0, 0 <= rel < 1, one > 0)",
				   c->width_abs + c->width_rel);
		return 0;
	}
	if (c->algo != XC_SEARCH_MLR)
		return bad(err, len, "algorithm", c->algo);
	if (c->ngoals < 1 || c->ngoals > XC_SEARCH_MAX_GOALS)
		return bad_limit(err, len, "number of goals", c->ngoals,
				 XC_SEARCH_MAX_GOALS);
	for (i = 0; i < c->ngoals; i++) {
		ret = check_goal(&c->goals[i], err, len);
		if (ret)
			return ret;
	}
	return 0;
}

int xc_search_init(struct xc_search *s, const struct xc_search_cfg *c,
		   char *err, size_t errlen)
{
	int ret;

	memset(s, 0, sizeof(*s));
	ret = check_cfg(c, err, errlen);
	if (ret)
		return ret;
	s->cfg = *c;
	if (!s->cfg.max_trials)
		s->cfg.max_trials = XC_SEARCH_DEF_TRIALS;
	s->nres = c->algo == XC_SEARCH_MLR ? c->ngoals : 1;
	s->trials = calloc(s->cfg.max_trials, sizeof(*s->trials));
	if (!s->trials)
		return -ENOMEM;
	return 0;
}

void xc_search_free(struct xc_search *s)
{
	free(s->trials);
	s->trials = NULL;
	s->ntrials = 0;
}

double xc_search_loss_ratio(const struct xc_search_trial *t)
{
	if (t->tester_only || !t->lost)
		return 0;
	if (!t->sent)
		return 1;
	return (double)t->lost / (double)t->sent;
}

/* The highest load worth asking: max load, or the tester's ceiling. */
static double top_load(const struct xc_search *s)
{
	if (s->ceiling > 0 && s->ceiling < s->cfg.max_load)
		return s->ceiling;
	return s->cfg.max_load;
}

static bool tester_limited(const struct xc_search *s, double lower)
{
	return s->ceiling > 0 && s->ceiling < s->cfg.max_load &&
	       lower >= s->ceiling;
}

static double total_time(const struct xc_search *s)
{
	double sum = 0;
	unsigned int i;

	for (i = 0; i < s->ntrials; i++)
		sum += s->trials[i].duration;
	return sum;
}

/* The load halfway between lo and hi in whole pps; 0 when none is left. */
static double midpoint(double lo, double hi)
{
	double mid = round((lo + hi) / 2);

	return mid > lo && mid < hi ? mid : 0;
}

/*
 * RFC 2544 bounds: *hi the lowest load that lost (0: none), *lo the
 * highest load below it that lost nothing (0: none).
 */
static void r2544_bounds(const struct xc_search *s, double *lo, double *hi)
{
	const struct xc_search_trial *t;
	unsigned int i;

	*lo = 0;
	*hi = 0;
	for (i = 0; i < s->ntrials; i++) {
		t = &s->trials[i];
		if (!t->short_sender && xc_search_loss_ratio(t) > 0 &&
		    (!*hi || t->load < *hi))
			*hi = t->load;
	}
	for (i = 0; i < s->ntrials; i++) {
		t = &s->trials[i];
		if (!t->short_sender && xc_search_loss_ratio(t) == 0 &&
		    (!*hi || t->load < *hi) && t->load > *lo)
			*lo = t->load;
	}
}

static bool r2544_width_met(const struct xc_search_cfg *c, double lo,
			    double hi)
{
	if (c->width_abs > 0 && hi - lo <= c->width_abs)
		return true;
	return c->width_rel > 0 && hi - lo <= c->width_rel * hi;
}

/* 0 with *load to try, 1 when the search is done. */
static int r2544_next(const struct xc_search *s, double *load)
{
	const struct xc_search_cfg *c = &s->cfg;
	double lo, hi, top = top_load(s);

	r2544_bounds(s, &lo, &hi);
	if (!hi) {
		*load = top;
		return lo >= top;
	}
	if (hi <= c->min_load)
		return 1;
	if (!lo) {
		*load = c->min_load;
		return 0;
	}
	if (r2544_width_met(c, lo, hi))
		return 1;
	*load = midpoint(lo, hi);
	return !*load;
}

static void r2544_result(struct xc_search *s)
{
	struct xc_search_result *r = &s->res[0];

	r2544_bounds(s, &r->lower, &r->upper);
	r->throughput = r->lower;
	r->tester_limited = !r->upper && tester_limited(s, r->lower);
	r->trials = s->ntrials;
	r->time = total_time(s);
}

/* RFC 9971 trial duration sums at one load, for one goal. */
struct xc_sums {
	double full_low, full_high, short_low, short_high;
};

static bool is_full(const struct xc_search_goal *g,
		    const struct xc_search_trial *t)
{
	return t->duration >= g->final_duration - XC_DUR_EPS;
}

static void load_sums(const struct xc_search *s,
		      const struct xc_search_goal *g, double load,
		      struct xc_sums *m)
{
	const struct xc_search_trial *t;
	bool high, full;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < s->ntrials; i++) {
		t = &s->trials[i];
		if (t->short_sender || t->load != load)
			continue;
		high = xc_search_loss_ratio(t) > g->loss_ratio;
		full = is_full(g, t);
		if (full && high)
			m->full_high += t->duration;
		else if (full)
			m->full_low += t->duration;
		else if (high)
			m->short_high += t->duration;
		else
			m->short_low += t->duration;
	}
}

/*
 * RFC 9971 load classification: short low-loss trials balance short
 * high-loss ones; the duration missing to the goal duration sum counts
 * as high loss for the pessimistic view (lower bound) and as low loss for
 * the optimistic one (upper bound).
 */
enum xc_search_class xc_search_classify(const struct xc_search *s,
					const struct xc_search_goal *g,
					double load)
{
	double er = g->exceed_ratio, balancing, eff_short, eff_high;
	double whole, missing;
	struct xc_sums m;

	load_sums(s, g, load, &m);
	balancing = m.short_low * er / (1 - er);
	eff_short = fmax(0, m.short_high - balancing);
	eff_high = m.full_high + eff_short;
	whole = fmax(g->duration_sum, m.full_low + eff_high);
	missing = fmax(0, g->duration_sum - m.full_low - eff_high);
	if (eff_high > whole * er)
		return XC_SEARCH_UPPER;
	if (eff_high + missing <= whole * er)
		return XC_SEARCH_LOWER;
	return XC_SEARCH_UNDECIDED;
}

/*
 * Relevant bounds of goal g: *upper the lowest load classified as upper
 * bound (0: none), *lower the highest lower bound below it (0: none).
 */
static void mlr_bounds(const struct xc_search *s,
		       const struct xc_search_goal *g, double *lower,
		       double *upper)
{
	enum xc_search_class cl;
	double load;
	unsigned int i;

	*lower = 0;
	*upper = 0;
	for (i = 0; i < s->ntrials; i++) {
		load = s->trials[i].load;
		if (!s->trials[i].short_sender && (!*upper || load < *upper) &&
		    xc_search_classify(s, g, load) == XC_SEARCH_UPPER)
			*upper = load;
	}
	for (i = 0; i < s->ntrials; i++) {
		load = s->trials[i].load;
		if (s->trials[i].short_sender || (*upper && load >= *upper) ||
		    load <= *lower)
			continue;
		cl = xc_search_classify(s, g, load);
		if (cl == XC_SEARCH_LOWER)
			*lower = load;
	}
}

/*
 * 0 with *load to try for goal g, 1 when g is done. A missing bound is
 * looked for at its hint (the previous phase's bound; 0: none) first, then
 * at the end of the range.
 */
static int mlr_next(const struct xc_search *s, const struct xc_search_goal *g,
		    const double hint[2], double *load)
{
	double lower, upper, top = top_load(s);

	mlr_bounds(s, g, &lower, &upper);
	if (!upper) {
		*load = hint[1] > lower && hint[1] < top ? hint[1] : top;
		return lower >= top;
	}
	if (upper <= s->cfg.min_load)
		return 1;
	if (!lower) {
		*load = hint[0] && hint[0] < upper ? hint[0] : s->cfg.min_load;
		return 0;
	}
	if (upper - lower <= g->width * upper)
		return 1;
	*load = midpoint(lower, upper);
	return !*load;
}

struct xc_part {
	double ratio, duration;
};

static int by_ratio_desc(const void *a, const void *b)
{
	const struct xc_part *x = a, *y = b;

	return (x->ratio < y->ratio) - (x->ratio > y->ratio);
}

/*
 * RFC 9971 conditional throughput at the relevant lower bound: the load
 * times one minus the loss ratio that the goal exceed ratio of the
 * full-length trials' duration exceeds (worst first), the duration
 * missing to the goal duration sum counted as whole loss.
 */
static double cond_throughput(const struct xc_search *s,
			      const struct xc_search_goal *g, double load)
{
	struct xc_part *p;
	double sum = 0, acc = 0, ratio = 1;
	unsigned int i, n = 0;

	p = calloc(s->ntrials + 1, sizeof(*p));
	if (!p)
		return 0;
	for (i = 0; i < s->ntrials; i++) {
		const struct xc_search_trial *t = &s->trials[i];

		if (t->short_sender || t->load != load || !is_full(g, t))
			continue;
		p[n].ratio = xc_search_loss_ratio(t);
		p[n++].duration = t->duration;
		sum += t->duration;
	}
	if (sum < g->duration_sum) {
		p[n].ratio = 1;
		p[n++].duration = g->duration_sum - sum;
		sum = g->duration_sum;
	}
	qsort(p, n, sizeof(*p), by_ratio_desc);
	for (i = 0; i < n; i++) {
		acc += p[i].duration;
		ratio = p[i].ratio;
		if (acc > g->exceed_ratio * sum)
			break;
	}
	free(p);
	return load * (1 - ratio);
}

static void mlr_result(struct xc_search *s, unsigned int i)
{
	const struct xc_search_goal *g = &s->cfg.goals[i];
	struct xc_search_result *r = &s->res[i];

	mlr_bounds(s, g, &r->lower, &r->upper);
	r->throughput = r->lower ? cond_throughput(s, g, r->lower) : 0;
	r->tester_limited = !r->upper && tester_limited(s, r->lower);
	if (!r->done) {
		r->trials = s->ntrials;
		r->time = total_time(s);
	}
}

static void finish(struct xc_search *s)
{
	unsigned int i;

	if (s->cfg.algo == XC_SEARCH_RFC2544) {
		r2544_result(s);
		return;
	}
	for (i = 0; i < s->nres; i++)
		mlr_result(s, i);
}

/*
 * The duration ramp: phases of trials from the initial duration, doubled
 * each phase up to the final one. A phase searches for goal g scaled to
 * its duration d: duration sum times d / final, width times final / d
 * (at most XC_SEARCH_PHASE_WIDTH). The last phase is g itself.
 */
#define XC_SEARCH_PHASE_WIDTH 0.5

static void phase_goal(const struct xc_search_goal *g, double d,
		       struct xc_search_goal *p)
{
	double scale = d / g->final_duration;

	*p = *g;
	p->final_duration = d;
	p->duration_sum = g->duration_sum * scale;
	p->width = fmin(XC_SEARCH_PHASE_WIDTH, g->width / scale);
}

/* 0 with *load and *duration to try for goal g, 1 when g is done. */
static int goal_next(const struct xc_search *s,
		     const struct xc_search_goal *g, double *load,
		     double *duration)
{
	struct xc_search_goal p;
	double d = g->initial_duration, hint[2] = { 0, 0 };

	for (; d > 0 && d < g->final_duration; d *= 2) {
		phase_goal(g, d, &p);
		if (!mlr_next(s, &p, hint, load)) {
			*duration = d;
			return 0;
		}
		mlr_bounds(s, &p, &hint[0], &hint[1]);
	}
	*duration = g->final_duration;
	return mlr_next(s, g, hint, load);
}

/* The first goal not done proposes; a goal done keeps its trial count. */
static int mlr_propose(struct xc_search *s, double *load, double *duration)
{
	struct xc_search_result *r;
	unsigned int i;

	for (i = 0; i < s->nres; i++) {
		r = &s->res[i];
		if (r->done)
			continue;
		if (!goal_next(s, &s->cfg.goals[i], load, duration))
			return 0;
		r->done = true;
		r->trials = s->ntrials;
		r->time = total_time(s);
	}
	return 1;
}

int xc_search_next(struct xc_search *s, double *load, double *duration)
{
	int ret;

	if (s->proposed)
		return -EBUSY;
	if (s->cfg.algo == XC_SEARCH_MLR) {
		ret = mlr_propose(s, load, duration);
	} else {
		ret = r2544_next(s, load);
		*duration = s->cfg.duration;
		s->res[0].done = ret == 1;
	}
	if (!ret && s->ntrials >= s->cfg.max_trials) {
		s->out_of_trials = true;
		ret = 1;
	}
	if (ret == 1) {
		finish(s);
		return 1;
	}
	s->proposed = true;
	return 0;
}

/*
 * The senders' ceiling: the lowest rate they reached where they fell
 * short, of the probe's unless a trial kept a higher load, and of the
 * short trials whose load is above every load kept in a trial (a
 * shortfall below a load kept, before or since, was a hiccup, not their
 * limit); never below the highest load kept; 0: none.
 */
static void update_ceiling(struct xc_search *s)
{
	const struct xc_search_trial *t;
	double kept = 0, c = 0, rate;
	unsigned int i;

	for (i = 0; i < s->ntrials; i++)
		if (!s->trials[i].short_sender)
			kept = fmax(kept, s->trials[i].load);
	if (s->probe_ceiling >= kept)
		c = s->probe_ceiling;
	for (i = 0; i < s->ntrials; i++) {
		t = &s->trials[i];
		rate = floor(t->achieved > 0 ? t->achieved : t->offered);
		if (t->short_sender && t->load > kept && (!c || rate < c))
			c = rate;
	}
	s->ceiling = c > 0 ? fmax(c, kept) : 0;
}

void xc_search_set_ceiling(struct xc_search *s, double pps)
{
	pps = floor(pps);
	if (pps > 0 && (!s->probe_ceiling || pps < s->probe_ceiling))
		s->probe_ceiling = pps;
	update_ceiling(s);
}

int xc_search_add(struct xc_search *s, const struct xc_search_trial *t)
{
	struct xc_search_trial *k;

	if (!s->proposed || t->lost > t->sent)
		return -EINVAL;
	k = &s->trials[s->ntrials++];
	*k = *t;
	k->short_sender = t->offered < t->load * (1 - XC_SEARCH_RATE_SLACK);
	update_ceiling(s);
	s->proposed = false;
	return 0;
}
