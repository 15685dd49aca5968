// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * End-to-end check of the agent's data plane on a veth pair: Tx on one
 * end, Rx on the other, in this process. dp_smoke.sh creates the pair in
 * a private network namespace and runs this inside it.
 *
 *   dp_smoke run -t TXIF -r RXIF [-m skb|drv|auto] [-n COUNT] [-s SIZE]
 *                [-p PPS] [-S STREAMS] [-Q QUEUES] [-V VLAN] [-6] [-P] [-b]
 *                [-c CHUNK] [-N CHUNKS] [-H HEADROOM] [-u] [-g] [-M]
 *                [-A drop|meta|shrink|grow] [-T BYTES]
 *                [-R starve|hold|stop] [-F FILL_POSTED] [-k STOP_AFTER]
 *                [-x RX_RING] [-f FILL_RING] [-K SOCKS_PER_QUEUE] [-B]
 *                [-C CPU,..] [-D SHAPES] [-w] [-z BATCH]
 *   dp_smoke errors -t TXIF -r RXIF
 *
 * "run" exits non-zero unless every frame the spec expects was delivered
 * intact and nothing else arrived; descriptors sent invalid on purpose
 * (-D) must show in tx_invalid_descs exactly. With Rx pressure (-R) the
 * socket counter the pressure must move is checked instead, and the
 * workers must stop promptly. "errors" checks the error paths and their
 * messages.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xc_dp.h"
#include "xc_gen.h"
#include "xc_log.h"
#include "xc_util.h"

#define XC_SMOKE_MAX_STREAMS	8
#define XC_SMOKE_MAX_SHAPES	16
#define XC_SMOKE_DRAIN_MS	1000
#define XC_SMOKE_JOIN_MS	1000	/* workers must stop within this */

struct xc_smoke {
	const char *txif;
	const char *rxif;
	Xceiver__V1__XdpMode mode;
	uint64_t count;
	uint32_t size;
	uint64_t pps;
	uint32_t nstreams;
	bool use_poll;
	bool bidir;
	uint32_t queues[XC_SMOKE_MAX_STREAMS];
	uint32_t nqueues;
	uint32_t vlan;
	bool ipv6;
	uint32_t chunk_size;
	uint32_t num_chunks;
	uint32_t headroom;
	bool unaligned;
	bool huge_pages;
	bool multi_buffer;
	uint32_t rx_ring;
	uint32_t fill_ring;
	uint32_t spq;
	bool busy_poll;
	bool no_wakeup;
	uint32_t batch;
	bool expect_lost;
	uint32_t cpus[XC_SMOKE_MAX_STREAMS];
	uint32_t ncpus;
	Xceiver__V1__RxOptions rxo;
	const char *shapes;
	Xceiver__V1__DescShape shape[XC_SMOKE_MAX_SHAPES];
	Xceiver__V1__DescShape *shapep[XC_SMOKE_MAX_SHAPES];
	uint32_t frags[XC_SMOKE_MAX_SHAPES][XC_KERNEL_MAX_FRAGS + 1];
	uint32_t nshapes;
	uint64_t invalid;	/* per stream, from the generator */
	uint64_t invalid_descs;	/* their descriptors (all fragments) */
	uint64_t expected;	/* per stream */
	uint64_t run_id;
	Xceiver__V1__IfInfo txi, rxi;
	Xceiver__V1__Stream st[XC_SMOKE_MAX_STREAMS];
	Xceiver__V1__Stream *stp[XC_SMOKE_MAX_STREAMS];
	Xceiver__V1__Headers hdr[XC_SMOKE_MAX_STREAMS];
	Xceiver__V1__UdpPorts udp[XC_SMOKE_MAX_STREAMS];
	Xceiver__V1__Payload pl;
	int tx_notified;
};

static void xc_smoke_notify(void *arg)
{
	struct xc_smoke *sm = arg;

	__atomic_store_n(&sm->tx_notified, 1, __ATOMIC_RELEASE);
}

