// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xceiver-agent: the daemon on each test host. It serves controllers on a
 * TCP control port; each connection is one session (xc_session.c) that may
 * hold one data plane (one interface, its queues, its sockets). Several
 * sessions run at once, so one agent can serve both ends of a test on two
 * interfaces.
 *
 * The event loop never touches packets: the data plane's worker threads do,
 * and tell the loop about the end of Tx through a uv_async_t.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <bpf/libbpf.h>

#include "xc_clock.h"
#include "xc_dp.h"
#include "xc_hostctr.h"
#include "xc_latdump.h"
#include "xc_limits.h"
#include "xc_log.h"
#include "xc_metrics.h"
#include "xc_policy.h"
#include "xc_session.h"
#include "xc_tls.h"
#include "xc_util.h"
#include "xc_wire.h"
#include "xceiver.pb-c.h"

struct xc_agent {
	uv_loop_t *loop;
	uv_tcp_t server;
	uv_signal_t sigterm;
	uv_signal_t sigint;
	struct xc_session *sessions;
	unsigned int max_conns;		/* --max-connections */
	struct xc_budget budget;	/* --max-buffered-mib */
	bool stopping;
};

/*
 * At the connection limit the oldest connection that has not completed
 * Hello makes room; when every one has, the new one is refused. Either
 * gets an Error naming the limit.
 */
static int xc_conn_cap(struct xc_agent *a, struct xc_session *s)
{
	struct xc_session *old;
	struct xc_conn *c;

	if (xc_sessions_count(&a->sessions) <= a->max_conns)
		return 0;
	old = xc_sessions_oldest_unready(&a->sessions);
	c = xc_session_conn(old && old != s ? old : s);
	pr_warn("%s: %s: %u connections, the limit (--max-connections %u)\n",
		xc_conn_peer(c), c == xc_session_conn(s) ? "refused" :
		"closed before Hello to make room", a->max_conns,
		a->max_conns);
	xc_conn_send_error(c, 0, -EUSERS,
			   "the agent serves %u connections, its limit (--max-connections %u)",
			   a->max_conns, a->max_conns);
	xc_conn_close(c, -EUSERS);
	return c == xc_session_conn(s) ? -EUSERS : 0;
}

static void xc_on_connection(uv_stream_t *server, int status)
{
	struct xc_agent *a = server->data;
	struct xc_session *s;
	int err;

	if (status < 0) {
		pr_warn("accept: %s\n", uv_strerror(status));
		return;
	}
	s = xc_session_new(a->loop, &a->sessions);
	if (!s) {
		pr_warn("accept: out of memory\n");
		return;
	}
	/* on failure the conn closes itself and on_close frees the session */
	err = xc_conn_accept(xc_session_conn(s), server);
	if (err) {
		pr_warn("accept: %s\n", strerror(-err));
		return;
	}
	if (xc_conn_cap(a, s))
		return;
	pr_info("%s: controller connected\n",
		xc_conn_peer(xc_session_conn(s)));
}

static void xc_agent_stop(struct xc_agent *a)
{
	if (a->stopping)
		return;
	a->stopping = true;
	xc_sessions_close(&a->sessions);
	xc_metrics_stop();
	uv_close((uv_handle_t *)&a->server, NULL);
	uv_close((uv_handle_t *)&a->sigterm, NULL);
	uv_close((uv_handle_t *)&a->sigint, NULL);
}

static void xc_on_signal(uv_signal_t *h, int signum)
{
	pr_info("%s: releasing everything and exiting\n", strsignal(signum));
	xc_agent_stop(h->data);
}

static int xc_agent_listen(struct xc_agent *a, const char *addrport)
{
	struct sockaddr_storage ss;
	int err;

	err = xc_parse_addrport(addrport, &ss);
	if (err) {
		pr_warn("--listen %s: expected ADDR:PORT or [ADDR6]:PORT\n",
			addrport);
		return err;
	}
	uv_tcp_init(a->loop, &a->server);
	a->server.data = a;
	err = uv_tcp_bind(&a->server, (struct sockaddr *)&ss, 0);
	if (!err)
		err = uv_listen((uv_stream_t *)&a->server, 16,
				xc_on_connection);
	if (err) {
		pr_warn("cannot listen on %s: %s\n", addrport,
			uv_strerror(err));
		uv_close((uv_handle_t *)&a->server, NULL);
		return err;
	}
	pr_info("listening on %s\n", addrport);
	return 0;
}

