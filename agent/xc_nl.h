/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The agent's netlink requests (rtnetlink neighbours, the netdev generic
 * netlink family) through libmnl.
 */
#ifndef XC_NL_H
#define XC_NL_H

#include <libmnl/libmnl.h>

/*
 * Send nlh and run cb (may be NULL) over every reply until the kernel's
 * answer ends (the request must ask for an ack or a dump). 0 or -errno.
 */
int xc_nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void *data);

#endif /* XC_NL_H */
