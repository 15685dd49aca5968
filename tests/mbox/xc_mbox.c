// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xc-mbox: an impairment middle box for the lab (lab.sh up --mbox). It
 * forwards every frame between two interfaces both ways with AF_PACKET
 * (TPACKET_V2 Rx rings, one send per frame) and applies a plan to the test
 * frames of one run, chosen by (stream id, sequence number) from the
 * payload header (shared/xc_frame.h). Everything else (ARP, NDP, other
 * runs' frames) passes untouched; a VLAN tag the receiving interface took
 * out of the frame is put back.
 *
 *   xc-mbox --a IF --b IF [--plan FILE] [--stats FILE] [--ready FILE]
 *           [--delay-ns D [--tolerance-ns T]]
 *
 * Runs until SIGTERM or SIGINT, forwards what is still queued, then writes
 * its counters as JSON (--stats, default stdout) and exits 0, or 1 when
 * the box itself lost a frame: dropped by its sockets (PACKET_STATISTICS
 * tp_drops), longer than a ring slot, a send that failed after retries, or
 * a held frame whose release never came. --ready is created once both
 * sockets are bound.
 *
 * This run's tag is the run tag of the first test frame seen (UDP with the
 * payload magic); the plan applies to frames with that tag only.
 *
 * --delay-ns D (0 to XC_MBOX_DELAY_MAX_NS, 1 s) delays every frame, both
 * ways: it waits in its direction's queue (XC_MBOX_DELAY_QUEUE frames;
 * one that finds the queue full is lost) until its arrival time plus D
 * and is then handled as above, in arrival order. The arrival time is the
 * kernel's receive stamp of the frame (SO_TIMESTAMPNS; else the packet
 * socket's time when it queued the frame; else when the box read it).
 * The box runs at SCHED_FIFO where the host allows it and spins the last
 * microseconds before a frame is due (xc_mbox_delay.c), and reports its
 * accuracy in "delay": the lateness of every frame (the time its send
 * returned minus its arrival time plus D) as min, p50, p99 and max, and
 * how many were later than --tolerance-ns T (default 20 us); frames that
 * arrived before the box was ready are only counted (before_start). D = 0
 * makes the same measurement of the box's own forwarding.
 *
 * Plan: one rule a line, '#' starts a comment:
 *
 *   STREAM SEQ[-SEQ] ACTION [ARGS]
 *
 *   drop                    the frame is not forwarded
 *   dup N [after K]         N extra copies, right after the frame or after
 *                           the K-th later frame of the stream
 *   corrupt OFF             byte OFF of the frame (from the Ethernet
 *                           header) XORed with 0xff; checksums left alone
 *   corrupt FIELD           the same for the last byte of a header field:
 *                           eth.dst eth.src ip.ttl (IPv6: hop limit) ip.src
 *                           ip.dst udp.sport udp.dport
 *   truncate LEN            the frame cut to LEN bytes
 *   lengthen N              N zero bytes appended (IP and UDP lengths kept)
 *   hold K                  the frame is sent after the K-th later frame of
 *                           its stream (reordering by K)
 *   inject KIND [VALUE]     after the frame, a copy of it made foreign:
 *                           magic (wrong magic), tag (another run's tag),
 *                           stream ID (stream id ID), seq SEQ (sequence
 *                           number SEQ); its UDP checksum is made right
 *
 * "Later frames of the stream" are this run's frames of that stream as
 * they reach the box, whatever the plan does with them. For one frame the
 * box sends: the frame (unless dropped or held), its immediate copies, its
 * injections, then the held frames and copies whose K-th frame it is, in
 * plan order. A (stream, seq) takes at most one action besides injections.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xc_hist.h"
#include "xc_log.h"
#include "xc_util.h"
#include "xc_mbox.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

#define XC_RING_FRAME		2048	/* ring slot: header + frame */
#define XC_RING_BLOCK		(1u << 22)
#define XC_RING_BLOCKS		32	/* 65536 slots per socket */
#define XC_SEND_TRIES		10000
#define XC_SEND_WAIT_NS		20000	/* between tries */
#define XC_POLL_MS		100
#define XC_BUDGET		256	/* frames of one ring per turn */
#define XC_MAX_INJ		16
#define XC_PLAN_MAX		(1 << 20)	/* bytes of a plan file */

struct xc_port {
	const char *ifname;
	int ifindex;
	int fd;
	uint8_t *ring;
	size_t ring_len;
	uint32_t slots;
	uint32_t cur;
	struct xc_port *peer;
	uint64_t rx;		/* frames taken from the ring */
	uint64_t tx;		/* frames sent out of this port */
	uint64_t send_retries;
	uint64_t send_failed;
	uint64_t too_long;	/* longer than a ring slot: not forwarded */
	uint64_t tp_packets;
	uint64_t tp_drops;
	bool stamp;		/* delay mode: the kernel's receive stamps */
	struct xc_dq dq;	/* delay mode: frames not due yet */
};

/* A held frame or a delayed copy, sent after the due-th frame. */
struct xc_held {
	uint16_t stream;
	uint64_t due;
	struct xc_port *out;
	uint32_t len;
	uint8_t *buf;
};

struct xc_box {
	struct xc_port port[2];
	struct xc_mbox_plan plan;
	bool tag_known;
	uint32_t tag;
	uint64_t *stream_rx;	/* this run's frames per stream id */
	struct xc_held *held;
	uint32_t nheld;
	uint32_t held_cap;
	uint64_t test_frames;
	uint64_t other_frames;
	uint64_t other_tag;
	uint64_t plan_dropped;
	uint64_t copies;
	uint64_t injected;
	uint64_t held_total;
	uint64_t released;
	uint64_t skipped;	/* rule matched, frame too short for it */
	/* delay mode */
	bool delay_on;
	uint64_t delay_ns;
	uint64_t tol_ns;
	bool fifo;		/* SCHED_FIFO granted */
	uint64_t t_start;	/* CLOCK_REALTIME when the box was ready */
	uint64_t before_start;	/* frames that arrived before it */
	struct xc_hist *late;	/* ns past arrival + delay, the others */
	uint64_t late_over;	/* of them past tol_ns */
	uint64_t unordered;	/* stamped before the frame ahead of it */
	uint64_t stamps[XC_STAMP_NSRC];
};

static volatile sig_atomic_t xc_stop;

static void xc_on_signal(int sig)
{
	xc_stop = 1;
}

/* ------------------------------------------------------------ sockets */

static int xc_port_ring(struct xc_port *p)
{
	struct tpacket_req req = {
		.tp_block_size = XC_RING_BLOCK,
		.tp_block_nr = XC_RING_BLOCKS,
		.tp_frame_size = XC_RING_FRAME,
		.tp_frame_nr = XC_RING_BLOCK / XC_RING_FRAME * XC_RING_BLOCKS,
	};
	int v = TPACKET_V2, one = 1;

	if (setsockopt(p->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)) ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		return -errno;
	p->slots = req.tp_frame_nr;
	p->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	p->ring = mmap(NULL, p->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       p->fd, 0);
	if (p->ring == MAP_FAILED) {
		p->ring = NULL;
		return -errno;
	}
	return 0;
}

static int xc_port_open(struct xc_port *p)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct packet_mreq mr = { .mr_type = PACKET_MR_PROMISC };
	int ret, one = 1;

	p->ifindex = if_nametoindex(p->ifname);
	if (!p->ifindex) {
		pr_warn("no interface %s: %s\n", p->ifname, strerror(errno));
		return -ENODEV;
	}
	p->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (p->fd < 0)
		return -errno;
	ret = xc_port_ring(p);
	if (ret) {
		pr_warn("%s: Rx ring: %s\n", p->ifname, strerror(-ret));
		return ret;
	}
	if (p->stamp && setsockopt(p->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
				   sizeof(one)))
		pr_warn("%s: SO_TIMESTAMPNS: %s (the packet socket's own times instead)\n",
			p->ifname, strerror(errno));
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = p->ifindex;
	mr.mr_ifindex = p->ifindex;
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr))) {
		ret = -errno;
		pr_warn("%s: bind: %s\n", p->ifname, strerror(-ret));
		return ret;
	}
	return 0;
}

