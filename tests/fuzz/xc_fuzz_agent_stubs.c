// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agent target's link seams (ld --wrap): one made-up interface,
 * XC_FUZZ_IFNAME, with XC_FUZZ_QUEUES queues, and no AF_XDP socket ever:
 * xc_xsk_setup, the first step of a Prepare that needs the kernel, fails
 * with EOPNOTSUPP, so a Prepare runs every check of the data plane
 * (config, queues, Rx validator and Tx generator set-up) and is answered
 * with an Error. Nothing here binds a socket or loads an XDP program.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xc_dp.h"
#include "xc_dp_priv.h"
#include "xc_fuzz.h"
#include "xc_util.h"

unsigned int __wrap_if_nametoindex(const char *ifname);
int __wrap_xc_ifinfo_get(const char *ifname, Xceiver__V1__IfInfo *info,
			 char *err, size_t errlen);
int __wrap_xc_ifinfo_queues(const char *ifname, int ifindex, uint32_t *rxq,
			    uint32_t *txq);
int __wrap_xc_xsk_setup(struct xc_dp *dp, int mode, char *err,
			size_t errlen);

static bool xc_fuzz_is_if(const char *ifname)
{
	return ifname && !strcmp(ifname, XC_FUZZ_IFNAME);
}

unsigned int __wrap_if_nametoindex(const char *ifname)
{
	return xc_fuzz_is_if(ifname) ? XC_FUZZ_IFINDEX : 0;
}

int __wrap_xc_ifinfo_get(const char *ifname, Xceiver__V1__IfInfo *info,
			 char *err, size_t errlen)
{
	xceiver__v1__if_info__init(info);
	if (!xc_fuzz_is_if(ifname))
		return xc_errf(err, errlen, ENODEV,
			       "interface %s does not exist (fuzz build: only %s)",
			       ifname ? ifname : "", XC_FUZZ_IFNAME);
	info->ifname = strdup(ifname);
	info->ifindex = XC_FUZZ_IFINDEX;
	info->mac = strdup("02:00:00:00:00:2a");
	info->ipv4 = strdup("198.18.0.1");
	info->ipv6 = strdup("2001:2::1");
	info->mtu = 1500;
	info->rx_queues = XC_FUZZ_QUEUES;
	info->tx_queues = XC_FUZZ_QUEUES;
	info->up = true;
	info->running = true;
	if (!info->ifname || !info->mac || !info->ipv4 || !info->ipv6) {
		xc_ifinfo_free(info);
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	}
	return 0;
}

int __wrap_xc_ifinfo_queues(const char *ifname, int ifindex, uint32_t *rxq,
			    uint32_t *txq)
{
	*rxq = XC_FUZZ_QUEUES;
	*txq = XC_FUZZ_QUEUES;
	return 0;
}

int __wrap_xc_xsk_setup(struct xc_dp *dp, int mode, char *err,
			size_t errlen)
{
	return xc_errf(err, errlen, EOPNOTSUPP,
		       "fuzz build: no AF_XDP sockets (mode %d)", mode);
}
