// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 signal frame (<asm/sigframe.h>), as Linux builds it:
 *
 *	sp on entry to the handler -> pretcode  (sa_restorer)
 *	                              ucontext  (uc_flags, uc_link, uc_stack,
 *	                                         uc_mcontext, uc_sigmask)
 *	                              siginfo
 *	                              ...
 *	uc_mcontext.fpstate        -> the XSAVE area (64-byte aligned), its
 *	                              bytes 464..511 the fpx_sw_bytes
 *	                              (FP_XSTATE_MAGIC1, sizes, features),
 *	                              FP_XSTATE_MAGIC2 right after it
 *
 * The frame is 16-byte aligned minus 8, as after a call instruction.
 * With FXSAVE only (no XSAVE), the area is the 512-byte FXSAVE image
 * without the magic words and uc_flags lacks UC_FP_XSTATE.
 *
 * rt_sigreturn checks what it loads, because the frame is the program's
 * to scribble on: RIP must be a canonical user address (IRETQ to a
 * non-canonical one faults in ring 0), CS and SS the user selectors,
 * RFLAGS only takes the arithmetic, direction, trap, alignment and
 * resume flags, and the FPU state must be one XRSTOR accepts
 * (fpu_check_state()).  A frame without the magic words restores the
 * legacy x87/SSE part only, as on Linux; a null fpstate resets the FPU.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/uaccess.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/fpu.h>
#include <asm/sigframe.h>
#include <asm/syscall.h>

#define EFLAGS_CF	0x0001UL
#define EFLAGS_PF	0x0004UL
#define EFLAGS_AF	0x0010UL
#define EFLAGS_ZF	0x0040UL
#define EFLAGS_SF	0x0080UL
#define EFLAGS_OF	0x0800UL
/* The RFLAGS bits a frame may set (Linux's FIX_EFLAGS). */
#define EFLAGS_FROM_FRAME (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | \
			   EFLAGS_SF | EFLAGS_OF | X86_EFLAGS_DF_BIT | \
			   X86_EFLAGS_TF_BIT | X86_EFLAGS_AC_BIT | \
			   X86_EFLAGS_RF_BIT)

#define USER_CANONICAL_END	0x0000800000000000UL
#define XSTATE_LEGACY		0x3ULL	/* x87 and SSE */
#define XSAVE_HEADER		512

/* The FPU area's size in a frame: the area, plus MAGIC2 with XSAVE. */
static size_t frame_fpu_size(void)
{
	return fpu_state_size() + (fpu_uses_xsave() ? sizeof(u32) : 0);
}

static void regs_to_sigcontext(const struct pt_regs *regs,
			       struct uapi_sigcontext *sc)
{
	sc->r8 = regs->r8;
	sc->r9 = regs->r9;
	sc->r10 = regs->r10;
	sc->r11 = regs->r11;
	sc->r12 = regs->r12;
	sc->r13 = regs->r13;
	sc->r14 = regs->r14;
	sc->r15 = regs->r15;
	sc->rdi = regs->rdi;
	sc->rsi = regs->rsi;
	sc->rbp = regs->rbp;
	sc->rbx = regs->rbx;
	sc->rdx = regs->rdx;
	sc->rax = regs->rax;
	sc->rcx = regs->rcx;
	sc->rsp = regs->rsp;
	sc->rip = regs->rip;
	sc->eflags = regs->rflags;
	sc->cs = regs->cs;
	sc->ss = regs->ss;
}

/* Write the FPU state at @ufp (64-byte aligned user address). */
static int fpu_to_frame(unsigned long ufp)
{
	const void *area = fpu_save_current();
	size_t size = fpu_state_size();
	struct uapi_fpx_sw_bytes sw = {
		.magic1 = FP_XSTATE_MAGIC1,
		.extended_size = size + sizeof(u32),
		.xfeatures = fpu_xfeatures(),
		.xstate_size = size,
	};
	u32 magic2 = FP_XSTATE_MAGIC2;

	if (copy_to_user((void __user *)ufp, area, size))
		return -EFAULT;
	if (!fpu_uses_xsave())
		return 0;
	if (copy_to_user((void __user *)(ufp + FP_SW_BYTES_OFFSET), &sw,
			 sizeof(sw)) ||
	    copy_to_user((void __user *)(ufp + size), &magic2,
			 sizeof(magic2)))
		return -EFAULT;
	return 0;
}

int sigframe_setup(struct pt_regs *regs, const struct sigframe_setup *s)
{
	struct uapi_rt_sigframe f;
	unsigned long fp, sp;

	fp = ALIGN_DOWN(s->sp - frame_fpu_size(), 64);
	sp = ALIGN_DOWN(fp - sizeof(f), 16) - 8;
	if (sp >= USER_ADDR_END || sp < PAGE_SIZE)
		return -EFAULT;

	memset(&f, 0, sizeof(f));
	f.pretcode = s->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			(fpu_uses_xsave() ? UC_FP_XSTATE : 0);
	f.uc.uc_stack = s->uc_stack;
	regs_to_sigcontext(regs, &f.uc.uc_mcontext);
	f.uc.uc_mcontext.err = s->err;
	f.uc.uc_mcontext.trapno = s->trapno;
	f.uc.uc_mcontext.oldmask = s->oldmask;
	f.uc.uc_mcontext.cr2 = s->cr2;
	f.uc.uc_mcontext.fpstate = fp;
	f.uc.uc_sigmask = s->oldmask;
	f.info = *s->info;
	if (fpu_to_frame(fp) ||
	    copy_to_user((void __user *)sp, &f, sizeof(f)))
		return -EFAULT;

	regs->rdi = s->sig;
	regs->rax = 0;
	regs->rsi = sp + offsetof(struct uapi_rt_sigframe, info);
	regs->rdx = sp + offsetof(struct uapi_rt_sigframe, uc);
	regs->rip = s->handler;
	regs->rsp = sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->rflags &= ~(X86_EFLAGS_DF_BIT | X86_EFLAGS_RF_BIT |
			  X86_EFLAGS_TF_BIT);
	fpu_reset_current();
	return 0;
}

