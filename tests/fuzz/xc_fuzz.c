// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * In-memory transport and fixed specs for the fuzz targets (xc_fuzz.h).
 * Every message the side under test writes must decode as an Envelope of
 * this protocol version: a reply that does not is a bug, and aborts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_fuzz.h"
#include "xc_log.h"
#include "xc_spec.h"
#include "xc_util.h"

#define XC_FUZZ_MAX_CONNS	8

static xc_fuzz_new_fn xc_fuzz_created;
static xc_fuzz_sent_fn xc_fuzz_sent;
static void *xc_fuzz_arg;
static struct xc_fuzz_transport *xc_fuzz_conns[XC_FUZZ_MAX_CONNS];
static unsigned int xc_fuzz_nconns;

void xc_fuzz_reset(xc_fuzz_new_fn created, xc_fuzz_sent_fn sent, void *arg)
{
	xc_fuzz_created = created;
	xc_fuzz_sent = sent;
	xc_fuzz_arg = arg;
	memset(xc_fuzz_conns, 0, sizeof(xc_fuzz_conns));
	xc_fuzz_nconns = 0;
}

struct xc_fuzz_transport *xc_fuzz_transport(unsigned int i)
{
	return i < xc_fuzz_nconns ? xc_fuzz_conns[i] : NULL;
}

void xc_fuzz_quiet(void)
{
	/* warnings only; make fuzz closes the target's stderr as well */
	xc_log_set_level(XC_LOG_WARN);
}

/* ------------------------------------------------------------ transport */

static struct xc_fuzz_transport *xc_ft(struct xc_transport *t)
{
	return (struct xc_fuzz_transport *)t;
}

static int xc_ft_start(struct xc_transport *t)
{
	xc_ft(t)->started = true;
	return 0;
}

/* What the side under test sent must be one whole, decodable Envelope. */
static void xc_ft_check(struct xc_fuzz_transport *ft, const uint8_t *buf,
			size_t len)
{
	Xceiver__V1__Envelope *env;
	uint32_t n;

	if (len < XC_WIRE_HDR_LEN)
		abort();
	n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | buf[3];
	if (n != len - XC_WIRE_HDR_LEN || !n)
		abort();
	env = xceiver__v1__envelope__unpack(NULL, n, buf + XC_WIRE_HDR_LEN);
	if (!env || env->version != XC_PROTOCOL_VERSION ||
	    env->body_case == XCEIVER__V1__ENVELOPE__BODY__NOT_SET)
		abort();
	if (xc_fuzz_sent)
		xc_fuzz_sent(ft, env, xc_fuzz_arg);
	xceiver__v1__envelope__free_unpacked(env, NULL);
}

static int xc_ft_write(struct xc_transport *t, uint8_t *buf, size_t len)
{
	struct xc_fuzz_transport *ft = xc_ft(t);

	if (ft->closing || !ft->started) {
		free(buf);
		return -ENOTCONN;
	}
	xc_ft_check(ft, buf, len);
	free(buf);
	return 0;
}

static void xc_ft_closed(uv_handle_t *h)
{
	struct xc_fuzz_transport *ft = h->data;
	unsigned int i;

	for (i = 0; i < xc_fuzz_nconns; i++)
		if (xc_fuzz_conns[i] == ft)
			xc_fuzz_conns[i] = NULL;
	if (ft->t.on_closed)
		ft->t.on_closed(&ft->t);
	free(ft);
}

/* Closed on the next loop iteration, as a TCP handle is. */
static void xc_ft_close(struct xc_transport *t)
{
	struct xc_fuzz_transport *ft = xc_ft(t);

	if (ft->closing)
		return;
	ft->closing = true;
	uv_timer_stop(&ft->timer);
	uv_close((uv_handle_t *)&ft->timer, xc_ft_closed);
}

static const struct xc_transport_ops xc_ft_ops = {
	.start = xc_ft_start,
	.write = xc_ft_write,
	.close = xc_ft_close,
};

bool xc_fuzz_deliver(struct xc_fuzz_transport *ft, const uint8_t *data,
		     size_t len)
{
	if (!ft || ft->closing || !ft->started)
		return false;
	ft->t.on_data(&ft->t, data, len);
	return !ft->closing;
}

bool xc_fuzz_deliver_env(struct xc_fuzz_transport *ft,
			 Xceiver__V1__Envelope *env)
{
	uint8_t *buf;
	size_t len;
	bool ok;

	if (xc_wire_pack(env, &buf, &len))
		return false;
	ok = xc_fuzz_deliver(ft, buf, len);
	free(buf);
	return ok;
}

