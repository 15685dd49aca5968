/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Fixed-memory log-linear (HDR-style) histogram of unsigned 64-bit
 * nanosecond values, for per-frame latency.
 *
 * Buckets. Values 0..255 each have their own bucket (exact). Above, every
 * power of two [2^k, 2^(k+1)) for k = 8..33 is cut into XC_HIST_SUB (128)
 * buckets of width 2^(k-7). A value v >= 256 therefore lies in a bucket
 * whose width w satisfies w <= v / 128: the precision bound is 2^-7 =
 * 0.78125% of the value, at every value of the range. The buckets cover
 * 0..XC_HIST_MAX_VALUE = 2^34 - 1 ns (17.18 s).
 *
 * Overflow. A value above XC_HIST_MAX_VALUE is never dropped: it counts in
 * count, sum, sum of squares, min and max exactly, and in overflow instead
 * of a bucket. A percentile whose rank falls among those values is not
 * known to the bucket precision: xc_hist_percentile() says so (-ERANGE).
 *
 * Memory. XC_HIST_BUCKETS (3584) counts of 64 bits plus a 80-byte header:
 * sizeof(struct xc_hist) is XC_HIST_SIZE (28752 bytes), fixed, no
 * allocation. Counts are 64-bit on purpose: a run may carry 2^48 frames
 * and most of them may fall into a handful of buckets, so a 32-bit count
 * would wrap after 2^32 frames (under 5 minutes at 14.88 Mpps). Per stream
 * for XC_MAX_STREAMS (4096) streams that is 4096 * 28752 = 117.8 MB per
 * set of histograms: allocate them only for the streams a side receives.
 *
 * Sums. The sum of values is 128-bit and exact for any count below 2^64.
 * The sum of squares (for the standard deviation) is 128-bit and exact
 * while it fits: with values inside the range (< 2^34) that holds for up
 * to 2^60 values; only values far above the range (sum of squares of the
 * overflowed values past 2^128, e.g. two values near 2^64) can overflow
 * it, which sets sumsq_overflow and makes xc_hist_stddev() fail with
 * -ERANGE rather than report a wrong figure.
 *
 * Not thread-safe: one writer per histogram (a Rx worker), merged by the
 * reader after the writer has stopped or under the caller's lock.
 */
#ifndef XC_HIST_H
#define XC_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XC_HIST_SUB_BITS	7
#define XC_HIST_SUB		(1u << XC_HIST_SUB_BITS)
/* Buckets cover [0, 2^XC_HIST_TOP_BITS). */
#define XC_HIST_TOP_BITS	34
#define XC_HIST_MAX_VALUE	((1ull << XC_HIST_TOP_BITS) - 1)
/* Values below this each have their own bucket. */
#define XC_HIST_LINEAR		(2u * XC_HIST_SUB)
#define XC_HIST_BUCKETS \
	((XC_HIST_TOP_BITS - XC_HIST_SUB_BITS + 1) << XC_HIST_SUB_BITS)
#define XC_HIST_SIZE		28752u
/* Layout id carried in the encoded form: sub-bucket bits, top bits. */
#define XC_HIST_LAYOUT		((XC_HIST_SUB_BITS << 8) | XC_HIST_TOP_BITS)
/* Percentiles are taken to this resolution: 10^-7 percent. */
#define XC_HIST_P_SCALE		10000000ull

typedef unsigned __int128 xc_u128;

struct xc_hist {
	uint64_t count;		/* values recorded, overflow included */
	uint64_t overflow;	/* values above XC_HIST_MAX_VALUE */
	uint64_t min;		/* UINT64_MAX while empty */
	uint64_t max;
	xc_u128 sum;
	xc_u128 sumsq;
	bool sumsq_overflow;	/* sumsq passed 2^128: no stddev */
	uint64_t counts[XC_HIST_BUCKETS];
};

/* The bucket of v (v <= XC_HIST_MAX_VALUE): no division, no branch. */
static inline uint32_t xc_hist_index(uint64_t v)
{
	uint32_t shift = 63 - __builtin_clzll(v | XC_HIST_SUB) -
			 XC_HIST_SUB_BITS;

	return (shift << XC_HIST_SUB_BITS) + (uint32_t)(v >> shift);
}

