#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Full speed through the lab veth, where frames may vanish: the run ends
# (never hangs), and whatever the verdict, the accounting is exact: every
# expected frame is delivered, corrupt or missing, the missing ranges add up
# to the missing count, and the verdict fails if and only if a frame is
# missing.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=1000000

xc_require
xc_lab_up
xc_agents_start
xc_run "${XC_EP[@]}" --mode skb --count $COUNT --size 64 --json "$XC_JSON"
[ "$XC_RC" = 0 ] || [ "$XC_RC" = 1 ] ||
	xc_fatal "full-speed run exited $XC_RC: $(xc_ctl_text | tail -n 3)"

delivered=$(xc_jq '.rx.rx[0].delivered | n')
missing=$(xc_jq '.rx.rx[0].missing | n')
corrupt=$(xc_jq '.rx.rx[0].corrupt | n')
xc_assert_eq "delivered + missing + corrupt" $COUNT \
	$((delivered + missing + corrupt))
xc_assert_eq "sent" $COUNT "$(xc_jq '.tx.tx[0].sent | n')"
if [ "$(xc_jq '.rx.rx[0].missing_range_count | n')" -le 1024 ]; then
	xc_assert_eq "sum of missing ranges" "$missing" \
		"$(xc_jq '[.rx.rx[0].missing_ranges[]? |
			(.last | n) - (.first | n) + 1] | add // 0')"
fi
if [ "$missing" -gt 0 ]; then
	xc_assert_rc 1
	xc_assert_output 'missing' "the failed verdict names the missing frames"
else
	xc_assert_rc 0
fi
xc_log "full speed: delivered $delivered, missing $missing"
xc_end
