#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The agent's host policy and leases. The Tx host's agent is allowed its
# test interface, a veth pair inside its host (xpa-ID, and queue 0 of
# xpb-ID) and, on purpose, its management interface. Refused, each with a
# message naming why: a Prepare (from a bare protocol client, xc-send) and
# a run on the management interface, a Prepare and an IfInfo on an
# interface outside the policy (lo), a queue outside it, a UMEM above half
# of MemAvailable, and with a policy file each limit (rate, frames,
# duration, UMEM) with its value and what was asked, and a controller
# its controllers section does not name. The control channel runs on
# pre-shared keys of two controller identities, ctl-a (the runs) and
# ctl-b. A session that holds a queue makes a run on it fail at once with
# "busy", naming the holder and its run: ctl-b's by its identity,
# ctl-a's as the controller's own earlier session. Two controllers on
# different interfaces of one agent at once both pass.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_SEND=$XC_BUILD/tests/xc-send
PSK_A=(--psk "$XC_TMP/ctl-a.psk")
PSK_B=(--psk "$XC_TMP/ctl-b.psk")
HELLO='{hello: {protocol_version: 1}}'
RUN_ID=4660	# 0000000000001234
HOLD_PID=""

# Pre-shared keys: the agents know ctl-a and ctl-b, each controller its
# own.
xc_psk()
{
	local id key

	: >"$XC_TMP/agents.psk"
	for id in ctl-a ctl-b; do
		key=$(openssl rand -hex 32) || xc_fatal "openssl rand failed"
		echo "$id:$key" >"$XC_TMP/$id.psk"
		echo "$id:$key" >>"$XC_TMP/agents.psk"
	done
	chmod 600 "$XC_TMP"/*.psk
	XC_AGENT_SEC=(--psk "$XC_TMP/agents.psk")
	XC_CTL_SEC=("${PSK_A[@]}")
}

# xc_send ARGS...: xc-send as ctl-a (or as ARGS' own --psk first), its
# output in $XC_TMP/send.out.
xc_send()
{
	local sec=("${PSK_A[@]}")

	[ "$1" = --psk ] && sec=("$1" "$2") && shift 2
	"$XC_SEND" "${sec[@]}" "$@" >"$XC_TMP/send.out" 2>&1 ||
		xc_fail "xc-send $* failed: $(cat "$XC_TMP/send.out")"
}

# xc_assert_sent REGEX WHAT: xc-send's last reply matches (grep -E).
xc_assert_sent()
{
	if ! tail -n 1 "$XC_TMP/send.out" | grep -Eq -- "$1"; then
		xc_fail "$2: reply does not match /$1/: $(tail -n 1 \
			"$XC_TMP/send.out")"
		return 1
	fi
	xc_log "ok: $2"
}

# xc_prep IFNAME [XSK [STREAM]]: a Prepare of one stream that the agent
# sends on IFNAME; more of xsk's fields in XSK, the stream's count and
# rate in STREAM (default 1000 frames at 1000 pps).
xc_prep()
{
	echo "{prepare: {run_id: $RUN_ID," \
	     "xsk: {ifname: $1, mode: skb${2:+, $2}}," \
	     "tx_streams: [{id: 1, ${3:-count: 1000, rate_pps: 1000}," \
	     "frame_size: 64, headers: {src_mac: '02:00:00:00:00:01'," \
	     "dst_mac: '02:00:00:00:00:02', src_ip: 198.18.5.1," \
	     "dst_ip: 198.18.5.2, udp: {src: 9000, dst: 9001}}}]}}"
}

# xc_hold PSK IFNAME: a session of the controller of that key file that
# prepares IFNAME's queue 0 and holds it.
xc_hold()
{
	local i

	"$XC_SEND" --hold --psk "$1" "$XC_TX_MGMT:$XC_PORT" "$HELLO" \
		"$(xc_prep "$2")" >"$XC_TMP/hold.out" 2>&1 &
	HOLD_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '"prepared"' "$XC_TMP/hold.out" && return 0
		sleep 0.1
	done
	xc_fatal "the holding session did not prepare: $(cat "$XC_TMP/hold.out")"
}

# xc_unhold: end the holding session; wait (at most 5 s) until the Tx
# agent released it.
xc_unhold()
{
	local n i

	[ -n "$HOLD_PID" ] || return 0
	n=$(grep -c ': released$' "$XC_TMP/agent-tx.log")
	kill "$HOLD_PID" 2>/dev/null
	wait "$HOLD_PID" 2>/dev/null
	HOLD_PID=""
	for ((i = 0; i < 50; i++)); do
		[ "$(grep -c ': released$' "$XC_TMP/agent-tx.log")" -gt "$n" ] &&
			return 0
		sleep 0.1
	done
	xc_fail "the Tx agent did not release the holding session"
}

trap 'rc=$?; xc_unhold; (exit $rc); xc_cleanup' EXIT
xc_require
[ -x "$XC_SEND" ] || xc_skip "no $XC_SEND (make all)"
xc_lab_up
xc_psk
a=xpa-$XC_LAB_ID
b=xpb-$XC_LAB_ID
xc_veth_pair "$a" "$b"
XC_AGENT_ARGS="--allow $a --allow $b:0 --allow $XC_TX_MGMT_DEV" \
	xc_agent_start tx
xc_agent_start rx
tx="$XC_TX_MGMT:$XC_PORT"
COMMON=(--mode skb --count 1000 --size 64 --rate 100000)

xc_log "case: the management interface, allowed by --allow all the same"
xc_send "$tx" "$HELLO" "$(xc_prep "$XC_TX_MGMT_DEV")"
xc_assert_sent "\"error\".*interface $XC_TX_MGMT_DEV carries this agent's listen address $XC_TX_MGMT \\(its control channel\\)" \
	"Prepare on the management interface refused, saying why"
xc_run --tx "$tx,dev=$XC_TX_MGMT_DEV" --rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV" \
	"${COMMON[@]}"
xc_assert_rc 3
xc_assert_output "interface $XC_TX_MGMT_DEV carries this agent's listen address" \
	"a run on the management interface refused"

xc_log "case: an interface outside the policy"
xc_send "$tx" "$HELLO" "$(xc_prep lo)"
xc_assert_sent "\"error\".*interface lo is not allowed by this agent's policy \\(it allows [^)]*${a}[^)]*; add --allow lo\\[:QUEUES\\]" \
	"Prepare on lo refused, naming the way to allow it"
xc_send "$tx" "$HELLO" '{ifinfo_request: {ifname: lo}}'
xc_assert_sent '"error".*interface lo is not allowed' "IfInfo for lo refused"
xc_send "$tx" "$HELLO" "{ifinfo_request: {ifname: $a}}"
xc_assert_sent "\"ifinfo\".*\"ifname\":\"$a\"" "IfInfo for $a answered"
xc_run --tx "$tx,dev=lo" --rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV" \
	"${COMMON[@]}"
xc_assert_rc 3
xc_assert_output "interface lo is not allowed by this agent's policy" \
	"a run on lo refused"

xc_log "case: a queue outside the policy"
xc_send "$tx" "$HELLO" "$(xc_prep "$b" "queues: [1]")"
xc_assert_sent "queue 1 of $b is not allowed by this agent's policy \\(it allows queues 0 of $b" \
	"queue 1 of $b refused"

xc_log "case: a UMEM above half of MemAvailable"
avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
chunks=$((avail / 4))	# 4096-byte chunks: all of it
xc_send "$tx" "$HELLO" "$(xc_prep "$a" "num_chunks: $chunks")"
xc_assert_sent "the run's UMEM takes $((chunks * 4096)) bytes over 1 queue, more than 50% of this host's available memory" \
	"a UMEM of all MemAvailable refused"
xc_assert_agents_alive "refusals"

xc_log "case: a queue held by another controller"
xc_hold "$XC_TMP/ctl-b.psk" "$a"
xc_run --tx "$tx,dev=$a" --rx "$tx,dev=$b" "${COMMON[@]}"
xc_assert_rc 3
xc_assert_output "busy: $a queue 0 held by controller ctl-b from $XC_ROOT_TX_IP4:[0-9]+ since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC for run 0000000000001234" \
	"busy, naming the holder, since when and its run"
xc_unhold
xc_run --tx "$tx,dev=$a" --rx "$tx,dev=$b" "${COMMON[@]}"
xc_assert_rc 0
xc_log "ok: the holder's end gave the queue back"

xc_log "case: a queue held by the controller's own earlier session"
xc_hold "$XC_TMP/ctl-a.psk" "$a"
xc_run --tx "$tx,dev=$a" --rx "$tx,dev=$b" "${COMMON[@]}"
xc_assert_rc 3
xc_assert_output "busy: $a queue 0 held by your own earlier session \\(controller ctl-a from $XC_ROOT_TX_IP4:[0-9]+\\) since .* UTC for run 0000000000001234" \
	"busy, naming the controller's own earlier session"
if xc_ctl_text | grep -q 'someone else'; then
	xc_fail "the controller's own session called someone else"
fi
xc_unhold

xc_log "case: two controllers on different interfaces of one agent at once"
log=$XC_TMP/agent-tx.log
before=$(($(wc -l <"$log") + 1))
xc_run_bg "${XC_EP[@]}" --mode skb --count 200000 --size 64 --rate 50000
first_pid=$XC_CTL_PID
for ((i = 0; i < 100; i++)); do
	tail -n +"$before" "$log" | grep -q "prepared $XC_TX_DEV" && break
	sleep 0.1
done
"$XC_CTL" run --tx "$tx,dev=$a" --rx "$tx,dev=$b" "${COMMON[@]}" "${PSK_B[@]}" \
	>"$XC_TMP/second.out" 2>&1
rc2=$?
XC_CTL_PID=$first_pid
xc_run_wait
xc_assert_rc 0
xc_assert_eq "the second controller's exit code" 0 "$rc2" ||
	tail -n 20 "$XC_TMP/second.out" >&2
# both prepared before either released
order=$(tail -n +"$before" "$log" |
	sed -n "s/.*: \(prepared\) \($XC_TX_DEV\|$a\) .*/\1 \2/p; s/.*: \(released\)$/\1/p" |
	head -n 3 | tr '\n' ' ')
