// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Control channel: framer, Envelope packing, address parsing, and real
 * connections on 127.0.0.1 in one libuv loop (good peers and bad ones).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "xc_log.h"
#include "xc_unit.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_T_TIMEOUT_MS	5000
#define XC_T_MAX_MSGS	8

/* ------------------------------------------------------------ framer */

struct xc_t_sink {
	int calls;
	size_t len[XC_T_MAX_MSGS];
	uint8_t *msg[XC_T_MAX_MSGS];
	int fail_at;		/* return -EPROTO on this call (1-based) */
};

static int xc_t_sink_fn(void *ctx, const uint8_t *msg, size_t len)
{
	struct xc_t_sink *s = ctx;
	int i = s->calls++;

	if (i < XC_T_MAX_MSGS) {
		s->len[i] = len;
		s->msg[i] = malloc(len ? len : 1);
		assert_non_null(s->msg[i]);
		memcpy(s->msg[i], msg, len);
	}
	if (s->fail_at && s->calls == s->fail_at)
		return -EPROTO;
	return 0;
}

static void xc_t_sink_clear(struct xc_t_sink *s)
{
	int i;

	for (i = 0; i < XC_T_MAX_MSGS; i++)
		free(s->msg[i]);
	memset(s, 0, sizeof(*s));
}

static size_t xc_t_put_msg(uint8_t *out, const uint8_t *body, uint32_t len)
{
	out[0] = len >> 24;
	out[1] = len >> 16;
	out[2] = len >> 8;
	out[3] = len;
	if (len)
		memcpy(out + 4, body, len);
	return 4 + len;
}

/* Three messages: 5 bytes, empty, 300 bytes. */
static uint8_t xc_t_body_a[5] = { 'h', 'e', 'l', 'l', 'o' };
static uint8_t xc_t_body_c[300];

static size_t xc_t_stream(uint8_t *out)
{
	size_t n = 0;
	int i;

	for (i = 0; i < (int)sizeof(xc_t_body_c); i++)
		xc_t_body_c[i] = (uint8_t)(i * 7 + 3);
	n += xc_t_put_msg(out + n, xc_t_body_a, sizeof(xc_t_body_a));
	n += xc_t_put_msg(out + n, NULL, 0);
	n += xc_t_put_msg(out + n, xc_t_body_c, sizeof(xc_t_body_c));
	return n;
}

static void xc_t_check_stream(const struct xc_t_sink *s)
{
	assert_int_equal(s->calls, 3);
	assert_int_equal(s->len[0], sizeof(xc_t_body_a));
	assert_memory_equal(s->msg[0], xc_t_body_a, sizeof(xc_t_body_a));
	assert_int_equal(s->len[1], 0);
	assert_int_equal(s->len[2], sizeof(xc_t_body_c));
	assert_memory_equal(s->msg[2], xc_t_body_c, sizeof(xc_t_body_c));
}

static void test_framer_every_split(void **state)
{
	uint8_t stream[512];
	struct xc_t_sink s = { 0 };
	struct xc_framer f;
	size_t n = xc_t_stream(stream), i, j;

	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			xc_framer_init(&f, 1024);
			assert_int_equal(xc_framer_feed(&f, stream, i,
							xc_t_sink_fn, &s), 0);
			assert_int_equal(xc_framer_feed(&f, stream + i, j - i,
							xc_t_sink_fn, &s), 0);
			assert_int_equal(xc_framer_feed(&f, stream + j, n - j,
							xc_t_sink_fn, &s), 0);
			xc_t_check_stream(&s);
			assert_null(f.buf);
			assert_int_equal(f.hdr_have, 0);
			xc_framer_free(&f);
			xc_t_sink_clear(&s);
		}
	}
}

static void test_framer_byte_by_byte(void **state)
{
	uint8_t stream[512];
	struct xc_t_sink s = { 0 };
	struct xc_framer f;
	size_t n = xc_t_stream(stream), i;

	xc_framer_init(&f, 1024);
	for (i = 0; i < n; i++) {
		assert_int_equal(xc_framer_feed(&f, stream + i, 1,
						xc_t_sink_fn, &s), 0);
		/* the empty message comes out with the last header byte */
		if (i == 4 + 5 + 4 - 1)
			assert_int_equal(s.calls, 2);
	}
	xc_t_check_stream(&s);
	xc_framer_free(&f);
	xc_t_sink_clear(&s);
}

static void test_framer_one_read(void **state)
{
	uint8_t stream[512];
	struct xc_t_sink s = { 0 };
	struct xc_framer f;
	size_t n = xc_t_stream(stream);

	xc_framer_init(&f, 1024);
	assert_int_equal(xc_framer_feed(&f, stream, n, xc_t_sink_fn, &s), 0);
	xc_t_check_stream(&s);
	/* the same again, and a fourth message split off at its header */
	assert_int_equal(xc_framer_feed(&f, stream, n + 2, xc_t_sink_fn, &s),
			 0);
	assert_int_equal(s.calls, 6);
	assert_int_equal(f.hdr_have, 2);
	xc_framer_free(&f);
	assert_int_equal(f.hdr_have, 0);
	xc_t_sink_clear(&s);
}

