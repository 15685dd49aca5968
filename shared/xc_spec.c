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

#include "xc_expect.h"
#include "xc_frame.h"
#include "xc_limits.h"
#include "xc_path.h"
#include "xc_rate.h"
#include "xc_spec.h"
#include "xc_util.h"

/* ---------------------------------------------------------------- defaults */

static uint32_t xc_spec_max_anomalies(const Xceiver__V1__TestSpec *s)
{
	if (s->rx_options && s->rx_options->max_anomalies)
		return s->rx_options->max_anomalies;
	return XC_DEF_MAX_ANOMALIES;
}

/*
 * Missing ranges kept per stream: XC_DEF_MAX_RANGES, or fewer where that
 * many streams' ranges would not fit one report (at least 1).
 */
static uint32_t xc_spec_def_ranges(const Xceiver__V1__TestSpec *s)
{
	uint64_t fit = xc_report_max_ranges(s->n_streams,
					    xc_spec_max_anomalies(s));

	return XC_MAX(XC_MIN(fit, (uint64_t)XC_DEF_MAX_RANGES), 1);
}

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
	xc_spec_set_default(&x->chunk_size, XC_DEF_CHUNK_SIZE);
	xc_spec_set_default(&x->batch_size, XC_DEF_BATCH);
	if (!x->n_queues && !x->all_queues) {
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

	xc_spec_set_default(&st->frame_size, XC_DEF_FRAME);
	if (XC_SPEC_SUB(st->headers, xceiver__v1__headers__descriptor) ||
	    XC_SPEC_SUB(st->payload, xceiver__v1__payload__descriptor))
		return -ENOMEM;
	h = st->headers;
	if (XC_SPEC_SUB(h->udp, xceiver__v1__udp_ports__descriptor))
		return -ENOMEM;
	xc_spec_set_default(&h->udp->src, XC_DEF_SRC_PORT);
	xc_spec_set_default(&h->udp->dst, XC_DEF_DST_PORT);
	xc_spec_set_default(&h->ttl, XC_DEF_TTL);
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
	xc_spec_set_default(&t->connect_ms, XC_DEF_CONNECT_MS);
	xc_spec_set_default(&t->reply_ms, XC_DEF_REPLY_MS);
	xc_spec_set_default(&t->drain_idle_ms, XC_DEF_DRAIN_MS);
	xc_spec_set_default(&s->expect->max_missing_ranges,
			    xc_spec_def_ranges(s));
	if (s->rx_options && s->rx_options->payload_check ==
	    XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_SAMPLED)
		xc_spec_set_default(&s->rx_options->sample_every,
				    XC_DEF_SAMPLE_EVERY);
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

/*
 * The kernel's UMEM rules (xdp_umem_reg): a chunk of 2048..65536 bytes, a
 * power of two unless the chunks are unaligned, and a headroom that leaves
 * room after XDP_PACKET_HEADROOM.
 */
static int xc_spec_check_chunk(struct xc_sctx *c, const char *side,
			       const Xceiver__V1__XskConfig *x)
{
	uint32_t chunk = x->chunk_size ? x->chunk_size : XC_DEF_CHUNK_SIZE;

	if (chunk < XC_MIN_CHUNK_SIZE || chunk > XC_MAX_CHUNK_SIZE)
		return xc_serr(c, "%s.xsk.chunk_size: %" PRIu32 " is out of range (%u..%u)",
			       side, chunk, XC_MIN_CHUNK_SIZE,
			       XC_MAX_CHUNK_SIZE);
	if (!x->unaligned && !xc_spec_pow2(chunk))
		return xc_serr(c, "%s.xsk.chunk_size: %" PRIu32 " is not a power of two (other sizes need unaligned: true)",
			       side, chunk);
	if (x->headroom >= chunk - XC_XDP_PACKET_HEADROOM)
		return xc_serr(c, "%s.xsk.headroom: %" PRIu32 " leaves no room in a %" PRIu32 "-byte chunk (below %" PRIu32 " with XDP_PACKET_HEADROOM)",
			       side, x->headroom, chunk,
			       chunk - XC_XDP_PACKET_HEADROOM);
	return 0;
}

static int xc_spec_check_sched(struct xc_sctx *c, const char *side,
			       const Xceiver__V1__XskConfig *x)
{
	if (!xc_spec_enum_ok(&xceiver__v1__worker_sched__descriptor,
			     x->worker_sched))
		return xc_serr(c, "%s.xsk.worker_sched: %d is not a valid WorkerSched",
			       side, (int)x->worker_sched);
	if (x->worker_sched ==
	    XCEIVER__V1__WORKER_SCHED__WORKER_SCHED_FIFO_WAITS)
		return xc_serr(c, "%s.xsk.worker_sched: fifo_waits is what the Rx workers do by default, a report value; ask for normal or fifo",
			       side);
	if (x->rt_priority &&
	    x->worker_sched != XCEIVER__V1__WORKER_SCHED__WORKER_SCHED_FIFO)
		return xc_serr(c, "%s.xsk.rt_priority: only with worker_sched fifo",
			       side);
	if (x->rt_priority > XC_MAX_RT_PRIORITY)
		return xc_serr(c, "%s.xsk.rt_priority: %" PRIu32 " is above the maximum of %u",
			       side, x->rt_priority, XC_MAX_RT_PRIORITY);
	return 0;
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
	if (x->all_queues && x->n_queues)
		return xc_serr(c, "%s.xsk.all_queues: give all_queues or a queues list, not both",
			       side);
	for (i = 0; i < x->n_queues; i++)
		for (j = 0; j < i; j++)
			if (x->queues[i] == x->queues[j])
				return xc_serr(c, "%s.xsk.queues[%zu]: queue %" PRIu32 " is listed twice",
					       side, i, x->queues[i]);
	for (i = 0; i < XC_ARRAY_SIZE(rings); i++)
		if (!xc_spec_pow2(*rings[i]))
			return xc_serr(c, "%s.xsk.%s: %" PRIu32 " is not a power of two",
				       side, ring_names[i], *rings[i]);
	return xc_spec_check_sched(c, side, x) ?:
	       xc_spec_check_chunk(c, side, x);
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

/* What a stream needs from both sides' UMEMs. */
struct xc_sstream {
	const char *p;				/* "streams[2]" */
	const Xceiver__V1__Stream *st;
	const Xceiver__V1__XskConfig *tx;	/* the side that sends it */
	const char *tx_side;
	const Xceiver__V1__XskConfig *rx;	/* the side that receives it */
	const char *rx_side;
};

static uint32_t xc_spec_min_size(const Xceiver__V1__Stream *st)
{
	const Xceiver__V1__Headers *h = st->headers;
	bool vlan = h && h->vlan_id;
	bool v6 = h && h->ip_version == XCEIVER__V1__IP_VERSION__IP_VERSION_6;

	return 14 + (vlan ? 4 : 0) + (v6 ? 40 : 20) + 8 + XC_PHDR_LEN +
	       XC_FCS_LEN;
}

static uint32_t xc_spec_chunk(const Xceiver__V1__XskConfig *x)
{
	return x && x->chunk_size ? x->chunk_size : XC_DEF_CHUNK_SIZE;
}

/* Every shape of the stream is sent invalid on purpose. */
static bool xc_spec_all_invalid(const Xceiver__V1__Stream *st)
{
	size_t i;

	for (i = 0; i < st->n_descs; i++)
		if (st->descs[i]->valid !=
		    XCEIVER__V1__VALIDITY__VALIDITY_INVALID)
			return false;
	return st->n_descs > 0;
}

/*
 * One frame size (with FCS): room for the headers, at most XC_MAX_FRAME, and
 * within a chunk of the sending side (after its headroom) unless it uses
 * multi-buffer. A frame too long for the receiver's chunks is a test of its
 * own (the Rx kernel drops it and counts rx_dropped), so it is allowed.
 */
static int xc_spec_check_one_size(struct xc_sctx *c,
				  const struct xc_sstream *ss,
				  const char *field, uint32_t size, bool dflt)
{
	const Xceiver__V1__Headers *h = ss->st->headers;
	bool vlan = h && h->vlan_id;
	bool v6 = h && h->ip_version == XCEIVER__V1__IP_VERSION__IP_VERSION_6;
	uint32_t min = xc_spec_min_size(ss->st), len = size - XC_FCS_LEN;
	uint32_t room;

	if (size < min)
		return xc_serr(c, "%s.%s: %" PRIu32 "%s is below the minimum of %" PRIu32 " for Ethernet/%sIPv%d/UDP",
			       ss->p, field, size, dflt ? " (the default)" : "",
			       min, vlan ? "802.1Q/" : "", v6 ? 6 : 4);
	if (size > XC_MAX_FRAME)
		return xc_serr(c, "%s.%s: %" PRIu32 " is above the maximum of %u",
			       ss->p, field, size, XC_MAX_FRAME);
	if (xc_spec_all_invalid(ss->st))
		return 0;
	room = xc_spec_chunk(ss->tx) - (ss->tx ? ss->tx->headroom : 0);
	if (ss->tx && len > room && !ss->tx->multi_buffer)
		return xc_serr(c, "%s.%s: a %" PRIu32 "-byte frame does not fit in a %" PRIu32 "-byte chunk of %s.xsk (%" PRIu32 " bytes after the headroom); set %s.xsk.multi_buffer",
			       ss->p, field, len, xc_spec_chunk(ss->tx),
			       ss->tx_side, room, ss->tx_side);
	return 0;
}

static const uint32_t xc_std_imix[][2] = { { 64, 7 }, { 594, 4 },
					   { 1518, 1 } };

static int xc_spec_check_imix(struct xc_sctx *c, const struct xc_sstream *ss,
			      const Xceiver__V1__Sizes *z)
{
	uint64_t total = 0;
	char f[48];
	size_t i;
	int ret;

	if (z->n_imix > XC_MAX_SIZES)
		return xc_serr(c, "%s.sizes.imix: %zu entries, at most %u",
			       ss->p, z->n_imix, XC_MAX_SIZES);
	for (i = 0; i < z->n_imix; i++) {
		const Xceiver__V1__SizeWeight *w = z->imix[i];

		if (!w->weight)
			return xc_serr(c, "%s.sizes.imix[%zu].weight: missing (at least 1)",
				       ss->p, i);
		snprintf(f, sizeof(f), "sizes.imix[%zu].size", i);
		ret = xc_spec_check_one_size(c, ss, f, w->size, false);
		if (ret)
			return ret;
		total += w->weight;
	}
	if (total > XC_MAX_IMIX_CYCLE)
		return xc_serr(c, "%s.sizes.imix: the weights add up to %" PRIu64 ", at most %u",
			       ss->p, total, XC_MAX_IMIX_CYCLE);
	for (i = 0; !z->n_imix && i < XC_ARRAY_SIZE(xc_std_imix); i++) {
		ret = xc_spec_check_one_size(c, ss, "sizes.standard_imix",
					     xc_std_imix[i][0], false);
		if (ret)
			return ret;
	}
	return 0;
}

static int xc_spec_check_sizes(struct xc_sctx *c, const struct xc_sstream *ss)
{
	const Xceiver__V1__Sizes *z = ss->st->sizes;
	bool range = z->min || z->max, imix = z->n_imix || z->standard_imix;
	char f[48];
	size_t i;
	int ret;

	if ((z->n_list > 0) + range + imix > 1)
		return xc_serr(c, "%s.sizes: set only one of list, min..max, imix/standard_imix",
			       ss->p);
	if (z->n_imix && z->standard_imix)
		return xc_serr(c, "%s.sizes.standard_imix: not with an imix list (standard_imix is 64/594/1518 at 7:4:1)",
			       ss->p);
	if (z->n_list > XC_MAX_SIZES)
		return xc_serr(c, "%s.sizes.list: %zu entries, at most %u",
			       ss->p, z->n_list, XC_MAX_SIZES);
	for (i = 0; i < z->n_list; i++) {
		snprintf(f, sizeof(f), "sizes.list[%zu]", i);
		ret = xc_spec_check_one_size(c, ss, f, z->list[i], false);
		if (ret)
			return ret;
	}
	if (range) {
		if (!z->min || !z->max)
			return xc_serr(c, "%s.sizes.%s: missing (a range needs min and max)",
				       ss->p, z->min ? "max" : "min");
		if (z->min > z->max)
			return xc_serr(c, "%s.sizes.min: %" PRIu32 " is above max %" PRIu32,
				       ss->p, z->min, z->max);
		ret = xc_spec_check_one_size(c, ss, "sizes.min", z->min, false);
		if (!ret)
			ret = xc_spec_check_one_size(c, ss, "sizes.max", z->max,
						     false);
		if (ret)
			return ret;
	}
	return imix ? xc_spec_check_imix(c, ss, z) : 0;
}

static bool xc_spec_has_sizes(const Xceiver__V1__Stream *st)
{
	const Xceiver__V1__Sizes *z = st->sizes;

	return z && (z->n_list || z->min || z->max || z->n_imix ||
		     z->standard_imix);
}

static int xc_spec_check_size(struct xc_sctx *c, const struct xc_sstream *ss)
{
	const Xceiver__V1__Stream *st = ss->st;

	if (xc_spec_has_sizes(st))
		return xc_spec_check_sizes(c, ss);
	return xc_spec_check_one_size(c, ss, "frame_size",
				      st->frame_size ? st->frame_size :
				      XC_DEF_FRAME, !st->frame_size);
}

static int xc_spec_check_port_range(struct xc_sctx *c, const char *p,
				    const char *field, uint32_t base,
				    uint32_t def, uint32_t max)
{
	if (max > 65535)
		return xc_serr(c, "%s.headers.udp.%s_max: %" PRIu32 " is not a port (0..65535)",
			       p, field, max);
	if (max && max < (base ? base : def))
		return xc_serr(c, "%s.headers.udp.%s_max: %" PRIu32 " is below %s %" PRIu32 " (0: no range)",
			       p, field, max, field, base ? base : def);
	return 0;
}

static int xc_spec_check_descs(struct xc_sctx *c, const char *p,
			       const Xceiver__V1__Stream *st)
{
	size_t i;

	for (i = 0; i < st->n_descs; i++) {
		const Xceiver__V1__DescShape *d = st->descs[i];

		if (!xc_spec_enum_ok(&xceiver__v1__desc_base__descriptor,
				     d->at))
			return xc_serr(c, "%s.descs[%zu].at: %d is not a valid DescBase",
				       p, i, (int)d->at);
		if (!xc_spec_enum_ok(&xceiver__v1__validity__descriptor,
				     d->valid))
			return xc_serr(c, "%s.descs[%zu].valid: %d is not a valid Validity",
				       p, i, (int)d->valid);
		if (d->n_frags > XC_MAX_FRAGS)
			return xc_serr(c, "%s.descs[%zu].frags: %zu fragments, at most %u",
				       p, i, d->n_frags, XC_MAX_FRAGS);
		if (d->n_frag_shapes > XC_MAX_FRAGS)
			return xc_serr(c, "%s.descs[%zu].frag_shapes: %zu fragments, at most %u",
				       p, i, d->n_frag_shapes, XC_MAX_FRAGS);
		if (d->unterminated && !d->n_frags && !d->n_frag_shapes)
			return xc_serr(c, "%s.descs[%zu].unterminated: needs frags or frag_shapes (the chain to leave open)",
				       p, i);
	}
	return 0;
}

/* count xor duration_ms; a duration needs a rate. */
static int xc_spec_check_count(struct xc_sctx *c, const char *p,
			       const Xceiver__V1__Stream *st)
{
	if (st->rate_pps && st->rate_bps)
		return xc_serr(c, "%s.rate_bps: set only one of rate_pps and rate_bps",
			       p);
	if (st->rate_l1 && !st->rate_bps)
		return xc_serr(c, "%s.rate_l1: only with rate_bps", p);
	if (st->count && st->duration_ms)
		return xc_serr(c, "%s.duration_ms: set only one of count and duration_ms",
			       p);
	if (st->duration_ms && !st->rate_pps && !st->rate_bps)
		return xc_serr(c, "%s.duration_ms: needs rate_pps or rate_bps (count = rate * duration)",
			       p);
	if (!st->count && !st->duration_ms)
		return xc_serr(c, "%s.count: missing (frames to send, at least 1, or duration_ms with a rate)",
			       p);
	if (st->count > XC_MAX_COUNT)
		return xc_serr(c, "%s.count: %" PRIu64 " is above the maximum of %llu (48-bit sequence numbers)",
			       p, st->count, XC_MAX_COUNT);
	if (st->duration_ms &&
	    xc_spec_stream_pps(st) * (double)st->duration_ms / 1000.0 >
	    (double)XC_MAX_COUNT)
		return xc_serr(c, "%s.duration_ms: %" PRIu64 " ms at this rate is more than %llu frames (48-bit sequence numbers)",
			       p, st->duration_ms, XC_MAX_COUNT);
	return 0;
}

static int xc_spec_check_stream(struct xc_sctx *c, const struct xc_sstream *ss)
{
	const Xceiver__V1__Stream *st = ss->st;
	const Xceiver__V1__Payload *pl = st->payload;
	const Xceiver__V1__Headers *h = st->headers;
	const char *p = ss->p;
	int ret;

	if (st->id > XC_MAX_STREAM_ID)
		return xc_serr(c, "%s.id: %" PRIu32 " is above the maximum of %u",
			       p, st->id, XC_MAX_STREAM_ID);
	if (!xc_spec_enum_ok(&xceiver__v1__direction__descriptor,
			     st->direction))
		return xc_serr(c, "%s.direction: %d is not a valid Direction",
			       p, (int)st->direction);
	ret = xc_spec_check_count(c, p, st);
	if (ret)
		return ret;
	if (h && (ret = xc_spec_check_headers(c, p, h)))
		return ret;
	if (h && h->udp &&
	    ((ret = xc_spec_check_port_range(c, p, "src", h->udp->src,
					     XC_DEF_SRC_PORT,
					     h->udp->src_max)) ||
	     (ret = xc_spec_check_port_range(c, p, "dst", h->udp->dst,
					     XC_DEF_DST_PORT,
					     h->udp->dst_max))))
		return ret;
	ret = xc_spec_check_size(c, ss);
	if (!ret)
		ret = xc_spec_check_descs(c, p, st);
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

static void xc_sstream_init(struct xc_sstream *ss, char *p, size_t plen,
			    const Xceiver__V1__TestSpec *s, size_t i)
{
	const Xceiver__V1__XskConfig *tx = s->tx ? s->tx->xsk : NULL;
	const Xceiver__V1__XskConfig *rx = s->rx ? s->rx->xsk : NULL;
	bool back = s->streams[i]->direction ==
		    XCEIVER__V1__DIRECTION__DIRECTION_RX_TO_TX;

	snprintf(p, plen, "streams[%zu]", i);
	ss->p = p;
	ss->st = s->streams[i];
	ss->tx = back ? rx : tx;
	ss->tx_side = back ? "rx" : "tx";
	ss->rx = back ? tx : rx;
	ss->rx_side = back ? "tx" : "rx";
}

static int xc_spec_check_streams(struct xc_sctx *c,
				 const Xceiver__V1__TestSpec *s)
{
	struct xc_sstream ss;
	char p[32];
	size_t i, j;
	int ret;

	if (!s->n_streams)
		return xc_serr(c, "streams: missing (at least one stream)");
	if (s->n_streams > XC_MAX_STREAMS)
		return xc_serr(c, "streams: %zu streams, above the maximum of %u",
			       s->n_streams, XC_MAX_STREAMS);
	for (i = 0; i < s->n_streams; i++) {
		if (!s->streams[i])
			return xc_serr(c, "streams[%zu]: missing", i);
		xc_sstream_init(&ss, p, sizeof(p), s, i);
		ret = xc_spec_check_stream(c, &ss);
		if (ret)
			return ret;
		for (j = 0; j < i; j++)
			if (s->streams[j]->id == s->streams[i]->id)
				return xc_serr(c, "streams[%zu].id: %" PRIu32 " is already used by streams[%zu]",
					       i, s->streams[i]->id, j);
	}
	return 0;
}

static bool xc_spec_is_tail(Xceiver__V1__XdpAction a)
{
	return a == XCEIVER__V1__XDP_ACTION__XDP_ACTION_SHRINK_TAIL ||
	       a == XCEIVER__V1__XDP_ACTION__XDP_ACTION_GROW_TAIL;
}

/* Shrinking must leave every frame its headers and payload header. */
static int xc_spec_check_shrink(struct xc_sctx *c,
				const Xceiver__V1__TestSpec *s, uint32_t adj)
{
	size_t i;

	for (i = 0; i < s->n_streams; i++) {
		const Xceiver__V1__Stream *st = s->streams[i];
		uint32_t min = xc_spec_min_size(st);
		uint32_t low = xc_spec_stream_min_frame(st);

		if (low < min + adj)
			return xc_serr(c, "rx_options.tail_adjust: shrinking the %" PRIu32 "-byte frames of streams[%zu] by %" PRIu32 " cuts into their headers (at most %" PRIu32 ")",
				       low, i, adj,
				       low > min ? low - min : 0);
	}
	return 0;
}

/*
 * Everything an agent reports must fit one control message: kept
 * anomalies and missing ranges are refused beyond what fits, never cut.
 */
static int xc_spec_check_report_size(struct xc_sctx *c,
				     const Xceiver__V1__TestSpec *s)
{
	uint32_t anomalies = xc_spec_max_anomalies(s);
	uint32_t ranges = s->expect ? s->expect->max_missing_ranges : 0;
	uint64_t fit;

	if (anomalies > XC_MAX_ANOMALIES)
		return xc_serr(c, "rx_options.max_anomalies: %" PRIu32 " is above the maximum of %u",
			       anomalies, XC_MAX_ANOMALIES);
	fit = xc_report_max_ranges(s->n_streams, anomalies);
	if (ranges > fit)
		return xc_serr(c, "expect.max_missing_ranges: %" PRIu32 " ranges for each of %zu streams (with %" PRIu32 " anomalies kept) do not fit a report of %u MiB: at most %" PRIu64,
			       ranges, s->n_streams, anomalies,
			       XC_MSG_MAX >> 20, fit);
	return 0;
}

static int xc_spec_check_rx_options(struct xc_sctx *c,
				    const Xceiver__V1__TestSpec *s)
{
	const Xceiver__V1__RxOptions *o = s->rx_options;
	bool tail;

	if (!o)
		return 0;
	if (!xc_spec_enum_ok(&xceiver__v1__xdp_action__descriptor,
			     o->xdp_action))
		return xc_serr(c, "rx_options.xdp_action: %d is not a valid XdpAction",
			       (int)o->xdp_action);
	if (!xc_spec_enum_ok(&xceiver__v1__rx_pressure__descriptor,
			     o->pressure))
		return xc_serr(c, "rx_options.pressure: %d is not a valid RxPressure",
			       (int)o->pressure);
	if (!xc_spec_enum_ok(&xceiver__v1__payload_check__descriptor,
			     o->payload_check))
		return xc_serr(c, "rx_options.payload_check: %d is not a valid PayloadCheck",
			       (int)o->payload_check);
	tail = xc_spec_is_tail(o->xdp_action);
	if (o->tail_adjust && !tail)
		return xc_serr(c, "rx_options.tail_adjust: only with xdp_action shrink_tail or grow_tail");
	if (tail && !o->tail_adjust)
		return xc_serr(c, "rx_options.tail_adjust: missing (bytes to %s the tail by)",
			       o->xdp_action ==
			       XCEIVER__V1__XDP_ACTION__XDP_ACTION_SHRINK_TAIL ?
			       "shrink" : "grow");
	if (o->xdp_action == XCEIVER__V1__XDP_ACTION__XDP_ACTION_SHRINK_TAIL &&
	    xc_spec_check_shrink(c, s, o->tail_adjust))
		return -EINVAL;
	if (o->fill_posted &&
	    o->pressure != XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_STARVE_FILL)
		return xc_serr(c, "rx_options.fill_posted: only with pressure starve_fill");
	if (o->stop_after &&
	    o->pressure != XCEIVER__V1__RX_PRESSURE__RX_PRESSURE_STOP_READING)
		return xc_serr(c, "rx_options.stop_after: only with pressure stop_reading");
	if (o->sample_every && o->payload_check !=
	    XCEIVER__V1__PAYLOAD_CHECK__PAYLOAD_CHECK_SAMPLED)
		return xc_serr(c, "rx_options.sample_every: only with payload_check sampled");
	return 0;
}

static int xc_spec_check_path(struct xc_sctx *c,
			      const Xceiver__V1__TestSpec *s)
{
	char why[512];

	if (!xc_path_check_spec(s, why, sizeof(why)))
		return 0;
	return xc_serr(c, "%s", why);
}

/*
 * A round trip (reflect): the rx endpoint sends every frame back on the
 * link it came from, so every stream goes from tx to rx, over one link
 * (a router would route the reflected frame by its swapped addresses,
 * and decrement its TTL twice), and the reflector's XDP action is its own.
 */
static int xc_spec_check_reflect(struct xc_sctx *c,
				 const Xceiver__V1__TestSpec *s)
{
	const Xceiver__V1__RxOptions *o = s->rx_options;
	size_t i;

	if (o && o->xdp_action == XCEIVER__V1__XDP_ACTION__XDP_ACTION_REFLECT)
		return xc_serr(c, "rx_options.xdp_action: reflect is not a spec's to set; say reflect: true for a round trip");
	if (!s->reflect)
		return 0;
	for (i = 0; i < s->n_streams; i++)
		if (s->streams[i]->direction !=
		    XCEIVER__V1__DIRECTION__DIRECTION_TX_TO_RX)
			return xc_serr(c, "streams[%zu]: reflect: every stream goes from tx to rx (the reflector sends it back)",
				       i);
	if (s->path && s->path->routed_hops)
		return xc_serr(c, "reflect: only over one link (path routed_hops unset): a routed path is not supported");
	if (o && o->xdp_action != XCEIVER__V1__XDP_ACTION__XDP_ACTION_REDIRECT)
		return xc_serr(c, "rx_options.xdp_action: reflect: the reflector's XDP program reflects; the tx endpoint's only redirects");
	return 0;
}

static const char *const xc_spec_requires[] = {
	"zerocopy", "nic_rings", "multi_queue", "huge_pages", "frags_grow",
	"xdp_meta",
};

static int xc_spec_check_requires(struct xc_sctx *c,
				  const Xceiver__V1__TestSpec *s)
{
	size_t i, j;

	for (i = 0; i < s->n_requires; i++) {
		for (j = 0; j < XC_ARRAY_SIZE(xc_spec_requires); j++)
			if (!strcmp(s->requires[i], xc_spec_requires[j]))
				break;
		if (j == XC_ARRAY_SIZE(xc_spec_requires))
			return xc_serr(c, "requires[%zu]: unknown '%s' (known: zerocopy, nic_rings, multi_queue, huge_pages, frags_grow)",
				       i, s->requires[i]);
	}
	return 0;
}

static bool xc_spec_has_stream(const Xceiver__V1__TestSpec *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < s->n_streams; i++)
		if (s->streams[i]->id == id)
			return true;
	return false;
}

static int xc_spec_check_expect(struct xc_sctx *c,
				const Xceiver__V1__TestSpec *s)
{
	struct xc_expect *e;
	char why[1024];
	size_t i;
	int ret;

	if (!s->expect)
		return 0;
	ret = xc_expect_parse_list(s->expect->checks, s->expect->n_checks, &e,
				   why, sizeof(why));
	if (ret)
		return xc_serr(c, "%s", why);
	for (i = 0; i < s->expect->n_checks && !ret; i++) {
		if (e[i].has_stream && !xc_spec_has_stream(s, e[i].stream_id))
			ret = xc_serr(c, "expect.checks[%zu]: no stream has id %" PRIu32,
				      i, e[i].stream_id);
		else if (xc_expect_fits_run(&e[i], s->reflect, why,
					    sizeof(why)))
			ret = xc_serr(c, "expect.checks[%zu]: %s", i, why);
	}
	free(e);
	return ret;
}

static int xc_spec_check_timeline(struct xc_sctx *c,
				  const Xceiver__V1__TestSpec *s)
{
	uint64_t ns = s->timeline_interval_us * 1000ull;

	if (!ns || (ns >= XC_MIN_TL_INTERVAL_NS && ns <= XC_MAX_TL_INTERVAL_NS))
		return 0;
	return xc_serr(c, "timeline_interval_us: %" PRIu32 " is outside [%llu, %llu]",
		       s->timeline_interval_us, XC_MIN_TL_INTERVAL_NS / 1000,
		       XC_MAX_TL_INTERVAL_NS / 1000);
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
	if (!ret)
		ret = xc_spec_check_rx_options(&c, s);
	if (!ret)
		ret = xc_spec_check_report_size(&c, s);
	if (!ret)
		ret = xc_spec_check_path(&c, s);
	if (!ret)
		ret = xc_spec_check_reflect(&c, s);
	if (!ret)
		ret = xc_spec_check_requires(&c, s);
	if (!ret && s->repeat > XC_MAX_REPEAT)
		ret = xc_serr(&c, "repeat: %" PRIu32 " is above the maximum of %u",
			      s->repeat, XC_MAX_REPEAT);
	if (!ret)
		ret = xc_spec_check_timeline(&c, s);
	if (!ret)
		ret = xc_spec_check_expect(&c, s);
	return ret;
}

/* ---------------------------------------------------------------- rates */

uint32_t xc_spec_stream_min_frame(const Xceiver__V1__Stream *st)
{
	const Xceiver__V1__Sizes *z = st->sizes;
	uint32_t v = UINT32_MAX;
	size_t i;

	if (!xc_spec_has_sizes(st))
		return st->frame_size ? st->frame_size : XC_DEF_FRAME;
	for (i = 0; i < z->n_list; i++)
		v = XC_MIN(v, z->list[i]);
	for (i = 0; i < z->n_imix; i++)
		v = XC_MIN(v, z->imix[i]->size);
	if (z->min)
		v = XC_MIN(v, z->min);
	if (z->standard_imix && !z->n_imix)
		v = XC_MIN(v, xc_std_imix[0][0]);
	return v;
}

uint32_t xc_spec_stream_max_frame(const Xceiver__V1__Stream *st)
{
	const Xceiver__V1__Sizes *z = st->sizes;
	uint32_t v = 0;
	size_t i;

	if (!xc_spec_has_sizes(st))
		return st->frame_size ? st->frame_size : XC_DEF_FRAME;
	for (i = 0; i < z->n_list; i++)
		v = XC_MAX(v, z->list[i]);
	for (i = 0; i < z->n_imix; i++)
		v = XC_MAX(v, z->imix[i]->size);
	v = XC_MAX(v, z->max);
	if (z->standard_imix && !z->n_imix)
		v = XC_MAX(v, xc_std_imix[2][0]);
	return v;
}

double xc_spec_stream_mean_frame(const Xceiver__V1__Stream *st)
{
	const Xceiver__V1__Sizes *z = st->sizes;
	double sum = 0, n = 0;
	size_t i;

	if (!xc_spec_has_sizes(st))
		return st->frame_size ? st->frame_size : XC_DEF_FRAME;
	for (i = 0; i < z->n_list; i++, n++)
		sum += z->list[i];
	for (i = 0; i < z->n_imix; i++) {
		sum += (double)z->imix[i]->size * z->imix[i]->weight;
		n += z->imix[i]->weight;
	}
	if (z->min || z->max) {
		sum += ((double)z->min + z->max) / 2;
		n++;
	}
	for (i = 0; z->standard_imix && !z->n_imix &&
	     i < XC_ARRAY_SIZE(xc_std_imix); i++) {
		sum += (double)xc_std_imix[i][0] * xc_std_imix[i][1];
		n += xc_std_imix[i][1];
	}
	return n ? sum / n : XC_DEF_FRAME;
}

double xc_spec_stream_pps(const Xceiver__V1__Stream *st)
{
	double bits;

	if (st->rate_pps || !st->rate_bps)
		return (double)st->rate_pps;
	bits = 8.0 * (xc_spec_stream_mean_frame(st) +
		      (st->rate_l1 ? XC_RATE_L1_OVERHEAD : 0));
	return (double)st->rate_bps / bits;
}

int xc_spec_resolve_counts(Xceiver__V1__TestSpec *s)
{
	size_t i;

	for (i = 0; i < s->n_streams; i++) {
		Xceiver__V1__Stream *st = s->streams[i];
		double n;

		if (st->count || !st->duration_ms)
			continue;
		n = xc_spec_stream_pps(st) * (double)st->duration_ms / 1000.0;
		if (n > (double)XC_MAX_COUNT)
			return -ERANGE;
		st->count = n < 1 ? 1 : (uint64_t)n;
	}
	return 0;
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
