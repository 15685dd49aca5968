/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Inside the TLS transport: the context both files share (xc_tls_ctx.c
 * builds it and its callbacks, xc_tls.c runs connections with it).
 */
#ifndef XC_TLS_CTX_H
#define XC_TLS_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

#include "xc_tls.h"

struct xc_tls_psk {
	char id[XC_TLS_ID_MAX + 1];
	uint8_t key[XC_TLS_PSK_MAX];
	size_t len;
};

struct xc_tls_ctx {
	SSL_CTX *ssl;
	bool server;
	bool psk;			/* pre-shared keys, else certificates */
	struct xc_tls_psk *psks;	/* the controller has one */
	size_t n_psks;
};

/* What one connection's callbacks saw during its handshake. */
struct xc_tls_state {
	char identity[XC_TLS_ID_MAX + 1];	/* proven, or PSK offered */
	char psk_unknown[XC_TLS_ID_MAX + 1];	/* an identity we lack */
	int verify_err;				/* first X509_V_ERR_* */
	char verify_cn[XC_TLS_ID_MAX + 1];	/* of the refused cert */
};

/* The state of the connection an SSL belongs to (xc_tls.c). */
struct xc_tls_state *xc_tls_state_of(SSL *ssl);
/* A certificate's CN (or "?"), printable characters only. */
void xc_tls_cert_cn(X509 *cert, char *buf, size_t len);

#endif /* XC_TLS_CTX_H */
