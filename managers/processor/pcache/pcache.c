/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pcache: the processor node's DRAM as a set-associative cache of
 * its processes' memory, between the user page tables and the backend
 * that owns the pages (a memory service over P2M: a memory node's, or
 * in local mode this node's own, called in-process).
 *
 * A mapped user page is always a line of the pool; a hit is a plain
 * load.  A page fault on an unmapped page is a miss (pcache_miss()): the
 * faulting thread takes a free way of the page's set or evicts one in
 * its own context (the policy of policy_lru.c or policy_fifo.c picks
 * it), unmaps the victim from its owner's page table, shoots down its
 * TLB entries, and then drops it (clean), writes it back (dirty; or
 * hands it to the victim cache, victim_flush.c), fills the line from the
 * backend and maps it.  A dirty victim of the faulting process itself
 * rides on the miss (miss_with_flush: one round trip to a memory node;
 * pcache.piggyback=0 writes it back first instead, for measurements).
 * With pcache.latency, each miss's time from fault entry to the mapped
 * line goes into a histogram per kind of miss (enum pcache_miss_kind).
 *
 * Fault-around (pcache.fault_around = N pages, a power of two up to 16):
 * a miss also asks for the other pages of the aligned window of N pages
 * holding it that this process does not map, one FREE way of each
 * page's set reserved for it (FILLING, so that another thread's miss on
 * that page waits for this one; never an eviction).  The memory node
 * answers with those of them that are read-only pages of the same file
 * mapping it already has in its file cache (a read or fetch miss), or,
 * after a first touch of private anonymous memory, the ones it has just
 * created zero (<fit/memory.h>, P2M_AROUND_PAGES); they are mapped (zero
 * ones zero-filled here, with the vma's protection), the other reserved
 * lines freed.  A page around is never one
 * with data of this process elsewhere: the memory node sends only
 * pages the process never had, and a line of the page in any state, a
 * victim-cache entry or a piggybacked write-back of it are skipped here
 * too.
 *
 * Everything is allocated at boot (pcache_init()): the line pages, the
 * line array (state, owner, VA and the rmap entry: the one PTE that maps
 * the line), the per-set locks and lists, one flush buffer per CPU.  The
 * miss and evict paths never allocate; pcache.check_alloc counts it if
 * they do (pcache_alloc_check(), installed as the allocators'
 * alloc_check_hook).
 *
 * Lock order (outermost first):
 *   pmm->mutex (the faulting or zapping address space)
 *     -> pcache_kset.lock (one set)
 *       -> victim-cache lock (victim_flush.c)
 *   backend locks are leaves, taken with no set or victim lock held.
 * Only the faulting address space's lock is held: another process's
 * line is unmapped under its set lock alone.  That is safe because
 *   - a PTE that maps a line is cleared only under the line's set lock,
 *     by an xchg, so its final dirty bit is seen exactly once;
 *   - page-table pages of a process live until its pgd is freed, after
 *     pcache_mm_release(), so line->pte stays valid while the line is;
 *   - a line being evicted (PCL_EVICTING) keeps its owner and VA until
 *     its data is safe (written back or in the victim cache): the
 *     owner's own miss on that page finds it in the set and waits, and
 *     zap/release wait for pmm->pcache_evicting to drain before the
 *     backend may change the range.
 * TLB: a victim's page is invalidated on this CPU and on the CPUs that
 * have its owner's page table loaded (user_flush_tlb_mm_range(), after
 * the entry is cleared).  Without PCID a CPU that switched to another
 * page table holds none of the owner's entries; arch/x86/mm/user.c
 * gives the full argument.  The shootdown uses a static request, so it
 * neither allocates nor needs interrupts on.
 */
#define pr_fmt(fmt) "pcache: " fmt

#include <fit/memory.h>
#include <tessera/debug_keys.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/mman.h>
#include <tessera/node.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/mman.h>
#include <asm/irqflags.h>
#include <asm/user_pgtable.h>

#include "../internal.h"
#include "internal.h"
#include "pcache.h"

/* ------------------------------------------------------------ parameters */

enum { POLICY_LRU, POLICY_FIFO };
enum { MECH_PERSET, MECH_VICTIM };

static const char *const policy_names[] = { "lru", "fifo", NULL };
static const char *const mech_names[] = { "perset", "victim", NULL };

static unsigned long long pcache_size = (u64)CONFIG_PCACHE_SIZE_MB << 20;
static unsigned int pcache_ways = CONFIG_PCACHE_WAYS;
static int pcache_policy = IS_ENABLED(CONFIG_PCACHE_POLICY_FIFO) ?
			   POLICY_FIFO : POLICY_LRU;
static int pcache_mech = IS_ENABLED(CONFIG_PCACHE_VICTIM_CACHE) ?
			 MECH_VICTIM : MECH_PERSET;
