// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Seed inputs for the fuzz targets, made with the project's own code:
 *   xc-fuzz-seeds DIR   writes DIR/{wire,agent,ctl,frame}/NAME
 * wire: every kind of Envelope (as tests/unit/test_wire.c builds them),
 * framed; agent: controller conversations (hello, interface info, the
 * Prepare of each fixed spec for either side, start, report, release);
 * ctl: each fixed spec with well-behaved and misbehaving agents; frame:
 * the generator's frames of each fixed spec, in order, reordered,
 * duplicated and damaged; tls: a controller's first flight (its
 * ClientHello) with certificates and with a pre-shared key, whole and in
 * one-byte chunks, and a plain framed Hello. The spec target's seeds are
 * the spec files of tests/scenarios and deploy/specs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xc_ctl.h"
#include "xc_fuzz.h"
#include "xc_gen.h"
#include "xc_keys.h"
#include "xc_tls.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_FS_MAX		(1u << 20)

/* One seed being built. */
struct xc_fs_buf {
	uint8_t *p;
	size_t len;
};

static const char *xc_fs_dir;

static void xc_fs_put(struct xc_fs_buf *b, const void *p, size_t len)
{
	if (b->len + len > XC_FS_MAX)
		abort();
	if (!b->p && !(b->p = malloc(XC_FS_MAX)))
		abort();
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

static void xc_fs_u8(struct xc_fs_buf *b, uint8_t v)
{
	xc_fs_put(b, &v, 1);
}

static void xc_fs_u16(struct xc_fs_buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	xc_fs_put(b, x, 2);
}

static void xc_fs_write(struct xc_fs_buf *b, const char *target,
			const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", xc_fs_dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", xc_fs_dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f)) {
		perror(path);
		exit(1);
	}
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

/* Env framed as on the wire. */
static void xc_fs_env(struct xc_fs_buf *b, Xceiver__V1__Envelope *env)
{
	uint8_t *w;
	size_t len;

	env->version = XC_PROTOCOL_VERSION;
	if (xc_wire_pack(env, &w, &len))
		abort();
	xc_fs_put(b, w, len);
	free(w);
}

/* Env unframed, as a record of the ctl target (op 1: with a request id). */
static void xc_fs_record(struct xc_fs_buf *b, uint8_t op,
			 Xceiver__V1__Envelope *env)
{
	uint8_t *w;
	size_t len;

	env->version = XC_PROTOCOL_VERSION;
	if (xc_wire_pack(env, &w, &len))
		abort();
	xc_fs_u8(b, op);
	xc_fs_u16(b, (uint16_t)(len - XC_WIRE_HDR_LEN));
	xc_fs_put(b, w + XC_WIRE_HDR_LEN, len - XC_WIRE_HDR_LEN);
	free(w);
}

/* ------------------------------------------------------------ messages */

/* A Prepare as the controller sends it to one side of spec s. */
static void xc_fs_prepare(Xceiver__V1__Prepare *p,
			  const Xceiver__V1__TestSpec *s, enum xc_side side,
			  Xceiver__V1__Stream **tx, Xceiver__V1__Stream **rx)
{
	size_t i;

	xceiver__v1__prepare__init(p);
	p->run_id = 0x1234;
	p->xsk = side == XC_TX ? s->tx->xsk : s->rx->xsk;
	p->peer_xsk = side == XC_TX ? s->rx->xsk : s->tx->xsk;
	for (i = 0; i < s->n_streams; i++) {
		if (xc_stream_sender(s->streams[i]) == side)
			tx[p->n_tx_streams++] = s->streams[i];
		else
			rx[p->n_rx_streams++] = s->streams[i];
	}
	p->tx_streams = tx;
	p->rx_streams = rx;
	if (p->n_rx_streams)
		p->rx_options = s->rx_options;
	p->max_missing_ranges = s->expect ? s->expect->max_missing_ranges : 0;
}

