// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Frames as the path may change them: routed frames (MACs, TTL or hop
 * limit, IPv4 checksum), DSCP remarking, tags rewritten, taken out or
 * added, and tags the Rx host took out (always, or once the XDP program
 * says it could not ask); each allowed change counted, each other change
 * corrupt at the offset of its first byte.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xc_validate.h"

#define RUN_ID	0x5a5a5a5a87654321ull
#define COUNT	20

struct spec {
	Xceiver__V1__Stream s;
	Xceiver__V1__Headers h;
	Xceiver__V1__Sizes z;
	Xceiver__V1__Path p;
	uint32_t sizes[3];
};

static void spec_init(struct spec *sp, bool ipv6, uint32_t vlan)
{
	xceiver__v1__stream__init(&sp->s);
	xceiver__v1__headers__init(&sp->h);
	xceiver__v1__sizes__init(&sp->z);
	xceiver__v1__path__init(&sp->p);
	sp->s.id = 1;
	sp->s.count = COUNT;
	sp->s.frame_size = 256;
	sp->s.headers = &sp->h;
	sp->h.src_mac = "02:00:00:00:00:01";
	sp->h.dst_mac = "02:00:00:00:00:02";
	sp->h.ip_version = ipv6 ? XCEIVER__V1__IP_VERSION__IP_VERSION_6 :
				  XCEIVER__V1__IP_VERSION__IP_VERSION_4;
	sp->h.src_ip = ipv6 ? "2001:2::1" : "198.18.0.1";
	sp->h.dst_ip = ipv6 ? "2001:2:0:1::2" : "198.18.1.2";
	sp->h.ttl = 64;
	sp->h.dscp = 10;
	sp->h.vlan_id = vlan;
	sp->h.vlan_prio = vlan ? 5 : 0;
}

/* Various sizes: the generator's path of the check. */
static void spec_sizes(struct spec *sp)
{
	sp->sizes[0] = 128;
	sp->sizes[1] = 700;
	sp->sizes[2] = 1518;
	sp->z.list = sp->sizes;
	sp->z.n_list = 3;
	sp->s.sizes = &sp->z;
	sp->s.frame_size = 0;
}

struct rig {
	struct spec sp;
	struct xc_stream_tmpl t;	/* what Tx sends */
	struct xc_rxv v;
	struct xc_rxv_stream *vs;
};

static void rig_init(struct rig *r, bool vlan_strip)
{
	Xceiver__V1__Stream *ss[1] = { &r->sp.s };
	struct xc_rxv_opts o = { .path = &r->sp.p, .vlan_strip = vlan_strip };
	char err[256];

	assert_int_equal(xc_stream_tmpl_init(&r->t, &r->sp.s, RUN_ID, err,
					     sizeof(err)), 0);
	if (xc_rxv_init_opts(&r->v, RUN_ID, ss, 1, &o, err, sizeof(err)))
		fail_msg("%s", err);
	r->vs = &r->v.streams[0];
}

static uint32_t build(const struct rig *r, uint64_t seq, uint8_t *f)
{
	struct xc_gen_pkt p;

	p.seq = seq;
	p.frame_len = xc_gen_frame_size(&r->vs->gen, seq) - XC_FCS_LEN;
	p.src_port = r->t.src_port;
	p.dst_port = r->t.dst_port;
	return xc_frame_build_pkt(&r->t, &p, 0, f);
}

static void ip4_csum(uint8_t *ip)
{
	uint16_t c;

	ip[10] = 0;
	ip[11] = 0;
	c = xc_csum_fold(xc_csum_partial(ip, 20, 0));
	ip[10] = c >> 8;
	ip[11] = c;
}

/* What a router does: new MACs, TTL - hops, the IPv4 checksum again. */
static void route(uint8_t *f, uint32_t l3, bool ipv6, uint32_t hops)
{
	static const uint8_t macs[12] = { 6, 0, 0, 0, 0, 2,
					  2, 0, 0, 0, 0xee, 1 };

	memcpy(f, macs, sizeof(macs));
	if (ipv6) {
		f[l3 + 7] -= hops;
		return;
	}
	f[l3 + 8] -= hops;
	ip4_csum(f + l3);
}

