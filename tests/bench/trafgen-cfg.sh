#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Print a netsniff-ng trafgen packet config for one static test frame:
#
#   trafgen-cfg.sh SRC_MAC DST_MAC SRC_IP DST_IP SPORT DPORT SIZE [TTL [DSCP]]
#
# Ethernet / IPv4 (no options, DF) / UDP / zero payload. SIZE is the frame
# size with the 4-byte FCS like xceiver's --size: a 64-byte frame is a
# 60-byte buffer with 18 bytes of UDP payload. trafgen computes the IPv4
# and UDP checksums once; every packet it sends is the same.

set -eu

xc_die()
{
	echo "trafgen-cfg.sh: $*" >&2
	exit 2
}

# aa:bb:cc:dd:ee:ff -> "0xaa, 0xbb, ..."
xc_mac_bytes()
{
	[[ $1 =~ ^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$ ]] ||
		xc_die "bad MAC address '$1'"
	echo "0x${1//:/, 0x}"
}

# 198.18.0.1 -> "198, 18, 0, 1"
xc_ip_bytes()
{
	local o

	[[ $1 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] ||
		xc_die "bad IPv4 address '$1' (IPv6 is not supported here)"
	for o in ${1//./ }; do
		[ "$o" -le 255 ] || xc_die "bad IPv4 address '$1'"
	done
	echo "${1//./, }"
}

xc_num()
{
	if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -gt "$3" ]; then
		xc_die "bad $1 '$2' (0..$3)"
	fi
}

if [ $# -lt 7 ] || [ $# -gt 9 ]; then
	xc_die "usage: SRC_MAC DST_MAC SRC_IP DST_IP SPORT DPORT SIZE" \
		"[TTL [DSCP]]"
fi
smac=$(xc_mac_bytes "$1")
dmac=$(xc_mac_bytes "$2")
sip=$(xc_ip_bytes "$3")
dip=$(xc_ip_bytes "$4")
xc_num "source port" "$5" 65535
xc_num "destination port" "$6" 65535
xc_num "frame size" "$7" 9022
ttl=${8:-64}
dscp=${9:-0}
xc_num TTL "$ttl" 255
xc_num DSCP "$dscp" 63
# 14 Ethernet + 20 IPv4 + 8 UDP + 4 FCS
[ "$7" -ge 64 ] || xc_die "frame size $7 below the minimum 64"
payload=$(($7 - 46))

cat <<CFG
/* $7-byte frame (with FCS): $3:$5 -> $4:$6, $payload bytes of payload */
{
	/* Ethernet */
	$dmac,
	$smac,
	c16(0x0800),
	/* IPv4: version/IHL, DSCP, total length, id, DF, TTL, UDP */
	0x45, $((dscp << 2)), c16($((payload + 28))), c16(0), c16(0x4000),
	$ttl, 17, csumip(14, 33),
	$sip,
	$dip,
	/* UDP */
	c16($5), c16($6), c16($((payload + 8))), csumudp(14, 34),
	fill(0x00, $payload)
}
CFG
