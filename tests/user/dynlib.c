// SPDX-License-Identifier: GPL-2.0
/*
 * The shared library tests/user/dyn.c opens with dlopen(): a constructor
 * that prints a line (it runs inside dlopen, with the relocations of the
 * library done) and one function dyn.c looks up with dlsym().
 */
#include <stdio.h>

static int dynlib_ready;

__attribute__((constructor)) static void dynlib_init(void)
{
	dynlib_ready = 7;
	printf("dynlib: constructor ran\n");
}

long dynlib_mix(long a, long b)
{
	return a * 1000003 + b * dynlib_ready;
}
