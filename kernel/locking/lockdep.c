// SPDX-License-Identifier: GPL-2.0
/*
 * Lock debugging at run time (CONFIG_DEBUG_SPINLOCK): the held-lock list
 * of each task, the lock-order check over the class graph of
 * lockdep_graph.c, the sleeping-while-atomic checks, the counters, and
 * the reports.  The per-lock owner checks of spinlocks and mutexes are in
 * spinlock_debug.c and mutex.c; they report through the helpers here.
 *
 * Locking and reentrancy:
 *   - graph_lock (a bare ticket lock, no debugging of its own, taken with
 *     interrupts off) serialises additions to the graph.  Lookups of
 *     known classes and edges are lock-free (see internal.h), so the
 *     common case -- an ordering seen before -- takes no shared lock.
 *   - Everything here runs between lockdep_enter() and lockdep_exit():
 *     interrupts off and this CPU's busy flag set.  Lock operations that
 *     happen meanwhile on this CPU (printk() taking its lock while a report
 *     is printed) see the flag and skip the checks, so lockdep never
 *     recurses into itself.  Their release then finds no held-lock entry,
 *     which is ignored (as for locks taken before lockdep_init()).
 *   - A task's held_locks[] is only changed by the task itself, by
 *     interrupt handlers nested on it (interrupts are off in here), and by
 *     lock_handoff() while the task is switched out.
 *   - Reports are printed with graph_lock dropped: printing takes other
 *     locks, whose holders may be waiting for graph_lock.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/lockdep.h>
#include <tessera/panic.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <asm/irqflags.h>

#include "internal.h"

/* Classes shown when printing a dependency chain. */
#define LOCKDEP_MAX_CHAIN_PRINT	16
/* Tasks remembered as already reported for sleeping while atomic. */
#define SLEEP_REPORTED_PIDS	16
/* might_sleep() call sites remembered as already reported. */
#define SLEEP_REPORTED_SITES	32

bool lockdep_enabled;
struct lockdep_stats lockdep_counters;

static struct lockdep_graph graph;		/* additions under graph_lock */
static arch_spinlock_t graph_lock = __ARCH_SPIN_LOCK_UNLOCKED;
static bool graph_off;				/* a table filled up */
static bool cpu_busy[NR_CPUS];			/* inside lockdep, this CPU */

/* Report-once bookkeeping; only touched inside lockdep_enter(). */
static int sleep_reported_pid[SLEEP_REPORTED_PIDS];
static unsigned int sleep_reported_next;
static unsigned long might_sleep_reported[SLEEP_REPORTED_SITES];
static arch_spinlock_t report_lock = __ARCH_SPIN_LOCK_UNLOCKED;

void lockdep_init(void)
{
	unsigned int i;

	if (!IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		return;
	for (i = 0; i < SLEEP_REPORTED_PIDS; i++)
		sleep_reported_pid[i] = -1;
	WRITE_ONCE(lockdep_enabled, true);
	pr_info("lockdep: lock debugging on (%u classes, %u dependencies max)\n",
		LOCKDEP_MAX_CLASSES, LOCKDEP_MAX_EDGES);
}

void lockdep_get_stats(struct lockdep_stats *stats)
{
	stats->recursion = READ_ONCE(lockdep_counters.recursion);
	stats->bad_unlock = READ_ONCE(lockdep_counters.bad_unlock);
	stats->sleep_in_atomic = READ_ONCE(lockdep_counters.sleep_in_atomic);
	stats->inversions = READ_ONCE(lockdep_counters.inversions);
}

bool lockdep_enter(unsigned long *flags)
{
	unsigned int cpu;

	if (!IS_ENABLED(CONFIG_DEBUG_SPINLOCK) || !READ_ONCE(lockdep_enabled))
		return false;
	local_irq_save(*flags);
	cpu = smp_processor_id();
	if (cpu_busy[cpu]) {
		local_irq_restore(*flags);
		return false;
	}
	cpu_busy[cpu] = true;
	return true;
}

void lockdep_exit(unsigned long flags)
{
	cpu_busy[smp_processor_id()] = false;
	local_irq_restore(flags);
}

void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key)
{
	map->key = key;
	map->name = name;
	map->class_idx = 0;
}

