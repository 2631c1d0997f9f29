/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the pcache's eviction write-back: pcache.c (the miss,
 * eviction and zap paths) and victim_flush.c (the victim cache's data
 * and flush thread) built as they are, on top of host_pcache.c's stubs
 * (a page arena, a flat page table, a flush thread stepped by hand).  A
 * fake backend keeps one page per (address space, VA) and counts what
 * reaches it; "user" accesses go through the fake page table as the MMU
 * would (a hit sets the accessed and dirty bits, a miss calls
 * pcache_miss()).
 *
 * What is checked: a dirty victim's bytes reach the backend exactly once
 * and intact; a clean victim is dropped without a write-back; a dirty
 * victim piggybacked on the faulting process's miss, one written back
 * first (pcache.piggyback=0), one flushed by the victim cache's thread
 * and one flushed inline when the victim cache is full of dirty lines
 * all deliver every byte; a victim touched again before its write-back
 * comes back from the victim cache with its latest bytes and stays
 * dirty.  Bytes are tessera/pattern.h streams, one seed per write.
 */
/* HTEST-SOURCES: managers/processor/pcache/pcache.c managers/processor/pcache/victim_flush.c managers/processor/pcache/geometry.c managers/processor/pcache/policy_lru.c managers/processor/pcache/policy_fifo.c managers/processor/pcache/victim.c managers/processor/pcache/histogram.c kernel/params.c lib/vsprintf.c lib/kstrtox.c lib/bitmap.c lib/string.c tests/host/host_printk.c tests/host/host_pcache.c */
/* HTEST-CFLAGS: -Iarch/x86/include -DPCACHE_HOST_KERNEL -DCONFIG_NR_CPUS=2 -DCONFIG_PCACHE_SIZE_MB=1 -DCONFIG_PCACHE_WAYS=4 -DCONFIG_PCACHE_VICTIM_ENTRIES=8 */
#include "htest.h"
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/params.h>
#include <tessera/pattern.h>
#include <tessera/string.h>

#include "host_pcache.h"

/* ------------------------------------------------------------ backend */

#define NR_PAGES	64
#define BASE		0x400000UL

/* The backend's copy of one page of one address space. */
struct bpage {
	u8 data[PAGE_SIZE];
	bool present;		/* written at least once */
	unsigned int flushes;	/* write-backs of this page */
	unsigned int misses;	/* fills served from this page */
};

struct fake_mm {
	struct pmm pmm;
	pte_t ptes[NR_PAGES];	/* the page table: one leaf per page */
	struct bpage pages[NR_PAGES];
};

static struct fake_mm mm_a, mm_b;
static unsigned int nr_piggybacks, nr_plain_misses;

static struct fake_mm *fake_of(struct pmm *mm)
{
	return container_of(mm, struct fake_mm, pmm);
}

static unsigned int page_index(unsigned long va)
{
	HOST_BUG_ON(va < BASE || va >= BASE + NR_PAGES * PAGE_SIZE);
	return (va - BASE) / PAGE_SIZE;
}

static int be_flush(struct pmm *mm, unsigned long va, const void *data)
{
	struct bpage *p = &fake_of(mm)->pages[page_index(va)];

	memcpy(p->data, data, PAGE_SIZE);
	p->present = true;
	p->flushes++;
	return 0;
}

static int be_miss(struct pmm *mm, unsigned long va, u32 access, void *line,
		   struct pmm_miss_result *res)
{
	struct bpage *p = &fake_of(mm)->pages[page_index(va)];

	nr_plain_misses++;
	p->misses++;
	res->prot = PROT_READ | PROT_WRITE;
	if (p->present)
		memcpy(line, p->data, PAGE_SIZE);
	else
		res->zero = true;
	return 0;
}

static int be_miss_with_flush(struct pmm *mm, unsigned long va, u32 access,
			      void *line, struct pmm_miss_result *res,
			      unsigned long flush_va, const void *flush_data)
{
	nr_piggybacks++;
	be_flush(mm, flush_va, flush_data);
	nr_plain_misses--;	/* counted as a piggyback, not a plain miss */
	return be_miss(mm, va, access, line, res);
}

static const struct pmm_backend_ops fake_ops = {
	.name = "fake",
	.may_sleep = true,
	.miss = be_miss,
	.flush = be_flush,
	.miss_with_flush = be_miss_with_flush,
};

/* ------------------------------------------------------------ the "MMU" */

