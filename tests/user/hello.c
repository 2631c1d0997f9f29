// SPDX-License-Identifier: GPL-2.0
/*
 * Rung a: a static C hello that also checks what the kernel handed the
 * program at start: argv, envp and the auxiliary vector.  Output is
 * deterministic and must match a native run with the same argv/envp.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	struct utsname u;
	const unsigned char *rnd;
	const Elf64_Phdr *phdr;
	unsigned long phnum, i;
	int nonzero = 0, have_load = 0;

	printf("hello from a static binary\n");
	printf("argc=%d\n", argc);
	for (i = 1; i < (unsigned long)argc; i++)
		printf("argv[%lu]=%s\n", i, argv[i]);
	for (i = 0; environ[i]; i++)
		printf("env[%lu]=%s\n", i, environ[i]);
	printf("HOME=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");

	printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
	rnd = (const unsigned char *)getauxval(AT_RANDOM);
	for (i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	printf("AT_RANDOM %s\n", rnd && nonzero ? "ok" : "missing");
	phdr = (const Elf64_Phdr *)getauxval(AT_PHDR);
	phnum = getauxval(AT_PHNUM);
	for (i = 0; phdr && i < phnum; i++)
		have_load |= phdr[i].p_type == PT_LOAD;
	printf("AT_PHDR %s, AT_PHENT=%lu\n", have_load ? "ok" : "bad",
	       getauxval(AT_PHENT));
	printf("AT_ENTRY %s\n", getauxval(AT_ENTRY) ? "ok" : "missing");
	printf("AT_EXECFN %s\n", getauxval(AT_EXECFN) ? "ok" : "missing");
	if (uname(&u) == 0)
		printf("uname sysname=%s machine=%s\n", u.sysname, u.machine);
	fprintf(stderr, "this line goes to stderr\n");
	printf("bye\n");
	return 3;
}