struct xc_fs_msgs {
	Xceiver__V1__Hello hello;
	Xceiver__V1__IfInfoRequest ifreq;
	Xceiver__V1__IfInfo ifinfo;
	Xceiver__V1__Prepare prepare;
	Xceiver__V1__Prepared prepared;
	Xceiver__V1__Start start;
	Xceiver__V1__Started started;
	Xceiver__V1__Progress progress;
	Xceiver__V1__Done done;
	Xceiver__V1__ReportRequest report_req;
	Xceiver__V1__Report report;
	Xceiver__V1__RxStreamReport rx;
	Xceiver__V1__RxStreamReport *rxp;
	Xceiver__V1__SeqRange range;
	Xceiver__V1__SeqRange *rangep;
	Xceiver__V1__Release release;
	Xceiver__V1__Released released;
	Xceiver__V1__Error error;
	Xceiver__V1__Stream *tx[8];
	Xceiver__V1__Stream *rxs[8];
};

static void xc_fs_msgs_init(struct xc_fs_msgs *m,
			    const Xceiver__V1__TestSpec *s)
{
	xceiver__v1__hello__init(&m->hello);
	m->hello.protocol_version = XC_PROTOCOL_VERSION;
	m->hello.role = "controller";
	xceiver__v1__if_info_request__init(&m->ifreq);
	m->ifreq.ifname = XC_FUZZ_IFNAME;
	xceiver__v1__if_info__init(&m->ifinfo);
	m->ifinfo.ifname = XC_FUZZ_IFNAME;
	m->ifinfo.mac = "02:00:00:00:00:2a";
	m->ifinfo.ipv4 = "198.18.0.1";
	m->ifinfo.rx_queues = 1;
	m->ifinfo.tx_queues = 1;
	m->ifinfo.up = true;
	m->ifinfo.running = true;
	xc_fs_prepare(&m->prepare, s, XC_RX, m->tx, m->rxs);
	xceiver__v1__prepared__init(&m->prepared);
	m->prepared.ifinfo = &m->ifinfo;
	xceiver__v1__start__init(&m->start);
	xceiver__v1__started__init(&m->started);
	xceiver__v1__progress__init(&m->progress);
	m->progress.tx_frames = 100;
	m->progress.tx_done = true;
	xceiver__v1__rx_stream_report__init(&m->rx);
	m->rx.stream_id = 1;
	m->rx.expected = 100;
	m->rx.delivered = 90;
	m->rx.missing = 10;
	xceiver__v1__seq_range__init(&m->range);
	m->range.first = 5;
	m->range.last = 14;
	m->rangep = &m->range;
	m->rx.n_missing_ranges = 1;
	m->rx.missing_ranges = &m->rangep;
	m->rx.missing_range_count = 1;
	m->rxp = &m->rx;
	xceiver__v1__report__init(&m->report);
	m->report.n_rx = 1;
	m->report.rx = &m->rxp;
	m->report.foreign = 3;
	xceiver__v1__done__init(&m->done);
	m->done.report = &m->report;
	xceiver__v1__report_request__init(&m->report_req);
	xceiver__v1__release__init(&m->release);
	xceiver__v1__released__init(&m->released);
	xceiver__v1__error__init(&m->error);
	m->error.code = -EINVAL;
	m->error.message = "interface nope does not exist";
}

/* The Envelope of kind k (0 .. XC_FS_KINDS - 1). */
#define XC_FS_KINDS		14

