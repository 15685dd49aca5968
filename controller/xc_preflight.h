/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Preflight: before any frame is sent, what the agents said of their
 * interfaces (IfInfo) against what the spec will send, for what would make
 * frames vanish or change on the way. A finding that dooms the run
 * refuses it (the controller exits 3 with the reason); one that only puts
 * it at risk is a warning that the summary and the JSON report repeat.
 *
 *   refused: an interface down or without carrier; frames whose IP packet
 *            is larger than the sending or the receiving interface's MTU;
 *            an XDP mode the driver cannot do, as the kernel tells its XDP
 *            features (zero-copy, multi-buffer zero-copy, a receiver in
 *            native mode, auto that would end there)
 *   warning: a receiver that binds some of its interface's queues only
 *            (RSS may steer flows to queues without a socket); tagged
 *            streams in skb mode to an interface that takes tags out of
 *            received frames (they cannot be verified)
 */
#ifndef XC_PREFLIGHT_H
#define XC_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "xceiver.pb-c.h"

struct xc_finding {
	bool refuse;		/* the run cannot succeed */
	char *text;		/* what, where, and what to do */
};

struct xc_findings {
	struct xc_finding *f;
	size_t n;
	size_t refusals;
};

/*
 * Check spec against the two endpoints' interfaces (tx_if and rx_if, as
 * the agents reported them; spec->tx and spec->rx name the agents).
 * Appends to out (xc_findings_free() it); 0 or -ENOMEM.
 */
int xc_preflight(const Xceiver__V1__TestSpec *spec,
		 const Xceiver__V1__IfInfo *tx_if,
		 const Xceiver__V1__IfInfo *rx_if, struct xc_findings *out);
void xc_findings_free(struct xc_findings *fs);

#endif /* XC_PREFLIGHT_H */
