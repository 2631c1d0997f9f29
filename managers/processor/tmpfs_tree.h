/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace of the processor's tmpfs (tmpfs_tree.c): directories,
 * names, inode numbers, modes, sizes, times and link counts, kept on
 * this node; the file bytes live on the memory node (tmpfs.c talks to
 * it).  Pure logic without FIT or user memory, so the host tests build
 * it.  The caller serialises every call (tmpfs.c: tmpfs_lock).
 *
 * An inode lives while it has a name or an open file: unlinking the
 * last name of a file still open keeps it (nlink 0, no parent) until
 * the last close; tmpfs_inode_unused() tells the caller when to free
 * its data and tmpfs_tree_put() frees the inode itself.
 */
#ifndef _MANAGERS_PROCESSOR_TMPFS_TREE_H
#define _MANAGERS_PROCESSOR_TMPFS_TREE_H

#include <tessera/fsperm.h>
#include <tessera/list.h>
#include <tessera/types.h>

#define TMPFS_NAME_MAX	255

struct tmpfs_inode {
	struct list_head sibling;	/* in parent->children, by seq */
	struct list_head children;	/* a directory's entries */
	struct tmpfs_inode *parent;	/* NULL: a root or unlinked */
	char name[TMPFS_NAME_MAX + 1];
	u64 seq;			/* readdir position in the parent */
	u64 next_seq;			/* a directory's next child seq */
	u64 ino;			/* also the memory node's object id */
	u32 dev;			/* st_dev: the mount's */
	u32 mode;			/* S_IFREG or S_IFDIR | permissions */
	u32 uid, gid;			/* owner (a root: 0, 0) */
	u32 nlink;
	u64 size;			/* bytes (a directory: 0) */
	u64 pages;			/* pages the memory node holds */
	u64 atime, mtime, ctime;	/* ns since the epoch */
	unsigned int opens;		/* open files of it */
};

struct tmpfs_tree {
	struct tmpfs_inode *root;
	u64 *next_ino;			/* shared by every mount */
};

/* A tree with an empty root directory of @mode; 0 or -ENOMEM. */
int tmpfs_tree_init(struct tmpfs_tree *t, u64 *next_ino, u32 mode, u64 now);

/*
 * Walk @rel (relative to the root, components separated by '/', no "."
 * or "..", maybe empty or with a trailing '/'): *@parent is the
 * directory of the last component (NULL for the root itself), *@node
 * the inode (NULL if the last component does not exist), *@last its
 * name (length *@last_len).  0, -ENOENT (a middle component missing),
 * -ENOTDIR (one is not a directory), -ENAMETOOLONG, or -EACCES: @cred
 * (NULL: no checks) may not search a directory of the walk.
 */
int tmpfs_tree_walk(struct tmpfs_tree *t, const char *rel,
		    const struct fsperm_cred *cred,
		    struct tmpfs_inode **parent, struct tmpfs_inode **node,
		    const char **last, int *last_len);

/* The permission view of @n for <tessera/fsperm.h>. */
void tmpfs_inode_perm(const struct tmpfs_inode *n, struct fsperm_inode *i);

/*
 * A new inode of @mode named @name (@len bytes) in directory @dir: the
 * inode, or NULL (-ENOMEM).  The caller has checked the name is free.
 */
struct tmpfs_inode *tmpfs_tree_create(struct tmpfs_tree *t,
				      struct tmpfs_inode *dir,
				      const char *name, int len, u32 mode,
				      u64 now);
/*
 * Take @node's name away (unlink or rmdir): -ENOTEMPTY for a directory
 * with entries, else 0.  The inode stays for its open files.
 */
int tmpfs_tree_remove(struct tmpfs_inode *node, u64 now);
/*
 * rename(2) of @node to @name in @dir, replacing @target (the inode
 * already there, or NULL).  Linux's checks: -ENOTDIR (a directory over
 * a file), -EISDIR (a file over a directory), -ENOTEMPTY (over a
 * directory with entries), -EINVAL (a directory into itself or below).
 * On 0 *@replaced is @target when it lost its name (maybe unused now).
 */
int tmpfs_tree_rename(struct tmpfs_inode *node, struct tmpfs_inode *dir,
		      const char *name, int len, struct tmpfs_inode *target,
		      u64 now, struct tmpfs_inode **replaced);
/* Whether @node has neither a name nor an open file: free it. */
bool tmpfs_inode_unused(const struct tmpfs_inode *node);
/* Free an unused @node. */
void tmpfs_tree_put(struct tmpfs_inode *node);

/*
 * The entry of @dir at readdir position @pos: 0 ".", 1 "..", then the
 * entries in creation order (a position is a child's seq + 2, so it
 * stays valid across removals).  NULL at the end; *@next the position
 * after the returned entry.  For "." and ".." *@node is @dir / its
 * parent (the directory itself for a root) and *@name set.
 */
bool tmpfs_tree_readdir(struct tmpfs_inode *dir, u64 pos,
			const struct tmpfs_inode **node, const char **name,
			u64 *next);

#endif /* _MANAGERS_PROCESSOR_TMPFS_TREE_H */
