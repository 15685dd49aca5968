/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The agent's metrics (--metrics ADDR:PORT): counters of its runs served
 * as OpenMetrics text on /metrics by libmicrohttpd's own thread. The loop
 * thread owns every session and data plane: a timer there reads them,
 * renders the text and hands it over under a mutex; the HTTP thread only
 * copies the latest text. Counters of finished runs are kept, so every
 * counter only grows over the agent's life.
 */
#ifndef XC_METRICS_H
#define XC_METRICS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "xceiver.pb-c.h"

struct xc_dp;
struct xc_session;

/* How often the loop takes the snapshot that /metrics serves. */
#define XC_METRICS_TICK_MS	250
/* HTTP connections at once, from one address, and their idle timeout. */
#define XC_METRICS_MAX_CONNS	4
#define XC_METRICS_MAX_PER_IP	2
#define XC_METRICS_TIMEOUT_S	5
/* Bytes of one connection's request buffers (headers). */
#define XC_METRICS_CONN_MEM	(32 * 1024)
/* Interface and queue pairs with series; more are counted as dropped. */
#define XC_METRICS_MAX_ROWS	1024

/* A row's queue when its counters are the interface's (anomalies). */
#define XC_METRICS_IFACE	UINT32_MAX

enum xc_mfield {
	XC_M_TX,		/* frames sent */
	XC_M_RX,		/* frames taken from the Rx rings */
	XC_M_VALID,		/* frames delivered intact */
	XC_M_XSK_RX_DROPPED,	/* XDP_STATISTICS, per queue */
	XC_M_XSK_RX_INVALID,
	XC_M_XSK_TX_INVALID,
	XC_M_XSK_RX_RING_FULL,
	XC_M_XSK_FILL_EMPTY,
	XC_M_XSK_TX_RING_EMPTY,
	XC_M_MISSING,		/* anomalies, per interface */
	XC_M_CORRUPT,
	XC_M_DUPLICATES,
	XC_M_REORDERED,
	XC_M_UNEXPECTED,
	XC_M_LATE,
	XC_M_FOREIGN,
	XC_M_XDP_NOT_OURS,
	XC_M_XDP_NO_SOCKET,
	XC_M_XDP_ACTION_FAILURES,
	XC_M_NFIELDS
};

/* The counters of one interface and queue (or the interface's). */
struct xc_mrow {
	char ifname[IF_NAMESIZE];
	uint32_t queue;
	uint64_t done[XC_M_NFIELDS];	/* runs that ended */
	uint64_t live[XC_M_NFIELDS];	/* runs going on, this snapshot */
	uint64_t last_tx, last_rx;	/* totals at the previous snapshot */
	double tx_fps, rx_fps;		/* over the last snapshot's span */
};

struct xc_mstate {
	struct xc_mrow *rows;
	size_t nrows;
	uint64_t runs_started;
	uint64_t runs_reported;		/* ended after a report */
	uint64_t runs_abandoned;	/* ended without one */
	uint64_t rows_dropped;		/* past XC_METRICS_MAX_ROWS */
	unsigned int runs_active;
	unsigned int sessions;
	double start_time_s;		/* the agent's start, Unix time */
};

/* The row of ifname and queue, made when new; NULL at the limit. */
struct xc_mrow *xc_mstate_row(struct xc_mstate *st, const char *ifname,
			      uint32_t queue);
/* Add a run's report (its anomalies) to ifname's row. */
void xc_mstate_report(struct xc_mstate *st, const char *ifname,
		      const Xceiver__V1__Report *r);
/* Add socket statistics to a row's counters (done or live). */
void xc_mrow_xsk(uint64_t *v, const Xceiver__V1__XskStats *x);
/* The rates since the previous call, dt_s seconds ago. */
void xc_mstate_rates(struct xc_mstate *st, double dt_s);
void xc_mstate_free(struct xc_mstate *st);

/*
 * The exposition text of st: OpenMetrics 1.0 (ends with "# EOF") or,
 * when openmetrics is false, the Prometheus text format 0.0.4. *text is
 * malloc'd. 0 or -ENOMEM.
 */
int xc_metrics_render(const struct xc_mstate *st, bool openmetrics,
		      char **text, size_t *len);

/*
 * --metrics: the address to serve on. A wildcard address (0.0.0.0, ::)
 * is refused unless any_addr (--metrics-any-address). 0 or -EINVAL with
 * the reason in err.
 */
int xc_metrics_addr(const char *addrport, bool any_addr,
		    struct sockaddr_storage *ss, char *err, size_t errlen);

/*
 * Serve /metrics on addrport (xc_metrics_addr judges it); the timer runs
 * on loop and counts the sessions of *sessions. 0, -EINVAL for a bad
 * address or another negative errno, with the reason in err.
 */
int xc_metrics_start(uv_loop_t *loop, const char *addrport, bool any_addr,
		     struct xc_session **sessions, char *err, size_t errlen);
/* Stop serving and close the timer (on the loop thread). */
void xc_metrics_stop(void);

/*
 * The sessions' hooks, on the loop thread; nothing without --metrics. A
 * run starts at its first Start, is reported when it builds a report and
 * ends before its data plane is freed.
 */
void xc_metrics_run_started(struct xc_dp *dp);
void xc_metrics_run_reported(struct xc_dp *dp, const Xceiver__V1__Report *r);
void xc_metrics_run_ended(struct xc_dp *dp);

#endif /* XC_METRICS_H */
