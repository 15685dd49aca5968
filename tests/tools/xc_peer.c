// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xc-peer: a protocol client for the agent's limits, scriptable by flags.
 * It speaks through the project's own connections (shared/xc_wire.h), as
 * the controller does, and does what a controller never would:
 *
 *   --hello             time one Hello ("hello_ms MS")
 *   --hold S            Hello, one Prepare, hold it S s, Release
 *   --pipeline K        Hello, then K Prepares at once; each reply (with
 *                       --start-and-release a Start and a Release right
 *                       behind them)
 *   --silent-after-report S
 *                       Hello, an Rx Prepare, Start, Report; then neither
 *                       read nor write for S s (a controller gone silent)
 *   --slow M            M connections sending a Hello one byte a second
 *   --announce N        N connections announcing --bytes each and sending
 *                       all but the last byte (after a Hello with
 *                       --after-hello)
 *
 * The raw modes run for --secs S and print what the agent did with the
 * connections: how many it closed, when, and each Error once with its
 * count. Exit 0 when the exchange went as asked, 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xc_limits.h"
#include "xc_spec.h"
#include "xc_tool.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_PEER_CHUNK		(256u << 10)	/* announce: bytes a tick */
#define XC_PEER_CHUNK_MS	5
#define XC_PEER_MAX_ERRS	16

enum xc_peer_mode {
	XC_PM_NONE, XC_PM_HELLO, XC_PM_HOLD, XC_PM_PIPELINE, XC_PM_SILENT,
	XC_PM_SLOW, XC_PM_ANNOUNCE,
};

struct xc_peer_opts {
	enum xc_peer_mode mode;
	const char *agent;
	const char *dev;
	unsigned int queue;
	unsigned int chunks;	/* UMEM chunks of the Prepare, 0: default */
	bool tx;		/* prepare a sending side */
	unsigned int n;		/* K, M or N */
	unsigned int secs;
	unsigned int timeout_s;
	unsigned int liveness_s;
	size_t bytes;
	bool after_hello;
	bool start_release;	/* --pipeline: Start, Release behind it */
	struct xc_tls_opts tls;	/* the controller's credentials */
};

/* A distinct Error message and how often it came. */
struct xc_peer_err {
	char msg[200];
	unsigned int n;
};

struct xc_peer {
	uv_loop_t *loop;
	struct xc_peer_opts o;
	struct xc_conn *conn;	/* the protocol modes' connection */
	Xceiver__V1__TestSpec *spec;
	uv_timer_t timer;	/* timeout, hold, the raw modes' end */
	uint64_t t0;
	uint64_t req_ns;	/* the latest Start, ReportRequest, Release */
	unsigned int pending;
	unsigned int prepared;
	unsigned int errors;
	int rc;
	bool silent;		/* stopped the loop to go silent */
	/* raw modes */
	unsigned int opened;
	unsigned int closed;
	double first_close;
	double last_close;
	struct xc_peer_err errs[XC_PEER_MAX_ERRS];
	unsigned int nerrs;
};

/* One connection of the raw modes. */
struct xc_raw {
	struct xc_peer *p;
	struct xc_conn *c;
	struct xc_transport *t;
	uv_timer_t drip;
	uint8_t *hello;		/* --slow: the packed Hello */
	size_t hello_len;
	size_t sent;
	bool closed;
};

static double xc_peer_secs(const struct xc_peer *p)
{
	return (double)(xc_mono_ns() - p->t0) / 1e9;
}

static void xc_peer_end(struct xc_peer *p, int rc)
{
	p->rc = rc;
	uv_stop(p->loop);
}

/* ------------------------------------------------------------ messages */

static int xc_peer_hello(struct xc_conn *c)
{
	Xceiver__V1__Hello hello;
	Xceiver__V1__Envelope env;

	xc_env_hello(&env, &hello, 1);
	return xc_conn_send(c, &env);
}

