/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Verdict expectations: "COUNTER OP VALUE", optionally prefixed by a stream
 * ("stream 2 missing <= 10"). OP is one of == != <= >= < >, VALUE a decimal
 * (or 0x hexadecimal) unsigned integer. COUNTER is a report counter:
 *
 *   per stream or total (the sum over the streams):
 *     sent delivered missing corrupt duplicates reordered unexpected late
 *     desc_errors
 *   total only:
 *     foreign, xdp_no_socket and xdp_action_failures (the receiving
 *     agents' XDP programs), and the socket counters (struct
 *     xdp_statistics) summed over the sockets of the side that owns
 *     them: rx_dropped rx_invalid_descs rx_ring_full
 *     rx_fill_ring_empty_descs on the receiving side, tx_invalid_descs
 *     tx_ring_empty_descs on the sending side.
 *
 * A check replaces the verdict's default check of its counter.
 * "[stream N] COUNTER not judged" removes the counter from the verdict: the
 * summary and the JSON list it as not judged, never as passed.
 *
 * Latency checks, "[stream N] METRIC OP VALUE" with VALUE in microseconds
 * and up to 3 decimals (a resolution of 1 ns: "latency_p99_us <= 12.5"):
 *
 *   one-way, per stream or total (the histograms merged over the streams):
 *     latency_min_us latency_mean_us latency_p50_us latency_p90_us
 *     latency_p99_us latency_p999_us latency_p9999_us latency_max_us
 *     jitter_us (RFC 3550; the total is the largest of the streams')
 *   one-way, total only:
 *     ipdv_p99_us (RFC 3393, may be negative: "ipdv_p99_us < -2")
 *   round trip (TestSpec.reflect), the same set prefixed rtt_ instead of
 *   latency_: rtt_min_us ... rtt_max_us, rtt_jitter_us, rtt_ipdv_p99_us.
 *
 * A latency check has no default to replace, so "not judged" is refused
 * for it; so is a round-trip check in a run that does not reflect and a
 * one-way check in one that does (xc_expect_fits_run).
 *
 * A check that holds (or fails) whatever is measured ("missing >= 0",
 * "late < 0", "latency_p99_us >= 0") is refused: it would judge nothing.
 */
#ifndef XC_EXPECT_H
#define XC_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xc_counter {
	XC_CTR_SENT,
	XC_CTR_DELIVERED,
	XC_CTR_MISSING,
	XC_CTR_CORRUPT,
	XC_CTR_DUPLICATES,
	XC_CTR_REORDERED,
	XC_CTR_UNEXPECTED,
	XC_CTR_LATE,
	XC_CTR_DESC_ERRORS,
	XC_CTR_FOREIGN,
	XC_CTR_XDP_NO_SOCKET,
	XC_CTR_XDP_ACTION_FAILURES,
	XC_CTR_RX_DROPPED,
	XC_CTR_RX_INVALID_DESCS,
	XC_CTR_TX_INVALID_DESCS,
	XC_CTR_RX_RING_FULL,
	XC_CTR_RX_FILL_RING_EMPTY_DESCS,
	XC_CTR_TX_RING_EMPTY_DESCS,
	XC_CTR_NUM,
};

enum xc_expect_op {
	XC_OP_EQ,
	XC_OP_NE,
	XC_OP_LE,
	XC_OP_GE,
	XC_OP_LT,
	XC_OP_GT,
	XC_OP_NOT_JUDGED,	/* "COUNTER not judged": no value */
};

/* A latency figure, of one-way latency or, with rtt, of round trip. */
enum xc_lat_metric {
	XC_LAT_MIN,
	XC_LAT_MEAN,
	XC_LAT_P50,
	XC_LAT_P90,
	XC_LAT_P99,
	XC_LAT_P999,
	XC_LAT_P9999,
	XC_LAT_MAX,
	XC_LAT_JITTER,
	XC_LAT_IPDV_P99,	/* total only */
	XC_LAT_NUM,
};

/* The largest latency VALUE a check takes, in microseconds (1000 s). */
#define XC_EXPECT_LAT_MAX_US	1000000000ull

struct xc_expect {
	bool has_stream;	/* "stream N" prefix given */
	uint32_t stream_id;
	enum xc_counter counter;	/* unless latency */
	enum xc_expect_op op;
	uint64_t value;
	bool latency;		/* a latency check: metric, rtt, value_ns */
	bool rtt;		/* of round trip (rtt_...) */
	enum xc_lat_metric metric;
	int64_t value_ns;	/* VALUE in ns (negative: ipdv only) */
};

/* "missing"; NULL for an unknown counter. */
const char *xc_counter_name(enum xc_counter c);
/* The counter named name, or -ENOENT. */
int xc_counter_from_name(const char *name);
/* Whether the counter has a per-stream value (else it is a total only). */
bool xc_counter_per_stream(enum xc_counter c);
/* Socket counters (XskStats), summed over sockets. */
bool xc_counter_is_socket(enum xc_counter c);
/* "latency_p99_us", "rtt_jitter_us"; NULL for an unknown metric. */
const char *xc_lat_metric_name(enum xc_lat_metric m, bool rtt);
/* "p99", "jitter": the figure's short name, for messages. */
const char *xc_lat_metric_short(enum xc_lat_metric m);
/* The metric named name (and whether it is rtt_), or -ENOENT. */
int xc_lat_metric_from_name(const char *name, bool *rtt);
/* Whether the metric has a per-stream value (else it is a total only). */
bool xc_lat_metric_per_stream(enum xc_lat_metric m);
/* Whether the metric is a difference of latencies (jitter, IPDV). */
bool xc_lat_metric_is_diff(enum xc_lat_metric m);
/* ns as microseconds, shortest exact form: "12.5", "-3", "0.001". */
const char *xc_us_str(int64_t ns, char *buf, size_t len);
/* "==", "not judged" */
const char *xc_expect_op_str(enum xc_expect_op op);

/*
 * Parse one check. Errors do not name the field, the caller prefixes them:
 * "unknown counter 'mising' (known: sent, delivered, ...)".
 */
int xc_expect_parse(const char *text, struct xc_expect *e, char *err,
		    size_t errlen);

/*
 * Parse a list of checks into a new array (free() it; NULL when n is 0).
 * Errors name the element: "expect.checks[2]: unknown counter ...".
 */
int xc_expect_parse_list(char *const *checks, size_t n,
			 struct xc_expect **out, char *err, size_t errlen);

/*
 * Whether the check suits the run: a round-trip check only in a reflect
 * run (TestSpec.reflect), a one-way check only in one that does not.
 * -EINVAL with err naming the check and saying why.
 */
int xc_expect_fits_run(const struct xc_expect *e, bool reflect, char *err,
		       size_t errlen);

/* Whether measured satisfies the check (never for XC_OP_NOT_JUDGED). */
bool xc_expect_eval(const struct xc_expect *e, uint64_t measured);
/* The same for a signed value against the latency check's value_ns. */
bool xc_expect_eval_ns(const struct xc_expect *e, int64_t measured);

/*
 * The check in canonical form: "stream 2 missing <= 10", "reordered not
 * judged", "latency_p99_us <= 12.5".
 */
int xc_expect_format(const struct xc_expect *e, char *buf, size_t len);

#endif /* XC_EXPECT_H */
