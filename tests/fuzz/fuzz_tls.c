// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The TLS transport's server side (shared/xc_tls.c, shared/xc_tls_ctx.c)
 * under a connection, as an agent runs it, fed by a peer that has no key.
 * Input: byte 0 picks the agent's credentials (bit 0 set: a pre-shared
 * key file, else certificates with an allowed name), byte 1 the size of
 * the chunks (1 + byte) in which the rest, the peer's bytes, is
 * delivered; then the peer hangs up. The keys are made afresh when the
 * target starts (xc_keys_make), so no handshake can complete: nothing may
 * reach the connection's owner, which must see one close, and the loop
 * must end with no handle left.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xc_fuzz.h"
#include "xc_keys.h"
#include "xc_tls.h"
#include "xc_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uv_loop_t xc_ftls_loop;
static struct xc_tls_ctx *xc_ftls_ctx[2];	/* certificates, PSK */
static int xc_ftls_closes;

/* Keys in a temporary directory, loaded, then removed. */
static void xc_ftls_init(void)
{
	char dir[] = "/tmp/xc-fuzz-tls.XXXXXX";

	xc_fuzz_quiet();
	if (uv_loop_init(&xc_ftls_loop))
		abort();
	xc_fuzz_keys_make(dir);
	xc_ftls_ctx[0] = xc_fuzz_tls_ctx(dir, true, false);
	xc_ftls_ctx[1] = xc_fuzz_tls_ctx(dir, true, true);
	xc_fuzz_keys_remove(dir);
}

static int xc_ftls_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	abort();	/* a message before a handshake anyone completed */
}

static void xc_ftls_close(struct xc_conn *c, int err)
{
	xc_ftls_closes++;
}

static const struct xc_conn_ops xc_ftls_ops = {
	.on_msg = xc_ftls_msg,
	.on_close = xc_ftls_close,
};

static void xc_ftls_feed(struct xc_transport *peer, const uint8_t *data,
			 size_t size, size_t chunk)
{
	size_t n;

	while (size && xc_fuzz_mem_open(peer)) {
		n = size < chunk ? size : chunk;
		peer->on_data(peer, data, n);
		data += n;
		size -= n;
	}
	if (xc_fuzz_mem_open(peer))
		peer->on_error(peer, -ECONNRESET);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xc_transport *peer, *t;
	struct xc_conn *c;

	if (size < 2)
		return 0;
	if (!xc_ftls_ctx[0])
		xc_ftls_init();
	xc_ftls_closes = 0;
	peer = xc_fuzz_mem_new(&xc_ftls_loop, NULL, NULL);
	if (!peer)
		abort();
	t = xc_tls_transport_new(xc_ftls_ctx[data[0] & 1], peer);
	c = xc_conn_new_transport(&xc_ftls_loop, t, &xc_ftls_ops, NULL);
	if (!c || xc_conn_open(c, "fuzz peer"))
		abort();
	xc_ftls_feed(peer, data + 2, size - 2, (size_t)data[1] + 1);
	uv_run(&xc_ftls_loop, UV_RUN_DEFAULT);
	if (xc_ftls_closes != 1 || uv_loop_alive(&xc_ftls_loop))
		abort();
	return 0;
}
