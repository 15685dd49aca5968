#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# One run on a two-namespace lab: 10^6 frames of 64 bytes at 200 kpps from
# the Tx host to the Rx host, then the verdict. Extra arguments go to
# "xceiver run" (they override the defaults). XC_MODE selects the XDP mode
# (default skb). Builds nothing: run "make" first (or "make demo").
#
# Exit code: the controller's (0 pass, 1 verdict failed, 2 usage, 3 could
# not run); 3 also when the lab or an agent could not be started.

# shellcheck disable=SC2317 # functions run from traps
set -eu

XC_ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$XC_ROOT/build}
XC_LAB=$XC_ROOT/deploy/lab.sh
XC_PORT=7007
XC_LOGDIR=""
XC_TX_PID=""
XC_RX_PID=""
XC_CTL_PID=""
XC_LAB_ID=""

xc_msg()
{
	echo "demo: $*" >&2
}

# xc_stop_agent PID NAME: SIGTERM, at most 5 s, then SIGKILL.
xc_stop_agent()
{
	local pid=$1 role=$2 i

	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		xc_msg "$role ignores SIGTERM, killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

xc_teardown()
{
	local rc=$?

	trap - EXIT INT TERM
	set +e
	xc_stop_agent "$XC_CTL_PID" controller
	xc_stop_agent "$XC_TX_PID" tx
	xc_stop_agent "$XC_RX_PID" rx
	[ -z "$XC_LAB_ID" ] || "$XC_LAB" down "$XC_LAB_ID"
	[ -z "$XC_LOGDIR" ] || rm -rf "$XC_LOGDIR"
	exit "$rc"
}

xc_port_open()
{
	# shellcheck disable=SC2016
	timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# xc_start_agent ROLE NS ADDR DEV: start an agent allowed to use DEV (pid
# in XC_TX_PID or XC_RX_PID), wait until its port accepts; on failure show
# its log.
xc_start_agent()
{
	local role=$1 ns=$2 addr=$3 dev=$4 log=$XC_LOGDIR/agent-$1.log pid i

	# Own session: Ctrl-C reaches the controller and this script only;
	# the agents get SIGTERM from xc_teardown.
	setsid ip netns exec "$ns" "$BUILD/xceiver-agent" \
		--listen "$addr:$XC_PORT" --allow "$dev" --ca "$XC_KEYS/ca.crt" \
		--cert "$XC_KEYS/agent.crt" --key "$XC_KEYS/agent.key" \
		--allow-name xceiver-controller >"$log" 2>&1 &
	pid=$!
	if [ "$role" = tx ]; then XC_TX_PID=$pid; else XC_RX_PID=$pid; fi
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		xc_port_open "$addr" "$XC_PORT" && return 0
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		xc_msg "$role agent does not accept on $addr:$XC_PORT" \
			"after 10 s"
	else
		xc_msg "$role agent exited before accepting on $addr:$XC_PORT"
	fi
	xc_msg "---- $role agent log"
	cat "$log" >&2
	return 1
}

[ "$(id -u)" -eq 0 ] || { xc_msg "must run as root"; exit 2; }
for bin in xceiver xceiver-agent; do
	[ -x "$BUILD/$bin" ] || { xc_msg "no $BUILD/$bin: run make"; exit 2; }
done

trap xc_teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

XC_LOGDIR=$(mktemp -d /tmp/xc-demo.XXXXXX)
# throwaway credentials for the control channel, gone with XC_LOGDIR
XC_KEYS=$XC_LOGDIR/keys
"$BUILD/xceiver" keys "$XC_KEYS" || { xc_msg "could not make keys"; exit 3; }
lab=$("$XC_LAB" up) || { xc_msg "could not bring the lab up"; exit 3; }
eval "$lab"
xc_msg "lab $XC_LAB_ID: tx $XC_TX_NS ($XC_TX_MGMT), rx $XC_RX_NS ($XC_RX_MGMT)"

xc_start_agent tx "$XC_TX_NS" "$XC_TX_MGMT" "$XC_TX_DEV" || exit 3
xc_start_agent rx "$XC_RX_NS" "$XC_RX_MGMT" "$XC_RX_DEV" || exit 3

# In the background so that a signal to this script is handled at once
# (xc_teardown stops the controller first).
"$BUILD/xceiver" run \
	--tx "$XC_TX_MGMT:$XC_PORT,dev=$XC_TX_DEV" \
	--rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV" \
	--count 1000000 --size 64 --rate 200000 --mode "${XC_MODE:-skb}" \
	--ca "$XC_KEYS/ca.crt" --cert "$XC_KEYS/controller.crt" \
	--key "$XC_KEYS/controller.key" "$@" &
XC_CTL_PID=$!
rc=0
wait "$XC_CTL_PID" || rc=$?
XC_CTL_PID=""
case $rc in
0) xc_msg "verdict: PASS" ;;
1) xc_msg "verdict: FAIL" ;;
2) xc_msg "controller: bad spec or usage (exit 2)" ;;
4) xc_msg "verdict: TESTER LOSS: the tester itself lost frames (exit 4)" ;;
*) xc_msg "controller could not run (exit $rc)" ;;
esac
exit $rc
