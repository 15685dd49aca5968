// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One-way latency as the receiving agents reported it (Report.latency):
 * their histograms checked and decoded (an agent is a peer: its encoding
 * is untrusted), merged over the receivers, then printed with the clocks'
 * bound and whether the figures can be trusted (xc_ctl_clock.h), and put
 * into the JSON report with every bucket.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xc_histpb.h"
#include "xc_latency.h"
#include "xc_limits.h"
#include "xc_util.h"

/* Decode m (absent: empty) and add it to dst. */
static int xc_lat_add(struct xc_hist *dst, const Xceiver__V1__Histogram *m,
		      char *err, size_t errlen)
{
	struct xc_hist h;
	int ret;

	if (!m)
		return 0;
	ret = xc_hist_from_pb(&h, m, err, errlen);
	if (!ret && xc_hist_merge(dst, &h))
		ret = xc_errf(err, errlen, EOVERFLOW,
			      "the histograms' counts overflow");
	return ret;
}

static struct xc_lat_stream *xc_lat_stream_of(struct xc_latency *l,
					      uint32_t id)
{
	uint32_t i;

	for (i = 0; i < l->nstreams; i++)
		if (l->streams[i].id == id)
			return &l->streams[i];
	return NULL;
}

static int xc_lat_streams(struct xc_latency *l,
			  const Xceiver__V1__Latency *m, char *err,
			  size_t errlen)
{
	const Xceiver__V1__StreamLatency *sl;
	struct xc_lat_stream *st;
	size_t i;
	int ret;

	for (i = 0; i < m->n_streams; i++) {
		sl = m->streams[i];
		st = xc_lat_stream_of(l, sl->stream_id);
		if (!st)
			continue;	/* not a stream of the spec */
		st->have = true;
		st->jitter16_ns = sl->jitter16_ns;
		st->negative = sl->negative;
		if (!sl->one_way)
			continue;
		if (!st->one_way) {
			st->one_way = malloc(sizeof(*st->one_way));
			if (!st->one_way)
				return xc_errf(err, errlen, ENOMEM,
					       "out of memory");
			xc_hist_init(st->one_way);
		}
		ret = xc_lat_add(st->one_way, sl->one_way, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/* One receiving agent's latency, added to l. */
static int xc_lat_side(struct xc_latency *l, const Xceiver__V1__Latency *m,
		       char *err, size_t errlen)
{
	int ret;

	l->have = true;
	l->per_stream = l->sides ? l->per_stream && m->per_stream :
				   m->per_stream;
	l->sides++;
	l->negative += m->negative;
	l->xdp_stamped += m->rx_xdp_stamped;
	ret = xc_lat_add(&l->one_way, m->one_way, err, errlen) ?:
	      xc_lat_add(&l->ipdv.neg, m->ipdv_neg, err, errlen) ?:
	      xc_lat_add(&l->ipdv.pos, m->ipdv_pos, err, errlen) ?:
	      xc_lat_add(&l->to_xdp, m->to_rx_xdp, err, errlen) ?:
	      xc_lat_add(&l->xdp_to_rx, m->rx_xdp_to_worker, err, errlen);
	if (!ret)
		ret = xc_lat_streams(l, m, err, errlen);
	snprintf(l->tx_stamp, sizeof(l->tx_stamp), "%s", m->tx_stamp);
	snprintf(l->rx_stamp, sizeof(l->rx_stamp), "%s", m->rx_stamp);
	snprintf(l->clock, sizeof(l->clock), "%s", m->clock);
	snprintf(l->xdp_stamp, sizeof(l->xdp_stamp), "%s", m->rx_xdp_stamp);
	return ret;
}

int xc_latency_build(struct xc_latency *l, const struct xc_view *v,
		     char *err, size_t errlen)
{
	const Xceiver__V1__Report *r;
	size_t i;
	int s, ret;

	memset(l, 0, sizeof(*l));
	xc_hist_init(&l->one_way);
	xc_shist_init(&l->ipdv);
	xc_hist_init(&l->to_xdp);
	xc_hist_init(&l->xdp_to_rx);
	l->streams = calloc(v->spec->n_streams + 1, sizeof(*l->streams));
	if (!l->streams)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	l->nstreams = (uint32_t)v->spec->n_streams;
	l->round_trip = v->spec->reflect;
	for (i = 0; i < v->spec->n_streams; i++)
		l->streams[i].id = v->spec->streams[i]->id;
	for (s = XC_TX; s <= XC_RX; s++) {
		r = xc_view_report(v, s);
		if (!r || !r->latency || !xc_side_validates(v->spec, s) ||
		    r->latency->round_trip != v->spec->reflect)
			continue;
		ret = xc_lat_side(l, r->latency, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

void xc_latency_free(struct xc_latency *l)
{
	uint32_t i;

	for (i = 0; l->streams && i < l->nstreams; i++)
		free(l->streams[i].one_way);
	free(l->streams);
	memset(l, 0, sizeof(*l));
}

/* ---------------------------------------------------------------- print */

static const double xc_lat_pcts[] = { 50, 90, 99, 99.9, 99.99 };

/* A duration for people: "16.1 us", "2.305 ms", "1.200 s". */
static const char *xc_lat_str(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000000)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
	return buf;
}

/* "min 1.6 us, p50 16.1 us, ..., max 295.0 us" */
static void xc_lat_print_hist(FILE *out, const struct xc_hist *h)
{
	char b[32];
	uint64_t v;
	size_t i;

	fprintf(out, "min %s", xc_lat_str(xc_hist_min(h), b, sizeof(b)));
	for (i = 0; i < XC_ARRAY_SIZE(xc_lat_pcts); i++) {
		if (xc_hist_percentile(h, xc_lat_pcts[i], &v) &&
		    xc_hist_count(h))
			fprintf(out, ", p%g above the range", xc_lat_pcts[i]);
		else
			fprintf(out, ", p%g %s", xc_lat_pcts[i],
				xc_lat_str(v, b, sizeof(b)));
	}
	fprintf(out, ", max %s", xc_lat_str(xc_hist_max(h), b, sizeof(b)));
}

void xc_latency_trust(const struct xc_latency *l, const struct xc_run_clock *c,
		      struct xc_clock_trust *t)
{
	uint64_t p50 = 0;

	if (l->round_trip) {
		*t = (struct xc_clock_trust){ .trusted = true };
		return;
	}
	xc_hist_percentile(&l->one_way, 50, &p50);
	xc_clock_trust(c, p50, t);
}

const struct xc_lat_stream *xc_latency_top_jitter(const struct xc_latency *l)
{
	const struct xc_lat_stream *top = NULL;
	uint32_t i;

	for (i = 0; i < l->nstreams; i++)
		if (l->streams[i].have &&
		    (!top || l->streams[i].jitter16_ns > top->jitter16_ns))
			top = &l->streams[i];
	return top;
}

/* RFC 3550 jitter: the stream's, or the largest stream's (as judged). */
static void xc_lat_print_jitter(FILE *out, const struct xc_latency *l)
{
	const struct xc_lat_stream *top = xc_latency_top_jitter(l);
	char b[32];

	if (!top)
		return;
	fprintf(out, ", jitter (RFC 3550) %s",
		xc_lat_str(top->jitter16_ns / 16, b, sizeof(b)));
	if (l->nstreams > 1)
		fprintf(out, " (the largest, stream %u)", top->id);
}

static void xc_lat_print_spread(FILE *out, const struct xc_latency *l)
{
	double sd;
	char b[32];
	int64_t lo = 0, hi = 0;

	fprintf(out, "  mean %s", xc_lat_str((uint64_t)xc_hist_mean(&l->one_way),
					     b, sizeof(b)));
	if (!xc_hist_stddev(&l->one_way, &sd))
		fprintf(out, ", sd %s", xc_lat_str((uint64_t)sd, b,
						   sizeof(b)));
	if (xc_shist_count(&l->ipdv) &&
	    !xc_shist_percentile(&l->ipdv, 1, &lo) &&
	    !xc_shist_percentile(&l->ipdv, 99, &hi))
		fprintf(out, ", IPDV (RFC 3393) p1 %+.1f us, p99 %+.1f us",
			lo / 1e3, hi / 1e3);
	xc_lat_print_jitter(out, l);
	fprintf(out, "\n");
}

static void xc_lat_print_clock(FILE *out, const struct xc_latency *l,
			       const struct xc_run_result *res)
{
	const struct xc_offset *o = &res->clock.pair;
	struct xc_clock_trust t;

	if (l->round_trip) {
		fprintf(out, "  clock: the tx agent's own (sent and received back there): no clock error\n");
		return;
	}
	if (res->clock.same_clock)
		fprintf(out, "  clocks: both agents run on one kernel (the same boot id): one clock\n");
	else if (o->known)
		fprintf(out, "  clocks: rx - tx %+.1f us within %.1f us over the run, corrected for\n",
			o->offset_ns / 1e3, o->bound_ns / 1e3);
	else
		fprintf(out, "  clocks: the offset between the agents is unknown\n");
	xc_latency_trust(l, &res->clock, &t);
	if (t.trusted)
		return;
	fprintf(out, "  one-way figures are not trustworthy: %s\n", t.why);
	if (t.advice)
		fprintf(out, "  (%s)\n", t.advice);
}

/* p50 and p99 of h, "-" when empty. */
static void xc_lat_print_p(FILE *out, const struct xc_hist *h)
{
	char a[32], b[32];
	uint64_t p50 = 0, p99 = 0;

	if (!xc_hist_count(h) || xc_hist_percentile(h, 50, &p50) ||
	    xc_hist_percentile(h, 99, &p99)) {
		fprintf(out, "-");
		return;
	}
	fprintf(out, "p50 %s, p99 %s", xc_lat_str(p50, a, sizeof(a)),
		xc_lat_str(p99, b, sizeof(b)));
}

/*
 * Where the time went, for the frames the receiving XDP program stamped:
 * the sender and the path up to that program, then the receiver's own.
 */
static void xc_lat_print_split(FILE *out, const struct xc_latency *l)
{
	if (!l->xdp_stamped) {
		if (l->xdp_stamp[0])
			fprintf(out, "  split at the rx XDP program: %s\n",
				l->xdp_stamp);
		return;
	}
	fprintf(out, "  split at the rx XDP program (%" PRIu64 " frames): tx ring to rx XDP ",
		l->xdp_stamped);
	xc_lat_print_p(out, &l->to_xdp);
	fprintf(out, " (the sender and the path); rx XDP to rx worker ");
	xc_lat_print_p(out, &l->xdp_to_rx);
	fprintf(out, " (the receiver's own)\n");
}

static void xc_lat_print_streams(FILE *out, const struct xc_latency *l)
{
	const struct xc_lat_stream *st;
	char b[32];
	uint32_t i;

	for (i = 0; l->nstreams > 1 && i < l->nstreams; i++) {
		st = &l->streams[i];
		if (!st->one_way || !xc_hist_count(st->one_way))
			continue;
		fprintf(out, "  stream %u: ", st->id);
		xc_lat_print_hist(out, st->one_way);
		fprintf(out, ", jitter %s\n",
			xc_lat_str(st->jitter16_ns / 16, b, sizeof(b)));
	}
	if (!l->per_stream && l->nstreams > 1)
		fprintf(out, "  (no histogram per stream: a receiver of more than %u streams keeps totals only)\n",
			XC_LAT_MAX_STREAM_HISTS);
}

void xc_latency_print(FILE *out, const struct xc_latency *l,
		      const struct xc_run_result *res)
{
	if (!l->have)
		return;
	fprintf(out, "latency, %s (%s to %s, %s): %" PRIu64 " frames",
		l->round_trip ? "round trip" : "one-way", l->tx_stamp,
		l->rx_stamp, l->clock, xc_hist_count(&l->one_way));
	if (l->negative)
		fprintf(out, ", %" PRIu64 " below zero (not counted)",
			l->negative);
	fprintf(out, "\n");
	if (!xc_hist_count(&l->one_way))
		return;
	fprintf(out, "  ");
	xc_lat_print_hist(out, &l->one_way);
	fprintf(out, "\n");
	xc_lat_print_spread(out, l);
	xc_lat_print_split(out, l);
	xc_lat_print_clock(out, l, res);
	xc_lat_print_streams(out, l);
}

/* ---------------------------------------------------------------- JSON */

static json_t *xc_lat_buckets_json(const struct xc_hist *h)
{
	struct xc_hist_bucket b;
	json_t *a = json_array();
	int i;

	for (i = xc_hist_next(h, 0, &b); a && i >= 0;
	     i = xc_hist_next(h, (uint32_t)i + 1, &b))
		json_array_append_new(a, json_pack("[I, I, I]",
						   (json_int_t)b.lo,
						   (json_int_t)b.hi,
						   (json_int_t)b.count));
	return a;
}

static json_t *xc_lat_pcts_json(const struct xc_hist *h)
{
	json_t *o = json_object();
	char key[16];
	uint64_t v;
	size_t i;

	for (i = 0; o && i < XC_ARRAY_SIZE(xc_lat_pcts); i++) {
		snprintf(key, sizeof(key), "%g", xc_lat_pcts[i]);
		json_object_set_new(o, key,
				    xc_hist_percentile(h, xc_lat_pcts[i], &v) ?
				    json_null() : json_integer((json_int_t)v));
	}
	return o;
}

static json_t *xc_lat_hist_json(const struct xc_hist *h)
{
	double sd = 0;
	bool have_sd = !xc_hist_stddev(h, &sd);

	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:o, s:o, s:o}",
			 "count", (json_int_t)xc_hist_count(h),
			 "overflow", (json_int_t)h->overflow,
			 "min_ns", (json_int_t)xc_hist_min(h),
			 "max_ns", (json_int_t)xc_hist_max(h),
			 "mean_ns", xc_hist_mean(h),
			 "sd_ns", have_sd ? json_real(sd) : json_null(),
			 "percentiles_ns", xc_lat_pcts_json(h),
			 "buckets", xc_lat_buckets_json(h));
}

/* The histograms' key: what they measured. */
static const char *xc_lat_key(const struct xc_latency *l)
{
	return l->round_trip ? "rtt" : "one_way";
}

static json_t *xc_lat_streams_json(const struct xc_latency *l)
{
	const struct xc_lat_stream *st;
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; a && i < l->nstreams; i++) {
		st = &l->streams[i];
		if (!st->have)
			continue;
		json_array_append_new(a, json_pack("{s:i, s:f, s:I, s:o}",
			"stream_id", (int)st->id,
			"jitter_ns", st->jitter16_ns / 16.0,
			"negative", (json_int_t)st->negative,
			xc_lat_key(l),
			st->one_way ? xc_lat_hist_json(st->one_way) :
				      json_null()));
	}
	return a;
}

static json_t *xc_lat_ipdv_json(const struct xc_shist *s)
{
	int64_t lo = 0, mid = 0, hi = 0;

	if (!xc_shist_count(s))
		return json_null();
	xc_shist_percentile(s, 1, &lo);
	xc_shist_percentile(s, 50, &mid);
	xc_shist_percentile(s, 99, &hi);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
			 "count", (json_int_t)xc_shist_count(s),
			 "min_ns", (json_int_t)xc_shist_min(s),
			 "p1_ns", (json_int_t)lo,
			 "p50_ns", (json_int_t)mid,
			 "p99_ns", (json_int_t)hi,
			 "max_ns", (json_int_t)xc_shist_max(s),
			 "negative_buckets", xc_lat_buckets_json(&s->neg),
			 "positive_buckets", xc_lat_buckets_json(&s->pos));
}

/* The split at the receiving XDP program (null stamped frames: why). */
static json_t *xc_lat_split_json(const struct xc_latency *l)
{
	if (!l->xdp_stamped)
		return json_pack("{s:s, s:I}", "rx_xdp_stamp", l->xdp_stamp,
				 "frames", (json_int_t)0);
	return json_pack("{s:s, s:I, s:o, s:o}",
			 "rx_xdp_stamp", l->xdp_stamp,
			 "frames", (json_int_t)l->xdp_stamped,
			 "tx_ring_to_rx_xdp", xc_lat_hist_json(&l->to_xdp),
			 "rx_xdp_to_rx_worker", xc_lat_hist_json(&l->xdp_to_rx));
}

json_t *xc_latency_json(const struct xc_latency *l,
			const struct xc_run_result *res)
{
	struct xc_clock_trust t;

	if (!l->have)
		return json_null();
	xc_latency_trust(l, &res->clock, &t);
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:I, s:o, s:o, s:o, s:o,"
			 " s:o, s:b, s:s, s:s?}",
			 "clock", l->clock,
			 "tx_stamp", l->tx_stamp,
			 "rx_stamp", l->rx_stamp,
			 "round_trip", l->round_trip,
			 "per_stream", l->per_stream,
			 "negative", (json_int_t)l->negative,
			 xc_lat_key(l), xc_lat_hist_json(&l->one_way),
			 "ipdv", xc_lat_ipdv_json(&l->ipdv),
			 "streams", xc_lat_streams_json(l),
			 "split", xc_lat_split_json(l),
			 "clocks", xc_clock_json(&res->clock),
			 "trusted", t.trusted,
			 "why_not_trusted", t.why,
			 "advice", t.advice);
}
