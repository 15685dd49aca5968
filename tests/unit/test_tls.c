// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * TLS on the control channel: a controller and an agent connection on
 * 127.0.0.1 in one libuv loop, each over the TLS transport (or plain TCP
 * for the client that has no credentials), with keys from xceiver keys
 * (xc_keys_make) in a temporary directory.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "xc_keys.h"
#include "xc_log.h"
#include "xc_tls.h"
#include "xc_unit.h"
#include "xc_wire.h"

#define XC_T_TIMEOUT_MS	10000
#define XC_T_BIG	(6u << 20)	/* controller to agent */
#define XC_T_BIG_BACK	(5u << 20)	/* and back */

/* Key sets: A and B have different CAs; X's controller cert expired. */
static char xc_t_dir[64];

struct xc_t_side {
	struct xc_conn *conn;
	int msgs;
	size_t len;		/* of the last Hello's software_version */
	bool intact;		/* it held the expected pattern */
	bool closed;
	char identity[160];
	char failure[256];
};

struct xc_t {
	uv_loop_t loop;
	uv_tcp_t server;
	uv_timer_t guard;
	char addr[32];
	struct xc_tls_ctx *sctx;	/* the agent's */
	struct xc_tls_ctx *cctx;	/* the controller's; NULL: plain */
	size_t size;			/* the client's Hello */
	size_t size_back;		/* the server's answer */
	struct xc_t_side srv;
	struct xc_t_side cli;
	bool expired;
};

static struct xc_t *T;

/* ------------------------------------------------------------ keys */

static void xc_t_path(char *buf, size_t len, const char *set,
		      const char *file)
{
	snprintf(buf, len, "%s/%s/%s", xc_t_dir, set, file);
}

static void xc_t_keys(const char *set, bool expired)
{
	struct xc_keys_opts o = { .expired_controller = expired };
	char dir[128], err[256];

	snprintf(dir, sizeof(dir), "%s/%s", xc_t_dir, set);
	o.dir = dir;
	if (xc_keys_make(&o, err, sizeof(err)))
		fail_msg("keys: %s", err);
}

static void xc_t_psk_file(const char *set, const char *line)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", xc_t_dir, set);
	assert_int_equal(mkdir(path, 0700), 0);
	xc_t_path(path, sizeof(path), set, "controller.psk");
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", line);
	fclose(f);
}

static int xc_t_rm(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	return remove(path);
}

static int xc_t_group_setup(void **state)
{
	snprintf(xc_t_dir, sizeof(xc_t_dir), "/tmp/xc-test-tls.XXXXXX");
	if (!mkdtemp(xc_t_dir))
		return -1;
	xc_log_set_level(XC_LOG_WARN);
	xc_t_keys("a", false);
	xc_t_keys("b", false);
	xc_t_keys("x", true);
	xc_t_psk_file("stranger", "stranger:00112233445566778899aabbccddeeff"
		      "00112233445566778899aabbccddeeff");
	return 0;
}

