#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Results that survive failure. A run that cannot finish (exit 3) still
# writes the JSON report it was asked for: verdict "could_not_run", the
# reason it printed, the phase, what each agent had said (Hello, Prepared,
# the last Progress) and the spec. Result files of an earlier run are gone
# when a run starts, so none is ever read as this run's; no temporary file
# is left beside them. Cases: the Rx agent SIGKILLed mid-run; an agent
# nobody listens for; a run the preflight refuses; repetitions ended by
# one that could not run (the ones before it keep their results).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# The reason the controller printed ("xceiver: could not run: ...").
xc_printed_reason()
{
	sed -n 's/^xceiver: could not run: //p' "$XC_ERR" | tail -n 1
}

# xc_stale DIR NAME...: put an earlier run's file at each name.
xc_stale()
{
	local dir=$1 name

	shift
	for name in "$@"; do
		echo '{"verdict": "pass", "stale": true}' >"$dir/$name"
	done
}

# xc_assert_files DIR NAME...: DIR holds exactly these files (sorted).
xc_assert_files()
{
	local dir=$1 got

	shift
	got=$(find "$dir" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')
	xc_assert_eq "files in the output directory" "$* " "$got"
}

# The JSON report of a run that could not run, and its reason as printed.
xc_assert_cnr()
{
	local json=$1 printed

	xc_assert_eq "verdict" could_not_run "$(xc_jq '.verdict' "$json")"
	xc_assert_eq "stale field" null "$(xc_jq '.stale' "$json")"
	printed=$(xc_printed_reason)
	[ -n "$printed" ] || xc_fail "the controller printed no reason"
	xc_assert_eq "reason as printed" "$printed" \
		"$(xc_jq '.reason' "$json")"
}

xc_require
xc_lab_up
xc_agents_start
out=$XC_TMP/out
mkdir -p "$out"

xc_log "case: the rx agent is killed mid-run"
xc_stale "$out" r.json p.svg t.csv a.pcap
xc_run_bg "${XC_EP[@]}" --mode drv --count 10000000 --size 64 \
	--rate 100000 --json "$out/r.json" --plot "$out/p.svg" \
	--timeline "$out/t.csv" --pcap "$out/a.pcap"
xc_wait_xdp rx || xc_fatal "the run did not set up"
[ -e "$out/r.json" ] && xc_fail "the stale JSON is still there during the run"
sleep 1.5
xc_ctl_running || xc_fatal "the run ended before the SIGKILL"
xc_agent_sigkill rx
xc_run_wait
xc_assert_rc 3
xc_assert_cnr "$out/r.json"
xc_assert_output 'could not run: rx agent' "the message names the lost agent"
xc_assert_eq "reason names the agent" true \
	"$(xc_jq ".reason | test(\"^rx agent $XC_RX_MGMT:$XC_PORT \")" \
		"$out/r.json")"
xc_assert_eq phase run "$(xc_jq '.phase' "$out/r.json")"
xc_assert_eq "spec count" 10000000 "$(xc_jq '.spec.streams[0].count | n' \
	"$out/r.json")"
xc_assert_eq "tx interface" "$XC_TX_DEV" \
	"$(xc_jq '.tx_interface.ifname' "$out/r.json")"
xc_assert_eq "rx mode in use" drv "$(xc_jq '.rx_mode' "$out/r.json")"
xc_assert_eq "rx prepared mode" drv \
	"$(xc_jq '.agents.rx.prepared.mode' "$out/r.json")"
xc_assert_eq "tx agent's version" "$("$XC_AGENT" --version | awk '{ print $2 }')" \
	"$(xc_jq '.agents.tx.hello.software_version' "$out/r.json")"
xc_assert_eq "rx agent's address" "$XC_RX_MGMT:$XC_PORT" \
	"$(xc_jq '.agents.rx.agent' "$out/r.json")"
rx_frames=$(xc_jq '.agents.rx.progress.rx_frames | n' "$out/r.json")
tx_frames=$(xc_jq '.agents.tx.progress.tx_frames | n' "$out/r.json")
# (each agent's latest, taken at its own time: either may be ahead)
if [ "$rx_frames" -gt 0 ] && [ "$tx_frames" -gt 0 ]; then
	xc_log "ok: last progress: tx sent $tx_frames, rx received $rx_frames"
else
	xc_fail "last progress: tx sent $tx_frames, rx received $rx_frames"
fi
xc_assert_eq "rx report" null "$(xc_jq '.rx' "$out/r.json")"
xc_assert_eq "tx done" false "$(xc_jq '.agents.tx.done' "$out/r.json")"
# no frames were kept: no pcap; no timeline without the reports
xc_assert_files "$out" r.json
xc_agent_restart rx

xc_log "case: nobody listens for the tx agent"
xc_stale "$out" r.json
xc_run --tx "$XC_TX_MGMT:7999,dev=$XC_TX_DEV" \
	--rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV" --mode skb --count 1000 \
	--json "$out/r.json"
xc_assert_rc 3
xc_assert_cnr "$out/r.json"
xc_assert_eq "reason names the address" true \
	"$(xc_jq '.reason | test("tx agent at [^ ]*:7999")' "$out/r.json")"
xc_assert_eq phase connect "$(xc_jq '.phase' "$out/r.json")"
xc_assert_eq "tx hello" null "$(xc_jq '.agents.tx.hello' "$out/r.json")"
xc_assert_files "$out" r.json

xc_log "case: refused by the preflight (frames above the rx MTU)"
ip -n "$XC_RX_NS" link set dev "$XC_RX_DEV" mtu 1000
xc_run "${XC_EP[@]}" --mode skb --count 1000 --size 1500 --json "$out/r.json"
ip -n "$XC_RX_NS" link set dev "$XC_RX_DEV" mtu 1500
xc_assert_rc 3
xc_assert_cnr "$out/r.json"
xc_assert_eq phase "prepare rx" "$(xc_jq '.phase' "$out/r.json")"
xc_assert_eq "preflight refusal" refused \
	"$(xc_jq '.preflight[0].level' "$out/r.json")"
xc_assert_eq "reason is the refusal" \
	"preflight: $(xc_jq '.preflight[0].message' "$out/r.json")" \
	"$(xc_jq '.reason' "$out/r.json")"
xc_assert_eq "rx interface's MTU" 1000 \
	"$(xc_jq '.rx_interface.mtu' "$out/r.json")"
xc_assert_eq "both agents said hello" true \
	"$(xc_jq '.agents.tx.hello != null and .agents.rx.hello != null' \
		"$out/r.json")"
xc_assert_eq "nothing prepared" null "$(xc_jq '.agents.rx.prepared' \
	"$out/r.json")"

xc_log "case: repetition 2 of 2 could not run"
rm -f "$out"/*
xc_stale "$out" r.json p-r1.svg p-r2.svg
cat >"$XC_TMP/rep.yaml" <<YAML
repeat: 2
streams:
  - { id: 1, count: 4000, rate_pps: 1000 }
YAML
xc_run_bg "$XC_TMP/rep.yaml" "${XC_EP[@]}" --mode skb --json "$out/r.json" \
	--plot "$out/p.svg"
for ((i = 0; i < 300; i++)); do
	grep -q '^repetition 1 of 2' "$XC_OUT" && break
	xc_ctl_running || break
	sleep 0.1
done
grep -q '^repetition 1 of 2' "$XC_OUT" || xc_fatal "repetition 1 did not end"
xc_agent_sigkill rx
xc_run_wait
xc_assert_rc 3
xc_assert_cnr "$out/r.json"
xc_assert_eq "could_not_run_repetition" 2 \
	"$(xc_jq '.could_not_run_repetition' "$out/r.json")"
xc_assert_eq "repetitions reported" 2 \
	"$(xc_jq '.repetitions | length' "$out/r.json")"
xc_assert_eq "repetition 1" pass "$(xc_jq '.repetitions[0].verdict' \
	"$out/r.json")"
xc_assert_eq "repetition 1's checks failed" 0 \
	"$(xc_jq '.repetitions[0].checks_failed | n' "$out/r.json")"
xc_assert_eq "repetition 2" could_not_run \
	"$(xc_jq '.repetitions[1].verdict' "$out/r.json")"
xc_assert_eq "repetition 2's reason" "$(xc_jq '.reason' "$out/r.json")" \
	"$(xc_jq '.repetitions[1].reason' "$out/r.json")"
grep -q '<svg' "$out/p-r1.svg" ||
	xc_fail "repetition 1's plot is not its own"
xc_assert_files "$out" p-r1.svg r.json
xc_agent_restart rx
xc_end
