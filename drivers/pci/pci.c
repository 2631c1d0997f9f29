/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI core: configuration space access, bus enumeration, BAR sizing,
 * capability lists, MSI/MSI-X programming and driver binding.
 *
 * Configuration space is reached through ECAM when ACPI's MCFG covers the
 * bus (mcfg.c; each bus's 1 MiB window is ioremap()ed the first time it
 * is touched) and through configuration mechanism #1 (ports 0xCF8/0xCFC)
 * otherwise.  Mechanism #1 is an address-then-data pair of port accesses,
 * so it is serialised by pci_cf8_lock (interrupts off: a config access
 * may come from any context).  ECAM accesses are single MMIO operations
 * and need no lock.
 *
 * pci_init() scans bus 0 and, recursively, every bus behind a PCI-to-PCI
 * bridge (the firmware numbered them; a bridge without a secondary bus
 * number is reported and skipped, and a bus is never scanned twice).
 * Each function found gets a struct pci_dev on pci_devices; after the
 * scan every device is offered to the drivers of the pci_drivers linker
 * section.  The device list is built once, at boot, on the boot CPU, and
 * only read afterwards: readers take no lock.
 *
 * Lock order: pci_cf8_lock is a leaf.
 */
#define pr_fmt(fmt) "pci: " fmt

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/list.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/ioapic.h>
#include <asm/io.h>
#include <asm/pgtable.h>

#include "internal.h"

#define PCI_CONF1_ADDRESS	0xcf8
#define PCI_CONF1_DATA		0xcfc
#define PCI_MAX_BUSES		256
#define PCI_SLOTS		32
#define PCI_FUNCS		8
#define ECAM_BUS_SIZE		(1UL << 20)

#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM_TYPE_MASK	0x6
#define PCI_BAR_MEM_TYPE_64	0x4
#define PCI_BAR_MEM_PREFETCH	0x8
#define PCI_BAR_IO_MASK		(~0x3ULL)
#define PCI_BAR_MEM_MASK	(~0xfULL)

static DEFINE_SPINLOCK(pci_cf8_lock);

static struct pci_ecam_region ecam_regions[PCI_MAX_ECAM_REGIONS];
static int nr_ecam_regions;
/* Per-bus ECAM windows of segment 0, mapped on first use. */
static void *ecam_bus_va[PCI_MAX_BUSES];

static LIST_HEAD(pci_devices);
static unsigned int nr_pci_devices;
static unsigned int nr_pci_buses;
static u64 buses_seen[PCI_MAX_BUSES / 64];

extern struct pci_driver *const __start_pci_drivers[];
extern struct pci_driver *const __stop_pci_drivers[];

/* ------------------------------------------------------------------ */
/* Configuration access */

static volatile u8 *ecam_addr(u16 seg, u8 bus, u8 slot, u8 func,
			      unsigned int off)
{
	int i;

	if (seg != 0)
		return NULL;
	for (i = 0; i < nr_ecam_regions; i++) {
		struct pci_ecam_region *r = &ecam_regions[i];

		if (r->segment != seg || bus < r->bus_start ||
		    bus > r->bus_end)
			continue;
		if (!ecam_bus_va[bus]) {
			ecam_bus_va[bus] = ioremap(r->base +
						   (u64)bus * ECAM_BUS_SIZE,
						   ECAM_BUS_SIZE);
			if (!ecam_bus_va[bus])
				return NULL;
		}
		return (volatile u8 *)ecam_bus_va[bus] +
		       (((u32)slot << 15) | ((u32)func << 12) | off);
	}
	return NULL;
}

static u32 conf1_address(u8 bus, u8 slot, u8 func, unsigned int off)
{
	return 0x80000000U | ((u32)bus << 16) | ((u32)slot << 11) |
	       ((u32)func << 8) | (off & 0xfc);
}

u32 pci_bus_read_config(u16 seg, u8 bus, u8 slot, u8 func, unsigned int off,
			unsigned int size)
{
	volatile u8 *p;
	unsigned long flags;
	u32 v;

	if (slot >= PCI_SLOTS || func >= PCI_FUNCS || off >= 4096 ||
	    (size != 1 && size != 2 && size != 4) || (off & (size - 1)))
		return ~0U;
	p = ecam_addr(seg, bus, slot, func, off);
	if (p) {
		if (size == 1)
			return readb(p);
		if (size == 2)
			return readw(p);
		return readl(p);
	}
	if (seg != 0 || off >= 256)
		return ~0U;
	spin_lock_irqsave(&pci_cf8_lock, flags);
	outl(conf1_address(bus, slot, func, off), PCI_CONF1_ADDRESS);
	v = inl(PCI_CONF1_DATA);
	spin_unlock_irqrestore(&pci_cf8_lock, flags);
	v >>= (off & 3) * 8;
	if (size == 1)
		return v & 0xff;
	if (size == 2)
		return v & 0xffff;
	return v;
}

