/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel takes from the ACPI tables (arch/x86/kernel/acpi.c):
 * the MADT's CPUs (local APIC / x2APIC ids), IOAPICs and ISA interrupt
 * source overrides.  Nothing else of ACPI is interpreted.
 *
 * acpi_init() fills struct acpi_madt_info once on the boot CPU; the
 * structure is read-only afterwards, so readers take no lock.
 */
#ifndef _ASM_X86_ACPI_H
#define _ASM_X86_ACPI_H

#include <tessera/types.h>

#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_OVERRIDES	16

/* MPS INTI flags of an interrupt source override. */
#define ACPI_INTI_POLARITY_MASK		0x3
#define ACPI_INTI_POLARITY_HIGH		0x1
#define ACPI_INTI_POLARITY_LOW		0x3
#define ACPI_INTI_TRIGGER_MASK		0xc
#define ACPI_INTI_TRIGGER_EDGE		0x4
#define ACPI_INTI_TRIGGER_LEVEL		0xc

struct acpi_ioapic {
	u8 id;
	u32 address;		/* physical MMIO base */
	u32 gsi_base;
};

struct acpi_irq_override {
	u8 isa_irq;		/* source: ISA IRQ 0..15 */
	u32 gsi;		/* where it is wired on the IOAPICs */
	u16 flags;		/* ACPI_INTI_* */
};

struct acpi_madt_info {
	bool valid;			/* a MADT was found and parsed */
	u32 lapic_address;		/* physical, from the MADT header */
	/*
	 * Enabled CPUs listed (all of them, even beyond NR_CPUS), and the
	 * APIC ids of the first NR_CPUS of them in table order.
	 */
	unsigned int nr_cpus_enabled;
	unsigned int nr_cpu_ids;
	u32 cpu_apic_id[CONFIG_NR_CPUS];
	/* Listed as online-capable (hot-pluggable) but not enabled. */
	unsigned int nr_cpus_hotplug;

	unsigned int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
};

extern struct acpi_madt_info acpi_madt;

/*
 * Find the RSDP (boot information, else the BIOS areas), check the RSDT
 * or XSDT and parse the MADT into acpi_madt.  Every table is length and
 * checksum checked; a bad one is reported and ignored.  0, -ENODEV (no
 * RSDP or no MADT) or -EINVAL (a table on the way is corrupt).
 */
int acpi_init(void);

#endif /* _ASM_X86_ACPI_H */
