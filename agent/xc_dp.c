// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Data plane of one Prepare: checks the request, sets up sockets (xc_xsk.c),
 * runs the workers (xc_tx.c, xc_rx.c) and builds the report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "xc_dp_priv.h"
#include "xc_log.h"
#include "xc_util.h"

#define XC_XDP_PACKET_HEADROOM	256	/* kernel's headroom in copy mode */

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

static int xc_cfg_init(struct xc_xsk_cfg *c, const Xceiver__V1__XskConfig *x,
		       char *err, size_t errlen)
{
	c->chunk_size = xc_def(x->chunk_size, XC_DEF_CHUNK_SIZE);
	c->num_chunks = xc_def(x->num_chunks, XC_DEF_NUM_CHUNKS);
	c->headroom = x->headroom;
	c->fill_size = xc_def(x->fill_size, XSK_RING_PROD__DEFAULT_NUM_DESCS);
	c->comp_size = xc_def(x->comp_size, XSK_RING_CONS__DEFAULT_NUM_DESCS);
	c->rx_size = xc_def(x->rx_size, XSK_RING_CONS__DEFAULT_NUM_DESCS);
	c->tx_size = xc_def(x->tx_size, XSK_RING_PROD__DEFAULT_NUM_DESCS);
	c->batch = xc_def(x->batch_size, XC_DEF_BATCH);
	c->need_wakeup = !x->no_need_wakeup;
	c->use_poll = x->use_poll;
	if (c->chunk_size & (c->chunk_size - 1))
		return xc_errf(err, errlen, EINVAL,
			       "xsk.chunk_size %u is not a power of two",
			       c->chunk_size);
	if (c->num_chunks < 2)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.num_chunks %u is too small", c->num_chunks);
	if (c->headroom >= c->chunk_size / 2)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.headroom %u leaves no room in a %u-byte chunk",
			       c->headroom, c->chunk_size);
	if (c->batch > c->tx_size || c->batch > c->rx_size ||
	    c->batch > c->fill_size || c->batch > c->comp_size)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.batch_size %u exceeds a ring size", c->batch);
	return 0;
}

static void xc_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	/* the kernel accounts BPF and UMEM memory to memcg: best effort */
	if (setrlimit(RLIMIT_MEMLOCK, &r))
		pr_debug("cannot raise RLIMIT_MEMLOCK: %s (ignored)\n",
			 strerror(errno));
}

static int xc_dp_socks(struct xc_dp *dp, const Xceiver__V1__XskConfig *x,
		       char *err, size_t errlen)
{
	static const uint32_t q0;
	const uint32_t *qs = x->n_queues ? x->queues : &q0;
	size_t n = x->n_queues ? x->n_queues : 1, i;
	int ret;

	ret = xc_xsk_check_queues(dp, qs, n, err, errlen);
	if (ret)
		return ret;
	dp->socks = calloc(n, sizeof(*dp->socks));
	if (!dp->socks)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	dp->nsocks = n;
	for (i = 0; i < n; i++) {
		dp->socks[i].dp = dp;
		dp->socks[i].queue = qs[i];
	}
	return 0;
}

/* Redirect the UDP destination ports of every Rx stream. */
static void xc_dp_ports(struct xc_dp *dp, const Xceiver__V1__Prepare *p)
{
	uint32_t port;
	size_t i;

	dp->port_lo = UINT16_MAX;
	dp->port_hi = 0;
	for (i = 0; i < p->n_rx_streams; i++) {
		const Xceiver__V1__Headers *h = p->rx_streams[i]->headers;

		port = h && h->udp && h->udp->dst ? h->udp->dst :
		       XC_DEF_DST_PORT;
		dp->port_lo = XC_MIN(dp->port_lo, port);
		dp->port_hi = XC_MAX(dp->port_hi, port);
	}
}

