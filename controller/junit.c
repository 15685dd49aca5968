// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The verdict as JUnit XML (see xc_junit.h): a libxml2 tree of suites
 * and testcases, written whole through xc_outfile_write.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/xmlstring.h>

#include "xc_ctl.h"
#include "xc_expect.h"
#include "xc_junit.h"
#include "xc_results.h"
#include "xc_util.h"

#define XC_X(s)		((const xmlChar *)(s))

/* The testcase of a run that could not finish. */
#define XC_JUNIT_CNR_CASE	"could not run"
/* The details of a failure in a run that failed by the tester's loss. */
#define XC_JUNIT_TESTER							\
	"the tester itself lost every missing frame (its receiver fell "	\
	"behind or its sender sent short): run it again, nothing is known "	\
	"of the link"

/*
 * A copy of s that XML can carry: control characters other than tab,
 * newline and carriage return, and every byte of a string that is no
 * valid UTF-8 beyond ASCII, become '?'. NULL: ENOMEM.
 */
static char *xc_junit_text(const char *s)
{
	bool utf8 = xmlCheckUTF8(XC_X(s));
	char *t = strdup(s);
	unsigned char *p;

	for (p = (unsigned char *)t; t && *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
		    *p == 0x7f || (*p >= 0x80 && !utf8))
			*p = '?';
	return t;
}

/* Attribute name="value" on node (value made XML-safe); 0 or -ENOMEM. */
static int xc_junit_attr(xmlNodePtr node, const char *name, const char *value)
{
	char *t = xc_junit_text(value);
	int ret = -ENOMEM;

	if (t && xmlSetProp(node, XC_X(name), XC_X(t)))
		ret = 0;
	free(t);
	return ret;
}

static int __attribute__((format(printf, 3, 4)))
xc_junit_attrf(xmlNodePtr node, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return xc_junit_attr(node, name, buf);
}

/* A new child element <name> of parent with text (NULL: none). */
static xmlNodePtr xc_junit_child(xmlNodePtr parent, const char *name,
				 const char *text)
{
	char *t = text ? xc_junit_text(text) : NULL;
	xmlNodePtr n = NULL;

	if (!text || t)
		n = xmlNewTextChild(parent, NULL, XC_X(name), XC_X(t));
	free(t);
	return n;
}

int xc_junit_init(struct xc_junit *ju)
{
	memset(ju, 0, sizeof(*ju));
	ju->doc = xmlNewDoc(XC_X("1.0"));
	if (!ju->doc)
		return -ENOMEM;
	ju->doc->encoding = xmlStrdup(XC_X("UTF-8"));
	ju->root = xmlNewDocNode(ju->doc, NULL, XC_X("testsuites"), NULL);
	if (!ju->doc->encoding || !ju->root) {
		xc_junit_free(ju);
		return -ENOMEM;
	}
	xmlDocSetRootElement(ju->doc, ju->root);
	return 0;
}

void xc_junit_free(struct xc_junit *ju)
{
	if (ju->doc)
		xmlFreeDoc(ju->doc);
	else if (ju->root)
		xmlFreeNode(ju->root);
	memset(ju, 0, sizeof(*ju));
}

void xc_junit_names(const char *spec_name, unsigned int repeat,
		    unsigned int rep, char *suite, size_t slen, char *cls,
		    size_t clen)
{
	const char *name = spec_name && *spec_name ? spec_name : "run";

	if (repeat <= 1) {
		snprintf(suite, slen, "%s", name);
		snprintf(cls, clen, "xceiver.%s", name);
		return;
	}
	snprintf(suite, slen, "%s repetition %u of %u", name, rep, repeat);
	snprintf(cls, clen, "xceiver.%s.r%u", name, rep);
}

static double xc_junit_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* timestamp (UTC, as CI readers parse it: no zone) and hostname. */
/* The suite's timestamp: UTC now less ago seconds. */
static int xc_junit_stamp(xmlNodePtr suite, double ago)
{
	time_t when = time(NULL) - (time_t)ago;
	char stamp[32];
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	return xc_junit_attr(suite, "timestamp", stamp);
}

