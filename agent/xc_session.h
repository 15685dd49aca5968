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
 * connection's close unlinks and frees the session (once a Prepare it
 * started has completed). NULL when out of memory.
 */
struct xc_session *xc_session_new(uv_loop_t *loop, struct xc_session **list);
struct xc_conn *xc_session_conn(struct xc_session *s);

/* Release every session's data plane and close its connection. */
void xc_sessions_close(struct xc_session **list);

/* The limits of every session made from now on (none by default). */
void xc_session_set_limits(const struct xc_conn_limits *l);
/*
 * Sessions that hold resources: an open connection, or a Prepare still
 * running for a connection that closed.
 */
unsigned int xc_sessions_count(struct xc_session *const *list);
/* The oldest open session that has not completed Hello, or NULL. */
struct xc_session *xc_sessions_oldest_unready(struct xc_session *const *list);

#endif /* XC_SESSION_H */
