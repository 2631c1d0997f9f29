/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IOAPIC routing, MSI message composition and interrupt vector allocation
 * (arch/x86/kernel/ioapic.c).
 *
 * A device interrupt is wired to a global system interrupt (GSI) on some
 * IOAPIC pin; ISA IRQs 0..15 map to GSIs through the MADT's interrupt
 * source overrides.  Drivers get a vector with irq_alloc_vector(), install
 * a handler with idt_set_irq_handler() and then route the GSI (or program
 * their MSI capability with msi_compose_msg()) to that vector.
 */
#ifndef _ASM_X86_IOAPIC_H
#define _ASM_X86_IOAPIC_H

#include <tessera/types.h>

/* Vectors irq_alloc_vector() hands out: [first, last]. */
#define IRQ_VECTOR_FIRST	0x30
#define IRQ_VECTOR_LAST		0xef

#define MSI_ADDR_BASE		0xfee00000U
#define MSI_ADDR_DEST_SHIFT	12

/*
 * Map every IOAPIC the MADT lists and mask all their pins.  Called by
 * smp_init() on the boot CPU.  0, or -ENODEV if there is none.
 */
int ioapic_init(void);

/* Number of pins over all IOAPICs that were set up. */
unsigned int ioapic_nr_pins(void);

/*
 * Route @gsi to @vector on CPU @dest_cpu (fixed delivery, physical
 * destination), masked: call ioapic_unmask() once the handler is in
 * place.  0, -EINVAL (vector outside 0x20..0xfe), -ENODEV (no IOAPIC has
 * that GSI) or -ENXIO (@dest_cpu not online).
 */
int ioapic_route_irq(unsigned int gsi, u8 vector, unsigned int dest_cpu,
		     bool level, bool active_low);
/* Mask / unmask the pin of @gsi.  0 or -ENODEV. */
int ioapic_mask(unsigned int gsi);
int ioapic_unmask(unsigned int gsi);

/*
 * The GSI ISA IRQ @irq is wired to (the identity unless the MADT has an
 * override), or -EINVAL if @irq > 15.  @level/@active_low (either may be
 * NULL) receive its trigger mode and polarity: ISA defaults are edge,
 * active high.
 */
int ioapic_isa_irq_to_gsi(unsigned int irq);
int ioapic_isa_irq_mode(unsigned int irq, bool *level, bool *active_low);

/*
 * MSI address/data for delivering @vector to @dest_cpu (fixed, edge,
 * physical destination).  0, -EINVAL (vector below 0x20 or APIC id above
 * 255) or -ENXIO (@dest_cpu offline).
 */
int msi_compose_msg(unsigned int dest_cpu, u8 vector, u64 *addr, u32 *data);

/*
 * A free vector in IRQ_VECTOR_FIRST..IRQ_VECTOR_LAST, or -ENOSPC.
 * Vectors with fixed users (the LAPIC timer) are never handed out.
 */
int irq_alloc_vector(void);
/* Give back a vector from irq_alloc_vector(); others are ignored. */
void irq_free_vector(int vector);

#endif /* _ASM_X86_IOAPIC_H */
