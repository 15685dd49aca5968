/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Test frames: Ethernet [+ 802.1Q] / IPv4 or IPv6 / UDP / payload.
 *
 * Frame sizes follow NIC datasheets and RFC 2544: frame_size is the L2 frame
 * including the 4-byte FCS the NIC appends, so the descriptor length is
 * frame_size - 4. A 64-byte frame over IPv4 leaves 18 bytes of UDP payload,
 * exactly the packed payload header below.
 *
 * Payload header (18 bytes, network byte order):
 *   0  u16 magic      XC_MAGIC
 *   2  u32 run tag    low 32 bits of the run id
 *   6  u16 stream id
 *   8  u48 seq        sequence number within the stream
 *  14  u32 tx time    low 32 bits of the sender's CLOCK_TAI in nanoseconds,
 *                     read when its batch is placed on the Tx ring; the
 *                     receiver widens it against its own clock
 *                     (xc_lat_widen, xc_lat.h)
 * The rest of the payload is a pattern derived from (run id, stream id, seq)
 * (or a fixed/incrementing byte, as the stream asks), so the receiver checks
 * every byte without storing anything.
 */
#ifndef XC_FRAME_H
#define XC_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "xceiver.pb-c.h"

#define XC_MAGIC	0x5843u		/* "XC" */
#define XC_FCS_LEN	4
#define XC_PHDR_LEN	18
#define XC_PHDR_SEQ_OFF	8		/* offset of the 48-bit seq in the payload */
#define XC_SEQ_MAX	((1ull << 48) - 1)
#define XC_MAX_HDR_LEN	(14 + 4 + 40 + 8)	/* eth + vlan + ipv6 + udp */
#define XC_MAX_FRAME	9018		/* largest frame_size (jumbo + FCS) */
#define XC_DEF_SRC_PORT	9000
#define XC_DEF_DST_PORT	9001

/* Decoded payload header of a received frame. */
struct xc_phdr {
	uint32_t run_tag;
	uint16_t stream_id;
	uint64_t seq;
	uint32_t tx_ns32;	/* low 32 bits of the Tx CLOCK_TAI ns */
};

/*
 * Everything needed to build or check the frames of one stream, resolved
 * once from a Stream message: the header bytes of a frame with a
 * placeholder length, and the pattern seed.
 */
struct xc_stream_tmpl {
	uint8_t hdr[XC_MAX_HDR_LEN];
	uint16_t hdr_len;	/* eth [+ vlan] + ip + udp */
	uint16_t l3_off;
	uint16_t l4_off;
	bool ipv6;
	uint16_t dst_port;
	uint16_t src_port;
	uint32_t run_tag;
	uint16_t stream_id;
	uint64_t seed;		/* pattern seed from (run id, stream id) */
	int pattern;		/* XCEIVER__V1__PAYLOAD_PATTERN__* */
	uint8_t fill_byte;
	uint32_t min_frame;	/* smallest valid frame_size for these headers */
	uint32_t frame_size;	/* the stream's frame_size (with FCS) */
	uint32_t csum_base;	/* folded pseudo-header + header words, no len */
	uint32_t csum_addr;	/* the same without the UDP ports */
	uint32_t max_frame;	/* largest frame_size of the stream */
};

/*
 * Resolve a stream's headers. MAC and IP strings must be filled in already
 * (the controller does that from the agents' interfaces). Fails with a
 * message in err that names the field, e.g. a frame_size below the minimum
 * ("frame_size: 67 is below the minimum of 68 for Ethernet/802.1Q/IPv4/UDP",
 * "sizes.list[1]: 9100 is above the maximum of 9018"). A stream with Sizes
 * has frame_size set to its largest size (use the _pkt functions for it);
 * src_port/dst_port are the bases of port ranges.
 */
int xc_stream_tmpl_init(struct xc_stream_tmpl *t,
			const Xceiver__V1__Stream *s, uint64_t run_id,
			char *err, size_t errlen);

