#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# --junit FILE: the verdict as JUnit XML for CI. Each file must be valid
# by tests/junit.xsd (xmllint --schema) and say what the JSON report of
# the same run says: one testcase per check, named as the check, a
# failure for each failed check with the measured and the expected value,
# skipped for a check not judged, an error testcase with the reason for a
# run that could not run (exit 3). Cases: a passing run, a failing run
# (an --expect that cannot hold), a run whose agent nobody listens for,
# and repeat: 2 (a testsuite per repetition).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

XSD=$XC_ROOT/tests/junit.xsd
COMMON=(--mode skb --count 2000 --size 64 --rate 100000)

# xc_xp FILE XPATH: the string value of XPATH in FILE.
xc_xp()
{
	xmllint --xpath "string($2)" "$1"
}

# xc_assert_valid FILE: FILE is valid JUnit by the schema.
xc_assert_valid()
{
	if xmllint --noout --schema "$XSD" "$1" 2>"$XC_TMP/xmllint.err"
	then
		xc_log "ok: $(basename "$1") is valid by tests/junit.xsd"
	else
		xc_fail "$(basename "$1") is not valid by tests/junit.xsd"
		cat "$XC_TMP/xmllint.err" >&2
	fi
}

# xc_assert_same_checks XML JSON SUITE JQPATH: SUITE (an XPath) of XML
# has the checks of JQPATH (the checks array) of JSON, in order, with
# their results; a failure's message has the measured and expected value.
xc_assert_same_checks()
{
	local xml=$1 json=$2 suite=$3 checks=$4 n i tc c name result want

	n=$(xc_jq "$checks | length" "$json")
	[ "$n" -gt 0 ] || xc_fail "the JSON report has no checks"
	xc_assert_eq "testcases" "$n" "$(xc_xp "$xml" "count($suite/testcase)")"
	xc_assert_eq "tests attribute" "$n" "$(xc_xp "$xml" "$suite/@tests")"
	xc_assert_eq "failures attribute" \
		"$(xc_jq "[${checks}[] | select(.result == \"fail\")] | length" \
			"$json")" "$(xc_xp "$xml" "$suite/@failures")"
	xc_assert_eq "skipped attribute" \
		"$(xc_jq "[${checks}[] | select(.result == \"not judged\")] |
			length" "$json")" "$(xc_xp "$xml" "$suite/@skipped")"
	for ((i = 1; i <= n; i++)); do
		tc="$suite/testcase[$i]"
		c="${checks}[$((i - 1))]"
		name=$(xc_jq "$c.check" "$json")
		xc_assert_eq "testcase $i" "$name" "$(xc_xp "$xml" "$tc/@name")"
		result=$(xc_jq "$c.result" "$json")
		case $result in
		fail)
			want=$(xc_jq "\"measured \\($c.value), expected \\($c.op) \\($c.expected)\"" "$json")
			xc_assert_eq "failure of $name" "$want" \
				"$(xc_xp "$xml" "$tc/failure/@message")"
			;;
		"not judged")
			xc_assert_eq "$name skipped" 1 \
				"$(xc_xp "$xml" "count($tc/skipped)")"
			;;
		*)
			xc_assert_eq "$name passed: no child" 0 \
				"$(xc_xp "$xml" "count($tc/*)")"
			;;
		esac
	done
	xc_log "ok: the testcases are the JSON report's $n checks"
}

xc_require
command -v xmllint >/dev/null || xc_skip "xmllint (libxml2-utils) missing"
xc_lab_up
xc_agents_start
out=$XC_TMP/out
mkdir -p "$out"

xc_log "case: a passing run (one check not judged)"
xc_run "${XC_EP[@]}" "${COMMON[@]}" --expect "reordered not judged" \
	--json "$out/p.json" --junit "$out/p.xml"
xc_assert_rc 0
xc_assert_valid "$out/p.xml"
xc_assert_same_checks "$out/p.xml" "$out/p.json" "/testsuites/testsuite" \
	.checks
xc_assert_eq "verdict property" pass \
	"$(xc_xp "$out/p.xml" "//property[@name='verdict']/@value")"
xc_assert_eq "skipped" 1 "$(xc_xp "$out/p.xml" "count(//skipped)")"
xc_assert_eq "run id" "$(xc_jq .run_id "$out/p.json")" \
	"$(xc_xp "$out/p.xml" "//property[@name='run_id']/@value")"

xc_log "case: a failing run (--expect \"delivered <= 10\")"
xc_run "${XC_EP[@]}" "${COMMON[@]}" --expect "delivered <= 10" \
	--json "$out/f.json" --junit "$out/f.xml"
xc_assert_rc 1
xc_assert_valid "$out/f.xml"
xc_assert_same_checks "$out/f.xml" "$out/f.json" "/testsuites/testsuite" \
	.checks
xc_assert_eq "failure" "measured 2000, expected <= 10" \
	"$(xc_xp "$out/f.xml" "//testcase[@name='delivered <= 10']/failure/@message")"
xc_assert_eq "failure type" fail \
	"$(xc_xp "$out/f.xml" "//failure/@type")"
xc_assert_eq "classname" "xceiver.run.total" \
	"$(xc_xp "$out/f.xml" "//testcase[@name='delivered <= 10']/@classname")"

xc_log "case: could not run (nobody listens for the tx agent)"
xc_run --tx "$XC_TX_MGMT:7999,dev=$XC_TX_DEV" \
	--rx "$XC_RX_MGMT:$XC_PORT,dev=$XC_RX_DEV" "${COMMON[@]}" \
	--json "$out/c.json" --junit "$out/c.xml"
xc_assert_rc 3
xc_assert_valid "$out/c.xml"
xc_assert_eq "errors" 1 "$(xc_xp "$out/c.xml" "/testsuites/@errors")"
xc_assert_eq "error type" could_not_run \
	"$(xc_xp "$out/c.xml" "//testcase[@name='could not run']/error/@type")"
xc_assert_eq "error message is the JSON's reason" \
	"$(xc_jq .reason "$out/c.json")" \
	"$(xc_xp "$out/c.xml" "//error/@message")"
xc_assert_eq "phase" "phase: $(xc_jq .phase "$out/c.json")" \
	"$(xc_xp "$out/c.xml" "//error")"

xc_log "case: repeat: 2, a testsuite per repetition"
cat >"$XC_TMP/rep.yaml" <<YAML
name: rep
repeat: 2
streams:
  - { id: 1, count: 2000, rate_pps: 100000 }
YAML
xc_run "$XC_TMP/rep.yaml" "${XC_EP[@]}" --mode skb --json "$out/r.json" \
	--junit "$out/r.xml"
xc_assert_rc 0
xc_assert_valid "$out/r.xml"
xc_assert_eq "suites" 2 "$(xc_xp "$out/r.xml" "count(//testsuite)")"
xc_assert_eq "suite 2" "rep repetition 2 of 2" \
	"$(xc_xp "$out/r.xml" "//testsuite[2]/@name")"
xc_assert_same_checks "$out/r.xml" "$out/r.json" "//testsuite[2]" \
	".repetitions[1].checks"
xc_end
