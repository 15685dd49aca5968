/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The clock of a run's time stamps: CLOCK_TAI of the host (proto/
 * xceiver.proto, "latency"), and the kernel's view of how good it is
 * (adjtimex).
 *
 * Test seam: xc_clock_set_skew() makes this process's clock wrong on
 * purpose, by a constant and by a drift from the moment it is set (the
 * agent's --clock-skew-ns and --clock-drift-ppm). Every stamp a run
 * takes goes through xc_clock_tai_ns() (or adds xc_clock_skew_at() to a
 * stamp the kernel took), so the whole agent sees the wrong clock: its
 * ClockReadings, its frames' Tx stamps and its Rx times.
 */
#ifndef XC_CLOCK_H
#define XC_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xc_util.h"
#include "xceiver.pb-c.h"

/* The seam's limits: the frame's 32-bit stamp widens within +-2.147 s. */
#define XC_CLOCK_SKEW_MAX_NS	1000000000ll	/* 1 s */
#define XC_CLOCK_DRIFT_MAX_PPM	100000		/* 10% */

struct xc_clock_skew {
	int64_t ns;		/* added to every reading */
	int32_t ppm;		/* and this much per million since t0 */
	uint64_t t0;		/* CLOCK_TAI when the drift began */
};

/* Set once at start, before any thread: read without locks. */
extern struct xc_clock_skew xc_clock_skew;

/*
 * Make the clock wrong by ns, and drifting by ppm from now on. Values
 * beyond the limits above are refused with a message in err.
 */
int xc_clock_set_skew(int64_t ns, int64_t ppm, char *err, size_t errlen);

/* What the seam adds to a true CLOCK_TAI reading tai (0 without it). */
static inline int64_t xc_clock_skew_at(uint64_t tai)
{
	const struct xc_clock_skew *k = &xc_clock_skew;

	if (!k->ppm)
		return k->ns;
	return k->ns + (int64_t)(tai - k->t0) * k->ppm / 1000000;
}

/* CLOCK_TAI now, in ns, as this process's stamps read it (with the seam). */
static inline uint64_t xc_clock_tai_ns(void)
{
	uint64_t t = xc_now_ns(CLOCK_TAI);

	return t + (uint64_t)xc_clock_skew_at(t);
}

struct timex;

/*
 * The kernel's answer to adjtimex (ret: its return value, tx: what it
 * filled) as a ClockState: synchronised when STA_UNSYNC is clear and the
 * call did not return TIME_ERROR; errors from microseconds to ns; read
 * false when the call failed (ret < 0).
 */
void xc_clock_state_from(const struct timex *tx, int ret,
			 Xceiver__V1__ClockState *cs);
/* This host's clock state now (adjtimex, reading only). */
void xc_clock_state(Xceiver__V1__ClockState *cs);

#endif /* XC_CLOCK_H */
