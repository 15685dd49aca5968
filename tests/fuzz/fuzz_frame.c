// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The frame parser and the Rx validator (shared/xc_frame.c,
 * shared/xc_validate.c) fed arbitrary frames against one of the fixed
 * specs (xc_fuzz.c), with a small sliding window and range cap so that
 * both move. The first byte picks the spec and whether records carry XDP
 * metadata; then records:
 *   0, u16 len, bytes          a raw frame
 *   1, u8 stream, u16 seq, u16 off, u8 xor, i8 dlen
 *                              the generator's frame for that seq, with
 *                              one byte changed and the length moved
 *   2, u8 addr, u16 len, bytes a descriptor anomaly (found by the agent
 *                              outside the validator) at UMEM address addr
 * Frames are timed as read 1 us apart; bit 0x20 of the first byte sets an
 * extreme clock offset. At the end every stream must account for each
 * expected seq exactly once (delivered + corrupt + missing), every
 * delivered frame must be timed once (in a histogram or negative), and
 * the report must pack.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xc_fuzz.h"
#include "xc_gen.h"
#include "xc_util.h"
#include "xc_validate.h"

#define XC_FF_RUN_ID		0x5843f00dcafe1234ull
#define XC_FF_WINDOW		128
#define XC_FF_RANGES		4
#define XC_FF_BUF		(XC_MAX_FRAME + 256)
#define XC_FF_DESC		XCEIVER__V1__ANOMALY_KIND__ANOMALY_DESC

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct xc_ff_spec {
	Xceiver__V1__TestSpec *spec;
	struct xc_gen gen[4];
	struct xc_stream_tmpl tmpl[4];
	size_t n;
};

static struct xc_ff_spec xc_ff_specs[XC_FUZZ_NSPECS];

struct xc_ff_in {
	const uint8_t *p;
	size_t left;
};

static bool xc_ff_take(struct xc_ff_in *in, void *out, size_t n)
{
	if (in->left < n)
		return false;
	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return true;
}

static uint16_t xc_ff_u16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void xc_ff_spec_init(struct xc_ff_spec *f, unsigned int i)
{
	struct xc_umem_geom geo;
	char err[256];
	size_t k;

	f->spec = xc_fuzz_spec(i);
	f->n = XC_MIN(f->spec->n_streams, XC_ARRAY_SIZE(f->gen));
	xc_umem_geom_from(&geo, f->spec->tx->xsk);
	for (k = 0; k < f->n; k++)
		if (xc_gen_init(&f->gen[k], f->spec->streams[k], XC_FF_RUN_ID,
				&geo, err, sizeof(err)) ||
		    xc_stream_tmpl_init(&f->tmpl[k], f->spec->streams[k],
					XC_FF_RUN_ID, err, sizeof(err)))
			abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	xc_fuzz_quiet();
	for (i = 0; i < XC_FUZZ_NSPECS; i++)
		xc_ff_spec_init(&xc_ff_specs[i], i);
	return 0;
}

/* The generator's frame for a seq, one byte changed, length moved. */
static uint32_t xc_ff_built(const struct xc_ff_spec *f, struct xc_ff_in *in,
			    uint8_t *buf)
{
	uint8_t r[7];
	struct xc_gen_pkt p;
	const struct xc_gen *g;
	uint32_t len, off;
	int32_t dlen;

	if (!xc_ff_take(in, r, sizeof(r)))
		return 0;
	g = &f->gen[r[0] % f->n];
	xc_gen_pkt(g, xc_ff_u16(r + 1), &p);
	len = xc_frame_build_pkt(&f->tmpl[r[0] % f->n], &p, 1234, buf);
	off = xc_ff_u16(r + 3);
	if (off < len)
		buf[off] ^= r[5];
	dlen = (int8_t)r[6];
	if (dlen < 0 && (uint32_t)-dlen > len)
		return 0;
	len = (uint32_t)((int32_t)len + dlen);
	return XC_MIN(len, (uint32_t)XC_FF_BUF);
}

