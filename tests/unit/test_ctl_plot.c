// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The forensics plot as a unit: forensics made up by hand in, the SVG out,
 * checked for its words (legend, episodes, the run's split), for its size
 * on the largest grid, and as XML by xmllint (skipped when it is not
 * installed: deploy/deps.sh installs it). XC_PLOT_OUT=DIR keeps each SVG
 * in DIR to look at.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_forensics.h"
#include "xc_unit.h"

#define IV_10MS 10000000ull
/* the file for 4096 streams over 8192 intervals stays under this */
#define BIG_SVG_MAX (1u << 20)
/* points on one line: two per pixel column of the plot at most */
#define LINE_POINTS_MAX 2000

/* Forensics whose streams share npat patterns: stream s has s % npat. */
struct tfx {
	struct xc_forensics fx;
	uint64_t *buf;
	uint32_t npat;
};

/* Pattern p's sent, received or missing frames; p == -1: the totals. */
static uint64_t *pat(struct tfx *t, int p, int which)
{
	return t->buf + ((size_t)3 * (p + 1) + which) * t->fx.n;
}

static void tfx_init(struct tfx *t, uint32_t n, uint64_t iv_ns,
		     uint32_t nstreams, uint32_t npat, uint32_t neps)
{
	uint32_t s;

	memset(t, 0, sizeof(*t));
	t->fx.have = true;
	t->fx.n = n;
	t->fx.iv_ns = iv_ns;
	t->npat = npat;
	t->buf = calloc((size_t)3 * (npat + 1) * n, sizeof(uint64_t));
	t->fx.streams = calloc(nstreams, sizeof(*t->fx.streams));
	t->fx.eps = calloc(neps ? neps : 1, sizeof(*t->fx.eps));
	assert_non_null(t->buf);
	assert_non_null(t->fx.streams);
	assert_non_null(t->fx.eps);
	t->fx.nstreams = nstreams;
	t->fx.neps = neps;
	t->fx.sent = pat(t, -1, 0);
	t->fx.recv = pat(t, -1, 1);
	t->fx.missing = pat(t, -1, 2);
	for (s = 0; s < nstreams; s++) {
		t->fx.streams[s].id = s + 1;
		t->fx.streams[s].sent = pat(t, s % npat, 0);
		t->fx.streams[s].recv = pat(t, s % npat, 1);
		t->fx.streams[s].missing = pat(t, s % npat, 2);
	}
}

/* Pattern p sends rate frames an interval and receives them all. */
static void tfx_steady(struct tfx *t, uint32_t p, uint64_t rate)
{
	uint32_t k;

	for (k = 0; k < t->fx.n; k++) {
		pat(t, p, 0)[k] = rate;
		pat(t, p, 1)[k] = rate;
	}
}

/* Pattern p loses lost frames an interval in [first, last]. */
static void tfx_hole(struct tfx *t, uint32_t p, uint32_t first,
		     uint32_t last, uint64_t lost)
{
	uint32_t k;

	for (k = first; k <= last; k++) {
		pat(t, p, 1)[k] -= lost;
		pat(t, p, 2)[k] += lost;
	}
}

/* The totals over the streams, and the run's missing frames. */
static void tfx_totals(struct tfx *t)
{
	uint32_t s, k, w;

	for (s = 0; s < t->fx.nstreams; s++)
		for (k = 0; k < t->fx.n; k++) {
			t->fx.sent[k] += t->fx.streams[s].sent[k];
			t->fx.recv[k] += t->fx.streams[s].recv[k];
			t->fx.missing[k] += t->fx.streams[s].missing[k];
		}
	for (k = 0; k < t->fx.n; k++)
		t->fx.missing_total += t->fx.missing[k];
	for (s = 0; s < t->fx.neps; s++)
		for (w = 0; w < XC_FX_NWHERE; w++)
			t->fx.by[w] += t->fx.eps[s].by[w];
}

static struct xc_fx_episode *tfx_ep(struct tfx *t, uint32_t e,
				    uint32_t first, uint32_t last,
				    uint32_t stream_id)
{
	struct xc_fx_episode *ep = &t->fx.eps[e];

	ep->first = first;
	ep->last = last;
	ep->start_ns = first * t->fx.iv_ns;
	ep->dur_ns = (last + 1 - first) * t->fx.iv_ns;
	ep->nstreams = 1;
	ep->stream_id = stream_id;
	return ep;
}

static void tfx_free(struct tfx *t)
{
	free(t->buf);
	free(t->fx.streams);
	free(t->fx.eps);
}

/* The SVG of fx, kept in XC_PLOT_OUT as name.svg when that is set. */
static char *plot(const struct xc_forensics *fx, const char *title,
		  const char *name, size_t *lenp)
{
	char *svg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&svg, &len);

	assert_non_null(f);
	assert_int_equal(xc_plot_svg(fx, title, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(xc_t_keep_svg(name, svg, len), 0);
	if (lenp)
		*lenp = len;
	return svg;
}

/* Numbers only where numbers go. */
static void sane(const char *svg)
{
	xc_t_has(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	xc_t_has(svg, "</svg>\n");
	xc_t_lacks(svg, "nan");
	xc_t_lacks(svg, "inf");
}

/* The most points any one line has. */
static size_t max_points(const char *svg)
{
	const char *s = svg, *q;
	size_t most = 0, n;

	while ((s = strstr(s, "points=\""))) {
		s += strlen("points=\"");
		for (n = 0, q = s; *q && *q != '"'; q++)
			n += *q == ' ';
		most = n > most ? n : most;
		s = q;
	}
	return most;
}

/* One stream (id 3), 25 intervals of 1000 lost in its socket. */
static void case_hole(struct tfx *t)
{
	struct xc_fx_episode *ep;

	tfx_init(t, 150, IV_10MS, 1, 1, 1);
	t->fx.streams[0].id = 3;
	tfx_steady(t, 0, 1000);
	tfx_hole(t, 0, 80, 104, 1000);
	ep = tfx_ep(t, 0, 80, 104, 3);
	ep->lost = ep->by[XC_FX_RX_XSK] = 25000;
	strcpy(ep->why[XC_FX_RX_XSK], "rx_fill_ring_empty_descs");
	tfx_totals(t);
}

/* Twelve streams (ids 1..12, stream s sends 1000 s), 3 episodes. */
static void case_twelve(struct tfx *t)
{
	struct xc_fx_episode *ep;
	uint32_t s;

	tfx_init(t, 500, IV_10MS, 12, 12, 3);
	for (s = 0; s < 12; s++)
		tfx_steady(t, s, 1000 * (s + 1));
	tfx_hole(t, 11, 100, 109, 12000);
	tfx_hole(t, 10, 100, 109, 11000);
	ep = tfx_ep(t, 0, 100, 109, 11);
	ep->nstreams = 2;
	ep->lost = 230000;
	ep->by[XC_FX_RX_XSK] = 200000;
	ep->by[XC_FX_BETWEEN] = 30000;
	strcpy(ep->why[XC_FX_RX_XSK], "rx_fill_ring_empty_descs");
	tfx_hole(t, 0, 250, 252, 500);
	ep = tfx_ep(t, 1, 250, 252, 1);
	ep->lost = ep->by[XC_FX_TX] = 1500;
	strcpy(ep->why[XC_FX_TX], "tx_dropped");
	tfx_hole(t, 4, 400, 449, 2500);
	ep = tfx_ep(t, 2, 400, 449, 5);
	ep->lost = ep->by[XC_FX_RX_HOST] = 125000;
	strcpy(ep->why[XC_FX_RX_HOST], "rx_missed_errors");
	tfx_totals(t);
	t->fx.missing_total += 7;
	t->fx.unplaced = 7;
	t->fx.by[XC_FX_UNATTRIBUTED] += 7;
}

static void case_none(struct tfx *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->fx.why_not,
	       "the receiver's report has no timeline & <none>");
}

/* One interval of 5 frames. */
static void case_one_iv(struct tfx *t)
{
	tfx_init(t, 1, IV_10MS, 1, 1, 0);
	tfx_steady(t, 0, 5);
	tfx_totals(t);
}

/* Two streams that send nothing. */
static void case_zero(struct tfx *t)
{
	tfx_init(t, 64, IV_10MS, 2, 2, 0);
	tfx_totals(t);
}

/* More frames an interval than a double holds exactly, one interval lost. */
static void case_huge(struct tfx *t)
{
	tfx_init(t, 64, 1000000, 1, 1, 0);
	tfx_steady(t, 0, UINT64_MAX / 4);
	tfx_hole(t, 0, 3, 3, UINT64_MAX / 4);
	tfx_totals(t);
}

/* 4096 streams over 8192 intervals, an episode every 8 intervals. */
static void case_big(struct tfx *t)
{
	struct xc_fx_episode *ep;
	uint32_t s, e;

	tfx_init(t, 8192, 1000000, 4096, 16, 1024);
	for (s = 0; s < 16; s++)
		tfx_steady(t, s, 10 * (s + 1));
	for (e = 0; e < 1024; e++) {
		tfx_hole(t, e % 16, 8 * e, 8 * e + 1, 5);
		ep = tfx_ep(t, e, 8 * e, 8 * e + 1, e % 16 + 1);
		ep->nstreams = 256;
		ep->lost = ep->by[XC_FX_BETWEEN] = 256 * 10 + e % 7;
	}
	tfx_totals(t);
}

static void test_one_stream_hole(void **state)
{
	struct tfx t;
	char *svg;

	case_hole(&t);
	svg = plot(&t.fx, "hole <1> & \"2\"\a: FAIL", "hole", NULL);
	sane(svg);
	xc_t_has(svg, "hole &lt;1&gt; &amp; &quot;2&quot;?: FAIL");
	xc_t_has(svg, ">stream 3 sent<");
	xc_t_has(svg, ">stream 3 received<");
	xc_t_lacks(svg, " others");
	xc_t_has(svg, "150 intervals of 10 ms, 1 stream; sent dashed, received solid<");
	xc_t_has(svg, ">#1<");
	xc_t_has(svg, "#1 25000 lost at 800 ms for 250 ms, stream 3: receiver socket 25000 (rx_fill_ring_empty_descs)<");
	xc_t_has(svg, "whole run: 25000 missing: receiver socket 25000; 0 of them not placed in time");
	xc_t_has(svg, "run time (ms)");
	xc_t_has(svg, ">100k<");	/* 1000 frames in 10 ms */
	xc_t_lacks(svg, "more episodes");
	free(svg);
	tfx_free(&t);
}

/* The seven busiest drawn, the rest summed. */
static void test_twelve_streams(void **state)
{
	struct tfx t;
	char name[32];
	char *svg;
	int s;

	case_twelve(&t);
	svg = plot(&t.fx, "twelve: FAIL", "twelve", NULL);
	sane(svg);
	for (s = 12; s >= 6; s--) {
		snprintf(name, sizeof(name), ">stream %d sent<", s);
		xc_t_has(svg, name);
		snprintf(name, sizeof(name), ">stream %d received<", s);
		xc_t_has(svg, name);
	}
	xc_t_lacks(svg, ">stream 5 sent<");
	xc_t_has(svg, ">5 others sent<");
	xc_t_has(svg, ">5 others received<");
	xc_t_has(svg, "500 intervals of 10 ms, 12 streams (the 7 busiest drawn, 5 others summed)");
	xc_t_has(svg, ">#1<");
	xc_t_has(svg, ">#2<");
	xc_t_has(svg, ">#3<");
	xc_t_has(svg, "#1 230000 lost at 1 s for 100 ms, 2 streams: receiver socket 200000 (rx_fill_ring_empty_descs), between the hosts 30000<");
	xc_t_has(svg, "#2 1500 lost at 2.5 s for 30 ms, stream 1: sending host 1500 (tx_dropped)<");
	xc_t_has(svg, "#3 125000 lost at 4 s for 500 ms, stream 5: receiving host 125000 (rx_missed_errors)<");
	xc_t_has(svg, "whole run: 356507 missing: receiver socket 200000, receiving host 125000, between the hosts 30000; 7 of them not placed in time");
	xc_t_has(svg, "run time (s)");
	xc_t_has(svg, "stroke-dasharray");
	free(svg);
	tfx_free(&t);
}

static void test_no_timeline(void **state)
{
	struct tfx t;
	char *svg;

	case_none(&t);
	svg = plot(&t.fx, "no timeline", "none", NULL);
	sane(svg);
	xc_t_has(svg, "no timeline: the receiver&apos;s report has no timeline &amp; &lt;none&gt;");
	xc_t_lacks(svg, "polyline");
	free(svg);
}

/* One interval: a level line across the plot. */
static void test_one_interval(void **state)
{
	struct tfx t;
	char *svg;

	case_one_iv(&t);
	svg = plot(&t.fx, "one interval", "one-interval", NULL);
	sane(svg);
	xc_t_has(svg, "points=\"70.0,");
	xc_t_has(svg, " 812.0,");
	xc_t_has(svg, "whole run: no frame missing");
	xc_t_lacks(svg, "loss episodes");
	free(svg);
	tfx_free(&t);
}

static void test_zero_and_huge(void **state)
{
	struct tfx t;
	char *svg;

	case_zero(&t);
	svg = plot(&t.fx, "zero", "zero", NULL);
	sane(svg);
	xc_t_has(svg, ">stream 1 sent<");
	free(svg);
	tfx_free(&t);

	case_huge(&t);
	svg = plot(&t.fx, "huge", "huge", NULL);
	sane(svg);
	xc_t_has(svg, "Z<");		/* 4.6e21 frames/s */
	free(svg);
	tfx_free(&t);
}

static void test_big_bounded(void **state)
{
	struct tfx t;
	size_t len;
	char *svg;

	case_big(&t);
	svg = plot(&t.fx, "big", "big", &len);
	sane(svg);
	if (len >= BIG_SVG_MAX)
		fail_msg("%zu bytes for 4096 streams, 8192 intervals", len);
	assert_in_range(max_points(svg), 2, LINE_POINTS_MAX);
	xc_t_has(svg, ">4089 others sent<");
	xc_t_has(svg, "1014 more episodes, not numbered");
	xc_t_has(svg, "; the least and most of each 11 intervals drawn;");
	xc_t_has(svg, "loss episodes: 1024, the largest:");
	/* the largest lose 2566 (e % 7 == 6): the first ten of them */
	xc_t_has(svg, "#70 2566 lost");
	xc_t_lacks(svg, "#77 2566 lost");
	free(svg);
	tfx_free(&t);
}

/* Every case above is well-formed XML to xmllint. */
static void test_xml(void **state)
{
	static void (*const cases[])(struct tfx *) = {
		case_hole, case_twelve, case_none, case_one_iv, case_zero,
		case_huge, case_big,
	};
	struct tfx t;
	size_t i, len;
	char *svg;
	FILE *p;

	if (system("command -v xmllint >/dev/null 2>&1"))
		skip();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cases[i](&t);
		svg = plot(&t.fx, "<xml> & \"text\"\x01", "xml", &len);
		p = popen("xmllint --noout -", "w");
		assert_non_null(p);
		assert_int_equal(fwrite(svg, 1, len, p), len);
		if (pclose(p))
			fail_msg("xmllint: case %zu is not well-formed", i);
		free(svg);
		tfx_free(&t);
	}
}

static void test_bad_args(void **state)
{
	struct xc_forensics fx = { .have = false };

	assert_int_equal(xc_plot_svg(NULL, "t", stdout), -EINVAL);
	assert_int_equal(xc_plot_svg(&fx, "t", NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_stream_hole),
		cmocka_unit_test(test_twelve_streams),
		cmocka_unit_test(test_no_timeline),
		cmocka_unit_test(test_one_interval),
		cmocka_unit_test(test_zero_and_huge),
		cmocka_unit_test(test_big_bounded),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