/* Turn the ordering check off for good, saying so once. */
static void graph_turn_off(const char *what)
{
	if (!READ_ONCE(graph_off)) {
		WRITE_ONCE(graph_off, true);
		pr_warn("lockdep: %s table full, turning off\n", what);
	}
}

/* Class index of @map, registering the class on first use; -1 if full. */
static int map_class(struct lockdep_map *map, enum lock_kind kind)
{
	const void *key = map->key ? (const void *)map->key : (const void *)map;
	int idx;

	if (map->class_idx)
		return map->class_idx - 1;
	idx = lockdep_graph_find_class(&graph, key);
	if (idx < 0) {
		arch_spin_lock(&graph_lock);
		idx = lockdep_graph_add_class(&graph, key, map->name, kind);
		arch_spin_unlock(&graph_lock);
		if (idx < 0) {
			graph_turn_off("class");
			return -1;
		}
	}
	map->class_idx = idx + 1;
	return idx;
}

static const char *kind_name(enum lock_kind kind)
{
	return kind == LOCK_KIND_MUTEX ? "mutex" : "spin";
}

static void print_held_lock(int i, const struct held_lock *hl)
{
	const struct lockdep_map *map = hl->lock;
	const char *kind = "?";

	if (map->class_idx)
		kind = kind_name(graph.classes[map->class_idx - 1].kind);
	pr_err(" #%d: (%s){%s}, at: %pS\n", i, map->name ? map->name : "?",
	       kind, (void *)hl->acquire_ip);
}

static void print_held_locks(struct task *t)
{
	int i, depth = min_t(int, READ_ONCE(t->lock_depth), MAX_LOCK_DEPTH);

	if (depth == 0) {
		pr_err("no locks held by %s/%d.\n", t->comm, t->pid);
		return;
	}
	pr_err("%d lock%s held by %s/%d:\n", depth, depth > 1 ? "s" : "",
	       t->comm, t->pid);
	for (i = 0; i < depth; i++)
		print_held_lock(i, &t->held_locks[i]);
}

void lockdep_print_held_locks_current(void)
{
	print_held_locks(current);
}

void lockdep_print_held_locks_of(struct task *t)
{
	unsigned long flags;

	if (!lockdep_enter(&flags))
		return;
	print_held_locks(t);
	lockdep_exit(flags);
}

void lockdep_print_held_locks(void)
{
	unsigned long flags;

	if (!lockdep_enter(&flags))
		return;
	print_held_locks(current);
	lockdep_exit(flags);
}

static void report_inversion(const struct held_lock *prev,
			     struct lockdep_map *next, unsigned long ip,
			     const u16 *chain, unsigned int len)
{
	const struct lockdep_map *prev_map = prev->lock;
	struct task *t = current;
	unsigned int i, shown = min(len, (unsigned int)LOCKDEP_MAX_CHAIN_PRINT);

	pr_warn("\n");
	pr_warn("======================================================\n");
	pr_warn("WARNING: possible circular locking dependency detected\n");
	pr_warn("------------------------------------------------------\n");
	pr_warn("%s/%d on CPU#%u is trying to acquire lock:\n", t->comm,
		t->pid, smp_processor_id());
	pr_warn(" (%s), at: %pS\n", next->name, (void *)ip);
	pr_warn("but task is already holding lock:\n");
	pr_warn(" (%s), at: %pS\n", prev_map->name, (void *)prev->acquire_ip);
	pr_warn("which lock already depends on the new lock.\n");
	pr_warn("the existing dependency chain (each taken while holding the one before):\n");
	for (i = 0; i < shown; i++)
		pr_warn(" -> #%u (%s)\n", i, graph.classes[chain[i]].name);
	if (shown < len)
		pr_warn(" -> ... %u more\n", len - shown);
	pr_warn("new dependency: (%s) -> (%s)\n", prev_map->name, next->name);
	pr_warn("possible unsafe locking scenario:\n");
	pr_warn("       CPU0                    CPU1\n");
	pr_warn("       lock(%s);\n", prev_map->name);
	pr_warn("                               lock(%s);\n", next->name);
	pr_warn("                               lock(%s);\n", prev_map->name);
	pr_warn("       lock(%s);\n", next->name);
	pr_warn(" *** DEADLOCK ***\n");
	print_held_locks(t);
	dump_stack();
	pr_warn("======================================================\n");
}

