# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Helpers for the integration cases. A case is a file test_NAME.sh that
# sources this file, calls xc_lab_up and xc_agents_start, runs the
# controller with xc_run, checks with the xc_assert_* helpers and ends with
# xc_end. Everything the case created is removed on exit, also on failure,
# SIGINT, SIGTERM (the runner's timeout) or a fatal error.
#
# Environment: BUILD (build directory, default ./build), XC_STATE_FILE (the
# runner's record of lab ids), XC_RUN_TIMEOUT (seconds for one controller
# run, default 120).

# shellcheck shell=bash disable=SC2034,SC2016
XC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XC_BUILD=${BUILD:-$XC_ROOT/build}
XC_LAB=$XC_ROOT/deploy/lab.sh
XC_CTL=$XC_BUILD/xceiver
XC_AGENT=$XC_BUILD/xceiver-agent
XC_PORT=${XC_PORT:-7007}
XC_RUN_TIMEOUT=${XC_RUN_TIMEOUT:-120}
XC_SKIP=77
XC_NAME=$(basename "$0" .sh)
XC_NAME=${XC_NAME#test_}
XC_FAILS=0
XC_LAB_ID=""
XC_CTL_PID=""
XC_RC=""
declare -A XC_AGENT_PID=()
XC_EP=()
XC_TMP=$(mktemp -d "/tmp/xc-$XC_NAME.XXXXXX")
XC_OUT=$XC_TMP/ctl.out
XC_ERR=$XC_TMP/ctl.err
XC_JSON=$XC_TMP/report.json
# The control channel: throwaway credentials (xceiver keys) made once per
# case in XC_TMP, removed with it. The agents get XC_AGENT_SEC, xc_run
# adds XC_CTL_SEC; a case may set either (to --plain, to PSK files).
XC_KEYS=$XC_TMP/keys
XC_AGENT_SEC=(--ca "$XC_KEYS/ca.crt" --cert "$XC_KEYS/agent.crt"
	      --key "$XC_KEYS/agent.key")
XC_CTL_SEC=(--ca "$XC_KEYS/ca.crt" --cert "$XC_KEYS/controller.crt"
	    --key "$XC_KEYS/controller.key")

# CLOCK_REALTIME in ns, without a process (bash's EPOCHREALTIME).
xc_now_ns()
{
	local t=${EPOCHREALTIME/[.,]/}

	echo "${t}000"
}

xc_log()
{
	echo "[$XC_NAME] $*" >&2
}

xc_fail()
{
	echo "[$XC_NAME] FAIL: $*" >&2
	XC_FAILS=$((XC_FAILS + 1))
}

xc_fatal()
{
	xc_fail "$*"
	exit 1
}

xc_skip()
{
	echo "[$XC_NAME] SKIP: $*" >&2
	exit $XC_SKIP
}

# ------------------------------------------------------------ cleanup

xc_cleanup()
{
	local rc=$? role

	trap - EXIT INT TERM
	if [ -n "$XC_CTL_PID" ]; then
		kill -TERM "$XC_CTL_PID" 2>/dev/null
		wait "$XC_CTL_PID" 2>/dev/null
	fi
	for role in "${!XC_AGENT_PID[@]}"; do
		xc_agent_kill "$role"
	done
	xc_mbox_kill
	if [ -n "$XC_LAB_ID" ]; then
		"$XC_LAB" down "$XC_LAB_ID" ||
			echo "[$XC_NAME] lab $XC_LAB_ID: down failed" >&2
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne $XC_SKIP ]; then
		xc_dump_logs
	fi
	rm -rf "$XC_TMP"
	exit "$rc"
}

trap xc_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