static void xc_port_close(struct xc_port *p)
{
	if (p->ring)
		munmap(p->ring, p->ring_len);
	if (p->fd >= 0)
		close(p->fd);
	p->ring = NULL;
	p->fd = -1;
}

static void xc_port_stats(struct xc_port *p)
{
	struct tpacket_stats st = { 0 };
	socklen_t len = sizeof(st);

	if (getsockopt(p->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		return;
	p->tp_packets += st.tp_packets;
	p->tp_drops += st.tp_drops;
}

/*
 * Send one frame out of p. A full device queue (ENOBUFS, EAGAIN) is waited
 * out for a while: the frame was not sent, so a second try is no copy.
 */
static void xc_send(struct xc_port *p, const uint8_t *f, uint32_t len)
{
	int i;

	for (i = 0; i < XC_SEND_TRIES; i++) {
		if (send(p->fd, f, len, 0) == (ssize_t)len) {
			p->tx++;
			return;
		}
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			break;
		p->send_retries++;
		xc_spin_ns(XC_SEND_WAIT_NS);
	}
	pr_warn("%s: send of %u bytes failed: %s\n", p->ifname, len,
		strerror(errno));
	p->send_failed++;
}

/* ------------------------------------------------------------ held */

static int xc_hold(struct xc_box *b, uint16_t stream, uint64_t due,
		   struct xc_port *out, const uint8_t *f, uint32_t len)
{
	struct xc_held *h;

	if (b->nheld == b->held_cap) {
		h = realloc(b->held, (b->held_cap * 2 + 16) * sizeof(*h));
		if (!h)
			return -ENOMEM;
		b->held = h;
		b->held_cap = b->held_cap * 2 + 16;
	}
	h = &b->held[b->nheld];
	h->buf = malloc(len);
	if (!h->buf)
		return -ENOMEM;
	memcpy(h->buf, f, len);
	h->stream = stream;
	h->due = due;
	h->out = out;
	h->len = len;
	b->nheld++;
	return 0;
}

/* Send what is due after the n-th frame of stream, in the order held. */
static void xc_release(struct xc_box *b, uint16_t stream, uint64_t n)
{
	uint32_t i = 0;

	while (i < b->nheld) {
		struct xc_held *h = &b->held[i];

		if (h->stream != stream || h->due != n) {
			i++;
			continue;
		}
		xc_send(h->out, h->buf, h->len);
		free(h->buf);
		b->released++;
		b->nheld--;
		memmove(h, h + 1, (b->nheld - i) * sizeof(*h));
	}
}

/* ------------------------------------------------------------ plan */

/* The frame action of r on frame f (room for XC_MBOX_MAX_FRAME bytes). */
static void xc_act(struct xc_box *b, struct xc_mbox_rule *r,
		   const struct xc_mbox_pkt *pk, uint64_t n,
		   struct xc_port *out, uint8_t *f, uint32_t len)
{
	uint32_t off, i;

	r->applied++;
	switch (r->act) {
	case XC_MBOX_DROP:
		b->plan_dropped++;
		return;
	case XC_MBOX_HOLD:
		if (xc_hold(b, pk->stream, n + r->k, out, f, len))
			out->send_failed++;	/* no memory: lost */
		else
			b->held_total++;
		return;
	case XC_MBOX_DUP:
		xc_send(out, f, len);
		for (i = 0; i < r->n; i++, b->copies++)
			if (!r->k)
				xc_send(out, f, len);
			else if (xc_hold(b, pk->stream, n + r->k, out, f, len))
				out->send_failed++;
		return;
	case XC_MBOX_CORRUPT:
		off = r->field ? xc_mbox_field_off(pk, r->field) : r->n;
		if (off < len)
			f[off] ^= 0xff;
		else
			b->skipped++;
		break;
	case XC_MBOX_TRUNCATE:
		if (r->n < len)
			len = r->n;
		else
			b->skipped++;
		break;
	case XC_MBOX_LENGTHEN:
		if (len + r->n > XC_MBOX_MAX_FRAME) {
			b->skipped++;
			break;
		}
		memset(f + len, 0, r->n);
		len += r->n;
		break;
	case XC_MBOX_INJECT:
		break;
	}
	xc_send(out, f, len);
}

/* A test frame of this run: the plan, then what became due. */
static void xc_test_frame(struct xc_box *b, const struct xc_mbox_pkt *pk,
			  struct xc_port *out, uint8_t *f, uint32_t len)
{
	struct xc_mbox_rule *act, *inj[XC_MAX_INJ];
	uint8_t orig[XC_MBOX_MAX_FRAME];
	uint64_t n = ++b->stream_rx[pk->stream];
	uint32_t ninj, i;

	b->test_frames++;
	ninj = xc_mbox_plan_match(&b->plan, pk->stream, pk->seq, &act, inj,
				  XC_MAX_INJ);
	if (ninj)
		memcpy(orig, f, len);
	if (act)
		xc_act(b, act, pk, n, out, f, len);
	else
		xc_send(out, f, len);
	for (i = 0; i < ninj; i++) {
		memcpy(f, orig, len);
		xc_mbox_inject(inj[i], pk, f, len);
		xc_send(out, f, len);
		inj[i]->applied++;
		b->injected++;
	}
	xc_release(b, pk->stream, n);
}

static void xc_frame(struct xc_box *b, struct xc_port *in, uint8_t *f,
		     uint32_t len)
{
	struct xc_mbox_pkt pk;

	if (xc_mbox_locate(f, len, &pk)) {
		b->other_frames++;
		xc_send(in->peer, f, len);
		return;
	}
	if (!b->tag_known) {
		b->tag = pk.run_tag;
		b->tag_known = true;
	}
	if (pk.run_tag != b->tag) {
		b->other_tag++;
		xc_send(in->peer, f, len);
		return;
	}
	xc_test_frame(b, &pk, in->peer, f, len);
}

/* ------------------------------------------------------------ rings */

/*
 * Copy the frame of a ring slot into f, with its VLAN tag back in place
 * when the interface took it out. Returns the length, 0 to skip.
 */
static uint32_t xc_slot_frame(struct xc_port *p, struct tpacket2_hdr *h,
			      uint8_t *f)
{
	const uint8_t *d = (const uint8_t *)h + h->tp_mac;
	uint32_t len = h->tp_snaplen, tag = 0;
	uint16_t tpid = ETH_P_8021Q;

	if (h->tp_snaplen < h->tp_len) {
		p->too_long++;
		return 0;
	}
	if (len < ETH_HLEN) {		/* a runt: passed on as it is */
		memcpy(f, d, len);
		return len;
	}
	if (h->tp_status & TP_STATUS_VLAN_VALID) {
		if (h->tp_status & TP_STATUS_VLAN_TPID_VALID)
			tpid = h->tp_vlan_tpid;
		tag = 4;
	}
	if (len + tag > XC_MBOX_MAX_FRAME) {
		p->too_long++;
		return 0;
	}
	memcpy(f, d, 12);
	if (tag) {
		f[12] = tpid >> 8;
		f[13] = tpid & 0xff;
		f[14] = h->tp_vlan_tci >> 8;
		f[15] = h->tp_vlan_tci & 0xff;
	}
	memcpy(f + 12 + tag, d + 12, len - 12);
	return len + tag;
}

/* Delay mode: queue the frame of slot h until its arrival + delay. */
static void xc_delay_push(struct xc_box *b, struct xc_port *p,
			  struct tpacket2_hdr *h)
{
	struct xc_dq_ent *last;
	enum xc_stamp_src src;
	uint64_t at;
	uint32_t len;
	uint8_t *f;

	at = xc_slot_stamp(h, &src);
	b->stamps[src]++;
	f = xc_dq_tail(&p->dq);
	if (!f)
		return;
	len = xc_slot_frame(p, h, f);
	if (!len)
		return;
	last = p->dq.n ? &p->dq.e[(p->dq.head + p->dq.n - 1) %
				  XC_MBOX_DELAY_QUEUE] : NULL;
	if (last && at + b->delay_ns < last->due)
		b->unordered++;
	xc_dq_push(&p->dq, at + b->delay_ns, len);
}

/*
 * Forward (delay mode: queue) up to XC_BUDGET frames of p's ring, so that
 * a busy direction does not starve the other; returns the number of
 * frames.
 */
static uint32_t xc_drain(struct xc_box *b, struct xc_port *p)
{
	uint8_t f[XC_MBOX_MAX_FRAME];
	struct tpacket2_hdr *h;
	uint32_t n = 0, len;

	while (n < XC_BUDGET) {
		h = (struct tpacket2_hdr *)(p->ring +
					    (size_t)p->cur * XC_RING_FRAME);
		if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			return n;
		p->rx++;
		if (b->delay_on) {
			xc_delay_push(b, p, h);
			len = 0;
		} else {
			len = xc_slot_frame(p, h, f);
		}
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		p->cur = (p->cur + 1) % p->slots;
		n++;
		if (len)
			xc_frame(b, p, f, len);
	}
	return n;
}

/* The queue whose head is due first (delay mode); NULL: both empty. */
static struct xc_port *xc_next_due(struct xc_box *b)
{
	struct xc_dq_ent *h0 = xc_dq_head(&b->port[0].dq);
	struct xc_dq_ent *h1 = xc_dq_head(&b->port[1].dq);

	if (!h0 && !h1)
		return NULL;
	if (!h1 || (h0 && h0->due <= h1->due))
		return &b->port[0];
	return &b->port[1];
}

/*
 * Delay mode: handle every frame that is due, earliest first, and time
 * its release. Returns the number of frames.
 */
static uint32_t xc_delay_release(struct xc_box *b)
{
	struct xc_dq_ent *e;
	struct xc_port *p;
	uint64_t late;
	uint32_t n = 0;

	while ((p = xc_next_due(b))) {
		e = xc_dq_head(&p->dq);
		if (e->due > xc_rt_ns())
			break;
		xc_frame(b, p, e->buf, e->len);
		late = xc_rt_ns() - e->due;
		if (e->due - b->delay_ns < b->t_start) {
			b->before_start++;
		} else {
			xc_hist_record(b->late, late);
			b->late_over += late > b->tol_ns;
		}
		xc_dq_pop(&p->dq);
		n++;
	}
	return n;
}

/* Nothing to do: wait for a frame, or for the next one due. */
static void xc_idle(struct xc_box *b, struct pollfd *pfd)
{
	struct xc_port *p = b->delay_on ? xc_next_due(b) : NULL;

	if (p)
		xc_wait_due(xc_dq_head(&p->dq)->due, pfd, 2);
	else
		poll(pfd, 2, XC_POLL_MS);
}

static void xc_loop(struct xc_box *b)
{
	struct pollfd pfd[2] = {
		{ .fd = b->port[0].fd, .events = POLLIN },
		{ .fd = b->port[1].fd, .events = POLLIN },
	};
	uint32_t n;

	while (!xc_stop) {
		n = xc_drain(b, &b->port[0]) + xc_drain(b, &b->port[1]);
		if (b->delay_on)
			n += xc_delay_release(b);
		if (!n)
			xc_idle(b, pfd);
	}
	/* what arrived before the stop, each frame when it is due */
	while (xc_drain(b, &b->port[0]) + xc_drain(b, &b->port[1]))
		;
	while (b->delay_on && xc_next_due(b))
		if (!xc_delay_release(b))
			xc_wait_due(xc_dq_head(&xc_next_due(b)->dq)->due,
				    NULL, 0);
}

/* ------------------------------------------------------------ report */

static uint64_t xc_lost(const struct xc_box *b)
{
	uint64_t lost = b->nheld;
	int i;

	for (i = 0; i < 2; i++)
		lost += b->port[i].tp_drops + b->port[i].send_failed +
			b->port[i].too_long + b->port[i].dq.full;
	return lost;
}

static json_t *xc_json_port(const struct xc_port *p)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "ifname", p->ifname, "rx_frames", (json_int_t)p->rx,
			 "tx_frames", (json_int_t)p->tx,
			 "tp_packets", (json_int_t)p->tp_packets,
			 "tp_drops", (json_int_t)p->tp_drops,
			 "send_retries", (json_int_t)p->send_retries,
			 "send_failed", (json_int_t)p->send_failed,
			 "too_long", (json_int_t)p->too_long);
}

