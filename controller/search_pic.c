// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xceiver search --plot: the sizes' searches handed to the search's
 * picture (search_plot.c), written whole.
 */
#include <errno.h>
#include <stdlib.h>

#include "xc_results.h"
#include "xc_search_cmd.h"
#include "xc_search_plot.h"

static int xc_search_pic_fill(FILE *f, void *arg)
{
	const struct xc_search_all *a = arg;
	struct xc_search_size *sizes;
	char title[300];
	unsigned int i, n = 0;
	int ret;

	sizes = calloc(a->n ? a->n : 1, sizeof(*sizes));
	if (!sizes)
		return -ENOMEM;
	for (i = 0; i < a->n; i++) {
		if (!a->sz[i].s.ntrials)
			continue;
		snprintf(sizes[n].label, sizeof(sizes[n].label), "%s",
			 a->sz[i].label);
		sizes[n].frame_bytes = a->sz[i].frame_bytes;
		sizes[n++].s = &a->sz[i].s;
	}
	snprintf(title, sizeof(title), "search: %s", a->name);
	ret = xc_search_plot_svg(sizes, n, title, f);
	free(sizes);
	return ret;
}

int xc_search_plot_write(const char *path, const struct xc_search_all *a,
			 char *err, size_t errlen)
{
	return xc_outfile_write(path, xc_search_pic_fill, (void *)a, err,
				errlen);
}
