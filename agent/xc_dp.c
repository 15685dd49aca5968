// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Data plane of one Prepare: checks the request, sets up sockets (xc_xsk.c),
 * runs the workers (xc_tx.c, xc_rx.c) and builds the report.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "xc_dp_priv.h"
#include "xc_latdump.h"
#include "xc_limits.h"
#include "xc_log.h"
#include "xc_neigh.h"
#include "xc_sched.h"
#include "xc_spec.h"
#include "xc_util.h"

static const char *xc_mode_name(int mode)
{
	switch (mode) {
	case XCEIVER__V1__XDP_MODE__XDP_MODE_SKB:
		return "skb";
	case XCEIVER__V1__XDP_MODE__XDP_MODE_DRV:
		return "drv";
	case XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY:
		return "zero-copy";
	default:
		return "auto";
	}
}

static uint32_t xc_def(uint32_t v, uint32_t def)
{
	return v ? v : def;
}

static int xc_cfg_check(const struct xc_xsk_cfg *c, char *err,
			size_t errlen)
{
	if (c->chunk_size < XC_MIN_CHUNK_SIZE)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.chunk_size %u is below the kernel's minimum of %u",
			       c->chunk_size, XC_MIN_CHUNK_SIZE);
	if (!c->unaligned && (c->chunk_size & (c->chunk_size - 1)))
		return xc_errf(err, errlen, EINVAL,
			       "xsk.chunk_size %u is not a power of two (only unaligned chunks may have any size)",
			       c->chunk_size);
	if (c->num_chunks < 2)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.num_chunks %u is too small", c->num_chunks);
	if (c->headroom + XC_XDP_PACKET_HEADROOM >= c->chunk_size)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.headroom %u leaves no room in a %u-byte chunk (the kernel keeps %u bytes of XDP headroom too)",
			       c->headroom, c->chunk_size,
			       XC_XDP_PACKET_HEADROOM);
	if (c->batch > c->tx_size || c->batch > c->rx_size ||
	    c->batch > c->fill_size || c->batch > c->comp_size)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.batch_size %u exceeds a ring size", c->batch);
	if (c->spq > XC_MAX_SPQ)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.sockets_per_queue %u: at most %u",
			       c->spq, XC_MAX_SPQ);
	return 0;
}

static int xc_cfg_cpus(struct xc_xsk_cfg *c, const Xceiver__V1__XskConfig *x,
		       char *err, size_t errlen)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	size_t i;

	for (i = 0; i < x->n_cpus; i++)
		if (x->cpus[i] >= CPU_SETSIZE || (long)x->cpus[i] >= ncpu)
			return xc_errf(err, errlen, EINVAL,
				       "xsk.cpus[%zu]: cpu %u does not exist (this host has %ld)",
				       i, x->cpus[i], ncpu);
	if (!x->n_cpus)
		return 0;
	c->cpus = calloc(x->n_cpus, sizeof(*c->cpus));
	if (!c->cpus)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	memcpy(c->cpus, x->cpus, x->n_cpus * sizeof(*c->cpus));
	c->ncpus = x->n_cpus;
	return 0;
}

/*
 * Default Tx and completion rings. In copy mode the kernel copies a frame
 * out of the UMEM in sendto(), 32 descriptors a call: descriptors queued
 * beyond a few batches only put more frames between the worker's write of
 * a frame and the kernel's read of it, which then misses the cache
 * (measured on veth, 64-byte frames: 512 entries faster than 2048 in 14
 * of 18 interleaved runs, about 9% on average). Zero copy, and auto
 * which tries it first, keep libxdp's 2048 so that a NIC may work
 * further ahead.
 */
static uint32_t xc_def_tx_ring(int mode)
{
	return mode == XCEIVER__V1__XDP_MODE__XDP_MODE_SKB ||
	       mode == XCEIVER__V1__XDP_MODE__XDP_MODE_DRV ?
	       XC_DEF_TX_RING_COPY : XSK_RING_PROD__DEFAULT_NUM_DESCS;
}

/* The socket and UMEM configuration x asks for, defaults filled in. */
static void xc_cfg_defaults(struct xc_xsk_cfg *c,
			    const Xceiver__V1__XskConfig *x)
{
	c->chunk_size = xc_def(x->chunk_size, XC_DEF_CHUNK_SIZE);
	c->num_chunks = xc_def(x->num_chunks, XC_DEF_NUM_CHUNKS);
	c->headroom = x->headroom;
	c->fill_size = xc_def(x->fill_size, XC_DEF_RX_RING);
	c->comp_size = xc_def(x->comp_size, xc_def_tx_ring(x->mode));
	c->rx_size = xc_def(x->rx_size, XC_DEF_RX_RING);
	c->tx_size = xc_def(x->tx_size, xc_def_tx_ring(x->mode));
	c->batch = xc_def(x->batch_size, XC_DEF_BATCH);
	c->spq = xc_def(x->sockets_per_queue, 1);
	c->need_wakeup = !x->no_need_wakeup;
	c->use_poll = x->use_poll;
	c->unaligned = x->unaligned;
	c->huge_pages = x->huge_pages || x->unaligned;
	c->multi_buffer = x->multi_buffer;
	c->busy_poll = x->busy_poll;
	c->busy_poll_budget = x->busy_poll_budget;
	if (x->worker_sched == XCEIVER__V1__WORKER_SCHED__WORKER_SCHED_FIFO)
		c->rt_prio = xc_def(x->rt_priority, 1);
}

