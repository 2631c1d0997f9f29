// SPDX-License-Identifier: GPL-2.0
/*
 * The vDSO as a program sees it (test_vdso.py runs it natively and on
 * Tessera; the outputs must be equal):
 *   - AT_SYSINFO_EHDR names an ELF image that /proc/self/maps shows as
 *     [vdso], with a [vvar] mapping ending where it starts;
 *   - its dynamic symbol table has Linux's five functions under the
 *     version LINUX_2.6 (found the way glibc finds them: DT_HASH,
 *     DT_SYMTAB, DT_STRTAB, DT_VERSYM, DT_VERDEF);
 *   - the clocks it answers interleave with the syscalls' own answers
 *     without going backwards, for every clock it computes itself;
 *     what it cannot answer (CPU-time clocks, a bad clock id) it passes
 *     to the syscall, with the syscall's result;
 *   - gettimeofday/time agree, clock_getres gives the syscall's answer,
 *     getcpu gives the CPU the thread is pinned to, on every CPU it may
 *     use.
 * Then "loop N" calls glibc's clock_gettime N times: the test counts the
 * syscalls the processor saw (processor.profile=1).  Without a vDSO
 * (processor.vdso=0) it says so and runs only the loop.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int (*gettime_fn)(clockid_t, struct timespec *);
typedef int (*tod_fn)(struct timeval *, struct timezone *);
typedef time_t (*time_fn)(time_t *);
typedef int (*getcpu_fn)(unsigned int *, unsigned int *, void *);

static int failures;

static void verdict(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAIL");
	if (!ok)
		failures++;
}

struct vdso {
	uintptr_t bias;
	const Elf64_Sym *sym;
	const char *str;
	const Elf64_Half *versym;
	const Elf64_Verdef *verdef;
	uint32_t nsyms;
};

static int vdso_open(uintptr_t base, struct vdso *v)
{
	const Elf64_Ehdr *eh = (const void *)base;
	const Elf64_Phdr *ph = (const void *)(base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	int i, have_load = 0;

	memset(v, 0, sizeof(*v));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_type != ET_DYN)
		return -1;
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			v->bias = base + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		}
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)(base + ph[i].p_offset);
	}
	if (!have_load || !dyn)
		return -1;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = v->bias + dyn->d_un.d_ptr;

		switch (dyn->d_tag) {
		case DT_SYMTAB: v->sym = (const void *)p; break;
		case DT_STRTAB: v->str = (const void *)p; break;
		case DT_HASH: v->nsyms = ((const uint32_t *)p)[1]; break;
		case DT_VERSYM: v->versym = (const void *)p; break;
		case DT_VERDEF: v->verdef = (const void *)p; break;
		}
	}
	return v->sym && v->str && v->nsyms ? 0 : -1;
}

/* The version name of version index @ndx, or NULL. */
static const char *vdso_version(const struct vdso *v, unsigned int ndx)
{
	const Elf64_Verdef *d = v->verdef;

	while (d) {
		if ((d->vd_ndx & 0x7fff) == ndx) {
			const Elf64_Verdaux *a =
				(const void *)((const char *)d + d->vd_aux);
			return v->str + a->vda_name;
		}
		if (!d->vd_next)
			break;
		d = (const void *)((const char *)d + d->vd_next);
	}
	return NULL;
}

static void *vdso_sym(const struct vdso *v, const char *name,
		      const char **version)
{
	for (uint32_t i = 1; i < v->nsyms; i++) {
		const Elf64_Sym *s = &v->sym[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || !s->st_shndx ||
		    strcmp(v->str + s->st_name, name))
			continue;
		*version = v->versym && v->verdef ?
			   vdso_version(v, v->versym[i] & 0x7fff) : NULL;
		return (void *)(v->bias + s->st_value);
	}
	return NULL;
}

static int maps_check(uintptr_t base)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long vdso_start = 0, vvar_end = 0, s, e;
	char line[512];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &s, &e) != 2)
			continue;
		if (strstr(line, "[vdso]") && !vdso_start)
			vdso_start = s;
		/* Linux 6.18 adds [vvar_vclock] between the two. */
		if (strstr(line, "[vvar"))
			vvar_end = e;
	}
	fclose(f);
	verdict("maps: [vdso] starts at AT_SYSINFO_EHDR", vdso_start == base);
	verdict("maps: [vvar...] right below [vdso]", vvar_end == base);
	return 1;
}

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* vDSO, syscall, vDSO, ... of @clock: never backwards. */
static void interleave(gettime_fn vgt, clockid_t clock, const char *name)
{
	struct timespec a, b;
	long long prev = 0;
	int ok = 1;
	char what[64];

	for (int i = 0; i < 2000 && ok; i++) {
		if (vgt(clock, &a) || syscall(SYS_clock_gettime, clock, &b))
			ok = 0;
		else if (ns_of(&a) < prev || ns_of(&b) < ns_of(&a))
			ok = 0;
		else
			prev = ns_of(&b);
	}
	snprintf(what, sizeof(what), "%s: vdso and syscall in order", name);
	verdict(what, ok);
}

