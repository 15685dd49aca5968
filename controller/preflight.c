// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Preflight checks of a spec against the agents' interfaces (see
 * xc_preflight.h). Pure: IfInfo and the spec in, findings out.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_ctl.h"
#include "xc_preflight.h"
#include "xc_spec.h"

#define XC_L2_BYTES	18	/* Ethernet header and FCS around a packet */
#define XC_TAG_BYTES	4	/* an 802.1Q tag */

static int __attribute__((format(printf, 3, 4)))
xc_find(struct xc_findings *fs, bool refuse, const char *fmt, ...)
{
	struct xc_finding *f;
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	f = realloc(fs->f, (fs->n + 1) * sizeof(*f));
	if (!f) {
		free(text);
		return -ENOMEM;
	}
	fs->f = f;
	fs->f[fs->n++] = (struct xc_finding){ .refuse = refuse, .text = text };
	if (refuse)
		fs->refusals++;
	return 0;
}

void xc_findings_free(struct xc_findings *fs)
{
	size_t i;

	if (!fs)
		return;
	for (i = 0; i < fs->n; i++)
		free(fs->f[i].text);
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}

/* One endpoint: its agent, its interface and its spec part. */
struct xc_end {
	const char *role;		/* "tx", "rx" */
	const Xceiver__V1__Endpoint *ep;
	const Xceiver__V1__IfInfo *info;
	enum xc_side side;
};

static int xc_pf_link(const struct xc_end *e, struct xc_findings *fs)
{
	const char *ifn = e->info->ifname;

	if (!e->info->up)
		return xc_find(fs, true, "%s agent %s: interface %s is down (ip link set dev %s up)",
			       e->role, e->ep->agent, ifn, ifn);
	if (!e->info->running)
		return xc_find(fs, true, "%s agent %s: interface %s has no carrier: its link is down",
			       e->role, e->ep->agent, ifn);
	return 0;
}

/* The IP packet of a stream's largest frame. */
static uint32_t xc_pf_packet(const Xceiver__V1__Stream *st)
{
	uint32_t frame = xc_spec_stream_max_frame(st);
	uint32_t l2 = XC_L2_BYTES + (st->headers && st->headers->vlan_id ?
				     XC_TAG_BYTES : 0);

	return frame > l2 ? frame - l2 : 0;
}

/*
 * Every stream the endpoint sends or receives must fit its MTU: one
 * finding per interface, naming the stream with the largest packet.
 */
static int xc_pf_mtu(const struct xc_end *e, const Xceiver__V1__TestSpec *s,
		     struct xc_findings *fs)
{
	const Xceiver__V1__Stream *worst = NULL;
	uint32_t pkt, max = 0, mtu = e->info->mtu;
	size_t i, over = 0;

	for (i = 0; i < s->n_streams; i++) {
		pkt = xc_pf_packet(s->streams[i]);
		if (!mtu || pkt <= mtu)
			continue;
		over++;
		if (pkt > max) {
			max = pkt;
			worst = s->streams[i];
		}
	}
	if (!worst)
		return 0;
	return xc_find(fs, true, "stream %u%s: frames of up to %u bytes carry %u-byte IP packets, above the MTU of %s on the %s agent %s (%u): raise it (ip link set dev %s mtu %u) or send smaller frames",
		       worst->id, over > 1 ? " and others" : "",
		       xc_spec_stream_max_frame(worst), max,
		       e->info->ifname, e->role, e->ep->agent, mtu,
		       e->info->ifname, max);
}

/* A receiver on some of its interface's queues only: RSS may miss it. */
static int xc_pf_rss(const struct xc_end *e, struct xc_findings *fs)
{
	const Xceiver__V1__XskConfig *x = e->ep->xsk;
	uint32_t n = e->info->rx_queues;

	if (n <= 1 || x->all_queues || x->n_queues >= n)
		return 0;
	return xc_find(fs, false, "%s agent %s: sockets on %zu of the %u rx queues of %s: flows that RSS steers to the others reach no socket (counted in xdp_no_socket); bind them all (queue=all) or steer the flows (ethtool -N)",
		       e->role, e->ep->agent, x->n_queues, n,
		       e->info->ifname);
}

/* Tagged streams in skb mode to an interface that takes tags out. */
static int xc_pf_vlan(const struct xc_end *e, const Xceiver__V1__TestSpec *s,
		      struct xc_findings *fs)
{
	size_t i, tagged = 0;
	uint32_t first = 0;

	if (!e->info->rx_vlan_offload ||
	    e->ep->xsk->mode != XCEIVER__V1__XDP_MODE__XDP_MODE_SKB)
		return 0;
	for (i = 0; i < s->n_streams; i++) {
		const Xceiver__V1__Stream *st = s->streams[i];

		if (xc_stream_sender(st) == e->side || !st->headers ||
		    !st->headers->vlan_id)
			continue;
		if (!tagged++)
			first = st->id;
	}
	if (!tagged)
		return 0;
	return xc_find(fs, false, "%s agent %s: %s takes 802.1Q tags out of received frames (rx-vlan-offload) and skb mode cannot read them back: the tags of stream %u%s will not be verified (ethtool -K %s rxvlan off, or drv mode)",
		       e->role, e->ep->agent, e->info->ifname, first,
		       tagged > 1 ? " and the other tagged streams" : "",
		       e->info->ifname);
}

