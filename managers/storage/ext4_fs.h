/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 on-disk format, as far as the storage manager reads it: the
 * superblock, group descriptors (32- and 64-byte), inodes, the extent
 * tree, directory entries and the checksum tails of metadata_csum file
 * systems.  Every field is little-endian on disk; structs here are the
 * raw layout and are read with le*_get() (no host-order copies), sizes
 * and offsets checked at compile time.
 *
 * Only layout lives here.  What the reader does with it, and which
 * features it accepts, is managers/storage/ext4.c and
 * Documentation/storage.md.
 */
#ifndef _STORAGE_EXT4_FS_H
#define _STORAGE_EXT4_FS_H

#include <tessera/compiler.h>
#include <tessera/types.h>
#include <tessera/unaligned.h>

#define EXT4_SUPER_OFFSET	1024	/* bytes from the start of the disk */
#define EXT4_SUPER_MAGIC	0xEF53
#define EXT4_MIN_BLOCK_LOG	10	/* 1 KiB */
#define EXT4_MAX_BLOCK_LOG	16	/* 64 KiB */
#define EXT4_ROOT_INO		2
#define EXT4_GOOD_OLD_INODE_SIZE 128
#define EXT4_GOOD_OLD_FIRST_INO	11
#define EXT4_NAME_LEN		255
#define EXT4_N_BLOCKS		15	/* i_block[] words */
#define EXT4_NDIR_BLOCKS	12
#define EXT4_IND_BLOCK		12
#define EXT4_DIND_BLOCK		13
#define EXT4_TIND_BLOCK		14
#define EXT4_MIN_DESC_SIZE	32
#define EXT4_MIN_DESC_SIZE_64	64
#define EXT4_MAX_DESC_SIZE	1024

/* s_state, s_creator_os, s_rev_level */
#define EXT4_DYNAMIC_REV	1

/* s_feature_compat */
#define EXT4_FEATURE_COMPAT_DIR_PREALLOC	0x0001
#define EXT4_FEATURE_COMPAT_HAS_JOURNAL		0x0004
#define EXT4_FEATURE_COMPAT_EXT_ATTR		0x0008
#define EXT4_FEATURE_COMPAT_RESIZE_INODE	0x0010
#define EXT4_FEATURE_COMPAT_DIR_INDEX		0x0020
#define EXT4_FEATURE_COMPAT_SPARSE_SUPER2	0x0200

/* s_feature_ro_compat */
#define EXT4_FEATURE_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT4_FEATURE_RO_COMPAT_LARGE_FILE	0x0002
#define EXT4_FEATURE_RO_COMPAT_BTREE_DIR	0x0004
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE	0x0008
#define EXT4_FEATURE_RO_COMPAT_GDT_CSUM		0x0010
#define EXT4_FEATURE_RO_COMPAT_DIR_NLINK	0x0020
#define EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE	0x0040
#define EXT4_FEATURE_RO_COMPAT_QUOTA		0x0100
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC		0x0200
#define EXT4_FEATURE_RO_COMPAT_METADATA_CSUM	0x0400
#define EXT4_FEATURE_RO_COMPAT_READONLY		0x1000
#define EXT4_FEATURE_RO_COMPAT_PROJECT		0x2000
#define EXT4_FEATURE_RO_COMPAT_VERITY		0x8000
#define EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT	0x10000

/* s_feature_incompat */
#define EXT4_FEATURE_INCOMPAT_COMPRESSION	0x0001
#define EXT4_FEATURE_INCOMPAT_FILETYPE		0x0002
#define EXT4_FEATURE_INCOMPAT_RECOVER		0x0004
#define EXT4_FEATURE_INCOMPAT_JOURNAL_DEV	0x0008
#define EXT4_FEATURE_INCOMPAT_META_BG		0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS		0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT		0x0080
#define EXT4_FEATURE_INCOMPAT_MMP		0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG		0x0200
#define EXT4_FEATURE_INCOMPAT_EA_INODE		0x0400
#define EXT4_FEATURE_INCOMPAT_DIRDATA		0x1000
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED		0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR		0x4000
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA	0x8000
#define EXT4_FEATURE_INCOMPAT_ENCRYPT		0x10000
#define EXT4_FEATURE_INCOMPAT_CASEFOLD		0x20000

/* s_checksum_type */
#define EXT4_CRC32C_CHKSUM	1

