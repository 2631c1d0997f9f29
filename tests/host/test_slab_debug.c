/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_slab with CONFIG_DEBUG_SLAB, as configs/debug_defconfig builds the
 * kernel: every cache, the kmalloc ones included, red-zoned and poisoned.
 */
/* HTEST-SOURCES: mm/memblock.c mm/page_alloc.c mm/slab.c lib/string.c tests/host/host_printk.c tests/host/host_mm.c */
/* HTEST-CFLAGS: -DCONFIG_DEBUG_SLAB=1 */
#include "test_slab.c"
