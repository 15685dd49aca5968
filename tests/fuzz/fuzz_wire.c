// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The control channel's framer and Envelope decoding (shared/xc_wire.c).
 * The input is a byte stream from a peer. It goes through the framer twice,
 * at once and in small chunks (the first byte picks their size): both must
 * deliver the same messages and end with the same error. Every message is
 * decoded as an Envelope (xc_env_decode, as a connection does); one that
 * decodes must pack and decode again to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xc_fuzz.h"
#include "xc_util.h"
#include "xc_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct xc_fw_sum {
	uint64_t hash;
	uint64_t count;
};

static void xc_fw_hash(struct xc_fw_sum *s, const uint8_t *p, size_t len)
{
	size_t i;

	s->hash ^= len;
	s->hash *= 0x100000001b3ull;
	for (i = 0; i < len; i++) {
		s->hash ^= p[i];
		s->hash *= 0x100000001b3ull;
	}
	s->count++;
}

/* pack(unpack(x)) is a fixed point after one round */
static void xc_fw_roundtrip(const Xceiver__V1__Envelope *env)
{
	Xceiver__V1__Envelope *again;
	uint8_t *a, *b;
	size_t alen, blen;

	if (xc_wire_pack(env, &a, &alen))
		return;		/* above the message limit */
	again = xc_env_decode(a + XC_WIRE_HDR_LEN, alen - XC_WIRE_HDR_LEN);
	if (!again)
		abort();
	if (xc_wire_pack(again, &b, &blen))
		abort();
	if (alen != blen || memcmp(a, b, alen))
		abort();
	xc_env_body_name(again);
	xceiver__v1__envelope__free_unpacked(again, NULL);
	free(a);
	free(b);
}

static int xc_fw_msg(void *ctx, const uint8_t *msg, size_t len)
{
	Xceiver__V1__Envelope *env;

	xc_fw_hash(ctx, msg, len);
	env = xc_env_decode(msg, len);
	if (!env)
		return 0;
	xc_env_body_name(env);
	xc_fw_roundtrip(env);
	xceiver__v1__envelope__free_unpacked(env, NULL);
	return 0;
}

/* Only hashes: the second pass need not decode again. */
static int xc_fw_msg_hash(void *ctx, const uint8_t *msg, size_t len)
{
	xc_fw_hash(ctx, msg, len);
	return 0;
}

static int xc_fw_feed(const uint8_t *data, size_t size, size_t chunk,
		      xc_framer_msg_fn fn, struct xc_fw_sum *sum)
{
	struct xc_framer f;
	size_t off, n;
	int ret = 0;

	xc_framer_init(&f, XC_WIRE_MAX_MSG);
	for (off = 0; off < size && !ret; off += n) {
		n = XC_MIN(chunk, size - off);
		ret = xc_framer_feed(&f, data + off, n, fn, sum);
	}
	/* a broken framer stays broken */
	if (ret && xc_framer_feed(&f, data, size ? 1 : 0, fn, sum) != ret)
		abort();
	xc_framer_free(&f);
	return ret;
}

static void xc_fw_addr(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	char s[64];
	size_t n = XC_MIN(size, sizeof(s) - 1);

	memcpy(s, data, n);
	s[n] = '\0';
	xc_parse_addrport(s, &ss);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xc_fw_sum whole = { 0 }, parts = { 0 };
	int ret_whole, ret_parts;
	size_t chunk;

	if (!size)
		return 0;
	chunk = (size_t)(data[0] % 16) + 1;
	data++;
	size--;
	xc_fw_addr(data, size);
	ret_whole = xc_fw_feed(data, size, size ? size : 1, xc_fw_msg, &whole);
	ret_parts = xc_fw_feed(data, size, chunk, xc_fw_msg_hash, &parts);
	if (ret_whole != ret_parts || whole.count != parts.count ||
	    whole.hash != parts.hash)
		abort();
	return 0;
}
