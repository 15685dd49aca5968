#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Random bytes, an oversized length header and an undecodable message on an
# agent's control port: the agent closes those connections, stays alive and
# serves a normal run afterwards.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# xc_send_bytes ADDR PORT FILE: send the file, then wait at most 5 s for the
# agent to close (FIN or RST). Returns 124 when it kept the connection open.
xc_send_bytes()
{
	local rc

	# shellcheck disable=SC2016
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 9
		cat "$3" >&3 2>/dev/null
		cat <&3 >/dev/null 2>&1
	' _ "$1" "$2" "$3"
	rc=$?
	[ $rc -ne 9 ] || xc_fail "cannot connect to $1:$2"
	[ $rc -ne 124 ]
}

xc_require
xc_lab_up
xc_agents_start

head -c 65536 /dev/urandom >"$XC_TMP/random.bin"
printf '\xff\xff\xff\xff' >"$XC_TMP/oversized.bin"
# Length 8, then a truncated varint tag: no protobuf decodes it.
printf '\x00\x00\x00\x08\xff\xff\xff\xff\xff\xff\xff\xff' \
	>"$XC_TMP/undecodable.bin"

for role in tx rx; do
	ip=$(xc_mgmt_of "$role")
	xc_log "random bytes to the $role agent"
	xc_send_bytes "$ip" "$XC_PORT" "$XC_TMP/random.bin"
	xc_assert_agents_alive "random bytes to $role"

	xc_log "oversized length header to the $role agent"
	xc_send_bytes "$ip" "$XC_PORT" "$XC_TMP/oversized.bin" ||
		xc_fail "$role agent kept a connection with length" \
			"0xffffffff open"
	xc_assert_agents_alive "oversized length to $role"

	xc_log "undecodable message to the $role agent"
	xc_send_bytes "$ip" "$XC_PORT" "$XC_TMP/undecodable.bin" ||
		xc_fail "$role agent kept a connection with an" \
			"undecodable message open"
	xc_assert_agents_alive "undecodable message to $role"
done

xc_run "${XC_EP[@]}" --mode skb --count 10000 --size 64 --rate 100000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream 10000
xc_end
