/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One-way latency from the frame's truncated Tx time (xc_frame.h).
 *
 * The sender writes the low 32 bits of its CLOCK_TAI in nanoseconds; the
 * receiver reads its own CLOCK_TAI. Their difference is taken modulo 2^32
 * and read as a signed 32-bit number, so it is right whenever the true
 * difference (latency plus the clocks' offset) lies in [-2^31, 2^31) ns,
 * about +-2.147 s, across every wrap of the 32-bit field (every 4.295 s).
 * A difference outside that window comes out 2^32 ns off; nothing in the
 * frame can tell.
 */
#ifndef XC_LAT_H
#define XC_LAT_H

#include <stdint.h>

/* Rx time minus Tx time, in [-2^31, 2^31) ns; no division, no branch. */
static inline int64_t xc_lat_widen(uint64_t rx_ns, uint32_t tx_ns32)
{
	return (int32_t)((uint32_t)rx_ns - tx_ns32);
}

#endif /* XC_LAT_H */
