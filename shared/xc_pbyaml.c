// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * YAML (and JSON, which libyaml reads as flow-style YAML) onto any protobuf-c
 * message, driven only by the message descriptors; and single fields set by
 * dotted path for command-line flags.
 *
 * Everything is allocated the way protobuf_c_message_free_unpacked() expects
 * with the default allocator: every sub-message, string, bytes buffer and
 * repeated array is its own malloc'd block.
 */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "xc_pb.h"
#include "xc_spec.h"
#include "xc_util.h"

#define XC_SPEC_MAX_FILE	(16u << 20)
#define XC_PB_PATH_MAX		256
#define XC_PB_WHY_MAX		512

#define XC_PB_FIELD(m, f)	((void *)((char *)(m) + (f)->offset))
#define XC_PB_QUANT(m, f)	((void *)((char *)(m) + (f)->quantifier_offset))

static bool xc_pb_is_oneof(const ProtobufCFieldDescriptor *f)
{
	return f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF;
}

static const char *xc_pb_type_name(const ProtobufCFieldDescriptor *f)
{
	static const char *const names[] = {
		[PROTOBUF_C_TYPE_INT32] = "int32",
		[PROTOBUF_C_TYPE_SINT32] = "sint32",
		[PROTOBUF_C_TYPE_SFIXED32] = "sfixed32",
		[PROTOBUF_C_TYPE_INT64] = "int64",
		[PROTOBUF_C_TYPE_SINT64] = "sint64",
		[PROTOBUF_C_TYPE_SFIXED64] = "sfixed64",
		[PROTOBUF_C_TYPE_UINT32] = "uint32",
		[PROTOBUF_C_TYPE_FIXED32] = "fixed32",
		[PROTOBUF_C_TYPE_UINT64] = "uint64",
		[PROTOBUF_C_TYPE_FIXED64] = "fixed64",
		[PROTOBUF_C_TYPE_FLOAT] = "float",
		[PROTOBUF_C_TYPE_DOUBLE] = "double",
		[PROTOBUF_C_TYPE_BOOL] = "bool",
		[PROTOBUF_C_TYPE_ENUM] = "enum",
		[PROTOBUF_C_TYPE_STRING] = "string",
		[PROTOBUF_C_TYPE_BYTES] = "bytes",
		[PROTOBUF_C_TYPE_MESSAGE] = "message",
	};

	if (f->type == PROTOBUF_C_TYPE_ENUM)
		return ((const ProtobufCEnumDescriptor *)f->descriptor)
			->short_name;
	if (f->type == PROTOBUF_C_TYPE_MESSAGE)
		return ((const ProtobufCMessageDescriptor *)f->descriptor)
			->short_name;
	if ((unsigned int)f->type < XC_ARRAY_SIZE(names) && names[f->type])
		return names[f->type];
	return "?";
}

static ProtobufCMessage *xc_pb_new(const ProtobufCMessageDescriptor *d)
{
	ProtobufCMessage *m = malloc(d->sizeof_message);

	if (m)
		protobuf_c_message_init(d, m);
	return m;
}

/* "a, b, c": the message's field names, for error messages. */
static void xc_pb_field_list(const ProtobufCMessageDescriptor *d, char *buf,
			     size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < d->n_fields && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				 d->fields[i].name);

		if (n < 0)
			break;
		off += n;
	}
}

/* ---------------------------------------------------------------- scalars */

/* Optional sign, then decimal or 0x hex digits. */
static int xc_pb_parse_int(const char *s, bool *neg, uint64_t *mag)
{
	unsigned int base = 10, d;
	uint64_t v = 0;

	*neg = false;
	if (*s == '-' || *s == '+')
		*neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*mag = v;
	return 0;
}

static int xc_pb_set_uint(const ProtobufCFieldDescriptor *f, void *dst,
			  const char *s, char *why, size_t whylen)
{
	bool is32 = xc_pb_elem_size(f->type) == 4;
	uint64_t max = is32 ? UINT32_MAX : UINT64_MAX, v;
	bool neg;
	int ret;

	ret = xc_pb_parse_int(s, &neg, &v);
	if (ret == -EINVAL)
		return xc_errf(why, whylen, EINVAL,
			       "'%s' is not an integer (%s)", s,
			       xc_pb_type_name(f));
	if (!ret && neg && v)
		return xc_errf(why, whylen, ERANGE,
			       "%s is negative, %s is unsigned", s,
			       xc_pb_type_name(f));
	if (ret || v > max)
		return xc_errf(why, whylen, ERANGE,
			       "%s is out of range for %s (0..%" PRIu64 ")", s,
			       xc_pb_type_name(f), max);
	if (is32)
		*(uint32_t *)dst = (uint32_t)v;
	else
		*(uint64_t *)dst = v;
	return 0;
}

