#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Full-speed figures through one two-namespace lab (make bench, as root).
#
#   1. Full speed: 64, 512 and 1500-byte frames in skb and drv mode,
#      10^6 frames each, and 10^7 frames of 64 bytes in skb mode (memory
#      must stay flat). Per run: Tx Mpps, validated Rx Mpps, missing, CPU
#      seconds per million frames on each side, peak RSS of each agent.
#   2. Paired rounds, XC_BENCH_REPS of them (default 11), each one back to
#      back (even rounds in the reverse order), short runs so that a round
#      takes a few seconds:
#      - xceiver, 64 B skb, 3 x 10^5 frames, --payload-check off;
#      - the same with the payload check on (all);
#      - the same with the check on and the frames not timed
#        (--no-latency): what one-way latency costs the receiver;
#      - netsniff-ng trafgen (one CPU) into xc-xskref rx, the receiver
#        kind xceiver has (0.4 s of its steady state);
#      - bare AF_XDP: xc-xskref tx (txonly, 0.4 s after a 0.2 s warm-up)
#        into xc-xskref rx (rxdrop).
#      Every round's figures are kept. The ratios tx_vs_trafgen,
#      tx_vs_bare_afxdp, rx_check_on_vs_off and rx_latency_on_vs_off are
#      the medians of the
#      ratios within each round that ran (a round whose reference cannot
#      run is n/a for that reference); the ratios of the medians are kept
#      too. This host's speed moves by tens of percent for seconds at a
#      time: runs seconds apart see the same host, runs in different
#      rounds may not.
#   3. Rate accuracy at 100 kpps, 500 kpps and 1 Mpps (64 bytes, skb, 0.5 s
#      each), XC_BENCH_RATE_REPS rounds (default 7), each rate run between
#      two full-speed runs. The goal is for rates the data path can reach:
#      a rate waits for a full-speed run that reached 1.05 x the rate (up
#      to 8 full-speed runs, then it runs anyway), and it counts towards
#      the 1% goal in a round when the full-speed run after it reached
#      that too. The error of every round is printed as well.
#   4. trafgen into an nft ingress drop (cheaper than any AF_XDP receiver;
#      a second, labelled reference, one run).
#   The references send the frame of the first 64-byte skb run.
#
# Pinning, with two CPUs or more: the sending worker on CPU 0, the
# receiving one on CPU 1, for everything: the agents' Tx / Rx workers
# (cpus= of --tx / --rx), xc-xskref tx / rx (--cpu), trafgen's sender
# (trafgen --cpus 1 pins its one sender to CPU 0 itself; checked, and
# moved there if a trafgen does otherwise). With one CPU: no pinning.
#
# Prints a table and the ratios, writes BUILD/bench.json. Figures the
# report does not carry yet come from /proc: CPU time from the agents'
# utime + stime around each run (the whole agent, not only its workers),
# peak RSS from VmHWM reset before each run; the *_src fields say which.
# Tx agent, Rx agent and softirq share the machine's cores: compare the
# ratios of one run, not absolute figures across machines.
#
# Environment: BUILD, XC_BENCH_QUICK=1 (10^5 frames, no 10^7 run, short
# rate runs, one paired round and one rate round: checks the script, not
# the figures), XC_BENCH_REPS (paired rounds; default 11),
# XC_BENCH_RATE_REPS (rate rounds; default 7),
# XC_BENCH_LAB_ID (lab id to use; default: lab.sh picks one),
# XC_BENCH_JSON (output).
# shellcheck source=SCRIPTDIR/integration/lib.sh
. "$(dirname "$0")/integration/lib.sh"

XC_BENCH_DIR=$(cd "$(dirname "$0")/bench" && pwd)
XC_BENCH_OUT=${XC_BENCH_JSON:-$XC_BUILD/bench.json}
XC_ROWS=$XC_TMP/rows.jsonl
XC_TG_PID=""
XC_REFS=$XC_TMP/refs.jsonl
XC_ORDER=$XC_TMP/order.jsonl
XC_RATE_CTX=$XC_TMP/rate-ctx.jsonl
XC_PROBE_MPPS=null
XC_TG_NFT_JSON='null'
XC_XSKREF=$XC_BUILD/tests/xc-xskref
XC_REF_RX_PID=""
XC_REF_TX_PID=""
XC_REF_HEX=""
XC_REF_WHY=""
XC_REF_OUT='null'
XC_REF_RX='null'
XC_REF_NA=""
XC_ERRORS=0
XC_TX_CPU=""
XC_RX_CPU=""
XC_REF_TX_PIN=()
XC_REF_RX_PIN=()
XC_PIN_JSON='null'
XC_HZ=$(getconf CLK_TCK)

