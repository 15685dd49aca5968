/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One-way latency of a run (latency.c): the receiving agents' histograms
 * decoded and merged, and what the summary and the JSON report say of
 * them. The figures are only as good as the clocks: see xc_ctl_clock.h.
 */
#ifndef XC_LATENCY_H
#define XC_LATENCY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "xc_hist.h"
#include "xc_judge.h"

struct xc_lat_stream {
	uint32_t id;
	bool have;		/* its receiver reported it */
	struct xc_hist *one_way;	/* NULL: totals only */
	uint64_t jitter16_ns;	/* RFC 3550 jitter * 16 */
	uint64_t negative;
};

struct xc_latency {
	bool have;		/* a receiver reported latency */
	/*
	 * Round-trip times (a reflect run: the sender's own report), on
	 * one clock, in one_way and the streams'; else one-way.
	 */
	bool round_trip;
	uint32_t sides;		/* receivers that did */
	bool per_stream;	/* every receiver kept a histogram a stream */
	struct xc_hist one_way;
	struct xc_shist ipdv;
	uint64_t negative;
	struct xc_lat_stream *streams;	/* [i]: spec->streams[i] */
	uint32_t nstreams;
	char clock[32];
	char tx_stamp[96];
	char rx_stamp[96];
	/*
	 * The frames the receiving XDP program stamped too: sender's Tx
	 * ring to that program (the sender and the path), and from it to
	 * the Rx worker (the receiver's own).
	 */
	uint64_t xdp_stamped;
	struct xc_hist to_xdp;
	struct xc_hist xdp_to_rx;
	char xdp_stamp[128];
};

/*
 * Decode every receiver's latency. -EINVAL (err says what) when an
 * agent's histogram does not hold together, -ENOMEM; xc_latency_free()
 * it either way.
 */
int xc_latency_build(struct xc_latency *l, const struct xc_view *v,
		     char *err, size_t errlen);
void xc_latency_free(struct xc_latency *l);

/*
 * Whether the run's figures can be trusted, judged at its p50
 * (xc_clock_trust); a round trip's always (one clock).
 */
void xc_latency_trust(const struct xc_latency *l, const struct xc_run_clock *c,
		      struct xc_clock_trust *t);
/* The stream with the largest RFC 3550 jitter (the total's); NULL: none. */
const struct xc_lat_stream *xc_latency_top_jitter(const struct xc_latency *l);

/* Summary lines: totals, each stream, the clocks and whether to trust. */
void xc_latency_print(FILE *out, const struct xc_latency *l,
		      const struct xc_run_result *res);
json_t *xc_latency_json(const struct xc_latency *l,
			const struct xc_run_result *res);

#endif /* XC_LATENCY_H */
