// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The run's events as newline-delimited JSON (--json-stream): see
 * xc_events.h for the stream, README.md for the events' fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xc_ctl.h"
#include "xc_events.h"
#include "xc_judge.h"
#include "xc_output.h"
#include "xc_spec.h"
#include "xc_util.h"

/* The stream on fd (taken over; closed when it fails). */
static int xc_events_fdopen(struct xc_events *ev, int fd)
{
	int err;

	if (fd < 0)
		return -errno;
	ev->f = fdopen(fd, "w");
	if (ev->f)
		return 0;
	err = -errno;
	close(fd);
	return err;
}

/* "-": the events take stdout's file, stdout becomes stderr. */
static int xc_events_stdout(struct xc_events *ev)
{
	int err = xc_events_fdopen(ev, dup(STDOUT_FILENO));

	if (err)
		return err;
	fflush(stdout);
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return -errno;
	return 0;
}

/* A regular file truncated, a FIFO or device written in place. */
static int xc_events_file(struct xc_events *ev, const char *path)
{
	return xc_events_fdopen(ev, open(path, O_WRONLY | O_CREAT | O_TRUNC |
					     O_CLOEXEC, 0644));
}

int xc_events_open(struct xc_events *ev, const char *path, char *err,
		   size_t errlen)
{
	int ret;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->path, sizeof(ev->path), "%s", path);
	ev->repeat = 1;
	ev->failed_reps = json_array();
	if (!ev->failed_reps)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	ret = strcmp(path, "-") ? xc_events_file(ev, path) :
	      xc_events_stdout(ev);
	if (!ret)
		return 0;
	if (ev->f)
		fclose(ev->f);
	ev->f = NULL;
	json_decref(ev->failed_reps);
	ev->failed_reps = NULL;
	return xc_errf(err, errlen, -ret, "--json-stream %s: %s", path,
		       strerror(-ret));
}

int xc_events_close(struct xc_events *ev, char *err, size_t errlen)
{
	int ret;

	if (!ev || !ev->f)
		return 0;
	if (fclose(ev->f) && !ev->err)
		ev->err = -errno;
	ev->f = NULL;
	json_decref(ev->failed_reps);
	ev->failed_reps = NULL;
	ret = ev->err;
	if (ret)
		xc_errf(err, errlen, -ret, "--json-stream %s: %s", ev->path,
			strerror(-ret));
	return ret;
}

