// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * TLS contexts of the control channel: the flags, the files they name
 * (CA, certificate, key, pre-shared keys) and the OpenSSL callbacks that
 * check a peer (certificate chain and name, PSK identity).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "xc_tls.h"
#include "xc_tls_ctx.h"

#define XC_TLS_PSK_LINE		512
#define XC_TLS_MAX_PSKS		1024
/* the ciphers whose hash (SHA-256) a pre-shared key is used with */
#define XC_TLS_PSK_SUITES	"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"

/* ------------------------------------------------------------ flags */

static int xc_tls_set_file(const char **field, const char *flag,
			   const char *arg, char *err, size_t errlen)
{
	if (*field) {
		snprintf(err, errlen, "%s given twice", flag);
		return -EINVAL;
	}
	*field = arg;
	return 0;
}

int xc_tls_opt(struct xc_tls_opts *o, int c, const char *arg, char *err,
	       size_t errlen)
{
	switch (c) {
	case XC_TLS_OPT_CA:
		return xc_tls_set_file(&o->ca, "--ca", arg, err, errlen);
	case XC_TLS_OPT_CERT:
		return xc_tls_set_file(&o->cert, "--cert", arg, err, errlen);
	case XC_TLS_OPT_KEY:
		return xc_tls_set_file(&o->key, "--key", arg, err, errlen);
	case XC_TLS_OPT_PSK:
		return xc_tls_set_file(&o->psk, "--psk", arg, err, errlen);
	case XC_TLS_OPT_PLAIN:
		o->plain = true;
		return 0;
	case XC_TLS_OPT_ALLOW_NAME:
		if (o->n_names >= XC_TLS_MAX_NAMES) {
			snprintf(err, errlen, "--allow-name: at most %d names",
				 XC_TLS_MAX_NAMES);
			return -EINVAL;
		}
		o->names[o->n_names++] = arg;
		return 0;
	default:
		return 1;
	}
}

/* Which flags go together; -ENOKEY when there are none at all. */
static int xc_tls_opts_check(const struct xc_tls_opts *o, bool server,
			     char *err, size_t errlen)
{
	int certs = !!o->ca + !!o->cert + !!o->key;

	if (o->plain && (certs || o->psk))
		snprintf(err, errlen, "--plain and credentials (%s) exclude each other",
			 XC_TLS_FLAGS_TEXT);
	else if (o->psk && certs)
		snprintf(err, errlen, "--psk and --ca/--cert/--key exclude each other");
	else if (certs && certs < 3)
		snprintf(err, errlen, "--ca, --cert and --key go together (--%s missing)",
			 !o->ca ? "ca" : !o->cert ? "cert" : "key");
	else if (o->n_names && !server)
		snprintf(err, errlen, "--allow-name is the agent's flag");
	else if (o->n_names && !certs)
		snprintf(err, errlen, "--allow-name needs certificates (--ca --cert --key)");
	else if (!o->plain && !certs && !o->psk)
		return snprintf(err, errlen, "no credentials for the control channel: give %s, or --plain to run it unauthenticated",
				XC_TLS_FLAGS_TEXT), -ENOKEY;
	else
		return 0;
	return -EINVAL;
}

/* ------------------------------------------------------------ PSK file */

static int xc_tls_hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s), i;
	unsigned int v;

	if (n % 2 || n / 2 > max)
		return -EINVAL;
	for (i = 0; i < n / 2; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static bool xc_tls_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (!n || n > XC_TLS_ID_MAX)
		return false;
	for (; *id; id++)
		if (!isgraph((unsigned char)*id))
			return false;
	return true;
}

