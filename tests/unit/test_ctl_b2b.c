// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Back-to-back frames (controller/search_b2b.c) against a simulated
 * device: a buffer of B frames drained at R pps, fed by a sender at S pps,
 * so a burst of N frames is lossless iff N * (1 - R / S) <= B; optionally
 * a sender that sends at most C frames of a burst, and loss the tester
 * itself caused. Then the frame loss rate at stepped loads
 * (controller/search_steps.c) against a path with a known loss per load.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_search_b2b.h"

#define BUF 10000.0		/* B, frames */
#define DRAIN 1000000.0		/* R, pps */
#define MEDIA 1488095.0		/* S, pps: 1 Gb/s at 64 bytes */
#define WIDTH 0.01
#define MAXF 1000000

struct dev {
	double buf[8];		/* B of each repetition (cycling), frames */
	unsigned int nbuf;
	double drain;		/* R */
	double send;		/* S: the sender's burst rate */
	uint64_t cap;		/* C: the sender sends at most this; 0: all */
	uint64_t own_from;	/* the tester loses frames of longer bursts */
	bool own_flagged;	/* ... and says so */
};

/* The longest lossless burst of repetition rep: B / (1 - R / S). */
static uint64_t truth(const struct dev *d, unsigned int rep)
{
	return (uint64_t)floor(d->buf[rep % d->nbuf] /
			       (1 - d->drain / d->send));
}

static void burst(const struct dev *d, unsigned int rep, uint64_t frames,
		  uint64_t *sent, uint64_t *lost, bool *own)
{
	uint64_t t = truth(d, rep);

	*sent = d->cap && frames > d->cap ? d->cap : frames;
	*lost = 0;
	*own = false;
	if (*sent > t)
		*lost = 1 + (uint64_t)(*sent * (1 - d->drain / d->send) -
				       d->buf[rep % d->nbuf]);
	if (!*lost && d->own_from && *sent > d->own_from) {
		*lost = 7;
		*own = d->own_flagged;
	}
}

/* Run b to its end against d; the number of bursts. */
static unsigned int run(struct xc_b2b *b, const struct dev *d)
{
	uint64_t frames, sent, lost;
	unsigned int n = 0;
	bool own;

	while (xc_b2b_next(b, &frames) == 0) {
		assert_true(frames >= b->cfg.min_frames &&
			    frames <= b->cfg.max_frames);
		burst(d, b->rep, frames, &sent, &lost, &own);
		assert_int_equal(xc_b2b_add(b, sent, lost, own, d->send), 0);
		n++;
	}
	assert_int_equal(n, b->ntrials);
	assert_true(b->done);
	return n;
}

static void cfg_b2b(struct xc_b2b_cfg *c, unsigned int repeats)
{
	xc_b2b_defaults(c);
	c->max_frames = MAXF;
	c->width_rel = WIDTH;
	c->repeats = repeats;
	c->throughput_pps = DRAIN;
	c->max_theoretical_pps = MEDIA;
}

static void start(struct xc_b2b *b, const struct xc_b2b_cfg *c)
{
	char err[160] = "";

	assert_int_equal(xc_b2b_init(b, c, err, sizeof(err)), 0);
}

/* v is the longest lossless burst t within the width. */
static void assert_within(uint64_t v, uint64_t t)
{
	assert_true(v <= t);
	assert_true((double)(t - v) <= WIDTH * (t + 1) + 1);
}

/* The shortest lossy burst of repetition rep (0: none). */
static uint64_t upper(const struct xc_b2b *b, unsigned int rep)
{
	uint64_t hi = 0;
	unsigned int i;

	for (i = 0; i < b->ntrials; i++)
		if (b->trials[i].repeat == rep && xc_b2b_lossy(&b->trials[i]) &&
		    (!hi || b->trials[i].frames < hi))
			hi = b->trials[i].frames;
	return hi;
}

/* Bursts of a binary search: max, min, then halvings to the width. */
static unsigned int bisections(double t)
{
	return 2 + (unsigned int)ceil(log2(MAXF / (WIDTH * t)));
}