static json_t *xc_json_lists(const struct xc_box *b, json_t *o)
{
	json_t *ports = json_array(), *streams = json_array();
	json_t *rules = json_array();
	const struct xc_mbox_rule *r;
	uint32_t i;

	json_object_set_new(o, "ports", ports);
	json_object_set_new(o, "streams", streams);
	json_object_set_new(o, "rules", rules);
	for (i = 0; i < 2; i++)
		json_array_append_new(ports, xc_json_port(&b->port[i]));
	for (i = 0; i <= UINT16_MAX; i++)
		if (b->stream_rx[i])
			json_array_append_new(streams,
				json_pack("{s:i, s:I}", "id", (int)i,
					  "received",
					  (json_int_t)b->stream_rx[i]));
	for (i = 0; i < b->plan.n; i++) {
		r = &b->plan.rules[i];
		json_array_append_new(rules,
			json_pack("{s:i, s:s, s:I}", "line", (int)r->line,
				  "action", xc_mbox_act_name(r->act),
				  "applied", (json_int_t)r->applied));
	}
	return o;
}

/* Delay mode: the delay and how punctually the box kept it. */
static json_t *xc_json_delay(const struct xc_box *b)
{
	const struct xc_hist *h = b->late;
	uint64_t p50 = 0, p99 = 0;

	xc_hist_percentile(h, 50, &p50);
	xc_hist_percentile(h, 99, &p99);
	return json_pack("{s:I, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:I, s:I, s:I, s:{s:I, s:I, s:I}}",
			 "delay_ns", (json_int_t)b->delay_ns,
			 "tolerance_ns", (json_int_t)b->tol_ns,
			 "sched_fifo", b->fifo,
			 "before_start", (json_int_t)b->before_start,
			 "frames", (json_int_t)xc_hist_count(h),
			 "late_min_ns", (json_int_t)xc_hist_min(h),
			 "late_p50_ns", (json_int_t)p50,
			 "late_p99_ns", (json_int_t)p99,
			 "late_max_ns", (json_int_t)xc_hist_max(h),
			 "late_over_tolerance", (json_int_t)b->late_over,
			 "unordered", (json_int_t)b->unordered,
			 "queue_peak", (json_int_t)XC_MAX(b->port[0].dq.peak,
							  b->port[1].dq.peak),
			 "queue_full", (json_int_t)(b->port[0].dq.full +
						    b->port[1].dq.full),
			 "stamps",
			 "kernel_rx", (json_int_t)b->stamps[XC_STAMP_SKB],
			 "socket_queued", (json_int_t)b->stamps[XC_STAMP_RING],
			 "read", (json_int_t)b->stamps[XC_STAMP_READ]);
}