static void test_framer_oversize(void **state)
{
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 1, 2, 3 };
	uint8_t stream[512];
	struct xc_t_sink s = { 0 };
	struct xc_framer f;
	size_t n = xc_t_stream(stream);

	/* 4 GiB would fail to allocate: -EMSGSIZE proves the check is first */
	xc_framer_init(&f, XC_WIRE_MAX_MSG);
	assert_int_equal(xc_framer_feed(&f, huge, 3, xc_t_sink_fn, &s), 0);
	assert_int_equal(xc_framer_feed(&f, huge + 3, 4, xc_t_sink_fn, &s),
			 -EMSGSIZE);
	assert_int_equal(s.calls, 0);
	assert_null(f.buf);
	/* unusable until reset */
	assert_int_equal(xc_framer_feed(&f, stream, n, xc_t_sink_fn, &s),
			 -EMSGSIZE);
	assert_int_equal(s.calls, 0);
	xc_framer_reset(&f);
	assert_int_equal(xc_framer_feed(&f, stream, n, xc_t_sink_fn, &s), 0);
	xc_t_check_stream(&s);
	xc_framer_free(&f);
	xc_t_sink_clear(&s);
}

static int xc_t_never(void *ctx, const uint8_t *msg, size_t len)
{
	return -EEXIST;
}

/*
 * With the address space capped, a 4 GiB allocation fails: the framer must
 * still say -EMSGSIZE (it checked before allocating), and with a cap that
 * admits the length it must hold only what arrived (one byte of body in a
 * small buffer), not what the header announced.
 */
static int xc_t_nomem_child(void)
{
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 1 };
	struct rlimit rl = { 1ul << 30, 1ul << 30 };
	struct xc_framer f;
	int ret;

	if (setrlimit(RLIMIT_AS, &rl))
		return 10;
	xc_framer_init(&f, XC_WIRE_MAX_MSG);
	ret = xc_framer_feed(&f, huge, sizeof(huge), xc_t_never, NULL);
	if (ret != -EMSGSIZE || f.buf)
		return 11;
	xc_framer_init(&f, UINT32_MAX);
	ret = xc_framer_feed(&f, huge, sizeof(huge), xc_t_never, NULL);
	if (ret != 0 || !f.buf || f.cap > 4096 || f.have != 1)
		return 12;
	xc_framer_free(&f);
	return 0;
}

static void test_framer_check_before_alloc(void **state)
{
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(xc_t_nomem_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_framer_limit_edge(void **state)
{
	uint8_t buf[64], body[11] = { 0 };
	struct xc_t_sink s = { 0 };
	struct xc_framer f;
	size_t n;

	xc_framer_init(&f, 10);
	n = xc_t_put_msg(buf, body, 10);
	assert_int_equal(xc_framer_feed(&f, buf, n, xc_t_sink_fn, &s), 0);
	assert_int_equal(s.calls, 1);
	n = xc_t_put_msg(buf, body, 11);
	assert_int_equal(xc_framer_feed(&f, buf, n, xc_t_sink_fn, &s),
			 -EMSGSIZE);
	assert_int_equal(s.calls, 1);
	xc_framer_free(&f);
	xc_t_sink_clear(&s);
}

static void test_framer_callback_error(void **state)
{
	uint8_t stream[512];
	struct xc_t_sink s = { .fail_at = 1 };
	struct xc_framer f;
	size_t n = xc_t_stream(stream);

	xc_framer_init(&f, 1024);
	assert_int_equal(xc_framer_feed(&f, stream, n, xc_t_sink_fn, &s),
			 -EPROTO);
	assert_int_equal(s.calls, 1);
	assert_int_equal(xc_framer_feed(&f, stream, n, xc_t_sink_fn, &s),
			 -EPROTO);
	assert_int_equal(s.calls, 1);
	xc_framer_free(&f);
	xc_t_sink_clear(&s);
}

/* Random bytes: never more than max delivered, never a crash. */
static void test_framer_garbage(void **state)
{
	struct xc_t_sink s = { 0 };
	struct xc_framer f;
	uint8_t junk[4096];
	unsigned int seed = 12345;
	int round, ret, i, errors = 0;
	size_t off, chunk;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < (int)sizeof(junk); i++)
			junk[i] = (uint8_t)rand_r(&seed);
		/* small lengths now and then so messages do come out */
		junk[0] = 0;
		junk[1] = 0;
		xc_framer_init(&f, 300);
		ret = 0;
		for (off = 0; off < sizeof(junk) && !ret; off += chunk) {
			chunk = 1 + rand_r(&seed) % 700;
			chunk = chunk > sizeof(junk) - off ?
				sizeof(junk) - off : chunk;
			ret = xc_framer_feed(&f, junk + off, chunk,
					     xc_t_sink_fn, &s);
		}
		assert_true(ret == 0 || ret == -EMSGSIZE);
		errors += ret == -EMSGSIZE;
		for (i = 0; i < s.calls && i < XC_T_MAX_MSGS; i++) {
			Xceiver__V1__Envelope *env;

			assert_true(s.len[i] <= 300);
			env = xceiver__v1__envelope__unpack(NULL, s.len[i],
							    s.msg[i]);
			xceiver__v1__envelope__free_unpacked(env, NULL);
		}
		xc_framer_free(&f);
		xc_t_sink_clear(&s);
	}
	assert_true(errors > 0);
}

/* ------------------------------------------------------------ envelope */

/*
 * Envelope { version 1, request_id 300, hello { protocol_version 1,
 * software_version "0.1", role "agent", capabilities ["skb"] } }:
 *   08 01                 field 1 varint 1
 *   10 ac 02              field 2 varint 300 (0x2c | 0x80, 0x02)
 *   52 13                 field 10, length-delimited, 19 bytes
 *     08 01               hello.protocol_version 1
 *     12 03 '0' '.' '1'   hello.software_version
 *     1a 05 'agent'       hello.role
 *     22 03 'skb'         hello.capabilities[0]
 * Body 2 + 3 + 2 + 19 = 26 bytes, header 00 00 00 1a.
 */
