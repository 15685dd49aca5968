// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The validator's per-frame latency dump (xc_rxv_set_dump, the agent's
 * --latency-dump): every timed frame once, with its stream, seq and the
 * latency the histograms got (offset applied, negative ones too), in
 * arrival order; nothing for frames that are not timed; nothing once off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_validate.h"

#define RUN_ID		0x0123456789abcdefull
/* CLOCK_TAI of the first frame: its low 32 bits wrap after 3 frames */
#define T0		((5ull << 32) - 2500)
#define OFFSET		7000
#define MAX_LINES	16

struct line {
	uint32_t stream;
	uint64_t seq;
	int64_t lat;
};

struct dump {
	struct line l[MAX_LINES];
	size_t n;
};

static void dump_line(void *ctx, uint32_t stream_id, uint64_t seq,
		      int64_t lat_ns)
{
	struct dump *d = ctx;

	assert_true(d->n < MAX_LINES);
	d->l[d->n++] = (struct line){ stream_id, seq, lat_ns };
}

struct lab {
	Xceiver__V1__Stream s[2];
	Xceiver__V1__Headers h;
	Xceiver__V1__Stream *ss[2];
	struct xc_stream_tmpl t[2];
	struct xc_rxv v;
};

static void lab_init(struct lab *l)
{
	char err[256] = "";
	size_t i;

	xceiver__v1__headers__init(&l->h);
	l->h.src_mac = "02:00:00:00:00:01";
	l->h.dst_mac = "02:00:00:00:00:02";
	l->h.ip_version = XCEIVER__V1__IP_VERSION__IP_VERSION_4;
	l->h.src_ip = "198.18.0.1";
	l->h.dst_ip = "198.18.0.2";
	for (i = 0; i < 2; i++) {
		xceiver__v1__stream__init(&l->s[i]);
		l->s[i].id = 3 + (uint32_t)i;	/* ids 3 and 4 */
		l->s[i].count = 10;
		l->s[i].frame_size = 64;
		l->s[i].headers = &l->h;
		l->ss[i] = &l->s[i];
		assert_int_equal(xc_stream_tmpl_init(&l->t[i], l->ss[i],
						     RUN_ID, NULL, 0), 0);
	}
	if (xc_rxv_init(&l->v, RUN_ID, l->ss, 2, 0, 0, err, sizeof(err)))
		fail_msg("xc_rxv_init: %s", err);
	xc_rxv_clock_offset(&l->v, OFFSET, 100, true);
}

/* Stream i's frame seq sent at tx_ns, read lat ns later (offset added). */
static bool lab_frame(struct lab *l, size_t i, uint64_t seq, uint64_t tx_ns,
		      int64_t lat)
{
	uint8_t f[XC_MAX_FRAME];
	uint32_t len = xc_frame_build(&l->t[i], seq, (uint32_t)tx_ns, f);

	return xc_rxv_frame_meta(&l->v, f, len, NULL, 0, 0, 0,
				 tx_ns + OFFSET + (uint64_t)lat);
}

static void check_line(const struct dump *d, size_t k, uint32_t stream,
		       uint64_t seq, int64_t lat)
{
	assert_int_equal(d->l[k].stream, stream);
	assert_int_equal(d->l[k].seq, seq);
	assert_int_equal(d->l[k].lat, lat);
}

static void test_dump(void **state)
{
	uint8_t f[XC_MAX_FRAME];
	struct dump d = { 0 };
	struct lab l;
	uint32_t len;

	(void)state;
	lab_init(&l);
	xc_rxv_set_dump(&l.v, dump_line, &d);
	/* across the 32-bit wrap of the Tx time */
	assert_true(lab_frame(&l, 0, 0, T0, 1500));
	assert_true(lab_frame(&l, 1, 0, T0 + 1000, 200));
	assert_true(lab_frame(&l, 0, 2, T0 + 3000, 900000));
	assert_true(lab_frame(&l, 0, 1, T0 + 2000, -40));	/* reordered */
	/* not timed: a duplicate, a corrupt frame, an untimed read */
	assert_false(lab_frame(&l, 0, 0, T0, 1500));
	len = xc_frame_build(&l.t[1], 1, (uint32_t)T0, f);
	f[len - 1] ^= 1;
	assert_false(xc_rxv_frame_meta(&l.v, f, len, NULL, 0, 0, 0, T0));
	len = xc_frame_build(&l.t[1], 2, (uint32_t)T0, f);
	assert_true(xc_rxv_frame_meta(&l.v, f, len, NULL, 0, 0, 0,
				      XC_RXV_UNTIMED));
	assert_int_equal(d.n, 4);
	check_line(&d, 0, 3, 0, 1500);
	check_line(&d, 1, 4, 0, 200);
	check_line(&d, 2, 3, 2, 900000);
	check_line(&d, 3, 3, 1, -40);
	/* the histogram got the same, the negative one counted apart */
	assert_int_equal(l.v.lat->one_way.count, 3);
	assert_int_equal(l.v.lat->one_way.min, 200);
	assert_int_equal(l.v.lat->one_way.max, 900000);
	assert_int_equal(l.v.lat->negative, 1);
	/* off */
	xc_rxv_set_dump(&l.v, NULL, NULL);
	assert_true(lab_frame(&l, 1, 3, T0 + 4000, 300));
	assert_int_equal(d.n, 4);
	assert_int_equal(l.v.lat->one_way.count, 4);
	xc_rxv_free(&l.v);
}

/* A fresh validator does not dump. */
static void test_off_after_init(void **state)
{
	struct lab l;

	(void)state;
	lab_init(&l);
	assert_null(l.v.dump);
	assert_true(lab_frame(&l, 0, 0, T0, 100));
	xc_rxv_free(&l.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_off_after_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
