// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The throughput search (controller/search.c) against a simulated path
 * with a known loss curve: zero loss up to R, then everything above R
 * lost; optionally noisy trials near R, a tester that cannot send faster
 * than T, and loss that the tester itself caused.
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

#include "xc_search.h"

#define MIN_LOAD 10000.0
#define MAX_LOAD 10000000.0
#define R 3300000.0
#define WIDTH 0.005

struct sim {
	double rate;		/* R: the path forwards up to this */
	double cap;		/* T: the tester sends at most this */
	bool cap_lossy;		/* and loses 10% when asked for more */
	double noise_from;	/* noisy loss from here to R; 0 none */
	double noise_p;		/* chance of a noisy loss */
	double own_from;	/* the tester loses frames itself above */
	bool own_flagged;	/* ... and says so */
	unsigned int seed;
	double flaky_from;	/* first trial at each load from here loses */
	bool cycle;		/* loss ratios of trials at one load up to R
				 * cycle through CYCLE; above R half lost */
	unsigned int hiccup;	/* this trial (from 1) falls 1% short */
	unsigned int ntrials;	/* trials run */
	double seen[256];	/* loads tried */
	unsigned int times[256];	/* trials at each */
	unsigned int nseen;
};

static const double CYCLE[] = { 0.008, 0.002, 0.004, 0 };

/* How many trials at load came before this one. */
static unsigned int sim_seen(struct sim *p, double load)
{
	unsigned int i;

	for (i = 0; i < p->nseen; i++)
		if (p->seen[i] == load)
			return p->times[i]++;
	assert_true(p->nseen < 256);
	p->seen[p->nseen] = load;
	p->times[p->nseen++] = 1;
	return 0;
}

static void sim_cycle(struct sim *p, struct xc_search_trial *t)
{
	unsigned int k = sim_seen(p, t->load) % 4;

	t->offered = t->achieved = t->load;
	t->sent = (uint64_t)(t->load * t->duration);
	t->lost = (uint64_t)(t->sent * (t->load > p->rate ? 0.5 : CYCLE[k]));
}

static void sim_trial(struct sim *p, struct xc_search_trial *t)
{
	double off = p->cap && t->load > p->cap ? p->cap : t->load;
	double fwd;

	if (p->cycle) {
		sim_cycle(p, t);
		return;
	}

	if (++p->ntrials == p->hiccup)
		off *= 0.99;
	fwd = fmin(off, p->rate);
	t->offered = off;
	t->achieved = off;
	t->sent = (uint64_t)(off * t->duration);
	t->lost = t->sent - (uint64_t)(fwd * t->duration);
	t->tester_only = false;
	if (!t->lost && p->noise_from && off >= p->noise_from &&
	    rand_r(&p->seed) < p->noise_p * RAND_MAX)
		t->lost = 1 + t->sent / 10000;
	if (p->cap_lossy && t->load > p->cap)
		t->lost = t->sent / 10;
	if (!sim_seen(p, t->load) && !t->lost && p->flaky_from &&
	    off >= p->flaky_from)
		t->lost = 1 + t->sent / 10000;
	if (!t->lost && p->own_from && off >= p->own_from) {
		t->lost = 50;
		t->tester_only = p->own_flagged;
	}
}

/* Run search s to its end against p; the number of trials. */
static unsigned int run(struct xc_search *s, struct sim *p)
{
	struct xc_search_trial t;
	unsigned int n = 0;

	for (;;) {
		memset(&t, 0, sizeof(t));
		if (xc_search_next(s, &t.load, &t.duration) == 1)
			break;
		assert_true(t.load > 0 && t.duration > 0);
		sim_trial(p, &t);
		assert_int_equal(xc_search_add(s, &t), 0);
		n++;
	}
	assert_int_equal(n, s->ntrials);
	return n;
}

static void start(struct xc_search *s, struct xc_search_cfg *c)
{
	char err[128] = "";

	assert_int_equal(xc_search_init(s, c, err, sizeof(err)), 0);
}