static void pci_bus_write_config(u16 seg, u8 bus, u8 slot, u8 func,
				 unsigned int off, unsigned int size, u32 val)
{
	volatile u8 *p;
	unsigned long flags;
	unsigned int shift = (off & 3) * 8;
	u32 mask, v;

	if (slot >= PCI_SLOTS || func >= PCI_FUNCS || off >= 4096 ||
	    (size != 1 && size != 2 && size != 4) || (off & (size - 1)))
		return;
	p = ecam_addr(seg, bus, slot, func, off);
	if (p) {
		if (size == 1)
			writeb(val, p);
		else if (size == 2)
			writew(val, p);
		else
			writel(val, p);
		return;
	}
	if (seg != 0 || off >= 256)
		return;
	spin_lock_irqsave(&pci_cf8_lock, flags);
	outl(conf1_address(bus, slot, func, off), PCI_CONF1_ADDRESS);
	if (size == 4) {
		v = val;
	} else {
		/* Mechanism #1 is dword-wide here: read, merge, write. */
		mask = (size == 1 ? 0xffU : 0xffffU) << shift;
		v = (inl(PCI_CONF1_DATA) & ~mask) | ((val << shift) & mask);
	}
	outl(v, PCI_CONF1_DATA);
	spin_unlock_irqrestore(&pci_cf8_lock, flags);
}

u8 pci_read8(struct pci_dev *d, unsigned int off)
{
	return pci_bus_read_config(d->segment, d->bus, d->slot, d->func, off,
				   1);
}

u16 pci_read16(struct pci_dev *d, unsigned int off)
{
	return pci_bus_read_config(d->segment, d->bus, d->slot, d->func, off,
				   2);
}

u32 pci_read32(struct pci_dev *d, unsigned int off)
{
	return pci_bus_read_config(d->segment, d->bus, d->slot, d->func, off,
				   4);
}

void pci_write8(struct pci_dev *d, unsigned int off, u8 v)
{
	pci_bus_write_config(d->segment, d->bus, d->slot, d->func, off, 1, v);
}

void pci_write16(struct pci_dev *d, unsigned int off, u16 v)
{
	pci_bus_write_config(d->segment, d->bus, d->slot, d->func, off, 2, v);
}

void pci_write32(struct pci_dev *d, unsigned int off, u32 v)
{
	pci_bus_write_config(d->segment, d->bus, d->slot, d->func, off, 4, v);
}

bool pci_ecam_enabled(void)
{
	return nr_ecam_regions > 0;
}

const char *pci_name(const struct pci_dev *d, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%u", d->segment, d->bus, d->slot,
		 d->func);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Capabilities */

u8 pci_find_next_capability(struct pci_dev *d, u8 start, u8 cap_id)
{
	unsigned int ttl = PCI_FIND_CAP_TTL;
	u8 pos;

	if (start)
		pos = pci_read8(d, start + 1);
	else if (pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST)
		pos = pci_read8(d, PCI_CAPABILITY_LIST);
	else
		return 0;
	while (ttl--) {
		u8 id;

		pos &= ~3;
		if (pos < 0x40)
			return 0;
		id = pci_read8(d, pos);
		if (id == 0xff)
			return 0;
		if (id == cap_id)
			return pos;
		pos = pci_read8(d, pos + 1);
	}
	return 0;
}

u8 pci_find_capability(struct pci_dev *d, u8 cap_id)
{
	return pci_find_next_capability(d, 0, cap_id);
}

/* ------------------------------------------------------------------ */
/* BARs */

