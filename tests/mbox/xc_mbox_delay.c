// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xc-mbox's delay mode: the queue a frame waits in, its arrival time from
 * the kernel, and a wait that releases it on time.
 *
 * Punctuality. A sleeping thread wakes up later than asked: the timer's
 * slack, the scheduler (a normal thread may wait for the running one's
 * slice), a vCPU the hypervisor let sleep. So the box sleeps at
 * SCHED_FIFO with no timer slack until XC_MBOX_SPIN_NS before a frame is
 * due and spins on the clock for the rest. What is left (the wake-up
 * itself, the send) the box measures for every frame and reports: the
 * lateness, release time minus (arrival + delay).
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "xc_mbox.h"

/* Sleep until this long before a frame is due, then spin. */
#define XC_MBOX_SPIN_NS		50000ull

int xc_dq_init(struct xc_dq *q)
{
	memset(q, 0, sizeof(*q));
	q->e = calloc(XC_MBOX_DELAY_QUEUE, sizeof(*q->e));
	return q->e ? 0 : -ENOMEM;
}

void xc_dq_free(struct xc_dq *q)
{
	uint32_t i;

	for (i = 0; q->e && i < XC_MBOX_DELAY_QUEUE; i++)
		free(q->e[i].buf);
	free(q->e);
	q->e = NULL;
}

uint8_t *xc_dq_tail(struct xc_dq *q)
{
	struct xc_dq_ent *e;

	if (q->n == XC_MBOX_DELAY_QUEUE) {
		q->full++;
		return NULL;
	}
	e = &q->e[(q->head + q->n) % XC_MBOX_DELAY_QUEUE];
	if (!e->buf)
		e->buf = malloc(XC_MBOX_MAX_FRAME);
	if (!e->buf)
		q->full++;
	return e->buf;
}

void xc_dq_push(struct xc_dq *q, uint64_t due, uint32_t len)
{
	struct xc_dq_ent *e = &q->e[(q->head + q->n) % XC_MBOX_DELAY_QUEUE];

	e->due = due;
	e->len = len;
	q->n++;
	if (q->n > q->peak)
		q->peak = q->n;
}

void xc_dq_pop(struct xc_dq *q)
{
	q->head = (q->head + 1) % XC_MBOX_DELAY_QUEUE;
	q->n--;
}

/*
 * TPACKET_V2 gives every frame a CLOCK_REALTIME time: the skb's receive
 * stamp when the kernel took one (SO_TIMESTAMPNS asks for them), else the
 * time the packet socket queued it. Neither: the time it is read now.
 */
uint64_t xc_slot_stamp(const struct tpacket2_hdr *h, enum xc_stamp_src *src)
{
	if (!h->tp_sec && !h->tp_nsec) {
		*src = XC_STAMP_READ;
		return xc_rt_ns();
	}
	*src = h->tp_status & TP_STATUS_TS_SOFTWARE ? XC_STAMP_SKB :
						      XC_STAMP_RING;
	return (uint64_t)h->tp_sec * 1000000000ull + h->tp_nsec;
}

bool xc_wait_due(uint64_t due, struct pollfd *pfd, unsigned int n)
{
	uint64_t now = xc_rt_ns(), left;
	struct timespec ts;

	if (due > now + XC_MBOX_SPIN_NS) {
		left = due - now - XC_MBOX_SPIN_NS;
		ts.tv_sec = (time_t)(left / 1000000000ull);
		ts.tv_nsec = (long)(left % 1000000000ull);
		if (ppoll(pfd, n, &ts, NULL) != 0)
			return false;	/* a frame, or a signal */
	}
	while (xc_rt_ns() < due)
		;
	return true;
}

bool xc_rt_setup(char *why, size_t len)
{
	struct sched_param sp = { .sched_priority = XC_MBOX_RT_PRIO };
	bool fifo = true;

	*why = '\0';
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		snprintf(why, len, "mlockall: %s; ", strerror(errno));
	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		fifo = false;
		snprintf(why + strlen(why), len - strlen(why),
			 "SCHED_FIFO %d: %s", XC_MBOX_RT_PRIO, strerror(errno));
	}
	return fifo;
}
