/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the memory node's file page cache
 * (managers/memory/filecache.c) over the real buddy and slab allocators:
 * keys (node, file id with its generation, page index), an insert that
 * finds the page already there, the bound with least-recently-used
 * eviction, pinned pages never evicted, a cache of size 0; and the
 * reader over a fake storage source that records every read: one read
 * for a whole small file, the window for a file's first and for
 * sequential misses, a short window for a random miss that stops at the
 * first cached page, a zero-filled last page, read errors caching
 * nothing, reads past the end refused; file versions (a newer one drops
 * the file's pages, a pinned one at its unpin, an older one is read
 * through uncached); an address space that runs buddy
 * dry takes the cache's pages (vm.c's reclaim hook) before it gets
 * -ENOMEM; processes mapping the cache's own pages (fault.c's shared
 * file pages): one copy for two address spaces, copy on write, the
 * pages that are not shared (writable vmas, an ELF segment's cut page,
 * an older version, no cache, the page limit), eviction of mapped
 * pages; fault-around (the window's cached pages of a read-only file
 * vma, nothing read from storage, the request's checks); and every page
 * back at the end.
 */
/* HTEST-SOURCES: managers/memory/filecache.c managers/memory/vm.c managers/memory/fault.c lib/rbtree.c mm/memblock.c mm/page_alloc.c mm/slab.c lib/string.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "../../managers/memory/internal.h"

#include <uapi/mman.h>

#define ARENA_SIZE	(16UL << 20)
#define PG		4096ULL

static u64 baseline_free;

static int setup(void)
{
	static char *arena;

	if (arena)
		return 0;
	arena = host_mm_boot(ARENA_SIZE);
	if (!arena)
		return -ENOMEM;
	baseline_free = nr_free_pages();
	return 0;
}

static void *page_of(u8 tag)
{
	void *p = (void *)__get_free_page(GFP_KERNEL);

	if (p)
		memset(p, tag, PAGE_SIZE);
	return p;
}

static struct fcache_key key(u16 node, u64 id, u64 index)
{
	return (struct fcache_key){ .node = node, .file_id = id,
				    .index = index };
}

static struct fcache_key keyv(u16 node, u64 id, u64 index, u64 version)
{
	struct fcache_key k = key(node, id, index);

	k.version = version;
	return k;
}

/* Insert a page of @tag under @k and unpin it; 0 or -1. */
static int put(struct fcache *c, struct fcache_key k, u8 tag)
{
	void *p = page_of(tag);
	struct fcache_entry *e;

	if (!p)
		return -1;
	e = fcache_insert(c, &k, &p);
	if (p)
		free_page((unsigned long)p);
	if (!e)
		return -1;
	fcache_unpin(c, e);
	return 0;
}

/* The first byte of the page of @k, or -1 if absent. */
static int tag_of(struct fcache *c, struct fcache_key k)
{
	struct fcache_entry *e = fcache_lookup(c, &k);
	int tag;

	if (!e)
		return -1;
	tag = ((const u8 *)fcache_entry_page(e))[0];
	fcache_unpin(c, e);
	return tag;
}

static void test_keys(struct htest *t)
{
	struct fcache c;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 16, 8), 0);
	HT_ASSERT_EQ(t, put(&c, key(2, 12 | 1ULL << 32, 0), 0xa1), 0);
	HT_ASSERT_EQ(t, put(&c, key(2, 12 | 1ULL << 32, 1), 0xa2), 0);
	HT_EXPECT_EQ(t, tag_of(&c, key(2, 12 | 1ULL << 32, 0)), 0xa1);
	HT_EXPECT_EQ(t, tag_of(&c, key(2, 12 | 1ULL << 32, 1)), 0xa2);
	/* Another generation of the same inode is another file. */
	HT_EXPECT_EQ(t, tag_of(&c, key(2, 12 | 2ULL << 32, 0)), -1);
	/* The same file id on another storage node too. */
	HT_EXPECT_EQ(t, tag_of(&c, key(3, 12 | 1ULL << 32, 0)), -1);
	HT_EXPECT_EQ(t, tag_of(&c, key(2, 12 | 1ULL << 32, 2)), -1);
	HT_EXPECT_EQ(t, c.nr_pages, 2);
	fcache_destroy(&c);
}

static void test_insert_twice(struct htest *t)
{
	struct fcache_key k = key(1, 7, 3);
	struct fcache_entry *e1, *e2;
	struct fcache c;
	void *p1, *p2;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 4, 8), 0);
	p1 = page_of(1);
	p2 = page_of(2);
	HT_ASSERT(t, p1 && p2);
	e1 = fcache_insert(&c, &k, &p1);
	HT_ASSERT(t, e1);
	HT_EXPECT(t, !p1);		/* the cache owns it now */
	e2 = fcache_insert(&c, &k, &p2);
	HT_EXPECT(t, e2 == e1);		/* no second copy */
	HT_EXPECT(t, p2 != NULL);	/* still the caller's */
	HT_EXPECT_EQ(t, ((const u8 *)fcache_entry_page(e2))[100], 1);
	HT_EXPECT_EQ(t, c.nr_pages, 1);
	free_page((unsigned long)p2);
	fcache_unpin(&c, e1);
	fcache_unpin(&c, e2);
	fcache_destroy(&c);
}

