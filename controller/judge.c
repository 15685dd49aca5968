// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The verdict's checks, judged from a spec and its agents' reports (see
 * xc_judge.h for the rules). Pure: no printing, no I/O.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_forensics.h"
#include "xc_judge.h"
#include "xc_util.h"

/* ------------------------------------------------------------ the view */

const Xceiver__V1__Report *xc_view_report(const struct xc_view *v,
					  enum xc_side side)
{
	return side == XC_TX ? v->res->tx : v->res->rx;
}

static int xc_cmp_tx(const void *a, const void *b)
{
	uint32_t x = (*(Xceiver__V1__TxStreamReport *const *)a)->stream_id;
	uint32_t y = (*(Xceiver__V1__TxStreamReport *const *)b)->stream_id;

	return (x > y) - (x < y);
}

static int xc_cmp_rx(const void *a, const void *b)
{
	uint32_t x = (*(Xceiver__V1__RxStreamReport *const *)a)->stream_id;
	uint32_t y = (*(Xceiver__V1__RxStreamReport *const *)b)->stream_id;

	return (x > y) - (x < y);
}

/*
 * A sorted copy of a report's n per-stream entries, so each spec stream
 * finds its entry by binary search.
 */
static void **xc_sorted(void *const *a, size_t n,
			int (*cmp)(const void *, const void *))
{
	void **s = malloc((n ? n : 1) * sizeof(*s));

	if (!s)
		return NULL;
	if (n)
		memcpy(s, a, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp);
	return s;
}

/* The entry of stream id in a sorted array (tx or rx entries); NULL. */
static void *xc_lookup(void **s, size_t n, uint32_t id, bool tx)
{
	Xceiver__V1__TxStreamReport kt = { .stream_id = id }, *pt = &kt;
	Xceiver__V1__RxStreamReport kr = { .stream_id = id }, *pr = &kr;
	void **hit;

	hit = bsearch(tx ? (void *)&pt : (void *)&pr, s, n, sizeof(*s),
		      tx ? xc_cmp_tx : xc_cmp_rx);
	return hit ? *hit : NULL;
}

struct xc_index {
	void **tx[2];		/* per side, sorted */
	void **rx[2];
};

static void xc_index_free(struct xc_index *x)
{
	int side;

	for (side = XC_TX; side <= XC_RX; side++) {
		free(x->tx[side]);
		free(x->rx[side]);
	}
}

static int xc_index_init(struct xc_index *x, const struct xc_view *v)
{
	int side;

	memset(x, 0, sizeof(*x));
	for (side = XC_TX; side <= XC_RX; side++) {
		const Xceiver__V1__Report *r = xc_view_report(v, side);

		x->tx[side] = xc_sorted(r ? (void *const *)r->tx : NULL,
					r ? r->n_tx : 0, xc_cmp_tx);
		x->rx[side] = xc_sorted(r ? (void *const *)r->rx : NULL,
					r ? r->n_rx : 0, xc_cmp_rx);
		if (!x->tx[side] || !x->rx[side]) {
			xc_index_free(x);
			return -ENOMEM;
		}
	}
	return 0;
}

int xc_view_init(struct xc_view *v, const Xceiver__V1__TestSpec *spec,
		 const struct xc_run_result *res)
{
	size_t i, n = spec->n_streams ? spec->n_streams : 1;
	struct xc_index x;

	memset(v, 0, sizeof(*v));
	v->spec = spec;
	v->res = res;
	v->tx = calloc(n, sizeof(*v->tx));
	v->rx = calloc(n, sizeof(*v->rx));
	if (!v->tx || !v->rx || xc_index_init(&x, v)) {
		xc_view_free(v);
		return -ENOMEM;
	}
	for (i = 0; i < spec->n_streams; i++) {
		const Xceiver__V1__Stream *st = spec->streams[i];
		enum xc_side from = xc_stream_sender(st);
		enum xc_side to = xc_stream_receiver(spec, st);
		const Xceiver__V1__Report *fr = xc_view_report(v, from);
		const Xceiver__V1__Report *tr = xc_view_report(v, to);

		v->tx[i] = xc_lookup(x.tx[from], fr ? fr->n_tx : 0, st->id,
				     true);
		v->rx[i] = xc_lookup(x.rx[to], tr ? tr->n_rx : 0, st->id,
				     false);
	}
	xc_index_free(&x);
	return 0;
}

