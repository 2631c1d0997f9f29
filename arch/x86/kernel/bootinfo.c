/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot information from the two entry paths in arch/x86/boot/head.S:
 *
 *  - multiboot2 (GRUB): a list of 8-byte-aligned tags; we use the command
 *    line (1), loader name (2), modules (3), the memory map (6), the EFI
 *    64-bit system table (12), the ACPI RSDP (14/15) and, when the memory
 *    map tag is absent or has no RAM, the EFI memory map (17, what GRUB
 *    passes on UEFI firmware) and then the basic meminfo (4).
 *  - PVH (qemu -kernel): struct hvm_start_info, version >= 1 carries a
 *    memory map in E820 form; modlist_paddr lists modules (`-initrd`).
 *
 * Modules (a program image for the processor node's local mode) are
 * recorded in boot_info.modules and reserved in memblock.
 *
 * Everything read here came from outside the kernel: lengths are checked
 * against the containing structure, entries that wrap or are empty are
 * skipped and counted, and a missing map is an error, not a guess.  Only
 * the first 1 GiB is mapped at this point, which is where both loaders put
 * their structures; anything beyond that is refused with a message.
 */
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <asm/page.h>

#define MB2_BOOT_MAGIC		0x36d76289
#define PVH_BOOT_MAGIC		0x336ec578

#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_LOADER		2
#define MB2_TAG_MODULE		3
#define MB2_TAG_MEMINFO		4
#define MB2_TAG_MMAP		6
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15
#define MB2_TAG_EFI64		12
#define MB2_TAG_EFI_MMAP	17

#define E820_RAM		1

/*
 * UEFI memory types that are free RAM once boot services have exited
 * (GRUB exits them before entering us: our header asks for no tag 7).
 * Loader code/data include GRUB's copies of the kernel, modules and this
 * information, which are reserved on their own.
 */
#define EFI_LOADER_CODE		1
#define EFI_LOADER_DATA		2
#define EFI_BOOT_SERVICES_CODE	3
#define EFI_BOOT_SERVICES_DATA	4
#define EFI_CONVENTIONAL_MEMORY	7
#define EFI_PAGE_SHIFT		12

/* Our early page tables map [0, EARLY_MAPPED); see head.S. */
#define EARLY_MAPPED		(1ULL << 30)
#define MB2_INFO_MAX		(64 * 1024)

struct mb2_tag {
	u32 type;
	u32 size;
};

struct mb2_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
	u32 zero;
};

struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;
	u32 memmap_entries;
	u32 reserved;
};

struct hvm_memmap_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};

struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm modlist layout");
_Static_assert(sizeof(struct hvm_memmap_entry) == 24, "hvm memmap layout");
/* The UEFI EFI_MEMORY_DESCRIPTOR; firmware may use a larger stride. */
struct efi_mem_desc {
	u32 type;
	u32 pad;
	u64 phys_addr;
	u64 virt_addr;
	u64 num_pages;
	u64 attribute;
};

_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "mb2 mmap layout");
_Static_assert(sizeof(struct efi_mem_desc) == 40, "EFI memory descriptor");

struct boot_info boot_info;

static bool early_range_ok(u64 pa, u64 len)
{
	return pa != 0 && len <= EARLY_MAPPED && pa < EARLY_MAPPED &&
	       pa + len <= EARLY_MAPPED;
}

static void copy_cmdline(const char *src, size_t maxlen)
{
	size_t n = strnlen(src, maxlen);

	if (n >= sizeof(boot_info.cmdline)) {
		n = sizeof(boot_info.cmdline) - 1;
		boot_info.cmdline_truncated = true;
	}
	memcpy(boot_info.cmdline, src, n);
	boot_info.cmdline[n] = '\0';
}

static void add_ram_range(u64 addr, u64 len, u32 type)
{
	if (type != E820_RAM)
		return;
	if (len == 0 || addr + len < addr) {
		boot_info.nr_ignored_ranges++;
		return;
	}
	if (memblock_add(addr, len) < 0) {
		boot_info.nr_ignored_ranges++;
		return;
	}
	boot_info.nr_ram_ranges++;
	boot_info.ram_bytes += len;
}

/* Record and reserve one module; @name may be NULL. */
static void add_module(u64 start, u64 size, const char *name, size_t name_max)
{
	struct boot_module *m;

	if (!size || start + size < start ||
	    boot_info.nr_modules >= BOOT_MODULES_MAX) {
		boot_info.nr_ignored_modules++;
		return;
	}
	m = &boot_info.modules[boot_info.nr_modules++];
	m->start = start;
	m->size = size;
	m->name[0] = '\0';
	if (name && name_max)
		strscpy(m->name, name, min_t(size_t, sizeof(m->name),
					     name_max + 1));
	memblock_reserve(start, size);
}

