/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Permission checks of the file service: the credential block that ends
 * a P2S request (<fit/storage.h>, P2S_HDR_CRED), and Linux's rules
 * (<tessera/fsperm.h>) applied to the inodes a request names before
 * p2s.c hands it to ext4.c / ext4_write.c.  A request without a block
 * is a kernel's and is not checked (see <fit/storage.h>).
 *
 * Order of errors follows Linux's: a name that does not exist (or
 * already exists, for the calls that make one) is reported by the ext4
 * call that follows, before any permission is looked at, because Linux
 * looks names up first.
 */
#include <fit/fit_wire.h>
#include <fit/storage.h>
#include <tessera/errno.h>
#include <tessera/fsperm.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "ext4_write.h"
#include "internal.h"

int p2s_cred_req_check(const void *buf, size_t *len,
		       struct p2s_cred_args *out)
{
	const struct p2s_req_hdr *h = buf;
	const struct p2s_cred *c;
	size_t n;
	u32 i;

	memset(out, 0, sizeof(*out));
	if (*len < sizeof(*h) || !(h->xflags & P2S_HDR_CRED))
		return 0;
	if (*len < sizeof(*h) + sizeof(*c))
		return -EPROTO;
	c = (const void *)((const u8 *)buf + *len - sizeof(*c));
	n = le32_get(&c->nr_groups);
	if (le32_get(&c->reserved) || n > P2S_CRED_GROUPS_MAX ||
	    *len < sizeof(*h) + sizeof(*c) + n * sizeof(__le32))
		return -EPROTO;
	out->present = true;
	out->fsuid = le32_get(&c->fsuid);
	out->fsgid = le32_get(&c->fsgid);
	out->nr_groups = n;
	out->groups = (const __le32 *)c - n;
	for (i = 1; i < n; i++)
		if (le32_get(&out->groups[i - 1]) > le32_get(&out->groups[i]))
			return -EPROTO;
	*len -= sizeof(*c) + n * sizeof(__le32);
	return 0;
}

int p2s_perm_begin(struct p2s_perm *pm, const struct p2s_cred_args *a)
{
	u32 *groups = pm->groups_small;
	u32 i;

	memset(pm, 0, sizeof(*pm));
	pm->checked = a->present;
	if (!a->present)
		return 0;
	if (a->nr_groups > ARRAY_SIZE(pm->groups_small)) {
		groups = kmalloc(a->nr_groups * sizeof(u32), GFP_KERNEL);
		if (!groups)
			return -ENOMEM;
		pm->groups_alloc = groups;
	}
	for (i = 0; i < a->nr_groups; i++)
		groups[i] = le32_get(&a->groups[i]);
	pm->cred.uid = a->fsuid;
	pm->cred.gid = a->fsgid;
	pm->cred.nr_groups = a->nr_groups;
	pm->cred.groups = groups;
	return 0;
}

void p2s_perm_end(struct p2s_perm *pm)
{
	kfree(pm->groups_alloc);
	pm->groups_alloc = NULL;
}

static void perm_inode(const struct ext4_inode_info *e, struct fsperm_inode *i)
{
	i->mode = e->mode;
	i->uid = e->uid;
	i->gid = e->gid;
}

static int perm_may(const struct p2s_perm *pm,
		    const struct ext4_inode_info *e, u32 mask)
{
	struct fsperm_inode i;

	perm_inode(e, &i);
	return fsperm_check(&pm->cred, &i, mask);
}

static int perm_may_search(void *ctx, const struct ext4_inode_info *dir)
{
	return perm_may(ctx, dir, FSPERM_EXEC);
}

int p2s_perm_resolve(struct ext4_fs *fs, const struct p2s_perm *pm,
		     const char *path, unsigned int flags, u32 *ino)
{
	if (!pm->checked)
		return ext4_resolve(fs, path, flags, ino);
	return ext4_resolve_may(fs, path, flags, perm_may_search, (void *)pm,
				ino);
}

