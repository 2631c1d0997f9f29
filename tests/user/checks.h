/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The line formats of the test programs that print one result per line
 * (sysmisc.c, fdflags.c): show() prints a return value or strerror(errno),
 * check() "yes" or "NO" and counts the NOs in nr_failed.  Header-only:
 * each program includes it once.
 */
#ifndef TESTS_USER_CHECKS_H
#define TESTS_USER_CHECKS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int nr_failed;

static void show(const char *what, long ret)
{
	if (ret >= 0)
		printf("%-44s %ld\n", what, ret);
	else
		printf("%-44s %s\n", what, strerror(errno));
	fflush(stdout);
}

static void check(const char *what, int ok)
{
	printf("%-44s %s\n", what, ok ? "yes" : "NO");
	fflush(stdout);
	if (!ok)
		nr_failed++;
}

#endif
