#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The scenario library: every tests/scenarios/*.yaml, run in skb and drv
# mode on one lab with the agents started once. A scenario passes when the
# controller exits 0 with verdict "pass" (its expectations encode what must
# happen), both agents are still alive and no XDP program is left. A
# scenario whose "requires" names hardware the lab lacks is skipped with
# that reason. Multi-buffer scenarios get a 9000-byte MTU on the test link
# (others with frames above 1518 bytes the MTU they need), unaligned and
# huge-page ones get huge pages reserved, both only for their own runs. Prints one PASS/FAIL/SKIP line per scenario and
# mode and a summary; fails if any scenario failed.
#
# Environment: XC_SCENARIOS (names to run, default all), XC_SCENARIO_MODES
# (default "skb drv"), XC_SCENARIO_CAPS (hardware to assume present,
# e.g. "zerocopy nic_rings multi_queue", default: detected),
# XC_SCENARIO_TIMEOUT (seconds per controller run, default 60),
# XC_SCENARIO_LAB (lab.sh up options, e.g. --mid: test_scenarios_bridged).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_SCEN_DIR=$XC_ROOT/tests/scenarios
XC_SCEN_MODES=${XC_SCENARIO_MODES:-skb drv}
XC_RUN_TIMEOUT=${XC_SCENARIO_TIMEOUT:-60}
XC_SCEN_JUMBO_MTU=9000
XC_SCEN_HP_PAGES=256
XC_SCEN_HP_MIN=32
XC_SCEN_SPEC=$XC_TMP/spec.json
XC_SCEN_KNOWN_CAPS="zerocopy nic_rings multi_queue frags_grow xdp_meta huge_pages"
declare -A XC_SCEN_CAP=()
XC_SCEN_PASS=0
XC_SCEN_FAIL=0
XC_SCEN_SKIP=0
XC_SCEN_FAILED=()

trap 'xc_hugepages_release; xc_cleanup' EXIT

xc_scen_result()
{
	local res=$1 what=$2 note=${3:-}

	case $res in
	PASS) XC_SCEN_PASS=$((XC_SCEN_PASS + 1)) ;;
	FAIL) XC_SCEN_FAIL=$((XC_SCEN_FAIL + 1)); XC_SCEN_FAILED+=("$what") ;;
	SKIP) XC_SCEN_SKIP=$((XC_SCEN_SKIP + 1)) ;;
	esac
	printf '%-4s %s%s\n' "$res" "$what" "${note:+ ($note)}"
}

# ------------------------------------------------------------ hardware

xc_scen_dev_of()
{
	case $1 in
	tx) echo "$XC_TX_DEV" ;;
	rx) echo "$XC_RX_DEV" ;;
	esac
}

# Why the lab lacks capability $1 (empty: it has it).
xc_scen_lacks()
{
	local cap=$1 role ns dev drv nq why

	for role in tx rx; do
		ns=$(xc_ns_of "$role")
		dev=$(xc_scen_dev_of "$role")
		case $cap in
		zerocopy)
			drv=$(ip netns exec "$ns" ethtool -i "$dev" 2>/dev/null |
			      sed -n 's/^driver: //p')
			if [ -z "$drv" ] || [ "$drv" = veth ]; then
				echo "driver ${drv:-unknown} of $dev has no AF_XDP zero-copy"
				return
			fi
			;;
		nic_rings)
			if ! ip netns exec "$ns" ethtool -g "$dev" \
				>/dev/null 2>&1; then
				echo "$dev cannot report or set ring sizes (ethtool -g)"
				return
			fi
			;;
		frags_grow)
			drv=$(ip netns exec "$ns" ethtool -i "$dev" 2>/dev/null |
			      sed -n 's/^driver: //p')
			if [ -z "$drv" ] || [ "$drv" = veth ]; then
				echo "driver ${drv:-unknown} of $dev cannot grow a multi-buffer frame (no Rx fragment size)"
				return
			fi
			;;
		xdp_meta)
			# the kernel, not the NIC: the agent loads the program
			why=$(ip netns exec "$ns" "$XC_AGENT" --probe |
			      sed -n 's/^xdp_meta: //p')
			if [ "$why" != yes ]; then
				why=${why#no (}
				echo "${why%)}"
				return
			fi
			;;
		huge_pages)
			if [ ! -w /proc/sys/vm/nr_hugepages ]; then
				echo "huge pages cannot be reserved here"
				return
			fi
			;;
		multi_queue)
			nq=$(ip netns exec "$ns" sh -c \
			     "ls -d /sys/class/net/$dev/queues/rx-* 2>/dev/null" |
			     wc -l)
			if [ "$nq" -lt 2 ]; then
				echo "$dev has $nq Rx queue(s)"
				return
			fi
			;;
		esac
	done
}

