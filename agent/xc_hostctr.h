/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The host's own counters that a timeline samples next to the data
 * plane's: the interface's netlink stats64 (rtnetlink, libmnl), the
 * driver's ethtool statistics (ETHTOOL_GSTATS ioctl; only those whose
 * name says drop, miss, error, FIFO, no buffer, discard, full, overrun,
 * overflow, busy or allocation failure, at most
 * XC_TL_MAX_ETHTOOL), the kernel's per-CPU softnet drops and time
 * squeezes (/proc/net/softnet_stat, summed), all as raw cumulative
 * values. Every counter has the layer where the frames it counts were
 * lost (XCEIVER__V1__LAYER__*): which ones depend on whether the side
 * sends, receives or both. A source that cannot be read is named in
 * xc_hostctr_unread() with why, and its counters are left out.
 */
#ifndef XC_HOSTCTR_H
#define XC_HOSTCTR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct xc_hostctr;

struct xc_hc_counter {
	char name[64];		/* e.g. "rx_missed_errors", "rx_queue_0_drops" */
	int source;		/* XCEIVER__V1__COUNTER_SOURCE__* */
	int layer;		/* XCEIVER__V1__LAYER__* */
	bool loss;		/* each unit one lost frame of layer */
	/*
	 * Counted by the sending host for a layer of the receiving host
	 * (veth: a frame its peer refused).
	 */
	bool peer;
};

/*
 * Choose the counters of ifname (in the caller's network namespace) for a
 * side that receives (rx) and/or sends (tx). 0 or a negative errno with a
 * message in err (only when nothing at all can be read is it an error).
 */
int xc_hostctr_open(struct xc_hostctr **out, const char *ifname,
		    bool rx, bool tx, char *err, size_t errlen);
void xc_hostctr_close(struct xc_hostctr *h);	/* NULL-tolerant */

uint32_t xc_hostctr_count(const struct xc_hostctr *h);
const struct xc_hc_counter *xc_hostctr_counter(const struct xc_hostctr *h,
					       uint32_t i);

/*
 * Read every counter (raw cumulative values, in counter order, into
 * vals[0 .. count)). A read that fails keeps the last values it had; the
 * failure is counted in xc_hostctr_read_errors(). Cheap enough to call
 * every millisecond: no subprocess, one netlink request, one ioctl, one
 * small proc file.
 */
void xc_hostctr_read(struct xc_hostctr *h, uint64_t *vals);
uint64_t xc_hostctr_read_errors(const struct xc_hostctr *h);

/* Sources not read, "ethtool: Operation not supported" and the like. */
uint32_t xc_hostctr_nunread(const struct xc_hostctr *h);
const char *xc_hostctr_unread(const struct xc_hostctr *h, uint32_t i);

const char *xc_hostctr_driver(const struct xc_hostctr *h);	/* "" */
uint32_t xc_hostctr_left_out(const struct xc_hostctr *h);

/*
 * A thread's involuntary context switches and the CPU it last ran on
 * (/proc/self/task/TID/status and stat); 0 or a negative errno.
 */
int xc_thread_sched_stat(pid_t tid, uint64_t *nivcsw, uint32_t *cpu);

#endif /* XC_HOSTCTR_H */