static void test_lru_bound(struct htest *t)
{
	struct fcache c;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 3, 8), 0);
	HT_ASSERT_EQ(t, put(&c, key(1, 1, 0), 'A'), 0);
	HT_ASSERT_EQ(t, put(&c, key(1, 1, 1), 'B'), 0);
	HT_ASSERT_EQ(t, put(&c, key(1, 1, 2), 'C'), 0);
	/* A is used again: B is now the least recently used. */
	HT_EXPECT_EQ(t, tag_of(&c, key(1, 1, 0)), 'A');
	HT_ASSERT_EQ(t, put(&c, key(1, 1, 3), 'D'), 0);
	HT_EXPECT_EQ(t, c.nr_pages, 3);
	HT_EXPECT_EQ(t, c.stats.evictions, 1);
	HT_EXPECT(t, !fcache_contains(&c, &(struct fcache_key){ .node = 1, .file_id = 1, .index = 1 }));
	HT_EXPECT_EQ(t, tag_of(&c, key(1, 1, 0)), 'A');
	HT_EXPECT_EQ(t, tag_of(&c, key(1, 1, 2)), 'C');
	HT_EXPECT_EQ(t, tag_of(&c, key(1, 1, 3)), 'D');
	/* Those lookups made A the oldest again. */
	HT_ASSERT_EQ(t, put(&c, key(1, 1, 4), 'E'), 0);
	HT_EXPECT_EQ(t, tag_of(&c, key(1, 1, 0)), -1);
	HT_EXPECT_EQ(t, tag_of(&c, key(1, 1, 2)), 'C');
	HT_EXPECT_EQ(t, c.nr_pages, 3);
	HT_EXPECT_EQ(t, fcache_evict(&c, 10), 3);
	HT_EXPECT_EQ(t, c.nr_pages, 0);
	HT_EXPECT_EQ(t, c.stats.evictions, 5);
	fcache_destroy(&c);
}

static void test_pinned_stay(struct htest *t)
{
	struct fcache_key a = key(1, 9, 0), b = key(1, 9, 1), d = key(1, 9, 3);
	struct fcache_entry *ea, *ec;
	struct fcache c;
	void *p;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 2, 8), 0);
	p = page_of('a');
	ea = fcache_insert(&c, &a, &p);	/* stays pinned */
	HT_ASSERT(t, ea);
	HT_ASSERT_EQ(t, put(&c, b, 'b'), 0);
	/* Full: the oldest, a, is pinned, so b goes. */
	p = page_of('c');
	ec = fcache_insert(&c, &(struct fcache_key){ .node = 1, .file_id = 9, .index = 2 }, &p);
	HT_ASSERT(t, ec);
	HT_EXPECT(t, fcache_contains(&c, &a));
	HT_EXPECT(t, !fcache_contains(&c, &b));
	/* Everything pinned: not cached, the page stays the caller's. */
	p = page_of('d');
	HT_EXPECT(t, fcache_insert(&c, &d, &p) == NULL);
	HT_EXPECT(t, p != NULL);
	free_page((unsigned long)p);
	HT_EXPECT_EQ(t, fcache_evict(&c, 2), 0);
	HT_EXPECT_EQ(t, c.nr_pages, 2);
	fcache_unpin(&c, ea);
	fcache_unpin(&c, ec);
	HT_EXPECT_EQ(t, fcache_evict(&c, 1), 1);
	/* a was the least recently used. */
	HT_EXPECT(t, !fcache_contains(&c, &a));
	fcache_destroy(&c);
}

static void test_size_zero(struct htest *t)
{
	struct fcache_key k = key(1, 1, 0);
	struct fcache c;
	void *p;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 0, 8), 0);
	p = page_of(1);
	HT_EXPECT(t, fcache_insert(&c, &k, &p) == NULL);
	HT_EXPECT(t, p != NULL);
	free_page((unsigned long)p);
	HT_EXPECT_EQ(t, c.nr_pages, 0);
	fcache_destroy(&c);
}

/*
 * The pages of a file belong to one version of it: a lookup or insert
 * of a newer version drops them all (the other files' stay), an older
 * version is neither found nor cached any more.
 */
static void test_versions(struct htest *t)
{
	struct fcache_key k;
	struct fcache c;
	void *p;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 16, 8), 0);
	for (u64 i = 0; i < 3; i++)
		HT_ASSERT_EQ(t, put(&c, keyv(2, 40, i, 5), 0x50 + i), 0);
	HT_ASSERT_EQ(t, put(&c, keyv(2, 41, 0, 5), 0x99), 0);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(2, 40, 1, 5)), 0x51);
	HT_EXPECT(t, !fcache_stale(&c, &(struct fcache_key){ .node = 2,
			.file_id = 40, .version = 5 }));
	/* Version 6 of file 40: none of version 5's pages answer. */
	HT_EXPECT_EQ(t, tag_of(&c, keyv(2, 40, 2, 6)), -1);
	HT_EXPECT_EQ(t, c.nr_pages, 1);
	HT_EXPECT_EQ(t, c.stats.invalidations, 1);
	HT_EXPECT_EQ(t, c.stats.invalidated_pages, 3);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(2, 40, 0, 5)), -1);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(2, 41, 0, 5)), 0x99);
	HT_ASSERT_EQ(t, put(&c, keyv(2, 40, 0, 6), 0x60), 0);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(2, 40, 0, 6)), 0x60);
	/* A reader of version 5 now: stale, its page is not cached. */
	k = keyv(2, 40, 1, 5);
	HT_EXPECT(t, fcache_stale(&c, &k));
	p = page_of(0x55);
	HT_ASSERT(t, p);
	HT_EXPECT(t, fcache_insert(&c, &k, &p) == NULL);
	HT_EXPECT(t, p != NULL);
	free_page((unsigned long)p);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(2, 40, 0, 6)), 0x60);
	HT_EXPECT_EQ(t, c.nr_pages, 2);
	/* An insert of a newer version drops the older ones too. */
	HT_ASSERT_EQ(t, put(&c, keyv(2, 40, 3, 9), 0x93), 0);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(2, 40, 0, 6)), -1);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(2, 40, 3, 9)), 0x93);
	HT_EXPECT_EQ(t, c.nr_pages, 2);
	HT_EXPECT_EQ(t, c.stats.invalidations, 2);
	fcache_destroy(&c);
}