if [ -n "${XC_BENCH_QUICK:-}" ]; then
	XC_N1=100000
	XC_N2=""
	XC_PAIR_N=100000
	XC_PROBE_N=100000
	XC_REF_SECS=0.3
	XC_REPS=${XC_BENCH_REPS:-1}
	XC_RATE_REPS=${XC_BENCH_RATE_REPS:-1}
	XC_RATE_TRIES=2
else
	XC_N1=1000000
	XC_N2=10000000
	XC_PAIR_N=300000
	XC_PROBE_N=300000
	XC_REF_SECS=0.4
	XC_REPS=${XC_BENCH_REPS:-11}
	XC_RATE_REPS=${XC_BENCH_RATE_REPS:-7}
	XC_RATE_TRIES=8
fi
XC_RATE_SECS=0.5
# A rate counts towards the goal in a round when the full-speed runs just
# before and after it both reached it with this much to spare.
XC_RATE_HEADROOM=1.05

# shellcheck disable=SC2317 # runs from the EXIT trap
xc_bench_cleanup()
{
	local rc=$?

	xc_job_stop XC_TG_PID
	xc_job_stop XC_REF_TX_PID
	xc_job_stop XC_REF_RX_PID
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
# one JSON line in XC_ROWS (with the fields of the JSON object
# XC_ROW_EXTRA added), the report kept as XC_TMP/NAME.json. Returns 2 if
# the controller rejected the arguments (exit code 2), 1 on any other
# failure to run.
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
		--argjson extra "${XC_ROW_EXTRA:-"{}"}" \
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

# xc_bench_probe ROUND TAG: a full-speed run (64 B, skb) next to the rate
# runs; its Tx Mpps in XC_PROBE_MPPS (null if it did not run).
xc_bench_probe()
{
	local XC_ROW_EXTRA="{\"round\": $1, \"probe\": \"$2\"}"

	XC_PROBE_MPPS=null
	xc_bench_run probe "probe-$1-$2" skb 64 "$XC_PROBE_N" || return 0
	XC_PROBE_MPPS=$(tail -n 1 "$XC_ROWS" | jq '.tx_mpps // null')
}

# xc_fast_for PPS: the last probe reached XC_RATE_HEADROOM x PPS.
xc_fast_for()
{
	awk -v m="$XC_PROBE_MPPS" -v p="$1" -v h="$XC_RATE_HEADROOM" \
		'BEGIN { exit !(m != "null" && m * 1e6 >= h * p) }'
}

# Rate accuracy: XC_RATE_REPS rounds of 100 kpps, 500 kpps and 1 Mpps,
# each rate run between two full-speed runs. The machine's speed moves: a
# rate above what the data path reaches at that moment falls short. So
# when the full-speed run before a rate fell below XC_RATE_HEADROOM x the
# rate, up to XC_RATE_TRIES full-speed runs in all are made, until one
# reaches it; the rate runs after the last of them either way. A rate
# counts towards the goal in a round when the full-speed runs just before
# and after it both reached XC_RATE_HEADROOM x the rate (summary.jq); every
# round is kept. Each rate run's neighbours go to XC_RATE_CTX.
xc_bench_rates()
{
	local pps count r try before XC_ROW_EXTRA

	for ((r = 1; r <= XC_RATE_REPS; r++)); do
		xc_bench_probe "$r" start
		for pps in 100000 500000 1000000; do
			for ((try = 1; try < XC_RATE_TRIES; try++)); do
				xc_fast_for "$pps" && break
				xc_bench_probe "$r" "wait-$pps-$try"
			done
			before=$XC_PROBE_MPPS
			count=$(awk -v r=$pps -v s=$XC_RATE_SECS \
				'BEGIN { printf "%d", r * s }')
			XC_ROW_EXTRA="{\"round\": $r}"
			xc_bench_run rate "rate-$pps-$r" skb 64 "$count" \
				--rate "$pps"
			xc_bench_probe "$r" "after-$pps"
			jq -nc --arg name "rate-$pps-$r" --argjson b "$before" \
				--argjson a "$XC_PROBE_MPPS" --argjson t "$try" \
				'{ name: $name, full_mpps_before: $b,
				   full_mpps_after: $a, full_runs_before: $t }' \
				>>"$XC_RATE_CTX"
		done
	done
}