static void test_b2b_finds_buffer(void **state)
{
	struct dev d = { .buf = { BUF }, .nbuf = 1, .drain = DRAIN,
			 .send = MEDIA };
	struct xc_b2b_cfg c;
	struct xc_b2b b;
	uint64_t t = truth(&d, 0);
	unsigned int n, i;

	(void)state;
	cfg_b2b(&c, 3);
	start(&b, &c);
	n = run(&b, &d);
	assert_int_equal(b.res.repeats, 3);
	for (i = 0; i < 3; i++) {
		assert_within(b.value[i], t);
		assert_true(upper(&b, i) > t);
		assert_true(upper(&b, i) - b.value[i] <= WIDTH * upper(&b, i));
	}
	assert_true(n <= 3 * bisections(t));
	assert_false(b.res.tester_limited);
	assert_int_equal(b.res.at_top, 0);
	/* RFC 9004: implied = mean / S; corrected = implied (1 - R / S) */
	assert_true(fabs(b.res.implied_s - b.res.mean / MEDIA) < 1e-12);
	assert_true(fabs(b.res.corrected_s -
			 b.res.implied_s * (1 - DRAIN / MEDIA)) < 1e-12);
	/* ... which is the buffer B drained at the media's rate */
	assert_true(fabs(b.res.corrected_s - BUF / MEDIA) <=
		    WIDTH * BUF / MEDIA);
	print_message("b2b: %llu frames (truth %llu), %u bursts\n",
		      (unsigned long long)b.value[0], (unsigned long long)t,
		      n);
	xc_b2b_free(&b);
}

/* Each repetition searched on its own; average, min, max, stdev. */
static void test_b2b_repeats_averaged(void **state)
{
	struct dev d = { .buf = { 8000, 10000, 12000, 9000 }, .nbuf = 4,
			 .drain = DRAIN, .send = MEDIA };
	struct xc_b2b_cfg c;
	struct xc_b2b b;
	double sum = 0, sq = 0, mean;
	unsigned int i;

	(void)state;
	cfg_b2b(&c, 8);
	start(&b, &c);
	run(&b, &d);
	assert_int_equal(b.res.repeats, 8);
	for (i = 0; i < 8; i++) {
		assert_within(b.value[i], truth(&d, i));
		sum += (double)b.value[i];
	}
	mean = sum / 8;
	for (i = 0; i < 8; i++)
		sq += ((double)b.value[i] - mean) * ((double)b.value[i] - mean);
	assert_true(fabs(b.res.mean - mean) < 1e-9);
	assert_true(fabs(b.res.stdev - sqrt(sq / 7)) < 1e-9);
	assert_int_equal(b.res.min, b.value[0]);
	assert_int_equal(b.res.max, b.value[2]);
	assert_within(b.res.min, truth(&d, 0));
	assert_within(b.res.max, truth(&d, 2));
	for (i = 0; i < b.ntrials; i++)
		assert_true(b.trials[i].repeat < 8);
	xc_b2b_free(&b);
}

/*
 * The tester loses frames itself in bursts longer than L < truth: flagged
 * as its own, the search finds the device's buffer; not flagged, L.
 */
static void test_b2b_tester_only_loss(void **state)
{
	struct dev d = { .buf = { BUF }, .nbuf = 1, .drain = DRAIN,
			 .send = MEDIA, .own_from = 20000,
			 .own_flagged = true };
	struct xc_b2b_cfg c;
	struct xc_b2b b;

	(void)state;
	cfg_b2b(&c, 2);
	start(&b, &c);
	run(&b, &d);
	assert_within(b.value[0], truth(&d, 0));
	assert_within(b.value[1], truth(&d, 1));
	xc_b2b_free(&b);

	d.own_flagged = false;
	start(&b, &c);
	run(&b, &d);
	assert_within(b.value[0], 20000);
	xc_b2b_free(&b);
}

/*
 * A sender that sends at most C frames of a burst: a short burst bounds
 * nothing and caps the bursts asked at what it sent. Below the device's
 * buffer, every repetition ends at C, lossless at the top.
 */
