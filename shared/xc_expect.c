// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Verdict expectations: parsing "[stream N] COUNTER OP VALUE" (or "[stream
 * N] COUNTER not judged") and judging a measured value against it.
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

static void xc_known_list(char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < XC_CTR_NUM && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				xc_counter_names[i]);
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
	char name[64], known[512];
	size_t n = 0;
	int c;

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
		xc_known_list(known, sizeof(known));
		return xc_errf(err, errlen, EINVAL,
			       "unknown counter '%s' (known: %s)", name, known);
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
	if (ret)
		return ret;
	if (e->op != XC_OP_NOT_JUDGED && xc_parse_u64(&p, &e->value))
		return xc_errf(err, errlen, EINVAL,
			       "'%s' is not an unsigned integer value", p);
	p = xc_skip_ws(p);
	if (*p)
		return xc_errf(err, errlen, EINVAL, "unexpected '%s' after %s",
			       p, e->op == XC_OP_NOT_JUDGED ? "'not judged'" :
			       "the value");
	return xc_check_vacuous(e, err, errlen);
}

int xc_expect_parse_list(char *const *checks, size_t n,
			 struct xc_expect **out, char *err, size_t errlen)
{
	struct xc_expect *e = NULL;
	char why[768];
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

bool xc_expect_eval(const struct xc_expect *e, uint64_t v)
{
	switch (e->op) {
	case XC_OP_EQ:
		return v == e->value;
	case XC_OP_NE:
		return v != e->value;
	case XC_OP_LE:
		return v <= e->value;
	case XC_OP_GE:
		return v >= e->value;
	case XC_OP_LT:
		return v < e->value;
	case XC_OP_GT:
		return v > e->value;
	case XC_OP_NOT_JUDGED:
		break;
	}
	return false;
}

int xc_expect_format(const struct xc_expect *e, char *buf, size_t len)
{
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