/* A page being copied when its file changes goes at its last unpin. */
static void test_version_pinned(struct htest *t)
{
	struct fcache_key k = keyv(1, 70, 0, 1);
	struct fcache_entry *e;
	struct fcache c;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 4, 8), 0);
	HT_ASSERT_EQ(t, put(&c, k, 0x11), 0);
	HT_ASSERT_EQ(t, put(&c, keyv(1, 70, 1, 1), 0x12), 0);
	e = fcache_lookup(&c, &k);
	HT_ASSERT(t, e);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(1, 70, 0, 2)), -1);
	/* The unpinned page went, the pinned one is still readable. */
	HT_EXPECT_EQ(t, c.nr_pages, 1);
	HT_EXPECT_EQ(t, ((const u8 *)fcache_entry_page(e))[4095], 0x11);
	HT_EXPECT(t, !fcache_contains(&c, &k));
	/* Not evictable while pinned, not found, freed at the unpin. */
	HT_EXPECT_EQ(t, fcache_evict(&c, 4), 0);
	HT_ASSERT_EQ(t, put(&c, keyv(1, 70, 0, 2), 0x21), 0);
	HT_EXPECT_EQ(t, c.nr_pages, 2);
	fcache_unpin(&c, e);
	HT_EXPECT_EQ(t, c.nr_pages, 1);
	HT_EXPECT_EQ(t, tag_of(&c, keyv(1, 70, 0, 2)), 0x21);
	fcache_destroy(&c);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

/* ------------------------------------------------------------ reader */

#define MAX_READS	32

/* A storage node: byte i of a file is (i * 7 + id) & 0xff. */
struct fake_storage {
	unsigned int nr_reads;
	u64 off[MAX_READS];
	u32 len[MAX_READS];
	int fail;		/* returned instead of reading, if set */
};

/* What the fake storage node's files hold now: a rewrite changes it. */
static u8 fake_contents;

static u8 file_byte(u64 id, u64 i)
{
	return (u8)(i * 7 + id + fake_contents);
}

static int fake_read(void *ctx, const struct mem_file *file, u64 off,
		     void *buf, u32 len)
{
	struct fake_storage *s = ctx;

	if (s->nr_reads < MAX_READS) {
		s->off[s->nr_reads] = off;
		s->len[s->nr_reads] = len;
	}
	s->nr_reads++;
	if (s->fail)
		return s->fail;
	if (off + len > file->size)
		return -EIO;	/* the cache asked past the end */
	for (u32 i = 0; i < len; i++)
		((u8 *)buf)[i] = file_byte(file->id, off + i);
	return 0;
}

static struct mem_file file_of(u64 id, u64 size)
{
	return (struct mem_file){ .kind = MEM_FILE_STORAGE, .node = 2,
				  .id = id, .size = size };
}

/* Read @len bytes at @off through the cache and check them; 0 or -errno. */
static int read_check(struct fcache *c, struct fcache_source *src,
		      const struct mem_file *f, u64 off, u32 len)
{
	static u8 buf[64 * 4096];
	int ret = fcache_read(c, src, f, off, buf, len);

	if (ret)
		return ret;
	for (u32 i = 0; i < len; i++)
		if (buf[i] != file_byte(f->id, off + i))
			return -EBADMSG;
	return 0;
}

static void test_read_small_file(struct htest *t)
{
	struct fake_storage s = { 0 };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f = file_of(5, 10 * PG + 100);
	struct fcache_key last = key(2, 5, 10);
	struct fcache_entry *e;
	struct fcache c;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 64, 32), 0);
	/* The ELF header: the whole file comes in one read. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 0, 64), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 1);
	HT_EXPECT_EQ(t, s.off[0], 0);
	HT_EXPECT_EQ(t, s.len[0], 10 * PG + 100);
	/* Unaligned, across pages, up to the last byte: all hits. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, PG - 3, 3 * PG + 7), 0);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 10 * PG, 100), 0);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 0, 10 * PG + 100), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 1);
	HT_EXPECT_EQ(t, c.stats.storage_reads, 1);
	HT_EXPECT_EQ(t, c.stats.storage_pages, 11);
	HT_EXPECT_EQ(t, c.stats.readahead_pages, 10);
	HT_EXPECT_EQ(t, c.stats.misses, 1);
	HT_EXPECT_EQ(t, c.nr_pages, 11);
	/* Past the end of the file: refused, nothing read. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 10 * PG + 50, 51), -EIO);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, -PG, 16), -EIO);
	HT_EXPECT_EQ(t, s.nr_reads, 1);
	/* The last page is zero past the end of the file. */
	e = fcache_lookup(&c, &last);
	HT_ASSERT(t, e);
	HT_EXPECT_EQ(t, ((const u8 *)fcache_entry_page(e))[99],
		     file_byte(5, 10 * PG + 99));
	HT_EXPECT_EQ(t, ((const u8 *)fcache_entry_page(e))[100], 0);
	HT_EXPECT_EQ(t, ((const u8 *)fcache_entry_page(e))[PG - 1], 0);
	fcache_unpin(&c, e);
	fcache_destroy(&c);
}

