// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Rx validation (see xc_validate.h for the definitions).
 *
 * The window is a ring of window_bits / 64 words: seq lives in word
 * (seq / 64) % nwords, bit seq % 64, while base <= seq < base + window_bits.
 * base is always a multiple of 64 (until xc_rxstream_finish), so the window
 * slides by whole words: a word leaving the window with every bit set costs
 * nothing, the others turn their clear bits into missing ranges. Sequence
 * numbers that jump over the window entirely are added as one range.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_lat.h"
#include "xc_log.h"
#include "xc_util.h"
#include "xc_histpb.h"
#include "xc_validate.h"

static inline uint32_t xc_nwords(const struct xc_rxstream *s)
{
	return s->window_bits / 64;
}

static inline uint64_t *xc_word(struct xc_rxstream *s, uint64_t seq)
{
	return &s->bits[(seq >> 6) & (xc_nwords(s) - 1)];
}

static inline bool xc_in_e(const struct xc_rxstream *s, uint64_t seq)
{
	if (seq >= s->count)
		return false;
	return !s->expected || s->expected(s->expected_ctx, seq);
}

int xc_rxstream_init(struct xc_rxstream *s, uint32_t id, uint64_t count,
		     uint32_t window_bits, uint32_t max_ranges)
{
	memset(s, 0, sizeof(*s));
	if (!window_bits)
		window_bits = XC_DEF_WINDOW_BITS;
	if (window_bits < 64 || (window_bits & (window_bits - 1))) {
		pr_warn("stream %u: window_bits %u is not a power of two >= 64\n",
			id, window_bits);
		return -EINVAL;
	}
	/* a window that holds all of [0, count) never slides: keep it small */
	while (window_bits > 64 && window_bits / 2 >= count)
		window_bits /= 2;
	if (!max_ranges)
		max_ranges = XC_DEF_MAX_RANGES;

	s->bits = calloc(window_bits / 64, sizeof(*s->bits));
	s->ranges = calloc(max_ranges, sizeof(*s->ranges));
	if (!s->bits || !s->ranges) {
		xc_rxstream_free(s);
		return -ENOMEM;
	}
	s->id = id;
	s->count = count;
	s->expected_total = count;
	s->window_bits = window_bits;
	s->max_ranges = max_ranges;
	return 0;
}