void xc_view_free(struct xc_view *v)
{
	if (!v)
		return;
	free(v->tx);
	free(v->rx);
	v->tx = NULL;
	v->rx = NULL;
}

/* ------------------------------------------------------------ values */

uint64_t xc_stream_value(const struct xc_view *v, size_t i,
			 enum xc_counter c)
{
	const Xceiver__V1__TxStreamReport *t = v->tx[i];
	const Xceiver__V1__RxStreamReport *r = v->rx[i];

	if (c == XC_CTR_SENT)
		return t ? t->sent : 0;
	if (!r)
		return 0;
	switch (c) {
	case XC_CTR_DELIVERED:
		return r->delivered;
	case XC_CTR_MISSING:
		return r->missing;
	case XC_CTR_CORRUPT:
		return r->corrupt;
	case XC_CTR_DUPLICATES:
		return r->duplicates;
	case XC_CTR_REORDERED:
		return r->reordered;
	case XC_CTR_UNEXPECTED:
		return r->unexpected;
	case XC_CTR_LATE:
		return r->late;
	case XC_CTR_DESC_ERRORS:
		return r->desc_errors;
	default:
		return 0;
	}
}

static uint64_t xc_xsk_value(const Xceiver__V1__XskStats *x,
			     enum xc_counter c)
{
	switch (c) {
	case XC_CTR_RX_DROPPED:
		return x->rx_dropped;
	case XC_CTR_RX_INVALID_DESCS:
		return x->rx_invalid_descs;
	case XC_CTR_TX_INVALID_DESCS:
		return x->tx_invalid_descs;
	case XC_CTR_RX_RING_FULL:
		return x->rx_ring_full;
	case XC_CTR_RX_FILL_RING_EMPTY_DESCS:
		return x->rx_fill_ring_empty_descs;
	case XC_CTR_TX_RING_EMPTY_DESCS:
		return x->tx_ring_empty_descs;
	default:
		return 0;
	}
}

/* Counters a receiving agent reports once, not per socket or stream. */
static bool xc_counter_per_report(enum xc_counter c)
{
	return c == XC_CTR_FOREIGN || c == XC_CTR_XDP_NO_SOCKET ||
	       c == XC_CTR_XDP_ACTION_FAILURES;
}

static uint64_t xc_report_value(const Xceiver__V1__Report *r,
				enum xc_counter c)
{
	if (c == XC_CTR_XDP_NO_SOCKET)
		return r->xdp_no_socket;
	if (c == XC_CTR_XDP_ACTION_FAILURES)
		return r->xdp_action_failures;
	return r->foreign;
}

/* Whether a socket counter belongs to the sending side. */
static bool xc_counter_tx_side(enum xc_counter c)
{
	return c == XC_CTR_TX_INVALID_DESCS || c == XC_CTR_TX_RING_EMPTY_DESCS;
}

/* The side's agent counts c: sending sides tx_*, receiving sides the rest. */
static bool xc_side_owns(const struct xc_view *v, enum xc_side side,
			 enum xc_counter c)
{
	return xc_counter_tx_side(c) ? xc_side_sends(v->spec, side) :
	       xc_side_validates(v->spec, side);
}

/* The side's part of a total that is not per stream. */
static uint64_t xc_side_value(const struct xc_view *v, enum xc_side side,
			      enum xc_counter c)
{
	const Xceiver__V1__Report *r = xc_view_report(v, side);
	uint64_t sum = 0;
	size_t j;

	if (!r || !xc_side_owns(v, side, c))
		return 0;
	if (xc_counter_per_report(c))
		return xc_report_value(r, c);
	for (j = 0; j < r->n_xsk; j++)
		sum += xc_xsk_value(r->xsk[j], c);
	return sum;
}

/* The side's sockets and XDP program gave every counter c needs. */
static bool xc_side_known(const struct xc_view *v, enum xc_side side,
			  enum xc_counter c)
{
	const Xceiver__V1__Report *r = xc_view_report(v, side);
	size_t j;

