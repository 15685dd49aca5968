// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xc-send: a bare protocol client for the integration tests, to say to
 * an agent what no controller would (a Prepare without IfInfo, limits
 * beyond the spec's, a session that holds its queues).
 *
 *   xc-send [--hold] CREDENTIALS ADDR:PORT MSG...
 *
 * CREDENTIALS are the controller's (--ca --cert --key, --psk or --plain).
 * Each MSG is an Envelope in YAML or JSON (proto/xceiver.proto), a file
 * or, when it starts with '{', the text itself: {hello: {}}. A message
 * without a request_id gets its position (1, 2, ...). Each is sent once
 * the reply to the one before (the message with its request id) came;
 * every message received is printed as one line of JSON. --hold then
 * keeps the connection (and the session's leases) until a signal ends
 * the process. Exit 0 when every message had its reply, 1 when not.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_spec.h"
#include "xc_tool.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_SEND_TIMEOUT_MS	10000

struct xc_send {
	char **msgs;
	int nmsgs;
	int next;		/* index of the message to send */
	uint64_t want;		/* request id of the reply awaited */
	bool hold;
	int rc;
	uv_timer_t timer;
};

static Xceiver__V1__Envelope *xc_msg_load(const char *msg)
{
	ProtobufCMessage *m = NULL;
	char err[512];
	int ret;

	if (msg[0] == '{')
		ret = xc_pb_from_yaml(&xceiver__v1__envelope__descriptor,
				      "message", msg, strlen(msg), &m, err,
				      sizeof(err));
	else
		ret = xc_pb_from_yaml_file(&xceiver__v1__envelope__descriptor,
					   msg, &m, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "xc-send: %s\n", err);
		return NULL;
	}
	return (Xceiver__V1__Envelope *)m;
}

/* Send the next message, or end (or hold) after the last. */
static void xc_send_next(struct xc_conn *c, struct xc_send *s)
{
	Xceiver__V1__Envelope *env;

	if (s->next == s->nmsgs) {
		uv_timer_stop(&s->timer);
		s->rc = 0;
		if (!s->hold)
			xc_conn_close(c, 0);
		return;
	}
	env = xc_msg_load(s->msgs[s->next]);
	if (!env) {
		xc_conn_close(c, -EINVAL);
		return;
	}
	s->next++;
	if (!env->request_id)
		env->request_id = (uint64_t)s->next;
	s->want = env->request_id;
	if (xc_conn_send(c, env))
		xc_conn_close(c, -EIO);
	protobuf_c_message_free_unpacked(&env->base, NULL);
}

static int xc_on_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	struct xc_send *s = xc_conn_data(c);
	json_t *j = xc_pb_to_json(&env->base);
	char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;

	printf("%s\n", t ? t : "{}");
	fflush(stdout);
	free(t);
	json_decref(j);
	if (s->rc && env->request_id == s->want)
		xc_send_next(c, s);
	return 0;
}

static void xc_on_connect(struct xc_conn *c, int err)
{
	if (err) {
		fprintf(stderr, "xc-send: connect: %s\n", strerror(-err));
		return;
	}
	xc_send_next(c, xc_conn_data(c));
}

static void xc_on_close(struct xc_conn *c, int err)
{
	struct xc_send *s = xc_conn_data(c);

	if (s->rc)
		fprintf(stderr, "xc-send: no reply to message %d: %s\n",
			s->next, xc_conn_failure(c) ? xc_conn_failure(c) :
			err ? strerror(-err) : "connection closed");
	uv_close((uv_handle_t *)&s->timer, NULL);
}

static void xc_on_timeout(uv_timer_t *t)
{
	fprintf(stderr, "xc-send: no reply within %d ms\n",
		XC_SEND_TIMEOUT_MS);
	exit(1);
}

static const struct xc_conn_ops xc_send_ops = {
	.on_msg = xc_on_msg,
	.on_close = xc_on_close,
	.on_connect = xc_on_connect,
};

/* The flags: --hold and the credentials; optind then at ADDR:PORT. */
static int xc_send_flags(int argc, char **argv, struct xc_send *s,
			 struct xc_tls_opts *o)
{
	static const struct option opts[] = {
		{ "hold", no_argument, NULL, 'H' },
		XC_TLS_LONG_OPTIONS,
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'H') {
			s->hold = true;
			continue;
		}
		if (xc_tool_tls_opt("xc-send", o, c, optarg))
			goto usage;
	}
	if (argc - optind >= 2)
		return 0;
usage:
	fprintf(stderr, "usage: xc-send [--hold] %s|--plain ADDR:PORT MSG...\n",
		XC_TLS_FLAGS_TEXT);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct xc_send s = { .rc = 1 };
	struct xc_tls_opts o = { 0 };
	struct xc_tls_ctx *ctx = NULL;
	uv_loop_t *loop = uv_default_loop();
	struct xc_conn *c;

	if (xc_send_flags(argc, argv, &s, &o) ||
	    xc_tool_security("xc-send", &o, &ctx))
		return 2;
	s.msgs = argv + optind + 1;
	s.nmsgs = argc - optind - 1;
	uv_timer_init(loop, &s.timer);
	uv_timer_start(&s.timer, xc_on_timeout, XC_SEND_TIMEOUT_MS, 0);
	c = xc_conn_new(loop, &xc_send_ops, &s);
	if (!c || xc_conn_connect(c, argv[optind], XC_SEND_TIMEOUT_MS))
		return 1;
	uv_run(loop, UV_RUN_DEFAULT);
	xc_tool_security_end(ctx);
	return s.rc;
}
