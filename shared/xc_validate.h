/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Rx validation, as README.md ("The verdict") defines it. Per stream, over
 * the set E of sequence numbers the spec expects:
 *   delivered  first arrival intact
 *   corrupt    first arrival with a matching header but wrong length or
 *              bytes; the first corrupt arrival's seq and first bad offset
 *              are kept: the first byte that differs from the frame Tx
 *              sent, a missing or extra byte counting as different (a
 *              frame that is only too short: its length; only too long:
 *              the expected length; a changed Tx time, which Rx cannot
 *              know, shows as a bad UDP checksum)
 *   missing    never arrived (count + ranges)
 * and every seq in E is exactly one of these three. Beside them:
 *   duplicates extra copies of a seq already seen (intact or not), also
 *              when the copy comes after the window moved past the seq
 *   reordered  first arrivals (late ones too) with a seq below the highest
 *              seen so far; extra copies are duplicates, not reordered
 *              (RFC 4737); max_reorder is the largest highest - seq
 *   unexpected test frames whose seq is outside E
 *   late       first arrivals of seqs the window had already passed and
 *              counted missing: they stay missing (so does a further copy
 *              of them; past max_ranges kept ranges a seq that cannot be
 *              looked up counts as late)
 *   foreign    frames that are not this run's test frames (per validator),
 *              also a test frame cut too short to hold its payload header
 *
 * Memory does not grow with the packet count: a bitmap of window_bits
 * sequence numbers slides forward, flushing missing ranges as it moves.
 *
 * Latency (Report.latency): every delivered frame (an intact first
 * arrival) read at rx_ns is timed, L = xc_lat_widen(rx_ns, its Tx time)
 * minus the clock offset (the receiver's clock minus the sender's,
 * xc_rxv_clock_offset). L >= 0 goes into the stream's histogram (only
 * with at most XC_LAT_MAX_STREAM_HISTS streams) and the side's; L < 0 is
 * counted negative, per stream and in total, and goes into no
 * histogram. Per stream, in arrival order and over every timed frame
 * (negative ones too: a difference of two latencies does not depend on
 * the offset), the RFC 3550 jitter, and the IPDV L - L_previous into the
 * side's signed histogram. Corrupt, duplicate, late and unexpected
 * arrivals are not timed, nor frames given without a time.
 */
#ifndef XC_VALIDATE_H
#define XC_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "xc_frame.h"
#include "xc_gen.h"
#include "xc_hist.h"
#include "xc_path.h"
#include "xc_limits.h"

#define XC_META_LEN		8	/* XDP_ACTION_METADATA: u64 seq */

struct xc_range {
	uint64_t first;
	uint64_t last;
};

struct xc_rxstream {
	uint32_t id;
	uint64_t count;			/* E = [0, count) ... */
	bool (*expected)(void *ctx, uint64_t seq);	/* ... minus these */
	void *expected_ctx;		/* NULL callback: all of [0, count) */

	/*
	 * sliding window, a ring of window_bits bits: seq lives in word
	 * (seq / 64) % (window_bits / 64); base stays a multiple of 64
	 */
	uint64_t *bits;
	uint32_t window_bits;		/* power of two */
	uint64_t base;
	uint64_t highest;		/* highest seq seen, valid if any_seen */
	bool any_seen;

	uint64_t expected_total;	/* |E| */
	uint64_t delivered;
	uint64_t corrupt;
	uint64_t missing;
	uint64_t duplicates;
	uint64_t reordered;
	uint64_t max_reorder;
	uint64_t unexpected;
	uint64_t late;
	uint64_t bytes;			/* descriptor bytes of all arrivals */

	bool has_corrupt;
	uint64_t first_corrupt_seq;
	uint32_t first_corrupt_off;

	struct xc_range *ranges;	/* first max_ranges missing ranges */
	uint32_t max_ranges;
	uint32_t nranges;
	uint64_t range_count;		/* all missing ranges */
	bool open_range;		/* ranges[..] being extended */
	struct xc_range cur;		/* the open range */
	bool finished;
};

