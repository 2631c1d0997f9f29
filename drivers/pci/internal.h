/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of drivers/pci/ and nothing else:
 * ECAM regions found in ACPI's MCFG table (mcfg.c), used by the
 * configuration accessors in pci.c.
 */
#ifndef _DRIVERS_PCI_INTERNAL_H
#define _DRIVERS_PCI_INTERNAL_H

#include <tessera/types.h>

#define PCI_MAX_ECAM_REGIONS	4

/* One MCFG allocation: buses [bus_start, bus_end] of @segment at @base. */
struct pci_ecam_region {
	phys_addr_t base;	/* address of bus 0 (not of bus_start) */
	u16 segment;
	u8 bus_start, bus_end;
};

/*
 * Find ACPI's MCFG and copy up to @max of its allocations into @out.
 * Returns how many (0 when there is no RSDP or no MCFG), never fails
 * harder than that: a corrupt table is reported and ignored.
 */
int pci_mcfg_find(struct pci_ecam_region *out, int max);

#endif /* _DRIVERS_PCI_INTERNAL_H */
