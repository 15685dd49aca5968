/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A spec run repeat times: the verdict must hold in every repetition. The
 * repetitions' verdicts are gathered here, judged as one, and printed and
 * serialised apart (a repetition that failed, and the last, keep their
 * whole JSON report; the others a summary of it).
 */
#ifndef XC_REPEAT_H
#define XC_REPEAT_H

#include <stdio.h>
#include <jansson.h>

#include "xceiver.pb-c.h"

struct xc_repeat {
	unsigned int total;	/* repetitions asked */
	json_t *reps;		/* each repetition's report, kept as above */
	json_t *failed;		/* numbers (1-based) of the failed ones */
	unsigned int fails;	/* failed other than by the tester's loss */
	unsigned int stopped;	/* the one that could not run; 0: none */
	json_t *stop;		/* its report (also in reps) or NULL */
};

int xc_repeat_init(struct xc_repeat *rp, unsigned int total);
void xc_repeat_free(struct xc_repeat *rp);

/*
 * Add repetition i (1-based) with its verdict (XC_EXIT_PASS, XC_EXIT_FAIL
 * or XC_EXIT_TESTER) and its JSON report j (taken over; NULL without
 * --json). 0 or -ENOMEM.
 */
int xc_repeat_add(struct xc_repeat *rp, unsigned int i, int verdict,
		  json_t *j);

/*
 * Repetition i could not run (exit 3) and ends the repetitions; j is its
 * JSON report ("could_not_run", taken over; NULL without --json). 0 or
 * -ENOMEM.
 */
int xc_repeat_stop(struct xc_repeat *rp, unsigned int i, json_t *j);

/*
 * XC_EXIT_RUN when a repetition could not run, else XC_EXIT_FAIL when a
 * repetition failed, XC_EXIT_TESTER when every failed
 * one failed by the tester's own loss only, else XC_EXIT_PASS.
 */
int xc_repeat_verdict(const struct xc_repeat *rp);
/* "verdict: PASS (3 repetitions, ...)" or "verdict: FAIL (repetitions 2, 3 of 3 failed)" */
void xc_repeat_print(FILE *out, const struct xc_repeat *rp);
/*
 * {verdict, repeat, failed_repetitions, repetitions, spec}; when one could
 * not run also its reason, phase and could_not_run_repetition. NULL:
 * ENOMEM.
 */
json_t *xc_repeat_json(const struct xc_repeat *rp,
		       const Xceiver__V1__TestSpec *s);

#endif /* XC_REPEAT_H */
