#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Drop forensics: each layer loses frames on purpose, and the report must
# put every missing frame in that layer, exactly:
#   - the receiver's socket, its fill ring starved (rx_options pressure
#     starve_fill): "fill ring empty", the tester's loss (exit 4);
#   - the receiver's socket, frames larger than its 2048-byte chunks:
#     "frame too big", the tester's loss;
#   - the receiver's XDP program, frames sent to a queue where no socket
#     is bound (a two-queue veth, Tx on queue 1, Rx bound to queue 0 only);
#   - the receiving host before XDP: its backlog (netdev_max_backlog, set
#     small for the run and restored) drops frames in skb mode; what the
#     receiver's socket also lost goes there, nothing is "between";
# and the timeline CSV and the plot are written and readable. (The middle
# box dropping frames, "between the hosts", is test_lossy_link's; a
# stopped receiver is test_rx_stall's.)
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

BACKLOG=/proc/sys/net/core/netdev_max_backlog
BACKLOG_WAS=""

# Keeps the caller's $? (it runs in the EXIT trap before xc_cleanup).
xc_backlog_restore()
{
	local rc=$?

	[ -n "$BACKLOG_WAS" ] && echo "$BACKLOG_WAS" >"$BACKLOG"
	BACKLOG_WAS=""
	return $rc
}

# split.WHERE of the report's forensics
xc_split()
{
	xc_jq ".forensics.split.$1 | n"
}

# xc_assert_all WHERE WHY: every missing frame there, for that reason
xc_assert_all()
{
	local missing

	missing=$(xc_jq '.rx.rx | map(.missing | n) | add')
	xc_assert_eq "$1: frames lost" 1 "$((missing > 0))"
	xc_assert_eq "$1: frames attributed" "$missing" "$(xc_split "$1")"
	xc_assert_eq "$1: forensics missing" "$missing" \
		"$(xc_jq '.forensics.missing | n')"
	xc_assert_eq "$1: why" "$2" "$(xc_jq ".forensics.why.$1")"
	xc_assert_eq "$1: not placed" 0 "$(xc_jq '.forensics.unplaced | n')"
}

xc_starved_fill()
{
	local spec=$XC_TMP/starve.yaml

	cat >"$spec" <<-YAML
	rx_options: { pressure: starve_fill, fill_posted: 2048 }
	streams: [ { id: 1, count: 20000, frame_size: 64, rate_pps: 100000 } ]
	timeouts: { drain_idle_ms: 300 }
	YAML
	xc_run "$spec" "${XC_EP[@]}" --mode skb --json "$XC_JSON" \
		--timeline "$XC_TMP/starve.csv" --plot "$XC_TMP/starve.svg"
	xc_assert_rc 4
	xc_assert_eq "starved fill: verdict" tester_loss "$(xc_jq '.verdict')"
	xc_assert_all rx_xsk "fill ring empty"
	xc_assert_eq "starved fill: missing" 17952 \
		"$(xc_jq '.rx.rx[0].missing | n')"
	xc_assert_eq "starved fill: one episode" 1 \
		"$(xc_jq '.forensics.episodes | length')"
	xc_assert_eq "starved fill: its first seq" 2048 \
		"$(xc_jq '.forensics.episodes[0].seq_first | n')"
	xc_assert_output "^missing 17952: 17952 in the receiver's socket \(fill ring empty\): the tester fell behind, not the link" \
		"the summary leads with the split"
	# the CSV: a header and one row per interval, missing adding up
	xc_assert_eq "csv rows" "$(xc_jq '.forensics.intervals')" \
		"$(($(wc -l <"$XC_TMP/starve.csv") - 1))"
	xc_assert_eq "csv missing" 17952 \
		"$(awk -F, 'NR > 1 { s += $6 } END { print s }' \
			"$XC_TMP/starve.csv")"
	xc_assert_eq "svg names the layer" true \
		"$(grep -q 'receiver socket' "$XC_TMP/starve.svg" &&
		   echo true)"
}

