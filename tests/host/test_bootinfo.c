/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot2 information parsing (arch/x86/kernel/bootinfo.c) against
 * hand-built information blocks, including the odd ones a firmware or a
 * boot loader can produce: zero-length and wrapping memory map entries,
 * overlaps, entries above 4 GiB, undersized entry_size, tags whose size
 * runs past the block, an unterminated or over-long command line; and the
 * UEFI case, where the RAM may come only from the EFI memory map (tag 17).
 */
/* HTEST-SOURCES: arch/x86/kernel/bootinfo.c mm/memblock.c lib/string.c tests/host/host_printk.c */
#include "htest.h"

#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/memblock.h>

#include "../../mm/internal.h"

#define GiB (1ULL << 30)

/* A little builder for multiboot2 information blocks. */
struct mb2 {
	unsigned char buf[8192] __attribute__((aligned(8)));
	unsigned int len;
};

static void put32(unsigned char *p, unsigned int v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, unsigned long long v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void mb2_begin(struct mb2 *m)
{
	for (unsigned int i = 0; i < sizeof(m->buf); i++)
		m->buf[i] = 0;
	m->len = 8;
}

/* Append a tag with @size bytes of @body; pads to 8. */
static unsigned char *mb2_tag(struct mb2 *m, unsigned int type,
			      const void *body, unsigned int size)
{
	unsigned char *t = m->buf + m->len;

	put32(t, type);
	put32(t + 4, 8 + size);
	for (unsigned int i = 0; i < size; i++)
		t[8 + i] = body ? ((const unsigned char *)body)[i] : 0;
	m->len += (8 + size + 7) & ~7u;
	return t;
}

static void mb2_end(struct mb2 *m)
{
	mb2_tag(m, 0, NULL, 0);
	put32(m->buf, m->len);
}

struct map_entry {
	unsigned long long addr, len;
	unsigned int type;
};

static void mb2_mmap(struct mb2 *m, const struct map_entry *e, unsigned int n,
		     unsigned int entry_size)
{
	unsigned char body[8 + 64 * 32];

	put32(body, entry_size);
	put32(body + 4, 0);
	for (unsigned int i = 0; i < n; i++) {
		unsigned char *p = body + 8 + i * entry_size;

		for (unsigned int j = 0; j < entry_size; j++)
			p[j] = 0;
		put64(p, e[i].addr);
		put64(p + 8, e[i].len);
		put32(p + 16, e[i].type);
	}
	mb2_tag(m, 6, body, 8 + n * entry_size);
}

static void fresh(void)
{
	memblock_reset();
	for (unsigned int i = 0; i < sizeof(boot_info); i++)
		((unsigned char *)&boot_info)[i] = 0;
}

static void test_normal_map_and_cmdline(struct htest *t)
{
	static struct mb2 m;
	const char cmd[] = "role=memory node=1";
	const struct map_entry map[] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0x100000, 0x7ee0000, 1 },
		{ 0xfffc0000, 0x40000, 2 },
		{ 4 * GiB, 2 * GiB, 1 },
	};

	fresh();
	mb2_begin(&m);
	mb2_tag(&m, 1, cmd, sizeof(cmd));
	mb2_tag(&m, 2, "GRUB 2.06", 10);
	mb2_mmap(&m, map, 5, 24);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_ASSERT_EQ(t, bootinfo_check_ram(), 0);
	HT_EXPECT_STREQ(t, boot_info.cmdline, cmd);
	HT_EXPECT_STREQ(t, boot_info.loader, "GRUB 2.06");
	HT_EXPECT_EQ(t, boot_info.nr_ram_ranges, 3);
	HT_EXPECT_EQ(t, boot_info.nr_ignored_ranges, 0);
	HT_EXPECT_EQ(t, memblock_mem_region_count(), 3);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(), 0x9fc00 + 0x7ee0000 + 2 * GiB);
	HT_EXPECT_EQ(t, memblock_end_of_DRAM(), 6 * GiB);
	/* The information block itself is reserved. */
	HT_EXPECT(t, memblock_is_region_reserved(0x10000, m.len));
}

static void test_odd_entries(struct htest *t)
{
	static struct mb2 m;
	const struct map_entry map[] = {
		{ 0x100000, 0, 1 },			/* empty */
		{ 0xfffffffffffff000ULL, 0x2000, 1 },	/* wraps */
		{ 0x100000, 0x100000, 1 },
		{ 0x180000, 0x100000, 1 },		/* overlaps the last */
		{ 0x100000, 0x100000, 1 },		/* duplicate */
		{ 0x300000, 0x1000, 3 },		/* ACPI: not RAM */
	};

	fresh();
	mb2_begin(&m);
	mb2_mmap(&m, map, 6, 24);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT_EQ(t, boot_info.nr_ignored_ranges, 2);
	HT_ASSERT_EQ(t, bootinfo_check_ram(), 0);
	/* Overlap and duplicate merge into one range. */
	HT_EXPECT_EQ(t, memblock_mem_region_count(), 1);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(), 0x180000);
}

