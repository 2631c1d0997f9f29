/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text of the pseudo files (see pseudofs.c for the tree and the
 * calls): each generator appends one file's content, or one symlink's
 * target, for the calling process to a struct pseudo_buf; the layouts
 * themselves are pseudo_fmt.c's.  Also what /proc/<pid> keeps of a
 * process's start (pseudofs_process_start()).  Values the processor
 * does not have are left out or 0, never made up (Documentation/
 * files.md lists which).
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/auxvec.h>
#include <asm/processor.h>

#include "internal.h"
#include "cred.h"
#include "fs.h"
#include "pseudo_internal.h"
#include "pseudofs.h"

#define USER_HZ			100	/* /proc's clock ticks */
#define PSEUDO_ARGS_MAX		(2u << 20)	/* cmdline bytes */
#define PSEUDO_ARGS_KEEP	4096	/* of another process's */
#define PSEUDO_LINE		256
#define PSEUDO_PID_MAX		32768	/* Linux's default */
#define PSEUDO_SIGQ_MAX		0	/* no signal queue */

/* ------------------------------------------------------------ buffers */

bool pbuf_reserve(struct pseudo_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 512;
	char *bigger;

	if (b->err)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	while (cap < b->len + more + 1)
		cap *= 2;
	bigger = krealloc(b->data, cap, GFP_KERNEL);
	if (!bigger) {
		b->err = -ENOMEM;
		return false;
	}
	b->data = bigger;
	b->cap = cap;
	return true;
}

void pbuf_put(struct pseudo_buf *b, const void *data, size_t len)
{
	if (!pbuf_reserve(b, len))
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void pbuf_printf(struct pseudo_buf *b, const char *fmt, ...)
{
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (len < 0 || !pbuf_reserve(b, len))
		return;
	va_start(args, fmt);
	vsnprintf(b->data + b->len, len + 1, fmt, args);
	va_end(args);
	b->len += len;
}

/* ------------------------------------------------------------ generators */

/* The /proc/<pid> directory name of @p. */
int pseudo_show_self(struct pseudo_buf *b, struct process *p, int arg)
{
	pbuf_printf(b, "/proc/%d", p->pid);
	return 0;
}

int pseudo_show_std(struct pseudo_buf *b, struct process *p, int arg)
{
	pbuf_printf(b, "/proc/self/fd/%d", arg - E_STDIN);
	return 0;
}

int pseudo_show_exe(struct pseudo_buf *b, struct process *p, int arg)
{
	pbuf_printf(b, "%s", p->exe);
	return 0;
}

/* The target of fd/@arg: a path, or the name of a file without one. */
int pseudo_show_fd(struct pseudo_buf *b, struct process *p, int fd)
{
	struct ufile *f = process_fd_get(p, fd);

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->path) {
		pbuf_printf(b, "%s", f->path);
	} else {
		char name[64];

		if (f->ops->dname)
			f->ops->dname(f, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "anon_inode:[%s]",
				 f->ops->name);
		pbuf_printf(b, "%s", name);
	}
	ufile_put(f);
	return 0;
}

int pseudo_show_sysctl(struct pseudo_buf *b, struct process *p, int ent)
{
	switch (ent) {
	case E_OSTYPE:
		pbuf_printf(b, "Linux\n");
		break;
	case E_OSRELEASE:
		pbuf_printf(b, "%s\n", UTS_RELEASE);
		break;
	case E_VERSION:
		pbuf_printf(b, "%s\n", UTS_VERSION);
		break;
	case E_HOSTNAME:
		pbuf_printf(b, "%s\n", UTS_NODENAME);
		break;
	case E_PID_MAX:
		pbuf_printf(b, "%d\n", PSEUDO_PID_MAX);
		break;
	case E_THREADS_MAX:
		pbuf_printf(b, "%u\n", uthread_limit());
		break;
	case E_OVERCOMMIT:
		/* Heuristic overcommit: reservations cost nothing. */
		pbuf_printf(b, "0\n");
		break;
	}
	return 0;
}

int pseudo_show_cpumask(struct pseudo_buf *b, struct process *p, int ent)
{
	char list[PSEUDO_LINE];

	/* No hotplug: every CPU that came up is possible and present. */
	pseudo_fmt_cpulist(READ_ONCE(cpu_online_mask), list, sizeof(list));
	pbuf_printf(b, "%s\n", list);
	return 0;
}

