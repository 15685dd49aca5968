// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Results that survive failure (see xc_results.h): result files written
 * whole or not at all, no stale file left from an earlier run, and the
 * JSON report of a run that could not finish.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xc_ctl.h"
#include "xc_output.h"
#include "xc_results.h"
#include "xc_spec.h"
#include "xc_util.h"

/* Tries at a free temporary name before giving up. */
#define XC_OUTFILE_TRIES	100

/* ------------------------------------------------------------ agents */

int xc_seen_keep(ProtobufCMessage **slot, const ProtobufCMessage *m)
{
	ProtobufCMessage *dup = xc_pb_dup(m);

	if (!dup)
		return -ENOMEM;
	if (*slot)
		protobuf_c_message_free_unpacked(*slot, NULL);
	*slot = dup;
	return 0;
}

void xc_seen_free(struct xc_agent_seen *a)
{
	if (a->hello)
		protobuf_c_message_free_unpacked(&a->hello->base, NULL);
	if (a->prepared)
		protobuf_c_message_free_unpacked(&a->prepared->base, NULL);
	memset(a, 0, sizeof(*a));
}

/* ------------------------------------------------------------ JSON */

static json_t *xc_msg_json(const ProtobufCMessage *m)
{
	return m ? xc_pb_to_json(m) : json_null();
}

/* The XDP mode in use, once the agent said it (Prepared). */
static json_t *xc_seen_mode(const struct xc_agent_seen *a)
{
	char buf[16];

	if (!a->prepared)
		return json_null();
	return json_string(xc_mode_str(a->prepared->mode, buf, sizeof(buf)));
}

/* What one agent said: its Hello, Prepared, latest Progress, Done. */
static json_t *xc_seen_json(const struct xc_agent_seen *a, const char *agent,
			    bool reported)
{
	return json_pack("{s:s?, s:o, s:o, s:o, s:b, s:b}",
			 "agent", agent,
			 "hello", xc_msg_json(a->hello ? &a->hello->base :
					      NULL),
			 "prepared", xc_msg_json(a->prepared ?
						 &a->prepared->base : NULL),
			 "progress", xc_msg_json(a->has_progress ?
						 &a->progress.base : NULL),
			 "done", a->done,
			 "report", reported);
}

static json_t *xc_agents_json(const Xceiver__V1__TestSpec *s,
			      const struct xc_run_result *res)
{
	return json_pack("{s:o, s:o}",
			 "tx", xc_seen_json(&res->seen[XC_TX], s->tx->agent,
					    res->tx),
			 "rx", xc_seen_json(&res->seen[XC_RX], s->rx->agent,
					    res->rx));
}

json_t *xc_cnr_json(const Xceiver__V1__TestSpec *s,
		    const struct xc_run_result *res,
		    const struct xc_ctl_opts *opts)
{
	char id[24];

	snprintf(id, sizeof(id), "%016" PRIx64, res->run_id);
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o,"
			 " s:o, s:o, s:o, s:o}",
			 "verdict", XC_VERDICT_CNR,
			 "reason", res->fail.reason,
			 "phase", res->fail.phase,
			 "run_id", id,
			 "repetition", (int)XC_MAX(opts->repetition, 1u),
			 "tx_mode", xc_seen_mode(&res->seen[XC_TX]),
			 "rx_mode", xc_seen_mode(&res->seen[XC_RX]),
			 "spec", xc_pb_to_json(&s->base),
			 "tx_interface", xc_msg_json(res->tx_if ?
						     &res->tx_if->base : NULL),
			 "rx_interface", xc_msg_json(res->rx_if ?
						     &res->rx_if->base : NULL),
			 "tx", xc_msg_json(res->tx ? &res->tx->base : NULL),
			 "rx", xc_msg_json(res->rx ? &res->rx->base : NULL),
			 "agents", xc_agents_json(s, res),
			 "preflight", xc_preflight_json(&res->preflight));
}

int xc_cnr_mark(json_t *doc, const char *reason, const char *phase)
{
	json_t *judged = json_object_get(doc, "verdict");

	/* the first reason stays */
	if (!strcmp(json_string_value(judged) ?: "", XC_VERDICT_CNR))
		return 0;
	if (judged && json_object_set(doc, "judged_verdict", judged))
		return -ENOMEM;
	if (json_object_set_new(doc, "verdict", json_string(XC_VERDICT_CNR)) ||
	    json_object_set_new(doc, "reason", json_string(reason)) ||
	    json_object_set_new(doc, "phase", json_string(phase)))
		return -ENOMEM;
	return 0;
}

