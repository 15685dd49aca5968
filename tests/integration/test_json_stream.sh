#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The run's events (--json-stream), read by a consumer while the run goes.
# A consumer reads a FIFO line by line. The Rx agent is stopped (SIGSTOP)
# until the consumer has read the start event, so the run cannot go on
# unless each event reaches the reader when it happens (a buffered stream
# would hold the start event back and the run would fail); when the
# consumer reads the first progress event the controller is still running. Every line parses and has the
# schema, an RFC 3339 timestamp, the event and the run's id; the stream is
# start, hello and prepared of both agents, progress of both, the checks
# exactly as the JSON report lists them, and the verdict, last and once.
# With "-" the events are stdout and the summary goes to stderr. With
# repetitions every event but the last names its repetition and each
# repetition ends with repetition_end. A run that cannot reach an agent
# (exit 3) ends its stream with the verdict could_not_run, its reason
# and phase as the JSON report has them; a stale stream file is gone.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_SCHEMA=xceiver.events/1
XC_TS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$'

# xc_consume FIFO LINES LIVE [PID]: copy each line of FIFO to LINES as it
# comes; at the start event, SIGCONT to PID; at the first progress event,
# LIVE says whether the controller (its pid in $XC_TMP/ctl.pid) was still
# running.
xc_consume()
{
	local line pid i

	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$2"
		if [ -n "${4:-}" ] && [ "$(jq -r .event <<<"$line")" = start ]
		then
			kill -CONT "$4"
		fi
		[ -e "$3" ] && continue
		jq -e '.event == "progress"' <<<"$line" >/dev/null 2>&1 ||
			continue
		for ((i = 0; i < 50; i++)); do
			[ -s "$XC_TMP/ctl.pid" ] && break
			sleep 0.1
		done
		pid=$(cat "$XC_TMP/ctl.pid" 2>/dev/null)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			echo running >"$3"
		else
			echo ended >"$3"
		fi
	done <"$1"
}

# xc_assert_lines LINES: every line an event with the common fields, of
# one run id (the report's when given).
xc_assert_lines()
{
	local lines=$1 run_id=${2:-} bad

	[ -s "$lines" ] || { xc_fail "no events in $lines"; return 1; }
	if ! jq -e . "$lines" >/dev/null 2>&1; then
		xc_fail "a line of the stream does not parse"
		return 1
	fi
	bad=$(jq -c --arg s "$XC_SCHEMA" --arg re "$XC_TS_RE" \
		'select(.schema != $s or (.ts | test($re) | not) or
			(.event | type) != "string" or
			(.run_id | type) != "string")' "$lines" | head -n 3)
	xc_assert_eq "events without schema, ts, event or run_id" "" "$bad"
	xc_assert_eq "lines that are not one object each" 0 \
		"$(grep -cv '^{.*}$' "$lines")"
	[ -z "$run_id" ] || xc_assert_eq "run ids" "$run_id" \
		"$(jq -r .run_id "$lines" | sort -u | tr '\n' ' ' | xargs)"
	xc_assert_eq "verdict events" 1 \
		"$(jq -s '[.[] | select(.event == "verdict")] | length' "$lines")"
	xc_assert_eq "last event" verdict "$(tail -n 1 "$lines" | jq -r .event)"
}

# The checks of the stream as the report lists them.
xc_assert_checks()
{
	local lines=$1 json=$2

	xc_assert_eq "check events are the report's checks" true \
		"$(jq -s --slurpfile r "$json" '
			[.[] | select(.event == "check") |
			 del(.schema, .ts, .event, .run_id, .repetition,
			     .stream, .counter)] == $r[0].checks' "$lines")"
	xc_assert_eq "checks in the report" true \
		"$(jq '.checks | length > 5' "$json")"
}

xc_require
command -v mkfifo >/dev/null || xc_skip "mkfifo not installed"
xc_lab_up
xc_agents_start

xc_log "case: a consumer reads the stream from a FIFO while the run goes"
fifo=$XC_TMP/events.fifo
lines=$XC_TMP/events.ndjson
live=$XC_TMP/live
mkfifo "$fifo"
rx_agent=${XC_AGENT_PID[rx]}
kill -STOP "$rx_agent"
xc_consume "$fifo" "$lines" "$live" "$rx_agent" &
consumer=$!
xc_run_bg "${XC_EP[@]}" --mode skb --count 150000 --rate 50000 --size 64 \
	--json "$XC_JSON" --json-stream "$fifo"
echo "$XC_CTL_PID" >"$XC_TMP/ctl.pid"
xc_run_wait
wait "$consumer"
kill -CONT "$rx_agent"
xc_assert_rc 0
xc_assert_eq "controller running at the first progress event" running \
	"$(cat "$live" 2>/dev/null)"
xc_assert_lines "$lines" "$(xc_jq .run_id)"
xc_assert_eq "first event" start "$(head -n 1 "$lines" | jq -r .event)"
xc_assert_eq "start's count" 150000 \
	"$(head -n 1 "$lines" | jq -r '.spec.streams[0].count | tonumber')"
xc_assert_eq "start's tx agent" "$XC_TX_MGMT:$XC_PORT" \
	"$(head -n 1 "$lines" | jq -r '.tx.agent')"
