#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Full-speed figures through one two-namespace lab (make bench, as root).
#
#   1. Full speed: 64, 512 and 1500-byte frames in skb and drv mode,
#      10^6 frames each, and 10^7 frames of 64 bytes in skb mode (memory
#      must stay flat). Per run: Tx Mpps, validated Rx Mpps, missing, CPU
#      seconds per million frames on each side, peak RSS of each agent.
#   2. The 64-byte skb run again with payload validation off.
#   3. Reference: netsniff-ng trafgen sending the same 64-byte frame on
#      the same veth (one CPU; the Rx host drops it at ingress).
#   4. Rate accuracy at 100 kpps, 500 kpps and 1 Mpps (64 bytes, skb).
#
# Prints a table and the ratios, writes BUILD/bench.json. Figures the
# report does not carry yet come from /proc: CPU time from the agents'
# utime + stime around each run (the whole agent, not only its workers),
# peak RSS from VmHWM reset before each run; the *_src fields say which.
# Tx agent, Rx agent and softirq share the machine's cores: compare the
# ratios of one run, not absolute figures across machines.
#
# Environment: BUILD, XC_BENCH_QUICK=1 (10^5 frames, no 10^7 run, short
# rate runs: checks the script, not the figures), XC_BENCH_JSON (output).
# shellcheck source=SCRIPTDIR/integration/lib.sh
. "$(dirname "$0")/integration/lib.sh"

XC_BENCH_DIR=$(cd "$(dirname "$0")/bench" && pwd)
XC_BENCH_OUT=${XC_BENCH_JSON:-$XC_BUILD/bench.json}
XC_ROWS=$XC_TMP/rows.jsonl
XC_TG_PID=""
XC_TG_JSON='null'
XC_ERRORS=0
XC_HZ=$(getconf CLK_TCK)

if [ -n "${XC_BENCH_QUICK:-}" ]; then
	XC_N1=100000
	XC_N2=""
	XC_RATE_SECS=0.5
else
	XC_N1=1000000
	XC_N2=10000000
	XC_RATE_SECS=2
fi

# shellcheck disable=SC2317 # runs from the EXIT trap
xc_bench_cleanup()
{
	local rc=$?

	xc_tg_stop
	(exit "$rc")
	xc_cleanup
}
trap xc_bench_cleanup EXIT

# ------------------------------------------------------------ /proc

xc_agent_pid()
{
	local pid=${XC_AGENT_PID[$1]:-}

	if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = \
		"xceiver-agent" ]; then
		echo "$pid"
		return
	fi
	# ip netns exec forked: look for the agent among its children.
	pgrep -P "$pid" -x xceiver-agent | head -n 1
}

# CPU time (utime + stime) of a process in ns; 0 if unknown.
xc_proc_cpu_ns()
{
	local ticks

	ticks=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' \
		"/proc/$1/stat" 2>/dev/null) || ticks=0
	echo $(( ${ticks:-0} * 1000000000 / XC_HZ ))
}

# Peak RSS since the last reset, kB.
xc_proc_hwm_kb()
{
	awk '/^VmHWM:/ { print $2; f = 1 } END { if (!f) print 0 }' \
		"/proc/$1/status" 2>/dev/null || echo 0
}

xc_proc_hwm_reset()
{
	echo 5 >"/proc/$1/clear_refs" 2>/dev/null
}

# ------------------------------------------------------------ one run

# xc_bench_run KIND NAME MODE SIZE COUNT [ARGS...]: one controller run,
# one JSON line in XC_ROWS, the report kept as XC_TMP/NAME.json. Returns
# 2 if the controller rejected the arguments (exit code 2), 1 on any
# other failure to run.
xc_bench_run()
{
	local kind=$1 name=$2 mode=$3 size=$4 count=$5 role pid
	local -A cpu0=() cpu1=() hwm=()

	shift 5
	for role in tx rx; do
		pid=$(xc_agent_pid "$role")
		xc_proc_hwm_reset "$pid"
		cpu0[$role]=$(xc_proc_cpu_ns "$pid")
	done
	xc_run "${XC_EP[@]}" --mode "$mode" --count "$count" --size "$size" \
		--json "$XC_JSON" -q "$@"
	for role in tx rx; do
		pid=$(xc_agent_pid "$role")
		cpu1[$role]=$(xc_proc_cpu_ns "$pid")
		hwm[$role]=$(xc_proc_hwm_kb "$pid")
	done
	case $XC_RC in
	0|1) ;;
	2)
		xc_log "$name: controller rejected the run:" \
			"$(xc_ctl_text | head -n 1)"
		return 2 ;;
	*)
		xc_fail "$name: controller exit $XC_RC:" \
			"$(xc_ctl_text | tail -n 3)"
		XC_ERRORS=$((XC_ERRORS + 1))
		return 1 ;;
	esac
	cp "$XC_JSON" "$XC_TMP/$name.json"
	jq -c --arg name "$name" --arg kind "$kind" --arg mode "$mode" \
		--argjson size "$size" --argjson count "$count" \
		--argjson ptx $((cpu1[tx] - cpu0[tx])) \
		--argjson prx $((cpu1[rx] - cpu0[rx])) \
		--argjson htx "${hwm[tx]}" --argjson hrx "${hwm[rx]}" \
		-f "$XC_BENCH_DIR/row.jq" "$XC_JSON" >>"$XC_ROWS" ||
		xc_fatal "$name: cannot read the report $XC_JSON"
}

