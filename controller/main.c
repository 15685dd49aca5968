// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xceiver: the controller. Reads a spec (file and/or flags), runs it on a
 * Tx agent and an Rx agent, prints the verdict.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xc_cli.h"
#include "xc_ctl.h"
#include "xc_events.h"
#include "xc_frame.h"
#include "xc_junit.h"
#include "xc_keys.h"
#include "xc_log.h"
#include "xc_pcap.h"
#include "xc_limits.h"
#include "xc_repeat.h"
#include "xc_search_cmd.h"
#include "xc_results.h"
#include "xc_spec.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_FLAG_COUNT		"1000000"

static void xc_usage(FILE *f)
{
	fprintf(f,
		"usage: xceiver run [SPEC.yaml|SPEC.json] CREDENTIALS [options]\n"
		"       xceiver check [SPEC.yaml] [options]   check a spec, print it as JSON\n"
		"       xceiver search [SPEC.yaml] CREDENTIALS [options]   throughput\n"
		"                   search: RFC 2544, RFC 9971 (search --help)\n"
		"       xceiver keys DIR [options]   make throwaway keys (keys --help)\n"
		"\n"
		"Run a send/receive test between a Tx agent and an Rx agent.\n"
		"Flags override the spec file; without a file they describe\n"
		"one stream. Stream flags apply to every stream.\n"
		"\n"
		"control channel (CREDENTIALS: one of these is required, as the\n"
		"agents were started with):\n"
		"  --ca FILE --cert FILE --key FILE  TLS 1.3 with certificates: the\n"
		"                   agents' must chain to the CA in FILE; present\n"
		"                   --cert and --key to them\n"
		"  --psk FILE       TLS 1.3 with a pre-shared key: one line\n"
		"                   IDENTITY:HEXKEY (the agents hold the same line)\n"
		"  --plain          plain TCP, unauthenticated (agents run --plain)\n"
		"\n"
		"agents:\n"
		"  --tx ADDR:PORT[,dev=IF][,queue=N][,mode=M]  Tx agent and its NIC queue\n"
		"  --rx ADDR:PORT[,dev=IF][,queue=N][,mode=M]  Rx agent and its NIC queue\n"
		"      queue=0:1:3 lists queues, queue=all takes every queue of IF;\n"
		"      cpus=2:3 pins the side's worker i to the i-th CPU listed;\n"
		"      rt=N runs the side's workers SCHED_FIFO at priority N\n"
		"  --mode skb|drv|zerocopy|auto   XDP mode of both sides\n"
		"streams:\n"
		"  --count N        frames per stream (flags only: %s)\n"
		"  --duration SEC   send for SEC seconds at --rate instead of --count\n"
		"  --rate PPS       frames per second per stream (absent: full speed)\n"
		"  --size BYTES     frame size with FCS (64 = 60-byte descriptor)\n"
		"  --sizes A,B,...  frame sizes cycled in order\n"
		"  --imix           standard IMIX: 64/594/1518 bytes at 7:4:1\n"
		"  --vlan ID        802.1Q tag with this VLAN id\n"
		"  --ipv6           IPv6 instead of IPv4\n"
		"  --streams N      N copies of the stream: ids 1..N, dst ports 9001..\n"
		"  --bidirectional  every stream also sent the other way (new ids)\n"
		"  --reflect        round trip: the Rx agent sends every frame back\n"
		"                   (XDP_TX); the Tx agent validates and times them\n"
		"path (what the path between the hosts may change):\n"
		"  --routed HOPS    HOPS routers: MACs, TTL -HOPS, IPv4 checksum\n"
		"  --gateway ADDR   the Tx side's next hop (its MAC is looked up)\n"
		"  --rx-gateway ADDR  the Rx side's, for --bidirectional\n"
		"verdict:\n"
		"  --expect CHECK   \"[stream ID] COUNTER OP VALUE\", e.g. \"missing <= 10\";\n"
		"                   replaces the default check of COUNTER (repeatable);\n"
		"                   latency in us: \"latency_p99_us <= 50\", \"jitter_us < 5\",\n"
		"                   \"rtt_max_us < 1000\" (README, \"Latency expectations\")\n"
		"  --payload-check all|sampled|off   what Rx compares byte by byte\n"
		"  --no-latency     do not time the frames (what timing costs)\n"
		"output (each file is written whole, under a temporary name then\n"
		"renamed; the names a run writes are removed when it starts):\n"
		"  --json FILE      write the full report as JSON; also when the run\n"
		"                   could not run (exit 3): verdict \"could_not_run\",\n"
		"                   reason (as printed), phase, agents (what each\n"
		"                   said: hello, prepared, last progress, done,\n"
		"                   report), the interfaces, reports received, spec\n"
		"  --junit FILE     write the verdict as JUnit XML for CI: a testsuite\n"
		"                   per repetition, a testcase per check (failure:\n"
		"                   measured and expected; skipped: not judged;\n"
		"                   error: could not run, exit 3)\n"
		"  --pcap FILE      write the anomalous frames Rx kept to a pcap file\n"
		"  --timeline FILE  write the run interval by interval as CSV: frames\n"
		"                   sent, received and missing (by when they were sent),\n"
		"                   loss episodes, every counter of both agents\n"
		"  --plot FILE      draw it as SVG: rates per stream, missing frames,\n"
		"                   loss episodes labelled with where the frames went\n"
		"  --timeline-interval MS  length of an interval (default 10 ms)\n"
		"  --json-stream FILE|-  write events as JSON lines while the run\n"
		"                   goes (start, progress, each check, verdict;\n"
		"                   README, \"Events while a run goes\"); FILE is\n"
		"                   truncated, not renamed; with -, the events go\n"
		"                   to stdout and the summary to stderr\n"
		"  --progress       progress lines on stderr (default on a terminal)\n"
		"  -q, --quiet      print the verdict line only\n"
		"  -v, --verbose    more log output\n"
		"agents' liveness:\n"
		"  --liveness S     an agent silent for S s (default %d, %d..%d) fails\n"
		"                   the run (exit 3, \"agent ADDR unresponsive for S s\");\n"
		"                   a Heartbeat goes to each agent after S/%d s of quiet\n"
		"\n"
		"exit codes: 0 pass, 1 verdict failed, 2 bad spec or usage,\n"
		"            3 could not run (agent unreachable, interface missing,\n"
		"            refused by the preflight, timeout), 4 tester loss: the\n"
		"            verdict failed only because the tester itself lost\n"
		"            frames (its receiver fell behind, its sender sent\n"
		"            short): run it again, nothing is known of the link\n"
		"\n"
		"where lost frames went: each missing frame is placed in the interval\n"
		"its sender queued it, grouped into loss episodes, and counted against\n"
		"a layer whose counters account for it: never sent, our XDP program\n"
		"(no socket), the receiving socket (fill ring empty, Rx ring full,\n"
		"frame too big), the sending host, the receiving host before XDP;\n"
		"the rest was lost between the hosts, or is not attributed\n"
		"where a host's counters could not be read (README, \"Where the\n"
		"frames went\")\n",
		XC_FLAG_COUNT, XC_DEF_LIVENESS_S, XC_MIN_LIVENESS_S,
		XC_MAX_LIVENESS_S, XC_HEARTBEAT_DIV);
}

