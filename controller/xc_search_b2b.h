/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Two more RFC 2544 benchmarks as state machines that run nothing
 * themselves, like the throughput search (xc_search.h): back-to-back
 * frames (RFC 2544 section 26.4, updated by RFC 9004) and the frame loss
 * rate at stepped loads (RFC 2544 section 26.3). *_next() proposes a
 * trial, the caller runs it and hands its outcome to *_add(), until
 * *_next() says the benchmark is done. docs/SEARCH.md names where they
 * deviate from the RFCs.
 */
#ifndef XC_SEARCH_B2B_H
#define XC_SEARCH_B2B_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

/* Back-to-back defaults (xc_b2b_defaults) and limits */
#define XC_B2B_DEF_MIN_FRAMES	1
#define XC_B2B_DEF_MAX_FRAMES	1000000
#define XC_B2B_DEF_WIDTH	0.01	/* relative */
#define XC_B2B_DEF_REPEATS	50	/* RFC 2544 26.4: at least 50 */
#define XC_B2B_DEF_TRIAL_S	2	/* RFC 2544 26.4: at least 2 s */
#define XC_B2B_DEF_TRIALS	5000	/* max_trials when 0 */
#define XC_B2B_MAX_TRIALS	100000	/* limit of max_trials */
#define XC_B2B_MAX_REPEATS	1000	/* limit of repeats */
#define XC_B2B_MAX_FRAMES	(UINT64_C(1) << 40)	/* max_frames limit */

struct xc_b2b_cfg {
	uint64_t min_frames, max_frames;	/* burst lengths searched */
	double width_rel;	/* of the upper bound, 0 < w < 1 */
	unsigned int repeats;	/* searches averaged; RFC: >= 50 */
	double trial_s;		/* each burst's trial, s; RFC: >= 2 s */
	double throughput_pps;	/* measured throughput; 0: unknown */
	double max_theoretical_pps;	/* of the media; 0: unknown */
	unsigned int max_trials;	/* 0: XC_B2B_DEF_TRIALS */
};

/* One burst: what was asked, then its outcome. */
struct xc_b2b_trial {
	uint64_t frames;	/* burst length asked */
	uint64_t sent;		/* frames the sender sent */
	uint64_t lost;		/* frames lost counted against the path */
	double burst_pps;	/* the rate the sender achieved in the burst */
	unsigned int repeat;	/* repetition, from 0 */
	bool tester_only;	/* all loss was the tester's own */
	bool short_sender;	/* set by the search: sent < frames */
};

/* Over the repetitions done, once the search is done. */
struct xc_b2b_result {
	unsigned int repeats;	/* repetitions done */
	double mean, stdev;	/* frames; stdev of a sample (n - 1) */
	uint64_t min, max;	/* frames */
	unsigned int at_top;	/* repetitions lossless at the top */
	double burst_pps_min, burst_pps_mean;	/* the sender's; 0: none */
	bool tester_limited;	/* bursts below max_theoretical_pps */
	double buffer_rate_pps;	/* the rate the buffer times use; 0: none */
	double implied_s;	/* RFC 9004 Implied DUT Buffer Time; < 0 none */
	double corrected_s;	/* Corrected DUT Buffer Time; < 0 none */
};

struct xc_b2b {
	struct xc_b2b_cfg cfg;
	struct xc_b2b_trial *trials;
	unsigned int ntrials;
	uint64_t *value;	/* each repetition's longest lossless burst */
	unsigned int rep;	/* the repetition under way */
	unsigned int first;	/* its first trial */
	uint64_t asked;		/* the burst proposed */
	uint64_t ceiling;	/* the fewest frames a short burst sent:
				 * the longest burst proposed since; 0: none */
	struct xc_b2b_result res;
	bool proposed;		/* a burst is out, not yet added */
	bool done;
	bool out_of_trials;	/* max_trials reached before done */
	bool sender_failed;	/* the sender cannot send min_frames */
};

void xc_b2b_defaults(struct xc_b2b_cfg *c);

/* Check c and start. -EINVAL with err naming the bad value; -ENOMEM. */
int xc_b2b_init(struct xc_b2b *b, const struct xc_b2b_cfg *c, char *err,
		size_t errlen);
void xc_b2b_free(struct xc_b2b *b);

/*
 * The next burst: 0 with *frames to send back to back (its trial lasting
 * cfg.trial_s), 1 when the search is done (results in b->res), -EBUSY
 * when the last burst's outcome was not added.
 */
int xc_b2b_next(struct xc_b2b *b, uint64_t *frames);

