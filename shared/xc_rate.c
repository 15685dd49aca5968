// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Token-bucket pacer: an exact integer schedule (see xc_rate.h). Due times
 * are computed from the total cost granted since the schedule's origin in
 * 128-bit arithmetic, never by adding rounded per-frame intervals, so the
 * schedule does not drift over any number of frames.
 */
#include <errno.h>
#include <time.h>

#include "xc_rate.h"
#include "xc_util.h"

#define XC_NS_PER_S	1000000000ull

typedef unsigned __int128 xc_u128;

static inline void xc_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/* Cost of one frame in the unit of the rate. */
static uint64_t xc_rate_cost(enum xc_rate_unit unit, uint32_t frame_bytes)
{
	if (frame_bytes < 1)
		frame_bytes = 1;
	if (frame_bytes > XC_RATE_FRAME_MAX)
		frame_bytes = XC_RATE_FRAME_MAX;
	switch (unit) {
	case XC_RATE_L2_BPS:
		return (uint64_t)frame_bytes * 8;
	case XC_RATE_L1_BPS:
		return ((uint64_t)frame_bytes + XC_RATE_L1_OVERHEAD) * 8;
	default:
		return 1;
	}
}

/* Time after the origin at which cost `units` has been spent. */
static uint64_t xc_rate_offset_ns(const struct xc_rate *r, uint64_t units)
{
	return (uint64_t)((xc_u128)units * XC_NS_PER_S / r->rate);
}

uint32_t xc_rate_cfg_burst(const struct xc_rate_cfg *cfg)
{
	uint64_t cost, n;

	if (cfg->unit == XC_RATE_UNLIMITED || !cfg->rate)
		return 0;
	if (cfg->burst)
		return cfg->burst;
	cost = xc_rate_cost(cfg->unit, cfg->frame_bytes ?: 64);
	n = (uint64_t)((xc_u128)cfg->rate * XC_RATE_BURST_NS /
		       ((xc_u128)cost * XC_NS_PER_S));
	return (uint32_t)XC_MAX(1, XC_MIN(n, (uint64_t)XC_RATE_BURST_DEFAULT));
}

int xc_rate_init(struct xc_rate *r, const struct xc_rate_cfg *cfg,
		 uint64_t now_ns, char *err, size_t errlen)
{
	*r = (struct xc_rate){ .origin_ns = now_ns };
	if (cfg->unit > XC_RATE_L1_BPS)
		return xc_errf(err, errlen, EINVAL, "rate: unknown unit %d",
			       (int)cfg->unit);
	if (cfg->burst > XC_RATE_BURST_MAX)
		return xc_errf(err, errlen, EINVAL,
			       "rate: burst %u above the maximum %u",
			       cfg->burst, XC_RATE_BURST_MAX);
	if (cfg->frame_bytes > XC_RATE_FRAME_MAX)
		return xc_errf(err, errlen, EINVAL,
			       "rate: frame size %u above the maximum %u",
			       cfg->frame_bytes, XC_RATE_FRAME_MAX);
	if (cfg->unit == XC_RATE_UNLIMITED || !cfg->rate)
		return 0;
	r->unit = cfg->unit;
	r->rate = cfg->rate;
	r->burst = xc_rate_cfg_burst(cfg);
	return 0;
}

/*
 * Frames of cost c due at now (the next one first), 0 if none; computed
 * from: frame j is due iff (units + j * c) * 10^9 < (d + 1) * rate.
 */
static uint64_t xc_rate_due_count(const struct xc_rate *r, uint64_t now_ns,
				  uint64_t c)
{
	xc_u128 avail, spent;

	if (now_ns < r->origin_ns)
		return 0;
	avail = ((xc_u128)(now_ns - r->origin_ns) + 1) * r->rate;
	spent = (xc_u128)r->units * XC_NS_PER_S;
	if (avail <= spent)
		return 0;
	avail = (avail - spent - 1) / ((xc_u128)c * XC_NS_PER_S) + 1;
	return avail > UINT64_MAX ? UINT64_MAX : (uint64_t)avail;
}

