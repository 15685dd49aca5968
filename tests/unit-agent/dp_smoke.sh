#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# End-to-end test of the agent's data plane: runs build/tests/dp_smoke
# (make builds it; DP_SMOKE may name another binary), creates a veth pair in a private network
# namespace, and runs Tx on one end and Rx on the other in skb and drv mode,
# plus the error cases. After every case no XDP program may be left on the
# pair. Needs root. Exit 77 when it cannot run here.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
NS=xcs-$$
A=xcsa$$
B=xcsb$$
C=xcsc$$	# a pair with two queues each way
D=xcsd$$
PASS=0
FAIL=0

cleanup() {
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "dp_smoke: SKIP (needs root)"
	exit 77
fi
BIN=${DP_SMOKE:-$BUILD/tests/dp_smoke}
if [ ! -x "$BIN" ]; then
	echo "dp_smoke: $BIN is missing (make builds it)"
	exit 1
fi

setup() {
	ip netns add "$NS" &&
	ip -n "$NS" link set lo up &&
	ip -n "$NS" link add "$A" type veth peer name "$B" &&
	ip -n "$NS" addr add 198.18.0.1/30 dev "$A" &&
	ip -n "$NS" addr add 198.18.0.2/30 dev "$B" &&
	ip -n "$NS" link set "$A" up &&
	ip -n "$NS" link set "$B" up &&
	ip -n "$NS" link add "$C" numtxqueues 2 numrxqueues 2 type veth \
		peer name "$D" numtxqueues 2 numrxqueues 2 &&
	ip -n "$NS" link set "$C" up &&
	ip -n "$NS" link set "$D" up
}
if ! setup; then
	echo "dp_smoke: SKIP (cannot create a veth pair in a namespace)"
	exit 77
fi

xdp_left() {
	ip -n "$NS" -d link show | grep -E "prog/xdp|xdpgeneric|xdpdrv"
}

# case_on TX RX NAME ARGS...: run dp_smoke inside the namespace, then
# check that nothing stayed attached.
case_on() {
	local tx=$1 rx=$2 name=$3
	shift 3
	echo "=== $name"
	if ip netns exec "$NS" timeout 120 "$BIN" "$@" -t "$tx" -r "$rx" &&
	   ! xdp_left; then
		PASS=$((PASS + 1))
		echo "--- ok: $name"
	else
		FAIL=$((FAIL + 1))
		echo "--- FAILED: $name"
	fi
}

case_run() {
	case_on "$A" "$B" "$@"
}

case_run errors errors
case_run "skb 100k x 64B @200kpps" run -m skb -n 100000 -s 64 -p 200000
case_run "drv 100k x 64B @200kpps" run -m drv -n 100000 -s 64 -p 200000
case_run "auto (drv copy on veth)" run -m auto -n 20000 -s 128 -p 200000
case_run "skb poll, 1518B" run -m skb -P -n 20000 -s 1518 -p 100000
case_run "drv 3 streams" run -m drv -S 3 -n 20000 -s 64 -p 50000
case_run "skb bidirectional socket" run -m skb -b -n 20000 -s 64 -p 100000
case_run "skb IPv6 + 802.1Q" run -m skb -6 -V 100 -n 20000 -s 128 \
	-p 100000
case_run "drv IPv6 + 802.1Q" run -m drv -6 -V 100 -n 20000 -s 128 \
	-p 100000
case_on "$C" "$D" "drv 2 queues, 2 streams" run -m drv -Q 0,1 -S 2 \
	-n 20000 -s 64 -p 50000

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
