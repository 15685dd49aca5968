// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Back-to-back frames and the frame loss rate at stepped loads printed and
 * serialised (xc_search_b2b.h): a table each, and JSON with the
 * configuration, the results and every trial. Judging lives in
 * search_b2b.c and search_steps.c.
 */
#include <stdio.h>
#include <jansson.h>

#include "xc_search_b2b.h"

/* A rate or time, null when unknown (<= 0, or < 0 for times). */
static json_t *pos_json(double v)
{
	return v > 0 ? json_real(v) : json_null();
}

static json_t *time_json(double v)
{
	return v >= 0 ? json_real(v) : json_null();
}

static json_t *b2b_trial_json(const struct xc_b2b_trial *t)
{
	return json_pack("{s:i, s:I, s:I, s:I, s:o, s:b, s:b, s:b}",
			 "repeat", t->repeat,
			 "burst_frames", (json_int_t)t->frames,
			 "sent_frames", (json_int_t)t->sent,
			 "lost_frames", (json_int_t)t->lost,
			 "burst_pps", pos_json(t->burst_pps),
			 "tester_only", t->tester_only,
			 "sender_short", t->short_sender,
			 "lossy", xc_b2b_lossy(t));
}

static json_t *b2b_values_json(const struct xc_b2b *b)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < b->res.repeats; i++)
		if (json_array_append_new(a, json_integer(b->value[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *b2b_result_json(const struct xc_b2b *b)
{
	const struct xc_b2b_result *r = &b->res;
	bool any = r->repeats > 0;

	return json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:b,"
			 " s:o, s:o, s:o}",
			 "repeats_done", r->repeats,
			 "burst_frames", b2b_values_json(b),
			 "mean_frames", any ? json_real(r->mean) : json_null(),
			 "min_frames", any ? json_integer(r->min) : json_null(),
			 "max_frames", any ? json_integer(r->max) : json_null(),
			 "stdev_frames", any ? json_real(r->stdev) :
					       json_null(),
			 "repeats_at_top", r->at_top,
			 "burst_pps_min", pos_json(r->burst_pps_min),
			 "burst_pps_mean", pos_json(r->burst_pps_mean),
			 "tester_limited", r->tester_limited,
			 "buffer_rate_pps", pos_json(r->buffer_rate_pps),
			 "implied_buffer_time_s", time_json(r->implied_s),
			 "corrected_buffer_time_s", time_json(r->corrected_s));
}

static json_t *b2b_trials_json(const struct xc_b2b *b)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < b->ntrials; i++)
		if (json_array_append_new(a, b2b_trial_json(&b->trials[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *xc_b2b_json(const struct xc_b2b *b)
{
	const struct xc_b2b_cfg *c = &b->cfg;

	return json_pack("{s:I, s:I, s:f, s:i, s:f, s:o, s:o, s:i, s:b, s:b,"
			 " s:o, s:o, s:o}",
			 "min_burst_frames", (json_int_t)c->min_frames,
			 "max_burst_frames", (json_int_t)c->max_frames,
			 "width_rel", c->width_rel,
			 "repeats", c->repeats,
			 "trial_s", c->trial_s,
			 "throughput_pps", pos_json(c->throughput_pps),
			 "max_theoretical_pps",
				pos_json(c->max_theoretical_pps),
			 "max_trials", c->max_trials,
			 "out_of_trials", b->out_of_trials,
			 "sender_failed", b->sender_failed,
			 "sender_ceiling_frames", b->ceiling ?
				json_integer(b->ceiling) : json_null(),
			 "result", b2b_result_json(b),
			 "trials", b2b_trials_json(b));
}

static void print_rate(FILE *out, const struct xc_b2b *b)
{
	const struct xc_b2b_result *r = &b->res;
	double media = b->cfg.max_theoretical_pps;

	if (!(r->burst_pps_min > 0)) {
		fprintf(out, "burst rate: not measured\n");
		return;
	}
	fprintf(out, "burst rate: %.0f pps (lowest; mean %.0f)",
		r->burst_pps_min, r->burst_pps_mean);
	if (r->tester_limited)
		fprintf(out, ", not at the media's maximum rate of %.0f pps: "
			"limited by the tester\n", media);
	else if (media > 0)
		fprintf(out, ", at the media's maximum rate of %.0f pps\n",
			media);
	else
		fprintf(out, ", the media's maximum rate unknown\n");
}

static void print_buffer(FILE *out, const struct xc_b2b *b)
{
	const struct xc_b2b_result *r = &b->res;

	if (r->implied_s >= 0) {
		fprintf(out, "implied DUT buffer time %.6f s, corrected DUT "
			"buffer time %.6f s (throughput %.0f pps, rate %.0f "
			"pps)\n", r->implied_s, r->corrected_s,
			b->cfg.throughput_pps, r->buffer_rate_pps);
	} else if (!(b->cfg.throughput_pps > 0)) {
		fprintf(out, "DUT buffer time: unknown (no throughput "
			"given)\n");
	} else if (r->repeats && r->buffer_rate_pps > 0) {
		fprintf(out, "DUT buffer time: none (throughput %.0f pps at "
			"or above the burst rate %.0f pps)\n",
			b->cfg.throughput_pps, r->buffer_rate_pps);
	} else {
		fprintf(out, "DUT buffer time: unknown (no burst rate)\n");
	}
}

static void print_notes(FILE *out, const struct xc_b2b *b)
{
	const struct xc_b2b_cfg *c = &b->cfg;

	if (b->res.at_top)
		fprintf(out, "note: %u repetitions lossless at the longest "
			"burst asked (%llu frames): the buffer holds at least "
			"that\n", b->res.at_top,
			(unsigned long long)(b->ceiling && b->ceiling <
					     c->max_frames ? b->ceiling :
							     c->max_frames));
	if (b->ceiling && b->ceiling < c->max_frames)
		fprintf(out, "note: the sender sent at most %llu frames of a "
			"burst: longer bursts were not tried\n",
			(unsigned long long)b->ceiling);
	if (b->sender_failed)
		fprintf(out, "note: the sender could not send a burst of "
			"%llu frames\n", (unsigned long long)c->min_frames);
	if (c->repeats < XC_B2B_DEF_REPEATS)
		fprintf(out, "note: %u repetitions, fewer than the %u RFC "
			"2544 asks\n", c->repeats, XC_B2B_DEF_REPEATS);
	if (c->trial_s < XC_B2B_DEF_TRIAL_S)
		fprintf(out, "note: trials of %g s, shorter than the %d s RFC "
			"2544 asks\n", c->trial_s, XC_B2B_DEF_TRIAL_S);
	if (b->out_of_trials)
		fprintf(out, "back-to-back: stopped at the limit of %u "
			"trials\n", c->max_trials);
}

void xc_b2b_print(FILE *out, const struct xc_b2b *b)
{
	const struct xc_b2b_result *r = &b->res;
	unsigned int i;

	fprintf(out, "back-to-back frames (RFC 2544 26.4, RFC 9004): "
		"%u of %u repetitions, %u trials of %g s\n", r->repeats,
		b->cfg.repeats, b->ntrials, b->cfg.trial_s);
	fprintf(out, "%10s  %14s\n", "repetition", "burst (frames)");
	for (i = 0; i < r->repeats; i++)
		fprintf(out, "%10u  %14llu\n", i + 1,
			(unsigned long long)b->value[i]);
	if (r->repeats)
		fprintf(out, "average %.1f frames, min %llu, max %llu, "
			"standard deviation %.1f\n", r->mean,
			(unsigned long long)r->min,
			(unsigned long long)r->max, r->stdev);
	print_rate(out, b);
	print_buffer(out, b);
	print_notes(out, b);
}

static json_t *steps_trial_json(const struct xc_steps_trial *t)
{
	return json_pack("{s:f, s:f, s:f, s:f, s:I, s:I, s:f, s:b, s:b}",
			 "load_pct", t->frac * 100, "load_pps", t->load,
			 "duration_s", t->duration, "offered_pps", t->offered,
			 "sent_frames", (json_int_t)t->sent,
			 "lost_frames", (json_int_t)t->lost,
			 "loss_rate_pct", xc_steps_loss_pct(t),
			 "tester_only", t->tester_only,
			 "sender_short", t->short_sender);
}

static const char *steps_stopped(const struct xc_steps *s)
{
	if (!s->done)
		return "not done";
	return s->two_lossless ? "two lossless trials" : "minimum load";
}

json_t *xc_steps_json(const struct xc_steps *s)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < s->ntrials; i++)
		if (json_array_append_new(a,
					  steps_trial_json(&s->trials[i]))) {
			json_decref(a);
			a = NULL;
		}
	return json_pack("{s:f, s:f, s:f, s:f, s:s, s:o}",
			 "max_load_pps", s->cfg.max_pps,
			 "step_pct", s->cfg.step * 100,
			 "min_load_pct", s->cfg.min_frac * 100,
			 "trial_s", s->cfg.trial_s,
			 "stopped", steps_stopped(s),
			 "trials", a);
}

void xc_steps_print(FILE *out, const struct xc_steps *s)
{
	const struct xc_steps_trial *t;
	unsigned int i;

	fprintf(out, "frame loss rate (RFC 2544 26.3): max rate %.0f pps, "
		"steps of %g%%, trials of %g s\n", s->cfg.max_pps,
		s->cfg.step * 100, s->cfg.trial_s);
	fprintf(out, "%6s  %12s  %12s  %14s  %14s  %9s\n", "load %",
		"load pps", "offered pps", "sent", "lost", "loss %");
	for (i = 0; i < s->ntrials; i++) {
		t = &s->trials[i];
		fprintf(out, "%6.1f  %12.0f  %12.0f  %14llu  %14llu  %9.4f%s\n",
			t->frac * 100, t->load, t->offered,
			(unsigned long long)t->sent,
			(unsigned long long)t->lost, xc_steps_loss_pct(t),
			t->short_sender ? "  sender short" :
			t->tester_only ? "  tester's loss only" : "");
	}
	fprintf(out, "stopped: %s\n", steps_stopped(s));
}