static int xc_set(Xceiver__V1__TestSpec *s, const char *path,
		  const char *val, const char *flag)
{
	char err[512];

	if (!xc_pb_set_path(&s->base, path, val, err, sizeof(err)))
		return 0;
	fprintf(stderr, "xceiver: %s: %s\n", flag, err);
	return -EINVAL;
}

/* "ADDR:PORT,dev=IF,queue=N,mode=M,cpus=C" onto tx or rx. */
static int xc_set_endpoint(Xceiver__V1__TestSpec *s, const char *side,
			   const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL, path[64], flag[8];
	int err = 0;
	bool first = true;

	if (!copy)
		return -ENOMEM;
	snprintf(flag, sizeof(flag), "--%s", side);
	for (tok = strtok_r(copy, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save), first = false) {
		char *eq = strchr(tok, '=');
		const char *field, *val;

		if (first) {
			snprintf(path, sizeof(path), "%s.agent", side);
			err = xc_set(s, path, tok, flag);
			continue;
		}
		if (!eq) {
			fprintf(stderr, "xceiver: %s: '%s' is not KEY=VALUE\n",
				flag, tok);
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		val = eq + 1;
		if (!strcmp(tok, "dev")) {
			field = "xsk.ifname";
		} else if ((!strcmp(tok, "queue") || !strcmp(tok, "queues")) &&
			   !strcmp(val, "all")) {
			field = "xsk.all_queues";
			val = "true";
		} else if (!strcmp(tok, "queue") || !strcmp(tok, "queues")) {
			field = "xsk.queues";
		} else if (!strcmp(tok, "mode")) {
			field = "xsk.mode";
		} else if (!strcmp(tok, "cpus")) {
			field = "xsk.cpus";
		} else if (!strcmp(tok, "rt")) {
			/* rt=N: SCHED_FIFO workers at priority N */
			snprintf(path, sizeof(path), "%s.xsk.worker_sched",
				 side);
			err = xc_set(s, path, "fifo", flag);
			if (err)
				break;
			field = "xsk.rt_priority";
		} else {
			fprintf(stderr,
				"xceiver: %s: unknown key '%s' (dev, queue, mode, cpus, rt)\n",
				flag, tok);
			err = -EINVAL;
			break;
		}
		for (char *c = eq + 1; *c; c++)
			if (*c == ':' || *c == '+')
				*c = ',';
		snprintf(path, sizeof(path), "%s.%s", side, field);
		err = xc_set(s, path, val, flag);
	}
	free(copy);
	return err;
}

/* A stream flag applies to every stream; with none, stream 1 is made. */
static int xc_set_streams(Xceiver__V1__TestSpec *s, const char *field,
			  const char *val, const char *flag)
{
	char path[64];
	size_t i;

	if (!s->n_streams && (xc_set(s, "streams.0.id", "1", flag) ||
			      xc_set(s, "streams.0.count", XC_FLAG_COUNT, flag)))
		return -EINVAL;
	for (i = 0; i < s->n_streams; i++) {
		snprintf(path, sizeof(path), "streams.%zu.%s", i, field);
		if (xc_set(s, path, val, flag))
			return -EINVAL;
	}
	return 0;
}

static Xceiver__V1__TestSpec *xc_spec_new(void)
{
	Xceiver__V1__TestSpec *s = malloc(sizeof(*s));

	if (s)
		xceiver__v1__test_spec__init(s);
	return s;
}

void xc_spec_free(Xceiver__V1__TestSpec *s)
{
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);
}

