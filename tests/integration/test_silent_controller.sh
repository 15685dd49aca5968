#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# A controller that goes silent after the Report (its process neither
# reads nor writes, the socket stays open): with --liveness 2 the agent
# gives it up within the liveness time plus a stated margin, detaches its
# XDP program, frees its AF_XDP socket and says why in its log; the next
# run on that interface passes.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_PEER=$XC_BUILD/tests/xc-peer
XC_LIVE_S=2
XC_MARGIN_S=2	# the deadline check's period (N/8) and the loop's wake-up

# AF_XDP sockets open in the Rx host (its network namespace's count)
xc_xsk_count()
{
	ip netns exec "$XC_RX_NS" \
		awk '$1 == "XDP" { print $3 }' /proc/net/protocols
}

xc_require
[ -x "$XC_PEER" ] || xc_skip "no $XC_PEER (make unit)"
xc_lab_up
XC_AGENT_ARGS="--liveness $XC_LIVE_S" xc_agents_start

"$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$XC_RX_MGMT:$XC_PORT" --dev "$XC_RX_DEV" \
	--silent-after-report 60 >"$XC_TMP/silent.out" 2>&1 &
silent=$!
for ((i = 0; i < 100; i++)); do
	grep -q 'report received' "$XC_TMP/silent.out" && break
	sleep 0.05
done
grep -q 'report received' "$XC_TMP/silent.out" ||
	xc_fatal "no report: $(cat "$XC_TMP/silent.out")"
t0=$(date +%s.%N)
xc_wait_xdp rx || xc_fatal "no XDP program on $XC_RX_DEV after the report"
xc_assert_eq "AF_XDP sockets held after the report" 1 "$(xc_xsk_count)"

xc_wait_xdp rx gone || xc_fail "XDP program still attached 10 s later"
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
xc_assert_le "seconds until the silent controller's XDP program went" \
	"$secs" $((XC_LIVE_S + XC_MARGIN_S))
xc_assert_eq "AF_XDP sockets left" 0 "$(xc_xsk_count)"
# the log lines follow the release: give the agent a moment to write them
for ((i = 0; i < 50; i++)); do
	grep -q 'released' "$XC_TMP/agent-rx.log" && break
	sleep 0.1
done
if grep -q "silent for .* liveness limit of $XC_LIVE_S s" \
	"$XC_TMP/agent-rx.log"; then
	xc_log "ok: the agent logged why"
else
	xc_fail "no liveness line in the agent's log"
fi
grep -q 'released' "$XC_TMP/agent-rx.log" ||
	xc_fail "the agent did not log the release within 5 s"
kill -TERM "$silent" 2>/dev/null
wait "$silent" 2>/dev/null

xc_run "${XC_EP[@]}" --mode skb --count 10000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 10000
xc_end