	if (!r || !xc_side_owns(v, side, c))
		return true;
	if (c == XC_CTR_XDP_NO_SOCKET || c == XC_CTR_XDP_ACTION_FAILURES)
		return !r->xdp_stats_unread;
	for (j = 0; xc_counter_is_socket(c) && j < r->n_xsk; j++)
		if (r->xsk[j]->unread)
			return false;
	return true;
}

bool xc_total_known(const struct xc_view *v, enum xc_counter c)
{
	if (xc_counter_per_stream(c))
		return true;
	return xc_side_known(v, XC_TX, c) && xc_side_known(v, XC_RX, c);
}

uint64_t xc_total_value(const struct xc_view *v, enum xc_counter c)
{
	uint64_t sum = 0;
	size_t i;

	if (xc_counter_per_stream(c)) {
		for (i = 0; i < v->spec->n_streams; i++)
			sum += xc_stream_value(v, i, c);
		return sum;
	}
	return xc_side_value(v, XC_TX, c) + xc_side_value(v, XC_RX, c);
}

/* Descriptors the senders sent invalid on purpose. */
static uint64_t xc_invalid_sent(const struct xc_view *v)
{
	uint64_t sum = 0;
	int side;

	for (side = XC_TX; side <= XC_RX; side++)
		if (xc_view_report(v, side) && xc_side_sends(v->spec, side))
			sum += xc_view_report(v, side)->tx_invalid_sent;
	return sum;
}

/* ------------------------------------------------------------ checks */

/* What the judging needs besides the view: the parsed expect.checks. */
struct xc_jctx {
	const struct xc_view *v;
	struct xc_judgement *j;
	struct xc_expect *exp;
	size_t nexp;
};

static int xc_check_add(struct xc_jctx *x, const struct xc_check *c)
{
	struct xc_judgement *j = x->j;
	struct xc_check *grown;
	size_t cap;

	if (j->n == j->cap) {
		cap = j->cap ? j->cap * 2 : 64;
		grown = realloc(j->checks, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		j->checks = grown;
		j->cap = cap;
	}
	j->checks[j->n++] = *c;
	if (c->result == XC_RESULT_FAIL)
		j->failed++;
	else if (c->result == XC_RESULT_NOT_JUDGED)
		j->not_judged++;
	return 0;
}

static int xc_check_counter(struct xc_jctx *x, uint32_t id,
			    enum xc_counter ctr, enum xc_expect_op op,
			    uint64_t want, uint64_t got, bool from_spec)
{
	struct xc_expect e = { .op = op, .value = want };
	struct xc_check c = {
		.kind = XC_CHECK_COUNTER, .stream_id = id, .counter = ctr,
		.op = op, .want = want, .got = got, .from_spec = from_spec,
	};

	if (id == XC_ALL_STREAMS && !xc_total_known(x->v, ctr))
		c.unknown = true;
	if (op == XC_OP_NOT_JUDGED) {
		c.got = 0;
		c.result = XC_RESULT_NOT_JUDGED;
	} else if (c.unknown) {
		c.got = 0;
		c.result = XC_RESULT_FAIL;
	} else {
		c.result = xc_expect_eval(&e, got) ? XC_RESULT_PASS :
			   XC_RESULT_FAIL;
	}
	return xc_check_add(x, &c);
}

/* An expect.checks entry covers this counter of this stream. */
static bool xc_overridden(const struct xc_jctx *x, uint32_t id,
			  enum xc_counter c)
{
	size_t i;

	for (i = 0; i < x->nexp; i++)
		if (!x->exp[i].latency && x->exp[i].counter == c &&
		    (!x->exp[i].has_stream || id == XC_ALL_STREAMS ||
		     x->exp[i].stream_id == id))
			return true;
	return false;
}

static int xc_default_eq(struct xc_jctx *x, size_t i, enum xc_counter c,
			 uint64_t want)
{
	uint32_t id = x->v->spec->streams[i]->id;

	if (xc_overridden(x, id, c))
		return 0;
	return xc_check_counter(x, id, c, XC_OP_EQ, want,
				xc_stream_value(x->v, i, c), false);
}

/* delivered == expected, less what missing and corrupt checks allow */
static uint64_t xc_want_delivered(const struct xc_jctx *x, uint32_t id,
				  const Xceiver__V1__RxStreamReport *r)
{
	uint64_t want = r->expected;

	if (xc_overridden(x, id, XC_CTR_MISSING))
		want -= XC_MIN(want, r->missing);
	if (xc_overridden(x, id, XC_CTR_CORRUPT))
		want -= XC_MIN(want, r->corrupt);
	return want;
}

static int xc_judge_stream(struct xc_jctx *x, size_t i)
{
	static const enum xc_counter zero[] = {
		XC_CTR_MISSING, XC_CTR_CORRUPT, XC_CTR_DUPLICATES,
		XC_CTR_REORDERED, XC_CTR_UNEXPECTED, XC_CTR_DESC_ERRORS,
	};
	const Xceiver__V1__Stream *st = x->v->spec->streams[i];
	const Xceiver__V1__RxStreamReport *r = x->v->rx[i];
	struct xc_check unreported = {
		.kind = XC_CHECK_REPORTED, .stream_id = st->id,
		.op = XC_OP_EQ, .want = 1, .got = 0, .result = XC_RESULT_FAIL,
	};
	size_t k;
	int ret;

	/* sent counts the valid descriptors; the invalid ones go apart */
	ret = xc_default_eq(x, i, XC_CTR_SENT, st->count -
			    (r ? XC_MIN(r->invalid_sent, st->count) : 0));
	if (ret)
		return ret;
	/* no report for the stream: nothing it says can hold */
	if (!r)
		return xc_check_add(x, &unreported);
	ret = xc_default_eq(x, i, XC_CTR_DELIVERED,
			    xc_want_delivered(x, st->id, r));
	for (k = 0; k < XC_ARRAY_SIZE(zero) && !ret; k++)
		ret = xc_default_eq(x, i, zero[k], 0);
	return ret;
}

/* The stream of the spec with this id; -1 when none. */
static ssize_t xc_stream_index(const Xceiver__V1__TestSpec *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < s->n_streams; i++)
		if (s->streams[i]->id == id)
			return i;
	return -1;
}