static const uint8_t xc_t_golden[] = {
	0x00, 0x00, 0x00, 0x1a,
	0x08, 0x01,
	0x10, 0xac, 0x02,
	0x52, 0x13,
	0x08, 0x01,
	0x12, 0x03, '0', '.', '1',
	0x1a, 0x05, 'a', 'g', 'e', 'n', 't',
	0x22, 0x03, 's', 'k', 'b',
};

static char *xc_t_caps[] = { "skb" };

static void xc_t_hello(Xceiver__V1__Envelope *env, Xceiver__V1__Hello *h,
		       uint64_t id, const char *role)
{
	xceiver__v1__hello__init(h);
	h->protocol_version = XC_PROTOCOL_VERSION;
	h->software_version = "0.1";
	h->role = (char *)role;
	h->n_capabilities = 1;
	h->capabilities = xc_t_caps;
	xc_env_init(env, id);
	env->body_case = XCEIVER__V1__ENVELOPE__BODY_HELLO;
	env->hello = h;
}

static void test_golden_hello(void **state)
{
	Xceiver__V1__Envelope env;
	Xceiver__V1__Hello h;
	uint8_t *buf = NULL;
	size_t len = 0;

	xc_t_hello(&env, &h, 300, "agent");
	assert_int_equal(xc_wire_pack(&env, &buf, &len), 0);
	assert_int_equal(len, sizeof(xc_t_golden));
	assert_memory_equal(buf, xc_t_golden, sizeof(xc_t_golden));
	free(buf);
}

static int xc_t_unpack_one(void *ctx, const uint8_t *msg, size_t len)
{
	Xceiver__V1__Envelope **out = ctx;

	if (*out)
		return -EEXIST;
	*out = xceiver__v1__envelope__unpack(NULL, len, msg);
	return *out ? 0 : -EBADMSG;
}

static void test_pack_roundtrip(void **state)
{
	Xceiver__V1__Stream st[2], *stp[2] = { &st[0], &st[1] };
	Xceiver__V1__Envelope env, *got = NULL;
	Xceiver__V1__XskConfig xsk;
	Xceiver__V1__Prepare p;
	struct xc_framer f;
	uint8_t *buf = NULL;
	size_t len = 0;

	xceiver__v1__prepare__init(&p);
	xceiver__v1__xsk_config__init(&xsk);
	xceiver__v1__stream__init(&st[0]);
	xceiver__v1__stream__init(&st[1]);
	xsk.ifname = "veth-tx";
	p.run_id = 0x1122334455667788ull;
	p.xsk = &xsk;
	st[0].id = 1;
	st[0].count = 1000000;
	st[1].id = 2;
	st[1].frame_size = 1518;
	p.n_tx_streams = 2;
	p.tx_streams = stp;
	xc_env_init(&env, 9);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_PREPARE;
	env.prepare = &p;
	assert_string_equal(xc_env_body_name(&env), "prepare");

	assert_int_equal(xc_wire_pack(&env, &buf, &len), 0);
	xc_framer_init(&f, XC_WIRE_MAX_MSG);
	assert_int_equal(xc_framer_feed(&f, buf, len, xc_t_unpack_one, &got),
			 0);
	assert_non_null(got);
	assert_int_equal(got->version, XC_PROTOCOL_VERSION);
	assert_int_equal(got->request_id, 9);
	assert_int_equal(got->body_case, XCEIVER__V1__ENVELOPE__BODY_PREPARE);
	assert_true(got->prepare->run_id == 0x1122334455667788ull);
	assert_string_equal(got->prepare->xsk->ifname, "veth-tx");
	assert_int_equal(got->prepare->n_tx_streams, 2);
	assert_int_equal(got->prepare->tx_streams[0]->count, 1000000);
	assert_int_equal(got->prepare->tx_streams[1]->frame_size, 1518);
	xceiver__v1__envelope__free_unpacked(got, NULL);
	xc_framer_free(&f);
	free(buf);
}

static void test_pack_too_big(void **state)
{
	Xceiver__V1__Envelope env;
	Xceiver__V1__Hello h;
	uint8_t *buf = NULL;
	size_t len = 0;
	char *big;

	big = malloc(XC_WIRE_MAX_MSG + 1);
	assert_non_null(big);
	memset(big, 'x', XC_WIRE_MAX_MSG);
	big[XC_WIRE_MAX_MSG] = '\0';
	xc_t_hello(&env, &h, 1, "agent");
	h.software_version = big;
	assert_int_equal(xc_wire_pack(&env, &buf, &len), -EMSGSIZE);
	assert_null(buf);
	/* just under the cap is fine */
	big[XC_WIRE_MAX_MSG - 64] = '\0';
	assert_int_equal(xc_wire_pack(&env, &buf, &len), 0);
	assert_true(len <= XC_WIRE_HDR_LEN + XC_WIRE_MAX_MSG);
	free(buf);
	free(big);
}

