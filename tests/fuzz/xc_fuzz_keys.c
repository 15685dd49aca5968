// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Throwaway keys of the TLS fuzz target and its seeds (xc_fuzz.h). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xc_fuzz.h"
#include "xc_keys.h"
#include "xc_tls.h"

static const char *const xc_fuzz_key_files[] = {
	"ca.crt", "agent.crt", "agent.key", "controller.crt",
	"controller.key", "agent.psk", "controller.psk",
};

void xc_fuzz_keys_make(char *dir)
{
	struct xc_keys_opts o = { 0 };
	char err[256];

	if (!mkdtemp(dir))
		abort();
	o.dir = dir;
	if (xc_keys_make(&o, err, sizeof(err))) {
		fprintf(stderr, "fuzz keys: %s\n", err);
		abort();
	}
}

void xc_fuzz_keys_remove(const char *dir)
{
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(xc_fuzz_key_files) /
		    sizeof(xc_fuzz_key_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir,
			 xc_fuzz_key_files[i]);
		unlink(path);
	}
	rmdir(dir);
}

struct xc_tls_ctx *xc_fuzz_tls_ctx(const char *dir, bool server, bool psk)
{
	const char *who = server ? "agent" : "controller";
	char ca[128], cert[128], key[128], file[128], err[256];
	struct xc_tls_opts o = { 0 };
	struct xc_tls_ctx *ctx;

	snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
	snprintf(cert, sizeof(cert), "%s/%s.crt", dir, who);
	snprintf(key, sizeof(key), "%s/%s.key", dir, who);
	snprintf(file, sizeof(file), "%s/%s.psk", dir, who);
	if (psk) {
		o.psk = file;
	} else {
		o.ca = ca;
		o.cert = cert;
		o.key = key;
		if (server)
			o.names[o.n_names++] = XC_KEYS_DEF_CONTROLLER;
	}
	if (xc_tls_ctx_new(&o, server, &ctx, err, sizeof(err))) {
		fprintf(stderr, "fuzz keys: %s\n", err);
		abort();
	}
	return ctx;
}
