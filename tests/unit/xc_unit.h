/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Helpers of more than one unit test. */
#ifndef XC_UNIT_H
#define XC_UNIT_H

#include <stddef.h>
#include <uv.h>

/*
 * A fresh loop with a guard: the timer guard, which does not keep the
 * loop alive, calls expired after ms. 0 or a negative errno.
 */
int xc_t_loop(uv_loop_t *loop, uv_timer_t *guard, uv_timer_cb expired,
	      uint64_t ms);

/*
 * A server on 127.0.0.1 at a port the kernel picks, calling cb for each
 * connection (backlog as uv_listen's); its "ADDR:PORT" in addr. 0 or a
 * negative errno.
 */
int xc_t_listen(uv_loop_t *loop, uv_tcp_t *server, int backlog,
		uv_connection_cb cb, char *addr, size_t addrlen);

/*
 * With XC_PLOT_OUT=DIR in the environment, the picture svg (len bytes) as
 * DIR/NAME.svg, to look at; nothing without. 0 or a negative errno.
 */
int xc_t_keep_svg(const char *name, const char *svg, size_t len);

/* Fail the test unless text has s / when it has s. */
void xc_t_has(const char *text, const char *s);
void xc_t_lacks(const char *text, const char *s);

#endif /* XC_UNIT_H */
