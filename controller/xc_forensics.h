/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Drop forensics: the two agents' timelines on one grid of intervals, the
 * missing frames placed in the interval their sender queued them, grouped
 * into loss episodes, and each missing frame counted against the first
 * layer whose counters account for it (README, "Where the frames went").
 * Pure: a spec and the run's reports in, numbers out; the summary, the
 * JSON, the CSV and the plot print them.
 */
#ifndef XC_FORENSICS_H
#define XC_FORENSICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xc_ctl.h"
#include "xc_judge.h"
#include "xceiver.pb-c.h"

/* Where a missing frame was lost, in the order a frame passes. */
enum xc_fx_where {
	XC_FX_TX_UNSENT,	/* the sender never queued it */
	XC_FX_TX,		/* the sending host (uncompleted, NIC drops) */
	XC_FX_RX_HOST,		/* the receiving host before XDP */
	XC_FX_RX_XDP,		/* our XDP program: no socket on the queue */
	XC_FX_RX_XSK,		/* the receiving socket: fill ring, Rx ring */
	XC_FX_BETWEEN,		/* no counter of either host: the path */
	XC_FX_UNATTRIBUTED,	/* the counters cannot settle it */
	XC_FX_NWHERE,
};

/* One stream on the grid: per interval, frames queued and delivered. */
struct xc_fx_stream {
	uint32_t id;
	uint32_t tx_queue;	/* the sender's queue it went out on */
	uint64_t *sent;
	uint64_t *recv;
	uint64_t *missing;	/* by the interval Tx queued them */
};

/* Missing frames close in time (no more than one interval apart). */
struct xc_fx_episode {
	uint32_t first;		/* intervals [first, last] of the grid */
	uint32_t last;
	uint64_t start_ns;	/* from the grid's start */
	uint64_t start_rt;	/* CLOCK_REALTIME */
	uint64_t dur_ns;
	uint64_t lost;
	uint32_t nstreams;	/* streams that lost frames in it */
	uint32_t ntx_queues;	/* their senders' queues (distinct) */
	uint32_t tx_queue;	/* the first stream's */
	uint32_t stream_id;	/* the first of them, and its range */
	uint64_t seq_first;
	uint64_t seq_last;
	uint64_t by[XC_FX_NWHERE];
	/* per layer, the counter that accounted for most of it ("" none) */
	char why[XC_FX_NWHERE][64];
};

struct xc_forensics {
	bool have;		/* both timelines there and usable */
	char why_not[160];	/* when not */
	uint64_t iv_ns;
	uint64_t req_iv_ns;	/* what the spec asked for */
	uint32_t max_intervals;	/* the smaller agent cap, when merged */
	uint64_t start_rt;	/* start of interval 0 */
	uint32_t n;		/* intervals */
	struct xc_fx_stream *streams;
	uint32_t nstreams;
	uint64_t *sent;		/* totals over the streams, per interval */
	uint64_t *recv;
	uint64_t *missing;
	struct xc_fx_episode *eps;
	uint32_t neps;
	uint64_t missing_total;
	/* missing frames that could not be placed in time (ranges beyond
	 * the kept ones, no timeline): attributed over the whole run only */
	uint64_t unplaced;
	uint64_t by[XC_FX_NWHERE];
	char why[XC_FX_NWHERE][64];	/* over the whole run */
};

/*
 * 0 (fx->have false with why_not when the timelines cannot be used) or
 * -ENOMEM; xc_forensics_free() it either way.
 */
int xc_forensics_build(struct xc_forensics *fx, const struct xc_view *v);
void xc_forensics_free(struct xc_forensics *fx);

/*
 * Put series v of an agent's timeline t on fx's grid: add each record
 * into dst (a gauge: its last value); t must be one of the run's, whose
 * records nest in the grid.
 */
void xc_fx_regrid(const struct xc_forensics *fx,
		  const Xceiver__V1__Timeline *t, const uint64_t *v,
		  bool gauge, uint64_t *dst);

/* The same for counter s of t: a peak gauge keeps the largest record. */
void xc_fx_regrid_series(const struct xc_forensics *fx,
			 const Xceiver__V1__Timeline *t,
			 const Xceiver__V1__Series *s, uint64_t *dst);

/* "in the receiver's socket", "between the hosts", ... */
const char *xc_fx_where_label(enum xc_fx_where w);
/* "receiver socket", ...: for the picture */
const char *xc_fx_where_short(enum xc_fx_where w);
/* "rx_xsk", "between", ...: JSON and CSV names */
const char *xc_fx_where_name(enum xc_fx_where w);
/* Whether frames lost there are the tester's own doing. */
bool xc_fx_where_tester(enum xc_fx_where w);

/*
 * The picture (plot.c): sent and received rate per stream over time (the
 * busiest streams, the rest summed), missing frames, the loss episodes
 * shaded and labelled with their attribution. SVG, readable without the
 * JSON. 0 or a negative errno.
 */
int xc_plot_svg(const struct xc_forensics *fx, const char *title, FILE *f);

#endif /* XC_FORENSICS_H */
