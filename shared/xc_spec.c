// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Test specs: loading, documented defaults and semantic checks. Every error
 * names the field it is about.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_frame.h"
#include "xc_spec.h"
#include "xc_util.h"

#define XC_SPEC_DEF_FRAME	64
#define XC_SPEC_DEF_TTL		64
#define XC_SPEC_DEF_CHUNK	4096
#define XC_SPEC_DEF_CHUNKS	4096
#define XC_SPEC_DEF_BATCH	64
#define XC_SPEC_DEF_CONNECT_MS	5000
#define XC_SPEC_DEF_REPLY_MS	10000
#define XC_SPEC_DEF_DRAIN_MS	1000
#define XC_SPEC_DEF_RANGES	1024
#define XC_SPEC_MAX_STREAM_ID	65535
#define XC_SPEC_MAX_COUNT	(1ull << 48)

/* ---------------------------------------------------------------- defaults */

static int xc_spec_sub(ProtobufCMessage **p,
		       const ProtobufCMessageDescriptor *d)
{
	if (*p)
		return 0;
	*p = malloc(d->sizeof_message);
	if (!*p)
		return -ENOMEM;
	protobuf_c_message_init(d, *p);
	return 0;
}

#define XC_SPEC_SUB(p, d) xc_spec_sub((ProtobufCMessage **)&(p), &(d))

static void xc_spec_set_default(uint32_t *v, uint32_t def)
{
	if (!*v)
		*v = def;
}

static int xc_spec_xsk_defaults(Xceiver__V1__XskConfig *x)
{
	if (!x)
		return 0;
	xc_spec_set_default(&x->chunk_size, XC_SPEC_DEF_CHUNK);
	xc_spec_set_default(&x->num_chunks, XC_SPEC_DEF_CHUNKS);
	xc_spec_set_default(&x->batch_size, XC_SPEC_DEF_BATCH);
	if (!x->n_queues) {
		x->queues = calloc(1, sizeof(*x->queues));
		if (!x->queues)
			return -ENOMEM;
		x->n_queues = 1;
	}
	return 0;
}

static int xc_spec_stream_defaults(Xceiver__V1__Stream *st)
{
	Xceiver__V1__Headers *h;

	xc_spec_set_default(&st->frame_size, XC_SPEC_DEF_FRAME);
	if (XC_SPEC_SUB(st->headers, xceiver__v1__headers__descriptor) ||
	    XC_SPEC_SUB(st->payload, xceiver__v1__payload__descriptor))
		return -ENOMEM;
	h = st->headers;
	if (XC_SPEC_SUB(h->udp, xceiver__v1__udp_ports__descriptor))
		return -ENOMEM;
	xc_spec_set_default(&h->udp->src, XC_DEF_SRC_PORT);
	xc_spec_set_default(&h->udp->dst, XC_DEF_DST_PORT);
	xc_spec_set_default(&h->ttl, XC_SPEC_DEF_TTL);
	return 0;
}

int xc_spec_defaults(Xceiver__V1__TestSpec *s)
{
	Xceiver__V1__Timeouts *t;
	size_t i;
	int ret;

	if (!s)
		return -EINVAL;
	if (s->tx && (ret = xc_spec_xsk_defaults(s->tx->xsk)))
		return ret;
	if (s->rx && (ret = xc_spec_xsk_defaults(s->rx->xsk)))
		return ret;
	for (i = 0; i < s->n_streams; i++) {
		if (!s->streams[i])
			continue;
		ret = xc_spec_stream_defaults(s->streams[i]);
		if (ret)
			return ret;
	}
	if (XC_SPEC_SUB(s->timeouts, xceiver__v1__timeouts__descriptor) ||
	    XC_SPEC_SUB(s->expect, xceiver__v1__expect__descriptor))
		return -ENOMEM;
	t = s->timeouts;
	xc_spec_set_default(&t->connect_ms, XC_SPEC_DEF_CONNECT_MS);
	xc_spec_set_default(&t->reply_ms, XC_SPEC_DEF_REPLY_MS);
	xc_spec_set_default(&t->drain_idle_ms, XC_SPEC_DEF_DRAIN_MS);
	xc_spec_set_default(&s->expect->max_missing_ranges,
			    XC_SPEC_DEF_RANGES);
	return 0;
}

