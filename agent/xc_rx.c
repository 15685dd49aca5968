// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Rx worker: one thread per queue, reading every socket of the queue.
 * Each descriptor is checked the way the kernel selftest checks them
 * (inside the UMEM, no chunk crossing with aligned chunks, data at
 * XDP_PACKET_HEADROOM + headroom in its chunk); multi-buffer chains
 * (XDP_PKT_CONTD) are reassembled; then the frame and its metadata go
 * through the run's validator and the chunks go back to the fill ring.
 * The Rx pressure of the run (starved fill ring, Rx ring never released,
 * reading stopped) is applied here.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xc_clock.h"
#include "xc_compat.h"
#include "xc_dp_priv.h"
#include "xc_log.h"
#include "xc_sched.h"
#include "xc_util.h"

#define XC_PRESSURE(dp, p) \
	((dp)->rxc.pressure == XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_##p)
#define XC_ANOMALY_DESC	XCEIVER__V1__ANOMALY_KIND__ANOMALY_DESC

/* Post the queue's Rx chunks (after its Tx chunks) to the fill ring. */
int xc_rx_fill(struct xc_sock *s, char *err, size_t errlen)
{
	const struct xc_xsk_cfg *c = &s->dp->cfg;
	uint32_t n, i, idx;

	s->rx_chunks = c->num_chunks - s->tx_chunks;
	n = XC_MIN(s->rx_chunks, c->fill_size);
	if (XC_PRESSURE(s->dp, STARVE_FILL))
		n = XC_MIN(n, s->dp->rxc.fill_posted);
	s->rx_addrs = calloc(c->batch, sizeof(*s->rx_addrs));
	if (!s->rx_addrs)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	for (i = 0; c->multi_buffer && i < s->nxs; i++) {
		s->xs[i].rx_buf = malloc(XC_RX_BUF);
		if (!s->xs[i].rx_buf)
			return xc_errf(err, errlen, ENOMEM, "out of memory");
	}
	if (!n)
		return 0;
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

void xc_rx_free(struct xc_sock *s)
{
	uint32_t i;

	free(s->rx_addrs);
	s->rx_addrs = NULL;
	for (i = 0; s->xs && i < s->nxs; i++) {
		free(s->xs[i].rx_buf);
		s->xs[i].rx_buf = NULL;
	}
}

static void xc_rx_wakeup(struct xc_sock *s, struct xc_xs *x)
{
	if (recvfrom(xsk_socket__fd(x->xsk), NULL, 0, MSG_DONTWAIT, NULL,
		     NULL) >= 0)
		return;
	if (errno != EAGAIN && errno != EINTR && errno != EBUSY &&
	    errno != ENOBUFS && errno != ENETDOWN)
		pr_warn("queue %u: Rx wakeup failed: %s\n", s->queue,
			strerror(errno));
}

static void xc_rx_sleep(void)
{
	struct timespec ts = { 0, XC_POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Waiting in the worker. After a batch that found only a few frames the
 * sender is not ahead of the worker: peeking again at once would pull the
 * Rx ring's producer line and the next descriptors over to this core for
 * nearly every frame, and the kernel, writing them on the sending core,
 * would wait for them back in every xsk_rcv (seen with perf on veth: a
 * fifth of the sending core in the barrier of sock_def_readable; waiting
 * XC_RX_LINGER_NS raised the rate by a quarter). The Rx ring holds far
 * more than arrives in that time at any rate.
 *
 * An empty ring: the worker keeps looking for XC_RX_SPIN_NS after the
 * last frame, then naps XC_RX_NAP_NS at a time, giving the core to a
 * sender or softirq work that shares it. A normal thread does not nap
 * sooner: a sleeping vCPU may run again much later than asked (seen:
 * stalls of a millisecond, a fill ring of frames dropped), and at full
 * speed a gap of a few microseconds is no pause of the stream. Every
 * wait (nap, poll(), the pressure's sleep) is taken at SCHED_FIFO where
 * the host allows it (xc_sched.c): the wake-up then runs the worker at
 * once however busy the core, so a worker on SCHED_FIFO naps without
 * looking first, which would keep the core from a sender sharing it.
 *
 * Waits read the clock, with no pause instruction: a long run of those
 * makes a KVM guest's vCPU exit.
 */
#define XC_RX_LINGER_NS	4000
#define XC_RX_FEW(b)	((b) / 4)
#define XC_RX_LOOK_NS	1000
#define XC_RX_SPIN_NS	1000000
#define XC_RX_NAP_NS	20000

static void xc_rx_nap(void)
{
	struct timespec ts = { 0, XC_RX_NAP_NS };

	nanosleep(&ts, NULL);
}

/* Nothing in the Rx rings for idle_ns: wait as the options say. */
static void xc_rx_idle(struct xc_sock *s, struct xc_rx_sched *rs,
		       uint64_t idle_ns)
{
	const struct xc_xsk_cfg *c = &s->dp->cfg;
	struct pollfd pfd[XC_MAX_SPQ];
	uint32_t i;

	if (c->use_poll) {
		for (i = 0; i < s->nxs; i++) {
			pfd[i].fd = xsk_socket__fd(s->xs[i].xsk);
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		xc_sched_rx_wait(rs, s->queue);
		poll(pfd, s->nxs, XC_POLL_MS);
		return;
	}
	for (i = 0; i < s->nxs; i++)
		if (c->busy_poll || (c->need_wakeup &&
				     xsk_ring_prod__needs_wakeup(&s->fill)))
			xc_rx_wakeup(s, &s->xs[i]);
	if (c->busy_poll)
		sched_yield();
	else if (idle_ns < XC_RX_SPIN_NS && !rs->fifo)
		xc_spin_ns(XC_RX_LOOK_NS);
	else {
		xc_sched_rx_wait(rs, s->queue);
		xc_rx_nap();
	}
}

/*
 * Check one descriptor as the kernel selftest does. Returns 0, or -1 with
 * the descriptor outside the UMEM (*data NULL), or 1 when it is at a wrong
 * place inside it. *data: the frame bytes, *chunk: the chunk to recycle.
 */
static int xc_rx_desc(const struct xc_sock *s, const struct xdp_desc *d,
		      uint8_t **data, uint64_t *chunk)
{
	const struct xc_xsk_cfg *c = &s->dp->cfg;
	uint64_t want = XC_XDP_PACKET_HEADROOM + c->headroom, base, off;

	if (c->unaligned) {
		base = xsk_umem__extract_addr(d->addr);
		off = xsk_umem__extract_offset(d->addr);
	} else {
		base = d->addr - d->addr % c->chunk_size;
		off = d->addr % c->chunk_size;
	}
	*chunk = base;
	*data = NULL;
	if (base + off + d->len > s->umem_len || base + off < base)
		return -1;
	*data = xsk_umem__get_data(s->area, base + off);
	if (off != want)
		return 1;
	if (!c->unaligned && off + d->len > c->chunk_size)
		return 1;
	return 0;
}

/*
 * Counters of one batch, published once per batch: the per-queue totals
 * are atomics read by other threads, and the clock is read once. rx_ns:
 * CLOCK_TAI when the batch was taken off the Rx ring, every frame's
 * receive time for its latency.
 */
struct xc_rx_acc {
	uint64_t frames;
	uint64_t bytes;
	uint64_t valid;
	uint64_t rx_ns;
};

static void xc_rx_publish(struct xc_sock *s, const struct xc_rx_acc *a)
{
	uint64_t now;

	if (!a->frames)
		return;
	XC_BUMP(&s->rx_frames, a->frames);
	XC_BUMP(&s->rx_bytes, a->bytes);
	if (!a->valid)
		return;
	XC_BUMP(&s->rx_valid, a->valid);
	now = xc_mono_ns();
	if (!XC_LOAD(&s->rx_first_ns))
		XC_STORE(&s->rx_first_ns, now);
	XC_STORE(&s->rx_last_ns, now);
}

/*
 * One whole frame (or a descriptor error) to the validator. The lock is
 * only needed when several Rx workers share the validator.
 */
static void xc_rx_frame(struct xc_sock *s, struct xc_rx_acc *a,
			const uint8_t *frame, uint32_t len,
			const uint8_t *meta, uint64_t addr, bool desc_bad)
{
	struct xc_dp *dp = s->dp;
	uint32_t mlen = meta ? XC_META_LEN : 0;
	bool shared = dp->nsocks > 1, ok = false;

	if (shared)
		pthread_mutex_lock(&dp->rxv_lock);
	if (desc_bad)
		xc_rxv_anomaly(&dp->rxv, XC_ANOMALY_DESC, frame,
			       frame ? len : 0, addr, s->queue);
	else
		ok = xc_rxv_frame_meta(&dp->rxv, frame, len, meta, mlen, addr,
				       s->queue, a->rx_ns);
	if (shared)
		pthread_mutex_unlock(&dp->rxv_lock);
	a->frames++;
	a->bytes += len;
	a->valid += ok;
}

/* Add one fragment to x's chain; true when the chain is complete. */
static bool xc_rx_frag(struct xc_xs *x, const struct xdp_desc *d,
		       const uint8_t *data, int bad, const uint8_t *meta)
{
	if (!x->rx_nfrags) {
		x->rx_addr0 = d->addr;
		x->rx_meta = meta;
		x->rx_bad = false;
		x->rx_len = 0;
	}
	x->rx_nfrags++;
	if (bad || x->rx_len + d->len > XC_RX_BUF ||
	    x->rx_nfrags > XC_KERNEL_MAX_FRAGS)
		x->rx_bad = true;
	else
		memcpy(x->rx_buf + x->rx_len, data, d->len);
	if (!x->rx_bad)
		x->rx_len += d->len;
	return !(d->options & XDP_PKT_CONTD);
}

static const uint8_t *xc_rx_meta(const struct xc_sock *s,
				 const uint8_t *data)
{
	if (!data ||
	    s->dp->rxc.action != XCEIVER__V1__XDP_ACTION__XDP_ACTION_METADATA)
		return NULL;
	return data - XC_META_LEN;
}

static void xc_rx_one(struct xc_sock *s, struct xc_xs *x,
		      struct xc_rx_acc *a, const struct xdp_desc *d,
		      uint64_t *chunk)
{
	uint8_t *data;
	int bad;

	bad = xc_rx_desc(s, d, &data, chunk);
	if (!(d->options & XDP_PKT_CONTD) && !x->rx_nfrags) {
		xc_rx_frame(s, a, data, d->len, xc_rx_meta(s, data), d->addr,
			    bad != 0);
		return;
	}
	if (!x->rx_buf) {
		/* a chain without multi-buffer: wrong descriptor options */
		xc_rx_frame(s, a, data, d->len, NULL, d->addr, true);
		return;
	}
	if (!xc_rx_frag(x, d, data, bad, x->rx_nfrags ? NULL :
			xc_rx_meta(s, data)))
		return;
	xc_rx_frame(s, a, x->rx_bad ? NULL : x->rx_buf, x->rx_len,
		    x->rx_meta, x->rx_addr0, x->rx_bad);
	x->rx_nfrags = 0;
}

/* Give n chunks back to the fill ring (waits for room unless stopping). */
static void xc_rx_refill(struct xc_sock *s, uint32_t n)
{
	uint32_t idx, i;

	if (!n || XC_PRESSURE(s->dp, STARVE_FILL))
		return;
	while (xsk_ring_prod__reserve(&s->fill, n, &idx) != n) {
		if (xc_dp_stopping(s->dp))
			return;
		sched_yield();
	}
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = s->rx_addrs[i];
	xsk_ring_prod__submit(&s->fill, n);
}

/* Frames the worker may still take (STOP_READING). */
static uint32_t xc_rx_budget(struct xc_sock *s)
{
	struct xc_dp *dp = s->dp;
	uint64_t got;

	if (!XC_PRESSURE(dp, STOP_READING))
		return dp->cfg.batch;
	got = XC_LOAD(&s->rx_frames);
	return got >= dp->rxc.stop_after ? 0 :
	       (uint32_t)XC_MIN(dp->cfg.batch, dp->rxc.stop_after - got);
}

/* One batch from socket x; returns the number of descriptors taken. */
static uint32_t xc_rx_batch(struct xc_sock *s, struct xc_xs *x)
{
	uint32_t n, idx, i, m = 0, budget = xc_rx_budget(s);
	struct xc_rx_acc a = { 0 };
	uint64_t chunk;

	if (!budget)
		return 0;
	n = xsk_ring_cons__peek(&x->rx, budget, &idx);
	if (!n)
		return 0;
	a.rx_ns = s->dp->rxc.latency_off ? XC_RXV_UNTIMED : xc_clock_tai_ns();
	for (i = 0; i < n; i++) {
		xc_rx_one(s, x, &a, xsk_ring_cons__rx_desc(&x->rx, idx + i),
			  &chunk);
		if (chunk < s->umem_len)
			s->rx_addrs[m++] = chunk;
	}
	xc_rx_publish(s, &a);
	XC_BUMP(&x->rx_descs, n);
	if (XC_PRESSURE(s->dp, HOLD_RX))
		return n;	/* never released, never refilled */
	xc_rx_refill(s, m);
	xsk_ring_cons__release(&x->rx, n);
	if (s->dp->cfg.need_wakeup && xsk_ring_prod__needs_wakeup(&s->fill))
		xc_rx_wakeup(s, x);
	return n;
}

void *xc_rx_worker(void *arg)
{
	struct xc_sock *s = arg;
	uint64_t idle_since = 0, now;
	struct xc_rx_sched rs;
	uint32_t i, got;

	XC_STORE(&s->rx_tid, gettid());
	xc_worker_pin(s->dp, (uint32_t)(s - s->dp->socks));
	prctl(PR_SET_NAME, "xc-rx", 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	xc_sched_rx_init(&rs, &s->dp->cfg, s->queue);
	while (!xc_dp_stopping(s->dp)) {
		got = 0;
		for (i = 0; i < s->nxs; i++)
			got += xc_rx_batch(s, &s->xs[i]);
		now = xc_mono_ns();
		xc_sched_rx_awake(&rs, now, s->queue);
		if (got) {
			idle_since = 0;
			if (got < XC_RX_FEW(s->dp->cfg.batch) &&
			    !s->dp->cfg.busy_poll)
				xc_spin_ns(XC_RX_LINGER_NS);
			continue;
		}
		if (XC_PRESSURE(s->dp, HOLD_RX) ||
		    (XC_PRESSURE(s->dp, STOP_READING) && !xc_rx_budget(s))) {
			xc_sched_rx_wait(&rs, s->queue);
			xc_rx_sleep();
			continue;
		}
		if (!idle_since)
			idle_since = now;
		xc_rx_idle(s, &rs, now - idle_since);
	}
	s->rx_cpu_ns = xc_thread_cpu_ns();
	s->rx_rt_waits = rs.on;
	return NULL;
}
