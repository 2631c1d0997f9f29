/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hashed (dir_index) directories, as Linux keeps them (fs/ext4/namei.c's
 * dx_* code): a name is looked up through the index (ext4_dx_find()),
 * reading the root, the interior nodes and the one leaf that covers its
 * hash (ext4_hash.c), and added through it, splitting full leaves and
 * index nodes; only an index that cannot grow within two levels is
 * turned linear (ext4_dx_unindex()).  A full one-block linear directory
 * is indexed (ext4_dx_make_indexed()).
 *
 * Callers serialise (see ext4.h).
 */
#define pr_fmt(fmt) "ext4: " fmt

#include <tessera/bug.h>
#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "ext4_alloc.h"
#include "ext4_dx.h"
#include "ext4_hash.h"

/*
 * Make hashed directory @dir linear: its index blocks become empty leaf
 * blocks and EXT4_INDEX_FL is cleared (e2fsck accepts this: every name
 * lives in a leaf).  The fallback when the index cannot take a name.
 */
int ext4_dx_unindex(struct ext4_fs *fs, struct ext4_inode_info *dir,
		    const struct ext4_xlist *xl)
{
	u32 bs = fs->block_size, end = ext4_dir_leaf_end(fs), lblk;
	int ret;

	if (!(dir->flags & EXT4_INDEX_FL))
		return 0;
	if (dir->size % bs) {
		ext4_bad(fs, corrupt, "inode %u: directory size %llu\n",
			 dir->ino, (unsigned long long)dir->size);
		return -EIO;
	}
	for (lblk = 0; lblk < dir->size / bs; lblk++) {
		struct ext4_dir_entry_2 *de;
		struct bcache_buf *b;
		struct ext4_xt m;
		u32 dummy;

		ext4_xl_lookup(xl, lblk, &m);
		if (!m.pblk || m.uninit)
			continue;
		ret = ext4_bread(fs, m.pblk, &b);
		if (ret)
			return ret;
		ret = ext4_dir_block_check(fs, dir, lblk, m.pblk, b->data,
					   &dummy);
		de = b->data;
		if (!ret && lblk == 0) {
			struct ext4_dir_entry_2 *dd =
				(void *)((u8 *)b->data + 12);

			if (le16_get(&de->rec_len) != 12 ||
			    le16_get(&dd->rec_len) != bs - 12) {
				ext4_bad(fs, corrupt,
					 "inode %u: bad hashed root\n", dir->ino);
				ret = -EIO;
			} else {
				memset((u8 *)b->data + 24, 0, bs - 24);
				put_le16(&dd->rec_len, end - 12);
				ext4_dir_csum_set(fs, dir, b->data);
				bcache_mark_dirty(b);
			}
		} else if (!ret && !le32_get(&de->inode) &&
			   le16_get(&de->rec_len) == bs) {
			ext4_dir_block_init(fs, dir, b->data, 0, 0);
			bcache_mark_dirty(b);
		}
		bcache_put(&fs->bc, b);
		if (ret)
			return ret;
	}
	dir->flags &= ~EXT4_INDEX_FL;
	return ext4_write_inode(fs, dir, false);
}

/* --- hashed (dir_index) directories ----------------------------------- */

/*
 * The index of a hashed directory: block 0 holds ".", ".." and the
 * root (struct ext4_dx_root_info, then (hash, block) entries whose first
 * hash field is the dx_countlimit), pointing at leaf blocks, or with
 * indirect_levels 1 (2 with largedir) at interior index blocks, whose
 * entries point at the next level.  An entry covers the hashes from its
 * own up to the next entry's; bit 0 of an entry's hash says the hash
 * before it continues into its block (a collision run split across two
 * leaves).  The writer handles at most one interior level; a lookup
 * reads largedir's second one too.
 */
#define DX_MAX_DEPTH	3		/* the root and two interior levels */
#define DX_WRITE_DEPTH	2		/* the root and one interior level */
#define DX_BLOCK_MASK	0x0fffffff	/* an entry's block number */
#define DX_HASH_MAX	0xffffffffu

struct dx_node {
	struct bcache_buf *b;
	u32 count_off;			/* of its dx_countlimit */
	u32 at;				/* the entry followed down */
	u32 lo, hi;			/* the hashes its parent sends here */
};

struct dx_path {
	struct dx_node node[DX_MAX_DEPTH];
	int depth;			/* nodes held in node[] */
	int levels;			/* the root's indirect_levels */
	u32 leaf;			/* the leaf's logical block */
	u8 version;			/* EXT4_HASH_*, flavour included */
	struct ext4_dirhash hash;	/* of the name being added or found */
};

/* A live entry of a leaf being split, by hash. */
struct dx_map {
	u32 hash, minor;
	u16 off, size;			/* in the old leaf; ext4_de_need() */
	u16 idx;			/* its rank among the live entries */
};

static u32 dx_limit(const struct ext4_fs *fs, u32 count_off)
{
	u32 room = fs->block_size - count_off;

	if (fs->has_csum)
		room -= sizeof(struct ext4_dx_tail);
	return room / sizeof(struct ext4_dx_entry);
}

static struct ext4_dx_countlimit *dx_countlimit(const struct dx_node *n)
{
	return (void *)((u8 *)n->b->data + n->count_off);
}

