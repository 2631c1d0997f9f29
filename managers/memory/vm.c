/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address spaces of remote processes (struct rmm): the vma tree and the
 * table of the pages this memory node owns for each process, and the
 * mmap family of system calls on them with Linux's semantics and errno
 * values.  The miss and flush paths are in fault.c, the ELF loader in
 * loader.c, the initial stack in stack.c; locking is the caller's (see
 * internal.h).
 *
 * vmas sit in a red-black tree keyed by start; they never overlap, and
 * adjacent vmas with the same attributes are merged, as Linux does, so
 * that a malloc arena's many mprotect() calls do not grow the tree.
 *
 * Pages: a 4-level radix table over the 47-bit user address space, 512
 * entries per level, one page per table node; a leaf entry is the
 * direct-map address of a 4 KiB page owned by this node.  Nothing is
 * allocated before the first touch, so a 1 GiB PROT_NONE reservation
 * costs one vma.  Tables that become empty on munmap are freed.
 *
 * Accounting: mm->nr_pages counts data pages against mm->page_limit
 * (-ENOMEM past it); a failed buddy allocation first asks the reclaim
 * hook (rmm_set_reclaim(): the file page cache gives pages back) and
 * tries once more, then is -ENOMEM for the faulting process only.
 * rmm_nr_pages_owned() counts data and table pages of every rmm, each
 * physical page once, for leak checks.
 *
 * Fork (rmm_fork()) copies the vmas and the radix tables but not the
 * data pages: parent and child point at the same pages, each counted in
 * struct page's rmm_refs (atomics: the rmms that share a page are
 * serialised by different locks).  A page with more than one reference
 * is read-only for everyone; rmm_page_get_private() and rmm_page_write()
 * give the caller's rmm a copy of its own first (copy on write), and a
 * page whose last other holder is gone is simply private again.  The
 * last reference frees the page.  A shared page counts in the nr_pages
 * of every rmm holding it, like Linux's RSS, so breaking COW never
 * changes nr_pages and never fails on page_limit, only on buddy.
 */
#include "internal.h"

#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/mman.h>
#include <tessera/ptindex.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/mman.h>

_Static_assert(TASK_SIZE == MMAN_TASK_SIZE, "one user address space size");

static u64 rmm_pages_owned;	/* atomic: every rmm's data + table pages */
static u64 rmm_cow_copies;	/* atomic: shared pages made private copies */

u64 rmm_nr_pages_owned(void)
{
	return __atomic_load_n(&rmm_pages_owned, __ATOMIC_RELAXED);
}

u64 rmm_nr_cow_copies(void)
{
	return __atomic_load_n(&rmm_cow_copies, __ATOMIC_RELAXED);
}

/* Pages one failed allocation asks the reclaim hook for. */
#define RMM_RECLAIM_BATCH	64

static unsigned long (*rmm_reclaim)(unsigned long nr);

void rmm_set_reclaim(unsigned long (*reclaim)(unsigned long nr))
{
	rmm_reclaim = reclaim;
}

static void (*rmm_file_ref)(const struct mem_file *file, int delta);

void rmm_set_file_ref(void (*ref)(const struct mem_file *file, int delta))
{
	rmm_file_ref = ref;
}

static void *rmm_alloc_page_gfp(gfp_t gfp)
{
	struct page *page;

	gfp |= GFP_KERNEL | __GFP_NOWARN;
	page = alloc_page(gfp);
	if (!page && rmm_reclaim && rmm_reclaim(RMM_RECLAIM_BATCH))
		page = alloc_page(gfp);
	if (!page)
		return NULL;
	__atomic_add_fetch(&rmm_pages_owned, 1, __ATOMIC_RELAXED);
	return page_address(page);
}

/* A zeroed table page. */
static void *rmm_alloc_page(void)
{
	return rmm_alloc_page_gfp(__GFP_ZERO);
}

static void rmm_free_page(void *addr)
{
	__atomic_sub_fetch(&rmm_pages_owned, 1, __ATOMIC_RELAXED);
	free_page((unsigned long)addr);
}

/* ------------------------------------------------------------ data pages */

/*
 * struct page's rmm_refs of a data page: the rmms holding it in the low
 * bits, and RMM_REF_CACHE while the file page cache holds it too
 * (filecache.c: a cached page mapped by processes, one copy for all).
 * rmm_pages_owned counts a page while at least one rmm holds it; a
 * page only the cache holds is the cache's (fcache nr_pages).
 */
#define RMM_REF_CACHE	(1u << 31)
#define RMM_REF_RMMS	(RMM_REF_CACHE - 1)

static unsigned int *rmm_page_refs(const void *addr)
{
	return &virt_to_page(addr)->rmm_refs;
}

