/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the memory node's address spaces (managers/memory/vm.c
 * and fault.c) over the real buddy and slab allocators on a host arena:
 * the mmap family with the argument checks and errno values of the Linux
 * man pages, vma splitting and merging, lazy page allocation, misses and
 * flushes, file-backed pages, per-process limits and global exhaustion,
 * a random sequence of operations checked against a page-granular
 * reference model, and a leak check (every page back after every rmm is
 * destroyed).
 */
/* HTEST-SOURCES: managers/memory/vm.c managers/memory/fault.c mm/memblock.c mm/page_alloc.c mm/slab.c lib/rbtree.c lib/string.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/mman.h>

#include "../../managers/memory/internal.h"

#define ARENA_SIZE	(32UL << 20)
#define PG		4096ULL
#define ANON		(MAP_PRIVATE | MAP_ANONYMOUS)
#define RW		(PROT_READ | PROT_WRITE)

static char *arena;
static u64 baseline_free;

static int setup(void)
{
	if (arena)
		return 0;
	arena = host_mm_boot(ARENA_SIZE);
	if (!arena)
		return -ENOMEM;
	baseline_free = nr_free_pages();
	return 0;
}

static struct rmm *new_mm(u64 limit)
{
	if (setup())
		return NULL;
	return rmm_create(1, 100, limit);
}

/* Write @tag over the page at @va through a write miss. */
static int touch(struct rmm *mm, u64 va, u8 tag)
{
	void *page;
	u32 prot;
	int ret = rmm_fault(mm, va, RMM_ACCESS_WRITE, NULL, NULL, &page, &prot);

	if (ret)
		return ret;
	memset(page, tag, PAGE_SIZE);
	return 0;
}

/* First byte of the page at @va through a read miss, or -errno. */
static int peek(struct rmm *mm, u64 va)
{
	void *page;
	u32 prot;
	int ret = rmm_fault(mm, va, RMM_ACCESS_READ, NULL, NULL, &page, &prot);

	return ret ? ret : ((u8 *)page)[va & (PG - 1)];
}

static unsigned int count_vmas(struct rmm *mm)
{
	unsigned int n = 0;

	for (struct vma *v = rmm_first_vma(mm); v; v = rmm_next_vma(v))
		n++;
	return n;
}

static void test_mmap_args(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	struct mem_file none = { .kind = MEM_FILE_NONE };
	s64 c;

	HT_ASSERT(t, mm);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, 0, RW, ANON, NULL, 0), -EINVAL);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, PG, RW, MAP_ANONYMOUS, NULL, 0),
		     -EINVAL);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, PG, RW, MAP_SHARED | MAP_ANONYMOUS,
				 NULL, 0), -EOPNOTSUPP);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0x10000123, PG, RW, ANON | MAP_FIXED,
				 NULL, 0), -EINVAL);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, -1ULL, RW, ANON, NULL, 0), -ENOMEM);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, TASK_SIZE + PG, RW, ANON, NULL, 0),
		     -ENOMEM);
	HT_EXPECT_EQ(t, rmm_mmap(mm, TASK_SIZE - PG, 2 * PG, RW,
				 ANON | MAP_FIXED, NULL, 0), -ENOMEM);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0x1000, PG, RW, ANON | MAP_FIXED, NULL,
				 0), -EPERM);
	/* Unknown prot bits are ignored, as by Linux (memdiff). */
	c = rmm_mmap(mm, 0, PG, 0x80 | PROT_READ, ANON, NULL, 0);
	HT_EXPECT(t, c > 0);
	HT_EXPECT_EQ(t, rmm_munmap(mm, c, PG), 0);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, PG, RW, MAP_PRIVATE, &none, 0), -EBADF);
	HT_EXPECT_EQ(t, count_vmas(mm), 0);
	rmm_destroy(mm);
}

static void test_mmap_placement(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	s64 a, b, c;

	HT_ASSERT(t, mm);
	a = rmm_mmap(mm, 0, 3 * PG, RW, ANON, NULL, 0);
	b = rmm_mmap(mm, 0, 5000, PROT_READ, ANON, NULL, 0);
	HT_ASSERT(t, a > 0 && b > 0);
	HT_EXPECT_EQ(t, a & (PG - 1), 0);
	HT_EXPECT_EQ(t, b & (PG - 1), 0);
	HT_EXPECT(t, (u64)a + 3 * PG <= MMAP_BASE);
	/* Top-down: the second lies right below the first. */
	HT_EXPECT_EQ(t, b + 2 * PG, a);
	/* A free hint is honoured; a busy one is not. */
	c = rmm_mmap(mm, 0x200000000ULL, PG, RW, ANON, NULL, 0);
	HT_EXPECT_EQ(t, c, 0x200000000LL);
	c = rmm_mmap(mm, (u64)a + 100, PG, RW, ANON, NULL, 0);
	HT_EXPECT(t, c > 0 && c != a && (c >= a + 3 * (s64)PG || c + (s64)PG <= a));
	/* A hint below mmap_min_addr is raised to it. */
	c = rmm_mmap(mm, 0x1000, PG, RW, ANON, NULL, 0);
	HT_EXPECT_EQ(t, c, (s64)MMAP_MIN_ADDR);
	rmm_destroy(mm);
}

