// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * XDP filter of the Rx side: UDP frames whose destination port is within
 * the run's range and whose payload header has our magic and this run's
 * tag go to an AF_XDP socket of their rx queue; everything else (ARP,
 * ICMP, SSH, another program's UDP in the range, a test frame damaged in
 * those bytes, ...) goes on to the stack untouched. Before the redirect the
 * run's action may drop every other test frame, write the frame's sequence
 * number as metadata, shrink/grow the frame's tail, or (a reflector's)
 * send the frame back with its addresses swapped instead. The program is
 * fragment-aware (loaded with BPF_F_XDP_HAS_FRAGS for multi-buffer runs):
 * it only reads the headers, which are in the first buffer.
 *
 * VLAN: where the Rx host's offloads took a test frame's 802.1Q tag out of
 * the frame, the *_vlan programs read it back with the
 * bpf_xdp_metadata_rx_vlan_tag kfunc and put it into the frame again, so
 * that Rx checks the tag as it was on the wire. The kfunc needs a
 * device-bound program (native mode only); the agent loads one of four
 * programs, with or without the kfunc and with or without the metadata
 * action (a kernel may refuse bpf_xdp_adjust_meta: only a run that asks
 * for metadata needs it).
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xc_xdp.h"

#define XC_VLAN_HLEN	4
#define XC_IP_MF	0x2000
#define XC_IP_OFFSET	0x1fff
#define XC_PHDR_LEN	18	/* payload header, see shared/xc_frame.h */
#define XC_MAC_LEN	12	/* destination and source MAC */
#define XC_ENODATA	61	/* ENODATA: the frame had no tag */

extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx,
					__be16 *vlan_proto,
					__u16 *vlan_tci) __ksym __weak;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XC_XSKMAP_MAX);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

/* max_entries: XC_STAMP_SLOTS a queue the run uses, set by the agent */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, XC_STAMP_SLOTS);
	__type(key, __u32);
	__type(value, struct xc_stamp);
} xc_stamps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XC_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xc_stats SEC(".maps");

volatile struct xc_xdp_cfg xc_cfg;
/*
 * Untagged test frames for which the kfunc could not say whether the
 * offload took a tag out (a driver without it): read by the Rx worker
 * through the mmapped .bss, so that it knows before the frame arrives.
 */
__u64 xc_vlan_unknown;
/* the queue's group of slots in xc_stamps + 1 (0: none), see xc_xdp.h */
__u16 xc_stamp_group[XC_STAMP_QMAX];

static __always_inline void xc_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&xc_stats, &idx);

	if (v)
		*v += 1;
}

/* Returns the UDP header of a non-fragmented UDP frame, or NULL. */
static __always_inline struct udphdr *xc_udp(void *data, void *end)
{
	struct ethhdr *eth = data;
	__u16 proto;
	void *l3;

	if ((void *)(eth + 1) > end)
		return NULL;
	proto = eth->h_proto;
	l3 = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q) ||
	    proto == bpf_htons(ETH_P_8021AD)) {
		if (l3 + XC_VLAN_HLEN > end)
			return NULL;
		proto = *(__u16 *)(l3 + 2);
		l3 += XC_VLAN_HLEN;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > end || ip->ihl < 5 ||
		    ip->protocol != IPPROTO_UDP ||
		    (ip->frag_off & bpf_htons(XC_IP_MF | XC_IP_OFFSET)))
			return NULL;
		l3 += ip->ihl * 4;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP)
			return NULL;
		l3 = ip6 + 1;
	} else {
		return NULL;
	}
	if (l3 + sizeof(struct udphdr) > end)
		return NULL;
	return l3;
}

/*
 * Whether the payload header after the UDP header is there with our magic
 * and this run's tag: a test frame of this run.
 */
static __always_inline bool xc_ours(struct udphdr *udp, void *end)
{
	__u8 *p = (__u8 *)(udp + 1);
	__u32 tag;

	if ((void *)(p + XC_PHDR_LEN) > end)
		return false;
	if (((__u16)p[0] << 8 | p[1]) != xc_cfg.magic)
		return false;
	__builtin_memcpy(&tag, p + 2, sizeof(tag));
	return tag == xc_cfg.run_tag_be;
}

/*
 * The stream id and 48-bit sequence number of a test frame (payload header
 * after the UDP header); false when the payload header is not there.
 */
