// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agent's host policy (xc_policy.h): the file and flag parsers, the
 * judges, and the agent's own policy with its hooks for the session.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "xc_log.h"
#include "xc_policy.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_QMAP_BYTES	(XC_MAX_QUEUES / 8)

struct xc_policy_if {
	char name[IF_NAMESIZE];
	bool all;			/* every queue */
	uint8_t qmap[XC_QMAP_BYTES];	/* else these */
};

struct xc_policy_ctl {
	char *identity;
	char (*ifs)[IF_NAMESIZE];
	size_t nifs;
	size_t line;			/* in the file */
};

struct xc_policy_mgmt {
	char name[IF_NAMESIZE];
	char addr[INET6_ADDRSTRLEN];
};

struct xc_policy {
	struct xc_policy_if *ifs;
	size_t nifs;
	struct xc_policy_limits lim;
	bool has_ctls;			/* a controllers section */
	struct xc_policy_ctl *ctls;
	size_t nctls;
	struct xc_policy_mgmt *mgmt;	/* carry the listen address */
	size_t nmgmt;
	char *file;
};

struct xc_policy *xc_policy_new(void)
{
	return calloc(1, sizeof(struct xc_policy));
}

void xc_policy_free(struct xc_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nctls; i++) {
		free(p->ctls[i].identity);
		free(p->ctls[i].ifs);
	}
	free(p->ctls);
	free(p->ifs);
	free(p->mgmt);
	free(p->file);
	free(p);
}

bool xc_policy_allows_nothing(const struct xc_policy *p)
{
	return !p || !p->nifs;
}

const struct xc_policy_limits *xc_policy_limits(const struct xc_policy *p)
{
	return &p->lim;
}

/* ------------------------------------------------------------ queue sets */

static bool xc_qmap_has(const uint8_t *m, uint32_t q)
{
	return q < XC_MAX_QUEUES && (m[q / 8] & (1u << (q % 8)));
}

static void xc_qmap_set(uint8_t *m, uint32_t q)
{
	m[q / 8] |= 1u << (q % 8);
}

/* One queue number: digits only, below XC_MAX_QUEUES. */
static int xc_queue_num(const char **s, uint32_t *q)
{
	unsigned long v = 0;
	const char *c = *s;

	if (*c < '0' || *c > '9')
		return -EINVAL;
	while (*c >= '0' && *c <= '9') {
		v = v * 10 + (unsigned long)(*c - '0');
		if (v >= XC_MAX_QUEUES)
			return -ERANGE;
		c++;
	}
	*q = (uint32_t)v;
	*s = c;
	return 0;
}

/*
 * "0-3,6" into m: numbers and ranges, comma separated, spaces around
 * them allowed. why: what is wrong, for the caller's message.
 */
static int xc_queues_parse(const char *s, uint8_t *m, char *why,
			   size_t whylen)
{
	uint32_t lo, hi, q;
	int ret;

	do {
		while (*s == ' ')
			s++;
		ret = xc_queue_num(&s, &lo);
		hi = lo;
		if (!ret && *s == '-') {
			s++;
			ret = xc_queue_num(&s, &hi);
		}
		if (ret == -ERANGE)
			return xc_errf(why, whylen, ERANGE,
				       "a queue above %u", XC_MAX_QUEUES - 1);
		if (ret)
			return xc_errf(why, whylen, EINVAL,
				       "expected a queue number at \"%s\"", s);
		if (hi < lo)
			return xc_errf(why, whylen, EINVAL,
				       "range %u-%u goes down", lo, hi);
		for (q = lo; q <= hi; q++)
			xc_qmap_set(m, q);
		while (*s == ' ')
			s++;
	} while (*s++ == ',');
	if (s[-1])
		return xc_errf(why, whylen, EINVAL,
			       "unexpected \"%s\" (queues are like 0-3,6)",
			       s - 1);
	return 0;
}