static void test_mmap_fixed_replaces(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	u64 base = 0x40000000;

	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, rmm_mmap(mm, base, 3 * PG, RW, ANON | MAP_FIXED, NULL,
				 0), base);
	HT_EXPECT_EQ(t, count_vmas(mm), 1);
	for (int i = 0; i < 3; i++)
		HT_ASSERT_EQ(t, touch(mm, base + i * PG, 0x10 + i), 0);
	HT_EXPECT_EQ(t, mm->nr_pages, 3);
	HT_EXPECT_EQ(t, rmm_mmap(mm, base + PG, PG, PROT_READ,
				 ANON | MAP_FIXED, NULL, 0), base + PG);
	HT_EXPECT_EQ(t, count_vmas(mm), 3);
	HT_EXPECT_EQ(t, mm->nr_pages, 2);
	HT_EXPECT_EQ(t, peek(mm, base), 0x10);
	HT_EXPECT_EQ(t, peek(mm, base + PG), 0);
	HT_EXPECT_EQ(t, peek(mm, base + 2 * PG), 0x12);
	HT_EXPECT_EQ(t, touch(mm, base + PG, 1), -EACCES);
	/* NOREPLACE: busy anywhere in the range is -EEXIST, free is fine. */
	HT_EXPECT_EQ(t, rmm_mmap(mm, base + 2 * PG, 2 * PG, RW,
				 ANON | MAP_FIXED_NOREPLACE, NULL, 0), -EEXIST);
	HT_EXPECT_EQ(t, rmm_mmap(mm, base + 2 * PG, 2 * PG, RW,
				 ANON | MAP_FIXED | MAP_FIXED_NOREPLACE, NULL,
				 0), -EEXIST);
	HT_EXPECT_EQ(t, peek(mm, base + 2 * PG), 0x12);
	HT_EXPECT_EQ(t, rmm_mmap(mm, base + 3 * PG, 2 * PG, RW,
				 ANON | MAP_FIXED_NOREPLACE, NULL, 0),
		     base + 3 * PG);
	/* Same attributes as its left neighbour: merged. */
	HT_EXPECT_EQ(t, count_vmas(mm), 3);
	rmm_destroy(mm);
}

static void test_munmap_split(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	u64 base = 0x50000000;
	struct vma *v;

	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, rmm_mmap(mm, base, 4 * PG, RW, ANON | MAP_FIXED, NULL,
				 0), base);
	for (int i = 0; i < 4; i++)
		HT_ASSERT_EQ(t, touch(mm, base + i * PG, 0x20 + i), 0);
	HT_EXPECT_EQ(t, rmm_munmap(mm, base + PG, 1), 0);
	HT_EXPECT_EQ(t, count_vmas(mm), 2);
	HT_EXPECT_EQ(t, mm->nr_pages, 3);
	HT_EXPECT_EQ(t, peek(mm, base + PG), -EFAULT);
	HT_EXPECT_EQ(t, peek(mm, base + PG + 77), -EFAULT);
	HT_EXPECT_EQ(t, peek(mm, base + 2 * PG), 0x22);
	v = rmm_find_vma(mm, base + 3 * PG);
	HT_ASSERT(t, v);
	HT_EXPECT_EQ(t, v->start, base + 2 * PG);
	HT_EXPECT_EQ(t, v->end, base + 4 * PG);
	HT_EXPECT_EQ(t, rmm_munmap(mm, base + 1, PG), -EINVAL);
	HT_EXPECT_EQ(t, rmm_munmap(mm, base, 0), -EINVAL);
	HT_EXPECT_EQ(t, rmm_munmap(mm, TASK_SIZE - PG, 2 * PG), -EINVAL);
	/* Nothing mapped there: not an error. */
	HT_EXPECT_EQ(t, rmm_munmap(mm, 0x70000000, PG), 0);
	/* One call across the hole and both pieces. */
	HT_EXPECT_EQ(t, rmm_munmap(mm, base, 4 * PG), 0);
	HT_EXPECT_EQ(t, count_vmas(mm), 0);
	HT_EXPECT_EQ(t, mm->nr_pages, 0);
	HT_EXPECT_EQ(t, mm->nr_tables, 0);
	rmm_destroy(mm);
}

static void test_mprotect(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	u64 base = 0x60000000;
	void *page;
	u32 prot;

	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, rmm_mmap(mm, base, 4 * PG, RW, ANON | MAP_FIXED, NULL,
				 0), base);
	HT_ASSERT_EQ(t, touch(mm, base + PG, 0x33), 0);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base + PG, PG, PROT_READ), 0);
	HT_EXPECT_EQ(t, count_vmas(mm), 3);
	HT_EXPECT_EQ(t, touch(mm, base + PG, 1), -EACCES);
	HT_EXPECT_EQ(t, peek(mm, base + PG), 0x33);
	HT_EXPECT_EQ(t, rmm_fault(mm, base + PG, RMM_ACCESS_READ, NULL, NULL,
				  &page, &prot), 0);
	HT_EXPECT_EQ(t, prot, PROT_READ);
	HT_EXPECT_EQ(t, rmm_fault(mm, base, RMM_ACCESS_EXEC, NULL, NULL,
				  &page, &prot), -EACCES);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base, PG, PROT_NONE), 0);
	HT_EXPECT_EQ(t, peek(mm, base), -EACCES);
	/* Back to RW everywhere: one vma again, data kept. */
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base, 4 * PG, RW), 0);
	HT_EXPECT_EQ(t, count_vmas(mm), 1);
	HT_EXPECT_EQ(t, peek(mm, base + PG), 0x33);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base + 1, PG, RW), -EINVAL);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base, PG, 0x10), -EINVAL);
	/* PROT_SEM is accepted on x86 and changes nothing. */
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base, 4 * PG, RW | 0x8), 0);
	HT_EXPECT_EQ(t, rmm_find_vma(mm, base)->prot, RW);
	HT_EXPECT_EQ(t, count_vmas(mm), 1);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base, 0, PROT_READ), 0);
	/* A hole in the range: -ENOMEM, nothing changed. */
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base, 5 * PG, PROT_READ), -ENOMEM);
	HT_EXPECT_EQ(t, rmm_find_vma(mm, base)->prot, RW);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base + 3 * PG, 1, PROT_EXEC), 0);
	HT_EXPECT_EQ(t, rmm_fault(mm, base + 3 * PG, RMM_ACCESS_EXEC, NULL,
				  NULL, &page, &prot), 0);
	HT_EXPECT_EQ(t, prot, PROT_EXEC);
	rmm_destroy(mm);
}

