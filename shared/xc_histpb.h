/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A latency histogram (xc_hist.h) as the control protocol carries it
 * (Histogram in proto/xceiver.proto): encoded by the receiving agent,
 * checked and decoded by the controller (a peer's encoding is untrusted).
 */
#ifndef XC_HISTPB_H
#define XC_HISTPB_H

#include <stddef.h>

#include "xc_hist.h"
#include "xceiver.pb-c.h"

/* A new message for h (free with xc_hist_pb_free); 0 or -ENOMEM. */
int xc_hist_pb(const struct xc_hist *h, Xceiver__V1__Histogram **out);
void xc_hist_pb_free(Xceiver__V1__Histogram *m);	/* NULL-tolerant */

/* h from m, every field checked; -EINVAL with err saying what is wrong. */
int xc_hist_from_pb(struct xc_hist *h, const Xceiver__V1__Histogram *m,
		    char *err, size_t errlen);

#endif /* XC_HISTPB_H */
