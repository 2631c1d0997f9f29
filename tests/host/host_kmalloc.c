// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc over the C library, for host tests of code that allocates with
 * kmalloc/kfree but does not need the kernel's slab (ext4, rxe): ASan
 * then sees every object.  Tests that exercise the slab itself link
 * mm/slab.c and tests/host/host_mm.c instead.
 */
#include <stdint.h>
#include <stdlib.h>

#include <tessera/slab.h>
#include <tessera/string.h>

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p = malloc(size ? size : 1);

	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kmalloc(n * size, gfp);
}

void kfree(const void *p)
{
	free((void *)p);
}
