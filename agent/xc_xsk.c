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
#include <unistd.h>
#include <arpa/inet.h>
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
#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif
/* largest headroom the kernel took on 6.18: chunk - 256 - 448 (measured) */
#define XC_UMEM_TAIL_MIN 448
#define XC_MAP_HUGE_2MB (21 << 26)	/* MAP_HUGE_2MB: log2(2 MiB) << 26 */
#ifndef BPF_F_XDP_HAS_FRAGS
#define BPF_F_XDP_HAS_FRAGS (1U << 5)
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

/* Huge pages reserved and free, from /proc/meminfo (0 when unknown). */
static void xc_huge_counts(unsigned long *total, unsigned long *avail)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	*total = 0;
	*avail = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "HugePages_Total: %lu", total);
		sscanf(line, "HugePages_Free: %lu", avail);
	}
	fclose(f);
}

static int xc_huge_error(size_t len, int code, char *err, size_t errlen)
{
	unsigned long total, avail, need = len / XC_HUGE_PAGE;

	xc_huge_counts(&total, &avail);
	if (!total)
		return xc_errf(err, errlen, code,
			       "no huge pages reserved: echo %lu > /proc/sys/vm/nr_hugepages (the UMEM needs %lu pages of 2 MiB)",
			       need, need);
	return xc_errf(err, errlen, code,
		       "not enough huge pages: the UMEM needs %lu pages of 2 MiB, %lu of %lu are free: echo %lu > /proc/sys/vm/nr_hugepages",
		       need, avail, total, total - avail + need);
}

/*
 * The UMEM. With huge_pages it is backed by 2 MiB hugetlb pages; without,
 * transparent huge pages are asked for (MADV_HUGEPAGE, before the pages
 * are touched) where the system allows them: every frame is in another
 * 4 KiB page, so with small pages nearly every frame the workers touch
 * misses the TLB, and in a guest a miss walks two page tables (measured on
 * veth in a KVM guest: about 5% more frames per second with THP).
 */
uint64_t xc_umem_area_len(const struct xc_xsk_cfg *c)
{
	uint64_t len = (uint64_t)c->chunk_size * c->num_chunks;

	if (c->huge_pages)
		len = (len + XC_HUGE_PAGE - 1) & ~((uint64_t)XC_HUGE_PAGE - 1);
	return len;
}

static int xc_area_alloc(struct xc_dp *dp, struct xc_sock *s, char *err,
			 size_t errlen)
{
	const struct xc_xsk_cfg *c = &dp->cfg;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t len;

	s->umem_len = (uint64_t)c->chunk_size * c->num_chunks;
	len = xc_umem_area_len(c);
	if (c->huge_pages)
		flags |= MAP_HUGETLB | XC_MAP_HUGE_2MB | MAP_POPULATE;
	s->area = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (s->area == MAP_FAILED) {
		s->area = NULL;
		if (c->huge_pages)
			return xc_huge_error(len, -errno, err, errlen);
		return xc_errf(err, errlen, errno,
			       "cannot allocate a UMEM of %zu bytes: %s", len,
			       strerror(errno));
	}
	s->area_len = len;
	s->area_huge = c->huge_pages;
	if (!c->huge_pages) {
		if (madvise(s->area, len, MADV_HUGEPAGE))
			pr_debug("no transparent huge pages for the UMEM: %s\n",
				 strerror(errno));
		/* fault it in now, not during a run */
		memset(s->area, 0, len);
	}
	return 0;
}