xc_dump_logs()
{
	local f

	for f in "$XC_TMP"/*.log "$XC_OUT" "$XC_ERR"; do
		[ -s "$f" ] || continue
		echo "---- $(basename "$f") (last 30 lines)" >&2
		tail -n 30 "$f" >&2
	done
}

# ------------------------------------------------------------ setup

xc_require()
{
	[ "$(id -u)" -eq 0 ] || xc_skip "needs root"
	[ -x "$XC_CTL" ] || xc_skip "no controller binary $XC_CTL"
	[ -x "$XC_AGENT" ] || xc_skip "no agent binary $XC_AGENT"
	command -v jq >/dev/null || xc_skip "jq not installed"
}

# shellcheck disable=SC2120
# xc_lab_up [--mid]: create a lab, import its variables (XC_TX_NS, ...).
xc_lab_up()
{
	local out

	out=$("$XC_LAB" up "$@") || xc_fatal "lab.sh up $* failed"
	eval "$out"
	[ -n "$XC_LAB_ID" ] || xc_fatal "lab.sh up printed no XC_LAB_ID"
	if [ -n "${XC_STATE_FILE:-}" ]; then
		echo "$XC_LAB_ID" >>"$XC_STATE_FILE"
	fi
	XC_EP=(--tx "$XC_TX_MGMT:$XC_PORT,dev=$XC_TX_DEV"
	       --rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV")
	xc_log "lab $XC_LAB_ID up"
}

xc_ns_of()
{
	case $1 in
	tx) echo "$XC_TX_NS" ;;
	rx) echo "$XC_RX_NS" ;;
	mid) echo "$XC_MID_NS" ;;
	esac
}

xc_mgmt_of()
{
	case $1 in
	tx) echo "$XC_TX_MGMT" ;;
	rx) echo "$XC_RX_MGMT" ;;
	esac
}

xc_dev_of()
{
	case $1 in
	tx) echo "$XC_TX_DEV" ;;
	rx) echo "$XC_RX_DEV" ;;
	esac
}

# xc_keys: make the case's credentials, once.
xc_keys()
{
	[ -e "$XC_KEYS/ca.crt" ] && return 0
	"$XC_CTL" keys "$XC_KEYS" >"$XC_TMP/keys.out" 2>&1 ||
		xc_fatal "xceiver keys: $(cat "$XC_TMP/keys.out")"
}

# xc_veth_pair A B: a veth pair A-B inside the Tx host, both ends up, no
# addresses (one agent's two interfaces, cabled together).
xc_veth_pair()
{
	ip -n "$XC_TX_NS" link add "$1" type veth peer name "$2" ||
		xc_fatal "cannot create the veth pair $1-$2"
	ip -n "$XC_TX_NS" link set "$1" up
	ip -n "$XC_TX_NS" link set "$2" up
}

xc_port_open()
{
	timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# xc_agent_start tx|rx: start the agent in its host, allowed to use its
# test interface (with XC_AGENT_ARGS added to its command line: --allow
# for any other), wait until its port accepts (at most 10 s).
xc_agent_start()
{
	local role=$1 ns ip pid i

	ns=$(xc_ns_of "$role")
	ip=$(xc_mgmt_of "$role")
	xc_keys
	# Own session: a Ctrl-C on the terminal reaches only this script,
	# which then stops the agents itself.
	# shellcheck disable=SC2086 # XC_AGENT_ARGS: extra words on purpose
	setsid ip netns exec "$ns" "$XC_AGENT" --listen "$ip:$XC_PORT" -v \
		--allow "$(xc_dev_of "$role")" "${XC_AGENT_SEC[@]}" \
		${XC_AGENT_ARGS:-} >"$XC_TMP/agent-$role.log" 2>&1 &
	pid=$!
	XC_AGENT_PID[$role]=$pid
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			xc_fatal "$role agent exited with $? before listening" \
				"on $ip:$XC_PORT"
		fi
		xc_port_open "$ip" "$XC_PORT" && return 0
		sleep 0.1
	done
	xc_fatal "$role agent does not accept on $ip:$XC_PORT after 10 s"
}

xc_agents_start()
{
	xc_agent_start tx
	xc_agent_start rx
}

# xc_agent_sigkill tx|rx: SIGKILL the agent (no cleanup of its own) and
# forget it.
xc_agent_sigkill()
{
	kill -KILL "${XC_AGENT_PID[$1]}"
	wait "${XC_AGENT_PID[$1]}" 2>/dev/null
	unset "XC_AGENT_PID[$1]"
}

xc_agent_alive()
{
	local pid=${XC_AGENT_PID[$1]:-}

	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Wait up to $2 tenths of a second for process $1 to end.
xc_wait_gone()
{
	local pid=$1 i

	for ((i = 0; i < $2; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null
}

# xc_agent_stop tx|rx: SIGTERM; the agent must exit within 5 s with 0.
# xc_term PID WHAT TENTHS: SIGTERM, then wait up to TENTHS/10 s for PID
# to exit. Fails (and kills it) when it does not; else returns 0 with its
# exit status in XC_TERM_RC.
xc_term()
{
	local pid=$1 what=$2 tenths=$3

	kill -TERM "$pid" 2>/dev/null
	if ! xc_wait_gone "$pid" "$tenths"; then
		xc_fail "$what still running $((tenths / 10)) s after SIGTERM"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 1
	fi
	wait "$pid"
	XC_TERM_RC=$?
	return 0
}

xc_agent_stop()
{
	local role=$1 pid=${XC_AGENT_PID[$1]:-} rc

	[ -n "$pid" ] || return 0
	unset "XC_AGENT_PID[$role]"
	xc_term "$pid" "$role agent" 50 || return 1
	rc=$XC_TERM_RC
	if [ $rc -ne 0 ]; then
		xc_fail "$role agent exited with $rc after SIGTERM"
		return 1
	fi
	return 0
}

xc_agents_stop()
{
	local rc=0

	xc_agent_stop tx || rc=1
	xc_agent_stop rx || rc=1
	return $rc
}

# Cleanup path: no checks, just make sure it is gone.
xc_agent_kill()
{
	local pid=${XC_AGENT_PID[$1]:-}

	[ -n "$pid" ] || return 0
	unset "XC_AGENT_PID[$1]"
	kill -TERM "$pid" 2>/dev/null
	xc_wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# xc_xdp_check [tx|rx|mid ...]: fail if an XDP program is attached to an
# interface of those namespaces (default: all of the lab's).
xc_xdp_check()
{
	local role ns progs rc=0

	[ $# -gt 0 ] || set -- tx rx mid
	for role in "$@"; do
		ns=$(xc_ns_of "$role")
		[ -n "$ns" ] || continue
		progs=$(ip -n "$ns" -d link show 2>&1 |
			awk '/^[0-9]+:/ { dev = $2 }
			     /prog\/xdp/ { $1 = $1; print dev, $0 }')
		if [ -n "$progs" ]; then
			xc_fail "XDP program left in $ns: $progs"
			rc=1
		fi
	done
	return $rc
}

# xc_wait_xdp ROLE [gone]: wait up to 10 s until the role's test interface
# has an XDP program (the run is set up), or with "gone" until it has none.
# Returns non-zero on timeout.
xc_wait_xdp()
{
	local role=$1 want=${2:-attached} ns dev i

	ns=$(xc_ns_of "$role")
	[ "$role" = tx ] && dev=$XC_TX_DEV || dev=$XC_RX_DEV
	for ((i = 0; i < 100; i++)); do
		if ip -n "$ns" -d link show "$dev" | grep -q prog/xdp; then
			[ "$want" = attached ] && return 0
		else
			[ "$want" = gone ] && return 0
		fi
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------ controller

# xc_run_bg ARGS...: start "xceiver run ARGS..." in the background.
xc_run_bg()
{
	: >"$XC_OUT"
	: >"$XC_ERR"
	xc_keys
	xc_log "xceiver ${XC_CTL_CMD:-run} $* ${XC_CTL_SEC[*]}"
	timeout -k 5 "$XC_RUN_TIMEOUT" "$XC_CTL" "${XC_CTL_CMD:-run}" "$@" \
		"${XC_CTL_SEC[@]}" \
		>"$XC_OUT" 2>"$XC_ERR" &
	XC_CTL_PID=$!
	XC_RUN_T0=$(date +%s.%N)
}

# xc_run_wait: wait for the background run; exit code in XC_RC, seconds in
# XC_RUN_SECS. Waiting with "wait" keeps SIGTERM from the runner effective.
xc_run_wait()
{
	wait "$XC_CTL_PID"
	XC_RC=$?
	XC_CTL_PID=""
	XC_RUN_SECS=$(awk -v a="$XC_RUN_T0" -v b="$(date +%s.%N)" \
		'BEGIN { printf "%.1f", b - a }')
	xc_log "controller exit $XC_RC after ${XC_RUN_SECS}s"
	[ "$XC_RC" -ne 124 ] ||
		xc_fail "controller did not finish within $XC_RUN_TIMEOUT s"
}

xc_run()
{
	xc_run_bg "$@"
	xc_run_wait
}

xc_ctl_running()
{
	[ -n "$XC_CTL_PID" ] && kill -0 "$XC_CTL_PID" 2>/dev/null
}

# Everything the controller printed.
xc_ctl_text()
{
	cat "$XC_OUT" "$XC_ERR"
}

# xc_jq EXPR [FILE]: one value of the JSON report; "n" turns a missing or
# string-encoded number into a number.
xc_jq()
{
	jq -r "def n: if . == null then 0 else tonumber end; $1" \
		"${2:-$XC_JSON}"
}

# ------------------------------------------------------------ asserts

xc_assert_eq()
{
	local what=$1 want=$2 got=$3

	if [ "$want" != "$got" ]; then
		xc_fail "$what: expected '$want', got '$got'"
		return 1
	fi
	xc_log "ok: $what = $got"
}

xc_assert_le()
{
	local what=$1 got=$2 max=$3

	if ! awk -v a="$got" -v b="$max" 'BEGIN { exit !(a + 0 <= b + 0) }'
	then
		xc_fail "$what: $got exceeds $max"
		return 1
	fi
	xc_log "ok: $what = $got (<= $max)"
}

# xc_assert_rc WANT: the last controller run's exit code.
xc_assert_rc()
{
	if [ "$XC_RC" != "$1" ]; then
		xc_fail "controller exit code: expected $1, got $XC_RC"
		echo "---- controller output" >&2
		xc_ctl_text | tail -n 30 >&2
		return 1
	fi
	xc_log "ok: controller exit $XC_RC"
}

# xc_assert_output REGEX WHAT: the controller's output matches (grep -E -i).
xc_assert_output()
{
	if ! xc_ctl_text | grep -Eiq -- "$1"; then
		xc_fail "$2: controller output does not match /$1/"
		xc_ctl_text | tail -n 10 >&2
		return 1
	fi
	xc_log "ok: $2"
}

xc_assert_agents_alive()
{
	local role

	for role in tx rx; do
		if ! xc_agent_alive "$role"; then
			xc_fail "$role agent died ($1)"
			return 1
		fi
	done
	xc_log "ok: both agents alive ($1)"
}

# xc_assert_clean_stream: single stream delivered completely and intact.
xc_assert_clean_stream()
{
	local count=$1

	xc_assert_eq verdict pass "$(xc_jq '.verdict')"
	xc_assert_eq expected "$count" "$(xc_jq '.rx.rx[0].expected | n')"
	xc_assert_eq delivered "$count" "$(xc_jq '.rx.rx[0].delivered | n')"
	xc_assert_eq missing 0 "$(xc_jq '.rx.rx[0].missing | n')"
	xc_assert_eq corrupt 0 "$(xc_jq '.rx.rx[0].corrupt | n')"
	xc_assert_eq duplicates 0 "$(xc_jq '.rx.rx[0].duplicates | n')"
	xc_assert_eq unexpected 0 "$(xc_jq '.rx.rx[0].unexpected | n')"
}

# xc_end: stop the agents (they must exit cleanly), check that no XDP
# program is left, exit with the case's verdict.
xc_end()
{
	xc_agents_stop && xc_log "ok: agents exited cleanly on SIGTERM"
	xc_xdp_check && xc_log "ok: no XDP program left in the lab"
	if [ "$XC_FAILS" -gt 0 ]; then
		xc_log "$XC_FAILS check(s) failed"
		exit 1
	fi
	exit 0
}

# ------------------------------------------------------------ lab resources

# xc_agent_restart tx|rx: reap a dead (or stop a live) agent, keep its log
# as agent-ROLE.N.log and start a fresh one.
xc_agent_restart()
{
	local role=$1 n=1

	xc_agent_kill "$role"
	while [ -e "$XC_TMP/agent-$role.$n.log" ]; do
		n=$((n + 1))
	done
	[ -e "$XC_TMP/agent-$role.log" ] &&
		mv "$XC_TMP/agent-$role.log" "$XC_TMP/agent-$role.$n.log"
	xc_agent_start "$role"
}

# xc_link_mtu MTU: set the MTU of both ends of the test link (and of the
# middle namespace's ports, when the link runs through it).
# xc_link_quiet: nothing on the direct test link but what the test sends
# (no IPv6, so no router or neighbour solicitations; static neighbours,
# so no ARP).
xc_link_quiet()
{
	local ns dev peer_ip peer_mac role

	for role in tx rx; do
		ns=$(xc_ns_of "$role")
		if [ "$role" = tx ]; then
			dev=$XC_TX_DEV peer_ip=$XC_RX_IP4
			peer_mac=$(ip -n "$XC_RX_NS" -br link show "$XC_RX_DEV" |
				   awk '{ print $3 }')
		else
			dev=$XC_RX_DEV peer_ip=$XC_TX_IP4
			peer_mac=$(ip -n "$XC_TX_NS" -br link show "$XC_TX_DEV" |
				   awk '{ print $3 }')
		fi
		ip netns exec "$ns" sysctl -qw \
			"net.ipv6.conf.$dev.disable_ipv6=1" ||
			xc_fatal "$ns: cannot disable IPv6 on $dev"
		ip -n "$ns" neigh replace "$peer_ip" lladdr "$peer_mac" \
			nud permanent dev "$dev" ||
			xc_fatal "$ns: cannot add a static neighbour"
	done
}

xc_link_mtu()
{
	if [ -n "${XC_MID_NS:-}" ]; then
		ip -n "$XC_MID_NS" link set dev "$XC_MID_TO_TX" mtu "$1" &&
			ip -n "$XC_MID_NS" link set dev "$XC_MID_TO_RX" mtu "$1" ||
			return
	fi
	ip -n "$XC_TX_NS" link set dev "$XC_TX_DEV" mtu "$1" &&
		ip -n "$XC_RX_NS" link set dev "$XC_RX_DEV" mtu "$1"
}

XC_HP_SYSCTL=/proc/sys/vm/nr_hugepages
XC_HP_LOCK=/run/xceiver-lab/.hugepages.lock
XC_HP_HELD=0

# xc_hugepages_reserve N: add N 2 MiB pages to the system's pool (other
# runs may hold some at the same time, so the pool is changed by a delta
# under a lock, never set to an absolute value). XC_HP_HELD: pages this
# process added, which the kernel may have made fewer than N.
xc_hugepages_reserve()
{
	local want=$1 cur got

	[ "$XC_HP_HELD" -eq 0 ] || return 0
	mkdir -p "$(dirname "$XC_HP_LOCK")"
	{
		flock 8
		cur=$(cat "$XC_HP_SYSCTL")
		echo $((cur + want)) >"$XC_HP_SYSCTL" 2>/dev/null
		got=$(cat "$XC_HP_SYSCTL")
		XC_HP_HELD=$((got > cur ? got - cur : 0))
	} 8>"$XC_HP_LOCK"
	xc_log "huge pages: $cur -> $got (added $XC_HP_HELD of $want)"
}

# xc_hugepages_release: give back what xc_hugepages_reserve added. Keeps
# the caller's $? so that it can run in an EXIT trap before xc_cleanup.
xc_hugepages_release()
{
	local rc=$? cur

	[ "$XC_HP_HELD" -gt 0 ] || return $rc
	{
		flock 8
		cur=$(cat "$XC_HP_SYSCTL")
		echo $((cur > XC_HP_HELD ? cur - XC_HP_HELD : 0)) \
			>"$XC_HP_SYSCTL" 2>/dev/null
	} 8>"$XC_HP_LOCK"
	xc_log "huge pages: gave back $XC_HP_HELD"
	XC_HP_HELD=0
	return $rc
}

# ------------------------------------------------------------ middle box

XC_MBOX=$XC_BUILD/tests/xc-mbox
XC_MBOX_PID=""

# xc_mbox_start PLAN STATS [ARGS...]: start xc-mbox (tests/mbox) with the
# plan file PLAN (and ARGS, e.g. --delay-ns D) between the middle
# namespace's links (xc_lab_up --mbox); it writes its counters to STATS
# when stopped. Waits up to 10 s until it forwards.
xc_mbox_start()
{
	local ready=$XC_TMP/mbox.ready i

	rm -f "$ready" "$2"
	setsid ip netns exec "$XC_MID_NS" "$XC_MBOX" --a "$XC_MID_TO_TX" \
		--b "$XC_MID_TO_RX" --plan "$1" --stats "$2" \
		--ready "$ready" "${@:3}" >"$XC_TMP/mbox.log" 2>&1 &
	XC_MBOX_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$ready" ] && return 0
		kill -0 "$XC_MBOX_PID" 2>/dev/null || break
		sleep 0.1
	done
	xc_fatal "xc-mbox did not start: $(tail -n 3 "$XC_TMP/mbox.log")"
}

# xc_mbox_stop: SIGTERM; the box forwards what it still has, writes its
# counters and must exit within 10 s. Returns its exit code (0: the box
# lost no frame itself).
xc_mbox_stop()
{
	local pid=$XC_MBOX_PID

	[ -n "$pid" ] || return 0
	XC_MBOX_PID=""
	xc_term "$pid" xc-mbox 100 || return 1
	return "$XC_TERM_RC"
}

# Cleanup path: no checks.
xc_mbox_kill()
{
	local pid=$XC_MBOX_PID

	[ -n "$pid" ] || return 0
	XC_MBOX_PID=""
	kill -TERM "$pid" 2>/dev/null
	xc_wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
