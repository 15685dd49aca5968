// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Verdict expectations: parsing "[stream N] COUNTER OP VALUE" (or "[stream
 * N] COUNTER not judged", or a latency figure with VALUE in microseconds)
 * and judging a measured value against it.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_expect.h"
#include "xc_util.h"

static const char *const xc_counter_names[XC_CTR_NUM] = {
	[XC_CTR_SENT] = "sent",
	[XC_CTR_DELIVERED] = "delivered",
	[XC_CTR_MISSING] = "missing",
	[XC_CTR_CORRUPT] = "corrupt",
	[XC_CTR_DUPLICATES] = "duplicates",
	[XC_CTR_REORDERED] = "reordered",
	[XC_CTR_UNEXPECTED] = "unexpected",
	[XC_CTR_LATE] = "late",
	[XC_CTR_DESC_ERRORS] = "desc_errors",
	[XC_CTR_FOREIGN] = "foreign",
	[XC_CTR_XDP_NO_SOCKET] = "xdp_no_socket",
	[XC_CTR_XDP_ACTION_FAILURES] = "xdp_action_failures",
	[XC_CTR_RX_DROPPED] = "rx_dropped",
	[XC_CTR_RX_INVALID_DESCS] = "rx_invalid_descs",
	[XC_CTR_TX_INVALID_DESCS] = "tx_invalid_descs",
	[XC_CTR_RX_RING_FULL] = "rx_ring_full",
	[XC_CTR_RX_FILL_RING_EMPTY_DESCS] = "rx_fill_ring_empty_descs",
	[XC_CTR_TX_RING_EMPTY_DESCS] = "tx_ring_empty_descs",
};

/* [rtt][metric] */
static const char *const xc_lat_names[2][XC_LAT_NUM] = {
	{
		[XC_LAT_MIN] = "latency_min_us",
		[XC_LAT_MEAN] = "latency_mean_us",
		[XC_LAT_P50] = "latency_p50_us",
		[XC_LAT_P90] = "latency_p90_us",
		[XC_LAT_P99] = "latency_p99_us",
		[XC_LAT_P999] = "latency_p999_us",
		[XC_LAT_P9999] = "latency_p9999_us",
		[XC_LAT_MAX] = "latency_max_us",
		[XC_LAT_JITTER] = "jitter_us",
		[XC_LAT_IPDV_P99] = "ipdv_p99_us",
	}, {
		[XC_LAT_MIN] = "rtt_min_us",
		[XC_LAT_MEAN] = "rtt_mean_us",
		[XC_LAT_P50] = "rtt_p50_us",
		[XC_LAT_P90] = "rtt_p90_us",
		[XC_LAT_P99] = "rtt_p99_us",
		[XC_LAT_P999] = "rtt_p999_us",
		[XC_LAT_P9999] = "rtt_p9999_us",
		[XC_LAT_MAX] = "rtt_max_us",
		[XC_LAT_JITTER] = "rtt_jitter_us",
		[XC_LAT_IPDV_P99] = "rtt_ipdv_p99_us",
	},
};

static const char *const xc_lat_short[XC_LAT_NUM] = {
	[XC_LAT_MIN] = "min", [XC_LAT_MEAN] = "mean", [XC_LAT_P50] = "p50",
	[XC_LAT_P90] = "p90", [XC_LAT_P99] = "p99", [XC_LAT_P999] = "p99.9",
	[XC_LAT_P9999] = "p99.99", [XC_LAT_MAX] = "max",
	[XC_LAT_JITTER] = "jitter", [XC_LAT_IPDV_P99] = "IPDV p99",
};

/* Longest operators first, so "<=" is not read as "<". */
static const struct {
	const char *s;
	enum xc_expect_op op;
} xc_ops[] = {
	{ "==", XC_OP_EQ }, { "!=", XC_OP_NE }, { "<=", XC_OP_LE },
	{ ">=", XC_OP_GE }, { "<", XC_OP_LT }, { ">", XC_OP_GT },
	{ "not judged", XC_OP_NOT_JUDGED },
};

