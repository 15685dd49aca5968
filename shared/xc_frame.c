// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Test frames: build, parse and check (see xc_frame.h for the layout).
 *
 * Payload patterns, after the 18-byte payload header (pattern offset k is
 * payload offset 18 + k):
 *   SEEDED     base = xc_mix64(seed ^ seq); word i, the little-endian u64 at
 *              pattern offset 8 * i, is base + i * 0x9E3779B97F4A7C15; the
 *              trailing (len % 8) bytes are the first bytes of the next
 *              word. seed = xc_mix64(run_id ^ xc_mix64(stream_id)) and
 *              xc_mix64 is the splitmix64 finalizer.
 *   FIXED      every byte is fill_byte.
 *   INCREMENT  byte k is (fill_byte + k) & 0xff.
 *
 * Checksums: the one's complement sum is byte-order independent, so the
 * hot paths sum 64-bit words as loaded from memory (native order) and store
 * the folded result back in the same order. The public helpers work on
 * values in network word order: xc_csum_fold(xc_csum_partial(hdr, 20, 0))
 * is the IPv4 header checksum as a host-order number. The template's
 * csum_base is such a folded sum (not complemented) of the pseudo-header
 * addresses and protocol and the UDP ports; the length words are added per
 * frame.
 *
 * xc_frame_check compares against the expected frame in one pass (header
 * bytes against the template, pattern words against the generator, UDP
 * checksum from the generator's sum); only a frame that is not intact takes
 * the slow path that rebuilds it to find the first bad offset.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xc_frame.h"
#include "xc_gen.h"
#include "xc_util.h"

#define XC_ETH_LEN	14
#define XC_VLAN_LEN	4
#define XC_IP4_LEN	20
#define XC_IP6_LEN	40
#define XC_UDP_LEN	8
#define XC_ETH_P_IP	0x0800
#define XC_ETH_P_IPV6	0x86dd
#define XC_ETH_P_8021Q	0x8100
#define XC_IPPROTO_UDP	17

#define XC_PAT(x)	XCEIVER__V1__PAYLOAD_PATTERN__PAYLOAD_PATTERN_##x
#define XC_PAT_SEEDED	XC_PAT(SEEDED)
#define XC_PAT_FIXED	XC_PAT(FIXED)
#define XC_PAT_INCREMENT XC_PAT(INCREMENT)
#define XC_IPV4		XCEIVER__V1__IP_VERSION__IP_VERSION_4
#define XC_IPV6		XCEIVER__V1__IP_VERSION__IP_VERSION_6

/* Add a and b byte by byte, each byte modulo 256. */
static inline uint64_t xc_bytes_add(uint64_t a, uint64_t b)
{
	const uint64_t h = 0x8080808080808080ull;

	return ((a & ~h) + (b & ~h)) ^ ((a ^ b) & h);
}

static inline void xc_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void xc_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline uint16_t xc_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t xc_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* ------------------------------------------------------------ checksum */

static inline uint64_t xc_add64(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

/* Fold a one's complement sum of any width down to 16 bits. */
static inline uint16_t xc_fold64(uint64_t a)
{
	a = (a & 0xffffffffull) + (a >> 32);
	a = (a & 0xffffffffull) + (a >> 32);
	a = (a & 0xffff) + (a >> 16);
	a = (a & 0xffff) + (a >> 16);
	a = (a & 0xffff) + (a >> 16);
	return (uint16_t)a;
}

/* Sum len bytes in native order into acc; only the last chunk may be odd. */
static uint64_t xc_csum_native(const uint8_t *p, size_t len, uint64_t acc)
{
	uint64_t a, b, c, d, t;

	while (len >= 32) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		memcpy(&c, p + 16, 8);
		memcpy(&d, p + 24, 8);
		acc = xc_add64(acc, a);
		acc = xc_add64(acc, b);
		acc = xc_add64(acc, c);
		acc = xc_add64(acc, d);
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		memcpy(&a, p, 8);
		acc = xc_add64(acc, a);
		p += 8;
		len -= 8;
	}
	if (len) {
		t = 0;
		memcpy(&t, p, len);
		acc = xc_add64(acc, t);
	}
	return acc;
}

uint32_t xc_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	uint64_t acc = htons(xc_fold64(sum));

	acc = xc_csum_native(buf, len, acc);
	return ntohs(xc_fold64(acc));
}