const char *xc_events_ts(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	char sec[24];

	if (!gmtime_r(&ts->tv_sec, &tm) ||
	    !strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(sec, sizeof(sec), "1970-01-01T00:00:00");
	snprintf(buf, len, "%s.%09ldZ", sec, ts->tv_nsec);
	return buf;
}

json_t *xc_event_new(const struct xc_events *ev, const char *event,
		     const struct timespec *ts, json_t *fields)
{
	char when[40], id[24];
	json_t *o;

	snprintf(id, sizeof(id), "%016" PRIx64, ev->run_id);
	o = json_pack("{s:s, s:s, s:s, s:o}", "schema", XC_EVENTS_SCHEMA,
		      "ts", xc_events_ts(ts, when, sizeof(when)),
		      "event", event,
		      "run_id", ev->run_id ? json_string(id) : json_null());
	if (o && ev->repetition)
		json_object_set_new(o, "repetition",
				    json_integer(ev->repetition));
	if (o && fields && json_object_update_missing(o, fields)) {
		json_decref(o);
		o = NULL;
	}
	json_decref(fields);
	return o;
}

/* One line, flushed; the first error kept and printed. */
static int xc_events_write(struct xc_events *ev, json_t *o)
{
	errno = 0;
	if (json_dumpf(o, ev->f, JSON_COMPACT | JSON_SORT_KEYS) ||
	    fputc('\n', ev->f) == EOF || fflush(ev->f))
		ev->err = errno ? -errno : -EIO;
	if (ev->err)
		fprintf(stderr, "xceiver: --json-stream %s: %s (no more events written)\n",
			ev->path, strerror(-ev->err));
	return ev->err;
}

int xc_events_emit(struct xc_events *ev, const char *event, json_t *fields)
{
	struct timespec ts;
	json_t *o;
	int ret;

	if (!ev || !ev->f || ev->err) {
		json_decref(fields);
		return ev ? ev->err : 0;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	o = xc_event_new(ev, event, &ts, fields);
	if (!o) {
		ev->err = -ENOMEM;
		fprintf(stderr, "xceiver: --json-stream %s: out of memory (no more events written)\n",
			ev->path);
		return ev->err;
	}
	ret = xc_events_write(ev, o);
	json_decref(o);
	return ret;
}

static json_t *xc_pb_json_or_null(const ProtobufCMessage *m)
{
	return m ? xc_pb_to_json(m) : json_null();
}

void xc_events_start(struct xc_events *ev, const Xceiver__V1__TestSpec *s,
		     uint64_t run_id, unsigned int repetition,
		     unsigned int repeat)
{
	if (!ev)
		return;
	ev->run_id = run_id;
	ev->repeat = repeat > 1 ? repeat : 1;
	ev->repetition = repeat > 1 ? repetition : 0;
	ev->checks = 0;
	ev->failed = 0;
	ev->reason[0] = '\0';
	ev->phase[0] = '\0';
	xc_events_emit(ev, "start", json_pack("{s:o, s:o, s:o, s:i}",
		"spec", xc_pb_to_json(&s->base),
		"tx", xc_pb_json_or_null(s->tx ? &s->tx->base : NULL),
		"rx", xc_pb_json_or_null(s->rx ? &s->rx->base : NULL),
		"repeat", (int)ev->repeat));
}

void xc_events_hello(struct xc_events *ev, const char *agent,
		     const char *addr, const Xceiver__V1__Hello *h,
		     const char *identity)
{
	if (!ev)
		return;
	xc_events_emit(ev, "hello", json_pack("{s:s, s:s, s:o, s:o}",
		"agent", agent, "address", addr,
		"hello", xc_pb_to_json(&h->base),
		"identity", identity && *identity ? json_string(identity) :
			    json_null()));
}

void xc_events_prepared(struct xc_events *ev, const char *agent,
			const char *addr, const Xceiver__V1__Prepared *p)
{
	char mode[16];

	if (!ev)
		return;
	xc_events_emit(ev, "prepared", json_pack("{s:s, s:s, s:s, s:b}",
		"agent", agent, "address", addr,
		"mode", xc_mode_str(p->mode, mode, sizeof(mode)),
		"zero_copy", p->zero_copy));
}

void xc_events_progress(struct xc_events *ev, const char *agent,
			const Xceiver__V1__Progress *g, bool done)
{
	if (!ev)
		return;
	xc_events_emit(ev, "progress", json_pack(
		"{s:s, s:I, s:I, s:I, s:I, s:b, s:b}", "agent", agent,
		"elapsed_ns", (json_int_t)g->elapsed_ns,
		"tx_frames", (json_int_t)g->tx_frames,
		"rx_frames", (json_int_t)g->rx_frames,
		"rx_valid", (json_int_t)g->rx_valid,
		"tx_done", g->tx_done, "done", done));
}

/* The counter or latency figure a check judges. */
static const char *xc_check_counter(const struct xc_check *c)
{
	if (c->kind == XC_CHECK_LATENCY)
		return xc_lat_metric_name(c->metric, c->rtt);
	if (c->kind == XC_CHECK_REPORTED)
		return "reported";
	return xc_counter_name(c->counter);
}

json_t *xc_events_check_fields(const struct xc_check *c)
{
	json_t *o = xc_check_json(c);

	if (!o)
		return NULL;
	if (json_object_set_new(o, "stream", c->stream_id == XC_ALL_STREAMS ?
				json_null() : json_integer(c->stream_id)) ||
	    json_object_set_new(o, "counter",
				json_string(xc_check_counter(c)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void xc_events_checks(struct xc_events *ev, const struct xc_judgement *j)
{
	size_t i;

	for (i = 0; ev && i < j->n; i++) {
		ev->checks++;
		ev->failed += j->checks[i].result == XC_RESULT_FAIL;
		xc_events_emit(ev, "check",
			       xc_events_check_fields(&j->checks[i]));
	}
}

void xc_events_fail(struct xc_events *ev, const char *reason,
		    const char *phase)
{
	if (!ev || *ev->reason)
		return;
	snprintf(ev->reason, sizeof(ev->reason), "%s", reason);
	snprintf(ev->phase, sizeof(ev->phase), "%s", phase);
}

/* "pass", "fail", "tester_loss", "could_not_run" of an exit code. */
static const char *xc_events_word(int ret)
{
	switch (ret) {
	case XC_EXIT_PASS:
		return "pass";
	case XC_EXIT_FAIL:
		return "fail";
	case XC_EXIT_TESTER:
		return "tester_loss";
	default:
		return XC_VERDICT_CNR;
	}
}

/* Why one run has its verdict. */
static void xc_events_why(const struct xc_events *ev, int ret, char *buf,
			  size_t len)
{
	if (ret == XC_EXIT_PASS)
		snprintf(buf, len, "%u checks, none failed", ev->checks);
	else if (ret == XC_EXIT_FAIL)
		snprintf(buf, len, "%u of %u checks failed", ev->failed,
			 ev->checks);
	else if (ret == XC_EXIT_TESTER)
		snprintf(buf, len, "%u of %u checks failed, only by frames the tester itself lost",
			 ev->failed, ev->checks);
	else
		snprintf(buf, len, "%s", *ev->reason ? ev->reason :
			 "could not run");
}

json_t *xc_events_verdict_fields(const struct xc_events *ev, int ret)
{
	char why[700];
	json_t *o;

	xc_events_why(ev, ret, why, sizeof(why));
	o = json_pack("{s:s, s:i, s:s, s:i, s:i}",
		      "verdict", xc_events_word(ret), "exit_code", ret,
		      "reason", why, "checks_total", (int)ev->checks,
		      "checks_failed", (int)ev->failed);
	if (o && ret == XC_EXIT_RUN)
		json_object_set_new(o, "phase", json_string(*ev->phase ?
				    ev->phase : "run"));
	return o;
}

void xc_events_rep_end(struct xc_events *ev, int ret)
{
	if (!ev || !ev->failed_reps)
		return;
	ev->reps_done++;
	if (ret == XC_EXIT_FAIL || ret == XC_EXIT_TESTER)
		json_array_append_new(ev->failed_reps,
				      json_integer(ev->repetition));
	xc_events_emit(ev, "repetition_end",
		       xc_events_verdict_fields(ev, ret));
}

/* The verdict over the repetitions: what each ended with. */
static json_t *xc_events_reps_fields(struct xc_events *ev, int ret)
{
	char why[760];
	size_t nf = json_array_size(ev->failed_reps);

	if (ret == XC_EXIT_RUN && !strcmp(ev->phase, "output"))
		snprintf(why, sizeof(why), "%s", ev->reason);
	else if (ret == XC_EXIT_RUN)
		snprintf(why, sizeof(why), "repetition %u could not run: %s",
			 ev->repetition, *ev->reason ? ev->reason :
			 "could not run");
	else if (nf)
		snprintf(why, sizeof(why), "%zu of %u repetitions failed",
			 nf, ev->repeat);
	else
		snprintf(why, sizeof(why), "%u repetitions passed",
			 ev->repeat);
	return json_pack("{s:s, s:i, s:s, s:i, s:i, s:O}",
			 "verdict", xc_events_word(ret), "exit_code", ret,
			 "reason", why, "repetitions", (int)ev->repeat,
			 "repetitions_run", (int)ev->reps_done,
			 "failed_repetitions", ev->failed_reps);
}

void xc_events_verdict(struct xc_events *ev, int ret)
{
	json_t *o;

	if (!ev || !ev->failed_reps)
		return;
	if (ev->repeat <= 1) {
		xc_events_emit(ev, "verdict", xc_events_verdict_fields(ev,
								       ret));
		return;
	}
	o = xc_events_reps_fields(ev, ret);
	if (o && ret == XC_EXIT_RUN)
		json_object_set_new(o, "phase", json_string(*ev->phase ?
				    ev->phase : "run"));
	ev->repetition = 0;
	xc_events_emit(ev, "verdict", o);
}
