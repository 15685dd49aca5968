#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# 100000 frames of 64 bytes at 200 kpps in skb mode: all delivered intact,
# and the report carries the stream's rate figures.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=100000

xc_require
xc_lab_up
xc_agents_start
xc_run "${XC_EP[@]}" --mode skb --count $COUNT --size 64 --rate 200000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream $COUNT
# The paced stream's figures: requested and achieved rate, its span, and
# the default burst (10 ms of frames at 200 kpps).
xc_assert_output '^  rate +requested 200000 pps, achieved [0-9]+ pps' \
	"requested and achieved rate printed"
xc_assert_eq "span_ns > 0" true "$(xc_jq '(.tx.tx[0].span_ns | n) > 0')"
xc_assert_eq pace_burst 2000 "$(xc_jq '.tx.tx[0].pace_burst | n')"
xc_end
