// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Specs as protobuf messages: YAML/JSON mapping, error messages, dotted
 * paths, JSON output and semantic checks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "xc_spec.h"

#define SPEC_MSG (&xceiver__v1__test_spec__descriptor)

static const char full_yaml[] =
	"# a comment\n"
	"tx:\n"
	"  agent: 198.19.0.2:7007\n"
	"  xsk:\n"
	"    ifname: veth-tx\n"
	"    queues: [0, 3]\n"
	"    mode: skb\n"
	"    chunk_size: 2048\n"
	"    fill_size: 0x800\n"
	"    no_need_wakeup: yes\n"
	"rx:\n"
	"  agent: \"[2001:2::1]:7007\"\n"
	"  xsk:\n"
	"    ifname: veth-rx\n"
	"    queues: 2\n"
	"    mode: XDP_MODE_ZEROCOPY\n"
	"    use_poll: true\n"
	"streams:\n"
	"  - id: 1\n"
	"    count: 1000000\n"
	"    frame_size: 64\n"
	"    rate_pps: 200000\n"
	"    headers:\n"
	"      src_mac: 02:00:00:00:00:01\n"
	"      dst_ip: 198.18.0.2\n"
	"      udp: {src: 9000, dst: 9001}\n"
	"      ttl: 32\n"
	"    payload:\n"
	"      pattern: Fixed\n"
	"      fill_byte: 0xa5\n"
	"  - id: 2\n"
	"    count: 18446744073709551615\n"
	"    frame_size: 88\n"
	"    headers:\n"
	"      ip_version: 6\n"
	"      vlan_id: 100\n"
	"timeouts:\n"
	"  connect_ms: 1500\n"
	"expect:\n"
	"  max_missing_ranges: 7\n";

static const char full_json[] =
	"{\"tx\": {\"agent\": \"198.19.0.2:7007\",\n"
	"  \"xsk\": {\"ifname\": \"veth-tx\", \"queues\": [0, 3],\n"
	"           \"mode\": \"SKB\", \"chunk_size\": 2048,\n"
	"           \"fill_size\": 2048, \"no_need_wakeup\": true}},\n"
	" \"rx\": {\"agent\": \"[2001:2::1]:7007\",\n"
	"  \"xsk\": {\"ifname\": \"veth-rx\", \"queues\": 2,\n"
	"           \"mode\": \"zerocopy\", \"use_poll\": true}},\n"
	" \"streams\": [\n"
	"  {\"id\": 1, \"count\": 1000000, \"frame_size\": 64,\n"
	"   \"rate_pps\": 200000,\n"
	"   \"headers\": {\"src_mac\": \"02:00:00:00:00:01\",\n"
	"               \"dst_ip\": \"198.18.0.2\",\n"
	"               \"udp\": {\"src\": 9000, \"dst\": 9001},\n"
	"               \"ttl\": 32},\n"
	"   \"payload\": {\"pattern\": \"fixed\", \"fill_byte\": 165}},\n"
	"  {\"id\": 2, \"count\": 18446744073709551615, \"frame_size\": 88,\n"
	"   \"headers\": {\"ip_version\": \"IP_VERSION_6\", \"vlan_id\": 100}}\n"
	" ],\n"
	" \"timeouts\": {\"connect_ms\": 1500},\n"
	" \"expect\": {\"max_missing_ranges\": 7}}\n";

/* A small valid spec, for the semantic checks. */
static const char base_yaml[] =
	"tx: {agent: 198.19.0.2:7007, xsk: {ifname: a}}\n"
	"rx: {agent: 198.19.0.3:7007, xsk: {ifname: b}}\n"
	"streams:\n"
	"  - id: 1\n"
	"    count: 10\n";

static Xceiver__V1__TestSpec *load(const char *text, char *err, size_t len,
				   int *ret)
{
	ProtobufCMessage *m = NULL;

	err[0] = '\0';
	*ret = xc_pb_from_yaml(SPEC_MSG, "t.yaml", text, strlen(text), &m,
			       err, len);
	return (Xceiver__V1__TestSpec *)m;
}

static Xceiver__V1__TestSpec *load_ok(const char *text)
{
	Xceiver__V1__TestSpec *s;
	char err[512];
	int ret;

	s = load(text, err, sizeof(err), &ret);
	if (ret)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(ret, 0);
	assert_non_null(s);
	return s;
}

static void spec_free(Xceiver__V1__TestSpec *s)
{
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);
}

/* The text fails to load; err must contain every string given. */
static void load_fails(const char *text, ...)
{
	Xceiver__V1__TestSpec *s;
	char err[512];
	const char *want;
	va_list ap;
	int ret;

	s = load(text, err, sizeof(err), &ret);
	assert_int_not_equal(ret, 0);
	assert_true(ret < 0);
	assert_null(s);
	va_start(ap, text);
	while ((want = va_arg(ap, const char *))) {
		if (!strstr(err, want))
			print_error("'%s' not in '%s'\n", want, err);
		assert_non_null(strstr(err, want));
	}
	va_end(ap);
}

/* A whole spec text loads, then xc_spec_check fails with want. */
static void full_fails(const char *text, const char *want)
{
	Xceiver__V1__TestSpec *s;
	char err[1024] = "";

	s = load_ok(text);
	assert_int_not_equal(xc_spec_check(s, "t.yaml", err, sizeof(err)), 0);
	if (!strstr(err, want))
		print_error("'%s' not in '%s'\n", want, err);
	assert_non_null(strstr(err, want));
	spec_free(s);
}

/* A whole spec text loads and passes xc_spec_check. */
static void full_ok(const char *text)
{
	Xceiver__V1__TestSpec *s;
	char err[1024] = "";
	int ret;

	s = load_ok(text);
	ret = xc_spec_check(s, "t.yaml", err, sizeof(err));
	if (ret)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(ret, 0);
	spec_free(s);
}

/* base_yaml plus extra text loads, then xc_spec_check fails with want. */
static void check_fails(const char *extra_stream, const char *want)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s%s", base_yaml, extra_stream);
	full_fails(text, want);
}

static void check_ok(const char *extra_stream)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s%s", base_yaml, extra_stream);
	full_ok(text);
}

static void assert_same_msg(const ProtobufCMessage *a,
			    const ProtobufCMessage *b)
{
	size_t la = protobuf_c_message_get_packed_size(a);
	size_t lb = protobuf_c_message_get_packed_size(b);
	uint8_t *pa = malloc(la + 1), *pb = malloc(lb + 1);

	assert_non_null(pa);
	assert_non_null(pb);
	assert_int_equal(protobuf_c_message_pack(a, pa), la);
	assert_int_equal(protobuf_c_message_pack(b, pb), lb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la);
	free(pa);
	free(pb);
}

/* ---------------------------------------------------------------- mapping */

