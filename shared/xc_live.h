/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The deadlines of one control connection as pure logic over a clock in
 * milliseconds that the caller reads (the connection: its loop's time;
 * the unit tests: a made-up one):
 *
 *   liveness  the peer sent nothing for liveness_ms: give it up; and we
 *             sent nothing for liveness_ms / XC_HEARTBEAT_DIV: send a
 *             Heartbeat
 *   hello     Hello not completed hello_ms after the connection started
 *   message   a message not complete msg_ms after its first byte
 *
 * A time of 0 turns its deadline off.
 */
#ifndef XC_LIVE_H
#define XC_LIVE_H

#include <stdbool.h>
#include <stdint.h>

struct xc_live {
	unsigned int liveness_ms;
	unsigned int hello_ms;
	unsigned int msg_ms;
	uint64_t opened;	/* the connection started */
	uint64_t last_rx;	/* the latest byte from the peer */
	uint64_t last_tx;	/* the latest message to the peer */
	uint64_t msg_since;	/* first byte of the message in progress */
	bool in_msg;		/* a message is partly received */
	bool ready;		/* Hello completed */
};

enum xc_live_due {
	XC_LIVE_OK,
	XC_LIVE_HEARTBEAT,	/* send a Heartbeat */
	XC_LIVE_SILENT,		/* nothing came for liveness_ms */
	XC_LIVE_HELLO,		/* no Hello within hello_ms */
	XC_LIVE_MSG,		/* a message took longer than msg_ms */
};

/* Start the clocks at now (the times stay as set). */
void xc_live_start(struct xc_live *l, uint64_t now);
/*
 * Bytes came at now. partial: a message is incomplete after them;
 * completed: at least one message completed with them (so a partial one
 * began with them).
 */
void xc_live_rx(struct xc_live *l, uint64_t now, bool partial,
		bool completed);
void xc_live_tx(struct xc_live *l, uint64_t now);
/* What is due at now, the most serious first. */
enum xc_live_due xc_live_check(const struct xc_live *l, uint64_t now);
/* How often to check: a fraction of the shortest deadline; 0: never. */
unsigned int xc_live_tick_ms(const struct xc_live *l);

#endif /* XC_LIVE_H */