static void cpuid_string(unsigned int leaf, char *out)
{
	unsigned int r[4];

	cpuid(leaf, &r[0], &r[1], &r[2], &r[3]);
	memcpy(out, r, 16);
}

int pseudo_show_cpuinfo(struct pseudo_buf *b, struct process *p, int arg)
{
	unsigned int a, bx, c, d, max, ext_max, family, model, clflush;
	u32 words[PSEUDO_CPUID_WORDS] = { 0 };
	unsigned int nr = num_online_cpus(), cpu;
	char vendor[13], brand[49], *name = brand;
	char *flags;
	int len;

	cpuid(0, &max, &bx, &c, &d);
	memcpy(vendor, &bx, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	cpuid(0x80000000, &ext_max, &bx, &c, &d);
	strscpy(brand, "unknown", sizeof(brand));
	if (ext_max >= 0x80000004) {
		cpuid_string(0x80000002, brand);
		cpuid_string(0x80000003, brand + 16);
		cpuid_string(0x80000004, brand + 32);
		brand[48] = '\0';
		while (*name == ' ')
			name++;
	}
	cpuid(1, &a, &bx, &words[PSEUDO_CPUID_1_ECX],
	      &words[PSEUDO_CPUID_1_EDX]);
	family = (a >> 8) & 0xf;
	model = (a >> 4) & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family >= 6)
		model += ((a >> 16) & 0xf) << 4;
	clflush = ((bx >> 8) & 0xff) * 8;
	if (ext_max >= 0x80000001)
		cpuid(0x80000001, &c, &d, &words[PSEUDO_CPUID_81_ECX],
		      &words[PSEUDO_CPUID_81_EDX]);
	if (max >= 7)
		cpuid_count(7, 0, &c, &words[PSEUDO_CPUID_7_EBX],
			    &words[PSEUDO_CPUID_7_ECX],
			    &words[PSEUDO_CPUID_7_EDX]);
	if (max >= 0xd)
		cpuid_count(0xd, 1, &words[PSEUDO_CPUID_D1_EAX], &bx, &c, &d);
	len = pseudo_fmt_cpu_flags(words, NULL, 0);
	flags = kmalloc(len + 1, GFP_KERNEL);
	if (!flags)
		return -ENOMEM;
	pseudo_fmt_cpu_flags(words, flags, len + 1);

	for_each_online_cpu(cpu) {
		unsigned int l2 = 0, phys = 36, virt = 48, sizes;

		pbuf_printf(b, "processor\t: %u\nvendor_id\t: %s\n"
			    "cpu family\t: %u\nmodel\t\t: %u\n"
			    "model name\t: %s\nstepping\t: %u\n"
			    "microcode\t: 0x0\n"
			    "cpu MHz\t\t: %llu.%03llu\n",
			    cpu, vendor, family, model, name, a & 0xf,
			    (unsigned long long)tsc_khz / 1000,
			    (unsigned long long)tsc_khz % 1000);
		if (ext_max >= 0x80000006) {
			cpuid(0x80000006, &c, &bx, &l2, &d);
			l2 >>= 16;
		}
		if (l2)
			pbuf_printf(b, "cache size\t: %u KB\n", l2);
		pbuf_printf(b, "physical id\t: 0\nsiblings\t: %u\n"
			    "core id\t\t: %u\ncpu cores\t: %u\n"
			    "apicid\t\t: %u\ninitial apicid\t: %u\n"
			    "fpu\t\t: yes\nfpu_exception\t: yes\n"
			    "cpuid level\t: %u\nwp\t\t: yes\n"
			    "flags\t\t: %s\nbugs\t\t:\n"
			    "bogomips\t: %llu.%02llu\n",
			    nr, cpu, nr, cpu, cpu, max, flags,
			    (unsigned long long)tsc_khz / 500,
			    (unsigned long long)(tsc_khz / 5) % 100);
		if (ext_max >= 0x80000008) {
			cpuid(0x80000008, &sizes, &bx, &c, &d);
			phys = sizes & 0xff;
			virt = (sizes >> 8) & 0xff;
		}
		pbuf_printf(b, "clflush size\t: %u\ncache_alignment\t: %u\n"
			    "address sizes\t: %u bits physical, %u bits virtual\n"
			    "power management:\n\n",
			    clflush, clflush, phys, virt);
	}
	kfree(flags);
	return 0;
}

static void meminfo_line(struct pseudo_buf *b, const char *name, u64 kb)
{
	char line[PSEUDO_LINE];

	pbuf_put(b, line, pseudo_fmt_meminfo(name, kb, line, sizeof(line)));
}

