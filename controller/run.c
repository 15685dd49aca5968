// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One run, as a sequence of phases over two agent connections. Every phase
 * sends its requests, waits for the replies under a deadline, then moves on.
 * Any error, timeout or lost connection ends the run: the agents are asked
 * to release (best effort, short deadline) and the run reports why.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <uv.h>

#include "xc_ctl.h"
#include "xc_events.h"
#include "xc_limits.h"
#include "xc_log.h"
#include "xc_spec.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_RELEASE_MS		3000
#ifndef XC_TICK_MS
#define XC_TICK_MS		50	/* the fuzz build ticks every 1 ms */
#endif
#define XC_SLOWEST_PPS		50000	/* deadline of a full-speed run */
#define XC_DRAIN_MAX_FACTOR	10	/* drain ends after 10 idle times */

/*
 * Prepare and start go one agent at a time in r->order: an agent that only
 * receives first, one that only sends last (the rx endpoint first when both
 * do both), so every receiver is listening before frames come.
 */
enum xc_phase {
	XC_P_CONNECT,
	XC_P_HELLO,
	XC_P_IFINFO,
	XC_P_PREPARE_1,
	XC_P_PREPARE_2,
	XC_P_CLOCK,
	XC_P_START_RX,
	XC_P_START_TX,
	XC_P_RUN,
	XC_P_DRAIN,
	XC_P_REPORT,
	XC_P_CLOCK_AFTER,
	XC_P_RELEASE,
	XC_P_END,
};

static const char *const xc_phase_names[] = {
	"connect", "hello", "interface info", "prepare", "prepare", "clock",
	"start rx", "start tx", "run", "drain", "report", "clock after run",
	"release", "end",
};

struct xc_run;

struct xc_peer {
	struct xc_run *run;
	const char *name;
	Xceiver__V1__Endpoint *ep;	/* its xsk.queues may be filled in */
	const Xceiver__V1__Endpoint *other;
	struct xc_conn *conn;
	bool connected;
	bool waiting;
	uint64_t wait_id;
	Xceiver__V1__Envelope__BodyCase wait_body;
	uint64_t start_id;
	Xceiver__V1__Progress progress;
	bool sends;
	bool receives;
	Xceiver__V1__Stream **tx_streams;
	size_t n_tx;
	Xceiver__V1__Stream **rx_streams;
	size_t n_rx;
	bool reflects;		/* the reflector of a round trip */
	uint64_t tx_expected;	/* frames it sends */
	uint64_t rx_expected;	/* frames it may receive at most */
	bool done;
	Xceiver__V1__Report **report;	/* where its report goes */
	Xceiver__V1__IfInfo **ifinfo;
	Xceiver__V1__XdpMode *mode;
	uint64_t drain_rx;
	uint64_t drain_since;
	uint64_t last_rx;	/* for the progress rate */
	struct xc_clock_agent *clock;	/* in the run's result */
	struct xc_agent_seen *seen;	/* in the run's result */
	uint64_t msg_tai;	/* when its latest message arrived */
	uint64_t probe_tai;	/* when its latest ClockProbe left */
	struct xc_clock_sample samples[XC_CLOCK_PROBES];
	unsigned int n_samples;
};

struct xc_run {
	uv_loop_t loop;
	Xceiver__V1__TestSpec *spec;
	const struct xc_ctl_opts *opts;
	struct xc_run_result *res;
	struct xc_peer peers[2];
	struct xc_peer *order[2];
	enum xc_phase phase;
	int pending;
	uv_timer_t deadline;
	uv_timer_t tick;
	uv_signal_t sigint;
	uv_signal_t sigterm;
	uint64_t next_id;
	uint64_t start_ns;
	uint64_t last_print;
	bool failed;
	char why[512];
	char phase_name[32];
};

static void xc_run_next(struct xc_run *r);

static unsigned int xc_ms(unsigned int v, unsigned int def)
{
	return v ? v : def;
}

static const Xceiver__V1__Timeouts *xc_timeouts(const struct xc_run *r)
{
	static const Xceiver__V1__Timeouts none = XCEIVER__V1__TIMEOUTS__INIT;

	return r->spec->timeouts ? r->spec->timeouts : &none;
}

/* "prepare rx": the phase and, for per-agent phases, the agent. */
static const char *xc_phase_name(struct xc_run *r)
{
	const struct xc_peer *p = NULL;

	if (r->phase == XC_P_PREPARE_1)
		p = r->order[0];
	else if (r->phase == XC_P_PREPARE_2)
		p = r->order[1];
	if (!p)
		return xc_phase_names[r->phase];
	snprintf(r->phase_name, sizeof(r->phase_name), "%s %s",
		 xc_phase_names[r->phase], p->name);
	return r->phase_name;
}

static void xc_run_stop_timers(struct xc_run *r)
{
	uv_timer_stop(&r->deadline);
	uv_timer_stop(&r->tick);
}

/* Close both connections and the timers: uv_run then returns. */
static void xc_run_finish(struct xc_run *r)
{
	int i;

	r->phase = XC_P_END;
	xc_run_stop_timers(r);
	for (i = 0; i < 2; i++)
		if (r->peers[i].conn)
			xc_conn_close(r->peers[i].conn, 0);
	if (!uv_is_closing((uv_handle_t *)&r->deadline)) {
		uv_close((uv_handle_t *)&r->deadline, NULL);
		uv_close((uv_handle_t *)&r->tick, NULL);
		uv_close((uv_handle_t *)&r->sigint, NULL);
		uv_close((uv_handle_t *)&r->sigterm, NULL);
	}
}

static void xc_deadline_fired(uv_timer_t *t);

static void xc_run_deadline(struct xc_run *r, uint64_t ms)
{
	uv_timer_start(&r->deadline, xc_deadline_fired, ms, 0);
}

static int xc_peer_send(struct xc_peer *p, Xceiver__V1__Envelope *env,
			Xceiver__V1__Envelope__BodyCase reply)
{
	int err;

	env->request_id = ++p->run->next_id;
	err = xc_conn_send(p->conn, env);
	if (err)
		return err;
	p->waiting = true;
	p->wait_id = env->request_id;
	p->wait_body = reply;
	p->run->pending++;
	return 0;
}

