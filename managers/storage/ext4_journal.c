// SPDX-License-Identifier: GPL-2.0
/*
 * The ext4 journal: jbd2 replay at mount and transaction commits for
 * the writer (see ext4_journal.h for the protocol).  Journal blocks are
 * addressed by their index in the journal inode (0: the journal
 * superblock; the log runs from s_first to s_maxlen - 1 and wraps).
 */
#define pr_fmt(fmt) "ext4 journal: " fmt

#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/unaligned.h>

#include "ext4_alloc.h"
#include "ext4_journal.h"

#define JBD2_MAX_BLOCKS		(1u << 20)	/* journal length we accept */
#define JH_SIZE			12		/* magic, type, sequence */
#define JUUID_SIZE		16
#define JREVOKE_HDR		16		/* header + r_count */
#define JCOMMIT_CSUM		16		/* h_chksum[0] */
#define JCOMMIT_SEC		0x30
#define JCOMMIT_NSEC		0x38

struct jrevoke {
	u64 blk;
	u32 seq;
};

struct ext4_journal {
	u64 *map;			/* journal block -> fs block */
	u32 maxlen, first;
	u32 incompat;
	bool csum, is64;
	u32 seed;			/* crc32c of the journal's uuid */
	u32 tag_bytes;
	u8 *jsb;			/* journal block 0 */
	u8 *buf, *buf2;			/* scratch blocks */
	u32 head;			/* where the next transaction goes */
	u32 tid;			/* the running transaction's sequence */
	u32 tail;			/* s_start written while active */
	bool active;			/* s_start != 0, needs_recovery set */
	bool freed;			/* blocks freed in the running one */
	struct jrevoke *revoke;		/* running: blocks to revoke (seq
					 * unused); recovery: the table */
	u32 nr_revoke, cap_revoke;
	u64 *prev;			/* blocks of the last commit */
	u32 nr_prev;
	struct ext4_journal_stats stats;
};

static inline bool tid_gt(u32 a, u32 b)
{
	return (s32)(a - b) > 0;
}

static u32 jnext(const struct ext4_journal *j, u32 pos)
{
	return pos + 1 >= j->maxlen ? j->first : pos + 1;
}

static int jio(struct ext4_fs *fs, u32 pos, void *buf, bool write)
{
	const struct storage_io *io = fs->io;
	u64 off = fs->journal->map[pos] << fs->log_block_size;

	if (write)
		return io->write(io->ctx, off, buf, fs->block_size);
	return io->read(io->ctx, off, buf, fs->block_size);
}

static int jflush(struct ext4_fs *fs)
{
	return fs->io->flush ? fs->io->flush(fs->io->ctx) : 0;
}

/* --- checksums ---------------------------------------------------------- */

static u32 jsb_csum(u8 *jsb)
{
	u32 old = get_be32(jsb + JSB_CHECKSUM), c;

	put_be32(jsb + JSB_CHECKSUM, 0);
	c = crc32c(~0u, jsb, JSB_SIZE);
	put_be32(jsb + JSB_CHECKSUM, old);
	return c;
}

/* crc32c of a whole block with the 4 bytes at @at counted as zero. */
static u32 block_csum(const struct ext4_journal *j, u8 *blk, u32 bs, u32 at)
{
	u32 old = get_be32(blk + at), c;

	put_be32(blk + at, 0);
	c = crc32c(j->seed, blk, bs);
	put_be32(blk + at, old);
	return c;
}

static u32 tag_csum(const struct ext4_journal *j, const u8 *data, u32 bs,
		    u32 seq)
{
	u8 be[4];

	put_be32(be, seq);
	return crc32c(crc32c(j->seed, be, 4), data, bs);
}

static u32 tail_size(const struct ext4_journal *j)
{
	return j->csum ? 4 : 0;
}

static void set_tag_bytes(struct ext4_journal *j)
{
	j->csum = j->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3;
	j->is64 = j->incompat & JBD2_FEATURE_INCOMPAT_64BIT;
	if (j->csum)
		j->tag_bytes = 16;
	else
		j->tag_bytes = j->is64 ? 12 : 8;
}

/* --- load --------------------------------------------------------------- */

