// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the lock-class dependency graph behind lockdep
 * (kernel/locking/lockdep_graph.c): class registration and its table
 * limit, edge recording and its limit, shortest-path search, cycle
 * detection for two-lock and longer inversions, and report-once
 * bookkeeping.  The expected paths are worked out by hand from the
 * edges each case adds, and a brute-force reachability check (Floyd-
 * Warshall closure) cross-checks a random graph.
 */
/* HTEST-SOURCES: kernel/locking/lockdep_graph.c lib/string.c */
#include "htest.h"
#include <tessera/errno.h>
#include "../../kernel/locking/internal.h"

static struct lockdep_graph g;
static char keys[LOCKDEP_MAX_CLASSES + 1];	/* distinct addresses */

static int cls(int i)
{
	return lockdep_graph_add_class(&g, &keys[i], "k", LOCK_KIND_SPIN);
}

static void test_classes(struct htest *t)
{
	int i;

	lockdep_graph_reset(&g);
	HT_EXPECT_EQ(t, lockdep_graph_find_class(&g, &keys[0]), -ENOENT);
	HT_EXPECT_EQ(t, lockdep_graph_add_class(&g, &keys[0], "a",
						LOCK_KIND_SPIN), 0);
	HT_EXPECT_EQ(t, lockdep_graph_add_class(&g, &keys[1], "b",
						LOCK_KIND_MUTEX), 1);
	/* Adding an existing key returns its index, not a new class. */
	HT_EXPECT_EQ(t, lockdep_graph_add_class(&g, &keys[0], "again",
						LOCK_KIND_SPIN), 0);
	HT_EXPECT_EQ(t, g.nr_classes, 2);
	HT_EXPECT_STREQ(t, g.classes[0].name, "a");
	HT_EXPECT_EQ(t, g.classes[1].kind, LOCK_KIND_MUTEX);
	HT_EXPECT_EQ(t, lockdep_graph_find_class(&g, &keys[1]), 1);
	HT_EXPECT_STREQ(t, g.classes[lockdep_graph_add_class(&g, &keys[2],
				NULL, LOCK_KIND_SPIN)].name, "(unnamed)");

	for (i = 3; i < LOCKDEP_MAX_CLASSES; i++)
		HT_ASSERT_EQ(t, cls(i), i);
	HT_EXPECT_EQ(t, cls(LOCKDEP_MAX_CLASSES), -ENOSPC);
	HT_EXPECT_EQ(t, cls(7), 7);	/* known keys still resolve */
}

static void test_two_lock_inversion(struct htest *t)
{
	u16 path[8];
	unsigned int len;
	int a, b;

	lockdep_graph_reset(&g);
	a = cls(0);
	b = cls(1);
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, a, b, path, 8, &len),
		     LOCKDEP_EDGE_ADDED);
	HT_EXPECT(t, lockdep_graph_has_edge(&g, a, b));
	HT_EXPECT(t, !lockdep_graph_has_edge(&g, b, a));
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, a, b, path, 8, &len),
		     LOCKDEP_EDGE_KNOWN);
	HT_EXPECT_EQ(t, g.nr_edges, 1);

	/* b -> a: the existing path a -> b closes the cycle. */
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, b, a, path, 8, &len),
		     LOCKDEP_EDGE_CYCLE);
	HT_EXPECT_EQ(t, len, 2);
	HT_EXPECT_EQ(t, path[0], a);
	HT_EXPECT_EQ(t, path[1], b);
	HT_EXPECT(t, !lockdep_graph_has_edge(&g, b, a));
	/* Reported once per pair. */
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, b, a, path, 8, &len),
		     LOCKDEP_EDGE_CYCLE_SEEN);
	HT_EXPECT_EQ(t, g.nr_edges, 1);
	/* Same class nested: not an ordering, ignored. */
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, a, a, path, 8, &len),
		     LOCKDEP_EDGE_KNOWN);
}

static void test_long_cycle_and_shortest_path(struct htest *t)
{
	u16 path[8];
	unsigned int len;
	int i;

	lockdep_graph_reset(&g);
	for (i = 0; i < 6; i++)
		cls(i);
	/* 0 -> 1 -> 2 -> 3 -> 4, and a shortcut 1 -> 4. */
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 0, 1, path, 8, &len),
		     LOCKDEP_EDGE_ADDED);
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 1, 2, path, 8, &len),
		     LOCKDEP_EDGE_ADDED);
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 2, 3, path, 8, &len),
		     LOCKDEP_EDGE_ADDED);
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 3, 4, path, 8, &len),
		     LOCKDEP_EDGE_ADDED);
	HT_EXPECT_EQ(t, lockdep_graph_find_path(&g, 0, 4, path, 8), 5);
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 1, 4, path, 8, &len),
		     LOCKDEP_EDGE_ADDED);
	HT_EXPECT_EQ(t, lockdep_graph_find_path(&g, 0, 4, path, 8), 3);
	HT_EXPECT_EQ(t, path[0], 0);
	HT_EXPECT_EQ(t, path[1], 1);
	HT_EXPECT_EQ(t, path[2], 4);
	HT_EXPECT_EQ(t, lockdep_graph_find_path(&g, 4, 0, path, 8), 0);
	HT_EXPECT_EQ(t, lockdep_graph_find_path(&g, 5, 0, path, 8), 0);

	/* 3 -> 0 closes 0 -> 1 -> 2 -> 3 -> 0; the chain is reported. */
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 3, 0, path, 8, &len),
		     LOCKDEP_EDGE_CYCLE);
	HT_EXPECT_EQ(t, len, 4);
	HT_EXPECT_EQ(t, path[0], 0);
	HT_EXPECT_EQ(t, path[1], 1);
	HT_EXPECT_EQ(t, path[2], 2);
	HT_EXPECT_EQ(t, path[3], 3);
	/* A path longer than the buffer: the length is whole, the copy cut. */
	HT_EXPECT_EQ(t, lockdep_graph_find_path(&g, 0, 3, path, 2), 4);
	HT_EXPECT_EQ(t, path[0], 0);
	HT_EXPECT_EQ(t, path[1], 1);
	/* Unrelated edges stay fine. */
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 5, 0, path, 8, &len),
		     LOCKDEP_EDGE_ADDED);
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 4, 5, path, 8, &len),
		     LOCKDEP_EDGE_CYCLE);
	/* The existing path from 5 back to 4 is 5 -> 0 -> 1 -> 4. */
	HT_EXPECT_EQ(t, len, 4);
	HT_EXPECT_EQ(t, path[0], 5);
	HT_EXPECT_EQ(t, path[1], 0);
	HT_EXPECT_EQ(t, path[2], 1);
	HT_EXPECT_EQ(t, path[3], 4);
}