static void test_full_yaml(void **state)
{
	Xceiver__V1__TestSpec *s = load_ok(full_yaml);
	Xceiver__V1__Stream *st;

	assert_string_equal(s->tx->agent, "198.19.0.2:7007");
	assert_string_equal(s->tx->xsk->ifname, "veth-tx");
	assert_int_equal(s->tx->xsk->n_queues, 2);
	assert_int_equal(s->tx->xsk->queues[0], 0);
	assert_int_equal(s->tx->xsk->queues[1], 3);
	assert_int_equal(s->tx->xsk->mode, XCEIVER__V1__XDP_MODE__XDP_MODE_SKB);
	assert_int_equal(s->tx->xsk->chunk_size, 2048);
	assert_int_equal(s->tx->xsk->fill_size, 2048);
	assert_true(s->tx->xsk->no_need_wakeup);
	assert_false(s->tx->xsk->use_poll);
	assert_string_equal(s->rx->agent, "[2001:2::1]:7007");
	assert_int_equal(s->rx->xsk->n_queues, 1);
	assert_int_equal(s->rx->xsk->queues[0], 2);
	assert_int_equal(s->rx->xsk->mode,
			 XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY);
	assert_true(s->rx->xsk->use_poll);
	assert_int_equal(s->n_streams, 2);
	st = s->streams[0];
	assert_int_equal(st->id, 1);
	assert_int_equal(st->count, 1000000);
	assert_int_equal(st->frame_size, 64);
	assert_int_equal(st->rate_pps, 200000);
	assert_string_equal(st->headers->src_mac, "02:00:00:00:00:01");
	assert_string_equal(st->headers->dst_mac, "");
	assert_string_equal(st->headers->dst_ip, "198.18.0.2");
	assert_int_equal(st->headers->udp->src, 9000);
	assert_int_equal(st->headers->udp->dst, 9001);
	assert_int_equal(st->headers->ttl, 32);
	assert_int_equal(st->headers->ip_version,
			 XCEIVER__V1__IP_VERSION__IP_VERSION_4);
	assert_int_equal(st->payload->pattern,
			 XCEIVER__V1__PAYLOAD_PATTERN__PAYLOAD_PATTERN_FIXED);
	assert_int_equal(st->payload->fill_byte, 0xa5);
	st = s->streams[1];
	assert_int_equal(st->id, 2);
	assert_true(st->count == UINT64_MAX);
	assert_int_equal(st->headers->ip_version,
			 XCEIVER__V1__IP_VERSION__IP_VERSION_6);
	assert_int_equal(st->headers->vlan_id, 100);
	assert_null(st->headers->udp);
	assert_null(st->payload);
	assert_int_equal(s->timeouts->connect_ms, 1500);
	assert_int_equal(s->timeouts->reply_ms, 0);
	assert_int_equal(s->expect->max_missing_ranges, 7);
	spec_free(s);
}

static void test_json_equals_yaml(void **state)
{
	Xceiver__V1__TestSpec *y = load_ok(full_yaml);
	Xceiver__V1__TestSpec *j = load_ok(full_json);

	assert_same_msg(&y->base, &j->base);
	spec_free(y);
	spec_free(j);
}

static void test_empty_and_null(void **state)
{
	Xceiver__V1__TestSpec *s = load_ok("");

	assert_null(s->tx);
	assert_int_equal(s->n_streams, 0);
	spec_free(s);
	s = load_ok("tx:\nrx: ~\nstreams: null\ntimeouts: {}\n");
	assert_null(s->tx);
	assert_null(s->rx);
	assert_int_equal(s->n_streams, 0);
	assert_non_null(s->timeouts);
	spec_free(s);
}

static void test_unknown_field(void **state)
{
	load_fails("tx:\n  agent: 1.2.3.4:5\nstreams:\n  - id: 1\n"
		   "    frame_sise: 64\n",
		   "t.yaml:5:5: streams[0].frame_sise: unknown field",
		   "Stream has: id, count, frame_size", NULL);
	load_fails("tx:\n  xsk:\n    ifnam: x\n",
		   "t.yaml:3:5: tx.xsk.ifnam: unknown field", "ifname",
		   NULL);
	load_fails("bogus: 1\n", "t.yaml:1:1: bogus: unknown field",
		   "TestSpec has: tx, rx, streams", NULL);
}

static void test_wrong_types(void **state)
{
	load_fails("streams:\n  - count: abc\n",
		   "t.yaml:2:12: streams[0].count: 'abc' is not an integer",
		   NULL);
	load_fails("streams:\n  - count: -1\n",
		   "streams[0].count: -1 is negative", NULL);
	load_fails("streams:\n  - count: 1.5\n", "not an integer", NULL);
	load_fails("streams:\n  - count: 1e6\n", "not an integer", NULL);
	load_fails("streams:\n  - frame_size: 4294967296\n",
		   "streams[0].frame_size: 4294967296 is out of range for uint32",
		   NULL);
	load_fails("streams:\n  - count: 18446744073709551616\n",
		   "out of range for uint64", NULL);
	load_fails("tx:\n  xsk:\n    use_poll: maybe\n",
		   "tx.xsk.use_poll: 'maybe' is not a bool", NULL);
	load_fails("tx: 5\n", "t.yaml:1:5: tx: expected a mapping (Endpoint)",
		   NULL);
	load_fails("tx:\n  agent: [a, b]\n",
		   "t.yaml:2:10: tx.agent: expected a string value, got a sequence",
		   NULL);
	load_fails("- 1\n", "TestSpec: expected a mapping", NULL);
	load_fails("tx: {xsk: {queues: [0, x]}}\n", "tx.xsk.queues[1]:",
		   "'x' is not an integer", NULL);
}

static void test_integer_forms(void **state)
{
	Xceiver__V1__TestSpec *s;

	s = load_ok("streams:\n  - count: 0x10\n    id: \"12\"\n"
		    "    frame_size: 4294967295\n    rate_pps: +5\n");
	assert_int_equal(s->streams[0]->count, 16);
	assert_int_equal(s->streams[0]->id, 12);
	assert_int_equal(s->streams[0]->frame_size, 4294967295u);
	assert_int_equal(s->streams[0]->rate_pps, 5);
	spec_free(s);
}

/* A signed field takes negative values (Error.code is int32). */
static void test_signed(void **state)
{
	const ProtobufCMessageDescriptor *d = &xceiver__v1__error__descriptor;
	const char *t = "code: -2147483648\nmessage: x\n";
	ProtobufCMessage *m = NULL;
	char err[256];

	assert_int_equal(xc_pb_from_yaml(d, "e", t, strlen(t), &m, err,
					 sizeof(err)), 0);
	assert_int_equal(((Xceiver__V1__Error *)m)->code, INT32_MIN);
	protobuf_c_message_free_unpacked(m, NULL);
	t = "code: -2147483649\n";
	assert_int_not_equal(xc_pb_from_yaml(d, "e", t, strlen(t), &m, err,
					     sizeof(err)), 0);
	assert_non_null(strstr(err, "out of range for int32"));
	assert_null(m);
}

