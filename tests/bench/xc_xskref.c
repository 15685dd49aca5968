// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xc-xskref: a bare AF_XDP reference for the bench, nothing but descriptor
 * handling (no validation, no rate control).
 *
 *   xc-xskref tx --dev IF [--queue Q] [--mode skb|drv] --seconds S
 *                --frame HEX [--warmup W] [--cpu N]
 *	txonly: the frame is written once into every UMEM chunk; the loop
 *	submits batches of up to 64 Tx descriptors, kicks the kernel when it
 *	asks for it and reaps the completion ring. Counts the completions of
 *	the S seconds after the warm-up (default 0.5 s). No XDP program.
 *   xc-xskref rx --dev IF [--queue Q] [--mode skb|drv] --seconds S
 *                [--cpu N]
 *	rxdrop behind libxdp's default XDP program: every Rx descriptor goes
 *	straight back to the fill ring. S = 0 runs until SIGTERM or SIGINT.
 *
 * --cpu N pins the process (its one thread) to CPU N before anything else.
 *
 * Both print one JSON line on stdout when done; "seconds" is the measured
 * window for tx and the span from the first to the last frame for rx.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <limits.h>
#include <math.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "xc_log.h"
#include "xc_util.h"

#define XC_REF_BATCH		64
#define XC_REF_CHUNK		XSK_UMEM__DEFAULT_FRAME_SIZE
#define XC_REF_RING		XSK_RING_PROD__DEFAULT_NUM_DESCS
#define XC_REF_CHUNKS		(2 * XC_REF_RING)
#define XC_REF_FRAME_MIN	14
#define XC_REF_FRAME_MAX	(XC_REF_CHUNK - \
			 XSK_UMEM__DEFAULT_FRAME_HEADROOM)
#define XC_REF_NS		1000000000ULL
#define XC_REF_RETRIES		20
#define XC_REF_RETRY_NS		50000000L

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

struct xc_ref_opts {
	const char *dev;
	uint32_t queue;
	bool tx;
	bool drv;
	double seconds;
	double warmup;
	int cpu;		/* -1: not pinned */
	uint8_t frame[XC_REF_FRAME_MAX];
	uint32_t frame_len;
};

struct xc_ref {
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
};

/* The figures of one run. */
struct xc_ref_count {
	uint64_t frames;	/* in the measured window */
	uint64_t total;		/* over the whole run */
	uint64_t t0;		/* window start, ns */
	uint64_t t1;		/* window end, ns */
};

static volatile sig_atomic_t xc_stop;

static void xc_on_signal(int sig)
{
	xc_stop = 1;
}

static int xc_signals(void)
{
	struct sigaction sa = { .sa_handler = xc_on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		return -errno;
	return 0;
}

static void xc_usage(void)
{
	fprintf(stderr,
		"usage: xc-xskref tx --dev IF [--queue Q] [--mode skb|drv] "
		"--seconds S --frame HEX [--warmup W] [--cpu N]\n"
		"       xc-xskref rx --dev IF [--queue Q] [--mode skb|drv] "
		"--seconds S (0: until SIGTERM/SIGINT) [--cpu N]\n");
}

/* ------------------------------------------------------------ options */

static int xc_parse_hex(const char *s, struct xc_ref_opts *o)
{
	size_t len = strlen(s), i;
	int hi, lo;

	if (len % 2) {
		pr_warn("bad --frame: odd number of hex digits (%zu)\n", len);
		return -EINVAL;
	}
	if (len / 2 < XC_REF_FRAME_MIN || len / 2 > XC_REF_FRAME_MAX) {
		pr_warn("bad --frame: %zu bytes, want %d..%d\n", len / 2,
			XC_REF_FRAME_MIN, XC_REF_FRAME_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i += 2) {
		hi = xc_hex_digit(s[i]);
		lo = xc_hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0) {
			pr_warn("bad --frame: '%c' at digit %zu is not hex\n",
				hi < 0 ? s[i] : s[i + 1], hi < 0 ? i : i + 1);
			return -EINVAL;
		}
		o->frame[i / 2] = hi << 4 | lo;
	}
	o->frame_len = len / 2;
	return 0;
}

static int xc_parse_secs(const char *name, const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(*v) || *v < 0 ||
	    *v > 86400) {
		pr_warn("bad --%s '%s': seconds 0..86400\n", name, s);
		return -EINVAL;
	}
	return 0;
}

