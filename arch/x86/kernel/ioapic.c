/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IOAPICs, MSI messages and the interrupt vector allocator.
 *
 * ioapic_init() maps every IOAPIC the MADT lists (asm/acpi.h) and masks
 * all of its redirection entries, so nothing fires until a driver routes
 * a pin with ioapic_route_irq() and unmasks it.  Redirection entries use
 * fixed delivery in physical destination mode to one CPU's APIC id.
 *
 * The vector allocator hands out 0x30..0xef; vectors below are
 * exceptions and the legacy PIC range, those above are the APIC's own
 * (timer, IPIs, spurious, asm/apic.h).
 *
 * Locking: ioapic_lock (irqsave) serialises the index/data register pair
 * of every IOAPIC; vector_lock (irqsave) protects vectors_used.
 */
#define pr_fmt(fmt) "ioapic: " fmt

#include <tessera/bitmap.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/pgtable.h>

#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_REDIR(pin)	(0x10 + 2 * (pin))

#define REDIR_MASKED		(1U << 16)
#define REDIR_LEVEL		(1U << 15)
#define REDIR_ACTIVE_LOW	(1U << 13)
#define REDIR_DEST_SHIFT	24	/* in the high dword */

struct ioapic {
	volatile u8 *regs;
	u8 id;
	u32 gsi_base;
	unsigned int nr_pins;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;
static DEFINE_SPINLOCK(ioapic_lock);

static DECLARE_BITMAP(vectors_used, 256);	/* protected by vector_lock */
static DEFINE_SPINLOCK(vector_lock);

/* Caller holds ioapic_lock. */
static u32 ioapic_read(struct ioapic *io, u32 reg)
{
	writel(reg, io->regs + IOAPIC_REGSEL);
	return readl(io->regs + IOAPIC_WINDOW);
}

static void ioapic_write(struct ioapic *io, u32 reg, u32 val)
{
	writel(reg, io->regs + IOAPIC_REGSEL);
	writel(val, io->regs + IOAPIC_WINDOW);
}

unsigned int ioapic_nr_pins(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr_ioapics; i++)
		n += ioapics[i].nr_pins;
	return n;
}

int ioapic_init(void)
{
	unsigned int i, pin;
	unsigned long flags;

	for (i = 0; i < acpi_madt.nr_ioapics; i++) {
		const struct acpi_ioapic *a = &acpi_madt.ioapics[i];
		struct ioapic *io = &ioapics[nr_ioapics];

		io->regs = ioremap(a->address, PAGE_SIZE);
		if (!io->regs) {
			pr_err("cannot map IOAPIC %u at %#x; skipped\n", a->id,
			       a->address);
			continue;
		}
		io->id = a->id;
		io->gsi_base = a->gsi_base;
		spin_lock_irqsave(&ioapic_lock, flags);
		io->nr_pins = ((ioapic_read(io, IOAPIC_REG_VERSION) >> 16) &
			       0xff) + 1;
		for (pin = 0; pin < io->nr_pins; pin++) {
			ioapic_write(io, IOAPIC_REG_REDIR(pin), REDIR_MASKED);
			ioapic_write(io, IOAPIC_REG_REDIR(pin) + 1, 0);
		}
		spin_unlock_irqrestore(&ioapic_lock, flags);
		nr_ioapics++;
		pr_info("IOAPIC %u at %#x: GSI %u-%u, all masked\n", io->id,
			a->address, io->gsi_base,
			io->gsi_base + io->nr_pins - 1);
	}
	return nr_ioapics ? 0 : -ENODEV;
}

static struct ioapic *ioapic_of_gsi(unsigned int gsi, unsigned int *pin)
{
	unsigned int i;