static int journal_bad(struct ext4_fs *fs, const char *why)
{
	pr_err("%s; the file system stays read-only\n", why);
	fs->journal_bad = true;
	ext4_journal_destroy(fs);
	return -EIO;
}

static int map_journal(struct ext4_fs *fs, struct ext4_journal *j,
		       const struct ext4_inode_info *in, u32 nblocks)
{
	u32 lblk = 0, k;

	while (lblk < nblocks) {
		struct ext4_map m;
		int ret = ext4_map_block(fs, in, lblk, &m);

		if (ret)
			return ret;
		if (!m.pblk || !m.count || !ext4_range_ok(fs, m.pblk, m.count))
			return -EIO;
		for (k = 0; k < m.count && lblk < nblocks; k++)
			j->map[lblk++] = m.pblk + k;
	}
	return 0;
}

int ext4_journal_load(struct ext4_fs *fs, const struct ext4_super_block *sb)
{
	struct ext4_inode_info in;
	struct ext4_journal *j;
	u32 ino = le32_get(&sb->s_journal_inum), nblocks, type;
	u64 len;

	fs->journal = NULL;
	fs->journal_bad = false;
	if (!(fs->feature_compat & EXT4_FEATURE_COMPAT_HAS_JOURNAL))
		return 0;
	if (!ino || le32_get(&sb->s_journal_dev))
		return journal_bad(fs, "external journal not supported");
	if (ext4_iget(fs, ino, &in) || !ext4_is_reg(&in))
		return journal_bad(fs, "journal inode unreadable");
	len = in.size >> fs->log_block_size;
	if (len < 16 || len > JBD2_MAX_BLOCKS)
		return journal_bad(fs, "journal size out of range");
	nblocks = (u32)len;
	j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!j)
		return -ENOMEM;
	fs->journal = j;
	j->map = kmalloc_array(nblocks, sizeof(*j->map), GFP_KERNEL);
	j->jsb = kmalloc(fs->block_size, GFP_KERNEL);
	j->buf = kmalloc(fs->block_size, GFP_KERNEL);
	j->buf2 = kmalloc(fs->block_size, GFP_KERNEL);
	if (!j->map || !j->jsb || !j->buf || !j->buf2) {
		ext4_journal_destroy(fs);
		return -ENOMEM;
	}
	if (map_journal(fs, j, &in, nblocks))
		return journal_bad(fs, "journal inode's blocks unmappable");
	j->maxlen = 1;			/* block 0 only, for jio() */
	if (jio(fs, 0, j->jsb, false))
		return journal_bad(fs, "journal superblock unreadable");
	type = get_be32(j->jsb + 4);
	if (get_be32(j->jsb) != JBD2_MAGIC ||
	    (type != JBD2_SUPERBLOCK_V1 && type != JBD2_SUPERBLOCK_V2))
		return journal_bad(fs, "bad journal superblock magic");
	if (get_be32(j->jsb + JSB_BLOCKSIZE) != fs->block_size)
		return journal_bad(fs, "journal block size differs");
	j->maxlen = get_be32(j->jsb + JSB_MAXLEN);
	j->first = get_be32(j->jsb + JSB_FIRST);
	if (j->maxlen > nblocks || j->maxlen < 16 || !j->first ||
	    j->first >= j->maxlen - 8)
		return journal_bad(fs, "journal geometry out of range");
	if (type == JBD2_SUPERBLOCK_V2) {
		j->incompat = get_be32(j->jsb + JSB_INCOMPAT);
		if (j->incompat & ~JBD2_KNOWN_INCOMPAT ||
		    get_be32(j->jsb + JSB_RO_COMPAT))
			return journal_bad(fs, "journal has an unknown feature");
	}
	set_tag_bytes(j);
	if (j->csum) {
		if (j->jsb[JSB_CSUM_TYPE] != JBD2_CRC32C_CHKSUM ||
		    jsb_csum(j->jsb) != get_be32(j->jsb + JSB_CHECKSUM))
			return journal_bad(fs, "journal superblock checksum mismatch");
	}
	j->seed = crc32c(~0u, j->jsb + JSB_UUID, JUUID_SIZE);
	j->tid = get_be32(j->jsb + JSB_SEQUENCE);
	j->head = j->first;
	return 0;
}

