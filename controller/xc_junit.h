/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The verdict as JUnit XML (--junit FILE), the format CI systems read
 * (Jenkins, GitLab, GitHub test reporters; tests/junit.xsd describes it):
 *
 *   <testsuites>            every suite of the run
 *     <testsuite>           one run: per repetition, per search trial
 *       <properties>        verdict, run id, repetition
 *       <testcase>          one check, named as printed
 *                           ("stream 1 missing == 0"), classname
 *                           "xceiver.NAME.stream1" (a total: ".total")
 *         <failure>         a failed check: measured and expected value;
 *                           type "fail", or "tester_loss" when the tester
 *                           itself lost every missing frame
 *         <skipped>         a check "not judged"
 *         <error>           in a testcase "could not run" (exit 3): the
 *                           reason as printed, the phase
 *
 * Built with libxml2, which escapes what it writes; bytes that XML cannot
 * carry (control characters, invalid UTF-8) become '?'. Nothing here
 * judges: every pass and fail comes from the judgement (xc_judge.h).
 */
#ifndef XC_JUNIT_H
#define XC_JUNIT_H

#include <stddef.h>
#include <time.h>
#include <libxml/tree.h>

#include "xc_judge.h"

/* Counts of one suite, or of the whole document. */
struct xc_junit_count {
	unsigned int tests;
	unsigned int failures;
	unsigned int errors;
	unsigned int skipped;
	double time;		/* s */
};

struct xc_junit {
	xmlDocPtr doc;
	xmlNodePtr root;	/* <testsuites> */
	xmlNodePtr suite;	/* the suite being filled; NULL: none */
	xmlNodePtr props;	/* its <properties> */
	xmlNodePtr verdict;	/* its judged verdict's <property> */
	char cls[256];		/* its classes' prefix: "xceiver.NAME" */
	struct timespec start;	/* when it began (CLOCK_MONOTONIC) */
	struct xc_junit_count cur;	/* of the suite being filled */
	struct xc_junit_count all;	/* of every suite ended */
};

/* An empty document; 0 or -ENOMEM. */
int xc_junit_init(struct xc_junit *ju);
void xc_junit_free(struct xc_junit *ju);

/*
 * The names of a run's suite: the spec's name (else "run"), with
 * repetitions " repetition N of M"; its classes' prefix "xceiver.NAME"
 * (with repetitions "xceiver.NAME.rN").
 */
void xc_junit_names(const char *spec_name, unsigned int repeat,
		    unsigned int rep, char *suite, size_t slen, char *cls,
		    size_t clen);

/*
 * Begin a suite named suite, its testcases' classes under cls; timestamp
 * and hostname now. A suite still open is ended first. 0 or -ENOMEM.
 */
int xc_junit_begin(struct xc_junit *ju, const char *suite, const char *cls);
/* A property of the open suite (<property name value>); 0 or -ENOMEM. */
int xc_junit_prop(struct xc_junit *ju, const char *name, const char *value);
/*
 * Every check of judgement j into the open suite, and its verdict word
 * as the property "verdict"; 0, -EINVAL (no suite open) or -ENOMEM.
 */
int xc_junit_checks(struct xc_junit *ju, const struct xc_judgement *j);
/*
 * The run could not finish (exit 3): a testcase "could not run" with an
 * <error> of type "could_not_run" carrying reason and phase, and the
 * property "verdict" "could_not_run" (a verdict judged before, when its
 * results could not be written, becomes "judged_verdict"). A suite is begun (named suite,
 * classes cls) when none is open. 0 or -ENOMEM.
 */
int xc_junit_error(struct xc_junit *ju, const char *suite, const char *cls,
		   const char *reason, const char *phase);
/* A testcase that is not a check: what a search found, say. */
enum xc_junit_kind {
	XC_JUNIT_PASS,
	XC_JUNIT_FAIL,		/* <failure> */
	XC_JUNIT_SKIP,		/* <skipped> */
	XC_JUNIT_ERROR,		/* <error> */
};

struct xc_junit_result {
	enum xc_junit_kind kind;
	const char *message;	/* the element's message (not PASS) */
	const char *type;	/* its type; NULL: none (not SKIP) */
	const char *text;	/* failure/error body, else <system-out>;
				 * NULL: none */
};

/*
 * A testcase named name (class: the suite's, with sub if not NULL) of the
 * open suite with result r. 0, -EINVAL (no suite open) or -ENOMEM.
 */
int xc_junit_outcome(struct xc_junit *ju, const char *name, const char *sub,
		     const struct xc_junit_result *r);

/* End the open suite: its counts and time. NULL-tolerant. */
void xc_junit_end(struct xc_junit *ju);

/*
 * The open suite began secs ago (its time and timestamp), for a suite
 * written after what it reports ended. 0 or -EINVAL (no suite open).
 */
int xc_junit_backdate(struct xc_junit *ju, double secs);

/*
 * A whole suite at once, for a judged verdict (a search trial): begin,
 * checks, end, with time secs. 0 or -ENOMEM.
 */
int xc_junit_suite(struct xc_junit *ju, const char *suite, const char *cls,
		   const struct xc_judgement *j, double secs);

/*
 * The suite of repetition rep of repeat of the spec named spec_name:
 * begun before the run connects (timestamp, time), ended after its
 * verdict with the run's id, and when it could not run (exit_code
 * XC_EXIT_RUN) with the error of res->fail. Both 0 or -ENOMEM.
 */
struct xc_run_result;
int xc_junit_run_begin(struct xc_junit *ju, const char *spec_name,
		       unsigned int repeat, unsigned int rep);
int xc_junit_run_end(struct xc_junit *ju, const struct xc_run_result *res,
		     int exit_code);

/*
 * Write the document to path (ending an open suite), whole or not at all
 * (xc_outfile_write). 0 or -errno with err set.
 */
int xc_junit_write(struct xc_junit *ju, const char *path, char *err,
		   size_t errlen);

#endif /* XC_JUNIT_H */
