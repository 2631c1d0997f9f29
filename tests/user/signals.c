// SPDX-License-Identifier: GPL-2.0
/*
 * Signal delivery (tests/cluster/test_signals.py): run natively and on
 * Tessera, stdout and the exit status must be the same.
 *
 * Without arguments: handlers and their siginfo (kill, tgkill,
 * rt_sigqueueinfo), nested handlers, the mask inside a handler,
 * SA_NODEFER and SA_RESETHAND, ignored signals, sigaltstack, vector and
 * general registers kept across handlers (one run synchronously, many
 * from a periodic timer in the middle of a loop), forged RFLAGS bits in
 * a frame ignored, SIGSEGV and SIGFPE handlers leaving with siglongjmp
 * (and SIGILL, SIGTRAP), a pipe read interrupted with and without
 * SA_RESTART, futex waits interrupted and restarted, nanosleep's time
 * left, setitimer periodic and getitimer, sigsuspend, pause,
 * rt_sigtimedwait, sigwaitinfo woken by a thread, sigpending, SIGPIPE to
 * a handler, and a signal sent to one thread with tgkill.  Prints one
 * line per check and "N checks failed"; exit status 0.
 *
 * With one argument, a way to die: "term" (SIGTERM, default action:
 * 143), "segv" (a fault without a handler: 139), and four corrupt
 * rt_sigreturn frames whose handler breaks its ucontext before
 * returning: "bad-rip" (non-canonical), "bad-cs" (a kernel selector),
 * "bad-xstate" (a feature bit XCR0 lacks in XSTATE_BV), "bad-mxcsr" (a
 * reserved MXCSR bit): each 139.  "bad-stack": a handler on an unmapped
 * sigaltstack, no frame can be written: 139.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "checks.h"

/* A fault at a small address, without the compiler's array warnings. */
static volatile int *volatile low_ptr = (volatile int *)0x10;

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *),
			int flags, const sigset_t *mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		perror("sigaction");
}

/* ------------------------------------------------------------ siginfo */

static volatile int got_signo, got_code, got_pid, got_value, got_count;

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	got_signo = si->si_signo;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_value = si->si_value.sival_int;
	got_count++;
}

static void test_siginfo(void)
{
	siginfo_t si;

	set_handler(SIGUSR1, record, 0, NULL);
	got_count = 0;
	kill(getpid(), SIGUSR1);
	check("kill: handler ran once", got_count == 1);
	check("kill: si_signo SIGUSR1", got_signo == SIGUSR1);
	check("kill: si_code SI_USER", got_code == SI_USER);
	check("kill: si_pid is ours", got_pid == getpid());
	syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
	check("tgkill: si_code SI_TKILL", got_code == SI_TKILL);
	check("tgkill: si_pid is ours", got_pid == getpid());
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_value.sival_int = 4242;
	syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
	check("rt_sigqueueinfo: SI_QUEUE and its value",
	      got_code == SI_QUEUE && got_value == 4242);
	errno = 0;
	check("kill(0, 0) probes", kill(getpid(), 0) == 0);
	check("kill of another pid: ESRCH",
	      kill(99999, SIGUSR1) == -1 && errno == ESRCH);
	check("kill with signal 65: EINVAL",
	      kill(getpid(), 65) == -1 && errno == EINVAL);
	check("sigaction(SIGKILL): EINVAL",
	      sigaction(SIGKILL, &(struct sigaction){ 0 }, NULL) == -1 &&
	      errno == EINVAL);
	check("tgkill of a missing thread: ESRCH",
	      syscall(SYS_tgkill, getpid(), 99999, SIGUSR1) == -1 &&
	      errno == ESRCH);
}

/* ------------------------------------------------------------ nesting */

static char order[64];
static volatile int order_len;

static void note(char c)
{
	if (order_len < (int)sizeof(order) - 1)
		order[order_len++] = c;
}

static void usr2_note(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	note('2');
}