/* Take the tag at 12 out (len - 4). */
static uint32_t pop(uint8_t *f, uint32_t len)
{
	memmove(f + 12, f + 16, len - 16);
	return len - 4;
}

static void expect_corrupt(struct rig *r, uint64_t corrupt, uint32_t off)
{
	assert_int_equal(r->vs->st.corrupt, corrupt);
	assert_true(r->vs->st.has_corrupt);
	assert_int_equal(r->vs->st.first_corrupt_off, off);
}

static void test_no_path_routed_corrupt(void **state)
{
	uint8_t f[XC_MAX_FRAME];
	struct rig r;
	uint32_t len;

	spec_init(&r.sp, false, 0);
	rig_init(&r, false);
	assert_false(r.v.path_any);
	len = build(&r, 0, f);
	route(f, 14, false, 1);
	assert_false(xc_rxv_frame(&r.v, f, len));
	expect_corrupt(&r, 1, 0);
	xc_rxv_free(&r.v);
}

static void routed_run(bool ipv6, bool sizes)
{
	uint8_t f[XC_MAX_FRAME];
	uint32_t len, seq;
	struct rig r;

	spec_init(&r.sp, ipv6, 0);
	if (sizes)
		spec_sizes(&r.sp);
	r.sp.p.routed_hops = 2;
	rig_init(&r, false);
	for (seq = 0; seq < COUNT; seq++) {
		len = build(&r, seq, f);
		route(f, 14, ipv6, 2);
		assert_true(xc_rxv_frame(&r.v, f, len));
	}
	xc_rxv_finish(&r.v);
	assert_int_equal(r.vs->st.delivered, COUNT);
	assert_int_equal(r.vs->path_macs, COUNT);
	assert_int_equal(r.vs->path_ttl, COUNT);
	assert_int_equal(r.vs->path_dscp, 0);
	assert_int_equal(r.vs->path_vlan, 0);
	xc_rxv_free(&r.v);
}

static void test_routed_ipv4(void **state)
{
	routed_run(false, false);
	routed_run(false, true);
}

static void test_routed_ipv6(void **state)
{
	routed_run(true, false);
	routed_run(true, true);
}

/* Routed by 1 where 2 hops were said; not routed at all; hop limit. */
static void test_ttl_exact(void **state)
{
	uint8_t f[XC_MAX_FRAME];
	struct rig r;
	uint32_t len;

	spec_init(&r.sp, false, 0);
	r.sp.p.routed_hops = 2;
	rig_init(&r, false);
	len = build(&r, 0, f);
	route(f, 14, false, 1);
	assert_false(xc_rxv_frame(&r.v, f, len));
	len = build(&r, 1, f);
	assert_false(xc_rxv_frame(&r.v, f, len));	/* TTL untouched */
	len = build(&r, 2, f);
	route(f, 14, false, 3);
	assert_false(xc_rxv_frame(&r.v, f, len));
	expect_corrupt(&r, 3, 14 + 8);
	assert_int_equal(r.vs->st.delivered, 0);
	xc_rxv_free(&r.v);

	spec_init(&r.sp, true, 0);
	r.sp.p.routed_hops = 1;
	rig_init(&r, false);
	len = build(&r, 0, f);
	route(f, 14, true, 2);
	assert_false(xc_rxv_frame(&r.v, f, len));
	expect_corrupt(&r, 1, 14 + 7);
	xc_rxv_free(&r.v);
}