static void cfg_2544(struct xc_search_cfg *c, double min, double max)
{
	xc_search_defaults(c, XC_SEARCH_RFC2544);
	c->min_load = min;
	c->max_load = max;
	c->duration = 1;
	c->width_rel = WIDTH;
}

static void cfg_mlr(struct xc_search_cfg *c, double sum)
{
	unsigned int i;

	xc_search_defaults(c, XC_SEARCH_MLR);
	c->min_load = MIN_LOAD;
	c->max_load = MAX_LOAD;
	for (i = 0; i < c->ngoals; i++) {
		c->goals[i].final_duration = 1;
		c->goals[i].duration_sum = sum;
	}
}

/* Binary search trials: max, min, then halvings down to the width. */
static unsigned int bisections(double min, double max, double width)
{
	return 2 + (unsigned int)ceil(log2((max - min) / width));
}

/* lower <= truth < upper, and the bounds within the relative width. */
static void assert_brackets(const struct xc_search_result *r, double truth,
			    double width)
{
	assert_true(r->done);
	assert_true(r->lower <= truth);
	assert_true(r->upper > truth);
	assert_true(r->upper - r->lower <= width * r->upper);
	assert_false(r->tester_limited);
}

static void test_2544_finds_rate(void **state)
{
	struct sim p = { .rate = R };
	struct xc_search_cfg c;
	struct xc_search s;
	unsigned int n;

	(void)state;
	cfg_2544(&c, MIN_LOAD, MAX_LOAD);
	start(&s, &c);
	n = run(&s, &p);
	assert_brackets(&s.res[0], R, WIDTH);
	assert_true(s.res[0].throughput == s.res[0].lower);
	assert_true(n <= bisections(MIN_LOAD, MAX_LOAD, WIDTH * R));
	assert_int_equal(s.res[0].trials, n);
	assert_true(s.res[0].time == n * 1.0);
	assert_false(s.out_of_trials);
	xc_search_free(&s);
}

static void test_2544_abs_width(void **state)
{
	struct sim p = { .rate = R };
	struct xc_search_cfg c;
	struct xc_search s;
	unsigned int n;

	(void)state;
	cfg_2544(&c, MIN_LOAD, MAX_LOAD);
	c.width_rel = 0;
	c.width_abs = 1000;
	start(&s, &c);
	n = run(&s, &p);
	assert_true(s.res[0].lower <= R && s.res[0].upper > R);
	assert_true(s.res[0].upper - s.res[0].lower <= 1000);
	assert_true(n <= bisections(MIN_LOAD, MAX_LOAD, 1000));
	xc_search_free(&s);
}

static void test_mlr_ndr_pdr(void **state)
{
	struct sim p = { .rate = R };
	struct xc_search_cfg c;
	struct xc_search s;
	double pdr = R / (1 - 0.005);
	unsigned int n;

	(void)state;
	cfg_mlr(&c, 1);
	start(&s, &c);
	n = run(&s, &p);
	assert_brackets(&s.res[0], R, WIDTH);
	assert_brackets(&s.res[1], pdr, WIDTH);
	/* NDR: no loss at the lower bound; PDR: what the path forwarded */
	assert_true(s.res[0].throughput == s.res[0].lower);
	assert_true(fabs(s.res[1].throughput - R) <= WIDTH * R);
	assert_true(s.res[0].trials <= bisections(MIN_LOAD, MAX_LOAD,
						  WIDTH * R));
	assert_true(n <= 2 * bisections(MIN_LOAD, MAX_LOAD, WIDTH * R));
	assert_true(s.res[0].trials < s.res[1].trials);
	assert_int_equal(s.res[1].trials, n);
	xc_search_free(&s);
}

/* Noisy loss at 98-100% of R: NDR lands there, PDR is not moved. */
static void test_mlr_noisy(void **state)
{
	struct sim p = { .rate = R, .noise_from = 0.98 * R, .noise_p = 0.3 };
	struct xc_search_cfg c;
	struct xc_search s;
	unsigned int seed;

	(void)state;
	for (seed = 1; seed <= 20; seed++) {
		p.seed = seed;
		cfg_mlr(&c, 3);
		start(&s, &c);
		run(&s, &p);
		assert_true(s.res[0].lower >= 0.98 * R * (1 - WIDTH));
		assert_true(s.res[0].lower <= R);
		assert_true(s.res[0].upper - s.res[0].lower <=
			    WIDTH * s.res[0].upper);
		assert_brackets(&s.res[1], R / (1 - 0.005), WIDTH);
		assert_false(s.out_of_trials);
		xc_search_free(&s);
	}
}