static int xc_t_group_teardown(void **state)
{
	return nftw(xc_t_dir, xc_t_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * A context from set's files: the agent's (server) or the controller's,
 * with the certificate and key of the role files_of_agent names.
 */
static struct xc_tls_ctx *xc_t_ctx_files(bool server, const char *ca_set,
					 const char *set, const char *allow,
					 bool files_of_agent)
{
	char ca[128], cert[128], key[128], err[256];
	struct xc_tls_opts o = { 0 };
	struct xc_tls_ctx *ctx;

	xc_t_path(ca, sizeof(ca), ca_set, "ca.crt");
	xc_t_path(cert, sizeof(cert), set, files_of_agent ? "agent.crt" :
		  "controller.crt");
	xc_t_path(key, sizeof(key), set, files_of_agent ? "agent.key" :
		  "controller.key");
	o.ca = ca;
	o.cert = cert;
	o.key = key;
	if (allow)
		o.names[o.n_names++] = allow;
	if (xc_tls_ctx_new(&o, server, &ctx, err, sizeof(err)))
		fail_msg("context: %s", err);
	return ctx;
}

/* A context from set's files; server: the agent's. */
static struct xc_tls_ctx *xc_t_ctx(bool server, const char *ca_set,
				   const char *set, const char *allow)
{
	return xc_t_ctx_files(server, ca_set, set, allow, server);
}

static struct xc_tls_ctx *xc_t_psk_ctx(bool server, const char *set)
{
	struct xc_tls_opts o = { 0 };
	struct xc_tls_ctx *ctx;
	char psk[128], err[256];

	xc_t_path(psk, sizeof(psk), set, server ? "agent.psk" :
		  "controller.psk");
	o.psk = psk;
	if (xc_tls_ctx_new(&o, server, &ctx, err, sizeof(err)))
		fail_msg("context: %s", err);
	return ctx;
}

/* ------------------------------------------------------------ peers */

static int xc_t_send_hello(struct xc_conn *c, size_t size)
{
	Xceiver__V1__Hello hello = XCEIVER__V1__HELLO__INIT;
	Xceiver__V1__Envelope env;
	char *text = malloc(size + 1);
	size_t i;
	int err;

	assert_non_null(text);
	for (i = 0; i < size; i++)
		text[i] = (char)('a' + i % 23);
	text[size] = '\0';
	hello.protocol_version = XC_PROTOCOL_VERSION;
	hello.software_version = text;
	xc_env_init(&env, 1);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_HELLO;
	env.hello = &hello;
	err = xc_conn_send(c, &env);
	free(text);
	return err;
}

static void xc_t_take(struct xc_t_side *s, struct xc_conn *c,
		      const Xceiver__V1__Envelope *env)
{
	const char *text = env->hello ? env->hello->software_version : "";
	const char *id = xc_conn_identity(c);
	size_t i;

	s->msgs++;
	s->len = strlen(text);
	s->intact = true;
	for (i = 0; i < s->len; i++)
		s->intact = s->intact && text[i] == (char)('a' + i % 23);
	snprintf(s->identity, sizeof(s->identity), "%s", id ? id : "");
}

static void xc_t_closed(struct xc_t_side *s, struct xc_conn *c)
{
	const char *why = xc_conn_failure(c);

	s->closed = true;
	s->conn = NULL;
	snprintf(s->failure, sizeof(s->failure), "%s", why ? why : "");
	if (T->srv.closed && T->cli.closed &&
	    !uv_is_closing((uv_handle_t *)&T->server))
		uv_close((uv_handle_t *)&T->server, NULL);
}

static int xc_t_srv_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	xc_t_take(&T->srv, c, env);
	return xc_t_send_hello(c, T->size_back);
}

static void xc_t_srv_close(struct xc_conn *c, int err)
{
	xc_t_closed(&T->srv, c);
}

static const struct xc_conn_ops xc_t_srv_ops = {
	.on_msg = xc_t_srv_msg,
	.on_close = xc_t_srv_close,
};

static int xc_t_cli_msg(struct xc_conn *c, const Xceiver__V1__Envelope *env)
{
	xc_t_take(&T->cli, c, env);
	xc_conn_close(c, 0);
	return 0;
}

static void xc_t_cli_close(struct xc_conn *c, int err)
{
	xc_t_closed(&T->cli, c);
}

static void xc_t_cli_connect(struct xc_conn *c, int err)
{
	assert_int_equal(err, 0);
	assert_int_equal(xc_t_send_hello(c, T->size), 0);
}

static const struct xc_conn_ops xc_t_cli_ops = {
	.on_msg = xc_t_cli_msg,
	.on_close = xc_t_cli_close,
	.on_connect = xc_t_cli_connect,
};

/* A connection over TCP, wrapped in TLS when ctx is given. */
static struct xc_conn *xc_t_conn(struct xc_tls_ctx *ctx,
				 const struct xc_conn_ops *ops)
{
	struct xc_transport *t = xc_tcp_transport_new(&T->loop);

	if (t && ctx)
		t = xc_tls_transport_new(ctx, t);
	return xc_conn_new_transport(&T->loop, t, ops, NULL);
}

static void xc_t_on_connection(uv_stream_t *server, int status)
{
	assert_int_equal(status, 0);
	assert_null(T->srv.conn);
	T->srv.conn = xc_t_conn(T->sctx, &xc_t_srv_ops);
	assert_non_null(T->srv.conn);
	assert_int_equal(xc_conn_accept(T->srv.conn, server), 0);
}

static void xc_t_expired(uv_timer_t *t)
{
	T->expired = true;
	if (T->srv.conn)
		xc_conn_close(T->srv.conn, -ETIMEDOUT);
	if (T->cli.conn)
		xc_conn_close(T->cli.conn, -ETIMEDOUT);
	if (!uv_is_closing((uv_handle_t *)&T->server))
		uv_close((uv_handle_t *)&T->server, NULL);
}

static int xc_t_setup(void **state)
{
	T = calloc(1, sizeof(*T));
	if (!T ||
	    xc_t_loop(&T->loop, &T->guard, xc_t_expired, XC_T_TIMEOUT_MS) ||
	    xc_t_listen(&T->loop, &T->server, 4, xc_t_on_connection,
			T->addr, sizeof(T->addr)))
		return -1;
	T->size = T->size_back = 16;
	*state = T;
	return 0;
}

static int xc_t_teardown(void **state)
{
	uv_close((uv_handle_t *)&T->guard, NULL);
	uv_run(&T->loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&T->loop))
		return -1;
	xc_tls_ctx_free(T->sctx);
	xc_tls_ctx_free(T->cctx);
	free(T);
	T = NULL;
	return 0;
}

