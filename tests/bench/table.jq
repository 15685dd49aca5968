# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# bench.json as tab-separated lines for the table printer: a section tag
# first, "n/a" for what was not measured.

def v: if . == null then "n/a" else tostring end;

(.rows[] | select(.kind == "full" or .kind == "check-off") |
 if .na then ["full", .name, "n/a: \(.na)"] else
 ["full", .name, .mode, .size, .tx_frames, .tx_mpps, .rx_mpps, .missing,
  .tx_cpu_s_per_mframe, .rx_cpu_s_per_mframe, .tx_peak_rss_kb,
  .rx_peak_rss_kb, .payload_check, .verdict,
  "\(.tx_cpu_src // "-")/\(.rx_cpu_src // "-")",
  "\(.tx_rss_src // "-")/\(.rx_rss_src // "-")"] end),
(.rates[] | ["rate", .requested_pps, .achieved_pps, .error_pct, .missing,
	     .source]),
(["trafgen", (.trafgen.tx_mpps // null), (.trafgen.na // null),
  (.trafgen.rx_side // null)]),
(.ratios | to_entries[] | ["ratio", .key, .value])
| map(v) | @tsv
