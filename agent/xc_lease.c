// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Leases of interface queues and XDP hooks (xc_lease.h): one entry per
 * session that holds something, its queues as a bitmap. The table has a
 * lock of its own, so whichever thread prepares may take and drop.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_lease.h"
#include "xc_policy.h"
#include "xc_util.h"
#include "xc_wire.h"

struct xc_lease {
	const void *owner;
	char *identity;
	char *peer;
	uint64_t run_id;
	time_t since;
	char ifname[IF_NAMESIZE];
	bool xdp;
	uint8_t qmap[XC_MAX_QUEUES / 8];
	struct xc_lease *next;
};

struct xc_leases {
	pthread_mutex_t lock;
	struct xc_lease *head;
};

struct xc_leases *xc_leases_new(void)
{
	struct xc_leases *t = calloc(1, sizeof(*t));

	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

static void xc_lease_free(struct xc_lease *l)
{
	free(l->identity);
	free(l->peer);
	free(l);
}

/* Unlink and free owner's entry; the caller holds the lock. */
static void xc_leases_unlink(struct xc_leases *t, const void *owner)
{
	struct xc_lease **pp, *l;

	for (pp = &t->head; *pp; pp = &(*pp)->next) {
		if ((*pp)->owner != owner)
			continue;
		l = *pp;
		*pp = l->next;
		xc_lease_free(l);
		return;
	}
}

void xc_leases_free(struct xc_leases *t)
{
	if (!t)
		return;
	while (t->head)
		xc_leases_unlink(t, t->head->owner);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void xc_leases_drop(struct xc_leases *t, const void *owner)
{
	pthread_mutex_lock(&t->lock);
	xc_leases_unlink(t, owner);
	pthread_mutex_unlock(&t->lock);
}

static bool xc_has(const uint8_t *m, uint32_t q)
{
	return q < XC_MAX_QUEUES && (m[q / 8] & (1u << (q % 8)));
}

/* "ADDR" of "ADDR:PORT" or "[ADDR6]:PORT": its length. */
static size_t xc_host_len(const char *peer)
{
	const char *c = strrchr(peer, ':');

	return c ? (size_t)(c - peer) : strlen(peer);
}

/*
 * The same controller: the same identity; for unauthenticated ones (only
 * their address is known) the same address.
 */
static bool xc_same_ctl(const struct xc_lease *l,
			const struct xc_lease_who *who)
{
	const char *p = who->peer ? who->peer : "";
	size_t n = xc_host_len(l->peer);

	if (l->identity || who->identity)
		return l->identity && who->identity &&
		       !strcmp(l->identity, who->identity);
	return n == xc_host_len(p) && !strncmp(l->peer, p, n);
}

static void xc_holder_name(const struct xc_lease *l, char *buf, size_t len)
{
	if (l->identity)
		snprintf(buf, len, "controller %s from %s", l->identity,
			 l->peer);
	else
		snprintf(buf, len, "unauthenticated controller at %s",
			 l->peer);
}

/* "busy: WHAT held by HOLDER since T for run R" */
static int xc_busy(const struct xc_lease *l, const struct xc_lease_who *who,
		   const char *what, char *err, size_t errlen)
{
	char name[192], since[32];
	struct tm tm;

	xc_holder_name(l, name, sizeof(name));
	gmtime_r(&l->since, &tm);
	strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (xc_same_ctl(l, who))
		return xc_errf(err, errlen, EBUSY,
			       "busy: %s held by your own earlier session (%s) since %s for run %016" PRIx64 "; it is given back when that session sends Release or disconnects",
			       what, name, since, l->run_id);
	return xc_errf(err, errlen, EBUSY,
		       "busy: %s held by %s since %s for run %016" PRIx64,
		       what, name, since, l->run_id);
}

/* What of a another session's l holds; the caller holds the lock. */
static int xc_conflict(const struct xc_lease *l,
		       const struct xc_lease_who *who,
		       const struct xc_dp_ask *a, char *err, size_t errlen)
{
	char what[96];
	size_t i;

	for (i = 0; i < a->nqueues; i++) {
		if (!xc_has(l->qmap, a->queues[i]))
			continue;
		snprintf(what, sizeof(what), "%s queue %u", a->ifname,
			 a->queues[i]);
		return xc_busy(l, who, what, err, errlen);
	}
	if (a->rx && l->xdp) {
		snprintf(what, sizeof(what),
			 "%s's XDP hook (a receiving run's XDP program takes the whole interface)",
			 a->ifname);
		return xc_busy(l, who, what, err, errlen);
	}
	return 0;
}

static struct xc_lease *xc_lease_make(const struct xc_lease_who *who,
				      const struct xc_dp_ask *a)
{
	struct xc_lease *l = calloc(1, sizeof(*l));
	size_t i;

	if (!l)
		return NULL;
	l->owner = who->owner;
	l->identity = who->identity ? strdup(who->identity) : NULL;
	l->peer = strdup(who->peer ? who->peer : "?");
	if ((who->identity && !l->identity) || !l->peer) {
		xc_lease_free(l);
		return NULL;
	}
	l->run_id = who->run_id;
	l->since = who->since;
	snprintf(l->ifname, sizeof(l->ifname), "%s", a->ifname);
	l->xdp = a->rx;
	for (i = 0; i < a->nqueues; i++)
		if (a->queues[i] < XC_MAX_QUEUES)
			l->qmap[a->queues[i] / 8] |= 1u << (a->queues[i] % 8);
	return l;
}

int xc_leases_take(struct xc_leases *t, const struct xc_lease_who *who,
		   const struct xc_dp_ask *a, char *err, size_t errlen)
{
	struct xc_lease *l;
	int ret = 0;

	pthread_mutex_lock(&t->lock);
	xc_leases_unlink(t, who->owner);
	for (l = t->head; l && !ret; l = l->next)
		if (!strcmp(l->ifname, a->ifname))
			ret = xc_conflict(l, who, a, err, errlen);
	if (!ret) {
		l = xc_lease_make(who, a);
		if (l) {
			l->next = t->head;
			t->head = l;
		} else {
			ret = xc_errf(err, errlen, ENOMEM, "out of memory");
		}
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

/* ------------------------------------------------------------ the agent's */

static struct xc_leases xc_agent_leases = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

int xc_lease_prepare(const void *owner, struct xc_conn *c,
		     const Xceiver__V1__Prepare *pr, char *err,
		     size_t errlen)
{
	struct xc_lease_who who = {
		.owner = owner,
		.identity = xc_conn_identity(c),
		.peer = xc_conn_peer(c),
		.since = time(NULL),
	};
	struct xc_dp_ask a;
	int ret;

	ret = xc_policy_prepare(c, pr, &a, err, errlen);
	if (ret)
		return ret;
	who.run_id = pr->run_id;
	return xc_leases_take(&xc_agent_leases, &who, &a, err, errlen);
}

void xc_lease_drop(const void *owner)
{
	xc_leases_drop(&xc_agent_leases, owner);
}
