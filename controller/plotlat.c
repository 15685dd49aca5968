// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The latency panels of the picture (xc_plot.h), under the timeline:
 * latency over the run, per interval the mean (the receiver's sum over the
 * frames it timed) and the largest, with the loss episodes shaded; then
 * its distribution by percentile, HDR style: latency against p on a log
 * scale of 1 / (1 - p) (0%, 90%, 99%, 99.9%, ...), from the whole run's
 * histogram and per stream when there are few. Both panels share one log
 * scale of latency, from the run's least to its largest. A round-trip
 * run's figures are RTT; one-way figures on clocks that cannot be trusted
 * say so in red above the panels.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xc_plot.h"
#include "xc_tl.h"
#include "xc_util.h"

#define XC_LAT_LINE1	40		/* text lines under the heading */
#define XC_LAT_LINE_H	14
#define XC_LAT_HEAD_H	98		/* heading and four lines */
#define XC_LAT_OT_H	180		/* latency over time */
#define XC_LAT_OT_GAP	64		/* its time axis */
#define XC_LAT_DI_H	210		/* the distribution */
#define XC_LAT_DI_GAP	48		/* its percentile axis */
#define XC_LAT_MIN_DEC	2		/* decades of 1 / (1 - p) drawn */
#define XC_LAT_MAX_DEC	7
#define XC_LAT_TEXT	140		/* characters of a line of text */
#define XC_LAT_MEAN	"#1f77b4"
#define XC_LAT_MAX	"#ff7f0e"
#define XC_LAT_TOTAL	"#222222"

/* A log scale of latency over [top, bot] (y). */
struct xc_lscale {
	double lo, hi;			/* ns, powers of ten */
	int top, bot;
};

static bool xc_lat_hist_have(const struct xc_plot_lat *pl)
{
	return xc_plot_lat_have(pl) && xc_hist_count(&pl->lat->one_way);
}

bool xc_plot_lat_have(const struct xc_plot_lat *pl)
{
	return pl && pl->lat && pl->lat->have;
}

static bool xc_lat_ot_have(const struct xc_forensics *fx,
			   const struct xc_plot_lat *pl)
{
	return xc_lat_hist_have(pl) && fx && fx->have && fx->n &&
	       fx->iv_ns && pl->frames && pl->sum_ns && pl->max_ns;
}

int xc_plot_lat_height(const struct xc_forensics *fx,
		       const struct xc_plot_lat *pl)
{
	int h;

	if (!xc_plot_lat_have(pl))
		return 0;
	h = XC_LAT_HEAD_H;
	if (!xc_lat_hist_have(pl))
		return h;
	if (xc_lat_ot_have(fx, pl))
		h += XC_LAT_OT_H + XC_LAT_OT_GAP;
	return h + XC_LAT_DI_H + XC_LAT_DI_GAP;
}

/* ------------------------------------------------------------ scale */

static void xc_lscale_init(struct xc_lscale *s, const struct xc_hist *h)
{
	double lo = (double)XC_MAX(xc_hist_min(h), 1),
	       hi = (double)XC_MAX(xc_hist_max(h), 1);

	s->lo = pow(10, floor(log10(lo)));
	s->hi = pow(10, ceil(log10(hi)));
	if (s->hi < s->lo * 10)
		s->hi = s->lo * 10;
}

static double xc_ly(const struct xc_lscale *s, double ns)
{
	double f;

	if (!(ns > s->lo))
		return s->bot;
	f = log10(ns / s->lo) / log10(s->hi / s->lo);
	return s->bot - (f > 1 ? 1 : f) * (s->bot - s->top);
}

/* "1 us", "20 ms": a tick of the latency axis */
static void xc_lat_tick(double ns, char *buf, size_t len)
{
	if (ns < 1e3)
		snprintf(buf, len, "%g ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%g us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%g ms", ns / 1e6);
	else
		snprintf(buf, len, "%g s", ns / 1e9);
}

