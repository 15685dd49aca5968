/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The stream generator: for sequence number n of a stream it yields the
 * frame length, the UDP ports, the descriptor layout (UMEM placement,
 * fragments, options) and whether the sender's kernel must accept the
 * descriptor. Tx and Rx run the same generator from the same Stream message,
 * run id and sender UMEM geometry, so they agree on every frame without
 * exchanging anything else. Pure and deterministic: no clock, no global
 * random state.
 */
#ifndef XC_GEN_H
#define XC_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xc_limits.h"
#include "xceiver.pb-c.h"

#define XC_DESC_CONTD		(1u << 0)	/* XDP_PKT_CONTD */
#define XC_DESC_TX_METADATA	(1u << 1)	/* XDP_TX_METADATA */

/* The sender's UMEM, as the kernel validates Tx descriptors against it. */
struct xc_umem_geom {
	uint64_t size;		/* bytes */
	uint32_t chunk_size;
	uint32_t headroom;
	bool unaligned;
	bool multi_buffer;
	uint32_t max_frags;	/* 0: XC_KERNEL_MAX_FRAGS */
	/*
	 * 0: the UMEM is one contiguous area for the kernel (copy mode, or
	 * huge pages); else an unaligned descriptor crossing a boundary of
	 * this many bytes is rejected (zero-copy DMA pages not contiguous).
	 */
	uint32_t noncontig_page;
};

/*
 * Fill geom from an XskConfig with its documented defaults applied (NULL:
 * all defaults): size = chunk_size * num_chunks (4096 * 4096),
 * noncontig_page 4096 for unaligned zero-copy without huge pages (2 MiB
 * with them), else 0.
 */
void xc_umem_geom_from(struct xc_umem_geom *g,
		       const Xceiver__V1__XskConfig *x);

/*
 * Descriptor layout of one packet (what Tx must place). Fragment f is
 * frag_len[f] bytes at frag_at[f] + frag_offset[f] with option bits
 * frag_opts[f] | (XC_DESC_CONTD when f + 1 < nfrags or unterminated):
 * - DESC_BASE_CHUNK counts from the start of a chunk Tx picks for that
 *   fragment (validity is judged for a chunk with whole chunks before and
 *   after it: Tx must not pick the first or last chunk for an offset below
 *   0 or a fragment running past its chunk), UMEM_START from address 0,
 *   UMEM_END from the UMEM size;
 * - a shape with frag_shapes gives every fragment's place, length and
 *   extra options; without them fragment 0 is at the shape's at + offset
 *   with its options, fragments 1.. at offset 0 of chunks Tx picks with no
 *   extra options. The frag_* arrays are filled either way: Tx places
 *   every fragment from them alone. at, offset and options repeat
 *   fragment 0's (kept for older callers).
 * Without explicit fragments a descriptor is desc_len bytes; with
 * multi-buffer and desc_len above what fits, it is split into fragments of
 * chunk_size bytes (the first one: up to the end of its chunk in aligned
 * mode), the last one the rest. Tx writes the frame (frame_len bytes)
 * across the fragments in order; descriptor bytes beyond the frame are
 * undefined. Only seq, frame_len and the ports matter to xc_frame_*_pkt.
 *
 * The sender's kernel (copy mode: __xsk_generic_xmit, xsk_drop_skb) takes
 * Tx descriptors in ring order, a chain being one packet. At a chain's
 * first invalid descriptor it counts that descriptor and every earlier
 * fragment of the chain in tx_invalid_descs, drops them (no completions)
 * and starts a new packet at the next descriptor, whatever the invalid
 * one's XDP_PKT_CONTD. So a packet whose only invalid fragment is its last
 * is dropped whole, nfrags descriptors counted, and the next seq starts
 * fresh. Fragments after an invalid one would become a packet of their
 * own: xc_gen_init refuses that for a VALIDITY_AUTO shape with
 * frag_shapes (an old-style shape with an invalid fragment before its last
 * is still judged as one dropped packet of nfrags descriptors, which the
 * kernel does not do). A chain left open (XDP_PKT_CONTD on its last
 * fragment, from unterminated or extra option bits) with valid
 * descriptors swallows the next seq's, unless it reached max_frags.
 */