/* A test spec of one stream on --dev, for its Prepare. */
static int xc_peer_spec(struct xc_peer *p)
{
	char yaml[1024], err[256];
	int n;

	n = snprintf(yaml, sizeof(yaml),
		     "tx: {agent: \"127.0.0.1:1\", xsk: {ifname: \"%s\", queues: [%u], mode: skb, num_chunks: %u}}\n"
		     "rx: {agent: \"127.0.0.1:1\", xsk: {ifname: \"%s\", queues: [%u], mode: skb, num_chunks: %u}}\n"
		     "streams:\n"
		     "  - {id: 1, count: 1000, rate_pps: 1000, headers: {src_mac: \"02:00:00:00:00:01\", dst_mac: \"02:00:00:00:00:02\", src_ip: 198.18.0.1, dst_ip: 198.18.0.2}}\n",
		     p->o.dev, p->o.queue, p->o.chunks, p->o.dev, p->o.queue,
		     p->o.chunks);
	if (n < 0 || (size_t)n >= sizeof(yaml) ||
	    xc_pb_from_yaml(&xceiver__v1__test_spec__descriptor, "<peer>",
			    yaml, (size_t)n, (ProtobufCMessage **)&p->spec,
			    err, sizeof(err)) ||
	    xc_spec_defaults(p->spec)) {
		fprintf(stderr, "xc-peer: cannot make a spec: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

/* Prepare one side of the spec: the sender's with --tx, else the receiver's. */
static int xc_peer_prepare(struct xc_peer *p, uint64_t id)
{
	Xceiver__V1__Prepare prep = XCEIVER__V1__PREPARE__INIT;
	Xceiver__V1__Envelope env;
	Xceiver__V1__TestSpec *s = p->spec;

	prep.run_id = 0x5eed;
	prep.xsk = p->o.tx ? s->tx->xsk : s->rx->xsk;
	prep.peer_xsk = p->o.tx ? s->rx->xsk : s->tx->xsk;
	if (p->o.tx) {
		prep.n_tx_streams = s->n_streams;
		prep.tx_streams = s->streams;
	} else {
		prep.n_rx_streams = s->n_streams;
		prep.rx_streams = s->streams;
		prep.rx_options = s->rx_options;
	}
	xc_env_init(&env, id);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_PREPARE;
	env.prepare = &prep;
	return xc_conn_send(p->conn, &env);
}

static int xc_peer_simple(struct xc_peer *p, uint64_t id,
			  Xceiver__V1__Envelope__BodyCase body)
{
	Xceiver__V1__ReportRequest rr = XCEIVER__V1__REPORT_REQUEST__INIT;
	Xceiver__V1__Release rel = XCEIVER__V1__RELEASE__INIT;
	Xceiver__V1__Start st = XCEIVER__V1__START__INIT;
	Xceiver__V1__Envelope env;

	xc_env_init(&env, id);
	env.body_case = body;
	p->req_ns = xc_mono_ns();
	if (body == XCEIVER__V1__ENVELOPE__BODY_START) {
		st.rx = true;
		env.start = &st;
	} else if (body == XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST) {
		env.report_request = &rr;
	} else {
		env.release = &rel;
	}
	return xc_conn_send(p->conn, &env);
}

/* ------------------------------------------------------------ protocol */

static void xc_peer_hold_over(uv_timer_t *t)
{
	struct xc_peer *p = t->data;

	xc_peer_simple(p, 3, XCEIVER__V1__ENVELOPE__BODY_RELEASE);
}

/* After Hello: what the mode does. */
static void xc_peer_after_hello(struct xc_peer *p)
{
	unsigned int i;

	printf("hello_ms %.1f\n", xc_peer_secs(p) * 1e3);
	fflush(stdout);
	switch (p->o.mode) {
	case XC_PM_HELLO:
		xc_peer_end(p, 0);
		break;
	case XC_PM_PIPELINE:
		p->pending = p->o.n;
		for (i = 0; i < p->o.n; i++)
			xc_peer_prepare(p, 100 + i);
		if (!p->o.start_release)
			break;
		xc_peer_simple(p, 4, XCEIVER__V1__ENVELOPE__BODY_START);
		xc_peer_simple(p, 3, XCEIVER__V1__ENVELOPE__BODY_RELEASE);
		break;
	default:
		p->pending = 1;
		xc_peer_prepare(p, 2);
		break;
	}
}

/* A Prepared or an Error to a Prepare. */
static void xc_peer_prepare_reply(struct xc_peer *p,
				  const Xceiver__V1__Envelope *env)
{
	bool ok = env->body_case == XCEIVER__V1__ENVELOPE__BODY_PREPARED;

	p->prepared += ok;
	p->errors += !ok;
	printf("reply %llu %.3f s: %s%s\n",
	       (unsigned long long)env->request_id, xc_peer_secs(p),
	       ok ? "prepared" : "error: ", ok ? "" : env->error->message);
	fflush(stdout);
	if (--p->pending)
		return;
	if (p->o.mode == XC_PM_PIPELINE) {
		printf("prepared %u errors %u\n", p->prepared, p->errors);
		xc_peer_simple(p, 3, XCEIVER__V1__ENVELOPE__BODY_RELEASE);
	} else if (!ok) {
		xc_peer_end(p, 1);
	} else if (p->o.mode == XC_PM_HOLD) {
		uv_timer_start(&p->timer, xc_peer_hold_over,
			       p->o.secs * 1000ull, 0);
	} else {
		xc_peer_simple(p, 4, XCEIVER__V1__ENVELOPE__BODY_START);
	}
}

static int xc_peer_on_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	struct xc_peer *p = xc_conn_data(c);

	if (env->request_id >= 100 || env->request_id == 2) {
		xc_peer_prepare_reply(p, env);
		return 0;
	}
	if (env->request_id == 4 && p->o.start_release) {
		if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_ERROR)
			printf("start: error: %s\n", env->error->message);
		else
			printf("start: %s\n", xc_env_body_name(env));
		return 0;
	}
	switch (env->body_case) {
	case XCEIVER__V1__ENVELOPE__BODY_HELLO:
		xc_peer_after_hello(p);
		break;
	case XCEIVER__V1__ENVELOPE__BODY_STARTED:
		xc_peer_simple(p, 5,
			       XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST);
		break;
	case XCEIVER__V1__ENVELOPE__BODY_REPORT:
		printf("report received after %.1f ms; silent for %u s\n",
		       (double)(xc_mono_ns() - p->req_ns) / 1e6, p->o.secs);
		fflush(stdout);
		p->silent = true;
		xc_peer_end(p, 0);
		break;
	case XCEIVER__V1__ENVELOPE__BODY_RELEASED:
		printf("released after %.1f ms\n",
		       (double)(xc_mono_ns() - p->req_ns) / 1e6);
		xc_peer_end(p, p->errors && p->o.mode != XC_PM_PIPELINE);
		break;
	case XCEIVER__V1__ENVELOPE__BODY_ERROR:
		printf("error: %s\n", env->error->message);
		xc_peer_end(p, 1);
		break;
	default:
		break;
	}
	return 0;
}

static void xc_peer_on_close(struct xc_conn *c, int err)
{
	struct xc_peer *p = xc_conn_data(c);

	p->conn = NULL;
	if (!err || p->silent)
		return;		/* ours */
	printf("connection closed: %s\n", strerror(-err));
	xc_peer_end(p, 1);
}

static void xc_peer_on_connect(struct xc_conn *c, int err)
{
	struct xc_peer *p = xc_conn_data(c);

	if (err) {
		printf("cannot connect: %s\n", strerror(-err));
		xc_peer_end(p, 1);
		return;
	}
	p->t0 = xc_mono_ns();
	xc_peer_hello(c);
}

static const struct xc_conn_ops xc_peer_ops = {
	.on_msg = xc_peer_on_msg,
	.on_close = xc_peer_on_close,
	.on_connect = xc_peer_on_connect,
};

static int xc_peer_protocol(struct xc_peer *p)
{
	struct xc_conn_limits lim = {
		.liveness_ms = p->o.mode == XC_PM_SILENT ? 0 :
			       p->o.liveness_s * 1000,
	};

	if (p->o.mode != XC_PM_HELLO && xc_peer_spec(p))
		return -EINVAL;
	p->conn = xc_conn_new(p->loop, &xc_peer_ops, p);
	if (!p->conn)
		return -ENOMEM;
	xc_conn_set_limits(p->conn, &lim);
	return xc_conn_connect(p->conn, p->o.agent, p->o.timeout_s * 1000);
}

/* ------------------------------------------------------------ raw modes */

static void xc_raw_error(struct xc_peer *p, const char *msg)
{
	unsigned int i;

	for (i = 0; i < p->nerrs; i++) {
		if (!strcmp(p->errs[i].msg, msg)) {
			p->errs[i].n++;
			return;
		}
	}
	if (p->nerrs == XC_PEER_MAX_ERRS)
		return;
	snprintf(p->errs[p->nerrs].msg, sizeof(p->errs[0].msg), "%s", msg);
	p->errs[p->nerrs++].n = 1;
}

static int xc_raw_write(struct xc_raw *r, const uint8_t *data, size_t len)
{
	uint8_t *buf = malloc(len);

	if (!buf)
		return -ENOMEM;
	memcpy(buf, data, len);
	return r->t->ops->write(r->t, buf, len);
}

/* --slow: the next byte of the Hello; --announce: the next chunk. */
static void xc_raw_drip(uv_timer_t *t)
{
	static const uint8_t zeros[XC_PEER_CHUNK];
	struct xc_raw *r = t->data;
	size_t n;

	if (r->closed)
		return;
	if (r->hello) {
		if (r->sent < r->hello_len &&
		    !xc_raw_write(r, r->hello + r->sent, 1))
			r->sent++;
		return;
	}
	n = XC_MIN(sizeof(zeros), r->p->o.bytes - 1 - r->sent);
	if (n && !xc_raw_write(r, zeros, n))
		r->sent += n;
}

/* --announce: the length header, then all but the last byte. */
static void xc_raw_announce(struct xc_raw *r)
{
	uint32_t len = (uint32_t)r->p->o.bytes;
	uint8_t hdr[XC_WIRE_HDR_LEN] = {
		len >> 24, len >> 16, len >> 8, len,
	};

	xc_raw_write(r, hdr, sizeof(hdr));
	uv_timer_start(&r->drip, xc_raw_drip, 0, XC_PEER_CHUNK_MS);
}

static int xc_raw_on_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	struct xc_raw *r = xc_conn_data(c);

	if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_ERROR)
		xc_raw_error(r->p, env->error->message);
	else if (env->body_case == XCEIVER__V1__ENVELOPE__BODY_HELLO &&
		 r->p->o.mode == XC_PM_ANNOUNCE)
		xc_raw_announce(r);
	return 0;
}

