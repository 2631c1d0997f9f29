/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Eager FPU/SSE/AVX context switching.  See <asm/fpu.h>.
 *
 * At boot the CPU is put in the state user programs expect (CR0.MP, no
 * EM/TS, CR4.OSFXSR|OSXMMEXCPT, and CR4.OSXSAVE with XCR0 = every user
 * component CPUID reports), and one save of the freshly reset registers
 * becomes the template every new task's area starts from.
 */
#include <tessera/errno.h>
#include <tessera/panic.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/fpu.h>
#include <asm/processor.h>

#define XFEATURE_USER_MASK	0x2e7ULL  /* x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM PKRU */
#define FXSAVE_SIZE		512

static bool use_xsave;
static u64 xfeatures;
static size_t state_size = FXSAVE_SIZE;
static u8 *init_state;

static inline void xsetbv(u32 reg, u64 val)
{
	__asm__ __volatile__("xsetbv" : : "c"(reg), "a"((u32)val),
			     "d"((u32)(val >> 32)));
}

static inline void xsave(void *area)
{
	__asm__ __volatile__("xsave64 (%0)" : : "r"(area), "a"(~0U), "d"(~0U)
			     : "memory");
}

static inline void xrstor(const void *area)
{
	__asm__ __volatile__("xrstor64 (%0)" : : "r"(area), "a"(~0U), "d"(~0U)
			     : "memory");
}

static inline void fxsave(void *area)
{
	__asm__ __volatile__("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void fxrstor(const void *area)
{
	__asm__ __volatile__("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static void save_state(void *area)
{
	if (use_xsave)
		xsave(area);
	else
		fxsave(area);
}

static void restore_state(const void *area)
{
	if (use_xsave)
		xrstor(area);
	else
		fxrstor(area);
}

void fpu_init_cpu(void)
{
	unsigned int a, b, c, d;
	bool boot = !init_state;

	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP |
		  X86_CR0_NE);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);

	cpuid(1, &a, &b, &c, &d);
	if (c & (1U << 26)) {		/* XSAVE */
		write_cr4(read_cr4() | X86_CR4_OSXSAVE);
		cpuid_count(0xd, 0, &a, &b, &c, &d);
		if (boot) {
			xfeatures = (((u64)d << 32) | a) & XFEATURE_USER_MASK;
			use_xsave = true;
		}
		xsetbv(0, xfeatures);
		if (boot) {
			cpuid_count(0xd, 0, &a, &b, &c, &d);
			state_size = b;	/* size for the enabled XCR0 */
		}
	}
	__asm__ __volatile__("fninit");

	if (boot) {
		init_state = kmalloc(state_size, GFP_KERNEL | __GFP_ZERO);
		if (!init_state)
			panic("fpu: no memory for the initial FPU state\n");
		/* xsave needs 64-byte alignment; kmalloc of >= 64 gives it. */
		save_state(init_state);
		pr_info("fpu: %s, xfeatures %#llx, %zu bytes per task\n",
			use_xsave ? "xsave" : "fxsave",
			(unsigned long long)xfeatures, state_size);
	}
}

size_t fpu_state_size(void)
{
	return state_size;
}

u64 fpu_xfeatures(void)
{
	return xfeatures;
}

int fpu_alloc(struct task *t)
{
	void *area = kmalloc(ALIGN(state_size, 64), GFP_KERNEL);

	if (!area)
		return -ENOMEM;
	memcpy(area, init_state, state_size);
	t->thread.fpu = area;
	return 0;
}

void fpu_free(struct task *t)
{
	kfree(t->thread.fpu);
	t->thread.fpu = NULL;
}

void fpu_switch(struct task *prev, struct task *next)
{
	if (prev->thread.fpu)
		save_state(prev->thread.fpu);
	if (next->thread.fpu)
		restore_state(next->thread.fpu);
}

/* ------------------------------------------------ signal frames */

#define FXSAVE_MXCSR		24
#define FXSAVE_MXCSR_MASK	28
#define XSAVE_HEADER		512

bool fpu_uses_xsave(void)
{
	return use_xsave;
}

const void *fpu_save_current(void)
{
	void *area = current->thread.fpu;

	preempt_disable();
	save_state(area);
	preempt_enable();
	return area;
}

void fpu_reset_current(void)
{
	void *area = current->thread.fpu;

	preempt_disable();
	memcpy(area, init_state, state_size);
	restore_state(area);
	preempt_enable();
}

const void *fpu_init_state(void)
{
	return init_state;
}

/* MXCSR bits the CPU accepts (FXSAVE's MXCSR_MASK; 0 means 0xffbf). */
static u32 mxcsr_mask(void)
{
	u32 mask;

	memcpy(&mask, init_state + FXSAVE_MXCSR_MASK, sizeof(mask));
	return mask ? mask : 0xffbf;
}

int fpu_check_state(const void *area)
{
	const u8 *a = area;
	u64 xstate_bv, xcomp_bv;
	u32 mxcsr;
	int i;

	memcpy(&mxcsr, a + FXSAVE_MXCSR, sizeof(mxcsr));
	if (mxcsr & ~mxcsr_mask())
		return -EINVAL;
	if (!use_xsave)
		return 0;
	memcpy(&xstate_bv, a + XSAVE_HEADER, sizeof(xstate_bv));
	memcpy(&xcomp_bv, a + XSAVE_HEADER + 8, sizeof(xcomp_bv));
	if ((xstate_bv & ~xfeatures) || xcomp_bv)
		return -EINVAL;
	/* Bytes 16..23 must be zero too; 24..63 XRSTOR ignores. */
	for (i = 16; i < 24; i++)
		if (a[XSAVE_HEADER + i])
			return -EINVAL;
	return 0;
}

int fpu_load_current(const void *area)
{
	void *own = current->thread.fpu;

	if (fpu_check_state(area))
		return -EINVAL;
	preempt_disable();
	memcpy(own, area, state_size);
	restore_state(own);
	preempt_enable();
	return 0;
}
