// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A throughput search as a picture (xc_search_plot.h): one SVG written as
 * text with plot.c's helpers, in two panels. Above, each goal's throughput
 * against frame size (one category a size, in the order given), a line
 * through the results, each with a bar from its lower to its upper bound;
 * under it the figures in frames per second and in L1 Gb/s. Below, every
 * trial of every size (a colour a size) at its offered load (log scale)
 * and path loss ratio (log scale, with loss 0 in a strip of its own under
 * it), the goals' loss ratios as dashed lines. Nothing here judges.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xc_plot.h"
#include "xc_search_plot.h"

#define XC_SP_T1	56		/* the throughput panel, y */
#define XC_SP_B1	316
#define XC_SP_TABLE	(XC_SP_B1 + 68)	/* the figures' first row */
#define XC_SP_ROW	13
#define XC_SP_H2	230		/* the loss panel's log part, least */
#define XC_SP_GAP	8		/* between it and ... */
#define XC_SP_ZERO	20		/* ... its strip of loss 0 */
#define XC_SP_DEC	(-6)		/* the lowest loss decade drawn */
#define XC_SP_DEC_MIN	(-12)		/* ... or a lower ratio's */
#define XC_SP_XPAD	0.04		/* load margin, share and least */
#define XC_SP_KEY	15		/* legend line spacing */
#define XC_SP_SPREAD	7		/* goals apart at one size, x */
#define XC_SP_GOAL_COLOURS 4
#define XC_SP_DASH	" stroke-dasharray=\"6 3\""
#define XC_SP_GE	"\xe2\x89\xa5"	/* U+2265, greater or equal */

static const char *const xc_sp_goal_colour[XC_SP_GOAL_COLOURS] = {
	"#d62728", "#222222", "#bcbd22", "#6b6ecf",
};

/* A goal of one or more sizes' searches, by name. */
struct xc_sp_goal {
	char name[40];
	double loss_ratio;
	const char *colour;
};

enum xc_sp_mark {
	XC_MK_DOT,		/* a result; a trial */
	XC_MK_RING,		/* a trial whose sender fell short */
	XC_MK_CROSS,		/* a trial only the tester lost in */
	XC_MK_TRIANGLE,		/* a result limited by the tester */
	XC_MK_DIAMOND,		/* a result not done */
};

struct xc_splot {
	FILE *f;
	const struct xc_search_size *sz;
	unsigned int n;
	struct xc_sp_goal *goal;
	unsigned int ngoal;
	double ymax;		/* pps at the top of the throughput panel */
	double xlo, xhi;	/* log10 of the loss panel's load range */
	int dec;		/* its lowest loss decade */
	bool limited, undone, short_sender, tester_only;
	int t2, b2;		/* the loss panel's log part, y */
};

/* ------------------------------------------------------------ goals */

/* "NDR", "PDR 0.5%", "throughput"; a repeated loss ratio numbered. */
static void xc_sp_goal_name(const struct xc_search *s, unsigned int i,
			    char *buf, size_t len)
{
	unsigned int j, same = 0;
	double lr;

	if (s->cfg.algo == XC_SEARCH_RFC2544) {
		snprintf(buf, len, "throughput");
		return;
	}
	lr = s->cfg.goals[i].loss_ratio;
	for (j = 0; j < i; j++)
		same += s->cfg.goals[j].loss_ratio == lr;
	if (lr > 0)
		snprintf(buf, len, "PDR %g%%", lr * 100);
	else
		snprintf(buf, len, "NDR");
	if (same)
		snprintf(buf + strlen(buf), len - strlen(buf), " (%u)",
			 same + 1);
}

static unsigned int xc_sp_nres(const struct xc_search *s)
{
	return s->nres < XC_SEARCH_MAX_GOALS ? s->nres : XC_SEARCH_MAX_GOALS;
}

/* Every goal name of every size, in the order first met. */
static int xc_sp_goals(struct xc_splot *p)
{
	const struct xc_search *s;
	struct xc_sp_goal *g;
	unsigned int i, r, k;
	char name[sizeof(g->name)];

	p->goal = calloc((size_t)p->n * XC_SEARCH_MAX_GOALS, sizeof(*g));
	if (!p->goal)
		return -ENOMEM;
	for (i = 0; i < p->n; i++) {
		s = p->sz[i].s;
		for (r = 0; r < xc_sp_nres(s); r++) {
			xc_sp_goal_name(s, r, name, sizeof(name));
			for (k = 0; k < p->ngoal; k++)
				if (!strcmp(p->goal[k].name, name))
					break;
			if (k < p->ngoal)
				continue;
			g = &p->goal[p->ngoal++];
			memcpy(g->name, name, sizeof(name));
			g->loss_ratio = s->cfg.algo == XC_SEARCH_MLR ?
					s->cfg.goals[r].loss_ratio : 0;
			g->colour = xc_sp_goal_colour[k % XC_SP_GOAL_COLOURS];
		}
	}
	return 0;
}