static unsigned int pcache_victims = CONFIG_PCACHE_VICTIM_ENTRIES;
static bool pcache_stats_at_exit;
static bool pcache_check_alloc = IS_ENABLED(CONFIG_PCACHE_ALLOC_CHECK);
static bool pcache_piggyback = IS_ENABLED(CONFIG_PCACHE_PIGGYBACK);
static bool pcache_latency;
static unsigned int pcache_around = 8;

PARAM_SIZE("pcache", pcache_size, 0, 0,
	   "pcache size (0: off, each user page a private copy filled from the backend)");
PARAM_UINT("pcache.ways", pcache_ways, 1, PCACHE_MAX_WAYS,
	   "pcache associativity");
PARAM_ENUM("pcache.policy", pcache_policy, policy_names,
	   "pcache eviction policy");
PARAM_ENUM("pcache.mechanism", pcache_mech, mech_names,
	   "pcache eviction mechanism: per-set list or victim cache");
PARAM_UINT("pcache.victims", pcache_victims, 1, 256,
	   "victim cache entries");
PARAM_BOOL("pcache.stats", pcache_stats_at_exit,
	   "print pcache statistics when a program exits");
PARAM_BOOL("pcache.check_alloc", pcache_check_alloc,
	   "count allocations on the pcache miss/evict path as errors");
PARAM_BOOL("pcache.piggyback", pcache_piggyback,
	   "carry a dirty victim of the faulting process on its miss (0: write it back first)");
PARAM_BOOL("pcache.latency", pcache_latency,
	   "time every miss from fault entry to return; histograms with the statistics");
PARAM_UINT("pcache.fault_around", pcache_around, 0, PMM_AROUND_PAGES,
	   "pages of the aligned window a miss also fills: file pages the memory node has cached, zero pages of anonymous memory it creates (rounded down to a power of two; 0 or 1: off)");

/* ------------------------------------------------------------ state */

struct pcache_kset {
	spinlock_t lock;
	struct pcache_set set;		/* under lock */
	u64 nr_contended;		/* under lock */
} __aligned(64);

static struct pcache_geometry geo;
static struct pcache_line *lines;	/* nr_sets x ways, set by set */
static struct pcache_kset *ksets;
static const struct pcache_policy_ops *policy;
static void *flush_bufs[NR_CPUS];
static bool pcache_on;
static atomic_t salt_seq;

struct pcache_stats pcache_stats;

/* pcache.latency: miss times per kind, ns; updated with atomic adds. */
static u32 miss_hist[PCACHE_NR_MISS_KINDS][PCACHE_HIST_BUCKETS];
static u64 miss_hist_sum[PCACHE_NR_MISS_KINDS];
static const char *const miss_kind_names[PCACHE_NR_MISS_KINDS] = {
	[PCACHE_MISS_FREE] = "free",
	[PCACHE_MISS_CLEAN] = "clean",
	[PCACHE_MISS_PIGGYBACK] = "piggyback",
	[PCACHE_MISS_FLUSH] = "flush",
	[PCACHE_MISS_VCACHE] = "vcache",
	[PCACHE_MISS_VHIT] = "vhit",
};

bool pcache_enabled(void)
{
	return pcache_on;
}

/* ------------------------------------------------------------ helpers */

/*
 * Mark the pcache's own code (not the backend's) for check_alloc.  The
 * mark is the task's: a remote backend sleeps in FIT calls between the
 * pcache's sections, and the task may come back on another CPU.
 */
void pcache_hot_enter(void)
{
	if (pcache_check_alloc)
		current->no_alloc_depth++;
}

void pcache_hot_exit(void)
{
	if (pcache_check_alloc)
		current->no_alloc_depth--;
}

void pcache_alloc_check(const char *what)
{
	if (!pcache_check_alloc || !pcache_on ||
	    !current->no_alloc_depth)
		return;
	pcache_count(alloc_errors);
	pr_err_once("allocation (%s) on the miss/evict path\n", what);
}

static struct pcache_kset *kset_of(struct pmm *mm, unsigned long va)
{
	return &ksets[pcache_set_index(&geo, va, mm->pcache_salt)];
}

static struct pcache_line *set_lines(struct pcache_kset *ks)
{
	return &lines[(ks - ksets) * geo.ways];
}

static void kset_lock(struct pcache_kset *ks)
{
	if (spin_trylock(&ks->lock))
		return;
	spin_lock(&ks->lock);
	ks->nr_contended++;
	pcache_count(contended);
}

/* The protection a leaf entry made by user_prot_to_pte() stands for. */
static u32 pte_to_prot(pte_t pte)
{
	u32 prot = PROT_READ;

	if (pte & _PAGE_RW)
		prot |= PROT_WRITE;
	if (!(pte & _PAGE_NX))
		prot |= PROT_EXEC;
	return prot;
}