struct ext4_super_block {
	__le32 s_inodes_count;		/* 0x00 */
	__le32 s_blocks_count_lo;
	__le32 s_r_blocks_count_lo;
	__le32 s_free_blocks_count_lo;
	__le32 s_free_inodes_count;	/* 0x10 */
	__le32 s_first_data_block;
	__le32 s_log_block_size;
	__le32 s_log_cluster_size;
	__le32 s_blocks_per_group;	/* 0x20 */
	__le32 s_clusters_per_group;
	__le32 s_inodes_per_group;
	__le32 s_mtime;
	__le32 s_wtime;			/* 0x30 */
	__le16 s_mnt_count;
	__le16 s_max_mnt_count;
	__le16 s_magic;
	__le16 s_state;
	__le16 s_errors;
	__le16 s_minor_rev_level;
	__le32 s_lastcheck;		/* 0x40 */
	__le32 s_checkinterval;
	__le32 s_creator_os;
	__le32 s_rev_level;
	__le16 s_def_resuid;		/* 0x50 */
	__le16 s_def_resgid;
	__le32 s_first_ino;
	__le16 s_inode_size;
	__le16 s_block_group_nr;
	__le32 s_feature_compat;
	__le32 s_feature_incompat;	/* 0x60 */
	__le32 s_feature_ro_compat;
	u8 s_uuid[16];			/* 0x68 */
	char s_volume_name[16];		/* 0x78 */
	char s_last_mounted[64];	/* 0x88 */
	__le32 s_algorithm_usage_bitmap; /* 0xc8 */
	u8 s_prealloc_blocks;		/* 0xcc */
	u8 s_prealloc_dir_blocks;
	__le16 s_reserved_gdt_blocks;
	u8 s_journal_uuid[16];		/* 0xd0 */
	__le32 s_journal_inum;		/* 0xe0 */
	__le32 s_journal_dev;
	__le32 s_last_orphan;
	__le32 s_hash_seed[4];		/* 0xec */
	u8 s_def_hash_version;		/* 0xfc */
	u8 s_jnl_backup_type;
	__le16 s_desc_size;		/* 0xfe */
	__le32 s_default_mount_opts;	/* 0x100 */
	__le32 s_first_meta_bg;
	__le32 s_mkfs_time;
	__le32 s_jnl_blocks[17];	/* 0x10c */
	__le32 s_blocks_count_hi;	/* 0x150 */
	__le32 s_r_blocks_count_hi;
	__le32 s_free_blocks_count_hi;
	__le16 s_min_extra_isize;
	__le16 s_want_extra_isize;
	__le32 s_flags;			/* 0x160 */
	__le16 s_raid_stride;
	__le16 s_mmp_update_interval;
	__le64 s_mmp_block;
	__le32 s_raid_stripe_width;	/* 0x170 */
	u8 s_log_groups_per_flex;
	u8 s_checksum_type;		/* 0x175 */
	__le16 s_reserved_pad;
	__le64 s_kbytes_written;	/* 0x178 */
	u8 s_other[0x270 - 0x180];	/* snapshot, error, mount info */
	__le32 s_checksum_seed;		/* 0x270 */
	u8 s_other2[0x3fc - 0x274];	/* time hi, encoding, reserved */
	__le32 s_checksum;		/* 0x3fc */
} __packed;

_Static_assert(sizeof(struct ext4_super_block) == 1024, "superblock size");
_Static_assert(__builtin_offsetof(struct ext4_super_block, s_magic) == 0x38,
	       "s_magic");
_Static_assert(__builtin_offsetof(struct ext4_super_block, s_uuid) == 0x68,
	       "s_uuid");
_Static_assert(__builtin_offsetof(struct ext4_super_block, s_desc_size) ==
	       0xfe, "s_desc_size");
_Static_assert(__builtin_offsetof(struct ext4_super_block, s_first_meta_bg) ==
	       0x104, "s_first_meta_bg");
_Static_assert(__builtin_offsetof(struct ext4_super_block,
				  s_blocks_count_hi) == 0x150, "blocks hi");
_Static_assert(__builtin_offsetof(struct ext4_super_block,
				  s_checksum_type) == 0x175, "checksum type");
_Static_assert(__builtin_offsetof(struct ext4_super_block,
				  s_checksum_seed) == 0x270, "checksum seed");

