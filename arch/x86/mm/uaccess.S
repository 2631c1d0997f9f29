/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only instructions that touch user memory, and their exception
 * table.  Each entry pairs a faulting instruction with the address to
 * resume at when the fault cannot be resolved; kernel_fault_fixup()
 * (arch/x86/mm/user.c) searches it.  Callers check the range first
 * (<tessera/uaccess.h> access_ok()), so only unmapped or protected user
 * pages can fault here, never a kernel address.
 *
 * On a resolvable fault (a page not brought in yet) the instruction is
 * simply restarted: REP MOVSB/STOSB resume where they stopped.
 *
 * With SMAP on (cpu_protect_init()), a kernel access to a user page
 * faults unless EFLAGS.AC is set: every routine sets it first (STAC) and
 * clears it on every way out (CLAC), fixups included.  Nothing else in
 * the kernel runs with AC set: the interrupt entry clears it.
 */
#define EFAULT	14

.macro EXTABLE insn, fixup
	.pushsection .rodata.uaccess_extable, "a"
	.balign 8
	.quad	\insn, \fixup
	.popsection
.endm

	.pushsection .rodata.uaccess_extable, "a"
	.balign 8
	.globl uaccess_extable
uaccess_extable:
	.popsection

/* STAC/CLAC only where the CPU has SMAP (#UD elsewhere); flags clobbered. */
.macro UACCESS_ON
	cmpb	$0, x86_smap_enabled(%rip)
	je	.Lno_stac\@
	stac
.Lno_stac\@:
.endm

.macro UACCESS_OFF
	cmpb	$0, x86_smap_enabled(%rip)
	je	.Lno_clac\@
	clac
.Lno_clac\@:
.endm

	.text

/* unsigned long __copy_user(void *dst, const void *src, unsigned long n) */
	.globl __copy_user
	.type __copy_user, @function
__copy_user:
	UACCESS_ON
	movq	%rdx, %rcx
1:	rep movsb
	xorl	%eax, %eax
	UACCESS_OFF
	ret
2:	movq	%rcx, %rax		/* bytes left */
	UACCESS_OFF
	ret
	EXTABLE 1b, 2b
	.size __copy_user, . - __copy_user

/* unsigned long __clear_user(void *dst, unsigned long n) */
	.globl __clear_user
	.type __clear_user, @function
__clear_user:
	UACCESS_ON
	movq	%rsi, %rcx
	xorl	%eax, %eax
1:	rep stosb
	UACCESS_OFF
	ret				/* %rax is still 0 */
2:	movq	%rcx, %rax
	UACCESS_OFF
	ret
	EXTABLE 1b, 2b
	.size __clear_user, . - __clear_user

/* long __strncpy_user(char *dst, const char *src, long n) */
	.globl __strncpy_user
	.type __strncpy_user, @function
__strncpy_user:
	UACCESS_ON
	xorl	%eax, %eax
3:	cmpq	%rdx, %rax
	jae	4f
1:	movb	(%rsi,%rax), %cl
	movb	%cl, (%rdi,%rax)
	testb	%cl, %cl
	jz	4f
	incq	%rax
	jmp	3b
4:	UACCESS_OFF
	ret
2:	movq	$-EFAULT, %rax
	UACCESS_OFF
	ret
	EXTABLE 1b, 2b
	.size __strncpy_user, . - __strncpy_user

/* int __get_user_4(u32 *val, const u32 *uaddr) */
	.globl __get_user_4
	.type __get_user_4, @function
__get_user_4:
	UACCESS_ON
1:	movl	(%rsi), %ecx
	movl	%ecx, (%rdi)
	xorl	%eax, %eax
	UACCESS_OFF
	ret
2:	movl	$-EFAULT, %eax
	UACCESS_OFF
	ret
	EXTABLE 1b, 2b
	.size __get_user_4, . - __get_user_4

/* int __put_user_4(u32 val, u32 *uaddr) */
	.globl __put_user_4
	.type __put_user_4, @function
__put_user_4:
	UACCESS_ON
1:	movl	%edi, (%rsi)
	xorl	%eax, %eax
	UACCESS_OFF
	ret
2:	movl	$-EFAULT, %eax
	UACCESS_OFF
	ret
	EXTABLE 1b, 2b
	.size __put_user_4, . - __put_user_4

/* int __get_user_8(u64 *val, const u64 *uaddr) */
	.globl __get_user_8
	.type __get_user_8, @function
__get_user_8:
	UACCESS_ON
1:	movq	(%rsi), %rcx
	movq	%rcx, (%rdi)
	xorl	%eax, %eax
	UACCESS_OFF
	ret
2:	movl	$-EFAULT, %eax
	UACCESS_OFF
	ret
	EXTABLE 1b, 2b
	.size __get_user_8, . - __get_user_8

/* int __put_user_8(u64 val, u64 *uaddr) */
	.globl __put_user_8
	.type __put_user_8, @function
__put_user_8:
	UACCESS_ON
1:	movq	%rdi, (%rsi)
	xorl	%eax, %eax
	UACCESS_OFF
	ret
2:	movl	$-EFAULT, %eax
	UACCESS_OFF
	ret
	EXTABLE 1b, 2b
	.size __put_user_8, . - __put_user_8

/*
 * int __probe_user_nosmap(u64 *val, const u64 *uaddr): the load of
 * __get_user_8 WITHOUT STAC, for the ktest that checks SMAP: with SMAP on
 * it must fault and return -EFAULT even though the page is mapped.
 */
	.globl __probe_user_nosmap
	.type __probe_user_nosmap, @function
__probe_user_nosmap:
1:	movq	(%rsi), %rcx
	movq	%rcx, (%rdi)
	xorl	%eax, %eax
	ret
2:	movl	$-EFAULT, %eax
	ret
	EXTABLE 1b, 2b
	.size __probe_user_nosmap, . - __probe_user_nosmap

	.pushsection .rodata.uaccess_extable, "a"
	.balign 8
	.globl uaccess_extable_end
uaccess_extable_end:
	.popsection