/* A controller's Hello, as the controller and xc-peer send it. */
static void test_env_hello(void **state)
{
	Xceiver__V1__Hello hello;
	Xceiver__V1__Envelope env;

	xc_env_hello(&env, &hello, 9);
	assert_int_equal(env.version, XC_PROTOCOL_VERSION);
	assert_int_equal(env.request_id, 9);
	assert_int_equal(env.body_case, XCEIVER__V1__ENVELOPE__BODY_HELLO);
	assert_ptr_equal(env.hello, &hello);
	assert_int_equal(hello.protocol_version, XC_PROTOCOL_VERSION);
	assert_string_equal(hello.software_version, XC_VERSION);
	assert_string_equal(hello.role, "controller");
	assert_int_equal(hello.n_capabilities, 0);
	assert_true(protobuf_c_message_check(&env.base));
}

static void test_env_names(void **state)
{
	Xceiver__V1__Envelope env;

	xc_env_init(&env, 77);
	assert_int_equal(env.version, XC_PROTOCOL_VERSION);
	assert_int_equal(env.request_id, 77);
	assert_string_equal(xc_env_body_name(&env), "none");
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_REPORT;
	assert_string_equal(xc_env_body_name(&env), "report");
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_ERROR;
	assert_string_equal(xc_env_body_name(&env), "error");
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_HELLO;
	assert_string_equal(xc_env_body_name(&env), "hello");
	assert_string_equal(xc_env_body_name(NULL), "none");
}

/*
 * protobuf-c takes a field number 0 written as a two-byte tag (0x82 0x00)
 * for an unknown field and cannot encode it again: xc_env_decode refuses
 * it, at the top and inside a Report inside a Done.
 */
static void test_env_decode_field_zero(void **state)
{
	static const uint8_t ok[] = { 0x08, 0x01, 0x10, 0x07 };
	static const uint8_t top[] = {
		0x08, 0x01, 0x10, 0x07, 0x82, 0x00, 0x00,
	};
	static const uint8_t nested[] = {
		0x08, 0x01, 0x10, 0x07, 0x92, 0x01, 0x05,	/* done */
		0x0a, 0x03, 0x82, 0x00, 0x00,			/* report */
	};
	Xceiver__V1__Envelope *env;

	env = xc_env_decode(ok, sizeof(ok));
	assert_non_null(env);
	assert_int_equal(env->request_id, 7);
	xceiver__v1__envelope__free_unpacked(env, NULL);
	env = xceiver__v1__envelope__unpack(NULL, sizeof(top), top);
	assert_non_null(env);
	xceiver__v1__envelope__free_unpacked(env, NULL);
	assert_null(xc_env_decode(top, sizeof(top)));
	env = xceiver__v1__envelope__unpack(NULL, sizeof(nested), nested);
	assert_non_null(env);
	assert_int_equal(env->body_case, XCEIVER__V1__ENVELOPE__BODY_DONE);
	xceiver__v1__envelope__free_unpacked(env, NULL);
	assert_null(xc_env_decode(nested, sizeof(nested)));
}

/* ------------------------------------------------------------ addresses */

static void test_addrport(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3.4", "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65536",
		"1.2.3.4:99999999", "1.2.3.4:-1", "1.2.3.4:+80", "1.2.3.4: 80",
		"1.2.3.4:80x", "localhost:7007", "example.com:80", ":7007",
		"1.2.3:7007", "2001:2::1:7007", "[2001:2::1]",
		"[2001:2::1]7007",
		"[2001:2::1]:", "[2001:2::1]:0", "[1.2.3.4]:80", "[]:80",
		"[2001:2::1:7007", "1.2.3.4:80:80",
	};
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	uint8_t v6[16] = { 0x20, 0x01, 0, 2, [15] = 1 };
	size_t i;

	assert_int_equal(xc_parse_addrport("1.2.3.4:7007", &ss), 0);
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 7007);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x01020304);
	assert_int_equal(xc_parse_addrport("10.0.0.1:65535", &ss), 0);
	assert_int_equal(ntohs(sin->sin_port), 65535);
	assert_int_equal(xc_parse_addrport("[2001:2::1]:7007", &ss), 0);
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 7007);
	assert_memory_equal(&sin6->sin6_addr, v6, 16);
	assert_int_equal(xc_parse_addrport("[::ffff:1.2.3.4]:1", &ss), 0);
	assert_int_equal(ntohs(sin6->sin6_port), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (xc_parse_addrport(bad[i], &ss) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	}
	assert_int_equal(xc_parse_addrport(NULL, &ss), -EINVAL);
}

/* Wildcards: IPv4 any, IPv6 any, and IPv4 any through an IPv6 socket. */
static void test_addr_is_any(void **state)
{
	static const struct {
		const char *s;
		bool any;
	} t[] = {
		{ "0.0.0.0:1", true }, { "[::]:1", true },
		{ "[::ffff:0.0.0.0]:1", true }, { "198.19.0.2:1", false },
		{ "[2001:2::1]:1", false }, { "[::ffff:1.2.3.4]:1", false },
		{ "[::1]:1", false },
	};
	struct sockaddr_storage ss;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(xc_parse_addrport(t[i].s, &ss), 0);
		if (xc_addr_is_any(&ss) != t[i].any)
			fail_msg("%s: wildcard %d", t[i].s, !t[i].any);
	}
}

/* ------------------------------------------------------------ live tests */

enum xc_t_mode {
	XC_T_REPLY,		/* answer a Hello with a Hello */
	XC_T_FAIL,		/* return -EINVAL from on_msg */
	XC_T_OWN_ERROR,		/* send an Error, then return -EPERM */
	XC_T_CLOSE,		/* close twice from inside on_msg */
};