static void xc_release_all(struct xc_run *r);

/*
 * End the run with an error. Connected agents are asked to release first;
 * a failure while releasing ends at once.
 */
static void __attribute__((format(printf, 2, 3)))
xc_run_fail(struct xc_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->phase == XC_P_END)
		return;
	if (!r->failed) {
		va_start(ap, fmt);
		vsnprintf(r->why, sizeof(r->why), fmt, ap);
		va_end(ap);
		r->failed = true;
		snprintf(r->res->fail.phase, sizeof(r->res->fail.phase), "%s",
			 xc_phase_name(r));
	}
	if (r->phase == XC_P_RELEASE) {
		xc_run_finish(r);
		return;
	}
	xc_release_all(r);
}

static void xc_deadline_fired(uv_timer_t *t)
{
	struct xc_run *r = t->data;
	const char *who = "";
	int i;

	for (i = 0; i < 2; i++)
		if (r->peers[i].waiting)
			who = r->peers[i].name;
	switch (r->phase) {
	case XC_P_RUN:
		i = r->peers[XC_TX].sends && !r->peers[XC_TX].done ? XC_TX :
		    XC_RX;
		xc_run_fail(r, "timed out: the %s agent %s did not finish sending in time",
			    r->peers[i].name, r->peers[i].ep->agent);
		break;
	case XC_P_DRAIN:
		pr_warn("receivers still busy after the drain deadline, asking for the reports\n");
		xc_run_next(r);
		break;
	case XC_P_RELEASE:
		xc_run_finish(r);
		break;
	default:
		xc_run_fail(r, "timed out waiting for the %s agent during %s",
			    who, xc_phase_name(r));
		break;
	}
}

/* Ctrl-C or SIGTERM: release both agents, then report why. */
static void xc_on_signal(uv_signal_t *h, int signum)
{
	struct xc_run *r = h->data;

	if (r->phase == XC_P_RELEASE) {
		xc_run_finish(r);
		return;
	}
	xc_run_fail(r, "interrupted by %s during %s", strsignal(signum),
		    xc_phase_name(r));
}

/* ------------------------------------------------------------ requests */

static int xc_send_hello(struct xc_peer *p)
{
	Xceiver__V1__Hello hello;
	Xceiver__V1__Envelope env;

	xc_env_hello(&env, &hello, 0);
	return xc_peer_send(p, &env, XCEIVER__V1__ENVELOPE__BODY_HELLO);
}

static int xc_send_ifinfo(struct xc_peer *p)
{
	Xceiver__V1__IfInfoRequest req = XCEIVER__V1__IF_INFO_REQUEST__INIT;
	Xceiver__V1__Envelope env;

	req.ifname = p->ep->xsk->ifname;
	xc_env_init(&env, 0);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_IFINFO_REQUEST;
	env.ifinfo_request = &req;
	return xc_peer_send(p, &env, XCEIVER__V1__ENVELOPE__BODY_IFINFO);
}

static int xc_send_prepare(struct xc_peer *p)
{
	Xceiver__V1__Prepare prep = XCEIVER__V1__PREPARE__INIT;
	Xceiver__V1__RxOptions reflect = XCEIVER__V1__RX_OPTIONS__INIT;
	const Xceiver__V1__TestSpec *s = p->run->spec;
	Xceiver__V1__Envelope env;

	prep.run_id = p->run->res->run_id;
	prep.xsk = p->ep->xsk;
	prep.peer_xsk = p->other->xsk;
	prep.n_tx_streams = p->n_tx;
	prep.tx_streams = p->tx_streams;
	prep.n_rx_streams = p->n_rx;
	prep.rx_streams = p->rx_streams;
	if (p->receives)
		prep.rx_options = s->rx_options;
	if (p->reflects) {
		reflect.xdp_action = XCEIVER__V1__XDP_ACTION__XDP_ACTION_REFLECT;
		prep.rx_options = &reflect;
	}
	if (s->expect)
		prep.max_missing_ranges = s->expect->max_missing_ranges;
	prep.path = s->path;
	prep.timeline_interval_ns = s->timeline_interval_us * 1000ull;
	if (s->path && p->sends)
		prep.gateway = p == &p->run->peers[XC_TX] ? s->path->gateway :
			       s->path->rx_gateway;
	xc_env_init(&env, 0);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_PREPARE;
	env.prepare = &prep;
	return xc_peer_send(p, &env, XCEIVER__V1__ENVELOPE__BODY_PREPARED);
}

static int xc_send_simple(struct xc_peer *p,
			  Xceiver__V1__Envelope__BodyCase body,
			  Xceiver__V1__Envelope__BodyCase reply)
{
	Xceiver__V1__ReportRequest rr = XCEIVER__V1__REPORT_REQUEST__INIT;
	Xceiver__V1__Release rel = XCEIVER__V1__RELEASE__INIT;
	Xceiver__V1__Envelope env;

	xc_env_init(&env, 0);
	env.body_case = body;
	if (body == XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST)
		env.report_request = &rr;
	else
		env.release = &rel;
	return xc_peer_send(p, &env, reply);
}

static void xc_release_all(struct xc_run *r)
{
	int i;

	r->phase = XC_P_RELEASE;
	r->pending = 0;
	xc_run_stop_timers(r);
	for (i = 0; i < 2; i++) {
		struct xc_peer *p = &r->peers[i];

		p->waiting = false;
		if (p->conn && p->connected)
			xc_send_simple(p, XCEIVER__V1__ENVELOPE__BODY_RELEASE,
				       XCEIVER__V1__ENVELOPE__BODY_RELEASED);
	}
	if (!r->pending) {
		xc_run_finish(r);
		return;
	}
	xc_run_deadline(r, XC_RELEASE_MS);
}

/* ------------------------------------------------------------ replies */

