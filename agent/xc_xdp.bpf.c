// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * XDP filter of the Rx side: UDP frames whose destination port is within
 * the run's range go to the AF_XDP socket of their rx queue; everything
 * else (ARP, ICMP, SSH, ...) goes on to the stack.
 */
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

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XC_XSKMAP_MAX);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XC_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xc_stats SEC(".maps");

volatile struct xc_xdp_cfg xc_cfg;

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

SEC("xdp")
int xc_xdp_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct udphdr *udp = xc_udp(data, end);
	__u16 port;
	long ret;

	if (!udp)
		goto pass;
	port = bpf_ntohs(udp->dest);
	if (port < xc_cfg.port_lo || port > xc_cfg.port_hi)
		goto pass;
	ret = bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
	xc_count(ret == XDP_REDIRECT ? XC_STAT_REDIRECTED :
		 XC_STAT_REDIRECT_FAIL);
	return ret;
pass:
	xc_count(XC_STAT_PASSED);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