const char *xc_counter_name(enum xc_counter c)
{
	if ((unsigned int)c >= XC_CTR_NUM)
		return NULL;
	return xc_counter_names[c];
}

int xc_counter_from_name(const char *name)
{
	int i;

	for (i = 0; i < XC_CTR_NUM; i++)
		if (!strcmp(name, xc_counter_names[i]))
			return i;
	return -ENOENT;
}

const char *xc_lat_metric_name(enum xc_lat_metric m, bool rtt)
{
	if ((unsigned int)m >= XC_LAT_NUM)
		return NULL;
	return xc_lat_names[rtt][m];
}

const char *xc_lat_metric_short(enum xc_lat_metric m)
{
	if ((unsigned int)m >= XC_LAT_NUM)
		return "?";
	return xc_lat_short[m];
}

int xc_lat_metric_from_name(const char *name, bool *rtt)
{
	int r, i;

	for (r = 0; r < 2; r++)
		for (i = 0; i < XC_LAT_NUM; i++)
			if (!strcmp(name, xc_lat_names[r][i])) {
				*rtt = r;
				return i;
			}
	return -ENOENT;
}

bool xc_lat_metric_per_stream(enum xc_lat_metric m)
{
	return m != XC_LAT_IPDV_P99;
}

bool xc_lat_metric_is_diff(enum xc_lat_metric m)
{
	return m == XC_LAT_JITTER || m == XC_LAT_IPDV_P99;
}

const char *xc_us_str(int64_t ns, char *buf, size_t len)
{
	uint64_t a = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
	unsigned int frac = a % 1000;
	int n;

	if (!frac) {
		snprintf(buf, len, "%s%" PRIu64, ns < 0 ? "-" : "", a / 1000);
		return buf;
	}
	while (!(frac % 10))
		frac /= 10;
	n = a % 100 ? (a % 10 ? 3 : 2) : 1;
	snprintf(buf, len, "%s%" PRIu64 ".%0*u", ns < 0 ? "-" : "",
		 a / 1000, n, frac);
	return buf;
}

bool xc_counter_per_stream(enum xc_counter c)
{
	return c <= XC_CTR_DESC_ERRORS;
}

bool xc_counter_is_socket(enum xc_counter c)
{
	return c >= XC_CTR_RX_DROPPED && c < XC_CTR_NUM;
}

const char *xc_expect_op_str(enum xc_expect_op op)
{
	size_t i;

	for (i = 0; i < XC_ARRAY_SIZE(xc_ops); i++)
		if (xc_ops[i].op == op)
			return xc_ops[i].s;
	return "?";
}

static const char *xc_skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* An unsigned integer at *p (decimal or 0x hex); advances *p. */
static int xc_parse_u64(const char **p, uint64_t *v)
{
	const char *s = *p;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -EINVAL;
		*v = strtoull(s + 2, &end, 16);
	} else {
		*v = strtoull(s, &end, 10);
	}
	if (errno || end == s)
		return -ERANGE;
	*p = end;
	return 0;
}

/*
 * "sent, delivered, ...); latency in us: latency_{min,...}_us, ...": the
 * latency figures' names in short, so the whole list fits a message.
 */
static void xc_known_list(char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < XC_CTR_NUM && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				xc_counter_names[i]);
	if (off < len)
		snprintf(buf + off, len - off,
			 "); latency in us: latency_{min,mean,p50,p90,p99,p999,p9999,max}_us, jitter_us, ipdv_p99_us; round trip: each with rtt_ for latency_ (rtt_p99_us, rtt_jitter_us)");
}

/* A latency metric's name: fills e, or -ENOENT. */
static int xc_parse_metric(const char *name, struct xc_expect *e, char *err,
			   size_t errlen)
{
	bool rtt = false;
	int m = xc_lat_metric_from_name(name, &rtt);

	if (m < 0)
		return -ENOENT;
	if (e->has_stream && !xc_lat_metric_per_stream(m))
		return xc_errf(err, errlen, EINVAL,
			       "%s is a total, not a per-stream figure (drop 'stream %" PRIu32 "')",
			       name, e->stream_id);
	e->latency = true;
	e->rtt = rtt;
	e->metric = m;
	return 0;
}