struct xc_t_raw {
	uv_tcp_t tcp;
	uv_connect_t creq;
	uv_write_t wreq;
	uint8_t *out;
	size_t outlen;
	uint8_t in[4096];
	size_t inlen;
	int status;		/* connect/write status */
	bool eof;
	bool closed;
};

struct xc_t {
	uv_loop_t loop;
	uv_tcp_t server;
	uv_timer_t guard;
	bool expired;
	char addr[64];
	enum xc_t_mode mode;

	int accepts;
	int srv_msgs;
	int srv_closes;
	int srv_close_err;
	uint64_t srv_last_id;
	size_t srv_last_sw_len;
	char srv_role[32];
	char srv_peer[64];

	struct xc_conn *cli;
	int cli_connects;
	int cli_connect_err;
	int cli_closes;
	int cli_close_err;
	int cli_msgs;
	int cli_errors;
	int cli_error_code;
	char cli_error_msg[256];
	bool cli_got_hello;
	bool cli_close_on_reply;
	const char *cli_sw;	/* software_version sent by the client */
};

static struct xc_t *T;

static int xc_t_srv_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	Xceiver__V1__Envelope reply;
	Xceiver__V1__Hello h;

	T->srv_msgs++;
	T->srv_last_id = env->request_id;
	if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_HELLO) {
		snprintf(T->srv_role, sizeof(T->srv_role), "%s",
			 env->hello->role);
		T->srv_last_sw_len = strlen(env->hello->software_version);
	}
	switch (T->mode) {
	case XC_T_FAIL:
		return -EINVAL;
	case XC_T_OWN_ERROR:
		xc_conn_send_error(c, env->request_id, -EPERM, "not allowed");
		return -EPERM;
	case XC_T_CLOSE:
		xc_conn_close(c, 0);
		xc_conn_close(c, -EIO);
		return 0;
	case XC_T_REPLY:
		break;
	}
	xc_t_hello(&reply, &h, env->request_id, "agent");
	return xc_conn_send(c, &reply);
}

static void xc_t_srv_close(struct xc_conn *c, int err)
{
	T->srv_closes++;
	T->srv_close_err = err;
}

static const struct xc_conn_ops xc_t_srv_ops = {
	.on_msg = xc_t_srv_msg,
	.on_close = xc_t_srv_close,
};

static void xc_t_on_connection(uv_stream_t *server, int status)
{
	struct xc_conn *c;

	if (status < 0)
		return;
	c = xc_conn_new(&T->loop, &xc_t_srv_ops, T);
	if (!c)
		return;
	T->accepts++;
	if (!xc_conn_accept(c, server))
		snprintf(T->srv_peer, sizeof(T->srv_peer), "%s",
			 xc_conn_peer(c));
}

static void xc_t_expired(uv_timer_t *t)
{
	T->expired = true;
}

static int xc_t_setup(void **state)
{
	T = calloc(1, sizeof(*T));
	if (!T ||
	    xc_t_loop(&T->loop, &T->guard, xc_t_expired, XC_T_TIMEOUT_MS) ||
	    xc_t_listen(&T->loop, &T->server, 16, xc_t_on_connection,
			T->addr, sizeof(T->addr)))
		return -1;
	*state = T;
	return 0;
}

/* Run the loop until done() holds or the guard timer expires. */
static bool xc_t_run(bool (*done)(void))
{
	while (!done() && !T->expired)
		uv_run(&T->loop, UV_RUN_ONCE);
	return !T->expired;
}

static bool xc_t_quiet(void)
{
	return !uv_loop_alive(&T->loop);
}

/* Everything must wind down by itself; a failed test must not hang. */
static int xc_t_teardown(void **state)
{
	bool quiet;
	int err;

	if (!uv_is_closing((uv_handle_t *)&T->server))
		uv_close((uv_handle_t *)&T->server, NULL);
	T->expired = false;
	uv_timer_start(&T->guard, xc_t_expired, XC_T_TIMEOUT_MS, 0);
	quiet = xc_t_run(xc_t_quiet);
	if (!quiet) {
		/* leave the wreck (leaked) rather than run its callbacks */
		T = NULL;
		return -1;
	}
	uv_close((uv_handle_t *)&T->guard, NULL);
	uv_run(&T->loop, UV_RUN_DEFAULT);
	err = uv_loop_close(&T->loop);
	free(T);
	T = NULL;
	return err ? -1 : 0;
}

/* ---------------- client conn */

static void xc_t_cli_send_hello(struct xc_conn *c, uint64_t id)
{
	Xceiver__V1__Envelope env;
	Xceiver__V1__Hello h;

	xc_t_hello(&env, &h, id, "controller");
	if (T->cli_sw)
		h.software_version = (char *)T->cli_sw;
	assert_int_equal(xc_conn_send(c, &env), 0);
}

static void xc_t_cli_connect(struct xc_conn *c, int err)
{
	T->cli_connects++;
	T->cli_connect_err = err;
	if (!err)
		xc_t_cli_send_hello(c, 42);
}

static int xc_t_cli_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	T->cli_msgs++;
	if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_ERROR) {
		T->cli_errors++;
		T->cli_error_code = env->error->code;
		snprintf(T->cli_error_msg, sizeof(T->cli_error_msg), "%s",
			 env->error->message);
	}
	if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_HELLO &&
	    env->request_id == 42 && !strcmp(env->hello->role, "agent"))
		T->cli_got_hello = true;
	if (T->cli_close_on_reply)
		xc_conn_close(c, 0);
	return 0;
}

