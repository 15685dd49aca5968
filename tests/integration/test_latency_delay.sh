#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# One-way latency through a middle box that delays every frame by a known
# amount D. xc-mbox (tests/mbox, --delay-ns D) holds each frame until its
# arrival time (the kernel's receive stamp) plus D, and measures for every
# frame how much later than that its send returned: its lateness, between
# the late_min and late_max the box reports. Runs of COUNT frames at RATE
# through the box with D = 0 and with each of DELAYS, in skb and drv mode.
#
# The bound. A frame's latency is S + D + late, S the rest of its path
# (Tx, links, Rx), whose distribution is the same in runs made alike
# back to back on one lab (the assumption). So the run's min and every
# percentile lie within [q(S) + D + late_min, q(S) + D + late_max], and
# the change from the D = 0 run within
#   [D + late_min(D) - late_max(0), D + late_max(D) - late_min(0)]:
# the box's own accuracy, nothing guessed. min is reported exactly; p50 as
# the top of its bucket (at most w - 1 above the exact value, w the
# bucket's width in the report), which widens the bound by w - 1 on each
# side. Also: no frame is faster than D, the box lost none, every frame
# is delivered. Prints the figures.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=20000
RATE=10000
DELAYS=(2000000 20000000)	# ns
H=.latency.one_way

declare -A MIN P50 W50 LMIN LMAX

# xc_width V: the width of the reported bucket that holds value V.
xc_width()
{
	xc_jq "[$H.buckets[] | select(.[0] <= $1 and $1 <= .[1])] |
	       .[0] | .[1] - .[0] + 1"
}

# xc_delay_run MODE D: one run through a box delaying by D ns.
xc_delay_run()
{
	local mode=$1 d=$2 st=$XC_TMP/mbox-$1-$2.json plan=$XC_TMP/plan rc

	: >"$plan"
	xc_mbox_start "$plan" "$st" --delay-ns "$d"
	xc_run "${XC_EP[@]}" --mode "$mode" --count $COUNT --size 64 \
		--rate $RATE --json "$XC_JSON"
	xc_mbox_stop
	rc=$?
	xc_assert_eq "$mode D=$d: xc-mbox exit code (0: lost nothing)" 0 $rc
	xc_assert_rc 0
	xc_assert_clean_stream $COUNT
	xc_assert_eq "$mode D=$d: negative latencies" 0 \
		"$(xc_jq '.latency.negative | n')"
	xc_assert_eq "$mode D=$d: the box's delay" "$d" \
		"$(xc_jq '.delay.delay_ns' "$st")"
	xc_assert_eq "$mode D=$d: test frames the box delayed" $COUNT \
		"$(xc_jq '.test_frames | n' "$st")"
	MIN[$d]=$(xc_jq "$H.min_ns")
	P50[$d]=$(xc_jq "$H.percentiles_ns[\"50\"]")
	W50[$d]=$(xc_width "${P50[$d]}")
	LMIN[$d]=$(xc_jq '.delay.late_min_ns' "$st")
	LMAX[$d]=$(xc_jq '.delay.late_max_ns' "$st")
	xc_assert_le "$mode D=$d: the delay, at most the min latency" "$d" \
		"${MIN[$d]}"
	xc_log "$mode D=$d: one-way ns min ${MIN[$d]} p50 ${P50[$d]}" \
		"(bucket width ${W50[$d]}) max $(xc_jq "$H.max_ns"); box:" \
		"$(xc_jq '.delay | "lateness ns min \(.late_min_ns)" +
			" p50 \(.late_p50_ns) p99 \(.late_p99_ns)" +
			" max \(.late_max_ns), \(.late_over_tolerance) of" +
			" \(.frames) frames over \(.tolerance_ns)" +
			" (\(.before_start) before it was ready)," +
			" SCHED_FIFO \(.sched_fifo), arrival stamps:" +
			" kernel \(.stamps.kernel_rx)," +
			" socket \(.stamps.socket_queued)," +
			" read \(.stamps.read)"' "$st")"
}

# xc_check_shift MODE WHAT D DELTA LO HI: DELTA within [LO, HI].
xc_check_shift()
{
	local mode=$1 what=$2 d=$3 delta=$4 lo=$5 hi=$6

	if [ "$delta" -lt "$lo" ] || [ "$delta" -gt "$hi" ]; then
		xc_fail "$mode D=$d: $what moved by $delta ns, outside" \
			"[$lo, $hi]"
		return
	fi
	xc_log "ok: $mode D=$d: $what moved by $delta ns (D $((delta - d))" \
		"ns), within [$lo, $hi]"
}

xc_delay_mode()
{
	local mode=$1 d lo hi

	MIN=() P50=() W50=() LMIN=() LMAX=()
	for d in 0 "${DELAYS[@]}"; do
		xc_delay_run "$mode" "$d"
	done
	for d in "${DELAYS[@]}"; do
		lo=$((d + LMIN[$d] - LMAX[0]))
		hi=$((d + LMAX[$d] - LMIN[0]))
		xc_check_shift "$mode" min "$d" $((MIN[$d] - MIN[0])) \
			"$lo" "$hi"
		xc_check_shift "$mode" p50 "$d" $((P50[$d] - P50[0])) \
			$((lo - W50[0] + 1)) $((hi + W50[$d] - 1))
	done
}

xc_require
[ -x "$XC_MBOX" ] || xc_skip "no middle box $XC_MBOX (make -C tests/mbox)"
xc_lab_up --mbox
xc_agents_start
xc_delay_mode skb
xc_delay_mode drv
xc_end
