/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to kernel/locking/: the lock-class dependency graph
 * (lockdep_graph.c, pure logic, also built as a host program by
 * tests/host/test_lockdep.c) and the glue between lockdep.c and the
 * debug paths of spinlocks and mutexes.
 *
 * The graph has one node per lock class and an edge A -> B for "some
 * task acquired a B while holding an A".  Tables are fixed-size; when one
 * is full the caller turns the ordering checks off.
 *
 * Concurrency: classes and edges are only ever appended.  Each is filled
 * in completely and then published with a release store (nr_classes, a
 * class's first_out, an edge's next_out), so lockdep_graph_find_class()
 * and lockdep_graph_has_edge() may run without the graph lock; everything
 * else needs the caller's lock.
 */
#ifndef _KERNEL_LOCKING_INTERNAL_H
#define _KERNEL_LOCKING_INTERNAL_H

#include <tessera/compiler.h>
#include <tessera/lockdep.h>

#define LOCKDEP_MAX_CLASSES	256
#define LOCKDEP_MAX_EDGES	1024
#define LOCKDEP_NO_EDGE		0xffffu

struct lock_class {
	const void *key;
	const char *name;
	u8 kind;			/* enum lock_kind */
	u16 first_out;			/* head of the out-edge list */
};

struct lock_edge {
	u16 from;
	u16 to;
	u16 next_out;			/* next edge with the same @from */
};

struct lockdep_graph {
	struct lock_class classes[LOCKDEP_MAX_CLASSES];
	unsigned int nr_classes;
	struct lock_edge edges[LOCKDEP_MAX_EDGES];
	unsigned int nr_edges;
	/* Bit from*MAX+to: the cycle closed by edge from->to was reported. */
	u64 reported[LOCKDEP_MAX_CLASSES * LOCKDEP_MAX_CLASSES / 64];
	/* Search scratch, under the caller's lock. */
	u16 queue[LOCKDEP_MAX_CLASSES];
	u16 parent[LOCKDEP_MAX_CLASSES];
	u64 visited[LOCKDEP_MAX_CLASSES / 64];
};

/* What lockdep_graph_add_edge() did. */
enum lockdep_edge_result {
	LOCKDEP_EDGE_KNOWN,		/* already there, or from == to */
	LOCKDEP_EDGE_ADDED,
	LOCKDEP_EDGE_CYCLE,		/* would close a cycle: not added */
	LOCKDEP_EDGE_CYCLE_SEEN,	/* same cycle as an earlier report */
	LOCKDEP_EDGE_FULL,		/* edge table full: not added */
};

/* Empty the graph (no classes, no edges). */
void lockdep_graph_reset(struct lockdep_graph *g);

/* Index of the class with @key, or -ENOENT.  Lock-free. */
int lockdep_graph_find_class(const struct lockdep_graph *g, const void *key);

/*
 * Index of the class with @key, adding it (with @name and @kind) if it
 * is new.  -ENOSPC when the class table is full.
 */
int lockdep_graph_add_class(struct lockdep_graph *g, const void *key,
			    const char *name, enum lock_kind kind);

/* True if the edge @from -> @to is recorded.  Lock-free. */
bool lockdep_graph_has_edge(const struct lockdep_graph *g, unsigned int from,
			    unsigned int to);

/*
 * Breadth-first search for a path @from -> ... -> @to.  On success writes
 * the classes on the shortest such path, @from first and @to last, into
 * @path (at most @max entries; longer paths are cut after @max) and
 * returns the number of classes on the whole path; 0 if there is none.
 */
unsigned int lockdep_graph_find_path(struct lockdep_graph *g,
				     unsigned int from, unsigned int to,
				     u16 *path, unsigned int max);

/*
 * Record "@to acquired while holding @from".  If @to already reaches
 * @from the edge would close a cycle: it is not added, and the cycle
 * @to -> ... -> @from goes to @path/@path_len as for find_path.  A cycle
 * is returned as LOCKDEP_EDGE_CYCLE the first time for a (@from, @to)
 * pair and as LOCKDEP_EDGE_CYCLE_SEEN after that.
 */
enum lockdep_edge_result lockdep_graph_add_edge(struct lockdep_graph *g,
						unsigned int from,
						unsigned int to, u16 *path,
						unsigned int max,
						unsigned int *path_len);

#ifndef CONFIG_HOST_TEST
/*
 * Runtime glue (lockdep.c).  lockdep_enter() returns false when lock
 * debugging is off or this CPU is already inside it (e.g. printk()
 * taking its lock while a report is printed); on true, interrupts are
 * off until lockdep_exit().
 */
bool lockdep_enter(unsigned long *flags);
void lockdep_exit(unsigned long flags);

/* The counters behind lockdep_get_stats(). */
extern struct lockdep_stats lockdep_counters;
#define lockdep_count(field) \
	__atomic_fetch_add(&lockdep_counters.field, 1, __ATOMIC_RELAXED)

/* "comm/pid" header line parts and the held-lock list of current. */
void lockdep_print_held_locks_current(void);

/* In lockdep.c, under lockdep_enter(): acquire/release bookkeeping. */
void __lock_acquire(struct lockdep_map *map, enum lock_kind kind,
		    bool trylock, unsigned long ip);
void __lock_release(struct lockdep_map *map);
#endif

#endif /* _KERNEL_LOCKING_INTERNAL_H */
