// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agent's metrics endpoint (xc_metrics.h). The state and its text are
 * plain functions (tests/unit/test_agent_metrics.c); the daemon's part
 * keeps the runs going on, takes a snapshot every XC_METRICS_TICK_MS on the
 * loop and serves the last one through libmicrohttpd.
 *
 * Labels name the interface and the queue only: no controller identity,
 * address or key material appears, since anyone who reaches the endpoint
 * reads it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xc_dp.h"
#include "xc_log.h"
#include "xc_metrics.h"
#include "xc_session.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_OM_TYPE	"application/openmetrics-text; version=1.0.0; charset=utf-8"
#define XC_PROM_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* ------------------------------------------------------------ the state */

struct xc_mrow *xc_mstate_row(struct xc_mstate *st, const char *ifname,
			      uint32_t queue)
{
	struct xc_mrow *rows, *r;
	size_t i;

	for (i = 0; i < st->nrows; i++)
		if (st->rows[i].queue == queue &&
		    !strncmp(st->rows[i].ifname, ifname, IF_NAMESIZE))
			return &st->rows[i];
	if (st->nrows >= XC_METRICS_MAX_ROWS)
		goto dropped;
	rows = realloc(st->rows, (st->nrows + 1) * sizeof(*rows));
	if (!rows)
		goto dropped;
	st->rows = rows;
	r = &rows[st->nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->queue = queue;
	return r;
dropped:
	st->rows_dropped++;
	return NULL;
}

void xc_mrow_xsk(uint64_t *v, const Xceiver__V1__XskStats *x)
{
	v[XC_M_XSK_RX_DROPPED] += x->rx_dropped;
	v[XC_M_XSK_RX_INVALID] += x->rx_invalid_descs;
	v[XC_M_XSK_TX_INVALID] += x->tx_invalid_descs;
	v[XC_M_XSK_RX_RING_FULL] += x->rx_ring_full;
	v[XC_M_XSK_FILL_EMPTY] += x->rx_fill_ring_empty_descs;
	v[XC_M_XSK_TX_RING_EMPTY] += x->tx_ring_empty_descs;
}

void xc_mstate_report(struct xc_mstate *st, const char *ifname,
		      const Xceiver__V1__Report *r)
{
	const Xceiver__V1__RxStreamReport *s;
	struct xc_mrow *row;
	size_t i;

	row = xc_mstate_row(st, ifname, XC_METRICS_IFACE);
	if (!row)
		return;
	for (i = 0; i < r->n_rx; i++) {
		s = r->rx[i];
		row->done[XC_M_MISSING] += s->missing;
		row->done[XC_M_CORRUPT] += s->corrupt;
		row->done[XC_M_DUPLICATES] += s->duplicates;
		row->done[XC_M_REORDERED] += s->reordered;
		row->done[XC_M_UNEXPECTED] += s->unexpected;
		row->done[XC_M_LATE] += s->late;
	}
	row->done[XC_M_FOREIGN] += r->foreign;
	row->done[XC_M_XDP_NOT_OURS] += r->xdp_not_ours;
	row->done[XC_M_XDP_NO_SOCKET] += r->xdp_no_socket;
	row->done[XC_M_XDP_ACTION_FAILURES] += r->xdp_action_failures;
}

static uint64_t xc_mrow_total(const struct xc_mrow *r, enum xc_mfield f)
{
	return r->done[f] + r->live[f];
}

void xc_mstate_rates(struct xc_mstate *st, double dt_s)
{
	struct xc_mrow *r;
	uint64_t tx, rx;
	size_t i;

	for (i = 0; i < st->nrows; i++) {
		r = &st->rows[i];
		tx = xc_mrow_total(r, XC_M_TX);
		rx = xc_mrow_total(r, XC_M_RX);
		r->tx_fps = dt_s > 0 ? (tx - r->last_tx) / dt_s : 0;
		r->rx_fps = dt_s > 0 ? (rx - r->last_rx) / dt_s : 0;
		r->last_tx = tx;
		r->last_rx = rx;
	}
}

void xc_mstate_free(struct xc_mstate *st)
{
	free(st->rows);
	st->rows = NULL;
	st->nrows = 0;
}

/* ------------------------------------------------------------- the text */

enum xc_mkind { XC_MK_QUEUE, XC_MK_IFACE };

/* A family of one counter (field) or gauge of the rows. */
struct xc_mfam {
	const char *name;
	const char *help;
	enum xc_mfield field;
	enum xc_mkind kind;
};

static const struct xc_mfam xc_mfams[] = {
	{ "xceiver_frames_sent", "Test frames the Tx workers sent", XC_M_TX,
	  XC_MK_QUEUE },
	{ "xceiver_frames_received",
	  "Frames the Rx workers took from the Rx rings", XC_M_RX,
	  XC_MK_QUEUE },
	{ "xceiver_frames_validated",
	  "Received test frames delivered intact", XC_M_VALID, XC_MK_QUEUE },
	{ "xceiver_xsk_rx_dropped",
	  "XDP_STATISTICS rx_dropped of the queue's sockets",
	  XC_M_XSK_RX_DROPPED, XC_MK_QUEUE },
	{ "xceiver_xsk_rx_invalid_descs",
	  "XDP_STATISTICS rx_invalid_descs", XC_M_XSK_RX_INVALID,
	  XC_MK_QUEUE },
	{ "xceiver_xsk_tx_invalid_descs",
	  "XDP_STATISTICS tx_invalid_descs", XC_M_XSK_TX_INVALID,
	  XC_MK_QUEUE },
	{ "xceiver_xsk_rx_ring_full",
	  "XDP_STATISTICS rx_ring_full", XC_M_XSK_RX_RING_FULL,
	  XC_MK_QUEUE },
	{ "xceiver_xsk_rx_fill_ring_empty_descs",
	  "XDP_STATISTICS rx_fill_ring_empty_descs",
	  XC_M_XSK_FILL_EMPTY, XC_MK_QUEUE },
	{ "xceiver_xsk_tx_ring_empty_descs",
	  "XDP_STATISTICS tx_ring_empty_descs",
	  XC_M_XSK_TX_RING_EMPTY, XC_MK_QUEUE },
	{ "xceiver_missing", "Test frames that never arrived (reports)",
	  XC_M_MISSING, XC_MK_IFACE },
	{ "xceiver_corrupt", "Test frames that arrived damaged (reports)",
	  XC_M_CORRUPT, XC_MK_IFACE },
	{ "xceiver_duplicates", "Extra copies of test frames (reports)",
	  XC_M_DUPLICATES, XC_MK_IFACE },
	{ "xceiver_reordered",
	  "First arrivals below the highest sequence seen (reports)",
	  XC_M_REORDERED, XC_MK_IFACE },
	{ "xceiver_unexpected",
	  "Test frames of no stream this side expects (reports)",
	  XC_M_UNEXPECTED, XC_MK_IFACE },
	{ "xceiver_late",
	  "Arrivals already counted missing by the window (reports)",
	  XC_M_LATE, XC_MK_IFACE },
	{ "xceiver_foreign",
	  "Frames on the test sockets that are not test frames (reports)",
	  XC_M_FOREIGN, XC_MK_IFACE },
	{ "xceiver_xdp_not_ours",
	  "Frames in the run's ports without its tag, passed to the kernel (reports)",
	  XC_M_XDP_NOT_OURS, XC_MK_IFACE },
	{ "xceiver_xdp_no_socket",
	  "Test frames the XDP program had no socket for (reports)",
	  XC_M_XDP_NO_SOCKET, XC_MK_IFACE },
	{ "xceiver_xdp_action_failures",
	  "XDP actions the kernel refused (reports)",
	  XC_M_XDP_ACTION_FAILURES, XC_MK_IFACE },
};

/* A label value: backslash, double quote and newline escaped. */
static void xc_mlabel(FILE *f, const char *name, const char *v)
{
	fprintf(f, "%s=\"", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void xc_mlabels(FILE *f, const struct xc_mrow *r)
{
	fputc('{', f);
	xc_mlabel(f, "interface", r->ifname);
	if (r->queue != XC_METRICS_IFACE)
		fprintf(f, ",queue=\"%u\"", r->queue);
	fputc('}', f);
}

/*
 * A family's header. OpenMetrics names a counter's family without its
 * _total, the Prometheus format with it; only OpenMetrics has UNIT.
 */
static void xc_mhead(FILE *f, bool om, const char *name, const char *type,
		     const char *unit, const char *help)
{
	bool total = !om && !strcmp(type, "counter");

	fprintf(f, "# TYPE %s%s %s\n", name, total ? "_total" : "", type);
	if (om && unit)
		fprintf(f, "# UNIT %s %s\n", name, unit);
	fprintf(f, "# HELP %s%s %s\n", name, total ? "_total" : "", help);
}

static void xc_mcounter(FILE *f, bool om, const char *name, const char *help,
			uint64_t v)
{
	xc_mhead(f, om, name, "counter", NULL, help);
	fprintf(f, "%s_total %llu\n", name, (unsigned long long)v);
}

static void xc_mgauge(FILE *f, bool om, const char *name, const char *help,
		      double v)
{
	xc_mhead(f, om, name, "gauge", NULL, help);
	fprintf(f, "%s %.3f\n", name, v);
}

static void xc_mfamily(FILE *f, bool om, const struct xc_mstate *st,
		       const struct xc_mfam *fam)
{
	const struct xc_mrow *r;
	bool iface;
	size_t i;

	xc_mhead(f, om, fam->name, "counter", NULL, fam->help);
	for (i = 0; i < st->nrows; i++) {
		r = &st->rows[i];
		iface = r->queue == XC_METRICS_IFACE;
		if (iface != (fam->kind == XC_MK_IFACE))
			continue;
		fprintf(f, "%s_total", fam->name);
		xc_mlabels(f, r);
		fprintf(f, " %llu\n",
			(unsigned long long)xc_mrow_total(r, fam->field));
	}
}

static void xc_mrates(FILE *f, bool om, const struct xc_mstate *st, bool tx)
{
	const char *name = tx ? "xceiver_tx_frame_rate" :
				"xceiver_rx_frame_rate";
	const struct xc_mrow *r;
	size_t i;

	xc_mhead(f, om, name, "gauge", NULL, tx ?
		 "Frames sent per second over the last snapshot" :
		 "Frames received per second over the last snapshot");
	for (i = 0; i < st->nrows; i++) {
		r = &st->rows[i];
		if (r->queue == XC_METRICS_IFACE)
			continue;
		fputs(name, f);
		xc_mlabels(f, r);
		fprintf(f, " %.3f\n", tx ? r->tx_fps : r->rx_fps);
	}
}

static void xc_mruns(FILE *f, bool om, const struct xc_mstate *st)
{
	xc_mcounter(f, om, "xceiver_runs_started",
		    "Runs started (first Start of a data plane)",
		    st->runs_started);
	xc_mhead(f, om, "xceiver_runs_finished", "counter", NULL,
		 "Runs ended, by outcome: reported, or released without a report");
	fprintf(f, "xceiver_runs_finished_total{outcome=\"reported\"} %llu\n",
		(unsigned long long)st->runs_reported);
	fprintf(f, "xceiver_runs_finished_total{outcome=\"abandoned\"} %llu\n",
		(unsigned long long)st->runs_abandoned);
	xc_mgauge(f, om, "xceiver_runs_active", "Runs going on",
		  st->runs_active);
	xc_mgauge(f, om, "xceiver_sessions_active",
		  "Controller connections holding resources", st->sessions);
}

int xc_metrics_render(const struct xc_mstate *st, bool om, char **text,
		      size_t *len)
{
	char help[96];
	FILE *f;
	size_t i;

	*text = NULL;
	f = open_memstream(text, len);
	if (!f)
		return -ENOMEM;
	xc_mruns(f, om, st);
	for (i = 0; i < XC_ARRAY_SIZE(xc_mfams); i++)
		xc_mfamily(f, om, st, &xc_mfams[i]);
	xc_mrates(f, om, st, true);
	xc_mrates(f, om, st, false);
	snprintf(help, sizeof(help),
		 "Interface and queue pairs not counted: over the limit of %d",
		 XC_METRICS_MAX_ROWS);
	xc_mcounter(f, om, "xceiver_metrics_series_dropped", help,
		    st->rows_dropped);
	xc_mhead(f, om, "xceiver_start_time_seconds", "gauge", "seconds",
		 "When the agent started, Unix time");
	fprintf(f, "xceiver_start_time_seconds %.3f\n", st->start_time_s);
	if (om)
		fputs("# EOF\n", f);
	if (fclose(f) || !*text) {
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------ the daemon */

/* A run going on: a data plane started and not yet freed. */
struct xc_mrun {
	struct xc_dp *dp;
	bool reported;
	struct xc_mrun *next;
};

/* The loop thread's, but snap and snap_prom: under lock. */
static struct {
	bool on;
	struct xc_mstate st;
	struct xc_mrun *runs;
	struct xc_session **sessions;
	uv_timer_t timer;
	uint64_t last_ms;
	struct MHD_Daemon *mhd;
	pthread_mutex_t lock;
	char *snap, *snap_prom;
	size_t snap_len, snap_prom_len;
} xc_m = { .lock = PTHREAD_MUTEX_INITIALIZER };

int xc_metrics_addr(const char *addrport, bool any_addr,
		    struct sockaddr_storage *ss, char *err, size_t errlen)
{
	if (xc_parse_addrport(addrport, ss)) {
		snprintf(err, errlen,
			 "--metrics %s: expected ADDR:PORT or [ADDR6]:PORT",
			 addrport);
		return -EINVAL;
	}
	if (xc_addr_is_any(ss) && !any_addr) {
		snprintf(err, errlen,
			 "--metrics %s: a wildcard address serves the unauthenticated metrics on every interface; name one address, or add --metrics-any-address",
			 addrport);
		return -EINVAL;
	}
	return 0;
}

/* Accept asks for the Prometheus text format and not for OpenMetrics. */
static bool xc_mwants_prom(const char *accept)
{
	return accept && !strstr(accept, "application/openmetrics-text") &&
	       strstr(accept, "text/plain");
}

static enum MHD_Result xc_msend(struct MHD_Connection *c, unsigned int code,
				const char *text, size_t len,
				const char *type)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *)text,
					       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* On libmicrohttpd's thread: copy the latest snapshot. */
static enum MHD_Result xc_mserve(void *cls, struct MHD_Connection *c,
				 const char *url, const char *method,
				 const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	static const char *plain = "text/plain; charset=utf-8";
	enum MHD_Result ret;
	bool prom;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return xc_msend(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				"only GET /metrics\n", 18, plain);
	if (strcmp(url, "/metrics"))
		return xc_msend(c, MHD_HTTP_NOT_FOUND, "only /metrics\n", 14,
				plain);
	prom = xc_mwants_prom(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_ACCEPT));
	pthread_mutex_lock(&xc_m.lock);
	if (prom)
		ret = xc_msend(c, MHD_HTTP_OK, xc_m.snap_prom,
			       xc_m.snap_prom_len, XC_PROM_TYPE);
	else
		ret = xc_msend(c, MHD_HTTP_OK, xc_m.snap, xc_m.snap_len,
			       XC_OM_TYPE);
	pthread_mutex_unlock(&xc_m.lock);
	return ret;
}

/*
 * Add the counters of each queue of dp to its row: to done (the run
 * ended) or live.
 */
static void xc_mrun_add(struct xc_dp *dp, bool done)
{
	Xceiver__V1__XskStats xsk;
	struct xc_dp_progress pr;
	struct xc_mrow *r;
	uint32_t i, q;
	uint64_t *v;

	for (i = 0; !xc_dp_queue_progress(dp, i, &q, &pr); i++) {
		r = xc_mstate_row(&xc_m.st, xc_dp_ifname(dp), q);
		if (!r)
			continue;
		v = done ? r->done : r->live;
		v[XC_M_TX] += pr.tx_frames;
		v[XC_M_RX] += pr.rx_frames;
		v[XC_M_VALID] += pr.rx_valid;
		xceiver__v1__xsk_stats__init(&xsk);
		if (!xc_dp_queue_xsk(dp, i, &xsk))
			xc_mrow_xsk(v, &xsk);
	}
}

/* The live counters of every run going on, per interface and queue. */
static void xc_mlive(void)
{
	struct xc_mrun *run;
	size_t j;

	for (j = 0; j < xc_m.st.nrows; j++)
		memset(xc_m.st.rows[j].live, 0, sizeof(xc_m.st.rows[j].live));
	for (run = xc_m.runs; run; run = run->next)
		xc_mrun_add(run->dp, false);
}

/* Render both formats and hand them to the HTTP thread. */
static void xc_msnapshot(void)
{
	char *om = NULL, *prom = NULL;
	size_t om_len, prom_len;

	if (xc_metrics_render(&xc_m.st, true, &om, &om_len) ||
	    xc_metrics_render(&xc_m.st, false, &prom, &prom_len)) {
		free(om);
		return;		/* out of memory: the last one stays */
	}
	pthread_mutex_lock(&xc_m.lock);
	XC_SWAP(xc_m.snap, om);
	XC_SWAP(xc_m.snap_prom, prom);
	xc_m.snap_len = om_len;
	xc_m.snap_prom_len = prom_len;
	pthread_mutex_unlock(&xc_m.lock);
	free(om);
	free(prom);
}

static void xc_mtick(uv_timer_t *t)
{
	uint64_t now = uv_now(t->loop);

	xc_mlive();
	xc_mstate_rates(&xc_m.st, (now - xc_m.last_ms) / 1e3);
	xc_m.last_ms = now;
	xc_m.st.sessions = xc_sessions_count(xc_m.sessions);
	xc_msnapshot();
}

int xc_metrics_start(uv_loop_t *loop, const char *addrport, bool any_addr,
		     struct xc_session **sessions, char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	struct sockaddr_storage ss;
	int ret;

	ret = xc_metrics_addr(addrport, any_addr, &ss, err, errlen);
	if (ret)
		return ret;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	xc_m.st.start_time_s = time(NULL);
	xc_m.sessions = sessions;
	xc_msnapshot();
	if (!xc_m.snap) {
		snprintf(err, errlen, "--metrics: out of memory");
		return -ENOMEM;
	}
	xc_m.mhd = MHD_start_daemon(flags, 0, NULL, NULL, xc_mserve, NULL,
			MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&ss,
			MHD_OPTION_CONNECTION_LIMIT,
			(unsigned int)XC_METRICS_MAX_CONNS,
			MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			(unsigned int)XC_METRICS_MAX_PER_IP,
			MHD_OPTION_CONNECTION_TIMEOUT,
			(unsigned int)XC_METRICS_TIMEOUT_S,
			MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			(size_t)XC_METRICS_CONN_MEM,
			MHD_OPTION_END);
	if (!xc_m.mhd) {
		ret = errno ? -errno : -EADDRNOTAVAIL;
		snprintf(err, errlen, "--metrics: cannot serve on %s: %s",
			 addrport, strerror(-ret));
		return ret;
	}
	uv_timer_init(loop, &xc_m.timer);
	xc_m.last_ms = uv_now(loop);
	uv_timer_start(&xc_m.timer, xc_mtick, XC_METRICS_TICK_MS,
		       XC_METRICS_TICK_MS);
	xc_m.on = true;
	pr_info("metrics on http://%s/metrics (read-only, unauthenticated)\n",
		addrport);
	return 0;
}

void xc_metrics_stop(void)
{
	struct xc_mrun *run;

	if (!xc_m.on)
		return;
	xc_m.on = false;
	MHD_stop_daemon(xc_m.mhd);
	uv_close((uv_handle_t *)&xc_m.timer, NULL);
	while ((run = xc_m.runs)) {
		xc_m.runs = run->next;
		free(run);
	}
	xc_mstate_free(&xc_m.st);
	free(xc_m.snap);
	free(xc_m.snap_prom);
	xc_m.snap = xc_m.snap_prom = NULL;
}

static struct xc_mrun **xc_mfind(struct xc_dp *dp)
{
	struct xc_mrun **pp;

	for (pp = &xc_m.runs; *pp; pp = &(*pp)->next)
		if ((*pp)->dp == dp)
			return pp;
	return NULL;
}

void xc_metrics_run_started(struct xc_dp *dp)
{
	struct xc_mrun *run;

	if (!xc_m.on || xc_mfind(dp))
		return;
	run = calloc(1, sizeof(*run));
	if (!run) {
		pr_warn("metrics: out of memory: a run goes uncounted\n");
		return;
	}
	run->dp = dp;
	run->next = xc_m.runs;
	xc_m.runs = run;
	xc_m.st.runs_started++;
	xc_m.st.runs_active++;
}

void xc_metrics_run_reported(struct xc_dp *dp, const Xceiver__V1__Report *r)
{
	struct xc_mrun **pp = xc_m.on ? xc_mfind(dp) : NULL;

	if (!pp || (*pp)->reported)
		return;
	(*pp)->reported = true;
	xc_mstate_report(&xc_m.st, xc_dp_ifname(dp), r);
}

/* Its counters join the ended runs' totals: they never go back. */
void xc_metrics_run_ended(struct xc_dp *dp)
{
	struct xc_mrun **pp = xc_m.on ? xc_mfind(dp) : NULL;
	struct xc_mrun *run;

	if (!pp)
		return;
	run = *pp;
	xc_mrun_add(dp, true);
	if (run->reported)
		xc_m.st.runs_reported++;
	else
		xc_m.st.runs_abandoned++;
	xc_m.st.runs_active--;
	*pp = run->next;
	free(run);
	xc_mlive();	/* the next snapshot must not count it twice */
}
