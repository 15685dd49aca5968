// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The host's counters for a timeline (see xc_hostctr.h). Everything that
 * a read needs is set up by xc_hostctr_open: the rtnetlink socket and its
 * request, the ioctl socket and the ethtool buffer, the softnet file and
 * its buffer. A read allocates nothing.
 *
 * Measured on Linux 6.18 (a veth pair, a UDP flood):
 * - A frame the receiver's backlog refuses (netdev_max_backlog, here with
 *   RPS) is counted three times: the sender veth's tx_dropped (veth_xmit
 *   saw netif_rx fail), the receiver's rx_dropped and the CPU's softnet
 *   dropped column (both by the backlog itself).
 * - With an XDP program (drv mode) on the receiver, a frame its ring
 *   refuses is counted in the sender's tx_dropped only (the receiver's
 *   rx_dropped, rx_queue_N_drops and softnet do not move).
 * - XDP_DROP of the receiver's program moves rx_packets and ethtool's
 *   rx_queue_N_xdp_drops, not rx_dropped.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xc_hostctr.h"
#include "xc_limits.h"
#include "xc_util.h"
#include "xceiver.pb-c.h"

#define XC_HC_LAYER(x)		XCEIVER__V1__LAYER__LAYER_##x
#define XC_HC_SRC(x)		XCEIVER__V1__COUNTER_SOURCE__SOURCE_##x
#define XC_HC_NL_BUF		(32u << 10)
#define XC_HC_MAX_UNREAD	3
#define XC_HC_SOFTNET		"/proc/net/softnet_stat"
#define XC_HC_SOFTNET_LINE	192	/* bytes a CPU's line may take */

enum xc_hc_kind { XC_HC_LINK, XC_HC_ETHTOOL, XC_HC_SOFTNET_COL };

/* The interface's stats64 counters, the side that counts them. */
struct xc_hc_link_def {
	const char *name;
	size_t off;		/* in struct rtnl_link_stats64 */
	bool rx;		/* the receiving side's, else the sender's */
	int layer;
	bool loss;
};

#define XC_HC_L(f, rx, layer, loss) \
	{ #f, offsetof(struct rtnl_link_stats64, f), rx, XC_HC_LAYER(layer), \
	  loss }

/*
 * rx_errors includes the length, CRC and frame errors (if_link.h): it is
 * the sum, they are the loss. rx_fifo_errors counts FIFO events that the
 * kernel's documentation says drivers used interchangeably with
 * rx_over_errors and that need not be one per frame: it only explains.
 * tx_errors includes the aborted, carrier and FIFO errors. rx_nohandler
 * frames reached the stack (no protocol took them): not lost to us.
 */
static const struct xc_hc_link_def xc_hc_links[] = {
	XC_HC_L(rx_packets, true, NONE, false),
	XC_HC_L(rx_dropped, true, RX_HOST, true),
	XC_HC_L(rx_missed_errors, true, RX_HOST, true),
	XC_HC_L(rx_over_errors, true, RX_HOST, true),
	XC_HC_L(rx_crc_errors, true, RX_HOST, true),
	XC_HC_L(rx_frame_errors, true, RX_HOST, true),
	XC_HC_L(rx_length_errors, true, RX_HOST, true),
	XC_HC_L(rx_fifo_errors, true, RX_HOST, false),
	XC_HC_L(rx_errors, true, RX_HOST, false),
	XC_HC_L(rx_nohandler, true, NONE, false),
	XC_HC_L(tx_packets, false, NONE, false),
	XC_HC_L(tx_dropped, false, TX, true),
	XC_HC_L(tx_fifo_errors, false, TX, true),
	XC_HC_L(tx_carrier_errors, false, TX, true),
	XC_HC_L(tx_aborted_errors, false, TX, true),
	XC_HC_L(tx_errors, false, TX, false),
};

/* Driver counter names that speak of lost frames (case-insensitive). */
static const char *const xc_hc_words[] = {
	"drop", "miss", "err", "fifo", "no_buf", "nobuf", "discard", "full",
	"overrun", "overflow", "busy", "alloc_fail",
};