static int xc_junit_when(xmlNodePtr suite)
{
	char host[256] = "localhost";

	if (gethostname(host, sizeof(host) - 1) || !*host)
		snprintf(host, sizeof(host), "localhost");
	return xc_junit_stamp(suite, 0) ?:
	       xc_junit_attr(suite, "hostname", host);
}

int xc_junit_begin(struct xc_junit *ju, const char *suite, const char *cls)
{
	xc_junit_end(ju);
	ju->suite = xc_junit_child(ju->root, "testsuite", NULL);
	if (!ju->suite)
		return -ENOMEM;
	memset(&ju->cur, 0, sizeof(ju->cur));
	clock_gettime(CLOCK_MONOTONIC, &ju->start);
	snprintf(ju->cls, sizeof(ju->cls), "%s", cls);
	ju->props = xc_junit_child(ju->suite, "properties", NULL);
	if (!ju->props)
		return -ENOMEM;
	return xc_junit_attr(ju->suite, "name", suite) ?:
	       xc_junit_when(ju->suite);
}

/* A property of the open suite; NULL: none open or ENOMEM. */
static xmlNodePtr xc_junit_prop_node(struct xc_junit *ju, const char *name,
				     const char *value)
{
	xmlNodePtr p = ju->props ? xc_junit_child(ju->props, "property",
						  NULL) : NULL;

	if (!p || xc_junit_attr(p, "name", name) ||
	    xc_junit_attr(p, "value", value))
		return NULL;
	return p;
}

int xc_junit_prop(struct xc_junit *ju, const char *name, const char *value)
{
	if (!ju->props)
		return -EINVAL;
	return xc_junit_prop_node(ju, name, value) ? 0 : -ENOMEM;
}

/* A testcase named name in class cls (the suite's, with sub if any). */
static xmlNodePtr xc_junit_case(struct xc_junit *ju, const char *name,
				const char *sub)
{
	xmlNodePtr tc = xc_junit_child(ju->suite, "testcase", NULL);
	char cls[320];

	if (!tc)
		return NULL;
	snprintf(cls, sizeof(cls), "%s%s%s", ju->cls, sub ? "." : "",
		 sub ? sub : "");
	if (xc_junit_attr(tc, "name", name) || xc_junit_attr(tc, "classname",
							      cls))
		return NULL;
	ju->cur.tests++;
	return tc;
}

/* What a check measured: "5", "12.5 us", "unknown", "not reported". */
static void xc_junit_got(const struct xc_check *c, char *buf, size_t len)
{
	char us[32];

	if (c->unknown)
		snprintf(buf, len, "unknown (could not be read)");
	else if (c->kind == XC_CHECK_REPORTED)
		snprintf(buf, len, "%s", c->got ? "reported" : "not reported");
	else if (c->kind == XC_CHECK_LATENCY)
		snprintf(buf, len, "%s us", xc_us_str(c->got_ns, us,
						      sizeof(us)));
	else
		snprintf(buf, len, "%" PRIu64, c->got);
}

/* What it expected: "== 0", "< 12.5 us", "reported". */
static void xc_junit_want(const struct xc_check *c, char *buf, size_t len)
{
	char us[32];

	if (c->kind == XC_CHECK_REPORTED)
		snprintf(buf, len, "reported");
	else if (c->kind == XC_CHECK_LATENCY)
		snprintf(buf, len, "%s %s us", xc_expect_op_str(c->op),
			 xc_us_str(c->want_ns, us, sizeof(us)));
	else
		snprintf(buf, len, "%s %" PRIu64, xc_expect_op_str(c->op),
			 c->want);
}

/* <failure message="measured M, expected E" type=...>why</failure> */
static int xc_junit_failure(xmlNodePtr tc, const struct xc_check *c,
			    enum xc_verdict_word word)
{
	bool tester = word == XC_VERDICT_TESTER;
	char got[64], want[64], msg[160];
	const char *body = c->why;
	xmlNodePtr f;

