#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The agents' /metrics (--metrics ADDR:PORT on their management
# addresses): scraped while a run goes, every scrape passes a strict
# OpenMetrics parser (prometheus_client's) with the OpenMetrics content
# type, and (where the prometheus package is installed: deploy/deps.sh
# leaves it out, as it brings a Prometheus server that Debian starts)
# promtool's lint of the Prometheus text format when Accept asks only for
# that; the frames counters move during the run and equal the
# run's JSON report at the end, and still do after a second run (totals
# of ended runs kept). A wildcard address is refused without
# --metrics-any-address. Idle connections from one address beyond the
# limit do not wedge the endpoint: they time out and scraping works again.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XC_MPORT=9464
XC_PY=/usr/bin/python3
XC_OM_TYPE="application/openmetrics-text; version=1.0.0; charset=utf-8"
XC_MTIMEOUT_S=5		# XC_METRICS_TIMEOUT_S
XC_MPER_IP=2		# XC_METRICS_MAX_PER_IP

xc_require
command -v curl >/dev/null || xc_skip "curl not installed"
"$XC_PY" -c 'import prometheus_client.openmetrics.parser' 2>/dev/null ||
	xc_skip "no prometheus_client for $XC_PY (python3-prometheus-client)"

# A wildcard address, refused before anything starts
for a in 0.0.0.0 "[::]"; do
	out=$("$XC_AGENT" --listen 127.0.0.1:1 --plain --metrics "$a:$XC_MPORT" 2>&1)
	rc=$?
	xc_assert_eq "exit of --metrics $a" 2 "$rc"
	grep -q -- "--metrics-any-address" <<<"$out" ||
		xc_fail "--metrics $a: no word of --metrics-any-address: $out"
done

# xc_scrape ROLE FILE: GET /metrics of ROLE's agent (OpenMetrics), the body
# in FILE, its headers in FILE.h; checked strictly. 1 when it failed.
xc_scrape()
{
	local url

	url="http://$(xc_mgmt_of "$1"):$XC_MPORT/metrics"
	curl -sS --max-time 3 -D "$2.h" -o "$2" \
		-H "Accept: application/openmetrics-text; version=1.0.0" \
		"$url" || return 1
	grep -qiF "content-type: $XC_OM_TYPE" "$2.h" ||
		xc_fail "$1: content type: $(grep -i content-type "$2.h")"
	"$XC_PY" - "$2" <<-'EOF' || xc_fail "$1: not OpenMetrics: $2"
	import sys
	from prometheus_client.openmetrics import parser
	with open(sys.argv[1]) as f:
	    list(parser.text_string_to_metric_families(f.read()))
	EOF
}

# The Prometheus text format 0.0.4, linted by promtool.
xc_scrape_prom()
{
	local url out

	if ! command -v promtool >/dev/null; then
		xc_log "no promtool (prometheus): the Prometheus format unchecked"
		return 0
	fi
	url="http://$(xc_mgmt_of "$1"):$XC_MPORT/metrics"
	out=$(curl -sS --max-time 3 -H "Accept: text/plain; version=0.0.4" \
		"$url" | promtool check metrics 2>&1) ||
		xc_fail "$1: promtool check metrics: $out"
}

# xc_sum FILE NAME: NAME's samples summed (over interfaces and queues).
xc_sum()
{
	awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF }
		END { printf "%d\n", s }' "$1"
}

xc_lab_up
for role in tx rx; do
	XC_AGENT_ARGS="--metrics $(xc_mgmt_of $role):$XC_MPORT" \
		xc_agent_start "$role"
done

# A paced run of 4 s, scraped every 0.3 s while it goes
count=400000
xc_run_bg "${XC_EP[@]}" --mode skb --count $count --size 64 --rate 100000 \
	--json "$XC_JSON"
moves=0
last=0
n=0
while xc_ctl_running; do
	if xc_scrape tx "$XC_TMP/m.tx" && xc_scrape rx "$XC_TMP/m.rx"; then
		n=$((n + 1))
		sent=$(xc_sum "$XC_TMP/m.tx" xceiver_frames_sent_total)
		[ "$sent" -gt "$last" ] && [ "$sent" -lt $count ] &&
			moves=$((moves + 1))
		[ "$sent" -lt "$last" ] &&
			xc_fail "frames sent went back: $last, then $sent"
		last=$sent
	fi
	sleep 0.3