static int xc_cfg_init(struct xc_xsk_cfg *c, const Xceiver__V1__XskConfig *x,
		       char *err, size_t errlen)
{
	xc_cfg_defaults(c, x);
	return xc_cfg_check(c, err, errlen) ?:
	       xc_sched_check(c, err, errlen) ?:
	       xc_cfg_cpus(c, x, err, errlen);
}

static void xc_rx_cfg_init(struct xc_rx_cfg *r, const Xceiver__V1__RxOptions *o)
{
	if (!o)
		return;
	r->action = o->xdp_action;
	r->tail_adjust = o->tail_adjust;
	r->pressure = o->pressure;
	r->fill_posted = o->fill_posted;
	r->stop_after = o->stop_after;
	r->latency_off = o->latency_off;
}

static void xc_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	/* the kernel accounts BPF and UMEM memory to memcg: best effort */
	if (setrlimit(RLIMIT_MEMLOCK, &r))
		pr_debug("cannot raise RLIMIT_MEMLOCK: %s (ignored)\n",
			 strerror(errno));
}

/* The queues x names: its list, or queue 0. */
static int xc_dp_queues(const Xceiver__V1__XskConfig *x, const uint32_t **qs,
			size_t *n, char *err, size_t errlen)
{
	static const uint32_t q0;

	if (x->all_queues && !x->n_queues)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.all_queues: the queues were not listed (the controller lists them from IfInfo)");
	*qs = x->n_queues ? x->queues : &q0;
	*n = x->n_queues ? x->n_queues : 1;
	return 0;
}

static int xc_dp_socks(struct xc_dp *dp, const Xceiver__V1__XskConfig *x,
		       char *err, size_t errlen)
{
	const uint32_t *qs = NULL;
	size_t n = 0, i;
	int ret;

	ret = xc_dp_queues(x, &qs, &n, err, errlen) ?:
	      xc_xsk_check_queues(dp, qs, n, err, errlen);
	if (ret)
		return ret;
	dp->socks = calloc(n, sizeof(*dp->socks));
	if (!dp->socks)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	dp->nsocks = n;
	for (i = 0; i < n; i++) {
		dp->socks[i].dp = dp;
		dp->socks[i].queue = qs[i];
		dp->socks[i].xs = calloc(dp->cfg.spq, sizeof(struct xc_xs));
		if (!dp->socks[i].xs)
			return xc_errf(err, errlen, ENOMEM, "out of memory");
		dp->socks[i].nxs = dp->cfg.spq;
	}
	return 0;
}

/* Redirect the UDP destination ports (ranges) of every Rx stream. */
static void xc_dp_ports(struct xc_dp *dp, const Xceiver__V1__Prepare *p)
{
	const Xceiver__V1__UdpPorts *u;
	uint32_t lo, hi;
	size_t i;

	dp->port_lo = UINT16_MAX;
	dp->port_hi = 0;
	for (i = 0; i < p->n_rx_streams; i++) {
		u = p->rx_streams[i]->headers ?
		    p->rx_streams[i]->headers->udp : NULL;
		lo = u && u->dst ? u->dst : XC_DEF_DST_PORT;
		hi = u && u->dst_max > lo ? u->dst_max : lo;
		dp->port_lo = XC_MIN(dp->port_lo, lo);
		dp->port_hi = XC_MAX(dp->port_hi, XC_MIN(hi, UINT16_MAX));
	}
}

/*
 * Frames larger than an Rx chunk holds are dropped by the kernel (counted
 * in rx_dropped) unless multi-buffer is on; a scenario may want exactly
 * that, so this only warns.
 */
static void xc_dp_rx_fit(struct xc_dp *dp)
{
	uint32_t room = dp->cfg.chunk_size - dp->cfg.headroom -
			XC_XDP_PACKET_HEADROOM, i, max;
	const struct xc_rxv_stream *st;

	if (dp->cfg.multi_buffer)
		return;
	for (i = 0; i < dp->rxv.nstreams; i++) {
		st = &dp->rxv.streams[i];
		max = xc_gen_max_frame(&st->gen) - XC_FCS_LEN;
		if (dp->rxc.action ==
		    XCEIVER__V1__XDP_ACTION__XDP_ACTION_GROW_TAIL)
			max += dp->rxc.tail_adjust;
		if (max > room)
			pr_warn("%s: rx stream %u: frames of up to %u bytes do not fit a %u-byte chunk with headroom %u (largest frame_size %u): the kernel drops them (rx_dropped); multi_buffer takes larger ones\n",
				dp->ifname, st->st.id, max + XC_FCS_LEN,
				dp->cfg.chunk_size, dp->cfg.headroom,
				room + XC_FCS_LEN);
	}
}

static bool xc_dp_rx_tagged(const Xceiver__V1__Prepare *p)
{
	size_t i;

	for (i = 0; i < p->n_rx_streams; i++)
		if (p->rx_streams[i]->headers &&
		    p->rx_streams[i]->headers->vlan_id)
			return true;
	return false;
}

