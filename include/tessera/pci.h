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

/* Configuration space header (types 0 and 1). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x0001
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	0x0010
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_HEADER_TYPE		0x0e
#define  PCI_HEADER_TYPE_MASK	0x7f
#define  PCI_HEADER_TYPE_BRIDGE	0x01
#define  PCI_HEADER_MULTI_FUNC	0x80
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_PRIMARY_BUS		0x18	/* type 1 */
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c	/* type 0 */
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

/* MSI-X capability. */
#define PCI_MSIX_FLAGS		0x02
#define  PCI_MSIX_FLAGS_QSIZE	0x07ff
#define  PCI_MSIX_FLAGS_MASKALL	0x4000
#define  PCI_MSIX_FLAGS_ENABLE	0x8000
#define PCI_MSIX_TABLE		0x04
#define  PCI_MSIX_TABLE_BIR	0x7
#define PCI_MSIX_ENTRY_SIZE	16
#define  PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/* MSI capability. */
#define PCI_MSI_FLAGS		0x02
#define  PCI_MSI_FLAGS_ENABLE	0x0001
#define  PCI_MSI_FLAGS_QSIZE	0x0070
#define  PCI_MSI_FLAGS_64BIT	0x0080
#define PCI_MSI_ADDRESS_LO	0x04
#define PCI_MSI_ADDRESS_HI	0x08	/* 64-bit only */
#define PCI_MSI_DATA_32		0x08
#define PCI_MSI_DATA_64		0x0c

/* A capability list longer than this is corrupt (or a loop). */
#define PCI_FIND_CAP_TTL	48

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
	u8 hdr_type;		/* PCI_HEADER_TYPE without the multi bit */
	u16 msix_table_size;	/* entries, 0 without MSI-X */
	void *bar_va[6];	/* pci_iomap() mappings, made once */
	void *msix_table;	/* mapped by pci_enable_msix() */
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
 * Messages come from msi_compose_msg() (<asm/ioapic.h>).  0, -ENODEV (no
 * MSI-X), -EINVAL (nvec larger than the table) or its error.
 */
int pci_enable_msix(struct pci_dev *dev, const u8 *vectors,
		    const unsigned int *cpus, unsigned int nvec);
/* Plain MSI with one vector. 0 or -ENODEV. */
int pci_enable_msi(struct pci_dev *dev, u8 vector, unsigned int cpu);

/* Iterate over enumerated devices (for tests and the boot log). */
struct pci_dev *pci_get_device(u16 vendor, u16 device, struct pci_dev *from);
unsigned int pci_nr_devices(void);

/*
 * Raw configuration read of any function, present or not (an absent one
 * reads all ones).  @size is 1, 2 or 4 and @off must be aligned to it.
 */
u32 pci_bus_read_config(u16 segment, u8 bus, u8 slot, u8 func,
			unsigned int off, unsigned int size);
/* The device at that address, or NULL. */
struct pci_dev *pci_get_slot(u16 segment, u8 bus, u8 slot, u8 func);
/* Buses reached by the scan, and whether ECAM (MCFG) is in use. */
unsigned int pci_nr_buses(void);
bool pci_ecam_enabled(void);

/* Mask or unmask MSI-X table entry @entry (after pci_enable_msix()). */
void pci_msix_mask_entry(struct pci_dev *dev, unsigned int entry, bool mask);

/* Textual address "0000:00:03.0" into @buf (at least 13 bytes). */
const char *pci_name(const struct pci_dev *dev, char *buf, size_t size);

#endif /* _TESSERA_PCI_H */