/* --probe: one line per capability, "NAME: yes" or "NAME: no (why)". */
static int xc_probe(void)
{
	struct xc_dp_caps caps;

	/* the verifier's log of a refused program is the answer, not news */
	libbpf_set_print(NULL);
	xc_dp_probe(&caps);
	if (caps.xdp_meta)
		printf("xdp_meta: yes\n");
	else
		printf("xdp_meta: no (%s)\n", caps.why_not_meta);
	return 0;
}

static const char *xc_enum_name(const ProtobufCEnumDescriptor *d, int v)
{
	const ProtobufCEnumValue *e = protobuf_c_enum_descriptor_get_value(d, v);

	return e ? e->name : "?";
}

static void xc_counters_print(const struct xc_hostctr *h,
			      const uint64_t *a, const uint64_t *b)
{
	const struct xc_hc_counter *c;
	uint32_t i;

	printf("driver: %s\n", *xc_hostctr_driver(h) ?
	       xc_hostctr_driver(h) : "(unknown)");
	printf("%-28s %-15s %-14s %-4s %20s %s\n", "counter", "source",
	       "layer", "loss", "value", "delta_1s");
	for (i = 0; i < xc_hostctr_count(h); i++) {
		c = xc_hostctr_counter(h, i);
		printf("%-28s %-15s %-14s %-4s %20llu %llu\n", c->name,
		       xc_enum_name(&xceiver__v1__counter_source__descriptor,
				    c->source),
		       xc_enum_name(&xceiver__v1__layer__descriptor, c->layer),
		       !c->loss ? "no" : c->peer ? "peer" : "yes",
		       (unsigned long long)b[i],
		       (unsigned long long)(b[i] - a[i]));
	}
	for (i = 0; i < xc_hostctr_nunread(h); i++)
		printf("unread: %s\n", xc_hostctr_unread(h, i));
	printf("left_out: %u (loss-related driver counters beyond %d)\n",
	       xc_hostctr_left_out(h), XC_TL_MAX_ETHTOOL);
	printf("read_errors: %llu\n",
	       (unsigned long long)xc_hostctr_read_errors(h));
}

/* --counters: the host counters of a side that sends and receives. */
static int xc_counters(const char *ifname)
{
	struct timespec gap = { 1, 0 };
	struct xc_hostctr *h;
	uint64_t *v;
	char err[256];
	uint32_t n;

	if (xc_hostctr_open(&h, ifname, true, true, err, sizeof(err))) {
		fprintf(stderr, "xceiver-agent: --counters: %s\n", err);
		return 1;
	}
	n = xc_hostctr_count(h);
	v = calloc(2 * (size_t)n, sizeof(*v));
	if (!v) {
		xc_hostctr_close(h);
		fprintf(stderr, "xceiver-agent: out of memory\n");
		return 1;
	}
	xc_hostctr_read(h, v);
	nanosleep(&gap, NULL);
	xc_hostctr_read(h, v + n);
	xc_counters_print(h, v, v + n);
	free(v);
	xc_hostctr_close(h);
	return 0;
}

