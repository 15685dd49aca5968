// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The forensics as a picture: one SVG written as text. Above, the sent
 * (dashed) and received (solid) rate of the busiest streams over the run,
 * the rest summed; below it, a strip of the missing frames by the interval
 * their sender queued them; across both, the loss episodes shaded, the
 * largest numbered and listed under the plot with where their frames went.
 * A line has at most one point per interval, or two (least and most) per
 * pixel column when there are more intervals than columns: the file stays
 * bounded whatever the grid. When the run has latency, its panels follow
 * underneath (plotlat.c).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xc_plot.h"

#define XC_PLOT_T	56		/* the rates, y */
#define XC_PLOT_B	326
#define XC_STRIP_T	342		/* the missing frames, y */
#define XC_STRIP_B	400
#define XC_CAPTION_Y	(XC_STRIP_B + 54)	/* the run's split */
#define XC_LIST_Y	(XC_CAPTION_Y + 38)	/* the episodes */
#define XC_PLOT_EPS	10		/* episodes numbered and listed */
#define XC_PLOT_LAYERS	3		/* layers named per episode */
#define XC_PLOT_LINE	150		/* characters an episode listed */

const char *const xc_plot_colour[XC_PLOT_COLOURS] = {
	"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
	"#17becf", "#8c564b", "#e377c2", "#7f7f7f",
};

struct xc_series {
	const uint64_t *v;
	const char *colour;
	bool dashed;
	char name[48];
};

struct xc_plot {
	FILE *f;
	const struct xc_forensics *fx;
	uint32_t ncol;		/* points along x: intervals or columns */
	double ymax;		/* frames/s at the top of the plot */
	double mmax;		/* missing frames at the top of the strip */
	struct xc_series ser[2 * XC_PLOT_COLOURS];
	uint32_t nser;
	uint32_t nother;	/* streams summed into "N others" */
	uint64_t *other;	/* their sent, then their received */
};

/* text, escaped for XML; a control character (XML has none) as '?' */
void xc_svg_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
		}
	}
}

void xc_svg_label(FILE *f, double x, double y, const char *anchor,
		  const char *attr, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s>",
		x, y, anchor, *attr ? " " : "", attr);
	xc_svg_text(f, s);
	fputs("</text>\n", f);
}

void xc_si(double v, char *buf, size_t len)
{
	static const char sfx[] = " kMGTPEZY";
	int i = 0;

	while (fabs(v) >= 1000 && i < (int)sizeof(sfx) - 2) {
		v /= 1000;
		i++;
	}
	if (i)
		snprintf(buf, len, "%.4g%c", v, sfx[i]);
	else
		snprintf(buf, len, "%.4g", v);
}

void xc_dur(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000000)
		snprintf(buf, len, "%.4g us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.4g ms", ns / 1e6);
	else
		snprintf(buf, len, "%.4g s", ns / 1e9);
}

double xc_nice_step(double span, int want)
{
	double raw = span / want, mag, r;

	if (!(raw > 0) || !isfinite(raw))
		return 1;
	mag = pow(10, floor(log10(raw)));
	r = raw / mag;
	return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

/* No timeline: why, and the latency panels that need none. */
static int xc_plot_none(const struct xc_forensics *fx,
			const struct xc_plot_lat *pl, const char *title,
			const char *why, FILE *f)
{
	int h = XC_PLOT_NONE_H + xc_plot_lat_height(fx, pl);

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		XC_PLOT_W, h, XC_PLOT_W, h);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	xc_svg_label(f, 16, 26, "start",
		     "font-size=\"16\" font-weight=\"bold\"", title);
	fputs("<text x=\"16\" y=\"56\" font-size=\"13\">no timeline: ", f);
	xc_svg_text(f, why);
	fputs("</text>\n", f);
	xc_plot_lat_draw(f, fx, pl, XC_PLOT_NONE_H);
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}

/* ------------------------------------------------------------ series */

struct xc_rank {
	uint64_t sent;
	uint32_t i;
};

