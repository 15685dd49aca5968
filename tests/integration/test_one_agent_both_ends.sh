#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# One server with two ports cabled together: a single agent serves the Tx
# end and the Rx end at once, on two interfaces of its host (a veth pair
# inside the Tx namespace, no IP addresses on it).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

xc_require
xc_lab_up
a=xca-$XC_LAB_ID
b=xcb-$XC_LAB_ID
xc_veth_pair "$a" "$b"
XC_AGENT_ARGS="--allow $a --allow $b" xc_agent_start tx

ep="$XC_TX_MGMT:$XC_PORT"
for mode in skb drv; do
	xc_run --tx "$ep,dev=$a" --rx "$ep,dev=$b" --mode $mode \
		--count 50000 --size 64 --rate 100000 --json "$XC_JSON"
	xc_assert_rc 0
	xc_assert_clean_stream 50000
done
xc_agent_stop tx && xc_log "ok: agent exited cleanly"
xc_xdp_check tx
[ "$XC_FAILS" -eq 0 ] || exit 1
exit 0