static struct ext4_dx_entry *dx_entries(const struct dx_node *n)
{
	return (void *)((u8 *)n->b->data + n->count_off);
}

static u32 dx_count(const struct dx_node *n)
{
	return le16_get(&dx_countlimit(n)->count);
}

void ext4_dx_csum_set(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      u8 *blk, u32 count_off)
{
	u32 off, crc;

	if (fs->has_csum && !ext4_dx_csum(fs, dir, blk, count_off, &off, &crc))
		put_le32((__le32 *)(blk + off), crc);
}

u32 ext4_dx_root_count_off(const u8 *blk)
{
	const struct ext4_dx_root_info *info = (const void *)(blk + 24);

	return 24 + info->info_length;
}

static void dx_path_put(struct ext4_fs *fs, struct dx_path *path)
{
	while (path->depth > 0)
		bcache_put(&fs->bc, path->node[--path->depth].b);
}

/* The blocks @dir's size covers: where index entries may point. */
static u64 dx_dir_blocks(const struct ext4_fs *fs,
			 const struct ext4_inode_info *dir)
{
	return DIV_ROUND_UP(dir->size, fs->block_size);
}

/*
 * Read directory block @lblk (checksum checked) into *b, mapping it
 * through @xl, or with ext4_map_block() when @xl is NULL (the reader has
 * no extent list).  Counted in stats.dir_blocks_read.  -EIO.
 */
static int dir_block_read(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			  const struct ext4_xlist *xl, u32 lblk,
			  struct bcache_buf **b, u32 *end)
{
	u64 pblk = 0;
	int ret;

	if (lblk < dx_dir_blocks(fs, dir)) {
		if (xl) {
			struct ext4_xt m;

			ext4_xl_lookup(xl, lblk, &m);
			pblk = m.uninit ? 0 : m.pblk;
		} else {
			struct ext4_map map;

			if (ext4_map_block(fs, dir, lblk, &map))
				return -EIO;	/* counted by the map */
			pblk = map.pblk;
		}
	}
	if (!pblk) {
		ext4_bad(fs, corrupt, "inode %u: hash index points at block %u\n",
			 dir->ino, lblk);
		return -EIO;
	}
	ret = ext4_bread(fs, pblk, b);
	if (ret)
		return ret;
	ext4_stat_inc(fs, dir_blocks_read);
	ret = ext4_dir_block_check(fs, dir, lblk, pblk, (*b)->data, end);
	if (ret)
		bcache_put(&fs->bc, *b);
	return ret;
}

/*
 * Check index node @n (directory block @lblk): the fake entry of an
 * interior node, count and limit, every block number inside the
 * directory and not the root, and the hashes in order and inside what
 * the parent's entry sends to the node (n->lo, n->hi: Linux finds the
 * leaf by binary search, which silently goes wrong on an unordered node).
 * 0, or -EIO (counted and logged).
 */
static int dx_node_check(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			 u32 lblk, const struct dx_node *n)
{
	const struct ext4_dx_countlimit *cl = dx_countlimit(n);
	const struct ext4_dx_entry *e = dx_entries(n);
	const struct ext4_dir_entry_2 *de = n->b->data;
	u64 nr = dx_dir_blocks(fs, dir);
	u32 count = le16_get(&cl->count);
	u32 i, prev = n->lo, hash, blk;

	if (lblk && (le32_get(&de->inode) ||
		     le16_get(&de->rec_len) != fs->block_size))
		goto bad;
	if (le16_get(&cl->limit) != dx_limit(fs, n->count_off) || !count ||
	    count > le16_get(&cl->limit))
		goto bad;
	for (i = 0; i < count; i++) {
		blk = le32_get(&e[i].block) & DX_BLOCK_MASK;
		if (!blk || blk >= nr)
			goto bad;
		if (!i)
			continue;
		hash = le32_get(&e[i].hash);
		if (hash < prev || hash > n->hi)
			goto bad;
		prev = hash;
	}
	return 0;
bad:
	ext4_bad(fs, corrupt, "inode %u: bad hash index block %u\n",
		 dir->ino, lblk);
	return -EIO;
}

/*
 * Read index block @lblk (the root if 0) as the next node of @path,
 * covering hashes [@lo, @hi], and check it (dx_node_check(), the root's
 * header).  0, -EAGAIN (a root the writer does not handle: unknown
 * hash, more levels than it takes), -EIO.  With @lookup, a root a lookup
 * cannot follow is -EIO, counted: it is not what Linux writes.
 */
static int dx_node_read(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			const struct ext4_xlist *xl, u32 lblk, u32 lo, u32 hi,
			struct dx_path *path, bool lookup)
{
	struct dx_node *n = &path->node[path->depth];
	u32 bs = fs->block_size, end;
	struct ext4_dir_entry_2 *de;
	u8 *blk;
	int ret;