static int xc_dp_rx_init(struct xc_dp *dp, const Xceiver__V1__Prepare *p,
			 char *err, size_t errlen)
{
	struct xc_rxv_opts o = {
		.rx = p->rx_options,
		.peer_xsk = p->peer_xsk,
		.window_bits = XC_DEF_WINDOW_BITS,
		.max_ranges = xc_def(p->max_missing_ranges, XC_DEF_MAX_RANGES),
		.path = p->path,
	};
	int ret;

	ret = xc_rxv_init_opts(&dp->rxv, p->run_id, p->rx_streams,
			       p->n_rx_streams, &o, err, errlen);
	if (ret)
		return ret;
	dp->rxv_ready = true;
	ret = xc_latdump_start(&dp->rxv, err, errlen);
	if (ret)
		return ret;
	dp->rx_vlan = xc_dp_rx_tagged(p);
	xc_dp_ports(dp, p);
	xc_dp_rx_fit(dp);
	return 0;
}

/*
 * Default burst: a worker that fell behind (the kernel's work for a whole
 * batch runs in its sendto() on a copy-mode socket; a vCPU is taken away
 * for a millisecond or more now and then) catches up on what 10 ms at the
 * rate holds, at least one batch; longer stalls are lost, and the report
 * says how much (pace_lost_ns). With 1 ms, runs at half the full speed
 * lost up to 56 ms a second to such stalls here.
 *
 * A receiver whose Rx ring the spec set small cannot take such a burst
 * while anything else delays it: its share of half that ring bounds the
 * burst (dp->peer_burst_max). 1000 frames caught up into a 512-entry ring
 * at 100 kpps lost 155 to 640 frames (ring full) in 3 of 200 runs beside
 * two CPU hogs.
 */
#define XC_TX_CATCHUP_NS	10000000ull

static uint32_t xc_txs_burst(const struct xc_dp *dp,
			     const struct xc_rate_cfg *cfg)
{
	double n = xc_rate_cfg_pps(cfg, cfg->frame_bytes) * XC_TX_CATCHUP_NS /
		   1e9;

	if (dp->peer_burst_max && n > dp->peer_burst_max)
		n = dp->peer_burst_max;
	if (n < dp->cfg.batch)
		return dp->cfg.batch;
	return n > XC_RATE_BURST_MAX ? XC_RATE_BURST_MAX : (uint32_t)n;
}

static int xc_txs_init(struct xc_dp *dp, struct xc_txs *t,
		       const Xceiver__V1__Stream *st,
		       const Xceiver__V1__XskConfig *x, char *err,
		       size_t errlen)
{
	struct xc_umem_geom geom;
	uint32_t max;
	int ret;

	ret = xc_stream_tmpl_init(&t->tmpl, st, dp->run_id, err, errlen);
	if (ret)
		return ret;
	xc_umem_geom_from(&geom, x);
	ret = xc_gen_init(&t->gen, st, dp->run_id, &geom, err, errlen);
	if (ret)
		return ret;
	t->gen_ready = true;
	max = xc_gen_max_frame(&t->gen) - XC_FCS_LEN;
	if (max > dp->cfg.chunk_size && !dp->cfg.multi_buffer)
		return xc_errf(err, errlen, EINVAL,
			       "tx stream %u: frames of up to %u bytes do not fit a %u-byte chunk (multi_buffer takes larger ones)",
			       st->id, max + XC_FCS_LEN, dp->cfg.chunk_size);
	t->id = st->id;
	t->count = st->count;
	t->rate_cfg.unit = st->rate_pps ? XC_RATE_PPS :
			   !st->rate_bps ? XC_RATE_UNLIMITED :
			   st->rate_l1 ? XC_RATE_L1_BPS : XC_RATE_L2_BPS;
	t->rate_cfg.rate = st->rate_pps ?: st->rate_bps;
	t->rate_cfg.frame_bytes = xc_gen_frame_size(&t->gen, 0);
	t->rate_cfg.burst = st->burst ?: xc_txs_burst(dp, &t->rate_cfg);
	ret = xc_rate_init(&t->rate, &t->rate_cfg, 0, err, errlen);
	if (ret)
		return ret;
	dp->tx_rate_pps += xc_rate_cfg_pps(&t->rate_cfg,
					   t->rate_cfg.frame_bytes);
	return 0;
}

/*
 * A routed path: the frames go to the gateway's MAC, looked up here
 * (resolved when the neighbour table has none).
 */
static int xc_dp_gateway(struct xc_dp *dp, const Xceiver__V1__Prepare *p,
			 char *err, size_t errlen)
{
	if (!p->gateway || !*p->gateway)
		return 0;
	dp->has_gw = true;
	return xc_neigh_resolve(dp->ifindex, dp->ifname, p->gateway,
				dp->gw_mac, XC_NEIGH_TIMEOUT_MS, err, errlen);
}

/* Tx stream i goes to socket i % nsocks (a stream stays on one queue). */
static int xc_dp_tx_init(struct xc_dp *dp, const Xceiver__V1__Prepare *p,
			 char *err, size_t errlen)
{
	struct xc_txs *t;
	struct xc_sock *s;
	size_t i;
	int ret;

	ret = xc_dp_gateway(dp, p, err, errlen);
	if (ret)
		return ret;
	if (p->peer_xsk && p->peer_xsk->rx_size)
		dp->peer_burst_max = p->peer_xsk->rx_size / 2 /
				     (uint32_t)p->n_tx_streams;
	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		s->txs = calloc(p->n_tx_streams / dp->nsocks + 1,
				sizeof(*s->txs));
		if (!s->txs)
			return xc_errf(err, errlen, ENOMEM, "out of memory");
	}
	for (i = 0; i < p->n_tx_streams; i++) {
		s = &dp->socks[i % dp->nsocks];
		s->ntxs++;
		t = &s->txs[s->ntxs - 1];
		ret = xc_txs_init(dp, t, p->tx_streams[i], p->xsk, err,
				  errlen);
		if (ret)
			return ret;
		if (dp->has_gw)
			memcpy(t->tmpl.hdr, dp->gw_mac, sizeof(dp->gw_mac));
	}
	return 0;
}