int p2s_perm_open(const struct p2s_perm *pm, const struct ext4_inode_info *e,
		  u8 open_flags)
{
	u32 mask = 0;

	if (!pm->checked)
		return 0;
	if (open_flags & P2S_OPEN_READ)
		mask |= FSPERM_READ;
	/* Writing a directory is the caller's -EISDIR, not -EACCES. */
	if ((open_flags & P2S_OPEN_WRITE) && !ext4_is_dir(e))
		mask |= FSPERM_WRITE;
	if (open_flags & P2S_OPEN_EXEC)
		mask |= FSPERM_EXEC;
	return mask ? perm_may(pm, e, mask) : 0;
}

/* The inode @name names in directory @dir: 0, or -ENOENT and others. */
static int perm_lookup(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		       const char *name, u32 len, struct ext4_inode_info *out)
{
	u32 ino;
	int ret = ext4_lookup(fs, dir, name, len, &ino);

	return ret ? ret : ext4_iget(fs, ino, out);
}

static bool perm_dot(const char *name, u32 len)
{
	return name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'));
}

/*
 * Removing @name from directory @dir (UNLINK, RMDIR, the source of
 * RENAME): write and search on @dir, then the sticky bit.  *@victim
 * is the inode removed.  A missing name is left to ext4 (0).
 */
static int perm_may_delete(struct ext4_fs *fs, const struct p2s_perm *pm,
			   const struct ext4_inode_info *dir, const char *name,
			   u32 len, struct ext4_inode_info *victim,
			   bool *exists)
{
	struct fsperm_inode d, v;
	int ret;

	*exists = false;
	if (perm_dot(name, len) || !ext4_is_dir(dir))
		return 0;
	ret = perm_lookup(fs, dir, name, len, victim);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	*exists = true;
	ret = perm_may(pm, dir, FSPERM_WRITE | FSPERM_EXEC);
	if (ret)
		return ret;
	perm_inode(dir, &d);
	perm_inode(victim, &v);
	return fsperm_sticky(&pm->cred, &d, &v);
}

/* Making @name in @dir: nothing to check if it exists (ext4: -EEXIST). */
static int perm_may_create(struct ext4_fs *fs, const struct p2s_perm *pm,
			   const struct ext4_inode_info *dir, const char *name,
			   u32 len, struct ext4_inode_info *found,
			   bool *exists)
{
	int ret;

	*exists = false;
	if (!ext4_is_dir(dir))
		return 0;
	if (!perm_dot(name, len)) {
		ret = perm_lookup(fs, dir, name, len, found);
		if (!ret) {
			*exists = true;
			return 0;
		}
		if (ret != -ENOENT)
			return ret;
	}
	return perm_may(pm, dir, FSPERM_WRITE | FSPERM_EXEC);
}

static int perm_rename(struct ext4_fs *fs, const struct p2s_perm *pm,
		       const struct p2s_change_args *a,
		       const struct ext4_inode_info *sdir,
		       const struct ext4_inode_info *ddir)
{
	struct ext4_inode_info src, dst;
	bool src_exists, dst_exists;
	int ret, dst_err;

	if (!ext4_is_dir(sdir) || !ext4_is_dir(ddir) ||
	    perm_dot(a->name, a->name_len) || perm_dot(a->name2, a->name2_len))
		return 0;
	ret = perm_lookup(fs, sdir, a->name, a->name_len, &src);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	dst_err = perm_lookup(fs, ddir, a->name2, a->name2_len, &dst);
	if (dst_err && dst_err != -ENOENT)
		return dst_err;
	/* Linux answers these before looking at permissions. */
	if (!dst_err && (dst.ino == src.ino ||
		       (a->flags & P2S_RENAME_NOREPLACE)))
		return 0;
	ret = perm_may_delete(fs, pm, sdir, a->name, a->name_len, &src,
			      &src_exists);
	if (!ret && !dst_err)
		ret = perm_may_delete(fs, pm, ddir, a->name2, a->name2_len,
				      &dst, &dst_exists);
	else if (!ret)
		ret = perm_may(pm, ddir, FSPERM_WRITE | FSPERM_EXEC);
	if (ret)
		return ret;
	/* A directory moving to a new parent rewrites its "..". */
	if (ext4_is_dir(&src) && sdir->ino != ddir->ino)
		ret = perm_may(pm, &src, FSPERM_WRITE);
	return ret;
}