static pte_t *host_pte(pte_t *pgd, unsigned long va)
{
	struct fake_mm *f = container_of(pgd, struct fake_mm, ptes[0]);

	return &f->ptes[page_index(va)];
}

int user_map_page(pte_t *pgd, unsigned long va, phys_addr_t pa, u64 prot)
{
	*host_pte(pgd, va) = pa | prot;
	return 0;
}

pte_t *user_lookup_pte(pte_t *pgd, unsigned long va)
{
	return host_pte(pgd, va);
}

/* The page @va maps, faulting it in first as the MMU would make us. */
static u8 *access_page(struct fake_mm *f, unsigned long va, bool write)
{
	pte_t *pte = &f->ptes[page_index(va)];

	for (int tries = 0; !(*pte & _PAGE_PRESENT); tries++) {
		HOST_BUG_ON(tries > 4);
		if (pcache_miss(&f->pmm, va, write ? P2M_ACCESS_WRITE :
				P2M_ACCESS_READ, 0))
			return NULL;
	}
	*pte |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
	return (u8 *)(unsigned long)(*pte & PTE_ADDR_MASK);
}

/* A user write of the whole page @va: stream @seed. */
static bool write_page(struct fake_mm *f, unsigned long va, u64 seed)
{
	u8 *p = access_page(f, va, true);

	if (!p)
		return false;
	pattern_fill(p, PAGE_SIZE, seed, va);
	return true;
}

/* A user read of the whole page @va: is it stream @seed? */
static bool page_is(struct fake_mm *f, unsigned long va, u64 seed)
{
	u8 *p = access_page(f, va, false);

	return p && pattern_check(p, PAGE_SIZE, seed, va) == PAGE_SIZE;
}

/* A user read of the whole page @va: all zero (never written)? */
static bool page_is_zero(struct fake_mm *f, unsigned long va)
{
	u8 *p = access_page(f, va, false);

	for (unsigned int i = 0; p && i < PAGE_SIZE; i++)
		if (p[i])
			return false;
	return p != NULL;
}

static bool backend_has(struct fake_mm *f, unsigned long va, u64 seed)
{
	struct bpage *p = &f->pages[page_index(va)];

	return p->present && pattern_check(p->data, PAGE_SIZE, seed, va) ==
			     PAGE_SIZE;
}

static unsigned int flushes_of(struct fake_mm *f, unsigned long va)
{
	return f->pages[page_index(va)].flushes;
}

/*
 * A fresh pcache of 16 sets of one way (64 KiB): pages 16 apart share a
 * set, so touching one evicts the other.  @extra: more parameters.
 */
static void setup(struct htest *t, const char *extra)
{
	char cmd[256];

	host_pcache_reset();
	memset(&pcache_stats, 0, sizeof(pcache_stats));
	nr_piggybacks = nr_plain_misses = 0;
	snprintf(cmd, sizeof(cmd),
		 "pcache=65536 pcache.ways=1 pcache.policy=lru pcache.mechanism=perset pcache.piggyback=0 pcache.victims=2 %s",
		 extra);
	HT_ASSERT_EQ(t, params_parse_cmdline(cmd), 0);
	pcache_init();
	HT_ASSERT(t, pcache_enabled());
	for (unsigned int i = 0; i < 2; i++) {
		struct fake_mm *f = i ? &mm_b : &mm_a;

		memset(f, 0, sizeof(*f));
		f->pmm.ops = &fake_ops;
		f->pmm.pgd = f->ptes;
		pcache_mm_init(&f->pmm);
	}
}

#define SET_STRIDE	(16 * PAGE_SIZE)	/* same set, next page */
#define PA		(BASE)
#define PB		(BASE + SET_STRIDE)
#define PC		(BASE + 2 * SET_STRIDE)
#define PD		(BASE + 3 * SET_STRIDE)

#define STAT(f)		atomic64_read(&pcache_stats.f)

/* ------------------------------------------------------------ per set */

static void dirty_victim_written_back_once(struct htest *t)
{
	setup(t, "");
	HT_ASSERT(t, write_page(&mm_a, PA, 11));
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 0);
	/* B takes A's way: A is dirty, so it is written back first. */
	HT_ASSERT(t, page_is_zero(&mm_a, PB));
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	HT_EXPECT(t, backend_has(&mm_a, PA, 11));
	HT_EXPECT_EQ(t, nr_piggybacks, 0);
	HT_EXPECT_EQ(t, STAT(flushes), 1);
	/* A comes back from the backend, intact; B was clean: dropped. */
	HT_EXPECT(t, page_is(&mm_a, PA, 11));
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PB), 0);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	HT_EXPECT_EQ(t, STAT(clean_drops), 1);
	HT_EXPECT_EQ(t, mm_a.pages[page_index(PA)].misses, 2);
}

