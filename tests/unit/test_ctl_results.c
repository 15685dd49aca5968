// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Results that survive failure: the JSON report of a run that could not
 * finish, made from a given state; result files written whole under a
 * temporary name; stale result files removed before a run; repetitions
 * ended by one that could not run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "xc_ctl.h"
#include "xc_repeat.h"
#include "xc_results.h"
#include "xc_spec.h"

#define SPEC_MSG (&xceiver__v1__test_spec__descriptor)

static Xceiver__V1__TestSpec *spec_new(void)
{
	static const char y[] =
		"tx: {agent: 198.19.1.2:7007, xsk: {ifname: xct, mode: drv}}\n"
		"rx: {agent: 198.19.1.6:7007, xsk: {ifname: xcr, mode: drv}}\n"
		"streams: [{id: 1, count: 1000, rate_pps: 1000}]\n";
	Xceiver__V1__TestSpec *s = NULL;
	char err[512] = "";

	if (xc_pb_from_yaml(SPEC_MSG, "t", y, strlen(y),
			    (ProtobufCMessage **)&s, err, sizeof(err)) ||
	    xc_spec_defaults(s) || xc_spec_check(s, "t", err, sizeof(err)))
		print_error("spec: %s\n", err);
	assert_string_equal(err, "");
	return s;
}

static const char *jstr(json_t *o, const char *path)
{
	json_t *v = json_object_get(o, path);

	assert_non_null(v);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* The tx agent said hello, prepared, progressed and sent Done with its
 * report; the rx agent's connection was lost mid-run. */
static void state_fill(struct xc_run_result *res)
{
	static char *caps[] = { "clock-probe", "timeline" };
	Xceiver__V1__Hello hello = XCEIVER__V1__HELLO__INIT;
	Xceiver__V1__Prepared prep = XCEIVER__V1__PREPARED__INIT;
	Xceiver__V1__Report rep = XCEIVER__V1__REPORT__INIT;
	Xceiver__V1__IfInfo ifi = XCEIVER__V1__IF_INFO__INIT;
	struct xc_agent_seen *a = &res->seen[XC_TX];

	memset(res, 0, sizeof(*res));
	res->run_id = 0x0123456789abcdefull;
	xc_cnr_note(&res->fail,
		    "rx agent 198.19.1.6:7007 closed the connection during run",
		    "run");
	hello.protocol_version = 3;
	hello.software_version = "1.2.3";
	hello.role = "agent";
	hello.n_capabilities = 2;
	hello.capabilities = caps;
	assert_int_equal(xc_seen_keep((ProtobufCMessage **)&a->hello,
				      &hello.base), 0);
	prep.mode = XCEIVER__V1__XDP_MODE__XDP_MODE_DRV;
	assert_int_equal(xc_seen_keep((ProtobufCMessage **)&a->prepared,
				      &prep.base), 0);
	xceiver__v1__progress__init(&a->progress);
	a->progress.elapsed_ns = 1500000000;
	a->progress.tx_frames = 1234;
	a->has_progress = true;
	a->done = true;
	ifi.ifname = "xct";
	ifi.mtu = 1500;
	res->tx_if = (Xceiver__V1__IfInfo *)xc_pb_dup(&ifi.base);
	res->tx = (Xceiver__V1__Report *)xc_pb_dup(&rep.base);
	assert_non_null(res->tx_if);
	assert_non_null(res->tx);
}

static void test_cnr_json(void **state)
{
	struct xc_ctl_opts o = { .repeat = 1, .repetition = 1 };
	Xceiver__V1__TestSpec *s = spec_new();
	struct xc_run_result res;
	json_t *j, *tx, *rx, *hello;

	(void)state;
	state_fill(&res);
	j = xc_cnr_json(s, &res, &o);
	assert_non_null(j);
	assert_string_equal(jstr(j, "verdict"), "could_not_run");
	assert_string_equal(jstr(j, "reason"), res.fail.reason);
	assert_string_equal(jstr(j, "phase"), "run");
	assert_string_equal(jstr(j, "run_id"), "0123456789abcdef");
	assert_int_equal(jint(j, "repetition"), 1);
	assert_string_equal(jstr(j, "tx_mode"), "drv");
	assert_true(json_is_null(json_object_get(j, "rx_mode")));
	assert_string_equal(jstr(json_object_get(j, "tx_interface"), "ifname"),
			    "xct");
	assert_true(json_is_null(json_object_get(j, "rx_interface")));
	assert_true(json_is_object(json_object_get(j, "tx")));
	assert_true(json_is_null(json_object_get(j, "rx")));
	assert_true(json_is_object(json_object_get(j, "spec")));
	assert_true(json_is_array(json_object_get(j, "preflight")));
	/* nothing was judged: no checks */
	assert_null(json_object_get(j, "checks"));

	tx = json_object_get(json_object_get(j, "agents"), "tx");
	rx = json_object_get(json_object_get(j, "agents"), "rx");
	assert_string_equal(jstr(tx, "agent"), "198.19.1.2:7007");
	hello = json_object_get(tx, "hello");
	assert_string_equal(jstr(hello, "software_version"), "1.2.3");
	assert_int_equal(jint(hello, "protocol_version"), 3);
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(hello, "capabilities"), 1)), "timeline");
	assert_string_equal(jstr(json_object_get(tx, "prepared"), "mode"),
			    "drv");
	assert_int_equal(jint(json_object_get(tx, "progress"), "tx_frames"),
			 1234);
	assert_int_equal(jint(json_object_get(tx, "progress"), "elapsed_ns"),
			 1500000000);
	assert_true(json_is_true(json_object_get(tx, "done")));
	assert_true(json_is_true(json_object_get(tx, "report")));

	assert_string_equal(jstr(rx, "agent"), "198.19.1.6:7007");
	assert_true(json_is_null(json_object_get(rx, "hello")));
	assert_true(json_is_null(json_object_get(rx, "prepared")));
	assert_true(json_is_null(json_object_get(rx, "progress")));
	assert_true(json_is_false(json_object_get(rx, "done")));
	assert_true(json_is_false(json_object_get(rx, "report")));

	json_decref(j);
	xc_run_result_free(&res);
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