static void xc_smoke_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void xc_smoke_streams(struct xc_smoke *sm)
{
	uint32_t i;

	xceiver__v1__payload__init(&sm->pl);
	for (i = 0; i < sm->nstreams; i++) {
		xceiver__v1__udp_ports__init(&sm->udp[i]);
		sm->udp[i].dst = 9001 + i;
		xceiver__v1__headers__init(&sm->hdr[i]);
		sm->hdr[i].src_mac = sm->txi.mac;
		sm->hdr[i].dst_mac = sm->rxi.mac;
		sm->hdr[i].src_ip = sm->ipv6 ? "2001:2::1" : "198.18.0.1";
		sm->hdr[i].dst_ip = sm->ipv6 ? "2001:2::2" : "198.18.0.2";
		sm->hdr[i].ip_version = sm->ipv6 ?
					XCEIVER__V1__IP_VERSION__IP_VERSION_6 :
					XCEIVER__V1__IP_VERSION__IP_VERSION_4;
		sm->hdr[i].vlan_id = sm->vlan;
		sm->hdr[i].udp = &sm->udp[i];
		xceiver__v1__stream__init(&sm->st[i]);
		sm->st[i].id = i + 1;
		sm->st[i].count = sm->count;
		sm->st[i].frame_size = sm->size;
		sm->st[i].rate_pps = sm->pps;
		sm->st[i].headers = &sm->hdr[i];
		sm->st[i].payload = &sm->pl;
		sm->st[i].n_descs = sm->nshapes;
		sm->st[i].descs = sm->shapep;
		sm->stp[i] = &sm->st[i];
	}
}

static void xc_smoke_xsk(const struct xc_smoke *sm, Xceiver__V1__XskConfig *x)
{
	x->chunk_size = sm->chunk_size;
	x->num_chunks = sm->num_chunks;
	x->headroom = sm->headroom;
	x->unaligned = sm->unaligned;
	x->huge_pages = sm->huge_pages;
	x->multi_buffer = sm->multi_buffer;
	x->rx_size = sm->rx_ring;
	x->fill_size = sm->fill_ring;
	x->sockets_per_queue = sm->spq;
	x->busy_poll = sm->busy_poll;
	x->no_need_wakeup = sm->no_wakeup;
	x->batch_size = sm->batch;
	x->n_cpus = sm->ncpus;
	x->cpus = (uint32_t *)sm->cpus;
}

/*
 * Frames per stream the Rx side must get: the generator's valid seqs, less
 * the odd ones XDP_ACTION_DROP_HALF drops.
 */
static int xc_smoke_expected(struct xc_smoke *sm,
			     const Xceiver__V1__XskConfig *tx)
{
	struct xc_umem_geom geom;
	struct xc_gen_pkt p;
	struct xc_gen g;
	uint64_t seq, e = 0;
	char err[256];

	xc_umem_geom_from(&geom, tx);
	if (xc_gen_init(&g, &sm->st[0], sm->run_id, &geom, err,
			sizeof(err))) {
		fprintf(stderr, "generator: %s\n", err);
		return 1;
	}
	sm->invalid = g.invalid_total;
	sm->invalid_descs = 0;
	for (seq = 0; seq < sm->count; seq++) {
		xc_gen_pkt(&g, seq, &p);
		if (!p.valid)
			sm->invalid_descs += p.nfrags;
	}
	for (seq = 0; seq < sm->count; seq++)
		if (xc_gen_valid(&g, seq) &&
		    (!(seq & 1) || sm->rxo.xdp_action !=
		     XCEIVER__V1__XDP_ACTION__XDP_ACTION_DROP_HALF))
			e++;
	sm->expected = e;
	xc_gen_free(&g);
	printf("generator: %llu invalid (%llu descriptors), %llu expected per stream\n",
	       (unsigned long long)sm->invalid,
	       (unsigned long long)sm->invalid_descs, (unsigned long long)e);
	return 0;
}

static void xc_smoke_prep(const struct xc_smoke *sm, const char *ifname,
			  Xceiver__V1__XskConfig *x, Xceiver__V1__Prepare *p)
{
	xceiver__v1__xsk_config__init(x);
	x->ifname = (char *)ifname;
	x->mode = sm->mode;
	x->use_poll = sm->use_poll;
	x->n_queues = sm->nqueues;
	x->queues = (uint32_t *)sm->queues;
	xc_smoke_xsk(sm, x);
	xceiver__v1__prepare__init(p);
	p->run_id = sm->run_id;
	p->xsk = x;
	p->rx_options = (Xceiver__V1__RxOptions *)&sm->rxo;
}

