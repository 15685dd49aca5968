// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The frame loss rate at stepped loads (RFC 2544 section 26.3) as a state
 * machine (xc_search_b2b.h): trials at 100% of the maximum rate, then one
 * step less each, until two successive trials lose nothing of the path or
 * the minimum load is reached. Printing lives in search_b2b_out.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_search.h"
#include "xc_search_b2b.h"

/* Loads within this of the minimum are still tried (float steps). */
#define XC_STEPS_EPS 1e-9

void xc_steps_defaults(struct xc_steps_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->max_pps = XC_SEARCH_DEF_MAX_PPS;
	c->step = XC_STEPS_DEF_STEP;
	c->trial_s = XC_STEPS_DEF_TRIAL_S;
}

static int bad(char *err, size_t len, const char *what, double v)
{
	snprintf(err, len, "frame loss rate: %s %g is out of range", what, v);
	return -EINVAL;
}

static int check_cfg(const struct xc_steps_cfg *c, char *err, size_t len)
{
	if (!(c->max_pps >= 1) || isinf(c->max_pps))
		return bad(err, len, "max rate (>= 1 pps)", c->max_pps);
	if (!(c->step >= XC_STEPS_MIN_STEP && c->step <= XC_STEPS_MAX_STEP))
		return bad(err, len, "step (0.001 to 0.1 of the max rate)",
			   c->step);
	if (!(c->min_frac == 0 ||
	      (c->min_frac >= XC_STEPS_MIN_STEP && c->min_frac <= 1)))
		return bad(err, len, "min load (0.001 to 1 of the max rate)",
			   c->min_frac);
	if (!(c->trial_s > 0))
		return bad(err, len, "trial duration (> 0 s)", c->trial_s);
	return 0;
}

/* The load of trial k, a fraction of the maximum rate. */
static double step_frac(const struct xc_steps *s, unsigned int k)
{
	return 1 - k * s->cfg.step;
}

int xc_steps_init(struct xc_steps *s, const struct xc_steps_cfg *c,
		  char *err, size_t errlen)
{
	int ret;

	memset(s, 0, sizeof(*s));
	ret = check_cfg(c, err, errlen);
	if (ret)
		return ret;
	s->cfg = *c;
	if (!s->cfg.min_frac)
		s->cfg.min_frac = s->cfg.step;
	while (step_frac(s, s->maxtrials) >= s->cfg.min_frac - XC_STEPS_EPS)
		s->maxtrials++;
	s->trials = calloc(s->maxtrials, sizeof(*s->trials));
	if (!s->trials)
		return -ENOMEM;
	return 0;
}

void xc_steps_free(struct xc_steps *s)
{
	free(s->trials);
	s->trials = NULL;
	s->ntrials = 0;
}

double xc_steps_loss_pct(const struct xc_steps_trial *t)
{
	if (t->tester_only || !t->lost || !t->sent)
		return 0;
	return (double)t->lost * 100 / (double)t->sent;
}

/* The last XC_STEPS_LOSSLESS trials lost nothing of the path. */
static bool lossless_run(const struct xc_steps *s)
{
	unsigned int i;

	if (s->ntrials < XC_STEPS_LOSSLESS)
		return false;
	for (i = s->ntrials - XC_STEPS_LOSSLESS; i < s->ntrials; i++)
		if (xc_steps_loss_pct(&s->trials[i]) > 0)
			return false;
	return true;
}

int xc_steps_next(struct xc_steps *s, double *load, double *duration)
{
	struct xc_steps_trial *t;

	if (s->proposed)
		return -EBUSY;
	s->two_lossless = lossless_run(s);
	s->done = s->two_lossless || s->ntrials >= s->maxtrials;
	if (s->done)
		return 1;
	t = &s->trials[s->ntrials];
	memset(t, 0, sizeof(*t));
	t->frac = step_frac(s, s->ntrials);
	t->load = fmax(1, round(s->cfg.max_pps * t->frac));
	t->duration = s->cfg.trial_s;
	*load = t->load;
	*duration = t->duration;
	s->proposed = true;
	return 0;
}

int xc_steps_add(struct xc_steps *s, uint64_t sent, uint64_t lost,
		 bool tester_only, double offered_pps)
{
	struct xc_steps_trial *t = &s->trials[s->ntrials];

	if (!s->proposed || lost > sent)
		return -EINVAL;
	t->sent = sent;
	t->lost = lost;
	t->tester_only = tester_only && lost > 0;
	t->offered = offered_pps;
	t->short_sender = offered_pps < t->load * (1 - XC_SEARCH_RATE_SLACK);
	s->ntrials++;
	s->proposed = false;
	return 0;
}
