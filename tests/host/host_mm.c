/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot the kernel's memblock -> buddy -> slab stack on host memory, once
 * per test program (see host_mm.h).
 */
#include <stdlib.h>

#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <asm/page.h>

#include "host_mm.h"

#define ARENA_ALIGN	(4UL << 20)

static char *arena;

char *host_mm_boot(size_t size)
{
	if (arena)
		return arena;
	arena = aligned_alloc(ARENA_ALIGN, size);
	if (!arena)
		return NULL;
	memblock_add(__pa(arena), size);
	mm_init();
	kmem_cache_init();
	return arena;
}