static __always_inline bool xc_seq(struct udphdr *udp, void *end, __u64 *seq,
				   __u16 *stream_id)
{
	__u8 *p = (__u8 *)(udp + 1);
	__u64 s = 0;
	int i;

	if ((void *)(p + XC_PHDR_LEN) > end)
		return false;
#pragma unroll
	for (i = 8; i < 14; i++)
		s = s << 8 | p[i];
	*seq = s;
	*stream_id = (__u16)p[6] << 8 | p[7];
	return true;
}

/* When this test frame goes to its socket (see xc_xdp.h). */
static __always_inline void xc_stamp(__u32 queue, __u16 stream_id, __u64 seq)
{
	struct xc_stamp *st;
	__u32 slot;

	if (queue >= XC_STAMP_QMAX || !xc_stamp_group[queue])
		return;
	slot = xc_stamp_slot(xc_stamp_group[queue] - 1, stream_id, seq);
	st = bpf_map_lookup_elem(&xc_stamps, &slot);
	if (!st)
		return;
	st->key = xc_stamp_key(stream_id, seq);
	st->ns = bpf_ktime_get_tai_ns();
}

static __always_inline int xc_meta(struct xdp_md *ctx, __u64 seq)
{
	void *data, *meta;

	if (bpf_xdp_adjust_meta(ctx, -XC_XDP_META_LEN))
		return -1;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if (meta + XC_XDP_META_LEN > data)
		return -1;
	__builtin_memcpy(meta, &seq, XC_XDP_META_LEN);
	return 0;
}

static __always_inline void xc_swap(void *a, void *b, __u32 len)
{
	__u8 t[16];

	__builtin_memcpy(t, a, len);
	__builtin_memcpy(a, b, len);
	__builtin_memcpy(b, t, len);
}

/*
 * Send a test frame back where it came from: MAC addresses, IP addresses
 * and UDP ports swapped. Swapping leaves every checksum as it was (the
 * sums do not depend on the order), so the frame returns byte for byte
 * what the sender's stream with both ends swapped generates.
 */
static __always_inline int xc_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp = xc_udp(data, end);
	void *l3 = eth + 1;

	if (!udp || (void *)(eth + 1) > end)
		return XDP_DROP;	/* cannot be: it was parsed */
	if (eth->h_proto == bpf_htons(ETH_P_8021Q) ||
	    eth->h_proto == bpf_htons(ETH_P_8021AD))
		l3 += XC_VLAN_HLEN;
	if (l3 + sizeof(struct iphdr) > end)
		return XDP_DROP;
	xc_swap(eth->h_dest, eth->h_source, ETH_ALEN);
	if (((struct iphdr *)l3)->version == 4) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > end)
			return XDP_DROP;
		xc_swap(&ip->saddr, &ip->daddr, sizeof(ip->saddr));
	} else {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end)
			return XDP_DROP;
		xc_swap(&ip6->saddr, &ip6->daddr, sizeof(ip6->saddr));
	}
	if ((void *)(udp + 1) > end)
		return XDP_DROP;
	xc_swap(&udp->source, &udp->dest, sizeof(udp->source));
	xc_count(XC_STAT_REFLECTED);
	return XDP_TX;
}

/* The run's action on a test frame: XDP_DROP or XDP_TX, or 0 to go on. */
static __always_inline int xc_action(struct xdp_md *ctx, __u64 seq,
				     bool meta)
{
	int delta = (int)xc_cfg.tail_adjust;

	switch (xc_cfg.action) {
	case XC_XDP_ACT_DROP_HALF:
		if (seq & 1) {
			xc_count(XC_STAT_DROPPED);
			return XDP_DROP;
		}
		return 0;
	case XC_XDP_ACT_METADATA:
		if (!meta || xc_meta(ctx, seq))
			xc_count(XC_STAT_ACTION_FAIL);
		return 0;
	case XC_XDP_ACT_REFLECT:
		return xc_reflect(ctx);
	case XC_XDP_ACT_SHRINK_TAIL:
		delta = -delta;
		/* fall through */
	case XC_XDP_ACT_GROW_TAIL:
		if (bpf_xdp_adjust_tail(ctx, delta))
			xc_count(XC_STAT_ACTION_FAIL);
		return 0;
	default:
		return 0;
	}
}

