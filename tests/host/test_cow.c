/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of fork on the memory node (rmm_fork() in
 * managers/memory/vm.c, the copy-on-write rules of fault.c) over the
 * real buddy and slab allocators on a host arena: the child's copy of
 * every vma and of the break; pages shared, not copied (the same
 * physical page, reference count 2, the owned count grown by table
 * pages only); read misses of a shared page answer without PROT_WRITE;
 * a write miss or a flush on either side gives that side a copy while
 * the other keeps the old bytes (every byte checked); a page whose other
 * holder left is private again without a copy; munmap, madvise, brk,
 * mremap and destroy drop only their own reference; a fork that runs out
 * of pages at every possible point leaves nothing behind and the parent
 * intact; copy on write without a page fails cleanly; a grandchild
 * (three holders); page_limit accounting; and a random sequence of
 * fork/write/flush/read/discard/exit steps over four processes checked
 * against a model, with every page's reference count and the owned
 * count recomputed after each step.
 */
/* HTEST-SOURCES: managers/memory/vm.c managers/memory/fault.c mm/memblock.c mm/page_alloc.c mm/slab.c lib/rbtree.c lib/string.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/mman.h>

#include "../../managers/memory/internal.h"

#define ARENA_SIZE	(32UL << 20)
#define PG		4096ULL
#define ANON		(MAP_PRIVATE | MAP_ANONYMOUS)
#define RW		(PROT_READ | PROT_WRITE)
#define RWX		(PROT_READ | PROT_WRITE | PROT_EXEC)

/* Three regions far apart, so that each has tables of its own. */
#define REG_A		0x10000000ULL		/* RW, 8 pages */
#define REG_B		0x7f0000000000ULL	/* RWX, 4 pages */
#define REG_C		0x40000000ULL		/* read-only file, 2 pages */
#define HEAP		0x20000000ULL		/* brk area, 3 pages */
#define FILE_SIZE	(2 * PG)

static int setup(void)
{
	return host_mm_boot(ARENA_SIZE) ? 0 : -ENOMEM;
}

/* The bytes a page written with @tag holds. */
static u8 pat(unsigned int tag, u32 i)
{
	return (u8)(tag * 131 + i * 7 + (i >> 8));
}

/* The bytes of the test file at @off. */
static u8 file_byte(u64 off)
{
	return (u8)(off * 13 + 5);
}

static int file_read(void *ctx, const struct mem_file *f, u64 off, void *buf,
		     u32 len)
{
	if (off + len > f->size)
		return -EIO;
	for (u32 i = 0; i < len; i++)
		((u8 *)buf)[i] = file_byte(off + i);
	return 0;
}

static const struct mem_file test_file = {
	.kind = MEM_FILE_IMAGE, .node = 0, .id = 7, .size = FILE_SIZE,
};

/* Write @tag's pattern over the page at @va through a write miss. */
static int wr(struct rmm *mm, u64 va, unsigned int tag, u32 *prot)
{
	void *page;
	u32 p;
	int ret = rmm_fault(mm, va, RMM_ACCESS_WRITE, file_read, NULL, &page,
			    &p);

	if (ret)
		return ret;
	for (u32 i = 0; i < PG; i++)
		((u8 *)page)[i] = pat(tag, i);
	if (prot)
		*prot = p;
	return 0;
}

/* Does @page hold @tag's pattern (tag 0: zeros) in every byte? */
static bool page_is(const void *page, unsigned int tag)
{
	for (u32 i = 0; i < PG; i++)
		if (((const u8 *)page)[i] != (tag ? pat(tag, i) : 0))
			return false;
	return true;
}

/*
 * A miss of @access at @va: 1 if it succeeded and the page holds @tag's
 * pattern in every byte, 0 if the bytes differ, else -errno.  The
 * protection in *@prot.
 */
static int miss_is(struct rmm *mm, u64 va, u32 access, unsigned int tag,
		   u32 *prot)
{
	void *page;
	u32 p;
	int ret = rmm_fault(mm, va, access, file_read, NULL, &page, &p);

	if (ret)
		return ret;
	if (prot)
		*prot = p;
	return page_is(page, tag);
}

static bool file_page_is(struct rmm *mm, u64 va, u64 off)
{
	void *page;
	u32 prot;

	if (rmm_fault(mm, va, RMM_ACCESS_READ, file_read, NULL, &page, &prot))
		return false;
	for (u32 i = 0; i < PG; i++)
		if (((u8 *)page)[i] != file_byte(off + i))
			return false;
	return true;
}

/* The flush of a whole page of @tag's pattern. */
static int flush(struct rmm *mm, u64 va, unsigned int tag)
{
	static u8 buf[PG];

	for (u32 i = 0; i < PG; i++)
		buf[i] = pat(tag, i);
	return rmm_flush(mm, va, buf);
}

static unsigned int refs_at(struct rmm *mm, u64 va)
{
	void *page = rmm_page_lookup(mm, va);

	return page ? rmm_page_nr_refs(page) : 0;
}