uint16_t xc_csum_fold(uint32_t sum)
{
	return (uint16_t)~xc_fold64(sum);
}

/* ------------------------------------------------------------ template */

const char *xc_frame_stack_name(bool vlan, bool ipv6)
{
	if (vlan)
		return ipv6 ? "Ethernet/802.1Q/IPv6/UDP" :
			      "Ethernet/802.1Q/IPv4/UDP";
	return ipv6 ? "Ethernet/IPv6/UDP" : "Ethernet/IPv4/UDP";
}

uint32_t xc_frame_min_size(bool vlan, bool ipv6)
{
	return XC_ETH_LEN + (vlan ? XC_VLAN_LEN : 0) +
	       (ipv6 ? XC_IP6_LEN : XC_IP4_LEN) + XC_UDP_LEN + XC_PHDR_LEN +
	       XC_FCS_LEN;
}

/* Exactly "aa:bb:cc:dd:ee:ff" (either case). */
static int xc_parse_mac(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		hi = xc_hex_digit(s[0]);
		lo = hi < 0 ? -1 : xc_hex_digit(s[1]);
		if (lo < 0)
			return -EINVAL;
		mac[i] = hi << 4 | lo;
		if (s[2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		s += 3;
	}
	return 0;
}

static int xc_tmpl_macs(struct xc_stream_tmpl *t,
			const Xceiver__V1__Headers *h, char *err,
			size_t errlen)
{
	if (!h->dst_mac || !*h->dst_mac)
		return xc_errf(err, errlen, EINVAL, "headers.dst_mac: missing");
	if (!h->src_mac || !*h->src_mac)
		return xc_errf(err, errlen, EINVAL, "headers.src_mac: missing");
	if (xc_parse_mac(h->dst_mac, t->hdr))
		return xc_errf(err, errlen, EINVAL,
			       "headers.dst_mac: '%s' is not a MAC address",
			       h->dst_mac ? h->dst_mac : "");
	if (xc_parse_mac(h->src_mac, t->hdr + 6))
		return xc_errf(err, errlen, EINVAL,
			       "headers.src_mac: '%s' is not a MAC address",
			       h->src_mac ? h->src_mac : "");
	return 0;
}

static int xc_tmpl_addr(const char *field, const char *s, bool ipv6,
			uint8_t *out, char *err, size_t errlen)
{
	if (!s || !*s)
		return xc_errf(err, errlen, EINVAL, "headers.%s: missing",
			       field);
	if (inet_pton(ipv6 ? AF_INET6 : AF_INET, s, out) != 1)
		return xc_errf(err, errlen, EINVAL,
			       "headers.%s: '%s' is not an %s address", field,
			       s, ipv6 ? "IPv6" : "IPv4");
	return 0;
}

/* Range checks of the scalar header fields. */
static int xc_tmpl_check_hdr(const Xceiver__V1__Headers *h, char *err,
			     size_t errlen)
{
	const Xceiver__V1__UdpPorts *u = h->udp;

	if (h->ip_version != XC_IPV4 && h->ip_version != XC_IPV6)
		return xc_errf(err, errlen, EINVAL,
			       "headers.ip_version: %d is not 4 or 6",
			       (int)h->ip_version);
	if (u && u->src > 65535)
		return xc_errf(err, errlen, EINVAL,
			       "headers.udp.src: %u is not a UDP port", u->src);
	if (u && u->dst > 65535)
		return xc_errf(err, errlen, EINVAL,
			       "headers.udp.dst: %u is not a UDP port", u->dst);
	if (h->vlan_id > 4094)
		return xc_errf(err, errlen, EINVAL,
			       "headers.vlan_id: %u is not in 1..4094 (0: untagged)",
			       h->vlan_id);
	if (h->vlan_prio > 7)
		return xc_errf(err, errlen, EINVAL,
			       "headers.vlan_prio: %u is not in 0..7",
			       h->vlan_prio);
	if (h->vlan_prio && !h->vlan_id)
		return xc_errf(err, errlen, EINVAL,
			       "headers.vlan_prio: %u needs a vlan_id",
			       h->vlan_prio);
	if (h->dscp > 63)
		return xc_errf(err, errlen, EINVAL,
			       "headers.dscp: %u is not in 0..63", h->dscp);
	if (h->ttl > 255)
		return xc_errf(err, errlen, EINVAL,
			       "headers.ttl: %u is not in 1..255 (0: 64)",
			       h->ttl);
	return 0;
}

static int xc_tmpl_check_stream(struct xc_stream_tmpl *t,
				const Xceiver__V1__Stream *s, bool vlan,
				bool ipv6, char *err, size_t errlen)
{
	const Xceiver__V1__Payload *pl = s->payload;
	uint32_t lo, hi;
	int ret;

	if (s->id > 65535)
		return xc_errf(err, errlen, EINVAL,
			       "id: %u is above the maximum of 65535", s->id);
	ret = xc_gen_check_sizes(s, xc_frame_min_size(vlan, ipv6),
				 xc_frame_stack_name(vlan, ipv6), &lo, &hi, err,
				 errlen);
	if (ret)
		return ret;
	t->max_frame = hi;
	t->frame_size = s->frame_size && s->frame_size >= lo &&
			s->frame_size <= hi ? s->frame_size : hi;
	if (pl && pl->pattern != XC_PAT_SEEDED && pl->pattern != XC_PAT_FIXED &&
	    pl->pattern != XC_PAT_INCREMENT)
		return xc_errf(err, errlen, EINVAL,
			       "payload.pattern: unknown pattern %d",
			       (int)pl->pattern);
	if (pl && pl->fill_byte > 255)
		return xc_errf(err, errlen, EINVAL,
			       "payload.fill_byte: %u is not in 0..255",
			       pl->fill_byte);
	return 0;
}

static void xc_tmpl_ip4(struct xc_stream_tmpl *t,
			const Xceiver__V1__Headers *h)
{
	uint8_t *ip = t->hdr + t->l3_off;

	ip[0] = 0x45;
	ip[1] = h->dscp << 2;
	xc_put16(ip + 6, 0x4000);		/* DF */
	ip[8] = h->ttl ? h->ttl : 64;
	ip[9] = XC_IPPROTO_UDP;
}

static void xc_tmpl_ip6(struct xc_stream_tmpl *t,
			const Xceiver__V1__Headers *h)
{
	uint8_t *ip = t->hdr + t->l3_off;

	xc_put32(ip, 6u << 28 | (h->dscp << 2) << 20);
	ip[6] = XC_IPPROTO_UDP;
	ip[7] = h->ttl ? h->ttl : 64;
}

/* Headers with zero lengths and checksums; csum_base from them. */
static int xc_tmpl_headers(struct xc_stream_tmpl *t,
			   const Xceiver__V1__Headers *h, char *err,
			   size_t errlen)
{
	uint8_t *ip, *udp;
	uint32_t alen = t->ipv6 ? 16 : 4;
	uint32_t sum;
	int ret;

	ret = xc_tmpl_macs(t, h, err, errlen);
	if (ret)
		return ret;
	if (h->vlan_id) {
		xc_put16(t->hdr + 12, XC_ETH_P_8021Q);
		xc_put16(t->hdr + 14, h->vlan_prio << 13 | h->vlan_id);
	}
	xc_put16(t->hdr + t->l3_off - 2,
		 t->ipv6 ? XC_ETH_P_IPV6 : XC_ETH_P_IP);
	ip = t->hdr + t->l3_off;
	if (t->ipv6)
		xc_tmpl_ip6(t, h);
	else
		xc_tmpl_ip4(t, h);
	ip += t->ipv6 ? 8 : 12;
	ret = xc_tmpl_addr("src_ip", h->src_ip, t->ipv6, ip, err, errlen);
	if (ret)
		return ret;
	ret = xc_tmpl_addr("dst_ip", h->dst_ip, t->ipv6, ip + alen, err,
			   errlen);
	if (ret)
		return ret;
	udp = t->hdr + t->l4_off;
	xc_put16(udp, t->src_port);
	xc_put16(udp + 2, t->dst_port);
	/* pseudo-header addresses and protocol, UDP ports */
	sum = xc_csum_partial(ip, 2 * alen, XC_IPPROTO_UDP);
	t->csum_addr = sum;
	t->csum_base = xc_csum_partial(udp, 4, sum);
	return 0;
}

int xc_stream_tmpl_init(struct xc_stream_tmpl *t,
			const Xceiver__V1__Stream *s, uint64_t run_id,
			char *err, size_t errlen)
{
	const Xceiver__V1__Headers *h;
	bool vlan, ipv6;
	int ret;

	memset(t, 0, sizeof(*t));
	if (!s || !s->headers)
		return xc_errf(err, errlen, EINVAL, "headers: missing");
	h = s->headers;
	ret = xc_tmpl_check_hdr(h, err, errlen);
	if (ret)
		return ret;
	vlan = h->vlan_id != 0;
	ipv6 = h->ip_version == XC_IPV6;
	ret = xc_tmpl_check_stream(t, s, vlan, ipv6, err, errlen);
	if (ret) {
		memset(t, 0, sizeof(*t));
		return ret;
	}

	t->ipv6 = ipv6;
	t->l3_off = XC_ETH_LEN + (vlan ? XC_VLAN_LEN : 0);
	t->l4_off = t->l3_off + (ipv6 ? XC_IP6_LEN : XC_IP4_LEN);
	t->hdr_len = t->l4_off + XC_UDP_LEN;
	t->src_port = h->udp && h->udp->src ? h->udp->src : XC_DEF_SRC_PORT;
	t->dst_port = h->udp && h->udp->dst ? h->udp->dst : XC_DEF_DST_PORT;
	t->run_tag = (uint32_t)run_id;
	t->stream_id = s->id;
	t->seed = xc_mix64(run_id ^ xc_mix64(s->id));
	t->pattern = s->payload ? (int)s->payload->pattern :
				  XC_PAT_SEEDED;
	t->fill_byte = s->payload ? s->payload->fill_byte : 0;
	t->min_frame = xc_frame_min_size(vlan, ipv6);
	ret = xc_tmpl_headers(t, h, err, errlen);
	if (ret)
		memset(t, 0, sizeof(*t));
	return ret;
}

/* ------------------------------------------------------------ build */

/* Length fields and the IPv4 header checksum for a dlen-byte frame. */
static void xc_put_lengths(const struct xc_stream_tmpl *t, uint8_t *buf,
			   uint32_t dlen)
{
	uint8_t *ip = buf + t->l3_off;
	uint16_t c;

	if (t->ipv6) {
		xc_put16(ip + 4, dlen - t->l4_off);
	} else {
		xc_put16(ip + 2, dlen - t->l3_off);
		c = ~xc_fold64(xc_csum_native(ip, XC_IP4_LEN, 0));
		memcpy(ip + 10, &c, 2);
	}
	xc_put16(buf + t->l4_off + 4, dlen - t->l4_off);
}

static void xc_put_phdr(const struct xc_stream_tmpl *t, uint8_t *p,
			uint64_t seq, uint32_t tx_ns32)
{
	xc_put16(p, XC_MAGIC);
	xc_put32(p + 2, t->run_tag);
	xc_put16(p + 6, t->stream_id);
	xc_put16(p + 8, seq >> 32);
	xc_put32(p + 10, (uint32_t)seq);
	xc_put32(p + 14, tx_ns32);
}

/*
 * Pattern words, 8 bytes at a time: the little-endian u64 values at pattern
 * offsets 0, 8, 16, ... SEEDED and FIXED step by a plain add (FIXED by 0),
 * INCREMENT adds 8 to every byte without carries between bytes.
 */
struct xc_pgen {
	uint64_t w;
	uint64_t inc;
	bool bytewise;
};

static void xc_pgen_init(const struct xc_stream_tmpl *t, uint64_t seq,
			 struct xc_pgen *g)
{
	uint64_t f = t->fill_byte * 0x0101010101010101ull;

	g->bytewise = false;
	if (t->pattern == XC_PAT_FIXED) {
		g->w = f;
		g->inc = 0;
	} else if (t->pattern == XC_PAT_INCREMENT) {
		g->bytewise = true;
		g->inc = 0x0808080808080808ull;
		g->w = xc_bytes_add(f, 0x0706050403020100ull);
	} else {
		g->w = xc_mix64(t->seed ^ seq);
		g->inc = XC_GOLDEN;
	}
}

/* The current word in memory order; advance. */
static inline __attribute__((always_inline))
uint64_t xc_pgen_next(struct xc_pgen *g, bool bytewise)
{
	uint64_t v = htole64(g->w);

	g->w = bytewise ? xc_bytes_add(g->w, g->inc) : g->w + g->inc;
	return v;
}

static inline __attribute__((always_inline))
uint64_t xc_pat_gen_words(struct xc_pgen *g, uint8_t *p, uint32_t n,
			  uint64_t acc, bool bytewise)
{
	uint64_t v;
	uint32_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		v = xc_pgen_next(g, bytewise);
		memcpy(p + i, &v, 8);
		acc = xc_add64(acc, v);
	}
	v = xc_pgen_next(g, bytewise);
	memcpy(p + i, &v, n - i);
	return xc_csum_native(p + i, n - i, acc);
}