static int xc_judge_latency(struct xc_jctx *x, const struct xc_expect *e)
{
	struct xc_check c;
	int ret = xc_lat_check(x->v, e, &c);

	if (!ret)
		ret = xc_check_add(x, &c);
	if (ret)
		free(c.why);
	return ret;
}

static int xc_judge_expect(struct xc_jctx *x)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < x->nexp && !ret; i++) {
		const struct xc_expect *e = &x->exp[i];
		ssize_t s = -1;
		uint64_t got;

		if (e->latency) {
			ret = xc_judge_latency(x, e);
			continue;
		}
		if (e->has_stream)
			s = xc_stream_index(x->v->spec, e->stream_id);
		if (e->has_stream)
			got = s >= 0 ? xc_stream_value(x->v, s, e->counter) :
			      0;
		else
			got = xc_total_value(x->v, e->counter);
		ret = xc_check_counter(x, e->has_stream ? e->stream_id :
				       XC_ALL_STREAMS, e->counter, e->op,
				       e->value, got, true);
	}
	return ret;
}

/* Totals that must stay at zero unless a check says otherwise. */
static const enum xc_counter xc_zero_totals[] = {
	XC_CTR_FOREIGN, XC_CTR_XDP_NO_SOCKET, XC_CTR_XDP_ACTION_FAILURES,
};

static int xc_judge_totals(struct xc_jctx *x)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < XC_ARRAY_SIZE(xc_zero_totals) && !ret; i++)
		if (!xc_overridden(x, XC_ALL_STREAMS, xc_zero_totals[i]))
			ret = xc_check_counter(x, XC_ALL_STREAMS,
					       xc_zero_totals[i], XC_OP_EQ, 0,
					       xc_total_value(x->v,
							xc_zero_totals[i]),
					       false);
	if (!ret && !xc_overridden(x, XC_ALL_STREAMS, XC_CTR_TX_INVALID_DESCS))
		ret = xc_check_counter(x, XC_ALL_STREAMS,
				       XC_CTR_TX_INVALID_DESCS, XC_OP_EQ,
				       xc_invalid_sent(x->v),
				       xc_total_value(x->v,
						      XC_CTR_TX_INVALID_DESCS),
				       false);
	return ret;
}

/* ------------------------------------------------------------ loss */

