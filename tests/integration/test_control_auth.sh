#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The control channel is authenticated by default (TLS 1.3):
# - neither program starts without credentials or an explicit --plain;
# - a protocol client without credentials (plain TCP, a framed Hello) gets
#   no reply and is closed; the agent logs why (a --plain agent answers the
#   same bytes, so they are a Hello);
# - a controller with a certificate from another CA, an expired one, a
#   name the agent does not allow, a wrong pre-shared key, and a TLS
#   controller against a plain agent or the reverse: exit 3 naming the
#   agent and the reason;
# - certificates and pre-shared keys pass, and so does --plain on both
#   ends; the summary and the JSON say how the channel was secured.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

RUN=(--mode skb --count 10000 --size 64 --rate 100000)
B=$XC_TMP/keys-b	# another CA
X=$XC_TMP/keys-x	# an expired controller certificate
CERT_A=("${XC_CTL_SEC[@]}")
AGENT_A=("${XC_AGENT_SEC[@]}")

# xc_hello_probe ROLE: a framed Hello (version 1, role "controller") in
# plain TCP; prints how many bytes of a reply came (at most 4) before the
# agent closed. Fails when the agent kept the connection 5 s.
xc_hello_probe()
{
	# shellcheck disable=SC2016
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 9
		printf "\x00\x00\x00\x14\x08\x01\x10\x01\x52\x0e\x08\x01" >&3
		printf "\x1a\x0acontroller" >&3
		head -c 4 <&3 | wc -c
	' _ "$(xc_mgmt_of "$1")" "$XC_PORT"
}

# xc_agents_with ARGS...: restart both agents with these credentials.
xc_agents_with()
{
	XC_AGENT_SEC=("$@")
	xc_agent_restart tx
	xc_agent_restart rx
}

# xc_refused WHAT REGEX: the last run could not run, naming an agent and
# matching REGEX.
xc_refused()
{
	xc_assert_rc 3
	xc_assert_output "(tx|rx) agent $XC_TX_MGMT|(tx|rx) agent $XC_RX_MGMT" \
		"$1: the message names the agent"
	xc_assert_output "$2" "$1: the message says why"
}

xc_agent_log_has()
{
	if grep -Eq -- "$2" "$XC_TMP/agent-$1.log"; then
		xc_log "ok: $3"
	else
		xc_fail "$3: the $1 agent's log does not match /$2/"
		tail -n 5 "$XC_TMP/agent-$1.log" >&2
	fi
}

xc_require

# ---- no credentials, no --plain: usage errors naming the flags
"$XC_AGENT" --listen 127.0.0.1:7 >"$XC_OUT" 2>"$XC_ERR"
XC_RC=$?
xc_assert_rc 2
xc_assert_output '--ca FILE --cert FILE --key FILE, or --psk FILE' \
	"the agent names the credential flags"
"$XC_CTL" run --tx 127.0.0.1:7,dev=x --rx 127.0.0.1:7,dev=y --count 1 \
	>"$XC_OUT" 2>"$XC_ERR"
XC_RC=$?
xc_assert_rc 2
xc_assert_output '--psk FILE, or --plain' \
	"the controller names the credential flags"

xc_lab_up
xc_agents_start
"$XC_CTL" keys "$B" >/dev/null || xc_fatal "xceiver keys $B failed"
"$XC_CTL" keys "$X" --expired-controller 2>/dev/null ||
	xc_fatal "xceiver keys $X failed"

# ---- certificates
xc_run "${XC_EP[@]}" "${RUN[@]}" --json "$XC_JSON"
xc_assert_rc 0
xc_assert_output "control: TLS 1.3, certificate; tx agent CN=xceiver-agent, rx agent CN=xceiver-agent" \
	"the summary says how the channel was secured"
xc_assert_eq "JSON control.channel" "TLS 1.3, certificate" \
	"$(xc_jq '.control.channel')"
xc_assert_eq "JSON control.authenticated" true \
	"$(xc_jq '.control.authenticated')"