#define XC_HC_NLINK		XC_ARRAY_SIZE(xc_hc_links)
#define XC_HC_MAX		(XC_HC_NLINK + XC_TL_MAX_ETHTOOL + 2)

struct xc_hc_slot {
	enum xc_hc_kind kind;
	uint32_t idx;		/* stats64 offset, ethtool index, column */
};

struct xc_hostctr {
	char ifname[IF_NAMESIZE];
	int ifindex;
	bool rx, tx, veth;
	char driver[sizeof(((struct ethtool_drvinfo *)0)->driver) + 1];
	struct xc_hc_counter ctr[XC_HC_MAX];
	struct xc_hc_slot slot[XC_HC_MAX];
	uint64_t last[XC_HC_MAX];
	uint32_t n;
	uint32_t left_out;
	char unread[XC_HC_MAX_UNREAD][160];
	uint32_t nunread;
	uint64_t read_errors;
	/* link: rtnetlink */
	struct mnl_socket *nl;
	uint32_t portid, seq;
	char *nlbuf;
	size_t stats_len;	/* of the kernel's IFLA_STATS64 */
	struct rtnl_link_stats64 st;
	/* ethtool */
	int ethfd;
	struct ethtool_stats *gs;
	uint32_t n_stats;
	/* softnet */
	int snfd;
	char *snbuf;
	size_t snsize;
	uint64_t sn[2];		/* dropped, time_squeeze */
};

static void xc_hc_unread(struct xc_hostctr *h, const char *what, int err)
{
	if (h->nunread >= XC_HC_MAX_UNREAD)
		return;
	snprintf(h->unread[h->nunread++], sizeof(h->unread[0]), "%s: %s",
		 what, strerror(err));
}

static void xc_hc_add(struct xc_hostctr *h, const char *name, int source,
		      int layer, bool loss, enum xc_hc_kind kind,
		      uint32_t idx)
{
	struct xc_hc_counter *c = &h->ctr[h->n];

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->source = source;
	c->layer = layer;
	c->loss = loss;
	c->peer = false;
	h->slot[h->n].kind = kind;
	h->slot[h->n].idx = idx;
	h->n++;
}

/* ------------------------------------------------------------ link */

static int xc_hc_link_attr(const struct nlattr *a, void *data)
{
	struct xc_hostctr *h = data;
	size_t len;

	if (mnl_attr_get_type(a) != IFLA_STATS64)
		return MNL_CB_OK;
	len = mnl_attr_get_payload_len(a);
	if (len > sizeof(h->st))
		len = sizeof(h->st);
	memset(&h->st, 0, sizeof(h->st));
	memcpy(&h->st, mnl_attr_get_payload(a), len);
	h->stats_len = len;
	return MNL_CB_STOP;
}

static int xc_hc_link_msg(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), xc_hc_link_attr, data);
	return MNL_CB_OK;
}

/* One RTM_GETLINK of the interface into h->st; 0 or a negative errno. */
static int xc_hc_link_get(struct xc_hostctr *h)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->nlbuf);
	struct ifinfomsg *ifi;
	ssize_t n;
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++h->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = h->ifindex;
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	h->stats_len = 0;
	n = mnl_socket_recvfrom(h->nl, h->nlbuf, XC_HC_NL_BUF);
	if (n < 0)
		return -errno;
	ret = mnl_cb_run(h->nlbuf, n, h->seq, h->portid, xc_hc_link_msg, h);
	if (ret < 0)
		return -errno;
	return h->stats_len ? 0 : -ENODATA;
}