/* "stream N " prefix, if there. */
static int xc_parse_stream(const char **p, struct xc_expect *e, char *err,
			   size_t errlen)
{
	const char *s = *p;
	uint64_t id;

	if (strncmp(s, "stream", 6) || !isspace((unsigned char)s[6]))
		return 0;
	s = xc_skip_ws(s + 6);
	if (xc_parse_u64(&s, &id) || id > UINT32_MAX)
		return xc_errf(err, errlen, EINVAL,
			       "'stream' must be followed by a stream id (\"stream 2 missing <= 10\")");
	if (!isspace((unsigned char)*s))
		return xc_errf(err, errlen, EINVAL,
			       "a space must follow 'stream %" PRIu64 "'", id);
	e->has_stream = true;
	e->stream_id = id;
	*p = xc_skip_ws(s);
	return 0;
}

static int xc_parse_counter(const char **p, struct xc_expect *e, char *err,
			    size_t errlen)
{
	const char *s = *p;
	char name[64], known[1024];
	size_t n = 0;
	int c, ret;

	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	if (!n)
		return xc_errf(err, errlen, EINVAL,
			       "expected a counter name at '%s' (COUNTER OP VALUE, e.g. \"missing <= 10\")",
			       s);
	snprintf(name, sizeof(name), "%.*s", (int)XC_MIN(n, sizeof(name) - 1),
		 s);
	c = xc_counter_from_name(name);
	if (c < 0) {
		ret = xc_parse_metric(name, e, err, errlen);
		if (ret != -ENOENT) {
			*p = xc_skip_ws(s + n);
			return ret;
		}
		xc_known_list(known, sizeof(known));
		return xc_errf(err, errlen, EINVAL,
			       "unknown counter '%s' (known: %s", name, known);
	}
	if (e->has_stream && !xc_counter_per_stream(c))
		return xc_errf(err, errlen, EINVAL,
			       "%s is a total, not a per-stream counter (drop 'stream %" PRIu32 "')",
			       name, e->stream_id);
	e->counter = c;
	*p = xc_skip_ws(s + n);
	return 0;
}

static int xc_parse_op(const char **p, struct xc_expect *e, char *err,
		       size_t errlen)
{
	size_t i, n;

	for (i = 0; i < XC_ARRAY_SIZE(xc_ops); i++) {
		n = strlen(xc_ops[i].s);
		if (!strncmp(*p, xc_ops[i].s, n)) {
			e->op = xc_ops[i].op;
			*p = xc_skip_ws(*p + n);
			return 0;
		}
	}
	return xc_errf(err, errlen, EINVAL,
		       "expected an operator (== != <= >= < >) or 'not judged' at '%s'",
		       *p);
}

/*
 * Microseconds with up to 3 decimals at *p ("12.5", "-2" when sign_ok) as
 * ns in *ns; advances *p.
 */
static int xc_parse_us(const char **p, int64_t *ns, bool sign_ok, char *err,
		       size_t errlen)
{
	const char *s = *p;
	bool neg = *s == '-';
	uint64_t us = 0, frac = 0;
	int digits = 0;

	if (neg && !sign_ok)
		return xc_errf(err, errlen, EINVAL,
			       "'%s': a latency is not negative", *p);
	s += neg;
	if (!isdigit((unsigned char)*s))
		return xc_errf(err, errlen, EINVAL,
			       "'%s' is not a value in microseconds (\"12.5\")",
			       *p);
	while (isdigit((unsigned char)*s) && us <= XC_EXPECT_LAT_MAX_US)
		us = us * 10 + (uint64_t)(*s++ - '0');
	if (us > XC_EXPECT_LAT_MAX_US || isdigit((unsigned char)*s))
		return xc_errf(err, errlen, ERANGE,
			       "'%s': at most %llu us", *p,
			       XC_EXPECT_LAT_MAX_US);
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, digits++)
			if (digits < 3)
				frac = frac * 10 + (uint64_t)(*s - '0');
		if (!digits || digits > 3)
			return xc_errf(err, errlen, EINVAL,
				       "'%s': 1 to 3 decimals (the resolution is 1 ns)",
				       *p);
		while (digits++ < 3)
			frac *= 10;
	}
	*ns = (int64_t)(us * 1000 + frac) * (neg ? -1 : 1);
	*p = s;
	return 0;
}