int xc_rxstream_init(struct xc_rxstream *s, uint32_t id, uint64_t count,
		     uint32_t window_bits, uint32_t max_ranges);
void xc_rxstream_free(struct xc_rxstream *s);	/* NULL-tolerant */

/* One arrival of a test frame of this stream. */
void xc_rxstream_arrival(struct xc_rxstream *s, uint64_t seq, bool intact,
			 uint32_t bad_off, uint32_t bytes);

/* End of run: every unseen seq of E left in the window becomes missing. */
void xc_rxstream_finish(struct xc_rxstream *s);

/* Fill a report message (ranges copied; free with xc_rxstream_report_free). */
int xc_rxstream_report(const struct xc_rxstream *s,
		       Xceiver__V1__RxStreamReport *r);
void xc_rxstream_report_free(Xceiver__V1__RxStreamReport *r);

/*
 * A validator for everything one receiving side takes from its sockets
 * (one per data plane; the Rx workers of several queues share it under
 * the data plane's lock): the streams of a run, their templates, and the
 * foreign count.
 */
struct xc_rxv_stream {
	struct xc_stream_tmpl tmpl;
	struct xc_rxstream st;
	struct xc_gen gen;		/* the sender's generator */
	bool fixed;			/* one size and one port pair */
	bool drop_half;			/* XDP_ACTION_DROP_HALF */
	uint64_t desc_errors;		/* ANOMALY_DESC reports */
	uint64_t invalid_sent;		/* seqs sent invalid */
	uint64_t xdp_dropped;		/* valid seqs XDP drops */
	/*
	 * With path rules: the template of the frames as the path was last
	 * seen to deliver them (its length: the generator's plus cur_delta)
	 * and what it changed; arrivals that passed, counted per change.
	 */
	struct xc_stream_tmpl cur;
	int cur_delta;
	unsigned int cur_changes;	/* enum xc_path_change bits */
	uint64_t path_macs;
	uint64_t path_ttl;
	uint64_t path_vlan;
	uint64_t path_dscp;
	uint64_t vlan_unverified;
	/* latency (see the top of this file) */
	struct xc_hist *lat;		/* NULL: the side keeps totals only */
	struct xc_jitter jitter;	/* over L, also of IPDV's L_previous */
	uint64_t lat_negative;
};

/* A receiving side's latency: the offset applied, and its totals. */
struct xc_rxv_lat {
	int64_t offset_ns;		/* subtracted from every latency */
	uint64_t bound_ns;		/* of the offset, for the report */
	bool offset_known;
	bool per_stream;		/* a histogram per stream */
	uint64_t negative;
	/* the largest L >= 0 since xc_rxv_lat_interval last took it */
	uint64_t peak_ns;
	struct xc_hist one_way;
	struct xc_shist ipdv;
	/*
	 * Frames the receiving XDP program stamped too (xc_rxv_set_xdp_ns):
	 * sender's Tx ring to the XDP program (less the offset), and XDP
	 * program to the Rx worker's read (one clock).
	 */
	uint64_t xdp_stamped;
	struct xc_hist to_xdp;
	struct xc_hist xdp_to_rx;
	struct xc_hist streams[];	/* per_stream: one per stream */
};

/* One of the first max_anomalies anomalies, with a copy of the frame. */
struct xc_rxv_anom {
	int kind;			/* XCEIVER__V1__ANOMALY_KIND__* */
	uint32_t stream_id;
	uint64_t seq;
	uint32_t expected_len;
	uint32_t seen_len;
	uint32_t bad_offset;
	uint64_t addr;
	uint64_t rx_ns;
	uint32_t queue;
	uint32_t frame_len;		/* bytes kept in frame */
	uint8_t *frame;
};

