#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Latency per interval in the receiver's timeline, and the picture: 2 s at
# 100 kpps in skb mode with --json, --timeline and --plot. Over the
# intervals the receiver's rx_latency_frames add up to the frames its
# histogram timed, rx_latency_sum_ns to the histogram's sum, and the
# largest rx_latency_max_ns is its max; no interval's largest lies below
# its mean. The CSV has the three columns adding up the same, the SVG is
# well-formed (xmllint, when installed) and has the latency panels, with
# no word of untrusted clocks (both agents run on one kernel).
# XC_PLOT_KEEP=DIR keeps the SVG there to look at.
# shellcheck source=SCRIPTDIR/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"

COUNT=200000
SVG=$XC_TMP/latency.svg
CSV=$XC_TMP/latency.csv
H=.rx.latency.one_way

# xc_lat_series NAME EXPR: EXPR over the values of the receiver's NAME.
xc_lat_series()
{
	xc_jq "[.rx.timeline.counters[] | select(.name == \"$1\") |
		.v[] | n] | $2"
}

# xc_lat_csv NAME: the sum of the CSV's column rx:agent:NAME.
xc_lat_csv()
{
	awk -F, -v col="rx:agent:$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
		NR > 1 && c { s += $c }
		END { if (c) printf "%.0f\n", s; else print "absent" }' "$CSV"
}

xc_lat_columns()
{
	xc_assert_eq "frames timed, over the intervals" \
		"$(xc_jq "$H.count | n")" \
		"$(xc_lat_series rx_latency_frames add)"
	xc_assert_eq "the histogram's sum fits 64 bits" 0 \
		"$(xc_jq "$H.sum_hi | n")"
	xc_assert_eq "latency sum, over the intervals" \
		"$(xc_jq "$H.sum_lo | n")" \
		"$(xc_lat_series rx_latency_sum_ns add)"
	xc_assert_eq "largest, over the intervals" \
		"$(xc_jq "$H.max_ns | n")" \
		"$(xc_lat_series rx_latency_max_ns max)"
	xc_assert_eq "the largest is a peak gauge" true \
		"$(xc_jq '[.rx.timeline.counters[] |
			   select(.name == "rx_latency_max_ns")][0] |
			  .peak and .gauge')"
	xc_assert_eq "intervals whose largest lies below their mean" 0 \
		"$(xc_jq '[.rx.timeline.counters[] |
			   select(.name | startswith("rx_latency_")) |
			   {(.name): [.v[] | n]}] | add as $c |
			  [range(0; $c.rx_latency_frames | length) |
			   select($c.rx_latency_max_ns[.] *
				  $c.rx_latency_frames[.] <
				  $c.rx_latency_sum_ns[.])] | length')"
}

xc_lat_files()
{
	xc_assert_eq "csv: frames timed" "$(xc_jq "$H.count | n")" \
		"$(xc_lat_csv rx_latency_frames)"
	xc_assert_eq "csv: latency sum" "$(xc_jq "$H.sum_lo | n")" \
		"$(xc_lat_csv rx_latency_sum_ns)"
	if ! command -v xmllint >/dev/null; then
		xc_log "xmllint not installed: the plot's XML not checked"
	elif xmllint --noout "$SVG"; then
		xc_log "ok: the plot is well-formed"
	else
		xc_fail "the plot is not well-formed XML"
	fi
	for w in ">one-way latency<" ">mean per interval<" \
		 ">one-way latency by percentile:" ">percentile (log scale"; do
		if grep -q -- "$w" "$SVG"; then
			xc_log "ok: the plot has $w"
		else
			xc_fail "the plot lacks $w"
		fi
	done
	if grep -q "not trustworthy" "$SVG"; then
		xc_fail "the plot doubts one kernel's clock"
	fi
	if [ -n "${XC_PLOT_KEEP:-}" ]; then
		cp "$SVG" "$CSV" "$XC_JSON" "$XC_PLOT_KEEP/"
	fi
}

xc_require
xc_lab_up
xc_agents_start
xc_run "${XC_EP[@]}" --mode skb --count $COUNT --size 64 --rate 100000 \
	--json "$XC_JSON" --timeline "$CSV" --plot "$SVG"
xc_assert_rc 0
xc_assert_clean_stream $COUNT
xc_lat_columns
xc_lat_files
xc_log "one-way latency ns: min $(xc_jq "$H.min_ns") max" \
	"$(xc_jq "$H.max_ns"), $(xc_jq '.rx.timeline.intervals') intervals"
xc_end
