/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Controller internals: a run (connect, hello, interface info, prepare,
 * start, wait, drain, report, release) and the verdict over its reports.
 */
#ifndef XC_CTL_H
#define XC_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "xceiver.pb-c.h"

/* Exit codes, documented in README.md. */
enum {
	XC_EXIT_PASS = 0,
	XC_EXIT_FAIL = 1,	/* the verdict failed */
	XC_EXIT_USAGE = 2,	/* bad spec or usage */
	XC_EXIT_RUN = 3,	/* could not run */
};

struct xc_ctl_opts {
	const char *json_path;
	bool quiet;
	bool progress;		/* print progress lines on stderr */
};

/* What a finished run hands to the verdict. */
struct xc_run_result {
	uint64_t run_id;
	Xceiver__V1__IfInfo *tx_if;
	Xceiver__V1__IfInfo *rx_if;
	Xceiver__V1__XdpMode tx_mode;
	Xceiver__V1__XdpMode rx_mode;
	Xceiver__V1__Report *tx;
	Xceiver__V1__Report *rx;
};

/*
 * Run spec (already checked) to the end. Returns XC_EXIT_PASS when both
 * reports arrived (the verdict is not judged here) or XC_EXIT_RUN with a
 * message printed.
 */
int xc_run(Xceiver__V1__TestSpec *spec, const struct xc_ctl_opts *opts,
	   struct xc_run_result *res);
void xc_run_result_free(struct xc_run_result *res);

/* Judge, print the summary, write --json. Returns the exit code. */
int xc_verdict(const Xceiver__V1__TestSpec *spec,
	       const struct xc_run_result *res, const struct xc_ctl_opts *opts);

/* Deep copy of a protobuf-c message (pack + unpack); NULL on failure. */
ProtobufCMessage *xc_pb_dup(const ProtobufCMessage *m);

#endif /* XC_CTL_H */
