# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# bench.json from the rows (slurped array). Arguments: $refs (the paired
# rounds' references: one object per reference and round, its figures or
# {"na": why}, with ref "bare" or "trafgen" and round), $tgnft (trafgen
# into an nft ingress drop: figures, {"na": why} or null), $pin (the
# pinning), $reps (paired rounds), $order (each round's order of runs),
# $count (frames of a paired xceiver run), $headroom and $rctx (see
# rates), $date, $kernel, $cpus.
#
# A paired figure keeps every round's value (null: n/a in that round) with
# median, min and max over the rounds that ran. A paired ratio is the
# median of the ratios within each round (the two runs of a round are
# seconds apart, so a drift of the host's speed between rounds cancels);
# ratios_of_medians has the median of one figure over the median of the
# other as well.
#
# $rctx has, per rate run (by name), the Tx Mpps of the full-speed runs
# just before and after it and how many full-speed runs it waited for. A
# rate is reachable in a round when both sent at least $headroom x the
# rate; the rate's goal figures are over the reachable rounds.

def ratio($a; $b): if $a != null and $b != null and $b > 0 then $a / $b
	else null end;
def ran: map(select(. != null));
def median: ran | sort | length as $n |
	if $n == 0 then null
	elif $n % 2 == 1 then .[($n - 1) / 2]
	else (.[$n / 2 - 1] + .[$n / 2]) / 2 end;
def stats: { values: ., median: median, min: (ran | min),
	     max: (ran | max), rounds_ran: (ran | length) };
# f of every round's object; null where the round has none or it is n/a
def pick(f): map(if . == null or .na != null then null else f end);
def xc_row($rows; $check; $r): first($rows[] | select(.kind == "paired"
	and .check == $check and .round == $r)) // null;
def ref_of($k; $r): first($refs[] | select(.ref == $k and .round == $r))
	// null;
def per_round($a; $b): [range(0; $a | length) as $i | ratio($a[$i]; $b[$i])]
	| stats;
