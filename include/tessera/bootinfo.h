/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the boot loader told us: command line, memory map (fed straight into
 * memblock), loader name, ACPI RSDP.  arch/x86/kernel/bootinfo.c parses
 * GRUB's multiboot2 information and QEMU's PVH hvm_start_info into this.
 */
#ifndef _TESSERA_BOOTINFO_H
#define _TESSERA_BOOTINFO_H

#include <tessera/types.h>

#define BOOT_CMDLINE_MAX	2048
#define BOOT_MODULES_MAX	8
#define BOOT_MODULE_NAME_MAX	64

/*
 * A file the loader put in memory next to the kernel (multiboot2 module
 * tag, PVH modlist: `qemu -initrd`).  Its pages are reserved in memblock
 * and stay mapped in the direct map; nothing frees them.
 */
struct boot_module {
	phys_addr_t start;
	u64 size;
	char name[BOOT_MODULE_NAME_MAX];	/* its command line, may be "" */
};

struct boot_info {
	const char *protocol;		/* "multiboot2" or "pvh" */
	char loader[64];		/* boot loader name, if given */
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;
	phys_addr_t rsdp;		/* 0 if unknown */
	u64 efi_systab;			/* EFI system table, 0 if not UEFI */
	bool efi_mmap;			/* RAM came from the EFI memory map */
	unsigned int nr_ram_ranges;
	unsigned int nr_ignored_ranges;	/* malformed map entries skipped */
	u64 ram_bytes;			/* sum of usable ranges as reported */
	unsigned int nr_modules;
	unsigned int nr_ignored_modules;	/* beyond BOOT_MODULES_MAX, or bad */
	struct boot_module modules[BOOT_MODULES_MAX];
};

extern struct boot_info boot_info;

/*
 * Parse the loader's information (magic from %eax / the PVH magic, and the
 * physical address of its structure), register RAM with memblock_add() and
 * reserve the structures themselves.  Returns 0, or -EINVAL when the magic
 * is unknown or no usable memory map exists (the caller stops with a message).
 */
int bootinfo_parse(u32 magic, u32 info_phys);

/*
 * The pieces of bootinfo_parse(), exposed for tests/host/test_bootinfo.c:
 * parse a multiboot2 information block already mapped at @base (@total
 * bytes, at physical @info_phys), then check that usable RAM was found.
 */
int bootinfo_parse_mb2(const u8 *base, u32 total, u64 info_phys);
int bootinfo_check_ram(void);

#endif /* _TESSERA_BOOTINFO_H */
