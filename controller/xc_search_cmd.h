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
#include "xc_search_b2b.h"

/*
 * The media's rate (--line-rate) by default, in Gb/s: the default maximum
 * load of a size is its frame rate (each frame with 20 bytes of preamble
 * and gap), and back-to-back's maximum theoretical frame rate.
 */
#define XC_SEARCH_DEF_LINE_GBPS	10.0
/*
 * The probe before a size's search, at full speed: first at most
 * XC_SEARCH_PROBE_FRAMES frames (XC_SEARCH_PROBE_S at the maximum load if
 * fewer), then, when the senders fell short of the maximum load, as many
 * as XC_SEARCH_PROBE_S at the rate they reached.
 */
#define XC_SEARCH_PROBE_S	1.0
#define XC_SEARCH_PROBE_FRAMES	100000
/*
 * The path idles this long (s) between one trial's end and the next
 * one's start (--trial-gap): RFC 2544 section 23 waits at least 5 s for
 * the device to restabilize (a trial's frames still on their way are the
 * run's own drain).
 */
#define XC_SEARCH_DEF_GAP_S	5.0
/* Frame sizes searched by default (RFC 2544 section 9.1, Ethernet). */
#define XC_SEARCH_RFC2544_SIZES	64, 128, 256, 512, 1024, 1280, 1518
#define XC_SEARCH_MAX_SIZES	32