static int xc_report(const struct xc_box *b, const char *path)
{
	json_t *o;
	int ret;

	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		      "run_tag", (json_int_t)b->tag,
		      "test_frames", (json_int_t)b->test_frames,
		      "other_frames", (json_int_t)b->other_frames,
		      "other_tag_frames", (json_int_t)b->other_tag,
		      "plan_dropped", (json_int_t)b->plan_dropped,
		      "copies", (json_int_t)b->copies,
		      "injected", (json_int_t)b->injected,
		      "held", (json_int_t)b->held_total,
		      "released", (json_int_t)b->released,
		      "unreleased", (json_int_t)b->nheld,
		      "skipped", (json_int_t)b->skipped,
		      "lost", (json_int_t)xc_lost(b));
	if (!o)
		return -ENOMEM;
	xc_json_lists(b, o);
	if (b->delay_on)
		json_object_set_new(o, "delay", xc_json_delay(b));
	if (path)
		ret = json_dump_file(o, path, JSON_INDENT(1) | JSON_SORT_KEYS);
	else
		ret = json_dumpf(o, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(o);
	if (ret) {
		pr_warn("cannot write the counters to %s\n",
			path ? path : "stdout");
		return -EIO;
	}
	return 0;
}

/* ------------------------------------------------------------ main */

