// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * XDP features over generic netlink with libmnl (see xc_xdpfeat.h): the
 * netdev family's id from the controller (CTRL_CMD_GETFAMILY), then
 * NETDEV_CMD_DEV_GET for the interface.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "xc_compat.h"
#include "xc_log.h"
#include "xc_nl.h"
#include "xc_xdpfeat.h"

struct xc_xf_q {
	uint16_t family;	/* CTRL_ATTR_FAMILY_ID, 0 until known */
	bool known;		/* the device reply carried XDP_FEATURES */
	uint64_t features;	/* XC_NETDEV_XDP_ACT_* */
	uint32_t zc_max_segs;
};

static struct nlmsghdr *xc_xf_msg(char *buf, uint16_t type, uint8_t cmd,
				  uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

static int xc_xf_family_attr(const struct nlattr *a, void *data)
{
	struct xc_xf_q *q = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    !mnl_attr_validate(a, MNL_TYPE_U16))
		q->family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int xc_xf_family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), xc_xf_family_attr,
		       data);
	return MNL_CB_OK;
}

static int xc_xf_dev_attr(const struct nlattr *a, void *data)
{
	struct xc_xf_q *q = data;

	switch (mnl_attr_get_type(a)) {
	case XC_NETDEV_A_DEV_XDP_FEATURES:
		if (!mnl_attr_validate(a, MNL_TYPE_U64)) {
			q->features = mnl_attr_get_u64(a);
			q->known = true;
		}
		break;
	case XC_NETDEV_A_DEV_XDP_ZC_MAX_SEGS:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			q->zc_max_segs = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int xc_xf_dev_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), xc_xf_dev_attr, data);
	return MNL_CB_OK;
}

static int xc_xf_query(struct mnl_socket *nl, int ifindex,
		       struct xc_xf_q *q)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = (uint32_t)time(NULL);
	struct nlmsghdr *nlh;
	int ret;

	nlh = xc_xf_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, XC_NETDEV_FAMILY_NAME);
	ret = xc_nl_talk(nl, nlh, xc_xf_family_cb, q);
	if (ret)
		return ret;
	if (!q->family)
		return -ENOENT;
	nlh = xc_xf_msg(buf, q->family, XC_NETDEV_CMD_DEV_GET, seq + 1);
	mnl_attr_put_u32(nlh, XC_NETDEV_A_DEV_IFINDEX, ifindex);
	return xc_nl_talk(nl, nlh, xc_xf_dev_cb, q);
}

static void xc_xf_fill(const struct xc_xf_q *q, Xceiver__V1__IfInfo *info)
{
	info->xdp_features_known = q->known;
	if (!q->known)
		return;
	info->xdp_native = !!(q->features & XC_NETDEV_XDP_ACT_BASIC);
	info->xdp_redirect = !!(q->features & XC_NETDEV_XDP_ACT_REDIRECT);
	info->xdp_zerocopy = !!(q->features & XC_NETDEV_XDP_ACT_XSK_ZEROCOPY);
	info->xdp_rx_sg = !!(q->features & XC_NETDEV_XDP_ACT_RX_SG);
	info->xdp_zc_max_segs = q->zc_max_segs;
}

int xc_xdpfeat_get(const char *ifname, int ifindex,
		   Xceiver__V1__IfInfo *info)
{
	struct xc_xf_q q = { 0 };
	struct mnl_socket *nl;
	int ret;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		return errno == ENOMEM ? -ENOMEM : 0;
	ret = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) ? -errno : 0;
	if (!ret)
		ret = xc_xf_query(nl, ifindex, &q);
	mnl_socket_close(nl);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		pr_debug("%s: the kernel does not tell its XDP features: %s\n",
			 ifname, strerror(-ret));
		return 0;
	}
	xc_xf_fill(&q, info);
	return 0;
}
