/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pcache's private contracts: the shapes shared by its files and by
 * the host test (tests/host/test_pcache.c).  The pure-logic files
 * (geometry.c, policy_lru.c, policy_fifo.c, victim.c) see only what is
 * declared here and take no locks of their own: the caller holds the set
 * lock (policies) or the victim-cache lock (victim.c).  The kernel part
 * (pcache.c, victim_flush.c) owns the pool, the locks and the fault path.
 *
 *   geometry.c     size/ways -> sets, and the set of a (process, VA)
 *   policy_lru.c   eviction order: a clock over the PTE accessed bits
 *   policy_fifo.c  eviction order: fill order
 *   victim.c       bookkeeping of the fully associative victim cache
 *   histogram.c    log-linear latency buckets and their percentiles
 *   pcache.c       pool, miss/evict/invalidate, statistics, parameters
 *   victim_flush.c the victim cache's data and its flush thread
 */
#ifndef _MANAGERS_PROCESSOR_PCACHE_INTERNAL_H
#define _MANAGERS_PROCESSOR_PCACHE_INTERNAL_H

#include <tessera/list.h>
#include <tessera/types.h>

#define PCACHE_LINE_SHIFT	12
#define PCACHE_LINE_SIZE	(1UL << PCACHE_LINE_SHIFT)
#define PCACHE_MAX_WAYS		64
#define PCACHE_MIN_SIZE		(64UL << 10)

struct pmm;

/* ------------------------------------------------------------ geometry.c */

struct pcache_geometry {
	u64 size;		/* bytes used: nr_sets * ways * line */
	unsigned int ways;
	unsigned int nr_sets;	/* a power of two */
	unsigned long nr_lines;
};

/*
 * Lay out a cache of at most @size bytes with @ways lines per set: the
 * number of sets is the largest power of two that fits.  0, or -EINVAL
 * (@ways 0 or above PCACHE_MAX_WAYS, @size below PCACHE_MIN_SIZE or
 * below one set).
 */
int pcache_geometry_init(struct pcache_geometry *g, u64 size,
			 unsigned int ways);

/*
 * The set of user address @va in the process salted @salt: the low bits
 * of the virtual page number plus the salt, so consecutive pages of one
 * process fill consecutive sets and two processes start at different
 * sets.  Addresses nr_sets pages apart share a set.
 */
unsigned int pcache_set_index(const struct pcache_geometry *g,
			      unsigned long va, u32 salt);

/* ------------------------------------------------------------ lines */

enum pcache_line_state {
	PCL_FREE,		/* no owner; may be filled */
	PCL_FILLING,		/* owned, being filled; not mapped yet */
	PCL_VALID,		/* mapped by line->pte; on set->lines */
	PCL_EVICTING,		/* unmapped, data on its way out */
};

/*
 * One 4 KiB line.  Every field except @data is protected by the lock of
 * the line's set.  A line is mapped by exactly one PTE (@pte, in the
 * owner's page table: the preallocated rmap entry); mappings shared
 * after a fork would hang extra entries off it.
 */
struct pcache_line {
	struct list_head node;	/* set->lines, in policy order, if VALID */
	u8 state;		/* enum pcache_line_state */
	struct pmm *owner;	/* FILLING, VALID, EVICTING */
	unsigned long va;	/* page-aligned user address */
	u64 *pte;		/* VALID: the owner's leaf entry */
	void *data;		/* the line's page, kernel address */
};

struct pcache_set {
	struct list_head lines;	/* VALID lines, next victim first */
	unsigned int nr_valid;
};

/*
 * Answer whether @line was used since the last question, clearing the
 * mark (the PTE accessed bit in the kernel, a flag in the host test).
 */
typedef bool (*pcache_young_fn)(struct pcache_line *line, void *arg);

/*
 * An eviction policy.  Both hooks run under the set lock and must not
 * allocate or sleep.
 */
struct pcache_policy_ops {
	const char *name;
	/* @line just became VALID in @set. */
	void (*insert)(struct pcache_set *set, struct pcache_line *line);
	/*
	 * Choose the line to evict among set->lines (not removed), or NULL
	 * if the set has none.  *@nr_young counts lines found used.
	 */
	struct pcache_line *(*pick)(struct pcache_set *set,
				    pcache_young_fn young, void *arg,
				    unsigned int *nr_young);
};

