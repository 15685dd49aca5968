#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Ctrl-C (SIGINT) to the controller mid-run: it releases both agents, says
# why and exits 3 at once; the agents stay alive with nothing attached.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

xc_require
xc_lab_up
xc_agents_start

"$XC_CTL" run "${XC_EP[@]}" "${XC_CTL_SEC[@]}" --mode skb --count 10000000 \
	--size 64 --rate 100000 >"$XC_OUT" 2>"$XC_ERR" &
pid=$!
sleep 2
kill -0 "$pid" 2>/dev/null || xc_fatal "the run ended before the SIGINT"
kill -INT "$pid"
for ((i = 0; i < 50; i++)); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && xc_fatal "controller still runs 5 s after SIGINT"
wait "$pid"
XC_RC=$?
xc_assert_rc 3
xc_assert_output 'interrupted' "the message says the run was interrupted"
xc_xdp_check rx tx && xc_log "ok: released before exiting"
xc_assert_agents_alive "controller interrupted"
xc_end