static unsigned int count_vmas(struct rmm *mm)
{
	unsigned int n = 0;

	for (struct vma *v = rmm_first_vma(mm); v; v = rmm_next_vma(v))
		n++;
	return n;
}

/*
 * A process with: REG_A 8 RW pages tagged 1..8, REG_B 4 RWX pages tagged
 * 11..14, REG_C a read-only private file mapping with both pages read,
 * a heap of 3 pages tagged 21..23.  NULL if any step failed.
 */
static struct rmm *make_parent(u32 pid)
{
	struct rmm *mm = rmm_create(1, pid, 0);
	int ret = 0;

	if (!mm)
		return NULL;
	mm->mmap_base = 0x7f0000000000ULL - (64ULL << 20);
	if (rmm_mmap(mm, REG_A, 8 * PG, RW, ANON | MAP_FIXED, NULL, 0) !=
	    (s64)REG_A ||
	    rmm_mmap(mm, REG_B, 4 * PG, RWX, ANON | MAP_FIXED, NULL, 0) !=
	    (s64)REG_B ||
	    rmm_mmap(mm, REG_C, FILE_SIZE, PROT_READ, MAP_PRIVATE | MAP_FIXED,
		     &test_file, 0) != (s64)REG_C)
		goto fail;
	mm->start_brk = mm->brk = HEAP;
	if (rmm_brk(mm, HEAP + 3 * PG) != HEAP + 3 * PG)
		goto fail;
	for (unsigned int i = 0; i < 8 && !ret; i++)
		ret = wr(mm, REG_A + i * PG, 1 + i, NULL);
	for (unsigned int i = 0; i < 4 && !ret; i++)
		ret = wr(mm, REG_B + i * PG, 11 + i, NULL);
	for (unsigned int i = 0; i < 3 && !ret; i++)
		ret = wr(mm, HEAP + i * PG, 21 + i, NULL);
	if (ret || !file_page_is(mm, REG_C, 0) ||
	    !file_page_is(mm, REG_C + PG, PG))
		goto fail;
	return mm;
fail:
	rmm_destroy(mm);
	return NULL;
}

/* make_parent(100) and its child 101: 0, or -ENOMEM with neither. */
static int make_pair(struct rmm **parent, struct rmm **child)
{
	if (setup())
		return -ENOMEM;
	*parent = make_parent(100);
	if (!*parent)
		return -ENOMEM;
	*child = rmm_fork(*parent, 1, 101);
	if (!*child) {
		rmm_destroy(*parent);
		return -ENOMEM;
	}
	return 0;
}

/* Every data page of make_parent() holds what it wrote (all bytes). */
static bool parent_bytes_ok(struct rmm *mm)
{
	for (unsigned int i = 0; i < 8; i++)
		if (miss_is(mm, REG_A + i * PG, RMM_ACCESS_READ, 1 + i,
			    NULL) != 1)
			return false;
	for (unsigned int i = 0; i < 4; i++)
		if (miss_is(mm, REG_B + i * PG, RMM_ACCESS_READ, 11 + i,
			    NULL) != 1)
			return false;
	for (unsigned int i = 0; i < 3; i++)
		if (miss_is(mm, HEAP + i * PG, RMM_ACCESS_READ, 21 + i,
			    NULL) != 1)
			return false;
	return file_page_is(mm, REG_C, 0) && file_page_is(mm, REG_C + PG, PG);
}

/* Every page of make_parent()'s layout, and how many there are. */
static const u64 *parent_pages(unsigned int *n)
{
	static u64 va[17];
	unsigned int k = 0;

	for (unsigned int i = 0; i < 8; i++)
		va[k++] = REG_A + i * PG;
	for (unsigned int i = 0; i < 4; i++)
		va[k++] = REG_B + i * PG;
	for (unsigned int i = 0; i < 2; i++)
		va[k++] = REG_C + i * PG;
	for (unsigned int i = 0; i < 3; i++)
		va[k++] = HEAP + i * PG;
	*n = k;
	return va;
}

/* ------------------------------------------------------ buddy exhaustion */

/* Pages taken from buddy, chained through their first word. */
static void *hoard;

static u64 hoard_all(void)
{
	struct page *pg;
	u64 n = 0;

	while ((pg = alloc_page(GFP_KERNEL | __GFP_NOWARN))) {
		void *addr = page_address(pg);

		*(void **)addr = hoard;
		hoard = addr;
		n++;
	}
	return n;
}

/* Give @n hoarded pages back (all of them for -1). */
static void hoard_release(u64 n)
{
	while (n-- && hoard) {
		void *addr = hoard;

		hoard = *(void **)addr;
		free_page((unsigned long)addr);
	}
}

/* ------------------------------------------------------------ cases */

