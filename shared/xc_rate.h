/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Token-bucket pacer for one Tx worker.
 *
 * The core functions never read a clock: the caller passes the current
 * CLOCK_MONOTONIC time in nanoseconds, so the pacer is deterministic and
 * can be tested with a simulated clock.
 *
 * Schedule. Every frame has a cost: 1 for a rate in frames per second,
 * its bits for a bit rate. L2 counts the frame with its FCS (frame_bytes *
 * 8), L1 adds preamble, start delimiter and inter-frame gap (20 bytes per
 * frame). With U the cost of all frames granted since the schedule's
 * origin, the next frame is due at
 *
 *	origin + floor(U * 10^9 / rate)
 *
 * computed exactly in integers, so after N frames the schedule is N / rate
 * seconds (or N frame times) from the origin with no drift, whatever the
 * batch timing jitter of the caller.
 *
 * Burst. xc_rate_grant() grants the frames that are due, at most burst of
 * them at one instant. A sender that is late by up to burst frames catches
 * up (back to back); a sender that stalled longer does not: the schedule
 * restarts so that exactly burst frames are due now, and the frames it
 * could not send in time are not made up for later (counted in resets).
 * The achieved rate over a run then falls below the requested one, which
 * the report shows.
 *
 * Default burst (burst == 0): the frames that fit in XC_RATE_BURST_NS
 * (100 us) at the configured rate, at least 1 and at most
 * XC_RATE_BURST_DEFAULT (64, one Tx batch). So a full batch of 64 may
 * leave at once from 640 kpps (pps) on, while at lower rates the frames
 * leave in smaller groups and never more than 100 us early of their
 * exact time. For bit rates the default uses the frame size given to
 * xc_rate_init() in the config (frame_bytes; 64 if 0). The agent does
 * not rely on this default: it always passes the stream's burst (the
 * spec's, or what 10 ms at the rate holds, see xc_txs_burst()).
 */
#ifndef XC_RATE_H
#define XC_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of preamble, start-of-frame delimiter and IFG that L1 counts. */
#define XC_RATE_L1_OVERHEAD	20u
/* Default largest burst: one Tx batch. */
#define XC_RATE_BURST_DEFAULT	64u
/* Default burst spans at most this much time at the configured rate. */
#define XC_RATE_BURST_NS	100000ull
/* Largest burst accepted in a config. */
#define XC_RATE_BURST_MAX	65536u
/* Largest frame (bytes with FCS) a byte rate accepts. */
#define XC_RATE_FRAME_MAX	65536u
/* xc_rate_wait() sleeps when more than this is left, then spins. */
#define XC_RATE_SPIN_NS		100000ull

enum xc_rate_unit {
	XC_RATE_UNLIMITED = 0,	/* every grant returns want */
	XC_RATE_PPS,		/* rate in frames per second */
	XC_RATE_L2_BPS,		/* bits per second of frames with FCS */
	XC_RATE_L1_BPS,		/* L2 + 20 bytes per frame */
};

struct xc_rate_cfg {
	enum xc_rate_unit unit;
	uint64_t rate;		/* frames or bits per second, 0: none */
	uint32_t burst;		/* frames at one instant; 0: default */
	uint32_t frame_bytes;	/* bit rates: size for the default burst */
};

struct xc_rate {
	enum xc_rate_unit unit;
	uint64_t rate;
	uint32_t burst;
	uint64_t origin_ns;	/* schedule start */
	uint64_t units;		/* cost granted since origin_ns */
	uint64_t granted;	/* frames granted since init */
	uint64_t resets;	/* restarts after a stall longer than burst */
	uint64_t lost_ns;	/* schedule time those restarts gave up */
};

/*
 * Check cfg and start the schedule at now_ns: the first frame is due at
 * once. Returns 0 or -EINVAL (unknown unit, burst or frame_bytes too
 * large); err (may be NULL) names the problem.
 */
int xc_rate_init(struct xc_rate *r, const struct xc_rate_cfg *cfg,
		 uint64_t now_ns, char *err, size_t errlen);

static inline bool xc_rate_unlimited(const struct xc_rate *r)
{
	return r->unit == XC_RATE_UNLIMITED;
}

/*
 * Frames of frame_bytes bytes (with FCS) that may be sent at now_ns:
 * 0..want, at most the burst. The granted frames are charged to the
 * schedule; the caller must send them (or account them as sent).
 * frame_bytes is ignored for pps and unlimited rates.
 */
uint32_t xc_rate_grant(struct xc_rate *r, uint64_t now_ns, uint32_t want,
		       uint32_t frame_bytes);

/*
 * Like xc_rate_grant() for frames of different sizes: sizes[i] is the
 * size of the i-th next frame; grants a prefix of sizes[0..n).
 */
uint32_t xc_rate_grant_sizes(struct xc_rate *r, uint64_t now_ns,
			     const uint32_t *sizes, uint32_t n);

/*
 * When n frames of frame_bytes will be due: the due time of the n-th next
 * frame on the current schedule; 0 for an unlimited rate, a time in the
 * past means now. n is clamped to 1..max(1, burst / 2): the other half of
 * the burst is the slack for a late wake-up, so a worker that waits for
 * xc_rate_next_ns(r, 64, ...) and wakes a little late gets its frames
 * without the schedule restarting. Typical loop:
 *
 *	xc_rate_wait(xc_rate_next_ns(r, want, bytes));
 *	n = xc_rate_grant(r, xc_mono_ns(), want, bytes);
 */
uint64_t xc_rate_next_ns(const struct xc_rate *r, uint32_t n,
			 uint32_t frame_bytes);

/*
 * The configured rate in frames per second for frames of frame_bytes
 * (with FCS); 0 for unlimited. For the report's requested rate.
 */
double xc_rate_cfg_pps(const struct xc_rate_cfg *cfg, uint32_t frame_bytes);

/*
 * The burst the config resolves to (the default applied). 0 for an
 * unlimited rate.
 */
uint32_t xc_rate_cfg_burst(const struct xc_rate_cfg *cfg);

/*
 * Block until CLOCK_MONOTONIC reaches deadline_ns: sleep with
 * clock_nanosleep(TIMER_ABSTIME) while more than XC_RATE_SPIN_NS is left,
 * spin with a CPU relax hint for the rest. Never returns before the
 * deadline; signals do not end the wait. A worker that must notice a stop
 * request should bound the deadline (for example to now + 10 ms) and
 * loop. Returns the time it read last (>= deadline_ns).
 */
uint64_t xc_rate_wait(uint64_t deadline_ns);

#endif /* XC_RATE_H */