void xc_rxstream_free(struct xc_rxstream *s)
{
	if (!s)
		return;
	free(s->bits);
	free(s->ranges);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ ranges */

static void xc_range_close(struct xc_rxstream *s)
{
	if (!s->open_range)
		return;
	if (s->nranges < s->max_ranges)
		s->ranges[s->nranges++] = s->cur;
	s->open_range = false;
}

/*
 * Whether no seq of E lies strictly between a and b: a missing range then
 * runs on over the gap (a stream whose E skips seqs, e.g. only even ones,
 * reports [60, 98] instead of every other seq). Short gaps only.
 */
static bool xc_gap_outside_e(const struct xc_rxstream *s, uint64_t a,
			     uint64_t b)
{
	uint64_t seq;

	if (b == a + 1)
		return true;
	if (!s->expected || b - a > 64)
		return false;
	for (seq = a + 1; seq < b; seq++)
		if (s->expected(s->expected_ctx, seq))
			return false;
	return true;
}

/* [first, last] never arrived; called in increasing seq order. */
static void xc_missing_add(struct xc_rxstream *s, uint64_t first,
			   uint64_t last)
{
	s->missing += last - first + 1;
	if (s->open_range && xc_gap_outside_e(s, s->cur.last, first)) {
		s->cur.last = last;
		return;
	}
	xc_range_close(s);
	s->cur.first = first;
	s->cur.last = last;
	s->open_range = true;
	s->range_count++;
}

/* Set bits of mask: unseen seqs b + bit, all below count. */
static void xc_unseen_word(struct xc_rxstream *s, uint64_t b, uint64_t mask)
{
	unsigned int i, run;
	uint64_t rest;

	if (s->expected) {
		for (; mask; mask &= mask - 1) {
			i = __builtin_ctzll(mask);
			if (s->expected(s->expected_ctx, b + i))
				xc_missing_add(s, b + i, b + i);
		}
		return;
	}
	while (mask) {
		i = __builtin_ctzll(mask);
		rest = ~(mask >> i);
		run = rest ? (unsigned int)__builtin_ctzll(rest) : 64 - i;
		xc_missing_add(s, b + i, b + i + run - 1);
		if (i + run >= 64)
			break;
		mask &= ~0ull << (i + run);
	}
}

/* [lo, hi) was never inside the window: all of it is unseen. */
static void xc_unseen_span(struct xc_rxstream *s, uint64_t lo, uint64_t hi)
{
	uint64_t seq;

	if (!s->expected) {
		xc_missing_add(s, lo, hi - 1);
		return;
	}
	for (seq = lo; seq < hi; seq++)
		if (s->expected(s->expected_ctx, seq))
			xc_missing_add(s, seq, seq);
}

/*
 * Move base to nb: every unseen seq of E in [base, nb) becomes missing.
 * nb is a multiple of 64, or count at the end of the run.
 */
static void xc_flush(struct xc_rxstream *s, uint64_t nb)
{
	uint64_t end = s->base + s->window_bits;
	uint64_t stop = XC_MIN(nb, s->count);
	uint64_t b, word, mask, *w;

	for (b = s->base; b < nb && b < end; b += 64) {
		w = xc_word(s, b);
		word = *w;
		*w = 0;
		if (b >= stop || word == ~0ull)
			continue;
		mask = ~word;
		if (stop - b < 64)
			mask &= (1ull << (stop - b)) - 1;
		if (mask)
			xc_unseen_word(s, b, mask);
	}
	if (stop > end)
		xc_unseen_span(s, end, stop);
	s->base = nb;
}

/* ------------------------------------------------------------ arrivals */

static void xc_first_arrival(struct xc_rxstream *s, uint64_t seq,
			     bool intact, uint32_t bad_off)
{
	if (intact) {
		s->delivered++;
		return;
	}
	s->corrupt++;
	if (!s->has_corrupt) {
		s->has_corrupt = true;
		s->first_corrupt_seq = seq;
		s->first_corrupt_off = bad_off;
	}
}

/* Only first arrivals (and late ones) are judged for order (RFC 4737). */
static void xc_order(struct xc_rxstream *s, uint64_t seq)
{
	if (s->any_seen && seq < s->highest) {
		s->reordered++;
		s->max_reorder = XC_MAX(s->max_reorder, s->highest - seq);
	} else {
		s->highest = seq;
		s->any_seen = true;
	}
}

/*
 * Whether seq of E, below the window, was counted missing: it lies in a
 * kept missing range or the open one. Ranges past max_ranges are not kept;
 * a seq after the last kept range then cannot be told and counts as
 * missing (late).
 */
static bool xc_was_missing(const struct xc_rxstream *s, uint64_t seq)
{
	uint32_t lo = 0, hi = s->nranges, mid;

	if (s->open_range && seq >= s->cur.first && seq <= s->cur.last)
		return true;
	if (s->range_count > s->nranges + s->open_range &&
	    (!s->nranges || seq > s->ranges[s->nranges - 1].last))
		return true;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->ranges[mid].last < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nranges && s->ranges[lo].first <= seq;
}

void xc_rxstream_arrival(struct xc_rxstream *s, uint64_t seq, bool intact,
			 uint32_t bad_off, uint32_t bytes)
{
	uint64_t *w, bit;

	s->bytes += bytes;
	if (!xc_in_e(s, seq)) {
		s->unexpected++;
		return;
	}
	if (seq < s->base) {
		/* a copy of a frame that came before is a duplicate */
		if (!xc_was_missing(s, seq)) {
			s->duplicates++;
			return;
		}
		xc_order(s, seq);
		s->late++;
		return;
	}
	if (seq - s->base >= s->window_bits)
		xc_flush(s, ((seq - s->window_bits) | 63) + 1);
	w = xc_word(s, seq);
	bit = 1ull << (seq & 63);
	if (*w & bit) {
		s->duplicates++;
		return;
	}
	*w |= bit;
	xc_order(s, seq);
	xc_first_arrival(s, seq, intact, bad_off);
}

void xc_rxstream_finish(struct xc_rxstream *s)
{
	if (s->finished)
		return;
	if (s->count > s->base)
		xc_flush(s, s->count);
	xc_range_close(s);
	s->finished = true;
}

/* ------------------------------------------------------------ report */

static int xc_report_ranges(const struct xc_rxstream *s,
			    Xceiver__V1__RxStreamReport *r)
{
	bool open = s->open_range && s->nranges < s->max_ranges;
	size_t n = s->nranges + open, i;
	const struct xc_range *rg;
	Xceiver__V1__SeqRange *sr;

	if (!n)
		return 0;
	r->missing_ranges = calloc(n, sizeof(*r->missing_ranges));
	if (!r->missing_ranges)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		sr = malloc(sizeof(*sr));
		if (!sr)
			return -ENOMEM;
		xceiver__v1__seq_range__init(sr);
		rg = i < s->nranges ? &s->ranges[i] : &s->cur;
		sr->first = rg->first;
		sr->last = rg->last;
		r->missing_ranges[i] = sr;
		r->n_missing_ranges = i + 1;
	}
	return 0;
}

int xc_rxstream_report(const struct xc_rxstream *s,
		       Xceiver__V1__RxStreamReport *r)
{
	int ret;

	xceiver__v1__rx_stream_report__init(r);
	r->stream_id = s->id;
	r->expected = s->expected_total;
	r->delivered = s->delivered;
	r->corrupt = s->corrupt;
	r->missing = s->missing;
	r->duplicates = s->duplicates;
	r->reordered = s->reordered;
	r->max_reorder = s->max_reorder;
	r->unexpected = s->unexpected;
	r->late = s->late;
	r->bytes = s->bytes;
	r->missing_range_count = s->range_count;
	r->has_corrupt = s->has_corrupt;
	r->first_corrupt_seq = s->first_corrupt_seq;
	r->first_corrupt_offset = s->first_corrupt_off;
	ret = xc_report_ranges(s, r);
	if (ret)
		xc_rxstream_report_free(r);
	return ret;
}

void xc_rxstream_report_free(Xceiver__V1__RxStreamReport *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_missing_ranges; i++)
		free(r->missing_ranges[i]);
	free(r->missing_ranges);
	r->missing_ranges = NULL;
	r->n_missing_ranges = 0;
}

/* ------------------------------------------------------------ validator */

