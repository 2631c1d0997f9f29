/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deliberate crashes (crash=MODE on the command line), to test the oops
 * path end to end: each mode faults in its own way and the host tests
 * check the report.  start_kernel() calls crash_test_run() after the
 * ready marker.  Built only with CONFIG_CRASH_TEST (kernel/Kconfig.debug);
 * the Makefile compiles every file, so the option gates the whole body.
 *
 * Every crashing function is noinline and reached through crash_test_run
 * and another noinline function, so that the call trace has at least two
 * symbolised frames above the faulting one.
 */
#include <tessera/bug.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/string.h>


#define pr_fmt_ct(fmt)	"crash_test: " fmt

/* Launders pointers and values so the compiler cannot see the crash. */
static void *volatile crash_null;
static volatile int crash_zero;
static volatile int crash_sink;

static __noinline void crash_nullptr(void)
{
	int *p = crash_null;

	*p = 0x1234;
}

static __noinline void crash_gpf(void)
{
	volatile unsigned long *p = (unsigned long *)0xdead000000000000UL;

	*p = 1;
}

static __noinline void crash_divzero(void)
{
	volatile int dividend = 42;

	crash_sink = dividend / crash_zero;
}

static __noinline int crash_recurse(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = (char)depth;
	if (crash_zero)		/* never: hides the unbounded recursion */
		return 0;
	/* Using the result after the call defeats tail-call optimisation. */
	return crash_recurse(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
}

static __noinline void crash_stackoverflow(void)
{
	if (!current || !current->stack_guarded) {
		pr_err(pr_fmt_ct("stack has no guard page; not overflowing it\n"));
		return;
	}
	pr_info(pr_fmt_ct("recursing on a %lu-byte stack\n"),
		current->stack_top - current->stack_base);
	crash_recurse(0);
	barrier();	/* no tail call: keep this frame in the trace */
}

static __noinline void crash_bug(void)
{
	BUG();
}

static __noinline void crash_wrprotect(void)
{
	volatile u8 *code = (volatile u8 *)(unsigned long)crash_wrprotect;

	*code = 0xc3;	/* ret */
}

static __noinline void crash_warn(void)
{
	WARN_ON(crash_zero == 0);
}

static __noinline void crash_nested(void)
{
	WRITE_ONCE(crash_test_fault_in_oops, true);
	crash_nullptr();
	barrier();
}

struct crash_mode {
	const char *name;
	void (*fn)(void);
};

static const struct crash_mode crash_modes[] = {
	{ "nullptr", crash_nullptr },
	{ "gpf", crash_gpf },
	{ "divzero", crash_divzero },
	{ "stackoverflow", crash_stackoverflow },
	{ "bug", crash_bug },
	{ "wrprotect", crash_wrprotect },
	{ "warn", crash_warn },
	{ "nested", crash_nested },
};

static __noinline void crash_test_dispatch(const struct crash_mode *mode)
{
	pr_info(pr_fmt_ct("crashing on purpose: %s\n"), mode->name);
	mode->fn();
	barrier();
}

/*
 * Run crash mode @mode.  Only "warn" (and "stackoverflow" on a stack
 * without a guard page) returns; an unknown mode lists the valid ones.
 */
__noinline void crash_test_run(const char *mode)
{
	char list[128];
	size_t i, len = 0;

	for (i = 0; i < ARRAY_SIZE(crash_modes); i++) {
		if (!strcmp(mode, crash_modes[i].name)) {
			crash_test_dispatch(&crash_modes[i]);
			if (!strcmp(mode, "warn"))
				pr_info(pr_fmt_ct("survived WARN\n"));
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(crash_modes); i++) {
		if (len + strlen(crash_modes[i].name) + 2 > sizeof(list))
			break;
		if (len)
			list[len++] = ' ';
		strscpy(list + len, crash_modes[i].name, sizeof(list) - len);
		len += strlen(crash_modes[i].name);
	}
	list[len] = '\0';
	pr_err(pr_fmt_ct("unknown mode \"%s\"; accepted: %s\n"), mode, list);
}

