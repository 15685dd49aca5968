#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The agents' clocks against the controller's (ClockProbe). Both lab
# agents run on one machine and share its CLOCK_TAI, so the offset the
# controller measures between them must be 0 within its bound, and the
# bound small (half the round trips over the management veth). With the
# Rx agent's clock made 5 ms fast on purpose (--clock-skew-ns) the offset
# must be 5 ms within the bound; with it drifting (--clock-drift-ppm) the
# measurement after the run must show the drift, and the bound over the
# run must cover it. Each report carries its agent's clock state.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

SKEW=5000000			# ns
DRIFT=2000			# ppm
BOUND_MAX=1000000		# ns: sub-millisecond on the management veth
COUNT=100000			# at 100 kpps: the run lasts 1 s at least

# start_offset tx|rx: the clock offset to its sender that the agent got in
# Start (its log, -v), "OFFSET BOUND".
start_offset()
{
	sed -nE 's/.*clock offset to the sender ([-+][0-9]+) ns within ([0-9]+) ns.*/\1 \2/p' \
		"$XC_TMP/agent-$1.log" | tail -n 1
}

# clock_of WHEN: "OFFSET BOUND" of the pair (rx agent minus tx agent) that
# the controller logged (-v) for WHEN: before, after, over the run.
clock_of()
{
	xc_ctl_text | sed -nE "s/.*clock $1: rx agent minus tx agent ([-+][0-9]+) ns within ([0-9]+) ns.*/\1 \2/p" |
		tail -n 1
}

# within WHAT WANT "OFFSET BOUND": |OFFSET - WANT| <= BOUND.
within()
{
	local what=$1 want=$2 off bound

	read -r off bound <<<"$3"
	if [ -z "$off" ]; then
		xc_fail "$what: no offset logged"
		return 1
	fi
	if ! awk -v o="$off" -v w="$want" -v b="$bound" \
		'BEGIN { d = o - w; if (d < 0) d = -d; exit !(d <= b) }'; then
		xc_fail "$what: offset $off ns is not $want ns within $bound ns"
		return 1
	fi
	xc_log "ok: $what: offset $off ns is $want ns within $bound ns"
	xc_assert_le "$what: bound (ns)" "$bound" "$BOUND_MAX"
}

run()
{
	xc_run "${XC_EP[@]}" --mode skb --count "$1" --size 64 \
		--rate 100000 --json "$XC_JSON" -v
	xc_assert_rc 0
	xc_assert_clean_stream "$1"
}

xc_require
xc_lab_up
xc_agents_start

# one clock: the pair's offset is 0 within its bound, before and after
run 2000
within "shared clock, before" 0 "$(clock_of before)"
within "shared clock, after" 0 "$(clock_of after)"
within "shared clock, over the run" 0 "$(clock_of 'over the run')"
for side in tx rx; do
	xc_assert_eq "$side report: clock read" true \
		"$(xc_jq ".$side.clock.read")"
	xc_assert_eq "$side report: clock status present" number \
		"$(xc_jq ".$side.clock.status | type")"
	xc_assert_eq "$side report: synchronised present" boolean \
		"$(xc_jq ".$side.clock.synchronised | type")"
done

# the Rx agent's clock 5 ms fast on purpose
xc_agent_stop rx || xc_fail "rx agent did not exit cleanly"
XC_AGENT_ARGS="--clock-skew-ns $SKEW" xc_agent_start rx
run 2000
within "rx clock +5 ms, before" "$SKEW" "$(clock_of before)"
within "rx clock +5 ms, after" "$SKEW" "$(clock_of after)"
xc_assert_eq "rx agent's Start: the offset measured before" \
	"$(clock_of before)" "$(start_offset rx)"
# both ways: each agent receives, the tx agent's sender is 5 ms ahead
xc_run "${XC_EP[@]}" --mode skb --count 2000 --size 64 --rate 100000 \
	--bidirectional --json "$XC_JSON" -v
xc_assert_rc 0
xc_assert_eq verdict pass "$(xc_jq '.verdict')"
within "bidirectional, rx agent's Start" "$SKEW" "$(start_offset rx)"
within "bidirectional, tx agent's Start" "-$SKEW" "$(start_offset tx)"
read -r o b <<<"$(start_offset rx)"
xc_assert_eq "bidirectional: the tx agent's offset is the rx agent's negated" \
	"$((-o)) $b" "$(start_offset tx | sed 's/^+//')"

# ... and drifting: after a run of 1 s or more, DRIFT ppm of it is more
# than 2 ms
xc_agent_stop rx || xc_fail "rx agent did not exit cleanly"
XC_AGENT_ARGS="--clock-drift-ppm $DRIFT" xc_agent_start rx
run "$COUNT"
read -r o1 b1 <<<"$(clock_of before)"
read -r o2 b2 <<<"$(clock_of after)"
read -r o bound <<<"$(clock_of 'over the run')"
if [ -z "$o1" ] || [ -z "$o2" ] || [ -z "$o" ]; then
	xc_fail "drift: offsets not logged"
else
	# DRIFT ppm of 1 s, less both bounds
	xc_assert_le "drift: the least it can be, <= offset after - before" \
		"$((DRIFT * 1000 - b1 - b2))" "$((o2 - o1))"
	xc_assert_eq "drift: the run's offset is the one measured before" \
		"$o1" "$o"
	xc_assert_le "drift: |after - before| + after's bound <= run's bound" \
		"$((o2 - o1 + b2))" "$bound"
fi

xc_end
