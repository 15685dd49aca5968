// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One controller connection of the agent: its session (at most one data
 * plane) and the dispatch of its requests. The daemon (main.c) accepts the
 * connection; the fuzz target tests/fuzz/fuzz_agent.c drives the same
 * session over an in-memory transport, without sockets.
 *
 * Nothing slow runs on the loop thread: a Prepare (which may wait for a
 * busy queue and clears its UMEM) runs on libuv's thread pool
 * (uv_queue_work), one at a time over all sessions, while the loop keeps
 * serving every connection. Until it completes the session answers
 * Hello, IfInfo, ClockProbe and Heartbeat, refuses a second Prepare and
 * Start, and keeps a Release for when the data plane it built is freed; a
 * connection that closes meanwhile frees that data plane when the work
 * completes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "xc_clock.h"
#include "xc_dp.h"
#include "xc_lease.h"
#include "xc_log.h"
#include "xc_metrics.h"
#include "xc_pb.h"
#include "xc_policy.h"
#include "xc_session.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_PROGRESS_MS		250

/* A Prepare on the thread pool. */
struct xc_prep {
	uv_work_t req;
	struct xc_session *s;
	Xceiver__V1__Prepare *msg;	/* a copy: the request is freed */
	Xceiver__V1__Prepared reply;
	struct xc_dp *dp;
	uint64_t id;
	int ret;
	char err[512];
};

struct xc_session {
	struct xc_session **list;	/* the daemon's sessions */
	uv_loop_t *loop;
	struct xc_conn *conn;
	struct xc_dp *dp;
	struct xc_prep *prep;	/* a Prepare in progress */
	uv_timer_t progress;
	uv_async_t tx_async;
	uint64_t start_id;	/* request id of Start: Progress, Done */
	uint64_t release_id;	/* a Release that came during a Prepare */
	bool release_pending;
	bool hello;
	bool started;
	bool done_sent;
	int refs;		/* handles open, a Prepare in progress */
	struct xc_session *next;
};

/* Limits of every new session's connection (xc_session_set_limits). */
static struct xc_conn_limits xc_session_limits;
/* One Prepare at a time over all sessions, as when it ran on the loop. */
static pthread_mutex_t xc_prep_lock = PTHREAD_MUTEX_INITIALIZER;

static void xc_session_unlink(struct xc_session *s)
{
	struct xc_session **pp;

	for (pp = s->list; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			return;
		}
	}
}

/* The last reference gone: the session leaves the daemon's list. */
static void xc_session_put(struct xc_session *s)
{
	if (--s->refs)
		return;
	xc_session_unlink(s);
	free(s);
}

static void xc_session_handle_closed(uv_handle_t *h)
{
	xc_session_put(h->data);
}

/* Free the data plane: stops workers, frees sockets, detaches XDP. */
static void xc_session_release(struct xc_session *s)
{
	if (!s->prep)	/* else its end gives the leases back */
		xc_lease_drop(s);
	if (!s->dp)
		return;
	uv_timer_stop(&s->progress);
	if (s->started)
		xc_metrics_run_ended(s->dp);
	xc_dp_destroy(s->dp);
	s->dp = NULL;
	s->started = false;
	pr_info("%s: released\n", xc_conn_peer(s->conn));
}

static void xc_session_on_close(struct xc_conn *c, int err)
{
	struct xc_session *s = xc_conn_data(c);

	if (err && err != -ECONNRESET)
		pr_info("%s: connection closed: %s\n", xc_conn_peer(c),
			strerror(-err));
	else
		pr_info("%s: controller disconnected\n", xc_conn_peer(c));
	xc_session_release(s);
	s->conn = NULL;
	uv_close((uv_handle_t *)&s->progress, xc_session_handle_closed);
	uv_close((uv_handle_t *)&s->tx_async, xc_session_handle_closed);
}

static int xc_reply(struct xc_session *s, Xceiver__V1__Envelope *env)
{
	int err = xc_conn_send(s->conn, env);

	if (err)
		pr_warn("%s: cannot send %s: %s\n", xc_conn_peer(s->conn),
			xc_env_body_name(env), strerror(-err));
	return err;
}

