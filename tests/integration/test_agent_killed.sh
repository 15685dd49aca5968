#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# SIGKILL to the Rx agent mid-run: it gets no chance to clean up, yet its
# XDP program goes with it (attached through a BPF link, which the kernel
# drops with the process). The controller reports the lost agent (exit 3),
# and a new agent serves the next run on the same interface.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

xc_require
xc_lab_up
xc_agents_start
xc_run_bg "${XC_EP[@]}" --mode drv --count 10000000 --size 64 \
	--rate 100000 --json "$XC_JSON"
xc_wait_xdp rx
sleep 1
xc_ctl_running || xc_fatal "the run ended before the SIGKILL"
xc_log "SIGKILL to the rx agent"
xc_agent_sigkill rx

xc_wait_xdp rx gone
xc_xdp_check rx && xc_log "ok: the kernel detached the killed agent's program"
xc_run_wait
xc_assert_rc 3
xc_assert_output 'rx agent' "the message names the lost agent"

xc_agent_start rx
xc_run "${XC_EP[@]}" --mode drv --count 20000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 20000
xc_end