/* Invalidate @va of @owner on every CPU that may cache it (file header). */
static void pcache_flush_tlb_page(struct pmm *owner, unsigned long va)
{
	user_flush_tlb_mm_range(owner->pgd, va, va + PAGE_SIZE);
}

void pcache_count_fill_wait(void)
{
	pcache_count(fill_waits);
}

u64 pcache_latency_start(void)
{
	return pcache_latency ? ktime_get() : 0;
}

static void pcache_latency_record(unsigned int kind, u64 start)
{
	u64 ns = ktime_get() - start;

	__atomic_fetch_add(&miss_hist[kind][pcache_hist_bucket(ns)], 1,
			   __ATOMIC_RELAXED);
	__atomic_fetch_add(&miss_hist_sum[kind], ns, __ATOMIC_RELAXED);
}

int pcache_backend_flush(struct pmm *owner, unsigned long va,
			 const void *data)
{
	int ret = owner->ops->flush(owner, va, data);

	pcache_count(flushes);
	if (ret && ret != -EFAULT) {
		pcache_count(flush_errors);
		pr_err_once("write-back of %lx failed: %d (data lost)\n", va,
			    ret);
	}
	return ret;
}

/* policy callback: was the line used since the last scan? */
static bool line_young(struct pcache_line *line, void *arg)
{
	pte_t old = __atomic_fetch_and(line->pte, ~_PAGE_ACCESSED,
				       __ATOMIC_RELAXED);

	return old & _PAGE_ACCESSED;
}

/* Take a VALID @line off its set; returns the entry it had. Set locked. */
static pte_t line_unmap(struct pcache_kset *ks, struct pcache_line *line)
{
	pte_t old = __atomic_exchange_n(line->pte, 0, __ATOMIC_SEQ_CST);

	list_del(&line->node);
	ks->set.nr_valid--;
	line->state = PCL_EVICTING;
	line->pte = NULL;
	return old;
}

static void line_free(struct pcache_line *line)
{
	line->state = PCL_FREE;
	line->owner = NULL;
	line->va = 0;
}

/* ------------------------------------------------------------ the miss */

/* What the eviction left for the fill to do. */
struct evict_result {
	u8 kind;			/* enum pcache_miss_kind */
	bool piggyback;			/* flush @va from @buf */
	unsigned long va;
	void *buf;
};

/*
 * Where a piggybacked victim waits for the fill: this CPU's buffer, or
 * the address space's own if its lock is a mutex (the thread may sleep
 * and move, and another thread use this CPU's buffer meanwhile).
 */
static void *piggyback_buf(struct pmm *mm)
{
	return mm->piggyback_buf ?: flush_bufs[smp_processor_id()];
}

/*
 * Get the data of the victim @line (EVICTING, unmapped, TLBs clean) of
 * @owner to safety, so the line can be refilled for @mm.
 */
static void evict_data(struct pmm *mm, struct pcache_line *line,
		       struct pmm *owner, pte_t old, struct evict_result *er)
{
	bool dirty = old & _PAGE_DIRTY;

	if (pcache_mech == MECH_VICTIM) {
		er->kind = PCACHE_MISS_VCACHE;
		pcache_victim_put(owner, line->va, pte_to_prot(old), dirty,
				  line->data);
		return;
	}
	if (!dirty) {
		er->kind = PCACHE_MISS_CLEAN;
		pcache_count(clean_drops);
		return;
	}
	if (owner == mm && pcache_piggyback && mm->ops->miss_with_flush &&
	    !mm->piggyback_busy) {
		er->kind = PCACHE_MISS_PIGGYBACK;
		er->buf = piggyback_buf(mm);
		memcpy(er->buf, line->data, PAGE_SIZE);
		er->piggyback = true;
		er->va = line->va;
		/* Until the fill is back, a miss on it must wait (line_get). */
		mm->piggyback_busy = true;
		mm->piggyback_va = line->va;
		return;
	}
	er->kind = PCACHE_MISS_FLUSH;
	pcache_hot_exit();
	pcache_backend_flush(owner, line->va, line->data);
	pcache_hot_enter();
}

/*
 * A line of @mm's set for @va, FILLING and owned by (@mm, @va): a free
 * way, or the policy's victim after eviction.  -EAGAIN: the page is
 * being evicted right now by another process's miss; the caller spins.
 * -EBUSY: another thread of @mm fills the page (or its write-back rides
 * on a fill), or no way of the set can be taken (all FILLING or
 * EVICTING): the caller drops the pmm lock, which the fill needs to
 * finish, and faults again.
 */