static int xc_check_queues(struct xc_peer *p, const Xceiver__V1__IfInfo *info)
{
	const Xceiver__V1__XskConfig *x = p->ep->xsk;
	size_t i;

	for (i = 0; i < x->n_queues; i++) {
		if (x->queues[i] < info->rx_queues || !info->rx_queues)
			continue;
		xc_run_fail(p->run,
			    "%s agent %s: queue %u does not exist on %s (it has %u rx queue%s)",
			    p->name, p->ep->agent, x->queues[i], info->ifname,
			    info->rx_queues, info->rx_queues == 1 ? "" : "s");
		return -EINVAL;
	}
	return 0;
}

/*
 * xsk.all_queues: list every queue the agent's interface has (a socket
 * must fit both its Rx and its Tx queue count).
 */
static int xc_all_queues(struct xc_peer *p, const Xceiver__V1__IfInfo *info)
{
	Xceiver__V1__XskConfig *x = p->ep->xsk;
	uint32_t n = info->rx_queues, i;

	if (!x->all_queues || x->n_queues)
		return 0;
	if (info->tx_queues && (!n || info->tx_queues < n))
		n = info->tx_queues;
	n = n ? n : 1;
	x->queues = calloc(n, sizeof(*x->queues));
	if (!x->queues) {
		xc_run_fail(p->run, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		x->queues[i] = i;
	x->n_queues = n;
	x->all_queues = false;
	pr_info("%s agent %s: all %u queue%s of %s\n", p->name, p->ep->agent,
		n, n == 1 ? "" : "s", info->ifname);
	return 0;
}

/* Keep a copy of a report for the verdict. */
static int xc_keep_report(struct xc_peer *p, const Xceiver__V1__Report *rep)
{
	if (*p->report) {
		xc_run_fail(p->run, "%s agent %s sent a second report",
			    p->name, p->ep->agent);
		return -EPROTO;
	}
	*p->report = (Xceiver__V1__Report *)xc_pb_dup(&rep->base);
	if (!*p->report) {
		xc_run_fail(p->run, "out of memory");
		return -ENOMEM;
	}
	/* it timed the frames it sent, reflected back to it */
	if (p->run->spec->reflect && !p->reflects && (*p->report)->latency)
		(*p->report)->latency->round_trip = true;
	return 0;
}

static bool xc_has_capability(const Xceiver__V1__Hello *h, const char *cap)
{
	size_t i;

	for (i = 0; i < h->n_capabilities; i++)
		if (!strcmp(h->capabilities[i], cap))
			return true;
	return false;
}

static int xc_send_clock_probe(struct xc_peer *p)
{
	Xceiver__V1__ClockProbe probe = XCEIVER__V1__CLOCK_PROBE__INIT;
	Xceiver__V1__Envelope env;

	xc_env_init(&env, 0);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_CLOCK_PROBE;
	env.clock_probe = &probe;
	p->probe_tai = xc_now_ns(CLOCK_TAI);
	return xc_peer_send(p, &env, XCEIVER__V1__ENVELOPE__BODY_CLOCK_READING);
}

static void xc_clock_log(const struct xc_peer *p, struct xc_offset o)
{
	pr_debug("clock %s: %s agent %s minus controller %+" PRId64
		 " ns within %" PRIu64 " ns\n",
		 p->run->phase == XC_P_CLOCK ? "before" : "after", p->name,
		 p->ep->agent, o.offset_ns, o.bound_ns);
}

/* The pair's offset, once known (-v; the summary prints it). */
static void xc_clock_log_pair(const char *when, struct xc_offset o)
{
	if (o.known)
		pr_debug("clock %s: rx agent minus tx agent %+" PRId64
			 " ns within %" PRIu64 " ns\n", when, o.offset_ns,
			 o.bound_ns);
}

/*
 * One timed exchange done: keep it, and send the next probe (1: still
 * waiting) or, after the last, estimate the agent's offset (0).
 */
static int xc_on_clock_reading(struct xc_peer *p,
			       const Xceiver__V1__ClockReading *rd)
{
	struct xc_clock_sample *sm = &p->samples[p->n_samples++];
	struct xc_run_clock *c = &p->run->res->clock;
	struct xc_offset o;

	sm->t1 = p->probe_tai;
	sm->t2 = rd->tai_ns;
	sm->t3 = p->msg_tai;
	if (rd->state)
		xc_clock_keep_state(p->clock, rd->state);
	if (p->n_samples < XC_CLOCK_PROBES) {
		p->run->pending--;
		if (xc_send_clock_probe(p))
			xc_run_fail(p->run, "%s agent %s: cannot send a clock probe",
				    p->name, p->ep->agent);
		return 1;
	}
	o = xc_clock_estimate(p->samples, p->n_samples);
	if (p->run->phase == XC_P_CLOCK)
		p->clock->before = o;
	else
		p->clock->after = o;
	xc_clock_update(c);
	xc_clock_log(p, o);
	return 0;
}

/*
 * An agent that advertised clock-probe but refused one: its offset stays
 * unknown and the run goes on. 1 when env was that refusal.
 */
static int xc_clock_refused(struct xc_peer *p,
			    const Xceiver__V1__Envelope *env)
{
	if (!p->waiting || env->request_id != p->wait_id ||
	    p->wait_body != XCEIVER__V1__ENVELOPE__BODY_CLOCK_READING)
		return 0;
	pr_warn("%s agent %s refused a clock probe (%s): the offset of its clock is unknown\n",
		p->name, p->ep->agent, env->error->message);
	p->clock->probed = false;
	p->waiting = false;
	if (--p->run->pending == 0)
		xc_run_next(p->run);
	return 1;
}

/* Who the agent proved to be, for the summary and the JSON. */
static void xc_peer_identity(struct xc_peer *p)
{
	struct xc_run_result *res = p->run->res;
	const char *id = xc_conn_identity(p->conn);
	int side = p == &p->run->peers[XC_TX] ? XC_TX : XC_RX;

	snprintf(res->agent_id[side], sizeof(res->agent_id[side]), "%s",
		 id ? id : "");
}

/* Keep what the agent says of itself, for a run that cannot finish. */
static int xc_peer_keep_said(struct xc_peer *p,
			     const Xceiver__V1__Envelope *env)
{
	int err = 0;

	if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_HELLO)
		err = xc_seen_keep((ProtobufCMessage **)&p->seen->hello,
				   &env->hello->base);
	else if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_PREPARED)
		err = xc_seen_keep((ProtobufCMessage **)&p->seen->prepared,
				   &env->prepared->base);
	if (err)
		xc_run_fail(p->run, "out of memory");
	return err;
}