/* Write the pattern (n bytes at p), return acc plus its native sum. */
static uint64_t xc_pat_gen(const struct xc_stream_tmpl *t, uint64_t seq,
			   uint8_t *p, uint32_t n, uint64_t acc)
{
	struct xc_pgen g;

	xc_pgen_init(t, seq, &g);
	if (g.bytewise)
		return xc_pat_gen_words(&g, p, n, acc, true);
	return xc_pat_gen_words(&g, p, n, acc, false);
}

/* What varies per frame: seq, length, ports and their checksum base. */
struct xc_fp {
	uint64_t seq;
	uint32_t dlen;
	uint16_t sport;
	uint16_t dport;
	uint32_t base;		/* folded, as csum_base */
	bool own_ports;		/* ports differ from the template's */
};

static inline void xc_fp_tmpl(const struct xc_stream_tmpl *t, uint64_t seq,
			      struct xc_fp *f)
{
	f->seq = seq;
	f->dlen = t->frame_size - XC_FCS_LEN;
	f->sport = t->src_port;
	f->dport = t->dst_port;
	f->base = t->csum_base;
	f->own_ports = false;
}

static inline void xc_fp_pkt(const struct xc_stream_tmpl *t,
			     const struct xc_gen_pkt *p, struct xc_fp *f)
{
	f->seq = p->seq;
	f->dlen = p->frame_len;
	f->sport = p->src_port;
	f->dport = p->dst_port;
	f->own_ports = p->src_port != t->src_port ||
		       p->dst_port != t->dst_port;
	f->base = f->own_ports ? xc_fold64((uint64_t)t->csum_addr +
					   p->src_port + p->dst_port) :
				 t->csum_base;
}