/*
 * The first trial at each load from R / 2 up loses a little, the next
 * ones do not: with a duration sum of three trials and an exceed ratio of
 * one half, one lossy trial in three is a lower bound for NDR.
 */
static void test_mlr_exceed_ratio(void **state)
{
	struct sim p = { .rate = R, .flaky_from = R / 2 };
	struct xc_search_cfg c;
	struct xc_search s;
	unsigned int n;

	(void)state;
	cfg_mlr(&c, 3);
	start(&s, &c);
	n = run(&s, &p);
	assert_brackets(&s.res[0], R, WIDTH);
	assert_brackets(&s.res[1], R / (1 - 0.005), WIDTH);
	assert_true(s.res[0].throughput == s.res[0].lower);
	assert_true(n <= 3 * 2 * bisections(MIN_LOAD, MAX_LOAD, WIDTH * R));
	xc_search_free(&s);
}

/*
 * Conditional throughput: one goal of loss ratio 1%, a duration sum of
 * four trials. Trials up to R lose 0.8%, then 0.2%: two of them make a
 * lower bound (the two missing count as whole loss), and the quantile at
 * the exceed ratio of one half is the 0.8% trial.
 */
static void test_mlr_conditional(void **state)
{
	struct sim p = { .rate = R, .cycle = true };
	struct xc_search_cfg c;
	struct xc_search s;

	(void)state;
	cfg_mlr(&c, 4);
	c.ngoals = 1;
	c.goals[0].loss_ratio = 0.01;
	start(&s, &c);
	run(&s, &p);
	assert_brackets(&s.res[0], R, WIDTH);
	assert_true(fabs(s.res[0].throughput - s.res[0].lower * 0.992) < 1);
	xc_search_free(&s);
}

/* Put trials of duration d at 1000 pps, each lossy (1%) or not. */
static void put(struct xc_search *s, double d, unsigned int n, bool lossy)
{
	struct xc_search_trial *t;

	while (n--) {
		t = &s->trials[s->ntrials++];
		memset(t, 0, sizeof(*t));
		t->load = t->offered = t->achieved = 1000;
		t->duration = d;
		t->sent = (uint64_t)(1000 * d);
		t->lost = lossy ? t->sent / 100 : 0;
	}
}

/*
 * RFC 9971 load classification with short trials (1 s of a final 10 s,
 * duration sum 10 s, exceed ratio 0.5): short low-loss trials balance
 * short high-loss ones; only full-length low-loss trials make a lower
 * bound.
 */
static void test_classify(void **state)
{
	static const struct {
		unsigned int full_low, short_high, short_low;
		enum xc_search_class want;
	} cases[] = {
		{ 0, 0, 0, XC_SEARCH_UNDECIDED },
		{ 0, 0, 10, XC_SEARCH_UNDECIDED },	/* never lower */
		{ 0, 5, 0, XC_SEARCH_UNDECIDED },	/* 5 <= 10 * 0.5 */
		{ 0, 6, 0, XC_SEARCH_UPPER },		/* 6 > 5 */
		{ 0, 6, 1, XC_SEARCH_UNDECIDED },	/* 1 balances 1 */
		{ 0, 7, 2, XC_SEARCH_UNDECIDED },	/* 7 - 2 <= 5 */
		{ 0, 8, 2, XC_SEARCH_UPPER },		/* 8 - 2 > 5 */
		{ 1, 0, 0, XC_SEARCH_LOWER },		/* 10 s low loss */
		{ 1, 5, 0, XC_SEARCH_LOWER },		/* 5 <= 15 * 0.5 */
		{ 1, 11, 0, XC_SEARCH_UPPER },		/* 11 > 10.5 */
	};
	struct xc_search_cfg c;
	struct xc_search s;
	struct xc_search_goal g = { .loss_ratio = 0.005, .final_duration = 10,
				    .duration_sum = 10, .exceed_ratio = 0.5,
				    .width = 0.01 };
	unsigned int i;

	(void)state;
	cfg_mlr(&c, 1);
	start(&s, &c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.ntrials = 0;
		put(&s, 10, cases[i].full_low, false);
		put(&s, 1, cases[i].short_high, true);
		put(&s, 1, cases[i].short_low, false);
		assert_int_equal(xc_search_classify(&s, &g, 1000),
				 cases[i].want);
	}
	/* the same losses below the goal loss ratio are low loss */
	g.loss_ratio = 0.01;
	assert_int_equal(xc_search_classify(&s, &g, 1000), XC_SEARCH_LOWER);
	s.ntrials = 0;
	xc_search_free(&s);
}

