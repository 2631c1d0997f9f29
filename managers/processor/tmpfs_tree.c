/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tmpfs namespace on the processor (see tmpfs_tree.h): a tree of
 * inodes, each directory a list of its entries in creation order.  The
 * trees are small and walked under one lock, so a list per directory is
 * enough; names are compared whole.  Link counts follow Linux's tmpfs:
 * a file 1, a directory 2 plus its subdirectories.
 */
#include "tmpfs_tree.h"

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/stat.h>

static bool tmpfs_is_dir(const struct tmpfs_inode *n)
{
	return (n->mode & S_IFMT) == S_IFDIR;
}

static struct tmpfs_inode *tmpfs_inode_new(u64 *next_ino, u32 mode, u64 now)
{
	struct tmpfs_inode *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	INIT_LIST_HEAD(&n->sibling);
	INIT_LIST_HEAD(&n->children);
	n->ino = (*next_ino)++;
	n->mode = mode;
	n->nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
	n->atime = n->mtime = n->ctime = now;
	return n;
}

int tmpfs_tree_init(struct tmpfs_tree *t, u64 *next_ino, u32 mode, u64 now)
{
	t->next_ino = next_ino;
	t->root = tmpfs_inode_new(next_ino, S_IFDIR | (mode & 07777), now);
	return t->root ? 0 : -ENOMEM;
}

static struct tmpfs_inode *tmpfs_child(struct tmpfs_inode *dir,
				       const char *name, int len)
{
	struct tmpfs_inode *c;

	list_for_each_entry(c, &dir->children, sibling)
		if (!strncmp(c->name, name, len) && !c->name[len])
			return c;
	return NULL;
}

void tmpfs_inode_perm(const struct tmpfs_inode *n, struct fsperm_inode *i)
{
	i->mode = n->mode;
	i->uid = n->uid;
	i->gid = n->gid;
}

int tmpfs_tree_walk(struct tmpfs_tree *t, const char *rel,
		    const struct fsperm_cred *cred,
		    struct tmpfs_inode **parent, struct tmpfs_inode **node,
		    const char **last, int *last_len)
{
	struct fsperm_inode perm;
	struct tmpfs_inode *dir = NULL, *cur = t->root;
	const char *p = rel;

	*last = "";
	*last_len = 0;
	while (*p == '/')
		p++;
	while (*p) {
		const char *end = strchr(p, '/');
		int len = end ? end - p : (int)strlen(p);

		if (len > TMPFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (!cur)
			return -ENOENT;
		if (!tmpfs_is_dir(cur))
			return -ENOTDIR;
		tmpfs_inode_perm(cur, &perm);
		if (cred && fsperm_check(cred, &perm, FSPERM_EXEC))
			return -EACCES;
		dir = cur;
		cur = tmpfs_child(dir, p, len);
		*last = p;
		*last_len = len;
		p += len;
		while (*p == '/')
			p++;
	}
	*parent = dir;
	*node = cur;
	return 0;
}

struct tmpfs_inode *tmpfs_tree_create(struct tmpfs_tree *t,
				      struct tmpfs_inode *dir,
				      const char *name, int len, u32 mode,
				      u64 now)
{
	struct tmpfs_inode *n = tmpfs_inode_new(t->next_ino, mode, now);

	if (!n)
		return NULL;
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	n->dev = dir->dev;
	n->parent = dir;
	n->seq = dir->next_seq++;
	list_add_tail(&n->sibling, &dir->children);
	if (tmpfs_is_dir(n))
		dir->nlink++;
	dir->mtime = dir->ctime = now;
	return n;
}

/* Take @n out of its directory; its link count drops to 0. */
static void tmpfs_detach(struct tmpfs_inode *n, u64 now)
{
	struct tmpfs_inode *dir = n->parent;

	list_del_init(&n->sibling);
	if (tmpfs_is_dir(n))
		dir->nlink--;
	dir->mtime = dir->ctime = now;
	n->parent = NULL;
	n->nlink = 0;
	n->ctime = now;
}

int tmpfs_tree_remove(struct tmpfs_inode *node, u64 now)
{
	if (tmpfs_is_dir(node) && !list_empty(&node->children))
		return -ENOTEMPTY;
	tmpfs_detach(node, now);
	return 0;
}

int tmpfs_tree_rename(struct tmpfs_inode *node, struct tmpfs_inode *dir,
		      const char *name, int len, struct tmpfs_inode *target,
		      u64 now, struct tmpfs_inode **replaced)
{
	struct tmpfs_inode *a;

	*replaced = NULL;
	if (target == node)
		return 0;
	if (tmpfs_is_dir(node)) {
		for (a = dir; a; a = a->parent)
			if (a == node)
				return -EINVAL;
	}
	if (target) {
		if (tmpfs_is_dir(node) && !tmpfs_is_dir(target))
			return -ENOTDIR;
		if (!tmpfs_is_dir(node) && tmpfs_is_dir(target))
			return -EISDIR;
		if (tmpfs_is_dir(target) && !list_empty(&target->children))
			return -ENOTEMPTY;
		tmpfs_detach(target, now);
		*replaced = target;
	}
	tmpfs_detach(node, now);
	memcpy(node->name, name, len);
	node->name[len] = '\0';
	node->parent = dir;
	node->seq = dir->next_seq++;
	node->nlink = tmpfs_is_dir(node) ? 2 : 1;
	list_add_tail(&node->sibling, &dir->children);
	if (tmpfs_is_dir(node)) {
		struct tmpfs_inode *c;

		list_for_each_entry(c, &node->children, sibling)
			if (tmpfs_is_dir(c))
				node->nlink++;
		dir->nlink++;
	}
	return 0;
}

bool tmpfs_inode_unused(const struct tmpfs_inode *node)
{
	return !node->nlink && !node->opens;
}

void tmpfs_tree_put(struct tmpfs_inode *node)
{
	kfree(node);
}

bool tmpfs_tree_readdir(struct tmpfs_inode *dir, u64 pos,
			const struct tmpfs_inode **node, const char **name,
			u64 *next)
{
	struct tmpfs_inode *c;

	if (pos < 2) {
		*node = pos == 0 || !dir->parent ? dir : dir->parent;
		*name = pos == 0 ? "." : "..";
		*next = pos + 1;
		return true;
	}
	list_for_each_entry(c, &dir->children, sibling) {
		if (c->seq + 2 >= pos) {
			*node = c;
			*name = c->name;
			*next = c->seq + 3;
			return true;
		}
	}
	return false;
}
