/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests that need the real buddy and slab allocators boot them on an
 * arena of host memory (tests/host/host_mm.c; list it in HTEST-SOURCES
 * next to mm/memblock.c, mm/page_alloc.c and mm/slab.c).
 */
#ifndef _HOST_MM_H
#define _HOST_MM_H

#include <stddef.h>

/*
 * The first call allocates a @size-byte arena aligned to 4 MiB, hands it
 * to memblock and runs mm_init() and kmem_cache_init(); later calls
 * return the same arena.  NULL if the host is out of memory.
 */
char *host_mm_boot(size_t size);

#endif /* _HOST_MM_H */