/* --NAME: a number 0..max (a queue or a CPU). */
static int xc_parse_num(const char *name, const char *s, unsigned long max,
			unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *v > max) {
		pr_warn("bad --%s '%s': a number 0..%lu\n", name, s, max);
		return -EINVAL;
	}
	return 0;
}

static int xc_parse_mode(const char *s, bool *drv)
{
	if (!strcmp(s, "skb") || !strcmp(s, "drv")) {
		*drv = !strcmp(s, "drv");
		return 0;
	}
	pr_warn("bad --mode '%s': skb or drv\n", s);
	return -EINVAL;
}

static int xc_parse_opt(int c, const char *arg, struct xc_ref_opts *o,
			bool *have_secs)
{
	unsigned long v = 0;
	int ret;

	switch (c) {
	case 'd':
		o->dev = arg;
		return 0;
	case 'q':
		ret = xc_parse_num("queue", arg, UINT16_MAX, &v);
		o->queue = v;
		return ret;
	case 'm':
		return xc_parse_mode(arg, &o->drv);
	case 's':
		*have_secs = true;
		return xc_parse_secs("seconds", arg, &o->seconds);
	case 'w':
		return xc_parse_secs("warmup", arg, &o->warmup);
	case 'f':
		return xc_parse_hex(arg, o);
	case 'c':
		ret = xc_parse_num("cpu", arg, CPU_SETSIZE - 1, &v);
		o->cpu = (int)v;
		return ret;
	}
	xc_usage();
	return -EINVAL;
}

static int xc_parse_role(const char *s, struct xc_ref_opts *o)
{
	if (s && (!strcmp(s, "tx") || !strcmp(s, "rx"))) {
		o->tx = !strcmp(s, "tx");
		return 0;
	}
	pr_warn("first argument must be tx or rx, not '%s'\n", s ? s : "");
	xc_usage();
	return -EINVAL;
}

static int xc_parse_args(int argc, char **argv, struct xc_ref_opts *o)
{
	static const struct option lopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "queue", required_argument, NULL, 'q' },
		{ "mode", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 's' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "frame", required_argument, NULL, 'f' },
		{ "cpu", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	bool have_secs = false;
	int c, ret;

	o->warmup = 0.5;
	o->cpu = -1;
	ret = xc_parse_role(argc > 1 ? argv[1] : NULL, o);
	if (ret)
		return ret;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		ret = xc_parse_opt(c, optarg, o, &have_secs);
		if (ret)
			return ret;
	}
	if (optind < argc) {
		pr_warn("unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!o->dev || !have_secs) {
		pr_warn("--dev and --seconds are required\n");
		return -EINVAL;
	}
	if (o->tx && !o->frame_len) {
		pr_warn("tx needs --frame HEX (the frame's bytes)\n");
		return -EINVAL;
	}
	return 0;
}

/* The interface and its queue, checked before libxdp gives EINVAL. */
static int xc_check_dev(const struct xc_ref_opts *o)
{
	char path[PATH_MAX];
	struct stat st;

	if (!if_nametoindex(o->dev)) {
		pr_warn("no interface '%s' in this network namespace\n",
			o->dev);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", o->dev);
	if (stat(path, &st))
		return 0;	/* no sysfs here: the bind will tell */
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues/%s-%u",
		 o->dev, o->tx ? "tx" : "rx", o->queue);
	if (stat(path, &st)) {
		pr_warn("interface '%s' has no %s queue %u\n", o->dev,
			o->tx ? "Tx" : "Rx", o->queue);
		return -EINVAL;
	}
	return 0;
}

/* The whole process on CPU o->cpu, if asked for. */
static int xc_pin(const struct xc_ref_opts *o)
{
	cpu_set_t set;
	int ret;

	if (o->cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(o->cpu, &set);
	if (!sched_setaffinity(0, sizeof(set), &set))
		return 0;
	ret = -errno;
	pr_warn("--cpu %d: cannot pin the process to CPU %d: %s (%ld CPUs "
		"online; is CPU %d in this process's cpuset?)\n", o->cpu,
		o->cpu, strerror(-ret), sysconf(_SC_NPROCESSORS_ONLN), o->cpu);
	return ret;
}

/* ------------------------------------------------------------ socket */

static void xc_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	if (setrlimit(RLIMIT_MEMLOCK, &r))
		pr_debug("cannot raise RLIMIT_MEMLOCK: %s (ignored)\n",
			 strerror(errno));
}

