/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Auxiliary vector entry types (the AT_* keys of the (type, value) pairs
 * after envp on a new process's stack), Linux x86-64 values.  The memory
 * node's stack builder (managers/memory/stack.c) writes them; a C runtime
 * reads them with getauxval().
 */
#ifndef _UAPI_AUXVEC_H
#define _UAPI_AUXVEC_H

#define AT_NULL		0	/* end of the vector */
#define AT_IGNORE	1
#define AT_EXECFD	2
#define AT_PHDR		3	/* program headers of the program */
#define AT_PHENT	4	/* size of one program header */
#define AT_PHNUM	5	/* number of program headers */
#define AT_PAGESZ	6
#define AT_BASE		7	/* interpreter load address (0: none) */
#define AT_FLAGS	8
#define AT_ENTRY	9	/* program entry point */
#define AT_NOTELF	10
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15	/* string: "x86_64" */
#define AT_HWCAP	16	/* CPUID(1).EDX */
#define AT_CLKTCK	17	/* times() frequency */
#define AT_SECURE	23
#define AT_BASE_PLATFORM 24
#define AT_RANDOM	25	/* address of 16 random bytes */
#define AT_HWCAP2	26
#define AT_EXECFN	31	/* string: the path given to execve */
#define AT_SYSINFO_EHDR	33	/* vDSO (not provided by Tessera) */
#define AT_MINSIGSTKSZ	51	/* minimal signal stack size */

#endif /* _UAPI_AUXVEC_H */
