// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Control channel: framer, Envelope helpers, address parsing and the
 * connection that ties a transport, a framer and the Envelope decoder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_log.h"
#include "xc_pb.h"
#include "xc_tls.h"
#include "xc_util.h"
#include "xc_wire.h"

/* ------------------------------------------------------------ framer */

/*
 * A framer broken by an error has hdr_have above XC_WIRE_HDR_LEN and keeps
 * the (positive) error in need; hdr still holds the last length header.
 */
#define XC_FRAMER_BROKEN	(XC_WIRE_HDR_LEN + 1)

void xc_framer_init(struct xc_framer *f, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max;
}

/* Give back what the message in progress held of the budget. */
static void xc_framer_unhold(struct xc_framer *f)
{
	if (f->budget)
		f->budget->used -= f->held;
	f->held = 0;
}

void xc_framer_reset(struct xc_framer *f)
{
	if (!f)
		return;
	xc_framer_unhold(f);
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
	f->hdr_have = 0;
	f->need = 0;
	f->have = 0;
}

void xc_framer_free(struct xc_framer *f)
{
	xc_framer_reset(f);
}

void xc_framer_set_budget(struct xc_framer *f, struct xc_budget *budget)
{
	xc_framer_unhold(f);
	f->budget = budget;
}

static uint32_t xc_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void xc_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int xc_framer_fail(struct xc_framer *f, int err)
{
	xc_framer_unhold(f);
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
	f->have = 0;
	f->hdr_have = XC_FRAMER_BROKEN;
	f->need = (size_t)-err;
	return err;
}

/* Hand one message to fn; the framer is ready for the next header first. */
static int xc_framer_deliver(struct xc_framer *f, const uint8_t *msg,
			     size_t len, xc_framer_msg_fn fn, void *ctx)
{
	uint8_t *owned = f->buf;
	size_t held = f->held;
	int ret;

	f->buf = NULL;
	f->cap = 0;
	f->hdr_have = 0;
	f->need = 0;
	f->have = 0;
	f->held = 0;
	ret = fn(ctx, msg, len);
	free(owned);
	if (f->budget)
		f->budget->used -= held;
	return ret < 0 ? ret : 0;
}

/* Consume header bytes; returns how many, or a negative error. */
static ssize_t xc_framer_header(struct xc_framer *f, const uint8_t *data,
				size_t len)
{
	size_t n = XC_MIN(XC_WIRE_HDR_LEN - f->hdr_have, len);
	uint32_t msglen;

	memcpy(f->hdr + f->hdr_have, data, n);
	f->hdr_have += n;
	if (f->hdr_have < XC_WIRE_HDR_LEN)
		return (ssize_t)n;
	msglen = xc_be32(f->hdr);
	if (msglen > f->max)
		return xc_framer_fail(f, -EMSGSIZE);
	if (f->budget && msglen > f->budget->small) {
		if (msglen > f->budget->max - f->budget->used)
			return xc_framer_fail(f, -ENOBUFS);
		f->budget->used += msglen;
		f->held = msglen;
	}
	f->need = msglen;
	f->have = 0;
	return (ssize_t)n;
}

/*
 * Make room for len bytes of the current body. The buffer grows with what
 * actually arrived, not with what the header announced, so a peer that
 * announces a large message and stalls holds little memory.
 */
static int xc_framer_grow(struct xc_framer *f, size_t len)
{
	size_t cap = f->cap ? f->cap : 4096;
	uint8_t *buf;

	if (len <= f->cap)
		return 0;
	while (cap < len)
		cap *= 2;
	cap = XC_MIN(cap, f->need);
	buf = realloc(f->buf, cap);
	if (!buf)
		return -ENOMEM;
	f->buf = buf;
	f->cap = cap;
	return 0;
}

bool xc_framer_partial(const struct xc_framer *f)
{
	return f->hdr_have && f->hdr_have <= XC_WIRE_HDR_LEN;
}

uint32_t xc_framer_announced(const struct xc_framer *f)
{
	return xc_be32(f->hdr);
}