bool ext4_journal_dirty(const struct ext4_fs *fs,
			const struct ext4_super_block *sb)
{
	const struct ext4_journal *j = fs->journal;

	if (!j)
		return false;
	return get_be32(j->jsb + JSB_START) ||
	       (le32_get(&sb->s_feature_incompat) &
		EXT4_FEATURE_INCOMPAT_RECOVER);
}

/* --- recovery ----------------------------------------------------------- */

enum jpass { PASS_SCAN, PASS_REVOKE, PASS_REPLAY };

struct jtag {
	u64 blk;
	u32 flags;
	u32 csum;
};

/*
 * The tags of descriptor @d: up to @max of them into @tags.  The count,
 * or -EIO for a block that ends without a last tag.
 */
static int parse_tags(struct ext4_fs *fs, const u8 *d, struct jtag *tags,
		      u32 max)
{
	const struct ext4_journal *j = fs->journal;
	u32 end = fs->block_size - tail_size(j), off = JH_SIZE, n = 0;

	while (off + j->tag_bytes <= end && n < max) {
		const u8 *t = d + off;
		struct jtag *tg = &tags[n++];

		tg->blk = get_be32(t);
		if (j->csum) {
			tg->flags = get_be32(t + 4);
			tg->csum = get_be32(t + 12);
		} else {
			tg->flags = get_be16(t + 6);
			tg->csum = 0;
		}
		if (j->is64)
			tg->blk |= (u64)get_be32(t + 8) << 32;
		off += j->tag_bytes;
		if (!(tg->flags & JBD2_FLAG_SAME_UUID))
			off += JUUID_SIZE;
		if (tg->flags & JBD2_FLAG_LAST_TAG)
			return n;
	}
	return -EIO;
}

static struct jrevoke *revoke_find(struct ext4_journal *j, u64 blk)
{
	u32 i;

	for (i = 0; i < j->nr_revoke; i++)
		if (j->revoke[i].blk == blk)
			return &j->revoke[i];
	return NULL;
}

static int revoke_add(struct ext4_journal *j, u64 blk, u32 seq)
{
	struct jrevoke *r = revoke_find(j, blk);

	if (r) {
		if (tid_gt(seq, r->seq))
			r->seq = seq;
		return 0;
	}
	if (j->nr_revoke == j->cap_revoke) {
		u32 cap = j->cap_revoke ? j->cap_revoke * 2 : 64;
		struct jrevoke *n = kmalloc_array(cap, sizeof(*n), GFP_KERNEL);

		if (!n)
			return -ENOMEM;
		if (j->nr_revoke)
			memcpy(n, j->revoke, j->nr_revoke * sizeof(*n));
		kfree(j->revoke);
		j->revoke = n;
		j->cap_revoke = cap;
	}
	j->revoke[j->nr_revoke].blk = blk;
	j->revoke[j->nr_revoke++].seq = seq;
	return 0;
}

static int scan_revoke_block(struct ext4_fs *fs, const u8 *b, u32 seq)
{
	struct ext4_journal *j = fs->journal;
	u32 rec = j->is64 ? 8 : 4, count = get_be32(b + JH_SIZE), off;
	int ret;

	if (count < JREVOKE_HDR || count > fs->block_size - tail_size(j))
		return -EIO;
	for (off = JREVOKE_HDR; off + rec <= count; off += rec) {
		u64 blk = j->is64 ? get_be64(b + off) : get_be32(b + off);

		ret = revoke_add(j, blk, seq);
		if (ret)
			return ret;
	}
	return 0;
}