static void xc_t_cli_close(struct xc_conn *c, int err)
{
	T->cli_closes++;
	T->cli_close_err = err;
	T->cli = NULL;
}

static const struct xc_conn_ops xc_t_cli_ops = {
	.on_msg = xc_t_cli_msg,
	.on_close = xc_t_cli_close,
	.on_connect = xc_t_cli_connect,
};

static bool xc_t_both_closed(void)
{
	return T->cli_closes && T->srv_closes;
}

static void xc_t_client_hello(void)
{
	T->cli_closes = 0;
	T->srv_closes = 0;
	T->cli_close_on_reply = true;
	T->cli = xc_conn_new(&T->loop, &xc_t_cli_ops, T);
	assert_non_null(T->cli);
	assert_int_equal(xc_conn_connect(T->cli, T->addr, 2000), 0);
	assert_string_equal(xc_conn_peer(T->cli), T->addr);
	assert_true(xc_t_run(xc_t_both_closed));
	assert_int_equal(T->cli_connect_err, 0);
	assert_true(T->cli_got_hello);
	assert_string_equal(T->srv_role, "controller");
	assert_int_equal(T->srv_last_id, 42);
	assert_int_equal(T->cli_close_err, 0);
	/* the peer closed without a word */
	assert_int_equal(T->srv_close_err, -ECONNRESET);
	assert_int_equal(T->cli_closes, 1);
	assert_int_equal(T->srv_closes, 1);
	assert_int_equal(strncmp(T->srv_peer, "127.0.0.1:", 10), 0);
}

static void test_conn_hello(void **state)
{
	xc_t_client_hello();
	assert_int_equal(T->accepts, 1);
	assert_int_equal(T->srv_msgs, 1);
	assert_int_equal(T->cli_connects, 1);
}

/* A 1 MiB message crosses many reads on both sides. */
static void test_conn_big_message(void **state)
{
	char *sw = malloc(1 << 20);

	assert_non_null(sw);
	memset(sw, 'v', (1 << 20) - 1);
	sw[(1 << 20) - 1] = '\0';
	T->cli_sw = sw;
	xc_t_client_hello();
	assert_int_equal(T->srv_last_sw_len, (1 << 20) - 1);
	free(sw);
}

/* ---------------- raw client */

static void xc_t_raw_closed(uv_handle_t *h)
{
	((struct xc_t_raw *)h->data)->closed = true;
}

static void xc_t_raw_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct xc_t_raw *r = h->data;

	buf->base = (char *)r->in + r->inlen;
	buf->len = sizeof(r->in) - r->inlen;
}

static void xc_t_raw_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct xc_t_raw *r = s->data;

	if (n > 0) {
		r->inlen += (size_t)n;
		if (r->inlen < sizeof(r->in))
			return;
	} else if (!n) {
		return;
	}
	r->eof = n == UV_EOF;
	uv_close((uv_handle_t *)s, xc_t_raw_closed);
}

static void xc_t_raw_written(uv_write_t *req, int status)
{
	struct xc_t_raw *r = req->handle->data;

	if (status)
		r->status = status;
}

static void xc_t_raw_connected(uv_connect_t *req, int status)
{
	struct xc_t_raw *r = req->handle->data;
	uv_buf_t b = uv_buf_init((char *)r->out, (unsigned int)r->outlen);

	r->status = status;
	if (!status)
		status = uv_read_start((uv_stream_t *)&r->tcp, xc_t_raw_alloc,
				       xc_t_raw_read);
	if (!status && r->outlen)
		status = uv_write(&r->wreq, (uv_stream_t *)&r->tcp, &b, 1,
				  xc_t_raw_written);
	if (status) {
		r->status = status;
		uv_close((uv_handle_t *)&r->tcp, xc_t_raw_closed);
	}
}

static struct xc_t_raw *xc_t_raw_cur;

static bool xc_t_raw_done(void)
{
	return xc_t_raw_cur->closed && T->srv_closes;
}

/* Send bytes from a raw socket, read the answer until the server closes. */
static void xc_t_raw_send(struct xc_t_raw *r, uint8_t *out, size_t outlen)
{
	struct sockaddr_storage ss;

	memset(r, 0, sizeof(*r));
	r->out = out;
	r->outlen = outlen;
	T->srv_closes = 0;
	assert_int_equal(xc_parse_addrport(T->addr, &ss), 0);
	uv_tcp_init(&T->loop, &r->tcp);
	r->tcp.data = r;
	assert_int_equal(uv_tcp_connect(&r->creq, &r->tcp,
					(struct sockaddr *)&ss,
					xc_t_raw_connected), 0);
	xc_t_raw_cur = r;
	assert_true(xc_t_run(xc_t_raw_done));
	assert_int_equal(r->status, 0);
	assert_true(r->eof);
	assert_int_equal(T->srv_closes, 1);
}

/* The server's answer must be exactly one Error envelope. */
static void xc_t_expect_error(const struct xc_t_raw *r, int code,
			      uint64_t id, const char *text)
{
	Xceiver__V1__Envelope *env = NULL;
	struct xc_framer f;

	xc_framer_init(&f, XC_WIRE_MAX_MSG);
	assert_int_equal(xc_framer_feed(&f, r->in, r->inlen, xc_t_unpack_one,
					&env), 0);
	assert_int_equal(f.hdr_have, 0);
	assert_null(f.buf);
	assert_non_null(env);
	assert_int_equal(env->version, XC_PROTOCOL_VERSION);
	assert_int_equal(env->request_id, id);
	assert_int_equal(env->body_case, XCEIVER__V1__ENVELOPE__BODY_ERROR);
	assert_int_equal(env->error->code, code);
	if (!strstr(env->error->message, text))
		fail_msg("error \"%s\" does not say \"%s\"",
			 env->error->message, text);
	xceiver__v1__envelope__free_unpacked(env, NULL);
	xc_framer_free(&f);
	assert_int_equal(T->srv_close_err, code);
}