void xc_fuzz_hangup(struct xc_fuzz_transport *ft)
{
	if (ft && !ft->closing && ft->t.on_error)
		ft->t.on_error(&ft->t, -ECONNRESET);
}

/* ------------------------------------------------------------ bare */

struct xc_fuzz_mem {
	struct xc_transport t;
	uv_timer_t timer;
	xc_fuzz_write_fn fn;
	void *arg;
	bool closing;
};

static int xc_fm_start(struct xc_transport *t)
{
	return 0;
}

static int xc_fm_write(struct xc_transport *t, uint8_t *buf, size_t len)
{
	struct xc_fuzz_mem *m = (struct xc_fuzz_mem *)t;

	if (!m->closing && m->fn)
		m->fn(m->arg, buf, len);
	free(buf);
	return m->closing ? -ENOTCONN : 0;
}

static void xc_fm_closed(uv_handle_t *h)
{
	struct xc_fuzz_mem *m = h->data;

	if (m->t.on_closed)
		m->t.on_closed(&m->t);
	free(m);
}

static void xc_fm_close(struct xc_transport *t)
{
	struct xc_fuzz_mem *m = (struct xc_fuzz_mem *)t;

	if (m->closing)
		return;
	m->closing = true;
	uv_close((uv_handle_t *)&m->timer, xc_fm_closed);
}

static const struct xc_transport_ops xc_fm_ops = {
	.start = xc_fm_start,
	.write = xc_fm_write,
	.close = xc_fm_close,
};

struct xc_transport *xc_fuzz_mem_new(uv_loop_t *loop, xc_fuzz_write_fn fn,
				     void *arg)
{
	struct xc_fuzz_mem *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->t.ops = &xc_fm_ops;
	m->fn = fn;
	m->arg = arg;
	uv_timer_init(loop, &m->timer);
	m->timer.data = m;
	return &m->t;
}

bool xc_fuzz_mem_open(struct xc_transport *t)
{
	return !((struct xc_fuzz_mem *)t)->closing;
}

/* ------------------------------------------------------------ link seams */

struct xc_conn *__wrap_xc_conn_new(uv_loop_t *loop,
				   const struct xc_conn_ops *ops, void *data);
int __wrap_xc_conn_connect(struct xc_conn *c, const char *addrport,
			   unsigned int timeout_ms);

struct xc_conn *__wrap_xc_conn_new(uv_loop_t *loop,
				   const struct xc_conn_ops *ops, void *data)
{
	struct xc_fuzz_transport *ft;

	if (xc_fuzz_nconns == XC_FUZZ_MAX_CONNS)
		abort();	/* the harness expects two at most */
	ft = calloc(1, sizeof(*ft));
	if (!ft)
		return NULL;
	ft->t.ops = &xc_ft_ops;
	uv_timer_init(loop, &ft->timer);
	ft->timer.data = ft;
	ft->ops = ops;
	ft->index = xc_fuzz_nconns;
	ft->conn = xc_conn_new_transport(loop, &ft->t, ops, data);
	if (!ft->conn)
		return NULL;	/* the transport is closed and freed */
	xc_fuzz_conns[xc_fuzz_nconns++] = ft;
	if (xc_fuzz_created)
		xc_fuzz_created(ft, loop, xc_fuzz_arg);
	return ft->conn;
}

static struct xc_fuzz_transport *xc_ft_of_conn(struct xc_conn *c)
{
	unsigned int i;

	for (i = 0; i < xc_fuzz_nconns; i++)
		if (xc_fuzz_conns[i] && xc_fuzz_conns[i]->conn == c)
			return xc_fuzz_conns[i];
	abort();
}

static void xc_ft_connected(uv_timer_t *timer)
{
	struct xc_fuzz_transport *ft = timer->data;
	int err;

	if (ft->closing)
		return;
	err = xc_conn_open(ft->conn, ft->peer);
	if (ft->ops->on_connect)
		ft->ops->on_connect(ft->conn, err);
	if (err)
		xc_conn_close(ft->conn, err);
}

/* Connects on the next loop iteration, as a TCP connect reports. */
int __wrap_xc_conn_connect(struct xc_conn *c, const char *addrport,
			   unsigned int timeout_ms)
{
	struct xc_fuzz_transport *ft = xc_ft_of_conn(c);

	snprintf(ft->peer, sizeof(ft->peer), "%s", addrport);
	uv_timer_start(&ft->timer, xc_ft_connected, 0, 0);
	return 0;
}

/* ------------------------------------------------------------ specs */

