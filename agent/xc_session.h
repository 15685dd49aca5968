/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A session: one controller connection to the agent, which may hold one
 * data plane (xc_dp.h). Requests are accepted only after Hello; a request
 * that fails leaves the session usable and is answered with an Error, a
 * protocol violation closes the connection.
 */
#ifndef XC_SESSION_H
#define XC_SESSION_H

#include <uv.h>

#include "xc_wire.h"

struct xc_session;

/*
 * A new session on loop, linked into *list (the daemon's sessions). Its
 * connection has a plain TCP transport made by xc_conn_new: accept it with
 * xc_conn_accept(xc_session_conn(s), server). From then on the
 * connection's close unlinks and frees the session. NULL when out of
 * memory.
 */
struct xc_session *xc_session_new(uv_loop_t *loop, struct xc_session **list);
struct xc_conn *xc_session_conn(struct xc_session *s);

/* Release every session's data plane and close its connection. */
void xc_sessions_close(struct xc_session **list);

#endif /* XC_SESSION_H */
