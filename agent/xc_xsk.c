// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * UMEMs, AF_XDP sockets and our XDP program: choosing the mode, binding
 * every queue's socket and attaching the filter on the Rx side. libxdp
 * creates the sockets but never loads a program (INHIBIT_PROG_LOAD): we
 * attach our own with libbpf and detach only that one.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xc_compat.h"
#include "xc_dp_priv.h"
#include "xc_log.h"
#include "xc_util.h"
#include "xc_xdp.h"
#include "xc_xdp.skel.h"

#define XC_BUSY_RETRY_NS	1000000000ull

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

struct xc_mode_try {
	int mode;		/* XCEIVER__V1__XDP_MODE__* */
	uint32_t xdp_flags;
	uint16_t bind_flags;
	const char *name;
};

static const struct xc_mode_try xc_try_zc = {
	XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY, XDP_FLAGS_DRV_MODE,
	XDP_ZEROCOPY, "drv zero-copy"
};
static const struct xc_mode_try xc_try_drv = {
	XCEIVER__V1__XDP_MODE__XDP_MODE_DRV, XDP_FLAGS_DRV_MODE, XDP_COPY,
	"drv copy"
};
static const struct xc_mode_try xc_try_skb = {
	XCEIVER__V1__XDP_MODE__XDP_MODE_SKB, XDP_FLAGS_SKB_MODE, XDP_COPY,
	"skb copy"
};

int xc_xsk_check_queues(struct xc_dp *dp, const uint32_t *queues, size_t n,
			char *err, size_t errlen)
{
	uint32_t rxq, txq, q;
	size_t i, j;

	xc_ifinfo_queues(dp->ifname, dp->ifindex, &rxq, &txq);
	for (i = 0; i < n; i++) {
		q = queues[i];
		if (dp->has_rx && q >= rxq)
			return xc_errf(err, errlen, EINVAL,
				       "queue %u does not exist on %s (it has %u rx queue%s)",
				       q, dp->ifname, rxq, rxq == 1 ? "" : "s");
		if (dp->has_tx && q >= txq)
			return xc_errf(err, errlen, EINVAL,
				       "queue %u does not exist on %s (it has %u tx queue%s)",
				       q, dp->ifname, txq, txq == 1 ? "" : "s");
		for (j = 0; j < i; j++)
			if (queues[j] == q)
				return xc_errf(err, errlen, EINVAL,
					       "queue %u is listed twice", q);
	}
	return 0;
}

