/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * xc-mbox: the lab's impairment middle box (see xc_mbox.c for the plan
 * format). The plan, parsed from text, and what it does to one frame.
 */
#ifndef XC_MBOX_H
#define XC_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XC_MBOX_MAX_RULES	256
#define XC_MBOX_MAX_FRAME	4096	/* bytes, also lengthened */

enum xc_mbox_act {
	XC_MBOX_DROP,
	XC_MBOX_DUP,
	XC_MBOX_CORRUPT,
	XC_MBOX_TRUNCATE,
	XC_MBOX_LENGTHEN,
	XC_MBOX_HOLD,
	XC_MBOX_INJECT,
};

enum xc_mbox_inj {
	XC_MBOX_INJ_MAGIC,
	XC_MBOX_INJ_TAG,
	XC_MBOX_INJ_STREAM,
	XC_MBOX_INJ_SEQ,
};

/* Header fields "corrupt FIELD" names; the offset is resolved per frame. */
enum xc_mbox_field {
	XC_MBOX_F_NONE,		/* a plain frame offset */
	XC_MBOX_F_ETH_DST,
	XC_MBOX_F_ETH_SRC,
	XC_MBOX_F_IP_TTL,
	XC_MBOX_F_IP_SRC,
	XC_MBOX_F_IP_DST,
	XC_MBOX_F_UDP_SPORT,
	XC_MBOX_F_UDP_DPORT,
};

struct xc_mbox_rule {
	uint32_t line;		/* in the plan file */
	uint16_t stream;
	uint64_t seq_lo;
	uint64_t seq_hi;
	enum xc_mbox_act act;
	uint32_t n;		/* dup copies, truncate length, lengthen
				   bytes, corrupt offset */
	uint64_t k;		/* dup after / hold: frames of the stream */
	enum xc_mbox_field field;
	enum xc_mbox_inj inj;
	uint64_t value;		/* inject stream / seq */
	uint64_t applied;	/* frames the rule was applied to */
};

struct xc_mbox_plan {
	struct xc_mbox_rule rules[XC_MBOX_MAX_RULES];
	uint32_t n;
};

/*
 * Parse a plan (text, one rule a line). Fails with a message in err naming
 * the line and what is wrong; two frame actions on one (stream, seq) are
 * refused (injections may come on top of one).
 */
int xc_mbox_plan_parse(struct xc_mbox_plan *p, const char *text,
		       const char *name, char *err, size_t errlen);

/*
 * Rules for (stream, seq): the frame action (NULL: none) and up to max
 * injections; returns the number of injections.
 */
uint32_t xc_mbox_plan_match(struct xc_mbox_plan *p, uint16_t stream,
			    uint64_t seq, struct xc_mbox_rule **act,
			    struct xc_mbox_rule **inj, uint32_t max);

const char *xc_mbox_act_name(enum xc_mbox_act a);

/* Where the headers of a test frame are (from xc_mbox_locate). */
struct xc_mbox_pkt {
	uint32_t l3;		/* IP header */
	uint32_t l4;		/* UDP header */
	bool ipv6;
	uint32_t run_tag;
	uint16_t stream;
	uint64_t seq;
};

/* 0 and p filled for a test frame (any run), -EBADMSG for anything else. */
int xc_mbox_locate(const uint8_t *f, uint32_t len, struct xc_mbox_pkt *p);

/* Frame offset of the last byte of a named header field. */
uint32_t xc_mbox_field_off(const struct xc_mbox_pkt *p,
			   enum xc_mbox_field f);

/* Turn a copy of a test frame into the foreign frame a rule injects. */
void xc_mbox_inject(const struct xc_mbox_rule *r,
		    const struct xc_mbox_pkt *p, uint8_t *f, uint32_t len);

#endif /* XC_MBOX_H */
