// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A timeline in fixed memory (see xc_tl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_limits.h"
#include "xc_tl.h"
#include "xc_util.h"

int xc_tl_init(struct xc_tl *tl, uint64_t iv_ns)
{
	memset(tl, 0, sizeof(*tl));
	if (!iv_ns)
		return -EINVAL;
	tl->req_iv_ns = iv_ns;
	tl->iv_ns = iv_ns;
	return 0;
}

void xc_tl_free(struct xc_tl *tl)
{
	if (!tl)
		return;
	free(tl->cols);
	free(tl->cells);
	memset(tl, 0, sizeof(*tl));
}

static int xc_tl_grow(struct xc_tl *tl)
{
	uint32_t cap = tl->capcols ? tl->capcols * 2 : 32;
	struct xc_tl_col *c;

	c = realloc(tl->cols, cap * sizeof(*c));
	if (!c)
		return -ENOMEM;
	tl->cols = c;
	tl->capcols = cap;
	return 0;
}

int xc_tl_add(struct xc_tl *tl, enum xc_tl_kind kind, const char *name,
	      uint32_t stream_id, int source, int layer, bool loss,
	      bool gauge)
{
	struct xc_tl_col *c;
	int ret;

	if (tl->cells)
		return -EBUSY;
	if (tl->ncols == tl->capcols) {
		ret = xc_tl_grow(tl);
		if (ret)
			return ret;
	}
	c = &tl->cols[tl->ncols];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	c->stream_id = stream_id;
	c->source = source;
	c->layer = layer;
	c->loss = loss;
	c->gauge = gauge;
	return (int)tl->ncols++;
}

int xc_tl_alloc(struct xc_tl *tl, uint64_t max_cells)
{
	uint64_t max = tl->ncols ? max_cells / tl->ncols : XC_TL_MAX_INTERVALS;

	if (max > XC_TL_MAX_INTERVALS)
		max = XC_TL_MAX_INTERVALS;
	if (max < XC_TL_MIN_INTERVALS)
		max = XC_TL_MIN_INTERVALS;
	max &= ~1ull;
	tl->cells = calloc((size_t)max * (tl->ncols ? tl->ncols : 1),
			   sizeof(*tl->cells));
	if (!tl->cells)
		return -ENOMEM;
	tl->max = (uint32_t)max;
	return 0;
}

void xc_tl_begin(struct xc_tl *tl, uint64_t now_rt, const uint64_t *raw)
{
	uint32_t c;

	tl->start_rt = now_rt - now_rt % tl->iv_ns;
	tl->end_rt = now_rt;
	tl->n = 0;
	for (c = 0; c < tl->ncols; c++)
		tl->cols[c].last = raw ? raw[c] : 0;
	tl->begun = true;
}

uint64_t xc_tl_index(const struct xc_tl *tl, uint64_t t)
{
	if (t <= tl->start_rt)
		return 0;
	return (t - tl->start_rt) / tl->iv_ns;
}

/*
 * Merge neighbouring records so that each new one covers [2j, 2j + 2)
 * intervals of twice the length in absolute time: when the first record
 * starts at an odd multiple, it pairs with an empty one before it.
 */
static void xc_tl_coarsen(struct xc_tl *tl)
{
	uint32_t off = (uint32_t)((tl->start_rt / tl->iv_ns) & 1);
	uint32_t nn = (tl->n + off + 1) / 2, c, i;
	uint64_t *v, a, b;
	int64_t ia, ib;

	for (c = 0; c < tl->ncols; c++) {
		v = &tl->cells[(size_t)c * tl->max];
		for (i = 0; i < nn; i++) {
			ia = 2 * (int64_t)i - off;
			ib = ia + 1;
			a = ia >= 0 ? v[ia] : 0;
			b = ib < tl->n ? v[ib] : 0;
			if (tl->cols[c].peak)
				v[i] = XC_MAX(a, b);
			else if (tl->cols[c].gauge)
				v[i] = ib < tl->n ? b : a;
			else
				v[i] = a + b;
		}
		memset(&v[nn], 0, (tl->max - nn) * sizeof(*v));
	}
	tl->start_rt -= off * tl->iv_ns;
	tl->iv_ns *= 2;
	tl->n = nn;
	tl->coarsened++;
}

/* Make record k exist (intervals without a sample hold 0). */
static uint32_t xc_tl_reach(struct xc_tl *tl, uint64_t now_rt)
{
	uint64_t k = xc_tl_index(tl, now_rt);

	while (k >= tl->max) {
		xc_tl_coarsen(tl);
		k = xc_tl_index(tl, now_rt);
	}
	if (k < tl->n)
		return tl->n - 1;	/* never back in time */
	tl->n = (uint32_t)k + 1;
	return (uint32_t)k;
}