/* Split each UMEM and post the Rx chunks. */
static int xc_dp_umem_split(struct xc_dp *dp, char *err, size_t errlen)
{
	uint32_t i;
	int ret;

	for (i = 0; i < dp->nsocks; i++) {
		if (dp->has_tx) {
			ret = xc_tx_init(&dp->socks[i], err, errlen);
			if (ret)
				return ret;
		}
		if (dp->has_rx) {
			ret = xc_rx_fill(&dp->socks[i], err, errlen);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int xc_prepared_fill(struct xc_dp *dp, Xceiver__V1__Prepared *reply,
			    char *err, size_t errlen)
{
	Xceiver__V1__IfInfo *info = malloc(sizeof(*info));
	int ret;

	if (!info)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	ret = xc_ifinfo_get(dp->ifname, info, err, errlen);
	if (ret) {
		free(info);
		return ret;
	}
	reply->ifinfo = info;
	reply->mode = dp->mode;
	reply->zero_copy = dp->zero_copy;
	return 0;
}

/*
 * What a Prepare may ask for: the spec's limits (xc_limits.h), checked
 * again here because a peer's message is input like any other; the
 * validator allocates its missing ranges and anomalies up front.
 */
static int xc_dp_check_limits(const Xceiver__V1__Prepare *p, char *err,
			      size_t errlen)
{
	size_t n = p->n_tx_streams + p->n_rx_streams;
	uint32_t anoms = p->rx_options && p->rx_options->max_anomalies ?
			 p->rx_options->max_anomalies : XC_DEF_MAX_ANOMALIES;
	uint32_t ranges = xc_def(p->max_missing_ranges, XC_DEF_MAX_RANGES);
	uint64_t fit;

	if (n > XC_MAX_STREAMS)
		return xc_errf(err, errlen, EINVAL,
			       "prepare: %zu streams, at most %u",
			       n, XC_MAX_STREAMS);
	if (anoms > XC_MAX_ANOMALIES)
		return xc_errf(err, errlen, EINVAL,
			       "rx_options.max_anomalies: %u is above the maximum of %u",
			       anoms, XC_MAX_ANOMALIES);
	fit = xc_report_max_ranges(p->n_rx_streams, anoms);
	if (ranges > fit)
		return xc_errf(err, errlen, EINVAL,
			       "max_missing_ranges: %u ranges for each of %zu rx streams do not fit a report: at most %llu",
			       ranges, p->n_rx_streams,
			       (unsigned long long)fit);
	return 0;
}

static int xc_dp_check(const Xceiver__V1__Prepare *p, char *err,
		       size_t errlen)
{
	if (!p || !p->xsk || !p->xsk->ifname || !*p->xsk->ifname)
		return xc_errf(err, errlen, EINVAL,
			       "prepare: xsk.ifname is missing");
	if (strlen(p->xsk->ifname) >= IF_NAMESIZE)
		return xc_errf(err, errlen, EINVAL,
			       "interface name %s is too long", p->xsk->ifname);
	if (!p->n_tx_streams && !p->n_rx_streams)
		return xc_errf(err, errlen, EINVAL,
			       "prepare: no tx_streams and no rx_streams");
	if (p->timeline_interval_ns &&
	    (p->timeline_interval_ns < XC_MIN_TL_INTERVAL_NS ||
	     p->timeline_interval_ns > XC_MAX_TL_INTERVAL_NS))
		return xc_errf(err, errlen, EINVAL,
			       "prepare: timeline interval %llu ns is outside [%llu, %llu]",
			       (unsigned long long)p->timeline_interval_ns,
			       XC_MIN_TL_INTERVAL_NS, XC_MAX_TL_INTERVAL_NS);
	return xc_dp_check_limits(p, err, errlen);
}

/* Each queue below XC_MAX_QUEUES and listed once. */
static int xc_ask_queues(const struct xc_dp_ask *a, char *err, size_t errlen)
{
	uint8_t seen[XC_MAX_QUEUES / 8] = { 0 };
	uint32_t q;
	size_t i;

	for (i = 0; i < a->nqueues; i++) {
		q = a->queues[i];
		if (q >= XC_MAX_QUEUES)
			return xc_errf(err, errlen, EINVAL,
				       "xsk.queues[%zu]: queue %u: at most %u",
				       i, q, XC_MAX_QUEUES - 1);
		if (seen[q / 8] & (1u << (q % 8)))
			return xc_errf(err, errlen, EINVAL,
				       "queue %u is listed twice", q);
		seen[q / 8] |= 1u << (q % 8);
	}
	return 0;
}

static uint64_t xc_add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Frames, paced rate and time of the streams, added to a. */
static void xc_ask_streams(struct xc_dp_ask *a,
			   Xceiver__V1__Stream *const *st, size_t n)
{
	double pps, ms;
	size_t i;

	for (i = 0; i < n; i++) {
		a->frames = xc_add_sat(a->frames, st[i]->count);
		pps = xc_spec_stream_pps(st[i]);
		if (pps <= 0 && !a->full_speed) {
			a->full_speed = true;
			a->full_speed_id = st[i]->id;
		}
		if (pps <= 0)
			continue;
		a->rate_pps += pps;
		ms = (double)st[i]->count * 1000.0 / pps;
		a->duration_ms = XC_MAX(a->duration_ms, ms);
	}
}

int xc_dp_ask(const Xceiver__V1__Prepare *p, struct xc_dp_ask *a, char *err,
	      size_t errlen)
{
	struct xc_xsk_cfg c = { 0 };
	struct xc_rx_sizing z;
	int ret;

	memset(a, 0, sizeof(*a));
	ret = xc_dp_check(p, err, errlen) ?:
	      xc_dp_queues(p->xsk, &a->queues, &a->nqueues, err, errlen) ?:
	      xc_ask_queues(a, err, errlen);
	if (ret)
		return ret;
	a->ifname = p->xsk->ifname;
	a->rx = p->n_rx_streams > 0;
	xc_cfg_defaults(&c, p->xsk);
	if (a->rx)
		xc_rx_size(&c, &z, p, a->nqueues, p->n_tx_streams > 0);
	a->umem_bytes = a->nqueues * xc_umem_area_len(&c);
	xc_ask_streams(a, p->tx_streams, p->n_tx_streams);
	xc_ask_streams(a, p->rx_streams, p->n_rx_streams);
	return 0;
}

static int xc_dp_setup(struct xc_dp *dp, const Xceiver__V1__Prepare *p,
		       char *err, size_t errlen)
{
	int ret;

	snprintf(dp->ifname, sizeof(dp->ifname), "%s", p->xsk->ifname);
	dp->ifindex = if_nametoindex(dp->ifname);
	if (!dp->ifindex)
		return xc_errf(err, errlen, ENODEV,
			       "interface %s does not exist", dp->ifname);
	dp->run_id = p->run_id;
	dp->tl_iv_ns = p->timeline_interval_ns ?: XC_DEF_TL_INTERVAL_NS;
	dp->has_tx = p->n_tx_streams > 0;
	dp->has_rx = p->n_rx_streams > 0;
	ret = xc_cfg_init(&dp->cfg, p->xsk, err, errlen);
	xc_rx_cfg_init(&dp->rxc, p->rx_options);
	if (!ret)
		ret = xc_dp_socks(dp, p->xsk, err, errlen);
	if (!ret && dp->has_rx)
		xc_rx_size(&dp->cfg, &dp->rx_sizing, p, dp->nsocks,
			   dp->has_tx);
	if (!ret && dp->has_rx)
		ret = xc_dp_rx_init(dp, p, err, errlen);
	if (!ret && dp->has_tx)
		ret = xc_dp_tx_init(dp, p, err, errlen);
	if (!ret)
		ret = xc_xsk_setup(dp, p->xsk->mode, err, errlen);
	/* a tag taken out is unknown unless the program reads it back */
	if (!ret && dp->has_rx)
		xc_rxv_set_vlan_strip(&dp->rxv, dp->rx_vlan && !dp->vlan_bound);
	if (!ret && dp->has_rx && dp->rx_vlan && dp->vlan_bound)
		xc_rxv_set_vlan_unknown(&dp->rxv, xc_xdp_vlan_unknown(dp));
	if (!ret && dp->has_rx && dp->stamps)
		xc_rxv_set_xdp_ns(&dp->rxv, xc_stamp_ns, dp);
	if (!ret)
		ret = xc_dp_umem_split(dp, err, errlen);
	return ret;
}

int xc_dp_prepare(struct xc_dp **out, const Xceiver__V1__Prepare *p,
		  Xceiver__V1__Prepared *reply, void (*notify)(void *arg),
		  void *arg, char *err, size_t errlen)
{
	struct xc_dp *dp;
	int ret;

	*out = NULL;
	ret = xc_dp_check(p, err, errlen);
	if (ret)
		return ret;
	xc_memlock();
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	pthread_mutex_init(&dp->rxv_lock, NULL);
	dp->xdp_link = -1;
	dp->notify = notify;
	dp->arg = arg;
	ret = xc_dp_setup(dp, p, err, errlen);
	if (!ret)
		ret = xc_prepared_fill(dp, reply, err, errlen);
	if (ret) {
		xc_dp_destroy(dp);
		return ret;
	}
	pr_info("%s: %u queue%s, %s mode%s%s%s\n", dp->ifname, dp->nsocks,
		dp->nsocks == 1 ? "" : "s", xc_mode_name(dp->mode),
		dp->has_tx ? ", tx" : "", dp->has_rx ? ", rx" : "",
		dp->cfg.use_poll ? ", poll" : "");
	*out = dp;
	return 0;
}

void xc_prepared_free(Xceiver__V1__Prepared *reply)
{
	if (!reply)
		return;
	xc_ifinfo_free(reply->ifinfo);
	free(reply->ifinfo);
	reply->ifinfo = NULL;
}

static void xc_dp_join(struct xc_dp *dp)
{
	struct xc_sock *s;
	uint32_t i;

	XC_STORE(&dp->stop, 1);
	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		if (s->tx_running)
			pthread_join(s->tx_thr, NULL);
		if (s->rx_running)
			pthread_join(s->rx_thr, NULL);
		s->tx_running = false;
		s->rx_running = false;
	}
	dp->joined = true;
}

static int xc_dp_spawn(struct xc_dp *dp, bool tx, char *err, size_t errlen)
{
	struct xc_sock *s;
	uint32_t i;
	int ret;

	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		if (tx && !s->ntxs)
			continue;
		ret = xc_sched_spawn(&dp->cfg, tx ? &s->tx_thr : &s->rx_thr,
				     tx ? xc_tx_worker : xc_rx_worker, s);
		if (ret == EPERM && dp->cfg.rt_prio)
			return xc_errf(err, errlen, ret,
				       "cannot start the %s worker of queue %u with SCHED_FIFO priority %u: the host refuses real-time scheduling (give the agent CAP_SYS_NICE, or drop xsk.worker_sched)",
				       tx ? "tx" : "rx", s->queue,
				       dp->cfg.rt_prio);
		if (ret)
			return xc_errf(err, errlen, ret,
				       "cannot start the %s worker of queue %u: %s",
				       tx ? "tx" : "rx", s->queue,
				       strerror(ret));
		if (tx)
			s->tx_running = true;
		else
			s->rx_running = true;
	}
	return 0;
}

int xc_dp_start(struct xc_dp *dp, unsigned int what, char *err,
		size_t errlen)
{
	bool rx = (what & XC_DP_START_RX) && dp->has_rx;
	bool tx = (what & XC_DP_START_TX) && dp->has_tx;
	uint32_t i;
	int ret = 0;

	if ((rx && dp->rx_started) || (tx && dp->tx_started))
		return xc_errf(err, errlen, EALREADY, "%s already started",
			       rx && dp->rx_started ? "rx" : "tx");
	if (!dp->started) {
		ret = xc_sample_start(dp, err, errlen);
		if (ret)
			return ret;
		dp->started = true;
		dp->start_ns = xc_mono_ns();
	}
	if (rx) {
		dp->rx_started = true;
		ret = xc_dp_spawn(dp, false, err, errlen);
	}
	if (!ret && tx) {
		dp->tx_started = true;
		for (i = 0; i < dp->nsocks; i++)
			if (dp->socks[i].ntxs)
				dp->tx_left++;
		ret = xc_dp_spawn(dp, true, err, errlen);
	}
	if (ret)
		xc_dp_join(dp);
	return ret;
}

void xc_dp_clock_offset(struct xc_dp *dp, int64_t offset_ns,
			uint64_t bound_ns, bool known)
{
	if (!dp->rxv_ready)
		return;
	if (dp->rx_started) {
		pr_warn("%s: clock offset after the Rx workers started: not applied\n",
			dp->ifname);
		return;
	}
	xc_rxv_clock_offset(&dp->rxv, offset_ns, bound_ns, known);
}

bool xc_dp_has_rx(const struct xc_dp *dp)
{
	return dp && dp->has_rx;
}

void xc_dp_progress(struct xc_dp *dp, struct xc_dp_progress *pr)
{
	struct xc_sock *s;
	uint32_t i;

	memset(pr, 0, sizeof(*pr));
	if (!dp)
		return;
	if (dp->started)
		pr->elapsed_ns = xc_mono_ns() - dp->start_ns;
	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		pr->tx_frames += XC_LOAD(&s->tx_frames);
		pr->rx_frames += XC_LOAD(&s->rx_frames);
		pr->rx_valid += XC_LOAD(&s->rx_valid);
	}
	pr->tx_done = XC_LOAD(&dp->tx_done);
}