static void test_enums(void **state)
{
	Xceiver__V1__TestSpec *s;

	s = load_ok("tx: {xsk: {mode: XDP_MODE_DRV}}\n"
		    "rx: {xsk: {mode: Zerocopy}}\n");
	assert_int_equal(s->tx->xsk->mode, XCEIVER__V1__XDP_MODE__XDP_MODE_DRV);
	assert_int_equal(s->rx->xsk->mode,
			 XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY);
	spec_free(s);
	s = load_ok("tx: {xsk: {mode: auto}}\nrx: {xsk: {mode: skb}}\n");
	assert_int_equal(s->tx->xsk->mode,
			 XCEIVER__V1__XDP_MODE__XDP_MODE_AUTO);
	assert_int_equal(s->rx->xsk->mode, XCEIVER__V1__XDP_MODE__XDP_MODE_SKB);
	spec_free(s);
	load_fails("tx: {xsk: {mode: fast}}\n",
		   "tx.xsk.mode: 'fast' is not a valid XdpMode "
		   "(auto, skb, drv, zerocopy)", NULL);
	load_fails("streams: [{headers: {ip_version: 5}}]\n",
		   "streams[0].headers.ip_version: '5' is not a valid IpVersion (4, 6)",
		   NULL);
}

static void test_repeated(void **state)
{
	Xceiver__V1__TestSpec *s;

	s = load_ok("tx: {xsk: {queues: 5}}\nrx: {xsk: {queues: [1, 2, 3]}}\n"
		    "streams: {id: 9, count: 1}\n");
	assert_int_equal(s->tx->xsk->n_queues, 1);
	assert_int_equal(s->tx->xsk->queues[0], 5);
	assert_int_equal(s->rx->xsk->n_queues, 3);
	assert_int_equal(s->rx->xsk->queues[2], 3);
	assert_int_equal(s->n_streams, 1);
	assert_int_equal(s->streams[0]->id, 9);
	spec_free(s);
	load_fails("tx: {xsk: {queues: [[1]]}}\n", "tx.xsk.queues[0]",
		   "got a sequence", NULL);
	load_fails("streams: [{id: 1}, 7]\n",
		   "streams[1]: expected a mapping (Stream), got a scalar",
		   NULL);
}

static void test_duplicate_key(void **state)
{
	load_fails("tx:\n  agent: a\n  agent: b\n",
		   "t.yaml:3:3: tx.agent: duplicate key (first at 2:3)", NULL);
	load_fails("{\"streams\": [], \"streams\": []}",
		   "streams: duplicate key", NULL);
}

static void test_syntax_error(void **state)
{
	load_fails("tx:\n  agent: a\n xsk: b\n", "t.yaml:3:", "syntax error",
		   NULL);
	load_fails("streams: [1, 2\n", "t.yaml:2:", "syntax error", NULL);
	load_fails("{\"tx\": {\"agent\": \"a\"}", "syntax error", NULL);
	load_fails("a: *nothing\n", "t.yaml:1:", NULL);
}

static void test_alias_refused(void **state)
{
	load_fails("tx: &e {agent: 1.2.3.4:5}\nrx: *e\n",
		   "anchors and aliases are not supported", NULL);
	load_fails("streams: &s [*s]\n", "not supported", NULL);
}

static void test_two_documents(void **state)
{
	load_fails("tx: {agent: a}\n---\nrx: {agent: b}\n", "t.yaml:3:1",
		   "second YAML document", NULL);
}

static void test_oneof(void **state)
{
	const ProtobufCMessageDescriptor *d =
		&xceiver__v1__envelope__descriptor;
	const char *t = "version: 1\nhello: {role: agent, capabilities: [a, b]}\n";
	Xceiver__V1__Envelope *e;
	ProtobufCMessage *m = NULL;
	char err[256];

	assert_int_equal(xc_pb_from_yaml(d, "e", t, strlen(t), &m, err,
					 sizeof(err)), 0);
	e = (Xceiver__V1__Envelope *)m;
	assert_int_equal(e->body_case, XCEIVER__V1__ENVELOPE__BODY_HELLO);
	assert_string_equal(e->hello->role, "agent");
	assert_int_equal(e->hello->n_capabilities, 2);
	assert_string_equal(e->hello->capabilities[1], "b");
	/* switching the member by path frees the old one */
	assert_int_equal(xc_pb_set_path(m, "error.code", "-5", err,
					 sizeof(err)), 0);
	assert_int_equal(e->body_case, XCEIVER__V1__ENVELOPE__BODY_ERROR);
	assert_int_equal(e->error->code, -5);
	protobuf_c_message_free_unpacked(m, NULL);
	t = "hello: {}\nerror: {code: 1}\n";
	assert_int_not_equal(xc_pb_from_yaml(d, "e", t, strlen(t), &m, err,
					     sizeof(err)), 0);
	assert_non_null(strstr(err, "e:2:1: error: only one of a oneof"));
	assert_null(m);
}

/* ---------------------------------------------------------------- checks */

static void test_check_valid(void **state)
{
	check_ok("");
	check_ok("    frame_size: 64\n");
	check_ok("    frame_size: 4100\n");
	check_ok("    frame_size: 68\n    headers: {vlan_id: 4094}\n");
	check_ok("    frame_size: 84\n    headers: {ip_version: 6,"
		 " src_ip: \"2001:2::1\"}\n");
	check_ok("    headers: {src_mac: 02:aa:bb:cc:dd:ee, dst_ip: 198.18.0.9}\n");
}

static void test_check_frame_size(void **state)
{
	check_fails("    frame_size: 60\n",
		    "t.yaml: streams[0].frame_size: 60 is below the minimum of 64 for Ethernet/IPv4/UDP");
	check_fails("    frame_size: 67\n    headers: {vlan_id: 5}\n",
		    "streams[0].frame_size: 67 is below the minimum of 68 for Ethernet/802.1Q/IPv4/UDP");
	check_fails("    frame_size: 83\n    headers: {ip_version: 6}\n",
		    "streams[0].frame_size: 83 is below the minimum of 84 for Ethernet/IPv6/UDP");
	check_fails("    frame_size: 87\n    headers: {ip_version: 6, vlan_id: 1}\n",
		    "streams[0].frame_size: 87 is below the minimum of 88 for Ethernet/802.1Q/IPv6/UDP");
	check_fails("    headers: {ip_version: 6}\n",
		    "streams[0].frame_size: 64 (the default) is below the minimum of 84");
	check_fails("    frame_size: 9019\n",
		    "streams[0].frame_size: 9019 is above the maximum of 9018");
}

