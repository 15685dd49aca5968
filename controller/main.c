// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xceiver: the controller. Reads a spec (file and/or flags), runs it on a
 * Tx agent and an Rx agent, prints the verdict.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xc_ctl.h"
#include "xc_log.h"
#include "xc_spec.h"
#include "xc_util.h"

#define XC_VERSION		"0.1.0"
#define XC_FLAG_COUNT		"1000000"

static void xc_usage(FILE *f)
{
	fprintf(f,
		"usage: xceiver run [SPEC.yaml|SPEC.json] [options]\n"
		"       xceiver check SPEC.yaml   check a spec, print it as JSON\n"
		"\n"
		"Run a send/receive test between a Tx agent and an Rx agent.\n"
		"Flags override the spec file; without a file they describe\n"
		"one stream.\n"
		"\n"
		"  --tx ADDR:PORT[,dev=IF][,queue=N][,mode=M]  Tx agent and its NIC queue\n"
		"  --rx ADDR:PORT[,dev=IF][,queue=N][,mode=M]  Rx agent and its NIC queue\n"
		"  --mode skb|drv|zerocopy|auto   XDP mode of both sides\n"
		"  --count N        frames per stream (flags only: %s)\n"
		"  --size BYTES     frame size with FCS (64 = 60-byte descriptor)\n"
		"  --rate PPS       frames per second per stream (absent: full speed)\n"
		"  --json FILE      write the full report as JSON\n"
		"  -q, --quiet      print the verdict line only\n"
		"  -v, --verbose    more log output\n"
		"\n"
		"exit codes: 0 pass, 1 verdict failed, 2 bad spec or usage,\n"
		"            3 could not run (agent unreachable, interface missing,\n"
		"            timeout)\n", XC_FLAG_COUNT);
}

static int xc_set(Xceiver__V1__TestSpec *s, const char *path,
		  const char *val, const char *flag)
{
	char err[512];

	if (!xc_pb_set_path(&s->base, path, val, err, sizeof(err)))
		return 0;
	fprintf(stderr, "xceiver: %s: %s\n", flag, err);
	return -EINVAL;
}

/* "ADDR:PORT,dev=IF,queue=N,mode=M" onto tx or rx. */
static int xc_set_endpoint(Xceiver__V1__TestSpec *s, const char *side,
			   const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL, path[64], flag[8];
	int err = 0;
	bool first = true;

	if (!copy)
		return -ENOMEM;
	snprintf(flag, sizeof(flag), "--%s", side);
	for (tok = strtok_r(copy, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save), first = false) {
		char *eq = strchr(tok, '=');
		const char *field;

		if (first) {
			snprintf(path, sizeof(path), "%s.agent", side);
			err = xc_set(s, path, tok, flag);
			continue;
		}
		if (!eq) {
			fprintf(stderr, "xceiver: %s: '%s' is not KEY=VALUE\n",
				flag, tok);
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		if (!strcmp(tok, "dev"))
			field = "xsk.ifname";
		else if (!strcmp(tok, "queue") || !strcmp(tok, "queues"))
			field = "xsk.queues";
		else if (!strcmp(tok, "mode"))
			field = "xsk.mode";
		else {
			fprintf(stderr,
				"xceiver: %s: unknown key '%s' (dev, queue, mode)\n",
				flag, tok);
			err = -EINVAL;
			break;
		}
		for (char *c = eq + 1; *c; c++)
			if (*c == ':' || *c == '+')
				*c = ',';
		snprintf(path, sizeof(path), "%s.%s", side, field);
		err = xc_set(s, path, eq + 1, flag);
	}
	free(copy);
	return err;
}

/* A stream flag applies to every stream; with none, stream 1 is made. */
static int xc_set_streams(Xceiver__V1__TestSpec *s, const char *field,
			  const char *val, const char *flag)
{
	char path[64];
	size_t i;

	if (!s->n_streams && (xc_set(s, "streams.0.id", "1", flag) ||
			      xc_set(s, "streams.0.count", XC_FLAG_COUNT, flag)))
		return -EINVAL;
	for (i = 0; i < s->n_streams; i++) {
		snprintf(path, sizeof(path), "streams.%zu.%s", i, field);
		if (xc_set(s, path, val, flag))
			return -EINVAL;
	}
	return 0;
}

static Xceiver__V1__TestSpec *xc_spec_new(void)
{
	Xceiver__V1__TestSpec *s = malloc(sizeof(*s));

	if (s)
		xceiver__v1__test_spec__init(s);
	return s;
}

static void xc_spec_free(Xceiver__V1__TestSpec *s)
{
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);
}

enum {
	XC_OPT_TX = 256, XC_OPT_RX, XC_OPT_MODE, XC_OPT_COUNT, XC_OPT_SIZE,
	XC_OPT_RATE, XC_OPT_JSON, XC_OPT_PROGRESS,
};