static void test_brk(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	u64 start = 0x4c9000, b;

	HT_ASSERT(t, mm);
	mm->start_brk = mm->brk = start;
	HT_EXPECT_EQ(t, rmm_brk(mm, 0), start);
	b = start + 10000;
	HT_EXPECT_EQ(t, rmm_brk(mm, b), b);
	HT_EXPECT_EQ(t, touch(mm, start, 0x43), 0);
	HT_EXPECT_EQ(t, touch(mm, start + 2 * PG, 0x44), 0);
	HT_EXPECT_EQ(t, peek(mm, start + 2 * PG), 0x44);
	/* Beyond the heap's last page: no vma. */
	HT_EXPECT_EQ(t, peek(mm, start + 3 * PG), -EFAULT);
	/* Below the start: refused, the old break comes back. */
	HT_EXPECT_EQ(t, rmm_brk(mm, start - 1), b);
	/* Shrink frees the pages; growing again gives zeros. */
	HT_EXPECT_EQ(t, rmm_brk(mm, start + 10), start + 10);
	HT_EXPECT_EQ(t, mm->nr_pages, 1);
	HT_EXPECT_EQ(t, peek(mm, start + 5), 0x43);
	HT_EXPECT_EQ(t, rmm_brk(mm, start + 3 * PG), start + 3 * PG);
	HT_EXPECT_EQ(t, peek(mm, start + 2 * PG), 0);
	/* A mapping in the way: the break stays. */
	HT_ASSERT_EQ(t, rmm_mmap(mm, start + 8 * PG, PG, RW, ANON | MAP_FIXED,
				 NULL, 0), start + 8 * PG);
	HT_EXPECT_EQ(t, rmm_brk(mm, start + 9 * PG), start + 3 * PG);
	HT_EXPECT_EQ(t, rmm_brk(mm, start + 8 * PG), start + 8 * PG);
	rmm_destroy(mm);
}

static void test_mremap(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	u64 base = 0x70000000;
	s64 r;

	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, rmm_mmap(mm, base, 2 * PG, RW, ANON | MAP_FIXED, NULL,
				 0), base);
	HT_ASSERT_EQ(t, touch(mm, base, 0x51), 0);
	HT_ASSERT_EQ(t, touch(mm, base + PG, 0x52), 0);
	/* Grow in place. */
	HT_EXPECT_EQ(t, rmm_mremap(mm, base, 2 * PG, 4 * PG, 0, 0), base);
	HT_EXPECT_EQ(t, rmm_find_vma(mm, base)->end, base + 4 * PG);
	/* Blocked, without MAYMOVE: -ENOMEM. */
	HT_ASSERT_EQ(t, rmm_mmap(mm, base + 4 * PG, PG, PROT_READ,
				 ANON | MAP_FIXED, NULL, 0), base + 4 * PG);
	HT_EXPECT_EQ(t, rmm_mremap(mm, base, 4 * PG, 8 * PG, 0, 0), -ENOMEM);
	/* Move: the data follows, the old range is gone. */
	r = rmm_mremap(mm, base, 4 * PG, 8 * PG, MREMAP_MAYMOVE, 0);
	HT_ASSERT(t, r > 0 && (u64)r != base);
	HT_EXPECT_EQ(t, peek(mm, r), 0x51);
	HT_EXPECT_EQ(t, peek(mm, r + PG), 0x52);
	HT_EXPECT_EQ(t, peek(mm, r + 7 * PG), 0);
	HT_EXPECT_EQ(t, peek(mm, base), -EFAULT);
	HT_EXPECT_EQ(t, mm->nr_pages, 3);
	/* Shrink. */
	HT_EXPECT_EQ(t, rmm_mremap(mm, r, 8 * PG, PG, 0, 0), r);
	HT_EXPECT_EQ(t, peek(mm, r + PG), -EFAULT);
	HT_EXPECT_EQ(t, mm->nr_pages, 1);
	/* FIXED. */
	HT_EXPECT_EQ(t, rmm_mremap(mm, r, PG, 2 * PG,
				   MREMAP_MAYMOVE | MREMAP_FIXED, 0x90000000),
		     0x90000000);
	HT_EXPECT_EQ(t, peek(mm, 0x90000000), 0x51);
	/* Argument errors. */
	HT_EXPECT_EQ(t, rmm_mremap(mm, 0x90000000, PG, 2 * PG, MREMAP_FIXED,
				   0xa0000000), -EINVAL);
	HT_EXPECT_EQ(t, rmm_mremap(mm, 0x90000001, PG, 2 * PG, 0, 0), -EINVAL);
	HT_EXPECT_EQ(t, rmm_mremap(mm, 0x90000000, PG, 0, 0, 0), -EINVAL);
	HT_EXPECT_EQ(t, rmm_mremap(mm, 0x90000000, PG, PG, 0x10, 0), -EINVAL);
	HT_EXPECT_EQ(t, rmm_mremap(mm, 0xb0000000, PG, 2 * PG, 0, 0), -EFAULT);
	HT_EXPECT_EQ(t, rmm_mremap(mm, 0x90000000, 3 * PG, 4 * PG, 0, 0),
		     -EFAULT);
	HT_EXPECT_EQ(t, rmm_mremap(mm, 0x90000000, PG, 2 * PG,
				   MREMAP_MAYMOVE | MREMAP_FIXED, 0x8ffff000),
		     -EINVAL);
	rmm_destroy(mm);
}

static void test_madvise(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	u64 base = 0x30000000;

	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, rmm_mmap(mm, base, 3 * PG, RW, ANON | MAP_FIXED, NULL,
				 0), base);
	for (int i = 0; i < 3; i++)
		HT_ASSERT_EQ(t, touch(mm, base + i * PG, 0x61 + i), 0);
	HT_EXPECT_EQ(t, rmm_madvise(mm, base, PG, MADV_WILLNEED), 0);
	HT_EXPECT_EQ(t, peek(mm, base), 0x61);
	HT_EXPECT_EQ(t, rmm_madvise(mm, base, 2 * PG - 5, MADV_DONTNEED), 0);
	HT_EXPECT_EQ(t, peek(mm, base), 0);
	HT_EXPECT_EQ(t, peek(mm, base + PG), 0);
	HT_EXPECT_EQ(t, peek(mm, base + 2 * PG), 0x63);
	HT_EXPECT_EQ(t, rmm_madvise(mm, base, PG, 999), -EINVAL);
	HT_EXPECT_EQ(t, rmm_madvise(mm, base + 3, PG, MADV_DONTNEED), -EINVAL);
	HT_EXPECT_EQ(t, rmm_madvise(mm, base, 0, MADV_DONTNEED), 0);
	/* A hole: -ENOMEM, yet the mapped part is dropped. */
	HT_EXPECT_EQ(t, rmm_madvise(mm, base + 2 * PG, 2 * PG, MADV_DONTNEED),
		     -ENOMEM);
	HT_EXPECT_EQ(t, peek(mm, base + 2 * PG), 0);
	HT_EXPECT_EQ(t, count_vmas(mm), 1);
	rmm_destroy(mm);
}

