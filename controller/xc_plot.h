/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The picture of a run, one SVG: the drop forensics' timeline (plot.c,
 * xc_plot_svg in xc_forensics.h) and, when the run has latency, under it
 * the latency over time and its distribution by percentile (plotlat.c).
 * Both write SVG as text with the helpers below; nothing here judges.
 */
#ifndef XC_CTL_PLOT_H
#define XC_CTL_PLOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xc_forensics.h"
#include "xc_judge.h"
#include "xc_latency.h"

/* The page and the plot areas' left and right edges (x). */
#define XC_PLOT_W	1000
#define XC_PLOT_H	640		/* the timeline part */
#define XC_PLOT_L	70
#define XC_PLOT_R	812
#define XC_PLOT_COLS	(XC_PLOT_R - XC_PLOT_L)
#define XC_LEGEND_X	(XC_PLOT_R + 10)
#define XC_PLOT_NONE_H	80		/* the page of a run without timeline */
#define XC_PLOT_COLOURS	8		/* streams drawn, or 7 and the rest */

extern const char *const xc_plot_colour[XC_PLOT_COLOURS];

/*
 * What the latency panels draw. The per-interval series are on the
 * forensics grid (fx->n values each), from the receiving side's timeline
 * (XC_TL_LAT_* in xc_tl.h).
 */
struct xc_plot_lat {
	const struct xc_latency *lat;	/* NULL or !have: no panels */
	bool round_trip;		/* RTT on one clock, not one-way */
	bool trusted;			/* the clocks' word (xc_clock_trust) */
	char why[512];			/* why not */
	uint64_t *frames;		/* NULL: no such series */
	uint64_t *sum_ns;
	uint64_t *max_ns;
};

/* Gather them from a judged run; 0 or -ENOMEM (xc_plot_lat_free it). */
int xc_plot_lat_build(struct xc_plot_lat *pl, const struct xc_view *v);
void xc_plot_lat_free(struct xc_plot_lat *pl);

/*
 * The picture with the latency panels under the timeline when pl has
 * latency (pl may be NULL: xc_plot_svg). 0 or a negative errno.
 */
int xc_plot_svg_lat(const struct xc_forensics *fx,
		    const struct xc_plot_lat *pl, const char *title, FILE *f);

/* A judged run's picture (v->fx, v->lat): the two above. */
int xc_plot_run_svg(const struct xc_view *v, const char *title, FILE *f);

/* ------------------------------------ between plot.c and plotlat.c */

/* Whether pl has latency to draw. */
bool xc_plot_lat_have(const struct xc_plot_lat *pl);
/* The height of the latency panels. */
int xc_plot_lat_height(const struct xc_forensics *fx,
		       const struct xc_plot_lat *pl);
/* Draw them from y0 down. */
void xc_plot_lat_draw(FILE *f, const struct xc_forensics *fx,
		      const struct xc_plot_lat *pl, int y0);

/* text, escaped for XML */
void xc_svg_text(FILE *f, const char *s);
/* <text> at x, y; anchor "start", "middle" or "end"; extra attributes */
void xc_svg_label(FILE *f, double x, double y, const char *anchor,
		  const char *attr, const char *s);
/* 1500000 as "1.5M" */
void xc_si(double v, char *buf, size_t len);
/* a duration: "250 ms", "1.25 s" */
void xc_dur(uint64_t ns, char *buf, size_t len);
/* A tick step of 1, 2 or 5 times a power of ten: about want ticks. */
double xc_nice_step(double span, int want);
/* The x of interval iv of n (the timeline's scale). */
double xc_x_iv(double iv, uint32_t n);
/*
 * A y axis of frames per second from 0 (at bottom) to ymax (at top):
 * grid lines at nice steps, their labels, the axis title.
 */
void xc_plot_rate_axis(FILE *f, double ymax, int top, int bottom);
/* The run time axis under a plot area whose bottom is y. */
void xc_plot_time_axis(FILE *f, const struct xc_forensics *fx, int y);
/* The loss episodes shaded over [y0, y1]; 0 or -ENOMEM. */
int xc_plot_bands(FILE *f, const struct xc_forensics *fx, int y0, int y1);
/* A legend entry at y: a line (dashed or not) or, dash NULL, a box. */
void xc_plot_key(FILE *f, double y, const char *colour, const char *dash,
		 const char *name);

#endif /* XC_CTL_PLOT_H */
