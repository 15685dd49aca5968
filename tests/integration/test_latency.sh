#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# One-way latency at 100 kpps in skb and drv mode: the receiver's report
# times every delivered frame (the histogram's count is the delivered
# count), and since both agents share one host's clock none comes out
# negative; the clock and stamping points are named; the receiving XDP
# program stamps every frame too, and the two parts of each add up.
# Prints min, p50, p99 and max from the reported histogram and the split
# (figures, not judged).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=100000

# The value at percentile $1 of the histogram at path $2: the highest
# value of the bucket holding rank ceil(p * count / 100) (shared/xc_hist.h).
xc_lat_pct()
{
	xc_jq "$2 as \$h | (\$h.count | n) as \$c |
	       ((\$c * $1 / 100) | ceil | if . < 1 then 1 else . end) as \$r |
	       [\$h.bucket, (\$h.bucket_count | map(n))] | transpose |
	       reduce .[] as \$b ({s: 0, v: null};
		 if .v == null and .s + \$b[1] >= \$r then .v = \$b[0] else . end |
		 .s += \$b[1]) | .v |
	       if . < 256 then . else
		 ((. / 128 | floor) - 1) as \$s |
		 ((((. % 128) + 129) * pow(2; \$s)) - 1) end"
}

# The split at the receiving XDP program: every frame of a 100 kpps run
# stamped there, and each frame's two parts add up to its latency, so the
# means do (within the JSON's rounding).
xc_lat_split()
{
	local mode=$1 s=.latency.split

	xc_assert_eq "$mode: frames stamped by the rx XDP program" $COUNT \
		"$(xc_jq "$s.frames | n")"
	xc_assert_eq "$mode: frames to the rx XDP program" $COUNT \
		"$(xc_jq "$s.tx_ring_to_rx_xdp.count | n")"
	xc_assert_eq "$mode: frames from it to the rx worker" $COUNT \
		"$(xc_jq "$s.rx_xdp_to_rx_worker.count | n")"
	xc_assert_eq "$mode: the parts add up to the latency" true \
		"$(xc_jq "(($s.tx_ring_to_rx_xdp.mean_ns + $s.rx_xdp_to_rx_worker.mean_ns) - .latency.one_way.mean_ns) | fabs < 0.01")"
	xc_log "$mode: split ns: tx ring to rx XDP p50 $(xc_jq "$s.tx_ring_to_rx_xdp.percentiles_ns.\"50\"") p99 $(xc_jq "$s.tx_ring_to_rx_xdp.percentiles_ns.\"99\""); rx XDP to rx worker p50 $(xc_jq "$s.rx_xdp_to_rx_worker.percentiles_ns.\"50\"") p99 $(xc_jq "$s.rx_xdp_to_rx_worker.percentiles_ns.\"99\"")"
}

xc_lat_mode()
{
	local mode=$1 h=.rx.latency.one_way

	xc_run "${XC_EP[@]}" --mode "$mode" --count $COUNT --size 64 \
		--rate 100000 --json "$XC_JSON"
	xc_assert_rc 0
	xc_assert_clean_stream $COUNT
	xc_assert_eq "$mode: clock" CLOCK_TAI "$(xc_jq '.rx.latency.clock')"
	xc_assert_eq "$mode: frames timed" $COUNT "$(xc_jq "$h.count | n")"
	xc_assert_eq "$mode: stream's frames timed" $COUNT \
		"$(xc_jq '.rx.latency.streams[0].one_way.count | n')"
	xc_assert_eq "$mode: negative" 0 "$(xc_jq '.rx.latency.negative | n')"
	xc_assert_eq "$mode: IPDV values" $((COUNT - 1)) \
		"$(xc_jq '(.rx.latency.ipdv_neg.count | n) +
			  (.rx.latency.ipdv_pos.count | n)')"
	xc_lat_split "$mode"
	xc_log "$mode: one-way latency ns: min $(xc_jq "$h.min_ns") p50 $(xc_lat_pct 50 "$h") p99 $(xc_lat_pct 99 "$h") max $(xc_jq "$h.max_ns"); jitter $(xc_jq '(.rx.latency.streams[0].jitter16_ns | n) / 16 | floor') ns"
}

xc_require
xc_lab_up
xc_agents_start
xc_lat_mode skb
xc_lat_mode drv
xc_end
