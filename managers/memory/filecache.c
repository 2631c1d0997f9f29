/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory node's file page cache: one copy of each page of a storage
 * file, shared by every process that maps the file and by the runs that
 * follow, so that the second python3 reads libc and libpython from the
 * storage node zero times.  A page is named by (storage node, file id,
 * page index); the file id is the P2S handle (inode | generation << 32),
 * so a reused inode number never finds the old file's pages.
 *
 * Versions: processors write storage files in place (P2S_WRITE,
 * P2S_TRUNCATE), and the storage node bumps the inode's i_version with
 * every such change.  Each request carries the version of the file it
 * means (struct mem_file.version: from the P2S_OPEN of an execve or the
 * P2S_STAT the memory node makes at mmap), and the pages of a file in
 * the cache all belong to one version, kept in its struct fcache_file.
 * A request for a newer version drops them all (fcache_invalidate(); a
 * page being copied right then goes at its last unpin) and caches the
 * new bytes; a request for an older version (a mapping made before the
 * change faulting later) reads storage as it is now, uncached, like
 * Linux, where a mapping's untouched pages show the file's current
 * bytes.  Pages a process already faulted keep the bytes they had
 * (the old version's page leaves the cache, not the process) (Linux would show the new bytes in a MAP_SHARED
 * or untouched MAP_PRIVATE page: not kept, see memory-node.md).  A
 * file with no page cached has no record, so an unchanged file costs
 * nothing and stays shared.
 *
 * Processes map the cache's pages (fcache_map_page(), fault.c): the
 * first read or fetch of a whole file page puts the cached page itself
 * into the process's table, with one more reference in its struct page
 * (vm.c: the cache's and each process's).  Held by two, the page is
 * read-only to everyone; a write miss or a flush gives the process a
 * copy (copy on write, as after fork), so a private write never reaches
 * the cache, and a second process mapping libc costs no page and no
 * copy.  Leaving the cache (eviction, a newer version) drops only the
 * cache's reference: the processes keep the bytes they mapped, and the
 * last one frees the page.  Other pages of file vmas (an ELF segment's
 * page cut at its end) are copied (fcache_read()).  A page is pinned
 * (entry->pins) while it is being copied or handed out; pinned pages
 * are not evicted.
 *
 * Bounded: at most c->max_pages pages; inserting into a full cache
 * evicts the least recently used unpinned page that no process maps,
 * else the least recently used unpinned one (one LRU list, a hit moves
 * the page to its tail).  When every page is pinned, the new page
 * is not cached (the caller uses it once and frees it).  Processes come
 * first: when buddy has no page for an address space, vm.c asks
 * fcache_shrink() for some (service.c sets the hook), which evicts only
 * pages no process maps: evicting the others frees nothing.
 *
 * Readahead: a miss reads a window of pages in one storage read, from
 * the missing page up to the first page already cached, the end of the
 * file or the window.  The window is c->ra_max pages for the first miss
 * on a file and for a miss on the page after the previous miss's window
 * (a sequential reader: one of FCACHE_STREAMS recent files).  Other
 * misses read around (like Linux's read-around for mmap faults): the
 * aligned window of c->ra_around pages holding the missing page, less
 * the pages already cached at either end of the part read (the read is
 * one contiguous range of uncached pages).
 *
 * Locking: c->lock (a spinlock) protects everything in struct fcache,
 * the file records and the entries; it is a leaf, and it is never held across a storage
 * read or a copy.  Two processes missing the same page both read it;
 * the second insert finds the first one's page and frees its own (no
 * double insert).
 *
 * The first part (fcache_lookup/insert/unpin/evict) is pure logic under
 * the caller's lock, tested on the host (tests/host/test_filecache.c);
 * fcache_read() is the locked reader that service.c uses.
 */
#include "internal.h"

#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>

/* The pages of one file in the cache, all of one version of it. */
struct fcache_file {
	struct list_head hash;	/* in c->files[] */
	struct list_head pages;	/* of fcache_entry.file_link */
	u16 node;
	u64 file_id;
	u64 version;		/* of every page in @pages */
	u64 nr_pages;		/* in @pages; the record goes at 0 */
};

struct fcache_entry {
	struct list_head hash;	/* in c->buckets[]; empty once stale */
	struct list_head lru;	/* in c->lru */
	struct list_head file_link;	/* in file->pages */
	struct fcache_file *file;	/* NULL: stale, freed at the last unpin */
	struct fcache_key key;
	void *page;
	unsigned int pins;	/* copies in progress */
};

