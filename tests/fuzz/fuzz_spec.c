// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The spec loader: a YAML or JSON document (libyaml reads both) mapped
 * onto a TestSpec (shared/xc_pbyaml.c), then what the controller does with
 * a spec it accepts: defaults, checks (shared/xc_spec.c), counts from
 * durations, the JSON form (shared/xc_pbjson.c). An error must come with a
 * message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xc_fuzz.h"
#include "xc_spec.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	xc_fuzz_quiet();
	return 0;
}

static void xc_fs_accepted(Xceiver__V1__TestSpec *s)
{
	json_t *j;
	size_t i;

	xc_spec_resolve_counts(s);
	for (i = 0; i < s->n_streams; i++) {
		xc_spec_stream_pps(s->streams[i]);
		xc_spec_stream_min_frame(s->streams[i]);
		xc_spec_stream_max_frame(s->streams[i]);
		xc_spec_stream_mean_frame(s->streams[i]);
	}
	j = xc_pb_to_json(&s->base);
	if (j)
		free(json_dumps(j, JSON_COMPACT));
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ProtobufCMessage *m = NULL;
	char err[1024];
	int ret;

	err[0] = '\0';
	ret = xc_pb_from_yaml(&xceiver__v1__test_spec__descriptor, "fuzz.yaml",
			      (const char *)data, size, &m, err, sizeof(err));
	if (ret) {
		if (m || !err[0])
			abort();
		return 0;
	}
	if (!m)
		abort();
	err[0] = '\0';
	ret = xc_spec_defaults((Xceiver__V1__TestSpec *)m);
	if (!ret)
		ret = xc_spec_check((Xceiver__V1__TestSpec *)m, "fuzz.yaml",
				    err, sizeof(err));
	if (ret && ret != -ENOMEM && !err[0])
		abort();
	if (!ret)
		xc_fs_accepted((Xceiver__V1__TestSpec *)m);
	protobuf_c_message_free_unpacked(m, NULL);
	return 0;
}
