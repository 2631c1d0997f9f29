/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the memory node's references on mapped storage files
 * (managers/memory/mapref.c) over the real slab allocator, with a fake
 * storage node that records every take and drop and holds a count per
 * file: the first vma of a file takes, the last one gone drops, a run
 * sends only what is left (a vma gone and back in one request costs no
 * call), other kinds of files are ignored, a failed take is not retried
 * until a new vma maps the file, a failed drop forgets the reference;
 * vmas coming and going while a call is in flight (the run settles the
 * record after the call: a mapping gone during its take is dropped in
 * the same run); through vm.c's hook, one reference per file across
 * mmap, split, mprotect merge, fork, mremap and destroy; and 20 seeds of
 * random vma changes and runs against a model, where after every run
 * the fake storage node counts exactly one reference for each mapped
 * file and none for the others.
 */
/* HTEST-SOURCES: managers/memory/mapref.c managers/memory/vm.c managers/memory/fault.c mm/memblock.c mm/page_alloc.c mm/slab.c lib/rbtree.c lib/string.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/mman.h>

#include "../../managers/memory/internal.h"

#define ARENA_SIZE	(16UL << 20)
#define PG		4096ULL
#define NFILES		8

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

/* The fake storage node: references it counts, calls it got. */
struct fake_storage {
	struct mapref_table *t;
	int refs[NFILES];	/* per file id 0..NFILES-1 */
	unsigned int takes, drops;
	int take_ret, drop_ret;	/* what the next calls answer */
	/* Run inside the next take, as another request would meanwhile. */
	void (*during_take)(struct fake_storage *s, u64 id);
	bool pending_in_call;	/* mapref_pending() seen inside a call */
};

static int fake_take(void *ctx, u16 node, u64 id)
{
	struct fake_storage *s = ctx;
	void (*during)(struct fake_storage *, u64) = s->during_take;

	s->takes++;
	s->pending_in_call = mapref_pending(s->t);
	if (during) {
		s->during_take = NULL;
		during(s, id);
	}
	if (node != 2 || id >= NFILES)
		return -ESTALE;
	if (s->take_ret)
		return s->take_ret;
	s->refs[id]++;
	return 0;
}

static int fake_drop(void *ctx, u16 node, u64 id)
{
	struct fake_storage *s = ctx;

	s->drops++;
	if (node != 2 || id >= NFILES || s->refs[id] <= 0)
		return -EBADF;
	s->refs[id]--;	/* a lost reply: dropped all the same */
	return s->drop_ret;
}

static struct mem_file file_of(u64 id)
{
	return (struct mem_file){ .kind = MEM_FILE_STORAGE, .node = 2,
				  .id = id, .size = 16 * PG };
}

static void note(struct mapref_table *t, u64 id, int delta)
{
	struct mem_file f = file_of(id);

	mapref_note(t, &f, delta);
}

static void run(struct mapref_table *t, struct fake_storage *s)
{
	struct mapref_ops ops = { .take = fake_take, .drop = fake_drop,
				  .ctx = s };

	mapref_run(t, &ops);
}

static struct mapref_stats stats(struct mapref_table *t)
{
	struct mapref_stats st;

	mapref_get_stats(t, &st);
	return st;
}

static void begin(struct mapref_table *t, struct fake_storage *s)
{
	mapref_init(t);
	memset(s, 0, sizeof(*s));
	s->t = t;
}

/* First vma takes, last one gone drops, the others cost nothing. */
static void test_first_and_last(struct htest *t)
{
	struct mapref_table tab;
	struct fake_storage s;

	HT_ASSERT_EQ(t, setup(), 0);	/* slab, for the records */
	begin(&tab, &s);
	HT_EXPECT(t, !mapref_pending(&tab));
	note(&tab, 1, 1);
	HT_EXPECT(t, mapref_pending(&tab));
	HT_EXPECT(t, !mapref_holds(&tab, 2, 1));
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes, 1);
	HT_EXPECT_EQ(t, s.refs[1], 1);
	HT_EXPECT(t, s.pending_in_call);
	HT_EXPECT(t, mapref_holds(&tab, 2, 1));
	HT_EXPECT(t, !mapref_pending(&tab));
	note(&tab, 1, 1);
	note(&tab, 1, 1);
	HT_EXPECT(t, !mapref_pending(&tab));
	note(&tab, 1, -1);
	note(&tab, 1, -1);
	HT_EXPECT(t, !mapref_pending(&tab));
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes + s.drops, 1);
	note(&tab, 1, -1);
	HT_EXPECT(t, mapref_pending(&tab));
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.drops, 1);
	HT_EXPECT_EQ(t, s.refs[1], 0);
	HT_EXPECT(t, !mapref_holds(&tab, 2, 1));
	HT_EXPECT_EQ(t, stats(&tab).takes, 1);
	HT_EXPECT_EQ(t, stats(&tab).drops, 1);
	HT_EXPECT_EQ(t, stats(&tab).files, 0);
	HT_EXPECT_EQ(t, stats(&tab).held, 0);
	mapref_destroy(&tab);
}

