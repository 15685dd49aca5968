/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The verdict as a pure function: a test spec and its agents' reports in,
 * every check with its measured value out. No printing and no I/O here: the
 * summary (summary.c) and the JSON report (report.c) are built on top of a
 * judgement.
 *
 * Strict by default, per stream:
 *
 *   sent == count - invalid_sent (Tx counts the valid descriptors it sent;
 *   the ones sent invalid on purpose, by the stream's generator, apart),
 *   delivered == expected (the seqs Rx must get: all but those sent
 *   invalid on purpose or dropped by the XDP action), missing, corrupt,
 *   duplicates, reordered, unexpected, desc_errors == 0
 *
 * and in total: foreign, xdp_no_socket, xdp_action_failures == 0,
 * tx_invalid_descs == the descriptors sent invalid on purpose. Each
 * expect.checks entry replaces the default check of its counter: for one
 * stream ("stream 2 missing <= 10") or, without a stream, for every stream
 * by one check of the total. "COUNTER not judged" removes the counter from
 * the verdict and is listed as such. A check on a counter that an agent
 * could not read fails, its value unknown. When missing or corrupt has its own
 * check, the default delivered check allows for them (delivered ==
 * expected - missing - corrupt). A stream its receiver did not report
 * fails a check of its own.
 *
 * Latency checks (expect.checks only, no default) are judged by
 * xc_lat_check(): see judge_lat.c for when they pass.
 *
 * Every check of every stream is judged: the number of checks has no cap
 * beyond memory (the spec loader bounds the number of streams).
 */
#ifndef XC_JUDGE_H
#define XC_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xc_ctl.h"
#include "xc_expect.h"
#include "xceiver.pb-c.h"

#define XC_ALL_STREAMS		UINT32_MAX	/* a check of a total */

enum xc_check_kind {
	XC_CHECK_COUNTER,	/* a counter against a value */
	XC_CHECK_REPORTED,	/* the stream's receiver reported it */
	XC_CHECK_LATENCY,	/* a latency figure against a value */
};

enum xc_check_result {
	XC_RESULT_PASS,
	XC_RESULT_FAIL,
	XC_RESULT_NOT_JUDGED,	/* "COUNTER not judged" in the spec */
};

struct xc_check {
	enum xc_check_kind kind;
	uint32_t stream_id;	/* XC_ALL_STREAMS: a total */
	enum xc_counter counter;
	enum xc_expect_op op;
	uint64_t want;
	uint64_t got;		/* measured; 0 when not judged */
	enum xc_check_result result;
	bool from_spec;		/* an expect.checks entry */
	/*
	 * An agent could not read the counter (socket or XDP statistics):
	 * nothing is known of it, so the check fails. A latency figure with
	 * no frames behind it likewise (why says so).
	 */
	bool unknown;
	/*
	 * XC_CHECK_LATENCY (judge_lat.c), in ns: the figure as reported
	 * (a percentile: the highest value of its histogram bucket), the
	 * interval that holds the truth (its precision and, one-way, the
	 * clocks' error bound_ns), and why it failed when it may hold or
	 * cannot be trusted, or is unknown (owned; NULL otherwise).
	 */
	bool rtt;
	enum xc_lat_metric metric;
	int64_t want_ns;
	int64_t got_ns;
	int64_t lo_ns, hi_ns;
	uint64_t bound_ns;
	char *why;
};

/*
 * A spec and the reports of one run, with every stream's reports found
 * once (by stream id, from the agent that sends it and the one that
 * receives it).
 */
struct xc_forensics;
struct xc_latency;

struct xc_view {
	const Xceiver__V1__TestSpec *spec;
	const struct xc_run_result *res;
	/* the timelines' attribution; NULL or !have: whole-run counters */
	const struct xc_forensics *fx;
	const struct xc_latency *lat;	/* one-way latency; NULL: none */
	const Xceiver__V1__TxStreamReport **tx;	/* [i]: spec->streams[i] */
	const Xceiver__V1__RxStreamReport **rx;
};

/*
 * Where the missing frames went. With both agents' timelines (v->fx), as
 * the drop forensics attributed them episode by episode (xc_forensics.h):
 * the tester itself lost those its senders never sent and those its
 * receivers' XDP program and sockets lost. Without, over the whole run:
 * the tester accounts for frames its senders never sent (sent short of
 * what the spec sends), frames its receivers' sockets dropped
 * (rx_dropped, which counts an empty fill ring too, and rx_ring_full) and
 * test frames that reached a queue without a socket (xdp_no_socket); late
 * frames arrived after the window had counted them missing; the rest is
 * not attributed.
 */
struct xc_loss {
	uint64_t missing;
	uint64_t late;
	uint64_t tx_unsent;
	uint64_t rx_socket;
	uint64_t xdp_no_socket;
	/*
	 * Passed to the kernel by the receivers' XDP programs: in the port
	 * range without our magic and this run's tag (a test frame damaged
	 * in those bytes is among the missing; other traffic is not).
	 */
	uint64_t xdp_not_ours;
	uint64_t tester;		/* of missing, what the tester lost */
	uint64_t not_attributed;
	bool unknown;			/* a counter above could not be read */
	bool from_timeline;		/* tester from the forensics */
};

enum xc_verdict_word {
	XC_VERDICT_PASS,
	XC_VERDICT_FAIL,
	/*
	 * Every failed check is one of frames lost, and the tester itself
	 * lost every missing frame: rerun it, nothing is known of the link.
	 */
	XC_VERDICT_TESTER,
};

struct xc_judgement {
	struct xc_check *checks;
	size_t n;
	size_t cap;
	size_t failed;
	size_t not_judged;
	struct xc_loss loss;
	enum xc_verdict_word word;
};

/* Index the reports of res by the streams of spec; -ENOMEM. */
int xc_view_init(struct xc_view *v, const Xceiver__V1__TestSpec *spec,
		 const struct xc_run_result *res);
void xc_view_free(struct xc_view *v);

/* The report of the endpoint's agent; NULL when it has none. */
const Xceiver__V1__Report *xc_view_report(const struct xc_view *v,
					  enum xc_side side);

/*
 * A counter's measured value: of stream i (its index in the spec), or the
 * total over the streams (per-stream counters) or over the sockets and
 * reports of the side that owns it (socket and XDP counters).
 */
uint64_t xc_stream_value(const struct xc_view *v, size_t i,
			 enum xc_counter c);
uint64_t xc_total_value(const struct xc_view *v, enum xc_counter c);
/* Whether every agent that owns counter c could read it. */
bool xc_total_known(const struct xc_view *v, enum xc_counter c);

/*
 * Judge one run. Returns 0 with every check in j (xc_judgement_free() it
 * even on error), -EINVAL when expect.checks do not parse or do not suit
 * the run (a round-trip check in a run that does not reflect, a one-way
 * check in one that does; err says why; the spec loader refuses such a
 * spec first), or -ENOMEM.
 */
int xc_judge(const struct xc_view *v, struct xc_judgement *j, char *err,
	     size_t errlen);
void xc_judgement_free(struct xc_judgement *j);

/*
 * Judge one latency check e against v->lat (NULL: none reported) into c,
 * a check of kind XC_CHECK_LATENCY (c->why allocated); 0 or -ENOMEM.
 */
int xc_lat_check(const struct xc_view *v, const struct xc_expect *e,
		 struct xc_check *c);

/* Whether the run passed: no check failed. */
static inline bool xc_judgement_pass(const struct xc_judgement *j)
{
	return !j->failed;
}

/*
 * Whether check c counts frames lost and nothing else (sent, delivered,
 * missing and the receiving socket's drops), read by both agents.
 */
bool xc_check_is_loss(const struct xc_check *c);

/* "pass", "fail", "tester_loss"; and the exit code of each. */
const char *xc_verdict_word_str(enum xc_verdict_word w);
int xc_verdict_exit(enum xc_verdict_word w);

/* "stream 1 missing", "foreign", "stream 3 reported by its receiver" */
int xc_check_name(const struct xc_check *c, char *buf, size_t len);
/* "stream 1 missing == 0", "reordered not judged", "jitter_us < 12.5" */
int xc_check_text(const struct xc_check *c, char *buf, size_t len);
/* "pass", "fail", "not judged" */
const char *xc_check_result_str(enum xc_check_result r);

#endif /* XC_JUDGE_H */
