// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The run's events (--json-stream): the common fields, the check and
 * verdict events built from made-up checks and exit codes, the stream
 * written line by line (a stale one truncated, a write error kept), the
 * repetitions' events, and "-" taking stdout while the summary goes to
 * stderr. No agent, no root.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "xc_ctl.h"
#include "xc_events.h"
#include "xc_judge.h"
#include "xc_output.h"
#include "xc_spec.h"

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		print_error("field %s is not a string\n", key);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static json_int_t jint(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		print_error("field %s is not an integer\n", key);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* A stream open on a temporary file; its path in path. */
static void open_tmp(struct xc_events *ev, char *path, size_t len,
		     const char *stale)
{
	char err[256] = "";
	FILE *f;
	int fd;

	snprintf(path, len, "/tmp/xc-events-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	/* longer than what the test writes: only truncation removes it */
	for (int i = 0; *stale && i < 1000; i++)
		fputs(stale, f);
	fclose(f);
	if (xc_events_open(ev, path, err, sizeof(err)))
		print_error("open: %s\n", err);
	assert_string_equal(err, "");
}

/* Every line of path parsed, in a JSON array. */
static json_t *read_lines(const char *path)
{
	json_t *arr = json_array(), *o;
	char line[65536];
	json_error_t je;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		assert_non_null(strchr(line, '\n'));
		o = json_loads(line, 0, &je);
		if (!o)
			print_error("line does not parse: %s: %s\n", je.text,
				    line);
		assert_non_null(o);
		json_array_append_new(arr, o);
	}
	fclose(f);
	return arr;
}

static void test_ts(void **state)
{
	struct timespec ts = { .tv_sec = 1796598259, .tv_nsec = 5 };
	char buf[40];

	(void)state;
	assert_string_equal(xc_events_ts(&ts, buf, sizeof(buf)),
			    "2026-12-06T23:04:19.000000005Z");
	ts = (struct timespec){ .tv_sec = 0, .tv_nsec = 999999999 };
	assert_string_equal(xc_events_ts(&ts, buf, sizeof(buf)),
			    "1970-01-01T00:00:00.999999999Z");
}

static void test_common_fields(void **state)
{
	struct xc_events ev = { .run_id = 0xabcdef };
	struct timespec ts = { .tv_sec = 1796598259, .tv_nsec = 123 };
	json_t *o;

	(void)state;
	/* the event's own fields cannot replace the common ones */
	o = xc_event_new(&ev, "progress", &ts,
			 json_pack("{s:s, s:s, s:i}", "event", "x",
				   "schema", "y", "tx_frames", 7));
	assert_non_null(o);
	assert_string_equal(jstr(o, "schema"), XC_EVENTS_SCHEMA);
	assert_string_equal(jstr(o, "schema"), "xceiver.events/1");
	assert_string_equal(jstr(o, "event"), "progress");
	assert_string_equal(jstr(o, "ts"), "2026-12-06T23:04:19.000000123Z");
	assert_string_equal(jstr(o, "run_id"), "0000000000abcdef");
	assert_int_equal(jint(o, "tx_frames"), 7);
	/* no repetitions: no repetition field */
	assert_null(json_object_get(o, "repetition"));
	json_decref(o);

	ev.run_id = 0;
	ev.repetition = 3;
	o = xc_event_new(&ev, "start", &ts, NULL);
	assert_non_null(o);
	assert_true(json_is_null(json_object_get(o, "run_id")));
	assert_int_equal(jint(o, "repetition"), 3);
	assert_int_equal(json_object_size(o), 5);
	json_decref(o);
}

/* The check event is the report's check with stream and counter. */
static void assert_check_event(const struct xc_check *c, json_t *stream,
			       const char *counter)
{
	json_t *o = xc_events_check_fields(c), *rep = xc_check_json(c);

	assert_non_null(o);
	assert_non_null(rep);
	assert_true(json_equal(json_object_get(o, "stream"), stream));
	assert_string_equal(jstr(o, "counter"), counter);
	json_object_del(o, "stream");
	json_object_del(o, "counter");
	assert_true(json_equal(o, rep));
	json_decref(o);
	json_decref(rep);
	json_decref(stream);
}

static void test_check_fields(void **state)
{
	struct xc_check c = {
		.kind = XC_CHECK_COUNTER, .stream_id = 2,
		.counter = XC_CTR_MISSING, .op = XC_OP_LE, .want = 10,
		.got = 12, .result = XC_RESULT_FAIL, .from_spec = true,
	};
	json_t *o;

	(void)state;
	o = xc_events_check_fields(&c);
	assert_non_null(o);
	assert_string_equal(jstr(o, "name"), "stream 2 missing");
	assert_string_equal(jstr(o, "check"), "stream 2 missing <= 10");
	assert_string_equal(jstr(o, "result"), "fail");
	assert_string_equal(jstr(o, "op"), "<=");
	assert_string_equal(jstr(o, "source"), "spec");
	assert_int_equal(jint(o, "expected"), 10);
	assert_int_equal(jint(o, "value"), 12);
	assert_int_equal(jint(o, "stream"), 2);
	assert_true(json_is_false(json_object_get(o, "pass")));
	json_decref(o);
	assert_check_event(&c, json_integer(2), "missing");

	/* a total: no stream; a counter nobody could read: no value */
	c.stream_id = XC_ALL_STREAMS;
	c.unknown = true;
	assert_check_event(&c, json_null(), "missing");
	o = xc_events_check_fields(&c);
	assert_true(json_is_null(json_object_get(o, "value")));
	json_decref(o);

	/* not judged: neither pass nor fail */
	c = (struct xc_check){ .kind = XC_CHECK_COUNTER, .stream_id = 1,
			       .counter = XC_CTR_REORDERED,
			       .op = XC_OP_NOT_JUDGED,
			       .result = XC_RESULT_NOT_JUDGED };
	assert_check_event(&c, json_integer(1), "reordered");

	c = (struct xc_check){ .kind = XC_CHECK_REPORTED, .stream_id = 3,
			       .want = 1, .result = XC_RESULT_PASS };
	assert_check_event(&c, json_integer(3), "reported");

	c = (struct xc_check){ .kind = XC_CHECK_LATENCY, .stream_id = 1,
			       .metric = XC_LAT_P99, .op = XC_OP_LE,
			       .want_ns = 50000, .got_ns = 20000,
			       .result = XC_RESULT_PASS };
	assert_check_event(&c, json_integer(1),
			   xc_lat_metric_name(XC_LAT_P99, false));
}

static void test_verdict_fields(void **state)
{
	struct xc_events ev = { .checks = 17, .failed = 2 };
	json_t *o;

	(void)state;
	o = xc_events_verdict_fields(&ev, XC_EXIT_FAIL);
	assert_string_equal(jstr(o, "verdict"), "fail");
	assert_int_equal(jint(o, "exit_code"), 1);
	assert_string_equal(jstr(o, "reason"), "2 of 17 checks failed");
	assert_int_equal(jint(o, "checks_total"), 17);
	assert_int_equal(jint(o, "checks_failed"), 2);
	assert_null(json_object_get(o, "phase"));
	json_decref(o);

	o = xc_events_verdict_fields(&ev, XC_EXIT_TESTER);
	assert_string_equal(jstr(o, "verdict"), "tester_loss");
	assert_int_equal(jint(o, "exit_code"), 4);
	json_decref(o);

	ev.failed = 0;
	o = xc_events_verdict_fields(&ev, XC_EXIT_PASS);
	assert_string_equal(jstr(o, "verdict"), "pass");
	assert_int_equal(jint(o, "exit_code"), 0);
	assert_string_equal(jstr(o, "reason"), "17 checks, none failed");
	json_decref(o);

	xc_events_fail(&ev, "cannot reach the tx agent at 198.19.1.2:7007: Connection refused",
		       "connect");
	/* the first reason is kept */
	xc_events_fail(&ev, "later", "output");
	o = xc_events_verdict_fields(&ev, XC_EXIT_RUN);
	assert_string_equal(jstr(o, "verdict"), XC_VERDICT_CNR);
	assert_int_equal(jint(o, "exit_code"), 3);
	assert_string_equal(jstr(o, "reason"),
			    "cannot reach the tx agent at 198.19.1.2:7007: Connection refused");
	assert_string_equal(jstr(o, "phase"), "connect");
	json_decref(o);
}

static Xceiver__V1__TestSpec *spec_new(void)
{
	static const char y[] =
		"tx: {agent: 198.19.1.2:7007, xsk: {ifname: xct}}\n"
		"rx: {agent: 198.19.1.6:7007, xsk: {ifname: xcr}}\n"
		"streams: [{id: 1, count: 1000}]\n";
	Xceiver__V1__TestSpec *s = NULL;
	char err[512] = "";

	if (xc_pb_from_yaml(&xceiver__v1__test_spec__descriptor, "t", y,
			    strlen(y), (ProtobufCMessage **)&s, err,
			    sizeof(err)) ||
	    xc_spec_defaults(s) || xc_spec_check(s, "t", err, sizeof(err)))
		print_error("spec: %s\n", err);
	assert_string_equal(err, "");
	return s;
}

/* A whole run's stream: a stale file truncated, one line an event. */
static void test_stream_file(void **state)
{
	Xceiver__V1__TestSpec *s = spec_new();
	Xceiver__V1__Progress g = XCEIVER__V1__PROGRESS__INIT;
	struct xc_check cs[2] = {
		{ .kind = XC_CHECK_COUNTER, .stream_id = 1,
		  .counter = XC_CTR_MISSING, .result = XC_RESULT_PASS },
		{ .kind = XC_CHECK_COUNTER, .stream_id = 1,
		  .counter = XC_CTR_CORRUPT, .got = 1,
		  .result = XC_RESULT_FAIL },
	};
	struct xc_judgement j = { .checks = cs, .n = 2 };
	struct xc_events ev;
	char path[64], err[256];
	json_t *lines, *spec;

	(void)state;
	open_tmp(&ev, path, sizeof(path), "{\"event\": \"stale\"}\n");
	xc_events_start(&ev, s, 0x1234, 1, 1);
	g.tx_frames = 500;
	xc_events_progress(&ev, "tx", &g, false);
	xc_events_checks(&ev, &j);
	xc_events_verdict(&ev, XC_EXIT_FAIL);
	assert_int_equal(xc_events_close(&ev, err, sizeof(err)), 0);

	lines = read_lines(path);
	assert_int_equal(json_array_size(lines), 5);
	assert_string_equal(jstr(json_array_get(lines, 0), "event"), "start");
	spec = xc_pb_to_json(&s->base);
	assert_true(json_equal(json_object_get(json_array_get(lines, 0),
					       "spec"), spec));
	assert_string_equal(jstr(json_object_get(json_array_get(lines, 0),
						 "tx"), "agent"),
			    "198.19.1.2:7007");
	assert_int_equal(jint(json_array_get(lines, 1), "tx_frames"), 500);
	assert_string_equal(jstr(json_array_get(lines, 1), "agent"), "tx");
	assert_string_equal(jstr(json_array_get(lines, 2), "name"),
			    "stream 1 missing");
	assert_string_equal(jstr(json_array_get(lines, 3), "result"), "fail");
	assert_string_equal(jstr(json_array_get(lines, 4), "event"),
			    "verdict");
	assert_string_equal(jstr(json_array_get(lines, 4), "reason"),
			    "1 of 2 checks failed");
	for (size_t i = 0; i < json_array_size(lines); i++)
		assert_string_equal(jstr(json_array_get(lines, i), "run_id"),
				    "0000000000001234");
	json_decref(spec);
	json_decref(lines);
	unlink(path);
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

/* Repetitions: each ends, the verdict after them judges them all. */
static void test_stream_repetitions(void **state)
{
	Xceiver__V1__TestSpec *s = spec_new();
	struct xc_events ev;
	char path[64], err[256];
	json_t *lines, *v, *end;

	(void)state;
	open_tmp(&ev, path, sizeof(path), "");
	xc_events_start(&ev, s, 1, 1, 3);
	xc_events_rep_end(&ev, XC_EXIT_FAIL);
	xc_events_start(&ev, s, 2, 2, 3);
	xc_events_rep_end(&ev, XC_EXIT_PASS);
	xc_events_start(&ev, s, 3, 3, 3);
	xc_events_fail(&ev, "rx agent 198.19.1.6:7007 closed the connection during run",
		       "run");
	xc_events_rep_end(&ev, XC_EXIT_RUN);
	xc_events_verdict(&ev, XC_EXIT_RUN);
	assert_int_equal(xc_events_close(&ev, err, sizeof(err)), 0);

	lines = read_lines(path);
	assert_int_equal(json_array_size(lines), 7);
	end = json_array_get(lines, 3);
	assert_string_equal(jstr(end, "event"), "repetition_end");
	assert_int_equal(jint(end, "repetition"), 2);
	assert_string_equal(jstr(end, "verdict"), "pass");
	end = json_array_get(lines, 5);
	assert_int_equal(jint(end, "repetition"), 3);
	assert_string_equal(jstr(end, "phase"), "run");
	v = json_array_get(lines, 6);
	assert_string_equal(jstr(v, "event"), "verdict");
	assert_null(json_object_get(v, "repetition"));
	assert_string_equal(jstr(v, "verdict"), XC_VERDICT_CNR);
	assert_int_equal(jint(v, "repetitions"), 3);
	assert_int_equal(jint(v, "repetitions_run"), 3);
	assert_string_equal(jstr(v, "reason"),
			    "repetition 3 could not run: rx agent 198.19.1.6:7007 closed the connection during run");
	assert_int_equal(json_array_size(json_object_get(v,
				"failed_repetitions")), 1);
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(v, "failed_repetitions"), 0)), 1);
	json_decref(lines);
	unlink(path);
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