	ret = dir_block_read(fs, dir, xl, lblk, &n->b, &end);
	if (ret)
		return ret;
	path->depth++;
	blk = n->b->data;
	de = (void *)blk;
	*n = (struct dx_node){ .b = n->b, .count_off = EXT4_DX_NODE_COUNT_OFF,
			       .lo = lo, .hi = hi };
	if (lblk == 0) {
		const struct ext4_dx_root_info *info = (const void *)(blk + 24);
		struct ext4_dir_entry_2 *dd = (void *)(blk + 12);
		u32 max = DX_WRITE_DEPTH;

		if (le16_get(&de->rec_len) != 12 ||
		    le16_get(&dd->rec_len) != bs - 12 ||
		    le32_get(&info->reserved_zero) ||
		    info->info_length != sizeof(*info))
			goto bad;
		if (lookup && (fs->feature_incompat &
			       EXT4_FEATURE_INCOMPAT_LARGEDIR))
			max = DX_MAX_DEPTH;
		if (info->hash_version > EXT4_HASH_TEA ||
		    info->indirect_levels >= max || (info->unused_flags & 1)) {
			if (!lookup)
				return -EAGAIN;
			goto bad;
		}
		n->count_off = ext4_dx_root_count_off(blk);
	}
	return dx_node_check(fs, dir, lblk, n);
bad:
	ext4_bad(fs, corrupt, "inode %u: bad hash index root\n", dir->ino);
	return -EIO;
}

/* The leaf (or node) block entry n->at of @n points at. */
static u32 dx_at_block(const struct dx_node *n)
{
	return le32_get(&dx_entries(n)[n->at].block) & DX_BLOCK_MASK;
}

/*
 * Read the node entry n->at of @path's deepest node @n points at as the
 * next node, covering the hashes from that entry's up to the next one's.
 * 0, -EAGAIN, -EIO as dx_node_read().
 */
static int dx_read_child(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			 const struct ext4_xlist *xl, struct dx_path *path,
			 bool lookup)
{
	const struct dx_node *n = &path->node[path->depth - 1];
	const struct ext4_dx_entry *e = dx_entries(n);
	u32 lo = n->at ? le32_get(&e[n->at].hash) & ~1u : n->lo;
	u32 hi = n->at + 1 < dx_count(n) ? le32_get(&e[n->at + 1].hash) :
					     n->hi;

	return dx_node_read(fs, dir, xl, dx_at_block(n), lo, hi, path, lookup);
}

/*
 * Read @dir's index root as @path's first node, with its levels and hash
 * version.  0 (dx_path_put() the path), -EAGAIN, -EIO; on failure the
 * path holds nothing.
 */
static int dx_root(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		   const struct ext4_xlist *xl, struct dx_path *path,
		   bool lookup)
{
	const struct ext4_dx_root_info *info;
	int ret;

	ret = dx_node_read(fs, dir, xl, 0, 0, DX_HASH_MAX, path, lookup);
	if (ret) {
		dx_path_put(fs, path);
		return ret;
	}
	info = (const void *)((u8 *)path->node[0].b->data + 24);
	path->levels = info->indirect_levels;
	path->version = info->hash_version;
	if (fs->hash_unsigned)
		path->version += EXT4_HASH_UNSIGNED_DELTA;
	return 0;
}

/*
 * From the root @path holds, walk down to the leaf that covers
 * path->hash (Linux's rule: the last entry whose hash is <= it).  0,
 * -EAGAIN, -EIO; on failure the path holds nothing.
 */
static int dx_descend(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      const struct ext4_xlist *xl, struct dx_path *path,
		      bool lookup)
{
	int ret;

	for (;;) {
		struct dx_node *n = &path->node[path->depth - 1];
		const struct ext4_dx_entry *e = dx_entries(n);
		u32 lo = 1, hi = dx_count(n) - 1;

		/* The hashes are in order (dx_node_check()): bisect. */
		while (lo <= hi) {
			u32 mid = lo + (hi - lo) / 2;

			if (le32_get(&e[mid].hash) > path->hash.hash)
				hi = mid - 1;
			else
				lo = mid + 1;
		}
		n->at = lo - 1;
		if (path->depth > path->levels)
			break;
		ret = dx_read_child(fs, dir, xl, path, lookup);
		if (ret) {
			dx_path_put(fs, path);
			return ret;
		}
	}
	path->leaf = dx_at_block(&path->node[path->depth - 1]);
	return 0;
}

/*
 * Walk @dir's index from the root to the leaf that covers @name's hash.
 * On 0 the path holds the index blocks (dx_path_put() them); -EAGAIN,
 * -EIO.
 */
static int dx_probe(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		    const struct ext4_xlist *xl, const char *name, u32 len,
		    struct dx_path *path, bool lookup)
{
	int ret;

	ret = dx_root(fs, dir, xl, path, lookup);
	if (ret)
		return ret;
	ret = ext4_dirhash(name, len, path->version, fs->hash_seed,
			   &path->hash);
	if (ret) {
		dx_path_put(fs, path);
		return ret;
	}
	return dx_descend(fs, dir, xl, path, lookup);
}

/*
 * Search leaf @lblk of @dir for @name: 0 with *out, -ENOENT, -EIO (a bad
 * block or entry: counted).
 */