/* The driver's XDP features IfInfo carries, as the kernel names them. */
static void xc_pf_xdp_names(const Xceiver__V1__IfInfo *i, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s%s%s%s", i->xdp_native ? ", basic" : "",
		 i->xdp_redirect ? ", redirect" : "",
		 i->xdp_zerocopy ? ", xsk-zerocopy" : "",
		 i->xdp_rx_sg ? ", rx-sg" : "");
	if (*buf)
		memmove(buf, buf + 2, strlen(buf + 2) + 1);
	else
		snprintf(buf, len, "none");
}

/* Native AF_XDP receive: the program runs in the driver and redirects. */
static bool xc_pf_native_rx(const Xceiver__V1__IfInfo *i)
{
	return i->xdp_native && i->xdp_redirect;
}

/*
 * Zero-copy needs basic, redirect and xsk-zerocopy (the kernel refuses
 * the bind otherwise), and multi-buffer there a driver that takes more
 * than one buffer a frame in zero-copy (xdp_zc_max_segs above 1).
 */
static int xc_pf_zc(const struct xc_end *e, const char *feat,
		    struct xc_findings *fs)
{
	const Xceiver__V1__IfInfo *i = e->info;

	if (!xc_pf_native_rx(i) || !i->xdp_zerocopy)
		return xc_find(fs, true, "%s agent %s: %s cannot do zero-copy AF_XDP (driver XDP features: %s): use mode %s",
			       e->role, e->ep->agent, i->ifname, feat,
			       xc_pf_native_rx(i) ?
			       "drv (native XDP, copy) or skb" : "skb");
	if (e->ep->xsk->multi_buffer && i->xdp_zc_max_segs == 1)
		return xc_find(fs, true, "%s agent %s: %s cannot do multi-buffer AF_XDP in zero-copy (its driver takes one buffer a frame there): use mode drv with multi_buffer, or frames within a chunk without it",
			       e->role, e->ep->agent, i->ifname);
	return 0;
}

/*
 * What the XDP mode needs of the driver, as far as the kernel tells its
 * features. A receiver in drv mode (or in auto, which ends there without
 * zero-copy) needs native XDP that redirects to AF_XDP sockets; a sender
 * in drv mode runs no program. Auto ending in a copy mode is no finding:
 * nothing is lost, and the summary names the mode in use. Nor is
 * multi_buffer in drv mode without rx-sg: copy mode spreads a frame over
 * as many chunks as it takes, and a driver that cannot take a frame
 * refuses the program at that MTU.
 */
static int xc_pf_xdp(const struct xc_end *e, bool receives,
		     struct xc_findings *fs)
{
	const Xceiver__V1__IfInfo *i = e->info;
	Xceiver__V1__XdpMode mode = e->ep->xsk->mode;
	char feat[64];

	if (!i->xdp_features_known)
		return 0;
	xc_pf_xdp_names(i, feat, sizeof(feat));
	if (mode == XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY)
		return xc_pf_zc(e, feat, fs);
	if (!receives || xc_pf_native_rx(i))
		return 0;
	if (mode == XCEIVER__V1__XDP_MODE__XDP_MODE_DRV)
		return xc_find(fs, true, "%s agent %s: %s cannot receive in native (drv) XDP mode: its driver %s (driver XDP features: %s); use mode skb",
			       e->role, e->ep->agent, i->ifname,
			       i->xdp_native ?
			       "cannot redirect frames to AF_XDP sockets" :
			       "has no native XDP", feat);
	if (mode == XCEIVER__V1__XDP_MODE__XDP_MODE_AUTO && i->xdp_native)
		return xc_find(fs, true, "%s agent %s: mode auto would receive in drv copy mode on %s, whose driver cannot redirect frames to AF_XDP sockets (driver XDP features: %s): they would be dropped; use mode skb",
			       e->role, e->ep->agent, i->ifname, feat);
	return 0;
}

static int xc_pf_end(const struct xc_end *e, const Xceiver__V1__TestSpec *s,
		     struct xc_findings *fs)
{
	bool sends = xc_side_sends(s, e->side);
	bool receives = xc_side_receives(s, e->side);
	int ret;

	if (!e->info || (!sends && !receives))
		return 0;
	ret = xc_pf_link(e, fs);
	if (!ret)
		ret = xc_pf_mtu(e, s, fs);
	if (!ret)
		ret = xc_pf_xdp(e, receives, fs);
	if (!ret && receives)
		ret = xc_pf_rss(e, fs);
	if (!ret && receives)
		ret = xc_pf_vlan(e, s, fs);
	return ret;
}

int xc_preflight(const Xceiver__V1__TestSpec *spec,
		 const Xceiver__V1__IfInfo *tx_if,
		 const Xceiver__V1__IfInfo *rx_if, struct xc_findings *out)
{
	const struct xc_end ends[] = {
		{ "tx", spec->tx, tx_if, XC_TX },
		{ "rx", spec->rx, rx_if, XC_RX },
	};
	size_t i;
	int ret = 0;

	for (i = 0; i < 2 && !ret; i++)
		ret = xc_pf_end(&ends[i], spec, out);
	return ret;
}
