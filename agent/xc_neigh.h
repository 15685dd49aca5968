/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The next hop's MAC address from the neighbour table (rtnetlink), for a
 * routed path: the Tx agent sends its frames to its gateway's MAC, which
 * it looks up itself, so no MAC is typed.
 */
#ifndef XC_NEIGH_H
#define XC_NEIGH_H

#include <stddef.h>
#include <stdint.h>

#define XC_NEIGH_TIMEOUT_MS	3000	/* resolution, probes included */

/*
 * The MAC of gateway (an IPv4 or IPv6 address) on ifindex: a usable entry
 * of the neighbour table (reachable, stale, delay, probe, permanent or
 * noarp); when there is none the kernel is asked to resolve it
 * (RTM_NEWNEIGH with NTF_USE: ARP or neighbour solicitation) and the table
 * is read again until timeout_ms. Returns 0, or a negative errno with the
 * reason in err (-EHOSTUNREACH when nothing answered).
 */
int xc_neigh_resolve(int ifindex, const char *ifname, const char *gateway,
		     uint8_t mac[6], unsigned int timeout_ms, char *err,
		     size_t errlen);

#endif /* XC_NEIGH_H */