#define XC_ACT(x)	XCEIVER__V1__XDP_ACTION__XDP_ACTION_##x
#define XC_PCHK(x)	XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_##x
#define XC_ANOM(x)	XCEIVER__V1__ANOMALY_KIND__ANOMALY_##x

static bool xc_rxv_expected(void *ctx, uint64_t seq)
{
	const struct xc_rxv_stream *vs = ctx;

	if (vs->drop_half && (seq & 1))
		return false;
	return xc_gen_valid(&vs->gen, seq);
}

/* Odd numbers among i, i + step, ... below count. */
static uint64_t xc_odd_terms(uint64_t i, uint64_t step, uint64_t count)
{
	uint64_t c = count > i ? (count - i - 1) / step + 1 : 0;

	if (!(step & 1))
		return (i & 1) ? c : 0;
	return (i & 1) ? (c + 1) / 2 : c / 2;
}

/* |E| and the counts beside it, in O(shapes). */
static void xc_rxv_counts(struct xc_rxv_stream *vs)
{
	const struct xc_gen *g = &vs->gen;
	uint64_t dropped = 0;
	uint32_t i;

	vs->invalid_sent = g->invalid_total;
	if (vs->drop_half)
		for (i = 0; i < g->nshapes; i++)
			if (g->vflags[i] & XC_GEN_V_NEXT)
				dropped += xc_odd_terms(i, g->nshapes,
							g->count);
	vs->xdp_dropped = dropped;
	vs->st.expected_total = g->count - vs->invalid_sent - dropped;
	if (vs->invalid_sent || vs->drop_half) {
		vs->st.expected = xc_rxv_expected;
		vs->st.expected_ctx = vs;
	}
}

static int xc_rxv_check_tail(const struct xc_rxv *v,
			     const struct xc_rxv_stream *vs, size_t i,
			     char *err, size_t errlen)
{
	uint32_t flen = xc_gen_min_frame(&vs->gen) - XC_FCS_LEN;
	uint32_t keep = vs->tmpl.hdr_len + XC_PHDR_LEN;

	if (v->xdp_action != XC_ACT(SHRINK_TAIL))
		return 0;
	if (v->tail_adjust + keep > flen)
		return xc_errf(err, errlen, EINVAL,
			       "rx_options.tail_adjust: %u cuts into the payload header of the %u-byte frames of rx_streams[%zu] (at most %u)",
			       v->tail_adjust, flen + XC_FCS_LEN, i,
			       flen - keep);
	return 0;
}

static int xc_rxv_add(struct xc_rxv *v, size_t i,
		      const Xceiver__V1__Stream *s, uint64_t run_id,
		      const struct xc_umem_geom *geom,
		      const struct xc_rxv_opts *o, char *err, size_t errlen)
{
	struct xc_rxv_stream *vs = &v->streams[i];
	char e[256];
	size_t j;
	int ret;

	ret = xc_stream_tmpl_init(&vs->tmpl, s, run_id, e, sizeof(e));
	if (ret)
		return xc_errf(err, errlen, ret, "rx_streams[%zu].%s", i, e);
	for (j = 0; j < i; j++)
		if (v->streams[j].st.id == s->id)
			return xc_errf(err, errlen, EINVAL,
				       "rx_streams[%zu].id: %u is used twice",
				       i, s->id);
	ret = xc_gen_init(&vs->gen, s, run_id, geom, e, sizeof(e));
	if (ret)
		return xc_errf(err, errlen, ret, "rx_streams[%zu].%s", i, e);
	ret = xc_rxstream_init(&vs->st, s->id, s->count, o->window_bits,
			       o->max_ranges);
	if (ret == -EINVAL)
		return xc_errf(err, errlen, ret,
			       "window_bits %u is not a power of two >= 64",
			       o->window_bits);
	if (ret)
		return xc_errf(err, errlen, ret,
			       "rx_streams[%zu]: out of memory", i);
	vs->fixed = vs->gen.size_mode == XC_SIZE_FIXED &&
		    vs->gen.sport_n == 1 && vs->gen.dport_n == 1;
	vs->drop_half = v->xdp_action == XC_ACT(DROP_HALF);
	xc_path_expect_init(&v->path, &vs->tmpl, &vs->cur, &vs->cur_changes);
	xc_rxv_counts(vs);
	return xc_rxv_check_tail(v, vs, i, err, errlen);
}

static int xc_rxv_options(struct xc_rxv *v, const Xceiver__V1__RxOptions *rx,
			  char *err, size_t errlen)
{
	v->max_anomalies = XC_DEF_MAX_ANOMALIES;
	if (!rx)
		return 0;
	if (rx->xdp_action < XC_ACT(REDIRECT) ||
	    rx->xdp_action > XC_ACT(REFLECT))
		return xc_errf(err, errlen, EINVAL,
			       "rx_options.xdp_action: unknown action %d",
			       (int)rx->xdp_action);
	if (rx->payload_check < XC_PCHK(ALL) ||
	    rx->payload_check > XC_PCHK(OFF))
		return xc_errf(err, errlen, EINVAL,
			       "rx_options.payload_check: unknown mode %d",
			       (int)rx->payload_check);
	v->xdp_action = rx->xdp_action;
	v->payload_check = rx->payload_check;
	v->tail_adjust = rx->tail_adjust;
	if ((v->xdp_action == XC_ACT(SHRINK_TAIL) ||
	     v->xdp_action == XC_ACT(GROW_TAIL)) && !v->tail_adjust)
		return xc_errf(err, errlen, EINVAL,
			       "rx_options.tail_adjust: 0 with a tail action");
	v->sample_every = rx->sample_every ? rx->sample_every :
					     XC_DEF_SAMPLE_EVERY;
	if (rx->max_anomalies)
		v->max_anomalies = XC_MIN(rx->max_anomalies,
					  (uint32_t)XC_MAX_ANOMALIES);
	return 0;
}