static size_t xc_t_pack_into(uint8_t *out, Xceiver__V1__Envelope *env)
{
	uint8_t *buf;
	size_t len;

	assert_int_equal(xc_wire_pack(env, &buf, &len), 0);
	memcpy(out, buf, len);
	free(buf);
	return len;
}

static void test_conn_garbage_then_good(void **state)
{
	uint8_t junk[] = { 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct xc_t_raw r;

	xc_t_raw_send(&r, junk, sizeof(junk));
	xc_t_expect_error(&r, -EBADMSG, 0,
			  "message of 5 bytes does not decode as an Envelope");
	assert_int_equal(T->srv_msgs, 0);
	/* the server goes on serving */
	xc_t_client_hello();
	assert_int_equal(T->accepts, 2);
	assert_int_equal(T->srv_msgs, 1);
}

/*
 * Bad input followed by much more: the server closes with unread input
 * queued, and the Error must still arrive (no reset that discards it).
 */
static void test_conn_garbage_flood(void **state)
{
	size_t n = 256 << 10;
	struct xc_t_raw r;
	uint8_t *junk;

	junk = malloc(n);
	assert_non_null(junk);
	memset(junk, 0xff, n);
	junk[0] = junk[1] = junk[2] = 0;
	junk[3] = 5;
	xc_t_raw_send(&r, junk, n);
	xc_t_expect_error(&r, -EBADMSG, 0, "does not decode");
	free(junk);
}

static void test_conn_oversize(void **state)
{
	uint8_t hdr[] = { 0x01, 0x00, 0x00, 0x01 };	/* cap + 1 */
	struct xc_t_raw r;

	xc_t_raw_send(&r, hdr, sizeof(hdr));
	xc_t_expect_error(&r, -EMSGSIZE, 0, "message length 16777217 "
			  "exceeds the limit of 16777216 bytes");
	assert_int_equal(T->srv_msgs, 0);
}

static void test_conn_bad_envelopes(void **state)
{
	uint8_t empty[] = { 0, 0, 0, 0 }, buf[256];
	Xceiver__V1__Envelope env;
	Xceiver__V1__Hello h;
	struct xc_t_raw r;
	size_t n;

	xc_t_raw_send(&r, empty, sizeof(empty));
	xc_t_expect_error(&r, -EBADMSG, 0, "empty message");

	xc_t_hello(&env, &h, 5, "controller");
	n = xc_t_pack_into(buf, &env);
	buf[5] = 7;	/* the version's value, as in the golden bytes */
	xc_t_raw_send(&r, buf, n);
	xc_t_expect_error(&r, -EPROTO, 5,
			  "protocol version 7, this side speaks 1");

	xc_env_init(&env, 6);
	n = xc_t_pack_into(buf, &env);
	xc_t_raw_send(&r, buf, n);
	xc_t_expect_error(&r, -EBADMSG, 6, "no body");
	assert_int_equal(T->srv_msgs, 0);
	assert_int_equal(T->accepts, 3);
}

/* Two messages in one write; the first closes the connection. */
static void test_conn_close_in_msg(void **state)
{
	Xceiver__V1__Envelope env;
	Xceiver__V1__Hello h;
	struct xc_t_raw r;
	uint8_t buf[256];
	size_t n;

	T->mode = XC_T_CLOSE;
	xc_t_hello(&env, &h, 1, "controller");
	n = xc_t_pack_into(buf, &env);
	env.request_id = 2;
	n += xc_t_pack_into(buf + n, &env);
	xc_t_raw_send(&r, buf, n);
	assert_int_equal(T->srv_msgs, 1);
	assert_int_equal(T->srv_last_id, 1);
	assert_int_equal(T->srv_close_err, 0);
	assert_int_equal(r.inlen, 0);
}

static void xc_t_client_rejected(void)
{
	T->cli = xc_conn_new(&T->loop, &xc_t_cli_ops, T);
	assert_non_null(T->cli);
	assert_int_equal(xc_conn_connect(T->cli, T->addr, 2000), 0);
	assert_true(xc_t_run(xc_t_both_closed));
	assert_int_equal(T->cli_connect_err, 0);
	assert_int_equal(T->cli_closes, 1);
	assert_int_equal(T->cli_close_err, -ECONNRESET);
	assert_int_equal(T->srv_msgs, 1);
	assert_int_equal(T->cli_msgs, 1);
	assert_int_equal(T->cli_errors, 1);
}

static void test_conn_handler_fails(void **state)
{
	T->mode = XC_T_FAIL;
	xc_t_client_rejected();
	assert_int_equal(T->cli_error_code, -EINVAL);
	assert_int_equal(T->srv_close_err, -EINVAL);
	if (!strstr(T->cli_error_msg, "hello request failed"))
		fail_msg("unexpected error text \"%s\"", T->cli_error_msg);
}

/* A handler that sends its own Error is not answered twice. */
static void test_conn_handler_own_error(void **state)
{
	T->mode = XC_T_OWN_ERROR;
	xc_t_client_rejected();
	assert_int_equal(T->cli_error_code, -EPERM);
	assert_string_equal(T->cli_error_msg, "not allowed");
	assert_int_equal(T->srv_close_err, -EPERM);
}

static bool xc_t_cli_closed(void)
{
	return T->cli_closes;
}

static void test_conn_refused(void **state)
{
	char addr[64];

	/* the server's port, once the server is gone */
	snprintf(addr, sizeof(addr), "%s", T->addr);
	uv_close((uv_handle_t *)&T->server, NULL);
	uv_run(&T->loop, UV_RUN_NOWAIT);
	T->cli = xc_conn_new(&T->loop, &xc_t_cli_ops, T);
	assert_non_null(T->cli);
	assert_int_equal(xc_conn_connect(T->cli, addr, 2000), 0);
	assert_true(xc_t_run(xc_t_cli_closed));
	assert_int_equal(T->cli_connects, 1);
	assert_int_equal(T->cli_connect_err, -ECONNREFUSED);
	assert_int_equal(T->cli_closes, 1);
	assert_int_equal(T->cli_close_err, -ECONNREFUSED);
}

static void test_conn_bad_addr(void **state)
{
	T->cli = xc_conn_new(&T->loop, &xc_t_cli_ops, T);
	assert_non_null(T->cli);
	assert_int_equal(xc_conn_connect(T->cli, "agent.example:7007", 100),
			 -EINVAL);
	assert_true(xc_t_run(xc_t_cli_closed));
	assert_int_equal(T->cli_connects, 0);
	assert_int_equal(T->cli_closes, 1);
	assert_int_equal(T->cli_close_err, -EINVAL);
}

/*
 * A listener whose accept queue is full drops new SYNs, so a connect to it
 * hangs until the timeout.
 */
static void test_conn_timeout(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int lfd, cfd[4], i;
	char addr[64];
	uint64_t t0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 0), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	for (i = 0; i < 4; i++) {
		cfd[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(cfd[i] >= 0);
		connect(cfd[i], (struct sockaddr *)&sin, sizeof(sin));
	}
	usleep(100000);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", ntohs(sin.sin_port));
	T->cli = xc_conn_new(&T->loop, &xc_t_cli_ops, T);
	assert_non_null(T->cli);
	t0 = uv_hrtime();
	assert_int_equal(xc_conn_connect(T->cli, addr, 300), 0);
	assert_true(xc_t_run(xc_t_cli_closed));
	for (i = 0; i < 4; i++)
		close(cfd[i]);
	close(lfd);
	assert_int_equal(T->cli_connects, 1);
	assert_int_equal(T->cli_connect_err, -ETIMEDOUT);
	assert_int_equal(T->cli_close_err, -ETIMEDOUT);
	assert_true(uv_hrtime() - t0 >= 250 * 1000000ull);
	/* nothing to flush: the close does not linger */
	assert_true(uv_hrtime() - t0 < 1000 * 1000000ull);
}

/* Closing a conn that never connected still reports on_close once. */
static void test_conn_close_idle(void **state)
{
	T->cli = xc_conn_new(&T->loop, &xc_t_cli_ops, T);
	assert_non_null(T->cli);
	assert_int_equal(xc_conn_send_error(T->cli, 1, -EIO, "x"), -ENOTCONN);
	xc_conn_close(T->cli, 0);
	xc_conn_close(T->cli, -EIO);
	assert_int_equal(T->cli_closes, 0);	/* never synchronous */
	assert_true(xc_t_run(xc_t_cli_closed));
	assert_int_equal(T->cli_closes, 1);
	assert_int_equal(T->cli_close_err, 0);
	xc_conn_close(NULL, 0);
}

#define XC_T_LIVE(fn) cmocka_unit_test_setup_teardown(fn, xc_t_setup, \
						      xc_t_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_is_any),
		cmocka_unit_test(test_framer_every_split),
		cmocka_unit_test(test_framer_byte_by_byte),
		cmocka_unit_test(test_framer_one_read),
		cmocka_unit_test(test_framer_oversize),
		cmocka_unit_test(test_framer_check_before_alloc),
		cmocka_unit_test(test_framer_limit_edge),
		cmocka_unit_test(test_framer_callback_error),
		cmocka_unit_test(test_framer_garbage),
		cmocka_unit_test(test_golden_hello),
		cmocka_unit_test(test_pack_roundtrip),
		cmocka_unit_test(test_pack_too_big),
		cmocka_unit_test(test_env_hello),
		cmocka_unit_test(test_env_names),
		cmocka_unit_test(test_env_decode_field_zero),
		cmocka_unit_test(test_addrport),
		XC_T_LIVE(test_conn_hello),
		XC_T_LIVE(test_conn_big_message),
		XC_T_LIVE(test_conn_garbage_then_good),
		XC_T_LIVE(test_conn_garbage_flood),
		XC_T_LIVE(test_conn_oversize),
		XC_T_LIVE(test_conn_bad_envelopes),
		XC_T_LIVE(test_conn_close_in_msg),
		XC_T_LIVE(test_conn_handler_fails),
		XC_T_LIVE(test_conn_handler_own_error),
		XC_T_LIVE(test_conn_refused),
		XC_T_LIVE(test_conn_bad_addr),
		XC_T_LIVE(test_conn_timeout),
		XC_T_LIVE(test_conn_close_idle),
	};

	xc_log_set_level(XC_LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
