// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The plot's latency panels as a unit: a timeline, histograms and
 * per-interval latency made up by hand in, the SVG out. Checked: the
 * panels appear only with latency (without, the picture is byte for byte
 * the timeline's alone), their axes and units, the curves (a single value
 * is a flat line, an interval without frames breaks the line over time),
 * streams drawn apart only when few, the untrusted clocks said in red, a
 * round trip labelled RTT, a run without timeline or without latency per
 * interval, and every case well-formed XML to xmllint (skipped when it is
 * not installed). XC_PLOT_OUT=DIR keeps each SVG in DIR to look at.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_plot.h"
#include "xc_unit.h"

#define IV	10000000ull		/* 10 ms */
#define NIV	200			/* 2 s */
#define US	1000ull

/* A timeline of two steady streams, their latency and its intervals. */
struct tl {
	struct xc_forensics fx;
	struct xc_fx_stream st[2];
	uint64_t rate[NIV], none[NIV];
	struct xc_latency lat;
	struct xc_lat_stream ls[16];
	struct xc_hist sh[16];
	struct xc_plot_lat pl;
	uint64_t frames[NIV], sum[NIV], max[NIV];
};

static void tl_fx(struct tl *t)
{
	uint32_t k, s;

	t->fx.have = true;
	t->fx.n = NIV;
	t->fx.iv_ns = IV;
	t->fx.req_iv_ns = IV;
	for (k = 0; k < NIV; k++)
		t->rate[k] = 1000;
	for (s = 0; s < 2; s++) {
		t->st[s].id = s + 1;
		t->st[s].sent = t->st[s].recv = t->rate;
		t->st[s].missing = t->none;
	}
	t->fx.streams = t->st;
	t->fx.nstreams = 2;
	t->fx.sent = t->fx.recv = t->rate;
	t->fx.missing = t->none;
}

/*
 * nstreams streams; stream s's frames take 20 us + s us, one in a
 * fifty 300 us and one in ten thousand 2 ms. Per interval 1000 frames,
 * of which the largest is 2 ms in every tenth interval, 300 us else; no
 * frame in intervals 50..59.
 */
static void tl_init(struct tl *t, uint32_t nstreams)
{
	struct xc_hist *h;
	uint32_t s, i, k;
	uint64_t v;

	memset(t, 0, sizeof(*t));
	tl_fx(t);
	t->lat.have = true;
	t->lat.sides = 1;
	t->lat.per_stream = true;
	xc_hist_init(&t->lat.one_way);
	t->lat.streams = t->ls;
	t->lat.nstreams = nstreams;
	snprintf(t->lat.clock, sizeof(t->lat.clock), "CLOCK_TAI");
	snprintf(t->lat.tx_stamp, sizeof(t->lat.tx_stamp), "tx ring");
	snprintf(t->lat.rx_stamp, sizeof(t->lat.rx_stamp), "rx ring");
	for (s = 0; s < nstreams; s++) {
		h = &t->sh[s];
		xc_hist_init(h);
		t->ls[s].id = s + 1;
		t->ls[s].have = true;
		t->ls[s].one_way = h;
		for (i = 0; i < 10000; i++) {
			v = i % 10000 == 9999 ? 2000 * US :
			    i % 50 == 49 ? 300 * US : (20 + s) * US;
			xc_hist_record(h, v);
			xc_hist_record(&t->lat.one_way, v);
		}
	}
	for (k = 0; k < NIV; k++) {
		if (k >= 50 && k < 60)
			continue;
		t->frames[k] = 1000;
		t->sum[k] = 1000 * 23 * US;
		t->max[k] = k % 10 ? 300 * US : 2000 * US;
	}
	t->pl.lat = &t->lat;
	t->pl.trusted = true;
	t->pl.frames = t->frames;
	t->pl.sum_ns = t->sum;
	t->pl.max_ns = t->max;
}

