/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ktest runner: finds suites in the "ktest_suites" section and prints
 * KTAP version 1 on the console:
 *
 *	KTAP version 1
 *	1..2
 *	    KTAP version 1
 *	    # Subtest: buddy
 *	    1..3
 *	    ok 1 buddy_alloc_free
 *	    # slab_poison: EXPECTATION FAILED at mm/tests/slab_test.c:40
 *	    #     expected ...
 *	    not ok 2 slab_poison
 *	    ok 3 slab_debug # SKIP CONFIG_DEBUG_SLAB is off
 *	ok 1 buddy
 *	# ktest: 12 passed, 1 failed, 1 skipped
 *
 * The host harness (tools/run-tests) counts the case lines.  Cases run one
 * after another on the boot CPU with interrupts on.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/ktest.h>
#include <tessera/printk.h>
#include <tessera/string.h>

extern const struct ktest_suite __start_ktest_suites[];
extern const struct ktest_suite __stop_ktest_suites[];

size_t ktest_first_diff(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return i;
	return n;
}

void ktest_fail(struct ktest *t, const char *file, int line,
		const char *fmt, ...)
{
	char msg[256];
	va_list args;

	va_start(args, fmt);
	vscnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	t->nr_failures++;
	printk("    # %s: EXPECTATION FAILED at %s:%d\n", t->name, file, line);
	printk("    #     %s\n", msg);
}

static bool suite_selected(const char *spec, const struct ktest_suite *s)
{
	return !strcmp(spec, "all") || str_list_has(spec, s->name, ',');
}

/* Every name in @spec must be a suite; report the first one that is not. */
static int spec_check(const char *spec)
{
	char name[64];

	if (!strcmp(spec, "all"))
		return 0;
	while (*spec) {
		const char *end = strchr(spec, ',');
		size_t len = end ? (size_t)(end - spec) : strlen(spec);
		bool found = false;

		if (len == 0 || len >= sizeof(name)) {
			pr_err("ktest: bad suite name in ktest=\n");
			return -EINVAL;
		}
		memcpy(name, spec, len);
		name[len] = '\0';
		for (const struct ktest_suite *s = __start_ktest_suites;
		     s < __stop_ktest_suites; s++)
			if (!strcmp(s->name, name))
				found = true;
		if (!found) {
			pr_err("ktest: no suite named '%s' (ktest=all runs every suite)\n",
			       name);
			return -EINVAL;
		}
		if (!end)
			break;
		spec = end + 1;
	}
	return 0;
}

int ktest_run(const char *spec)
{
	unsigned int nr_suites = 0, suite_no = 0;
	unsigned int passed = 0, failed = 0, skipped = 0;

	if (spec_check(spec))
		return -EINVAL;
	for (const struct ktest_suite *s = __start_ktest_suites;
	     s < __stop_ktest_suites; s++)
		if (suite_selected(spec, s))
			nr_suites++;

	printk("KTAP version 1\n");
	printk("1..%u\n", nr_suites);
	for (const struct ktest_suite *s = __start_ktest_suites;
	     s < __stop_ktest_suites; s++) {
		unsigned int nr_cases = 0, case_no = 0;
		bool suite_failed = false;

		if (!suite_selected(spec, s))
			continue;
		suite_no++;
		for (struct ktest_case *c = s->cases; c->name; c++)
			nr_cases++;
		printk("    KTAP version 1\n");
		printk("    # Subtest: %s\n", s->name);
		printk("    1..%u\n", nr_cases);
		if (s->init) {
			int ret = s->init();

			if (ret) {
				printk("    # %s: suite init failed: %d\n",
				       s->name, ret);
				for (struct ktest_case *c = s->cases; c->name; c++)
					printk("    not ok %u %s\n", ++case_no,
					       c->name);
				failed += nr_cases;
				printk("not ok %u %s\n", suite_no, s->name);
				continue;
			}
		}
		for (struct ktest_case *c = s->cases; c->name; c++) {
			struct ktest t = { .name = c->name };

			c->run(&t);
			case_no++;
			if (t.nr_failures) {
				failed++;
				suite_failed = true;
				printk("    not ok %u %s\n", case_no, c->name);
			} else if (t.skipped) {
				skipped++;
				printk("    ok %u %s # SKIP %s\n", case_no, c->name,
				       t.skip_reason ? t.skip_reason : "");
			} else {
				passed++;
				printk("    ok %u %s\n", case_no, c->name);
			}
		}
		printk("%s %u %s\n", suite_failed ? "not ok" : "ok", suite_no,
		       s->name);
	}
	printk("# ktest: %u passed, %u failed, %u skipped\n", passed, failed,
	       skipped);
	return (int)failed;
}