#define XC_FUZZ_EPS \
	"tx: { agent: \"198.19.0.2:7007\",\n" \
	"      xsk: { ifname: " XC_FUZZ_IFNAME ", mode: skb } }\n" \
	"rx: { agent: \"198.19.0.6:7007\",\n" \
	"      xsk: { ifname: " XC_FUZZ_IFNAME ", mode: skb } }\n" \
	"timeouts: { drain_idle_ms: 1, reply_ms: 1000 }\n"
#define XC_FUZZ_MACS \
	"src_mac: \"02:00:00:00:00:01\", dst_mac: \"02:00:00:00:00:02\""

static const char *const xc_fuzz_specs[XC_FUZZ_NSPECS] = {
	/* one plain IPv4 stream */
	XC_FUZZ_EPS
	"streams:\n"
	"  - { id: 1, count: 100, frame_size: 64,\n"
	"      headers: { " XC_FUZZ_MACS ",\n"
	"                 src_ip: 198.18.0.1, dst_ip: 198.18.0.2 } }\n",
	/* 802.1Q, IPv6, a size list, port ranges, incrementing payload */
	XC_FUZZ_EPS
	"expect: { checks: [ \"stream 7 missing <= 3\", \"foreign == 0\" ] }\n"
	"streams:\n"
	"  - id: 7\n"
	"    count: 64\n"
	"    sizes: { list: [ 88, 128, 1518 ] }\n"
	"    payload: { pattern: increment, fill_byte: 3 }\n"
	"    headers: { " XC_FUZZ_MACS ", ip_version: 6,\n"
	"               src_ip: \"2001:2::1\", dst_ip: \"2001:2::2\",\n"
	"               vlan_id: 100, vlan_prio: 5, dscp: 46, ttl: 7,\n"
	"               udp: { src: 9000, src_max: 9010,\n"
	"                      dst: 9001, dst_max: 9003 } }\n",
	/* both ways, IMIX, XDP drops odd seqs, payload sampled */
	XC_FUZZ_EPS
	"rx_options: { xdp_action: drop_half, payload_check: sampled,\n"
	"              sample_every: 4 }\n"
	"streams:\n"
	"  - { id: 1, count: 50, seed: 5, sizes: { standard_imix: true },\n"
	"      headers: { " XC_FUZZ_MACS ",\n"
	"                 src_ip: 198.18.0.1, dst_ip: 198.18.0.2 } }\n"
	"  - { id: 2, count: 50, frame_size: 200, direction: rx_to_tx,\n"
	"      payload: { pattern: fixed, fill_byte: 171 },\n"
	"      headers: { " XC_FUZZ_MACS ",\n"
	"                 src_ip: 198.18.0.2, dst_ip: 198.18.0.1 } }\n",
	/* descriptors sent invalid on purpose, metadata checked */
	XC_FUZZ_EPS
	"rx_options: { xdp_action: metadata, max_anomalies: 4 }\n"
	"streams:\n"
	"  - id: 3\n"
	"    count: 40\n"
	"    frame_size: 68\n"
	"    headers: { " XC_FUZZ_MACS ",\n"
	"               src_ip: 198.18.0.1, dst_ip: 198.18.0.2 }\n"
	"    descs:\n"
	"      - { valid: valid }\n"
	"      - { at: umem_end, offset: 0 }\n"
	"      - { len: 5000, valid: invalid }\n",
	/* a routed path that may also remark DSCP and rewrite the tag */
	XC_FUZZ_EPS
	"path: { routed_hops: 2, dscp_remark: true, vlan_rewrite: true }\n"
	"streams:\n"
	"  - { id: 5, count: 80, frame_size: 128,\n"
	"      headers: { " XC_FUZZ_MACS ", vlan_id: 7, dscp: 10, ttl: 9,\n"
	"                 src_ip: 198.18.0.1, dst_ip: 198.18.1.2 } }\n",
};

Xceiver__V1__TestSpec *xc_fuzz_spec(unsigned int i)
{
	const char *text = xc_fuzz_specs[i % XC_FUZZ_NSPECS];
	ProtobufCMessage *m = NULL;
	Xceiver__V1__TestSpec *s;
	char err[512];

	if (xc_pb_from_yaml(&xceiver__v1__test_spec__descriptor, "fuzz-spec",
			    text, strlen(text), &m, err, sizeof(err))) {
		fprintf(stderr, "fuzz spec %u: %s\n", i, err);
		abort();
	}
	s = (Xceiver__V1__TestSpec *)m;
	if (xc_spec_defaults(s) || xc_spec_check(s, "fuzz-spec", err,
						 sizeof(err)) ||
	    xc_spec_resolve_counts(s)) {
		fprintf(stderr, "fuzz spec %u: %s\n", i, err);
		abort();
	}
	return s;
}

void xc_fuzz_spec_free(Xceiver__V1__TestSpec *s)
{
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);
}