/* A judged report whose files could not be written: the first reason. */
static void test_cnr_mark(void **state)
{
	json_t *j = json_pack("{s:s, s:i}", "verdict", "pass",
			      "checks_failed", 0);

	(void)state;
	assert_int_equal(xc_cnr_mark(j, "--pcap: x.pcap: cannot write",
				     "output"), 0);
	assert_string_equal(jstr(j, "verdict"), "could_not_run");
	assert_string_equal(jstr(j, "judged_verdict"), "pass");
	assert_string_equal(jstr(j, "reason"), "--pcap: x.pcap: cannot write");
	assert_string_equal(jstr(j, "phase"), "output");
	assert_int_equal(jint(j, "checks_failed"), 0);
	assert_int_equal(xc_cnr_mark(j, "second", "output"), 0);
	assert_string_equal(jstr(j, "reason"), "--pcap: x.pcap: cannot write");
	assert_string_equal(jstr(j, "judged_verdict"), "pass");
	json_decref(j);
}

/* The report of a run that had no verdict; a judged one marked. */
static void test_cnr_report(void **state)
{
	struct xc_ctl_opts o = { .repeat = 1, .repetition = 1 };
	Xceiver__V1__TestSpec *s = spec_new();
	struct xc_run_result res;
	json_t *j = NULL;

	(void)state;
	state_fill(&res);
	xc_cnr_report(&j, s, &res, &o);
	assert_string_equal(jstr(j, "verdict"), "could_not_run");
	assert_non_null(json_object_get(j, "agents"));
	json_decref(j);
	j = json_pack("{s:s}", "verdict", "fail");
	xc_cnr_note(&res.fail, "cannot write p.svg: No space left on device",
		    "output");
	xc_cnr_report(&j, s, &res, &o);
	assert_string_equal(jstr(j, "verdict"), "could_not_run");
	assert_string_equal(jstr(j, "judged_verdict"), "fail");
	assert_string_equal(jstr(j, "reason"),
			    "cannot write p.svg: No space left on device");
	json_decref(j);
	xc_run_result_free(&res);
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

/* ------------------------------------------------------------ files */

struct dir {
	char path[64];
};

static void dir_make(struct dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/xc-results-test.XXXXXX");
	assert_non_null(mkdtemp(d->path));
}

/* The names in the directory, sorted, joined by spaces. */
static void dir_list(const struct dir *d, char *buf, size_t len)
{
	struct dirent **ents;
	size_t off = 0;
	int i, n;

	n = scandir(d->path, &ents, NULL, alphasort);
	assert_true(n >= 0);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") &&
		    strcmp(ents[i]->d_name, "..") && off < len)
			off += snprintf(buf + off, len - off, "%s%s",
					off ? " " : "", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

static void dir_file(const struct dir *d, const char *name, char *buf,
		     size_t len)
{
	snprintf(buf, len, "%s/%s", d->path, name);
}

static void file_put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void file_get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void dir_remove(struct dir *d)
{
	struct dirent **ents;
	char path[512];
	int i, n;

	n = scandir(d->path, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") &&
		    strcmp(ents[i]->d_name, "..")) {
			dir_file(d, ents[i]->d_name, path, sizeof(path));
			unlink(path);
		}
		free(ents[i]);
	}
	free(ents);
	rmdir(d->path);
}

static int fill_text(FILE *f, void *arg)
{
	return fputs(arg, f) == EOF ? -EIO : 0;
}

static int fill_fails(FILE *f, void *arg)
{
	(void)arg;
	fputs("half", f);
	return -ENOSPC;
}

/* A whole file at its name, nothing else left; an old one replaced. */
static void test_outfile_write(void **state)
{
	char path[512], list[512], text[64], err[256];
	struct dir d;

	(void)state;
	dir_make(&d);
	dir_file(&d, "r.json", path, sizeof(path));
	file_put(path, "stale");
	assert_int_equal(xc_outfile_write(path, fill_text, "new\n", err,
					  sizeof(err)), 0);
	file_get(path, text, sizeof(text));
	assert_string_equal(text, "new\n");
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "r.json");
	dir_remove(&d);
}

