/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printk() for host unit tests: each message goes to stdout prefixed with
 * "# " (a TAP comment, so it never reads as a verdict), with the KERN_*
 * level prefix removed.  Messages at KERN_ERR or more urgent are counted
 * in host_printk_nr_errors so a test can check that a refusal was logged.
 * Formatting is the C library's.  List it in HTEST-SOURCES to use it.
 */
#include <stdarg.h>
#include <stdio.h>

#include <tessera/printk.h>

unsigned long host_printk_nr_errors;

int vprintk(const char *fmt, va_list args)
{
	int level = LOGLEVEL_DEFAULT, n;

	if (fmt[0] == KERN_SOH[0] && fmt[1]) {
		if (fmt[1] >= '0' && fmt[1] <= '7')
			level = fmt[1] - '0';
		fmt += 2;
	}
	if (level <= 3)
		host_printk_nr_errors++;
	n = printf("# ");
	n += vprintf(fmt, args);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vprintk(fmt, args);
	va_end(args);
	return n;
}
