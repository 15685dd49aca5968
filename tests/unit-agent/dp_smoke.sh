#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# End-to-end test of the agent's data plane: runs build/tests/dp_smoke
# (make builds it; DP_SMOKE may name another binary), creates a veth pair in a private network
# namespace, and runs Tx on one end and Rx on the other in skb and drv mode,
# plus the error cases. After every case no XDP program may be left on the
# pair. The UMEM and socket options, the Rx XDP actions, Rx pressure and
# invalid descriptor tables of the kernel's AF_XDP selftest each run in
# both modes. Unaligned-chunk cases reserve 2 MiB huge pages for the run
# and give them back on exit (skipped when none can be reserved); the
# multi-buffer cases run on a pair with a 9000-byte MTU. Needs root. Exit
# 77 when it cannot run here.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
NS=xcs-$$
A=xcsa$$
B=xcsb$$
C=xcsc$$	# a pair with two queues each way
D=xcsd$$
E=xcse$$	# a pair with a 9000-byte MTU
F=xcsf$$
PASS=0
FAIL=0
SKIP=0
HUGE_ADDED=0
HUGE_WANT=48	# 2 MiB pages: two 16 MiB UMEMs, with room to spare
HP=/proc/sys/vm/nr_hugepages

# Give back exactly the huge pages this run added (others may hold some).
huge_release() {
	local now

	[ "$HUGE_ADDED" -gt 0 ] || return 0
	now=$(cat "$HP")
	echo $((now > HUGE_ADDED ? now - HUGE_ADDED : 0)) > "$HP"
	HUGE_ADDED=0
}

huge_reserve() {
	local old new

	old=$(cat "$HP") || return 1
	echo $((old + HUGE_WANT)) > "$HP" 2>/dev/null
	new=$(cat "$HP")
	HUGE_ADDED=$((new - old))
	[ "$HUGE_ADDED" -ge 32 ]
}