static u64 fcache_mix(u16 node, u64 file_id)
{
	return file_id * 0x9e3779b97f4a7c15ULL ^
	       ((u64)node << 48) * 0xc2b2ae3d27d4eb4fULL;
}

static u32 fcache_hash(const struct fcache_key *k, u32 nr_buckets)
{
	u64 h = k->file_id * 0x9e3779b97f4a7c15ULL ^
		(k->index + ((u64)k->node << 48)) * 0xc2b2ae3d27d4eb4fULL;

	return (u32)(h >> 32) & (nr_buckets - 1);
}

/* The version is the file's, not the page's: not part of the match. */
static bool fcache_key_eq(const struct fcache_key *a,
			  const struct fcache_key *b)
{
	return a->node == b->node && a->file_id == b->file_id &&
	       a->index == b->index;
}

int fcache_init(struct fcache *c, u64 max_pages, u32 ra_max)
{
	u32 n = 64;

	memset(c, 0, sizeof(*c));
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->lru);
	while (n < FCACHE_MAX_BUCKETS && n < max_pages / 2)
		n <<= 1;
	c->buckets = kcalloc(n, sizeof(*c->buckets), GFP_KERNEL);
	c->files = kcalloc(n / 4, sizeof(*c->files), GFP_KERNEL);
	if (!c->buckets || !c->files) {
		kfree(c->buckets);
		kfree(c->files);
		c->buckets = NULL;
		c->files = NULL;
		return -ENOMEM;
	}
	for (u32 i = 0; i < n; i++)
		INIT_LIST_HEAD(&c->buckets[i]);
	for (u32 i = 0; i < n / 4; i++)
		INIT_LIST_HEAD(&c->files[i]);
	c->nr_buckets = n;
	c->nr_file_buckets = n / 4;
	c->max_pages = max_pages;
	c->ra_max = clamp(ra_max, 1u, (u32)FCACHE_RA_MAX);
	fcache_set_read_around(c, FCACHE_RA_AROUND);
	return 0;
}

void fcache_set_read_around(struct fcache *c, u32 pages)
{
	pages = clamp(pages, 1u, (u32)FCACHE_RA_MAX);
	while (pages & (pages - 1))
		pages &= pages - 1;
	c->ra_around = pages;
}

static struct list_head *fcache_file_bucket(struct fcache *c, u16 node,
					    u64 file_id)
{
	u64 h = fcache_mix(node, file_id);

	return &c->files[(u32)(h >> 32) & (c->nr_file_buckets - 1)];
}

static struct fcache_file *fcache_file_find(struct fcache *c,
					    const struct fcache_key *key)
{
	struct fcache_file *f;

	list_for_each_entry(f, fcache_file_bucket(c, key->node, key->file_id),
			    hash)
		if (f->node == key->node && f->file_id == key->file_id)
			return f;
	return NULL;
}

/* Take @e out of its file: no lookup finds it any more. */
static void fcache_detach(struct fcache_entry *e)
{
	list_del_init(&e->hash);
	list_del(&e->file_link);
	e->file->nr_pages--;
	e->file = NULL;
}

static void fcache_file_put(struct fcache_file *f)
{
	if (f->nr_pages)
		return;
	list_del(&f->hash);
	kfree(f);
}

static void fcache_free_entry(struct fcache *c, struct fcache_entry *e)
{
	struct fcache_file *f = e->file;

	if (f) {
		fcache_detach(e);
		fcache_file_put(f);
	}
	list_del(&e->hash);
	list_del(&e->lru);
	rmm_page_cache_drop(e->page);
	kfree(e);
	c->nr_pages--;
}

/*
 * A newer version of @f's file was seen: drop its pages (their record
 * with them).  A pinned page is being copied for a reader of the old
 * version: it leaves the hash now and is freed at its last unpin.
 */
static void fcache_invalidate(struct fcache *c, struct fcache_file *f)
{
	struct fcache_entry *e, *tmp;

	c->stats.invalidations++;
	list_for_each_entry_safe(e, tmp, &f->pages, file_link) {
		fcache_detach(e);
		c->stats.invalidated_pages++;
		if (!e->pins)
			fcache_free_entry(c, e);
	}
	fcache_file_put(f);
}

void fcache_destroy(struct fcache *c)
{
	struct fcache_entry *e, *tmp;

	if (!c->buckets)
		return;
	list_for_each_entry_safe(e, tmp, &c->lru, lru) {
		BUG_ON(e->pins);
		fcache_free_entry(c, e);
	}
	kfree(c->buckets);
	kfree(c->files);
	c->buckets = NULL;
	c->files = NULL;
}

