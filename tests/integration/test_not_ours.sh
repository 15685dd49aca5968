#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The Rx XDP program takes only this run's test frames. While a run of
# about 3 s is on the test link, the Tx host sends UDP datagrams to the
# run's destination port that are not this run's test frames: a payload
# too short for the payload header, one with another magic, and one with
# our magic and a run tag that is not this run's (0; a run whose id ends
# in 32 zero bits, one in 2^32, would take those). Each one reaches the
# Rx host's kernel (its UDP counters: nothing listens on the port, so
# NoPorts), is counted in the report's xdp_not_ours, and the summary says
# so; the run's own frames are all delivered intact and nothing is
# foreign.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=600000
PORT=9001		# the stream's destination port (the default)
EACH=20			# datagrams of each kind, per IP version

# xc_udp_noports: the Rx host's UDP datagrams to a port nobody listens
# on, IPv4 and IPv6 together.
xc_udp_noports()
{
	ip netns exec "$XC_RX_NS" cat /proc/net/snmp /proc/net/snmp6 |
		awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++)
					  if ($i == "NoPorts") c = i; h = 1 }
			       else n += $c }
		     $1 == "Udp6NoPorts" { n += $2 }
		     END { print n + 0 }'
}

# xc_send_not_ours IP: EACH datagrams of each kind to IP:PORT from the Tx
# host (one write, one datagram). The Rx kernel answers each with an ICMP
# port unreachable, which fails the connected socket's next write (and
# sends nothing): that write is made again.
xc_send_not_ours()
{
	# shellcheck disable=SC2016 # expanded by the inner bash
	ip netns exec "$XC_TX_NS" bash -c '
		exec 3>"/dev/udp/$1/$2" || exit 1
		pad="\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		send() {
			local t
			for ((t = 0; t < 10; t++)); do
				printf "$1" >&3 2>/dev/null && return 0
			done
			return 1
		}
		for ((i = 0; i < $3; i++)); do
			send "hello" &&
			send "YC\x01\x02\x03\x04\x00\x01$pad" &&
			send "XC\x00\x00\x00\x00\x00\x01$pad" || exit 1
		done' _ "$1" "$PORT" "$EACH"
}

xc_require
xc_lab_up
xc_agents_start
xc_run_bg "${XC_EP[@]}" --mode skb --count $COUNT --size 64 --rate 200000 \
	--json "$XC_JSON"
xc_wait_xdp rx || xc_fatal "no XDP program on the Rx interface after 10 s"
sleep 0.3
# the neighbours resolved first: datagrams queued for an unresolved
# neighbour may be dropped by the sending kernel
ip netns exec "$XC_TX_NS" ping -c 1 -W 1 "$XC_RX_IP4" >/dev/null ||
	xc_fail "ping $XC_RX_IP4"
ip netns exec "$XC_TX_NS" ping -c 1 -W 1 "$XC_RX_IP6" >/dev/null ||
	xc_fail "ping $XC_RX_IP6"
before=$(xc_udp_noports)
xc_send_not_ours "$XC_RX_IP4" || xc_fail "cannot send to $XC_RX_IP4:$PORT"
xc_send_not_ours "$XC_RX_IP6" || xc_fail "cannot send to $XC_RX_IP6:$PORT"
sent=$((2 * 3 * EACH))
# the kernel counts them as they arrive; allow it a moment
for ((i = 0; i < 20; i++)); do
	[ $(($(xc_udp_noports) - before)) -ge $sent ] && break
	sleep 0.1
done
xc_ctl_running || xc_fail "the run ended before the datagrams were sent"
xc_assert_eq "datagrams the Rx kernel received (UDP NoPorts)" $sent \
	$(($(xc_udp_noports) - before))
xc_run_wait
xc_assert_rc 0
xc_assert_clean_stream $COUNT
xc_assert_eq foreign 0 "$(xc_jq '.rx.foreign | n')"
xc_assert_eq "xdp_not_ours in the report" $sent \
	"$(xc_jq '.rx.xdp_not_ours | n')"
xc_assert_eq "xdp_not_ours in the loss account" $sent \
	"$(xc_jq '.loss.xdp_not_ours | n')"
said="^not ours: the XDP program passed $sent frames of the run's port range"
said+=" without our magic and this run's tag to the kernel"
xc_assert_output "$said" "the summary says where the frames went"
xc_end
