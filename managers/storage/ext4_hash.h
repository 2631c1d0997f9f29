/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ext4's directory name hash (ext4_hash.c), the key of hashed
 * (dir_index) directories.  Private to managers/storage/.
 */
#ifndef _STORAGE_EXT4_HASH_H
#define _STORAGE_EXT4_HASH_H

#include <tessera/types.h>

/* dx_root_info.hash_version and s_def_hash_version values */
#define EXT4_HASH_LEGACY		0
#define EXT4_HASH_HALF_MD4		1
#define EXT4_HASH_TEA			2
#define EXT4_HASH_LEGACY_UNSIGNED	3
#define EXT4_HASH_HALF_MD4_UNSIGNED	4
#define EXT4_HASH_TEA_UNSIGNED		5
/* A signed version plus this is its unsigned-char twin. */
#define EXT4_HASH_UNSIGNED_DELTA	3

/* s_flags: how the creator's `char` was signed */
#define EXT4_SB_FLAGS_SIGNED_HASH	0x0001
#define EXT4_SB_FLAGS_UNSIGNED_HASH	0x0002

struct ext4_dirhash {
	u32 hash;			/* major: even, never 0xfffffffe */
	u32 minor;
};

/*
 * Hash @name (@len bytes, 1..255) with @version (EXT4_HASH_*) and the
 * superblock's s_hash_seed as CPU-order words (@seed, or all zero: the
 * default seed).  0, or -EINVAL for an unknown version.
 */
int ext4_dirhash(const char *name, u32 len, u8 version, const u32 seed[4],
		 struct ext4_dirhash *out);

#endif /* _STORAGE_EXT4_HASH_H */