/* A routed path does not allow a UDP port, DSCP or a bad checksum. */
static void test_routed_other_bytes(void **state)
{
	uint8_t f[XC_MAX_FRAME];
	struct rig r;
	uint32_t len;

	spec_init(&r.sp, false, 0);
	r.sp.p.routed_hops = 1;
	rig_init(&r, false);
	len = build(&r, 0, f);
	route(f, 14, false, 1);
	assert_true(xc_rxv_frame(&r.v, f, len));
	len = build(&r, 1, f);
	route(f, 14, false, 1);
	f[14 + 20 + 1] ^= 1;			/* source port */
	assert_false(xc_rxv_frame(&r.v, f, len));
	expect_corrupt(&r, 1, 14 + 20 + 1);
	len = build(&r, 2, f);
	f[15] = 46 << 2;			/* DSCP, checksum kept right */
	route(f, 14, false, 1);
	assert_false(xc_rxv_frame(&r.v, f, len));
	len = build(&r, 3, f);
	route(f, 14, false, 1);
	f[14 + 11] ^= 0x40;			/* IPv4 checksum */
	assert_false(xc_rxv_frame(&r.v, f, len));
	len = build(&r, 4, f);
	route(f, 14, false, 1);
	f[len - 1] ^= 0x80;			/* last payload byte */
	assert_false(xc_rxv_frame(&r.v, f, len));
	xc_rxv_finish(&r.v);
	assert_int_equal(r.vs->st.corrupt, 4);
	assert_int_equal(r.vs->st.delivered, 1);
	assert_int_equal(r.vs->path_macs, 1);
	assert_int_equal(r.v.anomaly_count, 4);
	assert_int_equal(r.v.anoms[1].bad_offset, 15);
	assert_int_equal(r.v.anoms[2].bad_offset, 14 + 10);
	assert_int_equal(r.v.anoms[3].bad_offset, len - 1);
	xc_rxv_free(&r.v);
}

static void test_dscp_remark(void **state)
{
	uint8_t f[XC_MAX_FRAME];
	struct rig r;
	uint32_t len;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		spec_init(&r.sp, v6, 0);
		r.sp.p.dscp_remark = true;
		rig_init(&r, false);
		len = build(&r, 0, f);
		assert_true(xc_rxv_frame(&r.v, f, len));
		len = build(&r, 1, f);
		if (v6) {
			f[14] = (f[14] & 0xf0) | 0x0b;	/* DSCP 46 */
			f[15] = (f[15] & 0x3f) | 0x80;
		} else {
			f[15] = 46 << 2;
			ip4_csum(f + 14);
		}
		assert_true(xc_rxv_frame(&r.v, f, len));
		/* ECN is not DSCP */
		len = build(&r, 2, f);
		f[v6 ? 15 : 15] ^= v6 ? 0x10 : 0x01;
		if (!v6)
			ip4_csum(f + 14);
		assert_false(xc_rxv_frame(&r.v, f, len));
		expect_corrupt(&r, 1, 15);
		assert_int_equal(r.vs->path_dscp, 1);
		assert_int_equal(r.vs->st.delivered, 2);
		xc_rxv_free(&r.v);
	}
}

/* Tags: taken out by the host (unverified) or the path, rewritten. */
static void test_vlan(void **state)
{
	uint8_t f[XC_MAX_FRAME];
	struct rig r;
	uint32_t len;

	spec_init(&r.sp, false, 100);
	spec_sizes(&r.sp);
	r.sp.sizes[0] = 132;
	rig_init(&r, false);
	len = pop(f, build(&r, 0, f));
	assert_false(xc_rxv_frame(&r.v, f, len));
	expect_corrupt(&r, 1, 12);
	xc_rxv_free(&r.v);

	rig_init(&r, true);
	assert_true(r.v.path_any);
	len = pop(f, build(&r, 0, f));
	assert_true(xc_rxv_frame(&r.v, f, len));
	len = build(&r, 1, f);			/* tag left in */
	assert_true(xc_rxv_frame(&r.v, f, len));
	len = pop(f, build(&r, 2, f));
	f[len - 2] ^= 1;
	assert_false(xc_rxv_frame(&r.v, f, len));
	expect_corrupt(&r, 1, len - 2);
	assert_int_equal(r.vs->vlan_unverified, 1);
	assert_int_equal(r.vs->path_vlan, 0);
	xc_rxv_free(&r.v);

	r.sp.p.vlan_pop = true;
	r.sp.p.vlan_rewrite = true;
	rig_init(&r, false);
	len = pop(f, build(&r, 0, f));
	assert_true(xc_rxv_frame(&r.v, f, len));
	len = build(&r, 1, f);
	f[15] = 200;				/* vlan id 200 */
	assert_true(xc_rxv_frame(&r.v, f, len));
	xc_rxv_finish(&r.v);
	assert_int_equal(r.vs->path_vlan, 2);
	assert_int_equal(r.vs->vlan_unverified, 0);
	xc_rxv_free(&r.v);
}