# Fill XC_SCEN_CAP[cap] with "" (present) or the reason it is missing.
xc_scen_caps()
{
	local cap

	for cap in $XC_SCEN_KNOWN_CAPS; do
		if [ -n "${XC_SCENARIO_CAPS+x}" ]; then
			if [[ " $XC_SCENARIO_CAPS " == *" $cap "* ]]; then
				XC_SCEN_CAP[$cap]=""
			else
				XC_SCEN_CAP[$cap]="not in XC_SCENARIO_CAPS"
			fi
		else
			XC_SCEN_CAP[$cap]=$(xc_scen_lacks "$cap")
		fi
		xc_log "capability $cap: ${XC_SCEN_CAP[$cap]:-present}"
	done
}

# ------------------------------------------------------------ spec facts

# xc_scen_check FILE: the checked spec as JSON in XC_SCEN_SPEC; on error
# the controller's message on stdout and status 1.
xc_scen_check()
{
	local out

	out=$("$XC_CTL" check "$1" "${XC_EP[@]}" 2>&1) || {
		printf '%s\n' "$out" | tail -n 3
		return 1
	}
	printf '%s\n' "$out" | sed '$d' >"$XC_SCEN_SPEC"
	jq -e . "$XC_SCEN_SPEC" >/dev/null 2>&1 || {
		echo "xceiver check printed no JSON"
		return 1
	}
}

xc_scen_jq()
{
	jq -r "$1" "$XC_SCEN_SPEC"
}

# Largest frame size any stream can produce.
xc_scen_max_frame()
{
	xc_scen_jq '[.streams[] | [.frame_size // 0,
		(.sizes // {} | (.list // [])[], .max // 0,
		 ((.imix // [])[] | .size // 0),
		 (if .standard_imix then 1518 else 0 end))] | max] | max'
}

# Whether either side asks for $1 (an XskConfig bool field).
xc_scen_xsk_any()
{
	[ "$(xc_scen_jq "[.tx.xsk.$1, .rx.xsk.$1] | any")" = true ]
}

# The requirements the lab lacks, as "cap: reason; ...", or empty. Unknown
# names are errors (status 1): a typo must not skip a scenario for good.
xc_scen_missing()
{
	local req out=""

	for req in $(xc_scen_jq '.requires[]?'); do
		if [[ " $XC_SCEN_KNOWN_CAPS " != *" $req "* ]]; then
			echo "unknown requirement '$req' (known: $XC_SCEN_KNOWN_CAPS)"
			return 1
		fi
		[ -n "${XC_SCEN_CAP[$req]}" ] &&
			out="${out:+$out; }needs $req: ${XC_SCEN_CAP[$req]}"
	done
	echo "$out"
}

# ------------------------------------------------------------ one run

xc_scen_show_output()
{
	xc_ctl_text | grep -v '^\s*$' | tail -n 25 | sed 's/^/    | /'
}

# After a run: both agents alive, else restart them (a failure of this
# scenario).
xc_scen_agents_ok()
{
	local what=$1 role ok=0

	for role in tx rx; do
		xc_agent_alive "$role" && continue
		xc_fail "$role agent died during $what"
		tail -n 15 "$XC_TMP/agent-$role.log" 2>/dev/null |
			sed 's/^/    agent | /'
		xc_agent_restart "$role"
		ok=1
	done
	return $ok
}

# Detach what a failed run left on the test link, so that the next
# scenario does not inherit it.
xc_scen_xdp_off()
{
	local role ns dev

	for role in tx rx; do
		ns=$(xc_ns_of "$role")
		dev=$(xc_scen_dev_of "$role")
		ip -n "$ns" link set dev "$dev" xdpgeneric off 2>/dev/null
		ip -n "$ns" link set dev "$dev" xdpdrv off 2>/dev/null
	done
}

