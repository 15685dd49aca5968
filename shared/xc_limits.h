/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One home for the defaults and limits that more than one part uses: the
 * spec loader, the generator, the validator, the agent and the
 * controller. A limit bounds what one run may ask for; the spec loader
 * refuses a spec beyond it with the limit in the message, and nothing is
 * cut silently. Defaults that one file alone uses stay in that file.
 */
#ifndef XC_LIMITS_H
#define XC_LIMITS_H

#include <stdint.h>

#include "xc_frame.h"
#include "xc_hist.h"

/* ------------------------------------------------------------ streams */

#define XC_MAX_STREAMS		4096	/* streams in one spec */
#define XC_MAX_COUNT		(1ull << 48)	/* the header's 48-bit seq */
#define XC_DEF_FRAME		64	/* frame_size with FCS */
#define XC_DEF_TTL		64
#define XC_MAX_SIZES		4096	/* sizes.list, sizes.imix entries */
#define XC_MAX_IMIX_CYCLE	65536	/* sum of the IMIX weights */
#define XC_MAX_REPEAT		1000

/* ------------------------------------------------------------ UMEM */

#define XC_DEF_CHUNK_SIZE	4096
#define XC_MIN_CHUNK_SIZE	2048	/* XDP_UMEM_MIN_CHUNK_SIZE */
#define XC_MAX_CHUNK_SIZE	65536	/* SZ_64K */
#define XC_DEF_NUM_CHUNKS	4096	/* a side that only sends */
#define XC_XDP_PACKET_HEADROOM	256
#define XC_HUGE_PAGE		(2u << 20)
#define XC_DEF_BATCH		64	/* descriptors per batch */
#define XC_DEF_RX_RING		4096	/* fill and Rx rings, at least */
/* Tx and completion rings in copy mode (see xc_def_tx_ring(), agent) */
#define XC_DEF_TX_RING_COPY	512
#define XC_MAX_SPQ		16	/* sockets per queue */
#define XC_MAX_RT_PRIORITY	99	/* SCHED_FIFO of the workers */
#define XC_MAX_FRAGS		32	/* fragments one DescShape may list */
#define XC_KERNEL_MAX_FRAGS	18	/* MAX_SKB_FRAGS + 1: copy mode */

/* ------------------------------------------------------------ validation */

#define XC_DEF_WINDOW_BITS	(1u << 20)	/* seqs the validator tracks */
#define XC_DEF_SAMPLE_EVERY	16	/* PAYLOAD_CHECK_SAMPLED */
#define XC_MAX_STREAM_ID	65535	/* the frame header's 16-bit id */
#define XC_DEF_MAX_RANGES	1024	/* missing ranges kept per stream */
#define XC_DEF_MAX_ANOMALIES	16	/* anomalies kept with frame copies */
#define XC_MAX_ANOMALIES	1024

/* ------------------------------------------------------------ control */

#define XC_MSG_MAX		(16u << 20)	/* one control message */
#define XC_DEF_CONNECT_MS	5000
#define XC_DEF_REPLY_MS		10000
#define XC_DEF_DRAIN_MS		1000	/* Rx quiet after Tx is done */

/*
 * Liveness of a control connection, on both ends: a peer silent for
 * XC_DEF_LIVENESS_S (xceiver --liveness, xceiver-agent --liveness, within
 * [XC_MIN_LIVENESS_S, XC_MAX_LIVENESS_S]) is given up. Each end sends a
 * Heartbeat when it has sent nothing for 1/XC_HEARTBEAT_DIV of that time;
 * the deadlines are checked every 1/XC_LIVE_TICK_DIV of it (at most
 * XC_LIVE_TICK_MAX_MS). TCP keepalive probes start after a third of it
 * and TCP_USER_TIMEOUT is the whole of it.
 */
#define XC_DEF_LIVENESS_S	10
#define XC_MIN_LIVENESS_S	1
#define XC_MAX_LIVENESS_S	3600
#define XC_HEARTBEAT_DIV	4
#define XC_LIVE_TICK_DIV	8
#define XC_LIVE_TICK_MAX_MS	500

/*
 * What the agent gives one peer at most: connections at once
 * (--max-connections; at the limit a new connection replaces the oldest
 * one that has not completed Hello, else it is refused), the time from
 * accept to a completed Hello (also covers a transport's handshake), the
 * time from a message's first byte to its last, and the bytes of
 * messages being received over all connections (--max-buffered-mib; a
 * message whose announced length exceeds what is left is refused).
 * Messages of at most XC_SMALL_MSG bytes are not counted (they take at
 * most that much per connection), so that Hello and a small Prepare get
 * through while others hold the budget; before Hello a message may not
 * be larger than that.
 */
#define XC_DEF_MAX_CONNECTIONS	64
#define XC_MAX_MAX_CONNECTIONS	4096
#define XC_HELLO_MS		5000
#define XC_MSG_MS		10000
#define XC_SMALL_MSG		(64u << 10)
#define XC_DEF_BUFFERED_MIB	64
#define XC_MIN_BUFFERED_MIB	(XC_MSG_MAX >> 20)	/* one whole message */
#define XC_MAX_BUFFERED_MIB	65536