/* Goal k's result in s; NULL when s has no such goal. */
static const struct xc_search_result *
xc_sp_result(const struct xc_splot *p, const struct xc_search *s,
	     unsigned int k)
{
	char name[sizeof(p->goal[0].name)];
	unsigned int r;

	for (r = 0; r < xc_sp_nres(s); r++) {
		xc_sp_goal_name(s, r, name, sizeof(name));
		if (!strcmp(p->goal[k].name, name))
			return &s->res[r];
	}
	return NULL;
}

/* ------------------------------------------------------------ scales */

/* The x of a trial: its offered load, or its load when none measured. */
static double xc_sp_load(const struct xc_search_trial *t)
{
	return t->offered > 0 ? t->offered : t->load;
}

/*
 * The loss panel's load range, log10: lo to hi and a margin (a share of
 * the range, at least XC_SP_XPAD decades) so no mark sits on the frame.
 */
static void xc_sp_xrange(struct xc_splot *p, double lo, double hi)
{
	double pad = fmax((log10(hi) - log10(lo)) * XC_SP_XPAD, XC_SP_XPAD);

	p->xlo = log10(lo) - pad;
	p->xhi = log10(hi) + pad;
}

static void xc_sp_scan_results(struct xc_splot *p)
{
	const struct xc_search_result *r;
	double top = 0, step;
	unsigned int i, k;

	for (i = 0; i < p->n; i++) {
		for (k = 0; k < xc_sp_nres(p->sz[i].s); k++) {
			r = &p->sz[i].s->res[k];
			top = fmax(top, fmax(r->throughput,
					     fmax(r->lower, r->upper)));
			p->limited |= r->tester_limited;
			p->undone |= !r->done;
		}
	}
	top = top > 0 ? top * 1.05 : 1;	/* room above the top point */
	step = xc_nice_step(top, 5);
	p->ymax = ceil(top / step) * step;
}

static void xc_sp_scan_trials(struct xc_splot *p)
{
	const struct xc_search_trial *t;
	double lo = INFINITY, hi = 0, least = 1, lr;
	unsigned int i, k;

	for (i = 0; i < p->n; i++) {
		for (k = 0; k < p->sz[i].s->ntrials; k++) {
			t = &p->sz[i].s->trials[k];
			lo = fmin(lo, xc_sp_load(t));
			hi = fmax(hi, xc_sp_load(t));
			p->short_sender |= t->short_sender;
			p->tester_only |= t->tester_only;
			lr = xc_search_loss_ratio(t);
			least = lr > 0 ? fmin(least, lr) : least;
		}
	}
	for (k = 0; k < p->ngoal; k++)
		if (p->goal[k].loss_ratio > 0)
			least = fmin(least, p->goal[k].loss_ratio);
	p->dec = XC_SP_DEC;
	if (least < pow(10, XC_SP_DEC))
		p->dec = (int)fmax(floor(log10(least)), XC_SP_DEC_MIN);
	if (!(hi > 0) || !(lo > 0))
		lo = hi = 1;
	xc_sp_xrange(p, lo, hi);
}

/* The x of size i in the throughput panel (centre of its category). */
static double xc_sp_x1(const struct xc_splot *p, unsigned int i)
{
	return XC_PLOT_L + XC_PLOT_COLS * (i + 0.5) / p->n;
}

/* Goal k's offset from its size's centre, so bars do not cover. */
static double xc_sp_dx(const struct xc_splot *p, unsigned int k)
{
	double step = fmin(XC_SP_SPREAD,
			   XC_PLOT_COLS / (2.0 * p->n * p->ngoal));

	return (k - (p->ngoal - 1) / 2.0) * step;
}

static double xc_sp_y1(const struct xc_splot *p, double pps)
{
	return XC_SP_B1 - (XC_SP_B1 - XC_SP_T1) * fmax(pps, 0) / p->ymax;
}