struct ext4_group_desc {
	__le32 bg_block_bitmap_lo;	/* 0x00 */
	__le32 bg_inode_bitmap_lo;
	__le32 bg_inode_table_lo;
	__le16 bg_free_blocks_count_lo;
	__le16 bg_free_inodes_count_lo;
	__le16 bg_used_dirs_count_lo;	/* 0x10 */
	__le16 bg_flags;
	__le32 bg_exclude_bitmap_lo;
	__le16 bg_block_bitmap_csum_lo;	/* 0x18 */
	__le16 bg_inode_bitmap_csum_lo;
	__le16 bg_itable_unused_lo;
	__le16 bg_checksum;		/* 0x1e */
	/* 64bit only (s_desc_size >= 64): */
	__le32 bg_block_bitmap_hi;	/* 0x20 */
	__le32 bg_inode_bitmap_hi;
	__le32 bg_inode_table_hi;
	__le16 bg_free_blocks_count_hi;
	__le16 bg_free_inodes_count_hi;
	__le16 bg_used_dirs_count_hi;	/* 0x30 */
	__le16 bg_itable_unused_hi;
	__le32 bg_exclude_bitmap_hi;
	__le16 bg_block_bitmap_csum_hi;
	__le16 bg_inode_bitmap_csum_hi;
	__le32 bg_reserved;
} __packed;

_Static_assert(sizeof(struct ext4_group_desc) == 64, "group desc size");
_Static_assert(__builtin_offsetof(struct ext4_group_desc, bg_checksum) ==
	       0x1e, "bg_checksum");

/* i_mode file types (as in Linux's S_IF*). */
#define EXT4_S_IFMT		0170000
#define EXT4_S_IFSOCK		0140000
#define EXT4_S_IFLNK		0120000
#define EXT4_S_IFREG		0100000
#define EXT4_S_IFBLK		0060000
#define EXT4_S_IFDIR		0040000
#define EXT4_S_IFCHR		0020000
#define EXT4_S_IFIFO		0010000

/* i_flags */
#define EXT4_INDEX_FL		0x00001000	/* hashed directory */
#define EXT4_HUGE_FILE_FL	0x00040000	/* i_blocks in fs blocks */
#define EXT4_EXTENTS_FL		0x00080000
#define EXT4_EA_INODE_FL	0x00200000
#define EXT4_INLINE_DATA_FL	0x10000000
#define EXT4_ENCRYPT_FL		0x00000800

struct ext4_inode {
	__le16 i_mode;			/* 0x00 */
	__le16 i_uid;
	__le32 i_size_lo;
	__le32 i_atime;			/* 0x08 */
	__le32 i_ctime;
	__le32 i_mtime;			/* 0x10 */
	__le32 i_dtime;
	__le16 i_gid;			/* 0x18 */
	__le16 i_links_count;
	__le32 i_blocks_lo;
	__le32 i_flags;			/* 0x20 */
	__le32 i_version_lo;		/* osd1 */
	__le32 i_block[EXT4_N_BLOCKS];	/* 0x28 */
	__le32 i_generation;		/* 0x64 */
	__le32 i_file_acl_lo;
	__le32 i_size_high;		/* 0x6c */
	__le32 i_obso_faddr;
	/* osd2 (Linux) */
	__le16 i_blocks_high;		/* 0x74 */
	__le16 i_file_acl_high;
	__le16 i_uid_high;		/* 0x78 */
	__le16 i_gid_high;
	__le16 i_checksum_lo;		/* 0x7c */
	__le16 i_reserved;
	/* Large inodes: i_extra_isize bytes of what follows are valid. */
	__le16 i_extra_isize;		/* 0x80 */
	__le16 i_checksum_hi;		/* 0x82 */
	__le32 i_ctime_extra;		/* 0x84 */
	__le32 i_mtime_extra;		/* 0x88 */
	__le32 i_atime_extra;		/* 0x8c */
	__le32 i_crtime;		/* 0x90 */
	__le32 i_crtime_extra;		/* 0x94 */
	__le32 i_version_hi;		/* 0x98 */
	__le32 i_projid;		/* 0x9c */
} __packed;

_Static_assert(sizeof(struct ext4_inode) == 160, "inode size");
_Static_assert(__builtin_offsetof(struct ext4_inode, i_block) == 0x28,
	       "i_block");
_Static_assert(__builtin_offsetof(struct ext4_inode, i_checksum_lo) == 0x7c,
	       "i_checksum_lo");
_Static_assert(__builtin_offsetof(struct ext4_inode, i_checksum_hi) == 0x82,
	       "i_checksum_hi");
_Static_assert(__builtin_offsetof(struct ext4_inode, i_crtime) == 0x90,
	       "i_crtime");