static void xc_on_reply(struct xc_peer *p, const Xceiver__V1__Envelope *env)
{
	Xceiver__V1__IfInfo *info;

	if (xc_peer_keep_said(p, env))
		return;
	switch (env->body_case) {
	case XCEIVER__V1__ENVELOPE__BODY_HELLO:
		if (env->hello->protocol_version != XC_PROTOCOL_VERSION) {
			xc_run_fail(p->run,
				    "%s agent %s speaks protocol %u, this controller %u",
				    p->name, p->ep->agent,
				    env->hello->protocol_version,
				    XC_PROTOCOL_VERSION);
			return;
		}
		pr_debug("%s agent %s: version %s\n", p->name, p->ep->agent,
			 env->hello->software_version);
		xc_peer_identity(p);
		xc_events_hello(p->run->opts->events, p->name, p->ep->agent,
				env->hello, xc_conn_identity(p->conn));
		p->clock->probed = xc_has_capability(env->hello,
						     "clock-probe");
		break;
	case XCEIVER__V1__ENVELOPE__BODY_IFINFO:
		info = (Xceiver__V1__IfInfo *)xc_pb_dup(&env->ifinfo->base);
		if (!info) {
			xc_run_fail(p->run, "out of memory");
			return;
		}
		*p->ifinfo = info;
		if (xc_all_queues(p, info) || xc_check_queues(p, info))
			return;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_PREPARED:
		*p->mode = env->prepared->mode;
		xc_events_prepared(p->run->opts->events, p->name,
				   p->ep->agent, env->prepared);
		break;
	case XCEIVER__V1__ENVELOPE__BODY_STARTED:
		p->start_id = env->request_id;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_REPORT:
		if (xc_keep_report(p, env->report))
			return;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_CLOCK_READING:
		if (xc_on_clock_reading(p, env->clock_reading))
			return;
		break;
	default:
		break;
	}
	p->waiting = false;
	if (--p->run->pending == 0)
		xc_run_next(p->run);
}

static bool xc_senders_done(const struct xc_run *r)
{
	return (!r->peers[XC_TX].sends || r->peers[XC_TX].done) &&
	       (!r->peers[XC_RX].sends || r->peers[XC_RX].done);
}

/*
 * Done: the agent finished sending. One that only sends carries its report;
 * one that also receives reports on request.
 */
static void xc_on_done(struct xc_peer *p, const Xceiver__V1__Envelope *env)
{
	struct xc_run *r = p->run;

	if (!p->sends || p->done) {
		xc_run_fail(r, "%s agent %s sent an unexpected done",
			    p->name, p->ep->agent);
		return;
	}
	p->done = true;
	if (!p->receives) {
		if (!env->done->report) {
			xc_run_fail(r, "%s agent %s finished sending without a report",
				    p->name, p->ep->agent);
			return;
		}
		if (xc_keep_report(p, env->done->report))
			return;
	}
	if (r->phase == XC_P_RUN && xc_senders_done(r))
		xc_run_next(r);
}

static int xc_peer_on_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	struct xc_peer *p = xc_conn_data(c);
	struct xc_run *r = p->run;

	p->msg_tai = xc_now_ns(CLOCK_TAI);
	switch (env->body_case) {
	case XCEIVER__V1__ENVELOPE__BODY_ERROR:
		if (xc_clock_refused(p, env))
			return 0;
		if (r->phase == XC_P_RELEASE && !r->failed)
			pr_warn("%s agent %s: %s\n", p->name, p->ep->agent,
				env->error->message);
		xc_run_fail(r, "%s agent %s: %s", p->name, p->ep->agent,
			    env->error->message);
		return 0;
	case XCEIVER__V1__ENVELOPE__BODY_PROGRESS:
		if (env->request_id == p->start_id) {
			p->progress.elapsed_ns = env->progress->elapsed_ns;
			p->progress.rx_frames = env->progress->rx_frames;
			p->progress.tx_frames = env->progress->tx_frames;
			p->progress.rx_valid = env->progress->rx_valid;
			p->progress.tx_done = env->progress->tx_done;
			p->seen->has_progress = true;
			xc_events_progress(r->opts->events, p->name,
					   &p->progress, p->done);
		}
		return 0;
	case XCEIVER__V1__ENVELOPE__BODY_DONE:
		xc_on_done(p, env);
		return 0;
	default:
		break;
	}
	if (!p->waiting || env->request_id != p->wait_id ||
	    env->body_case != p->wait_body) {
		xc_run_fail(r, "%s agent %s sent an unexpected %s message",
			    p->name, p->ep->agent, xc_env_body_name(env));
		return 0;
	}
	xc_on_reply(p, env);
	return 0;
}

static void xc_peer_on_close(struct xc_conn *c, int err)
{
	struct xc_peer *p = xc_conn_data(c);
	struct xc_run *r = p->run;

	p->conn = NULL;
	p->connected = false;
	if (r->phase == XC_P_END)
		return;
	if (p->waiting && r->pending)
		r->pending--;
	p->waiting = false;
	if (xc_conn_failure(c))
		xc_run_fail(r, "%s agent %s: %s", p->name, p->ep->agent,
			    xc_conn_failure(c));
	else if (!xc_conn_security() && r->phase == XC_P_HELLO)
		xc_run_fail(r, "%s agent %s closed the connection without answering hello: it may require TLS (this controller runs --plain)",
			    p->name, p->ep->agent);
	/* silent beyond --liveness (ours, or the kernel's user timeout) */
	else if (err == -ETIMEDOUT)
		xc_run_fail(r, "%s agent %s unresponsive for %u s during %s",
			    p->name, p->ep->agent, r->opts->liveness_s,
			    xc_phase_name(r));
	else
		xc_run_fail(r, "%s agent %s closed the connection during %s%s%s",
			    p->name, p->ep->agent, xc_phase_name(r),
			    err ? ": " : "", err ? strerror(-err) : "");
	if (r->phase == XC_P_RELEASE && !r->pending)
		xc_run_finish(r);
}