static int xc_rank_cmp(const void *a, const void *b)
{
	const struct xc_rank *x = a, *y = b;

	if (x->sent != y->sent)
		return x->sent < y->sent ? 1 : -1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The streams by frames sent over the run, the busiest first. */
static struct xc_rank *xc_plot_rank(const struct xc_forensics *fx)
{
	struct xc_rank *r = calloc(fx->nstreams, sizeof(*r));
	uint32_t s, k;

	if (!r)
		return NULL;
	for (s = 0; s < fx->nstreams; s++) {
		r[s].i = s;
		for (k = 0; k < fx->n; k++)
			r[s].sent += fx->streams[s].sent[k];
	}
	qsort(r, fx->nstreams, sizeof(*r), xc_rank_cmp);
	return r;
}

static void xc_plot_add(struct xc_plot *p, const uint64_t *sent,
			const uint64_t *recv, const char *name)
{
	const char *colour = xc_plot_colour[p->nser / 2];

	p->ser[p->nser] = (struct xc_series){ sent, colour, true, "" };
	snprintf(p->ser[p->nser++].name, sizeof(p->ser[0].name), "%s sent",
		 name);
	p->ser[p->nser] = (struct xc_series){ recv, colour, false, "" };
	snprintf(p->ser[p->nser++].name, sizeof(p->ser[0].name),
		 "%s received", name);
}

/* Sum the streams past the busiest ones into p->other. */
static int xc_plot_other(struct xc_plot *p, const struct xc_rank *r,
			 uint32_t from)
{
	const struct xc_forensics *fx = p->fx;
	uint32_t s, k;

	p->other = calloc(2 * (size_t)fx->n, sizeof(*p->other));
	if (!p->other)
		return -ENOMEM;
	p->nother = fx->nstreams - from;
	for (s = from; s < fx->nstreams; s++) {
		const struct xc_fx_stream *st = &fx->streams[r[s].i];

		for (k = 0; k < fx->n; k++) {
			p->other[k] += st->sent[k];
			p->other[fx->n + k] += st->recv[k];
		}
	}
	return 0;
}

/* The lines: every stream, or the busiest and "N others" summed. */
static int xc_plot_series(struct xc_plot *p)
{
	const struct xc_forensics *fx = p->fx;
	uint32_t ntop = fx->nstreams, s;
	struct xc_rank *r;
	char name[32];
	int err = 0;

	if (!fx->nstreams) {
		xc_plot_add(p, fx->sent, fx->recv, "all streams");
		return 0;
	}
	r = xc_plot_rank(fx);
	if (!r)
		return -ENOMEM;
	if (ntop > XC_PLOT_COLOURS)
		ntop = XC_PLOT_COLOURS - 1;
	for (s = 0; s < ntop; s++) {
		const struct xc_fx_stream *st = &fx->streams[r[s].i];

		snprintf(name, sizeof(name), "stream %u", st->id);
		xc_plot_add(p, st->sent, st->recv, name);
	}
	if (ntop < fx->nstreams) {
		err = xc_plot_other(p, r, ntop);
		if (!err) {
			snprintf(name, sizeof(name), "%u others", p->nother);
			xc_plot_add(p, p->other, p->other + fx->n, name);
		}
	}
	free(r);
	return err;
}

/* ------------------------------------------------------------ scales */

/* The intervals [*a, *b) of point c along x. */
static void xc_col(const struct xc_plot *p, uint32_t c, uint32_t *a,
		   uint32_t *b)
{
	uint64_t n = p->fx->n;

	*a = (uint32_t)(c * n / p->ncol);
	*b = (uint32_t)((c + 1) * n / p->ncol);
}

static double xc_rate(const struct xc_plot *p, uint64_t v)
{
	return (double)v * 1e9 / (double)p->fx->iv_ns;
}

double xc_x_iv(double iv, uint32_t n)
{
	return XC_PLOT_L + XC_PLOT_COLS * iv / n;
}

static double xc_y(const struct xc_plot *p, double rate)
{
	double top = XC_PLOT_B - XC_PLOT_T, h = top * rate / p->ymax;

	return XC_PLOT_B - (h > top ? top : h);
}

/* The top of both y scales: a whole number of nice steps. */
static void xc_plot_scale(struct xc_plot *p)
{
	const struct xc_forensics *fx = p->fx;
	uint64_t vmax = 0, mmax = 0;
	uint32_t i, k;

	for (i = 0; i < p->nser; i++)
		for (k = 0; k < fx->n; k++)
			if (p->ser[i].v[k] > vmax)
				vmax = p->ser[i].v[k];
	for (k = 0; k < fx->n; k++)
		if (fx->missing[k] > mmax)
			mmax = fx->missing[k];
	p->ymax = xc_rate(p, vmax) * 1.05;	/* room above the top line */
	p->ymax = p->ymax > 0 ? p->ymax : 1;
	p->ymax = ceil(p->ymax / xc_nice_step(p->ymax, 5)) *
		  xc_nice_step(p->ymax, 5);
	p->mmax = mmax ? ceil(mmax / xc_nice_step(mmax, 4)) *
			 xc_nice_step(mmax, 4) : 1;
}

void xc_plot_rate_axis(FILE *f, double ymax, int top, int bottom)
{
	double step = xc_nice_step(ymax, 5), v, y;
	char buf[32];

	for (v = 0; v <= ymax * (1 + 1e-9); v += step) {
		y = bottom - (bottom - top) * fmin(v / ymax, 1);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
			XC_PLOT_L, y, XC_PLOT_R, y);
		xc_si(v, buf, sizeof(buf));
		xc_svg_label(f, XC_PLOT_L - 6, y + 4, "end", "", buf);
	}
	fprintf(f, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">frames per second</text>\n",
		(top + bottom) / 2);
}