static void test_flush_then_miss(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	u64 base = 0x31000000;
	u8 data[4096];
	void *page;
	u32 prot;

	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, rmm_mmap(mm, base, 2 * PG, RW, ANON | MAP_FIXED, NULL,
				 0), base);
	for (int i = 0; i < 4096; i++)
		data[i] = (u8)(i * 7 + 3);
	HT_EXPECT_EQ(t, rmm_flush(mm, base + PG, data), 0);
	HT_ASSERT_EQ(t, rmm_fault(mm, base + PG + 9, RMM_ACCESS_READ, NULL,
				  NULL, &page, &prot), 0);
	HT_EXPECT(t, memcmp(page, data, 4096) == 0);
	HT_EXPECT_EQ(t, prot, RW);
	HT_EXPECT_EQ(t, rmm_flush(mm, base + 1, data), -EINVAL);
	HT_EXPECT_EQ(t, rmm_flush(mm, base + 2 * PG, data), -EFAULT);
	/* A flush into a read-only vma is accepted (dirtied while writable). */
	HT_EXPECT_EQ(t, rmm_mprotect(mm, base, PG, PROT_READ), 0);
	HT_EXPECT_EQ(t, rmm_flush(mm, base, data), 0);
	HT_EXPECT_EQ(t, peek(mm, base + 5), data[5]);
	rmm_destroy(mm);
}

/* A file of 10000 bytes, byte i = i % 251. */
static int file_read(void *ctx, const struct mem_file *f, u64 off, void *buf,
		     u32 len)
{
	int *calls = ctx;

	(*calls)++;
	if (off + len > f->size)
		return -EIO;
	for (u32 i = 0; i < len; i++)
		((u8 *)buf)[i] = (u8)((off + i) % 251);
	return 0;
}

static int fail_read(void *ctx, const struct mem_file *f, u64 off, void *buf,
		     u32 len)
{
	return -EIO;
}

static void test_file_backed(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	struct mem_file f = { .kind = MEM_FILE_IMAGE, .id = 7, .size = 10000 };
	int calls = 0, bad = 0;
	u64 pages;
	void *page;
	u32 prot;
	s64 a;

	HT_ASSERT(t, mm);
	a = rmm_mmap(mm, 0, 4 * PG, PROT_READ, MAP_PRIVATE, &f, PG);
	HT_ASSERT(t, a > 0);
	HT_ASSERT_EQ(t, rmm_fault(mm, a, RMM_ACCESS_READ, file_read, &calls,
				  &page, &prot), 0);
	for (u32 i = 0; i < PG; i++)
		bad += ((u8 *)page)[i] != (u8)((PG + i) % 251);
	HT_EXPECT_EQ(t, bad, 0);
	/* The page holding EOF: file bytes, then zeros. */
	HT_ASSERT_EQ(t, rmm_fault(mm, a + PG, RMM_ACCESS_READ, file_read,
				  &calls, &page, &prot), 0);
	HT_EXPECT_EQ(t, ((u8 *)page)[10000 - 2 * PG - 1],
		     (u8)((10000 - 1) % 251));
	HT_EXPECT_EQ(t, ((u8 *)page)[10000 - 2 * PG], 0);
	HT_EXPECT_EQ(t, calls, 2);
	/* Wholly past EOF: SIGBUS territory. */
	HT_EXPECT_EQ(t, rmm_fault(mm, a + 2 * PG, RMM_ACCESS_READ, file_read,
				  &calls, &page, &prot), -ENXIO);
	/* Private: a write stays here, and a second miss does not re-read. */
	HT_EXPECT_EQ(t, rmm_fault(mm, a, RMM_ACCESS_WRITE, file_read, &calls,
				  &page, &prot), -EACCES);
	HT_EXPECT_EQ(t, rmm_fault(mm, a, RMM_ACCESS_READ, file_read, &calls,
				  &page, &prot), 0);
	HT_EXPECT_EQ(t, calls, 2);
	/* DONTNEED on a file page: the next miss reads the file again. */
	HT_EXPECT_EQ(t, rmm_madvise(mm, a, PG, MADV_DONTNEED), 0);
	HT_EXPECT_EQ(t, rmm_fault(mm, a, RMM_ACCESS_READ, file_read, &calls,
				  &page, &prot), 0);
	HT_EXPECT_EQ(t, calls, 3);
	/* A read error leaves no page behind; the next miss reads again. */
	a = rmm_mmap(mm, 0, PG, PROT_READ, MAP_PRIVATE, &f, 0);
	HT_ASSERT(t, a > 0);
	pages = mm->nr_pages;
	HT_EXPECT_EQ(t, rmm_fault(mm, a, RMM_ACCESS_READ, fail_read, NULL,
				  &page, &prot), -EIO);
	HT_EXPECT_EQ(t, mm->nr_pages, pages);
	HT_EXPECT_EQ(t, rmm_fault(mm, a + 5, RMM_ACCESS_READ, file_read, &calls,
				  &page, &prot), 0);
	HT_EXPECT_EQ(t, ((u8 *)page)[5], 5);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, PG, PROT_READ, MAP_PRIVATE, &f, 3),
		     -EINVAL);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, 2 * PG, PROT_READ, MAP_PRIVATE, &f,
				 -PG), -EOVERFLOW);
	rmm_destroy(mm);
}

/*
 * rmm_fault_zero() says "zero" exactly for a page it has just created
 * outside any file mapping: a first touch, read or write, and again
 * after MADV_DONTNEED; never for a page that exists, nor a file's page
 * (whose tail past EOF is zero too, but is filled from the file).
 */
