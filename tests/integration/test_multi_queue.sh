#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Two queues per side: a veth pair with two queues each way inside the Tx
# host, one agent serving both ends. Each side binds one socket (and one
# worker) per listed queue; the Tx side spreads the streams over its queues
# (in drv mode veth hands a frame sent on queue q to the peer's Rx queue
# q), and the Rx side merges what its queues validated into one verdict.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

xc_require
xc_lab_up
a=xqa-$XC_LAB_ID
b=xqb-$XC_LAB_ID
ip -n "$XC_TX_NS" link add "$a" numtxqueues 2 numrxqueues 2 type veth \
	peer name "$b" numtxqueues 2 numrxqueues 2 ||
	xc_fatal "cannot create a two-queue veth pair"
ip -n "$XC_TX_NS" link set "$a" up
ip -n "$XC_TX_NS" link set "$b" up
XC_AGENT_ARGS="--allow $a --allow $b" xc_agent_start tx

ep="$XC_TX_MGMT:$XC_PORT"
for mode in skb drv; do
	xc_run --tx "$ep,dev=$a,queue=0:1" --rx "$ep,dev=$b,queue=0:1" \
		--mode $mode --streams 2 --count 20000 --size 64 --rate 50000 \
		--json "$XC_JSON"
	xc_assert_rc 0
	xc_assert_eq "$mode: rx sockets" 2 "$(xc_jq '.rx.xsk | length')"
	xc_assert_eq "$mode: tx sockets" 2 "$(xc_jq '.tx.xsk | length')"
	for s in 0 1; do
		xc_assert_eq "$mode: stream $((s + 1)) delivered" 20000 \
			"$(xc_jq ".rx.rx[$s].delivered | n")"
	done
	xc_assert_eq "$mode: xdp_no_socket" 0 \
		"$(xc_jq '.rx.xdp_no_socket | n')"
	# In drv mode veth hands a frame sent on queue q to the peer's Rx
	# queue q: each Rx queue carries one stream. Without native XDP
	# (skb mode) veth records no Rx queue, so all arrive on queue 0.
	for q in 0 1; do
		want=20000
		[ $mode = skb ] && want=$((q == 0 ? 40000 : 0))
		xc_assert_eq "$mode: rx queue $q descriptors" $want \
			"$(xc_jq ".rx.xsk[] | select((.queue | n) == $q) |
				  .rx_descs | n")"
	done
done

# queue=all: the controller lists every queue of each interface.
xc_run --tx "$ep,dev=$a,queue=all" --rx "$ep,dev=$b,queue=all" --mode drv \
	--streams 2 --count 20000 --size 64 --rate 50000 --json "$XC_JSON"
xc_assert_rc 0
for side in tx rx; do
	xc_assert_eq "all queues: $side queues" "0,1" \
		"$(xc_jq ".spec.$side.xsk.queues | map(tostring) | join(\",\")")"
	xc_assert_eq "all queues: $side sockets" 2 "$(xc_jq ".$side.xsk | length")"
done
for q in 0 1; do
	xc_assert_eq "all queues: rx queue $q descriptors" 20000 \
		"$(xc_jq ".rx.xsk[] | select((.queue | n) == $q) | .rx_descs | n")"
done
xc_agent_stop tx && xc_log "ok: agent exited cleanly"
xc_xdp_check tx
[ "$XC_FAILS" -eq 0 ] || exit 1
exit 0