static void test_bigger_entry_size(struct htest *t)
{
	static struct mb2 m;
	const struct map_entry map[] = {
		{ 0x100000, 0x1000000, 1 },
		{ 0x2000000, 0x1000000, 1 },
	};

	/* A future loader may use larger entries: we must step by entry_size. */
	fresh();
	mb2_begin(&m);
	mb2_mmap(&m, map, 2, 32);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT_EQ(t, boot_info.nr_ram_ranges, 2);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(), 0x2000000);
}

static void test_small_entry_size_falls_back(struct htest *t)
{
	static struct mb2 m;
	const struct map_entry map[] = { { 0x100000, 0x1000000, 1 } };
	unsigned char meminfo[8];

	fresh();
	mb2_begin(&m);
	put32(meminfo, 639);		/* KiB below 1 MiB */
	put32(meminfo + 4, 64512);	/* KiB above 1 MiB */
	mb2_tag(&m, 4, meminfo, 8);
	mb2_mmap(&m, map, 1, 16);	/* too small to be an entry */
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_ASSERT_EQ(t, bootinfo_check_ram(), 0);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(), (639ULL + 64512) * 1024);
}

static void test_tag_past_end_stops(struct htest *t)
{
	static struct mb2 m;
	const char cmd[] = "role=storage";
	const struct map_entry map[] = { { 0x100000, 0x1000000, 1 } };
	unsigned char *bad;

	fresh();
	mb2_begin(&m);
	mb2_mmap(&m, map, 1, 24);
	bad = mb2_tag(&m, 1, cmd, sizeof(cmd));
	mb2_end(&m);
	put32(bad + 4, 0x7fffffff);	/* runs far past the block */
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT_EQ(t, boot_info.nr_ram_ranges, 1);	/* kept what came before */
	HT_EXPECT_STREQ(t, boot_info.cmdline, "");

	fresh();
	mb2_begin(&m);
	bad = mb2_tag(&m, 1, cmd, sizeof(cmd));
	mb2_end(&m);
	put32(bad + 4, 3);		/* smaller than a tag header */
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT_EQ(t, bootinfo_check_ram(), -EINVAL);	/* no RAM at all */
}

static void test_bad_total_size(struct htest *t)
{
	static struct mb2 m;

	fresh();
	mb2_begin(&m);
	mb2_end(&m);
	HT_EXPECT_EQ(t, bootinfo_parse_mb2(m.buf, 8, 0x10000), -EINVAL);
	HT_EXPECT_EQ(t, bootinfo_parse_mb2(m.buf, 1u << 30, 0x10000), -EINVAL);
}

static void test_cmdline_unterminated_and_long(struct htest *t)
{
	static struct mb2 m;
	static char big[BOOT_CMDLINE_MAX + 100];
	const struct map_entry map[] = { { 0x100000, 0x1000000, 1 } };
	size_t n;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = 'a' + i % 26;
	fresh();
	mb2_begin(&m);
	mb2_mmap(&m, map, 1, 24);
	mb2_tag(&m, 1, big, sizeof(big));	/* no NUL anywhere */
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	n = 0;
	while (boot_info.cmdline[n])
		n++;
	HT_EXPECT_EQ(t, n, BOOT_CMDLINE_MAX - 1);
	HT_EXPECT(t, boot_info.cmdline_truncated);
	HT_EXPECT_EQ(t, boot_info.cmdline[0], 'a');

	/* Unterminated but short: bounded by the tag, not by a NUL. */
	fresh();
	mb2_begin(&m);
	mb2_mmap(&m, map, 1, 24);
	mb2_tag(&m, 1, "node=2", 6);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT_STREQ(t, boot_info.cmdline, "node=2");
	HT_EXPECT(t, !boot_info.cmdline_truncated);
}

/* One UEFI memory descriptor (type, start, pages) for mb2_efi_mmap(). */
struct efi_entry {
	unsigned int type;
	unsigned long long start, pages;
};

/* Tag 17 with @n descriptors of @desc_size bytes each (40 is the UEFI
 * minimum; firmware may use more, e.g. 48). */
static void mb2_efi_mmap(struct mb2 *m, const struct efi_entry *e,
			 unsigned int n, unsigned int desc_size)
{
	unsigned char body[8 + 32 * 64];

	put32(body, desc_size);
	put32(body + 4, 1);			/* descriptor version */
	for (unsigned int i = 0; i < n; i++) {
		unsigned char *p = body + 8 + i * desc_size;

		for (unsigned int j = 0; j < desc_size; j++)
			p[j] = 0xa5;		/* junk in what we must not read */
		put32(p, e[i].type);
		put64(p + 8, e[i].start);
		put64(p + 16, 0);		/* virtual start */
		put64(p + 24, e[i].pages);
		put64(p + 32, 0xf);		/* attributes: WB|WT|WC|UC */
	}
	mb2_tag(m, 17, body, 8 + n * desc_size);
}

static void mb2_efi64(struct mb2 *m, unsigned long long systab)
{
	unsigned char body[8];

	put64(body, systab);
	mb2_tag(m, 12, body, 8);
}

