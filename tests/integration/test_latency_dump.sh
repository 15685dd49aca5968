#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The reported one-way latency against the exact value of every frame. The
# Rx agent dumps each frame it times (xceiver-agent --latency-dump: one
# line "STREAM SEQ LATENCY_NS") during a 10^5-frame run at 100 kpps, in
# skb and in drv mode. The dump must hold every delivered frame once (its
# line count is the reported histogram's count, each seq of the stream
# once) and that run only (each Prepare truncates it). From it sort and
# awk take the exact min, max and p50, p90, p99, p99.9, p99.99: the value
# of rank ceil(p * n / 100), p taken to 10^-7 percent (shared/xc_hist.c).
# The report must give min and max exactly, and each percentile as
# shared/xc_hist.h promises: the highest value of the bucket holding the
# exact value x, but not above max. Buckets are exact below 256; x in
# [2^k, 2^(k+1)), k >= 8, lies in a bucket of width w = 2^(k-7) starting
# at a multiple of w, so x <= reported <= x + w - 1 (about 0.78%), and
# the reported value is exactly min(floor(x / w) * w + w - 1, max).
# Prints the exact and reported figures.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=100000
RATE=100000
PCTS=(50 90 99 99.9 99.99)
DUMP=$XC_TMP/latency.dump

# xc_rank P N: the rank of percentile P among N values, 1 the smallest
# (shared/xc_hist.c: P rounded to 10^-7 percent, the rank rounded up).
xc_rank()
{
	local q

	q=$(awk -v p="$1" 'BEGIN { printf "%d", p * 10000000 + 0.5 }')
	echo $(((q * $2 + 999999999) / 1000000000))
}

# xc_bucket_w X: the width of the bucket holding X (shared/xc_hist.h).
xc_bucket_w()
{
	local x=$1 k=8

	if [ "$x" -lt 256 ]; then
		echo 1
		return
	fi
	while [ $((x >> (k + 1))) -gt 0 ]; do
		k=$((k + 1))
	done
	echo $((1 << (k - 7)))
}

# The dump itself: three whole numbers a line, the run's stream, each seq
# of [0, COUNT) once, and as many lines as the histogram counts.
xc_check_dump()
{
	local mode=$1 lines bad sid

	lines=$(wc -l <"$DUMP")
	xc_assert_eq "$mode: dump lines = histogram count" \
		"$(xc_jq '.latency.one_way.count | n')" "$lines"
	xc_assert_eq "$mode: dump lines = frames sent (this run only)" \
		$COUNT "$lines"
	bad=$(awk 'NF != 3 || $1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/ ||
		   $3 !~ /^-?[0-9]+$/' "$DUMP" | wc -l)
	xc_assert_eq "$mode: malformed dump lines" 0 "$bad"
	sid=$(xc_jq '.rx.rx[0].stream_id | n')
	xc_assert_eq "$mode: lines of another stream" 0 \
		"$(awk -v s="$sid" '$1 != s' "$DUMP" | wc -l)"
	xc_assert_eq "$mode: distinct seqs in [0, $COUNT)" $COUNT \
		"$(awk -v c=$COUNT '$2 < c { print $2 }' "$DUMP" | sort -u |
		   wc -l)"
	xc_assert_eq "$mode: negative latencies" 0 \
		"$(xc_jq '.latency.negative | n')"
}

# xc_check_pct MODE P SORTED MAX: the reported percentile P against the
# exact one; XC_PCT is "exact/reported".
xc_check_pct()
{
	local mode=$1 p=$2 sorted=$3 max=$4 n r x v w top

	n=$(wc -l <"$sorted")
	r=$(xc_rank "$p" "$n")
	x=$(sed -n "${r}p" "$sorted")
	v=$(xc_jq ".latency.one_way.percentiles_ns[\"$p\"]")
	w=$(xc_bucket_w "$x")
	top=$(((x / w) * w + w - 1))
	[ "$top" -le "$max" ] || top=$max
	if [ "$v" -lt "$x" ] || [ "$v" -gt $((x + w - 1)) ]; then
		xc_fail "$mode: p$p reported $v, exact $x (rank $r of $n):" \
			"outside [$x, $((x + w - 1))]"
	else
		xc_log "ok: $mode: p$p reported $v in [$x, $((x + w - 1))]"
	fi
	xc_assert_eq "$mode: p$p = top of the exact value's bucket" \
		"$top" "$v"
	XC_PCT="$x/$v"
}

xc_dump_mode()
{
	local mode=$1 sorted=$XC_TMP/sorted-$1 h=.latency.one_way
	local min max p line=""

	rm -f "$DUMP"
	xc_run "${XC_EP[@]}" --mode "$mode" --count $COUNT --size 64 \
		--rate $RATE --json "$XC_JSON"
	xc_assert_rc 0
	xc_assert_clean_stream $COUNT
	[ -s "$DUMP" ] || xc_fatal "$mode: no dump $DUMP"
	xc_check_dump "$mode"
	awk '{ print $3 }' "$DUMP" | sort -n >"$sorted"
	min=$(head -n 1 "$sorted")
	max=$(tail -n 1 "$sorted")
	xc_assert_eq "$mode: min = the dump's" "$min" "$(xc_jq "$h.min_ns")"
	xc_assert_eq "$mode: max = the dump's" "$max" "$(xc_jq "$h.max_ns")"
	for p in "${PCTS[@]}"; do
		xc_check_pct "$mode" "$p" "$sorted" "$max"
		line+=" p$p $XC_PCT"
	done
	xc_log "$mode: $(wc -l <"$sorted") frames, one-way latency ns" \
		"(exact/reported): min $min$line, max $max"
}

xc_require
xc_lab_up
xc_agent_start tx
XC_AGENT_ARGS="--latency-dump $DUMP" xc_agent_start rx
xc_dump_mode skb
xc_dump_mode drv
xc_end