enum {
	XC_OPT_S_ALGO = 600, XC_OPT_S_SIZES, XC_OPT_S_MIN, XC_OPT_S_MAX,
	XC_OPT_S_TRIAL, XC_OPT_S_SUM, XC_OPT_S_GOAL, XC_OPT_S_EXCEED,
	XC_OPT_S_WIDTH, XC_OPT_S_INITIAL, XC_OPT_S_TRIALS, XC_OPT_S_REPORTS,
	XC_OPT_S_STEP, XC_OPT_S_B2B, XC_OPT_S_B2B_REPEATS,
	XC_OPT_S_B2B_FRAMES, XC_OPT_S_B2B_TRIAL, XC_OPT_S_LINE, XC_OPT_S_GAP,
	XC_OPT_S_LAST = XC_OPT_S_GAP,
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
	{ "max-trials", required_argument, NULL, XC_OPT_S_TRIALS },	\
	{ "trial-reports", required_argument, NULL, XC_OPT_S_REPORTS }, \
	{ "step", required_argument, NULL, XC_OPT_S_STEP },		\
	{ "back-to-back", no_argument, NULL, XC_OPT_S_B2B },		\
	{ "b2b-repeats", required_argument, NULL, XC_OPT_S_B2B_REPEATS }, \
	{ "b2b-max-frames", required_argument, NULL, XC_OPT_S_B2B_FRAMES }, \
	{ "b2b-trial", required_argument, NULL, XC_OPT_S_B2B_TRIAL },	\
	{ "line-rate", required_argument, NULL, XC_OPT_S_LINE },	\
	{ "trial-gap", required_argument, NULL, XC_OPT_S_GAP }

/* The search's flags; a negative number: not given (the default). */
struct xc_search_opts {
	enum xc_search_algo algo;
	bool frame_loss;		/* --algorithm frame-loss */
	bool b2b;			/* --back-to-back */
	double step;			/* --step */
	long b2b_repeats;
	double b2b_max_frames, b2b_trial_s;
	const char *sizes;		/* --frame-sizes; NULL: default */
	const char *reports_dir;	/* --trial-reports DIR */
	double min_pps, max_pps;
	double line_gbps;		/* --line-rate */
	double gap_s;			/* --trial-gap */
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
	double line_pps;	/* the media's frame rate at this size */
	Xceiver__V1__TestSpec *spec;	/* the spec at this size */
	double *share;		/* each stream's share of the load */
	struct xc_search s;
	double probe_pps;	/* what the senders kept in the probe */
	json_t *probe;		/* the probe's run (xc_trial_summary) */
	json_t *reports;	/* each trial's run, by trial: run_id,
				 * verdict, failed_checks, loss */
	unsigned int bad_trials;	/* with a failed check that is no loss */
	char bad_why[256];	/* the first of them */
	bool ran;		/* its search ran to the end */
	double wall_s;		/* the time its probe and trials took, s */
	struct xc_steps steps;	/* --algorithm frame-loss */
	bool steps_on;
	struct xc_b2b b2b;	/* --back-to-back, after the search */
	bool b2b_on;
	json_t *b2b_runs;	/* each burst's run (xc_trial_summary) */
};

/* The whole search, for printing and writing. */
struct xc_search_all {
	const char *name;		/* the spec's name or file */
	struct xc_size_search *sz;
	unsigned int n;
	char why[640];			/* why it could not run (exit 3) */
	char phase[32];
};

/* The command's state while it searches. */
struct xc_searcher {
	struct xc_ctl_opts o;
	struct xc_search_all all;
	const struct xc_search_opts *so;
	const char *reports_dir;	/* --trial-reports DIR; NULL: none */
	uint64_t last_end_ns;	/* when the last trial's run ended; 0: none */
};

/*
 * Run size z's spec at load pps for dur s, or with load 0 dur frames at
 * full speed (a probe, a burst); its JSON report in *rep (NULL when out of
 * memory). An exit code; XC_EXIT_RUN with the reason in sr->all.
 */
int xc_trial_run(struct xc_searcher *sr, struct xc_size_search *z,
		 double load, double dur, json_t **rep);
/*
 * The frame loss rate at stepped loads of size z (RFC 2544 26.3; 100%:
 * the maximum load or the senders' ceiling), and back-to-back frames
 * after its search (26.4, RFC 9004), in search_bench.c. Exit codes.
 */
int xc_size_steps(struct xc_searcher *sr, struct xc_size_search *z);
int xc_size_b2b(struct xc_searcher *sr, struct xc_size_search *z);
/*
 * Size z's frame loss and back-to-back configurations from so, checked
 * before any trial runs: 0, or -EINVAL/-ENOMEM with err set.
 */
int xc_size_bench_check(const struct xc_search_opts *so,
			const struct xc_size_search *z, char *err,
			size_t errlen);

/*
 * The search could not go on: the reason (printf-style) and the phase it
 * was in, unless an earlier one stands. XC_EXIT_RUN.
 */
int xc_searcher_fail(struct xc_searcher *sr, const char *phase,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * xc_trial_run, then the outcome (t's load and duration left as they are)
 * from the run's report: sent, offered, lost, tester's. An exit code.
 */
int xc_trial_measure(struct xc_searcher *sr, struct xc_size_search *z,
		     double load, double dur, json_t **rep,
		     struct xc_search_trial *t);
/*
 * Keep run rep of size z: its summary appended to runs, its report as
 * trial n under --trial-reports. An exit code.
 */
int xc_trial_keep(struct xc_searcher *sr, const struct xc_size_search *z,
		  json_t *runs, unsigned int n, json_t *rep);
/* What the search's JSON keeps of a run's report: verdict, loss. */
json_t *xc_trial_summary(const json_t *rep);
/*
 * --trial-reports DIR: the whole report rep of size z's trial n (0: the
 * probe) as DIR/SIZE-NNNN.json. An exit code.
 */
int xc_trial_report_write(struct xc_searcher *sr,
			  const struct xc_size_search *z, unsigned int n,
			  json_t *rep);

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
/*
 * The last event: the search's verdict (exit code ret), why, and the
 * phase of one that could not run.
 */
void xc_search_verdict_event(struct xc_events *ev,
			     const struct xc_search_all *a, int ret,
			     const char *why);
/*
 * --plot's file (search_pic.c): throughput against frame size, loss
 * against offered load. 0 or -errno with err set.
 */
int xc_search_plot_write(const char *path, const struct xc_search_all *a,
			 char *err, size_t errlen);
/* The line printed for size z's last trial. */
void xc_search_trial_line(FILE *f, const struct xc_size_search *z);

#endif /* XC_SEARCH_CMD_H */