enum {
	XC_OPT_TX = 256, XC_OPT_RX, XC_OPT_MODE, XC_OPT_COUNT, XC_OPT_SIZE,
	XC_OPT_RATE, XC_OPT_JSON, XC_OPT_PROGRESS, XC_OPT_PCAP,
	XC_OPT_DURATION, XC_OPT_IMIX, XC_OPT_SIZES, XC_OPT_VLAN, XC_OPT_IPV6,
	XC_OPT_STREAMS, XC_OPT_BIDIR, XC_OPT_EXPECT, XC_OPT_PAYLOAD,
	XC_OPT_ROUTED, XC_OPT_GATEWAY, XC_OPT_RX_GATEWAY, XC_OPT_TIMELINE,
	XC_OPT_PLOT, XC_OPT_INTERVAL, XC_OPT_REFLECT, XC_OPT_NO_LATENCY,
	XC_OPT_LIVENESS, XC_OPT_JSON_STREAM, XC_OPT_JUNIT,
};

/* --liveness S: whole seconds within the limits. */
static int xc_set_liveness(struct xc_ctl_opts *o, const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' ||
	    v < XC_MIN_LIVENESS_S || v > XC_MAX_LIVENESS_S) {
		fprintf(stderr, "xceiver: --liveness %s: expected whole seconds from %d to %d\n",
			arg, XC_MIN_LIVENESS_S, XC_MAX_LIVENESS_S);
		return -EINVAL;
	}
	o->liveness_s = (unsigned int)v;
	return 0;
}

/* --timeline-interval MS (fractions allowed) as timeline_interval_us. */
static int xc_set_interval(Xceiver__V1__TestSpec *s, const char *arg)
{
	char *end, us[32];
	double ms;

	errno = 0;
	ms = strtod(arg, &end);
	if (errno || end == arg || *end || !(ms > 0) || ms * 1000 > UINT32_MAX) {
		fprintf(stderr, "xceiver: --timeline-interval: %s is not a length in milliseconds\n",
			arg);
		return -EINVAL;
	}
	snprintf(us, sizeof(us), "%.0f", ms * 1000);
	return xc_set(s, "timeline_interval_us", us, "--timeline-interval");
}

/* Flags that reshape the stream list, applied after all the others. */
struct xc_flag_streams {
	unsigned int copies;	/* --streams N */
	bool bidir;		/* --bidirectional */
};

/* "2.5" seconds as milliseconds, at least 1. */
static int xc_set_duration(Xceiver__V1__TestSpec *s, const char *arg)
{
	char ms[32], *end;
	double sec;

	sec = strtod(arg, &end);
	if (end == arg || *end || !(sec > 0) || sec > 1e9) {
		fprintf(stderr, "xceiver: --duration: '%s' is not a number of seconds above 0\n",
			arg);
		return -EINVAL;
	}
	snprintf(ms, sizeof(ms), "%.0f", sec * 1000 < 1 ? 1 : sec * 1000);
	return xc_set_streams(s, "duration_ms", ms, "--duration") ?:
	       xc_set_streams(s, "count", "0", "--duration");
}

static int xc_add_expect(Xceiver__V1__TestSpec *s, const char *arg)
{
	char path[64];

	snprintf(path, sizeof(path), "expect.checks.%zu",
		 s->expect ? s->expect->n_checks : 0);
	return xc_set(s, path, arg, "--expect");
}