/*
 * The latency totals and, with at most XC_LAT_MAX_STREAM_HISTS streams, a
 * histogram per stream: one allocation.
 */
static int xc_rxv_lat_init(struct xc_rxv *v, size_t nstreams)
{
	bool per_stream = nstreams <= XC_LAT_MAX_STREAM_HISTS;
	size_t n = per_stream ? nstreams : 0, i;
	struct xc_rxv_lat *l;

	l = calloc(1, sizeof(*l) + n * sizeof(l->streams[0]));
	if (!l)
		return -ENOMEM;
	l->per_stream = per_stream;
	xc_hist_init(&l->one_way);
	xc_shist_init(&l->ipdv);
	xc_hist_init(&l->to_xdp);
	xc_hist_init(&l->xdp_to_rx);
	for (i = 0; i < n; i++) {
		xc_hist_init(&l->streams[i]);
		v->streams[i].lat = &l->streams[i];
	}
	v->lat = l;
	return 0;
}

int xc_rxv_init_opts(struct xc_rxv *v, uint64_t run_id,
		     Xceiver__V1__Stream *const *streams, size_t nstreams,
		     const struct xc_rxv_opts *o, char *err, size_t errlen)
{
	static const struct xc_rxv_opts none;
	struct xc_umem_geom geom;
	size_t i;
	int ret;

	memset(v, 0, sizeof(*v));
	if (!o)
		o = &none;
	v->run_tag = (uint32_t)run_id;
	ret = xc_rxv_options(v, o->rx, err, errlen);
	if (ret)
		goto err_free;
	xc_path_rules_from(&v->path, o->path, o->vlan_strip);
	v->path_any = xc_path_rules_any(&v->path);
	xc_umem_geom_from(&geom, o->peer_xsk);
	if (!o->peer_xsk)
		geom.multi_buffer = true;
	v->anoms = calloc(v->max_anomalies, sizeof(*v->anoms));
	v->streams = calloc(nstreams ? nstreams : 1, sizeof(*v->streams));
	if (!v->anoms || !v->streams) {
		ret = xc_errf(err, errlen, ENOMEM, "out of memory");
		goto err_free;
	}
	for (i = 0; i < nstreams; i++) {
		/* counted first: a half-built stream is freed too */
		v->nstreams = i + 1;
		ret = xc_rxv_add(v, i, streams[i], run_id, &geom, o, err,
				 errlen);
		if (ret)
			goto err_free;
	}
	ret = xc_rxv_lat_init(v, nstreams);
	if (ret) {
		xc_errf(err, errlen, ENOMEM, "out of memory");
		goto err_free;
	}
	return 0;
err_free:
	xc_rxv_free(v);
	return ret;
}

int xc_rxv_init(struct xc_rxv *v, uint64_t run_id,
		Xceiver__V1__Stream *const *streams, size_t nstreams,
		uint32_t window_bits, uint32_t max_ranges,
		char *err, size_t errlen)
{
	struct xc_rxv_opts o = {
		.window_bits = window_bits,
		.max_ranges = max_ranges,
	};

	return xc_rxv_init_opts(v, run_id, streams, nstreams, &o, err,
				errlen);
}

void xc_rxv_free(struct xc_rxv *v)
{
	uint32_t i;

	if (!v)
		return;
	for (i = 0; i < v->nstreams; i++) {
		xc_rxstream_free(&v->streams[i].st);
		xc_gen_free(&v->streams[i].gen);
	}
	for (i = 0; i < v->nanoms; i++)
		free(v->anoms[i].frame);
	free(v->anoms);
	free(v->streams);
	free(v->lat);
	memset(v, 0, sizeof(*v));
}

/* Ids are usually 0..n-1 or 1..n: try those slots before a scan. */
static struct xc_rxv_stream *xc_rxv_find(struct xc_rxv *v, uint16_t id)
{
	uint32_t i;

	if (id < v->nstreams && v->streams[id].st.id == id)
		return &v->streams[id];
	if (id && id - 1u < v->nstreams && v->streams[id - 1].st.id == id)
		return &v->streams[id - 1];
	for (i = 0; i < v->nstreams; i++)
		if (v->streams[i].st.id == id)
			return &v->streams[i];
	return NULL;
}

/* ------------------------------------------------------------ anomalies */

struct xc_anom_info {
	int kind;
	uint32_t stream_id;
	uint64_t seq;
	uint32_t expected_len;
	uint32_t bad_offset;
};