static double xc_sp_x2(const struct xc_splot *p, double pps)
{
	double lv = pps > 0 ? log10(pps) : p->xlo;

	return XC_PLOT_L + XC_PLOT_COLS * (lv - p->xlo) / (p->xhi - p->xlo);
}

/* The y of a loss ratio: 0 in its strip, the rest on the log scale. */
static double xc_sp_y2(const struct xc_splot *p, double ratio)
{
	double lv;

	if (ratio <= 0)
		return p->b2 + XC_SP_GAP + XC_SP_ZERO / 2.0;
	lv = fmax(log10(ratio), p->dec);
	return p->b2 - (p->b2 - p->t2) * (lv - p->dec) / -p->dec;
}

/* ------------------------------------------------------------ marks */

static void xc_sp_mark(FILE *f, double x, double y, const char *c,
		       enum xc_sp_mark m)
{
	switch (m) {
	case XC_MK_DOT:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
			x, y, c);
		break;
	case XC_MK_RING:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
			x, y, c);
		break;
	case XC_MK_CROSS:
		fprintf(f, "<path d=\"M%.1f %.1fl7 7m0 -7l-7 7\" stroke=\"%s\" stroke-width=\"1.8\"/>\n",
			x - 3.5, y - 3.5, c);
		break;
	case XC_MK_TRIANGLE:
		fprintf(f, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.8\"/>\n",
			x, y - 6, x - 5.5, y + 4, x + 5.5, y + 4, c);
		break;
	case XC_MK_DIAMOND:
		fprintf(f, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.8\"/>\n",
			x, y - 5.5, x + 5.5, y, x, y + 5.5, x - 5.5, y, c);
		break;
	}
}

/* A legend entry at y: a mark, and a line through it when line. */
static void xc_sp_key(FILE *f, double y, const char *c, enum xc_sp_mark m,
		      bool line, const char *name)
{
	if (line)
		xc_plot_key(f, y, c, "", name);
	else
		xc_svg_label(f, XC_LEGEND_X + 29, y + 4, "start",
			     "font-size=\"11\"", name);
	xc_sp_mark(f, XC_LEGEND_X + 12, y, c, m);
}

/* A vertical bar from y0 to y1 with caps. */
static void xc_sp_bar(FILE *f, double x, double y0, double y1,
		      const char *c)
{
	fprintf(f, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh6M%.1f %.1fh6\" stroke=\"%s\" stroke-width=\"1.2\" fill=\"none\"/>\n",
		x, y0, y1, x - 3, y0, x - 3, y1, c);
}

/* "64", or "imix" and "(353.8 B)" when the label is not the size. */
static void xc_sp_size_name(const struct xc_search_size *z, char *name,
			    size_t nlen, char *bytes, size_t blen)
{
	char num[32];

	snprintf(name, nlen, "%.*s", (int)sizeof(z->label), z->label);
	snprintf(num, sizeof(num), "%g", z->frame_bytes);
	if (strcmp(name, num))
		snprintf(bytes, blen, "(%.4g B)", z->frame_bytes);
	else
		bytes[0] = '\0';
}

/* ------------------------------------------------ throughput panel */

static void xc_sp_axes1(const struct xc_splot *p)
{
	char buf[32], bytes[32];
	unsigned int i;
	double x;

	xc_plot_rate_axis(p->f, p->ymax, XC_SP_T1, XC_SP_B1);
	for (i = 0; i < p->n; i++) {
		x = xc_sp_x1(p, i);
		fprintf(p->f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>\n",
			x, XC_SP_B1, x, XC_SP_B1 + 4);
		xc_sp_size_name(&p->sz[i], buf, sizeof(buf), bytes,
				sizeof(bytes));
		xc_svg_label(p->f, x, XC_SP_B1 + 16, "middle", "", buf);
		xc_svg_label(p->f, x, XC_SP_B1 + 29, "middle",
			     "font-size=\"10\" fill=\"#555\"", bytes);
	}
	xc_svg_label(p->f, (XC_PLOT_L + XC_PLOT_R) / 2.0, XC_SP_B1 + 46,
		     "middle", "", "frame size (bytes, with FCS)");
	fprintf(p->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
		XC_PLOT_L, XC_SP_T1, XC_PLOT_COLS, XC_SP_B1 - XC_SP_T1);
}

static enum xc_sp_mark xc_sp_result_mark(const struct xc_search_result *r)
{
	if (r->tester_limited)
		return XC_MK_TRIANGLE;
	return r->done ? XC_MK_DOT : XC_MK_DIAMOND;
}

