/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure formatters of /proc and /sys text (see pseudo_fmt.h).  The
 * layouts are Linux's as proc(5) documents them and as Linux 6.1 prints
 * them (columns, padding, field order); the flag names are the ones
 * Linux's /proc/cpuinfo uses for each CPUID bit.
 */
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "pseudo_fmt.h"

/* snprintf's result, clamped so that a caller can keep appending. */
static size_t fmt_room(size_t used, size_t size)
{
	return used < size ? size - used : 0;
}

int pseudo_fmt_cpulist(u64 mask, char *buf, size_t size)
{
	size_t len = 0;
	int first = -1;

	if (size)
		buf[0] = '\0';
	for (int cpu = 0; cpu <= 64; cpu++) {
		bool set = cpu < 64 && (mask & (1ULL << cpu));

		if (set && first < 0)
			first = cpu;
		if (set || first < 0)
			continue;
		/* A run [first, cpu - 1] ends here. */
		len += snprintf(buf + min(len, size), fmt_room(len, size),
				"%s%d", len ? "," : "", first);
		if (cpu - 1 > first)
			len += snprintf(buf + min(len, size),
					fmt_room(len, size), "-%d", cpu - 1);
		first = -1;
	}
	return len;
}

int pseudo_fmt_stat_cpu(int cpu, const u64 ticks[PSEUDO_STAT_COLS],
			char *buf, size_t size)
{
	size_t len;

	if (cpu < 0)
		len = snprintf(buf, size, "cpu ");
	else
		len = snprintf(buf, size, "cpu%d", cpu);
	for (int i = 0; i < PSEUDO_STAT_COLS; i++)
		len += snprintf(buf + min(len, size), fmt_room(len, size),
				" %llu", (unsigned long long)ticks[i]);
	len += snprintf(buf + min(len, size), fmt_room(len, size), "\n");
	return len;
}

int pseudo_fmt_meminfo(const char *name, u64 kb, char *buf, size_t size)
{
	char label[32];

	snprintf(label, sizeof(label), "%s:", name);
	return snprintf(buf, size, "%-16s%8llu kB\n", label,
			(unsigned long long)kb);
}

int pseudo_fmt_status_kb(const char *name, u64 kb, char *buf, size_t size)
{
	return snprintf(buf, size, "%s:\t%8llu kB\n", name,
			(unsigned long long)kb);
}

int pseudo_fmt_pid_stat(const struct pseudo_pid_stat *s, char *buf,
			size_t size)
{
	/* Fields 4-52 after "pid (comm) state"; 0 where we have nothing. */
	const long long f[PSEUDO_PID_STAT_FIELDS - 3] = {
		[4 - 4] = s->ppid,
		[5 - 4] = s->pgrp,
		[6 - 4] = s->session,
		[8 - 4] = -1,			/* tpgid: no terminal */
		[18 - 4] = 20,			/* priority of nice 0 */
		[20 - 4] = s->num_threads,
		[22 - 4] = (long long)s->starttime,
		[23 - 4] = (long long)s->vsize,
		[24 - 4] = (long long)s->rss,
		[25 - 4] = -1,			/* rsslim: RLIM_INFINITY */
		[28 - 4] = (long long)s->startstack,
		[38 - 4] = 17,			/* exit_signal: SIGCHLD */
		[47 - 4] = (long long)s->start_brk,
		[48 - 4] = (long long)s->arg_start,
		[49 - 4] = (long long)s->arg_end,
		[50 - 4] = (long long)s->env_start,
		[51 - 4] = (long long)s->env_end,
	};
	size_t len;

	len = snprintf(buf, size, "%d (%s) %c", s->pid, s->comm, s->state);
	for (int i = 0; i < PSEUDO_PID_STAT_FIELDS - 3; i++) {
		int field = i + 4;
		/* Linux prints these unsigned (%lu / %u), the rest signed. */
		bool is_unsigned = field == 25;

		if (is_unsigned)
			len += snprintf(buf + min(len, size),
					fmt_room(len, size), " %llu",
					(unsigned long long)f[i]);
		else
			len += snprintf(buf + min(len, size),
					fmt_room(len, size), " %lld", f[i]);
	}
	len += snprintf(buf + min(len, size), fmt_room(len, size), "\n");
	return len;
}

/* Linux's /proc/cpuinfo name of each bit; NULL: not shown. */
static const char *const cpu_flag_names[PSEUDO_CPUID_WORDS][32] = {
	[PSEUDO_CPUID_1_EDX] = {
		"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce",
		"cx8", "apic", NULL, "sep", "mtrr", "pge", "mca", "cmov",
		"pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx",
		"fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
	},
	[PSEUDO_CPUID_81_EDX] = {
		[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
		[25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp",
		[29] = "lm", [30] = "3dnowext", [31] = "3dnow",
	},
	[PSEUDO_CPUID_1_ECX] = {
		"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx",
		"smx", "est", "tm2", "ssse3", "cid", "sdbg", "fma", "cx16",
		"xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1", "sse4_2",
		"x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes",
		"xsave", NULL, "avx", "f16c", "rdrand", "hypervisor",
	},
	[PSEUDO_CPUID_81_ECX] = {
		"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy",
		"abm", "sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs",
		"xop", "skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL,
		"nodeid_msr", NULL, "tbm", "topoext", "perfctr_core",
		"perfctr_nb", NULL, "bpext", "ptsc", "perfctr_llc", "mwaitx",
	},
	[PSEUDO_CPUID_7_EBX] = {
		"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL,
		"smep", "bmi2", "erms", "invpcid", "rtm", "cqm", NULL, "mpx",
		"rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap",
		"avx512ifma", NULL, "clflushopt", "clwb", "intel_pt",
		"avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw",
		"avx512vl",
	},
	[PSEUDO_CPUID_D1_EAX] = {
		"xsaveopt", "xsavec", "xgetbv1", "xsaves", "xfd",
	},
	[PSEUDO_CPUID_7_ECX] = {
		[1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke",
		[5] = "waitpkg", [6] = "avx512_vbmi2", [8] = "gfni",
		[9] = "vaes", [10] = "vpclmulqdq", [11] = "avx512_vnni",
		[12] = "avx512_bitalg", [13] = "tme",
		[14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid",
		[24] = "bus_lock_detect", [25] = "cldemote", [27] = "movdiri",
		[28] = "movdir64b", [29] = "enqcmd", [30] = "sgx_lc",
	},
	[PSEUDO_CPUID_7_EDX] = {
		[2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm",
		[8] = "avx512_vp2intersect", [9] = "srbds_ctrl",
		[10] = "md_clear", [11] = "rtm_always_abort",
		[13] = "tsx_force_abort", [14] = "serialize",
		[16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr",
		[20] = "ibt", [22] = "amx_bf16", [23] = "avx512_fp16",
		[24] = "amx_tile", [25] = "amx_int8", [28] = "flush_l1d",
		[29] = "arch_capabilities",
	},
};

int pseudo_fmt_cpu_flags(const u32 words[PSEUDO_CPUID_WORDS], char *buf,
			 size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (int w = 0; w < PSEUDO_CPUID_WORDS; w++) {
		for (int bit = 0; bit < 32; bit++) {
			const char *name = cpu_flag_names[w][bit];

			if (!name || !(words[w] & (1u << bit)))
				continue;
			len += snprintf(buf + min(len, size),
					fmt_room(len, size), "%s%s",
					len ? " " : "", name);
		}
	}
	return len;
}
