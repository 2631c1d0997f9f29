/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU control: control registers, CPUID, halting, and the per-CPU setup
 * entry points of arch/x86/kernel/cpu.c.
 */
#ifndef _ASM_X86_PROCESSOR_H
#define _ASM_X86_PROCESSOR_H

#include <tessera/compiler.h>

#define X86_CR0_PE		(1UL << 0)
#define X86_CR0_MP		(1UL << 1)
#define X86_CR0_EM		(1UL << 2)
#define X86_CR0_TS		(1UL << 3)
#define X86_CR0_NE		(1UL << 5)
#define X86_CR0_WP		(1UL << 16)
#define X86_CR0_PG		(1UL << 31)

#define X86_CR4_PAE		(1UL << 5)
#define X86_CR4_PGE		(1UL << 7)
#define X86_CR4_OSFXSR		(1UL << 9)
#define X86_CR4_OSXMMEXCPT	(1UL << 10)
#define X86_CR4_FSGSBASE	(1UL << 16)
#define X86_CR4_OSXSAVE		(1UL << 18)
#define X86_CR4_SMEP		(1UL << 20)
#define X86_CR4_SMAP		(1UL << 21)

#define DEFINE_CR_ACCESSORS(n)						\
static inline unsigned long read_cr##n(void)				\
{									\
	unsigned long v;						\
	__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v) : : "memory"); \
	return v;							\
}									\
static inline void write_cr##n(unsigned long v)				\
{									\
	__asm__ __volatile__("mov %0, %%cr" #n : : "r"(v) : "memory");	\
}

DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)

#undef DEFINE_CR_ACCESSORS

static inline void cpuid_count(unsigned int leaf, unsigned int subleaf,
			       unsigned int *a, unsigned int *b,
			       unsigned int *c, unsigned int *d)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(subleaf));
}

static inline void cpuid(unsigned int leaf, unsigned int *a, unsigned int *b,
			 unsigned int *c, unsigned int *d)
{
	cpuid_count(leaf, 0, a, b, c, d);
}

/* Does the CPU have RDTSCP (CPUID 0x80000001 EDX bit 27)? */
static inline bool cpu_has_rdtscp(void)
{
	unsigned int a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000001)
		return false;
	cpuid(0x80000001, &a, &b, &c, &d);
	return d & (1U << 27);
}

static inline u16 read_segment_ds(void)
{
	u16 v;

	__asm__ __volatile__("mov %%ds, %0" : "=r"(v));
	return v;
}

static inline u16 read_segment_es(void)
{
	u16 v;

	__asm__ __volatile__("mov %%es, %0" : "=r"(v));
	return v;
}

static inline u16 read_segment_fs(void)
{
	u16 v;

	__asm__ __volatile__("mov %%fs, %0" : "=r"(v));
	return v;
}

static inline u16 read_segment_gs(void)
{
	u16 v;

	__asm__ __volatile__("mov %%gs, %0" : "=r"(v));
	return v;
}

/*
 * SMEP and SMAP (cpu_protect_init()): with SMAP on, the kernel may touch
 * a user page only between stac() and clac(), which only the uaccess
 * routines (arch/x86/mm/uaccess.S) and user_access_begin()/end() do.
 * STAC/CLAC are invalid opcodes on CPUs without SMAP, hence the test.
 */
extern bool x86_smap_enabled;
extern bool x86_smep_enabled;

static __always_inline void stac(void)
{
	if (x86_smap_enabled)
		__asm__ __volatile__("stac" ::: "memory");
}

static __always_inline void clac(void)
{
	if (x86_smap_enabled)
		__asm__ __volatile__("clac" ::: "memory");
}

/*
 * Turn on SMEP and SMAP on this CPU where the CPU has them and the
 * command line allows (cpu.smep=, cpu.smap=); the boot CPU decides and
 * says so once, application processors follow.  After parameters.
 */
void cpu_protect_init(void);

/* Stop this CPU for good: interrupts off, hlt forever (NMIs re-halt). */
static inline __noreturn void cpu_halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}

/*
 * Per-CPU bring-up, called by start_kernel() on the boot CPU: build the
 * IDT, then load this CPU's final GDT, TSS (with the IST stacks) and the
 * IDT.  Needs no allocator; safe as the very first call.  Leaves FS and
 * GS (and their bases) untouched.
 */
void arch_cpu_init(void);
/* The same for an application processor @cpu, run on that CPU. */
void arch_cpu_init_cpu(unsigned int cpu);

#endif /* _ASM_X86_PROCESSOR_H */
