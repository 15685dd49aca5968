#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Errors end with the documented exit code and a message naming what is
# wrong, within bounded time; the agents survive and keep no XDP program.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COMMON=(--mode skb --count 1000 --size 64 --rate 100000)

xc_after()
{
	xc_assert_agents_alive "$1"
	xc_xdp_check
}

xc_require
xc_lab_up
xc_agents_start
tx_ep="$XC_TX_MGMT:$XC_PORT,dev=$XC_TX_DEV"
rx_ep="$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV"

xc_log "case: Rx interface does not exist"
xc_run --tx "$tx_ep" --rx "$XC_RX_MGMT:$XC_PORT,dev=nosuchdev" "${COMMON[@]}"
xc_assert_rc 3
xc_assert_output nosuchdev "message names the interface"
xc_after "missing interface"

xc_log "case: nobody listens on the agent port (refused)"
xc_run --tx "$XC_TX_MGMT:7999,dev=$XC_TX_DEV" --rx "$rx_ep" "${COMMON[@]}"
xc_assert_rc 3
xc_assert_output 7999 "message names the address"
xc_assert_le "seconds for a refused connect" "$XC_RUN_SECS" 6
xc_after "refused port"

xc_log "case: agent port silently drops SYNs (connect timeout)"
ip netns exec "$XC_TX_NS" nft -f - <<NFT || xc_fatal "cannot load nft rule"
table inet xc_blackhole {
	chain in {
		type filter hook input priority 0;
		tcp dport 7998 drop
	}
}
NFT
xc_run --tx "$XC_TX_MGMT:7998,dev=$XC_TX_DEV" --rx "$rx_ep" "${COMMON[@]}"
xc_assert_rc 3
xc_assert_output 7998 "message names the address"
xc_assert_le "seconds for an unanswered connect" "$XC_RUN_SECS" 12
xc_after "unanswered port"

xc_log "case: frame size below the minimum"
xc_run "${XC_EP[@]}" --mode skb --count 1000 --size 60 --rate 100000
xc_assert_rc 2
xc_assert_output 64 "message names the minimum size"
xc_after "size 60"

xc_log "case: queue 7 on a single-queue veth"
xc_run --tx "$tx_ep" --rx "$rx_ep,queue=7" "${COMMON[@]}"
xc_assert_rc 3
xc_assert_output 'queue' "message names the queue"
xc_assert_output '\b7\b' "message names queue 7"
xc_after "queue 7"

xc_log "case: frames larger than the Rx interface's MTU (preflight)"
ip -n "$XC_RX_NS" link set dev "$XC_RX_DEV" mtu 1000
xc_run "${XC_EP[@]}" --mode skb --count 1000 --size 1500 --rate 100000
xc_assert_rc 3
xc_assert_output "MTU of $XC_RX_DEV on the rx agent [^ ]* \\(1000\\)" \
	"message names the interface and its MTU"
xc_assert_output "frames of up to 1500 bytes" "message names the largest frame"
ip -n "$XC_RX_NS" link set dev "$XC_RX_DEV" mtu 1500
xc_after "MTU"

xc_log "case: zero-copy on a veth, native XDP without it (preflight)"
xc_run "${XC_EP[@]}" --mode zerocopy --count 1000 --size 64 --rate 100000
xc_assert_rc 3
feat='driver XDP features: basic, redirect, rx-sg'
for dev in "$XC_TX_DEV" "$XC_RX_DEV"; do
	xc_assert_output "$dev cannot do zero-copy AF_XDP \\($feat\\): use mode drv" \
		"message names $dev, zero-copy and what to use instead"
done
xc_after "zero-copy"

xc_log "case: the Rx interface is down (preflight)"
ip -n "$XC_RX_NS" link set dev "$XC_RX_DEV" down
xc_run "${XC_EP[@]}" "${COMMON[@]}"
xc_assert_rc 3
xc_assert_output "interface $XC_RX_DEV is down" "message names the interface"
ip -n "$XC_RX_NS" link set dev "$XC_RX_DEV" up
# the carrier comes back a moment after the link is set up
for ((i = 0; i < 50; i++)); do
	ip -n "$XC_RX_NS" -o link show dev "$XC_RX_DEV" | grep -q 'state UP' &&
		ip -n "$XC_TX_NS" -o link show dev "$XC_TX_DEV" |
			grep -q 'state UP' && break
	sleep 0.1
done
xc_after "link down"

xc_log "case: a normal run still works"
xc_run "${XC_EP[@]}" "${COMMON[@]}" --json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 1000
xc_end
