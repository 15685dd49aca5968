# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# bench.json from the rows (slurped array). Arguments: $tg (trafgen
# figures or null), $date, $kernel, $cpus.

def ratio($a; $b): if $a != null and $b != null and $b > 0 then $a / $b
	else null end;
def first_of(f): (map(select(f)) | .[0]) // null;

. as $rows |
($rows | map(select(.kind == "full" and .size == 64 and .mode == "skb"))
 | sort_by(.count)) as $f64 |
($f64 | .[0] // null) as $small |
(if ($f64 | length) > 1 then $f64[-1] else null end) as $big |
first_of(.kind == "full" and .size == 64 and .mode == "drv") as $drv |
first_of(.kind == "check-off") as $off |
{
	date: $date, kernel: $kernel, cpus: $cpus,
	rows: $rows,
	trafgen: $tg,
	ratios: {
		tx_vs_trafgen_skb: ratio($small.tx_mpps; $tg.tx_mpps),
		tx_vs_trafgen_drv: ratio($drv.tx_mpps; $tg.tx_mpps),
		rx_check_on_vs_off: ratio($small.rx_mpps; $off.rx_mpps),
		tx_rss_big_vs_small: ratio($big.tx_peak_rss_kb;
					   $small.tx_peak_rss_kb),
		rx_rss_big_vs_small: ratio($big.rx_peak_rss_kb;
					   $small.rx_peak_rss_kb)
	},
	rates: [$rows[] | select(.kind == "rate") | {
		requested_pps: .rate_requested_pps,
		achieved_pps: .rate_achieved_pps,
		error_pct: (if .rate_requested_pps != null and
			       .rate_achieved_pps != null then
			(.rate_achieved_pps - .rate_requested_pps) * 100 /
			.rate_requested_pps else null end),
		missing: .missing, source: .rate_src }],
	goals: {
		tx_vs_trafgen: 1.2, rx_check_on_vs_off: 0.9,
		rss_big_vs_small: 1.1, rate_error_pct: 1, rate_missing: 0
	}
}