/* What GRUB passes on OVMF when no tag 6 is given: only tag 17 has RAM. */
static void test_efi_mmap_only(struct htest *t)
{
	static struct mb2 m;
	const struct efi_entry map[] = {
		{ 3, 0, 1 },			/* boot services code: page 0 */
		{ 7, 0x1000, 0x9f },		/* conventional, < 640 KiB */
		{ 0, 0xa0000, 0x60 },		/* reserved */
		{ 7, 0x100000, 0x700 },		/* conventional, 7 MiB */
		{ 10, 0x800000, 0x8 },		/* ACPI NVS */
		{ 1, 0x808000, 0x10 },		/* loader code */
		{ 2, 0x818000, 0x100 },		/* loader data */
		{ 4, 0x918000, 0x6e8 },		/* boot services data */
		{ 9, 0xfe000000, 0x10 },	/* ACPI reclaim: not RAM yet */
		{ 11, 0xffc00000, 0x400 },	/* MMIO */
		{ 7, 4 * GiB, 0x40000 },	/* 1 GiB above 4 GiB */
	};

	fresh();
	mb2_begin(&m);
	mb2_tag(&m, 2, "GRUB 2.06", 10);
	mb2_efi64(&m, 0x7f9ee018ULL);
	mb2_efi_mmap(&m, map, 11, 48);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_ASSERT_EQ(t, bootinfo_check_ram(), 0);
	HT_EXPECT(t, boot_info.efi_mmap);
	HT_EXPECT_EQ(t, boot_info.efi_systab, 0x7f9ee018ULL);
	HT_EXPECT_EQ(t, boot_info.nr_ram_ranges, 7);
	HT_EXPECT_EQ(t, boot_info.nr_ignored_ranges, 0);
	/* [0, 0xa0000), [0x100000, 0x800000), [0x808000, 0x1000000), 4G+1G */
	HT_EXPECT_EQ(t, memblock_mem_region_count(), 4);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(),
		     0xa0000 + 0x700000 + 0x7f8000 + GiB);
	HT_EXPECT_EQ(t, memblock_end_of_DRAM(), 5 * GiB);
	HT_EXPECT(t, memblock_is_region_reserved(0x10000, m.len));
}

/* Both maps given (GRUB on UEFI gives both): tag 6 is the one used. */
static void test_efi_mmap_second_to_mmap(struct htest *t)
{
	static struct mb2 m;
	const struct map_entry e820[] = { { 0x100000, 0x1000000, 1 } };
	const struct efi_entry efi[] = { { 7, 0x100000, 0x4000 } };

	fresh();
	mb2_begin(&m);
	mb2_efi_mmap(&m, efi, 1, 40);		/* before tag 6 on purpose */
	mb2_mmap(&m, e820, 1, 24);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT(t, !boot_info.efi_mmap);
	HT_EXPECT_EQ(t, boot_info.efi_systab, 0);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(), 0x1000000);
}

static void test_efi_mmap_bad(struct htest *t)
{
	static struct mb2 m;
	const struct efi_entry odd[] = {
		{ 7, 0x100000, 0 },			/* empty */
		{ 7, 0xfffffffffffff000ULL, 2 },	/* wraps */
		{ 7, 0x1000, 1ULL << 60 },		/* pages overflow */
		{ 7, 0x200000, 0x100 },
	};
	const struct efi_entry one[] = { { 7, 0x100000, 0x4000 } };
	unsigned char meminfo[8];

	fresh();
	mb2_begin(&m);
	mb2_efi_mmap(&m, odd, 4, 40);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT_EQ(t, boot_info.nr_ignored_ranges, 3);
	HT_EXPECT_EQ(t, boot_info.nr_ram_ranges, 1);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(), 0x100000);

	/* A descriptor size below the UEFI minimum: the map is unusable and
	 * the basic meminfo is what is left. */
	fresh();
	mb2_begin(&m);
	put32(meminfo, 639);
	put32(meminfo + 4, 64512);
	mb2_tag(&m, 4, meminfo, 8);
	mb2_efi_mmap(&m, one, 1, 24);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT(t, !boot_info.efi_mmap);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(), (639ULL + 64512) * 1024);

	/* A tag with no room for its header fields, and nothing else. */
	fresh();
	mb2_begin(&m);
	mb2_tag(&m, 17, "\x28\0\0", 4);
	mb2_end(&m);
	HT_ASSERT_EQ(t, bootinfo_parse_mb2(m.buf, m.len, 0x10000), 0);
	HT_EXPECT_EQ(t, bootinfo_check_ram(), -EINVAL);
}

static const struct htest_case cases[] = {
	HT_CASE(test_efi_mmap_only),
	HT_CASE(test_efi_mmap_second_to_mmap),
	HT_CASE(test_efi_mmap_bad),
	HT_CASE(test_normal_map_and_cmdline),
	HT_CASE(test_odd_entries),
	HT_CASE(test_bigger_entry_size),
	HT_CASE(test_small_entry_size_falls_back),
	HT_CASE(test_tag_past_end_stops),
	HT_CASE(test_bad_total_size),
	HT_CASE(test_cmdline_unterminated_and_long),
	{ NULL, NULL },
};

HTEST_MAIN(cases)
