// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Latency checks of the verdict (xc_judge.h): a figure of the run's
 * latency (latency.c) against an expect.checks entry. Pure: no printing,
 * no I/O.
 *
 * A figure is known only within an interval [lo, hi] that holds the
 * truth: a percentile within its histogram bucket (the reported value is
 * the bucket's highest), the mean within 1 ns (the exact sum over the
 * count, rounded either way), jitter within 1 ns (it is kept * 16). A
 * one-way figure moves by the error of the clocks' offset too, the pair's
 * bound over the run (xc_ctl_clock.h): all its frames move together, so
 * min, mean, percentiles and max widen by the bound. Jitter and IPDV are
 * differences of consecutive latencies: the offset cancels out of them,
 * so they carry no clock error and need no synchronised clocks.
 *
 * The verdict never lies: a check passes only when it holds for every
 * value of the interval; when it holds for some and not for others it
 * fails, saying that the outcome lies within the histogram's precision or
 * the clocks' error. A one-way figure also fails when the clocks cannot
 * be trusted (xc_clock_trust) or when frames came out below zero (left
 * out of the histograms), and a figure with no frames behind it is
 * unknown.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_judge.h"
#include "xc_latency.h"
#include "xc_limits.h"
#include "xc_util.h"

static const double xc_lat_pct[XC_LAT_NUM] = {
	[XC_LAT_P50] = 50, [XC_LAT_P90] = 90, [XC_LAT_P99] = 99,
	[XC_LAT_P999] = 99.9, [XC_LAT_P9999] = 99.99, [XC_LAT_IPDV_P99] = 99,
};

/* What a check's figure is taken from: a stream's or the totals. */
struct xc_lat_src {
	const struct xc_hist *h;	/* NULL: kept for totals only */
	uint64_t negative;
	uint64_t jitter16_ns;
	uint64_t timed;			/* frames timed, below zero too */
};

