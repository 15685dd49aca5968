// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One netlink request and its replies (see xc_nl.h).
 */
#include <errno.h>

#include "xc_nl.h"

int xc_nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int port = mnl_socket_get_portid(nl);
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, seq, port, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}