static void usr1_raises_usr2(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;

	(void)sig; (void)si; (void)uc;
	note('a');
	sigprocmask(SIG_BLOCK, NULL, &cur);
	if (sigismember(&cur, SIGUSR1))
		note('m');	/* SIGUSR1 itself is blocked */
	raise(SIGUSR2);
	note('b');
}

static volatile int depth, max_depth;

static void reentrant(int sig, siginfo_t *si, void *uc)
{
	(void)si; (void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	note('r');
	if (order_len < 3)
		raise(sig);
	depth--;
}

static void test_nesting(void)
{
	sigset_t mask, cur;
	struct sigaction sa;

	/* SIGUSR2 not masked: runs inside the SIGUSR1 handler. */
	set_handler(SIGUSR2, usr2_note, 0, NULL);
	set_handler(SIGUSR1, usr1_raises_usr2, 0, NULL);
	order_len = 0;
	raise(SIGUSR1);
	order[order_len] = 0;
	check("nested: a m 2 b", strcmp(order, "am2b") == 0);

	/* SIGUSR2 in sa_mask: it waits for the handler's return. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	set_handler(SIGUSR1, usr1_raises_usr2, 0, &mask);
	order_len = 0;
	raise(SIGUSR1);
	order[order_len] = 0;
	check("sa_mask defers: a m b 2", strcmp(order, "amb2") == 0);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	check("mask restored after the handler",
	      !sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2));

	/* Without SA_NODEFER a handler's own signal waits... */
	set_handler(SIGUSR1, reentrant, 0, NULL);
	order_len = 0;
	depth = max_depth = 0;
	raise(SIGUSR1);
	check("without SA_NODEFER: run 3 times, never nested",
	      order_len == 3 && max_depth == 1);
	/* ...with it, it nests. */
	set_handler(SIGUSR1, reentrant, SA_NODEFER, NULL);
	order_len = 0;
	depth = max_depth = 0;
	raise(SIGUSR1);
	check("SA_NODEFER: nested 3 deep", order_len == 3 && max_depth == 3);

	set_handler(SIGUSR1, record, SA_RESETHAND, NULL);
	got_count = 0;
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &sa);
	check("SA_RESETHAND: ran, then SIG_DFL",
	      got_count == 1 && sa.sa_handler == SIG_DFL);

	/* Ignored: by SIG_IGN, and by default. */
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	raise(SIGCHLD);
	raise(SIGWINCH);
	raise(SIGURG);
	check("SIG_IGN and default-ignored signals: alive", 1);
	signal(SIGUSR1, SIG_DFL);
}

/* ------------------------------------------------------------ altstack */

static char *alt_base;
static volatile int alt_inside, alt_onstack_flag;

static void on_alt(int sig, siginfo_t *si, void *uc)
{
	char here;
	stack_t cur;

	(void)sig; (void)si; (void)uc;
	alt_inside = &here >= alt_base && &here < alt_base + 65536;
	sigaltstack(NULL, &cur);
	alt_onstack_flag = cur.ss_flags == SS_ONSTACK;
}

static void test_altstack(void)
{
	stack_t ss, old;

	alt_base = malloc(65536);
	ss.ss_sp = alt_base;
	ss.ss_size = 1024;
	ss.ss_flags = 0;
	check("sigaltstack below MINSIGSTKSZ: ENOMEM",
	      sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
	ss.ss_flags = 12345;
	ss.ss_size = 65536;
	check("sigaltstack bad flags: EINVAL",
	      sigaltstack(&ss, NULL) == -1 && errno == EINVAL);
	ss.ss_flags = 0;
	check("sigaltstack set", sigaltstack(&ss, NULL) == 0);
	sigaltstack(NULL, &old);
	check("sigaltstack reads back, not on it",
	      old.ss_sp == alt_base && old.ss_size == 65536 &&
	      old.ss_flags == 0);
	set_handler(SIGUSR2, on_alt, SA_ONSTACK, NULL);
	raise(SIGUSR2);
	check("SA_ONSTACK handler runs on the alt stack", alt_inside);
	check("and sigaltstack says SS_ONSTACK there", alt_onstack_flag);
	set_handler(SIGUSR2, on_alt, 0, NULL);
	raise(SIGUSR2);
	check("without SA_ONSTACK: the normal stack", !alt_inside);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &old);
	check("SS_DISABLE", old.ss_flags == SS_DISABLE);
}