static void xc_rxv_keep(struct xc_rxv *v, const struct xc_anom_info *ai,
			const uint8_t *frame, uint32_t len, uint64_t addr,
			uint32_t queue)
{
	struct xc_rxv_anom *a;
	uint32_t n = frame ? XC_MIN(len, (uint32_t)XC_MAX_FRAME) : 0;

	v->anomaly_count++;
	if (v->nanoms >= v->max_anomalies)
		return;
	a = &v->anoms[v->nanoms];
	memset(a, 0, sizeof(*a));
	if (n) {
		a->frame = malloc(n);
		if (!a->frame)
			return;		/* counted, not kept */
		memcpy(a->frame, frame, n);
		a->frame_len = n;
	}
	a->kind = ai->kind;
	a->stream_id = ai->stream_id;
	a->seq = ai->seq;
	a->expected_len = ai->expected_len;
	a->seen_len = len;
	a->bad_offset = ai->bad_offset;
	a->addr = addr;
	a->queue = queue;
	a->rx_ns = xc_now_ns(CLOCK_REALTIME);
	v->nanoms++;
}

static void xc_rxv_foreign(struct xc_rxv *v, int kind, const uint8_t *frame,
			   uint32_t len, uint64_t addr, uint32_t queue)
{
	struct xc_anom_info ai = { .kind = kind };

	v->foreign++;
	xc_rxv_keep(v, &ai, frame, len, addr, queue);
}

void xc_rxv_anomaly(struct xc_rxv *v, int kind, const uint8_t *frame,
		    uint32_t len, uint64_t addr, uint32_t queue)
{
	struct xc_anom_info ai = { .kind = kind };
	struct xc_rxv_stream *vs = NULL;
	struct xc_phdr ph;

	if (frame && !xc_frame_parse(frame, len, &ph) &&
	    ph.run_tag == v->run_tag)
		vs = xc_rxv_find(v, ph.stream_id);
	if (!vs) {
		xc_rxv_foreign(v, kind, frame, len, addr, queue);
		return;
	}
	vs->desc_errors++;
	ai.stream_id = vs->st.id;
	ai.seq = ph.seq;
	ai.expected_len = xc_gen_frame_size(&vs->gen, ph.seq) - XC_FCS_LEN;
	xc_rxv_keep(v, &ai, frame, len, addr, queue);
}

/* ------------------------------------------------------------ frames */

static bool xc_rxv_full_check(const struct xc_rxv *v, uint64_t seq)
{
	if (v->payload_check == XC_PCHK(OFF))
		return false;
	if (v->payload_check == XC_PCHK(SAMPLED))
		return seq % v->sample_every == 0;
	return true;
}

/* The generator's packet for seq (length without FCS, ports). */
static void xc_rxv_pkt(const struct xc_rxv_stream *vs, uint64_t seq,
		       struct xc_gen_pkt *p)
{
	const struct xc_gen *g = &vs->gen;

	p->seq = seq;
	p->frame_len = xc_gen_frame_size(g, seq) - XC_FCS_LEN;
	p->src_port = g->sport + (g->sport_n > 1 ? seq % g->sport_n : 0);
	p->dst_port = g->dport + (g->dport_n > 1 ? seq % g->dport_n : 0);
}

/*
 * Check a frame of E against template t, whose frames are delta bytes
 * longer than the generator's; returns 0 when intact, sets *exp_len.
 */
static int xc_rxv_check_tmpl(const struct xc_rxv *v,
			     const struct xc_rxv_stream *vs,
			     const struct xc_stream_tmpl *t, int delta,
			     uint64_t seq, const uint8_t *frame, uint32_t len,
			     uint32_t *exp_len, uint32_t *bad_off)
{
	bool full = xc_rxv_full_check(v, seq);
	bool tail = v->xdp_action == XC_ACT(SHRINK_TAIL) ||
		    v->xdp_action == XC_ACT(GROW_TAIL);
	struct xc_gen_pkt p;

	if (vs->fixed && full && !tail) {
		*exp_len = t->frame_size - XC_FCS_LEN;
		return xc_frame_check(t, seq, frame, len, bad_off);
	}
	xc_rxv_pkt(vs, seq, &p);
	p.frame_len += delta;
	*exp_len = p.frame_len;
	if (v->xdp_action == XC_ACT(SHRINK_TAIL))
		*exp_len -= v->tail_adjust;
	else if (v->xdp_action == XC_ACT(GROW_TAIL))
		*exp_len += v->tail_adjust;
	if (full && !tail)
		return xc_frame_check_pkt(t, &p, frame, len, bad_off);
	return xc_frame_check_part(t, &p, frame, len, *exp_len, full,
				   bad_off);
}

/* An arrival that passed with the path's current changes. */
static void xc_rxv_count_path(struct xc_rxv_stream *vs)
{
	unsigned int c = vs->cur_changes;

	vs->path_macs += !!(c & XC_PATH_MACS);
	vs->path_ttl += !!(c & XC_PATH_TTL);
	vs->path_vlan += !!(c & XC_PATH_VLAN);
	vs->path_dscp += !!(c & XC_PATH_DSCP);
	vs->vlan_unverified += !!(c & XC_PATH_VLAN_UNVERIFIED);
}

/*
 * With path rules: against what the path was last seen to deliver; a
 * frame that differs is judged against what Tx sent (xc_path_judge) and,
 * when only allowed changes made it differ, becomes the new expectation.
 */