static int replay_one(struct ext4_fs *fs, u32 pos, const struct jtag *tg,
		      u32 seq)
{
	struct ext4_journal *j = fs->journal;
	struct jrevoke *r = revoke_find(j, tg->blk);
	int ret;

	if (r && !tid_gt(seq, r->seq)) {
		j->stats.replay_revoked++;
		return 0;
	}
	if (tg->blk >= fs->blocks_count || tg->blk < fs->first_data_block) {
		pr_err("transaction %u: block %llu out of range; skipped\n",
		       seq, (unsigned long long)tg->blk);
		j->stats.replay_bad_csum++;
		return 0;
	}
	ret = jio(fs, pos, j->buf2, false);
	if (ret)
		return ret;
	if (j->csum && tag_csum(j, j->buf2, fs->block_size, seq) != tg->csum) {
		pr_err("transaction %u: bad checksum of block %llu; skipped\n",
		       seq, (unsigned long long)tg->blk);
		j->stats.replay_bad_csum++;
		return 0;
	}
	if (tg->flags & JBD2_FLAG_ESCAPE)
		put_be32(j->buf2, JBD2_MAGIC);
	j->stats.replayed_blocks++;
	return fs->io->write(fs->io->ctx, tg->blk << fs->log_block_size,
			     j->buf2, fs->block_size);
}

/*
 * One pass over the log from s_start.  PASS_SCAN sets *end to the
 * sequence after the last complete transaction; the other passes stop
 * there.
 */
static int walk(struct ext4_fs *fs, enum jpass pass, u32 *end,
		struct jtag *tags, u32 max_tags)
{
	struct ext4_journal *j = fs->journal;
	u32 pos = get_be32(j->jsb + JSB_START);
	u32 seq = get_be32(j->jsb + JSB_SEQUENCE), seen = 0;
	u8 *b = j->buf;
	int ret, n, i;

	if (pos < j->first || pos >= j->maxlen)
		return -EIO;
	for (;;) {
		if (pass != PASS_SCAN && seq == *end)
			break;
		if (seen++ > j->maxlen)
			return -EIO;
		ret = jio(fs, pos, b, false);
		if (ret)
			return ret;
		if (get_be32(b) != JBD2_MAGIC || get_be32(b + 8) != seq)
			break;
		switch (get_be32(b + 4)) {
		case JBD2_DESCRIPTOR_BLOCK:
			if (j->csum && block_csum(j, b, fs->block_size,
						  fs->block_size - 4) !=
				       get_be32(b + fs->block_size - 4))
				goto stop;
			n = parse_tags(fs, b, tags, max_tags);
			if (n < 0)
				goto stop;
			seen += n;
			for (i = 0; i < n; i++) {
				pos = jnext(j, pos);
				if (pass == PASS_REPLAY) {
					ret = replay_one(fs, pos, &tags[i], seq);
					if (ret)
						return ret;
				}
			}
			break;
		case JBD2_COMMIT_BLOCK:
			if (j->csum && block_csum(j, b, fs->block_size,
						  JCOMMIT_CSUM) !=
				       get_be32(b + JCOMMIT_CSUM))
				goto stop;
			if (pass == PASS_REPLAY)
				j->stats.replayed_transactions++;
			seq++;
			break;
		case JBD2_REVOKE_BLOCK:
			if (j->csum && block_csum(j, b, fs->block_size,
						  fs->block_size - 4) !=
				       get_be32(b + fs->block_size - 4))
				goto stop;
			if (pass == PASS_REVOKE) {
				ret = scan_revoke_block(fs, b, seq);
				if (ret)
					return ret;
			}
			break;
		default:
			goto stop;
		}
		pos = jnext(j, pos);
	}
stop:
	if (pass == PASS_SCAN)
		*end = seq;
	return 0;
}

/* Set or clear needs_recovery in @sb, with its checksum. */
static void set_recover(struct ext4_fs *fs, struct ext4_super_block *sb,
			bool on)
{
	u32 f = le32_get(&sb->s_feature_incompat);

	f = on ? f | EXT4_FEATURE_INCOMPAT_RECOVER :
		 f & ~EXT4_FEATURE_INCOMPAT_RECOVER;
	put_le32(&sb->s_feature_incompat, f);
	if (fs->has_csum)
		put_le32(&sb->s_checksum, ext4_sb_csum(sb));
}

/* Set or clear needs_recovery in the on-disk superblock (not cached). */
static int super_recover_flag(struct ext4_fs *fs, struct ext4_super_block *sb,
			      bool on)
{
	const struct storage_io *io = fs->io;
	int ret;

	ret = io->read(io->ctx, EXT4_SUPER_OFFSET, sb, sizeof(*sb));
	if (ret)
		return ret;
	set_recover(fs, sb, on);
	return io->write(io->ctx, EXT4_SUPER_OFFSET, sb, sizeof(*sb));
}

