#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Nothing slow on the agent's event loop: a session of a second agent on
# the Rx host holds queue 0 of its test interface (busy in the kernel;
# the Rx agent's leases, which would refuse a held queue at once, do not
# know of it); a connection to the Rx agent pipelines 15 Prepares of that
# busy queue (each one waits for the queue, then fails). Meanwhile a Hello
# on a third connection is answered within 100 ms every time; the second
# Prepare onwards is refused at once ("a Prepare is already in progress").
# A connection that closes while its Prepare waits (on a second interface
# of the host) has that data plane freed when the Prepare completes; on
# that interface a Start right behind a Prepare is refused and a Release
# right behind it is answered once the data plane is freed. A normal run
# on that agent passes afterwards.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_PEER=$XC_BUILD/tests/xc-peer
XC_HELLO_MAX_MS=100

xc_require
[ -x "$XC_PEER" ] || xc_skip "no $XC_PEER (make unit)"
xc_lab_up
extra=xcq-$XC_LAB_ID
XC_AGENT_ARGS="--allow $extra" xc_agents_start
agent=$XC_RX_MGMT:$XC_PORT

# Queue 0 held by a session of the second agent (a sending side: a bound
# socket).
other=$XC_RX_MGMT:$((XC_PORT + 1))
setsid ip netns exec "$XC_RX_NS" "$XC_AGENT" --listen "$other" \
	--allow "$XC_RX_DEV" "${XC_AGENT_SEC[@]}" \
	>"$XC_TMP/agent-other.log" 2>&1 &
XC_AGENT_PID[other]=$!
for ((i = 0; i < 100; i++)); do
	xc_port_open "$XC_RX_MGMT" $((XC_PORT + 1)) && break
	sleep 0.1
done
"$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$other" --dev "$XC_RX_DEV" --tx --hold 30 \
	>"$XC_TMP/hold.out" 2>&1 &
hold=$!
for ((i = 0; i < 100; i++)); do
	grep -q prepared "$XC_TMP/hold.out" && break
	sleep 0.1
done
grep -q prepared "$XC_TMP/hold.out" ||
	xc_fatal "the holding session did not prepare: $(cat "$XC_TMP/hold.out")"

"$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$agent" --dev "$XC_RX_DEV" --tx --pipeline 15 \
	>"$XC_TMP/pipeline.out" 2>&1 &
pipeline=$!
sleep 0.1
# a Prepare that waits behind the busy one, from a controller that leaves
ip -n "$XC_RX_NS" link add "$extra" type veth peer name "${extra}p" ||
	xc_fatal "cannot add a second interface to the rx host"
ip -n "$XC_RX_NS" link set "$extra" up
ip -n "$XC_RX_NS" link set "${extra}p" up
timeout -s TERM 0.4 "$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$agent" --dev "$extra" --hold 30 \
	>"$XC_TMP/leave.out" 2>&1 &
leave=$!
sleep 0.1
worst=0
for ((i = 0; i < 10; i++)); do
	ms=$("$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$agent" --hello --timeout 10 |
	     awk '/^hello_ms/ { print $2 }')
	[ -n "$ms" ] || ms=10000
	worst=$(awk -v a="$worst" -v b="$ms" 'BEGIN { print (b > a) ? b : a }')
	sleep 0.2
done
xc_assert_le "slowest Hello during 15 pipelined Prepares (ms)" "$worst" \
	"$XC_HELLO_MAX_MS"

wait "$pipeline"
wait "$leave"
grep -q prepared "$XC_TMP/leave.out" &&
	xc_fail "the leaving controller's Prepare completed before it left"
for ((i = 0; i < 50; i++)); do
	grep -q "completed after its controller left" "$XC_TMP/agent-rx.log" &&
		break
	sleep 0.1
done
if grep -q "completed after its controller left" "$XC_TMP/agent-rx.log"; then
	xc_log "ok: the data plane of the left controller's Prepare was freed"
else
	xc_fail "no release of the left controller's Prepare in the agent's log"
fi
ip -n "$XC_RX_NS" -d link show "$extra" | grep -q prog/xdp &&
	xc_fail "XDP program left on $extra"
cat "$XC_TMP/pipeline.out" >&2
xc_assert_eq "replies to the pipelined Prepares" 15 \
	"$(grep -c '^reply ' "$XC_TMP/pipeline.out")"
xc_assert_eq "Prepares refused at once as already in progress" 14 \
	"$(grep -c 'a Prepare is already in progress' "$XC_TMP/pipeline.out")"
xc_assert_eq "the one Prepare that ran failed on the busy queue" 1 \
	"$(grep -c 'reply 100 .*error' "$XC_TMP/pipeline.out")"

# Start and Release right behind a Prepare (on the free interface): Start
# is refused until Prepared, Release waits for the data plane to be freed
"$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$agent" --dev "$extra" --pipeline 2 --start-and-release \
	>"$XC_TMP/release.out" 2>&1 || xc_fail "no Released: $(cat "$XC_TMP/release.out")"
cat "$XC_TMP/release.out" >&2
grep -q "start: error: start before the Prepare in progress completed" \
	"$XC_TMP/release.out" || xc_fail "Start during a Prepare not refused"
grep -q "^reply 101 .*a Prepare is already in progress" \
	"$XC_TMP/release.out" || xc_fail "second Prepare not refused"
grep -q "^reply 100 " "$XC_TMP/release.out" &&
	xc_fail "a Prepare released while it ran was answered"
grep -q "completed after Release" "$XC_TMP/agent-rx.log" ||
	xc_fail "no release of the Prepare in the agent's log"
ip -n "$XC_RX_NS" -d link show "$extra" | grep -q prog/xdp &&
	xc_fail "XDP program left on $extra after Released"

kill -TERM "$hold" 2>/dev/null
wait "$hold" 2>/dev/null
xc_agent_kill other
xc_assert_agents_alive "after the pipelined Prepares"
xc_run "${XC_EP[@]}" --mode skb --count 10000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 10000
xc_end