static void xc_raw_on_close(struct xc_conn *c, int err)
{
	struct xc_raw *r = xc_conn_data(c);
	struct xc_peer *p = r->p;

	r->closed = true;
	uv_timer_stop(&r->drip);
	uv_close((uv_handle_t *)&r->drip, NULL);
	if (!err)
		return;		/* ours, at the end */
	p->closed++;
	p->last_close = xc_peer_secs(p);
	if (p->closed == 1)
		p->first_close = p->last_close;
}

static void xc_raw_on_connect(struct xc_conn *c, int err)
{
	struct xc_raw *r = xc_conn_data(c);

	if (err)
		return;		/* on_close counts it */
	r->p->opened++;
	if (r->hello)
		uv_timer_start(&r->drip, xc_raw_drip, 0, 1000);
	else if (r->p->o.after_hello)
		xc_peer_hello(c);
	else
		xc_raw_announce(r);
}

static const struct xc_conn_ops xc_raw_ops = {
	.on_msg = xc_raw_on_msg,
	.on_close = xc_raw_on_close,
	.on_connect = xc_raw_on_connect,
};

static int xc_raw_hello(struct xc_raw *r)
{
	Xceiver__V1__Hello hello;
	Xceiver__V1__Envelope env;

	xc_env_hello(&env, &hello, 1);
	return xc_wire_pack(&env, &r->hello, &r->hello_len);
}

