/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcache geometry: how many sets a size and an associativity give, and
 * which set a user page of a process falls in.  Pure arithmetic, built
 * into the kernel and into tests/host/test_pcache.c.  The pool itself
 * and the parameters that feed this live in pcache.c.
 */
#include <tessera/errno.h>

#include "internal.h"

int pcache_geometry_init(struct pcache_geometry *g, u64 size,
			 unsigned int ways)
{
	u64 set_bytes, nr_sets = 1;

	if (!ways || ways > PCACHE_MAX_WAYS || size < PCACHE_MIN_SIZE)
		return -EINVAL;
	set_bytes = (u64)ways * PCACHE_LINE_SIZE;
	if (size < set_bytes)
		return -EINVAL;
	while (nr_sets * 2 * set_bytes <= size && nr_sets < (1ULL << 30))
		nr_sets *= 2;
	g->ways = ways;
	g->nr_sets = nr_sets;
	g->nr_lines = nr_sets * ways;
	g->size = nr_sets * set_bytes;
	return 0;
}

unsigned int pcache_set_index(const struct pcache_geometry *g,
			      unsigned long va, u32 salt)
{
	return ((va >> PCACHE_LINE_SHIFT) + salt) & (g->nr_sets - 1);
}