static void xc_peer_on_connect(struct xc_conn *c, int err)
{
	struct xc_peer *p = xc_conn_data(c);
	struct xc_run *r = p->run;

	if (err) {
		xc_run_fail(r, "cannot reach the %s agent at %s: %s", p->name,
			    p->ep->agent, err == -ETIMEDOUT ?
			    "connection timed out" : strerror(-err));
		return;
	}
	p->connected = true;
	if (--r->pending == 0)
		xc_run_next(r);
}

static const struct xc_conn_ops xc_peer_ops = {
	.on_msg = xc_peer_on_msg,
	.on_close = xc_peer_on_close,
	.on_connect = xc_peer_on_connect,
};

/* ------------------------------------------------------------ phases */

static int xc_phase_connect(struct xc_run *r)
{
	unsigned int ms = xc_ms(xc_timeouts(r)->connect_ms,
				XC_DEF_CONNECT_MS);
	struct xc_conn_limits lim = {
		.liveness_ms = r->opts->liveness_s * 1000,
	};
	int i, err;

	for (i = 0; i < 2; i++) {
		struct xc_peer *p = &r->peers[i];

		p->conn = xc_conn_new(&r->loop, &xc_peer_ops, p);
		if (!p->conn)
			return -ENOMEM;
		xc_conn_set_limits(p->conn, &lim);
		err = xc_conn_connect(p->conn, p->ep->agent, ms);
		if (err) {
			xc_run_fail(r, "%s agent %s: %s", p->name, p->ep->agent,
				    strerror(-err));
			return err;
		}
		r->pending++;
	}
	xc_run_deadline(r, ms + 1000);
	return 0;
}

/* Use the agents' interface addresses for whatever the spec left empty. */
static int xc_set_str(char **field, const char *val)
{
	char *dup;

	if (*field && **field)
		return 0;
	dup = strdup(val);
	if (!dup)
		return -ENOMEM;
	if (*field != protobuf_c_empty_string)
		free(*field);
	*field = dup;
	return 0;
}

static const char *xc_pick(const char *have, const char *fallback)
{
	return have && *have ? have : fallback;
}

/* Source from the agent that sends the stream, destination from the other. */
static int xc_resolve_headers(struct xc_run *r)
{
	size_t i;
	int err = 0;

	for (i = 0; i < r->spec->n_streams; i++) {
		Xceiver__V1__Stream *st = r->spec->streams[i];
		Xceiver__V1__Headers *h = st->headers;
		enum xc_side from = xc_stream_sender(st);
		const Xceiver__V1__IfInfo *t = from == XC_TX ? r->res->tx_if :
						r->res->rx_if;
		const Xceiver__V1__IfInfo *x = from == XC_TX ? r->res->rx_if :
						r->res->tx_if;
		bool v6 = h->ip_version ==
			  XCEIVER__V1__IP_VERSION__IP_VERSION_6;

		err |= xc_set_str(&h->src_mac, t->mac);
		err |= xc_set_str(&h->dst_mac, x->mac);
		err |= xc_set_str(&h->src_ip, v6 ?
				  xc_pick(t->ipv6, from == XC_TX ? "2001:2::1" :
					  "2001:2::2") :
				  xc_pick(t->ipv4, from == XC_TX ? "198.18.0.1" :
					  "198.18.0.2"));
		err |= xc_set_str(&h->dst_ip, v6 ?
				  xc_pick(x->ipv6, from == XC_TX ? "2001:2::2" :
					  "2001:2::1") :
				  xc_pick(x->ipv4, from == XC_TX ? "198.18.0.2" :
					  "198.18.0.1"));
	}
	return err ? -ENOMEM : 0;
}

/*
 * A round trip: the tx endpoint validates what comes back, each stream
 * with its ends swapped (the reflector swaps them in every frame). The
 * copies are made once the addresses are resolved.
 */
static int xc_reflect_streams(struct xc_run *r)
{
	struct xc_peer *t = &r->peers[XC_TX];
	Xceiver__V1__Stream *st;
	Xceiver__V1__Headers *h;
	size_t i;

	if (!r->spec->reflect)
		return 0;
	for (i = 0; i < r->spec->n_streams; i++) {
		st = (Xceiver__V1__Stream *)xc_pb_dup(&r->spec->streams[i]->base);
		if (!st)
			return -ENOMEM;
		t->rx_streams[t->n_rx++] = st;
		st->direction = XCEIVER__V1__DIRECTION__DIRECTION_RX_TO_TX;
		h = st->headers;
		if (!h)
			continue;
		XC_SWAP(h->src_mac, h->dst_mac);
		XC_SWAP(h->src_ip, h->dst_ip);
		if (h->udp) {
			XC_SWAP(h->udp->src, h->udp->dst);
			XC_SWAP(h->udp->src_max, h->udp->dst_max);
		}
	}
	return 0;
}

/* Time to send everything at the spec's rates (full speed: a slow rate). */
static uint64_t xc_run_deadline_ms(const struct xc_run *r)
{
	const Xceiver__V1__TestSpec *s = r->spec;
	uint64_t ms = 0;
	size_t i;

	if (xc_timeouts(r)->run_ms)
		return xc_timeouts(r)->run_ms;
	for (i = 0; i < s->n_streams; i++) {
		double pps = xc_spec_stream_pps(s->streams[i]);

		if (pps < 1)
			pps = pps > 0 ? pps : XC_SLOWEST_PPS;
		ms += (uint64_t)((double)s->streams[i]->count * 1000.0 / pps);
	}
	return ms + ms / 2 + 10000;
}

