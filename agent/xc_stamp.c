// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The receiving XDP program's stamps (agent/xc_xdp.h, xc_stamps): which
 * queues get a group of slots, the map mmapped read-only once the program
 * is loaded, and the lookup the validator calls for every timed frame.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "xc_clock.h"
#include "xc_dp_priv.h"
#include "xc_log.h"
#include "xc_xdp.skel.h"

/*
 * Before load: a group of slots for each queue the sockets use, the map
 * sized to them, the program told to stamp. Not for a reflector (its
 * frames never reach a socket) or a run that does not time its frames.
 */
void xc_stamp_config(struct xc_dp *dp)
{
	uint16_t groups = 0;
	uint32_t i, q;

	memset(dp->stamp_group, 0, sizeof(dp->stamp_group));
	if (dp->rxc.latency_off) {
		snprintf(dp->stamp_why, sizeof(dp->stamp_why),
			 "not used: the run does not time its frames");
		return;
	}
	if (dp->rxc.action == XCEIVER__V1__XDP_ACTION__XDP_ACTION_REFLECT)
		return;
	for (i = 0; i < dp->nsocks; i++) {
		q = dp->socks[i].queue;
		if (q >= XC_STAMP_QMAX) {
			snprintf(dp->stamp_why, sizeof(dp->stamp_why),
				 "not used: queue %u is above the %u queues that have slots",
				 q, XC_STAMP_QMAX - 1);
			memset(dp->stamp_group, 0, sizeof(dp->stamp_group));
			return;
		}
		if (!dp->stamp_group[q])
			dp->stamp_group[q] = ++groups;
	}
	if (!groups)
		return;
	memcpy(dp->skel->bss->xc_stamp_group, dp->stamp_group,
	       sizeof(dp->stamp_group));
	bpf_map__set_max_entries(dp->skel->maps.xc_stamps,
				 groups * XC_STAMP_SLOTS);
	dp->skel->bss->xc_cfg.flags |= XC_XDP_F_STAMP;
	dp->stamps_len = (size_t)groups * XC_STAMP_SLOTS *
			 sizeof(struct xc_stamp);
}

/* After load: the slots, read-only. Without them no frame is split. */
void xc_stamp_map(struct xc_dp *dp)
{
	void *p;

	if (!dp->stamps_len)
		return;
	p = mmap(NULL, dp->stamps_len, PROT_READ, MAP_SHARED,
		 bpf_map__fd(dp->skel->maps.xc_stamps), 0);
	if (p == MAP_FAILED) {
		snprintf(dp->stamp_why, sizeof(dp->stamp_why),
			 "not used: cannot map the XDP program's stamps: %s",
			 strerror(errno));
		pr_warn("%s: %s\n", dp->ifname, dp->stamp_why);
		dp->stamps_len = 0;
		return;
	}
	dp->stamps = p;
}

void xc_stamp_unmap(struct xc_dp *dp)
{
	if (dp->stamps)
		munmap((void *)dp->stamps, dp->stamps_len);
	dp->stamps = NULL;
	dp->stamps_len = 0;
}

/*
 * The program's stamp of a frame, as this agent's clock reads it, or 0.
 * The key is read before and after the time: a frame further on that
 * takes the slot meanwhile changes it (the program writes the key first).
 */
uint64_t xc_stamp_ns(void *ctx, uint32_t queue, uint32_t stream_id,
		     uint64_t seq)
{
	const struct xc_dp *dp = ctx;
	const volatile struct xc_stamp *st;
	uint64_t key = xc_stamp_key((uint16_t)stream_id, seq), ns;

	if (queue >= XC_STAMP_QMAX || !dp->stamp_group[queue])
		return 0;
	st = &dp->stamps[xc_stamp_slot(dp->stamp_group[queue] - 1,
				       (uint16_t)stream_id, seq)];
	if (__atomic_load_n(&st->key, __ATOMIC_ACQUIRE) != key)
		return 0;
	ns = __atomic_load_n(&st->ns, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&st->key, __ATOMIC_ACQUIRE) != key || !ns)
		return 0;
	return ns + (uint64_t)xc_clock_skew_at(ns);
}

/* Where the report says the frames were stamped on this side. */
const char *xc_stamp_where(const struct xc_dp *dp)
{
	if (dp->stamps)
		return "rx XDP program (bpf_ktime_get_tai_ns, handing the frame to its socket)";
	return dp->stamp_why[0] ? dp->stamp_why : "not used";
}
