/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI MCFG lookup for PCI Express enhanced configuration access (ECAM):
 * RSDP -> XSDT (or RSDT) -> "MCFG" -> its base-address allocations.
 *
 * arch/x86/kernel/acpi.c walks the same chain for the MADT but keeps its
 * table lookup private; this file does the minimum again for one table.
 * Every table is length- and checksum-checked before a field is used.
 * Tables live in firmware-reserved memory that is usually outside the
 * direct map, so they are reached through ioremap() (mappings are kept:
 * this runs once at boot).
 */
#define pr_fmt(fmt) "pci: " fmt

#include <tessera/bootinfo.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#include "internal.h"

#define RSDP_SIG		"RSD PTR "
#define SDT_HDR_LEN		36
#define SDT_MAX_LEN		(64 * 1024)
#define BIOS_ROM_START		0xe0000
#define BIOS_ROM_END		0x100000
#define MCFG_ALLOC_OFF		44	/* header + 8 reserved bytes */
#define MCFG_ALLOC_LEN		16

struct mcfg_alloc {
	u64 base;
	u16 segment;
	u8 bus_start;
	u8 bus_end;
	u32 reserved;
} __packed;
_Static_assert(sizeof(struct mcfg_alloc) == MCFG_ALLOC_LEN, "MCFG entry");

static const u8 *mcfg_map(phys_addr_t pa, size_t len)
{
	unsigned long va = (unsigned long)__va(pa);
	unsigned long page;

	for (page = ALIGN_DOWN(va, PAGE_SIZE); page < va + len;
	     page += PAGE_SIZE)
		if (!kernel_addr_mapped(page))
			return ioremap(pa, len);
	return (const u8 *)va;
}

static bool bytes_sum_zero(const u8 *p, size_t len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

static u32 get_le32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 get_le64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

/* The RSDP's root table: *xsdt tells which kind.  0 if none. */
static phys_addr_t find_root(bool *xsdt)
{
	const u8 *r = NULL;
	size_t off;

	if (boot_info.rsdp) {
		r = mcfg_map(boot_info.rsdp, 36);
		if (r && (memcmp(r, RSDP_SIG, 8) || !bytes_sum_zero(r, 20)))
			r = NULL;
	}
	if (!r) {
		const u8 *rom = mcfg_map(BIOS_ROM_START,
					 BIOS_ROM_END - BIOS_ROM_START);

		for (off = 0; rom && off + 36 <= BIOS_ROM_END - BIOS_ROM_START;
		     off += 16) {
			if (!memcmp(rom + off, RSDP_SIG, 8) &&
			    bytes_sum_zero(rom + off, 20)) {
				r = rom + off;
				break;
			}
		}
	}
	if (!r)
		return 0;
	if (r[15] >= 2 && get_le64(r + 24) && bytes_sum_zero(r, 36)) {
		*xsdt = true;
		return get_le64(r + 24);
	}
	*xsdt = false;
	return get_le32(r + 16);
}

/* Map and check a whole table; NULL if it is unusable. */
static const u8 *sdt_map(phys_addr_t pa, u32 *len)
{
	const u8 *h = mcfg_map(pa, SDT_HDR_LEN);

	if (!h)
		return NULL;
	*len = get_le32(h + 4);
	if (*len < SDT_HDR_LEN || *len > SDT_MAX_LEN)
		return NULL;
	h = mcfg_map(pa, *len);
	if (!h || !bytes_sum_zero(h, *len))
		return NULL;
	return h;
}

int pci_mcfg_find(struct pci_ecam_region *out, int max)
{
	const u8 *root, *mcfg = NULL;
	u32 root_len, len = 0, i, n, esize;
	phys_addr_t root_pa;
	bool xsdt;
	int found = 0;

	root_pa = find_root(&xsdt);
	if (!root_pa)
		return 0;
	root = sdt_map(root_pa, &root_len);
	if (!root) {
		pr_err("ACPI root table at %#llx is corrupt; no ECAM\n",
		       (unsigned long long)root_pa);
		return 0;
	}
	esize = xsdt ? 8 : 4;
	n = (root_len - SDT_HDR_LEN) / esize;
	for (i = 0; i < n && !mcfg; i++) {
		const u8 *e = root + SDT_HDR_LEN + i * esize;
		phys_addr_t pa = xsdt ? get_le64(e) : get_le32(e);
		const u8 *h = pa ? mcfg_map(pa, SDT_HDR_LEN) : NULL;

		if (h && !memcmp(h, "MCFG", 4)) {
			mcfg = sdt_map(pa, &len);
			if (!mcfg)
				pr_err("MCFG at %#llx is corrupt; ignored\n",
				       (unsigned long long)pa);
		}
	}
	if (!mcfg || len < MCFG_ALLOC_OFF)
		return 0;
	n = (len - MCFG_ALLOC_OFF) / MCFG_ALLOC_LEN;
	for (i = 0; i < n && found < max; i++) {
		struct mcfg_alloc a;

		memcpy(&a, mcfg + MCFG_ALLOC_OFF + i * MCFG_ALLOC_LEN,
		       sizeof(a));
		if (!a.base || a.bus_end < a.bus_start ||
		    !IS_ALIGNED(a.base, 1ULL << 20)) {
			pr_err("MCFG entry %u (base %#llx buses %u-%u) is bad; ignored\n",
			       i, (unsigned long long)a.base, a.bus_start,
			       a.bus_end);
			continue;
		}
		out[found].base = a.base;
		out[found].segment = a.segment;
		out[found].bus_start = a.bus_start;
		out[found].bus_end = a.bus_end;
		found++;
	}
	return found;
}
