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

#include "xc_log.h"
#include "xc_util.h"
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

/* [first, last] never arrived; called in increasing seq order. */
static void xc_missing_add(struct xc_rxstream *s, uint64_t first,
			   uint64_t last)
{
	s->missing += last - first + 1;
	if (s->open_range && s->cur.last + 1 == first) {
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

void xc_rxstream_arrival(struct xc_rxstream *s, uint64_t seq, bool intact,
			 uint32_t bad_off, uint32_t bytes)
{
	uint64_t *w, bit;

	s->bytes += bytes;
	if (!xc_in_e(s, seq)) {
		s->unexpected++;
		return;
	}
	if (s->any_seen && seq < s->highest) {
		s->reordered++;
		s->max_reorder = XC_MAX(s->max_reorder, s->highest - seq);
	} else {
		s->highest = seq;
		s->any_seen = true;
	}
	if (seq < s->base) {
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

static int xc_rxv_add(struct xc_rxv *v, size_t i,
		      const Xceiver__V1__Stream *s, uint64_t run_id,
		      uint32_t window_bits, uint32_t max_ranges, char *err,
		      size_t errlen)
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
	ret = xc_rxstream_init(&vs->st, s->id, s->count, window_bits,
			       max_ranges);
	if (ret == -EINVAL)
		return xc_errf(err, errlen, ret,
			       "window_bits %u is not a power of two >= 64",
			       window_bits);
	if (ret)
		return xc_errf(err, errlen, ret,
			       "rx_streams[%zu]: out of memory", i);
	return 0;
}

int xc_rxv_init(struct xc_rxv *v, uint64_t run_id,
		Xceiver__V1__Stream *const *streams, size_t nstreams,
		uint32_t window_bits, uint32_t max_ranges,
		char *err, size_t errlen)
{
	size_t i;
	int ret = 0;

	memset(v, 0, sizeof(*v));
	v->run_tag = (uint32_t)run_id;
	if (!nstreams)
		return 0;
	v->streams = calloc(nstreams, sizeof(*v->streams));
	if (!v->streams)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	for (i = 0; i < nstreams; i++) {
		ret = xc_rxv_add(v, i, streams[i], run_id, window_bits,
				 max_ranges, err, errlen);
		if (ret)
			goto err_free;
		v->nstreams = i + 1;
	}
	return 0;
err_free:
	xc_rxv_free(v);
	return ret;
}

void xc_rxv_free(struct xc_rxv *v)
{
	uint32_t i;

	if (!v)
		return;
	for (i = 0; i < v->nstreams; i++)
		xc_rxstream_free(&v->streams[i].st);
	free(v->streams);
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

bool xc_rxv_frame(struct xc_rxv *v, const uint8_t *frame, uint32_t len)
{
	struct xc_rxv_stream *vs;
	struct xc_rxstream *st;
	struct xc_phdr ph;
	uint32_t bad_off = 0;
	uint64_t delivered;
	bool intact;

	v->frames++;
	if (xc_frame_parse(frame, len, &ph) || ph.run_tag != v->run_tag)
		goto foreign;
	vs = xc_rxv_find(v, ph.stream_id);
	if (!vs)
		goto foreign;
	st = &vs->st;
	if (!xc_in_e(st, ph.seq)) {
		xc_rxstream_arrival(st, ph.seq, true, 0, len);
		return false;
	}
	intact = !xc_frame_check(&vs->tmpl, ph.seq, frame, len, &bad_off);
	delivered = st->delivered;
	xc_rxstream_arrival(st, ph.seq, intact, bad_off, len);
	return st->delivered != delivered;
foreign:
	v->foreign++;
	return false;
}

void xc_rxv_finish(struct xc_rxv *v)
{
	uint32_t i;

	for (i = 0; i < v->nstreams; i++)
		xc_rxstream_finish(&v->streams[i].st);
}