/* Holders of @refs: the rmms, and the cache as one more. */
static unsigned int rmm_refs_holders(unsigned int refs)
{
	return (refs & RMM_REF_RMMS) + !!(refs & RMM_REF_CACHE);
}

/* A data page held by one rmm; zeroed unless @gfp says otherwise. */
static void *rmm_alloc_data_page(gfp_t gfp)
{
	void *addr = rmm_alloc_page_gfp(gfp);

	if (addr)
		__atomic_store_n(rmm_page_refs(addr), 1, __ATOMIC_RELAXED);
	return addr;
}

void rmm_page_hold(void *addr)
{
	unsigned int old = __atomic_fetch_add(rmm_page_refs(addr), 1,
					      __ATOMIC_RELAXED);

	BUG_ON((old & RMM_REF_RMMS) == RMM_REF_RMMS);
	if (!(old & RMM_REF_RMMS))
		__atomic_add_fetch(&rmm_pages_owned, 1, __ATOMIC_RELAXED);
}

/*
 * Drop one rmm's reference; the last holder frees the page.
 * Acquire-release: a holder's reads of the page (a COW copy) come before
 * its drop, and the free or the last holder's writes after every other
 * drop.
 */
void rmm_page_release(void *addr)
{
	unsigned int old = __atomic_fetch_sub(rmm_page_refs(addr), 1,
					      __ATOMIC_ACQ_REL);

	BUG_ON(!(old & RMM_REF_RMMS));
	if (old == 1)
		rmm_free_page(addr);
	else if ((old & RMM_REF_RMMS) == 1)
		/* Still cached: no rmm's any more. */
		__atomic_sub_fetch(&rmm_pages_owned, 1, __ATOMIC_RELAXED);
}

void rmm_page_cache_take(void *addr)
{
	BUG_ON(__atomic_load_n(rmm_page_refs(addr), __ATOMIC_RELAXED));
	__atomic_store_n(rmm_page_refs(addr), RMM_REF_CACHE,
			 __ATOMIC_RELAXED);
}

bool rmm_page_cache_drop(void *addr)
{
	unsigned int old = __atomic_fetch_and(rmm_page_refs(addr),
					      ~RMM_REF_CACHE,
					      __ATOMIC_ACQ_REL);

	BUG_ON(!(old & RMM_REF_CACHE));
	if (old != RMM_REF_CACHE)
		return false;	/* mapped: the last rmm frees it */
	free_page((unsigned long)addr);
	return true;
}

bool rmm_page_mapped(const void *page)
{
	return __atomic_load_n(rmm_page_refs(page), __ATOMIC_ACQUIRE) &
	       RMM_REF_RMMS;
}

bool rmm_page_shared(const void *page)
{
	return rmm_refs_holders(__atomic_load_n(rmm_page_refs(page),
						__ATOMIC_ACQUIRE)) > 1;
}

unsigned int rmm_page_nr_refs(const void *page)
{
	return rmm_refs_holders(__atomic_load_n(rmm_page_refs(page),
						__ATOMIC_ACQUIRE));
}

/* ------------------------------------------------------------ page table */

/* The leaf slot for @va, allocating tables when @alloc; NULL if absent. */
static void **pt_slot(struct rmm *mm, u64 va, bool alloc)
{
	void **table;
	int level;

	if (!mm->pgd) {
		if (!alloc)
			return NULL;
		mm->pgd = rmm_alloc_page();
		if (!mm->pgd)
			return NULL;
		mm->nr_tables++;
	}
	table = mm->pgd;
	for (level = PT_LEVELS - 1; level > 0; level--) {
		void **slot = &table[pt_index(va, level)];

		if (!*slot) {
			if (!alloc)
				return NULL;
			*slot = rmm_alloc_page();
			if (!*slot)
				return NULL;
			mm->nr_tables++;
		}
		table = *slot;
	}
	return &table[pt_index(va, 0)];
}

void *rmm_page_lookup(struct rmm *mm, u64 va)
{
	void **slot = pt_slot(mm, va, false);

	return slot ? *slot : NULL;
}

/* The slot of the page at @va, the page allocated zeroed if absent. */
static int pt_get(struct rmm *mm, u64 va, void ***slotp, bool *created)
{
	void **slot;

	*created = false;
	slot = pt_slot(mm, va, false);
	if (slot && *slot) {
		*slotp = slot;
		return 0;
	}
	if (mm->page_limit && mm->nr_pages >= mm->page_limit)
		return -ENOMEM;
	slot = pt_slot(mm, va, true);
	if (!slot)
		return -ENOMEM;
	*slot = rmm_alloc_data_page(__GFP_ZERO);
	if (!*slot)
		return -ENOMEM;
	mm->nr_pages++;
	mm->peak_pages = max(mm->peak_pages, mm->nr_pages);
	*slotp = slot;
	*created = true;
	return 0;
}