extern const struct pcache_policy_ops pcache_policy_lru;
extern const struct pcache_policy_ops pcache_policy_fifo;

/* ------------------------------------------------------------ victim.c */

enum pcache_victim_state {
	PCV_FREE,
	PCV_VALID,		/* holds a line's data; maybe dirty */
	PCV_FLUSHING,		/* being written back; data stable */
	PCV_FILLING,		/* reserved, data being copied in */
};

struct pcache_victim {
	u8 state;		/* enum pcache_victim_state */
	bool dirty;		/* newer than the backend's copy */
	u32 prot;		/* vma protection when evicted */
	struct pmm *owner;
	unsigned long va;
	u64 seq;		/* insertion order: lower is older */
	void *data;		/* its page (kernel part) */
	void *flusher;		/* FLUSHING: the task writing it back */
};

/* A small fully associative cache of evicted lines. */
struct pcache_victim_cache {
	struct pcache_victim *slots;
	unsigned int nr_slots;
	unsigned int nr_dirty;	/* VALID and dirty */
	u64 seq;		/* next insertion number */
};

/* Mark every slot free (slots and nr_slots set by the caller). */
void victim_cache_reset(struct pcache_victim_cache *vc);
/* The slot holding (@owner, @va) in any state but FREE, or -1. */
int victim_find(const struct pcache_victim_cache *vc, const struct pmm *owner,
		unsigned long va);
/*
 * A slot for a new entry, marked FILLING: a free one, else the oldest
 * clean VALID one (dropped: *@dropped true).  -1 when every slot is
 * dirty, flushing or filling: the caller writes one back first.
 */
int victim_reserve(struct pcache_victim_cache *vc, bool *dropped);
/* Complete a reservation: the slot now holds (@owner, @va). */
void victim_commit(struct pcache_victim_cache *vc, int slot,
		   struct pmm *owner, unsigned long va, u32 prot, bool dirty);
/* The oldest dirty VALID slot, marked FLUSHING, or -1. */
int victim_start_flush(struct pcache_victim_cache *vc);
/* A flush of @slot finished: VALID and clean again. */
void victim_end_flush(struct pcache_victim_cache *vc, int slot);
/* Free @slot (taken back by a miss, or invalidated). */
void victim_release(struct pcache_victim_cache *vc, int slot);

/* ------------------------------------------------------------ histogram.c */

#define PCACHE_HIST_SUB_SHIFT	4
#define PCACHE_HIST_SUB		(1U << PCACHE_HIST_SUB_SHIFT)
#define PCACHE_HIST_BUCKETS	640	/* up to ~2^42 ns */

/* What a timed miss had to do (pcache.latency keeps one histogram each). */
enum pcache_miss_kind {
	PCACHE_MISS_FREE,	/* a free way: no eviction */
	PCACHE_MISS_CLEAN,	/* evicted a clean line: dropped */
	PCACHE_MISS_PIGGYBACK,	/* evicted a dirty line: rode on the miss */
	PCACHE_MISS_FLUSH,	/* evicted a dirty line: written back first */
	PCACHE_MISS_VCACHE,	/* evicted into the victim cache */
	PCACHE_MISS_VHIT,	/* filled from the victim cache */
	PCACHE_NR_MISS_KINDS,
};

/* The bucket of a latency of @ns nanoseconds (the last one catches all). */
unsigned int pcache_hist_bucket(u64 ns);
/* The smallest value of bucket @idx, and its middle (what we report). */
u64 pcache_hist_low(unsigned int idx);
u64 pcache_hist_mid(unsigned int idx);
/*
 * The @pct-th percentile (1..100) of @hist (PCACHE_HIST_BUCKETS counts):
 * the middle of the first bucket at which pct% of the samples are
 * reached; 0 for an empty histogram.
 */
u64 pcache_hist_percentile(const u32 *hist, unsigned int pct);

/* ------------------------------------------------- kernel side only */

/*
 * Hidden from the pure-logic host test; tests/host/test_pcache_victim.c
 * builds pcache.c and victim_flush.c themselves and defines
 * PCACHE_HOST_KERNEL to see it.
 */
#if !defined(HOST_TEST) || defined(PCACHE_HOST_KERNEL)
#include <tessera/atomic.h>

