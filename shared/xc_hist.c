// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Log-linear latency histogram (see xc_hist.h): bucket bounds, merge,
 * moments, percentiles by rank, the compact encoded form and its checks,
 * and the signed pair for IPDV.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "xc_hist.h"
#include "xc_util.h"

_Static_assert(sizeof(struct xc_hist) == XC_HIST_SIZE,
	       "XC_HIST_SIZE states the histogram's size");
_Static_assert(XC_HIST_BUCKETS == 3584, "bucket count as documented");

uint64_t xc_hist_bucket_lo(uint32_t i)
{
	uint32_t shift;

	if (i < XC_HIST_LINEAR)
		return i;
	shift = (i >> XC_HIST_SUB_BITS) - 1;
	return (uint64_t)((i & (XC_HIST_SUB - 1)) + XC_HIST_SUB) << shift;
}

uint64_t xc_hist_bucket_hi(uint32_t i)
{
	if (i < XC_HIST_LINEAR)
		return i;
	return xc_hist_bucket_lo(i) +
	       (1ull << ((i >> XC_HIST_SUB_BITS) - 1)) - 1;
}

void xc_hist_init(struct xc_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

int xc_hist_record_n(struct xc_hist *h, uint64_t v, uint64_t n)
{
	xc_u128 sq;

	if (!n)
		return 0;
	if (h->count + n < h->count)
		return -EOVERFLOW;
	h->count += n;
	h->sum += (xc_u128)v * n;
	if (__builtin_mul_overflow((xc_u128)v * v, (xc_u128)n, &sq) ||
	    __builtin_add_overflow(h->sumsq, sq, &h->sumsq))
		h->sumsq_overflow = true;
	h->min = XC_MIN(h->min, v);
	h->max = XC_MAX(h->max, v);
	if (v <= XC_HIST_MAX_VALUE)
		h->counts[xc_hist_index(v)] += n;
	else
		h->overflow += n;
	return 0;
}

int xc_hist_merge(struct xc_hist *dst, const struct xc_hist *src)
{
	uint32_t i;

	if (dst->count + src->count < dst->count)
		return -EOVERFLOW;
	for (i = 0; i < XC_HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
	dst->count += src->count;
	dst->overflow += src->overflow;
	dst->sum += src->sum;
	if (__builtin_add_overflow(dst->sumsq, src->sumsq, &dst->sumsq))
		dst->sumsq_overflow = true;
	dst->sumsq_overflow |= src->sumsq_overflow;
	dst->min = XC_MIN(dst->min, src->min);
	dst->max = XC_MAX(dst->max, src->max);
	return 0;
}

double xc_hist_mean(const struct xc_hist *h)
{
	if (!h->count)
		return 0;
	return (double)((long double)h->sum / h->count);
}

int xc_hist_stddev(const struct xc_hist *h, double *sd)
{
	xc_u128 m, r, dev;
	long double var;

	*sd = 0;
	if (!h->count)
		return -ENODATA;
	if (h->sumsq_overflow)
		return -ERANGE;
	/*
	 * With sum = count * m + r: sum((v - m)^2) = sumsq - count * m^2 -
	 * 2 * m * r, exact (each step stays >= 0), and the squared distances
	 * from the true mean m + r / count are that minus r^2 / count.
	 */
	m = h->sum / h->count;
	r = h->sum % h->count;
	dev = h->sumsq - m * m * h->count - 2 * m * r;
	var = ((long double)dev - (long double)r * r / h->count) / h->count;
	*sd = var > 0 ? (double)sqrtl(var) : 0;
	return 0;
}

/* Rank (1-based) of the p-th percentile of count values; 0 for p = 0. */
static int xc_hist_rank(double p, uint64_t count, uint64_t *rank)
{
	xc_u128 q;

	if (!(p >= 0 && p <= 100))
		return -EINVAL;
	q = (xc_u128)llround(p * XC_HIST_P_SCALE);
	*rank = (uint64_t)((q * count + 100 * XC_HIST_P_SCALE - 1) /
			   (100 * XC_HIST_P_SCALE));
	return 0;
}

/*
 * The bucket holding the value of rank (1..count, 1 the smallest), or
 * -ERANGE when that value is among the overflowed ones.
 */
static int xc_hist_rank_bucket(const struct xc_hist *h, uint64_t rank)
{
	uint64_t seen = 0;
	uint32_t i;

	if (rank > h->count - h->overflow)
		return -ERANGE;
	for (i = 0; i < XC_HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			return (int)i;
	}
	return -ERANGE;
}

int xc_hist_percentile(const struct xc_hist *h, double p, uint64_t *v)
{
	uint64_t rank;
	int ret, b;

	*v = 0;
	ret = xc_hist_rank(p, h->count, &rank);
	if (ret)
		return ret;
	if (!h->count)
		return -ENODATA;
	if (!rank) {
		*v = h->min;
		return 0;
	}
	b = xc_hist_rank_bucket(h, rank);
	if (b < 0) {
		*v = h->max;
		return b;
	}
	*v = XC_MIN(xc_hist_bucket_hi((uint32_t)b), h->max);
	return 0;
}

int xc_hist_next(const struct xc_hist *h, uint32_t from,
		 struct xc_hist_bucket *b)
{
	uint32_t i;

	for (i = from; i < XC_HIST_BUCKETS; i++) {
		if (!h->counts[i])
			continue;
		b->index = i;
		b->lo = xc_hist_bucket_lo(i);
		b->hi = xc_hist_bucket_hi(i);
		b->count = h->counts[i];
		return (int)i;
	}
	return -ENOENT;
}

int xc_hist_encode(const struct xc_hist *h, struct xc_hist_hdr *hdr,
		   uint32_t *index, uint64_t *count, size_t cap)
{
	size_t n = 0;
	uint32_t i;

	*hdr = (struct xc_hist_hdr){
		.layout = XC_HIST_LAYOUT,
		.sumsq_overflow = h->sumsq_overflow,
		.count = h->count,
		.overflow = h->overflow,
		.min = xc_hist_min(h),
		.max = h->max,
		.sum_lo = (uint64_t)h->sum,
		.sum_hi = (uint64_t)(h->sum >> 64),
		.sumsq_lo = (uint64_t)h->sumsq,
		.sumsq_hi = (uint64_t)(h->sumsq >> 64),
	};
	for (i = 0; i < XC_HIST_BUCKETS; i++) {
		if (!h->counts[i])
			continue;
		if (n == cap)
			return -ENOSPC;
		index[n] = i;
		count[n] = h->counts[i];
		n++;
	}
	return (int)n;
}

/* Indexes in range and increasing, counts non-zero and summing to count. */
static int xc_hist_check_pairs(const struct xc_hist_hdr *hdr,
			       const uint32_t *index, const uint64_t *count,
			       size_t n, char *err, size_t errlen)
{
	uint64_t total = hdr->overflow;
	size_t i;

	for (i = 0; i < n; i++) {
		if (index[i] >= XC_HIST_BUCKETS)
			return xc_errf(err, errlen, EINVAL,
				       "histogram: bucket index %u out of range (%u buckets)",
				       index[i], XC_HIST_BUCKETS);
		if (i && index[i] <= index[i - 1])
			return xc_errf(err, errlen, EINVAL,
				       "histogram: bucket index %u after %u: not increasing",
				       index[i], index[i - 1]);
		if (!count[i])
			return xc_errf(err, errlen, EINVAL,
				       "histogram: bucket %u has a count of 0",
				       index[i]);
		if (total + count[i] < total)
			return xc_errf(err, errlen, EINVAL,
				       "histogram: bucket counts overflow 64 bits");
		total += count[i];
	}
	if (total != hdr->count)
		return xc_errf(err, errlen, EINVAL,
			       "histogram: buckets and overflow hold %llu values, count says %llu",
			       (unsigned long long)total,
			       (unsigned long long)hdr->count);
	return 0;
}

/* min and max where the buckets and the overflow put them. */
static int xc_hist_check_extremes(const struct xc_hist_hdr *hdr,
				  const uint32_t *index, size_t n,
				  char *err, size_t errlen)
{
	uint64_t lo_min = XC_HIST_MAX_VALUE + 1, hi_min = UINT64_MAX;
	uint64_t lo_max = XC_HIST_MAX_VALUE + 1, hi_max = UINT64_MAX;

	if (n) {
		lo_min = xc_hist_bucket_lo(index[0]);
		hi_min = xc_hist_bucket_hi(index[0]);
	}
	if (n && !hdr->overflow) {
		lo_max = xc_hist_bucket_lo(index[n - 1]);
		hi_max = xc_hist_bucket_hi(index[n - 1]);
	}
	if (hdr->min > hdr->max)
		return xc_errf(err, errlen, EINVAL,
			       "histogram: min %llu above max %llu",
			       (unsigned long long)hdr->min,
			       (unsigned long long)hdr->max);
	if (hdr->min < lo_min || hdr->min > hi_min)
		return xc_errf(err, errlen, EINVAL,
			       "histogram: min %llu outside its bucket %llu..%llu",
			       (unsigned long long)hdr->min,
			       (unsigned long long)lo_min,
			       (unsigned long long)hi_min);
	if (hdr->max < lo_max || hdr->max > hi_max)
		return xc_errf(err, errlen, EINVAL,
			       "histogram: max %llu outside its bucket %llu..%llu",
			       (unsigned long long)hdr->max,
			       (unsigned long long)lo_max,
			       (unsigned long long)hi_max);
	return 0;
}

/* The sums within what count values between min and max can add up to. */
static int xc_hist_check_sums(const struct xc_hist_hdr *hdr, char *err,
			      size_t errlen)
{
	xc_u128 sum = ((xc_u128)hdr->sum_hi << 64) | hdr->sum_lo;
	xc_u128 sumsq = ((xc_u128)hdr->sumsq_hi << 64) | hdr->sumsq_lo;
	xc_u128 lo_sq, hi_sq, m, r, dev;
	bool hi_sq_ovf;

	if (sum < (xc_u128)hdr->min * hdr->count ||
	    sum > (xc_u128)hdr->max * hdr->count)
		return xc_errf(err, errlen, EINVAL,
			       "histogram: sum not between count * min and count * max");
	if (hdr->sumsq_overflow)
		return 0;
	hi_sq_ovf = __builtin_mul_overflow((xc_u128)hdr->max * hdr->max,
					   (xc_u128)hdr->count, &hi_sq);
	if (__builtin_mul_overflow((xc_u128)hdr->min * hdr->min,
				   (xc_u128)hdr->count, &lo_sq) ||
	    sumsq < lo_sq || (!hi_sq_ovf && sumsq > hi_sq))
		return xc_errf(err, errlen, EINVAL,
			       "histogram: sum of squares not between count * min^2 and count * max^2");
	/* sumsq >= sum^2 / count (see xc_hist_stddev()) */
	m = sum / hdr->count;
	r = sum % hdr->count;
	if (__builtin_mul_overflow(m * m, (xc_u128)hdr->count, &dev) ||
	    __builtin_add_overflow(dev, m * r, &dev) ||
	    __builtin_add_overflow(dev, m * r, &dev) || sumsq < dev)
		return xc_errf(err, errlen, EINVAL,
			       "histogram: sum of squares below sum^2 / count");
	return 0;
}

static int xc_hist_check(const struct xc_hist_hdr *hdr,
			 const uint32_t *index, const uint64_t *count,
			 size_t n, char *err, size_t errlen)
{
	int ret;

	if (hdr->layout != XC_HIST_LAYOUT)
		return xc_errf(err, errlen, EINVAL,
			       "histogram: layout 0x%x, expected 0x%x",
			       hdr->layout, XC_HIST_LAYOUT);
	if (n > XC_HIST_BUCKETS)
		return xc_errf(err, errlen, EINVAL,
			       "histogram: %zu buckets, at most %u",
			       n, XC_HIST_BUCKETS);
	ret = xc_hist_check_pairs(hdr, index, count, n, err, errlen);
	if (ret || !hdr->count)
		goto out;
	ret = xc_hist_check_extremes(hdr, index, n, err, errlen);
	if (ret)
		goto out;
	ret = xc_hist_check_sums(hdr, err, errlen);
out:
	return ret;
}

/* An empty histogram encodes as all zeros. */
static int xc_hist_check_empty(const struct xc_hist_hdr *hdr, char *err,
			       size_t errlen)
{
	if (hdr->count || !(hdr->min || hdr->max || hdr->sum_lo ||
			    hdr->sum_hi || hdr->sumsq_lo || hdr->sumsq_hi ||
			    hdr->sumsq_overflow))
		return 0;
	return xc_errf(err, errlen, EINVAL,
		       "histogram: no values but min, max or sums not 0");
}

int xc_hist_decode(struct xc_hist *h, const struct xc_hist_hdr *hdr,
		   const uint32_t *index, const uint64_t *count, size_t n,
		   char *err, size_t errlen)
{
	size_t i;
	int ret;

	ret = xc_hist_check(hdr, index, count, n, err, errlen);
	if (!ret)
		ret = xc_hist_check_empty(hdr, err, errlen);
	if (ret)
		return ret;
	xc_hist_init(h);
	for (i = 0; i < n; i++)
		h->counts[index[i]] = count[i];
	h->count = hdr->count;
	h->overflow = hdr->overflow;
	if (hdr->count)
		h->min = hdr->min;
	h->max = hdr->max;
	h->sum = ((xc_u128)hdr->sum_hi << 64) | hdr->sum_lo;
	h->sumsq = ((xc_u128)hdr->sumsq_hi << 64) | hdr->sumsq_lo;
	h->sumsq_overflow = hdr->sumsq_overflow;
	return 0;
}

void xc_shist_init(struct xc_shist *s)
{
	xc_hist_init(&s->neg);
	xc_hist_init(&s->pos);
}

int xc_shist_merge(struct xc_shist *dst, const struct xc_shist *src)
{
	uint64_t n = dst->neg.count + src->neg.count;
	uint64_t p = dst->pos.count + src->pos.count;

	if (n < dst->neg.count || p < dst->pos.count || n + p < n)
		return -EOVERFLOW;
	xc_hist_merge(&dst->neg, &src->neg);
	xc_hist_merge(&dst->pos, &src->pos);
	return 0;
}

uint64_t xc_shist_count(const struct xc_shist *s)
{
	return s->neg.count + s->pos.count;
}

int64_t xc_shist_min(const struct xc_shist *s)
{
	if (s->neg.count)
		return (int64_t)-s->neg.max;
	return (int64_t)xc_hist_min(&s->pos);
}

int64_t xc_shist_max(const struct xc_shist *s)
{
	if (s->pos.count)
		return (int64_t)s->pos.max;
	return s->neg.count ? (int64_t)-s->neg.min : 0;
}

double xc_shist_mean(const struct xc_shist *s)
{
	uint64_t n = xc_shist_count(s);
	long double diff;

	if (!n)
		return 0;
	if (s->pos.sum >= s->neg.sum)
		diff = (long double)(s->pos.sum - s->neg.sum);
	else
		diff = -(long double)(s->neg.sum - s->pos.sum);
	return (double)(diff / n);
}

/* Rank 1..neg.count: among the negative values, smallest first. */
static int xc_shist_neg_rank(const struct xc_shist *s, uint64_t rank,
			     int64_t *v)
{
	int b = xc_hist_rank_bucket(&s->neg, s->neg.count - rank + 1);

	if (b < 0) {
		*v = (int64_t)-s->neg.max;
		return b;
	}
	*v = (int64_t)-XC_MAX(xc_hist_bucket_lo((uint32_t)b), s->neg.min);
	return 0;
}

int xc_shist_percentile(const struct xc_shist *s, double p, int64_t *v)
{
	uint64_t rank, n = xc_shist_count(s);
	int ret, b;

	*v = 0;
	ret = xc_hist_rank(p, n, &rank);
	if (ret)
		return ret;
	if (!n)
		return -ENODATA;
	if (!rank) {
		*v = xc_shist_min(s);
		return 0;
	}
	if (rank <= s->neg.count)
		return xc_shist_neg_rank(s, rank, v);
	b = xc_hist_rank_bucket(&s->pos, rank - s->neg.count);
	if (b < 0) {
		*v = (int64_t)s->pos.max;
		return b;
	}
	*v = (int64_t)XC_MIN(xc_hist_bucket_hi((uint32_t)b), s->pos.max);
	return 0;
}
