#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# A bridge between the hosts drops every frame whose sequence number modulo
# 1024 lies in [256, 271] (bits 4..9 of seq equal 0b010000). The report
# must name exactly those ranges, and the drop counter must equal missing.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=100000

# Low 16 bits of seq: UDP payload bytes 12..13, i.e. @ih,96,16.
xc_nft_load()
{
	ip netns exec "$XC_MID_NS" nft -f - <<-NFT
	table netdev xc_lossy {
		chain to_rx {
			type filter hook egress device "$XC_MID_TO_RX" \
				priority 0;
			udp dport 9001 @ih,96,16 & 0x03f0 == 0x0100 counter drop
		}
	}
	NFT
}

xc_nft_dropped()
{
	ip netns exec "$XC_MID_NS" nft -j list table netdev xc_lossy |
		jq '[.nftables[] | select(.rule) | .rule.expr[] |
		     select(.counter) | .counter.packets] | add'
}

# "first-last first-last ..." for every k * 1024 + 256 below COUNT.
xc_expected_ranges()
{
	local first last out=""

	for ((first = 256; first < COUNT; first += 1024)); do
		last=$((first + 15))
		((last < COUNT)) || last=$((COUNT - 1))
		out+="$first-$last "
	done
	echo "${out% }"
}

xc_require
xc_lab_up --mid
xc_nft_load || xc_fatal "cannot load the nftables drop rule"
xc_agents_start
xc_run "${XC_EP[@]}" --mode skb --count $COUNT --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 1

want=$(xc_expected_ranges)
nranges=$(wc -w <<<"$want")
missing=$((16 * nranges))
got=$(xc_jq '[.rx.rx[0].missing_ranges[]? |
	"\(.first | n)-\(.last | n)"] | join(" ")')
xc_assert_eq verdict fail "$(xc_jq '.verdict')"
xc_assert_eq "missing ranges" "$want" "$got"
xc_assert_eq "missing range count" "$nranges" \
	"$(xc_jq '.rx.rx[0].missing_range_count | n')"
xc_assert_eq missing "$missing" "$(xc_jq '.rx.rx[0].missing | n')"
xc_assert_eq delivered $((COUNT - missing)) \
	"$(xc_jq '.rx.rx[0].delivered | n')"
xc_assert_eq corrupt 0 "$(xc_jq '.rx.rx[0].corrupt | n')"
xc_assert_eq "nft drop counter" "$missing" "$(xc_nft_dropped)"
# No counter of either host accounts for them: lost between the hosts.
xc_assert_eq "lost between the hosts" "$missing" \
	"$(xc_jq '.forensics.split.between_hosts | n')"
xc_assert_eq "the tester lost none" 0 "$(xc_jq '.loss.tester | n')"
xc_assert_output "^missing $missing: $missing between the hosts" \
	"the summary leads with the split"
xc_end