static int xc_rxv_check_path(const struct xc_rxv *v,
			     struct xc_rxv_stream *vs, uint64_t seq,
			     const uint8_t *frame, uint32_t len,
			     uint32_t *exp_len, uint32_t *bad_off)
{
	struct xc_path_rules rules = v->path;
	struct xc_stream_tmpl cur;
	struct xc_gen_pkt p;
	unsigned int changes;
	int delta, ret;

	ret = xc_rxv_check_tmpl(v, vs, &vs->cur, vs->cur_delta, seq, frame,
				len, exp_len, bad_off);
	if (!ret)
		goto passed;
	xc_rxv_pkt(vs, seq, &p);
	if (v->vlan_unknown && *v->vlan_unknown)
		rules.vlan_strip = true;
	if (xc_path_judge(&rules, &vs->tmpl, &p, frame, len, &cur, &delta,
			  &changes, bad_off))
		return -EBADMSG;
	vs->cur = cur;
	vs->cur_delta = delta;
	vs->cur_changes = changes;
	ret = xc_rxv_check_tmpl(v, vs, &vs->cur, delta, seq, frame, len,
				exp_len, bad_off);
	if (ret)
		return ret;
passed:
	xc_rxv_count_path(vs);
	return 0;
}

/* Check a frame of E; returns 0 when intact, sets *exp_len. */
static int xc_rxv_check(const struct xc_rxv *v, struct xc_rxv_stream *vs,
			uint64_t seq, const uint8_t *frame, uint32_t len,
			uint32_t *exp_len, uint32_t *bad_off)
{
	if (v->path_any)
		return xc_rxv_check_path(v, vs, seq, frame, len, exp_len,
					 bad_off);
	return xc_rxv_check_tmpl(v, vs, &vs->tmpl, 0, seq, frame, len,
				 exp_len, bad_off);
}

static bool xc_meta_ok(uint64_t seq, const uint8_t *meta, uint32_t meta_len)
{
	uint64_t m;

	if (!meta || meta_len < XC_META_LEN)
		return false;
	memcpy(&m, meta + meta_len - XC_META_LEN, XC_META_LEN);
	return m == seq;
}

/*
 * Time a delivered frame (see the top of xc_validate.h), and give it to the
 * debug dump when one is set. The offset is the controller's: subtracted
 * with wrapping, so no value it sends is undefined; L - L_previous is
 * exact (|d| < 2^31 on both).
 */
/*
 * From the sender's stamp tx_ns32 to at_ns on this side's clock, less the
 * clocks' offset.
 */
static int64_t xc_rxv_since_tx(const struct xc_rxv_lat *l, uint32_t tx_ns32,
			       uint64_t at_ns)
{
	return (int64_t)((uint64_t)xc_lat_widen(at_ns, tx_ns32) -
			 (uint64_t)l->offset_ns);
}

/* The split of a frame the XDP program stamped at xdp_ns. */
static void xc_rxv_time_xdp(struct xc_rxv_lat *l, uint32_t tx_ns32,
			    uint64_t xdp_ns, uint64_t rx_ns)
{
	int64_t to = xc_rxv_since_tx(l, tx_ns32, xdp_ns);

	l->xdp_stamped++;
	if (to >= 0)
		xc_hist_record(&l->to_xdp, (uint64_t)to);
	if (rx_ns >= xdp_ns)
		xc_hist_record(&l->xdp_to_rx, rx_ns - xdp_ns);
}

static void xc_rxv_time(struct xc_rxv *v, struct xc_rxv_stream *vs,
			uint32_t queue, uint64_t seq, uint32_t tx_ns32,
			uint64_t rx_ns)
{
	struct xc_rxv_lat *l = v->lat;
	int64_t lat = xc_rxv_since_tx(l, tx_ns32, rx_ns);
	uint64_t xdp_ns;

	if (__builtin_expect(v->dump != NULL, 0))
		v->dump(v->dump_ctx, vs->st.id, seq, lat);
	if (v->xdp_ns) {
		xdp_ns = v->xdp_ns(v->xdp_ctx, queue, vs->st.id, seq);
		if (xdp_ns)
			xc_rxv_time_xdp(l, tx_ns32, xdp_ns, rx_ns);
	}
	if (vs->jitter.have_prev)
		xc_shist_record(&l->ipdv, (int64_t)((uint64_t)lat -
					(uint64_t)vs->jitter.prev));
	xc_jitter_update(&vs->jitter, lat);
	if (lat < 0) {
		vs->lat_negative++;
		l->negative++;
		return;
	}
	if (vs->lat)
		xc_hist_record(vs->lat, (uint64_t)lat);
	xc_hist_record(&l->one_way, (uint64_t)lat);
	if ((uint64_t)lat > __atomic_load_n(&l->peak_ns, __ATOMIC_RELAXED))
		__atomic_store_n(&l->peak_ns, (uint64_t)lat, __ATOMIC_RELAXED);
}

void xc_rxv_lat_interval(struct xc_rxv *v, uint64_t *frames,
			 uint64_t *sum_ns, uint64_t *max_ns)
{
	struct xc_rxv_lat *l = v->lat;

	*frames = l ? xc_hist_count(&l->one_way) : 0;
	*sum_ns = l ? (uint64_t)l->one_way.sum : 0;
	*max_ns = l ? __atomic_exchange_n(&l->peak_ns, 0, __ATOMIC_RELAXED) : 0;
}

