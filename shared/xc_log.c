// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>
#include <time.h>

#include "xc_log.h"

static enum xc_log_level xc_level = XC_LOG_INFO;
static const char *xc_prefix = "xceiver";

void xc_log_set_level(enum xc_log_level level)
{
	xc_level = level;
}

enum xc_log_level xc_log_get_level(void)
{
	return xc_level;
}

void xc_log_set_prefix(const char *prefix)
{
	xc_prefix = prefix;
}

void xc_vlog(enum xc_log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "warn", "info", "debug" };

	if (level > xc_level)
		return;
	fprintf(stderr, "%s: %s: ", xc_prefix, names[level]);
	vfprintf(stderr, fmt, ap);
}

void xc_log(enum xc_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xc_vlog(level, fmt, ap);
	va_end(ap);
}
