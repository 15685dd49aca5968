// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Test frames: build -> parse -> check round trips, checksums against
 * independent byte-by-byte references, the documented payload patterns,
 * first-bad-offset reporting, robustness of the parser, template errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "xc_frame.h"
#include "xc_gen.h"

#define RUN_ID		0x1122334455667788ull
#define PAT(x)		XCEIVER__V1__PAYLOAD_PATTERN__PAYLOAD_PATTERN_##x
#define PAT_SEEDED	PAT(SEEDED)
#define PAT_FIXED	PAT(FIXED)
#define PAT_INCREMENT	PAT(INCREMENT)

struct spec {
	Xceiver__V1__Stream s;
	Xceiver__V1__Headers h;
	Xceiver__V1__UdpPorts u;
	Xceiver__V1__Payload p;
};

static void spec_init(struct spec *sp, bool ipv6, uint32_t vlan,
		      uint32_t size, int pattern)
{
	xceiver__v1__stream__init(&sp->s);
	xceiver__v1__headers__init(&sp->h);
	xceiver__v1__udp_ports__init(&sp->u);
	xceiver__v1__payload__init(&sp->p);
	sp->s.id = 3;
	sp->s.count = 100;
	sp->s.frame_size = size;
	sp->s.headers = &sp->h;
	sp->s.payload = &sp->p;
	sp->h.src_mac = "02:00:00:00:00:01";
	sp->h.dst_mac = "02:00:00:00:AB:cd";
	sp->h.ip_version = ipv6 ? XCEIVER__V1__IP_VERSION__IP_VERSION_6 :
				  XCEIVER__V1__IP_VERSION__IP_VERSION_4;
	sp->h.src_ip = ipv6 ? "2001:2::1" : "198.18.0.1";
	sp->h.dst_ip = ipv6 ? "2001:2::2" : "198.19.0.2";
	sp->h.udp = &sp->u;
	sp->u.src = 1234;
	sp->u.dst = 5678;
	sp->h.vlan_id = vlan;
	sp->h.vlan_prio = vlan ? 5 : 0;
	sp->h.dscp = 46;
	sp->h.ttl = 33;
	sp->p.pattern = pattern;
	sp->p.fill_byte = 0xf0;
}

static void tmpl_ok(struct xc_stream_tmpl *t, struct spec *sp)
{
	char err[256] = "";
	int ret;

	ret = xc_stream_tmpl_init(t, &sp->s, RUN_ID, err, sizeof(err));
	if (ret)
		fail_msg("tmpl init: %s", err);
}

/* ------------------------------------------------ independent references */

/* RFC 1071, one 16-bit big-endian word at a time. */
static uint16_t ref_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static uint64_t ref_mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* Pattern byte k as documented in xc_frame.c. */
static uint8_t ref_pattern(int pattern, uint8_t fill, uint64_t run_id,
			   uint32_t id, uint64_t seq, uint32_t k)
{
	uint64_t seed, w;

	if (pattern == PAT_FIXED)
		return fill;
	if (pattern == PAT_INCREMENT)
		return (fill + k) & 0xff;
	seed = ref_mix(run_id ^ ref_mix(id));
	w = ref_mix(seed ^ seq) + (uint64_t)(k / 8) * 0x9E3779B97F4A7C15ull;
	return w >> (8 * (k % 8));
}

static uint16_t rd16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

/* UDP checksum from scratch over the pseudo-header and the segment. */
static uint16_t ref_udp_csum(const uint8_t *f, uint32_t l3, uint32_t l4,
			     bool ipv6, uint32_t len)
{
	uint8_t ph[40];
	uint8_t *seg;
	uint32_t ulen = len - l4, sum = 0, i;
	uint16_t c;

	memset(ph, 0, sizeof(ph));
	if (ipv6) {
		memcpy(ph, f + l3 + 8, 32);
		for (i = 0; i < 32; i += 2)
			sum += rd16(ph + i);
	} else {
		memcpy(ph, f + l3 + 12, 8);
		for (i = 0; i < 8; i += 2)
			sum += rd16(ph + i);
	}
	sum += 17 + ulen;
	seg = malloc(ulen);
	assert_non_null(seg);
	memcpy(seg, f + l4, ulen);
	seg[6] = 0;
	seg[7] = 0;
	c = ref_csum(seg, ulen, sum);
	free(seg);
	return c ? c : 0xffff;
}

/* -------------------------------------------------------------- tests */

