// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xceiver keys DIR: a throwaway CA, a certificate and key for the agent and
 * for the controller (EC P-256, signed by the CA), and a pre-shared key
 * file for each side. The CA's key is not kept: more certificates mean a
 * new directory. Keys and PSK files are mode 0600; no file is overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "xc_ctl.h"
#include "xc_keys.h"
#include "xc_tls.h"

#define XC_KEYS_CA_CN		"xceiver throwaway CA"
#define XC_KEYS_PSK_LEN		32
#define XC_DAY_S		86400L

/* ------------------------------------------------------------ files */

static FILE *xc_keys_open(const char *dir, const char *name, mode_t mode,
			  char *err, size_t errlen)
{
	char path[4096];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (remove it, or choose another directory)" : "");
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

static int xc_keys_close(FILE *f, bool ok, const char *name, char *err,
			 size_t errlen)
{
	if (fclose(f) || !ok) {
		snprintf(err, errlen, "cannot write %s", name);
		return -EIO;
	}
	return 0;
}

static int xc_keys_write_cert(const char *dir, const char *name, X509 *x,
			      char *err, size_t errlen)
{
	FILE *f = xc_keys_open(dir, name, 0644, err, errlen);

	if (!f)
		return -EIO;
	return xc_keys_close(f, PEM_write_X509(f, x), name, err, errlen);
}

static int xc_keys_write_key(const char *dir, const char *name, EVP_PKEY *k,
			     char *err, size_t errlen)
{
	FILE *f = xc_keys_open(dir, name, 0600, err, errlen);

	if (!f)
		return -EIO;
	return xc_keys_close(f, PEM_write_PrivateKey(f, k, NULL, NULL, 0,
						     NULL, NULL),
			     name, err, errlen);
}

static int xc_keys_write_psk(const char *dir, const char *name,
			     const char *id, const uint8_t *key, char *err,
			     size_t errlen)
{
	FILE *f = xc_keys_open(dir, name, 0600, err, errlen);
	bool ok;
	int i;

	if (!f)
		return -EIO;
	ok = fprintf(f, "%s:", id) > 0;
	for (i = 0; i < XC_KEYS_PSK_LEN; i++)
		ok = ok && fprintf(f, "%02x", key[i]) > 0;
	ok = ok && fputc('\n', f) != EOF;
	return xc_keys_close(f, ok, name, err, errlen);
}

/* ------------------------------------------------------------ certificates */

static int xc_keys_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -EINVAL;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -ENOMEM;
}

/*
 * Extensions; eku: what the leaf may prove ("serverAuth" for an agent,
 * "clientAuth" for a controller), so neither can pose as the other.
 */
static int xc_keys_exts(X509 *x, X509 *issuer, const char *cn,
			const char *eku)
{
	char san[XC_KEYS_NAME_MAX + 8];

	if (!issuer)
		return xc_keys_ext(x, x, NID_basic_constraints,
				   "critical,CA:TRUE") ?:
		       xc_keys_ext(x, x, NID_key_usage,
				   "critical,keyCertSign,cRLSign") ?:
		       xc_keys_ext(x, x, NID_subject_key_identifier, "hash");
	snprintf(san, sizeof(san), "DNS:%s", cn);
	return xc_keys_ext(x, issuer, NID_basic_constraints,
			   "critical,CA:FALSE") ?:
	       xc_keys_ext(x, issuer, NID_key_usage,
			   "critical,digitalSignature") ?:
	       xc_keys_ext(x, issuer, NID_ext_key_usage, eku) ?:
	       xc_keys_ext(x, issuer, NID_subject_alt_name, san) ?:
	       xc_keys_ext(x, issuer, NID_subject_key_identifier, "hash") ?:
	       xc_keys_ext(x, issuer, NID_authority_key_identifier,
			   "keyid:always");
}

/* Serial, names and validity; an expired one ended a day ago. */
static int xc_keys_fill(X509 *x, const char *cn, X509 *issuer,
			unsigned int days, bool expired)
{
	X509_NAME *name = X509_get_subject_name(x);
	BIGNUM *serial = BN_new();
	int ok;

	ok = serial && BN_rand(serial, 63, BN_RAND_TOP_ANY,
			       BN_RAND_BOTTOM_ANY) &&
	     BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) &&
	     X509_set_version(x, X509_VERSION_3) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1,
					0) &&
	     X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
				  name);
	BN_free(serial);
	if (!ok)
		return -ENOMEM;
	if (expired)
		ok = X509_gmtime_adj(X509_getm_notBefore(x), -2 * XC_DAY_S) &&
		     X509_gmtime_adj(X509_getm_notAfter(x), -XC_DAY_S);
	else
		ok = X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
		     X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0,
				      NULL);
	return ok ? 0 : -ENOMEM;
}