xc_too_big()
{
	local spec=$XC_TMP/big.yaml

	cat >"$spec" <<-YAML
	rx: { xsk: { chunk_size: 2048 } }
	streams: [ { id: 1, count: 5000, frame_size: 3000, rate_pps: 50000 } ]
	timeouts: { drain_idle_ms: 300 }
	YAML
	xc_link_mtu 4000 || xc_fatal "cannot set the lab's MTU to 4000"
	xc_run "$spec" "${XC_EP[@]}" --mode skb --json "$XC_JSON"
	xc_link_mtu 1500
	xc_assert_rc 4
	xc_assert_all rx_xsk "frame too big"
	xc_assert_eq "too big: all lost" 5000 \
		"$(xc_jq '.rx.rx[0].missing | n')"
}

xc_no_socket()
{
	local a=xfa-$XC_LAB_ID b=xfb-$XC_LAB_ID ep="$XC_TX_MGMT:$XC_PORT"

	ip -n "$XC_TX_NS" link add "$a" numtxqueues 2 numrxqueues 2 type veth \
		peer name "$b" numtxqueues 2 numrxqueues 2 ||
		xc_fatal "cannot create a two-queue veth pair"
	ip -n "$XC_TX_NS" link set "$a" up
	ip -n "$XC_TX_NS" link set "$b" up
	xc_run --tx "$ep,dev=$a,queue=1" --rx "$ep,dev=$b,queue=0" \
		--mode drv --count 10000 --size 64 --rate 50000 \
		--json "$XC_JSON"
	xc_assert_rc 4
	xc_assert_all rx_xdp xdp_no_socket
	ip -n "$XC_TX_NS" link del "$a"
}

# The Rx veth steers its frames to CPU 0's backlog (RPS), the sender runs
# on CPU 1: the backlog fills faster than CPU 0 empties it. The link is
# kept quiet, so that the backlog drops nothing but test frames and the
# receiving host's own count is exactly the frames it lost.
xc_backlog()
{
	xc_link_quiet
	ip netns exec "$XC_RX_NS" sh -c \
		"echo 1 >/sys/class/net/$XC_RX_DEV/queues/rx-0/rps_cpus" ||
		xc_fatal "cannot steer the Rx veth's frames (RPS)"
	BACKLOG_WAS=$(cat "$BACKLOG")
	echo 4 >"$BACKLOG"
	xc_run --tx "$XC_TX_MGMT:$XC_PORT,dev=$XC_TX_DEV,cpus=1" \
		--rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV" --mode skb \
		--count 300000 --size 64 \
		--json "$XC_JSON" --expect "missing not judged" \
		--expect "delivered not judged"
	xc_backlog_restore
	ip netns exec "$XC_RX_NS" sh -c \
		"echo 0 >/sys/class/net/$XC_RX_DEV/queues/rx-0/rps_cpus"
	xc_assert_rc 0
	xc_assert_eq "backlog: frames lost before XDP" true \
		"$(xc_jq '.forensics.split.rx_host > 0')"
	xc_assert_eq "backlog: every frame attributed" \
		"$(xc_jq '.forensics.missing | n')" \
		"$(xc_jq '.forensics.split.rx_host + .forensics.split.rx_xsk |
			  n')"
	xc_assert_eq "backlog: the receiving host's own count" \
		"$(xc_jq '[.rx.timeline.counters[] |
			   select(.name == "rx_dropped" and
				  .source == "link") | .total | n] |
			  add')" \
		"$(xc_jq '.forensics.split.rx_host | n')"
}

xc_require
trap 'xc_backlog_restore; xc_cleanup' EXIT
xc_lab_up
# xc_no_socket's pair in the Tx host
XC_AGENT_ARGS="--allow xfa-$XC_LAB_ID --allow xfb-$XC_LAB_ID" xc_agents_start
xc_starved_fill
xc_too_big
xc_backlog
xc_no_socket
xc_end