static int line_get(struct pmm *mm, unsigned long va,
		    struct pcache_line **out, struct evict_result *er)
{
	struct pcache_kset *ks = kset_of(mm, va);
	struct pcache_line *base = set_lines(ks), *line = NULL, *l;
	struct pmm *owner;
	unsigned int i, young;
	pte_t old;

	if (mm->piggyback_busy && mm->piggyback_va == va)
		return -EBUSY;
	kset_lock(ks);
	for (i = 0; i < geo.ways; i++) {
		l = &base[i];
		if (l->state == PCL_EVICTING && l->owner == mm &&
		    l->va == va) {
			/* Our page on its way out: wait until it is safe. */
			spin_unlock(&ks->lock);
			return -EAGAIN;
		}
		if (l->state == PCL_FILLING && l->owner == mm &&
		    l->va == va) {
			spin_unlock(&ks->lock);
			return -EBUSY;
		}
		if (l->state == PCL_FREE && !line)
			line = l;
	}
	if (line) {
		line->state = PCL_FILLING;
		line->owner = mm;
		line->va = va;
		spin_unlock(&ks->lock);
		*out = line;
		return 0;
	}

	line = policy->pick(&ks->set, line_young, NULL, &young);
	if (young)
		atomic64_add(young, &pcache_stats.hits_sampled);
	if (!line) {
		spin_unlock(&ks->lock);
		return -EBUSY;
	}
	owner = line->owner;
	old = line_unmap(ks, line);
	atomic_inc(&owner->pcache_evicting);
	spin_unlock(&ks->lock);
	pcache_count(evictions);

	pcache_flush_tlb_page(owner, line->va);
	evict_data(mm, line, owner, old, er);

	kset_lock(ks);
	line->state = PCL_FILLING;
	line->owner = mm;
	line->va = va;
	spin_unlock(&ks->lock);
	atomic_dec(&owner->pcache_evicting);
	*out = line;
	return 0;
}

/* Give a FILLING line back (the fill failed). */
static void line_put(struct pmm *mm, struct pcache_line *line)
{
	struct pcache_kset *ks = kset_of(mm, line->va);

	kset_lock(ks);
	line_free(line);
	spin_unlock(&ks->lock);
}

/*
 * Map the FILLING @line of (@mm, line->va) with @prot (dirty if
 * @dirty) and make it VALID.  0 or user_map_page()'s -ENOMEM (the line
 * stays FILLING).  Hot section entered.
 */
static int line_map(struct pmm *mm, struct pcache_line *line, u32 prot,
		    bool dirty)
{
	struct pcache_kset *ks;
	pte_t *pte;
	int ret;

	/* Page-table pages are the address space's, not the pcache's. */
	pcache_hot_exit();
	ret = user_map_page(mm->pgd, line->va, __pa(line->data),
			    user_prot_to_pte(prot) | (dirty ? _PAGE_DIRTY : 0));
	pcache_hot_enter();
	if (ret)
		return ret;
	pte = user_lookup_pte(mm->pgd, line->va);

	ks = kset_of(mm, line->va);
	kset_lock(ks);
	line->pte = pte;
	line->state = PCL_VALID;
	policy->insert(&ks->set, line);
	ks->set.nr_valid++;
	spin_unlock(&ks->lock);
	return 0;
}

/* The lines reserved for a miss's fault-around, by window bit. */
struct pcache_around {
	u32 want;
	struct pcache_line *lines[PMM_AROUND_PAGES];
};

/*
 * A FREE way of @va's set, FILLING for (@mm, @va), if no line of that
 * page exists in any state and the victim cache does not hold it; else
 * NULL.  Never evicts.
 */
static struct pcache_line *around_line_get(struct pmm *mm, unsigned long va)
{
	struct pcache_kset *ks = kset_of(mm, va);
	struct pcache_line *base = set_lines(ks), *line = NULL;

	kset_lock(ks);
	for (unsigned int i = 0; i < geo.ways; i++) {
		struct pcache_line *l = &base[i];

		if (l->state == PCL_FREE) {
			if (!line)
				line = l;
		} else if (l->owner == mm && l->va == va) {
			line = NULL;
			goto out;
		}
	}
	if (line && pcache_mech == MECH_VICTIM && pcache_victim_holds(mm, va))
		line = NULL;
	if (line) {
		line->state = PCL_FILLING;
		line->owner = mm;
		line->va = va;
	}
out:
	spin_unlock(&ks->lock);
	return line;
}

/*
 * Reserve lines for the pages around a miss at @va (pmm
 * lock held) and ask the backend for them in @res.
 */
static void around_reserve(struct pmm *mm, unsigned long va, u32 access,
			   struct pcache_around *ar,
			   struct pmm_miss_result *res)
{
	unsigned int win = pcache_around, i;
	unsigned long wbase, base = p2m_around_base(va);

