/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Specs as protobuf messages. YAML (and JSON, which libyaml reads as YAML)
 * is mapped onto any message through protobuf-c's descriptors, so the .proto
 * stays the one schema: field names are the proto field names, enums take
 * their full name (XDP_MODE_SKB) or the short one (skb), repeated fields
 * take a sequence (or one scalar), unknown fields are errors. Errors name
 * the file, line, column and field: "spec.yaml:12:5: streams[0].frame_sise:
 * unknown field (Stream has: id, count, ...)".
 */
#ifndef XC_SPEC_H
#define XC_SPEC_H

#include <stddef.h>
#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "xceiver.pb-c.h"

/* Parse a YAML/JSON document onto a new message of type d. name is used
 * in error messages (a file name or "<string>"). */
int xc_pb_from_yaml(const ProtobufCMessageDescriptor *d, const char *name,
		    const char *text, size_t len, ProtobufCMessage **out,
		    char *err, size_t errlen);
int xc_pb_from_yaml_file(const ProtobufCMessageDescriptor *d,
			 const char *path, ProtobufCMessage **out,
			 char *err, size_t errlen);

/*
 * Set one field by dotted path ("tx.xsk.ifname", "streams.0.count"),
 * creating sub-messages and repeated elements as needed; value is parsed
 * by the field's type. For command-line flags.
 */
int xc_pb_set_path(ProtobufCMessage *m, const char *path, const char *value,
		   char *err, size_t errlen);

/* Whole message as a JSON object (enums by short lower-case name, 64-bit
 * integers as JSON integers, bytes as hex). */
json_t *xc_pb_to_json(const ProtobufCMessage *m);

/*
 * Load and check a test spec file. Semantic checks name the field:
 * "spec.yaml: streams[0].frame_size: 40 is below the minimum of 64 for
 * Ethernet/IPv4/UDP".
 */
int xc_spec_load(const char *path, Xceiver__V1__TestSpec **out, char *err,
		 size_t errlen);
int xc_spec_check(const Xceiver__V1__TestSpec *s, const char *name,
		  char *err, size_t errlen);

/*
 * Fill the documented defaults in place: frame_size 64, UDP ports 9000 and
 * 9001, ttl 64, queue 0, chunk_size 4096, batch_size 64,
 * timeouts 5000/10000/1000 ms, max_missing_ranges 1024, sample_every 16
 * with payload_check sampled; headers, udp, payload, timeouts and expect
 * are created when missing. 0 or -ENOMEM.
 */
int xc_spec_defaults(Xceiver__V1__TestSpec *s);

/*
 * Streams given by duration_ms get count = rate * duration (at least 1);
 * the rate is rate_pps, or rate_bps over the mean frame size (plus 20
 * bytes per frame with rate_l1). Streams with a count stay as they are.
 * 0 or -ERANGE (more than 2^48 frames).
 */
int xc_spec_resolve_counts(Xceiver__V1__TestSpec *s);

/* A stream's rate in frames per second (0: full speed). */
double xc_spec_stream_pps(const Xceiver__V1__Stream *st);
/* Smallest, largest and mean frame_size (with FCS) of a stream's sizes. */
uint32_t xc_spec_stream_min_frame(const Xceiver__V1__Stream *st);
uint32_t xc_spec_stream_max_frame(const Xceiver__V1__Stream *st);
double xc_spec_stream_mean_frame(const Xceiver__V1__Stream *st);

#endif /* XC_SPEC_H */