# ------------------------------------------------------------ pinning

# xc_bench_pinning: with two CPUs or more, every sender on CPU 0 and every
# receiver on CPU 1 (XC_EP, XC_REF_*_PIN, XC_TX_CPU); the record in
# XC_PIN_JSON.
xc_bench_pinning()
{
	local ncpu xc="cpus= of --tx / --rx (the agents' Tx / Rx worker)"

	ncpu=$(nproc)
	if [ "$ncpu" -lt 2 ]; then
		XC_PIN_JSON=$(jq -nc --argjson n "$ncpu" '{ tx_cpu: null,
			rx_cpu: null, none: "\($n) CPU: nothing pinned" }')
		xc_log "pinning: none ($ncpu CPU)"
		return
	fi
	XC_TX_CPU=0
	XC_RX_CPU=1
	XC_REF_TX_PIN=(--cpu "$XC_TX_CPU")
	XC_REF_RX_PIN=(--cpu "$XC_RX_CPU")
	if "$XC_CTL" run --help 2>&1 | grep -q 'cpus='; then
		XC_EP[1]+=",cpus=$XC_TX_CPU"
		XC_EP[3]+=",cpus=$XC_RX_CPU"
	else
		xc="not pinned: this controller takes no cpus="
	fi
	XC_PIN_JSON=$(jq -nc --argjson tx "$XC_TX_CPU" \
		--argjson rx "$XC_RX_CPU" --arg xc "$xc" '
		{ tx_cpu: $tx, rx_cpu: $rx, xceiver: $xc,
		  xc_xskref: "--cpu \($tx) (tx) / --cpu \($rx) (rx)",
		  trafgen: ("--cpus 1 under taskset -c \($tx): its sender" +
			    " on CPU \($tx)") }')
	xc_log "pinning: senders on CPU $XC_TX_CPU, receivers on CPU" \
		"$XC_RX_CPU ($xc)"
}

# ------------------------------------------------------------ references

xc_tx_packets()
{
	ip -n "$XC_TX_NS" -s -j link show "$XC_TX_DEV" |
		jq '.[0].stats64.tx.packets'
}

xc_mac_of()
{
	ip -n "$1" -j link show "$2" | jq -r '.[0].address'
}

# {"na": REASON}
xc_na()
{
	jq -nc --arg why "$*" '{ na: $why }'
}

# The frame of a 64-byte run as trafgen-cfg.sh's nine words: the
# addresses and ports from the report's spec (MACs from the links if it
# has none).
xc_frame_args()
{
	jq -r --arg smac "$(xc_mac_of "$XC_TX_NS" "$XC_TX_DEV")" \
		--arg dmac "$(xc_mac_of "$XC_RX_NS" "$XC_RX_DEV")" '
		def n: if . == null then 0 else tonumber end;
		def s($d): if . == null or . == "" then $d else . end;
		.spec.streams[0].headers |
		[(.src_mac | s($smac)), (.dst_mac | s($dmac)), .src_ip,
		 .dst_ip, (.udp.src | n), (.udp.dst | n), 64,
		 (if (.ttl | n) > 0 then (.ttl | n) else 64 end),
		 (.dscp | n)] | @tsv' "$XC_BENCH_SPEC"
}

# XC_TMP/trafgen.cfg and XC_REF_HEX (xc-xskref's --frame): one frame.
xc_ref_frame()
{
	local args

	[ -s "${XC_BENCH_SPEC:-}" ] || return 1
	args=$(xc_frame_args) || return 1
	# shellcheck disable=SC2086 # nine words, none empty
	"$XC_BENCH_DIR/trafgen-cfg.sh" $args >"$XC_TMP/trafgen.cfg" &&
		XC_REF_HEX=$("$XC_BENCH_DIR/trafgen-cfg.sh" --hex $args) &&
		[ -n "$XC_REF_HEX" ]
}

# xc_ref_ready: the references' frame, taken once from the first 64-byte
# skb run (or a paired xceiver run if that one failed); returns 1 with the
# reason in XC_REF_NA if there is none yet.
xc_ref_ready()
{
	local spec

	[ -z "$XC_REF_HEX" ] || return 0
	for spec in "$XC_TMP/full-64-skb-$XC_N1.json" \
		"$XC_TMP"/paired-o*.json; do
		XC_BENCH_SPEC=$spec
		xc_ref_frame && return 0
		XC_REF_HEX=""
	done
	XC_REF_NA="no 64-byte run to copy the frame from"
	return 1
}

# xc_group_stop PID: SIGTERM to the process group of a setsid'd job, KILL
# after 5 s, reap it.
xc_group_stop()
{
	kill -TERM -- "-$1" 2>/dev/null
	xc_wait_gone "$1" 50 || kill -KILL -- "-$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# xc_job_stop VAR: stop the job whose PID the variable VAR holds (if
# any) and clear it. SIGTERM makes xc-xskref rx print its figures and
# delete its socket, and with it libxdp's XDP program.
# shellcheck disable=SC2317 # runs from the EXIT trap too
xc_job_stop()
{
	local -n xc_pid=$1

	[ -n "$xc_pid" ] || return 0
	xc_group_stop "$xc_pid"
	xc_pid=""
}

# xc_ref_rx_start NAME: xc-xskref rx (rxdrop behind libxdp's default
# program, skb mode, queue 0, on the receivers' CPU) on the Rx end of the
# test link until xc_ref_rx_end; output in XC_TMP/NAME-rx.{json,log}.
# Returns 1 with the reason in XC_REF_WHY when it does not attach.
xc_ref_rx_start()
{
	local name=$1 log=$XC_TMP/$1-rx.log i

	if [ ! -x "$XC_XSKREF" ]; then
		XC_REF_WHY="no $XC_XSKREF (make -C tests/bench)"
		return 1
	fi
	setsid ip netns exec "$XC_RX_NS" "$XC_XSKREF" rx --dev "$XC_RX_DEV" \
		--mode skb --seconds 0 "${XC_REF_RX_PIN[@]}" \
		>"$XC_TMP/$name-rx.json" 2>"$log" &
	XC_REF_RX_PID=$!
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$XC_REF_RX_PID" 2>/dev/null; then
			wait "$XC_REF_RX_PID"
			XC_REF_WHY="xc-xskref rx exited with $?:"
			XC_REF_WHY+=" $(grep -v bpffs "$log" | tail -n 1)"
			XC_REF_RX_PID=""
			return 1
		fi
		if ip -n "$XC_RX_NS" -d link show "$XC_RX_DEV" |
			grep -q prog/xdp; then
			# attached; the socket enters the XSKMAP right after
			sleep 0.2
			return 0
		fi
		sleep 0.1
	done
	xc_job_stop XC_REF_RX_PID
	XC_REF_WHY="xc-xskref rx attached no XDP program within 10 s"
	return 1
}

# xc_ref_rx_end NAME: stop the receiver, check that its XDP program is
# gone; its JSON line in XC_REF_RX ("null" if it printed none).
xc_ref_rx_end()
{
	xc_job_stop XC_REF_RX_PID
	xc_wait_xdp rx gone ||
		xc_fail "XDP program left on $XC_RX_DEV after xc-xskref rx"
	XC_REF_RX=$(jq -c . "$XC_TMP/$1-rx.json" 2>/dev/null)
	[ -n "$XC_REF_RX" ] || XC_REF_RX=null
}

# xc_bench_bare ROUND: bare AF_XDP, xc-xskref tx for XC_REF_SECS (after a
# 0.2 s warm-up) into xc-xskref rx. Figures in XC_REF_OUT.
xc_bench_bare()
{
	local name=bare-$1 rc
	local tx=$XC_TMP/bare-$1-tx.json log=$XC_TMP/bare-$1-tx.log

	if ! xc_ref_rx_start "$name"; then
		XC_REF_OUT=$(xc_na "$XC_REF_WHY")
		return
	fi
	setsid ip netns exec "$XC_TX_NS" timeout -k 2 30 \
		"$XC_XSKREF" tx --dev "$XC_TX_DEV" --mode skb \
		--seconds "$XC_REF_SECS" --warmup 0.2 --frame "$XC_REF_HEX" \
		"${XC_REF_TX_PIN[@]}" >"$tx" 2>"$log" &
	XC_REF_TX_PID=$!
	wait "$XC_REF_TX_PID"
	rc=$?
	XC_REF_TX_PID=""
	sleep 0.2
	xc_ref_rx_end "$name"
	if [ $rc -ne 0 ] || ! jq -e '.frames > 0' "$tx" >/dev/null 2>&1; then
		XC_REF_OUT=$(xc_na "xc-xskref tx sent nothing (exit $rc):" \
			"$(grep -v bpffs "$log" | tail -n 1)")
		return
	fi
	XC_REF_OUT=$(jq -c --argjson rx "$XC_REF_RX" '
		{ tx_mpps: .mpps, frames: .frames, seconds: .seconds,
		  tx_frames_total: .frames_total, size: 64, mode: "skb",
		  rx_side: "xc-xskref-rxdrop", rx: $rx,
		  rx_share: (if $rx != null and .frames_total > 0 then
			$rx.frames / .frames_total else null end) }' "$tx")
	xc_log "bare AF_XDP (round $1): $XC_REF_OUT"
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

# Frames the nft drop counted, as an rx JSON object; the table removed.
xc_tg_rx_drop_end()
{
	ip netns exec "$XC_RX_NS" nft -j list table netdev xc_bench \
		2>/dev/null | jq -c '{ frames: ([.nftables[] |
		.rule?.expr[]? | .counter?.packets // empty] | add) }'
	ip netns exec "$XC_RX_NS" nft delete table netdev xc_bench 2>/dev/null
}

# trafgen's senders: the trafgen processes of XC_TG_PID's group whose
# parent is a trafgen too.
xc_tg_senders()
{
	local pid ppid

	for pid in $(pgrep -g "$XC_TG_PID" -x trafgen); do
		ppid=$(ps -o ppid= -p "$pid" | tr -d ' ')
		[ "$(cat "/proc/$ppid/comm" 2>/dev/null)" != trafgen ] ||
			echo "$pid"
	done
}

# xc_tg_pin: the CPUs trafgen's senders allowed themselves (trafgen pins
# sender i to CPU i) in XC_TG_CPUS, one list per sender; a sender not on
# XC_TX_CPU alone is moved there.
xc_tg_pin()
{
	local pid list

	XC_TG_CPUS=""
	for pid in $(xc_tg_senders); do
		list=$(awk '/^Cpus_allowed_list:/ { print $2 }' \
			"/proc/$pid/status" 2>/dev/null)
		XC_TG_CPUS+="${XC_TG_CPUS:+ }${list:-?}"
		if [ -n "$XC_TX_CPU" ] && [ -n "$list" ] &&
			[ "$list" != "$XC_TX_CPU" ]; then
			xc_log "trafgen sender $pid on CPUs $list: moving it" \
				"to CPU $XC_TX_CPU"
			taskset -pc "$XC_TX_CPU" "$pid" >/dev/null ||
				xc_log "cannot move trafgen sender $pid"
		fi
	done
}

# xc_trafgen afxdp|nft TAG: trafgen on one CPU into the Rx host's receiver
# (xc-xskref rx, or the nft ingress drop). Tx rate from the interface
# counter over XC_REF_SECS of the steady state (its start-up is not counted); the
# Rx share over all it sent. Figures in XC_REF_OUT, files tagged TAG.
xc_trafgen()
{
	local side=$1 tag=$2 c0 c1 c2 c3 t1 t2 rx=null label log
	local -a pin=()

	log=$XC_TMP/trafgen-$side-$tag.log
	case $side in
	afxdp)
		label="xc-xskref-rxdrop"
		if ! xc_ref_rx_start "trafgen-$tag"; then
			XC_REF_OUT=$(xc_na "$XC_REF_WHY")
			return
		fi ;;
	nft)
		label="nft-ingress-drop"
		if ! xc_tg_rx_drop; then
			XC_REF_OUT=$(xc_na "cannot add the nft ingress drop")
			return
		fi ;;
	esac
	[ -z "$XC_TX_CPU" ] || pin=(taskset -c "$XC_TX_CPU")
	c0=$(xc_tx_packets)
	# Own process group: trafgen forks a sender per CPU, and a background
	# job ignores SIGINT; SIGTERM to the group stops them all.
	setsid ip netns exec "$XC_TX_NS" "${pin[@]}" trafgen \
		--dev "$XC_TX_DEV" --conf "$XC_TMP/trafgen.cfg" --cpus 1 \
		--num 0 --no-sock-mem --notouch-irq >"$log" 2>&1 &
	XC_TG_PID=$!
	sleep 0.5
	xc_tg_pin
	t1=$(date +%s.%N); c1=$(xc_tx_packets)
	sleep "$XC_REF_SECS"
	t2=$(date +%s.%N); c2=$(xc_tx_packets)
	xc_job_stop XC_TG_PID
	c3=$(xc_tx_packets)
	sleep 0.2
	if [ "$side" = afxdp ]; then
		xc_ref_rx_end "trafgen-$tag"
		rx=$XC_REF_RX
	else
		rx=$(xc_tg_rx_drop_end)
	fi
	if ! [ "$c2" -gt "$c1" ] 2>/dev/null; then
		XC_REF_OUT=$(xc_na "trafgen sent nothing:" \
			"$(tail -n 2 "$log")")
		return
	fi
	[ -n "$c0" ] || c0=$c1
	[ -n "$c3" ] || c3=$c2
	XC_REF_OUT=$(jq -nc --argjson c0 "$c0" --argjson c1 "$c1" \
		--argjson c2 "$c2" --argjson c3 "$c3" --argjson t1 "$t1" \
		--argjson t2 "$t2" --argjson rx "${rx:-null}" \
		--arg side "$label" --arg scpus "$XC_TG_CPUS" '
		{ frames: ($c2 - $c1), seconds: ($t2 - $t1),
		  tx_mpps: (($c2 - $c1) / ($t2 - $t1) / 1e6),
		  cpus: 1, sender_cpus: ($scpus | split(" ")),
		  size: 64, mode: "skb", rx_side: $side,
		  tx_frames_total: ($c3 - $c0), rx: $rx,
		  rx_share: (if $rx.frames != null and $c3 > $c0 then
			$rx.frames / ($c3 - $c0) else null end) }')
	xc_log "trafgen ($side, $tag): $XC_REF_OUT"
}

# xc_ref_add REF ROUND: XC_REF_OUT as one line of XC_REFS.
xc_ref_add()
{
	jq -c --arg ref "$1" --argjson round "$2" \
		'. + { ref: $ref, round: $round }' <<<"$XC_REF_OUT" >>"$XC_REFS"
}

# ------------------------------------------------------------ paired rounds

# xc_bench_xc ROUND on|off [ARGS...]: one paired xceiver run; a row with
# the reason if it did not run.
xc_bench_xc()
{
	local r=$1 check=$2 rc why
	local XC_ROW_EXTRA="{\"round\": $r, \"check\": \"$check\"}"

	shift 2
	xc_bench_run paired "paired-$check-$r" skb 64 "$XC_PAIR_N" "$@"
	rc=$?
	[ $rc -ne 0 ] || return 0
	why="controller exit $XC_RC: $(xc_ctl_text | grep -v '^$' | tail -n 1)"
	jq -nc --arg name "paired-$check-$r" --argjson round "$r" \
		--arg check "$check" --arg why "$why" \
		'{ kind: "paired", name: $name, round: $round, check: $check,
		   na: $why }' >>"$XC_ROWS"
}

# xc_bench_step ROUND on|off|bare|trafgen: one figure of a paired round.
xc_bench_step()
{
	local r=$1

	case $2 in
	on) xc_bench_xc "$r" on ;;
	off) xc_bench_xc "$r" off --payload-check off ;;
	nolat) xc_bench_xc "$r" nolat --no-latency ;;
	bare)
		if xc_ref_ready; then
			xc_bench_bare "$r"
		else
			XC_REF_OUT=$(xc_na "$XC_REF_NA")
		fi
		xc_ref_add bare "$r" ;;
	trafgen)
		if ! xc_ref_ready; then
			XC_REF_OUT=$(xc_na "$XC_REF_NA")
		elif ! command -v trafgen >/dev/null; then
			XC_REF_OUT=$(xc_na "trafgen not installed")
		else
			xc_trafgen afxdp "$r"
		fi
		xc_ref_add trafgen "$r" ;;
	esac
}