/*
 * Give @mm a page of its own in place of the shared one in @slot,
 * holding a copy of its bytes (@copy) or not (the caller overwrites it
 * all).  nr_pages stays: the shared page was counted already.
 */
static int pt_unshare(void **slot, bool copy)
{
	void *priv = rmm_alloc_data_page(0);

	if (!priv)
		return -ENOMEM;
	if (copy)
		memcpy(priv, *slot, PAGE_SIZE);
	rmm_page_release(*slot);
	*slot = priv;
	__atomic_add_fetch(&rmm_cow_copies, 1, __ATOMIC_RELAXED);
	return 0;
}

int rmm_page_install(struct rmm *mm, u64 va, void *page)
{
	void **slot;

	if (mm->page_limit && mm->nr_pages >= mm->page_limit)
		return -ENOMEM;
	slot = pt_slot(mm, va, true);
	if (!slot)
		return -ENOMEM;
	BUG_ON(*slot);
	*slot = page;
	mm->nr_pages++;
	mm->peak_pages = max(mm->peak_pages, mm->nr_pages);
	return 0;
}

int rmm_page_get(struct rmm *mm, u64 va, void **page, bool *created)
{
	void **slot;
	int ret = pt_get(mm, va, &slot, created);

	if (!ret)
		*page = *slot;
	return ret;
}

int rmm_page_get_private(struct rmm *mm, u64 va, void **page, bool *created)
{
	void **slot;
	int ret = pt_get(mm, va, &slot, created);

	if (!ret && rmm_page_shared(*slot))
		ret = pt_unshare(slot, true);
	if (!ret)
		*page = *slot;
	return ret;
}

int rmm_page_write(struct rmm *mm, u64 va, const void *data)
{
	bool created;
	void **slot;
	int ret = pt_get(mm, va, &slot, &created);

	if (!ret && rmm_page_shared(*slot))
		ret = pt_unshare(slot, false);
	if (!ret)
		memcpy(*slot, data, PAGE_SIZE);
	return ret;
}

static bool pt_table_empty(void **table)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		if (table[i])
			return false;
	return true;
}

/*
 * Free the pages of [start, end) under @table (a table at @level whose
 * first entry maps @base).  Returns true if @table is now empty.
 */
static bool pt_zap(struct rmm *mm, void **table, int level, u64 base,
		   u64 start, u64 end)
{
	u64 span = pt_span(level);
	unsigned int i = start > base ? (start - base) / span : 0;

	for (; i < PT_ENTRIES; i++) {
		u64 lo = base + i * span, hi = lo + span;

		if (lo >= end)
			break;
		if (!table[i])
			continue;
		if (level == 0) {
			rmm_page_release(table[i]);
			mm->nr_pages--;
			table[i] = NULL;
		} else if (pt_zap(mm, table[i], level - 1, lo,
				  max(start, lo), min(end, hi))) {
			rmm_free_page(table[i]);
			mm->nr_tables--;
			table[i] = NULL;
		}
	}
	return pt_table_empty(table);
}

void rmm_zap_range(struct rmm *mm, u64 start, u64 end)
{
	if (!mm->pgd || start >= end)
		return;
	if (pt_zap(mm, mm->pgd, PT_LEVELS - 1, 0, start, end)) {
		rmm_free_page(mm->pgd);
		mm->nr_tables--;
		mm->pgd = NULL;
	}
}

/*
 * The leaf slot of @va without allocating, or NULL.  With NULL, *@next is
 * where the next table that could exist begins: the entry the walk
 * stopped at is empty for its whole span (0 when that passes the top).
 */
static void **pt_find(struct rmm *mm, u64 va, u64 *next)
{
	void **table = mm->pgd;
	int level;

	*next = 0;
	if (!table)
		return NULL;
	for (level = PT_LEVELS - 1; level > 0; level--) {
		void **slot = &table[pt_index(va, level)];

		if (!*slot) {
			*next = (va | (pt_span(level) - 1)) + 1;
			return NULL;
		}
		table = *slot;
	}
	return &table[pt_index(va, 0)];
}

/*
 * Move the present pages of [src, src + len) to [dst, dst + len), making
 * destination tables as needed; skips the span of every missing source
 * table, so a mapping of terabytes with a few pages (mremap of a lazy
 * reservation) costs its tables, not its length.  0, or -ENOMEM with
 * *@done the offset where a destination table could not be made.
 */
static int pt_move_pages(struct rmm *mm, u64 src, u64 dst, u64 len,
			 u64 *done)
{
	u64 off, next;

	for (off = 0; off < len; off += PAGE_SIZE) {
		void **from = pt_find(mm, src + off, &next), **to;

		if (!from) {
			if (next <= src + off)
				break;
			off = next - src - PAGE_SIZE;
			continue;
		}
		if (!*from)
			continue;
		to = pt_slot(mm, dst + off, true);
		if (!to) {
			*done = off;
			return -ENOMEM;
		}
		*to = *from;
		*from = NULL;
	}
	return 0;
}

