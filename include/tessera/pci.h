/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI: enumeration, configuration space, BARs, capabilities, MSI/MSI-X,
 * and driver binding (drivers/pci/).
 *
 * Drivers are statically linked and declare themselves with
 * PCI_DRIVER(drv); pci_init() enumerates every bus (configuration
 * mechanism #1, or ECAM where ACPI's MCFG describes it) and calls the
 * probe function of the first driver whose id table matches each device.
 * A probe that fails leaves the device unbound, with one log line.
 */
#ifndef _TESSERA_PCI_H
#define _TESSERA_PCI_H

#include <tessera/compiler.h>
#include <tessera/list.h>
#include <tessera/types.h>

#define PCI_ANY_ID		0xffff

#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_MSIX		0x11

struct pci_bar {
	u64 base;		/* physical (memory) or port (I/O) address */
	u64 size;		/* 0: BAR not implemented */
	bool is_io;
	bool is_64;
	bool prefetchable;
};

struct pci_dev {
	u16 segment;
	u8 bus, slot, func;
	u16 vendor, device;
	u16 subsystem_vendor, subsystem_device;
	u8 class, subclass, prog_if, revision;
	u8 irq_line, irq_pin;
	struct pci_bar bar[6];
	u8 msi_cap, msix_cap;	/* capability offsets, 0 if absent */
	struct pci_driver *driver;
	void *driver_data;
	struct list_head node;	/* on the global device list */
};

struct pci_device_id {
	u16 vendor;		/* PCI_ANY_ID matches any */
	u16 device;
	u32 class_mask;		/* 0: class not compared */
	u32 class;		/* (class << 16) | (subclass << 8) | prog_if */
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;	/* ends with vendor == 0 */
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *dev);
};

#define PCI_DRIVER(drv)							\
	static struct pci_driver *const __pci_driver_##drv		\
	__used __section("pci_drivers") __aligned(8) = &(drv)

/* Enumerate, then bind drivers.  Once, after SMP bring-up. */
void pci_init(void);

u8 pci_read8(struct pci_dev *dev, unsigned int off);
u16 pci_read16(struct pci_dev *dev, unsigned int off);
u32 pci_read32(struct pci_dev *dev, unsigned int off);
void pci_write8(struct pci_dev *dev, unsigned int off, u8 v);
void pci_write16(struct pci_dev *dev, unsigned int off, u16 v);
void pci_write32(struct pci_dev *dev, unsigned int off, u32 v);

/* Offset of capability @cap_id (or of the next one after @start), 0 if none. */
u8 pci_find_capability(struct pci_dev *dev, u8 cap_id);
u8 pci_find_next_capability(struct pci_dev *dev, u8 start, u8 cap_id);

/* Turn on memory/I-O decoding and bus mastering. */
void pci_enable_device(struct pci_dev *dev);
void pci_set_master(struct pci_dev *dev);

/* Map a memory BAR uncached; NULL if it is I/O or unimplemented. */
void *pci_iomap(struct pci_dev *dev, unsigned int bar);

/*
 * MSI-X: program @nvec table entries, entry i -> vectors[i] on CPU
 * cpus[i] (or CPU 0 if cpus is NULL), unmasked, and enable MSI-X.
 * 0, -ENODEV (no MSI-X) or -EINVAL (nvec larger than the table).
 */
int pci_enable_msix(struct pci_dev *dev, const u8 *vectors,
		    const unsigned int *cpus, unsigned int nvec);
/* Plain MSI with one vector. 0 or -ENODEV. */
int pci_enable_msi(struct pci_dev *dev, u8 vector, unsigned int cpu);

/* Iterate over enumerated devices (for tests and the boot log). */
struct pci_dev *pci_get_device(u16 vendor, u16 device, struct pci_dev *from);
unsigned int pci_nr_devices(void);

#endif /* _TESSERA_PCI_H */
