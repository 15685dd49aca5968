/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The run's events as newline-delimited JSON (--json-stream FILE|-): one
 * object a line, written and flushed as each happens, for a program that
 * reads the run while it goes. README.md ("Events while a run goes")
 * lists the events and their fields.
 *
 * Every event has "schema" (XC_EVENTS_SCHEMA), "ts" (UTC, RFC 3339 with
 * nanoseconds), "event", "run_id" (16 hex digits, as the JSON report; null
 * before a run has one) and, in a run with repetitions, "repetition" (the
 * current one, 1-based). The other fields are the event's own, in
 * snake_case as the JSON report's. A field once documented keeps its name
 * and meaning within a schema version; new fields may be added.
 *
 * Each run of a stream ends with exactly one "verdict" event, its last
 * line. With repetitions each repetition ends with "repetition_end" (its
 * own verdict) and the "verdict" after the last judges them all.
 *
 * Other parts of the controller add events of their own through
 * xc_events_emit(): the throughput search one "trial" per trial, e.g.
 *
 *	xc_events_emit(ev, "trial", json_pack("{s:i, s:I, s:f, s:s}",
 *		       "trial", n, "rate_pps", pps, "loss_ratio", lr,
 *		       "result", "pass"));
 *
 * and documents its fields with the others in the README.
 *
 * Writing never stops the run: the first write error is kept, printed
 * once, nothing more is written, and xc_events_close() returns it.
 */
#ifndef XC_EVENTS_H
#define XC_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>

#include "xceiver.pb-c.h"

#define XC_EVENTS_SCHEMA	"xceiver.events/1"

struct xc_check;
struct xc_judgement;

struct xc_events {
	FILE *f;
	char path[256];		/* as given, for messages; "-": stdout */
	uint64_t run_id;	/* 0: none yet */
	unsigned int repetition;	/* 0: a run without repetitions */
	unsigned int checks;	/* this run's checks so far */
	unsigned int failed;	/* of them failed */
	char reason[640];	/* why it could not run (exit 3) */
	char phase[32];
	unsigned int repeat;	/* repetitions asked (1: none) */
	unsigned int reps_done;	/* repetitions ended */
	json_t *failed_reps;	/* numbers of the failed ones */
	int err;		/* the first write error (-errno) */
};

/*
 * Open the stream at path ("-": standard output). A regular file is
 * truncated (a stale stream of the same name never survives a new run),
 * a FIFO or a device is written in place. With "-", whatever the
 * controller prints on standard output goes to standard error from now
 * on, so that stdout carries the events only. 0 or -errno with err set.
 */
int xc_events_open(struct xc_events *ev, const char *path, char *err,
		   size_t errlen);
/* Flush and close; 0 or the first write error (err set). NULL-tolerant. */
int xc_events_close(struct xc_events *ev, char *err, size_t errlen);

/* "2026-12-06T23:04:19.123456789Z" of ts in buf (at least 32 bytes). */
const char *xc_events_ts(const struct timespec *ts, char *buf, size_t len);
/*
 * An event: the common fields of ev (at ts) with the fields of fields
 * (taken over, NULL: none). NULL when out of memory.
 */
json_t *xc_event_new(const struct xc_events *ev, const char *event,
		     const struct timespec *ts, json_t *fields);
/*
 * Write event (the common fields now, with fields, taken over) as one
 * line and flush it. ev NULL: nothing. 0 or -errno (kept in ev->err).
 */
int xc_events_emit(struct xc_events *ev, const char *event, json_t *fields);

/*
 * A run begins (repetition of repeat, 1-based): keep its id, forget the
 * last run's checks and failure, emit "start" with the spec and both
 * agents' endpoints.
 */
void xc_events_start(struct xc_events *ev, const Xceiver__V1__TestSpec *s,
		     uint64_t run_id, unsigned int repetition,
		     unsigned int repeat);
/* An agent ("tx" or "rx") at addr said Hello / Prepared. */
void xc_events_hello(struct xc_events *ev, const char *agent,
		     const char *addr, const Xceiver__V1__Hello *h,
		     const char *identity);
void xc_events_prepared(struct xc_events *ev, const char *agent,
			const char *addr, const Xceiver__V1__Prepared *p);
/* An agent's Progress, done: it finished sending. */
void xc_events_progress(struct xc_events *ev, const char *agent,
			const Xceiver__V1__Progress *g, bool done);
/* One "check" event per judged check, in the JSON report's order. */
void xc_events_checks(struct xc_events *ev, const struct xc_judgement *j);
/* The check event's own fields; NULL when out of memory. */
json_t *xc_events_check_fields(const struct xc_check *c);
/* Why the current run could not run (exit 3); the first one is kept. */
void xc_events_fail(struct xc_events *ev, const char *reason,
		    const char *phase);
/* A repetition ended with exit code ret. */
void xc_events_rep_end(struct xc_events *ev, int ret);
/* The last event: the verdict of exit code ret (and the repetitions). */
void xc_events_verdict(struct xc_events *ev, int ret);
/* The verdict event's own fields; NULL when out of memory. */
json_t *xc_events_verdict_fields(const struct xc_events *ev, int ret);

#endif /* XC_EVENTS_H */