/* Lowest and highest value of bucket i (i < XC_HIST_BUCKETS). */
uint64_t xc_hist_bucket_lo(uint32_t i);
uint64_t xc_hist_bucket_hi(uint32_t i);

void xc_hist_init(struct xc_hist *h);
static inline void xc_hist_reset(struct xc_hist *h)
{
	xc_hist_init(h);
}

/*
 * Record one value: the Rx worker's hot path (integer only). The count
 * is 64-bit and cannot wrap in any real run (2^64 records).
 */
static inline void xc_hist_record(struct xc_hist *h, uint64_t v)
{
	h->count++;
	h->sum += v;
	h->sumsq_overflow |= __builtin_add_overflow(h->sumsq, (xc_u128)v * v,
						    &h->sumsq);
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	if (__builtin_expect(v <= XC_HIST_MAX_VALUE, 1))
		h->counts[xc_hist_index(v)]++;
	else
		h->overflow++;
}

/* Record v n times; -EOVERFLOW (nothing recorded) if count would wrap. */
int xc_hist_record_n(struct xc_hist *h, uint64_t v, uint64_t n);

/*
 * Add src to dst bucket by bucket; count, overflow, min, max, sum and sum
 * of squares stay exact (the result equals recording both sets into one
 * histogram). -EOVERFLOW (dst unchanged) if the count would wrap.
 */
int xc_hist_merge(struct xc_hist *dst, const struct xc_hist *src);

static inline uint64_t xc_hist_count(const struct xc_hist *h)
{
	return h->count;
}

/* Exact smallest and largest value recorded; 0 when empty. */
static inline uint64_t xc_hist_min(const struct xc_hist *h)
{
	return h->count ? h->min : 0;
}

static inline uint64_t xc_hist_max(const struct xc_hist *h)
{
	return h->max;
}

/* Mean of the exact sum (rounded to a double); 0 when empty. */
double xc_hist_mean(const struct xc_hist *h);

/*
 * Population standard deviation (divided by count) from the exact sums:
 * the sum of squared distances is formed in 128-bit integers around the
 * integer part of the mean, so only its final conversion rounds (no
 * cancellation). -ENODATA when empty, -ERANGE when the sum of squares
 * overflowed (see above).
 */
int xc_hist_stddev(const struct xc_hist *h, double *sd);

/*
 * The p-th percentile, 0 <= p <= 100 (p is taken to 10^-7 percent).
 * Definition: the lowest recorded value v such that at least p% of the
 * values are <= v, i.e. the value of rank r = ceil(p * count / 100) (1 is
 * the smallest); p = 0 gives min. Reported: the highest value of the
 * bucket holding that value, but not above max. So with x the exact
 * percentile, x <= *v <= x + w - 1 with w the bucket's width: *v - x is 0
 * below 256 and at most x / 128 - 1 above.
 * Returns 0; -ENODATA when empty (*v = 0); -EINVAL for p outside
 * [0, 100]; -ERANGE when rank r falls among the overflowed values (*v is
 * then max, an upper bound, not within the precision).
 */
int xc_hist_percentile(const struct xc_hist *h, double p, uint64_t *v);

/* A non-empty bucket: its index, value range and count. */
struct xc_hist_bucket {
	uint32_t index;
	uint64_t lo, hi;
	uint64_t count;
};

/*
 * The first non-empty bucket at index >= from: fills b, returns its index,
 * or -ENOENT after the last one. Walk them all with
 *
 *	for (i = xc_hist_next(h, 0, &b); i >= 0;
 *	     i = xc_hist_next(h, i + 1, &b))
 *
 * The overflowed values are in no bucket (h->overflow).
 */
int xc_hist_next(const struct xc_hist *h, uint32_t from,
		 struct xc_hist_bucket *b);

/*
 * The compact form for the control protocol: this header plus the
 * non-empty buckets as two parallel arrays (index[i], count[i]) in
 * increasing index order. 128-bit sums travel as two 64-bit halves.
 */
struct xc_hist_hdr {
	uint32_t layout;	/* XC_HIST_LAYOUT */
	bool sumsq_overflow;
	uint64_t count, overflow, min, max;
	uint64_t sum_lo, sum_hi;
	uint64_t sumsq_lo, sumsq_hi;
};