bool xc_rxv_frame_meta(struct xc_rxv *v, const uint8_t *frame, uint32_t len,
		       const uint8_t *meta, uint32_t meta_len, uint64_t addr,
		       uint32_t queue, uint64_t rx_ns)
{
	struct xc_anom_info ai = { 0 };
	struct xc_rxv_stream *vs;
	struct xc_rxstream *st;
	uint64_t delivered, dups;
	struct xc_phdr ph;
	bool intact;

	v->frames++;
	if (xc_frame_parse(frame, len, &ph) || ph.run_tag != v->run_tag)
		goto foreign;
	vs = xc_rxv_find(v, ph.stream_id);
	if (!vs)
		goto foreign;
	st = &vs->st;
	ai.stream_id = st->id;
	ai.seq = ph.seq;
	if (!xc_in_e(st, ph.seq)) {
		xc_rxstream_arrival(st, ph.seq, true, 0, len);
		ai.kind = XC_ANOM(UNEXPECTED);
		xc_rxv_keep(v, &ai, frame, len, addr, queue);
		return false;
	}
	intact = !xc_rxv_check(v, vs, ph.seq, frame, len, &ai.expected_len,
			       &ai.bad_offset);
	ai.kind = XC_ANOM(CORRUPT);
	if (intact && v->xdp_action == XC_ACT(METADATA) &&
	    !xc_meta_ok(ph.seq, meta, meta_len)) {
		intact = false;
		ai.kind = XC_ANOM(METADATA);
		ai.bad_offset = 0;
	}
	delivered = st->delivered;
	dups = st->duplicates;
	xc_rxstream_arrival(st, ph.seq, intact, ai.bad_offset, len);
	if (st->delivered != delivered) {
		if (rx_ns != XC_RXV_UNTIMED)
			xc_rxv_time(v, vs, queue, ph.seq, ph.tx_ns32, rx_ns);
		return true;
	}
	if (st->duplicates != dups)
		ai.kind = XC_ANOM(DUPLICATE);
	else if (intact)
		return false;		/* late */
	xc_rxv_keep(v, &ai, frame, len, addr, queue);
	return false;
foreign:
	xc_rxv_foreign(v, XC_ANOM(FOREIGN), frame, len, addr, queue);
	return false;
}

void xc_rxv_set_vlan_strip(struct xc_rxv *v, bool strip)
{
	v->path.vlan_strip = strip;
	v->path_any = xc_path_rules_any(&v->path) || v->vlan_unknown;
}

void xc_rxv_set_vlan_unknown(struct xc_rxv *v,
			     const volatile uint64_t *seen)
{
	v->vlan_unknown = seen;
	v->path_any = xc_path_rules_any(&v->path) || seen;
}

void xc_rxv_set_dump(struct xc_rxv *v,
		     void (*fn)(void *ctx, uint32_t stream_id, uint64_t seq,
				int64_t lat_ns),
		     void *ctx)
{
	v->dump = fn;
	v->dump_ctx = ctx;
}

void xc_rxv_set_xdp_ns(struct xc_rxv *v,
		       uint64_t (*fn)(void *ctx, uint32_t queue,
				      uint32_t stream_id, uint64_t seq),
		       void *ctx)
{
	v->xdp_ns = fn;
	v->xdp_ctx = ctx;
}

void xc_rxv_clock_offset(struct xc_rxv *v, int64_t offset_ns,
			 uint64_t bound_ns, bool known)
{
	if (!v->lat)
		return;
	v->lat->offset_ns = offset_ns;
	v->lat->bound_ns = bound_ns;
	v->lat->offset_known = known;
}

bool xc_rxv_frame(struct xc_rxv *v, const uint8_t *frame, uint32_t len)
{
	return xc_rxv_frame_meta(v, frame, len, NULL, 0, 0, 0,
				 XC_RXV_UNTIMED);
}

void xc_rxv_finish(struct xc_rxv *v)
{
	uint32_t i;

	for (i = 0; i < v->nstreams; i++)
		xc_rxstream_finish(&v->streams[i].st);
}

/* ------------------------------------------------------------ report */

static int xc_rxv_report_streams(struct xc_rxv *v, Xceiver__V1__Report *r)
{
	Xceiver__V1__RxStreamReport *x;
	struct xc_rxv_stream *vs;
	uint32_t i;
	int ret;

	if (!v->nstreams)
		return 0;
	r->rx = calloc(v->nstreams, sizeof(*r->rx));
	if (!r->rx)
		return -ENOMEM;
	for (i = 0; i < v->nstreams; i++) {
		vs = &v->streams[i];
		x = malloc(sizeof(*x));
		if (!x)
			return -ENOMEM;
		ret = xc_rxstream_report(&vs->st, x);
		if (ret) {
			free(x);
			return ret;
		}
		x->desc_errors = vs->desc_errors;
		x->invalid_sent = vs->invalid_sent;
		x->xdp_dropped = vs->xdp_dropped;
		x->path_macs_rewritten = vs->path_macs;
		x->path_ttl_decremented = vs->path_ttl;
		x->path_vlan_changed = vs->path_vlan;
		x->path_dscp_remarked = vs->path_dscp;
		x->vlan_unverified = vs->vlan_unverified;
		r->rx[i] = x;
		r->n_rx = i + 1;
	}
	return 0;
}

