/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One logging function for the whole project. libbpf and libxdp messages are
 * routed into it too (xc_log_route_libs), so everything has one format.
 */
#ifndef XC_LOG_H
#define XC_LOG_H

#include <stdarg.h>

enum xc_log_level {
	XC_LOG_WARN = 0,
	XC_LOG_INFO = 1,
	XC_LOG_DEBUG = 2,
};

void xc_log_set_level(enum xc_log_level level);
void xc_log_set_prefix(const char *prefix);
enum xc_log_level xc_log_get_level(void);
void xc_log(enum xc_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xc_vlog(enum xc_log_level level, const char *fmt, va_list ap);
/*
 * Send libbpf's and libxdp's own messages through xc_log (xc_log_libs.c: a
 * program that calls it links libbpf and libxdp).
 */
void xc_log_route_libs(void);

#define pr_warn(fmt, ...) xc_log(XC_LOG_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) xc_log(XC_LOG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) xc_log(XC_LOG_DEBUG, fmt, ##__VA_ARGS__)

#endif /* XC_LOG_H */
