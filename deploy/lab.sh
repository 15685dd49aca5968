#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Two-host lab in network namespaces.
#
#   lab.sh up [--mid|--mbox|--routed] [--id ID]
#                                 create a lab, print its KEY=VALUE variables
#   lab.sh down ID | --all        delete a lab (or every xc-* lab)
#   lab.sh exec ID tx|rx|mid CMD  run CMD in one of the lab's namespaces
#   lab.sh list                   list labs
#
# Layout (ID: per-lab suffix, N: per-lab third octet in 198.19.0.0/16):
#
#   root ns (controller)
#     xcm-ID-t 198.19.N.1/30 ---- mgmt-ID 198.19.N.2/30  xc-tx-ID
#     xcm-ID-r 198.19.N.5/30 ---- mgmt-ID 198.19.N.6/30  xc-rx-ID
#
#   test link: xc-tx-ID xct-ID 198.18.0.1/24 2001:2::1/64
#                   ---- xcr-ID 198.18.0.2/24 2001:2::2/64 xc-rx-ID
#   with --mid: xct-ID -- xbt-ID [br0 in xc-mid-ID] xbr-ID -- xcr-ID
#   with --mbox: the same links without the bridge: tests/mbox's xc-mbox,
#   started in xc-mid-ID by the test, forwards between xbt-ID and xbr-ID
#   with --routed: the same links, xc-mid-ID a router between two subnets:
#     xbt-ID 198.18.0.254/24 2001:2::fe/64 (the Tx side's gateway)
#     xbr-ID 198.18.1.254/24 2001:2:0:1::fe/64 (the Rx side's gateway)
#     xcr-ID 198.18.1.2/24 2001:2:0:1::2/64
#
# Traffic never leaves 198.18.0.0/15 and 2001:2::/48; the only routes added
# to the root namespace are the connected /30s of the management links.

set -eu

XC_LAB_DIR=${XC_LAB_DIR:-/run/xceiver-lab}
XC_LAB_LOCK=$XC_LAB_DIR/.lock

xc_die()
{
	echo "lab.sh: $*" >&2
	exit 1
}

xc_usage()
{
	cat >&2 <<-EOF
	usage: lab.sh up [--mid|--mbox|--routed] [--id ID]
	       lab.sh down ID|--all
	       lab.sh exec ID tx|rx|mid CMD...
	       lab.sh list
	EOF
	exit 2
}

xc_check_id()
{
	[[ $1 =~ ^[a-z0-9]{1,8}$ ]] ||
		xc_die "bad lab id '$1': use 1 to 8 characters of [a-z0-9]"
}

xc_ns_exists()
{
	[ -e "/run/netns/$1" ]
}

# Third octet for a lab's management /30s: a hash of the id into 1..250,
# moved on while a route of the root namespace already covers it.
xc_pick_octet()
{
	local id=$1 n i

	n=$(( $(printf '%s' "$id" | cksum | cut -d' ' -f1) % 250 + 1 ))
	for ((i = 0; i < 250; i++)); do
		if [ -z "$(ip -4 route show root "198.19.$n.0/24")" ] &&
		   ! ip -4 route show match "198.19.$n.0/24" |
			   grep -qv '^default'; then
			echo "$n"
			return 0
		fi
		n=$(( n % 250 + 1 ))
	done
	return 1
}

xc_new_id()
{
	local id i

	for ((i = 0; i < 32; i++)); do
		id=$(od -An -N2 -tx2 /dev/urandom | tr -d ' \n')
		if ! xc_ns_exists "xc-tx-$id" && ! xc_ns_exists "xc-rx-$id" &&
		   [ ! -e "$XC_LAB_DIR/$id.env" ]; then
			echo "$id"
			return 0
		fi
	done
	return 1
}

xc_ns_base()
{
	local ns=$1

	ip netns add "$ns"
	ip -n "$ns" link set lo up
}

# One end of the test link: addresses without DAD, link up.
xc_host_addr()
{
	local ns=$1 dev=$2 ip4=$3 ip6=$4

	ip -n "$ns" addr add "$ip4/24" dev "$dev"
	ip -n "$ns" addr add "$ip6/64" dev "$dev" nodad
	ip -n "$ns" link set "$dev" up
}