/* @next is about to be taken while @prev is the most recent lock held. */
static void check_order(const struct held_lock *prev, int prev_cls,
			struct lockdep_map *next, int next_cls,
			unsigned long ip)
{
	u16 chain[LOCKDEP_MAX_CHAIN_PRINT];
	enum lockdep_edge_result res;
	unsigned int len;

	/*
	 * Only the most recent held lock gets an edge: the earlier ones
	 * already reach it, so a cycle through them is found from it.
	 */
	if (lockdep_graph_has_edge(&graph, prev_cls, next_cls))
		return;

	arch_spin_lock(&graph_lock);
	res = lockdep_graph_add_edge(&graph, prev_cls, next_cls, chain,
				     ARRAY_SIZE(chain), &len);
	arch_spin_unlock(&graph_lock);

	switch (res) {
	case LOCKDEP_EDGE_CYCLE:
		lockdep_count(inversions);
		report_inversion(prev, next, ip, chain, len);
		break;
	case LOCKDEP_EDGE_FULL:
		graph_turn_off("dependency");
		break;
	default:
		break;
	}
}

void __lock_acquire(struct lockdep_map *map, enum lock_kind kind,
		    bool trylock, unsigned long ip)
{
	struct task *t = current;
	struct held_lock *hl;
	int cls, depth = t->lock_depth;

	if (READ_ONCE(graph_off))
		cls = map->class_idx ? map->class_idx - 1 : -1;
	else
		cls = map_class(map, kind);

	if (cls >= 0 && depth > 0 && !trylock && !READ_ONCE(graph_off)) {
		const struct lockdep_map *prev = t->held_locks[depth - 1].lock;

		if (prev->class_idx)
			check_order(&t->held_locks[depth - 1],
				    prev->class_idx - 1, map, cls, ip);
	}

	if (depth >= MAX_LOCK_DEPTH) {
		pr_warn_once("lockdep: %s/%d holds more than %d locks, not tracking\n",
			     t->comm, t->pid, MAX_LOCK_DEPTH);
		return;
	}
	hl = &t->held_locks[depth];
	hl->lock = map;
	hl->class_key = cls >= 0 ? graph.classes[cls].key : NULL;
	hl->acquire_ip = ip;
	t->lock_depth = depth + 1;
}

/* Remove @map from @t's held list; false if it is not there. */
static bool held_remove(struct task *t, const struct lockdep_map *map,
			unsigned long *ip)
{
	int i, depth = t->lock_depth;

	/* Usually the most recent; releases out of order are allowed. */
	for (i = depth - 1; i >= 0; i--) {
		if (t->held_locks[i].lock != map)
			continue;
		if (ip)
			*ip = t->held_locks[i].acquire_ip;
		for (; i < depth - 1; i++)
			t->held_locks[i] = t->held_locks[i + 1];
		t->lock_depth = depth - 1;
		return true;
	}
	return false;
}

void __lock_release(struct lockdep_map *map)
{
	held_remove(current, map, NULL);
}

