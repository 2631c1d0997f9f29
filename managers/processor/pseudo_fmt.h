/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure formatters of the pseudo files (pseudo_fmt.c): the text layouts
 * Linux uses for /proc and /sys, which glibc, CPython and OpenBLAS
 * parse.  No kernel services, so tests/host/test_pseudo.c links them as
 * they are.  Each writes at most @size bytes with a NUL and returns the
 * length it would have written (snprintf's convention); pseudofs.c
 * gathers the values.
 */
#ifndef _MANAGERS_PROCESSOR_PSEUDO_FMT_H
#define _MANAGERS_PROCESSOR_PSEUDO_FMT_H

#include <tessera/types.h>

/* "0-3,5" for bits 0,1,2,3,5 of @mask (no newline); "" when empty. */
int pseudo_fmt_cpulist(u64 mask, char *buf, size_t size);

/* /proc/stat's ten columns of a "cpu" line, in USER_HZ ticks. */
#define PSEUDO_STAT_COLS	10

/*
 * One /proc/stat cpu line: "cpu " then the columns for @cpu < 0 (the
 * total), "cpuN" then the columns otherwise; each column " %llu".
 */
int pseudo_fmt_stat_cpu(int cpu, const u64 ticks[PSEUDO_STAT_COLS],
			char *buf, size_t size);

/* A /proc/meminfo line: "Name:" padded to 16 columns, %8llu, " kB". */
int pseudo_fmt_meminfo(const char *name, u64 kb, char *buf, size_t size);

/* A /proc/<pid>/status memory line: "Name:\t%8llu kB". */
int pseudo_fmt_status_kb(const char *name, u64 kb, char *buf, size_t size);

/* The values of /proc/<pid>/stat, field by field (proc(5) numbering). */
struct pseudo_pid_stat {
	int pid;			/* 1 */
	const char *comm;		/* 2, without the parentheses */
	char state;			/* 3 */
	int ppid, pgrp, session;	/* 4, 5, 6 */
	int num_threads;		/* 20 */
	u64 starttime;			/* 22, USER_HZ ticks after boot */
	u64 vsize;			/* 23, bytes */
	u64 rss;			/* 24, pages */
	u64 startstack;			/* 28 */
	u64 start_brk;			/* 47 */
	u64 arg_start, arg_end;		/* 48, 49 */
	u64 env_start, env_end;		/* 50, 51 */
};

/* Number of fields of /proc/<pid>/stat (Linux 3.5 and later). */
#define PSEUDO_PID_STAT_FIELDS	52

/*
 * The /proc/<pid>/stat line (with its newline): the 52 fields in order,
 * the ones without a value here 0, except priority 20, rsslim
 * RLIM_INFINITY and exit_signal SIGCHLD as Linux shows for a plain
 * process.
 */
int pseudo_fmt_pid_stat(const struct pseudo_pid_stat *s, char *buf,
			size_t size);

/*
 * The CPUID words the cpuinfo "flags" line is made of, in Linux's
 * order: 1:EDX, 0x80000001:EDX, 1:ECX, 0x80000001:ECX, 7.0:EBX,
 * 0xd.1:EAX, 7.0:ECX, 7.0:EDX.
 */
enum pseudo_cpuid_word {
	PSEUDO_CPUID_1_EDX,
	PSEUDO_CPUID_81_EDX,
	PSEUDO_CPUID_1_ECX,
	PSEUDO_CPUID_81_ECX,
	PSEUDO_CPUID_7_EBX,
	PSEUDO_CPUID_D1_EAX,
	PSEUDO_CPUID_7_ECX,
	PSEUDO_CPUID_7_EDX,
	PSEUDO_CPUID_WORDS,
};

/*
 * The flag names of the bits set in @words, separated by single
 * spaces, with Linux's names (bits Linux does not name are left out).
 */
int pseudo_fmt_cpu_flags(const u32 words[PSEUDO_CPUID_WORDS], char *buf,
			 size_t size);

#endif /* _MANAGERS_PROCESSOR_PSEUDO_FMT_H */