static void xc_usage(FILE *f)
{
	fprintf(f,
		"usage: xceiver-agent --listen ADDR:PORT CREDENTIALS [--policy FILE]\n"
		"                     [--allow IFNAME[:QUEUES]]... [--no-realtime]\n"
		"                     [-v] [-q] [--liveness S] [--max-connections N]\n"
		"                     [--max-buffered-mib M]\n"
		"                     [--clock-skew-ns N] [--clock-drift-ppm P]\n"
		"                     [--latency-dump FILE]\n"
		"                     [--metrics ADDR:PORT [--metrics-any-address]]\n"
		"       xceiver-agent --probe\n"
		"       xceiver-agent --counters IFNAME\n"
		"\n"
		"Serve xceiver controllers on ADDR:PORT (no wildcard default:\n"
		"name the management address). Each connection may prepare\n"
		"AF_XDP sockets on one interface; SIGTERM or SIGINT releases\n"
		"everything and exits.\n"
		"\n"
		"  -l, --listen ADDR:PORT  control address, e.g. 198.19.0.2:7007\n"
		"      --policy FILE       the host policy: interfaces and queues,\n"
		"                          per-run limits, which controllers may use\n"
		"                          which interface (YAML; see\n"
		"                          deploy/agent-policy.yaml)\n"
		"      --allow IFNAME[:QUEUES]\n"
		"                          allow IFNAME's queues (like 0-3,6; absent:\n"
		"                          every queue), in addition to the policy\n"
		"                          file; repeatable. Without --allow and\n"
		"                          --policy nothing is allowed, and the\n"
		"                          interface of the listen address never is\n"
		"\n"
		"Control channel (CREDENTIALS: one of these is required):\n"
		"      --ca FILE --cert FILE --key FILE\n"
		"                          TLS 1.3 with certificates: serve only\n"
		"                          controllers whose certificate chains to\n"
		"                          the CA in FILE; present --cert and --key\n"
		"      --allow-name NAME   and only those whose certificate names\n"
		"                          NAME (CN or DNS SAN); repeatable\n"
		"      --psk FILE          TLS 1.3 with pre-shared keys: lines of\n"
		"                          IDENTITY:HEXKEY (%d to %d bytes), one per\n"
		"                          controller; keep FILE mode 0600\n"
		"      --plain             plain TCP, no authentication: anyone who\n"
		"                          reaches ADDR:PORT may send and capture\n"
		"                          on this host's interfaces\n"
		"  (xceiver keys DIR makes throwaway ones for a lab)\n"
		"\n"
		"  -v, --verbose           more log output (twice: debug)\n"
		"  -q, --quiet             warnings only\n"
		"  -V, --version           print the version\n"
		"      --probe             print what this host's kernel lets the\n"
		"                          XDP program do, and exit\n"
		"      --counters IFNAME   read IFNAME's host counters (stats64,\n"
		"                          ethtool, softnet) twice 1 s apart, print\n"
		"                          each with its source, layer, loss flag\n"
		"                          and delta, and exit\n"
		"      --no-realtime       refuse runs that ask for SCHED_FIFO\n"
		"                          workers (xsk.worker_sched fifo)\n"
		"\n"
		"Limits (what one peer may hold of this agent):\n"
		"      --liveness S        a controller silent for S s (default\n"
		"                          %d, %d..%d) loses its connection and\n"
		"                          everything it prepared; this agent sends\n"
		"                          a Heartbeat after S/%d s of its own quiet\n"
		"      --max-connections N at most N connections (default %d,\n"
		"                          1..%d); at the limit a new one replaces\n"
		"                          the oldest that has not completed Hello,\n"
		"                          else it is refused\n"
		"      --max-buffered-mib M  at most M MiB of messages being\n"
		"                          received over all connections (default\n"
		"                          %d, %d..%d); a message announced beyond\n"
		"                          what is left is refused (messages of at\n"
		"                          most %u KiB are not counted; before\n"
		"                          Hello none may be larger)\n"
		"      (fixed: Hello within %d ms of connecting, each message\n"
		"      within %d ms of its first byte)\n"
		"\n"
		"Test seams (a clock made wrong on purpose; never for real runs):\n"
		"      --clock-skew-ns N   add N ns (at most +-%lld) to every\n"
		"                          CLOCK_TAI reading of this agent: its\n"
		"                          ClockReadings and its frames' stamps\n"
		"      --clock-drift-ppm P and let that clock run P parts per\n"
		"                          million fast (negative: slow) from\n"
		"                          start, at most +-%d\n"
		"      --metrics ADDR:PORT serve OpenMetrics on http://ADDR:PORT/metrics:\n"
		"                          runs, frames, anomalies and socket\n"
		"                          statistics per interface and queue.\n"
		"                          Read-only and unauthenticated: anyone\n"
		"                          who reaches ADDR:PORT reads it (no keys,\n"
		"                          no controller identities or addresses).\n"
		"                          At most %d connections, %d s idle\n"
		"      --metrics-any-address\n"
		"                          allow a wildcard ADDR (0.0.0.0, [::]),\n"
		"                          refused without it\n"
		"\n"
		"Debug:\n"
		"      --latency-dump FILE\n"
		"                          write \"STREAM SEQ LATENCY_NS\" to FILE for\n"
		"                          every frame this agent's receiver times\n"
		"                          (each run's Prepare truncates FILE)\n",
		XC_TLS_PSK_MIN, XC_TLS_PSK_MAX,
		XC_DEF_LIVENESS_S, XC_MIN_LIVENESS_S, XC_MAX_LIVENESS_S,
		XC_HEARTBEAT_DIV, XC_DEF_MAX_CONNECTIONS,
		XC_MAX_MAX_CONNECTIONS, XC_DEF_BUFFERED_MIB,
		XC_MIN_BUFFERED_MIB, XC_MAX_BUFFERED_MIB, XC_SMALL_MSG >> 10,
		XC_HELLO_MS,
		XC_MSG_MS, XC_CLOCK_SKEW_MAX_NS, XC_CLOCK_DRIFT_MAX_PPM,
		XC_METRICS_MAX_CONNS, XC_METRICS_TIMEOUT_S);
}