/*
 * The duration ramp (1 s to 8 s): the bounds as without it, in less trial
 * time.
 */
static void test_mlr_ramp(void **state)
{
	struct sim p = { .rate = R };
	struct xc_search_cfg c;
	struct xc_search s;
	double flat;
	unsigned int i;

	(void)state;
	cfg_mlr(&c, 8);
	for (i = 0; i < c.ngoals; i++)
		c.goals[i].final_duration = 8;
	start(&s, &c);
	run(&s, &p);
	flat = s.res[1].time;
	xc_search_free(&s);

	for (i = 0; i < c.ngoals; i++)
		c.goals[i].initial_duration = 1;
	start(&s, &c);
	run(&s, &p);
	assert_brackets(&s.res[0], R, WIDTH);
	assert_brackets(&s.res[1], R / (1 - 0.005), WIDTH);
	assert_true(s.res[0].throughput == s.res[0].lower);
	assert_true(s.res[1].time < flat);
	for (i = 0; i < s.ntrials; i++)
		assert_true(s.trials[i].duration == 1 ||
			    s.trials[i].duration == 2 ||
			    s.trials[i].duration == 4 ||
			    s.trials[i].duration == 8);
	print_message("ramp: %.0f s of trials, %.0f s without\n",
		      s.res[1].time, flat);
	xc_search_free(&s);
}

static void test_2544_noisy(void **state)
{
	struct sim p = { .rate = R, .noise_from = 0.98 * R, .noise_p = 0.3 };
	struct xc_search_cfg c;
	struct xc_search s;
	unsigned int seed;

	(void)state;
	for (seed = 1; seed <= 20; seed++) {
		p.seed = seed;
		cfg_2544(&c, MIN_LOAD, MAX_LOAD);
		start(&s, &c);
		run(&s, &p);
		assert_true(s.res[0].lower >= 0.98 * R * (1 - WIDTH));
		assert_true(s.res[0].lower <= R);
		xc_search_free(&s);
	}
}

/*
 * A tester that sends at most T < R, and loses frames itself from T / 2:
 * with that loss flagged as the tester's own, the search ends at T and
 * says the tester limited it.
 */
static void test_tester_limited(void **state)
{
	struct sim p = { .rate = R, .cap = 2000000, .own_from = 1000000,
			 .own_flagged = true };
	struct xc_search_cfg c;
	struct xc_search s;
	unsigned int i;

	(void)state;
	cfg_mlr(&c, 1);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 2);	/* max load, then T */
	for (i = 0; i < 2; i++) {
		assert_true(s.res[i].done);
		assert_true(s.res[i].tester_limited);
		assert_true(s.res[i].lower == 2000000);
		assert_true(s.res[i].upper == 0);
	}
	assert_true(s.ceiling == 2000000);
	xc_search_free(&s);

	cfg_2544(&c, MIN_LOAD, MAX_LOAD);
	start(&s, &c);
	run(&s, &p);
	assert_true(s.res[0].tester_limited);
	assert_true(s.res[0].throughput == 2000000);
	xc_search_free(&s);

	/* a trial the senders could not keep bounds nothing, lossy or not */
	p.cap_lossy = true;
	cfg_mlr(&c, 1);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 2);
	assert_true(s.res[0].tester_limited && s.res[1].tester_limited);
	xc_search_free(&s);
	cfg_2544(&c, MIN_LOAD, MAX_LOAD);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 2);
	assert_true(s.res[0].tester_limited);
	xc_search_free(&s);
}