static int dx_leaf_find(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			const struct ext4_xlist *xl, u32 lblk,
			const char *name, u32 len, struct ext4_dpos *out)
{
	struct ext4_dpos pos = { .lblk = lblk, .prev = -1 };
	struct bcache_buf *b;
	int ret, rec;
	u32 end;

	ret = dir_block_read(fs, dir, xl, lblk, &b, &end);
	if (ret)
		return ret;
	ret = -ENOENT;
	/* rec_len >= 12 (ext4_dirent_check()) bounds the walk. */
	while (pos.off < end) {
		const struct ext4_dir_entry_2 *de =
			(const void *)((u8 *)b->data + pos.off);

		rec = ext4_dirent_check(fs, dir, lblk, b->data, pos.off, end);
		if (rec < 0) {
			ret = rec;
			break;
		}
		if (le32_get(&de->inode) && de->name_len == len &&
		    !memcmp(de->name, name, len)) {
			*out = pos;
			out->pblk = b->blk;
			out->end = end;
			out->ino = le32_get(&de->inode);
			out->type = de->file_type;
			ret = 0;
			break;
		}
		pos.prev = pos.off;
		pos.off += rec;
	}
	bcache_put(&fs->bc, b);
	return ret;
}

/*
 * Move @path to the next leaf (Linux's ext4_htree_next_block()): the
 * next entry of the deepest node that has one; the nodes below that
 * entry are read down to the leaf level.  With @same_hash only if the
 * name's hash continues there: that entry must carry the hash with bit 0
 * set.  1 when moved, 0 at the end (or the hash ends here), -EIO.
 */
static int dx_next_leaf(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			const struct ext4_xlist *xl, struct dx_path *path,
			bool same_hash)
{
	int d = path->depth - 1, ret;
	struct dx_node *n;

	for (;;) {
		n = &path->node[d];
		if (++n->at < dx_count(n))
			break;
		if (!d)
			return 0;
		d--;
	}
	if (same_hash &&
	    (le32_get(&dx_entries(n)[n->at].hash) & ~1u) != path->hash.hash)
		return 0;
	while (path->depth > d + 1)
		bcache_put(&fs->bc, path->node[--path->depth].b);
	while (path->depth <= path->levels) {
		ret = dx_read_child(fs, dir, xl, path, true);
		if (ret)
			return ret;
	}
	path->leaf = dx_at_block(&path->node[path->depth - 1]);
	return 1;
}

bool ext4_dx_usable(const struct ext4_fs *fs,
		    const struct ext4_inode_info *dir)
{
	return (dir->flags & EXT4_INDEX_FL) &&
	       (fs->feature_compat & EXT4_FEATURE_COMPAT_DIR_INDEX);
}

int ext4_dx_find(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		 const struct ext4_xlist *xl, const char *name, u32 len,
		 struct ext4_dpos *out)
{
	struct dx_path path = { .depth = 0 };
	u64 leaves, max_leaves = dx_dir_blocks(fs, dir);
	int ret;

	if (!ext4_dx_usable(fs, dir) || !len || len > EXT4_NAME_LEN)
		return -EAGAIN;
	/* "." and ".." live in block 0, before the root: not indexed. */
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return -EAGAIN;
	ret = dx_probe(fs, dir, xl, name, len, &path, true);
	if (ret)
		return -EAGAIN;
	/*
	 * A collision run may go on in the next leaves; each step moves to
	 * a later index entry, and no directory has more leaves than blocks.
	 */
	for (leaves = 0; leaves < max_leaves; leaves++) {
		ret = dx_leaf_find(fs, dir, xl, path.leaf, name, len, out);
		if (ret != -ENOENT)
			break;
		ret = dx_next_leaf(fs, dir, xl, &path, true);
		if (ret <= 0) {
			ret = ret ? ret : -ENOENT;
			break;
		}
	}
	dx_path_put(fs, &path);
	if (ret > 0) {
		/* Only index entries that repeat a leaf make runs this long. */
		ext4_bad(fs, corrupt, "inode %u: hash run past %llu leaves\n",
			 dir->ino, (unsigned long long)max_leaves);
		return -EAGAIN;
	}
	if (ret && ret != -ENOENT)
		return -EAGAIN;		/* counted where it was found */
	ext4_stat_inc(fs, dx_lookups);
	return ret;
}

/*
 * Keep in leaf @blk only the live entries not marked in @move (by rank),
 * each at its offset (so a readdir cookie into the block still finds
 * them): a dropped entry's space goes to the kept entry before it.
 */
static void leaf_drop(u8 *blk, u32 end, const u8 *move)
{
	u32 off = 0, rank = 0, keep = 0;
	struct ext4_dir_entry_2 *de;

	while (off < end) {
		bool stays;

		de = (void *)(blk + off);
		stays = le32_get(&de->inode) && !move[rank];
		if (le32_get(&de->inode))
			rank++;
		if (stays || !off) {
			if (!stays)
				put_le32(&de->inode, 0);
			if (off)
				put_le16(&((struct ext4_dir_entry_2 *)
					   (blk + keep))->rec_len, off - keep);
			keep = off;
		}
		off += le16_get(&de->rec_len);
	}
	de = (void *)(blk + keep);
	put_le16(&de->rec_len, end - keep);
}

/* Pack leaf @blk's live entries at its start, in their order. */
static void leaf_compact(u8 *blk, u32 end)
{
	u32 off = 0, to = 0, last = 0, rec;
	struct ext4_dir_entry_2 *de;

	while (off < end) {
		de = (void *)(blk + off);
		rec = le16_get(&de->rec_len);
		if (le32_get(&de->inode)) {
			u32 need = ext4_de_need(de->name_len);

			memmove(blk + to, de, need);
			de = (void *)(blk + to);
			put_le16(&de->rec_len, need);
			last = to;
			to += need;
		}
		off += rec;
	}
	if (!to) {
		de = (void *)blk;
		put_le32(&de->inode, 0);
		put_le16(&de->rec_len, end);
		return;
	}
	de = (void *)(blk + last);
	put_le16(&de->rec_len, end - last);
}

