/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * xceiver search: the throughput search (xc_search.h) over frame sizes,
 * each trial an ordinary run of the spec at the trial's load
 * (search_cmd.c), and what it writes (search_show.c): a table per goal and
 * size, JSON with every trial and its report, JUnit, events.
 */
#ifndef XC_SEARCH_CMD_H
#define XC_SEARCH_CMD_H

#include <getopt.h>
#include <stdio.h>
#include <jansson.h>

#include "xc_ctl.h"
#include "xc_search.h"

/* The default maximum load of a size: the line rate of this, in bits/s. */
#define XC_SEARCH_DEF_LINE_BPS	10e9
/*
 * The probe before a size's search, at full speed: first at most
 * XC_SEARCH_PROBE_FRAMES frames (XC_SEARCH_PROBE_S at the maximum load if
 * fewer), then, when the senders fell short of the maximum load, as many
 * as XC_SEARCH_PROBE_S at the rate they reached.
 */
#define XC_SEARCH_PROBE_S	1.0
#define XC_SEARCH_PROBE_FRAMES	100000
/* Frame sizes searched by default (RFC 2544 section 9.1, Ethernet). */
#define XC_SEARCH_RFC2544_SIZES	64, 128, 256, 512, 1024, 1280, 1518
#define XC_SEARCH_MAX_SIZES	32

enum {
	XC_OPT_S_ALGO = 600, XC_OPT_S_SIZES, XC_OPT_S_MIN, XC_OPT_S_MAX,
	XC_OPT_S_TRIAL, XC_OPT_S_SUM, XC_OPT_S_GOAL, XC_OPT_S_EXCEED,
	XC_OPT_S_WIDTH, XC_OPT_S_INITIAL, XC_OPT_S_TRIALS,
	XC_OPT_S_LAST = XC_OPT_S_TRIALS,
};

#define XC_SEARCH_LONG_OPTIONS						\
	{ "algorithm", required_argument, NULL, XC_OPT_S_ALGO },	\
	{ "frame-sizes", required_argument, NULL, XC_OPT_S_SIZES },	\
	{ "min-rate", required_argument, NULL, XC_OPT_S_MIN },		\
	{ "max-rate", required_argument, NULL, XC_OPT_S_MAX },		\
	{ "trial-duration", required_argument, NULL, XC_OPT_S_TRIAL },	\
	{ "duration-sum", required_argument, NULL, XC_OPT_S_SUM },	\
	{ "goal", required_argument, NULL, XC_OPT_S_GOAL },		\
	{ "exceed-ratio", required_argument, NULL, XC_OPT_S_EXCEED },	\
	{ "width", required_argument, NULL, XC_OPT_S_WIDTH },		\
	{ "initial-duration", required_argument, NULL, XC_OPT_S_INITIAL }, \
	{ "max-trials", required_argument, NULL, XC_OPT_S_TRIALS }

/* The search's flags; a negative number: not given (the default). */
struct xc_search_opts {
	enum xc_search_algo algo;
	const char *sizes;		/* --frame-sizes; NULL: default */
	double min_pps, max_pps;
	double trial_s, sum_s, exceed, width, initial_s;
	double goals[XC_SEARCH_MAX_GOALS];	/* --goal loss ratios */
	unsigned int ngoals;
	long max_trials;
};

/*
 * One search flag c (XC_OPT_S_*) into so: 0, 1 when c is not one, or
 * -EINVAL (printed; also for any of them when so is NULL: xceiver run).
 */
int xc_search_opt(struct xc_search_opts *so, int c, const char *arg);
void xc_search_usage(FILE *f);
/* xceiver search ...: an exit code. */
int xc_cmd_search(int argc, char **argv);

/* One frame size's search as the command runs it. */
struct xc_size_search {
	char label[32];		/* "64", "imix", "spec" */
	double frame_bytes;	/* mean frame size with FCS */
	Xceiver__V1__TestSpec *spec;	/* the spec at this size */
	double *share;		/* each stream's share of the load */
	struct xc_search s;
	double probe_pps;	/* what the senders kept in the probe */
	json_t *probe;		/* the probe's report */
	json_t *reports;	/* each trial's report, by trial */
	unsigned int bad_trials;	/* with a failed check that is no loss */
	char bad_why[256];	/* the first of them */
	bool ran;		/* its search ran to the end */
};

/* The whole search, for printing and writing. */
struct xc_search_all {
	const char *name;		/* the spec's name or file */
	struct xc_size_search *sz;
	unsigned int n;
	char why[640];			/* why it could not run (exit 3) */
	char phase[32];
};

/* The table: a row per size and goal (search_show.c). */
void xc_search_table(FILE *f, const struct xc_search_all *a);
/* The search's exit code and the reason for it. */
int xc_search_verdict(const struct xc_search_all *a, char *why, size_t len);
/* The JSON document (schema xceiver.search/1); NULL: ENOMEM. */
json_t *xc_search_doc(const struct xc_search_all *a,
		      const Xceiver__V1__TestSpec *base, int ret,
		      const char *why);
/* A JUnit suite per size; 0 or -ENOMEM. */
struct xc_junit;
int xc_search_junit(struct xc_junit *ju, const struct xc_search_all *a);
/* The "trial" event of size z's last trial. */
struct xc_events;
void xc_search_trial_event(struct xc_events *ev,
			   const struct xc_size_search *z);
/* The last event: the search's verdict (exit code ret) and why. */
void xc_search_verdict_event(struct xc_events *ev, int ret, const char *why);
/*
 * --plot's file (search_pic.c): throughput against frame size, loss
 * against offered load. 0 or -errno with err set.
 */
int xc_search_plot_write(const char *path, const struct xc_search_all *a,
			 char *err, size_t errlen);
/* The line printed for size z's last trial. */
void xc_search_trial_line(FILE *f, const struct xc_size_search *z);

#endif /* XC_SEARCH_CMD_H */