static int xc_pb_set_sint(const ProtobufCFieldDescriptor *f, void *dst,
			  const char *s, char *why, size_t whylen)
{
	bool is32 = xc_pb_elem_size(f->type) == 4;
	uint64_t max = is32 ? INT32_MAX : INT64_MAX, v;
	int64_t min = is32 ? INT32_MIN : INT64_MIN;
	bool neg;
	int ret;

	ret = xc_pb_parse_int(s, &neg, &v);
	if (ret == -EINVAL)
		return xc_errf(why, whylen, EINVAL,
			       "'%s' is not an integer (%s)", s,
			       xc_pb_type_name(f));
	if (ret || v > max + neg)
		return xc_errf(why, whylen, ERANGE,
			       "%s is out of range for %s (%" PRId64 "..%"
			       PRIu64 ")", s, xc_pb_type_name(f), min, max);
	if (is32)
		*(int32_t *)dst = neg ? (int32_t)(0 - v) : (int32_t)v;
	else
		*(int64_t *)dst = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int xc_pb_set_real(const ProtobufCFieldDescriptor *f, void *dst,
			  const char *s, char *why, size_t whylen)
{
	const char *p = s + (*s == '-' || *s == '+');
	char *end;
	double v;

	if (!strcasecmp(p, ".inf")) {
		v = *s == '-' ? -INFINITY : INFINITY;
	} else if (!strcasecmp(s, ".nan")) {
		v = NAN;
	} else {
		errno = 0;
		v = strtod(s, &end);
		if (!*s || *end || isspace((unsigned char)*s) ||
		    isnan(v) || isinf(v))
			return xc_errf(why, whylen, EINVAL,
				       "'%s' is not a number (%s)", s,
				       xc_pb_type_name(f));
		if (errno == ERANGE && v != 0)
			return xc_errf(why, whylen, ERANGE,
				       "%s is out of range for %s", s,
				       xc_pb_type_name(f));
	}
	if (f->type == PROTOBUF_C_TYPE_DOUBLE) {
		*(double *)dst = v;
		return 0;
	}
	if (isfinite(v) && fabs(v) > FLT_MAX)
		return xc_errf(why, whylen, ERANGE,
			       "%s is out of range for float", s);
	*(float *)dst = (float)v;
	return 0;
}

static int xc_pb_set_bool(void *dst, const char *s, char *why, size_t whylen)
{
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes"))
		*(protobuf_c_boolean *)dst = 1;
	else if (!strcasecmp(s, "false") || !strcasecmp(s, "no"))
		*(protobuf_c_boolean *)dst = 0;
	else
		return xc_errf(why, whylen, EINVAL,
			       "'%s' is not a bool (true, false, yes, no)", s);
	return 0;
}

static int xc_pb_set_enum(const ProtobufCFieldDescriptor *f, void *dst,
			  const char *s, char *why, size_t whylen)
{
	const ProtobufCEnumDescriptor *e = f->descriptor;
	size_t plen = xc_pb_enum_prefix(e), i, off;
	char names[256];

	for (i = 0; i < e->n_values; i++) {
		if (!strcasecmp(s, e->values[i].name) ||
		    !strcasecmp(s, e->values[i].name + plen)) {
			*(int32_t *)dst = e->values[i].value;
			return 0;
		}
	}
	names[0] = '\0';
	for (i = 0, off = 0; i < e->n_values && off < sizeof(names); i++) {
		const char *n = e->values[i].name + plen;
		size_t j;

		if (i)
			off += snprintf(names + off, sizeof(names) - off,
					", ");
		for (j = 0; n[j] && off + 1 < sizeof(names); j++)
			names[off++] = tolower((unsigned char)n[j]);
		names[XC_MIN(off, sizeof(names) - 1)] = '\0';
	}
	return xc_errf(why, whylen, EINVAL, "'%s' is not a valid %s (%s)", s,
		       e->short_name, names);
}

static int xc_pb_set_bytes(const ProtobufCFieldDescriptor *f, void *dst,
			   const char *s, char *why, size_t whylen)
{
	const ProtobufCBinaryData *def = f->default_value;
	ProtobufCBinaryData *bd = dst;
	size_t len, i;
	uint8_t *data = NULL;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	len = strlen(s);
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			break;
	if (i < len || len % 2)
		return xc_errf(why, whylen, EINVAL,
			       "'%s' is not a hex string of whole bytes", s);
	if (len) {
		data = malloc(len / 2);
		if (!data)
			return xc_errf(why, whylen, ENOMEM, "out of memory");
		for (i = 0; i < len / 2; i++) {
			char hex[3] = { s[2 * i], s[2 * i + 1], '\0' };

			data[i] = (uint8_t)strtoul(hex, NULL, 16);
		}
	}
	if (bd->data && (!def || def->data != bd->data))
		free(bd->data);
	bd->data = data;
	bd->len = len / 2;
	return 0;
}

static int xc_pb_set_string(const ProtobufCFieldDescriptor *f, void *dst,
			    const char *s, char *why, size_t whylen)
{
	char **p = dst, *n = strdup(s);

	if (!n)
		return xc_errf(why, whylen, ENOMEM, "out of memory");
	if (*p && *p != (const char *)f->default_value)
		free(*p);
	*p = n;
	return 0;
}

/*
 * Parse s by the field's type into the storage of one value at dst (a
 * singular field or one element of a repeated one). A string or bytes
 * value already there is freed. On error dst is unchanged.
 */
static int xc_pb_set_scalar(const ProtobufCFieldDescriptor *f, void *dst,
			    const char *s, char *why, size_t whylen)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return xc_pb_set_uint(f, dst, s, why, whylen);
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return xc_pb_set_sint(f, dst, s, why, whylen);
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		return xc_pb_set_real(f, dst, s, why, whylen);
	case PROTOBUF_C_TYPE_BOOL:
		return xc_pb_set_bool(dst, s, why, whylen);
	case PROTOBUF_C_TYPE_ENUM:
		return xc_pb_set_enum(f, dst, s, why, whylen);
	case PROTOBUF_C_TYPE_STRING:
		return xc_pb_set_string(f, dst, s, why, whylen);
	case PROTOBUF_C_TYPE_BYTES:
		return xc_pb_set_bytes(f, dst, s, why, whylen);
	case PROTOBUF_C_TYPE_MESSAGE:
		break;
	}
	return xc_errf(why, whylen, EINVAL, "is a %s, not a scalar",
		       xc_pb_type_name(f));
}

