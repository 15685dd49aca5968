// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The drop forensics as people and programs read them: the summary's lead
 * (where the missing frames went, then each loss episode), the JSON
 * object and the timeline CSV. Nothing here attributes: the numbers come
 * from xc_forensics_build().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xc_forensics.h"
#include "xc_output.h"
#include "xc_util.h"

#define XC_FX_PRINT_EPS	10	/* episodes the summary lists */

/* "12:00:01.234567 UTC" */
static void xc_fx_wall(uint64_t rt, char *buf, size_t len)
{
	time_t sec = (time_t)(rt / 1000000000ull);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%06u UTC", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, (unsigned int)(rt % 1000000000ull / 1000));
}

/* "5033 in the receiver's socket (fill ring empty), 12 between ..." */
static void xc_fx_print_split(FILE *out, const uint64_t *by,
			      const char (*why)[64])
{
	const char *sep = "";
	int w;

	for (w = 0; w < XC_FX_NWHERE; w++) {
		if (!by[w])
			continue;
		fprintf(out, "%s%" PRIu64 " %s", sep, by[w],
			xc_fx_where_label(w));
		if (why[w][0])
			fprintf(out, " (%s)", why[w]);
		sep = ", ";
	}
}

static uint64_t xc_fx_tester(const uint64_t *by)
{
	uint64_t n = 0;
	int w;

	for (w = 0; w < XC_FX_NWHERE; w++)
		if (xc_fx_where_tester(w))
			n += by[w];
	return n;
}

static void xc_fx_print_episode(FILE *out, const struct xc_forensics *fx,
				uint32_t i)
{
	const struct xc_fx_episode *e = &fx->eps[i];
	char wall[32];

	xc_fx_wall(e->start_rt, wall, sizeof(wall));
	fprintf(out, "  episode %u: %" PRIu64 " lost at %.1f ms (%s) for %.1f ms, ",
		i + 1, e->lost, e->start_ns / 1e6, wall, e->dur_ns / 1e6);
	if (e->nstreams == 1)
		fprintf(out, "stream %u", e->stream_id);
	else
		fprintf(out, "%u streams, stream %u", e->nstreams,
			e->stream_id);
	fprintf(out, " seqs %" PRIu64 "-%" PRIu64, e->seq_first, e->seq_last);
	if (e->ntx_queues == 1)
		fprintf(out, ", tx queue %u: ", e->tx_queue);
	else
		fprintf(out, ", %u tx queues: ", e->ntx_queues);
	xc_fx_print_split(out, e->by, (const char (*)[64])e->why);
	fprintf(out, "\n");
}

/* Say so when an agent's records merged at its cap. */
static void xc_fx_print_grid(FILE *out, const struct xc_forensics *fx)
{
	if (fx->iv_ns == fx->req_iv_ns)
		return;
	fprintf(out, "timeline: %u intervals of %.3f ms, not %.3f ms: past %u records an agent merges them in pairs\n",
		fx->n, fx->iv_ns / 1e6, fx->req_iv_ns / 1e6,
		fx->max_intervals);
}

void xc_fx_print(FILE *out, const struct xc_forensics *fx)
{
	uint64_t tester;
	uint32_t i;

	if (fx->have)
		xc_fx_print_grid(out, fx);
	if (!fx->have || !fx->missing_total)
		return;
	tester = xc_fx_tester(fx->by);
	fprintf(out, "missing %" PRIu64 ": ", fx->missing_total);
	xc_fx_print_split(out, fx->by, (const char (*)[64])fx->why);
	if (tester == fx->missing_total)
		fprintf(out, ": the tester fell behind, not the link");
	else if (tester)
		fprintf(out, "; the tester itself lost %" PRIu64, tester);
	fprintf(out, "\n");
	if (fx->unplaced)
		fprintf(out, "  %" PRIu64 " of them in ranges beyond those kept: not placed in time\n",
			fx->unplaced);
	for (i = 0; i < fx->neps && i < XC_FX_PRINT_EPS; i++)
		xc_fx_print_episode(out, fx, i);
	if (fx->neps > XC_FX_PRINT_EPS)
		fprintf(out, "  %u more episodes in the JSON report\n",
			fx->neps - XC_FX_PRINT_EPS);
}