/*
 * A new key and its certificate, signed by issuer (self-signed: NULL),
 * for the extended key usage eku (NULL for the CA).
 */
static int xc_keys_cert(const char *cn, const char *eku, X509 *issuer,
			EVP_PKEY *issuer_key, unsigned int days, bool expired,
			X509 **cert, EVP_PKEY **key)
{
	X509 *x = X509_new();
	EVP_PKEY *k = EVP_EC_gen("P-256");
	int err = -ENOMEM;

	if (!x || !k)
		goto err_free;
	err = xc_keys_fill(x, cn, issuer, days, expired);
	if (!err && !X509_set_pubkey(x, k))
		err = -ENOMEM;
	if (!err)
		err = xc_keys_exts(x, issuer, cn, eku);
	if (!err && !X509_sign(x, issuer ? issuer_key : k, EVP_sha256()))
		err = -EINVAL;
	if (err)
		goto err_free;
	*cert = x;
	*key = k;
	return 0;
err_free:
	X509_free(x);
	EVP_PKEY_free(k);
	return err;
}

/* ------------------------------------------------------------ the set */

struct xc_keys_set {
	X509 *ca, *agent, *ctl;
	EVP_PKEY *ca_key, *agent_key, *ctl_key;
	uint8_t psk[XC_KEYS_PSK_LEN];
};

static void xc_keys_set_free(struct xc_keys_set *s)
{
	X509_free(s->ca);
	X509_free(s->agent);
	X509_free(s->ctl);
	EVP_PKEY_free(s->ca_key);
	EVP_PKEY_free(s->agent_key);
	EVP_PKEY_free(s->ctl_key);
	OPENSSL_cleanse(s->psk, sizeof(s->psk));
}

static int xc_keys_build(const struct xc_keys_opts *o, struct xc_keys_set *s)
{
	if (xc_keys_cert(XC_KEYS_CA_CN, NULL, NULL, NULL, o->days, false,
			 &s->ca, &s->ca_key) ||
	    xc_keys_cert(o->agent, "serverAuth", s->ca, s->ca_key, o->days,
			 false, &s->agent, &s->agent_key) ||
	    xc_keys_cert(o->controller, "clientAuth", s->ca, s->ca_key,
			 o->days, o->expired_controller, &s->ctl,
			 &s->ctl_key) ||
	    RAND_bytes(s->psk, sizeof(s->psk)) != 1)
		return -EINVAL;
	return 0;
}

static int xc_keys_write(const struct xc_keys_opts *o,
			 const struct xc_keys_set *s, char *err, size_t errlen)
{
	const char *d = o->dir;

	return xc_keys_write_cert(d, "ca.crt", s->ca, err, errlen) ?:
	       xc_keys_write_cert(d, "agent.crt", s->agent, err, errlen) ?:
	       xc_keys_write_key(d, "agent.key", s->agent_key, err, errlen) ?:
	       xc_keys_write_cert(d, "controller.crt", s->ctl, err, errlen) ?:
	       xc_keys_write_key(d, "controller.key", s->ctl_key, err,
				 errlen) ?:
	       xc_keys_write_psk(d, "agent.psk", o->psk_identity, s->psk, err,
				 errlen) ?:
	       xc_keys_write_psk(d, "controller.psk", o->psk_identity, s->psk,
				 err, errlen);
}

void xc_keys_defaults(struct xc_keys_opts *o)
{
	if (!o->agent)
		o->agent = XC_KEYS_DEF_AGENT;
	if (!o->controller)
		o->controller = XC_KEYS_DEF_CONTROLLER;
	if (!o->psk_identity)
		o->psk_identity = o->controller;
	if (!o->days)
		o->days = XC_KEYS_DEF_DAYS;
}

/* A name for a CN, a DNS SAN and a PSK identity alike. */
static bool xc_keys_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= XC_KEYS_NAME_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789.-_") == n;
}

