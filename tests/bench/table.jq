# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# bench.json as tab-separated lines for the table printer: a section tag
# first, "n/a" for what was not measured; a reference's last field is its
# n/a reason or "-". A paired line: label, format (m: Mpps, s: share,
# n: count), one value per round, median, min, max. A ratio line: name,
# value, and for a paired ratio the ratio of the medians and each round's
# ratio. A rate line ends with the rounds where the rate was reachable, the
# median error and the most missing over them, and the median pacing time
# lost (the Tx schedule restarted after the sender fell a burst behind).

def v: if . == null then "n/a" else tostring end;

.paired as $p | (.ratios_of_medians // {}) as $rm |
(.rows[] | select(.kind == "full") |
 if .na then ["full", .name, "n/a: \(.na)"] else
 ["full", .name, .mode, .size, .tx_frames, .tx_mpps, .rx_mpps, .missing,
  .tx_cpu_s_per_mframe, .rx_cpu_s_per_mframe, .tx_peak_rss_kb,
  .rx_peak_rss_kb, .payload_check, .verdict,
  "\(.tx_cpu_src // "-")/\(.rx_cpu_src // "-")",
  "\(.tx_rss_src // "-")/\(.rx_rss_src // "-")"] end),
(if $p != null then
	["phead", $p.rounds, $p.count],
	(["xceiver Tx Mpps, check on", "m", $p.figures.xceiver_tx_mpps],
	 ["xceiver Rx Mpps, check on", "m", $p.figures.xceiver_rx_mpps],
	 ["xceiver missing, check on", "n", $p.figures.xceiver_missing],
	 ["xceiver Tx Mpps, check off", "m",
	  $p.figures.xceiver_off_tx_mpps],
	 ["xceiver Rx Mpps, check off", "m",
	  $p.figures.xceiver_off_rx_mpps],
	 ["xceiver missing, check off", "n",
	  $p.figures.xceiver_off_missing],
	 ["xceiver Rx Mpps, not timed", "m",
	  $p.figures.xceiver_nolat_rx_mpps],
	 ["xceiver missing, not timed", "n",
	  $p.figures.xceiver_nolat_missing],
	 ["bare AF_XDP Tx Mpps", "m", $p.figures.bare_afxdp_tx_mpps],
	 ["bare AF_XDP Rx share", "s", $p.figures.bare_afxdp_rx_share],
	 ["trafgen Tx Mpps", "m", $p.figures.trafgen_tx_mpps],
	 ["trafgen Rx share", "s", $p.figures.trafgen_rx_share] |
	 ["paired", .[0], .[1]] + .[2].values +
	 [.[2].median, .[2].min, .[2].max]),
	($p.na[] | ["pna", .round, .what, .why])
 else empty end),
(.rates[] | ["rate", .requested_pps, .achieved_pps, .error_pct, .missing,
	     .source, .error_pct_min, .error_pct_max, (.rounds | length),
	     .reachable_rounds, .reachable_error_pct, .reachable_missing,
	     .pace_lost_ms]),
(["trafgen, nft ingress drop", .trafgen_nft] | .[0] as $l | .[1] as $r |
 ["ref", $l, ($r.tx_mpps // null), ($r.rx_share // null),
  ($r.rx_side // null), ($r.na // (if $r == null then "not run"
				    else "-" end))]),
(.ratios | to_entries[] | .key as $k | ["ratio", $k, .value] +
 ($p.round_ratios[$k] // null |
  if . == null then [] else [$rm[$k]] + .values end)),
(.pinning // {} |
 ["pin", .tx_cpu, .rx_cpu, .none, .xceiver,
  (.trafgen_sender_cpus_seen // [] | join(","))])
| map(v) | @tsv