struct xc_opts {
	const char *a;
	const char *b;
	const char *plan;
	const char *stats;
	const char *ready;
	bool delay_on;
	uint64_t delay_ns;
	uint64_t tol_ns;
};

static void xc_usage(void)
{
	fprintf(stderr,
		"usage: xc-mbox --a IF --b IF [--plan FILE] [--stats FILE] [--ready FILE]\n"
		"               [--delay-ns D [--tolerance-ns T]]\n");
	exit(2);
}

/* A whole number of ns for option name, at most max. */
static uint64_t xc_ns_arg(const char *name, const char *arg, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || v > max) {
		fprintf(stderr, "xc-mbox: --%s %s: expected a whole number of ns from 0 to %llu\n",
			name, arg, (unsigned long long)max);
		exit(2);
	}
	return v;
}

static void xc_parse_args(int argc, char **argv, struct xc_opts *o)
{
	static const struct option lo[] = {
		{ "a", required_argument, NULL, 'a' },
		{ "b", required_argument, NULL, 'b' },
		{ "plan", required_argument, NULL, 'p' },
		{ "stats", required_argument, NULL, 's' },
		{ "ready", required_argument, NULL, 'r' },
		{ "delay-ns", required_argument, NULL, 'd' },
		{ "tolerance-ns", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	bool tol = false;
	int c;

	o->tol_ns = XC_MBOX_DELAY_TOL_NS;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'a': o->a = optarg; break;
		case 'b': o->b = optarg; break;
		case 'p': o->plan = optarg; break;
		case 's': o->stats = optarg; break;
		case 'r': o->ready = optarg; break;
		case 'd':
			o->delay_on = true;
			o->delay_ns = xc_ns_arg("delay-ns", optarg,
						XC_MBOX_DELAY_MAX_NS);
			break;
		case 't':
			tol = true;
			o->tol_ns = xc_ns_arg("tolerance-ns", optarg,
					      XC_MBOX_DELAY_MAX_NS);
			break;
		default: xc_usage();
		}
	}
	if (optind != argc || !o->a || !o->b || !strcmp(o->a, o->b))
		xc_usage();
	if (tol && !o->delay_on) {
		fprintf(stderr, "xc-mbox: --tolerance-ns: only with --delay-ns\n");
		exit(2);
	}
}

