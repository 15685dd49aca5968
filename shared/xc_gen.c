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
 * - each descriptor at its own place with its own length and option bits:
 *   xp_aligned_validate_desc / xp_unaligned_validate_desc (xc_desc_valid);
 * - a packet is accepted when all its descriptors are, it has at most
 *   max_frags of them, it is terminated, and it uses fragments only with
 *   multi-buffer;
 * - the kernel ends a chain at its first invalid descriptor (the rule is
 *   in xc_gen.h), so with frag_shapes and VALIDITY_AUTO an invalid
 *   fragment must be the last one;
 * - an unterminated packet swallows the next one, unless its fragments
 *   filled max_frags exactly (the kernel drops a chain when it reaches the
 *   limit and starts afresh): the next seq is then invalid too.
 * Validity is computed once per shape at init (it must not depend on the
 * frame sizes the shape meets, which xc_gen_init checks), so xc_gen_valid
 * is O(1) and invalid_total O(ndescs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_frame.h"
#include "xc_gen.h"
#include "xc_util.h"

#define XC_UNALIGNED_SHIFT	48
#define XC_UNALIGNED_MASK	((1ull << XC_UNALIGNED_SHIFT) - 1)

#define XC_BASE(x)	XCEIVER__V1__DESC_BASE__DESC_BASE_##x
#define XC_VAL(x)	XCEIVER__V1__VALIDITY__VALIDITY_##x

static const Xceiver__V1__DescShape xc_default_shape =
	XCEIVER__V1__DESC_SHAPE__INIT;

/* ------------------------------------------------------------ geometry */

void xc_umem_geom_from(struct xc_umem_geom *g,
		       const Xceiver__V1__XskConfig *x)
{
	uint64_t nchunks;

	memset(g, 0, sizeof(*g));
	g->chunk_size = x && x->chunk_size ? x->chunk_size : XC_DEF_CHUNK_SIZE;
	nchunks = x && x->num_chunks ? x->num_chunks : XC_DEF_NUM_CHUNKS;
	g->size = nchunks * g->chunk_size;
	g->max_frags = XC_KERNEL_MAX_FRAGS;
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
	if (sum > XC_MAX_IMIX_CYCLE)
		return xc_errf(err, errlen, EINVAL,
			       "sizes.imix: weights add up to %llu, at most %u",
			       (unsigned long long)sum, XC_MAX_IMIX_CYCLE);
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
		j = (uint32_t)(((unsigned __int128)xc_mix64(r) * (i + 1)) >>
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
		h = xc_mix64(g->seed ^ xc_mix64(seq));
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

/* Address of a fragment as the kernel sees it (signed arithmetic wraps). */
static uint64_t xc_place(const struct xc_umem_geom *g, int at, int64_t offset)
{
	switch (at) {
	case XC_BASE(UMEM_START):
		return (uint64_t)offset;
	case XC_BASE(UMEM_END):
		return g->size + (uint64_t)offset;
	default:
		/* a chunk with whole chunks before and after it */
		return g->chunk_size + (uint64_t)offset;
	}
}

/* Fragment lengths of an old-style shape of len bytes; returns the count. */
static uint32_t xc_split(const struct xc_umem_geom *g,
			 const Xceiver__V1__DescShape *d, uint32_t len,
			 uint32_t *frag)
{
	uint32_t cap, n = 0;

	if (d->n_frags) {
		for (n = 0; n < d->n_frags && n < XC_MAX_FRAGS; n++)
			frag[n] = d->frags[n];
		return n;
	}
	cap = g->chunk_size;
	if (!g->unaligned)
		cap -= (uint32_t)xc_in_chunk(g, xc_place(g, d->at, d->offset));
	if (!g->multi_buffer || len <= cap || !cap) {
		frag[0] = len;
		return 1;
	}
	frag[n++] = cap;
	len -= cap;
	while (len && n < XC_MAX_FRAGS) {
		frag[n] = XC_MIN(len, g->chunk_size);
		len -= frag[n++];
	}
	return n;
}

static uint32_t xc_desc_len(const Xceiver__V1__DescShape *d,
			    uint32_t frame_len)
{
	uint32_t i, sum = 0;

	for (i = 0; i < d->n_frag_shapes; i++)
		sum += d->frag_shapes[i]->len;
	if (d->n_frag_shapes)
		return sum;
	if (!d->n_frags)
		return d->len ? d->len : frame_len;
	for (i = 0; i < d->n_frags; i++)
		sum += d->frags[i];
	return sum;
}

/* Every fragment's place, length and extra options into p. */
static void xc_layout(const struct xc_umem_geom *g,
		      const Xceiver__V1__DescShape *d, uint32_t frame_len,
		      struct xc_gen_pkt *p)
{
	const Xceiver__V1__FragShape *f;
	uint32_t i, n;

	p->desc_len = xc_desc_len(d, frame_len);
	p->unterminated = d->unterminated;
	n = XC_MIN(d->n_frag_shapes, (size_t)XC_MAX_FRAGS);
	for (i = 0; i < n; i++) {
		f = d->frag_shapes[i];
		p->frag_at[i] = f->at;
		p->frag_offset[i] = f->offset;
		p->frag_len[i] = f->len;
		p->frag_opts[i] = f->options;
	}
	if (!n) {
		n = xc_split(g, d, p->desc_len, p->frag_len);
		for (i = 0; i < n; i++) {
			p->frag_at[i] = i ? XC_BASE(CHUNK) : (int)d->at;
			p->frag_offset[i] = i ? 0 : d->offset;
			p->frag_opts[i] = i ? 0 : d->options;
		}
	}
	p->nfrags = n;
	p->at = p->frag_at[0];
	p->offset = p->frag_offset[0];
	p->options = p->frag_opts[0];
}

/* The option bits Tx puts on fragment i of p. */
static uint32_t xc_frag_opts(const struct xc_gen_pkt *p, uint32_t i)
{
	uint32_t o = p->frag_opts[i];

	if (i + 1 < p->nfrags || p->unterminated)
		o |= XC_DESC_CONTD;
	return o;
}

/* Per-shape kernel verdict for a frame of frame_len bytes. */
struct xc_verdict {
	bool accepted;		/* the packet goes out as one */
	bool absorbs;		/* swallows the next packet */
	uint32_t nfrags;
	int bad;		/* first invalid fragment, -1: none */
	uint64_t bad_addr;
	uint32_t bad_opts;
};

static void xc_judge(const struct xc_umem_geom *g,
		     const Xceiver__V1__DescShape *d, uint32_t frame_len,
		     struct xc_verdict *v)
{
	uint32_t i, n, o = 0, max = g->max_frags;
	struct xc_gen_pkt p;
	bool open;
	uint64_t addr;

	if (!max)
		max = XC_KERNEL_MAX_FRAGS;
	xc_layout(g, d, frame_len, &p);
	n = p.nfrags;
	v->bad = -1;
	for (i = 0; i < n; i++) {
		addr = xc_place(g, p.frag_at[i], p.frag_offset[i]);
		o = xc_frag_opts(&p, i);
		if (!xc_desc_valid(g, addr, p.frag_len[i], o)) {
			v->bad = (int)i;
			v->bad_addr = addr;
			v->bad_opts = o;
			break;
		}
	}
	/* the last fragment's own option bits may leave the chain open */
	open = p.unterminated || (g->multi_buffer && (o & XC_DESC_CONTD));
	v->nfrags = n;
	v->accepted = v->bad < 0 && n <= max && !open &&
		      (n == 1 || g->multi_buffer);
	v->absorbs = open && v->bad < 0 && g->multi_buffer && n % max != 0;
}

/* ------------------------------------------------------------ init */

/* A shape listing frag_shapes leaves the old-style layout fields unset. */
static int xc_check_frag_shapes(const Xceiver__V1__DescShape *d, size_t i,
				char *err, size_t errlen)
{
	const Xceiver__V1__FragShape *f;
	const char *mixed = NULL;
	size_t k;

	if (!d->n_frag_shapes)
		return 0;
	if (d->n_frag_shapes > XC_MAX_FRAGS)
		return xc_errf(err, errlen, EINVAL,
			       "descs[%zu].frag_shapes: %zu fragments, at most %u",
			       i, d->n_frag_shapes, XC_MAX_FRAGS);
	if (d->n_frags)
		mixed = "frags";
	else if (d->offset)
		mixed = "offset";
	else if (d->options)
		mixed = "options";
	else if (d->len)
		mixed = "len";
	else if (d->at)
		mixed = "at";
	if (mixed)
		return xc_errf(err, errlen, EINVAL,
			       "descs[%zu].%s: set together with frag_shapes (each fragment has its own)",
			       i, mixed);
	for (k = 0; k < d->n_frag_shapes; k++) {
		f = d->frag_shapes[k];
		if (!f)
			return xc_errf(err, errlen, EINVAL,
				       "descs[%zu].frag_shapes[%zu]: missing",
				       i, k);
		if (f->at < XC_BASE(CHUNK) || f->at > XC_BASE(UMEM_END))
			return xc_errf(err, errlen, EINVAL,
				       "descs[%zu].frag_shapes[%zu].at: unknown base %d",
				       i, k, (int)f->at);
	}
	return 0;
}

static int xc_check_shape(const Xceiver__V1__DescShape *d, size_t i,
			  char *err, size_t errlen)
{
	if (!d)
		return xc_errf(err, errlen, EINVAL, "descs[%zu]: missing", i);
	if (d->n_frags > XC_MAX_FRAGS)
		return xc_errf(err, errlen, EINVAL,
			       "descs[%zu].frags: %zu fragments, at most %u",
			       i, d->n_frags, XC_MAX_FRAGS);
	if (d->at < XC_BASE(CHUNK) || d->at > XC_BASE(UMEM_END))
		return xc_errf(err, errlen, EINVAL,
			       "descs[%zu].at: unknown base %d", i, (int)d->at);
	if (d->valid < XC_VAL(AUTO) || d->valid > XC_VAL(INVALID))
		return xc_errf(err, errlen, EINVAL,
			       "descs[%zu].valid: unknown validity %d", i,
			       (int)d->valid);
	return xc_check_frag_shapes(d, i, err, errlen);
}

/* Deep copy of d's repeated fields into c (a flat copy of d). */
static int xc_copy_shape(Xceiver__V1__DescShape *c,
			 const Xceiver__V1__DescShape *d)
{
	Xceiver__V1__FragShape *f;
	size_t k;

	if (d->n_frags) {
		c->frags = malloc(d->n_frags * sizeof(*c->frags));
		if (!c->frags)
			return -ENOMEM;
		memcpy(c->frags, d->frags, d->n_frags * sizeof(*c->frags));
	}
	if (!d->n_frag_shapes)
		return 0;
	c->frag_shapes = calloc(d->n_frag_shapes, sizeof(*c->frag_shapes));
	if (!c->frag_shapes)
		return -ENOMEM;
	for (k = 0; k < d->n_frag_shapes; k++) {
		f = malloc(sizeof(*f));
		if (!f)
			return -ENOMEM;
		*f = *d->frag_shapes[k];
		f->base.unknown_fields = NULL;
		f->base.n_unknown_fields = 0;
		c->frag_shapes[k] = f;
		c->n_frag_shapes = k + 1;
	}
	return 0;
}

static void xc_free_shape(Xceiver__V1__DescShape *c)
{
	size_t k;

	if (!c)
		return;
	for (k = 0; k < c->n_frag_shapes; k++)
		free(c->frag_shapes[k]);
	free(c->frag_shapes);
	free(c->frags);
	free(c);
}

static int xc_gen_copy_descs(struct xc_gen *g, const Xceiver__V1__Stream *s,
			     char *err, size_t errlen)
{
	Xceiver__V1__DescShape *c;
	const Xceiver__V1__DescShape *d;
	size_t i;
	int ret;

	if (!s->n_descs)
		return 0;
	g->descs = calloc(s->n_descs, sizeof(*g->descs));
	if (!g->descs)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	for (i = 0; i < s->n_descs; i++) {
		d = s->descs[i];
		ret = xc_check_shape(d, i, err, errlen);
		if (ret)
			return ret;
		c = malloc(sizeof(*c));
		if (!c)
			return xc_errf(err, errlen, ENOMEM, "out of memory");
		*c = *d;
		c->base.unknown_fields = NULL;
		c->base.n_unknown_fields = 0;
		c->frags = NULL;
		c->frag_shapes = NULL;
		c->n_frag_shapes = 0;
		g->descs[i] = c;
		g->ndescs = i + 1;
		if (xc_copy_shape(c, d))
			return xc_errf(err, errlen, ENOMEM, "out of memory");
	}
	return 0;
}

static uint32_t xc_gcd(uint32_t a, uint32_t b)
{
	uint32_t t;

	while (b) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * The frame sizes (with FCS) shape i meets: of a list or IMIX cycle the
 * entries its seqs (i, i + nshapes, ...) land on, of a range its ends.
 */
static uint32_t xc_shape_nsizes(const struct xc_gen *g)
{
	switch (g->size_mode) {
	case XC_SIZE_LIST:
	case XC_SIZE_IMIX:
		return g->nsizes / xc_gcd(g->nshapes, g->nsizes);
	case XC_SIZE_RANDOM:
		return 2;
	default:
		return 1;
	}
}

static uint32_t xc_shape_size(const struct xc_gen *g, uint32_t i, uint32_t k)
{
	switch (g->size_mode) {
	case XC_SIZE_LIST:
	case XC_SIZE_IMIX:
		return g->sizes[(i + (uint64_t)k * g->nshapes) % g->nsizes];
	case XC_SIZE_RANDOM:
		return k ? g->size_max : g->size_min;
	default:
		return g->frame_size;
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

static const Xceiver__V1__DescShape *xc_shape_at(const struct xc_gen *g,
						 uint32_t i)
{
	return g->ndescs ? g->descs[i] : &xc_default_shape;
}

/*
 * An invalid fragment before the last: the kernel would send the rest as
 * a packet of its own, which no seq describes.
 */
static int xc_check_chain_end(const struct xc_gen *g, uint32_t i,
			      const struct xc_verdict *v, char *err,
			      size_t errlen)
{
	const Xceiver__V1__DescShape *d = xc_shape_at(g, i);

	if (!d->n_frag_shapes || d->valid != XC_VAL(AUTO) ||
	    !g->geom.multi_buffer || v->bad < 0 ||
	    (uint32_t)v->bad + 1 >= v->nfrags)
		return 0;
	return xc_errf(err, errlen, EINVAL,
		       "descs[%u].frag_shapes[%d]: the sender's kernel rejects this fragment (address 0x%llx, len %u, options 0x%x) and starts a new packet at frag_shapes[%d]; an invalid fragment must be the last of its chain (or set valid)",
		       i, v->bad, (unsigned long long)v->bad_addr,
		       d->frag_shapes[v->bad]->len, v->bad_opts, v->bad + 1);
}

/* A shape's verdict at every frame size it meets; must not vary. */
static int xc_judge_shape(struct xc_gen *g, uint32_t i,
			  struct xc_verdict *v, char *err, size_t errlen)
{
	const Xceiver__V1__DescShape *d = xc_shape_at(g, i);
	uint32_t n = xc_shape_nsizes(g), k, s0, sk;
	struct xc_verdict w;
	char name[32];

	s0 = xc_shape_size(g, i, 0);
	xc_judge(&g->geom, d, s0 - XC_FCS_LEN, v);
	for (k = 1; k < n; k++) {
		sk = xc_shape_size(g, i, k);
		xc_judge(&g->geom, d, sk - XC_FCS_LEN, &w);
		if (w.accepted != v->accepted || w.absorbs != v->absorbs)
			return xc_errf(err, errlen, EINVAL,
				       "%s: the sender's kernel %s %u-byte frames but %s %u-byte ones (chunk_size %u%s); use one frame size or set valid",
				       xc_shape_name(g, i, name, sizeof(name)),
				       v->accepted ? "accepts" : "rejects",
				       s0, w.accepted ? "accepts" : "rejects",
				       sk, g->geom.chunk_size,
				       g->geom.multi_buffer ? ", multi-buffer" :
							      "");
	}
	return xc_check_chain_end(g, i, v, err, errlen);
}

static const char *xc_len_field(const Xceiver__V1__DescShape *d)
{
	if (d->n_frag_shapes)
		return "frag_shapes";
	return d->n_frags ? "frags" : "len";
}

/* A packet the kernel accepts must carry exactly the frame of each seq. */
static int xc_check_len(const struct xc_gen *g, uint32_t i, bool valid,
			char *err, size_t errlen)
{
	uint32_t n = xc_shape_nsizes(g), k, s0, sk, dl;
	const Xceiver__V1__DescShape *d;

	if (!g->ndescs || !valid)
		return 0;
	d = g->descs[i];
	if (!d->len && !d->n_frags && !d->n_frag_shapes)
		return 0;
	s0 = xc_shape_size(g, i, 0);
	for (k = 1; k < n; k++) {
		sk = xc_shape_size(g, i, k);
		if (sk != s0)
			return xc_errf(err, errlen, EINVAL,
				       "descs[%u].%s: a valid descriptor with its own length needs one frame size (its seqs get %u and %u)",
				       i, xc_len_field(d), s0, sk);
	}
	dl = xc_desc_len(d, s0 - XC_FCS_LEN);
	if (dl == s0 - XC_FCS_LEN)
		return 0;
	if (d->n_frag_shapes)
		return xc_errf(err, errlen, EINVAL,
			       "descs[%u].frag_shapes: the lengths add up to %u bytes, but the frame is %u (frame_size - 4) and the descriptor is valid",
			       i, dl, s0 - XC_FCS_LEN);
	return xc_errf(err, errlen, EINVAL,
		       "descs[%u].%s: %u bytes, but the frame is %u (frame_size - 4) and the descriptor is valid",
		       i, xc_len_field(d), dl, s0 - XC_FCS_LEN);
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
		  xc_mix64(run_id ^ xc_mix64(0x5eed0000ull | s->id));
	if (geom)
		g->geom = *geom;
	else
		xc_umem_geom_from(&g->geom, NULL);
	if (!g->geom.max_frags)
		g->geom.max_frags = XC_KERNEL_MAX_FRAGS;
	if (!g->geom.chunk_size)
		g->geom.chunk_size = XC_DEF_CHUNK_SIZE;
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
	for (i = 0; i < g->ndescs; i++)
		xc_free_shape(g->descs[i]);
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
	xc_layout(&g->geom, d, p->frame_len, p);
	p->valid = xc_gen_valid(g, seq);
}
