// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agent's message dispatch (agent/xc_session.c) as a controller would
 * drive it: the input is the byte stream a controller sends, delivered
 * over the real connection code (framer, Envelope decoding, Error replies)
 * on an in-memory transport. The data plane is the real one behind the
 * link seams of xc_fuzz_agent_stubs.c: a Prepare is checked in full and
 * then refused before any socket exists. Every reply must decode
 * (xc_fuzz.c), and after the controller hangs up the session must be
 * gone: the loop ends with nothing left open, and LeakSanitizer finds
 * nothing.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xc_fuzz.h"
#include "xc_policy.h"
#include "xc_session.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uv_loop_t xc_fa_loop;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct xc_policy *p = xc_policy_new();
	char err[256];

	xc_fuzz_quiet();
	if (uv_loop_init(&xc_fa_loop))
		abort();
	/* the made-up interface is the one a Prepare may use */
	if (!p || xc_policy_allow(p, XC_FUZZ_IFNAME, err, sizeof(err)))
		abort();
	xc_policy_install(p);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xc_session *list = NULL, *s;
	struct xc_fuzz_transport *ft;

	xc_fuzz_reset(NULL, NULL, NULL);
	s = xc_session_new(&xc_fa_loop, &list);
	ft = xc_fuzz_transport(0);
	if (!s || !ft || xc_conn_open(xc_session_conn(s), "fuzz-controller"))
		abort();
	xc_fuzz_deliver(ft, data, size);
	uv_run(&xc_fa_loop, UV_RUN_NOWAIT);
	xc_fuzz_hangup(xc_fuzz_transport(0));
	uv_run(&xc_fa_loop, UV_RUN_DEFAULT);
	if (list)
		abort();	/* the session outlived its connection */
	return 0;
}