# xc_bench_round ROUND: xceiver with the payload check off and on, on
# without timing, trafgen into xc-xskref rx, bare AF_XDP, back to back:
# the check-on run sits next to check off, to timing off and to trafgen,
# the goals. Even rounds in the reverse
# order, so that a drift of the host within a round does not always
# favour the same figure. The order in XC_ORDER.
xc_bench_round()
{
	local r=$1 step
	local -a steps=(off nolat on trafgen bare)

	[ $((r % 2)) -eq 1 ] || steps=(bare trafgen on nolat off)
	xc_log "paired round $r of $XC_REPS: ${steps[*]}"
	jq -nc '$ARGS.positional' --args "${steps[@]}" >>"$XC_ORDER"
	for step in "${steps[@]}"; do
		xc_bench_step "$r" "$step"
	done
}

xc_bench_paired()
{
	local r

	for ((r = 1; r <= XC_REPS; r++)); do
		xc_bench_round "$r"
	done
}

# trafgen into the nft ingress drop, one run.
xc_bench_nft()
{
	if ! xc_ref_ready; then
		XC_TG_NFT_JSON=$(xc_na "$XC_REF_NA")
	elif ! command -v trafgen >/dev/null; then
		XC_TG_NFT_JSON=$(xc_na "trafgen not installed")
	else
		xc_trafgen nft 1
		XC_TG_NFT_JSON=$XC_REF_OUT
	fi
}