/* Frames the senders did not send of what the spec has them send. */
static uint64_t xc_tx_unsent(const struct xc_view *v)
{
	uint64_t sum = 0, want;
	size_t i;

	for (i = 0; i < v->spec->n_streams; i++) {
		const Xceiver__V1__Stream *st = v->spec->streams[i];

		want = st->count - (v->rx[i] ? XC_MIN(v->rx[i]->invalid_sent,
						      st->count) : 0);
		if (v->tx[i] && v->tx[i]->sent < want)
			sum += want - v->tx[i]->sent;
	}
	return sum;
}

/* The tester's share as the forensics attributed it, episode by episode. */
static void xc_judge_loss_fx(const struct xc_forensics *fx,
			     struct xc_loss *l)
{
	int w;

	l->from_timeline = true;
	l->tester = 0;
	for (w = 0; w < XC_FX_NWHERE; w++)
		if (xc_fx_where_tester(w))
			l->tester += fx->by[w];
	l->tester = XC_MIN(l->tester, l->missing);
	l->not_attributed = fx->by[XC_FX_UNATTRIBUTED];
}

/* What the agents' XDP programs passed to the kernel as not ours. */
static uint64_t xc_not_ours(const struct xc_view *v)
{
	const Xceiver__V1__Report *r;
	uint64_t n = 0;
	int side;

	for (side = XC_TX; side <= XC_RX; side++) {
		r = xc_view_report(v, side);
		if (r)
			n += r->xdp_not_ours;
	}
	return n;
}

static void xc_judge_loss(const struct xc_view *v, struct xc_loss *l)
{
	static const enum xc_counter read[] = {
		XC_CTR_RX_DROPPED, XC_CTR_RX_RING_FULL, XC_CTR_XDP_NO_SOCKET,
	};
	uint64_t left, own;
	size_t i;

	memset(l, 0, sizeof(*l));
	l->missing = xc_total_value(v, XC_CTR_MISSING);
	l->late = xc_total_value(v, XC_CTR_LATE);
	l->tx_unsent = xc_tx_unsent(v);
	l->rx_socket = xc_total_value(v, XC_CTR_RX_DROPPED) +
		       xc_total_value(v, XC_CTR_RX_RING_FULL);
	l->xdp_no_socket = xc_total_value(v, XC_CTR_XDP_NO_SOCKET);
	l->xdp_not_ours = xc_not_ours(v);
	for (i = 0; i < XC_ARRAY_SIZE(read); i++)
		l->unknown |= !xc_total_known(v, read[i]);
	left = l->missing - XC_MIN(l->late, l->missing);
	own = l->tx_unsent + l->rx_socket + l->xdp_no_socket;
	l->tester = l->unknown ? 0 : XC_MIN(left, own);
	l->not_attributed = left - l->tester;
	if (v->fx && v->fx->have)
		xc_judge_loss_fx(v->fx, l);
}

/* Counters whose failed checks say frames were lost, and nothing else. */
static bool xc_counter_is_loss(enum xc_counter c)
{
	switch (c) {
	case XC_CTR_SENT:
	case XC_CTR_DELIVERED:
	case XC_CTR_MISSING:
	case XC_CTR_XDP_NO_SOCKET:
	case XC_CTR_RX_DROPPED:
	case XC_CTR_RX_RING_FULL:
	case XC_CTR_RX_FILL_RING_EMPTY_DESCS:
		return true;
	default:
		return false;
	}
}

bool xc_check_is_loss(const struct xc_check *c)
{
	return c->kind == XC_CHECK_COUNTER && !c->unknown &&
	       xc_counter_is_loss(c->counter);
}

/*
 * TESTER when every failed check is a loss check and the tester itself
 * lost every missing frame; FAIL on any other failure.
 */
static enum xc_verdict_word xc_judge_word(const struct xc_judgement *j)
{
	const struct xc_loss *l = &j->loss;
	size_t i;

	if (!j->failed)
		return XC_VERDICT_PASS;
	for (i = 0; i < j->n; i++) {
		const struct xc_check *c = &j->checks[i];

		if (c->result == XC_RESULT_FAIL && !xc_check_is_loss(c))
			return XC_VERDICT_FAIL;
	}
	if (l->unknown || !l->missing || l->tester != l->missing)
		return XC_VERDICT_FAIL;
	return XC_VERDICT_TESTER;
}

