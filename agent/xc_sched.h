/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The Rx worker's scheduling (xc_sched.c): it waits at SCHED_FIFO, so a
 * frame's wake-up runs it at once whatever else the core runs, and works
 * as a normal thread once it has taken XC_RX_RT_BUSY_PCT of a core over
 * XC_RX_RT_AWAKE_NS awake, so a worker that never rests is not held off
 * by the kernel.
 */
#ifndef XC_SCHED_H
#define XC_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "xc_dp_priv.h"

/*
 * A Rx worker awake this long at SCHED_FIFO turns normal if it used at
 * least XC_RX_RT_BUSY_PCT percent of the core meanwhile (the kernel holds
 * off a SCHED_FIFO thread that takes 95% of a core); below, it stays
 * SCHED_FIFO for the next as long.
 */
#define XC_RX_RT_AWAKE_NS	10000000ull
#define XC_RX_RT_BUSY_PCT	80
/* The SCHED_FIFO priority it waits at. */
#define XC_RX_RT_PRIO		1

struct xc_rx_sched {
	bool on;		/* switching between FIFO and normal */
	bool fifo;		/* SCHED_FIFO now */
	uint64_t awake_ns;	/* awake since (0: has just slept) */
	uint64_t awake_cpu_ns;	/* its CPU time then */
};

/* Start the timeline's sampler: SCHED_FIFO where allowed. 0 or an errno. */
int xc_sched_sampler_spawn(pthread_t *thr, void *(*fn)(void *), void *arg);

void xc_sched_rx_init(struct xc_rx_sched *rs, const struct xc_xsk_cfg *c,
		      uint32_t queue);
void xc_sched_rx_wait(struct xc_rx_sched *rs, uint32_t queue);
void xc_sched_rx_awake(struct xc_rx_sched *rs, uint64_t now,
		       uint32_t queue);

#endif