/* ---------------------------------------------------------------- JSON */

static json_t *xc_fx_split_json(const uint64_t *by)
{
	json_t *o = json_object();
	int w;

	for (w = 0; o && w < XC_FX_NWHERE; w++)
		json_object_set_new(o, xc_fx_where_name(w),
				    json_integer((json_int_t)by[w]));
	return o;
}

static json_t *xc_fx_why_json(const char (*why)[64])
{
	json_t *o = json_object();
	int w;

	for (w = 0; o && w < XC_FX_NWHERE; w++)
		if (why[w][0])
			json_object_set_new(o, xc_fx_where_name(w),
					    json_string(why[w]));
	return o;
}

static json_t *xc_fx_episode_json(const struct xc_fx_episode *e)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:i, s:i, s:I, s:I, s:i, s:i,"
			 " s:o, s:o}",
			 "start_ns", (json_int_t)e->start_ns,
			 "start_realtime_ns", (json_int_t)e->start_rt,
			 "duration_ns", (json_int_t)e->dur_ns,
			 "lost", (json_int_t)e->lost,
			 "streams", (int)e->nstreams,
			 "stream_id", (int)e->stream_id,
			 "seq_first", (json_int_t)e->seq_first,
			 "seq_last", (json_int_t)e->seq_last,
			 "tx_queues", (int)e->ntx_queues,
			 "tx_queue", (int)e->tx_queue,
			 "split", xc_fx_split_json(e->by),
			 "why", xc_fx_why_json((const char (*)[64])e->why));
}

static json_t *xc_fx_row_json(const uint64_t *v, uint32_t n)
{
	json_t *a = json_array();
	uint32_t k;

	for (k = 0; a && k < n; k++)
		json_array_append_new(a, json_integer((json_int_t)v[k]));
	return a;
}

json_t *xc_fx_json(const struct xc_forensics *fx)
{
	json_t *eps;
	uint32_t i;

	if (!fx->have)
		return json_pack("{s:b, s:s}", "have", 0, "why_not",
				 fx->why_not);
	eps = json_array();
	for (i = 0; eps && i < fx->neps; i++)
		json_array_append_new(eps, xc_fx_episode_json(&fx->eps[i]));
	return json_pack("{s:b, s:I, s:I, s:I, s:i, s:I, s:I, s:o, s:o, s:o,"
			 " s:{s:o, s:o, s:o}}",
			 "have", 1,
			 "interval_ns", (json_int_t)fx->iv_ns,
			 "requested_interval_ns", (json_int_t)fx->req_iv_ns,
			 "start_realtime_ns", (json_int_t)fx->start_rt,
			 "intervals", (int)fx->n,
			 "missing", (json_int_t)fx->missing_total,
			 "unplaced", (json_int_t)fx->unplaced,
			 "split", xc_fx_split_json(fx->by),
			 "why", xc_fx_why_json((const char (*)[64])fx->why),
			 "episodes", eps,
			 "per_interval",
			 "sent", xc_fx_row_json(fx->sent, fx->n),
			 "received", xc_fx_row_json(fx->recv, fx->n),
			 "missing", xc_fx_row_json(fx->missing, fx->n));
}

/* ---------------------------------------------------------------- CSV */

static const char *xc_fx_source(int s)
{
	static const char *const names[] = {
		"agent", "xsk", "xdp", "link", "ethtool", "softnet", "thread",
	};

	return s >= 0 && (size_t)s < XC_ARRAY_SIZE(names) ? names[s] : "?";
}

/* Every counter of both agents on the grid: cols[c * n + k]. */
struct xc_fx_cols {
	const Xceiver__V1__Series **s;
	const char **side;
	uint64_t *v;
	size_t n;
};

