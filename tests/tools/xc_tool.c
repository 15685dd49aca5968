// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>

#include "xc_tool.h"
#include "xc_wire.h"

int xc_tool_tls_opt(const char *tool, struct xc_tls_opts *o, int c,
		    const char *arg)
{
	char err[256];
	int ret = xc_tls_opt(o, c, arg, err, sizeof(err));

	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", tool, err);
		return -EINVAL;
	}
	return ret;
}

int xc_tool_security(const char *tool, const struct xc_tls_opts *o,
		     struct xc_tls_ctx **ctx)
{
	char err[512];

	if (xc_tls_ctx_new(o, false, ctx, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", tool, err);
		return -EINVAL;
	}
	xc_conn_set_security(*ctx);
	return 0;
}

void xc_tool_security_end(struct xc_tls_ctx *ctx)
{
	xc_conn_set_security(NULL);
	xc_tls_ctx_free(ctx);
}