static void xc_fs_kind(Xceiver__V1__Envelope *env, struct xc_fs_msgs *m,
		       unsigned int k, uint64_t id)
{
	void *const bodies[XC_FS_KINDS] = {
		&m->hello, &m->ifreq, &m->ifinfo, &m->prepare, &m->prepared,
		&m->start, &m->started, &m->progress, &m->done,
		&m->report_req, &m->report, &m->release, &m->released,
		&m->error,
	};
	static const Xceiver__V1__Envelope__BodyCase cases[XC_FS_KINDS] = {
		XCEIVER__V1__ENVELOPE__BODY_HELLO,
		XCEIVER__V1__ENVELOPE__BODY_IFINFO_REQUEST,
		XCEIVER__V1__ENVELOPE__BODY_IFINFO,
		XCEIVER__V1__ENVELOPE__BODY_PREPARE,
		XCEIVER__V1__ENVELOPE__BODY_PREPARED,
		XCEIVER__V1__ENVELOPE__BODY_START,
		XCEIVER__V1__ENVELOPE__BODY_STARTED,
		XCEIVER__V1__ENVELOPE__BODY_PROGRESS,
		XCEIVER__V1__ENVELOPE__BODY_DONE,
		XCEIVER__V1__ENVELOPE__BODY_REPORT_REQUEST,
		XCEIVER__V1__ENVELOPE__BODY_REPORT,
		XCEIVER__V1__ENVELOPE__BODY_RELEASE,
		XCEIVER__V1__ENVELOPE__BODY_RELEASED,
		XCEIVER__V1__ENVELOPE__BODY_ERROR,
	};

	xc_env_init(env, id);
	env->body_case = cases[k % XC_FS_KINDS];
	/* the body members share one union: any of them sets it */
	env->hello = bodies[k % XC_FS_KINDS];
}

/* ------------------------------------------------------------ targets */

static void xc_fs_wire(const Xceiver__V1__TestSpec *s)
{
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 1, 2, 3 };
	static const uint8_t empty[] = { 0, 0, 0, 0 };
	struct xc_fs_buf b = { 0 }, all = { 0 };
	Xceiver__V1__Envelope env;
	struct xc_fs_msgs m;
	char name[32];
	unsigned int k;

	xc_fs_msgs_init(&m, s);
	xc_fs_u8(&all, 3);
	for (k = 0; k < XC_FS_KINDS; k++) {
		xc_fs_kind(&env, &m, k, k + 1);
		xc_fs_u8(&b, (uint8_t)k);
		xc_fs_env(&b, &env);
		xc_fs_env(&all, &env);
		snprintf(name, sizeof(name), "env-%02u", k);
		xc_fs_write(&b, "wire", name);
	}
	xc_fs_write(&all, "wire", "all");
	xc_fs_u8(&b, 0);
	xc_fs_put(&b, huge, sizeof(huge));
	xc_fs_write(&b, "wire", "too-long");
	xc_fs_u8(&b, 1);
	xc_fs_put(&b, empty, sizeof(empty));
	xc_fs_write(&b, "wire", "empty");
	xc_fs_u8(&b, 5);
	xc_fs_put(&b, "198.19.0.2:7007", 15);
	xc_fs_write(&b, "wire", "addr");
}

/* A controller's conversation with one side of spec s. */
static void xc_fs_agent_run(const Xceiver__V1__TestSpec *s, unsigned int i,
			    enum xc_side side)
{
	struct xc_fs_buf b = { 0 };
	Xceiver__V1__Envelope env;
	struct xc_fs_msgs m;
	char name[32];
	uint64_t id = 1;

	xc_fs_msgs_init(&m, s);
	xc_fs_prepare(&m.prepare, s, side, m.tx, m.rxs);
	xc_fs_kind(&env, &m, 0, id++);
	xc_fs_env(&b, &env);
	xc_fs_kind(&env, &m, 1, id++);
	xc_fs_env(&b, &env);
	xc_fs_kind(&env, &m, 3, id++);
	xc_fs_env(&b, &env);
	m.start.rx = side == XC_RX;
	m.start.tx = side == XC_TX;
	xc_fs_kind(&env, &m, 5, id++);
	xc_fs_env(&b, &env);
	xc_fs_kind(&env, &m, 9, id++);
	xc_fs_env(&b, &env);
	xc_fs_kind(&env, &m, 11, id++);
	xc_fs_env(&b, &env);
	xc_fs_kind(&env, &m, 3, id++);
	xc_fs_env(&b, &env);
	snprintf(name, sizeof(name), "run-spec%u-%s", i,
		 side == XC_TX ? "tx" : "rx");
	xc_fs_write(&b, "agent", name);
}

