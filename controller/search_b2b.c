// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Back-to-back frames (RFC 2544 section 26.4, RFC 9004) as a state
 * machine (xc_search_b2b.h): each repetition a binary search over the
 * burst length for the longest burst the path carries without loss, then
 * their average, spread and the RFC 9004 buffer times. Every decision is
 * made again from the trials kept, so the result can be checked against
 * them. Printing lives in search_b2b_out.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_search.h"
#include "xc_search_b2b.h"

void xc_b2b_defaults(struct xc_b2b_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->min_frames = XC_B2B_DEF_MIN_FRAMES;
	c->max_frames = XC_B2B_DEF_MAX_FRAMES;
	c->width_rel = XC_B2B_DEF_WIDTH;
	c->repeats = XC_B2B_DEF_REPEATS;
	c->trial_s = XC_B2B_DEF_TRIAL_S;
}

static int bad(char *err, size_t len, const char *what, double v)
{
	snprintf(err, len, "back-to-back: %s %g is out of range", what, v);
	return -EINVAL;
}

static int bad_limit(char *err, size_t len, const char *what,
		     unsigned long long v, unsigned long long limit)
{
	snprintf(err, len, "back-to-back: %s %llu is out of range (1 to %llu)",
		 what, v, limit);
	return -EINVAL;
}

static int check_cfg(const struct xc_b2b_cfg *c, char *err, size_t len)
{
	if (c->min_frames < 1 || c->min_frames > XC_B2B_MAX_FRAMES)
		return bad_limit(err, len, "min burst frames",
				 (unsigned long long)c->min_frames,
				 XC_B2B_MAX_FRAMES);
	if (c->max_frames < c->min_frames || c->max_frames > XC_B2B_MAX_FRAMES)
		return bad_limit(err, len,
				 "max burst frames (>= min burst frames)",
				 (unsigned long long)c->max_frames,
				 XC_B2B_MAX_FRAMES);
	if (!(c->width_rel > 0 && c->width_rel < 1))
		return bad(err, len, "width (0 < w < 1)", c->width_rel);
	if (c->repeats < 1 || c->repeats > XC_B2B_MAX_REPEATS)
		return bad_limit(err, len, "repeats", c->repeats,
				 XC_B2B_MAX_REPEATS);
	if (!(c->trial_s > 0))
		return bad(err, len, "trial duration (> 0 s)", c->trial_s);
	if (!(c->throughput_pps >= 0) || isinf(c->throughput_pps))
		return bad(err, len, "throughput (>= 0 pps)",
			   c->throughput_pps);
	if (!(c->max_theoretical_pps >= 0) || isinf(c->max_theoretical_pps))
		return bad(err, len, "max theoretical rate (>= 0 pps)",
			   c->max_theoretical_pps);
	if (c->max_trials > XC_B2B_MAX_TRIALS)
		return bad_limit(err, len, "max trials", c->max_trials,
				 XC_B2B_MAX_TRIALS);
	return 0;
}

int xc_b2b_init(struct xc_b2b *b, const struct xc_b2b_cfg *c, char *err,
		size_t errlen)
{
	int ret;

	memset(b, 0, sizeof(*b));
	ret = check_cfg(c, err, errlen);
	if (ret)
		return ret;
	b->cfg = *c;
	if (!b->cfg.max_trials)
		b->cfg.max_trials = XC_B2B_DEF_TRIALS;
	b->trials = calloc(b->cfg.max_trials, sizeof(*b->trials));
	b->value = calloc(c->repeats, sizeof(*b->value));
	if (!b->trials || !b->value) {
		xc_b2b_free(b);
		return -ENOMEM;
	}
	return 0;
}

void xc_b2b_free(struct xc_b2b *b)
{
	free(b->trials);
	free(b->value);
	b->trials = NULL;
	b->value = NULL;
	b->ntrials = 0;
}

bool xc_b2b_lossy(const struct xc_b2b_trial *t)
{
	return !t->short_sender && !t->tester_only && t->lost > 0;
}

/* The longest burst worth asking: max_frames, or the sender's ceiling. */
static uint64_t top_frames(const struct xc_b2b *b)
{
	if (b->ceiling && b->ceiling < b->cfg.max_frames)
		return b->ceiling;
	return b->cfg.max_frames;
}

/*
 * The bounds of the repetition under way: *hi the shortest burst that
 * lost (0: none), *lo the longest shorter one that did not (0: none).
 */
static void rep_bounds(const struct xc_b2b *b, uint64_t *lo, uint64_t *hi)
{
	const struct xc_b2b_trial *t;
	unsigned int i;

	*lo = 0;
	*hi = 0;
	for (i = b->first; i < b->ntrials; i++) {
		t = &b->trials[i];
		if (xc_b2b_lossy(t) && (!*hi || t->frames < *hi))
			*hi = t->frames;
	}
	for (i = b->first; i < b->ntrials; i++) {
		t = &b->trials[i];
		if (!t->short_sender && !xc_b2b_lossy(t) &&
		    (!*hi || t->frames < *hi) && t->frames > *lo)
			*lo = t->frames;
	}
}

static bool width_met(const struct xc_b2b_cfg *c, uint64_t lo, uint64_t hi)
{
	return hi - lo <= 1 || (double)(hi - lo) <= c->width_rel * hi;
}

