// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The controller's handling of agent replies (controller/run.c): a whole
 * run of one of the fixed specs (xc_fuzz.c) against two fake agents on
 * in-memory transports (the xc_conn_new/xc_conn_connect link seams), then
 * the verdict over the reports it collected. The first byte picks the
 * spec; then records, one per loop iteration, each answering the oldest
 * request still open (or, with none open, aimed at agent (op >> 2) & 1):
 *   op & 3 == 0   the right reply, as a well-behaved agent gives it
 *   op & 3 == 1   u16 len, an Envelope: sent with the request's id
 *                 (bytes that do not decode are sent framed as they are)
 *   op & 3 == 2   u16 len, bytes sent raw (no length header)
 *   op & 3 == 3   the agent hangs up
 * When the records run out the agents answer as they should, and, if
 * they misbehaved before, hang up when the controller has asked nothing
 * for XC_FC_QUIET_MS: every run ends. The controller must never crash,
 * leak or send a message that does not decode, whatever the agents say;
 * with agents that only ever give the right reply the run must complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_ctl.h"
#include "xc_fuzz.h"
#include "xc_log.h"

#define XC_FC_MAX_OPEN		16
/*
 * How long the agents wait for a request before they hang up: longer than
 * a few progress ticks of the run (make fuzz builds the controller with
 * XC_TICK_MS 1, make unit with its 50 ms).
 */
#ifdef XC_TICK_MS
#define XC_FC_QUIET_MS		(10 * XC_TICK_MS + 10)
#else
#define XC_FC_QUIET_MS		300
#endif
#define XC_FC_MAX_STREAMS	4	/* the fixed specs have fewer */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A request of the controller that the fake agent has not answered. */
struct xc_fc_req {
	unsigned int agent;
	uint64_t id;
	Xceiver__V1__Envelope__BodyCase body;
	bool start_tx;
};

/* A stream of a Prepare: what a well-behaved agent reports for it. */
struct xc_fc_stream {
	uint32_t id;
	uint64_t count;
};

/* What one fake agent learnt from the controller's Prepare. */
struct xc_fc_agent {
	Xceiver__V1__XdpMode mode;
	struct xc_fc_stream tx[XC_FC_MAX_STREAMS];
	struct xc_fc_stream rx[XC_FC_MAX_STREAMS];
	size_t ntx;
	size_t nrx;
};

struct xc_fc {
	const uint8_t *p;
	size_t left;
	uv_idle_t idle;
	bool idle_on;
	uint64_t last_req;	/* loop time of the last request */
	struct xc_fc_agent agents[2];
	struct xc_fc_req open[XC_FC_MAX_OPEN];
	unsigned int nopen;
	bool misbehaved;	/* a record other than the right reply */
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	xc_fuzz_quiet();
	/* the verdict prints; make fuzz closes stdout too */
	return 0;
}

static bool xc_fc_take(struct xc_fc *f, void *out, size_t n)
{
	if (f->left < n)
		return false;
	memcpy(out, f->p, n);
	f->p += n;
	f->left -= n;
	return true;
}

/* The payload of a record: up to len bytes, fewer at the end. */
static size_t xc_fc_payload(struct xc_fc *f, const uint8_t **p)
{
	uint8_t l[2];
	size_t len;

	if (!xc_fc_take(f, l, sizeof(l)))
		return 0;
	len = (size_t)l[0] << 8 | l[1];
	if (len > f->left)
		len = f->left;
	*p = f->p;
	f->p += len;
	f->left -= len;
	return len;
}

static size_t xc_fc_streams(struct xc_fc_stream *out,
			    Xceiver__V1__Stream *const *st, size_t n)
{
	size_t i;

	n = n < XC_FC_MAX_STREAMS ? n : XC_FC_MAX_STREAMS;
	for (i = 0; i < n; i++) {
		out[i].id = st[i]->id;
		out[i].count = st[i]->count;
	}
	return n;
}

static void xc_fc_learn(struct xc_fc_agent *a, const Xceiver__V1__Prepare *p)
{
	a->mode = p->xsk ? p->xsk->mode : 0;
	a->ntx = xc_fc_streams(a->tx, p->tx_streams, p->n_tx_streams);
	a->nrx = xc_fc_streams(a->rx, p->rx_streams, p->n_rx_streams);
}

static void xc_fc_sent(struct xc_fuzz_transport *ft,
		       const Xceiver__V1__Envelope *env, void *arg)
{
	struct xc_fc *f = arg;
	struct xc_fc_req *r;

	f->last_req = uv_now(ft->timer.loop);
	if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_PREPARE)
		xc_fc_learn(&f->agents[ft->index], env->prepare);
	if (f->nopen == XC_FC_MAX_OPEN)
		abort();	/* the controller waits for one reply each */
	r = &f->open[f->nopen++];
	r->agent = ft->index;
	r->id = env->request_id;
	r->body = env->body_case;
	r->start_tx = env->body_case == XCEIVER__V1__ENVELOPE__BODY_START &&
		      env->start->tx;
}

