// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xceiver search's other RFC 2544 benchmarks on a size, each trial a run
 * as the search's: the frame loss rate at stepped loads (26.3) and
 * back-to-back frames (26.4, RFC 9004), driving the state machines of
 * search_b2b.c and search_steps.c.
 */
#include <errno.h>
#include <math.h>

#include "xc_events.h"
#include "xc_search_cmd.h"
#include "xc_util.h"

/* A trial whose outcome its state machine refused (lost > sent, ...). */
static int xc_bench_invalid(struct xc_searcher *sr,
			    const struct xc_size_search *z)
{
	return xc_searcher_fail(sr, "search",
				"frame size %s: a trial's outcome is not valid (more frames lost or sent than asked)",
				z->label);
}

/* ---------------------------------------------------------- steps */

static void xc_steps_line(const struct xc_size_search *z)
{
	const struct xc_steps_trial *t = &z->steps.trials[z->steps.ntrials - 1];

	printf("frame size %s, %.0f%% (%.0f pps) for %g s: offered %.0f pps, lost %llu of %llu (%.4f%%)%s%s\n",
	       z->label, t->frac * 100, t->load, t->duration, t->offered,
	       (unsigned long long)t->lost, (unsigned long long)t->sent,
	       xc_steps_loss_pct(t),
	       t->tester_only ? ", only the tester lost frames" : "",
	       t->short_sender ? ", the senders fell short of the load" : "");
}

static void xc_steps_event(struct xc_events *ev,
			   const struct xc_size_search *z)
{
	const struct xc_steps_trial *t = &z->steps.trials[z->steps.ntrials - 1];

	if (ev)
		xc_events_emit(ev, "trial", json_pack(
			"{s:s, s:s, s:i, s:f, s:f, s:f, s:f, s:I, s:I, s:f, s:b, s:b}",
			"benchmark", "frame_loss", "frame_size", z->label,
			"trial", (int)z->steps.ntrials, "load_pct",
			t->frac * 100, "load_pps", t->load,
			"duration_s", t->duration, "offered_pps", t->offered,
			"sent", (json_int_t)t->sent,
			"lost", (json_int_t)t->lost,
			"loss_rate_pct", xc_steps_loss_pct(t),
			"tester_only", t->tester_only,
			"sender_short", t->short_sender));
}

/* The steps' configuration: 100% is the maximum load, or the ceiling. */
static void xc_steps_cfg_of(const struct xc_search_opts *so,
			    const struct xc_size_search *z,
			    struct xc_steps_cfg *c)
{
	xc_steps_defaults(c);
	c->max_pps = z->s.ceiling > 0 ?
		     fmin(z->s.ceiling, z->s.cfg.max_load) : z->s.cfg.max_load;
	if (so->step >= 0)
		c->step = so->step;
	if (so->trial_s >= 0)
		c->trial_s = so->trial_s;
}

static int xc_steps_setup(struct xc_searcher *sr, struct xc_size_search *z)
{
	struct xc_steps_cfg c;
	char err[256];

	xc_steps_cfg_of(sr->so, z, &c);
	if (!xc_steps_init(&z->steps, &c, err, sizeof(err))) {
		z->steps_on = true;
		return XC_EXIT_PASS;
	}
	return xc_searcher_fail(sr, "search", "frame size %s: %s", z->label,
				err);
}

int xc_size_steps(struct xc_searcher *sr, struct xc_size_search *z)
{
	struct xc_search_trial t;
	double load, dur;
	json_t *rep;
	int ret;

	ret = xc_steps_setup(sr, z);
	while (ret != XC_EXIT_RUN && !xc_steps_next(&z->steps, &load, &dur)) {
		ret = xc_trial_measure(sr, z, load, dur, &rep, &t);
		if (ret != XC_EXIT_RUN &&
		    xc_steps_add(&z->steps, t.sent, t.lost, t.tester_only,
				 t.offered))
			ret = xc_bench_invalid(sr, z);
		if (ret != XC_EXIT_RUN)
			ret = xc_trial_keep(sr, z, z->reports,
					    z->steps.ntrials, rep);
		json_decref(rep);
		if (ret == XC_EXIT_RUN)
			break;
		xc_steps_event(sr->o.events, z);
		if (!sr->o.quiet)
			xc_steps_line(z);
	}
	return ret;
}

/* ---------------------------------------------------- back-to-back */

static void xc_b2b_line(const struct xc_size_search *z)
{
	const struct xc_b2b_trial *t = &z->b2b.trials[z->b2b.ntrials - 1];

	printf("frame size %s, back-to-back %u.%u: burst of %llu frames at %.0f pps: lost %llu%s%s\n",
	       z->label, t->repeat + 1, z->b2b.ntrials,
	       (unsigned long long)t->frames, t->burst_pps,
	       (unsigned long long)t->lost,
	       t->tester_only ? ", only the tester lost frames" : "",
	       t->short_sender ? ", the sender sent fewer" : "");
}