static int xc_parse_copies(const char *arg, unsigned int *n)
{
	char *end;
	unsigned long v;

	v = strtoul(arg, &end, 10);
	if (end == arg || *end || v < 1 || v > XC_MAX_STREAMS) {
		fprintf(stderr, "xceiver: --streams: '%s' is not a number of streams (1..%u)\n",
			arg, XC_MAX_STREAMS);
		return -EINVAL;
	}
	*n = v;
	return 0;
}

static int xc_apply_stream_opt(Xceiver__V1__TestSpec *s, int c,
			       const char *arg, struct xc_flag_streams *fs)
{
	switch (c) {
	case XC_OPT_COUNT:
		return xc_set_streams(s, "count", arg, "--count");
	case XC_OPT_SIZE:
		return xc_set_streams(s, "frame_size", arg, "--size");
	case XC_OPT_RATE:
		return xc_set_streams(s, "rate_pps", arg, "--rate");
	case XC_OPT_DURATION:
		return xc_set_duration(s, arg);
	case XC_OPT_IMIX:
		return xc_set_streams(s, "sizes.standard_imix", "true",
				      "--imix");
	case XC_OPT_SIZES:
		return xc_set_streams(s, "sizes.list", arg, "--sizes");
	case XC_OPT_VLAN:
		return xc_set_streams(s, "headers.vlan_id", arg, "--vlan");
	case XC_OPT_IPV6:
		return xc_set_streams(s, "headers.ip_version", "6", "--ipv6");
	case XC_OPT_STREAMS:
		return xc_parse_copies(arg, &fs->copies);
	case XC_OPT_BIDIR:
		fs->bidir = true;
		return 0;
	case XC_OPT_REFLECT:
		return xc_set(s, "reflect", "true", "--reflect");
	case XC_OPT_NO_LATENCY:
		return xc_set(s, "rx_options.latency_off", "true",
			      "--no-latency");
	case XC_OPT_EXPECT:
		return xc_add_expect(s, arg);
	case XC_OPT_PAYLOAD:
		return xc_set(s, "rx_options.payload_check", arg,
			      "--payload-check");
	default:
		return -EINVAL;
	}
}

static int xc_apply_opt(Xceiver__V1__TestSpec *s, int c, const char *arg,
			struct xc_ctl_opts *o, struct xc_flag_streams *fs)
{
	switch (c) {
	case XC_OPT_TX:
		return xc_set_endpoint(s, "tx", arg);
	case XC_OPT_RX:
		return xc_set_endpoint(s, "rx", arg);
	case XC_OPT_MODE:
		return xc_set(s, "tx.xsk.mode", arg, "--mode") ?:
		       xc_set(s, "rx.xsk.mode", arg, "--mode");
	case XC_OPT_JSON:
		o->json_path = arg;
		return 0;
	case XC_OPT_PCAP:
		o->pcap_path = arg;
		return 0;
	case XC_OPT_JSON_STREAM:
		o->events_path = arg;
		return 0;
	case XC_OPT_JUNIT:
		o->junit_path = arg;
		return 0;
	case XC_OPT_TIMELINE:
		o->timeline_path = arg;
		return 0;
	case XC_OPT_PLOT:
		o->plot_path = arg;
		return 0;
	case XC_OPT_INTERVAL:
		return xc_set_interval(s, arg);
	case XC_OPT_PROGRESS:
		o->progress = true;
		return 0;
	case XC_OPT_LIVENESS:
		return xc_set_liveness(o, arg);
	case XC_OPT_ROUTED:
		return xc_set(s, "path.routed_hops", arg, "--routed");
	case XC_OPT_GATEWAY:
		return xc_set(s, "path.gateway", arg, "--gateway");
	case XC_OPT_RX_GATEWAY:
		return xc_set(s, "path.rx_gateway", arg, "--rx-gateway");
	case 'q':
		o->quiet = true;
		o->progress = false;
		return 0;
	case 'v':
		xc_log_set_level(xc_log_get_level() < XC_LOG_DEBUG ?
				 xc_log_get_level() + 1 : XC_LOG_DEBUG);
		return 0;
	default:
		return xc_apply_stream_opt(s, c, arg, fs);
	}
}

