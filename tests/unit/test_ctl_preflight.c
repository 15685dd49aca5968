// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Preflight: specs against made-up interfaces, each finding checked by
 * its words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xc_preflight.h"
#include "xc_spec.h"

#define SPEC_MSG (&xceiver__v1__test_spec__descriptor)

struct fx {
	Xceiver__V1__TestSpec *spec;
	Xceiver__V1__IfInfo tx, rx;
	struct xc_findings fs;
};

static void iface(Xceiver__V1__IfInfo *i, char *name, uint32_t mtu)
{
	xceiver__v1__if_info__init(i);
	i->ifname = name;
	i->mtu = mtu;
	i->rx_queues = 1;
	i->tx_queues = 1;
	i->up = true;
	i->running = true;
}

/* A spec of the given streams (YAML flow items), interfaces all well. */
static void fx_init(struct fx *f, const char *rx_xsk, const char *streams)
{
	char y[2048], err[512] = "";

	memset(f, 0, sizeof(*f));
	snprintf(y, sizeof(y),
		 "tx: {agent: 198.19.1.2:7007, xsk: {ifname: xct, mode: skb}}\n"
		 "rx: {agent: 198.19.1.6:7007, xsk: {ifname: xcr, %s}}\n"
		 "streams: [%s]\n", rx_xsk, streams);
	if (xc_pb_from_yaml(SPEC_MSG, "t", y, strlen(y),
			    (ProtobufCMessage **)&f->spec, err, sizeof(err)) ||
	    xc_spec_defaults(f->spec) ||
	    xc_spec_check(f->spec, "t", err, sizeof(err)))
		print_error("spec: %s\n", err);
	assert_string_equal(err, "");
	iface(&f->tx, "xct", 1500);
	iface(&f->rx, "xcr", 1500);
}

static void fx_check(struct fx *f)
{
	xc_findings_free(&f->fs);
	assert_int_equal(xc_preflight(f->spec, &f->tx, &f->rx, &f->fs), 0);
}

static void fx_free(struct fx *f)
{
	xc_findings_free(&f->fs);
	protobuf_c_message_free_unpacked(&f->spec->base, NULL);
}

/* Exactly one finding, refused or not, saying want. */
static void one_finding(const struct fx *f, bool refuse, const char *want)
{
	size_t i;

	for (i = 0; f->fs.n != 1 && i < f->fs.n; i++)
		print_error("finding %zu: %s\n", i, f->fs.f[i].text);
	assert_int_equal(f->fs.n, 1);
	assert_int_equal(f->fs.f[0].refuse, refuse);
	assert_int_equal(f->fs.refusals, refuse ? 1 : 0);
	if (!strstr(f->fs.f[0].text, want))
		print_error("'%s' not in '%s'\n", want, f->fs.f[0].text);
	assert_non_null(strstr(f->fs.f[0].text, want));
}

static void test_all_well(void **state)
{
	struct fx f;

	fx_init(&f, "mode: skb", "{id: 1, count: 10, frame_size: 1518}");
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
}

static void test_mtu(void **state)
{
	struct fx f;

	/* the case of the issue: 1500-byte frames, an Rx MTU of 1000 */
	fx_init(&f, "mode: skb", "{id: 1, count: 10, frame_size: 1500}");
	f.rx.mtu = 1000;
	fx_check(&f);
	one_finding(&f, true,
		    "stream 1: frames of up to 1500 bytes carry 1482-byte IP packets, above the MTU of xcr on the rx agent 198.19.1.6:7007 (1000): raise it (ip link set dev xcr mtu 1482) or send smaller frames");
	/* one byte within: fine */
	f.rx.mtu = 1482;
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	/* the sender's MTU counts too */
	f.tx.mtu = 1481;
	fx_check(&f);
	one_finding(&f, true, "above the MTU of xct on the tx agent");
	fx_free(&f);

	/* a tag is not part of the packet; the largest of several sizes */
	fx_init(&f, "mode: skb",
		"{id: 1, count: 10, frame_size: 1522, headers: {vlan_id: 5}},"
		"{id: 2, count: 10, sizes: {list: [64, 1400, 1300]}},"
		"{id: 3, count: 10, sizes: {list: [64, 1450]}}");
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	f.rx.mtu = 1300;
	fx_check(&f);
	one_finding(&f, true,
		    "stream 1 and others: frames of up to 1522 bytes carry 1500-byte IP packets");
	fx_free(&f);
}

