/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux's file permission rules (<tessera/fsperm.h>), pure: no locks,
 * no allocation, no sleeping.  The callers fetch the inodes and hold
 * whatever keeps them stable.
 */
#include <tessera/errno.h>
#include <tessera/fsperm.h>
#include <uapi/stat.h>

#define FSPERM_ROOT		0

bool fsperm_in_group(const struct fsperm_cred *c, u32 gid)
{
	u32 lo = 0, hi = c->nr_groups;

	if (gid == c->gid)
		return true;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (c->groups[mid] == gid)
			return true;
		if (c->groups[mid] < gid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int fsperm_check(const struct fsperm_cred *c, const struct fsperm_inode *i,
		 u32 mask)
{
	u32 bits;

	mask &= FSPERM_MASK;
	if (c->uid == FSPERM_ROOT) {
		if (!(mask & FSPERM_EXEC) || (i->mode & S_IFMT) == S_IFDIR ||
		    (i->mode & 0111))
			return 0;
		return -EACCES;
	}
	if (c->uid == i->uid)
		bits = i->mode >> 6;
	else if (fsperm_in_group(c, i->gid))
		bits = i->mode >> 3;
	else
		bits = i->mode;
	return (mask & ~bits & FSPERM_MASK) ? -EACCES : 0;
}

int fsperm_sticky(const struct fsperm_cred *c, const struct fsperm_inode *dir,
		  const struct fsperm_inode *victim)
{
	if (!(dir->mode & S_ISVTX) || c->uid == FSPERM_ROOT ||
	    c->uid == dir->uid || c->uid == victim->uid)
		return 0;
	return -EPERM;
}

void fsperm_new_inode(const struct fsperm_cred *c,
		      const struct fsperm_inode *dir, bool is_dir,
		      struct fsperm_inode *out, u32 mode)
{
	out->uid = c->uid;
	out->gid = c->gid;
	if (dir->mode & S_ISGID) {
		out->gid = dir->gid;
		if (is_dir)
			mode |= S_ISGID;
		else if ((mode & (S_ISGID | 0010)) == (S_ISGID | 0010) &&
			 c->uid != FSPERM_ROOT &&
			 !fsperm_in_group(c, out->gid))
			mode &= ~S_ISGID;
	}
	out->mode = mode;
}

static bool fsperm_owner(const struct fsperm_cred *c,
			 const struct fsperm_inode *i)
{
	return c->uid == FSPERM_ROOT || c->uid == i->uid;
}

/*
 * Does a change of @i's data or owner drop its set-gid bit (Linux's
 * setattr_should_drop_sgid())?  With @mode's group-execute bit always;
 * without it set-gid marks mandatory locking and is dropped only when
 * @c is neither root nor in the file's group.
 */
static bool fsperm_drop_sgid(const struct fsperm_cred *c,
			     const struct fsperm_inode *i, u32 mode)
{
	if (!(mode & S_ISGID))
		return false;
	if (mode & 0010)
		return true;
	return c->uid != FSPERM_ROOT && !fsperm_in_group(c, i->gid);
}

int fsperm_setattr(const struct fsperm_cred *c, const struct fsperm_inode *i,
		   struct fsperm_attr *a)
{
	bool root = c->uid == FSPERM_ROOT;
	u32 mode, kill;

	if ((a->valid & FSPERM_ATTR_UID) && !root &&
	    !(c->uid == i->uid && a->uid == i->uid))
		return -EPERM;
	if ((a->valid & FSPERM_ATTR_GID) && !root &&
	    !(c->uid == i->uid &&
	      (a->gid == i->gid || fsperm_in_group(c, a->gid))))
		return -EPERM;
	if (a->valid & FSPERM_ATTR_MODE) {
		u32 gid = (a->valid & FSPERM_ATTR_GID) ? a->gid : i->gid;

		if (!fsperm_owner(c, i))
			return -EPERM;
		if (!root && !fsperm_in_group(c, gid))
			a->mode &= ~S_ISGID;
	}
	if ((a->valid & (FSPERM_ATTR_ATIME | FSPERM_ATTR_MTIME)) &&
	    !fsperm_owner(c, i)) {
		if (!a->times_now)
			return -EPERM;
		if (fsperm_check(c, i, FSPERM_WRITE))
			return -EACCES;
	}
	if ((a->valid & (FSPERM_ATTR_UID | FSPERM_ATTR_GID)) &&
	    (i->mode & S_IFMT) != S_IFDIR) {
		mode = (a->valid & FSPERM_ATTR_MODE) ? a->mode :
		       i->mode & 07777;
		kill = S_ISUID | (fsperm_drop_sgid(c, i, mode) ? S_ISGID : 0);
		if (mode & kill) {
			a->mode = mode & ~kill;
			a->valid |= FSPERM_ATTR_MODE;
		}
	}
	return 0;
}

u32 fsperm_kill_priv(const struct fsperm_cred *c, const struct fsperm_inode *i)
{
	u32 kill;

	if (c->uid == FSPERM_ROOT || (i->mode & S_IFMT) != S_IFREG)
		return 0;
	kill = i->mode & S_ISUID;
	if (fsperm_drop_sgid(c, i, i->mode))
		kill |= S_ISGID;
	return kill;
}

bool fsperm_exec_ids(struct fsperm_ids *ids, const struct fsperm_inode *i)
{
	if ((i->mode & S_IFMT) == S_IFREG) {
		if (i->mode & S_ISUID)
			ids->euid = i->uid;
		if ((i->mode & (S_ISGID | 0010)) == (S_ISGID | 0010))
			ids->egid = i->gid;
	}
	ids->suid = ids->fsuid = ids->euid;
	ids->sgid = ids->fsgid = ids->egid;
	return ids->euid != ids->uid || ids->egid != ids->gid;
}