static const struct option xc_run_opts[] = {
	{ "tx", required_argument, NULL, XC_OPT_TX },
	{ "rx", required_argument, NULL, XC_OPT_RX },
	{ "mode", required_argument, NULL, XC_OPT_MODE },
	{ "count", required_argument, NULL, XC_OPT_COUNT },
	{ "size", required_argument, NULL, XC_OPT_SIZE },
	{ "rate", required_argument, NULL, XC_OPT_RATE },
	{ "duration", required_argument, NULL, XC_OPT_DURATION },
	{ "imix", no_argument, NULL, XC_OPT_IMIX },
	{ "sizes", required_argument, NULL, XC_OPT_SIZES },
	{ "vlan", required_argument, NULL, XC_OPT_VLAN },
	{ "ipv6", no_argument, NULL, XC_OPT_IPV6 },
	{ "streams", required_argument, NULL, XC_OPT_STREAMS },
	{ "bidirectional", no_argument, NULL, XC_OPT_BIDIR },
	{ "reflect", no_argument, NULL, XC_OPT_REFLECT },
	{ "no-latency", no_argument, NULL, XC_OPT_NO_LATENCY },
	{ "routed", required_argument, NULL, XC_OPT_ROUTED },
	{ "gateway", required_argument, NULL, XC_OPT_GATEWAY },
	{ "rx-gateway", required_argument, NULL, XC_OPT_RX_GATEWAY },
	{ "expect", required_argument, NULL, XC_OPT_EXPECT },
	{ "payload-check", required_argument, NULL, XC_OPT_PAYLOAD },
	{ "json", required_argument, NULL, XC_OPT_JSON },
	{ "pcap", required_argument, NULL, XC_OPT_PCAP },
	{ "json-stream", required_argument, NULL, XC_OPT_JSON_STREAM },
	{ "junit", required_argument, NULL, XC_OPT_JUNIT },
	{ "timeline", required_argument, NULL, XC_OPT_TIMELINE },
	{ "plot", required_argument, NULL, XC_OPT_PLOT },
	{ "timeline-interval", required_argument, NULL, XC_OPT_INTERVAL },
	{ "progress", no_argument, NULL, XC_OPT_PROGRESS },
	{ "liveness", required_argument, NULL, XC_OPT_LIVENESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	XC_TLS_LONG_OPTIONS,
	XC_SEARCH_LONG_OPTIONS,
	{ 0 }
};

/* Append a copy of st to the spec's streams. */
static Xceiver__V1__Stream *xc_stream_append(Xceiver__V1__TestSpec *s,
					     const Xceiver__V1__Stream *st)
{
	Xceiver__V1__Stream **arr, *dup;

	dup = (Xceiver__V1__Stream *)xc_pb_dup(&st->base);
	if (!dup)
		return NULL;
	arr = realloc(s->streams, (s->n_streams + 1) * sizeof(*arr));
	if (!arr) {
		protobuf_c_message_free_unpacked(&dup->base, NULL);
		return NULL;
	}
	arr[s->n_streams++] = dup;
	s->streams = arr;
	return dup;
}

/* --streams N: ids 1..N, destination ports from the stream's own on. */
static int xc_copy_streams(Xceiver__V1__TestSpec *s, unsigned int n)
{
	Xceiver__V1__Stream *st;
	char port[16];
	unsigned int i, dst;

	if (s->n_streams > 1) {
		fprintf(stderr, "xceiver: --streams: the spec already has %zu streams (it copies one)\n",
			s->n_streams);
		return -EINVAL;
	}
	if (xc_set_streams(s, "id", "1", "--streams"))
		return -EINVAL;
	st = s->streams[0];
	dst = st->headers && st->headers->udp && st->headers->udp->dst ?
	      st->headers->udp->dst : XC_DEF_DST_PORT;
	for (i = 1; i < n; i++) {
		st = xc_stream_append(s, s->streams[0]);
		if (!st)
			return -ENOMEM;
		st->id = i + 1;
	}
	for (i = 0; i < n; i++) {
		char path[64];

		snprintf(port, sizeof(port), "%u", dst + i);
		snprintf(path, sizeof(path), "streams.%u.headers.udp.dst", i);
		if (xc_set(s, path, port, "--streams"))
			return -EINVAL;
	}
	return 0;
}

static void xc_swap_str(char **a, char **b)
{
	char *t = *a;

	*a = *b;
	*b = t;
}

static void xc_swap_u32(uint32_t *a, uint32_t *b)
{
	uint32_t t = *a;

	*a = *b;
	*b = t;
}

/* --bidirectional: each stream again, the other way, with a new id. */
static int xc_bidir_streams(Xceiver__V1__TestSpec *s)
{
	size_t i, n = s->n_streams;
	uint32_t next = 0;

	for (i = 0; i < n; i++)
		next = XC_MAX(next, s->streams[i]->id + 1);
	for (i = 0; i < n; i++) {
		Xceiver__V1__Stream *st = xc_stream_append(s, s->streams[i]);
		Xceiver__V1__Headers *h;

		if (!st)
			return -ENOMEM;
		st->id = next++;
		st->direction = st->direction ==
			XCEIVER__V1__DIRECTION__DIRECTION_RX_TO_TX ?
			XCEIVER__V1__DIRECTION__DIRECTION_TX_TO_RX :
			XCEIVER__V1__DIRECTION__DIRECTION_RX_TO_TX;
		h = st->headers;
		if (!h)
			continue;
		xc_swap_str(&h->src_mac, &h->dst_mac);
		xc_swap_str(&h->src_ip, &h->dst_ip);
		if (h->udp) {
			if (!h->udp->src)
				h->udp->src = XC_DEF_SRC_PORT;
			if (!h->udp->dst)
				h->udp->dst = XC_DEF_DST_PORT;
			xc_swap_u32(&h->udp->src, &h->udp->dst);
			xc_swap_u32(&h->udp->src_max, &h->udp->dst_max);
		}
	}
	return 0;
}

static int xc_apply_flag_streams(Xceiver__V1__TestSpec *s,
				 const struct xc_flag_streams *fs)
{
	int err = 0;

	if (fs->copies)
		err = xc_copy_streams(s, fs->copies);
	if (!err && fs->bidir) {
		if (!s->n_streams)
			err = xc_set_streams(s, "id", "1", "--bidirectional");
		if (!err)
			err = xc_bidir_streams(s);
	}
	if (err == -ENOMEM)
		fprintf(stderr, "xceiver: out of memory\n");
	return err;
}

/* One flag of run or search (so: NULL for run); 0 or -EINVAL. */
static int xc_apply_any(Xceiver__V1__TestSpec *s, int c, const char *arg,
			struct xc_ctl_opts *o, struct xc_flag_streams *fs,
			struct xc_search_opts *so)
{
	char err[512];
	int ret;

	ret = xc_tls_opt(&o->tls, c, arg, err, sizeof(err));
	if (ret < 0)
		fprintf(stderr, "xceiver: %s\n", err);
	if (ret <= 0)
		return ret;
	ret = xc_search_opt(so, c, arg);
	if (ret <= 0)
		return ret;
	return xc_apply_opt(s, c, arg, o, fs);
}

int xc_build_spec(int argc, char **argv, Xceiver__V1__TestSpec **out,
		  struct xc_ctl_opts *o, const char **name,
		  struct xc_search_opts *so)
{
	struct xc_flag_streams fs = { 0 };
	Xceiver__V1__TestSpec *s = NULL;
	char err[1024];
	int c, i;

	*name = "command line";
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			break;
		if (s) {
			fprintf(stderr, "xceiver: one spec file only ('%s')\n",
				argv[i]);
			goto err_usage;
		}
		if (xc_pb_from_yaml_file(&xceiver__v1__test_spec__descriptor,
					 argv[i], (ProtobufCMessage **)&s, err,
					 sizeof(err))) {
			fprintf(stderr, "xceiver: %s\n", err);
			return XC_EXIT_USAGE;
		}
		*name = argv[i];
	}
	if (!s)
		s = xc_spec_new();
	if (!s)
		return XC_EXIT_RUN;
	optind = i;
	while ((c = getopt_long(argc, argv, "qvh", xc_run_opts, NULL)) != -1) {
		if (c == 'h') {
			if (so)
				xc_search_usage(stdout);
			else
				xc_usage(stdout);
			xc_spec_free(s);
			exit(0);
		}
		if (xc_apply_any(s, c, optarg, o, &fs, so))
			goto err_usage;
	}
	if (xc_apply_flag_streams(s, &fs))
		goto err_usage;
	/* a search's load needs a stream, flags or not */
	if (so && !s->n_streams && xc_set_streams(s, "id", "1", "search"))
		goto err_usage;
	if (optind != argc) {
		fprintf(stderr, "xceiver: unexpected argument '%s'\n",
			argv[optind]);
		goto err_usage;
	}
	if (xc_spec_defaults(s) ||
	    xc_spec_check(s, *name, err, sizeof(err))) {
		fprintf(stderr, "xceiver: %s\n", err);
		xc_spec_free(s);
		return XC_EXIT_USAGE;
	}
	*out = s;
	return 0;
err_usage:
	xc_spec_free(s);
	fprintf(stderr, "(xceiver %s --help for usage)\n", so ? "search" : "run");
	return XC_EXIT_USAGE;
}