/*
 * Move the pages of [src, src + len) to [dst, dst + len).  All or
 * nothing: on -ENOMEM (a destination table) the moved pages go back
 * (into the source tables, which are all still there).
 */
static int pt_move(struct rmm *mm, u64 src, u64 dst, u64 len)
{
	u64 done, undone;

	if (!pt_move_pages(mm, src, dst, len, &done))
		return 0;
	BUG_ON(pt_move_pages(mm, dst, src, done, &undone));
	return -ENOMEM;
}

int rmm_copy_to(struct rmm *mm, u64 va, const void *src, u64 len)
{
	const u8 *s = src;

	while (len) {
		u64 off = va & ~PAGE_MASK, n = min(len, PAGE_SIZE - off);
		bool created;
		void *page;
		int ret = rmm_page_get_private(mm, va & PAGE_MASK, &page,
					       &created);

		if (ret)
			return ret;
		memcpy((u8 *)page + off, s, n);
		s += n;
		va += n;
		len -= n;
	}
	return 0;
}

void rmm_copy_from(struct rmm *mm, u64 va, void *dst, u64 len)
{
	u8 *d = dst;

	while (len) {
		u64 off = va & ~PAGE_MASK, n = min(len, PAGE_SIZE - off);
		void *page = rmm_page_lookup(mm, va & PAGE_MASK);

		if (page)
			memcpy(d, (u8 *)page + off, n);
		else
			memset(d, 0, n);
		d += n;
		va += n;
		len -= n;
	}
}

/* ------------------------------------------------------------ vma tree */

struct rmm *rmm_create(u16 node, u32 pid, u64 page_limit)
{
	struct rmm *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	mm->node = node;
	mm->pid = pid;
	mm->vmas = RB_ROOT;
	mm->page_limit = page_limit;
	mm->mmap_base = MMAP_BASE;
	return mm;
}

struct vma *rmm_first_vma(struct rmm *mm)
{
	return rb_entry_safe(rb_first(&mm->vmas), struct vma, rb);
}

struct vma *rmm_next_vma(struct vma *v)
{
	return rb_entry_safe(rb_next(&v->rb), struct vma, rb);
}

static struct vma *rmm_prev_vma(struct vma *v)
{
	return rb_entry_safe(rb_prev(&v->rb), struct vma, rb);
}

struct vma *rmm_vma_after(struct rmm *mm, u64 addr)
{
	struct rb_node *n = mm->vmas.rb_node;
	struct vma *best = NULL;