static void xc_plot_yaxis(const struct xc_plot *p)
{
	xc_plot_rate_axis(p->f, p->ymax, XC_PLOT_T, XC_PLOT_B);
}

void xc_plot_time_axis(FILE *f, const struct xc_forensics *fx, int y)
{
	double total = (double)fx->n * fx->iv_ns, div, step, t, x;
	bool ms = total < 2e9;
	char buf[32];

	div = ms ? 1e6 : 1e9;
	step = xc_nice_step(total / div, 8);
	for (t = 0; t <= total / div * (1 + 1e-9); t += step) {
		x = XC_PLOT_L + XC_PLOT_COLS * t * div / total;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>\n",
			x, y, x, y + 4);
		snprintf(buf, sizeof(buf), "%.4g", t);
		xc_svg_label(f, x, y + 16, "middle", "", buf);
	}
	xc_svg_label(f, (XC_PLOT_L + XC_PLOT_R) / 2.0, y + 32, "middle", "",
		     ms ? "run time (ms)" : "run time (s)");
}

/* ------------------------------------------------------------ drawing */

/* A point at x: v frames an interval. */
static void xc_pt(const struct xc_plot *p, double x, uint64_t v)
{
	fprintf(p->f, "%.1f,%.1f ", x, xc_y(p, xc_rate(p, v)));
}

/*
 * The column's least and most as two points, in the order that joins its
 * neighbours (rising: least first); one when they are the same.
 */
static void xc_col_pts(const struct xc_plot *p, const uint64_t *v,
		       uint32_t a, uint32_t b)
{
	uint64_t lo = v[a], hi = v[a];
	double x = xc_x_iv((a + b) / 2.0, p->fx->n);
	bool rising = v[a] <= v[b - 1];
	uint32_t k;

	for (k = a + 1; k < b; k++) {
		lo = v[k] < lo ? v[k] : lo;
		hi = v[k] > hi ? v[k] : hi;
	}
	xc_pt(p, x, rising ? lo : hi);
	if (lo != hi)
		xc_pt(p, x, rising ? hi : lo);
}

/* One interval a point (one interval: a level line), or a column two. */
static void xc_plot_line(const struct xc_plot *p, const struct xc_series *s)
{
	uint32_t c, a, b;

	fprintf(p->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"",
		s->colour, s->dashed ? " stroke-dasharray=\"6 3\"" : "");
	if (p->fx->n == 1) {
		xc_pt(p, XC_PLOT_L, s->v[0]);
		xc_pt(p, XC_PLOT_R, s->v[0]);
	}
	for (c = 0; p->fx->n > 1 && c < p->ncol; c++) {
		xc_col(p, c, &a, &b);
		xc_col_pts(p, s->v, a, b);
	}
	fputs("\"/>\n", p->f);
}

/* Missing frames, the most of each column, as red bars in the strip. */
static void xc_plot_missing(const struct xc_plot *p)
{
	const struct xc_forensics *fx = p->fx;
	uint32_t c, a, b, k;
	uint64_t hi;
	double x0, x1, h;
	char buf[32];

	fputs("<path fill=\"#d62728\" d=\"", p->f);
	for (c = 0; c < p->ncol; c++) {
		xc_col(p, c, &a, &b);
		for (hi = 0, k = a; k < b; k++)
			hi = fx->missing[k] > hi ? fx->missing[k] : hi;
		if (!hi)
			continue;
		x0 = xc_x_iv(a, fx->n);
		x1 = xc_x_iv(b, fx->n);
		h = (XC_STRIP_B - XC_STRIP_T) * (double)hi / p->mmax;
		fprintf(p->f, "M%.1f %dh%.1fv%.1fh%.1fz", x0, XC_STRIP_B,
			x1 - x0 > 1 ? x1 - x0 : 1, -(h > 1 ? h : 1),
			-(x1 - x0 > 1 ? x1 - x0 : 1));
	}
	fputs("\"/>\n", p->f);
	xc_si(p->mmax, buf, sizeof(buf));
	xc_svg_label(p->f, XC_PLOT_L - 6, XC_STRIP_T + 9, "end", "", buf);
	xc_svg_label(p->f, XC_PLOT_L - 6, XC_STRIP_B + 4, "end", "", "0");
	xc_svg_label(p->f, XC_PLOT_L + 4, XC_STRIP_T + 10, "start",
		     "font-size=\"10\" fill=\"#d62728\"",
		     "missing frames per interval, by the interval they were sent");
}