static int xc_raw_open(struct xc_peer *p, struct xc_raw *r)
{
	r->p = p;
	/* kept to write bytes no Envelope makes (TLS-wrapped when set) */
	r->t = xc_conn_transport_new(p->loop);
	uv_timer_init(p->loop, &r->drip);
	r->drip.data = r;
	if (p->o.mode == XC_PM_SLOW && xc_raw_hello(r))
		return -ENOMEM;
	r->c = xc_conn_new_transport(p->loop, r->t, &xc_raw_ops, r);
	if (!r->c)
		return -ENOMEM;
	return xc_conn_connect(r->c, p->o.agent, p->o.timeout_s * 1000);
}

static void xc_raw_print(const struct xc_peer *p)
{
	unsigned int i;

	printf("opened %u closed_by_agent %u first_close_s %.1f last_close_s %.1f\n",
	       p->opened, p->closed, p->first_close, p->last_close);
	for (i = 0; i < p->nerrs; i++)
		printf("error x%u: %s\n", p->errs[i].n, p->errs[i].msg);
}

static void xc_raw_over(uv_timer_t *t)
{
	xc_peer_end(t->data, 0);
}

static int xc_peer_raw(struct xc_peer *p, struct xc_raw **out)
{
	struct xc_raw *rs = calloc(p->o.n, sizeof(*rs));
	unsigned int i;

	*out = rs;
	if (!rs)
		return -ENOMEM;
	p->t0 = xc_mono_ns();
	for (i = 0; i < p->o.n; i++)
		xc_raw_open(p, &rs[i]);
	uv_timer_start(&p->timer, xc_raw_over, p->o.secs * 1000ull, 0);
	return 0;
}

