/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI table discovery, just far enough to learn the machine's CPUs and
 * interrupt controllers: RSDP -> XSDT (or RSDT) -> MADT.
 *
 * The RSDP comes from the boot loader (multiboot2 copies it into the boot
 * information; PVH passes its physical address) or, failing that and not
 * on UEFI, from the classic BIOS search: the first KiB of the EBDA and
 * 0xE0000-0xFFFFF on 16-byte boundaries.  Every table is checked before use: its length
 * must be sane and its bytes must sum to zero.  A bad table is reported
 * and skipped; without a usable MADT the node runs on the boot CPU only.
 *
 * Tables usually sit in firmware-reserved memory outside the direct map;
 * acpi_map() uses the direct map when it covers the range and ioremap()
 * otherwise.  Mappings are not undone: this runs once at boot and reads a
 * few KiB.
 *
 * What the MADT says is kept in acpi_madt (<asm/acpi.h>); IOAPIC
 * programming is ioapic.c, CPU bring-up smpboot.c.
 */
#define pr_fmt(fmt) "acpi: " fmt

#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <asm/acpi.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#define RSDP_SIG		"RSD PTR "
#define RSDP_V1_LEN		20
#define SDT_MAX_LEN		(1U << 20)	/* no sane table is larger */
#define EBDA_SEG_PTR		0x40e
#define BIOS_ROM_START		0xe0000
#define BIOS_ROM_END		0x100000

#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_IRQ_OVERRIDE	2
#define MADT_X2APIC		9

#define MADT_CPU_ENABLED	(1U << 0)
#define MADT_CPU_ONLINE_CAPABLE	(1U << 1)

struct acpi_rsdp {
	char signature[8];
	u8 checksum;
	char oem_id[6];
	u8 revision;
	u32 rsdt_address;
	/* ACPI 2.0+ (revision >= 2) */
	u32 length;
	u64 xsdt_address;
	u8 ext_checksum;
	u8 reserved[3];
} __packed;

struct acpi_sdt_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

struct acpi_madt {
	struct acpi_sdt_header header;
	u32 lapic_address;
	u32 flags;
} __packed;

struct madt_entry {
	u8 type;
	u8 length;
} __packed;

struct madt_lapic {
	struct madt_entry h;
	u8 processor_id;
	u8 apic_id;
	u32 flags;
} __packed;

struct madt_ioapic {
	struct madt_entry h;
	u8 id;
	u8 reserved;
	u32 address;
	u32 gsi_base;
} __packed;

struct madt_irq_override {
	struct madt_entry h;
	u8 bus;
	u8 source;
	u32 gsi;
	u16 flags;
} __packed;

struct madt_x2apic {
	struct madt_entry h;
	u16 reserved;
	u32 x2apic_id;
	u32 flags;
	u32 uid;
} __packed;

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP size");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header size");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT header size");
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT LAPIC entry size");
_Static_assert(sizeof(struct madt_ioapic) == 12, "MADT IOAPIC entry size");
_Static_assert(sizeof(struct madt_irq_override) == 10,
	       "MADT override entry size");
_Static_assert(sizeof(struct madt_x2apic) == 16, "MADT x2APIC entry size");

struct acpi_madt_info acpi_madt;

/* Map [pa, pa + len) for reading; NULL if it cannot be mapped. */
static const void *acpi_map(phys_addr_t pa, size_t len)
{
	unsigned long va = (unsigned long)__va(pa);
	unsigned long page;

	for (page = ALIGN_DOWN(va, PAGE_SIZE); page < va + len;
	     page += PAGE_SIZE) {
		if (!kernel_addr_mapped(page))
			return ioremap(pa, len);
	}
	return (const void *)va;
}

static u8 checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static bool rsdp_valid(const struct acpi_rsdp *r)
{
	if (memcmp(r->signature, RSDP_SIG, 8) || checksum(r, RSDP_V1_LEN))
		return false;
	if (r->revision < 2)
		return true;
	return r->length >= sizeof(*r) && r->length <= PAGE_SIZE &&
	       !checksum(r, r->length);
}