static void xc_fc_idle(uv_idle_t *h);

static void xc_fc_created(struct xc_fuzz_transport *ft, uv_loop_t *loop,
			  void *arg)
{
	struct xc_fc *f = arg;

	if (f->idle_on)
		return;
	uv_idle_init(loop, &f->idle);
	f->idle.data = f;
	uv_idle_start(&f->idle, xc_fc_idle);
	f->idle_on = true;
	f->last_req = uv_now(loop);
}

static bool xc_fc_send(struct xc_fc *f, unsigned int agent,
		       Xceiver__V1__Envelope *env)
{
	return xc_fuzz_deliver_env(xc_fuzz_transport(agent), env);
}

static void xc_fc_ifinfo(Xceiver__V1__IfInfo *info)
{
	info->ifname = XC_FUZZ_IFNAME;
	info->ifindex = XC_FUZZ_IFINDEX;
	info->mac = "02:00:00:00:00:2a";
	info->ipv4 = "198.18.0.1";
	info->ipv6 = "2001:2::1";
	info->mtu = 1500;
	info->rx_queues = XC_FUZZ_QUEUES;
	info->tx_queues = XC_FUZZ_QUEUES;
	info->up = true;
	info->running = true;
}

/* A clean report: every stream sent and delivered in full. */
struct xc_fc_report {
	Xceiver__V1__Report rep;
	Xceiver__V1__TxStreamReport tx[XC_FC_MAX_STREAMS];
	Xceiver__V1__RxStreamReport rx[XC_FC_MAX_STREAMS];
	Xceiver__V1__TxStreamReport *txp[XC_FC_MAX_STREAMS];
	Xceiver__V1__RxStreamReport *rxp[XC_FC_MAX_STREAMS];
};

static void xc_fc_report(struct xc_fc_report *r, const struct xc_fc_agent *a)
{
	size_t i;

	xceiver__v1__report__init(&r->rep);
	for (i = 0; i < a->ntx; i++) {
		xceiver__v1__tx_stream_report__init(&r->tx[i]);
		r->tx[i].stream_id = a->tx[i].id;
		r->tx[i].sent = a->tx[i].count;
		r->txp[i] = &r->tx[i];
	}
	for (i = 0; i < a->nrx; i++) {
		xceiver__v1__rx_stream_report__init(&r->rx[i]);
		r->rx[i].stream_id = a->rx[i].id;
		r->rx[i].expected = a->rx[i].count;
		r->rx[i].delivered = a->rx[i].count;
		r->rxp[i] = &r->rx[i];
	}
	r->rep.n_tx = a->ntx;
	r->rep.tx = r->txp;
	r->rep.n_rx = a->nrx;
	r->rep.rx = r->rxp;
}

