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
#include "xc_log.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_DEF_CONNECT_MS	5000
#define XC_DEF_REPLY_MS		10000
#define XC_DEF_DRAIN_IDLE_MS	1000
#define XC_RELEASE_MS		3000
#define XC_TICK_MS		50
#define XC_SLOWEST_PPS		50000	/* for the deadline of a full-speed run */

enum xc_side { XC_TX = 0, XC_RX = 1 };

enum xc_phase {
	XC_P_CONNECT,
	XC_P_HELLO,
	XC_P_IFINFO,
	XC_P_PREPARE_RX,
	XC_P_PREPARE_TX,
	XC_P_START_RX,
	XC_P_START_TX,
	XC_P_RUN,
	XC_P_DRAIN,
	XC_P_REPORT,
	XC_P_RELEASE,
	XC_P_END,
};

static const char *const xc_phase_names[] = {
	"connect", "hello", "interface info", "prepare rx", "prepare tx",
	"start rx", "start tx", "run", "drain", "report", "release", "end",
};

struct xc_run;

struct xc_peer {
	struct xc_run *run;
	const char *name;
	const Xceiver__V1__Endpoint *ep;
	struct xc_conn *conn;
	bool connected;
	bool waiting;
	uint64_t wait_id;
	Xceiver__V1__Envelope__BodyCase wait_body;
	uint64_t start_id;
	Xceiver__V1__Progress progress;
	bool done;
};

struct xc_run {
	uv_loop_t loop;
	Xceiver__V1__TestSpec *spec;
	const struct xc_ctl_opts *opts;
	struct xc_run_result *res;
	struct xc_peer peers[2];
	enum xc_phase phase;
	int pending;
	uv_timer_t deadline;
	uv_timer_t tick;
	uv_signal_t sigint;
	uv_signal_t sigterm;
	uint64_t next_id;
	uint64_t expected;
	uint64_t drain_rx;
	uint64_t drain_since;
	uint64_t last_print;
	bool failed;
	char why[512];
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
	if (r->phase == XC_P_RUN)
		xc_run_fail(r, "timed out: tx agent %s did not finish sending in time",
			    r->peers[XC_TX].ep->agent);
	else if (r->phase == XC_P_RELEASE)
		xc_run_finish(r);
	else
		xc_run_fail(r, "timed out waiting for the %s agent during %s",
			    who, xc_phase_names[r->phase]);
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
		    xc_phase_names[r->phase]);
}

/* ------------------------------------------------------------ requests */

