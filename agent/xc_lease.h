/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Leases: one session holds an interface queue at a time, and a session
 * that receives holds its interface's XDP hook too (the XDP program is
 * the whole interface's). A Prepare takes all it needs or nothing; a
 * second session asking for what is held is refused at once, with who
 * holds it, since when and for which run. Release and the session's end
 * give everything back. Sessions on different interfaces, or on different
 * queues of an interface when at most one receives, run side by side.
 */
#ifndef XC_LEASE_H
#define XC_LEASE_H

#include <stdint.h>
#include <time.h>

#include "xc_dp.h"

struct xc_leases;
struct xc_conn;

/* Who takes a lease. */
struct xc_lease_who {
	const void *owner;		/* the session */
	const char *identity;		/* NULL: not authenticated */
	const char *peer;		/* "ADDR:PORT" */
	uint64_t run_id;
	time_t since;
};

struct xc_leases *xc_leases_new(void);
void xc_leases_free(struct xc_leases *t);

/*
 * Take a's queues of a's interface (and its XDP hook when a receives) for
 * who, all or none: 0, or -EBUSY with "busy: IFNAME queue Q held by
 * CONTROLLER since T for run R" in err. A holder with who's identity (for
 * unauthenticated ones: from who's address) is named as who's own earlier
 * session. What who held before is given back first.
 */
int xc_leases_take(struct xc_leases *t, const struct xc_lease_who *who,
		   const struct xc_dp_ask *a, char *err, size_t errlen);
/* Give back what owner holds (nothing: nothing happens). */
void xc_leases_drop(struct xc_leases *t, const void *owner);

/* ------------------------------------------------------------ the agent's */

/*
 * A session's Prepare on connection c: the agent's policy judges it
 * (xc_policy_prepare), then owner takes its leases.
 */
int xc_lease_prepare(const void *owner, struct xc_conn *c,
		     const Xceiver__V1__Prepare *pr, char *err,
		     size_t errlen);
/* Release, or the session's end. */
void xc_lease_drop(const void *owner);

#endif /* XC_LEASE_H */
