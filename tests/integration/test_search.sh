#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# xceiver search against a middle box of known capacity: the bridge of the
# lab drops what exceeds an nftables token bucket (limit rate R/second,
# burst B packets) on our UDP ports. In a trial of T seconds at L pps the
# box passes R * T + B frames, so the highest load without loss is
# E = R + B / T, and the loss ratio above it is (L - E) / L. The bucket
# must be full when a trial starts: the trials are --trial-gap apart,
# longer than the bucket takes to fill (B / R).
#
# - MLRsearch (NDR and PDR 0.5%) at 64 and 512 bytes: each goal's bounds
#   are within the configured width and hold the box's limit for the goal
#   (E for NDR, E / (1 - 0.005) for PDR); the JSON has every trial, each
#   trial's loss equal to what the box must drop at its load, the NDJSON
#   stream one "trial" event per trial, the JUnit file validates against
#   tests/junit.xsd with a suite per size, the plot is well-formed SVG.
# - Bad searches are refused before any trial, the message naming what is
#   wrong; a search flag given to xceiver run is refused.
# - The box allows far more than the tester sends: the search says
#   "limited by the tester at N" (N the senders' ceiling), not a limit
#   of the path.
# - The frame loss rate at stepped loads: each step's loss is the box's.
# - Back-to-back frames: a burst of N frames at S pps passes while
#   N <= B / (1 - R / S), so the average longest burst lies between B and
#   that bound at the lowest burst rate the sender reached.
# - The Rx agent stops mid-search: exit 3, the JSON says could_not_run
#   naming the rx agent with the trials so far, the stream ends with it,
#   the JUnit file has the error.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

R=50000		# the box's rate, frames/s
B=10000		# its bucket, frames
T=1		# trial duration, s
GAP=0.5		# the box refills its bucket (B / R = 0.2 s) between trials
W=0.02		# the search's width
TOL=0.005	# the box's own timing: its limit within 0.5%
XSD=$XC_ROOT/tests/junit.xsd

