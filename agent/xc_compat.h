/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * AF_XDP constants that older uapi headers (Linux 6.1) lack. Values are the
 * kernel's ABI; the running kernel decides whether it knows them.
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

#endif /* XC_COMPAT_H */
