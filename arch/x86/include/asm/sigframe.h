/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 signal frame (arch/x86/kernel/signal.c): what the
 * processor manager's signal code (managers/processor/signal.c) asks
 * for, laid out exactly as Linux lays out its rt_sigframe, so that
 * glibc's sa_restorer and any program reading its ucontext work.
 */
#ifndef _ASM_X86_SIGFRAME_H
#define _ASM_X86_SIGFRAME_H

#include <tessera/types.h>
#include <uapi/signal.h>
#include <asm/ptrace.h>

/* The red zone below a user stack pointer that a frame must skip. */
#define SIGFRAME_RED_ZONE	128

struct sigframe_setup {
	int sig;
	const struct uapi_siginfo *info;
	u64 handler;
	u64 restorer;			/* sa_restorer: the return address */
	u64 oldmask;			/* uc_sigmask: restored by sigreturn */
	unsigned long sp;		/* the frame goes below this address */
	struct uapi_stack uc_stack;	/* the sigaltstack, for uc_stack */
	u64 trapno, err, cr2;		/* of a fault, else 0 */
};

/*
 * Save the registers of @regs and the FPU state on the user stack below
 * s->sp and point @regs at the handler (rdi = signal, rsi = &siginfo,
 * rdx = &ucontext, rsp = the frame; the FPU reset).  0, or -EFAULT if
 * the frame could not be written (@regs unchanged then).
 */
int sigframe_setup(struct pt_regs *regs, const struct sigframe_setup *s);

/*
 * rt_sigreturn: the frame below regs->rsp, checked (a canonical user
 * RIP, the user code and stack selectors, a valid FPU state) and
 * restored into @regs and the FPU.  Its signal mask in *@mask and its
 * uc_stack in *@uc_stack.  0, -EFAULT or -EINVAL (the caller kills with
 * SIGSEGV); @regs is unchanged on an error.
 */
int sigframe_restore(struct pt_regs *regs, u64 *mask,
		     struct uapi_stack *uc_stack);

#endif /* _ASM_X86_SIGFRAME_H */
