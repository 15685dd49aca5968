/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Controller internals: a run (connect, hello, interface info, prepare,
 * start, wait, drain, report, release) and the verdict over its reports.
 *
 * The two endpoints of a spec are "tx" and "rx". Streams with direction
 * TX_TO_RX are sent by the tx endpoint's agent and validated by the rx
 * endpoint's agent, streams with RX_TO_TX the other way; in a
 * bidirectional run each agent sends and receives.
 */
#ifndef XC_CTL_H
#define XC_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "xc_ctl_clock.h"
#include "xc_pb.h"
#include "xc_pcap.h"
#include "xc_preflight.h"
#include "xc_tls.h"
#include "xc_results.h"
#include "xceiver.pb-c.h"

/* Exit codes, documented in README.md. */
enum {
	XC_EXIT_PASS = 0,
	XC_EXIT_FAIL = 1,	/* the verdict failed */
	XC_EXIT_USAGE = 2,	/* bad spec or usage */
	XC_EXIT_RUN = 3,	/* could not run */
	/* the verdict failed only by frames the tester itself lost */
	XC_EXIT_TESTER = 4,
};

enum xc_side { XC_TX = 0, XC_RX = 1 };

struct xc_events;
struct xc_junit;

struct xc_ctl_opts {
	const char *json_path;
	const char *pcap_path;
	const char *timeline_path;	/* --timeline FILE.csv */
	const char *plot_path;		/* --plot FILE.svg */
	const char *events_path;	/* --json-stream FILE|- */
	struct xc_pcap *pcap;	/* open when pcap_path is set */
	const char *junit_path;		/* --junit FILE.xml */
	struct xc_junit *junit;		/* its suites when set (xc_junit.h) */
	bool quiet;
	bool silent;		/* print no verdict (a search's trial) */
	bool progress;		/* print progress lines on stderr */
	unsigned int repeat;	/* repetitions of the whole run (>= 1) */
	unsigned int repetition;	/* the current one, 1-based */
	struct xc_tls_opts tls;		/* the control channel's flags */
	unsigned int liveness_s;	/* --liveness; 0: none */
	struct xc_events *events;	/* --json-stream; NULL: none */
};

/* What a finished run hands to the verdict. */
struct xc_run_result {
	uint64_t run_id;
	Xceiver__V1__IfInfo *tx_if;
	Xceiver__V1__IfInfo *rx_if;
	Xceiver__V1__XdpMode tx_mode;
	Xceiver__V1__XdpMode rx_mode;
	/* The report of each endpoint's agent (Tx and/or Rx parts); NULL
	 * for an endpoint that neither sends nor receives. */
	Xceiver__V1__Report *tx;
	Xceiver__V1__Report *rx;
	/* What the preflight found; warnings only in a run that went on. */
	struct xc_findings preflight;
	/* The agents' clocks before and after the run (xc_ctl_clock.h). */
	struct xc_run_clock clock;
	/*
	 * How the control channel was secured (xc_tls_ctx_describe), and
	 * the name each agent proved (certificate CN or PSK identity; empty
	 * on plain TCP).
	 */
	const char *control;
	bool control_psk;
	char agent_id[2][XC_TLS_ID_MAX + 1];
	/* Why it could not finish (exit 3), and what each agent said. */
	struct xc_failure fail;
	struct xc_agent_seen seen[2];	/* by enum xc_side */
};

/* Whether the endpoint's agent sends / receives any stream of s. */
bool xc_side_sends(const Xceiver__V1__TestSpec *s, enum xc_side side);
bool xc_side_receives(const Xceiver__V1__TestSpec *s, enum xc_side side);
/* The endpoint that sends stream st. */
enum xc_side xc_stream_sender(const Xceiver__V1__Stream *st);
/*
 * The endpoint that validates stream st: the other one, or in a round
 * trip (reflect) its sender, which gets it back. xc_side_validates: the
 * endpoint validates any stream of s (a reflector receives, validates
 * nothing).
 */
enum xc_side xc_stream_receiver(const Xceiver__V1__TestSpec *s,
				const Xceiver__V1__Stream *st);
bool xc_side_validates(const Xceiver__V1__TestSpec *s, enum xc_side side);

/*
 * Run spec (already checked, counts resolved) to the end. Returns
 * XC_EXIT_PASS when every report arrived (the verdict is not judged here)
 * or XC_EXIT_RUN with a message printed.
 */
int xc_run(Xceiver__V1__TestSpec *spec, const struct xc_ctl_opts *opts,
	   struct xc_run_result *res);
void xc_run_result_free(struct xc_run_result *res);

/*
 * Judge one run: print its summary (opts->quiet: nothing when repeating,
 * the verdict line otherwise), append the anomalies' frames to opts->pcap,
 * write --timeline and --plot, and hand back the run's JSON report in
 * *json when json is not NULL. Returns XC_EXIT_PASS or XC_EXIT_FAIL
 * (XC_EXIT_RUN when out of memory or a result file cannot be written,
 * the message printed). xc_verdict_why also keeps the first such message
 * in why.
 */
int xc_verdict(const Xceiver__V1__TestSpec *spec,
	       const struct xc_run_result *res, const struct xc_ctl_opts *opts,
	       json_t **json);
int xc_verdict_why(const Xceiver__V1__TestSpec *spec,
		   const struct xc_run_result *res,
		   const struct xc_ctl_opts *opts, json_t **json, char *why,
		   size_t whylen);
/*
 * A run that could not finish after every agent that takes part had
 * reported (it failed later, in the clock after the run or in release):
 * its --timeline and --plot from the reports, nothing judged or printed.
 * Nothing otherwise: the timelines come with the reports only. 0 or
 * -errno with err set.
 */
int xc_verdict_files(const Xceiver__V1__TestSpec *spec,
		     const struct xc_run_result *res,
		     const struct xc_ctl_opts *opts, char *err, size_t errlen);

#endif /* XC_CTL_H */