/*
 * More than burst frames due: the sender stalled. Restart the schedule so
 * that exactly burst frames of cost c are due now; the time between the
 * old next due time and the new one is lost.
 */
static void xc_rate_restart(struct xc_rate *r, uint64_t now_ns, uint64_t c)
{
	uint64_t back = xc_rate_offset_ns(r, (uint64_t)(r->burst - 1) * c);
	uint64_t was = r->origin_ns + xc_rate_offset_ns(r, r->units);
	uint64_t next = now_ns > back ? now_ns - back : 0;

	if (next > was)
		r->lost_ns += next - was;
	r->origin_ns = next;
	r->units = 0;
	r->resets++;
}

uint32_t xc_rate_grant(struct xc_rate *r, uint64_t now_ns, uint32_t want,
		       uint32_t frame_bytes)
{
	uint64_t c, due;
	uint32_t n;

	if (xc_rate_unlimited(r)) {
		r->granted += want;
		return want;
	}
	if (!want)
		return 0;
	c = xc_rate_cost(r->unit, frame_bytes);
	due = xc_rate_due_count(r, now_ns, c);
	if (due > r->burst) {
		xc_rate_restart(r, now_ns, c);
		due = r->burst;
	}
	n = (uint32_t)XC_MIN(due, (uint64_t)want);
	r->units += n * c;
	r->granted += n;
	return n;
}

uint32_t xc_rate_grant_sizes(struct xc_rate *r, uint64_t now_ns,
			     const uint32_t *sizes, uint32_t n)
{
	xc_u128 avail;
	uint32_t i, lim;
	uint64_t c;

	if (xc_rate_unlimited(r)) {
		r->granted += n;
		return n;
	}
	if (!n || now_ns < r->origin_ns)
		return 0;
	c = xc_rate_cost(r->unit, sizes[0]);
	if (xc_rate_due_count(r, now_ns, c) > r->burst)
		xc_rate_restart(r, now_ns, c);
	avail = ((xc_u128)(now_ns - r->origin_ns) + 1) * r->rate;
	lim = XC_MIN(n, r->burst);
	for (i = 0; i < lim; i++) {
		if ((xc_u128)r->units * XC_NS_PER_S >= avail)
			break;
		r->units += xc_rate_cost(r->unit, sizes[i]);
	}
	r->granted += i;
	return i;
}

uint64_t xc_rate_next_ns(const struct xc_rate *r, uint32_t n,
			 uint32_t frame_bytes)
{
	uint64_t c;

	if (xc_rate_unlimited(r))
		return 0;
	n = XC_MAX(1u, XC_MIN(n, r->burst / 2));
	c = xc_rate_cost(r->unit, frame_bytes);
	return r->origin_ns + xc_rate_offset_ns(r, r->units + (n - 1) * c);
}

double xc_rate_cfg_pps(const struct xc_rate_cfg *cfg, uint32_t frame_bytes)
{
	if (cfg->unit == XC_RATE_UNLIMITED || !cfg->rate)
		return 0;
	return (double)cfg->rate / (double)xc_rate_cost(cfg->unit,
							 frame_bytes);
}

uint64_t xc_rate_wait(uint64_t deadline_ns)
{
	struct timespec ts;
	uint64_t now = xc_mono_ns(), sleep_to;

	while (now < deadline_ns) {
		if (deadline_ns - now > XC_RATE_SPIN_NS) {
			sleep_to = deadline_ns - XC_RATE_SPIN_NS;
			ts.tv_sec = (time_t)(sleep_to / XC_NS_PER_S);
			ts.tv_nsec = (long)(sleep_to % XC_NS_PER_S);
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
					NULL);
		} else {
			xc_cpu_relax();
		}
		now = xc_mono_ns();
	}
	return now;
}