static void test_check_endpoints(void **state)
{
	Xceiver__V1__TestSpec *s;
	char err[512] = "";

	s = load_ok("tx: {agent: 198.19.0.2:7007, xsk: {ifname: a}}\n"
		    "streams: [{id: 1, count: 1}]\n");
	assert_int_not_equal(xc_spec_check(s, "x.yaml", err, sizeof(err)), 0);
	assert_string_equal(err, "x.yaml: rx: missing (the Rx agent and its interface)");
	spec_free(s);
	s = load_ok("tx: {agent: \"198.19.0.2\", xsk: {ifname: a}}\n");
	assert_int_not_equal(xc_spec_check(s, "x.yaml", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "x.yaml: tx.agent: '198.19.0.2' is not ADDR:PORT"));
	spec_free(s);
	s = load_ok("tx: {agent: \"2001:2::1:7007\", xsk: {ifname: a}}\n");
	assert_int_not_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.agent: '2001:2::1:7007' is not"));
	spec_free(s);
	s = load_ok("tx: {agent: \"1.2.3.4:70000\", xsk: {ifname: a}}\n");
	assert_int_not_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.agent:"));
	spec_free(s);
	s = load_ok("tx: {agent: \"[2001:2::1]:7007\", xsk: {ifname: \"\"}}\n");
	assert_int_not_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	assert_string_equal(err, "tx.xsk.ifname: missing (the interface to use)");
	spec_free(s);
	s = load_ok("tx: {agent: \"1.2.3.4:1\", xsk: {ifname: a234567890123456}}\n");
	assert_int_not_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.xsk.ifname: 'a234567890123456' is longer than 15"));
	spec_free(s);
	s = load_ok("tx: {agent: \"1.2.3.4:1\", xsk: {ifname: a, fill_size: 1000}}\n");
	assert_int_not_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.xsk.fill_size: 1000 is not a power of two"));
	spec_free(s);
	s = load_ok("tx: {agent: \"1.2.3.4:1\", xsk: {ifname: a, chunk_size: 3000}}\n");
	assert_int_not_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.xsk.chunk_size: 3000 is not a power of two"));
	spec_free(s);
	s = load_ok("tx: {agent: \"1.2.3.4:1\", xsk: {ifname: a, queues: [1, 1]}}\n");
	assert_int_not_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.xsk.queues[1]: queue 1 is listed twice"));
	spec_free(s);
}

static void test_check_streams(void **state)
{
	check_fails("  - id: 1\n    count: 5\n",
		    "t.yaml: streams[1].id: 1 is already used by streams[0]");
	check_fails("  - id: 65536\n    count: 5\n",
		    "streams[1].id: 65536 is above the maximum of 65535");
	check_fails("  - id: 2\n",
		    "streams[1].count: missing");
	check_fails("  - id: 2\n    count: 281474976710657\n",
		    "streams[1].count: 281474976710657 is above the maximum");
	check_ok("  - id: 2\n    count: 281474976710656\n");
	check_fails("    headers: {src_mac: 02:00:00:00:00}\n",
		    "streams[0].headers.src_mac: '02:00:00:00:00' is not a MAC address");
	check_fails("    headers: {dst_mac: 02:00:00:00:00:0g}\n",
		    "streams[0].headers.dst_mac:");
	check_fails("    headers: {dst_ip: 198.18.0.256}\n",
		    "streams[0].headers.dst_ip: '198.18.0.256' is not an IPv4 address");
	check_fails("    headers: {src_ip: \"2001:2::1\"}\n",
		    "streams[0].headers.src_ip: '2001:2::1' is an IPv6 address but ip_version is 4");
	check_fails("    frame_size: 84\n    headers: {ip_version: 6, dst_ip: 198.18.0.1}\n",
		    "streams[0].headers.dst_ip: '198.18.0.1' is an IPv4 address but ip_version is 6");
	check_fails("    headers: {udp: {dst: 65536}}\n",
		    "streams[0].headers.udp.dst: 65536 is not a port");
	check_fails("    headers: {vlan_id: 4095}\n",
		    "streams[0].headers.vlan_id: 4095 is out of range");
	check_fails("    headers: {vlan_id: 1, vlan_prio: 8}\n",
		    "streams[0].headers.vlan_prio: 8 is out of range");
	check_fails("    headers: {dscp: 64}\n",
		    "streams[0].headers.dscp: 64 is out of range");
	check_fails("    headers: {ttl: 256}\n",
		    "streams[0].headers.ttl: 256 is out of range");
	check_fails("    payload: {fill_byte: 256}\n",
		    "streams[0].payload.fill_byte: 256 is not a byte");
}


#define EPS(tx, rx) \
	"tx: {agent: 198.19.0.2:7007, xsk: {ifname: a" tx "}}\n" \
	"rx: {agent: 198.19.0.3:7007, xsk: {ifname: b" rx "}}\n"

static void test_check_sizes(void **state)
{
	check_ok("    sizes: {list: [64, 128, 1518]}\n");
	check_ok("    sizes: {min: 64, max: 1518}\n");
	check_ok("    sizes: {standard_imix: true}\n");
	check_ok("    sizes: {imix: [{size: 64, weight: 7}, {size: 1518, weight: 1}]}\n");
	/* frame_size is not used with sizes: its default does not matter */
	check_ok("    headers: {ip_version: 6}\n    sizes: {list: [84, 90]}\n");
	check_fails("    sizes: {list: [64], min: 64, max: 100}\n",
		    "streams[0].sizes: set only one of list, min..max, imix/standard_imix");
	check_fails("    sizes: {min: 64, max: 100, standard_imix: true}\n",
		    "streams[0].sizes: set only one of");
	check_fails("    sizes: {imix: [{size: 64, weight: 1}], standard_imix: true}\n",
		    "streams[0].sizes.standard_imix: not with an imix list");
	check_fails("    sizes: {list: [64, 63]}\n",
		    "streams[0].sizes.list[1]: 63 is below the minimum of 64");
	check_fails("    sizes: {list: [64, 9019]}\n",
		    "streams[0].sizes.list[1]: 9019 is above the maximum of 9018");
	check_fails("    sizes: {min: 200, max: 100}\n",
		    "streams[0].sizes.min: 200 is above max 100");
	check_fails("    sizes: {min: 64}\n",
		    "streams[0].sizes.max: missing (a range needs min and max)");
	check_fails("    sizes: {min: 60, max: 100}\n",
		    "streams[0].sizes.min: 60 is below the minimum of 64");
	check_fails("    sizes: {imix: [{size: 64, weight: 7}, {size: 100}]}\n",
		    "streams[0].sizes.imix[1].weight: missing (at least 1)");
	check_fails("    sizes: {imix: [{size: 64, weight: 70000}]}\n",
		    "streams[0].sizes.imix: the weights add up to 70000, at most 65536");
	check_fails("    sizes: {imix: [{size: 64, weight: 1}, {size: 80, weight: 1}]}\n"
		    "    headers: {vlan_id: 3}\n",
		    "streams[0].sizes.imix[0].size: 64 is below the minimum of 68 for Ethernet/802.1Q/IPv4/UDP");
	check_fails("    headers: {ip_version: 6}\n    sizes: {standard_imix: true}\n",
		    "streams[0].sizes.standard_imix: 64 is below the minimum of 84");
}