/* The episodes shaded: the pixel columns they cover, run by run. */
int xc_plot_bands(FILE *f, const struct xc_forensics *fx, int y0, int y1)
{
	bool *cov = calloc(XC_PLOT_COLS + 1, sizeof(*cov));
	uint32_t e, c, c0, c1;

	if (!cov)
		return -ENOMEM;
	for (e = 0; e < fx->neps; e++) {
		c0 = (uint64_t)fx->eps[e].first * XC_PLOT_COLS / fx->n;
		c1 = ((uint64_t)fx->eps[e].last + 1) * XC_PLOT_COLS / fx->n;
		for (c = c0; c <= c1 && c < XC_PLOT_COLS; c++)
			cov[c] = true;
	}
	for (c = 0; c < XC_PLOT_COLS; c = c1) {
		for (c1 = c; c1 < XC_PLOT_COLS && cov[c1] == cov[c]; c1++)
			;
		if (cov[c])
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%u\" height=\"%d\" fill=\"#f2b134\" fill-opacity=\"0.25\"/>\n",
				XC_PLOT_L + c, y0, c1 - c, y1 - y0);
	}
	free(cov);
	return 0;
}

void xc_plot_key(FILE *f, double y, const char *colour, const char *dash,
		 const char *name)
{
	if (dash)
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
			XC_LEGEND_X, y, XC_LEGEND_X + 24, y, colour, dash);
	else
		fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"24\" height=\"9\" fill=\"%s\"/>\n",
			XC_LEGEND_X, y - 5, colour);
	xc_svg_label(f, XC_LEGEND_X + 29, y + 4, "start",
		     "font-size=\"11\"", name);
}

static void xc_plot_legend(const struct xc_plot *p)
{
	double y = XC_PLOT_T + 4;
	uint32_t i;

	for (i = 0; i < p->nser; i++, y += 15)
		xc_plot_key(p->f, y, p->ser[i].colour, p->ser[i].dashed ?
			    " stroke-dasharray=\"6 3\"" : "", p->ser[i].name);
	xc_plot_key(p->f, y + 6, "#d62728", NULL, "missing frames");
	xc_plot_key(p->f, y + 21, "#fcebcc", NULL, "loss episode");
}

/* ------------------------------------------------------------ words */

/* "receiver socket 5033 (rx_fill_ring_empty_descs), between the hosts 2" */
static void xc_plot_layers(const uint64_t *by, const char (*why)[64],
			   char *buf, size_t len)
{
	bool used[XC_FX_NWHERE] = { false };
	size_t off = 0;
	int i, w, best;

	buf[0] = '\0';
	for (i = 0; i < XC_PLOT_LAYERS && off < len; i++) {
		for (best = -1, w = 0; w < XC_FX_NWHERE; w++)
			if (!used[w] && by[w] &&
			    (best < 0 || by[w] > by[best]))
				best = w;
		if (best < 0)
			break;
		used[best] = true;
		off += snprintf(buf + off, len - off, "%s%s %llu",
				i ? ", " : "", xc_fx_where_short(best),
				(unsigned long long)by[best]);
		if (why && why[best][0] && off < len)
			off += snprintf(buf + off, len - off, " (%.63s)",
					why[best]);
	}
}