static int xc_smoke_prepare(struct xc_smoke *sm, struct xc_dp **dp,
			    Xceiver__V1__Prepare *p)
{
	Xceiver__V1__Prepared rep = XCEIVER__V1__PREPARED__INIT;
	char err[512];
	int ret;

	ret = xc_dp_prepare(dp, p, &rep, xc_smoke_notify, sm, err,
			    sizeof(err));
	if (ret) {
		fprintf(stderr, "prepare %s: %s (%d)\n", p->xsk->ifname, err,
			ret);
		return ret;
	}
	printf("prepared %s: ifindex %u mac %s ipv4 '%s' mtu %u queues %u/%u mode %d zc %d\n",
	       rep.ifinfo->ifname, rep.ifinfo->ifindex, rep.ifinfo->mac,
	       rep.ifinfo->ipv4, rep.ifinfo->mtu, rep.ifinfo->rx_queues,
	       rep.ifinfo->tx_queues, rep.mode, rep.zero_copy);
	xc_prepared_free(&rep);
	return 0;
}

/* Wait for Tx done, then until Rx has everything or stays quiet. */
static void xc_smoke_wait(struct xc_smoke *sm, struct xc_dp *tx,
			  struct xc_dp *rx)
{
	uint64_t want = sm->expected * sm->nstreams, last = 0, quiet = 0;
	struct xc_dp_progress pt, pr;

	do {
		xc_smoke_sleep_ms(10);
		xc_dp_progress(tx, &pt);
	} while (!pt.tx_done);
	if (!__atomic_load_n(&sm->tx_notified, __ATOMIC_ACQUIRE))
		fprintf(stderr, "tx done without notify\n");
	for (;;) {
		xc_dp_progress(rx, &pr);
		if (pr.rx_valid >= want || quiet >= XC_SMOKE_DRAIN_MS)
			break;
		quiet = pr.rx_frames == last ? quiet + 10 : 0;
		last = pr.rx_frames;
		xc_smoke_sleep_ms(10);
	}
	printf("tx: %llu frames in %.3f s; rx: %llu frames, %llu valid\n",
	       (unsigned long long)pt.tx_frames, pt.elapsed_ns / 1e9,
	       (unsigned long long)pr.rx_frames,
	       (unsigned long long)pr.rx_valid);
}

static uint64_t xc_smoke_sum(const Xceiver__V1__Report *r, size_t field)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < r->n_xsk; i++)
		sum += *(const uint64_t *)((const char *)r->xsk[i] + field);
	return sum;
}

#define XC_XSK_SUM(r, f) \
	xc_smoke_sum((r), offsetof(Xceiver__V1__XskStats, f))

/* Rx pressure: the counter it must move, and a bound on what got in. */
static int xc_smoke_check_pressure(const struct xc_smoke *sm,
				   const Xceiver__V1__Report *r)
{
	uint64_t got = r->rx_frames;

	switch (sm->rxo.pressure) {
	case XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_STARVE_FILL:
		return !XC_XSK_SUM(r, rx_fill_ring_empty_descs) ||
		       got > sm->rxo.fill_posted;
	case XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_HOLD_RX:
		return !XC_XSK_SUM(r, rx_ring_full) ||
		       got > (uint64_t)(sm->rx_ring ?: 2048) * (sm->spq ?: 1);
	case XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_STOP_READING:
		return !XC_XSK_SUM(r, rx_ring_full) ||
		       got != sm->rxo.stop_after;
	default:
		return 1;
	}
}