int xc_dp_queue_progress(struct xc_dp *dp, uint32_t i, uint32_t *queue,
			 struct xc_dp_progress *pr)
{
	struct xc_sock *s;

	memset(pr, 0, sizeof(*pr));
	if (!dp || i >= dp->nsocks)
		return -ENOENT;
	s = &dp->socks[i];
	*queue = s->queue;
	pr->tx_frames = XC_LOAD(&s->tx_frames);
	pr->rx_frames = XC_LOAD(&s->rx_frames);
	pr->rx_valid = XC_LOAD(&s->rx_valid);
	return 0;
}

const char *xc_dp_ifname(const struct xc_dp *dp)
{
	return dp->ifname;
}

static void *xc_msg_new(size_t size, void (*init)(void *))
{
	void *m = calloc(1, size);

	if (m)
		init(m);
	return m;
}

#define XC_NEW(type, init) \
	((type *)xc_msg_new(sizeof(type), (void (*)(void *))(init)))

/* Read after the Tx worker ended: the schedule is no longer written. */
static void xc_report_pace(Xceiver__V1__TxStreamReport *t,
			   const struct xc_txs *txs)
{
	if (xc_rate_unlimited(&txs->rate))
		return;
	t->pace_restarts = txs->rate.resets;
	t->pace_lost_ns = txs->rate.lost_ns;
	t->pace_burst = txs->rate.burst;
}