static int xc_fx_cols_build(struct xc_fx_cols *c,
			    const struct xc_forensics *fx,
			    const struct xc_view *v)
{
	static const char *const side[] = { "tx", "rx" };
	const Xceiver__V1__Report *r;
	size_t total = 0, i;
	int s;

	for (s = XC_TX; s <= XC_RX; s++) {
		r = xc_view_report(v, s);
		total += r && r->timeline ? r->timeline->n_counters : 0;
	}
	c->s = calloc(total + 1, sizeof(*c->s));
	c->side = calloc(total + 1, sizeof(*c->side));
	c->v = calloc((total + 1) * fx->n, sizeof(*c->v));
	if (!c->s || !c->side || !c->v)
		return -ENOMEM;
	for (s = XC_TX; s <= XC_RX; s++) {
		r = xc_view_report(v, s);
		for (i = 0; r && r->timeline && i < r->timeline->n_counters;
		     i++, c->n++) {
			c->s[c->n] = r->timeline->counters[i];
			c->side[c->n] = side[s];
			xc_fx_regrid_series(fx, r->timeline, c->s[c->n],
					    &c->v[c->n * fx->n]);
		}
	}
	return 0;
}

static void xc_fx_cols_free(struct xc_fx_cols *c)
{
	free(c->s);
	free(c->side);
	free(c->v);
}

static void xc_fx_csv_head(FILE *f, const struct xc_forensics *fx,
			   const struct xc_fx_cols *c)
{
	uint32_t i;
	size_t j;

	fprintf(f, "interval,start_ms,realtime_ns,sent,received,missing,episode");
	for (i = 0; i < fx->nstreams; i++)
		fprintf(f, ",s%u_sent,s%u_received,s%u_missing",
			fx->streams[i].id, fx->streams[i].id,
			fx->streams[i].id);
	for (j = 0; j < c->n; j++)
		fprintf(f, ",%s:%s:%s", c->side[j],
			xc_fx_source(c->s[j]->source), c->s[j]->name);
	fprintf(f, "\n");
}

static uint32_t xc_fx_episode_at(const struct xc_forensics *fx, uint32_t k)
{
	uint32_t i;

	for (i = 0; i < fx->neps; i++)
		if (k >= fx->eps[i].first && k <= fx->eps[i].last)
			return i + 1;
	return 0;
}

static void xc_fx_csv_row(FILE *f, const struct xc_forensics *fx,
			  const struct xc_fx_cols *c, uint32_t k)
{
	const struct xc_fx_stream *st;
	uint32_t i, ep = xc_fx_episode_at(fx, k);
	size_t j;

	fprintf(f, "%u,%.3f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
		k, k * fx->iv_ns / 1e6, fx->start_rt + k * fx->iv_ns,
		fx->sent[k], fx->recv[k], fx->missing[k]);
	if (ep)
		fprintf(f, "%u", ep);
	for (i = 0; i < fx->nstreams; i++) {
		st = &fx->streams[i];
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, st->sent[k],
			st->recv[k], st->missing[k]);
	}
	for (j = 0; j < c->n; j++)
		fprintf(f, ",%" PRIu64, c->v[j * fx->n + k]);
	fprintf(f, "\n");
}

int xc_fx_csv(FILE *f, const struct xc_forensics *fx, const struct xc_view *v)
{
	struct xc_fx_cols c = { 0 };
	uint32_t k;
	int ret;

	if (!fx->have) {
		fprintf(f, "# no timeline: %s\n", fx->why_not);
		return 0;
	}
	ret = xc_fx_cols_build(&c, fx, v);
	if (!ret) {
		xc_fx_csv_head(f, fx, &c);
		for (k = 0; k < fx->n; k++)
			xc_fx_csv_row(f, fx, &c, k);
	}
	xc_fx_cols_free(&c);
	return ret;
}