xc_bench_full()
{
	local mode size

	for size in 64 512 1500; do
		for mode in skb drv; do
			xc_bench_run full "full-$size-$mode-$XC_N1" "$mode" \
				"$size" "$XC_N1"
		done
	done
	if [ -n "$XC_N2" ]; then
		xc_bench_run full "full-64-skb-$XC_N2" skb 64 "$XC_N2"
	fi
}

xc_bench_payload_off()
{
	local rc

	xc_bench_run check-off "check-off-64-skb-$XC_N1" skb 64 "$XC_N1" \
		--payload-check off
	rc=$?
	if [ $rc -eq 2 ]; then
		xc_log "validation off: n/a (--payload-check not accepted)"
		echo '{"kind": "check-off", "name": "check-off-64-skb",' \
			'"na": "controller does not accept --payload-check"}' \
			>>"$XC_ROWS"
	fi
}

xc_bench_rates()
{
	local pps count

	for pps in 100000 500000 1000000; do
		count=$(awk -v r=$pps -v s=$XC_RATE_SECS \
			'BEGIN { printf "%d", r * s }')
		xc_bench_run rate "rate-$pps" skb 64 "$count" --rate "$pps"
	done
}

# ------------------------------------------------------------ trafgen

xc_tx_packets()
{
	ip -n "$XC_TX_NS" -s -j link show "$XC_TX_DEV" |
		jq '.[0].stats64.tx.packets'
}

xc_mac_of()
{
	ip -n "$1" -j link show "$2" | jq -r '.[0].address'
}