static void xml_ok(const char *svg, size_t len, const char *name)
{
	FILE *p;

	if (system("command -v xmllint >/dev/null 2>&1"))
		return;
	p = popen("xmllint --noout -", "w");
	assert_non_null(p);
	assert_int_equal(fwrite(svg, 1, len, p), len);
	if (pclose(p))
		fail_msg("xmllint: %s is not well-formed", name);
}

/* The SVG (kept as name.svg in XC_PLOT_OUT), checked by xmllint. */
static char *plot(const struct xc_forensics *fx, const struct xc_plot_lat *pl,
		  const char *name, size_t *lenp)
{
	char *svg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&svg, &len);

	assert_non_null(f);
	assert_int_equal(xc_plot_svg_lat(fx, pl, "latency & <co>", f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(xc_t_keep_svg(name, svg, len), 0);
	xml_ok(svg, len, name);
	if (lenp)
		*lenp = len;
	return svg;
}

static size_t count(const char *svg, const char *s)
{
	size_t n = 0;

	while ((svg = strstr(svg, s))) {
		n++;
		svg += strlen(s);
	}
	return n;
}

/* The d="..." of the first path that starts with head; 'M's and 'L's. */
static void path_of(const char *svg, const char *head, size_t *nm,
		    size_t *nl)
{
	const char *p = strstr(svg, head), *q;

	if (!p)
		fail_msg("no path %s", head);
	p += strlen(head);
	*nm = *nl = 0;
	for (q = p; *q && *q != '"'; q++) {
		*nm += *q == 'M';
		*nl += *q == 'L';
	}
}

#define PATH(colour, width) \
	"<path fill=\"none\" stroke=\"" colour "\" stroke-width=\"" width "\" d=\""
#define MEAN_PATH	PATH("#1f77b4", "1.5")
#define MAX_PATH	PATH("#ff7f0e", "1")
#define TOTAL_PATH	PATH("#222222", "2")

static void test_panels(void **state)
{
	struct tl *t = calloc(1, sizeof(*t));
	size_t nm, nl;
	char *svg;

	(void)state;
	assert_non_null(t);
	tl_init(t, 2);
	svg = plot(&t->fx, &t->pl, "lat-two", NULL);
	xc_t_lacks(svg, "height=\"640\"");
	xc_t_has(svg, ">one-way latency<");
	xc_t_has(svg, ">20000 frames timed, tx ring to rx ring (CLOCK_TAI)<");
	xc_t_lacks(svg, "not trustworthy");
	/* over time: both lines, broken where no frame came */
	xc_t_has(svg, ">one-way latency over the run, per 10 ms interval<");
	xc_t_has(svg, ">mean per interval<");
	xc_t_has(svg, ">largest per interval<");
	path_of(svg, MEAN_PATH, &nm, &nl);
	assert_int_equal(nm, 2);
	assert_int_equal(nl, NIV - 10 - 2);
	path_of(svg, MAX_PATH, &nm, &nl);
	assert_int_equal(nm, 2);
	assert_int_equal(count(svg, "run time (s)"), 2);
	/* by percentile: 10^4 frames a stream, 4 decades of 1 / (1 - p) */
	xc_t_has(svg, ">one-way latency by percentile: p of the frames took at most this long<");
	xc_t_has(svg, ">percentile (log scale of 1 / (1 - p))<");
	xc_t_has(svg, ">0%<");
	xc_t_has(svg, ">90%<");
	xc_t_has(svg, ">99%<");
	xc_t_has(svg, ">99.9%<");
	xc_t_has(svg, ">99.99%<");
	xc_t_has(svg, ">99.999%<");		/* 2 * 10^4 frames in all: 5 */
	xc_t_lacks(svg, ">99.9999%<");
	xc_t_has(svg, ">one-way latency (log scale)<");
	xc_t_has(svg, ">10 us<");
	xc_t_has(svg, ">100 us<");
	xc_t_has(svg, ">1 ms<");
	xc_t_has(svg, ">10 ms<");
	/* the whole run and each stream, with the run's figures */
	xc_t_has(svg, ">all frames<");
	xc_t_has(svg, ">stream 1<");
	xc_t_has(svg, ">stream 2<");
	/* a percentile is its bucket's highest value (xc_hist.h) */
	xc_t_has(svg, ">min 20 us<");
	xc_t_has(svg, ">p50 21.12 us<");
	xc_t_has(svg, ">p99 301.1 us<");
	xc_t_has(svg, ">max 2 ms<");
	assert_int_equal(count(svg, "<path fill=\"none\" stroke=\"#"), 5);
	free(svg);
	free(t);
}

/* One value: a flat line; one stream: no curve of its own. */
static void test_flat(void **state)
{
	struct tl *t = calloc(1, sizeof(*t));
	size_t nm, nl;
	char *svg;
	int i;

	(void)state;
	assert_non_null(t);
	tl_init(t, 1);
	xc_hist_init(&t->lat.one_way);
	for (i = 0; i < 500; i++)
		xc_hist_record(&t->lat.one_way, 20 * US);
	svg = plot(&t->fx, &t->pl, "lat-flat", NULL);
	path_of(svg, TOTAL_PATH, &nm, &nl);
	assert_int_equal(nm, 1);
	assert_int_equal(nl, 1);
	xc_t_lacks(svg, ">stream 1<");
	xc_t_has(svg, ">99%<");
	xc_t_has(svg, ">99.9%<");
	xc_t_lacks(svg, ">99.99%<");
	/* one decade 10 us..100 us: 20 and 50 labelled too */
	xc_t_has(svg, ">20 us<");
	xc_t_has(svg, ">50 us<");
	free(svg);
	free(t);
}

/* Streams drawn apart only when few. */
static void test_many_streams(void **state)
{
	struct tl *t = calloc(1, sizeof(*t));
	char *svg;

	(void)state;
	assert_non_null(t);
	tl_init(t, XC_PLOT_COLOURS);
	svg = plot(&t->fx, &t->pl, "lat-many", NULL);
	xc_t_lacks(svg, ">stream 1<");
	xc_t_has(svg, ">all frames<");
	assert_int_equal(count(svg, "<path fill=\"none\" stroke=\"#"), 3);
	free(svg);
	free(t);
}

static void test_untrusted(void **state)
{
	struct tl *t = calloc(1, sizeof(*t));
	char *svg;

	(void)state;
	assert_non_null(t);
	tl_init(t, 2);
	t->pl.trusted = false;
	snprintf(t->pl.why, sizeof(t->pl.why),
		 "the tx agent's clock is not synchronised & <x>");
	svg = plot(&t->fx, &t->pl, "lat-untrusted", NULL);
	xc_t_has(svg, "fill=\"#d62728\">one-way figures are not trustworthy: the tx agent&apos;s clock is not synchronised &amp; &lt;x&gt;<");
	free(svg);
	/* a long reason goes over two lines broken at a space, the rest cut */
	snprintf(t->pl.why, sizeof(t->pl.why), "%s",
		 "the offset between the agents' clocks is unknown (an agent did not answer ClockProbe); "
		 "the tx agent's clock is not synchronised (adjtimex: STA_UNSYNC or TIME_ERROR); "
		 "the rx agent's clock is not synchronised (adjtimex: STA_UNSYNC or TIME_ERROR); "
		 "the clocks' offset is known within 50.000 us, more than the figure of 21.120 us");
	svg = plot(&t->fx, &t->pl, "lat-untrusted-long", NULL);
	xc_t_has(svg, ">one-way figures are not trustworthy: the offset between the agents&apos; clocks is unknown (an agent did not answer ClockProbe); the tx agent&apos;s<");
	xc_t_has(svg, ">clock is not synchronised (adjtimex: STA_UNSYNC or TIME_ERROR); the rx agent&apos;s clock is not synchronised (adjtimex: STA_UNSYNC or TIME_ER...<");
	free(svg);
	free(t);
}

/* A round trip: RTT on one clock, whatever the clocks' word. */
static void test_round_trip(void **state)
{
	struct tl *t = calloc(1, sizeof(*t));
	char *svg;

	(void)state;
	assert_non_null(t);
	tl_init(t, 2);
	t->pl.round_trip = true;
	t->pl.trusted = false;
	svg = plot(&t->fx, &t->pl, "lat-rtt", NULL);
	xc_t_has(svg, ">round-trip time (RTT)<");
	xc_t_has(svg, "(on the sender&apos;s clock: no clock error)<");
	xc_t_has(svg, ">RTT over the run, per 10 ms interval<");
	xc_t_has(svg, ">RTT by percentile:");
	xc_t_has(svg, ">RTT (log scale)<");
	xc_t_lacks(svg, "one-way");
	xc_t_lacks(svg, "trustworthy");
	free(svg);
	free(t);
}

/* Without latency the picture is the timeline's alone, byte for byte. */
static void test_no_latency(void **state)
{
	struct tl *t = calloc(1, sizeof(*t));
	char *a, *b, *c = NULL;
	size_t la, lb, lc = 0;
	FILE *f;

	(void)state;
	assert_non_null(t);
	tl_init(t, 2);
	t->lat.have = false;
	a = plot(&t->fx, &t->pl, "lat-none", &la);
	b = plot(&t->fx, NULL, "lat-null", &lb);
	f = open_memstream(&c, &lc);
	assert_non_null(f);
	assert_int_equal(xc_plot_svg(&t->fx, "latency & <co>", f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(la, lc);
	assert_int_equal(lb, lc);
	assert_memory_equal(a, c, lc);
	assert_memory_equal(b, c, lc);
	xc_t_has(a, "height=\"640\"");
	xc_t_lacks(a, "latency<");
	free(a);
	free(b);
	free(c);
	free(t);
}

/* No latency per interval, or no timeline: the distribution still. */
static void test_no_series(void **state)
{
	struct tl *t = calloc(1, sizeof(*t));
	char *svg;

	(void)state;
	assert_non_null(t);
	tl_init(t, 2);
	t->pl.frames = NULL;
	svg = plot(&t->fx, &t->pl, "lat-no-series", NULL);
	xc_t_has(svg, ">no latency over time: the receiver&apos;s timeline has no latency per interval<");
	xc_t_lacks(svg, ">mean per interval<");
	xc_t_has(svg, ">one-way latency by percentile:");
	free(svg);
	t->fx.have = false;
	snprintf(t->fx.why_not, sizeof(t->fx.why_not),
		 "an agent sent no timeline");
	t->pl.frames = t->frames;
	svg = plot(&t->fx, &t->pl, "lat-no-timeline", NULL);
	xc_t_has(svg, "no timeline: an agent sent no timeline");
	xc_t_lacks(svg, ">mean per interval<");
	xc_t_has(svg, ">one-way latency by percentile:");
	xc_t_lacks(svg, "height=\"80\"");
	free(svg);
	free(t);
}

/* Every frame below zero: said, nothing drawn. */
static void test_nothing_timed(void **state)
{
	struct tl *t = calloc(1, sizeof(*t));
	char *svg;

	(void)state;
	assert_non_null(t);
	tl_init(t, 2);
	xc_hist_init(&t->lat.one_way);
	t->lat.negative = 20000;
	svg = plot(&t->fx, &t->pl, "lat-nothing", NULL);
	xc_t_has(svg, ">0 frames timed, tx ring to rx ring (CLOCK_TAI); 20000 below zero, not drawn<");
	xc_t_has(svg, ">no frame timed at or above zero: nothing to draw<");
	xc_t_lacks(svg, "by percentile");
	free(svg);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_panels),
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_many_streams),
		cmocka_unit_test(test_untrusted),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_no_latency),
		cmocka_unit_test(test_no_series),
		cmocka_unit_test(test_nothing_timed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