	while (n) {
		struct vma *v = rb_entry(n, struct vma, rb);

		if (v->end > addr) {
			best = v;
			if (v->start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

struct vma *rmm_find_vma(struct rmm *mm, u64 addr)
{
	struct vma *v = rmm_vma_after(mm, addr);

	return v && v->start <= addr ? v : NULL;
}

/* True if some vma overlaps [start, end). */
static bool rmm_range_busy(struct rmm *mm, u64 start, u64 end)
{
	struct vma *v = rmm_vma_after(mm, start);

	return v && v->start < end;
}

static void vma_link(struct rmm *mm, struct vma *new)
{
	struct rb_node **link = &mm->vmas.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (new->start < rb_entry(parent, struct vma, rb)->start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&new->rb, parent, link);
	rb_insert_color(&new->rb, &mm->vmas);
	mm->nr_vmas++;
	/* Every linked file vma holds its file (rmm_set_file_ref()). */
	if ((new->flags & VMA_FILE) && rmm_file_ref)
		rmm_file_ref(&new->file, 1);
}

static void vma_unlink(struct rmm *mm, struct vma *v)
{
	rb_erase(&v->rb, &mm->vmas);
	mm->nr_vmas--;
	if ((v->flags & VMA_FILE) && rmm_file_ref)
		rmm_file_ref(&v->file, -1);
}

static bool vma_mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags)
		return false;
	if (!(a->flags & VMA_FILE))
		return true;
	return a->file.kind == b->file.kind && a->file.node == b->file.node &&
	       a->file.id == b->file.id && a->file_end == b->file_end &&
	       a->file_off + (a->end - a->start) == b->file_off;
}

/* Merge @v with its neighbours where possible; returns the survivor. */
static struct vma *vma_merge_around(struct rmm *mm, struct vma *v)
{
	struct vma *prev = rmm_prev_vma(v), *next = rmm_next_vma(v);

	if (next && vma_mergeable(v, next)) {
		v->end = next->end;
		vma_unlink(mm, next);
		kfree(next);
	}
	if (prev && vma_mergeable(prev, v)) {
		prev->end = v->end;
		vma_unlink(mm, v);
		kfree(v);
		v = prev;
	}
	return v;
}

/* Cut @v at @addr (inside it) using @spare for the upper part. */
static void vma_split(struct rmm *mm, struct vma *v, u64 addr,
		      struct vma *spare)
{
	*spare = *v;
	spare->start = addr;
	if (v->flags & VMA_FILE)
		spare->file_off = v->file_off + (addr - v->start);
	v->end = addr;
	vma_link(mm, spare);
}

/* Does a vma strictly contain @addr (so that a split is needed there)? */
static struct vma *vma_straddling(struct rmm *mm, u64 addr)
{
	struct vma *v = rmm_find_vma(mm, addr);

	return v && v->start < addr ? v : NULL;
}

/*
 * Make vma boundaries fall on @start and @end, so that the range is
 * made of whole vmas.  0 or -ENOMEM (vma count or memory); nothing
 * changes on failure.
 */
static int rmm_isolate(struct rmm *mm, u64 start, u64 end)
{
	struct vma *a = vma_straddling(mm, start), *b = vma_straddling(mm, end);
	struct vma *spare_a = NULL, *spare_b = NULL;
	unsigned int need = !!a + !!b;

	if (!need)
		return 0;
	if (mm->nr_vmas + need > RMM_MAX_VMAS)
		return -ENOMEM;
	if (a)
		spare_a = kmalloc(sizeof(*spare_a), GFP_KERNEL);
	if (b)
		spare_b = kmalloc(sizeof(*spare_b), GFP_KERNEL);
	if ((a && !spare_a) || (b && !spare_b)) {
		kfree(spare_a);
		kfree(spare_b);
		return -ENOMEM;
	}
	if (a)
		vma_split(mm, a, start, spare_a);
	b = vma_straddling(mm, end);
	if (b)
		vma_split(mm, b, end, spare_b);
	else
		kfree(spare_b);
	return 0;
}

/* Remove every vma inside [start, end) (already isolated) and its pages. */
static void rmm_remove_range(struct rmm *mm, u64 start, u64 end)
{
	struct vma *v = rmm_vma_after(mm, start);

	while (v && v->start < end) {
		struct vma *next = rmm_next_vma(v);

		vma_unlink(mm, v);
		kfree(v);
		v = next;
	}
	rmm_zap_range(mm, start, end);
}

static int rmm_unmap_range(struct rmm *mm, u64 start, u64 end)
{
	int ret = rmm_isolate(mm, start, end);

	if (ret)
		return ret;
	rmm_remove_range(mm, start, end);
	return 0;
}

void rmm_destroy(struct rmm *mm)
{
	struct rb_node *n;

	if (!mm)
		return;
	while ((n = rb_first(&mm->vmas))) {
		struct vma *v = rb_entry(n, struct vma, rb);

		vma_unlink(mm, v);
		kfree(v);
	}
	rmm_zap_range(mm, 0, TASK_SIZE);
	kfree(mm);
}

/*
 * Give @child a copy of table @src (at @level) in *@dst: new table pages,
 * the data pages shared (one more reference each).  On -ENOMEM what was
 * copied so far stays linked in @child, consistent, for rmm_destroy().
 */
static int pt_fork(struct rmm *child, void **src, int level, void ***dst)
{
	void **table = rmm_alloc_page();
	int ret;

	if (!table)
		return -ENOMEM;
	child->nr_tables++;
	*dst = table;
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		if (!src[i])
			continue;
		if (level == 0) {
			rmm_page_hold(src[i]);
			table[i] = src[i];
			child->nr_pages++;
			continue;
		}
		ret = pt_fork(child, src[i], level - 1, (void ***)&table[i]);
		if (ret)
			return ret;
	}
	return 0;
}

struct rmm *rmm_fork(struct rmm *parent, u16 node, u32 pid)
{
	struct rmm *mm = rmm_create(node, pid, parent->page_limit);
	struct vma *v, *n;

	if (!mm)
		return NULL;
	for (v = rmm_first_vma(parent); v; v = rmm_next_vma(v)) {
		n = kmalloc(sizeof(*n), GFP_KERNEL);
		if (!n)
			goto fail;
		*n = *v;
		RB_CLEAR_NODE(&n->rb);
		vma_link(mm, n);
	}
	if (parent->pgd &&
	    pt_fork(mm, parent->pgd, PT_LEVELS - 1, (void ***)&mm->pgd))
		goto fail;
	mm->start_brk = parent->start_brk;
	mm->brk = parent->brk;
	mm->mmap_base = parent->mmap_base;
	mm->special_start = parent->special_start;
	mm->special_pages = parent->special_pages;
	mm->peak_pages = mm->nr_pages;
	return mm;
fail:
	rmm_destroy(mm);
	return NULL;
}

struct vma *rmm_first_shared_writable(struct rmm *mm)
{
	struct vma *v;