	ar->want = 0;
	res->around_want = 0;
	if (win < 2)
		return;
	while (win & (win - 1))
		win &= win - 1;		/* a power of two */
	wbase = va & ~((unsigned long)win * PAGE_SIZE - 1);
	for (i = 0; i < win; i++) {
		unsigned long pva = wbase + i * PAGE_SIZE;
		unsigned int bit = (pva - base) / PAGE_SIZE;
		struct pcache_line *line;
		pte_t *pte;

		if (pva == va || pva >= MMAN_TASK_SIZE ||
		    (mm->piggyback_busy && mm->piggyback_va == pva))
			continue;
		pte = user_lookup_pte(mm->pgd, pva);
		if (pte && (*pte & _PAGE_PRESENT))
			continue;
		line = around_line_get(mm, pva);
		if (!line)
			continue;
		ar->lines[bit] = line;
		res->around_data[bit] = line->data;
		ar->want |= 1u << bit;
		pcache_count(around_asked);
	}
	res->around_want = ar->want;
}

/*
 * Map the reserved lines the backend filled (@ok: the miss succeeded
 * and the address space did not change meanwhile), read-only; free the
 * others.
 */
static void around_finish(struct pmm *mm, struct pcache_around *ar,
			  const struct pmm_miss_result *res, bool ok)
{
	for (unsigned int i = 0; i < PMM_AROUND_PAGES; i++) {
		struct pcache_line *line = ar->lines[i];

		bool zero = res->around_zero & (1u << i);

		if (!(ar->want & (1u << i)))
			continue;
		if (ok && zero)
			memset(line->data, 0, PAGE_SIZE);
		/* A zero page is the process's own: writable if the vma is. */
		if (ok && (res->around_got & (1u << i)) &&
		    !line_map(mm, line, zero ? res->prot :
				  res->prot & ~PROT_WRITE, false)) {
			pcache_count(around_fills);
			if (zero)
				pcache_count(around_zeros);
			continue;
		}
		line_put(mm, line);
	}
	ar->want = 0;
}

/*
 * The backend part of a fill, with the pmm lock dropped for the round
 * trip (struct pmm): other threads of @mm may miss meanwhile.  -ESTALE
 * if the address space changed under it (pmm_lock_change()): the page
 * is thrown away and the access faults again.  Lock held again on
 * return; the piggybacked write-back, if any, has reached the backend.
 */
static int line_fill_backend(struct pmm *mm, struct pcache_line *line,
			     unsigned long va, u32 access,
			     struct evict_result *er,
			     struct pmm_miss_result *res)
{
	unsigned long gen = mm->gen;
	int ret;

	if (atomic_inc_return(&mm->fills) > 1)
		pcache_count(fills_overlapped);
	pmm_unlock(mm);
	if (er->piggyback) {
		ret = mm->ops->miss_with_flush(mm, va, access, line->data,
					       res, er->va, er->buf);
		pcache_count(piggybacks);
		pcache_count(flushes);
	} else {
		ret = mm->ops->miss(mm, va, access, line->data, res);
	}
	if (atomic_dec_and_test(&mm->fills))
		wake_up_all(&mm->fill_wq);
	pmm_lock(mm);
	if (er->piggyback) {
		mm->piggyback_busy = false;
		er->piggyback = false;
	}
	mm->fill_seq++;
	if (waitqueue_active(&mm->fill_wq))
		wake_up_all(&mm->fill_wq);
	if (mm->gen != gen) {
		pcache_count(fills_stale);
		return -ESTALE;
	}
	return ret;
}

/*
 * Fill @line with (@mm, @va): victim cache, else the backend (with the
 * pages around reserved in @ar, mapped or freed before return).
 */
static int line_fill(struct pmm *mm, struct pcache_line *line,
		     unsigned long va, u32 access, struct evict_result *er,
		     u32 *prot, bool *dirty)
{
	struct pmm_miss_result res = { 0 };
	struct pcache_around ar;
	int ret;

	*dirty = false;
	if (pcache_mech == MECH_VICTIM &&
	    pcache_victim_take(mm, va, access, line->data, prot, dirty)) {
		pcache_count(victim_hits);
		er->kind = PCACHE_MISS_VHIT;
		return 0;
	}
	around_reserve(mm, va, access, &ar, &res);
	pcache_hot_exit();
	ret = line_fill_backend(mm, line, va, access, er, &res);
	pcache_hot_enter();
	around_finish(mm, &ar, &res, !ret && !res.special);
	if (ret)
		return ret;
	/* Not a line: the caller maps the vDSO page. */
	if (res.special) {
		pcache_count(special_fills);
		return res.special;
	}
	if (res.zero) {
		memset(line->data, 0, PAGE_SIZE);
		pcache_count(zero_fills);
	}
	*prot = res.prot;
	return 0;
}