/* A run sends what is left; tmpfs and registry images are not ours. */
static void test_net_effect(struct htest *t)
{
	struct mem_file tmp = { .kind = MEM_FILE_TMPFS, .node = 2, .id = 3 };
	struct mem_file img = { .kind = MEM_FILE_IMAGE, .node = 2, .id = 4 };
	struct mapref_table tab;
	struct fake_storage s;

	begin(&tab, &s);
	/* Mapped and gone before the run (a failed execve): nothing. */
	note(&tab, 2, 1);
	note(&tab, 2, -1);
	HT_EXPECT(t, !mapref_pending(&tab));
	HT_EXPECT_EQ(t, stats(&tab).files, 0);
	/* Held: unmapped and mapped again in one request (MAP_FIXED). */
	note(&tab, 2, 1);
	run(&tab, &s);
	note(&tab, 2, -1);
	note(&tab, 2, 1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes, 1);
	HT_EXPECT_EQ(t, s.drops, 0);
	mapref_note(&tab, &tmp, 1);
	mapref_note(&tab, &img, 1);
	HT_EXPECT(t, !mapref_pending(&tab));
	HT_EXPECT_EQ(t, stats(&tab).files, 1);
	mapref_note(&tab, &tmp, -1);
	mapref_note(&tab, &img, -1);
	HT_EXPECT_EQ(t, stats(&tab).unmatched, 0);
	/* Another storage node's file of the same id is another file. */
	{
		struct mem_file other = file_of(2);

		other.node = 3;
		mapref_note(&tab, &other, 1);
		HT_EXPECT_EQ(t, stats(&tab).files, 2);
		run(&tab, &s);
		HT_EXPECT_EQ(t, s.takes, 2);	/* refused: node 3 */
		HT_EXPECT_EQ(t, stats(&tab).take_errors, 1);
		HT_EXPECT(t, mapref_holds(&tab, 2, 2));
		HT_EXPECT(t, !mapref_holds(&tab, 3, 2));
		mapref_note(&tab, &other, -1);
	}
	note(&tab, 2, -1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.drops, 1);
	HT_EXPECT_EQ(t, s.refs[2], 0);
	HT_EXPECT_EQ(t, stats(&tab).files, 0);
	/* An unlink nobody counted: counted, nothing else. */
	note(&tab, 5, -1);
	HT_EXPECT_EQ(t, stats(&tab).unmatched, 1);
	HT_EXPECT(t, !mapref_pending(&tab));
	mapref_destroy(&tab);
}

/* A failed take is not retried until a new vma; a failed drop forgets. */
static void test_failures(struct htest *t)
{
	struct mapref_table tab;
	struct fake_storage s;

	begin(&tab, &s);
	s.take_ret = -ENOENT;
	note(&tab, 3, 1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes, 1);
	HT_EXPECT(t, !mapref_pending(&tab));
	HT_EXPECT(t, !mapref_holds(&tab, 2, 3));
	HT_EXPECT_EQ(t, stats(&tab).take_errors, 1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes, 1);
	s.take_ret = 0;
	note(&tab, 3, 1);	/* a second vma: once more */
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes, 2);
	HT_EXPECT(t, mapref_holds(&tab, 2, 3));
	note(&tab, 3, -1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.drops, 0);
	s.drop_ret = -ETIMEDOUT;
	note(&tab, 3, -1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.drops, 1);
	HT_EXPECT_EQ(t, stats(&tab).drop_errors, 1);
	HT_EXPECT_EQ(t, stats(&tab).files, 0);
	HT_EXPECT_EQ(t, stats(&tab).held, 0);
	/* Failed while mapped, then unmapped: the record goes. */
	s.take_ret = -EHOSTDOWN;
	note(&tab, 4, 1);
	run(&tab, &s);
	note(&tab, 4, -1);
	HT_EXPECT(t, !mapref_pending(&tab));
	HT_EXPECT_EQ(t, stats(&tab).files, 0);
	HT_EXPECT_EQ(t, s.drops, 1);
	mapref_destroy(&tab);
}