/* m as "0-3,6" into buf. */
static void xc_qmap_format(const struct xc_policy_if *pi, char *buf,
			   size_t len)
{
	size_t at = 0;
	uint32_t q, end;

	buf[0] = '\0';
	if (pi->all) {
		snprintf(buf, len, "all");
		return;
	}
	for (q = 0; q < XC_MAX_QUEUES && at < len; q = end + 1) {
		if (!xc_qmap_has(pi->qmap, q)) {
			end = q;
			continue;
		}
		for (end = q; xc_qmap_has(pi->qmap, end + 1); end++)
			;
		at += snprintf(buf + at, len - at, "%s%u", at ? "," : "", q);
		if (end > q && at < len)
			at += snprintf(buf + at, len - at, "-%u", end);
	}
}

/* ------------------------------------------------------------ interfaces */

/* The kernel's rules for a name (dev_valid_name), ':' too. */
static bool xc_ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return strcspn(s, "/: \t\n\r\f\v") == n;
}

static struct xc_policy_if *xc_policy_find(const struct xc_policy *p,
					   const char *ifname)
{
	size_t i;

	for (i = 0; p && i < p->nifs; i++)
		if (!strcmp(p->ifs[i].name, ifname))
			return &p->ifs[i];
	return NULL;
}

/* The entry of ifname, made when new; NULL when out of memory. */
static struct xc_policy_if *xc_policy_if_get(struct xc_policy *p,
					     const char *ifname)
{
	struct xc_policy_if *pi = xc_policy_find(p, ifname), *n;

	if (pi)
		return pi;
	n = realloc(p->ifs, (p->nifs + 1) * sizeof(*n));
	if (!n)
		return NULL;
	p->ifs = n;
	pi = &p->ifs[p->nifs++];
	memset(pi, 0, sizeof(*pi));
	snprintf(pi->name, sizeof(pi->name), "%s", ifname);
	return pi;
}

/*
 * Allow queues ("all" or a list) of ifname, added to what it had. why:
 * what is wrong.
 */
static int xc_policy_add_if(struct xc_policy *p, const char *ifname,
			    const char *queues, char *why, size_t whylen)
{
	uint8_t m[XC_QMAP_BYTES] = { 0 };
	struct xc_policy_if *pi;
	bool all = !queues || !strcmp(queues, "all");
	size_t i;
	int ret;

	if (!xc_ifname_ok(ifname))
		return xc_errf(why, whylen, EINVAL,
			       "\"%s\" is not an interface name (1 to %d characters, no '/', ':' or spaces)",
			       ifname, IF_NAMESIZE - 1);
	if (!all) {
		ret = xc_queues_parse(queues, m, why, whylen);
		if (ret)
			return ret;
	}
	pi = xc_policy_if_get(p, ifname);
	if (!pi)
		return xc_errf(why, whylen, ENOMEM, "out of memory");
	pi->all |= all;
	for (i = 0; i < sizeof(m); i++)
		pi->qmap[i] |= m[i];
	return 0;
}

int xc_policy_allow(struct xc_policy *p, const char *arg, char *err,
		    size_t errlen)
{
	char name[64], why[160];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);

	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, arg, n);
	name[n] = '\0';
	if (colon && !colon[1])
		return xc_errf(err, errlen, EINVAL,
			       "--allow %s: no queues after ':' (give IFNAME for every queue, or IFNAME:0-3,6)",
			       arg);
	if (xc_policy_add_if(p, name, colon ? colon + 1 : NULL, why,
			     sizeof(why)))
		return xc_errf(err, errlen, EINVAL, "--allow %s: %s", arg,
			       why);
	return 0;
}

/* ------------------------------------------------------------ the file */