	for (v = rmm_first_vma(mm); v; v = rmm_next_vma(v))
		if ((v->flags & VMA_SHARED) && (v->prot & PROT_WRITE))
			return v;
	return NULL;
}

static struct vma *vma_new(u64 start, u64 end, u32 prot, u32 flags,
			   const struct mem_file *file, u64 file_off,
			   u64 file_end)
{
	struct vma *v = kzalloc(sizeof(*v), GFP_KERNEL);

	if (!v)
		return NULL;
	RB_CLEAR_NODE(&v->rb);
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	if (flags & VMA_FILE) {
		v->file = *file;
		v->file_off = file_off;
		v->file_end = file_end;
	}
	return v;
}

int rmm_map_fixed(struct rmm *mm, u64 start, u64 end, u32 prot, u32 flags,
		  const struct mem_file *file, u64 file_off, u64 file_end)
{
	struct vma *v;

	if ((start | end) & ~PAGE_MASK || start >= end || end > TASK_SIZE)
		return -EINVAL;
	if (rmm_range_busy(mm, start, end))
		return -EEXIST;
	if (mm->nr_vmas >= RMM_MAX_VMAS)
		return -ENOMEM;
	v = vma_new(start, end, prot, flags, file, file_off, file_end);
	if (!v)
		return -ENOMEM;
	vma_link(mm, v);
	vma_merge_around(mm, v);
	return 0;
}

/*
 * The highest free [a, a + len) inside [lo, hi), or 0.  Linear in the
 * number of vmas above lo.
 */
static u64 rmm_gap_topdown(struct rmm *mm, u64 len, u64 lo, u64 hi)
{
	struct rb_node *n;
	u64 top = hi;

	if (hi < lo || hi - lo < len)
		return 0;
	for (n = rb_last(&mm->vmas); n; n = rb_prev(n)) {
		struct vma *v = rb_entry(n, struct vma, rb);

		if (v->start >= top)
			continue;
		if (v->end <= top && top - max(v->end, lo) >= len &&
		    top - len >= lo)
			return top - len;
		top = v->start;
		if (top < lo || top - lo < len)
			return 0;
	}
	return top - lo >= len ? top - len : 0;
}

u64 rmm_unmapped_area(struct rmm *mm, u64 len)
{
	u64 addr = rmm_gap_topdown(mm, len, MMAP_MIN_ADDR, mm->mmap_base);

	if (!addr)
		addr = rmm_gap_topdown(mm, len, mm->mmap_base, TASK_SIZE);
	return addr;
}

int rmm_map_special(struct rmm *mm, u32 vdso_pages, u64 *vdso)
{
	u64 len = (1 + (u64)vdso_pages) * PAGE_SIZE;
	u64 start = rmm_unmapped_area(mm, len);
	int ret;

	if (!start)
		return -ENOMEM;
	ret = rmm_map_fixed(mm, start, start + PAGE_SIZE, PROT_READ,
			    VMA_SPECIAL, NULL, 0, 0);
	if (!ret)
		ret = rmm_map_fixed(mm, start + PAGE_SIZE, start + len,
				    PROT_READ | PROT_EXEC, VMA_SPECIAL, NULL,
				    0, 0);
	if (ret) {
		rmm_unmap_range(mm, start, start + len);
		return ret;
	}
	mm->special_start = start;
	mm->special_pages = 1 + vdso_pages;
	*vdso = start + PAGE_SIZE;
	return 0;
}

s64 rmm_mmap(struct rmm *mm, u64 addr, u64 len, u32 prot, u32 flags,
	     const struct mem_file *file, u64 off)
{
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	bool anon = flags & MAP_ANONYMOUS;
	u64 file_end = 0, req_len = len;
	u32 vflags = 0;
	struct vma *v;
	int ret;

	if (!len)
		return -EINVAL;
	/* Linux ignores bits it does not know (calc_vm_prot_bits()). */
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	len = ALIGN(len, PAGE_SIZE);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	if (flags & MAP_GROWSDOWN)
		vflags |= VMA_GROWSDOWN;
	if (flags & MAP_NORESERVE)
		vflags |= VMA_NORESERVE;

	if (fixed) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
		if ((flags & MAP_FIXED_NOREPLACE) &&
		    rmm_range_busy(mm, addr, addr + len))
			return -EEXIST;
	} else {
		if (addr && addr < MMAP_MIN_ADDR)
			addr = MMAP_MIN_ADDR;
		addr = ALIGN(addr, PAGE_SIZE);
		if (!addr || addr > TASK_SIZE - len ||
		    rmm_range_busy(mm, addr, addr + len))
			addr = rmm_unmapped_area(mm, len);
		if (!addr)
			return -ENOMEM;
	}
	/* The type and the file after the address, as do_mmap(): an
	 * overlap of MAP_FIXED_NOREPLACE is -EEXIST whatever they are. */
	switch (flags & MAP_TYPE) {
	case MAP_PRIVATE:
		break;
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
		/*
		 * Files are read-only, so a shared file mapping is one
		 * that may never be written (Linux clears VM_MAYWRITE for
		 * a read-only descriptor); shared anonymous memory needs
		 * pages shared between processes, which we do not have.
		 */
		if (anon)
			return -EOPNOTSUPP;
		if (prot & PROT_WRITE)
			return -EACCES;
		vflags |= VMA_SHARED | VMA_NOWRITE;
		break;
	default:
		return -EINVAL;
	}
	if (!anon) {
		if (!file || file->kind == MEM_FILE_NONE)
			return -EBADF;
		ret = mman_check_mmap_file(req_len, off);
		if (ret)
			return ret;
		vflags |= VMA_FILE;
		file_end = file->size > off ? addr + (file->size - off) : addr;
	}