static int write_jsb(struct ext4_fs *fs, u32 start, u32 seq)
{
	struct ext4_journal *j = fs->journal;

	put_be32(j->jsb + JSB_START, start);
	put_be32(j->jsb + JSB_SEQUENCE, seq);
	if (j->csum)
		put_be32(j->jsb + JSB_CHECKSUM, jsb_csum(j->jsb));
	return jio(fs, 0, j->jsb, true);
}

int ext4_journal_recover(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->journal;
	struct ext4_super_block *sb;
	u32 max_tags = fs->block_size / 8, end = 0;
	struct jtag *tags;
	int ret;

	if (!fs->io->write)
		return -EROFS;
	tags = kmalloc_array(max_tags, sizeof(*tags), GFP_KERNEL);
	sb = kmalloc(sizeof(*sb), GFP_KERNEL);
	if (!tags || !sb) {
		ret = -ENOMEM;
		goto out;
	}
	if (get_be32(j->jsb + JSB_START)) {
		ret = walk(fs, PASS_SCAN, &end, tags, max_tags);
		if (!ret)
			ret = walk(fs, PASS_REVOKE, &end, tags, max_tags);
		if (!ret)
			ret = walk(fs, PASS_REPLAY, &end, tags, max_tags);
		if (ret) {
			pr_err("replay failed (%d)\n", ret);
			goto out;
		}
	} else {
		end = get_be32(j->jsb + JSB_SEQUENCE);
	}
	j->nr_revoke = 0;
	ret = jflush(fs);
	if (!ret)
		ret = write_jsb(fs, 0, end);
	if (!ret)
		ret = jflush(fs);
	if (!ret)
		ret = super_recover_flag(fs, sb, false);
	if (!ret)
		ret = jflush(fs);
	if (!ret)
		pr_info("replayed %llu transactions, %llu blocks (%llu revoked, %llu bad)\n",
			(unsigned long long)j->stats.replayed_transactions,
			(unsigned long long)j->stats.replayed_blocks,
			(unsigned long long)j->stats.replay_revoked,
			(unsigned long long)j->stats.replay_bad_csum);
out:
	kfree(tags);
	kfree(sb);
	return ret;
}

/* --- the writer's transactions ------------------------------------------ */

static void journal_failed(struct ext4_fs *fs, const char *what, int err)
{
	if (fs->writable)
		pr_err("%s failed (%d); the file system is now read-only\n",
		       what, err);
	fs->writable = false;
}

void ext4_journal_start(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->journal;
	u32 want = JBD2_FEATURE_INCOMPAT_REVOKE;

	if (!j)
		return;
	fs->bc.hold_dirty = true;
	if (fs->feature_incompat & EXT4_FEATURE_INCOMPAT_64BIT)
		want |= JBD2_FEATURE_INCOMPAT_64BIT;
	if (fs->has_csum)
		want |= JBD2_FEATURE_INCOMPAT_CSUM_V3;
	if ((j->incompat & want) == want &&
	    get_be32(j->jsb + 4) == JBD2_SUPERBLOCK_V2)
		return;
	/* As Linux does when it mounts: the features the fs implies. */
	put_be32(j->jsb + 4, JBD2_SUPERBLOCK_V2);
	j->incompat |= want;
	put_be32(j->jsb + JSB_INCOMPAT, j->incompat);
	if (want & JBD2_FEATURE_INCOMPAT_CSUM_V3)
		j->jsb[JSB_CSUM_TYPE] = JBD2_CRC32C_CHKSUM;
	set_tag_bytes(j);
	if (write_jsb(fs, 0, j->tid))
		journal_failed(fs, "journal superblock write", -EIO);
}

void ext4_journal_freed(struct ext4_fs *fs, u64 blk, u64 count)
{
	struct ext4_journal *j = fs->journal;
	u32 i;

	if (!j)
		return;
	j->freed = true;
	for (i = 0; i < j->nr_prev; i++)
		if (j->prev[i] >= blk && j->prev[i] - blk < count &&
		    revoke_add(j, j->prev[i], j->tid))
			journal_failed(fs, "revoke record", -ENOMEM);
}

