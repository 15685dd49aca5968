#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Every counter of the report against a plan known in advance. The lab's
# middle box (tests/mbox, lab.sh up --mbox) drops, duplicates (at once and
# later, once after the validator's window moved on), corrupts payload and
# header bytes, truncates, lengthens, holds frames back (once past the
# window, so that one arrives late) and injects frames (wrong magic,
# another run's tag, an unknown stream id, a seq outside the stream), each
# chosen by sequence number. From the plan alone the test computes the
# exact report: delivered, missing and its ranges, corrupt with the first
# seq and offset, duplicates, reordered and the largest displacement,
# unexpected, late, foreign, the frames the Rx XDP program passed to the
# kernel as not this run's (no whole payload header, wrong magic or tag:
# xdp_not_ours) and the anomaly list (kind, stream, seq, seen and expected
# length, first bad byte, in arrival order). The run's
# --expect checks say exactly those values, so the verdict passes only
# when they hold, and the JSON report is compared field by field too. The
# box must not lose a frame itself, and every rule must have hit its
# frames. In skb and drv modes, IPv4 and IPv6, one lab. A run in which an instrument lost
# frames (the box, the middle links, the Rx socket: a busy machine) says
# nothing about the validator: it is logged and run again, and the last of
# at most TRIES runs is judged whatever happened.
#
# How the frames of this test are laid out (no VLAN, 128-byte frames, 124
# bytes without FCS): Ethernet 0-13, then
#   IPv4 14-33 (TTL 22, source 26-29, destination 30-33), UDP 34-41
#   (destination port 36-37), payload header 42-59, pattern 60-123;
#   IPv6 14-53 (hop limit 21, source 22-37, destination 38-53), UDP 54-61
#   (destination port 56-57), payload header 62-79, pattern 80-123.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# Stream 1 takes every action; stream 2, short and slow, only drops and
# one hold (no anomaly, so the anomaly list keeps one arrival order): the
# report gives a stream's largest displacement only, and stream 1's is
# the hold past the window, so a short hold shows in stream 2's.
STREAMS=(1 2)
declare -A COUNT=([1]=1100000 [2]=20000)	# 1: over one window
declare -A RATE=([1]=100000 [2]=10000)	# what the AF_PACKET box forwards
					# without loss, with room for a
					# busy machine
TOTAL=$((COUNT[1] + COUNT[2]))
TRIES=3		# runs per mode while the instruments lose frames
SIZE=128
DLEN=$((SIZE - 4))
MAX_ANOM=64		# rx_options.max_anomalies: every anomaly kept

# The validator's window in sequence numbers, from its one definition.
xc_window()
{
	local h=$XC_ROOT/shared/xc_limits.h v
	local def='^#define[[:space:]]*XC_DEF_WINDOW_BITS[[:space:]]*'

	v=$(sed -n "s/$def//p" "$h" | sed -n 's/^(1u << \([0-9]*\)).*/\1/p')
	[ -n "$v" ] || return 1
	echo $((1 << v))
}

# The plan (tests/mbox/xc_mbox.c has the format). Rules stay apart so that
# each one's effect on the report is its own (xc_expect_plan checks).
xc_plan()
{
	cat <<-EOF
	1 1000 hold 1060000	# past the window: late, missing
	1 2000 dup 1 after 1060000	# a copy past the window: a duplicate
	1 3000 drop
	1 3100-3109 drop
	1 4000 dup 2
	1 5000 dup 1 after 5		# a later copy: not reordered
	1 6000 corrupt 100		# a payload byte
	1 7000 corrupt udp.sport
	1 8000 corrupt ip.src
	1 8500 corrupt ip.ttl
	1 9000 corrupt udp.dport	# not the run's port: to the stack
	1 10000 truncate 90
	1 11000 truncate 50		# IPv4: no whole payload header,
	1 11200 truncate 70		# not ours; IPv6: 50 has no UDP
	1 11500 truncate 30		# header, 70 is not ours (stack)
	1 12000 lengthen 16
	1 13000 hold 10
	1 14000 inject magic		# not ours: to the stack
	1 15000 inject tag		# not ours: to the stack
	1 16000 inject stream 77	# ours, no such stream: foreign
	1 17000 inject seq 5000000	# outside the stream: unexpected
	2 500 hold 10			# the largest displacement of 2
	2 700-702 drop
	EOF
}

