// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libbpf's and libxdp's messages through xc_log. Its own file, so that only
 * the programs that call it (the agent, its tests, the bench reference)
 * link libbpf and libxdp; the controller does not.
 */
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "xc_log.h"

static int xc_libbpf_print(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	enum xc_log_level l = XC_LOG_DEBUG;

	if (level == LIBBPF_WARN)
		l = XC_LOG_WARN;
	else if (level == LIBBPF_INFO)
		l = XC_LOG_DEBUG;
	xc_vlog(l, fmt, ap);
	return 0;
}

static int xc_libxdp_print(enum libxdp_print_level level, const char *fmt,
			   va_list ap)
{
	enum xc_log_level l = XC_LOG_DEBUG;

	if (level == LIBXDP_WARN)
		l = XC_LOG_WARN;
	xc_vlog(l, fmt, ap);
	return 0;
}

void xc_log_route_libs(void)
{
	libbpf_set_print(xc_libbpf_print);
	libxdp_set_print(xc_libxdp_print);
}
