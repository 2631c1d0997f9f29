// SPDX-License-Identifier: GPL-2.0
/*
 * main() of the seed generators: `fuzz-seed/fuzz_NAME DIR` writes the
 * harness's seeds into DIR (seed-NAME per fuzz_seeds() emit) and runs
 * each through LLVMFuzzerTestOneInput() once, so a seed that crashes the
 * harness is caught when the corpus is made.  `fuzz-seed/fuzz_NAME
 * --run FILE...` only runs the given inputs (a crash reproducer without
 * libFuzzer, under the host tests' ASan/UBSan).  Built without
 * tests/host/host_config.h: it uses the C library, not our lib.
 */
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "fuzz.h"

static const char *seed_dir;
static int nr_seeds;

static void emit(const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", seed_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "seedgen: cannot write %s\n", path);
		exit(1);
	}
	LLVMFuzzerTestOneInput(buf, len);
	nr_seeds++;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "seedgen: cannot read %s\n", path);
		return 1;
	}
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "seedgen: cannot read %s\n", path);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	printf("ran %s (%ld bytes)\n", path, n);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc >= 2 && !strcmp(argv[1], "--run")) {
		for (int i = 2; i < argc; i++)
			bad |= run_file(argv[i]);
		return bad;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR | --run FILE...\n", argv[0]);
		return 2;
	}
	seed_dir = argv[1];
	fuzz_seeds(emit);
	printf("%d seeds in %s\n", nr_seeds, seed_dir);
	return nr_seeds ? 0 : 1;
}