static bool efi_type_usable(u32 type)
{
	switch (type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return true;
	default:
		return false;
	}
}

/*
 * Multiboot2 tag 17: u32 descriptor size, u32 descriptor version, then the
 * firmware's memory descriptors (@body, @body_len bytes after the tag header).
 */
static void parse_efi_mmap(const u8 *body, u32 body_len)
{
	u32 dsize, n;

	if (body_len < 8) {
		pr_err("bootinfo: multiboot2 EFI memory map tag too short (%u bytes)\n",
		       body_len);
		return;
	}
	dsize = ((const u32 *)body)[0];
	if (dsize < sizeof(struct efi_mem_desc) || dsize % 8) {
		pr_err("bootinfo: multiboot2 EFI memory descriptor size %u unusable\n",
		       dsize);
		return;
	}
	n = (body_len - 8) / dsize;
	for (u32 i = 0; i < n; i++) {
		const struct efi_mem_desc *d = (const void *)(body + 8 + i * dsize);
		u64 len = d->num_pages << EFI_PAGE_SHIFT;

		if (!efi_type_usable(d->type))
			continue;
		if (d->num_pages >> (64 - EFI_PAGE_SHIFT)) {
			boot_info.nr_ignored_ranges++;
			continue;
		}
		add_ram_range(d->phys_addr, len, E820_RAM);
	}
	boot_info.efi_mmap = true;
}

int bootinfo_parse_mb2(const u8 *base, u32 total, u64 info_phys)
{
	u32 off;
	u64 mem_lower = 0, mem_upper = 0;
	bool have_meminfo = false;
	const u8 *efi_mmap = NULL;
	u32 efi_mmap_len = 0;

	if (total < 16 || total > MB2_INFO_MAX) {
		pr_err("bootinfo: multiboot2 info has bad total_size %u\n", total);
		return -EINVAL;
	}
	memblock_reserve(info_phys, total);
	boot_info.protocol = "multiboot2";

	for (off = 8; off + sizeof(struct mb2_tag) <= total;
	     off += ALIGN(((const struct mb2_tag *)(base + off))->size, 8)) {
		const struct mb2_tag *tag = (const void *)(base + off);
		const u8 *body = (const u8 *)(tag + 1);
		u32 body_len;

		if (tag->type == MB2_TAG_END)
			break;
		if (tag->size < sizeof(*tag) || tag->size > total - off) {
			pr_err("bootinfo: multiboot2 tag %u at +%u has bad size %u; ignoring the rest\n",
			       tag->type, off, tag->size);
			break;
		}
		body_len = tag->size - sizeof(*tag);

		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			copy_cmdline((const char *)body, body_len);
			break;
		case MB2_TAG_LOADER:
			strscpy(boot_info.loader, (const char *)body,
				min_t(size_t, sizeof(boot_info.loader),
				      body_len + 1));
			break;
		case MB2_TAG_MODULE:
			if (body_len < 8) {
				boot_info.nr_ignored_modules++;
				break;
			}
			add_module(((const u32 *)body)[0],
				   (u64)((const u32 *)body)[1] -
					((const u32 *)body)[0],
				   (const char *)body + 8, body_len - 8);
			break;
		case MB2_TAG_MEMINFO:
			if (body_len >= 8) {
				mem_lower = ((const u32 *)body)[0];
				mem_upper = ((const u32 *)body)[1];
				have_meminfo = true;
			}
			break;
		case MB2_TAG_MMAP: {
			u32 esize, n;

			if (body_len < 8)
				break;
			esize = ((const u32 *)body)[0];
			if (esize < sizeof(struct mb2_mmap_entry)) {
				pr_err("bootinfo: multiboot2 mmap entry size %u too small\n",
				       esize);
				break;
			}
			n = (body_len - 8) / esize;
			for (u32 i = 0; i < n; i++) {
				const struct mb2_mmap_entry *e =
					(const void *)(body + 8 + i * esize);

				add_ram_range(e->addr, e->len, e->type);
			}
			break;
		}
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			if (!boot_info.rsdp)
				boot_info.rsdp = info_phys + off + sizeof(*tag);
			break;
		case MB2_TAG_EFI64:
			if (body_len >= 8)
				boot_info.efi_systab = *(const u64 *)body;
			break;
		case MB2_TAG_EFI_MMAP:
			efi_mmap = body;
			efi_mmap_len = body_len;
			break;
		default:
			break;
		}
	}

	if (boot_info.efi_systab)
		pr_info("bootinfo: UEFI firmware, system table at %#llx\n",
			(unsigned long long)boot_info.efi_systab);
	if (!boot_info.nr_ram_ranges && efi_mmap) {
		parse_efi_mmap(efi_mmap, efi_mmap_len);
		if (boot_info.nr_ram_ranges)
			pr_info("bootinfo: memory map from the EFI memory map tag\n");
	}
	if (!boot_info.nr_ram_ranges && have_meminfo) {
		pr_warn("bootinfo: no multiboot2 memory map; using basic meminfo\n");
		add_ram_range(0, mem_lower * 1024, E820_RAM);
		add_ram_range(1 << 20, mem_upper * 1024, E820_RAM);
	}
	return 0;
}