struct xc_pctx {
	struct xc_policy *p;
	const char *name;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

static int xc_perr(struct xc_pctx *c, const yaml_node_t *n, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

static int xc_perr(struct xc_pctx *c, const yaml_node_t *n, const char *fmt,
		   ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return xc_errf(c->err, c->errlen, EINVAL, "%s:%zu:%zu: %s", c->name,
		       n->start_mark.line + 1, n->start_mark.column + 1, msg);
}

static yaml_node_t *xc_pnode(struct xc_pctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static bool xc_pnull(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null");
}

/* A scalar's text, or NULL (with the error made) for anything else. */
static const char *xc_pscalar(struct xc_pctx *c, const yaml_node_t *n,
			      const char *what, int *ret)
{
	if (n->type == YAML_SCALAR_NODE)
		return (const char *)n->data.scalar.value;
	*ret = xc_perr(c, n, "%s: expected a single value", what);
	return NULL;
}

/* Whether a key before pr in mapping n is key. */
static bool xc_pdup(struct xc_pctx *c, const yaml_node_t *n,
		    const yaml_node_pair_t *pr, const char *key)
{
	const yaml_node_pair_t *q;
	const yaml_node_t *k;

	for (q = n->data.mapping.pairs.start; q < pr; q++) {
		k = xc_pnode(c, q->key);
		if (k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return true;
	}
	return false;
}

/* Walk a mapping; fn gets each key's text and the value node. */
typedef int (*xc_ppair_fn)(struct xc_pctx *c, const yaml_node_t *k,
			   const char *key, yaml_node_t *v, void *arg);

static int xc_pmap(struct xc_pctx *c, yaml_node_t *n, const char *what,
		   xc_ppair_fn fn, void *arg)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v;
	const char *key;
	int ret = 0;

	if (xc_pnull(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return xc_perr(c, n, "%s: expected a mapping (key: value)",
			       what);
	for (pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		k = xc_pnode(c, pr->key);
		v = xc_pnode(c, pr->value);
		key = xc_pscalar(c, k, what, &ret);
		if (!key)
			return ret;
		if (xc_pdup(c, n, pr, key))
			return xc_perr(c, k, "%s.%s: given twice", what, key);
		ret = fn(c, k, key, v, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static int xc_pif(struct xc_pctx *c, const yaml_node_t *k, const char *key,
		  yaml_node_t *v, void *arg)
{
	char why[160];
	const char *q;
	int ret = 0;

	if (xc_pnull(v))
		return xc_perr(c, v, "interfaces.%s: give \"all\" or its queues (like 0-3,6)",
			       key);
	q = xc_pscalar(c, v, "interfaces", &ret);
	if (!q)
		return ret;
	if (xc_policy_add_if(c->p, key, q, why, sizeof(why)))
		return xc_perr(c, v, "interfaces.%s: %s", key, why);
	return 0;
}

/* A limit: a whole number of at least 1. */
static int xc_plimit_val(struct xc_pctx *c, const char *key,
			 const yaml_node_t *v, uint64_t *out)
{
	const char *s;
	char *end;
	int ret = 0;

	s = xc_pscalar(c, v, "limits", &ret);
	if (!s)
		return ret;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno)
		return xc_perr(c, v, "limits.%s: \"%s\" is not a whole number",
			       key, s);
	if (!*out)
		return xc_perr(c, v, "limits.%s: 0; at least 1 (leave the key out for no limit)",
			       key);
	return 0;
}

static int xc_plimit(struct xc_pctx *c, const yaml_node_t *k, const char *key,
		     yaml_node_t *v, void *arg)
{
	struct xc_policy_limits *l = &c->p->lim;
	static const struct {
		const char *name;
		size_t off;
	} keys[] = {
		{ "max_rate_pps", offsetof(struct xc_policy_limits,
					   max_rate_pps) },
		{ "max_frames", offsetof(struct xc_policy_limits, max_frames) },
		{ "max_duration_ms", offsetof(struct xc_policy_limits,
					      max_duration_ms) },
		{ "max_umem_bytes", offsetof(struct xc_policy_limits,
					     max_umem_bytes) },
	};
	size_t i;

	for (i = 0; i < XC_ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i].name))
			return xc_plimit_val(c, key, v,
					     (uint64_t *)((char *)l +
							  keys[i].off));
	return xc_perr(c, k, "limits.%s: unknown key (max_rate_pps, max_frames, max_duration_ms, max_umem_bytes)",
		       key);
}

static int xc_pctl_if(struct xc_pctx *c, struct xc_policy_ctl *pc,
		      const char *id, yaml_node_t *n)
{
	char (*ifs)[IF_NAMESIZE];
	const char *s;
	int ret = 0;

	s = xc_pscalar(c, n, "controllers", &ret);
	if (!s)
		return ret;
	if (!xc_ifname_ok(s))
		return xc_perr(c, n, "controllers.%s: \"%s\" is not an interface name",
			       id, s);
	ifs = realloc(pc->ifs, (pc->nifs + 1) * sizeof(*ifs));
	if (!ifs)
		return xc_errf(c->err, c->errlen, ENOMEM, "out of memory");
	pc->ifs = ifs;
	snprintf(pc->ifs[pc->nifs++], IF_NAMESIZE, "%s", s);
	return 0;
}

static int xc_pctl(struct xc_pctx *c, const yaml_node_t *k, const char *key,
		   yaml_node_t *v, void *arg)
{
	struct xc_policy *p = c->p;
	struct xc_policy_ctl *pc;
	yaml_node_item_t *it;
	int ret;

	if (!*key)
		return xc_perr(c, k, "controllers: an empty identity");
	if (v->type != YAML_SEQUENCE_NODE)
		return xc_perr(c, v, "controllers.%s: expected a list of interfaces ([eth1, eth2], or [] for none)",
			       key);
	pc = realloc(p->ctls, (p->nctls + 1) * sizeof(*pc));
	if (!pc)
		return xc_errf(c->err, c->errlen, ENOMEM, "out of memory");
	p->ctls = pc;
	pc = &p->ctls[p->nctls];
	memset(pc, 0, sizeof(*pc));
	pc->identity = strdup(key);
	if (!pc->identity)
		return xc_errf(c->err, c->errlen, ENOMEM, "out of memory");
	pc->line = k->start_mark.line + 1;
	p->nctls++;
	for (it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		ret = xc_pctl_if(c, pc, key, xc_pnode(c, *it));
		if (ret)
			return ret;
	}
	return 0;
}

static int xc_ptop(struct xc_pctx *c, const yaml_node_t *k, const char *key,
		   yaml_node_t *v, void *arg)
{
	if (!strcmp(key, "interfaces"))
		return xc_pmap(c, v, key, xc_pif, NULL);
	if (!strcmp(key, "limits"))
		return xc_pmap(c, v, key, xc_plimit, NULL);
	if (!strcmp(key, "controllers")) {
		c->p->has_ctls = true;
		return xc_pmap(c, v, key, xc_pctl, NULL);
	}
	return xc_perr(c, k, "%s: unknown key (interfaces, limits, controllers)",
		       key);
}

static int xc_psyntax(yaml_parser_t *y, const char *name, char *err,
		      size_t errlen)
{
	if (y->error == YAML_MEMORY_ERROR)
		return xc_errf(err, errlen, ENOMEM, "%s: out of memory", name);
	if (y->error == YAML_READER_ERROR)
		return xc_errf(err, errlen, EINVAL, "%s: byte %zu: %s", name,
			       y->problem_offset,
			       y->problem ? y->problem : "unreadable input");
	return xc_errf(err, errlen, EINVAL, "%s:%zu:%zu: YAML syntax error: %s",
		       name, y->problem_mark.line + 1,
		       y->problem_mark.column + 1,
		       y->problem ? y->problem : "invalid YAML");
}

/* The document's policy into p; a second document is refused. */
static int xc_pdoc(struct xc_pctx *c, yaml_parser_t *y)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	yaml_document_t next;
	int ret;

	if (!root)
		return 0;
	ret = xc_pmap(c, root, "policy", xc_ptop, NULL);
	if (ret)
		return ret;
	if (!yaml_parser_load(y, &next))
		return xc_psyntax(y, c->name, c->err, c->errlen);
	root = yaml_document_get_root_node(&next);
	if (root)
		ret = xc_perr(c, root, "a second YAML document");
	yaml_document_delete(&next);
	return ret;
}

static int xc_pload(struct xc_policy *p, const char *name, yaml_parser_t *y,
		    char *err, size_t errlen)
{
	yaml_document_t doc;
	struct xc_pctx c = {
		.p = p, .name = name, .doc = &doc, .err = err,
		.errlen = errlen,
	};
	int ret;

	free(p->file);
	p->file = strdup(name);
	if (!p->file)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	if (!yaml_parser_load(y, &doc))
		return xc_psyntax(y, name, err, errlen);
	ret = xc_pdoc(&c, y);
	yaml_document_delete(&doc);
	return ret;
}

int xc_policy_load(struct xc_policy *p, const char *name, const char *text,
		   size_t len, char *err, size_t errlen)
{
	yaml_parser_t y;
	int ret;

	if (!yaml_parser_initialize(&y))
		return xc_errf(err, errlen, ENOMEM, "%s: out of memory", name);
	yaml_parser_set_input_string(&y, (const unsigned char *)text, len);
	ret = xc_pload(p, name, &y, err, errlen);
	yaml_parser_delete(&y);
	return ret;
}

int xc_policy_load_file(struct xc_policy *p, const char *path, char *err,
			size_t errlen)
{
	yaml_parser_t y;
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (!f)
		return xc_errf(err, errlen, errno, "%s: cannot open: %s", path,
			       strerror(errno));
	if (!yaml_parser_initialize(&y)) {
		fclose(f);
		return xc_errf(err, errlen, ENOMEM, "%s: out of memory", path);
	}
	yaml_parser_set_input_file(&y, f);
	ret = xc_pload(p, path, &y, err, errlen);
	yaml_parser_delete(&y);
	fclose(f);
	return ret;
}

int xc_policy_check(const struct xc_policy *p, char *err, size_t errlen)
{
	const struct xc_policy_ctl *pc;
	size_t i, j;

	for (i = 0; i < p->nctls; i++) {
		pc = &p->ctls[i];
		for (j = 0; j < pc->nifs; j++)
			if (!xc_policy_find(p, pc->ifs[j]))
				return xc_errf(err, errlen, EINVAL,
					       "%s:%zu: controllers.%s: interface %s is not allowed (list it under interfaces, or --allow %s)",
					       p->file ? p->file : "policy",
					       pc->line, pc->identity,
					       pc->ifs[j], pc->ifs[j]);
	}
	return 0;
}

/* ------------------------------------------------------------ listen */

int xc_policy_refuse_if(struct xc_policy *p, const char *ifname,
			const char *addr)
{
	struct xc_policy_mgmt *m;
	size_t i;

	for (i = 0; i < p->nmgmt; i++)
		if (!strcmp(p->mgmt[i].name, ifname))
			return 0;
	m = realloc(p->mgmt, (p->nmgmt + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	p->mgmt = m;
	m = &p->mgmt[p->nmgmt++];
	snprintf(m->name, sizeof(m->name), "%s", ifname);
	snprintf(m->addr, sizeof(m->addr), "%s", addr);
	return 0;
}

/*
 * Whether ifa carries the address of ss. A wildcard carries every IPv4
 * address, and an IPv6 wildcard every IPv6 address too.
 */
static bool xc_carries(const struct ifaddrs *ifa,
		       const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *a4 = (const void *)ss, *i4;
	const struct sockaddr_in6 *a6 = (const void *)ss, *i6;

	if (!ifa->ifa_addr)
		return false;
	if (xc_addr_is_any(ss))
		return ifa->ifa_addr->sa_family == AF_INET ||
		       (ss->ss_family == AF_INET6 &&
			ifa->ifa_addr->sa_family == AF_INET6);
	if (ss->ss_family == AF_INET) {
		i4 = (const void *)ifa->ifa_addr;
		return ifa->ifa_addr->sa_family == AF_INET &&
		       a4->sin_addr.s_addr == i4->sin_addr.s_addr;
	}
	i6 = (const void *)ifa->ifa_addr;
	return ifa->ifa_addr->sa_family == AF_INET6 &&
	       IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &i6->sin6_addr);
}

int xc_policy_listen(struct xc_policy *p, const char *addrport, char *err,
		     size_t errlen)
{
	struct sockaddr_storage ss;
	struct ifaddrs *all, *ifa;
	char addr[INET6_ADDRSTRLEN];
	const void *in;
	int ret = 0;

	if (xc_parse_addrport(addrport, &ss))
		return xc_errf(err, errlen, EINVAL,
			       "%s: expected ADDR:PORT or [ADDR6]:PORT",
			       addrport);
	in = ss.ss_family == AF_INET ?
	     (const void *)&((struct sockaddr_in *)&ss)->sin_addr :
	     (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
	inet_ntop(ss.ss_family, in, addr, sizeof(addr));
	if (getifaddrs(&all))
		return xc_errf(err, errlen, errno,
			       "cannot list the interfaces' addresses: %s",
			       strerror(errno));
	for (ifa = all; ifa && !ret; ifa = ifa->ifa_next)
		if (xc_carries(ifa, &ss))
			ret = xc_policy_refuse_if(p, ifa->ifa_name, addr);
	freeifaddrs(all);
	if (ret)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	return 0;
}

/* ------------------------------------------------------------ judging */

void xc_policy_who_name(const struct xc_policy_who *who, char *buf,
			size_t len)
{
	if (who->identity)
		snprintf(buf, len, "controller %s", who->identity);
	else
		snprintf(buf, len, "unauthenticated controller at %s",
			 who->peer ? who->peer : "?");
}

/* The allowed interfaces as "a, b, c". */
static void xc_policy_if_list(const struct xc_policy *p, char *buf,
			      size_t len)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < p->nifs && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s", i ? ", " : "",
			       p->ifs[i].name);
}

static const struct xc_policy_ctl *xc_policy_ctl(const struct xc_policy *p,
						 const char *identity)
{
	size_t i;

	for (i = 0; identity && i < p->nctls; i++)
		if (!strcmp(p->ctls[i].identity, identity))
			return &p->ctls[i];
	return NULL;
}

static bool xc_ctl_may(const struct xc_policy_ctl *pc, const char *ifname)
{
	size_t i;

	for (i = 0; i < pc->nifs; i++)
		if (!strcmp(pc->ifs[i], ifname))
			return true;
	return false;
}

/* The controllers section: who may use ifname. */
static int xc_judge_ctl(const struct xc_policy *p,
			const struct xc_policy_who *who, const char *ifname,
			char *why, size_t whylen)
{
	const struct xc_policy_ctl *pc = xc_policy_ctl(p, who->identity);
	char name[192], list[256];
	size_t i, at = 0;

	xc_policy_who_name(who, name, sizeof(name));
	if (!who->identity)
		return xc_errf(why, whylen, EPERM,
			       "%s may not use %s: this agent's policy names the controllers that may use each interface (controllers:), and only an authenticated controller has a name",
			       name, ifname);
	if (!pc)
		return xc_errf(why, whylen, EPERM,
			       "%s may not use %s: this agent's policy does not list it under controllers",
			       name, ifname);
	if (xc_ctl_may(pc, ifname))
		return 0;
	list[0] = '\0';
	for (i = 0; i < pc->nifs && at < sizeof(list); i++)
		at += snprintf(list + at, sizeof(list) - at, "%s%s",
			       i ? ", " : "", pc->ifs[i]);
	return xc_errf(why, whylen, EPERM,
		       "%s may not use %s: this agent's policy lets it use %s",
		       name, ifname, pc->nifs ? list : "no interface");
}

static const struct xc_policy_mgmt *xc_policy_mgmt(const struct xc_policy *p,
						   const char *ifname)
{
	size_t i;

	for (i = 0; p && i < p->nmgmt; i++)
		if (!strcmp(p->mgmt[i].name, ifname))
			return &p->mgmt[i];
	return NULL;
}

int xc_policy_judge_if(const struct xc_policy *p,
		       const struct xc_policy_who *who, const char *ifname,
		       char *why, size_t whylen)
{
	const struct xc_policy_mgmt *m = xc_policy_mgmt(p, ifname);
	char list[256];

	if (m)
		return xc_errf(why, whylen, EPERM,
			       "interface %s carries this agent's listen address %s (its control channel): never used for tests, whatever the policy allows",
			       ifname, m->addr);
	if (xc_policy_allows_nothing(p))
		return xc_errf(why, whylen, EPERM,
			       "interface %s is not allowed: this agent allows no interface (start it with --allow %s[:QUEUES], or --policy FILE listing %s under interfaces)",
			       ifname, ifname, ifname);
	if (!xc_policy_find(p, ifname)) {
		xc_policy_if_list(p, list, sizeof(list));
		return xc_errf(why, whylen, EPERM,
			       "interface %s is not allowed by this agent's policy (it allows %s; add --allow %s[:QUEUES], or list it under interfaces in the --policy file)",
			       ifname, list, ifname);
	}
	if (p->has_ctls)
		return xc_judge_ctl(p, who, ifname, why, whylen);
	return 0;
}

static int xc_judge_queues(const struct xc_policy *p,
			   const struct xc_dp_ask *a, char *why,
			   size_t whylen)
{
	const struct xc_policy_if *pi = xc_policy_find(p, a->ifname);
	char list[256];
	size_t i;

	if (pi->all)
		return 0;
	for (i = 0; i < a->nqueues; i++) {
		if (xc_qmap_has(pi->qmap, a->queues[i]))
			continue;
		xc_qmap_format(pi, list, sizeof(list));
		return xc_errf(why, whylen, EPERM,
			       "queue %u of %s is not allowed by this agent's policy (it allows queues %s of %s; --allow %s:QUEUES adds more)",
			       a->queues[i], a->ifname, list, a->ifname,
			       a->ifname);
	}
	return 0;
}

static int xc_judge_limits(const struct xc_policy_limits *l,
			   const struct xc_dp_ask *a, char *why,
			   size_t whylen)
{
	if (l->max_rate_pps && a->full_speed)
		return xc_errf(why, whylen, E2BIG,
			       "stream %u has no rate (full speed), and this agent allows at most %" PRIu64 " pps a run (max_rate_pps): give every stream a rate",
			       a->full_speed_id, l->max_rate_pps);
	if (l->max_rate_pps && a->rate_pps > (double)l->max_rate_pps)
		return xc_errf(why, whylen, E2BIG,
			       "the run's streams ask for %.0f pps together, above this agent's limit of %" PRIu64 " pps (max_rate_pps)",
			       a->rate_pps, l->max_rate_pps);
	if (l->max_frames && a->frames > l->max_frames)
		return xc_errf(why, whylen, E2BIG,
			       "the run's streams have %" PRIu64 " frames together, above this agent's limit of %" PRIu64 " (max_frames)",
			       a->frames, l->max_frames);
	if (l->max_duration_ms && a->full_speed)
		return xc_errf(why, whylen, E2BIG,
			       "stream %u has no rate (full speed), so its time is not known ahead, and this agent allows runs of at most %" PRIu64 " ms (max_duration_ms): give every stream a rate",
			       a->full_speed_id, l->max_duration_ms);
	if (l->max_duration_ms && a->duration_ms > (double)l->max_duration_ms)
		return xc_errf(why, whylen, E2BIG,
			       "the run's longest stream takes %.0f ms at its rate, above this agent's limit of %" PRIu64 " ms (max_duration_ms)",
			       a->duration_ms, l->max_duration_ms);
	if (l->max_umem_bytes && a->umem_bytes > l->max_umem_bytes)
		return xc_errf(why, whylen, E2BIG,
			       "the run's UMEM takes %" PRIu64 " bytes over %zu queue%s, above this agent's limit of %" PRIu64 " bytes (max_umem_bytes)",
			       a->umem_bytes, a->nqueues,
			       a->nqueues == 1 ? "" : "s", l->max_umem_bytes);
	return 0;
}

static int xc_judge_mem(const struct xc_dp_ask *a, uint64_t mem_avail,
			char *why, size_t whylen)
{
	uint64_t max = mem_avail / 100 * XC_POLICY_MEM_PCT +
		       mem_avail % 100 * XC_POLICY_MEM_PCT / 100;

	if (!mem_avail || a->umem_bytes <= max)
		return 0;
	return xc_errf(why, whylen, E2BIG,
		       "the run's UMEM takes %" PRIu64 " bytes over %zu queue%s, more than %d%% of this host's available memory (MemAvailable %" PRIu64 " bytes): at most %" PRIu64,
		       a->umem_bytes, a->nqueues, a->nqueues == 1 ? "" : "s",
		       XC_POLICY_MEM_PCT, mem_avail, max);
}

int xc_policy_judge_prepare(const struct xc_policy *p,
			    const struct xc_policy_who *who,
			    const Xceiver__V1__Prepare *pr, uint64_t mem_avail,
			    struct xc_dp_ask *a, char *why, size_t whylen)
{
	int ret;

	ret = xc_dp_ask(pr, a, why, whylen);
	if (ret)
		return ret;
	return xc_policy_judge_if(p, who, a->ifname, why, whylen) ?:
	       xc_judge_queues(p, a, why, whylen) ?:
	       xc_judge_limits(&p->lim, a, why, whylen) ?:
	       xc_judge_mem(a, mem_avail, why, whylen);
}

/* ------------------------------------------------------------ printing */

static void xc_policy_log_limits(const struct xc_policy_limits *l)
{
	if (l->max_rate_pps)
		pr_info("policy: at most %" PRIu64 " pps a run\n",
			l->max_rate_pps);
	if (l->max_frames)
		pr_info("policy: at most %" PRIu64 " frames a run\n",
			l->max_frames);
	if (l->max_duration_ms)
		pr_info("policy: runs of at most %" PRIu64 " ms\n",
			l->max_duration_ms);
	if (l->max_umem_bytes)
		pr_info("policy: at most %" PRIu64 " UMEM bytes a run\n",
			l->max_umem_bytes);
}

void xc_policy_log(const struct xc_policy *p)
{
	char q[256];
	size_t i;

	for (i = 0; p && i < p->nmgmt; i++)
		pr_info("policy: never %s (it carries the listen address %s)\n",
			p->mgmt[i].name, p->mgmt[i].addr);
	if (xc_policy_allows_nothing(p)) {
		pr_warn("policy: no interface is allowed: every Prepare and IfInfo will be refused (allow interfaces with --allow IFNAME[:QUEUES] or --policy FILE)\n");
		return;
	}
	for (i = 0; i < p->nifs; i++) {
		xc_qmap_format(&p->ifs[i], q, sizeof(q));
		if (xc_policy_mgmt(p, p->ifs[i].name))
			pr_warn("policy: %s is allowed but carries the listen address: refused all the same\n",
				p->ifs[i].name);
		else
			pr_info("policy: allows %s, queues %s\n",
				p->ifs[i].name, q);
	}
	xc_policy_log_limits(&p->lim);
	if (p->has_ctls)
		pr_info("policy: %zu controller%s named, no other may use an interface\n",
			p->nctls, p->nctls == 1 ? "" : "s");
}

/* ------------------------------------------------------------ the agent's */

static struct xc_policy *xc_agent_policy;

void xc_policy_install(struct xc_policy *p)
{
	xc_policy_free(xc_agent_policy);
	xc_agent_policy = p;
}

void xc_policy_uninstall(void)
{
	xc_policy_install(NULL);
}

uint64_t xc_policy_mem_avail(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024;
}

static void xc_who_of(struct xc_conn *c, struct xc_policy_who *who)
{
	who->identity = xc_conn_identity(c);
	who->peer = xc_conn_peer(c);
}

int xc_policy_ifinfo(struct xc_conn *c, const char *ifname, char *err,
		     size_t errlen)
{
	struct xc_policy_who who;

	int ret;

	xc_who_of(c, &who);
	ret = xc_policy_judge_if(xc_agent_policy, &who, ifname ? ifname : "",
				 err, errlen);
	if (ret)
		pr_warn("%s: ifinfo refused: %s\n", who.peer, err);
	return ret;
}

int xc_policy_prepare(struct xc_conn *c, const Xceiver__V1__Prepare *pr,
		      struct xc_dp_ask *a, char *err, size_t errlen)
{
	static const struct xc_policy none;
	const struct xc_policy *p = xc_agent_policy ? xc_agent_policy : &none;
	struct xc_policy_who who;

	xc_who_of(c, &who);
	return xc_policy_judge_prepare(p, &who, pr, xc_policy_mem_avail(), a,
				       err, errlen);
}