static int xc_hc_link_open(struct xc_hostctr *h)
{
	h->nlbuf = malloc(XC_HC_NL_BUF);
	if (!h->nlbuf)
		return -ENOMEM;
	h->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!h->nl)
		return -errno;
	if (mnl_socket_bind(h->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	h->portid = mnl_socket_get_portid(h->nl);
	h->seq = (uint32_t)time(NULL);
	return xc_hc_link_get(h);
}

/*
 * veth's tx_dropped counts frames its peer refused: the peer's backlog
 * (which the peer counts too, as rx_dropped) or the ring of a peer in NAPI
 * mode (XDP in drv mode, GRO or threaded NAPI; which the peer counts
 * nowhere). Either way the frame died in the receiving host before XDP:
 * a loss of that layer that the sending host counts (peer). Forensics
 * takes the larger of the two hosts' counts of such a layer, not their
 * sum.
 */
static bool xc_hc_veth_tx_dropped(const struct xc_hostctr *h,
				  const struct xc_hc_link_def *d)
{
	return h->veth && d->off == offsetof(struct rtnl_link_stats64,
					     tx_dropped);
}

static void xc_hc_link_choose(struct xc_hostctr *h)
{
	const struct xc_hc_link_def *d;
	size_t i;

	for (i = 0; i < XC_HC_NLINK; i++) {
		d = &xc_hc_links[i];
		if ((d->rx ? !h->rx : !h->tx) ||
		    d->off + sizeof(uint64_t) > h->stats_len)
			continue;
		xc_hc_add(h, d->name, XC_HC_SRC(LINK), d->layer, d->loss,
			  XC_HC_LINK, d->off);
		if (xc_hc_veth_tx_dropped(h, d)) {
			h->ctr[h->n - 1].layer = XC_HC_LAYER(RX_HOST);
			h->ctr[h->n - 1].peer = true;
		}
	}
}

static bool xc_hc_is_link_name(const char *name)
{
	size_t i;

	for (i = 0; i < XC_HC_NLINK; i++)
		if (!strcmp(name, xc_hc_links[i].name))
			return true;
	return false;
}

/* ------------------------------------------------------------ ethtool */

static int xc_hc_ethtool(struct xc_hostctr *h, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, h->ifname, sizeof(h->ifname));
	ifr.ifr_data = cmd;
	return ioctl(h->ethfd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

static int xc_hc_ethtool_nstats(struct xc_hostctr *h, uint32_t *n)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t buf[1];
	} ss = { .hdr.cmd = ETHTOOL_GSSET_INFO,
		 .hdr.sset_mask = 1ull << ETH_SS_STATS };
	int ret = xc_hc_ethtool(h, &ss);

	if (ret)
		return ret;
	*n = (ss.hdr.sset_mask & (1ull << ETH_SS_STATS)) ? ss.buf[0] : 0;
	return *n ? 0 : -EOPNOTSUPP;
}

static bool xc_hc_ci_has(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (!strncasecmp(s, word, n))
			return true;
	return false;
}

static bool xc_hc_wanted(const char *name)
{
	size_t i;

	for (i = 0; i < XC_ARRAY_SIZE(xc_hc_words); i++)
		if (xc_hc_ci_has(name, xc_hc_words[i]))
			return true;
	return false;
}

/* Where word first starts a word of name (case-insensitive), or -1. */
static long xc_hc_word_at(const char *name, const char *word)
{
	size_t n = strlen(word);
	const char *s;

	for (s = name; *s; s++)
		if ((s == name || !isalpha((unsigned char)s[-1])) &&
		    !strncasecmp(s, word, n))
			return s - name;
	return -1;
}

/*
 * The layer of a driver counter from its name: the first of rx, xdp, rq
 * (receive queue), tx and sq (send queue) to start a word of it decides
 * (rx_queue_0_xdp_tx_errors receives, tx_queue_0_xdp_xmit_errors sends);
 * none: it only explains. -1: a side this host does not play.
 */
static int xc_hc_ethtool_layer(const struct xc_hostctr *h, const char *name)
{
	static const char *const words[] = { "rx", "xdp", "rq", "tx", "sq" };
	long at, first = -1;
	size_t i, which = 0;

	for (i = 0; i < XC_ARRAY_SIZE(words); i++) {
		at = xc_hc_word_at(name, words[i]);
		if (at >= 0 && (first < 0 || at < first)) {
			first = at;
			which = i;
		}
	}
	if (first < 0)
		return XC_HC_LAYER(NONE);
	if (which < 3)
		return h->rx ? XC_HC_LAYER(RX_HOST) : -1;
	return h->tx ? XC_HC_LAYER(TX) : -1;
}

