// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Latency histogram: the bucket layout and its precision bound, percentiles
 * against the exact ones of sorted random and adversarial samples, the
 * overflow above the range, moments, merge, the encoded form and its
 * rejection of bad input, RFC 3550 jitter on a sequence worked by hand and
 * signed (IPDV) percentiles.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_hist.h"
#include "xc_util.h"

#define N_RANDOM	200000

/* Percentiles checked, in thousandths of a percent. */
static const uint32_t pm_list[] = {
	0, 1, 10, 100, 1000, 5000, 10000, 25000, 50000, 75000, 90000,
	95000, 99000, 99500, 99900, 99990, 99999, 100000,
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Uniform in [0, 1) from the seeded hash. */
static double unit(uint64_t seed, uint64_t i)
{
	return (double)(xc_mix64(seed * 0x100000001ull + i) >> 11) *
	       0x1p-53;
}

/*
 * By the definition: the lowest value v with at least pm/1000 percent of
 * the n sorted values <= v, i.e. the first index i with
 * (i + 1) * 100000 >= pm * n; min for pm = 0.
 */
static size_t exact_index(uint32_t pm, size_t n)
{
	size_t i;

	for (i = 0; i < n - 1; i++)
		if ((unsigned __int128)(i + 1) * 100000 >=
		    (unsigned __int128)pm * n)
			break;
	return i;
}

/* The most a reported value may exceed the exact one: w - 1. */
static uint64_t tolerance(uint64_t x)
{
	return x < 256 ? 0 : (x >> 7) - 1;
}

static void record_all(struct xc_hist *h, const uint64_t *v, size_t n)
{
	size_t i;

	xc_hist_init(h);
	for (i = 0; i < n; i++)
		xc_hist_record(h, v[i]);
}

/* Moments against a two-pass computation on the samples. */
static void check_moments(const struct xc_hist *h, const uint64_t *v,
			  size_t n)
{
	long double sum = 0, mean, ss = 0, d;
	double sd;
	size_t i;

	for (i = 0; i < n; i++)
		sum += v[i];
	mean = sum / n;
	for (i = 0; i < n; i++) {
		d = (long double)v[i] - mean;
		ss += d * d;
	}
	assert_true(fabsl(xc_hist_mean(h) - mean) <= mean * 1e-12L);
	assert_int_equal(xc_hist_stddev(h, &sd), 0);
	assert_true(fabsl(sd - sqrtl(ss / n)) <=
		    sqrtl(ss / n) * 1e-9L + 1e-9L);
}

/*
 * Record the samples, then every listed percentile and every whole one
 * against the exact percentile of the sorted samples: the reported value
 * is the exact one's bucket's top (not above max), within the bound.
 */
static void check_samples(uint64_t *v, size_t n)
{
	static struct xc_hist h;
	uint64_t got, x, max, overflow = 0;
	size_t i, k;
	uint32_t pm;
	int ret;

	record_all(&h, v, n);
	qsort(v, n, sizeof(*v), cmp_u64);
	max = v[n - 1];
	for (i = 0; i < n; i++)
		overflow += v[i] > XC_HIST_MAX_VALUE;
	assert_int_equal(xc_hist_count(&h), n);
	assert_int_equal(h.overflow, overflow);
	assert_int_equal(xc_hist_min(&h), v[0]);
	assert_int_equal(xc_hist_max(&h), max);
	for (k = 0; k < XC_ARRAY_SIZE(pm_list) + 101; k++) {
		pm = k < XC_ARRAY_SIZE(pm_list) ? pm_list[k] :
		     (uint32_t)(k - XC_ARRAY_SIZE(pm_list)) * 1000;
		i = exact_index(pm, n);
		x = v[i];
		ret = xc_hist_percentile(&h, pm / 1000.0, &got);
		if (x > XC_HIST_MAX_VALUE) {
			assert_int_equal(ret, -ERANGE);
			assert_int_equal(got, max);
			continue;
		}
		assert_int_equal(ret, 0);
		if (!pm)
			assert_int_equal(got, v[0]);
		else
			assert_int_equal(got,
				XC_MIN(xc_hist_bucket_hi(xc_hist_index(x)),
				       max));
		assert_true(got >= x);
		assert_true(got - x <= tolerance(x));
	}
}

static void test_layout(void **state)
{
	uint64_t lo, hi;
	uint32_t i;

	assert_int_equal(sizeof(struct xc_hist), XC_HIST_SIZE);
	assert_int_equal(XC_HIST_BUCKETS, 3584);
	assert_int_equal(xc_hist_bucket_lo(0), 0);
	assert_int_equal(xc_hist_bucket_hi(XC_HIST_BUCKETS - 1),
			 XC_HIST_MAX_VALUE);
	assert_true(XC_HIST_MAX_VALUE >= 10000000000ull);
	for (i = 0; i < XC_HIST_BUCKETS; i++) {
		lo = xc_hist_bucket_lo(i);
		hi = xc_hist_bucket_hi(i);
		assert_int_equal(xc_hist_index(lo), i);
		assert_int_equal(xc_hist_index(hi), i);
		if (i + 1 < XC_HIST_BUCKETS)
			assert_int_equal(xc_hist_bucket_lo(i + 1), hi + 1);
		/* Exact below 256; width <= value / 128 above. */
		if (lo < 256)
			assert_int_equal(hi, lo);
		else
			assert_true((hi - lo + 1) * 128 <= lo);
	}
	/* Worked by hand: widths 1, then 2 from 256, 4 from 512. */
	assert_int_equal(xc_hist_index(255), 255);
	assert_int_equal(xc_hist_index(256), 256);
	assert_int_equal(xc_hist_index(257), 256);
	assert_int_equal(xc_hist_index(258), 257);
	assert_int_equal(xc_hist_index(511), 383);
	assert_int_equal(xc_hist_index(512), 384);
	assert_int_equal(xc_hist_bucket_lo(384), 512);
	assert_int_equal(xc_hist_bucket_hi(384), 515);
	assert_int_equal(xc_hist_index(10), 10);
	/* 10 s: 2^33 <= v < 2^34, width 2^26. */
	assert_int_equal(xc_hist_index(10000000000ull),
			 (26u << 7) + (uint32_t)(10000000000ull >> 26));
}

static void test_random_uniform(void **state)
{
	uint64_t *v = malloc(N_RANDOM * sizeof(*v));
	size_t i;

	assert_non_null(v);
	for (i = 0; i < N_RANDOM; i++)
		v[i] = xc_mix64(i) % 1000000000ull;
	{
		static struct xc_hist h;

		record_all(&h, v, N_RANDOM);
		check_moments(&h, v, N_RANDOM);
	}
	check_samples(v, N_RANDOM);
	free(v);
}

static void test_random_exponential(void **state)
{
	uint64_t *v = malloc(N_RANDOM * sizeof(*v));
	static struct xc_hist h;
	size_t i;

	assert_non_null(v);
	for (i = 0; i < N_RANDOM; i++)
		v[i] = (uint64_t)(-log(1.0 - unit(2, i)) * 20000.0);
	record_all(&h, v, N_RANDOM);
	check_moments(&h, v, N_RANDOM);
	check_samples(v, N_RANDOM);
	free(v);
}

static void test_random_lognormal(void **state)
{
	uint64_t *v = malloc(N_RANDOM * sizeof(*v));
	static struct xc_hist h;
	double z;
	size_t i;
	int k;

	assert_non_null(v);
	for (i = 0; i < N_RANDOM; i++) {
		/* Sum of 12 uniforms less 6: close to a standard normal. */
		for (z = -6, k = 0; k < 12; k++)
			z += unit(3 + k, i);
		v[i] = (uint64_t)exp(log(50000.0) + 1.5 * z);
	}
	record_all(&h, v, N_RANDOM);
	check_moments(&h, v, N_RANDOM);
	check_samples(v, N_RANDOM);
	free(v);
}

/* Every octave from 1 ns to 17 s, uniformly within each. */
static void test_random_octaves(void **state)
{
	uint64_t *v = malloc(N_RANDOM * sizeof(*v)), r;
	unsigned int e;
	size_t i;

	assert_non_null(v);
	for (i = 0; i < N_RANDOM; i++) {
		r = xc_mix64(0x5eed0000 + i);
		e = r % 34;
		v[i] = (1ull << e) + ((r >> 8) & ((1ull << e) - 1));
	}
	check_samples(v, N_RANDOM);
	free(v);
}

static void test_all_equal(void **state)
{
	static struct xc_hist h;
	uint64_t got;
	double sd;
	size_t k;

	xc_hist_init(&h);
	for (k = 0; k < 100000; k++)
		xc_hist_record(&h, 1001);
	/* 1001 is in 1000..1003: clamped to max, every percentile exact. */
	for (k = 0; k < XC_ARRAY_SIZE(pm_list); k++) {
		assert_int_equal(xc_hist_percentile(&h, pm_list[k] / 1000.0,
						    &got), 0);
		assert_int_equal(got, 1001);
	}
	assert_int_equal(xc_hist_min(&h), 1001);
	assert_int_equal(xc_hist_max(&h), 1001);
	assert_true(xc_hist_mean(&h) == 1001.0);
	assert_int_equal(xc_hist_stddev(&h, &sd), 0);
	assert_true(sd == 0.0);
}

/* 0, 1, powers of two and neighbours, the top, above it, 2^64 - 1. */
static void test_adversarial(void **state)
{
	uint64_t v[3 * 64 + 8];
	size_t n = 0, rep;
	int k;

	for (rep = 0; rep < 2; rep++) {
		v[n++] = 0;
		v[n++] = 1;
	}
	for (k = 1; k < 64; k++) {
		v[n++] = (1ull << k) - 1;
		v[n++] = 1ull << k;
		v[n++] = (1ull << k) + 1;
	}
	v[n++] = XC_HIST_MAX_VALUE;
	v[n++] = XC_HIST_MAX_VALUE + 1;
	v[n++] = UINT64_MAX;
	v[n++] = 10000000000ull;
	assert_true(n <= XC_ARRAY_SIZE(v));
	check_samples(v, n);
}

/* Values at both edges of every bucket, each once. */
static void test_bucket_edges(void **state)
{
	uint64_t *v = malloc(2 * XC_HIST_BUCKETS * sizeof(*v));
	size_t n = 0;
	uint32_t i;

	assert_non_null(v);
	for (i = 0; i < XC_HIST_BUCKETS; i++) {
		v[n++] = xc_hist_bucket_lo(i);
		if (xc_hist_bucket_hi(i) != xc_hist_bucket_lo(i))
			v[n++] = xc_hist_bucket_hi(i);
	}
	check_samples(v, n);
	free(v);
}

static void test_overflow(void **state)
{
	static struct xc_hist h;
	struct xc_hist_bucket b;
	uint64_t got;
	double sd;

	xc_hist_init(&h);
	xc_hist_record(&h, 500);
	xc_hist_record(&h, 30000000000ull);	/* 30 s */
	xc_hist_record(&h, 123456789012345ull);
	assert_int_equal(xc_hist_count(&h), 3);
	assert_int_equal(h.overflow, 2);
	assert_int_equal(xc_hist_max(&h), 123456789012345ull);
	assert_true(fabs(xc_hist_mean(&h) -
			 (500.0 + 30000000000.0 + 123456789012345.0) / 3) <
		    1e-3);
	assert_int_equal(xc_hist_percentile(&h, 33.3, &got), 0);
	assert_int_equal(got, 501);	/* 500's bucket is 500..501 */
	assert_int_equal(xc_hist_percentile(&h, 50, &got), -ERANGE);
	assert_int_equal(got, 123456789012345ull);
	/* The overflowed values are in no bucket. */
	assert_int_equal(xc_hist_next(&h, 0, &b), xc_hist_index(500));
	assert_int_equal(b.count, 1);
	assert_int_equal(xc_hist_next(&h, b.index + 1, &b), -ENOENT);
	/* One 2^64 - 1 squared fits in 128 bits, two do not. */
	xc_hist_init(&h);
	xc_hist_record(&h, UINT64_MAX);
	assert_int_equal(xc_hist_stddev(&h, &sd), 0);
	assert_true(sd == 0.0);
	xc_hist_record(&h, UINT64_MAX);
	assert_int_equal(xc_hist_stddev(&h, &sd), -ERANGE);
	assert_int_equal(xc_hist_max(&h), UINT64_MAX);
}

/* The rank is ceil(p * n / 100) exactly: 99.9% of 1000 is 999. */
static void test_rank_exact(void **state)
{
	static struct xc_hist h;
	uint64_t got;

	xc_hist_init(&h);
	assert_int_equal(xc_hist_record_n(&h, 3, 1), 0);
	assert_int_equal(xc_hist_record_n(&h, 5, 998), 0);
	assert_int_equal(xc_hist_record_n(&h, 7, 1), 0);
	assert_int_equal(xc_hist_percentile(&h, 0.1, &got), 0);
	assert_int_equal(got, 3);
	assert_int_equal(xc_hist_percentile(&h, 0.2, &got), 0);
	assert_int_equal(got, 5);
	assert_int_equal(xc_hist_percentile(&h, 99.9, &got), 0);
	assert_int_equal(got, 5);
	assert_int_equal(xc_hist_percentile(&h, 99.91, &got), 0);
	assert_int_equal(got, 7);
	assert_int_equal(xc_hist_percentile(&h, 0, &got), 0);
	assert_int_equal(got, 3);
	assert_int_equal(xc_hist_record_n(&h, 5, 9000), 0);
	/* n = 10000: 99.99% is rank 9999 (5), 99.991% rank 10000 (7). */
	assert_int_equal(xc_hist_percentile(&h, 99.99, &got), 0);
	assert_int_equal(got, 5);
	assert_int_equal(xc_hist_percentile(&h, 99.991, &got), 0);
	assert_int_equal(got, 7);
	/* 0.07% of 10000 is rank 7 (0.07 * 10000 / 100 > 7 in doubles). */
	xc_hist_init(&h);
	assert_int_equal(xc_hist_record_n(&h, 3, 7), 0);
	assert_int_equal(xc_hist_record_n(&h, 5, 9993), 0);
	assert_int_equal(xc_hist_percentile(&h, 0.07, &got), 0);
	assert_int_equal(got, 3);
	assert_int_equal(xc_hist_percentile(&h, 0.0701, &got), 0);
	assert_int_equal(got, 5);
}

static void test_percentile_errors(void **state)
{
	static struct xc_hist h;
	uint64_t got = 1;
	double sd;

	xc_hist_init(&h);
	assert_int_equal(xc_hist_percentile(&h, 50, &got), -ENODATA);
	assert_int_equal(got, 0);
	assert_int_equal(xc_hist_stddev(&h, &sd), -ENODATA);
	assert_int_equal(xc_hist_min(&h), 0);
	assert_int_equal(xc_hist_max(&h), 0);
	assert_true(xc_hist_mean(&h) == 0.0);
	xc_hist_record(&h, 1);
	assert_int_equal(xc_hist_percentile(&h, -0.001, &got), -EINVAL);
	assert_int_equal(xc_hist_percentile(&h, 100.001, &got), -EINVAL);
	assert_int_equal(xc_hist_percentile(&h, NAN, &got), -EINVAL);
	assert_int_equal(xc_hist_percentile(&h, 100, &got), 0);
	assert_int_equal(got, 1);
}

static void test_record_n(void **state)
{
	static struct xc_hist a, b;
	int k;

	xc_hist_init(&a);
	xc_hist_init(&b);
	for (k = 0; k < 5; k++) {
		xc_hist_record(&a, 77777);
		xc_hist_record(&a, XC_HIST_MAX_VALUE + 9);
	}
	assert_int_equal(xc_hist_record_n(&b, 77777, 5), 0);
	assert_int_equal(xc_hist_record_n(&b, XC_HIST_MAX_VALUE + 9, 5), 0);
	assert_int_equal(xc_hist_record_n(&b, 1, 0), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(xc_hist_record_n(&b, 1, UINT64_MAX - 9), -EOVERFLOW);
	assert_memory_equal(&a, &b, sizeof(a));
	/* 2^60 values of 2^40: the sum of squares passes 2^128. */
	assert_int_equal(xc_hist_record_n(&b, 1ull << 40, 1ull << 60), 0);
	assert_true(b.sumsq_overflow);
	assert_int_equal(b.count, 10 + (1ull << 60));
}

static void test_merge(void **state)
{
	static struct xc_hist all, part[3], big;
	uint64_t v;
	size_t i;

	xc_hist_init(&all);
	for (i = 0; i < 3; i++)
		xc_hist_init(&part[i]);
	for (i = 0; i < N_RANDOM; i++) {
		v = xc_mix64(0xabc + i) >> (xc_mix64(i) % 64);
		xc_hist_record(&all, v);
		xc_hist_record(&part[i % 3], v);
	}
	assert_int_equal(xc_hist_merge(&part[0], &part[1]), 0);
	assert_int_equal(xc_hist_merge(&part[0], &part[2]), 0);
	assert_memory_equal(&part[0], &all, sizeof(all));
	assert_true(all.overflow > 0);
	/* Merging an empty one changes nothing; nor does a refused one. */
	xc_hist_init(&part[1]);
	assert_int_equal(xc_hist_merge(&part[0], &part[1]), 0);
	assert_memory_equal(&part[0], &all, sizeof(all));
	/* The sum of squares' overflow carries over. */
	xc_hist_init(&big);
	xc_hist_record(&big, UINT64_MAX);
	xc_hist_record(&big, UINT64_MAX);
	assert_true(big.sumsq_overflow);
	assert_false(part[1].sumsq_overflow);
	assert_int_equal(xc_hist_merge(&part[1], &big), 0);
	assert_true(part[1].sumsq_overflow);
	xc_hist_init(&big);
	assert_int_equal(xc_hist_record_n(&big, 9, UINT64_MAX - 5), 0);
	assert_int_equal(xc_hist_merge(&part[0], &big), -EOVERFLOW);
	assert_memory_equal(&part[0], &all, sizeof(all));
}

static void test_iterate(void **state)
{
	static struct xc_hist h;
	struct xc_hist_bucket b;
	uint64_t total = 0;
	int i, n = 0;

	xc_hist_init(&h);
	xc_hist_record(&h, 3);
	xc_hist_record(&h, 3);
	xc_hist_record(&h, 1000);
	xc_hist_record(&h, 1003);
	xc_hist_record(&h, 1004);
	xc_hist_record(&h, XC_HIST_MAX_VALUE + 1);
	for (i = xc_hist_next(&h, 0, &b); i >= 0;
	     i = xc_hist_next(&h, (uint32_t)i + 1, &b)) {
		assert_int_equal(b.index, (uint32_t)i);
		assert_int_equal(b.lo, xc_hist_bucket_lo(b.index));
		assert_int_equal(b.hi, xc_hist_bucket_hi(b.index));
		total += b.count;
		n++;
	}
	/* 3 (2), 1000..1003 (2), 1004..1007 (1); one in overflow. */
	assert_int_equal(n, 3);
	assert_int_equal(total + h.overflow, h.count);
	assert_int_equal(xc_hist_next(&h, 0, &b), 3);
	assert_int_equal(b.count, 2);
	assert_int_equal(xc_hist_next(&h, 4, &b), xc_hist_index(1000));
	assert_int_equal(b.lo, 1000);
	assert_int_equal(b.hi, 1003);
	assert_int_equal(b.count, 2);
}

static struct xc_hist enc_h;
static struct xc_hist_hdr enc_hdr;
static uint32_t enc_idx[XC_HIST_BUCKETS + 1];
static uint64_t enc_cnt[XC_HIST_BUCKETS + 1];
static size_t enc_n;

static void encode_sample(void)
{
	size_t i;
	int ret;

	xc_hist_init(&enc_h);
	for (i = 0; i < 10000; i++)
		xc_hist_record(&enc_h, xc_mix64(0xe0c + i) % 100000000ull);
	xc_hist_record(&enc_h, 1ull << 40);
	ret = xc_hist_encode(&enc_h, &enc_hdr, enc_idx, enc_cnt,
			     XC_HIST_BUCKETS);
	assert_true(ret > 0);
	enc_n = (size_t)ret;
}

static void test_encode_round_trip(void **state)
{
	static struct xc_hist out;
	uint32_t idx[4];
	uint64_t cnt[4];
	char err[160] = "";

	encode_sample();
	assert_int_equal(enc_hdr.count, 10001);
	assert_int_equal(enc_hdr.overflow, 1);
	assert_int_equal(enc_hdr.max, 1ull << 40);
	assert_int_equal(xc_hist_decode(&out, &enc_hdr, enc_idx, enc_cnt,
					enc_n, err, sizeof(err)), 0);
	assert_memory_equal(&out, &enc_h, sizeof(out));
	assert_int_equal(xc_hist_encode(&enc_h, &enc_hdr, idx, cnt, 4),
			 -ENOSPC);
	/* The empty histogram: a header of zeros, no pairs. */
	xc_hist_init(&enc_h);
	assert_int_equal(xc_hist_encode(&enc_h, &enc_hdr, idx, cnt, 0), 0);
	assert_int_equal(enc_hdr.min, 0);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(xc_hist_decode(&out, &enc_hdr, idx, cnt, 0, err,
					sizeof(err)), 0);
	assert_memory_equal(&out, &enc_h, sizeof(out));
}

/* Decoding the altered sample fails naming the problem, out untouched. */
static void expect_bad(const char *what)
{
	static struct xc_hist out, before;
	char err[160] = "";

	memset(&out, 0x5a, sizeof(out));
	before = out;
	assert_int_equal(xc_hist_decode(&out, &enc_hdr, enc_idx, enc_cnt,
					enc_n, err, sizeof(err)), -EINVAL);
	if (!strstr(err, what))
		fail_msg("error \"%s\" does not say \"%s\"", err, what);
	assert_memory_equal(&out, &before, sizeof(out));
	encode_sample();
}

static void test_decode_rejects(void **state)
{
	encode_sample();
	enc_idx[enc_n - 1] = XC_HIST_BUCKETS;
	expect_bad("out of range");
	enc_idx[1] = enc_idx[0];
	expect_bad("not increasing");
	enc_cnt[2] = 0;
	expect_bad("count of 0");
	enc_cnt[0] = UINT64_MAX - 3;
	enc_cnt[1] = 10;
	expect_bad("overflow 64 bits");
	enc_hdr.count++;
	expect_bad("count says");
	enc_hdr.overflow = 0;
	expect_bad("count says");
	enc_hdr.layout ^= 1;
	expect_bad("layout");
	enc_hdr.min = xc_hist_bucket_hi(enc_idx[0]) + 1;
	expect_bad("min");
	enc_hdr.max = XC_HIST_MAX_VALUE;
	expect_bad("max");
	enc_hdr.sum_hi++;
	expect_bad("sum not between");
	enc_hdr.sum_lo = 0;
	enc_hdr.sum_hi = 0;
	expect_bad("sum not between");
	enc_hdr.sumsq_hi = 0;
	enc_hdr.sumsq_lo = 1;
	expect_bad("sum of squares");
	enc_hdr.sumsq_hi = UINT64_MAX;
	expect_bad("sum of squares");
	enc_n = XC_HIST_BUCKETS + 1;
	expect_bad("at most");
	/* An empty one with a stray min. */
	memset(&enc_hdr, 0, sizeof(enc_hdr));
	enc_hdr.layout = XC_HIST_LAYOUT;
	enc_hdr.min = 4;
	enc_n = 0;
	expect_bad("no values");
	/* min above max within one bucket. */
	xc_hist_init(&enc_h);
	xc_hist_record(&enc_h, 1000);
	xc_hist_record(&enc_h, 1002);
	enc_n = (size_t)xc_hist_encode(&enc_h, &enc_hdr, enc_idx, enc_cnt,
				       XC_HIST_BUCKETS);
	enc_hdr.min = 1003;
	expect_bad("above max");
	/* 1000 and 3000: squares sum to 10^7; at least 4000^2 / 2 = 8e6. */
	xc_hist_init(&enc_h);
	xc_hist_record(&enc_h, 1000);
	xc_hist_record(&enc_h, 3000);
	enc_n = (size_t)xc_hist_encode(&enc_h, &enc_hdr, enc_idx, enc_cnt,
				       XC_HIST_BUCKETS);
	assert_int_equal(enc_hdr.sumsq_lo, 10000000);
	enc_hdr.sumsq_lo = 8000000;
	{
		static struct xc_hist out;

		assert_int_equal(xc_hist_decode(&out, &enc_hdr, enc_idx,
						enc_cnt, enc_n, NULL, 0), 0);
	}
	enc_hdr.sumsq_lo = 7999999;
	expect_bad("below sum^2");
}

/*
 * Transit times 100, 120, 110, 150, 150 us: |D| = 20, 10, 40, 0 us. By
 * hand, j16 += |D| - ((j16 + 8) >> 4):
 *   20000 - 0 = 20000;
 *   20000 + 10000 - 1250 = 28750;
 *   28750 + 40000 - 1797 = 66953;
 *   66953 + 0 - 4185 = 62768.
 */
static void test_jitter(void **state)
{
	static const int64_t transit[] = { 100000, 120000, 110000, 150000,
					   150000 };
	static const uint64_t j16[] = { 0, 20000, 28750, 66953, 62768 };
	struct xc_jitter j, neg;
	size_t i;

	xc_jitter_init(&j);
	xc_jitter_init(&neg);
	assert_int_equal(xc_jitter_ns(&j), 0);
	for (i = 0; i < XC_ARRAY_SIZE(transit); i++) {
		xc_jitter_update(&j, transit[i]);
		/* Transit times below 0 (clocks apart) give the same J. */
		xc_jitter_update(&neg, -transit[i] - 5000000);
		assert_int_equal((uint64_t)j.j16, j16[i]);
		assert_int_equal((uint64_t)neg.j16, j16[i]);
		assert_int_equal(xc_jitter_ns(&j), j16[i] >> 4);
	}
	assert_int_equal(xc_jitter_ns(&j), 3923);
	assert_true(xc_jitter_ns_f(&j) == 3923.0);
	/* The double form of the RFC stays within 1 ns of it here. */
	assert_true(fabs(xc_jitter_ns_f(&j) - 3923.0347) < 1);
	/* Extreme transit times do not overflow the estimator. */
	xc_jitter_init(&j);
	xc_jitter_update(&j, INT64_MIN);
	xc_jitter_update(&j, -1);
	assert_int_equal(xc_jitter_ns(&j), (uint64_t)INT64_MAX >> 4);
}

/* -1001, -5, 0, 7, 1001, 2000: worked by hand. */
static void test_ipdv_known(void **state)
{
	static const int64_t v[] = { 2000, -5, 1001, 0, -1001, 7 };
	static struct xc_shist s;
	int64_t got;
	size_t i;

	xc_shist_init(&s);
	assert_int_equal(xc_shist_percentile(&s, 50, &got), -ENODATA);
	for (i = 0; i < XC_ARRAY_SIZE(v); i++)
		xc_shist_record(&s, v[i]);
	assert_int_equal(xc_shist_count(&s), 6);
	assert_int_equal(xc_shist_min(&s), -1001);
	assert_int_equal(xc_shist_max(&s), 2000);
	assert_true(fabs(xc_shist_mean(&s) - 2002.0 / 6) < 1e-9);
	/* rank 1: -1001, magnitude bucket 1000..1003 -> -1000 */
	assert_int_equal(xc_shist_percentile(&s, 1, &got), 0);
	assert_int_equal(got, -1000);
	assert_int_equal(xc_shist_percentile(&s, 0, &got), 0);
	assert_int_equal(got, -1001);
	assert_int_equal(xc_shist_percentile(&s, 33, &got), 0);
	assert_int_equal(got, -5);
	assert_int_equal(xc_shist_percentile(&s, 34, &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(xc_shist_percentile(&s, 50, &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(xc_shist_percentile(&s, 51, &got), 0);
	assert_int_equal(got, 7);
	/* rank 5: 1001, bucket 1000..1003 -> 1003 */
	assert_int_equal(xc_shist_percentile(&s, 67, &got), 0);
	assert_int_equal(got, 1003);
	assert_int_equal(xc_shist_percentile(&s, 100, &got), 0);
	assert_int_equal(got, 2000);
	/* All negative: max is the one nearest 0. */
	xc_shist_init(&s);
	xc_shist_record(&s, -300);
	xc_shist_record(&s, -4000);
	assert_int_equal(xc_shist_max(&s), -300);
	assert_int_equal(xc_shist_min(&s), -4000);
	assert_int_equal(xc_shist_percentile(&s, 100, &got), 0);
	assert_int_equal(got, -300);
	/* -1003 alone: its bucket's end, -1000, is clamped to max. */
	{
		static struct xc_shist one;

		xc_shist_init(&one);
		xc_shist_record(&one, -1003);
		assert_int_equal(xc_shist_percentile(&one, 100, &got), 0);
		assert_int_equal(got, -1003);
		assert_int_equal(xc_shist_max(&one), -1003);
	}
	/* The most negative value overflows its magnitude's range. */
	xc_shist_record(&s, INT64_MIN);
	assert_int_equal(xc_shist_min(&s), INT64_MIN);
	assert_int_equal(xc_shist_percentile(&s, 10, &got), -ERANGE);
	assert_int_equal(got, INT64_MIN);
	assert_int_equal(xc_shist_percentile(&s, 50, &got), 0);
	assert_int_equal(got, -4000);
}

/* Random signed differences against the sorted exact percentiles. */
static void test_ipdv_random(void **state)
{
	int64_t *v = malloc(N_RANDOM * sizeof(*v)), x, got;
	static struct xc_shist s, half[2];
	uint64_t mag;
	size_t i, k;
	uint32_t pm;

	assert_non_null(v);
	xc_shist_init(&s);
	xc_shist_init(&half[0]);
	xc_shist_init(&half[1]);
	for (i = 0; i < N_RANDOM; i++) {
		/* Differences of two exponential-ish delays. */
		v[i] = (int64_t)(-log(1.0 - unit(20, i)) * 3000.0) -
		       (int64_t)(-log(1.0 - unit(21, i)) * 2000.0);
		xc_shist_record(&s, v[i]);
		xc_shist_record(&half[i & 1], v[i]);
	}
	assert_int_equal(xc_shist_merge(&half[0], &half[1]), 0);
	assert_memory_equal(&half[0], &s, sizeof(s));
	qsort(v, N_RANDOM, sizeof(*v), cmp_i64);
	assert_int_equal(xc_shist_min(&s), v[0]);
	assert_int_equal(xc_shist_max(&s), v[N_RANDOM - 1]);
	assert_true(v[0] < -1000 && v[N_RANDOM - 1] > 1000);
	for (k = 0; k < XC_ARRAY_SIZE(pm_list) + 101; k++) {
		pm = k < XC_ARRAY_SIZE(pm_list) ? pm_list[k] :
		     (uint32_t)(k - XC_ARRAY_SIZE(pm_list)) * 1000;
		x = v[exact_index(pm, N_RANDOM)];
		assert_int_equal(xc_shist_percentile(&s, pm / 1000.0, &got),
				 0);
		mag = x < 0 ? (uint64_t)-x : (uint64_t)x;
		assert_true(got >= x);
		assert_true((uint64_t)(got - x) <= tolerance(mag));
		if (!pm)
			assert_int_equal(got, v[0]);
		else if (x >= 0)
			assert_int_equal(got,
				XC_MIN(xc_hist_bucket_hi(xc_hist_index(mag)),
				       (uint64_t)v[N_RANDOM - 1]));
		else
			assert_int_equal(-got,
				XC_MAX(xc_hist_bucket_lo(xc_hist_index(mag)),
				       s.neg.min));
	}
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_random_uniform),
		cmocka_unit_test(test_random_exponential),
		cmocka_unit_test(test_random_lognormal),
		cmocka_unit_test(test_random_octaves),
		cmocka_unit_test(test_all_equal),
		cmocka_unit_test(test_adversarial),
		cmocka_unit_test(test_bucket_edges),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_rank_exact),
		cmocka_unit_test(test_percentile_errors),
		cmocka_unit_test(test_record_n),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_iterate),
		cmocka_unit_test(test_encode_round_trip),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_ipdv_known),
		cmocka_unit_test(test_ipdv_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