/* An untagged frame: its ethertype is the L3 protocol's. */
static __always_inline bool xc_untagged(void *data, void *end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return false;
	return eth->h_proto != bpf_htons(ETH_P_8021Q) &&
	       eth->h_proto != bpf_htons(ETH_P_8021AD);
}

/*
 * Put the tag the Rx offload took out back in front of the ethertype.
 * The verifier forgets every packet pointer across the calls: read them
 * again afterwards.
 */
static __always_inline void xc_vlan_restore(struct xdp_md *ctx)
{
	__be16 proto = 0;
	__u16 tci = 0;
	__u8 *p;
	int ret;

	ret = bpf_xdp_metadata_rx_vlan_tag(ctx, &proto, &tci);
	if (ret) {
		if (ret != -XC_ENODATA) {
			xc_count(XC_STAT_VLAN_UNKNOWN);
			__sync_fetch_and_add(&xc_vlan_unknown, 1);
		}
		return;
	}
	if (bpf_xdp_adjust_head(ctx, -XC_VLAN_HLEN)) {
		xc_count(XC_STAT_ACTION_FAIL);
		return;
	}
	p = (void *)(long)ctx->data;
	if ((void *)(p + XC_MAC_LEN + XC_VLAN_HLEN) >
	    (void *)(long)ctx->data_end)
		return;
	__builtin_memmove(p, p + XC_VLAN_HLEN, XC_MAC_LEN);
	*(__be16 *)(p + XC_MAC_LEN) = proto;
	*(__be16 *)(p + XC_MAC_LEN + 2) = bpf_htons(tci);
	xc_count(XC_STAT_VLAN_RESTORED);
}

/* The UDP header of a test frame of the run's port range, or NULL. */
static __always_inline struct udphdr *xc_test_udp(struct xdp_md *ctx)
{
	void *end = (void *)(long)ctx->data_end;
	struct udphdr *udp = xc_udp((void *)(long)ctx->data, end);
	__u16 port;

	if (!udp)
		return NULL;
	port = bpf_ntohs(udp->dest);
	if (port < xc_cfg.port_lo || port > xc_cfg.port_hi)
		return NULL;
	return udp;
}

static __always_inline int xc_filter(struct xdp_md *ctx, bool meta,
				     bool vlan)
{
	__u32 key = ctx->rx_queue_index, spq = xc_cfg.socks_per_queue;
	struct udphdr *udp = xc_test_udp(ctx);
	__u16 stream_id = 0;
	__u64 seq = 0;
	long ret;

	if (!udp)
		goto pass;
	/* judged as it arrived: a frame not ours leaves untouched */
	if (!xc_ours(udp, (void *)(long)ctx->data_end)) {
		xc_count(XC_STAT_NOT_OURS);
		return XDP_PASS;
	}
	if (vlan && xc_untagged((void *)(long)ctx->data,
				(void *)(long)ctx->data_end)) {
		xc_vlan_restore(ctx);
		/* the old pointers are gone: parse the frame again */
		asm volatile("" ::: "memory");
		udp = xc_test_udp(ctx);
		if (!udp)
			goto pass;	/* cannot be: it was one */
	}
	if (!xc_seq(udp, (void *)(long)ctx->data_end, &seq, &stream_id))
		goto pass;		/* cannot be: it was one */
	ret = xc_action(ctx, seq, meta);
	if (ret)
		return ret;
	if (xc_cfg.flags & XC_XDP_F_STAMP)
		xc_stamp(ctx->rx_queue_index, stream_id, seq);
	if (spq > 1)
		key = key * spq + (__u32)(seq % spq);
	ret = bpf_redirect_map(&xsks_map, key, XDP_PASS);
	xc_count(ret == XDP_REDIRECT ? XC_STAT_REDIRECTED :
		 XC_STAT_REDIRECT_FAIL);
	return ret;
pass:
	xc_count(XC_STAT_PASSED);
	return XDP_PASS;
}

SEC("xdp")
int xc_xdp_filter(struct xdp_md *ctx)
{
	return xc_filter(ctx, false, false);
}

SEC("xdp")
int xc_xdp_filter_meta(struct xdp_md *ctx)
{
	return xc_filter(ctx, true, false);
}

SEC("xdp")
int xc_xdp_filter_vlan(struct xdp_md *ctx)
{
	return xc_filter(ctx, false, true);
}

SEC("xdp")
int xc_xdp_filter_vlan_meta(struct xdp_md *ctx)
{
	return xc_filter(ctx, true, true);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