static void xc_sock_close(struct xc_sock *s)
{
	uint32_t i;

	for (i = 0; s->xs && i < s->nxs; i++) {
		xsk_socket__delete(s->xs[i].xsk);
		s->xs[i].xsk = NULL;
	}
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
		.flags = c->unaligned ? XDP_UMEM_UNALIGNED_CHUNK_FLAG : 0,
	};
	int ret;

	ret = xsk_umem__create(&s->umem, s->area, s->umem_len, &s->fill,
			       &s->comp, &uc);
	if (ret == -EINVAL && c->headroom > c->chunk_size -
					    XC_XDP_PACKET_HEADROOM -
					    XC_UMEM_TAIL_MIN) {
		s->umem = NULL;
		return xc_errf(err, errlen, ret,
			       "xsk.headroom %u is too large for %u-byte chunks: this kernel wants at most %u (chunk size - %u of XDP headroom - %u of tailroom and minimum frame)",
			       c->headroom, c->chunk_size,
			       c->chunk_size - XC_XDP_PACKET_HEADROOM -
			       XC_UMEM_TAIL_MIN, XC_XDP_PACKET_HEADROOM,
			       XC_UMEM_TAIL_MIN);
	}
	if (ret) {
		s->umem = NULL;
		return xc_errf(err, errlen, ret,
			       "cannot register a%s UMEM of %u chunks of %u bytes (headroom %u) on queue %u: %s",
			       c->unaligned ? "n unaligned" : "",
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
	if (dp->cfg.multi_buffer && ret == -EOPNOTSUPP)
		return xc_errf(err, errlen, ret,
			       "%s (%s) cannot do multi-buffer AF_XDP (XDP_USE_SG): %s",
			       dp->ifname, t->name, strerror(-ret));
	return xc_errf(err, errlen, ret,
		       "cannot bind an AF_XDP socket to %s queue %u (%s): %s",
		       dp->ifname, s->queue, t->name, strerror(-ret));
}

/* Socket i of queue s; the first creates the queue's fill/comp rings. */
static int xc_sock_bind(struct xc_dp *dp, struct xc_sock *s, uint32_t i,
			const struct xsk_socket_config *sc)
{
	struct xc_xs *x = &s->xs[i];
	int ret;

	if (i == 0)
		ret = xsk_socket__create(&x->xsk, dp->ifname, s->queue,
					 s->umem, dp->has_rx ? &x->rx : NULL,
					 dp->has_tx ? &x->tx : NULL, sc);
	else
		ret = xsk_socket__create_shared(&x->xsk, dp->ifname, s->queue,
						s->umem,
						dp->has_rx ? &x->rx : NULL,
						dp->has_tx ? &x->tx : NULL,
						&s->fill, &s->comp, sc);
	if (ret)
		x->xsk = NULL;
	return ret;
}

static int xc_sockopt(struct xc_sock *s, struct xc_xs *x, int opt,
		      const char *name, int val, char *err, size_t errlen)
{
	if (!setsockopt(xsk_socket__fd(x->xsk), SOL_SOCKET, opt, &val,
			sizeof(val)))
		return 0;
	return xc_errf(err, errlen, errno,
		       "busy poll: cannot set %s to %d on the socket of queue %u: %s",
		       name, val, s->queue, strerror(errno));
}

static int xc_busy_poll(struct xc_dp *dp, struct xc_sock *s, struct xc_xs *x,
			char *err, size_t errlen)
{
	const struct xc_xsk_cfg *c = &dp->cfg;
	int ret;

	if (!c->busy_poll)
		return 0;
	ret = xc_sockopt(s, x, SO_PREFER_BUSY_POLL, "SO_PREFER_BUSY_POLL", 1,
			 err, errlen);
	if (!ret)
		ret = xc_sockopt(s, x, SO_BUSY_POLL, "SO_BUSY_POLL",
				 XC_BUSY_POLL_US, err, errlen);
	if (!ret)
		ret = xc_sockopt(s, x, SO_BUSY_POLL_BUDGET,
				 "SO_BUSY_POLL_BUDGET",
				 c->busy_poll_budget ?: c->batch, err, errlen);
	return ret;
}

static int xc_sock_bind_all(struct xc_dp *dp, struct xc_sock *s,
			    const struct xsk_socket_config *sc)
{
	uint32_t i;
	int ret;

	for (i = 0; i < s->nxs; i++) {
		ret = xc_sock_bind(dp, s, i, sc);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * UMEM and sockets of one queue. The kernel frees a closed socket's hold on
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
	uint32_t i;
	int ret;

	if (c->need_wakeup)
		sc.bind_flags |= XDP_USE_NEED_WAKEUP;
	if (c->multi_buffer)
		sc.bind_flags |= XDP_USE_SG;
	for (;;) {
		ret = xc_umem_open(dp, s, err, errlen);
		if (ret)
			return ret;
		ret = xc_sock_bind_all(dp, s, &sc);
		if (!ret)
			break;
		xc_sock_close(s);
		if (ret != -EBUSY || xc_mono_ns() > end)
			return xc_bind_error(dp, s, t, ret, err, errlen);
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < s->nxs; i++) {
		ret = xc_busy_poll(dp, s, &s->xs[i], err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6)
#endif

/*
 * The program for this run and mode: with the metadata action only when
 * the run asks for it (a kernel may refuse bpf_xdp_adjust_meta), with the
 * VLAN kfunc only for tagged streams in native mode (it needs a program
 * bound to the device).
 */
static struct bpf_program *xc_xdp_pick(struct xc_dp *dp, bool vlan)
{
	struct xc_xdp *k = dp->skel;
	bool meta = dp->rxc.action ==
		    XCEIVER__V1__XDP_ACTION__XDP_ACTION_METADATA;
	struct bpf_program *all[] = {
		k->progs.xc_xdp_filter, k->progs.xc_xdp_filter_meta,
		k->progs.xc_xdp_filter_vlan, k->progs.xc_xdp_filter_vlan_meta,
	};
	struct bpf_program *p = all[meta + 2 * vlan];
	size_t i;

	for (i = 0; i < XC_ARRAY_SIZE(all); i++)
		bpf_program__set_autoload(all[i], all[i] == p);
	if (vlan) {
		bpf_program__set_ifindex(p, dp->ifindex);
		bpf_program__set_flags(p, bpf_program__flags(p) |
				       BPF_F_XDP_DEV_BOUND_ONLY);
	}
	return p;
}

static int xc_xdp_open(struct xc_dp *dp, bool vlan, char *err,
		       size_t errlen)
{
	uint32_t max = XC_XSKMAP_MAX, i;
	struct bpf_program *prog;

	dp->skel = xc_xdp__open();
	if (!dp->skel)
		return xc_errf(err, errlen, errno,
			       "cannot open the XDP program: %s",
			       strerror(errno));
	prog = xc_xdp_pick(dp, vlan);
	for (i = 0; i < dp->nsocks; i++)
		max = XC_MAX(max, (dp->socks[i].queue + 1) * dp->cfg.spq);
	bpf_map__set_max_entries(dp->skel->maps.xsks_map, max);
	if (dp->cfg.multi_buffer)
		bpf_program__set_flags(prog, bpf_program__flags(prog) |
				       BPF_F_XDP_HAS_FRAGS);
	dp->skel->bss->xc_cfg.port_lo = dp->port_lo;
	dp->skel->bss->xc_cfg.port_hi = dp->port_hi;
	dp->skel->bss->xc_cfg.action = dp->rxc.action;
	dp->skel->bss->xc_cfg.tail_adjust = dp->rxc.tail_adjust;
	dp->skel->bss->xc_cfg.socks_per_queue = dp->cfg.spq;
	dp->skel->bss->xc_cfg.magic = XC_MAGIC;
	dp->skel->bss->xc_cfg.run_tag_be = htonl((uint32_t)dp->run_id);
	xc_stamp_config(dp);
	dp->prog = prog;
	return 0;
}

void xc_dp_probe(struct xc_dp_caps *caps)
{
	struct xc_xdp *k = xc_xdp__open();
	int ret;

	memset(caps, 0, sizeof(*caps));
	if (!k) {
		snprintf(caps->why_not_meta, sizeof(caps->why_not_meta),
			 "cannot open the XDP program: %s", strerror(errno));
		return;
	}
	bpf_program__set_autoload(k->progs.xc_xdp_filter, false);
	bpf_program__set_autoload(k->progs.xc_xdp_filter_vlan, false);
	bpf_program__set_autoload(k->progs.xc_xdp_filter_vlan_meta, false);
	ret = xc_xdp__load(k);
	caps->xdp_meta = !ret;
	if (ret)
		snprintf(caps->why_not_meta, sizeof(caps->why_not_meta),
			 "the kernel refuses an XDP program that calls bpf_xdp_adjust_meta (%s)",
			 strerror(-ret));
	xc_xdp__destroy(k);
}

static void xc_xdp_close(struct xc_dp *dp)
{
	xc_stamp_unmap(dp);
	xc_xdp__destroy(dp->skel);
	dp->skel = NULL;
	dp->prog = NULL;
	dp->vlan_bound = false;
}

/*
 * Load the program for mode t. A device that takes no bound program
 * gets the one without the VLAN kfunc: tags its offload takes out are
 * then not known (counted in vlan_unverified).
 */
static int xc_xdp_load(struct xc_dp *dp, const struct xc_mode_try *t,
		       char *err, size_t errlen)
{
	bool vlan = dp->rx_vlan && (t->xdp_flags & XDP_FLAGS_DRV_MODE);
	int ret;

	xc_xdp_close(dp);
	ret = xc_xdp_open(dp, vlan, err, errlen);
	if (!ret)
		ret = xc_xdp__load(dp->skel);
	if (ret && vlan) {
		pr_info("%s: no device-bound XDP program (%s): 802.1Q tags the Rx offload takes out cannot be read\n",
			dp->ifname, strerror(-ret));
		xc_xdp_close(dp);
		vlan = false;
		ret = xc_xdp_open(dp, vlan, err, errlen);
		if (!ret)
			ret = xc_xdp__load(dp->skel);
	}
	if (ret &&
	    dp->rxc.action == XCEIVER__V1__XDP_ACTION__XDP_ACTION_METADATA)
		return xc_errf(err, errlen, ret,
			       "cannot load the XDP program with the metadata action (bpf_xdp_adjust_meta; the agent's log has the verifier's reason): %s",
			       strerror(-ret));
	if (ret)
		return xc_errf(err, errlen, ret,
			       "cannot load the XDP program: %s",
			       strerror(-ret));
	dp->vlan_bound = vlan;
	xc_stamp_map(dp);
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
	if ((t->xdp_flags & XDP_FLAGS_DRV_MODE) && ret == -ERANGE &&
	    !dp->cfg.multi_buffer)
		return xc_errf(err, errlen, ret,
			       "%s cannot do native (drv) XDP at its MTU without multi-buffer: set xsk.multi_buffer or lower the MTU (%s)",
			       dp->ifname, strerror(-ret));
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
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = t->xdp_flags);
	int fd = bpf_program__fd(dp->prog);
	int link;

	link = bpf_link_create(fd, dp->ifindex, BPF_XDP, &opts);
	if (link < 0)
		return xc_attach_error(dp, t, -errno, err, errlen);
	dp->xdp_flags = t->xdp_flags;
	dp->xdp_link = link;
	return 0;
}

/* Closing the link detaches our program, and only ours. */
static void xc_xdp_detach(struct xc_dp *dp)
{
	if (dp->xdp_link < 0)
		return;
	close(dp->xdp_link);
	dp->xdp_link = -1;
}

static int xc_xskmap_add(struct xc_dp *dp, struct xc_sock *s, char *err,
			 size_t errlen)
{
	int map = bpf_map__fd(dp->skel->maps.xsks_map);
	uint32_t i, key;
	int fd;

	for (i = 0; i < s->nxs; i++) {
		key = s->queue * dp->cfg.spq + i;
		fd = xsk_socket__fd(s->xs[i].xsk);
		if (bpf_map_update_elem(map, &key, &fd, 0))
			return xc_errf(err, errlen, errno,
				       "cannot add socket %u of queue %u to the XSKMAP: %s",
				       i, s->queue, strerror(errno));
	}
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
		ret = xc_xdp_load(dp, t, err, errlen) ?:
		      xc_xdp_attach(dp, t, err, errlen);
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
	xc_xdp_close(dp);
}

void xc_xsk_kick_tx(struct xc_sock *s, struct xc_xs *x)
{
	if (sendto(xsk_socket__fd(x->xsk), NULL, 0, MSG_DONTWAIT, NULL,
		   0) >= 0)
		return;
	if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS ||
	    errno == ENETDOWN || errno == EINTR)
		return;
	pr_warn("queue %u: Tx wakeup failed: %s\n", s->queue,
		strerror(errno));
}

void xc_xsk_stats(struct xc_sock *s, struct xc_xs *x,
		  Xceiver__V1__XskStats *st)
{
	struct xdp_statistics xst;
	socklen_t len = sizeof(xst);

	st->queue = s->queue;
	memset(&xst, 0, sizeof(xst));
	if (!x->xsk || getsockopt(xsk_socket__fd(x->xsk), SOL_XDP,
				  XDP_STATISTICS, &xst, &len)) {
		pr_warn("queue %u: cannot read socket statistics: %s\n",
			s->queue, x->xsk ? strerror(errno) : "no socket");
		st->unread = true;
		return;
	}
	st->rx_dropped = xst.rx_dropped;
	st->rx_invalid_descs = xst.rx_invalid_descs;
	st->tx_invalid_descs = xst.tx_invalid_descs;
	st->rx_ring_full = xst.rx_ring_full;
	st->rx_fill_ring_empty_descs = xst.rx_fill_ring_empty_descs;
	st->tx_ring_empty_descs = xst.tx_ring_empty_descs;
}

int xc_dp_queue_xsk(struct xc_dp *dp, uint32_t i,
		    Xceiver__V1__XskStats *st)
{
	struct xdp_statistics xst;
	struct xc_sock *s;
	socklen_t len;
	uint32_t j;

	if (!dp || i >= dp->nsocks)
		return -ENOENT;
	s = &dp->socks[i];
	st->queue = s->queue;
	for (j = 0; j < s->nxs; j++) {
		len = sizeof(xst);
		memset(&xst, 0, sizeof(xst));
		if (!s->xs[j].xsk)
			return -ENOTCONN;
		if (getsockopt(xsk_socket__fd(s->xs[j].xsk), SOL_XDP,
			       XDP_STATISTICS, &xst, &len))
			return -errno;
		st->rx_dropped += xst.rx_dropped;
		st->rx_invalid_descs += xst.rx_invalid_descs;
		st->tx_invalid_descs += xst.tx_invalid_descs;
		st->rx_ring_full += xst.rx_ring_full;
		st->rx_fill_ring_empty_descs += xst.rx_fill_ring_empty_descs;
		st->tx_ring_empty_descs += xst.tx_ring_empty_descs;
	}
	return 0;
}

/* One of the XDP program's counters, summed over CPUs; 0 or -errno. */
int xc_xdp_counter(struct xc_dp *dp, uint32_t idx, uint64_t *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v;
	int i, ret;

	*sum = 0;
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ret = bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.xc_stats), &idx,
				  v) ? -errno : 0;
	for (i = 0; !ret && i < ncpu; i++)
		*sum += v[i];
	free(v);
	return ret;
}