/* A stream that cannot be written: kept, nothing more tried, returned. */
static void test_write_error(void **state)
{
	struct xc_events ev;
	char err[256] = "";

	(void)state;
	if (access("/dev/full", W_OK))
		skip();
	assert_int_equal(xc_events_open(&ev, "/dev/full", err, sizeof(err)),
			 0);
	assert_int_equal(xc_events_emit(&ev, "start", NULL), -ENOSPC);
	assert_int_equal(xc_events_emit(&ev, "progress", NULL), -ENOSPC);
	assert_int_equal(xc_events_close(&ev, err, sizeof(err)), -ENOSPC);
	assert_non_null(strstr(err, "--json-stream /dev/full"));
	/* no stream: nothing */
	assert_int_equal(xc_events_emit(NULL, "start", NULL), 0);
	assert_int_not_equal(xc_events_open(&ev, "/nonexistent/e.ndjson",
					    err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/e.ndjson"));
}

/* "-": stdout carries the events only, what was printed goes to stderr. */
static void test_stdout(void **state)
{
	int out[2], errp[2], st;
	char buf[4096] = "", ebuf[256] = "";
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(errp), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct xc_events ev;
		char err[256];

		dup2(out[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		if (xc_events_open(&ev, "-", err, sizeof(err)))
			_exit(1);
		printf("verdict: PASS\n");
		fflush(stdout);
		xc_events_verdict(&ev, XC_EXIT_PASS);
		_exit(xc_events_close(&ev, err, sizeof(err)) ? 1 : 0);
	}
	close(out[1]);
	close(errp[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	n = read(out[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	assert_int_equal(strncmp(buf, "{\"checks_failed\":", 17), 0);
	assert_non_null(strstr(buf, "\"event\":\"verdict\""));
	assert_null(strstr(buf, "verdict: PASS"));
	n = read(errp[0], ebuf, sizeof(ebuf) - 1);
	assert_true(n > 0);
	assert_string_equal(ebuf, "verdict: PASS\n");
	close(out[0]);
	close(errp[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_common_fields),
		cmocka_unit_test(test_check_fields),
		cmocka_unit_test(test_verdict_fields),
		cmocka_unit_test(test_stream_file),
		cmocka_unit_test(test_stream_repetitions),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_stdout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