static uint32_t xc_ff_raw(struct xc_ff_in *in, uint8_t *buf)
{
	uint8_t l[2];
	uint32_t len;

	if (!xc_ff_take(in, l, sizeof(l)))
		return 0;
	len = XC_MIN((uint32_t)xc_ff_u16(l), (uint32_t)XC_FF_BUF);
	len = XC_MIN(len, (uint32_t)in->left);
	xc_ff_take(in, buf, len);
	return len;
}

static void xc_ff_frame(struct xc_rxv *v, const uint8_t *buf, uint32_t len,
			bool meta, uint64_t rx_ns)
{
	struct xc_phdr ph;

	xc_frame_parse(buf, len, &ph);
	if (meta && len >= XC_META_LEN)
		xc_rxv_frame_meta(v, buf + XC_META_LEN, len - XC_META_LEN,
				  buf, XC_META_LEN, 4096, 0, rx_ns);
	else
		xc_rxv_frame_meta(v, buf, len, NULL, 0, 0, 0, rx_ns);
}

/* Every delivered frame timed once: in the histograms or negative. */
static void xc_ff_timed(const struct xc_rxv *v)
{
	const struct xc_rxv_stream *vs;
	uint64_t delivered = 0;
	uint32_t i;

	for (i = 0; i < v->nstreams; i++) {
		vs = &v->streams[i];
		delivered += vs->st.delivered;
		if (vs->lat && vs->lat->count + vs->lat_negative !=
			       vs->st.delivered)
			abort();
	}
	if (v->lat->one_way.count + v->lat->negative != delivered)
		abort();
}

static void xc_ff_end(struct xc_rxv *v)
{
	Xceiver__V1__Report r = XCEIVER__V1__REPORT__INIT;
	const struct xc_rxstream *s;
	uint32_t i;
	uint8_t *buf;

	xc_rxv_finish(v);
	for (i = 0; i < v->nstreams; i++) {
		s = &v->streams[i].st;
		if (s->delivered + s->corrupt + s->missing !=
		    s->expected_total)
			abort();
	}
	xc_ff_timed(v);
	if (xc_rxv_report(v, &r))
		return;
	buf = malloc(xceiver__v1__report__get_packed_size(&r) + 1);
	if (buf)
		xceiver__v1__report__pack(&r, buf);
	free(buf);
	xc_rxv_report_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[XC_FF_BUF];
	struct xc_ff_in in = { data, size };
	const struct xc_ff_spec *f;
	struct xc_rxv_opts o = {
		.window_bits = XC_FF_WINDOW,
		.max_ranges = XC_FF_RANGES,
	};
	uint64_t rx_ns = 1ull << 40;
	struct xc_rxv v;
	uint8_t sel, op, addr;
	uint32_t len;
	char err[256];

	if (!xc_ff_take(&in, &sel, 1))
		return 0;
	f = &xc_ff_specs[sel % XC_FUZZ_NSPECS];
	o.rx = f->spec->rx_options;
	o.peer_xsk = f->spec->tx->xsk;
	o.path = f->spec->path;
	if (xc_rxv_init_opts(&v, XC_FF_RUN_ID, f->spec->streams,
			     f->spec->n_streams, &o, err, sizeof(err)))
		abort();
	/* as where the Rx driver took the tags out of the frames */
	xc_rxv_set_vlan_strip(&v, sel & 0x40);
	if (sel & 0x20)
		xc_rxv_clock_offset(&v, INT64_MIN + 1, 1, true);
	while (xc_ff_take(&in, &op, 1)) {
		rx_ns += 1000;
		switch (op % 3) {
		case 0:
			len = xc_ff_raw(&in, buf);
			xc_ff_frame(&v, buf, len, sel & 0x80, rx_ns);
			break;
		case 1:
			len = xc_ff_built(f, &in, buf);
			xc_ff_frame(&v, buf, len, sel & 0x80, rx_ns);
			break;
		default:
			if (!xc_ff_take(&in, &addr, 1))
				break;
			len = xc_ff_raw(&in, buf);
			/* the agent reports descriptor anomalies so */
			xc_rxv_anomaly(&v, XC_FF_DESC, len ? buf : NULL, len,
				       addr, 0);
			break;
		}
	}
	xc_ff_end(&v);
	xc_rxv_free(&v);
	return 0;
}
