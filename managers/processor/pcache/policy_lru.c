/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LRU eviction, approximated by a clock: a hit is a plain load, so the
 * only trace of use is the accessed bit the CPU sets in the line's PTE.
 * set->lines is the clock; at a miss the hand walks from the head, and a
 * line found used (bit cleared on the way) goes to the tail with a second
 * chance; the first unused line is the victim.  If every line was used,
 * the walk comes back to where it started and that line, now unmarked,
 * goes.  Clearing the bit without a TLB flush may make a line look idle
 * while a CPU still has it cached: the order is approximate, never wrong
 * in content.  Runs under the set lock (pcache.c).
 */
#include "internal.h"

static void lru_insert(struct pcache_set *set, struct pcache_line *line)
{
	list_add_tail(&line->node, &set->lines);
}

static struct pcache_line *lru_pick(struct pcache_set *set,
				    pcache_young_fn young, void *arg,
				    unsigned int *nr_young)
{
	unsigned int left = set->nr_valid;
	struct pcache_line *line;

	*nr_young = 0;
	while (left-- && !list_empty(&set->lines)) {
		line = list_first_entry(&set->lines, struct pcache_line, node);
		if (!young(line, arg))
			return line;
		(*nr_young)++;
		list_move_tail(&line->node, &set->lines);
	}
	if (list_empty(&set->lines))
		return NULL;
	return list_first_entry(&set->lines, struct pcache_line, node);
}

const struct pcache_policy_ops pcache_policy_lru = {
	.name = "lru",
	.insert = lru_insert,
	.pick = lru_pick,
};