xc_mgmt_link()
{
	local ns=$1 rdev=$2 ndev=$3 rip=$4 nip=$5

	ip link add "$rdev" type veth peer name "$ndev" netns "$ns"
	ip addr add "$rip/30" dev "$rdev"
	ip -n "$ns" addr add "$nip/30" dev "$ndev"
	ip link set "$rdev" up
	ip -n "$ns" link set "$ndev" up
}

xc_mid_build()
{
	local id=$1 tx=$2 rx=$3 mid=$4

	xc_ns_base "$mid"
	# Keep the bridge quiet: no IPv6 neighbour or router traffic of its own.
	ip netns exec "$mid" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$mid" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$mid" link add br0 type bridge
	ip -n "$tx" link add "xct-$id" type veth \
		peer name "xbt-$id" netns "$mid"
	ip -n "$rx" link add "xcr-$id" type veth \
		peer name "xbr-$id" netns "$mid"
	ip -n "$mid" link set "xbt-$id" master br0
	ip -n "$mid" link set "xbr-$id" master br0
	ip -n "$mid" link set "xbt-$id" up
	ip -n "$mid" link set "xbr-$id" up
	ip -n "$mid" link set br0 up
}

# --mbox: the two links of --mid without a bridge; nothing forwards until
# a middle box program (tests/mbox) runs in the namespace.
xc_mbox_build()
{
	local id=$1 tx=$2 rx=$3 mid=$4

	xc_ns_base "$mid"
	# No IPv6 neighbour or router traffic of the namespace's own.
	ip netns exec "$mid" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$mid" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$tx" link add "xct-$id" type veth \
		peer name "xbt-$id" netns "$mid"
	ip -n "$rx" link add "xcr-$id" type veth \
		peer name "xbr-$id" netns "$mid"
	ip -n "$mid" link set "xbt-$id" up
	ip -n "$mid" link set "xbr-$id" up
}

# --routed: the two links of --mid, the middle namespace routing between
# the Tx subnet (198.18.0.0/24, 2001:2::/64) and the Rx subnet
# (198.18.1.0/24, 2001:2:0:1::/64); each host routes the other's via it.
xc_routed_build()
{
	local id=$1 tx=$2 rx=$3 mid=$4

	xc_ns_base "$mid"
	ip netns exec "$mid" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$mid" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$tx" link add "xct-$id" type veth \
		peer name "xbt-$id" netns "$mid"
	ip -n "$rx" link add "xcr-$id" type veth \
		peer name "xbr-$id" netns "$mid"
	xc_host_addr "$mid" "xbt-$id" 198.18.0.254 2001:2::fe
	xc_host_addr "$mid" "xbr-$id" 198.18.1.254 2001:2:0:1::fe
}

# Routes of the hosts of a --routed lab, once their addresses are up.
xc_routed_routes()
{
	local id=$1 tx=$2 rx=$3

	ip -n "$tx" route add 198.18.1.0/24 via 198.18.0.254 dev "xct-$id"
	ip -n "$tx" -6 route add 2001:2:0:1::/64 via 2001:2::fe dev "xct-$id"
	ip -n "$rx" route add 198.18.0.0/24 via 198.18.1.254 dev "xcr-$id"
	ip -n "$rx" -6 route add 2001:2::/64 via 2001:2:0:1::fe dev "xcr-$id"
}

# The Rx host's addresses: in the Rx subnet of a --routed lab.
xc_rx_ip()
{
	local mid=$1 v=$2

	if [ "$mid" = routed ]; then
		[ "$v" = 4 ] && echo 198.18.1.2 || echo 2001:2:0:1::2
	else
		[ "$v" = 4 ] && echo 198.18.0.2 || echo 2001:2::2
	fi
}