static void xc_fs_agent(const Xceiver__V1__TestSpec *s)
{
	struct xc_fs_buf b = { 0 };
	Xceiver__V1__Envelope env;
	struct xc_fs_msgs m;

	xc_fs_msgs_init(&m, s);
	xc_fs_kind(&env, &m, 0, 1);
	xc_fs_env(&b, &env);
	xc_fs_write(&b, "agent", "hello");
	xc_fs_kind(&env, &m, 3, 1);
	xc_fs_env(&b, &env);
	xc_fs_write(&b, "agent", "prepare-before-hello");
	xc_fs_kind(&env, &m, 0, 1);
	xc_fs_env(&b, &env);
	xc_fs_kind(&env, &m, 1, 2);
	xc_fs_env(&b, &env);
	m.ifreq.ifname = "nope";
	xc_fs_kind(&env, &m, 1, 3);
	xc_fs_env(&b, &env);
	xc_fs_kind(&env, &m, 5, 4);
	xc_fs_env(&b, &env);
	xc_fs_kind(&env, &m, 10, 5);
	xc_fs_env(&b, &env);
	xc_fs_write(&b, "agent", "ifinfo-and-errors");
}

static void xc_fs_ctl(unsigned int i)
{
	struct xc_fs_buf b = { 0 };
	Xceiver__V1__Envelope env;
	Xceiver__V1__TestSpec *s = xc_fuzz_spec(i);
	struct xc_fs_msgs m;
	char name[32];
	unsigned int k;

	xc_fs_msgs_init(&m, s);
	/* agents that behave */
	xc_fs_u8(&b, (uint8_t)i);
	snprintf(name, sizeof(name), "spec%u-good", i);
	xc_fs_write(&b, "ctl", name);
	/* a hello of another protocol version */
	xc_fs_u8(&b, (uint8_t)i);
	m.hello.protocol_version = 2;
	xc_fs_kind(&env, &m, 0, 0);
	xc_fs_record(&b, 1, &env);
	m.hello.protocol_version = XC_PROTOCOL_VERSION;
	snprintf(name, sizeof(name), "spec%u-version", i);
	xc_fs_write(&b, "ctl", name);
	/* an error during prepare, then a hang-up */
	xc_fs_u8(&b, (uint8_t)i);
	for (k = 0; k < 4; k++)
		xc_fs_u8(&b, 0);
	xc_fs_kind(&env, &m, 13, 0);
	xc_fs_record(&b, 1, &env);
	xc_fs_u8(&b, 3);
	snprintf(name, sizeof(name), "spec%u-error", i);
	xc_fs_write(&b, "ctl", name);
	/* a report with losses where the run asks for one */
	xc_fs_u8(&b, (uint8_t)i);
	for (k = 0; k < 9; k++)
		xc_fs_u8(&b, 0);
	xc_fs_kind(&env, &m, 10, 0);
	xc_fs_record(&b, 1, &env);
	xc_fs_kind(&env, &m, 8, 0);
	xc_fs_record(&b, 5, &env);
	snprintf(name, sizeof(name), "spec%u-report", i);
	xc_fs_write(&b, "ctl", name);
	/* garbage on the wire */
	xc_fs_u8(&b, (uint8_t)i);
	xc_fs_u8(&b, 2);
	xc_fs_u16(&b, 6);
	xc_fs_put(&b, "\0\0\0\2\x08\x01", 6);
	snprintf(name, sizeof(name), "spec%u-garbage", i);
	xc_fs_write(&b, "ctl", name);
	xc_fuzz_spec_free(s);
}

/* A frame record of the frame target: op 1, stream, seq, no damage. */
static void xc_fs_gen_rec(struct xc_fs_buf *b, uint8_t stream, uint16_t seq,
			  uint16_t off, uint8_t x, int8_t dlen)
{
	xc_fs_u8(b, 1);
	xc_fs_u8(b, stream);
	xc_fs_u16(b, seq);
	xc_fs_u16(b, off);
	xc_fs_u8(b, x);
	xc_fs_u8(b, (uint8_t)dlen);
}

