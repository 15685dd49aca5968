/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The picture of a throughput search, one SVG (search_plot.c): above, the
 * throughput of each goal against frame size, with each result's bounds;
 * below, every trial's path loss ratio against its offered load, with the
 * goals' loss ratios. It draws what the searches decided and judges
 * nothing.
 */
#ifndef XC_SEARCH_PLOT_H
#define XC_SEARCH_PLOT_H

#include <stdio.h>

#include "xc_search.h"

/* One frame size's finished search, as the command ran it. */
struct xc_search_size {
	char label[32];		/* "64", "512", "imix" */
	double frame_bytes;	/* mean frame size with FCS: the x axis */
	const struct xc_search *s;
};

/*
 * The search's picture, one SVG: 0 or a negative errno (-EINVAL: no
 * sizes, a size without a search or with a frame size not above 0; -EIO:
 * writing f failed; -ENOMEM).
 */
int xc_search_plot_svg(const struct xc_search_size *sizes, unsigned int n,
		       const char *title, FILE *f);

#endif /* XC_SEARCH_PLOT_H */