static int xc_on_hello(struct xc_session *s, const Xceiver__V1__Envelope *req)
{
	static char *caps[] = {
		"skb", "drv", "zerocopy", "multi-queue", "unaligned",
		"huge-pages", "multi-buffer", "shared-umem", "busy-poll",
		"xdp-actions", "rx-pressure", "desc-shapes", "clock-probe",
	};
	Xceiver__V1__Hello hello = XCEIVER__V1__HELLO__INIT;
	Xceiver__V1__Envelope env;

	if (req->hello->protocol_version != XC_PROTOCOL_VERSION)
		return xc_conn_send_error(s->conn, req->request_id, -EPROTO,
					  "protocol version %u, this agent speaks %u",
					  req->hello->protocol_version,
					  XC_PROTOCOL_VERSION) ?: -EPROTO;
	s->hello = true;
	pr_info("%s: hello from %s%s\n", xc_conn_peer(s->conn),
		xc_conn_identity(s->conn) ? "controller " :
		"an unauthenticated controller",
		xc_conn_identity(s->conn) ?: "");
	hello.protocol_version = XC_PROTOCOL_VERSION;
	hello.software_version = XC_VERSION;
	hello.role = "agent";
	hello.n_capabilities = XC_ARRAY_SIZE(caps);
	hello.capabilities = caps;
	xc_env_init(&env, req->request_id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_HELLO;
	env.hello = &hello;
	return xc_reply(s, &env);
}

static int xc_on_ifinfo(struct xc_session *s, const Xceiver__V1__Envelope *req)
{
	Xceiver__V1__IfInfo info = XCEIVER__V1__IF_INFO__INIT;
	Xceiver__V1__Envelope env;
	char err[512];
	int ret;

	ret = xc_policy_ifinfo(s->conn, req->ifinfo_request->ifname, err,
			       sizeof(err)) ?:
	      xc_ifinfo_get(req->ifinfo_request->ifname, &info, err,
			    sizeof(err));
	if (ret)
		return xc_conn_send_error(s->conn, req->request_id, ret, "%s",
					  err);
	xc_env_init(&env, req->request_id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_IFINFO;
	env.ifinfo = &info;
	ret = xc_reply(s, &env);
	xc_ifinfo_free(&info);
	return ret;
}

static void xc_tx_notify(void *arg)
{
	struct xc_session *s = arg;

	uv_async_send(&s->tx_async);
}

static int xc_send_released(struct xc_session *s, uint64_t id)
{
	Xceiver__V1__Released rel = XCEIVER__V1__RELEASED__INIT;
	Xceiver__V1__Envelope env;

	xc_env_init(&env, id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_RELEASED;
	env.released = &rel;
	return xc_reply(s, &env);
}

/* On the thread pool: the slow part of a Prepare. */
static void xc_prep_work(uv_work_t *req)
{
	struct xc_prep *w = req->data;

	pthread_mutex_lock(&xc_prep_lock);
	w->ret = xc_dp_prepare(&w->dp, w->msg, &w->reply, xc_tx_notify, w->s,
			       w->err, sizeof(w->err));
	pthread_mutex_unlock(&xc_prep_lock);
}

static void xc_prep_free(struct xc_prep *w)
{
	xc_prepared_free(&w->reply);
	if (w->msg)
		xceiver__v1__prepare__free_unpacked(w->msg, NULL);
	free(w);
}

/* Answer a completed Prepare: Prepared, or the Error that ended it. */
static void xc_prep_answer(struct xc_session *s, struct xc_prep *w)
{
	Xceiver__V1__Envelope env;

	if (w->ret) {
		xc_lease_drop(s);
		pr_warn("%s: prepare failed: %s\n", xc_conn_peer(s->conn),
			w->err);
		xc_conn_send_error(s->conn, w->id, w->ret, "%s", w->err);
		return;
	}
	s->dp = w->dp;
	s->done_sent = false;
	pr_info("%s: prepared %s (%u tx, %u rx streams)\n",
		xc_conn_peer(s->conn), w->msg->xsk->ifname,
		(unsigned int)w->msg->n_tx_streams,
		(unsigned int)w->msg->n_rx_streams);
	xc_env_init(&env, w->id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_PREPARED;
	env.prepared = &w->reply;
	xc_reply(s, &env);
}

/*
 * Back on the loop. A session whose connection closed, or that was told
 * to release meanwhile, frees what the work built.
 */
static void xc_prep_done(uv_work_t *req, int status)
{
	struct xc_prep *w = req->data;
	struct xc_session *s = w->s;

	s->prep = NULL;
	if (!s->conn || s->release_pending) {
		xc_dp_destroy(w->dp);
		xc_lease_drop(s);
		if (w->dp)
			pr_info("%s: released the data plane of a Prepare that completed after %s\n",
				s->conn ? xc_conn_peer(s->conn) : "a session",
				s->conn ? "Release" : "its controller left");
		if (s->conn)
			xc_send_released(s, s->release_id);
		s->release_pending = false;
	} else {
		xc_prep_answer(s, w);
	}
	xc_prep_free(w);
	xc_session_put(s);
}

static int xc_on_prepare(struct xc_session *s, const Xceiver__V1__Envelope *req)
{
	struct xc_prep *w;
	char why[512];
	int err;

	if (s->prep)
		return xc_conn_send_error(s->conn, req->request_id, -EBUSY,
					  "a Prepare is already in progress on this connection; wait for Prepared");
	if (s->dp)
		return xc_conn_send_error(s->conn, req->request_id, -EBUSY,
					  "this session is already prepared; send Release first");
	err = xc_lease_prepare(s, s->conn, req->prepare, why, sizeof(why));
	if (err) {
		pr_warn("%s: prepare refused: %s\n", xc_conn_peer(s->conn),
			why);
		return xc_conn_send_error(s->conn, req->request_id, err, "%s",
					  why);
	}
	w = calloc(1, sizeof(*w));
	if (w)
		w->msg = (Xceiver__V1__Prepare *)xc_pb_dup(&req->prepare->base);
	if (!w || !w->msg)
		goto err_nomem;
	xceiver__v1__prepared__init(&w->reply);
	w->req.data = w;
	w->s = s;
	w->id = req->request_id;
	err = uv_queue_work(s->loop, &w->req, xc_prep_work,
			    xc_prep_done);
	if (err) {
		xc_prep_free(w);
		xc_lease_drop(s);
		return xc_conn_send_error(s->conn, req->request_id, -EAGAIN,
					  "cannot start the Prepare: %s",
					  uv_strerror(err));
	}
	s->prep = w;
	s->refs++;
	return 0;
err_nomem:
	if (w)
		xc_prep_free(w);
	xc_lease_drop(s);
	return xc_conn_send_error(s->conn, req->request_id, -ENOMEM,
				  "out of memory");
}

static void xc_send_progress(struct xc_session *s)
{
	Xceiver__V1__Progress pr = XCEIVER__V1__PROGRESS__INIT;
	Xceiver__V1__Envelope env;
	struct xc_dp_progress p;

	xc_dp_progress(s->dp, &p);
	pr.elapsed_ns = p.elapsed_ns;
	pr.tx_frames = p.tx_frames;
	pr.rx_frames = p.rx_frames;
	pr.rx_valid = p.rx_valid;
	pr.tx_done = p.tx_done;
	xc_env_init(&env, s->start_id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_PROGRESS;
	env.progress = &pr;
	xc_reply(s, &env);
}

static void xc_progress_tick(uv_timer_t *t)
{
	struct xc_session *s = t->data;

	if (s->dp && s->conn)
		xc_send_progress(s);
}

/* Which workers a Start asks for: Rx, Tx, or (neither flag) both. */
static unsigned int xc_start_what(const Xceiver__V1__Start *st)
{
	unsigned int what = 0;

	if (st->rx)
		what |= XC_DP_START_RX;
	if (st->tx)
		what |= XC_DP_START_TX;
	return what ? what : XC_DP_START_ALL;
}

/*
 * A receiver's Start: its clock minus its sender's, as measured; the data
 * plane subtracts it from every one-way latency.
 */
static void xc_start_clock(struct xc_session *s, const Xceiver__V1__Start *st)
{
	if (!(xc_start_what(st) & XC_DP_START_RX) || !xc_dp_has_rx(s->dp))
		return;
	xc_dp_clock_offset(s->dp, st->clock_offset_ns, st->clock_bound_ns,
			   st->clock_offset_known);
	if (!st->clock_offset_known) {
		pr_debug("%s: clock offset to the sender unknown\n",
			 xc_conn_peer(s->conn));
		return;
	}
	pr_debug("%s: clock offset to the sender %+lld ns within %llu ns\n",
		 xc_conn_peer(s->conn), (long long)st->clock_offset_ns,
		 (unsigned long long)st->clock_bound_ns);
}

/*
 * Start Rx and/or Tx. Progress and Done carry the request id of the latest
 * Start, which the controller keeps too.
 */
static int xc_on_start(struct xc_session *s, const Xceiver__V1__Envelope *req)
{
	Xceiver__V1__Started started = XCEIVER__V1__STARTED__INIT;
	Xceiver__V1__Envelope env;
	char err[256];
	int ret;

	if (s->prep)
		return xc_conn_send_error(s->conn, req->request_id, -EINVAL,
					  "start before the Prepare in progress completed; wait for Prepared");
	if (!s->dp)
		return xc_conn_send_error(s->conn, req->request_id, -EINVAL,
					  "start before prepare");
	xc_start_clock(s, req->start);
	ret = xc_dp_start(s->dp, xc_start_what(req->start), err, sizeof(err));
	if (ret)
		return xc_conn_send_error(s->conn, req->request_id, ret, "%s",
					  err);
	s->start_id = req->request_id;
	xc_env_init(&env, req->request_id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_STARTED;
	env.started = &started;
	ret = xc_reply(s, &env);
	if (!s->started) {
		uv_timer_start(&s->progress, xc_progress_tick, XC_PROGRESS_MS,
			       XC_PROGRESS_MS);
		xc_metrics_run_started(s->dp);
	}
	s->started = true;
	return ret;
}

/* Send a Report (as a reply or inside Done) built from the data plane. */
static int xc_send_report(struct xc_session *s, uint64_t id, bool done)
{
	Xceiver__V1__ClockState clock;
	Xceiver__V1__Done d = XCEIVER__V1__DONE__INIT;
	Xceiver__V1__Envelope env;
	Xceiver__V1__Report *r;
	int ret;

	ret = xc_dp_report(s->dp, &r);
	if (ret)
		return xc_conn_send_error(s->conn, id, ret,
					  "cannot build the report: %s",
					  strerror(-ret));
	xc_metrics_run_reported(s->dp, r);
	xc_clock_state(&clock);
	r->clock = &clock;
	xc_env_init(&env, id);
	if (done) {
		d.report = r;
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_DONE;
		env.done = &d;
	} else {
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_REPORT;
		env.report = r;
	}
	ret = xc_reply(s, &env);
	r->clock = NULL;	/* on the stack */
	xc_dp_report_free(r);
	return ret;
}

/*
 * Tx finished in a worker thread. A Tx-only session reports at once (Done
 * carries the Tx report); a session that also receives keeps its Rx
 * running and sends Done with the progress only, the Report comes on
 * request.
 */
static void xc_tx_done(uv_async_t *a)
{
	struct xc_session *s = a->data;
	Xceiver__V1__Done d = XCEIVER__V1__DONE__INIT;
	Xceiver__V1__Envelope env;
	struct xc_dp_progress p;

	if (!s->conn || !s->dp || s->done_sent)
		return;
	xc_dp_progress(s->dp, &p);
	if (!p.tx_done)
		return;
	s->done_sent = true;
	xc_send_progress(s);
	if (!xc_dp_has_rx(s->dp)) {
		xc_send_report(s, s->start_id, true);
		return;
	}
	xc_env_init(&env, s->start_id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_DONE;
	env.done = &d;
	xc_reply(s, &env);
}

static int xc_on_report(struct xc_session *s, const Xceiver__V1__Envelope *req)
{
	if (!s->dp || !s->started)
		return xc_conn_send_error(s->conn, req->request_id, -EINVAL,
					  "report requested before start");
	uv_timer_stop(&s->progress);
	return xc_send_report(s, req->request_id, false);
}

/* During a Prepare, Released follows once its data plane is freed. */
static int xc_on_release(struct xc_session *s, const Xceiver__V1__Envelope *req)
{
	if (s->prep) {
		s->release_pending = true;
		s->release_id = req->request_id;
		return 0;
	}
	xc_session_release(s);
	return xc_send_released(s, req->request_id);
}

/*
 * The controller times the exchange on its own clock (ClockProbe): read
 * ours as late as possible before the reply leaves. Answered in any
 * state of the session, also while a run goes on.
 */
static int xc_on_clock_probe(struct xc_session *s,
			     const Xceiver__V1__Envelope *req)
{
	Xceiver__V1__ClockReading rd = XCEIVER__V1__CLOCK_READING__INIT;
	Xceiver__V1__ClockState state;
	Xceiver__V1__Envelope env;

	xc_clock_state(&state);
	rd.state = &state;
	xc_env_init(&env, req->request_id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_CLOCK_READING;
	env.clock_reading = &rd;
	rd.tai_ns = xc_clock_tai_ns();
	return xc_reply(s, &env);
}

/*
 * Dispatch one message from a controller. Only requests are accepted, and
 * only after Hello. An error returned here makes the connection send an
 * Error and close; a request that fails but leaves the session usable
 * answers with an Error itself and returns 0.
 */
static int xc_session_on_msg(struct xc_conn *c,
			     const Xceiver__V1__Envelope *env)
{
	struct xc_session *s = xc_conn_data(c);

	if (!s->hello && env->body_case != XCEIVER__V1__ENVELOPE__BODY_HELLO) {
		xc_conn_send_error(c, env->request_id, -EPROTO,
				   "%s before hello", xc_env_body_name(env));
		return -EPROTO;
	}
	switch (env->body_case) {
	case XCEIVER__V1__ENVELOPE__BODY_HELLO:
		return xc_on_hello(s, env);
	case XCEIVER__V1__ENVELOPE__BODY_IFINFO_REQUEST:
		return xc_on_ifinfo(s, env);
	case XCEIVER__V1__ENVELOPE__BODY_PREPARE:
		return xc_on_prepare(s, env);
	case XCEIVER__V1__ENVELOPE__BODY_START:
		return xc_on_start(s, env);
	case XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST:
		return xc_on_report(s, env);
	case XCEIVER__V1__ENVELOPE__BODY_RELEASE:
		return xc_on_release(s, env);
	case XCEIVER__V1__ENVELOPE__BODY_CLOCK_PROBE:
		return xc_on_clock_probe(s, env);
	default:
		return xc_conn_send_error(c, env->request_id, -EPROTO,
					  "an agent does not accept %s messages",
					  xc_env_body_name(env));
	}
}

static const struct xc_conn_ops xc_session_ops = {
	.on_msg = xc_session_on_msg,
	.on_close = xc_session_on_close,
};

struct xc_session *xc_session_new(uv_loop_t *loop, struct xc_session **list)
{
	struct xc_session *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->list = list;
	s->loop = loop;
	s->conn = xc_conn_new(loop, &xc_session_ops, s);
	if (!s->conn) {
		free(s);
		return NULL;
	}
	xc_conn_set_limits(s->conn, &xc_session_limits);
	uv_timer_init(loop, &s->progress);
	s->progress.data = s;
	uv_async_init(loop, &s->tx_async, xc_tx_done);
	s->tx_async.data = s;
	s->refs = 2;
	s->next = *list;
	*list = s;
	return s;
}

struct xc_conn *xc_session_conn(struct xc_session *s)
{
	return s ? s->conn : NULL;
}

void xc_sessions_close(struct xc_session **list)
{
	struct xc_session *s, *next;

	for (s = *list; s; s = next) {
		next = s->next;
		xc_session_release(s);
		if (s->conn)
			xc_conn_close(s->conn, 0);
	}
}

void xc_session_set_limits(const struct xc_conn_limits *l)
{
	xc_session_limits = *l;
}

/* Holds resources: its connection is open or its Prepare is running. */
static bool xc_session_live(const struct xc_session *s)
{
	return s->prep || (s->conn && !xc_conn_closing(s->conn));
}

unsigned int xc_sessions_count(struct xc_session *const *list)
{
	const struct xc_session *s;
	unsigned int n = 0;

	for (s = *list; s; s = s->next)
		n += xc_session_live(s);
	return n;
}

/* The list holds the newest first: the last match is the oldest. */
struct xc_session *xc_sessions_oldest_unready(struct xc_session *const *list)
{
	struct xc_session *s, *oldest = NULL;

	for (s = *list; s; s = s->next)
		if (s->conn && !xc_conn_closing(s->conn) && !s->prep &&
		    !xc_conn_ready(s->conn))
			oldest = s;
	return oldest;
}
