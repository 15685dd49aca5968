/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What the protocol test clients (xc-peer, xc-send) both do: take the
 * controller's credential flags and make them the security of their
 * connections.
 */
#ifndef XC_TOOL_H
#define XC_TOOL_H

#include "xc_tls.h"

/*
 * One of the credential flags (XC_TLS_LONG_OPTIONS) into o: 1 when c is
 * not one of them, 0, or -EINVAL with the reason printed after "TOOL: ".
 */
int xc_tool_tls_opt(const char *tool, struct xc_tls_opts *o, int c,
		    const char *arg);

/*
 * The credentials in o as the security of the connections made from now
 * on (xc_conn_set_security), *ctx for xc_tool_security_end; 0, or
 * -EINVAL with the reason printed after "TOOL: ".
 */
int xc_tool_security(const char *tool, const struct xc_tls_opts *o,
		     struct xc_tls_ctx **ctx);
void xc_tool_security_end(struct xc_tls_ctx *ctx);

#endif /* XC_TOOL_H */