static void test_b2b_short_sender(void **state)
{
	struct dev d = { .buf = { BUF }, .nbuf = 1, .drain = DRAIN,
			 .send = MEDIA, .cap = 5000 };
	struct xc_b2b_cfg c;
	struct xc_b2b b;
	unsigned int i;

	(void)state;
	cfg_b2b(&c, 3);
	start(&b, &c);
	assert_int_equal(run(&b, &d), 4);	/* max (short), then C */
	assert_true(b.trials[0].short_sender);
	assert_false(xc_b2b_lossy(&b.trials[0]));
	assert_int_equal(b.ceiling, 5000);
	for (i = 0; i < 3; i++)
		assert_int_equal(b.value[i], 5000);
	assert_int_equal(b.res.at_top, 3);
	assert_false(b.sender_failed);
	xc_b2b_free(&b);

	/* above it: the search is not moved */
	d.cap = 2 * truth(&d, 0);
	start(&b, &c);
	run(&b, &d);
	assert_within(b.value[0], truth(&d, 0));
	assert_int_equal(b.res.at_top, 0);
	xc_b2b_free(&b);

	/* below min_frames: the sender failed, no result */
	c.min_frames = 100;
	d.cap = 50;
	start(&b, &c);
	assert_int_equal(run(&b, &d), 1);
	assert_true(b.sender_failed);
	assert_int_equal(b.res.repeats, 0);
	assert_true(b.res.implied_s < 0);
	xc_b2b_free(&b);
}

/*
 * A sender below the media's rate: the result says the tester limited
 * the burst, and the buffer times use the rate the device saw.
 */
static void test_b2b_tester_rate(void **state)
{
	struct dev d = { .buf = { BUF }, .nbuf = 1, .drain = DRAIN,
			 .send = 1200000 };
	struct xc_b2b_cfg c;
	struct xc_b2b b;

	(void)state;
	cfg_b2b(&c, 1);
	start(&b, &c);
	run(&b, &d);
	assert_true(b.res.tester_limited);
	assert_true(b.res.burst_pps_min == 1200000);
	assert_true(b.res.buffer_rate_pps == 1200000);
	assert_true(fabs(b.res.corrected_s - BUF / 1200000) <=
		    WIDTH * BUF / 1200000);
	xc_b2b_free(&b);

	/* no throughput: no buffer times; throughput >= rate: none */
	c.throughput_pps = 0;
	start(&b, &c);
	run(&b, &d);
	assert_true(b.res.implied_s < 0 && b.res.corrected_s < 0);
	xc_b2b_free(&b);
	c.throughput_pps = 1200000;
	start(&b, &c);
	run(&b, &d);
	assert_true(b.res.implied_s < 0);
	xc_b2b_free(&b);
}

/* A device that carries the longest burst asked. */
static void test_b2b_at_top(void **state)
{
	struct dev d = { .buf = { 2.0 * MAXF }, .nbuf = 1, .drain = DRAIN,
			 .send = MEDIA };
	struct xc_b2b_cfg c;
	struct xc_b2b b;

	(void)state;
	cfg_b2b(&c, 2);
	start(&b, &c);
	assert_int_equal(run(&b, &d), 2);
	assert_int_equal(b.res.at_top, 2);
	assert_int_equal(b.res.min, MAXF);
	xc_b2b_free(&b);
}

static void test_b2b_out_of_trials(void **state)
{
	struct dev d = { .buf = { BUF }, .nbuf = 1, .drain = DRAIN,
			 .send = MEDIA };
	struct xc_b2b_cfg c;
	struct xc_b2b b;

	(void)state;
	cfg_b2b(&c, 50);
	c.max_trials = 30;
	start(&b, &c);
	assert_int_equal(run(&b, &d), 30);
	assert_true(b.out_of_trials);
	assert_true(b.res.repeats >= 1 && b.res.repeats < 50);
	xc_b2b_free(&b);
}

