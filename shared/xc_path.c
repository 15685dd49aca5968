// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Frames as the path may change them (see xc_path.h).
 *
 * Offsets: e counts in the frame Tx sent, f = e + shift in the frame that
 * arrived (shift -4 when a tag was taken out, +4 when one was added, for
 * everything behind the MAC addresses).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "xc_gen.h"
#include "xc_path.h"
#include "xc_util.h"

#define XC_MACS_LEN	12
#define XC_TAG_LEN	4
#define XC_TPID_8021Q	0x8100
#define XC_TPID_8021AD	0x88a8
#define XC_IP4_LEN	20
#define XC_IP4_TOS	1
#define XC_IP4_TTL	8
#define XC_IP4_CSUM	10
#define XC_IP6_HLIM	7
#define XC_DSCP4_MASK	0xfc	/* TOS: DSCP bits, ECN kept */
#define XC_DSCP6_MASK0	0x0f	/* version | TC high nibble */
#define XC_DSCP6_MASK1	0xc0	/* TC low nibble: DSCP low bits, ECN kept */

void xc_path_rules_from(struct xc_path_rules *r, const Xceiver__V1__Path *p,
			bool vlan_strip)
{
	memset(r, 0, sizeof(*r));
	r->vlan_strip = vlan_strip;
	if (!p)
		return;
	r->hops = p->routed_hops;
	r->macs = p->routed_hops > 0;
	r->vlan_rewrite = p->vlan_rewrite;
	r->vlan_pop = p->vlan_pop;
	r->vlan_push = p->vlan_push;
	r->dscp = p->dscp_remark;
}

bool xc_path_rules_any(const struct xc_path_rules *r)
{
	return r->hops || r->macs || r->vlan_rewrite || r->vlan_pop ||
	       r->vlan_push || r->dscp || r->vlan_strip;
}

static uint32_t xc_ttl_off(const struct xc_stream_tmpl *t)
{
	return t->l3_off + (t->ipv6 ? XC_IP6_HLIM : XC_IP4_TTL);
}

void xc_path_expect_init(const struct xc_path_rules *r,
			 const struct xc_stream_tmpl *t,
			 struct xc_stream_tmpl *cur, unsigned int *changes)
{
	*cur = *t;
	*changes = 0;
	if (!r->hops)
		return;
	cur->hdr[xc_ttl_off(t)] -= r->hops;
	*changes = XC_PATH_TTL;
}

static bool xc_tagged(const uint8_t *frame, uint32_t len)
{
	uint16_t et;

	if (len < XC_MACS_LEN + 2)
		return false;
	et = (uint16_t)(frame[12] << 8 | frame[13]);
	return et == XC_TPID_8021Q || et == XC_TPID_8021AD;
}

/* The template of t's frames with the tag taken out (delta -4). */
static void xc_tmpl_pop(struct xc_stream_tmpl *c)
{
	memmove(c->hdr + XC_MACS_LEN, c->hdr + XC_MACS_LEN + XC_TAG_LEN,
		c->hdr_len - XC_MACS_LEN - XC_TAG_LEN);
	c->hdr_len -= XC_TAG_LEN;
	c->l3_off -= XC_TAG_LEN;
	c->l4_off -= XC_TAG_LEN;
	c->min_frame -= XC_TAG_LEN;
	c->frame_size -= XC_TAG_LEN;
	c->max_frame -= XC_TAG_LEN;
}

/* With the tag at frame[12..15] added (delta +4). */
static void xc_tmpl_push(struct xc_stream_tmpl *c, const uint8_t *tag)
{
	memmove(c->hdr + XC_MACS_LEN + XC_TAG_LEN, c->hdr + XC_MACS_LEN,
		c->hdr_len - XC_MACS_LEN);
	memcpy(c->hdr + XC_MACS_LEN, tag, XC_TAG_LEN);
	c->hdr_len += XC_TAG_LEN;
	c->l3_off += XC_TAG_LEN;
	c->l4_off += XC_TAG_LEN;
	c->min_frame += XC_TAG_LEN;
	c->frame_size += XC_TAG_LEN;
	c->max_frame += XC_TAG_LEN;
}

/* The judge's state for one frame. */
struct xc_pj {
	const struct xc_path_rules *r;
	const struct xc_stream_tmpl *t;
	const uint8_t *exp;		/* headers Tx sent */
	const uint8_t *frame;
	uint32_t len;
	int shift;
	unsigned int changes;
	uint32_t bad;
};

static int xc_pj_bad(struct xc_pj *j, uint32_t f)
{
	j->bad = f;
	return -EBADMSG;
}