static void test_read_windows(struct htest *t)
{
	struct fake_storage s = { 0 };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f = file_of(6, 100 * PG);
	struct fcache c;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 256, 8), 0);
	/* First miss on the file: the whole window. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 0, PG), 0);
	/* The next page after the window: sequential, the window again. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 8 * PG, PG), 0);
	/* A jump: read around, the aligned 4-page window holding it. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 50 * PG, PG), 0);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 49 * PG, PG), 0); /* hit */
	/*
	 * A wider window (16): back from the miss to the first cached page
	 * (51), forward to the window's end.
	 */
	fcache_set_read_around(&c, 19);		/* rounded down to 16 */
	HT_EXPECT_EQ(t, c.ra_around, 16);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 53 * PG + 9, PG), 0);
	/* Near the end: bounded by the file. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 98 * PG, 2 * PG), 0);
	HT_ASSERT_EQ(t, s.nr_reads, 5);
	HT_EXPECT_EQ(t, s.off[0], 0);
	HT_EXPECT_EQ(t, s.len[0], 8 * PG);
	HT_EXPECT_EQ(t, s.off[1], 8 * PG);
	HT_EXPECT_EQ(t, s.len[1], 8 * PG);
	HT_EXPECT_EQ(t, s.off[2], 48 * PG);
	HT_EXPECT_EQ(t, s.len[2], FCACHE_RA_AROUND * PG);
	HT_EXPECT_EQ(t, s.off[3], 52 * PG);
	HT_EXPECT_EQ(t, s.len[3], 12 * PG);
	HT_EXPECT_EQ(t, s.off[4], 96 * PG);
	HT_EXPECT_EQ(t, s.len[4], 4 * PG);
	HT_EXPECT_EQ(t, c.stats.storage_pages, 8 + 8 + 4 + 12 + 4);
	HT_EXPECT_EQ(t, c.stats.readahead_pages, 7 + 7 + 3 + 11 + 3);
	/* Every page read is there: reading them again reads nothing. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 0, 16 * PG), 0);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 48 * PG, 16 * PG), 0);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 96 * PG, 4 * PG), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 5);
	fcache_destroy(&c);
}

static void test_read_error(struct htest *t)
{
	struct fake_storage s = { .fail = -ETIMEDOUT };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f = file_of(7, 4 * PG);
	struct fcache c;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 16, 8), 0);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, PG, 10), -ETIMEDOUT);
	HT_EXPECT_EQ(t, c.nr_pages, 0);
	/* The next attempt reads again, and succeeds. */
	s.fail = 0;
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, PG, 10), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 2);
	fcache_destroy(&c);
}

static void test_read_tiny_cache(struct htest *t)
{
	struct fake_storage s = { 0 };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f = file_of(8, 40 * PG);
	struct fcache c;

	HT_ASSERT_EQ(t, setup(), 0);
	/* A window larger than the cache: the bound holds, bytes are right. */
	HT_ASSERT_EQ(t, fcache_init(&c, 3, 32), 0);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 0, 40 * PG), 0);
	HT_EXPECT(t, c.nr_pages <= 3);
	HT_EXPECT(t, c.stats.evictions > 0);
	fcache_destroy(&c);
}

static struct fcache *reclaim_cache;

static unsigned long reclaim(unsigned long nr)
{
	return fcache_shrink(reclaim_cache, nr);
}

static void test_reclaim_for_processes(struct htest *t)
{
	struct fake_storage s = { 0 };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f = file_of(9, 256 * PG);
	u64 va = 0x20000000, filled = 0;
	struct rmm *mm;
	struct fcache c;
	bool created;
	void *page;
	int ret;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 1024, 32), 0);
	for (u64 off = 0; off < 256 * PG; off += 64 * PG)
		HT_ASSERT_EQ(t, read_check(&c, &src, &f, off, 64 * PG), 0);
	HT_ASSERT_EQ(t, c.nr_pages, 256);
	reclaim_cache = &c;
	rmm_set_reclaim(reclaim);
	mm = rmm_create(1, 1, 0);
	HT_ASSERT(t, mm);
	/* Run buddy dry: the cache gives every page it has first. */
	while (!(ret = rmm_page_get(mm, va, &page, &created))) {
		va += PG;
		filled++;
	}
	HT_EXPECT_EQ(t, ret, -ENOMEM);
	HT_EXPECT_EQ(t, c.nr_pages, 0);
	HT_EXPECT_EQ(t, c.stats.evictions, 256);
	HT_EXPECT(t, filled > 256);
	rmm_set_reclaim(NULL);
	rmm_destroy(mm);
	/* The file reads back right after the cache was emptied. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f, 100 * PG, 3 * PG), 0);
	fcache_destroy(&c);
}

/*
 * A file rewritten in place: the reader of the new version gets the new
 * bytes (from storage once, then from the cache); a reader that still
 * names the old version gets today's bytes straight from storage and
 * caches nothing; an unchanged file's second read reads no storage.
 */
static void test_read_versions(struct htest *t)
{
	struct fake_storage s = { 0 };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f1 = file_of(30, 6 * PG), f2, other = file_of(31, PG);
	struct fcache c;

	f1.version = 3;
	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT_EQ(t, fcache_init(&c, 64, 32), 0);
	fake_contents = 0;
	HT_EXPECT_EQ(t, read_check(&c, &src, &f1, 0, 6 * PG), 0);
	HT_EXPECT_EQ(t, read_check(&c, &src, &other, 0, PG), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 2);
	/* Unchanged: shared, no storage read. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f1, 0, 6 * PG), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 2);
	/* Rewritten: new bytes, version 4. */
	fake_contents = 0x40;
	f2 = f1;
	f2.version = 4;
	HT_EXPECT_EQ(t, read_check(&c, &src, &f2, PG, 2 * PG), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 3);
	HT_EXPECT_EQ(t, c.stats.invalidations, 1);
	HT_EXPECT_EQ(t, c.stats.invalidated_pages, 6);
	/*
	 * Pages 0-3 came in that read (read around page 1); 4 and 5 come
	 * in one more (the reader's next page: sequential).
	 */
	HT_EXPECT_EQ(t, s.off[2], 0);
	HT_EXPECT_EQ(t, s.len[2], 4 * PG);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f2, 0, 6 * PG), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 4);
	HT_EXPECT_EQ(t, read_check(&c, &src, &f2, 0, 6 * PG), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 4);
	/* The old version's reader: today's bytes, one read a page. */
	HT_EXPECT_EQ(t, read_check(&c, &src, &f1, 2 * PG, 2 * PG), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 6);
	HT_EXPECT_EQ(t, c.stats.stale_reads, 2);
	HT_EXPECT_EQ(t, c.nr_pages, 7);
	/* The other file was not touched by any of it. */
	fake_contents = 0;
	HT_EXPECT_EQ(t, read_check(&c, &src, &other, 0, PG), 0);
	HT_EXPECT_EQ(t, s.nr_reads, 6);
	fcache_destroy(&c);
}