/*
 * The side's achieved rate: frames less one over the time from the first
 * frame queued to the last (first..last over all streams); frames over
 * the Tx elapsed time when no span is known.
 */
static double xc_report_tx_rate(const Xceiver__V1__Report *r,
				uint64_t first, uint64_t last)
{
	if (r->tx_frames > 1 && last > first)
		return (r->tx_frames - 1) * 1e9 / (last - first);
	if (r->tx_elapsed_ns)
		return r->tx_frames * 1e9 / r->tx_elapsed_ns;
	return 0;
}

static int xc_report_tx(struct xc_dp *dp, Xceiver__V1__Report *r)
{
	uint64_t first = UINT64_MAX, last = 0;
	Xceiver__V1__TxStreamReport *t;
	const struct xc_txs *txs;
	struct xc_sock *s;
	uint32_t i, j;

	for (i = 0; i < dp->nsocks; i++)
		r->n_tx += dp->socks[i].ntxs;
	r->tx = r->n_tx ? calloc(r->n_tx, sizeof(*r->tx)) : NULL;
	if (r->n_tx && !r->tx)
		return -ENOMEM;
	r->n_tx = 0;
	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		for (j = 0; j < s->ntxs; j++) {
			t = XC_NEW(Xceiver__V1__TxStreamReport,
				   xceiver__v1__tx_stream_report__init);
			if (!t)
				return -ENOMEM;
			txs = &s->txs[j];
			t->stream_id = txs->id;
			t->sent = XC_LOAD(&txs->sent);
			t->bytes = XC_LOAD(&txs->bytes);
			xc_report_pace(t, txs);
			t->span_ns = txs->last_ns - txs->first_ns;
			if (txs->next_seq) {
				first = XC_MIN(first, txs->first_ns);
				last = XC_MAX(last, txs->last_ns);
			}
			r->tx[r->n_tx++] = t;
			r->tx_bytes += t->bytes;
			r->tx_invalid_sent += XC_LOAD(&txs->invalid_sent);
		}
		r->tx_frames += XC_LOAD(&s->tx_frames);
		r->tx_uncompleted += s->outstanding;	/* workers joined */
		r->tx_cpu_ns += s->tx_cpu_ns;
	}
	r->tx_elapsed_ns = XC_LOAD(&dp->tx_elapsed_ns);
	r->tx_rate_requested_pps = dp->tx_rate_pps;
	r->tx_rate_achieved_pps = xc_report_tx_rate(r, first, last);
	return 0;
}