/* The entry of @key's page if @key's version is the one cached. */
static struct fcache_entry *fcache_find(struct fcache *c,
					const struct fcache_key *key)
{
	struct list_head *b = &c->buckets[fcache_hash(key, c->nr_buckets)];
	struct fcache_file *f = fcache_file_find(c, key);
	struct fcache_entry *e;

	if (!f || f->version != key->version) {
		if (f && f->version < key->version)
			fcache_invalidate(c, f);
		return NULL;
	}
	list_for_each_entry(e, b, hash)
		if (fcache_key_eq(&e->key, key))
			return e;
	return NULL;
}

struct fcache_entry *fcache_lookup(struct fcache *c,
				   const struct fcache_key *key)
{
	struct fcache_entry *e = fcache_find(c, key);

	if (e) {
		e->pins++;
		list_move_tail(&e->lru, &c->lru);
	}
	return e;
}

bool fcache_contains(struct fcache *c, const struct fcache_key *key)
{
	return fcache_find(c, key);
}

bool fcache_stale(struct fcache *c, const struct fcache_key *key)
{
	struct fcache_file *f = fcache_file_find(c, key);

	return f && f->version > key->version;
}

/*
 * Evict up to @nr unpinned pages, the oldest first, of those no process
 * maps (evicting them frees memory), then, if @mapped too, of those
 * that processes map (which only makes room: they live on in them).
 */
static unsigned long fcache_evict_some(struct fcache *c, unsigned long nr,
				       bool mapped)
{
	struct fcache_entry *e, *tmp;
	unsigned long done = 0;

	for (int pass = 0; pass < (mapped ? 2 : 1); pass++) {
		list_for_each_entry_safe(e, tmp, &c->lru, lru) {
			if (done == nr)
				return done;
			if (e->pins || (!pass && rmm_page_mapped(e->page)))
				continue;
			fcache_free_entry(c, e);
			c->stats.evictions++;
			done++;
		}
	}
	return done;
}

unsigned long fcache_evict(struct fcache *c, unsigned long nr)
{
	return fcache_evict_some(c, nr, true);
}

struct fcache_entry *fcache_insert(struct fcache *c,
				   const struct fcache_key *key, void **page)
{
	struct fcache_entry *e = fcache_lookup(c, key);
	struct fcache_file *f;

	if (e)
		return e;	/* someone else's copy: *page stays the caller's */
	if (!c->max_pages || fcache_stale(c, key))
		return NULL;
	if (c->nr_pages >= c->max_pages && !fcache_evict(c, 1))
		return NULL;
	/* Under c->lock: atomic (the entry is small; failing only skips it). */
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		return NULL;
	/* After the eviction, which may have taken the file's last page. */
	f = fcache_file_find(c, key);
	if (!f) {
		f = kmalloc(sizeof(*f), GFP_ATOMIC);
		if (!f) {
			kfree(e);
			return NULL;
		}
		INIT_LIST_HEAD(&f->pages);
		f->node = key->node;
		f->file_id = key->file_id;
		f->version = key->version;
		f->nr_pages = 0;
		list_add(&f->hash,
			 fcache_file_bucket(c, key->node, key->file_id));
	}
	e->key = *key;
	e->page = *page;
	rmm_page_cache_take(e->page);
	e->pins = 1;
	e->file = f;
	*page = NULL;
	list_add(&e->hash, &c->buckets[fcache_hash(key, c->nr_buckets)]);
	list_add_tail(&e->lru, &c->lru);
	list_add_tail(&e->file_link, &f->pages);
	f->nr_pages++;
	c->nr_pages++;
	return e;
}

void fcache_unpin(struct fcache *c, struct fcache_entry *e)
{
	BUG_ON(!e->pins);
	if (!--e->pins && !e->file)
		fcache_free_entry(c, e);	/* stale: its file changed */
}

const void *fcache_entry_page(const struct fcache_entry *e)
{
	return e->page;
}

/* ------------------------------------------------------------ reader */

static struct fcache_key fcache_key_of(const struct mem_file *file, u64 index)
{
	return (struct fcache_key){ .node = file->node, .file_id = file->id,
				    .index = index,
				    .version = file->version };
}

/*
 * Which pages to read for a miss at @index of @file: from *@start (at
 * most @index), n of them (returned; @index among them), bounded by the
 * window, the file and the pages already cached; and remember where
 * this reader will miss next.  c->lock held.
 */
