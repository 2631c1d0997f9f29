/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runner for in-kernel micro-benchmarks (see <tessera/kbench.h>).
 */
#include <tessera/errno.h>
#include <tessera/kbench.h>
#include <tessera/printk.h>
#include <tessera/string.h>

extern const struct kbench __start_kbench_list[];
extern const struct kbench __stop_kbench_list[];

static void sort_u64(u64 *v, unsigned int n)
{
	/* Insertion sort: sample counts are small (<= a few thousand). */
	for (unsigned int i = 1; i < n; i++) {
		u64 x = v[i];
		unsigned int j = i;

		while (j && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

void kbench_report(const char *bench, const char *metric, u64 *samples,
		   unsigned int n, const char *unit)
{
	if (!n) {
		pr_info("bench: %s %s n=0 unit=%s\n", bench, metric, unit);
		return;
	}
	sort_u64(samples, n);
	pr_info("bench: %s %s median=%llu min=%llu p99=%llu n=%u unit=%s\n",
		bench, metric, (unsigned long long)samples[n / 2],
		(unsigned long long)samples[0],
		(unsigned long long)samples[(u64)n * 99 / 100], n, unit);
}

int kbench_run(const char *spec)
{
	unsigned int ran = 0;

	for (const struct kbench *b = __start_kbench_list;
	     b < __stop_kbench_list; b++) {
		if (strcmp(spec, "all") && !str_list_has(spec, b->name, ','))
			continue;
		pr_info("bench: begin %s\n", b->name);
		b->run();
		pr_info("bench: end %s\n", b->name);
		ran++;
	}
	if (!ran) {
		pr_err("bench: nothing matches bench=%s\n", spec);
		return -EINVAL;
	}
	return 0;
}