static void test_b2b_protocol(void **state)
{
	struct xc_b2b_cfg c;
	struct xc_b2b b;
	uint64_t frames;

	(void)state;
	cfg_b2b(&c, 1);
	start(&b, &c);
	assert_int_equal(xc_b2b_add(&b, 1, 0, false, MEDIA), -EINVAL);
	assert_int_equal(xc_b2b_next(&b, &frames), 0);
	assert_int_equal(xc_b2b_next(&b, &frames), -EBUSY);
	assert_int_equal(xc_b2b_add(&b, 10, 11, false, MEDIA), -EINVAL);
	assert_int_equal(xc_b2b_add(&b, frames + 1, 0, false, MEDIA),
			 -EINVAL);
	assert_int_equal(xc_b2b_add(&b, frames, 0, false, MEDIA), 0);
	xc_b2b_free(&b);
}

static char *print_b2b(const struct xc_b2b *b)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	xc_b2b_print(f, b);
	fclose(f);
	return text;
}

static void test_b2b_output(void **state)
{
	struct dev d = { .buf = { BUF }, .nbuf = 1, .drain = DRAIN,
			 .send = 1200000 };
	struct xc_b2b_cfg c;
	struct xc_b2b b;
	json_t *j, *r;
	char *text;

	(void)state;
	cfg_b2b(&c, 2);
	start(&b, &c);
	run(&b, &d);
	text = print_b2b(&b);
	assert_non_null(strstr(text, "not at the media's maximum rate of "
				     "1488095 pps: limited by the tester"));
	assert_non_null(strstr(text, "implied DUT buffer time"));
	assert_non_null(strstr(text, "fewer than the 50 RFC 2544 asks"));
	free(text);

	j = xc_b2b_json(&b);
	assert_non_null(j);
	r = json_object_get(j, "result");
	assert_int_equal(json_array_size(json_object_get(r, "burst_frames")),
			 2);
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(r, "burst_frames"), 1)), b.value[1]);
	assert_true(json_is_true(json_object_get(r, "tester_limited")));
	assert_true(json_real_value(json_object_get(r,
		"corrected_buffer_time_s")) == b.res.corrected_s);
	assert_int_equal(json_array_size(json_object_get(j, "trials")),
			 b.ntrials);
	assert_true(json_is_null(json_object_get(j,
						 "sender_ceiling_frames")));
	json_decref(j);
	xc_b2b_free(&b);

	/* no throughput: the buffer times are null */
	c.throughput_pps = 0;
	c.max_theoretical_pps = 0;
	start(&b, &c);
	run(&b, &d);
	j = xc_b2b_json(&b);
	r = json_object_get(j, "result");
	assert_true(json_is_null(json_object_get(r, "implied_buffer_time_s")));
	assert_true(json_is_null(json_object_get(j, "max_theoretical_pps")));
	json_decref(j);
	text = print_b2b(&b);
	assert_non_null(strstr(text, "the media's maximum rate unknown"));
	assert_non_null(strstr(text, "unknown (no throughput given)"));
	free(text);
	xc_b2b_free(&b);
}

static void expect_bad_b2b(const struct xc_b2b_cfg *c, const char *what)
{
	struct xc_b2b b;
	char err[160] = "";

	assert_int_equal(xc_b2b_init(&b, c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, what));
}

static void test_b2b_bad_cfg(void **state)
{
	struct xc_b2b_cfg c;

	(void)state;
	cfg_b2b(&c, 1);
	c.min_frames = 0;
	expect_bad_b2b(&c, "min burst frames 0 is out of range");
	cfg_b2b(&c, 1);
	c.min_frames = 100;
	c.max_frames = 99;
	expect_bad_b2b(&c, "max burst frames (>= min burst frames) 99");
	cfg_b2b(&c, 1);
	c.width_rel = 1;
	expect_bad_b2b(&c, "width (0 < w < 1) 1 is out of range");
	cfg_b2b(&c, 0);
	expect_bad_b2b(&c, "repeats 0 is out of range (1 to 1000)");
	cfg_b2b(&c, 1001);
	expect_bad_b2b(&c, "repeats 1001 is out of range (1 to 1000)");
	cfg_b2b(&c, 1);
	c.trial_s = 0;
	expect_bad_b2b(&c, "trial duration (> 0 s) 0 is out of range");
	cfg_b2b(&c, 1);
	c.throughput_pps = -1;
	expect_bad_b2b(&c, "throughput (>= 0 pps) -1");
	cfg_b2b(&c, 1);
	c.max_theoretical_pps = NAN;
	expect_bad_b2b(&c, "max theoretical rate (>= 0 pps) nan");
	cfg_b2b(&c, 1);
	c.max_trials = XC_B2B_MAX_TRIALS + 1;
	expect_bad_b2b(&c, "max trials 100001 is out of range (1 to 100000)");
}