/* ------------------------------------------------------------ Rx sizing */

/*
 * A receiving side's rings and UMEM hold what its streams bring in
 * XC_DEF_STALL_MS at their rates (a full-speed stream counted as
 * XC_RX_FULL_PPS), within XC_RX_UMEM_MAX bytes of chunks over its queues.
 */
#define XC_DEF_STALL_MS		50
#define XC_RX_FULL_PPS		1500000
#define XC_RX_UMEM_MAX		(128ull << 20)

/* ------------------------------------------------------------ timeline */

/*
 * An agent's timeline (Report.timeline): XC_DEF_TL_INTERVAL_NS a record
 * by default; records per column within [XC_TL_MIN_INTERVALS,
 * XC_TL_MAX_INTERVALS] and XC_TL_MAX_CELLS values over all columns (past
 * that, intervals merge in pairs). Loss-related driver counters: at most
 * XC_TL_MAX_ETHTOOL.
 */
#define XC_DEF_TL_INTERVAL_NS	10000000ull
#define XC_MIN_TL_INTERVAL_NS	1000000ull
#define XC_MAX_TL_INTERVAL_NS	10000000000ull
#define XC_TL_MIN_INTERVALS	16
#define XC_TL_MAX_INTERVALS	8192
#define XC_TL_MAX_CELLS		(256u << 10)
#define XC_TL_MAX_ETHTOOL	64

/* ------------------------------------------------------------ latency */

/*
 * A receiving side keeps a one-way latency histogram per stream (an
 * xc_hist, XC_HIST_SIZE = 28752 bytes) only when it receives at most
 * XC_LAT_MAX_STREAM_HISTS streams; with more, only its totals
 * (Latency.per_stream false). The bound is the report's, not memory's
 * (64 histograms are 1.84 MB): a histogram may fill all its
 * XC_HIST_BUCKETS buckets (latencies spread over seconds), which takes
 * XC_REPORT_HIST_BYTES (42.1 KiB) in a report, so 1024 streams' would
 * take 44 MB, beyond one message (XC_MSG_MAX, 16 MiB). 64 of them take
 * 2.76 MB and leave room for the rest of a report at its largest (1024
 * kept anomalies, a full timeline) and about 1000 missing ranges per
 * stream.
 */
#define XC_LAT_MAX_STREAM_HISTS	64

/* ------------------------------------------------------------ reports */

/*
 * What one agent's report can take at most, by part: a stream's entries
 * (Tx and Rx, without ranges), one missing range, one kept anomaly with
 * its frame copy, and the rest (per-socket counters, totals).
 */
#define XC_REPORT_STREAM_BYTES	256
#define XC_REPORT_RANGE_BYTES	24
#define XC_REPORT_ANOMALY_BYTES	(XC_MAX_FRAME + 128)
#define XC_REPORT_OTHER_BYTES	(256u << 10)
/* a timeline: every value a full varint, plus its names */
#define XC_REPORT_TIMELINE_BYTES	(XC_TL_MAX_CELLS * 10ull + (64u << 10))
/*
 * Latency: a Histogram with every bucket (a packed index of 2 bytes and
 * a count of at most 10 per bucket, the header's fields full varints);
 * a stream's StreamLatency without its histogram; the side's Latency
 * with its five total histograms (one-way, IPDV both ways, and the
 * split at the receiving XDP program).
 */
#define XC_REPORT_HIST_BYTES	(XC_HIST_BUCKETS * 12u + 128)
#define XC_REPORT_STREAM_LAT_BYTES	48
#define XC_REPORT_LAT_BYTES	(5u * XC_REPORT_HIST_BYTES + 640)

/*
 * The most missing ranges per stream that keep a report of nstreams
 * streams and max_anomalies kept anomalies within one message; 0 when not
 * even one fits. Latency is counted with a histogram for up to
 * XC_LAT_MAX_STREAM_HISTS of the streams whatever their number, so that
 * the figure only falls as streams are added (a side that receives some
 * of a spec's streams fits what the spec's count allowed).
 */
static inline uint64_t xc_report_max_ranges(uint64_t nstreams,
					    uint64_t max_anomalies)
{
	uint64_t hists = nstreams < XC_LAT_MAX_STREAM_HISTS ?
			 nstreams : XC_LAT_MAX_STREAM_HISTS;
	uint64_t fixed = XC_REPORT_OTHER_BYTES + XC_REPORT_TIMELINE_BYTES +
			 max_anomalies * XC_REPORT_ANOMALY_BYTES +
			 nstreams * (XC_REPORT_STREAM_BYTES +
				     XC_REPORT_STREAM_LAT_BYTES) +
			 XC_REPORT_LAT_BYTES + hists * XC_REPORT_HIST_BYTES;

	if (!nstreams)
		return UINT32_MAX;
	if (fixed >= XC_MSG_MAX)
		return 0;
	return (XC_MSG_MAX - fixed) / (nstreams * XC_REPORT_RANGE_BYTES);
}

#endif /* XC_LIMITS_H */