int pcache_miss(struct pmm *mm, unsigned long va, u32 access, u64 start)
{
	struct evict_result er = { .kind = PCACHE_MISS_FREE };
	struct pcache_line *line;
	bool dirty;
	u32 prot;
	int ret;

	pcache_hot_enter();
	while ((ret = line_get(mm, va, &line, &er)) == -EAGAIN)
		cpu_relax();
	if (ret) {
		pcache_hot_exit();
		return ret;
	}
	ret = line_fill(mm, line, va, access, &er, &prot, &dirty);
	if (ret == -ESTALE) {
		/* Not mapped: the retried access sees the new state. */
		line_put(mm, line);
		pcache_hot_exit();
		return 0;
	}
	if (ret)
		goto put_line;

	ret = line_map(mm, line, prot, dirty);
	if (ret)
		goto put_line;
	pcache_count(misses);
	pcache_hot_exit();
	if (start)
		pcache_latency_record(er.kind, start);
	return 0;

put_line:
	if (dirty && ret) {
		/* Victim-cache data we took and cannot map: keep it. */
		pcache_hot_exit();
		pcache_backend_flush(mm, va, line->data);
		pcache_hot_enter();
	}
	line_put(mm, line);
	pcache_hot_exit();
	return ret;
}

/* ------------------------------------------------------------ invalidation */

/*
 * The line of (@mm, @va) mapped by @pte, VALID, or NULL (evicted
 * meanwhile: the evictor cleared the entry).  Set @ks locked.
 */
static struct pcache_line *line_find_mapped(struct pcache_kset *ks,
					    struct pmm *mm, unsigned long va,
					    pte_t *pte)
{
	struct pcache_line *base = set_lines(ks);
	unsigned int i;

	for (i = 0; i < geo.ways; i++) {
		if (base[i].state == PCL_VALID && base[i].owner == mm &&
		    base[i].va == va && base[i].pte == pte)
			return &base[i];
	}
	return NULL;
}

bool pcache_zap_page(struct pmm *mm, unsigned long va, pte_t *pte,
		     bool writeback)
{
	struct pcache_kset *ks = kset_of(mm, va);
	struct pcache_line *line;
	pte_t old;

	kset_lock(ks);
	line = line_find_mapped(ks, mm, va, pte);
	if (!line) {
		spin_unlock(&ks->lock);
		return false;
	}
	old = line_unmap(ks, line);
	spin_unlock(&ks->lock);
	pcache_count(invalidations);

	if (writeback && (old & _PAGE_DIRTY)) {
		/* The data must not change while it is written back. */
		pcache_flush_tlb_page(mm, va);
		pcache_backend_flush(mm, va, line->data);
	}
	kset_lock(ks);
	line_free(line);
	spin_unlock(&ks->lock);
	return true;
}

/*
 * Wait until no line of @mm is on its way out: an eviction that started
 * before the caller changed a range must have put its data where the
 * caller will look (the victim cache, or the backend) first.
 */
static void pcache_evictions_drain(struct pmm *mm)
{
	while (atomic_read(&mm->pcache_evicting))
		cpu_relax();
}

void pcache_zap_finish(struct pmm *mm, unsigned long start,
		       unsigned long end, bool writeback)
{
	pcache_evictions_drain(mm);
	if (pcache_mech == MECH_VICTIM)
		pcache_victim_zap(mm, start, end, writeback);
}

bool pcache_protect_page(struct pmm *mm, unsigned long va, pte_t *pte,
			 u32 prot)
{
	struct pcache_kset *ks = kset_of(mm, va);
	bool changed = false;

	/* Under the set lock, so no evictor takes the entry meanwhile. */
	kset_lock(ks);
	if (line_find_mapped(ks, mm, va, pte))
		changed = pmm_pte_set_prot(pte, prot);
	spin_unlock(&ks->lock);
	if (changed)
		pcache_count(protects);
	return changed;
}

void pcache_protect_finish(struct pmm *mm, unsigned long start,
			   unsigned long end, u32 prot)
{
	pcache_evictions_drain(mm);
	if (pcache_mech == MECH_VICTIM)
		pcache_victim_protect(mm, start, end, prot);
}

void pcache_wrprotect_page(struct pmm *mm, unsigned long va, pte_t *pte,
			   struct list_head *held)
{
	struct pcache_kset *ks = kset_of(mm, va);
	struct pcache_line *line;
	pte_t old, new;