/* Goal k: its bars, the line through its results, their marks. */
static void xc_sp_goal_draw(const struct xc_splot *p, unsigned int k)
{
	const struct xc_sp_goal *g = &p->goal[k];
	const struct xc_search_result *r;
	double x;
	unsigned int i;

	fprintf(p->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
		g->colour);
	for (i = 0; i < p->n; i++)
		if ((r = xc_sp_result(p, p->sz[i].s, k)))
			fprintf(p->f, "%.1f,%.1f ", xc_sp_x1(p, i) +
				xc_sp_dx(p, k), xc_sp_y1(p, r->throughput));
	fputs("\"/>\n", p->f);
	for (i = 0; i < p->n; i++) {
		r = xc_sp_result(p, p->sz[i].s, k);
		if (!r)
			continue;
		x = xc_sp_x1(p, i) + xc_sp_dx(p, k);
		fputs("<g class=\"result\">\n", p->f);
		if (r->lower > 0 && r->upper > 0)
			xc_sp_bar(p->f, x, xc_sp_y1(p, r->lower),
				  xc_sp_y1(p, r->upper), g->colour);
		xc_sp_mark(p->f, x, xc_sp_y1(p, r->throughput), g->colour,
			   xc_sp_result_mark(r));
		fputs("</g>\n", p->f);
	}
}

static void xc_sp_legend1(const struct xc_splot *p)
{
	double y = XC_SP_T1 + 4;
	unsigned int k;

	for (k = 0; k < p->ngoal; k++, y += XC_SP_KEY)
		xc_sp_key(p->f, y, p->goal[k].colour, XC_MK_DOT, true,
			  p->goal[k].name);
	y += 4;
	xc_sp_bar(p->f, XC_LEGEND_X + 12, y - 6, y + 6, "#555");
	xc_svg_label(p->f, XC_LEGEND_X + 29, y + 4, "start",
		     "font-size=\"11\"", "lower to upper bound");
	if (p->limited) {
		y += XC_SP_KEY;
		xc_sp_key(p->f, y, "#555", XC_MK_TRIANGLE, false,
			  "limited by the tester");
	}
	if (p->undone) {
		y += XC_SP_KEY;
		xc_sp_key(p->f, y, "#555", XC_MK_DIAMOND, false,
			  "not done (trial limit)");
	}
}

/* Goal k's throughput at size i: in pps, or L1 Gb/s when gbps. */
static void xc_sp_cell(const struct xc_splot *p, unsigned int k,
		       unsigned int i, bool gbps, char *buf, size_t len)
{
	const struct xc_search_result *r = xc_sp_result(p, p->sz[i].s, k);
	char v[24];

	if (!r) {
		snprintf(buf, len, "-");
		return;
	}
	if (gbps)
		snprintf(v, sizeof(v), "%.4g",
			 xc_search_l1_gbps(p->sz[i].frame_bytes,
					   r->throughput));
	else
		xc_si(r->throughput, v, sizeof(v));
	snprintf(buf, len, "%s%s%s", r->tester_limited ? XC_SP_GE : "", v,
		 r->done ? "" : "?");
}

/* The results as figures under the panel: two rows a goal. */
static void xc_sp_table(const struct xc_splot *p)
{
	static const char *const unit[2] = { "frames/s", "L1 Gb/s" };
	char buf[128], attr[64];
	double y = XC_SP_TABLE;
	unsigned int k, i, u;

	for (k = 0; k < p->ngoal; k++) {
		snprintf(attr, sizeof(attr), "font-size=\"10\" fill=\"%s\"",
			 p->goal[k].colour);
		for (u = 0; u < 2; u++, y += XC_SP_ROW) {
			for (i = 0; i < p->n; i++) {
				xc_sp_cell(p, k, i, u, buf, sizeof(buf));
				xc_svg_label(p->f, xc_sp_x1(p, i), y,
					     "middle", attr, buf);
			}
			snprintf(buf, sizeof(buf), "%s, %s",
				 p->goal[k].name, unit[u]);
			xc_svg_label(p->f, XC_LEGEND_X, y, "start", attr, buf);
		}
	}
	snprintf(buf, sizeof(buf), "%s%s%s",
		 "L1 Gb/s = (frame bytes + 20) * 8 * frames/s",
		 p->limited ? "; " XC_SP_GE " limited by the tester" : "",
		 p->undone ? "; ? not done" : "");
	xc_svg_label(p->f, XC_PLOT_L, y + 4, "start",
		     "font-size=\"10\" fill=\"#555\"", buf);
}