	for (i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

int ioapic_route_irq(unsigned int gsi, u8 vector, unsigned int dest_cpu,
		     bool level, bool active_low)
{
	struct ioapic *io;
	unsigned int pin;
	unsigned long flags;
	u32 low;

	if (vector < 0x20 || vector == 0xff)
		return -EINVAL;
	if (!cpu_online(dest_cpu))
		return -ENXIO;
	io = ioapic_of_gsi(gsi, &pin);
	if (!io)
		return -ENODEV;
	low = vector | REDIR_MASKED | (level ? REDIR_LEVEL : 0) |
	      (active_low ? REDIR_ACTIVE_LOW : 0);
	spin_lock_irqsave(&ioapic_lock, flags);
	ioapic_write(io, IOAPIC_REG_REDIR(pin), REDIR_MASKED);
	ioapic_write(io, IOAPIC_REG_REDIR(pin) + 1,
		     cpu_info[dest_cpu].apic_id << REDIR_DEST_SHIFT);
	ioapic_write(io, IOAPIC_REG_REDIR(pin), low);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

static int ioapic_set_masked(unsigned int gsi, bool masked)
{
	struct ioapic *io;
	unsigned int pin;
	unsigned long flags;
	u32 low;

	io = ioapic_of_gsi(gsi, &pin);
	if (!io)
		return -ENODEV;
	spin_lock_irqsave(&ioapic_lock, flags);
	low = ioapic_read(io, IOAPIC_REG_REDIR(pin));
	low = masked ? low | REDIR_MASKED : low & ~REDIR_MASKED;
	ioapic_write(io, IOAPIC_REG_REDIR(pin), low);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

int ioapic_mask(unsigned int gsi)
{
	return ioapic_set_masked(gsi, true);
}

int ioapic_unmask(unsigned int gsi)
{
	return ioapic_set_masked(gsi, false);
}

static const struct acpi_irq_override *isa_override(unsigned int irq)
{
	unsigned int i;

	for (i = 0; i < acpi_madt.nr_overrides; i++) {
		if (acpi_madt.overrides[i].isa_irq == irq)
			return &acpi_madt.overrides[i];
	}
	return NULL;
}

int ioapic_isa_irq_to_gsi(unsigned int irq)
{
	const struct acpi_irq_override *o;

	if (irq > 15)
		return -EINVAL;
	o = isa_override(irq);
	return o ? (int)o->gsi : (int)irq;
}

int ioapic_isa_irq_mode(unsigned int irq, bool *level, bool *active_low)
{
	const struct acpi_irq_override *o;
	u16 flags = 0;

	if (irq > 15)
		return -EINVAL;
	o = isa_override(irq);
	if (o)
		flags = o->flags;
	/* "Conforms to the bus" (0) means edge / active high for ISA. */
	if (level)
		*level = (flags & ACPI_INTI_TRIGGER_MASK) ==
			 ACPI_INTI_TRIGGER_LEVEL;
	if (active_low)
		*active_low = (flags & ACPI_INTI_POLARITY_MASK) ==
			      ACPI_INTI_POLARITY_LOW;
	return 0;
}

int msi_compose_msg(unsigned int dest_cpu, u8 vector, u64 *addr, u32 *data)
{
	u32 apic_id;

	if (vector < 0x20)
		return -EINVAL;
	if (!cpu_online(dest_cpu))
		return -ENXIO;
	apic_id = cpu_info[dest_cpu].apic_id;
	if (apic_id > 0xff)
		return -EINVAL;
	*addr = MSI_ADDR_BASE | (apic_id << MSI_ADDR_DEST_SHIFT);
	*data = vector;
	return 0;
}

static bool vector_has_fixed_user(unsigned int v)
{
	return v == LOCAL_TIMER_VECTOR;
}

int irq_alloc_vector(void)
{
	unsigned long flags;
	unsigned int v;
	int ret = -ENOSPC;

	spin_lock_irqsave(&vector_lock, flags);
	for (v = IRQ_VECTOR_FIRST; v <= IRQ_VECTOR_LAST; v++) {
		if (vector_has_fixed_user(v) || test_bit(v, vectors_used))
			continue;
		__set_bit(v, vectors_used);
		ret = v;
		break;
	}
	spin_unlock_irqrestore(&vector_lock, flags);
	return ret;
}

void irq_free_vector(int vector)
{
	unsigned long flags;

	if (vector < IRQ_VECTOR_FIRST || vector > IRQ_VECTOR_LAST)
		return;
	spin_lock_irqsave(&vector_lock, flags);
	__clear_bit(vector, vectors_used);
	spin_unlock_irqrestore(&vector_lock, flags);
}
