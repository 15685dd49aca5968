// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A main() for a fuzz target without libFuzzer: runs the target once over
 * each file given, or each file in each directory given (sorted). The
 * regression run (make unit) builds every target with it, with the
 * project's compiler and flags (ASan and UBSan with SANITIZE=1).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int xc_run_file(const char *path)
{
	uint8_t *buf;
	FILE *f;
	long len;

	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	/* its own allocation of the exact size, so ASan sees overruns */
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

static int xc_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int xc_run_dir(const char *dir, unsigned int *n)
{
	char **names = NULL, path[4096];
	struct dirent *e;
	struct stat st;
	size_t cnt = 0, i;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		names = realloc(names, (cnt + 1) * sizeof(*names));
		if (!names || !(names[cnt] = strdup(path)))
			abort();
		cnt++;
	}
	closedir(d);
	qsort(names, cnt, sizeof(*names), xc_cmp);
	for (i = 0; i < cnt; i++) {
		if (xc_run_file(names[i]))
			ret = -1;
		else
			(*n)++;
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int n = 0;
	struct stat st;
	int i, ret = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode)) {
			if (xc_run_dir(argv[i], &n))
				ret = 1;
		} else if (xc_run_file(argv[i])) {
			ret = 1;
		} else {
			n++;
		}
	}
	fprintf(stderr, "%s: %u inputs, no crash\n", argv[0], n);
	return ret;
}