/* ---------------------------------------------------------------- checks */

struct xc_sctx {
	const char *name;
	char *err;
	size_t errlen;
};

static int xc_serr(struct xc_sctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int xc_serr(struct xc_sctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->name)
		return xc_errf(c->err, c->errlen, EINVAL, "%s: %s", c->name,
			       msg);
	return xc_errf(c->err, c->errlen, EINVAL, "%s", msg);
}

static bool xc_spec_enum_ok(const ProtobufCEnumDescriptor *e, int v)
{
	return protobuf_c_enum_descriptor_get_value(e, v) != NULL;
}

static bool xc_spec_empty(const char *s)
{
	return !s || !*s;
}

static bool xc_spec_pow2(uint32_t v)
{
	return !(v & (v - 1));
}

/* "ADDR:PORT" or "[V6]:PORT" with a numeric address and port 1..65535. */
static bool xc_spec_agent_ok(const char *s)
{
	char host[INET6_ADDRSTRLEN + 1];
	unsigned char addr[16];
	const char *port, *end;
	unsigned long p;
	char *pend;
	bool v6 = false;
	size_t len;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return false;
		len = end - s - 1;
		port = end + 2;
		s++;
		v6 = true;
	} else {
		end = strrchr(s, ':');
		if (!end)
			return false;
		len = end - s;
		port = end + 1;
	}
	if (!len || len >= sizeof(host))
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) != 1)
		return false;
	if (!isdigit((unsigned char)*port))
		return false;
	errno = 0;
	p = strtoul(port, &pend, 10);
	return !*pend && !errno && p >= 1 && p <= 65535;
}

static int xc_spec_check_xsk(struct xc_sctx *c, const char *side,
			     const Xceiver__V1__XskConfig *x)
{
	const uint32_t *rings[] = { &x->fill_size, &x->comp_size, &x->rx_size,
				    &x->tx_size };
	const char *const ring_names[] = { "fill_size", "comp_size", "rx_size",
					   "tx_size" };
	size_t i, j;

	if (xc_spec_empty(x->ifname))
		return xc_serr(c, "%s.xsk.ifname: missing (the interface to use)",
			       side);
	if (strlen(x->ifname) >= IFNAMSIZ)
		return xc_serr(c, "%s.xsk.ifname: '%s' is longer than %d characters",
			       side, x->ifname, IFNAMSIZ - 1);
	if (!xc_spec_enum_ok(&xceiver__v1__xdp_mode__descriptor, x->mode))
		return xc_serr(c, "%s.xsk.mode: %d is not a valid XdpMode",
			       side, (int)x->mode);
	for (i = 0; i < x->n_queues; i++)
		for (j = 0; j < i; j++)
			if (x->queues[i] == x->queues[j])
				return xc_serr(c, "%s.xsk.queues[%zu]: queue %" PRIu32 " is listed twice",
					       side, i, x->queues[i]);
	for (i = 0; i < XC_ARRAY_SIZE(rings); i++)
		if (!xc_spec_pow2(*rings[i]))
			return xc_serr(c, "%s.xsk.%s: %" PRIu32 " is not a power of two",
				       side, ring_names[i], *rings[i]);
	if (x->chunk_size && x->chunk_size != 2048 && x->chunk_size != 4096)
		return xc_serr(c, "%s.xsk.chunk_size: %" PRIu32 " is not supported (0, 2048 or 4096; other sizes need unaligned chunks, not implemented yet)",
			       side, x->chunk_size);
	if (x->headroom >= (x->chunk_size ? x->chunk_size : XC_SPEC_DEF_CHUNK))
		return xc_serr(c, "%s.xsk.headroom: %" PRIu32 " leaves no room in a chunk",
			       side, x->headroom);
	return 0;
}

static int xc_spec_check_endpoint(struct xc_sctx *c, const char *side,
				  const Xceiver__V1__Endpoint *e)
{
	if (!e)
		return xc_serr(c, "%s: missing (the %s agent and its interface)",
			       side, !strcmp(side, "tx") ? "Tx" : "Rx");
	if (xc_spec_empty(e->agent))
		return xc_serr(c, "%s.agent: missing (ADDR:PORT of the agent)",
			       side);
	if (!xc_spec_agent_ok(e->agent))
		return xc_serr(c, "%s.agent: '%s' is not ADDR:PORT (e.g. 198.18.0.1:7007 or [2001:2::1]:7007)",
			       side, e->agent);
	if (!e->xsk)
		return xc_serr(c, "%s.xsk: missing (at least xsk.ifname)", side);
	return xc_spec_check_xsk(c, side, e->xsk);
}