/* The same tester's loss not flagged is the path's: no tester limit. */
/*
 * The senders fall short once, at the minimum load, below loads they keep
 * before and after: a hiccup, not their limit. No ceiling is reported, and
 * the search finds the path's limit.
 */
static void test_sender_hiccup(void **state)
{
	struct sim p = { .rate = R, .hiccup = 2 };
	struct xc_search_cfg c;
	struct xc_search s;
	unsigned int i;

	(void)state;
	cfg_mlr(&c, 1);
	start(&s, &c);
	run(&s, &p);
	assert_true(s.trials[1].short_sender);
	assert_true(s.trials[1].load == MIN_LOAD);
	assert_true(s.ceiling == 0);
	for (i = 0; i < 2; i++) {
		/* the path loses L - R: the goal's loss ratio from here */
		double lim = R / (1 - c.goals[i].loss_ratio);

		assert_true(s.res[i].done);
		assert_false(s.res[i].tester_limited);
		assert_true(s.res[i].lower <= lim && lim <= s.res[i].upper);
	}
	xc_search_free(&s);
}

static void test_tester_loss_unflagged(void **state)
{
	struct sim p = { .rate = R, .cap = 2000000, .own_from = 1000000 };
	struct xc_search_cfg c;
	struct xc_search s;

	(void)state;
	cfg_mlr(&c, 1);
	start(&s, &c);
	run(&s, &p);
	assert_brackets(&s.res[0], 1000000 - 1, WIDTH);
	xc_search_free(&s);
}

static void test_path_carries_max(void **state)
{
	struct sim p = { .rate = 2 * MAX_LOAD };
	struct xc_search_cfg c;
	struct xc_search s;

	(void)state;
	cfg_2544(&c, MIN_LOAD, MAX_LOAD);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 1);
	assert_true(s.res[0].throughput == MAX_LOAD);
	assert_true(s.res[0].upper == 0);
	assert_false(s.res[0].tester_limited);
	xc_search_free(&s);

	cfg_mlr(&c, 1);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 1);
	assert_true(s.res[0].lower == MAX_LOAD && s.res[1].lower == MAX_LOAD);
	assert_true(s.res[0].throughput == MAX_LOAD);
	xc_search_free(&s);
}

static void test_path_loses_at_min(void **state)
{
	struct sim p = { .rate = MIN_LOAD / 2 };
	struct xc_search_cfg c;
	struct xc_search s;

	(void)state;
	cfg_2544(&c, MIN_LOAD, MAX_LOAD);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 2);
	assert_true(s.res[0].done);
	assert_true(s.res[0].throughput == 0 && s.res[0].lower == 0);
	assert_true(s.res[0].upper == MIN_LOAD);
	xc_search_free(&s);

	cfg_mlr(&c, 1);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 2);
	assert_true(s.res[0].throughput == 0 && s.res[1].throughput == 0);
	assert_true(s.res[1].upper == MIN_LOAD);
	xc_search_free(&s);
}

/* max - min within the width: max fails, min passes, done. */
static void test_width_met(void **state)
{
	struct sim p = { .rate = 1002000 };
	struct xc_search_cfg c;
	struct xc_search s;

	(void)state;
	cfg_2544(&c, 1000000, 1004000);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 2);
	assert_true(s.res[0].lower == 1000000 && s.res[0].upper == 1004000);
	xc_search_free(&s);
}

static void test_one_trial(void **state)
{
	struct sim p = { .rate = R };
	struct xc_search_cfg c;
	struct xc_search s;

	(void)state;
	cfg_2544(&c, 1000000, 1000000);
	start(&s, &c);
	assert_int_equal(run(&s, &p), 1);
	assert_true(s.res[0].throughput == 1000000);
	xc_search_free(&s);
}

