// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tx worker: one thread per queue, serving the queue's sockets batch by
 * batch. For every sequence number the stream's generator (xc_gen.h) gives
 * the frame length, ports and descriptor layout; the frame is built right
 * before it goes on the Tx ring (in place in the UMEM when it is one
 * descriptor of exactly the frame), interleaving the queue's streams
 * round-robin and pacing each stream that has a rate.
 *
 * Placement. A valid descriptor of DESC_BASE_CHUNK sits at a free Tx slot
 * plus the shape's offset; each further fragment of a multi-buffer frame
 * takes a slot of its own at the same offset. When a stream places frames
 * away from the slot start (unaligned chunks: odd or negative offsets,
 * frames across chunk boundaries) a slot spans two chunks and its base is
 * the second one, so a frame may reach into the chunk before or after
 * without touching another frame in flight. DESC_BASE_UMEM_START/END give
 * absolute addresses: their chunks are kept out of the free slots and one
 * frame at a time uses such a place. Invalid descriptors (sent on purpose,
 * the kernel rejects them) carry no data: they point at a scratch chunk or
 * at their absolute address and never complete. Completions are matched to
 * slots by address, so a completion for something else is ignored.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xc_clock.h"
#include "xc_compat.h"
#include "xc_dp_priv.h"
#include "xc_log.h"
#include "xc_util.h"

#define XC_SLOT_FIXED	0xfffffffeu	/* in-flight entry of a fixed place */
#define XC_SLOT_NONE	0xffffffffu

/* In-flight table: descriptor address -> slot (open addressing). */
struct xc_flight {
	uint64_t addr;
	uint32_t slot;		/* XC_SLOT_NONE: empty */
};

/*
 * What the frame last built in place at a slot was: a frame of the same
 * stream, length, ports and offset is updated there, not built again.
 */
struct xc_slot_key {
	uint16_t stream;	/* stream index + 1; 0: nothing reusable */
	uint16_t sport;
	uint16_t dport;
	uint32_t len;
	int32_t offset;
};

struct xc_tx_state {
	struct xc_flight *tab;
	uint32_t mask;
	struct xc_slot_key *keys;	/* per slot */
	uint8_t *buf;		/* one multi-buffer frame */
	struct xc_gen_pkt pkt;
	uint64_t mangled;	/* completions with the low bit lost */
	uint64_t direct_addr;	/* frame built in place (xc_tx_direct) */
	uint32_t direct_slot;
};

static uint64_t xc_slot_base(const struct xc_sock *s, uint32_t slot)
{
	return ((uint64_t)slot * s->tx_stride + s->tx_stride - 1) *
	       s->dp->cfg.chunk_size;
}

/* Whether a shape places its first or any fragment off the chunk start. */
static bool xc_shape_offsets(const Xceiver__V1__DescShape *d)
{
	size_t k;

	if (d->offset)
		return true;
	for (k = 0; k < d->n_frag_shapes; k++)
		if (d->frag_shapes[k]->offset)
			return true;
	return false;
}

/* Whether any shape of the queue's streams places frames off the slot. */
static bool xc_tx_spills(const struct xc_sock *s)
{
	const struct xc_gen *g;
	uint32_t i, j;

	for (i = 0; i < s->ntxs; i++) {
		g = &s->txs[i].gen;
		for (j = 0; j < g->ndescs; j++)
			if (xc_shape_offsets(g->descs[j]))
				return true;
		if (xc_gen_max_frame(g) - XC_FCS_LEN > s->dp->cfg.chunk_size &&
		    !s->dp->cfg.multi_buffer)
			return true;
	}
	return false;
}

/* UMEM address of a place that does not depend on the chunk Tx picks. */
static uint64_t xc_place_addr(const struct xc_sock *s, int at, int64_t offset)
{
	if (at == XCEIVER__V1__DESC_BASE__DESC_BASE_UMEM_END)
		return s->umem_len + offset;
	return (uint64_t)offset;
}

