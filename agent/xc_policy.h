/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The agent's host policy: the interfaces and queues controllers may use,
 * limits on what one run may ask for, and which controllers may use which
 * interfaces. It comes from a YAML file (--policy, deploy/agent-policy.yaml
 * shows every key) and --allow flags, which add to the file. Nothing is
 * allowed by default, and the interface that carries the agent's listen
 * address is refused whatever the policy says.
 *
 * Judging is pure (xc_policy_judge_if, xc_policy_judge_prepare: the
 * policy, who asks and what; the reason in a buffer), so tests and the
 * fuzz target call it directly. The agent's own policy and its hooks for
 * the session are at the end.
 */
#ifndef XC_POLICY_H
#define XC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xc_dp.h"
#include "xceiver.pb-c.h"

/* A run's UMEMs may take at most this share of MemAvailable, policy or not */
#define XC_POLICY_MEM_PCT	50

struct xc_policy;
struct xc_conn;

/* Per-run limits; 0: none. */
struct xc_policy_limits {
	uint64_t max_rate_pps;		/* over the Prepare's streams */
	uint64_t max_frames;		/* over the Prepare's streams */
	uint64_t max_duration_ms;	/* its longest stream at its rate */
	uint64_t max_umem_bytes;	/* its UMEMs over all its queues */
};

/* A policy that allows nothing; NULL when out of memory. */
struct xc_policy *xc_policy_new(void);
void xc_policy_free(struct xc_policy *p);

/*
 * Read a policy document (YAML) named name; an unknown key, a bad value
 * or a bad queue list is refused with "NAME:LINE:COLUMN: what". Loading
 * one document per policy.
 */
int xc_policy_load(struct xc_policy *p, const char *name, const char *text,
		   size_t len, char *err, size_t errlen);
int xc_policy_load_file(struct xc_policy *p, const char *path, char *err,
			size_t errlen);

/* --allow IFNAME[:QUEUES]: QUEUES like 0-3,6 (absent: every queue). */
int xc_policy_allow(struct xc_policy *p, const char *arg, char *err,
		    size_t errlen);

/*
 * The listen address ("ADDR:PORT"): the interfaces that carry it are
 * refused (getifaddrs; a wildcard address is carried by every interface
 * with an address of its family).
 */
int xc_policy_listen(struct xc_policy *p, const char *addrport, char *err,
		     size_t errlen);
/* Refuse ifname as one that carries the listen address addr. */
int xc_policy_refuse_if(struct xc_policy *p, const char *ifname,
			const char *addr);

/*
 * After the file and the flags: every interface the controllers section
 * names must be allowed.
 */
int xc_policy_check(const struct xc_policy *p, char *err, size_t errlen);

bool xc_policy_allows_nothing(const struct xc_policy *p);
const struct xc_policy_limits *xc_policy_limits(const struct xc_policy *p);

/* Who asks: identity from xc_conn_identity (NULL: not authenticated). */
struct xc_policy_who {
	const char *identity;
	const char *peer;		/* "ADDR:PORT" */
};

/*
 * Whether who may use ifname (IfInfo, and the first part of a Prepare):
 * 0, or -EPERM with the reason and the way to allow it in why.
 */
int xc_policy_judge_if(const struct xc_policy *p,
		       const struct xc_policy_who *who, const char *ifname,
		       char *why, size_t whylen);

/*
 * Whether who may run pr: its interface, queues and the limits; the UMEM
 * also against XC_POLICY_MEM_PCT of mem_avail bytes (0: unknown, not
 * judged). 0, -EPERM (interface, queue, controller), -E2BIG (a limit:
 * its value and what was asked in why), or pr's own error (xc_dp_ask).
 * a receives what pr asks (its queues point into pr).
 */
int xc_policy_judge_prepare(const struct xc_policy *p,
			    const struct xc_policy_who *who,
			    const Xceiver__V1__Prepare *pr, uint64_t mem_avail,
			    struct xc_dp_ask *a, char *why, size_t whylen);

/* "controller ID" or "unauthenticated controller at ADDR:PORT" */
void xc_policy_who_name(const struct xc_policy_who *who, char *buf,
			size_t len);

/* Log what p allows (a warning when it allows nothing). */
void xc_policy_log(const struct xc_policy *p);

/* ------------------------------------------------------------ the agent's */

/* The agent's policy from now on (it owns p); none: nothing allowed. */
void xc_policy_install(struct xc_policy *p);
void xc_policy_uninstall(void);

/* MemAvailable of /proc/meminfo in bytes; 0 when unknown. */
uint64_t xc_policy_mem_avail(void);

/* IfInfo for ifname on connection c, by the agent's policy. */
int xc_policy_ifinfo(struct xc_conn *c, const char *ifname, char *err,
		     size_t errlen);

/* A Prepare on connection c, by the agent's policy; a as above. */
int xc_policy_prepare(struct xc_conn *c, const Xceiver__V1__Prepare *pr,
		      struct xc_dp_ask *a, char *err, size_t errlen);

#endif /* XC_POLICY_H */