/* Smallest frame_size (with FCS) for the given header choices. */
uint32_t xc_frame_min_size(bool vlan, bool ipv6);
/* "Ethernet/802.1Q/IPv4/UDP" and the like, for messages. */
const char *xc_frame_stack_name(bool vlan, bool ipv6);

/*
 * Write the frame for seq into buf (room for frame_size - XC_FCS_LEN bytes):
 * headers, payload header with tx_ns32, pattern, IP and UDP checksums.
 * Returns the descriptor length written.
 */
uint32_t xc_frame_build(const struct xc_stream_tmpl *t, uint64_t seq,
			uint32_t tx_ns32, uint8_t *buf);

/*
 * Parse a received frame down to the payload header. Returns 0 and fills ph
 * when the frame is Ethernet [+VLAN] / IPv4|IPv6 / UDP with our magic and a
 * payload long enough for the header; -EBADMSG otherwise.
 */
int xc_frame_parse(const uint8_t *frame, uint32_t len, struct xc_phdr *ph);

/*
 * Check a received frame against what the stream says seq must be: length,
 * every header byte, checksums, payload header and every payload byte.
 * Returns 0 when intact. Otherwise returns -EBADMSG and sets *bad_off to
 * the first offset that differs, a missing or extra byte counting as
 * different: min(len, expected length) when only the length is wrong.
 */
int xc_frame_check(const struct xc_stream_tmpl *t, uint64_t seq,
		   const uint8_t *frame, uint32_t len, uint32_t *bad_off);

/*
 * The same for a frame whose length and ports come from the generator
 * (struct xc_gen_pkt in xc_gen.h): frame_len bytes, src/dst port. The
 * fixed-size functions above are these with the stream's own values.
 */
struct xc_gen_pkt;
uint32_t xc_frame_build_pkt(const struct xc_stream_tmpl *t,
			    const struct xc_gen_pkt *p, uint32_t tx_ns32,
			    uint8_t *buf);
/*
 * Only the headers (t->hdr_len bytes: lengths and the IPv4 checksum set,
 * the UDP checksum 0) of p's frame.
 */
void xc_frame_hdr_pkt(const struct xc_stream_tmpl *t,
		      const struct xc_gen_pkt *p, uint8_t *buf);
/*
 * Turn a frame built by xc_frame_build_pkt for another packet of the same
 * template, length and ports (a Tx buffer used again) into p's frame:
 * only the payload header's seq and tx time change, and the UDP checksum
 * is updated incrementally (RFC 1624); a seeded pattern, which depends on
 * seq, is written again. The result equals xc_frame_build_pkt's.
 */
uint32_t xc_frame_update_pkt(const struct xc_stream_tmpl *t,
			     const struct xc_gen_pkt *p, uint32_t tx_ns32,
			     uint8_t *buf);
int xc_frame_check_pkt(const struct xc_stream_tmpl *t,
		       const struct xc_gen_pkt *p, const uint8_t *frame,
		       uint32_t len, uint32_t *bad_off);

/*
 * Partial checks for frames the Rx side changed or only samples:
 * exp_len is the length the frame must have; the first
 * min(len, p->frame_len) bytes are compared with the frame Tx built, all
 * of them when full, else only the headers and the payload header; never
 * the UDP checksum. Returns 0 when all matches, else -EBADMSG with *bad_off
 * the first bad offset (min(len, exp_len) when only the length is wrong).
 */
int xc_frame_check_part(const struct xc_stream_tmpl *t,
			const struct xc_gen_pkt *p, const uint8_t *frame,
			uint32_t len, uint32_t exp_len, bool full,
			uint32_t *bad_off);

/* Internet checksum helpers (RFC 1071), exposed for the tests. */
uint32_t xc_csum_partial(const void *buf, size_t len, uint32_t sum);
uint16_t xc_csum_fold(uint32_t sum);

#endif /* XC_FRAME_H */