static bool xc_spec_mac_ok(const char *s)
{
	unsigned int b[6];
	int n = 0;

	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
		      &b[3], &b[4], &b[5], &n) == 6 && n == 17;
}

static int xc_spec_check_ip(struct xc_sctx *c, const char *p,
			    const char *field, const char *s, bool v6)
{
	unsigned char addr[16];

	if (xc_spec_empty(s))
		return 0;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, s, addr) == 1)
		return 0;
	if (inet_pton(v6 ? AF_INET : AF_INET6, s, addr) == 1)
		return xc_serr(c, "%s.headers.%s: '%s' is an IPv%d address but ip_version is %d",
			       p, field, s, v6 ? 4 : 6, v6 ? 6 : 4);
	return xc_serr(c, "%s.headers.%s: '%s' is not an IPv%d address", p,
		       field, s, v6 ? 6 : 4);
}

static int xc_spec_check_mac(struct xc_sctx *c, const char *p,
			     const char *field, const char *s)
{
	if (xc_spec_empty(s) || xc_spec_mac_ok(s))
		return 0;
	return xc_serr(c, "%s.headers.%s: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)",
		       p, field, s);
}

static int xc_spec_check_headers(struct xc_sctx *c, const char *p,
				 const Xceiver__V1__Headers *h)
{
	bool v6 = h->ip_version == XCEIVER__V1__IP_VERSION__IP_VERSION_6;
	int ret;

	if (!xc_spec_enum_ok(&xceiver__v1__ip_version__descriptor,
			     h->ip_version))
		return xc_serr(c, "%s.headers.ip_version: %d is not a valid IpVersion",
			       p, (int)h->ip_version);
	if ((ret = xc_spec_check_mac(c, p, "src_mac", h->src_mac)) ||
	    (ret = xc_spec_check_mac(c, p, "dst_mac", h->dst_mac)) ||
	    (ret = xc_spec_check_ip(c, p, "src_ip", h->src_ip, v6)) ||
	    (ret = xc_spec_check_ip(c, p, "dst_ip", h->dst_ip, v6)))
		return ret;
	if (h->udp && h->udp->src > 65535)
		return xc_serr(c, "%s.headers.udp.src: %" PRIu32 " is not a port (0..65535)",
			       p, h->udp->src);
	if (h->udp && h->udp->dst > 65535)
		return xc_serr(c, "%s.headers.udp.dst: %" PRIu32 " is not a port (0..65535)",
			       p, h->udp->dst);
	if (h->vlan_id > 4094)
		return xc_serr(c, "%s.headers.vlan_id: %" PRIu32 " is out of range (0: untagged, 1..4094)",
			       p, h->vlan_id);
	if (h->vlan_prio > 7)
		return xc_serr(c, "%s.headers.vlan_prio: %" PRIu32 " is out of range (0..7)",
			       p, h->vlan_prio);
	if (h->vlan_prio && !h->vlan_id)
		return xc_serr(c, "%s.headers.vlan_prio: needs a vlan_id (untagged frames have no priority)",
			       p);
	if (h->dscp > 63)
		return xc_serr(c, "%s.headers.dscp: %" PRIu32 " is out of range (0..63)",
			       p, h->dscp);
	if (h->ttl > 255)
		return xc_serr(c, "%s.headers.ttl: %" PRIu32 " is out of range (0..255)",
			       p, h->ttl);
	return 0;
}