/* Decades labelled and ruled; 2 and 5 too, labelled when few decades. */
static void xc_lscale_axis(FILE *f, const struct xc_lscale *s,
			   const char *what)
{
	bool few = s->hi / s->lo <= 100;
	static const int m[] = { 1, 2, 5 };
	double d, v, y;
	char buf[32];
	size_t i;

	for (d = s->lo; d < s->hi * 1.001; d *= 10) {
		for (i = 0; i < XC_ARRAY_SIZE(m); i++) {
			v = d * m[i];
			if (v > s->hi * 1.001)
				break;
			y = xc_ly(s, v);
			fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n",
				XC_PLOT_L, y, XC_PLOT_R, y,
				i ? "#f0f0f0" : "#e0e0e0");
			if (i && !few)
				continue;
			xc_lat_tick(v, buf, sizeof(buf));
			xc_svg_label(f, XC_PLOT_L - 6, y + 4, "end", "", buf);
		}
	}
	fprintf(f, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">",
		(s->top + s->bot) / 2);
	xc_svg_text(f, what);
	fputs(" (log scale)</text>\n", f);
}

static void xc_lat_frame(FILE *f, int top, int bot)
{
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
		XC_PLOT_L, top, XC_PLOT_COLS, bot - top);
}

/* ------------------------------------------------------------ heading */

static const char *xc_lat_name(const struct xc_plot_lat *pl)
{
	return pl->round_trip ? "RTT" : "one-way latency";
}

/*
 * Text under the heading in at most lines lines of XC_LAT_TEXT characters,
 * broken at spaces, the last cut with "..."; returns the lines used.
 */
static int xc_lat_text(FILE *f, int y, const char *attr, const char *s,
		       int lines)
{
	char buf[XC_LAT_TEXT + 1];
	size_t len, cut;
	int i;

	for (i = 0; *s && i < lines; i++, s += cut) {
		while (*s == ' ')
			s++;
		len = strlen(s);
		cut = len;
		if (len > XC_LAT_TEXT && i + 1 < lines) {
			for (cut = XC_LAT_TEXT; cut > 0 && s[cut] != ' '; cut--)
				;
			cut = cut ? cut : XC_LAT_TEXT;
		}
		snprintf(buf, sizeof(buf), "%.*s", (int)cut, s);
		if (cut > XC_LAT_TEXT)
			strcpy(buf + XC_LAT_TEXT - 3, "...");
		xc_svg_label(f, XC_PLOT_L, y + i * XC_LAT_LINE_H, "start", attr,
			     buf);
	}
	return i;
}

static void xc_lat_heading(FILE *f, const struct xc_forensics *fx,
			   const struct xc_plot_lat *pl, int y0)
{
	const struct xc_latency *l = pl->lat;
	int y = y0 + XC_LAT_LINE1;
	char buf[sizeof(pl->why) + 64];

	xc_svg_label(f, XC_PLOT_L, y0 + 22, "start",
		     "font-size=\"14\" font-weight=\"bold\"",
		     pl->round_trip ? "round-trip time (RTT)" :
				      "one-way latency");
	snprintf(buf, sizeof(buf), "%llu frames timed, %s to %s (%s)",
		 (unsigned long long)xc_hist_count(&l->one_way), l->tx_stamp,
		 l->rx_stamp, pl->round_trip ?
		 "on the sender's clock: no clock error" : l->clock);
	if (l->negative)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 "; %llu below zero, not drawn",
			 (unsigned long long)l->negative);
	y += XC_LAT_LINE_H * xc_lat_text(f, y, "font-size=\"11\" fill=\"#555\"",
					  buf, 1);
	if (!pl->round_trip && !pl->trusted) {
		snprintf(buf, sizeof(buf),
			 "one-way figures are not trustworthy: %s", pl->why);
		y += XC_LAT_LINE_H *
		     xc_lat_text(f, y, "font-size=\"11\" font-weight=\"bold\" fill=\"#d62728\"",
				 buf, 2);
	}
	if (xc_lat_hist_have(pl) && !xc_lat_ot_have(fx, pl))
		xc_lat_text(f, y, "font-size=\"11\" fill=\"#555\"",
			    "no latency over time: the receiver's timeline has no latency per interval",
			    1);
	if (!xc_lat_hist_have(pl))
		xc_lat_text(f, y, "font-size=\"11\"",
			    "no frame timed at or above zero: nothing to draw",
			    1);
}

/* ------------------------------------------------------------ over time */

/* The column's frames, latency sum and largest over intervals [a, b). */
static void xc_lat_col(const struct xc_plot_lat *pl, uint32_t a, uint32_t b,
		       uint64_t *frames, double *sum, uint64_t *max)
{
	uint32_t k;

	*frames = 0;
	*sum = 0;
	*max = 0;
	for (k = a; k < b; k++) {
		*frames += pl->frames[k];
		*sum += (double)pl->sum_ns[k];
		*max = XC_MAX(*max, pl->max_ns[k]);
	}
}