static int xc_json_fill(FILE *f, void *root)
{
	errno = 0;
	if (!json_dumpf(root, f, JSON_INDENT(2) | JSON_SORT_KEYS))
		return 0;
	return errno ? -errno : -EIO;
}

int xc_write_json(const char *path, json_t *root, struct xc_events *ev)
{
	char err[512];

	if (!xc_outfile_write(path, xc_json_fill, root, err, sizeof(err)))
		return 0;
	fprintf(stderr, "xceiver: %s\n", err);
	xc_events_fail(ev, err, "output");
	return -EIO;
}

/*
 * Once through connect .. release; the verdict when it ran, else 3. With
 * --json, *j is the run's report, also when it could not run or its
 * results could not be written (the verdict "could_not_run").
 */
static int xc_run_once(Xceiver__V1__TestSpec *s, struct xc_ctl_opts *o,
		       json_t **j)
{
	struct xc_run_result res;
	char why[512];
	int ret;

	*j = NULL;
	if (o->junit && xc_junit_run_begin(o->junit, s->name, o->repeat,
					   o->repetition))
		fprintf(stderr, "xceiver: --junit: out of memory\n");
	ret = xc_run(s, o, &res);
	if (ret == XC_EXIT_PASS) {
		ret = xc_verdict_why(s, &res, o, o->json_path ? j : NULL, why,
				     sizeof(why));
		if (ret == XC_EXIT_RUN)
			xc_cnr_note(&res.fail, why, *j ? "output" : "verdict");
	} else if (xc_verdict_files(s, &res, o, why, sizeof(why))) {
		fprintf(stderr, "xceiver: %s\n", why);
	}
	if (ret == XC_EXIT_RUN) {
		xc_events_fail(o->events, res.fail.reason, res.fail.phase);
		if (o->json_path)
			xc_cnr_report(j, s, &res, o);
	}
	if (o->junit && xc_junit_run_end(o->junit, &res, ret))
		fprintf(stderr, "xceiver: --junit: out of memory\n");
	if (o->repeat > 1)
		xc_events_rep_end(o->events, ret);
	if (ret == XC_EXIT_RUN && o->repeat > 1)
		fprintf(stderr, "xceiver: repetition %u of %u could not run\n",
			o->repetition, o->repeat);
	xc_run_result_free(&res);
	return ret;
}