/* Frames left on the Rx rings (the workers are joined). */
static uint64_t xc_report_unread(struct xc_dp *dp)
{
	struct xc_sock *s;
	uint64_t n = 0;
	uint32_t i, j;

	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		for (j = 0; j < s->nxs; j++)
			if (s->xs[j].xsk)
				n += xsk_cons_nb_avail(&s->xs[j].rx,
						       dp->cfg.rx_size);
	}
	return n;
}

static int xc_report_rx(struct xc_dp *dp, Xceiver__V1__Report *r)
{
	uint64_t first = UINT64_MAX, last = 0;
	struct xc_sock *s;
	uint32_t i;
	int ret;

	/* a reflector's frames never reach its sockets: its sender reports */
	if (!dp->rxv_ready ||
	    dp->rxc.action == XCEIVER__V1__XDP_ACTION__XDP_ACTION_REFLECT)
		return 0;
	ret = xc_rxv_report(&dp->rxv, r);
	if (ret)
		return ret;
	if (r->latency) {
		/* where xc_tx.c and xc_rx.c read the clock */
		r->latency->clock = (char *)"CLOCK_TAI";
		r->latency->tx_stamp =
			(char *)"tx ring (user space, one stamp per batch)";
		r->latency->rx_stamp = dp->rxc.latency_off ?
			(char *)"nowhere (rx_options.latency_off: not timed)" :
			(char *)"rx worker (user space, one reading per batch)";
		r->latency->rx_xdp_stamp = (char *)xc_stamp_where(dp);
	}
	r->rx_frames = 0;
	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		r->rx_frames += XC_LOAD(&s->rx_frames);
		r->rx_bytes += XC_LOAD(&s->rx_bytes);
		r->rx_cpu_ns += s->rx_cpu_ns;
		if (s->rx_first_ns)
			first = XC_MIN(first, s->rx_first_ns);
		last = XC_MAX(last, s->rx_last_ns);
	}
	if (first != UINT64_MAX)
		r->rx_elapsed_ns = last - first;
	r->rx_ring_unread = xc_report_unread(dp);
	return 0;
}

static void xc_report_spread(struct xc_sock *s, uint32_t j)
{
	pr_info("%s queue %u socket %u: %llu Rx descriptors\n",
		s->dp->ifname, s->queue, j,
		(unsigned long long)XC_LOAD(&s->xs[j].rx_descs));
}

/* Socket statistics: one entry per socket (several per shared queue). */
static int xc_report_xsk(struct xc_dp *dp, Xceiver__V1__Report *r)
{
	Xceiver__V1__XskStats *st;
	uint32_t i, j, n = dp->nsocks * dp->cfg.spq;

	r->xsk = calloc(n, sizeof(*r->xsk));
	if (!r->xsk)
		return -ENOMEM;
	for (i = 0; i < dp->nsocks; i++) {
		for (j = 0; j < dp->socks[i].nxs; j++) {
			st = XC_NEW(Xceiver__V1__XskStats,
				    xceiver__v1__xsk_stats__init);
			if (!st)
				return -ENOMEM;
			xc_xsk_stats(&dp->socks[i], &dp->socks[i].xs[j], st);
			st->rx_descs = XC_LOAD(&dp->socks[i].xs[j].rx_descs);
			r->xsk[r->n_xsk++] = st;
			if (dp->has_rx && dp->socks[i].nxs > 1)
				xc_report_spread(&dp->socks[i], j);
		}
	}
	return 0;
}

static void xc_report_rss(Xceiver__V1__Report *r)
{
	struct rusage ru;

	if (!getrusage(RUSAGE_SELF, &ru))
		r->peak_rss_kb = ru.ru_maxrss;
}