static int perm_setattr(const struct p2s_perm *pm, struct p2s_change_args *a,
			const struct ext4_inode_info *e)
{
	struct fsperm_attr fa = {
		.valid = a->valid,
		.mode = a->mode,
		.uid = a->uid,
		.gid = a->gid,
		.times_now = a->flags & P2S_SETATTR_TIMES_NOW,
	};
	struct fsperm_inode i;
	int ret;

	perm_inode(e, &i);
	ret = fsperm_setattr(&pm->cred, &i, &fa);
	if (ret)
		return ret;
	a->valid = fa.valid;
	a->mode = fa.mode;
	return 0;
}

int p2s_perm_kill_priv(struct ext4_fs *fs, const struct p2s_perm *pm,
		       u32 ino, const struct ext4_inode_info *e)
{
	struct ext4_setattr sa = { .valid = EXT4_ATTR_MODE };
	struct fsperm_inode i;
	u32 kill;

	if (!pm->checked)
		return 0;
	perm_inode(e, &i);
	kill = fsperm_kill_priv(&pm->cred, &i);
	if (!kill)
		return 0;
	sa.mode = e->mode & 07777 & ~kill;
	return ext4_setattr(fs, ino, &sa);
}

/* The owner, group and mode of an inode @a makes in @dir. */
static void perm_new_owner(const struct p2s_perm *pm,
			   const struct ext4_inode_info *dir, bool is_dir,
			   struct p2s_change_args *a)
{
	struct fsperm_inode d, n;

	perm_inode(dir, &d);
	fsperm_new_inode(&pm->cred, &d, is_dir, &n, a->mode);
	a->mode = n.mode;
	a->uid = n.uid;
	a->gid = n.gid;
}

int p2s_perm_change(struct ext4_fs *fs, const struct p2s_perm *pm, u16 op,
		    struct p2s_change_args *a,
		    const struct ext4_inode_info *inode,
		    const struct ext4_inode_info *other)
{
	struct ext4_inode_info found;
	bool exists;
	int ret;

	if (!pm->checked)
		return 0;
	switch (op) {
	case P2S_CREATE:
	case P2S_MKDIR:
	case P2S_SYMLINK:
		ret = perm_may_create(fs, pm, inode, a->name, a->name_len,
				      &found, &exists);
		if (ret)
			return ret;
		if (exists) {
			/* open(O_CREAT|O_TRUNC) of a file made meanwhile */
			if (op == P2S_CREATE && (a->flags & P2S_CREATE_TRUNC) &&
			    !(a->flags & P2S_CREATE_EXCL) &&
			    ext4_is_reg(&found))
				return perm_may(pm, &found, FSPERM_WRITE);
			return 0;
		}
		perm_new_owner(pm, inode, op == P2S_MKDIR, a);
		return 0;
	case P2S_UNLINK:
	case P2S_RMDIR:
		return perm_may_delete(fs, pm, inode, a->name, a->name_len,
				       &found, &exists);
	case P2S_LINK:
		return perm_may_create(fs, pm, other, a->name, a->name_len,
				       &found, &exists);
	case P2S_RENAME:
		return perm_rename(fs, pm, a, inode, other);
	case P2S_SETATTR:
		return perm_setattr(pm, a, inode);
	default:
		/* WRITE, TRUNCATE: by handle, checked at open */
		return 0;
	}
}
