#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Round trip (--reflect) through a bridge that drops one set of frames on
# the way out and another on the way back: the Tx agent's missing ranges
# are exactly both sets, and the reflector's count splits them into the
# two directions.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=100000

# The seqs whose low 10 bits lie in [$1, $1 + 15] (bits 4..9 of seq equal
# $1 / 16); low 16 bits of seq: UDP payload bytes 12..13 (@ih,96,16).
xc_nft_load()
{
	ip netns exec "$XC_MID_NS" nft -f - <<-NFT
	table netdev xc_rtt {
		chain out {
			type filter hook egress device "$XC_MID_TO_RX" \
				priority 0;
			udp dport 9001 @ih,96,16 & 0x03f0 == 0x0100 counter drop
		}
		chain back {
			type filter hook egress device "$XC_MID_TO_TX" \
				priority 0;
			udp sport 9001 @ih,96,16 & 0x03f0 == 0x0200 counter drop
		}
	}
	NFT
}

# "first-last ..." for every k * 1024 + $1 below COUNT, merged in order
# with those of $2.
xc_ranges()
{
	local base first

	for ((base = 0; base < COUNT; base += 1024)); do
		for first in $((base + $1)) $((base + $2)); do
			((first < COUNT)) || continue
			echo "$first-$(((first + 15) < COUNT ? first + 15 :
					COUNT - 1))"
		done
	done | sort -n -t- -k1,1 | tr '\n' ' ' | sed 's/ $//'
}

xc_rtt_split()
{
	local want out back

	xc_run "${XC_EP[@]}" --mode skb --reflect --count $COUNT --size 64 \
		--rate 100000 --json "$XC_JSON"
	xc_assert_rc 1
	want=$(xc_ranges 256 512)
	out=$((16 * $(xc_ranges 256 256 | wc -w) / 2))
	back=$((16 * $(xc_ranges 512 512 | wc -w) / 2))
	xc_assert_eq "missing ranges" "$want" \
		"$(xc_jq '[.tx.rx[0].missing_ranges[]? |
			   "\(.first | n)-\(.last | n)"] | join(" ")')"
	xc_assert_eq missing $((out + back)) \
		"$(xc_jq '.tx.rx[0].missing | n')"
	xc_assert_eq reflected $((COUNT - out)) \
		"$(xc_jq '.rx.xdp_reflected | n')"
	xc_assert_output "^round trip: the reflector sent back $((COUNT - out)) of $COUNT frames sent; $out lost on the way out, $back on the way back" \
		"the split between the way out and back"
}

xc_require
xc_lab_up --mid
xc_nft_load || xc_fatal "cannot load the nftables drop rules"
xc_agents_start
xc_rtt_split
xc_end