def rate_ctx($name): first($rctx[] | select(.name == $name)) // {};
def rate_row: rate_ctx(.name) as $c |
	$c.full_mpps_before as $before | $c.full_mpps_after as $after |
	{ requested_pps: .rate_requested_pps, achieved_pps: .rate_achieved_pps,
	  error_pct: (if .rate_requested_pps != null and
			 .rate_achieved_pps != null then
		(.rate_achieved_pps - .rate_requested_pps) * 100 /
		.rate_requested_pps else null end),
	  missing: .missing, source: .rate_src, round: .round,
	  pace_restarts: .pace_restarts, pace_lost_ms: .pace_lost_ms,
	  full_mpps_before: $before, full_mpps_after: $after,
	  full_runs_before: ($c.full_runs_before // null),
	  reachable: ($before != null and $after != null and
		      .rate_requested_pps != null and
		      ([$before, $after] | min) * 1e6 >=
		      $headroom * .rate_requested_pps) };
def rate_summary: {
	requested_pps: .[0].requested_pps,
	achieved_pps: (map(.achieved_pps) | median),
	error_pct: (map(.error_pct) | median),
	error_pct_min: (map(.error_pct) | ran | min),
	error_pct_max: (map(.error_pct) | ran | max),
	missing: (map(.missing) | ran | max),
	reachable_rounds: (map(select(.reachable)) | length),
	reachable_error_pct: (map(select(.reachable) | .error_pct) | median),
	reachable_missing: (map(select(.reachable) | .missing) | ran | max),
	pace_lost_ms: (map(.pace_lost_ms) | median),
	source: .[0].source, rounds: . };
# n/a reasons as [{round, what, why}]
def nas($what): to_entries | map(select(.value.na != null) |
	{ round: (.key + 1), what: $what, why: .value.na });
# The top-level reference object: medians, or the first round's reason.
def ref_summary($list; $tx; $share):
	($list | map(select(. != null and .na == null))) as $ok |
	if ($ok | length) > 0 then
		($ok[0] | del(.frames, .seconds, .tx_frames_total, .rx,
			      .round, .ref, .sender_cpus)) +
		{ tx_mpps: $tx.median, rx_share: $share.median,
		  statistic: "median", rounds_ran: $tx.rounds_ran,
		  rounds: $reps }
	else
		{ na: (($list | map(.na // empty) | .[0]) // "not run") }
	end;

. as $rows |
[range(1; $reps + 1)] as $rounds |
($rows | map(select(.kind == "full" and .size == 64 and .mode == "skb"))
 | sort_by(.count)) as $f64 |
($f64 | .[0] // null) as $small |
(if ($f64 | length) > 1 then $f64[-1] else null end) as $big |
[$rounds[] as $r | xc_row($rows; "on"; $r)] as $on |
[$rounds[] as $r | xc_row($rows; "off"; $r)] as $off |
[$rounds[] as $r | xc_row($rows; "nolat"; $r)] as $nolat |
[$rounds[] as $r | ref_of("bare"; $r)] as $bare |
[$rounds[] as $r | ref_of("trafgen"; $r)] as $tg |
($on | pick(.tx_mpps)) as $on_tx |
($on | pick(.rx_mpps)) as $on_rx |
($off | pick(.rx_mpps)) as $off_rx |
($nolat | pick(.rx_mpps)) as $nolat_rx |
($bare | pick(.tx_mpps)) as $bare_tx |
($tg | pick(.tx_mpps)) as $tg_tx |
{
	xceiver_tx_mpps: ($on_tx | stats),
	xceiver_rx_mpps: ($on_rx | stats),
	xceiver_missing: ($on | pick(.missing) | stats),
	xceiver_off_tx_mpps: ($off | pick(.tx_mpps) | stats),
	xceiver_off_rx_mpps: ($off_rx | stats),
	xceiver_off_missing: ($off | pick(.missing) | stats),
	xceiver_nolat_rx_mpps: ($nolat_rx | stats),
	xceiver_nolat_missing: ($nolat | pick(.missing) | stats),
	bare_afxdp_tx_mpps: ($bare_tx | stats),
	bare_afxdp_rx_share: ($bare | pick(.rx_share) | stats),
	trafgen_tx_mpps: ($tg_tx | stats),
	trafgen_rx_share: ($tg | pick(.rx_share) | stats)
} as $fig |
{
	tx_vs_trafgen: per_round($on_tx; $tg_tx),
	tx_vs_bare_afxdp: per_round($on_tx; $bare_tx),
	rx_check_on_vs_off: per_round($on_rx; $off_rx),
	rx_latency_on_vs_off: per_round($on_rx; $nolat_rx)
} as $rr |
{
	date: $date, kernel: $kernel, cpus: $cpus,
	pinning: ($pin + { trafgen_sender_cpus_seen:
		([$refs[]?.sender_cpus[]?, $tgnft.sender_cpus[]?] | unique) }),
	rows: $rows,
	paired: {
		rounds: $reps, size: 64, mode: "skb", count: $count,
		statistic: "median, min, max over the rounds that ran",
		order: $order,
		figures: $fig,
		round_ratios: $rr,
		na: (($on | nas("xceiver, check on")) +
		     ($off | nas("xceiver, check off")) +
		     ($nolat | nas("xceiver, not timed")) +
		     ($bare | nas("bare AF_XDP")) + ($tg | nas("trafgen"))),
		references: $refs
	},
	trafgen: ref_summary($tg; $fig.trafgen_tx_mpps; $fig.trafgen_rx_share),
	trafgen_nft: $tgnft,
	bare_afxdp: ref_summary($bare; $fig.bare_afxdp_tx_mpps;
				$fig.bare_afxdp_rx_share),
	ratios: {
		tx_vs_trafgen: $rr.tx_vs_trafgen.median,
		tx_vs_bare_afxdp: $rr.tx_vs_bare_afxdp.median,
		tx_vs_trafgen_nft: ratio($fig.xceiver_tx_mpps.median //
					 $small.tx_mpps; $tgnft.tx_mpps),
		rx_check_on_vs_off: $rr.rx_check_on_vs_off.median,
		rx_latency_on_vs_off: $rr.rx_latency_on_vs_off.median,
		tx_rss_big_vs_small: ratio($big.tx_peak_rss_kb;
					   $small.tx_peak_rss_kb),
		rx_rss_big_vs_small: ratio($big.rx_peak_rss_kb;
					   $small.rx_peak_rss_kb)
	},
	ratios_of_medians: {
		tx_vs_trafgen: ratio($fig.xceiver_tx_mpps.median;
				     $fig.trafgen_tx_mpps.median),
		tx_vs_bare_afxdp: ratio($fig.xceiver_tx_mpps.median;
					$fig.bare_afxdp_tx_mpps.median),
		rx_check_on_vs_off: ratio($fig.xceiver_rx_mpps.median;
					  $fig.xceiver_off_rx_mpps.median),
		rx_latency_on_vs_off: ratio($fig.xceiver_rx_mpps.median;
					    $fig.xceiver_nolat_rx_mpps.median)
	},
	ratios_basis: {
		tx_vs_trafgen: ("median of the ratios within \($reps) paired" +
			" rounds, Tx Mpps"),
		tx_vs_bare_afxdp: ("median of the ratios within \($reps)" +
			" paired rounds, Tx Mpps"),
		rx_check_on_vs_off: ("median of the ratios within \($reps)" +
			" paired rounds, Rx validated Mpps (delivered / rx" +
			" elapsed)"),
		rx_latency_on_vs_off: ("median of the ratios within" +
			" \($reps) paired rounds, Rx validated Mpps, frames" +
			" timed over not timed (both with the check on)"),
		tx_vs_trafgen_nft: ("paired median of xceiver over one" +
			" trafgen run into the nft drop"),
		tx_rss_big_vs_small: "one 10^7-frame run over one 10^6 run",
		rx_rss_big_vs_small: "one 10^7-frame run over one 10^6 run"
	},
	rate_headroom: $headroom,
	rates: ([$rows[] | select(.kind == "rate") | rate_row] |
		group_by(.requested_pps) | map(rate_summary)),
	goals: {
		tx_vs_trafgen: 1.2, tx_vs_bare_afxdp_about: 1,
		rx_check_on_vs_off: 0.9, rx_latency_on_vs_off: 0.9,
		rss_big_vs_small: 1.1, rate_error_pct: 1, rate_missing: 0
	}
}