/* Sort by (hash, minor): insertion sort, a leaf holds few hundred. */
static void dx_map_sort(struct dx_map *map, u32 n)
{
	u32 i, j;

	for (i = 1; i < n; i++) {
		struct dx_map m = map[i];

		for (j = i; j > 0 && (map[j - 1].hash > m.hash ||
				      (map[j - 1].hash == m.hash &&
				       map[j - 1].minor > m.minor)); j--)
			map[j] = map[j - 1];
		map[j] = m;
	}
}

/*
 * Collect leaf @blk's live entries with their hashes into @map; the
 * number of them, or -EIO.
 */
static int dx_map_fill(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		       const struct dx_path *path, u32 lblk, const u8 *blk,
		       u32 end, struct dx_map *map)
{
	struct ext4_dirhash h;
	u32 off = 0, n = 0;
	int rec;

	while (off < end) {
		const struct ext4_dir_entry_2 *de = (const void *)(blk + off);

		rec = ext4_dirent_check(fs, dir, lblk, blk, off, end);
		if (rec < 0)
			return rec;
		if (le32_get(&de->inode)) {
			if (!de->name_len ||
			    ext4_dirhash(de->name, de->name_len, path->version,
					 fs->hash_seed, &h)) {
				ext4_bad(fs, corrupt,
					 "inode %u: empty name in block %u\n",
					 dir->ino, lblk);
				return -EIO;
			}
			map[n] = (struct dx_map){
				h.hash, h.minor, off,
				ext4_de_need(de->name_len), n };
			n++;
		}
		off += rec;
	}
	return n;
}

/* --- readdir in hash order -------------------------------------------- */

#define DX_COOKIE_DOTDOT	1
#define DX_COOKIE_FIRST		2	/* the smallest hashed entry's */

/*
 * The cookie of a hashed directory's entry: Linux's 64-bit position
 * (the major hash >> 1, then the minor) with the minor's low bit dropped
 * so that it stays far below EXT4_READDIR_EOF and fits a non-negative
 * off_t, after the cookies of "." and "..".  Its order is the (hash,
 * minor) order dx_map_sort() gives.
 */
static u64 dx_cookie(u32 hash, u32 minor)
{
	return ((u64)(hash >> 1) << 31 | minor >> 1) + DX_COOKIE_FIRST;
}

/* The major hash where entries of cookie >= @cookie start. */
static u32 dx_cookie_hash(u64 cookie)
{
	return (u32)((cookie - DX_COOKIE_FIRST) >> 31) << 1;
}

/* "." and ".." of block 0 (dx_node_read() checked their rec_lens). */
static int dx_readdir_dots(const u8 *blk, u64 *cookie, ext4_filldir_t fill,
			   void *ctx)
{
	for (; *cookie < DX_COOKIE_FIRST; (*cookie)++) {
		const struct ext4_dir_entry_2 *de =
			(const void *)(blk + (*cookie ? 12 : 0));
		u8 type = de->file_type < EXT4_FT_MAX ? de->file_type :
							EXT4_FT_UNKNOWN;

		if (fill(ctx, *cookie ? ".." : ".", *cookie ? 2 : 1,
			 le32_get(&de->inode), type, *cookie + 1))
			return 1;
	}
	return 0;
}

/*
 * Deliver leaf path->leaf's entries of cookie >= @start in hash order.
 * 1 when @fill stopped (*cookie set), 0 when the leaf is done, -EIO.
 */
static int dx_readdir_leaf(struct ext4_fs *fs,
			   const struct ext4_inode_info *dir,
			   const struct dx_path *path, struct dx_map *map,
			   u64 start, u64 *cookie, u32 *delivered,
			   ext4_filldir_t fill, void *ctx)
{
	struct bcache_buf *b;
	int n, i, ret = 0;
	u32 end;

	ret = dir_block_read(fs, dir, NULL, path->leaf, &b, &end);
	if (ret)
		return ret;
	n = dx_map_fill(fs, dir, path, path->leaf, b->data, end, map);
	if (n < 0) {
		bcache_put(&fs->bc, b);
		return n;
	}
	dx_map_sort(map, n);
	for (i = 0; i < n; i++) {
		const struct ext4_dir_entry_2 *de =
			(const void *)((u8 *)b->data + map[i].off);
		u64 c = dx_cookie(map[i].hash, map[i].minor);
		/* The last of a leaf: the next leaf's first is later. */
		u64 next = i + 1 < n ? dx_cookie(map[i + 1].hash,
						 map[i + 1].minor) : c + 1;
		u8 type = de->file_type < EXT4_FT_MAX ? de->file_type :
							EXT4_FT_UNKNOWN;

		if (c < start)
			continue;
		if (fill(ctx, de->name, de->name_len, le32_get(&de->inode),
			 type, next)) {
			/*
			 * Resume at this entry's hash.  Entries of the same
			 * cookie delivered before it come again (as on
			 * Linux); a run of them larger than the caller's
			 * whole buffer is cut, so that the next call moves.
			 */
			*cookie = c == start && *delivered ? c + 1 : c;
			ret = 1;
			break;
		}
		(*delivered)++;
	}
	bcache_put(&fs->bc, b);
	return ret;
}