static void unmap_during(struct fake_storage *s, u64 id)
{
	note(s->t, id, -1);
}

static void map_other_during(struct fake_storage *s, u64 id)
{
	note(s->t, id + 1, 1);
	note(s->t, id, 1);
}

/* vmas change while a call is in flight: the run settles after it. */
static void test_in_flight(struct htest *t)
{
	struct mapref_table tab;
	struct fake_storage s;

	begin(&tab, &s);
	/* The only vma goes during its take: taken, then dropped. */
	s.during_take = unmap_during;
	note(&tab, 1, 1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes, 1);
	HT_EXPECT_EQ(t, s.drops, 1);
	HT_EXPECT_EQ(t, s.refs[1], 0);
	HT_EXPECT_EQ(t, stats(&tab).files, 0);
	HT_EXPECT(t, !mapref_pending(&tab));
	/* Another file mapped, and this one again, during a take. */
	s.during_take = map_other_during;
	note(&tab, 5, 1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes, 3);
	HT_EXPECT_EQ(t, s.refs[5], 1);
	HT_EXPECT_EQ(t, s.refs[6], 1);
	HT_EXPECT(t, !mapref_pending(&tab));
	note(&tab, 5, -1);
	note(&tab, 5, -1);
	note(&tab, 6, -1);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.refs[5] + s.refs[6], 0);
	HT_EXPECT_EQ(t, stats(&tab).files, 0);
	HT_EXPECT_EQ(t, stats(&tab).unmatched, 0);
	mapref_destroy(&tab);
}

static struct mapref_table *hook_table;

static void hook(const struct mem_file *file, int delta)
{
	mapref_note(hook_table, file, delta);
}

/* Through vm.c: one reference per file, whatever makes the vmas. */
static void test_through_vm(struct htest *t)
{
	struct mem_file f = file_of(1), g = file_of(2);
	struct mapref_table tab;
	struct fake_storage s;
	struct rmm *mm, *child;
	s64 a, b;

	HT_ASSERT_EQ(t, setup(), 0);
	begin(&tab, &s);
	hook_table = &tab;
	rmm_set_file_ref(hook);
	mm = rmm_create(1, 100, 0);
	HT_ASSERT(t, mm != NULL);
	a = rmm_mmap(mm, 0, 8 * PG, PROT_READ, MAP_PRIVATE, &f, 0);
	b = rmm_mmap(mm, 0, 4 * PG, PROT_READ, MAP_SHARED, &g, 0);
	HT_ASSERT(t, a > 0 && b > 0);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes, 2);
	HT_EXPECT_EQ(t, s.refs[1] + s.refs[2], 2);
	/* Split, three pieces, merged again, forked, moved. */
	HT_EXPECT_EQ(t, rmm_munmap(mm, a + 2 * PG, PG), 0);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, a + 4 * PG, PG, PROT_NONE), 0);
	HT_EXPECT_EQ(t, rmm_mprotect(mm, a + 4 * PG, PG, PROT_READ), 0);
	child = rmm_fork(mm, 1, 101);
	HT_ASSERT(t, child != NULL);
	HT_EXPECT(t, rmm_mremap(mm, a, 2 * PG, 2 * PG,
				MREMAP_MAYMOVE | MREMAP_FIXED,
				a + 40 * PG) == (s64)(a + 40 * PG));
	/* MAP_FIXED of the same file over itself. */
	HT_EXPECT(t, rmm_mmap(mm, b, 4 * PG, PROT_READ,
			      MAP_SHARED | MAP_FIXED, &g, 0) == b);
	HT_EXPECT(t, !mapref_pending(&tab));
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.takes + s.drops, 2);
	/* Every vma of the parent gone: the child's keep both. */
	rmm_destroy(mm);
	HT_EXPECT(t, !mapref_pending(&tab));
	/* The child unmaps g: dropped; its f stays. */
	HT_EXPECT_EQ(t, rmm_munmap(child, b, 4 * PG), 0);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.drops, 1);
	HT_EXPECT_EQ(t, s.refs[1], 1);
	HT_EXPECT_EQ(t, s.refs[2], 0);
	rmm_destroy(child);
	run(&tab, &s);
	HT_EXPECT_EQ(t, s.drops, 2);
	HT_EXPECT_EQ(t, s.refs[1], 0);
	HT_EXPECT_EQ(t, stats(&tab).files, 0);
	HT_EXPECT_EQ(t, stats(&tab).unmatched, 0);
	HT_EXPECT_EQ(t, stats(&tab).untracked, 0);
	rmm_set_file_ref(NULL);
	mapref_destroy(&tab);
}