/*
 * This node's memory: the pcache and everything the kernel runs on.
 * Process memory is the memory node's, but programs size their caches
 * by what this file says, and this node's RAM is what they run in.
 */
int pseudo_show_meminfo(struct pseudo_buf *b, struct process *p, int arg)
{
	static const char *const zero[] = {
		"Buffers", "Cached", "SwapCached", "Active", "Inactive",
		"SwapTotal", "SwapFree", "Dirty", "Writeback", "AnonPages",
		"Mapped", "Shmem",
	};
	u64 total = nr_managed_pages() * (PAGE_SIZE / 1024);
	u64 free = nr_free_pages() * (PAGE_SIZE / 1024);

	meminfo_line(b, "MemTotal", total);
	meminfo_line(b, "MemFree", free);
	meminfo_line(b, "MemAvailable", free);
	for (unsigned int i = 0; i < ARRAY_SIZE(zero); i++)
		meminfo_line(b, zero[i], 0);
	meminfo_line(b, "CommitLimit", total);
	meminfo_line(b, "Hugepagesize", 2048);
	return 0;
}

u64 pseudo_boot_time(void)
{
	return (realtime_ns() - ktime_get()) / NSEC_PER_SEC;
}

int pseudo_show_stat(struct pseudo_buf *b, struct process *p, int arg)
{
	/* No per-CPU time accounting yet: every column is 0. */
	const u64 ticks[PSEUDO_STAT_COLS] = { 0 };
	char line[PSEUDO_LINE];
	unsigned int cpu;
	u64 ctxt = 0;

	pbuf_put(b, line, pseudo_fmt_stat_cpu(-1, ticks, line, sizeof(line)));
	for_each_online_cpu(cpu) {
		pbuf_put(b, line, pseudo_fmt_stat_cpu(cpu, ticks, line,
						      sizeof(line)));
		ctxt += sched_nr_switches(cpu);
	}
	pbuf_printf(b, "intr 0\nctxt %llu\nbtime %llu\nprocesses %d\n"
		    "procs_running 1\nprocs_blocked 0\n"
		    "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
		    (unsigned long long)ctxt,
		    (unsigned long long)pseudo_boot_time(), p->pid);
	return 0;
}

int pseudo_show_uptime(struct pseudo_buf *b, struct process *p, int arg)
{
	u64 cs = ktime_get() / (NSEC_PER_SEC / 100);

	/* Idle time is not accounted: 0.00. */
	pbuf_printf(b, "%llu.%02llu 0.00\n", (unsigned long long)cs / 100,
		    (unsigned long long)cs % 100);
	return 0;
}

int pseudo_show_loadavg(struct pseudo_buf *b, struct process *p, int arg)
{
	pbuf_printf(b, "0.00 0.00 0.00 1/%u %d\n", READ_ONCE(p->nr_live),
		    p->pid);
	return 0;
}

/* The argv strings as they are now in the process's memory (as Linux). */
/*
 * The caller's own argv from its memory, live (as Linux); another
 * process's from what pseudofs_process_start() kept at its start (at
 * most PSEUDO_ARGS_KEEP bytes: its memory is not readable from here).
 */
int pseudo_show_cmdline(struct pseudo_buf *b, struct process *p, int arg)
{
	unsigned long start = p->start.arg_start, end = p->start.arg_end;
	size_t len = min_t(unsigned long, end - start, PSEUDO_ARGS_MAX);

	if (p != current_process()) {
		spin_lock(&p->lock);
		len = p->start.args_len;
		spin_unlock(&p->lock);
		/* Sized outside the lock; the copy takes what still fits. */
		if (!len || !pbuf_reserve(b, len))
			return b->err;
		spin_lock(&p->lock);
		len = min_t(size_t, len, p->start.args_len);
		memcpy(b->data, p->start.args, len);
		spin_unlock(&p->lock);
		b->len = len;
		return 0;
	}
	if (end <= start || !pbuf_reserve(b, len))
		return b->err;
	len -= copy_from_user(b->data, (const void __user *)start, len);
	b->len = len;
	return 0;
}

int pseudo_show_auxv(struct pseudo_buf *b, struct process *p, int arg)
{
	pbuf_put(b, p->start.auxv, p->start.auxv_bytes);
	return 0;
}

