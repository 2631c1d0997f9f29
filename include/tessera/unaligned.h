/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads and stores of little- and big-endian integers at any address:
 * wire formats (FIT, P2M/P2S, RoCE headers, CM MADs), on-disk structures
 * (ext4) and digests (SHA-256).  Byte by byte, so they hold whatever the
 * CPU's byte order and the pointer's alignment, and packed members can be
 * passed by address.  The compiler turns each into one move on x86.  The
 * one definition of these helpers; <fit/fit_wire.h> (fit_get_le32() ...)
 * and managers/storage/ext4_fs.h (le32_get() ...) name them for their
 * callers.
 */
#ifndef _TESSERA_UNALIGNED_H
#define _TESSERA_UNALIGNED_H

#include <tessera/types.h>

static inline u16 get_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] | b[1] << 8);
}

static inline u32 get_le32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static inline u64 get_le64(const void *p)
{
	return get_le32(p) | (u64)get_le32((const u8 *)p + 4) << 32;
}

static inline void put_le16(void *p, u16 v)
{
	u8 *b = p;

	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
}

static inline void put_le32(void *p, u32 v)
{
	u8 *b = p;

	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
	b[2] = (u8)(v >> 16);
	b[3] = (u8)(v >> 24);
}

static inline void put_le64(void *p, u64 v)
{
	put_le32(p, (u32)v);
	put_le32((u8 *)p + 4, (u32)(v >> 32));
}

static inline u16 get_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 get_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 get_be64(const void *p)
{
	return (u64)get_be32(p) << 32 | get_be32((const u8 *)p + 4);
}

static inline void put_be16(void *p, u16 v)
{
	u8 *b = p;

	b[0] = (u8)(v >> 8);
	b[1] = (u8)v;
}

static inline void put_be32(void *p, u32 v)
{
	u8 *b = p;

	b[0] = (u8)(v >> 24);
	b[1] = (u8)(v >> 16);
	b[2] = (u8)(v >> 8);
	b[3] = (u8)v;
}

static inline void put_be64(void *p, u64 v)
{
	put_be32(p, (u32)(v >> 32));
	put_be32((u8 *)p + 4, (u32)v);
}

#endif /* _TESSERA_UNALIGNED_H */
