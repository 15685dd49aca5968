// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xc_pb.h"

size_t xc_pb_elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int32_t);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return sizeof(int64_t);
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	}
	return 0;
}

size_t xc_pb_enum_prefix(const ProtobufCEnumDescriptor *e)
{
	const char *first;
	size_t n, i, j;

	if (!e->n_values)
		return 0;
	first = e->values[0].name;
	n = strlen(first);
	for (i = 1; i < e->n_values; i++) {
		for (j = 0; j < n && e->values[i].name[j] == first[j]; j++)
			;
		n = j;
	}
	while (n && first[n - 1] != '_')
		n--;
	return n;
}

const char *xc_pb_enum_name(const ProtobufCEnumDescriptor *e, int v,
			    char *buf, size_t len)
{
	const ProtobufCEnumValue *ev;
	size_t i;

	ev = protobuf_c_enum_descriptor_get_value(e, v);
	if (!ev || !len)
		return NULL;
	for (i = 0; i + 1 < len && ev->name[xc_pb_enum_prefix(e) + i]; i++)
		buf[i] = (char)tolower((unsigned char)
				       ev->name[xc_pb_enum_prefix(e) + i]);
	buf[i] = '\0';
	return buf;
}

/* The message in field f of m, or NULL; oneof members only when chosen. */
static const ProtobufCMessage *xc_pb_sub(const ProtobufCMessage *m,
					 const ProtobufCFieldDescriptor *f)
{
	const char *base = (const char *)m;

	if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
	    *(const uint32_t *)(base + f->quantifier_offset) != f->id)
		return NULL;
	return *(ProtobufCMessage *const *)(base + f->offset);
}

bool xc_pb_tags_valid(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const ProtobufCFieldDescriptor *f;
	ProtobufCMessage *const *v;
	const ProtobufCMessage *sub;
	size_t i, j, n;

	for (i = 0; i < m->n_unknown_fields; i++)
		if (!m->unknown_fields[i].tag)
			return false;
	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label != PROTOBUF_C_LABEL_REPEATED) {
			sub = xc_pb_sub(m, f);
			if (sub && !xc_pb_tags_valid(sub))
				return false;
			continue;
		}
		n = *(const size_t *)((const char *)m + f->quantifier_offset);
		v = *(ProtobufCMessage *const *const *)((const char *)m +
							 f->offset);
		for (j = 0; j < n; j++)
			if (!xc_pb_tags_valid(v[j]))
				return false;
	}
	return true;
}

ProtobufCMessage *xc_pb_dup(const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	ProtobufCMessage *out;
	uint8_t *buf;

	buf = malloc(len ? len : 1);
	if (!buf)
		return NULL;
	protobuf_c_message_pack(m, buf);
	out = protobuf_c_message_unpack(m->descriptor, NULL, len, buf);
	free(buf);
	return out;
}