static void xc_print_peer(const struct xc_peer *p, double dt, char *buf,
			  size_t len)
{
	const Xceiver__V1__Progress *g = &p->progress;
	size_t off;

	off = snprintf(buf, len, "%s:", p->name);
	if (p->sends && off < len)
		off += snprintf(buf + off, len - off, " sent %" PRIu64 "/%"
				PRIu64 "%s", g->tx_frames, p->tx_expected,
				p->done ? " (done)" : "");
	if (p->receives && off < len)
		off += snprintf(buf + off, len - off, "%s received %" PRIu64
				", %" PRIu64 " valid", p->sends ? "," : "",
				g->rx_frames,
				g->rx_valid);
	/* a rate over less than 0.2 s says little */
	if (p->receives && dt >= 0.2 && off < len)
		snprintf(buf + off, len - off, ", %.1f kpps",
			 (double)(g->rx_frames - p->last_rx) / dt / 1e3);
}

static void xc_print_progress(struct xc_run *r, bool force)
{
	uint64_t now = xc_mono_ns();
	double dt = (double)(now - r->last_print) / 1e9;
	char a[160] = "", b[160] = "";
	int i;

	if (!r->opts->progress || !r->start_ns)
		return;
	if (!force && now - r->last_print < 1000000000ull)
		return;
	for (i = 0; i < 2; i++) {
		struct xc_peer *p = r->order[i];

		xc_print_peer(p, dt, i ? b : a, sizeof(a));
		p->last_rx = p->progress.rx_frames;
	}
	r->last_print = now;
	fprintf(stderr, "  %6.1fs  %s   %s%s\n", (double)(now - r->start_ns) /
		1e9, a, b, r->phase == XC_P_DRAIN ? "   (draining)" : "");
}

/* Every receiver has all it may get, or has been quiet for idle ms. */
static bool xc_drained(struct xc_run *r)
{
	uint64_t now = xc_mono_ns();
	uint64_t idle = xc_ms(xc_timeouts(r)->drain_idle_ms,
			      XC_DEF_DRAIN_MS) * 1000000ull;
	bool all = true;
	int i;

	for (i = 0; i < 2; i++) {
		struct xc_peer *p = &r->peers[i];

		if (!p->receives)
			continue;
		if (p->progress.rx_frames != p->drain_rx) {
			p->drain_rx = p->progress.rx_frames;
			p->drain_since = now;
		}
		if (p->progress.rx_frames < p->rx_expected &&
		    now - p->drain_since < idle)
			all = false;
	}
	return all;
}

static void xc_tick(uv_timer_t *tm)
{
	struct xc_run *r = tm->data;

	xc_print_progress(r, false);
	if (r->phase == XC_P_DRAIN && xc_drained(r))
		xc_run_next(r);
}

static int xc_phase_drain(struct xc_run *r)
{
	unsigned int idle = xc_ms(xc_timeouts(r)->drain_idle_ms,
				  XC_DEF_DRAIN_MS);
	int i;

	for (i = 0; i < 2; i++) {
		r->peers[i].drain_rx = r->peers[i].progress.rx_frames;
		r->peers[i].drain_since = xc_mono_ns();
	}
	xc_run_deadline(r, (uint64_t)idle * XC_DRAIN_MAX_FACTOR + 5000);
	return 0;
}

static int xc_phase_report(struct xc_run *r)
{
	int i, err;

	for (i = 0; i < 2; i++) {
		if (!r->peers[i].receives)
			continue;
		err = xc_send_simple(&r->peers[i],
				     XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST,
				     XCEIVER__V1__ENVELOPE__BODY_REPORT);
		if (err)
			return err;
	}
	return r->pending ? 0 : 1;
}

/*
 * To a receiver: its clock minus its sender's (the other agent's), as
 * measured before the run. The rx endpoint receives from the tx endpoint
 * (the pair's offset); in a bidirectional run the tx endpoint receives
 * too, from the rx endpoint: the same offset negated, the same bound.
 */
static void xc_start_clock(Xceiver__V1__Start *start,
			   const struct xc_run_clock *c, int side,
			   bool reflect)
{
	struct xc_offset o = c->pair_before;

	if (reflect) {	/* the sender times its own frames: one clock */
		start->clock_offset_known = true;
		start->clock_offset_ns = 0;
		start->clock_bound_ns = 0;
		return;
	}

	start->clock_offset_known = o.known;
	start->clock_offset_ns = side == XC_RX ? o.offset_ns : -o.offset_ns;
	start->clock_bound_ns = o.bound_ns;
}

/*
 * Time each agent's clock against ours (the agents that answer
 * ClockProbe); 1 when none does.
 */
static int xc_phase_clock(struct xc_run *r)
{
	int i, err;

	for (i = 0; i < 2; i++) {
		struct xc_peer *p = &r->peers[i];

		if (!p->clock->probed)
			continue;
		p->n_samples = 0;
		err = xc_send_clock_probe(p);
		if (err)
			return err;
	}
	return r->pending ? 0 : 1;
}

/*
 * Start every receiver's Rx, or every sender's Tx: all Rx workers run
 * before the first frame leaves. Returns 1 when nobody needs it.
 */
static int xc_phase_start(struct xc_run *r, bool tx)
{
	Xceiver__V1__Start start = XCEIVER__V1__START__INIT;
	Xceiver__V1__Envelope env;
	int side, err;

	start.rx = !tx;
	start.tx = tx;
	for (side = XC_TX; side <= XC_RX; side++) {
		if (tx ? !xc_side_sends(r->spec, side) :
			 !xc_side_receives(r->spec, side))
			continue;
		if (!tx)
			xc_start_clock(&start, &r->res->clock, side,
				       r->spec->reflect);
		xc_env_init(&env, 0);
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_START;
		env.start = &start;
		err = xc_peer_send(&r->peers[side], &env,
				   XCEIVER__V1__ENVELOPE__BODY_STARTED);
		if (err)
			return err;
	}
	return r->pending ? 0 : 1;
}

/*
 * Before anything is prepared: refuse a run the interfaces cannot carry,
 * say now what puts it at risk (the summary says it again).
 */