static int xc_load_plan(struct xc_mbox_plan *p, const char *path)
{
	char err[256], *text;
	FILE *fp;
	size_t n;
	int ret;

	if (!path)
		return 0;
	fp = fopen(path, "r");
	if (!fp) {
		pr_warn("cannot open plan %s: %s\n", path, strerror(errno));
		return -errno;
	}
	text = calloc(1, XC_PLAN_MAX + 1);
	n = text ? fread(text, 1, XC_PLAN_MAX + 1, fp) : 0;
	fclose(fp);
	if (!text)
		return -ENOMEM;
	if (n > XC_PLAN_MAX) {
		pr_warn("plan %s: longer than %d bytes\n", path, XC_PLAN_MAX);
		free(text);
		return -EFBIG;
	}
	ret = xc_mbox_plan_parse(p, text, path, err, sizeof(err));
	if (ret)
		pr_warn("%s\n", err);
	free(text);
	return ret;
}

static int xc_ready(const char *path)
{
	int fd;

	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		pr_warn("cannot create %s: %s\n", path, strerror(errno));
		return -errno;
	}
	close(fd);
	return 0;
}

static void xc_box_free(struct xc_box *b)
{
	uint32_t i;

	if (!b)
		return;
	for (i = 0; i < b->nheld; i++)
		free(b->held[i].buf);
	free(b->held);
	free(b->stream_rx);
	free(b->late);
	xc_dq_free(&b->port[0].dq);
	xc_dq_free(&b->port[1].dq);
	xc_port_close(&b->port[0]);
	xc_port_close(&b->port[1]);
	free(b);
}

