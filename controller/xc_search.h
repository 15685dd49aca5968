/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Throughput search (RFC 2544 section 26.1, RFC 9971 MLRsearch) as a state
 * machine that runs nothing itself: xc_search_next() proposes a trial (load
 * and duration), the caller runs it and hands its outcome to
 * xc_search_add(), until xc_search_next() says the search is done. The same
 * code drives the real tester and a simulated path. docs/SEARCH.md names
 * where it deviates from the RFCs.
 */
#ifndef XC_SEARCH_H
#define XC_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "xc_rate.h"
#include "xceiver.pb-c.h"

#define XC_SEARCH_MAX_GOALS	8
#define XC_SEARCH_MAX_TRIALS	1000	/* limit of max_trials */
#define XC_SEARCH_DEF_TRIALS	100	/* max_trials when 0 */
/* Defaults (xc_search_defaults) */
#define XC_SEARCH_DEF_MIN_PPS	1000
#define XC_SEARCH_DEF_MAX_PPS	14880952	/* 10 Gb/s at 64 bytes */
#define XC_SEARCH_DEF_DURATION	60	/* s, RFC 2544 section 24 */
#define XC_SEARCH_DEF_FINAL_S	10	/* s, MLRsearch goals' final trial
					 * duration and duration sum */
#define XC_SEARCH_DEF_WIDTH	0.005	/* relative */
#define XC_SEARCH_DEF_PDR	0.005	/* PDR goal loss ratio */
#define XC_SEARCH_DEF_EXCEED	0.5	/* goal exceed ratio */
/* a sender that offers less than load * (1 - this) cannot keep the load */
#define XC_SEARCH_RATE_SLACK	0.001

/* Gb/s on the wire (preamble, start delimiter, gap) of pps frames. */
static inline double xc_search_l1_gbps(double frame_bytes, double pps)
{
	return (frame_bytes + XC_RATE_L1_OVERHEAD) * 8 * pps / 1e9;
}

/* Frames a second at gbps on the wire, of frame_bytes each. */
static inline double xc_search_l1_pps(double frame_bytes, double gbps)
{
	return gbps * 1e9 / ((frame_bytes + XC_RATE_L1_OVERHEAD) * 8);
}

enum xc_search_algo {
	XC_SEARCH_RFC2544,	/* binary search for zero loss */
	XC_SEARCH_MLR,		/* RFC 9971 goals */
};

/* One RFC 9971 search goal. */
struct xc_search_goal {
	double loss_ratio;	/* goal loss ratio, 0 (NDR) to < 1 */
	double final_duration;	/* goal final trial duration, s */
	double duration_sum;	/* goal duration sum, s (>= final) */
	double exceed_ratio;	/* goal exceed ratio, 0 to < 1 */
	double width;		/* goal width, relative, 0 < w < 1 */
	double initial_duration;	/* first phase's trials, s; 0: no
					 * ramp (every trial final) */
};

struct xc_search_cfg {
	enum xc_search_algo algo;
	double min_load, max_load;	/* pps, 0 < min <= max */
	unsigned int max_trials;	/* 0: XC_SEARCH_DEF_TRIALS */
	/* RFC 2544 */
	double duration;		/* trial duration, s */
	double width_abs;		/* pps; 0: width_rel alone */
	double width_rel;		/* of the upper bound; 0: width_abs */
	/* MLRsearch */
	struct xc_search_goal goals[XC_SEARCH_MAX_GOALS];
	unsigned int ngoals;
};

/* One trial: what was asked (load, duration), then its outcome. */
struct xc_search_trial {
	double load;		/* intended load, pps */
	double duration;	/* s */
	double offered;		/* measured offered load, pps */
	double achieved;	/* highest rate the senders achieved, pps */
	uint64_t sent;		/* frames sent */
	uint64_t lost;		/* frames lost counted against the path */
	bool tester_only;	/* all loss was the tester's own */
	bool short_sender;	/* set by the search: offered < load */
};

/* Per goal (one for RFC 2544), once the search is done. */
struct xc_search_result {
	double throughput;	/* conditional throughput (RFC 2544: the
				 * throughput), pps; 0: none */
	double lower, upper;	/* relevant bounds, pps; 0: none */
	unsigned int trials;	/* trials when this goal was done */
	double time;		/* their durations' sum, s */
	bool tester_limited;	/* lower bound is the tester's ceiling */
	bool done;		/* width met or an end of the range */
};