/* Mean (or largest) per column; a column without frames breaks the line. */
static void xc_lat_ot_line(FILE *f, const struct xc_forensics *fx,
			   const struct xc_plot_lat *pl,
			   const struct xc_lscale *s, bool max,
			   const char *colour)
{
	uint32_t ncol = XC_MIN(fx->n, (uint32_t)XC_PLOT_COLS), c, a, b;
	bool pen = false;
	uint64_t frames, hi;
	double sum, v, x;

	fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" d=\"",
		colour, max ? "1" : "1.5");
	for (c = 0; c < ncol; c++) {
		a = (uint32_t)((uint64_t)c * fx->n / ncol);
		b = (uint32_t)((uint64_t)(c + 1) * fx->n / ncol);
		xc_lat_col(pl, a, b, &frames, &sum, &hi);
		if (!frames) {
			pen = false;
			continue;
		}
		v = max ? (double)hi : sum / (double)frames;
		x = fx->n == 1 ? XC_PLOT_L : xc_x_iv((a + b) / 2.0, fx->n);
		fprintf(f, "%c%.1f %.1f ", pen ? 'L' : 'M', x, xc_ly(s, v));
		if (fx->n == 1)
			fprintf(f, "L%d %.1f ", XC_PLOT_R, xc_ly(s, v));
		pen = true;
	}
	fputs("\"/>\n", f);
}

static void xc_lat_ot_legend(FILE *f, const struct xc_forensics *fx,
			     int top)
{
	double y = top + 4;

	xc_plot_key(f, y, XC_LAT_MEAN, "", "mean per interval");
	xc_plot_key(f, y + 15, XC_LAT_MAX, "", "largest per interval");
	if (fx->neps)
		xc_plot_key(f, y + 36, "#fcebcc", NULL, "loss episode");
}

static int xc_lat_over_time(FILE *f, const struct xc_forensics *fx,
			    const struct xc_plot_lat *pl,
			    struct xc_lscale *s, int top)
{
	char buf[160], iv[24];
	int err;

	s->top = top;
	s->bot = top + XC_LAT_OT_H;
	err = xc_plot_bands(f, fx, s->top, s->bot);
	if (err)
		return err;
	xc_lscale_axis(f, s, xc_lat_name(pl));
	xc_lat_frame(f, s->top, s->bot);
	xc_lat_ot_line(f, fx, pl, s, true, XC_LAT_MAX);
	xc_lat_ot_line(f, fx, pl, s, false, XC_LAT_MEAN);
	xc_dur(fx->iv_ns, iv, sizeof(iv));
	snprintf(buf, sizeof(buf), "%s over the run, per %s interval%s",
		 xc_lat_name(pl), iv, fx->n > XC_PLOT_COLS ?
		 " (a point: several intervals, their mean and largest)" : "");
	xc_svg_label(f, XC_PLOT_L + 4, s->top + 12, "start",
		     "font-size=\"10\" fill=\"#555\"", buf);
	xc_plot_time_axis(f, fx, s->bot);
	xc_lat_ot_legend(f, fx, s->top);
	return 0;
}

/* ------------------------------------------------------------ by percentile */

/* Decades of 1 / (1 - p) the distribution spans: about its count. */
static int xc_lat_decades(uint64_t count)
{
	int d = (int)ceil(log10((double)XC_MAX(count, 1)));

	return d < XC_LAT_MIN_DEC ? XC_LAT_MIN_DEC :
	       d > XC_LAT_MAX_DEC ? XC_LAT_MAX_DEC : d;
}

/* "99.9%": the percentile of decade d (1 / (1 - p) = 10^d) */
static void xc_lat_pct_label(int d, char *buf, size_t len)
{
	if (!d)
		snprintf(buf, len, "0%%");
	else
		snprintf(buf, len, "%.*f%%", d > 2 ? d - 2 : 0,
			 100 * (1 - pow(10, -d)));
}

static void xc_lat_pct_axis(FILE *f, int dec, int bot)
{
	char buf[24];
	double x;
	int d;

	for (d = 0; d <= dec; d++) {
		x = XC_PLOT_L + (double)XC_PLOT_COLS * d / dec;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>\n",
			x, bot - XC_LAT_DI_H, x, bot);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>\n",
			x, bot, x, bot + 4);
		xc_lat_pct_label(d, buf, sizeof(buf));
		xc_svg_label(f, x, bot + 16, "middle", "", buf);
	}
	xc_svg_label(f, (XC_PLOT_L + XC_PLOT_R) / 2.0, bot + 32, "middle", "",
		     "percentile (log scale of 1 / (1 - p))");
}