/*
 * Run the spec repeat times (connect .. release each time); the verdict
 * must hold in every repetition. A repetition that could not run ends
 * the whole run (exit 3); those before it keep their results.
 */
static int xc_run_all(Xceiver__V1__TestSpec *s, struct xc_ctl_opts *o,
		      json_t **root)
{
	struct xc_repeat rp;
	json_t *j;
	int ret;

	*root = NULL;
	if (o->repeat == 1) {
		o->repetition = 1;
		ret = xc_run_once(s, o, &j);
		*root = j;
		return ret;
	}
	if (xc_repeat_init(&rp, o->repeat))
		return XC_EXIT_RUN;
	for (o->repetition = 1; o->repetition <= o->repeat; o->repetition++) {
		ret = xc_run_once(s, o, &j);
		if (ret == XC_EXIT_RUN ? xc_repeat_stop(&rp, o->repetition, j) :
		    xc_repeat_add(&rp, o->repetition, ret, j)) {
			fprintf(stderr, "xceiver: out of memory\n");
			ret = XC_EXIT_RUN;
			goto out;
		}
		if (ret == XC_EXIT_RUN)
			break;
	}
	if (!rp.stopped)
		xc_repeat_print(stdout, &rp);
	ret = xc_repeat_verdict(&rp);
	*root = xc_repeat_json(&rp, s);
	if (!*root)
		ret = XC_EXIT_RUN;
out:
	xc_repeat_free(&rp);
	return ret;
}

int xc_security(const struct xc_ctl_opts *o, struct xc_tls_ctx **tls)
{
	char err[512];

	if (!xc_tls_ctx_new(&o->tls, false, tls, err, sizeof(err))) {
		xc_conn_set_security(*tls);
		return 0;
	}
	fprintf(stderr, "xceiver: %s\n(xceiver run --help for usage)\n", err);
	return XC_EXIT_USAGE;
}

/*
 * --pcap's file: renamed into place, but after a run that could not run
 * (exit 3) only when it holds frames (of repetitions that finished).
 */
static int xc_pcap_finish(struct xc_pcap *pcap, struct xc_outfile *out,
			  int ret, char *err, size_t errlen)
{
	bool keep = ret != XC_EXIT_RUN || pcap->frames;

	if (xc_pcap_close(pcap, err, errlen)) {
		xc_outfile_discard(out);
		return -EIO;
	}
	if (!keep) {
		xc_outfile_discard(out);
		return 0;
	}
	return xc_outfile_commit(out, err, errlen);
}

int xc_output_failed(json_t *root, struct xc_events *ev, const char *flag,
		     const char *err)
{
	char why[640];

	snprintf(why, sizeof(why), "%s: %s", flag, err);
	fprintf(stderr, "xceiver: %s\n", why);
	if (root)
		xc_cnr_mark(root, why, "output");
	xc_events_fail(ev, why, "output");
	return XC_EXIT_RUN;
}