struct xc_search {
	struct xc_search_cfg cfg;
	struct xc_search_trial *trials;
	unsigned int ntrials;
	double ceiling;		/* the senders' top rate, pps; 0: none */
	double probe_ceiling;	/* xc_search_set_ceiling's; 0: none */
	struct xc_search_result res[XC_SEARCH_MAX_GOALS];
	unsigned int nres;
	bool proposed;		/* a trial is out, not yet added */
	bool out_of_trials;	/* max_trials reached before done */
};

/* Defaults: NDR (0) and PDR (0.5%) goals, RFC 9971 values of this tester. */
void xc_search_defaults(struct xc_search_cfg *c, enum xc_search_algo algo);

/*
 * Check c and start a search. -EINVAL with err naming the bad value;
 * -ENOMEM.
 */
int xc_search_init(struct xc_search *s, const struct xc_search_cfg *c,
		   char *err, size_t errlen);
void xc_search_free(struct xc_search *s);

/*
 * The next trial: 0 with *load (pps) and *duration (s) to run, 1 when the
 * search is done (results in s->res), -EBUSY when the last proposal's
 * outcome was not added.
 */
int xc_search_next(struct xc_search *s, double *load, double *duration);

/*
 * The outcome of the proposed trial (t->load and t->duration as proposed).
 * 0, -EINVAL (nothing proposed, or lost > sent) or -ENOMEM.
 */
int xc_search_add(struct xc_search *s, const struct xc_search_trial *t);

/*
 * The senders' top rate measured outside the search (a probe at full
 * load before it): the search's range ends there, and a lossless result
 * there is the tester's limit, unless a trial kept a higher load (the
 * lowest of such rates is kept). s->ceiling is the senders' ceiling from
 * it and from the trials whose senders fell short above every load they
 * kept.
 */
void xc_search_set_ceiling(struct xc_search *s, double pps);

enum xc_search_class {
	XC_SEARCH_UNDECIDED,
	XC_SEARCH_LOWER,	/* a lower bound of goal g */
	XC_SEARCH_UPPER,	/* an upper bound */
};

/* RFC 9971 classification of load for goal g from the trials so far. */
enum xc_search_class xc_search_classify(const struct xc_search *s,
					const struct xc_search_goal *g,
					double load);

/* The path's loss ratio of trial t: 0 when only the tester lost. */
double xc_search_loss_ratio(const struct xc_search_trial *t);

/* "NDR", "PDR 0.5%" (MLRsearch goal i), "throughput" (RFC 2544). */
void xc_search_goal_name(const struct xc_search *s, unsigned int i,
			 char *buf, size_t len);

/*
 * A line per goal: "NDR (loss ratio 0): 3296000 pps (lower 3296000, upper
 * 3310000), 14 trials, 14 s", or "limited by the tester at N pps".
 */
void xc_search_print(FILE *out, const struct xc_search *s);

/*
 * {algorithm, min_load_pps, max_load_pps, width_pps, width_rel,
 * tester_ceiling_pps, max_trials, out_of_trials, results: [{throughput_pps,
 * lower_bound_pps, upper_bound_pps, trials, trial_time_s, done,
 * tester_limited, and for MLRsearch the goal's loss_ratio, final_duration_s,
 * duration_sum_s, exceed_ratio, width, initial_duration_s}], trials:
 * [{load_pps, duration_s, offered_pps, achieved_pps, sent, lost,
 * loss_ratio, tester_only, sender_short}]}; a missing bound is null. NULL:
 * ENOMEM.
 */
json_t *xc_search_json(const struct xc_search *s);

/*
 * The outcome of a trial (load and duration left as they are) from the
 * JSON report of its run: frames sent and the achieved rate of both
 * agents' senders, the missing frames less the tester's share of them
 * (loss.tester) as lost; tester_only when all were the tester's.
 * 0, or -EINVAL when the report has no loss or loses more than it sent.
 */
int xc_search_trial_from_report(const json_t *report,
				struct xc_search_trial *t);

/*
 * Each stream's share of a trial's load in *share (freed by the caller):
 * its rate over the spec's total, equal shares when a stream has no rate.
 * 0, -EINVAL (no streams) or -ENOMEM.
 */
int xc_search_shares(const Xceiver__V1__TestSpec *s, double **share);

/*
 * Put a trial on spec s: each stream at its share of pps (at least 1),
 * for duration s, its count from them. 0 or -ERANGE (too many frames).
 */
int xc_search_apply(Xceiver__V1__TestSpec *s, const double *share,
		    double pps, double duration);

/*
 * Put frames on spec s at full speed (no rate): each stream its share of
 * them, the counts summing to frames (each at least 1, so more when there
 * are fewer frames than streams). 0 or -ERANGE (too many frames).
 */
int xc_search_apply_burst(Xceiver__V1__TestSpec *s, const double *share,
			  double frames);

#endif /* XC_SEARCH_H */
