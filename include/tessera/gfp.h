/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation flags (gfp_t) for the page and slab allocators.
 *
 * No allocation ever sleeps today: GFP_KERNEL and GFP_ATOMIC behave the
 * same and both may be used with interrupts disabled.  They are kept
 * apart so that callers state their context for when reclaim exists.
 */
#ifndef _TESSERA_GFP_H
#define _TESSERA_GFP_H

#include <tessera/types.h>

#define __GFP_RECLAIM	0x01u	/* caller could sleep (process context) */
#define __GFP_ATOMIC	0x02u	/* caller cannot sleep (irq, locks held) */
#define __GFP_ZERO	0x04u	/* zero the returned memory */
#define __GFP_NOWARN	0x08u	/* no log line when the allocation fails */
/*
 * Exempt from allocation failure injection (mm.fail_alloc=): for the
 * rare caller that has no way to report a failure.  Real exhaustion
 * still returns NULL; this is not Linux's retry-forever __GFP_NOFAIL.
 */
#define __GFP_NOFAIL	0x10u

#define __GFP_VALID_MASK (__GFP_RECLAIM | __GFP_ATOMIC | __GFP_ZERO | \
			  __GFP_NOWARN | __GFP_NOFAIL)

#define GFP_KERNEL	__GFP_RECLAIM
#define GFP_ATOMIC	__GFP_ATOMIC

#endif /* _TESSERA_GFP_H */