static int xc_cmd_run(int argc, char **argv)
{
	struct xc_ctl_opts o = {
		.progress = isatty(STDERR_FILENO),
		.liveness_s = XC_DEF_LIVENESS_S,
	};
	Xceiver__V1__TestSpec *s = NULL;
	struct xc_pcap pcap = { 0 };
	struct xc_tls_ctx *tls = NULL;
	struct xc_outfile pcap_out = { 0 };
	struct xc_events events;
	struct xc_junit junit = { 0 };
	json_t *root = NULL;
	const char *name;
	char err[512];
	int ret;

	ret = xc_build_spec(argc, argv, &s, &o, &name, NULL);
	if (ret)
		return ret;
	ret = xc_security(&o, &tls);
	if (ret)
		goto out;
	if (xc_spec_resolve_counts(s)) {
		fprintf(stderr, "xceiver: %s: a duration gives more than 2^48 frames\n",
			name);
		ret = XC_EXIT_USAGE;
		goto out;
	}
	o.repeat = s->repeat ? s->repeat : 1;
	if (xc_results_clear(&o, err, sizeof(err))) {
		fprintf(stderr, "xceiver: %s\n", err);
		ret = XC_EXIT_USAGE;
		goto out;
	}
	xc_tcp_set_liveness(o.liveness_s * 1000);
	if (o.junit_path && xc_junit_init(&junit)) {
		fprintf(stderr, "xceiver: --junit: out of memory\n");
		ret = XC_EXIT_RUN;
		goto out;
	}
	o.junit = o.junit_path ? &junit : NULL;
	if (o.pcap_path) {
		if (xc_outfile_open(&pcap_out, o.pcap_path, err, sizeof(err)) ||
		    xc_pcap_open_stream(&pcap, pcap_out.f, o.pcap_path, err,
					sizeof(err))) {
			fprintf(stderr, "xceiver: --pcap: %s\n", err);
			xc_outfile_discard(&pcap_out);
			ret = XC_EXIT_USAGE;
			goto out;
		}
		o.pcap = &pcap;
	}
	if (o.events_path && xc_events_open(&events, o.events_path, err,
					    sizeof(err))) {
		fprintf(stderr, "xceiver: %s\n", err);
		if (o.pcap)
			xc_pcap_close(&pcap, err, sizeof(err));
		xc_outfile_discard(&pcap_out);
		ret = XC_EXIT_USAGE;
		goto out;
	}
	o.events = o.events_path ? &events : NULL;
	ret = xc_run_all(s, &o, &root);
	if (o.pcap && xc_pcap_finish(&pcap, &pcap_out, ret, err, sizeof(err)))
		ret = xc_output_failed(root, o.events, "--pcap", err);
	if (o.junit && xc_junit_write(o.junit, o.junit_path, err,
				      sizeof(err)))
		ret = xc_output_failed(root, o.events, "--junit", err);
	if (root && o.json_path && xc_write_json(o.json_path, root,
						 o.events))
		ret = XC_EXIT_RUN;
	xc_events_verdict(o.events, ret);
	if (xc_events_close(o.events, err, sizeof(err))) {
		fprintf(stderr, "xceiver: %s\n", err);
		ret = XC_EXIT_RUN;
	}
out:
	xc_junit_free(&junit);
	json_decref(root);
	xc_spec_free(s);
	xc_conn_set_security(NULL);
	xc_tls_ctx_free(tls);
	return ret;
}

static int xc_cmd_check(int argc, char **argv)
{
	struct xc_ctl_opts o = { 0 };
	Xceiver__V1__TestSpec *s = NULL;
	const char *name;
	json_t *j;
	int ret;

	ret = xc_build_spec(argc, argv, &s, &o, &name, NULL);
	if (ret)
		return ret;
	j = xc_pb_to_json(&s->base);
	ret = j ? 0 : XC_EXIT_RUN;
	if (j)
		json_dumpf(j, stdout, JSON_INDENT(2));
	printf("\n%s: ok\n", name);
	json_decref(j);
	xc_spec_free(s);
	return ret;
}

int main(int argc, char **argv)
{
	xc_log_set_prefix("xceiver");
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		xc_usage(stderr);
		return XC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return xc_cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return xc_cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "keys"))
		return xc_cmd_keys(argc - 1, argv + 1);
	if (!strcmp(argv[1], "search"))
		return xc_cmd_search(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("xceiver %s\n", XC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		xc_usage(stdout);
		return 0;
	}
	fprintf(stderr, "xceiver: unknown command '%s' (run, search, check, keys)\n",
		argv[1]);
	return XC_EXIT_USAGE;
}