static int xc_area_alloc(struct xc_dp *dp, struct xc_sock *s, char *err,
			 size_t errlen)
{
	s->area_len = (size_t)dp->cfg.chunk_size * dp->cfg.num_chunks;
	s->area = mmap(NULL, s->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (s->area == MAP_FAILED) {
		s->area = NULL;
		return xc_errf(err, errlen, errno,
			       "cannot allocate a UMEM of %zu bytes: %s",
			       s->area_len, strerror(errno));
	}
	return 0;
}

static void xc_sock_close(struct xc_sock *s)
{
	xsk_socket__delete(s->xsk);
	s->xsk = NULL;
	if (s->umem && xsk_umem__delete(s->umem))
		pr_warn("queue %u: UMEM still in use\n", s->queue);
	s->umem = NULL;
}

static int xc_umem_open(struct xc_dp *dp, struct xc_sock *s, char *err,
			size_t errlen)
{
	const struct xc_xsk_cfg *c = &dp->cfg;
	struct xsk_umem_config uc = {
		.fill_size = c->fill_size,
		.comp_size = c->comp_size,
		.frame_size = c->chunk_size,
		.frame_headroom = c->headroom,
	};
	int ret;

	ret = xsk_umem__create(&s->umem, s->area, s->area_len, &s->fill,
			       &s->comp, &uc);
	if (ret) {
		s->umem = NULL;
		return xc_errf(err, errlen, ret,
			       "cannot register a UMEM of %u chunks of %u bytes (headroom %u) on queue %u: %s",
			       c->num_chunks, c->chunk_size, c->headroom,
			       s->queue, strerror(-ret));
	}
	return 0;
}

static int xc_bind_error(struct xc_dp *dp, struct xc_sock *s,
			 const struct xc_mode_try *t, int ret, char *err,
			 size_t errlen)
{
	if (ret == -EBUSY)
		return xc_errf(err, errlen, ret,
			       "queue %u of %s is already in use by another AF_XDP socket",
			       s->queue, dp->ifname);
	if (t->bind_flags & XDP_ZEROCOPY)
		return xc_errf(err, errlen, ret,
			       "%s cannot do zero-copy: binding queue %u failed: %s",
			       dp->ifname, s->queue, strerror(-ret));
	return xc_errf(err, errlen, ret,
		       "cannot bind an AF_XDP socket to %s queue %u (%s): %s",
		       dp->ifname, s->queue, t->name, strerror(-ret));
}

static int xc_sock_bind(struct xc_dp *dp, struct xc_sock *s,
			const struct xsk_socket_config *sc)
{
	int ret;

	ret = xsk_socket__create(&s->xsk, dp->ifname, s->queue, s->umem,
				 dp->has_rx ? &s->rx : NULL,
				 dp->has_tx ? &s->tx : NULL, sc);
	if (ret)
		s->xsk = NULL;
	return ret;
}

/*
 * UMEM and socket of one queue. The kernel frees a closed socket's hold on
 * its queue from a work item, so a queue released just before (a Release
 * followed by a Prepare) may still look busy for a moment: retry briefly.
 */
static int xc_sock_open(struct xc_dp *dp, struct xc_sock *s,
			const struct xc_mode_try *t, char *err,
			size_t errlen)
{
	const struct xc_xsk_cfg *c = &dp->cfg;
	struct xsk_socket_config sc = {
		.rx_size = c->rx_size,
		.tx_size = c->tx_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = t->xdp_flags,
		.bind_flags = t->bind_flags,
	};
	uint64_t end = xc_mono_ns() + XC_BUSY_RETRY_NS;
	struct timespec ts = { 0, 10000000 };
	int ret;

	if (c->need_wakeup)
		sc.bind_flags |= XDP_USE_NEED_WAKEUP;
	for (;;) {
		ret = xc_umem_open(dp, s, err, errlen);
		if (ret)
			return ret;
		ret = xc_sock_bind(dp, s, &sc);
		if (!ret)
			return 0;
		xc_sock_close(s);
		if (ret != -EBUSY || xc_mono_ns() > end)
			break;
		nanosleep(&ts, NULL);
	}
	return xc_bind_error(dp, s, t, ret, err, errlen);
}

static int xc_xdp_load(struct xc_dp *dp, char *err, size_t errlen)
{
	uint32_t max = XC_XSKMAP_MAX, i;
	int ret;

	dp->skel = xc_xdp__open();
	if (!dp->skel)
		return xc_errf(err, errlen, errno,
			       "cannot open the XDP program: %s",
			       strerror(errno));
	for (i = 0; i < dp->nsocks; i++)
		max = XC_MAX(max, dp->socks[i].queue + 1);
	bpf_map__set_max_entries(dp->skel->maps.xsks_map, max);
	dp->skel->bss->xc_cfg.port_lo = dp->port_lo;
	dp->skel->bss->xc_cfg.port_hi = dp->port_hi;
	dp->skel->bss->xc_cfg.action = XC_XDP_ACT_REDIRECT;
	ret = xc_xdp__load(dp->skel);
	if (ret)
		return xc_errf(err, errlen, ret,
			       "cannot load the XDP program: %s",
			       strerror(-ret));
	return 0;
}

static int xc_attach_error(struct xc_dp *dp, const struct xc_mode_try *t,
			   int ret, char *err, size_t errlen)
{
	uint32_t id = 0;

	if (ret == -EBUSY || ret == -EEXIST) {
		bpf_xdp_query_id(dp->ifindex, 0, &id);
		return xc_errf(err, errlen, -EBUSY,
			       "%s already has an XDP program attached (id %u) by someone else; detach it first (ip link set dev %s xdp off)",
			       dp->ifname, id, dp->ifname);
	}
	if (t->xdp_flags & XDP_FLAGS_DRV_MODE)
		return xc_errf(err, errlen, ret,
			       "%s cannot do native (drv) XDP: %s",
			       dp->ifname, strerror(-ret));
	return xc_errf(err, errlen, ret,
		       "cannot attach the XDP program to %s (%s): %s",
		       dp->ifname, t->name, strerror(-ret));
}

static int xc_xdp_attach(struct xc_dp *dp, const struct xc_mode_try *t,
			 char *err, size_t errlen)
{
	int fd = bpf_program__fd(dp->skel->progs.xc_xdp_filter);
	int ret;

	ret = bpf_xdp_attach(dp->ifindex, fd,
			     XDP_FLAGS_UPDATE_IF_NOEXIST | t->xdp_flags, NULL);
	if (ret)
		return xc_attach_error(dp, t, ret, err, errlen);
	dp->xdp_flags = t->xdp_flags;
	dp->attached = true;
	return 0;
}

static void xc_xdp_detach(struct xc_dp *dp)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int ret;

	if (!dp->attached)
		return;
	opts.old_prog_fd = bpf_program__fd(dp->skel->progs.xc_xdp_filter);
	ret = bpf_xdp_detach(dp->ifindex, dp->xdp_flags, &opts);
	if (ret)
		pr_warn("%s: cannot detach our XDP program: %s\n",
			dp->ifname, strerror(-ret));
	dp->attached = false;
}