static void xc_fs_frame(unsigned int i)
{
	Xceiver__V1__TestSpec *s = xc_fuzz_spec(i);
	struct xc_fs_buf b = { 0 };
	struct xc_stream_tmpl t;
	struct xc_umem_geom geo;
	struct xc_gen_pkt p;
	static uint8_t f[XC_MAX_FRAME];
	struct xc_gen g;
	char name[64], err[256];
	uint32_t len;
	uint16_t seq;
	size_t k;

	for (k = 0; k < s->n_streams; k++) {
		xc_fs_u8(&b, (uint8_t)i);
		for (seq = 0; seq < s->streams[k]->count && seq < 200; seq++)
			xc_fs_gen_rec(&b, (uint8_t)k, seq, 0, 0, 0);
		snprintf(name, sizeof(name), "spec%u-s%zu-in-order", i, k);
		xc_fs_write(&b, "frame", name);
	}
	/* reordered, duplicated, damaged, cut, lengthened, late */
	xc_fs_u8(&b, (uint8_t)i);
	xc_fs_gen_rec(&b, 0, 1, 0, 0, 0);
	xc_fs_gen_rec(&b, 0, 0, 0, 0, 0);
	xc_fs_gen_rec(&b, 0, 0, 0, 0, 0);
	xc_fs_gen_rec(&b, 0, 2, 40, 0x10, 0);
	xc_fs_gen_rec(&b, 0, 3, 0, 0, -4);
	xc_fs_gen_rec(&b, 0, 4, 0, 0, 4);
	xc_fs_gen_rec(&b, 0, 5, 6, 0xff, 0);
	xc_fs_gen_rec(&b, 0, 900, 0, 0, 0);
	xc_fs_gen_rec(&b, 0, 6, 0, 0, 0);
	snprintf(name, sizeof(name), "spec%u-damaged", i);
	xc_fs_write(&b, "frame", name);
	/* the generator's bytes as a raw frame, and as an anomaly */
	xc_umem_geom_from(&geo, s->tx->xsk);
	if (xc_gen_init(&g, s->streams[0], 0x5843f00dcafe1234ull, &geo, err,
			sizeof(err)) ||
	    xc_stream_tmpl_init(&t, s->streams[0], 0x5843f00dcafe1234ull, err,
				sizeof(err)))
		abort();
	xc_gen_pkt(&g, 7, &p);
	len = xc_frame_build_pkt(&t, &p, 99, f);
	/* spec i with metadata: sel % XC_FUZZ_NSPECS == i, bit 0x80 set */
	xc_fs_u8(&b, (uint8_t)(0x80 + (i + XC_FUZZ_NSPECS - 0x80 %
				       XC_FUZZ_NSPECS) % XC_FUZZ_NSPECS));
	xc_fs_u8(&b, 0);
	xc_fs_u16(&b, (uint16_t)len);
	xc_fs_put(&b, f, len);
	xc_fs_u8(&b, 2);
	xc_fs_u8(&b, 4);
	xc_fs_u16(&b, (uint16_t)len);
	xc_fs_put(&b, f, len);
	snprintf(name, sizeof(name), "spec%u-raw", i);
	xc_fs_write(&b, "frame", name);
	xc_gen_free(&g);
	xc_fuzz_spec_free(s);
}