xc_env_lines()
{
	local id=$1 mid=$2 n=$3

	cat <<-EOF
	XC_LAB_ID=$id
	XC_TX_NS=xc-tx-$id
	XC_RX_NS=xc-rx-$id
	XC_MID_NS=${mid:+xc-mid-$id}
	XC_TX_DEV=xct-$id
	XC_RX_DEV=xcr-$id
	XC_TX_IP4=198.18.0.1
	XC_RX_IP4=$(xc_rx_ip "$mid" 4)
	XC_TX_IP6=2001:2::1
	XC_RX_IP6=$(xc_rx_ip "$mid" 6)
	XC_TX_GW4=$([ "$mid" != routed ] || echo 198.18.0.254)
	XC_TX_GW6=$([ "$mid" != routed ] || echo 2001:2::fe)
	XC_RX_GW4=$([ "$mid" != routed ] || echo 198.18.1.254)
	XC_RX_GW6=$([ "$mid" != routed ] || echo 2001:2:0:1::fe)
	XC_TX_MGMT=198.19.$n.2
	XC_RX_MGMT=198.19.$n.6
	XC_TX_MGMT_DEV=mgmt-$id
	XC_RX_MGMT_DEV=mgmt-$id
	XC_ROOT_TX_DEV=xcm-$id-t
	XC_ROOT_RX_DEV=xcm-$id-r
	XC_ROOT_TX_IP4=198.19.$n.1
	XC_ROOT_RX_IP4=198.19.$n.5
	XC_MID_BR=$([ "$mid" != bridge ] || echo br0)
	XC_MID_MODE=$mid
	XC_MID_TO_TX=${mid:+xbt-$id}
	XC_MID_TO_RX=${mid:+xbr-$id}
	XC_LAB_ENV=$XC_LAB_DIR/$id.env
	EOF
}

# Wait up to 5 s until both ends of the test link report a carrier: the
# kernel sets a veth's operational state a moment after both ends are up,
# and a run refuses an interface without a carrier.
xc_wait_carrier()
{
	local id=$1 i

	for ((i = 0; i < 50; i++)); do
		if ip -n "xc-tx-$id" link show "xct-$id" | grep -q 'state UP' &&
		   ip -n "xc-rx-$id" link show "xcr-$id" | grep -q 'state UP'
		then
			return 0
		fi
		sleep 0.1
	done
	echo "lab.sh: the test link of lab $id has no carrier after 5 s" >&2
	return 1
}

xc_lab_build()
{
	local id=$1 mid=$2 n=$3
	local tx=xc-tx-$id rx=xc-rx-$id

	xc_ns_base "$tx"
	xc_ns_base "$rx"
	if [ "$mid" = mbox ]; then
		xc_mbox_build "$id" "$tx" "$rx" "xc-mid-$id"
	elif [ "$mid" = routed ]; then
		xc_routed_build "$id" "$tx" "$rx" "xc-mid-$id"
	elif [ -n "$mid" ]; then
		xc_mid_build "$id" "$tx" "$rx" "xc-mid-$id"
	else
		ip -n "$tx" link add "xct-$id" type veth \
			peer name "xcr-$id" netns "$rx"
	fi
	xc_host_addr "$tx" "xct-$id" 198.18.0.1 2001:2::1
	xc_host_addr "$rx" "xcr-$id" "$(xc_rx_ip "$mid" 4)" \
		"$(xc_rx_ip "$mid" 6)"
	[ "$mid" != routed ] || xc_routed_routes "$id" "$tx" "$rx"
	xc_mgmt_link "$tx" "xcm-$id-t" "mgmt-$id" "198.19.$n.1" "198.19.$n.2"
	xc_mgmt_link "$rx" "xcm-$id-r" "mgmt-$id" "198.19.$n.5" "198.19.$n.6"
	xc_wait_carrier "$id"
}