	v = vma_new(addr, addr + len, prot, vflags, file, off, file_end);
	if (!v)
		return -ENOMEM;
	if (fixed) {
		ret = rmm_unmap_range(mm, addr, addr + len);
		if (ret)
			goto free_vma;
	}
	if (mm->nr_vmas >= RMM_MAX_VMAS) {
		ret = -ENOMEM;
		goto free_vma;
	}
	vma_link(mm, v);
	vma_merge_around(mm, v);
	return (s64)addr;
free_vma:
	kfree(v);
	return ret;
}

int rmm_munmap(struct rmm *mm, u64 addr, u64 len)
{
	u64 end;
	int ret = mman_check_munmap(addr, len, &end);

	if (ret)
		return ret;
	return rmm_unmap_range(mm, addr, end);
}

/* True if [start, end) is covered by vmas without a hole. */
static bool rmm_range_mapped(struct rmm *mm, u64 start, u64 end)
{
	struct vma *v = rmm_vma_after(mm, start);
	u64 cur = start;

	while (cur < end) {
		if (!v || v->start > cur)
			return false;
		cur = v->end;
		v = rmm_next_vma(v);
	}
	return true;
}

int rmm_mprotect(struct rmm *mm, u64 addr, u64 len, u32 prot)
{
	u64 end;
	struct vma *v;
	int ret;

	ret = mman_check_mprotect(addr, len, prot, &end);
	if (ret || end == addr)
		return ret;
	/* Our stacks do not grow: the whole vma already has the rights. */
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	if (end > TASK_SIZE || !rmm_range_mapped(mm, addr, end))
		return -ENOMEM;
	for (v = rmm_find_vma(mm, addr); v && v->start < end;
	     v = rmm_next_vma(v))
		if (((v->flags & VMA_NOWRITE) && (prot & PROT_WRITE)) ||
		    (v->flags & VMA_SPECIAL))
			return -EACCES;
	ret = rmm_isolate(mm, addr, end);
	if (ret)
		return ret;
	for (v = rmm_find_vma(mm, addr); v && v->start < end;
	     v = rmm_next_vma(v))
		v->prot = prot;
	/* Merging can only shrink the set; restart from the range start. */
	v = rmm_find_vma(mm, addr);
	while (v && v->start < end) {
		v = vma_merge_around(mm, v);
		v = rmm_next_vma(v);
	}
	v = rmm_vma_after(mm, end);
	if (v)
		vma_merge_around(mm, v);
	return 0;
}

u64 rmm_brk(struct rmm *mm, u64 brk)
{
	u64 old_end = ALIGN(mm->brk, PAGE_SIZE), new_end;

	if (brk < mm->start_brk || brk > TASK_SIZE)
		return mm->brk;
	new_end = ALIGN(brk, PAGE_SIZE);
	if (new_end < old_end) {
		if (rmm_unmap_range(mm, new_end, old_end))
			return mm->brk;
	} else if (new_end > old_end) {
		if (rmm_map_fixed(mm, old_end, new_end, PROT_READ | PROT_WRITE,
				  VMA_HEAP, NULL, 0, 0))
			return mm->brk;
	}
	mm->brk = brk;
	return brk;
}

