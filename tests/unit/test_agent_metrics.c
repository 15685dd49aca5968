// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agent's metrics (agent/xc_metrics.c): the exposition text of a
 * state in both formats, the counters of ended and live runs added, label
 * escaping, the limit on rows, the rates, and the --metrics address.
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

#include "xc_metrics.h"

static char *render(const struct xc_mstate *st, bool om)
{
	size_t len;
	char *text;

	assert_int_equal(xc_metrics_render(st, om, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	return text;
}

/* The text has line (whole) in it. */
static void has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	print_error("no line \"%s\" in:\n%s", line, text);
	fail();
}

/*
 * Every sample follows the TYPE of its family (a counter's sample adds
 * _total in OpenMetrics), each family once; OpenMetrics ends with # EOF.
 */
static void check_families(const char *text, bool om)
{
	char fam[128] = "", type[16] = "", name[128], seen[4096] = " ";
	const char *line, *end;
	size_t n;

	for (line = text; *line; line = end + 1) {
		end = strchr(line, '\n');
		assert_non_null(end);
		if (!strncmp(line, "# EOF", 5)) {
			assert_true(om);
			assert_string_equal(end + 1, "");
			return;
		}
		if (sscanf(line, "# TYPE %127s %15s", fam, type) == 2) {
			snprintf(name, sizeof(name), " %s ", fam);
			assert_null(strstr(seen, name));
			strncat(seen, name + 1, sizeof(seen) - strlen(seen) - 1);
			continue;
		}
		if (*line == '#')
			continue;
		n = strcspn(line, "{ ");
		snprintf(name, sizeof(name), "%.*s", (int)n, line);
		if (om && !strcmp(type, "counter"))
			strncat(fam, "_total", sizeof(fam) - strlen(fam) - 1);
		assert_string_equal(name, fam);
		if (om && !strcmp(type, "counter"))
			fam[strlen(fam) - 6] = '\0';
	}
	assert_false(om);
}

static void test_empty(void **state)
{
	struct xc_mstate st = { 0 };
	char *om = render(&st, true), *prom = render(&st, false);

	check_families(om, true);
	check_families(prom, false);
	has_line(om, "# TYPE xceiver_runs_started counter");
	has_line(om, "xceiver_runs_started_total 0");
	has_line(om, "# TYPE xceiver_frames_sent counter");
	has_line(om, "# UNIT xceiver_start_time_seconds seconds");
	has_line(om, "# EOF");
	has_line(prom, "# TYPE xceiver_runs_started_total counter");
	has_line(prom, "xceiver_runs_started_total 0");
	assert_null(strstr(prom, "# EOF"));
	assert_null(strstr(prom, "# UNIT"));
	free(om);
	free(prom);
}

static void test_counters(void **state)
{
	Xceiver__V1__RxStreamReport rx = XCEIVER__V1__RX_STREAM_REPORT__INIT;
	Xceiver__V1__XskStats xsk = XCEIVER__V1__XSK_STATS__INIT;
	Xceiver__V1__Report rep = XCEIVER__V1__REPORT__INIT;
	Xceiver__V1__RxStreamReport *rxs[] = { &rx, &rx };
	Xceiver__V1__XskStats *xsks[] = { &xsk };
	struct xc_mstate st = { .runs_started = 3, .runs_reported = 2,
				.runs_abandoned = 1, .runs_active = 1 };
	struct xc_mrow *r;
	char *om;

	r = xc_mstate_row(&st, "veth0", 1);
	assert_non_null(r);
	r->done[XC_M_TX] = 10;
	r->live[XC_M_TX] = 5;
	assert_ptr_equal(xc_mstate_row(&st, "veth0", 1), r);
	xsk.rx_ring_full = 7;
	xc_mrow_xsk(r->done, &xsk);
	xc_mrow_xsk(r->live, &xsk);
	rx.missing = 3;
	rx.late = 1;
	rep.n_rx = 2;
	rep.rx = rxs;
	rep.n_xsk = 1;
	rep.xsk = xsks;	/* counted from the sockets, not from here */
	rep.xdp_not_ours = 4;
	xc_mstate_report(&st, "veth0", &rep);
	om = render(&st, true);
	check_families(om, true);
	has_line(om, "xceiver_frames_sent_total{interface=\"veth0\",queue=\"1\"} 15");
	has_line(om, "xceiver_missing_total{interface=\"veth0\"} 6");
	has_line(om, "xceiver_late_total{interface=\"veth0\"} 2");
	has_line(om, "xceiver_xdp_not_ours_total{interface=\"veth0\"} 4");
	has_line(om, "xceiver_xsk_rx_ring_full_total{interface=\"veth0\",queue=\"1\"} 14");
	has_line(om, "xceiver_runs_finished_total{outcome=\"reported\"} 2");
	has_line(om, "xceiver_runs_finished_total{outcome=\"abandoned\"} 1");
	has_line(om, "xceiver_runs_active 1.000");
	/* anomalies are the interface's, frames the queue's */
	assert_null(strstr(om, "xceiver_missing_total{interface=\"veth0\",queue"));
	assert_null(strstr(om, "xceiver_frames_sent_total{interface=\"veth0\"}"));
	free(om);
	xc_mstate_free(&st);
}

static void test_escape(void **state)
{
	struct xc_mstate st = { 0 };
	char *om;

	assert_non_null(xc_mstate_row(&st, "a\"b\\c", 0));
	om = render(&st, true);
	has_line(om, "xceiver_frames_sent_total{interface=\"a\\\"b\\\\c\",queue=\"0\"} 0");
	free(om);
	xc_mstate_free(&st);
}

static void test_row_limit(void **state)
{
	struct xc_mstate st = { 0 };
	uint32_t q;
	char *om;

	for (q = 0; q < XC_METRICS_MAX_ROWS; q++)
		assert_non_null(xc_mstate_row(&st, "eth0", q));
	assert_null(xc_mstate_row(&st, "eth0", q));
	assert_null(xc_mstate_row(&st, "eth1", 0));
	assert_non_null(xc_mstate_row(&st, "eth0", 5));
	om = render(&st, true);
	has_line(om, "xceiver_metrics_series_dropped_total 2");
	free(om);
	xc_mstate_free(&st);
}

static void test_rates(void **state)
{
	struct xc_mstate st = { 0 };
	struct xc_mrow *r = xc_mstate_row(&st, "eth0", 0);
	char *om;

	assert_non_null(r);
	r->live[XC_M_TX] = 100;
	xc_mstate_rates(&st, 0.25);
	r->done[XC_M_TX] = 150;	/* the run ended: its frames moved */
	r->live[XC_M_TX] = 0;
	r->live[XC_M_RX] = 50;
	xc_mstate_rates(&st, 0.25);
	om = render(&st, true);
	has_line(om, "xceiver_tx_frame_rate{interface=\"eth0\",queue=\"0\"} 200.000");
	has_line(om, "xceiver_rx_frame_rate{interface=\"eth0\",queue=\"0\"} 200.000");
	free(om);
	xc_mstate_free(&st);
}

static void addr_err(const char *a, bool any, const char *want)
{
	struct sockaddr_storage ss;
	char err[256] = "";

	assert_int_equal(xc_metrics_addr(a, any, &ss, err, sizeof(err)),
			 -EINVAL);
	if (!strstr(err, want)) {
		print_error("%s: \"%s\" lacks \"%s\"\n", a, err, want);
		fail();
	}
}

static void test_addr(void **state)
{
	struct sockaddr_storage ss;
	char err[256];

	assert_int_equal(xc_metrics_addr("198.19.0.2:9100", false, &ss, err,
					 sizeof(err)), 0);
	assert_int_equal(xc_metrics_addr("[2001:2::1]:9100", false, &ss, err,
					 sizeof(err)), 0);
	assert_int_equal(xc_metrics_addr("0.0.0.0:9100", true, &ss, err,
					 sizeof(err)), 0);
	addr_err("0.0.0.0:9100", false, "--metrics-any-address");
	addr_err("[::]:9100", false, "wildcard");
	addr_err("[::ffff:0.0.0.0]:9100", false, "wildcard");
	addr_err("9100", false, "expected ADDR:PORT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_row_limit),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