/* ------------------------------------------------------------ registers */

static volatile int ticks;

/* Clobber every vector register and the callee-saved ones. */
static void clobber(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	__asm__ __volatile__(
		"pcmpeqd %%xmm0, %%xmm0\n\t"
		"movdqa %%xmm0, %%xmm1\n\t" "movdqa %%xmm0, %%xmm2\n\t"
		"movdqa %%xmm0, %%xmm3\n\t" "movdqa %%xmm0, %%xmm4\n\t"
		"movdqa %%xmm0, %%xmm5\n\t" "movdqa %%xmm0, %%xmm6\n\t"
		"movdqa %%xmm0, %%xmm7\n\t" "movdqa %%xmm0, %%xmm8\n\t"
		"movdqa %%xmm0, %%xmm9\n\t" "movdqa %%xmm0, %%xmm10\n\t"
		"movdqa %%xmm0, %%xmm11\n\t" "movdqa %%xmm0, %%xmm12\n\t"
		"movdqa %%xmm0, %%xmm13\n\t" "movdqa %%xmm0, %%xmm14\n\t"
		"movdqa %%xmm0, %%xmm15\n\t"
		"movq $-1, %%rbx\n\t" "movq $-1, %%r12\n\t"
		"movq $-1, %%r13\n\t" "movq $-1, %%r14\n\t"
		"movq $-1, %%r15\n\t"
		: : : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		  "xmm13", "xmm14", "xmm15", "rbx", "r12", "r13", "r14",
		  "r15", "memory");
	if (__builtin_cpu_supports("avx"))
		__asm__ __volatile__(
			"vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t"
			"vmovdqa %%ymm0, %%ymm1\n\t" "vmovdqa %%ymm0, %%ymm7\n\t"
			"vmovdqa %%ymm0, %%ymm8\n\t" "vmovdqa %%ymm0, %%ymm15\n\t"
			: : : "xmm0", "xmm1", "xmm7", "xmm8", "xmm15");
	ticks++;
}

/*
 * Load 16 xmm registers (ymm with AVX) and rbx, r12-r15 with known
 * values, send SIGUSR1 with a raw kill if @sync_kill, wait in a loop
 * until @until handler runs have happened (timer signals arrive in the
 * middle of it), store them back and compare.  All through r8, which
 * neither the loop nor SYSCALL touches.
 */
struct regctx {
	unsigned char in[16][32];	/* 0 */
	unsigned char out[16][32];	/* 512 */
	unsigned long gin[5];		/* 1024 */
	unsigned long gout[5];		/* 1064 */
	int until;			/* 1104 */
	int sync;			/* 1108 */
	int pid;			/* 1112 */
} __attribute__((aligned(32)));

/*
 * The asm of regs_survive() for one register file: MOV the move
 * instruction, R the register name prefix ("ymm" or "xmm"), END what
 * comes last; c (the struct regctx) in r8.
 */