/* A failed fill leaves the final name as it was and no temporary file. */
static void test_outfile_fill_fails(void **state)
{
	char path[512], list[512], text[64], err[256];
	struct dir d;

	(void)state;
	dir_make(&d);
	dir_file(&d, "p.svg", path, sizeof(path));
	assert_int_equal(xc_outfile_write(path, fill_fails, NULL, err,
					  sizeof(err)), -ENOSPC);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOSPC)));
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "");
	file_put(path, "old");
	assert_int_equal(xc_outfile_write(path, fill_fails, NULL, err,
					  sizeof(err)), -ENOSPC);
	file_get(path, text, sizeof(text));
	assert_string_equal(text, "old");
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "p.svg");
	dir_remove(&d);
}

/*
 * While written, the file is not at its final name; discard leaves
 * nothing, commit the file at its name only.
 */
static void test_outfile_open_commit_discard(void **state)
{
	char path[512], list[512], err[256];
	struct xc_outfile o;
	struct dir d;

	(void)state;
	dir_make(&d);
	dir_file(&d, "x.pcap", path, sizeof(path));
	assert_int_equal(xc_outfile_open(&o, path, err, sizeof(err)), 0);
	fputs("partial", o.f);
	assert_int_equal(access(path, F_OK), -1);
	/* no name at all, or (without O_TMPFILE) a hidden temporary one */
	dir_list(&d, list, sizeof(list));
	assert_true(!*list || (list[0] == '.' && strstr(list, "x.pcap") &&
			       !strchr(list, ' ')));
	xc_outfile_discard(&o);
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "");

	assert_int_equal(xc_outfile_open(&o, path, err, sizeof(err)), 0);
	fputs("whole", o.f);
	assert_int_equal(xc_outfile_commit(&o, err, sizeof(err)), 0);
	assert_null(o.f);
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "x.pcap");
	assert_int_equal(xc_outfile_commit(&o, err, sizeof(err)), 0);
	xc_outfile_discard(&o);
	dir_remove(&d);
}

static void test_outfile_no_dir(void **state)
{
	const char *path = "/nonexistent-xc-dir/r.json";
	struct xc_outfile o;
	char err[256];

	(void)state;
	assert_int_equal(xc_outfile_open(&o, path, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, path));
	assert_null(o.f);
}

