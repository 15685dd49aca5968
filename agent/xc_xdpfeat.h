/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The XDP features a driver declares (native XDP, redirect, zero-copy
 * AF_XDP, multi-buffer), read from the kernel's netdev generic netlink
 * family in the caller's network namespace, for IfInfo and the preflight.
 */
#ifndef XC_XDPFEAT_H
#define XC_XDPFEAT_H

#include "xceiver.pb-c.h"

/*
 * Fill info's xdp_* fields for ifname (ifindex). A kernel without the netdev
 * family (before 6.3) or one that does not answer leaves
 * xdp_features_known false: that is no error. Returns 0 or -ENOMEM.
 */
int xc_xdpfeat_get(const char *ifname, int ifindex,
		   Xceiver__V1__IfInfo *info);

#endif /* XC_XDPFEAT_H */
