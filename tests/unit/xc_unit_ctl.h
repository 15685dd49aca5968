/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Helpers of more than one of the controller's unit tests. */
#ifndef XC_UNIT_CTL_H
#define XC_UNIT_CTL_H

#include <libxml/tree.h>

#include "xc_junit.h"

/*
 * Write ju to a new file and read it back; the test fails unless libxml2
 * reads it and it is valid by tests/junit.xsd. The caller frees it.
 */
xmlDocPtr xc_t_junit_read(struct xc_junit *ju);

/* The string value of XPath expression expr in doc (xmlFree it). */
char *xc_t_xpath(xmlDocPtr doc, const char *expr);

/* Fail the test unless expr's string value in doc is want. */
void xc_t_xpath_is(xmlDocPtr doc, const char *want, const char *expr);

#endif /* XC_UNIT_CTL_H */