/* Extra timestamp word: bits 0-1 extend the epoch, 2-31 nanoseconds. */
#define EXT4_EPOCH_BITS		2
#define EXT4_EPOCH_MASK		((1u << EXT4_EPOCH_BITS) - 1)

/* Extent tree (in i_block[] for the root, in whole blocks below it). */
#define EXT4_EXT_MAGIC		0xF30A
#define EXT4_EXT_MAX_DEPTH	5
#define EXT4_EXT_INIT_MAX_LEN	32768	/* ee_len above: unwritten */

struct ext4_extent_header {
	__le16 eh_magic;
	__le16 eh_entries;
	__le16 eh_max;
	__le16 eh_depth;		/* 0: entries are extents */
	__le32 eh_generation;
} __packed;

struct ext4_extent {
	__le32 ee_block;		/* first logical block */
	__le16 ee_len;
	__le16 ee_start_hi;
	__le32 ee_start_lo;
} __packed;

struct ext4_extent_idx {
	__le32 ei_block;		/* first logical block it covers */
	__le32 ei_leaf_lo;
	__le16 ei_leaf_hi;
	__le16 ei_unused;
} __packed;

/* After eh_max entries of a non-root node (metadata_csum). */
struct ext4_extent_tail {
	__le32 et_checksum;
} __packed;

_Static_assert(sizeof(struct ext4_extent_header) == 12, "extent header");
_Static_assert(sizeof(struct ext4_extent) == 12, "extent");
_Static_assert(sizeof(struct ext4_extent_idx) == 12, "extent index");

/* Directory entry (with the filetype feature: name_len is one byte). */
struct ext4_dir_entry_2 {
	__le32 inode;			/* 0: unused entry */
	__le16 rec_len;
	u8 name_len;
	u8 file_type;
	char name[];
} __packed;

#define EXT4_DIR_ENTRY_HDR	8
#define EXT4_DIR_ROUND		4

/* file_type values */
#define EXT4_FT_UNKNOWN		0
#define EXT4_FT_REG_FILE	1
#define EXT4_FT_DIR		2
#define EXT4_FT_CHRDEV		3
#define EXT4_FT_BLKDEV		4
#define EXT4_FT_FIFO		5
#define EXT4_FT_SOCK		6
#define EXT4_FT_SYMLINK		7
#define EXT4_FT_MAX		8
#define EXT4_FT_DIR_CSUM	0xDE	/* the checksum tail's file_type */

/* The fake entry at the end of a leaf block that holds its checksum. */
struct ext4_dir_entry_tail {
	__le32 det_reserved_zero1;	/* looks like an unused entry */
	__le16 det_rec_len;		/* 12 */
	u8 det_reserved_zero2;		/* name_len 0 */
	u8 det_reserved_ft;		/* EXT4_FT_DIR_CSUM */
	__le32 det_checksum;
} __packed;

_Static_assert(sizeof(struct ext4_dir_entry_2) == EXT4_DIR_ENTRY_HDR,
	       "dirent header");
_Static_assert(sizeof(struct ext4_dir_entry_tail) == 12, "dirent tail");

/*
 * Hashed (htree) directories: block 0 holds "." and ".." followed by
 * struct dx_root_info and the index; interior index blocks start with a
 * fake unused entry covering the whole block.  Both end with a dx_tail
 * (metadata_csum) after `limit` index entries.
 */
struct ext4_dx_root_info {
	__le32 reserved_zero;
	u8 hash_version;
	u8 info_length;			/* 8 */
	u8 indirect_levels;
	u8 unused_flags;
} __packed;

struct ext4_dx_countlimit {
	__le16 limit;
	__le16 count;
} __packed;

struct ext4_dx_entry {
	__le32 hash;
	__le32 block;
} __packed;

struct ext4_dx_tail {
	__le32 dt_reserved;
	__le32 dt_checksum;
} __packed;

#define EXT4_DX_ROOT_COUNT_OFF	32	/* ".", "..", dx_root_info */
#define EXT4_DX_NODE_COUNT_OFF	8	/* the fake entry */

_Static_assert(sizeof(struct ext4_dx_root_info) == 8, "dx_root_info");
_Static_assert(sizeof(struct ext4_dx_entry) == 8, "dx_entry");
_Static_assert(sizeof(struct ext4_dx_tail) == 8, "dx_tail");

/* Little-endian loads from on-disk structures (<tessera/unaligned.h>). */
#define le16_get(p)	get_le16(p)
#define le32_get(p)	get_le32(p)
#define le64_get(p)	get_le64(p)

#endif /* _STORAGE_EXT4_FS_H */