xc_assert_eq "the Tx agent's first three of prepared and released" \
	"prepared $XC_TX_DEV prepared $a released " "$order"

xc_log "case: per-run limits and the controllers of a policy file"
cat >"$XC_TMP/policy.yaml" <<EOF
interfaces:
  $a: all
controllers:
  ctl-a: [$a]
limits:
  max_rate_pps: 100000
  max_frames: 50000
  max_duration_ms: 5000
  max_umem_bytes: 33554432
EOF
XC_AGENT_ARGS="--policy $XC_TMP/policy.yaml" xc_agent_restart tx
xc_send "$tx" "$HELLO" "$(xc_prep "$a" "" "count: 1000, rate_pps: 150000")"
xc_assert_sent "the run's streams ask for 150000 pps together, above this agent's limit of 100000 pps \\(max_rate_pps\\)" \
	"rate above the limit refused with both values"
xc_send "$tx" "$HELLO" "$(xc_prep "$a" "" "count: 60000, rate_pps: 20000")"
xc_assert_sent "the run's streams have 60000 frames together, above this agent's limit of 50000 \\(max_frames\\)" \
	"frames above the limit refused with both values"
xc_send "$tx" "$HELLO" "$(xc_prep "$a" "" "count: 6000, rate_pps: 1000")"
xc_assert_sent "the run's longest stream takes 6000 ms at its rate, above this agent's limit of 5000 ms \\(max_duration_ms\\)" \
	"duration above the limit refused with both values"