/*
 * A latency check whose outcome does not depend on the measurement: every
 * figure but IPDV is at least 0, so ">= 0" always holds and "< 0" (and a
 * negative VALUE) never does. A latency has no default check to leave
 * out.
 */
static int xc_check_lat_vacuous(const struct xc_expect *e, char *err,
				size_t errlen)
{
	const char *name = xc_lat_metric_name(e->metric, e->rtt);
	const char *op = xc_expect_op_str(e->op);

	if (e->op == XC_OP_NOT_JUDGED)
		return xc_errf(err, errlen, EINVAL,
			       "%s has no default check to leave out: say what it must be (\"%s <= 50\") or drop it",
			       name, name);
	if (e->metric == XC_LAT_IPDV_P99)
		return 0;
	if (e->op == XC_OP_GE && !e->value_ns)
		return xc_errf(err, errlen, EINVAL,
			       "'%s %s 0' holds whatever is measured (no latency is below 0)",
			       name, op);
	if (e->op == XC_OP_LT && !e->value_ns)
		return xc_errf(err, errlen, EINVAL,
			       "'%s %s 0' can never hold (no latency is below 0)",
			       name, op);
	return 0;
}

/* VALUE, then nothing but spaces. */
static int xc_parse_value(const char *p, struct xc_expect *e, char *err,
			  size_t errlen)
{
	int ret;

	if (e->latency && e->op != XC_OP_NOT_JUDGED) {
		ret = xc_parse_us(&p, &e->value_ns,
				  e->metric == XC_LAT_IPDV_P99, err, errlen);
		if (ret)
			return ret;
	} else if (e->op != XC_OP_NOT_JUDGED && xc_parse_u64(&p, &e->value)) {
		return xc_errf(err, errlen, EINVAL,
			       "'%s' is not an unsigned integer value", p);
	}
	p = xc_skip_ws(p);
	if (*p)
		return xc_errf(err, errlen, EINVAL, "unexpected '%s' after %s",
			       p, e->op == XC_OP_NOT_JUDGED ? "'not judged'" :
			       "the value");
	return 0;
}

/*
 * A check whose outcome does not depend on the measurement: ">= 0" and
 * "<= max" always hold, "< 0" and "> max" never do.
 */
static int xc_check_vacuous(const struct xc_expect *e, char *err,
			    size_t errlen)
{
	const char *name = xc_counter_name(e->counter);
	const char *op = xc_expect_op_str(e->op);

	if ((e->op == XC_OP_GE && !e->value) ||
	    (e->op == XC_OP_LE && e->value == UINT64_MAX))
		return xc_errf(err, errlen, EINVAL,
			       "'%s %s %" PRIu64 "' holds whatever is measured; to leave %s out of the verdict, say '%s not judged'",
			       name, op, e->value, name, name);
	if ((e->op == XC_OP_LT && !e->value) ||
	    (e->op == XC_OP_GT && e->value == UINT64_MAX))
		return xc_errf(err, errlen, EINVAL,
			       "'%s %s %" PRIu64 "' can never hold (counters are unsigned 64-bit)",
			       name, op, e->value);
	return 0;
}

int xc_expect_parse(const char *text, struct xc_expect *e, char *err,
		    size_t errlen)
{
	const char *p;
	int ret;

	memset(e, 0, sizeof(*e));
	if (!text)
		return xc_errf(err, errlen, EINVAL, "empty check");
	p = xc_skip_ws(text);
	if (!*p)
		return xc_errf(err, errlen, EINVAL,
			       "empty check (COUNTER OP VALUE, e.g. \"missing <= 10\")");
	ret = xc_parse_stream(&p, e, err, errlen);
	if (!ret)
		ret = xc_parse_counter(&p, e, err, errlen);
	if (!ret)
		ret = xc_parse_op(&p, e, err, errlen);
	if (!ret)
		ret = xc_parse_value(p, e, err, errlen);
	if (ret)
		return ret;
	if (e->latency)
		return xc_check_lat_vacuous(e, err, errlen);
	return xc_check_vacuous(e, err, errlen);
}