static int xc_smoke_check_rx(const struct xc_smoke *sm,
			     const Xceiver__V1__Report *r)
{
	const Xceiver__V1__RxStreamReport *s;
	int bad = 0;
	size_t i, j;

	if (r->n_rx != sm->nstreams)
		bad = 1;
	for (i = 0; i < r->n_rx; i++) {
		s = r->rx[i];
		printf("rx stream %u: expected %llu delivered %llu missing %llu corrupt %llu dup %llu reordered %llu unexpected %llu late %llu ranges %llu desc_errors %llu\n",
		       s->stream_id, (unsigned long long)s->expected,
		       (unsigned long long)s->delivered,
		       (unsigned long long)s->missing,
		       (unsigned long long)s->corrupt,
		       (unsigned long long)s->duplicates,
		       (unsigned long long)s->reordered,
		       (unsigned long long)s->unexpected,
		       (unsigned long long)s->late,
		       (unsigned long long)s->missing_range_count,
		       (unsigned long long)s->desc_errors);
		for (j = 0; j < s->n_missing_ranges && j < 4; j++)
			printf("  missing [%llu, %llu]\n",
			       (unsigned long long)s->missing_ranges[j]->first,
			       (unsigned long long)s->missing_ranges[j]->last);
		if (s->expected != sm->expected)
			bad = 1;
		if (!sm->rxo.pressure &&
		    (s->delivered != sm->expected || s->missing ||
		     s->corrupt || s->unexpected || s->desc_errors))
			bad = 1;
	}
	for (i = 0; i < r->n_xsk; i++)
		printf("rx xsk q%u: rx_dropped %llu ring_full %llu fill_empty %llu invalid %llu\n",
		       r->xsk[i]->queue,
		       (unsigned long long)r->xsk[i]->rx_dropped,
		       (unsigned long long)r->xsk[i]->rx_ring_full,
		       (unsigned long long)r->xsk[i]->rx_fill_ring_empty_descs,
		       (unsigned long long)r->xsk[i]->rx_invalid_descs);
	printf("rx: frames %llu bytes %llu foreign %llu anomalies %llu elapsed %.3f s cpu %.3f s rss %llu kB\n",
	       (unsigned long long)r->rx_frames,
	       (unsigned long long)r->rx_bytes,
	       (unsigned long long)r->foreign,
	       (unsigned long long)r->anomaly_count, r->rx_elapsed_ns / 1e9,
	       r->rx_cpu_ns / 1e9, (unsigned long long)r->peak_rss_kb);
	for (i = 0; i < r->n_anomalies && i < 4; i++)
		printf("anomaly: kind %d stream %u seq %llu len %u/%u off %u addr 0x%llx\n",
		       r->anomalies[i]->kind, r->anomalies[i]->stream_id,
		       (unsigned long long)r->anomalies[i]->seq,
		       r->anomalies[i]->expected_len,
		       r->anomalies[i]->seen_len, r->anomalies[i]->bad_offset,
		       (unsigned long long)r->anomalies[i]->addr);
	if (sm->rxo.pressure)
		return bad | xc_smoke_check_pressure(sm, r);
	if (r->foreign || r->anomaly_count || !r->rx_cpu_ns)
		bad = 1;
	return bad;
}

/*
 * The pacing figures of one Tx stream: a span from the first frame to the
 * last when it sent more than one; the agent's default burst is 10 ms
 * of frames at the rate, at most the stream's share of half the
 * receiver's Rx ring when that is set, at least one batch; restarts and
 * lost time come
 * together; with expect_lost (a rate far above what any veth reaches) the
 * schedule must have restarted.
 */
static int xc_smoke_check_pace(const struct xc_smoke *sm,
			       const Xceiver__V1__TxStreamReport *t)
{
	uint64_t burst = sm->pps / 100;

	printf("tx stream %u: pacing burst %u, %llu restarts, %.3f ms lost, span %.3f ms\n",
	       t->stream_id, t->pace_burst,
	       (unsigned long long)t->pace_restarts, t->pace_lost_ns / 1e6,
	       t->span_ns / 1e6);
	if (t->sent > 1 && !t->span_ns)
		return 1;
	if (!sm->pps)
		return t->pace_burst || t->pace_restarts || t->pace_lost_ns;
	if (sm->rx_ring)
		burst = XC_MIN(burst, sm->rx_ring / 2 / sm->nstreams);
	burst = XC_MAX(burst, (uint64_t)(sm->batch ?: 64));
	if (t->pace_burst != XC_MIN(burst, 65536))
		return 1;
	if (!t->pace_restarts != !t->pace_lost_ns)
		return 1;
	return sm->expect_lost && !t->pace_restarts;
}

static int xc_smoke_check_tx(const struct xc_smoke *sm,
			     const Xceiver__V1__Report *r)
{
	uint64_t inv = XC_XSK_SUM(r, tx_invalid_descs);
	int bad = r->n_tx != sm->nstreams;
	size_t i;

	for (i = 0; i < r->n_tx; i++) {
		printf("tx stream %u: sent %llu bytes %llu\n",
		       r->tx[i]->stream_id,
		       (unsigned long long)r->tx[i]->sent,
		       (unsigned long long)r->tx[i]->bytes);
		if (r->tx[i]->sent != sm->count - sm->invalid ||
		    xc_smoke_check_pace(sm, r->tx[i]))
			bad = 1;
	}
	printf("tx: frames %llu elapsed %.3f s (%.0f pps, asked %.0f) invalid sent %llu, tx_invalid_descs %llu, cpu %.3f s\n",
	       (unsigned long long)r->tx_frames, r->tx_elapsed_ns / 1e9,
	       r->tx_rate_achieved_pps, r->tx_rate_requested_pps,
	       (unsigned long long)r->tx_invalid_sent,
	       (unsigned long long)inv, r->tx_cpu_ns / 1e9);
	if (r->tx_invalid_sent != sm->invalid_descs * sm->nstreams ||
	    inv != sm->invalid_descs * sm->nstreams || !r->tx_cpu_ns)
		bad = 1;
	return bad;
}

