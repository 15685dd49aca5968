// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The controller's side of latency: the receivers' histograms decoded
 * and merged (a bidirectional run has two receivers), per stream where
 * they kept one, and an agent's histogram that does not hold together
 * refused with the reason rather than shown.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_histpb.h"
#include "xc_latency.h"
#include "xc_pb.h"
#include "xc_spec.h"

#define SPEC_MSG	(&xceiver__v1__test_spec__descriptor)

struct run {
	Xceiver__V1__TestSpec *spec;
	struct xc_run_result res;
	Xceiver__V1__Report rep[2];
	Xceiver__V1__Latency lat[2];
	Xceiver__V1__StreamLatency sl[2];
	Xceiver__V1__StreamLatency *slp[2][1];
	struct xc_view v;
};

static Xceiver__V1__TestSpec *spec_new(void)
{
	static const char y[] =
		"tx: {agent: 198.19.1.2:7007, xsk: {ifname: xct}}\n"
		"rx: {agent: 198.19.1.6:7007, xsk: {ifname: xcr}}\n"
		"streams:\n"
		"  - {id: 1, count: 100, headers: {src_ip: 198.18.0.1, dst_ip: 198.18.0.2}}\n"
		"  - {id: 2, count: 100, headers: {src_ip: 198.18.0.1, dst_ip: 198.18.0.2}, direction: rx_to_tx}\n";
	Xceiver__V1__TestSpec *s = NULL;
	char err[512] = "";

	if (xc_pb_from_yaml(SPEC_MSG, "test", y, strlen(y),
			    (ProtobufCMessage **)&s, err, sizeof(err)) ||
	    xc_spec_defaults(s) || xc_spec_check(s, "test", err, sizeof(err)))
		print_error("spec: %s\n", err);
	assert_string_equal(err, "");
	return s;
}

/* A histogram message of n values base, base + step, ... */
static Xceiver__V1__Histogram *hist_msg(uint64_t base, uint64_t step,
					uint32_t n)
{
	Xceiver__V1__Histogram *m = NULL;
	struct xc_hist h;
	uint32_t i;

	xc_hist_init(&h);
	for (i = 0; i < n; i++)
		xc_hist_record(&h, base + i * step);
	assert_int_equal(xc_hist_pb(&h, &m), 0);
	return m;
}

/* Stream 1 received by the rx agent, stream 2 by the tx agent. */
static struct run *run_new(void)
{
	struct run *r = calloc(1, sizeof(*r));
	int s;

	assert_non_null(r);
	r->spec = spec_new();
	for (s = 0; s < 2; s++) {
		xceiver__v1__report__init(&r->rep[s]);
		xceiver__v1__latency__init(&r->lat[s]);
		xceiver__v1__stream_latency__init(&r->sl[s]);
		r->rep[s].latency = &r->lat[s];
		r->lat[s].per_stream = true;
		r->lat[s].clock = "CLOCK_TAI";
		r->lat[s].streams = r->slp[s];
		r->lat[s].n_streams = 1;
		r->slp[s][0] = &r->sl[s];
	}
	r->sl[XC_RX].stream_id = 1;
	r->sl[XC_TX].stream_id = 2;
	/* 1: 1000 values 10 us ... ; 2: 500 values 100 us ... */
	r->sl[XC_RX].one_way = hist_msg(10000, 10, 1000);
	r->lat[XC_RX].one_way = hist_msg(10000, 10, 1000);
	r->sl[XC_TX].one_way = hist_msg(100000, 100, 500);
	r->lat[XC_TX].one_way = hist_msg(100000, 100, 500);
	r->sl[XC_RX].jitter16_ns = 16 * 250;
	r->lat[XC_RX].negative = 3;
	r->res.tx = &r->rep[XC_TX];
	r->res.rx = &r->rep[XC_RX];
	assert_int_equal(xc_view_init(&r->v, r->spec, &r->res), 0);
	return r;
}

static void run_free(struct run *r)
{
	int s;

	for (s = 0; s < 2; s++) {
		xc_hist_pb_free(r->sl[s].one_way);
		xc_hist_pb_free(r->lat[s].one_way);
	}
	xc_view_free(&r->v);
	xceiver__v1__test_spec__free_unpacked(r->spec, NULL);
	free(r);
}

static void test_merge(void **state)
{
	struct run *r = run_new();
	struct xc_latency l;
	char err[256] = "";
	uint64_t v;

	(void)state;
	assert_int_equal(xc_latency_build(&l, &r->v, err, sizeof(err)), 0);
	assert_true(l.have);
	assert_int_equal(l.sides, 2);
	assert_true(l.per_stream);
	assert_int_equal(xc_hist_count(&l.one_way), 1500);
	assert_int_equal(xc_hist_min(&l.one_way), 10000);
	assert_int_equal(xc_hist_max(&l.one_way), 100000 + 499 * 100);
	assert_int_equal(l.negative, 3);
	/* the median of the 1500: the 750th value, 10000 + 749 * 10 */
	assert_int_equal(xc_hist_percentile(&l.one_way, 50, &v), 0);
	assert_true(v >= 17490 && v <= 17490 + 17490 / 128);
	assert_int_equal(l.streams[0].id, 1);
	assert_non_null(l.streams[0].one_way);
	assert_int_equal(xc_hist_count(l.streams[0].one_way), 1000);
	assert_int_equal(l.streams[0].jitter16_ns, 16 * 250);
	assert_int_equal(xc_hist_count(l.streams[1].one_way), 500);
	xc_latency_free(&l);
	run_free(r);
}