static void test_fault_zero(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	struct mem_file f = { .kind = MEM_FILE_IMAGE, .id = 7, .size = 10000 };
	int calls = 0;
	bool zero;
	void *page;
	u32 prot;
	s64 a, fa;

	HT_ASSERT(t, mm);
	a = rmm_mmap(mm, 0, 2 * PG, RW, ANON, NULL, 0);
	HT_ASSERT(t, a > 0);
	HT_ASSERT_EQ(t, rmm_fault_zero(mm, a + 3, RMM_ACCESS_READ, NULL, NULL,
				       &page, &prot, &zero), 0);
	HT_EXPECT(t, zero);
	HT_EXPECT_EQ(t, prot, RW);
	for (u32 i = 0; i < PG; i++)
		HT_ASSERT_EQ(t, ((u8 *)page)[i], 0);
	memset(page, 0x5a, PG);		/* as if flushed */
	HT_ASSERT_EQ(t, rmm_fault_zero(mm, a, RMM_ACCESS_WRITE, NULL, NULL,
				       &page, &prot, &zero), 0);
	HT_EXPECT(t, !zero);
	HT_EXPECT_EQ(t, ((u8 *)page)[PG - 1], 0x5a);
	HT_ASSERT_EQ(t, rmm_fault_zero(mm, a + PG, RMM_ACCESS_WRITE, NULL,
				       NULL, &page, &prot, &zero), 0);
	HT_EXPECT(t, zero);
	HT_EXPECT_EQ(t, rmm_madvise(mm, a, PG, MADV_DONTNEED), 0);
	HT_ASSERT_EQ(t, rmm_fault_zero(mm, a, RMM_ACCESS_READ, NULL, NULL,
				       &page, &prot, &zero), 0);
	HT_EXPECT(t, zero);
	/* A file's page, also the one holding EOF: never "zero". */
	fa = rmm_mmap(mm, 0, 3 * PG, RW, MAP_PRIVATE, &f, 0);
	HT_ASSERT(t, fa > 0);
	HT_ASSERT_EQ(t, rmm_fault_zero(mm, fa + 2 * PG, RMM_ACCESS_WRITE,
				       file_read, &calls, &page, &prot, &zero),
		     0);
	HT_EXPECT(t, !zero);
	HT_EXPECT_EQ(t, calls, 1);
	/* Errors leave it false. */
	zero = true;
	HT_EXPECT_EQ(t, rmm_fault_zero(mm, 0x1000, RMM_ACCESS_READ, NULL, NULL,
				       &page, &prot, &zero), -EFAULT);
	HT_EXPECT(t, !zero);
	rmm_destroy(mm);
}

/*
 * rmm_fault_around_zero(): the window's absent pages of a private
 * anonymous vma, created zero; nothing outside the vma, nothing that
 * exists, nothing for a file vma or under a page limit.  (Shared
 * anonymous memory is the processor's tmpfs, never a vma here.)
 */
static void test_fault_around_zero(struct htest *t)
{
	struct rmm *mm = new_mm(0), *lim = new_mm(64);
	struct mem_file f = { .kind = MEM_FILE_IMAGE, .id = 7, .size = 10000 };
	u64 base = 0x40000000, before;
	bool zero;
	void *page;
	u32 prot;
	s64 a;

	HT_ASSERT(t, mm && lim);
	/* Pages 2..9 of a window: the vma starts at bit 2 and ends at 10. */
	a = rmm_mmap(mm, base + 2 * PG, 8 * PG, RW, ANON | MAP_FIXED, NULL, 0);
	HT_ASSERT_EQ(t, a, (s64)(base + 2 * PG));
	HT_ASSERT_EQ(t, touch(mm, base + 5 * PG, 0x77), 0);	/* exists */
	HT_ASSERT_EQ(t, rmm_fault_zero(mm, base + 4 * PG, RMM_ACCESS_WRITE,
				       NULL, NULL, &page, &prot, &zero), 0);
	HT_EXPECT(t, zero);
	before = mm->nr_pages;
	/* Ask for all but bit 4: 0, 1 and 10.. are outside, 5 exists. */
	HT_EXPECT_EQ(t, rmm_fault_around_zero(mm, base + 4 * PG,
					      P2M_AROUND_ALL & ~(1u << 4)),
		     0x3cc);
	HT_EXPECT_EQ(t, mm->nr_pages, before + 6);
	HT_EXPECT_EQ(t, peek(mm, base + 5 * PG), 0x77);
	HT_EXPECT_EQ(t, peek(mm, base + 9 * PG + 17), 0);
	/* All there now: nothing more. */
	HT_EXPECT_EQ(t, rmm_fault_around_zero(mm, base + 4 * PG, 0x3cc), 0);
	/* A file vma (private, writable): none. */
	a = rmm_mmap(mm, base + 16 * PG, 2 * PG, RW, MAP_PRIVATE | MAP_FIXED,
		     &f, 0);
	HT_EXPECT_EQ(t, a, (s64)(base + 16 * PG));
	HT_EXPECT_EQ(t, rmm_fault_around_zero(mm, base + 16 * PG, 0x2), 0);
	/* Under a page limit pages come only when touched. */
	a = rmm_mmap(lim, base, 8 * PG, RW, ANON | MAP_FIXED, NULL, 0);
	HT_ASSERT_EQ(t, a, (s64)base);
	HT_EXPECT_EQ(t, rmm_fault_around_zero(lim, base, 0xfe), 0);
	rmm_destroy(lim);
	rmm_destroy(mm);
}

/* The byte at @va of a mapping of file_read()'s file through a read miss. */
static int file_byte(struct rmm *mm, u64 va, int *calls)
{
	void *page;
	u32 prot;
	int ret = rmm_fault(mm, va, RMM_ACCESS_READ, file_read, calls, &page,
			    &prot);

	return ret ? ret : ((u8 *)page)[va & (PG - 1)];
}

/*
 * MAP_SHARED of a (read-only) file, and the parts of file mappings:
 * mprotect, munmap and mremap keep each page's file offset.
 */