static void xc_plot_ep_text(const struct xc_fx_episode *ep, uint32_t num,
			    char *buf, size_t len)
{
	char at[24], dur[24], who[48], layers[320];

	xc_dur(ep->start_ns, at, sizeof(at));
	xc_dur(ep->dur_ns, dur, sizeof(dur));
	if (ep->nstreams == 1)
		snprintf(who, sizeof(who), "stream %u", ep->stream_id);
	else
		snprintf(who, sizeof(who), "%u streams", ep->nstreams);
	xc_plot_layers(ep->by, (const char (*)[64])ep->why, layers,
		       sizeof(layers));
	snprintf(buf, len, "#%u %llu lost at %s for %s, %s: %s", num,
		 (unsigned long long)ep->lost, at, dur, who,
		 layers[0] ? layers : "no layer");
	if (strlen(buf) > XC_PLOT_LINE)
		strcpy(buf + XC_PLOT_LINE - 3, "...");
}

/* The largest episodes (at most XC_PLOT_EPS), the largest first. */
static uint32_t xc_plot_pick(const struct xc_forensics *fx, uint32_t *pick)
{
	uint32_t e, i, m = 0;
	uint64_t lost;

	for (e = 0; e < fx->neps; e++) {
		lost = fx->eps[e].lost;
		i = m < XC_PLOT_EPS ? m : XC_PLOT_EPS - 1;
		if (m == XC_PLOT_EPS && fx->eps[pick[i]].lost >= lost)
			continue;
		for (; i > 0 && fx->eps[pick[i - 1]].lost < lost; i--)
			pick[i] = pick[i - 1];
		pick[i] = e;
		m += m < XC_PLOT_EPS;
	}
	return m;
}

static int xc_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Whether [x0, x1] is clear of the n spans taken. */
static bool xc_clear(const double (*taken)[2], uint32_t n, double x0,
		     double x1)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (x0 < taken[i][1] && taken[i][0] < x1)
			return false;
	return true;
}

/*
 * "#k" over each picked band, the largest first, in the first of two rows
 * where it has room; one with room in neither is left to the list.
 */
static void xc_plot_ep_nums(const struct xc_plot *p, const uint32_t *pick,
			    uint32_t m)
{
	const struct xc_forensics *fx = p->fx;
	double taken[2][XC_PLOT_EPS][2], x, w;
	uint32_t i, used[2] = { 0, 0 };
	int row;
	char buf[16];

	for (i = 0; i < m; i++) {
		const struct xc_fx_episode *ep = &fx->eps[pick[i]];

		x = xc_x_iv((ep->first + ep->last + 1) / 2.0, fx->n);
		snprintf(buf, sizeof(buf), "#%u", pick[i] + 1);
		w = 7.0 * strlen(buf) + 4;
		for (row = 0; row < 2; row++)
			if (xc_clear(taken[row], used[row], x - w / 2,
				     x + w / 2))
				break;
		if (row == 2)
			continue;
		taken[row][used[row]][0] = x - w / 2;
		taken[row][used[row]++][1] = x + w / 2;
		xc_svg_label(p->f, x, XC_PLOT_T - 6 - 12 * row, "middle",
			     "font-size=\"11\" font-weight=\"bold\" fill=\"#a0620a\"",
			     buf);
	}
}

static void xc_plot_episodes(const struct xc_plot *p)
{
	const struct xc_forensics *fx = p->fx;
	uint32_t pick[XC_PLOT_EPS], m, i;
	char buf[640];
	double y = XC_LIST_Y;

	if (!fx->neps)
		return;
	m = xc_plot_pick(fx, pick);
	xc_plot_ep_nums(p, pick, m);
	qsort(pick, m, sizeof(*pick), xc_u32_cmp);
	snprintf(buf, sizeof(buf), "loss episodes: %u%s", fx->neps,
		 fx->neps > m ? ", the largest:" : "");
	xc_svg_label(p->f, XC_PLOT_L, y, "start", "font-weight=\"bold\"", buf);
	for (i = 0; i < m; i++) {
		y += 13;
		xc_plot_ep_text(&fx->eps[pick[i]], pick[i] + 1, buf,
				sizeof(buf));
		xc_svg_label(p->f, XC_PLOT_L, y, "start",
			     "font-family=\"monospace\" font-size=\"11\"", buf);
	}
	if (fx->neps > m) {
		snprintf(buf, sizeof(buf), "%u more episodes, not numbered",
			 fx->neps - m);
		xc_svg_label(p->f, XC_PLOT_W - 10, XC_PLOT_H - 8, "end",
			     "font-size=\"11\" fill=\"#a0620a\"", buf);
	}
}

