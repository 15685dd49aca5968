// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xc-mbox: the plan (parsing, matching) and the frame surgery it asks for
 * (header offsets, injected frames with their UDP checksum made right).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_frame.h"
#include "xc_util.h"
#include "xc_mbox.h"

#define XC_ETH_LEN	14
#define XC_VLAN_LEN	4
#define XC_UDP_LEN	8
#define XC_MAX_TOKENS	8
#define XC_MAX_DUP	64
#define XC_MAX_LENGTHEN	2048

static const char *const xc_act_names[] = {
	[XC_MBOX_DROP] = "drop",
	[XC_MBOX_DUP] = "dup",
	[XC_MBOX_CORRUPT] = "corrupt",
	[XC_MBOX_TRUNCATE] = "truncate",
	[XC_MBOX_LENGTHEN] = "lengthen",
	[XC_MBOX_HOLD] = "hold",
	[XC_MBOX_INJECT] = "inject",
};

static const char *const xc_field_names[] = {
	[XC_MBOX_F_ETH_DST] = "eth.dst",
	[XC_MBOX_F_ETH_SRC] = "eth.src",
	[XC_MBOX_F_IP_TTL] = "ip.ttl",
	[XC_MBOX_F_IP_SRC] = "ip.src",
	[XC_MBOX_F_IP_DST] = "ip.dst",
	[XC_MBOX_F_UDP_SPORT] = "udp.sport",
	[XC_MBOX_F_UDP_DPORT] = "udp.dport",
};

static const char *const xc_inj_names[] = {
	[XC_MBOX_INJ_MAGIC] = "magic",
	[XC_MBOX_INJ_TAG] = "tag",
	[XC_MBOX_INJ_STREAM] = "stream",
	[XC_MBOX_INJ_SEQ] = "seq",
};

const char *xc_mbox_act_name(enum xc_mbox_act a)
{
	return xc_act_names[a];
}

/* ------------------------------------------------------------ parsing */

struct xc_pline {
	const char *name;
	uint32_t line;
	char *tok[XC_MAX_TOKENS];
	int ntok;
	char *err;
	size_t errlen;
};

static int xc_perr(const struct xc_pline *l, const char *fmt, const char *a)
{
	char what[160];

	snprintf(what, sizeof(what), fmt, a);
	return xc_errf(l->err, l->errlen, EINVAL, "%s:%u: %s", l->name,
		       l->line, what);
}

static int xc_num(const struct xc_pline *l, const char *s, uint64_t lo,
		  uint64_t hi, uint64_t *v)
{
	char what[96], *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-' || *v < lo || *v > hi) {
		snprintf(what, sizeof(what), "'%.40s' is not a number in [%llu, %llu]",
			 s, (unsigned long long)lo, (unsigned long long)hi);
		return xc_perr(l, "%s", what);
	}
	return 0;
}