static void test_file_shared_and_parts(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	struct mem_file f = { .kind = MEM_FILE_IMAGE, .id = 7, .size = 10000 };
	int calls = 0;
	void *page;
	u32 prot;
	s64 a, b;

	HT_ASSERT(t, mm);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, PG, RW, MAP_SHARED, &f, 0), -EACCES);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, PG, PROT_READ, MAP_SHARED, NULL, 0),
		     -EBADF);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, PG, PROT_READ, MAP_PRIVATE, &f,
				 0x7ffffffffffff000ULL), -EOVERFLOW);
	HT_EXPECT_EQ(t, rmm_mmap(mm, 0, 0, PROT_READ, MAP_PRIVATE, &f, 0),
		     -EINVAL);
	a = rmm_mmap(mm, 0, 3 * PG, PROT_READ, MAP_SHARED, &f, 0);
	HT_ASSERT(t, a > 0);
	HT_EXPECT_EQ(t, file_byte(mm, a + 2 * PG + 3, &calls),
		     (2 * PG + 3) % 251);
	/* Never writable: not at once, not in part, not later. */
	HT_EXPECT_EQ(t, rmm_mprotect(mm, a + PG, PG, RW), -EACCES);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, a, 3 * PG, PROT_READ | PROT_WRITE |
				     PROT_EXEC), -EACCES);
	HT_EXPECT_EQ(t, rmm_find_vma(mm, a + PG)->prot, PROT_READ);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, a + PG, PG, PROT_READ | PROT_EXEC), 0);
	HT_EXPECT_EQ(t, count_vmas(mm), 3);
	HT_EXPECT_EQ(t, rmm_fault(mm, a + PG, RMM_ACCESS_WRITE, file_read,
				  &calls, &page, &prot), -EACCES);
	HT_EXPECT_EQ(t, file_byte(mm, a + PG + 7, &calls), (PG + 7) % 251);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, a + PG, PG, PROT_READ), 0);
	HT_EXPECT_EQ(t, count_vmas(mm), 1);

	/* A hole in a private file mapping; the tail keeps its offsets. */
	b = rmm_mmap(mm, 0, 3 * PG, RW, MAP_PRIVATE, &f, 0);
	HT_ASSERT(t, b > 0);
	HT_ASSERT_EQ(t, rmm_fault(mm, b, RMM_ACCESS_WRITE, file_read, &calls,
				  &page, &prot), 0);
	HT_EXPECT_EQ(t, ((u8 *)page)[1], 1);
	memset(page, 0xaa, PG);
	HT_EXPECT_EQ(t, rmm_munmap(mm, b + PG, PG), 0);
	HT_EXPECT_EQ(t, peek(mm, b + PG), -EFAULT);
	HT_EXPECT_EQ(t, file_byte(mm, b + 2 * PG + 1, &calls),
		     (2 * PG + 1) % 251);
	HT_EXPECT_EQ(t, file_byte(mm, b, &calls), 0xaa);
	/* Moved by mremap: the private page moves, file pages still map. */
	a = rmm_mremap(mm, b + 2 * PG, PG, 2 * PG, MREMAP_MAYMOVE, 0);
	HT_ASSERT(t, a > 0);
	HT_EXPECT_EQ(t, file_byte(mm, a + 9, &calls), (2 * PG + 9) % 251);
	/* Grown past EOF: the new page is wholly past it (SIGBUS). */
	HT_EXPECT_EQ(t, file_byte(mm, a + PG, &calls), -ENXIO);
	a = rmm_mremap(mm, b, PG, 4 * PG, MREMAP_MAYMOVE, 0);
	HT_ASSERT(t, a > 0);
	HT_EXPECT_EQ(t, file_byte(mm, a, &calls), 0xaa);
	HT_EXPECT_EQ(t, file_byte(mm, a + PG + 1, &calls), (PG + 1) % 251);
	rmm_destroy(mm);
}

static void test_limit_and_exhaustion(struct htest *t)
{
	struct rmm *a = new_mm(4), *b = new_mm(0);
	u64 base = 0x20000000;
	int ret = 0, n = 0;

	HT_ASSERT(t, a && b);
	HT_ASSERT_EQ(t, rmm_mmap(a, base, 8 * PG, RW, ANON | MAP_FIXED, NULL,
				 0), base);
	for (int i = 0; i < 4; i++)
		HT_EXPECT_EQ(t, touch(a, base + i * PG, 1), 0);
	HT_EXPECT_EQ(t, touch(a, base + 4 * PG, 1), -ENOMEM);
	HT_EXPECT_EQ(t, a->nr_pages, 4);
	/* b has no limit: it runs buddy dry and gets -ENOMEM, no crash. */
	/* A flag in prot by mistake is an unknown bit: ignored (Linux). */
	HT_ASSERT_EQ(t, rmm_mmap(b, base, 64ULL << 20, RW | MAP_NORESERVE,
				 ANON | MAP_FIXED, NULL, 0), base);
	HT_ASSERT_EQ(t, rmm_mmap(b, base, 64ULL << 20, RW,
				 ANON | MAP_FIXED | MAP_NORESERVE, NULL, 0),
		     base);
	for (u64 va = base; va < base + (64ULL << 20); va += PG) {
		ret = touch(b, va, 2);
		if (ret)
			break;
		n++;
	}
	HT_EXPECT_EQ(t, ret, -ENOMEM);
	HT_EXPECT(t, n > 1000);
	/* a still works on what it has; after b goes, memory comes back. */
	HT_EXPECT_EQ(t, peek(a, base), 1);
	rmm_destroy(b);
	HT_EXPECT_EQ(t, touch(a, base + 3 * PG, 3), 0);
	rmm_destroy(a);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_lazy_reservation(struct htest *t)
{
	struct rmm *mm = new_mm(0);
	s64 r;

	HT_ASSERT(t, mm);
	r = rmm_mmap(mm, 0, 1ULL << 30, PROT_NONE, ANON | MAP_NORESERVE, NULL,
		     0);
	HT_ASSERT(t, r > 0);
	HT_EXPECT_EQ(t, mm->nr_pages, 0);
	HT_EXPECT_EQ(t, mm->nr_tables, 0);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, r + (64 << 20), 128 << 10, RW), 0);
	HT_EXPECT_EQ(t, touch(mm, r + (64 << 20) + PG, 9), 0);
	HT_EXPECT_EQ(t, mm->nr_pages, 1);
	HT_EXPECT(t, mm->nr_tables <= 4);
	HT_EXPECT_EQ(t, count_vmas(mm), 3);
	HT_EXPECT_EQ(t, rmm_munmap(mm, r, 1ULL << 30), 0);
	HT_EXPECT_EQ(t, mm->nr_pages + mm->nr_tables, 0);
	rmm_destroy(mm);
}