void xc_cnr_note(struct xc_failure *f, const char *reason, const char *phase)
{
	snprintf(f->reason, sizeof(f->reason), "%s", reason);
	snprintf(f->phase, sizeof(f->phase), "%s", phase);
}

void xc_cnr_report(json_t **j, const Xceiver__V1__TestSpec *s,
		   const struct xc_run_result *res,
		   const struct xc_ctl_opts *opts)
{
	if (!*j) {
		*j = xc_cnr_json(s, res, opts);
		return;
	}
	if (xc_cnr_mark(*j, res->fail.reason, res->fail.phase)) {
		json_decref(*j);
		*j = NULL;
	}
}

/* ------------------------------------------------------------ files */

static void xc_outfile_free(struct xc_outfile *o)
{
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

/*
 * A path that exists and is no regular file (a terminal, a pipe,
 * /dev/stdout) is written in place: it cannot be replaced or removed.
 */
static bool xc_outfile_special(const char *path)
{
	struct stat st;

	return !stat(path, &st) && !S_ISREG(st.st_mode);
}

/* A new temporary name "DIR/.NAME.PID.N.tmp" beside the final one. */
static int xc_outfile_name(struct xc_outfile *o)
{
	static unsigned int seq;
	const char *slash = strrchr(o->path, '/');
	const char *name = slash ? slash + 1 : o->path;

	free(o->tmp);
	if (asprintf(&o->tmp, "%.*s.%s.%d.%u.tmp", (int)(name - o->path),
		     o->path, name, (int)getpid(), seq++) >= 0)
		return 0;
	o->tmp = NULL;
	return -ENOMEM;
}

/*
 * A file without a name in the final name's directory (O_TMPFILE), so
 * that a controller killed while writing leaves nothing behind; fd, or
 * -errno (-EOPNOTSUPP where the file system cannot).
 */
static int xc_outfile_unnamed(const struct xc_outfile *o)
{
	const char *slash = strrchr(o->path, '/');
	char *dir = slash ? strndup(o->path, slash - o->path + 1) :
		    strdup(".");
	int fd;

	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		fd = errno == EISDIR || errno == EINVAL ? -EOPNOTSUPP :
		     -errno;
	free(dir);
	return fd;
}

/* Else a new file at a temporary name; fd or -errno. */
static int xc_outfile_named(struct xc_outfile *o)
{
	int i, fd = -EEXIST;

	for (i = 0; i < XC_OUTFILE_TRIES && fd == -EEXIST; i++) {
		if (xc_outfile_name(o))
			return -ENOMEM;
		fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  0666);
		if (fd < 0)
			fd = -errno;
	}
	return fd;
}

/* The unnamed file gets a temporary name, to be renamed; 0 or -errno. */
static int xc_outfile_link(struct xc_outfile *o)
{
	int i, fd = fileno(o->f), ret = -EEXIST;
	char proc[32];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	for (i = 0; i < XC_OUTFILE_TRIES && ret == -EEXIST; i++) {
		if (xc_outfile_name(o))
			return -ENOMEM;
		/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc does not */
		ret = linkat(fd, "", AT_FDCWD, o->tmp, AT_EMPTY_PATH);
		if (ret && errno != EEXIST)
			ret = linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp,
				     AT_SYMLINK_FOLLOW);
		ret = ret ? -errno : 0;
	}
	if (ret) {
		free(o->tmp);
		o->tmp = NULL;
	}
	return ret;
}

int xc_outfile_open(struct xc_outfile *o, const char *path, char *err,
		    size_t errlen)
{
	int fd, ret;

	memset(o, 0, sizeof(*o));
	o->path = strdup(path);
	if (!o->path)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	if (xc_outfile_special(path)) {
		o->f = fopen(path, "we");
		ret = o->f ? 0 : -errno;
		goto out;
	}
	fd = xc_outfile_unnamed(o);
	o->unnamed = fd >= 0;
	if (fd == -EOPNOTSUPP)
		fd = xc_outfile_named(o);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	o->f = fdopen(fd, "w");
	ret = o->f ? 0 : -errno;
	if (!o->f) {
		close(fd);
		if (o->tmp)
			unlink(o->tmp);
	}
out:
	if (!ret)
		return 0;
	xc_errf(err, errlen, -ret, "cannot write %s: %s", path,
		strerror(-ret));
	xc_outfile_free(o);
	return ret;
}

