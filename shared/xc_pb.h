/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Small protobuf-c descriptor helpers shared by the YAML and JSON mappers
 * and by anything that prints enum values.
 */
#ifndef XC_PB_H
#define XC_PB_H

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

#endif /* XC_PB_H */