struct pcache_stats {
	atomic64_t misses;		/* lines filled */
	atomic64_t hits_sampled;	/* accessed bits found by LRU scans */
	atomic64_t evictions;		/* valid lines taken for a miss */
	atomic64_t clean_drops;		/* evicted clean: no write-back */
	atomic64_t flushes;		/* lines written back */
	atomic64_t flush_errors;	/* write-backs refused by a backend */
	atomic64_t piggybacks;		/* flushes carried by a miss */
	atomic64_t zero_fills;		/* first touches zeroed locally */
	atomic64_t invalidations;	/* lines dropped by munmap & co */
	atomic64_t protects;		/* entries given new rights in place */
	atomic64_t fills_overlapped;	/* began with another of its process's */
	atomic64_t fills_stale;		/* address space changed: thrown away */
	atomic64_t special_fills;	/* round trips for a vDSO page: no line */
	atomic64_t fill_waits;		/* misses that waited for another fill */
	atomic64_t victim_hits;		/* misses served by the victim cache */
	atomic64_t victim_inserts;
	atomic64_t victim_drops;	/* clean victims pushed out */
	atomic64_t victim_sync_flushes;	/* full of dirty: flushed inline */
	atomic64_t victim_stalled_waits; /* waited on a flusher off its CPU */
	atomic64_t contended;		/* set lock found busy */
	atomic64_t alloc_errors;	/* pcache.check_alloc findings */
	atomic64_t around_asked;	/* lines reserved for fault-around */
	atomic64_t around_fills;	/* of which filled and mapped */
	atomic64_t around_zeros;	/* of those, zero pages (anonymous) */
};

extern struct pcache_stats pcache_stats;
#define pcache_count(field)	atomic64_inc(&pcache_stats.field)

/* victim_flush.c, for pcache.c (victim-cache mechanism only). */
int pcache_victim_init(unsigned int nr_slots);
/*
 * Take (@mm, @va) back from the victim cache if it is there and its
 * protection allows @access: data into @dst, protection and dirtiness
 * out.  False if absent (or refused: the backend decides then).
 */
bool pcache_victim_take(struct pmm *mm, unsigned long va, u32 access,
			void *dst, u32 *prot, bool *dirty);
/* Is (@mm, @va) in the victim cache, in any state?  Set lock may be held. */
bool pcache_victim_holds(struct pmm *mm, unsigned long va);
/* Keep an evicted line (its PAGE_SIZE bytes at @data). */
void pcache_victim_put(struct pmm *owner, unsigned long va, u32 prot,
		       bool dirty, const void *data);
/* Drop (or write back, then drop) the entries of @mm in [start, end). */
void pcache_victim_zap(struct pmm *mm, unsigned long start,
		       unsigned long end, bool writeback);
/* mprotect: the entries of @mm in [start, end) now stand for @prot. */
void pcache_victim_protect(struct pmm *mm, unsigned long start,
			   unsigned long end, u32 prot);
/* Entries in use and dirty ones, for the statistics line. */
void pcache_victim_usage(unsigned int *used, unsigned int *dirty);
/* True once pcache_victim_init() succeeded (for the ktest). */
bool pcache_victim_ready(void);
/*
 * pcache.debug_flush_stall_ms: a write-back that can be preempted at the
 * point a timer tick could take its CPU sleeps there this long instead
 * (0: off).  Widens the window of issue 19 for its ktest; a correct
 * kernel never reaches the sleep for a backend whose waiters spin.
 */
extern unsigned int pcache_debug_flush_stall_ms;
/* How many times the stall above was taken (for the ktest). */
extern atomic64_t pcache_debug_flush_stalls;

/* pcache.c, for victim_flush.c: write back through @owner's backend. */
int pcache_backend_flush(struct pmm *owner, unsigned long va,
			 const void *data);
#endif /* !HOST_TEST || PCACHE_HOST_KERNEL */

/*
 * Bracket the pcache's own miss/evict code for pcache.check_alloc; calls
 * into the backend (which may allocate: it is the memory node's job) are
 * made outside the bracket.
 */
void pcache_hot_enter(void);
void pcache_hot_exit(void);

#endif /* _MANAGERS_PROCESSOR_PCACHE_INTERNAL_H */