/* Frame loss rate: the path loses loss[k] (fraction) at step k. */
struct path {
	double loss[16];
	bool own;		/* loss is the tester's own, flagged */
	double cap;		/* the sender offers at most this; 0: all */
};

static unsigned int run_steps(struct xc_steps *s, const struct path *p)
{
	double load, dur, off;
	uint64_t sent;
	unsigned int n = 0;

	while (xc_steps_next(s, &load, &dur) == 0) {
		assert_true(n < 16);
		off = p->cap && load > p->cap ? p->cap : load;
		sent = (uint64_t)(off * dur);
		assert_int_equal(xc_steps_add(s, sent,
					      (uint64_t)(sent * p->loss[n]),
					      p->own, off), 0);
		n++;
	}
	assert_int_equal(n, s->ntrials);
	return n;
}

static void start_steps(struct xc_steps *s, double step, double min)
{
	struct xc_steps_cfg c;
	char err[160] = "";

	xc_steps_defaults(&c);
	c.max_pps = 1000000;
	c.trial_s = 1;
	c.step = step;
	c.min_frac = min;
	assert_int_equal(xc_steps_init(s, &c, err, sizeof(err)), 0);
}

/* Lossy at 100% to 70%, lossless at 60% and 50%: six trials. */
static void test_steps_two_lossless(void **state)
{
	struct path p = { .loss = { 0.4, 0.3, 0.2, 0.1 } };
	struct xc_steps s;
	unsigned int i;

	(void)state;
	start_steps(&s, 0.1, 0);
	assert_int_equal(run_steps(&s, &p), 6);
	assert_true(s.done && s.two_lossless);
	for (i = 0; i < 6; i++) {
		assert_true(fabs(s.trials[i].frac - (1 - i * 0.1)) < 1e-9);
		assert_true(s.trials[i].load == round(1000000 *
						      (1 - i * 0.1)));
		assert_true(fabs(xc_steps_loss_pct(&s.trials[i]) -
				 p.loss[i] * 100) < 1e-9);
	}
	xc_steps_free(&s);
}

/* One lossless trial between lossy ones does not stop the steps. */
static void test_steps_successive(void **state)
{
	struct path p = { .loss = { 0.4, 0, 0.1, 0, 0 } };
	struct xc_steps s;

	(void)state;
	start_steps(&s, 0.1, 0);
	assert_int_equal(run_steps(&s, &p), 5);
	assert_true(s.two_lossless);
	xc_steps_free(&s);
}

/* Lossy throughout: down to the minimum load. */
static void test_steps_min_reached(void **state)
{
	struct path p = { .loss = { 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
				    0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5 } };
	struct xc_steps s;

	(void)state;
	start_steps(&s, 0.1, 0);	/* 100% to 10% */
	assert_int_equal(run_steps(&s, &p), 10);
	assert_true(s.done && !s.two_lossless);
	assert_true(fabs(s.trials[9].frac - 0.1) < 1e-9);
	xc_steps_free(&s);

	start_steps(&s, 0.05, 0.5);	/* 100% to 50% */
	assert_int_equal(run_steps(&s, &p), 11);
	assert_true(fabs(s.trials[10].frac - 0.5) < 1e-9);
	xc_steps_free(&s);
}

/* The tester's own loss is no loss of the path. */
static void test_steps_tester_only(void **state)
{
	struct path p = { .loss = { 0.4, 0.3, 0.2 }, .own = true };
	struct xc_steps s;

	(void)state;
	start_steps(&s, 0.1, 0);
	assert_int_equal(run_steps(&s, &p), 2);
	assert_true(xc_steps_loss_pct(&s.trials[0]) == 0);
	assert_true(s.trials[0].tester_only);
	xc_steps_free(&s);
}

