/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIFO eviction: the line filled first is evicted first, however much it
 * was used since.  No accessed-bit scan, so a miss never touches the
 * other lines' page-table entries.  The mechanism (pcache.c) keeps
 * set->lines and calls this under the set lock.
 */
#include "internal.h"

static void fifo_insert(struct pcache_set *set, struct pcache_line *line)
{
	list_add_tail(&line->node, &set->lines);
}

static struct pcache_line *fifo_pick(struct pcache_set *set,
				     pcache_young_fn young, void *arg,
				     unsigned int *nr_young)
{
	*nr_young = 0;
	if (list_empty(&set->lines))
		return NULL;
	return list_first_entry(&set->lines, struct pcache_line, node);
}

const struct pcache_policy_ops pcache_policy_fifo = {
	.name = "fifo",
	.insert = fifo_insert,
	.pick = fifo_pick,
};