static void xc_raw_close(struct xc_peer *p, struct xc_raw *rs)
{
	unsigned int i;

	for (i = 0; rs && i < p->o.n; i++) {
		if (!rs[i].closed && rs[i].c)
			xc_conn_close(rs[i].c, 0);
		free(rs[i].hello);
		rs[i].hello = NULL;
	}
}

/* ------------------------------------------------------------ main */

static void xc_peer_usage(FILE *f)
{
	fprintf(f,
		"usage: xc-peer --agent ADDR:PORT MODE CREDENTIALS [options]\n"
		"CREDENTIALS: the controller's, as xceiver run takes them\n"
		"  (--ca FILE --cert FILE --key FILE, --psk FILE or --plain)\n"
		"modes:\n"
		"  --hello                 time one Hello (hello_ms MS)\n"
		"  --hold S                Hello, Prepare, hold it S s, Release\n"
		"  --pipeline K            Hello, then K Prepares at once\n"
		"  --silent-after-report S Hello, Rx Prepare, Start, Report, then\n"
		"                          neither read nor write for S s\n"
		"  --slow M                M connections sending a Hello one byte\n"
		"                          a second, for --secs\n"
		"  --announce N            N connections announcing --bytes and\n"
		"                          sending all but the last, for --secs\n"
		"options:\n"
		"  --dev IF --queue Q      the Prepare's interface and queue\n"
		"  --tx                    prepare a sending side (default: Rx)\n"
		"  --chunks N              the Prepare's UMEM chunks (xsk.num_chunks)\n"
		"  --start-and-release     --pipeline: a Start and a Release right\n"
		"                          behind the Prepares\n"
		"  --bytes B               --announce length (default 16 MiB)\n"
		"  --after-hello           --announce after a Hello\n"
		"  --secs S                how long the raw modes run (default 10)\n"
		"  --liveness S            heartbeats as the controller's (default %d)\n"
		"  --timeout S             give up after S s (default 30)\n",
		XC_DEF_LIVENESS_S);
}

static int xc_peer_num(const char *arg, unsigned int *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || n > UINT32_MAX) {
		fprintf(stderr, "xc-peer: %s: expected a number\n", arg);
		return -EINVAL;
	}
	*v = (unsigned int)n;
	return 0;
}

/* A mode and its number, or an option. */
static int xc_peer_opt(struct xc_peer_opts *o, int c, const char *arg,
		       unsigned int *bytes)
{
	static const enum xc_peer_mode modes[128] = {
		['H'] = XC_PM_HELLO, ['o'] = XC_PM_HOLD,
		['p'] = XC_PM_PIPELINE, ['s'] = XC_PM_SILENT,
		['w'] = XC_PM_SLOW, ['n'] = XC_PM_ANNOUNCE,
	};

	if (c > 0 && c < 128 && modes[c])
		o->mode = modes[c];
	switch (c) {
	case 'H':
		return 0;
	case 'o':
	case 's':
		return xc_peer_num(arg, &o->secs);
	case 'p':
	case 'w':
	case 'n':
		return xc_peer_num(arg, &o->n);
	case 'a':
		o->agent = arg;
		return 0;
	case 'd':
		o->dev = arg;
		return 0;
	case 'q':
		return xc_peer_num(arg, &o->queue);
	case 'c':
		return xc_peer_num(arg, &o->chunks);
	case 't':
		o->tx = true;
		return 0;
	case 'b':
		return xc_peer_num(arg, bytes);
	case 'A':
		o->after_hello = true;
		return 0;
	case 'R':
		o->start_release = true;
		return 0;
	case 'S':
		return xc_peer_num(arg, &o->secs);
	case 'L':
		return xc_peer_num(arg, &o->liveness_s);
	case 'T':
		return xc_peer_num(arg, &o->timeout_s);
	case 'h':
		xc_peer_usage(stdout);
		exit(0);
	default:	/* the controller's credential flags */
		return xc_tool_tls_opt("xc-peer", &o->tls, c, arg) ?
		       -EINVAL : 0;
	}
}

