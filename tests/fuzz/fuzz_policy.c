// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agent's policy file (agent/xc_policy.c): the input is a YAML
 * document loaded as a --policy file. A refused one must come with a
 * message; an accepted one is checked, an --allow flag is added, and it
 * judges fixed IfInfos and Prepares for an unauthenticated and a named
 * controller: every answer is 0, -EPERM or -E2BIG, a refusal with its
 * reason.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xc_fuzz.h"
#include "xc_policy.h"
#include "xc_spec.h"
#include "xc_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Interfaces of the seeds (deploy/agent-policy.yaml's too) */
static const char *const xc_fp_yaml[] = {
	"{xsk: {ifname: ens1f0}, run_id: 1, tx_streams: [{id: 1, count: 1000, rate_pps: 1000}]}",
	"{xsk: {ifname: ens1f1, queues: [3, 6]}, rx_streams: [{id: 1, count: 1000000}]}",
	"{xsk: {ifname: eth1, queues: [0, 1, 2], num_chunks: 65536}, tx_streams: [{id: 1, count: 5, rate_bps: 1000000}], rx_streams: [{id: 2, count: 5, rate_pps: 10}]}",
	"{xsk: {ifname: mgmt0}, tx_streams: [{id: 1, count: 1}]}",
};
static const struct xc_policy_who xc_fp_who[] = {
	{ NULL, "198.19.1.1:40000" },
	{ "lab-ctl-1.example.net", "198.19.1.1:40001" },
};
static Xceiver__V1__Prepare *xc_fp_prep[XC_ARRAY_SIZE(xc_fp_yaml)];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];
	size_t i;

	xc_fuzz_quiet();
	for (i = 0; i < XC_ARRAY_SIZE(xc_fp_yaml); i++)
		if (xc_pb_from_yaml(&xceiver__v1__prepare__descriptor, "prep",
				    xc_fp_yaml[i], strlen(xc_fp_yaml[i]),
				    (ProtobufCMessage **)&xc_fp_prep[i], err,
				    sizeof(err)))
			abort();
	return 0;
}

static void xc_fp_answer(int ret, const char *why)
{
	if (ret && !why[0])
		abort();
	if (ret && ret != -EPERM && ret != -E2BIG)
		abort();
}

static void xc_fp_judge(const struct xc_policy *p)
{
	const struct xc_policy_who *w;
	struct xc_dp_ask a;
	char why[512];
	size_t i, j;

	for (i = 0; i < XC_ARRAY_SIZE(xc_fp_who); i++) {
		w = &xc_fp_who[i];
		for (j = 0; j < XC_ARRAY_SIZE(xc_fp_prep); j++) {
			why[0] = '\0';
			xc_fp_answer(xc_policy_judge_if(p, w,
					xc_fp_prep[j]->xsk->ifname, why,
					sizeof(why)), why);
			why[0] = '\0';
			xc_fp_answer(xc_policy_judge_prepare(p, w,
					xc_fp_prep[j], 1ull << 30, &a, why,
					sizeof(why)), why);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xc_policy *p = xc_policy_new();
	char err[512];
	int ret;

	if (!p)
		abort();
	err[0] = '\0';
	ret = xc_policy_load(p, "fuzz.yaml", (const char *)data, size, err,
			     sizeof(err));
	if (ret && !err[0])
		abort();
	if (!ret) {
		err[0] = '\0';
		if (xc_policy_check(p, err, sizeof(err)) && !err[0])
			abort();
		if (xc_policy_refuse_if(p, "mgmt0", "198.19.1.2") ||
		    xc_policy_allow(p, "eth1:0-1", err, sizeof(err)))
			abort();
		xc_policy_log(p);
		xc_fp_judge(p);
	}
	xc_policy_free(p);
	return 0;
}