/* ------------------------------------------------------------ shared pages */

static struct fcache *map_cache;
static struct fcache_source *map_src;

/* fault.c's source of shared pages, as service.c sets it. */
static int map_page(const struct mem_file *file, u64 off, bool cached_only,
		    void **page)
{
	if (cached_only) {
		*page = fcache_map_cached(map_cache, file, off);
		return 0;
	}
	return fcache_map_page(map_cache, map_src, file, off, page);
}

/* fault.c's reader of the pages it copies, as service.c's. */
static int cache_read(void *ctx, const struct mem_file *file, u64 off,
		      void *buf, u32 len)
{
	return fcache_read(map_cache, map_src, file, off, buf, len);
}

/*
 * A cache of 64 pages reading @ra pages at a time from @src, the one
 * fault.c maps shared pages from (rmm_set_file_page()); 0 or -errno.
 */
static int map_setup(struct fcache *c, struct fcache_source *src, u32 ra)
{
	int ret = setup();

	if (!ret)
		ret = fcache_init(c, 64, ra);
	if (ret)
		return ret;
	fake_contents = 0;
	map_cache = c;
	map_src = src;
	rmm_set_file_page(map_page);
	return 0;
}

/* A miss of @mm at @va: the page, or NULL on an error. */
static void *miss(struct rmm *mm, u64 va, u32 access, u32 *prot)
{
	void *page = NULL;
	u32 p = 0;

	if (rmm_fault(mm, va, access, cache_read, NULL, &page, &p))
		return NULL;
	if (prot)
		*prot = p;
	return page;
}

/* Does @page hold bytes [@off, @off + @n) of @f, zeros after? */
static bool holds(const void *page, const struct mem_file *f, u64 off,
		  u32 n)
{
	for (u32 i = 0; i < PAGE_SIZE; i++)
		if (((const u8 *)page)[i] !=
		    (i < n ? file_byte(f->id, off + i) : 0))
			return false;
	return true;
}

/* The cached page of @f at @index, or NULL. */
static const void *cached(struct fcache *c, const struct mem_file *f,
			  u64 index)
{
	struct fcache_key k = keyv(f->node, f->id, index, f->version);
	struct fcache_entry *e = fcache_lookup(c, &k);
	const void *page;

	if (!e)
		return NULL;
	page = fcache_entry_page(e);
	fcache_unpin(c, e);
	return page;
}

#define MAP_A	0x40000000ULL
#define MAP_B	0x50000000ULL

/*
 * Two address spaces map a file read-only: the first read miss of each
 * maps the cache's own page (one storage read, one copy in memory,
 * three holders); a write after mprotect gives the writer a copy and
 * leaves the cache's bytes alone; eviction of a mapped page only drops
 * the cache's hold; the last holder frees it.
 */
static void test_shared_pages(struct htest *t)
{
	struct fake_storage s = { 0 };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f = file_of(40, 3 * PG + 100);
	struct rmm *a, *b;
	void *pa, *pb, *last, *copy;
	u64 cow0 = rmm_nr_cow_copies();
	struct fcache c;
	u32 prot;

	HT_ASSERT_EQ(t, map_setup(&c, &src, 32), 0);
	a = rmm_create(1, 1, 0);
	b = rmm_create(1, 2, 0);
	HT_ASSERT(t, a && b);
	HT_ASSERT_EQ(t, rmm_mmap(a, MAP_A, 4 * PG, PROT_READ | PROT_EXEC,
				 MAP_PRIVATE | MAP_FIXED, &f, 0), (s64)MAP_A);
	HT_ASSERT_EQ(t, rmm_mmap(b, MAP_B, 4 * PG, PROT_READ,
				 MAP_SHARED | MAP_FIXED, &f, 0), (s64)MAP_B);
	pa = miss(a, MAP_A + 8, RMM_ACCESS_EXEC, &prot);
	HT_ASSERT(t, pa);
	HT_EXPECT_EQ(t, prot, PROT_READ | PROT_EXEC);
	HT_EXPECT_EQ(t, s.nr_reads, 1);		/* the whole file, once */
	HT_EXPECT(t, pa == cached(&c, &f, 0));
	pb = miss(b, MAP_B, RMM_ACCESS_READ, &prot);
	HT_EXPECT(t, pb == pa);
	HT_EXPECT_EQ(t, prot, PROT_READ);
	HT_EXPECT_EQ(t, s.nr_reads, 1);
	HT_EXPECT(t, holds(pa, &f, 0, PG));
	HT_EXPECT_EQ(t, rmm_page_nr_refs(pa), 3);
	HT_EXPECT_EQ(t, c.stats.mapped, 2);
	/* One data page for both processes (the cache's pages not counted). */
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), a->nr_tables + b->nr_tables + 1);
	HT_EXPECT_EQ(t, a->nr_pages, 1);
	HT_EXPECT_EQ(t, b->nr_pages, 1);
	/* The partial last page: the file's 100 bytes, then zeros. */
	last = miss(a, MAP_A + 3 * PG, RMM_ACCESS_READ, NULL);
	HT_ASSERT(t, last);
	HT_EXPECT(t, last == cached(&c, &f, 3));
	HT_EXPECT(t, holds(last, &f, 3 * PG, 100));
	/* Past the end of the file: SIGBUS, as before. */
	HT_EXPECT(t, !miss(a, MAP_A + 4 * PG, RMM_ACCESS_READ, NULL));

	/* a writes page 0: its own copy, the cache's bytes unchanged. */
	HT_ASSERT_EQ(t, rmm_mprotect(a, MAP_A, PG, PROT_READ | PROT_WRITE), 0);
	copy = miss(a, MAP_A, RMM_ACCESS_WRITE, &prot);
	HT_ASSERT(t, copy);
	HT_EXPECT(t, copy != pa);
	HT_EXPECT_EQ(t, prot, PROT_READ | PROT_WRITE);
	HT_EXPECT(t, holds(copy, &f, 0, PG));
	((u8 *)copy)[5] ^= 0xff;
	HT_EXPECT(t, holds(pa, &f, 0, PG));
	HT_EXPECT_EQ(t, rmm_page_nr_refs(pa), 2);
	HT_EXPECT_EQ(t, rmm_nr_cow_copies(), cow0 + 1);
	HT_EXPECT_EQ(t, a->nr_pages, 2);

	/* Reclaim frees only what nobody maps: pages 1 and 2. */
	HT_EXPECT_EQ(t, fcache_shrink(&c, 64), 2);
	HT_EXPECT_EQ(t, c.nr_pages, 2);
	HT_EXPECT(t, cached(&c, &f, 0) == pa);
	/* Eviction for room takes mapped pages too; b keeps its bytes. */
	HT_EXPECT_EQ(t, fcache_evict(&c, 64), 2);
	HT_EXPECT_EQ(t, c.nr_pages, 0);
	HT_EXPECT_EQ(t, rmm_page_nr_refs(pa), 1);
	HT_EXPECT(t, !rmm_page_shared(pa));
	HT_EXPECT(t, holds(pa, &f, 0, PG));
	HT_EXPECT(t, holds(last, &f, 3 * PG, 100));
	rmm_destroy(a);
	rmm_destroy(b);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	rmm_set_file_page(NULL);
	fcache_destroy(&c);
}

