/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segment descriptors, the TSS and IDT gates: the x86-64 tables that
 * arch/x86/kernel/cpu.c (GDT, TSS) and arch/x86/kernel/idt.c (IDT) build.
 *
 * GDT layout, chosen so that SYSCALL/SYSRET work without reshuffling:
 *
 *   index  selector  descriptor
 *     0    0x00      null
 *     1    0x08      __KERNEL_CS    64-bit code, DPL 0
 *     2    0x10      __KERNEL_DS    data, DPL 0
 *     3    0x1b      __USER32_CS    32-bit code, DPL 3 (compat; unused)
 *     4    0x23      __USER_DS      data, DPL 3
 *     5    0x2b      __USER_CS      64-bit code, DPL 3
 *     6-7  0x30      GDT_ENTRY_TSS  64-bit TSS (a 16-byte descriptor)
 *
 * SYSCALL loads CS = STAR[47:32] and SS = STAR[47:32] + 8, so STAR[47:32]
 * is __KERNEL_CS.  SYSRET to 64-bit mode loads CS = STAR[63:48] + 16 and
 * SS = STAR[63:48] + 8 (RPL forced to 3), so STAR[63:48] is __USER32_CS:
 * see STAR_VALUE.  Kernel selectors match the boot GDT of head.S.
 */
#ifndef _ASM_X86_DESC_H
#define _ASM_X86_DESC_H

#define GDT_ENTRY_KERNEL_CS	1
#define GDT_ENTRY_KERNEL_DS	2
#define GDT_ENTRY_USER32_CS	3
#define GDT_ENTRY_USER_DS	4
#define GDT_ENTRY_USER_CS	5
#define GDT_ENTRY_TSS		6	/* takes two slots */
#define GDT_ENTRIES		8

#define __KERNEL_CS		(GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS		(GDT_ENTRY_KERNEL_DS * 8)
#define __USER32_CS		(GDT_ENTRY_USER32_CS * 8 + 3)
#define __USER_DS		(GDT_ENTRY_USER_DS * 8 + 3)
#define __USER_CS		(GDT_ENTRY_USER_CS * 8 + 3)
#define __TSS_SELECTOR		(GDT_ENTRY_TSS * 8)

/* MSR_STAR value for the layout above (SYSCALL EIP bits unused in 64-bit). */
#define STAR_VALUE	(((unsigned long)__USER32_CS << 48) | \
			 ((unsigned long)__KERNEL_CS << 32))

/* Interrupt stack table slots (1-based, as in the gate's IST field). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define N_IST_STACKS		3
#define IST_STACK_SIZE		(16 * 1024)

#ifndef __ASSEMBLER__
#include <tessera/types.h>
#include <tessera/compiler.h>

/* An 8-byte code/data descriptor, as raw bits. */
#define GDT_KERNEL_CODE64	0x00af9a000000ffffUL
#define GDT_KERNEL_DATA		0x00cf92000000ffffUL
#define GDT_USER_CODE32		0x00cffa000000ffffUL
#define GDT_USER_DATA		0x00cff2000000ffffUL
#define GDT_USER_CODE64		0x00affa000000ffffUL

/* System-segment descriptor (TSS), 16 bytes in long mode. */
struct system_desc {
	u16 limit0;
	u16 base0;
	u8 base1;
	u8 type_attr;		/* P, DPL, type (0x9: available 64-bit TSS) */
	u8 limit1_flags;
	u8 base2;
	u32 base3;
	u32 reserved;
} __packed;

/* 64-bit task state segment: only the stack pointers matter in long mode. */
struct tss64 {
	u32 reserved0;
	u64 sp[3];		/* RSP0..2: stack on a privilege change */
	u64 reserved1;
	u64 ist[7];		/* IST1..7 */
	u64 reserved2;
	u16 reserved3;
	u16 io_bitmap_base;
} __packed;

/* IDT gate, 16 bytes. */
struct idt_gate {
	u16 offset0;
	u16 selector;
	u8 ist;			/* bits 0-2 */
	u8 type_attr;		/* P | DPL | type */
	u16 offset1;
	u32 offset2;
	u32 reserved;
} __packed;

#define GATE_INTERRUPT		0xe	/* clears IF on entry */
#define GATE_DPL(dpl)		((dpl) << 5)
#define GATE_PRESENT		0x80

struct desc_ptr {
	u16 size;
	u64 address;
} __packed;

_Static_assert(sizeof(struct system_desc) == 16, "system descriptor size");
_Static_assert(sizeof(struct tss64) == 104, "TSS size");
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

static inline void load_gdt(const struct desc_ptr *p)
{
	__asm__ __volatile__("lgdt %0" : : "m"(*p));
}

static inline void load_idt(const struct desc_ptr *p)
{
	__asm__ __volatile__("lidt %0" : : "m"(*p));
}

static inline void load_tr(u16 sel)
{
	__asm__ __volatile__("ltr %0" : : "r"(sel));
}

/*
 * Set the stack this CPU switches to on an interrupt or exception from
 * user mode (TSS.RSP0).  The scheduler calls it on every switch.
 */
void tss_set_kernel_stack(unsigned long sp0);

/* This CPU's IST stack @ist (1-based): [*base, *top).  false if none. */
bool ist_stack_bounds(unsigned int ist, unsigned long *base,
		      unsigned long *top);

/*
 * Fill the shared IDT (once, boot CPU) and load it (every CPU); in
 * arch/x86/kernel/idt.c, called from arch_cpu_init*().
 */
void idt_init(void);
void idt_load(void);
#endif /* !__ASSEMBLER__ */

#endif /* _ASM_X86_DESC_H */