/*
 * Whether a driver counter is loss of its layer. A name that stats64 has
 * too is the same count told twice. veth's ethtool counters are all in
 * its stats64 already (rx_queue_N_drops and the XDP_TX and ndo_xdp_xmit
 * errors are summed into rx_dropped and tx_dropped), except
 * rx_queue_N_xdp_drops: frames our own XDP program dropped on purpose,
 * which its own counters attribute. So none of veth's is loss.
 */
static bool xc_hc_ethtool_loss(const struct xc_hostctr *h, const char *name,
			       int layer)
{
	return layer != XC_HC_LAYER(NONE) && !h->veth &&
	       !xc_hc_is_link_name(name);
}

static void xc_hc_ethtool_choose(struct xc_hostctr *h, const char *names)
{
	const char *name;
	uint32_t i, kept = 0;
	int layer;

	for (i = 0; i < h->n_stats; i++) {
		name = names + (size_t)i * ETH_GSTRING_LEN;
		layer = xc_hc_ethtool_layer(h, name);
		if (!xc_hc_wanted(name) || layer < 0)
			continue;
		if (kept == XC_TL_MAX_ETHTOOL) {
			h->left_out++;
			continue;
		}
		xc_hc_add(h, name, XC_HC_SRC(ETHTOOL), layer,
			  xc_hc_ethtool_loss(h, name, layer), XC_HC_ETHTOOL,
			  i);
		kept++;
	}
}

static int xc_hc_ethtool_names(struct xc_hostctr *h)
{
	struct ethtool_gstrings *gs;
	uint32_t i;
	int ret;

	gs = calloc(1, sizeof(*gs) + (size_t)h->n_stats * ETH_GSTRING_LEN);
	if (!gs)
		return -ENOMEM;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = h->n_stats;
	ret = xc_hc_ethtool(h, gs);
	if (!ret && gs->len != h->n_stats)
		ret = -EAGAIN;
	if (!ret) {
		/* names are not always NUL-terminated at ETH_GSTRING_LEN */
		for (i = 0; i < h->n_stats; i++)
			gs->data[(i + 1) * ETH_GSTRING_LEN - 1] = '\0';
		xc_hc_ethtool_choose(h, (const char *)gs->data);
	}
	free(gs);
	return ret;
}

/*
 * The values into h->gs. The kernel writes as many values as the driver
 * has now; the buffer holds twice what it had at open, and a count that
 * changed is a failed read (the names no longer match the indexes).
 */
static int xc_hc_ethtool_get(struct xc_hostctr *h)
{
	int ret;

	h->gs->cmd = ETHTOOL_GSTATS;
	h->gs->n_stats = h->n_stats;
	ret = xc_hc_ethtool(h, h->gs);
	if (!ret && h->gs->n_stats != h->n_stats)
		ret = -ESTALE;
	return ret;
}

static int xc_hc_ethtool_drv(struct xc_hostctr *h)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	int ret = xc_hc_ethtool(h, &di);

	if (ret)
		return ret;
	snprintf(h->driver, sizeof(h->driver), "%.*s",
		 (int)sizeof(di.driver), di.driver);
	h->veth = !strcmp(h->driver, "veth");
	return 0;
}

static int xc_hc_ethtool_open(struct xc_hostctr *h)
{
	int ret;

	ret = xc_hc_ethtool_nstats(h, &h->n_stats);
	if (ret)
		return ret;
	h->gs = calloc(1, sizeof(*h->gs) +
			  2 * (size_t)h->n_stats * sizeof(uint64_t));
	if (!h->gs)
		return -ENOMEM;
	ret = xc_hc_ethtool_names(h);
	return ret ? ret : xc_hc_ethtool_get(h);
}

/* ------------------------------------------------------------ softnet */

static uint64_t xc_hc_hex(const char **p)
{
	const char *s = *p;
	uint64_t v = 0;
	int d;

	while (*s == ' ')
		s++;
	while ((d = xc_hex_digit(*s)) >= 0) {
		v = v << 4 | (uint64_t)d;
		s++;
	}
	*p = s;
	return v;
}