/* Template headers with the frame's ports and lengths. */
static inline void xc_put_hdr(const struct xc_stream_tmpl *t,
			      const struct xc_fp *f, uint8_t *buf)
{
	memcpy(buf, t->hdr, t->hdr_len);
	if (f->own_ports) {
		xc_put16(buf + t->l4_off, f->sport);
		xc_put16(buf + t->l4_off + 2, f->dport);
	}
	xc_put_lengths(t, buf, f->dlen);
}

/* Native sum of the UDP length words (header + pseudo-header) and base. */
static uint64_t xc_udp_acc0(const struct xc_stream_tmpl *t,
			    const struct xc_fp *f)
{
	uint64_t l = htons((uint16_t)(f->dlen - t->l4_off));

	return htons(xc_fold64(f->base)) + 2 * l;
}

static uint16_t xc_udp_final(uint64_t acc)
{
	uint16_t c = ~xc_fold64(acc);

	return c ? c : 0xffff;
}

/* Payload header, pattern and UDP checksum behind the frame's headers. */
static uint32_t xc_build_payload(const struct xc_stream_tmpl *t,
				 const struct xc_fp *f, uint32_t tx_ns32,
				 uint8_t *buf)
{
	uint8_t *ph = buf + t->hdr_len;
	uint64_t acc;
	uint16_t c;

	xc_put_phdr(t, ph, f->seq, tx_ns32);
	acc = xc_csum_native(ph, XC_PHDR_LEN, xc_udp_acc0(t, f));
	acc = xc_pat_gen(t, f->seq, ph + XC_PHDR_LEN,
			 f->dlen - t->hdr_len - XC_PHDR_LEN, acc);
	c = xc_udp_final(acc);
	memcpy(buf + t->l4_off + 6, &c, 2);
	return f->dlen;
}