/*
 * The pages that are not the cache's: a writable private mapping, an
 * ELF segment's page cut at its end, an older version of a cached
 * file, a cache of size 0 (the read page becomes the process's), and a
 * process at its page limit (-ENOMEM, the reference given back).
 */
static void test_unshared_pages(struct htest *t)
{
	struct fake_storage s = { 0 };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f = file_of(41, 4 * PG), old;
	struct fcache c, none;
	void *p, *q;
	struct rmm *mm;

	HT_ASSERT_EQ(t, map_setup(&c, &src, 32), 0);
	f.version = 2;
	mm = rmm_create(1, 3, 2);
	HT_ASSERT(t, mm);
	/* Writable: a copy of its own at the first read. */
	HT_ASSERT_EQ(t, rmm_mmap(mm, MAP_A, 4 * PG, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_FIXED, &f, 0), (s64)MAP_A);
	p = miss(mm, MAP_A, RMM_ACCESS_READ, NULL);
	HT_ASSERT(t, p);
	HT_EXPECT(t, cached(&c, &f, 0) && p != cached(&c, &f, 0));
	HT_EXPECT_EQ(t, rmm_page_nr_refs(p), 1);
	HT_EXPECT(t, holds(p, &f, 0, PG));
	HT_EXPECT_EQ(t, c.stats.mapped, 0);
	HT_ASSERT_EQ(t, rmm_munmap(mm, MAP_A, 4 * PG), 0);
	/* An ELF segment whose file bytes end 10 bytes into page 1. */
	HT_ASSERT_EQ(t, rmm_map_fixed(mm, MAP_A, MAP_A + 2 * PG, PROT_READ,
				      VMA_FILE | VMA_ZERO_TAIL, &f, 0,
				      MAP_A + PG + 10), 0);
	p = miss(mm, MAP_A + PG, RMM_ACCESS_READ, NULL);
	HT_ASSERT(t, p);
	HT_EXPECT(t, p != cached(&c, &f, 1));
	HT_EXPECT(t, holds(p, &f, PG, 10));
	HT_ASSERT_EQ(t, rmm_munmap(mm, MAP_A, 2 * PG), 0);
	/* An older version than the one cached: today's bytes, a copy. */
	old = f;
	old.version = 1;
	HT_ASSERT_EQ(t, rmm_mmap(mm, MAP_A, PG, PROT_READ,
				 MAP_PRIVATE | MAP_FIXED, &old, 2 * PG),
		     (s64)MAP_A);
	p = miss(mm, MAP_A, RMM_ACCESS_READ, NULL);
	HT_ASSERT(t, p);
	HT_EXPECT(t, p != cached(&c, &f, 2));
	HT_EXPECT_EQ(t, rmm_page_nr_refs(p), 1);
	HT_EXPECT(t, holds(p, &f, 2 * PG, PG));
	HT_EXPECT_EQ(t, c.stats.stale_reads, 1);
	/* At the limit (2 pages): the shared page is refused, not leaked. */
	HT_ASSERT_EQ(t, rmm_mmap(mm, MAP_B, 4 * PG, PROT_READ,
				 MAP_PRIVATE | MAP_FIXED, &f, 0), (s64)MAP_B);
	q = miss(mm, MAP_B, RMM_ACCESS_READ, NULL);
	HT_ASSERT(t, q);
	HT_EXPECT(t, q == cached(&c, &f, 0));
	HT_EXPECT(t, !miss(mm, MAP_B + PG, RMM_ACCESS_READ, NULL));
	HT_EXPECT_EQ(t, rmm_page_nr_refs(cached(&c, &f, 1)), 1);
	HT_EXPECT_EQ(t, mm->nr_pages, 2);
	rmm_destroy(mm);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	fcache_destroy(&c);

	/* No room in the cache: the bytes read become the process's page. */
	HT_ASSERT_EQ(t, fcache_init(&none, 0, 32), 0);
	map_cache = &none;
	mm = rmm_create(1, 4, 0);
	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, rmm_mmap(mm, MAP_A, 4 * PG, PROT_READ,
				 MAP_PRIVATE | MAP_FIXED, &f, 0), (s64)MAP_A);
	p = miss(mm, MAP_A + 3 * PG, RMM_ACCESS_READ, NULL);
	HT_ASSERT(t, p);
	HT_EXPECT_EQ(t, rmm_page_nr_refs(p), 1);
	HT_EXPECT(t, holds(p, &f, 3 * PG, PG));
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), mm->nr_tables + 1);
	rmm_destroy(mm);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	rmm_set_file_page(NULL);
	fcache_destroy(&none);
}