static void test_out_of_trials(void **state)
{
	struct sim p = { .rate = R };
	struct xc_search_cfg c;
	struct xc_search s;

	(void)state;
	cfg_mlr(&c, 1);
	c.max_trials = 3;
	start(&s, &c);
	assert_int_equal(run(&s, &p), 3);
	assert_true(s.out_of_trials);
	assert_false(s.res[0].done);
	xc_search_free(&s);
}

static void test_protocol(void **state)
{
	struct xc_search_trial t = { 0 };
	struct xc_search_cfg c;
	struct xc_search s;
	double load, dur;

	(void)state;
	cfg_2544(&c, MIN_LOAD, MAX_LOAD);
	start(&s, &c);
	assert_int_equal(xc_search_add(&s, &t), -EINVAL);
	assert_int_equal(xc_search_next(&s, &load, &dur), 0);
	assert_int_equal(xc_search_next(&s, &load, &dur), -EBUSY);
	t.load = load;
	t.duration = dur;
	t.sent = 1;
	t.lost = 2;
	assert_int_equal(xc_search_add(&s, &t), -EINVAL);
	xc_search_free(&s);
}

/* The line per goal and the JSON of a search the tester limited. */
static void test_output(void **state)
{
	struct sim p = { .rate = R, .cap = 2000000 };
	struct xc_search_cfg c;
	struct xc_search s;
	json_t *j, *r;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	cfg_mlr(&c, 1);
	start(&s, &c);
	run(&s, &p);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	xc_search_print(f, &s);
	fclose(f);
	assert_non_null(strstr(text, "NDR (loss ratio 0): limited by the "
				     "tester at 2000000 pps, 2 trials, 2 s\n"));
	assert_non_null(strstr(text, "PDR 0.5% (loss ratio 0.005): limited"));
	free(text);

	j = xc_search_json(&s);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "algorithm")),
			    "mlrsearch");
	assert_int_equal(json_array_size(json_object_get(j, "trials")), 2);
	r = json_array_get(json_object_get(j, "results"), 1);
	assert_true(json_is_true(json_object_get(r, "tester_limited")));
	assert_true(json_is_null(json_object_get(r, "upper_bound_pps")));
	assert_true(json_real_value(json_object_get(r, "lower_bound_pps")) ==
		    2000000);
	assert_true(json_real_value(json_object_get(r, "loss_ratio")) ==
		    0.005);
	assert_true(json_is_true(json_object_get(json_array_get(
		json_object_get(j, "trials"), 0), "sender_short")));
	json_decref(j);
	xc_search_free(&s);
}

static void trial_from(const char *json, struct xc_search_trial *t,
		       int want)
{
	json_t *j = json_loads(json, 0, NULL);

	assert_non_null(j);
	memset(t, 0, sizeof(*t));
	assert_int_equal(xc_search_trial_from_report(j, t), want);
	json_decref(j);
}

/* A trial's outcome from its run's JSON report. */
static void test_trial_from_report(void **state)
{
	struct xc_search_trial t;

	(void)state;
	trial_from("{\"loss\": {\"missing\": 100, \"tester\": 30},"
		   " \"tx\": {\"tx_frames\": 10000,"
		   " \"tx_rate_achieved_pps\": 1000.5},"
		   " \"rx\": {\"tx_frames\": 5000,"
		   " \"tx_rate_achieved_pps\": 500}}", &t, 0);
	assert_int_equal(t.sent, 15000);
	assert_int_equal(t.lost, 70);
	assert_false(t.tester_only);
	assert_true(t.offered == 1500.5 && t.achieved == 1500.5);

	trial_from("{\"loss\": {\"missing\": 30, \"tester\": 30},"
		   " \"tx\": {\"tx_frames\": 10000}, \"rx\": null}", &t, 0);
	assert_int_equal(t.lost, 0);
	assert_true(t.tester_only);
	assert_true(xc_search_loss_ratio(&t) == 0);

	trial_from("{\"loss\": {\"missing\": 0, \"tester\": 0},"
		   " \"tx\": {\"tx_frames\": 10}}", &t, 0);
	assert_false(t.tester_only);
	trial_from("{\"loss\": {\"missing\": 20},"
		   " \"tx\": {\"tx_frames\": 10}}", &t, -EINVAL);
	trial_from("{\"tx\": {\"tx_frames\": 10}}", &t, -EINVAL);
}