/* Connect the client, run until both ends are closed. */
static void xc_t_exchange(void)
{
	T->cli.conn = xc_t_conn(T->cctx, &xc_t_cli_ops);
	assert_non_null(T->cli.conn);
	assert_int_equal(xc_conn_connect(T->cli.conn, T->addr, 2000), 0);
	while (!(T->srv.closed && T->cli.closed) && !T->expired)
		uv_run(&T->loop, UV_RUN_ONCE);
	assert_false(T->expired);
}

/* The agent acted on nothing; both ends say why they closed. */
static void xc_t_refused(const char *srv_why, const char *cli_why)
{
	xc_t_exchange();
	assert_int_equal(T->srv.msgs, 0);
	assert_int_equal(T->cli.msgs, 0);
	if (!strstr(T->srv.failure, srv_why))
		fail_msg("agent: '%s' does not say '%s'", T->srv.failure,
			 srv_why);
	if (cli_why && !strstr(T->cli.failure, cli_why))
		fail_msg("controller: '%s' does not say '%s'", T->cli.failure,
			 cli_why);
}

/* ------------------------------------------------------------ tests */

static void test_cert_handshake(void **state)
{
	T->sctx = xc_t_ctx(true, "a", "a", NULL);
	T->cctx = xc_t_ctx(false, "a", "a", NULL);
	xc_t_exchange();
	assert_int_equal(T->srv.msgs, 1);
	assert_int_equal(T->cli.msgs, 1);
	assert_string_equal(T->srv.identity, XC_KEYS_DEF_CONTROLLER);
	assert_string_equal(T->cli.identity, XC_KEYS_DEF_AGENT);
	assert_string_equal(T->srv.failure, "");
}

static void test_cert_allowed_name(void **state)
{
	T->sctx = xc_t_ctx(true, "a", "a", XC_KEYS_DEF_CONTROLLER);
	T->cctx = xc_t_ctx(false, "a", "a", NULL);
	xc_t_exchange();
	assert_int_equal(T->srv.msgs, 1);
	assert_string_equal(T->srv.identity, XC_KEYS_DEF_CONTROLLER);
}

static void test_cert_wrong_ca(void **state)
{
	T->sctx = xc_t_ctx(true, "a", "a", NULL);
	/* trusts the agent's CA, but its own certificate is from B's */
	T->cctx = xc_t_ctx(false, "a", "b", NULL);
	xc_t_refused("unable to get local issuer certificate", "unknown ca");
}

static void test_cert_agent_wrong_ca(void **state)
{
	T->sctx = xc_t_ctx(true, "b", "b", NULL);
	T->cctx = xc_t_ctx(false, "a", "a", NULL);
	xc_t_exchange();
	assert_int_equal(T->srv.msgs, 0);
	assert_non_null(strstr(T->cli.failure, "agent certificate CN="));
}

/* A controller's certificate does not make an agent... */
static void test_cert_controller_as_agent(void **state)
{
	T->sctx = xc_t_ctx_files(true, "a", "a", NULL, false);
	T->cctx = xc_t_ctx(false, "a", "a", NULL);
	xc_t_exchange();
	assert_int_equal(T->srv.msgs, 0);
	assert_non_null(strstr(T->cli.failure,
			       "unsuitable certificate purpose"));
}

/* ...nor an agent's a controller. */
static void test_cert_agent_as_controller(void **state)
{
	T->sctx = xc_t_ctx(true, "a", "a", NULL);
	T->cctx = xc_t_ctx_files(false, "a", "a", NULL, true);
	xc_t_refused("unsuitable certificate purpose", NULL);
}

static void test_cert_name_not_allowed(void **state)
{
	T->sctx = xc_t_ctx(true, "a", "a", "someone-else");
	T->cctx = xc_t_ctx(false, "a", "a", NULL);
	xc_t_refused("CN=" XC_KEYS_DEF_CONTROLLER ": name not allowed",
		     "refused");
}

static void test_cert_expired(void **state)
{
	T->sctx = xc_t_ctx(true, "x", "x", NULL);
	T->cctx = xc_t_ctx(false, "x", "x", NULL);
	xc_t_refused("certificate has expired", "expired");
}

static void test_psk_handshake(void **state)
{
	T->sctx = xc_t_psk_ctx(true, "a");
	T->cctx = xc_t_psk_ctx(false, "a");
	xc_t_exchange();
	assert_int_equal(T->srv.msgs, 1);
	assert_int_equal(T->cli.msgs, 1);
	assert_string_equal(T->srv.identity, XC_KEYS_DEF_CONTROLLER);
}