int pseudo_show_maps(struct pseudo_buf *b, struct process *p, int arg)
{
	char *text;
	size_t len;
	struct pmm *mm = process_mm_get(p);
	int ret;

	if (!mm)
		return 0;	/* exited: no maps, as a zombie's */
	ret = pmm_remote_maps(mm, &text, &len);
	pmm_put(mm);
	if (ret)
		return ret;
	kfree(b->data);
	b->data = text;
	b->len = b->cap = len;
	return 0;
}

/* The hex number at *@s, which moves past it. */
static u64 parse_hex(const char **s)
{
	u64 v = 0;

	for (;; (*s)++) {
		char c = **s;

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else
			return v;
	}
}

/*
 * Bytes of address space of @p: the sum of its maps lines' ranges (one
 * P2M_MAPS exchange), or 0 where there is no maps (local mode).
 */
static u64 pseudo_vm_size(struct process *p)
{
	struct pmm *mm = process_mm_get(p);
	const char *line;
	u64 total = 0;
	size_t len;
	char *text;
	int ret;

	if (!mm)
		return 0;
	ret = pmm_remote_maps(mm, &text, &len);
	pmm_put(mm);
	if (ret)
		return 0;
	for (line = text; *line;) {
		u64 start = parse_hex(&line), end;

		if (*line++ != '-')
			break;
		end = parse_hex(&line);
		total += end > start ? end - start : 0;
		line = strchr(line, '\n');
		if (!line)
			break;
		line++;
	}
	kfree(text);
	return total;
}

/* A CPU mask as Linux's "%*pb": hex, 32 bits per comma-separated group. */
static void status_cpumask(struct pseudo_buf *b, u64 mask)
{
	if (mask >> 32)
		pbuf_printf(b, "%x,%08x", (u32)(mask >> 32), (u32)mask);
	else
		pbuf_printf(b, "%x", (u32)mask);
}

/* /proc's name of a state letter. */
static const char *state_name(char state)
{
	switch (state) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	default: return "Z (zombie)";
	}
}

int pseudo_show_status(struct pseudo_buf *b, struct process *p, int arg)
{
	struct uthread *self = current_uthread();
	u64 mask = READ_ONCE(cpu_online_mask), caught = 0, blocked = 0;
	u64 vm_size = pseudo_vm_size(p);
	char list[PSEUDO_LINE];
	int tid = p->pid;

	const struct cred *cred = NULL;

	/* The caller's own thread, or another process's first one. */
	if (self->proc == p) {
		tid = self->tid;
		blocked = self->sigmask;
		cred = cred_get(self->cred);
	} else {
		struct uthread *ut;

		spin_lock(&p->lock);
		ut = process_find_thread(p, p->pid);
		if (ut) {
			blocked = ut->sigmask;
			cred = cred_get(ut->cred);
		}
		spin_unlock(&p->lock);
	}
	for (int sig = 1; sig <= NR_SIGNALS; sig++)
		if (p->sigactions[sig - 1].handler > 1)	/* not DFL/IGN */
			caught |= 1ULL << (sig - 1);
	pbuf_printf(b, "Name:\t%s\nUmask:\t0022\nState:\t%s\n"
		    "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n"
		    "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
		    "FDSize:\t%d\nGroups:\t",
		    p->comm, state_name(process_state_char(p)), p->pid, tid,
		    process_ppid(p), cred ? cred->uid : 0,
		    cred ? cred->euid : 0, cred ? cred->suid : 0,
		    cred ? cred->fsuid : 0,
		    cred ? cred->gid : 0, cred ? cred->egid : 0,
		    cred ? cred->sgid : 0, cred ? cred->fsgid : 0, FD_MAX);
	/* Linux's: the groups separated by spaces, then one more space. */
	for (u32 i = 0; cred && i < cred->nr_groups; i++)
		pbuf_printf(b, i ? " %u" : "%u", cred->groups[i]);
	cred_put(cred);
	pbuf_printf(b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\n"
		    "NSsid:\t%d\n", p->pid, tid, READ_ONCE(p->pgid),
		    READ_ONCE(p->sid));
	/* Of the Vm* lines only the size is known here (not RSS, peaks). */
	if (vm_size) {
		pseudo_fmt_status_kb("VmSize", vm_size / 1024, list,
				     sizeof(list));
		pbuf_printf(b, "%s", list);
	}
	pbuf_printf(b, "Threads:\t%u\nSigQ:\t0/%d\n"
		    "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
		    "SigIgn:\t%016llx\nSigCgt:\t%016llx\n"
		    "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
		    "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
		    "CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
		    "Seccomp_filters:\t0\nCpus_allowed:\t",
		    READ_ONCE(p->nr_live), PSEUDO_SIGQ_MAX, 0ULL, 0ULL,
		    (unsigned long long)blocked, 0ULL,
		    (unsigned long long)caught);
	status_cpumask(b, mask);
	pseudo_fmt_cpulist(mask, list, sizeof(list));
	pbuf_printf(b, "\nCpus_allowed_list:\t%s\nMems_allowed:\t1\n"
		    "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\n"
		    "nonvoluntary_ctxt_switches:\t0\n", list);
	return 0;
}