/*
 * The split at the receiving XDP program merges over the receivers that
 * stamped; the summary gives both parts, the JSON both histograms; a side
 * that stamped nothing says why.
 */
static void test_split(void **state)
{
	struct run *r = run_new();
	struct xc_latency l;
	char err[256] = "", *buf = NULL;
	size_t len = 0;
	json_t *js, *sp;
	FILE *out;

	(void)state;
	r->lat[XC_RX].rx_xdp_stamped = 1000;
	r->lat[XC_RX].to_rx_xdp = hist_msg(8000, 10, 1000);
	r->lat[XC_RX].rx_xdp_to_worker = hist_msg(2000, 0, 1000);
	r->lat[XC_RX].rx_xdp_stamp = "rx XDP program";
	assert_int_equal(xc_latency_build(&l, &r->v, err, sizeof(err)), 0);
	assert_int_equal(l.xdp_stamped, 1000);
	assert_int_equal(xc_hist_count(&l.to_xdp), 1000);
	assert_int_equal(xc_hist_min(&l.xdp_to_rx), 2000);
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	xc_latency_print(out, &l, &r->res);
	fclose(out);
	assert_non_null(strstr(buf, "  split at the rx XDP program (1000 frames): tx ring to rx XDP p50 13.0 us, p99 17.9 us (the sender and the path); rx XDP to rx worker p50 2.0 us, p99 2.0 us (the receiver's own)\n"));
	free(buf);
	js = xc_latency_json(&l, &r->res);
	sp = json_object_get(js, "split");
	assert_int_equal(json_integer_value(json_object_get(sp, "frames")),
			 1000);
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(sp, "rx_xdp_to_rx_worker"), "min_ns")), 2000);
	json_decref(js);
	xc_latency_free(&l);
	xc_hist_pb_free(r->lat[XC_RX].to_rx_xdp);
	xc_hist_pb_free(r->lat[XC_RX].rx_xdp_to_worker);
	r->lat[XC_RX].to_rx_xdp = r->lat[XC_RX].rx_xdp_to_worker = NULL;
	r->lat[XC_RX].rx_xdp_stamped = 0;
	r->lat[XC_RX].rx_xdp_stamp = "not used: the run does not time its frames";
	r->lat[XC_TX].rx_xdp_stamp = "not used: the run does not time its frames";
	assert_int_equal(xc_latency_build(&l, &r->v, err, sizeof(err)), 0);
	buf = NULL;
	out = open_memstream(&buf, &len);
	xc_latency_print(out, &l, &r->res);
	fclose(out);
	assert_non_null(strstr(buf, "  split at the rx XDP program: not used: the run does not time its frames\n"));
	free(buf);
	xc_latency_free(&l);
	run_free(r);
}

/* One receiver keeps totals only: no stream has a histogram then. */
static void test_totals_only(void **state)
{
	struct run *r = run_new();
	struct xc_latency l;
	char err[256] = "";

	(void)state;
	r->lat[XC_TX].per_stream = false;
	xc_hist_pb_free(r->sl[XC_TX].one_way);
	r->sl[XC_TX].one_way = NULL;
	assert_int_equal(xc_latency_build(&l, &r->v, err, sizeof(err)), 0);
	assert_false(l.per_stream);
	assert_null(l.streams[1].one_way);
	assert_true(l.streams[1].have);
	assert_int_equal(xc_hist_count(&l.one_way), 1500);
	xc_latency_free(&l);
	run_free(r);
}

/* A peer's histogram that does not hold together is refused, with why. */
static void test_bad_histogram(void **state)
{
	struct run *r = run_new();
	struct xc_latency l;
	char err[256] = "";

	(void)state;
	r->lat[XC_RX].one_way->bucket[0] = 1u << 30;
	assert_int_equal(xc_latency_build(&l, &r->v, err, sizeof(err)),
			 -EINVAL);
	assert_string_not_equal(err, "");
	xc_latency_free(&l);
	err[0] = '\0';
	r->lat[XC_RX].one_way->bucket[0] = 0;
	r->lat[XC_RX].one_way->n_bucket_count--;
	assert_int_equal(xc_latency_build(&l, &r->v, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "counts"));
	r->lat[XC_RX].one_way->n_bucket_count++;
	xc_latency_free(&l);
	run_free(r);
}

/* No receiver reported latency (an older agent): nothing to show. */
static void test_none(void **state)
{
	struct run *r = run_new();
	struct xc_latency l;
	char err[256] = "";

	(void)state;
	r->rep[XC_TX].latency = NULL;
	r->rep[XC_RX].latency = NULL;
	assert_int_equal(xc_latency_build(&l, &r->v, err, sizeof(err)), 0);
	assert_false(l.have);
	xc_latency_free(&l);
	run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_totals_only),
		cmocka_unit_test(test_bad_histogram),
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