static int xc_spec_check_size(struct xc_sctx *c, const char *p,
			      const Xceiver__V1__Stream *st)
{
	const Xceiver__V1__Headers *h = st->headers;
	bool vlan = h && h->vlan_id;
	bool v6 = h && h->ip_version == XCEIVER__V1__IP_VERSION__IP_VERSION_6;
	uint32_t size = st->frame_size ? st->frame_size : XC_SPEC_DEF_FRAME;
	uint32_t min = 14 + (vlan ? 4 : 0) + (v6 ? 40 : 20) + 8 + XC_PHDR_LEN +
		       XC_FCS_LEN;

	if (size < min)
		return xc_serr(c, "%s.frame_size: %" PRIu32 "%s is below the minimum of %" PRIu32 " for Ethernet/%sIPv%d/UDP",
			       p, size, st->frame_size ? "" : " (the default)",
			       min, vlan ? "802.1Q/" : "", v6 ? 6 : 4);
	if (size > XC_MAX_FRAME)
		return xc_serr(c, "%s.frame_size: %" PRIu32 " is above the maximum of %u",
			       p, size, XC_MAX_FRAME);
	return 0;
}

static int xc_spec_check_stream(struct xc_sctx *c, size_t i,
				const Xceiver__V1__Stream *st)
{
	const Xceiver__V1__Payload *pl = st->payload;
	char p[32];
	int ret;

	snprintf(p, sizeof(p), "streams[%zu]", i);
	if (st->id > XC_SPEC_MAX_STREAM_ID)
		return xc_serr(c, "%s.id: %" PRIu32 " is above the maximum of %u",
			       p, st->id, XC_SPEC_MAX_STREAM_ID);
	if (!st->count)
		return xc_serr(c, "%s.count: missing (frames to send, at least 1)",
			       p);
	if (st->count > XC_SPEC_MAX_COUNT)
		return xc_serr(c, "%s.count: %" PRIu64 " is above the maximum of %llu (48-bit sequence numbers)",
			       p, st->count, XC_SPEC_MAX_COUNT);
	if (st->headers && (ret = xc_spec_check_headers(c, p, st->headers)))
		return ret;
	ret = xc_spec_check_size(c, p, st);
	if (ret)
		return ret;
	if (pl && !xc_spec_enum_ok(&xceiver__v1__payload_pattern__descriptor,
				   pl->pattern))
		return xc_serr(c, "%s.payload.pattern: %d is not a valid PayloadPattern",
			       p, (int)pl->pattern);
	if (pl && pl->fill_byte > 255)
		return xc_serr(c, "%s.payload.fill_byte: %" PRIu32 " is not a byte (0..255)",
			       p, pl->fill_byte);
	return 0;
}

static int xc_spec_check_streams(struct xc_sctx *c,
				 const Xceiver__V1__TestSpec *s)
{
	size_t i, j;
	int ret;

	if (!s->n_streams)
		return xc_serr(c, "streams: missing (at least one stream)");
	for (i = 0; i < s->n_streams; i++) {
		if (!s->streams[i])
			return xc_serr(c, "streams[%zu]: missing", i);
		ret = xc_spec_check_stream(c, i, s->streams[i]);
		if (ret)
			return ret;
		for (j = 0; j < i; j++)
			if (s->streams[j]->id == s->streams[i]->id)
				return xc_serr(c, "streams[%zu].id: %" PRIu32 " is already used by streams[%zu]",
					       i, s->streams[i]->id, j);
	}
	return 0;
}

int xc_spec_check(const Xceiver__V1__TestSpec *s, const char *name,
		  char *err, size_t errlen)
{
	struct xc_sctx c = { .name = name, .err = err, .errlen = errlen };
	int ret;

	if (!s)
		return xc_serr(&c, "no spec");
	ret = xc_spec_check_endpoint(&c, "tx", s->tx);
	if (!ret)
		ret = xc_spec_check_endpoint(&c, "rx", s->rx);
	if (!ret)
		ret = xc_spec_check_streams(&c, s);
	return ret;
}

int xc_spec_load(const char *path, Xceiver__V1__TestSpec **out, char *err,
		 size_t errlen)
{
	ProtobufCMessage *m;
	int ret;

	*out = NULL;
	ret = xc_pb_from_yaml_file(&xceiver__v1__test_spec__descriptor, path,
				   &m, err, errlen);
	if (ret)
		return ret;
	ret = xc_spec_check((Xceiver__V1__TestSpec *)m, path, err, errlen);
	if (ret) {
		protobuf_c_message_free_unpacked(m, NULL);
		return ret;
	}
	*out = (Xceiver__V1__TestSpec *)m;
	return 0;
}