#define REGS_ASM(MOV, R, END)						\
	__asm__ __volatile__(						\
		MOV " 0(%%r8), %%" R "0\n\t" MOV " 32(%%r8), %%" R "1\n\t"	\
		MOV " 64(%%r8), %%" R "2\n\t" MOV " 96(%%r8), %%" R "3\n\t"	\
		MOV " 128(%%r8), %%" R "4\n\t" MOV " 160(%%r8), %%" R "5\n\t"	\
		MOV " 192(%%r8), %%" R "6\n\t" MOV " 224(%%r8), %%" R "7\n\t"	\
		MOV " 256(%%r8), %%" R "8\n\t" MOV " 288(%%r8), %%" R "9\n\t"	\
		MOV " 320(%%r8), %%" R "10\n\t" MOV " 352(%%r8), %%" R "11\n\t"	\
		MOV " 384(%%r8), %%" R "12\n\t" MOV " 416(%%r8), %%" R "13\n\t"	\
		MOV " 448(%%r8), %%" R "14\n\t" MOV " 480(%%r8), %%" R "15\n\t"	\
		"movq 1024(%%r8), %%rbx\n\t" "movq 1032(%%r8), %%r12\n\t" \
		"movq 1040(%%r8), %%r13\n\t" "movq 1048(%%r8), %%r14\n\t" \
		"movq 1056(%%r8), %%r15\n\t"				\
		"cmpl $0, 1108(%%r8)\n\t"				\
		"je 1f\n\t"						\
		"movl %[nr_kill], %%eax\n\t"				\
		"movl 1112(%%r8), %%edi\n\t"				\
		"movl %[sig], %%esi\n\t" "syscall\n\t"		\
		"1: movl 1104(%%r8), %%eax\n\t"			\
		"cmpl %%eax, %[ticks]\n\t"				\
		"jl 1b\n\t"						\
		"movq %%rbx, 1064(%%r8)\n\t" "movq %%r12, 1072(%%r8)\n\t" \
		"movq %%r13, 1080(%%r8)\n\t" "movq %%r14, 1088(%%r8)\n\t" \
		"movq %%r15, 1096(%%r8)\n\t"				\
		MOV " %%" R "0, 512(%%r8)\n\t" MOV " %%" R "1, 544(%%r8)\n\t"	\
		MOV " %%" R "2, 576(%%r8)\n\t" MOV " %%" R "3, 608(%%r8)\n\t"	\
		MOV " %%" R "4, 640(%%r8)\n\t" MOV " %%" R "5, 672(%%r8)\n\t"	\
		MOV " %%" R "6, 704(%%r8)\n\t" MOV " %%" R "7, 736(%%r8)\n\t"	\
		MOV " %%" R "8, 768(%%r8)\n\t" MOV " %%" R "9, 800(%%r8)\n\t"	\
		MOV " %%" R "10, 832(%%r8)\n\t" MOV " %%" R "11, 864(%%r8)\n\t"	\
		MOV " %%" R "12, 896(%%r8)\n\t" MOV " %%" R "13, 928(%%r8)\n\t"	\
		MOV " %%" R "14, 960(%%r8)\n\t" MOV " %%" R "15, 992(%%r8)\n\t"	\
		END							\
		:							\
		: [ticks] "m"(ticks), [nr_kill] "i"(SYS_kill),		\
		  [sig] "i"(SIGUSR1), "r"(c)				\
		: "rax", "rcx", "rdi", "rsi", "r11", "rbx", "r12", "r13", \
		  "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",	\
		  "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",	\
		  "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory")

static int regs_survive(int until, int sync_kill)
{
	static struct regctx ctx;
	int avx = __builtin_cpu_supports("avx");
	int i, j;

	_Static_assert(offsetof(struct regctx, until) == 1104, "layout");
	for (i = 0; i < 16; i++)
		for (j = 0; j < 32; j++)
			ctx.in[i][j] = i * 32 + j + 1;
	for (i = 0; i < 5; i++)
		ctx.gin[i] = 0x1111UL * (i + 1);
	memset(ctx.out, 0, sizeof(ctx.out));
	memset(ctx.gout, 0, sizeof(ctx.gout));
	ctx.until = until;
	ctx.sync = sync_kill;
	ctx.pid = getpid();
	ticks = 0;
	{
		/* Assigned right before the asm: calls clobber r8. */
		register struct regctx *c __asm__("r8") = &ctx;

		if (avx)
			REGS_ASM("vmovdqa", "ymm", "vzeroupper\n\t");
		else
			REGS_ASM("movdqa", "xmm", "");
	}
	for (i = 0; i < 16; i++)
		if (memcmp(ctx.in[i], ctx.out[i], avx ? 32 : 16))
			return 0;
	return memcmp(ctx.gin, ctx.gout, sizeof(ctx.gin)) == 0;
}