	kset_lock(ks);
	line = line_find_mapped(ks, mm, va, pte);
	if (!line) {
		spin_unlock(&ks->lock);
		return;
	}
	old = READ_ONCE(*pte);
	do {
		new = old & ~(pte_t)(_PAGE_RW | _PAGE_DIRTY);
	} while (new != old &&
		 !__atomic_compare_exchange_n(pte, &old, new, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	if (old & _PAGE_DIRTY) {
		/*
		 * Its data goes to the backend after the TLB flush; until
		 * then no evictor may take the line (it would see a clean
		 * entry and drop the only copy).  Our pmm lock keeps our own
		 * faults away from the EVICTING line.
		 */
		list_del(&line->node);
		ks->set.nr_valid--;
		line->state = PCL_EVICTING;
		list_add_tail(&line->node, held);
	}
	spin_unlock(&ks->lock);
	pcache_count(protects);
}

void pcache_wrprotect_finish(struct pmm *mm, struct list_head *held)
{
	struct pcache_line *line, *tmp;

	list_for_each_entry_safe(line, tmp, held, node) {
		struct pcache_kset *ks = kset_of(mm, line->va);

		list_del(&line->node);
		pcache_backend_flush(mm, line->va, line->data);
		kset_lock(ks);
		line->state = PCL_VALID;
		policy->insert(&ks->set, line);
		ks->set.nr_valid++;
		spin_unlock(&ks->lock);
	}
	pcache_evictions_drain(mm);
	if (pcache_mech == MECH_VICTIM)
		pcache_victim_zap(mm, 0, USER_ADDR_END, true);
}

void pcache_mm_init(struct pmm *mm)
{
	/* Golden-ratio steps spread consecutive processes over the sets. */
	mm->pcache_salt = (u32)atomic_inc_return(&salt_seq) * 0x9e3779b9u;
	atomic_set(&mm->pcache_evicting, 0);
}

void pcache_mm_release(struct pmm *mm)
{
	unsigned long s, i;

	if (!pcache_on)
		return;
	for (s = 0; s < geo.nr_sets; s++) {
		struct pcache_kset *ks = &ksets[s];
		struct pcache_line *base = set_lines(ks);

		kset_lock(ks);
		for (i = 0; i < geo.ways; i++) {
			if (base[i].state != PCL_VALID || base[i].owner != mm)
				continue;
			line_unmap(ks, &base[i]);
			line_free(&base[i]);
		}
		spin_unlock(&ks->lock);
	}
	pcache_zap_finish(mm, 0, USER_ADDR_END, false);
	if (pcache_stats_at_exit) {
		pcache_print_stats();
		/* Latency lines are per program: start afresh. */
		memset(miss_hist, 0, sizeof(miss_hist));
		memset(miss_hist_sum, 0, sizeof(miss_hist_sum));
	}
}

/* ------------------------------------------------------------ statistics */

#define STAT(f)	((unsigned long long)atomic64_read(&pcache_stats.f))

/* One "pcache: latency kind=K ..." line per kind of miss seen. */
static void pcache_print_latency(void)
{
	unsigned int k, i;
	u64 n;

	for (k = 0; k < PCACHE_NR_MISS_KINDS; k++) {
		for (n = 0, i = 0; i < PCACHE_HIST_BUCKETS; i++)
			n += READ_ONCE(miss_hist[k][i]);
		if (!n)
			continue;
		pr_info("latency kind=%s n=%llu median_ns=%llu p99_ns=%llu mean_ns=%llu\n",
			miss_kind_names[k], (unsigned long long)n,
			(unsigned long long)pcache_hist_percentile(miss_hist[k],
								   50),
			(unsigned long long)pcache_hist_percentile(miss_hist[k],
								   99),
			(unsigned long long)(READ_ONCE(miss_hist_sum[k]) / n));
	}
}

void pcache_print_stats(void)
{
	unsigned long long max_contended = 0;
	unsigned int vused = 0, vdirty = 0;
	unsigned long s;

	if (!pcache_on) {
		pr_info("stats off\n");
		return;
	}
	for (s = 0; s < geo.nr_sets; s++)
		max_contended = max(max_contended,
				    (unsigned long long)ksets[s].nr_contended);
	if (pcache_mech == MECH_VICTIM)
		pcache_victim_usage(&vused, &vdirty);
	pr_info("stats policy=%s mechanism=%s size=%llu sets=%u ways=%u misses=%llu hits_sampled=%llu evictions=%llu clean_drops=%llu flushes=%llu flush_errors=%llu piggybacks=%llu zero_fills=%llu invalidations=%llu protects=%llu fills_overlapped=%llu fills_stale=%llu fill_waits=%llu victim_hits=%llu victim_inserts=%llu victim_drops=%llu victim_sync_flushes=%llu victim_stalled_waits=%llu victim_used=%u victim_dirty=%u contended=%llu max_set_contended=%llu alloc_errors=%llu special_fills=%llu around_asked=%llu around_fills=%llu around_zeros=%llu\n",
		policy->name, mech_names[pcache_mech],
		(unsigned long long)geo.size, geo.nr_sets, geo.ways,
		STAT(misses), STAT(hits_sampled), STAT(evictions),
		STAT(clean_drops), STAT(flushes), STAT(flush_errors),
		STAT(piggybacks), STAT(zero_fills), STAT(invalidations),
		STAT(protects), STAT(fills_overlapped), STAT(fills_stale),
		STAT(fill_waits),
		STAT(victim_hits), STAT(victim_inserts), STAT(victim_drops),
		STAT(victim_sync_flushes), STAT(victim_stalled_waits),
		vused, vdirty, STAT(contended),
		max_contended, STAT(alloc_errors), STAT(special_fills),
		STAT(around_asked), STAT(around_fills), STAT(around_zeros));
	if (pcache_latency)
		pcache_print_latency();
}

/* ------------------------------------------------------------ boot */

/* Zeroed pages for a metadata array of @bytes; NULL on -ENOMEM. */
static void *meta_alloc(unsigned long bytes)
{
	unsigned long addr = __get_free_pages(GFP_KERNEL, get_order(bytes));

	if (addr)
		memset((void *)addr, 0, bytes);
	return (void *)addr;
}

/* Undo pcache_init(): everything it allocated, NULL or not. */
static void pool_free(void)
{
	unsigned long i;
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (flush_bufs[cpu])
			free_page((unsigned long)flush_bufs[cpu]);
		flush_bufs[cpu] = NULL;
	}
	for (i = 0; lines && i < geo.nr_lines; i++) {
		if (lines[i].data)
			free_page((unsigned long)lines[i].data);
	}
	if (lines)
		free_pages((unsigned long)lines,
			   get_order(geo.nr_lines * sizeof(*lines)));
	if (ksets)
		free_pages((unsigned long)ksets,
			   get_order(geo.nr_sets * sizeof(*ksets)));
	lines = NULL;
	ksets = NULL;
}

void pcache_init(void)
{
	unsigned long i, meta_max = MAX_ORDER_NR_PAGES * PAGE_SIZE;
	unsigned int cpu;
	int ret;

	if (node_role != ROLE_PROCESSOR || !pcache_size) {
		pr_info("off: user pages are private copies filled from the backend\n");
		return;
	}
	ret = pcache_geometry_init(&geo, pcache_size, pcache_ways);
	if (ret) {
		pr_err("pcache=%llu pcache.ways=%u: no such geometry (at least %lu KiB and one set); off\n",
		       pcache_size, pcache_ways, PCACHE_MIN_SIZE >> 10);
		return;
	}
	while (geo.nr_lines * sizeof(*lines) > meta_max)
		pcache_geometry_init(&geo, geo.size / 2, geo.ways);
	if (geo.size != pcache_size)
		pr_warn("pcache=%llu rounded down to %llu (%u sets of %u ways)\n",
			pcache_size, (unsigned long long)geo.size,
			geo.nr_sets, geo.ways);

	lines = meta_alloc(geo.nr_lines * sizeof(*lines));
	ksets = meta_alloc(geo.nr_sets * sizeof(*ksets));
	if (!lines || !ksets)
		goto nomem;
	for (i = 0; i < geo.nr_lines; i++) {
		lines[i].data = (void *)get_zeroed_page(GFP_KERNEL);
		if (!lines[i].data)
			goto nomem;
		INIT_LIST_HEAD(&lines[i].node);
	}
	for (i = 0; i < geo.nr_sets; i++) {
		spin_lock_init(&ksets[i].lock);
		INIT_LIST_HEAD(&ksets[i].set.lines);
	}
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		flush_bufs[cpu] = (void *)__get_free_pages(GFP_KERNEL, 0);
		if (!flush_bufs[cpu])
			goto nomem;
	}
	if (pcache_mech == MECH_VICTIM && pcache_victim_init(pcache_victims))
		goto nomem;
	policy = pcache_policy == POLICY_FIFO ? &pcache_policy_fifo :
						&pcache_policy_lru;
	WRITE_ONCE(pcache_on, true);
	if (pcache_check_alloc)
		WRITE_ONCE(alloc_check_hook, pcache_alloc_check);
	pr_info("%llu KiB: %u sets x %u ways of 4 KiB, policy %s, mechanism %s%s%s%s\n",
		(unsigned long long)geo.size >> 10, geo.nr_sets, geo.ways,
		policy->name, mech_names[pcache_mech],
		pcache_piggyback ? "" : ", no piggyback",
		pcache_latency ? ", latency histograms" : "",
		pcache_check_alloc ? ", allocation check on" : "");
	debug_key_register('p', "pcache counters", pcache_print_stats);
	return;

nomem:
	pool_free();
	pr_err("cannot allocate %llu KiB and its metadata; off\n",
	       (unsigned long long)geo.size >> 10);
}
