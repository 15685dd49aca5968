// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The data plane's timeline (Report.timeline): a thread that wakes at each
 * multiple of the interval of CLOCK_REALTIME from the first Start to the
 * report, and records what the workers counted (and the latency of the
 * frames the validator timed), the sockets' and the XDP
 * program's counters, the host's (xc_hostctr.c) and the Rx workers'
 * scheduling. Memory is fixed at Start (xc_tl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xc_dp_priv.h"
#include "xc_hostctr.h"
#include "xc_limits.h"
#include "xc_log.h"
#include "xc_sched.h"
#include "xc_tl.h"
#include "xc_util.h"
#include "xc_xdp.h"

#define SRC(x)	XCEIVER__V1__COUNTER_SOURCE__SOURCE_##x
#define LAY(x)	XCEIVER__V1__LAYER__LAYER_##x

/* The data plane's own counters, in column order when present. */
enum xc_sc {
	XC_SC_TX_QUEUED,
	XC_SC_TX_COMPLETED,
	XC_SC_RX_FRAMES,
	XC_SC_RX_DELIVERED,
	XC_SC_RX_CORRUPT,
	XC_SC_RX_DUPLICATES,
	XC_SC_RX_REORDERED,
	XC_SC_RX_LATE,
	XC_SC_RX_UNEXPECTED,
	XC_SC_RX_FOREIGN,
	XC_SC_RX_LAT_FRAMES,
	XC_SC_RX_LAT_SUM,
	XC_SC_RX_LAT_MAX,
	XC_SC_XSK_RX_DROPPED,
	XC_SC_XSK_RX_RING_FULL,
	XC_SC_XSK_FILL_EMPTY,
	XC_SC_XSK_RX_INVALID,
	XC_SC_XSK_TX_INVALID,
	XC_SC_XSK_TX_RING_EMPTY,
	XC_SC_XDP_NO_SOCKET,
	XC_SC_XDP_REDIRECTED,
	XC_SC_XDP_DROPPED,
	XC_SC_XDP_ACTION_FAIL,
	XC_SC_XDP_REFLECTED,
	XC_SC_XDP_NOT_OURS,
	XC_SC_N,
};

struct xc_sc_def {
	const char *name;
	int source;
	int layer;
	bool loss;
	bool rx;		/* on a side that receives (else: sends) */
	bool peak;		/* a gauge of the interval's largest value */
};

static const struct xc_sc_def xc_sc_defs[XC_SC_N] = {
	[XC_SC_TX_QUEUED] = { "tx_queued", SRC(AGENT), LAY(NONE), 0, 0 },
	[XC_SC_TX_COMPLETED] = { "tx_descs_completed", SRC(AGENT), LAY(NONE), 0, 0 },
	[XC_SC_RX_FRAMES] = { "rx_frames", SRC(AGENT), LAY(NONE), 0, 1 },
	[XC_SC_RX_DELIVERED] = { "rx_delivered", SRC(AGENT), LAY(NONE), 0, 1 },
	[XC_SC_RX_CORRUPT] = { "rx_corrupt", SRC(AGENT), LAY(NONE), 0, 1 },
	[XC_SC_RX_DUPLICATES] = { "rx_duplicates", SRC(AGENT), LAY(NONE),
				  0, 1 },
	[XC_SC_RX_REORDERED] = { "rx_reordered", SRC(AGENT), LAY(NONE), 0, 1 },
	[XC_SC_RX_LATE] = { "rx_late", SRC(AGENT), LAY(NONE), 0, 1 },
	[XC_SC_RX_UNEXPECTED] = { "rx_unexpected", SRC(AGENT), LAY(NONE),
				  0, 1 },
	[XC_SC_RX_FOREIGN] = { "rx_foreign", SRC(AGENT), LAY(NONE), 0, 1 },
	/* latency: frames timed, their sum, the interval's largest */
	[XC_SC_RX_LAT_FRAMES] = { XC_TL_LAT_FRAMES, SRC(AGENT), LAY(NONE),
				  0, 1 },
	[XC_SC_RX_LAT_SUM] = { XC_TL_LAT_SUM, SRC(AGENT), LAY(NONE), 0, 1 },
	[XC_SC_RX_LAT_MAX] = { XC_TL_LAT_MAX, SRC(AGENT), LAY(NONE), 0, 1,
			       true },
	/* one per frame: the fill ring was empty or the frame too big */
	[XC_SC_XSK_RX_DROPPED] = { "rx_dropped", SRC(XSK), LAY(RX_XSK), 1, 1 },
	[XC_SC_XSK_RX_RING_FULL] = { "rx_ring_full", SRC(XSK), LAY(RX_XSK),
				     1, 1 },
	/* why rx_dropped grew: counted in it already */
	[XC_SC_XSK_FILL_EMPTY] = { "rx_fill_ring_empty_descs", SRC(XSK),
				   LAY(RX_XSK), 0, 1 },
	[XC_SC_XSK_RX_INVALID] = { "rx_invalid_descs", SRC(XSK), LAY(NONE),
				   0, 1 },
	[XC_SC_XSK_TX_INVALID] = { "tx_invalid_descs", SRC(XSK), LAY(NONE),
				   0, 0 },
	[XC_SC_XSK_TX_RING_EMPTY] = { "tx_ring_empty_descs", SRC(XSK),
				      LAY(NONE), 0, 0 },
	[XC_SC_XDP_NO_SOCKET] = { "xdp_no_socket", SRC(XDP), LAY(RX_XDP),
				  1, 1 },
	[XC_SC_XDP_REDIRECTED] = { "xdp_redirected", SRC(XDP), LAY(NONE),
				   0, 1 },
	/* the XDP action's drops are on purpose (not expected at Rx) */
	[XC_SC_XDP_DROPPED] = { "xdp_dropped", SRC(XDP), LAY(NONE), 0, 1 },
	[XC_SC_XDP_ACTION_FAIL] = { "xdp_action_failures", SRC(XDP),
				    LAY(NONE), 0, 1 },
	[XC_SC_XDP_REFLECTED] = { "xdp_reflected", SRC(XDP), LAY(NONE), 0, 1 },
	/*
	 * in the port range, passed to the stack without our magic and run
	 * tag: a test frame damaged in those bytes, or other traffic; it
	 * explains a loss between the hosts, and counts none itself
	 */
	[XC_SC_XDP_NOT_OURS] = { "xdp_not_ours", SRC(XDP), LAY(RX_XDP),
				 0, 1 },
};

struct xc_sampler {
	struct xc_tl tl;
	struct xc_hostctr *hc;
	uint64_t *raw;
	int col[XC_SC_N];	/* column of each, -1: not on this side */
	uint32_t hc_first;
	uint32_t thr_first;	/* per Rx socket: nivcsw, cpu */
	uint32_t tx_first;
	uint32_t rx_first;
	struct xc_txs **txs;	/* of each Tx stream column */
	uint32_t ntxs;
	char unread[4][160];
	uint32_t nunread;
	pthread_t thr;
	bool running;
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static int xc_sample_own_cols(struct xc_sampler *sp, const struct xc_dp *dp)
{
	const struct xc_sc_def *d;
	int i, c;

	for (i = 0; i < XC_SC_N; i++) {
		d = &xc_sc_defs[i];
		sp->col[i] = -1;
		if (d->rx ? !dp->has_rx : !dp->has_tx)
			continue;
		if (d->source == SRC(XDP) && !dp->skel)
			continue;
		c = xc_tl_add(&sp->tl, XC_TL_COUNTER, d->name, 0, d->source,
			      d->layer, d->loss, d->peak);
		if (c < 0)
			return c;
		sp->tl.cols[c].peak = d->peak;
		sp->col[i] = c;
	}
	return 0;
}

static int xc_sample_host_cols(struct xc_sampler *sp, const struct xc_dp *dp)
{
	const struct xc_hc_counter *hc;
	char err[128];
	uint32_t i;
	int c;

	if (xc_hostctr_open(&sp->hc, dp->ifname, dp->has_rx, dp->has_tx, err,
			    sizeof(err))) {
		snprintf(sp->unread[sp->nunread++], sizeof(sp->unread[0]),
			 "host counters: %s", err);
		return 0;
	}
	sp->hc_first = sp->tl.ncols;
	for (i = 0; i < xc_hostctr_count(sp->hc); i++) {
		hc = xc_hostctr_counter(sp->hc, i);
		c = xc_tl_add(&sp->tl, XC_TL_COUNTER, hc->name, 0, hc->source,
			      hc->layer, hc->loss, false);
		if (c < 0)
			return c;
		sp->tl.cols[c].peer = hc->peer;
	}
	return 0;
}

/* The Rx workers' involuntary context switches and CPU, per queue. */
static int xc_sample_thread_cols(struct xc_sampler *sp,
				 const struct xc_dp *dp)
{
	char name[64];
	uint32_t i;
	int c = 0;

	sp->thr_first = sp->tl.ncols;
	for (i = 0; dp->has_rx && c >= 0 && i < dp->nsocks; i++) {
		snprintf(name, sizeof(name), "rx_worker_q%u_nivcsw",
			 dp->socks[i].queue);
		c = xc_tl_add(&sp->tl, XC_TL_COUNTER, name, 0, SRC(THREAD),
			      LAY(NONE), false, false);
		if (c < 0)
			break;
		snprintf(name, sizeof(name), "rx_worker_q%u_cpu",
			 dp->socks[i].queue);
		c = xc_tl_add(&sp->tl, XC_TL_COUNTER, name, 0, SRC(THREAD),
			      LAY(NONE), false, true);
	}
	return c < 0 ? c : 0;
}

static int xc_sample_stream_cols(struct xc_sampler *sp,
				 const struct xc_dp *dp)
{
	uint32_t i, j;
	int c;

	sp->tx_first = sp->tl.ncols;
	for (i = 0; i < dp->nsocks; i++)
		sp->ntxs += dp->socks[i].ntxs;
	sp->txs = calloc(sp->ntxs + 1, sizeof(*sp->txs));
	if (!sp->txs)
		return -ENOMEM;
	sp->ntxs = 0;
	for (i = 0; i < dp->nsocks; i++) {
		for (j = 0; j < dp->socks[i].ntxs; j++) {
			sp->txs[sp->ntxs++] = &dp->socks[i].txs[j];
			c = xc_tl_add(&sp->tl, XC_TL_TX_STREAM, "",
				      dp->socks[i].txs[j].id, 0, 0, 0, 0);
			if (c < 0)
				return c;
		}
	}
	sp->rx_first = sp->tl.ncols;
	for (i = 0; dp->rxv_ready && i < dp->rxv.nstreams; i++) {
		c = xc_tl_add(&sp->tl, XC_TL_RX_STREAM, "",
			      dp->rxv.streams[i].st.id, 0, 0, 0, 0);
		if (c < 0)
			return c;
	}
	return 0;
}

static void xc_sample_set(struct xc_sampler *sp, enum xc_sc i, uint64_t v)
{
	if (sp->col[i] >= 0)
		sp->raw[sp->col[i]] = v;
}

static void xc_sample_workers(struct xc_sampler *sp, struct xc_dp *dp)
{
	uint64_t txq = 0, txc = 0, rxf = 0;
	uint32_t i;

	for (i = 0; i < dp->nsocks; i++) {
		txq += XC_LOAD(&dp->socks[i].tx_frames);
		txc += XC_LOAD(&dp->socks[i].tx_completed);
		rxf += XC_LOAD(&dp->socks[i].rx_frames);
	}
	xc_sample_set(sp, XC_SC_TX_QUEUED, txq);
	xc_sample_set(sp, XC_SC_TX_COMPLETED, txc);
	xc_sample_set(sp, XC_SC_RX_FRAMES, rxf);
	for (i = 0; i < sp->ntxs; i++)
		sp->raw[sp->tx_first + i] = XC_LOAD(&sp->txs[i]->next_seq);
}

/* The validator's counts, summed over its streams, under its lock. */
static void xc_sample_rxv(struct xc_sampler *sp, struct xc_dp *dp)
{
	uint64_t v[XC_SC_RX_FOREIGN - XC_SC_RX_DELIVERED] = { 0 };
	uint64_t lat[3];
	const struct xc_rxstream *st;
	uint32_t i;

	if (!dp->rxv_ready)
		return;
	pthread_mutex_lock(&dp->rxv_lock);
	for (i = 0; i < dp->rxv.nstreams; i++) {
		st = &dp->rxv.streams[i].st;
		sp->raw[sp->rx_first + i] = st->delivered;
		v[0] += st->delivered;
		v[1] += st->corrupt;
		v[2] += st->duplicates;
		v[3] += st->reordered;
		v[4] += st->late;
		v[5] += st->unexpected;
	}
	xc_sample_set(sp, XC_SC_RX_FOREIGN, dp->rxv.foreign);
	xc_rxv_lat_interval(&dp->rxv, &lat[0], &lat[1], &lat[2]);
	pthread_mutex_unlock(&dp->rxv_lock);
	for (i = 0; i < XC_ARRAY_SIZE(v); i++)
		xc_sample_set(sp, XC_SC_RX_DELIVERED + i, v[i]);
	for (i = 0; i < XC_ARRAY_SIZE(lat); i++)
		xc_sample_set(sp, XC_SC_RX_LAT_FRAMES + i, lat[i]);
}

static void xc_sample_xsk(struct xc_sampler *sp, struct xc_dp *dp)
{
	uint64_t v[6] = { 0 };
	struct xdp_statistics st;
	socklen_t len;
	uint32_t i, j;
	int fd;

	for (i = 0; i < dp->nsocks; i++) {
		for (j = 0; j < dp->socks[i].nxs; j++) {
			if (!dp->socks[i].xs[j].xsk)
				continue;
			fd = xsk_socket__fd(dp->socks[i].xs[j].xsk);
			len = sizeof(st);
			memset(&st, 0, sizeof(st));
			if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, &st, &len))
				continue;
			v[0] += st.rx_dropped;
			v[1] += st.rx_ring_full;
			v[2] += st.rx_fill_ring_empty_descs;
			v[3] += st.rx_invalid_descs;
			v[4] += st.tx_invalid_descs;
			v[5] += st.tx_ring_empty_descs;
		}
	}
	for (i = 0; i < XC_ARRAY_SIZE(v); i++)
		xc_sample_set(sp, XC_SC_XSK_RX_DROPPED + i, v[i]);
}

