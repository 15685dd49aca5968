// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Interface facts for IfInfo and for the Prepare checks. Everything comes
 * from the caller's network namespace: ioctls, getifaddrs, generic netlink
 * for the XDP features (xc_xdpfeat.c); queue counts from sysfs only when
 * that sysfs shows this namespace's interface (ip netns exec remounts it,
 * nsenter does not), else from ethtool.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xc_dp_priv.h"
#include "xc_util.h"
#include "xc_xdpfeat.h"

/* An ioctl whose ifreq carries a pointer the caller set (ifr_data). */
static int xc_if_ioctl_data(const char *ifname, unsigned long req,
			    struct ifreq *ifr)
{
	int fd, ret = 0;

	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int xc_if_ioctl(const char *ifname, unsigned long req,
		       struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	return xc_if_ioctl_data(ifname, req, ifr);
}

static int xc_sysfs_u32(const char *ifname, const char *what, uint32_t *v)
{
	char path[128];
	unsigned int x;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, what);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ret = fscanf(f, "%u", &x) == 1 ? 0 : -EINVAL;
	fclose(f);
	if (!ret)
		*v = x;
	return ret;
}

static uint32_t xc_sysfs_count(const char *ifname, const char *prefix)
{
	char path[128];
	uint32_t n;

	for (n = 0; n < 4096; n++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/queues/%s-%u",
			 ifname, prefix, n);
		if (access(path, F_OK))
			break;
	}
	return n;
}

static int xc_ethtool_queues(const char *ifname, uint32_t *rxq,
			     uint32_t *txq)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)&ch;
	ret = xc_if_ioctl_data(ifname, SIOCETHTOOL, &ifr);
	if (ret)
		return ret;
	*rxq = ch.rx_count + ch.combined_count;
	*txq = ch.tx_count + ch.combined_count;
	return 0;
}

/* Real rx/tx queue counts (what an XSK may bind to). */
int xc_ifinfo_queues(const char *ifname, int ifindex, uint32_t *rxq,
		     uint32_t *txq)
{
	uint32_t idx = 0;

	if (!xc_sysfs_u32(ifname, "ifindex", &idx) &&
	    idx == (uint32_t)ifindex) {
		*rxq = xc_sysfs_count(ifname, "rx");
		*txq = xc_sysfs_count(ifname, "tx");
		if (*rxq && *txq)
			return 0;
	}
	if (!xc_ethtool_queues(ifname, rxq, txq) && *rxq && *txq)
		return 0;
	*rxq = 1;
	*txq = 1;
	return 0;
}

static int xc_ifinfo_mac(const char *ifname, char **mac)
{
	const unsigned char *a;
	struct ifreq ifr;
	char buf[18];
	int ret;

	ret = xc_if_ioctl(ifname, SIOCGIFHWADDR, &ifr);
	if (ret)
		return ret;
	a = (const unsigned char *)ifr.ifr_hwaddr.sa_data;
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		 a[0], a[1], a[2], a[3], a[4], a[5]);
	*mac = strdup(buf);
	return *mac ? 0 : -ENOMEM;
}

static bool xc_ipv6_global(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_UNSPECIFIED(a) &&
	       !IN6_IS_ADDR_SITELOCAL(a);
}

static int xc_ifinfo_addrs(const char *ifname, char **v4, char **v6)
{
	char buf[INET6_ADDRSTRLEN];
	struct ifaddrs *ifa, *i;
	const void *a;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
			continue;
		if (i->ifa_addr->sa_family == AF_INET && !*v4) {
			a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			if (inet_ntop(AF_INET, a, buf, sizeof(buf)))
				*v4 = strdup(buf);
		} else if (i->ifa_addr->sa_family == AF_INET6 && !*v6) {
			a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			if (xc_ipv6_global(a) &&
			    inet_ntop(AF_INET6, a, buf, sizeof(buf)))
				*v6 = strdup(buf);
		}
	}
	freeifaddrs(ifa);
	return 0;
}

/* Up, operational, and whether Rx VLAN offload is on (0 or -errno). */
static int xc_ifinfo_state(const char *ifname, Xceiver__V1__IfInfo *info)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GFLAGS };
	struct ifreq ifr;
	int ret;

	ret = xc_if_ioctl(ifname, SIOCGIFFLAGS, &ifr);
	if (ret)
		return ret;
	info->up = !!(ifr.ifr_flags & IFF_UP);
	info->running = !!(ifr.ifr_flags & IFF_RUNNING);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)&ev;
	if (!xc_if_ioctl_data(ifname, SIOCETHTOOL, &ifr))
		info->rx_vlan_offload = !!(ev.data & ETH_FLAG_RXVLAN);
	return 0;
}

static char *xc_strdup_or_empty(char *s)
{
	return s ? s : strdup("");
}

int xc_ifinfo_get(const char *ifname, Xceiver__V1__IfInfo *info, char *err,
		  size_t errlen)
{
	char *mac = NULL, *v4 = NULL, *v6 = NULL;
	uint32_t rxq, txq;
	struct ifreq ifr;
	unsigned int idx;
	int ret;

	xceiver__v1__if_info__init(info);
	if (!ifname || !*ifname)
		return xc_errf(err, errlen, EINVAL, "no interface name given");
	if (strlen(ifname) >= IF_NAMESIZE)
		return xc_errf(err, errlen, EINVAL,
			       "interface name %s is too long", ifname);
	idx = if_nametoindex(ifname);
	if (!idx)
		return xc_errf(err, errlen, ENODEV,
			       "interface %s does not exist", ifname);
	ret = xc_ifinfo_mac(ifname, &mac);
	if (ret)
		goto fail;
	ret = xc_if_ioctl(ifname, SIOCGIFMTU, &ifr);
	if (ret)
		goto fail;
	info->mtu = ifr.ifr_mtu;
	ret = xc_ifinfo_state(ifname, info);
	if (ret)
		goto fail;
	ret = xc_ifinfo_addrs(ifname, &v4, &v6);
	if (ret)
		goto fail;
	ret = xc_xdpfeat_get(ifname, idx, info);
	if (ret)
		goto fail;
	xc_ifinfo_queues(ifname, idx, &rxq, &txq);
	info->ifname = strdup(ifname);
	info->ifindex = idx;
	info->mac = mac;
	info->ipv4 = xc_strdup_or_empty(v4);
	info->ipv6 = xc_strdup_or_empty(v6);
	info->rx_queues = rxq;
	info->tx_queues = txq;
	if (!info->ifname || !info->ipv4 || !info->ipv6) {
		xc_ifinfo_free(info);
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	}
	return 0;
fail:
	free(mac);
	free(v4);
	free(v6);
	return xc_errf(err, errlen, ret, "cannot read interface %s: %s",
		       ifname, strerror(-ret));
}

static void xc_free_str(char **s)
{
	/* protobuf-c's default for an unset string is a static "" */
	if (*s && *s != protobuf_c_empty_string)
		free(*s);
	*s = (char *)protobuf_c_empty_string;
}

void xc_ifinfo_free(Xceiver__V1__IfInfo *info)
{
	if (!info)
		return;
	xc_free_str(&info->ifname);
	xc_free_str(&info->mac);
	xc_free_str(&info->ipv4);
	xc_free_str(&info->ipv6);
}
