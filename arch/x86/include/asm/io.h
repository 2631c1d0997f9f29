/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device access: port I/O (from <asm/portio.h>), the classic port-0x80
 * delay, and uncached MMIO accessors for memory-mapped registers (LAPIC,
 * IOAPIC, PCI BARs).  The MMIO helpers are volatile accesses of exactly the
 * named width, which is what device registers require.
 */
#ifndef _ASM_X86_IO_H
#define _ASM_X86_IO_H

#include <tessera/types.h>
#include <asm/portio.h>

/* About 1 us on legacy hardware: a write to the unused POST port. */
static inline void io_delay(void)
{
	outb(0, 0x80);
}

static inline u8 readb(const volatile void *addr)
{
	return *(const volatile u8 *)addr;
}

static inline u16 readw(const volatile void *addr)
{
	return *(const volatile u16 *)addr;
}

static inline u32 readl(const volatile void *addr)
{
	return *(const volatile u32 *)addr;
}

static inline u64 readq(const volatile void *addr)
{
	return *(const volatile u64 *)addr;
}

static inline void writeb(u8 v, volatile void *addr)
{
	*(volatile u8 *)addr = v;
}

static inline void writew(u16 v, volatile void *addr)
{
	*(volatile u16 *)addr = v;
}

static inline void writel(u32 v, volatile void *addr)
{
	*(volatile u32 *)addr = v;
}

static inline void writeq(u64 v, volatile void *addr)
{
	*(volatile u64 *)addr = v;
}

#endif /* _ASM_X86_IO_H */
