// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * An xc_hist and its Histogram message, both ways (see xc_histpb.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "xc_histpb.h"
#include "xc_util.h"

int xc_hist_pb(const struct xc_hist *h, Xceiver__V1__Histogram **out)
{
	Xceiver__V1__Histogram *m;
	struct xc_hist_hdr hdr;
	size_t n = 0, i;
	int ret;

	for (i = 0; i < XC_HIST_BUCKETS; i++)
		n += h->counts[i] != 0;
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	xceiver__v1__histogram__init(m);
	*out = m;
	if (n) {
		m->bucket = calloc(n, sizeof(*m->bucket));
		m->bucket_count = calloc(n, sizeof(*m->bucket_count));
		if (!m->bucket || !m->bucket_count)
			return -ENOMEM;
	}
	ret = xc_hist_encode(h, &hdr, m->bucket, m->bucket_count, n);
	if (ret < 0)
		return ret;
	m->n_bucket = m->n_bucket_count = (size_t)ret;
	m->layout = hdr.layout;
	m->count = hdr.count;
	m->overflow = hdr.overflow;
	m->min_ns = hdr.min;
	m->max_ns = hdr.max;
	m->sum_lo = hdr.sum_lo;
	m->sum_hi = hdr.sum_hi;
	m->sumsq_lo = hdr.sumsq_lo;
	m->sumsq_hi = hdr.sumsq_hi;
	m->sumsq_overflow = hdr.sumsq_overflow;
	return 0;
}

void xc_hist_pb_free(Xceiver__V1__Histogram *m)
{
	if (!m)
		return;
	free(m->bucket);
	free(m->bucket_count);
	free(m);
}

int xc_hist_from_pb(struct xc_hist *h, const Xceiver__V1__Histogram *m,
		    char *err, size_t errlen)
{
	struct xc_hist_hdr hdr = {
		.layout = m->layout,
		.sumsq_overflow = m->sumsq_overflow,
		.count = m->count,
		.overflow = m->overflow,
		.min = m->min_ns,
		.max = m->max_ns,
		.sum_lo = m->sum_lo,
		.sum_hi = m->sum_hi,
		.sumsq_lo = m->sumsq_lo,
		.sumsq_hi = m->sumsq_hi,
	};

	if (m->n_bucket != m->n_bucket_count)
		return xc_errf(err, errlen, EINVAL,
			       "%zu buckets but %zu counts", m->n_bucket,
			       m->n_bucket_count);
	return xc_hist_decode(h, &hdr, m->bucket, m->bucket_count,
			      m->n_bucket, err, errlen);
}
