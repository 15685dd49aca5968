#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Specs from files: a YAML spec and the same spec as JSON run and pass;
# flags after the file override it; bad specs exit 2 with the file, line,
# column and field; `xceiver check` prints the checked spec.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

xc_require
xc_lab_up

yaml=$XC_TMP/spec.yaml
cat >"$yaml" <<YAML
tx:
  agent: $XC_TX_MGMT:$XC_PORT
  xsk: { ifname: $XC_TX_DEV, queues: [0], mode: skb }
rx:
  agent: $XC_RX_MGMT:$XC_PORT
  xsk: { ifname: $XC_RX_DEV, queues: [0], mode: skb }
streams:
  - id: 7
    count: 30000
    frame_size: 128
    rate_pps: 100000
    headers:
      udp: { src: 9000, dst: 9001 }
YAML

"$XC_CTL" check "$yaml" >"$XC_OUT" 2>"$XC_ERR"
XC_RC=$?
xc_assert_rc 0
xc_assert_output '"frame_size": 128' "check prints the spec"

json=$XC_TMP/spec.json
jq '.spec' <<<"{\"spec\": $(sed '$d' "$XC_OUT")}" >"$json" ||
	xc_fail "check output is not JSON"

xc_agents_start
xc_run "$yaml" --json "$XC_JSON"
xc_assert_rc 0
xc_assert_eq "stream id" 7 "$(xc_jq '.rx.rx[0].stream_id | n')"
xc_assert_clean_stream 30000

xc_run "$json" --count 20000 --json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 20000

# Bad specs: exit 2, file:line:column and the field named.
sed 's/frame_size: 128/frame_sise: 128/' "$yaml" >"$XC_TMP/typo.yaml"
xc_run "$XC_TMP/typo.yaml"
xc_assert_rc 2
xc_assert_output 'typo\.yaml:[0-9]+:[0-9]+: .*frame_sise' \
	"unknown field named with its place"
sed 's/frame_size: 128/frame_size: 60/' "$yaml" >"$XC_TMP/small.yaml"
xc_run "$XC_TMP/small.yaml"
xc_assert_rc 2
xc_assert_output 'frame_size.*64' "too small a frame names the minimum"
xc_run "$yaml" --count abc
xc_assert_rc 2
xc_assert_output 'count' "bad flag value named"
xc_end