struct xc_gen_pkt {
	uint64_t seq;
	uint32_t frame_len;	/* frame bytes without FCS (what Tx writes) */
	uint16_t src_port;
	uint16_t dst_port;
	/* descriptor layout */
	int at;			/* XCEIVER__V1__DESC_BASE__*, fragment 0 */
	int64_t offset;		/* from "at", fragment 0 */
	uint32_t desc_len;	/* total descriptor bytes over all fragments */
	uint32_t nfrags;	/* 1 unless multi-buffer */
	uint32_t frag_len[XC_MAX_FRAGS];
	uint32_t options;	/* extra option bits on fragment 0 */
	bool unterminated;
	bool valid;		/* the sender's kernel accepts it */
	/* per fragment, [0, nfrags): place and extra option bits */
	int frag_at[XC_MAX_FRAGS];		/* XCEIVER__V1__DESC_BASE__* */
	int64_t frag_offset[XC_MAX_FRAGS];	/* from frag_at */
	uint32_t frag_opts[XC_MAX_FRAGS];	/* besides XC_DESC_CONTD */
};

enum xc_size_mode {
	XC_SIZE_FIXED,
	XC_SIZE_LIST,
	XC_SIZE_RANDOM,
	XC_SIZE_IMIX,
};

struct xc_gen {
	uint32_t id;
	uint64_t count;
	uint64_t seed;
	enum xc_size_mode size_mode;
	uint32_t frame_size;		/* fixed size (with FCS) */
	uint32_t *sizes;		/* list, or the expanded IMIX cycle */
	uint32_t nsizes;
	uint32_t size_min, size_max;	/* random */
	uint16_t sport, sport_n;	/* port = base + seq % n */
	uint16_t dport, dport_n;
	Xceiver__V1__DescShape **descs;	/* copies; cycled */
	uint32_t ndescs;
	struct xc_umem_geom geom;
	uint64_t invalid_total;		/* seqs in [0, count) sent invalid */
	/* resolved at init */
	uint32_t min_size, max_size;	/* frame sizes with FCS */
	uint32_t nshapes;		/* max(ndescs, 1) */
	uint8_t *vflags;		/* per shape: XC_GEN_V_* */
};

#define XC_GEN_V_FIRST	1	/* valid as seq 0 */
#define XC_GEN_V_NEXT	2	/* valid after the previous shape */

/*
 * Resolve a stream. Errors name the field: "sizes.imix[2].weight: 0",
 * "descs[1].frags: 33 fragments, at most 32", "descs[3].frag_shapes[1].at:
 * unknown base 7". A shape with its own lengths (len, frags, frag_shapes)
 * that the kernel accepts must carry exactly the frames of the seqs that
 * use it. count must already be final (duration_ms resolved by the
 * caller).
 */
int xc_gen_init(struct xc_gen *g, const Xceiver__V1__Stream *s,
		uint64_t run_id, const struct xc_umem_geom *geom,
		char *err, size_t errlen);
void xc_gen_free(struct xc_gen *g);	/* NULL-tolerant */

/*
 * Check a stream's frame sizes (Sizes or frame_size) against the smallest
 * frame the headers allow (min_frame; stack names them in messages) and
 * XC_MAX_FRAME; fill the smallest and largest size. Errors name the field:
 * "sizes.list[2]: 40 is below the minimum of 64 for Ethernet/IPv4/UDP".
 */
int xc_gen_check_sizes(const Xceiver__V1__Stream *s, uint32_t min_frame,
		       const char *stack, uint32_t *lo, uint32_t *hi,
		       char *err, size_t errlen);

/* Frame size with FCS for seq (frame_len + 4). */
uint32_t xc_gen_frame_size(const struct xc_gen *g, uint64_t seq);
/* Everything about seq. */
void xc_gen_pkt(const struct xc_gen *g, uint64_t seq, struct xc_gen_pkt *p);
/* Whether the sender's kernel accepts seq's descriptor(s). */
bool xc_gen_valid(const struct xc_gen *g, uint64_t seq);
/* Largest and smallest frame_size the stream can produce. */
uint32_t xc_gen_max_frame(const struct xc_gen *g);
uint32_t xc_gen_min_frame(const struct xc_gen *g);

/*
 * The kernel's Tx descriptor rules (xp_aligned_validate_desc and
 * xp_unaligned_validate_desc, plus the fragment rules of multi-buffer):
 * whether one descriptor at addr with len and options is accepted.
 */
bool xc_desc_valid(const struct xc_umem_geom *g, uint64_t addr, uint32_t len,
		   uint32_t options);

#endif /* XC_GEN_H */