/* Native mode, a driver without the kfunc: known once the program says. */
static void test_vlan_unknown(void **state)
{
	volatile uint64_t seen = 0;
	uint8_t f[XC_MAX_FRAME];
	struct rig r;
	uint32_t len;

	spec_init(&r.sp, true, 7);
	rig_init(&r, false);
	assert_false(r.v.path_any);
	xc_rxv_set_vlan_unknown(&r.v, &seen);
	assert_true(r.v.path_any);
	len = build(&r, 0, f);
	assert_true(xc_rxv_frame(&r.v, f, len));
	len = pop(f, build(&r, 1, f));
	assert_false(xc_rxv_frame(&r.v, f, len));
	expect_corrupt(&r, 1, 12);
	seen = 1;
	len = pop(f, build(&r, 2, f));
	assert_true(xc_rxv_frame(&r.v, f, len));
	len = build(&r, 3, f);
	assert_true(xc_rxv_frame(&r.v, f, len));
	xc_rxv_finish(&r.v);
	assert_int_equal(r.vs->vlan_unverified, 1);
	assert_int_equal(r.vs->st.delivered, 3);
	xc_rxv_free(&r.v);
}

static void test_vlan_push(void **state)
{
	static const uint8_t tag[4] = { 0x81, 0x00, 0x00, 42 };
	uint8_t f[XC_MAX_FRAME];
	struct rig r;
	uint32_t len;

	spec_init(&r.sp, true, 0);
	r.sp.p.vlan_push = true;
	rig_init(&r, false);
	len = build(&r, 0, f);
	memmove(f + 16, f + 12, len - 12);
	memcpy(f + 12, tag, 4);
	assert_true(xc_rxv_frame(&r.v, f, len + 4));
	len = build(&r, 1, f);
	assert_true(xc_rxv_frame(&r.v, f, len));
	xc_rxv_finish(&r.v);
	assert_int_equal(r.vs->path_vlan, 1);
	assert_int_equal(r.vs->st.delivered, 2);
	xc_rxv_free(&r.v);
}

static void test_spec(void **state)
{
	Xceiver__V1__TestSpec t = XCEIVER__V1__TEST_SPEC__INIT;
	Xceiver__V1__Stream *ss[1];
	struct spec sp;
	char err[256];

	spec_init(&sp, false, 0);
	sp.h.dst_mac = "";
	ss[0] = &sp.s;
	t.streams = ss;
	t.n_streams = 1;
	t.path = &sp.p;
	assert_int_equal(xc_path_check_spec(&t, err, sizeof(err)), 0);
	sp.p.routed_hops = 1;
	assert_int_equal(xc_path_check_spec(&t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "path.gateway: missing (a routed path needs the sender's next hop)");
	sp.p.gateway = "2001:2::fe";
	assert_int_equal(xc_path_check_spec(&t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "path.gateway: '2001:2::fe' is not an IPv4 address (the streams' ip_version)");
	sp.p.gateway = "198.18.0.254";
	assert_int_equal(xc_path_check_spec(&t, err, sizeof(err)), 0);
	sp.p.routed_hops = 64;
	assert_int_equal(xc_path_check_spec(&t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "path.routed_hops: 64 leaves no TTL to streams[0] (ttl 64)");
	sp.p.routed_hops = 0;
	assert_int_equal(xc_path_check_spec(&t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "path.gateway: only with routed_hops (a gateway is a router)");
	sp.p.gateway = "";
	sp.p.vlan_pop = true;
	assert_int_equal(xc_path_check_spec(&t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "path.vlan_pop: streams[0] is untagged (set headers.vlan_id)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_path_routed_corrupt),
		cmocka_unit_test(test_routed_ipv4),
		cmocka_unit_test(test_routed_ipv6),
		cmocka_unit_test(test_ttl_exact),
		cmocka_unit_test(test_routed_other_bytes),
		cmocka_unit_test(test_dscp_remark),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_vlan_unknown),
		cmocka_unit_test(test_vlan_push),
		cmocka_unit_test(test_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