/*
 * The outcome of the proposed burst: frames sent, frames lost counted
 * against the path, whether that loss was only the tester's own, and the
 * rate the sender achieved. A burst that sent fewer frames than asked
 * bounds nothing and caps the bursts proposed at what was sent.
 * 0, or -EINVAL (nothing proposed, lost > sent, or sent > asked).
 */
int xc_b2b_add(struct xc_b2b *b, uint64_t sent, uint64_t lost,
	       bool tester_only, double burst_pps);

/* A burst of trial t lost frames of the path (tester loss is not). */
bool xc_b2b_lossy(const struct xc_b2b_trial *t);

/*
 * A table: each repetition's burst, then average, min, max, standard
 * deviation, the sender's burst rate (and "not at the media's maximum
 * rate" when below it) and the RFC 9004 buffer times.
 */
void xc_b2b_print(FILE *out, const struct xc_b2b *b);

/*
 * {min_burst_frames, max_burst_frames, width_rel, repeats, trial_s,
 * throughput_pps, max_theoretical_pps, max_trials, out_of_trials,
 * sender_failed, sender_ceiling_frames, result: {repeats_done,
 * burst_frames: [...], mean_frames, min_frames, max_frames, stdev_frames,
 * repeats_at_top, burst_pps_min, burst_pps_mean, tester_limited,
 * buffer_rate_pps, implied_buffer_time_s, corrected_buffer_time_s},
 * trials: [{repeat, burst_frames, sent_frames, lost_frames, burst_pps,
 * tester_only, sender_short, lossy}]}; unknown values null. NULL: ENOMEM.
 */
json_t *xc_b2b_json(const struct xc_b2b *b);

/* Frame loss rate at stepped loads: defaults and limits */
#define XC_STEPS_DEF_STEP	0.1	/* of the maximum rate; RFC: <= 10% */
#define XC_STEPS_MAX_STEP	0.1	/* RFC 2544 26.3: at most 10% */
#define XC_STEPS_MIN_STEP	0.001	/* limit: at most 1001 trials */
#define XC_STEPS_DEF_TRIAL_S	60	/* s, RFC 2544 section 24 */
#define XC_STEPS_LOSSLESS	2	/* successive lossless trials: done */

struct xc_steps_cfg {
	double max_pps;		/* 100%: the media's maximum rate, pps */
	double step;		/* load step, of max_pps */
	double min_frac;	/* lowest load, of max_pps; 0: one step */
	double trial_s;		/* each trial, s */
};

struct xc_steps_trial {
	double frac;		/* intended load, of max_pps */
	double load;		/* intended load, pps */
	double duration;	/* s */
	double offered;		/* measured offered load, pps */
	uint64_t sent;		/* frames sent */
	uint64_t lost;		/* frames lost counted against the path */
	bool tester_only;	/* all loss was the tester's own */
	bool short_sender;	/* set: offered below the load */
};

struct xc_steps {
	struct xc_steps_cfg cfg;
	struct xc_steps_trial *trials;
	unsigned int ntrials, maxtrials;
	bool proposed;
	bool done;
	bool two_lossless;	/* done by two successive lossless trials
				 * (else by the minimum load) */
};

void xc_steps_defaults(struct xc_steps_cfg *c);

/* Check c and start. -EINVAL with err naming the bad value; -ENOMEM. */
int xc_steps_init(struct xc_steps *s, const struct xc_steps_cfg *c,
		  char *err, size_t errlen);
void xc_steps_free(struct xc_steps *s);

/*
 * The next trial: 0 with *load (pps) and *duration (s), 1 when done,
 * -EBUSY when the last trial's outcome was not added.
 */
int xc_steps_next(struct xc_steps *s, double *load, double *duration);

/*
 * The outcome of the proposed trial: frames sent, frames lost counted
 * against the path, whether that loss was only the tester's own, the
 * measured offered load. 0, or -EINVAL (nothing proposed, lost > sent).
 */
int xc_steps_add(struct xc_steps *s, uint64_t sent, uint64_t lost,
		 bool tester_only, double offered_pps);

/* RFC 2544 26.3 frame loss rate of t, percent of the frames sent. */
double xc_steps_loss_pct(const struct xc_steps_trial *t);

/* A table: a line per trial (load, offered, sent, lost, loss rate). */
void xc_steps_print(FILE *out, const struct xc_steps *s);

/*
 * {max_load_pps, step_pct, min_load_pct, trial_s, stopped ("two lossless
 * trials" or "minimum load"), trials: [{load_pct, load_pps, duration_s,
 * offered_pps, sent_frames, lost_frames, loss_rate_pct, tester_only,
 * sender_short}]}. NULL: ENOMEM.
 */
json_t *xc_steps_json(const struct xc_steps *s);

#endif /* XC_SEARCH_B2B_H */