static void test_link(void **state)
{
	struct fx f;

	fx_init(&f, "mode: skb", "{id: 1, count: 10}");
	f.tx.up = false;
	f.tx.running = false;
	fx_check(&f);
	one_finding(&f, true,
		    "tx agent 198.19.1.2:7007: interface xct is down (ip link set dev xct up)");
	f.tx.up = true;
	f.tx.running = true;
	f.rx.running = false;
	fx_check(&f);
	one_finding(&f, true,
		    "rx agent 198.19.1.6:7007: interface xcr has no carrier: its link is down");
	fx_free(&f);
}

static void test_rss(void **state)
{
	struct fx f;

	fx_init(&f, "mode: skb, queues: [0, 1]", "{id: 1, count: 10}");
	f.rx.rx_queues = 4;
	fx_check(&f);
	one_finding(&f, false,
		    "rx agent 198.19.1.6:7007: sockets on 2 of the 4 rx queues of xcr: flows that RSS steers to the others reach no socket (counted in xdp_no_socket)");
	/* the sender's queues do not matter to RSS */
	f.rx.rx_queues = 2;
	f.tx.rx_queues = 8;
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
	fx_init(&f, "mode: skb, all_queues: true", "{id: 1, count: 10}");
	f.rx.rx_queues = 4;
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
}

static void test_vlan_offload(void **state)
{
	struct fx f;

	fx_init(&f, "mode: skb",
		"{id: 1, count: 10}, {id: 2, count: 10, frame_size: 68, headers: {vlan_id: 100}}");
	f.rx.rx_vlan_offload = true;
	fx_check(&f);
	one_finding(&f, false,
		    "rx agent 198.19.1.6:7007: xcr takes 802.1Q tags out of received frames (rx-vlan-offload) and skb mode cannot read them back: the tags of stream 2 will not be verified");
	/* the sender's offload does not matter */
	f.rx.rx_vlan_offload = false;
	f.tx.rx_vlan_offload = true;
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
	/* native mode reads the tags back */
	fx_init(&f, "mode: drv",
		"{id: 2, count: 10, frame_size: 68, headers: {vlan_id: 100}}");
	f.rx.rx_vlan_offload = true;
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
}

/* An interface whose driver's XDP features the kernel told. */
static void xdp_feat(Xceiver__V1__IfInfo *i, bool native, bool redirect,
		     bool zc, bool rx_sg, uint32_t zc_max_segs)
{
	i->xdp_features_known = true;
	i->xdp_native = native;
	i->xdp_redirect = redirect;
	i->xdp_zerocopy = zc;
	i->xdp_rx_sg = rx_sg;
	i->xdp_zc_max_segs = zc_max_segs;
}

static void test_xdp_zerocopy(void **state)
{
	struct fx f;

	/* a veth: native XDP, no zero-copy */
	fx_init(&f, "mode: zerocopy", "{id: 1, count: 10}");
	xdp_feat(&f.rx, true, true, false, true, 0);
	fx_check(&f);
	one_finding(&f, true,
		    "rx agent 198.19.1.6:7007: xcr cannot do zero-copy AF_XDP (driver XDP features: basic, redirect, rx-sg): use mode drv (native XDP, copy) or skb");
	/* without native XDP, only skb is left */
	xdp_feat(&f.rx, false, false, false, false, 0);
	fx_check(&f);
	one_finding(&f, true,
		    "xcr cannot do zero-copy AF_XDP (driver XDP features: none): use mode skb");
	/* zero-copy without redirect: the kernel refuses the bind */
	xdp_feat(&f.rx, true, false, true, false, 0);
	fx_check(&f);
	one_finding(&f, true,
		    "xcr cannot do zero-copy AF_XDP (driver XDP features: basic, xsk-zerocopy): use mode skb");
	/* a NIC that does it */
	xdp_feat(&f.rx, true, true, true, false, 1);
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	/* the features unknown: no finding */
	xceiver__v1__if_info__init(&f.rx);
	iface(&f.rx, "xcr", 1500);
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
}

