/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random numbers for the kernel (arch/x86/kernel/random.c): the CPU's
 * RDRAND, else RDSEED, else (once reported) a generator mixing the TSC,
 * the clock and a counter, which is unpredictable to nobody and only
 * keeps a machine without either instruction working.  For memory keys,
 * AT_RANDOM, getrandom(), address-space layout.
 */
#ifndef _TESSERA_RANDOM_H
#define _TESSERA_RANDOM_H

#include <tessera/types.h>

u64 get_random_u64(void);
void get_random_bytes(void *buf, size_t len);
/* True if the numbers come from the CPU's random-number instructions. */
bool random_is_hardware(void);

#endif /* _TESSERA_RANDOM_H */