static uint32_t xc_build(const struct xc_stream_tmpl *t,
			 const struct xc_fp *f, uint32_t tx_ns32, uint8_t *buf)
{
	xc_put_hdr(t, f, buf);
	return xc_build_payload(t, f, tx_ns32, buf);
}

uint32_t xc_frame_build(const struct xc_stream_tmpl *t, uint64_t seq,
			uint32_t tx_ns32, uint8_t *buf)
{
	struct xc_fp f;

	xc_fp_tmpl(t, seq, &f);
	return xc_build(t, &f, tx_ns32, buf);
}

void xc_frame_hdr_pkt(const struct xc_stream_tmpl *t,
		      const struct xc_gen_pkt *p, uint8_t *buf)
{
	struct xc_fp f;

	xc_fp_pkt(t, p, &f);
	xc_put_hdr(t, &f, buf);
}

uint32_t xc_frame_build_pkt(const struct xc_stream_tmpl *t,
			    const struct xc_gen_pkt *p, uint32_t tx_ns32,
			    uint8_t *buf)
{
	struct xc_fp f;

	xc_fp_pkt(t, p, &f);
	return xc_build(t, &f, tx_ns32, buf);
}

/* One's complement sum of the seq and tx time words of a payload header. */
static uint16_t xc_phdr_var_sum(const uint8_t *ph)
{
	return xc_fold64(xc_csum_native(ph + XC_PHDR_SEQ_OFF,
					XC_PHDR_LEN - XC_PHDR_SEQ_OFF, 0));
}

