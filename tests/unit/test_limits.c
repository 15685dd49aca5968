// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The control connection's limits: the deadlines of shared/xc_live.c on
 * a made-up clock, the framers' shared budget of buffered bytes, and on
 * real connections over 127.0.0.1 that heartbeats keep two quiet ends
 * alive while a silent peer is given up within the liveness time.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "xc_live.h"
#include "xc_log.h"
#include "xc_util.h"
#include "xc_wire.h"

/* ------------------------------------------------------------ deadlines */

static struct xc_live xc_t_live(unsigned int live, unsigned int hello,
				unsigned int msg)
{
	struct xc_live l = {
		.liveness_ms = live, .hello_ms = hello, .msg_ms = msg,
	};

	xc_live_start(&l, 1000);
	return l;
}

static void test_live_silence(void **state)
{
	struct xc_live l = xc_t_live(2000, 0, 0);

	assert_int_equal(xc_live_check(&l, 1000), XC_LIVE_OK);
	/* our own quiet first asks for a heartbeat, at a quarter */
	assert_int_equal(xc_live_check(&l, 1499), XC_LIVE_OK);
	assert_int_equal(xc_live_check(&l, 1500), XC_LIVE_HEARTBEAT);
	xc_live_tx(&l, 1500);
	assert_int_equal(xc_live_check(&l, 1999), XC_LIVE_OK);
	/* sending does not make the peer alive */
	xc_live_tx(&l, 2900);
	assert_int_equal(xc_live_check(&l, 2999), XC_LIVE_OK);
	assert_int_equal(xc_live_check(&l, 3000), XC_LIVE_SILENT);
	/* anything received does */
	xc_live_rx(&l, 2999, false, true);
	assert_int_equal(xc_live_check(&l, 3000), XC_LIVE_OK);
	assert_int_equal(xc_live_check(&l, 3399), XC_LIVE_OK);
	assert_int_equal(xc_live_check(&l, 3400), XC_LIVE_HEARTBEAT);
	assert_int_equal(xc_live_check(&l, 4998), XC_LIVE_HEARTBEAT);
	assert_int_equal(xc_live_check(&l, 4999), XC_LIVE_SILENT);
}

static void test_live_hello(void **state)
{
	struct xc_live l = xc_t_live(0, 5000, 0);

	xc_live_rx(&l, 5000, true, false);
	assert_int_equal(xc_live_check(&l, 5999), XC_LIVE_OK);
	assert_int_equal(xc_live_check(&l, 6000), XC_LIVE_HELLO);
	l.ready = true;
	assert_int_equal(xc_live_check(&l, 60000), XC_LIVE_OK);
}

static void test_live_message(void **state)
{
	struct xc_live l = xc_t_live(0, 0, 1000);

	/* a byte a while keeps no message alive */
	xc_live_rx(&l, 1000, true, false);
	xc_live_rx(&l, 1500, true, false);
	assert_int_equal(xc_live_check(&l, 1999), XC_LIVE_OK);
	assert_int_equal(xc_live_check(&l, 2000), XC_LIVE_MSG);
	/* a message that completes with the next one begun: a new clock */
	xc_live_rx(&l, 2000, true, true);
	assert_int_equal(xc_live_check(&l, 2999), XC_LIVE_OK);
	assert_int_equal(xc_live_check(&l, 3000), XC_LIVE_MSG);
	/* nothing partial: no deadline */
	xc_live_rx(&l, 3000, false, true);
	assert_int_equal(xc_live_check(&l, 90000), XC_LIVE_OK);
}

static void test_live_off_and_tick(void **state)
{
	struct xc_live l = xc_t_live(0, 0, 0);

	assert_int_equal(xc_live_check(&l, UINT32_MAX), XC_LIVE_OK);
	assert_int_equal(xc_live_tick_ms(&l), 0);
	l = xc_t_live(2000, 0, 0);
	assert_int_equal(xc_live_tick_ms(&l), 2000 / XC_LIVE_TICK_DIV);
	l = xc_t_live(XC_DEF_LIVENESS_S * 1000, XC_HELLO_MS, XC_MSG_MS);
	assert_int_equal(xc_live_tick_ms(&l), XC_MIN(XC_LIVE_TICK_MAX_MS,
		XC_HELLO_MS / XC_LIVE_TICK_DIV));
	l = xc_t_live(1, 0, 0);
	assert_int_equal(xc_live_tick_ms(&l), 1);
	/* a clock before the start (a stale loop time) is no deadline */
	l = xc_t_live(10, 10, 10);
	assert_int_equal(xc_live_check(&l, 999), XC_LIVE_OK);
}