/* "IDENTITY:HEXKEY" (trailing white space cut off) into p. */
static int xc_tls_psk_line(char *line, struct xc_tls_psk *p, char *err,
			   size_t errlen)
{
	char *colon = strchr(line, ':');
	size_t n = strlen(line);

	while (n && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	if (!colon) {
		snprintf(err, errlen, "expected IDENTITY:HEXKEY");
		return -EINVAL;
	}
	*colon = '\0';
	if (!xc_tls_id_ok(line)) {
		snprintf(err, errlen, "identity must be 1 to %d printable characters without spaces",
			 XC_TLS_ID_MAX);
		return -EINVAL;
	}
	snprintf(p->id, sizeof(p->id), "%s", line);
	if (xc_tls_hex(colon + 1, p->key, sizeof(p->key), &p->len) ||
	    p->len < XC_TLS_PSK_MIN) {
		snprintf(err, errlen, "key of '%s' must be %d to %d bytes in hex (%d to %d digits)",
			 p->id, XC_TLS_PSK_MIN, XC_TLS_PSK_MAX,
			 2 * XC_TLS_PSK_MIN, 2 * XC_TLS_PSK_MAX);
		return -EINVAL;
	}
	return 0;
}

static const struct xc_tls_psk *xc_tls_psk_find_id(const struct xc_tls_ctx *c,
						   const char *id,
						   size_t len)
{
	size_t i;

	for (i = 0; i < c->n_psks; i++)
		if (strlen(c->psks[i].id) == len &&
		    !memcmp(c->psks[i].id, id, len))
			return &c->psks[i];
	return NULL;
}

static int xc_tls_psk_add(struct xc_tls_ctx *c, const struct xc_tls_psk *p,
			  char *err, size_t errlen)
{
	struct xc_tls_psk *arr;

	if (xc_tls_psk_find_id(c, p->id, strlen(p->id))) {
		snprintf(err, errlen, "identity '%s' given twice", p->id);
		return -EINVAL;
	}
	if (c->n_psks >= XC_TLS_MAX_PSKS) {
		snprintf(err, errlen, "more than %d keys", XC_TLS_MAX_PSKS);
		return -EINVAL;
	}
	arr = realloc(c->psks, (c->n_psks + 1) * sizeof(*arr));
	if (!arr) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->psks = arr;
	c->psks[c->n_psks++] = *p;
	return 0;
}

static int xc_tls_psk_lines(struct xc_tls_ctx *c, FILE *f, char *err,
			    size_t errlen)
{
	char line[XC_TLS_PSK_LINE], why[160];
	struct xc_tls_psk p;
	unsigned int no = 0;
	int ret = 0;

	while (!ret && fgets(line, sizeof(line), f)) {
		no++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, sizeof(why), "line longer than %d bytes",
				 XC_TLS_PSK_LINE - 2);
			ret = -EINVAL;
		} else if (line[0] == '#' || !line[strspn(line, " \t\r\n")]) {
			continue;
		} else {
			ret = xc_tls_psk_line(line, &p, why, sizeof(why)) ?:
			      xc_tls_psk_add(c, &p, why, sizeof(why));
		}
		if (ret)
			snprintf(err, errlen, "line %u: %s", no, why);
	}
	OPENSSL_cleanse(&p, sizeof(p));
	OPENSSL_cleanse(line, sizeof(line));
	return ret;
}

static int xc_tls_psk_load(struct xc_tls_ctx *c, const char *path, char *err,
			   size_t errlen)
{
	char why[200];
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "--psk %s: %s", path, strerror(errno));
		return -EINVAL;
	}
	ret = xc_tls_psk_lines(c, f, why, sizeof(why));
	fclose(f);
	if (!ret && (!c->n_psks || (!c->server && c->n_psks > 1))) {
		snprintf(why, sizeof(why), "%s", c->server ?
			 "no IDENTITY:HEXKEY line" :
			 "the controller's file holds one IDENTITY:HEXKEY line");
		ret = -EINVAL;
	}
	if (ret)
		snprintf(err, errlen, "--psk %s: %s", path, why);
	return ret;
}

/* ------------------------------------------------------------ callbacks */

