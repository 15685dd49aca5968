// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tx worker: one thread per socket. It builds each frame into a free UMEM
 * chunk right before it goes on the Tx ring, interleaves the socket's
 * streams round-robin, paces each stream that has a rate, and reaps the
 * completion ring back into the free stack.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xc_dp_priv.h"
#include "xc_log.h"
#include "xc_util.h"

int xc_tx_init(struct xc_sock *s, char *err, size_t errlen)
{
	const struct xc_xsk_cfg *c = &s->dp->cfg;
	uint32_t i;

	s->tx_chunks = s->dp->has_rx ? c->num_chunks / 2 : c->num_chunks;
	s->free_stack = calloc(s->tx_chunks, sizeof(*s->free_stack));
	s->picks = calloc(c->batch, sizeof(*s->picks));
	if (!s->free_stack || !s->picks)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	for (i = 0; i < s->tx_chunks; i++)
		s->free_stack[i] = (uint64_t)(s->tx_chunks - 1 - i) *
				   c->chunk_size;
	s->nfree = s->tx_chunks;
	return 0;
}

void xc_tx_free(struct xc_sock *s)
{
	free(s->free_stack);
	s->free_stack = NULL;
	free(s->picks);
	s->picks = NULL;
	free(s->txs);
	s->txs = NULL;
	s->ntxs = 0;
}

static uint32_t xc_tx_us(void)
{
	return (uint32_t)(xc_now_ns(CLOCK_REALTIME) / 1000);
}

/*
 * Pacing: a token bucket per stream on CLOCK_MONOTONIC, holding at most
 * one batch. Returns the nanoseconds until the next token of any paced
 * stream with frames left (0 when one is ready or nothing is paced).
 */
static uint64_t xc_tx_pace(struct xc_sock *s, uint64_t now)
{
	double burst = s->dp->cfg.batch;
	uint64_t wait = UINT64_MAX, w;
	struct xc_txs *t;
	bool ready = false;
	uint32_t i;

	for (i = 0; i < s->ntxs; i++) {
		t = &s->txs[i];
		if (t->next_seq >= t->count)
			continue;
		if (!t->rate_pps) {
			ready = true;
			continue;
		}
		t->tokens += (double)(now - t->last_ns) * t->rate_pps / 1e9;
		if (t->tokens > burst)
			t->tokens = burst;
		t->last_ns = now;
		if (t->tokens >= 1.0) {
			ready = true;
			continue;
		}
		w = (uint64_t)((1.0 - t->tokens) * 1e9 / t->rate_pps) + 1;
		wait = XC_MIN(wait, w);
	}
	return ready || wait == UINT64_MAX ? 0 : wait;
}

/*
 * Next stream allowed to send one frame, round-robin; takes its next seq.
 * NULL when none may send now.
 */
static struct xc_txs *xc_tx_pick(struct xc_sock *s, uint64_t *seq)
{
	struct xc_txs *t;
	uint32_t k, i;

	for (k = 0; k < s->ntxs; k++) {
		i = (s->rr + k) % s->ntxs;
		t = &s->txs[i];
		if (t->next_seq >= t->count)
			continue;
		if (t->rate_pps) {
			if (t->tokens < 1.0)
				continue;
			t->tokens -= 1.0;
		}
		s->rr = (i + 1) % s->ntxs;
		*seq = t->next_seq++;
		return t;
	}
	return NULL;
}

static bool xc_tx_all_queued(const struct xc_sock *s)
{
	uint32_t i;

	for (i = 0; i < s->ntxs; i++)
		if (s->txs[i].next_seq < s->txs[i].count)
			return false;
	return true;
}

static void xc_tx_complete(struct xc_sock *s)
{
	uint32_t n, i, idx;

	if (!s->outstanding)
		return;
	n = xsk_ring_cons__peek(&s->comp, s->tx_chunks, &idx);
	for (i = 0; i < n; i++)
		s->free_stack[s->nfree++] =
			*xsk_ring_cons__comp_addr(&s->comp, idx + i);
	xsk_ring_cons__release(&s->comp, n);
	s->outstanding -= n;
}

static void xc_tx_kick(struct xc_sock *s)
{
	if (!s->outstanding)
		return;
	if (!s->dp->cfg.need_wakeup || xsk_ring_prod__needs_wakeup(&s->tx))
		xc_xsk_kick_tx(s);
}

