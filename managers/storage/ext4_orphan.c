/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open references and the orphan list (see ext4_orphan.h).
 *
 * References: a hash of (inode, owner, count) entries, EXT4_REF_BUCKETS
 * lists, at most EXT4_REF_MAX entries so that no peer can make the
 * storage node allocate without bound.
 *
 * The orphan list is ext4's: the superblock's s_last_orphan names the
 * first orphan, each orphan's i_dtime the next one (0 ends it).  New
 * orphans go at the head; taking one off finds its predecessor by a walk
 * bounded by the number of orphans (only open files are on the list at
 * run time, so it is short).
 */
#define pr_fmt(fmt) "ext4: " fmt

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/slab.h>

#include "ext4_alloc.h"
#include "ext4_orphan.h"

struct ext4_ref {
	struct ext4_ref *next;
	u32 ino;
	u32 owner;
	u32 count;
};

static unsigned int ref_bucket(u32 ino)
{
	return (ino * 2654435761u) >> 26;	/* 64 buckets */
}

_Static_assert(EXT4_REF_BUCKETS == 64, "ref_bucket() makes 64");

static struct ext4_ref **ref_find(struct ext4_fs *fs, u32 ino, u32 owner)
{
	struct ext4_ref **pp = &fs->refs[ref_bucket(ino)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->ino == ino && (*pp)->owner == owner)
			break;
	return pp;
}

bool ext4_ref_held(const struct ext4_fs *fs, u32 ino)
{
	const struct ext4_ref *r;

	for (r = fs->refs[ref_bucket(ino)]; r; r = r->next)
		if (r->ino == ino)
			return true;
	return false;
}

int ext4_ref_get(struct ext4_fs *fs, u32 ino, u32 owner)
{
	struct ext4_ref **pp = ref_find(fs, ino, owner), *r;

	if (*pp) {
		if ((*pp)->count >= EXT4_REF_COUNT_MAX)
			return -ENFILE;
		(*pp)->count++;
		return 0;
	}
	if (fs->nr_refs >= EXT4_REF_MAX)
		return -ENFILE;
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->ino = ino;
	r->owner = owner;
	r->count = 1;
	r->next = fs->refs[ref_bucket(ino)];
	fs->refs[ref_bucket(ino)] = r;
	fs->nr_refs++;
	return 0;
}

static void ref_unlink(struct ext4_fs *fs, struct ext4_ref **pp)
{
	struct ext4_ref *r = *pp;

	*pp = r->next;
	kfree(r);
	fs->nr_refs--;
}

int ext4_ref_put(struct ext4_fs *fs, u32 ino, u32 owner)
{
	struct ext4_ref **pp = ref_find(fs, ino, owner);

	if (!*pp)
		return -ENOENT;
	if (--(*pp)->count)
		return 0;
	ref_unlink(fs, pp);
	if (ext4_ref_held(fs, ino))
		return 0;
	return ext4_release_orphan(fs, ino);
}

u32 ext4_ref_drop_owner(struct ext4_fs *fs, u32 owner)
{
	u32 b, n = 0;

	for (b = 0; b < EXT4_REF_BUCKETS; b++) {
		struct ext4_ref **pp = &fs->refs[b];

		while (*pp) {
			u32 ino = (*pp)->ino;

			if ((*pp)->owner != owner) {
				pp = &(*pp)->next;
				continue;
			}
			n += (*pp)->count;
			ref_unlink(fs, pp);
			/* Its error is logged; the orphan waits for a mount. */
			if (!ext4_ref_held(fs, ino))
				ext4_release_orphan(fs, ino);
		}
	}
	return n;
}

void ext4_ref_destroy(struct ext4_fs *fs)
{
	u32 b;

	for (b = 0; b < EXT4_REF_BUCKETS; b++)
		while (fs->refs[b])
			ref_unlink(fs, &fs->refs[b]);
}

int ext4_orphan_add(struct ext4_fs *fs, struct ext4_inode_info *in)
{
	in->orphan = true;
	in->dtime = fs->last_orphan;
	fs->last_orphan = in->ino;
	fs->nr_orphans++;
	fs->sb_dirty = true;
	return ext4_write_inode(fs, in, false);
}

/* An inode on the list, whatever its links and dtime say. */
static int orphan_iget(struct ext4_fs *fs, u32 ino, struct ext4_inode_info *in)
{
	bool was = fs->orphan_scan;
	int ret;

	fs->orphan_scan = true;
	ret = ext4_iget(fs, ino, in);
	fs->orphan_scan = was;
	return ret;
}

int ext4_orphan_del(struct ext4_fs *fs, struct ext4_inode_info *in)
{
	struct ext4_inode_info prev;
	u32 cur = fs->last_orphan, n;
	int ret;

	if (cur == in->ino) {
		fs->last_orphan = in->dtime;
		fs->sb_dirty = true;
		goto done;
	}
	for (n = 0; cur && n < fs->nr_orphans; n++) {
		ret = orphan_iget(fs, cur, &prev);
		if (ret)
			return ret;
		if (prev.dtime == in->ino) {
			prev.dtime = in->dtime;
			prev.orphan = !prev.links;
			ret = ext4_write_inode(fs, &prev, false);
			if (ret)
				return ret;
			goto done;
		}
		cur = prev.dtime;
	}
	ext4_bad(fs, corrupt, "inode %u: not on the orphan list\n", in->ino);
	return -EIO;
done:
	if (fs->nr_orphans)
		fs->nr_orphans--;
	in->orphan = false;
	in->dtime = 0;
	return 0;
}

/* Could @in be on an orphan list we know how to finish? */
static bool orphan_ok(const struct ext4_inode_info *in)
{
	if (in->links)		/* Linux's truncate orphans */
		return ext4_is_reg(in) && (in->flags & EXT4_EXTENTS_FL);
	if (in->flags & EXT4_EXTENTS_FL)
		return true;
	return !in->blocks && !(in->flags & EXT4_INLINE_DATA_FL);
}

const char *ext4_orphan_check(struct ext4_fs *fs,
			      const struct ext4_super_block *sb)
{
	u32 ino = le32_get(&sb->s_last_orphan);
	u32 used = fs->inodes_count - fs->free_inodes, n = 0;
	struct ext4_inode_info in;

	fs->last_orphan = ino;
	fs->nr_orphans = 0;
	while (ino) {
		if (ino < fs->first_ino || ino > fs->inodes_count) {
			pr_err("orphan list: inode number %u out of range\n",
			       ino);
			return "a corrupt orphan list";
		}
		/* More orphans than inodes in use: the chain loops. */
		if (++n > used) {
			pr_err("orphan list: loops (more than %u inodes)\n",
			       used);
			return "a corrupt orphan list";
		}
		if (orphan_iget(fs, ino, &in) || !orphan_ok(&in)) {
			pr_err("orphan list: inode %u cannot be an orphan\n",
			       ino);
			return "a corrupt orphan list";
		}
		ino = in.dtime;
	}
	fs->nr_orphans = n;
	return NULL;
}

int ext4_orphan_process(struct ext4_fs *fs)
{
	struct ext4_inode_info in;
	int n = 0, ret;

	while (fs->last_orphan) {
		u32 ino = fs->last_orphan;

		ret = orphan_iget(fs, ino, &in);
		if (!ret) {
			in.orphan = true;
			ret = ext4_orphan_del(fs, &in);
		}
		if (!ret)
			ret = ext4_drop_orphan(fs, &in);
		if (ret) {
			pr_err("orphan list: inode %u: %d; stopping\n", ino,
			       ret);
			return ret;
		}
		n++;
	}
	return n;
}
