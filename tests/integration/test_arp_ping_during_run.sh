#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# While a run of about 3 s is on the test link, ARP and ICMP between the
# hosts keep working (the XDP filter passes what is not a test frame), and
# the run still passes.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=600000

xc_require
command -v ping >/dev/null || xc_skip "ping not installed (iputils-ping)"
xc_lab_up
xc_agents_start
ip -n "$XC_TX_NS" neigh flush dev "$XC_TX_DEV"
ip -n "$XC_RX_NS" neigh flush dev "$XC_RX_DEV"
xc_run_bg "${XC_EP[@]}" --mode skb --count $COUNT --size 64 --rate 200000 \
	--json "$XC_JSON"

xc_wait_xdp rx
sleep 0.3
xc_ctl_running || xc_fail "the run ended before the ping started"
ip -n "$XC_TX_NS" neigh flush dev "$XC_TX_DEV"
if ip netns exec "$XC_TX_NS" ping -c 3 -W 1 "$XC_RX_IP4" >"$XC_TMP/ping.log"
then
	xc_log "ok: ping during the run"
else
	xc_fail "ping $XC_RX_IP4 during the run:" \
		"$(tail -n 2 "$XC_TMP/ping.log")"
fi
neigh=$(ip -n "$XC_TX_NS" neigh show "$XC_RX_IP4" dev "$XC_TX_DEV")
if grep -Eq 'REACHABLE|STALE|DELAY|PROBE' <<<"$neigh"; then
	xc_log "ok: neighbour entry: $neigh"
else
	xc_fail "no resolved neighbour entry for $XC_RX_IP4: '$neigh'"
fi
xc_ctl_running || xc_log "note: the run ended before the ping finished"
xc_run_wait
xc_assert_rc 0
xc_assert_clean_stream $COUNT
xc_end
