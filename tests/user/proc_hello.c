/* SPDX-License-Identifier: GPL-2.0 */
/* The static hello that bench/bench-fork's proc_forkbench execs: one line. */
#include <unistd.h>

int main(void)
{
	return write(1, "hello\n", 6) == 6 ? 0 : 1;
}
