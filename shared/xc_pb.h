/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Small protobuf-c descriptor helpers shared by the YAML and JSON mappers
 * and by anything that prints enum values.
 */
#ifndef XC_PB_H
#define XC_PB_H

#include <stdbool.h>
#include <stddef.h>
#include <protobuf-c/protobuf-c.h>

/* Bytes one element of a field of type t takes in a message. */
size_t xc_pb_elem_size(ProtobufCType t);

/* Length of the common "PREFIX_" of an enum's value names. */
size_t xc_pb_enum_prefix(const ProtobufCEnumDescriptor *e);

/*
 * Short lower-case name of value v ("skb" for XDP_MODE_SKB) in buf; NULL
 * when v is not a value of e.
 */
const char *xc_pb_enum_name(const ProtobufCEnumDescriptor *e, int v,
			    char *buf, size_t len);

/*
 * False when m or a message inside it holds a field number 0. protobuf-c
 * accepts one written as a long (non-minimal) tag and keeps it as an
 * unknown field, but cannot encode it again: a copy by pack and unpack
 * would fail. Field number 0 is not valid protobuf.
 */
bool xc_pb_tags_valid(const ProtobufCMessage *m);

/*
 * Deep copy of m (pack + unpack), to free with
 * protobuf_c_message_free_unpacked; NULL on failure.
 */
ProtobufCMessage *xc_pb_dup(const ProtobufCMessage *m);

#endif /* XC_PB_H */
