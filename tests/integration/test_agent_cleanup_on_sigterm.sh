#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# SIGTERM to the Rx agent in the middle of a long run: the agent exits
# within 5 s and detaches its XDP program; the controller reports the lost
# agent with exit code 3 instead of hanging; the Tx agent releases too.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

xc_require
xc_lab_up
xc_agents_start
xc_run_bg "${XC_EP[@]}" --mode skb --count 10000000 --size 64 \
	--rate 100000 --json "$XC_JSON"

xc_wait_xdp rx
sleep 1
if ! xc_ctl_running; then
	xc_run_wait
	xc_fatal "the run ended (exit $XC_RC) before the SIGTERM"
fi
xc_log "SIGTERM to the rx agent"
xc_agent_stop rx && xc_log "ok: rx agent exited cleanly within 5 s"
xc_xdp_check rx

# The controller notices within its reply timeout (10 s by default).
for ((i = 0; i < 200; i++)); do
	xc_ctl_running || break
	sleep 0.1
done
if xc_ctl_running; then
	xc_fail "controller still running 20 s after the rx agent exited"
	kill -TERM "$XC_CTL_PID"
fi
xc_run_wait
xc_assert_rc 3
[ -s "$XC_OUT" ] || [ -s "$XC_ERR" ] ||
	xc_fail "controller exited 3 without a message"
xc_assert_output 'rx|agent|198\.19\.' "message names the lost agent"

# The Tx agent released the run when the controller left.
sleep 1
xc_agent_alive tx || xc_fail "tx agent died with the run"
xc_xdp_check tx
xc_end
