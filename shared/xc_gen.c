// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The stream generator (see xc_gen.h).
 *
 * Sizes: fixed; a list cycled in order; uniform random in [min, max] from
 * a stateless hash of (seed, seq), so any seq is computed directly; IMIX:
 * the weights expanded into a cycle of sum(weights) sizes, shuffled by the
 * seed (Fisher-Yates over a splitmix64 sequence), seq n -> cycle[n % len].
 * A zero seed is derived from the run id and the stream id.
 *
 * Validity follows the kernel's copy-mode Tx path:
 * - each descriptor: xp_aligned_validate_desc / xp_unaligned_validate_desc
 *   (xc_desc_valid);
 * - a packet is accepted when all its descriptors are, it has at most
 *   max_frags of them, it is terminated, and it uses fragments only with
 *   multi-buffer;
 * - an unterminated packet swallows the next one, unless its fragments
 *   filled max_frags exactly (the kernel drops a chain when it reaches the
 *   limit and starts afresh): the next seq is then invalid too.
 * Validity is computed once per shape at init (it must not depend on the
 * frame size, which xc_gen_init checks), so xc_gen_valid is O(1) and
 * invalid_total O(ndescs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_frame.h"
#include "xc_gen.h"
#include "xc_util.h"

#define XC_GOLDEN	0x9E3779B97F4A7C15ull
#define XC_UNALIGNED_SHIFT	48
#define XC_UNALIGNED_MASK	((1ull << XC_UNALIGNED_SHIFT) - 1)
#define XC_DEF_CHUNK	4096
#define XC_DEF_NCHUNKS	4096
#define XC_HUGE_PAGE	(2u << 20)

#define XC_BASE(x)	XCEIVER__V1__DESC_BASE__DESC_BASE_##x
#define XC_VAL(x)	XCEIVER__V1__VALIDITY__VALIDITY_##x

static const Xceiver__V1__DescShape xc_default_shape =
	XCEIVER__V1__DESC_SHAPE__INIT;

static inline uint64_t xc_gen_mix(uint64_t x)
{
	x += XC_GOLDEN;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* ------------------------------------------------------------ geometry */

void xc_umem_geom_from(struct xc_umem_geom *g,
		       const Xceiver__V1__XskConfig *x)
{
	uint64_t nchunks;

	memset(g, 0, sizeof(*g));
	g->chunk_size = x && x->chunk_size ? x->chunk_size : XC_DEF_CHUNK;
	nchunks = x && x->num_chunks ? x->num_chunks : XC_DEF_NCHUNKS;
	g->size = nchunks * g->chunk_size;
	g->max_frags = XC_GEN_KERNEL_MAX_FRAGS;
	if (!x)
		return;
	g->headroom = x->headroom;
	g->unaligned = x->unaligned;
	g->multi_buffer = x->multi_buffer;
	if (x->unaligned &&
	    x->mode == XCEIVER__V1__XDP_MODE__XDP_MODE_ZEROCOPY)
		g->noncontig_page = x->huge_pages ? XC_HUGE_PAGE : 4096;
}

static uint64_t xc_in_chunk(const struct xc_umem_geom *g, uint64_t addr)
{
	uint32_t cs = g->chunk_size;

	if (!(cs & (cs - 1)))
		return addr & (cs - 1);
	return addr % cs;
}

bool xc_desc_valid(const struct xc_umem_geom *g, uint64_t addr, uint32_t len,
		   uint32_t options)
{
	uint64_t a;

	if (!len || !g->chunk_size)
		return false;
	if (options & ~(XC_DESC_CONTD | XC_DESC_TX_METADATA))
		return false;
	if (!g->unaligned)
		return xc_in_chunk(g, addr) + len <= g->chunk_size &&
		       addr < g->size;
	if (len > g->chunk_size)
		return false;
	/* the upper 16 bits are an offset added to the 48-bit base */
	a = (addr & XC_UNALIGNED_MASK) + (addr >> XC_UNALIGNED_SHIFT);
	if (a >= g->size || a + len > g->size)
		return false;
	if (g->noncontig_page && a % g->noncontig_page + len >
				 g->noncontig_page)
		return false;
	return true;
}

/* ------------------------------------------------------------ sizes */

static int xc_size_check(const char *field, uint32_t v, uint32_t min_frame,
			 const char *stack, char *err, size_t errlen)
{
	if (v < min_frame)
		return xc_errf(err, errlen, EINVAL,
			       "%s %u is below the minimum of %u for %s",
			       field, v, min_frame, stack);
	if (v > XC_MAX_FRAME)
		return xc_errf(err, errlen, EINVAL,
			       "%s %u is above the maximum of %u", field, v,
			       XC_MAX_FRAME);
	return 0;
}

static void xc_bounds(uint32_t v, uint32_t *lo, uint32_t *hi)
{
	*lo = XC_MIN(*lo, v);
	*hi = XC_MAX(*hi, v);
}

static int xc_sizes_list(const Xceiver__V1__Sizes *z, uint32_t min_frame,
			 const char *stack, uint32_t *lo, uint32_t *hi,
			 char *err, size_t errlen)
{
	char field[48];
	size_t i;
	int ret;

	for (i = 0; i < z->n_list; i++) {
		snprintf(field, sizeof(field), "sizes.list[%zu]:", i);
		ret = xc_size_check(field, z->list[i], min_frame, stack, err,
				    errlen);
		if (ret)
			return ret;
		xc_bounds(z->list[i], lo, hi);
	}
	return 0;
}

static int xc_sizes_imix(const Xceiver__V1__Sizes *z, uint32_t min_frame,
			 const char *stack, uint32_t *lo, uint32_t *hi,
			 char *err, size_t errlen)
{
	uint64_t sum = 0;
	char field[48];
	size_t i;
	int ret;

	for (i = 0; i < z->n_imix; i++) {
		if (!z->imix[i])
			return xc_errf(err, errlen, EINVAL,
				       "sizes.imix[%zu]: missing", i);
		snprintf(field, sizeof(field), "sizes.imix[%zu].size:", i);
		ret = xc_size_check(field, z->imix[i]->size, min_frame, stack,
				    err, errlen);
		if (ret)
			return ret;
		if (!z->imix[i]->weight)
			return xc_errf(err, errlen, EINVAL,
				       "sizes.imix[%zu].weight: 0", i);
		sum += z->imix[i]->weight;
		xc_bounds(z->imix[i]->size, lo, hi);
	}
	if (sum > XC_GEN_MAX_CYCLE)
		return xc_errf(err, errlen, EINVAL,
			       "sizes.imix: weights add up to %llu, at most %u",
			       (unsigned long long)sum, XC_GEN_MAX_CYCLE);
	return 0;
}

static int xc_sizes_range(const Xceiver__V1__Sizes *z, uint32_t min_frame,
			  const char *stack, uint32_t *lo, uint32_t *hi,
			  char *err, size_t errlen)
{
	int ret;

	if (!z->min)
		return xc_errf(err, errlen, EINVAL,
			       "sizes.min: missing (sizes.max is %u)", z->max);
	if (!z->max)
		return xc_errf(err, errlen, EINVAL,
			       "sizes.max: missing (sizes.min is %u)", z->min);
	ret = xc_size_check("sizes.min:", z->min, min_frame, stack, err,
			    errlen);
	if (!ret)
		ret = xc_size_check("sizes.max:", z->max, min_frame, stack,
				    err, errlen);
	if (ret)
		return ret;
	if (z->min > z->max)
		return xc_errf(err, errlen, EINVAL,
			       "sizes.min: %u is above sizes.max %u", z->min,
			       z->max);
	*lo = z->min;
	*hi = z->max;
	return 0;
}

static enum xc_size_mode xc_sizes_mode(const Xceiver__V1__Sizes *z, int *n)
{
	enum xc_size_mode m = XC_SIZE_FIXED;

	*n = 0;
	if (!z)
		return m;
	if (z->n_list) {
		m = XC_SIZE_LIST;
		(*n)++;
	}
	if (z->min || z->max) {
		m = XC_SIZE_RANDOM;
		(*n)++;
	}
	if (z->n_imix || z->standard_imix) {
		m = XC_SIZE_IMIX;
		(*n)++;
	}
	return m;
}

int xc_gen_check_sizes(const Xceiver__V1__Stream *s, uint32_t min_frame,
		       const char *stack, uint32_t *lo, uint32_t *hi,
		       char *err, size_t errlen)
{
	const Xceiver__V1__Sizes *z = s->sizes;
	enum xc_size_mode m;
	int n;

	*lo = UINT32_MAX;
	*hi = 0;
	m = xc_sizes_mode(z, &n);
	if (n > 1)
		return xc_errf(err, errlen, EINVAL,
			       "sizes: set only one of list, min/max, imix");
	switch (m) {
	case XC_SIZE_LIST:
		return xc_sizes_list(z, min_frame, stack, lo, hi, err, errlen);
	case XC_SIZE_RANDOM:
		return xc_sizes_range(z, min_frame, stack, lo, hi, err,
				      errlen);
	case XC_SIZE_IMIX:
		if (z->n_imix && z->standard_imix)
			return xc_errf(err, errlen, EINVAL,
				       "sizes.standard_imix: set together with an imix list");
		if (z->n_imix)
			return xc_sizes_imix(z, min_frame, stack, lo, hi, err,
					     errlen);
		*lo = 64;
		*hi = 1518;
		if (*lo < min_frame)
			return xc_errf(err, errlen, EINVAL,
				       "sizes.standard_imix: 64 is below the minimum of %u for %s",
				       min_frame, stack);
		return 0;
	default:
		*lo = *hi = s->frame_size;
		if (!s->frame_size)
			return xc_errf(err, errlen, EINVAL,
				       "frame_size: missing (set frame_size or sizes)");
		return xc_size_check("frame_size", s->frame_size, min_frame,
				     stack, err, errlen);
	}
}

static const uint32_t xc_std_imix[][2] = {
	{ 64, 7 }, { 594, 4 }, { 1518, 1 },
};

static int xc_imix_cycle(struct xc_gen *g, const Xceiver__V1__Sizes *z)
{
	uint32_t i, j, k, n = 0, t, size, w;
	size_t nw = z->n_imix ? z->n_imix : XC_ARRAY_SIZE(xc_std_imix);
	uint64_t r = g->seed;

	for (i = 0; i < nw; i++)
		n += z->n_imix ? z->imix[i]->weight : xc_std_imix[i][1];
	g->sizes = malloc(n * sizeof(*g->sizes));
	if (!g->sizes)
		return -ENOMEM;
	for (i = 0, k = 0; i < nw; i++) {
		size = z->n_imix ? z->imix[i]->size : xc_std_imix[i][0];
		w = z->n_imix ? z->imix[i]->weight : xc_std_imix[i][1];
		for (j = 0; j < w; j++)
			g->sizes[k++] = size;
	}
	for (i = n - 1; i > 0; i--) {
		r += XC_GOLDEN;
		j = (uint32_t)(((unsigned __int128)xc_gen_mix(r) * (i + 1)) >>
			       64);
		t = g->sizes[i];
		g->sizes[i] = g->sizes[j];
		g->sizes[j] = t;
	}
	g->nsizes = n;
	return 0;
}

static int xc_gen_sizes(struct xc_gen *g, const Xceiver__V1__Stream *s,
			char *err, size_t errlen)
{
	const Xceiver__V1__Headers *h = s->headers;
	bool vlan = h && h->vlan_id, ipv6 = h && h->ip_version ==
				     XCEIVER__V1__IP_VERSION__IP_VERSION_6;
	int n, ret;

	ret = xc_gen_check_sizes(s, xc_frame_min_size(vlan, ipv6),
				 xc_frame_stack_name(vlan, ipv6), &g->min_size,
				 &g->max_size, err, errlen);
	if (ret)
		return ret;
	g->size_mode = xc_sizes_mode(s->sizes, &n);
	g->frame_size = s->frame_size;
	switch (g->size_mode) {
	case XC_SIZE_LIST:
		g->nsizes = s->sizes->n_list;
		g->sizes = malloc(g->nsizes * sizeof(*g->sizes));
		if (!g->sizes)
			return xc_errf(err, errlen, ENOMEM, "out of memory");
		memcpy(g->sizes, s->sizes->list, g->nsizes * sizeof(*g->sizes));
		break;
	case XC_SIZE_RANDOM:
		g->size_min = s->sizes->min;
		g->size_max = s->sizes->max;
		break;
	case XC_SIZE_IMIX:
		if (xc_imix_cycle(g, s->sizes))
			return xc_errf(err, errlen, ENOMEM, "out of memory");
		break;
	default:
		break;
	}
	return 0;
}

uint32_t xc_gen_frame_size(const struct xc_gen *g, uint64_t seq)
{
	uint64_t h, range;

	switch (g->size_mode) {
	case XC_SIZE_LIST:
	case XC_SIZE_IMIX:
		return g->sizes[seq % g->nsizes];
	case XC_SIZE_RANDOM:
		range = (uint64_t)g->size_max - g->size_min + 1;
		h = xc_gen_mix(g->seed ^ xc_gen_mix(seq));
		return g->size_min +
		       (uint32_t)(((unsigned __int128)h * range) >> 64);
	default:
		return g->frame_size;
	}
}

uint32_t xc_gen_max_frame(const struct xc_gen *g)
{
	return g->max_size;
}

uint32_t xc_gen_min_frame(const struct xc_gen *g)
{
	return g->min_size;
}

/* ------------------------------------------------------------ ports */

static int xc_gen_port(const char *name, uint32_t base, uint32_t max,
		       uint16_t def, uint16_t *port, uint16_t *n, char *err,
		       size_t errlen)
{
	*port = base ? base : def;
	*n = 1;
	if (base > 65535)
		return xc_errf(err, errlen, EINVAL,
			       "headers.udp.%s: %u is not a UDP port", name,
			       base);
	if (!max)
		return 0;
	if (max > 65535)
		return xc_errf(err, errlen, EINVAL,
			       "headers.udp.%s_max: %u is not a UDP port", name,
			       max);
	if (max < *port)
		return xc_errf(err, errlen, EINVAL,
			       "headers.udp.%s_max: %u is below %s %u", name,
			       max, name, *port);
	*n = max - *port + 1;
	return 0;
}

static int xc_gen_ports(struct xc_gen *g, const Xceiver__V1__Stream *s,
			char *err, size_t errlen)
{
	const Xceiver__V1__UdpPorts *u = s->headers ? s->headers->udp : NULL;
	int ret;

	ret = xc_gen_port("src", u ? u->src : 0, u ? u->src_max : 0,
			  XC_DEF_SRC_PORT, &g->sport, &g->sport_n, err, errlen);
	if (ret)
		return ret;
	return xc_gen_port("dst", u ? u->dst : 0, u ? u->dst_max : 0,
			   XC_DEF_DST_PORT, &g->dport, &g->dport_n, err,
			   errlen);
}

/* ------------------------------------------------------------ layout */

static const Xceiver__V1__DescShape *xc_shape(const struct xc_gen *g,
					      uint64_t seq)
{
	if (!g->ndescs)
		return &xc_default_shape;
	return g->descs[seq % g->ndescs];
}

/* Address of fragment 0 as the kernel sees it (signed arithmetic wraps). */
static uint64_t xc_first_addr(const struct xc_umem_geom *g,
			      const Xceiver__V1__DescShape *d)
{
	switch (d->at) {
	case XC_BASE(UMEM_START):
		return (uint64_t)d->offset;
	case XC_BASE(UMEM_END):
		return g->size + (uint64_t)d->offset;
	default:
		/* a chunk with whole chunks before and after it */
		return g->chunk_size + (uint64_t)d->offset;
	}
}

/* Fragment lengths of a packet of len bytes; returns the fragment count. */
static uint32_t xc_split(const struct xc_umem_geom *g,
			 const Xceiver__V1__DescShape *d, uint32_t len,
			 uint32_t *frag)
{
	uint32_t cap, n = 0;

	if (d->n_frags) {
		for (n = 0; n < d->n_frags && n < XC_GEN_MAX_FRAGS; n++)
			frag[n] = d->frags[n];
		return n;
	}
	cap = g->chunk_size;
	if (!g->unaligned)
		cap -= (uint32_t)xc_in_chunk(g, xc_first_addr(g, d));
	if (!g->multi_buffer || len <= cap || !cap) {
		frag[0] = len;
		return 1;
	}
	frag[n++] = cap;
	len -= cap;
	while (len && n < XC_GEN_MAX_FRAGS) {
		frag[n] = XC_MIN(len, g->chunk_size);
		len -= frag[n++];
	}
	return n;
}

static uint32_t xc_frag_opts(const Xceiver__V1__DescShape *d, uint32_t i,
			     uint32_t n)
{
	uint32_t o = i ? 0 : d->options;

	if (i + 1 < n || d->unterminated)
		o |= XC_DESC_CONTD;
	return o;
}

static uint32_t xc_desc_len(const Xceiver__V1__DescShape *d,
			    uint32_t frame_len)
{
	uint32_t i, sum = 0;

	if (!d->n_frags)
		return d->len ? d->len : frame_len;
	for (i = 0; i < d->n_frags; i++)
		sum += d->frags[i];
	return sum;
}

/* Per-shape kernel verdict for a frame of frame_len bytes. */
struct xc_verdict {
	bool accepted;		/* the packet goes out as one */
	bool absorbs;		/* swallows the next packet */
	uint32_t nfrags;
};

static void xc_judge(const struct xc_umem_geom *g,
		     const Xceiver__V1__DescShape *d, uint32_t frame_len,
		     struct xc_verdict *v)
{
	uint32_t frag[XC_GEN_MAX_FRAGS], i, n, max = g->max_frags;
	bool descs_ok = true;
	uint64_t addr;

	if (!max)
		max = XC_GEN_KERNEL_MAX_FRAGS;
	n = xc_split(g, d, xc_desc_len(d, frame_len), frag);
	for (i = 0; i < n && descs_ok; i++) {
		addr = i ? g->chunk_size : xc_first_addr(g, d);
		descs_ok = xc_desc_valid(g, addr, frag[i],
					 xc_frag_opts(d, i, n));
	}
	v->nfrags = n;
	v->accepted = descs_ok && n <= max && !d->unterminated &&
		      (n == 1 || g->multi_buffer);
	v->absorbs = d->unterminated && descs_ok && g->multi_buffer &&
		     n % max != 0;
}

/* ------------------------------------------------------------ init */

static int xc_gen_copy_descs(struct xc_gen *g, const Xceiver__V1__Stream *s,
			     char *err, size_t errlen)
{
	Xceiver__V1__DescShape *c;
	const Xceiver__V1__DescShape *d;
	size_t i;

	if (!s->n_descs)
		return 0;
	g->descs = calloc(s->n_descs, sizeof(*g->descs));
	if (!g->descs)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	for (i = 0; i < s->n_descs; i++) {
		d = s->descs[i];
		if (!d)
			return xc_errf(err, errlen, EINVAL,
				       "descs[%zu]: missing", i);
		if (d->n_frags > XC_GEN_MAX_FRAGS)
			return xc_errf(err, errlen, EINVAL,
				       "descs[%zu].frags: %zu fragments, at most %u",
				       i, d->n_frags, XC_GEN_MAX_FRAGS);
		if (d->at < XC_BASE(CHUNK) || d->at > XC_BASE(UMEM_END))
			return xc_errf(err, errlen, EINVAL,
				       "descs[%zu].at: unknown base %d", i,
				       (int)d->at);
		if (d->valid < XC_VAL(AUTO) || d->valid > XC_VAL(INVALID))
			return xc_errf(err, errlen, EINVAL,
				       "descs[%zu].valid: unknown validity %d",
				       i, (int)d->valid);
		c = malloc(sizeof(*c));
		if (!c)
			return xc_errf(err, errlen, ENOMEM, "out of memory");
		*c = *d;
		c->base.unknown_fields = NULL;
		c->base.n_unknown_fields = 0;
		c->frags = NULL;
		g->descs[i] = c;
		g->ndescs = i + 1;
		if (!d->n_frags)
			continue;
		c->frags = malloc(d->n_frags * sizeof(*c->frags));
		if (!c->frags)
			return xc_errf(err, errlen, ENOMEM, "out of memory");
		memcpy(c->frags, d->frags, d->n_frags * sizeof(*c->frags));
	}
	return 0;
}

/* The distinct sizes to judge shapes at: all of a cycle, else the ends. */
static void xc_probe_sizes(const struct xc_gen *g, const uint32_t **v,
			   uint32_t *n, uint32_t ends[2])
{
	ends[0] = g->min_size;
	ends[1] = g->max_size;
	*v = ends;
	*n = 2;
	if (g->size_mode == XC_SIZE_LIST || g->size_mode == XC_SIZE_IMIX) {
		*v = g->sizes;
		*n = g->nsizes;
	}
}

static const char *xc_shape_name(const struct xc_gen *g, uint32_t i,
				 char *buf, size_t len)
{
	if (!g->ndescs)
		return "sizes";
	snprintf(buf, len, "descs[%u]", i);
	return buf;
}

/* A shape's verdict at every frame size of the stream; must not vary. */
static int xc_judge_shape(struct xc_gen *g, uint32_t i,
			  struct xc_verdict *v, char *err, size_t errlen)
{
	const Xceiver__V1__DescShape *d = g->ndescs ? g->descs[i] :
						      &xc_default_shape;
	uint32_t ends[2], n, k;
	const uint32_t *sz;
	struct xc_verdict w;
	char name[32];

	xc_probe_sizes(g, &sz, &n, ends);
	xc_judge(&g->geom, d, sz[0] - XC_FCS_LEN, v);
	for (k = 1; k < n; k++) {
		xc_judge(&g->geom, d, sz[k] - XC_FCS_LEN, &w);
		if (w.accepted != v->accepted || w.absorbs != v->absorbs)
			return xc_errf(err, errlen, EINVAL,
				       "%s: the sender's kernel %s %u-byte frames but %s %u-byte ones (chunk_size %u%s); use one frame size or set valid",
				       xc_shape_name(g, i, name, sizeof(name)),
				       v->accepted ? "accepts" : "rejects",
				       sz[0], w.accepted ? "accepts" : "rejects",
				       sz[k], g->geom.chunk_size,
				       g->geom.multi_buffer ? ", multi-buffer" :
							      "");
	}
	return 0;
}

/* A packet the kernel accepts must carry exactly the frame. */
static int xc_check_len(const struct xc_gen *g, uint32_t i, bool valid,
			char *err, size_t errlen)
{
	const Xceiver__V1__DescShape *d;
	uint32_t flen = g->min_size - XC_FCS_LEN, dl;

	if (!g->ndescs || !valid)
		return 0;
	d = g->descs[i];
	if (!d->len && !d->n_frags)
		return 0;
	if (g->min_size != g->max_size)
		return xc_errf(err, errlen, EINVAL,
			       "descs[%u].%s: a valid descriptor with its own length needs one frame size",
			       i, d->n_frags ? "frags" : "len");
	dl = xc_desc_len(d, flen);
	if (dl != flen)
		return xc_errf(err, errlen, EINVAL,
			       "descs[%u].%s: %u bytes, but the frame is %u (frame_size - 4) and the descriptor is valid",
			       i, d->n_frags ? "frags" : "len", dl, flen);
	return 0;
}

static bool xc_forced(const struct xc_gen *g, uint32_t i, bool *valid)
{
	int f = g->ndescs ? (int)g->descs[i]->valid : XC_VAL(AUTO);

	*valid = f == XC_VAL(VALID);
	return f != XC_VAL(AUTO);
}

static int xc_gen_validity(struct xc_gen *g, char *err, size_t errlen)
{
	uint32_t i, n = g->nshapes, prev;
	struct xc_verdict *v;
	uint64_t c, inv = 0;
	bool f;
	int ret = 0;

	v = calloc(n, sizeof(*v));
	g->vflags = calloc(n, 1);
	if (!v || !g->vflags) {
		ret = xc_errf(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n && !ret; i++)
		ret = xc_judge_shape(g, i, &v[i], err, errlen);
	for (i = 0; i < n && !ret; i++) {
		prev = (i + n - 1) % n;
		if (xc_forced(g, i, &f)) {
			g->vflags[i] = f ? XC_GEN_V_FIRST | XC_GEN_V_NEXT : 0;
		} else {
			g->vflags[i] = v[i].accepted ? XC_GEN_V_FIRST : 0;
			if (v[i].accepted && !v[prev].absorbs)
				g->vflags[i] |= XC_GEN_V_NEXT;
		}
		ret = xc_check_len(g, i, g->vflags[i] & XC_GEN_V_FIRST, err,
				   errlen);
		/* seqs i, i + n, ... below count */
		c = g->count > i ? (g->count - i - 1) / n + 1 : 0;
		if (c && !(g->vflags[i] & XC_GEN_V_NEXT))
			inv += c - (i == 0);
		if (c && i == 0 && !(g->vflags[0] & XC_GEN_V_FIRST))
			inv++;
	}
	g->invalid_total = inv;
out:
	free(v);
	return ret;
}

int xc_gen_init(struct xc_gen *g, const Xceiver__V1__Stream *s,
		uint64_t run_id, const struct xc_umem_geom *geom,
		char *err, size_t errlen)
{
	int ret;

	memset(g, 0, sizeof(*g));
	if (!s)
		return xc_errf(err, errlen, EINVAL, "stream: missing");
	g->id = s->id;
	g->count = s->count;
	g->seed = s->seed ? s->seed :
		  xc_gen_mix(run_id ^ xc_gen_mix(0x5eed0000ull | s->id));
	if (geom)
		g->geom = *geom;
	else
		xc_umem_geom_from(&g->geom, NULL);
	if (!g->geom.max_frags)
		g->geom.max_frags = XC_GEN_KERNEL_MAX_FRAGS;
	if (!g->geom.chunk_size)
		g->geom.chunk_size = XC_DEF_CHUNK;
	ret = xc_gen_sizes(g, s, err, errlen);
	if (!ret)
		ret = xc_gen_ports(g, s, err, errlen);
	if (!ret)
		ret = xc_gen_copy_descs(g, s, err, errlen);
	if (ret)
		goto err_free;
	g->nshapes = g->ndescs ? g->ndescs : 1;
	ret = xc_gen_validity(g, err, errlen);
	if (ret)
		goto err_free;
	return 0;
err_free:
	xc_gen_free(g);
	return ret;
}

void xc_gen_free(struct xc_gen *g)
{
	uint32_t i;

	if (!g)
		return;
	for (i = 0; i < g->ndescs; i++) {
		free(g->descs[i]->frags);
		free(g->descs[i]);
	}
	free(g->descs);
	free(g->sizes);
	free(g->vflags);
	memset(g, 0, sizeof(*g));
}

/* ------------------------------------------------------------ per seq */

bool xc_gen_valid(const struct xc_gen *g, uint64_t seq)
{
	uint32_t i = g->nshapes > 1 ? (uint32_t)(seq % g->nshapes) : 0;

	return g->vflags[i] & (seq ? XC_GEN_V_NEXT : XC_GEN_V_FIRST);
}

void xc_gen_pkt(const struct xc_gen *g, uint64_t seq, struct xc_gen_pkt *p)
{
	const Xceiver__V1__DescShape *d = xc_shape(g, seq);

	p->seq = seq;
	p->frame_len = xc_gen_frame_size(g, seq) - XC_FCS_LEN;
	p->src_port = g->sport + (g->sport_n > 1 ? seq % g->sport_n : 0);
	p->dst_port = g->dport + (g->dport_n > 1 ? seq % g->dport_n : 0);
	p->at = d->at;
	p->offset = d->offset;
	p->desc_len = xc_desc_len(d, p->frame_len);
	p->nfrags = xc_split(&g->geom, d, p->desc_len, p->frag_len);
	p->options = d->options;
	p->unterminated = d->unterminated;
	p->valid = xc_gen_valid(g, seq);
}