static int parse_multiboot2(u32 info_phys)
{
	u32 total;

	if (!early_range_ok(info_phys, 8)) {
		pr_err("bootinfo: multiboot2 info at %#x is outside early memory\n",
		       info_phys);
		return -EINVAL;
	}
	total = *(const u32 *)__va(info_phys);
	if (!early_range_ok(info_phys, total)) {
		pr_err("bootinfo: multiboot2 info (%u bytes at %#x) is outside early memory\n",
		       total, info_phys);
		return -EINVAL;
	}
	return bootinfo_parse_mb2(__va(info_phys), total, info_phys);
}

static int parse_pvh(u32 info_phys)
{
	const struct hvm_start_info *si;
	const struct hvm_memmap_entry *map;
	u64 map_len;

	if (!early_range_ok(info_phys, sizeof(*si))) {
		pr_err("bootinfo: PVH start info at %#x is outside early memory\n",
		       info_phys);
		return -EINVAL;
	}
	si = __va(info_phys);
	if (si->magic != PVH_BOOT_MAGIC) {
		pr_err("bootinfo: PVH start info has bad magic %#x\n", si->magic);
		return -EINVAL;
	}
	memblock_reserve(info_phys, sizeof(*si));
	boot_info.protocol = "pvh";
	strscpy(boot_info.loader, "qemu-pvh", sizeof(boot_info.loader));
	boot_info.rsdp = si->rsdp_paddr;

	if (si->cmdline_paddr) {
		if (early_range_ok(si->cmdline_paddr, 1)) {
			u64 room = EARLY_MAPPED - si->cmdline_paddr;

			copy_cmdline(__va(si->cmdline_paddr),
				     min_t(u64, room, BOOT_CMDLINE_MAX * 2));
		} else {
			pr_err("bootinfo: PVH command line at %#llx unreachable; ignored\n",
			       (unsigned long long)si->cmdline_paddr);
		}
	}

	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *mod;
		u64 len = (u64)si->nr_modules * sizeof(*mod);

		if (si->nr_modules > 64 ||
		    !early_range_ok(si->modlist_paddr, len)) {
			boot_info.nr_ignored_modules += si->nr_modules;
		} else {
			memblock_reserve(si->modlist_paddr, len);
			mod = __va(si->modlist_paddr);
			for (u32 i = 0; i < si->nr_modules; i++) {
				const char *name = NULL;

				if (mod[i].cmdline_paddr &&
				    early_range_ok(mod[i].cmdline_paddr, 1))
					name = __va(mod[i].cmdline_paddr);
				add_module(mod[i].paddr, mod[i].size, name,
					   name ? BOOT_MODULE_NAME_MAX - 1 : 0);
			}
		}
	}

	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries) {
		pr_err("bootinfo: PVH start info v%u has no memory map\n",
		       si->version);
		return 0;
	}
	map_len = (u64)si->memmap_entries * sizeof(*map);
	if (si->memmap_entries > 1024 ||
	    !early_range_ok(si->memmap_paddr, map_len)) {
		pr_err("bootinfo: PVH memory map (%u entries at %#llx) is unusable\n",
		       si->memmap_entries,
		       (unsigned long long)si->memmap_paddr);
		return 0;
	}
	map = __va(si->memmap_paddr);
	for (u32 i = 0; i < si->memmap_entries; i++)
		add_ram_range(map[i].addr, map[i].size, map[i].type);
	return 0;
}

int bootinfo_parse(u32 magic, u32 info_phys)
{
	int ret;

	if (magic == MB2_BOOT_MAGIC) {
		ret = parse_multiboot2(info_phys);
	} else if (magic == PVH_BOOT_MAGIC) {
		ret = parse_pvh(info_phys);
	} else {
		pr_err("bootinfo: unknown boot protocol magic %#x (want multiboot2 %#x or PVH)\n",
		       magic, MB2_BOOT_MAGIC);
		return -EINVAL;
	}
	if (ret)
		return ret;
	return bootinfo_check_ram();
}

int bootinfo_check_ram(void)
{
	if (!boot_info.nr_ram_ranges) {
		pr_err("bootinfo: the %s boot information has no usable RAM\n",
		       boot_info.protocol);
		return -EINVAL;
	}
	if (boot_info.nr_ignored_ranges)
		pr_warn("bootinfo: ignored %u malformed memory map entries\n",
			boot_info.nr_ignored_ranges);
	return 0;
}