static int xc_run_preflight(struct xc_run *r)
{
	struct xc_findings *fs = &r->res->preflight;
	const struct xc_finding *refused = NULL;
	size_t i;

	if (xc_preflight(r->spec, r->res->tx_if, r->res->rx_if, fs))
		return -ENOMEM;
	for (i = 0; i < fs->n; i++) {
		/* the first refusal becomes the run's reason */
		if (fs->f[i].refuse && !refused) {
			refused = &fs->f[i];
			continue;
		}
		fprintf(stderr, "xceiver: preflight: %s%s\n",
			fs->f[i].refuse ? "" : "warning: ", fs->f[i].text);
	}
	if (!refused)
		return 0;
	xc_run_fail(r, "preflight: %s", refused->text);
	return -EINVAL;
}

/* Send what phase r->phase needs; returns an error if it could not. */
static int xc_phase_begin(struct xc_run *r)
{
	unsigned int reply = xc_ms(xc_timeouts(r)->reply_ms, XC_DEF_REPLY_MS);
	struct xc_peer *t = &r->peers[XC_TX], *x = &r->peers[XC_RX];
	int err = 0;

	switch (r->phase) {
	case XC_P_CONNECT:
		return xc_phase_connect(r);
	case XC_P_HELLO:
		err = xc_send_hello(t) ?: xc_send_hello(x);
		break;
	case XC_P_IFINFO:
		err = xc_send_ifinfo(t) ?: xc_send_ifinfo(x);
		break;
	case XC_P_PREPARE_1:
		err = xc_run_preflight(r) ?: xc_resolve_headers(r) ?:
		      xc_reflect_streams(r) ?: xc_send_prepare(r->order[0]);
		break;
	case XC_P_PREPARE_2:
		err = xc_send_prepare(r->order[1]);
		break;
	case XC_P_CLOCK:
	case XC_P_CLOCK_AFTER:
		err = xc_phase_clock(r);
		if (err)
			return err;
		break;
	case XC_P_START_RX:
		xc_clock_log_pair("before", r->res->clock.pair_before);
		r->start_ns = r->last_print = xc_mono_ns();
		err = xc_phase_start(r, false);
		if (err)
			return err;
		break;
	case XC_P_START_TX:
		err = xc_phase_start(r, true);
		if (err)
			return err;
		break;
	case XC_P_RUN:
		if (xc_senders_done(r))
			return 1;
		xc_run_deadline(r, xc_run_deadline_ms(r));
		return 0;
	case XC_P_DRAIN:
		return xc_phase_drain(r);
	case XC_P_REPORT:
		err = xc_phase_report(r);
		if (err)
			return err;
		break;
	case XC_P_RELEASE:
		xc_clock_log_pair("after", r->res->clock.pair_after);
		xc_clock_log_pair("over the run", r->res->clock.pair);
		xc_release_all(r);
		return 0;
	case XC_P_END:
		xc_run_finish(r);
		return 0;
	}
	if (!err)
		xc_run_deadline(r, reply);
	return err;
}

/* Move to the next phase; a phase that has nothing to wait for returns 1. */
static void xc_run_next(struct xc_run *r)
{
	int ret;

	do {
		uv_timer_stop(&r->deadline);
		r->phase++;
		pr_debug("phase: %s\n", xc_phase_name(r));
		if (r->phase == XC_P_DRAIN || r->phase == XC_P_REPORT)
			xc_print_progress(r, true);
		ret = xc_phase_begin(r);
	} while (ret == 1);
	if (ret < 0)
		xc_run_fail(r, "%s: %s", xc_phase_name(r), strerror(-ret));
}

static uint64_t xc_random_id(void)
{
	uint64_t id = 0;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = xc_now_ns(CLOCK_REALTIME) ^ ((uint64_t)getpid() << 32);
	return id ? id : 1;
}

enum xc_side xc_stream_sender(const Xceiver__V1__Stream *st)
{
	return st->direction == XCEIVER__V1__DIRECTION__DIRECTION_RX_TO_TX ?
	       XC_RX : XC_TX;
}

bool xc_side_sends(const Xceiver__V1__TestSpec *s, enum xc_side side)
{
	size_t i;

	for (i = 0; i < s->n_streams; i++)
		if (xc_stream_sender(s->streams[i]) == side)
			return true;
	return false;
}

bool xc_side_receives(const Xceiver__V1__TestSpec *s, enum xc_side side)
{
	return (s->reflect && s->n_streams) ||
	       xc_side_sends(s, side == XC_TX ? XC_RX : XC_TX);
}

enum xc_side xc_stream_receiver(const Xceiver__V1__TestSpec *s,
				const Xceiver__V1__Stream *st)
{
	if (s->reflect)
		return XC_TX;
	return xc_stream_sender(st) == XC_TX ? XC_RX : XC_TX;
}

bool xc_side_validates(const Xceiver__V1__TestSpec *s, enum xc_side side)
{
	size_t i;

	for (i = 0; i < s->n_streams; i++)
		if (xc_stream_receiver(s, s->streams[i]) == side)
			return true;
	return false;
}

/* Split the streams between the two agents. */
static int xc_peer_init(struct xc_run *r, enum xc_side side)
{
	struct xc_peer *p = &r->peers[side];
	Xceiver__V1__TestSpec *s = r->spec;
	size_t i;

	*p = (struct xc_peer){
		.run = r,
		.name = side == XC_TX ? "tx" : "rx",
		.ep = side == XC_TX ? s->tx : s->rx,
		.other = side == XC_TX ? s->rx : s->tx,
		.report = side == XC_TX ? &r->res->tx : &r->res->rx,
		.ifinfo = side == XC_TX ? &r->res->tx_if : &r->res->rx_if,
		.mode = side == XC_TX ? &r->res->tx_mode : &r->res->rx_mode,
		.clock = &r->res->clock.agent[side],
		.seen = &r->res->seen[side],
	};
	p->tx_streams = calloc(s->n_streams, sizeof(*p->tx_streams));
	p->rx_streams = calloc(s->n_streams, sizeof(*p->rx_streams));
	if (!p->tx_streams || !p->rx_streams)
		return -ENOMEM;
	for (i = 0; i < s->n_streams; i++) {
		Xceiver__V1__Stream *st = s->streams[i];

		if (xc_stream_sender(st) == side) {
			p->tx_streams[p->n_tx++] = st;
			p->tx_expected += st->count;
		} else {
			p->rx_streams[p->n_rx++] = st;
			p->rx_expected += st->count;
		}
	}
	p->sends = p->n_tx > 0;
	p->receives = p->n_rx > 0;
	if (s->reflect && side == XC_TX) {	/* xc_reflect_streams */
		p->receives = p->sends;
		p->rx_expected = p->tx_expected;
	}
	if (s->reflect && side == XC_RX) {	/* nothing reaches its sockets */
		p->reflects = p->receives;
		p->rx_expected = 0;
	}
	return 0;
}