int xc_framer_feed(struct xc_framer *f, const uint8_t *data, size_t len,
		   xc_framer_msg_fn fn, void *ctx)
{
	static const uint8_t empty[1];
	ssize_t n;
	size_t take;
	int ret;

	if (f->hdr_have > XC_WIRE_HDR_LEN)
		return -(int)f->need;
	while (len || (f->hdr_have == XC_WIRE_HDR_LEN && !f->need)) {
		if (f->hdr_have < XC_WIRE_HDR_LEN) {
			n = xc_framer_header(f, data, len);
			if (n < 0)
				return (int)n;
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (!f->need) {
			ret = xc_framer_deliver(f, empty, 0, fn, ctx);
		} else if (!f->buf && len >= f->need) {
			/* the whole body is here: no copy */
			take = f->need;
			ret = xc_framer_deliver(f, data, take, fn, ctx);
			data += take;
			len -= take;
		} else {
			take = XC_MIN(f->need - f->have, len);
			ret = xc_framer_grow(f, f->have + take);
			if (ret)
				return xc_framer_fail(f, ret);
			memcpy(f->buf + f->have, data, take);
			f->have += take;
			data += take;
			len -= take;
			if (f->have < f->need)
				continue;
			ret = xc_framer_deliver(f, f->buf, f->need, fn, ctx);
		}
		if (ret < 0)
			return xc_framer_fail(f, ret);
	}
	return 0;
}

/* ------------------------------------------------------------ envelope */

int xc_wire_pack(const Xceiver__V1__Envelope *env, uint8_t **out,
		 size_t *outlen)
{
	size_t size, packed;
	uint8_t *buf;

	size = xceiver__v1__envelope__get_packed_size(env);
	if (size > XC_WIRE_MAX_MSG)
		return -EMSGSIZE;
	buf = malloc(XC_WIRE_HDR_LEN + size);
	if (!buf)
		return -ENOMEM;
	xc_put_be32(buf, (uint32_t)size);
	packed = xceiver__v1__envelope__pack(env, buf + XC_WIRE_HDR_LEN);
	if (packed != size) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*outlen = XC_WIRE_HDR_LEN + size;
	return 0;
}

Xceiver__V1__Envelope *xc_env_decode(const uint8_t *msg, size_t len)
{
	Xceiver__V1__Envelope *env;

	env = xceiver__v1__envelope__unpack(NULL, len, msg);
	if (env && !xc_pb_tags_valid(&env->base)) {
		xceiver__v1__envelope__free_unpacked(env, NULL);
		return NULL;
	}
	return env;
}

void xc_env_init(Xceiver__V1__Envelope *env, uint64_t request_id)
{
	xceiver__v1__envelope__init(env);
	env->version = XC_PROTOCOL_VERSION;
	env->request_id = request_id;
}

void xc_env_hello(Xceiver__V1__Envelope *env, Xceiver__V1__Hello *hello,
		  uint64_t request_id)
{
	xceiver__v1__hello__init(hello);
	hello->protocol_version = XC_PROTOCOL_VERSION;
	hello->software_version = XC_VERSION;
	hello->role = "controller";
	xc_env_init(env, request_id);
	env->body_case = XCEIVER__V1__ENVELOPE__BODY_HELLO;
	env->hello = hello;
}

const char *xc_env_body_name(const Xceiver__V1__Envelope *env)
{
	if (!env)
		return "none";
	switch (env->body_case) {
	case XCEIVER__V1__ENVELOPE__BODY__NOT_SET:
		return "none";
	case XCEIVER__V1__ENVELOPE__BODY_HELLO:
		return "hello";
	case XCEIVER__V1__ENVELOPE__BODY_IFINFO_REQUEST:
		return "ifinfo_request";
	case XCEIVER__V1__ENVELOPE__BODY_IFINFO:
		return "ifinfo";
	case XCEIVER__V1__ENVELOPE__BODY_PREPARE:
		return "prepare";
	case XCEIVER__V1__ENVELOPE__BODY_PREPARED:
		return "prepared";
	case XCEIVER__V1__ENVELOPE__BODY_START:
		return "start";
	case XCEIVER__V1__ENVELOPE__BODY_STARTED:
		return "started";
	case XCEIVER__V1__ENVELOPE__BODY_PROGRESS:
		return "progress";
	case XCEIVER__V1__ENVELOPE__BODY_DONE:
		return "done";
	case XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST:
		return "report_request";
	case XCEIVER__V1__ENVELOPE__BODY_REPORT:
		return "report";
	case XCEIVER__V1__ENVELOPE__BODY_RELEASE:
		return "release";
	case XCEIVER__V1__ENVELOPE__BODY_RELEASED:
		return "released";
	case XCEIVER__V1__ENVELOPE__BODY_ERROR:
		return "error";
	case XCEIVER__V1__ENVELOPE__BODY_CLOCK_PROBE:
		return "clock_probe";
	case XCEIVER__V1__ENVELOPE__BODY_CLOCK_READING:
		return "clock_reading";
	case XCEIVER__V1__ENVELOPE__BODY_HEARTBEAT:
		return "heartbeat";
	default:
		return "unknown";
	}
}

/* ------------------------------------------------------------ addresses */

#define XC_ADDRPORT_LEN		(INET6_ADDRSTRLEN + 8)

static int xc_parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	int digits = 0;

	for (; *s; s++, digits++) {
		if (*s < '0' || *s > '9' || digits >= 5)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (!digits || !v || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int xc_parse_addrport(const char *s, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN];
	const char *end, *port_s;
	struct sockaddr_in6 *sin6;
	struct sockaddr_in *sin;
	struct in6_addr a6;
	struct in_addr a4;
	uint16_t port;
	size_t hlen;
	bool v6;

	if (!s || !ss)
		return -EINVAL;
	v6 = s[0] == '[';
	if (v6) {
		s++;
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		port_s = end + 2;
	} else {
		end = strchr(s, ':');
		if (!end || strchr(end + 1, ':'))
			return -EINVAL;
		port_s = end + 1;
	}
	hlen = (size_t)(end - s);
	if (!hlen || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (xc_parse_port(port_s, &port))
		return -EINVAL;
	if (v6 ? inet_pton(AF_INET6, host, &a6) != 1 :
		 inet_pton(AF_INET, host, &a4) != 1)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (v6) {
		sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a6;
		sin6->sin6_port = htons(port);
	} else {
		sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_addr = a4;
		sin->sin_port = htons(port);
	}
	return 0;
}

bool xc_addr_is_any(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	if (ss->ss_family == AF_INET)
		return s4->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr) ||
	       (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
		!s6->sin6_addr.s6_addr32[3]);
}

static void xc_fmt_addrport(const struct sockaddr_storage *ss, char *out,
			    size_t outlen)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	const struct sockaddr_in *sin = (const void *)ss;
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6 &&
	    inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host)))
		snprintf(out, outlen, "[%s]:%u", host, ntohs(sin6->sin6_port));
	else if (ss->ss_family == AF_INET &&
		 inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host)))
		snprintf(out, outlen, "%s:%u", host, ntohs(sin->sin_port));
	else
		snprintf(out, outlen, "unknown peer");
}

