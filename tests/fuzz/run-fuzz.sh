#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Run each libFuzzer target for SECONDS into its corpus under OUT/corpus,
# starting from its seeds. Prints per target the runs and whether it
# crashed (with the input libFuzzer kept); exits non-zero on any crash.
# A crash input belongs under regress/TARGET/ once its cause is fixed.
#
#   run-fuzz.sh OUT SEEDS SECONDS TARGET...
set -u

here=$(cd "$(dirname "$0")" && pwd)
out=$1
seeds=$2
secs=$3
shift 3
crashed=0

xc_seed_dirs()
{
	case $1 in
	spec) echo "$here/../scenarios $here/../../deploy/specs" ;;
	*) echo "$seeds/$1" ;;
	esac
}

for t in "$@"; do
	corpus=$out/corpus/$t
	crashes=$out/crashes/$t
	log=$out/fuzz-$t.log
	mkdir -p "$corpus" "$crashes"
	dirs=()
	[ -d "$here/regress/$t" ] && dirs+=("$here/regress/$t")
	for d in $(xc_seed_dirs "$t"); do
		[ -d "$d" ] && dirs+=("$d")
	done
	# -close_fd_mask=3: the targets' own output is noise; sanitizer and
	# libFuzzer reports still reach the log
	"$out/xc-fuzz-$t" -max_total_time="$secs" -timeout=10 \
		-close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$corpus" "${dirs[@]}" \
		>"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "fuzz $t: ${runs:-?} runs, ${cov:-cov: ?}, no crash"
	else
		crashed=$((crashed + 1))
		echo "fuzz $t: ${runs:-?} runs, CRASH (exit $rc, log $log)"
		grep -m 3 'ERROR: \|SUMMARY: \|Test unit written' "$log" |
			sed 's/^/    /'
	fi
done
[ $crashed -eq 0 ] || { echo "fuzz: $crashed target(s) crashed"; exit 1; }
echo "fuzz: every target ran ${secs}s, no crash"
