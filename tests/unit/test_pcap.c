// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * pcap writer: frames written are read back by hand, field by field, and
 * (when tshark is installed) opened by tshark.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "xc_pcap.h"

#define NFRAMES 3

static uint32_t rd32(FILE *f)
{
	uint32_t v;

	assert_int_equal(fread(&v, sizeof(v), 1, f), 1);
	return v;
}

static uint16_t rd16(FILE *f)
{
	uint16_t v;

	assert_int_equal(fread(&v, sizeof(v), 1, f), 1);
	return v;
}

/* A minimal Ethernet/IPv4/UDP frame of len bytes, bytes after the headers
 * set from tag. */
static void make_frame(uint8_t *b, uint32_t len, uint8_t tag)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0,
		198, 18, 0, 1, 198, 18, 0, 2,
		0x23, 0x28, 0x23, 0x29, 0, 0, 0, 0,
	};
	uint32_t i;

	memcpy(b, hdr, sizeof(hdr));
	b[16] = (len - 14) >> 8;
	b[17] = (len - 14) & 0xff;
	b[38] = (len - 34) >> 8;
	b[39] = (len - 34) & 0xff;
	for (i = sizeof(hdr); i < len; i++)
		b[i] = tag + i;
}

static void test_write_read_back(void **state)
{
	static const uint32_t lens[NFRAMES] = { 60, 1514, 100 };
	static const uint64_t ts[NFRAMES] = {
		1700000000123456789ull, 1700000001000000001ull, 5,
	};
	char path[] = "/tmp/xc-test-pcap-XXXXXX", err[256];
	uint8_t frame[2048], back[2048];
	struct xc_pcap p;
	FILE *f;
	int fd, i;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(xc_pcap_open(&p, path, err, sizeof(err)), 0);
	for (i = 0; i < NFRAMES; i++) {
		make_frame(frame, lens[i], i);
		/* the last one is a truncated copy of a longer frame */
		assert_int_equal(xc_pcap_write(&p, frame, lens[i],
					       i == 2 ? 9000 : 0, ts[i], err,
					       sizeof(err)), 0);
	}
	assert_int_equal(p.frames, NFRAMES);
	assert_int_equal(xc_pcap_close(&p, err, sizeof(err)), 0);

	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(rd32(f), 0xa1b23c4d);
	assert_int_equal(rd16(f), 2);
	assert_int_equal(rd16(f), 4);
	assert_int_equal(rd32(f), 0);
	assert_int_equal(rd32(f), 0);
	assert_int_equal(rd32(f), 65535);
	assert_int_equal(rd32(f), 1);
	for (i = 0; i < NFRAMES; i++) {
		assert_int_equal(rd32(f), ts[i] / 1000000000ull);
		assert_int_equal(rd32(f), ts[i] % 1000000000ull);
		assert_int_equal(rd32(f), lens[i]);
		assert_int_equal(rd32(f), i == 2 ? 9000 : lens[i]);
		assert_int_equal(fread(back, lens[i], 1, f), 1);
		make_frame(frame, lens[i], i);
		assert_memory_equal(back, frame, lens[i]);
	}
	assert_int_equal(fread(back, 1, 1, f), 0);
	assert_true(feof(f));
	fclose(f);

	if (system("command -v tshark >/dev/null 2>&1")) {
		print_message("tshark not installed, not opening the file\n");
	} else {
		char cmd[512], line[256];
		int n = 0, udp = 0;

		snprintf(cmd, sizeof(cmd),
			 "tshark -r %s -T fields -e frame.len -e udp.dstport 2>&1",
			 path);
		f = popen(cmd, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			unsigned int len, port;

			if (sscanf(line, "%u %u", &len, &port) != 2)
				continue;
			assert_int_equal(len, n < 2 ? lens[n] : 9000);
			udp += port == 9001;
			n++;
		}
		assert_int_equal(pclose(f), 0);
		assert_int_equal(n, NFRAMES);
		assert_int_equal(udp, NFRAMES);
	}
	unlink(path);
}

static void test_errors(void **state)
{
	struct xc_pcap p;
	char err[256];

	assert_int_equal(xc_pcap_open(&p, "/nonexistent/dir/x.pcap", err,
				      sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/dir/x.pcap: cannot create it"));
	assert_int_equal(xc_pcap_write(&p, (const uint8_t *)"x", 1, 0, 0, err,
				       sizeof(err)), -EBADF);
	assert_int_equal(xc_pcap_close(&p, err, sizeof(err)), 0);
	assert_int_equal(xc_pcap_close(NULL, err, sizeof(err)), 0);
	if (!access("/dev/full", W_OK)) {
		uint8_t big[4096] = { 0 };
		int i, ret = 0;

		assert_int_equal(xc_pcap_open(&p, "/dev/full", err,
					      sizeof(err)), 0);
		for (i = 0; i < 64 && !ret; i++)
			ret = xc_pcap_write(&p, big, sizeof(big), 0, 0, err,
					    sizeof(err));
		if (!ret)
			ret = xc_pcap_close(&p, err, sizeof(err));
		else
			xc_pcap_close(&p, NULL, 0);
		assert_int_equal(ret, -ENOSPC);
		assert_non_null(strstr(err, "/dev/full: cannot write"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_read_back),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
