/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Results that survive failure.
 *
 * Every result file (--json, --junit, --pcap, --timeline, --plot) is
 * written to a temporary name in its own directory and renamed into
 * place once it is whole (struct xc_outfile), so a file at its final
 * name is never half written. When a run starts, before it connects to
 * an agent, the names it will write are removed (xc_results_clear):
 * afterwards each holds this run's result or does not exist, never an
 * earlier run's.
 *
 * A run that cannot finish (exit 3) still hands back what it learnt: why,
 * in which phase, and what each agent had said (struct xc_failure and
 * struct xc_agent_seen in struct xc_run_result). xc_cnr_json makes of it
 * the run's JSON report with the verdict "could_not_run"; xc_cnr_mark
 * turns a judged report into one when its results could not be written
 * out.
 */
#ifndef XC_RESULTS_H
#define XC_RESULTS_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "xceiver.pb-c.h"

/* The JSON verdict of a run that could not finish (exit 3). */
#define XC_VERDICT_CNR		"could_not_run"

/* What one agent said during a run. */
struct xc_agent_seen {
	Xceiver__V1__Hello *hello;		/* NULL before its Hello */
	Xceiver__V1__Prepared *prepared;	/* NULL before Prepared */
	Xceiver__V1__Progress progress;		/* its latest Progress */
	bool has_progress;
	bool done;		/* it sent Done: it finished sending */
};

/* Why a run could not finish; reason is empty when it did. */
struct xc_failure {
	char reason[512];	/* as printed after "could not run: " */
	char phase[32];		/* the phase it was in: "run", ... */
};

struct xc_run_result;
struct xc_ctl_opts;

/* Keep a copy of message m in *slot (replacing one); 0 or -ENOMEM. */
int xc_seen_keep(ProtobufCMessage **slot, const ProtobufCMessage *m);
void xc_seen_free(struct xc_agent_seen *a);

/*
 * The JSON report of a run that could not finish: the verdict
 * "could_not_run", the reason and the phase of res->fail, what each agent
 * had said (res->seen, its interface and any report in res) and the spec.
 * NULL: out of memory.
 */
json_t *xc_cnr_json(const Xceiver__V1__TestSpec *s,
		    const struct xc_run_result *res,
		    const struct xc_ctl_opts *opts);
/*
 * A judged report whose results could not be written out (exit 3): its
 * verdict becomes "could_not_run", the judged one moves to
 * "judged_verdict", with reason and phase (a report already marked keeps
 * its first). 0 or -ENOMEM.
 */
int xc_cnr_mark(json_t *doc, const char *reason, const char *phase);
/* Set a failure's reason and phase. */
void xc_cnr_note(struct xc_failure *f, const char *reason, const char *phase);
/*
 * The JSON report of a run that ended with exit 3 in *j: the judged
 * report there marked (xc_cnr_mark), else a new one (xc_cnr_json); NULL
 * when out of memory.
 */
void xc_cnr_report(json_t **j, const Xceiver__V1__TestSpec *s,
		   const struct xc_run_result *res,
		   const struct xc_ctl_opts *opts);

/*
 * A result file being written: a file without a name in the final name's
 * directory (O_TMPFILE), named when whole and renamed into place; where
 * the file system cannot, a file at a temporary name from the start. A
 * path that exists and is no regular file (/dev/stdout, a pipe) is
 * written in place.
 */
struct xc_outfile {
	char *path;		/* the final name */
	char *tmp;		/* the temporary name, once it has one */
	bool unnamed;		/* f has no name yet (O_TMPFILE) */
	FILE *f;
};

/* Create a new temporary file for path; 0 or -errno with err set. */
int xc_outfile_open(struct xc_outfile *o, const char *path, char *err,
		    size_t errlen);
/*
 * Flush, sync and close the file, then rename it to its final name
 * (replacing what is there). On failure the temporary file is removed.
 * 0 or -errno with err set. NULL-tolerant (nothing open: 0).
 */
int xc_outfile_commit(struct xc_outfile *o, char *err, size_t errlen);
/* Close and remove the temporary file: nothing at the final name changes. */
void xc_outfile_discard(struct xc_outfile *o);
/*
 * A whole result file at once: fill writes the content to f and returns
 * 0 or -errno; then the file is committed, or discarded on any error.
 */
int xc_outfile_write(const char *path, int (*fill)(FILE *f, void *arg),
		     void *arg, char *err, size_t errlen);

/*
 * The file of repetition rep of repeat: path itself, or with repetitions
 * path with "-rN" before its extension (plot.svg: plot-r2.svg).
 */
void xc_result_path(const char *path, unsigned int repeat, unsigned int rep,
		    char *buf, size_t len);
/*
 * Before a run: remove every result file it may write (the names of
 * xc_result_path for each repetition) and check that each directory takes
 * a new file. 0 or -errno with err set (naming the flag and the file).
 */
int xc_results_clear(const struct xc_ctl_opts *o, char *err, size_t errlen);

#endif /* XC_RESULTS_H */