static int xc_xskmap_add(struct xc_dp *dp, struct xc_sock *s, char *err,
			 size_t errlen)
{
	int map = bpf_map__fd(dp->skel->maps.xsks_map);
	int fd = xsk_socket__fd(s->xsk);
	uint32_t key = s->queue;

	if (bpf_map_update_elem(map, &key, &fd, 0))
		return xc_errf(err, errlen, errno,
			       "cannot add the socket of queue %u to the XSKMAP: %s",
			       s->queue, strerror(errno));
	return 0;
}

static void xc_socks_close(struct xc_dp *dp)
{
	uint32_t i;

	for (i = 0; i < dp->nsocks; i++)
		xc_sock_close(&dp->socks[i]);
}

/* Bind every socket as t says and attach the program on the Rx side. */
static int xc_try_mode(struct xc_dp *dp, const struct xc_mode_try *t,
		       char *err, size_t errlen)
{
	uint32_t i;
	int ret;

	if (dp->has_rx) {
		ret = xc_xdp_attach(dp, t, err, errlen);
		if (ret)
			return ret;
	}
	for (i = 0; i < dp->nsocks; i++) {
		ret = xc_sock_open(dp, &dp->socks[i], t, err, errlen);
		if (ret)
			goto fail;
		if (dp->has_rx) {
			ret = xc_xskmap_add(dp, &dp->socks[i], err, errlen);
			if (ret)
				goto fail;
		}
	}
	dp->mode = t->mode;
	dp->zero_copy = t->bind_flags & XDP_ZEROCOPY;
	return 0;
fail:
	xc_socks_close(dp);
	xc_xdp_detach(dp);
	return ret;
}

/* Errors that another mode would not cure. */
static bool xc_fatal(int ret)
{
	return ret == -EBUSY || ret == -EEXIST || ret == -ENOMEM ||
	       ret == -EPERM || ret == -ENODEV;
}

static int xc_try_auto(struct xc_dp *dp, char *err, size_t errlen)
{
	const struct xc_mode_try *tries[] = {
		&xc_try_zc, &xc_try_drv, &xc_try_skb
	};
	size_t i;
	int ret = -EINVAL;

	for (i = 0; i < XC_ARRAY_SIZE(tries); i++) {
		/* without a program, drv copy and skb copy are the same */
		if (!dp->has_rx && tries[i] == &xc_try_drv)
			continue;
		ret = xc_try_mode(dp, tries[i], err, errlen);
		if (!ret || xc_fatal(ret))
			return ret;
		pr_info("%s: %s not available (%s), trying the next mode\n",
			dp->ifname, tries[i]->name, err);
	}
	return ret;
}

