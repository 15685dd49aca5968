// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "xc_unit.h"

int xc_t_loop(uv_loop_t *loop, uv_timer_t *guard, uv_timer_cb expired,
	      uint64_t ms)
{
	int err = uv_loop_init(loop);

	if (err)
		return err;
	uv_timer_init(loop, guard);
	uv_unref((uv_handle_t *)guard);
	return uv_timer_start(guard, expired, ms, 0);
}

int xc_t_listen(uv_loop_t *loop, uv_tcp_t *server, int backlog,
		uv_connection_cb cb, char *addr, size_t addrlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	int err;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	err = uv_tcp_init(loop, server);
	if (err)
		return err;
	err = uv_tcp_bind(server, (struct sockaddr *)&sin, 0) ?:
	      uv_listen((uv_stream_t *)server, backlog, cb) ?:
	      uv_tcp_getsockname(server, (struct sockaddr *)&ss, &len);
	if (err)
		return err;
	snprintf(addr, addrlen, "127.0.0.1:%u",
		 ntohs(((struct sockaddr_in *)&ss)->sin_port));
	return 0;
}

int xc_t_keep_svg(const char *name, const char *svg, size_t len)
{
	const char *dir = getenv("XC_PLOT_OUT");
	char path[512];
	FILE *f;

	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/%s.svg", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fwrite(svg, 1, len, f) != len) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

void xc_t_has(const char *text, const char *s)
{
	if (!strstr(text, s))
		fail_msg("the text lacks \"%s\"", s);
}

void xc_t_lacks(const char *text, const char *s)
{
	if (strstr(text, s))
		fail_msg("the text has \"%s\"", s);
}