static int xc_keys_check(const struct xc_keys_opts *o, char *err,
			 size_t errlen)
{
	const char *bad = !xc_keys_name_ok(o->agent) ? o->agent :
			  !xc_keys_name_ok(o->controller) ? o->controller :
			  !xc_keys_name_ok(o->psk_identity) ? o->psk_identity :
			  NULL;

	if (bad) {
		snprintf(err, errlen, "name '%s': 1 to %d letters, digits, '.', '-' or '_'",
			 bad, XC_KEYS_NAME_MAX);
		return -EINVAL;
	}
	if (o->days > XC_KEYS_MAX_DAYS) {
		snprintf(err, errlen, "--days %u: at most %d", o->days,
			 XC_KEYS_MAX_DAYS);
		return -EINVAL;
	}
	if (mkdir(o->dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", o->dir, strerror(errno));
		return -errno;
	}
	return 0;
}

int xc_keys_make(const struct xc_keys_opts *opts, char *err, size_t errlen)
{
	struct xc_keys_opts o = *opts;
	struct xc_keys_set s = { 0 };
	int ret;

	xc_keys_defaults(&o);
	ret = xc_keys_check(&o, err, errlen);
	if (ret)
		return ret;
	ret = xc_keys_build(&o, &s);
	if (ret)
		snprintf(err, errlen, "cannot make the keys: %s",
			 ERR_reason_error_string(ERR_peek_last_error()) ?:
			 "OpenSSL failed");
	else
		ret = xc_keys_write(&o, &s, err, errlen);
	ERR_clear_error();
	xc_keys_set_free(&s);
	return ret;
}

/* ------------------------------------------------------------ command */

static void xc_keys_usage(FILE *f)
{
	fprintf(f,
		"usage: xceiver keys DIR [--agent-name NAME] [--controller-name NAME]\n"
		"                        [--psk-identity NAME] [--days N]\n"
		"\n"
		"Make throwaway credentials for the control channel in DIR (made\n"
		"mode 0700 if missing; no file is overwritten):\n"
		"  ca.crt                           a CA (its key is not kept)\n"
		"  agent.crt agent.key              the agent's (CN NAME, DNS NAME)\n"
		"  controller.crt controller.key    the controller's\n"
		"  agent.psk controller.psk         IDENTITY:HEXKEY, one random\n"
		"                                   %d-byte key for both sides\n"
		"Keys and PSK files are mode 0600. Then:\n"
		"  xceiver-agent --listen A:P --ca DIR/ca.crt --cert DIR/agent.crt \\\n"
		"      --key DIR/agent.key [--allow-name CONTROLLER-NAME]\n"
		"  xceiver run ... --ca DIR/ca.crt --cert DIR/controller.crt \\\n"
		"      --key DIR/controller.key\n"
		"or --psk DIR/agent.psk and --psk DIR/controller.psk.\n"
		"\n"
		"  --agent-name NAME       default %s\n"
		"  --controller-name NAME  default %s\n"
		"  --psk-identity NAME     default the controller's name\n"
		"  --days N                validity in days (default %d, at most %d)\n"
		"\n"
		"Test seam (never for real use):\n"
		"  --expired-controller    controller.crt expired yesterday\n",
		XC_KEYS_PSK_LEN, XC_KEYS_DEF_AGENT, XC_KEYS_DEF_CONTROLLER,
		XC_KEYS_DEF_DAYS, XC_KEYS_MAX_DAYS);
}

enum {
	XC_KOPT_AGENT = 256, XC_KOPT_CTL, XC_KOPT_ID, XC_KOPT_DAYS,
	XC_KOPT_EXPIRED,
};

static int xc_keys_days(const char *arg, unsigned int *days)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !v || v > XC_KEYS_MAX_DAYS) {
		fprintf(stderr, "xceiver: keys: --days %s: expected 1 to %d\n",
			arg, XC_KEYS_MAX_DAYS);
		return -EINVAL;
	}
	*days = (unsigned int)v;
	return 0;
}

static int xc_keys_opt(struct xc_keys_opts *o, int c, const char *arg)
{
	switch (c) {
	case XC_KOPT_AGENT:
		o->agent = arg;
		return 0;
	case XC_KOPT_CTL:
		o->controller = arg;
		return 0;
	case XC_KOPT_ID:
		o->psk_identity = arg;
		return 0;
	case XC_KOPT_DAYS:
		return xc_keys_days(arg, &o->days);
	case XC_KOPT_EXPIRED:
		o->expired_controller = true;
		return 0;
	default:
		xc_keys_usage(stderr);
		return -EINVAL;
	}
}

int xc_cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "agent-name", required_argument, NULL, XC_KOPT_AGENT },
		{ "controller-name", required_argument, NULL, XC_KOPT_CTL },
		{ "psk-identity", required_argument, NULL, XC_KOPT_ID },
		{ "days", required_argument, NULL, XC_KOPT_DAYS },
		{ "expired-controller", no_argument, NULL, XC_KOPT_EXPIRED },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct xc_keys_opts o = { 0 };
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			xc_keys_usage(stdout);
			return XC_EXIT_PASS;
		}
		if (xc_keys_opt(&o, c, optarg))
			return XC_EXIT_USAGE;
	}
	if (optind != argc - 1) {
		xc_keys_usage(stderr);
		return XC_EXIT_USAGE;
	}
	o.dir = argv[optind];
	if (xc_keys_make(&o, err, sizeof(err))) {
		fprintf(stderr, "xceiver: keys: %s\n", err);
		return XC_EXIT_RUN;
	}
	if (o.expired_controller)
		fprintf(stderr, "xceiver: keys: test seam: controller.crt has expired on purpose\n");
	return XC_EXIT_PASS;
}
