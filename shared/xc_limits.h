/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Limits that bound what one run may ask for, so that everything an agent
 * must report fits one control message. The spec loader refuses a spec
 * beyond them with the limit in the message; nothing is cut silently.
 */
#ifndef XC_LIMITS_H
#define XC_LIMITS_H

#include <stdint.h>

#include "xc_frame.h"

#define XC_MAX_STREAMS		4096	/* streams in one spec */
#define XC_MAX_STREAM_ID	65535	/* the frame header's 16-bit id */
#define XC_DEF_MAX_RANGES	1024	/* missing ranges kept per stream */
#define XC_DEF_MAX_ANOMALIES	16	/* anomalies kept with frame copies */
#define XC_MAX_ANOMALIES	1024

#define XC_MSG_MAX		(16u << 20)	/* one control message */

/*
 * A receiving side's rings and UMEM hold what its streams bring in
 * XC_DEF_STALL_MS at their rates (a full-speed stream counted as
 * XC_RX_FULL_PPS), within XC_RX_UMEM_MAX bytes of chunks over its queues.
 */
#define XC_DEF_STALL_MS		50
#define XC_RX_FULL_PPS		1500000
#define XC_RX_UMEM_MAX		(128ull << 20)

/*
 * What one agent's report can take at most, by part: a stream's entries
 * (Tx and Rx, without ranges), one missing range, one kept anomaly with
 * its frame copy, and the rest (per-socket counters, totals).
 */
#define XC_REPORT_STREAM_BYTES	256
#define XC_REPORT_RANGE_BYTES	24
#define XC_REPORT_ANOMALY_BYTES	(XC_MAX_FRAME + 128)
#define XC_REPORT_OTHER_BYTES	(256u << 10)

/*
 * The most missing ranges per stream that keep a report of nstreams
 * streams and max_anomalies kept anomalies within one message; 0 when not
 * even one fits.
 */
static inline uint64_t xc_report_max_ranges(uint64_t nstreams,
					    uint64_t max_anomalies)
{
	uint64_t fixed = XC_REPORT_OTHER_BYTES +
			 max_anomalies * XC_REPORT_ANOMALY_BYTES +
			 nstreams * XC_REPORT_STREAM_BYTES;

	if (!nstreams)
		return UINT32_MAX;
	if (fixed >= XC_MSG_MAX)
		return 0;
	return (XC_MSG_MAX - fixed) / (nstreams * XC_REPORT_RANGE_BYTES);
}

#endif /* XC_LIMITS_H */