/*
 * Flush, sync and name (a regular file), then close; 0 or -errno. Only
 * a whole file gets a name.
 */
static int xc_outfile_close(struct xc_outfile *o)
{
	bool regular = o->tmp || o->unnamed;
	int ret = 0;

	errno = 0;
	if (fflush(o->f) || ferror(o->f) || (regular && fsync(fileno(o->f))))
		ret = errno ? -errno : -EIO;
	if (!ret && o->unnamed)
		ret = xc_outfile_link(o);
	if (fclose(o->f) && !ret)
		ret = errno ? -errno : -EIO;
	o->f = NULL;
	return ret;
}

int xc_outfile_commit(struct xc_outfile *o, char *err, size_t errlen)
{
	int ret;

	if (!o || !o->f)
		return 0;
	ret = xc_outfile_close(o);
	if (!ret && o->tmp && rename(o->tmp, o->path))
		ret = -errno;
	if (ret) {
		if (o->tmp)
			unlink(o->tmp);
		xc_errf(err, errlen, -ret, "cannot write %s: %s", o->path,
			strerror(-ret));
	}
	xc_outfile_free(o);
	return ret;
}

void xc_outfile_discard(struct xc_outfile *o)
{
	if (!o || !o->f)
		return;
	fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	xc_outfile_free(o);
}

int xc_outfile_write(const char *path, int (*fill)(FILE *f, void *arg),
		     void *arg, char *err, size_t errlen)
{
	struct xc_outfile o;
	int ret;

	ret = xc_outfile_open(&o, path, err, errlen);
	if (ret)
		return ret;
	ret = fill(o.f, arg);
	if (ret) {
		xc_errf(err, errlen, -ret, "cannot write %s: %s", path,
			strerror(-ret));
		xc_outfile_discard(&o);
		return ret;
	}
	return xc_outfile_commit(&o, err, errlen);
}

void xc_result_path(const char *path, unsigned int repeat, unsigned int rep,
		    char *buf, size_t len)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (repeat <= 1) {
		snprintf(buf, len, "%s", path);
		return;
	}
	if (!dot || (slash && dot < slash))
		dot = path + strlen(path);
	snprintf(buf, len, "%.*s-r%u%s", (int)(dot - path), path, rep, dot);
}

/* Remove a stale regular file at path; prove its directory takes one. */
static int xc_result_clear(const char *flag, const char *path, char *err,
			   size_t errlen)
{
	struct xc_outfile o;
	struct stat st;
	char why[512];
	int ret;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return xc_errf(err, errlen, EISDIR, "%s: %s is a directory",
			       flag, path);
	if (xc_outfile_special(path))
		return 0;
	if (unlink(path) && errno != ENOENT) {
		ret = -errno;
		return xc_errf(err, errlen, -ret,
			       "%s: cannot remove %s, left by an earlier run: %s",
			       flag, path, strerror(-ret));
	}
	ret = xc_outfile_open(&o, path, why, sizeof(why));
	if (ret)
		return xc_errf(err, errlen, -ret, "%s: %s", flag, why);
	xc_outfile_discard(&o);
	return 0;
}

/* path, or each repetition's name of it when per_rep. */
static int xc_result_clear_all(const char *flag, const char *path,
			       bool per_rep, unsigned int repeat, char *err,
			       size_t errlen)
{
	char file[4096];
	unsigned int i, n = per_rep ? repeat : 1;
	int ret = 0;

	for (i = 1; path && !ret && i <= n; i++) {
		xc_result_path(path, per_rep ? repeat : 1, i, file,
			       sizeof(file));
		ret = xc_result_clear(flag, file, err, errlen);
	}
	return ret;
}

int xc_results_clear(const struct xc_ctl_opts *o, char *err, size_t errlen)
{
	unsigned int n = XC_MAX(o->repeat, 1u);

	return xc_result_clear_all("--json", o->json_path, false, n, err,
				   errlen) ?:
	       xc_result_clear_all("--pcap", o->pcap_path, false, n, err,
				   errlen) ?:
	       xc_result_clear_all("--timeline", o->timeline_path, true, n,
				   err, errlen) ?:
	       xc_result_clear_all("--plot", o->plot_path, true, n, err,
				   errlen) ?:
	       xc_result_clear_all("--junit", o->junit_path, false, n, err,
				   errlen);
}