static void xc_ref_close(struct xc_ref *r)
{
	if (!r)
		return;
	xsk_socket__delete(r->xsk);
	r->xsk = NULL;
	if (r->umem)
		xsk_umem__delete(r->umem);
	r->umem = NULL;
	if (r->area)
		munmap(r->area, (size_t)XC_REF_CHUNKS * XC_REF_CHUNK);
	r->area = NULL;
}

static int xc_ref_umem(struct xc_ref *r)
{
	size_t len = (size_t)XC_REF_CHUNKS * XC_REF_CHUNK;
	void *area;
	int ret;

	area = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (area == MAP_FAILED) {
		ret = -errno;
		pr_warn("cannot map a UMEM of %zu bytes: %s\n", len,
			strerror(-ret));
		return ret;
	}
	r->area = area;
	ret = xsk_umem__create(&r->umem, area, len, &r->fill, &r->comp,
			       NULL);
	if (ret) {
		r->umem = NULL;
		pr_warn("cannot register the UMEM (%zu bytes): %s\n", len,
			strerror(-ret));
	}
	return ret;
}

static int xc_ref_socket(struct xc_ref *r, const struct xc_ref_opts *o,
			 bool last)
{
	struct xsk_socket_config sc = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.xdp_flags = o->drv ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE,
		.bind_flags = XDP_USE_NEED_WAKEUP | (o->drv ? 0 : XDP_COPY),
	};
	int ret;

	if (o->tx)
		sc.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
	ret = xsk_socket__create(&r->xsk, o->dev, o->queue, r->umem,
				 o->tx ? NULL : &r->rx, o->tx ? &r->tx : NULL,
				 &sc);
	if (ret) {
		r->xsk = NULL;
		if (ret == -EBUSY && !last)
			return ret;
		pr_warn("cannot bind an AF_XDP socket to %s queue %u "
			"(%s mode): %s%s\n", o->dev, o->queue,
			o->drv ? "drv" : "skb", strerror(-ret),
			ret == -EBUSY || ret == -EEXIST ?
			" (the queue or the interface's XDP hook in use?)" :
			"");
	}
	return ret;
}

static int xc_ref_open_once(struct xc_ref *r, const struct xc_ref_opts *o,
			    bool last)
{
	int ret;

	ret = xc_ref_umem(r);
	if (ret)
		goto err;
	ret = xc_ref_socket(r, o, last);
	if (ret)
		goto err;
	return 0;
err:
	xc_ref_close(r);
	return ret;
}

/*
 * The kernel lets go of a queue's previous AF_XDP socket a little after
 * its close (deferred work): a bind right after it may see EBUSY. Try
 * again for about a second, with a fresh UMEM each time.
 */
static int xc_ref_open(struct xc_ref *r, const struct xc_ref_opts *o)
{
	struct timespec ts = { 0, XC_REF_RETRY_NS };
	int ret, i;

	xc_memlock();
	for (i = 0; i < XC_REF_RETRIES; i++) {
		ret = xc_ref_open_once(r, o,
				       i == XC_REF_RETRIES - 1 || xc_stop);
		if (ret != -EBUSY || xc_stop)
			break;
		pr_debug("%s queue %u busy, trying again\n", o->dev,
			 o->queue);
		nanosleep(&ts, NULL);
	}
	return ret;
}

static int xc_wakeup_err(int err, const char *what)
{
	if (err == EAGAIN || err == EBUSY || err == ENOBUFS || err == EINTR ||
	    err == ENETDOWN)
		return 0;
	pr_warn("%s wakeup failed: %s\n", what, strerror(err));
	return -err;
}

/* ------------------------------------------------------------ tx */

static void xc_tx_fill_umem(struct xc_ref *r, const struct xc_ref_opts *o)
{
	uint32_t i;

	for (i = 0; i < XC_REF_CHUNKS; i++)
		memcpy((uint8_t *)r->area + (size_t)i * XC_REF_CHUNK, o->frame,
		       o->frame_len);
}