/* A pcap written through a temporary file: whole at its name. */
static void test_outfile_pcap(void **state)
{
	static const uint8_t frame[60] = { 0xff };
	char path[512], list[512], err[256];
	struct xc_outfile o;
	struct xc_pcap p;
	struct stat st;
	struct dir d;

	(void)state;
	dir_make(&d);
	dir_file(&d, "a.pcap", path, sizeof(path));
	assert_int_equal(xc_outfile_open(&o, path, err, sizeof(err)), 0);
	assert_int_equal(xc_pcap_open_stream(&p, o.f, path, err,
					     sizeof(err)), 0);
	assert_int_equal(xc_pcap_write(&p, frame, sizeof(frame), 0, 1, err,
				       sizeof(err)), 0);
	assert_int_equal(xc_pcap_close(&p, err, sizeof(err)), 0);
	assert_non_null(o.f);	/* still the outfile's */
	assert_int_equal(xc_outfile_commit(&o, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 24 + 16 + sizeof(frame));
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "a.pcap");
	dir_remove(&d);
}

static void test_result_path(void **state)
{
	char buf[256];

	(void)state;
	xc_result_path("a/plot.svg", 1, 1, buf, sizeof(buf));
	assert_string_equal(buf, "a/plot.svg");
	xc_result_path("a/plot.svg", 3, 2, buf, sizeof(buf));
	assert_string_equal(buf, "a/plot-r2.svg");
	xc_result_path("d.x/timeline", 2, 1, buf, sizeof(buf));
	assert_string_equal(buf, "d.x/timeline-r1");
}

/* Before a run: the names it writes are gone, every other file stays. */
static void test_results_clear(void **state)
{
	static const char *const names[] = {
		"r.json", "p.svg", "p-r1.svg", "p-r2.svg", "p-r3.svg",
		"t.csv", "t-r2.csv", "other.json", "j.xml",
	};
	char json[512], plot[512], tl[512], file[512], list[512], err[256];
	char junit[512];
	struct xc_ctl_opts o = { .repeat = 2 };
	struct dir d;
	size_t i;

	(void)state;
	dir_make(&d);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		dir_file(&d, names[i], file, sizeof(file));
		file_put(file, "stale");
	}
	dir_file(&d, "r.json", json, sizeof(json));
	dir_file(&d, "p.svg", plot, sizeof(plot));
	dir_file(&d, "t.csv", tl, sizeof(tl));
	o.json_path = json;
	o.plot_path = plot;
	o.timeline_path = tl;
	dir_file(&d, "j.xml", junit, sizeof(junit));
	o.junit_path = junit;
	o.pcap_path = "/dev/null";	/* not a regular file: left alone */
	assert_int_equal(xc_results_clear(&o, err, sizeof(err)), 0);
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "other.json p-r3.svg p.svg t.csv");
	assert_int_equal(access("/dev/null", F_OK), 0);

	o.json_path = d.path;
	assert_int_equal(xc_results_clear(&o, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, "is a directory"));
	o.json_path = "/nonexistent-xc-dir/r.json";
	assert_int_not_equal(xc_results_clear(&o, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "--json"));
	assert_non_null(strstr(err, "/nonexistent-xc-dir/r.json"));
	dir_remove(&d);
}