/* Set or clear needs_recovery in the cached superblock too. */
static int cached_recover_flag(struct ext4_fs *fs, bool on,
			       struct bcache_buf **out)
{
	u64 blk = EXT4_SUPER_OFFSET >> fs->log_block_size;
	struct ext4_super_block *sb;
	struct bcache_buf *b;
	int ret;

	ret = ext4_bread(fs, blk, &b);
	if (ret)
		return ret;
	sb = (void *)((u8 *)b->data + (EXT4_SUPER_OFFSET &
				       (fs->block_size - 1)));
	set_recover(fs, sb, on);
	*out = b;
	return 0;
}

/* The journal goes from empty to in use: needs_recovery, s_start. */
static int journal_activate(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->journal;
	struct ext4_super_block *sb = (void *)j->buf;
	struct bcache_buf *b;
	int ret;

	ret = cached_recover_flag(fs, true, &b);
	if (ret)
		return ret;
	bcache_mark_dirty(b);
	bcache_put(&fs->bc, b);
	ret = super_recover_flag(fs, sb, true);
	if (ret)
		return ret;
	ret = write_jsb(fs, j->head, j->tid);
	if (ret)
		return ret;
	j->tail = j->head;
	j->active = true;
	return 0;
}

/* Everything is home and flushed: mark the journal empty. */
static int journal_idle(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->journal;
	struct bcache_buf *b;
	int ret;

	ret = write_jsb(fs, 0, j->tid);
	if (!ret)
		ret = jflush(fs);
	if (ret)
		return ret;
	j->active = false;
	j->nr_prev = 0;
	ret = cached_recover_flag(fs, false, &b);
	if (ret)
		return ret;
	if (b->dirty)
		bcache_mark_dirty(b);	/* a later commit writes it */
	else
		ret = bcache_writeback(&fs->bc, b);
	bcache_put(&fs->bc, b);
	return ret;
}

static bool in_set(struct bcache_buf **bufs, u32 n, u64 blk)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (bufs[i]->blk == blk)
			return true;
	return false;
}

/* Descriptor blocks and copies of @bufs from *pos on. */
static int write_copies(struct ext4_fs *fs, struct bcache_buf **bufs, u32 n,
			u32 *pos)
{
	struct ext4_journal *j = fs->journal;
	u32 bs = fs->block_size, end = bs - tail_size(j), i = 0, k, off;
	u8 *d = j->buf;
	int ret;

	while (i < n) {
		memset(d, 0, bs);
		put_be32(d, JBD2_MAGIC);
		put_be32(d + 4, JBD2_DESCRIPTOR_BLOCK);
		put_be32(d + 8, j->tid);
		off = JH_SIZE;
		for (k = i; k < n; k++) {
			u32 need = j->tag_bytes + (k == i ? JUUID_SIZE : 0);
			u32 flags = k == i ? 0 : JBD2_FLAG_SAME_UUID;
			const u8 *data = bufs[k]->data;
			u8 *t = d + off;

			if (off + need > end)
				break;
			if (get_be32(data) == JBD2_MAGIC)
				flags |= JBD2_FLAG_ESCAPE;
			if (k + 1 == n || off + need + j->tag_bytes > end)
				flags |= JBD2_FLAG_LAST_TAG;
			put_be32(t, (u32)bufs[k]->blk);
			if (j->is64)
				put_be32(t + 8, (u32)(bufs[k]->blk >> 32));
			if (j->csum) {
				put_be32(t + 4, flags);
				memcpy(j->buf2, data, bs);
				if (flags & JBD2_FLAG_ESCAPE)
					put_be32(j->buf2, 0);
				put_be32(t + 12, tag_csum(j, j->buf2, bs,
							  j->tid));
			} else {
				put_be16(t + 6, flags);
			}
			off += j->tag_bytes;
			if (k == i) {
				memcpy(d + off, j->jsb + JSB_UUID, JUUID_SIZE);
				off += JUUID_SIZE;
			}
		}
		if (j->csum)
			put_be32(d + bs - 4, block_csum(j, d, bs, bs - 4));
		ret = jio(fs, *pos, d, true);
		if (ret)
			return ret;
		*pos = jnext(j, *pos);
		for (; i < k; i++) {
			const u8 *data = bufs[i]->data;

			if (get_be32(data) == JBD2_MAGIC) {
				memcpy(j->buf2, data, bs);
				put_be32(j->buf2, 0);
				data = j->buf2;
			}
			ret = jio(fs, *pos, (void *)data, true);
			if (ret)
				return ret;
			*pos = jnext(j, *pos);
		}
	}
	return 0;
}

