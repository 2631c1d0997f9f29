/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width integer types and the few basic typedefs every file uses.
 * Freestanding: only the compiler's own <stdint.h>/<stddef.h>/<stdbool.h>.
 * This header also builds on the host for tests/host.
 */
#ifndef _TESSERA_TYPES_H
#define _TESSERA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;
typedef u16 __be16;
typedef u32 __be32;
typedef u64 __be64;

#ifndef __ssize_t_defined
typedef long ssize_t;
#define __ssize_t_defined
#endif

/* Physical address: plain integer; never dereferenced without __va(). */
typedef u64 phys_addr_t;

typedef unsigned int gfp_t;

#endif /* _TESSERA_TYPES_H */
