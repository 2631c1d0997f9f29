/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pcache as the rest of the processor manager sees it (mm.c,
 * process.c): the processor's DRAM as a set-associative cache of the
 * memory of its processes.  A user page that is mapped is a pcache line;
 * a page fault on an unmapped page is a miss, served from the process's
 * backend (struct pmm_backend_ops).  Documentation/pcache.md.
 *
 * Every function here except pcache_init() and pcache_print_stats() is
 * called with the pmm lock held (pmm_lock()) and sleeps only where the
 * backend's ops do (remote: FIT calls, under the pmm's mutex).
 */
#ifndef _MANAGERS_PROCESSOR_PCACHE_PCACHE_H
#define _MANAGERS_PROCESSOR_PCACHE_PCACHE_H

#include <tessera/types.h>
#include <asm/pgtable.h>

struct pmm;

/*
 * Lay out the cache from pcache= and pcache.ways= and allocate every
 * line, its metadata and the flush buffers (processor role, once, at
 * boot).  pcache=0 or a failed allocation leaves it off: user pages are
 * then the backend's own pages, mapped directly.
 */
void pcache_init(void);
/* True once pcache_init() set up a pool. */
bool pcache_enabled(void);

/* A new address space: pick its set salt. */
void pcache_mm_init(struct pmm *mm);
/*
 * Serve a miss of @mm at page-aligned @va for @access (P2M_ACCESS_*):
 * find a line (evicting if the set is full), fill it from the backend
 * or the victim cache, map it.  0, or the backend's -errno (-EFAULT,
 * -EACCES, -ENOMEM, -EIO, ...).  The pmm lock is dropped across the
 * backend's round trip and held again on return (struct pmm); 0 also
 * when the address space changed meanwhile and nothing was mapped (the
 * access faults again).  -EBUSY: another thread of @mm is filling the
 * page, or no way of its set can be taken now: the caller drops the
 * lock, waits for a fill (mm->fill_wq) and faults again.  n > 0: the
 * page is no line but vDSO page n (pmm_miss_result.special), for the
 * caller to map.  @start: pcache_latency_start() at fault entry; a
 * successful miss adds its time to the histograms.
 */
int pcache_miss(struct pmm *mm, unsigned long va, u32 access, u64 start);
/* A miss found its page (or set) busy with fills and waits (statistics). */
void pcache_count_fill_wait(void);
/*
 * The clock at fault entry (ktime_get() ns) when pcache.latency is on,
 * else 0 (nothing is timed).  Any context.
 */
u64 pcache_latency_start(void);
/*
 * Invalidate the line mapped by *@pte at @va of @mm: clear the entry, and
 * with @writeback flush the data first if dirty (otherwise it is lost).
 * True if an entry was cleared (the caller flushes TLBs for the range).
 */
bool pcache_zap_page(struct pmm *mm, unsigned long va, pte_t *pte,
		     bool writeback);
/*
 * After the pcache_zap_page() calls of [start, end): drop (or with
 * @writeback, write back and drop) the victim-cache entries of the
 * range and wait for evictions of @mm's lines still in flight, so no
 * stale flush reaches the backend after it changes the range.
 */
void pcache_zap_finish(struct pmm *mm, unsigned long start,
		       unsigned long end, bool writeback);
/*
 * mprotect of a line that stays mapped: if *@pte at @va still maps a
 * line of @mm, give it the rights of @prot (not PROT_NONE) in place, the
 * line and its dirty bit kept.  True if the entry changed (the caller
 * flushes TLBs for the range).
 */
bool pcache_protect_page(struct pmm *mm, unsigned long va, pte_t *pte,
			 u32 prot);
/*
 * After the pcache_protect_page() calls of [start, end) and the TLB
 * flush: wait for evictions of @mm's lines in flight, then give the
 * victim-cache entries of the range @prot, so a victim hit maps them
 * with the new rights.
 */
void pcache_protect_finish(struct pmm *mm, unsigned long start,
			   unsigned long end, u32 prot);
/*
 * Before a fork: if *@pte at @va still maps a line of @mm, make the
 * entry read-only and clean.  A line that was dirty leaves its set (no
 * evictor can take it) for @held, still mapped; the caller flushes
 * @mm's TLBs and then calls pcache_wrprotect_finish().
 */
void pcache_wrprotect_page(struct pmm *mm, unsigned long va, pte_t *pte,
			   struct list_head *held);
/*
 * After the pcache_wrprotect_page() calls and the TLB flush (no CPU can
 * change a held line any more): write each held line back and put it in
 * its set again; wait for evictions of @mm's lines in flight; write back
 * and drop @mm's victim-cache entries.  The backend then holds every
 * byte of @mm, and every line still mapped equals it.
 */
void pcache_wrprotect_finish(struct pmm *mm, struct list_head *held);
/* Drop every line of @mm (its threads are gone; before its pgd goes). */
void pcache_mm_release(struct pmm *mm);

/*
 * One "pcache: stats ..." line on the console, and with pcache.latency
 * one "pcache: latency kind=..." line per kind of miss timed since the
 * last program exit (median, p99 and mean, ns).
 */
void pcache_print_stats(void);

/*
 * Allocator hook (pcache.check_alloc): counts and reports an allocation
 * made while this CPU runs the pcache's own miss/evict code.
 */
void pcache_alloc_check(const char *what);

#endif /* _MANAGERS_PROCESSOR_PCACHE_PCACHE_H */
