#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Full-speed figures through a two-namespace lab: 10^6 frames of 64 bytes,
# no rate limit, skb mode (XC_MODE overrides; extra arguments go to
# "xceiver run"). Prints Tx and validated Rx rates and the loss, writes
# the report to BUILD/bench.json. Both agents and softirq share the same
# cores: compare figures of one machine, not absolute numbers.
# shellcheck source=SCRIPTDIR/integration/lib.sh
. "$(dirname "$0")/integration/lib.sh"

COUNT=1000000

# Tx Mpps = sent / tx_elapsed, Rx Mpps = delivered / rx_elapsed.
xc_table()
{
	jq -r 'def n: if . == null then 0 else tonumber end;
		[([.tx.tx[]?.sent | n] | add // 0),
		 (.tx.tx_elapsed_ns | n),
		 ([.rx.rx[]?.delivered | n] | add // 0),
		 (.rx.rx_elapsed_ns | n),
		 ([.rx.rx[]?.missing | n] | add // 0), .verdict] | @tsv' "$1" |
	awk -F'\t' '
	function mpps(f, ns) { return ns > 0 ? f * 1000 / ns : 0 }
	{
		printf "%-10s %10s %10s %8s\n", "", "frames", "seconds", "Mpps"
		printf "%-10s %10d %10.3f %8.3f\n", "Tx sent", $1, $2 / 1e9,
			mpps($1, $2)
		printf "%-10s %10d %10.3f %8.3f\n", "Rx valid", $3, $4 / 1e9,
			mpps($3, $4)
		printf "%-10s %10d %9.3f%%\n", "missing", $5,
			($1 > 0 ? $5 * 100 / $1 : 0)
		printf "%-10s %10s\n", "verdict", $6
	}'
}

xc_require
xc_lab_up
xc_agents_start
xc_run "${XC_EP[@]}" --mode "${XC_MODE:-skb}" --count $COUNT --size 64 \
	--json "$XC_JSON" -q "$@"
case $XC_RC in
0|1) ;;
*) xc_fatal "controller exit $XC_RC: $(xc_ctl_text | tail -n 5)" ;;
esac
mkdir -p "$XC_BUILD"
cp "$XC_JSON" "$XC_BUILD/bench.json"
xc_table "$XC_JSON"
echo "report: $XC_BUILD/bench.json"
xc_end