static void test_psk_wrong_key(void **state)
{
	/* same identity, B's key */
	T->sctx = xc_t_psk_ctx(true, "a");
	T->cctx = xc_t_psk_ctx(false, "b");
	xc_t_refused("wrong pre-shared key for identity '"
		     XC_KEYS_DEF_CONTROLLER "'", "wrong pre-shared key");
}

static void test_psk_unknown_identity(void **state)
{
	T->sctx = xc_t_psk_ctx(true, "a");
	T->cctx = xc_t_psk_ctx(false, "stranger");
	xc_t_refused("unknown pre-shared key identity 'stranger'", "refused");
}

static void test_cert_agent_psk_controller(void **state)
{
	T->sctx = xc_t_ctx(true, "a", "a", NULL);
	T->cctx = xc_t_psk_ctx(false, "a");
	xc_t_refused("controller presented no certificate", "refused");
}

static void test_psk_agent_cert_controller(void **state)
{
	T->sctx = xc_t_psk_ctx(true, "a");
	T->cctx = xc_t_ctx(false, "a", "a", NULL);
	xc_t_refused("controller offered no pre-shared key", "refused");
}

/* A client without credentials: its framed Hello gets no answer. */
static void test_plain_client(void **state)
{
	T->sctx = xc_t_ctx(true, "a", "a", NULL);
	xc_t_exchange();
	assert_int_equal(T->srv.msgs, 0);
	assert_int_equal(T->cli.msgs, 0);
	assert_non_null(strstr(T->srv.failure, "not TLS"));
	assert_true(T->cli.closed);
}

/* A TLS controller and an agent that answers in plain TCP. */
static void test_plain_server(void **state)
{
	T->cctx = xc_t_ctx(false, "a", "a", NULL);
	xc_t_exchange();
	assert_int_equal(T->cli.msgs, 0);
	assert_non_null(strstr(T->cli.failure, "not TLS"));
}

static void test_large_messages(void **state)
{
	T->sctx = xc_t_ctx(true, "a", "a", NULL);
	T->cctx = xc_t_ctx(false, "a", "a", NULL);
	T->size = XC_T_BIG;
	T->size_back = XC_T_BIG_BACK;
	xc_t_exchange();
	assert_int_equal(T->srv.msgs, 1);
	assert_int_equal(T->srv.len, XC_T_BIG);
	assert_true(T->srv.intact);
	assert_int_equal(T->cli.msgs, 1);
	assert_int_equal(T->cli.len, XC_T_BIG_BACK);
	assert_true(T->cli.intact);
}

/* ------------------------------------------------------------ flags */

static void test_flags(void **state)
{
	struct xc_tls_opts o = { 0 };
	struct xc_tls_ctx *ctx;
	char err[256];

	assert_int_equal(xc_tls_ctx_new(&o, true, &ctx, err, sizeof(err)),
			 -ENOKEY);
	assert_non_null(strstr(err, "--psk FILE"));
	assert_non_null(strstr(err, "--plain"));
	o.plain = true;
	assert_int_equal(xc_tls_ctx_new(&o, true, &ctx, err, sizeof(err)), 0);
	assert_null(ctx);
	o.psk = "/nonexistent";
	assert_int_equal(xc_tls_ctx_new(&o, true, &ctx, err, sizeof(err)),
			 -EINVAL);
	o.plain = false;
	o.ca = "/x";
	assert_int_equal(xc_tls_ctx_new(&o, true, &ctx, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "exclude"));
	o.psk = NULL;
	assert_int_equal(xc_tls_ctx_new(&o, true, &ctx, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "--cert missing"));
}

static void test_psk_file_errors(void **state)
{
	static const char *const bad[] = {
		"noline",
		"id:0011",
		"id:zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
		":00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	};
	struct xc_tls_opts o = { 0 };
	struct xc_tls_ctx *ctx;
	char set[16], path[128], err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(set, sizeof(set), "bad%zu", i);
		xc_t_psk_file(set, bad[i]);
		xc_t_path(path, sizeof(path), set, "controller.psk");
		o.psk = path;
		assert_int_equal(xc_tls_ctx_new(&o, true, &ctx, err,
						sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "line 1"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cert_handshake,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_cert_allowed_name,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_cert_wrong_ca,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_cert_agent_wrong_ca,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_cert_controller_as_agent,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_cert_agent_as_controller,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_cert_name_not_allowed,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_cert_expired,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_psk_handshake,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_psk_wrong_key,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_psk_unknown_identity,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_cert_agent_psk_controller,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_psk_agent_cert_controller,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_plain_client,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_plain_server,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test_setup_teardown(test_large_messages,
						xc_t_setup, xc_t_teardown),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_psk_file_errors),
	};

	return cmocka_run_group_tests(tests, xc_t_group_setup,
				      xc_t_group_teardown);
}