/* ---------------------------------------------------------------- fields */

static void xc_pb_free_elems(const ProtobufCFieldDescriptor *f, void *arr,
			     size_t n)
{
	size_t i;

	for (i = 0; arr && i < n; i++) {
		if (f->type == PROTOBUF_C_TYPE_STRING)
			free(((char **)arr)[i]);
		else if (f->type == PROTOBUF_C_TYPE_BYTES)
			free(((ProtobufCBinaryData *)arr)[i].data);
		else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
			protobuf_c_message_free_unpacked(
				((ProtobufCMessage **)arr)[i], NULL);
	}
}

/* Free a field's value and reset it to the default (unset). */
static void xc_pb_clear_field(ProtobufCMessage *m,
			      const ProtobufCFieldDescriptor *f)
{
	void *p = XC_PB_FIELD(m, f);

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t *n = XC_PB_QUANT(m, f);

		xc_pb_free_elems(f, *(void **)p, *n);
		free(*(void **)p);
		*(void **)p = NULL;
		*n = 0;
		return;
	}
	if (xc_pb_is_oneof(f)) {
		uint32_t *c = XC_PB_QUANT(m, f);

		if (*c != f->id)
			return;
		*c = 0;
	}
	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		ProtobufCMessage **sm = p;

		if (*sm && *sm != f->default_value)
			protobuf_c_message_free_unpacked(*sm, NULL);
		*sm = NULL;
	} else if (f->type == PROTOBUF_C_TYPE_STRING) {
		char **s = p;

		if (*s && *s != (const char *)f->default_value)
			free(*s);
		*s = (char *)f->default_value;
	} else if (f->type == PROTOBUF_C_TYPE_BYTES) {
		const ProtobufCBinaryData *def = f->default_value;
		ProtobufCBinaryData *bd = p;

		if (bd->data && (!def || def->data != bd->data))
			free(bd->data);
		bd->data = NULL;
		bd->len = 0;
	} else {
		memset(p, 0, xc_pb_elem_size(f->type));
	}
}

/* Make f the oneof member that may be written: clear another one. */
static void xc_pb_oneof_take(ProtobufCMessage *m,
			     const ProtobufCFieldDescriptor *f)
{
	uint32_t *c = XC_PB_QUANT(m, f);
	const ProtobufCFieldDescriptor *old;

	if (*c == f->id)
		return;
	old = *c ? protobuf_c_message_descriptor_get_field(m->descriptor, *c)
		 : NULL;
	if (old)
		xc_pb_clear_field(m, old);
	*c = 0;
	memset(XC_PB_FIELD(m, f), 0, xc_pb_elem_size(f->type));
}

/* Set a singular scalar field (oneof aware). */
static int xc_pb_set_single(ProtobufCMessage *m,
			    const ProtobufCFieldDescriptor *f, const char *s,
			    char *why, size_t whylen)
{
	int ret;

	if (xc_pb_is_oneof(f))
		xc_pb_oneof_take(m, f);
	ret = xc_pb_set_scalar(f, XC_PB_FIELD(m, f), s, why, whylen);
	if (!ret && xc_pb_is_oneof(f))
		*(uint32_t *)XC_PB_QUANT(m, f) = f->id;
	return ret;
}