/*
 * Fault-around after a miss: the pages of the 16-page window that the
 * cache holds, absent from the process, inside the vma, asked for;
 * nothing read from storage for it; nothing for a writable vma; the
 * page limit stops it.
 */
static void test_fault_around(struct htest *t)
{
	struct fake_storage s = { 0 };
	struct fcache_source src = { fake_read, &s };
	struct mem_file f = file_of(42, 40 * PG);
	void *pages[P2M_AROUND_PAGES];
	u64 a = MAP_A, b = MAP_B;	/* 64 KiB aligned: window 0 */
	struct rmm *mm, *lim;
	struct fcache c;
	unsigned int reads;
	u32 got;

	HT_ASSERT_EQ(t, map_setup(&c, &src, 8), 0);
	mm = rmm_create(1, 5, 0);
	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, rmm_mmap(mm, a, 40 * PG, PROT_READ | PROT_EXEC,
				 MAP_PRIVATE | MAP_FIXED, &f, 0), (s64)a);
	/* The miss at page 5 reads pages 5-12 (the 8-page window). */
	HT_ASSERT(t, miss(mm, a + 5 * PG, RMM_ACCESS_EXEC, NULL));
	reads = s.nr_reads;
	HT_EXPECT_EQ(t, reads, 1);
	got = rmm_fault_around(mm, a + 5 * PG, P2M_AROUND_ALL & ~(1u << 5),
			       pages);
	HT_EXPECT_EQ(t, got, 0x1fc0);		/* pages 6-12: cached */
	HT_EXPECT_EQ(t, s.nr_reads, reads);	/* and no storage read */
	for (unsigned int i = 6; i <= 12; i++) {
		HT_EXPECT(t, pages[i] == rmm_page_lookup(mm, a + i * PG));
		HT_EXPECT(t, pages[i] == cached(&c, &f, i));
		HT_EXPECT(t, holds(pages[i], &f, (u64)i * PG, PG));
		HT_EXPECT_EQ(t, rmm_page_nr_refs(pages[i]), 2);
	}
	HT_EXPECT_EQ(t, c.stats.around, 7);
	/* Mapped now: not again; only what is asked. */
	HT_EXPECT_EQ(t, rmm_fault_around(mm, a + 5 * PG, 0xffdf, pages), 0);
	HT_ASSERT(t, miss(mm, a + 16 * PG, RMM_ACCESS_READ, NULL));
	HT_EXPECT_EQ(t, rmm_fault_around(mm, a + 16 * PG, 0x0006, pages),
		     0x0006);			/* pages 17, 18 */
	HT_EXPECT(t, !rmm_page_lookup(mm, a + 19 * PG));
	/*
	 * Uncached pages are not read for it: page 39's miss read around
	 * it (pages 36-39), and only those three come.
	 */
	HT_ASSERT(t, miss(mm, a + 39 * PG, RMM_ACCESS_READ, NULL));
	reads = s.nr_reads;
	HT_EXPECT_EQ(t, rmm_fault_around(mm, a + 39 * PG, 0xff7f, pages),
		     0x70);			/* pages 36-38 */
	HT_EXPECT_EQ(t, s.nr_reads, reads);
	/* Cached, and the window stops at the vma's end (page 40). */
	HT_ASSERT_EQ(t, read_check(&c, &src, &f, 32 * PG, 7 * PG), 0);
	HT_EXPECT_EQ(t, rmm_fault_around(mm, a + 39 * PG, 0xff7f, pages),
		     0x0f);			/* pages 32-35 */
	/* Writable: nothing around. */
	HT_ASSERT_EQ(t, rmm_mmap(mm, b, 16 * PG, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_FIXED, &f, 0), (s64)b);
	HT_ASSERT(t, miss(mm, b, RMM_ACCESS_READ, NULL));
	HT_EXPECT_EQ(t, rmm_fault_around(mm, b, 0xfffe, pages), 0);
	HT_EXPECT(t, !rmm_page_lookup(mm, b + PG));
	rmm_destroy(mm);

	/* At the page limit: what fits, then nothing, no reference lost. */
	lim = rmm_create(1, 6, 3);
	HT_ASSERT(t, lim);
	HT_ASSERT_EQ(t, rmm_mmap(lim, a, 16 * PG, PROT_READ,
				 MAP_PRIVATE | MAP_FIXED, &f, 0), (s64)a);
	HT_ASSERT(t, miss(lim, a + 6 * PG, RMM_ACCESS_READ, NULL));
	HT_EXPECT_EQ(t, rmm_fault_around(lim, a + 6 * PG, 0x0f80, pages),
		     0x0180);			/* pages 7 and 8 */
	HT_EXPECT_EQ(t, lim->nr_pages, 3);
	HT_EXPECT_EQ(t, rmm_page_nr_refs(cached(&c, &f, 9)), 1);
	rmm_destroy(lim);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	rmm_set_file_page(NULL);
	fcache_destroy(&c);
}

