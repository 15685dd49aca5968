// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The deadlines of one control connection (xc_live.h): pure, no clock of
 * its own.
 */
#include "xc_limits.h"
#include "xc_live.h"
#include "xc_util.h"

void xc_live_start(struct xc_live *l, uint64_t now)
{
	l->opened = now;
	l->last_rx = now;
	l->last_tx = now;
	l->in_msg = false;
	l->ready = false;
}

void xc_live_rx(struct xc_live *l, uint64_t now, bool partial,
		bool completed)
{
	l->last_rx = now;
	if (!partial) {
		l->in_msg = false;
		return;
	}
	if (!l->in_msg || completed) {
		l->in_msg = true;
		l->msg_since = now;
	}
}

void xc_live_tx(struct xc_live *l, uint64_t now)
{
	l->last_tx = now;
}

static bool xc_live_past(uint64_t since, uint64_t now, unsigned int ms)
{
	return ms && now >= since && now - since >= ms;
}

enum xc_live_due xc_live_check(const struct xc_live *l, uint64_t now)
{
	if (xc_live_past(l->last_rx, now, l->liveness_ms))
		return XC_LIVE_SILENT;
	if (!l->ready && xc_live_past(l->opened, now, l->hello_ms))
		return XC_LIVE_HELLO;
	if (l->in_msg && xc_live_past(l->msg_since, now, l->msg_ms))
		return XC_LIVE_MSG;
	if (xc_live_past(l->last_tx, now, l->liveness_ms / XC_HEARTBEAT_DIV))
		return XC_LIVE_HEARTBEAT;
	return XC_LIVE_OK;
}

static unsigned int xc_live_min(unsigned int a, unsigned int b)
{
	if (!a)
		return b;
	return b && b < a ? b : a;
}

unsigned int xc_live_tick_ms(const struct xc_live *l)
{
	unsigned int ms = xc_live_min(xc_live_min(l->liveness_ms, l->hello_ms),
				      l->msg_ms);

	if (!ms)
		return 0;
	ms /= XC_LIVE_TICK_DIV;
	return XC_MIN(XC_MAX(ms, 1u), (unsigned int)XC_LIVE_TICK_MAX_MS);
}