static void clean_victim_dropped(struct htest *t)
{
	setup(t, "");
	/* Written back once, read in again: clean from then on. */
	HT_ASSERT(t, write_page(&mm_a, PA, 12));
	HT_ASSERT(t, access_page(&mm_a, PB, false));
	HT_ASSERT(t, page_is(&mm_a, PA, 12));
	HT_ASSERT_EQ(t, flushes_of(&mm_a, PA), 1);
	for (int i = 0; i < 3; i++) {
		HT_ASSERT(t, access_page(&mm_a, PB, false));
		HT_ASSERT(t, page_is(&mm_a, PA, 12));
	}
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PB), 0);
	HT_EXPECT_EQ(t, STAT(flushes), 1);
	HT_EXPECT_EQ(t, STAT(clean_drops), 7);
}

/* A page of @f in the set of @other's page @va (the salts differ). */
static unsigned long same_set_va(struct fake_mm *f, struct fake_mm *other,
				 unsigned long va)
{
	struct pcache_geometry g;
	unsigned long v;

	HOST_BUG_ON(pcache_geometry_init(&g, 65536, 1));
	for (v = BASE; v < BASE + NR_PAGES * PAGE_SIZE; v += PAGE_SIZE)
		if (pcache_set_index(&g, v, f->pmm.pcache_salt) ==
		    pcache_set_index(&g, va, other->pmm.pcache_salt))
			return v;
	__builtin_trap();
}

static void piggybacked_victim_delivered(struct htest *t)
{
	unsigned long vb;

	setup(t, "pcache.piggyback=1");
	HT_ASSERT(t, write_page(&mm_a, PA, 13));
	/* Our own dirty victim rides on our miss: one round trip. */
	HT_ASSERT(t, access_page(&mm_a, PB, false));
	HT_EXPECT_EQ(t, nr_piggybacks, 1);
	HT_EXPECT_EQ(t, STAT(piggybacks), 1);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	HT_EXPECT(t, backend_has(&mm_a, PA, 13));
	HT_EXPECT(t, page_is(&mm_a, PA, 13));
	/* Another process's dirty line cannot ride on our miss. */
	vb = same_set_va(&mm_b, &mm_a, PC);
	HT_ASSERT(t, write_page(&mm_b, vb, 14));
	HT_ASSERT(t, write_page(&mm_a, PC, 15));
	HT_EXPECT_EQ(t, nr_piggybacks, 1);
	HT_EXPECT_EQ(t, flushes_of(&mm_b, vb), 1);
	HT_EXPECT(t, backend_has(&mm_b, vb, 14));
}

static void zap_writes_back_dirty_only(struct htest *t)
{
	setup(t, "");
	HT_ASSERT(t, write_page(&mm_a, PA, 16));
	HT_ASSERT(t, access_page(&mm_a, PA + PAGE_SIZE, false));
	HT_EXPECT(t, pcache_zap_page(&mm_a.pmm, PA, &mm_a.ptes[0], true));
	HT_EXPECT(t, pcache_zap_page(&mm_a.pmm, PA + PAGE_SIZE,
				     &mm_a.ptes[1], true));
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA + PAGE_SIZE), 0);
	HT_EXPECT(t, backend_has(&mm_a, PA, 16));
	HT_EXPECT_EQ(t, mm_a.ptes[0], 0);
}

/* ------------------------------------------------------------ victim cache */

static void victim_flushed_by_thread(struct htest *t)
{
	setup(t, "pcache.mechanism=victim");
	HT_ASSERT(t, write_page(&mm_a, PA, 21));
	HT_ASSERT(t, access_page(&mm_a, PB, false));
	/* A sits dirty in the victim cache: nothing written yet. */
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 0);
	HT_EXPECT_EQ(t, STAT(victim_inserts), 1);
	host_pcache_run_flusher(1);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	HT_EXPECT(t, backend_has(&mm_a, PA, 21));
	/* Clean now: the thread does not write it again. */
	host_pcache_run_flusher(3);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	/* And a miss finds it there without asking the backend. */
	HT_EXPECT(t, page_is(&mm_a, PA, 21));
	HT_EXPECT_EQ(t, STAT(victim_hits), 1);
	HT_EXPECT_EQ(t, mm_a.pages[page_index(PA)].misses, 1);
}