static const struct acpi_rsdp *rsdp_scan(phys_addr_t start, size_t len)
{
	const u8 *p = acpi_map(start, len);
	size_t off;

	if (!p)
		return NULL;
	for (off = 0; off + sizeof(struct acpi_rsdp) <= len; off += 16) {
		const struct acpi_rsdp *r = (const void *)(p + off);

		if (rsdp_valid(r))
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *rsdp_find(void)
{
	const struct acpi_rsdp *r;
	const u16 *ebda_seg;
	phys_addr_t ebda;

	if (boot_info.rsdp) {
		r = acpi_map(boot_info.rsdp, sizeof(*r));
		if (r && rsdp_valid(r))
			return r;
		pr_err("RSDP from the boot loader at %#llx is invalid; searching the BIOS areas\n",
		       (unsigned long long)boot_info.rsdp);
	}
	/* UEFI machines need not have an EBDA or a BIOS ROM window. */
	if (boot_info.efi_systab) {
		pr_err("UEFI boot without a usable RSDP from the loader\n");
		return NULL;
	}
	ebda_seg = acpi_map(EBDA_SEG_PTR, sizeof(*ebda_seg));
	if (ebda_seg) {
		ebda = (phys_addr_t)*ebda_seg << 4;
		if (ebda >= 0x80000 && ebda < 0xa0000) {
			r = rsdp_scan(ebda, 1024);
			if (r)
				return r;
		}
	}
	return rsdp_scan(BIOS_ROM_START, BIOS_ROM_END - BIOS_ROM_START);
}

/*
 * Map and check the table at @pa.  Returns it, or NULL (reported) if it
 * is unmappable, has a silly length or a bad checksum.  @sig may be NULL
 * for "any signature".
 */
static const struct acpi_sdt_header *sdt_map(phys_addr_t pa, const char *sig)
{
	const struct acpi_sdt_header *h;
	u32 len;

	if (!pa)
		return NULL;
	h = acpi_map(pa, sizeof(*h));
	if (!h) {
		pr_err("cannot map the table at %#llx\n",
		       (unsigned long long)pa);
		return NULL;
	}
	if (sig && memcmp(h->signature, sig, 4)) {
		pr_err("table at %#llx is not %.4s\n", (unsigned long long)pa,
		       sig);
		return NULL;
	}
	len = h->length;
	if (len < sizeof(*h) || len > SDT_MAX_LEN) {
		pr_err("%.4s at %#llx has a bad length %u; ignored\n",
		       h->signature, (unsigned long long)pa, len);
		return NULL;
	}
	h = acpi_map(pa, len);
	if (!h) {
		pr_err("cannot map %u bytes at %#llx\n", len,
		       (unsigned long long)pa);
		return NULL;
	}
	if (checksum(h, len)) {
		pr_err("%.4s at %#llx has a bad checksum; ignored\n",
		       h->signature, (unsigned long long)pa);
		return NULL;
	}
	return h;
}

/* Find table @sig through the XSDT (8-byte entries) or RSDT (4-byte). */
static const struct acpi_sdt_header *
sdt_find(const struct acpi_sdt_header *root, bool xsdt, const char *sig)
{
	size_t entry_size = xsdt ? 8 : 4;
	size_t n = (root->length - sizeof(*root)) / entry_size;
	const u8 *entries = (const u8 *)(root + 1);
	size_t i;

	for (i = 0; i < n; i++) {
		const struct acpi_sdt_header *h;
		phys_addr_t pa;

		if (xsdt)
			memcpy(&pa, entries + i * 8, 8);
		else
			pa = *(const u32 *)(entries + i * 4);
		h = acpi_map(pa, sizeof(*h));
		if (!h || memcmp(h->signature, sig, 4))
			continue;
		return sdt_map(pa, sig);
	}
	return NULL;
}

static void madt_add_cpu(u32 apic_id, u32 flags)
{
	struct acpi_madt_info *m = &acpi_madt;

	if (!(flags & MADT_CPU_ENABLED)) {
		if (flags & MADT_CPU_ONLINE_CAPABLE)
			m->nr_cpus_hotplug++;
		return;
	}
	m->nr_cpus_enabled++;
	if (m->nr_cpu_ids < NR_CPUS)
		m->cpu_apic_id[m->nr_cpu_ids++] = apic_id;
}

static void madt_add_ioapic(const struct madt_ioapic *e)
{
	struct acpi_madt_info *m = &acpi_madt;

	if (m->nr_ioapics == ACPI_MAX_IOAPICS) {
		pr_warn("more than %d IOAPICs; IOAPIC %u ignored\n",
			ACPI_MAX_IOAPICS, e->id);
		return;
	}
	m->ioapics[m->nr_ioapics++] = (struct acpi_ioapic){
		.id = e->id,
		.address = e->address,
		.gsi_base = e->gsi_base,
	};
}

static void madt_add_override(const struct madt_irq_override *e)
{
	struct acpi_madt_info *m = &acpi_madt;

	if (e->bus != 0 || e->source >= 16) {
		pr_warn("interrupt override for bus %u IRQ %u ignored\n",
			e->bus, e->source);
		return;
	}
	if (m->nr_overrides == ACPI_MAX_OVERRIDES)
		return;
	m->overrides[m->nr_overrides++] = (struct acpi_irq_override){
		.isa_irq = e->source,
		.gsi = e->gsi,
		.flags = e->flags,
	};
}

/* Walk the MADT entries; a truncated entry ends the walk. */
static int madt_parse(const struct acpi_madt *madt)
{
	const u8 *p = (const u8 *)(madt + 1);
	const u8 *end = (const u8 *)madt + madt->header.length;
	unsigned int bad = 0;

	if (madt->header.length < sizeof(*madt)) {
		pr_err("MADT shorter than its header; ignored\n");
		return -EINVAL;
	}
	acpi_madt.lapic_address = madt->lapic_address;
	while (p + sizeof(struct madt_entry) <= end) {
		const struct madt_entry *e = (const void *)p;
		size_t want = 0;

		if (e->length < sizeof(*e) || p + e->length > end) {
			pr_err("MADT entry at offset %zu has length %u; stopping the walk\n",
			       (size_t)(p - (const u8 *)madt), e->length);
			bad++;
			break;
		}
		switch (e->type) {
		case MADT_LAPIC:
			want = sizeof(struct madt_lapic);
			break;
		case MADT_IOAPIC:
			want = sizeof(struct madt_ioapic);
			break;
		case MADT_IRQ_OVERRIDE:
			want = sizeof(struct madt_irq_override);
			break;
		case MADT_X2APIC:
			want = sizeof(struct madt_x2apic);
			break;
		}
		if (e->length < want) {
			pr_err("MADT entry type %u too short (%u < %zu); skipped\n",
			       e->type, e->length, want);
			bad++;
		} else if (e->type == MADT_LAPIC) {
			const struct madt_lapic *l = (const void *)e;

			madt_add_cpu(l->apic_id, l->flags);
		} else if (e->type == MADT_X2APIC) {
			const struct madt_x2apic *x = (const void *)e;

			madt_add_cpu(x->x2apic_id, x->flags);
		} else if (e->type == MADT_IOAPIC) {
			madt_add_ioapic((const void *)e);
		} else if (e->type == MADT_IRQ_OVERRIDE) {
			madt_add_override((const void *)e);
		}
		p += e->length;
	}
	acpi_madt.valid = true;
	if (bad)
		pr_warn("MADT had %u malformed entries\n", bad);
	return 0;
}

int acpi_init(void)
{
	const struct acpi_sdt_header *root = NULL, *madt;
	const struct acpi_rsdp *rsdp;
	bool xsdt = false;
	int ret;

	rsdp = rsdp_find();
	if (!rsdp) {
		pr_warn("no RSDP found; no ACPI tables\n");
		return -ENODEV;
	}
	if (rsdp->revision >= 2 && rsdp->xsdt_address) {
		root = sdt_map(rsdp->xsdt_address, "XSDT");
		xsdt = root != NULL;
	}
	if (!root)
		root = sdt_map(rsdp->rsdt_address, "RSDT");
	if (!root) {
		pr_err("no usable RSDT/XSDT\n");
		return -EINVAL;
	}
	madt = sdt_find(root, xsdt, "APIC");
	if (!madt) {
		pr_warn("no usable MADT (\"APIC\") in the %s\n",
			xsdt ? "XSDT" : "RSDT");
		return -ENODEV;
	}
	ret = madt_parse((const struct acpi_madt *)madt);
	if (ret)
		return ret;
	pr_info("RSDP rev %u, %s, MADT: %u CPUs enabled (%u hot-pluggable), %u IOAPICs, %u overrides\n",
		rsdp->revision, xsdt ? "XSDT" : "RSDT",
		acpi_madt.nr_cpus_enabled, acpi_madt.nr_cpus_hotplug,
		acpi_madt.nr_ioapics, acpi_madt.nr_overrides);
	return 0;
}
