/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Definitions shared by the XDP filter program (xc_xdp.bpf.c) and the
 * agent's data plane: the run's configuration in the program's global data
 * and the indexes of its per-CPU counters.
 */
#ifndef XC_XDP_H
#define XC_XDP_H

#include <linux/types.h>

/* What the program does with a frame of the run's port range. */
enum xc_xdp_action {
	XC_XDP_ACT_REDIRECT = 0,	/* to the XSK of the rx queue */
};

/*
 * Run configuration, in the program's .bss: set before load, and may be
 * changed while attached (the map is mmapable). Keep the layout append-only.
 */
struct xc_xdp_cfg {
	__u16 port_lo;		/* UDP destination port range, inclusive */
	__u16 port_hi;
	__u32 action;		/* enum xc_xdp_action */
	__u32 flags;		/* reserved, 0 */
	__u32 pad;
};

/* Indexes of the per-CPU counter array xc_stats. */
enum xc_xdp_stat {
	XC_STAT_REDIRECTED = 0,	/* handed to an XSK */
	XC_STAT_REDIRECT_FAIL,	/* in range but no socket on the queue */
	XC_STAT_PASSED,		/* not ours: to the stack */
	XC_STAT_MAX,
};

#define XC_XSKMAP_MAX	64	/* default XSKMAP size (rx queues) */

#endif /* XC_XDP_H */