static int xc_dp_rx_init(struct xc_dp *dp, const Xceiver__V1__Prepare *p,
			 char *err, size_t errlen)
{
	uint32_t room = dp->cfg.chunk_size - dp->cfg.headroom -
			XC_XDP_PACKET_HEADROOM;
	size_t i;
	int ret;

	for (i = 0; i < p->n_rx_streams; i++)
		if (p->rx_streams[i]->frame_size - XC_FCS_LEN > room)
			return xc_errf(err, errlen, EINVAL,
				       "rx stream %u: frame_size %u does not fit a %u-byte chunk with headroom %u (largest frame_size %u)",
				       p->rx_streams[i]->id,
				       p->rx_streams[i]->frame_size,
				       dp->cfg.chunk_size, dp->cfg.headroom,
				       room + XC_FCS_LEN);
	ret = xc_rxv_init(&dp->rxv, p->run_id, p->rx_streams,
			  p->n_rx_streams, XC_DEF_WINDOW_BITS,
			  xc_def(p->max_missing_ranges, XC_DEF_MAX_RANGES),
			  err, errlen);
	if (ret)
		return ret;
	dp->rxv_ready = true;
	xc_dp_ports(dp, p);
	return 0;
}

static int xc_txs_init(struct xc_dp *dp, struct xc_txs *t,
		       const Xceiver__V1__Stream *st, char *err,
		       size_t errlen)
{
	int ret;

	ret = xc_stream_tmpl_init(&t->tmpl, st, dp->run_id, err, errlen);
	if (ret)
		return ret;
	if (st->frame_size - XC_FCS_LEN > dp->cfg.chunk_size)
		return xc_errf(err, errlen, EINVAL,
			       "tx stream %u: frame_size %u does not fit a %u-byte chunk",
			       st->id, st->frame_size, dp->cfg.chunk_size);
	t->id = st->id;
	t->count = st->count;
	t->rate_pps = st->rate_pps;
	return 0;
}

/* Tx stream i goes to socket i % nsocks (a stream stays on one queue). */
static int xc_dp_tx_init(struct xc_dp *dp, const Xceiver__V1__Prepare *p,
			 char *err, size_t errlen)
{
	struct xc_sock *s;
	size_t i;
	int ret;

	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		s->txs = calloc(p->n_tx_streams / dp->nsocks + 1,
				sizeof(*s->txs));
		if (!s->txs)
			return xc_errf(err, errlen, ENOMEM, "out of memory");
	}
	for (i = 0; i < p->n_tx_streams; i++) {
		s = &dp->socks[i % dp->nsocks];
		ret = xc_txs_init(dp, &s->txs[s->ntxs], p->tx_streams[i], err,
				  errlen);
		if (ret)
			return ret;
		s->ntxs++;
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
	dp->has_tx = p->n_tx_streams > 0;
	dp->has_rx = p->n_rx_streams > 0;
	ret = xc_cfg_init(&dp->cfg, p->xsk, err, errlen);
	if (!ret)
		ret = xc_dp_socks(dp, p->xsk, err, errlen);
	if (!ret && dp->has_rx)
		ret = xc_dp_rx_init(dp, p, err, errlen);
	if (!ret && dp->has_tx)
		ret = xc_dp_tx_init(dp, p, err, errlen);
	if (!ret)
		ret = xc_xsk_setup(dp, p->xsk->mode, err, errlen);
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
		ret = pthread_create(tx ? &s->tx_thr : &s->rx_thr, NULL,
				     tx ? xc_tx_worker : xc_rx_worker, s);
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

int xc_dp_start(struct xc_dp *dp, char *err, size_t errlen)
{
	uint32_t i;
	int ret = 0;

	if (dp->started)
		return xc_errf(err, errlen, EALREADY, "already started");
	dp->started = true;
	dp->start_ns = xc_mono_ns();
	for (i = 0; i < dp->nsocks; i++)
		if (dp->socks[i].ntxs)
			dp->tx_left++;
	if (dp->has_rx)
		ret = xc_dp_spawn(dp, false, err, errlen);
	if (!ret && dp->has_tx)
		ret = xc_dp_spawn(dp, true, err, errlen);
	if (ret)
		xc_dp_join(dp);
	return ret;
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

static void *xc_msg_new(size_t size, void (*init)(void *))
{
	void *m = calloc(1, size);

	if (m)
		init(m);
	return m;
}

#define XC_NEW(type, init) \
	((type *)xc_msg_new(sizeof(type), (void (*)(void *))(init)))

static int xc_report_tx(struct xc_dp *dp, Xceiver__V1__Report *r)
{
	Xceiver__V1__TxStreamReport *t;
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
			t->stream_id = s->txs[j].id;
			t->sent = XC_LOAD(&s->txs[j].sent);
			t->bytes = XC_LOAD(&s->txs[j].bytes);
			r->tx[r->n_tx++] = t;
		}
		r->tx_frames += XC_LOAD(&s->tx_frames);
	}
	r->tx_elapsed_ns = XC_LOAD(&dp->tx_elapsed_ns);
	return 0;
}