xc_send "$tx" "$HELLO" "$(xc_prep "$a" "num_chunks: 16384")"
xc_assert_sent "the run's UMEM takes 67108864 bytes over 1 queue, above this agent's limit of 33554432 bytes \\(max_umem_bytes\\)" \
	"UMEM above the limit refused with both values"
xc_run --tx "$tx,dev=$a" --rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV" \
	--mode skb --count 1000 --size 64 --rate 150000
xc_assert_rc 3
xc_assert_output "150000 pps together, above this agent's limit of 100000 pps" \
	"a run above the rate limit refused"
xc_send "$tx" "$HELLO" "$(xc_prep "$b")"
xc_assert_sent "interface $b is not allowed by this agent's policy" \
	"$b, allowed by the flags before, not by the file"
xc_send "${PSK_B[@]}" "$tx" "$HELLO" "$(xc_prep "$a")"
xc_assert_sent "controller ctl-b may not use $a: this agent's policy does not list it under controllers" \
	"a controller the policy does not name refused"
xc_send "${PSK_B[@]}" "$tx" "$HELLO" "{ifinfo_request: {ifname: $a}}"
xc_assert_sent '"error".*controller ctl-b may not use' \
	"IfInfo for a controller the policy does not name refused"
xc_assert_agents_alive "limits"
xc_end