/* A whole number within [min, max] for --NAME. */
static int xc_uint_opt(const char *name, const char *arg, unsigned int min,
		       unsigned int max, unsigned int *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (!errno && end != arg && !*end && *arg != '-' && n >= min &&
	    n <= max) {
		*v = (unsigned int)n;
		return 0;
	}
	fprintf(stderr, "xceiver-agent: --%s %s: expected a whole number from %u to %u\n",
		name, arg, min, max);
	return -EINVAL;
}

/* Every connection's deadlines and the budget they share. */
static void xc_agent_limits(struct xc_agent *a, unsigned int liveness_s,
			    unsigned int buffered_mib)
{
	struct xc_conn_limits l = {
		.liveness_ms = liveness_s * 1000,
		.hello_ms = XC_HELLO_MS,
		.msg_ms = XC_MSG_MS,
		.budget = &a->budget,
	};

	a->budget.max = (size_t)buffered_mib << 20;
	a->budget.small = XC_SMALL_MSG;
	xc_session_set_limits(&l);
	xc_tcp_set_liveness(l.liveness_ms);
}

/*
 * --clock-skew-ns / --clock-drift-ppm: a whole decimal number (the seam
 * checks its limits).
 */
static int xc_clock_opt(const char *name, const char *arg, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(arg, &end, 10);
	if (!errno && end != arg && !*end)
		return 0;
	fprintf(stderr, "xceiver-agent: --%s %s: expected a whole number\n",
		name, arg);
	return -EINVAL;
}

/*
 * The host policy: the --policy file added to the --allow flags, and the
 * interfaces that carry the listen address refused.
 */
