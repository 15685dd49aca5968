// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The agents' clocks against the controller's: offsets from timed
 * exchanges, the pair's offset over a run, and whether one-way figures
 * can be trusted (the reasoning is in xc_ctl_clock.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xc_ctl_clock.h"
#include "xc_spec.h"
#include "xc_util.h"

static const char *const xc_clock_side[2] = { "tx", "rx" };

struct xc_offset xc_clock_estimate(const struct xc_clock_sample *s,
				   size_t n)
{
	struct xc_offset o = { 0 };
	uint64_t best = UINT64_MAX, rtt, mid;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i].t3 < s[i].t1)
			continue;
		rtt = s[i].t3 - s[i].t1;
		if (o.known && rtt >= best)
			continue;
		best = rtt;
		mid = s[i].t1 + rtt / 2;
		o.offset_ns = (int64_t)(s[i].t2 - mid);
		/* t2 - t1 - floor(rtt / 2) is ceil(rtt / 2) above t2 - t3 */
		o.bound_ns = rtt - rtt / 2;
		o.known = true;
	}
	return o;
}

struct xc_offset xc_clock_diff(struct xc_offset a, struct xc_offset b)
{
	struct xc_offset o = { 0 };

	if (!a.known || !b.known)
		return o;
	o.offset_ns = a.offset_ns - b.offset_ns;
	o.bound_ns = a.bound_ns + b.bound_ns;
	o.known = true;
	return o;
}

static uint64_t xc_abs_diff(int64_t a, int64_t b)
{
	return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

struct xc_offset xc_clock_over_run(struct xc_offset before,
				   struct xc_offset after)
{
	struct xc_offset o = before;

	if (!before.known || !after.known)
		return o;
	o.bound_ns = XC_MAX(before.bound_ns,
			    xc_abs_diff(after.offset_ns, before.offset_ns) +
			    after.bound_ns);
	return o;
}

void xc_clock_keep_state(struct xc_clock_agent *a,
			 const Xceiver__V1__ClockState *st)
{
	bool synced = st->synchronised, read = st->read;

	if (a->state_read) {
		synced = synced && a->state.synchronised;
		read = read && a->state.read;
	}
	a->state = *st;
	a->state.synchronised = synced;
	a->state.read = read;
	a->state_read = true;
	/* the string belongs to the message st is part of */
	snprintf(a->boot_id, sizeof(a->boot_id), "%s",
		 st->boot_id ? st->boot_id : "");
	a->state.boot_id = (char *)protobuf_c_empty_string;
}

void xc_clock_update(struct xc_run_clock *c)
{
	static const struct xc_offset zero = { .known = true };

	c->same_clock = c->agent[0].boot_id[0] &&
			!strcmp(c->agent[0].boot_id, c->agent[1].boot_id);
	if (c->same_clock) {
		c->pair_before = zero;
		c->pair_after = zero;
		c->pair = zero;
		return;
	}
	c->pair_before = xc_clock_diff(c->agent[1].before,
				       c->agent[0].before);
	c->pair_after = xc_clock_diff(c->agent[1].after, c->agent[0].after);
	c->pair = xc_clock_over_run(c->pair_before, c->pair_after);
}

/* Append one reason to t->why ("; " between reasons). */
static void __attribute__((format(printf, 2, 3)))
xc_trust_why(struct xc_clock_trust *t, const char *fmt, ...)
{
	size_t off = strlen(t->why);
	va_list ap;

	if (off && off + 2 < sizeof(t->why)) {
		memcpy(t->why + off, "; ", 3);
		off += 2;
	}
	va_start(ap, fmt);
	vsnprintf(t->why + off, sizeof(t->why) - off, fmt, ap);
	va_end(ap);
	t->trusted = false;
}

static void xc_trust_agent(const struct xc_clock_agent *a, const char *name,
			   struct xc_clock_trust *t)
{
	if (!a->state_read || !a->state.read)
		xc_trust_why(t, "the %s agent could not tell its clock's state (adjtimex)",
			     name);
	else if (!a->state.synchronised)
		xc_trust_why(t, "the %s agent's clock is not synchronised (adjtimex: STA_UNSYNC or TIME_ERROR)",
			     name);
}

void xc_clock_trust(const struct xc_run_clock *c, uint64_t figure_ns,
		    struct xc_clock_trust *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->trusted = true;
	if (c->same_clock)
		return;		/* one kernel, one clock */
	if (!c->pair.known)
		xc_trust_why(t, "the offset between the agents' clocks is unknown (an agent did not answer ClockProbe)");
	for (i = 0; i < 2; i++)
		xc_trust_agent(&c->agent[i], xc_clock_side[i], t);
	if (c->pair.known && c->pair.bound_ns > figure_ns)
		xc_trust_why(t, "the clocks' offset is known within %.3f us, more than the figure of %.3f us",
			     (double)c->pair.bound_ns / 1e3,
			     (double)figure_ns / 1e3);
	if (!t->trusted)
		t->advice = "synchronise both hosts' clocks: chrony (NTP), or ptp4l + phc2sys for the NICs' hardware clocks (PTP)";
}

static json_t *xc_offset_json(struct xc_offset o)
{
	if (!o.known)
		return json_null();
	return json_pack("{s:I, s:I}", "offset_ns", (json_int_t)o.offset_ns,
			 "bound_ns", (json_int_t)o.bound_ns);
}

static json_t *xc_clock_agent_json(const struct xc_clock_agent *a)
{
	return json_pack("{s:b, s:s, s:o, s:o, s:o}", "probed", a->probed,
			 "boot_id", a->boot_id,
			 "before", xc_offset_json(a->before),
			 "after", xc_offset_json(a->after),
			 "state", a->state_read ?
				  xc_pb_to_json(&a->state.base) : json_null());
}

json_t *xc_clock_json(const struct xc_run_clock *c)
{
	return json_pack("{s:s, s:b, s:o, s:o, s:o, s:o, s:o}",
			 "clock", "CLOCK_TAI",
			 "same_clock", c->same_clock,
			 "pair", xc_offset_json(c->pair),
			 "pair_before", xc_offset_json(c->pair_before),
			 "pair_after", xc_offset_json(c->pair_after),
			 "tx_agent", xc_clock_agent_json(&c->agent[0]),
			 "rx_agent", xc_clock_agent_json(&c->agent[1]));
}