void xc_tls_cert_cn(X509 *cert, char *buf, size_t len)
{
	X509_NAME *name = cert ? X509_get_subject_name(cert) : NULL;
	char *p;

	if (!name || X509_NAME_get_text_by_NID(name, NID_commonName, buf,
					       (int)len) < 0) {
		snprintf(buf, len, "?");
		return;
	}
	for (p = buf; *p; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';
}

/* Keep the first reason a certificate was refused, for the message. */
static int xc_tls_verify(int ok, X509_STORE_CTX *sctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(sctx,
				SSL_get_ex_data_X509_STORE_CTX_idx());
	struct xc_tls_state *st = ssl ? xc_tls_state_of(ssl) : NULL;

	if (!ok && st && !st->verify_err) {
		st->verify_err = X509_STORE_CTX_get_error(sctx);
		xc_tls_cert_cn(X509_STORE_CTX_get_current_cert(sctx),
			       st->verify_cn, sizeof(st->verify_cn));
	}
	return ok;
}

static SSL_SESSION *xc_tls_psk_session(SSL *ssl, const struct xc_tls_psk *p)
{
	static const unsigned char aes128gcm_sha256[] = { 0x13, 0x01 };
	const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, aes128gcm_sha256);
	SSL_SESSION *s;

	s = cipher ? SSL_SESSION_new() : NULL;
	if (s && SSL_SESSION_set1_master_key(s, p->key, p->len) &&
	    SSL_SESSION_set_cipher(s, cipher) &&
	    SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION))
		return s;
	SSL_SESSION_free(s);
	return NULL;
}

static struct xc_tls_ctx *xc_tls_ctx_of(SSL *ssl)
{
	return SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
}

/* Agent: the identity a controller offers; unknown ones are remembered. */
static int xc_tls_psk_server(SSL *ssl, const unsigned char *id, size_t len,
			     SSL_SESSION **sess)
{
	const struct xc_tls_psk *p;
	struct xc_tls_state *st = xc_tls_state_of(ssl);
	size_t i;

	*sess = NULL;
	p = xc_tls_psk_find_id(xc_tls_ctx_of(ssl), (const char *)id, len);
	if (!p) {
		len = len < sizeof(st->psk_unknown) ? len :
		      sizeof(st->psk_unknown) - 1;
		for (i = 0; i < len; i++)
			st->psk_unknown[i] = isprint(id[i]) ? id[i] : '?';
		st->psk_unknown[len] = '\0';
		return 1;
	}
	snprintf(st->identity, sizeof(st->identity), "%s", p->id);
	*sess = xc_tls_psk_session(ssl, p);
	return *sess ? 1 : 0;
}

/* Controller: its one identity and key. */
static int xc_tls_psk_client(SSL *ssl, const EVP_MD *md,
			     const unsigned char **id, size_t *len,
			     SSL_SESSION **sess)
{
	const struct xc_tls_psk *p = &xc_tls_ctx_of(ssl)->psks[0];
	struct xc_tls_state *st = xc_tls_state_of(ssl);
	SSL_SESSION *s = xc_tls_psk_session(ssl, p);

	*sess = NULL;
	*id = NULL;
	*len = 0;
	if (!s)
		return 0;
	if (md && md != SSL_CIPHER_get_handshake_digest(
				SSL_SESSION_get0_cipher(s))) {
		SSL_SESSION_free(s);
		return 1;
	}
	*id = (const unsigned char *)p->id;
	*len = strlen(p->id);
	*sess = s;
	snprintf(st->identity, sizeof(st->identity), "%s", p->id);
	return 1;
}

/* ------------------------------------------------------------ contexts */

/* A file OpenSSL would not take: the system's reason, else OpenSSL's. */
static int xc_tls_file_err(const char *flag, const char *path, char *err,
			   size_t errlen)
{
	unsigned long e = ERR_peek_last_error();
	const char *why = e ? ERR_reason_error_string(e) : NULL;

	if (access(path, R_OK))
		why = strerror(errno);
	snprintf(err, errlen, "%s %s: %s", flag, path, why ? why : "unusable");
	ERR_clear_error();
	return -EINVAL;
}