xc_up()
{
	local id="" mid="" n rc

	while [ $# -gt 0 ]; do
		case $1 in
		--mid) mid=bridge ;;
		--mbox) mid=mbox ;;
		--routed) mid=routed ;;
		--id) [ $# -ge 2 ] || xc_usage; id=$2; shift ;;
		*) xc_usage ;;
		esac
		shift
	done
	mkdir -p "$XC_LAB_DIR"
	exec 9>"$XC_LAB_LOCK"
	flock 9
	if [ -z "$id" ]; then
		id=$(xc_new_id) || xc_die "no free lab id found"
	fi
	xc_check_id "$id"
	if xc_ns_exists "xc-tx-$id" || xc_ns_exists "xc-rx-$id" ||
	   xc_ns_exists "xc-mid-$id" || [ -e "$XC_LAB_DIR/$id.env" ] ||
	   ip link show "xcm-$id-t" >/dev/null 2>&1 ||
	   ip link show "xcm-$id-r" >/dev/null 2>&1; then
		xc_die "lab $id exists already (lab.sh down $id)"
	fi
	n=$(xc_pick_octet "$id") ||
		xc_die "no free /24 in 198.19.0.0/16 for management links"
	# A subshell outside any condition, so that set -e stops at the
	# first failing step.
	set +e
	(set -e; xc_lab_build "$id" "$mid" "$n") >&2
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		xc_down "$id" >&2
		xc_die "could not create lab $id"
	fi
	xc_env_lines "$id" "$mid" "$n" >"$XC_LAB_DIR/$id.env"
	exec 9>&-
	cat "$XC_LAB_DIR/$id.env"
}

# Stop what still runs inside a namespace, so deleting it frees its devices.
xc_ns_kill()
{
	local ns=$1 pids i

	pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
	[ -n "${pids// /}" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null || true
	for ((i = 0; i < 30; i++)); do
		pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
		[ -n "${pids// /}" ] || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null || true
}

xc_down()
{
	local id=$1 ns dev

	xc_check_id "$id"
	for ns in "xc-tx-$id" "xc-rx-$id" "xc-mid-$id"; do
		xc_ns_exists "$ns" || continue
		xc_ns_kill "$ns"
		ip netns del "$ns" 2>/dev/null || true
	done
	for dev in "xcm-$id-t" "xcm-$id-r"; do
		if ip link show "$dev" >/dev/null 2>&1; then
			ip link del "$dev" 2>/dev/null || true
		fi
	done
	rm -f "$XC_LAB_DIR/$id.env"
}

# Lab ids present: namespaces, root-side veths and env files.
xc_ids()
{
	{
		ip netns list 2>/dev/null |
			sed -n 's/^xc-\(tx\|rx\|mid\)-\([a-z0-9]*\).*/\2/p'
		ip -o link show 2>/dev/null |
			sed -n 's/^[0-9]*: xcm-\([a-z0-9]*\)-[tr][@:].*/\1/p'
		for f in "$XC_LAB_DIR"/*.env; do
			[ -e "$f" ] && basename "$f" .env
		done
	} | sort -u
}

xc_down_all()
{
	local id dev

	for id in $(xc_ids); do
		xc_down "$id"
	done
	# Anything left that only looks like ours.
	for dev in $(ip -o link show |
		     sed -n 's/^[0-9]*: \(xcm-[^@:]*\).*/\1/p'); do
		ip link del "$dev" 2>/dev/null || true
	done
}

xc_list()
{
	local id f mid

	for id in $(xc_ids); do
		f=$XC_LAB_DIR/$id.env
		mid=""
		xc_ns_exists "xc-mid-$id" && mid=" mid"
		if [ -e "$f" ]; then
			printf '%s%s %s %s\n' "$id" "$mid" \
				"$(sed -n 's/^XC_TX_MGMT=//p' "$f")" \
				"$(sed -n 's/^XC_RX_MGMT=//p' "$f")"
		else
			printf '%s%s (partial)\n' "$id" "$mid"
		fi
	done
}

xc_exec()
{
	local id=$1 role=$2

	shift 2
	xc_check_id "$id"
	case $role in
	tx|rx|mid) ;;
	*) xc_usage ;;
	esac
	[ $# -gt 0 ] || xc_usage
	xc_ns_exists "xc-$role-$id" || xc_die "no namespace xc-$role-$id"
	exec ip netns exec "xc-$role-$id" "$@"
}

[ $# -ge 1 ] || xc_usage
[ "$(id -u)" -eq 0 ] || xc_die "must run as root (network namespaces)"
cmd=$1
shift
case $cmd in
up)
	xc_up "$@"
	;;
down)
	[ $# -eq 1 ] || xc_usage
	if [ "$1" = --all ]; then
		xc_down_all
	else
		xc_down "$1"
	fi
	;;
exec)
	[ $# -ge 3 ] || xc_usage
	xc_exec "$@"
	;;
list)
	xc_list
	;;
*)
	xc_usage
	;;
esac