xc_require
command -v nft >/dev/null || xc_skip "nft not installed (nftables)"
command -v xmllint >/dev/null || xc_skip "xmllint not installed"
xc_lab_up --mid
xc_agents_start
# The workers at SCHED_FIFO, as a lab measuring a box's limit runs them:
# a sender that another process holds up sends its backlog in a burst,
# which a token bucket near its limit drops.
XC_EP_RT=(--tx "$XC_TX_MGMT:$XC_PORT,dev=$XC_TX_DEV,rt=10"
	  --rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV,rt=10")

# xc_box_limit RATE BURST: the bridge drops our UDP ports' frames beyond
# RATE/s (bucket BURST); replaces an earlier limit.
xc_box_limit()
{
	ip netns exec "$XC_MID_NS" nft delete table bridge xclimit 2>/dev/null
	ip netns exec "$XC_MID_NS" nft -f - <<-NFT ||
	table bridge xclimit {
		chain limiter {
			type filter hook forward priority 0; policy accept;
			udp dport 9000-9999 limit rate over $1/second burst $2 packets drop
		}
	}
	NFT
		xc_fatal "cannot set the box's limit"
}

# xc_search ARGS...: xceiver search with the credentials, exit in XC_RC.
xc_search()
{
	XC_CTL_CMD=search XC_RUN_TIMEOUT=600 xc_run "${XC_EP_RT[@]}" \
		--mode skb --trial-gap "$GAP" "$@"
}

# xc_within WHAT LO X HI: LO <= X <= HI (numbers).
xc_within()
{
	if awk -v lo="$2" -v x="$3" -v hi="$4" \
		'BEGIN { exit !(lo <= x && x <= hi) }'; then
		xc_log "ok: $1: $2 <= $3 <= $4"
	else
		xc_fail "$1: $3 is not within [$2, $4]"
	fi
}

out=$XC_TMP/search
mkdir -p "$out"
E=$((R + B / T))
# jq: what the box drops of a trial at LOAD pps that its senders kept
# (a trial whose senders fell short offered no steady load: its losses
# are not known ahead, and it decides nothing of the search either)
XC_JQ_BOX="def xc_box_drops(load):
	(load * $T - $E) | if . < 0 then 0 else . end;"

xc_log "case: bad searches are refused before any trial, naming what is wrong"
while IFS='|' read -r args want; do
	# shellcheck disable=SC2086 # ARGS: words on purpose
	xc_search $args
	xc_assert_rc 2
	grep -qF -- "$want" "$XC_ERR" ||
		xc_fail "$args: no '$want' in: $(cat "$XC_ERR")"
done <<-BAD
--frame-sizes 64,x|--frame-sizes: expected rfc2544, spec or up to 32 frame sizes
--frame-sizes 20|frame size 20: command line: streams[0].frame_size: 20 is below the minimum
--goal 1.5|goal loss ratio (0 to < 1) 1.5 is out of range
--width 2|goal width (0 < w < 1) 2 is out of range
--min-rate 5000 --max-rate 1000|max load (>= min load) 1000 is out of range
--algorithm foo|--algorithm: 'foo' is not mlrsearch, rfc2544 or frame-loss
--max-trials 5000|--max-trials: '5000' is not a whole number from 1 to 1000
--algorithm frame-loss --step 0.5|step (0.001 to 0.1 of the max rate) 0.5 is out of range
--algorithm frame-loss --plot x.svg|--plot goes with a throughput search
--back-to-back --b2b-repeats 0|--b2b-repeats: '0' is not a whole number from 1 to 1000
--pcap x.pcap|--pcap is not for a search
BAD
xc_run "${XC_EP[@]}" --goal 0
xc_assert_rc 2
grep -qF -- "--goal belongs to xceiver search" "$XC_ERR" ||
	xc_fail "xceiver run --goal: $(cat "$XC_ERR")"

xc_log "case: MLRsearch at 64 and 512 bytes against a box of $R/s, burst $B"
xc_box_limit "$R" "$B"
xc_search --frame-sizes 64,512 --trial-duration "$T" --width "$W" \
	--max-rate 200000 --json "$out/m.json" --junit "$out/m.xml" \
	--plot "$out/m.svg" --json-stream "$out/m.ndjson" \
	--trial-reports "$out/reports"
xc_assert_rc 0
J=$out/m.json
xc_assert_eq "schema" "xceiver.search/1" "$(xc_jq .schema "$J")"
xc_assert_eq "sizes" "64 512" "$(xc_jq '[.sizes[].frame_size] | join(" ")' "$J")"
for i in 0 1; do
	sz=$(xc_jq ".sizes[$i].frame_size" "$J")
	for g in 0 1; do
		r=".sizes[$i].search.results[$g]"
		lr=$(xc_jq "$r.loss_ratio" "$J")
		goal=$(awk -v e="$E" -v lr="$lr" 'BEGIN { printf "%.1f", e / (1 - lr) }')
		lo=$(xc_jq "$r.lower_bound_pps" "$J")
		hi=$(xc_jq "$r.upper_bound_pps" "$J")
		xc_assert_eq "$sz bytes, goal $lr: done" true "$(xc_jq "$r.done" "$J")"
		xc_assert_eq "$sz bytes, goal $lr: not the tester's limit" false \
			"$(xc_jq "$r.tester_limited" "$J")"
		xc_within "$sz bytes, goal $lr: width" 0 \
			"$(awk -v l="$lo" -v h="$hi" 'BEGIN { print h - l }')" \
			"$(awk -v h="$hi" -v w="$W" 'BEGIN { print w * h }')"
		xc_within "$sz bytes, goal $lr: the box's limit $goal in the bounds" \
			"$(awk -v l="$lo" -v t="$TOL" 'BEGIN { print l * (1 - t) }')" \
			"$goal" \
			"$(awk -v h="$hi" -v t="$TOL" 'BEGIN { print h * (1 + t) }')"
	done
	# every trial lost what the box had to drop at its load
	bad=$(xc_jq "$XC_JQ_BOX [.sizes[$i].search.trials[] |
		select(.sender_short | not) | xc_box_drops(.load_pps) as \$want |
		select(((.lost - \$want) | fabs) > .load_pps * $TOL * $T)] |
		length" "$J")
	xc_assert_eq "$sz bytes: trials whose loss is not the box's" 0 "$bad"
	n=$(xc_jq ".sizes[$i].search.trials | length" "$J")
	xc_assert_eq "$sz bytes: a run per trial" "$n" \
		"$(xc_jq "[.sizes[$i].search.trials[].run.run_id] | unique | length" "$J")"
	xc_assert_eq "$sz bytes: trial events" "$n" \
		"$(jq -s "[.[] | select(.event == \"trial\" and .frame_size == \"$sz\")] | length" \
			"$out/m.ndjson")"
	xc_assert_eq "$sz bytes: trial reports" "$((n + 1))" \
		"$(find "$out/reports" -name "$sz-*.json" | wc -l)"
	xc_assert_eq "$sz bytes: the first trial's report is its run" \
		"$(xc_jq ".sizes[$i].search.trials[0].run.run_id" "$J")" \
		"$(xc_jq .run_id "$out/reports/$sz-0001.json")"
done
xc_assert_eq "last event" verdict "$(tail -n 1 "$out/m.ndjson" | jq -r .event)"
if xmllint --noout --schema "$XSD" "$out/m.xml" 2>"$XC_TMP/xmllint.err"; then
	xc_log "ok: the JUnit file is valid by tests/junit.xsd"
else
	xc_fail "the JUnit file is not valid: $(cat "$XC_TMP/xmllint.err")"
fi
xc_assert_eq "JUnit suites" 2 \
	"$(xmllint --xpath 'count(//testsuite)' "$out/m.xml")"
xc_assert_eq "JUnit failures" 0 \
	"$(xmllint --xpath 'string(/testsuites/@failures)' "$out/m.xml")"
xmllint --noout "$out/m.svg" && xc_log "ok: the plot is well-formed SVG" ||
	xc_fail "the plot is not well-formed"

xc_log "case: the box allows more than the tester sends"
xc_box_limit 20000000 100000
xc_search --frame-sizes 64 --trial-duration "$T" --width "$W" \
	--json "$out/t.json"
xc_assert_rc 0
J=$out/t.json
for g in 0 1; do
	r=".sizes[0].search.results[$g]"
	xc_assert_eq "goal $g: limited by the tester" true \
		"$(xc_jq "$r.tester_limited" "$J")"
	xc_within "goal $g: at the senders' ceiling" \
		"$(xc_jq "$r.lower_bound_pps" "$J")" \
		"$(xc_jq .sizes[0].search.tester_ceiling_pps "$J")" \
		"$(xc_jq .sizes[0].probe_pps "$J")"
done
grep -q "limited by the tester at $(xc_jq '.sizes[0].search.results[0].lower_bound_pps | floor' "$J")" \
	"$XC_OUT" || xc_fail "no 'limited by the tester at N' in: $(cat "$XC_OUT")"

xc_log "case: frame loss rate at stepped loads"
xc_box_limit "$R" "$B"
xc_search --algorithm frame-loss --frame-sizes 512 --trial-duration "$T" \
	--max-rate 100000 --json "$out/f.json"
xc_assert_rc 0
J=$out/f.json
xc_assert_eq "ended by" "two lossless trials" \
	"$(xc_jq .sizes[0].frame_loss.stopped "$J")"
bad=$(xc_jq "$XC_JQ_BOX [.sizes[0].frame_loss.trials[] |
	select(.sender_short | not) | xc_box_drops(.load_pps) as \$want |
	select(((.lost_frames - \$want) | fabs) > .load_pps * $TOL * $T)] |
	length" "$J")
xc_assert_eq "steps whose loss is not the box's" 0 "$bad"

xc_log "case: back-to-back frames"
xc_search --algorithm rfc2544 --frame-sizes 64 --trial-duration "$T" \
	--width "$W" --max-rate 100000 --back-to-back --b2b-repeats 2 \
	--b2b-max-frames $((4 * B)) --b2b-trial 0.5 --json "$out/b.json"
xc_assert_rc 0
J=$out/b.json
mean=$(xc_jq .sizes[0].back_to_back.result.mean_frames "$J")
smin=$(xc_jq .sizes[0].back_to_back.result.burst_pps_min "$J")
xc_within "average longest burst" \
	"$(awk -v b="$B" -v w="$W" 'BEGIN { print b * (1 - w) }')" "$mean" \
	"$(awk -v b="$B" -v r="$R" -v s="$smin" -v w="$W" \
		'BEGIN { print b / (1 - r / s) * (1 + w) }')"

xc_log "case: the Rx agent goes away mid-search: exit 3, the results so far"
rm -f "$out/v.ndjson"
XC_CTL_CMD=search XC_RUN_TIMEOUT=600 xc_run_bg "${XC_EP_RT[@]}" --mode skb \
	--trial-gap "$GAP" --frame-sizes 64 --trial-duration "$T" --width "$W" --max-rate 200000 \
	--json "$out/v.json" --junit "$out/v.xml" --json-stream "$out/v.ndjson"
for ((i = 0; i < 300; i++)); do
	grep -q '"event":"trial"' "$out/v.ndjson" 2>/dev/null && break
	sleep 0.1
done
xc_agent_stop rx
xc_run_wait
xc_assert_rc 3
J=$out/v.json
xc_assert_eq "verdict" could_not_run "$(xc_jq .verdict "$J")"
grep -q "rx agent" <<<"$(xc_jq .reason "$J")" ||
	xc_fail "the reason does not name the rx agent: $(xc_jq .reason "$J")"
xc_within "trials kept" 1 "$(xc_jq '.sizes[0].search.trials | length' "$J")" \
	1000
xc_assert_eq "last event" could_not_run \
	"$(tail -n 1 "$out/v.ndjson" | jq -r .verdict)"
xc_assert_eq "JUnit error" 1 \
	"$(xmllint --xpath 'string(/testsuites/@errors)' "$out/v.xml")"
xc_agent_start rx
xc_end