static int xc_smoke_report(struct xc_smoke *sm, struct xc_dp *tx,
			   struct xc_dp *rx)
{
	Xceiver__V1__Report *rt = NULL, *rr = NULL;
	uint64_t t0;
	int bad = 1;

	/* the agent may build a report twice (Done, then on request) */
	t0 = xc_mono_ns();
	if (xc_dp_report(tx, &rt) || xc_dp_report(rx, &rr)) {
		fprintf(stderr, "cannot build the reports\n");
		goto out;
	}
	t0 = (xc_mono_ns() - t0) / 1000000;
	if (t0 > XC_SMOKE_JOIN_MS) {
		fprintf(stderr, "workers took %llu ms to stop\n",
			(unsigned long long)t0);
		goto out;
	}
	xc_dp_report_free(rr);
	rr = NULL;
	if (xc_dp_report(rx, &rr)) {
		fprintf(stderr, "cannot build the report a second time\n");
		goto out;
	}
	bad = xc_smoke_check_tx(sm, rt) | xc_smoke_check_rx(sm, rr);
out:
	xc_dp_report_free(rt);
	xc_dp_report_free(rr);
	return bad;
}

static int xc_smoke_run(struct xc_smoke *sm)
{
	Xceiver__V1__XskConfig xt, xr;
	Xceiver__V1__Prepare pt, pr;
	struct xc_dp *tx = NULL, *rx = NULL;
	char err[512];
	int bad = 1;

	xc_smoke_streams(sm);
	xc_smoke_prep(sm, sm->txif, &xt, &pt);
	if (xc_smoke_expected(sm, &xt))
		return 1;
	pt.n_tx_streams = sm->nstreams;
	pt.tx_streams = sm->stp;
	pt.peer_xsk = &xr;	/* as the controller does */
	xc_smoke_prep(sm, sm->rxif, &xr, &pr);
	pr.n_rx_streams = sm->nstreams;
	pr.rx_streams = sm->stp;
	pr.peer_xsk = &xt;
	if (sm->bidir) {
		/* the Rx side also sends, to nobody in particular */
		pr.n_tx_streams = sm->nstreams;
		pr.tx_streams = sm->stp;
	}
	if (xc_smoke_prepare(sm, &rx, &pr) || xc_smoke_prepare(sm, &tx, &pt))
		goto out;
	if (xc_dp_start(rx, XC_DP_START_ALL, err, sizeof(err)) ||
	    xc_dp_start(tx, XC_DP_START_ALL, err, sizeof(err))) {
		fprintf(stderr, "start: %s\n", err);
		goto out;
	}
	xc_smoke_wait(sm, tx, rx);
	bad = xc_smoke_report(sm, tx, rx);
out:
	xc_dp_destroy(tx);
	xc_dp_destroy(rx);
	printf("%s\n", bad ? "FAIL" : "OK");
	return bad;
}

/* Prepare must fail with code and a message containing what. */
static int xc_smoke_expect(struct xc_smoke *sm, const char *ifname,
			   uint32_t queue, Xceiver__V1__XdpMode mode, int code,
			   const char *what)
{
	Xceiver__V1__Prepared rep = XCEIVER__V1__PREPARED__INIT;
	Xceiver__V1__XskConfig x;
	Xceiver__V1__Prepare p;
	struct xc_dp *dp = NULL;
	char err[512] = "";
	int ret;

	xc_smoke_prep(sm, ifname, &x, &p);
	x.mode = mode;
	x.n_queues = 1;
	x.queues = &queue;
	p.n_rx_streams = 1;
	p.rx_streams = sm->stp;
	ret = xc_dp_prepare(&dp, &p, &rep, NULL, NULL, err, sizeof(err));
	printf("%s queue %u mode %d: %d \"%s\"\n", ifname, queue, mode, ret,
	       err);
	if (ret != code || !strstr(err, what) || dp) {
		printf("  expected %d and \"%s\"\n", code, what);
		xc_prepared_free(&rep);
		xc_dp_destroy(dp);
		return 1;
	}
	return 0;
}

