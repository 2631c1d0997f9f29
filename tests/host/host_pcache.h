/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stubs under the pcache's kernel part (pcache.c, victim_flush.c)
 * for tests/host/test_pcache_victim.c: what they see of the processor
 * manager, and the two handles a test needs.  host_pcache.c has the
 * stubs; the test itself provides the page table (user_map_page(),
 * user_lookup_pte()) and the backend.
 */
#ifndef _TESTS_HOST_PCACHE_H
#define _TESTS_HOST_PCACHE_H

#include "../../managers/processor/internal.h"
#include "../../managers/processor/pcache/internal.h"
#include "../../managers/processor/pcache/pcache.h"
#include <fit/memory.h>
#include <uapi/mman.h>
#include <asm/user_pgtable.h>

/* A broken test setup (not a finding): stop here. */
#define HOST_BUG_ON(cond)	do { if (cond) __builtin_trap(); } while (0)

/* Forget every page handed out (the next pcache_init() starts afresh). */
void host_pcache_reset(void);
/*
 * Run the victim cache's flush thread (started by pcache_init() with
 * pcache.mechanism=victim) for @rounds turns of its loop, here and now.
 */
void host_pcache_run_flusher(unsigned int rounds);

#endif /* _TESTS_HOST_PCACHE_H */
