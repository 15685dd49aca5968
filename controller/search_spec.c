// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A search trial's load put on the spec: the load shared among the
 * streams as the spec's own rates share it (equally when a stream has
 * none), each stream running the trial's duration.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "xc_search.h"
#include "xc_spec.h"

int xc_search_shares(const Xceiver__V1__TestSpec *s, double **share)
{
	double sum = 0, pps;
	size_t i;

	*share = NULL;
	if (!s->n_streams)
		return -EINVAL;
	*share = calloc(s->n_streams, sizeof(**share));
	if (!*share)
		return -ENOMEM;
	for (i = 0; i < s->n_streams; i++) {
		pps = xc_spec_stream_pps(s->streams[i]);
		if (!(pps > 0)) {
			sum = 0;
			break;
		}
		(*share)[i] = pps;
		sum += pps;
	}
	for (i = 0; i < s->n_streams; i++)
		(*share)[i] = sum > 0 ? (*share)[i] / sum :
			      1.0 / (double)s->n_streams;
	return 0;
}

int xc_search_apply(Xceiver__V1__TestSpec *s, const double *share,
		    double pps, double duration)
{
	Xceiver__V1__Stream *st;
	size_t i;

	for (i = 0; i < s->n_streams; i++) {
		st = s->streams[i];
		st->rate_pps = (uint64_t)fmax(1, round(pps * share[i]));
		st->rate_bps = 0;
		st->rate_l1 = false;
		st->count = 0;
		st->duration_ms = (uint64_t)fmax(1, round(duration * 1000));
	}
	return xc_spec_resolve_counts(s);
}

int xc_search_apply_burst(Xceiver__V1__TestSpec *s, const double *share,
			  double frames)
{
	uint64_t left = (uint64_t)frames, n;
	Xceiver__V1__Stream *st;
	size_t i;

	for (i = 0; i < s->n_streams; i++) {
		st = s->streams[i];
		st->rate_pps = 0;
		st->rate_bps = 0;
		st->rate_l1 = false;
		st->duration_ms = 0;
		n = (uint64_t)floor(frames * share[i]);
		st->count = n < left ? n : left;
		left -= st->count;
	}
	/* what the shares' rounding left over, a frame to each in turn */
	for (i = 0; left; i = (i + 1) % s->n_streams, left--)
		s->streams[i]->count++;
	for (i = 0; i < s->n_streams; i++)
		if (!s->streams[i]->count)
			s->streams[i]->count = 1;
	return xc_spec_resolve_counts(s);
}
