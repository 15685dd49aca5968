#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Print a netsniff-ng trafgen packet config for one static test frame:
#
#   trafgen-cfg.sh [--hex] SRC_MAC DST_MAC SRC_IP DST_IP SPORT DPORT SIZE
#                  [TTL [DSCP]]
#
# Ethernet / IPv4 (no options, DF) / UDP / zero payload. SIZE is the frame
# size with the 4-byte FCS like xceiver's --size: a 64-byte frame is a
# 60-byte buffer with 18 bytes of UDP payload. trafgen computes the IPv4
# and UDP checksums once; every packet it sends is the same.
#
# With --hex: the same frame's bytes (without FCS) as one line of hex
# digits, checksums included, for xc-xskref tx --frame.

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

# Folded ones' complement sum of 16-bit words given as numbers.
xc_csum()
{
	local sum=0 w

	for w in "$@"; do
		sum=$((sum + w))
	done
	while [ $((sum >> 16)) -ne 0 ]; do
		sum=$(((sum & 0xffff) + (sum >> 16)))
	done
	echo $((~sum & 0xffff))
}

# "0xaa, 0xbb" / "198, 18" lists -> the bytes as numbers
xc_list()
{
	local b

	for b in ${1//,/ }; do
		echo $((b))
	done
}

# The frame as hex: header fields as 16-bit words, checksums computed here.
xc_hex()
{
	local -a ip w
	local x
	local len=$((payload + 28)) ulen=$((payload + 8)) ipsum usum

	mapfile -t ip < <(xc_list "$sip"; xc_list "$dip")
	# IPv4 header words, checksum 0
	w=($((0x4500 | dscp << 2)) "$len" 0 $((0x4000)) $((ttl << 8 | 17)) 0
	   $((ip[0] << 8 | ip[1])) $((ip[2] << 8 | ip[3]))
	   $((ip[4] << 8 | ip[5])) $((ip[6] << 8 | ip[7])))
	ipsum=$(xc_csum "${w[@]}")
	# UDP over the pseudo header; the zero payload adds nothing
	usum=$(xc_csum "${w[@]:6:4}" 17 "$ulen" "$sport" "$dport" "$ulen")
	[ "$usum" -ne 0 ] || usum=$((0xffff))
	w[5]=$ipsum
	{
		xc_list "$dmac"
		xc_list "$smac"
		printf '%d\n' 8 0
		for x in "${w[@]}" "$sport" "$dport" "$ulen" "$usum"; do
			printf '%d\n' $((x >> 8)) $((x & 0xff))
		done
	} | xargs printf '%02x'
	printf '%0*d\n' $((payload * 2)) 0
}

hex=""
if [ "${1:-}" = --hex ]; then
	hex=1
	shift
fi
if [ $# -lt 7 ] || [ $# -gt 9 ]; then
	xc_die "usage: [--hex] SRC_MAC DST_MAC SRC_IP DST_IP SPORT DPORT" \
		"SIZE [TTL [DSCP]]"
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
sport=$5
dport=$6
if [ -n "$hex" ]; then
	xc_hex
	exit 0
fi

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