/* A second Rx prepare on the same interface meets our first program. */
static int xc_smoke_busy(struct xc_smoke *sm)
{
	Xceiver__V1__Prepared rep = XCEIVER__V1__PREPARED__INIT;
	Xceiver__V1__XskConfig x;
	Xceiver__V1__Prepare p;
	struct xc_dp *dp = NULL;
	int bad;

	xc_smoke_prep(sm, sm->rxif, &x, &p);
	x.mode = XCEIVER__V1__XDP_MODE__XDP_MODE_SKB;
	p.n_rx_streams = 1;
	p.rx_streams = sm->stp;
	if (xc_smoke_prepare(sm, &dp, &p))
		return 1;
	bad = xc_smoke_expect(sm, sm->rxif, 0,
			      XCEIVER__V1__XDP_MODE__XDP_MODE_SKB, -EBUSY,
			      "already has an XDP program");
	xc_prepared_free(&rep);
	xc_dp_destroy(dp);
	return bad;
}

static int xc_smoke_errors(struct xc_smoke *sm)
{
	char what[128];
	int bad = 0;

	sm->nstreams = 1;
	xc_smoke_streams(sm);
	bad |= xc_smoke_expect(sm, "xcs-nosuch0", 0,
			       XCEIVER__V1__XDP_MODE__XDP_MODE_SKB, -ENODEV,
			       "interface xcs-nosuch0 does not exist");
	snprintf(what, sizeof(what),
		 "queue 5 does not exist on %s (it has 1 rx queue)",
		 sm->rxif);
	bad |= xc_smoke_expect(sm, sm->rxif, 5,
			       XCEIVER__V1__XDP_MODE__XDP_MODE_SKB, -EINVAL,
			       what);
	snprintf(what, sizeof(what), "%s cannot do zero-copy", sm->rxif);
	bad |= xc_smoke_expect(sm, sm->rxif, 0,
			       XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY,
			       -EOPNOTSUPP, what);
	bad |= xc_smoke_busy(sm);
	sm->chunk_size = 4001;
	bad |= xc_smoke_expect(sm, sm->rxif, 0,
			       XCEIVER__V1__XDP_MODE__XDP_MODE_SKB, -EINVAL,
			       "xsk.chunk_size 4001 is not a power of two");
	sm->chunk_size = 0;
	sm->cpus[0] = 4095;
	sm->ncpus = 1;
	bad |= xc_smoke_expect(sm, sm->rxif, 0,
			       XCEIVER__V1__XDP_MODE__XDP_MODE_SKB, -EINVAL,
			       "xsk.cpus[0]: cpu 4095 does not exist");
	sm->ncpus = 0;
	printf("%s\n", bad ? "FAIL" : "OK");
	return bad;
}

static int xc_smoke_list(uint32_t *v, uint32_t *n, char *list)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == XC_SMOKE_MAX_STREAMS)
			return 1;
		v[(*n)++] = strtoul(tok, NULL, 0);
	}
	return 0;
}

static Xceiver__V1__DescShape *xc_shape_add(struct xc_smoke *sm, int at,
					    int64_t offset, uint32_t len)
{
	Xceiver__V1__DescShape *d = &sm->shape[sm->nshapes];

	xceiver__v1__desc_shape__init(d);
	d->at = at;
	d->offset = offset;
	d->len = len;
	sm->shapep[sm->nshapes++] = d;
	return d;
}

static void xc_shape_frags(struct xc_smoke *sm, Xceiver__V1__DescShape *d,
			   const uint32_t *f, uint32_t n)
{
	uint32_t i = (uint32_t)(d - sm->shape);

	memcpy(sm->frags[i], f, n * sizeof(*f));
	d->frags = sm->frags[i];
	d->n_frags = n;
}

#define XC_AT(x)	XCEIVER__V1__DESC_BASE__DESC_BASE_##x

/*
 * Descriptor tables after the kernel selftest's invalid-descriptor cases;
 * validity is left to the generator (VALIDITY_AUTO), the kernel's
 * tx_invalid_descs must then match it.
 */