int xc_xsk_setup(struct xc_dp *dp, int mode, char *err, size_t errlen)
{
	uint32_t i;
	int ret;

	for (i = 0; i < dp->nsocks; i++) {
		ret = xc_area_alloc(dp, &dp->socks[i], err, errlen);
		if (ret)
			return ret;
	}
	if (dp->has_rx) {
		ret = xc_xdp_load(dp, err, errlen);
		if (ret)
			return ret;
	}
	switch (mode) {
	case XCEIVER__V1__XDP_MODE__XDP_MODE_AUTO:
		return xc_try_auto(dp, err, errlen);
	case XCEIVER__V1__XDP_MODE__XDP_MODE_SKB:
		return xc_try_mode(dp, &xc_try_skb, err, errlen);
	case XCEIVER__V1__XDP_MODE__XDP_MODE_DRV:
		return xc_try_mode(dp, &xc_try_drv, err, errlen);
	case XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY:
		return xc_try_mode(dp, &xc_try_zc, err, errlen);
	default:
		return xc_errf(err, errlen, EINVAL, "unknown XDP mode %d",
			       mode);
	}
}

/* Sockets, UMEMs and program; NULL-tolerant, idempotent. */
void xc_xsk_teardown(struct xc_dp *dp)
{
	uint32_t i;

	xc_xdp_detach(dp);
	for (i = 0; i < dp->nsocks; i++) {
		xc_sock_close(&dp->socks[i]);
		if (dp->socks[i].area)
			munmap(dp->socks[i].area, dp->socks[i].area_len);
		dp->socks[i].area = NULL;
	}
	xc_xdp__destroy(dp->skel);
	dp->skel = NULL;
}

void xc_xsk_kick_tx(struct xc_sock *s)
{
	if (sendto(xsk_socket__fd(s->xsk), NULL, 0, MSG_DONTWAIT, NULL,
		   0) >= 0)
		return;
	if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS ||
	    errno == ENETDOWN || errno == EINTR)
		return;
	pr_warn("queue %u: Tx wakeup failed: %s\n", s->queue,
		strerror(errno));
}

void xc_xsk_stats(struct xc_sock *s, Xceiver__V1__XskStats *st)
{
	struct xdp_statistics x;
	socklen_t len = sizeof(x);

	st->queue = s->queue;
	memset(&x, 0, sizeof(x));
	if (s->xsk && getsockopt(xsk_socket__fd(s->xsk), SOL_XDP,
				 XDP_STATISTICS, &x, &len))
		pr_warn("queue %u: cannot read socket statistics: %s\n",
			s->queue, strerror(errno));
	st->rx_dropped = x.rx_dropped;
	st->rx_invalid_descs = x.rx_invalid_descs;
	st->tx_invalid_descs = x.tx_invalid_descs;
	st->rx_ring_full = x.rx_ring_full;
	st->rx_fill_ring_empty_descs = x.rx_fill_ring_empty_descs;
	st->tx_ring_empty_descs = x.tx_ring_empty_descs;
}

static uint64_t xc_xdp_stat(struct xc_dp *dp, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;
	int i;

	if (ncpu <= 0)
		return 0;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.xc_stats), &idx,
				 v))
		for (i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

void xc_xdp_log_stats(struct xc_dp *dp)
{
	if (!dp->skel)
		return;
	pr_info("%s: XDP filter: %llu redirected, %llu in range without a socket, %llu passed\n",
		dp->ifname,
		(unsigned long long)xc_xdp_stat(dp, XC_STAT_REDIRECTED),
		(unsigned long long)xc_xdp_stat(dp, XC_STAT_REDIRECT_FAIL),
		(unsigned long long)xc_xdp_stat(dp, XC_STAT_PASSED));
}