	xc_junit_got(c, got, sizeof(got));
	xc_junit_want(c, want, sizeof(want));
	snprintf(msg, sizeof(msg), "measured %s, expected %s", got, want);
	if (tester && !body)
		body = XC_JUNIT_TESTER;
	f = xc_junit_child(tc, "failure", body);
	if (!f)
		return -ENOMEM;
	return xc_junit_attr(f, "message", msg) ?:
	       xc_junit_attr(f, "type", xc_verdict_word_str(word));
}

static int xc_junit_check(struct xc_junit *ju, const struct xc_check *c,
			  enum xc_verdict_word word)
{
	char text[160], sub[32];
	xmlNodePtr tc, sk;

	xc_check_text(c, text, sizeof(text));
	if (c->stream_id == XC_ALL_STREAMS)
		snprintf(sub, sizeof(sub), "total");
	else
		snprintf(sub, sizeof(sub), "stream%" PRIu32, c->stream_id);
	tc = xc_junit_case(ju, text, sub);
	if (!tc)
		return -ENOMEM;
	if (c->result == XC_RESULT_FAIL) {
		ju->cur.failures++;
		return xc_junit_failure(tc, c, word);
	}
	if (c->result != XC_RESULT_NOT_JUDGED)
		return 0;
	ju->cur.skipped++;
	sk = xc_junit_child(tc, "skipped", NULL);
	return sk ? xc_junit_attr(sk, "message", "not judged (spec)") :
	       -ENOMEM;
}

int xc_junit_checks(struct xc_junit *ju, const struct xc_judgement *j)
{
	size_t i;
	int ret;

	if (!ju->suite)
		return -EINVAL;
	ju->verdict = xc_junit_prop_node(ju, "verdict",
					 xc_verdict_word_str(j->word));
	ret = ju->verdict ? 0 : -ENOMEM;
	for (i = 0; !ret && i < j->n; i++)
		ret = xc_junit_check(ju, &j->checks[i], j->word);
	return ret;
}

static const char *const xc_junit_elem[] = {
	[XC_JUNIT_FAIL] = "failure",
	[XC_JUNIT_SKIP] = "skipped",
	[XC_JUNIT_ERROR] = "error",
};

int xc_junit_outcome(struct xc_junit *ju, const char *name, const char *sub,
		     const struct xc_junit_result *r)
{
	xmlNodePtr tc, e;

	if (!ju->suite || r->kind > XC_JUNIT_ERROR)
		return -EINVAL;
	tc = xc_junit_case(ju, name, sub);
	if (!tc)
		return -ENOMEM;
	ju->cur.failures += r->kind == XC_JUNIT_FAIL;
	ju->cur.skipped += r->kind == XC_JUNIT_SKIP;
	ju->cur.errors += r->kind == XC_JUNIT_ERROR;
	if (r->kind != XC_JUNIT_PASS) {
		e = xc_junit_child(tc, xc_junit_elem[r->kind],
				   r->kind == XC_JUNIT_SKIP ? NULL : r->text);
		if (!e || xc_junit_attr(e, "message", r->message) ||
		    (r->type && xc_junit_attr(e, "type", r->type)))
			return -ENOMEM;
	}
	if ((r->kind == XC_JUNIT_PASS || r->kind == XC_JUNIT_SKIP) &&
	    r->text && !xc_junit_child(tc, "system-out", r->text))
		return -ENOMEM;
	return 0;
}

int xc_junit_error(struct xc_junit *ju, const char *suite, const char *cls,
		   const char *reason, const char *phase)
{
	char body[64];
	xmlNodePtr tc, e;
	int ret = 0;

	if (!ju->suite)
		ret = xc_junit_begin(ju, suite, cls);
	/* a judged run whose results could not be written: both said */
	if (!ret && ju->verdict)
		ret = xc_junit_attr(ju->verdict, "name", "judged_verdict");
	ret = ret ?: xc_junit_prop(ju, "verdict", XC_VERDICT_CNR) ?:
	      xc_junit_prop(ju, "phase", phase);
	if (ret)
		return ret;
	tc = xc_junit_case(ju, XC_JUNIT_CNR_CASE, NULL);
	snprintf(body, sizeof(body), "phase: %s", phase);
	e = tc ? xc_junit_child(tc, "error", body) : NULL;
	if (!e)
		return -ENOMEM;
	ju->cur.errors++;
	return xc_junit_attr(e, "message", reason) ?:
	       xc_junit_attr(e, "type", XC_VERDICT_CNR);
}