cleanup() {
	ip netns del "$NS" 2>/dev/null
	huge_release
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
	ip -n "$NS" link set "$D" up &&
	ip -n "$NS" link add "$E" mtu 9000 type veth peer name "$F" mtu 9000 &&
	ip -n "$NS" addr add 198.18.0.5/30 dev "$E" &&
	ip -n "$NS" addr add 198.18.0.6/30 dev "$F" &&
	ip -n "$NS" link set "$E" up &&
	ip -n "$NS" link set "$F" up
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

case_skip() {
	echo "=== $1"
	echo "--- skipped: $1 ($2)"
	SKIP=$((SKIP + 1))
}

# both NAME ARGS...: the case in skb and in drv mode
both() {
	local name=$1

	shift
	case_run "skb $name" run -m skb "$@"
	case_run "drv $name" run -m drv "$@"
}

both_9k() {
	local name=$1

	shift
	case_on "$E" "$F" "skb $name" run -m skb "$@"
	case_on "$E" "$F" "drv $name" run -m drv "$@"
}

case_run errors errors
case_run "skb 100k x 64B @200kpps" run -m skb -n 100000 -s 64 -p 200000
case_run "drv 100k x 64B @200kpps" run -m drv -n 100000 -s 64 -p 200000
case_run "auto (drv copy on veth)" run -m auto -n 20000 -s 128 -p 200000
case_run "skb poll, 1518B" run -m skb -P -n 20000 -s 1518 -p 100000
case_run "drv 3 streams" run -m drv -S 3 -n 20000 -s 64 -p 50000
case_run "skb bidirectional socket" run -m skb -b -n 20000 -s 64 -p 100000
case_run "skb at 50 Mpps: the schedule restarts, lost time reported" run \
	-m skb -n 200000 -s 64 -p 50000000 -L
case_run "skb IPv6 + 802.1Q" run -m skb -6 -V 100 -n 20000 -s 128 \
	-p 100000
case_run "drv IPv6 + 802.1Q" run -m drv -6 -V 100 -n 20000 -s 128 \
	-p 100000
case_on "$C" "$D" "drv 2 queues, 2 streams" run -m drv -Q 0,1 -S 2 \
	-n 20000 -s 64 -p 50000

# UMEM and socket options
both "2K chunks" -c 2048 -n 20000 -s 1024 -p 100000
both "headroom 1024" -H 1024 -n 20000 -s 512 -p 100000
both "poll, no need_wakeup, batch 16, rx ring 512" -P -w -z 16 -x 512 \
	-n 20000 -s 64 -p 100000
both "busy poll, pinned workers" -B -C 0,1 -n 20000 -s 64 -p 100000
both "shared UMEM, 2 sockets on one queue" -K 2 -n 20000 -s 64 -p 100000

# XDP actions on the Rx side
both "XDP drop half" -A drop -n 20000 -s 128 -p 100000
# a kernel may refuse bpf_xdp_adjust_meta (the agent's --probe says why)
META=$(ip netns exec "$NS" "$BUILD/xceiver-agent" --probe |
	sed -n 's/^xdp_meta: //p')
META_WHY=$(echo "$META" | sed 's/^no (\(.*\))$/\1/')
if [ "$META" = yes ]; then
	both "XDP metadata" -A meta -n 20000 -s 128 -p 100000
else
	case_skip "XDP metadata" "$META_WHY"
fi
both "XDP shrink tail" -A shrink -T 20 -n 20000 -s 256 -p 100000
case_run "skb XDP grow tail 20" run -m skb -A grow -T 20 -n 20000 -s 256 \
	-p 100000
# veth drv: the frame sits in a page_pool fragment sized to the frame, so
# only the cache-line rounding (4 bytes here) is tailroom
case_run "drv XDP grow tail 4" run -m drv -A grow -T 4 -n 20000 -s 256 \
	-p 100000

# Rx pressure: the counters must move, the workers must stop promptly
both "starved fill ring" -R starve -F 500 -n 20000 -s 64 -p 100000
both "Rx ring never released" -R hold -x 256 -n 20000 -s 64 -p 100000
both "Rx stops reading" -R stop -k 1000 -x 512 -n 20000 -s 64 -p 100000

# invalid descriptors sent on purpose: tx_invalid_descs must match
both "invalid descriptors, aligned" -D inv-aligned -n 20000 -s 256 \
	-p 100000
both "invalid descriptors, aligned 2K" -D inv-aligned -c 2048 -n 20000 \
	-s 256 -p 100000

# multi-buffer, 9000-byte frames over a 9000-byte MTU
both_9k "multi-buffer 9000B" -M -n 10000 -s 9000 -p 20000
# 6999 frames: the run ends with a rejected chain, which must be counted
both_9k "multi-buffer invalid chains" -M -D mb-inv -n 6999 -s 9000 \
	-p 20000
if [ "$META" = yes ]; then
	both_9k "multi-buffer metadata" -M -A meta -n 5000 -s 9000 -p 20000
else
	case_skip "multi-buffer metadata" "$META_WHY"
fi
both_9k "multi-buffer shrink tail" -M -A shrink -T 100 -n 5000 -s 9000 \
	-p 20000
case_skip "multi-buffer grow tail" \
	"bpf_xdp_adjust_tail cannot grow a multi-buffer frame on veth or in skb mode: their xdp_rxq_info has no frag_size, so the kernel returns -EOPNOTSUPP"

# unaligned chunks on huge pages
if huge_reserve; then
	both "unaligned" -u -n 20000 -s 1024 -p 100000
	both "unaligned, 4001-byte chunks" -u -c 4001 -n 20000 -s 1024 \
		-p 100000
	both "unaligned invalid descriptors" -u -D inv-unaligned -n 20000 \
		-s 1024 -p 100000
	both "unaligned invalid descriptors, 4001" -u -c 4001 \
		-D inv-unaligned -n 20000 -s 1024 -p 100000
	both_9k "unaligned multi-buffer 9000B" -u -M -n 10000 -s 9000 \
		-p 20000
else
	case_skip "unaligned chunks" "cannot reserve huge pages"
fi
huge_release

echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" = 0 ]