# Frames a scenario loses on purpose (the Rx pressure, a ring too small)
# are the receiver's: the test link loses none, so no frame may be put
# between the hosts or left unexplained.
xc_scen_attributed()
{
	local n

	n=$(xc_jq '.forensics.split | (.between_hosts | n) +
		   (.not_attributed | n)')
	[ "$n" = 0 ] ||
		xc_fail "$1: $n missing frames not explained by a counter ($(xc_jq '.forensics.split | tostring'))"
}

# xc_scen_run FILE NAME MODE
xc_scen_run()
{
	local file=$1 mode=$3 what="$2 $3" fails=$XC_FAILS note
	local verdict=""

	rm -f "$XC_JSON"
	xc_run "$file" "${XC_EP[@]}" --mode "$mode" --json "$XC_JSON"
	[ -s "$XC_JSON" ] && verdict=$(xc_jq '.verdict // empty' 2>/dev/null)
	note="exit $XC_RC${verdict:+, verdict $verdict}, ${XC_RUN_SECS}s"
	if [ "$XC_RC" -ne 0 ]; then
		xc_fail "$what: controller exit $XC_RC (want 0)"
	elif [ "$verdict" != pass ]; then
		xc_fail "$what: report verdict '${verdict:-none}' (want pass)"
	fi
	[ -n "$verdict" ] && xc_scen_attributed "$what"
	xc_scen_agents_ok "$what"
	xc_xdp_check tx rx || xc_scen_xdp_off
	# A run that timed out may leave an agent busy: start afresh.
	if [ "$XC_RC" -ge 124 ] || { [ "$XC_RC" -eq 3 ] &&
	   xc_ctl_text | grep -Eiq 'time(d)? ?out'; }; then
		xc_agent_restart tx
		xc_agent_restart rx
	fi
	if [ "$XC_FAILS" -gt "$fails" ]; then
		xc_scen_result FAIL "$what" "$note"
		xc_scen_show_output
	else
		xc_scen_result PASS "$what" "${XC_RUN_SECS}s"
	fi
}

# ------------------------------------------------------------ one scenario

# Resources a scenario needs for its runs; undone by xc_scen_teardown.
# On failure the reason is in XC_SCEN_WHY ("SKIP: ..." for a skip).
XC_SCEN_MTU_SET=0
XC_SCEN_WHY=""

xc_scen_setup()
{
	local what=$1 max mtu

	XC_SCEN_WHY=""
	max=$(xc_scen_max_frame)
	# Multi-buffer: jumbo. Else just what the largest frame needs (frame
	# - 14 Ethernet - 4 FCS): native XDP on veth refuses an MTU above a
	# page unless the program handles fragments.
	mtu=0
	if xc_scen_xsk_any multi_buffer; then
		mtu=$XC_SCEN_JUMBO_MTU
	elif [ "$max" -gt 1522 ]; then
		mtu=$((max - 18))
	fi
	if [ "$mtu" -gt 0 ]; then
		if ! xc_link_mtu "$mtu"; then
			XC_SCEN_WHY="could not set MTU $mtu on the test link"
			return 1
		fi
		XC_SCEN_MTU_SET=1
		xc_log "$what: MTU $mtu"
	fi
	if xc_scen_xsk_any unaligned || xc_scen_xsk_any huge_pages; then
		xc_hugepages_reserve "$XC_SCEN_HP_PAGES"
		if [ "$XC_HP_HELD" -lt "$XC_SCEN_HP_MIN" ]; then
			XC_SCEN_WHY="SKIP: no huge pages (got $XC_HP_HELD of $XC_SCEN_HP_PAGES)"
			return 1
		fi
	fi
}

xc_scen_teardown()
{
	if [ "$XC_SCEN_MTU_SET" -eq 1 ]; then
		xc_link_mtu 1500 || xc_fail "could not restore MTU 1500"
		XC_SCEN_MTU_SET=0
	fi
	xc_hugepages_release
}

xc_scen_wanted()
{
	[ -z "${XC_SCENARIOS:-}" ] && return 0
	[[ " $XC_SCENARIOS " == *" $1 "* ]]
}

xc_scenario()
{
	local file=$1 name base missing why mode

	base=$(basename "$file" .yaml)
	xc_scen_wanted "$base" || return 0
	if ! why=$(xc_scen_check "$file"); then
		xc_fail "$base: spec does not check: $why"
		xc_scen_result FAIL "$base" "bad spec: $(echo "$why" | tail -n 1)"
		return
	fi
	name=$(xc_scen_jq '.name')
	if [ "$name" != "$base" ]; then
		xc_fail "$base: name '$name' is not the file name"
		xc_scen_result FAIL "$base" "name '$name' differs from the file"
		return
	fi
	if ! missing=$(xc_scen_missing); then
		xc_fail "$base: $missing"
		xc_scen_result FAIL "$base" "$missing"
		return
	fi
	if [ -n "$missing" ]; then
		for mode in $XC_SCEN_MODES; do
			xc_scen_result SKIP "$base $mode" "$missing"
		done
		return
	fi
	if ! xc_scen_setup "$base"; then
		why=$XC_SCEN_WHY
		xc_scen_teardown
		for mode in $XC_SCEN_MODES; do
			if [[ $why == SKIP:* ]]; then
				xc_scen_result SKIP "$base $mode" "${why#SKIP: }"
			else
				xc_fail "$base: $why"
				xc_scen_result FAIL "$base $mode" "$why"
			fi
		done
		return
	fi
	for mode in $XC_SCEN_MODES; do
		xc_scen_run "$file" "$base" "$mode"
	done
	xc_scen_teardown
}

# ------------------------------------------------------------ main

xc_require
compgen -G "$XC_SCEN_DIR/*.yaml" >/dev/null ||
	xc_skip "no scenarios in $XC_SCEN_DIR"
# shellcheck disable=SC2086
xc_lab_up ${XC_SCENARIO_LAB:-}
xc_scen_caps
xc_agents_start
t0=$SECONDS
for f in "$XC_SCEN_DIR"/*.yaml; do
	xc_scenario "$f"
done
echo "scenarios: $XC_SCEN_PASS passed, $XC_SCEN_FAIL failed," \
	"$XC_SCEN_SKIP skipped in $((SECONDS - t0)) s"
[ ${#XC_SCEN_FAILED[@]} -eq 0 ] ||
	echo "failed: ${XC_SCEN_FAILED[*]}"
xc_end
