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

#include "xc_util.h"

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

/*
 * Delay mode (xc_mbox_delay.c): every frame waits in its direction's
 * queue until its arrival time plus the delay.
 */
#define XC_MBOX_DELAY_MAX_NS	1000000000ull	/* --delay-ns: 1 s */
#define XC_MBOX_DELAY_QUEUE	65536u	/* frames held per direction */
#define XC_MBOX_DELAY_TOL_NS	20000ull	/* --tolerance-ns default */
#define XC_MBOX_RT_PRIO		2	/* over the agents' Rx workers */

struct xc_dq_ent {
	uint64_t due;		/* CLOCK_REALTIME ns */
	uint32_t len;
	uint8_t *buf;		/* XC_MBOX_MAX_FRAME bytes, reused */
};

/* A ring of XC_MBOX_DELAY_QUEUE entries, in arrival order. */
struct xc_dq {
	struct xc_dq_ent *e;
	uint32_t head;
	uint32_t n;
	uint32_t peak;		/* most frames held at once */
	uint64_t full;		/* frames that found it full: lost */
};

int xc_dq_init(struct xc_dq *q);
void xc_dq_free(struct xc_dq *q);
/* The buffer for the next frame (NULL: full or no memory, counted). */
uint8_t *xc_dq_tail(struct xc_dq *q);
/* Queue the frame just written to xc_dq_tail's buffer. */
void xc_dq_push(struct xc_dq *q, uint64_t due, uint32_t len);
static inline struct xc_dq_ent *xc_dq_head(struct xc_dq *q)
{
	return q->n ? &q->e[q->head] : NULL;
}
void xc_dq_pop(struct xc_dq *q);

/* Where a frame's arrival time came from. */
enum xc_stamp_src {
	XC_STAMP_SKB,		/* the kernel's receive stamp */
	XC_STAMP_RING,		/* the kernel's time when it queued it */
	XC_STAMP_READ,		/* none: the box's time when it read it */
	XC_STAMP_NSRC,
};

struct tpacket2_hdr;
/* Arrival time of a ring slot's frame (CLOCK_REALTIME ns) and its source. */
uint64_t xc_slot_stamp(const struct tpacket2_hdr *h, enum xc_stamp_src *src);

static inline uint64_t xc_rt_ns(void)
{
	return xc_now_ns(CLOCK_REALTIME);
}

struct pollfd;
/*
 * Wait until CLOCK_REALTIME reaches due (true), or a frame arrives on pfd
 * or a signal (false): sleep in ppoll until due - XC_MBOX_SPIN_NS, then
 * busy-wait the rest.
 */
bool xc_wait_due(uint64_t due, struct pollfd *pfd, unsigned int n);

/*
 * Make the calling process as punctual as the host allows: SCHED_FIFO at
 * XC_MBOX_RT_PRIO, memory locked, a 1 ns timer slack. Returns whether
 * SCHED_FIFO was granted (why says what was refused).
 */
bool xc_rt_setup(char *why, size_t len);

#endif /* XC_MBOX_H */