# xc_expect_plan WINDOW 4|6 < PLAN: the report the plan must give for
# IPv4 or IPv6 frames, as KEY VALUE lines (per stream: sN.KEY). Refuses a
# plan whose rules could change each other's effect, or an action this
# model does not know the effect of.
xc_expect_plan()
{
	local counts="" st

	for st in "${STREAMS[@]}"; do
		counts+="$st:${COUNT[$st]} "
	done
	awk -v counts="$counts" -v dlen="$DLEN" -v win="$1" \
	    -v v6=$(($2 == 6)) -v maxanom="$MAX_ANOM" '
	BEGIN {
		n = split(counts, c, " ")
		for (i = 1; i <= n; i++) {
			split(c[i], kv, ":"); cnt[kv[1]] = kv[2] + 0
			order[i] = kv[1]
		}
		nst = n
		l3 = 14; l4 = v6 ? 54 : 34; pat = l4 + 8 + 18
		ttl = l3 + (v6 ? 7 : 8)
		# v4: header checksum and addresses; v6: addresses
		addr = l3 + (v6 ? 8 : 10)
		src = l3 + (v6 ? 23 : 15); dst = l3 + (v6 ? 39 : 19)
	}
	function die(m) { print "plan line " NR ": " m > "/dev/stderr"
			  bad = 1; exit 1 }
	function miss(a, b) { nm[st]++; mlo[st, nm[st]] = a
			      mhi[st, nm[st]] = b }
	# anomaly at arrival position pos (the frame after which it comes);
	# only stream 1 has any, so that their order is known
	function anom(pos, ph, k, sq, seen, xlen, off) {
		if (st != 1) die("anomalies: stream 1 only")
		na++
		akey[na] = sprintf("%015d %d %03d %03d", pos, ph, NR, na)
		aval[na] = k "/" sq "/" seen "/" xlen "/" off
		aid[na] = k == "foreign" ? 0 : st
	}
	function field(f) {
		if (f == "eth.src") return 11; if (f == "ip.ttl") return ttl
		if (f == "ip.src") return src; if (f == "ip.dst") return dst
		if (f == "udp.sport") return l4 + 1
		if (f == "udp.dport") return l4 + 3
		if (f ~ /^[0-9]+$/) return f + 0
		die("corrupt " f ": no model for it")
	}
	# the destination port leaves the run: the frame goes to the stack
	function corrupt(s, off) {
		if (off == l4 + 2 || off == l4 + 3) { miss(s, s); return }
		if (!(off >= 6 && off <= 11 || off == ttl ||
		      off >= addr && off < l4 + 8 || off >= pat && off < dlen))
			die("corrupt at byte " off ": no model for it")
		ncor[st]++; anom(s, 0, "corrupt", s, dlen, dlen, off)
	}
	# no UDP header: to the stack; no whole payload header: not ours,
	# the XDP program passes it to the stack too, and counts it
	function truncate(s, len) {
		if (len >= dlen) die("truncate " len ": not shorter")
		if (len < l4 + 8) miss(s, s)
		else if (len < pat) { miss(s, s); notours++ }
		else { ncor[st]++; anom(s, 0, "corrupt", s, len, dlen, len) }
	}
	function later(s, k, what) {
		if (s + k >= cnt[st]) die(what " past the end of the stream")
		if (k > win - 64 && k < win)
			die(what " " k ": too near the window to tell")
		rel[NR] = s + k; relk[NR] = k
	}
	{ sub(/#.*/, "") }
	NF == 0 { next }
	!($1 in cnt) { die("stream " $1 ": not a stream of the run") }
	{
		st = $1; stq[NR] = st
		split($2, r, "-"); lo = r[1] + 0; hi = (2 in r) ? r[2] + 0 : lo
		if (hi >= cnt[st]) die("seq " hi " past the end")
		seqlo[NR] = lo; seqhi[NR] = hi
		applied = applied NR ":" (hi - lo + 1) " "
		if ($3 != "drop" && lo != hi) die("ranges: drop only")
		s = lo
	}
	$3 == "drop" { miss(lo, hi); dropped += hi - lo + 1; next }
	$3 == "dup" && NF == 4 { dups[st] += $4; copies += $4
		for (i = 0; i < $4; i++)
			anom(s, 1, "duplicate", s, dlen, dlen, 0)
		next }
	$3 == "dup" && $5 == "after" { later(s, $6 + 0, "dup after")
		dups[st] += $4; copies += $4; released += $4
		for (i = 0; i < $4; i++)
			anom(s + $6, 3, "duplicate", s, dlen, dlen, 0)
		next }
	$3 == "corrupt" { corrupt(s, field($4)); next }
	$3 == "truncate" { truncate(s, $4 + 0); next }
	$3 == "lengthen" { if ($4 + dlen > 1514) die("longer than the MTU")
		ncor[st]++; anom(s, 0, "corrupt", s, dlen + $4, dlen, dlen)
		next }
	$3 == "hold" { later(s, $4 + 0, "hold"); held++; released++
		reord[st]++; if ($4 > maxr[st]) maxr[st] = $4
		if ($4 >= win) { late[st]++; miss(s, s) }
		next }
	$3 == "inject" && $4 ~ /^(magic|tag)$/ && NF == 4 { injected++
		notours++; next }
	$3 == "inject" && $4 == "stream" && !($5 in cnt) { injected++
		foreign++; anom(s, 2, "foreign", 0, dlen, 0, 0); next }
	$3 == "inject" && $4 == "seq" && $5 >= cnt[st] { injected++
		unexp[st]++; anom(s, 2, "unexpected", $5, dlen, 0, 0); next }
	{ die("no model for: " $0) }
	END {
		if (bad) exit 1
		# rules of a stream apart: nothing else within a short
		# delay, and the frame a hold waits for arrives as sent
		for (i in rel) for (j in seqlo) {
			if (i == j || stq[i] != stq[j]) continue
			if (relk[i] < win && seqhi[j] > seqlo[i] &&
			    seqlo[j] <= rel[i])
				die2("rules " i " and " j " overlap")
			if (seqlo[j] <= rel[i] && rel[i] <= seqhi[j])
				die2("rule " j " is on the frame rule " i \
				     " waits for")
		}
		for (j in seqlo) for (i in seqlo)
			if (i < j && stq[i] == stq[j] &&
			    seqlo[j] <= seqhi[i] && seqlo[i] <= seqhi[j])
				die2("rules " i " and " j " share a frame")
		if (na > maxanom) die2(na " anomalies, more than " maxanom)
		for (i = 1; i <= nst; i++)
			report_stream(order[i])
		report()
	}
	function die2(m) { print "plan: " m > "/dev/stderr"; exit 1 }
	# missing ranges of stream q, merged where they touch
	function report_stream(q,   i, j, t, n, rs, missing, k) {
		for (i = 1; i <= nm[q]; i++) for (j = i + 1; j <= nm[q]; j++)
			if (mlo[q, j] < mlo[q, i]) {
				t = mlo[q, i]; mlo[q, i] = mlo[q, j]; mlo[q, j] = t
				t = mhi[q, i]; mhi[q, i] = mhi[q, j]; mhi[q, j] = t
			}
		n = 0
		for (i = 1; i <= nm[q]; i++) {
			missing += mhi[q, i] - mlo[q, i] + 1
			if (n && mlo[q, i] == rhi[n] + 1) {
				rhi[n] = mhi[q, i]
				continue
			}
			n++; rlo[n] = mlo[q, i]; rhi[n] = mhi[q, i]
		}
		for (i = 1; i <= n; i++) rs = rs (i > 1 ? " " : "") \
			rlo[i] "-" rhi[i]
		k = "s" q "."
		print k "missing", missing + 0
		print k "ranges", rs
		print k "range_count", n
		print k "corrupt", ncor[q] + 0
		print k "delivered", cnt[q] - missing - ncor[q]
		print k "duplicates", dups[q] + 0
		print k "reordered", reord[q] + 0
		print k "max_reorder", maxr[q] + 0
		print k "late", late[q] + 0
		print k "unexpected", unexp[q] + 0
		first[q] = "none"
	}
	# anomalies in arrival order, the first corrupt one of each stream
	function report(   i, j, t, al, ids, f) {
		for (i = 1; i <= na; i++) for (j = i + 1; j <= na; j++)
			if (akey[j] < akey[i]) {
				t = akey[i]; akey[i] = akey[j]; akey[j] = t
				t = aval[i]; aval[i] = aval[j]; aval[j] = t
				t = aid[i]; aid[i] = aid[j]; aid[j] = t
			}
		for (i = 1; i <= na; i++) {
			al = al (i > 1 ? " " : "") aval[i]
			ids = ids (i > 1 ? " " : "") aid[i]
			split(aval[i], f, "/")
			if (f[1] == "corrupt" && first[aid[i]] == "none")
				first[aid[i]] = f[2] " " f[5]
		}
		for (i = 1; i <= nst; i++)
			print "s" order[i] ".first_corrupt", first[order[i]]
		print "foreign", foreign + 0
		print "xdp_not_ours", notours + 0
		print "anomaly_count", na + 0
		print "anomalies", al
		print "anomaly_ids", ids
		print "box_dropped", dropped + 0
		print "box_copies", copies + 0
		print "box_injected", injected + 0
		print "box_held", held + 0
		print "box_released", released + 0
		print "box_applied", applied
	}'
}

declare -A W

# xc_load_expectation 4|6: W, the report the plan must give.
xc_load_expectation()
{
	local out k v win st

	win=$(xc_window) ||
		xc_fatal "no XC_DEF_WINDOW_BITS (1u << N) in shared/xc_limits.h"
	W=()
	out=$(xc_plan | xc_expect_plan "$win" "$1") ||
		xc_fatal "the plan has no exact expected report"
	while read -r k v; do
		W[$k]=$v
	done <<<"$out"
	# what this test is for: one arrival after the window moved on
	[ "${W[s1.late]}" -ge 1 ] ||
		xc_fatal "no rule holds a frame past the window ($win)"
	for st in "${STREAMS[@]}"; do
		xc_log "expected for IPv$1, stream $st: missing" \
			"${W[s$st.missing]} (${W[s$st.ranges]}), corrupt" \
			"${W[s$st.corrupt]}, duplicates ${W[s$st.duplicates]}," \
			"reordered ${W[s$st.reordered]}, late ${W[s$st.late]}," \
			"unexpected ${W[s$st.unexpected]}"
	done
	xc_log "expected: foreign ${W[foreign]}, not ours" \
		"${W[xdp_not_ours]}, ${W[anomaly_count]} anomalies"
}

xc_spec()
{
	cat <<-EOF
	rx:
	  xsk: { num_chunks: 16384, fill_size: 16384, rx_size: 16384 }
	rx_options:
	  max_anomalies: $MAX_ANOM
	streams:
	EOF
	for st in "${STREAMS[@]}"; do
		cat <<-EOF
		  - id: $st
		    count: ${COUNT[$st]}
		    frame_size: $SIZE
		    rate_pps: ${RATE[$st]}
		EOF
	done
}

# The middle box's own account: nothing lost, every rule on its frames.
xc_check_box()
{
	local st=$1 applied id

	id=$(xc_jq '.run_id')
	xc_assert_eq "box: the run tag it followed" "$((16#${id: -8}))" \
		"$(xc_jq '.run_tag | n' "$st")"
	xc_assert_eq "box: frames of the run it received, per stream" \
		"$(for q in "${STREAMS[@]}"; do echo -n "$q:${COUNT[$q]} "; done)" \
		"$(xc_jq '[.streams[] | "\(.id):\(.received) "] | add' "$st")"
	xc_assert_eq "box: frames it lost itself" 0 "$(xc_jq '.lost | n' "$st")"
	xc_assert_eq "box: socket drops (PACKET_STATISTICS)" 0 \
		"$(xc_jq '[.ports[].tp_drops] | add' "$st")"
	xc_assert_eq "box: rules that could not act on their frame" 0 \
		"$(xc_jq '.skipped | n' "$st")"
	xc_assert_eq "box: dropped by plan" "${W[box_dropped]}" \
		"$(xc_jq '.plan_dropped | n' "$st")"
	xc_assert_eq "box: copies" "${W[box_copies]}" \
		"$(xc_jq '.copies | n' "$st")"
	xc_assert_eq "box: injected" "${W[box_injected]}" \
		"$(xc_jq '.injected | n' "$st")"
	xc_assert_eq "box: held" "${W[box_held]}" "$(xc_jq '.held | n' "$st")"
	xc_assert_eq "box: released" "${W[box_released]}" \
		"$(xc_jq '.released | n' "$st")"
	applied=$(xc_jq '[.rules[] | "\(.line):\(.applied)"] | join(" ")' "$st")
	xc_assert_eq "box: frames each rule acted on" "${W[box_applied]% }" \
		"$applied"
}

# Drops on the middle namespace's links (veth counters).
xc_check_links()
{
	local dev drops

	for dev in "$XC_MID_TO_TX" "$XC_MID_TO_RX"; do
		drops=$(ip -n "$XC_MID_NS" -s -j link show dev "$dev" |
			jq '.[0].stats64 | .rx.dropped + .tx.dropped')
		xc_assert_eq "$dev: dropped" 0 "$drops"
	done
}

# xc_check_stream ST: one stream's counters in the JSON report.
xc_check_stream()
{
	local st=$1 k first r=".rx.rx[] | select(.stream_id == $1)"

	xc_assert_eq "stream $st: sent" "${COUNT[$st]}" \
		"$(xc_jq ".tx.tx[] | select(.stream_id == $st) | .sent | n")"
	xc_assert_eq "stream $st: expected" "${COUNT[$st]}" \
		"$(xc_jq "$r | .expected | n")"
	for k in delivered missing corrupt duplicates reordered max_reorder \
		 late unexpected; do
		xc_assert_eq "stream $st: $k" "${W[s$st.$k]}" \
			"$(xc_jq "$r | .$k | n")"
	done
	xc_assert_eq "stream $st: missing ranges" "${W[s$st.ranges]}" \
		"$(xc_jq "[$r | .missing_ranges[]? |
			\"\(.first | n)-\(.last | n)\"] | join(\" \")")"
	xc_assert_eq "stream $st: missing range count" \
		"${W[s$st.range_count]}" \
		"$(xc_jq "$r | .missing_range_count | n")"
	first=$(xc_jq "$r | if .has_corrupt then
		\"\(.first_corrupt_seq | n) \(.first_corrupt_offset | n)\"
		else \"none\" end")
	xc_assert_eq "stream $st: first corrupt seq and offset" \
		"${W[s$st.first_corrupt]}" "$first"
}

xc_check_report()
{
	local st

	xc_assert_eq verdict pass "$(xc_jq '.verdict')"
	xc_assert_eq "rx socket drops" 0 \
		"$(xc_jq '[.rx.xsk[]? | (.rx_dropped | n)] | add // 0')"
	for st in "${STREAMS[@]}"; do
		xc_check_stream "$st"
	done
	xc_assert_eq foreign "${W[foreign]}" "$(xc_jq '.rx.foreign | n')"
	xc_assert_eq "not ours, passed to the kernel" "${W[xdp_not_ours]}" \
		"$(xc_jq '.rx.xdp_not_ours | n')"
	# the box's doing, which no counter of either host accounts for
	xc_assert_eq "missing frames lost between the hosts" \
		"$(xc_jq '.forensics.missing | n')" \
		"$(xc_jq '.forensics.split.between_hosts | n')"
	# and the episodes say what the XDP program passed as not ours: each
	# counted once, in the window of one episode
	xc_assert_eq "not ours, told by the loss episodes" \
		"${W[xdp_not_ours]}" \
		"$(xc_jq '[.forensics.episodes[]?.why.between_hosts // "" |
			capture("^XDP passed (?<n>[0-9]+) ")? | .n | tonumber] |
			add // 0')"
	xc_assert_eq "anomaly count" "${W[anomaly_count]}" \
		"$(xc_jq '.rx.anomaly_count | n')"
	xc_assert_eq "anomalies (kind/seq/seen/expected/bad byte)" \
		"${W[anomalies]}" \
		"$(xc_jq '[.rx.anomalies[]? | "\(.kind)/\(.seq | n)/\(.seen_len | n)/\(.expected_len | n)/\(.bad_offset | n)"] | join(" ")')"
	# a foreign frame has no stream
	xc_assert_eq "anomaly stream ids" "${W[anomaly_ids]}" \
		"$(xc_jq '[.rx.anomalies[]? | .stream_id | n | tostring] |
			join(" ")')"
}

# Frames the instruments lost, not the plan: the box (its sockets, sends,
# holds), the links through the middle namespace, the Rx sockets, or
# frames that never reached the box. Prints a reason when there are any.
xc_instrument_loss()
{
	local st=$1 n dev why=""

	n=$(xc_jq '.lost | n' "$st")
	[ "$n" = 0 ] || why+="the box lost $n frames itself; "
	n=$(xc_jq '.test_frames | n' "$st")
	[ "$n" = "$TOTAL" ] || why+="the box saw $n of $TOTAL frames; "
	n=$(xc_jq '[.rx.xsk[]? | (.rx_dropped | n)] | add // 0')
	[ "$n" = 0 ] || why+="the Rx socket dropped $n; "
	for dev in "$XC_MID_TO_TX" "$XC_MID_TO_RX"; do
		n=$(ip -n "$XC_MID_NS" -s -j link show dev "$dev" |
			jq '.[0].stats64 | .rx.dropped + .tx.dropped')
		[ "$n" = 0 ] || why+="$dev dropped $n; "
	done
	[ -n "$why" ] && echo "${why%; }"
}

# xc_impair_run MODE 4|6 STATS: one run through a fresh box with the plan.
xc_impair_run()
{
	local mode=$1 stats=$3 spec=$XC_TMP/spec.yaml plan=$XC_TMP/plan
	local ip=() ex=() st k

	[ "$2" = 4 ] || ip=(--ipv6)
	for st in "${STREAMS[@]}"; do
		for k in missing corrupt duplicates reordered late unexpected
		do
			ex+=(--expect "stream $st $k == ${W[s$st.$k]}")
		done
	done
	xc_plan >"$plan"
	xc_spec >"$spec"
	xc_mbox_start "$plan" "$stats"
	xc_run "$spec" "${XC_EP[@]}" --mode "$mode" "${ip[@]}" \
		--json "$XC_JSON" "${ex[@]}" --expect "foreign == ${W[foreign]}"
	xc_mbox_stop
	XC_MBOX_RC=$?
}

# xc_impair MODE 4|6: a run judged in full. A run in which an instrument lost
# frames (a busy machine: xc_instrument_loss says which) tells nothing
# about the validator; it is logged and run again, at most TRIES times,
# and the last one is judged whatever happened.
xc_impair()
{
	local mode=$1 ipv=$2 stats=$XC_TMP/mbox-$1-$2.json try why

	xc_load_expectation "$ipv"
	for ((try = 1; try <= TRIES; try++)); do
		xc_log "---- $mode mode, IPv$ipv, run $try"
		xc_impair_run "$mode" "$ipv" "$stats"
		# a run that did not happen is judged, never run again
		[ "$XC_RC" = 0 ] || [ "$XC_RC" = 1 ] || break
		why=$(xc_instrument_loss "$stats")
		if [ -z "$why" ] || [ $try -eq $TRIES ]; then
			break
		fi
		xc_log "run $try not judged: $why"
	done
	xc_assert_eq "xc-mbox exit code (0: lost nothing)" 0 "$XC_MBOX_RC"
	xc_assert_rc 0
	xc_check_box "$stats"
	xc_check_links
	xc_check_report
	cp "$XC_JSON" "$XC_TMP/report-$mode-$ipv.json"
}

xc_require
[ -x "$XC_MBOX" ] || xc_skip "no middle box $XC_MBOX (make -C tests/mbox)"
xc_lab_up --mbox
xc_agents_start
xc_load_expectation 4		# a plan without an exact report ends here
xc_impair skb 4
xc_impair skb 6
xc_impair drv 4
xc_impair drv 6
xc_end