static void test_edge_table_full(struct htest *t)
{
	u16 path[4];
	unsigned int len, added = 0;
	int i, j;

	lockdep_graph_reset(&g);
	for (i = 0; i < 64; i++)
		cls(i);
	/* i -> j for i < j only: acyclic, 64*63/2 = 2016 edges wanted. */
	for (i = 0; i < 64 && added < LOCKDEP_MAX_EDGES; i++)
		for (j = i + 1; j < 64 && added < LOCKDEP_MAX_EDGES; j++) {
			HT_ASSERT_EQ(t, lockdep_graph_add_edge(&g, i, j, path,
					4, &len), LOCKDEP_EDGE_ADDED);
			added++;
		}
	HT_EXPECT_EQ(t, g.nr_edges, LOCKDEP_MAX_EDGES);
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 62, 63, path, 4, &len),
		     LOCKDEP_EDGE_FULL);
	/* Cycles are still found with a full table. */
	HT_EXPECT_EQ(t, lockdep_graph_add_edge(&g, 1, 0, path, 4, &len),
		     LOCKDEP_EDGE_CYCLE);
}

#define RND_N	40

static unsigned int rnd_state = 12345;

static unsigned int rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 16;
}

/* Random edge insertions against a transitive-closure model. */
static void test_random_against_closure(struct htest *t)
{
	static bool reach[RND_N][RND_N];
	u16 path[RND_N];
	unsigned int len, k;
	int i, j, m, step;

	lockdep_graph_reset(&g);
	for (i = 0; i < RND_N; i++)
		cls(i);
	for (i = 0; i < RND_N; i++)
		for (j = 0; j < RND_N; j++)
			reach[i][j] = false;

	for (step = 0; step < 600; step++) {
		int from = rnd() % RND_N, to = rnd() % RND_N;
		enum lockdep_edge_result res;
		bool had = lockdep_graph_has_edge(&g, from, to);

		res = lockdep_graph_add_edge(&g, from, to, path, RND_N, &len);
		if (from == to || had) {
			HT_ASSERT_EQ(t, res, LOCKDEP_EDGE_KNOWN);
			continue;
		}
		if (reach[to][from]) {
			HT_ASSERT(t, res == LOCKDEP_EDGE_CYCLE ||
				  res == LOCKDEP_EDGE_CYCLE_SEEN);
			/* The chain is real: consecutive classes have edges. */
			HT_ASSERT(t, len >= 2 && len <= RND_N);
			HT_ASSERT_EQ(t, path[0], to);
			HT_ASSERT_EQ(t, path[len - 1], from);
			for (k = 0; k + 1 < len; k++)
				HT_ASSERT(t, lockdep_graph_has_edge(&g,
						path[k], path[k + 1]));
			continue;
		}
		HT_ASSERT_EQ(t, res, LOCKDEP_EDGE_ADDED);
		reach[from][to] = true;
		for (m = 0; m < RND_N; m++)
			for (i = 0; i < RND_N; i++)
				for (j = 0; j < RND_N; j++)
					if (reach[i][m] && reach[m][j])
						reach[i][j] = true;
	}
	/* The graph stays acyclic: nothing reaches itself. */
	for (i = 0; i < RND_N; i++)
		HT_EXPECT_EQ(t, lockdep_graph_find_path(&g, i, i, path,
							RND_N), 1);
	for (i = 0; i < RND_N; i++)
		for (j = 0; j < RND_N; j++)
			if (i != j)
				HT_ASSERT_EQ(t, lockdep_graph_find_path(&g, i,
						j, path, RND_N) != 0,
					     reach[i][j]);
}

static const struct htest_case cases[] = {
	HT_CASE(test_classes),
	HT_CASE(test_two_lock_inversion),
	HT_CASE(test_long_cycle_and_shortest_path),
	HT_CASE(test_edge_table_full),
	HT_CASE(test_random_against_closure),
	{}
};

HTEST_MAIN(cases)