/* Queue up to one batch; returns the number of frames queued. */
static uint32_t xc_tx_batch(struct xc_sock *s)
{
	uint32_t n, i, idx, len, tx_us;
	struct xdp_desc *d;
	struct xc_txs *t;
	uint64_t addr;

	n = XC_MIN(s->dp->cfg.batch, s->nfree);
	n = XC_MIN(n, xsk_prod_nb_free(&s->tx, n));
	for (i = 0; i < n; i++) {
		s->picks[i].t = xc_tx_pick(s, &s->picks[i].seq);
		if (!s->picks[i].t)
			break;
	}
	n = i;
	if (!n || xsk_ring_prod__reserve(&s->tx, n, &idx) != n)
		return 0;
	tx_us = xc_tx_us();
	for (i = 0; i < n; i++) {
		t = s->picks[i].t;
		addr = s->free_stack[--s->nfree];
		len = xc_frame_build(&t->tmpl, s->picks[i].seq, tx_us,
				     xsk_umem__get_data(s->area, addr));
		d = xsk_ring_prod__tx_desc(&s->tx, idx + i);
		d->addr = addr;
		d->len = len;
		d->options = 0;
		XC_ADD(&t->sent, 1);
		XC_ADD(&t->bytes, len);
	}
	xsk_ring_prod__submit(&s->tx, n);
	s->outstanding += n;
	XC_ADD(&s->tx_frames, n);
	return n;
}

static void xc_tx_sleep(uint64_t ns)
{
	struct timespec ts = { 0, (long)XC_MIN(ns, 1000000ull) };

	nanosleep(&ts, NULL);
}

/* Nothing could be queued: wait for tokens or for ring/chunk room. */
static void xc_tx_idle(struct xc_sock *s, uint64_t pace_wait)
{
	struct pollfd pfd = { xsk_socket__fd(s->xsk), POLLOUT, 0 };

	if (pace_wait && s->nfree) {
		xc_tx_sleep(pace_wait);
		return;
	}
	if (s->dp->cfg.use_poll)
		poll(&pfd, 1, XC_POLL_MS);
}

/* Wait (bounded) until every queued frame has completed. */
static void xc_tx_drain(struct xc_sock *s)
{
	uint64_t end = xc_mono_ns() + XC_TX_DRAIN_NS;

	while (s->outstanding && xc_mono_ns() < end &&
	       !xc_dp_stopping(s->dp)) {
		xc_tx_kick(s);
		xc_tx_complete(s);
		if (s->outstanding)
			xc_tx_sleep(20000);
	}
	if (s->outstanding)
		pr_warn("%s queue %u: %llu Tx frames not completed after %llu ms\n",
			s->dp->ifname, s->queue,
			(unsigned long long)s->outstanding,
			(unsigned long long)(XC_TX_DRAIN_NS / 1000000));
}

static void xc_tx_finish(struct xc_sock *s)
{
	struct xc_dp *dp = s->dp;
	uint64_t el;

	s->tx_end_ns = xc_mono_ns();
	el = s->tx_end_ns - dp->start_ns;
	if (el > XC_LOAD(&dp->tx_elapsed_ns))
		XC_STORE(&dp->tx_elapsed_ns, el);
	XC_STORE(&s->tx_done, true);
	if (__atomic_sub_fetch(&dp->tx_left, 1, __ATOMIC_ACQ_REL) == 0) {
		XC_STORE(&dp->tx_done, true);
		if (dp->notify)
			dp->notify(dp->arg);
	}
}

void *xc_tx_worker(void *arg)
{
	struct xc_sock *s = arg;
	uint64_t now = xc_mono_ns(), wait;
	uint32_t i;

	for (i = 0; i < s->ntxs; i++) {
		s->txs[i].last_ns = now;
		s->txs[i].tokens = 1.0;
	}
	while (!xc_dp_stopping(s->dp) && !xc_tx_all_queued(s)) {
		xc_tx_complete(s);
		wait = xc_tx_pace(s, xc_mono_ns());
		if (!wait && xc_tx_batch(s)) {
			xc_tx_kick(s);
			continue;
		}
		xc_tx_kick(s);
		xc_tx_idle(s, wait);
	}
	xc_tx_drain(s);
	xc_tx_finish(s);
	return NULL;
}
