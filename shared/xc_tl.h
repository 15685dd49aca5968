/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A timeline in fixed memory: columns of per-interval values (a counter's
 * growth in each interval, or a gauge's value at its end). Intervals start
 * at multiples of the interval of CLOCK_REALTIME, so that two hosts whose
 * clocks agree sample at the same instants and their records line up.
 * When the records reach the cap, neighbouring pairs merge (aligned to
 * twice the interval, so the grids of two hosts still line up) and the
 * interval doubles; memory never grows after xc_tl_alloc.
 *
 * Use: xc_tl_init, xc_tl_add for every column, xc_tl_alloc, xc_tl_begin
 * with the counters' raw values, then xc_tl_sample at each interval's end
 * (and once more at the end of the run); xc_tl_report builds the message.
 */
#ifndef XC_TL_H
#define XC_TL_H

#include <stdbool.h>
#include <stdint.h>

#include "xceiver.pb-c.h"

/*
 * The receiving side's latency per interval, from its validator: frames
 * timed (latency >= 0) and the sum of their latency (counters), and the
 * largest latency of the interval (a peak gauge).
 */
#define XC_TL_LAT_FRAMES	"rx_latency_frames"
#define XC_TL_LAT_SUM		"rx_latency_sum_ns"
#define XC_TL_LAT_MAX		"rx_latency_max_ns"

enum xc_tl_kind {
	XC_TL_COUNTER,		/* Timeline.counters */
	XC_TL_TX_STREAM,	/* Timeline.tx: seqs queued */
	XC_TL_RX_STREAM,	/* Timeline.rx: frames delivered */
};

struct xc_tl_col {
	enum xc_tl_kind kind;
	char name[64];
	uint32_t stream_id;
	int source;		/* XCEIVER__V1__COUNTER_SOURCE__* */
	int layer;		/* XCEIVER__V1__LAYER__* */
	bool loss;
	bool gauge;
	bool peak;		/* a gauge of the interval's largest value */
	bool peer;		/* Series.peer */
	uint64_t last;		/* raw value at the last sample */
};

struct xc_tl {
	uint64_t req_iv_ns;
	uint64_t iv_ns;
	uint32_t max;		/* records per column (even) */
	uint32_t n;		/* records so far */
	uint32_t coarsened;
	uint64_t start_rt;	/* start of record 0 */
	uint64_t end_rt;	/* time of the last sample */
	struct xc_tl_col *cols;
	uint32_t ncols;
	uint32_t capcols;
	uint64_t *cells;	/* record k of column c: cells[c * max + k] */
	bool begun;
};

int xc_tl_init(struct xc_tl *tl, uint64_t iv_ns);
void xc_tl_free(struct xc_tl *tl);	/* NULL-tolerant */

/* Add a column (before xc_tl_alloc); its index or a negative errno. */
int xc_tl_add(struct xc_tl *tl, enum xc_tl_kind kind, const char *name,
	      uint32_t stream_id, int source, int layer, bool loss,
	      bool gauge);

/*
 * Records per column: max_cells over the columns, within
 * [XC_TL_MIN_INTERVALS, XC_TL_MAX_INTERVALS]; 0 or -ENOMEM.
 */
int xc_tl_alloc(struct xc_tl *tl, uint64_t max_cells);

/* Start at now_rt (CLOCK_REALTIME ns) with the columns' raw values. */
void xc_tl_begin(struct xc_tl *tl, uint64_t now_rt, const uint64_t *raw);

/*
 * Record the raw values read at now_rt: each counter's growth since the
 * last sample goes to the interval now_rt falls in (intervals passed
 * without a sample keep 0), a gauge's value to that interval too; a peak
 * gauge (set .peak after xc_tl_add, with gauge) keeps the largest value
 * sampled in the interval, and merged records keep the larger.
 */
void xc_tl_sample(struct xc_tl *tl, uint64_t now_rt, const uint64_t *raw);

/* The interval that starts at or before t, as a record index. */
uint64_t xc_tl_index(const struct xc_tl *tl, uint64_t t);

/* Fill out (columns copied); free with xc_tl_report_free. */
int xc_tl_report(const struct xc_tl *tl, Xceiver__V1__Timeline *out);
void xc_tl_report_free(Xceiver__V1__Timeline *t);	/* NULL-tolerant */

#endif /* XC_TL_H */