/* ------------------------------------------------------------ budget */

static int xc_t_count(void *ctx, const uint8_t *msg, size_t len)
{
	(*(int *)ctx)++;
	return 0;
}

static void xc_t_hdr(uint8_t *h, uint32_t len)
{
	h[0] = len >> 24;
	h[1] = len >> 16;
	h[2] = len >> 8;
	h[3] = len;
}

static void test_budget_refuses_beyond_left(void **state)
{
	struct xc_budget b = { .max = 1000, .small = 100 };
	struct xc_framer f1, f2, f3;
	uint8_t h[XC_WIRE_HDR_LEN], body[600] = { 0 };
	int n = 0;

	xc_framer_init(&f1, 4096);
	xc_framer_init(&f2, 4096);
	xc_framer_init(&f3, 4096);
	xc_framer_set_budget(&f1, &b);
	xc_framer_set_budget(&f2, &b);
	xc_framer_set_budget(&f3, &b);
	/* announced, not yet sent: held */
	xc_t_hdr(h, 600);
	assert_int_equal(xc_framer_feed(&f1, h, sizeof(h), xc_t_count, &n), 0);
	assert_int_equal(b.used, 600);
	assert_true(xc_framer_partial(&f1));
	/* 401 is more than is left */
	xc_t_hdr(h, 401);
	assert_int_equal(xc_framer_feed(&f2, h, sizeof(h), xc_t_count, &n),
			 -ENOBUFS);
	assert_int_equal(xc_framer_announced(&f2), 401);
	assert_int_equal(b.used, 600);
	/* a small message is not counted */
	xc_t_hdr(h, 100);
	assert_int_equal(xc_framer_feed(&f3, h, sizeof(h), xc_t_count, &n), 0);
	assert_int_equal(b.used, 600);
	xc_framer_free(&f3);
	/* delivery gives it back */
	assert_int_equal(xc_framer_feed(&f1, body, 600, xc_t_count, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(b.used, 0);
	assert_false(xc_framer_partial(&f1));
	xc_framer_free(&f1);
	xc_framer_free(&f2);
}

static void test_budget_given_back(void **state)
{
	struct xc_budget b = { .max = 1000 };
	struct xc_framer f;
	uint8_t h[XC_WIRE_HDR_LEN], body[10] = { 0 };
	int n = 0;

	/* by a reset (a closed connection) with half a message */
	xc_framer_init(&f, 4096);
	xc_framer_set_budget(&f, &b);
	xc_t_hdr(h, 1000);
	assert_int_equal(xc_framer_feed(&f, h, sizeof(h), xc_t_count, &n), 0);
	assert_int_equal(xc_framer_feed(&f, body, sizeof(body), xc_t_count,
					&n), 0);
	assert_int_equal(b.used, 1000);
	xc_framer_free(&f);
	assert_int_equal(b.used, 0);
	/* by a failure */
	xc_framer_init(&f, 4096);
	xc_framer_set_budget(&f, &b);
	assert_int_equal(xc_framer_feed(&f, h, sizeof(h), xc_t_count, &n), 0);
	xc_t_hdr(h, 5000);
	assert_int_equal(xc_framer_feed(&f, body, 1000, xc_t_count, &n), 0);
	assert_int_equal(b.used, 0);
	assert_int_equal(xc_framer_feed(&f, h, sizeof(h), xc_t_count, &n),
			 -EMSGSIZE);
	assert_int_equal(b.used, 0);
	xc_framer_free(&f);
	assert_int_equal(b.used, 0);
}

/* ------------------------------------------------------------ connections */

struct xc_t_end {
	struct xc_conn *c;
	int closed;		/* 1 + the error */
	int msgs;
	uint64_t closed_ns;
};

struct xc_t_pair {
	uv_loop_t loop;
	uv_tcp_t server;
	uv_timer_t stop;
	struct xc_t_end a, b;	/* a connects, b accepts */
	struct xc_conn_limits la, lb;
	int port;
	uint64_t t0;
};

static int xc_t_on_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	struct xc_t_end *e = xc_conn_data(c);

	e->msgs++;
	return 0;
}

static void xc_t_on_close(struct xc_conn *c, int err)
{
	struct xc_t_end *e = xc_conn_data(c);

	e->closed = 1 - err;
	e->closed_ns = xc_mono_ns();
	e->c = NULL;
}

static const struct xc_conn_ops xc_t_ops = {
	.on_msg = xc_t_on_msg,
	.on_close = xc_t_on_close,
};

static void xc_t_accept(uv_stream_t *server, int status)
{
	struct xc_t_pair *p = server->data;

	assert_int_equal(status, 0);
	p->b.c = xc_conn_new(&p->loop, &xc_t_ops, &p->b);
	assert_non_null(p->b.c);
	assert_int_equal(xc_conn_set_limits(p->b.c, &p->lb), 0);
	assert_int_equal(xc_conn_accept(p->b.c, server), 0);
}

static void xc_t_stop(uv_timer_t *t)
{
	struct xc_t_pair *p = t->data;

	if (p->a.c)
		xc_conn_close(p->a.c, 0);
	if (p->b.c)
		xc_conn_close(p->b.c, 0);
	uv_close((uv_handle_t *)&p->server, NULL);
	uv_close((uv_handle_t *)&p->stop, NULL);
}

/* Connect a to b with their limits, run run_ms, then close both. */
static void xc_t_pair_run(struct xc_t_pair *p, unsigned int run_ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	char addr[32];

	assert_int_equal(uv_loop_init(&p->loop), 0);
	uv_tcp_init(&p->loop, &p->server);
	p->server.data = p;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(uv_tcp_bind(&p->server, (void *)&sin, 0), 0);
	assert_int_equal(uv_listen((uv_stream_t *)&p->server, 4,
				   xc_t_accept), 0);
	uv_tcp_getsockname(&p->server, (struct sockaddr *)&ss, &len);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u",
		 ntohs(((struct sockaddr_in *)&ss)->sin_port));
	p->a.c = xc_conn_new(&p->loop, &xc_t_ops, &p->a);
	assert_non_null(p->a.c);
	assert_int_equal(xc_conn_set_limits(p->a.c, &p->la), 0);
	assert_int_equal(xc_conn_connect(p->a.c, addr, 1000), 0);
	uv_timer_init(&p->loop, &p->stop);
	p->stop.data = p;
	uv_timer_start(&p->stop, xc_t_stop, run_ms, 0);
	p->t0 = xc_mono_ns();
	uv_run(&p->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&p->loop), 0);
}