/* After Started for Tx: the agent sends, then says Done. */
static void xc_fc_done(struct xc_fc *f, const struct xc_fc_req *r)
{
	Xceiver__V1__Progress pr = XCEIVER__V1__PROGRESS__INIT;
	Xceiver__V1__Done done = XCEIVER__V1__DONE__INIT;
	struct xc_fc_report rep;
	Xceiver__V1__Envelope env;

	pr.tx_done = true;
	xc_env_init(&env, r->id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_PROGRESS;
	env.progress = &pr;
	if (!xc_fc_send(f, r->agent, &env))
		return;
	xc_fc_report(&rep, &f->agents[r->agent]);
	if (!f->agents[r->agent].nrx)
		done.report = &rep.rep;
	xc_env_init(&env, r->id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_DONE;
	env.done = &done;
	xc_fc_send(f, r->agent, &env);
}

/* The reply a well-behaved agent gives to r. */
static void xc_fc_answer(struct xc_fc *f, const struct xc_fc_req *r)
{
	Xceiver__V1__Hello hello = XCEIVER__V1__HELLO__INIT;
	Xceiver__V1__IfInfo info = XCEIVER__V1__IF_INFO__INIT;
	Xceiver__V1__Prepared prep = XCEIVER__V1__PREPARED__INIT;
	Xceiver__V1__Started started = XCEIVER__V1__STARTED__INIT;
	Xceiver__V1__Released rel = XCEIVER__V1__RELEASED__INIT;
	struct xc_fc_report rep;
	Xceiver__V1__Envelope env;

	xc_env_init(&env, r->id);
	xc_fc_ifinfo(&info);
	xc_fc_report(&rep, &f->agents[r->agent]);
	switch (r->body) {
	case XCEIVER__V1__ENVELOPE__BODY_HELLO:
		hello.protocol_version = XC_PROTOCOL_VERSION;
		hello.role = "agent";
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_HELLO;
		env.hello = &hello;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_IFINFO_REQUEST:
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_IFINFO;
		env.ifinfo = &info;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_PREPARE:
		prep.ifinfo = &info;
		prep.mode = f->agents[r->agent].mode;
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_PREPARED;
		env.prepared = &prep;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_START:
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_STARTED;
		env.started = &started;
		break;
	case XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST:
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_REPORT;
		env.report = &rep.rep;
		break;
	default:
		env.body_case = XCEIVER__V1__ENVELOPE__BODY_RELEASED;
		env.released = &rel;
		break;
	}
	if (xc_fc_send(f, r->agent, &env) && r->start_tx)
		xc_fc_done(f, r);
}

/* An Envelope from the input with the request's id, or the bytes framed. */
static void xc_fc_fuzzed(struct xc_fc *f, unsigned int agent, uint64_t id,
			 const uint8_t *p, size_t len)
{
	Xceiver__V1__Envelope *env;
	uint8_t *buf;

	env = xceiver__v1__envelope__unpack(NULL, len, p);
	if (env) {
		env->request_id = id ? id : env->request_id;
		xc_fc_send(f, agent, env);
		xceiver__v1__envelope__free_unpacked(env, NULL);
		return;
	}
	buf = malloc(len + XC_WIRE_HDR_LEN);
	if (!buf)
		return;
	buf[0] = (uint8_t)(len >> 24);
	buf[1] = (uint8_t)(len >> 16);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	memcpy(buf + XC_WIRE_HDR_LEN, p, len);
	xc_fuzz_deliver(xc_fuzz_transport(agent), buf,
			len + XC_WIRE_HDR_LEN);
	free(buf);
}

static void xc_fc_pop(struct xc_fc *f, struct xc_fc_req *r)
{
	*r = f->open[0];
	memmove(f->open, f->open + 1, --f->nopen * sizeof(f->open[0]));
}

static void xc_fc_stop(struct xc_fc *f)
{
	xc_fuzz_hangup(xc_fuzz_transport(0));
	xc_fuzz_hangup(xc_fuzz_transport(1));
	uv_idle_stop(&f->idle);
	uv_close((uv_handle_t *)&f->idle, NULL);
}

/* Input exhausted: answer as an agent should; hang up when asked nothing. */
static void xc_fc_behave(struct xc_fc *f)
{
	struct xc_fc_req r;

	if (f->nopen) {
		xc_fc_pop(f, &r);
		xc_fc_answer(f, &r);
		return;
	}
	/*
	 * Agents that always replied right wait as long as the run does: it
	 * must end by itself (a stall of the host must not end it for them)
	 */
	if (f->misbehaved &&
	    uv_now(f->idle.loop) - f->last_req >= XC_FC_QUIET_MS)
		xc_fc_stop(f);
}

static void xc_fc_record(struct xc_fc *f, uint8_t op)
{
	unsigned int agent = (op >> 2) & 1;
	struct xc_fc_req r = { .agent = agent };
	const uint8_t *p = NULL;
	size_t len;

	if ((op & 3) < 2 && f->nopen)
		xc_fc_pop(f, &r);
	if (op & 3)
		f->misbehaved = true;
	switch (op & 3) {
	case 0:
		if (r.body)
			xc_fc_answer(f, &r);
		break;
	case 1:
		len = xc_fc_payload(f, &p);
		xc_fc_fuzzed(f, r.agent, r.id, p, len);
		break;
	case 2:
		len = xc_fc_payload(f, &p);
		xc_fuzz_deliver(xc_fuzz_transport(agent), p, len);
		break;
	default:
		xc_fuzz_hangup(xc_fuzz_transport(agent));
		break;
	}
}

static void xc_fc_idle(uv_idle_t *h)
{
	struct xc_fc *f = h->data;
	uint8_t op;

	/* the run ended: both connections are gone */
	if (!xc_fuzz_transport(0) && !xc_fuzz_transport(1)) {
		xc_fc_stop(f);
		return;
	}
	if (xc_fc_take(f, &op, 1))
		xc_fc_record(f, op);
	else
		xc_fc_behave(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xc_ctl_opts opts = { .quiet = true, .repeat = 1,
				    .repetition = 1 };
	struct xc_fc f = { 0 };
	struct xc_run_result res;
	Xceiver__V1__TestSpec *spec;
	int ret;

	if (!size)
		return 0;
	spec = xc_fuzz_spec(data[0]);
	f.p = data + 1;
	f.left = size - 1;
	xc_fuzz_reset(xc_fc_created, xc_fc_sent, &f);
	ret = xc_run(spec, &opts, &res);
	/* with agents that behave, every run completes */
	if (ret != XC_EXIT_PASS && !f.misbehaved)
		abort();
	if (ret == XC_EXIT_PASS)
		xc_verdict(spec, &res, &opts, NULL);
	xc_run_result_free(&res);
	xc_fuzz_spec_free(spec);
	return 0;
}
