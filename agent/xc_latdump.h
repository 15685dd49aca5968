/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * xceiver-agent --latency-dump FILE, a debug option: the receiving data
 * plane writes one line "STREAM SEQ LATENCY_NS" (decimal) to FILE for
 * every frame its validator timed (xc_rxv_set_dump: every frame delivered
 * intact, in the order the validator took them, a negative latency too),
 * so that the reported histograms can be checked against the exact
 * values. Each run's Prepare truncates FILE; it is complete once the run's
 * report is made. One receiving data plane writes it at a time: another
 * one prepared meanwhile (an agent serving two runs at once) writes
 * nothing and says so. Off (the default) the validator pays one untaken
 * branch per delivered frame.
 */
#ifndef XC_LATDUMP_H
#define XC_LATDUMP_H

#include <stddef.h>

#include "xc_validate.h"

/* Called once by main: check that path can be written, and keep it. */
int xc_latdump_set_path(const char *path, char *err, size_t errlen);

/* After v's init: truncate the file and dump v's frames into it. */
int xc_latdump_start(struct xc_rxv *v, char *err, size_t errlen);

/*
 * After v's last frame (its workers stopped): flush and close the file if
 * v writes it; warns when a write failed. NULL-tolerant, idempotent.
 */
void xc_latdump_stop(struct xc_rxv *v);

#endif /* XC_LATDUMP_H */