uint32_t xc_frame_update_pkt(const struct xc_stream_tmpl *t,
			     const struct xc_gen_pkt *p, uint32_t tx_ns32,
			     uint8_t *buf)
{
	uint8_t *ph = buf + t->hdr_len, *csum = buf + t->l4_off + 6;
	uint16_t c, old;
	uint64_t acc;
	struct xc_fp f;

	xc_fp_pkt(t, p, &f);
	/* a seeded pattern follows seq: the whole payload again */
	if (t->pattern == XC_PAT_SEEDED &&
	    f.dlen > (uint32_t)t->hdr_len + XC_PHDR_LEN)
		return xc_build_payload(t, &f, tx_ns32, buf);
	/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') over the changed words */
	old = xc_phdr_var_sum(ph);
	xc_put_phdr(t, ph, f.seq, tx_ns32);
	memcpy(&c, csum, 2);
	acc = (uint64_t)(uint16_t)~c + (uint16_t)~old + xc_phdr_var_sum(ph);
	c = xc_udp_final(acc);
	memcpy(csum, &c, 2);
	return f.dlen;
}

/* ------------------------------------------------------------ parse */

/* Offset of the UDP header, or -1. */
static int xc_parse_ip4(const uint8_t *f, uint32_t len, uint32_t off)
{
	const uint8_t *ip = f + off;
	uint32_t ihl;

	if (len < off + XC_IP4_LEN || ip[0] >> 4 != 4)
		return -1;
	ihl = (ip[0] & 0xf) * 4;
	if (ihl < XC_IP4_LEN || len < off + ihl)
		return -1;
	if (xc_get16(ip + 6) & 0x3fff)	/* MF or fragment offset */
		return -1;
	if (ip[9] != XC_IPPROTO_UDP)
		return -1;
	return off + ihl;
}