static u64 rnd_state;
static int model[NFILES];	/* vmas of each file, as the test made them */

static u32 rnd(u32 n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(rnd_state >> 33) % n;
}

/* One random vma change, in the table and in the model. */
static void random_change(struct mapref_table *t)
{
	u64 f = rnd(NFILES);

	if (rnd(2) || !model[f]) {
		note(t, f, 1);
		model[f]++;
	} else {
		note(t, f, -1);
		model[f]--;
	}
}

static void random_during(struct fake_storage *s, u64 id)
{
	for (u32 n = rnd(4); n; n--)
		random_change(s->t);
}

/* After a run: one reference per mapped file (none if its take failed). */
static void check_model(struct htest *t, struct mapref_table *tab,
			struct fake_storage *s, bool failures, u64 seed)
{
	u64 mapped = 0, held = 0;

	for (u64 f = 0; f < NFILES; f++) {
		bool want = model[f] > 0;

		mapped += want;
		held += s->refs[f];
		if (s->refs[f] != (int)want && !(failures && !s->refs[f]))
			HT_FAIL(t, "seed %llu: file %llu: %d vmas, %d references",
				(unsigned long long)seed,
				(unsigned long long)f, model[f], s->refs[f]);
		HT_EXPECT_EQ(t, mapref_holds(tab, 2, f), s->refs[f] == 1);
	}
	HT_EXPECT(t, !mapref_pending(tab));
	HT_EXPECT_EQ(t, stats(tab).files, mapped);
	HT_EXPECT_EQ(t, stats(tab).held, held);
	HT_EXPECT_EQ(t, stats(tab).takes - stats(tab).drops, held);
}

/*
 * 20 seeds of random vma changes and runs (changes also during a take;
 * takes failing at random on odd seeds) against a model: after every
 * run each mapped file holds exactly one reference at the fake storage
 * node (or none after a failed take), every other file none and no
 * record; at the end everything is unmapped and dropped.
 */
static void test_random(struct htest *t)
{
	for (u64 seed = 1; seed <= 20; seed++) {
		bool failures = seed & 1;
		struct mapref_table tab;
		struct fake_storage s;

		begin(&tab, &s);
		memset(model, 0, sizeof(model));
		rnd_state = seed;
		for (int step = 0; step < 600; step++) {
			if (rnd(6)) {
				random_change(&tab);
				continue;
			}
			if (!rnd(3))
				s.during_take = random_during;
			s.take_ret = failures && !rnd(4) ? -EIO : 0;
			run(&tab, &s);
			s.during_take = NULL;
			/* A change during the last call: one more run. */
			s.take_ret = failures ? s.take_ret : 0;
			run(&tab, &s);
			check_model(t, &tab, &s, failures, seed);
		}
		for (u64 f = 0; f < NFILES; f++)
			while (model[f]) {
				note(&tab, f, -1);
				model[f]--;
			}
		run(&tab, &s);
		check_model(t, &tab, &s, false, seed);
		HT_EXPECT_EQ(t, stats(&tab).files, 0);
		HT_EXPECT_EQ(t, stats(&tab).unmatched, 0);
		mapref_destroy(&tab);
	}
}

static void test_no_leaks(struct htest *t)
{
	HT_ASSERT_EQ(t, setup(), 0);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	HT_EXPECT(t, nr_free_pages() + 64 >= baseline_free);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_first_and_last),
	HT_CASE(test_net_effect),
	HT_CASE(test_failures),
	HT_CASE(test_in_flight),
	HT_CASE(test_through_vm),
	HT_CASE(test_random),
	HT_CASE(test_no_leaks),
	{}
};

HTEST_MAIN(cases)