/* Options of xc_rxv_init_opts; all may be zero/NULL (defaults). */
struct xc_rxv_opts {
	const Xceiver__V1__RxOptions *rx;	/* NULL: defaults */
	/*
	 * the sender's XskConfig for VALIDITY_AUTO; NULL: the default UMEM
	 * with multi-buffer (every frame size accepted)
	 */
	const Xceiver__V1__XskConfig *peer_xsk;
	uint32_t window_bits;
	uint32_t max_ranges;
	const Xceiver__V1__Path *path;	/* what may change; NULL: nothing */
	/* the Rx host may take a tag out where it cannot be read back */
	bool vlan_strip;
};

struct xc_rxv {
	uint32_t run_tag;
	uint32_t nstreams;
	struct xc_rxv_stream *streams;
	uint64_t frames;		/* every frame given to xc_rxv_frame */
	uint64_t foreign;
	/* from the RxOptions */
	int xdp_action;			/* XCEIVER__V1__XDP_ACTION__* */
	uint32_t tail_adjust;
	int payload_check;		/* XCEIVER__V1__PAYLOAD_CHECK__* */
	uint32_t sample_every;
	struct xc_path_rules path;	/* what may change on the way */
	bool path_any;
	const volatile uint64_t *vlan_unknown;	/* see _set_vlan_unknown */
	/* anomalies: the first max_anomalies kept, all counted */
	struct xc_rxv_anom *anoms;
	uint32_t max_anomalies;
	uint32_t nanoms;
	uint64_t anomaly_count;
	struct xc_rxv_lat *lat;		/* one allocation, at init */
	/* the per-frame latency dump (xc_rxv_set_dump); NULL: off */
	void (*dump)(void *ctx, uint32_t stream_id, uint64_t seq,
		     int64_t lat_ns);
	void *dump_ctx;
	/* the XDP program's stamp of a frame (xc_rxv_set_xdp_ns); NULL: none */
	uint64_t (*xdp_ns)(void *ctx, uint32_t queue, uint32_t stream_id,
			   uint64_t seq);
	void *xdp_ctx;
};

/* rx_ns of a frame that is not to be timed (CLOCK_TAI is never 0). */
#define XC_RXV_UNTIMED		0

int xc_rxv_init(struct xc_rxv *v, uint64_t run_id,
		Xceiver__V1__Stream *const *streams, size_t nstreams,
		uint32_t window_bits, uint32_t max_ranges,
		char *err, size_t errlen);
/*
 * The same with the Rx options and the sender's geometry. Per stream, E is
 * the seqs in [0, count) whose descriptor the sender's kernel accepts
 * (xc_gen_valid) and that the XDP action does not drop (DROP_HALF: odd
 * seqs). The expected length is the generator's frame length, minus
 * (SHRINK_TAIL) or plus (GROW_TAIL) tail_adjust; with those actions only
 * the bytes both frames have are compared and the UDP checksum is not.
 * xc_rxv_init is this with only window_bits and max_ranges set.
 */
int xc_rxv_init_opts(struct xc_rxv *v, uint64_t run_id,
		     Xceiver__V1__Stream *const *streams, size_t nstreams,
		     const struct xc_rxv_opts *o, char *err, size_t errlen);
void xc_rxv_free(struct xc_rxv *v);		/* NULL-tolerant */

/*
 * Whether the Rx host may take a tag out where it cannot be read back
 * (known only once the XDP mode is): a tagged stream's frame that arrives
 * untagged is then checked without its tag and counted in
 * vlan_unverified, else it is corrupt (unless the path may pop tags).
 */
void xc_rxv_set_vlan_strip(struct xc_rxv *v, bool strip);

/*
 * The same decided per frame: *seen is a count the Rx XDP program raises
 * before it hands over an untagged frame it could not ask about its tag
 * (the device-bound kfunc unsupported by the driver). While it is 0 an
 * untagged arrival of a tagged stream is judged as without the rule;
 * once it is not, as with vlan_strip.
 */
void xc_rxv_set_vlan_unknown(struct xc_rxv *v,
			     const volatile uint64_t *seen);

/*
 * The clock offset to subtract from every latency (the receiver's clock
 * minus the sender's, Start.clock_offset_ns), its bound and whether it
 * was measured; set before the first frame (0 until then).
 */