static int xc_parse_ip6(const uint8_t *f, uint32_t len, uint32_t off)
{
	const uint8_t *ip = f + off;

	if (len < off + XC_IP6_LEN || ip[0] >> 4 != 6)
		return -1;
	if (ip[6] != XC_IPPROTO_UDP)
		return -1;
	return off + XC_IP6_LEN;
}

int xc_frame_parse(const uint8_t *frame, uint32_t len, struct xc_phdr *ph)
{
	uint32_t off = XC_ETH_LEN;
	const uint8_t *p;
	uint16_t et;
	int l4;

	if (!frame || len < XC_ETH_LEN)
		return -EBADMSG;
	et = xc_get16(frame + 12);
	if (et == XC_ETH_P_8021Q) {
		if (len < XC_ETH_LEN + XC_VLAN_LEN)
			return -EBADMSG;
		et = xc_get16(frame + 16);
		off += XC_VLAN_LEN;
	}
	if (et == XC_ETH_P_IP)
		l4 = xc_parse_ip4(frame, len, off);
	else if (et == XC_ETH_P_IPV6)
		l4 = xc_parse_ip6(frame, len, off);
	else
		return -EBADMSG;
	if (l4 < 0 || len < (uint32_t)l4 + XC_UDP_LEN + XC_PHDR_LEN)
		return -EBADMSG;
	p = frame + l4 + XC_UDP_LEN;
	if (xc_get16(p) != XC_MAGIC)
		return -EBADMSG;
	ph->run_tag = xc_get32(p + 2);
	ph->stream_id = xc_get16(p + 6);
	ph->seq = (uint64_t)xc_get16(p + 8) << 32 | xc_get32(p + 10);
	ph->tx_ns32 = xc_get32(p + 14);
	return 0;
}

/* ------------------------------------------------------------ check */

static inline __attribute__((always_inline))
bool xc_pat_cmp_words(struct xc_pgen *g, const uint8_t *p, uint32_t n,
		      uint64_t *acc, bool bytewise)
{
	uint64_t v, r, a = *acc;
	uint32_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		v = xc_pgen_next(g, bytewise);
		memcpy(&r, p + i, 8);
		if (r != v)
			return false;
		a = xc_add64(a, v);
	}
	v = xc_pgen_next(g, bytewise);
	if (memcmp(p + i, &v, n - i))
		return false;
	*acc = xc_csum_native(p + i, n - i, a);
	return true;
}

/* Compare the pattern at p with what seq must carry; add its native sum. */
static bool xc_pat_cmp(const struct xc_stream_tmpl *t, uint64_t seq,
		       const uint8_t *p, uint32_t n, uint64_t *acc)
{
	struct xc_pgen g;

	xc_pgen_init(t, seq, &g);
	if (g.bytewise)
		return xc_pat_cmp_words(&g, p, n, acc, true);
	return xc_pat_cmp_words(&g, p, n, acc, false);
}

/* The frame Tx built, with the tx time the received frame carries. */
static void xc_build_like(const struct xc_stream_tmpl *t,
			  const struct xc_fp *f, const uint8_t *frame,
			  uint32_t len, uint8_t *exp)
{
	uint32_t txo = t->hdr_len + 14;
	uint8_t tx[4] = { 0 };

	if (len > txo)
		memcpy(tx, frame + txo, XC_MIN(len - txo, 4u));
	xc_build(t, f, xc_get32(tx), exp);
}

/*
 * Slow path for frames that are not intact: build the expected frame (with
 * the received tx time) and find the first byte that differs. Needs a
 * XC_MAX_FRAME stack buffer, only for damaged frames.
 */
static int xc_check_slow(const struct xc_stream_tmpl *t,
			 const struct xc_fp *f, const uint8_t *frame,
			 uint32_t len, uint32_t *bad_off)
{
	uint8_t exp[XC_MAX_FRAME];
	uint32_t txo = t->hdr_len + 14, n, i;

	xc_build_like(t, f, frame, len, exp);
	/* without the whole tx time the UDP checksum cannot be judged */
	if (len < txo + 4 && len > t->l4_off + 6u)
		memcpy(exp + t->l4_off + 6, frame + t->l4_off + 6,
		       XC_MIN(len - t->l4_off - 6, 2u));
	n = XC_MIN(len, f->dlen);
	for (i = 0; i < n; i++)
		if (frame[i] != exp[i])
			break;
	if (i == n && len == f->dlen)
		return 0;
	*bad_off = i;
	return -EBADMSG;
}