/* Keep the chunks of the absolute place (at, offset) out of the pool. */
static int xc_tx_fixed_add(struct xc_sock *s, uint8_t *used, int at,
			   int64_t offset)
{
	uint32_t cs = s->dp->cfg.chunk_size;
	struct xc_fixed *fixed;
	uint64_t a, c, end;

	if (at == XCEIVER__V1__DESC_BASE__DESC_BASE_CHUNK)
		return 0;
	a = xc_place_addr(s, at, offset);
	end = a + XC_MAX_FRAME;
	for (c = a / cs; c * cs < end && c < s->tx_chunks; c++)
		used[c] = 1;
	fixed = realloc(s->fixed, (s->nfixed + 1) * sizeof(*s->fixed));
	if (!fixed)
		return -ENOMEM;
	s->fixed = fixed;
	s->fixed[s->nfixed].addr = a;
	s->fixed[s->nfixed++].busy = false;
	return 0;
}

/* Absolute places of the queue's streams that lie in the Tx chunks. */
static int xc_tx_fixed_init(struct xc_sock *s, uint8_t *used)
{
	const Xceiver__V1__DescShape *d;
	uint32_t i, j;
	size_t k;
	int ret;

	for (i = 0; i < s->ntxs; i++) {
		for (j = 0; j < s->txs[i].gen.ndescs; j++) {
			d = s->txs[i].gen.descs[j];
			ret = xc_tx_fixed_add(s, used, d->at, d->offset);
			for (k = 0; !ret && k < d->n_frag_shapes; k++)
				ret = xc_tx_fixed_add(s, used,
						      d->frag_shapes[k]->at,
						      d->frag_shapes[k]->offset);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int xc_tx_slots(struct xc_sock *s, char *err, size_t errlen)
{
	uint32_t nslots, k, c, i;
	uint8_t *used;
	int ret;

	used = calloc(s->tx_chunks, 1);
	if (!used)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	ret = xc_tx_fixed_init(s, used);
	/*
	 * The chunk before the last is the scratch chunk of invalid
	 * descriptors: whole Tx chunks on both sides, so a fragment of an
	 * invalid chain at an offset from it is judged as the generator
	 * judged it.
	 */
	s->scratch = (uint64_t)(s->tx_chunks - 2) * s->dp->cfg.chunk_size;
	used[s->tx_chunks - 2] = 1;
	used[s->tx_chunks - 1] = 1;
	nslots = s->tx_chunks / s->tx_stride;
	s->free_stack = calloc(nslots + 1, sizeof(*s->free_stack));
	if (ret || !s->free_stack) {
		free(used);
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	}
	/* a two-chunk slot may also reach into the chunk after it */
	for (k = nslots; k-- > 0;) {
		c = k * s->tx_stride;
		for (i = 0; i < s->tx_stride && !used[c + i]; i++)
			;
		if (i == s->tx_stride &&
		    (s->tx_stride == 1 || c + i >= s->tx_chunks || !used[c + i]))
			s->free_stack[s->nfree++] = k;
	}
	free(used);
	if (!s->nfree)
		return xc_errf(err, errlen, ENOSPC,
			       "queue %u: no free Tx chunks left (%u Tx chunks)",
			       s->queue, s->tx_chunks);
	return 0;
}

int xc_tx_init(struct xc_sock *s, char *err, size_t errlen)
{
	const struct xc_xsk_cfg *c = &s->dp->cfg;

	s->tx_chunks = s->dp->has_rx ? c->num_chunks / 2 : c->num_chunks;
	s->tx_stride = xc_tx_spills(s) ? 2 : 1;
	if (s->tx_chunks < 2 * s->tx_stride + 2)
		return xc_errf(err, errlen, EINVAL,
			       "queue %u: %u Tx chunks are too few",
			       s->queue, s->tx_chunks);
	return xc_tx_slots(s, err, errlen);
}

void xc_tx_free(struct xc_sock *s)
{
	uint32_t i;

	free(s->free_stack);
	s->free_stack = NULL;
	free(s->fixed);
	s->fixed = NULL;
	s->nfixed = 0;
	for (i = 0; s->txs && i < s->ntxs; i++)
		if (s->txs[i].gen_ready)
			xc_gen_free(&s->txs[i].gen);
	free(s->txs);
	s->txs = NULL;
	s->ntxs = 0;
}

static uint32_t xc_hash(uint64_t a, uint32_t mask)
{
	return (uint32_t)((a * XC_GOLDEN) >> 40) & mask;
}

static void xc_flight_add(struct xc_tx_state *ts, uint64_t addr,
			  uint32_t slot)
{
	uint32_t i = xc_hash(addr, ts->mask);

	while (ts->tab[i].slot != XC_SLOT_NONE)
		i = (i + 1) & ts->mask;
	ts->tab[i].addr = addr;
	ts->tab[i].slot = slot;
}

/* Remove addr; returns its slot or XC_SLOT_NONE (backward shift delete). */
static uint32_t xc_flight_del(struct xc_tx_state *ts, uint64_t addr)
{
	uint32_t i = xc_hash(addr, ts->mask), j, h, slot;

	while (ts->tab[i].slot != XC_SLOT_NONE && ts->tab[i].addr != addr)
		i = (i + 1) & ts->mask;
	slot = ts->tab[i].slot;
	if (slot == XC_SLOT_NONE)
		return slot;
	for (j = i;;) {
		ts->tab[i].slot = XC_SLOT_NONE;
		for (;;) {
			j = (j + 1) & ts->mask;
			if (ts->tab[j].slot == XC_SLOT_NONE)
				return slot;
			h = xc_hash(ts->tab[j].addr, ts->mask);
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		ts->tab[i] = ts->tab[j];
		i = j;
	}
}

static struct xc_fixed *xc_fixed_find(struct xc_sock *s, uint64_t addr)
{
	uint32_t i;

	for (i = 0; i < s->nfixed; i++)
		if (s->fixed[i].addr == addr)
			return &s->fixed[i];
	return NULL;
}

/*
 * The frames' Tx time (xc_frame.h): the low 32 bits of CLOCK_TAI in
 * nanoseconds, read once per batch as the batch is placed on the ring.
 */
static uint32_t xc_tx_stamp(void)
{
	return (uint32_t)xc_clock_tai_ns();
}

/*
 * Pacing (xc_rate.h): the nanoseconds until the next frame of any paced
 * stream with frames left is due (0 when one is due or nothing is paced).
 */
static uint64_t xc_tx_pace(struct xc_sock *s, uint64_t now)
{
	uint64_t wait = UINT64_MAX, due;
	struct xc_txs *t;
	uint32_t i;

	for (i = 0; i < s->ntxs; i++) {
		t = &s->txs[i];
		if (t->next_seq >= t->count)
			continue;
		if (xc_rate_unlimited(&t->rate))
			return 0;
		due = xc_rate_next_ns(&t->rate, 1,
				      xc_gen_frame_size(&t->gen, t->next_seq));
		if (due <= now)
			return 0;
		wait = XC_MIN(wait, due - now);
	}
	return wait == UINT64_MAX ? 0 : wait;
}

/* Next stream whose next frame is due, round-robin; NULL: none now. */
static struct xc_txs *xc_tx_pick(struct xc_sock *s, uint64_t now)
{
	struct xc_txs *t;
	uint32_t k, i;

	for (k = 0; k < s->ntxs; k++) {
		i = (s->rr + k) % s->ntxs;
		t = &s->txs[i];
		if (t->next_seq >= t->count)
			continue;
		if (!xc_rate_unlimited(&t->rate) &&
		    xc_rate_next_ns(&t->rate, 1,
				    xc_gen_frame_size(&t->gen,
						      t->next_seq)) > now)
			continue;
		s->rr = (i + 1) % s->ntxs;
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

/*
 * In-flight entry of a completed address. Some kernels (6.18 copy mode
 * seen here) hand back an odd Tx address with its lowest bit cleared;
 * such completions are matched to addr | 1 and reported once.
 */
static uint32_t xc_tx_match(struct xc_sock *s, struct xc_tx_state *ts,
			    uint64_t *addr)
{
	uint32_t slot = xc_flight_del(ts, *addr);

	if (slot != XC_SLOT_NONE || !s->dp->cfg.unaligned || (*addr & 1))
		return slot;
	slot = xc_flight_del(ts, *addr | 1);
	if (slot == XC_SLOT_NONE)
		return slot;
	if (!ts->mangled++)
		pr_warn("%s queue %u: the kernel completed Tx address 0x%llx as 0x%llx (lowest bit lost)\n",
			s->dp->ifname, s->queue,
			(unsigned long long)(*addr | 1),
			(unsigned long long)*addr);
	*addr |= 1;
	return slot;
}

static void xc_tx_complete(struct xc_sock *s, struct xc_tx_state *ts)
{
	uint32_t n, i, idx, slot;
	struct xc_fixed *f;
	uint64_t addr;

	n = xsk_ring_cons__peek(&s->comp, s->dp->cfg.comp_size, &idx);
	for (i = 0; i < n; i++) {
		addr = *xsk_ring_cons__comp_addr(&s->comp, idx + i);
		slot = xc_tx_match(s, ts, &addr);
		if (slot == XC_SLOT_NONE) {
			/* part of a chain sent invalid */
			pr_debug("queue %u: completion of 0x%llx ignored\n",
				 s->queue, (unsigned long long)addr);
			continue;
		}
		if (slot == XC_SLOT_FIXED) {
			f = xc_fixed_find(s, addr);
			if (f)
				f->busy = false;
		} else {
			s->free_stack[s->nfree++] = slot;
		}
		s->outstanding--;
		XC_BUMP(&s->tx_completed, 1);
	}
	xsk_ring_cons__release(&s->comp, n);
}

static void xc_tx_kick(struct xc_sock *s)
{
	struct xc_xs *x;
	uint32_t i;

	for (i = 0; i < s->nxs; i++) {
		x = &s->xs[i];
		if (!x->tx_pending && !s->outstanding)
			continue;
		if (!s->dp->cfg.need_wakeup ||
		    xsk_ring_prod__needs_wakeup(&x->tx))
			xc_xsk_kick_tx(s, x);
		x->tx_pending = false;
	}
}

/* Chunks (slots) a valid frame needs from the free stack. */
static uint32_t xc_pkt_slots(const struct xc_gen_pkt *p)
{
	uint32_t f, n = 0;

	for (f = 0; f < p->nfrags; f++)
		n += p->frag_at[f] == XCEIVER__V1__DESC_BASE__DESC_BASE_CHUNK;
	return n;
}

/*
 * Address of fragment f, from the generator's per-fragment layout: an
 * absolute place, or an offset from a chunk Tx picks (a slot of the pool
 * for a valid frame, the scratch chunk for an invalid one).
 */
static uint64_t xc_frag_addr(struct xc_sock *s, const struct xc_gen_pkt *p,
			     uint32_t f, uint32_t *slot)
{
	int64_t off = p->frag_offset[f];

	*slot = XC_SLOT_FIXED;
	if (p->frag_at[f] != XCEIVER__V1__DESC_BASE__DESC_BASE_CHUNK)
		return xc_place_addr(s, p->frag_at[f], off);
	if (!p->valid)
		return s->scratch + off;
	*slot = s->free_stack[--s->nfree];
	return xc_slot_base(s, *slot) + off;
}

static bool xc_slot_key_eq(const struct xc_slot_key *a,
			   const struct xc_slot_key *b)
{
	return a->stream == b->stream && a->len == b->len &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->offset == b->offset;
}

/* Whether the absolute place at addr is free; a stuck one is freed. */
static bool xc_fixed_ready(struct xc_sock *s, uint64_t addr)
{
	struct xc_fixed *f = xc_fixed_find(s, addr);

	if (f && f->busy && xc_mono_ns() - f->since > XC_TX_DRAIN_NS) {
		pr_warn("%s queue %u: Tx address 0x%llx never completed; using it again\n",
			s->dp->ifname, s->queue,
			(unsigned long long)f->addr);
		f->busy = false;
		s->outstanding--;
	}
	return !f || !f->busy;
}

/* Whether seq's frame can go now (slots free, fixed places not busy). */
static bool xc_pkt_ready(struct xc_sock *s, const struct xc_gen_pkt *p)
{
	uint32_t f;

	if (!p->valid)
		return true;
	if (xc_pkt_slots(p) > s->nfree)
		return false;
	for (f = 0; f < p->nfrags; f++)
		if (p->frag_at[f] != XCEIVER__V1__DESC_BASE__DESC_BASE_CHUNK &&
		    !xc_fixed_ready(s, xc_place_addr(s, p->frag_at[f],
						     p->frag_offset[f])))
			return false;
	return true;
}

static void xc_frag_write(struct xc_sock *s, struct xc_tx_state *ts,
			  uint64_t addr, uint32_t from, uint32_t len)
{
	if (!len || addr + len > s->umem_len || addr + len < addr ||
	    from + len > XC_RX_BUF)
		return;
	memcpy(xsk_umem__get_data(s->area, addr), ts->buf + from, len);
}

/*
 * A frame of one descriptor that is exactly the frame, at a slot of its
 * own: built in place in the UMEM, not copied. When the slot still holds
 * a frame of the same stream, length, ports and offset (the usual case:
 * slots come back in the order they went out), only what depends on seq
 * is written (xc_frame_update_pkt). Takes the slot (kept in ts->direct_*);
 * false when the frame needs the general path.
 */
static bool xc_tx_direct(struct xc_sock *s, struct xc_tx_state *ts,
			 struct xc_txs *t, const struct xc_gen_pkt *p,
			 uint32_t tx_ns32)
{
	struct xc_slot_key key = {
		.stream = (uint16_t)(t - s->txs + 1),
		.sport = p->src_port,
		.dport = p->dst_port,
		.len = p->frame_len,
		.offset = (int32_t)p->offset,
	};
	struct xc_slot_key *k;
	uint8_t *buf;
	uint64_t addr;

	if (p->nfrags != 1 || p->frag_len[0] != p->frame_len ||
	    p->at != XCEIVER__V1__DESC_BASE__DESC_BASE_CHUNK ||
	    p->frame_len > XC_RX_BUF || !s->nfree)
		return false;
	addr = xc_slot_base(s, s->free_stack[s->nfree - 1]) + p->offset;
	if (addr + p->frame_len > s->umem_len || addr + p->frame_len < addr)
		return false;
	ts->direct_slot = s->free_stack[--s->nfree];
	ts->direct_addr = addr;
	buf = xsk_umem__get_data(s->area, addr);
	k = &ts->keys[ts->direct_slot];
	if (xc_slot_key_eq(k, &key)) {
		xc_frame_update_pkt(&t->tmpl, p, tx_ns32, buf);
		return true;
	}
	xc_frame_build_pkt(&t->tmpl, p, tx_ns32, buf);
	*k = key;
	return true;
}

/* Put one frame's descriptors on x's Tx ring at idx. */
static void xc_tx_put(struct xc_sock *s, struct xc_tx_state *ts,
		      struct xc_xs *x, struct xc_txs *t, uint32_t idx,
		      uint32_t tx_ns32)
{
	const struct xc_gen_pkt *p = &ts->pkt;
	uint32_t f, slot, from = 0;
	struct xdp_desc *d;
	struct xc_fixed *fx;
	bool direct = false;
	uint64_t addr;

	if (p->valid)
		direct = xc_tx_direct(s, ts, t, p, tx_ns32);
	if (p->valid && !direct)
		xc_frame_build_pkt(&t->tmpl, p, tx_ns32, ts->buf);
	for (f = 0; f < p->nfrags; f++) {
		if (direct) {
			addr = ts->direct_addr;
			slot = ts->direct_slot;
		} else {
			addr = xc_frag_addr(s, p, f, &slot);
			if (slot != XC_SLOT_FIXED)
				ts->keys[slot].stream = 0;
		}
		d = xsk_ring_prod__tx_desc(&x->tx, idx + f);
		d->addr = addr;
		d->len = p->frag_len[f];
		d->options = p->frag_opts[f] |
			     (f + 1 < p->nfrags || p->unterminated ?
			      XDP_PKT_CONTD : 0);
		if (p->valid) {
			if (!direct)
				xc_frag_write(s, ts, addr, from, d->len);
			xc_flight_add(ts, addr, slot);
			s->outstanding++;
			if (slot == XC_SLOT_FIXED) {
				fx = xc_fixed_find(s, addr);
				if (fx) {
					fx->busy = true;
					fx->since = xc_mono_ns();
				}
			}
		}
		from += d->len;
	}
	if (p->valid) {
		XC_BUMP(&t->sent, 1);
		XC_BUMP(&t->bytes, p->desc_len);
	} else {
		/* the kernel counts every descriptor of a rejected chain */
		XC_BUMP(&t->invalid_sent, p->nfrags);
	}
}

/*
 * Queue up to one batch of frames on the next socket of the queue; returns
 * the number of frames queued. *full: the Tx ring had no room.
 */
static uint32_t xc_tx_batch(struct xc_sock *s, struct xc_tx_state *ts,
			    bool *full)
{
	struct xc_xs *x = &s->xs[s->tx_next_xs];
	uint32_t n = 0, idx = 0, tx_ns32 = xc_tx_stamp();
	uint64_t now = xc_mono_ns();
	struct xc_txs *t;

	*full = false;
	while (n < s->dp->cfg.batch) {
		t = xc_tx_pick(s, now);
		if (!t)
			break;
		xc_gen_pkt(&t->gen, t->next_seq, &ts->pkt);
		if (!xc_pkt_ready(s, &ts->pkt))
			break;
		if (xsk_ring_prod__reserve(&x->tx, ts->pkt.nfrags, &idx) !=
		    ts->pkt.nfrags) {
			*full = true;
			break;
		}
		xc_tx_put(s, ts, x, t, idx, tx_ns32);
		xsk_ring_prod__submit(&x->tx, ts->pkt.nfrags);
		XC_BUMP(&t->next_seq, 1);
		if (t->next_seq == 1)
			t->first_ns = now;
		t->last_ns = now;
		xc_rate_grant(&t->rate, now, 1, ts->pkt.frame_len + XC_FCS_LEN);
		n++;
	}
	if (n) {
		x->tx_pending = true;
		XC_BUMP(&s->tx_frames, n);
		s->tx_next_xs = (s->tx_next_xs + 1) % s->nxs;
	}
	return n;
}

static void xc_tx_sleep(uint64_t ns)
{
	struct timespec ts = { 0, (long)XC_MIN(ns, 1000000ull) };

	nanosleep(&ts, NULL);
}

/*
 * Nothing could be queued: wait for tokens, or for Tx ring room (poll()
 * for POLLOUT with use_poll) or completions.
 */
static void xc_tx_idle(struct xc_sock *s, uint64_t pace_wait, bool full)
{
	struct pollfd pfd = {
		xsk_socket__fd(s->xs[s->tx_next_xs].xsk), POLLOUT, 0
	};

	if (pace_wait && !full) {
		xc_tx_sleep(pace_wait);
		return;
	}
	if (s->dp->cfg.use_poll && full)
		poll(&pfd, 1, XC_POLL_MS);
	else if (s->dp->cfg.use_poll)
		xc_tx_sleep(20000);
}

/*
 * Whether the kernel has not yet read every descriptor of some Tx ring:
 * invalid ones (which never complete) at the end of a run must be
 * consumed too, or tx_invalid_descs misses them.
 */
static bool xc_tx_unread(struct xc_sock *s)
{
	struct xc_xs *x;
	uint32_t i;

	for (i = 0; i < s->nxs; i++) {
		x = &s->xs[i];
		if (xsk_prod_nb_free(&x->tx, x->tx.size) < x->tx.size)
			return true;
	}
	return false;
}

/* Wait (bounded) until every queued descriptor was read and completed. */
static void xc_tx_drain(struct xc_sock *s, struct xc_tx_state *ts)
{
	uint64_t end = xc_mono_ns() + XC_TX_DRAIN_NS;
	uint32_t i;

	while ((s->outstanding || xc_tx_unread(s)) && xc_mono_ns() < end &&
	       !xc_dp_stopping(s->dp)) {
		for (i = 0; i < s->nxs; i++)
			s->xs[i].tx_pending = true;
		xc_tx_kick(s);
		xc_tx_complete(s, ts);
		if (s->outstanding || xc_tx_unread(s))
			xc_tx_sleep(20000);
	}
	if (ts->mangled)
		pr_warn("%s queue %u: %llu completions came back with a wrong address\n",
			s->dp->ifname, s->queue,
			(unsigned long long)ts->mangled);
	if (s->outstanding)
		pr_warn("%s queue %u: %llu Tx descriptors not completed after %llu ms\n",
			s->dp->ifname, s->queue,
			(unsigned long long)s->outstanding,
			(unsigned long long)(XC_TX_DRAIN_NS / 1000000));
}

static void xc_tx_finish(struct xc_sock *s)
{
	struct xc_dp *dp = s->dp;
	uint64_t el;

	s->tx_end_ns = xc_mono_ns();
	s->tx_cpu_ns = xc_thread_cpu_ns();
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

static int xc_tx_state_init(struct xc_sock *s, struct xc_tx_state *ts)
{
	uint32_t size = 64, i;

	while (size < 4 * (s->tx_chunks + s->nfixed))
		size <<= 1;
	ts->mask = size - 1;
	ts->tab = malloc(size * sizeof(*ts->tab));
	ts->buf = malloc(XC_RX_BUF);
	ts->keys = calloc(s->tx_chunks / s->tx_stride, sizeof(*ts->keys));
	if (!ts->tab || !ts->buf || !ts->keys)
		return -ENOMEM;
	for (i = 0; i < size; i++)
		ts->tab[i].slot = XC_SLOT_NONE;
	return 0;
}

static void xc_tx_run(struct xc_sock *s, struct xc_tx_state *ts)
{
	uint64_t now = xc_mono_ns(), wait;
	bool full;
	uint32_t i;

	/* the schedules start now (the config was checked at prepare) */
	for (i = 0; i < s->ntxs; i++)
		xc_rate_init(&s->txs[i].rate, &s->txs[i].rate_cfg, now, NULL,
			     0);
	while (!xc_dp_stopping(s->dp) && !xc_tx_all_queued(s)) {
		xc_tx_complete(s, ts);
		wait = xc_tx_pace(s, xc_mono_ns());
		full = false;
		if (!wait && xc_tx_batch(s, ts, &full)) {
			xc_tx_kick(s);
			continue;
		}
		xc_tx_kick(s);
		xc_tx_idle(s, wait, full);
	}
	xc_tx_drain(s, ts);
}

void *xc_tx_worker(void *arg)
{
	struct xc_tx_state ts = { 0 };
	struct xc_sock *s = arg;

	xc_worker_pin(s->dp, (uint32_t)(s - s->dp->socks) +
		      (s->dp->has_rx ? s->dp->nsocks : 0));
	if (xc_tx_state_init(s, &ts))
		pr_warn("%s queue %u: Tx worker out of memory\n",
			s->dp->ifname, s->queue);
	else
		xc_tx_run(s, &ts);
	free(ts.tab);
	free(ts.buf);
	free(ts.keys);
	xc_tx_finish(s);
	return NULL;
}
