// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The verdict over repetitions (see xc_repeat.h).
 */
#include <errno.h>
#include <string.h>

#include "xc_ctl.h"
#include "xc_repeat.h"
#include "xc_spec.h"
#include "xc_util.h"

int xc_repeat_init(struct xc_repeat *rp, unsigned int total)
{
	memset(rp, 0, sizeof(*rp));
	rp->total = total;
	rp->reps = json_array();
	rp->failed = json_array();
	if (rp->reps && rp->failed)
		return 0;
	xc_repeat_free(rp);
	return -ENOMEM;
}

void xc_repeat_free(struct xc_repeat *rp)
{
	if (!rp)
		return;
	json_decref(rp->reps);
	json_decref(rp->failed);
	json_decref(rp->stop);
	memset(rp, 0, sizeof(*rp));
}

/* A passed repetition's report, but for the last: its outcome only. */
static json_t *xc_repeat_brief(json_t *j)
{
	static const char *const keep[] = {
		"verdict", "run_id", "repetition", "checks_failed",
		"checks_total",
	};
	json_t *small = json_object();
	size_t i;

	for (i = 0; small && i < XC_ARRAY_SIZE(keep); i++)
		json_object_set(small, keep[i], json_object_get(j, keep[i]));
	json_decref(j);
	return small;
}

int xc_repeat_add(struct xc_repeat *rp, unsigned int i, int verdict,
		  json_t *j)
{
	bool fail = verdict != XC_EXIT_PASS;

	if (verdict == XC_EXIT_FAIL)
		rp->fails++;
	if (fail && json_array_append_new(rp->failed, json_integer(i))) {
		json_decref(j);
		return -ENOMEM;
	}
	if (!j)
		return 0;
	json_object_del(j, "spec");
	if (!fail && i != rp->total)
		j = xc_repeat_brief(j);
	return j && !json_array_append_new(rp->reps, j) ? 0 : -ENOMEM;
}

int xc_repeat_stop(struct xc_repeat *rp, unsigned int i, json_t *j)
{
	rp->stopped = i;
	if (!j)
		return 0;
	json_object_del(j, "spec");
	rp->stop = j;
	return json_array_append(rp->reps, j) ? -ENOMEM : 0;
}

int xc_repeat_verdict(const struct xc_repeat *rp)
{
	if (rp->stopped)
		return XC_EXIT_RUN;
	if (rp->fails)
		return XC_EXIT_FAIL;
	return json_array_size(rp->failed) ? XC_EXIT_TESTER : XC_EXIT_PASS;
}

void xc_repeat_print(FILE *out, const struct xc_repeat *rp)
{
	size_t i, nf = json_array_size(rp->failed);

	if (!nf) {
		fprintf(out, "verdict: PASS (%u repetitions, every check held in each)\n",
			rp->total);
		return;
	}
	fprintf(out, "verdict: %s (repetition%s",
		rp->fails ? "FAIL" : "TESTER LOSS", nf > 1 ? "s" : "");
	for (i = 0; i < nf; i++)
		fprintf(out, "%s %" JSON_INTEGER_FORMAT, i ? "," : "",
			json_integer_value(json_array_get(rp->failed, i)));
	fprintf(out, " of %u failed%s)\n", rp->total, rp->fails ? "" :
		", each only by frames the tester itself lost");
}

/* Why the repetitions stopped: the failed one's reason and phase. */
static int xc_repeat_json_stop(const struct xc_repeat *rp, json_t *o)
{
	json_t *why = json_object_get(rp->stop, "reason");
	json_t *phase = json_object_get(rp->stop, "phase");

	if (json_object_set_new(o, "could_not_run_repetition",
				json_integer(rp->stopped)) ||
	    (why && json_object_set(o, "reason", why)) ||
	    (phase && json_object_set(o, "phase", phase)))
		return -ENOMEM;
	return 0;
}

json_t *xc_repeat_json(const struct xc_repeat *rp,
		       const Xceiver__V1__TestSpec *s)
{
	static const char *const word[] = {
		[XC_EXIT_PASS] = "pass", [XC_EXIT_FAIL] = "fail",
		[XC_EXIT_RUN] = XC_VERDICT_CNR,
		[XC_EXIT_TESTER] = "tester_loss",
	};
	json_t *o;

	o = json_pack("{s:s, s:i, s:O, s:O, s:o}",
		      "verdict", word[xc_repeat_verdict(rp)],
		      "repeat", (int)rp->total,
		      "failed_repetitions", rp->failed,
		      "repetitions", rp->reps,
		      "spec", xc_pb_to_json(&s->base));
	if (o && rp->stopped && xc_repeat_json_stop(rp, o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}