static void xc_b2b_event(struct xc_events *ev, const struct xc_size_search *z)
{
	const struct xc_b2b_trial *t = &z->b2b.trials[z->b2b.ntrials - 1];

	if (ev)
		xc_events_emit(ev, "trial", json_pack(
			"{s:s, s:s, s:i, s:i, s:I, s:I, s:I, s:f, s:b, s:b}",
			"benchmark", "back_to_back", "frame_size", z->label,
			"trial", (int)z->b2b.ntrials,
			"repetition", (int)t->repeat + 1,
			"burst_frames", (json_int_t)t->frames,
			"sent", (json_int_t)t->sent,
			"lost", (json_int_t)t->lost,
			"burst_pps", t->burst_pps,
			"tester_only", t->tester_only,
			"sender_short", t->short_sender));
}

/*
 * The configuration: the throughput just found (the first goal's) and the
 * line rate's frames as the media's maximum rate (RFC 9004's inputs).
 */
static void xc_b2b_cfg_of(const struct xc_search_opts *so,
			  const struct xc_size_search *z,
			  struct xc_b2b_cfg *c)
{
	xc_b2b_defaults(c);
	/* each stream sends at least a frame of a burst */
	if (c->min_frames < z->spec->n_streams)
		c->min_frames = z->spec->n_streams;
	c->throughput_pps = z->s.nres ? z->s.res[0].throughput : 0;
	c->max_theoretical_pps = z->line_pps;
	if (so->b2b_repeats > 0)
		c->repeats = (unsigned int)so->b2b_repeats;
	if (so->b2b_max_frames > 0)
		c->max_frames = (uint64_t)so->b2b_max_frames;
	if (so->b2b_trial_s >= 0)
		c->trial_s = so->b2b_trial_s;
}

int xc_size_bench_check(const struct xc_search_opts *so,
			const struct xc_size_search *z, char *err,
			size_t errlen)
{
	struct xc_steps_cfg sc;
	struct xc_b2b_cfg bc;
	struct xc_steps steps;
	struct xc_b2b b2b;
	int ret = 0;

	if (so->frame_loss) {
		xc_steps_cfg_of(so, z, &sc);
		ret = xc_steps_init(&steps, &sc, err, errlen);
		if (!ret)
			xc_steps_free(&steps);
	}
	if (!ret && so->b2b) {
		xc_b2b_cfg_of(so, z, &bc);
		ret = xc_b2b_init(&b2b, &bc, err, errlen);
		if (!ret)
			xc_b2b_free(&b2b);
	}
	return ret;
}

static int xc_b2b_setup(struct xc_searcher *sr, struct xc_size_search *z)
{
	struct xc_b2b_cfg c;
	char err[256];

	xc_b2b_cfg_of(sr->so, z, &c);
	z->b2b_runs = json_array();
	if (z->b2b_runs && !xc_b2b_init(&z->b2b, &c, err, sizeof(err))) {
		z->b2b_on = true;
		return XC_EXIT_PASS;
	}
	return xc_searcher_fail(sr, "search", "frame size %s: %s", z->label,
				z->b2b_runs ? err : "out of memory");
}

/* One burst: run, outcome, kept; an exit code. */
static int xc_b2b_burst(struct xc_searcher *sr, struct xc_size_search *z,
			uint64_t frames)
{
	uint64_t t0 = xc_mono_ns();
	struct xc_search_trial t;
	json_t *rep;
	int ret;

	ret = xc_trial_measure(sr, z, 0, (double)frames, &rep, &t);
	if (ret != XC_EXIT_RUN &&
	    xc_b2b_add(&z->b2b, t.sent, t.lost, t.tester_only, t.offered))
		ret = xc_bench_invalid(sr, z);
	if (ret != XC_EXIT_RUN)
		ret = xc_trial_keep(sr, z, z->b2b_runs,
				    z->s.ntrials + z->b2b.ntrials, rep);
	json_decref(rep);
	/* the trial lasts trial_s at least: the device idles after it */
	if (ret != XC_EXIT_RUN)
		xc_sleep_until_ns(t0 + (uint64_t)(z->b2b.cfg.trial_s * 1e9));
	return ret;
}

int xc_size_b2b(struct xc_searcher *sr, struct xc_size_search *z)
{
	uint64_t frames;
	int ret;

	ret = xc_b2b_setup(sr, z);
	while (ret != XC_EXIT_RUN && !xc_b2b_next(&z->b2b, &frames)) {
		ret = xc_b2b_burst(sr, z, frames);
		if (ret == XC_EXIT_RUN)
			break;
		xc_b2b_event(sr->o.events, z);
		if (!sr->o.quiet)
			xc_b2b_line(z);
	}
	return ret;
}