# The frame of the first 64-byte run as a trafgen config: the addresses
# and ports from the report's spec (MACs from the links if it has none).
xc_tg_config()
{
	local args

	args=$(jq -r --arg smac "$(xc_mac_of "$XC_TX_NS" "$XC_TX_DEV")" \
		--arg dmac "$(xc_mac_of "$XC_RX_NS" "$XC_RX_DEV")" '
		def n: if . == null then 0 else tonumber end;
		def s($d): if . == null or . == "" then $d else . end;
		.spec.streams[0].headers |
		[(.src_mac | s($smac)), (.dst_mac | s($dmac)), .src_ip,
		 .dst_ip, (.udp.src | n), (.udp.dst | n), 64,
		 (if (.ttl | n) > 0 then (.ttl | n) else 64 end),
		 (.dscp | n)] | @tsv' "$XC_BENCH_SPEC") || return 1
	# shellcheck disable=SC2086 # nine words, none empty
	"$XC_BENCH_DIR/trafgen-cfg.sh" $args
}

xc_tg_stop()
{
	[ -n "$XC_TG_PID" ] || return 0
	kill -TERM -- "-$XC_TG_PID" 2>/dev/null
	xc_wait_gone "$XC_TG_PID" 50 || kill -KILL -- "-$XC_TG_PID" 2>/dev/null
	wait "$XC_TG_PID" 2>/dev/null
	XC_TG_PID=""
}

# Rx host: drop the test frames at ingress, before the IP stack, so that
# trafgen's rate is not held back by the receiver's stack.
xc_tg_rx_drop()
{
	ip netns exec "$XC_RX_NS" nft -f - <<-EOF
	table netdev xc_bench {
		chain in {
			type filter hook ingress device "$XC_RX_DEV" priority 0;
			meta l4proto udp counter drop
		}
	}
	EOF
}

# trafgen on one CPU, rate from the Tx interface counter over 1 s of the
# steady state (its start-up is not counted).
xc_bench_trafgen()
{
	local cfg=$XC_TMP/trafgen.cfg c1 c2 t1 t2 drop=none

	if ! command -v trafgen >/dev/null; then
		XC_TG_JSON='{"na": "trafgen not installed"}'
		return
	fi
	if [ ! -s "${XC_BENCH_SPEC:-}" ] || ! xc_tg_config >"$cfg"; then
		XC_TG_JSON='{"na": "no 64-byte run to copy the frame from"}'
		return
	fi
	xc_tg_rx_drop && drop=nft-ingress-drop
	# Own process group: trafgen forks a sender per CPU, and a background
	# job ignores SIGINT; SIGTERM to the group stops them all.
	setsid ip netns exec "$XC_TX_NS" trafgen --dev "$XC_TX_DEV" \
		--conf "$cfg" --cpus 1 --num 0 --no-sock-mem --notouch-irq \
		>"$XC_TMP/trafgen.log" 2>&1 &
	XC_TG_PID=$!
	sleep 0.5
	t1=$(date +%s.%N); c1=$(xc_tx_packets)
	sleep 1
	t2=$(date +%s.%N); c2=$(xc_tx_packets)
	xc_tg_stop
	ip netns exec "$XC_RX_NS" nft delete table netdev xc_bench 2>/dev/null
	if ! [ "$c2" -gt "$c1" ] 2>/dev/null; then
		XC_TG_JSON=$(jq -n \
			--arg log "$(tail -n 2 "$XC_TMP/trafgen.log")" \
			'{ na: ("trafgen sent nothing: " + $log) }')
		return
	fi
	XC_TG_JSON=$(jq -n --argjson c1 "$c1" --argjson c2 "$c2" \
		--argjson t1 "$t1" --argjson t2 "$t2" --arg drop "$drop" \
		'{ frames: ($c2 - $c1), seconds: ($t2 - $t1),
		   tx_mpps: (($c2 - $c1) / ($t2 - $t1) / 1e6),
		   cpus: 1, size: 64, rx_side: $drop }')
	xc_log "trafgen: $XC_TG_JSON"
}

# ------------------------------------------------------------ output

xc_bench_write()
{
	jq -s --argjson tg "$XC_TG_JSON" --arg date "$(date -Is)" \
		--arg kernel "$(uname -r)" --argjson cpus "$(nproc)" \
		-f "$XC_BENCH_DIR/summary.jq" "$XC_ROWS" >"$XC_BENCH_OUT.tmp" &&
		mv "$XC_BENCH_OUT.tmp" "$XC_BENCH_OUT"
}

# The table: bench.json through table.jq, formatted by section.
xc_bench_print()
{
	jq -r -f "$XC_BENCH_DIR/table.jq" "$XC_BENCH_OUT" |
	awk -F'\t' '
	BEGIN { fmt = "%-24s %6s %10s %8s %8s %8s %10s %10s " \
		"%9s %9s %-7s %s\n" }
	function f(x, d) { return x == "n/a" ? x : sprintf("%." d "f", x) }
	function head(t) { if (!(t in seen)) { seen[t] = 1; print ""; return 1 }
			   return 0 }
	$1 == "full" {
		if (head("full")) {
			printf fmt,
				"run", "bytes", "frames", "Tx Mpps", "Rx Mpps",
				"missing", "Tx cpu s/M", "Rx cpu s/M",
				"Tx RSS kB", "Rx RSS kB", "payload", "verdict"
		}
		if (NF == 3) { printf "%-24s %s\n", $2, $3; next }
		printf fmt,
			$2, $4, $5, f($6, 3), f($7, 3), $8, f($9, 3),
			f($10, 3), $11, $12, $13, $14
		cpu = $15; rss = $16
	}
	$1 == "rate" {
		if (head("rate"))
			printf "%-12s %12s %9s %8s  %s\n", "rate pps",
				"achieved", "error %", "missing", "source"
		printf "%-12s %12s %9s %8s  %s\n", f($2, 0), f($3, 0),
			f($4, 3), $5, $6
	}
	$1 == "trafgen" {
		head("trafgen")
		if ($2 == "n/a")
			printf "trafgen reference: n/a (%s)\n", $3
		else
			printf "trafgen reference: %.3f Mpps" \
				" (1 CPU, Rx side: %s)\n",
				$2, $4
	}
	$1 == "ratio" { printf "  %-22s %s\n", $2, f($3, 3) }
	END {
		print ""
		printf "CPU source (Tx/Rx): %s, RSS source: %s\n", cpu, rss
		print "goals: tx_vs_trafgen >= 1.2," \
			" rx_check_on_vs_off >= 0.9," \
			" rss big/small <= 1.1, rate error within 1%, missing 0"
	}'
}

# ------------------------------------------------------------ main

xc_require
mkdir -p "$(dirname "$XC_BENCH_OUT")"
: >"$XC_ROWS"
xc_lab_up
xc_agents_start
xc_bench_full
XC_BENCH_SPEC=$XC_TMP/full-64-skb-$XC_N1.json
xc_bench_payload_off
xc_bench_rates
xc_bench_trafgen
xc_bench_write || xc_fatal "cannot write $XC_BENCH_OUT"
xc_bench_print
echo "report: $XC_BENCH_OUT"
[ "$XC_ERRORS" -eq 0 ] || xc_fail "$XC_ERRORS run(s) did not complete"
xc_end