/*
 * Check every index node below the deepest node @path holds (each node
 * is read and checked by dx_read_child()).  0, or -EIO / -EAGAIN with
 * the path still holding what it read (the caller puts it).
 */
static int dx_subtree_check(struct ext4_fs *fs,
			    const struct ext4_inode_info *dir,
			    struct dx_path *path)
{
	struct dx_node *n = &path->node[path->depth - 1];
	u32 at;
	int ret;

	if (path->depth > path->levels)
		return 0;		/* its entries point at leaves */
	for (at = 0; at < dx_count(n); at++) {
		n->at = at;
		ret = dx_read_child(fs, dir, NULL, path, true);
		if (!ret)
			ret = dx_subtree_check(fs, dir, path);
		if (ret)
			return ret;
		bcache_put(&fs->bc, path->node[--path->depth].b);
	}
	return 0;
}

int ext4_dx_readdir(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		    u64 *cookie, ext4_filldir_t fill, void *ctx)
{
	struct dx_path path = { .depth = 0 };
	u64 leaves, max_leaves = dx_dir_blocks(fs, dir), start;
	struct dx_map *map;
	u32 delivered = 0;
	int ret;

	if (*cookie >= EXT4_READDIR_EOF) {
		*cookie = EXT4_READDIR_EOF;
		return 1;
	}
	/*
	 * An index we cannot use: -EAGAIN, the caller walks (byte cookies).
	 * Every node is checked on every call (a few blocks, cached), so
	 * that all calls agree on what the cookies are.
	 */
	if (dx_root(fs, dir, NULL, &path, true))
		return -EAGAIN;
	if (dx_subtree_check(fs, dir, &path)) {
		dx_path_put(fs, &path);
		return -EAGAIN;
	}
	if (dx_readdir_dots(path.node[0].b->data, cookie, fill, ctx)) {
		dx_path_put(fs, &path);
		return 0;
	}
	start = *cookie;
	path.hash.hash = dx_cookie_hash(start);
	ret = dx_descend(fs, dir, NULL, &path, true);
	if (ret)
		return ret == -EAGAIN ? -EIO : ret;
	map = kmalloc_array(fs->block_size / 12, sizeof(*map), GFP_KERNEL);
	if (!map) {
		dx_path_put(fs, &path);
		return -ENOMEM;
	}
	/* Each step moves to a later index entry: at most a leaf a block. */
	for (leaves = 0; leaves < max_leaves; leaves++) {
		ret = dx_readdir_leaf(fs, dir, &path, map, start, cookie,
				      &delivered, fill, ctx);
		if (ret)
			break;
		ret = dx_next_leaf(fs, dir, NULL, &path, false);
		if (ret <= 0)
			break;
	}
	kfree(map);
	dx_path_put(fs, &path);
	if (ret > 0 && leaves == max_leaves) {
		ext4_bad(fs, corrupt, "inode %u: index has more leaves than its %llu blocks\n",
			 dir->ino, (unsigned long long)max_leaves);
		return -EIO;
	}
	if (ret < 0)
		return ret;
	if (ret)
		return 0;		/* @fill stopped it; *cookie is set */
	*cookie = EXT4_READDIR_EOF;
	return 1;
}

/* Make index block @blk an empty interior node. */
static void dx_node_init(struct ext4_fs *fs, u8 *blk)
{
	struct ext4_dir_entry_2 *de = (void *)blk;
	struct ext4_dx_countlimit *cl;

	memset(blk, 0, fs->block_size);
	put_le16(&de->rec_len, fs->block_size);
	cl = (void *)(blk + EXT4_DX_NODE_COUNT_OFF);
	put_le16(&cl->limit, dx_limit(fs, EXT4_DX_NODE_COUNT_OFF));
}

/*
 * Put entries [@from, @from + @nr) of node @n into fresh interior node
 * @blk (its first entry's hash field is the count).
 */
static void dx_node_fill(struct ext4_fs *fs, u8 *blk, const struct dx_node *n,
			 u32 from, u32 nr)
{
	struct ext4_dx_countlimit *cl;

	dx_node_init(fs, blk);
	memcpy(blk + EXT4_DX_NODE_COUNT_OFF, &dx_entries(n)[from],
	       nr * sizeof(struct ext4_dx_entry));
	cl = (void *)(blk + EXT4_DX_NODE_COUNT_OFF);
	put_le16(&cl->limit, dx_limit(fs, EXT4_DX_NODE_COUNT_OFF));
	put_le16(&cl->count, nr);
}

/* Insert (@hash, @lblk) after entry n->at of node @n (it has room). */
static void dx_insert(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      struct dx_node *n, u32 hash, u32 lblk)
{
	struct ext4_dx_countlimit *cl = dx_countlimit(n);
	struct ext4_dx_entry *e = dx_entries(n);
	u32 count = le16_get(&cl->count);

	memmove(&e[n->at + 2], &e[n->at + 1],
		(count - n->at - 1) * sizeof(*e));
	put_le32(&e[n->at + 1].hash, hash);
	put_le32(&e[n->at + 1].block, lblk);
	put_le16(&cl->count, count + 1);
	ext4_dx_csum_set(fs, dir, n->b->data, n->count_off);
	bcache_mark_dirty(n->b);
}