static int xc_smoke_shapes(struct xc_smoke *sm)
{
	uint32_t cs = sm->chunk_size ?: 4096, fl = sm->size - 4, i;
	uint32_t many[XC_KERNEL_MAX_FRAGS + 1];
	static const uint32_t zero[] = { 4096, 0, 4096, 804 };
	Xceiver__V1__DescShape *d;

	if (!sm->shapes)
		return 0;
	if (!strcmp(sm->shapes, "inv-aligned")) {
		xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
		xc_shape_add(sm, XC_AT(CHUNK), 0, cs + 1);
		xc_shape_add(sm, XC_AT(UMEM_END), -30, 0);
		xc_shape_add(sm, XC_AT(UMEM_END), 0, 0);
		xc_shape_add(sm, XC_AT(CHUNK), cs - 30, 0);
		xc_shape_add(sm, XC_AT(UMEM_START), 0, 0);
		xc_shape_add(sm, XC_AT(CHUNK), 100, 0);
		xc_shape_add(sm, XC_AT(UMEM_START), -4096, 0);
	} else if (!strcmp(sm->shapes, "inv-unaligned")) {
		xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
		xc_shape_add(sm, XC_AT(CHUNK), -2, 0);
		xc_shape_add(sm, XC_AT(CHUNK), 1, 0);
		xc_shape_add(sm, XC_AT(CHUNK), cs - 30, 0);
		xc_shape_add(sm, XC_AT(UMEM_END), -30, 0);
		xc_shape_add(sm, XC_AT(UMEM_END), -(int64_t)fl, 0);
		xc_shape_add(sm, XC_AT(UMEM_START), 2 * 4096 + 7, 0);
		xc_shape_add(sm, XC_AT(CHUNK), 0, cs + 1);
	} else if (!strcmp(sm->shapes, "mb-inv")) {
		xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
		d = xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
		xc_shape_frags(sm, d, zero, XC_ARRAY_SIZE(zero));
		xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
		d = xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
		d->options = 1u << 5;
		xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
		d = xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
		for (i = 0; i < XC_ARRAY_SIZE(many); i++)
			many[i] = 64;
		xc_shape_frags(sm, d, many, XC_ARRAY_SIZE(many));
		xc_shape_add(sm, XC_AT(CHUNK), 0, 0);
	} else {
		return 1;
	}
	return 0;
}

static int xc_smoke_action(const char *s, Xceiver__V1__RxOptions *o)
{
	if (!strcmp(s, "drop"))
		o->xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_DROP_HALF;
	else if (!strcmp(s, "meta"))
		o->xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_METADATA;
	else if (!strcmp(s, "shrink"))
		o->xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_SHRINK_TAIL;
	else if (!strcmp(s, "grow"))
		o->xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_GROW_TAIL;
	else
		return 1;
	return 0;
}

static int xc_smoke_pressure(const char *s, Xceiver__V1__RxOptions *o)
{
	if (!strcmp(s, "starve"))
		o->pressure = XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_STARVE_FILL;
	else if (!strcmp(s, "hold"))
		o->pressure = XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_HOLD_RX;
	else if (!strcmp(s, "stop"))
		o->pressure =
			XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_STOP_READING;
	else
		return 1;
	return 0;
}

static int xc_smoke_mode(const char *s, Xceiver__V1__XdpMode *m)
{
	if (!strcmp(s, "skb"))
		*m = XCEIVER__V1__XDP_MODE__XDP_MODE_SKB;
	else if (!strcmp(s, "drv"))
		*m = XCEIVER__V1__XDP_MODE__XDP_MODE_DRV;
	else if (!strcmp(s, "auto"))
		*m = XCEIVER__V1__XDP_MODE__XDP_MODE_AUTO;
	else if (!strcmp(s, "zc"))
		*m = XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY;
	else
		return -EINVAL;
	return 0;
}

