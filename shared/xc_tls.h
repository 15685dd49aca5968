/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * TLS 1.3 on the control channel (OpenSSL), as a transport that wraps
 * another one (plain TCP): bytes from the network go into OpenSSL through
 * memory BIOs, libuv stays the I/O.
 *
 * Two ways to authenticate, both mutual:
 *   certificates  each side presents a certificate that chains to the CA
 *                 it is given; the agent may also require the controller's
 *                 name (CN or DNS SAN) to be in a list
 *   pre-shared    TLS 1.3 external PSK; the identity names the controller.
 *   keys          The agent's file may hold several "IDENTITY:HEXKEY"
 *                 lines, the controller's holds one.
 *
 * The transport's identity op gives the name the peer proved: its
 * certificate's CN, or the PSK identity. A failed handshake ends in
 * on_error with a reason (xc_transport_ops.failure): nothing the peer sent
 * reaches the owner before the handshake completed.
 */
#ifndef XC_TLS_H
#define XC_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "xc_wire.h"

#define XC_TLS_PSK_MIN		32	/* bytes of a pre-shared key */
#define XC_TLS_PSK_MAX		64
#define XC_TLS_ID_MAX		128	/* characters of a PSK identity */
#define XC_TLS_MAX_NAMES	64	/* --allow-name entries */

/* How a side secures its control channel, from its flags. */
struct xc_tls_opts {
	const char *ca;
	const char *cert;
	const char *key;
	const char *psk;
	const char *names[XC_TLS_MAX_NAMES];	/* --allow-name (agent) */
	unsigned int n_names;
	bool plain;
};

/* The flags both programs take (getopt_long codes, option entries). */
enum {
	XC_TLS_OPT_CA = 0x7100,
	XC_TLS_OPT_CERT,
	XC_TLS_OPT_KEY,
	XC_TLS_OPT_PSK,
	XC_TLS_OPT_ALLOW_NAME,
	XC_TLS_OPT_PLAIN,
};

#define XC_TLS_LONG_OPTIONS						\
	{ "ca", required_argument, NULL, XC_TLS_OPT_CA },		\
	{ "cert", required_argument, NULL, XC_TLS_OPT_CERT },		\
	{ "key", required_argument, NULL, XC_TLS_OPT_KEY },		\
	{ "psk", required_argument, NULL, XC_TLS_OPT_PSK },		\
	{ "allow-name", required_argument, NULL, XC_TLS_OPT_ALLOW_NAME }, \
	{ "plain", no_argument, NULL, XC_TLS_OPT_PLAIN }

/* The flags' names, for messages that tell what to give. */
#define XC_TLS_FLAGS_TEXT	"--ca FILE --cert FILE --key FILE, or --psk FILE"

/*
 * One of the flags above into o. Returns 1 when c is not one of them, 0,
 * or -EINVAL with a message in err.
 */
int xc_tls_opt(struct xc_tls_opts *o, int c, const char *arg, char *err,
	       size_t errlen);

struct xc_tls_ctx;

/*
 * Check the flags and load the files: a context for the agent (server) or
 * the controller. *out stays NULL for --plain. -EINVAL (flags, files) or
 * -ENOMEM, with a message in err; -ENOKEY when neither credentials nor
 * --plain were given.
 */
int xc_tls_ctx_new(const struct xc_tls_opts *o, bool server,
		   struct xc_tls_ctx **out, char *err, size_t errlen);
void xc_tls_ctx_free(struct xc_tls_ctx *ctx);
/* "TLS 1.3, certificate" / "TLS 1.3, pre-shared key" */
const char *xc_tls_ctx_describe(const struct xc_tls_ctx *ctx);
bool xc_tls_ctx_psk(const struct xc_tls_ctx *ctx);

/*
 * A TLS transport over inner (which it owns from here on; it is closed
 * when this fails). The handshake starts with start(); writes before it
 * completes are queued.
 */
struct xc_transport *xc_tls_transport_new(struct xc_tls_ctx *ctx,
					  struct xc_transport *inner);
/* The transport it wraps (the TCP handle to accept or connect on). */
struct xc_transport *xc_tls_transport_inner(struct xc_transport *t);

#endif /* XC_TLS_H */