static u32 fcache_window(struct fcache *c, const struct mem_file *file,
			 u64 index, u64 *start)
{
	u64 last = (file->size - 1) >> PAGE_SHIFT, end;
	struct fcache_stream *s = NULL;
	u32 want = 0, n;
	unsigned int i;

	for (i = 0; i < FCACHE_STREAMS; i++) {
		struct fcache_stream *t = &c->streams[i];

		if (t->node == file->node && t->file_id == file->id &&
		    t->valid) {
			s = t;
			break;
		}
	}
	if (!s) {
		want = c->ra_max;	/* the first miss on a file */
		s = &c->streams[c->next_stream++ % FCACHE_STREAMS];
		s->valid = true;
		s->node = file->node;
		s->file_id = file->id;
	} else if (s->next_index == index) {
		want = c->ra_max;	/* sequential */
	}
	*start = index;
	if (want) {
		end = index + min(want, c->ra_max);
	} else {
		/* Read around: back to the window's start while uncached. */
		u64 base = index & ~(u64)(c->ra_around - 1);

		while (*start > base) {
			struct fcache_key k = fcache_key_of(file, *start - 1);

			if (fcache_contains(c, &k))
				break;
			(*start)--;
		}
		end = base + c->ra_around;
	}
	for (n = 1; index + n < end && index + n <= last; n++) {
		struct fcache_key k = fcache_key_of(file, index + n);

		if (fcache_contains(c, &k))
			break;
	}
	n += index - *start;
	s->next_index = *start + n;
	return n;
}

/*
 * Read the @n pages from @start of @file from storage and cache them;
 * the one at @index (among them) is pinned in *@first (or, if it could
 * not be cached, a private page to free in *@spare).  0 or the read
 * error.
 */
static int fcache_fill(struct fcache *c, const struct mem_file *file,
		       u64 start, u32 n, u64 index,
		       const struct fcache_source *src,
		       struct fcache_entry **first, void **spare)
{
	u64 off = start << PAGE_SHIFT;
	u32 want = (u32)(index - start);
	unsigned int order = get_order((u64)n << PAGE_SHIFT);
	u8 *buf = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_NOWARN, order);
	unsigned long flags;
	int ret;
	u32 i, len;

	*first = NULL;
	*spare = NULL;
	if (!buf && order) {
		/* Fragmented: no readahead rather than no page. */
		start = index;
		off = start << PAGE_SHIFT;
		want = 0;
		n = 1;
		order = 0;
		buf = (u8 *)__get_free_page(GFP_KERNEL | __GFP_NOWARN);
	}
	if (!buf)
		return -ENOMEM;
	len = (u32)min_t(u64, (u64)n << PAGE_SHIFT, file->size - off);
	ret = src->read(src->ctx, file, off, buf, len);
	if (ret)
		goto out;
	memset(buf + len, 0, ((u64)n << PAGE_SHIFT) - len);
	/* The missing page first: the others only if pages are left. */
	for (u32 j = 0; j < n; j++) {
		struct fcache_key k;
		void *page = (void *)__get_free_page(GFP_KERNEL |
						     __GFP_NOWARN);
		struct fcache_entry *e;

		i = (want + j) % n;
		k = fcache_key_of(file, start + i);
		if (!page) {
			ret = j ? 0 : -ENOMEM;
			break;
		}
		memcpy(page, buf + ((u64)i << PAGE_SHIFT), PAGE_SIZE);
		spin_lock_irqsave(&c->lock, flags);
		e = fcache_insert(c, &k, &page);
		if (j == 0)
			c->stats.storage_reads++;
		c->stats.storage_pages++;
		if (j)
			c->stats.readahead_pages++;
		if (e && j)
			fcache_unpin(c, e);
		spin_unlock_irqrestore(&c->lock, flags);
		if (j == 0) {
			*first = e;
			if (!e) {
				*spare = page;
				page = NULL;
			}
		}
		if (page)
			free_page((unsigned long)page);
	}
out:
	free_pages((unsigned long)buf, order);
	return ret;
}

/*
 * The page at @index of @file: pinned in *@e, or if it could not be
 * cached, a private page with its bytes in *@spare (the caller's to
 * free).  1: neither, the file is cached at a newer version than @file's
 * (the caller reads storage itself, uncached); 0 or the read's error.
 */