static uint32_t xc_tx_reap(struct xc_ref *r)
{
	uint32_t idx, n;

	n = xsk_ring_cons__peek(&r->comp, XC_REF_RING, &idx);
	if (n)
		xsk_ring_cons__release(&r->comp, n);
	return n;
}

static uint32_t xc_tx_submit(struct xc_ref *r, uint32_t len, uint32_t free,
			     uint32_t *next)
{
	uint32_t n, idx, i;
	struct xdp_desc *d;

	n = xsk_prod_nb_free(&r->tx, XC_REF_BATCH);
	if (n > XC_REF_BATCH)
		n = XC_REF_BATCH;
	if (n > free)
		n = free;
	if (!n || xsk_ring_prod__reserve(&r->tx, n, &idx) != n)
		return 0;
	for (i = 0; i < n; i++) {
		d = xsk_ring_prod__tx_desc(&r->tx, idx + i);
		d->addr = (uint64_t)*next * XC_REF_CHUNK;
		d->len = len;
		d->options = 0;
		*next = (*next + 1) % XC_REF_CHUNKS;
	}
	xsk_ring_prod__submit(&r->tx, n);
	return n;
}

static int xc_tx_kick(struct xc_ref *r)
{
	if (!xsk_ring_prod__needs_wakeup(&r->tx))
		return 0;
	if (sendto(xsk_socket__fd(r->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	return xc_wakeup_err(errno, "Tx");
}

static int xc_tx_loop(struct xc_ref *r, const struct xc_ref_opts *o,
		      struct xc_ref_count *c)
{
	uint64_t start, end, now;
	uint32_t next = 0, outstanding = 0, done;
	int ret = 0;

	xc_tx_fill_umem(r, o);
	start = xc_mono_ns();
	c->t0 = start + (uint64_t)(o->warmup * XC_REF_NS);
	end = o->seconds > 0 ? c->t0 + (uint64_t)(o->seconds * XC_REF_NS) :
			       UINT64_MAX;
	c->t1 = c->t0;
	while (!xc_stop) {
		done = xc_tx_reap(r);
		outstanding -= done;
		c->total += done;
		now = xc_mono_ns();
		if (now >= end)
			break;
		if (now >= c->t0) {
			c->frames += done;
			c->t1 = now;
		}
		outstanding += xc_tx_submit(r, o->frame_len,
					    XC_REF_CHUNKS - outstanding, &next);
		ret = xc_tx_kick(r);
		if (ret)
			break;
	}
	if (c->t1 < c->t0)
		c->t1 = c->t0;
	return ret;
}

/* ------------------------------------------------------------ rx */

static int xc_rx_prefill(struct xc_ref *r)
{
	uint32_t idx, i;

	if (xsk_ring_prod__reserve(&r->fill, XC_REF_RING, &idx) !=
	    XC_REF_RING) {
		pr_warn("cannot prefill the fill ring\n");
		return -ENOSPC;
	}
	for (i = 0; i < XC_REF_RING; i++)
		*xsk_ring_prod__fill_addr(&r->fill, idx + i) =
			(uint64_t)i * XC_REF_CHUNK;
	xsk_ring_prod__submit(&r->fill, XC_REF_RING);
	return 0;
}

static int xc_rx_wakeup(struct xc_ref *r)
{
	if (!xsk_ring_prod__needs_wakeup(&r->fill))
		return 0;
	if (recvfrom(xsk_socket__fd(r->xsk), NULL, 0, MSG_DONTWAIT, NULL,
		     NULL) >= 0)
		return 0;
	return xc_wakeup_err(errno, "Rx");
}

/* Give n chunks back to the fill ring; waits for room like rxdrop. */
static int xc_rx_refill(struct xc_ref *r, const uint64_t *addrs, uint32_t n)
{
	uint32_t idx, i;
	int ret;

	while (xsk_ring_prod__reserve(&r->fill, n, &idx) != n) {
		ret = xc_rx_wakeup(r);
		if (ret || xc_stop)
			return ret;
	}
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&r->fill, idx + i) = addrs[i];
	xsk_ring_prod__submit(&r->fill, n);
	return 0;
}

static int xc_rx_batch(struct xc_ref *r, uint32_t *got)
{
	uint64_t addrs[XC_REF_BATCH];
	uint32_t idx, i, n;

	n = xsk_ring_cons__peek(&r->rx, XC_REF_BATCH, &idx);
	*got = n;
	if (!n)
		return xc_rx_wakeup(r);
	for (i = 0; i < n; i++)
		addrs[i] = xsk_umem__extract_addr(
			xsk_ring_cons__rx_desc(&r->rx, idx + i)->addr);
	xsk_ring_cons__release(&r->rx, n);
	return xc_rx_refill(r, addrs, n);
}

static int xc_rx_loop(struct xc_ref *r, const struct xc_ref_opts *o,
		      struct xc_ref_count *c)
{
	uint64_t end = UINT64_MAX, now;
	uint32_t got;
	int ret;

	ret = xc_rx_prefill(r);
	if (ret)
		return ret;
	if (o->seconds > 0)
		end = xc_mono_ns() + (uint64_t)(o->seconds * XC_REF_NS);
	while (!xc_stop) {
		ret = xc_rx_batch(r, &got);
		if (ret)
			break;
		if (!got) {
			if (end != UINT64_MAX && xc_mono_ns() >= end)
				break;
			continue;
		}
		now = xc_mono_ns();
		if (!c->frames)
			c->t0 = now;
		c->t1 = now;
		c->frames += got;
	}
	c->total = c->frames;
	return ret;
}

/* ------------------------------------------------------------ output */

static double xc_secs(const struct xc_ref_count *c)
{
	return (double)(c->t1 - c->t0) / XC_REF_NS;
}

static double xc_mpps(const struct xc_ref_count *c)
{
	double s = xc_secs(c);

	return s > 0 ? c->frames / s / 1e6 : 0;
}

static void xc_print_tx(const struct xc_ref_count *c)
{
	printf("{\"role\":\"tx\",\"frames\":%llu,\"seconds\":%.6f,"
	       "\"mpps\":%.6f,\"frames_total\":%llu}\n",
	       (unsigned long long)c->frames, xc_secs(c), xc_mpps(c),
	       (unsigned long long)c->total);
}

static int xc_print_rx(const struct xc_ref *r, const struct xc_ref_count *c)
{
	struct xdp_statistics st = { 0 };
	socklen_t len = sizeof(st);

	if (getsockopt(xsk_socket__fd(r->xsk), SOL_XDP, XDP_STATISTICS, &st,
		       &len)) {
		pr_warn("cannot read XDP_STATISTICS: %s\n", strerror(errno));
		return -errno;
	}
	printf("{\"role\":\"rx\",\"frames\":%llu,\"seconds\":%.6f,"
	       "\"mpps\":%.6f,\"rx_dropped\":%llu,\"rx_ring_full\":%llu,"
	       "\"rx_fill_ring_empty_descs\":%llu,"
	       "\"rx_invalid_descs\":%llu}\n",
	       (unsigned long long)c->frames, xc_secs(c), xc_mpps(c),
	       (unsigned long long)st.rx_dropped,
	       (unsigned long long)st.rx_ring_full,
	       (unsigned long long)st.rx_fill_ring_empty_descs,
	       (unsigned long long)st.rx_invalid_descs);
	return 0;
}

/* ------------------------------------------------------------ main */

static int xc_run(const struct xc_ref_opts *o)
{
	struct xc_ref_count c = { 0 };
	struct xc_ref r = { 0 };
	int ret;

	ret = xc_ref_open(&r, o);
	if (ret)
		return ret;
	if (o->tx) {
		ret = xc_tx_loop(&r, o, &c);
		if (!ret)
			xc_print_tx(&c);
	} else {
		ret = xc_rx_loop(&r, o, &c);
		if (!ret)
			ret = xc_print_rx(&r, &c);
	}
	fflush(stdout);
	xc_ref_close(&r);
	return ret;
}

int main(int argc, char **argv)
{
	static struct xc_ref_opts o;
	int ret;

	xc_log_set_prefix("xc-xskref");
	xc_log_set_level(XC_LOG_WARN);
	xc_log_route_libs();
	if (xc_parse_args(argc, argv, &o))
		return 2;
	ret = xc_pin(&o);
	if (!ret)
		ret = xc_check_dev(&o);
	if (!ret)
		ret = xc_signals();
	if (!ret)
		ret = xc_run(&o);
	return ret ? 1 : 0;
}