static void test_registers(void)
{
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };

	set_handler(SIGUSR1, clobber, 0, NULL);
	check("registers survive a handler (kill)", regs_survive(1, 1));
	set_handler(SIGALRM, clobber, SA_RESTART, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	check("registers survive 5 timer signals in a loop",
	      regs_survive(5, 0));
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_IGN);
}

/* A handler forging privileged RFLAGS bits (IOPL 3, IF clear, NT). */
static void forge_flags(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig; (void)si;
	uc->uc_mcontext.gregs[REG_EFL] =
		(uc->uc_mcontext.gregs[REG_EFL] | 0x3000 | 0x4000) & ~0x200UL;
}

static void test_forged_flags(void)
{
	unsigned long flags;

	set_handler(SIGUSR1, forge_flags, 0, NULL);
	raise(SIGUSR1);
	__asm__ __volatile__("pushfq\n\tpopq %0" : "=r"(flags));
	check("forged IOPL/NT/IF in a frame: not taken",
	      (flags & 0x7200) == 0x200);
	signal(SIGUSR1, SIG_DFL);
}

/* ------------------------------------------------------------ faults */

static sigjmp_buf jump;
static volatile int fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_signo = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(jump, 1);
}

static void test_faults(void)
{
	volatile int zero = 0, x = 7;
	char *ro;
	sigset_t cur;

	set_handler(SIGSEGV, on_fault, 0, NULL);
	set_handler(SIGFPE, on_fault, 0, NULL);
	if (!sigsetjmp(jump, 1)) {
		*low_ptr = 1;
		check("SIGSEGV: not reached", 0);
	}
	check("SIGSEGV handler: si_code SEGV_MAPERR, si_addr 0x10",
	      got_signo == SIGSEGV && fault_code == SEGV_MAPERR &&
	      fault_addr == (void *)0x10);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	check("siglongjmp restored the mask", !sigismember(&cur, SIGSEGV));

	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!sigsetjmp(jump, 1)) {
		ro[100] = 1;
		check("SIGSEGV (read-only): not reached", 0);
	}
	check("SIGSEGV on a read-only page: SEGV_ACCERR, its address",
	      got_signo == SIGSEGV && fault_code == SEGV_ACCERR &&
	      fault_addr == ro + 100);
	munmap(ro, 4096);

	if (!sigsetjmp(jump, 1)) {
		x = x / zero;
		check("SIGFPE: not reached", 0);
	}
	check("SIGFPE: FPE_INTDIV with an address",
	      got_signo == SIGFPE && fault_code == FPE_INTDIV &&
	      fault_addr != NULL);

	set_handler(SIGILL, on_fault, 0, NULL);
	if (!sigsetjmp(jump, 1)) {
		__asm__ __volatile__("ud2");
		check("SIGILL: not reached", 0);
	}
	check("SIGILL from ud2: ILL_ILLOPN at the instruction",
	      got_signo == SIGILL && fault_code == ILL_ILLOPN &&
	      *(unsigned short *)fault_addr == 0x0b0f);
	set_handler(SIGTRAP, on_fault, 0, NULL);
	if (!sigsetjmp(jump, 1)) {
		__asm__ __volatile__("int3");
		check("SIGTRAP: not reached", 0);
	}
	check("SIGTRAP from int3: SI_KERNEL",
	      got_signo == SIGTRAP && fault_code == SI_KERNEL);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	signal(SIGTRAP, SIG_DFL);
}

/* ------------------------------------------------------------ interruptions */

static int pipefd[2];

static void alarm_writes(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	got_code = si->si_code;
	got_count++;
	if (write(pipefd[1], "x", 1) != 1)
		got_count += 100;
}

