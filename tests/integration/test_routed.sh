#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# A router between the hosts (lab.sh --routed): the Tx agent looks its
# gateway's MAC up itself, the router rewrites the MACs and decrements the
# TTL or hop limit, and a spec whose path says "routed_hops: 1" passes with
# every frame reported as rewritten so (skb and drv, IPv4 and IPv6; the Tx
# host's neighbour table is emptied first, so the agent has the kernel
# resolve the gateway). The same path with a router that also remarks DSCP
# (IPv4, IPv6) or takes 2 off the TTL fails, every frame corrupt at that
# byte; allowed with dscp_remark the remark passes, counted. A spec that
# says nothing of the path fails at the first MAC byte. The flags
# --routed, --gateway and --rx-gateway route both ways at once.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_COUNT=2000
XC_MODES=${XC_ROUTED_MODES:-skb drv}

# xc_routed_spec FILE IPV PATH-YAML [DST-MAC]: one stream through the
# router.
xc_routed_spec()
{
	local file=$1 ipv=$2 path=$3 mac=${4:+, dst_mac: \"$4\"} min=64

	[ "$ipv" = 6 ] && min=84
	cat >"$file" <<-EOF
	name: ROUTED
	streams:
	  - id: 1
	    count: $XC_COUNT
	    rate_pps: 100000
	    sizes: { list: [$min, 512, 1500] }
	    headers: { ip_version: $ipv, dscp: 10$mac }
	path: $path
	EOF
}

xc_routed_gw()
{
	[ "$1" = 6 ] && echo "$XC_TX_GW6" || echo "$XC_TX_GW4"
}

# xc_routed_pass MODE IPV PATH WHAT: passes, every frame rewritten as allowed.
xc_routed_pass()
{
	local mode=$1 ipv=$2 path=$3 what=$4 spec=$XC_TMP/routed.yaml

	xc_routed_spec "$spec" "$ipv" "$path"
	xc_run "$spec" "${XC_EP[@]}" --mode "$mode" --json "$XC_JSON"
	xc_assert_rc 0 || return
	xc_assert_clean_stream "$XC_COUNT"
	xc_assert_eq "$what: MACs rewritten" "$XC_COUNT" \
		"$(xc_jq '.rx.rx[0].path_macs_rewritten | n')"
	xc_assert_eq "$what: TTL decremented" "$XC_COUNT" \
		"$(xc_jq '.rx.rx[0].path_ttl_decremented | n')"
	xc_assert_eq "$what: hops in the report" 1 \
		"$(xc_jq '.rx.path_routed_hops | n')"
}

# xc_routed_corrupt MODE PATH OFFSET WHAT [DST-MAC [IPV]]: every frame
# corrupt at OFFSET.
xc_routed_corrupt()
{
	local mode=$1 path=$2 off=$3 what=$4 spec=$XC_TMP/routed.yaml

	xc_routed_spec "$spec" "${6:-4}" "$path" "${5:-}"
	xc_run "$spec" "${XC_EP[@]}" --mode "$mode" --json "$XC_JSON"
	xc_assert_rc 1 || return
	xc_assert_eq "$what: verdict" fail "$(xc_jq '.verdict')"
	xc_assert_eq "$what: corrupt" "$XC_COUNT" \
		"$(xc_jq '.rx.rx[0].corrupt | n')"
	xc_assert_eq "$what: delivered" 0 "$(xc_jq '.rx.rx[0].delivered | n')"
	xc_assert_eq "$what: first bad offset" "$off" \
		"$(xc_jq '.rx.rx[0].first_corrupt_offset | n')"
}

xc_mid_nft()
{
	ip netns exec "$XC_MID_NS" nft "$@" || xc_fatal "nft $* failed"
}

# The router's MAC on the Tx side (only to send it frames by hand).
xc_gw_mac()
{
	ip -n "$XC_MID_NS" -br link show "$XC_MID_TO_TX" | awk '{ print $3 }'
}

# The first byte at which the Rx host's MAC differs from MAC $1: where a
# frame sent to $1 and rewritten by the router to the Rx host first
# differs from what was sent (random MACs may share their first bytes).
xc_mac_diff_at()
{
	ip -n "$XC_RX_NS" -br link show "$XC_RX_DEV" |
		awk -v want="$1" '{
			split(tolower($3), a, ":"); split(tolower(want), b, ":")
			for (i = 1; i <= 6 && a[i] == b[i]; i++)
				;
			print i - 1
		}'
}

