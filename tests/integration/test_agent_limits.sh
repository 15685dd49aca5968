#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# What the network can take of an agent is capped, and it keeps serving:
# 100 connections that send a Hello one byte a second (beyond the 64 of
# --max-connections; each closed at the latest at the Hello deadline),
# 20 connections that complete Hello and then announce a 16 MiB message
# and send all but its last byte (beyond --max-buffered-mib 32: refused
# at once, or held until the liveness or message deadline), and 5 that
# announce 16 MiB before Hello (refused at once). The agent's peak RSS
# under all that grows by at most XC_RSS_BOUND_MIB: the 32 MiB of buffered
# messages, plus 64 connections of 128 KiB (a 64 KiB read buffer and a
# message of up to 64 KiB), plus 8 MiB of slack. Then, while the held
# messages and the slow connections are still there, a normal run through
# that agent passes. Every refusal is an Error to the peer naming the
# limit, and the agent closes every one of those connections.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_PEER=$XC_BUILD/tests/xc-peer
XC_BUFFERED_MIB=32
XC_MAX_CONNS=64
XC_RSS_BOUND_MIB=$((XC_BUFFERED_MIB + XC_MAX_CONNS * 128 / 1024 + 8))

xc_kib()
{
	awk -v k="$2" '$1 == k ":" { print $2 }' "/proc/$1/status"
}

xc_require
[ -x "$XC_PEER" ] || xc_skip "no $XC_PEER (make unit)"
xc_lab_up
XC_AGENT_ARGS="--max-buffered-mib $XC_BUFFERED_MIB --max-connections $XC_MAX_CONNS" \
	xc_agents_start
agent=$XC_RX_MGMT:$XC_PORT
pid=${XC_AGENT_PID[rx]}
rss0=$(xc_kib "$pid" VmRSS)

"$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$agent" --slow 100 --secs 12 >"$XC_TMP/slow.out" 2>&1 &
slow=$!
sleep 0.5
"$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$agent" --announce 20 --after-hello --secs 14 \
	>"$XC_TMP/announce.out" 2>&1 &
announce=$!
"$XC_PEER" "${XC_CTL_SEC[@]}" --agent "$agent" --announce 5 --secs 3 \
	>"$XC_TMP/early.out" 2>&1 &
early=$!
sleep 2.5
peak=$(( ($(xc_kib "$pid" VmHWM) - rss0) / 1024 ))
if ldd "$XC_AGENT" | grep -q libasan; then
	# ASan keeps freed memory in quarantine and adds its shadow
	xc_log "RSS not judged in a sanitized build (peak growth $peak MiB)"
else
	xc_assert_le "agent's peak RSS growth under the caps (MiB)" "$peak" \
		"$XC_RSS_BOUND_MIB"
fi
xc_run "${XC_EP[@]}" --mode skb --count 10000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 10000
wait "$slow" "$announce" "$early"
for f in slow announce early; do
	echo "---- $f" >&2
	cat "$XC_TMP/$f.out" >&2
done

xc_assert_eq "slow connections the agent closed" "opened 100 closed_by_agent 100" \
	"$(grep -o 'opened [0-9]* closed_by_agent [0-9]*' "$XC_TMP/slow.out")"
grep -q "limit (--max-connections $XC_MAX_CONNS)" "$XC_TMP/slow.out" ||
	xc_fail "no Error naming --max-connections to a slow connection"
grep -q "no Hello within the limit of" "$XC_TMP/slow.out" ||
	xc_fail "no Error naming the Hello deadline to a slow connection"
refused=$(awk '/limit on buffered input/ { sub("x", "", $2); n += $2 }
	       END { print n + 0 }' "$XC_TMP/announce.out")
xc_assert_le "16 MiB announcements accepted of 20" $((20 - refused)) \
	$((XC_BUFFERED_MIB / 16))
xc_assert_eq "announcements closed by the agent" \
	"opened 20 closed_by_agent 20" \
	"$(grep -o 'opened [0-9]* closed_by_agent [0-9]*' "$XC_TMP/announce.out")"
grep -q "error x5: message length 16777216 exceeds the limit of 65536 bytes before Hello" \
	"$XC_TMP/early.out" || xc_fail "announcements before Hello not refused"
for what in "--max-connections $XC_MAX_CONNS" "limit on buffered input" \
	"before Hello" "no Hello within"; do
	grep -q -- "$what" "$XC_TMP/agent-rx.log" ||
		xc_fail "no log line naming '$what'"
done
xc_assert_agents_alive "after the caps"
xc_end