/* The singular sub-message of field f, created when unset. */
static int xc_pb_sub(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
		     ProtobufCMessage **out, bool *created)
{
	ProtobufCMessage **p = XC_PB_FIELD(m, f);

	*created = false;
	if (xc_pb_is_oneof(f))
		xc_pb_oneof_take(m, f);
	if (!*p || *p == f->default_value) {
		*p = xc_pb_new(f->descriptor);
		if (!*p)
			return -ENOMEM;
		*created = true;
	}
	if (xc_pb_is_oneof(f))
		*(uint32_t *)XC_PB_QUANT(m, f) = f->id;
	*out = *p;
	return 0;
}

/* Room for one more element of a repeated field; the count is unchanged. */
static void *xc_pb_grow(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	size_t *n = XC_PB_QUANT(m, f), sz = xc_pb_elem_size(f->type);
	void **arr = XC_PB_FIELD(m, f);
	char *na = realloc(*arr, (*n + 1) * sz);

	if (!na)
		return NULL;
	*arr = na;
	memset(na + *n * sz, 0, sz);
	return na + *n * sz;
}

/* Append a new empty message to a repeated message field. */
static int xc_pb_append_msg(ProtobufCMessage *m,
			    const ProtobufCFieldDescriptor *f,
			    ProtobufCMessage **out)
{
	ProtobufCMessage **slot = xc_pb_grow(m, f);

	if (!slot)
		return -ENOMEM;
	*slot = xc_pb_new(f->descriptor);
	if (!*slot)
		return -ENOMEM;
	(*(size_t *)XC_PB_QUANT(m, f))++;
	*out = *slot;
	return 0;
}

/* Append one parsed scalar to a repeated field. */
static int xc_pb_append_scalar(ProtobufCMessage *m,
			       const ProtobufCFieldDescriptor *f,
			       const char *s, char *why, size_t whylen)
{
	void *slot = xc_pb_grow(m, f);
	int ret;

	if (!slot)
		return xc_errf(why, whylen, ENOMEM, "out of memory");
	ret = xc_pb_set_scalar(f, slot, s, why, whylen);
	if (!ret)
		(*(size_t *)XC_PB_QUANT(m, f))++;
	return ret;
}

/* ---------------------------------------------------------------- YAML */

struct xc_yctx {
	const char *name;
	const char *root;
	yaml_document_t *doc;
	unsigned char *seen;
	char path[XC_PB_PATH_MAX];
	char *err;
	size_t errlen;
};

