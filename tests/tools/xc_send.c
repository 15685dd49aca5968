// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xc-send: a bare protocol client for the integration tests, to say to
 * an agent what no controller would (a Prepare without IfInfo, limits
 * beyond the spec's, a session that holds its queues).
 *
 *   xc-send [--hold] ADDR:PORT MSG...
 *
 * Each MSG is an Envelope in YAML or JSON (proto/xceiver.proto), a file
 * or, when it starts with '{', the text itself: {hello: {}}. A message
 * without a request_id gets its position (1, 2, ...). Each is sent after
 * the reply to the one before (the message with its request id) came;
 * every message received is printed as one line of JSON. --hold then
 * keeps the connection (and the session's leases) until a signal ends
 * the process. Exit 0 when every message had its reply, 1 when not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "xc_spec.h"
#include "xc_util.h"
#include "xc_wire.h"

#define XC_SEND_TIMEOUT_S	10

static int xc_connect(const char *addrport)
{
	struct timeval tv = { XC_SEND_TIMEOUT_S, 0 };
	struct sockaddr_storage ss;
	int fd;

	if (xc_parse_addrport(addrport, &ss)) {
		fprintf(stderr, "xc-send: %s: expected ADDR:PORT\n", addrport);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				 sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&ss, sizeof(ss))) {
		fprintf(stderr, "xc-send: %s: %s\n", addrport, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static Xceiver__V1__Envelope *xc_msg_load(const char *msg)
{
	ProtobufCMessage *m = NULL;
	char err[512];
	int ret;

	if (msg[0] == '{')
		ret = xc_pb_from_yaml(&xceiver__v1__envelope__descriptor,
				      "message", msg, strlen(msg), &m, err,
				      sizeof(err));
	else
		ret = xc_pb_from_yaml_file(&xceiver__v1__envelope__descriptor,
					   msg, &m, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "xc-send: %s\n", err);
		return NULL;
	}
	return (Xceiver__V1__Envelope *)m;
}

static int xc_io(int fd, void *buf, size_t len, bool out)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = out ? write(fd, p, len) : read(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Print the next message received; its request id into id. */
static int xc_recv(int fd, uint64_t *id)
{
	Xceiver__V1__Envelope *env;
	uint8_t hdr[XC_WIRE_HDR_LEN], *body;
	uint32_t len;
	json_t *j;
	char *s;

	if (xc_io(fd, hdr, sizeof(hdr), false))
		return -1;
	len = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
	body = len <= XC_WIRE_MAX_MSG ? malloc(len ? len : 1) : NULL;
	if (!body || xc_io(fd, body, len, false)) {
		free(body);
		return -1;
	}
	env = xc_env_decode(body, len);
	free(body);
	if (!env)
		return -1;
	*id = env->request_id;
	j = xc_pb_to_json(&env->base);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	printf("%s\n", s ? s : "{}");
	fflush(stdout);
	free(s);
	json_decref(j);
	xceiver__v1__envelope__free_unpacked(env, NULL);
	return 0;
}

/* Send env and print what comes until its reply. */
static int xc_exchange(int fd, Xceiver__V1__Envelope *env)
{
	uint64_t id = env->request_id + 1;
	uint8_t *buf;
	size_t len;
	int ret;

	env->version = XC_PROTOCOL_VERSION;
	if (xc_wire_pack(env, &buf, &len))
		return -1;
	ret = xc_io(fd, buf, len, true);
	free(buf);
	while (!ret && id != env->request_id)
		ret = xc_recv(fd, &id);
	return ret;
}

int main(int argc, char **argv)
{
	Xceiver__V1__Envelope *env;
	bool hold = argc > 1 && !strcmp(argv[1], "--hold");
	int i, fd, ret = 0;

	if (argc < 3 + hold) {
		fprintf(stderr, "usage: xc-send [--hold] ADDR:PORT MSG...\n");
		return 2;
	}
	fd = xc_connect(argv[1 + hold]);
	if (fd < 0)
		return 1;
	for (i = 2 + hold; i < argc && !ret; i++) {
		env = xc_msg_load(argv[i]);
		if (!env)
			return 2;
		if (!env->request_id)
			env->request_id = (uint64_t)(i - 1 - hold);
		ret = xc_exchange(fd, env);
		if (ret)
			fprintf(stderr, "xc-send: no reply to message %d: %s\n",
				i - 1 - hold, errno ? strerror(errno) :
				"connection closed");
		xceiver__v1__envelope__free_unpacked(env, NULL);
	}
	while (hold && !ret)
		pause();
	close(fd);
	return ret ? 1 : 0;
}