/* The P2M_PCACHE_MISS checks of the fault-around field. */
static void test_around_wire(struct htest *t)
{
	struct p2m_miss_req r;

	memset(&r, 0, sizeof(r));
	p2m_hdr_init(&r.hdr, 1);
	fit_put_le64(&r.va, 0x40005123);	/* bit 5 of its window */
	fit_put_le32(&r.access, P2M_ACCESS_READ);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_PCACHE_MISS, &r, sizeof(r)), 0);
	fit_put_le32(&r.around, 0xffdf);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_PCACHE_MISS, &r, sizeof(r)), 0);
	fit_put_le32(&r.around, 0x0020);	/* its own page */
	HT_EXPECT_EQ(t, p2m_req_check(P2M_PCACHE_MISS, &r, sizeof(r)),
		     -EPROTO);
	fit_put_le32(&r.around, 0x10000);	/* past the window */
	HT_EXPECT_EQ(t, p2m_req_check(P2M_PCACHE_MISS, &r, sizeof(r)),
		     -EPROTO);
	/* A write miss may ask too (zero pages of anonymous memory). */
	fit_put_le32(&r.around, 0x0001);
	fit_put_le32(&r.access, P2M_ACCESS_WRITE);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_PCACHE_MISS, &r, sizeof(r)), 0);
	HT_EXPECT_EQ(t, p2m_around_base(0x4000f000), 0x40000000);
	HT_EXPECT_EQ(t, p2m_around_bit(0x4000f000), 15);
	HT_EXPECT_EQ(t, p2m_around_bit(0x40010fff), 0);
}

/* The processor's check of a short reply (mm_remote.c). */
static void test_short_reply_check(struct htest *t)
{
	struct p2m_miss_short_reply r;

	memset(&r, 0, sizeof(r));
	HT_EXPECT_EQ(t, p2m_short_reply_check(&r, 0), 0);
	fit_put_le32(&r.zero_around, 0x0c);
	HT_EXPECT_EQ(t, p2m_short_reply_check(&r, 0x0e), 0);
	/* Pages not asked for, or none asked for at all. */
	HT_EXPECT_EQ(t, p2m_short_reply_check(&r, 0x06), -EPROTO);
	HT_EXPECT_EQ(t, p2m_short_reply_check(&r, 0), -EPROTO);
	/* Zero pages around the processor's own (vDSO) page. */
	fit_put_le32(&r.special, 2);
	HT_EXPECT_EQ(t, p2m_short_reply_check(&r, 0x0e), -EPROTO);
	fit_put_le32(&r.zero_around, 0);
	HT_EXPECT_EQ(t, p2m_short_reply_check(&r, 0x0e), 0);
	fit_put_le32(&r.reserved, 1);
	HT_EXPECT_EQ(t, p2m_short_reply_check(&r, 0x0e), -EPROTO);
}

/* The processor's check of a reply with pages around (mm_remote.c). */
static void test_around_reply_check(struct htest *t)
{
	size_t max = P2M_MISS_REPLY_MAX;
	struct p2m_miss_reply *rep = calloc(1, max);
	struct p2m_miss_around *ar = (void *)(rep + 1);
	u32 head = sizeof(*rep) + sizeof(*ar);

	HT_ASSERT(t, rep != NULL);
	/* None sent: the struct alone. */
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head, 0x6), 0);
	/* Two of the three asked for, in the bytes. */
	fit_put_le32(&ar->mask, 0x5);
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head + 2 * PAGE_SIZE, 0x7),
		     0x5);
	/* One page short, one too many. */
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head + PAGE_SIZE, 0x7),
		     -EPROTO);
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head + 3 * PAGE_SIZE, 0x7),
		     -EPROTO);
	/* A page not asked for. */
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head + 2 * PAGE_SIZE, 0x6),
		     -EPROTO);
	/* No struct at all: a plain reply to a request with a window. */
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, sizeof(*rep), 0x7),
		     -EPROTO);
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head - 1, 0x7), -EPROTO);
	/* Reserved not zero. */
	fit_put_le32(&ar->reserved, 1);
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head + 2 * PAGE_SIZE, 0x7),
		     -EPROTO);
	fit_put_le32(&ar->reserved, 0);
	/* Pages around a special page (the processor's own vDSO). */
	fit_put_le32(&rep->special, 1);
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head + 2 * PAGE_SIZE, 0x7),
		     -EPROTO);
	fit_put_le32(&ar->mask, 0);
	HT_EXPECT_EQ(t, p2m_around_reply_check(rep, head, 0x7), 0);
	free(rep);
}

static void test_no_leaks(struct htest *t)
{
	HT_ASSERT_EQ(t, setup(), 0);
	/* Slab keeps a few pages cached; buddy must not have lost pages. */
	HT_EXPECT(t, nr_free_pages() + 64 >= baseline_free);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_keys),
	HT_CASE(test_insert_twice),
	HT_CASE(test_lru_bound),
	HT_CASE(test_pinned_stay),
	HT_CASE(test_size_zero),
	HT_CASE(test_versions),
	HT_CASE(test_version_pinned),
	HT_CASE(test_read_small_file),
	HT_CASE(test_read_windows),
	HT_CASE(test_read_error),
	HT_CASE(test_read_tiny_cache),
	HT_CASE(test_reclaim_for_processes),
	HT_CASE(test_read_versions),
	HT_CASE(test_shared_pages),
	HT_CASE(test_unshared_pages),
	HT_CASE(test_fault_around),
	HT_CASE(test_around_wire),
	HT_CASE(test_around_reply_check),
	HT_CASE(test_short_reply_check),
	HT_CASE(test_no_leaks),
	{}
};

HTEST_MAIN(cases)