/* Columns 2 (dropped) and 3 (time_squeeze) summed over the CPUs' lines. */
static void xc_hc_softnet_sum(struct xc_hostctr *h, size_t len)
{
	const char *p = h->snbuf, *end = h->snbuf + len;

	h->sn[0] = h->sn[1] = 0;
	while (p < end) {
		xc_hc_hex(&p);
		h->sn[0] += xc_hc_hex(&p);
		h->sn[1] += xc_hc_hex(&p);
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			break;
		p++;
	}
}

static int xc_hc_softnet_get(struct xc_hostctr *h)
{
	size_t len = 0;
	ssize_t n;

	if (lseek(h->snfd, 0, SEEK_SET) < 0)
		return -errno;
	do {
		n = read(h->snfd, h->snbuf + len, h->snsize - 1 - len);
		if (n < 0)
			return -errno;
		len += (size_t)n;
	} while (n > 0 && len < h->snsize - 1);
	if (len == h->snsize - 1)
		return -EFBIG;
	h->snbuf[len] = '\0';
	xc_hc_softnet_sum(h, len);
	return 0;
}

static int xc_hc_softnet_open(struct xc_hostctr *h)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	int ret;

	h->snsize = (size_t)(cpus > 0 ? cpus : 1) * XC_HC_SOFTNET_LINE + 1;
	h->snbuf = malloc(h->snsize);
	if (!h->snbuf)
		return -ENOMEM;
	h->snfd = open(XC_HC_SOFTNET, O_RDONLY | O_CLOEXEC);
	if (h->snfd < 0)
		return -errno;
	ret = xc_hc_softnet_get(h);
	if (ret)
		return ret;
	/*
	 * A backlog drop is also the device's rx_dropped (measured, see the
	 * top), and softnet counts every device of the host: it explains.
	 */
	xc_hc_add(h, "softnet_dropped", XC_HC_SRC(SOFTNET),
		  XC_HC_LAYER(RX_HOST), false, XC_HC_SOFTNET_COL, 0);
	xc_hc_add(h, "softnet_time_squeeze", XC_HC_SRC(SOFTNET),
		  XC_HC_LAYER(NONE), false, XC_HC_SOFTNET_COL, 1);
	return 0;
}

/* ------------------------------------------------------------ API */

/* The sources' last good values into h->last, source by source. */
static void xc_hc_collect(struct xc_hostctr *h, bool link, bool eth,
			  bool sn)
{
	const struct xc_hc_slot *s;
	uint32_t i;

	for (i = 0; i < h->n; i++) {
		s = &h->slot[i];
		if (s->kind == XC_HC_LINK && link)
			memcpy(&h->last[i], (const char *)&h->st + s->idx,
			       sizeof(uint64_t));
		else if (s->kind == XC_HC_ETHTOOL && eth)
			h->last[i] = h->gs->data[s->idx];
		else if (s->kind == XC_HC_SOFTNET_COL && sn)
			h->last[i] = h->sn[s->idx];
	}
}

static void xc_hc_sources(struct xc_hostctr *h)
{
	int ret;

	ret = xc_hc_ethtool_drv(h);
	if (ret)
		xc_hc_unread(h, "ethtool driver info", -ret);
	ret = xc_hc_link_open(h);
	if (ret)
		xc_hc_unread(h, "link stats64", -ret);
	else
		xc_hc_link_choose(h);
	ret = xc_hc_ethtool_open(h);
	if (ret) {
		xc_hc_unread(h, "ethtool statistics", -ret);
		h->n_stats = 0;
	}
	if (h->rx) {
		ret = xc_hc_softnet_open(h);
		if (ret)
			xc_hc_unread(h, XC_HC_SOFTNET, -ret);
	}
	xc_hc_collect(h, true, h->n_stats, true);
}

