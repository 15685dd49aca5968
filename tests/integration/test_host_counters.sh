#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# xceiver-agent --counters: the interface's stats64 counters appear with
# their layers and loss flags, their values count exactly the frames a
# known ping sent (the link kept quiet: static neighbours, no IPv6), and
# a missing interface is a clear error with a nonzero exit.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

PINGS=25

# xc_counters ROLE DEV: the agent's --counters output for DEV in ROLE's ns.
xc_counters()
{
	ip netns exec "$(xc_ns_of "$1")" "$XC_AGENT" --counters "$2"
}

# xc_row OUT NAME: "source layer loss value delta" of counter NAME.
xc_row()
{
	awk -v n="$2" '$1 == n { print $2, $3, $4, $5, $6 }' <<<"$1"
}

xc_value()
{
	xc_row "$1" "$2" | cut -d' ' -f4
}

xc_require
xc_lab_up
xc_link_quiet

xc_log "case: counters, their layers and loss flags on a veth"
rx_before=$(xc_counters rx "$XC_RX_DEV") || xc_fatal "--counters rx failed"
tx_before=$(xc_counters tx "$XC_TX_DEV") || xc_fatal "--counters tx failed"
xc_assert_eq driver "driver: veth" "$(grep '^driver:' <<<"$rx_before")"
xc_assert_eq rx_packets "SOURCE_LINK LAYER_NONE no" \
	"$(xc_row "$rx_before" rx_packets | cut -d' ' -f1-3)"
xc_assert_eq tx_packets "SOURCE_LINK LAYER_NONE no" \
	"$(xc_row "$rx_before" tx_packets | cut -d' ' -f1-3)"
for c in rx_dropped rx_missed_errors rx_over_errors rx_crc_errors \
	 rx_frame_errors rx_length_errors; do
	xc_assert_eq "$c" "SOURCE_LINK LAYER_RX_HOST yes" \
		"$(xc_row "$rx_before" "$c" | cut -d' ' -f1-3)"
done
for c in rx_errors rx_fifo_errors; do
	xc_assert_eq "$c (a sum, or not one per frame)" \
		"SOURCE_LINK LAYER_RX_HOST no" \
		"$(xc_row "$rx_before" "$c" | cut -d' ' -f1-3)"
done
# veth's tx_dropped: frames its peer refused, a loss of the receiving host
# that this host counts (peer; the peer may count them too)
xc_assert_eq "tx_dropped (veth: frames the peer refused)" \
	"SOURCE_LINK LAYER_RX_HOST peer" \
	"$(xc_row "$rx_before" tx_dropped | cut -d' ' -f1-3)"
for c in tx_fifo_errors tx_carrier_errors tx_aborted_errors; do
	xc_assert_eq "$c" "SOURCE_LINK LAYER_TX yes" \
		"$(xc_row "$rx_before" "$c" | cut -d' ' -f1-3)"
done
xc_assert_eq "tx_errors (a sum)" "SOURCE_LINK LAYER_TX no" \
	"$(xc_row "$rx_before" tx_errors | cut -d' ' -f1-3)"
xc_assert_eq softnet_dropped "SOURCE_SOFTNET LAYER_RX_HOST no" \
	"$(xc_row "$rx_before" softnet_dropped | cut -d' ' -f1-3)"
xc_assert_eq "rx_queue_0_xdp_drops (our program's own)" \
	"SOURCE_ETHTOOL LAYER_RX_HOST no" \
	"$(xc_row "$rx_before" rx_queue_0_xdp_drops | cut -d' ' -f1-3)"
xc_assert_eq "rx_packets over 1 s of a quiet link" 0 \
	"$(xc_row "$rx_before" rx_packets | cut -d' ' -f5)"

xc_log "case: $PINGS pings counted exactly"
ip netns exec "$XC_TX_NS" ping -q -c "$PINGS" -i 0.01 -W 2 "$XC_RX_IP4" \
	>/dev/null || xc_fail "ping $XC_RX_IP4 lost replies"
rx_after=$(xc_counters rx "$XC_RX_DEV") || xc_fatal "--counters rx failed"
tx_after=$(xc_counters tx "$XC_TX_DEV") || xc_fatal "--counters tx failed"
for c in rx_packets tx_packets; do
	xc_assert_eq "Rx side $c grew by" "$PINGS" \
		$(($(xc_value "$rx_after" "$c") - $(xc_value "$rx_before" "$c")))
	xc_assert_eq "Tx side $c grew by" "$PINGS" \
		$(($(xc_value "$tx_after" "$c") - $(xc_value "$tx_before" "$c")))
done

xc_log "case: a missing interface"
ip netns exec "$XC_RX_NS" "$XC_AGENT" --counters xcnosuch \
	>"$XC_OUT" 2>"$XC_ERR"
rc=$?
xc_assert_eq "exit code" 1 "$rc"
xc_assert_output "xcnosuch: no such interface" "message names the interface"

xc_end