static void xc_sample_xdp(struct xc_sampler *sp, struct xc_dp *dp)
{
	static const uint32_t idx[] = {
		XC_STAT_REDIRECT_FAIL, XC_STAT_REDIRECTED, XC_STAT_DROPPED,
		XC_STAT_ACTION_FAIL, XC_STAT_REFLECTED, XC_STAT_NOT_OURS,
	};
	uint64_t v;
	uint32_t i;

	if (!dp->skel)
		return;
	for (i = 0; i < XC_ARRAY_SIZE(idx); i++)
		if (!xc_xdp_counter(dp, idx[i], &v))
			xc_sample_set(sp, XC_SC_XDP_NO_SOCKET + i, v);
}

static void xc_sample_threads(struct xc_sampler *sp, struct xc_dp *dp)
{
	uint64_t *raw = &sp->raw[sp->thr_first];
	uint64_t nivcsw;
	uint32_t i, cpu;
	pid_t tid;

	for (i = 0; dp->has_rx && i < dp->nsocks; i++) {
		tid = XC_LOAD(&dp->socks[i].rx_tid);
		if (tid && !xc_thread_sched_stat(tid, &nivcsw, &cpu)) {
			raw[2 * i] = nivcsw;
			raw[2 * i + 1] = cpu;
		}
	}
}

