// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The picture of a throughput search (controller/search_plot.c): searches
 * run against a simulated path at three frame sizes (one of them limited
 * by a tester slower than the path), drawn; the SVG must be well-formed
 * XML to libxml2, hold every size, every goal, every trial and result,
 * and name the tester's limit, short senders and the tester's own loss
 * exactly when a search had them. XC_PLOT_OUT=DIR keeps the pictures.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>

#include "xc_plot.h"
#include "xc_search.h"
#include "xc_search_plot.h"
#include "xc_unit.h"

#define NSIZES 3
#define MIN_LOAD 10000.0

/* A path that forwards up to rate, a tester that sends at most cap. */
struct sim {
	double rate;
	double cap;		/* 0: none */
	double own_from;	/* the tester loses 50 frames itself above */
};

static void sim_trial(const struct sim *p, struct xc_search_trial *t)
{
	double off = p->cap && t->load > p->cap ? p->cap : t->load;

	t->offered = t->achieved = off;
	t->sent = (uint64_t)(off * t->duration);
	t->lost = t->sent - (uint64_t)(fmin(off, p->rate) * t->duration);
	if (!t->lost && p->own_from && off >= p->own_from) {
		t->lost = 50;
		t->tester_only = true;
	}
}

static void run(struct xc_search *s, const struct sim *p)
{
	struct xc_search_trial t;

	for (;;) {
		memset(&t, 0, sizeof(t));
		if (xc_search_next(s, &t.load, &t.duration) == 1)
			break;
		sim_trial(p, &t);
		assert_int_equal(xc_search_add(s, &t), 0);
	}
}

/* 10 Gb/s of frames of b bytes: the top of each size's range. */
static double line_rate(double b)
{
	return floor(10e9 / ((b + 20) * 8));
}

static void search(struct xc_search *s, enum xc_search_algo algo,
		   double bytes, const struct sim *p, unsigned int max_trials)
{
	struct xc_search_cfg c;
	char err[128] = "";
	unsigned int i;

	xc_search_defaults(&c, algo);
	c.min_load = MIN_LOAD;
	c.max_load = line_rate(bytes);
	c.max_trials = max_trials;
	c.duration = 1;
	for (i = 0; i < c.ngoals; i++) {
		c.goals[i].final_duration = 1;
		c.goals[i].duration_sum = 1;
	}
	assert_int_equal(xc_search_init(s, &c, err, sizeof(err)), 0);
	run(s, p);
}

/* The three sizes: 64 limited by the tester, 512 and IMIX by the path. */
static const struct {
	const char *label;
	double bytes;
	struct sim sim;
} SIZES[NSIZES] = {
	{ "64", 64, { .rate = 8e6, .cap = 5e6, .own_from = 4e6 } },
	{ "512", 512, { .rate = 2.2e6 } },
	{ "imix", 353.83, { .rate = 3e6 } },
};

#define MAX_SIZES 8

struct fixture {
	struct xc_search s[MAX_SIZES];
	struct xc_search_size z[MAX_SIZES];
	unsigned int n;
};

static void fixture_add(struct fixture *x, enum xc_search_algo algo,
			unsigned int max_trials, const char *label,
			double bytes, const struct sim *p)
{
	unsigned int i = x->n++;

	assert_true(i < MAX_SIZES);
	search(&x->s[i], algo, bytes, p, max_trials);
	snprintf(x->z[i].label, sizeof(x->z[i].label), "%s", label);
	x->z[i].frame_bytes = bytes;
	x->z[i].s = &x->s[i];
}

static void fixture_run(struct fixture *x, enum xc_search_algo algo,
			unsigned int max_trials, bool capped)
{
	struct sim p;
	unsigned int i;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < NSIZES; i++) {
		p = SIZES[i].sim;
		if (!capped)
			p.cap = p.own_from = 0;
		fixture_add(x, algo, max_trials, SIZES[i].label,
			    SIZES[i].bytes, &p);
	}
}

static void fixture_free(struct fixture *x)
{
	unsigned int i;

	for (i = 0; i < x->n; i++)
		xc_search_free(&x->s[i]);
}