/* ---------------------------------------------------------- model test */

#define M_PAGES	96
#define M_BASE	0x10000000ULL

struct model {
	int prot[M_PAGES];	/* -1: unmapped */
	u8 tag[M_PAGES];	/* 0: never written (reads 0) */
};

static u64 rng_state;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static bool check_model(struct htest *t, struct rmm *mm, struct model *m,
			int step)
{
	struct vma *prev = NULL;

	for (int i = 0; i < M_PAGES; i++) {
		u64 va = M_BASE + i * PG;
		struct vma *v = rmm_find_vma(mm, va);
		int got = v ? (int)v->prot : -1, want;

		if (got != m->prot[i]) {
			HT_FAIL(t, "step %d page %d: prot %d, model %d", step, i,
				got, m->prot[i]);
			return false;
		}
		if (m->prot[i] < 0)
			want = -EFAULT;
		else if (m->prot[i] == PROT_NONE)
			want = -EACCES;
		else
			want = m->tag[i];
		got = peek(mm, va + (rng() % PG));
		if (got != want) {
			HT_FAIL(t, "step %d page %d: read %d, model %d", step, i,
				got, want);
			return false;
		}
	}
	/* vmas sorted, disjoint, and no two mergeable neighbours. */
	for (struct vma *v = rmm_first_vma(mm); v; v = rmm_next_vma(v)) {
		if (v->start >= v->end || (prev && prev->end > v->start)) {
			HT_FAIL(t, "step %d: bad vma order", step);
			return false;
		}
		if (prev && prev->end == v->start && prev->prot == v->prot &&
		    prev->flags == v->flags) {
			HT_FAIL(t, "step %d: unmerged neighbours at %#llx",
				step, (unsigned long long)v->start);
			return false;
		}
		prev = v;
	}
	return true;
}