const char *xc_verdict_word_str(enum xc_verdict_word w)
{
	switch (w) {
	case XC_VERDICT_PASS:
		return "pass";
	case XC_VERDICT_FAIL:
		return "fail";
	case XC_VERDICT_TESTER:
		return "tester_loss";
	}
	return "?";
}

int xc_verdict_exit(enum xc_verdict_word w)
{
	switch (w) {
	case XC_VERDICT_PASS:
		return XC_EXIT_PASS;
	case XC_VERDICT_TESTER:
		return XC_EXIT_TESTER;
	default:
		return XC_EXIT_FAIL;
	}
}

/* Every check suits the run: round trip only when it reflects. */
static int xc_judge_fits(const struct xc_jctx *x, char *err, size_t errlen)
{
	char why[512];
	size_t i;

	for (i = 0; i < x->nexp; i++)
		if (xc_expect_fits_run(&x->exp[i], x->v->spec->reflect, why,
				       sizeof(why)))
			return xc_errf(err, errlen, EINVAL,
				       "expect.checks[%zu]: %s", i, why);
	return 0;
}

int xc_judge(const struct xc_view *v, struct xc_judgement *j, char *err,
	     size_t errlen)
{
	const Xceiver__V1__Expect *ex = v->spec->expect;
	struct xc_jctx x = { .v = v, .j = j };
	size_t i;
	int ret;

	memset(j, 0, sizeof(*j));
	ret = xc_expect_parse_list(ex ? ex->checks : NULL,
				   ex ? ex->n_checks : 0, &x.exp, err, errlen);
	if (ret)
		return ret;
	x.nexp = ex ? ex->n_checks : 0;
	ret = xc_judge_fits(&x, err, errlen);
	for (i = 0; i < v->spec->n_streams && !ret; i++)
		ret = xc_judge_stream(&x, i);
	if (!ret)
		ret = xc_judge_totals(&x);
	if (!ret)
		ret = xc_judge_expect(&x);
	free(x.exp);
	xc_judge_loss(v, &j->loss);
	j->word = xc_judge_word(j);
	if (ret == -ENOMEM)
		xc_errf(err, errlen, ENOMEM, "out of memory judging %zu checks",
			j->n);
	return ret;
}

void xc_judgement_free(struct xc_judgement *j)
{
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->n; i++)
		free(j->checks[i].why);
	free(j->checks);
	memset(j, 0, sizeof(*j));
}

/* ------------------------------------------------------------ names */

int xc_check_name(const struct xc_check *c, char *buf, size_t len)
{
	const char *name = c->kind == XC_CHECK_LATENCY ?
			   xc_lat_metric_name(c->metric, c->rtt) :
			   xc_counter_name(c->counter);

	if (c->kind == XC_CHECK_REPORTED)
		return snprintf(buf, len, "stream %" PRIu32
				" reported by its receiver", c->stream_id);
	if (c->stream_id == XC_ALL_STREAMS)
		return snprintf(buf, len, "%s", name);
	return snprintf(buf, len, "stream %" PRIu32 " %s", c->stream_id,
			name);
}

int xc_check_text(const struct xc_check *c, char *buf, size_t len)
{
	char us[32];
	int n = xc_check_name(c, buf, len);

	if (n < 0 || (size_t)n >= len)
		return n;
	if (c->kind == XC_CHECK_REPORTED)
		return n;
	if (c->op == XC_OP_NOT_JUDGED)
		return n + snprintf(buf + n, len - n, " not judged");
	if (c->kind == XC_CHECK_LATENCY)
		return n + snprintf(buf + n, len - n, " %s %s",
				    xc_expect_op_str(c->op),
				    xc_us_str(c->want_ns, us, sizeof(us)));
	return n + snprintf(buf + n, len - n, " %s %" PRIu64,
			    xc_expect_op_str(c->op), c->want);
}

const char *xc_check_result_str(enum xc_check_result r)
{
	switch (r) {
	case XC_RESULT_PASS:
		return "pass";
	case XC_RESULT_FAIL:
		return "fail";
	case XC_RESULT_NOT_JUDGED:
		return "not judged";
	}
	return "?";
}