static bool dx_full(const struct dx_node *n)
{
	const struct ext4_dx_countlimit *cl = dx_countlimit(n);

	return le16_get(&cl->count) >= le16_get(&cl->limit);
}

/*
 * Make room for one entry in the deepest node of @path, as Linux does:
 * a full root of a one-level index moves into a new interior node (the
 * index grows a level); a full interior node gives its upper half to a
 * new one, indexed in the root.  @path follows the moved entries.
 * 0, -EAGAIN (both levels full), -ENOSPC, -EIO.
 */
static int dx_make_room(struct ext4_fs *fs, struct ext4_inode_info *dir,
			struct ext4_xlist *xl, struct dx_path *path)
{
	struct dx_node *root = &path->node[0], *n;
	struct ext4_dx_root_info *info;
	u32 count, keep, new_lblk, hash;
	struct bcache_buf *nb;
	int ret;

	n = &path->node[path->depth - 1];
	if (!dx_full(n))
		return 0;
	if (path->depth == DX_WRITE_DEPTH && dx_full(root))
		return -EAGAIN;
	ret = ext4_dir_append_block(fs, dir, xl, &nb, &new_lblk);
	if (ret)
		return ret;
	count = le16_get(&dx_countlimit(n)->count);
	if (path->depth == 1) {
		/* The root's entries move down; it keeps one to them. */
		dx_node_fill(fs, nb->data, root, 0, count);
		put_le16(&dx_countlimit(root)->count, 1);
		put_le32(&dx_entries(root)[0].block, new_lblk);
		info = (void *)((u8 *)root->b->data + 24);
		info->indirect_levels = 1;
		ext4_dx_csum_set(fs, dir, root->b->data, root->count_off);
		bcache_mark_dirty(root->b);
		path->node[1] = (struct dx_node){
			.b = nb, .count_off = EXT4_DX_NODE_COUNT_OFF,
			.at = root->at, .lo = 0, .hi = DX_HASH_MAX };
		root->at = 0;
		path->depth = 2;
		n = &path->node[1];
		ext4_dx_csum_set(fs, dir, nb->data, n->count_off);
		bcache_mark_dirty(nb);
		return 0;
	}
	/* Split the interior node; its upper half is indexed by the root. */
	keep = count / 2;
	hash = le32_get(&dx_entries(n)[keep].hash);
	dx_node_fill(fs, nb->data, n, keep, count - keep);
	put_le16(&dx_countlimit(n)->count, keep);
	dx_insert(fs, dir, root, hash, new_lblk);
	ext4_dx_csum_set(fs, dir, nb->data, EXT4_DX_NODE_COUNT_OFF);
	bcache_mark_dirty(nb);
	ext4_dx_csum_set(fs, dir, n->b->data, n->count_off);
	bcache_mark_dirty(n->b);
	if (n->at >= keep) {
		bcache_put(&fs->bc, n->b);
		n->b = nb;
		n->at -= keep;
	} else {
		bcache_put(&fs->bc, nb);
	}
	return 0;
}

/*
 * Leaf @leaf (block path->leaf, entries up to @end) is full: move the
 * upper half of its entries by hash to a new block at the end of @dir,
 * index that block in the deepest index node after the leaf's entry
 * (dx_make_room() first), and add @ac's entry to whichever of the two
 * now covers its hash.  -EAGAIN when the index is full, -ENOSPC,
 * -ENOMEM, -EIO.
 */
static int dx_split(struct ext4_fs *fs, struct ext4_inode_info *dir,
		    struct ext4_xlist *xl, struct dx_path *path,
		    struct bcache_buf *leaf, u32 end, struct ext4_dir_new *ac)
{
	u32 bs = fs->block_size, i, n, split, size, off, new_lblk, split_hash;
	u8 *old = leaf->data, *blk, *move;
	struct bcache_buf *nb, *target;
	struct dx_map *map;
	int ret;

	map = kmalloc_array(bs / 12, sizeof(*map), GFP_KERNEL);
	move = kzalloc(bs / 12, GFP_KERNEL);
	ret = -ENOMEM;
	if (!map || !move)
		goto out_free;
	ret = dx_map_fill(fs, dir, path, path->leaf, old, end, map);
	if (ret < 0)
		goto out_free;
	n = ret;
	ret = -EAGAIN;
	if (n < 2)
		goto out_free;
	dx_map_sort(map, n);
	/* Move entries from the top while more than half of each fits. */
	for (size = 0, i = n - 1; i > 0; i--) {
		if (size + map[i].size / 2 > bs / 2)
			break;
		size += map[i].size;
	}
	split = i + 1;
	split_hash = map[split].hash;
	if (map[split - 1].hash == split_hash)
		split_hash |= 1;	/* the run goes on in the new block */

	ret = dx_make_room(fs, dir, xl, path);
	if (ret)
		goto out_free;
	ret = ext4_dir_append_block(fs, dir, xl, &nb, &new_lblk);
	if (ret)
		goto out_free;
	blk = nb->data;
	for (off = 0, i = split; i < n; i++) {
		struct ext4_dir_entry_2 *de = (void *)(blk + off);

		memcpy(de, old + map[i].off, map[i].size);
		put_le16(&de->rec_len, i + 1 < n ? map[i].size :
				       ext4_dir_leaf_end(fs) - off);
		off += map[i].size;
		move[map[i].idx] = 1;
	}
	leaf_drop(old, end, move);

