/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 journal (ext4_journal.c): jbd2 in the internal journal inode
 * (s_journal_inum), in the on-disk format Linux and e2fsck use.
 *
 * Replay at mount: a journal that needs recovery (needs_recovery, or
 * s_start != 0) is replayed (descriptor tags, escaped blocks, revoke
 * records, checksums v3 or none) straight to the device, then marked
 * empty; the mount then starts again on the replayed file system.  A
 * journal we cannot trust (bad magic or checksum, unknown feature, an
 * external journal, a transaction that does not fit) leaves the file
 * system read-only, with one log line.
 *
 * Writing: every metadata block the writer dirties in the block cache
 * belongs to the running transaction (the cache never writes it home on
 * its own: bcache hold_dirty).  ext4_journal_commit() writes the
 * transaction (ordered mode: file data went to the device first), as
 * descriptor blocks with the copies, a revoke block, FLUSH, the commit
 * block, FLUSH; then it checkpoints (writes the copies home) at once, so
 * at most the last two transactions are ever replayable.  The journal
 * superblock's tail follows one commit behind, written between the two
 * flushes; revoke records keep an older copy of a freed block from being
 * replayed over its new contents.  A block freed in a transaction is not
 * reused before that transaction commits: an operation that freed blocks
 * commits at its end (ext4_journal_op_end()).
 *
 * Callers serialise (as for the rest of struct ext4_fs).
 */
#ifndef _STORAGE_EXT4_JOURNAL_H
#define _STORAGE_EXT4_JOURNAL_H

#include "ext4.h"

/* jbd2 on-disk values */
#define JBD2_MAGIC		0xc03b3998u
#define JBD2_DESCRIPTOR_BLOCK	1
#define JBD2_COMMIT_BLOCK	2
#define JBD2_SUPERBLOCK_V1	3
#define JBD2_SUPERBLOCK_V2	4
#define JBD2_REVOKE_BLOCK	5

#define JBD2_FEATURE_INCOMPAT_REVOKE	0x01
#define JBD2_FEATURE_INCOMPAT_64BIT	0x02
#define JBD2_FEATURE_INCOMPAT_CSUM_V3	0x10
#define JBD2_KNOWN_INCOMPAT						\
	(JBD2_FEATURE_INCOMPAT_REVOKE | JBD2_FEATURE_INCOMPAT_64BIT |	\
	 JBD2_FEATURE_INCOMPAT_CSUM_V3)

#define JBD2_FLAG_ESCAPE	0x1
#define JBD2_FLAG_SAME_UUID	0x2
#define JBD2_FLAG_LAST_TAG	0x8

#define JBD2_CRC32C_CHKSUM	4

/* Journal superblock offsets (big-endian fields) */
#define JSB_BLOCKSIZE		0x0c
#define JSB_MAXLEN		0x10
#define JSB_FIRST		0x14
#define JSB_SEQUENCE		0x18
#define JSB_START		0x1c
#define JSB_ERRNO		0x20
#define JSB_COMPAT		0x24
#define JSB_INCOMPAT		0x28
#define JSB_RO_COMPAT		0x2c
#define JSB_UUID		0x30
#define JSB_CSUM_TYPE		0x50
#define JSB_CHECKSUM		0xfc
#define JSB_SIZE		1024

struct ext4_journal_stats {
	u64 commits;
	u64 commits_no_memory;		/* put off: no memory, nothing written */
	u64 blocks_logged;
	u64 revokes;
	u64 replayed_transactions;
	u64 replayed_blocks;
	u64 replay_revoked;		/* copies skipped for a revoke */
	u64 replay_bad_csum;		/* copies skipped: bad checksum */
};

/*
 * At mount, after the group descriptors were checked: find and check
 * the journal (has_journal only).  0 (fs->journal set, or no journal),
 * or <0: the journal cannot be trusted (fs->journal_bad, logged).
 */
int ext4_journal_load(struct ext4_fs *fs, const struct ext4_super_block *sb);
/* Does the loaded journal hold transactions to replay? */
bool ext4_journal_dirty(const struct ext4_fs *fs,
			const struct ext4_super_block *sb);
/* Replay it to the device and mark it empty.  0 or -errno (logged). */
int ext4_journal_recover(struct ext4_fs *fs);
/* The writer is on: dirty buffers are held for the journal. */
void ext4_journal_start(struct ext4_fs *fs);
/* Blocks @blk..+@count were freed in the running transaction. */
void ext4_journal_freed(struct ext4_fs *fs, u64 blk, u64 count);
/* At the end of each write operation: commit if it freed blocks or the
 * transaction is big. */
int ext4_journal_op_end(struct ext4_fs *fs);
/*
 * Commit the running transaction and flush the device; with @idle,
 * mark the journal empty too (nothing left to replay).  Without a
 * journal: write every dirty block and flush.
 */
int ext4_journal_commit(struct ext4_fs *fs, bool idle);
/*
 * The commit interval, on a clock the caller keeps (@now_ms: any
 * monotonic milliseconds).  ext4_journal_note() after each request
 * remembers when the running transaction got its first change;
 * ext4_journal_tick() (from a timer thread) commits it once it is
 * @interval_ms old: 1 committed, 0 nothing to do, or -errno.
 */
void ext4_journal_note(struct ext4_fs *fs, u64 now_ms);
int ext4_journal_tick(struct ext4_fs *fs, u64 now_ms, u32 interval_ms);
void ext4_journal_destroy(struct ext4_fs *fs);

#endif /* _STORAGE_EXT4_JOURNAL_H */
