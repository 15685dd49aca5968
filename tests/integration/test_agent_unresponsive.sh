#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# An agent that stops answering (SIGSTOP) fails the run within the
# controller's --liveness (2 s) plus a stated margin, with exit 3 and
# "agent ADDR unresponsive for 2 s": once in the middle of the run (the
# Tx agent), once after the Tx agent sent its report with Done (it is
# still needed for the clocks and the release). Without liveness the
# controller would wait for the run's deadline or a reply's.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_LIVE_S=2
XC_MARGIN_S=2	# the deadline check's period (N/8), the release, the exit

# xc_stopped_run WHEN: SIGSTOP the Tx agent when the controller's
# progress shows WHEN, then check how it ends.
xc_stopped_run()
{
	local when=$1 pid=${XC_AGENT_PID[tx]} i t0 secs

	xc_run_bg "${XC_EP[@]}" --mode skb --count 300000 --size 64 \
		--rate 100000 --progress --liveness "$XC_LIVE_S"
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

xc_stopped_run "sent [1-9][0-9]*/300000$"
xc_wait_xdp rx gone || xc_fail "the Rx side was not released"
xc_stopped_run "sent 300000/300000 \\(done\\)"
xc_wait_xdp rx gone || xc_fail "the Rx side was not released"

xc_run "${XC_EP[@]}" --mode skb --count 10000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 10000
xc_end