static void xc_sample_read(struct xc_sampler *sp, struct xc_dp *dp)
{
	xc_sample_workers(sp, dp);
	xc_sample_rxv(sp, dp);
	xc_sample_xsk(sp, dp);
	xc_sample_xdp(sp, dp);
	if (sp->hc)
		xc_hostctr_read(sp->hc, &sp->raw[sp->hc_first]);
	xc_sample_threads(sp, dp);
}

/* Read the counters and record them as of t (CLOCK_REALTIME). */
static void xc_sample_at(struct xc_sampler *sp, struct xc_dp *dp,
			 uint64_t t)
{
	xc_sample_read(sp, dp);
	xc_tl_sample(&sp->tl, t, sp->raw);
}

static void xc_sample_now(struct xc_sampler *sp, struct xc_dp *dp)
{
	xc_sample_at(sp, dp, xc_now_ns(CLOCK_REALTIME));
}

/*
 * A sample taken for the end of an interval (due) belongs to that
 * interval, although it is read a little after: what it reads grew
 * during the interval. One taken half an interval late or more (a
 * stopped or starved agent) belongs to the interval it was read in.
 */
static void xc_sample_due(struct xc_sampler *sp, struct xc_dp *dp,
			  uint64_t due)
{
	uint64_t now = xc_now_ns(CLOCK_REALTIME);

	xc_sample_at(sp, dp, now - due < sp->tl.req_iv_ns / 2 ? due - 1 : now);
}