# ------------------------------------------------------------ output

xc_bench_write()
{
	jq -s --slurpfile refs "$XC_REFS" --slurpfile order "$XC_ORDER" \
		--slurpfile rctx "$XC_RATE_CTX" \
		--argjson tgnft "$XC_TG_NFT_JSON" \
		--argjson pin "$XC_PIN_JSON" --argjson reps "$XC_REPS" \
		--argjson headroom "$XC_RATE_HEADROOM" \
		--argjson count "$XC_PAIR_N" --arg date "$(date -Is)" \
		--arg kernel "$(uname -r)" --argjson cpus "$(nproc)" \
		-f "$XC_BENCH_DIR/summary.jq" "$XC_ROWS" >"$XC_BENCH_OUT.tmp" &&
		mv "$XC_BENCH_OUT.tmp" "$XC_BENCH_OUT"
}

# The table: bench.json through table.jq, formatted by section.
xc_bench_print()
{
	jq -r -f "$XC_BENCH_DIR/table.jq" "$XC_BENCH_OUT" |
	awk -F'\t' -v headroom="$XC_RATE_HEADROOM" '
	BEGIN { fmt = "%-24s %6s %10s %8s %8s %8s %10s %10s " \
		"%9s %9s %-7s %s\n"; reps = 0 }
	function f(x, d) { return x == "n/a" ? x : sprintf("%." d "f", x) }
	function g(x, k) {
		if (x == "n/a") return x
		if (k == "s") return sprintf("%.2f%%", x * 100)
		if (k == "n") return sprintf("%d", x)
		return sprintf("%.3f", x)
	}
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
	$1 == "phead" {
		reps = $2
		head("paired")
		printf "paired rounds (64 B, skb, %s frames per xceiver run;" \
			" back to back in each round: xceiver check off," \
			" check on not timed, check on, trafgen, bare" \
			" AF_XDP, even rounds in the" \
			" reverse order)\n", $3
		printf "%-28s", "figure"
		for (i = 1; i <= reps; i++)
			printf " %8s", "round " i
		printf " %8s %8s %8s\n", "median", "min", "max"
	}
	$1 == "paired" {
		printf "%-28s", $2
		for (i = 4; i <= NF; i++)
			printf " %8s", g($i, $3)
		printf "\n"
	}
	$1 == "pna" { printf "  round %s, %s: n/a (%s)\n", $2, $3, $4 }
	$1 == "rate" {
		if (head("rate")) {
			printf "rate runs (64 B, skb; medians over rounds;" \
				" lost ms: pacing time lost after the sender" \
				" fell a burst behind; reachable: the" \
				" full-speed runs just before and after both" \
				" sent >= %s x the rate)\n", headroom
			printf "%-10s %10s %8s %17s %8s %8s %10s %9s" \
				" %8s\n", "rate pps", "achieved", "error %",
				"min..max %", "missing", "lost ms",
				"reachable", "error %", "missing"
		}
		printf "%-10s %10s %8s %17s %8s %8s %10s %9s %8s\n",
			f($2, 0), f($3, 0), f($4, 3), f($7, 3) ".." f($8, 3),
			$5, f($13, 1), $10 " of " $9, f($11, 3), $12
	}
	$1 == "ref" {
		if (head("ref"))
			printf "%-30s %8s %9s  %s\n", "reference (64 B, skb)",
				"Tx Mpps", "Rx share", "Rx side"
		if ($6 != "-") { printf "%-30s n/a (%s)\n", $2, $6; next }
		printf "%-30s %8s %9s  %s\n", $2, f($3, 3),
			$4 == "n/a" ? $4 : sprintf("%.2f%%", $4 * 100), $5
	}
	$1 == "ratio" {
		if (head("ratio"))
			printf "ratios (tx_vs_trafgen, tx_vs_bare_afxdp," \
				" rx_check_on_vs_off, rx_latency_on_vs_off:" \
				" median of the ratios" \
				" within each of %d round%s; in brackets each" \
				" round'"'"'s ratio and the ratio of the" \
				" medians; the others: single runs)\n", reps,
				(reps == 1 ? "" : "s")
		printf "  %-22s %s", $2, f($3, 3)
		if (NF > 4) {
			printf " ["
			for (i = 5; i <= NF; i++)
				printf "%s ", f($i, 3)
			printf "of medians %s]", f($4, 3)
		}
		printf "\n"
	}
	$1 == "pin" {
		if ($4 != "n/a")
			pin = "none (" $4 ")"
		else
			pin = "senders on CPU " $2 ", receivers on CPU " $3 \
				" (xceiver: " $5 "; xc-xskref: --cpu;" \
				" trafgen sender seen on CPU " \
				($6 == "" ? "n/a" : $6) ")"
	}
	END {
		print ""
		printf "CPU source (Tx/Rx): %s, RSS source: %s\n", cpu, rss
		printf "pinning: %s\n", pin
		print "goals: tx_vs_trafgen >= 1.2," \
			" rx_check_on_vs_off >= 0.9," \
			" rx_latency_on_vs_off >= 0.9," \
			" rss big/small <= 1.1, rate error within 1%, missing 0"
		print "reference: tx_vs_bare_afxdp about 1"
	}'
}