void xc_tl_sample(struct xc_tl *tl, uint64_t now_rt, const uint64_t *raw)
{
	struct xc_tl_col *col;
	uint64_t *cell;
	uint32_t k, c;

	if (!tl->begun || !tl->cells)
		return;
	if (now_rt < tl->end_rt)
		now_rt = tl->end_rt;
	k = xc_tl_reach(tl, now_rt);
	for (c = 0; c < tl->ncols; c++) {
		col = &tl->cols[c];
		cell = &tl->cells[(size_t)c * tl->max + k];
		if (col->peak)
			*cell = XC_MAX(*cell, raw[c]);
		else if (col->gauge)
			*cell = raw[c];
		else if (raw[c] >= col->last)
			*cell += raw[c] - col->last;
		col->last = raw[c];
	}
	tl->end_rt = now_rt;
}

static uint64_t *xc_tl_copy(const struct xc_tl *tl, uint32_t c)
{
	uint64_t *v = malloc((tl->n ? tl->n : 1) * sizeof(*v));

	if (v)
		memcpy(v, &tl->cells[(size_t)c * tl->max],
		       tl->n * sizeof(*v));
	return v;
}

static int xc_tl_series(const struct xc_tl *tl, uint32_t c,
			Xceiver__V1__Series **out)
{
	const struct xc_tl_col *col = &tl->cols[c];
	Xceiver__V1__Series *s = calloc(1, sizeof(*s));
	uint32_t k;

	if (!s)
		return -ENOMEM;
	xceiver__v1__series__init(s);
	*out = s;
	s->name = strdup(col->name);
	s->v = xc_tl_copy(tl, c);
	if (!s->name || !s->v)
		return -ENOMEM;
	s->n_v = tl->n;
	s->source = col->source;
	s->layer = col->layer;
	s->loss = col->loss;
	s->gauge = col->gauge;
	s->peer = col->peer;
	s->peak = col->peak;
	for (k = 0; k < tl->n && !col->gauge; k++)
		s->total += s->v[k];
	return 0;
}

static int xc_tl_stream(const struct xc_tl *tl, uint32_t c,
			Xceiver__V1__StreamSeries **out)
{
	Xceiver__V1__StreamSeries *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	xceiver__v1__stream_series__init(s);
	*out = s;
	s->stream_id = tl->cols[c].stream_id;
	s->v = xc_tl_copy(tl, c);
	if (!s->v)
		return -ENOMEM;
	s->n_v = tl->n;
	return 0;
}

static int xc_tl_alloc_arrays(const struct xc_tl *tl,
			      Xceiver__V1__Timeline *t)
{
	uint32_t c, nc = 0, ntx = 0, nrx = 0;

	for (c = 0; c < tl->ncols; c++) {
		nc += tl->cols[c].kind == XC_TL_COUNTER;
		ntx += tl->cols[c].kind == XC_TL_TX_STREAM;
		nrx += tl->cols[c].kind == XC_TL_RX_STREAM;
	}
	t->counters = calloc(nc + 1, sizeof(*t->counters));
	t->tx = calloc(ntx + 1, sizeof(*t->tx));
	t->rx = calloc(nrx + 1, sizeof(*t->rx));
	return t->counters && t->tx && t->rx ? 0 : -ENOMEM;
}

int xc_tl_report(const struct xc_tl *tl, Xceiver__V1__Timeline *t)
{
	const struct xc_tl_col *col;
	uint32_t c;
	int ret;

	t->interval_ns = tl->iv_ns;
	t->requested_interval_ns = tl->req_iv_ns;
	t->max_intervals = tl->max;
	t->coarsened = tl->coarsened;
	t->start_realtime_ns = tl->start_rt;
	t->end_realtime_ns = tl->end_rt;
	t->intervals = tl->n;
	ret = xc_tl_alloc_arrays(tl, t);
	for (c = 0; !ret && c < tl->ncols; c++) {
		col = &tl->cols[c];
		if (col->kind == XC_TL_COUNTER)
			ret = xc_tl_series(tl, c,
					   &t->counters[t->n_counters++]);
		else if (col->kind == XC_TL_TX_STREAM)
			ret = xc_tl_stream(tl, c, &t->tx[t->n_tx++]);
		else
			ret = xc_tl_stream(tl, c, &t->rx[t->n_rx++]);
	}
	return ret;
}

static void xc_tl_stream_free(Xceiver__V1__StreamSeries *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

void xc_tl_report_free(Xceiver__V1__Timeline *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n_counters; i++) {
		if (!t->counters[i])
			continue;
		if (t->counters[i]->name != protobuf_c_empty_string)
			free(t->counters[i]->name);
		free(t->counters[i]->v);
		free(t->counters[i]);
	}
	for (i = 0; i < t->n_tx; i++)
		xc_tl_stream_free(t->tx[i]);
	for (i = 0; i < t->n_rx; i++)
		xc_tl_stream_free(t->rx[i]);
	for (i = 0; i < t->n_unread; i++)
		free(t->unread[i]);
	free(t->counters);
	free(t->tx);
	free(t->rx);
	free(t->unread);
	if (t->driver != protobuf_c_empty_string)
		free(t->driver);
	xceiver__v1__timeline__init(t);
}