static int write_revokes(struct ext4_fs *fs, u32 *pos)
{
	struct ext4_journal *j = fs->journal;
	u32 bs = fs->block_size, rec = j->is64 ? 8 : 4, i = 0, off;
	u8 *d = j->buf;
	int ret;

	while (i < j->nr_revoke) {
		memset(d, 0, bs);
		put_be32(d, JBD2_MAGIC);
		put_be32(d + 4, JBD2_REVOKE_BLOCK);
		put_be32(d + 8, j->tid);
		for (off = JREVOKE_HDR;
		     i < j->nr_revoke && off + rec <= bs - tail_size(j);
		     off += rec, i++) {
			if (j->is64)
				put_be64(d + off, j->revoke[i].blk);
			else
				put_be32(d + off, (u32)j->revoke[i].blk);
		}
		put_be32(d + JH_SIZE, off);
		if (j->csum)
			put_be32(d + bs - 4, block_csum(j, d, bs, bs - 4));
		ret = jio(fs, *pos, d, true);
		if (ret)
			return ret;
		*pos = jnext(j, *pos);
		j->stats.revokes++;
	}
	return 0;
}

static int write_commit(struct ext4_fs *fs, u32 pos)
{
	struct ext4_journal *j = fs->journal;
	u32 bs = fs->block_size;
	u8 *d = j->buf;

	memset(d, 0, bs);
	put_be32(d, JBD2_MAGIC);
	put_be32(d + 4, JBD2_COMMIT_BLOCK);
	put_be32(d + 8, j->tid);
	put_be64(d + JCOMMIT_SEC, (u64)fs->now.sec);
	put_be32(d + JCOMMIT_NSEC, fs->now.nsec);
	if (j->csum)
		put_be32(d + JCOMMIT_CSUM, block_csum(j, d, bs, JCOMMIT_CSUM));
	return jio(fs, pos, d, true);
}

/* Log blocks a transaction of @n copies takes. */
static u32 tx_blocks(const struct ext4_fs *fs, u32 n)
{
	const struct ext4_journal *j = fs->journal;
	u32 bs = fs->block_size;
	u32 per_desc = (bs - JH_SIZE - tail_size(j) - JUUID_SIZE) / j->tag_bytes;
	u32 per_rev = (bs - JREVOKE_HDR - tail_size(j)) / (j->is64 ? 8 : 4);

	return DIV_ROUND_UP(n, per_desc) + n +
	       DIV_ROUND_UP(j->nr_revoke, per_rev) + 1;
}

/*
 * Commit the dirty blocks.  *started is false when it failed before
 * writing any of the transaction (its memory could not be had): the
 * blocks stay dirty for the next commit, and the journal, activated or
 * not, is as it is between two commits.
 */
