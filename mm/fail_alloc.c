/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation failure injection (issue 16 part 8): with mm.fail_alloc=RATE
 * one allocation in RATE made through alloc_pages() (and so
 * __get_free_pages(), get_zeroed_page(), kmalloc() above 8 KiB) or
 * kmem_cache_alloc() (and so kmalloc() up to 8 KiB) returns NULL as if
 * memory had run out, so every caller's error path gets taken.
 *
 * Which allocations fail is decided by a hash of (mm.fail_seed, the
 * allocation's sequence number since injection started): the same seed
 * fails the same numbers in every run, and numbers, unlike a shared
 * generator state, need no lock (allocations come from any CPU, with
 * interrupts off or on).  A slab's own page (slab_grow()) is not counted
 * again: the kmem_cache_alloc() that needed it was.
 *
 * Exempt: everything before the node's ready marker (mm_fail_alloc_arm(),
 * called from kernel/main.c, starts injection mm.fail_after_ms later),
 * so a node always boots; and __GFP_NOFAIL callers.  The rest of this
 * file owns the parameters, the decision and the counters; the hook
 * itself is a pointer in page_alloc.c (NULL while injection is off).
 *
 * The count is logged at the first few injected failures (with the
 * caller), at every power of two after, and at shutdown.
 */
#define pr_fmt(fmt) "mm: " fmt

#include <tessera/atomic.h>
#include <tessera/compiler.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/params.h>
#include <tessera/pattern.h>
#include <tessera/printk.h>
#include <tessera/time.h>

#define FAIL_ALLOC_LOG_FIRST	8	/* failures logged one by one */

static unsigned int fail_alloc_rate;
PARAM_UINT("mm.fail_alloc", fail_alloc_rate, 0, 1000000000,
	   "fault injection: fail one page/slab allocation in N, seeded (0: off)");
static unsigned int fail_alloc_seed = 1;
PARAM_UINT("mm.fail_seed", fail_alloc_seed, 0, 0xffffffff,
	   "fault injection: seed of mm.fail_alloc's choice of allocations");
static unsigned int fail_alloc_after_ms;
PARAM_UINT("mm.fail_after_ms", fail_alloc_after_ms, 0, 3600000,
	   "fault injection: mm.fail_alloc starts this long after the ready marker");

static ktime_t fail_alloc_start;	/* set once by mm_fail_alloc_arm() */
static atomic64_t nr_alloc_seen;	/* allocations since the start */
static atomic64_t nr_fail_pages;	/* injected: alloc_pages() */
static atomic64_t nr_fail_slab;		/* injected: kmem_cache_alloc() */

static void fail_alloc_note(u64 nr, const char *what, void *caller)
{
	u64 seen = (u64)atomic64_read(&nr_alloc_seen);

	if (nr <= FAIL_ALLOC_LOG_FIRST)
		pr_info("fault injection: failed %s #%llu (of %llu) for %pS\n",
			what, (unsigned long long)nr,
			(unsigned long long)seen, caller);
	else if (!(nr & (nr - 1)))
		pr_info("fault injection: %llu allocations failed of %llu\n",
			(unsigned long long)nr, (unsigned long long)seen);
}

/*
 * The hook page_alloc.c and slab.c call.  true: fail this allocation.
 * Any context; never sleeps or allocates.
 */
static bool fail_alloc_should_fail(gfp_t gfp, bool slab, void *caller)
{
	u64 n, total;

	if (gfp & __GFP_NOFAIL)
		return false;
	if (fail_alloc_after_ms && ktime_get() < fail_alloc_start)
		return false;
	n = (u64)atomic64_inc_return(&nr_alloc_seen);
	/* The test pattern's hash: an unrelated stream per seed. */
	if (pattern_word(fail_alloc_seed, n) % fail_alloc_rate)
		return false;
	total = (u64)atomic64_inc_return(slab ? &nr_fail_slab :
					 &nr_fail_pages);
	total += (u64)atomic64_read(slab ? &nr_fail_pages : &nr_fail_slab);
	fail_alloc_note(total, slab ? "kmem_cache_alloc" : "alloc_pages",
			caller);
	return true;
}

void mm_fail_alloc_arm(void)
{
	if (!fail_alloc_rate || READ_ONCE(alloc_fail_hook))
		return;
	fail_alloc_start = ktime_get() +
			   (ktime_t)fail_alloc_after_ms * NSEC_PER_MSEC;
	pr_info("fault injection: failing one allocation in %u (seed %u) from %u ms after ready\n",
		fail_alloc_rate, fail_alloc_seed, fail_alloc_after_ms);
	/* The start time before the hook that reads it. */
	smp_wmb();
	WRITE_ONCE(alloc_fail_hook, fail_alloc_should_fail);
}

void mm_fail_alloc_dump(void)
{
	if (!fail_alloc_rate)
		return;
	pr_info("fault injection: %llu allocations failed (pages %llu, slab %llu) of %llu, one in %u, seed %u\n",
		(unsigned long long)(atomic64_read(&nr_fail_pages) +
				     atomic64_read(&nr_fail_slab)),
		(unsigned long long)atomic64_read(&nr_fail_pages),
		(unsigned long long)atomic64_read(&nr_fail_slab),
		(unsigned long long)atomic64_read(&nr_alloc_seen),
		fail_alloc_rate, fail_alloc_seed);
}
