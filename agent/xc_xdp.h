/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Definitions shared by the XDP filter program (xc_xdp.bpf.c) and the
 * agent's data plane: the run's configuration in the program's global data
 * and the indexes of its per-CPU counters.
 */
#ifndef XC_XDP_H
#define XC_XDP_H

#include <linux/types.h>

/*
 * What the program does with a test frame of the run's port range, before
 * it redirects it (values of XCEIVER__V1__XDP_ACTION__*).
 */
enum xc_xdp_action {
	XC_XDP_ACT_REDIRECT = 0,	/* to the XSK of the rx queue */
	XC_XDP_ACT_DROP_HALF = 1,	/* XDP_DROP frames with an odd seq */
	XC_XDP_ACT_METADATA = 2,	/* 8 bytes of metadata: u64 seq */
	XC_XDP_ACT_SHRINK_TAIL = 3,	/* bpf_xdp_adjust_tail(-tail_adjust) */
	XC_XDP_ACT_GROW_TAIL = 4,	/* bpf_xdp_adjust_tail(+tail_adjust) */
	XC_XDP_ACT_REFLECT = 5,		/* swap addresses and ports, XDP_TX */
};

#define XC_XDP_META_LEN	8	/* XC_XDP_ACT_METADATA: u64 seq, host order */

/*
 * A frame of the run's port range is a test frame when its payload header
 * has our magic and this run's tag (shared/xc_frame.h); any other goes on
 * to the stack as if the program were not there, and is counted in
 * XC_STAT_NOT_OURS.
 *
 * Run configuration, in the program's .bss: set before load, and may be
 * changed while attached (the map is mmapable). Keep the layout append-only.
 * With socks_per_queue > 1 the XSKMAP key of a test frame is
 * queue * socks_per_queue + seq % socks_per_queue.
 */
struct xc_xdp_cfg {
	__u16 port_lo;		/* UDP destination port range, inclusive */
	__u16 port_hi;
	__u32 action;		/* enum xc_xdp_action */
	__u32 flags;		/* XC_XDP_F_* */
	__u32 tail_adjust;	/* bytes, shrink/grow actions */
	__u32 socks_per_queue;	/* 0 or 1: key = queue */
	__u16 magic;		/* payload header magic, XC_MAGIC */
	__u16 pad;
	/* the run tag (low 32 bits of the run id), network byte order */
	__u32 run_tag_be;
};

/* Indexes of the per-CPU counter array xc_stats. */
enum xc_xdp_stat {
	XC_STAT_REDIRECTED = 0,	/* handed to an XSK */
	XC_STAT_REDIRECT_FAIL,	/* in range but no socket on the queue */
	XC_STAT_PASSED,		/* not of the port range: to the stack */
	XC_STAT_DROPPED,	/* dropped on purpose by the action */
	XC_STAT_ACTION_FAIL,	/* adjust_meta/head/tail refused */
	XC_STAT_VLAN_RESTORED,	/* tag put back from the Rx metadata */
	XC_STAT_VLAN_UNKNOWN,	/* untagged, the kfunc could not say */
	XC_STAT_REFLECTED,	/* sent back by the reflect action */
	/* in the port range without our magic and this run's tag: passed */
	XC_STAT_NOT_OURS,
	XC_STAT_MAX,
};

#define XC_XSKMAP_MAX	64	/* default XSKMAP size (rx queues) */

/* xc_xdp_cfg.flags */
#define XC_XDP_F_STAMP	(1u << 0)	/* stamp test frames (xc_stamps) */

/*
 * When the program handed a test frame to its socket (CLOCK_TAI ns,
 * bpf_ktime_get_tai_ns), kept in the mmapable array xc_stamps: each rx
 * queue the run uses (below XC_STAMP_QMAX) has a group of XC_STAMP_SLOTS
 * slots, its number + 1 in xc_stamp_group[queue] (0: not stamped), and a
 * frame's slot is xc_stamp_slot() of its group, stream and seq. The Rx worker finds the frame's stamp there when the
 * slot's key is still the frame's: a slot is taken again only by a frame
 * XC_STAMP_SLOTS further on (far more than a ring holds) or by another
 * stream's colliding frame, and the frame is then not stamped. Written
 * before the frame is on the Rx ring, read after: the ring's ordering
 * makes the write visible.
 */
#define XC_STAMP_SLOTS	65536u
#define XC_STAMP_QMAX	256u

struct xc_stamp {
	__u64 key;		/* stream id << 48 | seq; 0: empty */
	__u64 ns;
};

static inline __u64 xc_stamp_key(__u16 stream_id, __u64 seq)
{
	return (__u64)stream_id << 48 | (seq & 0xffffffffffffull);
}

static inline __u32 xc_stamp_slot(__u32 group, __u16 stream_id, __u64 seq)
{
	return group * XC_STAMP_SLOTS +
	       (((__u32)seq + (__u32)stream_id * 40503u) &
		(XC_STAMP_SLOTS - 1));
}

#endif /* XC_XDP_H */
