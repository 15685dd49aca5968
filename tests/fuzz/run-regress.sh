#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Run each fuzz target once over its regression inputs (regress/TARGET/:
# every crash the fuzzers found, kept after its fix) and its seeds. A
# target that crashes fails the run. Prints one line per target and a
# closing "fuzz regress: N passed, N failed".
#
#   run-regress.sh OUT SEEDS TARGET...   OUT: the binaries' directory
set -u

here=$(cd "$(dirname "$0")" && pwd)
out=$1
seeds=$2
shift 2
passed=0
failed=0
# As libFuzzer's -malloc_limit_mb: one allocation above 2 GiB, asked for
# by an input, is a crash (sanitized builds; others ignore this)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=2048:allocator_may_return_null=0"

# Where a target's seeds are: the spec target reads the spec files.
xc_seed_dirs()
{
	case $1 in
	spec) echo "$here/../scenarios $here/../../deploy/specs" ;;
	*) echo "$seeds/$1" ;;
	esac
}

for t in "$@"; do
	dirs=()
	[ -d "$here/regress/$t" ] && dirs+=("$here/regress/$t")
	for d in $(xc_seed_dirs "$t"); do
		[ -d "$d" ] && dirs+=("$d")
	done
	log=$out/regress-$t.log
	if "$out/xc-fuzz-$t" "${dirs[@]}" >"$log" 2>&1; then
		echo "PASS fuzz regress $t ($(sed -n \
			's/.*: \([0-9]*\) inputs, no crash$/\1/p' "$log") inputs)"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz regress $t (log: $log)"
		tail -n 30 "$log"
		failed=$((failed + 1))
	fi
done
echo "fuzz regress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