/* One histogram's percentiles along x, as steps. */
static void xc_lat_curve(FILE *f, const struct xc_hist *h,
			 const struct xc_lscale *s, int dec,
			 const char *colour, const char *width)
{
	double y = 0, yp = 0, x;
	uint64_t v = 0, prev = 0;
	int i;

	fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" d=\"",
		colour, width);
	for (i = 0; i <= XC_PLOT_COLS; i++) {
		xc_hist_percentile(h, 100 * (1 - pow(10, -dec * (double)i /
						     XC_PLOT_COLS)), &v);
		x = XC_PLOT_L + i;
		y = xc_ly(s, (double)v);
		if (!i)
			fprintf(f, "M%.1f %.1f", x, y);
		else if (v != prev)
			fprintf(f, " L%.1f %.1f L%.1f %.1f", x, yp, x, y);
		prev = v;
		yp = y;
	}
	fprintf(f, " L%d %.1f\"/>\n", XC_PLOT_R, y);
}

/* The streams drawn on their own: 2 to XC_PLOT_COLOURS - 1 of them. */
static uint32_t xc_lat_streams(const struct xc_latency *l)
{
	uint32_t i, n = 0;

	for (i = 0; i < l->nstreams; i++)
		n += l->streams[i].one_way &&
		     xc_hist_count(l->streams[i].one_way);
	return n >= 2 && n < XC_PLOT_COLOURS ? n : 0;
}

static const double xc_lat_marks[] = { 50, 90, 99, 99.9, 99.99 };

/* The legend: the lines, then the run's figures. */
static void xc_lat_di_legend(FILE *f, const struct xc_plot_lat *pl,
			     int top)
{
	const struct xc_latency *l = pl->lat;
	const struct xc_hist *h = &l->one_way;
	double y = top + 4;
	char buf[48], v[32];
	uint32_t i, c = 0;
	uint64_t ns;

	xc_plot_key(f, y, XC_LAT_TOTAL, "", "all frames");
	for (i = 0; xc_lat_streams(l) && i < l->nstreams; i++) {
		if (!l->streams[i].one_way ||
		    !xc_hist_count(l->streams[i].one_way))
			continue;
		snprintf(buf, sizeof(buf), "stream %u", l->streams[i].id);
		y += 15;
		xc_plot_key(f, y, xc_plot_colour[c++], "", buf);
	}
	y += 24;
	xc_dur(xc_hist_min(h), v, sizeof(v));
	snprintf(buf, sizeof(buf), "min %s", v);
	xc_svg_label(f, XC_LEGEND_X, y, "start", "font-size=\"11\"", buf);
	for (i = 0; i < XC_ARRAY_SIZE(xc_lat_marks); i++) {
		y += 14;
		if (xc_hist_percentile(h, xc_lat_marks[i], &ns))
			snprintf(v, sizeof(v), "above the range");
		else
			xc_dur(ns, v, sizeof(v));
		snprintf(buf, sizeof(buf), "p%g %s", xc_lat_marks[i], v);
		xc_svg_label(f, XC_LEGEND_X, y, "start", "font-size=\"11\"",
			     buf);
	}
	xc_dur(xc_hist_max(h), v, sizeof(v));
	snprintf(buf, sizeof(buf), "max %s", v);
	xc_svg_label(f, XC_LEGEND_X, y + 14, "start", "font-size=\"11\"", buf);
}

static void xc_lat_by_pct(FILE *f, const struct xc_plot_lat *pl,
			  struct xc_lscale *s, int top)
{
	const struct xc_latency *l = pl->lat;
	int dec = xc_lat_decades(xc_hist_count(&l->one_way));
	char buf[96];
	uint32_t i, c = 0;

