// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Rx worker: one thread per socket. Every frame taken from the Rx ring goes
 * through the run's validator, and its chunk goes straight back to the fill
 * ring in the same batch.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>

#include "xc_dp_priv.h"
#include "xc_log.h"
#include "xc_util.h"

/* Post the socket's Rx chunks (after its Tx chunks) to the fill ring. */
int xc_rx_fill(struct xc_sock *s, char *err, size_t errlen)
{
	const struct xc_xsk_cfg *c = &s->dp->cfg;
	uint32_t n, i, idx;

	s->rx_chunks = c->num_chunks - s->tx_chunks;
	n = XC_MIN(s->rx_chunks, c->fill_size);
	if (xsk_ring_prod__reserve(&s->fill, n, &idx) != n)
		return xc_errf(err, errlen, ENOSPC,
			       "queue %u: cannot post %u chunks to the fill ring",
			       s->queue, n);
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) =
			(uint64_t)(s->tx_chunks + i) * c->chunk_size;
	xsk_ring_prod__submit(&s->fill, n);
	return 0;
}

static void xc_rx_wakeup(struct xc_sock *s)
{
	if (recvfrom(xsk_socket__fd(s->xsk), NULL, 0, MSG_DONTWAIT, NULL,
		     NULL) >= 0)
		return;
	if (errno != EAGAIN && errno != EINTR && errno != EBUSY &&
	    errno != ENOBUFS && errno != ENETDOWN)
		pr_warn("queue %u: Rx wakeup failed: %s\n", s->queue,
			strerror(errno));
}

static void xc_rx_idle(struct xc_sock *s)
{
	struct pollfd pfd = { xsk_socket__fd(s->xsk), POLLIN, 0 };
	const struct xc_xsk_cfg *c = &s->dp->cfg;

	if (c->use_poll) {
		poll(&pfd, 1, XC_POLL_MS);
		return;
	}
	if (c->need_wakeup && xsk_ring_prod__needs_wakeup(&s->fill))
		xc_rx_wakeup(s);
	sched_yield();
}

/* Chunk start of an Rx descriptor's address (aligned chunks). */
static uint64_t xc_rx_chunk(const struct xc_sock *s, uint64_t addr)
{
	addr = xsk_umem__extract_addr(addr);
	return addr - addr % s->dp->cfg.chunk_size;
}

static uint32_t xc_rx_validate(struct xc_sock *s, uint32_t idx,
			       uint32_t fidx, uint32_t n)
{
	struct xc_dp *dp = s->dp;
	const struct xdp_desc *d;
	uint32_t i, valid = 0;
	uint8_t *data;
	uint64_t addr;

	pthread_mutex_lock(&dp->rxv_lock);
	for (i = 0; i < n; i++) {
		d = xsk_ring_cons__rx_desc(&s->rx, idx + i);
		addr = xsk_umem__add_offset_to_addr(d->addr);
		data = xsk_umem__get_data(s->area, addr);
		valid += xc_rxv_frame(&dp->rxv, data, d->len);
		*xsk_ring_prod__fill_addr(&s->fill, fidx + i) =
			xc_rx_chunk(s, d->addr);
	}
	pthread_mutex_unlock(&dp->rxv_lock);
	return valid;
}

static void xc_rx_times(struct xc_sock *s)
{
	uint64_t now = xc_mono_ns();

	if (!XC_LOAD(&s->rx_first_ns))
		XC_STORE(&s->rx_first_ns, now);
	XC_STORE(&s->rx_last_ns, now);
}

/* One batch; returns the number of frames taken. */
static uint32_t xc_rx_batch(struct xc_sock *s)
{
	uint32_t n, idx, fidx, valid;

	n = xsk_ring_cons__peek(&s->rx, s->dp->cfg.batch, &idx);
	if (!n)
		return 0;
	while (xsk_ring_prod__reserve(&s->fill, n, &fidx) != n) {
		if (xc_dp_stopping(s->dp)) {
			xsk_ring_cons__cancel(&s->rx, n);
			return 0;
		}
		xc_rx_wakeup(s);
	}
	valid = xc_rx_validate(s, idx, fidx, n);
	xsk_ring_prod__submit(&s->fill, n);
	xsk_ring_cons__release(&s->rx, n);
	XC_ADD(&s->rx_frames, n);
	if (valid) {
		XC_ADD(&s->rx_valid, valid);
		xc_rx_times(s);
	}
	if (s->dp->cfg.need_wakeup && xsk_ring_prod__needs_wakeup(&s->fill))
		xc_rx_wakeup(s);
	return n;
}

void *xc_rx_worker(void *arg)
{
	struct xc_sock *s = arg;

	while (!xc_dp_stopping(s->dp))
		if (!xc_rx_batch(s))
			xc_rx_idle(s);
	return NULL;
}