/* Delay mode: the queues, the lateness histogram, a punctual process. */
static int xc_delay_init(struct xc_box *b, const struct xc_opts *o)
{
	char why[192];
	int i;

	if (!o->delay_on)
		return 0;
	b->delay_on = true;
	b->delay_ns = o->delay_ns;
	b->tol_ns = o->tol_ns;
	b->late = malloc(sizeof(*b->late));
	if (!b->late)
		return -ENOMEM;
	xc_hist_init(b->late);
	for (i = 0; i < 2; i++) {
		b->port[i].stamp = true;
		if (xc_dq_init(&b->port[i].dq))
			return -ENOMEM;
	}
	b->fifo = xc_rt_setup(why, sizeof(why));
	if (*why)
		pr_warn("less punctual than it could be: %s\n", why);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = xc_on_signal };
	struct xc_opts o = { 0 };
	struct xc_box *b;
	int ret;

	xc_log_set_prefix("xc-mbox");
	xc_parse_args(argc, argv, &o);
	b = calloc(1, sizeof(*b));
	if (!b)
		return 1;
	b->port[0] = (struct xc_port){ .ifname = o.a, .fd = -1,
				       .peer = &b->port[1] };
	b->port[1] = (struct xc_port){ .ifname = o.b, .fd = -1,
				       .peer = &b->port[0] };
	b->stream_rx = calloc(UINT16_MAX + 1, sizeof(*b->stream_rx));
	ret = b->stream_rx ? 0 : -ENOMEM;
	ret = ret ?: xc_load_plan(&b->plan, o.plan);
	ret = ret ?: xc_delay_init(b, &o);
	ret = ret ?: xc_port_open(&b->port[0]);
	ret = ret ?: xc_port_open(&b->port[1]);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	b->t_start = xc_rt_ns();
	ret = ret ?: xc_ready(o.ready);
	if (ret) {
		xc_box_free(b);
		return 2;
	}
	xc_loop(b);
	xc_port_stats(&b->port[0]);
	xc_port_stats(&b->port[1]);
	ret = xc_report(b, o.stats);
	if (!ret && xc_lost(b)) {
		pr_warn("the box lost %llu frame(s) itself\n",
			(unsigned long long)xc_lost(b));
		ret = 1;
	}
	xc_box_free(b);
	return ret ? 1 : 0;
}