void lock_acquire(struct lockdep_map *map, enum lock_kind kind, bool trylock,
		  unsigned long ip)
{
	unsigned long flags;

	if (!lockdep_enter(&flags))
		return;
	__lock_acquire(map, kind, trylock, ip);
	lockdep_exit(flags);
}

void lock_release(struct lockdep_map *map)
{
	unsigned long flags;

	if (!lockdep_enter(&flags))
		return;
	__lock_release(map);
	lockdep_exit(flags);
}

void lock_handoff(struct lockdep_map *map, struct task *prev)
{
	struct task *t = current;
	unsigned long flags, ip = 0;

	if (!lockdep_enter(&flags))
		return;
	if (held_remove(prev, map, &ip) && t->lock_depth < MAX_LOCK_DEPTH) {
		struct held_lock *hl = &t->held_locks[t->lock_depth++];

		hl->lock = map;
		hl->class_key = map->class_idx ?
			graph.classes[map->class_idx - 1].key : NULL;
		hl->acquire_ip = ip;
	}
	lockdep_exit(flags);
}

static bool holds_spinlock(const struct task *t)
{
	int i;

	for (i = 0; i < t->lock_depth; i++) {
		const struct lockdep_map *map = t->held_locks[i].lock;

		if (map->class_idx &&
		    graph.classes[map->class_idx - 1].kind == LOCK_KIND_SPIN)
			return true;
	}
	return false;
}

/* True the first time for @pid (within the last few reported tasks). */
static bool sleep_first_report_for(int pid)
{
	unsigned int i;
	bool first = true;

	arch_spin_lock(&report_lock);
	for (i = 0; i < SLEEP_REPORTED_PIDS; i++)
		if (sleep_reported_pid[i] == pid)
			first = false;
	if (first) {
		sleep_reported_pid[sleep_reported_next] = pid;
		sleep_reported_next = (sleep_reported_next + 1) %
				      SLEEP_REPORTED_PIDS;
	}
	arch_spin_unlock(&report_lock);
	return first;
}

/* True the first time for call site @ip (until the table fills). */
static bool might_sleep_first_report_at(unsigned long ip)
{
	unsigned int i;
	bool first = true;

	arch_spin_lock(&report_lock);
	for (i = 0; i < SLEEP_REPORTED_SITES; i++) {
		if (might_sleep_reported[i] == ip) {
			first = false;
			break;
		}
		if (!might_sleep_reported[i]) {
			might_sleep_reported[i] = ip;
			break;
		}
	}
	arch_spin_unlock(&report_lock);
	return first;
}

void lockdep_check_sleep(void)
{
	struct task *t = current;
	unsigned long flags;
	int count = preempt_count();

	if (!lockdep_enter(&flags))
		return;
	if (count == 0 && !holds_spinlock(t))
		goto out;
	lockdep_count(sleep_in_atomic);
	if (!sleep_first_report_for(t->pid))
		goto out;
	pr_err("BUG: scheduling while atomic: %s/%d/0x%08x\n", t->comm,
	       t->pid, count);
	print_held_locks(t);
	dump_stack();
out:
	lockdep_exit(flags);
}

void __might_sleep(const char *file, int line)
{
	unsigned long ip = (unsigned long)__builtin_return_address(0);
	struct task *t = current;
	unsigned long flags;
	int count = preempt_count();

	if (!lockdep_enter(&flags))
		return;
	if (count == 0 && !holds_spinlock(t))
		goto out;
	lockdep_count(sleep_in_atomic);
	if (!might_sleep_first_report_at(ip))
		goto out;
	pr_err("BUG: sleeping function called from invalid context at %s:%d\n",
	       file, line);
	pr_err("in_atomic(): %d, irqs_disabled(): %d, pid: %d, name: %s\n",
	       count != 0, !(flags & X86_EFLAGS_IF), t->pid, t->comm);
	print_held_locks(t);
	dump_stack();
out:
	lockdep_exit(flags);
}