for role in tx rx; do
	n=$(xc_hello_probe "$role")
	rc=$?
	[ $rc -eq 0 ] || xc_fail "the $role agent kept a plain connection (rc $rc)"
	xc_assert_eq "bytes a plain Hello got from the $role agent" 0 "$n"
	xc_agent_log_has "$role" "not TLS: the controller sent no TLS handshake" \
		"the $role agent logs the refusal"
done
xc_assert_agents_alive "plain Hello"

XC_CTL_SEC=(--ca "$XC_KEYS/ca.crt" --cert "$B/controller.crt"
	    --key "$B/controller.key")
xc_run "${XC_EP[@]}" "${RUN[@]}"
xc_refused "certificate from another CA" "unknown ca"
xc_agent_log_has tx "CN=xceiver-controller: unable to get local issuer certificate" \
	"the agent logs the wrong CA"

XC_CTL_SEC=(--plain)
xc_run "${XC_EP[@]}" "${RUN[@]}"
xc_refused "plain controller, TLS agent" "may require TLS"

xc_agents_with --ca "$X/ca.crt" --cert "$X/agent.crt" --key "$X/agent.key"
XC_CTL_SEC=(--ca "$X/ca.crt" --cert "$X/controller.crt"
	    --key "$X/controller.key")
xc_run "${XC_EP[@]}" "${RUN[@]}"
xc_refused "expired certificate" "certificate expired"
xc_agent_log_has tx "certificate has expired" "the agent logs the expiry"

xc_agents_with "${AGENT_A[@]}" --allow-name someone-else
XC_CTL_SEC=(--ca "$XC_KEYS/ca.crt" --cert "$XC_KEYS/controller.crt"
	    --key "$XC_KEYS/controller.key")
xc_run "${XC_EP[@]}" "${RUN[@]}"
xc_refused "name not allowed" "bad certificate"
xc_agent_log_has tx "CN=xceiver-controller: name not allowed" \
	"the agent logs the name it refused"

# an agent's certificate (same CA) does not make a controller
xc_agents_with "${AGENT_A[@]}"
XC_CTL_SEC=(--ca "$XC_KEYS/ca.crt" --cert "$XC_KEYS/agent.crt"
	    --key "$XC_KEYS/agent.key")
xc_run "${XC_EP[@]}" "${RUN[@]}"
xc_refused "an agent's certificate as a controller's" "unsupported certificate"
xc_agent_log_has tx "CN=xceiver-agent: unsuitable certificate purpose" \
	"the agent logs the certificate's purpose"

# ---- pre-shared keys
xc_agents_with --psk "$XC_KEYS/agent.psk"
XC_CTL_SEC=(--psk "$XC_KEYS/controller.psk")
xc_run "${XC_EP[@]}" "${RUN[@]}"
xc_assert_rc 0
xc_assert_output "control: TLS 1.3, pre-shared key; identity xceiver-controller" \
	"a PSK run says so"

XC_CTL_SEC=(--psk "$B/controller.psk")
xc_run "${XC_EP[@]}" "${RUN[@]}"
xc_refused "wrong pre-shared key" "wrong pre-shared key"
xc_agent_log_has rx "wrong pre-shared key for identity 'xceiver-controller'" \
	"the agent logs the wrong key"

# ---- plain TCP on both ends, and mixed
xc_agents_with --plain
xc_agent_log_has tx "plain TCP, unauthenticated" "a --plain agent warns"
n=$(xc_hello_probe tx)
xc_assert_eq "bytes the same Hello got from a --plain agent" 4 "$n"
XC_CTL_SEC=(--plain)
xc_run "${XC_EP[@]}" "${RUN[@]}" --json "$XC_JSON"
xc_assert_rc 0
xc_assert_output "control: plain TCP, unauthenticated" \
	"the summary says unauthenticated"
xc_assert_eq "JSON control.authenticated" false \
	"$(xc_jq '.control.authenticated')"

XC_CTL_SEC=("${CERT_A[@]}")
xc_run "${XC_EP[@]}" "${RUN[@]}"
xc_refused "TLS controller, plain agent" "not TLS"

xc_end
