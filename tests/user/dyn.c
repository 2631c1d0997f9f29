// SPDX-License-Identifier: GPL-2.0
/*
 * Rung d: a dynamically linked program (PIE, PT_INTERP = ld.so) using
 * libc, libm, pthreads and dlopen()/dlsym() of dynlib.so, whose
 * constructor prints a line.  Run natively in a chroot of a root made of
 * the host's own libraries and on Tessera with the same root; output and
 * status must be the same (tests/cluster/test_dynamic.py).
 *
 * It also writes a file in /tmp with stdio and reads it back (a tmpfs
 * on Tessera, the root's /tmp natively).
 *
 * usage: dyn LIBRARY	(the absolute path of dynlib.so in the root)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#define NR_THREADS	4

/* volatile: the calls must reach libm, not be folded at compile time. */
static volatile double inputs[] = { 2.0, 0.5, 10.0, -3.25 };

struct work {
	int id;
	unsigned long sum;
};

static void *worker(void *arg)
{
	struct work *w = arg;

	for (unsigned long i = 0; i < 100000; i++)
		w->sum += (i * (unsigned long)(w->id + 1)) % 977;
	return NULL;
}

static int find_ldso(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *name = strrchr(info->dlpi_name, '/');

	(void)size;
	if (name && !strcmp(name, "/ld-linux-x86-64.so.2")) {
		*(unsigned long *)data = info->dlpi_addr;
		return 1;
	}
	return 0;
}

/*
 * What the kernel put in the auxiliary vector must agree with what the
 * dynamic linker knows: AT_BASE is where ld.so was loaded, AT_ENTRY is
 * this program's _start.
 */
static int check_auxv(void)
{
	unsigned long base = getauxval(AT_BASE), entry = getauxval(AT_ENTRY);
	unsigned long ldso = 0;
	extern char _start[];
	int bad = 0;

	dl_iterate_phdr(find_ldso, &ldso);
	if (!ldso || base != ldso) {
		printf("AT_BASE %#lx but ld.so at %#lx\n", base, ldso);
		bad++;
	}
	if (entry != (unsigned long)_start) {
		printf("AT_ENTRY %#lx but _start at %p\n", entry, (void *)_start);
		bad++;
	}
	printf("auxv: AT_BASE is ld.so's base, AT_ENTRY is _start: %s\n",
	       bad ? "no" : "yes");
	return bad;
}

/* stdio into a /tmp file and back: the bytes and the size must agree. */
static int check_tmp_file(void)
{
	const char *path = "/tmp/dyn-scratch.txt";
	char line[64], want[64];
	int failures = 0, n = 0;
	long size;
	FILE *f;

	f = fopen(path, "w");
	if (!f) {
		printf("tmp: fopen for writing: %m\n");
		return 1;
	}
	for (int i = 0; i < 500; i++)
		fprintf(f, "line %d %.6f\n", i, sqrt((double)i));
	if (fclose(f)) {
		printf("tmp: fclose: %m\n");
		return 1;
	}
	f = fopen(path, "r");
	if (!f) {
		printf("tmp: fopen for reading: %m\n");
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		snprintf(want, sizeof(want), "line %d %.6f\n", n,
			 sqrt((double)n));
		failures += strcmp(line, want) != 0;
		n++;
	}
	size = ftell(f);
	fclose(f);
	failures += n != 500;
	printf("tmp: %d lines read back, %ld bytes, %s\n", n, size,
	       failures ? "MISMATCH" : "every line as written");
	if (unlink(path)) {
		printf("tmp: unlink: %m\n");
		failures++;
	}
	return failures;
}

int main(int argc, char **argv)
{
	struct work w[NR_THREADS];
	pthread_t t[NR_THREADS];
	long (*mix)(long, long);
	int failures = 0;
	void *lib;

	printf("dyn: hello from a dynamic program\n");
	for (unsigned int i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		double x = inputs[i];

		printf("x=%.17g sqrt=%.17g sin=%.17g exp=%.17g cbrt=%.17g\n",
		       x, sqrt(fabs(x)), sin(x), exp(x), cbrt(x));
	}
	printf("pow=%.17g atan2=%.17g log=%.17g\n", pow(inputs[0], inputs[3]),
	       atan2(inputs[1], inputs[3]), log(inputs[2]));

	for (int i = 0; i < NR_THREADS; i++) {
		w[i].id = i;
		w[i].sum = 0;
		if (pthread_create(&t[i], NULL, worker, &w[i])) {
			printf("pthread_create %d failed\n", i);
			return 1;
		}
	}
	for (int i = 0; i < NR_THREADS; i++) {
		pthread_join(t[i], NULL);
		printf("thread %d sum %lu\n", i, w[i].sum);
	}

	failures += check_auxv();
	failures += check_tmp_file();

	if (argc < 2) {
		fprintf(stderr, "usage: dyn LIBRARY\n");
		return 2;
	}
	lib = dlopen(argv[1], RTLD_NOW);
	if (!lib) {
		printf("dlopen failed: %s\n", dlerror());
		return 1;
	}
	mix = (long (*)(long, long))dlsym(lib, "dynlib_mix");
	if (!mix) {
		printf("dlsym failed: %s\n", dlerror());
		return 1;
	}
	printf("dynlib_mix(12, 34) = %ld\n", mix(12, 34));
	printf("missing symbol: %s\n",
	       dlsym(lib, "no_such_symbol") ? "found?" : "not found");
	dlclose(lib);
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
