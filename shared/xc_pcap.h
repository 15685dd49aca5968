/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Classic libpcap capture files (the format tcpdump and tshark read):
 * a 24-byte file header (magic 0xa1b23c4d for nanosecond timestamps,
 * version 2.4, LINKTYPE_ETHERNET), then per frame a 16-byte record header
 * (seconds, nanoseconds, captured length, original length) and the bytes.
 * Written in host byte order, as the format allows.
 */
#ifndef XC_PCAP_H
#define XC_PCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XC_PCAP_MAGIC_NS	0xa1b23c4du
#define XC_PCAP_LINKTYPE_ETH	1
#define XC_PCAP_SNAPLEN		65535

struct xc_pcap {
	FILE *f;
	char *path;
	uint64_t frames;
	bool borrowed;		/* the caller's f: close flushes it */
};

/* Create (truncate) path and write the file header. */
int xc_pcap_open(struct xc_pcap *p, const char *path, char *err,
		 size_t errlen);
/*
 * Write the file header to f, open for writing and still the caller's
 * after xc_pcap_close (a file written under a temporary name); name is
 * the file's name for messages.
 */
int xc_pcap_open_stream(struct xc_pcap *p, FILE *f, const char *name,
			char *err, size_t errlen);
/*
 * Append one frame: caplen bytes of data (capped at the snap length),
 * origlen the frame's length on the wire (0: caplen), ts_ns a
 * CLOCK_REALTIME time in nanoseconds.
 */
int xc_pcap_write(struct xc_pcap *p, const uint8_t *data, uint32_t caplen,
		  uint32_t origlen, uint64_t ts_ns, char *err, size_t errlen);
/*
 * Flush and close (flush only a stream of xc_pcap_open_stream); 0 or a
 * negative errno with err set. NULL-tolerant.
 */
int xc_pcap_close(struct xc_pcap *p, char *err, size_t errlen);

#endif /* XC_PCAP_H */
