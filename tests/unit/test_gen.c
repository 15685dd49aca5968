// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The stream generator: determinism, size modes, port ranges, the kernel's
 * descriptor rules (the selftest's invalid descriptor tables in aligned and
 * unaligned mode), fragment layout and invalid_total.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_frame.h"
#include "xc_gen.h"

#define RUN_ID	0x1122334455667788ull
#define MAXD	32

struct spec {
	Xceiver__V1__Stream s;
	Xceiver__V1__Headers h;
	Xceiver__V1__UdpPorts u;
	Xceiver__V1__Sizes z;
	Xceiver__V1__SizeWeight w[4];
	Xceiver__V1__SizeWeight *wp[4];
	Xceiver__V1__DescShape d[MAXD];
	Xceiver__V1__DescShape *dp[MAXD];
	uint32_t frags[MAXD][40];
};

static void spec_init(struct spec *sp, uint64_t count, uint32_t size)
{
	int i;

	memset(sp, 0, sizeof(*sp));
	xceiver__v1__stream__init(&sp->s);
	xceiver__v1__headers__init(&sp->h);
	xceiver__v1__udp_ports__init(&sp->u);
	xceiver__v1__sizes__init(&sp->z);
	for (i = 0; i < 4; i++) {
		xceiver__v1__size_weight__init(&sp->w[i]);
		sp->wp[i] = &sp->w[i];
	}
	for (i = 0; i < MAXD; i++) {
		xceiver__v1__desc_shape__init(&sp->d[i]);
		sp->dp[i] = &sp->d[i];
	}
	sp->s.id = 3;
	sp->s.count = count;
	sp->s.frame_size = size;
	sp->s.headers = &sp->h;
	sp->h.udp = &sp->u;
	sp->h.src_mac = "02:00:00:00:00:01";
	sp->h.dst_mac = "02:00:00:00:00:02";
	sp->h.src_ip = "198.18.0.1";
	sp->h.dst_ip = "198.18.0.2";
}

static void shapes(struct spec *sp, size_t n)
{
	sp->s.n_descs = n;
	sp->s.descs = sp->dp;
}

static void geom(struct xc_umem_geom *g, uint32_t chunk, bool unaligned,
		 bool mb)
{
	Xceiver__V1__XskConfig x = XCEIVER__V1__XSK_CONFIG__INIT;

	x.chunk_size = chunk;
	x.num_chunks = 64;
	x.unaligned = unaligned;
	x.multi_buffer = mb;
	xc_umem_geom_from(g, &x);
}

static void gen_ok(struct xc_gen *g, struct spec *sp,
		   const struct xc_umem_geom *geo)
{
	char err[256] = "";
	int ret;

	ret = xc_gen_init(g, &sp->s, RUN_ID, geo, err, sizeof(err));
	if (ret)
		fail_msg("xc_gen_init: %s", err);
}