	s->top = top;
	s->bot = top + XC_LAT_DI_H;
	xc_lscale_axis(f, s, xc_lat_name(pl));
	xc_lat_pct_axis(f, dec, s->bot);
	xc_lat_frame(f, s->top, s->bot);
	for (i = 0; xc_lat_streams(l) && i < l->nstreams; i++)
		if (l->streams[i].one_way &&
		    xc_hist_count(l->streams[i].one_way))
			xc_lat_curve(f, l->streams[i].one_way, s, dec,
				     xc_plot_colour[c++], "1.2");
	xc_lat_curve(f, &l->one_way, s, dec, XC_LAT_TOTAL, "2");
	snprintf(buf, sizeof(buf), "%s by percentile: p of the frames took at most this long",
		 xc_lat_name(pl));
	xc_svg_label(f, XC_PLOT_L + 4, s->top + 12, "start",
		     "font-size=\"10\" fill=\"#555\"", buf);
	xc_lat_di_legend(f, pl, s->top);
}

void xc_plot_lat_draw(FILE *f, const struct xc_forensics *fx,
		      const struct xc_plot_lat *pl, int y0)
{
	struct xc_lscale s;
	int top = y0 + XC_LAT_HEAD_H;

	if (!xc_plot_lat_have(pl))
		return;
	fprintf(f, "<line x1=\"16\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#bbb\"/>\n",
		y0 + 4, XC_PLOT_W - 16, y0 + 4);
	xc_lat_heading(f, fx, pl, y0);
	if (!xc_lat_hist_have(pl))
		return;
	xc_lscale_init(&s, &pl->lat->one_way);
	if (xc_lat_ot_have(fx, pl)) {
		if (xc_lat_over_time(f, fx, pl, &s, top))
			fputs("<!-- no memory for the loss episodes -->\n", f);
		top += XC_LAT_OT_H + XC_LAT_OT_GAP;
	}
	xc_lat_by_pct(f, pl, &s, top);
}

/* ------------------------------------------------------------ gathering */

static const Xceiver__V1__Series *
xc_plot_find(const Xceiver__V1__Timeline *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_counters; i++)
		if (!strcmp(t->counters[i]->name, name))
			return t->counters[i];
	return NULL;
}

/* The first timeline with all three latency series, on fx's grid. */
static int xc_plot_lat_series(struct xc_plot_lat *pl, const struct xc_view *v)
{
	const Xceiver__V1__Series *n, *sum, *max;
	const Xceiver__V1__Timeline *t;
	const Xceiver__V1__Report *r;
	size_t len = v->fx->n;
	int s;

	for (s = XC_RX; s >= XC_TX; s--) {
		r = xc_view_report(v, s);
		t = r ? r->timeline : NULL;
		if (!t)
			continue;
		n = xc_plot_find(t, XC_TL_LAT_FRAMES);
		sum = xc_plot_find(t, XC_TL_LAT_SUM);
		max = xc_plot_find(t, XC_TL_LAT_MAX);
		if (!n || !sum || !max)
			continue;
		pl->frames = calloc(len, sizeof(*pl->frames));
		pl->sum_ns = calloc(len, sizeof(*pl->sum_ns));
		pl->max_ns = calloc(len, sizeof(*pl->max_ns));
		if (!pl->frames || !pl->sum_ns || !pl->max_ns)
			return -ENOMEM;
		xc_fx_regrid_series(v->fx, t, n, pl->frames);
		xc_fx_regrid_series(v->fx, t, sum, pl->sum_ns);
		xc_fx_regrid_series(v->fx, t, max, pl->max_ns);
		return 0;
	}
	return 0;
}

int xc_plot_lat_build(struct xc_plot_lat *pl, const struct xc_view *v)
{
	struct xc_clock_trust t;

	memset(pl, 0, sizeof(*pl));
	if (!v->lat || !v->lat->have)
		return 0;
	pl->lat = v->lat;
	pl->round_trip = v->lat->round_trip;
	xc_latency_trust(v->lat, &v->res->clock, &t);
	pl->trusted = t.trusted;
	snprintf(pl->why, sizeof(pl->why), "%s", t.why);
	if (!v->fx || !v->fx->have || !v->fx->n)
		return 0;
	return xc_plot_lat_series(pl, v);
}

void xc_plot_lat_free(struct xc_plot_lat *pl)
{
	free(pl->frames);
	free(pl->sum_ns);
	free(pl->max_ns);
	memset(pl, 0, sizeof(*pl));
}

int xc_plot_run_svg(const struct xc_view *v, const char *title, FILE *f)
{
	struct xc_plot_lat pl;
	int ret;

	if (!v || !v->fx)
		return -EINVAL;
	ret = xc_plot_lat_build(&pl, v);
	if (!ret)
		ret = xc_plot_svg_lat(v->fx, &pl, title, f);
	xc_plot_lat_free(&pl);
	return ret;
}