static void xc_sp_panel1(const struct xc_splot *p)
{
	unsigned int k;

	xc_svg_label(p->f, XC_PLOT_L, XC_SP_T1 - 10, "start",
		     "font-size=\"13\" font-weight=\"bold\"",
		     "throughput against frame size");
	xc_sp_axes1(p);
	for (k = 0; k < p->ngoal; k++)
		xc_sp_goal_draw(p, k);
	xc_sp_legend1(p);
	xc_sp_table(p);
}

/* ------------------------------------------------------- loss panel */

/* A loss decade's label: "1", "0.1", "0.01", "1e-3" ... */
static void xc_sp_decade(int d, char *buf, size_t len)
{
	if (d >= -2)
		snprintf(buf, len, "%g", pow(10, d));
	else
		snprintf(buf, len, "1e%d", d);
}

static void xc_sp_yaxis2(const struct xc_splot *p)
{
	int z = p->b2 + XC_SP_GAP, d;
	char buf[16];
	double y;

	for (d = p->dec; d <= 0; d++) {
		y = xc_sp_y2(p, pow(10, d));
		fprintf(p->f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
			XC_PLOT_L, y, XC_PLOT_R, y);
		xc_sp_decade(d, buf, sizeof(buf));
		xc_svg_label(p->f, XC_PLOT_L - 6, y + 4, "end", "", buf);
	}
	xc_svg_label(p->f, XC_PLOT_L - 6, xc_sp_y2(p, 0) + 4, "end", "", "0");
	fprintf(p->f, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">path loss ratio (log; 0 below)</text>\n",
		(p->t2 + z + XC_SP_ZERO) / 2);
	fprintf(p->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
		XC_PLOT_L, p->t2, XC_PLOT_COLS, p->b2 - p->t2);
	fprintf(p->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
		XC_PLOT_L, z, XC_PLOT_COLS, XC_SP_ZERO);
}

/* Ticks at 1, 2 and 5 times each power of ten; labels on all over a
 * range of at most three decades, else on the powers only. */
static void xc_sp_xaxis2(const struct xc_splot *p)
{
	static const double m[3] = { 1, 2, 5 };
	int d, j, bottom = p->b2 + XC_SP_GAP + XC_SP_ZERO;
	double v, x;
	char buf[32];

	for (d = (int)floor(p->xlo); d <= (int)ceil(p->xhi); d++) {
		for (j = 0; j < 3; j++) {
			v = m[j] * pow(10, d);
			if (log10(v) < p->xlo - 1e-9 ||
			    log10(v) > p->xhi + 1e-9)
				continue;
			x = xc_sp_x2(p, v);
			fprintf(p->f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>\n",
				x, p->t2, x, bottom);
			if (j && p->xhi - p->xlo > 3)
				continue;
			xc_si(v, buf, sizeof(buf));
			xc_svg_label(p->f, x, bottom + 16, "middle", "", buf);
		}
	}
	xc_svg_label(p->f, (XC_PLOT_L + XC_PLOT_R) / 2.0, bottom + 32,
		     "middle", "", "offered load (frames per second, log)");
}

static void xc_sp_goal_lines(const struct xc_splot *p)
{
	unsigned int k;
	double y;

	for (k = 0; k < p->ngoal; k++) {
		y = xc_sp_y2(p, p->goal[k].loss_ratio);
		fprintf(p->f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"%s/>\n",
			XC_PLOT_L, y, XC_PLOT_R, y, p->goal[k].colour,
			XC_SP_DASH);
	}
}

/* Every trial of size i, in its colour. */
static void xc_sp_trials(const struct xc_splot *p, unsigned int i)
{
	const char *c = xc_plot_colour[i % XC_PLOT_COLOURS];
	const struct xc_search *s = p->sz[i].s;
	const struct xc_search_trial *t;
	double x, y;
	unsigned int k;

	for (k = 0; k < s->ntrials; k++) {
		t = &s->trials[k];
		x = xc_sp_x2(p, xc_sp_load(t));
		y = xc_sp_y2(p, xc_search_loss_ratio(t));
		fputs("<g class=\"trial\">\n", p->f);
		if (t->short_sender)
			xc_sp_mark(p->f, x, y, c, XC_MK_RING);
		else if (!t->tester_only)
			xc_sp_mark(p->f, x, y, c, XC_MK_DOT);
		if (t->tester_only)
			xc_sp_mark(p->f, x, y, c, XC_MK_CROSS);
		fputs("</g>\n", p->f);
	}
}