static void test_steps_output(void **state)
{
	struct path p = { .loss = { 0.25 }, .cap = 950000 };
	struct xc_steps s;
	char *text = NULL;
	size_t len = 0;
	json_t *j, *t;
	FILE *f;

	(void)state;
	start_steps(&s, 0.1, 0);
	run_steps(&s, &p);
	assert_true(s.trials[0].short_sender);
	assert_false(s.trials[1].short_sender);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	xc_steps_print(f, &s);
	fclose(f);
	assert_non_null(strstr(text, " 100.0       1000000        950000"
				     "          950000          237500"
				     "    25.0000  sender short\n"));
	assert_non_null(strstr(text, "stopped: two lossless trials\n"));
	free(text);
	j = xc_steps_json(&s);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "stopped")),
			    "two lossless trials");
	t = json_array_get(json_object_get(j, "trials"), 0);
	assert_true(json_real_value(json_object_get(t, "loss_rate_pct")) ==
		    25);
	assert_true(json_real_value(json_object_get(t, "load_pct")) == 100);
	assert_int_equal(json_integer_value(json_object_get(t,
							    "lost_frames")),
			 237500);
	assert_true(json_is_true(json_object_get(t, "sender_short")));
	assert_int_equal(json_array_size(json_object_get(j, "trials")), 3);
	json_decref(j);
	xc_steps_free(&s);
}

static void expect_bad_steps(double max, double step, double min, double d,
			     const char *what)
{
	struct xc_steps_cfg c;
	struct xc_steps s;
	char err[160] = "";

	xc_steps_defaults(&c);
	c.max_pps = max;
	c.step = step;
	c.min_frac = min;
	c.trial_s = d;
	assert_int_equal(xc_steps_init(&s, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, what));
}

static void test_steps_bad_cfg(void **state)
{
	struct xc_steps s;
	double load, dur;

	(void)state;
	expect_bad_steps(0, 0.1, 0, 1, "max rate (>= 1 pps) 0 is out of");
	expect_bad_steps(1e6, 0.2, 0, 1,
			 "step (0.001 to 0.1 of the max rate) 0.2 is out of");
	expect_bad_steps(1e6, 0.0001, 0, 1, "step (0.001 to 0.1 of the max "
					    "rate) 0.0001");
	expect_bad_steps(1e6, 0.1, 1.5, 1, "min load (0.001 to 1 of the max "
					   "rate) 1.5");
	expect_bad_steps(1e6, 0.1, 0, -1, "trial duration (> 0 s) -1");

	start_steps(&s, 0.1, 0);
	assert_int_equal(xc_steps_add(&s, 1, 0, false, 1), -EINVAL);
	assert_int_equal(xc_steps_next(&s, &load, &dur), 0);
	assert_int_equal(xc_steps_next(&s, &load, &dur), -EBUSY);
	assert_int_equal(xc_steps_add(&s, 1, 2, false, 1), -EINVAL);
	xc_steps_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b2b_finds_buffer),
		cmocka_unit_test(test_b2b_repeats_averaged),
		cmocka_unit_test(test_b2b_tester_only_loss),
		cmocka_unit_test(test_b2b_short_sender),
		cmocka_unit_test(test_b2b_tester_rate),
		cmocka_unit_test(test_b2b_at_top),
		cmocka_unit_test(test_b2b_out_of_trials),
		cmocka_unit_test(test_b2b_protocol),
		cmocka_unit_test(test_b2b_output),
		cmocka_unit_test(test_b2b_bad_cfg),
		cmocka_unit_test(test_steps_two_lossless),
		cmocka_unit_test(test_steps_successive),
		cmocka_unit_test(test_steps_min_reached),
		cmocka_unit_test(test_steps_tester_only),
		cmocka_unit_test(test_steps_output),
		cmocka_unit_test(test_steps_bad_cfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
