/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Agent data plane: everything one Prepare sets up on one interface. UMEM(s),
 * AF_XDP socket(s) per queue, our XDP filter program on the Rx side, and one
 * worker thread per socket. The event loop only calls these functions; the
 * workers never touch the loop (they call notify(), which the daemon maps to
 * uv_async_send).
 */
#ifndef XC_DP_H
#define XC_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "xceiver.pb-c.h"

struct xc_dp;

struct xc_dp_progress {
	uint64_t elapsed_ns;
	uint64_t tx_frames;
	uint64_t rx_frames;
	uint64_t rx_valid;
	bool tx_done;		/* every Tx worker finished and reaped */
};

/*
 * Open sockets and load/attach the XDP program as p asks. Fills reply
 * (ifinfo, mode in use; free its strings with xc_prepared_free). A missing
 * interface, a queue that does not exist, a mode the NIC cannot do: error
 * returned with a message in err. notify(arg) is called from a worker thread
 * when Tx finishes.
 */
int xc_dp_prepare(struct xc_dp **out, const Xceiver__V1__Prepare *p,
		  Xceiver__V1__Prepared *reply, void (*notify)(void *arg),
		  void *arg, char *err, size_t errlen);
void xc_prepared_free(Xceiver__V1__Prepared *reply);

/* Queue ids a Prepare may name: below the kernel's limit on queues */
#define XC_MAX_QUEUES		4096

/*
 * What a Prepare asks of the host, derived as xc_dp_prepare derives it
 * and before anything is set up (the agent's policy judges it): the
 * interface and its queues, whether it attaches the interface's XDP
 * program (it receives), the bytes of its UMEMs over the queues, the
 * frames and the paced rate summed over its streams (sent and received),
 * the first stream without a rate (full speed) and the longest paced
 * stream's time.
 */
struct xc_dp_ask {
	const char *ifname;
	const uint32_t *queues;		/* p's own list (or queue 0) */
	size_t nqueues;
	bool rx;
	uint64_t umem_bytes;
	uint64_t frames;
	double rate_pps;
	bool full_speed;
	uint32_t full_speed_id;		/* its stream id */
	double duration_ms;
};

/* Fill a from p; p's own errors (xc_dp_prepare's checks) are returned. */
int xc_dp_ask(const Xceiver__V1__Prepare *p, struct xc_dp_ask *a, char *err,
	      size_t errlen);

enum {
	XC_DP_START_RX = 1 << 0,
	XC_DP_START_TX = 1 << 1,
	XC_DP_START_ALL = XC_DP_START_RX | XC_DP_START_TX,
};

/*
 * Start the Rx workers and/or the Tx workers (what: XC_DP_START_*). Each
 * side starts once; starting one again is -EALREADY. A side the data plane
 * does not have is ignored.
 */
int xc_dp_start(struct xc_dp *dp, unsigned int what, char *err,
		size_t errlen);

/*
 * The receiver's clock minus the sender's (Start.clock_offset_ns), the
 * bound of that measurement and whether it was measured: subtracted from
 * every one-way latency and reported with it. Call before the Rx workers
 * start (xc_dp_start); later it is not applied (a warning says so). A
 * data plane that does not receive ignores it.
 */
void xc_dp_clock_offset(struct xc_dp *dp, int64_t offset_ns,
			uint64_t bound_ns, bool known);

/* True when the data plane validates rx_streams (Rx or bidirectional). */
bool xc_dp_has_rx(const struct xc_dp *dp);

/* Snapshot of the counters (atomics; cheap). */
void xc_dp_progress(struct xc_dp *dp, struct xc_dp_progress *pr);

/*
 * The same for the i-th queue of the data plane (its queue id in *queue),
 * on the loop thread like xc_dp_progress: -ENOENT past the last one.
 */
int xc_dp_queue_progress(struct xc_dp *dp, uint32_t i, uint32_t *queue,
			 struct xc_dp_progress *pr);
/*
 * The socket statistics (XDP_STATISTICS) of the i-th queue, summed over
 * its sockets and added to st, quietly: 0, -ENOENT past the last queue
 * or the errno of a socket that could not be read.
 */
int xc_dp_queue_xsk(struct xc_dp *dp, uint32_t i,
		    Xceiver__V1__XskStats *st);
/* The interface the data plane runs on. */
const char *xc_dp_ifname(const struct xc_dp *dp);

/*
 * Stop the workers (Rx stops reading now), finish validation and build the
 * report (free with xc_dp_report_free).
 */
int xc_dp_report(struct xc_dp *dp, Xceiver__V1__Report **out);
void xc_dp_report_free(Xceiver__V1__Report *r);

/* Stop workers, close sockets, free UMEM, detach the XDP program.
 * NULL-tolerant; safe from a signal-driven shutdown path in the loop. */
void xc_dp_destroy(struct xc_dp *dp);

/*
 * What this host's kernel lets the Rx XDP program do: whether it may call
 * bpf_xdp_adjust_meta (xdp_action metadata). Loads the program to find
 * out and unloads it; attaches nothing. why says why not.
 */
struct xc_dp_caps {
	bool xdp_meta;
	char why_not_meta[160];
};
void xc_dp_probe(struct xc_dp_caps *caps);

/*
 * Whether workers may run with SCHED_FIFO (xsk.worker_sched fifo); the
 * agent's --no-realtime forbids it. Allowed by default.
 */
void xc_dp_allow_realtime(bool allow);

/* Interface facts for IfInfo (strings malloc'd; free with xc_ifinfo_free). */
int xc_ifinfo_get(const char *ifname, Xceiver__V1__IfInfo *info, char *err,
		  size_t errlen);
void xc_ifinfo_free(Xceiver__V1__IfInfo *info);

#endif /* XC_DP_H */
