#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Unit tests (build/tests/test_*), then every tests/integration/test_*.sh,
# each in its own process with its own lab and a time limit. Prints
# PASS/FAIL/SKIP per case and one closing line "N passed, N failed[, N
# skipped]". A case exits 0 (pass), 77 (skip) or anything else (fail).
#
#   tests/run-all.sh [-v] [NAME...]   NAME: integration cases to run
#                                     (default all); -v: show case output
#
# Environment: BUILD (build directory), XC_CASE_TIMEOUT (seconds, 300).

set -u

XC_ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$XC_ROOT/build}
export BUILD
XC_LAB=$XC_ROOT/deploy/lab.sh
XC_CASE_TIMEOUT=${XC_CASE_TIMEOUT:-300}
XC_LOGS=$BUILD/test-logs
XC_SKIP=77
verbose=0
passed=0
failed=0
skipped=0
suite_ids=()
XC_CUR_PID=""
XC_CUR_STATE=""

xc_result()
{
	local res=$1 name=$2 note=${3:-}

	case $res in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	esac
	printf '%-4s %s%s\n' "$res" "$name" "${note:+ ($note)}"
}

xc_lab_alive()
{
	local id=$1

	[ -e "/run/netns/xc-tx-$id" ] || [ -e "/run/netns/xc-rx-$id" ] ||
		[ -e "/run/netns/xc-mid-$id" ] ||
		ip link show "xcm-$id-t" >/dev/null 2>&1 ||
		ip link show "xcm-$id-r" >/dev/null 2>&1
}

xc_unit()
{
	local bins=() out p f

	for f in "$BUILD"/tests/test_*; do
		[ -x "$f" ] && bins+=("$f")
	done
	if [ ${#bins[@]} -eq 0 ] || [ ! -x "$XC_ROOT/tests/unit/run-unit.sh" ]
	then
		echo "unit: no unit test binaries in $BUILD/tests"
		return 0
	fi
	out=$("$XC_ROOT/tests/unit/run-unit.sh" "${bins[@]}" 2>&1)
	# Per-test results and errors, not cmocka's closing recap.
	printf '%s\n' "$out" | awk '
		/^\[=+\] Running/ { recap = 0 }
		/^\[=+\] [0-9]+ test/ { recap = 1 }
		/^unit:/ || /^\[ *(OK|FAILED|SKIPPED|ERROR|LINE) *\]/ && !recap
	'
	p=$(printf '%s\n' "$out" | sed -n 's/^unit: \([0-9]*\) passed.*/\1/p')
	f=$(printf '%s\n' "$out" |
		sed -n 's/^unit: [0-9]* passed, \([0-9]*\) failed.*/\1/p')
	if [ -z "$p" ]; then
		printf '%s\n' "$out" | tail -n 20
		xc_result FAIL unit "run-unit.sh printed no summary"
		return 0
	fi
	passed=$((passed + p))
	failed=$((failed + ${f:-0}))
}

# xc_case FILE: run one integration case, then make sure its lab is gone.
xc_case()
{
	local file=$1 name state log rc id note="" res

	name=$(basename "$file" .sh)
	name=${name#test_}
	state=$(mktemp /tmp/xc-state.XXXXXX)
	log=$XC_LOGS/$name.log
	XC_CUR_STATE=$state
	if [ $verbose -eq 1 ]; then
		XC_STATE_FILE=$state timeout -k 15 "$XC_CASE_TIMEOUT" \
			bash "$file" > >(tee "$log") 2>&1 &
	else
		XC_STATE_FILE=$state timeout -k 15 "$XC_CASE_TIMEOUT" \
			bash "$file" >"$log" 2>&1 &
	fi
	# timeout(1) runs the case in its own process group: a Ctrl-C reaches
	# only this script, which passes it on as SIGTERM (xc_interrupt).
	XC_CUR_PID=$!
	wait "$XC_CUR_PID"
	rc=$?
	XC_CUR_PID=""
	case $rc in
	0) res=PASS ;;
	"$XC_SKIP") res=SKIP; note=$(sed -n 's/.*SKIP: //p' "$log" | head -1) ;;
	124|137) res=FAIL; note="timeout after $XC_CASE_TIMEOUT s" ;;
	*) res=FAIL; note="exit $rc" ;;
	esac
	while read -r id; do
		[ -n "$id" ] || continue
		suite_ids+=("$id")
		xc_lab_alive "$id" || continue
		res=FAIL
		note="${note:+$note, }left lab $id behind"
		"$XC_LAB" down "$id" >/dev/null 2>&1
	done <"$state"
	rm -f "$state"
	XC_CUR_STATE=""
	if [ $res = FAIL ] && [ $verbose -eq 0 ]; then
		grep -E 'FAIL|ok:' "$log" | tail -n 20 | sed 's/^/    /'
		echo "    log: $log"
	fi
	xc_result "$res" "$name" "$note"
}

# Labs of this suite that survived (a case killed hard, a failed down).
# Labs that other users run at the same time are not touched.
xc_leftovers()
{
	local id left=()

	for id in "${suite_ids[@]}"; do
		xc_lab_alive "$id" && left+=("$id")
	done
	if [ ${#left[@]} -gt 0 ]; then
		for id in "${left[@]}"; do
			"$XC_LAB" down "$id" >/dev/null 2>&1
		done
		xc_result FAIL leftovers "labs left behind: ${left[*]}"
	fi
	if ip netns list | grep -q '^xc-' || ip -o link show | grep -q ': xcm-'
	then
		echo "note: other xc-* namespaces or xcm-* links exist" \
			"(not from this suite; lab.sh list)"
	fi
}

xc_main()
{
	local cases=() f name want

	while [ $# -gt 0 ]; do
		case $1 in
		-v) verbose=1 ;;
		-*) echo "usage: run-all.sh [-v] [NAME...]" >&2; exit 2 ;;
		*) cases+=("$1") ;;
		esac
		shift
	done
	if [ "$(id -u)" -ne 0 ]; then
		echo "run-all.sh: must run as root" \
			"(network namespaces, XDP)" >&2
		exit 2
	fi
	mkdir -p "$XC_LOGS"
	[ ${#cases[@]} -gt 0 ] || xc_unit
	for f in "$XC_ROOT"/tests/integration/test_*.sh; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .sh)
		name=${name#test_}
		if [ ${#cases[@]} -gt 0 ]; then
			for want in "${cases[@]}"; do
				[ "$want" = "$name" ] && break
			done
			[ "$want" = "$name" ] || continue
		fi
		xc_case "$f"
	done
	if [ ${#cases[@]} -gt 0 ] && [ $((passed + failed + skipped)) -eq 0 ]
	then
		echo "run-all.sh: no integration case named ${cases[*]}" >&2
		exit 2
	fi
	xc_leftovers
	if [ $skipped -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ $failed -eq 0 ]
}

xc_interrupt()
{
	local id

	trap - INT TERM
	echo "interrupted: stopping the running case" >&2
	if [ -n "$XC_CUR_PID" ]; then
		kill -TERM "$XC_CUR_PID" 2>/dev/null
		wait "$XC_CUR_PID"
	fi
	if [ -n "$XC_CUR_STATE" ]; then
		while read -r id; do
			[ -n "$id" ] && "$XC_LAB" down "$id" >/dev/null 2>&1
		done <"$XC_CUR_STATE"
		rm -f "$XC_CUR_STATE"
	fi
	exit 130
}

trap xc_interrupt INT TERM
xc_main "$@"