static int xc_tls_names(struct xc_tls_ctx *c, const struct xc_tls_opts *o,
			char *err, size_t errlen)
{
	X509_VERIFY_PARAM *param = SSL_CTX_get0_param(c->ssl);
	unsigned int i;

	/* CN or DNS SAN, whole names only */
	X509_VERIFY_PARAM_set_hostflags(param,
					X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT |
					X509_CHECK_FLAG_NO_WILDCARDS);
	for (i = 0; i < o->n_names; i++) {
		if (!X509_VERIFY_PARAM_add1_host(param, o->names[i], 0)) {
			snprintf(err, errlen, "--allow-name %s: not a name",
				 o->names[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static int xc_tls_certs(struct xc_tls_ctx *c, const struct xc_tls_opts *o,
			char *err, size_t errlen)
{
	if (!SSL_CTX_load_verify_locations(c->ssl, o->ca, NULL))
		return xc_tls_file_err("--ca", o->ca, err, errlen);
	if (!SSL_CTX_use_certificate_chain_file(c->ssl, o->cert))
		return xc_tls_file_err("--cert", o->cert, err, errlen);
	if (!SSL_CTX_use_PrivateKey_file(c->ssl, o->key, SSL_FILETYPE_PEM))
		return xc_tls_file_err("--key", o->key, err, errlen);
	if (!SSL_CTX_check_private_key(c->ssl)) {
		snprintf(err, errlen, "--key %s does not belong to --cert %s",
			 o->key, o->cert);
		ERR_clear_error();
		return -EINVAL;
	}
	SSL_CTX_set_verify(c->ssl, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, xc_tls_verify);
	return xc_tls_names(c, o, err, errlen);
}

static int xc_tls_psks(struct xc_tls_ctx *c, const struct xc_tls_opts *o,
		       char *err, size_t errlen)
{
	int ret = xc_tls_psk_load(c, o->psk, err, errlen);

	if (ret)
		return ret;
	if (!SSL_CTX_set_ciphersuites(c->ssl, XC_TLS_PSK_SUITES)) {
		snprintf(err, errlen, "TLS: no cipher for pre-shared keys");
		return -EINVAL;
	}
	if (c->server)
		SSL_CTX_set_psk_find_session_callback(c->ssl,
						      xc_tls_psk_server);
	else
		SSL_CTX_set_psk_use_session_callback(c->ssl,
						     xc_tls_psk_client);
	return 0;
}

static int xc_tls_ssl_ctx(struct xc_tls_ctx *c, char *err, size_t errlen)
{
	c->ssl = SSL_CTX_new(c->server ? TLS_server_method() :
			     TLS_client_method());
	if (!c->ssl) {
		snprintf(err, errlen, "TLS: out of memory");
		return -ENOMEM;
	}
	SSL_CTX_set_app_data(c->ssl, c);
	SSL_CTX_set_min_proto_version(c->ssl, TLS1_3_VERSION);
	SSL_CTX_set_session_cache_mode(c->ssl, SSL_SESS_CACHE_OFF);
	/* one connection per run: no resumption, no tickets to send */
	SSL_CTX_set_num_tickets(c->ssl, 0);
	return 0;
}

int xc_tls_ctx_new(const struct xc_tls_opts *o, bool server,
		   struct xc_tls_ctx **out, char *err, size_t errlen)
{
	struct xc_tls_ctx *c;
	int ret;

	*out = NULL;
	ret = xc_tls_opts_check(o, server, err, errlen);
	if (ret || o->plain)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->server = server;
	c->psk = o->psk;
	ret = xc_tls_ssl_ctx(c, err, errlen);
	if (!ret)
		ret = c->psk ? xc_tls_psks(c, o, err, errlen) :
		      xc_tls_certs(c, o, err, errlen);
	if (ret) {
		xc_tls_ctx_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void xc_tls_ctx_free(struct xc_tls_ctx *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->ssl);
	if (c->psks)
		OPENSSL_cleanse(c->psks, c->n_psks * sizeof(*c->psks));
	free(c->psks);
	free(c);
}

const char *xc_tls_ctx_describe(const struct xc_tls_ctx *c)
{
	if (!c)
		return "plain TCP, unauthenticated";
	return c->psk ? "TLS 1.3, pre-shared key" : "TLS 1.3, certificate";
}

bool xc_tls_ctx_psk(const struct xc_tls_ctx *c)
{
	return c && c->psk;
}