/* Two quiet ends with heartbeats stay connected over many liveness times. */
static void test_conn_heartbeats_keep_alive(void **state)
{
	struct xc_t_pair p = {
		.la = { .liveness_ms = 200 },
		.lb = { .liveness_ms = 200 },
	};

	xc_t_pair_run(&p, 1500);
	assert_int_equal(p.a.closed, 1);	/* closed by us, at the end */
	assert_int_equal(p.b.closed, 1);
	/* heartbeats are not messages */
	assert_int_equal(p.a.msgs, 0);
	assert_int_equal(p.b.msgs, 0);
}

/* A peer that sends nothing (no liveness of its own) is given up. */
static void test_conn_silent_peer_given_up(void **state)
{
	struct xc_t_pair p = {
		.la = { .liveness_ms = 0 },
		.lb = { .liveness_ms = 300 },
	};
	uint64_t ms;

	xc_t_pair_run(&p, 1500);
	assert_int_equal(p.b.closed, 1 + ETIMEDOUT);
	ms = (p.b.closed_ns - p.t0) / 1000000;
	assert_true(ms >= 300);
	assert_true(ms <= 300 + 300 / XC_LIVE_TICK_DIV + 100);
	/* given up at once: the other end sees the reset, no linger */
	assert_int_not_equal(p.a.closed, 1);
}

/* No Hello within hello_ms: an Error, then closed. */
static void test_conn_hello_deadline(void **state)
{
	struct xc_t_pair p = {
		.lb = { .hello_ms = 200 },
	};

	xc_t_pair_run(&p, 1000);
	assert_int_equal(p.b.closed, 1 + ETIMEDOUT);
	assert_int_equal(p.a.msgs, 1);		/* the Error */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_silence),
		cmocka_unit_test(test_live_hello),
		cmocka_unit_test(test_live_message),
		cmocka_unit_test(test_live_off_and_tick),
		cmocka_unit_test(test_budget_refuses_beyond_left),
		cmocka_unit_test(test_budget_given_back),
		cmocka_unit_test(test_conn_heartbeats_keep_alive),
		cmocka_unit_test(test_conn_silent_peer_given_up),
		cmocka_unit_test(test_conn_hello_deadline),
	};

	xc_log_set_level(XC_LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