static void gen_err(struct spec *sp, const struct xc_umem_geom *geo,
		    const char *want)
{
	struct xc_gen g;
	char err[256] = "";

	assert_int_equal(xc_gen_init(&g, &sp->s, RUN_ID, geo, err,
				     sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
	assert_null(g.vflags);
}

/* ------------------------------------------------------------ sizes */

static void test_determinism(void **state)
{
	struct spec sp;
	struct xc_gen a, b, c;
	struct xc_gen_pkt pa, pb;
	struct xc_umem_geom geo;
	uint64_t seq, diff = 0;

	spec_init(&sp, 100000, 0);
	sp.s.sizes = &sp.z;
	sp.z.min = 64;
	sp.z.max = 9018;
	sp.u.src = 1000;
	sp.u.src_max = 1099;
	sp.d[1].at = XCEIVER__V1__DESC_BASE__DESC_BASE_UMEM_END;
	sp.d[1].len = 64;
	shapes(&sp, 3);
	geom(&geo, 4096, false, true);
	gen_ok(&a, &sp, &geo);
	gen_ok(&b, &sp, &geo);
	for (seq = 0; seq < 100000; seq++) {
		memset(&pa, 0, sizeof(pa));
		memset(&pb, 0, sizeof(pb));
		xc_gen_pkt(&a, seq, &pa);
		xc_gen_pkt(&b, seq, &pb);
		assert_memory_equal(&pa, &pb, sizeof(pa));
		assert_int_equal(xc_gen_frame_size(&a, seq), pa.frame_len + 4);
	}
	/* another run id: another derived seed, other sizes */
	assert_int_equal(xc_gen_init(&c, &sp.s, RUN_ID + 1, &geo, NULL, 0),
			 0);
	for (seq = 0; seq < 1000; seq++)
		diff += xc_gen_frame_size(&a, seq) !=
			xc_gen_frame_size(&c, seq);
	assert_true(diff > 900);
	xc_gen_free(&c);
	/* an explicit seed wins over the run id */
	sp.s.seed = 42;
	xc_gen_free(&a);
	gen_ok(&a, &sp, &geo);
	assert_int_equal(xc_gen_init(&c, &sp.s, RUN_ID + 1, &geo, NULL, 0),
			 0);
	for (seq = 0; seq < 1000; seq++)
		assert_int_equal(xc_gen_frame_size(&a, seq),
				 xc_gen_frame_size(&c, seq));
	sp.s.seed = 43;
	xc_gen_free(&c);
	gen_ok(&c, &sp, &geo);
	for (seq = 0, diff = 0; seq < 1000; seq++)
		diff += xc_gen_frame_size(&a, seq) !=
			xc_gen_frame_size(&c, seq);
	assert_true(diff > 900);
	xc_gen_free(&a);
	xc_gen_free(&b);
	xc_gen_free(&c);
	xc_gen_free(NULL);
}

static void count_sizes(const struct xc_gen *g, uint64_t from, uint64_t n,
			const uint32_t *sizes, uint64_t *cnt, int nsizes)
{
	uint64_t seq;
	uint32_t fs;
	int i;

	memset(cnt, 0, nsizes * sizeof(*cnt));
	for (seq = from; seq < from + n; seq++) {
		fs = xc_gen_frame_size(g, seq);
		for (i = 0; i < nsizes; i++)
			if (fs == sizes[i])
				break;
		assert_true(i < nsizes);
		cnt[i]++;
	}
}

static void test_imix(void **state)
{
	static const uint32_t std[] = { 64, 594, 1518 };
	static const uint32_t cus[] = { 100, 200, 300 };
	struct xc_umem_geom geo;
	struct spec sp;
	struct xc_gen g, h;
	uint64_t cnt[3], seq, same = 0;

	geom(&geo, 4096, false, false);
	spec_init(&sp, 1000, 0);
	sp.s.sizes = &sp.z;
	sp.z.standard_imix = true;
	gen_ok(&g, &sp, &geo);
	assert_int_equal(g.nsizes, 12);
	assert_int_equal(xc_gen_min_frame(&g), 64);
	assert_int_equal(xc_gen_max_frame(&g), 1518);
	/* exact over any whole cycle */
	count_sizes(&g, 5, 12, std, cnt, 3);
	assert_int_equal(cnt[0], 7);
	assert_int_equal(cnt[1], 4);
	assert_int_equal(cnt[2], 1);
	/* within 1% over 120000 frames from an odd start */
	count_sizes(&g, 7, 120000, std, cnt, 3);
	assert_true(cnt[0] > 70000 * 0.99 && cnt[0] < 70000 * 1.01);
	assert_true(cnt[1] > 40000 * 0.99 && cnt[1] < 40000 * 1.01);
	assert_true(cnt[2] > 10000 * 0.99 && cnt[2] < 10000 * 1.01);
	/* another seed shuffles another cycle */
	sp.s.seed = 99;
	gen_ok(&h, &sp, &geo);
	for (seq = 0; seq < 12; seq++)
		same += xc_gen_frame_size(&g, seq) ==
			xc_gen_frame_size(&h, seq);
	assert_true(same < 12);
	xc_gen_free(&g);
	xc_gen_free(&h);

	/* custom weights 1:3:6 */
	sp.z.standard_imix = false;
	sp.z.n_imix = 3;
	sp.z.imix = sp.wp;
	sp.w[0].size = 100;
	sp.w[0].weight = 1;
	sp.w[1].size = 200;
	sp.w[1].weight = 3;
	sp.w[2].size = 300;
	sp.w[2].weight = 6;
	gen_ok(&g, &sp, &geo);
	assert_int_equal(g.nsizes, 10);
	count_sizes(&g, 3, 10, cus, cnt, 3);
	assert_int_equal(cnt[0], 1);
	assert_int_equal(cnt[1], 3);
	assert_int_equal(cnt[2], 6);
	xc_gen_free(&g);

	sp.w[1].weight = 0;
	gen_err(&sp, &geo, "sizes.imix[1].weight: 0");
	sp.w[1].weight = 3;
	sp.w[2].size = 60;
	gen_err(&sp, &geo,
		"sizes.imix[2].size: 60 is below the minimum of 64 for Ethernet/IPv4/UDP");
	sp.w[2].size = 300;
	sp.w[2].weight = 70000;
	gen_err(&sp, &geo, "sizes.imix: weights add up to 70004");
	sp.w[2].weight = 6;
	sp.z.standard_imix = true;
	gen_err(&sp, &geo, "sizes.standard_imix: set together");
}

static void test_list_random(void **state)
{
	static const uint32_t list[] = { 64, 1518, 128, 700 };
	uint32_t lo = UINT32_MAX, hi = 0, fs, seen[4] = { 0 };
	struct xc_umem_geom geo;
	struct spec sp;
	struct xc_gen g;
	uint64_t seq;

	geom(&geo, 4096, false, false);
	spec_init(&sp, 1000, 0);
	sp.s.sizes = &sp.z;
	sp.z.list = (uint32_t *)list;
	sp.z.n_list = 4;
	gen_ok(&g, &sp, &geo);
	for (seq = 0; seq < 1000; seq++)
		assert_int_equal(xc_gen_frame_size(&g, seq), list[seq % 4]);
	assert_int_equal(xc_gen_max_frame(&g), 1518);
	assert_int_equal(xc_gen_min_frame(&g), 64);
	xc_gen_free(&g);

	sp.z.n_list = 0;
	sp.z.min = 100;
	sp.z.max = 103;
	gen_ok(&g, &sp, &geo);
	for (seq = 0; seq < 40000; seq++) {
		fs = xc_gen_frame_size(&g, seq);
		assert_true(fs >= 100 && fs <= 103);
		seen[fs - 100]++;
	}
	for (seq = 0; seq < 4; seq++)
		assert_true(seen[seq] > 9500 && seen[seq] < 10500);
	xc_gen_free(&g);

	sp.z.min = 64;
	sp.z.max = 1518;
	gen_ok(&g, &sp, &geo);
	for (seq = 0; seq < 100000; seq++) {
		fs = xc_gen_frame_size(&g, seq);
		lo = fs < lo ? fs : lo;
		hi = fs > hi ? fs : hi;
	}
	assert_true(lo >= 64 && lo < 80);
	assert_true(hi <= 1518 && hi > 1500);
	xc_gen_free(&g);

	sp.z.max = 50;
	gen_err(&sp, &geo, "sizes.max: 50 is below the minimum of 64");
	sp.z.max = 0;
	gen_err(&sp, &geo, "sizes.max: missing");
	sp.z.max = 60;
	sp.z.min = 70;
	sp.z.max = 65;
	gen_err(&sp, &geo, "sizes.min: 70 is above sizes.max 65");
	sp.z.max = 100;
	sp.z.n_list = 2;
	gen_err(&sp, &geo, "sizes: set only one of");
	sp.s.sizes = NULL;
	sp.s.frame_size = 0;
	gen_err(&sp, &geo, "frame_size: missing");
}

static void test_ports(void **state)
{
	struct xc_umem_geom geo;
	struct xc_gen_pkt p;
	struct spec sp;
	struct xc_gen g;
	uint64_t seq;

	geom(&geo, 4096, false, false);
	spec_init(&sp, 100, 128);
	sp.u.src = 1000;
	sp.u.src_max = 1003;
	sp.u.dst_max = 9010;	/* base: the default 9001 */
	gen_ok(&g, &sp, &geo);
	for (seq = 0; seq < 100; seq++) {
		xc_gen_pkt(&g, seq, &p);
		assert_int_equal(p.src_port, 1000 + seq % 4);
		assert_int_equal(p.dst_port, 9001 + seq % 10);
		assert_int_equal(p.frame_len, 124);
	}
	xc_gen_free(&g);
	sp.u.src_max = 999;
	gen_err(&sp, &geo, "headers.udp.src_max: 999 is below src 1000");
	sp.u.src_max = 70000;
	gen_err(&sp, &geo, "headers.udp.src_max: 70000 is not a UDP port");
}

/* ------------------------------------------------------------ descriptors */

/*
 * The selftest's invalid descriptor table with a 60-byte packet (a 64-byte
 * frame) in a UMEM of 64 chunks: address, length, and the answers for
 * aligned 4K chunks, unaligned 4K chunks and aligned 2K chunks.
 */
struct inv_case {
	const char *what;
	int at;
	int64_t offset;
	uint32_t len;
	bool aligned4k, unaligned4k, aligned2k;
};

#define AT_START	XCEIVER__V1__DESC_BASE__DESC_BASE_UMEM_START
#define AT_END		XCEIVER__V1__DESC_BASE__DESC_BASE_UMEM_END
#define AT_CHUNK	XCEIVER__V1__DESC_BASE__DESC_BASE_CHUNK

static const struct inv_case inv_cases[] = {
	{ "zero address", AT_START, 0, 0, true, true, true },
	{ "allowed", AT_CHUNK, 0, 0, true, true, true },
	{ "straddle umem start", AT_START, -2, 0, false, false, false },
	{ "too large", AT_CHUNK, 0, 4097, false, false, false },
	{ "up to end of umem", AT_END, -60, 0, true, true, true },
	{ "after umem end", AT_END, 0, 0, false, false, false },
	{ "straddle umem end", AT_END, -30, 0, false, false, false },
	{ "straddle 4K", AT_START, 0x1000 - 30, 0, false, true, false },
	{ "straddle 2K", AT_START, 0x800 - 30, 0, true, true, false },
	{ "negative chunk offset", AT_CHUNK, -30, 0, false, true, false },
};

static bool want_of(const struct inv_case *c, int mode)
{
	return mode == 0 ? c->aligned4k : mode == 1 ? c->unaligned4k :
			   c->aligned2k;
}

static void check_table(int mode)
{
	size_t n = sizeof(inv_cases) / sizeof(inv_cases[0]), i;
	struct xc_umem_geom geo;
	struct xc_gen_pkt p;
	struct spec sp;
	struct xc_gen g;
	uint64_t seq, inv = 0, addr;

	geom(&geo, mode == 2 ? 2048 : 4096, mode == 1, false);
	spec_init(&sp, 1000, 64);
	for (i = 0; i < n; i++) {
		sp.d[i].at = inv_cases[i].at;
		sp.d[i].offset = inv_cases[i].offset;
		sp.d[i].len = inv_cases[i].len;
		/* the same answer from the single-descriptor rule */
		addr = inv_cases[i].at == AT_START ? 0 :
		       inv_cases[i].at == AT_END ? geo.size : geo.chunk_size;
		addr += (uint64_t)inv_cases[i].offset;
		if (xc_desc_valid(&geo, addr, inv_cases[i].len ?: 60, 0) !=
		    want_of(&inv_cases[i], mode))
			fail_msg("mode %d: %s: xc_desc_valid disagrees", mode,
				 inv_cases[i].what);
	}
	shapes(&sp, n);
	gen_ok(&g, &sp, &geo);
	for (seq = 0; seq < 1000; seq++) {
		xc_gen_pkt(&g, seq, &p);
		i = seq % n;
		if (p.valid != want_of(&inv_cases[i], mode))
			fail_msg("mode %d seq %llu: %s: valid %d", mode,
				 (unsigned long long)seq, inv_cases[i].what,
				 p.valid);
		assert_int_equal(p.valid, xc_gen_valid(&g, seq));
		assert_int_equal(p.at, inv_cases[i].at);
		assert_int_equal(p.offset, inv_cases[i].offset);
		assert_int_equal(p.desc_len, inv_cases[i].len ?: 60);
		assert_int_equal(p.nfrags, 1);
		inv += !p.valid;
	}
	assert_int_equal(g.invalid_total, inv);
	xc_gen_free(&g);
}

static void test_inv_desc_table(void **state)
{
	check_table(0);
	check_table(1);
	check_table(2);
}

static void test_desc_rules(void **state)
{
	struct xc_umem_geom geo;

	geom(&geo, 4096, false, false);
	assert_false(xc_desc_valid(&geo, 0, 0, 0));	/* zero len */
	assert_true(xc_desc_valid(&geo, 0, 4096, 0));
	assert_true(xc_desc_valid(&geo, 0, 60, XC_DESC_CONTD));
	assert_true(xc_desc_valid(&geo, 0, 60, XC_DESC_TX_METADATA));
	assert_false(xc_desc_valid(&geo, 0, 60, 0xffff));	/* options */
	assert_false(xc_desc_valid(&geo, 0, 60, 1u << 2));

	/* unaligned: odd chunk size, odd offsets, crossing pages */
	geom(&geo, 4001, true, false);
	assert_true(xc_desc_valid(&geo, 4001 * 3 + 1, 4001, 0));
	assert_false(xc_desc_valid(&geo, 0, 4002, 0));
	assert_true(xc_desc_valid(&geo, 4096 - 7, 100, 0));
	geo.noncontig_page = 4096;	/* zero-copy without huge pages */
	assert_false(xc_desc_valid(&geo, 4096 - 7, 100, 0));
	assert_true(xc_desc_valid(&geo, 4096, 100, 0));
	/* the upper 16 bits are an offset to add */
	geom(&geo, 4096, true, false);
	assert_true(xc_desc_valid(&geo, (100ull << 48) | 4096, 60, 0));
	assert_false(xc_desc_valid(&geo, (100ull << 48) | (geo.size - 100),
				   60, 0));
}

/* ------------------------------------------------------------ multi-buffer */

static void frags_are(const struct xc_gen_pkt *p, const uint32_t *want,
		      uint32_t n)
{
	uint32_t i, sum = 0;

	assert_int_equal(p->nfrags, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(p->frag_len[i], want[i]);
		sum += want[i];
	}
	assert_int_equal(p->desc_len, sum);
}

static void test_frag_layout(void **state)
{
	static const uint32_t w4k[] = { 4096, 4096, 808 };
	static const uint32_t w2k[] = { 2048, 2048, 2048, 2048, 808 };
	static const uint32_t woff[] = { 4000, 4096, 904 };
	struct xc_umem_geom geo;
	struct xc_gen_pkt p;
	struct spec sp;
	struct xc_gen g;

	spec_init(&sp, 10, 9004);		/* 9000-byte frames */
	geom(&geo, 4096, false, true);
	gen_ok(&g, &sp, &geo);
	xc_gen_pkt(&g, 1, &p);
	frags_are(&p, w4k, 3);
	assert_true(p.valid);
	assert_int_equal(g.invalid_total, 0);
	xc_gen_free(&g);

	geom(&geo, 2048, false, true);
	gen_ok(&g, &sp, &geo);
	xc_gen_pkt(&g, 1, &p);
	frags_are(&p, w2k, 5);
	assert_true(p.valid);
	xc_gen_free(&g);

	/* a first fragment at offset 96 ends at its chunk's end */
	geom(&geo, 4096, false, true);
	sp.d[0].offset = 96;
	shapes(&sp, 1);
	gen_ok(&g, &sp, &geo);
	xc_gen_pkt(&g, 0, &p);
	frags_are(&p, woff, 3);
	assert_true(p.valid);
	xc_gen_free(&g);
	shapes(&sp, 0);

	/* no multi-buffer: one descriptor larger than a chunk, rejected */
	geom(&geo, 4096, false, false);
	gen_ok(&g, &sp, &geo);
	xc_gen_pkt(&g, 0, &p);
	assert_int_equal(p.nfrags, 1);
	assert_int_equal(p.desc_len, 9000);
	assert_false(p.valid);
	assert_int_equal(g.invalid_total, 10);
	xc_gen_free(&g);

	/* a validity that depends on the frame size is refused */
	sp.s.sizes = &sp.z;
	sp.z.min = 64;
	sp.z.max = 9018;
	gen_err(&sp, &geo, "sizes: the sender's kernel accepts 64-byte frames but rejects 9018-byte ones");
}

static void many_frags(struct spec *sp, int i, uint32_t n, uint32_t len)
{
	uint32_t k;

	for (k = 0; k < n; k++)
		sp->frags[i][k] = len;
	sp->d[i].frags = sp->frags[i];
	sp->d[i].n_frags = n;
}

static void test_too_many_frags(void **state)
{
	struct xc_umem_geom geo;
	struct xc_gen_pkt p;
	struct spec sp;
	struct xc_gen g;

	geom(&geo, 4096, false, true);
	/* 18 fragments of 60 bytes: the most the kernel takes */
	spec_init(&sp, 100, 18 * 60 + 4);
	many_frags(&sp, 0, 18, 60);
	shapes(&sp, 1);
	gen_ok(&g, &sp, &geo);
	xc_gen_pkt(&g, 5, &p);
	assert_int_equal(p.nfrags, 18);
	assert_true(p.valid);
	xc_gen_free(&g);

	/* 19: the whole packet is dropped */
	spec_init(&sp, 100, 19 * 60 + 4);
	many_frags(&sp, 0, 19, 60);
	shapes(&sp, 1);
	gen_ok(&g, &sp, &geo);
	xc_gen_pkt(&g, 5, &p);
	assert_int_equal(p.nfrags, 19);
	assert_false(p.valid);
	assert_int_equal(g.invalid_total, 100);
	xc_gen_free(&g);

	/* max_frags from the geometry (zero-copy drivers have their own) */
	geo.max_frags = 19;
	gen_ok(&g, &sp, &geo);
	assert_true(xc_gen_valid(&g, 5));
	xc_gen_free(&g);

	many_frags(&sp, 0, 33, 60);
	gen_err(&sp, &geo, "descs[0].frags: 33 fragments, at most 32");
	/* a valid descriptor must carry the frame */
	many_frags(&sp, 0, 19, 50);
	gen_err(&sp, &geo, "descs[0].frags: 950 bytes, but the frame is 1140");
}

static void test_chain_errors(void **state)
{
	struct xc_umem_geom geo;
	struct spec sp;
	struct xc_gen g;

	geom(&geo, 4096, false, true);
	spec_init(&sp, 8, 1004);
	/* 0: a zero-length fragment */
	sp.frags[0][0] = 1000;
	sp.frags[0][1] = 0;
	sp.d[0].frags = sp.frags[0];
	sp.d[0].n_frags = 2;
	/* 1: bad options on the first fragment of a chain */
	sp.d[1].frags = sp.frags[1];
	sp.frags[1][0] = 500;
	sp.frags[1][1] = 500;
	sp.d[1].n_frags = 2;
	sp.d[1].options = 0xffff;
	/* 2: fine; 3: unterminated, swallowing 4; 5: fine */
	many_frags(&sp, 3, 2, 500);
	sp.d[3].unterminated = true;
	shapes(&sp, 6);
	gen_ok(&g, &sp, &geo);
	assert_false(xc_gen_valid(&g, 0));
	assert_false(xc_gen_valid(&g, 1));
	assert_true(xc_gen_valid(&g, 2));
	assert_false(xc_gen_valid(&g, 3));
	assert_false(xc_gen_valid(&g, 4));
	assert_true(xc_gen_valid(&g, 5));
	assert_false(xc_gen_valid(&g, 6));
	assert_false(xc_gen_valid(&g, 7));
	assert_int_equal(g.invalid_total, 6);
	xc_gen_free(&g);

	/* an unterminated chain of exactly max_frags is dropped alone */
	spec_init(&sp, 4, 18 * 60 + 4);
	many_frags(&sp, 0, 18, 60);
	sp.d[0].unterminated = true;
	shapes(&sp, 2);
	gen_ok(&g, &sp, &geo);
	assert_false(xc_gen_valid(&g, 0));
	assert_true(xc_gen_valid(&g, 1));
	assert_int_equal(g.invalid_total, 2);
	xc_gen_free(&g);

	/* forced validity wins */
	sp.d[0].valid = XCEIVER__V1__VALIDITY__VALIDITY_VALID;
	sp.d[1].valid = XCEIVER__V1__VALIDITY__VALIDITY_INVALID;
	gen_ok(&g, &sp, &geo);
	assert_true(xc_gen_valid(&g, 0));
	assert_false(xc_gen_valid(&g, 1));
	xc_gen_free(&g);

	/* fragments without multi-buffer are not one packet */
	geom(&geo, 4096, false, false);
	spec_init(&sp, 4, 1004);
	many_frags(&sp, 0, 2, 500);
	shapes(&sp, 1);
	gen_ok(&g, &sp, &geo);
	assert_false(xc_gen_valid(&g, 0));
	xc_gen_free(&g);
}

/* ------------------------------------------------------------ frag_shapes */

static void one_frag(Xceiver__V1__FragShape *f, int at, int64_t off,
		     uint32_t len, uint32_t options)
{
	xceiver__v1__frag_shape__init(f);
	f->at = at;
	f->offset = off;
	f->len = len;
	f->options = options;
}

#define CONTD		XC_DESC_CONTD
#define MAXF		4
#define NMB		8

struct mb_frag {
	int at;
	int64_t offset;
	uint32_t len;
	uint32_t options;	/* as the kernel table has them */
};

/*
 * The kernel selftest's multi-buffer invalid descriptor table
 * (testapp_invalid_desc_mb), one chain per row in its order, in a 4K-chunk
 * UMEM with multi-buffer: frame size, fragments, and the answers in
 * aligned and unaligned mode.
 */
struct mb_case {
	const char *what;
	uint32_t size;
	uint32_t n;
	struct mb_frag f[MAXF];
	bool aligned, unaligned;
};

static const struct mb_case mb_cases[NMB] = {
	{ "valid packet to start with", 68, 1,
	  { { AT_CHUNK, 0, 64, 0 } }, true, true },
	{ "zero-length last fragment", 6148, 3,
	  { { AT_CHUNK, 0, 3072, CONTD }, { AT_CHUNK, 0, 3072, CONTD },
	    { AT_CHUNK, 0, 0, 0 } }, false, false },
	{ "invalid address in the second frame", 6148, 2,
	  { { AT_CHUNK, 0, 3072, CONTD }, { AT_END, 0, 3072, CONTD } },
	  false, false },
	{ "invalid len in the middle", 6148, 2,
	  { { AT_CHUNK, 0, 3072, CONTD }, { AT_CHUNK, 0, 9001, CONTD } },
	  false, false },
	{ "invalid options in the middle", 6148, 2,
	  { { AT_CHUNK, 0, 3072, CONTD }, { AT_CHUNK, 0, 3072, 0xffff } },
	  false, false },
	{ "two full chunks", 8196, 2,
	  { { AT_CHUNK, 0, 4096, CONTD }, { AT_CHUNK, 0, 4096, 0 } },
	  true, true },
	{ "middle frame crosses a chunk boundary", 3140, 2,
	  { { AT_CHUNK, 0, 3072, CONTD }, { AT_CHUNK, -32, 64, 0 } },
	  false, true },
	{ "valid packet to end with", 68, 1,
	  { { AT_CHUNK, 0, 64, 0 } }, true, true },
};

struct fspec {
	struct spec sp;
	uint32_t sizes[NMB];
	Xceiver__V1__FragShape f[NMB][MAXF];
	Xceiver__V1__FragShape *fp[NMB][MAXF];
};

/* Shape i from the table; the extra options are the table's without the
 * CONTD Tx sets on every fragment but the last. */
static void frag_shape(struct fspec *fs, int i, const struct mb_case *c)
{
	uint32_t k;

	for (k = 0; k < c->n; k++) {
		xceiver__v1__frag_shape__init(&fs->f[i][k]);
		fs->f[i][k].at = c->f[k].at;
		fs->f[i][k].offset = c->f[k].offset;
		fs->f[i][k].len = c->f[k].len;
		fs->f[i][k].options = c->f[k].options;
		if (k + 1 < c->n)
			fs->f[i][k].options &= ~CONTD;
		fs->fp[i][k] = &fs->f[i][k];
	}
	fs->sp.d[i].frag_shapes = fs->fp[i];
	fs->sp.d[i].n_frag_shapes = c->n;
}

static void mb_table(struct fspec *fs, uint64_t count)
{
	int i;

	spec_init(&fs->sp, count, 0);
	for (i = 0; i < NMB; i++) {
		fs->sizes[i] = mb_cases[i].size;
		frag_shape(fs, i, &mb_cases[i]);
	}
	fs->sp.s.sizes = &fs->sp.z;
	fs->sp.z.list = fs->sizes;
	fs->sp.z.n_list = NMB;
	shapes(&fs->sp, NMB);
}

/*
 * The kernel's copy-mode Tx consumer over the descriptors of seqs
 * [0, count) in ring order: a chain is one packet; at an invalid
 * descriptor the chain so far and that descriptor count as invalid and
 * the next descriptor starts a new packet. sent[seq]: a packet made of
 * exactly seq's fragments went out. Returns tx_invalid_descs.
 */
static uint64_t kernel_tx(const struct xc_gen *g,
			  const struct xc_umem_geom *geo, uint64_t count,
			  bool *sent)
{
	uint64_t seq, start = 0, inv = 0, ring = 0, addr;
	uint32_t f, cur = 0, o, cs = geo->chunk_size;
	struct xc_gen_pkt p;
	bool last;

	for (seq = 0; seq < count; seq++) {
		sent[seq] = false;
		memset(&p, 0, sizeof(p));
		xc_gen_pkt(g, seq, &p);
		for (f = 0; f < p.nfrags; f++, ring++) {
			/* every fragment in a chunk of its own */
			addr = p.frag_at[f] == AT_START ? 0 :
			       p.frag_at[f] == AT_END ? geo->size :
			       (2 + 2 * (ring % 16)) * (uint64_t)cs;
			addr += (uint64_t)p.frag_offset[f];
			last = f + 1 == p.nfrags;
			o = p.frag_opts[f] |
			    (!last || p.unterminated ? CONTD : 0);
			if (!cur)
				start = seq;
			if (!xc_desc_valid(geo, addr, p.frag_len[f], o)) {
				inv += cur + 1;
				cur = 0;
				continue;
			}
			cur++;
			if (o & CONTD)
				continue;
			if (start == seq && cur == p.nfrags && last)
				sent[seq] = true;
			cur = 0;
		}
	}
	return inv;
}

static void check_mb_table(bool unaligned)
{
	uint64_t count = 5 * NMB, seq, inv_descs = 0, n = 0;
	struct xc_umem_geom geo;
	const struct mb_case *c;
	struct xc_gen_pkt p;
	struct fspec fs;
	struct xc_gen g;
	bool sent[5 * NMB], want;
	uint32_t k;

	geom(&geo, 4096, unaligned, true);
	mb_table(&fs, count);
	gen_ok(&g, &fs.sp, &geo);
	for (seq = 0; seq < count; seq++) {
		c = &mb_cases[seq % NMB];
		want = unaligned ? c->unaligned : c->aligned;
		xc_gen_pkt(&g, seq, &p);
		if (p.valid != want)
			fail_msg("%s seq %llu: %s: valid %d",
				 unaligned ? "unaligned" : "aligned",
				 (unsigned long long)seq, c->what, p.valid);
		assert_int_equal(p.nfrags, c->n);
		assert_int_equal(p.frame_len, c->size - 4);
		for (k = 0; k < c->n; k++) {
			assert_int_equal(p.frag_at[k], c->f[k].at);
			assert_int_equal(p.frag_offset[k], c->f[k].offset);
			assert_int_equal(p.frag_len[k], c->f[k].len);
			/* what Tx puts on the ring is the kernel's row */
			assert_int_equal(p.frag_opts[k] |
					 (k + 1 < c->n ? CONTD : 0),
					 c->f[k].options);
		}
		/* the old fields repeat fragment 0 */
		assert_int_equal(p.at, p.frag_at[0]);
		assert_int_equal(p.offset, p.frag_offset[0]);
		assert_int_equal(p.options, p.frag_opts[0]);
		if (!p.valid)
			inv_descs += p.nfrags;
		n += !p.valid;
	}
	assert_int_equal(g.invalid_total, n);
	assert_int_equal(n, unaligned ? 4 * 5 : 5 * 5);
	/* the kernel's consumer agrees, descriptor by descriptor */
	assert_int_equal(kernel_tx(&g, &geo, count, sent), inv_descs);
	assert_int_equal(inv_descs, unaligned ? 9 * 5 : 11 * 5);
	for (seq = 0; seq < count; seq++)
		if (sent[seq] != xc_gen_valid(&g, seq))
			fail_msg("seq %llu: the kernel %s it, the generator says %s",
				 (unsigned long long)seq,
				 sent[seq] ? "sends" : "drops",
				 xc_gen_valid(&g, seq) ? "valid" : "invalid");
	xc_gen_free(&g);
}

static void test_mb_inv_table(void **state)
{
	check_mb_table(false);
	check_mb_table(true);
}

/* Old-style shapes fill the per-fragment arrays too. */
static void test_frag_arrays_compat(void **state)
{
	struct xc_umem_geom geo;
	struct xc_gen_pkt p;
	struct spec sp;
	struct xc_gen g;
	uint32_t k, s;

	geom(&geo, 4096, true, true);
	spec_init(&sp, 6, 9004);
	sp.d[0].at = AT_START;
	sp.d[0].offset = 4096 * 3 + 7;
	sp.d[0].options = XC_DESC_TX_METADATA;
	sp.d[1].offset = -100;
	sp.d[2].at = AT_END;
	sp.d[2].offset = -9000;
	sp.d[2].len = 60;
	sp.d[2].valid = XCEIVER__V1__VALIDITY__VALIDITY_INVALID;
	shapes(&sp, 3);
	gen_ok(&g, &sp, &geo);
	for (s = 0; s < 6; s++) {
		memset(&p, 0xa5, sizeof(p));
		xc_gen_pkt(&g, s, &p);
		assert_int_equal(p.frag_at[0], sp.d[s % 3].at);
		assert_int_equal(p.frag_offset[0], sp.d[s % 3].offset);
		assert_int_equal(p.frag_opts[0], sp.d[s % 3].options);
		assert_int_equal(p.at, sp.d[s % 3].at);
		assert_int_equal(p.offset, sp.d[s % 3].offset);
		assert_int_equal(p.options, sp.d[s % 3].options);
		assert_int_equal(p.nfrags, s % 3 == 2 ? 1 : 3);
		for (k = 1; k < p.nfrags; k++) {
			assert_int_equal(p.frag_at[k], AT_CHUNK);
			assert_int_equal(p.frag_offset[k], 0);
			assert_int_equal(p.frag_opts[k], 0);
		}
		assert_false(p.unterminated);
	}
	assert_true(xc_gen_valid(&g, 0));
	assert_true(xc_gen_valid(&g, 1));
	assert_false(xc_gen_valid(&g, 2));
	xc_gen_free(&g);
}

static void test_frag_shape_errors(void **state)
{
	Xceiver__V1__FragShape f[40], *fp[40];
	struct xc_umem_geom geo;
	struct spec sp;
	struct xc_gen g;
	int i;

	for (i = 0; i < 40; i++) {
		one_frag(&f[i], AT_CHUNK, 0, 60, 0);
		fp[i] = &f[i];
	}
	geom(&geo, 4096, false, true);
	spec_init(&sp, 10, 3 * 60 + 4);
	sp.d[1].frag_shapes = fp;
	sp.d[1].n_frag_shapes = 3;
	shapes(&sp, 2);
	gen_ok(&g, &sp, &geo);
	assert_true(xc_gen_valid(&g, 1));
	xc_gen_free(&g);

	sp.d[1].n_frag_shapes = 33;
	gen_err(&sp, &geo, "descs[1].frag_shapes: 33 fragments, at most 32");
	sp.d[1].n_frag_shapes = 3;
	sp.d[1].n_frags = 1;
	sp.d[1].frags = sp.frags[1];
	gen_err(&sp, &geo, "descs[1].frags: set together with frag_shapes");
	sp.d[1].n_frags = 0;
	sp.d[1].offset = 8;
	gen_err(&sp, &geo, "descs[1].offset: set together with frag_shapes");
	sp.d[1].offset = 0;
	sp.d[1].options = 2;
	gen_err(&sp, &geo, "descs[1].options: set together with frag_shapes");
	sp.d[1].options = 0;
	sp.d[1].len = 180;
	gen_err(&sp, &geo, "descs[1].len: set together with frag_shapes");
	sp.d[1].len = 0;
	f[2].at = 7;
	gen_err(&sp, &geo, "descs[1].frag_shapes[2].at: unknown base 7");
	f[2].at = AT_CHUNK;
	fp[1] = NULL;
	gen_err(&sp, &geo, "descs[1].frag_shapes[1]: missing");
	fp[1] = &f[1];

	/* a valid chain carries exactly the frame */
	f[2].len = 50;
	gen_err(&sp, &geo,
		"descs[1].frag_shapes: the lengths add up to 170 bytes, but the frame is 180");
	f[2].len = 60;

	/* an invalid fragment before the last, under VALIDITY_AUTO */
	f[1].options = 0xffff;
	gen_err(&sp, &geo,
		"descs[1].frag_shapes[1]: the sender's kernel rejects this fragment");
	f[1].options = 0;
	f[0].at = AT_END;
	gen_err(&sp, &geo,
		"descs[1].frag_shapes[0]: the sender's kernel rejects this fragment");
	/* forced: the spec's word */
	sp.d[1].valid = XCEIVER__V1__VALIDITY__VALIDITY_INVALID;
	gen_ok(&g, &sp, &geo);
	assert_false(xc_gen_valid(&g, 1));
	assert_int_equal(g.invalid_total, 5);
	xc_gen_free(&g);
	sp.d[1].valid = 0;
	/* last: fine, the chain ends there */
	f[0].at = AT_CHUNK;
	f[2].at = AT_END;
	gen_ok(&g, &sp, &geo);
	assert_false(xc_gen_valid(&g, 1));
	assert_true(xc_gen_valid(&g, 2));
	xc_gen_free(&g);
	f[2].at = AT_CHUNK;

	/* own lengths need one frame size per shape, not per stream */
	sp.s.frame_size = 0;
	sp.s.sizes = &sp.z;
	sp.z.list = (uint32_t []){ 68, 184, 68, 184 };
	sp.z.n_list = 4;
	gen_ok(&g, &sp, &geo);
	assert_true(xc_gen_valid(&g, 1));
	assert_true(xc_gen_valid(&g, 3));
	xc_gen_free(&g);
	sp.z.n_list = 3;	/* shape 1 meets 184 and 68 */
	gen_err(&sp, &geo,
		"descs[1].frag_shapes: a valid descriptor with its own length needs one frame size (its seqs get 184 and 68)");
}

/* A fragment's own CONTD leaves the chain open, as unterminated does. */
static void test_frag_open_chain(void **state)
{
	Xceiver__V1__FragShape f[2], *fp[2] = { &f[0], &f[1] };
	struct xc_umem_geom geo;
	struct xc_gen_pkt p;
	struct spec sp;
	struct xc_gen g;

	geom(&geo, 4096, false, true);
	spec_init(&sp, 6, 1004);
	one_frag(&f[0], AT_CHUNK, 0, 500, 0);
	one_frag(&f[1], AT_CHUNK, 0, 500, CONTD);
	sp.d[0].frag_shapes = fp;
	sp.d[0].n_frag_shapes = 2;
	shapes(&sp, 3);
	gen_ok(&g, &sp, &geo);
	xc_gen_pkt(&g, 0, &p);
	assert_int_equal(p.frag_opts[1], CONTD);
	assert_false(xc_gen_valid(&g, 0));
	assert_false(xc_gen_valid(&g, 1));	/* swallowed */
	assert_true(xc_gen_valid(&g, 2));
	assert_false(xc_gen_valid(&g, 3));
	assert_false(xc_gen_valid(&g, 4));
	assert_true(xc_gen_valid(&g, 5));
	assert_int_equal(g.invalid_total, 4);
	xc_gen_free(&g);
}

/* invalid_total against a count of xc_gen_valid, for many counts */
static void test_invalid_total(void **state)
{
	static const uint64_t counts[] = { 0, 1, 2, 3, 6, 7, 100, 1001 };
	Xceiver__V1__FragShape f[4], *open[2] = { &f[0], &f[1] },
			       *bad[2] = { &f[2], &f[3] };
	struct xc_umem_geom geo;
	struct spec sp;
	struct xc_gen g;
	uint64_t seq, n;
	size_t c, nd;

	one_frag(&f[0], AT_CHUNK, 0, 500, 0);
	one_frag(&f[1], AT_CHUNK, 0, 500, CONTD);	/* left open */
	one_frag(&f[2], AT_CHUNK, 0, 1000, 0);
	one_frag(&f[3], AT_CHUNK, 0, 0, 0);		/* zero length */
	geom(&geo, 4096, false, true);
	for (nd = 1; nd <= 7; nd++) {
		for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
			spec_init(&sp, counts[c], 1004);
			sp.d[0].at = AT_END;	/* invalid */
			many_frags(&sp, 1 % nd, 2, 500);
			sp.d[1 % nd].unterminated = true;
			sp.d[2 % nd].len = 0;
			if (nd > 4) {
				sp.d[3].frag_shapes = open;
				sp.d[3].n_frag_shapes = 2;
				sp.d[4].frag_shapes = bad;
				sp.d[4].n_frag_shapes = 2;
			}
			shapes(&sp, nd);
			gen_ok(&g, &sp, &geo);
			for (seq = 0, n = 0; seq < counts[c]; seq++)
				n += !xc_gen_valid(&g, seq);
			if (n != g.invalid_total)
				fail_msg("%zu shapes, count %llu: %llu, counted %llu",
					 nd, (unsigned long long)counts[c],
					 (unsigned long long)g.invalid_total,
					 (unsigned long long)n);
			xc_gen_free(&g);
		}
	}
}

static void test_shape_errors(void **state)
{
	struct xc_umem_geom geo;
	struct spec sp;
	struct xc_gen g;

	geom(&geo, 4096, false, false);
	spec_init(&sp, 10, 128);
	shapes(&sp, 2);
	sp.d[1].at = 7;
	gen_err(&sp, &geo, "descs[1].at: unknown base 7");
	sp.d[1].at = 0;
	sp.d[1].valid = 9;
	gen_err(&sp, &geo, "descs[1].valid: unknown validity 9");
	sp.d[1].valid = 0;
	sp.d[1].len = 100;
	gen_err(&sp, &geo, "descs[1].len: 100 bytes, but the frame is 124");
	sp.d[1].valid = XCEIVER__V1__VALIDITY__VALIDITY_INVALID;
	gen_ok(&g, &sp, &geo);
	assert_int_equal(g.invalid_total, 5);
	xc_gen_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_imix),
		cmocka_unit_test(test_list_random),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_inv_desc_table),
		cmocka_unit_test(test_desc_rules),
		cmocka_unit_test(test_frag_layout),
		cmocka_unit_test(test_too_many_frags),
		cmocka_unit_test(test_chain_errors),
		cmocka_unit_test(test_invalid_total),
		cmocka_unit_test(test_shape_errors),
		cmocka_unit_test(test_mb_inv_table),
		cmocka_unit_test(test_frag_arrays_compat),
		cmocka_unit_test(test_frag_shape_errors),
		cmocka_unit_test(test_frag_open_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