/* Size the BAR at @off (decoding must be off); returns the next index. */
static unsigned int pci_size_bar(struct pci_dev *d, unsigned int i)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * i;
	struct pci_bar *bar = &d->bar[i];
	u32 lo = pci_read32(d, off), lo_mask, hi = 0, hi_mask = 0;
	u64 mask;

	pci_write32(d, off, ~0U);
	lo_mask = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (lo_mask == 0 || lo_mask == ~0U)
		return i + 1;		/* unimplemented (or absent) */

	if (lo & PCI_BAR_IO) {
		bar->is_io = true;
		mask = (lo_mask & PCI_BAR_IO_MASK) | 0xffff0000ULL;
		bar->base = lo & PCI_BAR_IO_MASK;
		bar->size = (u32)(~mask + 1) & 0xffff;
		return i + 1;
	}
	bar->prefetchable = lo & PCI_BAR_MEM_PREFETCH;
	if ((lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64 && i < 5) {
		bar->is_64 = true;
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, ~0U);
		hi_mask = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
		mask = ((u64)hi_mask << 32) | (lo_mask & PCI_BAR_MEM_MASK);
		bar->base = ((u64)hi << 32) | (lo & PCI_BAR_MEM_MASK);
		bar->size = ~mask + 1;
		return i + 2;
	}
	mask = 0xffffffff00000000ULL | (lo_mask & PCI_BAR_MEM_MASK);
	bar->base = lo & PCI_BAR_MEM_MASK;
	bar->size = ~mask + 1;
	return i + 1;
}

static void pci_read_bars(struct pci_dev *d, unsigned int nr)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);
	unsigned int i = 0;

	/* No decoding while a BAR briefly holds all ones. */
	pci_write16(d, PCI_COMMAND,
		    cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	while (i < nr)
		i = pci_size_bar(d, i);
	pci_write16(d, PCI_COMMAND, cmd);
}

void pci_enable_device(struct pci_dev *d)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);
	unsigned int i;

	for (i = 0; i < 6; i++) {
		if (!d->bar[i].size)
			continue;
		cmd |= d->bar[i].is_io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

void pci_set_master(struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND,
		    pci_read16(d, PCI_COMMAND) | PCI_COMMAND_MASTER);
}

void *pci_iomap(struct pci_dev *d, unsigned int i)
{
	if (i >= 6 || !d->bar[i].size || d->bar[i].is_io || !d->bar[i].base)
		return NULL;
	if (!d->bar_va[i])
		d->bar_va[i] = ioremap(d->bar[i].base, d->bar[i].size);
	return d->bar_va[i];
}

/* ------------------------------------------------------------------ */
/* MSI and MSI-X */