static int xc_send_hello(struct xc_peer *p)
{
	Xceiver__V1__Hello hello = XCEIVER__V1__HELLO__INIT;
	Xceiver__V1__Envelope env;

	hello.protocol_version = XC_PROTOCOL_VERSION;
	hello.software_version = "0.1.0";
	hello.role = "controller";
	xc_env_init(&env, 0);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_HELLO;
	env.hello = &hello;
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

static int xc_send_prepare(struct xc_peer *p, bool tx)
{
	Xceiver__V1__Prepare prep = XCEIVER__V1__PREPARE__INIT;
	const Xceiver__V1__TestSpec *s = p->run->spec;
	Xceiver__V1__Envelope env;

	prep.run_id = p->run->res->run_id;
	prep.xsk = p->ep->xsk;
	if (tx) {
		prep.n_tx_streams = s->n_streams;
		prep.tx_streams = s->streams;
	} else {
		prep.n_rx_streams = s->n_streams;
		prep.rx_streams = s->streams;
	}
	if (s->expect)
		prep.max_missing_ranges = s->expect->max_missing_ranges;
	xc_env_init(&env, 0);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_PREPARE;
	env.prepare = &prep;
	return xc_peer_send(p, &env, XCEIVER__V1__ENVELOPE__BODY_PREPARED);
}

static int xc_send_simple(struct xc_peer *p,
			  Xceiver__V1__Envelope__BodyCase body,
			  Xceiver__V1__Envelope__BodyCase reply)
{
	Xceiver__V1__Start start = XCEIVER__V1__START__INIT;
	Xceiver__V1__ReportRequest rr = XCEIVER__V1__REPORT_REQUEST__INIT;
	Xceiver__V1__Release rel = XCEIVER__V1__RELEASE__INIT;
	Xceiver__V1__Envelope env;

	xc_env_init(&env, 0);
	env.body_case = body;
	if (body == XCEIVER__V1__ENVELOPE__BODY_START)
		env.start = &start;
	else if (body == XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST)
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

static void xc_on_reply(struct xc_peer *p, const Xceiver__V1__Envelope *env)
{
	struct xc_run_result *res = p->run->res;
	bool tx = p == &p->run->peers[XC_TX];
	Xceiver__V1__IfInfo *info;

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
		break;
	case XCEIVER__V1__ENVELOPE__BODY_IFINFO:
		info = (Xceiver__V1__IfInfo *)xc_pb_dup(&env->ifinfo->base);
		if (!info) {
			xc_run_fail(p->run, "out of memory");
			return;
		}
		if (tx)
			res->tx_if = info;
		else
			res->rx_if = info;
		if (xc_check_queues(p, info))
			return;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_PREPARED:
		if (tx)
			res->tx_mode = env->prepared->mode;
		else
			res->rx_mode = env->prepared->mode;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_STARTED:
		p->start_id = env->request_id;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_REPORT:
		res->rx = (Xceiver__V1__Report *)xc_pb_dup(&env->report->base);
		if (!res->rx) {
			xc_run_fail(p->run, "out of memory");
			return;
		}
		break;
	default:
		break;
	}
	p->waiting = false;
	if (--p->run->pending == 0)
		xc_run_next(p->run);
}

static void xc_on_done(struct xc_peer *p, const Xceiver__V1__Envelope *env)
{
	struct xc_run *r = p->run;

	if (p != &r->peers[XC_TX] || p->done) {
		xc_run_fail(r, "%s agent %s sent an unexpected done",
			    p->name, p->ep->agent);
		return;
	}
	p->done = true;
	if (env->done->report) {
		r->res->tx = (Xceiver__V1__Report *)
			xc_pb_dup(&env->done->report->base);
		if (!r->res->tx) {
			xc_run_fail(r, "out of memory");
			return;
		}
	}
	if (r->phase == XC_P_RUN)
		xc_run_next(r);
}

static int xc_peer_on_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	struct xc_peer *p = xc_conn_data(c);
	struct xc_run *r = p->run;

	switch (env->body_case) {
	case XCEIVER__V1__ENVELOPE__BODY_ERROR:
		if (r->phase == XC_P_RELEASE && !r->failed)
			pr_warn("%s agent %s: %s\n", p->name, p->ep->agent,
				env->error->message);
		xc_run_fail(r, "%s agent %s: %s", p->name, p->ep->agent,
			    env->error->message);
		return 0;
	case XCEIVER__V1__ENVELOPE__BODY_PROGRESS:
		if (env->request_id == p->start_id) {
			p->progress.rx_frames = env->progress->rx_frames;
			p->progress.tx_frames = env->progress->tx_frames;
			p->progress.rx_valid = env->progress->rx_valid;
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
	xc_run_fail(r, "%s agent %s closed the connection during %s%s%s",
		    p->name, p->ep->agent, xc_phase_names[r->phase],
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
	int i, err;

	for (i = 0; i < 2; i++) {
		struct xc_peer *p = &r->peers[i];

		p->conn = xc_conn_new(&r->loop, &xc_peer_ops, p);
		if (!p->conn)
			return -ENOMEM;
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

static int xc_resolve_headers(struct xc_run *r)
{
	const Xceiver__V1__IfInfo *t = r->res->tx_if, *x = r->res->rx_if;
	size_t i;
	int err = 0;

	for (i = 0; i < r->spec->n_streams; i++) {
		Xceiver__V1__Headers *h = r->spec->streams[i]->headers;
		bool v6 = h->ip_version == XCEIVER__V1__IP_VERSION__IP_VERSION_6;

		err |= xc_set_str(&h->src_mac, t->mac);
		err |= xc_set_str(&h->dst_mac, x->mac);
		err |= xc_set_str(&h->src_ip, v6 ?
				  xc_pick(t->ipv6, "2001:2::1") :
				  xc_pick(t->ipv4, "198.18.0.1"));
		err |= xc_set_str(&h->dst_ip, v6 ?
				  xc_pick(x->ipv6, "2001:2::2") :
				  xc_pick(x->ipv4, "198.18.0.2"));
	}
	return err ? -ENOMEM : 0;
}

static uint64_t xc_run_deadline_ms(const struct xc_run *r)
{
	const Xceiver__V1__TestSpec *s = r->spec;
	uint64_t ms = 0, t;
	size_t i;

	if (xc_timeouts(r)->run_ms)
		return xc_timeouts(r)->run_ms;
	for (i = 0; i < s->n_streams; i++) {
		uint64_t pps = s->streams[i]->rate_pps;

		t = s->streams[i]->count * 1000 / (pps ? pps : XC_SLOWEST_PPS);
		ms = XC_MAX(ms, t);
	}
	return ms + ms / 2 + 10000;
}

static void xc_print_progress(struct xc_run *r, bool force)
{
	uint64_t now = xc_mono_ns();
	const struct xc_peer *t = &r->peers[XC_TX], *x = &r->peers[XC_RX];

	if (!r->opts->progress)
		return;
	if (!force && now - r->last_print < 1000000000ull)
		return;
	r->last_print = now;
	fprintf(stderr, "  tx %" PRIu64 " sent   rx %" PRIu64
		" received, %" PRIu64 " valid\n", t->progress.tx_frames,
		x->progress.rx_frames, x->progress.rx_valid);
}

static void xc_tick(uv_timer_t *tm)
{
	struct xc_run *r = tm->data;
	const struct xc_peer *x = &r->peers[XC_RX];
	uint64_t now = xc_mono_ns();
	uint64_t idle = xc_ms(xc_timeouts(r)->drain_idle_ms,
			      XC_DEF_DRAIN_IDLE_MS);

	xc_print_progress(r, false);
	if (r->phase != XC_P_DRAIN)
		return;
	if (x->progress.rx_frames != r->drain_rx) {
		r->drain_rx = x->progress.rx_frames;
		r->drain_since = now;
	}
	if (x->progress.rx_frames >= r->expected ||
	    now - r->drain_since >= idle * 1000000ull)
		xc_run_next(r);
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
	case XC_P_PREPARE_RX:
		err = xc_resolve_headers(r) ?: xc_send_prepare(x, false);
		break;
	case XC_P_PREPARE_TX:
		err = xc_send_prepare(t, true);
		break;
	case XC_P_START_RX:
		err = xc_send_simple(x, XCEIVER__V1__ENVELOPE__BODY_START,
				     XCEIVER__V1__ENVELOPE__BODY_STARTED);
		break;
	case XC_P_START_TX:
		err = xc_send_simple(t, XCEIVER__V1__ENVELOPE__BODY_START,
				     XCEIVER__V1__ENVELOPE__BODY_STARTED);
		break;
	case XC_P_RUN:
		if (t->done)
			return 1;
		xc_run_deadline(r, xc_run_deadline_ms(r));
		return 0;
	case XC_P_DRAIN:
		r->drain_rx = x->progress.rx_frames;
		r->drain_since = xc_mono_ns();
		uv_timer_stop(&r->deadline);
		return 0;
	case XC_P_REPORT:
		err = xc_send_simple(x,
				     XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST,
				     XCEIVER__V1__ENVELOPE__BODY_REPORT);
		break;
	case XC_P_RELEASE:
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
		pr_debug("phase: %s\n", xc_phase_names[r->phase]);
		if (r->phase == XC_P_DRAIN)
			xc_print_progress(r, true);
		ret = xc_phase_begin(r);
	} while (ret == 1);
	if (ret < 0)
		xc_run_fail(r, "%s: %s", xc_phase_names[r->phase],
			    strerror(-ret));
}

ProtobufCMessage *xc_pb_dup(const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	ProtobufCMessage *out;
	uint8_t *buf;

	buf = malloc(len ? len : 1);
	if (!buf)
		return NULL;
	protobuf_c_message_pack(m, buf);
	out = protobuf_c_message_unpack(m->descriptor, NULL, len, buf);
	free(buf);
	return out;
}

static uint64_t xc_random_id(void)
{
	uint64_t id = 0;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = xc_now_ns(CLOCK_REALTIME) ^ ((uint64_t)getpid() << 32);
	return id ? id : 1;
}

int xc_run(Xceiver__V1__TestSpec *spec, const struct xc_ctl_opts *opts,
	   struct xc_run_result *res)
{
	struct xc_run *r;
	size_t i;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return XC_EXIT_RUN;
	memset(res, 0, sizeof(*res));
	res->run_id = xc_random_id();
	r->spec = spec;
	r->opts = opts;
	r->res = res;
	for (i = 0; i < spec->n_streams; i++)
		r->expected += spec->streams[i]->count;
	r->peers[XC_TX] = (struct xc_peer){ .run = r, .name = "tx",
					    .ep = spec->tx };
	r->peers[XC_RX] = (struct xc_peer){ .run = r, .name = "rx",
					    .ep = spec->rx };
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

	r->phase = XC_P_CONNECT;
	ret = xc_phase_begin(r);
	if (ret < 0)
		xc_run_fail(r, "connect: %s", strerror(-ret));
	uv_run(&r->loop, UV_RUN_DEFAULT);
	uv_loop_close(&r->loop);

	ret = XC_EXIT_PASS;
	if (r->failed) {
		fprintf(stderr, "xceiver: could not run: %s\n", r->why);
		ret = XC_EXIT_RUN;
	} else if (!res->rx || !res->tx) {
		fprintf(stderr, "xceiver: could not run: %s report missing\n",
			res->rx ? "tx" : "rx");
		ret = XC_EXIT_RUN;
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
	memset(res, 0, sizeof(*res));
}