static void test_check_chunk_fit(void **state)
{
	const char *big = "streams: [{id: 1, count: 1, frame_size: 9018}]\n";
	char t[1024];

	/* Tx needs the frame in a chunk after its headroom */
	full_ok(EPS("", "") "streams: [{id: 1, count: 1, frame_size: 4100}]\n");
	full_fails(EPS("", "") "streams: [{id: 1, count: 1, frame_size: 4101}]\n",
		   "streams[0].frame_size: a 4097-byte frame does not fit in a 4096-byte chunk of tx.xsk (4096 bytes after the headroom); set tx.xsk.multi_buffer");
	full_fails(EPS(", headroom: 300", "")
		   "streams: [{id: 1, count: 1, frame_size: 3801}]\n",
		   "a 3797-byte frame does not fit in a 4096-byte chunk of tx.xsk (3796 bytes after the headroom)");
	snprintf(t, sizeof(t), "%s%s", EPS("", ""), big);
	full_fails(t, "streams[0].frame_size: a 9014-byte frame does not fit in a 4096-byte chunk of tx.xsk");
	/* too long for the receiver's chunks: a drop test, allowed */
	snprintf(t, sizeof(t), "%s%s", EPS(", multi_buffer: true", ""), big);
	full_ok(t);
	full_ok(EPS("", ", headroom: 3648")
		"streams: [{id: 1, count: 1, sizes: {list: [68, 260]}}]\n");
	/* the other direction: rx sends, tx receives */
	full_fails(EPS(", multi_buffer: true", "")
		   "streams: [{id: 1, count: 1, frame_size: 5000, direction: rx_to_tx}]\n",
		   "chunk of rx.xsk (4096 bytes after the headroom); set rx.xsk.multi_buffer");
	full_ok(EPS("", ", multi_buffer: true")
		"streams: [{id: 1, count: 1, frame_size: 5000, direction: rx_to_tx}]\n");
	/* sizes are checked one by one */
	full_fails(EPS("", "") "streams: [{id: 1, count: 1, sizes: {list: [64, 5000]}}]\n",
		   "streams[0].sizes.list[1]: a 4996-byte frame does not fit");
	/* a stream sent entirely invalid on purpose may be longer */
	full_ok(EPS("", "") "streams: [{id: 1, count: 1, frame_size: 5000,"
		" descs: [{valid: invalid}]}]\n");
}

#define ONE "streams: [{id: 1, count: 1}]\n"

static void test_check_chunks(void **state)
{
	full_ok(EPS(", chunk_size: 2048", ", chunk_size: 65536") ONE);
	full_ok(EPS(", chunk_size: 4001, unaligned: true", "") ONE);
	full_fails(EPS(", chunk_size: 4001", "") ONE,
		   "tx.xsk.chunk_size: 4001 is not a power of two (other sizes need unaligned: true)");
	full_fails(EPS(", chunk_size: 1024", "") ONE,
		   "tx.xsk.chunk_size: 1024 is out of range (2048..65536)");
	full_fails(EPS("", ", chunk_size: 131072") ONE,
		   "rx.xsk.chunk_size: 131072 is out of range");
	full_fails(EPS(", chunk_size: 2047, unaligned: true", "") ONE,
		   "tx.xsk.chunk_size: 2047 is out of range");
	full_ok(EPS(", headroom: 3839", "") ONE);
	full_fails(EPS(", headroom: 3840", "") ONE,
		   "tx.xsk.headroom: 3840 leaves no room in a 4096-byte chunk (below 3840 with XDP_PACKET_HEADROOM)");
	full_fails(EPS("", ", chunk_size: 2048, headroom: 1792") ONE,
		   "rx.xsk.headroom: 1792 leaves no room in a 2048-byte chunk");
}

static void test_check_ports_descs(void **state)
{
	check_ok("    headers: {udp: {src: 9000, src_max: 9015, dst_max: 9001}}\n");
	check_ok("    headers: {udp: {dst_max: 9100}}\n");
	check_fails("    headers: {udp: {dst: 9100, dst_max: 9050}}\n",
		    "streams[0].headers.udp.dst_max: 9050 is below dst 9100 (0: no range)");
	check_fails("    headers: {udp: {src_max: 8000}}\n",
		    "streams[0].headers.udp.src_max: 8000 is below src 9000");
	check_fails("    headers: {udp: {src_max: 65536}}\n",
		    "streams[0].headers.udp.src_max: 65536 is not a port");
	check_ok("    descs: [{frags: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,"
		 " 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,"
		 " 28, 29, 30, 31]}]\n");
	check_fails("    descs: [{}, {frags: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,"
		    " 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,"
		    " 26, 27, 28, 29, 30, 31, 32]}]\n",
		    "streams[0].descs[1].frags: 33 fragments, at most 32");
	check_fails("    descs: [{unterminated: true}]\n",
		    "streams[0].descs[0].unterminated: needs frags");
}

static void test_check_count_rate(void **state)
{
	const char *two = EPS("", "") "streams:\n  - id: 1\n";

	check_fails("  - id: 2\n    duration_ms: 100\n",
		    "streams[1].duration_ms: needs rate_pps or rate_bps");
	check_ok("  - id: 2\n    duration_ms: 100\n    rate_pps: 1000\n");
	check_ok("  - id: 2\n    duration_ms: 100\n    rate_bps: 1000000\n");
	check_fails("  - id: 2\n    count: 5\n    duration_ms: 100\n    rate_pps: 1\n",
		    "streams[1].duration_ms: set only one of count and duration_ms");
	check_fails("  - id: 2\n    count: 5\n    rate_pps: 1\n    rate_bps: 1\n",
		    "streams[1].rate_bps: set only one of rate_pps and rate_bps");
	check_fails("  - id: 2\n    count: 5\n    rate_l1: true\n",
		    "streams[1].rate_l1: only with rate_bps");
	check_fails("  - id: 2\n    duration_ms: 100000000000\n    rate_pps: 100000000\n",
		    "streams[1].duration_ms: 100000000000 ms at this rate is more than");
	full_fails(two, "streams[0].count: missing (frames to send, at least 1, or duration_ms with a rate)");
}

static void test_check_rx_options(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "rx_options: {tail_adjust: 4}\n",
		  "t.yaml: rx_options.tail_adjust: only with xdp_action shrink_tail or grow_tail" },
		{ "rx_options: {xdp_action: drop_half, tail_adjust: 4}\n",
		  "rx_options.tail_adjust: only with" },
		{ "rx_options: {xdp_action: grow_tail}\n",
		  "rx_options.tail_adjust: missing (bytes to grow the tail by)" },
		{ "rx_options: {xdp_action: shrink_tail}\n",
		  "rx_options.tail_adjust: missing (bytes to shrink the tail by)" },
		{ "rx_options: {fill_posted: 10}\n",
		  "rx_options.fill_posted: only with pressure starve_fill" },
		{ "rx_options: {pressure: hold_rx, fill_posted: 10}\n",
		  "rx_options.fill_posted: only with" },
		{ "rx_options: {stop_after: 10}\n",
		  "rx_options.stop_after: only with pressure stop_reading" },
		{ "rx_options: {sample_every: 10}\n",
		  "rx_options.sample_every: only with payload_check sampled" },
		{ "rx_options: {payload_check: off, sample_every: 10}\n",
		  "rx_options.sample_every: only with" },
		/* 64-byte frames have no byte to spare */
		{ "rx_options: {xdp_action: shrink_tail, tail_adjust: 1}\n",
		  "rx_options.tail_adjust: shrinking the 64-byte frames of streams[0] by 1 cuts into their headers (at most 0)" },
	};
	static const char *const good[] = {
		"rx_options: {xdp_action: grow_tail, tail_adjust: 4}\n",
		"rx_options: {pressure: starve_fill, fill_posted: 10}\n",
		"rx_options: {pressure: stop_reading, stop_after: 10}\n",
		"rx_options: {payload_check: sampled, sample_every: 10}\n",
		"rx_options: {xdp_action: metadata, max_anomalies: 4}\n",
	};
	char t[1024];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(t, sizeof(t), "%s%s", base_yaml, bad[i].text);
		full_fails(t, bad[i].want);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(t, sizeof(t), "%s%s", base_yaml, good[i]);
		full_ok(t);
	}
	full_ok(EPS("", "") "streams: [{id: 1, count: 1, frame_size: 100}]\n"
		"rx_options: {xdp_action: shrink_tail, tail_adjust: 36}\n");
	full_fails(EPS("", "") "streams: [{id: 1, count: 1, frame_size: 100},"
		   " {id: 2, count: 1, sizes: {list: [200, 90]}}]\n"
		   "rx_options: {xdp_action: shrink_tail, tail_adjust: 36}\n",
		   "shrinking the 90-byte frames of streams[1] by 36 cuts into their headers (at most 26)");
}

