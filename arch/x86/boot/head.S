/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The first instructions: from a 32-bit protected-mode entry (GRUB's
 * multiboot2 or QEMU's PVH) to start_kernel() in 64-bit long mode at the
 * higher-half address.
 *
 * Both loaders enter with paging off, flat 32-bit segments and %ebx pointing
 * at their boot information.  We zero .bss, build a throw-away page table
 * that maps the first 1 GiB of RAM three times (identity, the direct map at
 * PAGE_OFFSET, and the kernel image window at __START_KERNEL_map) with 2 MiB
 * pages, turn on PAE + long mode + NX + paging, and jump high.
 * arch/x86/mm/init.c replaces these tables with the real ones.
 *
 * Until paging is on, every symbol is used by its physical address
 * PHYS(sym); the image is linked at KERNEL_VIRT_BASE.
 */
#include <asm/page.h>

#define PHYS(x)			((x) - __START_KERNEL_map)

#define MB2_MAGIC		0xe85250d6
#define MB2_ARCH_I386		0
#define MB2_BOOT_MAGIC		0x36d76289
#define PVH_BOOT_MAGIC		0x336ec578	/* hvm_start_info.magic */

#define X86_CR0_PE		(1 << 0)
#define X86_CR0_WP		(1 << 16)
#define X86_CR0_PG		(1 << 31)
#define X86_CR4_PAE		(1 << 5)
#define X86_CR4_PGE		(1 << 7)
#define MSR_EFER		0xc0000080
#define EFER_LME		(1 << 8)
#define EFER_NXE		(1 << 11)

#define PTE_P			0x001
#define PTE_W			0x002
#define PTE_PS			0x080

#define COM1			0x3f8

/* ---------------------------------------------------------------------- */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long	MB2_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	-(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* entry address tag: GRUB jumps here, not to the (virtual) e_entry */
	.balign 8
	.word	3, 0
	.long	12
	.long	PHYS(mb2_start32)
	/* end tag */
	.balign 8
	.word	0, 0
	.long	8
mb2_header_end:

/* PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18), read by qemu -kernel. */
	.section .note.Xen, "a"
	.balign 4
	.long	4			/* name size */
	.long	4			/* desc size */
	.long	18			/* type */
	.asciz	"Xen"
	.long	PHYS(pvh_start32)

/* ---------------------------------------------------------------------- */
	.section .head.text, "ax"
	.code32

	.globl mb2_start32
mb2_start32:
	cli
	cld
	movl	%eax, PHYS(boot_magic)
	movl	%ebx, PHYS(boot_info_phys)
	jmp	start32_common

	.globl pvh_start32
pvh_start32:
	cli
	cld
	movl	$PVH_BOOT_MAGIC, PHYS(boot_magic)
	movl	%ebx, PHYS(boot_info_phys)

start32_common:
	movl	$PHYS(boot_stack_top), %esp

	/* Zero .bss (loaders should, but the tables below live there). */
	movl	$PHYS(__bss_start), %edi
	movl	$PHYS(__bss_stop), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	/* Is there long mode at all?  If not, say so on COM1 and stop. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 29), %edx
	jz	no_long_mode
	/* Remember NX support (EDX bit 20) for the EFER write below. */
	movl	%edx, %esi

	/* 512 x 2 MiB = first 1 GiB, in early_pd. */
	movl	$PHYS(early_pd), %edi
	movl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	$512, %ecx
1:	movl	%eax, (%edi)
	movl	$0, 4(%edi)
	addl	$PMD_SIZE, %eax
	addl	$8, %edi
	loop	1b

	/* Two PDPTs share early_pd: index 0 (low / direct) and 510 (kernel). */
	movl	$(PHYS(early_pd) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(early_pdpt_low)
	movl	%eax, PHYS(early_pdpt_high) + 510 * 8

	movl	$(PHYS(early_pdpt_low) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(early_pml4)					/* identity */
	movl	%eax, PHYS(early_pml4) + ((PAGE_OFFSET >> PGDIR_SHIFT) & 511) * 8
	movl	$(PHYS(early_pdpt_high) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(early_pml4) + 511 * 8

	movl	%cr4, %eax
	orl	$(X86_CR4_PAE | X86_CR4_PGE), %eax
	movl	%eax, %cr4

	movl	$PHYS(early_pml4), %eax
	movl	%eax, %cr3

	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	testl	$(1 << 20), %esi
	jz	2f
	orl	$EFER_NXE, %eax
2:	wrmsr

	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
	movl	%eax, %cr0

	lgdt	PHYS(early_gdt_ptr)
	ljmp	$0x08, $PHYS(start64_low)

no_long_mode:
	movl	$PHYS(no_long_mode_msg), %esi
3:	movb	(%esi), %al
	testb	%al, %al
	jz	4f
	movw	$(COM1 + 5), %dx
5:	inb	%dx, %al
	testb	$0x20, %al
	jz	5b
	movb	(%esi), %al
	movw	$COM1, %dx
	outb	%al, %dx
	incl	%esi
	jmp	3b
4:	cli
	hlt
	jmp	4b

	.code64
start64_low:
	movabsq	$start64_high, %rax
	jmp	*%rax

start64_high:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs

	movabsq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	movl	boot_magic(%rip), %edi
	movl	boot_info_phys(%rip), %esi
	call	start_kernel
6:	cli
	hlt
	jmp	6b

/* ---------------------------------------------------------------------- */
	.section .rodata
no_long_mode_msg:
	.asciz	"Tessera: this CPU has no x86-64 long mode; cannot boot.\r\n"

	.balign 16
early_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
early_gdt_end:
early_gdt_ptr:
	.word	early_gdt_end - early_gdt - 1
	.long	PHYS(early_gdt)

	.section .data
	.balign 4
	.globl boot_magic, boot_info_phys
boot_magic:
	.long	0
boot_info_phys:
	.long	0

	.section .bss.page_aligned, "aw", @nobits
	.balign PAGE_SIZE
	.globl early_pml4
early_pml4:
	.skip	PAGE_SIZE
early_pdpt_low:
	.skip	PAGE_SIZE
early_pdpt_high:
	.skip	PAGE_SIZE
early_pd:
	.skip	PAGE_SIZE
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip	4 * PAGE_SIZE
boot_stack_top:
