/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel micro-benchmarks, run by bench=NAME[,NAME...] or bench=all on
 * the command line (kernel/kbench.c).  A benchmark reports results with
 * kbench_report(), one line each, in a fixed format that host scripts
 * under bench/ parse:
 *
 *	bench: <bench> <metric> median=<v> min=<v> p99=<v> n=<samples> unit=<u>
 *
 * Benchmarks measure; they never pass or fail.  Use the helpers here for
 * the statistics so every benchmark reports the same way.
 */
#ifndef _TESSERA_KBENCH_H
#define _TESSERA_KBENCH_H

#include <tessera/compiler.h>

struct kbench {
	const char *name;
	void (*run)(void);
};

#define KBENCH(bench_name, fn)						\
	static const struct kbench __kbench_##bench_name		\
	__used __section("kbench_list") __aligned(8) = {		\
		.name = #bench_name,					\
		.run = fn,						\
	}

/*
 * Sort @samples (n values) and print the report line for @metric.
 * @samples is modified.
 */
void kbench_report(const char *bench, const char *metric, u64 *samples,
		   unsigned int n, const char *unit);

/* Run the benchmarks named by @spec; -EINVAL for an unknown name. */
int kbench_run(const char *spec);

#endif /* _TESSERA_KBENCH_H */
