/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 writer's extent trees.  A file's mapping is loaded into a
 * sorted array of extents (every tree block checked and checksummed on
 * the way, its number remembered), changed there (insert, punch), and
 * stored back as a fresh tree: up to four extents in the inode, else
 * leaves of as many extents as a block holds under as few index levels
 * as needed (depth 1, 2, ...), the old tree blocks freed first.
 * Rebuilding costs a write of every tree block per change, which is
 * small next to the data for the files we serve, and keeps one simple
 * path for growing past depth 0 and for shrinking.
 *
 * Callers serialise (see ext4.h).
 */
#define pr_fmt(fmt) "ext4: " fmt

#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "ext4_alloc.h"
#include "ext4_extent.h"

#define ROOT_MAX	4	/* entries in i_block's root node */

void ext4_xl_free(struct ext4_xlist *xl)
{
	kfree(xl->v);
	kfree(xl->tree);
	memset(xl, 0, sizeof(*xl));
}

static int grow(void **arr, u32 *cap, u32 need, size_t size)
{
	void *n;
	u32 c = *cap ? *cap : 8;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = kmalloc((size_t)c * size, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	if (*arr)
		memcpy(n, *arr, (size_t)*cap * size);
	kfree(*arr);
	*arr = n;
	*cap = c;
	return 0;
}

static int xl_push(struct ext4_xlist *xl, const struct ext4_xt *x)
{
	int ret = grow((void **)&xl->v, &xl->cap, xl->n + 1, sizeof(*x));

	if (ret)
		return ret;
	xl->v[xl->n++] = *x;
	return 0;
}

static int load_node(struct ext4_fs *fs, const struct ext4_inode_info *in,
		     const struct ext4_extent_header *eh, int depth,
		     struct ext4_xlist *xl)
{
	u16 n = le16_get(&eh->eh_entries), i;
	int ret;

	if (!depth) {
		const struct ext4_extent *ex = (const void *)(eh + 1);

		for (i = 0; i < n; i++) {
			struct ext4_xt x;
			u32 len = le16_get(&ex[i].ee_len);

			x.uninit = len > EXT4_EXT_INIT_MAX_LEN;
			x.len = x.uninit ? len - EXT4_EXT_INIT_MAX_LEN : len;
			x.lblk = le32_get(&ex[i].ee_block);
			x.pblk = le32_get(&ex[i].ee_start_lo) |
				 (u64)le16_get(&ex[i].ee_start_hi) << 32;
			if (!x.len || (u64)x.lblk + x.len > EXT4_MAX_LBLK ||
			    !ext4_range_ok(fs, x.pblk, x.len) ||
			    (xl->n && x.lblk < xl->v[xl->n - 1].lblk +
					     xl->v[xl->n - 1].len)) {
				ext4_bad(fs, corrupt,
					 "inode %u: bad extent at block %u\n",
					 in->ino, x.lblk);
				return -EIO;
			}
			ret = xl_push(xl, &x);
			if (ret)
				return ret;
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct ext4_extent_idx *ix =
			(const struct ext4_extent_idx *)(eh + 1) + i;
		u64 child = le32_get(&ix->ei_leaf_lo) |
			    (u64)le16_get(&ix->ei_leaf_hi) << 32;
		struct bcache_buf *b;

		if (!ext4_range_ok(fs, child, 1)) {
			ext4_bad(fs, corrupt, "inode %u: index to %llu\n",
				 in->ino, (unsigned long long)child);
			return -EIO;
		}
		ret = grow((void **)&xl->tree, &xl->tree_cap, xl->ntree + 1,
			   sizeof(u64));
		if (ret)
			return ret;
		ret = ext4_bread(fs, child, &b);
		if (ret)
			return ret;
		ret = ext4_ext_check_header(fs, in, b->data, fs->block_size,
					    depth - 1);
		if (!ret)
			ret = ext4_ext_check_csum(fs, in, b->data, child);
		if (!ret) {
			xl->tree[xl->ntree++] = child;
			ret = load_node(fs, in, b->data, depth - 1, xl);
		}
		bcache_put(&fs->bc, b);
		if (ret)
			return ret;
	}
	return 0;
}

int ext4_xl_load(struct ext4_fs *fs, const struct ext4_inode_info *in,
		 struct ext4_xlist *xl)
{
	const struct ext4_extent_header *eh = (const void *)in->i_block;
	int ret;

	memset(xl, 0, sizeof(*xl));
	if (!(in->flags & EXT4_EXTENTS_FL))
		return -EROFS;		/* block-mapped: read-only here */
	ret = ext4_ext_check_header(fs, in, eh, sizeof(in->i_block), -1);
	if (!ret)
		ret = load_node(fs, in, eh, le16_get(&eh->eh_depth), xl);
	if (ret)
		ext4_xl_free(xl);
	return ret;
}

/* The index of the first extent ending after @lblk (xl->n if none). */
static u32 xl_find(const struct ext4_xlist *xl, u32 lblk)
{
	u32 lo = 0, hi = xl->n;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if ((u64)xl->v[mid].lblk + xl->v[mid].len <= lblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void ext4_xl_lookup(const struct ext4_xlist *xl, u32 lblk,
		    struct ext4_xt *out)
{
	u32 i = xl_find(xl, lblk);

	if (i < xl->n && xl->v[i].lblk <= lblk) {
		const struct ext4_xt *x = &xl->v[i];

		out->lblk = lblk;
		out->len = x->lblk + x->len - lblk;
		out->pblk = x->pblk + (lblk - x->lblk);
		out->uninit = x->uninit;
		return;
	}
	out->lblk = lblk;
	out->len = (u32)min_t(u64, i < xl->n ? xl->v[i].lblk - lblk :
					     EXT4_MAX_LBLK - lblk, 0xffffffffu);
	out->pblk = 0;
	out->uninit = false;
}

u64 ext4_xl_goal(const struct ext4_xlist *xl, u32 lblk)
{
	u32 i = xl_find(xl, lblk);

	if (i > 0) {
		const struct ext4_xt *x = &xl->v[i - 1];

		return x->pblk + (lblk - x->lblk);
	}
	if (i < xl->n)
		return xl->v[i].pblk > xl->v[i].lblk - lblk ?
		       xl->v[i].pblk - (xl->v[i].lblk - lblk) : 0;
	return 0;
}

int ext4_xl_punch(struct ext4_fs *fs, struct ext4_xlist *xl, u32 from,
		  u64 to, u64 *freed)
{
	u32 i = xl_find(xl, from);
	int ret;

	while (i < xl->n && xl->v[i].lblk < to) {
		struct ext4_xt *x = &xl->v[i];
		u64 xend = (u64)x->lblk + x->len;
		u32 cut_start = max_t(u32, x->lblk, from);
		u64 cut_end = min_t(u64, xend, to);
		u64 cut_p = x->pblk + (cut_start - x->lblk);

		ret = ext4_free_blocks(fs, cut_p, cut_end - cut_start);
		if (ret)
			return ret;
		*freed += cut_end - cut_start;
		if (cut_start == x->lblk && cut_end == xend) {
			memmove(x, x + 1, (xl->n - i - 1) * sizeof(*x));
			xl->n--;
		} else if (cut_start == x->lblk) {
			x->pblk += cut_end - x->lblk;
			x->len = xend - cut_end;
			x->lblk = cut_end;
			i++;
		} else if (cut_end == xend) {
			x->len = cut_start - x->lblk;
			i++;
		} else {
			/* A hole in the middle: split in two. */
			struct ext4_xt tail = {
				.lblk = cut_end,
				.len = xend - cut_end,
				.pblk = x->pblk + (cut_end - x->lblk),
				.uninit = x->uninit,
			};

			ret = grow((void **)&xl->v, &xl->cap, xl->n + 1,
				   sizeof(*x));
			if (ret)
				return ret;
			x = &xl->v[i];
			x->len = cut_start - x->lblk;
			memmove(x + 2, x + 1, (xl->n - i - 1) * sizeof(*x));
			x[1] = tail;
			xl->n++;
			i += 2;
		}
	}
	return 0;
}

static bool can_merge(const struct ext4_xt *a, const struct ext4_xt *b)
{
	u32 max = a->uninit ? EXT4_EXT_INIT_MAX_LEN - 1 :
			      EXT4_EXT_INIT_MAX_LEN;

	return a->uninit == b->uninit && a->lblk + a->len == b->lblk &&
	       a->pblk + a->len == b->pblk && a->len + b->len <= max;
}

int ext4_xl_insert(struct ext4_xlist *xl, const struct ext4_xt *x)
{
	u32 i = xl_find(xl, x->lblk);
	int ret;

	/* The range must be a hole: callers punch or check first. */
	if (i < xl->n && xl->v[i].lblk < x->lblk + x->len)
		return -EIO;
	if (i > 0 && can_merge(&xl->v[i - 1], x)) {
		xl->v[i - 1].len += x->len;
		if (i < xl->n && can_merge(&xl->v[i - 1], &xl->v[i])) {
			xl->v[i - 1].len += xl->v[i].len;
			memmove(&xl->v[i], &xl->v[i + 1],
				(xl->n - i - 1) * sizeof(*x));
			xl->n--;
		}
		return 0;
	}
	if (i < xl->n && can_merge(x, &xl->v[i])) {
		xl->v[i].lblk = x->lblk;
		xl->v[i].pblk = x->pblk;
		xl->v[i].len += x->len;
		return 0;
	}
	ret = grow((void **)&xl->v, &xl->cap, xl->n + 1, sizeof(*x));
	if (ret)
		return ret;
	memmove(&xl->v[i + 1], &xl->v[i], (xl->n - i) * sizeof(*x));
	xl->v[i] = *x;
	xl->n++;
	return 0;
}

static u32 node_max(const struct ext4_fs *fs)
{
	u32 room = fs->block_size - sizeof(struct ext4_extent_header);

	if (fs->has_csum)
		room -= sizeof(struct ext4_extent_tail);
	return room / sizeof(struct ext4_extent);
}

u32 ext4_xl_tree_blocks(const struct ext4_fs *fs, u32 nr_extents)
{
	u32 per = node_max(fs), nodes = nr_extents, total = 0;

	while (nodes > ROOT_MAX) {
		nodes = DIV_ROUND_UP(nodes, per);
		total += nodes;
	}
	return total;
}

static void put_entry(void *slot, int depth, u32 lblk, u64 pblk, u32 len,
		      bool uninit)
{
	if (!depth) {
		struct ext4_extent *ex = slot;

		put_le32(&ex->ee_block, lblk);
		put_le16(&ex->ee_len, uninit ? len + EXT4_EXT_INIT_MAX_LEN :
					       len);
		put_le16(&ex->ee_start_hi, (u16)(pblk >> 32));
		put_le32(&ex->ee_start_lo, (u32)pblk);
	} else {
		struct ext4_extent_idx *ix = slot;

		put_le32(&ix->ei_block, lblk);
		put_le32(&ix->ei_leaf_lo, (u32)pblk);
		put_le16(&ix->ei_leaf_hi, (u16)(pblk >> 32));
		put_le16(&ix->ei_unused, 0);
	}
}

static void put_header(struct ext4_extent_header *eh, u16 entries, u16 max,
		       u16 depth)
{
	put_le16(&eh->eh_magic, EXT4_EXT_MAGIC);
	put_le16(&eh->eh_entries, entries);
	put_le16(&eh->eh_max, max);
	put_le16(&eh->eh_depth, depth);
	put_le32(&eh->eh_generation, 0);
}

/*
 * One level of the new tree: nodes of up to @per entries over the
 * @n (first logical block, child block) pairs in @lblk/@pblk (depth
 * > 0) or over the extents (depth 0).  Replaces the pairs with one per
 * node written.
 */
static int store_level(struct ext4_fs *fs, struct ext4_inode_info *in,
		       const struct ext4_xlist *xl, int depth, u32 *lblk,
		       u64 *pblk, u32 *n, u64 goal)
{
	u32 per = node_max(fs), nodes = DIV_ROUND_UP(*n, per), k, i;
	int ret;

	for (k = 0; k < nodes; k++) {
		u32 first = k * per, cnt = min_t(u32, per, *n - first);
		struct bcache_buf *b;
		u64 blk;
		u32 got;
		u8 *data;

		ret = ext4_alloc_blocks(fs, goal, 1, &blk, &got);
		if (ret)
			return ret;
		goal = blk + 1;
		in->blocks += fs->block_size >> 9;
		ret = ext4_bread(fs, blk, &b);
		if (ret)
			return ret;
		data = b->data;
		memset(data, 0, fs->block_size);
		put_header((void *)data, cnt, per, depth);
		for (i = 0; i < cnt; i++) {
			void *slot = data + sizeof(struct ext4_extent_header) +
				     i * sizeof(struct ext4_extent);

			if (!depth) {
				const struct ext4_xt *x = &xl->v[first + i];

				put_entry(slot, 0, x->lblk, x->pblk, x->len,
					  x->uninit);
			} else {
				put_entry(slot, depth, lblk[first + i],
					  pblk[first + i], 0, false);
			}
		}
		if (fs->has_csum) {
			u32 off = sizeof(struct ext4_extent_header) +
				  per * sizeof(struct ext4_extent);

			put_le32(data + off, crc32c(in->csum_seed, data, off));
		}
		bcache_mark_dirty(b);
		bcache_put(&fs->bc, b);
		lblk[k] = depth ? lblk[first] : xl->v[first].lblk;
		pblk[k] = blk;
	}
	*n = nodes;
	return 0;
}

int ext4_xl_store(struct ext4_fs *fs, struct ext4_inode_info *in,
		  struct ext4_xlist *xl)
{
	struct ext4_extent_header *root = (void *)in->i_block;
	u32 i, n = xl->n, need = ext4_xl_tree_blocks(fs, xl->n);
	u32 *lblk = NULL;
	u64 *pblk = NULL, goal = xl->n ? xl->v[0].pblk : 0;
	int depth = 0, ret;

	if (need > fs->free_blocks + xl->ntree)
		return -ENOSPC;
	/* Before the old tree is freed: a failure leaves the inode as it was. */
	if (n > ROOT_MAX) {
		lblk = kmalloc_array(n, sizeof(*lblk), GFP_KERNEL);
		pblk = kmalloc_array(n, sizeof(*pblk), GFP_KERNEL);
		ret = -ENOMEM;
		if (!lblk || !pblk)
			goto out;
	}
	for (i = 0; i < xl->ntree; i++) {
		ret = ext4_free_blocks(fs, xl->tree[i], 1);
		if (ret)
			goto out;
		in->blocks -= fs->block_size >> 9;
	}
	xl->ntree = 0;
	memset(in->i_block, 0, sizeof(in->i_block));
	in->flags |= EXT4_EXTENTS_FL;
	if (n <= ROOT_MAX) {
		put_header(root, n, ROOT_MAX, 0);
		for (i = 0; i < n; i++)
			put_entry(root + 1 + i, 0, xl->v[i].lblk, xl->v[i].pblk,
				  xl->v[i].len, xl->v[i].uninit);
		return 0;
	}
	do {
		ret = store_level(fs, in, xl, depth, lblk, pblk, &n, goal);
		if (ret)
			goto out;
		depth++;
	} while (n > ROOT_MAX);
	put_header(root, n, ROOT_MAX, depth);
	for (i = 0; i < n; i++)
		put_entry(root + 1 + i, depth, lblk[i], pblk[i], 0, false);
	ret = 0;
out:
	kfree(lblk);
	kfree(pblk);
	return ret;
}
