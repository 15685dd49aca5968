#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# An agent that stops answering (SIGSTOP) fails the run within the
# controller's --liveness (2 s) plus a stated margin, with exit 3 and
# "agent ADDR unresponsive for 2 s": once in the middle of the run (the
# Tx agent), once after the Tx agent finished sending and said Done while
# the other direction still runs (it still owes its report). Without
# liveness the controller would wait for the run's deadline or a reply's.
# (An agent stopped once it has answered everything, Released included,
# is needed no more: that run passes.)
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_LIVE_S=2
XC_MARGIN_S=2	# the deadline check's period (N/8), the release, the exit

# xc_stopped_run WHEN RUN-ARGS...: SIGSTOP the Tx agent when the
# controller's progress shows WHEN, then check how it ends.
xc_stopped_run()
{
	local when=$1 pid=${XC_AGENT_PID[tx]} i t0 secs

	shift
	xc_run_bg "$@" "${XC_EP[@]}" --mode skb --progress \
		--liveness "$XC_LIVE_S"
	for ((i = 0; i < 200; i++)); do
		grep -Eq -- "$when" "$XC_ERR" && break
		sleep 0.05
	done
	grep -Eq -- "$when" "$XC_ERR" || xc_fatal "the run never showed '$when'"
	xc_log "SIGSTOP to the tx agent (progress: $when)"
	kill -STOP "$pid"
	t0=$(date +%s.%N)
	xc_run_wait
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" \
		'BEGIN { printf "%.1f", b - a }')
	kill -CONT "$pid"
	xc_assert_rc 3
	xc_assert_le "seconds from SIGSTOP to the controller's exit" "$secs" \
		$((XC_LIVE_S + XC_MARGIN_S))
	xc_assert_output "tx agent $XC_TX_MGMT:$XC_PORT unresponsive for $XC_LIVE_S s" \
		"the failure names the agent and the liveness time"
}

xc_require
xc_lab_up
xc_agents_start

xc_stopped_run "sent [1-9][0-9]*/300000$" --count 300000 --size 64 \
	--rate 100000
xc_wait_xdp rx gone || xc_fail "the Rx side was not released"

# stream 1 half a second out, stream 2 four seconds back
cat >"$XC_TMP/two-way.yaml" <<'SPEC'
streams:
  - {id: 1, count: 50000, rate_pps: 100000}
  - {id: 2, count: 400000, rate_pps: 100000, direction: rx_to_tx}
SPEC
xc_stopped_run "tx: sent 50000/50000 \\(done\\)" "$XC_TMP/two-way.yaml"
xc_wait_xdp rx gone || xc_fail "the Rx side was not released"

xc_run "${XC_EP[@]}" --mode skb --count 10000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 10000
xc_end
