// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * TLS 1.3 transport (OpenSSL over memory BIOs) around another transport.
 *
 * Bytes from the peer go into net_in and through SSL_do_handshake or
 * SSL_read; what OpenSSL has to send collects in net_out and is written to
 * the inner transport after every step. Until the handshake completed,
 * nothing reaches on_data and writes wait in a queue.
 *
 * Lifetime: as the inner transport's; this one frees itself after its
 * on_closed returns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "xc_log.h"
#include "xc_tls.h"
#include "xc_tls_ctx.h"

#define XC_TLS_RBUF_LEN		(64u << 10)
#define XC_TLS_REC_HANDSHAKE	0x16
#define XC_TLS_REC_ALERT	0x15

struct xc_tls_wbuf {
	struct xc_tls_wbuf *next;
	uint8_t *buf;
	size_t len;
};

struct xc_tls {
	struct xc_transport t;
	struct xc_transport *inner;
	struct xc_tls_ctx *ctx;
	SSL *ssl;
	BIO *net_in;			/* the peer's bytes, for OpenSSL */
	BIO *net_out;			/* OpenSSL's bytes, for the peer */
	struct xc_tls_wbuf *queue;	/* writes before the handshake ended */
	struct xc_tls_wbuf **queue_tail;
	size_t rx_bytes;		/* from the peer so far */
	bool handshaken;
	bool failed;
	bool closing;
	bool silent;			/* a peer that is not TLS: no alert */
	struct xc_tls_state st;		/* what the callbacks saw */
	char why[256];
	uint8_t rbuf[XC_TLS_RBUF_LEN];
};

static struct xc_tls *xc_tls_of(struct xc_transport *t)
{
	return (struct xc_tls *)t;
}

struct xc_tls_state *xc_tls_state_of(SSL *ssl)
{
	struct xc_tls *x = SSL_get_app_data(ssl);

	return x ? &x->st : NULL;
}

/* ------------------------------------------------------------ failing */

/* The peer's role, for messages: the agent is the server. */
static const char *xc_tls_peer_role(const struct xc_tls *x)
{
	return x->ctx->server ? "controller" : "agent";
}

static void xc_tls_fail(struct xc_tls *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Remember why, drop OpenSSL's error queue, tell the owner once. */
static void xc_tls_fail(struct xc_tls *x, int err, const char *fmt, ...)
{
	va_list ap;

	ERR_clear_error();
	if (x->failed)
		return;
	x->failed = true;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(x->why, sizeof(x->why), fmt, ap);
		va_end(ap);
	}
	if (!x->closing && x->t.on_error)
		x->t.on_error(&x->t, err);
}

/* An alert the peer sent: what it most likely means here. */
static const char *xc_tls_alert_hint(const struct xc_tls *x, int reason)
{
	bool psk = x->ctx->psk;

	switch (reason) {
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
		return "our certificate is not signed by the CA it trusts";
	case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
		return "our certificate has expired";
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
		return "our certificate's name is not allowed, or it is broken";
	case SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
	case SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER:
		return psk ? "wrong pre-shared key" : NULL;
	case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
		return psk ? "unknown pre-shared key identity, or the other end uses certificates" :
			     "no common way to authenticate: the other end may use a pre-shared key";
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
		return "the other end does not speak TLS 1.3";
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
		return "the other end wants a certificate: it uses certificates";
	default:
		return NULL;
	}
}

/* A certificate or key the callbacks refused, or NULL. */
static const char *xc_tls_refused(struct xc_tls *x, char *buf, size_t len)
{
	const char *role = xc_tls_peer_role(x);

	if (x->st.psk_unknown[0])
		snprintf(buf, len, "unknown pre-shared key identity '%s'",
			 x->st.psk_unknown);
	else if (x->ctx->server && x->ctx->psk && !x->st.identity[0])
		snprintf(buf, len, "the %s offered no pre-shared key (it uses certificates?)",
			 role);
	else if (x->st.verify_err == X509_V_ERR_HOSTNAME_MISMATCH)
		snprintf(buf, len, "%s certificate CN=%s: name not allowed",
			 role, x->st.verify_cn);
	else if (x->st.verify_err)
		snprintf(buf, len, "%s certificate CN=%s: %s", role,
			 x->st.verify_cn,
			 X509_verify_cert_error_string(x->st.verify_err));
	else
		return NULL;
	return buf;
}

