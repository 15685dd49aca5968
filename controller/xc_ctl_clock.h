/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The agents' clocks against the controller's, as pure functions: no I/O
 * here. run.c times the exchanges; the summary and the JSON report print
 * what these functions make of them.
 *
 * Every time is CLOCK_TAI in ns. One exchange (ClockProbe, ClockReading):
 * the controller sends at t1 on its clock, the agent reads its clock t2
 * as late as it can before replying, the controller receives at t3. The
 * agent read t2 somewhere in [t1, t3] of the controller's clock, so its
 * clock minus the controller's lies in [t2 - t3, t2 - t1]: the estimate
 * is the middle, t2 - (t1 + t3) / 2, and the bound half the round trip,
 * whatever the delays each way were (an asymmetric path moves the truth
 * within the bound, never out of it). Of a few exchanges the one with the
 * smallest round trip is kept (as NTP does): its bound is the tightest.
 *
 * Two agents a and b, each measured against the controller: a - b =
 * (a - c) - (b - c), each known within its bound, so the difference is
 * known within the sum of the bounds.
 *
 * Over a run the clocks drift apart. The receivers correct by the offset
 * measured before the run (o1 within b1); measured again after it (o2
 * within b2). Assuming the offset moves monotonically between the two
 * measurements, every offset during the run lies within b1 of o1 or
 * between o1 and o2 widened by b2, so the offset the receivers used is
 * right within max(b1, |o2 - o1| + b2). That is the bound the one-way
 * figures carry. Without the second measurement, b1 alone (and the run's
 * drift is unknown).
 */
#ifndef XC_CTL_CLOCK_H
#define XC_CTL_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "xceiver.pb-c.h"

/* Exchanges with each agent before and after a run. */
#define XC_CLOCK_PROBES		8

/* One timed exchange. */
struct xc_clock_sample {
	uint64_t t1;		/* the controller sent the probe */
	uint64_t t2;		/* the agent's clock */
	uint64_t t3;		/* the controller received the reading */
};

/* A clock offset: the truth lies within offset_ns +- bound_ns. */
struct xc_offset {
	int64_t offset_ns;
	uint64_t bound_ns;
	bool known;
};

/*
 * The estimate of the exchange with the smallest round trip among n (t3
 * before t1 is no exchange and is skipped); unknown when none is left.
 * The bound is half the round trip rounded up.
 */
struct xc_offset xc_clock_estimate(const struct xc_clock_sample *s,
				   size_t n);

/* a - b from a - c and b - c: the offsets' difference, the bounds' sum. */
struct xc_offset xc_clock_diff(struct xc_offset a, struct xc_offset b);

/*
 * What the receivers' correction is worth over a run: before's offset
 * (the one they used) within max(b1, |o2 - o1| + b2); before alone when
 * after is unknown.
 */
struct xc_offset xc_clock_over_run(struct xc_offset before,
				   struct xc_offset after);

/* One agent's clock against the controller's. */
struct xc_clock_agent {
	bool probed;		/* it answers ClockProbe (Hello says) */
	struct xc_offset before;	/* its clock minus the controller's */
	struct xc_offset after;
	bool state_read;	/* state holds a ClockReading's state */
	/* the kernel's view, from its last reading (any unsynchronised
	 * reading of the run leaves synchronised false) */
	Xceiver__V1__ClockState state;	/* its boot_id: in boot_id */
	char boot_id[40];	/* ClockState.boot_id, "" when none */
};

/*
 * The clocks of a run, kept in struct xc_run_result. agent[] is indexed
 * by enum xc_side (xc_ctl.h): 0 the tx endpoint's agent, 1 the rx's. The
 * pair's offsets are the rx endpoint's clock minus the tx endpoint's;
 * pair is what one-way latency from tx to rx carries (the other way, its
 * offset negated within the same bound).
 */
struct xc_run_clock {
	struct xc_clock_agent agent[2];
	struct xc_offset pair_before;
	struct xc_offset pair_after;
	struct xc_offset pair;
	/*
	 * Both agents report the same boot id: one kernel, one clock. The
	 * pair's offset is then 0 exactly (the measurement is kept in the
	 * agents' before and after), and the figures need no sync.
	 */
	bool same_clock;
};

/* Keep one reading's state for an agent. */
void xc_clock_keep_state(struct xc_clock_agent *a,
			 const Xceiver__V1__ClockState *st);
/* Derive the pair's offsets from the agents' (after any of them changed). */
void xc_clock_update(struct xc_run_clock *c);

/*
 * Whether one-way latency figures can be trusted, and why not. figure_ns
 * is a figure they print (e.g. the p50). Not trustworthy when the offset
 * between the agents is unknown, when an agent's clock is unsynchronised
 * (or adjtimex could not say), or when the pair's bound is larger than
 * the figure. why lists every reason found ("" when trusted); advice
 * says what to run.
 */
struct xc_clock_trust {
	bool trusted;
	char why[512];
	const char *advice;	/* NULL when trusted */
};

void xc_clock_trust(const struct xc_run_clock *c, uint64_t figure_ns,
		    struct xc_clock_trust *t);

/* The run's clocks for the JSON report. */
json_t *xc_clock_json(const struct xc_run_clock *c);

#endif /* XC_CTL_CLOCK_H */