static void victim_refetched_before_writeback(struct htest *t)
{
	setup(t, "pcache.mechanism=victim");
	HT_ASSERT(t, write_page(&mm_a, PA, 22));
	HT_ASSERT(t, access_page(&mm_a, PB, false));
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 0);
	/* Back before any write-back: the victim cache's bytes, not the
	 * backend's (which has none). */
	HT_EXPECT(t, page_is(&mm_a, PA, 22));
	HT_EXPECT_EQ(t, STAT(victim_hits), 1);
	HT_EXPECT_EQ(t, mm_a.pages[page_index(PA)].misses, 1);
	/* Still dirty: evicted again without a write, its bytes must still
	 * reach the backend. */
	HT_ASSERT(t, access_page(&mm_a, PB, false));
	host_pcache_run_flusher(4);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	HT_EXPECT(t, backend_has(&mm_a, PA, 22));
	/* Newer bytes written after a victim hit win. */
	HT_ASSERT(t, write_page(&mm_a, PA, 23));
	HT_ASSERT(t, access_page(&mm_a, PB, false));
	HT_EXPECT(t, page_is(&mm_a, PA, 23));
	HT_ASSERT(t, access_page(&mm_a, PB, false));
	host_pcache_run_flusher(4);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 2);
	HT_EXPECT(t, backend_has(&mm_a, PA, 23));
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PB), 0);
}

static void victim_full_of_dirty_flushes_inline(struct htest *t)
{
	const unsigned long va[] = { PA, PB, PC, PD };

	setup(t, "pcache.mechanism=victim");
	/* Two victim slots: the third dirty victim pushes out the first. */
	for (unsigned int i = 0; i < ARRAY_SIZE(va); i++)
		HT_ASSERT(t, write_page(&mm_a, va[i], 30 + i));
	HT_EXPECT_EQ(t, STAT(victim_sync_flushes), 1);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 1);
	HT_EXPECT(t, backend_has(&mm_a, PA, 30));
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PB), 0);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PC), 0);
	/* munmap-style zap with write-back: the rest, once each. */
	HT_EXPECT(t, pcache_zap_page(&mm_a.pmm, PD,
				     &mm_a.ptes[page_index(PD)], true));
	pcache_zap_finish(&mm_a.pmm, BASE, BASE + NR_PAGES * PAGE_SIZE,
			  true);
	for (unsigned int i = 0; i < ARRAY_SIZE(va); i++) {
		HT_EXPECT_EQ(t, flushes_of(&mm_a, va[i]), 1);
		HT_EXPECT(t, backend_has(&mm_a, va[i], 30 + i));
	}
	/* Nothing left behind to be written twice. */
	host_pcache_run_flusher(4);
	for (unsigned int i = 0; i < ARRAY_SIZE(va); i++)
		HT_EXPECT_EQ(t, flushes_of(&mm_a, va[i]), 1);
}

static void victim_zap_without_writeback_drops(struct htest *t)
{
	setup(t, "pcache.mechanism=victim");
	HT_ASSERT(t, write_page(&mm_a, PA, 40));
	HT_ASSERT(t, access_page(&mm_a, PB, false));
	/* The range is gone (munmap): its dirty victim is dropped. */
	pcache_zap_finish(&mm_a.pmm, PA, PA + PAGE_SIZE, false);
	host_pcache_run_flusher(4);
	HT_EXPECT_EQ(t, flushes_of(&mm_a, PA), 0);
	/* And a new fault does not find the old bytes. */
	HT_EXPECT(t, page_is_zero(&mm_a, PA));
	HT_EXPECT_EQ(t, STAT(victim_hits), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(dirty_victim_written_back_once),
	HT_CASE(clean_victim_dropped),
	HT_CASE(piggybacked_victim_delivered),
	HT_CASE(zap_writes_back_dirty_only),
	HT_CASE(victim_flushed_by_thread),
	HT_CASE(victim_refetched_before_writeback),
	HT_CASE(victim_full_of_dirty_flushes_inline),
	HT_CASE(victim_zap_without_writeback_drops),
	{}
};

HTEST_MAIN(cases)
