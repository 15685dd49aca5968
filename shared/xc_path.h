/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Frames as the path between the hosts is allowed to change them (the
 * spec's Path) and as the receiving host presents them (an 802.1Q tag its
 * offload took out and could not give back).
 *
 * Rx keeps, per stream, the frame header it currently expects: the sent
 * one with the TTL or hop limit decremented by the hop count, then
 * whatever allowed rewrite the path was last seen to make (MACs, tag,
 * DSCP). A frame matching it costs what a frame of an unchanged path
 * costs; one that does not is judged against the frame Tx sent: a change
 * the path may make becomes the new expectation, any other change is
 * corrupt with the offset of its first byte (in the received frame).
 */
#ifndef XC_PATH_H
#define XC_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xc_frame.h"
#include "xceiver.pb-c.h"

struct xc_gen_pkt;

/* What may differ between the frame sent and the frame received. */
struct xc_path_rules {
	uint32_t hops;		/* TTL / hop limit arrive this much lower */
	bool macs;		/* routed: MAC addresses */
	bool vlan_rewrite;	/* the tag's id and priority */
	bool vlan_pop;		/* a tag taken out on the way */
	bool vlan_push;		/* a tag added on the way */
	bool dscp;		/* DSCP remarked (IPv4 checksum follows) */
	bool vlan_strip;	/* Rx host: a tag taken out, not readable */
};

/* What a frame arrived with (bits of xc_path_rules' changes). */
enum xc_path_change {
	XC_PATH_MACS = 1u << 0,
	XC_PATH_TTL = 1u << 1,
	XC_PATH_VLAN = 1u << 2,		/* rewritten, popped or pushed */
	XC_PATH_DSCP = 1u << 3,
	XC_PATH_VLAN_UNVERIFIED = 1u << 4,
};

/* Rules from a Path (NULL: none) and the Rx host's tag handling. */
void xc_path_rules_from(struct xc_path_rules *r, const Xceiver__V1__Path *p,
			bool vlan_strip);
/* Whether any change is allowed: else Rx compares every byte. */
bool xc_path_rules_any(const struct xc_path_rules *r);

/*
 * The frame header Rx expects first from the path: t with the TTL or hop
 * limit lowered by the hop count. *changes: XC_PATH_TTL when hops.
 */
void xc_path_expect_init(const struct xc_path_rules *r,
			 const struct xc_stream_tmpl *t,
			 struct xc_stream_tmpl *cur, unsigned int *changes);

/*
 * Judge the headers of a frame of packet p that does not match the
 * current expectation, against t (the frame Tx sent). Returns 0 when
 * every difference up to the UDP length is one r allows: *cur is then the
 * template of the frame as it arrived (its length is p's plus *delta:
 * -4 for a tag taken out, +4 for one added) and *changes says what
 * changed. Returns -EBADMSG with *bad_off, the first byte the path may
 * not change, otherwise. The UDP checksum and the payload are not judged
 * here: check the frame against *cur for them.
 */
int xc_path_judge(const struct xc_path_rules *r,
		  const struct xc_stream_tmpl *t, const struct xc_gen_pkt *p,
		  const uint8_t *frame, uint32_t len,
		  struct xc_stream_tmpl *cur, int *delta,
		  unsigned int *changes, uint32_t *bad_off);

/*
 * Spec checks of a Path against the streams (hop counts within every
 * stream's TTL, gateways that are addresses of the streams' IP version,
 * a gateway only on a routed path, no dst_mac with a gateway). Messages
 * name the field: "path.routed_hops: 64 leaves no TTL to streams[0]
 * (ttl 64)". Returns 0 or -EINVAL with the message in err.
 */
int xc_path_check_spec(const Xceiver__V1__TestSpec *s, char *err,
		       size_t errlen);

#endif /* XC_PATH_H */