/* A trial's load shared among the spec's streams as their rates are. */
static void test_apply(void **state)
{
	Xceiver__V1__Stream st[2], *stp[2] = { &st[0], &st[1] };
	Xceiver__V1__TestSpec spec = XCEIVER__V1__TEST_SPEC__INIT;
	double *share;

	(void)state;
	xceiver__v1__stream__init(&st[0]);
	xceiver__v1__stream__init(&st[1]);
	st[0].rate_pps = 1000;
	st[0].frame_size = 64;
	st[1].rate_pps = 3000;
	st[1].frame_size = 64;
	st[1].count = 5;
	spec.n_streams = 2;
	spec.streams = stp;
	assert_int_equal(xc_search_shares(&spec, &share), 0);
	assert_true(share[0] == 0.25 && share[1] == 0.75);
	assert_int_equal(xc_search_apply(&spec, share, 8000, 2), 0);
	assert_int_equal(st[0].rate_pps, 2000);
	assert_int_equal(st[1].rate_pps, 6000);
	assert_int_equal(st[0].count, 4000);
	assert_int_equal(st[1].count, 12000);
	assert_int_equal(st[1].duration_ms, 2000);
	free(share);

	st[0].rate_pps = 0;	/* as fast as possible: equal shares */
	assert_int_equal(xc_search_shares(&spec, &share), 0);
	assert_true(share[0] == 0.5 && share[1] == 0.5);
	free(share);
	spec.n_streams = 0;
	assert_int_equal(xc_search_shares(&spec, &share), -EINVAL);
}

static void expect_bad(struct xc_search_cfg *c, const char *what)
{
	struct xc_search s;
	char err[128] = "";

	assert_int_equal(xc_search_init(&s, c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, what));
}

static void test_bad_cfg(void **state)
{
	struct xc_search_cfg c;

	(void)state;
	cfg_2544(&c, MIN_LOAD, MIN_LOAD - 1);
	expect_bad(&c, "max load");
	cfg_2544(&c, 0, MAX_LOAD);
	expect_bad(&c, "min load");
	cfg_2544(&c, MIN_LOAD, MAX_LOAD);
	c.width_rel = 0;
	expect_bad(&c, "width");
	cfg_mlr(&c, 0.5);
	expect_bad(&c, "goal duration sum");
	cfg_mlr(&c, 1);
	c.goals[1].exceed_ratio = 1;
	expect_bad(&c, "goal exceed ratio");
	cfg_mlr(&c, 1);
	c.goals[0].loss_ratio = -0.1;
	expect_bad(&c, "goal loss ratio");
	cfg_mlr(&c, 1);
	c.ngoals = XC_SEARCH_MAX_GOALS + 1;
	expect_bad(&c, "number of goals 9 is out of range (1 to 8)");
	cfg_mlr(&c, 1);
	c.max_trials = XC_SEARCH_MAX_TRIALS + 1;
	expect_bad(&c, "max trials 1001 is out of range (1 to 1000)");
	cfg_mlr(&c, 1);
	c.goals[0].initial_duration = 2;
	expect_bad(&c, "goal initial trial duration");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2544_finds_rate),
		cmocka_unit_test(test_2544_abs_width),
		cmocka_unit_test(test_mlr_ndr_pdr),
		cmocka_unit_test(test_mlr_noisy),
		cmocka_unit_test(test_mlr_exceed_ratio),
		cmocka_unit_test(test_mlr_conditional),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_mlr_ramp),
		cmocka_unit_test(test_2544_noisy),
		cmocka_unit_test(test_tester_limited),
		cmocka_unit_test(test_sender_hiccup),
		cmocka_unit_test(test_tester_loss_unflagged),
		cmocka_unit_test(test_path_carries_max),
		cmocka_unit_test(test_path_loses_at_min),
		cmocka_unit_test(test_width_met),
		cmocka_unit_test(test_one_trial),
		cmocka_unit_test(test_out_of_trials),
		cmocka_unit_test(test_protocol),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_trial_from_report),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_bad_cfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