static int xc_report_rx(struct xc_dp *dp, Xceiver__V1__Report *r)
{
	uint64_t first = UINT64_MAX, last = 0;
	Xceiver__V1__RxStreamReport *x;
	struct xc_sock *s;
	uint32_t i;
	int ret;

	if (!dp->rxv_ready)
		return 0;
	r->rx = calloc(dp->rxv.nstreams, sizeof(*r->rx));
	if (dp->rxv.nstreams && !r->rx)
		return -ENOMEM;
	for (i = 0; i < dp->rxv.nstreams; i++) {
		x = XC_NEW(Xceiver__V1__RxStreamReport,
			   xceiver__v1__rx_stream_report__init);
		if (!x)
			return -ENOMEM;
		r->rx[r->n_rx++] = x;
		ret = xc_rxstream_report(&dp->rxv.streams[i].st, x);
		if (ret)
			return ret;
	}
	r->foreign = dp->rxv.foreign;
	for (i = 0; i < dp->nsocks; i++) {
		s = &dp->socks[i];
		r->rx_frames += s->rx_frames;
		if (s->rx_first_ns)
			first = XC_MIN(first, s->rx_first_ns);
		last = XC_MAX(last, s->rx_last_ns);
	}
	if (first != UINT64_MAX)
		r->rx_elapsed_ns = last - first;
	return 0;
}

static int xc_report_xsk(struct xc_dp *dp, Xceiver__V1__Report *r)
{
	Xceiver__V1__XskStats *st;
	uint32_t i;

	r->xsk = calloc(dp->nsocks, sizeof(*r->xsk));
	if (!r->xsk)
		return -ENOMEM;
	for (i = 0; i < dp->nsocks; i++) {
		st = XC_NEW(Xceiver__V1__XskStats,
			    xceiver__v1__xsk_stats__init);
		if (!st)
			return -ENOMEM;
		xc_xsk_stats(&dp->socks[i], st);
		r->xsk[r->n_xsk++] = st;
	}
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
	if (dp->rxv_ready && !dp->rxv_finished) {
		xc_rxv_finish(&dp->rxv);
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
	if (ret) {
		xc_dp_report_free(r);
		return ret;
	}
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
	for (i = 0; i < r->n_rx; i++) {
		xc_rxstream_report_free(r->rx[i]);
		free(r->rx[i]);
	}
	for (i = 0; i < r->n_xsk; i++)
		free(r->xsk[i]);
	free(r->tx);
	free(r->rx);
	free(r->xsk);
	free(r);
}

void xc_dp_destroy(struct xc_dp *dp)
{
	uint32_t i;

	if (!dp)
		return;
	xc_dp_join(dp);
	xc_xsk_teardown(dp);
	for (i = 0; i < dp->nsocks; i++)
		xc_tx_free(&dp->socks[i]);
	free(dp->socks);
	if (dp->rxv_ready)
		xc_rxv_free(&dp->rxv);
	pthread_mutex_destroy(&dp->rxv_lock);
	free(dp);
}