/* Why the handshake (or a read) failed, from what OpenSSL and we saw. */
static void xc_tls_fail_ssl(struct xc_tls *x)
{
	unsigned long e = ERR_peek_last_error();
	int reason = ERR_GET_REASON(e);
	const char *what = e ? ERR_reason_error_string(e) : NULL;
	const char *hint = NULL;
	char buf[200];

	if (!what)
		what = "protocol error";
	if (reason > SSL_AD_REASON_OFFSET)
		hint = xc_tls_alert_hint(x, reason);
	if (xc_tls_refused(x, buf, sizeof(buf)))
		xc_tls_fail(x, -EKEYREJECTED, "%s", buf);
	else if (reason == SSL_R_BINDER_DOES_NOT_VERIFY)
		xc_tls_fail(x, -EKEYREJECTED,
			    "wrong pre-shared key for identity '%s'",
			    x->st.identity);
	else if (reason == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
		xc_tls_fail(x, -EKEYREJECTED,
			    "the %s presented no certificate (it uses a pre-shared key?)",
			    xc_tls_peer_role(x));
	else if (reason > SSL_AD_REASON_OFFSET)
		xc_tls_fail(x, -EKEYREJECTED,
			    "the %s refused the TLS handshake (%s%s%s)",
			    xc_tls_peer_role(x), what, hint ? ": " : "",
			    hint ? hint : "");
	else
		xc_tls_fail(x, -EPROTO, "TLS: %s", what);
}

/* ------------------------------------------------------------ output */

/* Write what OpenSSL has for the peer to the inner transport. */
static int xc_tls_flush(struct xc_tls *x)
{
	size_t len = BIO_ctrl_pending(x->net_out);
	uint8_t *buf;
	int n;

	if (!len || x->silent)
		return 0;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	n = BIO_read(x->net_out, buf, (int)len);
	if (n <= 0) {
		free(buf);
		return 0;
	}
	return x->inner->ops->write(x->inner, buf, (size_t)n);
}

static int xc_tls_encrypt(struct xc_tls *x, uint8_t *buf, size_t len)
{
	size_t done = 0;
	int ret = 0;

	if (len && !SSL_write_ex(x->ssl, buf, len, &done))
		ret = -EIO;
	free(buf);
	if (ret) {
		xc_tls_fail_ssl(x);
		return ret;
	}
	return xc_tls_flush(x);
}

static void xc_tls_queue_free(struct xc_tls *x)
{
	struct xc_tls_wbuf *w;

	while ((w = x->queue)) {
		x->queue = w->next;
		free(w->buf);
		free(w);
	}
	x->queue_tail = &x->queue;
}

static int xc_tls_write(struct xc_transport *t, uint8_t *buf, size_t len)
{
	struct xc_tls *x = xc_tls_of(t);
	struct xc_tls_wbuf *w;

	if (x->closing || x->failed) {
		free(buf);
		return -ENOTCONN;
	}
	if (x->handshaken)
		return xc_tls_encrypt(x, buf, len);
	w = malloc(sizeof(*w));
	if (!w) {
		free(buf);
		return -ENOMEM;
	}
	w->next = NULL;
	w->buf = buf;
	w->len = len;
	*x->queue_tail = w;
	x->queue_tail = &w->next;
	return 0;
}

/* The handshake is done: what was written meanwhile goes out now. */
static int xc_tls_send_queued(struct xc_tls *x)
{
	struct xc_tls_wbuf *w;
	int err = 0;

	while ((w = x->queue) && !err) {
		x->queue = w->next;
		err = xc_tls_encrypt(x, w->buf, w->len);
		free(w);
	}
	if (!x->queue)
		x->queue_tail = &x->queue;
	return err;
}

/* ------------------------------------------------------------ input */

static void xc_tls_take_identity(struct xc_tls *x)
{
	X509 *peer;

	if (x->ctx->psk)
		return;		/* set by the PSK callbacks */
	peer = SSL_get0_peer_certificate(x->ssl);
	if (peer)
		xc_tls_cert_cn(peer, x->st.identity, sizeof(x->st.identity));
}

/* Returns 1 when done, 0 when it needs more bytes, -1 when it failed. */
static int xc_tls_handshake(struct xc_tls *x)
{
	int ret = SSL_do_handshake(x->ssl);

	if (xc_tls_flush(x))
		goto err;
	if (ret == 1) {
		x->handshaken = true;
		xc_tls_take_identity(x);
		pr_debug("TLS: %s with %s %s\n", SSL_get_version(x->ssl),
			 x->ctx->psk ? "pre-shared key" : "certificate",
			 x->st.identity);
		if (xc_tls_send_queued(x))
			goto err;
		return 1;
	}
	if (SSL_get_error(x->ssl, ret) == SSL_ERROR_WANT_READ)
		return 0;
	xc_tls_fail_ssl(x);
	return -1;
err:
	if (!x->failed)
		xc_tls_fail(x, -ENOMEM, "TLS: cannot queue output");
	return -1;
}

/* Decrypt what there is and hand it to the owner. */
static void xc_tls_read_all(struct xc_tls *x)
{
	size_t n;
	int ret;

	while (!x->closing && !x->failed) {
		if (SSL_read_ex(x->ssl, x->rbuf, sizeof(x->rbuf), &n)) {
			if (x->t.on_data)
				x->t.on_data(&x->t, x->rbuf, n);
			continue;
		}
		ret = SSL_get_error(x->ssl, 0);
		if (ret == SSL_ERROR_WANT_READ)
			break;
		if (ret == SSL_ERROR_ZERO_RETURN)
			xc_tls_fail(x, -ECONNRESET, NULL);
		else
			xc_tls_fail_ssl(x);
		return;
	}
	if (!x->failed && xc_tls_flush(x))
		xc_tls_fail(x, -ENOMEM, "TLS: cannot queue output");
}

/*
 * A TLS peer starts with a handshake record (the server may answer with
 * an alert); anything else is not TLS: a plain client or a plain agent.
 */
static bool xc_tls_first_byte_ok(const struct xc_tls *x, uint8_t b)
{
	return b == XC_TLS_REC_HANDSHAKE ||
	       (!x->ctx->server && b == XC_TLS_REC_ALERT);
}

static void xc_tls_inner_data(struct xc_transport *in, const uint8_t *data,
			      size_t len)
{
	struct xc_tls *x = in->owner;

	if (x->closing || x->failed || !len)
		return;
	if (!x->rx_bytes && !xc_tls_first_byte_ok(x, data[0])) {
		x->silent = true;
		xc_tls_fail(x, -EPROTO, "not TLS: the %s %s",
			    xc_tls_peer_role(x), x->ctx->server ?
			    "sent no TLS handshake (plain TCP, or no credentials?)" :
			    "answered without TLS (running with --plain?)");
		return;
	}
	x->rx_bytes += len;
	if (BIO_write(x->net_in, data, (int)len) != (int)len) {
		xc_tls_fail(x, -ENOMEM, "TLS: out of memory");
		return;
	}
	if (!x->handshaken && xc_tls_handshake(x) <= 0)
		return;
	xc_tls_read_all(x);
}

static void xc_tls_inner_error(struct xc_transport *in, int err)
{
	struct xc_tls *x = in->owner;

	if (x->handshaken || (err == -ECONNRESET && !x->rx_bytes)) {
		xc_tls_fail(x, err, NULL);
		return;
	}
	xc_tls_fail(x, err, "the %s closed the connection during the TLS handshake%s%s",
		    xc_tls_peer_role(x), err == -ECONNRESET ? "" : ": ",
		    err == -ECONNRESET ? "" : strerror(-err));
}

static void xc_tls_inner_closed(struct xc_transport *in)
{
	struct xc_tls *x = in->owner;

	if (x->t.on_closed)
		x->t.on_closed(&x->t);
	xc_tls_queue_free(x);
	SSL_free(x->ssl);	/* and both BIOs */
	free(x);
}

/* ------------------------------------------------------------ ops */

static int xc_tls_start(struct xc_transport *t)
{
	struct xc_tls *x = xc_tls_of(t);
	int err;

	err = x->inner->ops->start(x->inner);
	if (err || x->ctx->server)
		return err;
	/* the client speaks first */
	return xc_tls_handshake(x) < 0 ? -EPROTO : 0;
}

static void xc_tls_close(struct xc_transport *t)
{
	struct xc_tls *x = xc_tls_of(t);

	if (x->closing)
		return;
	x->closing = true;
	if (x->handshaken && !x->failed)
		SSL_shutdown(x->ssl);
	/* a failed handshake's alert tells the peer why */
	xc_tls_flush(x);
	x->inner->ops->close(x->inner);
}

/* A peer given up as dead: no close_notify, the TCP transport resets. */
static void xc_tls_abort(struct xc_transport *t)
{
	struct xc_tls *x = xc_tls_of(t);

	if (x->closing)
		return;
	x->closing = true;
	if (x->inner->ops->abort)
		x->inner->ops->abort(x->inner);
	else
		x->inner->ops->close(x->inner);
}

static const char *xc_tls_identity(struct xc_transport *t)
{
	struct xc_tls *x = xc_tls_of(t);

	return x->handshaken && x->st.identity[0] ? x->st.identity : NULL;
}

static const char *xc_tls_failure(struct xc_transport *t)
{
	struct xc_tls *x = xc_tls_of(t);

	return x->why[0] ? x->why : NULL;
}

static const struct xc_transport_ops xc_tls_ops = {
	.start = xc_tls_start,
	.write = xc_tls_write,
	.close = xc_tls_close,
	.abort = xc_tls_abort,
	.identity = xc_tls_identity,
	.failure = xc_tls_failure,
};

static int xc_tls_ssl_new(struct xc_tls *x)
{
	x->ssl = SSL_new(x->ctx->ssl);
	x->net_in = BIO_new(BIO_s_mem());
	x->net_out = BIO_new(BIO_s_mem());
	if (!x->ssl || !x->net_in || !x->net_out) {
		BIO_free(x->net_in);
		BIO_free(x->net_out);
		return -ENOMEM;
	}
	/* an empty memory BIO asks to retry instead of reporting EOF */
	BIO_set_mem_eof_return(x->net_in, -1);
	SSL_set_bio(x->ssl, x->net_in, x->net_out);
	SSL_set_app_data(x->ssl, x);
	if (x->ctx->server)
		SSL_set_accept_state(x->ssl);
	else
		SSL_set_connect_state(x->ssl);
	return 0;
}

struct xc_transport *xc_tls_transport_new(struct xc_tls_ctx *ctx,
					  struct xc_transport *inner)
{
	struct xc_tls *x;

	if (!ctx || !inner)
		goto err_inner;
	x = calloc(1, sizeof(*x));
	if (!x)
		goto err_inner;
	x->t.ops = &xc_tls_ops;
	x->ctx = ctx;
	x->inner = inner;
	x->queue_tail = &x->queue;
	if (xc_tls_ssl_new(x)) {
		SSL_free(x->ssl);
		free(x);
		goto err_inner;
	}
	inner->owner = x;
	inner->on_data = xc_tls_inner_data;
	inner->on_error = xc_tls_inner_error;
	inner->on_closed = xc_tls_inner_closed;
	return &x->t;
err_inner:
	if (inner) {
		inner->owner = NULL;
		inner->on_closed = NULL;
		inner->ops->close(inner);
	}
	return NULL;
}

struct xc_transport *xc_tls_transport_inner(struct xc_transport *t)
{
	return t && t->ops == &xc_tls_ops ? xc_tls_of(t)->inner : NULL;
}