static int xc_check(const struct xc_stream_tmpl *t, const struct xc_fp *f,
		    const uint8_t *frame, uint32_t len, uint32_t *bad_off)
{
	uint8_t exp[XC_MAX_HDR_LEN + XC_PHDR_LEN];
	uint32_t dlen = f->dlen;
	uint32_t h = t->hdr_len, u = t->l4_off;
	uint64_t acc;
	uint16_t c;

	*bad_off = 0;
	if (len != dlen)
		goto slow;
	xc_put_hdr(t, f, exp);
	xc_put_phdr(t, exp + h, f->seq, xc_get32(frame + h + 14));
	/* everything up to the pattern but the UDP checksum */
	if (memcmp(frame, exp, u + 6) ||
	    memcmp(frame + u + 8, exp + u + 8, h + XC_PHDR_LEN - u - 8))
		goto slow;
	acc = xc_csum_native(exp + h, XC_PHDR_LEN, xc_udp_acc0(t, f));
	if (!xc_pat_cmp(t, f->seq, frame + h + XC_PHDR_LEN,
			dlen - h - XC_PHDR_LEN, &acc))
		goto slow;
	c = xc_udp_final(acc);
	if (memcmp(frame + u + 6, &c, 2))
		goto slow;
	return 0;
slow:
	return xc_check_slow(t, f, frame, len, bad_off);
}

int xc_frame_check(const struct xc_stream_tmpl *t, uint64_t seq,
		   const uint8_t *frame, uint32_t len, uint32_t *bad_off)
{
	struct xc_fp f;

	xc_fp_tmpl(t, seq, &f);
	return xc_check(t, &f, frame, len, bad_off);
}

int xc_frame_check_pkt(const struct xc_stream_tmpl *t,
		       const struct xc_gen_pkt *p, const uint8_t *frame,
		       uint32_t len, uint32_t *bad_off)
{
	struct xc_fp f;

	xc_fp_pkt(t, p, &f);
	return xc_check(t, &f, frame, len, bad_off);
}

/* First offset below n where a and b differ, skipping [skip, skip + 2). */
static uint32_t xc_first_diff(const uint8_t *a, const uint8_t *b, uint32_t n,
			      uint32_t skip)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (i == skip) {
			i++;
			continue;
		}
		if (a[i] != b[i])
			return i;
	}
	return n;
}

int xc_frame_check_part(const struct xc_stream_tmpl *t,
			const struct xc_gen_pkt *p, const uint8_t *frame,
			uint32_t len, uint32_t exp_len, bool full,
			uint32_t *bad_off)
{
	uint8_t exp[XC_MAX_FRAME];
	uint32_t n, i, hdr = t->hdr_len + XC_PHDR_LEN;
	struct xc_fp f;

	*bad_off = 0;
	xc_fp_pkt(t, p, &f);
	n = XC_MIN(len, f.dlen);
	if (!full) {
		n = XC_MIN(n, hdr);
		xc_put_hdr(t, &f, exp);
		xc_put_phdr(t, exp + t->hdr_len, f.seq,
			    len >= hdr ? xc_get32(frame + hdr - 4) : 0);
		if (len < hdr)	/* tx time cut short: do not judge it */
			memcpy(exp + hdr - 4, frame + hdr - 4,
			       len > hdr - 4 ? len - (hdr - 4) : 0);
	} else {
		xc_build_like(t, &f, frame, len, exp);
	}
	i = xc_first_diff(frame, exp, n, t->l4_off + 6);
	if (i < n) {
		*bad_off = i;
		return -EBADMSG;
	}
	if (len != exp_len) {
		*bad_off = XC_MIN(len, exp_len);
		return -EBADMSG;
	}
	return 0;
}