/* Where every missing frame of the run went, and what the grid is. */
static void xc_plot_caption(const struct xc_plot *p)
{
	const struct xc_forensics *fx = p->fx;
	char layers[320], buf[512], iv[24];

	xc_plot_layers(fx->by, NULL, layers, sizeof(layers));
	if (!fx->missing_total)
		snprintf(buf, sizeof(buf), "whole run: no frame missing");
	else
		snprintf(buf, sizeof(buf),
			 "whole run: %llu missing: %s; %llu of them not placed in time",
			 (unsigned long long)fx->missing_total,
			 layers[0] ? layers : "no layer",
			 (unsigned long long)fx->unplaced);
	xc_svg_label(p->f, XC_PLOT_L, XC_CAPTION_Y, "start", "", buf);
	xc_dur(fx->iv_ns, iv, sizeof(iv));
	snprintf(buf, sizeof(buf), "%u interval%s of %s, %u stream%s",
		 fx->n, fx->n == 1 ? "" : "s", iv, fx->nstreams,
		 fx->nstreams == 1 ? "" : "s");
	if (p->nother)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 " (the %u busiest drawn, %u others summed)",
			 fx->nstreams - p->nother, p->nother);
	if (fx->n > p->ncol)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 "; the least and most of each %.3g intervals drawn",
			 (double)fx->n / p->ncol);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		 "; sent dashed, received solid");
	xc_svg_label(p->f, XC_PLOT_L, XC_CAPTION_Y + 16, "start",
		     "font-size=\"11\" fill=\"#555\"", buf);
}

static void xc_plot_head(const struct xc_plot *p, const char *title, int h)
{
	fprintf(p->f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		XC_PLOT_W, h, XC_PLOT_W, h);
	fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n", p->f);
	xc_svg_label(p->f, XC_PLOT_L, 22, "start",
		     "font-size=\"16\" font-weight=\"bold\"", title);
}

static void xc_plot_frame(const struct xc_plot *p)
{
	fprintf(p->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
		XC_PLOT_L, XC_PLOT_T, XC_PLOT_COLS, XC_PLOT_B - XC_PLOT_T);
	fprintf(p->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
		XC_PLOT_L, XC_STRIP_T, XC_PLOT_COLS, XC_STRIP_B - XC_STRIP_T);
}

/* Where the latency panels start: below the episodes, if any. */
static int xc_plot_lat_y(const struct xc_plot *p,
			 const struct xc_plot_lat *pl)
{
	return xc_plot_lat_have(pl) && !p->fx->neps ? XC_LIST_Y - 8 :
						      XC_PLOT_H;
}

static int xc_plot_draw(struct xc_plot *p, const struct xc_plot_lat *pl,
			const char *title)
{
	int err, y = xc_plot_lat_y(p, pl);
	uint32_t i;

	xc_plot_head(p, title, y + xc_plot_lat_height(p->fx, pl));
	err = xc_plot_bands(p->f, p->fx, XC_PLOT_T, XC_STRIP_B);
	if (err)
		return err;
	xc_plot_yaxis(p);
	xc_plot_time_axis(p->f, p->fx, XC_STRIP_B);
	xc_plot_frame(p);
	xc_plot_missing(p);
	for (i = 0; i < p->nser; i++)
		xc_plot_line(p, &p->ser[i]);
	xc_plot_legend(p);
	xc_plot_episodes(p);
	xc_plot_caption(p);
	xc_plot_lat_draw(p->f, p->fx, pl, y);
	fputs("</svg>\n", p->f);
	return 0;
}

int xc_plot_svg(const struct xc_forensics *fx, const char *title, FILE *f)
{
	return xc_plot_svg_lat(fx, NULL, title, f);
}

int xc_plot_svg_lat(const struct xc_forensics *fx,
		    const struct xc_plot_lat *pl, const char *title, FILE *f)
{
	struct xc_plot p = { .f = f, .fx = fx };
	char why[sizeof(fx->why_not) + 1];
	int err;

	if (!fx || !f)
		return -EINVAL;
	title = title ? title : "";
	if (!fx->have) {
		snprintf(why, sizeof(why), "%.*s", (int)sizeof(fx->why_not),
			 fx->why_not);
		return xc_plot_none(fx, pl, title, why[0] ? why : "unknown",
				    f);
	}
	if (!fx->n || !fx->iv_ns)
		return xc_plot_none(fx, pl, title, "the grid has no intervals",
				    f);
	p.ncol = fx->n < XC_PLOT_COLS ? fx->n : XC_PLOT_COLS;
	err = xc_plot_series(&p);
	if (!err) {
		xc_plot_scale(&p);
		err = xc_plot_draw(&p, pl, title);
	}
	free(p.other);
	if (!err && ferror(f))
		err = -EIO;
	return err;
}
