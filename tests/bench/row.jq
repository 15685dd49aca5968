# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# One bench row from an "xceiver run --json" report. Arguments: $name,
# $kind, $mode, $size, $count, the /proc fallbacks: $ptx, $prx (agents'
# CPU ns during the run), $htx, $hrx (agents' peak RSS kB during the run),
# and $extra, an object whose fields are added to the row (e.g. round).
# A figure the report leaves at 0 is taken as not reported.

def n: if . == null then 0 else tonumber end;
def mpps($f; $ns): if $ns > 0 then $f * 1000 / $ns else null end;
def per_mframe($ns; $f): if $f > 0 and $ns > 0 then $ns / $f / 1000
	else null end;
def pick($rep; $fb; $src): if $rep > 0 then [$rep, $src]
	elif $fb > 0 then [$fb, "proc"] else [null, null] end;

(.tx // {}) as $t | (.rx // {}) as $r |
($t.tx_frames | n) as $tf0 |
(if $tf0 > 0 then $tf0 else ([$t.tx[]?.sent | n] | add // 0) end) as $tf |
($t.tx_elapsed_ns | n) as $tns |
([$r.rx[]?.delivered | n] | add // 0) as $rd |
($r.rx_elapsed_ns | n) as $rns |
pick($t.tx_cpu_ns | n; $ptx; "report") as $tcpu |
pick($r.rx_cpu_ns | n; $prx; "report") as $rcpu |
pick($t.peak_rss_kb | n; $htx; "report") as $trss |
pick($r.peak_rss_kb | n; $hrx; "report") as $rrss |
($t.tx_rate_achieved_pps | n) as $ach |
($t.tx_rate_requested_pps | n) as $req |
([.spec.streams[]?.rate_pps | n] | add // 0) as $sreq |
{
	name: $name, kind: $kind, mode: $mode, size: $size, count: $count,
	verdict: .verdict,
	payload_check: ($r.payload_check // null),
	tx_frames: $tf, tx_elapsed_ns: $tns, tx_mpps: mpps($tf; $tns),
	rx_delivered: $rd, rx_elapsed_ns: $rns, rx_mpps: mpps($rd; $rns),
	missing: ([$r.rx[]?.missing | n] | add // 0),
	corrupt: ([$r.rx[]?.corrupt | n] | add // 0),
	tx_cpu_ns: $tcpu[0], tx_cpu_src: $tcpu[1],
	rx_cpu_ns: $rcpu[0], rx_cpu_src: $rcpu[1],
	tx_cpu_s_per_mframe: per_mframe($tcpu[0] // 0; $tf),
	rx_cpu_s_per_mframe: per_mframe($rcpu[0] // 0; $rd),
	tx_peak_rss_kb: $trss[0],
	tx_rss_src: (if $trss[1] == "proc" then "proc-vmhwm" else $trss[1] end),
	rx_peak_rss_kb: $rrss[0],
	rx_rss_src: (if $rrss[1] == "proc" then "proc-vmhwm" else $rrss[1] end),
	rate_requested_pps: (if $req > 0 then $req elif $sreq > 0 then $sreq
		else null end),
	rate_achieved_pps: (if $ach > 0 then $ach
		elif $tns > 0 then $tf * 1e9 / $tns else null end),
	rate_src: (if $ach > 0 then "report" else "sent/tx_elapsed" end),
	pace_restarts: ([$t.tx[]?.pace_restarts | n] | add // 0),
	pace_lost_ms: (([$t.tx[]?.pace_lost_ns | n] | add // 0) / 1e6)
} + $extra