static int xc_name_idx(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

static int xc_parse_seqs(const struct xc_pline *l, struct xc_mbox_rule *r)
{
	char *dash = strchr(l->tok[1], '-');
	uint64_t v;
	int ret;

	if (dash)
		*dash = '\0';
	ret = xc_num(l, l->tok[1], 0, XC_SEQ_MAX, &r->seq_lo);
	if (ret)
		return ret;
	r->seq_hi = r->seq_lo;
	if (!dash)
		return 0;
	ret = xc_num(l, dash + 1, r->seq_lo, XC_SEQ_MAX, &v);
	r->seq_hi = v;
	return ret;
}

static int xc_parse_dup(const struct xc_pline *l, struct xc_mbox_rule *r)
{
	uint64_t v;
	int ret;

	if (l->ntok != 4 && l->ntok != 6)
		return xc_perr(l, "%s: use 'dup N [after K]'", "dup");
	ret = xc_num(l, l->tok[3], 1, XC_MAX_DUP, &v);
	r->n = v;
	if (ret || l->ntok == 4)
		return ret;
	if (strcmp(l->tok[4], "after"))
		return xc_perr(l, "dup: '%s' where 'after' belongs",
			       l->tok[4]);
	return xc_num(l, l->tok[5], 1, XC_SEQ_MAX, &r->k);
}

static int xc_parse_corrupt(const struct xc_pline *l, struct xc_mbox_rule *r)
{
	int f = xc_name_idx(xc_field_names, XC_ARRAY_SIZE(xc_field_names),
			    l->tok[3]);
	uint64_t v;
	int ret;

	if (f > 0) {
		r->field = f;
		return 0;
	}
	if (l->tok[3][0] < '0' || l->tok[3][0] > '9')
		return xc_perr(l, "corrupt: '%s' is neither a byte offset nor a field (eth.dst eth.src ip.ttl ip.src ip.dst udp.sport udp.dport)",
			       l->tok[3]);
	ret = xc_num(l, l->tok[3], 0, XC_MBOX_MAX_FRAME - 1, &v);
	r->n = v;
	return ret;
}

static int xc_parse_inject(const struct xc_pline *l, struct xc_mbox_rule *r)
{
	int k = xc_name_idx(xc_inj_names, XC_ARRAY_SIZE(xc_inj_names),
			    l->tok[3]);

	if (k < 0)
		return xc_perr(l, "inject: unknown kind '%s' (magic, tag, stream ID, seq SEQ)",
			       l->tok[3]);
	r->inj = k;
	if (k == XC_MBOX_INJ_MAGIC || k == XC_MBOX_INJ_TAG)
		return l->ntok == 4 ? 0 :
			xc_perr(l, "inject %s takes no value", l->tok[3]);
	if (l->ntok != 5)
		return xc_perr(l, "inject %s needs a value", l->tok[3]);
	return xc_num(l, l->tok[4], 0,
		      k == XC_MBOX_INJ_STREAM ? UINT16_MAX : XC_SEQ_MAX,
		      &r->value);
}

/* The action and its arguments, tokens 2 and on. */
static int xc_parse_act(const struct xc_pline *l, struct xc_mbox_rule *r)
{
	int a = xc_name_idx(xc_act_names, XC_ARRAY_SIZE(xc_act_names),
			    l->tok[2]);
	uint64_t v;
	int ret;

	if (a < 0)
		return xc_perr(l, "unknown action '%s'", l->tok[2]);
	r->act = a;
	if (a == XC_MBOX_DUP)
		return xc_parse_dup(l, r);
	if (a == XC_MBOX_INJECT)
		return l->ntok >= 4 ? xc_parse_inject(l, r) :
			xc_perr(l, "%s: which kind?", "inject");
	if (a == XC_MBOX_DROP)
		return l->ntok == 3 ? 0 :
			xc_perr(l, "%s takes no argument", "drop");
	if (l->ntok != 4)
		return xc_perr(l, "%s takes one argument", l->tok[2]);
	if (a == XC_MBOX_CORRUPT)
		return xc_parse_corrupt(l, r);
	if (a == XC_MBOX_HOLD)
		return xc_num(l, l->tok[3], 1, XC_SEQ_MAX, &r->k);
	ret = xc_num(l, l->tok[3], 1, a == XC_MBOX_LENGTHEN ?
		     XC_MAX_LENGTHEN : XC_MBOX_MAX_FRAME, &v);
	r->n = v;
	return ret;
}

/* Two frame actions on one (stream, seq) are refused. */
static int xc_check_overlap(const struct xc_mbox_plan *p,
			    const struct xc_pline *l,
			    const struct xc_mbox_rule *r)
{
	const struct xc_mbox_rule *o;
	char what[64];
	uint32_t i;

	if (r->act == XC_MBOX_INJECT)
		return 0;
	for (i = 0; i < p->n; i++) {
		o = &p->rules[i];
		if (o->act == XC_MBOX_INJECT || o->stream != r->stream ||
		    o->seq_hi < r->seq_lo || o->seq_lo > r->seq_hi)
			continue;
		snprintf(what, sizeof(what), "%u", o->line);
		return xc_perr(l, "a frame of this range has an action already (line %s)",
			       what);
	}
	return 0;
}

static int xc_parse_line(struct xc_mbox_plan *p, struct xc_pline *l)
{
	struct xc_mbox_rule r = { .line = l->line };
	char max[16];
	uint64_t v;
	int ret;

	if (l->ntok < 3)
		return xc_perr(l, "%s", "want STREAM SEQ[-SEQ] ACTION [ARGS]");
	if (p->n >= XC_MBOX_MAX_RULES) {
		snprintf(max, sizeof(max), "%u", XC_MBOX_MAX_RULES);
		return xc_perr(l, "more than %s rules", max);
	}
	ret = xc_num(l, l->tok[0], 0, UINT16_MAX, &v);
	r.stream = v;
	ret = ret ?: xc_parse_seqs(l, &r);
	ret = ret ?: xc_parse_act(l, &r);
	ret = ret ?: xc_check_overlap(p, l, &r);
	if (!ret)
		p->rules[p->n++] = r;
	return ret;
}

int xc_mbox_plan_parse(struct xc_mbox_plan *p, const char *text,
		       const char *name, char *err, size_t errlen)
{
	struct xc_pline l = { .name = name, .err = err, .errlen = errlen };
	char *buf = strdup(text), *line, *save = NULL, *ts, *hash, *t;
	int ret = 0;

	if (!buf)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	memset(p, 0, sizeof(*p));
	/* strsep keeps empty lines, so line numbers stay right */
	for (t = buf; (line = strsep(&t, "\n")) && !ret;) {
		l.line++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		l.ntok = 0;
		for (ts = strtok_r(line, " \t\r", &save); ts;
		     ts = strtok_r(NULL, " \t\r", &save)) {
			if (l.ntok == XC_MAX_TOKENS) {
				ret = xc_perr(&l, "%s", "too many words");
				break;
			}
			l.tok[l.ntok++] = ts;
		}
		if (!ret && l.ntok)
			ret = xc_parse_line(p, &l);
	}
	free(buf);
	return ret;
}

uint32_t xc_mbox_plan_match(struct xc_mbox_plan *p, uint16_t stream,
			    uint64_t seq, struct xc_mbox_rule **act,
			    struct xc_mbox_rule **inj, uint32_t max)
{
	struct xc_mbox_rule *r;
	uint32_t i, n = 0;

	*act = NULL;
	for (i = 0; i < p->n; i++) {
		r = &p->rules[i];
		if (r->stream != stream || seq < r->seq_lo || seq > r->seq_hi)
			continue;
		if (r->act != XC_MBOX_INJECT)
			*act = r;
		else if (n < max)
			inj[n++] = r;
	}
	return n;
}

/* ------------------------------------------------------------ frames */

static uint16_t xc_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void xc_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

int xc_mbox_locate(const uint8_t *f, uint32_t len, struct xc_mbox_pkt *p)
{
	struct xc_phdr ph;
	uint32_t l3 = XC_ETH_LEN;

	if (xc_frame_parse(f, len, &ph))
		return -EBADMSG;
	/* xc_frame_parse checked every length used below */
	if (xc_get16(f + 12) == 0x8100)
		l3 += XC_VLAN_LEN;
	p->l3 = l3;
	p->ipv6 = f[l3] >> 4 == 6;
	p->l4 = l3 + (p->ipv6 ? 40 : (f[l3] & 0xf) * 4u);
	p->run_tag = ph.run_tag;
	p->stream = ph.stream_id;
	p->seq = ph.seq;
	return 0;
}

uint32_t xc_mbox_field_off(const struct xc_mbox_pkt *p,
			   enum xc_mbox_field f)
{
	switch (f) {
	case XC_MBOX_F_ETH_DST:
		return 5;
	case XC_MBOX_F_ETH_SRC:
		return 11;
	case XC_MBOX_F_IP_TTL:
		return p->l3 + (p->ipv6 ? 7 : 8);
	case XC_MBOX_F_IP_SRC:
		return p->l3 + (p->ipv6 ? 23 : 15);
	case XC_MBOX_F_IP_DST:
		return p->l3 + (p->ipv6 ? 39 : 19);
	case XC_MBOX_F_UDP_SPORT:
		return p->l4 + 1;
	case XC_MBOX_F_UDP_DPORT:
		return p->l4 + 3;
	default:
		return 0;
	}
}

/* The UDP checksum of the frame as it now is (RFC 768, RFC 8200 8.1). */
static void xc_udp_csum(const struct xc_mbox_pkt *p, uint8_t *f, uint32_t len)
{
	uint8_t ph[40] = { 0 };
	uint32_t ulen = xc_get16(f + p->l4 + 4), sum, n;
	uint16_t c;

	if (ulen < XC_UDP_LEN || p->l4 + ulen > len)
		ulen = len - p->l4;
	if (p->ipv6) {
		memcpy(ph, f + p->l3 + 8, 32);
		xc_put16(ph + 34, ulen);
		ph[39] = 17;
		n = 40;
	} else {
		memcpy(ph, f + p->l3 + 12, 8);
		ph[9] = 17;
		xc_put16(ph + 10, ulen);
		n = 12;
	}
	xc_put16(f + p->l4 + 6, 0);
	sum = xc_csum_partial(ph, n, 0);
	sum = xc_csum_partial(f + p->l4, ulen, sum);
	c = xc_csum_fold(sum);
	xc_put16(f + p->l4 + 6, c ? c : 0xffff);
}

void xc_mbox_inject(const struct xc_mbox_rule *r,
		    const struct xc_mbox_pkt *p, uint8_t *f, uint32_t len)
{
	uint8_t *ph = f + p->l4 + XC_UDP_LEN;

	switch (r->inj) {
	case XC_MBOX_INJ_MAGIC:
		xc_put16(ph, (uint16_t)~XC_MAGIC);
		break;
	case XC_MBOX_INJ_TAG:
		ph[2] ^= 0x5a;		/* another run's tag */
		break;
	case XC_MBOX_INJ_STREAM:
		xc_put16(ph + 6, (uint16_t)r->value);
		break;
	case XC_MBOX_INJ_SEQ:
		xc_put16(ph + 8, (uint16_t)(r->value >> 32));
		xc_put16(ph + 10, (uint16_t)(r->value >> 16));
		xc_put16(ph + 12, (uint16_t)r->value);
		break;
	}
	xc_udp_csum(p, f, len);
}