static unsigned int count(const char *svg, const char *s)
{
	unsigned int n = 0;

	for (; (svg = strstr(svg, s)); svg += strlen(s))
		n++;
	return n;
}

/* The picture, well-formed XML with an <svg> root, numbers only. */
static char *draw(const struct fixture *x, const char *name)
{
	char *svg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&svg, &len);
	xmlDocPtr doc;

	assert_non_null(f);
	assert_int_equal(xc_search_plot_svg(x->z, x->n,
					    "search <&> \"x\"", f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(xc_t_keep_svg(name, svg, len), 0);
	doc = xmlReadMemory(svg, (int)len, "search.svg", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR);
	if (!doc)
		fail_msg("%s: the SVG is not well-formed XML", name);
	assert_string_equal((const char *)xmlDocGetRootElement(doc)->name,
			    "svg");
	xmlFreeDoc(doc);
	xc_t_lacks(svg, "nan");
	xc_t_lacks(svg, "inf");
	xc_t_has(svg, "search &lt;&amp;&gt; &quot;x&quot;");
	return svg;
}

/* Every trial drawn, every result of every size drawn. */
static void all_drawn(const struct fixture *x, const char *svg)
{
	unsigned int i, trials = 0, results = 0;

	for (i = 0; i < x->n; i++) {
		trials += x->s[i].ntrials;
		results += x->s[i].nres;
	}
	assert_int_equal(count(svg, "<g class=\"trial\">"), trials);
	assert_int_equal(count(svg, "<g class=\"result\">"), results);
}

/* The three sizes of SIZES, on the axis and in the legend. */
static void three_sizes(const struct fixture *x, const char *svg)
{
	all_drawn(x, svg);
	xc_t_has(svg, ">64</text>");
	xc_t_has(svg, ">512</text>");
	xc_t_has(svg, ">imix</text>");
	xc_t_has(svg, ">(353.8 B)</text>");
	xc_t_has(svg, ">imix (353.8 B)</text>");
}

#define RING "r=\"3.5\" fill=\"white\""
#define CROSS "l7 7m0 -7l-7 7"

/* The trials whose sender fell short (short), or only the tester lost. */
static unsigned int trials(const struct fixture *x, bool short_sender)
{
	const struct xc_search_trial *t;
	unsigned int i, k, n = 0;

	for (i = 0; i < x->n; i++) {
		for (k = 0; k < x->s[i].ntrials; k++) {
			t = &x->s[i].trials[k];
			n += short_sender ? t->short_sender : t->tester_only;
		}
	}
	return n;
}

/* The figure of result r in frames/s, as a cell under the panel. */
static void has_figure(const char *svg, const struct xc_search_result *r,
		       const char *prefix)
{
	char v[32], cell[64];

	xc_si(r->throughput, v, sizeof(v));
	snprintf(cell, sizeof(cell), ">%s%s%s</text>", prefix, v,
		 r->done ? "" : "?");
	xc_t_has(svg, cell);
}

static void test_mlr(void **state)
{
	struct fixture x;
	char *svg;

	(void)state;
	fixture_run(&x, XC_SEARCH_MLR, 0, true);
	assert_true(x.s[0].res[0].tester_limited);
	assert_false(x.s[1].res[0].tester_limited);
	assert_true(x.s[1].res[0].upper > 0 && x.s[1].res[1].upper > 0);
	svg = draw(&x, "search-mlr");
	three_sizes(&x, svg);
	xc_t_has(svg, ">NDR</text>");
	xc_t_has(svg, ">PDR 0.5%</text>");
	xc_t_has(svg, ">NDR goal (0)</text>");
	xc_t_has(svg, ">PDR 0.5% goal (0.005)</text>");
	xc_t_has(svg, ">limited by the tester</text>");
	xc_t_has(svg, ">sender fell short</text>");
	xc_t_has(svg, ">only the tester lost</text>");
	xc_t_lacks(svg, ">throughput</text>");
	/* each kind of trial its mark, one more in the legend */
	assert_int_equal(count(svg, RING), trials(&x, true) + 1);
	assert_int_equal(count(svg, CROSS), trials(&x, false) + 1);
	xc_t_lacks(svg, "not done");
	has_figure(svg, &x.s[0].res[0], "\xe2\x89\xa5");
	has_figure(svg, &x.s[1].res[0], "");
	has_figure(svg, &x.s[2].res[1], "");
	free(svg);
	fixture_free(&x);
}

/* No tester limit, short sender or tester's loss: none in the legend. */
static void test_2544_path_only(void **state)
{
	struct fixture x;
	char *svg;

	(void)state;
	fixture_run(&x, XC_SEARCH_RFC2544, 0, false);
	svg = draw(&x, "search-2544");
	three_sizes(&x, svg);
	xc_t_has(svg, ">throughput</text>");
	xc_t_has(svg, ">throughput goal (0)</text>");
	xc_t_lacks(svg, ">NDR");
	xc_t_lacks(svg, "limited by the tester");
	xc_t_lacks(svg, "sender fell short");
	xc_t_lacks(svg, "only the tester lost");
	xc_t_lacks(svg, "not done");
	has_figure(svg, &x.s[1].res[0], "");
	free(svg);
	fixture_free(&x);
}

/* A search stopped by its trial limit says so. */
static void test_out_of_trials(void **state)
{
	struct fixture x;
	char *svg;

	(void)state;
	fixture_run(&x, XC_SEARCH_MLR, 4, false);
	assert_true(x.s[1].out_of_trials);
	assert_false(x.s[1].res[0].done);
	svg = draw(&x, "search-undone");
	three_sizes(&x, svg);
	xc_t_has(svg, ">not done (trial limit)</text>");
	has_figure(svg, &x.s[1].res[0], "");
	free(svg);
	fixture_free(&x);
}

/* RFC 2544's seven sizes and IMIX, the path at 90% of 10 Gb/s. */
static void test_eight_sizes(void **state)
{
	static const double bytes[] = { 64, 128, 256, 512, 1024, 1280, 1518,
					353.83 };
	struct fixture x = { .n = 0 };
	struct sim p = { .rate = 0 };
	char label[32], cell[64];
	unsigned int i;
	char *svg;

	(void)state;
	for (i = 0; i < MAX_SIZES; i++) {
		snprintf(label, sizeof(label), i < 7 ? "%g" : "imix",
			 bytes[i]);
		p.rate = 0.9 * line_rate(bytes[i]);
		fixture_add(&x, XC_SEARCH_MLR, 0, label, bytes[i], &p);
	}
	svg = draw(&x, "search-eight");
	all_drawn(&x, svg);
	for (i = 0; i < MAX_SIZES; i++) {
		snprintf(cell, sizeof(cell), ">%s</text>", x.z[i].label);
		xc_t_has(svg, cell);
		has_figure(svg, &x.s[i].res[0], "");
		has_figure(svg, &x.s[i].res[1], "");
	}
	free(svg);
	fixture_free(&x);
}

static void test_bad_args(void **state)
{
	struct fixture x;

	(void)state;
	fixture_run(&x, XC_SEARCH_RFC2544, 0, false);
	assert_int_equal(xc_search_plot_svg(NULL, 1, "t", stdout), -EINVAL);
	assert_int_equal(xc_search_plot_svg(x.z, 0, "t", stdout), -EINVAL);
	assert_int_equal(xc_search_plot_svg(x.z, NSIZES, "t", NULL),
			 -EINVAL);
	x.z[1].frame_bytes = 0;
	assert_int_equal(xc_search_plot_svg(x.z, NSIZES, "t", stdout),
			 -EINVAL);
	x.z[1].frame_bytes = 512;
	x.z[2].s = NULL;
	assert_int_equal(xc_search_plot_svg(x.z, NSIZES, "t", stdout),
			 -EINVAL);
	fixture_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mlr),
		cmocka_unit_test(test_2544_path_only),
		cmocka_unit_test(test_out_of_trials),
		cmocka_unit_test(test_eight_sizes),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
