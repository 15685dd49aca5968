// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "xc_unit_ctl.h"

/* Whether doc is valid by the JUnit schema. */
static int xc_t_junit_valid(xmlDocPtr doc)
{
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(XC_JUNIT_XSD);
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlSchemaPtr schema = NULL;
	int ret = -1;

	if (pc)
		schema = xmlSchemaParse(pc);
	if (schema)
		vc = xmlSchemaNewValidCtxt(schema);
	if (vc)
		ret = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	return ret;
}

xmlDocPtr xc_t_junit_read(struct xc_junit *ju)
{
	char path[] = "/tmp/xc-junit-test.XXXXXX", err[256] = "";
	xmlDocPtr doc;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(xc_junit_write(ju, path, err, sizeof(err)), 0);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	unlink(path);
	assert_non_null(doc);
	assert_int_equal(xc_t_junit_valid(doc), 0);
	return doc;
}

char *xc_t_xpath(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	char *s;

	assert_non_null(ctx);
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	assert_non_null(o);
	s = (char *)xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

void xc_t_xpath_is(xmlDocPtr doc, const char *want, const char *expr)
{
	char *s = xc_t_xpath(doc, expr);

	if (strcmp(s, want))
		fail_msg("%s: \"%s\", expected \"%s\"", expr, s, want);
	xmlFree(s);
}
