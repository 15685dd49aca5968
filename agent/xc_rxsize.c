// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Rx ring and UMEM sizes from the run's rate and a stall budget. A Rx
 * worker that stalls (preempted on a busy host, a page fault, a slow
 * vCPU) loses nothing as long as the fill ring has chunks and the Rx
 * ring has room for what arrives meanwhile: both, and the UMEM's chunks,
 * are sized to hold what the side's Rx streams bring in stall_budget_ms
 * at their rates. Sizes the spec sets (any of fill_size, rx_size,
 * num_chunks) are kept as they are, and so is a UMEM on huge pages (they
 * are reserved by hand).
 */
#include <string.h>

#include "xc_dp_priv.h"
#include "xc_limits.h"
#include "xc_spec.h"
#include "xc_util.h"

/* The side's Rx rate: the sum over its streams, full speed counted high. */
static double xc_rx_rate(const Xceiver__V1__Prepare *p)
{
	double sum = 0, pps;
	size_t i;

	for (i = 0; i < p->n_rx_streams; i++) {
		pps = xc_spec_stream_pps(p->rx_streams[i]);
		sum += pps > 0 ? pps : XC_RX_FULL_PPS;
	}
	return sum;
}

static uint32_t xc_pow2_at_least(uint64_t n)
{
	uint32_t v = 1;

	while (v < n && v < (1u << 31))
		v <<= 1;
	return v;
}

/*
 * The ring size for rate and budget: a power of two, at least
 * XC_DEF_RX_RING, at most what the side's share of XC_RX_UMEM_MAX holds
 * (chunks per queue: the ring, twice that when the side also sends).
 */
static uint32_t xc_rx_ring_for(const struct xc_xsk_cfg *c, double rate,
			       uint32_t budget_ms, uint32_t nsocks,
			       bool has_tx, bool *capped)
{
	uint64_t want = (uint64_t)(rate * budget_ms / 1000.0 + 0.5);
	uint64_t per_sock = XC_RX_UMEM_MAX / (nsocks ? nsocks : 1);
	uint64_t max = per_sock / c->chunk_size / (has_tx ? 2 : 1);
	uint32_t ring = xc_pow2_at_least(XC_MAX(want,
						(uint64_t)XC_DEF_RX_RING));

	*capped = false;
	while (ring > XC_DEF_RX_RING && ring > max) {
		ring >>= 1;
		*capped = true;
	}
	return ring;
}

/*
 * A side that sends descriptor shapes keeps its UMEM size: the receiver
 * judges which of them the sender's kernel accepts from the spec's
 * geometry, not from what this agent would choose.
 */
static bool xc_tx_shaped(const Xceiver__V1__Prepare *p)
{
	size_t i;

	for (i = 0; i < p->n_tx_streams; i++)
		if (p->tx_streams[i]->n_descs)
			return true;
	return false;
}

void xc_rx_size(struct xc_xsk_cfg *c, struct xc_rx_sizing *z,
		const Xceiver__V1__Prepare *p, uint32_t nsocks, bool has_tx)
{
	const Xceiver__V1__XskConfig *x = p->xsk;
	uint32_t ring, rx_chunks;

	memset(z, 0, sizeof(*z));
	z->rate_pps = xc_rx_rate(p);
	z->budget_ms = x->stall_budget_ms ? x->stall_budget_ms :
		       XC_DEF_STALL_MS;
	z->from_spec = x->fill_size || x->rx_size || x->num_chunks ||
		       xc_tx_shaped(p);
	z->huge_pages = c->huge_pages;
	if (!z->from_spec && !z->huge_pages) {
		ring = xc_rx_ring_for(c, z->rate_pps, z->budget_ms, nsocks,
				      has_tx, &z->capped);
		c->fill_size = ring;
		c->rx_size = ring;
		c->num_chunks = has_tx ? 2 * ring : ring;
	}
	/* the Rx part of the UMEM: all of it, or what Tx leaves */
	rx_chunks = has_tx ? c->num_chunks - c->num_chunks / 2 :
		    c->num_chunks;
	z->absorbs_ms = z->rate_pps > 0 ?
			XC_MIN(XC_MIN(c->rx_size, c->fill_size), rx_chunks) *
			1000.0 / z->rate_pps : 0;
}

void xc_rx_sizing_report(const struct xc_xsk_cfg *c,
			 const struct xc_rx_sizing *z,
			 Xceiver__V1__RxSizing *r)
{
	xceiver__v1__rx_sizing__init(r);
	r->fill_size = c->fill_size;
	r->rx_size = c->rx_size;
	r->num_chunks = c->num_chunks;
	r->rate_pps = z->rate_pps;
	r->stall_budget_ms = z->budget_ms;
	r->absorbs_ms = z->absorbs_ms;
	r->from_spec = z->from_spec;
	r->capped = z->capped;
	r->huge_pages = z->huge_pages;
}