static void test_fork_copies_layout_shares_pages(struct htest *t)
{
	struct rmm *parent, *child;
	u64 owned0, owned1;
	unsigned int n;
	const u64 *va = parent_pages(&n);
	struct vma *a, *b;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, rmm_nr_pages_owned(), 0);
	parent = make_parent(100);
	HT_ASSERT(t, parent);
	HT_EXPECT_EQ(t, parent->nr_pages, 17);
	owned0 = rmm_nr_pages_owned();
	HT_EXPECT_EQ(t, owned0, parent->nr_pages + parent->nr_tables);
	child = rmm_fork(parent, 1, 101);
	HT_ASSERT(t, child);
	owned1 = rmm_nr_pages_owned();
	/* Only tables were allocated: as many as the parent has. */
	HT_EXPECT_EQ(t, child->nr_tables, parent->nr_tables);
	HT_EXPECT_EQ(t, owned1 - owned0, child->nr_tables);
	HT_EXPECT_EQ(t, child->nr_pages, parent->nr_pages);
	HT_EXPECT_EQ(t, child->peak_pages, child->nr_pages);
	HT_EXPECT_EQ(t, child->pid, 101);
	HT_EXPECT_EQ(t, child->node, 1);
	HT_EXPECT_EQ(t, child->start_brk, HEAP);
	HT_EXPECT_EQ(t, child->brk, HEAP + 3 * PG);
	HT_EXPECT_EQ(t, child->mmap_base, parent->mmap_base);
	HT_EXPECT_EQ(t, child->page_limit, parent->page_limit);
	/* The same vmas, attribute for attribute. */
	HT_EXPECT_EQ(t, child->nr_vmas, parent->nr_vmas);
	HT_EXPECT_EQ(t, count_vmas(child), count_vmas(parent));
	for (a = rmm_first_vma(parent), b = rmm_first_vma(child); a && b;
	     a = rmm_next_vma(a), b = rmm_next_vma(b)) {
		HT_EXPECT_EQ(t, a->start, b->start);
		HT_EXPECT_EQ(t, a->end, b->end);
		HT_EXPECT_EQ(t, a->prot, b->prot);
		HT_EXPECT_EQ(t, a->flags, b->flags);
		HT_EXPECT_EQ(t, a->file.kind, b->file.kind);
		HT_EXPECT_EQ(t, a->file.id, b->file.id);
		HT_EXPECT_EQ(t, a->file.size, b->file.size);
		HT_EXPECT_EQ(t, a->file_off, b->file_off);
		HT_EXPECT_EQ(t, a->file_end, b->file_end);
		HT_EXPECT(t, a != b);
	}
	HT_EXPECT(t, !a && !b);
	/* Each page is the parent's own, held twice. */
	for (unsigned int i = 0; i < n; i++) {
		HT_EXPECT(t, rmm_page_lookup(child, va[i]) ==
			     rmm_page_lookup(parent, va[i]));
		HT_EXPECT_EQ(t, refs_at(child, va[i]), 2);
	}
	/* Both read the same bytes; neither may write the shared pages. */
	HT_EXPECT(t, parent_bytes_ok(child));
	HT_EXPECT(t, parent_bytes_ok(parent));
	for (unsigned int i = 0; i < n; i++) {
		u32 pp = 0, cp = 0;

		HT_EXPECT(t, miss_is(parent, va[i], RMM_ACCESS_READ, 0, &pp) >= 0);
		HT_EXPECT(t, miss_is(child, va[i], RMM_ACCESS_READ, 0, &cp) >= 0);
		HT_EXPECT_EQ(t, pp & PROT_WRITE, 0);
		HT_EXPECT_EQ(t, cp & PROT_WRITE, 0);
		HT_EXPECT_EQ(t, pp, cp);
	}
	{
		u32 prot = 0;

		/* A fetch of a shared RWX page: read and exec, no write. */
		HT_EXPECT_EQ(t, miss_is(child, REG_B, RMM_ACCESS_EXEC, 11,
					&prot), 1);
		HT_EXPECT_EQ(t, prot, PROT_READ | PROT_EXEC);
		HT_EXPECT_EQ(t, miss_is(child, REG_A, RMM_ACCESS_READ, 1,
					&prot), 1);
		HT_EXPECT_EQ(t, prot, PROT_READ);
		HT_EXPECT_EQ(t, miss_is(child, REG_C, RMM_ACCESS_READ, 0,
					&prot), 0);
		HT_EXPECT_EQ(t, prot, PROT_READ);
	}
	/* Nothing was copied by all those reads. */
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned1);
	rmm_destroy(parent);
	/* The child alone: its pages are private again, bytes unchanged. */
	for (unsigned int i = 0; i < n; i++)
		HT_EXPECT_EQ(t, refs_at(child, va[i]), 1);
	HT_EXPECT(t, parent_bytes_ok(child));
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned1 - child->nr_tables);
	rmm_destroy(child);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_write_fault_copies(struct htest *t)
{
	struct rmm *parent, *child;
	u64 owned, copies;
	void *shared, *mine;
	u32 prot = 0;

	HT_ASSERT_EQ(t, make_pair(&parent, &child), 0);
	owned = rmm_nr_pages_owned();
	copies = rmm_nr_cow_copies();
	shared = rmm_page_lookup(parent, REG_A + 2 * PG);

	/* Child writes page 2: its own copy, the old bytes in it first. */
	HT_ASSERT_EQ(t, rmm_fault(child, REG_A + 2 * PG, RMM_ACCESS_WRITE,
				  NULL, NULL, &mine, &prot), 0);
	HT_EXPECT_EQ(t, prot, RW);
	HT_EXPECT(t, mine != shared);
	HT_EXPECT(t, page_is(mine, 3));
	HT_EXPECT_EQ(t, rmm_nr_cow_copies(), copies + 1);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned + 1);
	HT_EXPECT_EQ(t, rmm_page_nr_refs(mine), 1);
	HT_EXPECT_EQ(t, rmm_page_nr_refs(shared), 1);
	HT_ASSERT_EQ(t, wr(child, REG_A + 2 * PG, 40, &prot), 0);
	/* The parent still reads the old bytes, and may write again... */
	HT_EXPECT_EQ(t, miss_is(parent, REG_A + 2 * PG, RMM_ACCESS_READ, 3,
				&prot), 1);
	HT_EXPECT_EQ(t, prot, RW);
	HT_EXPECT_EQ(t, miss_is(child, REG_A + 2 * PG, RMM_ACCESS_READ, 40,
				NULL), 1);
	/* ...without a copy: the page it kept is its alone now. */
	HT_ASSERT_EQ(t, wr(parent, REG_A + 2 * PG, 41, &prot), 0);
	HT_EXPECT_EQ(t, prot, RW);
	HT_EXPECT(t, rmm_page_lookup(parent, REG_A + 2 * PG) == shared);
	HT_EXPECT_EQ(t, rmm_nr_cow_copies(), copies + 1);
	HT_EXPECT_EQ(t, miss_is(child, REG_A + 2 * PG, RMM_ACCESS_READ, 40,
				NULL), 1);

	/* The parent writes page 5 (and a heap page): the child keeps them. */
	HT_ASSERT_EQ(t, wr(parent, REG_A + 5 * PG, 50, NULL), 0);
	HT_ASSERT_EQ(t, wr(parent, HEAP + PG, 51, NULL), 0);
	HT_EXPECT_EQ(t, rmm_nr_cow_copies(), copies + 3);
	HT_EXPECT_EQ(t, miss_is(child, REG_A + 5 * PG, RMM_ACCESS_READ, 6,
				&prot), 1);
	HT_EXPECT_EQ(t, prot, RW);	/* the child's alone now */
	HT_EXPECT_EQ(t, miss_is(child, HEAP + PG, RMM_ACCESS_READ, 22, NULL),
		     1);
	HT_EXPECT_EQ(t, miss_is(parent, REG_A + 5 * PG, RMM_ACCESS_READ, 50,
				NULL), 1);
	HT_EXPECT_EQ(t, miss_is(parent, HEAP + PG, RMM_ACCESS_READ, 51, NULL),
		     1);
	/* A write into RWX code: copied too; a read-only file page refuses. */
	HT_ASSERT_EQ(t, wr(child, REG_B + 3 * PG, 52, &prot), 0);
	HT_EXPECT_EQ(t, prot, RWX);
	HT_EXPECT_EQ(t, miss_is(parent, REG_B + 3 * PG, RMM_ACCESS_EXEC, 14,
				NULL), 1);
	HT_EXPECT_EQ(t, wr(child, REG_C, 53, NULL), -EACCES);
	HT_EXPECT_EQ(t, refs_at(child, REG_C), 2);
	/* Untouched pages are still shared, with their first bytes. */
	HT_EXPECT_EQ(t, refs_at(child, REG_A), 2);
	HT_EXPECT_EQ(t, miss_is(child, REG_A + 7 * PG, RMM_ACCESS_READ, 8,
				NULL), 1);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned + 4);
	HT_EXPECT_EQ(t, parent->nr_pages, 17);
	HT_EXPECT_EQ(t, child->nr_pages, 17);
	rmm_destroy(child);
	rmm_destroy(parent);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_flush_on_shared_page(struct htest *t)
{
	struct rmm *parent, *child;
	u64 owned, copies;
	void *shared;

	HT_ASSERT_EQ(t, make_pair(&parent, &child), 0);
	owned = rmm_nr_pages_owned();
	copies = rmm_nr_cow_copies();
	shared = rmm_page_lookup(parent, REG_A + PG);

	/* The child's flush: a new page with the flushed bytes. */
	HT_ASSERT_EQ(t, flush(child, REG_A + PG, 60), 0);
	HT_EXPECT(t, rmm_page_lookup(child, REG_A + PG) != shared);
	HT_EXPECT(t, rmm_page_lookup(parent, REG_A + PG) == shared);
	HT_EXPECT_EQ(t, rmm_nr_cow_copies(), copies + 1);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned + 1);
	HT_EXPECT_EQ(t, miss_is(child, REG_A + PG, RMM_ACCESS_READ, 60, NULL),
		     1);
	HT_EXPECT_EQ(t, miss_is(parent, REG_A + PG, RMM_ACCESS_READ, 2, NULL),
		     1);
	/* The parent's page is its alone: a flush lands in place. */
	HT_ASSERT_EQ(t, flush(parent, REG_A + PG, 61), 0);
	HT_EXPECT(t, rmm_page_lookup(parent, REG_A + PG) == shared);
	HT_EXPECT_EQ(t, rmm_nr_cow_copies(), copies + 1);
	HT_EXPECT_EQ(t, miss_is(parent, REG_A + PG, RMM_ACCESS_READ, 61, NULL),
		     1);
	HT_EXPECT_EQ(t, miss_is(child, REG_A + PG, RMM_ACCESS_READ, 60, NULL),
		     1);
	/* The parent's flush on a shared heap page; the child keeps it. */
	HT_ASSERT_EQ(t, flush(parent, HEAP + 2 * PG, 62), 0);
	HT_EXPECT_EQ(t, miss_is(child, HEAP + 2 * PG, RMM_ACCESS_READ, 23,
				NULL), 1);
	HT_EXPECT_EQ(t, miss_is(parent, HEAP + 2 * PG, RMM_ACCESS_READ, 62,
				NULL), 1);
	/* A flush into a read-only file vma also leaves the other side. */
	HT_ASSERT_EQ(t, flush(child, REG_C, 63), 0);
	HT_EXPECT(t, file_page_is(parent, REG_C, 0));
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned + 3);
	rmm_destroy(parent);
	rmm_destroy(child);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_unmap_and_exit_free_unshared_only(struct htest *t)
{
	struct rmm *parent, *child;
	u64 owned, tables;
	void *page;

	HT_ASSERT_EQ(t, make_pair(&parent, &child), 0);
	/* A private page of the child's own in REG_A (page 7). */
	HT_ASSERT_EQ(t, wr(child, REG_A + 7 * PG, 70, NULL), 0);

	/* munmap of shared pages in the parent frees none of them. */
	owned = rmm_nr_pages_owned();
	tables = parent->nr_tables;
	HT_ASSERT_EQ(t, rmm_munmap(parent, REG_A, 4 * PG), 0);
	HT_EXPECT_EQ(t, parent->nr_pages, 13);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned - (tables - parent->nr_tables));
	for (unsigned int i = 0; i < 4; i++) {
		HT_EXPECT_EQ(t, refs_at(child, REG_A + i * PG), 1);
		HT_EXPECT_EQ(t, miss_is(child, REG_A + i * PG, RMM_ACCESS_READ,
					1 + i, NULL), 1);
	}
	HT_EXPECT_EQ(t, miss_is(parent, REG_A, RMM_ACCESS_READ, 0, NULL),
		     -EFAULT);
	/* The child's munmap of those frees them: the last holder. */
	owned = rmm_nr_pages_owned();
	tables = child->nr_tables;
	HT_ASSERT_EQ(t, rmm_munmap(child, REG_A, 2 * PG), 0);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(),
		     owned - 2 - (tables - child->nr_tables));

	/* madvise(DONTNEED) in the child: its view is zero, the parent's not. */
	owned = rmm_nr_pages_owned();
	HT_ASSERT_EQ(t, rmm_madvise(child, REG_A + 4 * PG, 2 * PG,
				    MADV_DONTNEED), 0);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned);
	HT_EXPECT_EQ(t, miss_is(child, REG_A + 4 * PG, RMM_ACCESS_READ, 0,
				NULL), 1);
	HT_EXPECT_EQ(t, miss_is(parent, REG_A + 4 * PG, RMM_ACCESS_READ, 5,
				NULL), 1);
	HT_EXPECT_EQ(t, refs_at(parent, REG_A + 5 * PG), 1);

	/* brk shrink in the parent: the child's heap stays. */
	HT_EXPECT_EQ(t, rmm_brk(parent, HEAP + PG), HEAP + PG);
	HT_EXPECT_EQ(t, miss_is(child, HEAP + 2 * PG, RMM_ACCESS_READ, 23,
				NULL), 1);
	HT_EXPECT_EQ(t, refs_at(child, HEAP + 2 * PG), 1);
	HT_EXPECT_EQ(t, refs_at(child, HEAP), 2);
	HT_EXPECT_EQ(t, child->brk, HEAP + 3 * PG);

	/* mremap in the child moves its references, not the pages. */
	page = rmm_page_lookup(parent, REG_B + PG);
	HT_ASSERT_EQ(t, rmm_mremap(child, REG_B, 4 * PG, 4 * PG,
				   MREMAP_MAYMOVE | MREMAP_FIXED,
				   0x30000000), 0x30000000);
	HT_EXPECT(t, rmm_page_lookup(child, 0x30000000 + PG) == page);
	HT_EXPECT_EQ(t, rmm_page_nr_refs(page), 2);
	HT_EXPECT_EQ(t, miss_is(child, 0x30000000 + PG, RMM_ACCESS_EXEC, 12,
				NULL), 1);
	HT_EXPECT_EQ(t, miss_is(parent, REG_B + PG, RMM_ACCESS_EXEC, 12, NULL),
		     1);
	HT_ASSERT_EQ(t, wr(child, 0x30000000 + PG, 71, NULL), 0);
	HT_EXPECT_EQ(t, miss_is(parent, REG_B + PG, RMM_ACCESS_READ, 12, NULL),
		     1);

	/* munmap of a shared file page drops the child's reference only. */
	HT_EXPECT_EQ(t, rmm_munmap(child, REG_C, PG), 0);
	HT_EXPECT_EQ(t, refs_at(parent, REG_C), 1);
	HT_EXPECT(t, file_page_is(parent, REG_C, 0));

	/* Exit of the parent first, then of the child: all back. */
	rmm_destroy(parent);
	HT_EXPECT_EQ(t, miss_is(child, HEAP, RMM_ACCESS_READ, 21, NULL), 1);
	HT_EXPECT_EQ(t, refs_at(child, HEAP), 1);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(),
		     child->nr_pages + child->nr_tables);
	rmm_destroy(child);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_fork_out_of_memory_everywhere(struct htest *t)
{
	struct rmm *parent, *child = NULL;
	unsigned int n, failures = 0;
	const u64 *va = parent_pages(&n);
	u64 owned, pages, tables, vmas;
	void *page;

	HT_ASSERT_EQ(t, setup(), 0);
	parent = make_parent(100);
	HT_ASSERT(t, parent);
	owned = rmm_nr_pages_owned();
	pages = parent->nr_pages;
	tables = parent->nr_tables;
	vmas = parent->nr_vmas;
	HT_ASSERT(t, hoard_all() > 100);
	/* One more free page per try, until the fork fits. */
	for (unsigned int k = 0; k < 64 && !child; k++) {
		hoard_release(k ? 1 : 0);
		child = rmm_fork(parent, 1, 101);
		if (child)
			break;
		failures++;
		HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned);
		HT_EXPECT_EQ(t, parent->nr_pages, pages);
		HT_EXPECT_EQ(t, parent->nr_tables, tables);
		HT_EXPECT_EQ(t, parent->nr_vmas, vmas);
		for (unsigned int i = 0; i < n; i++)
			HT_EXPECT_EQ(t, refs_at(parent, va[i]), 1);
	}
	/* It needs at least the parent's number of table pages. */
	HT_EXPECT(t, failures >= tables);
	HT_ASSERT(t, child);
	HT_EXPECT(t, parent_bytes_ok(parent));
	HT_EXPECT(t, parent_bytes_ok(child));
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned + child->nr_tables);

	/* Copy on write with no page to copy into: -ENOMEM, nothing moves. */
	hoard_all();
	page = rmm_page_lookup(parent, REG_A);
	HT_EXPECT_EQ(t, wr(child, REG_A, 80, NULL), -ENOMEM);
	HT_EXPECT_EQ(t, flush(parent, REG_A, 81), -ENOMEM);
	HT_EXPECT(t, rmm_page_lookup(child, REG_A) == page);
	HT_EXPECT(t, rmm_page_lookup(parent, REG_A) == page);
	HT_EXPECT_EQ(t, rmm_page_nr_refs(page), 2);
	HT_EXPECT_EQ(t, child->nr_pages, pages);
	/* Reads still work: nothing to allocate. */
	HT_EXPECT(t, parent_bytes_ok(parent));
	HT_EXPECT(t, parent_bytes_ok(child));
	hoard_release(-1);
	HT_EXPECT_EQ(t, wr(child, REG_A, 80, NULL), 0);
	HT_EXPECT_EQ(t, miss_is(parent, REG_A, RMM_ACCESS_READ, 1, NULL), 1);
	rmm_destroy(child);
	rmm_destroy(parent);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static void test_grandchild_three_holders(struct htest *t)
{
	struct rmm *p, *c, *g;
	u64 owned;

	HT_ASSERT_EQ(t, setup(), 0);
	p = make_parent(100);
	HT_ASSERT(t, p);
	c = rmm_fork(p, 1, 101);
	HT_ASSERT(t, c);
	g = rmm_fork(c, 1, 102);
	HT_ASSERT(t, g);
	HT_EXPECT_EQ(t, refs_at(g, REG_A + 3 * PG), 3);
	HT_EXPECT(t, rmm_page_lookup(g, REG_A) == rmm_page_lookup(p, REG_A));
	HT_EXPECT(t, parent_bytes_ok(g));
	owned = rmm_nr_pages_owned();
	/* The middle one writes: it copies, the two others still share. */
	HT_ASSERT_EQ(t, wr(c, REG_A + 3 * PG, 90, NULL), 0);
	HT_EXPECT_EQ(t, refs_at(p, REG_A + 3 * PG), 2);
	HT_EXPECT_EQ(t, refs_at(c, REG_A + 3 * PG), 1);
	HT_EXPECT(t, rmm_page_lookup(g, REG_A + 3 * PG) ==
		     rmm_page_lookup(p, REG_A + 3 * PG));
	HT_EXPECT_EQ(t, miss_is(g, REG_A + 3 * PG, RMM_ACCESS_READ, 4, NULL),
		     1);
	HT_EXPECT_EQ(t, miss_is(p, REG_A + 3 * PG, RMM_ACCESS_READ, 4, NULL),
		     1);
	HT_EXPECT_EQ(t, miss_is(c, REG_A + 3 * PG, RMM_ACCESS_READ, 90, NULL),
		     1);
	/* The grandchild forked from the child's state before that write. */
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), owned + 1);
	/* The grandparent leaves: the others keep everything. */
	rmm_destroy(p);
	HT_EXPECT_EQ(t, refs_at(g, REG_A), 2);
	HT_EXPECT_EQ(t, refs_at(g, REG_A + 3 * PG), 1);
	HT_EXPECT(t, parent_bytes_ok(g));
	HT_ASSERT_EQ(t, wr(g, REG_A, 91, NULL), 0);
	HT_EXPECT_EQ(t, miss_is(c, REG_A, RMM_ACCESS_READ, 1, NULL), 1);
	rmm_destroy(c);
	HT_EXPECT_EQ(t, miss_is(g, REG_A, RMM_ACCESS_READ, 91, NULL), 1);
	HT_EXPECT_EQ(t, miss_is(g, REG_A + PG, RMM_ACCESS_READ, 2, NULL), 1);
	rmm_destroy(g);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_limit_and_shared_writable(struct htest *t)
{
	struct rmm *p, *c;
	struct vma *v;
	u32 prot;

	HT_ASSERT_EQ(t, setup(), 0);
	p = rmm_create(1, 100, 4);
	HT_ASSERT(t, p);
	HT_ASSERT_EQ(t, rmm_mmap(p, REG_A, 8 * PG, RW, ANON | MAP_FIXED, NULL,
				 0), REG_A);
	/* A read-only MAP_SHARED file mapping is not the warned-about kind. */
	HT_ASSERT_EQ(t, rmm_mmap(p, REG_C, FILE_SIZE, PROT_READ,
				 MAP_SHARED | MAP_FIXED, &test_file, 0), REG_C);
	for (unsigned int i = 0; i < 4; i++)
		HT_ASSERT_EQ(t, wr(p, REG_A + i * PG, 1 + i, NULL), 0);
	c = rmm_fork(p, 1, 101);
	HT_ASSERT(t, c);
	HT_EXPECT(t, !rmm_first_shared_writable(c));
	/* At the limit: breaking COW needs no more, a new page is refused. */
	HT_EXPECT_EQ(t, c->page_limit, 4);
	HT_EXPECT_EQ(t, c->nr_pages, 4);
	HT_EXPECT_EQ(t, wr(c, REG_A, 5, &prot), 0);
	HT_EXPECT_EQ(t, c->nr_pages, 4);
	HT_EXPECT_EQ(t, wr(c, REG_A + 5 * PG, 6, NULL), -ENOMEM);
	HT_EXPECT_EQ(t, wr(p, REG_A + PG, 7, NULL), 0);
	HT_EXPECT_EQ(t, p->nr_pages, 4);
	rmm_destroy(c);

	/* A writable MAP_SHARED vma (made directly): found, copied private. */
	HT_ASSERT_EQ(t, rmm_map_fixed(p, 0x50000000, 0x50000000 + 2 * PG, RW,
				      VMA_SHARED, NULL, 0, 0), 0);
	c = rmm_fork(p, 1, 102);
	HT_ASSERT(t, c);
	v = rmm_first_shared_writable(c);
	HT_ASSERT(t, v);
	HT_EXPECT_EQ(t, v->start, 0x50000000);
	HT_EXPECT(t, rmm_first_shared_writable(p) != NULL);
	rmm_destroy(c);
	rmm_destroy(p);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

/* ---------------------------------------------------------- model test */

#define M_PROCS		4
#define M_PAGES		48
#define M_BASE		0x10000000ULL
#define M_STEPS		400

struct model {
	struct rmm *mm[M_PROCS];	/* NULL: slot free */
	unsigned int tag[M_PROCS][M_PAGES];	/* 0: zero page */
	unsigned int next_tag;
	u32 next_pid;
};

static u64 m_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Recount from scratch: every page's references equal the number of
 * processes pointing at it, the owned count equals the distinct pages
 * plus every table, and a page is answered writable exactly when it is
 * held once.  0 or the number of mismatches.
 */
static int m_check(struct model *m)
{
	static void *seen[M_PROCS * M_PAGES];
	unsigned int nseen = 0, count[M_PROCS * M_PAGES];
	u64 tables = 0;
	int bad = 0;

	for (int p = 0; p < M_PROCS; p++) {
		if (!m->mm[p])
			continue;
		tables += m->mm[p]->nr_tables;
		for (int i = 0; i < M_PAGES; i++) {
			void *page = rmm_page_lookup(m->mm[p], M_BASE + i * PG);
			unsigned int k;

			if (!page)
				continue;
			for (k = 0; k < nseen && seen[k] != page; k++)
				;
			if (k == nseen) {
				seen[nseen] = page;
				count[nseen++] = 0;
			}
			count[k]++;
		}
	}
	for (unsigned int k = 0; k < nseen; k++)
		bad += rmm_page_nr_refs(seen[k]) != count[k];
	bad += rmm_nr_pages_owned() != nseen + tables;
	return bad;
}

static void test_random_model(struct htest *t)
{
	HT_ASSERT_EQ(t, setup(), 0);
	for (u64 seed = 1; seed <= 12; seed++) {
		struct model m = { .next_tag = 1, .next_pid = 200 };
		u64 s = seed * 0x9e3779b97f4a7c15ULL;
		int bad = 0;

		m.mm[0] = rmm_create(1, m.next_pid++, 0);
		HT_ASSERT(t, m.mm[0]);
		HT_ASSERT_EQ(t, rmm_mmap(m.mm[0], M_BASE, M_PAGES * PG, RW,
					 ANON | MAP_FIXED, NULL, 0), M_BASE);
		for (int step = 0; step < M_STEPS && !bad; step++) {
			int p = m_rand(&s) % M_PROCS, i = m_rand(&s) % M_PAGES;
			u64 va = M_BASE + i * PG;
			struct rmm *mm = m.mm[p];
			int op = m_rand(&s) % 16, q, ret;
			u32 prot = 0;

			if (!mm)
				continue;
			if (op < 5) {			/* write miss */
				m.tag[p][i] = m.next_tag++ % 250 + 1;
				bad += wr(mm, va, m.tag[p][i], &prot) != 0;
				bad += prot != RW;
			} else if (op < 7) {		/* flush */
				m.tag[p][i] = m.next_tag++ % 250 + 1;
				bad += flush(mm, va, m.tag[p][i]) != 0;
			} else if (op < 11) {		/* read miss */
				ret = miss_is(mm, va, RMM_ACCESS_READ,
					      m.tag[p][i], &prot);
				bad += ret != 1;
				bad += !!(prot & PROT_WRITE) !=
				       (refs_at(mm, va) == 1);
			} else if (op < 12) {		/* DONTNEED */
				bad += rmm_madvise(mm, va, PG,
						   MADV_DONTNEED) != 0;
				m.tag[p][i] = 0;
			} else if (op < 14) {		/* fork */
				for (q = 0; q < M_PROCS && m.mm[q]; q++)
					;
				if (q == M_PROCS)
					continue;
				m.mm[q] = rmm_fork(mm, 1, m.next_pid++);
				bad += !m.mm[q];
				memcpy(m.tag[q], m.tag[p], sizeof(m.tag[p]));
			} else {			/* exit */
				for (q = 0; q < M_PROCS; q++)
					if (q != p && m.mm[q])
						break;
				if (q == M_PROCS)
					continue;
				rmm_destroy(mm);
				m.mm[p] = NULL;
			}
			bad += m_check(&m);
			if (bad)
				HT_FAIL(t, "seed %llu step %d op %d proc %d page %d",
					(unsigned long long)seed, step, op, p,
					i);
		}
		/* Every survivor reads exactly its own history. */
		for (int p = 0; p < M_PROCS; p++) {
			if (!m.mm[p])
				continue;
			for (int i = 0; i < M_PAGES; i++)
				bad += miss_is(m.mm[p], M_BASE + i * PG,
					       RMM_ACCESS_READ, m.tag[p][i],
					       NULL) != 1;
			rmm_destroy(m.mm[p]);
		}
		HT_EXPECT_EQ(t, bad, 0);
		HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	}
}

static void test_no_leaks(struct htest *t)
{
	HT_ASSERT_EQ(t, setup(), 0);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	HT_EXPECT(t, !hoard);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_fork_copies_layout_shares_pages),
	HT_CASE(test_write_fault_copies),
	HT_CASE(test_flush_on_shared_page),
	HT_CASE(test_unmap_and_exit_free_unshared_only),
	HT_CASE(test_fork_out_of_memory_everywhere),
	HT_CASE(test_grandchild_three_holders),
	HT_CASE(test_limit_and_shared_writable),
	HT_CASE(test_random_model),
	HT_CASE(test_no_leaks),
	{}
};

HTEST_MAIN(cases)