done
xc_run_wait
xc_assert_rc 0
xc_assert_clean_stream $count
xc_log "scrapes during the run: $n; frames sent moved in $moves"
[ "$moves" -ge 2 ] ||
	xc_fail "frames sent did not move during the run ($moves scrapes)"
xc_scrape_prom tx
xc_scrape_prom rx

# xc_check_totals RUNS SENT RECEIVED VALIDATED TX_RING_EMPTY RX_RING_FULL:
# after the runs ended
xc_check_totals()
{
	sleep 0.5	# a snapshot after the release
	xc_scrape tx "$XC_TMP/m.tx" || xc_fail "cannot scrape the tx agent"
	xc_scrape rx "$XC_TMP/m.rx" || xc_fail "cannot scrape the rx agent"
	xc_assert_eq "tx: frames sent" "$2" \
		"$(xc_sum "$XC_TMP/m.tx" xceiver_frames_sent_total)"
	xc_assert_eq "rx: frames received" "$3" \
		"$(xc_sum "$XC_TMP/m.rx" xceiver_frames_received_total)"
	xc_assert_eq "rx: frames validated" "$4" \
		"$(xc_sum "$XC_TMP/m.rx" xceiver_frames_validated_total)"
	xc_assert_eq "rx: missing" 0 \
		"$(xc_sum "$XC_TMP/m.rx" xceiver_missing_total)"
	xc_assert_eq "tx: socket tx_ring_empty_descs" "$5" \
		"$(xc_sum "$XC_TMP/m.tx" xceiver_xsk_tx_ring_empty_descs_total)"
	xc_assert_eq "rx: socket rx_ring_full" "$6" \
		"$(xc_sum "$XC_TMP/m.rx" xceiver_xsk_rx_ring_full_total)"
	for role in tx rx; do
		xc_assert_eq "$role: runs started" "$1" \
			"$(xc_sum "$XC_TMP/m.$role" xceiver_runs_started_total)"
		xc_assert_eq "$role: runs reported" "$1" "$(xc_sum \
			"$XC_TMP/m.$role" 'xceiver_runs_finished_total{outcome="reported"}')"
		xc_assert_eq "$role: runs active" 0 \
			"$(xc_sum "$XC_TMP/m.$role" xceiver_runs_active)"
	done
}

sent=$(xc_jq '.tx.tx_frames | n')
received=$(xc_jq '.rx.rx_frames | n')
valid=$(xc_jq '[.rx.rx[].delivered | n] | add')
empty=$(xc_jq '[.tx.xsk[].tx_ring_empty_descs | n] | add')
full=$(xc_jq '[.rx.xsk[].rx_ring_full | n] | add')
xc_check_totals 1 "$sent" "$received" "$valid" "$empty" "$full"

# A second run: the counters go on from the first one's totals
xc_run "${XC_EP[@]}" --mode skb --count 10000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_check_totals 2 $((sent + $(xc_jq '.tx.tx_frames | n'))) \
	$((received + $(xc_jq '.rx.rx_frames | n'))) \
	$((valid + $(xc_jq '[.rx.rx[].delivered | n] | add'))) \
	$((empty + $(xc_jq '[.tx.xsk[].tx_ring_empty_descs | n] | add'))) \
	$((full + $(xc_jq '[.rx.xsk[].rx_ring_full | n] | add')))

# Idle connections from this address up to the limit: a scrape beyond it
# is refused, and works again once they timed out
url="http://$(xc_mgmt_of tx):$XC_MPORT/metrics"
for ((i = 0; i < XC_MPER_IP; i++)); do
	exec {fd}<>"/dev/tcp/$(xc_mgmt_of tx)/$XC_MPORT"
	fds+=("$fd")
done
curl -s --max-time 2 -o /dev/null "$url" &&
	xc_fail "a scrape beyond $XC_MPER_IP idle connections was served"
sleep $((XC_MTIMEOUT_S + 1))
curl -sS --max-time 2 -o /dev/null "$url" ||
	xc_fail "no scrape after the idle connections timed out"
for fd in "${fds[@]}"; do
	exec {fd}>&-
done
xc_assert_agents_alive "after the scrapes"
xc_end
