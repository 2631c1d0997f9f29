// SPDX-License-Identifier: GPL-2.0
/*
 * The lock-class dependency graph behind lockdep's ordering check: a
 * fixed table of classes and one of edges, with a breadth-first search
 * for "does B already reach A?" before A -> B is added.  Pure logic with
 * no locking of its own and no printing, so tests/host/test_lockdep.c
 * runs it as a host program; kernel/locking/lockdep.c owns the one
 * kernel instance, its lock, and the reports.
 */
#include <tessera/errno.h>
#include <tessera/string.h>

#include "internal.h"

void lockdep_graph_reset(struct lockdep_graph *g)
{
	memset(g, 0, sizeof(*g));
}

int lockdep_graph_find_class(const struct lockdep_graph *g, const void *key)
{
	unsigned int n = __atomic_load_n(&g->nr_classes, __ATOMIC_ACQUIRE);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (g->classes[i].key == key)
			return i;
	return -ENOENT;
}

int lockdep_graph_add_class(struct lockdep_graph *g, const void *key,
			    const char *name, enum lock_kind kind)
{
	struct lock_class *c;
	int idx;

	idx = lockdep_graph_find_class(g, key);
	if (idx >= 0)
		return idx;
	if (g->nr_classes == LOCKDEP_MAX_CLASSES)
		return -ENOSPC;

	c = &g->classes[g->nr_classes];
	c->key = key;
	c->name = name ? name : "(unnamed)";
	c->kind = kind;
	c->first_out = LOCKDEP_NO_EDGE;
	__atomic_store_n(&g->nr_classes, g->nr_classes + 1, __ATOMIC_RELEASE);
	return g->nr_classes - 1;
}

bool lockdep_graph_has_edge(const struct lockdep_graph *g, unsigned int from,
			    unsigned int to)
{
	u16 e = __atomic_load_n(&g->classes[from].first_out, __ATOMIC_ACQUIRE);

	while (e != LOCKDEP_NO_EDGE) {
		if (g->edges[e].to == to)
			return true;
		e = __atomic_load_n(&g->edges[e].next_out, __ATOMIC_ACQUIRE);
	}
	return false;
}

static bool test_and_set_bit64(u64 *map, unsigned int bit)
{
	u64 mask = 1ULL << (bit % 64);
	bool was = map[bit / 64] & mask;

	map[bit / 64] |= mask;
	return was;
}

unsigned int lockdep_graph_find_path(struct lockdep_graph *g,
				     unsigned int from, unsigned int to,
				     u16 *path, unsigned int max)
{
	unsigned int head = 0, tail = 0, len, n, i;
	u16 node, e;

	memset(g->visited, 0, sizeof(g->visited));
	test_and_set_bit64(g->visited, from);
	g->parent[from] = LOCKDEP_NO_EDGE;
	g->queue[tail++] = from;

	/* Each class enters the queue at most once: tail <= nr_classes. */
	while (head < tail) {
		node = g->queue[head++];
		if (node == to)
			goto found;
		for (e = g->classes[node].first_out; e != LOCKDEP_NO_EDGE;
		     e = g->edges[e].next_out) {
			u16 next = g->edges[e].to;

			if (test_and_set_bit64(g->visited, next))
				continue;
			g->parent[next] = node;
			g->queue[tail++] = next;
		}
	}
	return 0;

found:
	len = 0;
	for (node = to; node != LOCKDEP_NO_EDGE; node = g->parent[node])
		len++;
	/* Walk back from @to, storing each class at its place from @from. */
	n = len;
	for (node = to; node != LOCKDEP_NO_EDGE; node = g->parent[node]) {
		n--;
		if (n < max)
			path[n] = node;
	}
	for (i = len; i < max; i++)
		path[i] = LOCKDEP_NO_EDGE;
	return len;
}

enum lockdep_edge_result lockdep_graph_add_edge(struct lockdep_graph *g,
						unsigned int from,
						unsigned int to, u16 *path,
						unsigned int max,
						unsigned int *path_len)
{
	struct lock_edge *edge;
	unsigned int len;

	*path_len = 0;
	if (from == to || lockdep_graph_has_edge(g, from, to))
		return LOCKDEP_EDGE_KNOWN;

	len = lockdep_graph_find_path(g, to, from, path, max);
	if (len) {
		*path_len = len;
		if (test_and_set_bit64(g->reported,
				       from * LOCKDEP_MAX_CLASSES + to))
			return LOCKDEP_EDGE_CYCLE_SEEN;
		return LOCKDEP_EDGE_CYCLE;
	}

	if (g->nr_edges == LOCKDEP_MAX_EDGES)
		return LOCKDEP_EDGE_FULL;
	edge = &g->edges[g->nr_edges];
	edge->from = from;
	edge->to = to;
	edge->next_out = g->classes[from].first_out;
	/* Publish the filled-in edge before linking it for lock-free readers. */
	__atomic_store_n(&g->classes[from].first_out, (u16)g->nr_edges,
			 __ATOMIC_RELEASE);
	g->nr_edges++;
	return LOCKDEP_EDGE_ADDED;
}