/*
 * The FPU state of a frame at @ufp into a kmalloc'd area (the caller
 * frees it), checked; NULL in *@area for "reset the FPU".  0, -EFAULT,
 * -EINVAL, -ENOMEM.
 */
static int fpu_from_frame(unsigned long ufp, void **area)
{
	size_t size = fpu_state_size();
	struct uapi_fpx_sw_bytes sw;
	u32 magic2;
	u8 *buf;
	int ret;

	*area = NULL;
	if (!ufp)
		return 0;
	if (!IS_ALIGNED(ufp, 64))
		return -EINVAL;
	buf = kmalloc(ALIGN(size, 64), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(&sw, (const void __user *)(ufp +
						       FP_SW_BYTES_OFFSET),
			   sizeof(sw)))
		goto fail;
	if (fpu_uses_xsave() && sw.magic1 == FP_XSTATE_MAGIC1) {
		/* A full XSAVE image: its sizes must be ours. */
		ret = -EINVAL;
		if (sw.xstate_size != size ||
		    sw.extended_size != size + sizeof(u32) ||
		    (sw.xfeatures & ~fpu_xfeatures()))
			goto fail;
		ret = -EFAULT;
		if (copy_from_user(&magic2, (const void __user *)(ufp + size),
				   sizeof(magic2)) ||
		    copy_from_user(buf, (const void __user *)ufp, size))
			goto fail;
		ret = -EINVAL;
		if (magic2 != FP_XSTATE_MAGIC2)
			goto fail;
	} else {
		/* The legacy FXSAVE image only; the rest from reset. */
		memcpy(buf, fpu_init_state(), size);
		if (copy_from_user(buf, (const void __user *)ufp, 512))
			goto fail;
		memset(buf + FP_SW_BYTES_OFFSET, 0, 512 - FP_SW_BYTES_OFFSET);
		if (fpu_uses_xsave()) {
			u64 bv = XSTATE_LEGACY;

			memcpy(buf + XSAVE_HEADER, &bv, sizeof(bv));
		}
	}
	ret = fpu_check_state(buf);
	if (ret)
		goto fail;
	*area = buf;
	return 0;
fail:
	kfree(buf);
	return ret;
}

int sigframe_restore(struct pt_regs *regs, u64 *mask,
		     struct uapi_stack *uc_stack)
{
	unsigned long frame = regs->rsp - sizeof(u64);
	struct uapi_rt_sigframe f;
	struct uapi_sigcontext *sc = &f.uc.uc_mcontext;
	struct pt_regs n = *regs;
	void *area;
	int ret;

	if (copy_from_user(&f, (const void __user *)frame, sizeof(f)))
		return -EFAULT;
	if (sc->rip >= USER_CANONICAL_END)
		return -EINVAL;
	if ((sc->cs | 3) != __USER_CS)
		return -EINVAL;
	/* Without UC_STRICT_RESTORE_SS Linux forces a valid SS; so do we. */
	if ((f.uc.uc_flags & UC_STRICT_RESTORE_SS) &&
	    (sc->ss | 3) != __USER_DS)
		return -EINVAL;
	ret = fpu_from_frame(sc->fpstate, &area);
	if (ret)
		return ret;

	n.r8 = sc->r8;
	n.r9 = sc->r9;
	n.r10 = sc->r10;
	n.r11 = sc->r11;
	n.r12 = sc->r12;
	n.r13 = sc->r13;
	n.r14 = sc->r14;
	n.r15 = sc->r15;
	n.rdi = sc->rdi;
	n.rsi = sc->rsi;
	n.rbp = sc->rbp;
	n.rbx = sc->rbx;
	n.rdx = sc->rdx;
	n.rax = sc->rax;
	n.rcx = sc->rcx;
	n.rsp = sc->rsp;
	n.rip = sc->rip;
	n.rflags = (regs->rflags & ~EFLAGS_FROM_FRAME) |
		   (sc->eflags & EFLAGS_FROM_FRAME);
	n.cs = __USER_CS;
	n.ss = __USER_DS;
	n.orig_rax = -1UL;	/* no system call to restart */

	if (area) {
		ret = fpu_load_current(area);
		kfree(area);
		if (ret)
			return ret;
	} else {
		fpu_reset_current();
	}
	*regs = n;
	*mask = f.uc.uc_sigmask;
	*uc_stack = f.uc.uc_stack;
	return 0;
}