/* The tag: the same shape on both ends, or one the path or host changed. */
static int xc_pj_tag(struct xc_pj *j)
{
	bool sent = j->t->l3_off > XC_MACS_LEN + 2;
	bool got = xc_tagged(j->frame, j->len);

	if (sent && !got) {
		if (j->r->vlan_strip)
			j->changes |= XC_PATH_VLAN_UNVERIFIED;
		else if (j->r->vlan_pop)
			j->changes |= XC_PATH_VLAN;
		else
			return xc_pj_bad(j, XC_MACS_LEN);
		j->shift = -XC_TAG_LEN;
		return 0;
	}
	if (!sent && got) {
		if (!j->r->vlan_push)
			return xc_pj_bad(j, XC_MACS_LEN);
		j->changes |= XC_PATH_VLAN;
		j->shift = XC_TAG_LEN;
		return 0;
	}
	if (!sent)
		return 0;
	if (memcmp(j->frame + XC_MACS_LEN, j->exp + XC_MACS_LEN, 2))
		return xc_pj_bad(j, XC_MACS_LEN);
	if (!memcmp(j->frame + 14, j->exp + 14, 2))
		return 0;
	if (!j->r->vlan_rewrite)
		return xc_pj_bad(j, j->frame[14] != j->exp[14] ? 14 : 15);
	j->changes |= XC_PATH_VLAN;
	return 0;
}

/* Bits of header byte e (sent coordinates) the path may change. */
static uint8_t xc_pj_mask(const struct xc_pj *j, uint32_t e)
{
	const struct xc_stream_tmpl *t = j->t;
	uint32_t l3 = t->l3_off;

	if (!j->r->dscp)
		return 0;
	if (!t->ipv6)
		return e == l3 + XC_IP4_TOS ? XC_DSCP4_MASK : 0;
	if (e == l3)
		return XC_DSCP6_MASK0;
	return e == l3 + 1 ? XC_DSCP6_MASK1 : 0;
}

/* One header byte behind the MACs (and the tag). */
static int xc_pj_byte(struct xc_pj *j, uint32_t e)
{
	const struct xc_stream_tmpl *t = j->t;
	uint32_t f = e + j->shift;
	uint8_t got = j->frame[f], want = j->exp[e], mask;

	if (e == xc_ttl_off(t)) {
		if (got != (uint8_t)(want - j->r->hops))
			return xc_pj_bad(j, f);
		return 0;
	}
	if (!t->ipv6 && (e == t->l3_off + XC_IP4_CSUM + 0u ||
			 e == t->l3_off + XC_IP4_CSUM + 1u))
		return 0;	/* judged over the whole header below */
	if (got == want)
		return 0;
	mask = xc_pj_mask(j, e);
	if ((got ^ want) & ~mask)
		return xc_pj_bad(j, f);
	j->changes |= XC_PATH_DSCP;
	return 0;
}

/* Everything from the ethertype to the UDP length; the IPv4 checksum. */
static int xc_pj_rest(struct xc_pj *j)
{
	const struct xc_stream_tmpl *t = j->t;
	uint32_t e0 = t->l3_off - 2, end = t->l4_off + 6, e, ip;

	if (j->len < end + j->shift)
		return xc_pj_bad(j, j->len);
	for (e = e0; e < end; e++)
		if (xc_pj_byte(j, e))
			return -EBADMSG;
	if (t->ipv6)
		return 0;
	ip = t->l3_off + j->shift;
	if (xc_csum_fold(xc_csum_partial(j->frame + ip, XC_IP4_LEN, 0)))
		return xc_pj_bad(j, ip + XC_IP4_CSUM);
	return 0;
}

/* The template of the frame as it arrived. */
static void xc_pj_learn(const struct xc_pj *j, struct xc_stream_tmpl *cur)
{
	uint32_t l3;

	*cur = *j->t;
	if (j->shift < 0)
		xc_tmpl_pop(cur);
	else if (j->shift > 0)
		xc_tmpl_push(cur, j->frame + XC_MACS_LEN);
	memcpy(cur->hdr, j->frame, XC_MACS_LEN);
	if (j->shift == 0 && cur->l3_off > XC_MACS_LEN + 2)
		memcpy(cur->hdr + 14, j->frame + 14, 2);
	l3 = cur->l3_off;
	if (cur->ipv6) {
		memcpy(cur->hdr + l3, j->frame + l3, 2);
		cur->hdr[l3 + XC_IP6_HLIM] = j->frame[l3 + XC_IP6_HLIM];
	} else {
		cur->hdr[l3 + XC_IP4_TOS] = j->frame[l3 + XC_IP4_TOS];
		cur->hdr[l3 + XC_IP4_TTL] = j->frame[l3 + XC_IP4_TTL];
	}
}