static size_t xc_ypush(struct xc_yctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t xc_ypush(struct xc_yctx *c, const char *fmt, ...)
{
	size_t old = strlen(c->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->path + old, sizeof(c->path) - old, fmt, ap);
	va_end(ap);
	return old;
}

static void xc_ypop(struct xc_yctx *c, size_t old)
{
	c->path[old] = '\0';
}

static int xc_yerr(struct xc_yctx *c, const yaml_node_t *n, int code,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int xc_yerr(struct xc_yctx *c, const yaml_node_t *n, int code,
		   const char *fmt, ...)
{
	char msg[XC_PB_WHY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return xc_errf(c->err, c->errlen, code, "%s:%zu:%zu: %s: %s", c->name,
		       n->start_mark.line + 1, n->start_mark.column + 1,
		       c->path[0] ? c->path : c->root, msg);
}

static const char *xc_ykind(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a sequence";
	return "a scalar";
}

static bool xc_yis_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* Fetch a node; a node reached twice comes from an alias: refused. */
static int xc_ynode(struct xc_yctx *c, int id, yaml_node_t **out)
{
	yaml_node_t *n = yaml_document_get_node(c->doc, id);
	size_t i;

	if (!n)
		return xc_errf(c->err, c->errlen, EINVAL,
			       "%s: %s: broken YAML document", c->name,
			       c->path);
	i = n - c->doc->nodes.start;
	if (c->seen[i])
		return xc_yerr(c, n, EINVAL,
			       "YAML anchors and aliases are not supported");
	c->seen[i] = 1;
	if (n->type == YAML_SCALAR_NODE &&
	    strlen((char *)n->data.scalar.value) != n->data.scalar.length)
		return xc_yerr(c, n, EINVAL, "contains a NUL character");
	*out = n;
	return 0;
}

static int xc_yload_msg(struct xc_yctx *c, ProtobufCMessage *m,
			yaml_node_t *n);

static int xc_yset_scalar(struct xc_yctx *c, ProtobufCMessage *m,
			  const ProtobufCFieldDescriptor *f, yaml_node_t *n,
			  bool append)
{
	char why[XC_PB_WHY_MAX];
	const char *s = (const char *)n->data.scalar.value;
	int ret;

	if (n->type != YAML_SCALAR_NODE)
		return xc_yerr(c, n, EINVAL, "expected a %s value, got %s",
			       xc_pb_type_name(f), xc_ykind(n));
	if (append)
		ret = xc_pb_append_scalar(m, f, s, why, sizeof(why));
	else
		ret = xc_pb_set_single(m, f, s, why, sizeof(why));
	if (ret)
		return xc_yerr(c, n, ret, "%s", why);
	return 0;
}

static int xc_yload_elem(struct xc_yctx *c, ProtobufCMessage *m,
			 const ProtobufCFieldDescriptor *f, yaml_node_t *n)
{
	ProtobufCMessage *sub;
	int ret;

	if (f->type != PROTOBUF_C_TYPE_MESSAGE) {
		if (xc_yis_null(n))
			return xc_yerr(c, n, EINVAL, "empty list element");
		return xc_yset_scalar(c, m, f, n, true);
	}
	ret = xc_pb_append_msg(m, f, &sub);
	if (ret)
		return xc_yerr(c, n, ret, "out of memory");
	return xc_yload_msg(c, sub, n);
}

static int xc_yload_repeated(struct xc_yctx *c, ProtobufCMessage *m,
			     const ProtobufCFieldDescriptor *f, yaml_node_t *n)
{
	yaml_node_item_t *it;
	yaml_node_t *item;
	size_t old, i;
	int ret = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return xc_yis_null(n) ? 0 : xc_yload_elem(c, m, f, n);
	for (it = n->data.sequence.items.start, i = 0;
	     !ret && it < n->data.sequence.items.top; it++, i++) {
		old = xc_ypush(c, "[%zu]", i);
		ret = xc_ynode(c, *it, &item);
		if (!ret)
			ret = xc_yload_elem(c, m, f, item);
		if (!ret)
			xc_ypop(c, old);
	}
	return ret;
}

static int xc_yload_field(struct xc_yctx *c, ProtobufCMessage *m,
			  const ProtobufCFieldDescriptor *f, yaml_node_t *n)
{
	ProtobufCMessage *sub;
	bool created;
	int ret;

	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return xc_yload_repeated(c, m, f, n);
	if (xc_yis_null(n))
		return 0;
	if (f->type != PROTOBUF_C_TYPE_MESSAGE)
		return xc_yset_scalar(c, m, f, n, false);
	ret = xc_pb_sub(m, f, &sub, &created);
	if (ret)
		return xc_yerr(c, n, ret, "out of memory");
	return xc_yload_msg(c, sub, n);
}

/* One "key: value" of a mapping onto message m. */
static int xc_yload_pair(struct xc_yctx *c, ProtobufCMessage *m,
			 yaml_node_pair_t *pair, yaml_node_t **first)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const ProtobufCFieldDescriptor *f, *other;
	yaml_node_t *k, *v;
	char list[XC_PB_WHY_MAX / 2];
	const char *name;
	size_t old;
	uint32_t cs;
	int ret;

	ret = xc_ynode(c, pair->key, &k);
	if (ret)
		return ret;
	if (k->type != YAML_SCALAR_NODE)
		return xc_yerr(c, k, EINVAL, "a key must be a scalar, got %s",
			       xc_ykind(k));
	name = (const char *)k->data.scalar.value;
	old = xc_ypush(c, "%s%s", c->path[0] ? "." : "", name);
	f = protobuf_c_message_descriptor_get_field_by_name(d, name);
	if (!f) {
		xc_pb_field_list(d, list, sizeof(list));
		return xc_yerr(c, k, EINVAL, "unknown field (%s has: %s)",
			       d->short_name, list);
	}
	if (first[f - d->fields])
		return xc_yerr(c, k, EINVAL, "duplicate key (first at %zu:%zu)",
			       first[f - d->fields]->start_mark.line + 1,
			       first[f - d->fields]->start_mark.column + 1);
	first[f - d->fields] = k;
	cs = xc_pb_is_oneof(f) ? *(uint32_t *)XC_PB_QUANT(m, f) : 0;
	if (cs && cs != f->id) {
		other = protobuf_c_message_descriptor_get_field(d, cs);
		return xc_yerr(c, k, EINVAL,
			       "only one of a oneof may be set, %s is set",
			       other ? other->name : "another member");
	}
	ret = xc_ynode(c, pair->value, &v);
	if (!ret)
		ret = xc_yload_field(c, m, f, v);
	if (!ret)
		xc_ypop(c, old);
	return ret;
}

static int xc_yload_msg(struct xc_yctx *c, ProtobufCMessage *m,
			yaml_node_t *n)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	yaml_node_pair_t *pair;
	yaml_node_t **first;
	int ret = 0;

	if (xc_yis_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return xc_yerr(c, n, EINVAL, "expected a mapping (%s), got %s",
			       d->short_name, xc_ykind(n));
	first = calloc(d->n_fields + 1, sizeof(*first));
	if (!first)
		return xc_yerr(c, n, ENOMEM, "out of memory");
	for (pair = n->data.mapping.pairs.start;
	     !ret && pair < n->data.mapping.pairs.top; pair++)
		ret = xc_yload_pair(c, m, pair, first);
	free(first);
	return ret;
}

static int xc_ysyntax_err(yaml_parser_t *p, const char *name, char *err,
			  size_t errlen)
{
	if (p->error == YAML_MEMORY_ERROR)
		return xc_errf(err, errlen, ENOMEM, "%s: out of memory", name);
	if (p->error == YAML_READER_ERROR)
		return xc_errf(err, errlen, EINVAL,
			       "%s: byte %zu: %s", name, p->problem_offset,
			       p->problem ? p->problem : "unreadable input");
	if (p->context)
		return xc_errf(err, errlen, EINVAL,
			       "%s:%zu:%zu: YAML syntax error: %s (%s at %zu:%zu)",
			       name, p->problem_mark.line + 1,
			       p->problem_mark.column + 1,
			       p->problem ? p->problem : "invalid YAML",
			       p->context, p->context_mark.line + 1,
			       p->context_mark.column + 1);
	return xc_errf(err, errlen, EINVAL, "%s:%zu:%zu: YAML syntax error: %s",
		       name, p->problem_mark.line + 1,
		       p->problem_mark.column + 1,
		       p->problem ? p->problem : "invalid YAML");
}

/* A stream must hold one document only. */
static int xc_yone_doc(yaml_parser_t *p, const char *name, char *err,
		       size_t errlen)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int ret = 0;

	if (!yaml_parser_load(p, &doc))
		return xc_ysyntax_err(p, name, err, errlen);
	root = yaml_document_get_root_node(&doc);
	if (root)
		ret = xc_errf(err, errlen, EINVAL,
			      "%s:%zu:%zu: a second YAML document is not allowed",
			      name, root->start_mark.line + 1,
			      root->start_mark.column + 1);
	yaml_document_delete(&doc);
	return ret;
}

static int xc_yload_doc(yaml_document_t *doc, const char *name,
			ProtobufCMessage *m, char *err, size_t errlen)
{
	struct xc_yctx c = {
		.name = name,
		.root = m->descriptor->short_name,
		.doc = doc,
		.err = err,
		.errlen = errlen,
	};
	yaml_node_t *root;
	int ret;

	if (!yaml_document_get_root_node(doc))
		return 0;
	c.seen = calloc(doc->nodes.top - doc->nodes.start, 1);
	if (!c.seen)
		return xc_errf(err, errlen, ENOMEM, "%s: out of memory", name);
	ret = xc_ynode(&c, 1, &root);
	if (!ret)
		ret = xc_yload_msg(&c, m, root);
	free(c.seen);
	return ret;
}

int xc_pb_from_yaml(const ProtobufCMessageDescriptor *d, const char *name,
		    const char *text, size_t len, ProtobufCMessage **out,
		    char *err, size_t errlen)
{
	ProtobufCMessage *m = NULL;
	yaml_parser_t parser;
	yaml_document_t doc;
	int ret;

	*out = NULL;
	if (!name)
		name = "<string>";
	if (!yaml_parser_initialize(&parser))
		return xc_errf(err, errlen, ENOMEM, "%s: out of memory", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = xc_ysyntax_err(&parser, name, err, errlen);
		goto out_parser;
	}
	m = xc_pb_new(d);
	if (!m) {
		ret = xc_errf(err, errlen, ENOMEM, "%s: out of memory", name);
		goto out_doc;
	}
	ret = xc_yload_doc(&doc, name, m, err, errlen);
	if (!ret && yaml_document_get_root_node(&doc))
		ret = xc_yone_doc(&parser, name, err, errlen);
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	if (ret)
		protobuf_c_message_free_unpacked(m, NULL);
	else
		*out = m;
	return ret;
}

static int xc_read_file(const char *path, char **buf, size_t *len, char *err,
			size_t errlen)
{
	size_t cap = 4096, n = 0, r;
	char *b = NULL, *nb;
	FILE *fp;
	int ret = 0;

	fp = fopen(path, "r");
	if (!fp) {
		ret = errno ? errno : EIO;
		return xc_errf(err, errlen, ret, "%s: cannot open: %s", path,
			       strerror(ret));
	}
	for (;;) {
		nb = realloc(b, cap);
		if (!nb) {
			ret = xc_errf(err, errlen, ENOMEM, "%s: out of memory",
				      path);
			break;
		}
		b = nb;
		r = fread(b + n, 1, cap - n, fp);
		n += r;
		if (n < cap)
			break;
		if (cap >= XC_SPEC_MAX_FILE) {
			ret = xc_errf(err, errlen, EFBIG,
				      "%s: larger than %u bytes", path,
				      XC_SPEC_MAX_FILE);
			break;
		}
		cap *= 2;
	}
	if (!ret && ferror(fp))
		ret = xc_errf(err, errlen, EIO, "%s: read error", path);
	fclose(fp);
	if (ret) {
		free(b);
		return ret;
	}
	*buf = b;
	*len = n;
	return 0;
}

int xc_pb_from_yaml_file(const ProtobufCMessageDescriptor *d,
			 const char *path, ProtobufCMessage **out,
			 char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	ret = xc_read_file(path, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = xc_pb_from_yaml(d, path, buf, len, out, err, errlen);
	free(buf);
	return ret;
}

/* ---------------------------------------------------------------- paths */

/* What to take back when a set_path fails after creating something. */
struct xc_pundo {
	ProtobufCMessage *m;
	const ProtobufCFieldDescriptor *f;
	bool appended;
};

static void xc_pundo_run(struct xc_pundo *u)
{
	size_t *n;
	void **arr;

	if (!u->m)
		return;
	if (!u->appended) {
		xc_pb_clear_field(u->m, u->f);
		return;
	}
	n = XC_PB_QUANT(u->m, u->f);
	arr = XC_PB_FIELD(u->m, u->f);
	protobuf_c_message_free_unpacked(((ProtobufCMessage **)*arr)[*n - 1],
					 NULL);
	(*n)--;
}

static void xc_pundo_note(struct xc_pundo *u, ProtobufCMessage *m,
			  const ProtobufCFieldDescriptor *f, bool appended)
{
	if (u->m)
		return;
	u->m = m;
	u->f = f;
	u->appended = appended;
}

/* "0,1,2" replaces the whole repeated scalar field. */
static int xc_pb_set_list(ProtobufCMessage *m,
			  const ProtobufCFieldDescriptor *f, const char *value,
			  char *why, size_t whylen)
{
	size_t sz = xc_pb_elem_size(f->type), n = 0, i;
	char *copy, *tok, *save = NULL, *end;
	char *arr = NULL;
	int ret = 0;

	copy = strdup(value);
	if (!copy)
		return xc_errf(why, whylen, ENOMEM, "out of memory");
	for (i = 0; value[i]; i++)
		n += value[i] == ',';
	n = *value ? n + 1 : 0;
	if (n) {
		arr = calloc(n, sz);
		if (!arr) {
			ret = xc_errf(why, whylen, ENOMEM, "out of memory");
			goto out;
		}
	}
	for (i = 0, tok = strtok_r(copy, ",", &save); !ret && tok;
	     tok = strtok_r(NULL, ",", &save), i++) {
		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		ret = xc_pb_set_scalar(f, arr + i * sz, tok, why, whylen);
	}
	if (!ret && i != n)
		ret = xc_errf(why, whylen, EINVAL, "'%s' has an empty element",
			      value);
	if (ret) {
		xc_pb_free_elems(f, arr, n);
		free(arr);
		goto out;
	}
	xc_pb_clear_field(m, f);
	*(void **)XC_PB_FIELD(m, f) = arr;
	*(size_t *)XC_PB_QUANT(m, f) = n;
out:
	free(copy);
	return ret;
}

static int xc_pb_parse_index(const char *s, size_t *idx)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*idx = strtoul(s, &end, 10);
	return *end || errno ? -EINVAL : 0;
}

struct xc_pwalk {
	ProtobufCMessage *m;
	char *tok;		/* current component */
	char *next;		/* rest of the path, NULL at the end */
	char done[XC_PB_PATH_MAX];
	char why[XC_PB_WHY_MAX];
	struct xc_pundo undo;
};

static void xc_pwalk_step(struct xc_pwalk *w)
{
	w->tok = w->next;
	w->next = strchr(w->tok, '.');
	if (w->next)
		*w->next++ = '\0';
}

/* Path component names an element of repeated field f. */
static int xc_pwalk_index(struct xc_pwalk *w,
			  const ProtobufCFieldDescriptor *f, const char *value)
{
	size_t n = *(size_t *)XC_PB_QUANT(w->m, f), idx, len;
	ProtobufCMessage *sub;
	char *slot;
	int ret;

	xc_pwalk_step(w);
	len = strlen(w->done);
	if (xc_pb_parse_index(w->tok, &idx))
		return xc_errf(w->why, sizeof(w->why), EINVAL,
			       "'%s' is not an index", w->tok);
	snprintf(w->done + len, sizeof(w->done) - len, "[%zu]", idx);
	if (idx > n)
		return xc_errf(w->why, sizeof(w->why), ERANGE,
			       "index out of range (%zu elements, %zu appends one)",
			       n, n);
	if (f->type != PROTOBUF_C_TYPE_MESSAGE) {
		if (w->next)
			return xc_errf(w->why, sizeof(w->why), EINVAL,
				       "is a %s, it has no fields",
				       xc_pb_type_name(f));
		if (idx == n)
			return xc_pb_append_scalar(w->m, f, value, w->why,
						   sizeof(w->why));
		slot = *(char **)XC_PB_FIELD(w->m, f) +
		       idx * xc_pb_elem_size(f->type);
		return xc_pb_set_scalar(f, slot, value, w->why,
					sizeof(w->why));
	}
	if (idx == n) {
		ret = xc_pb_append_msg(w->m, f, &sub);
		if (ret)
			return xc_errf(w->why, sizeof(w->why), ret,
				       "out of memory");
		xc_pundo_note(&w->undo, w->m, f, true);
	}
	w->m = (*(ProtobufCMessage ***)XC_PB_FIELD(w->m, f))[idx];
	return 1;
}

/*
 * One path component: 1 to go on with w->m, 0 when the value was set,
 * negative errno with w->why on error.
 */
static int xc_pwalk_one(struct xc_pwalk *w, const char *value)
{
	const ProtobufCMessageDescriptor *d = w->m->descriptor;
	const ProtobufCFieldDescriptor *f;
	ProtobufCMessage *sub;
	size_t len = strlen(w->done);
	bool created;
	int ret;

	snprintf(w->done + len, sizeof(w->done) - len, "%s%s", len ? "." : "",
		 w->tok);
	f = protobuf_c_message_descriptor_get_field_by_name(d, w->tok);
	if (!f) {
		char list[XC_PB_WHY_MAX / 2];

		xc_pb_field_list(d, list, sizeof(list));
		return xc_errf(w->why, sizeof(w->why), EINVAL,
			       "unknown field (%s has: %s)", d->short_name,
			       list);
	}
	if (f->label == PROTOBUF_C_LABEL_REPEATED && w->next)
		return xc_pwalk_index(w, f, value);
	if (f->label == PROTOBUF_C_LABEL_REPEATED &&
	    f->type != PROTOBUF_C_TYPE_MESSAGE)
		return xc_pb_set_list(w->m, f, value, w->why, sizeof(w->why));
	if (f->type == PROTOBUF_C_TYPE_MESSAGE && !w->next) {
		char list[XC_PB_WHY_MAX / 2];

		xc_pb_field_list(f->descriptor, list, sizeof(list));
		return xc_errf(w->why, sizeof(w->why), EINVAL,
			       "is %s %s, set one of its fields (%s)",
			       f->label == PROTOBUF_C_LABEL_REPEATED ?
			       "a list of" : "a", xc_pb_type_name(f), list);
	}
	if (f->type != PROTOBUF_C_TYPE_MESSAGE) {
		if (w->next)
			return xc_errf(w->why, sizeof(w->why), EINVAL,
				       "is a %s, it has no fields",
				       xc_pb_type_name(f));
		return xc_pb_set_single(w->m, f, value, w->why,
					sizeof(w->why));
	}
	ret = xc_pb_sub(w->m, f, &sub, &created);
	if (ret)
		return xc_errf(w->why, sizeof(w->why), ret, "out of memory");
	if (created)
		xc_pundo_note(&w->undo, w->m, f, false);
	w->m = sub;
	return 1;
}

int xc_pb_set_path(ProtobufCMessage *m, const char *path, const char *value,
		   char *err, size_t errlen)
{
	struct xc_pwalk *w;
	char *copy;
	int ret;

	if (!m || !path || !value)
		return xc_errf(err, errlen, EINVAL, "%s: no path or value",
			       path ? path : "(null)");
	w = calloc(1, sizeof(*w));
	copy = strdup(path);
	if (!w || !copy) {
		ret = xc_errf(err, errlen, ENOMEM, "%s: out of memory", path);
		goto out;
	}
	w->m = m;
	w->next = copy;
	do {
		xc_pwalk_step(w);
		ret = xc_pwalk_one(w, value);
	} while (ret == 1 && w->next);
	if (ret == 1) {
		char list[XC_PB_WHY_MAX / 2];

		xc_pb_field_list(w->m->descriptor, list, sizeof(list));
		ret = xc_errf(w->why, sizeof(w->why), EINVAL,
			      "is a %s, set one of its fields (%s)",
			      w->m->descriptor->short_name, list);
	}
	if (ret) {
		xc_pundo_run(&w->undo);
		xc_errf(err, errlen, ret, "%s: %s", w->done, w->why);
	}
out:
	free(copy);
	free(w);
	return ret;
}
