/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux x86-64 signals as user space sees them: numbers, rt_sigaction
 * flags, siginfo, stack_t, and the signal frame's ucontext and
 * sigcontext (managers/processor/signal.c, arch/x86/kernel/signal.c).
 */
#ifndef _UAPI_SIGNAL_H
#define _UAPI_SIGNAL_H

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPWR		30
#define SIGSYS		31
#define SIGRTMIN	32
#define _NSIG		64

#include <tessera/types.h>

/* sa_handler values that are not functions. */
#define SIG_DFL		0
#define SIG_IGN		1

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

#define SA_NOCLDSTOP	0x00000001
#define SA_NOCLDWAIT	0x00000002
#define SA_SIGINFO	0x00000004
#define SA_RESTORER	0x04000000
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000

#define SA_FLAGS_KNOWN	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | \
			 SA_RESTORER | SA_ONSTACK | SA_RESTART | \
			 SA_NODEFER | SA_RESETHAND)

/* The kernel's sigset_t: 64 bits on x86-64 (sigsetsize must be 8). */
#define KERNEL_SIGSET_SIZE	8

/* si_code values. */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_QUEUE	(-1)
#define SI_TIMER	(-2)
#define SI_TKILL	(-6)
#define ILL_ILLOPN	2
#define FPE_INTDIV	1
#define FPE_FLTINV	7
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define TRAP_BRKPT	1

/* siginfo_t: 128 bytes; the union starts at byte 16. */
#define SI_MAX_SIZE	128

struct uapi_siginfo {
	s32 si_signo;
	s32 si_errno;
	s32 si_code;
	s32 __pad;
	union {
		struct {		/* kill, tkill, sigqueue */
			s32 pid;
			u32 uid;
			u64 value;
		} kill;
		struct {		/* the fault signals */
			u64 addr;
		} fault;
		struct {		/* SIGCHLD, waitid */
			s32 pid;
			u32 uid;
			s32 status;	/* exit code or signal */
			s32 __pad;
			s64 utime, stime;	/* clock ticks */
		} chld;
		u8 bytes[SI_MAX_SIZE - 16];
	};
};

_Static_assert(sizeof(struct uapi_siginfo) == SI_MAX_SIZE, "siginfo size");

/* sigaltstack */
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1U << 31)
#define MINSIGSTKSZ	2048

struct uapi_stack {
	u64 ss_sp;
	s32 ss_flags;
	s32 __pad;
	u64 ss_size;
};

/* struct sigcontext (uc_mcontext) of x86-64. */
struct uapi_sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;			/* user address of the XSAVE area */
	u64 reserved1[8];
};

#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4

struct uapi_ucontext {
	u64 uc_flags;
	u64 uc_link;
	struct uapi_stack uc_stack;
	struct uapi_sigcontext uc_mcontext;
	u64 uc_sigmask;
};

/* The frame a handler finds at its stack pointer (x86-64 rt_sigframe). */
struct uapi_rt_sigframe {
	u64 pretcode;			/* sa_restorer: calls rt_sigreturn */
	struct uapi_ucontext uc;
	struct uapi_siginfo info;
	/* the FPU state follows, 64-byte aligned, above */
};

_Static_assert(sizeof(struct uapi_sigcontext) == 256, "sigcontext size");
_Static_assert(sizeof(struct uapi_ucontext) == 304, "ucontext size");

/* The software-reserved bytes 464..511 of the FXSAVE area. */
#define FP_XSTATE_MAGIC1	0x46505853U
#define FP_XSTATE_MAGIC2	0x46505845U
#define FP_SW_BYTES_OFFSET	464

struct uapi_fpx_sw_bytes {
	u32 magic1;
	u32 extended_size;		/* xstate_size + 4 (MAGIC2) */
	u64 xfeatures;
	u32 xstate_size;
	u32 padding[7];
};

/* setitimer / getitimer */
#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2

#endif /* _UAPI_SIGNAL_H */