/*
 * 0 with *frames to try in the repetition under way; 1 when it is done,
 * with *frames its longest lossless burst (0: none).
 */
static int rep_next(const struct xc_b2b *b, uint64_t *frames)
{
	uint64_t lo, hi, top = top_frames(b);

	rep_bounds(b, &lo, &hi);
	if (lo >= top || (hi && hi <= b->cfg.min_frames) ||
	    (lo && hi && width_met(&b->cfg, lo, hi))) {
		*frames = lo;
		return 1;
	}
	if (!hi || hi > top)
		*frames = top;
	else if (!lo)
		*frames = b->cfg.min_frames;
	else
		*frames = lo + (hi - lo) / 2;
	return 0;
}

static double sample_stdev(const uint64_t *v, unsigned int n, double mean)
{
	double sum = 0;
	unsigned int i;

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++)
		sum += ((double)v[i] - mean) * ((double)v[i] - mean);
	return sqrt(sum / (n - 1));
}

/*
 * The sender's burst rates over the bursts that decided: those at least as
 * long as the shortest repetition's value (and of 2 frames at least: a
 * short burst's first-to-last rate says little of the sender).
 */
static void burst_stats(struct xc_b2b *b)
{
	struct xc_b2b_result *r = &b->res;
	uint64_t floor = r->min > 2 ? r->min : 2;
	const struct xc_b2b_trial *t;
	unsigned int i, n = 0;
	double sum = 0;

	for (i = 0; i < b->ntrials; i++) {
		t = &b->trials[i];
		if (t->short_sender || !(t->burst_pps > 0) ||
		    t->frames < floor)
			continue;
		if (!n || t->burst_pps < r->burst_pps_min)
			r->burst_pps_min = t->burst_pps;
		sum += t->burst_pps;
		n++;
	}
	r->burst_pps_mean = n ? sum / n : 0;
	r->tester_limited = n && b->cfg.max_theoretical_pps > 0 &&
			    r->burst_pps_min < b->cfg.max_theoretical_pps *
					       (1 - XC_SEARCH_RATE_SLACK);
}

/*
 * RFC 9004 section 6.3: Implied DUT Buffer Time = average burst / Max
 * Theoretical Frame Rate; Corrected DUT Buffer Time = Implied - Implied
 * * Measured Throughput / Max Theoretical Frame Rate. The rate is the
 * media's, or the sender's burst rate when that was lower (or the
 * media's is unknown); none without a throughput below that rate.
 */
static void buffer_times(struct xc_b2b *b)
{
	struct xc_b2b_result *r = &b->res;
	double rate = b->cfg.max_theoretical_pps;

	r->implied_s = -1;
	r->corrected_s = -1;
	if (!(rate > 0) || r->tester_limited)
		rate = r->burst_pps_min;
	r->buffer_rate_pps = rate;
	if (!r->repeats || !(rate > 0) || !(b->cfg.throughput_pps > 0) ||
	    b->cfg.throughput_pps >= rate)
		return;
	r->implied_s = r->mean / rate;
	r->corrected_s = r->implied_s -
			 r->implied_s * b->cfg.throughput_pps / rate;
}

static void finish(struct xc_b2b *b)
{
	struct xc_b2b_result *r = &b->res;
	uint64_t top = top_frames(b);
	double sum = 0;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->repeats = b->rep;
	for (i = 0; i < b->rep; i++) {
		if (!i || b->value[i] < r->min)
			r->min = b->value[i];
		if (b->value[i] > r->max)
			r->max = b->value[i];
		if (b->value[i] >= top)
			r->at_top++;
		sum += (double)b->value[i];
	}
	r->mean = b->rep ? sum / b->rep : 0;
	r->stdev = sample_stdev(b->value, b->rep, r->mean);
	burst_stats(b);
	buffer_times(b);
	b->done = true;
}

int xc_b2b_next(struct xc_b2b *b, uint64_t *frames)
{
	if (b->proposed)
		return -EBUSY;
	while (!b->done) {
		if (b->sender_failed)
			break;
		if (!rep_next(b, frames)) {
			if (b->ntrials >= b->cfg.max_trials) {
				b->out_of_trials = true;
				break;
			}
			b->asked = *frames;
			b->proposed = true;
			return 0;
		}
		b->value[b->rep++] = *frames;
		b->first = b->ntrials;
		if (b->rep == b->cfg.repeats)
			break;
	}
	if (!b->done)
		finish(b);
	return 1;
}

int xc_b2b_add(struct xc_b2b *b, uint64_t sent, uint64_t lost,
	       bool tester_only, double burst_pps)
{
	struct xc_b2b_trial *t = &b->trials[b->ntrials];

	if (!b->proposed || lost > sent || sent > b->asked)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->frames = b->asked;
	t->sent = sent;
	t->lost = lost;
	t->tester_only = tester_only && lost > 0;
	t->burst_pps = burst_pps;
	t->repeat = b->rep;
	t->short_sender = sent < b->asked;
	if (t->short_sender && sent < b->cfg.min_frames)
		b->sender_failed = true;
	else if (t->short_sender && (!b->ceiling || sent < b->ceiling))
		b->ceiling = sent;
	b->ntrials++;
	b->proposed = false;
	return 0;
}
