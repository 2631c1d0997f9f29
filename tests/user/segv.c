// SPDX-License-Identifier: GPL-2.0
/*
 * A program that dies of SIGSEGV: writes to an unmapped address after
 * printing one line.  The shell-style exit status is 139 (128 + 11).
 */
#include <stdio.h>

int main(void)
{
	volatile int *p = (volatile int *)0x1000;

	printf("about to fault\n");
	fflush(stdout);
	*p = 42;
	printf("still alive?\n");
	return 0;
}