/* ------------------------------------------------------------ connection */

struct xc_conn {
	const struct xc_conn_ops *ops;
	void *data;
	struct xc_transport *t;
	struct xc_framer framer;
	uv_timer_t timer;		/* connect timeout */
	uv_timer_t live_timer;		/* the deadlines of live */
	uv_connect_t connect_req;
	struct xc_live live;
	int handles_open;		/* transport + timers */
	int close_err;
	bool started;			/* transport delivering bytes */
	bool connecting;		/* on_connect not yet reported */
	bool closing;
	bool in_msg;			/* inside ops->on_msg */
	bool error_sent;		/* an Error went out during on_msg */
	bool outgoing;			/* made by xc_conn_connect */
	uint64_t msgs;			/* messages received */
	char peer[XC_ADDRPORT_LEN];
	char failure[256];		/* the transport's reason */
};

static struct xc_tls_ctx *xc_conn_tls;

static void xc_conn_release(struct xc_conn *c)
{
	if (--c->handles_open)
		return;
	if (c->ops->on_close)
		c->ops->on_close(c, c->close_err);
	xc_framer_free(&c->framer);
	free(c);
}

static void xc_conn_timer_closed(uv_handle_t *h)
{
	xc_conn_release(h->data);
}

static void xc_conn_transport_closed(struct xc_transport *t)
{
	xc_conn_release(t->owner);
}

