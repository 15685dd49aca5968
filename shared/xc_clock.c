// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The host's clock: CLOCK_TAI with the test seam, and its state as the
 * kernel keeps it (adjtimex).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>

#include "xc_clock.h"

struct xc_clock_skew xc_clock_skew;

int xc_clock_set_skew(int64_t ns, int64_t ppm, char *err, size_t errlen)
{
	if (ns < -XC_CLOCK_SKEW_MAX_NS || ns > XC_CLOCK_SKEW_MAX_NS)
		return xc_errf(err, errlen, ERANGE,
			       "clock skew %" PRId64 " ns is beyond +-%lld ns",
			       ns, XC_CLOCK_SKEW_MAX_NS);
	if (ppm < -XC_CLOCK_DRIFT_MAX_PPM || ppm > XC_CLOCK_DRIFT_MAX_PPM)
		return xc_errf(err, errlen, ERANGE,
			       "clock drift %" PRId64 " ppm is beyond +-%d ppm",
			       ppm, XC_CLOCK_DRIFT_MAX_PPM);
	xc_clock_skew.ns = ns;
	xc_clock_skew.ppm = (int32_t)ppm;
	xc_clock_skew.t0 = xc_now_ns(CLOCK_TAI);
	return 0;
}

static uint64_t xc_us_to_ns(long us)
{
	return us > 0 ? (uint64_t)us * 1000 : 0;
}

void xc_clock_state_from(const struct timex *tx, int ret,
			 Xceiver__V1__ClockState *cs)
{
	xceiver__v1__clock_state__init(cs);
	if (ret < 0)
		return;
	cs->read = true;
	cs->synchronised = !(tx->status & STA_UNSYNC) && ret != TIME_ERROR;
	cs->esterror_ns = xc_us_to_ns(tx->esterror);
	cs->maxerror_ns = xc_us_to_ns(tx->maxerror);
	cs->tai_offset_s = tx->tai;
	cs->status = (uint32_t)tx->status;
}

/* The kernel's boot id, read once ("" when it cannot be). */
static const char *xc_clock_boot_id(void)
{
	static char id[40];
	static bool done;
	FILE *f;

	if (done)
		return id;
	done = true;
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return id;
	if (!fgets(id, sizeof(id), f))
		id[0] = '\0';
	id[strcspn(id, "\n")] = '\0';
	fclose(f);
	return id;
}

void xc_clock_state(Xceiver__V1__ClockState *cs)
{
	struct timex tx;

	memset(&tx, 0, sizeof(tx));	/* modes 0: read only */
	xc_clock_state_from(&tx, adjtimex(&tx), cs);
	if (!xc_clock_skew.ns && !xc_clock_skew.ppm)
		cs->boot_id = (char *)xc_clock_boot_id();
}
