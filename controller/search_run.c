// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A search trial's outcome from the JSON report of the run that carried it
 * (xc_report_json): what both agents sent and at what rate, and the
 * missing frames less those the drop forensics put on the tester.
 */
#include <errno.h>
#include <jansson.h>

#include "xc_search.h"

static double num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

int xc_search_trial_from_report(const json_t *report,
				struct xc_search_trial *t)
{
	static const char *const side[] = { "tx", "rx" };
	const json_t *loss = json_object_get(report, "loss"), *r;
	double missing, tester;
	unsigned int i;

	if (!json_is_object(loss))
		return -EINVAL;
	t->sent = 0;
	t->offered = 0;
	for (i = 0; i < 2; i++) {
		r = json_object_get(report, side[i]);
		t->sent += (uint64_t)num(r, "tx_frames");
		t->offered += num(r, "tx_rate_achieved_pps");
	}
	t->achieved = t->offered;
	missing = num(loss, "missing");
	tester = num(loss, "tester");
	t->tester_only = missing > 0 && tester >= missing;
	t->lost = (uint64_t)(missing > tester ? missing - tester : 0);
	return t->lost > t->sent ? -EINVAL : 0;
}
