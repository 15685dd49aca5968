/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * AF_XDP and netdev constants that older uapi headers (Linux 6.1) lack.
 * Values are the kernel's ABI; the running kernel decides whether it
 * knows them.
 */
#ifndef XC_COMPAT_H
#define XC_COMPAT_H

#include <linux/if_xdp.h>

#ifndef XDP_USE_SG
#define XDP_USE_SG			(1 << 4)	/* bind flag, 6.6 */
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD			(1 << 0)	/* desc options, 6.6 */
#endif
#ifndef XDP_UMEM_TX_SW_CSUM
#define XDP_UMEM_TX_SW_CSUM		(1 << 1)	/* umem flag, 6.8 */
#endif
#ifndef XDP_UMEM_TX_METADATA_LEN
#define XDP_UMEM_TX_METADATA_LEN	(1 << 2)	/* umem flag, 6.11 */
#endif
#ifndef XDP_TX_METADATA
#define XDP_TX_METADATA			(1 << 1)	/* desc options, 6.8 */
#endif
#ifndef XDP_TXMD_FLAGS_TIMESTAMP
#define XDP_TXMD_FLAGS_TIMESTAMP	(1 << 0)
#endif
#ifndef XDP_TXMD_FLAGS_CHECKSUM
#define XDP_TXMD_FLAGS_CHECKSUM		(1 << 1)
#endif

/*
 * The netdev generic netlink family (linux/netdev.h, Linux 6.3). Its
 * header declares these as enums, which #ifndef cannot see: they go under
 * our names, with the kernel's values.
 */
#define XC_NETDEV_FAMILY_NAME		"netdev"
#define XC_NETDEV_CMD_DEV_GET		1
#define XC_NETDEV_A_DEV_IFINDEX		1	/* u32 */
#define XC_NETDEV_A_DEV_XDP_FEATURES	3	/* u64, ..._XDP_ACT_* */
#define XC_NETDEV_A_DEV_XDP_ZC_MAX_SEGS	4	/* u32 */
#define XC_NETDEV_XDP_ACT_BASIC		(1 << 0)
#define XC_NETDEV_XDP_ACT_REDIRECT	(1 << 1)
#define XC_NETDEV_XDP_ACT_XSK_ZEROCOPY	(1 << 3)
#define XC_NETDEV_XDP_ACT_RX_SG		(1 << 5)

#endif /* XC_COMPAT_H */
