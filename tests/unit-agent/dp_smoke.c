// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * End-to-end check of the agent's data plane on a veth pair: Tx on one
 * end, Rx on the other, in this process. dp_smoke.sh creates the pair in
 * a private network namespace and runs this inside it.
 *
 *   dp_smoke run -t TXIF -r RXIF [-m skb|drv|auto] [-n COUNT] [-s SIZE]
 *                [-p PPS] [-S STREAMS] [-Q QUEUES] [-V VLAN] [-6] [-P] [-b]
 *   dp_smoke errors -t TXIF -r RXIF
 *
 * "run" exits non-zero unless every frame of every stream was delivered
 * intact. "errors" checks the error paths and their messages.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xc_dp.h"
#include "xc_log.h"
#include "xc_util.h"

#define XC_SMOKE_MAX_STREAMS	8
#define XC_SMOKE_DRAIN_MS	1000

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
		sm->stp[i] = &sm->st[i];
	}
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
	xceiver__v1__prepare__init(p);
	p->run_id = sm->run_id;
	p->xsk = x;
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
	uint64_t want = sm->count * sm->nstreams, last = 0, quiet = 0;
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

static int xc_smoke_check_rx(const struct xc_smoke *sm,
			     const Xceiver__V1__Report *r)
{
	const Xceiver__V1__RxStreamReport *s;
	int bad = 0;
	size_t i;

	if (r->n_rx != sm->nstreams)
		bad = 1;
	for (i = 0; i < r->n_rx; i++) {
		s = r->rx[i];
		printf("rx stream %u: expected %llu delivered %llu missing %llu corrupt %llu dup %llu reordered %llu unexpected %llu late %llu ranges %llu\n",
		       s->stream_id, (unsigned long long)s->expected,
		       (unsigned long long)s->delivered,
		       (unsigned long long)s->missing,
		       (unsigned long long)s->corrupt,
		       (unsigned long long)s->duplicates,
		       (unsigned long long)s->reordered,
		       (unsigned long long)s->unexpected,
		       (unsigned long long)s->late,
		       (unsigned long long)s->missing_range_count);
		if (s->delivered != sm->count || s->missing || s->corrupt ||
		    s->expected != sm->count)
			bad = 1;
	}
	for (i = 0; i < r->n_xsk; i++)
		printf("rx xsk q%u: rx_dropped %llu ring_full %llu fill_empty %llu invalid %llu\n",
		       r->xsk[i]->queue,
		       (unsigned long long)r->xsk[i]->rx_dropped,
		       (unsigned long long)r->xsk[i]->rx_ring_full,
		       (unsigned long long)r->xsk[i]->rx_fill_ring_empty_descs,
		       (unsigned long long)r->xsk[i]->rx_invalid_descs);
	printf("rx: frames %llu foreign %llu elapsed %.3f s\n",
	       (unsigned long long)r->rx_frames,
	       (unsigned long long)r->foreign, r->rx_elapsed_ns / 1e9);
	return bad;
}

static int xc_smoke_check_tx(const struct xc_smoke *sm,
			     const Xceiver__V1__Report *r)
{
	int bad = r->n_tx != sm->nstreams;
	size_t i;

	for (i = 0; i < r->n_tx; i++) {
		printf("tx stream %u: sent %llu bytes %llu\n",
		       r->tx[i]->stream_id,
		       (unsigned long long)r->tx[i]->sent,
		       (unsigned long long)r->tx[i]->bytes);
		if (r->tx[i]->sent != sm->count)
			bad = 1;
	}
	printf("tx: frames %llu elapsed %.3f s (%.0f pps)\n",
	       (unsigned long long)r->tx_frames, r->tx_elapsed_ns / 1e9,
	       r->tx_elapsed_ns ? r->tx_frames * 1e9 / r->tx_elapsed_ns : 0);
	return bad;
}

static int xc_smoke_report(struct xc_smoke *sm, struct xc_dp *tx,
			   struct xc_dp *rx)
{
	Xceiver__V1__Report *rt = NULL, *rr = NULL;
	int bad = 1;

	/* the agent may build a report twice (Done, then on request) */
	if (xc_dp_report(tx, &rt) || xc_dp_report(rx, &rr)) {
		fprintf(stderr, "cannot build the reports\n");
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
	pt.n_tx_streams = sm->nstreams;
	pt.tx_streams = sm->stp;
	xc_smoke_prep(sm, sm->rxif, &xr, &pr);
	pr.n_rx_streams = sm->nstreams;
	pr.rx_streams = sm->stp;
	if (sm->bidir) {
		/* the Rx side also sends, to nobody in particular */
		pr.n_tx_streams = sm->nstreams;
		pr.tx_streams = sm->stp;
	}
	if (xc_smoke_prepare(sm, &rx, &pr) || xc_smoke_prepare(sm, &tx, &pt))
		goto out;
	if (xc_dp_start(rx, err, sizeof(err)) ||
	    xc_dp_start(tx, err, sizeof(err))) {
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
	printf("%s\n", bad ? "FAIL" : "OK");
	return bad;
}

static int xc_smoke_queues(struct xc_smoke *sm, char *list)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (sm->nqueues == XC_SMOKE_MAX_STREAMS)
			return 1;
		sm->queues[sm->nqueues++] = strtoul(tok, NULL, 0);
	}
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

static int xc_smoke_args(struct xc_smoke *sm, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "t:r:m:n:s:p:S:Q:V:6Pbv")) != -1) {
		switch (c) {
		case 't': sm->txif = optarg; break;
		case 'r': sm->rxif = optarg; break;
		case 'm':
			if (xc_smoke_mode(optarg, &sm->mode))
				return 1;
			break;
		case 'n': sm->count = strtoull(optarg, NULL, 0); break;
		case 's': sm->size = strtoul(optarg, NULL, 0); break;
		case 'p': sm->pps = strtoull(optarg, NULL, 0); break;
		case 'S': sm->nstreams = strtoul(optarg, NULL, 0); break;
		case 'Q':
			if (xc_smoke_queues(sm, optarg))
				return 1;
			break;
		case 'V': sm->vlan = strtoul(optarg, NULL, 0); break;
		case '6': sm->ipv6 = true; break;
		case 'P': sm->use_poll = true; break;
		case 'b': sm->bidir = true; break;
		case 'v': xc_log_set_level(XC_LOG_DEBUG); break;
		default: return 1;
		}
	}
	return !sm->txif || !sm->rxif || !sm->nstreams ||
	       sm->nstreams > XC_SMOKE_MAX_STREAMS;
}

int main(int argc, char **argv)
{
	struct xc_smoke sm = {
		.mode = XCEIVER__V1__XDP_MODE__XDP_MODE_SKB,
		.count = 100000, .size = 64, .pps = 200000, .nstreams = 1,
	};
	const char *cmd = argc > 1 ? argv[1] : "";
	int ret;

	xc_log_set_prefix("dp_smoke");
	xc_log_route_libs();
	if (argc < 2 || xc_smoke_args(&sm, argc - 1, argv + 1)) {
		fprintf(stderr, "usage: %s run|errors -t TXIF -r RXIF [-m skb|drv|auto|zc] [-n COUNT] [-s SIZE] [-p PPS] [-S STREAMS] [-Q Q0,Q1..] [-V VLAN] [-6] [-P] [-b] [-v]\n",
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