int xc_hostctr_open(struct xc_hostctr **out, const char *ifname,
		    bool rx, bool tx, char *err, size_t errlen)
{
	struct xc_hostctr *h;

	if (!rx && !tx)
		return xc_errf(err, errlen, EINVAL,
			       "host counters of %s: neither Rx nor Tx", ifname);
	if (strlen(ifname) >= IF_NAMESIZE)
		return xc_errf(err, errlen, EINVAL,
			       "interface '%s': name longer than %d characters",
			       ifname, IF_NAMESIZE - 1);
	h = calloc(1, sizeof(*h));
	if (!h)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	h->ethfd = h->snfd = -1;
	snprintf(h->ifname, sizeof(h->ifname), "%s", ifname);
	h->ifindex = (int)if_nametoindex(ifname);
	if (!h->ifindex) {
		xc_hostctr_close(h);
		return xc_errf(err, errlen, ENODEV,
			       "interface %s: no such interface", ifname);
	}
	h->rx = rx;
	h->tx = tx;
	h->ethfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	xc_hc_sources(h);
	if (!h->n) {
		xc_errf(err, errlen, EIO, "interface %s: no counter readable%s%s",
			ifname, h->nunread ? ": " : "",
			h->nunread ? h->unread[0] : "");
		xc_hostctr_close(h);
		return -EIO;
	}
	*out = h;
	return 0;
}

void xc_hostctr_close(struct xc_hostctr *h)
{
	if (!h)
		return;
	if (h->nl)
		mnl_socket_close(h->nl);
	if (h->ethfd >= 0)
		close(h->ethfd);
	if (h->snfd >= 0)
		close(h->snfd);
	free(h->nlbuf);
	free(h->gs);
	free(h->snbuf);
	free(h);
}

void xc_hostctr_read(struct xc_hostctr *h, uint64_t *vals)
{
	bool link = false, eth = false, sn = false;
	uint32_t i;

	for (i = 0; i < h->n; i++) {
		if (h->slot[i].kind == XC_HC_LINK)
			link = true;
		else if (h->slot[i].kind == XC_HC_ETHTOOL)
			eth = true;
		else
			sn = true;
	}
	if (link && xc_hc_link_get(h)) {
		h->read_errors++;
		link = false;
	}
	if (eth && xc_hc_ethtool_get(h)) {
		h->read_errors++;
		eth = false;
	}
	if (sn && xc_hc_softnet_get(h)) {
		h->read_errors++;
		sn = false;
	}
	xc_hc_collect(h, link, eth, sn);
	memcpy(vals, h->last, h->n * sizeof(*vals));
}

uint32_t xc_hostctr_count(const struct xc_hostctr *h)
{
	return h->n;
}

const struct xc_hc_counter *xc_hostctr_counter(const struct xc_hostctr *h,
					       uint32_t i)
{
	return i < h->n ? &h->ctr[i] : NULL;
}

uint64_t xc_hostctr_read_errors(const struct xc_hostctr *h)
{
	return h->read_errors;
}

uint32_t xc_hostctr_nunread(const struct xc_hostctr *h)
{
	return h->nunread;
}

const char *xc_hostctr_unread(const struct xc_hostctr *h, uint32_t i)
{
	return i < h->nunread ? h->unread[i] : NULL;
}

const char *xc_hostctr_driver(const struct xc_hostctr *h)
{
	return h->driver;
}

uint32_t xc_hostctr_left_out(const struct xc_hostctr *h)
{
	return h->left_out;
}

/* ------------------------------------------------------------ threads */

static int xc_hc_slurp(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int xc_thread_sched_stat(pid_t tid, uint64_t *nivcsw, uint32_t *cpu)
{
	static const char key[] = "\nnonvoluntary_ctxt_switches:";
	char path[64], buf[4096];
	const char *p;
	int ret, field;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	ret = xc_hc_slurp(path, buf, sizeof(buf));
	if (ret)
		return ret;
	p = strstr(buf, key);
	if (!p)
		return -ENODATA;
	*nivcsw = strtoull(p + sizeof(key) - 1, NULL, 10);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	ret = xc_hc_slurp(path, buf, sizeof(buf));
	if (ret)
		return ret;
	/* field 2, the name, may hold spaces and ')': count from its end */
	p = strrchr(buf, ')');
	for (field = 2; p && field < 39; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -ENODATA;
	*cpu = (uint32_t)strtoul(p + 1, NULL, 10);
	return 0;
}
