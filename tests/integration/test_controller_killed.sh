#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The controller dies mid-run (SIGKILL: no goodbye). Both agents notice the
# lost connection, detach their XDP program and free their sockets, stay
# alive, and serve the next run on the same queues.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

xc_require
xc_lab_up
xc_agents_start

"$XC_CTL" run "${XC_EP[@]}" "${XC_CTL_SEC[@]}" --mode drv --count 10000000 \
	--size 64 --rate 100000 >"$XC_OUT" 2>"$XC_ERR" &
pid=$!
xc_wait_xdp rx
sleep 1
kill -0 "$pid" 2>/dev/null || xc_fatal "the run ended before the SIGKILL"
xc_log "SIGKILL to the controller"
kill -KILL "$pid"
wait "$pid" 2>/dev/null

xc_wait_xdp rx gone
xc_xdp_check rx && xc_log "ok: rx agent detached its program at once"
xc_assert_agents_alive "controller killed"

xc_run "${XC_EP[@]}" --mode drv --count 20000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 20000
xc_end