int pseudo_show_pid_stat(struct pseudo_buf *b, struct process *p, int arg)
{
	struct pseudo_pid_stat s = {
		.pid = p->pid,
		.comm = p->comm,
		.state = process_state_char(p),
		.ppid = process_ppid(p),
		.pgrp = READ_ONCE(p->pgid),
		.session = READ_ONCE(p->sid),
		.num_threads = READ_ONCE(p->nr_live),
		.starttime = p->start.start_ns / (NSEC_PER_SEC / USER_HZ),
		.vsize = pseudo_vm_size(p),
		.startstack = p->start.stack,
		.start_brk = p->start_brk,
		.arg_start = p->start.arg_start,
		.arg_end = p->start.arg_end,
		.env_start = p->start.env_start,
		.env_end = p->start.env_end,
	};
	char line[512];

	pbuf_put(b, line, min_t(size_t, pseudo_fmt_pid_stat(&s, line,
							    sizeof(line)),
				sizeof(line) - 1));
	return 0;
}

/* ------------------------------------------------------------ process start */

/* The address after the NUL of the user string at @addr (bounded). */
static unsigned long user_string_end(unsigned long addr)
{
	char chunk[64];
	unsigned long at = addr;

	while (at - addr < PSEUDO_ARGS_MAX) {
		long n = strncpy_from_user(chunk, (const char __user *)at,
					   sizeof(chunk));

		if (n < 0)
			return at;
		if (n < (long)sizeof(chunk))
			return at + n + 1;
		at += sizeof(chunk);
	}
	return at;
}

/*
 * Walk the pointer array at *@at up to its NULL: first and end of the
 * strings it points to (0, 0 if none); *@at moves past the NULL.
 */
static void start_strings(unsigned long *at, unsigned long *first,
			  unsigned long *end)
{
	u64 ptr, last = 0;

	*first = *end = 0;
	for (unsigned int i = 0; i < PSEUDO_ARGS_MAX / 8; i++) {
		if (get_user_u64(&ptr, (const u64 __user *)*at))
			return;
		*at += 8;
		if (!ptr)
			break;
		if (!*first)
			*first = ptr;
		last = ptr;
	}
	if (last)
		*end = user_string_end(last);
}

void pseudofs_process_start(struct process *p, unsigned long sp)
{
	struct pseudo_start *s = &p->start;
	unsigned long at = sp + 8;
	char *args, *old;
	unsigned int i;
	u32 len;

	s->stack = sp;
	s->start_ns = ktime_get();
	start_strings(&at, &s->arg_start, &s->arg_end);
	start_strings(&at, &s->env_start, &s->env_end);
	/* No environment: an empty range after argv, as Linux. */
	if (!s->env_start)
		s->env_start = s->env_end = s->arg_end;
	for (i = 0; i < 2 * PSEUDO_AUXV_MAX; i += 2) {
		if (get_user_u64(&s->auxv[i], (const u64 __user *)at) ||
		    get_user_u64(&s->auxv[i + 1],
				 (const u64 __user *)(at + 8)))
			break;
		at += 16;
		if (s->auxv[i] == AT_NULL) {
			i += 2;
			break;
		}
	}
	s->auxv_bytes = i * 8;
	/* argv as it is now, for other processes' /proc/<pid>/cmdline. */
	len = min_t(unsigned long, s->arg_end - s->arg_start,
		    PSEUDO_ARGS_KEEP);
	args = s->arg_end > s->arg_start ? kmalloc(len, GFP_KERNEL) : NULL;
	if (args)
		len -= copy_from_user(args, (const void __user *)s->arg_start,
				      len);
	spin_lock(&p->lock);
	old = s->args;
	s->args = args;
	s->args_len = args ? len : 0;
	spin_unlock(&p->lock);
	kfree(old);
}