/* Wait for the next multiple of the interval; false when stopping. */
static bool xc_sample_wait(struct xc_sampler *sp, uint64_t *due)
{
	uint64_t iv = sp->tl.req_iv_ns;
	uint64_t next = (xc_now_ns(CLOCK_REALTIME) / iv + 1) * iv;
	struct timespec ts = {
		.tv_sec = (time_t)(next / 1000000000ull),
		.tv_nsec = (long)(next % 1000000000ull),
	};
	bool stop;

	pthread_mutex_lock(&sp->lock);
	while (!sp->stop &&
	       pthread_cond_timedwait(&sp->cond, &sp->lock, &ts) != ETIMEDOUT)
		;
	stop = sp->stop;
	pthread_mutex_unlock(&sp->lock);
	*due = next;
	return !stop;
}

static void *xc_sample_main(void *arg)
{
	struct xc_dp *dp = arg;
	struct xc_sampler *sp = dp->sampler;
	uint64_t due;

	while (xc_sample_wait(sp, &due))
		xc_sample_due(sp, dp, due);
	return NULL;
}

static int xc_sample_cols(struct xc_sampler *sp, struct xc_dp *dp)
{
	int ret;

	ret = xc_sample_own_cols(sp, dp);
	if (!ret)
		ret = xc_sample_host_cols(sp, dp);
	if (!ret)
		ret = xc_sample_thread_cols(sp, dp);
	if (!ret)
		ret = xc_sample_stream_cols(sp, dp);
	if (!ret)
		ret = xc_tl_alloc(&sp->tl, XC_TL_MAX_CELLS);
	if (ret)
		return ret;
	sp->raw = calloc(sp->tl.ncols + 1, sizeof(*sp->raw));
	return sp->raw ? 0 : -ENOMEM;
}