void xc_xdp_report(struct xc_dp *dp, Xceiver__V1__Report *r)
{
	int ret;

	if (!dp->skel)
		return;
	ret = xc_xdp_counter(dp, XC_STAT_REDIRECT_FAIL, &r->xdp_no_socket) ?:
	      xc_xdp_counter(dp, XC_STAT_ACTION_FAIL,
			       &r->xdp_action_failures) ?:
	      xc_xdp_counter(dp, XC_STAT_VLAN_RESTORED, &r->vlan_restored) ?:
	      xc_xdp_counter(dp, XC_STAT_VLAN_UNKNOWN, &r->vlan_unknown) ?:
	      xc_xdp_counter(dp, XC_STAT_REFLECTED, &r->xdp_reflected) ?:
	      xc_xdp_counter(dp, XC_STAT_NOT_OURS, &r->xdp_not_ours);
	if (!ret)
		return;
	pr_warn("%s: cannot read the XDP program's counters: %s\n",
		dp->ifname, strerror(-ret));
	r->xdp_stats_unread = true;
}

const volatile uint64_t *xc_xdp_vlan_unknown(struct xc_dp *dp)
{
	/* the skeleton's __u64 is the same 64 bits as uint64_t */
	return (const volatile uint64_t *)&dp->skel->bss->xc_vlan_unknown;
}

void xc_xdp_log_stats(struct xc_dp *dp)
{
	static const uint32_t idx[] = {
		XC_STAT_REDIRECTED, XC_STAT_REDIRECT_FAIL, XC_STAT_PASSED,
		XC_STAT_DROPPED, XC_STAT_ACTION_FAIL, XC_STAT_VLAN_RESTORED,
		XC_STAT_VLAN_UNKNOWN, XC_STAT_REFLECTED, XC_STAT_NOT_OURS,
	};
	unsigned long long v[XC_ARRAY_SIZE(idx)];
	uint64_t sum;
	size_t i;

	if (!dp->skel)
		return;
	for (i = 0; i < XC_ARRAY_SIZE(idx); i++) {
		if (xc_xdp_counter(dp, idx[i], &sum)) {
			pr_warn("%s: cannot read the XDP program's counters\n",
				dp->ifname);
			return;
		}
		v[i] = sum;
	}
	pr_info("%s: XDP filter: %llu redirected, %llu in range without a socket, %llu passed, %llu dropped on purpose, %llu action failures, %llu tags read back, %llu tags unknown, %llu reflected, %llu in range passed without our magic and run tag\n",
		dp->ifname, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
		v[8]);
}