xc_require
command -v nft >/dev/null || xc_skip "nft not installed"
xc_lab_up --routed
[ -n "$XC_TX_GW4" ] || xc_fatal "lab.sh --routed printed no gateway"
# Learning frames (RFC 2544, 23): the router resolves the Rx host before
# the runs, else it drops what does not fit its queue of unresolved frames.
# (IPv6 waits for the link-local addresses' DAD: a few seconds.)
for ip in "$XC_RX_IP4" "$XC_RX_IP6"; do
	ip netns exec "$XC_TX_NS" ping -q -c 1 -w 5 "$ip" >/dev/null ||
		xc_fatal "no route from the Tx host to $ip through the router"
done
xc_agents_start

routed4="{ routed_hops: 1, gateway: \"$XC_TX_GW4\" }"
for mode in $XC_MODES; do
	for ipv in 4 6; do
		# the Tx agent resolves a gateway its host does not know yet
		ip -n "$XC_TX_NS" neigh flush dev "$XC_TX_DEV"
		xc_routed_pass "$mode" "$ipv" \
			"{ routed_hops: 1, gateway: \"$(xc_routed_gw "$ipv")\" }" \
			"$mode IPv$ipv"
	done
	# the path said to be a wire (frames sent to the router's MAC by
	# hand): the MACs the router wrote are corrupt
	gw=$(xc_gw_mac)
	xc_routed_corrupt "$mode" "{ }" "$(xc_mac_diff_at "$gw")" \
		"$mode, path not routed" "$gw"
done

# the same from flags, both ways through the router (each agent resolves
# its own gateway)
xc_run "${XC_EP[@]}" --mode skb --count "$XC_COUNT" --rate 100000 \
	--bidirectional --routed 1 --gateway "$XC_TX_GW4" \
	--rx-gateway "$XC_RX_GW4" --json "$XC_JSON"
if xc_assert_rc 0; then
	xc_assert_eq "flags: streams both ways" 2 \
		"$(xc_jq '[.tx.rx[], .rx.rx[]] | length')"
	xc_assert_eq "flags: TTL decremented both ways" $((2 * XC_COUNT)) \
		"$(xc_jq '[(.tx.rx[], .rx.rx[]) | .path_ttl_decremented | n] | add')"
fi

# xc_mid_rule FAMILY RULE: the router also applies RULE to the test frames
# it forwards (one table, replaced each time).
xc_mid_rule()
{
	ip netns exec "$XC_MID_NS" nft delete table inet xc_rw 2>/dev/null
	xc_mid_nft add table inet xc_rw
	xc_mid_nft add chain inet xc_rw fwd_rw \
		'{ type filter hook forward priority 0; }'
	xc_mid_nft add rule inet xc_rw fwd_rw meta nfproto "$1" \
		udp dport 9001 "${@:2}"
}

routed6="{ routed_hops: 1, gateway: \"$XC_TX_GW6\" }"
# TTL set to 62 after the router's own decrement: 2 less with 1 hop
xc_mid_rule ipv4 ip ttl set 62
for mode in $XC_MODES; do
	xc_routed_corrupt "$mode" "$routed4" 22 "$mode, TTL -2"
done
# DSCP remarked: byte 15 (TOS) of IPv4, byte 14 (traffic class) of IPv6
# are not the path's to change, unless it may remark
xc_mid_rule ipv6 ip6 dscp set ef
for mode in $XC_MODES; do
	xc_routed_corrupt "$mode" "$routed6" 14 "$mode, IPv6 DSCP remarked" \
		"" 6
done
xc_mid_rule ipv4 ip dscp set ef
for mode in $XC_MODES; do
	xc_routed_corrupt "$mode" "$routed4" 15 "$mode, DSCP remarked"
	xc_routed_pass "$mode" 4 \
		"{ routed_hops: 1, gateway: \"$XC_TX_GW4\", dscp_remark: true }" \
		"$mode, DSCP remark allowed"
	xc_assert_eq "$mode: DSCP remarks" "$XC_COUNT" \
		"$(xc_jq '.rx.rx[0].path_dscp_remarked | n')"
done
xc_mid_nft delete table inet xc_rw
xc_end
