/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The command line that xceiver run and xceiver search share (main.c):
 * the spec from a file and flags, the control channel's security, and
 * the result files written at the end.
 */
#ifndef XC_CLI_H
#define XC_CLI_H

#include <jansson.h>

#include "xc_ctl.h"
#include "xceiver.pb-c.h"

struct xc_events;
struct xc_search_opts;
struct xc_tls_ctx;

/*
 * Build the spec: the file (the first non-option argument) first, then the
 * flags in order on top of it; the search's own flags into so (NULL: xceiver
 * run, which refuses them). Returns an exit code, the message printed.
 */
int xc_build_spec(int argc, char **argv, Xceiver__V1__TestSpec **out,
		  struct xc_ctl_opts *o, const char **name,
		  struct xc_search_opts *so);
void xc_spec_free(Xceiver__V1__TestSpec *s);

/* The control channel's security from the flags; an exit code. */
int xc_security(const struct xc_ctl_opts *o, struct xc_tls_ctx **tls);

/* --json's file, written whole; 0 or -EIO (printed, and an event). */
int xc_write_json(const char *path, json_t *root, struct xc_events *ev);

/* An output that failed after the verdict: exit 3, and the JSON says so. */
int xc_output_failed(json_t *root, struct xc_events *ev, const char *flag,
		     const char *err);

#endif /* XC_CLI_H */
