#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The agent runs with the capabilities its systemd unit gives it and
# nothing more (deploy/systemd/xceiver-agent@.service, docs/DEPLOY.md):
# both agents as an unprivileged user (nobody) with exactly the unit's
# AmbientCapabilities, a bounding set of the same and no new privileges.
# Runs in skb and drv mode deliver every frame, with every host counter
# read, and SCHED_FIFO workers (rt=N) start. Then each capability in turn
# is taken away, and the run that needs it fails with the reason: the set
# holds nothing a run does not need. The set has no CAP_SYS_ADMIN.
#
# The UMEM is charged to the user's RLIMIT_MEMLOCK (the unit sets it
# unlimited). Where this host cannot raise it (no CAP_SYS_RESOURCE), the
# runs use UMEMs that fit the limit.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

UNIT=$XC_ROOT/deploy/systemd/xceiver-agent@.service
XC_REAL_AGENT=$XC_AGENT
XC_AGENT=$XC_TMP/agent-caps.sh
NOBODY=65534
# A UMEM of 2 MiB a side when memlock is limited: 1024 chunks of 2048
# bytes (64-byte frames fit) give the rings twice the depth that 4096-byte
# chunks would, 5 ms of the receiver's stall at the run's rate.
CHUNKS=1024
CHUNK_SIZE=2048
COUNT=100000

# xc_unit_caps KEY: the unit's capabilities under KEY, lower case, no
# CAP_ prefix, one line.
xc_unit_caps()
{
	sed -n "s/^$1=//p" "$UNIT" | tr '[:upper:]' '[:lower:]' |
		sed 's/cap_//g'
}

# xc_wrap CAP...: the agent as nobody with exactly these capabilities.
xc_wrap()
{
	local set=-all c

	for c in "$@"; do
		set+=",+$c"
	done
	cat >"$XC_AGENT" <<-EOF
	#!/bin/bash
	ulimit -l unlimited 2>/dev/null
	exec setpriv --reuid $NOBODY --regid $NOBODY --clear-groups \\
		--no-new-privs --bounding-set $set --inh-caps $set \\
		--ambient-caps $set "$XC_REAL_AGENT" "\$@"
	EOF
	chmod +x "$XC_AGENT"
}

# xc_spec FILE: a small run, with UMEMs the memlock limit holds.
xc_spec()
{
	local xsk="" n=$CHUNKS

	[ "$(ulimit -l)" = unlimited ] ||
		xsk="{ num_chunks: $n, chunk_size: $CHUNK_SIZE, fill_size: $n, rx_size: $n }"
	cat >"$1" <<-EOF
	${xsk:+tx:
	  xsk: $xsk
	rx:
	  xsk: $xsk}
	streams:
	  - id: 1
	    count: $COUNT
	    frame_size: 64
	    rate_pps: 200000
	EOF
}

# xc_caps_run MODE [EP-OPTS]: restart both agents and run.
xc_caps_run()
{
	xc_agent_restart tx
	xc_agent_restart rx
	xc_run "$XC_TMP/spec.yaml" \
		--tx "$XC_TX_MGMT:$XC_PORT,dev=$XC_TX_DEV${2:-}" \
		--rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV${2:-}" \
		--mode "$1" --json "$XC_JSON"
}

# xc_check_agent: the Rx agent runs as nobody with exactly the set (the
# wrapper and setpriv exec it: its pid is the one started).
xc_check_agent()
{
	local st=/proc/${XC_AGENT_PID[rx]}/status want c

	want=$(for c in $CAPS; do echo "cap_$c"; done | sort | paste -sd,)
	xc_assert_eq "agent process" xceiver-agent \
		"$(awk '/^Name:/ { print $2 }' "$st")"
	xc_assert_eq "agent uid" "$NOBODY" "$(awk '/^Uid:/ { print $3 }' "$st")"
	xc_assert_eq "agent's effective capabilities" "$want" \
		"$(capsh --decode="$(awk '/^CapEff:/ { print $2 }' "$st")" |
		   sed 's/.*=//' | tr , '\n' | sort | paste -sd,)"
}

# xc_needs CAP MODE EP-OPTS REGEX: without CAP the run fails saying REGEX.
xc_needs()
{
	local cap=$1 c keep=()

	for c in $CAPS; do
		[ "$c" = "$cap" ] || keep+=("$c")
	done
	xc_wrap "${keep[@]}"
	xc_caps_run "$2" "$3"
	xc_assert_rc 3
	xc_assert_output "$4" "without cap_$cap: $4"
}

CAPS=$(xc_unit_caps AmbientCapabilities)
# shellcheck disable=SC2086 # one word a capability
xc_wrap $CAPS
xc_require
command -v setpriv >/dev/null || xc_skip "setpriv not installed (util-linux)"
command -v capsh >/dev/null || xc_skip "capsh not installed (libcap2-bin)"
setpriv --reuid $NOBODY --regid $NOBODY --clear-groups \
	test -x "$XC_REAL_AGENT" ||
	xc_skip "user $NOBODY cannot run $XC_REAL_AGENT" \
		"(a build directory it cannot reach)"
xc_assert_eq "the unit's bounding set is its ambient set" "$CAPS" \
	"$(xc_unit_caps CapabilityBoundingSet)"
if grep -qw sys_admin <<<"$CAPS"; then
	xc_fail "the unit gives CAP_SYS_ADMIN"
fi
xc_log "the unit's capabilities: $CAPS"
ulimit -l unlimited 2>/dev/null ||
	xc_log "memlock limited to $(ulimit -l) KiB here:" \
		"UMEMs of $CHUNKS chunks of $CHUNK_SIZE bytes"
xc_spec "$XC_TMP/spec.yaml"
# the agent's credentials belong to its user, as the unit's do
xc_keys
chmod o+x "$XC_TMP"
install -d -o $NOBODY -m 0700 "$XC_TMP/agent-keys"
for f in ca.crt agent.crt agent.key; do
	install -o $NOBODY -m 0600 "$XC_KEYS/$f" "$XC_TMP/agent-keys/$f"
done
XC_AGENT_SEC=(--ca "$XC_TMP/agent-keys/ca.crt"
	      --cert "$XC_TMP/agent-keys/agent.crt"
	      --key "$XC_TMP/agent-keys/agent.key")
xc_lab_up
xc_agents_start

for mode in skb drv; do
	xc_caps_run $mode
	xc_assert_rc 0
	xc_assert_clean_stream $COUNT
	xc_assert_eq "$mode: host counters not read" "" \
		"$(xc_jq '[.tx.timeline.unread[]?, .rx.timeline.unread[]?] |
			join("; ")')"
	xc_assert_eq "$mode: XDP counters read" false \
		"$(xc_jq '.rx.xdp_stats_unread // false')"
	xc_check_agent
done
xc_caps_run drv ",rt=10"
xc_assert_rc 0
xc_assert_eq "workers at SCHED_FIFO (rt=10)" fifo "$(xc_jq '.rx.worker_sched')"

xc_needs bpf skb "" "cannot load the XDP program: Operation not permitted"
xc_needs perfmon skb "" "cannot load the XDP program: Permission denied"
xc_needs net_admin skb "" "cannot load the XDP program: Operation not permitted"
xc_needs net_raw skb "" "cannot register a UMEM .*: Operation not permitted"
xc_needs sys_nice skb ",rt=10" \
	"cannot start the rx worker of queue 0 with SCHED_FIFO"
xc_end