static int fcache_get(struct fcache *c, const struct fcache_source *src,
		      const struct mem_file *file, u64 index,
		      struct fcache_entry **e, void **spare)
{
	struct fcache_key k = fcache_key_of(file, index);
	unsigned long flags;
	u32 window = 0;
	u64 start = index;
	bool stale = false;

	*spare = NULL;
	spin_lock_irqsave(&c->lock, flags);
	*e = fcache_lookup(c, &k);
	if (*e) {
		c->stats.hits++;
	} else if (fcache_stale(c, &k)) {
		c->stats.stale_reads++;
		stale = true;
	} else {
		c->stats.misses++;
		window = fcache_window(c, file, index, &start);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (stale)
		return 1;
	if (*e)
		return 0;
	return fcache_fill(c, file, start, window, index, src, e, spare);
}

int fcache_read(struct fcache *c, const struct fcache_source *src,
		const struct mem_file *file, u64 off, void *buf, u32 len)
{
	u8 *dst = buf;

	if (off > file->size || len > file->size - off)
		return -EIO;
	while (len) {
		u32 in = off & ~PAGE_MASK, n = min_t(u32, len, PAGE_SIZE - in);
		struct fcache_entry *e;
		unsigned long flags;
		void *spare;
		int ret = fcache_get(c, src, file, off >> PAGE_SHIFT, &e,
				     &spare);

		if (ret < 0)
			return ret;
		if (ret) {
			/* A mapping older than the file: today's bytes, uncached. */
			ret = src->read(src->ctx, file, off, dst, n);
			if (ret)
				return ret;
			goto next;
		}
		memcpy(dst, (e ? (const u8 *)e->page : (const u8 *)spare) + in,
		       n);
		if (e) {
			spin_lock_irqsave(&c->lock, flags);
			fcache_unpin(c, e);
			spin_unlock_irqrestore(&c->lock, flags);
		} else {
			free_page((unsigned long)spare);
		}
next:
		dst += n;
		off += n;
		len -= n;
	}
	return 0;
}

int fcache_map_page(struct fcache *c, const struct fcache_source *src,
		    const struct mem_file *file, u64 off, void **page)
{
	struct fcache_entry *e;
	unsigned long flags;
	void *spare;
	int ret;

	*page = NULL;
	if ((off & ~PAGE_MASK) || off >= file->size)
		return -EIO;
	ret = fcache_get(c, src, file, off >> PAGE_SHIFT, &e, &spare);
	if (ret < 0)
		return ret;
	if (ret) {
		/* A mapping older than the file: today's bytes, uncached. */
		u32 len = (u32)min_t(u64, PAGE_SIZE, file->size - off);

		spare = (void *)__get_free_page(GFP_KERNEL | __GFP_NOWARN);
		if (!spare)
			return -ENOMEM;
		ret = src->read(src->ctx, file, off, spare, len);
		if (ret) {
			free_page((unsigned long)spare);
			return ret;
		}
		memset((u8 *)spare + len, 0, PAGE_SIZE - len);
	}
	if (!e) {
		/* Not cached: the bytes become the process's own page. */
		rmm_page_hold(spare);
		*page = spare;
		return 0;
	}
	spin_lock_irqsave(&c->lock, flags);
	rmm_page_hold(e->page);
	c->stats.mapped++;
	*page = e->page;
	fcache_unpin(c, e);
	spin_unlock_irqrestore(&c->lock, flags);
	return 0;
}

void *fcache_map_cached(struct fcache *c, const struct mem_file *file,
			u64 off)
{
	struct fcache_key k = fcache_key_of(file, off >> PAGE_SHIFT);
	struct fcache_entry *e;
	unsigned long flags;
	void *page = NULL;

	if ((off & ~PAGE_MASK) || off >= file->size)
		return NULL;
	spin_lock_irqsave(&c->lock, flags);
	e = fcache_find(c, &k);
	if (e) {
		list_move_tail(&e->lru, &c->lru);
		rmm_page_hold(e->page);
		c->stats.mapped++;
		c->stats.around++;
		page = e->page;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return page;
}

unsigned long fcache_shrink(struct fcache *c, unsigned long nr)
{
	unsigned long flags, done;

	spin_lock_irqsave(&c->lock, flags);
	done = fcache_evict_some(c, nr, false);
	spin_unlock_irqrestore(&c->lock, flags);
	return done;
}

void fcache_get_stats(struct fcache *c, struct fcache_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	*st = c->stats;
	st->pages = c->nr_pages;
	spin_unlock_irqrestore(&c->lock, flags);
}