xc_assert_eq "start's rx agent" "$XC_RX_MGMT:$XC_PORT" \
	"$(head -n 1 "$lines" | jq -r '.rx.agent')"
xc_assert_eq "hello and prepared of both agents" \
	"hello rx,hello tx,prepared rx,prepared tx" \
	"$(jq -r 'select(.event == "hello" or .event == "prepared") |
		"\(.event) \(.agent)"' "$lines" | sort | paste -sd,)"
xc_assert_eq "prepared mode" skb "$(jq -r 'select(.event == "prepared") |
	.mode' "$lines" | sort -u)"
for agent in tx rx; do
	n=$(jq -s --arg a "$agent" '[.[] | select(.event == "progress" and
		.agent == $a)] | length' "$lines")
	xc_assert_le "progress events of $agent (at least 2)" 2 "$n"
done
xc_assert_eq "tx progress rises to the count" true \
	"$(jq -s '[.[] | select(.event == "progress" and .agent == "tx") |
		.tx_frames] | . == sort and .[-1] <= 150000 and .[0] < 150000' \
		"$lines")"
xc_assert_eq "progress before the checks" true \
	"$(jq -s '(map(.event) | rindex("progress")) <
		(map(.event) | index("check"))' "$lines")"
xc_assert_checks "$lines" "$XC_JSON"
verdict=$(tail -n 1 "$lines")
xc_assert_eq "stream verdict" "$(xc_jq .verdict)" \
	"$(jq -r .verdict <<<"$verdict")"
xc_assert_eq "stream exit code" 0 "$(jq -r .exit_code <<<"$verdict")"
xc_assert_eq "stream checks failed" "$(xc_jq .checks_failed)" \
	"$(jq -r .checks_failed <<<"$verdict")"
xc_assert_eq "stream checks total" "$(xc_jq .checks_total)" \
	"$(jq -r .checks_total <<<"$verdict")"

xc_log "case: --json-stream - (events on stdout, the summary on stderr)"
xc_keys
timeout -k 5 "$XC_RUN_TIMEOUT" "$XC_CTL" run "${XC_EP[@]}" --mode skb \
	--count 2000 --size 64 \
	--json "$XC_JSON" --json-stream - "${XC_CTL_SEC[@]}" \
	2>"$XC_ERR" | xc_consume /dev/stdin "$XC_TMP/stdout.ndjson" \
	"$XC_TMP/live2"
XC_RC=${PIPESTATUS[0]}
xc_assert_rc 0
xc_assert_lines "$XC_TMP/stdout.ndjson" "$(xc_jq .run_id)"
xc_assert_checks "$XC_TMP/stdout.ndjson" "$XC_JSON"
grep -q '^verdict: PASS' "$XC_ERR" ||
	xc_fail "the summary's verdict line is not on stderr"

xc_log "case: repetitions"
cat >"$XC_TMP/rep.yaml" <<YAML
repeat: 2
streams:
  - { id: 1, count: 2000, rate_pps: 4000 }
YAML
rm -f "$lines"
xc_run "$XC_TMP/rep.yaml" "${XC_EP[@]}" --mode skb --json "$XC_JSON" \
	--json-stream "$lines"
xc_assert_rc 0
xc_assert_lines "$lines"
xc_assert_eq "events without their repetition" 0 \
	"$(jq -s '[.[:-1][] | select(.repetition != 1 and
		.repetition != 2)] | length' "$lines")"
xc_assert_eq "repetition ends" "1 pass,2 pass" \
	"$(jq -r 'select(.event == "repetition_end") |
		"\(.repetition) \(.verdict)"' "$lines" | paste -sd,)"
xc_assert_eq "a run id per repetition" 2 \
	"$(jq -r 'select(.event == "start") | .run_id' "$lines" | sort -u |
		wc -l)"
verdict=$(tail -n 1 "$lines")
xc_assert_eq "final verdict" "pass 2 2 null" \
	"$(jq -r '"\(.verdict) \(.repetitions) \(.repetitions_run) \(.repetition)"' \
		<<<"$verdict")"

xc_log "case: an agent nobody listens for (exit 3)"
for ((i = 0; i < 200; i++)); do
	echo '{"event": "stale"}'
done >"$lines"
xc_run --tx "$XC_TX_MGMT:7999,dev=$XC_TX_DEV" \
	--rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV" --mode skb --count 1000 \
	--json "$XC_JSON" --json-stream "$lines"
xc_assert_rc 3
xc_assert_lines "$lines" "$(xc_jq .run_id)"
xc_assert_eq "events" "start verdict" "$(jq -r .event "$lines" | xargs)"
verdict=$(tail -n 1 "$lines")
xc_assert_eq "verdict" could_not_run "$(jq -r .verdict <<<"$verdict")"
xc_assert_eq "exit code" 3 "$(jq -r .exit_code <<<"$verdict")"
xc_assert_eq "reason as the report's" "$(xc_jq .reason)" \
	"$(jq -r .reason <<<"$verdict")"
xc_assert_eq "phase" connect "$(jq -r .phase <<<"$verdict")"
xc_end