/* Repetition 2 of 3 could not run: 1 keeps its result, 2 says why. */
static void test_repeat_stopped(void **state)
{
	json_t *one = json_pack("{s:s, s:i, s:o}", "verdict", "pass",
				"repetition", 1, "spec", json_object());
	json_t *two = json_pack("{s:s, s:s, s:s, s:i, s:o}",
				"verdict", "could_not_run",
				"reason", "rx agent lost", "phase", "run",
				"repetition", 2, "spec", json_object());
	Xceiver__V1__TestSpec *s = spec_new();
	struct xc_repeat rp;
	json_t *j, *reps;

	(void)state;
	assert_int_equal(xc_repeat_init(&rp, 3), 0);
	assert_int_equal(xc_repeat_add(&rp, 1, XC_EXIT_PASS, one), 0);
	assert_int_equal(xc_repeat_stop(&rp, 2, two), 0);
	assert_int_equal(xc_repeat_verdict(&rp), XC_EXIT_RUN);
	j = xc_repeat_json(&rp, s);
	assert_non_null(j);
	assert_string_equal(jstr(j, "verdict"), "could_not_run");
	assert_string_equal(jstr(j, "reason"), "rx agent lost");
	assert_string_equal(jstr(j, "phase"), "run");
	assert_int_equal(jint(j, "could_not_run_repetition"), 2);
	assert_int_equal(jint(j, "repeat"), 3);
	assert_int_equal(json_array_size(json_object_get(j,
				"failed_repetitions")), 0);
	reps = json_object_get(j, "repetitions");
	assert_int_equal(json_array_size(reps), 2);
	assert_string_equal(jstr(json_array_get(reps, 0), "verdict"), "pass");
	assert_string_equal(jstr(json_array_get(reps, 1), "verdict"),
			    "could_not_run");
	assert_null(json_object_get(json_array_get(reps, 1), "spec"));
	json_decref(j);
	xc_repeat_free(&rp);
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

/*
 * --timeline and --plot of a run that could not finish: from the reports
 * when every agent reported, else nothing.
 */
static void test_files_after_reports(void **state)
{
	Xceiver__V1__Report rep = XCEIVER__V1__REPORT__INIT;
	char tl[512], plot[512], list[512], text[256], err[256];
	Xceiver__V1__TestSpec *s = spec_new();
	struct xc_ctl_opts o = { .repeat = 1, .repetition = 1 };
	struct xc_run_result res;
	struct dir d;

	(void)state;
	dir_make(&d);
	dir_file(&d, "t.csv", tl, sizeof(tl));
	dir_file(&d, "p.svg", plot, sizeof(plot));
	o.timeline_path = tl;
	o.plot_path = plot;
	state_fill(&res);	/* the tx agent's report only */
	assert_int_equal(xc_verdict_files(s, &res, &o, err, sizeof(err)), 0);
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "");
	res.rx = (Xceiver__V1__Report *)xc_pb_dup(&rep.base);
	assert_non_null(res.rx);
	assert_int_equal(xc_verdict_files(s, &res, &o, err, sizeof(err)), 0);
	dir_list(&d, list, sizeof(list));
	assert_string_equal(list, "p.svg t.csv");
	file_get(tl, text, sizeof(text));
	assert_non_null(strstr(text, "no timeline"));
	file_get(plot, text, sizeof(text));
	assert_non_null(strstr(text, "<svg"));
	xc_run_result_free(&res);
	protobuf_c_message_free_unpacked(&s->base, NULL);
	dir_remove(&d);
}

/* A run whose agents cannot be reached hands back why and where. */
static void test_run_unreachable(void **state)
{
	struct xc_ctl_opts o = { .repeat = 1, .repetition = 1 };
	Xceiver__V1__TestSpec *s = spec_new();
	struct xc_run_result res;

	(void)state;
	free(s->tx->agent);
	free(s->rx->agent);
	s->tx->agent = strdup("127.0.0.1:1");
	s->rx->agent = strdup("127.0.0.1:1");
	assert_int_equal(xc_run(s, &o, &res), XC_EXIT_RUN);
	assert_non_null(strstr(res.fail.reason, "cannot reach the"));
	assert_non_null(strstr(res.fail.reason, "127.0.0.1:1"));
	assert_string_equal(res.fail.phase, "connect");
	assert_null(res.seen[XC_TX].hello);
	assert_false(res.seen[XC_TX].has_progress);
	xc_run_result_free(&res);
	protobuf_c_message_free_unpacked(&s->base, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cnr_json),
		cmocka_unit_test(test_cnr_mark),
		cmocka_unit_test(test_cnr_report),
		cmocka_unit_test(test_outfile_write),
		cmocka_unit_test(test_outfile_fill_fails),
		cmocka_unit_test(test_outfile_open_commit_discard),
		cmocka_unit_test(test_outfile_no_dir),
		cmocka_unit_test(test_outfile_pcap),
		cmocka_unit_test(test_result_path),
		cmocka_unit_test(test_results_clear),
		cmocka_unit_test(test_repeat_stopped),
		cmocka_unit_test(test_files_after_reports),
		cmocka_unit_test(test_run_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