static void xc_conn_close_timers(struct xc_conn *c)
{
	uv_timer_stop(&c->timer);
	uv_timer_stop(&c->live_timer);
	uv_close((uv_handle_t *)&c->timer, xc_conn_timer_closed);
	uv_close((uv_handle_t *)&c->live_timer, xc_conn_timer_closed);
}

static void xc_conn_transport_error(struct xc_transport *t, int err)
{
	struct xc_conn *c = t->owner;
	const char *why = t->ops->failure ? t->ops->failure(t) : NULL;

	if (why) {
		/* the connecting side tells its caller (xc_conn_failure) */
		snprintf(c->failure, sizeof(c->failure), "%s", why);
		xc_log(c->outgoing ? XC_LOG_DEBUG : XC_LOG_WARN,
		       "%s: %s; closing the connection\n", c->peer, why);
	} else if (err == -ECONNRESET)
		pr_debug("%s: peer closed the connection\n", c->peer);
	else
		pr_debug("%s: %s\n", c->peer, strerror(-err));
	xc_conn_close(c, err);
}

/* Answer bad input with an Error, then close once it is flushed. */
static int xc_conn_reject(struct xc_conn *c, uint64_t request_id, int code,
			  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int xc_conn_reject(struct xc_conn *c, uint64_t request_id, int code,
			  const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_warn("%s: %s; closing the connection\n", c->peer, msg);
	xc_conn_send_error(c, request_id, code, "%s", msg);
	xc_conn_close(c, code);
	return code;
}

/* Give up a peer that went silent: no flush, no waiting for it. */
static void xc_conn_abort(struct xc_conn *c, int err)
{
	if (c->closing)
		return;
	c->closing = true;
	c->close_err = err;
	c->connecting = false;
	xc_conn_close_timers(c);
	if (c->t->ops->abort)
		c->t->ops->abort(c->t);
	else
		c->t->ops->close(c->t);
}

static void xc_conn_heartbeat(struct xc_conn *c)
{
	Xceiver__V1__Heartbeat hb = XCEIVER__V1__HEARTBEAT__INIT;
	Xceiver__V1__Envelope env;
	int err;

	xc_env_init(&env, 0);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_HEARTBEAT;
	env.heartbeat = &hb;
	err = xc_conn_send(c, &env);
	if (err)
		pr_debug("%s: cannot send a heartbeat: %s\n", c->peer,
			 strerror(-err));
}

static void xc_conn_live_tick(uv_timer_t *timer)
{
	struct xc_conn *c = timer->data;
	struct xc_live *l = &c->live;
	uint64_t now = uv_now(timer->loop);

	if (c->closing)
		return;
	switch (xc_live_check(l, now)) {
	case XC_LIVE_SILENT:
		pr_warn("%s: peer silent for %llu ms, beyond the liveness limit of %g s; giving up the connection\n",
			c->peer, (unsigned long long)(now - l->last_rx),
			l->liveness_ms / 1000.0);
		xc_conn_abort(c, -ETIMEDOUT);
		break;
	case XC_LIVE_HELLO:
		xc_conn_reject(c, 0, -ETIMEDOUT,
			       "no Hello within the limit of %u ms after connecting",
			       l->hello_ms);
		break;
	case XC_LIVE_MSG:
		xc_conn_reject(c, 0, -ETIMEDOUT,
			       "message of %u bytes not complete within the limit of %u ms after its first byte",
			       xc_framer_announced(&c->framer), l->msg_ms);
		break;
	case XC_LIVE_HEARTBEAT:
		xc_conn_heartbeat(c);
		break;
	case XC_LIVE_OK:
		break;
	}
}

static int xc_conn_dispatch(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	int ret;

	c->in_msg = true;
	c->error_sent = false;
	ret = c->ops->on_msg ? c->ops->on_msg(c, env) : 0;
	c->in_msg = false;
	if (ret >= 0 && !c->closing &&
	    env->body_case == XCEIVER__V1__ENVELOPE__BODY_HELLO) {
		c->live.ready = true;
		c->framer.max = XC_WIRE_MAX_MSG;
	}
	if (ret >= 0 || c->closing)
		return ret < 0 ? ret : 0;
	/* the handler may have answered with its own Error already */
	if (c->error_sent) {
		xc_conn_close(c, ret);
		return ret;
	}
	return xc_conn_reject(c, env->request_id, ret, "%s request failed: %s",
			      xc_env_body_name(env), strerror(-ret));
}

static int xc_conn_on_frame(void *ctx, const uint8_t *msg, size_t len)
{
	Xceiver__V1__Envelope *env;
	struct xc_conn *c = ctx;
	int ret;

	c->msgs++;
	if (c->closing)
		return -ECANCELED;
	if (!len)
		return xc_conn_reject(c, 0, -EBADMSG, "empty message");
	env = xc_env_decode(msg, len);
	if (!env)
		return xc_conn_reject(c, 0, -EBADMSG, "message of %zu bytes %s",
				      len, "does not decode as an Envelope");
	if (env->version == XC_PROTOCOL_VERSION &&
	    env->body_case == XCEIVER__V1__ENVELOPE__BODY_HEARTBEAT)
		ret = 0;	/* a sign of life and nothing more */
	else if (env->version != XC_PROTOCOL_VERSION)
		ret = xc_conn_reject(c, env->request_id, -EPROTO,
				     "protocol version %u, this side speaks %u",
				     env->version, XC_PROTOCOL_VERSION);
	else if (env->body_case == XCEIVER__V1__ENVELOPE__BODY__NOT_SET)
		ret = xc_conn_reject(c, env->request_id, -EBADMSG,
				     "message %llu has no body this side knows",
				     (unsigned long long)env->request_id);
	else
		ret = xc_conn_dispatch(c, env);
	xceiver__v1__envelope__free_unpacked(env, NULL);
	return ret;
}

static void xc_conn_on_data(struct xc_transport *t, const uint8_t *data,
			    size_t len)
{
	struct xc_conn *c = t->owner;
	uint64_t msgs;
	int ret;

	if (c->closing)
		return;
	msgs = c->msgs;
	ret = xc_framer_feed(&c->framer, data, len, xc_conn_on_frame, c);
	xc_live_rx(&c->live, uv_now(c->live_timer.loop),
		   xc_framer_partial(&c->framer), c->msgs != msgs);
	if (ret >= 0 || c->closing)
		return;
	if (ret == -EMSGSIZE)
		xc_conn_reject(c, 0, ret, "message length %u %s %zu bytes%s",
			       xc_be32(c->framer.hdr), "exceeds the limit of",
			       c->framer.max, c->framer.max < XC_WIRE_MAX_MSG ?
			       " before Hello" : "");
	else if (ret == -ENOBUFS)
		xc_conn_reject(c, 0, ret,
			       "message length %u exceeds the %zu bytes left of the limit on buffered input (%zu bytes over all connections)",
			       xc_be32(c->framer.hdr),
			       c->framer.budget->max - c->framer.budget->used,
			       c->framer.budget->max);
	else
		xc_conn_reject(c, 0, ret, "cannot read a message: %s",
			       strerror(-ret));
}

void xc_conn_set_security(struct xc_tls_ctx *tls)
{
	xc_conn_tls = tls;
}

struct xc_tls_ctx *xc_conn_security(void)
{
	return xc_conn_tls;
}

struct xc_transport *xc_conn_transport_new(uv_loop_t *loop)
{
	struct xc_transport *t = xc_tcp_transport_new(loop);

	if (t && xc_conn_tls)
		t = xc_tls_transport_new(xc_conn_tls, t);
	return t;
}

struct xc_conn *xc_conn_new(uv_loop_t *loop, const struct xc_conn_ops *ops,
			    void *data)
{
	if (!loop || !ops)
		return NULL;
	return xc_conn_new_transport(loop, xc_conn_transport_new(loop), ops,
				     data);
}

struct xc_conn *xc_conn_new_transport(uv_loop_t *loop,
				      struct xc_transport *t,
				      const struct xc_conn_ops *ops,
				      void *data)
{
	struct xc_conn *c;

	if (!loop || !t || !ops)
		goto err_close;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto err_close;
	c->t = t;
	c->t->owner = c;
	c->t->on_data = xc_conn_on_data;
	c->t->on_error = xc_conn_transport_error;
	c->t->on_closed = xc_conn_transport_closed;
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
	uv_timer_init(loop, &c->live_timer);
	c->live_timer.data = c;
	c->handles_open = 3;
	c->ops = ops;
	c->data = data;
	xc_framer_init(&c->framer, XC_WIRE_MAX_MSG);
	snprintf(c->peer, sizeof(c->peer), "unconnected");
	return c;
err_close:
	if (t) {
		t->owner = NULL;
		t->on_closed = NULL;
		t->ops->close(t);
	}
	return NULL;
}

int xc_conn_set_limits(struct xc_conn *c, const struct xc_conn_limits *l)
{
	if (!c || !l || c->started || c->connecting || c->closing)
		return -EINVAL;
	c->live.liveness_ms = l->liveness_ms;
	c->live.hello_ms = l->hello_ms;
	c->live.msg_ms = l->msg_ms;
	c->framer.max = l->hello_ms ? XC_SMALL_MSG : XC_WIRE_MAX_MSG;
	xc_framer_set_budget(&c->framer, l->budget);
	return 0;
}

bool xc_conn_closing(const struct xc_conn *c)
{
	return !c || c->closing;
}

bool xc_conn_ready(const struct xc_conn *c)
{
	return c && c->live.ready;
}

void *xc_conn_data(struct xc_conn *c)
{
	return c ? c->data : NULL;
}

const char *xc_conn_peer(struct xc_conn *c)
{
	return c ? c->peer : "none";
}

const char *xc_conn_failure(struct xc_conn *c)
{
	return c && c->failure[0] ? c->failure : NULL;
}

const char *xc_conn_identity(struct xc_conn *c)
{
	if (!c || !c->t->ops->identity)
		return NULL;
	return c->t->ops->identity(c->t);
}

static int xc_conn_start(struct xc_conn *c)
{
	uv_loop_t *loop = c->live_timer.loop;
	unsigned int tick = xc_live_tick_ms(&c->live);
	int err = c->t->ops->start(c->t);

	if (err)
		return err;
	c->started = true;
	uv_update_time(loop);
	xc_live_start(&c->live, uv_now(loop));
	if (tick)
		uv_timer_start(&c->live_timer, xc_conn_live_tick, tick, tick);
	return 0;
}

int xc_conn_open(struct xc_conn *c, const char *peer)
{
	if (!c || c->closing || c->started || c->connecting)
		return -EINVAL;
	snprintf(c->peer, sizeof(c->peer), "%s", peer ? peer : "unknown peer");
	return xc_conn_start(c);
}

/* The TCP handle under the connection's transport (TLS wraps one). */
static uv_tcp_t *xc_conn_tcp(struct xc_conn *c)
{
	struct xc_transport *inner = xc_tls_transport_inner(c->t);

	return xc_tcp_transport_handle(inner ? inner : c->t);
}

int xc_conn_accept(struct xc_conn *c, uv_stream_t *server)
{
	uv_tcp_t *tcp = xc_conn_tcp(c);
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	int err;

	if (c->closing || c->started || c->connecting)
		return -EINVAL;
	err = uv_accept(server, (uv_stream_t *)tcp);
	if (err)
		goto err_close;
	if (!uv_tcp_getpeername(tcp, (struct sockaddr *)&ss, &len))
		xc_fmt_addrport(&ss, c->peer, sizeof(c->peer));
	err = xc_conn_start(c);
	if (err)
		goto err_close;
	return 0;
err_close:
	err = err == UV_EOF ? -ECONNRESET : err;
	xc_conn_close(c, err);
	return err;
}

static void xc_conn_connected(uv_connect_t *req, int status)
{
	struct xc_conn *c = (struct xc_conn *)((char *)req -
				offsetof(struct xc_conn, connect_req));
	int err = status;

	if (!c->connecting || c->closing)
		return;
	c->connecting = false;
	uv_timer_stop(&c->timer);
	if (!err)
		err = xc_conn_start(c);
	if (err == UV_EOF || err <= -3000)
		err = err == UV_EOF ? -ECONNRESET : -EIO;
	if (c->ops->on_connect)
		c->ops->on_connect(c, err);
	if (err)
		xc_conn_close(c, err);
}

static void xc_conn_connect_expired(uv_timer_t *timer)
{
	struct xc_conn *c = timer->data;

	if (!c->connecting || c->closing)
		return;
	c->connecting = false;
	pr_debug("%s: connect timed out\n", c->peer);
	if (c->ops->on_connect)
		c->ops->on_connect(c, -ETIMEDOUT);
	xc_conn_close(c, -ETIMEDOUT);
}

int xc_conn_connect(struct xc_conn *c, const char *addrport,
		    unsigned int timeout_ms)
{
	struct sockaddr_storage ss;
	int err;

	if (c->closing || c->started || c->connecting)
		return -EINVAL;
	err = xc_parse_addrport(addrport, &ss);
	if (err)
		goto err_close;
	xc_fmt_addrport(&ss, c->peer, sizeof(c->peer));
	c->outgoing = true;
	err = uv_tcp_connect(&c->connect_req, xc_conn_tcp(c),
			     (const struct sockaddr *)&ss, xc_conn_connected);
	if (err)
		goto err_close;
	c->connecting = true;
	if (timeout_ms) {
		/* the loop's clock may be stale when called outside it */
		uv_update_time(c->timer.loop);
		uv_timer_start(&c->timer, xc_conn_connect_expired, timeout_ms,
			       0);
	}
	return 0;
err_close:
	err = err <= -3000 ? -EIO : err;
	xc_conn_close(c, err);
	return err;
}

int xc_conn_send(struct xc_conn *c, Xceiver__V1__Envelope *env)
{
	size_t len;
	uint8_t *buf;
	int err;

	if (!c || !env)
		return -EINVAL;
	if (c->closing || !c->started)
		return -ENOTCONN;
	env->version = XC_PROTOCOL_VERSION;
	err = xc_wire_pack(env, &buf, &len);
	if (err)
		return err;
	xc_live_tx(&c->live, uv_now(c->live_timer.loop));
	return c->t->ops->write(c->t, buf, len);
}

int xc_conn_send_error(struct xc_conn *c, uint64_t request_id, int code,
		       const char *fmt, ...)
{
	Xceiver__V1__Error error = XCEIVER__V1__ERROR__INIT;
	Xceiver__V1__Envelope env;
	char *msg = NULL;
	va_list ap;
	int err;

	if (!c)
		return -EINVAL;
	if (c->in_msg)
		c->error_sent = true;
	va_start(ap, fmt);
	err = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (err < 0)
		return -ENOMEM;
	error.code = code > 0 ? -code : code;
	error.message = msg;
	xc_env_init(&env, request_id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_ERROR;
	env.error = &error;
	err = xc_conn_send(c, &env);
	free(msg);
	return err;
}

void xc_conn_close(struct xc_conn *c, int err)
{
	if (!c || c->closing)
		return;
	c->closing = true;
	c->close_err = err;
	c->connecting = false;
	xc_conn_close_timers(c);
	c->t->ops->close(c->t);
}