static int xc_apply_opt(Xceiver__V1__TestSpec *s, int c, const char *arg,
			struct xc_ctl_opts *o)
{
	switch (c) {
	case XC_OPT_TX:
		return xc_set_endpoint(s, "tx", arg);
	case XC_OPT_RX:
		return xc_set_endpoint(s, "rx", arg);
	case XC_OPT_MODE:
		return xc_set(s, "tx.xsk.mode", arg, "--mode") ?:
		       xc_set(s, "rx.xsk.mode", arg, "--mode");
	case XC_OPT_COUNT:
		return xc_set_streams(s, "count", arg, "--count");
	case XC_OPT_SIZE:
		return xc_set_streams(s, "frame_size", arg, "--size");
	case XC_OPT_RATE:
		return xc_set_streams(s, "rate_pps", arg, "--rate");
	case XC_OPT_JSON:
		o->json_path = arg;
		return 0;
	case XC_OPT_PROGRESS:
		o->progress = true;
		return 0;
	case 'q':
		o->quiet = true;
		o->progress = false;
		return 0;
	case 'v':
		xc_log_set_level(xc_log_get_level() < XC_LOG_DEBUG ?
				 xc_log_get_level() + 1 : XC_LOG_DEBUG);
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct option xc_run_opts[] = {
	{ "tx", required_argument, NULL, XC_OPT_TX },
	{ "rx", required_argument, NULL, XC_OPT_RX },
	{ "mode", required_argument, NULL, XC_OPT_MODE },
	{ "count", required_argument, NULL, XC_OPT_COUNT },
	{ "size", required_argument, NULL, XC_OPT_SIZE },
	{ "rate", required_argument, NULL, XC_OPT_RATE },
	{ "json", required_argument, NULL, XC_OPT_JSON },
	{ "progress", no_argument, NULL, XC_OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

/*
 * Build the spec: the file (the first non-option argument) first, then the
 * flags in order on top of it. Returns an exit code.
 */
static int xc_build_spec(int argc, char **argv, Xceiver__V1__TestSpec **out,
			 struct xc_ctl_opts *o, const char **name)
{
	Xceiver__V1__TestSpec *s = NULL;
	char err[1024];
	int c, i;

	*name = "command line";
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			break;
		if (s) {
			fprintf(stderr, "xceiver: one spec file only ('%s')\n",
				argv[i]);
			goto err_usage;
		}
		if (xc_pb_from_yaml_file(&xceiver__v1__test_spec__descriptor,
					 argv[i], (ProtobufCMessage **)&s, err,
					 sizeof(err))) {
			fprintf(stderr, "xceiver: %s\n", err);
			return XC_EXIT_USAGE;
		}
		*name = argv[i];
	}
	if (!s)
		s = xc_spec_new();
	if (!s)
		return XC_EXIT_RUN;
	optind = i;
	while ((c = getopt_long(argc, argv, "qvh", xc_run_opts, NULL)) != -1) {
		if (c == 'h') {
			xc_usage(stdout);
			xc_spec_free(s);
			exit(0);
		}
		if (xc_apply_opt(s, c, optarg, o))
			goto err_usage;
	}
	if (optind != argc) {
		fprintf(stderr, "xceiver: unexpected argument '%s'\n",
			argv[optind]);
		goto err_usage;
	}
	if (xc_spec_defaults(s) ||
	    xc_spec_check(s, *name, err, sizeof(err))) {
		fprintf(stderr, "xceiver: %s\n", err);
		xc_spec_free(s);
		return XC_EXIT_USAGE;
	}
	*out = s;
	return 0;
err_usage:
	xc_spec_free(s);
	fprintf(stderr, "(xceiver run --help for usage)\n");
	return XC_EXIT_USAGE;
}

static int xc_cmd_run(int argc, char **argv)
{
	struct xc_ctl_opts o = { .progress = isatty(STDERR_FILENO) };
	struct xc_run_result res;
	Xceiver__V1__TestSpec *s = NULL;
	const char *name;
	int ret;

	ret = xc_build_spec(argc, argv, &s, &o, &name);
	if (ret)
		return ret;
	ret = xc_run(s, &o, &res);
	if (ret == XC_EXIT_PASS)
		ret = xc_verdict(s, &res, &o);
	xc_run_result_free(&res);
	xc_spec_free(s);
	return ret;
}

static int xc_cmd_check(int argc, char **argv)
{
	struct xc_ctl_opts o = { 0 };
	Xceiver__V1__TestSpec *s = NULL;
	const char *name;
	json_t *j;
	int ret;

	ret = xc_build_spec(argc, argv, &s, &o, &name);
	if (ret)
		return ret;
	j = xc_pb_to_json(&s->base);
	ret = j ? 0 : XC_EXIT_RUN;
	if (j)
		json_dumpf(j, stdout, JSON_INDENT(2));
	printf("\n%s: ok\n", name);
	json_decref(j);
	xc_spec_free(s);
	return ret;
}

int main(int argc, char **argv)
{
	xc_log_set_prefix("xceiver");
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		xc_usage(stderr);
		return XC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return xc_cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return xc_cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("xceiver %s\n", XC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		xc_usage(stdout);
		return 0;
	}
	fprintf(stderr, "xceiver: unknown command '%s' (run, check)\n",
		argv[1]);
	return XC_EXIT_USAGE;
}