int pci_enable_msix(struct pci_dev *d, const u8 *vectors,
		    const unsigned int *cpus, unsigned int nvec)
{
	u16 ctrl;
	u32 table;
	u8 bir;
	volatile u8 *base;
	unsigned int i;
	int ret;

	if (!d->msix_cap)
		return -ENODEV;
	if (nvec == 0 || nvec > d->msix_table_size)
		return -EINVAL;
	if (!d->msix_table) {
		table = pci_read32(d, d->msix_cap + PCI_MSIX_TABLE);
		bir = table & PCI_MSIX_TABLE_BIR;
		if (bir >= 6 || d->bar[bir].is_io || !d->bar[bir].size ||
		    (table & ~7U) + (u64)d->msix_table_size *
		    PCI_MSIX_ENTRY_SIZE > d->bar[bir].size)
			return -ENODEV;
		base = pci_iomap(d, bir);
		if (!base)
			return -ENOMEM;
		d->msix_table = (void *)(base + (table & ~7U));
	}
	ctrl = pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS);
	/* Function-masked and enabled while the entries are written. */
	pci_write16(d, d->msix_cap + PCI_MSIX_FLAGS,
		    ctrl | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	pci_enable_device(d);
	base = d->msix_table;
	for (i = 0; i < nvec; i++) {
		volatile u8 *e = base + i * PCI_MSIX_ENTRY_SIZE;
		u64 addr;
		u32 data;

		ret = msi_compose_msg(cpus ? cpus[i] : 0, vectors[i], &addr,
				      &data);
		if (ret) {
			pci_write16(d, d->msix_cap + PCI_MSIX_FLAGS, ctrl);
			return ret;
		}
		writel(PCI_MSIX_ENTRY_CTRL_MASKBIT, e + 12);
		writel((u32)addr, e);
		writel((u32)(addr >> 32), e + 4);
		writel(data, e + 8);
		writel(0, e + 12);
	}
	pci_write16(d, d->msix_cap + PCI_MSIX_FLAGS,
		    (ctrl | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
	/* MSI-X replaces the pin interrupt. */
	pci_write16(d, PCI_COMMAND,
		    pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	return 0;
}

void pci_msix_mask_entry(struct pci_dev *d, unsigned int entry, bool mask)
{
	volatile u8 *e;

	if (!d->msix_table || entry >= d->msix_table_size)
		return;
	e = (volatile u8 *)d->msix_table + entry * PCI_MSIX_ENTRY_SIZE;
	writel(mask ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0, e + 12);
}

int pci_enable_msi(struct pci_dev *d, u8 vector, unsigned int cpu)
{
	u16 ctrl;
	u64 addr;
	u32 data;
	int ret;

	if (!d->msi_cap)
		return -ENODEV;
	ret = msi_compose_msg(cpu, vector, &addr, &data);
	if (ret)
		return ret;
	ctrl = pci_read16(d, d->msi_cap + PCI_MSI_FLAGS);
	ctrl &= ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	pci_write16(d, d->msi_cap + PCI_MSI_FLAGS, ctrl);
	pci_write32(d, d->msi_cap + PCI_MSI_ADDRESS_LO, (u32)addr);
	if (ctrl & PCI_MSI_FLAGS_64BIT) {
		pci_write32(d, d->msi_cap + PCI_MSI_ADDRESS_HI,
			    (u32)(addr >> 32));
		pci_write16(d, d->msi_cap + PCI_MSI_DATA_64, data);
	} else {
		pci_write16(d, d->msi_cap + PCI_MSI_DATA_32, data);
	}
	pci_write16(d, d->msi_cap + PCI_MSI_FLAGS,
		    ctrl | PCI_MSI_FLAGS_ENABLE);
	pci_write16(d, PCI_COMMAND,
		    pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Enumeration */

static bool bus_test_and_set(unsigned int bus)
{
	u64 bit = 1ULL << (bus % 64);
	bool seen = buses_seen[bus / 64] & bit;

	buses_seen[bus / 64] |= bit;
	return seen;
}

static void pci_scan_bus(u16 seg, unsigned int bus, unsigned int depth);

static struct pci_dev *pci_scan_function(u16 seg, u8 bus, u8 slot, u8 func)
{
	struct pci_dev *d;
	u32 class;

	if ((u16)pci_bus_read_config(seg, bus, slot, func, PCI_VENDOR_ID, 2) ==
	    0xffff)
		return NULL;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		pr_err("out of memory at %04x:%02x:%02x.%u; scan stops there\n",
		       seg, bus, slot, func);
		return NULL;
	}
	d->segment = seg;
	d->bus = bus;
	d->slot = slot;
	d->func = func;
	d->vendor = pci_read16(d, PCI_VENDOR_ID);
	d->device = pci_read16(d, PCI_DEVICE_ID);
	class = pci_read32(d, PCI_REVISION_ID);
	d->revision = class & 0xff;
	d->prog_if = (class >> 8) & 0xff;
	d->subclass = (class >> 16) & 0xff;
	d->class = class >> 24;
	d->hdr_type = pci_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	if (d->hdr_type == 0) {
		d->subsystem_vendor = pci_read16(d, PCI_SUBSYSTEM_VENDOR_ID);
		d->subsystem_device = pci_read16(d, PCI_SUBSYSTEM_ID);
		pci_read_bars(d, 6);
	} else if (d->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		pci_read_bars(d, 2);
	}
	d->msi_cap = pci_find_capability(d, PCI_CAP_ID_MSI);
	d->msix_cap = pci_find_capability(d, PCI_CAP_ID_MSIX);
	if (d->msix_cap)
		d->msix_table_size = (pci_read16(d, d->msix_cap +
						 PCI_MSIX_FLAGS) &
				      PCI_MSIX_FLAGS_QSIZE) + 1;
	list_add_tail(&d->node, &pci_devices);
	nr_pci_devices++;
	return d;
}

static void pci_scan_bridge(struct pci_dev *d, unsigned int depth)
{
	u8 secondary = pci_read8(d, PCI_SECONDARY_BUS);
	char name[16];

	if (secondary == 0 || secondary <= d->bus) {
		pr_warn("bridge %s has no usable secondary bus (%u); not scanned\n",
			pci_name(d, name, sizeof(name)), secondary);
		return;
	}
	pci_scan_bus(d->segment, secondary, depth + 1);
}

static void pci_scan_bus(u16 seg, unsigned int bus, unsigned int depth)
{
	unsigned int slot, func, nfuncs;

	if (bus >= PCI_MAX_BUSES || bus_test_and_set(bus))
		return;
	nr_pci_buses++;
	for (slot = 0; slot < PCI_SLOTS; slot++) {
		u8 hdr;

		if ((u16)pci_bus_read_config(seg, bus, slot, 0, PCI_VENDOR_ID,
					     2) == 0xffff)
			continue;
		hdr = pci_bus_read_config(seg, bus, slot, 0, PCI_HEADER_TYPE,
					  1);
		nfuncs = (hdr & PCI_HEADER_MULTI_FUNC) ? PCI_FUNCS : 1;
		for (func = 0; func < nfuncs; func++) {
			struct pci_dev *d = pci_scan_function(seg, bus, slot,
							      func);

			if (d && d->hdr_type == PCI_HEADER_TYPE_BRIDGE)
				pci_scan_bridge(d, depth);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Driver binding and lookup */

static const struct pci_device_id *pci_match_id(const struct pci_device_id *id,
						struct pci_dev *d)
{
	u32 class = ((u32)d->class << 16) | ((u32)d->subclass << 8) |
		    d->prog_if;

	for (; id->vendor; id++) {
		if (id->vendor != PCI_ANY_ID && id->vendor != d->vendor)
			continue;
		if (id->device != PCI_ANY_ID && id->device != d->device)
			continue;
		if ((class & id->class_mask) != (id->class & id->class_mask))
			continue;
		return id;
	}
	return NULL;
}

static void pci_bind(struct pci_dev *d)
{
	struct pci_driver *const *p;
	char name[16];
	int ret;

	pci_name(d, name, sizeof(name));
	for (p = __start_pci_drivers; p < __stop_pci_drivers; p++) {
		const struct pci_device_id *id = pci_match_id((*p)->id_table,
							      d);

		if (!id)
			continue;
		printk(KERN_INFO "pci %s [%04x:%04x] class %02x%02x%02x -> %s\n",
		       name, d->vendor, d->device, d->class, d->subclass,
		       d->prog_if, (*p)->name);
		d->driver = *p;
		ret = (*p)->probe(d, id);
		if (ret) {
			pr_err("%s: %s probe failed (%d); left unbound\n",
			       name, (*p)->name, ret);
			d->driver = NULL;
		}
		return;
	}
	printk(KERN_INFO "pci %s [%04x:%04x] class %02x%02x%02x\n", name,
	       d->vendor, d->device, d->class, d->subclass, d->prog_if);
}

struct pci_dev *pci_get_device(u16 vendor, u16 device, struct pci_dev *from)
{
	struct list_head *pos = from ? from->node.next : pci_devices.next;

	for (; pos != &pci_devices; pos = pos->next) {
		struct pci_dev *d = list_entry(pos, struct pci_dev, node);

		if ((vendor == PCI_ANY_ID || d->vendor == vendor) &&
		    (device == PCI_ANY_ID || d->device == device))
			return d;
	}
	return NULL;
}

struct pci_dev *pci_get_slot(u16 seg, u8 bus, u8 slot, u8 func)
{
	struct pci_dev *d;

	list_for_each_entry(d, &pci_devices, node)
		if (d->segment == seg && d->bus == bus && d->slot == slot &&
		    d->func == func)
			return d;
	return NULL;
}

unsigned int pci_nr_devices(void)
{
	return nr_pci_devices;
}

unsigned int pci_nr_buses(void)
{
	return nr_pci_buses;
}

void pci_init(void)
{
	struct pci_dev *d;
	unsigned int bound = 0;
	int i;

	nr_ecam_regions = pci_mcfg_find(ecam_regions, PCI_MAX_ECAM_REGIONS);
	for (i = 0; i < nr_ecam_regions; i++)
		pr_info("ECAM %04x [bus %02x-%02x] at %#llx\n",
			ecam_regions[i].segment, ecam_regions[i].bus_start,
			ecam_regions[i].bus_end,
			(unsigned long long)ecam_regions[i].base);
	if (!nr_ecam_regions)
		pr_info("no MCFG; using configuration mechanism #1 only\n");

	pci_scan_bus(0, 0, 0);

	list_for_each_entry(d, &pci_devices, node) {
		pci_bind(d);
		if (d->driver)
			bound++;
	}
	pr_info("%u devices on %u buses (%s), %u bound to drivers\n",
		nr_pci_devices, nr_pci_buses,
		nr_ecam_regions ? "ECAM" : "mechanism #1", bound);
}