static int futex_word;

static void futex_set(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	futex_word = 1;
}

static void one_shot(long usec)
{
	struct itimerval it = { { 0, 0 }, { 0, usec } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void test_interruptions(void)
{
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	struct itimerval it;
	char c;
	long n;
	sigset_t mask, cur;

	if (pipe(pipefd))
		perror("pipe");
	set_handler(SIGALRM, alarm_writes, 0, NULL);
	got_count = 0;
	alarm(1);
	n = read(pipefd[0], &c, 1);
	check("read without SA_RESTART: EINTR", n == -1 && errno == EINTR);
	check("SIGALRM from alarm: si_code SI_KERNEL",
	      got_count == 1 && got_code == SI_KERNEL);
	check("the handler's byte is there", read(pipefd[0], &c, 1) == 1);

	set_handler(SIGALRM, alarm_writes, SA_RESTART, NULL);
	got_count = 0;
	one_shot(50000);
	n = read(pipefd[0], &c, 1);
	check("read with SA_RESTART: restarted, gets the byte",
	      n == 1 && got_count == 1);

	/*
	 * The waits of the event calls: epoll_wait is EINTR even under
	 * SA_RESTART; poll is EINTR after a handler (pipe empty: the
	 * handler's byte was read above).
	 */
	{
		int ep = epoll_create1(0);
		struct epoll_event ev = { .events = EPOLLIN }, out;
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };

		epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &ev);
		set_handler(SIGALRM, record, SA_RESTART, NULL);
		got_count = 0;
		one_shot(50000);
		n = epoll_wait(ep, &out, 1, 5000);
		check("epoll_wait with SA_RESTART: EINTR",
		      n == -1 && errno == EINTR && got_count == 1);
		set_handler(SIGALRM, record, 0, NULL);
		one_shot(50000);
		n = poll(&pfd, 1, 5000);
		check("poll interrupted: EINTR",
		      n == -1 && errno == EINTR && got_count == 2);
		close(ep);
	}

	set_handler(SIGALRM, record, 0, NULL);
	one_shot(50000);
	n = nanosleep(&req, &rem);
	check("nanosleep interrupted: EINTR", n == -1 && errno == EINTR);
	check("nanosleep: time left between 1 and 5 s",
	      rem.tv_sec >= 1 && rem.tv_sec < 5);

	/* alarm() reports what was left of the previous one. */
	alarm(100);
	check("alarm(0) returns the seconds left", alarm(0) == 100);

	/* Periodic: five signals, counted in sigsuspend. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGALRM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	got_count = 0;
	it.it_interval.tv_sec = 0;
	it.it_interval.tv_usec = 20000;
	it.it_value = it.it_interval;
	setitimer(ITIMER_REAL, &it, NULL);
	sigemptyset(&mask);
	while (got_count < 5)
		if (sigsuspend(&mask) != -1 || errno != EINTR)
			break;
	check("setitimer periodic: 5 signals through sigsuspend",
	      got_count == 5);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	check("sigsuspend restored the mask", sigismember(&cur, SIGALRM));
	getitimer(ITIMER_REAL, &it);
	check("getitimer: the interval, still armed",
	      it.it_interval.tv_sec == 0 && it.it_interval.tv_usec == 20000 &&
	      (it.it_value.tv_sec || it.it_value.tv_usec));
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &it);
	check("getitimer: disarmed", !it.it_value.tv_sec &&
	      !it.it_value.tv_usec && !it.it_interval.tv_usec);
	check("setitimer bad usec: EINVAL",
	      setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 },
						      { 0, 1000000 } },
			NULL) == -1 && errno == EINVAL);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);

	/* futex waits: EINTR; restarted under SA_RESTART unless timed. */
	set_handler(SIGALRM, futex_set, 0, NULL);
	futex_word = 0;
	one_shot(30000);
	n = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
	check("futex wait without SA_RESTART: EINTR",
	      n == -1 && errno == EINTR);
	set_handler(SIGALRM, futex_set, SA_RESTART, NULL);
	futex_word = 0;
	one_shot(30000);
	n = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
	check("futex wait with SA_RESTART: restarted, word changed: EAGAIN",
	      n == -1 && errno == EAGAIN);
	futex_word = 0;
	one_shot(30000);
	n = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &req);
	check("timed futex wait with SA_RESTART: EINTR",
	      n == -1 && errno == EINTR);

	set_handler(SIGALRM, record, 0, NULL);
	got_count = 0;
	one_shot(30000);
	n = pause();
	check("pause: EINTR after the handler",
	      n == -1 && errno == EINTR && got_count == 1);
	signal(SIGALRM, SIG_DFL);
}