static void test_csum_reference(void **state)
{
	static const uint8_t hdr[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	uint8_t buf[301];
	uint32_t sum;
	size_t len, i;

	assert_int_equal(xc_csum_fold(xc_csum_partial(hdr, 20, 0)), 0xb861);
	/* in two even chunks */
	sum = xc_csum_partial(hdr, 10, 0);
	assert_int_equal(xc_csum_fold(xc_csum_partial(hdr + 10, 10, sum)),
			 0xb861);

	srandom(7);
	for (len = 0; len <= sizeof(buf); len++) {
		for (i = 0; i < len; i++)
			buf[i] = random();
		if (len % 5 == 0)
			memset(buf, 0xff, len);
		assert_int_equal(xc_csum_fold(xc_csum_partial(buf, len, 0)),
				 ref_csum(buf, len, 0));
		assert_int_equal(xc_csum_fold(xc_csum_partial(buf, len,
							      0x1fffe)),
				 ref_csum(buf, len, 0x1fffe));
	}
}

/* Every header field where it belongs, for the spec sp. */
static void verify_headers(const uint8_t *f, uint32_t len,
			   const struct spec *sp,
			   const struct xc_stream_tmpl *t)
{
	bool ipv6 = sp->h.ip_version == XCEIVER__V1__IP_VERSION__IP_VERSION_6;
	uint32_t l3 = 14, l4;
	uint8_t a[16];

	assert_memory_equal(f, "\x02\x00\x00\x00\xab\xcd", 6);
	assert_memory_equal(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	if (sp->h.vlan_id) {
		assert_int_equal(rd16(f + 12), 0x8100);
		assert_int_equal(rd16(f + 14),
				 sp->h.vlan_prio << 13 | sp->h.vlan_id);
		l3 += 4;
	}
	assert_int_equal(rd16(f + l3 - 2), ipv6 ? 0x86dd : 0x0800);
	assert_int_equal(t->l3_off, l3);
	if (ipv6) {
		l4 = l3 + 40;
		assert_int_equal(rd32(f + l3), 6u << 28 | (46u << 2) << 20);
		assert_int_equal(rd16(f + l3 + 4), len - l4);
		assert_int_equal(f[l3 + 6], 17);
		assert_int_equal(f[l3 + 7], 33);
		inet_pton(AF_INET6, sp->h.src_ip, a);
		assert_memory_equal(f + l3 + 8, a, 16);
		inet_pton(AF_INET6, sp->h.dst_ip, a);
		assert_memory_equal(f + l3 + 24, a, 16);
	} else {
		l4 = l3 + 20;
		assert_int_equal(f[l3], 0x45);
		assert_int_equal(f[l3 + 1], 46 << 2);
		assert_int_equal(rd16(f + l3 + 2), len - l3);
		assert_int_equal(rd16(f + l3 + 4), 0);
		assert_int_equal(rd16(f + l3 + 6), 0x4000);
		assert_int_equal(f[l3 + 8], 33);
		assert_int_equal(f[l3 + 9], 17);
		assert_int_equal(ref_csum(f + l3, 20, 0), 0);
		inet_pton(AF_INET, sp->h.src_ip, a);
		assert_memory_equal(f + l3 + 12, a, 4);
		inet_pton(AF_INET, sp->h.dst_ip, a);
		assert_memory_equal(f + l3 + 16, a, 4);
	}
	assert_int_equal(t->l4_off, l4);
	assert_int_equal(rd16(f + l4), 1234);
	assert_int_equal(rd16(f + l4 + 2), 5678);
	assert_int_equal(rd16(f + l4 + 4), len - l4);
	assert_int_equal(rd16(f + l4 + 6), ref_udp_csum(f, l3, l4, ipv6, len));
}

static void verify_payload(const uint8_t *f, uint32_t len,
			   const struct spec *sp,
			   const struct xc_stream_tmpl *t, uint64_t seq,
			   uint32_t tx_ns32)
{
	const uint8_t *p = f + t->hdr_len;
	uint32_t k;

	assert_int_equal(rd16(p), XC_MAGIC);
	assert_int_equal(rd32(p + 2), (uint32_t)RUN_ID);
	assert_int_equal(rd16(p + 6), sp->s.id);
	assert_true(((uint64_t)rd16(p + 8) << 32 | rd32(p + 10)) == seq);
	assert_int_equal(rd32(p + 14), tx_ns32);
	for (k = 0; t->hdr_len + XC_PHDR_LEN + k < len; k++)
		if (p[XC_PHDR_LEN + k] !=
		    ref_pattern(sp->p.pattern, sp->p.fill_byte, RUN_ID,
				sp->s.id, seq, k))
			fail_msg("pattern %d byte %u differs",
				 (int)sp->p.pattern, k);
}

static void roundtrip_one(bool ipv6, uint32_t vlan, uint32_t size,
			  int pattern)
{
	static const uint64_t seqs[] = { 0, 1, 77, (1ull << 40) + 5,
					 XC_SEQ_MAX };
	struct xc_stream_tmpl t;
	struct xc_phdr ph;
	struct spec sp;
	uint32_t len, bad = 12345;
	uint8_t *f;
	size_t i;

	spec_init(&sp, ipv6, vlan, size, pattern);
	tmpl_ok(&t, &sp);
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		f = malloc(size - XC_FCS_LEN);
		assert_non_null(f);
		len = xc_frame_build(&t, seqs[i], 0xdeadbeef + i, f);
		assert_int_equal(len, size - XC_FCS_LEN);
		verify_headers(f, len, &sp, &t);
		verify_payload(f, len, &sp, &t, seqs[i], 0xdeadbeef + i);
		assert_int_equal(xc_frame_parse(f, len, &ph), 0);
		assert_int_equal(ph.run_tag, (uint32_t)RUN_ID);
		assert_int_equal(ph.stream_id, 3);
		assert_true(ph.seq == seqs[i]);
		assert_int_equal(ph.tx_ns32, 0xdeadbeef + i);
		assert_int_equal(xc_frame_check(&t, seqs[i], f, len, &bad), 0);
		/* the frame of one seq is not the frame of another */
		if (len > t.hdr_len + XC_PHDR_LEN + 0u)
			assert_int_equal(xc_frame_check(&t, seqs[i] ^ 1, f,
							len, &bad), -EBADMSG);
		free(f);
	}
}

static void test_roundtrip(void **state)
{
	static const uint32_t sizes[] = { 64, 65, 66, 67, 68, 69, 71, 84,
					  85, 88, 128, 1500, 1518, 9018 };
	static const int pats[] = { PAT_SEEDED, PAT_FIXED, PAT_INCREMENT };
	static const uint32_t vlans[] = { 0, 100 };
	size_t i, p, v, ip;

	for (ip = 0; ip < 2; ip++)
		for (v = 0; v < 2; v++)
			for (p = 0; p < 3; p++)
				for (i = 0; i < 14; i++) {
					if (sizes[i] <
					    xc_frame_min_size(vlans[v], ip))
						continue;
					roundtrip_one(ip, vlans[v], sizes[i],
						      pats[p]);
				}
}

static void test_min_size(void **state)
{
	assert_int_equal(xc_frame_min_size(false, false), 64);
	assert_int_equal(xc_frame_min_size(true, false), 68);
	assert_int_equal(xc_frame_min_size(false, true), 84);
	assert_int_equal(xc_frame_min_size(true, true), 88);
}

/* First byte of the UDP checksum that a rebuilt frame has differently. */
static uint32_t csum_diff_off(const struct xc_stream_tmpl *t,
			      const uint8_t *f, uint32_t txo)
{
	uint8_t g[XC_MAX_FRAME];
	uint32_t c = t->l4_off + 6;

	xc_frame_build(t, 42, rd32(f + txo), g);
	assert_memory_not_equal(f + c, g + c, 2);
	return f[c] != g[c] ? c : c + 1;
}

/* Flip one bit at every offset: check reports exactly that offset. */
static void bitflip_all(bool ipv6, uint32_t vlan, uint32_t size, int pattern)
{
	struct xc_stream_tmpl t;
	struct spec sp;
	uint32_t len, i, bad, want, txo;
	uint8_t *f;

	spec_init(&sp, ipv6, vlan, size, pattern);
	tmpl_ok(&t, &sp);
	f = malloc(size);
	assert_non_null(f);
	len = xc_frame_build(&t, 42, 1000, f);
	txo = t.hdr_len + 14;
	for (i = 0; i < len; i++) {
		f[i] ^= 1u << (i % 8);
		bad = 0xffffffff;
		assert_int_equal(xc_frame_check(&t, 42, f, len, &bad),
				 -EBADMSG);
		/* a changed tx time only shows in the UDP checksum */
		want = i;
		if (i >= txo && i < txo + 4)
			want = csum_diff_off(&t, f, txo);
		if (bad != want)
			fail_msg("flip at %u reported at %u, want %u", i, bad,
				 want);
		f[i] ^= 1u << (i % 8);
	}
	assert_int_equal(xc_frame_check(&t, 42, f, len, &bad), 0);
	free(f);
}

static void test_bitflip(void **state)
{
	bitflip_all(false, 0, 64, PAT_SEEDED);
	bitflip_all(false, 0, 131, PAT_SEEDED);
	bitflip_all(false, 7, 128, PAT_FIXED);
	bitflip_all(true, 0, 129, PAT_INCREMENT);
	bitflip_all(true, 4094, 1518, PAT_SEEDED);
	bitflip_all(false, 0, 9018, PAT_INCREMENT);
}

/* Same seq, other tx time written consistently: still intact. */
static void test_tx_time_free(void **state)
{
	struct xc_stream_tmpl t;
	struct spec sp;
	uint8_t f[1514];
	uint32_t len, bad;

	spec_init(&sp, false, 0, 1518, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	len = xc_frame_build(&t, 9, 0x12345678, f);
	assert_int_equal(xc_frame_check(&t, 9, f, len, &bad), 0);
	len = xc_frame_build(&t, 9, 0, f);
	assert_int_equal(xc_frame_check(&t, 9, f, len, &bad), 0);
}

/* A UDP checksum that computes to 0 goes out as 0xffff (RFC 768). */
static void test_udp_csum_zero(void **state)
{
	struct xc_stream_tmpl t;
	struct spec sp;
	uint8_t f[124];
	uint32_t len, bad, sum, tx;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		spec_init(&sp, v6, 0, 128, PAT_SEEDED);
		tmpl_ok(&t, &sp);
		len = xc_frame_build(&t, 1, 0, f);
		/* the sum is linear in the tx time: steer it to 0xffff */
		sum = ~rd16(f + t.l4_off + 6) & 0xffff;
		tx = 0xffff - sum;
		len = xc_frame_build(&t, 1, tx, f);
		assert_int_equal(rd16(f + t.l4_off + 6), 0xffff);
		assert_int_equal(ref_udp_csum(f, t.l3_off, t.l4_off, v6, len),
				 0xffff);
		assert_int_equal(xc_frame_check(&t, 1, f, len, &bad), 0);
		f[t.l4_off + 6] = 0;
		f[t.l4_off + 7] = 0;
		assert_int_equal(xc_frame_check(&t, 1, f, len, &bad), -EBADMSG);
		assert_int_equal(bad, t.l4_off + 6);
	}
}

static void test_wrong_length(void **state)
{
	struct xc_stream_tmpl t, big;
	struct spec sp;
	uint8_t f[400];
	uint32_t len, bad;

	spec_init(&sp, false, 0, 128, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	len = xc_frame_build(&t, 5, 1, f);

	/* one byte short: the expected length is the first bad offset */
	assert_int_equal(xc_frame_check(&t, 5, f, len - 1, &bad), -EBADMSG);
	assert_int_equal(bad, len - 1);
	/* longer: the first extra byte */
	memset(f + len, 0, 10);
	assert_int_equal(xc_frame_check(&t, 5, f, len + 10, &bad), -EBADMSG);
	assert_int_equal(bad, len);
	/* short and damaged earlier: the damage comes first */
	f[70] ^= 0x80;
	assert_int_equal(xc_frame_check(&t, 5, f, len - 3, &bad), -EBADMSG);
	assert_int_equal(bad, 70);

	/* a longer frame of the same stream: its IPv4 length differs */
	sp.s.frame_size = 200;
	tmpl_ok(&big, &sp);
	len = xc_frame_build(&big, 5, 1, f);
	assert_int_equal(xc_frame_check(&t, 5, f, len, &bad), -EBADMSG);
	assert_int_equal(bad, 14 + 3);
}

static uint8_t *dup_exact(const uint8_t *f, uint32_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, f, len);
	return p;
}

static void truncations(bool ipv6, uint32_t vlan, uint32_t size)
{
	struct xc_stream_tmpl t;
	struct xc_phdr ph;
	struct spec sp;
	uint8_t f[XC_MAX_FRAME];
	uint32_t len, n, bad;
	uint8_t *p;

	spec_init(&sp, ipv6, vlan, size, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	len = xc_frame_build(&t, 11, 2, f);
	for (n = 0; n <= len; n++) {
		/* exact-size heap copy: valgrind sees any overread */
		p = dup_exact(f, n);
		if (n >= t.hdr_len + XC_PHDR_LEN + 0u) {
			assert_int_equal(xc_frame_parse(p, n, &ph), 0);
			assert_true(ph.seq == 11);
		} else {
			assert_int_equal(xc_frame_parse(p, n, &ph), -EBADMSG);
		}
		if (n < len) {
			assert_int_equal(xc_frame_check(&t, 11, p, n, &bad),
					 -EBADMSG);
			assert_int_equal(bad, n);
		} else {
			assert_int_equal(xc_frame_check(&t, 11, p, n, &bad),
					 0);
		}
		free(p);
	}
}

static void test_truncated(void **state)
{
	truncations(false, 0, 64);
	truncations(false, 9, 200);
	truncations(true, 0, 84);
	truncations(true, 9, 300);
	assert_int_equal(xc_frame_parse(NULL, 0, NULL), -EBADMSG);
}

static void test_garbage(void **state)
{
	struct xc_stream_tmpl t4, t6;
	struct spec s4, s6;
	struct xc_phdr ph = { 0 };
	uint8_t base[2][200], *p;
	uint32_t len, n, i, k, bad;
	int ok = 0;

	spec_init(&s4, false, 5, 200, PAT_SEEDED);
	spec_init(&s6, true, 0, 200, PAT_SEEDED);
	tmpl_ok(&t4, &s4);
	tmpl_ok(&t6, &s6);
	xc_frame_build(&t4, 1, 1, base[0]);
	xc_frame_build(&t6, 1, 1, base[1]);
	srandom(1);
	for (i = 0; i < 200000; i++) {
		len = random() % 200;
		p = malloc(len ? len : 1);
		assert_non_null(p);
		if (i & 1) {
			for (n = 0; n < len; n++)
				p[n] = random();
		} else {
			/* a real frame with a few random bytes */
			memcpy(p, base[(i >> 1) & 1], len);
			for (k = random() % 4; k && len; k--)
				p[random() % len] = random();
		}
		if (!xc_frame_parse(p, len, &ph))
			ok++;
		xc_frame_check((i >> 1) & 1 ? &t6 : &t4, ph.seq & 0xff, p,
			       len, &bad);
		free(p);
	}
	/* random bytes almost never parse; damaged frames often do */
	assert_true(ok > 1000);
}

/* Hand-made variants the parser must accept or refuse. */
static void test_parse_variants(void **state)
{
	struct xc_stream_tmpl t;
	struct xc_phdr ph;
	struct spec sp;
	uint8_t f[200], g[210];
	uint32_t len;

	spec_init(&sp, false, 0, 128, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	len = xc_frame_build(&t, 3, 0, f);
	assert_int_equal(xc_frame_parse(f, len, &ph), 0);

	/* IPv4 options (IHL 6) are fine */
	memcpy(g, f, 34);
	memset(g + 34, 1, 4);
	memcpy(g + 38, f + 34, len - 34);
	g[14] = 0x46;
	assert_int_equal(xc_frame_parse(g, len + 4, &ph), 0);
	assert_true(ph.seq == 3);
	g[14] = 0x44;				/* IHL 4 */
	assert_int_equal(xc_frame_parse(g, len + 4, &ph), -EBADMSG);

	memcpy(g, f, len);
	g[14 + 6] |= 0x20;			/* more fragments */
	assert_int_equal(xc_frame_parse(g, len, &ph), -EBADMSG);
	memcpy(g, f, len);
	g[14 + 7] = 1;				/* fragment offset */
	assert_int_equal(xc_frame_parse(g, len, &ph), -EBADMSG);
	memcpy(g, f, len);
	g[14 + 9] = 6;				/* TCP */
	assert_int_equal(xc_frame_parse(g, len, &ph), -EBADMSG);
	memcpy(g, f, len);
	g[14] = 0x65;				/* version 6 as IPv4 */
	assert_int_equal(xc_frame_parse(g, len, &ph), -EBADMSG);
	memcpy(g, f, len);
	g[42] ^= 1;				/* magic */
	assert_int_equal(xc_frame_parse(g, len, &ph), -EBADMSG);
	memcpy(g, f, len);
	g[12] = 0x88;				/* other ethertype */
	assert_int_equal(xc_frame_parse(g, len, &ph), -EBADMSG);

	/* two VLAN tags are refused */
	spec_init(&sp, false, 10, 128, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	len = xc_frame_build(&t, 3, 0, f);
	assert_int_equal(xc_frame_parse(f, len, &ph), 0);
	memcpy(g, f, 16);
	g[16] = 0x81;
	g[17] = 0x00;
	g[18] = 0;
	g[19] = 10;
	memcpy(g + 20, f + 16, len - 16);
	assert_int_equal(xc_frame_parse(g, len + 4, &ph), -EBADMSG);

	/* IPv6 with another next header (an extension header) */
	spec_init(&sp, true, 0, 128, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	len = xc_frame_build(&t, 3, 0, f);
	assert_int_equal(xc_frame_parse(f, len, &ph), 0);
	f[14 + 6] = 0;				/* hop-by-hop */
	assert_int_equal(xc_frame_parse(f, len, &ph), -EBADMSG);
}

static void expect_err(struct spec *sp, const char *want)
{
	struct xc_stream_tmpl t;
	char err[256] = "";

	assert_int_equal(xc_stream_tmpl_init(&t, &sp->s, RUN_ID, err,
					     sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void test_tmpl_errors(void **state)
{
	struct xc_stream_tmpl t;
	struct spec sp;
	char err[256];

	spec_init(&sp, false, 0, 60, PAT_SEEDED);
	expect_err(&sp, "frame_size 60 is below the minimum of 64 for Ethernet/IPv4/UDP");
	spec_init(&sp, false, 1, 67, PAT_SEEDED);
	expect_err(&sp, "frame_size 67 is below the minimum of 68 for Ethernet/802.1Q/IPv4/UDP");
	spec_init(&sp, true, 0, 83, PAT_SEEDED);
	expect_err(&sp, "frame_size 83 is below the minimum of 84 for Ethernet/IPv6/UDP");
	spec_init(&sp, true, 2, 87, PAT_SEEDED);
	expect_err(&sp, "frame_size 87 is below the minimum of 88 for Ethernet/802.1Q/IPv6/UDP");
	spec_init(&sp, false, 0, 9019, PAT_SEEDED);
	expect_err(&sp, "frame_size 9019 is above the maximum of 9018");

	spec_init(&sp, false, 0, 64, PAT_SEEDED);
	sp.h.src_mac = "zz";
	expect_err(&sp, "headers.src_mac: 'zz' is not a MAC address");
	spec_init(&sp, false, 0, 64, PAT_SEEDED);
	sp.h.dst_mac = "02:00:00:00:00:01:02";
	expect_err(&sp, "headers.dst_mac: '02:00:00:00:00:01:02' is not a MAC address");
	spec_init(&sp, false, 0, 64, PAT_SEEDED);
	sp.h.dst_mac = "";
	expect_err(&sp, "headers.dst_mac: missing");
	spec_init(&sp, false, 0, 64, PAT_SEEDED);
	sp.h.src_ip = "2001:2::1";
	expect_err(&sp, "headers.src_ip: '2001:2::1' is not an IPv4 address");
	spec_init(&sp, true, 0, 84, PAT_SEEDED);
	sp.h.dst_ip = "198.18.0.1";
	expect_err(&sp, "headers.dst_ip: '198.18.0.1' is not an IPv6 address");
	spec_init(&sp, false, 0, 64, PAT_SEEDED);
	sp.h.src_ip = "";
	expect_err(&sp, "headers.src_ip: missing");
	spec_init(&sp, false, 4095, 128, PAT_SEEDED);
	expect_err(&sp, "headers.vlan_id: 4095");
	spec_init(&sp, false, 5, 128, PAT_SEEDED);
	sp.h.vlan_prio = 8;
	expect_err(&sp, "headers.vlan_prio: 8");
	spec_init(&sp, false, 0, 128, PAT_SEEDED);
	sp.h.dscp = 64;
	expect_err(&sp, "headers.dscp: 64");
	spec_init(&sp, false, 0, 128, PAT_SEEDED);
	sp.h.ttl = 256;
	expect_err(&sp, "headers.ttl: 256");
	spec_init(&sp, false, 0, 128, PAT_SEEDED);
	sp.u.dst = 70000;
	expect_err(&sp, "headers.udp.dst: 70000");
	spec_init(&sp, false, 0, 128, PAT_SEEDED);
	sp.s.id = 65536;
	expect_err(&sp, "id: 65536 is above the maximum of 65535");
	spec_init(&sp, false, 0, 128, PAT_SEEDED);
	sp.p.fill_byte = 256;
	expect_err(&sp, "payload.fill_byte: 256");
	spec_init(&sp, false, 0, 128, PAT_SEEDED);
	sp.s.headers = NULL;
	expect_err(&sp, "headers: missing");

	/* the edges are fine */
	spec_init(&sp, true, 4094, 9018, PAT_SEEDED);
	sp.h.vlan_prio = 7;
	sp.h.dscp = 63;
	sp.s.id = 65535;
	assert_int_equal(xc_stream_tmpl_init(&t, &sp.s, 1, err, sizeof(err)),
			 0);
	assert_int_equal(t.min_frame, 88);
}

static void test_defaults(void **state)
{
	struct xc_stream_tmpl t, t2;
	struct spec sp;
	uint8_t f[64];

	spec_init(&sp, false, 0, 64, PAT_SEEDED);
	sp.h.udp = NULL;
	sp.h.ttl = 0;
	sp.s.payload = NULL;
	tmpl_ok(&t, &sp);
	xc_frame_build(&t, 0, 0, f);
	assert_int_equal(rd16(f + 34), XC_DEF_SRC_PORT);
	assert_int_equal(rd16(f + 36), XC_DEF_DST_PORT);
	assert_int_equal(f[14 + 8], 64);
	assert_int_equal(t.pattern, PAT_SEEDED);

	/* the seed depends on both the run and the stream */
	spec_init(&sp, false, 0, 64, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	sp.s.id = 4;
	tmpl_ok(&t2, &sp);
	assert_true(t.seed != t2.seed);
	assert_int_equal(xc_stream_tmpl_init(&t2, &sp.s, RUN_ID + 1, NULL, 0),
			 0);
	assert_true(t.seed != t2.seed);
}

/* Frames with their own length and ports (the generator's per-seq view). */
static void pkt_one(bool ipv6, uint32_t vlan, uint32_t dlen, uint16_t sport,
		    uint16_t dport, uint64_t seq)
{
	struct xc_stream_tmpl t;
	struct xc_gen_pkt p;
	struct spec sp;
	uint8_t f[XC_MAX_FRAME], g[XC_MAX_FRAME];
	uint32_t l3, l4, bad = 0, len;

	spec_init(&sp, ipv6, vlan, 1518, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	memset(&p, 0, sizeof(p));
	p.seq = seq;
	p.frame_len = dlen;
	p.src_port = sport;
	p.dst_port = dport;
	len = xc_frame_build_pkt(&t, &p, 777, f);
	assert_int_equal(len, dlen);
	l3 = t.l3_off;
	l4 = t.l4_off;
	if (ipv6) {
		assert_int_equal(rd16(f + l3 + 4), dlen - l4);
	} else {
		assert_int_equal(rd16(f + l3 + 2), dlen - l3);
		assert_int_equal(ref_csum(f + l3, 20, 0), 0);
	}
	assert_int_equal(rd16(f + l4), sport);
	assert_int_equal(rd16(f + l4 + 2), dport);
	assert_int_equal(rd16(f + l4 + 4), dlen - l4);
	assert_int_equal(rd16(f + l4 + 6), ref_udp_csum(f, l3, l4, ipv6, dlen));
	verify_payload(f, dlen, &sp, &t, seq, 777);
	assert_int_equal(xc_frame_check_pkt(&t, &p, f, len, &bad), 0);
	/* another port, another length: not this frame */
	p.src_port ^= 1;
	assert_int_equal(xc_frame_check_pkt(&t, &p, f, len, &bad), -EBADMSG);
	assert_int_equal(bad, l4 + 1);
	p.src_port ^= 1;
	p.frame_len = dlen + 1;
	assert_int_equal(xc_frame_check_pkt(&t, &p, f, len, &bad), -EBADMSG);
	p.frame_len = dlen;
	/* with the template's own values it is xc_frame_build */
	p.frame_len = t.frame_size - XC_FCS_LEN;
	p.src_port = t.src_port;
	p.dst_port = t.dst_port;
	xc_frame_build_pkt(&t, &p, 5, f);
	xc_frame_build(&t, seq, 5, g);
	assert_memory_equal(f, g, p.frame_len);
}

static void test_pkt(void **state)
{
	static const uint32_t lens[] = { 60, 61, 63, 100, 1000, 1514, 9014 };
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		pkt_one(false, 0, lens[i], 1000 + i, 2000 - i, i * 77);
		if (lens[i] >= 84)
			pkt_one(true, 7, lens[i], 65535, 1, i);
		/* 4 bytes more with the tag, within the largest frame */
		pkt_one(false, 9, lens[i] + 4 <= XC_MAX_FRAME - XC_FCS_LEN ?
			lens[i] + 4 : lens[i], 9000, 9001 + i, i);
	}
}

/*
 * A Tx buffer used again: xc_frame_update_pkt on the frame of another
 * seq gives exactly what a full build gives, for every pattern, headers,
 * length and checksum corner (seq and time words steered so that the
 * checksum of the old or the new frame computes to 0, sent as 0xffff).
 */
static void update_init(struct xc_stream_tmpl *t, struct xc_gen_pkt *p,
			bool ipv6, uint32_t vlan, uint32_t dlen, int pattern,
			uint64_t seq)
{
	struct spec sp;

	spec_init(&sp, ipv6, vlan, 1518, pattern);
	tmpl_ok(t, &sp);
	memset(p, 0, sizeof(*p));
	p->frame_len = dlen;
	p->src_port = 4000;
	p->dst_port = 4001 + dlen % 7;
	p->seq = seq;
}

static void update_one(bool ipv6, uint32_t vlan, uint32_t dlen, int pattern,
		       uint64_t seq0, uint32_t tx0, uint64_t seq1,
		       uint32_t tx1)
{
	uint8_t f[XC_MAX_FRAME], g[XC_MAX_FRAME];
	struct xc_stream_tmpl t;
	struct xc_gen_pkt p;
	uint32_t bad = 0;

	update_init(&t, &p, ipv6, vlan, dlen, pattern, seq0);
	xc_frame_build_pkt(&t, &p, tx0, f);
	p.seq = seq1;
	assert_int_equal(xc_frame_update_pkt(&t, &p, tx1, f), dlen);
	xc_frame_build_pkt(&t, &p, tx1, g);
	assert_memory_equal(f, g, dlen);
	assert_int_equal(rd16(f + t.l4_off + 6),
			 ref_udp_csum(f, t.l3_off, t.l4_off, ipv6, dlen));
	assert_int_equal(xc_frame_check_pkt(&t, &p, f, dlen, &bad), 0);
}

/* The tx time that makes seq's frame checksum 0xffff (computed 0). */
static uint32_t update_zero_tx(bool ipv6, uint32_t dlen, int pattern,
			       uint64_t seq)
{
	uint8_t f[XC_MAX_FRAME];
	struct xc_stream_tmpl t;
	struct xc_gen_pkt p;
	uint32_t sum;

	update_init(&t, &p, ipv6, 0, dlen, pattern, seq);
	xc_frame_build_pkt(&t, &p, 0, f);
	/* the sum is linear in the low tx word (see test_udp_csum_zero) */
	sum = ~rd16(f + t.l4_off + 6) & 0xffff;
	return 0xffff - sum;
}

static void test_update(void **state)
{
	static const uint32_t lens[] = { 60, 61, 64, 77, 200, 1514 };
	static const int pats[] = { PAT_SEEDED, PAT_FIXED, PAT_INCREMENT };
	uint64_t seq = 1;
	uint32_t z, vlan;
	size_t i, k;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			if (lens[i] + XC_FCS_LEN < xc_frame_min_size(false, v6))
				continue;
			for (k = 0; k < 3; k++) {
				seq = seq * 6364136223846793005ull + 1;
				vlan = k == 1 && lens[i] + XC_FCS_LEN >=
				       xc_frame_min_size(true, v6) ? 42 : 0;
				update_one(v6, vlan, lens[i],
					   pats[k], seq & XC_SEQ_MAX, 17,
					   (seq >> 9) & XC_SEQ_MAX,
					   (uint32_t)(seq >> 20));
				update_one(v6, 0, lens[i], pats[k], 0, 0,
					   XC_SEQ_MAX, 0xffffffffu);
				/* from and to a checksum sent as 0xffff */
				z = update_zero_tx(v6, lens[i], pats[k], 5);
				update_one(v6, 0, lens[i], pats[k], 5, z, 6,
					   1000);
				z = update_zero_tx(v6, lens[i], pats[k], 8);
				update_one(v6, 0, lens[i], pats[k], 7, 3, 8,
					   z);
			}
		}
	}
}

/* Shrunk, grown and header-only checks. */
static void test_check_part(void **state)
{
	struct xc_stream_tmpl t;
	struct xc_gen_pkt p;
	struct spec sp;
	uint8_t f[XC_MAX_FRAME + 64];
	uint32_t bad = 0, len;

	spec_init(&sp, false, 0, 1518, PAT_SEEDED);
	tmpl_ok(&t, &sp);
	memset(&p, 0, sizeof(p));
	p.seq = 12;
	p.frame_len = 1000;
	p.src_port = 1234;
	p.dst_port = 5679;
	len = xc_frame_build_pkt(&t, &p, 1, f);
	/* shrink by 100: the 900 bytes that stayed are right */
	assert_int_equal(xc_frame_check_part(&t, &p, f, len - 100, len - 100,
					     true, &bad), 0);
	assert_int_equal(xc_frame_check_part(&t, &p, f, len - 99, len - 100,
					     true, &bad), -EBADMSG);
	assert_int_equal(bad, len - 100);
	f[800] ^= 4;
	assert_int_equal(xc_frame_check_part(&t, &p, f, len - 100, len - 100,
					     true, &bad), -EBADMSG);
	assert_int_equal(bad, 800);
	/* header-only: the payload is not looked at */
	assert_int_equal(xc_frame_check_part(&t, &p, f, len, len, false,
					     &bad), 0);
	f[t.hdr_len + 9] ^= 1;		/* the seq */
	assert_int_equal(xc_frame_check_part(&t, &p, f, len, len, false,
					     &bad), -EBADMSG);
	assert_int_equal(bad, t.hdr_len + 9);
	f[t.hdr_len + 9] ^= 1;
	f[800] ^= 4;
	/* grown by 64: whatever follows the frame */
	memset(f + len, 0xee, 64);
	assert_int_equal(xc_frame_check_part(&t, &p, f, len + 64, len + 64,
					     true, &bad), 0);
	assert_int_equal(xc_frame_check_part(&t, &p, f, len, len + 64,
					     true, &bad), -EBADMSG);
	assert_int_equal(bad, len);
	/* the IPv4 header checksum is still checked */
	f[t.l3_off + 10] ^= 1;
	assert_int_equal(xc_frame_check_part(&t, &p, f, len, len, false,
					     &bad), -EBADMSG);
	assert_int_equal(bad, t.l3_off + 10);
}

/* A stream with Sizes: the size checks name the field. */
static void test_tmpl_sizes(void **state)
{
	static uint32_t list[] = { 64, 9018, 128 };
	Xceiver__V1__Sizes z = XCEIVER__V1__SIZES__INIT;
	struct xc_stream_tmpl t;
	struct spec sp;
	char err[256] = "";

	spec_init(&sp, false, 0, 0, PAT_SEEDED);
	sp.s.sizes = &z;
	z.list = list;
	z.n_list = 3;
	assert_int_equal(xc_stream_tmpl_init(&t, &sp.s, RUN_ID, err,
					     sizeof(err)), 0);
	assert_int_equal(t.frame_size, 9018);
	assert_int_equal(t.max_frame, 9018);
	list[2] = 9019;
	assert_int_equal(xc_stream_tmpl_init(&t, &sp.s, RUN_ID, err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "sizes.list[2]: 9019 is above the maximum of 9018");
	list[2] = 128;
	sp.h.vlan_id = 5;
	assert_int_equal(xc_stream_tmpl_init(&t, &sp.s, RUN_ID, err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "sizes.list[0]: 64 is below the minimum of 68 for Ethernet/802.1Q/IPv4/UDP");
	z.n_list = 0;
	z.standard_imix = true;
	assert_int_equal(xc_stream_tmpl_init(&t, &sp.s, RUN_ID, err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "sizes.standard_imix: 64 is below the minimum of 68 for Ethernet/802.1Q/IPv4/UDP");
	sp.h.vlan_id = 0;
	assert_int_equal(xc_stream_tmpl_init(&t, &sp.s, RUN_ID, err,
					     sizeof(err)), 0);
	assert_int_equal(t.frame_size, 1518);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_reference),
		cmocka_unit_test(test_min_size),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bitflip),
		cmocka_unit_test(test_tx_time_free),
		cmocka_unit_test(test_udp_csum_zero),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_parse_variants),
		cmocka_unit_test(test_tmpl_errors),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_pkt),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_check_part),
		cmocka_unit_test(test_tmpl_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