/* A round trip: one link, every stream tx to rx, the reflect action ours. */
static void test_check_reflect(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "rx_options: {xdp_action: reflect}\n",
		  "t.yaml: rx_options.xdp_action: reflect is not a spec's to set; say reflect: true for a round trip" },
		{ "reflect: true\nrx_options: {xdp_action: drop_half}\n",
		  "rx_options.xdp_action: reflect: the reflector's XDP program reflects" },
		{ "reflect: true\npath: {routed_hops: 1, gateway: 198.18.0.254}\n",
		  "reflect: only over one link (path routed_hops unset): a routed path is not supported" },
		{ "reflect: true\n"
		  "streams: [{id: 1, count: 5}, {id: 2, count: 5, direction: rx_to_tx}]\n",
		  "t.yaml: streams[1]: reflect: every stream goes from tx to rx (the reflector sends it back)" },
	};
	static const char one[] = "streams: [{id: 1, count: 5}]\n";
	char t[1024];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(t, sizeof(t), "%s%s%s", EPS("", ""),
			 strstr(bad[i].text, "streams:") ? "" : one, bad[i].text);
		full_fails(t, bad[i].want);
	}
	snprintf(t, sizeof(t), "%s%s", base_yaml,
		 "reflect: true\npath: {vlan_rewrite: true}\n"
		 "rx_options: {payload_check: off}\n");
	full_ok(t);
}

static void test_check_top_level(void **state)
{
	char t[1024];

	snprintf(t, sizeof(t), "%s%s", base_yaml,
		 "requires: [zerocopy, nic_rings, multi_queue, huge_pages]\n"
		 "repeat: 1000\nname: X\ndescription: y\n");
	full_ok(t);
	snprintf(t, sizeof(t), "%s%s", base_yaml,
		 "requires: [zerocopy, zero_copy]\n");
	full_fails(t, "t.yaml: requires[1]: unknown 'zero_copy' (known: zerocopy, nic_rings, multi_queue, huge_pages, frags_grow)");
	snprintf(t, sizeof(t), "%s%s", base_yaml, "repeat: 1001\n");
	full_fails(t, "repeat: 1001 is above the maximum of 1000");
	snprintf(t, sizeof(t), "%s%s", base_yaml,
		 "expect: {checks: [\"missing <= 1\", \"stream 1 corrupt == 0\","
		 " \"rx_ring_full > 0\"]}\n");
	full_ok(t);
	snprintf(t, sizeof(t), "%s%s", base_yaml,
		 "expect: {checks: [\"missing <= 1\", \"mising == 0\"]}\n");
	full_fails(t, "t.yaml: expect.checks[1]: unknown counter 'mising' (known: sent, delivered,");
	snprintf(t, sizeof(t), "%s%s", base_yaml,
		 "expect: {checks: [\"stream 2 missing == 0\"]}\n");
	full_fails(t, "t.yaml: expect.checks[0]: no stream has id 2");
	snprintf(t, sizeof(t), "%s%s", base_yaml,
		 "expect: {checks: [\"stream 1 foreign == 0\"]}\n");
	full_fails(t, "expect.checks[0]: foreign is a total");
}

static void test_resolve_counts(void **state)
{
	Xceiver__V1__TestSpec *s;

	s = load_ok(EPS("", "") "streams:\n"
		    "  - {id: 1, duration_ms: 2500, rate_pps: 1000}\n"
		    "  - {id: 2, count: 7, rate_pps: 1000}\n"
		    "  - {id: 3, duration_ms: 1000, rate_bps: 5120000}\n"
		    "  - {id: 4, duration_ms: 1000, rate_bps: 6720000, rate_l1: true}\n"
		    "  - {id: 5, duration_ms: 1000, rate_bps: 1000000,"
		    " sizes: {standard_imix: true}}\n"
		    "  - {id: 6, duration_ms: 1, rate_pps: 1}\n"
		    "  - {id: 7, duration_ms: 1000, rate_bps: 1536000,"
		    " sizes: {list: [64, 128]}}\n");
	assert_int_equal(xc_spec_resolve_counts(s), 0);
	assert_int_equal(s->streams[0]->count, 2500);
	assert_int_equal(s->streams[1]->count, 7);
	/* 5.12 Mbit/s of 64-byte frames: 10000 frames */
	assert_int_equal(s->streams[2]->count, 10000);
	/* L1: 84 bytes a frame */
	assert_int_equal(s->streams[3]->count, 10000);
	/* IMIX mean: (7 * 64 + 4 * 594 + 1518) / 12 bytes */
	assert_int_equal(s->streams[4]->count,
			 (uint64_t)(1000000.0 / (8.0 * 4342.0 / 12.0)));
	/* at least one frame */
	assert_int_equal(s->streams[5]->count, 1);
	assert_int_equal(s->streams[6]->count, 2000);
	assert_int_equal(xc_spec_stream_min_frame(s->streams[6]), 64);
	assert_int_equal(xc_spec_stream_max_frame(s->streams[6]), 128);
	assert_int_equal(xc_spec_stream_max_frame(s->streams[4]), 1518);
	spec_free(s);
}

static void test_check_no_streams(void **state)
{
	Xceiver__V1__TestSpec *s;
	char err[512] = "";

	s = load_ok("tx: {agent: 198.19.0.2:7007, xsk: {ifname: a}}\n"
		    "rx: {agent: 198.19.0.3:7007, xsk: {ifname: b}}\n");
	assert_int_not_equal(xc_spec_check(s, "n", err, sizeof(err)), 0);
	assert_string_equal(err, "n: streams: missing (at least one stream)");
	spec_free(s);
}