	/* The new block's entry, after the one that led to the leaf. */
	dx_insert(fs, dir, &path->node[path->depth - 1], split_hash, new_lblk);

	target = path->hash.hash >= split_hash ? nb : leaf;
	ret = ext4_dir_leaf_add(fs, dir, target == nb ? new_lblk : path->leaf,
				target->data, ext4_dir_leaf_end(fs), ac);
	if (!ret && target == leaf) {
		leaf_compact(old, end);
		ret = ext4_dir_leaf_add(fs, dir, path->leaf, old, end, ac);
	}
	if (!ret) {
		WARN_ON_ONCE(1);	/* half a block always takes a name */
		ret = -ENOSPC;
	}
	ret = ret < 0 ? ret : 0;
	ext4_dir_csum_set(fs, dir, old);
	bcache_mark_dirty(leaf);
	ext4_dir_csum_set(fs, dir, blk);
	bcache_mark_dirty(nb);
	bcache_put(&fs->bc, nb);
out_free:
	kfree(move);
	kfree(map);
	return ret;
}

/* See ext4_dx.h. */
int ext4_dx_add(struct ext4_fs *fs, struct ext4_inode_info *dir,
		struct ext4_xlist *xl, const char *name, u32 len, u32 ino,
		u8 type)
{
	struct ext4_dir_new ac = { name, len, ino, type };
	struct dx_path path = { .depth = 0 };
	struct bcache_buf *leaf;
	u32 end;
	int ret;

	ret = dx_probe(fs, dir, xl, name, len, &path, false);
	if (ret)
		return ret;
	ret = dir_block_read(fs, dir, xl, path.leaf, &leaf, &end);
	if (ret)
		goto out;
	ret = ext4_dir_leaf_add(fs, dir, path.leaf, leaf->data, end, &ac);
	if (ret > 0) {
		ext4_dir_csum_set(fs, dir, leaf->data);
		bcache_mark_dirty(leaf);
		ret = 0;
	} else if (!ret) {
		ret = dx_split(fs, dir, xl, &path, leaf, end, &ac);
	}
	bcache_put(&fs->bc, leaf);
out:
	dx_path_put(fs, &path);
	return ret;
}

/*
 * Turn full one-block linear directory @dir into a hashed one (Linux's
 * make_indexed_dir): its entries but "." and ".." move to a new block 1,
 * the only leaf, and block 0 becomes the index root; the inode is
 * written (EXT4_INDEX_FL set).  0, -EAGAIN (a block 0 we do not
 * rebuild), -ENOSPC, -EIO.
 */
int ext4_dx_make_indexed(struct ext4_fs *fs, struct ext4_inode_info *dir,
			 struct ext4_xlist *xl)
{
	u32 bs = fs->block_size, end, off, lblk;
	struct ext4_dir_entry_2 *de, *dd;
	struct ext4_dx_root_info *info;
	struct ext4_dx_countlimit *cl;
	struct bcache_buf *root, *nb;
	u8 *blk;
	int ret, rec;

	ret = dir_block_read(fs, dir, xl, 0, &root, &end);
	if (ret)
		return ret;
	blk = root->data;
	de = (void *)blk;
	dd = (void *)(blk + 12);
	ret = -EAGAIN;
	if (le16_get(&de->rec_len) != 12 || de->name_len != 1 ||
	    dd->name_len != 2 || memcmp(dd->name, "..", 2))
		goto out;
	for (off = 0; off < end; off += rec) {
		rec = ext4_dirent_check(fs, dir, 0, blk, off, end);
		if (rec < 0) {
			ret = rec;
			goto out;
		}
	}
	ret = ext4_dir_append_block(fs, dir, xl, &nb, &lblk);
	if (ret)
		goto out;
	/* The block without "." and "..", packed, is the first leaf. */
	memcpy(nb->data, blk, end);
	put_le32(&((struct ext4_dir_entry_2 *)nb->data)->inode, 0);
	put_le32(&((struct ext4_dir_entry_2 *)((u8 *)nb->data + 12))->inode,
		 0);
	leaf_compact(nb->data, end);
	ext4_dir_csum_set(fs, dir, nb->data);
	bcache_mark_dirty(nb);
	bcache_put(&fs->bc, nb);

	memset(blk + 24, 0, bs - 24);
	put_le16(&dd->rec_len, bs - 12);
	info = (void *)(blk + 24);
	info->hash_version = fs->def_hash_version;
	info->info_length = sizeof(*info);
	cl = (void *)(blk + EXT4_DX_ROOT_COUNT_OFF);
	put_le16(&cl->limit, dx_limit(fs, EXT4_DX_ROOT_COUNT_OFF));
	put_le16(&cl->count, 1);
	put_le32(&((struct ext4_dx_entry *)cl)->block, lblk);
	dir->flags |= EXT4_INDEX_FL;
	ext4_dx_csum_set(fs, dir, blk, EXT4_DX_ROOT_COUNT_OFF);
	bcache_mark_dirty(root);
	ret = ext4_write_inode(fs, dir, false);
out:
	bcache_put(&fs->bc, root);
	return ret;
}