static int xc_agent_policy(struct xc_policy *p, const char *file,
			   const char *listen, char *err, size_t errlen)
{
	if (file && xc_policy_load_file(p, file, err, errlen))
		return -EINVAL;
	return xc_policy_listen(p, listen, err, errlen) ?:
	       xc_policy_check(p, err, errlen);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "probe", no_argument, NULL, 'P' },
		{ "counters", required_argument, NULL, 'C' },
		{ "no-realtime", no_argument, NULL, 'R' },
		{ "clock-skew-ns", required_argument, NULL, 'S' },
		{ "clock-drift-ppm", required_argument, NULL, 'D' },
		{ "latency-dump", required_argument, NULL, 'L' },
		{ "policy", required_argument, NULL, 'p' },
		{ "allow", required_argument, NULL, 'a' },
		{ "liveness", required_argument, NULL, 'T' },
		{ "max-connections", required_argument, NULL, 'M' },
		{ "max-buffered-mib", required_argument, NULL, 'B' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "metrics-any-address", no_argument, NULL, 'A' },
		XC_TLS_LONG_OPTIONS,
		{ 0 }
	};
	struct xc_tls_opts tls = { 0 };
	struct xc_tls_ctx *ctx = NULL;
	struct xc_agent a = { .max_conns = XC_DEF_MAX_CONNECTIONS };
	unsigned int liveness = XC_DEF_LIVENESS_S;
	unsigned int buffered = XC_DEF_BUFFERED_MIB;
	const char *listen = NULL, *dump = NULL, *policy = NULL;
	const char *metrics = NULL;
	struct sockaddr_storage mss;
	bool metrics_any = false;
	/* static: reachable on every way out, installed at the end */
	static struct xc_policy *pol;
	long long skew = 0, drift = 0;
	int level = XC_LOG_INFO;
	char why[512];
	int c, err;

	pol = xc_policy_new();
	if (!pol) {
		fprintf(stderr, "xceiver-agent: out of memory\n");
		return 1;
	}
	xc_log_set_prefix("xceiver-agent");
	while ((c = getopt_long(argc, argv, "l:vqVh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'v':
			level++;
			break;
		case 'q':
			level = XC_LOG_WARN;
			break;
		case 'V':
			printf("xceiver-agent %s\n", XC_VERSION);
			return 0;
		case 'h':
			xc_usage(stdout);
			return 0;
		case 'P':
			return xc_probe();
		case 'C':
			return xc_counters(optarg);
		case 'R':
			xc_dp_allow_realtime(false);
			break;
		case 'S':
			if (xc_clock_opt("clock-skew-ns", optarg, &skew))
				return 2;
			break;
		case 'D':
			if (xc_clock_opt("clock-drift-ppm", optarg, &drift))
				return 2;
			break;
		case 'L':
			dump = optarg;
			break;
		case 'm':
			metrics = optarg;
			break;
		case 'A':
			metrics_any = true;
			break;
		case 'p':
			policy = optarg;
			break;
		case 'a':
			if (xc_policy_allow(pol, optarg, why, sizeof(why))) {
				fprintf(stderr, "xceiver-agent: %s\n", why);
				return 2;
			}
			break;
		case 'T':
			if (xc_uint_opt("liveness", optarg, XC_MIN_LIVENESS_S,
					XC_MAX_LIVENESS_S, &liveness))
				return 2;
			break;
		case 'M':
			if (xc_uint_opt("max-connections", optarg, 1,
					XC_MAX_MAX_CONNECTIONS, &a.max_conns))
				return 2;
			break;
		case 'B':
			if (xc_uint_opt("max-buffered-mib", optarg,
					XC_MIN_BUFFERED_MIB,
					XC_MAX_BUFFERED_MIB, &buffered))
				return 2;
			break;
		default:
			err = xc_tls_opt(&tls, c, optarg, why, sizeof(why));
			if (!err)
				break;
			if (err < 0)
				fprintf(stderr, "xceiver-agent: %s\n", why);
			else
				xc_usage(stderr);
			return 2;
		}
	}
	if (!listen || optind != argc) {
		xc_usage(stderr);
		return 2;
	}
	if (xc_clock_set_skew(skew, drift, why, sizeof(why))) {
		fprintf(stderr, "xceiver-agent: %s\n", why);
		return 2;
	}
	if (metrics && xc_metrics_addr(metrics, metrics_any, &mss, why,
				       sizeof(why))) {
		fprintf(stderr, "xceiver-agent: %s\n", why);
		return 2;
	}
	if (dump && xc_latdump_set_path(dump, why, sizeof(why))) {
		fprintf(stderr, "xceiver-agent: %s\n", why);
		return 2;
	}
	if (xc_agent_policy(pol, policy, listen, why, sizeof(why))) {
		fprintf(stderr, "xceiver-agent: %s\n", why);
		xc_policy_free(pol);
		return 2;
	}
	if (xc_tls_ctx_new(&tls, true, &ctx, why, sizeof(why))) {
		fprintf(stderr, "xceiver-agent: %s\n", why);
		return 2;
	}
	xc_log_set_level(level > XC_LOG_DEBUG ? XC_LOG_DEBUG : level);
	xc_log_route_libs();
	xc_conn_set_security(ctx);
	if (ctx)
		pr_info("control channel: %s\n", xc_tls_ctx_describe(ctx));
	else
		pr_warn("control channel: plain TCP, unauthenticated (--plain): anyone who reaches %s may use this agent\n",
			listen);
	xc_policy_log(pol);
	xc_policy_install(pol);
	if (skew || drift)
		pr_warn("test seam: this agent's clock is %lld ns off and drifts %lld ppm on purpose\n",
			skew, drift);
	signal(SIGPIPE, SIG_IGN);
	xc_agent_limits(&a, liveness, buffered);

	a.loop = uv_default_loop();
	err = xc_agent_listen(&a, listen);
	if (!err && metrics) {
		err = xc_metrics_start(a.loop, metrics, metrics_any,
				       &a.sessions, why, sizeof(why));
		if (err) {
			pr_warn("%s\n", why);
			uv_close((uv_handle_t *)&a.server, NULL);
		}
	}
	if (err) {
		xc_tls_ctx_free(ctx);
		return 1;
	}
	uv_signal_init(a.loop, &a.sigterm);
	uv_signal_init(a.loop, &a.sigint);
	a.sigterm.data = &a;
	a.sigint.data = &a;
	uv_signal_start(&a.sigterm, xc_on_signal, SIGTERM);
	uv_signal_start(&a.sigint, xc_on_signal, SIGINT);

	uv_run(a.loop, UV_RUN_DEFAULT);
	uv_loop_close(a.loop);
	xc_policy_uninstall();
	xc_tls_ctx_free(ctx);
	pr_info("exited cleanly\n");
	return 0;
}