/* Sizes, kinds of trial and goals; the number of entries when f NULL. */
static unsigned int xc_sp_legend2(const struct xc_splot *p, FILE *f)
{
	char name[64], bytes[32], buf[160];
	double y = p->t2 + 4;
	unsigned int i, k, n;

	for (i = 0; i < p->n; i++, y += XC_SP_KEY) {
		xc_sp_size_name(&p->sz[i], name, sizeof(name), bytes,
				sizeof(bytes));
		snprintf(buf, sizeof(buf), "%s%s%s", name, bytes[0] ? " " : "",
			 bytes[0] ? bytes : " B");
		if (f)
			xc_plot_key(f, y, xc_plot_colour[i % XC_PLOT_COLOURS],
				    NULL, buf);
	}
	n = p->n + 1 + p->short_sender + p->tester_only + p->ngoal;
	if (!f)
		return n;
	xc_sp_key(f, y += 4, "#555", XC_MK_DOT, false, "trial");
	if (p->short_sender)
		xc_sp_key(f, y += XC_SP_KEY, "#555", XC_MK_RING, false,
			  "sender fell short");
	if (p->tester_only)
		xc_sp_key(f, y += XC_SP_KEY, "#555", XC_MK_CROSS, false,
			  "only the tester lost");
	for (k = 0; k < p->ngoal; k++) {
		snprintf(buf, sizeof(buf), "%s goal (%g)", p->goal[k].name,
			 p->goal[k].loss_ratio);
		xc_plot_key(f, y += XC_SP_KEY, p->goal[k].colour, XC_SP_DASH,
			    buf);
	}
	return n;
}

static void xc_sp_panel2(const struct xc_splot *p)
{
	unsigned int i;

	xc_svg_label(p->f, XC_PLOT_L, p->t2 - 10, "start",
		     "font-size=\"13\" font-weight=\"bold\"",
		     "loss against offered load");
	xc_sp_yaxis2(p);
	xc_sp_xaxis2(p);
	xc_sp_goal_lines(p);
	for (i = 0; i < p->n; i++)
		xc_sp_trials(p, i);
	xc_sp_legend2(p, p->f);
}

/* ------------------------------------------------------------ page */

/* Where the loss panel goes, under the figures; the page's height. */
static int xc_sp_layout(struct xc_splot *p)
{
	int legend = (int)xc_sp_legend2(p, NULL) * XC_SP_KEY + 10;
	int h = legend > XC_SP_H2 + XC_SP_GAP + XC_SP_ZERO ?
		legend - XC_SP_GAP - XC_SP_ZERO : XC_SP_H2;

	p->t2 = XC_SP_TABLE + (int)(2 * p->ngoal) * XC_SP_ROW + 44;
	p->b2 = p->t2 + h;
	return p->b2 + XC_SP_GAP + XC_SP_ZERO + 46;
}

static int xc_sp_check(const struct xc_search_size *sizes, unsigned int n,
		       FILE *f)
{
	unsigned int i;

	if (!sizes || !n || !f)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!sizes[i].s || !(sizes[i].frame_bytes > 0) ||
		    !isfinite(sizes[i].frame_bytes))
			return -EINVAL;
	return 0;
}

int xc_search_plot_svg(const struct xc_search_size *sizes, unsigned int n,
		       const char *title, FILE *f)
{
	struct xc_splot p = { .f = f, .sz = sizes, .n = n };
	int err, h;

	err = xc_sp_check(sizes, n, f);
	if (err)
		return err;
	err = xc_sp_goals(&p);
	if (err)
		return err;
	xc_sp_scan_results(&p);
	xc_sp_scan_trials(&p);
	h = xc_sp_layout(&p);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		XC_PLOT_W, h, XC_PLOT_W, h);
	fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n", f);
	xc_svg_label(f, XC_PLOT_L, 22, "start",
		     "font-size=\"16\" font-weight=\"bold\"",
		     title ? title : "");
	xc_sp_panel1(&p);
	xc_sp_panel2(&p);
	fputs("</svg>\n", f);
	free(p.goal);
	return ferror(f) ? -EIO : 0;
}
