#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Round trip (--reflect): the Rx agent's XDP program sends every test frame
# back with its addresses and ports swapped, and the Tx agent validates and
# times what returns on its own clock.
#   1. In skb and drv mode at 100 kpps: every frame comes back intact, the
#      reflector counted each one, every frame is timed, and the report
#      says the figures are round-trip times. Prints min, p50, p99, max.
# test_round_trip_loss.sh: the loss on the way out and on the way back.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=100000

xc_rtt_figures()
{
	local h=.latency.rtt

	echo "min $(xc_jq "$h.min_ns") p50 $(xc_jq "$h.percentiles_ns.\"50\"")" \
	     "p99 $(xc_jq "$h.percentiles_ns.\"99\"") max $(xc_jq "$h.max_ns")"
}

xc_rtt_mode()
{
	local mode=$1

	xc_run "${XC_EP[@]}" --mode "$mode" --reflect --count $COUNT \
		--size 64 --rate 100000 --json "$XC_JSON"
	xc_assert_rc 0
	xc_assert_eq "$mode: verdict" pass "$(xc_jq '.verdict')"
	xc_assert_eq "$mode: came back" $COUNT \
		"$(xc_jq '.tx.rx[0].delivered | n')"
	xc_assert_eq "$mode: missing" 0 "$(xc_jq '.tx.rx[0].missing | n')"
	xc_assert_eq "$mode: corrupt" 0 "$(xc_jq '.tx.rx[0].corrupt | n')"
	xc_assert_eq "$mode: duplicates" 0 \
		"$(xc_jq '.tx.rx[0].duplicates | n')"
	xc_assert_eq "$mode: reflected" $COUNT \
		"$(xc_jq '.rx.xdp_reflected | n')"
	xc_assert_eq "$mode: the reflector validates nothing" 0 \
		"$(xc_jq '.rx.rx | length')"
	xc_assert_eq "$mode: round trip" true "$(xc_jq '.latency.round_trip')"
	xc_assert_eq "$mode: frames timed" $COUNT \
		"$(xc_jq '.latency.rtt.count | n')"
	xc_assert_eq "$mode: below zero" 0 "$(xc_jq '.latency.negative | n')"
	xc_assert_output "^round trip: the reflector sent back $COUNT of $COUNT frames sent; 0 lost on the way out, 0 on the way back" \
		"$mode: the summary gives the reflector's count"
	xc_assert_output "^latency, round trip " \
		"$mode: the summary says round trip"
	xc_log "$mode: round-trip latency ns: $(xc_rtt_figures)"
}

xc_require
xc_lab_up
xc_agents_start
xc_rtt_mode skb
xc_rtt_mode drv
xc_end
