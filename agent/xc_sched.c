// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Worker scheduling. A Rx worker that waits behind other work for a few
 * milliseconds loses what its rings cannot hold meanwhile. A normal
 * thread's wake-up does not always run it at once: the scheduler may find
 * it not due yet (it ran just before it slept) and leave the core to the
 * running thread until the next tick, 4 ms at HZ=250 (seen with perf on a
 * 2-core lab beside two CPU hogs: woken Rx workers waited 2.8 to 4 ms,
 * also at nice -20 with a 100 us slice). 100 kpps into a 512-entry Rx
 * ring (poll) beside two hogs: normal receivers lost frames in 16 of 20
 * runs; in drv mode at nice -10 or -20 with a 100 us slice in 16 of 20;
 * SCHED_FIFO ones in none of 20.
 *
 * So by default the Rx worker sleeps at SCHED_FIFO priority XC_RX_RT_PRIO
 * (xc_sched_rx_wait) and its wake-up runs it at once. A SCHED_FIFO
 * thread that never sleeps is held off now and then by the kernel to let
 * other work run (at full speed such receivers lost frames in 3 of 7
 * runs), so the worker turns back into a normal thread once it has used
 * most of its core (XC_RX_RT_BUSY_PCT) over XC_RX_RT_AWAKE_NS awake
 * (xc_sched_rx_awake), until it sleeps again. A worker that keeps up
 * with the rate without the whole core stays SCHED_FIFO while awake:
 * turned normal after 10 ms awake whatever it used, a worker polling a
 * 512-entry Rx ring at 100 kpps (awake throughout, the frames coming
 * faster than it slept) lost 333 frames beside two CPU hogs when they
 * held it off for 3.3 ms.
 * An agent with --no-realtime keeps it normal; a host that refuses
 * SCHED_FIFO leaves it normal and says so.
 *
 * xsk.worker_sched fifo puts every worker of the side on SCHED_FIFO for
 * the whole run; a host that refuses it refuses the run, with the reason,
 * rather than measuring the host's scheduler.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "xc_dp.h"
#include "xc_dp_priv.h"
#include "xc_log.h"
#include "xc_sched.h"
#include "xc_util.h"

static bool xc_rt_allowed = true;

void xc_dp_allow_realtime(bool allow)
{
	xc_rt_allowed = allow;
}

int xc_sched_check(const struct xc_xsk_cfg *c, char *err, size_t errlen)
{
	int max = sched_get_priority_max(SCHED_FIFO);

	if (!c->rt_prio)
		return 0;
	if (!xc_rt_allowed)
		return xc_errf(err, errlen, EPERM,
			       "xsk.worker_sched fifo: this agent runs with --no-realtime");
	if (max < 0 || c->rt_prio > (uint32_t)max)
		return xc_errf(err, errlen, EINVAL,
			       "xsk.rt_priority %u: SCHED_FIFO takes 1..%d here",
			       c->rt_prio, max);
	return 0;
}

static int xc_sched_fifo_spawn(int prio, pthread_t *thr,
			       void *(*fn)(void *), void *arg)
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t attr;
	int ret;

	ret = pthread_attr_init(&attr);
	if (ret)
		return ret;
	ret = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED) ?:
	      pthread_attr_setschedpolicy(&attr, SCHED_FIFO) ?:
	      pthread_attr_setschedparam(&attr, &sp) ?:
	      pthread_create(thr, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return ret;
}

/*
 * A Rx worker starts on SCHED_FIFO too (as it waits, see above): a new
 * normal thread may first run milliseconds after frames began to come.
 * Where the host refuses, it starts normal and says so itself.
 */
int xc_sched_spawn(const struct xc_xsk_cfg *c, pthread_t *thr,
		   void *(*fn)(void *), void *arg)
{
	if (c->rt_prio)
		return xc_sched_fifo_spawn((int)c->rt_prio, thr, fn, arg);
	if (fn == xc_rx_worker && xc_rt_allowed &&
	    !xc_sched_fifo_spawn(XC_RX_RT_PRIO, thr, fn, arg))
		return 0;
	return pthread_create(thr, NULL, fn, arg);
}

/*
 * The timeline's sampler reads its counters at each interval's end: late
 * behind other work, it would put what it reads into a later interval.
 * It runs briefly each time, so SCHED_FIFO (where allowed) costs the host
 * nothing.
 */
int xc_sched_sampler_spawn(pthread_t *thr, void *(*fn)(void *), void *arg)
{
	if (xc_rt_allowed && !xc_sched_fifo_spawn(XC_RX_RT_PRIO, thr, fn, arg))
		return 0;
	return pthread_create(thr, NULL, fn, arg);
}

static int xc_sched_self(int policy, int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return pthread_setschedparam(pthread_self(), policy, &sp);
}

static void xc_sched_rx_off(struct xc_rx_sched *rs, uint32_t queue, int ret)
{
	rs->on = false;
	pr_warn("queue %u: the Rx worker waits as a normal thread (SCHED_FIFO: %s): on a busy host it may take a frame's wake-up milliseconds late\n",
		queue, strerror(ret));
}

/* Before the worker sleeps: SCHED_FIFO, so that its wake-up is prompt. */
void xc_sched_rx_wait(struct xc_rx_sched *rs, uint32_t queue)
{
	int ret;

	rs->awake_ns = 0;
	if (!rs->on || rs->fifo)
		return;
	ret = xc_sched_self(SCHED_FIFO, XC_RX_RT_PRIO);
	if (ret)
		xc_sched_rx_off(rs, queue, ret);
	else
		rs->fifo = true;
}

/*
 * The worker starts as it waits, on SCHED_FIFO, unless its side's workers
 * are on SCHED_FIFO throughout (xsk.worker_sched fifo).
 */
void xc_sched_rx_init(struct xc_rx_sched *rs, const struct xc_xsk_cfg *c,
		      uint32_t queue)
{
	rs->on = !c->rt_prio && xc_rt_allowed;
	rs->fifo = false;
	xc_sched_rx_wait(rs, queue);
}

/*
 * The worker runs at now: normal again once it has used XC_RX_RT_BUSY_PCT
 * of its core over XC_RX_RT_AWAKE_NS awake.
 */
void xc_sched_rx_awake(struct xc_rx_sched *rs, uint64_t now, uint32_t queue)
{
	uint64_t cpu;
	int ret;

	if (!rs->fifo)
		return;
	if (!rs->awake_ns) {
		rs->awake_ns = now;
		rs->awake_cpu_ns = xc_thread_cpu_ns();
		return;
	}
	if (now - rs->awake_ns < XC_RX_RT_AWAKE_NS)
		return;
	cpu = xc_thread_cpu_ns() - rs->awake_cpu_ns;
	if (cpu * 100 < XC_RX_RT_BUSY_PCT * (now - rs->awake_ns)) {
		rs->awake_ns = 0;	/* keeping up: another window */
		return;
	}
	ret = xc_sched_self(SCHED_OTHER, 0);
	if (ret)
		xc_sched_rx_off(rs, queue, ret);
	rs->fifo = false;
}