static void test_defaults(void **state)
{
	Xceiver__V1__TestSpec *s = load_ok(base_yaml);
	Xceiver__V1__Stream *st;
	char err[256];

	assert_int_equal(xc_spec_defaults(s), 0);
	st = s->streams[0];
	assert_int_equal(st->frame_size, 64);
	assert_non_null(st->headers);
	assert_non_null(st->payload);
	assert_int_equal(st->headers->udp->src, 9000);
	assert_int_equal(st->headers->udp->dst, 9001);
	assert_int_equal(st->headers->ttl, 64);
	assert_int_equal(s->timeouts->connect_ms, 5000);
	assert_int_equal(s->timeouts->reply_ms, 10000);
	assert_int_equal(s->timeouts->drain_idle_ms, 1000);
	assert_int_equal(s->expect->max_missing_ranges, 1024);
	assert_int_equal(s->tx->xsk->n_queues, 1);
	assert_int_equal(s->tx->xsk->queues[0], 0);
	assert_int_equal(s->tx->xsk->chunk_size, 4096);
	assert_int_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	/* given values stay */
	assert_int_equal(xc_pb_set_path(&s->base, "streams.0.headers.ttl",
					"7", err, sizeof(err)), 0);
	assert_int_equal(xc_spec_defaults(s), 0);
	assert_int_equal(st->headers->ttl, 7);
	spec_free(s);
	/* all_queues: no default queue, the controller lists them */
	s = load_ok(base_yaml);
	assert_int_equal(xc_pb_set_path(&s->base, "rx.xsk.all_queues", "true",
					err, sizeof(err)), 0);
	assert_int_equal(xc_spec_defaults(s), 0);
	assert_int_equal(s->rx->xsk->n_queues, 0);
	assert_int_equal(s->tx->xsk->n_queues, 1);
	assert_int_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	/* both: an error */
	assert_int_equal(xc_pb_set_path(&s->base, "rx.xsk.queues", "0,1",
					err, sizeof(err)), 0);
	assert_int_not_equal(xc_spec_check(s, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "rx.xsk.all_queues: give all_queues or a queues list, not both"));
	spec_free(s);
}

/* ---------------------------------------------------------------- paths */

static void test_set_path(void **state)
{
	Xceiver__V1__TestSpec *s;
	char err[512];

	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	xceiver__v1__test_spec__init(s);
	assert_int_equal(xc_pb_set_path(&s->base, "tx.xsk.ifname", "eth0", err,
					sizeof(err)), 0);
	assert_string_equal(s->tx->xsk->ifname, "eth0");
	assert_int_equal(xc_pb_set_path(&s->base, "tx.xsk.ifname", "eth1", err,
					sizeof(err)), 0);
	assert_string_equal(s->tx->xsk->ifname, "eth1");
	assert_int_equal(xc_pb_set_path(&s->base, "tx.xsk.mode", "drv", err,
					sizeof(err)), 0);
	assert_int_equal(s->tx->xsk->mode, XCEIVER__V1__XDP_MODE__XDP_MODE_DRV);
	assert_int_equal(xc_pb_set_path(&s->base, "tx.xsk.queues", "0,1, 2",
					err, sizeof(err)), 0);
	assert_int_equal(s->tx->xsk->n_queues, 3);
	assert_int_equal(s->tx->xsk->queues[2], 2);
	assert_int_equal(xc_pb_set_path(&s->base, "tx.xsk.queues", "7",
					err, sizeof(err)), 0);
	assert_int_equal(s->tx->xsk->n_queues, 1);
	assert_int_equal(s->tx->xsk->queues[0], 7);
	assert_int_equal(xc_pb_set_path(&s->base, "tx.xsk.queues.1", "8",
					err, sizeof(err)), 0);
	assert_int_equal(s->tx->xsk->n_queues, 2);
	assert_int_equal(s->tx->xsk->queues[1], 8);
	/* a bad list leaves the old one */
	assert_int_not_equal(xc_pb_set_path(&s->base, "tx.xsk.queues", "1,x",
					    err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.xsk.queues: 'x' is not an integer"));
	assert_int_equal(s->tx->xsk->n_queues, 2);

	assert_int_equal(xc_pb_set_path(&s->base, "streams.0.count", "10", err,
					sizeof(err)), 0);
	assert_int_equal(xc_pb_set_path(&s->base, "streams.1.headers.udp.dst",
					"7000", err, sizeof(err)), 0);
	assert_int_equal(xc_pb_set_path(&s->base, "streams.0.id", "4", err,
					sizeof(err)), 0);
	assert_int_equal(s->n_streams, 2);
	assert_int_equal(s->streams[0]->count, 10);
	assert_int_equal(s->streams[0]->id, 4);
	assert_int_equal(s->streams[1]->headers->udp->dst, 7000);

	assert_int_not_equal(xc_pb_set_path(&s->base, "streams.3.count", "1",
					    err, sizeof(err)), 0);
	assert_non_null(strstr(err, "streams[3]: index out of range (2 elements"));
	assert_int_not_equal(xc_pb_set_path(&s->base, "streams.x.count", "1",
					    err, sizeof(err)), 0);
	assert_non_null(strstr(err, "'x' is not an index"));
	/* a failed append is taken back */
	assert_int_not_equal(xc_pb_set_path(&s->base, "streams.2.count", "z",
					    err, sizeof(err)), 0);
	assert_string_equal(err, "streams[2].count: 'z' is not an integer (uint64)");
	assert_int_equal(s->n_streams, 2);
	assert_int_not_equal(xc_pb_set_path(&s->base, "streams.2.nope", "1",
					    err, sizeof(err)), 0);
	assert_non_null(strstr(err, "streams[2].nope: unknown field (Stream has: id, count"));
	assert_int_equal(s->n_streams, 2);
	/* a failed sub-message creation is taken back */
	assert_int_not_equal(xc_pb_set_path(&s->base, "rx.xsk.mode", "x",
					    err, sizeof(err)), 0);
	assert_non_null(strstr(err, "rx.xsk.mode: 'x' is not a valid XdpMode"));
	assert_null(s->rx);
	assert_int_not_equal(xc_pb_set_path(&s->base, "tx.xsk", "1", err,
					    sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.xsk: is a XskConfig, set one of its fields (ifname"));
	assert_int_not_equal(xc_pb_set_path(&s->base, "tx.agent.x", "1", err,
					    sizeof(err)), 0);
	assert_non_null(strstr(err, "tx.agent: is a string, it has no fields"));
	assert_int_not_equal(xc_pb_set_path(&s->base, "streams.0", "1", err,
					    sizeof(err)), 0);
	assert_int_not_equal(xc_pb_set_path(&s->base, "streams", "1", err,
					    sizeof(err)), 0);
	assert_non_null(strstr(err, "streams: is a list of Stream"));
	spec_free(s);
}

/* ---------------------------------------------------------------- JSON */

static void round_trip(const char *text)
{
	Xceiver__V1__TestSpec *a = load_ok(text), *b;
	char *dump;
	json_t *j;

	j = xc_pb_to_json(&a->base);
	assert_non_null(j);
	dump = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	assert_non_null(dump);
	b = load_ok(dump);
	assert_same_msg(&a->base, &b->base);
	free(dump);
	json_decref(j);
	spec_free(a);
	spec_free(b);
}

static void test_to_json(void **state)
{
	Xceiver__V1__TestSpec *s = load_ok(full_yaml);
	json_t *j = xc_pb_to_json(&s->base), *st;

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(json_object_get(j, "tx"), "xsk"), "mode")),
		"skb");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(json_object_get(j, "rx"), "xsk"), "mode")),
		"zerocopy");
	st = json_array_get(json_object_get(j, "streams"), 0);
	assert_int_equal(json_integer_value(json_object_get(st, "count")),
			 1000000);
	/* zero values are there too */
	assert_true(json_is_integer(json_object_get(st, "frame_size")));
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(st, "headers"), "vlan_id")), 0);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(st, "headers"), "dst_mac")), "");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(st, "headers"), "ip_version")), "4");
	assert_true(json_is_array(json_object_get(
		json_object_get(json_object_get(j, "tx"), "xsk"), "queues")));
	/* uint64 beyond int64 is kept exact, as a decimal string */
	st = json_array_get(json_object_get(j, "streams"), 1);
	assert_string_equal(json_string_value(json_object_get(st, "count")),
			    "18446744073709551615");
	assert_true(json_is_null(json_object_get(st, "payload")));
	json_decref(j);
	spec_free(s);
}