static int xc_smoke_ifinfo(struct xc_smoke *sm)
{
	char err[256];

	if (xc_ifinfo_get(sm->txif, &sm->txi, err, sizeof(err)) ||
	    xc_ifinfo_get(sm->rxif, &sm->rxi, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}

static int xc_smoke_opt(struct xc_smoke *sm, int c)
{
	switch (c) {
	case 't': sm->txif = optarg; break;
	case 'r': sm->rxif = optarg; break;
	case 'm': return xc_smoke_mode(optarg, &sm->mode) != 0;
	case 'n': sm->count = strtoull(optarg, NULL, 0); break;
	case 's': sm->size = strtoul(optarg, NULL, 0); break;
	case 'p': sm->pps = strtoull(optarg, NULL, 0); break;
	case 'S': sm->nstreams = strtoul(optarg, NULL, 0); break;
	case 'Q': return xc_smoke_list(sm->queues, &sm->nqueues, optarg);
	case 'V': sm->vlan = strtoul(optarg, NULL, 0); break;
	case '6': sm->ipv6 = true; break;
	case 'P': sm->use_poll = true; break;
	case 'b': sm->bidir = true; break;
	case 'v': xc_log_set_level(XC_LOG_DEBUG); break;
	case 'c': sm->chunk_size = strtoul(optarg, NULL, 0); break;
	case 'N': sm->num_chunks = strtoul(optarg, NULL, 0); break;
	case 'H': sm->headroom = strtoul(optarg, NULL, 0); break;
	case 'u': sm->unaligned = true; break;
	case 'g': sm->huge_pages = true; break;
	case 'M': sm->multi_buffer = true; break;
	case 'A': return xc_smoke_action(optarg, &sm->rxo);
	case 'T': sm->rxo.tail_adjust = strtoul(optarg, NULL, 0); break;
	case 'R': return xc_smoke_pressure(optarg, &sm->rxo);
	case 'F': sm->rxo.fill_posted = strtoul(optarg, NULL, 0); break;
	case 'k': sm->rxo.stop_after = strtoull(optarg, NULL, 0); break;
	case 'x': sm->rx_ring = strtoul(optarg, NULL, 0); break;
	case 'f': sm->fill_ring = strtoul(optarg, NULL, 0); break;
	case 'K': sm->spq = strtoul(optarg, NULL, 0); break;
	case 'B': sm->busy_poll = true; break;
	case 'C': return xc_smoke_list(sm->cpus, &sm->ncpus, optarg);
	case 'D': sm->shapes = optarg; break;
	case 'w': sm->no_wakeup = true; break;
	case 'z': sm->batch = strtoul(optarg, NULL, 0); break;
	case 'L': sm->expect_lost = true; break;
	default: return 1;
	}
	return 0;
}

static int xc_smoke_args(struct xc_smoke *sm, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv,
			   "t:r:m:n:s:p:S:Q:V:6Pbvc:N:H:ugMA:T:R:F:k:x:f:K:BC:D:wz:L")) != -1)
		if (xc_smoke_opt(sm, c))
			return 1;
	return !sm->txif || !sm->rxif || !sm->nstreams ||
	       sm->nstreams > XC_SMOKE_MAX_STREAMS || xc_smoke_shapes(sm);
}

int main(int argc, char **argv)
{
	struct xc_smoke sm = {
		.mode = XCEIVER__V1__XDP_MODE__XDP_MODE_SKB,
		.count = 100000, .size = 64, .pps = 200000, .nstreams = 1,
	};
	const char *cmd = argc > 1 ? argv[1] : "";
	int ret;

	xceiver__v1__rx_options__init(&sm.rxo);
	xc_log_set_prefix("dp_smoke");
	xc_log_route_libs();
	if (argc < 2 || xc_smoke_args(&sm, argc - 1, argv + 1)) {
		fprintf(stderr, "usage: %s run|errors -t TXIF -r RXIF [-m skb|drv|auto|zc] [-n COUNT] [-s SIZE] [-p PPS] [-S STREAMS] [-Q Q0,Q1..] [-V VLAN] [-6] [-P] [-b] [-v] [-c CHUNK] [-N CHUNKS] [-H HEADROOM] [-u] [-g] [-M] [-A drop|meta|shrink|grow] [-T BYTES] [-R starve|hold|stop] [-F FILL_POSTED] [-k STOP_AFTER] [-x RX_RING] [-f FILL_RING] [-K SOCKS_PER_QUEUE] [-B] [-C CPU,..] [-D inv-aligned|inv-unaligned|mb-inv] [-w] [-z BATCH] [-L]\n",
			argv[0]);
		return 2;
	}
	srand(time(NULL) ^ getpid());
	sm.run_id = ((uint64_t)rand() << 32) ^ (uint64_t)rand();
	if (xc_smoke_ifinfo(&sm))
		return 1;
	if (!strcmp(cmd, "run"))
		ret = xc_smoke_run(&sm);
	else if (!strcmp(cmd, "errors"))
		ret = xc_smoke_errors(&sm);
	else
		ret = 2;
	xc_ifinfo_free(&sm.txi);
	xc_ifinfo_free(&sm.rxi);
	return ret;
}
