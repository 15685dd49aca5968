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
 * A check that holds (or fails) whatever is measured ("missing >= 0",
 * "late < 0") is refused: it would judge nothing.
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

struct xc_expect {
	bool has_stream;	/* "stream N" prefix given */
	uint32_t stream_id;
	enum xc_counter counter;
	enum xc_expect_op op;
	uint64_t value;
};

/* "missing"; NULL for an unknown counter. */
const char *xc_counter_name(enum xc_counter c);
/* The counter named name, or -ENOENT. */
int xc_counter_from_name(const char *name);
/* Whether the counter has a per-stream value (else it is a total only). */
bool xc_counter_per_stream(enum xc_counter c);
/* Socket counters (XskStats), summed over sockets. */
bool xc_counter_is_socket(enum xc_counter c);
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

/* Whether measured satisfies the check (never for XC_OP_NOT_JUDGED). */
bool xc_expect_eval(const struct xc_expect *e, uint64_t measured);

/*
 * The check in canonical form: "stream 2 missing <= 10", "reordered not
 * judged".
 */
int xc_expect_format(const struct xc_expect *e, char *buf, size_t len);

#endif /* XC_EXPECT_H */