int xc_path_judge(const struct xc_path_rules *r,
		  const struct xc_stream_tmpl *t, const struct xc_gen_pkt *p,
		  const uint8_t *frame, uint32_t len,
		  struct xc_stream_tmpl *cur, int *delta,
		  unsigned int *changes, uint32_t *bad_off)
{
	uint8_t exp[XC_MAX_HDR_LEN];
	struct xc_pj j = {
		.r = r, .t = t, .exp = exp, .frame = frame, .len = len,
	};

	*bad_off = 0;
	if (len < XC_MACS_LEN)
		return -EBADMSG;
	xc_frame_hdr_pkt(t, p, exp);
	if (memcmp(frame, exp, XC_MACS_LEN)) {
		if (!r->macs) {
			while (frame[j.bad] == exp[j.bad])
				j.bad++;
			*bad_off = j.bad;
			return -EBADMSG;
		}
		j.changes |= XC_PATH_MACS;
	}
	if (xc_pj_tag(&j) || xc_pj_rest(&j)) {
		*bad_off = j.bad;
		return -EBADMSG;
	}
	if (r->hops)
		j.changes |= XC_PATH_TTL;
	xc_pj_learn(&j, cur);
	*delta = j.shift;
	*changes = j.changes;
	return 0;
}

/* ------------------------------------------------------------ spec */

static int xc_path_check_gw(const char *field, const char *gw, bool v6,
			    bool used, uint32_t hops, char *err,
			    size_t errlen)
{
	unsigned char a[16];

	if (!gw || !*gw) {
		if (used && hops)
			return xc_errf(err, errlen, EINVAL,
				       "path.%s: missing (a routed path needs the sender's next hop)",
				       field);
		return 0;
	}
	if (!hops)
		return xc_errf(err, errlen, EINVAL,
			       "path.%s: only with routed_hops (a gateway is a router)",
			       field);
	if (inet_pton(v6 ? AF_INET6 : AF_INET, gw, a) != 1)
		return xc_errf(err, errlen, EINVAL,
			       "path.%s: '%s' is not an IPv%d address (the streams' ip_version)",
			       field, gw, v6 ? 6 : 4);
	return 0;
}

static int xc_path_check_stream(const Xceiver__V1__Path *p, size_t i,
				const Xceiver__V1__Stream *st, char *err,
				size_t errlen)
{
	const Xceiver__V1__Headers *h = st->headers;
	bool v6 = h && h->ip_version == XCEIVER__V1__IP_VERSION__IP_VERSION_6;
	bool back = st->direction ==
		    XCEIVER__V1__DIRECTION__DIRECTION_RX_TO_TX;
	uint32_t ttl = h && h->ttl ? h->ttl : 64;
	const char *gw = back ? p->rx_gateway : p->gateway;

	if (p->routed_hops >= ttl)
		return xc_errf(err, errlen, EINVAL,
			       "path.routed_hops: %" PRIu32 " leaves no TTL to streams[%zu] (ttl %" PRIu32 ")",
			       p->routed_hops, i, ttl);
	if (gw && *gw && h && h->dst_mac && *h->dst_mac)
		return xc_errf(err, errlen, EINVAL,
			       "streams[%zu].headers.dst_mac: give the gateway or a dst_mac, not both (the gateway's MAC is looked up)",
			       i);
	if (p->vlan_pop && !(h && h->vlan_id))
		return xc_errf(err, errlen, EINVAL,
			       "path.vlan_pop: streams[%zu] is untagged (set headers.vlan_id)",
			       i);
	/* a dst_mac given by hand is the next hop's: no gateway needed */
	return xc_path_check_gw(back ? "rx_gateway" : "gateway", gw, v6,
				!(h && h->dst_mac && *h->dst_mac),
				p->routed_hops, err, errlen);
}

int xc_path_check_spec(const Xceiver__V1__TestSpec *s, char *err,
		       size_t errlen)
{
	const Xceiver__V1__Path *p = s->path;
	bool v6 = false;
	size_t i;
	int ret;

	if (!p)
		return 0;
	if (p->vlan_pop && p->vlan_push)
		return xc_errf(err, errlen, EINVAL,
			       "path.vlan_push: not with vlan_pop (a tag added and taken out is vlan_rewrite)");
	for (i = 0; i < s->n_streams; i++) {
		ret = xc_path_check_stream(p, i, s->streams[i], err, errlen);
		if (ret)
			return ret;
		v6 = s->streams[i]->headers &&
		     s->streams[i]->headers->ip_version ==
		     XCEIVER__V1__IP_VERSION__IP_VERSION_6;
	}
	/* gateways no stream uses: still addresses of the last stream's kind */
	ret = xc_path_check_gw("gateway", p->gateway, v6, false,
			       p->routed_hops, err, errlen);
	if (!ret)
		ret = xc_path_check_gw("rx_gateway", p->rx_gateway, v6, false,
				       p->routed_hops, err, errlen);
	return ret;
}