static void test_sigwait(void)
{
	struct timespec ts = { 0, 10000000 };
	sigset_t mask, pending;
	siginfo_t si;
	int sig;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	set_handler(SIGUSR1, record, 0, NULL);
	got_count = 0;
	syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
	sigpending(&pending);
	check("blocked SIGUSR1 pending, handler not run",
	      sigismember(&pending, SIGUSR1) && got_count == 0);
	/* Raw: glibc's sigtimedwait turns SI_TKILL into SI_USER. */
	sig = syscall(SYS_rt_sigtimedwait, &mask, &si, &ts, 8);
	check("rt_sigtimedwait takes it: SI_TKILL, si_pid ours",
	      sig == SIGUSR1 && si.si_signo == SIGUSR1 &&
	      si.si_code == SI_TKILL && si.si_pid == getpid());
	sigpending(&pending);
	check("no longer pending", !sigismember(&pending, SIGUSR1));
	sig = sigtimedwait(&mask, &si, &ts);
	check("sigtimedwait, nothing: EAGAIN after the timeout",
	      sig == -1 && errno == EAGAIN);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	check("handler never ran", got_count == 0);
}

static pid_t main_tid;

static void *send_later(void *arg)
{
	struct timespec ms = { 0, 20000000 };

	(void)arg;
	nanosleep(&ms, NULL);
	syscall(SYS_tgkill, getpid(), main_tid, SIGUSR2);
	return NULL;
}