# ------------------------------------------------------------ main

xc_require
[[ $XC_REPS =~ ^[1-9][0-9]{0,2}$ ]] ||
	xc_fatal "XC_BENCH_REPS '$XC_REPS': want a number of rounds, 1..999"
[[ $XC_RATE_REPS =~ ^[1-9][0-9]{0,2}$ ]] ||
	xc_fatal "XC_BENCH_RATE_REPS '$XC_RATE_REPS': want a number of" \
		"rounds, 1..999"
mkdir -p "$(dirname "$XC_BENCH_OUT")"
: >"$XC_ROWS"
: >"$XC_REFS"
: >"$XC_ORDER"
: >"$XC_RATE_CTX"
if [ -n "${XC_BENCH_LAB_ID:-}" ]; then
	xc_lab_up --id "$XC_BENCH_LAB_ID"
else
	xc_lab_up
fi
xc_bench_pinning
xc_agents_start
xc_bench_full
xc_bench_paired
xc_bench_rates
xc_bench_nft
xc_bench_write || xc_fatal "cannot write $XC_BENCH_OUT"
xc_bench_print
echo "report: $XC_BENCH_OUT"
[ "$XC_ERRORS" -eq 0 ] || xc_fail "$XC_ERRORS run(s) did not complete"
xc_end
