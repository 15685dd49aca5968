#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The receiver rides out its own stalls: its rings and UMEM hold what the
# stream brings in the stall budget (50 ms by default). The Rx agent is
# stopped (SIGSTOP) for 30 ms three times during a 200 kpps run, and 130
# streams of 100 frames reach an idle receiver at full speed: nothing may
# be lost either time. A 500 ms stop loses frames, and the verdict is the
# tester's loss (exit 4). Workers run SCHED_FIFO when asked (rt=1), and an
# agent started with --no-realtime refuses that.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=1000000
STALL_S=0.03

xc_require
xc_lab_up
xc_agents_start

xc_run_bg "${XC_EP[@]}" --mode skb --count $COUNT --size 64 --rate 200000 \
	--json "$XC_JSON"
xc_wait_xdp rx
sleep 0.5
for i in 1 2 3; do
	xc_ctl_running || xc_fail "the run ended before stall $i"
	kill -STOP "${XC_AGENT_PID[rx]}"
	sleep $STALL_S
	kill -CONT "${XC_AGENT_PID[rx]}"
	sleep 0.5
done
xc_run_wait
xc_assert_rc 0
xc_assert_clean_stream $COUNT
xc_assert_eq "rx_fill_ring_empty_descs" 0 \
	"$(xc_jq '[.rx.xsk[].rx_fill_ring_empty_descs | n] | add')"
xc_assert_eq "rx ring sized for the budget" 16384 \
	"$(xc_jq '.rx.rx_sizing.rx_size | n')"

# A stall longer than the rings hold (500 ms at 200 kpps) loses frames,
# and the verdict says the tester lost them, not the link (exit 4)
xc_run_bg "${XC_EP[@]}" --mode skb --count 400000 --size 64 --rate 200000 \
	--json "$XC_JSON"
xc_wait_xdp rx
sleep 0.5
# Each signal went out between the two readings around it (this script
# may wait for a CPU between them on a busy host).
t_stop=$(xc_now_ns)
kill -STOP "${XC_AGENT_PID[rx]}"
t_stopped=$(xc_now_ns)
sleep 0.5
t_cont=$(xc_now_ns)
kill -CONT "${XC_AGENT_PID[rx]}"
t_went_on=$(xc_now_ns)
xc_run_wait
xc_assert_rc 4
xc_assert_eq verdict tester_loss "$(xc_jq '.verdict')"
xc_assert_eq "missing, all the tester's" true \
	"$(xc_jq '.loss.missing > 10000 and .loss.tester == .loss.missing')"
xc_assert_eq "not attributed" 0 "$(xc_jq '.loss.not_attributed | n')"
xc_assert_output "verdict: TESTER LOSS" "the verdict word"
xc_assert_output "the tester fell behind, not the link" "the loss line"
# One loss episode, all of it the receiver's socket (its fill ring ran
# empty), inside the stop and ending when the agent went on (within an
# interval: the loss ends when the worker refills, and the episode's
# intervals are whole ones).
iv=$(xc_jq '.forensics.interval_ns | n')
xc_log "stop at 0-$(((t_stopped - t_stop) / 1000000)) ms, go on at" \
	"$(((t_cont - t_stop) / 1000000))-$(((t_went_on - t_stop) / 1000000)) ms; episode" \
	"$(xc_jq ".forensics.episodes[0] | \"from \\(((.start_realtime_ns |
		  n) - $t_stop) / 1e6) ms for \\(.duration_ns / 1e6) ms\"")"
xc_assert_eq "one episode" 1 "$(xc_jq '.forensics.episodes | length')"
xc_assert_eq "episode: the receiver's socket" \
	"$(xc_jq '.forensics.missing | n')" \
	"$(xc_jq '.forensics.episodes[0].split.rx_xsk | n')"
xc_assert_eq "episode: why" "fill ring empty" \
	"$(xc_jq '.forensics.episodes[0].why.rx_xsk')"
xc_assert_eq "episode starts in the stop" true \
	"$(xc_jq ".forensics.episodes[0] | (.start_realtime_ns | n) >=
		  $t_stop - $iv and (.start_realtime_ns | n) < $t_went_on")"
xc_assert_eq "episode ends when the agent went on" true \
	"$(xc_jq ".forensics.episodes[0] |
		  ((.start_realtime_ns | n) + (.duration_ns | n)) as \$e |
		  \$e >= $t_cont - $iv and \$e <= $t_went_on + $iv")"

# 13,000 frames as fast as the sender goes, to a receiver that was idle
xc_run "${XC_EP[@]}" --mode skb --streams 130 --count 100 --size 64 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_eq verdict pass "$(xc_jq '.verdict')"
xc_assert_eq "delivered, 130 streams" 13000 \
	"$(xc_jq '[.rx.rx[].delivered | n] | add')"

# SCHED_FIFO workers on request, refused by an agent that forbids them
tx_ep="$XC_TX_MGMT:$XC_PORT,dev=$XC_TX_DEV"
rx_ep="$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV,rt=1"
xc_run --tx "$tx_ep" --rx "$rx_ep" --mode skb --count 100000 --size 64 \
	--rate 200000 --json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 100000
xc_assert_eq "rx workers' scheduling" fifo "$(xc_jq '.rx.worker_sched')"
xc_assert_eq "rx workers' priority" 1 "$(xc_jq '.rx.rt_priority | n')"
xc_assert_output "rx workers: SCHED_FIFO priority 1" "summary names it"
XC_AGENT_ARGS=--no-realtime xc_agent_restart rx
xc_run --tx "$tx_ep" --rx "$rx_ep" --mode skb --count 1000 --size 64 \
	--rate 100000
xc_assert_rc 3
xc_assert_output "worker_sched fifo: this agent runs with --no-realtime" \
	"the refusal names the agent's flag"
xc_end