void xc_rxv_clock_offset(struct xc_rxv *v, int64_t offset_ns,
			 uint64_t bound_ns, bool known);

/*
 * The side's latency for the timeline, read where its other counts are
 * (under the data plane's lock): the frames timed with L >= 0 so far and
 * the sum of their L in ns (mod 2^64), as counters; and the largest such L
 * since the last call (0: none), which this takes and starts again. The
 * largest is exchanged atomically, so a Rx worker that times frames
 * without the lock (one queue) loses no largest value: a frame timed as
 * it is taken shows in one of the two intervals' largest, or lies below
 * the first one's.
 */
void xc_rxv_lat_interval(struct xc_rxv *v, uint64_t *frames,
			 uint64_t *sum_ns, uint64_t *max_ns);

/*
 * A debug dump of every timed frame: fn gets the frame's stream id, seq
 * and its latency L as above (a negative one too), in the order the
 * frames were given, on the thread that gave them. Set after init (which
 * turns it off); NULL turns it off. Off, it costs one untaken branch per
 * delivered frame.
 */
/*
 * Where the receiving XDP program's stamp of a timed frame is: fn gives
 * CLOCK_TAI ns when the program handed the frame (its queue, stream id
 * and seq) to its socket, as this side's clock reads it, or 0 when it did
 * not stamp it. Timed frames with a stamp split into sender to XDP and
 * XDP to the Rx worker (Latency.to_rx_xdp, rx_xdp_to_worker). Set after
 * init; NULL turns it off.
 */
void xc_rxv_set_xdp_ns(struct xc_rxv *v,
		       uint64_t (*fn)(void *ctx, uint32_t queue,
				      uint32_t stream_id, uint64_t seq),
		       void *ctx);

void xc_rxv_set_dump(struct xc_rxv *v,
		     void (*fn)(void *ctx, uint32_t stream_id, uint64_t seq,
				int64_t lat_ns),
		     void *ctx);

/*
 * Classify one received frame; returns true when it was delivered intact.
 * Not timed (XC_RXV_UNTIMED).
 */
bool xc_rxv_frame(struct xc_rxv *v, const uint8_t *frame, uint32_t len);

/*
 * The same with the metadata the XDP program wrote before the frame
 * (XDP_ACTION_METADATA: XC_META_LEN bytes, the frame's u64 seq in host
 * order; meta may be NULL otherwise), the UMEM address of the descriptor
 * and the queue, kept with anomalies, and the receiver's CLOCK_TAI in ns
 * when the frame was read (XC_RXV_UNTIMED: not timed). A metadata
 * mismatch counts the frame corrupt (ANOMALY_METADATA).
 */
bool xc_rxv_frame_meta(struct xc_rxv *v, const uint8_t *frame, uint32_t len,
		       const uint8_t *meta, uint32_t meta_len, uint64_t addr,
		       uint32_t queue, uint64_t rx_ns);

/*
 * Record an anomaly found outside the validator, e.g. a descriptor at a
 * wrong place (kind XCEIVER__V1__ANOMALY_KIND__ANOMALY_DESC): counted in
 * the desc_errors of the frame's stream when the frame parses as one of
 * this run's, else as foreign; kept in the anomaly list (frame may be NULL
 * when its bytes cannot be read). The frame is not classified here: pass
 * it to xc_rxv_frame_meta as well when it can be read.
 */
void xc_rxv_anomaly(struct xc_rxv *v, int kind, const uint8_t *frame,
		    uint32_t len, uint64_t addr, uint32_t queue);

/*
 * Fill r->rx (one report per stream), foreign, anomalies, anomaly_count,
 * payload_check, rx_frames and latency; call xc_rxv_finish first. Other fields of
 * r are left alone. Free with xc_rxv_report_free.
 */
int xc_rxv_report(struct xc_rxv *v, Xceiver__V1__Report *r);
void xc_rxv_report_free(Xceiver__V1__Report *r);	/* what report set */

/* Finish every stream (see xc_rxstream_finish). */
void xc_rxv_finish(struct xc_rxv *v);

#endif /* XC_VALIDATE_H */