static int xc_rxv_report_anoms(struct xc_rxv *v, Xceiver__V1__Report *r)
{
	const struct xc_rxv_anom *a;
	Xceiver__V1__Anomaly *x;
	uint32_t i;

	if (!v->nanoms)
		return 0;
	r->anomalies = calloc(v->nanoms, sizeof(*r->anomalies));
	if (!r->anomalies)
		return -ENOMEM;
	for (i = 0; i < v->nanoms; i++) {
		a = &v->anoms[i];
		x = malloc(sizeof(*x));
		if (!x)
			return -ENOMEM;
		xceiver__v1__anomaly__init(x);
		r->anomalies[i] = x;
		r->n_anomalies = i + 1;
		x->kind = a->kind;
		x->stream_id = a->stream_id;
		x->seq = a->seq;
		x->expected_len = a->expected_len;
		x->seen_len = a->seen_len;
		x->bad_offset = a->bad_offset;
		x->addr = a->addr;
		x->rx_ns = a->rx_ns;
		x->queue = a->queue;
		if (!a->frame_len)
			continue;
		x->frame.data = malloc(a->frame_len);
		if (!x->frame.data)
			return -ENOMEM;
		memcpy(x->frame.data, a->frame, a->frame_len);
		x->frame.len = a->frame_len;
	}
	return 0;
}

/* h as a Histogram message, its arrays sized to the non-empty buckets. */
static int xc_rxv_report_stream_lat(const struct xc_rxv *v,
				    Xceiver__V1__Latency *m)
{
	const struct xc_rxv_stream *vs;
	Xceiver__V1__StreamLatency *x;
	uint32_t i;

	if (!v->nstreams)
		return 0;
	m->streams = calloc(v->nstreams, sizeof(*m->streams));
	if (!m->streams)
		return -ENOMEM;
	for (i = 0; i < v->nstreams; i++) {
		vs = &v->streams[i];
		x = malloc(sizeof(*x));
		if (!x)
			return -ENOMEM;
		xceiver__v1__stream_latency__init(x);
		m->streams[i] = x;
		m->n_streams = i + 1;
		x->stream_id = vs->st.id;
		/* below 2^36: 16 times |L - L_previous| < 2^32 */
		x->jitter16_ns = (uint64_t)vs->jitter.j16;
		x->negative = vs->lat_negative;
		if (vs->lat && xc_hist_pb(vs->lat, &x->one_way))
			return -ENOMEM;
	}
	return 0;
}

/* Report.latency; the Tx and Rx stamping points are the caller's. */
static int xc_rxv_report_lat(const struct xc_rxv *v, Xceiver__V1__Report *r)
{
	const struct xc_rxv_lat *l = v->lat;
	Xceiver__V1__Latency *m;
	int ret;

	if (!l)
		return 0;
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	xceiver__v1__latency__init(m);
	r->latency = m;
	m->clock_offset_ns = l->offset_ns;
	m->clock_bound_ns = l->bound_ns;
	m->clock_offset_known = l->offset_known;
	m->per_stream = l->per_stream;
	m->negative = l->negative;
	ret = xc_hist_pb(&l->one_way, &m->one_way);
	if (!ret)
		ret = xc_hist_pb(&l->ipdv.neg, &m->ipdv_neg);
	if (!ret)
		ret = xc_hist_pb(&l->ipdv.pos, &m->ipdv_pos);
	m->rx_xdp_stamped = l->xdp_stamped;
	if (!ret && l->xdp_stamped)
		ret = xc_hist_pb(&l->to_xdp, &m->to_rx_xdp);
	if (!ret && l->xdp_stamped)
		ret = xc_hist_pb(&l->xdp_to_rx, &m->rx_xdp_to_worker);
	if (!ret)
		ret = xc_rxv_report_stream_lat(v, m);
	return ret;
}

static void xc_rxv_report_lat_free(Xceiver__V1__Report *r)
{
	Xceiver__V1__Latency *m = r->latency;
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n_streams; i++) {
		xc_hist_pb_free(m->streams[i]->one_way);
		free(m->streams[i]);
	}
	free(m->streams);
	xc_hist_pb_free(m->one_way);
	xc_hist_pb_free(m->ipdv_neg);
	xc_hist_pb_free(m->ipdv_pos);
	xc_hist_pb_free(m->to_rx_xdp);
	xc_hist_pb_free(m->rx_xdp_to_worker);
	free(m);
	r->latency = NULL;
}

int xc_rxv_report(struct xc_rxv *v, Xceiver__V1__Report *r)
{
	int ret;

	xc_rxv_finish(v);
	r->rx = NULL;
	r->n_rx = 0;
	r->anomalies = NULL;
	r->n_anomalies = 0;
	r->latency = NULL;
	r->foreign = v->foreign;
	r->rx_frames = v->frames;
	r->anomaly_count = v->anomaly_count;
	r->payload_check = v->payload_check;
	r->path_routed_hops = v->path.hops;
	ret = xc_rxv_report_streams(v, r);
	if (!ret)
		ret = xc_rxv_report_anoms(v, r);
	if (!ret)
		ret = xc_rxv_report_lat(v, r);
	if (ret)
		xc_rxv_report_free(r);
	return ret;
}

void xc_rxv_report_free(Xceiver__V1__Report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_rx; i++) {
		xc_rxstream_report_free(r->rx[i]);
		free(r->rx[i]);
	}
	free(r->rx);
	r->rx = NULL;
	r->n_rx = 0;
	for (i = 0; i < r->n_anomalies; i++) {
		free(r->anomalies[i]->frame.data);
		free(r->anomalies[i]);
	}
	free(r->anomalies);
	r->anomalies = NULL;
	r->n_anomalies = 0;
	xc_rxv_report_lat_free(r);
}