/* sigwaitinfo without a timeout, woken by another thread's tgkill. */
static void test_sigwaitinfo(void)
{
	sigset_t mask;
	siginfo_t si;
	pthread_t t;
	int sig;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	main_tid = gettid_();
	pthread_create(&t, NULL, send_later, NULL);
	sig = sigwaitinfo(&mask, &si);
	pthread_join(t, NULL);
	check("sigwaitinfo: woken by a thread's tgkill",
	      sig == SIGUSR2 && si.si_pid == getpid());
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

/*
 * Real-time signals queue: three sigqueue()s of one blocked RT signal
 * come out as three instances with their values, in order; a standard
 * signal sent twice while blocked comes out once.
 */
static void test_rt_queue(void)
{
	int rt = SIGRTMIN + 2, got[4] = { 0 }, n = 0, sig;
	sigset_t mask;
	siginfo_t si;
	struct timespec zero = { 0, 0 };

	sigemptyset(&mask);
	sigaddset(&mask, rt);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	for (int v = 1; v <= 3; v++)
		sigqueue(getpid(), rt, (union sigval){ .sival_int = v });
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	/* The lowest number first: SIGUSR1, once. */
	sig = sigtimedwait(&mask, &si, &zero);
	check("rt signals: the standard one first, once",
	      sig == SIGUSR1 && sigtimedwait(&mask, &si, &zero) == rt);
	got[n++] = si.si_value.sival_int;
	while (n < 4 && sigtimedwait(&mask, &si, &zero) == rt)
		got[n++] = si.si_value.sival_int;
	check("rt signals: three queued instances, in order",
	      n == 3 && got[0] == 1 && got[1] == 2 && got[2] == 3 &&
	      errno == EAGAIN);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

static void test_sigpipe(void)
{
	int fd[2];

	set_handler(SIGPIPE, record, 0, NULL);
	if (pipe(fd))
		perror("pipe");
	close(fd[0]);
	got_count = 0;
	check("write without a reader: EPIPE",
	      write(fd[1], "x", 1) == -1 && errno == EPIPE);
	check("SIGPIPE handler: SI_USER from us",
	      got_count == 1 && got_signo == SIGPIPE && got_code == SI_USER &&
	      got_pid == getpid());
	close(fd[1]);
	signal(SIGPIPE, SIG_DFL);
}

/* ------------------------------------------------------------ threads */

static volatile pid_t handler_tid, thread_tid;
static volatile int thread_stop;

static void note_tid(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	handler_tid = gettid_();
}

static void *waiter(void *arg)
{
	(void)arg;
	thread_tid = gettid_();
	while (!thread_stop)
		pause();
	return NULL;
}

static void test_thread(void)
{
	pthread_t t;
	struct timespec ms = { 0, 1000000 };

	set_handler(SIGUSR2, note_tid, 0, NULL);
	handler_tid = 0;
	pthread_create(&t, NULL, waiter, NULL);
	while (!thread_tid)
		nanosleep(&ms, NULL);
	syscall(SYS_tgkill, getpid(), thread_tid, SIGUSR2);
	while (!handler_tid)
		nanosleep(&ms, NULL);
	check("tgkill to a thread: its handler runs there",
	      handler_tid == thread_tid);
	thread_stop = 1;
	syscall(SYS_tgkill, getpid(), thread_tid, SIGUSR2);
	pthread_join(t, NULL);
	check("the thread left pause and was joined", 1);
}

/* ------------------------------------------------------------ deaths */

static const char *bad_mode;

static void corrupt(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;

	(void)sig; (void)si;
	if (!strcmp(bad_mode, "bad-rip"))
		uc->uc_mcontext.gregs[REG_RIP] = 0x8000000000001000UL;
	else if (!strcmp(bad_mode, "bad-cs"))
		uc->uc_mcontext.gregs[REG_CSGSFS] =
			(uc->uc_mcontext.gregs[REG_CSGSFS] & ~0xffffUL) | 0x8;
	else if (!strcmp(bad_mode, "bad-xstate"))
		fp[512 + 7] |= 0x40;	/* XSTATE_BV bit 62: no such feature */
	else if (!strcmp(bad_mode, "bad-mxcsr"))
		fp[24 + 2] |= 1;	/* MXCSR bit 16: reserved */
}

static int die(const char *mode)
{
	printf("dying: %s\n", mode);
	fflush(stdout);
	bad_mode = mode;
	if (!strcmp(mode, "term"))
		raise(SIGTERM);
	else if (!strcmp(mode, "segv"))
		*low_ptr = 0;
	if (!strcmp(mode, "bad-stack")) {
		/* A sigaltstack that is not mapped: no frame, SIGSEGV. */
		stack_t ss = { .ss_size = 65536 };
		char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		munmap(p, 65536);
		ss.ss_sp = p;
		sigaltstack(&ss, NULL);
		set_handler(SIGUSR1, corrupt, SA_ONSTACK, NULL);
		raise(SIGUSR1);
		printf("still alive after %s\n", mode);
		return 0;
	}
	set_handler(SIGUSR1, corrupt, 0, NULL);
	raise(SIGUSR1);
	printf("still alive after %s\n", mode);
	return 0;
}

int main(int argc, char **argv)
{
	(void)show;	/* checks.h's, unused here */
	if (argc > 1)
		return die(argv[1]);
	test_siginfo();
	test_nesting();
	test_altstack();
	test_registers();
	test_forged_flags();
	test_faults();
	test_interruptions();
	test_sigwait();
	test_sigwaitinfo();
	test_rt_queue();
	test_sigpipe();
	test_thread();
	printf("%d checks failed\n", nr_failed);
	return 0;
}