static int do_commit(struct ext4_fs *fs, bool *started)
{
	struct ext4_journal *j = fs->journal;
	struct bcache_buf **bufs, *b;
	u32 n = 0, i, pos, start;
	u64 *prev;
	int ret;

	*started = true;
	if (!j->active) {
		ret = journal_activate(fs);
		if (ret)
			return ret;
	}
	/* Active with no transaction yet: as between two commits. */
	*started = false;
	n = bcache_count_dirty(&fs->bc);
	bufs = kmalloc_array(n ? n : 1, sizeof(*bufs), GFP_KERNEL);
	/* Here, not after the commit: by then a failure could not undo it. */
	prev = kmalloc_array(n ? n : 1, sizeof(*prev), GFP_KERNEL);
	if (!bufs || !prev) {
		kfree(bufs);
		kfree(prev);
		return -ENOMEM;
	}
	*started = true;
	i = 0;
	bcache_for_each(b, &fs->bc)
		if (b->valid && b->dirty)
			bufs[i++] = b;
	/* A block journaled again in this transaction is not revoked. */
	for (i = 0; i < j->nr_revoke;) {
		if (in_set(bufs, n, j->revoke[i].blk))
			j->revoke[i] = j->revoke[--j->nr_revoke];
		else
			i++;
	}
	if (tx_blocks(fs, n) > (j->maxlen - j->first) / 2) {
		ret = -ENOSPC;
		goto out;
	}
	start = pos = j->head;
	ret = write_copies(fs, bufs, n, &pos);
	if (!ret)
		ret = write_revokes(fs, &pos);
	if (!ret)
		ret = jflush(fs);
	/* The previous transaction is home for good: move the tail. */
	if (!ret && j->tail != start) {
		ret = write_jsb(fs, start, j->tid);
		j->tail = start;
	}
	if (!ret)
		ret = write_commit(fs, pos);
	if (!ret)
		ret = jflush(fs);
	if (ret)
		goto out;
	pos = jnext(j, pos);
	/* Checkpoint. */
	kfree(j->prev);
	j->prev = prev;
	prev = NULL;
	j->nr_prev = 0;
	for (i = 0; i < n && !ret; i++) {
		j->prev[j->nr_prev++] = bufs[i]->blk;
		ret = bcache_writeback(&fs->bc, bufs[i]);
	}
	j->stats.commits++;
	j->stats.blocks_logged += n;
	j->nr_revoke = 0;
	j->freed = false;
	j->head = pos;
	j->tid++;
	bcache_trim(&fs->bc);
out:
	kfree(prev);
	kfree(bufs);
	return ret;
}

int ext4_journal_commit(struct ext4_fs *fs, bool idle)
{
	struct ext4_journal *j = fs->journal;
	bool started = true;
	int ret = 0;

	if (!j)
		return bcache_sync(&fs->bc);
	/* Read-only, or the journal failed: never write what it holds. */
	if (!fs->writable)
		return bcache_count_dirty(&fs->bc) ? -EIO :
						     bcache_sync(&fs->bc);
	if (bcache_count_dirty(&fs->bc) || j->nr_revoke)
		ret = do_commit(fs, &started);
	if (!started) {
		j->stats.commits_no_memory++;
		return ret;
	}
	if (!ret)
		ret = jflush(fs);
	if (!ret && idle && j->active)
		ret = journal_idle(fs);
	if (ret)
		journal_failed(fs, "journal commit", ret);
	return ret;
}

int ext4_journal_op_end(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->journal;
	u32 bound;

	if (!j || !fs->writable)
		return 0;
	bound = min_t(u32, fs->bc.nr / 2, (j->maxlen - j->first) / 8);
	if (j->freed || bcache_count_dirty(&fs->bc) >= bound)
		return ext4_journal_commit(fs, false);
	return 0;
}

void ext4_journal_note(struct ext4_fs *fs, u64 now_ms)
{
	if (!fs->dirty_noted && fs->writable && bcache_count_dirty(&fs->bc)) {
		fs->dirty_noted = true;
		fs->dirty_since_ms = now_ms;
	}
}

int ext4_journal_tick(struct ext4_fs *fs, u64 now_ms, u32 interval_ms)
{
	int ret;

	if (!fs->writable || !bcache_count_dirty(&fs->bc)) {
		fs->dirty_noted = false;	/* committed meanwhile */
		return 0;
	}
	if (!fs->dirty_noted) {
		ext4_journal_note(fs, now_ms);
		return 0;
	}
	if ((s64)(now_ms - fs->dirty_since_ms) < (s64)interval_ms)
		return 0;
	fs->dirty_noted = false;
	ret = ext4_journal_commit(fs, false);
	return ret ? ret : 1;
}

void ext4_journal_destroy(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->journal;

	if (!j)
		return;
	kfree(j->map);
	kfree(j->jsb);
	kfree(j->buf);
	kfree(j->buf2);
	kfree(j->revoke);
	kfree(j->prev);
	kfree(j);
	fs->journal = NULL;
}
