/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AP trampoline: from the real mode an AP wakes up in after
 * INIT-SIPI-SIPI to 64-bit kernel code on its idle task's stack.
 *
 * trampoline_start..trampoline_end is position dependent code for
 * physical TRAMPOLINE_PA; smpboot.c copies it there (the SIPI vector is
 * that page number, so the AP starts at CS = TRAMPOLINE_PA >> 4, IP = 0)
 * and fills the struct trampoline_data at its end.  The steps:
 *
 *   16-bit: load the trampoline's own GDT, set CR0.PE
 *   32-bit: CR4.PAE|PGE, CR3 = temporary tables (identity first 2 MiB +
 *           the kernel's upper half), EFER = the boot CPU's (LME, NXE),
 *           CR0.PG|WP
 *   64-bit: still on the identity map, jump to secondary_startup_64 at
 *           its kernel address
 *
 * secondary_startup_64 (in .text) switches to the kernel's page tables,
 * takes the idle stack and calls secondary_start_kernel(cpu), which loads
 * the CPU's real GDT, TSS and IDT.  Each step records its progress in
 * trampoline_data.stage so a CPU that never checks in can be reported
 * with the mode it got stuck in.
 */
#include <asm/page.h>
#include <asm/smpboot.h>

#define TR_OFF(x)		((x) - trampoline_start)
#define TR_ADDR(x)		(TRAMPOLINE_PA + TR_OFF(x))
#define TR_DATA(field)		(TR_ADDR(trampoline_data) + (field))

#define TR_CS64			0x08
#define TR_DS			0x10
#define TR_CS32			0x18

#define MSR_EFER		0xc0000080
#define CR0_PE			0x00000001
/* PE, MP, ET, NE, WP, PG; clears the CD and NW that INIT leaves set. */
#define CR0_LONG_MODE		0x80010033
#define CR4_PAE_PGE		0x000000a0

	.section .rodata, "a"
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_data

	.code16
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movl	$TR_STAGE_REAL, TR_OFF(trampoline_data) + TR_STAGE
	lgdtl	TR_OFF(tr_gdt_ptr)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$TR_CS32, $TR_ADDR(tr_protected)

	.code32
tr_protected:
	movl	$TR_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$TR_STAGE_PROTECTED, TR_DATA(TR_STAGE)

	movl	%cr4, %eax
	orl	$CR4_PAE_PGE, %eax
	movl	%eax, %cr4
	movl	TR_DATA(TR_TEMP_CR3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	movl	TR_DATA(TR_EFER), %eax
	xorl	%edx, %edx
	wrmsr
	movl	$CR0_LONG_MODE, %eax
	movl	%eax, %cr0
	ljmpl	$TR_CS64, $TR_ADDR(tr_long)

	.code64
tr_long:
	movl	$TR_STAGE_LONG, TR_DATA(TR_STAGE)
	movl	TR_DATA(TR_CPU), %edi
	movq	TR_DATA(TR_KERNEL_CR3), %rcx
	movq	TR_DATA(TR_STACK_TOP), %rdx
	movq	TR_DATA(TR_ENTRY64), %rax
	jmp	*%rax

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
	.quad	0x00cf9a000000ffff	/* 0x18: flat 32-bit code */
tr_gdt_end:
tr_gdt_ptr:
	.word	tr_gdt_end - tr_gdt - 1
	.long	TR_ADDR(tr_gdt)

	.balign 8
trampoline_data:
	.skip	TR_DATA_SIZE
trampoline_end:

/*
 * Kernel-side entry, reached on the temporary page tables with
 * %edi = CPU number, %rcx = kernel CR3, %rdx = top of the idle stack.
 * The temporary GDT stays loaded until arch_cpu_init() replaces it.
 */
	.text
	.globl secondary_startup_64
secondary_startup_64:
	movq	%rcx, %cr3
	movq	%rdx, %rsp
	xorl	%ebp, %ebp
	call	secondary_start_kernel
1:	cli
	hlt
	jmp	1b