static void check_getcpu(getcpu_fn vgc)
{
	cpu_set_t all, one;
	int ok = 1, n = 0;

	if (sched_getaffinity(0, sizeof(all), &all)) {
		verdict("getcpu: sched_getaffinity", 0);
		return;
	}
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		unsigned int got = ~0u, node = ~0u, sys = ~0u;

		if (!CPU_ISSET(cpu, &all))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one)) {
			ok = 0;
			continue;
		}
		sched_yield();
		if (vgc(&got, &node, NULL) ||
		    syscall(SYS_getcpu, &sys, NULL, NULL))
			ok = 0;
		if (got != (unsigned int)cpu || sys != got || node != 0)
			ok = 0;
		n++;
	}
	sched_setaffinity(0, sizeof(all), &all);
	verdict("getcpu: the pinned CPU, as the syscall says", ok && n > 0);
}

int main(int argc, char **argv)
{
	static const char *const names[] = {
		"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time",
		"__vdso_clock_getres", "__vdso_getcpu",
	};
	long loops = argc > 1 ? atol(argv[1]) : 0;
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	void *fn[5] = { 0 };
	struct timespec ts, res, sres;
	struct timeval tv;
	struct timezone tz = { -1, -1 };
	struct vdso v;
	time_t t1, t2;
	int all = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!base) {
		FILE *f = fopen("/proc/self/maps", "r");
		char line[512];
		int seen = 0;

		printf("auxv: no vdso\n");
		while (f && fgets(line, sizeof(line), f))
			seen |= strstr(line, "[vdso]") != NULL;
		if (f)
			fclose(f);
		verdict("maps: no [vdso] line", f && !seen);
		goto loop;
	}
	printf("auxv: vdso present\n");
	if (vdso_open(base, &v)) {
		verdict("vdso: an ELF image with DT_HASH, DT_SYMTAB, DT_STRTAB", 0);
		return 1;
	}
	for (unsigned int i = 0; i < 5; i++) {
		const char *ver = NULL;

		fn[i] = vdso_sym(&v, names[i], &ver);
		printf("symbol %s: %s, version %s\n", names[i],
		       fn[i] ? "found" : "missing", ver ? ver : "none");
		all &= fn[i] != NULL;
	}
	if (!all)
		return 1;
	if (!maps_check(base))
		verdict("maps: /proc/self/maps readable", 0);

	interleave(fn[0], CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
	interleave(fn[0], CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW");
	interleave(fn[0], CLOCK_BOOTTIME, "CLOCK_BOOTTIME");
	interleave(fn[0], CLOCK_REALTIME, "CLOCK_REALTIME");

	verdict("CLOCK_PROCESS_CPUTIME_ID through the vdso",
		((gettime_fn)fn[0])(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 &&
		ns_of(&ts) > 0);
	printf("bad clock 99: vdso %d, syscall %ld\n",
	       ((gettime_fn)fn[0])(99, &ts),
	       syscall(SYS_clock_gettime, 99, &ts) ? -(long)errno : 0L);

	t1 = ((time_fn)fn[2])(NULL);
	verdict("gettimeofday", ((tod_fn)fn[1])(&tv, &tz) == 0);
	t2 = ((time_fn)fn[2])(&t2);
	/*
	 * time() reads the coarse clock (Linux: updated each tick), which
	 * may still show the last second just after gettimeofday saw the
	 * next one: one second of slack on that side.
	 */
	verdict("time <= gettimeofday <= time + 1 (time is coarse)",
		t1 <= t2 && t1 <= tv.tv_sec && tv.tv_sec <= t2 + 1);
	printf("timezone: %d minutes west, dst %d\n", tz.tz_minuteswest,
	       tz.tz_dsttime);

	for (clockid_t c = CLOCK_REALTIME; c <= CLOCK_MONOTONIC; c++) {
		int r1 = ((gettime_fn)fn[3])(c, &res);
		long r2 = syscall(SYS_clock_getres, c, &sres);

		printf("clock_getres(%d): vdso %d %lld.%09ld, syscall %ld %lld.%09ld\n",
		       (int)c, r1, (long long)res.tv_sec, res.tv_nsec, r2,
		       (long long)sres.tv_sec, sres.tv_nsec);
	}
	check_getcpu(fn[4]);
loop:
	if (loops) {
		for (long i = 0; i < loops; i++)
			clock_gettime(CLOCK_MONOTONIC, &ts);
		printf("loop %ld: done\n", loops);
	}
	return failures ? 1 : 0;
}