int xc_expect_parse_list(char *const *checks, size_t n,
			 struct xc_expect **out, char *err, size_t errlen)
{
	struct xc_expect *e = NULL;
	char why[1024];
	size_t i;
	int ret = 0;

	*out = NULL;
	if (!n)
		return 0;
	e = calloc(n, sizeof(*e));
	if (!e)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		ret = xc_expect_parse(checks[i], &e[i], why, sizeof(why));
		if (ret) {
			xc_errf(err, errlen, -ret, "expect.checks[%zu]: %s", i,
				why);
			free(e);
			return ret;
		}
	}
	*out = e;
	return 0;
}

/* Whether op holds for a value that compares to the check's as cmp does. */
static bool xc_op_holds(enum xc_expect_op op, int cmp)
{
	switch (op) {
	case XC_OP_EQ:
		return cmp == 0;
	case XC_OP_NE:
		return cmp != 0;
	case XC_OP_LE:
		return cmp <= 0;
	case XC_OP_GE:
		return cmp >= 0;
	case XC_OP_LT:
		return cmp < 0;
	case XC_OP_GT:
		return cmp > 0;
	case XC_OP_NOT_JUDGED:
		break;
	}
	return false;
}

bool xc_expect_eval(const struct xc_expect *e, uint64_t v)
{
	return xc_op_holds(e->op, (v > e->value) - (v < e->value));
}

int xc_expect_fits_run(const struct xc_expect *e, bool reflect, char *err,
		       size_t errlen)
{
	char text[128];

	if (!e->latency || e->rtt == reflect)
		return 0;
	xc_expect_format(e, text, sizeof(text));
	if (e->rtt)
		return xc_errf(err, errlen, EINVAL,
			       "'%s' is a round-trip check, but the spec does not reflect (reflect: true): nothing is timed round trip (one-way: %s)",
			       text, xc_lat_metric_name(e->metric, false));
	return xc_errf(err, errlen, EINVAL,
		       "'%s' is a one-way check, but the spec reflects: a reflect run times round trips only (%s)",
		       text, xc_lat_metric_name(e->metric, true));
}

bool xc_expect_eval_ns(const struct xc_expect *e, int64_t v)
{
	return xc_op_holds(e->op, (v > e->value_ns) - (v < e->value_ns));
}

/* "stream 2 " or "" */
static int xc_stream_prefix(const struct xc_expect *e, char *buf, size_t len)
{
	if (!e->has_stream)
		return snprintf(buf, len, "%s", "");
	return snprintf(buf, len, "stream %" PRIu32 " ", e->stream_id);
}

int xc_expect_format(const struct xc_expect *e, char *buf, size_t len)
{
	char pre[24], us[32];

	if (e->latency) {
		xc_stream_prefix(e, pre, sizeof(pre));
		return snprintf(buf, len, "%s%s %s %s", pre,
				xc_lat_metric_name(e->metric, e->rtt),
				xc_expect_op_str(e->op),
				xc_us_str(e->value_ns, us, sizeof(us)));
	}
	if (e->op == XC_OP_NOT_JUDGED)
		return e->has_stream ?
		       snprintf(buf, len, "stream %" PRIu32 " %s not judged",
				e->stream_id, xc_counter_name(e->counter)) :
		       snprintf(buf, len, "%s not judged",
				xc_counter_name(e->counter));
	if (e->has_stream)
		return snprintf(buf, len, "stream %" PRIu32 " %s %s %" PRIu64,
				e->stream_id, xc_counter_name(e->counter),
				xc_expect_op_str(e->op), e->value);
	return snprintf(buf, len, "%s %s %" PRIu64,
			xc_counter_name(e->counter), xc_expect_op_str(e->op),
			e->value);
}