static int xc_lat_vwhy(struct xc_check *c, const char *fmt, va_list ap)
{
	free(c->why);
	if (vasprintf(&c->why, fmt, ap) < 0) {
		c->why = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The reason of a check (c->why); -ENOMEM. */
static int __attribute__((format(printf, 2, 3)))
xc_lat_why(struct xc_check *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = xc_lat_vwhy(c, fmt, ap);
	va_end(ap);
	return ret;
}

/* Unknown: nothing is known of the figure, the check fails; -ENOMEM. */
static int __attribute__((format(printf, 2, 3)))
xc_lat_unknown(struct xc_check *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	c->unknown = true;
	c->result = XC_RESULT_FAIL;
	va_start(ap, fmt);
	ret = xc_lat_vwhy(c, fmt, ap);
	va_end(ap);
	return ret;
}

/* The stream's latency; -ENOENT (c says why) when it has none. */
static int xc_lat_src_stream(const struct xc_view *v, const struct xc_expect *e,
			     struct xc_lat_src *s, struct xc_check *c)
{
	const struct xc_lat_stream *st = NULL;
	uint64_t delivered = 0;
	uint32_t i;

	/* streams[i] is spec->streams[i] (xc_latency.h) */
	for (i = 0; i < v->lat->nstreams; i++) {
		if (v->lat->streams[i].id != e->stream_id)
			continue;
		st = &v->lat->streams[i];
		if (v->rx[i])
			delivered = v->rx[i]->delivered;
		break;
	}
	if (!st || !st->have)
		return xc_lat_unknown(c, "its receiver reported no latency for the stream") ?:
		       -ENOENT;
	s->h = st->one_way;
	s->negative = st->negative;
	s->jitter16_ns = st->jitter16_ns;
	s->timed = st->negative + (s->h ? xc_hist_count(s->h) : delivered);
	if (!s->h && e->metric != XC_LAT_JITTER)
		return xc_lat_unknown(c, "its receiver kept latency totals only (it receives more than %u streams)",
				      XC_LAT_MAX_STREAM_HISTS) ?: -ENOENT;
	return 0;
}

/* The totals: jitter is the largest of the streams'. */
static void xc_lat_src_total(const struct xc_latency *l, struct xc_lat_src *s)
{
	const struct xc_lat_stream *top = xc_latency_top_jitter(l);

	s->h = &l->one_way;
	s->negative = l->negative;
	s->timed = xc_hist_count(&l->one_way) + l->negative;
	s->jitter16_ns = top ? top->jitter16_ns : 0;
}

/* Where the figure comes from; -ENOENT (c says why) when from nowhere. */
static int xc_lat_src(const struct xc_view *v, const struct xc_expect *e,
		      struct xc_lat_src *s, struct xc_check *c)
{
	const struct xc_latency *l = v->lat;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!l || !l->have || l->round_trip != e->rtt)
		return xc_lat_unknown(c, e->rtt ?
				      "no agent reported round-trip times" :
				      "no receiver reported one-way latency") ?:
		       -ENOENT;
	if (e->has_stream) {
		ret = xc_lat_src_stream(v, e, s, c);
		if (ret)
			return ret;
	} else {
		xc_lat_src_total(l, s);
	}
	if (!s->timed)
		return xc_lat_unknown(c, "no timed frames (none delivered intact)") ?:
		       -ENOENT;
	return 0;
}

/* A percentile of h within its bucket; -ERANGE above the buckets. */
static int xc_lat_pct_range(const struct xc_hist *h, double p,
			    struct xc_check *c)
{
	uint64_t v = 0;
	int ret = xc_hist_percentile(h, p, &v);

	if (ret)
		return ret;
	c->got_ns = (int64_t)v;
	c->hi_ns = (int64_t)v;
	c->lo_ns = (int64_t)XC_MAX(xc_hist_bucket_lo(xc_hist_index(v)),
				   xc_hist_min(h));
	return 0;
}

/* IPDV's p99 within its bucket, on either side of zero. */
static int xc_lat_ipdv_range(const struct xc_shist *s, struct xc_check *c)
{
	int64_t v = 0;
	uint64_t m;
	int ret = xc_shist_percentile(s, 99, &v);

	if (ret)
		return ret;
	c->got_ns = v;
	c->hi_ns = v;
	if (v >= 0) {
		m = (uint64_t)v;
		c->lo_ns = (int64_t)xc_hist_bucket_lo(xc_hist_index(m));
	} else {
		m = -(uint64_t)v;
		c->lo_ns = -(int64_t)xc_hist_bucket_hi(xc_hist_index(m));
	}
	c->lo_ns = XC_MAX(c->lo_ns, xc_shist_min(s));
	return 0;
}

/* The mean from the exact sum: within [floor, ceil]. */
static void xc_lat_mean_range(const struct xc_hist *h, struct xc_check *c)
{
	xc_u128 q = h->sum / h->count, r = h->sum % h->count;
	uint64_t lo = q > INT64_MAX ? INT64_MAX : (uint64_t)q;

	c->lo_ns = (int64_t)lo;
	c->hi_ns = r && lo < INT64_MAX ? (int64_t)lo + 1 : (int64_t)lo;
	c->got_ns = r * 2 >= h->count ? c->hi_ns : c->lo_ns;
}

static int64_t xc_lat_clamp(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* The figure as measured, within [lo, hi]; -ERANGE: above the buckets. */
static int xc_lat_measure(const struct xc_view *v, const struct xc_expect *e,
			  const struct xc_lat_src *s, struct xc_check *c)
{
	switch (e->metric) {
	case XC_LAT_MIN:
		c->got_ns = xc_lat_clamp(xc_hist_min(s->h));
		break;
	case XC_LAT_MAX:
		c->got_ns = xc_lat_clamp(xc_hist_max(s->h));
		break;
	case XC_LAT_MEAN:
		xc_lat_mean_range(s->h, c);
		return 0;
	case XC_LAT_JITTER:
		c->got_ns = xc_lat_clamp(s->jitter16_ns >> 4);
		c->lo_ns = c->got_ns;
		c->hi_ns = xc_lat_clamp((s->jitter16_ns + 15) >> 4);
		return 0;
	case XC_LAT_IPDV_P99:
		return xc_lat_ipdv_range(&v->lat->ipdv, c);
	default:
		return xc_lat_pct_range(s->h, xc_lat_pct[e->metric], c);
	}
	c->lo_ns = c->got_ns;
	c->hi_ns = c->got_ns;
	return 0;
}

/* Whether e holds for every value of [lo, hi]. */
static bool xc_lat_holds_all(const struct xc_expect *e, int64_t lo,
			     int64_t hi)
{
	switch (e->op) {
	case XC_OP_LE:
	case XC_OP_LT:
		return xc_expect_eval_ns(e, hi);
	case XC_OP_GE:
	case XC_OP_GT:
		return xc_expect_eval_ns(e, lo);
	case XC_OP_EQ:
		return lo == hi && lo == e->value_ns;
	case XC_OP_NE:
		return e->value_ns < lo || e->value_ns > hi;
	default:
		return false;
	}
}

/* Whether e fails for every value of [lo, hi]. */
static bool xc_lat_fails_all(const struct xc_expect *e, int64_t lo,
			     int64_t hi)
{
	switch (e->op) {
	case XC_OP_LE:
	case XC_OP_LT:
		return !xc_expect_eval_ns(e, lo);
	case XC_OP_GE:
	case XC_OP_GT:
		return !xc_expect_eval_ns(e, hi);
	case XC_OP_EQ:
		return e->value_ns < lo || e->value_ns > hi;
	case XC_OP_NE:
		return lo == hi && lo == e->value_ns;
	default:
		return true;
	}
}

/* [lo, hi] widened by the clocks' bound; latencies are not below 0. */
static void xc_lat_add_bound(struct xc_check *c)
{
	int64_t b = xc_lat_clamp(c->bound_ns);

	c->lo_ns = c->lo_ns > b ? c->lo_ns - b : 0;
	c->hi_ns = c->hi_ns > INT64_MAX - b ? INT64_MAX : c->hi_ns + b;
}

/*
 * Frames timed below zero were left out of the histograms (jitter and
 * IPDV count them): 0, or 1 with c failed saying so; -ENOMEM.
 */
static int xc_lat_negative(const struct xc_lat_src *s, struct xc_check *c)
{
	if (xc_lat_metric_is_diff(c->metric) || !s->negative)
		return 0;
	c->result = XC_RESULT_FAIL;
	return xc_lat_why(c, "%" PRIu64 " frames timed below zero were left out of the figures: the clocks disagree by more than the offset measured",
			  s->negative) ?: 1;
}

/*
 * The clocks of a one-way figure but jitter and IPDV (the clocks' offset
 * cancels out of them), as xc_clock_trust() judges them for the figure:
 * 0 when trusted, or 1 with c failed saying why; -ENOMEM.
 */
static int xc_lat_trust(const struct xc_view *v, struct xc_check *c)
{
	struct xc_clock_trust t;

	if (c->rtt || xc_lat_metric_is_diff(c->metric))
		return 0;
	xc_clock_trust(&v->res->clock, (uint64_t)XC_MAX(c->got_ns, 0), &t);
	if (t.trusted)
		return 0;
	c->result = XC_RESULT_FAIL;
	return xc_lat_why(c, "one-way figures are not trustworthy: %s",
			  t.why) ?: 1;
}

/* Judge the measured interval, then widened by the clocks' error. */
static int xc_lat_decide(const struct xc_expect *e, struct xc_check *c)
{
	const char *what = xc_lat_metric_short(e->metric);
	char got[32], lo[32], hi[32], b[32];

	c->result = XC_RESULT_FAIL;
	xc_us_str(c->got_ns, got, sizeof(got));
	if (!xc_lat_holds_all(e, c->lo_ns, c->hi_ns) &&
	    !xc_lat_fails_all(e, c->lo_ns, c->hi_ns))
		return xc_lat_why(c, "%s lies within %s..%s us (%s): the check may hold or not",
				  what, xc_us_str(c->lo_ns, lo, sizeof(lo)),
				  xc_us_str(c->hi_ns, hi, sizeof(hi)),
				  xc_lat_pct[e->metric] ?
				  "its histogram bucket" : "its precision");
	xc_lat_add_bound(c);
	if (xc_lat_holds_all(e, c->lo_ns, c->hi_ns))
		c->result = XC_RESULT_PASS;
	else if (!xc_lat_fails_all(e, c->lo_ns, c->hi_ns))
		return xc_lat_why(c, "%s %s us +- %s us: within the clocks' error",
				  what, got,
				  xc_us_str(xc_lat_clamp(c->bound_ns), b,
					    sizeof(b)));
	return 0;
}

int xc_lat_check(const struct xc_view *v, const struct xc_expect *e,
		 struct xc_check *c)
{
	struct xc_lat_src s;
	int ret;

	memset(c, 0, sizeof(*c));
	c->kind = XC_CHECK_LATENCY;
	c->stream_id = e->has_stream ? e->stream_id : XC_ALL_STREAMS;
	c->rtt = e->rtt;
	c->metric = e->metric;
	c->op = e->op;
	c->want_ns = e->value_ns;
	c->from_spec = true;
	ret = xc_lat_src(v, e, &s, c);
	if (!ret)
		ret = xc_lat_negative(&s, c);
	if (ret)
		return ret < 0 && ret != -ENOENT ? ret : 0;
	if (e->metric == XC_LAT_IPDV_P99 && !xc_shist_count(&v->lat->ipdv))
		return xc_lat_unknown(c, "no IPDV: no stream timed two frames");
	/* from here the histogram has every frame timed: not empty */
	if (xc_lat_measure(v, e, &s, c))
		return xc_lat_unknown(c, "it lies above the histogram's range (%.2f s)",
				      XC_HIST_MAX_VALUE / 1e9);
	if (!c->rtt && !xc_lat_metric_is_diff(c->metric))
		c->bound_ns = v->res->clock.pair.bound_ns;
	ret = xc_lat_trust(v, c);
	if (ret)
		return ret < 0 ? ret : 0;
	return xc_lat_decide(e, c);
}