static void test_xdp_zc_multi_buffer(void **state)
{
	struct fx f;

	fx_init(&f, "mode: zerocopy, multi_buffer: true", "{id: 1, count: 10}");
	xdp_feat(&f.rx, true, true, true, true, 1);
	fx_check(&f);
	one_finding(&f, true,
		    "rx agent 198.19.1.6:7007: xcr cannot do multi-buffer AF_XDP in zero-copy (its driver takes one buffer a frame there): use mode drv with multi_buffer");
	/* a driver that takes several, or a kernel that does not say */
	f.rx.xdp_zc_max_segs = 5;
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	f.rx.xdp_zc_max_segs = 0;
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
	/* copy mode spreads a frame over chunks: rx-sg does not matter */
	fx_init(&f, "mode: drv, multi_buffer: true", "{id: 1, count: 10}");
	xdp_feat(&f.rx, true, true, false, false, 0);
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
}

static void test_xdp_drv(void **state)
{
	struct fx f;

	fx_init(&f, "mode: drv", "{id: 1, count: 10}");
	xdp_feat(&f.rx, false, false, false, false, 0);
	fx_check(&f);
	one_finding(&f, true,
		    "rx agent 198.19.1.6:7007: xcr cannot receive in native (drv) XDP mode: its driver has no native XDP (driver XDP features: none); use mode skb");
	xdp_feat(&f.rx, true, false, false, false, 0);
	fx_check(&f);
	one_finding(&f, true,
		    "its driver cannot redirect frames to AF_XDP sockets (driver XDP features: basic); use mode skb");
	/* a veth receives in drv mode */
	xdp_feat(&f.rx, true, true, false, true, 0);
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	fx_free(&f);
	/* a sender in drv mode runs no program */
	fx_init(&f, "mode: skb", "{id: 1, count: 10}");
	f.spec->tx->xsk->mode = XCEIVER__V1__XDP_MODE__XDP_MODE_DRV;
	xdp_feat(&f.tx, false, false, false, false, 0);
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	/* but it needs zero-copy for zerocopy */
	f.spec->tx->xsk->mode = XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY;
	fx_check(&f);
	one_finding(&f, true,
		    "tx agent 198.19.1.2:7007: xct cannot do zero-copy AF_XDP");
	fx_free(&f);
}

static void test_xdp_auto(void **state)
{
	struct fx f;

	/* auto ends in drv copy on a veth: nothing lost, no finding */
	fx_init(&f, "mode: auto", "{id: 1, count: 10}");
	xdp_feat(&f.rx, true, true, false, true, 0);
	xdp_feat(&f.tx, false, false, false, false, 0);
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	/* nor in skb copy without native XDP */
	xdp_feat(&f.rx, false, false, false, false, 0);
	fx_check(&f);
	assert_int_equal(f.fs.n, 0);
	/* in drv copy without redirect, frames would be dropped */
	xdp_feat(&f.rx, true, false, false, false, 0);
	fx_check(&f);
	one_finding(&f, true,
		    "rx agent 198.19.1.6:7007: mode auto would receive in drv copy mode on xcr, whose driver cannot redirect frames to AF_XDP sockets (driver XDP features: basic): they would be dropped; use mode skb");
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_well),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_rss),
		cmocka_unit_test(test_vlan_offload),
		cmocka_unit_test(test_xdp_zerocopy),
		cmocka_unit_test(test_xdp_zc_multi_buffer),
		cmocka_unit_test(test_xdp_drv),
		cmocka_unit_test(test_xdp_auto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