/*
 * Fill hdr and the arrays (room for cap pairs; XC_HIST_BUCKETS is always
 * enough). Returns the number of pairs, or -ENOSPC when cap is too small.
 */
int xc_hist_encode(const struct xc_hist *h, struct xc_hist_hdr *hdr,
		   uint32_t *index, uint64_t *count, size_t cap);

/*
 * Rebuild h from an encoded form received from a peer, after checking it
 * all: the layout, indexes in range and strictly increasing, counts not
 * zero, the counts and overflow summing to count without wrapping, min
 * and max in the first and last non-empty bucket (or above the range for
 * overflowed values), the sum between min * count and max * count.
 * -EINVAL with err naming the problem; h is untouched then.
 */
int xc_hist_decode(struct xc_hist *h, const struct xc_hist_hdr *hdr,
		   const uint32_t *index, const uint64_t *count, size_t n,
		   char *err, size_t errlen);

/*
 * Signed values (RFC 3393 IPDV: the difference of the one-way delays of
 * consecutive frames, negative when a frame was faster than the one
 * before). Magnitudes of negative values go to neg, zero and positive
 * values to pos; each keeps the precision above. Callers record
 * (int64_t)(delay_i - delay_{i-1}) per frame.
 */
struct xc_shist {
	struct xc_hist neg, pos;
};

void xc_shist_init(struct xc_shist *s);

static inline void xc_shist_record(struct xc_shist *s, int64_t v)
{
	if (v < 0)
		xc_hist_record(&s->neg, -(uint64_t)v);
	else
		xc_hist_record(&s->pos, (uint64_t)v);
}

/* -EOVERFLOW (dst unchanged) if a count would wrap. */
int xc_shist_merge(struct xc_shist *dst, const struct xc_shist *src);
uint64_t xc_shist_count(const struct xc_shist *s);
/* Exact extremes; 0 when empty. */
int64_t xc_shist_min(const struct xc_shist *s);
int64_t xc_shist_max(const struct xc_shist *s);
double xc_shist_mean(const struct xc_shist *s);

/*
 * Percentile over the signed values, defined as xc_hist_percentile()'s:
 * the lowest value v with at least p% of the values <= v, reported as the
 * highest value of its bucket (for a negative value: minus the lowest
 * magnitude of its bucket), so x <= *v <= x + w - 1 as above. Returns as
 * xc_hist_percentile(); on -ERANGE *v is the extreme on that side (max,
 * or min for a magnitude among neg's overflowed values).
 */
int xc_shist_percentile(const struct xc_shist *s, double p, int64_t *v);

/*
 * RFC 3550 interarrival jitter (section 6.4.1, appendix A.8): with D the
 * difference of the transit times (one-way delays) of consecutive
 * frames, J += (|D| - J) / 16. Kept in integers as the appendix's
 * alternative: j16 = 16 * J, j16 += |D| - ((j16 + 8) >> 4), 128-bit so
 * that no |D| can overflow it; xc_jitter_ns() is j16 >> 4 (truncated, as
 * the RFC reports it), xc_jitter_ns_f() the unrounded j16 / 16.
 * Transit times are signed (unsynchronised clocks can make them
 * negative); differences are exact while they stay within +-2^63 ns.
 */
struct xc_jitter {
	bool have_prev;
	int64_t prev;
	xc_u128 j16;
};

static inline void xc_jitter_init(struct xc_jitter *j)
{
	*j = (struct xc_jitter){ 0 };
}

static inline void xc_jitter_update(struct xc_jitter *j, int64_t transit)
{
	uint64_t d = (uint64_t)transit - (uint64_t)j->prev;

	if ((int64_t)d < 0)
		d = -d;
	if (j->have_prev)
		j->j16 += d - ((j->j16 + 8) >> 4);
	j->prev = transit;
	j->have_prev = true;
}

static inline uint64_t xc_jitter_ns(const struct xc_jitter *j)
{
	return (uint64_t)(j->j16 >> 4);
}

static inline double xc_jitter_ns_f(const struct xc_jitter *j)
{
	return (double)j->j16 / 16.0;
}

#endif /* XC_HIST_H */
