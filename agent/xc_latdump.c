// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The per-frame latency dump (xc_latdump.h). The file is written through
 * a large stdio buffer by the Rx workers of the data plane that owns it,
 * under the validator's lock (agent/xc_rx.c); the event loop opens and
 * closes it while no worker runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xc_latdump.h"
#include "xc_log.h"
#include "xc_util.h"

#define XC_LATDUMP_BUF	(1u << 20)	/* stdio buffer, bytes */

static const char *xc_latdump_path;
static const struct xc_rxv *xc_latdump_owner;
static FILE *xc_latdump_file;
static char *xc_latdump_buf;

int xc_latdump_set_path(const char *path, char *err, size_t errlen)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return xc_errf(err, errlen, errno, "--latency-dump %s: %s",
			       path, strerror(errno));
	close(fd);
	xc_latdump_path = path;
	return 0;
}

static void xc_latdump_line(void *ctx, uint32_t stream_id, uint64_t seq,
			    int64_t lat_ns)
{
	fprintf(ctx, "%" PRIu32 " %" PRIu64 " %" PRId64 "\n", stream_id, seq,
		lat_ns);
}

int xc_latdump_start(struct xc_rxv *v, char *err, size_t errlen)
{
	if (!xc_latdump_path)
		return 0;
	if (xc_latdump_owner) {
		pr_warn("--latency-dump %s: another run writes it; this one is not dumped\n",
			xc_latdump_path);
		return 0;
	}
	xc_latdump_buf = malloc(XC_LATDUMP_BUF);
	xc_latdump_file = fopen(xc_latdump_path, "we");
	if (!xc_latdump_buf || !xc_latdump_file) {
		int e = xc_latdump_buf ? errno : ENOMEM;

		if (xc_latdump_file)
			fclose(xc_latdump_file);
		free(xc_latdump_buf);
		xc_latdump_file = NULL;
		xc_latdump_buf = NULL;
		return xc_errf(err, errlen, e, "--latency-dump %s: %s",
			       xc_latdump_path, strerror(e));
	}
	setvbuf(xc_latdump_file, xc_latdump_buf, _IOFBF, XC_LATDUMP_BUF);
	xc_latdump_owner = v;
	xc_rxv_set_dump(v, xc_latdump_line, xc_latdump_file);
	pr_info("--latency-dump %s: one line per timed frame of this run\n",
		xc_latdump_path);
	return 0;
}

void xc_latdump_stop(struct xc_rxv *v)
{
	bool bad;

	if (!v || v != xc_latdump_owner)
		return;
	xc_rxv_set_dump(v, NULL, NULL);
	bad = ferror(xc_latdump_file);
	if (fclose(xc_latdump_file) || bad)
		pr_warn("--latency-dump %s: writing failed, the dump is incomplete\n",
			xc_latdump_path);
	free(xc_latdump_buf);
	xc_latdump_file = NULL;
	xc_latdump_buf = NULL;
	xc_latdump_owner = NULL;
}