/* Policy files: the sample's keys, and ways to get them wrong. */
static void xc_fs_policy(void)
{
	static const char *const seeds[] = {
		"interfaces:\n  ens1f0: all\n  ens1f1: \"0-3,6\"\n"
		"limits:\n  max_rate_pps: 1000000\n  max_frames: 100000000\n"
		"  max_duration_ms: 600000\n  max_umem_bytes: 1073741824\n"
		"controllers:\n  lab-ctl-1.example.net: [ens1f0]\n"
		"  lab-ctl-2.example.net: [ens1f0, ens1f1]\n",
		"interfaces: {eth1: 0, ens1f0: 1-2}\nlimits: {max_frames: 10}\n",
		"interfaces: {ens1f1: all}\ncontrollers:\n",
		"interfaces:\n  eth1: 0-3,,6\n",
		"limits: {max_umem_bytes: 18446744073709551616}\n",
		"controllers: {a: [eth9]}\n",
		"interfaces: &a {eth1: all}\ncontrollers: {x: [*a]}\n",
		"---\n...\n",
	};
	struct xc_fs_buf b = { 0 };
	char name[32];
	size_t i;

	for (i = 0; i < XC_ARRAY_SIZE(seeds); i++) {
		xc_fs_put(&b, seeds[i], strlen(seeds[i]));
		snprintf(name, sizeof(name), "policy%zu", i);
		xc_fs_write(&b, "policy", name);
	}
}

/* ------------------------------------------------------------ tls */

static void xc_fs_capture(void *arg, const uint8_t *buf, size_t len)
{
	xc_fs_put(arg, buf, len);
}

/* The first flight of a controller with dir's credentials, as a seed. */
static void xc_fs_tls_hello(uv_loop_t *loop, const char *dir, bool psk,
			    uint8_t chunk, const char *name)
{
	struct xc_tls_ctx *ctx = xc_fuzz_tls_ctx(dir, false, psk);
	struct xc_fs_buf b = { 0 };
	struct xc_transport *t;

	xc_fs_u8(&b, psk);
	xc_fs_u8(&b, chunk);
	t = xc_tls_transport_new(ctx, xc_fuzz_mem_new(loop, xc_fs_capture,
						      &b));
	if (!t || t->ops->start(t))
		abort();
	t->ops->close(t);
	uv_run(loop, UV_RUN_DEFAULT);
	xc_fs_write(&b, "tls", name);
	xc_tls_ctx_free(ctx);
}

static void xc_fs_tls(void)
{
	char dir[] = "/tmp/xc-fuzz-seeds.XXXXXX";
	Xceiver__V1__Hello hello = XCEIVER__V1__HELLO__INIT;
	struct xc_fs_buf b = { 0 };
	Xceiver__V1__Envelope env;
	uv_loop_t loop;

	if (uv_loop_init(&loop))
		abort();
	xc_fuzz_keys_make(dir);
	xc_fs_tls_hello(&loop, dir, false, 255, "cert-hello");
	xc_fs_tls_hello(&loop, dir, false, 0, "cert-hello-bytewise");
	xc_fs_tls_hello(&loop, dir, true, 255, "psk-hello");
	xc_fuzz_keys_remove(dir);
	uv_loop_close(&loop);
	/* a client without credentials: a framed Hello in plain TCP */
	xc_fs_u8(&b, 0);
	xc_fs_u8(&b, 255);
	hello.protocol_version = XC_PROTOCOL_VERSION;
	hello.role = "controller";
	xc_env_init(&env, 1);
	env.body_case = XCEIVER__V1__ENVELOPE__BODY_HELLO;
	env.hello = &hello;
	xc_fs_env(&b, &env);
	xc_fs_write(&b, "tls", "plain-hello");
}

int main(int argc, char **argv)
{
	Xceiver__V1__TestSpec *s;
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	xc_fs_dir = argv[1];
	mkdir(xc_fs_dir, 0755);
	s = xc_fuzz_spec(0);
	xc_fs_wire(s);
	xc_fs_agent(s);
	xc_fuzz_spec_free(s);
	for (i = 0; i < XC_FUZZ_NSPECS; i++) {
		s = xc_fuzz_spec(i);
		xc_fs_agent_run(s, i, XC_TX);
		xc_fs_agent_run(s, i, XC_RX);
		xc_fuzz_spec_free(s);
		xc_fs_ctl(i);
		xc_fs_frame(i);
	}
	xc_fs_tls();
	xc_fs_policy();
	return 0;
}
