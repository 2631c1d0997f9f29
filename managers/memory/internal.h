/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory node's private contracts, shared by the files of managers/memory/ and
 * their tests (host: tests/host/test_{vma,elf,stack}.c; in-kernel: the
 * "memnode" suite).  Everything declared here except service.c's part is
 * pure logic over the buddy and slab allocators: no locks, no sleeping of
 * its own, no FIT, so the host tests link it unchanged.
 *
 *   vm.c      struct rmm (one remote process's address space): the vma
 *             tree and the radix table of the pages this node owns for
 *             it; mmap, munmap, mprotect, brk, mremap, madvise
 *   fault.c   a pcache miss (find or fill the page) and a flush
 *   filecache.c the file page cache (one copy of each storage file page
 *             for every process; its own leaf spinlock)
 *   mapref.c  this node's references on the storage files its vmas map
 *             (counted under its own leaf spinlock, sent by the caller)
 *   loader.c  ELF64 parsing and mapping of executables and their
 *             interpreter (PT_INTERP)
 *   stack.c   the initial user stack (argv, envp, auxv)
 *   maps.c    the text of /proc/<pid>/maps (P2M_MAPS)
 *   service.c the FIT handlers, the process table, the image registry
 *
 * Locking: an rmm has no lock of its own.  service.c serialises every
 * operation on one rmm with the mutex of the process-table entry that
 * owns it (see the lock-order block there).
 */
#ifndef _MANAGERS_MEMORY_INTERNAL_H
#define _MANAGERS_MEMORY_INTERNAL_H

#include <fit/memory.h>
#include <tessera/list.h>
#include <tessera/rbtree.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>
#include <uapi/elf.h>
#include <asm/page.h>

/* User address space layout (Linux x86-64 with 4-level paging). */
#define TASK_SIZE		0x7ffffffff000ULL	/* exclusive top */
#define MMAP_MIN_ADDR		0x10000ULL		/* vm.mmap_min_addr */
#define STACK_TOP		TASK_SIZE
#define STACK_MAX_SIZE		(8ULL << 20)		/* RLIMIT_STACK */
#define MMAP_BASE		(STACK_TOP - (128ULL << 20))
#define RMM_MAX_VMAS		65530			/* vm.max_map_count */
#define ET_DYN_DEFAULT_BASE	0x555555554000ULL	/* ELF_ET_DYN_BASE: PIE */
/* A loader's break (ET_DYN run without interpreter): page-aligned up */
/* ELF_ET_DYN_BASE (2/3 of the address space), as Linux 6.x moves it. */
#define ET_DYN_LOADER_BRK	0x555555555000ULL

/* Where the bytes of a file-backed vma come from. */
enum mem_file_kind {
	MEM_FILE_NONE,
	MEM_FILE_STORAGE,	/* a file of storage node @node, id @id */
	MEM_FILE_IMAGE,		/* an image of this node's registry */
	MEM_FILE_TMPFS,		/* tmpfs object @id of processor @node */
};

struct mem_file {
	u32 kind;		/* enum mem_file_kind */
	u16 node;
	u64 id;
	u64 size;		/* bytes in the file */
	u64 version;		/* STORAGE: its i_version when opened or */
				/* mapped (filecache.c) */
};

/* vma->flags: what the vma is, not the MAP_* bits it was made with. */
#define VMA_FILE	0x01	/* pages start as file bytes */
#define VMA_ZERO_TAIL	0x02	/* ELF segment: bytes from file_end on are 0 */
#define VMA_GROWSDOWN	0x04	/* MAP_GROWSDOWN (recorded, not grown) */
#define VMA_NORESERVE	0x08	/* MAP_NORESERVE */
#define VMA_STACK	0x10	/* the main thread's stack */
#define VMA_HEAP	0x20	/* the brk area */
#define VMA_NOWRITE	0x40	/* MAP_SHARED of a read-only file: never */
				/* PROT_WRITE (mprotect: -EACCES) */
#define VMA_SHARED	0x80	/* MAP_SHARED: not kept coherent across */
				/* fork (the child gets COW pages) */
#define VMA_SPECIAL	0x100	/* [vvar]/[vdso]: the processor's pages, */
				/* none here (rmm_fault() > 0) */

struct vma {
	struct rb_node rb;	/* in rmm->vmas, keyed by start */
	u64 start, end;		/* page aligned, [start, end) */
	u32 prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC */
	u32 flags;		/* VMA_* */
	struct mem_file file;	/* VMA_FILE only */
	u64 file_off;		/* VMA_FILE: file offset of @start */
	u64 file_end;		/* VMA_FILE: user VA where file bytes end */
};

/* One remote process's address space. */
struct rmm {
	u16 node;		/* processor node of the process */
	u32 pid;
	struct rb_root vmas;
	unsigned int nr_vmas;
	void **pgd;		/* radix root, NULL until the first page */
	u64 nr_pages;		/* data pages held, shared ones included */
	u64 peak_pages;		/* the most nr_pages ever was */
	u64 nr_tables;		/* radix table pages owned */
	u64 page_limit;		/* max nr_pages, 0: no limit */
	u64 start_brk, brk;
	u64 mmap_base;		/* top-down search starts below this */
	u64 special_start;	/* [vvar], then [vdso] above it; 0: none */
	u32 special_pages;	/* pages of both */
};

/* ------------------------------------------------------------ vm.c */

/* A new, empty address space, or NULL (out of memory). */
struct rmm *rmm_create(u16 node, u32 pid, u64 page_limit);
/* Free every vma, page and table, then @mm itself. */
void rmm_destroy(struct rmm *mm);

/*
 * Data + table pages owned by every rmm of this node, each physical page
 * once however many rmms share it (leak checks).
 */
u64 rmm_nr_pages_owned(void);
/* Shared pages replaced by a private copy (write miss or flush) so far. */
u64 rmm_nr_cow_copies(void);

/*
 * A copy of @parent's address space for process (@node, @pid): every
 * vma, the break, mmap_base and page_limit; the data pages shared copy
 * on write (one more reference each, counted in the child's nr_pages
 * too), the radix tables copied.  Costs O(vmas + table pages).  NULL on
 * -ENOMEM, with nothing of the child left and @parent unchanged.  The
 * caller holds @parent's lock.
 */
struct rmm *rmm_fork(struct rmm *parent, u16 node, u32 pid);
/* The lowest writable MAP_SHARED vma of @mm, or NULL. */
struct vma *rmm_first_shared_writable(struct rmm *mm);
/*
 * When buddy has no page for an rmm, call @reclaim (NULL: none) to free
 * up to @nr pages elsewhere and try once more; it returns how many it
 * freed, must not sleep and may take only leaf locks.
 */
void rmm_set_reclaim(unsigned long (*reclaim)(unsigned long nr));
/*
 * Call @ref(file, 1) when a file vma enters an rmm (map, split, fork,
 * move) and @ref(file, -1) when one leaves (unmap, merge, destroy), so
 * that a file's owner keeps what any vma maps; @ref may sleep and take
 * only leaf locks.  NULL: nobody counts.
 */
void rmm_set_file_ref(void (*ref)(const struct mem_file *file, int delta));

/* The vma containing @addr, or NULL. */
struct vma *rmm_find_vma(struct rmm *mm, u64 addr);
/* The lowest vma ending above @addr, or NULL. */
struct vma *rmm_vma_after(struct rmm *mm, u64 addr);
struct vma *rmm_first_vma(struct rmm *mm);
struct vma *rmm_next_vma(struct vma *v);

/*
 * The Linux system calls, with Linux's argument checks and errno values
 * (mmap(2), munmap(2), mprotect(2), brk(2), mremap(2), madvise(2)).
 * rmm_mmap() and rmm_mremap() return the address or -errno; @file is
 * only read for a mapping without MAP_ANONYMOUS.  rmm_brk() returns the
 * new break, or the old one when it cannot move.
 */
s64 rmm_mmap(struct rmm *mm, u64 addr, u64 len, u32 prot, u32 flags,
	     const struct mem_file *file, u64 off);
int rmm_munmap(struct rmm *mm, u64 addr, u64 len);
int rmm_mprotect(struct rmm *mm, u64 addr, u64 len, u32 prot);
u64 rmm_brk(struct rmm *mm, u64 brk);
s64 rmm_mremap(struct rmm *mm, u64 old_addr, u64 old_len, u64 new_len,
	       u32 flags, u64 new_addr);
int rmm_madvise(struct rmm *mm, u64 addr, u64 len, int advice);

/*
 * Map [@start, @end) at exactly that place (no replacing: -EEXIST if
 * busy) with the given attributes; the loader's and stack's primitive.
 * 0 or -errno.
 */
int rmm_map_fixed(struct rmm *mm, u64 start, u64 end, u32 prot, u32 flags,
		  const struct mem_file *file, u64 file_off, u64 file_end);

/*
 * Linux's top-down search of a free range for mmap without an address:
 * the highest free [a, a + @len) below mm->mmap_base, else above it;
 * 0 if none.  @len page aligned.
 */
u64 rmm_unmapped_area(struct rmm *mm, u64 len);

/* The page at page-aligned @va if present, else NULL. */
void *rmm_page_lookup(struct rmm *mm, u64 va);
/*
 * The page at page-aligned @va, allocated zeroed if absent (*@created
 * then true), for reading: it may be shared with other rmms (fork) and
 * must not be written.  -ENOMEM past mm->page_limit or when buddy is
 * empty.
 */
int rmm_page_get(struct rmm *mm, u64 va, void **page, bool *created);
/*
 * The same, for writing: a shared page is first replaced by a private
 * copy (copy on write).  -ENOMEM also when there is no page for the copy.
 */
int rmm_page_get_private(struct rmm *mm, u64 va, void **page,
			 bool *created);
/*
 * Store PAGE_SIZE bytes of @data as the page at page-aligned @va: into
 * the page if it is @mm's alone, else into a new private page that
 * replaces the shared one (nothing copied); allocated if absent.  0 or
 * -ENOMEM (nothing changed).
 */
int rmm_page_write(struct rmm *mm, u64 va, const void *data);
/*
 * Is @page (from the calls above) held by more than one holder: rmms,
 * or an rmm and the file page cache?  Such a page is never written.
 */
bool rmm_page_shared(const void *page);
/* How many hold @page, the file page cache as one (tests). */
unsigned int rmm_page_nr_refs(const void *page);
/* Does any rmm hold @page (a cache page mapped by a process)? */
bool rmm_page_mapped(const void *page);
/*
 * Put @page, with one reference the caller took for @mm
 * (rmm_page_hold()), at page-aligned @va, where no page is.  0, or
 * -ENOMEM past mm->page_limit or without a table page (the caller still
 * owns its reference).
 */
int rmm_page_install(struct rmm *mm, u64 va, void *page);
/*
 * References of the data pages.  rmm_page_hold(): one more rmm holds
 * @page (the caller keeps it alive meanwhile); a page nobody holds yet
 * (fresh from buddy, rmm_refs 0) becomes an rmm data page.
 * rmm_page_release(): one less; the last holder frees it.
 * rmm_page_cache_take(): the file page cache holds @page, which nobody
 * else does yet (an insert); rmm_page_cache_drop(): it no longer does;
 * true if that freed the page (no rmm maps it).
 */
void rmm_page_hold(void *page);
void rmm_page_release(void *page);
void rmm_page_cache_take(void *page);
bool rmm_page_cache_drop(void *page);
/* Drop @mm's pages in [start, end) (page aligned); the last holder frees. */
void rmm_zap_range(struct rmm *mm, u64 start, u64 end);

/* Copy into/out of the process's pages, ignoring vmas (absent reads 0). */
int rmm_copy_to(struct rmm *mm, u64 va, const void *src, u64 len);
void rmm_copy_from(struct rmm *mm, u64 va, void *dst, u64 len);

/* ------------------------------------------------------------ fault.c */

/* Access types of a miss: the wire's (p2m_access_allowed() decides). */
#define RMM_ACCESS_READ		P2M_ACCESS_READ
#define RMM_ACCESS_WRITE	P2M_ACCESS_WRITE
#define RMM_ACCESS_EXEC		P2M_ACCESS_EXEC

/*
 * Read @len bytes at @off of @file into @buf; the caller zero-fills what
 * lies past the end of the file.  0 or -errno.
 */
typedef int (*rmm_read_fn)(void *ctx, const struct mem_file *file, u64 off,
			   void *buf, u32 len);

/*
 * The page of @file at page-aligned @off shared from the file page
 * cache, with one reference taken for the caller, in *@page (or a
 * page of the bytes for the caller alone, when it cannot be cached);
 * *@page NULL if the file has no cache (another kind, no cache): the
 * caller reads the bytes itself.  With @cached_only, only a page the
 * cache holds, else *@page NULL (no storage read, no sleep).  0 or
 * -errno (the storage read's).  May sleep.
 */
typedef int (*rmm_file_page_fn)(const struct mem_file *file, u64 off,
				bool cached_only, void **page);
/* rmm_fault()'s source of shared file pages; NULL: none (copies only). */
void rmm_set_file_page(rmm_file_page_fn get);

/*
 * Resolve a miss on @va (any address in the page) for @access: the page
 * (created and filled on first touch; for a write, made private first if
 * fork shared it) in *@page and the vma's protection in *@prot, without
 * PROT_WRITE when a read or fetch finds the page shared.  -EFAULT: no
 * vma (SEGV_MAPERR); -EACCES: the vma forbids @access (SEGV_ACCERR);
 * -ENXIO: a file mapping's page past the end of the file (SIGBUS);
 * -ENOMEM: over the limit or out of pages; -EIO and friends from @read.
 * n > 0: the page is the processor's special page n - 1 ([vvar] 0, then
 * [vdso]: rmm_map_special()), *@page NULL, *@prot the vma's.
 */
int rmm_fault(struct rmm *mm, u64 va, u32 access, rmm_read_fn read,
	      void *ctx, void **page, u32 *prot);

/*
 * rmm_fault(), also saying in *@zero whether the page has just been
 * created all zeroes (a first touch outside any file mapping), so its
 * bytes need not be sent.
 */
int rmm_fault_zero(struct rmm *mm, u64 va, u32 access, rmm_read_fn read,
		   void *ctx, void **page, u32 *prot, bool *zero);

/*
 * Fault-around after a read or fetch miss at @va: map the pages of the
 * aligned window of P2M_AROUND_PAGES pages around @va whose bits are
 * set in @want, if @va's vma is a file vma without PROT_WRITE, each page
 * in that vma, absent from @mm and held by the file page cache (no
 * storage read): as shared file pages, in @pages[bit].  Returns the
 * mask of the pages mapped.
 */
u32 rmm_fault_around(struct rmm *mm, u64 va, u32 want, void **pages);

/*
 * Fault-around after a first touch at @va that rmm_fault_zero() answered
 * "zero": create, all zeroes, the pages of the window whose bits are set
 * in @want that lie in @va's vma, a private anonymous one, and that @mm
 * does not have.  Nothing with a page limit (pages are then made only
 * when touched).  Returns the mask of the pages created.
 */
u32 rmm_fault_around_zero(struct rmm *mm, u64 va, u32 want);

/*
 * Reserve [vvar] (one page, PROT_READ) and [vdso] (@vdso_pages pages,
 * PROT_READ | PROT_EXEC) right above it at a free place; *@vdso is the
 * [vdso] start.  0, -ENOMEM.
 */
int rmm_map_special(struct rmm *mm, u32 vdso_pages, u64 *vdso);

/*
 * Store a dirty line: PAGE_SIZE bytes of @data at page-aligned @va.
 * The vma's protection is not checked (the line was dirtied while the
 * vma allowed it).  A page shared by fork is replaced, not written
 * (rmm_page_write()).  0, -EFAULT (no vma: stale flush after munmap),
 * -EINVAL (unaligned), -ENOMEM.
 */
int rmm_flush(struct rmm *mm, u64 va, const void *data);

/* ------------------------------------------------------------ filecache.c */

#define FCACHE_RA_MAX		32	/* pages per storage read, at most */
#define FCACHE_RA_AROUND	4	/* default read-around window, pages */
#define FCACHE_STREAMS		8	/* files whose next miss is tracked */
#define FCACHE_MAX_BUCKETS	(1u << 16)

/* A page of a storage file, as it is at one version of the file. */
struct fcache_key {
	u16 node;		/* storage node */
	u64 file_id;		/* inode | generation << 32 */
	u64 index;		/* page index in the file */
	u64 version;		/* the file's i_version (p2s_stat.version) */
};

/* Counters, since the node started (pages: cached now). */
struct fcache_stats {
	u64 hits, misses;	/* page lookups of fcache_read() */
	u64 storage_reads;	/* reads sent to a storage node */
	u64 storage_pages;	/* pages they brought */
	u64 readahead_pages;	/* of which beyond the missing page */
	u64 evictions;
	u64 invalidations;	/* a newer version of a file was seen */
	u64 invalidated_pages;	/* older pages those dropped */
	u64 stale_reads;	/* reads for an older version: not cached */
	u64 mapped;		/* cached pages given to a process's vma */
	u64 around;		/* of which by fault-around */
	u64 pages;
};

/* Where the next miss of a sequential reader of a file falls. */
struct fcache_stream {
	bool valid;
	u16 node;
	u64 file_id;
	u64 next_index;
};

struct fcache_entry;

struct fcache {
	spinlock_t lock;	/* everything below, and the entries */
	struct list_head *buckets;	/* of fcache_entry.hash */
	u32 nr_buckets;		/* power of two */
	struct list_head *files;	/* of fcache_file.hash */
	u32 nr_file_buckets;	/* power of two */
	struct list_head lru;	/* every entry, least recently used first */
	u64 nr_pages, max_pages;
	u32 ra_max;		/* readahead window, pages */
	u32 ra_around;		/* read-around window (a power of two) */
	unsigned int next_stream;
	struct fcache_stream streams[FCACHE_STREAMS];
	struct fcache_stats stats;
};

/* An empty cache of at most @max_pages pages (0: caches nothing). */
int fcache_init(struct fcache *c, u64 max_pages, u32 ra_max);

/*
 * The read-around window of a non-sequential miss: @pages (rounded down
 * to a power of two, 1..FCACHE_RA_MAX; FCACHE_RA_AROUND at init).
 */
void fcache_set_read_around(struct fcache *c, u32 pages);
/* Free every page (none may be pinned) and the table. */
void fcache_destroy(struct fcache *c);

/*
 * The pure part, c->lock held by the caller.  fcache_lookup(): the
 * entry of @key pinned and made most recent, or NULL.  fcache_insert():
 * the entry of @key pinned: an existing one (*@page untouched, the
 * caller frees it) or a new one owning *@page (*@page set to NULL),
 * after evicting the least recently used unpinned page if full; NULL if
 * it cannot be cached (full of pinned pages, max_pages 0, no memory, or
 * a newer version of the file is cached).  Both drop every page of an
 * older version of @key's file first (fcache_invalidate()).
 * fcache_stale(): a newer version of @key's file than @key's is known.
 * fcache_evict(): free up to @nr unpinned pages, the oldest first of
 * those no process maps, then of the others; how many went.
 */
struct fcache_entry *fcache_lookup(struct fcache *c,
				   const struct fcache_key *key);
bool fcache_contains(struct fcache *c, const struct fcache_key *key);
bool fcache_stale(struct fcache *c, const struct fcache_key *key);
struct fcache_entry *fcache_insert(struct fcache *c,
				   const struct fcache_key *key, void **page);
void fcache_unpin(struct fcache *c, struct fcache_entry *e);
unsigned long fcache_evict(struct fcache *c, unsigned long nr);
const void *fcache_entry_page(const struct fcache_entry *e);

/* Where the bytes of a missing page come from (the storage node). */
struct fcache_source {
	rmm_read_fn read;
	void *ctx;
};

/*
 * Read @len bytes at @off of the storage file @file through cache @c
 * (takes c->lock; may sleep in @src's read, without it).  0, -EIO past
 * the end of the file, -ENOMEM, or the read's error.
 */
int fcache_read(struct fcache *c, const struct fcache_source *src,
		const struct mem_file *file, u64 off, void *buf, u32 len);
/*
 * The page at page-aligned @off of @file for a process to map
 * (rmm_file_page_fn): the cached page with one more rmm reference, or
 * when it cannot be cached (no room, or the file is cached at a newer
 * version: today's bytes, uncached), a page of the bytes with the only
 * one.  0, -EIO past the end of the file, -ENOMEM, or the read's error.
 */
int fcache_map_page(struct fcache *c, const struct fcache_source *src,
		    const struct mem_file *file, u64 off, void **page);
/*
 * The same for a page the cache holds now (fault-around): the page
 * with one more rmm reference, or NULL.  Never reads, never sleeps.
 */
void *fcache_map_cached(struct fcache *c, const struct mem_file *file,
			u64 off);
void fcache_get_stats(struct fcache *c, struct fcache_stats *st);
/* fcache_evict() under c->lock: the reclaim hook of the node's rmms. */
unsigned long fcache_shrink(struct fcache *c, unsigned long nr);

/* ------------------------------------------------------------ mapref.c */

#define MAPREF_HASH_BITS	7
#define MAPREF_BUCKETS		(1u << MAPREF_HASH_BITS)

/* Counters: since the table was made, and (files, held) now. */
struct mapref_stats {
	u64 takes;		/* references taken */
	u64 drops;		/* references dropped */
	u64 take_errors;	/* takes the storage node refused or lost */
	u64 drop_errors;	/* drops that failed (the reference is lost) */
	u64 untracked;		/* vmas not counted: no memory for a record */
	u64 unmatched;		/* unlinks of a vma that was not counted */
	u64 files;		/* records: files mapped or referenced */
	u64 held;		/* references held */
};

struct mapref_file;

struct mapref_table {
	spinlock_t lock;	/* everything below and the records */
	struct list_head buckets[MAPREF_BUCKETS];	/* of records */
	struct list_head queue;	/* records whose reference must change */
	unsigned int nr_pending;	/* queued, or in a call of mapref_run() */
	struct mapref_stats stats;
};

/*
 * The storage calls of mapref_run(): take or drop this node's reference
 * on file @file_id of storage node @node.  0 or -errno.  They may sleep.
 */
struct mapref_ops {
	int (*take)(void *ctx, u16 node, u64 file_id);
	int (*drop)(void *ctx, u16 node, u64 file_id);
	void *ctx;
};

void mapref_init(struct mapref_table *t);
/* Free every record, whatever it holds (host tests). */
void mapref_destroy(struct mapref_table *t);
/*
 * One more (@delta 1) or one less (-1) vma maps @file; other kinds than
 * MEM_FILE_STORAGE are ignored.  Counts and queues under t->lock (a
 * leaf) and never sleeps: the rmm_set_file_ref() hook.
 */
void mapref_note(struct mapref_table *t, const struct mem_file *file,
		 int delta);
/*
 * Is a take or drop queued or being sent?  Lockless: a caller sees what
 * its own mapref_note() calls queued, and what others queued under
 * t->lock before its last hold of it.
 */
bool mapref_pending(struct mapref_table *t);
/*
 * Send every queued take and drop through @ops, t->lock dropped across
 * each call, until the queue is empty.  May sleep; the caller holds no
 * process lock, and no two runs on @t overlap (the caller serialises).
 */
void mapref_run(struct mapref_table *t, const struct mapref_ops *ops);
/* Does this node hold its reference on (@node, @file_id)? */
bool mapref_holds(struct mapref_table *t, u16 node, u64 file_id);
void mapref_get_stats(struct mapref_table *t, struct mapref_stats *st);

/* ------------------------------------------------------------ loader.c */

#define ELF_MAX_PHNUM		128	/* program headers we accept */
#define ELF_MAX_LOADS		16	/* PT_LOAD segments we accept */
#define ELF_WHY_LEN		128
#define ELF_INTERP_MAX		4096	/* PT_INTERP bytes, NUL included */

struct elf_segment {
	u64 vaddr;		/* with the load bias */
	u64 offset;
	u64 filesz, memsz;
	u32 prot;		/* PROT_* from p_flags */
};

struct elf_info {
	u16 type;		/* ET_EXEC or ET_DYN */
	u64 bias;		/* added to every p_vaddr (0 for ET_EXEC) */
	u64 entry;		/* with the bias */
	u64 phdr;		/* user VA of the program headers */
	u16 phnum, phentsize;
	u64 lo, hi;		/* page-aligned extent of the PT_LOADs */
	u64 brk;		/* first byte after the highest segment */
	bool exec_stack;	/* PT_GNU_STACK with PF_X */
	bool has_tls;
	u64 tls_vaddr, tls_filesz, tls_memsz, tls_align;
	u64 max_align;		/* largest p_align of the PT_LOADs */
	unsigned int nr_loads;
	struct elf_segment loads[ELF_MAX_LOADS];
	u32 interp_len;		/* PT_INTERP: strlen(interp), 0: none */
	char interp[ELF_INTERP_MAX];	/* its absolute path */
	char why[ELF_WHY_LEN];	/* the reason for -ENOEXEC */
};

/* Read exactly @len bytes at @off; 0 or -errno (-EIO for a short read). */
typedef int (*elf_read_fn)(void *ctx, u64 off, void *buf, u32 len);

/*
 * Parse and check an ELF64 x86-64 executable of @size bytes.  An ET_DYN
 * file is placed at @dyn_base (page aligned; elf_rebase() moves it).  A
 * PT_INTERP is checked (one, inside the file, 2..ELF_INTERP_MAX bytes
 * ending in its NUL, an absolute path) and copied to info->interp.  0,
 * or -ENOEXEC with a one-line reason in info->why, or the read error.
 */
int elf_check(elf_read_fn read, void *ctx, u64 size, u64 dyn_base,
	      struct elf_info *info);
/*
 * Is the parsed @info fit to be an interpreter: ET_DYN without a
 * PT_INTERP of its own?  0 or -ENOEXEC with the reason.
 */
int elf_check_interpreter(struct elf_info *info);
/*
 * Move a parsed ET_DYN image so that its lowest page is at @base (every
 * address in @info follows).  0, or -ENOEXEC (ET_EXEC, or @base leaves
 * the image outside the user address space).
 */
int elf_rebase(struct elf_info *info, u64 base);

/*
 * Create the vmas of @info's segments in @mm (where they do not overlap
 * another image), backed by @file.  elf_map() also sets mm's break
 * after the highest segment: the program's; elf_map_segments() does not
 * (the interpreter's).  0 or -errno.
 */
int elf_map_segments(struct rmm *mm, const struct elf_info *info,
		     const struct mem_file *file);
int elf_map(struct rmm *mm, const struct elf_info *info,
	    const struct mem_file *file);

/* ------------------------------------------------------------ stack.c */

#define STACK_MAX_ARG_STRLEN	(32 * 4096)	/* one string, with its NUL */
#define STACK_MAX_ARGS_BYTES	(STACK_MAX_SIZE / 4)	/* all of them */

struct stack_args {
	const char *strings;	/* argc then envc NUL-terminated strings */
	u32 strings_len;
	u32 argc, envc;
	const char *execfn;	/* NUL-terminated */
	const struct elf_info *elf;	/* the program */
	u64 interp_base;	/* AT_BASE: the interpreter's load address, or 0 */
	u8 random[16];		/* AT_RANDOM bytes */
	u64 hwcap, hwcap2;
	u32 uid, euid, gid, egid;
	u32 minsigstksz;	/* AT_MINSIGSTKSZ, 0: omitted */
	u64 sysinfo_ehdr;	/* AT_SYSINFO_EHDR: the vDSO, 0: omitted */
};

/*
 * Map the stack vma of @mm ([STACK_TOP - STACK_MAX_SIZE, STACK_TOP),
 * read-write, executable if the ELF asks) and write the initial stack:
 * strings at the top, then AT_PLATFORM and AT_RANDOM bytes, then argc,
 * argv[], NULL, envp[], NULL and the auxv, with *@sp 16-byte aligned at
 * argc.  0, -E2BIG (strings too long), -EINVAL (strings malformed),
 * -ENOMEM.
 */
int stack_setup(struct rmm *mm, const struct stack_args *args, u64 *sp);

/* ------------------------------------------------------------ maps.c */

#define VMA_MAPS_NAME_COL	73	/* where a maps line's name starts */

/* What a maps line shows of a vma's file: device, inode, name or NULL. */
struct vma_maps_id {
	u32 dev;		/* major << 8 | minor */
	u64 ino;
	const char *name;
};

/* Fill *@id for @v of @mm (zeroed before the call: anonymous, unnamed). */
typedef void (*vma_maps_name_fn)(void *ctx, struct rmm *mm,
				 const struct vma *v, struct vma_maps_id *id);

/*
 * The /proc/<pid>/maps line of @v into @buf (@size bytes, NUL added):
 * its length, or -ENOSPC if it does not fit.
 */
int vma_format_maps(const struct vma *v, u32 dev, u64 ino, const char *name,
		    char *buf, size_t size);
/*
 * The lines of the vmas of @mm that end above @start, in order, as many
 * whole lines as fit @size bytes (NUL included).  *@next: where the next
 * call starts; *@eof: no vma is left.  Bytes written, or -ENOSPC when
 * not even one line fits.
 */
long rmm_format_maps(struct rmm *mm, u64 start, vma_maps_name_fn name,
		     void *ctx, char *buf, size_t size, u64 *next, bool *eof);

/* ------------------------------------------------------------ service.c */

/*
 * The image registry: @path names @size bytes at @data (which must stay
 * valid until unregistered) for EXECVE and MMAP with P2M_NO_STORAGE.
 * 0, -EINVAL, -EEXIST, -ENOMEM; unregister: 0 or -ENOENT.
 */
int memnode_image_register(const char *path, const void *data, u64 size);
int memnode_image_unregister(const char *path);
/* Processes with an address space here. */
unsigned int memnode_nr_procs(void);
/* Requests refused with -EPROTO so far. */
u64 memnode_nr_malformed(void);
/* pr_info() the request counters. */
void memnode_dump_stats(void);
/* Register the P2M_TMPFS_* handlers (tmpfs.c).  0 or -errno. */
int memnode_tmpfs_start(void);
/* Print the P2M_TMPFS_* counters (memnode_dump_stats()). */
void memnode_tmpfs_dump_stats(void);
/*
 * @len bytes at @off of tmpfs object (@node, @id) into @buf (zeros for
 * holes): the page source of a MAP_PRIVATE tmpfs mapping.  0.  Takes
 * tmpfs.c's lock (a leaf: callers may hold a process lock).
 */
int memnode_tmpfs_read(u16 node, u64 id, u64 off, void *buf, u32 len);
/*
 * One more (@delta 1) or one less (-1) vma maps tmpfs @file: a mapped
 * object outlives its P2M_TMPFS_FREE.  Takes tmpfs.c's lock (a leaf):
 * service.c's rmm_set_file_ref() hook for MEM_FILE_TMPFS.
 */
void memnode_tmpfs_map_ref(const struct mem_file *file, int delta);
/*
 * Free every tmpfs object of processor @node (its previous boot's, see
 * memnode_boot_ok()); returns the pages they held.  Takes tmpfs.c's lock.
 */
u64 memnode_tmpfs_free_node(u16 node);
/*
 * The boot check of every P2M request (service.c): false after replying
 * -ESTALE to a request of @rq's sender's previous boot; the first request
 * of a new boot first frees what the previous one left here.
 */
struct fit_request;
bool memnode_boot_ok(struct fit_request *rq);

#endif /* _MANAGERS_MEMORY_INTERNAL_H */
