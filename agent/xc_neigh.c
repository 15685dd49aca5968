// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Neighbour lookup over rtnetlink with libmnl (see xc_neigh.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xc_log.h"
#include "xc_neigh.h"
#include "xc_nl.h"
#include "xc_util.h"

#define XC_NEIGH_POLL_MS	50
#define XC_NEIGH_USABLE		(NUD_REACHABLE | NUD_STALE | NUD_DELAY | \
				 NUD_PROBE | NUD_PERMANENT | NUD_NOARP)

struct xc_neigh_q {
	int family;
	int ifindex;
	uint8_t addr[16];
	size_t alen;
	uint8_t mac[6];
	bool found;
};

static int xc_neigh_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, NDA_MAX) > 0)
		tb[type] = a;
	return MNL_CB_OK;
}

/* One entry of the dump: ours when it is the gateway and usable. */
static int xc_neigh_entry(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NDA_MAX + 1] = { 0 };
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	struct xc_neigh_q *q = data;

	if (nd->ndm_family != q->family || nd->ndm_ifindex != q->ifindex ||
	    !(nd->ndm_state & XC_NEIGH_USABLE))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*nd), xc_neigh_attr, tb);
	if (!tb[NDA_DST] || !tb[NDA_LLADDR] ||
	    mnl_attr_get_payload_len(tb[NDA_DST]) != q->alen ||
	    mnl_attr_get_payload_len(tb[NDA_LLADDR]) != sizeof(q->mac) ||
	    memcmp(mnl_attr_get_payload(tb[NDA_DST]), q->addr, q->alen))
		return MNL_CB_OK;
	memcpy(q->mac, mnl_attr_get_payload(tb[NDA_LLADDR]), sizeof(q->mac));
	q->found = true;
	return MNL_CB_OK;
}

static struct nlmsghdr *xc_neigh_msg(char *buf, uint16_t type,
				     uint16_t flags, const struct xc_neigh_q *q,
				     uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = q->family;
	nd->ndm_ifindex = q->ifindex;
	return nlh;
}

static int xc_neigh_lookup(struct mnl_socket *nl, struct xc_neigh_q *q,
			   uint32_t seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return xc_nl_talk(nl, xc_neigh_msg(buf, RTM_GETNEIGH, NLM_F_DUMP,
					      q, seq),
			     xc_neigh_entry, q);
}

/* Have the kernel resolve the address (ARP / neighbour solicitation). */
static int xc_neigh_probe(struct mnl_socket *nl, const struct xc_neigh_q *q,
			  uint32_t seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *nd;

	nlh = xc_neigh_msg(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_ACK, q,
			   seq);
	nd = mnl_nlmsg_get_payload(nlh);
	nd->ndm_state = NUD_NONE;
	nd->ndm_flags = NTF_USE;
	mnl_attr_put(nlh, NDA_DST, q->alen, q->addr);
	return xc_nl_talk(nl, nlh, NULL, NULL);
}

static void xc_neigh_nap(void)
{
	struct timespec ts = { 0, XC_NEIGH_POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

static int xc_neigh_query(struct xc_neigh_q *q, int ifindex,
			  const char *gateway)
{
	memset(q, 0, sizeof(*q));
	q->ifindex = ifindex;
	if (inet_pton(AF_INET, gateway, q->addr) == 1) {
		q->family = AF_INET;
		q->alen = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, gateway, q->addr) == 1) {
		q->family = AF_INET6;
		q->alen = 16;
		return 0;
	}
	return -EINVAL;
}

static int xc_neigh_wait(struct mnl_socket *nl, struct xc_neigh_q *q,
			 unsigned int timeout_ms, int *probe_err)
{
	uint64_t end = xc_mono_ns() + timeout_ms * 1000000ull;
	uint32_t seq = (uint32_t)time(NULL);
	int ret;

	*probe_err = 0;
	for (;;) {
		ret = xc_neigh_lookup(nl, q, seq++);
		if (ret || q->found)
			return ret;
		if (xc_mono_ns() > end)
			return -EHOSTUNREACH;
		ret = xc_neigh_probe(nl, q, seq++);
		if (ret)
			*probe_err = ret;
		xc_neigh_nap();
	}
}

int xc_neigh_resolve(int ifindex, const char *ifname, const char *gateway,
		     uint8_t mac[6], unsigned int timeout_ms, char *err,
		     size_t errlen)
{
	struct mnl_socket *nl;
	struct xc_neigh_q q;
	int ret, perr = 0;

	if (xc_neigh_query(&q, ifindex, gateway))
		return xc_errf(err, errlen, EINVAL,
			       "gateway: '%s' is not an IPv4 or IPv6 address",
			       gateway);
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return xc_errf(err, errlen, errno,
			       "cannot open rtnetlink: %s", strerror(errno));
	ret = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) ? -errno : 0;
	if (!ret)
		ret = xc_neigh_wait(nl, &q, timeout_ms, &perr);
	mnl_socket_close(nl);
	if (ret == -EHOSTUNREACH)
		return xc_errf(err, errlen, -ret,
			       "gateway %s: no answer on %s within %u ms%s%s",
			       gateway, ifname, timeout_ms,
			       perr ? ", resolving failed: " : "",
					       perr ? strerror(-perr) : "");
	if (ret)
		return xc_errf(err, errlen, -ret,
			       "gateway %s: cannot read the neighbour table of %s: %s",
			       gateway, ifname, strerror(-ret));
	memcpy(mac, q.mac, sizeof(q.mac));
	pr_info("%s: gateway %s is %02x:%02x:%02x:%02x:%02x:%02x\n", ifname,
		gateway, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return 0;
}
