/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open references and the orphan list (ext4_orphan.c), private to
 * managers/storage/.
 *
 * The file service takes a reference on a regular file for every open
 * file of a processor (P2S_OPEN_REF, P2S_CREATE_REF) and drops it at
 * P2S_CLOSE; @owner names who holds it (the FIT node), so that a node
 * that leaves the cluster loses all of its references at once.  A file
 * whose last link goes while it is referenced is not freed: it goes on
 * the on-disk orphan list (s_last_orphan, chained through i_dtime as
 * ext4 does), journaled with the unlink, and the last reference's drop
 * frees its blocks and inode and takes it off the list.  A writable
 * mount frees every orphan a crash left (ext4_orphan_process()).
 * Documentation/storage.md, "Unlinked open files".
 *
 * Callers serialise, as for the rest of struct ext4_fs.
 */
#ifndef _STORAGE_EXT4_ORPHAN_H
#define _STORAGE_EXT4_ORPHAN_H

#include "ext4.h"

#define EXT4_REF_MAX		65536	/* (inode, owner) entries */
#define EXT4_REF_COUNT_MAX	(1u << 24)	/* references per entry */

/*
 * One more reference of @owner on inode @ino (the caller checked that
 * it is a live file).  0, -ENFILE (the table is full), -ENOMEM.
 */
int ext4_ref_get(struct ext4_fs *fs, u32 ino, u32 owner);
/*
 * Drop one reference of @owner on @ino; the last one of an orphan frees
 * it.  0, -ENOENT (@owner holds none), or the error of the freeing
 * (the orphan then stays on the list for the next mount).
 */
int ext4_ref_put(struct ext4_fs *fs, u32 ino, u32 owner);
/* Drop every reference of @owner (a node that left); how many. */
u32 ext4_ref_drop_owner(struct ext4_fs *fs, u32 owner);
/* Does anyone hold @ino? */
bool ext4_ref_held(const struct ext4_fs *fs, u32 ino);
/* Free the table (unmount); orphans stay on the disk's list. */
void ext4_ref_destroy(struct ext4_fs *fs);

/* May ext4_iget() return @ino with no links (an orphan)? */
static inline bool ext4_orphan_visible(const struct ext4_fs *fs, u32 ino)
{
	return fs->orphan_scan || ext4_ref_held(fs, ino);
}

/* Put @in (its links just went to 0) on the list and write it. */
int ext4_orphan_add(struct ext4_fs *fs, struct ext4_inode_info *in);
/* Take @in off the list (its predecessor or the head repointed). */
int ext4_orphan_del(struct ext4_fs *fs, struct ext4_inode_info *in);
/*
 * At mount: walk the list of @sb without changing anything.  NULL if
 * it can be processed, else why not (a loop, a bad inode number, an
 * inode that cannot be an orphan): the file system is not written.
 */
const char *ext4_orphan_check(struct ext4_fs *fs,
			      const struct ext4_super_block *sb);
/* With writes on: free (or truncate) every orphan.  How many, or <0. */
int ext4_orphan_process(struct ext4_fs *fs);

/*
 * ext4_write.c: an orphan off the list is done with: free its blocks
 * and inode (no links), or (a truncate orphan of Linux, with links)
 * free its blocks past i_size.
 */
int ext4_drop_orphan(struct ext4_fs *fs, struct ext4_inode_info *in);
/* ext4_write.c: the last reference of @ino went; free it if orphan. */
int ext4_release_orphan(struct ext4_fs *fs, u32 ino);

#endif /* _STORAGE_EXT4_ORPHAN_H */