/* A suite's or the document's counts as attributes. */
static void xc_junit_counts(xmlNodePtr n, const struct xc_junit_count *c,
			    bool suite)
{
	xc_junit_attrf(n, "tests", "%u", c->tests);
	xc_junit_attrf(n, "failures", "%u", c->failures);
	xc_junit_attrf(n, "errors", "%u", c->errors);
	if (suite)
		xc_junit_attrf(n, "skipped", "%u", c->skipped);
	xc_junit_attrf(n, "time", "%.3f", c->time);
}

void xc_junit_end(struct xc_junit *ju)
{
	if (!ju || !ju->suite)
		return;
	ju->cur.time = xc_junit_since(&ju->start);
	xc_junit_counts(ju->suite, &ju->cur, true);
	ju->all.tests += ju->cur.tests;
	ju->all.failures += ju->cur.failures;
	ju->all.errors += ju->cur.errors;
	ju->all.skipped += ju->cur.skipped;
	ju->all.time += ju->cur.time;
	ju->suite = NULL;
	ju->props = NULL;
	ju->verdict = NULL;
}

int xc_junit_backdate(struct xc_junit *ju, double secs)
{
	struct timespec now;

	if (!ju->suite)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ju->start.tv_sec = now.tv_sec - (time_t)secs;
	ju->start.tv_nsec = now.tv_nsec - (long)((secs - (time_t)secs) * 1e9);
	if (ju->start.tv_nsec < 0) {
		ju->start.tv_sec--;
		ju->start.tv_nsec += 1000000000L;
	}
	return xc_junit_stamp(ju->suite, secs);
}

int xc_junit_suite(struct xc_junit *ju, const char *suite, const char *cls,
		   const struct xc_judgement *j, double secs)
{
	int ret = xc_junit_begin(ju, suite, cls) ?: xc_junit_checks(ju, j);

	/* the suite's time is the trial's, not the time taken here */
	ret = ret ?: xc_junit_backdate(ju, secs);
	xc_junit_end(ju);
	return ret;
}

int xc_junit_run_begin(struct xc_junit *ju, const char *spec_name,
		       unsigned int repeat, unsigned int rep)
{
	char suite[320], cls[256];

	xc_junit_names(spec_name, repeat, rep, suite, sizeof(suite), cls,
		       sizeof(cls));
	return xc_junit_begin(ju, suite, cls);
}

int xc_junit_run_end(struct xc_junit *ju, const struct xc_run_result *res,
		     int exit_code)
{
	char id[24];
	int ret;

	snprintf(id, sizeof(id), "%016" PRIx64, res->run_id);
	ret = xc_junit_prop(ju, "run_id", id);
	if (!ret && exit_code == XC_EXIT_RUN)
		ret = xc_junit_error(ju, NULL, NULL, res->fail.reason,
				     res->fail.phase);
	xc_junit_end(ju);
	return ret;
}

static int xc_junit_fill(FILE *f, void *arg)
{
	errno = 0;
	if (xmlDocFormatDump(f, arg, 1) >= 0)
		return 0;
	return errno ? -errno : -EIO;
}

int xc_junit_write(struct xc_junit *ju, const char *path, char *err,
		   size_t errlen)
{
	xc_junit_end(ju);
	if (xc_junit_attr(ju->root, "name", "xceiver"))
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	xc_junit_counts(ju->root, &ju->all, false);
	return xc_outfile_write(path, xc_junit_fill, ju->doc, err, errlen);
}