int xc_sample_start(struct xc_dp *dp, char *err, size_t errlen)
{
	struct xc_sampler *sp = calloc(1, sizeof(*sp));
	int ret;

	if (!sp)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	dp->sampler = sp;
	pthread_mutex_init(&sp->lock, NULL);
	pthread_cond_init(&sp->cond, NULL);
	ret = xc_tl_init(&sp->tl, dp->tl_iv_ns);
	if (!ret)
		ret = xc_sample_cols(sp, dp);
	if (ret)
		return xc_errf(err, errlen, -ret, "cannot set up the timeline: %s",
			       strerror(-ret));
	xc_sample_read(sp, dp);
	xc_tl_begin(&sp->tl, xc_now_ns(CLOCK_REALTIME), sp->raw);
	ret = xc_sched_sampler_spawn(&sp->thr, xc_sample_main, dp);
	if (ret)
		return xc_errf(err, errlen, ret,
			       "cannot start the timeline thread: %s",
			       strerror(ret));
	sp->running = true;
	return 0;
}

/* Stop sampling and take the last sample (the workers have stopped). */
void xc_sample_stop(struct xc_dp *dp)
{
	struct xc_sampler *sp = dp->sampler;

	if (!sp || !sp->running)
		return;
	pthread_mutex_lock(&sp->lock);
	sp->stop = true;
	pthread_cond_signal(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
	pthread_join(sp->thr, NULL);
	sp->running = false;
	xc_sample_now(sp, dp);
}

static int xc_sample_notes(const struct xc_sampler *sp,
			   Xceiver__V1__Timeline *t)
{
	uint32_t i, n = sp->hc ? xc_hostctr_nunread(sp->hc) : 0;

	t->unread = calloc(n + sp->nunread + 1, sizeof(*t->unread));
	if (!t->unread)
		return -ENOMEM;
	for (i = 0; i < sp->nunread; i++)
		t->unread[t->n_unread++] = strdup(sp->unread[i]);
	for (i = 0; i < n; i++)
		t->unread[t->n_unread++] = strdup(xc_hostctr_unread(sp->hc, i));
	for (i = 0; i < t->n_unread; i++)
		if (!t->unread[i])
			return -ENOMEM;
	if (!sp->hc)
		return 0;
	t->driver = strdup(xc_hostctr_driver(sp->hc));
	t->ethtool_left_out = xc_hostctr_left_out(sp->hc);
	return t->driver ? 0 : -ENOMEM;
}

int xc_sample_report(struct xc_dp *dp, Xceiver__V1__Report *r)
{
	struct xc_sampler *sp = dp->sampler;
	Xceiver__V1__Timeline *t;
	int ret;

	if (!sp || !sp->tl.begun)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	xceiver__v1__timeline__init(t);
	r->timeline = t;
	ret = xc_tl_report(&sp->tl, t);
	return ret ? ret : xc_sample_notes(sp, t);
}

void xc_sample_report_free(Xceiver__V1__Report *r)
{
	xc_tl_report_free(r->timeline);
	free(r->timeline);
	r->timeline = NULL;
}

void xc_sample_free(struct xc_dp *dp)
{
	struct xc_sampler *sp = dp->sampler;

	if (!sp)
		return;
	xc_sample_stop(dp);
	xc_hostctr_close(sp->hc);
	xc_tl_free(&sp->tl);
	free(sp->raw);
	free(sp->txs);
	pthread_mutex_destroy(&sp->lock);
	pthread_cond_destroy(&sp->cond);
	free(sp);
	dp->sampler = NULL;
}
