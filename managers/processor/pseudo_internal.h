/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the two halves of the pseudo files: pseudofs.c (the tree,
 * lookup, open files) and pseudo_proc.c (the text generators and what a
 * process's start leaves for /proc/<pid>).
 */
#ifndef _MANAGERS_PROCESSOR_PSEUDO_INTERNAL_H
#define _MANAGERS_PROCESSOR_PSEUDO_INTERNAL_H

#include <tessera/compiler.h>
#include <tessera/types.h>

#include "pseudo_fmt.h"

struct process;

/* The entries of the tree (pseudofs.c's table), by index. */
enum {
	E_DEV, E_PROC, E_SYS,
	E_NULL, E_ZERO, E_FULL, E_RANDOM, E_URANDOM, E_TTY,
	E_STDIN, E_STDOUT, E_STDERR,
	E_SELF, E_CPUINFO, E_MEMINFO, E_STAT, E_UPTIME, E_LOADAVG,
	E_PSYS, E_PSYS_KERNEL, E_OSTYPE, E_OSRELEASE, E_VERSION,
	E_HOSTNAME, E_PID_MAX, E_THREADS_MAX, E_PSYS_VM, E_OVERCOMMIT,
	E_PID,
	E_PID_EXE, E_PID_CMDLINE, E_PID_STATUS, E_PID_STAT, E_PID_AUXV,
	E_PID_MAPS, E_PID_FD, E_FD_N,
	E_SYS_DEVICES, E_SYS_SYSTEM, E_SYS_CPU, E_CPU_ONLINE,
	E_CPU_POSSIBLE, E_CPU_PRESENT, E_CPU_N,
	E_SHM,			/* listed in /dev; tmpfs.c serves it */
	NR_PSEUDO_ENTS
};

/* A growing text buffer for the generators. */
struct pseudo_buf {
	char *data;
	size_t len, cap;
	int err;		/* -ENOMEM once an append failed */
};

/*
 * Make room for @more bytes (and a NUL); false, with b->err set, when
 * out of memory.  Appends after a failure do nothing.
 */
bool pbuf_reserve(struct pseudo_buf *b, size_t more);
void pbuf_put(struct pseudo_buf *b, const void *data, size_t len);
__printf(2, 3) void pbuf_printf(struct pseudo_buf *b, const char *fmt, ...);

/*
 * The generators: the text of a file or the target of a symlink for
 * process @p (the caller), appended to @b.  @arg is the entry's index,
 * or the descriptor (fd/N) or CPU (cpuN) of a dynamic entry.  0 or
 * -errno; may sleep (maps and VmSize ask the memory node).
 */
int pseudo_show_cpuinfo(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_meminfo(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_stat(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_uptime(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_loadavg(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_sysctl(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_self(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_std(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_exe(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_cmdline(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_status(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_pid_stat(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_auxv(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_maps(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_fd(struct pseudo_buf *b, struct process *p, int arg);
int pseudo_show_cpumask(struct pseudo_buf *b, struct process *p, int arg);

/* The boot time in seconds of CLOCK_REALTIME (btime, file times). */
u64 pseudo_boot_time(void);

#endif /* _MANAGERS_PROCESSOR_PSEUDO_INTERNAL_H */
