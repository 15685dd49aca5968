// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Any protobuf-c message as a JSON object, driven by its descriptor. Every
 * field is written, zero values included, so reports are complete; the
 * output reads back through xc_pb_from_yaml() into an equal message.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_pb.h"
#include "xc_spec.h"
#include "xc_util.h"

#define XC_PB_FIELD(m, f) \
	((const void *)((const char *)(m) + (f)->offset))
#define XC_PB_QUANT(m, f) \
	((const void *)((const char *)(m) + (f)->quantifier_offset))

static json_t *xc_json_enum(const ProtobufCEnumDescriptor *e, int32_t v)
{
	char name[64];

	if (!xc_pb_enum_name(e, v, name, sizeof(name)))
		return json_integer(v);
	return json_string(name);
}

static json_t *xc_json_real(double v)
{
	if (isnan(v))
		return json_string(".nan");
	if (isinf(v))
		return json_string(v < 0 ? "-.inf" : ".inf");
	return json_real(v);
}

static json_t *xc_json_u64(uint64_t v)
{
	char buf[24];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static json_t *xc_json_bytes(const ProtobufCBinaryData *bd)
{
	char *s = malloc(bd->len * 2 + 1);
	json_t *j;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < bd->len; i++)
		snprintf(s + 2 * i, 3, "%02x", bd->data[i]);
	s[2 * bd->len] = '\0';
	j = json_string(s);
	free(s);
	return j;
}

/* JSON strings must be UTF-8: anything else has its high bytes replaced. */
static json_t *xc_json_str(const char *s)
{
	json_t *j;
	char *c;
	size_t i;

	if (!s)
		s = "";
	j = json_string(s);
	if (j)
		return j;
	c = strdup(s);
	if (!c)
		return NULL;
	for (i = 0; c[i]; i++)
		if ((unsigned char)c[i] >= 0x80)
			c[i] = '?';
	j = json_string(c);
	free(c);
	return j;
}

/* One value of field f stored at p. */
static json_t *xc_json_value(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return xc_json_u64(*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT:
		return xc_json_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return xc_json_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM:
		return xc_json_enum(f->descriptor, *(const int32_t *)p);
	case PROTOBUF_C_TYPE_STRING:
		return xc_json_str(*(char *const *)p);
	case PROTOBUF_C_TYPE_BYTES:
		return xc_json_bytes(p);
	case PROTOBUF_C_TYPE_MESSAGE:
		if (!*(ProtobufCMessage *const *)p)
			return json_null();
		return xc_pb_to_json(*(ProtobufCMessage *const *)p);
	}
	return NULL;
}

static json_t *xc_json_array(const ProtobufCMessage *m,
			     const ProtobufCFieldDescriptor *f)
{
	size_t n = *(const size_t *)XC_PB_QUANT(m, f), i;
	const char *arr = *(const char *const *)XC_PB_FIELD(m, f);
	size_t sz = xc_pb_elem_size(f->type);
	json_t *a = json_array();

	for (i = 0; a && arr && i < n; i++) {
		if (json_array_append_new(a, xc_json_value(f, arr + i * sz))) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

json_t *xc_pb_to_json(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d;
	const ProtobufCFieldDescriptor *f;
	json_t *o, *v;
	size_t i;

	if (!m)
		return json_null();
	d = m->descriptor;
	o = json_object();
	for (i = 0; o && i < d->n_fields; i++) {
		f = &d->fields[i];
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)XC_PB_QUANT(m, f) != f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			v = xc_json_array(m, f);
		else
			v = xc_json_value(f, XC_PB_FIELD(m, f));
		if (json_object_set_new(o, f->name, v)) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}