static int xc_peer_args(int argc, char **argv, struct xc_peer_opts *o)
{
	static const struct option opts[] = {
		{ "agent", required_argument, NULL, 'a' },
		{ "hello", no_argument, NULL, 'H' },
		{ "hold", required_argument, NULL, 'o' },
		{ "pipeline", required_argument, NULL, 'p' },
		{ "silent-after-report", required_argument, NULL, 's' },
		{ "slow", required_argument, NULL, 'w' },
		{ "announce", required_argument, NULL, 'n' },
		{ "dev", required_argument, NULL, 'd' },
		{ "queue", required_argument, NULL, 'q' },
		{ "tx", no_argument, NULL, 't' },
		{ "chunks", required_argument, NULL, 'c' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "after-hello", no_argument, NULL, 'A' },
		{ "start-and-release", no_argument, NULL, 'R' },
		{ "secs", required_argument, NULL, 'S' },
		{ "liveness", required_argument, NULL, 'L' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		XC_TLS_LONG_OPTIONS,
		{ 0 }
	};
	unsigned int bytes = 16u << 20;
	int c, err = 0;

	while (!err && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		err = xc_peer_opt(o, c, optarg, &bytes);
	o->bytes = bytes;
	if (err || !o->agent || o->mode == XC_PM_NONE || optind != argc ||
	    (o->mode >= XC_PM_HOLD && o->mode <= XC_PM_SILENT && !o->dev) ||
	    o->bytes < 2) {
		xc_peer_usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static void xc_peer_timeout(uv_timer_t *t)
{
	struct xc_peer *p = t->data;

	printf("timed out after %u s\n", p->o.timeout_s);
	xc_peer_end(p, 1);
}

int main(int argc, char **argv)
{
	struct xc_peer p = {
		.o = {
			.secs = 10, .timeout_s = 30,
			.liveness_s = XC_DEF_LIVENESS_S,
		},
	};
	struct xc_tls_ctx *tls = NULL;
	struct xc_raw *rs = NULL;
	bool raw;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (xc_peer_args(argc, argv, &p.o))
		return 2;
	if (xc_tool_security("xc-peer", &p.o.tls, &tls))
		return 2;
	raw = p.o.mode == XC_PM_SLOW || p.o.mode == XC_PM_ANNOUNCE;
	p.loop = uv_default_loop();
	uv_timer_init(p.loop, &p.timer);
	p.timer.data = &p;
	if (!raw)
		uv_timer_start(&p.timer, xc_peer_timeout,
			       p.o.timeout_s * 1000ull, 0);
	err = raw ? xc_peer_raw(&p, &rs) : xc_peer_protocol(&p);
	if (err) {
		fprintf(stderr, "xc-peer: %s\n", strerror(-err));
		return 1;
	}
	uv_run(p.loop, UV_RUN_DEFAULT);
	if (p.silent) {
		sleep(p.o.secs);	/* the socket open, nothing read */
		return 0;
	}
	if (raw)
		xc_raw_print(&p);
	xc_raw_close(&p, rs);
	if (p.conn)
		xc_conn_close(p.conn, 0);
	uv_close((uv_handle_t *)&p.timer, NULL);
	uv_run(p.loop, UV_RUN_DEFAULT);
	free(rs);
	if (p.spec)
		protobuf_c_message_free_unpacked(&p.spec->base, NULL);
	xc_tool_security_end(tls);
	return p.rc;
}