static void xc_peer_free(struct xc_peer *p)
{
	size_t i;

	for (i = 0; p->run && p->run->spec->reflect && !p->reflects &&
		    i < p->n_rx; i++)
		protobuf_c_message_free_unpacked(&p->rx_streams[i]->base, NULL);
	free(p->tx_streams);
	free(p->rx_streams);
}

static int xc_run_init(struct xc_run *r, Xceiver__V1__TestSpec *spec,
		       const struct xc_ctl_opts *opts,
		       struct xc_run_result *res)
{
	struct xc_peer *t = &r->peers[XC_TX], *x = &r->peers[XC_RX];

	memset(res, 0, sizeof(*res));
	res->control = xc_tls_ctx_describe(xc_conn_security());
	res->control_psk = xc_tls_ctx_psk(xc_conn_security());
	res->run_id = xc_random_id();
	r->spec = spec;
	r->opts = opts;
	r->res = res;
	if (xc_peer_init(r, XC_TX) || xc_peer_init(r, XC_RX))
		return -ENOMEM;
	/* receive-only first, send-only last; else the rx endpoint first */
	if ((t->receives && !t->sends) || (x->sends && !x->receives)) {
		r->order[0] = t;
		r->order[1] = x;
	} else {
		r->order[0] = x;
		r->order[1] = t;
	}
	uv_loop_init(&r->loop);
	uv_timer_init(&r->loop, &r->deadline);
	uv_timer_init(&r->loop, &r->tick);
	r->deadline.data = r;
	r->tick.data = r;
	uv_timer_start(&r->tick, xc_tick, XC_TICK_MS, XC_TICK_MS);
	uv_signal_init(&r->loop, &r->sigint);
	uv_signal_init(&r->loop, &r->sigterm);
	r->sigint.data = r;
	r->sigterm.data = r;
	uv_signal_start(&r->sigint, xc_on_signal, SIGINT);
	uv_signal_start(&r->sigterm, xc_on_signal, SIGTERM);
	return 0;
}

/* Every agent that takes part has reported. */
static const char *xc_missing_report(const struct xc_run *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct xc_peer *p = &r->peers[i];

		if ((p->sends || p->receives) && !*p->report)
			return p->name;
	}
	return NULL;
}

/*
 * After the loop: the agents' latest progress and Done into the result;
 * why the run could not finish, printed and kept. XC_EXIT_PASS or
 * XC_EXIT_RUN.
 */
static int xc_run_outcome(struct xc_run *r)
{
	struct xc_failure *f = &r->res->fail;
	const char *missing = xc_missing_report(r);
	int i;

	for (i = 0; i < 2; i++) {
		const Xceiver__V1__Progress *g = &r->peers[i].progress;
		struct xc_agent_seen *a = r->peers[i].seen;

		xceiver__v1__progress__init(&a->progress);
		a->progress.elapsed_ns = g->elapsed_ns;
		a->progress.tx_frames = g->tx_frames;
		a->progress.rx_frames = g->rx_frames;
		a->progress.rx_valid = g->rx_valid;
		a->progress.tx_done = g->tx_done;
		a->done = r->peers[i].done;
	}
	if (r->failed)
		snprintf(f->reason, sizeof(f->reason), "%s", r->why);
	else if (missing)
		snprintf(f->reason, sizeof(f->reason), "%s report missing",
			 missing);
	else
		return XC_EXIT_PASS;
	if (!*f->phase)
		snprintf(f->phase, sizeof(f->phase), "%s", xc_phase_name(r));
	fprintf(stderr, "xceiver: could not run: %s\n", f->reason);
	return XC_EXIT_RUN;
}

int xc_run(Xceiver__V1__TestSpec *spec, const struct xc_ctl_opts *opts,
	   struct xc_run_result *res)
{
	struct xc_run *r;
	int ret;

	memset(res, 0, sizeof(*res));
	r = calloc(1, sizeof(*r));
	if (!r || xc_run_init(r, spec, opts, res)) {
		snprintf(res->fail.reason, sizeof(res->fail.reason),
			 "out of memory");
		snprintf(res->fail.phase, sizeof(res->fail.phase), "connect");
		fprintf(stderr, "xceiver: could not run: out of memory\n");
		ret = XC_EXIT_RUN;
		goto out;
	}
	xc_events_start(opts->events, spec, res->run_id, opts->repetition,
			opts->repeat);
	r->phase = XC_P_CONNECT;
	ret = xc_phase_begin(r);
	if (ret < 0)
		xc_run_fail(r, "connect: %s", strerror(-ret));
	uv_run(&r->loop, UV_RUN_DEFAULT);
	uv_loop_close(&r->loop);

	ret = xc_run_outcome(r);
out:
	if (r) {
		xc_peer_free(&r->peers[XC_TX]);
		xc_peer_free(&r->peers[XC_RX]);
	}
	free(r);
	return ret;
}

void xc_run_result_free(struct xc_run_result *res)
{
	if (res->tx_if)
		protobuf_c_message_free_unpacked(&res->tx_if->base, NULL);
	if (res->rx_if)
		protobuf_c_message_free_unpacked(&res->rx_if->base, NULL);
	if (res->tx)
		protobuf_c_message_free_unpacked(&res->tx->base, NULL);
	if (res->rx)
		protobuf_c_message_free_unpacked(&res->rx->base, NULL);
	xc_findings_free(&res->preflight);
	xc_seen_free(&res->seen[XC_TX]);
	xc_seen_free(&res->seen[XC_RX]);
	memset(res, 0, sizeof(*res));
}
