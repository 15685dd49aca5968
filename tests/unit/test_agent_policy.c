// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agent's host policy (agent/xc_policy.c) and leases
 * (agent/xc_lease.c): the file and --allow parsers with their errors,
 * each judgement with its reason, and who holds what.
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

#include "xc_lease.h"
#include "xc_policy.h"
#include "xc_spec.h"

#define PREP_MSG (&xceiver__v1__prepare__descriptor)
#define MIB	(1ull << 20)

static const struct xc_policy_who anon = { NULL, "198.19.1.1:40000" };
static const struct xc_policy_who ctl_a = { "ctl-a", "198.19.1.1:40001" };
static const struct xc_policy_who ctl_b = { "ctl-b", "198.19.1.9:40002" };

static struct xc_policy *pol(const char *yaml)
{
	struct xc_policy *p = xc_policy_new();
	char err[512] = "";

	assert_non_null(p);
	if (xc_policy_load(p, "p.yaml", yaml, strlen(yaml), err, sizeof(err)))
		print_error("policy: %s\n", err);
	assert_string_equal(err, "");
	return p;
}

/* The error of loading yaml, which must fail. */
static void load_fails(const char *yaml, const char *want)
{
	struct xc_policy *p = xc_policy_new();
	char err[512] = "";

	assert_int_equal(xc_policy_load(p, "p.yaml", yaml, strlen(yaml), err,
					sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		print_error("got \"%s\", want \"%s\"\n", err, want);
	assert_non_null(strstr(err, want));
	xc_policy_free(p);
}

static Xceiver__V1__Prepare *prep(const char *yaml)
{
	Xceiver__V1__Prepare *p = NULL;
	char err[512] = "", y[1024];

	/* the fields of a flow mapping */
	snprintf(y, sizeof(y), "{%s}", yaml);
	if (xc_pb_from_yaml(PREP_MSG, "prep", y, strlen(y),
			    (ProtobufCMessage **)&p, err, sizeof(err)))
		print_error("prepare: %s\n", err);
	assert_string_equal(err, "");
	return p;
}

/* Judge yaml's Prepare: the code, and the reason holds want. */
static void judge(const struct xc_policy *p, const struct xc_policy_who *w,
		  const char *yaml, uint64_t mem, int code, const char *want)
{
	Xceiver__V1__Prepare *pr = prep(yaml);
	struct xc_dp_ask a;
	char why[512] = "";
	int ret;

	ret = xc_policy_judge_prepare(p, w, pr, mem, &a, why, sizeof(why));
	if (ret != code || (want && !strstr(why, want)))
		print_error("got %d \"%s\", want %d \"%s\"\n", ret, why, code,
			    want ? want : "");
	assert_int_equal(ret, code);
	if (want)
		assert_non_null(strstr(why, want));
	protobuf_c_message_free_unpacked(&pr->base, NULL);
}

static void judge_if(const struct xc_policy *p, const struct xc_policy_who *w,
		     const char *ifname, int code, const char *want)
{
	char why[512] = "";
	int ret = xc_policy_judge_if(p, w, ifname, why, sizeof(why));

	if (ret != code || (want && !strstr(why, want)))
		print_error("got %d \"%s\", want %d \"%s\"\n", ret, why, code,
			    want ? want : "");
	assert_int_equal(ret, code);
	if (want)
		assert_non_null(strstr(why, want));
}

#define TX1 "xsk: {ifname: eth1, queues: [0]}, run_id: 10, " \
	    "tx_streams: [{id: 1, count: 5000, rate_pps: 1000}]"

/* -------------------------------------------------------------- parser */

static void test_parse_sample(void **state)
{
	const char *paths[] = { "deploy/agent-policy.yaml",
				"../../deploy/agent-policy.yaml" };
	struct xc_policy *p = xc_policy_new();
	const struct xc_policy_limits *l;
	char err[512] = "";
	size_t i;
	int ret = -ENOENT;

	for (i = 0; i < 2 && ret == -ENOENT; i++)
		ret = xc_policy_load_file(p, paths[i], err, sizeof(err));
	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	assert_int_equal(xc_policy_check(p, err, sizeof(err)), 0);
	l = xc_policy_limits(p);
	assert_int_equal(l->max_rate_pps, 1000000);
	assert_int_equal(l->max_frames, 100000000);
	assert_int_equal(l->max_duration_ms, 600000);
	assert_int_equal(l->max_umem_bytes, 1073741824);
	judge_if(p, &anon, "ens1f0", -EPERM, "unauthenticated controller at 198.19.1.1:40000");
	xc_policy_free(p);
}

static void test_parse_errors(void **state)
{
	load_fails("interfaces: {eth0: all}\nlimit: {x: 1}\n",
		   "p.yaml:2:1: limit: unknown key");
	load_fails("limits:\n  max_frame: 5\n",
		   "p.yaml:2:3: limits.max_frame: unknown key");
	load_fails("limits:\n  max_frames: 5x\n",
		   "p.yaml:2:15: limits.max_frames: \"5x\" is not a whole number");
	load_fails("limits:\n  max_frames: 0\n", "at least 1");
	load_fails("limits:\n  max_rate_pps: 99999999999999999999\n",
		   "not a whole number");
	load_fails("interfaces:\n  eth0: 0-3,,6\n",
		   "p.yaml:2:9: interfaces.eth0: expected a queue number");
	load_fails("interfaces:\n  eth0: 3-1\n", "range 3-1 goes down");
	load_fails("interfaces:\n  eth0: 4096\n", "a queue above 4095");
	load_fails("interfaces:\n  eth0: 1 2\n", "unexpected");
	load_fails("interfaces:\n  eth0:\n", "give \"all\" or its queues");
	load_fails("interfaces:\n  eth0: [1]\n", "expected a single value");
	load_fails("interfaces:\n  a/b: all\n", "not an interface name");
	load_fails("interfaces:\n  eth0: all\n  eth0: 1\n",
		   "p.yaml:3:3: interfaces.eth0: given twice");
	load_fails("interfaces: [eth0]\n", "expected a mapping");
	load_fails("controllers:\n  a: eth0\n", "expected a list of interfaces");
	load_fails("interfaces: {eth0: all}\n---\nlimits: {}\n",
		   "a second YAML document");
	load_fails("interfaces: {\n", "p.yaml:2:1: YAML syntax error");
}

static void test_check_controllers(void **state)
{
	struct xc_policy *p = pol("interfaces: {eth0: all}\n"
				  "controllers:\n  ctl-a: [eth0, eth9]\n");
	char err[512] = "";

	assert_int_equal(xc_policy_check(p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "p.yaml:3: controllers.ctl-a: interface eth9 is not allowed"));
	assert_int_equal(xc_policy_allow(p, "eth9", err, sizeof(err)), 0);
	assert_int_equal(xc_policy_check(p, err, sizeof(err)), 0);
	xc_policy_free(p);
}

static void test_allow_flag(void **state)
{
	struct xc_policy *p = xc_policy_new();
	char err[512] = "";

	assert_int_equal(xc_policy_allow(p, "eth1:0-1,3", err, sizeof(err)),
			 0);
	assert_int_equal(xc_policy_allow(p, "eth1:5", err, sizeof(err)), 0);
	judge(p, &anon, TX1, 0, 0, NULL);
	judge(p, &anon, "xsk: {ifname: eth1, queues: [3, 5]}, tx_streams: [{id: 1, count: 1}]",
	      0, 0, NULL);
	judge(p, &anon, "xsk: {ifname: eth1, queues: [2]}, tx_streams: [{id: 1, count: 1}]",
	      0, -EPERM,
	      "queue 2 of eth1 is not allowed by this agent's policy (it allows queues 0-1,3,5 of eth1");
	assert_int_equal(xc_policy_allow(p, "eth1", err, sizeof(err)), 0);
	judge(p, &anon, "xsk: {ifname: eth1, queues: [2]}, tx_streams: [{id: 1, count: 1}]",
	      0, 0, NULL);
	assert_int_equal(xc_policy_allow(p, "eth2:", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "--allow eth2:: no queues"));
	assert_int_equal(xc_policy_allow(p, "eth2:x", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "--allow eth2:x: expected a queue number"));
	assert_int_equal(xc_policy_allow(p, "waytoolonginterfacename", err,
					 sizeof(err)), -EINVAL);
	xc_policy_free(p);
}

/* ------------------------------------------------------------ judging */

static void test_nothing_allowed(void **state)
{
	struct xc_policy *p = xc_policy_new();

	assert_true(xc_policy_allows_nothing(p));
	judge_if(p, &anon, "eth1", -EPERM,
		 "interface eth1 is not allowed: this agent allows no interface (start it with --allow eth1[:QUEUES], or --policy FILE");
	judge(p, &anon, TX1, 0, -EPERM, "this agent allows no interface");
	judge_if(NULL, &anon, "eth1", -EPERM, "allows no interface");
	xc_policy_free(p);
}

static void test_listen_interface(void **state)
{
	struct xc_policy *p = pol("interfaces: {eth1: all, mgmt0: all}\n");

	assert_int_equal(xc_policy_refuse_if(p, "mgmt0", "198.19.1.2"), 0);
	judge_if(p, &anon, "mgmt0", -EPERM,
		 "interface mgmt0 carries this agent's listen address 198.19.1.2 (its control channel): never used for tests, whatever the policy allows");
	judge(p, &anon, "xsk: {ifname: mgmt0}, tx_streams: [{id: 1, count: 1}]",
	      0, -EPERM, "listen address 198.19.1.2");
	judge_if(p, &anon, "eth1", 0, NULL);
	judge_if(p, &anon, "eth2", -EPERM,
		 "interface eth2 is not allowed by this agent's policy (it allows eth1, mgmt0; add --allow eth2[:QUEUES]");
	xc_policy_free(p);
}

/* The loopback interface carries 127.0.0.1. */
static void test_listen_lookup(void **state)
{
	struct xc_policy *p = pol("interfaces: {lo: all}\n");
	char err[256];

	assert_int_equal(xc_policy_listen(p, "127.0.0.1:7007", err,
					  sizeof(err)), 0);
	judge_if(p, &anon, "lo", -EPERM, "listen address 127.0.0.1");
	assert_int_equal(xc_policy_listen(p, "nonsense", err, sizeof(err)),
			 -EINVAL);
	xc_policy_free(p);
}

static void test_controllers(void **state)
{
	struct xc_policy *p = pol("interfaces: {eth1: all, eth2: all}\n"
				  "controllers:\n"
				  "  ctl-a: [eth1]\n"
				  "  ctl-c: []\n");
	const struct xc_policy_who ctl_c = { "ctl-c", "198.19.1.3:1" };

	judge_if(p, &ctl_a, "eth1", 0, NULL);
	judge_if(p, &ctl_a, "eth2", -EPERM,
		 "controller ctl-a may not use eth2: this agent's policy lets it use eth1");
	judge_if(p, &ctl_b, "eth1", -EPERM,
		 "controller ctl-b may not use eth1: this agent's policy does not list it under controllers");
	judge_if(p, &ctl_c, "eth1", -EPERM, "lets it use no interface");
	judge_if(p, &anon, "eth1", -EPERM,
		 "unauthenticated controller at 198.19.1.1:40000 may not use eth1");
	judge(p, &ctl_b, TX1, 0, -EPERM, "controller ctl-b may not use eth1");
	judge(p, &ctl_a, TX1, 0, 0, NULL);
	xc_policy_free(p);
}

static void test_no_controllers_section(void **state)
{
	struct xc_policy *p = pol("interfaces: {eth1: all}\n");

	judge_if(p, &anon, "eth1", 0, NULL);
	judge_if(p, &ctl_b, "eth1", 0, NULL);
	xc_policy_free(p);
}

static void test_limits(void **state)
{
	struct xc_policy *p = pol("interfaces: {eth1: all}\n"
				  "limits:\n"
				  "  max_rate_pps: 1500\n"
				  "  max_frames: 9000\n"
				  "  max_duration_ms: 4000\n"
				  "  max_umem_bytes: 16777216\n");

	/* 5000 frames at 1000 pps: 5000 ms */
	judge(p, &anon, TX1, 0, -E2BIG,
	      "the run's longest stream takes 5000 ms at its rate, above this agent's limit of 4000 ms (max_duration_ms)");
	judge(p, &anon, "xsk: {ifname: eth1}, tx_streams: [{id: 1, count: 1000, rate_pps: 1000}, {id: 2, count: 1000, rate_pps: 1000}]",
	      0, -E2BIG,
	      "the run's streams ask for 2000 pps together, above this agent's limit of 1500 pps (max_rate_pps)");
	/* sent and received streams both count */
	judge(p, &anon, "xsk: {ifname: eth1}, tx_streams: [{id: 1, count: 1000, rate_pps: 1000}], rx_streams: [{id: 2, count: 1000, rate_pps: 1000}]",
	      0, -E2BIG, "2000 pps together");
	judge(p, &anon, "xsk: {ifname: eth1}, tx_streams: [{id: 1, count: 5000, rate_pps: 1400}, {id: 2, count: 5000}]",
	      0, -E2BIG,
	      "stream 2 has no rate (full speed), and this agent allows at most 1500 pps a run (max_rate_pps)");
	judge(p, &anon, "xsk: {ifname: eth1}, tx_streams: [{id: 1, count: 9001, rate_pps: 1400}]",
	      0, -E2BIG,
	      "the run's streams have 9001 frames together, above this agent's limit of 9000 (max_frames)");
	/* a UMEM of 4096 chunks of 4096 bytes a queue, two queues */
	judge(p, &anon, "xsk: {ifname: eth1, queues: [0, 1]}, tx_streams: [{id: 1, count: 10, rate_pps: 100}]",
	      0, -E2BIG,
	      "the run's UMEM takes 33554432 bytes over 2 queues, above this agent's limit of 16777216 bytes (max_umem_bytes)");
	judge(p, &anon, "xsk: {ifname: eth1, queues: [0]}, tx_streams: [{id: 1, count: 10, rate_pps: 100}]",
	      0, 0, NULL);
	xc_policy_free(p);
}

static void test_duration_full_speed(void **state)
{
	struct xc_policy *p = pol("interfaces: {eth1: all}\n"
				  "limits: {max_duration_ms: 1000}\n");

	judge(p, &anon, "xsk: {ifname: eth1}, tx_streams: [{id: 7, count: 10}]",
	      0, -E2BIG,
	      "stream 7 has no rate (full speed), so its time is not known ahead, and this agent allows runs of at most 1000 ms (max_duration_ms)");
	xc_policy_free(p);
}

/* Without limits: only the share of MemAvailable. */
static void test_mem_share(void **state)
{
	struct xc_policy *p = pol("interfaces: {eth1: all}\n");

	judge(p, &anon, "xsk: {ifname: eth1, num_chunks: 262144}, tx_streams: [{id: 1, count: 1}]",
	      512 * MIB, -E2BIG,
	      "the run's UMEM takes 1073741824 bytes over 1 queue, more than 50% of this host's available memory (MemAvailable 536870912 bytes): at most 268435456");
	judge(p, &anon, "xsk: {ifname: eth1, num_chunks: 262144}, tx_streams: [{id: 1, count: 1}]",
	      4096 * MIB, 0, NULL);
	/* unknown MemAvailable: not judged */
	judge(p, &anon, "xsk: {ifname: eth1, num_chunks: 262144}, tx_streams: [{id: 1, count: 1}]",
	      0, 0, NULL);
	xc_policy_free(p);
}

static void test_prepare_own_errors(void **state)
{
	struct xc_policy *p = pol("interfaces: {eth1: all}\n");

	judge(p, &anon, "tx_streams: [{id: 1, count: 1}]", 0, -EINVAL,
	      "xsk.ifname is missing");
	judge(p, &anon, "xsk: {ifname: eth1, queues: [5000]}, tx_streams: [{id: 1, count: 1}]",
	      0, -EINVAL, "queue 5000: at most 4095");
	judge(p, &anon, "xsk: {ifname: eth1, queues: [1, 1]}, tx_streams: [{id: 1, count: 1}]",
	      0, -EINVAL, "queue 1 is listed twice");
	judge(p, &anon, "xsk: {ifname: eth1, all_queues: true}, tx_streams: [{id: 1, count: 1}]",
	      0, -EINVAL, "xsk.all_queues");
	xc_policy_free(p);
}

/* ------------------------------------------------------------ leases */

struct lx {
	struct xc_leases *t;
	Xceiver__V1__Prepare *pr;
	struct xc_dp_ask a;
};

static void ask(struct lx *x, const char *yaml)
{
	char err[256] = "";

	if (x->pr)
		protobuf_c_message_free_unpacked(&x->pr->base, NULL);
	x->pr = prep(yaml);
	assert_int_equal(xc_dp_ask(x->pr, &x->a, err, sizeof(err)), 0);
}

static int take(struct lx *x, const void *owner,
		const struct xc_policy_who *w, uint64_t run, char *err,
		size_t errlen)
{
	struct xc_lease_who who = {
		.owner = owner, .identity = w->identity, .peer = w->peer,
		/* 2025-12-06 05:46:40 UTC */
		.run_id = run, .since = 1765000000,
	};

	err[0] = '\0';
	return xc_leases_take(x->t, &who, &x->a, err, errlen);
}

static int lx_setup(void **state)
{
	struct lx *x = calloc(1, sizeof(*x));

	x->t = xc_leases_new();
	*state = x;
	return 0;
}

static int lx_teardown(void **state)
{
	struct lx *x = *state;

	if (x->pr)
		protobuf_c_message_free_unpacked(&x->pr->base, NULL);
	xc_leases_free(x->t);
	free(x);
	return 0;
}

static void test_lease_busy(void **state)
{
	struct lx *x = *state;
	char err[512];
	int s1, s2;

	ask(x, "xsk: {ifname: eth1, queues: [0, 1]}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s1, &ctl_a, 0xabc, err, sizeof(err)), 0);
	ask(x, "xsk: {ifname: eth1, queues: [1]}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s2, &ctl_b, 0xdef, err, sizeof(err)),
			 -EBUSY);
	assert_string_equal(err,
			    "busy: eth1 queue 1 held by controller ctl-a from 198.19.1.1:40001 since 2025-12-06 05:46:40 UTC for run 0000000000000abc");
	/* unauthenticated: named by its address */
	assert_int_equal(take(x, &s2, &anon, 0xdef, err, sizeof(err)),
			 -EBUSY);
	assert_non_null(strstr(err, "held by controller ctl-a from"));
	xc_leases_drop(x->t, &s1);
	assert_int_equal(take(x, &s2, &ctl_b, 0xdef, err, sizeof(err)), 0);
}

static void test_lease_own_session(void **state)
{
	const struct xc_policy_who ctl_a2 = { "ctl-a", "198.19.7.7:5555" };
	const struct xc_policy_who anon2 = { NULL, "198.19.1.1:40099" };
	const struct xc_policy_who anon3 = { NULL, "198.19.1.10:40000" };
	struct lx *x = *state;
	char err[512];
	int s1, s2;

	ask(x, "xsk: {ifname: eth1}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s1, &ctl_a, 7, err, sizeof(err)), 0);
	assert_int_equal(take(x, &s2, &ctl_a2, 8, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err,
			       "busy: eth1 queue 0 held by your own earlier session (controller ctl-a from 198.19.1.1:40001) since 2025-12-06 05:46:40 UTC for run 0000000000000007"));
	assert_null(strstr(err, "someone else"));
	xc_leases_drop(x->t, &s1);
	/* unauthenticated: the same address is the same controller */
	assert_int_equal(take(x, &s1, &anon, 9, err, sizeof(err)), 0);
	assert_int_equal(take(x, &s2, &anon2, 10, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err,
			       "held by your own earlier session (unauthenticated controller at 198.19.1.1:40000)"));
	assert_int_equal(take(x, &s2, &anon3, 10, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err,
			       "held by unauthenticated controller at 198.19.1.1:40000 since"));
	/* an authenticated asker is not the unauthenticated holder */
	assert_int_equal(take(x, &s2, &ctl_a, 10, err, sizeof(err)), -EBUSY);
	assert_null(strstr(err, "your own"));
}

static void test_lease_side_by_side(void **state)
{
	struct lx *x = *state;
	char err[512];
	int s1, s2, s3, s4;

	/* two interfaces, each receiving */
	ask(x, "xsk: {ifname: eth1}, rx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s1, &ctl_a, 1, err, sizeof(err)), 0);
	ask(x, "xsk: {ifname: eth2}, rx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s2, &ctl_b, 2, err, sizeof(err)), 0);
	/* other queues of eth1, sending only */
	ask(x, "xsk: {ifname: eth1, queues: [1, 2]}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s3, &ctl_b, 3, err, sizeof(err)), 0);
	/* but not receiving: eth1's XDP hook is held */
	ask(x, "xsk: {ifname: eth1, queues: [3]}, rx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s4, &ctl_b, 4, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "busy: eth1's XDP hook (a receiving run's XDP program takes the whole interface) held by controller ctl-a"));
}

/* All or none: a refused take leaves the free queues free. */
static void test_lease_all_or_none(void **state)
{
	struct lx *x = *state;
	char err[512];
	int s1, s2, s3;

	ask(x, "xsk: {ifname: eth1, queues: [1]}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s1, &ctl_a, 1, err, sizeof(err)), 0);
	ask(x, "xsk: {ifname: eth1, queues: [0, 1]}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s2, &ctl_b, 2, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "eth1 queue 1 held"));
	ask(x, "xsk: {ifname: eth1, queues: [0]}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s3, &ctl_b, 3, err, sizeof(err)), 0);
	/* a session's new take replaces its old one */
	ask(x, "xsk: {ifname: eth1, queues: [2]}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s1, &ctl_a, 4, err, sizeof(err)), 0);
	ask(x, "xsk: {ifname: eth1, queues: [1]}, tx_streams: [{id: 1, count: 1}]");
	assert_int_equal(take(x, &s2, &ctl_b, 5, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sample),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_check_controllers),
		cmocka_unit_test(test_allow_flag),
		cmocka_unit_test(test_nothing_allowed),
		cmocka_unit_test(test_listen_interface),
		cmocka_unit_test(test_listen_lookup),
		cmocka_unit_test(test_controllers),
		cmocka_unit_test(test_no_controllers_section),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_duration_full_speed),
		cmocka_unit_test(test_mem_share),
		cmocka_unit_test(test_prepare_own_errors),
		cmocka_unit_test_setup_teardown(test_lease_busy, lx_setup,
						lx_teardown),
		cmocka_unit_test_setup_teardown(test_lease_own_session,
						lx_setup, lx_teardown),
		cmocka_unit_test_setup_teardown(test_lease_side_by_side,
						lx_setup, lx_teardown),
		cmocka_unit_test_setup_teardown(test_lease_all_or_none,
						lx_setup, lx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