#define XC_VLAN_RX(x)	XCEIVER__V1__VLAN_RX__VLAN_RX_##x

/*
 * How the tags of tagged Rx streams were seen: in the frames, read back
 * from XDP metadata where the offload took them out, or (a program that
 * cannot read them) not known for the frames counted vlan_unverified.
 */
static void xc_report_vlan(const struct xc_dp *dp, Xceiver__V1__Report *r)
{
	uint64_t unverified = 0;
	size_t i;

	if (!dp->rx_vlan) {
		r->vlan_rx = XC_VLAN_RX(NONE);
		return;
	}
	for (i = 0; i < r->n_rx; i++)
		unverified += r->rx[i]->vlan_unverified;
	if (dp->vlan_bound && (r->vlan_restored || r->vlan_unknown))
		r->vlan_rx = r->vlan_unknown ? XC_VLAN_RX(UNKNOWN) :
					       XC_VLAN_RX(XDP_METADATA);
	else
		r->vlan_rx = unverified ? XC_VLAN_RX(UNKNOWN) :
					  XC_VLAN_RX(INLINE);
}

/* A receiving side's ring and UMEM sizes, and why. */
/* What the side's workers ran with. */
/* Read after the workers are joined. */
static void xc_report_sched(const struct xc_dp *dp, Xceiver__V1__Report *r)
{
	uint32_t i;

	if (dp->cfg.rt_prio) {
		r->worker_sched = XCEIVER__V1__WORKER_SCHED__WORKER_SCHED_FIFO;
		r->rt_priority = dp->cfg.rt_prio;
		return;
	}
	if (!dp->rx_started)
		return;
	for (i = 0; i < dp->nsocks; i++)
		if (!dp->socks[i].rx_rt_waits)
			return;
	r->worker_sched = XCEIVER__V1__WORKER_SCHED__WORKER_SCHED_FIFO_WAITS;
	r->rt_priority = XC_RX_RT_PRIO;
}

static int xc_report_sizing(const struct xc_dp *dp, Xceiver__V1__Report *r)
{
	if (!dp->has_rx)
		return 0;
	r->rx_sizing = XC_NEW(Xceiver__V1__RxSizing,
			      xceiver__v1__rx_sizing__init);
	if (!r->rx_sizing)
		return -ENOMEM;
	xc_rx_sizing_report(&dp->cfg, &dp->rx_sizing, r->rx_sizing);
	return 0;
}

int xc_dp_report(struct xc_dp *dp, Xceiver__V1__Report **out)
{
	Xceiver__V1__Report *r;
	int ret;

	*out = NULL;
	if (!dp)
		return -EINVAL;
	xc_dp_join(dp);
	xc_sample_stop(dp);
	if (dp->rxv_ready && !dp->rxv_finished) {
		xc_rxv_finish(&dp->rxv);
		xc_latdump_stop(&dp->rxv);
		dp->rxv_finished = true;
		xc_xdp_log_stats(dp);
	}
	r = XC_NEW(Xceiver__V1__Report, xceiver__v1__report__init);
	if (!r)
		return -ENOMEM;
	ret = xc_report_tx(dp, r);
	if (!ret)
		ret = xc_report_rx(dp, r);
	if (!ret)
		ret = xc_report_xsk(dp, r);
	if (!ret)
		ret = xc_report_sizing(dp, r);
	if (!ret)
		ret = xc_sample_report(dp, r);
	if (ret) {
		xc_dp_report_free(r);
		return ret;
	}
	xc_report_rss(r);
	xc_report_sched(dp, r);
	xc_xdp_report(dp, r);
	xc_report_vlan(dp, r);
	*out = r;
	return 0;
}

void xc_dp_report_free(Xceiver__V1__Report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_tx; i++)
		free(r->tx[i]);
	for (i = 0; i < r->n_xsk; i++)
		free(r->xsk[i]);
	free(r->tx);
	free(r->xsk);
	free(r->rx_sizing);
	xc_sample_report_free(r);
	xc_rxv_report_free(r);
	free(r);
}

uint64_t xc_thread_cpu_ns(void)
{
	return xc_now_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* Pin the calling worker (index i) as xsk.cpus asks. */
void xc_worker_pin(struct xc_dp *dp, uint32_t index)
{
	cpu_set_t set;
	uint32_t cpu;
	int ret;

	if (!dp->cfg.ncpus)
		return;
	cpu = dp->cfg.cpus[index % dp->cfg.ncpus];
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ret = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (ret)
		pr_warn("%s: cannot pin worker %u to cpu %u: %s\n",
			dp->ifname, index, cpu, strerror(ret));
}

void xc_dp_destroy(struct xc_dp *dp)
{
	uint32_t i;

	if (!dp)
		return;
	xc_dp_join(dp);
	xc_sample_free(dp);
	xc_xsk_teardown(dp);
	for (i = 0; i < dp->nsocks; i++) {
		xc_tx_free(&dp->socks[i]);
		xc_rx_free(&dp->socks[i]);
		free(dp->socks[i].xs);
	}
	free(dp->socks);
	if (dp->rxv_ready) {
		xc_latdump_stop(&dp->rxv);
		xc_rxv_free(&dp->rxv);
	}
	free(dp->cfg.cpus);
	pthread_mutex_destroy(&dp->rxv_lock);
	free(dp);
}