static void test_json_round_trip(void **state)
{
	round_trip(full_yaml);
	round_trip(base_yaml);
	round_trip("");
}

static void test_json_round_trip_envelope(void **state)
{
	const ProtobufCMessageDescriptor *d =
		&xceiver__v1__envelope__descriptor;
	ProtobufCMessage *a = NULL, *b = NULL;
	const char *t = "request_id: 9\nerror: {code: -22, message: \"bad\"}\n";
	char err[256], *dump;
	json_t *j;

	assert_int_equal(xc_pb_from_yaml(d, "e", t, strlen(t), &a, err,
					 sizeof(err)), 0);
	j = xc_pb_to_json(a);
	assert_null(json_object_get(j, "hello"));
	dump = json_dumps(j, 0);
	assert_int_equal(xc_pb_from_yaml(d, "e", dump, strlen(dump), &b, err,
					 sizeof(err)), 0);
	assert_same_msg(a, b);
	free(dump);
	json_decref(j);
	protobuf_c_message_free_unpacked(a, NULL);
	protobuf_c_message_free_unpacked(b, NULL);
}

/* ---------------------------------------------------------------- files */

static const char *spec_dir(void)
{
	const char *d = getenv("XC_SPEC_DIR");
	static const char *const tries[] = { "../../deploy/specs",
					     "deploy/specs" };
	char p[512];
	size_t i;

	if (d)
		return d;
	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		snprintf(p, sizeof(p), "%s/default.yaml", tries[i]);
		if (!access(p, R_OK))
			return tries[i];
	}
	return NULL;
}

/* Worker scheduling: a priority only with SCHED_FIFO, and in range. */
static void test_worker_sched(void **state)
{
	full_ok("tx: {agent: 198.19.0.2:7007, xsk: {ifname: a}}\n"
		"rx: {agent: 198.19.0.3:7007, xsk: {ifname: b, worker_sched: fifo, rt_priority: 99}}\n"
		"streams: [{id: 1, count: 10}]\n");
	full_fails("tx: {agent: 198.19.0.2:7007, xsk: {ifname: a, rt_priority: 5}}\n"
		   "rx: {agent: 198.19.0.3:7007, xsk: {ifname: b}}\n"
		   "streams: [{id: 1, count: 10}]\n",
		   "tx.xsk.rt_priority: only with worker_sched fifo");
	full_fails("tx: {agent: 198.19.0.2:7007, xsk: {ifname: a}}\n"
		   "rx: {agent: 198.19.0.3:7007, xsk: {ifname: b, worker_sched: fifo, rt_priority: 100}}\n"
		   "streams: [{id: 1, count: 10}]\n",
		   "rx.xsk.rt_priority: 100 is above the maximum of 99");
}

static void test_example_files(void **state)
{
	const char *dir = spec_dir();
	Xceiver__V1__TestSpec *y = NULL, *j = NULL;
	char p[512], err[512];

	if (!dir) {
		print_message("deploy/specs not found, set XC_SPEC_DIR\n");
		skip();
	}
	snprintf(p, sizeof(p), "%s/default.yaml", dir);
	if (xc_spec_load(p, &y, err, sizeof(err)))
		print_error("%s\n", err);
	assert_non_null(y);
	assert_int_equal(y->n_streams, 1);
	assert_int_equal(y->streams[0]->count, 1000000);
	assert_int_equal(y->streams[0]->frame_size, 64);
	assert_int_equal(y->streams[0]->rate_pps, 200000);
	snprintf(p, sizeof(p), "%s/example.json", dir);
	if (xc_spec_load(p, &j, err, sizeof(err)))
		print_error("%s\n", err);
	assert_non_null(j);
	assert_same_msg(&y->base, &j->base);
	spec_free(y);
	spec_free(j);
}

static void test_load_errors(void **state)
{
	Xceiver__V1__TestSpec *s = (void *)1;
	char path[] = "/tmp/xc-test-spec-XXXXXX", err[512];
	FILE *fp;
	int fd;

	assert_int_equal(xc_spec_load("/nonexistent/x.yaml", &s, err,
				      sizeof(err)), -ENOENT);
	assert_null(s);
	assert_non_null(strstr(err, "/nonexistent/x.yaml: cannot open"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(base_yaml, fp);
	fputs("    frame_size: 63\n", fp);
	fclose(fp);
	assert_int_not_equal(xc_spec_load(path, &s, err, sizeof(err)), 0);
	assert_null(s);
	assert_true(!strncmp(err, path, strlen(path)));
	assert_non_null(strstr(err, ": streams[0].frame_size: 63 is below"));
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("tx:\n  agent: x\n  agnet: y\n", fp);
	fclose(fp);
	assert_int_not_equal(xc_spec_load(path, &s, err, sizeof(err)), 0);
	assert_true(!strncmp(err, path, strlen(path)));
	assert_non_null(strstr(err, ":3:3: tx.agnet: unknown field"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_yaml),
		cmocka_unit_test(test_json_equals_yaml),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_integer_forms),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_repeated),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_alias_refused),
		cmocka_unit_test(test_two_documents),
		cmocka_unit_test(test_oneof),
		cmocka_unit_test(test_check_valid),
		cmocka_unit_test(test_check_frame_size),
		cmocka_unit_test(test_check_endpoints),
		cmocka_unit_test(test_check_streams),
		cmocka_unit_test(test_check_sizes),
		cmocka_unit_test(test_check_chunk_fit),
		cmocka_unit_test(test_check_chunks),
		cmocka_unit_test(test_check_ports_descs),
		cmocka_unit_test(test_check_count_rate),
		cmocka_unit_test(test_check_rx_options),
		cmocka_unit_test(test_check_reflect),
		cmocka_unit_test(test_check_top_level),
		cmocka_unit_test(test_resolve_counts),
		cmocka_unit_test(test_check_no_streams),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set_path),
		cmocka_unit_test(test_to_json),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_round_trip_envelope),
		cmocka_unit_test(test_worker_sched),
		cmocka_unit_test(test_example_files),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
