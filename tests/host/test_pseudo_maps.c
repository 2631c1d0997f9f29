/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of managers/memory/maps.c: the /proc/<pid>/maps lines the
 * memory node sends in P2M_MAPS replies.  Expected lines are written by
 * hand (column counts done on paper) or quoted from a Linux 6.x host's
 * /proc/self/maps; the continuation test checks that replies cut at any
 * size join into the same text with whole lines only.
 */
/* HTEST-SOURCES: managers/memory/maps.c managers/memory/vm.c mm/memblock.c mm/page_alloc.c mm/slab.c lib/rbtree.c lib/string.c lib/vsprintf.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <string.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <uapi/mman.h>

#include "../../managers/memory/internal.h"

#define PG		4096ULL

/* lib/vsprintf.c's %pS needs it; nothing here prints symbols. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "%#lx", addr);
}

static void test_line_anonymous(struct htest *t)
{
	struct vma v = {
		.start = 0x7f51f2934000ULL, .end = 0x7f51f2a67000ULL,
		.prot = PROT_READ | PROT_WRITE,
	};
	char buf[256];

	/* "7f51f2934000-7f51f2a67000 rw-p 00000000 00:00 0 " (Linux) */
	HT_EXPECT_EQ(t, vma_format_maps(&v, 0, 0, NULL, buf, sizeof(buf)), 49);
	HT_EXPECT_STREQ(t, buf,
			"7f51f2934000-7f51f2a67000 rw-p 00000000 00:00 0 \n");
	v.start = 0x10000;
	v.end = 0x11000;
	v.prot = 0;
	vma_format_maps(&v, 0, 0, NULL, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "00010000-00011000 ---p 00000000 00:00 0 \n");
}

static void test_line_named(struct htest *t)
{
	struct vma v = {
		.start = 0x7ffdfd9c1000ULL, .end = 0x7ffdfd9e2000ULL,
		.prot = PROT_READ | PROT_WRITE, .flags = VMA_STACK,
	};
	struct vma text = {
		.start = 0x400000, .end = 0x401000,
		.prot = PROT_READ | PROT_EXEC, .flags = VMA_FILE,
		.file_off = 0x2000,
	};
	char buf[256], want[256];

	/*
	 * "7ffdfd9c1000-7ffdfd9e2000 rw-p 00000000 00:00 0" is 47 bytes,
	 * then 26 spaces: the name starts at column 73 (Linux).
	 */
	vma_format_maps(&v, 0, 0, "[stack]", buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "7ffdfd9c1000-7ffdfd9e2000 rw-p 00000000 "
			"00:00 0                          [stack]\n");
	/* 8-digit addresses: a 40-byte prefix, 33 spaces. */
	snprintf(want, sizeof(want), "%s%33s%s",
		 "00400000-00401000 r-xp 00002000 08:01 12", "",
		 "/bin/prog\n");
	vma_format_maps(&text, 0x0801, 12, "/bin/prog", buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, want);
	/* 57 bytes of prefix: 16 spaces reach column 73. */
	text.start = 0x7fffffff0000ULL;
	text.end = 0x7ffffffff000ULL;
	text.file_off = 0x123456789ULL;
	snprintf(want, sizeof(want), "%s%16s%s",
		 "7fffffff0000-7ffffffff000 r-xp 123456789 fe:00 4294967295",
		 "", "x\n");
	vma_format_maps(&text, 0xfe00, 4294967295ULL, "x", buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, want);
	/* A 76-byte prefix (past column 72): the name follows its space. */
	text.start = 0xffffffffff600000ULL;
	text.end = 0xffffffffff601000ULL;
	vma_format_maps(&text, 0xfe00, ~0ULL, "x", buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "ffffffffff600000-ffffffffff601000 r-xp "
			"123456789 fe:00 18446744073709551615 x\n");
}

static void test_line_too_small(struct htest *t)
{
	struct vma v = { .start = 0x10000, .end = 0x11000, .prot = PROT_READ };
	char buf[80];

	/* "00010000-00011000 r--p 00000000 00:00 0 \n": 41 bytes + NUL. */
	HT_EXPECT_EQ(t, vma_format_maps(&v, 0, 0, NULL, buf, 41), -ENOSPC);
	HT_EXPECT_EQ(t, vma_format_maps(&v, 0, 0, NULL, buf, 42), 41);
	HT_EXPECT_EQ(t, vma_format_maps(&v, 0, 0, "[heap]", buf, 80),
		     -ENOSPC);
}

static void name_heap_stack(void *ctx, struct rmm *mm, const struct vma *v,
			    struct vma_maps_id *id)
{
	int *calls = ctx;

	(*calls)++;
	if (v->flags & VMA_STACK)
		id->name = "[stack]";
}

static void test_continuation(struct htest *t)
{
	char whole[4096], part[4096], joined[4096];
	struct rmm *mm;
	size_t joined_len = 0;
	long len;
	u64 next, start;
	bool eof;
	int calls = 0, lines = 0;

	HT_ASSERT(t, host_mm_boot(16 << 20) != NULL);
	mm = rmm_create(1, 100, 0);
	HT_ASSERT(t, mm != NULL);
	/* Alternating protections: five vmas that cannot merge. */
	for (int i = 0; i < 5; i++)
		HT_ASSERT_EQ(t, rmm_map_fixed(mm, 0x100000 + i * PG,
					      0x101000 + i * PG,
					      i & 1 ? PROT_READ :
						      PROT_READ | PROT_WRITE,
					      i == 4 ? VMA_STACK : 0, NULL, 0,
					      0), 0);
	len = rmm_format_maps(mm, 0, name_heap_stack, &calls, whole,
			      sizeof(whole), &next, &eof);
	HT_EXPECT(t, eof);
	HT_EXPECT_EQ(t, calls, 5);
	for (long i = 0; i < len; i++)
		lines += whole[i] == '\n';
	HT_EXPECT_EQ(t, lines, 5);
	HT_EXPECT(t, strstr(whole, "00101000-00102000 r--p 00000000 00:00 0 \n"));
	HT_EXPECT(t, strstr(whole, "00104000-00105000 rw-p") &&
		  strstr(whole, "[stack]\n"));

	/* Room for two short lines per call: three calls, same text. */
	start = 0;
	for (int call = 0; call < 10; call++) {
		long n = rmm_format_maps(mm, start, name_heap_stack, &calls,
					 part, 2 * 41 + 1, &next, &eof);

		HT_ASSERT(t, n > 0);
		HT_EXPECT_EQ(t, part[n - 1], '\n');
		memcpy(joined + joined_len, part, n);
		joined_len += n;
		start = next;
		if (eof)
			break;
	}
	HT_EXPECT(t, eof);
	HT_EXPECT_EQ(t, (long)joined_len, len);
	HT_EXPECT(t, !memcmp(joined, whole, len));
	/* A buffer too small for one line. */
	HT_EXPECT_EQ(t, rmm_format_maps(mm, 0, name_heap_stack, &calls, part,
					20, &next, &eof), -ENOSPC);
	/* Past the last vma: nothing, at the end. */
	HT_EXPECT_EQ(t, rmm_format_maps(mm, 0x200000, name_heap_stack, &calls,
					part, sizeof(part), &next, &eof), 0);
	HT_EXPECT(t, eof);
	rmm_destroy(mm);
}

static const struct htest_case cases[] = {
	HT_CASE(test_line_anonymous),
	HT_CASE(test_line_named),
	HT_CASE(test_line_too_small),
	HT_CASE(test_continuation),
	{}
};

HTEST_MAIN(cases)