static void test_random_model(struct htest *t)
{
	static const u32 prots[] = { PROT_NONE, PROT_READ, RW,
				     PROT_READ | PROT_EXEC };

	HT_ASSERT_EQ(t, setup(), 0);
	for (int seed = 1; seed <= 20; seed++) {
		struct rmm *mm = rmm_create(2, seed, 0);
		struct model m;

		HT_ASSERT(t, mm);
		rng_state = 0x9e3779b97f4a7c15ULL * seed;
		for (int i = 0; i < M_PAGES; i++) {
			m.prot[i] = -1;
			m.tag[i] = 0;
		}
		for (int step = 0; step < 300; step++) {
			int op = rng() % 6, first = rng() % M_PAGES;
			int n = 1 + rng() % 12;
			u32 prot = prots[rng() % 4];
			u64 va = M_BASE + first * PG;
			int ret;

			if (first + n > M_PAGES)
				n = M_PAGES - first;
			switch (op) {
			case 0:	/* mmap fixed */
				ret = (int)(rmm_mmap(mm, va, n * PG, prot,
						     ANON | MAP_FIXED, NULL, 0) != (s64)va);
				HT_ASSERT_EQ(t, ret, 0);
				for (int i = first; i < first + n; i++) {
					m.prot[i] = prot;
					m.tag[i] = 0;
				}
				break;
			case 1:	/* munmap */
				HT_ASSERT_EQ(t, rmm_munmap(mm, va, n * PG), 0);
				for (int i = first; i < first + n; i++)
					m.prot[i] = -1;
				break;
			case 2: {	/* mprotect: -ENOMEM over a hole */
				bool hole = false;

				for (int i = first; i < first + n; i++)
					hole |= m.prot[i] < 0;
				ret = rmm_mprotect(mm, va, n * PG, prot);
				HT_ASSERT_EQ(t, ret, hole ? -ENOMEM : 0);
				if (!hole)
					for (int i = first; i < first + n; i++)
						m.prot[i] = prot;
				break;
			}
			case 3: {	/* madvise(DONTNEED) */
				bool hole = false;

				for (int i = first; i < first + n; i++) {
					hole |= m.prot[i] < 0;
					m.tag[i] = 0;
				}
				ret = rmm_madvise(mm, va, n * PG, MADV_DONTNEED);
				HT_ASSERT_EQ(t, ret, hole ? -ENOMEM : 0);
				break;
			}
			default: {	/* write through a miss or a flush */
				u8 tag = 1 + rng() % 250;
				u8 buf[4096];

				if (op == 4) {
					ret = touch(mm, va, tag);
					HT_ASSERT_EQ(t, ret, m.prot[first] < 0 ? -EFAULT :
						     !(m.prot[first] & PROT_WRITE) ?
						     -EACCES : 0);
				} else {
					memset(buf, tag, sizeof(buf));
					ret = rmm_flush(mm, va, buf);
					HT_ASSERT_EQ(t, ret, m.prot[first] < 0 ?
						     -EFAULT : 0);
				}
				if (!ret)
					m.tag[first] = tag;
				break;
			}
			}
			if (!check_model(t, mm, &m, step))
				break;
		}
		rmm_destroy(mm);
	}
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

/*
 * The vDSO's vmas: misses there name the processor's page instead of
 * giving one of ours (rmm_fault() > 0), with the vma's rights checked
 * first; no write-back lands there; they cannot be mprotect()ed or
 * moved, can be unmapped, and a fork keeps them.
 */
static void test_special(struct htest *t)
{
	struct rmm *mm = new_mm(0), *child;
	u64 vdso = 0, page_count;
	u8 data[PG] = { 0 };
	void *page = (void *)1;
	u32 prot = 0;
	struct vma *v;

	HT_ASSERT(t, mm != NULL);
	HT_ASSERT_EQ(t, rmm_map_special(mm, 2, &vdso), 0);
	HT_EXPECT_EQ(t, vdso, mm->special_start + PG);
	HT_EXPECT_EQ(t, mm->special_pages, 3);
	v = rmm_find_vma(mm, vdso - PG);
	HT_ASSERT(t, v != NULL);
	HT_EXPECT_EQ(t, v->end, vdso);
	HT_EXPECT_EQ(t, v->prot, PROT_READ);
	v = rmm_find_vma(mm, vdso);
	HT_ASSERT(t, v != NULL);
	HT_EXPECT_EQ(t, v->end, vdso + 2 * PG);
	HT_EXPECT_EQ(t, v->prot, PROT_READ | PROT_EXEC);

	page_count = mm->nr_pages;
	HT_EXPECT_EQ(t, rmm_fault(mm, vdso - PG + 8, RMM_ACCESS_READ, NULL,
				  NULL, &page, &prot), 1);
	HT_EXPECT(t, page == NULL);
	HT_EXPECT_EQ(t, prot, PROT_READ);
	HT_EXPECT_EQ(t, rmm_fault(mm, vdso + PG, RMM_ACCESS_EXEC, NULL, NULL,
				  &page, &prot), 3);
	HT_EXPECT_EQ(t, prot, PROT_READ | PROT_EXEC);
	HT_EXPECT_EQ(t, rmm_fault(mm, vdso, RMM_ACCESS_WRITE, NULL, NULL,
				  &page, &prot), -EACCES);
	HT_EXPECT_EQ(t, rmm_fault(mm, vdso - PG, RMM_ACCESS_EXEC, NULL, NULL,
				  &page, &prot), -EACCES);
	HT_EXPECT_EQ(t, rmm_flush(mm, vdso, data), -EACCES);
	HT_EXPECT_EQ(t, mm->nr_pages, page_count);

	HT_EXPECT_EQ(t, rmm_mprotect(mm, vdso, PG, PROT_READ), -EACCES);
	HT_EXPECT_EQ(t, rmm_mremap(mm, vdso, 2 * PG, 4 * PG, MREMAP_MAYMOVE,
				   0), -EINVAL);

	child = rmm_fork(mm, 1, 101);
	HT_ASSERT(t, child != NULL);
	HT_EXPECT_EQ(t, rmm_fault(child, vdso, RMM_ACCESS_READ, NULL, NULL,
				  &page, &prot), 2);
	rmm_destroy(child);

	HT_EXPECT_EQ(t, rmm_munmap(mm, vdso - PG, 3 * PG), 0);
	HT_EXPECT_EQ(t, rmm_fault(mm, vdso, RMM_ACCESS_READ, NULL, NULL,
				  &page, &prot), -EFAULT);
	rmm_destroy(mm);
}

static long file_refs;

static void count_file_ref(const struct mem_file *file, int delta)
{
	file_refs += delta;
}

/* Every file vma in a tree holds its file once, whatever made it. */
static void test_file_refs(struct htest *t)
{
	struct mem_file f = { .kind = MEM_FILE_TMPFS, .node = 1, .id = 3,
			      .size = 8 * PG };
	struct rmm *mm = new_mm(0), *child;
	s64 a;

	HT_ASSERT(t, mm != NULL);
	rmm_set_file_ref(count_file_ref);
	file_refs = 0;
	a = rmm_mmap(mm, 0, 8 * PG, PROT_READ, MAP_PRIVATE, &f, 0);
	HT_ASSERT(t, a > 0);
	HT_EXPECT_EQ(t, file_refs, 1);
	HT_EXPECT_EQ(t, rmm_munmap(mm, a + 2 * PG, PG), 0);	/* split */
	HT_EXPECT_EQ(t, file_refs, 2);
	/* One vma in three pieces. */
	HT_EXPECT_EQ(t, rmm_mprotect(mm, a + 4 * PG, PG, PROT_NONE), 0);
	HT_EXPECT_EQ(t, file_refs, 4);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, a + 4 * PG, PG, PROT_READ), 0);
	HT_EXPECT_EQ(t, file_refs, 2);				/* merged */
	child = rmm_fork(mm, 1, 101);
	HT_ASSERT(t, child != NULL);
	HT_EXPECT_EQ(t, file_refs, 4);
	rmm_destroy(child);
	HT_EXPECT_EQ(t, file_refs, 2);
	HT_EXPECT(t, rmm_mremap(mm, a, 2 * PG, 2 * PG,
				MREMAP_MAYMOVE | MREMAP_FIXED,
				a + 40 * PG) == (s64)(a + 40 * PG));
	HT_EXPECT_EQ(t, file_refs, 2);
	HT_EXPECT_EQ(t, rmm_munmap(mm, a + 40 * PG, 2 * PG), 0);
	HT_EXPECT_EQ(t, file_refs, 1);
	rmm_destroy(mm);
	HT_EXPECT_EQ(t, file_refs, 0);
	rmm_set_file_ref(NULL);
}

static void test_no_leaks(struct htest *t)
{
	HT_ASSERT_EQ(t, setup(), 0);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	/* Slab keeps a few pages cached; buddy must not have lost pages. */
	HT_EXPECT(t, nr_free_pages() + 64 >= baseline_free);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_mmap_args),
	HT_CASE(test_mmap_placement),
	HT_CASE(test_mmap_fixed_replaces),
	HT_CASE(test_munmap_split),
	HT_CASE(test_mprotect),
	HT_CASE(test_brk),
	HT_CASE(test_mremap),
	HT_CASE(test_madvise),
	HT_CASE(test_flush_then_miss),
	HT_CASE(test_file_backed),
	HT_CASE(test_fault_zero),
	HT_CASE(test_fault_around_zero),
	HT_CASE(test_file_shared_and_parts),
	HT_CASE(test_limit_and_exhaustion),
	HT_CASE(test_lazy_reservation),
	HT_CASE(test_random_model),
	HT_CASE(test_special),
	HT_CASE(test_file_refs),
	HT_CASE(test_no_leaks),
	{}
};

HTEST_MAIN(cases)
