/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
#ifndef XC_UTIL_H
#define XC_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

/* Version of both binaries, sent in Hello. */
#define XC_VERSION	"0.1.0"

#define XC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define XC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define XC_MAX(a, b) ((a) > (b) ? (a) : (b))
#define XC_SWAP(a, b)	\
	do {		\
		__typeof__(a) xc_swap_t_ = (a);	\
		(a) = (b);	\
		(b) = xc_swap_t_;	\
	} while (0)

static inline uint64_t xc_now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t xc_mono_ns(void)
{
	return xc_now_ns(CLOCK_MONOTONIC);
}

/* Sleep until CLOCK_MONOTONIC reads at least ns (now or past: at once). */
static inline void xc_sleep_until_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/*
 * Wait ns on the clock without giving up the CPU: a vCPU that sleeps can
 * come back milliseconds late. No pause instruction: on some hosts it
 * traps to the hypervisor.
 */
static inline void xc_spin_ns(uint64_t ns)
{
	uint64_t end = xc_mono_ns() + ns;

	while (xc_mono_ns() < end)
		;
}

/* Value of a hexadecimal digit (either case), -1 for anything else. */
/*
 * splitmix64's finaliser of x + the golden ratio: a cheap, well-mixed
 * 64-bit hash (payload patterns, seeded sizes and shuffles).
 */
#define XC_GOLDEN	0x9E3779B97F4A7C15ull

static inline uint64_t xc_mix64(uint64_t x)
{
	x += XC_GOLDEN;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static inline int xc_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Format into err (size errlen) and return -code; for error paths. */
int xc_errf(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* XC_UTIL_H */