/* Move the whole vma [src, src + len) to dst (a free range of dst_len). */
static int rmm_move_vma(struct rmm *mm, u64 src, u64 len, u64 dst,
			u64 dst_len)
{
	struct vma *v, *n;
	int ret;

	ret = rmm_isolate(mm, src, src + len);
	if (ret)
		return ret;
	v = rmm_find_vma(mm, src);
	n = kmalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	ret = pt_move(mm, src, dst, len);
	if (ret) {
		kfree(n);
		return ret;
	}
	*n = *v;
	n->start = dst;
	n->end = dst + dst_len;
	if (n->flags & VMA_FILE)
		n->file_end = n->file_end - src + dst;
	/* The new one first: the file never goes unheld in between. */
	vma_link(mm, n);
	vma_unlink(mm, v);
	kfree(v);
	vma_merge_around(mm, n);
	/* Merge what was left around the hole too. */
	v = rmm_vma_after(mm, src);
	if (v && v->start == src + len)
		vma_merge_around(mm, v);
	return 0;
}

s64 rmm_mremap(struct rmm *mm, u64 old_addr, u64 old_len, u64 new_len,
	       u32 flags, u64 new_addr)
{
	struct vma *v;
	u64 dst, old_end;
	int ret;

	ret = mman_check_mremap(old_addr, old_len, new_len, flags, new_addr,
				&old_end);
	if (ret)
		return ret;
	/* Not implemented: the old range would have to stay mapped, empty. */
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL;
	old_len = ALIGN(old_len, PAGE_SIZE);
	new_len = ALIGN(new_len, PAGE_SIZE);
	/* old_len 0 duplicates a shared mapping: there are none here. */
	if (!old_len)
		return -EINVAL;
	if (old_len > TASK_SIZE || old_addr > TASK_SIZE - old_len)
		return -EFAULT;
	/*
	 * Linux's order (6.18): the old address must be mapped; only what
	 * stays must lie in one vma, checked before anything is unmapped;
	 * then a shrink unmaps the tail (so a shrink across vmas, or over
	 * a hole past the new length, works).  Not done: Linux 6.17+ moves
	 * several vmas at once with MREMAP_FIXED and an unchanged length
	 * (-EFAULT here).
	 */
	v = rmm_find_vma(mm, old_addr);
	if (!v)
		return -EFAULT;
	/* The vDSO does not move (Linux lets it: CRIU does). */
	if (v->flags & VMA_SPECIAL)
		return -EINVAL;

	if (flags & MREMAP_FIXED) {
		if (new_addr < MMAP_MIN_ADDR)
			return -EPERM;
		/* Nothing is unmapped for a move that cannot be made. */
		if (old_addr + min(old_len, new_len) > v->end)
			return -EFAULT;
		ret = rmm_unmap_range(mm, new_addr, new_addr + new_len);
		if (ret)
			return ret;
		if (old_len > new_len) {
			ret = rmm_unmap_range(mm, old_addr + new_len,
					      old_addr + old_len);
			if (ret)
				return ret;
			old_len = new_len;
		}
		v = rmm_find_vma(mm, old_addr);
		if (!v || old_addr + old_len > v->end)
			return -EFAULT;
		ret = rmm_move_vma(mm, old_addr, old_len, new_addr, new_len);
		return ret ? ret : (s64)new_addr;
	}

	if (new_len <= old_len) {
		ret = rmm_unmap_range(mm, old_addr + new_len,
				      old_addr + old_len);
		return ret ? ret : (s64)old_addr;
	}
	if (old_addr + old_len > v->end)
		return -EFAULT;
	/* Grow in place when the range ends its vma and room follows. */
	if (old_addr + old_len == v->end && new_len <= TASK_SIZE &&
	    old_addr <= TASK_SIZE - new_len &&
	    !rmm_range_busy(mm, v->end, old_addr + new_len)) {
		v->end = old_addr + new_len;
		vma_merge_around(mm, v);
		return (s64)old_addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	dst = rmm_unmapped_area(mm, new_len);
	if (!dst)
		return -ENOMEM;
	ret = rmm_move_vma(mm, old_addr, old_len, dst, new_len);
	return ret ? ret : (s64)dst;
}

int rmm_madvise(struct rmm *mm, u64 addr, u64 len, int advice)
{
	bool drop = mman_madvise_discards(advice);
	u64 end, cur;
	struct vma *v;
	int ret;

	ret = mman_check_madvise(addr, len, advice, &end);
	if (ret || end == addr)
		return ret;
	if (end > TASK_SIZE)
		return -ENOMEM;
	/*
	 * Applied to the mapped parts; a hole anywhere makes it -ENOMEM.
	 * MADV_FREE is for anonymous memory: at a file mapping it stops
	 * with -EINVAL (what came before is freed), as Linux.
	 */
	cur = addr;
	for (v = rmm_vma_after(mm, addr); v && v->start < end;
	     v = rmm_next_vma(v)) {
		if (v->start > cur)
			ret = -ENOMEM;
		if (advice == MADV_FREE && (v->flags & VMA_FILE))
			return -EINVAL;
		if (drop)
			rmm_zap_range(mm, max(v->start, addr), min(v->end, end));
		cur = v->end;
	}
	if (cur < end)
		ret = -ENOMEM;
	return ret;
}
