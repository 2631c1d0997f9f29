/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "ext4": the ext4 reader and the file service core on the
 * storage node's real disk, an image tests/cluster/test_storage.py
 * builds with mke2fs -d from a generated tree (the tree's layout and
 * file pattern are fixed in that script and below: EXT4T_*).  The suite
 * mounts its own read-only instance of the first disk that holds ext4;
 * without one every case is skipped.
 *
 * Besides the KTAP verdicts, "ext4test: file PATH size=N crc32=X" lines
 * report what was read, and the host compares them with zlib.crc32() of
 * its own source files.
 */
#define pr_fmt(fmt) "ext4test: " fmt

#include <fit/fit_wire.h>
#include <fit/storage.h>
#include <tessera/blkdev.h>
#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/pattern.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "../internal.h"

#define EXT4T_BIG_SIZE		(10u << 20)
#define EXT4T_SPARSE_SIZE	(8u << 20)
#define EXT4T_SPARSE_OFF	(5u << 20)
#define EXT4T_NR_MANY		2000
#define EXT4T_DEEP	"/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/d20"

/* The generated files' stream (test_storage.py: FILE_SEED). */
#define EXT4T_SEED		0x5107a9e


static struct storage_blk_io ext4t_io;
static struct ext4_fs *ext4t_fs;

static struct ext4_fs *ext4t_mount(void)
{
	unsigned int i;

	for (i = 0; i < blkdev_count() && !ext4t_fs; i++) {
		struct ext4_fs *fs;

		storage_blk_io_init(&ext4t_io, blkdev_get(i));
		fs = ext4_mount(&ext4t_io.io, 0);
		if (!IS_ERR(fs))
			ext4t_fs = fs;
	}
	return ext4t_fs;
}

static int ext4t_iget_path(struct ext4_fs *fs, const char *path,
			   unsigned int flags, struct ext4_inode_info *inode)
{
	u32 ino;
	int ret = ext4_resolve(fs, path, flags, &ino);

	return ret ? ret : ext4_iget(fs, ino, inode);
}

#define EXT4T_FS(t, fs) do {						\
	fs = ext4t_mount();						\
	if (!fs) {							\
		KT_SKIP(t, "no ext4 disk");				\
		return;							\
	}								\
} while (0)

/* Read a whole file in @chunk pieces; check the pattern, report crc32. */
static void ext4t_check_file(struct ktest *t, struct ext4_fs *fs,
			     const char *path, u64 size, bool sparse)
{
	struct ext4_inode_info inode;
	u32 chunk = 96 * 1024 + 3, crc = ~0u;
	u64 off = 0, bad = 0;
	u8 *buf;

	KT_ASSERT_EQ(t, ext4t_iget_path(fs, path, 0, &inode), 0);
	KT_EXPECT_EQ(t, inode.size, size);
	buf = kmalloc(chunk, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, buf);
	while (off < inode.size) {
		ssize_t n = ext4_read(fs, &inode, off, buf, chunk), i;

		if (n <= 0) {
			KT_FAIL(t, "%s: read at %llu: %ld", path,
				(unsigned long long)off, (long)n);
			break;
		}
		for (i = 0; i < n; i++) {
			u64 pos = off + i;
			u8 want = pattern_byte(EXT4T_SEED, pos);

			if (sparse)
				want = pos >= EXT4T_SPARSE_OFF &&
				       pos < EXT4T_SPARSE_OFF + 4096 ? want : 0;
			bad += buf[i] != want;
		}
		crc = crc32_le(crc, buf, n);
		off += n;
	}
	KT_EXPECT_EQ(t, bad, 0);
	pr_info("file %s size=%llu crc32=0x%08x\n", path,
		(unsigned long long)off, ~crc);
	kfree(buf);
}

static void ext4_files(struct ktest *t)
{
	struct ext4_fs *fs;

	EXT4T_FS(t, fs);
	ext4t_check_file(t, fs, "/empty", 0, false);
	ext4t_check_file(t, fs, "/one", 1, false);
	ext4t_check_file(t, fs, "/page_plus1", 4097, false);
	ext4t_check_file(t, fs, "/big", EXT4T_BIG_SIZE, false);
	ext4t_check_file(t, fs, "/sparse", EXT4T_SPARSE_SIZE, true);
	ext4t_check_file(t, fs, EXT4T_DEEP "/leaf.bin", 5000, false);
	KT_EXPECT_EQ(t, fs->stats.csum_errors + fs->stats.corrupt +
		     fs->stats.io_errors, 0);
}

static void ext4_paths(struct ktest *t)
{
	struct ext4_inode_info a, b;
	struct ext4_fs *fs;
	char target[128];
	u32 ino, one;

	EXT4T_FS(t, fs);
	KT_ASSERT_EQ(t, ext4t_iget_path(fs, "/one", 0, &a), 0);
	one = a.ino;
	KT_ASSERT_EQ(t, ext4t_iget_path(fs, "/fast", 0, &b), 0);
	KT_EXPECT_EQ(t, a.ino, b.ino);
	KT_ASSERT_EQ(t, ext4t_iget_path(fs, EXT4T_DEEP "/leaf.bin", 0, &a), 0);
	KT_ASSERT_EQ(t, ext4t_iget_path(fs, "/slow", 0, &b), 0);
	KT_EXPECT_EQ(t, a.ino, b.ino);
	KT_ASSERT_EQ(t, ext4t_iget_path(fs, "/slow", EXT4_RESOLVE_NOFOLLOW,
					&b), 0);
	KT_EXPECT_EQ(t, ext4_readlink(fs, &b, target, sizeof(target)),
		     (int)strlen(EXT4T_DEEP "/leaf.bin") - 1);
	KT_EXPECT_STREQ(t, target, EXT4T_DEEP "/leaf.bin" + 1);
	KT_EXPECT_EQ(t, ext4_resolve(fs, "/loop1", 0, &ino), -ELOOP);
	KT_EXPECT_EQ(t, ext4_resolve(fs, "/d1/../d1/d2/../../one", 0, &ino), 0);
	KT_EXPECT_EQ(t, ino, one);
	KT_EXPECT_EQ(t, ext4_resolve(fs, "/nope", 0, &ino), -ENOENT);
	KT_EXPECT_EQ(t, ext4_resolve(fs, "/one/x", 0, &ino), -ENOTDIR);
}

struct ext4t_count {
	unsigned int entries, files;
};

static int ext4t_count_one(void *ctx, const char *name, size_t len, u32 ino,
			   u8 type, u64 next)
{
	struct ext4t_count *c = ctx;

	c->entries++;
	c->files += len == 5 && name[0] == 'f' && type == EXT4_FT_REG_FILE;
	return 0;
}

static void ext4_readdir_many(struct ktest *t)
{
	struct ext4t_count c = {};
	struct ext4_inode_info dir;
	struct ext4_fs *fs;
	u64 cookie = 0;

	EXT4T_FS(t, fs);
	KT_ASSERT_EQ(t, ext4t_iget_path(fs, "/many", 0, &dir), 0);
	KT_EXPECT_TRUE(t, dir.flags & EXT4_INDEX_FL);
	KT_EXPECT_EQ(t, ext4_readdir(fs, &dir, &cookie, ext4t_count_one, &c),
		     1);
	KT_EXPECT_EQ(t, cookie, EXT4_READDIR_EOF);
	KT_EXPECT_EQ(t, c.files, EXT4T_NR_MANY);
	KT_EXPECT_EQ(t, c.entries, EXT4T_NR_MANY + 2);
}

/* Build a P2S_OPEN request for @path in @buf; its length. */
static size_t ext4t_open_req(u8 *buf, const char *path, u8 flags)
{
	struct p2s_open_req *r = (struct p2s_open_req *)buf;
	size_t n = strlen(path);

	memset(r, 0, sizeof(*r));
	r->hdr.version = P2S_VERSION;
	r->hdr.flags = flags;
	fit_put_le16(&r->path_len, n);
	memcpy(r->path, path, n + 1);
	return sizeof(*r) + n + 1;
}

static void p2s_service(struct ktest *t)
{
	struct p2s_stats stats = {};
	struct p2s_read_req rd = {};
	struct p2s_fh_req fh = {};
	struct p2s_open_reply *open;
	struct ext4_fs *fs;
	u8 *req, *reply;
	u32 crc = ~0u;
	u64 off = 0;
	int n;

	EXT4T_FS(t, fs);
	req = kmalloc(P2S_PATH_MAX + 64, GFP_KERNEL);
	reply = kmalloc(P2S_REPLY_MAX, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, req);
	KT_ASSERT_NOT_NULL(t, reply);

	/* An open file's reference, dropped by P2S_CLOSE below. */
	n = p2s_serve(fs, P2S_OPEN, req,
		      ext4t_open_req(req, "/big", P2S_OPEN_REF), reply, &stats);
	KT_ASSERT_EQ(t, n, (int)sizeof(struct p2s_open_reply));
	open = (struct p2s_open_reply *)reply;
	KT_EXPECT_EQ(t, fit_get_le64(&open->st.size), EXT4T_BIG_SIZE);
	rd.hdr.version = P2S_VERSION;
	rd.fh = open->fh;
	fh.hdr.version = P2S_VERSION;
	fh.fh = open->fh;
	while (off < EXT4T_BIG_SIZE) {
		fit_put_le64(&rd.offset, off);
		fit_put_le32(&rd.len, P2S_READ_MAX);
		n = p2s_serve(fs, P2S_READ, &rd, sizeof(rd), reply, &stats);
		if (n <= (int)sizeof(struct p2s_read_reply)) {
			KT_FAIL(t, "P2S_READ at %llu: %d",
				(unsigned long long)off, n);
			break;
		}
		n -= sizeof(struct p2s_read_reply);
		KT_EXPECT_EQ(t, fit_get_le32(reply), n);
		crc = crc32_le(crc, reply + sizeof(struct p2s_read_reply), n);
		off += n;
	}
	pr_info("p2s /big size=%llu crc32=0x%08x\n", (unsigned long long)off,
		~crc);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_STAT, &fh, sizeof(fh), reply,
				  &stats), (int)sizeof(struct p2s_stat));
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_CLOSE, &fh, sizeof(fh), reply,
				  &stats), 0);
	KT_EXPECT_EQ(t, stats.errors, 0);
	/* A second close: nothing held any more. */
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_CLOSE, &fh, sizeof(fh), reply,
				  &stats), -EBADF);
	stats.errors = 0;

	/* readlink through READ on a NOFOLLOW handle. */
	n = p2s_serve(fs, P2S_OPEN, req,
		      ext4t_open_req(req, "/fast", P2S_OPEN_NOFOLLOW), reply,
		      &stats);
	KT_ASSERT_EQ(t, n, (int)sizeof(struct p2s_open_reply));
	rd.fh = open->fh;
	fit_put_le64(&rd.offset, 0);
	fit_put_le32(&rd.len, 100);
	n = p2s_serve(fs, P2S_READ, &rd, sizeof(rd), reply, &stats);
	KT_EXPECT_EQ(t, n, (int)sizeof(struct p2s_read_reply) + 3);
	KT_EXPECT_MEMEQ(t, reply + sizeof(struct p2s_read_reply), "one", 3);

	/* Malformed and refused requests: errors, counted, no crash. */
	stats = (struct p2s_stats){};
	ext4t_open_req(req, "/big", 0);
	req[0] = P2S_VERSION + 1;
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, 12, reply, &stats),
		     -EPROTO);
	n = ext4t_open_req(req, "/big", 0);
	req[n - 1] = 'x';			/* no NUL */
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     -EINVAL);
	n = ext4t_open_req(req, "/big", 0x80);	/* unknown flag */
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     -EPROTO);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, 3, reply, &stats),
		     -EPROTO);
	fit_put_le32(&rd.len, 0);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_READ, &rd, sizeof(rd), reply,
				  &stats), -EINVAL);
	fit_put_le32(&rd.len, P2S_READ_MAX + 1);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_READ, &rd, sizeof(rd), reply,
				  &stats), -EINVAL);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_READ, &rd, sizeof(rd) - 1, reply,
				  &stats), -EPROTO);
	KT_EXPECT_EQ(t, stats.malformed, 7);
	/* A stale generation, an inode out of range. */
	fit_put_le32(&fh.fh.generation, fit_get_le32(&fh.fh.generation) + 1);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_STAT, &fh, sizeof(fh), reply,
				  &stats), -ESTALE);
	fit_put_le32(&fh.fh.ino, 0xfffffff0u);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_STAT, &fh, sizeof(fh), reply,
				  &stats), -ENOENT);
	n = ext4t_open_req(req, "/loop1", 0);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     -ELOOP);
	/* An OPEN's bytes sent as a WRITE: malformed; no such opcode. */
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_WRITE, req, n, reply, &stats),
		     -EPROTO);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_LAST, req, n, reply, &stats),
		     -EOPNOTSUPP);
	kfree(req);
	kfree(reply);
}

/*
 * Append a credential block (fsuid @uid, gid @uid, the @n @groups, with
 * @nr_groups claimed and @reserved) to the request of @len bytes in
 * @buf; the new length.
 */
static size_t ext4t_add_cred(u8 *buf, size_t len, u32 uid, const u32 *groups,
			     u32 n, u32 nr_groups, u32 reserved)
{
	struct p2s_cred *c;
	__le32 *g = (__le32 *)(buf + len);

	((struct p2s_req_hdr *)buf)->xflags |= P2S_HDR_CRED;
	for (u32 i = 0; i < n; i++)
		fit_put_le32(&g[i], groups[i]);
	c = (struct p2s_cred *)(g + n);
	fit_put_le32(&c->fsuid, uid);
	fit_put_le32(&c->fsgid, uid);
	fit_put_le32(&c->nr_groups, nr_groups);
	fit_put_le32(&c->reserved, reserved);
	return len + n * sizeof(__le32) + sizeof(*c);
}

/*
 * Requests carrying credentials: checked with them (root reads and
 * writes anything, a user only what the mode bits give it); a
 * malformed credential block is -EPROTO, counted, and nothing else.
 */
static void p2s_credentials(struct ktest *t)
{
	static const u32 sorted[] = { 5, 7, 7, 9 }, unsorted[] = { 9, 5 };
	struct p2s_stats stats = {};
	struct p2s_open_reply *open;
	struct ext4_fs *fs;
	u8 *req, *reply;
	u32 mode;
	size_t n;

	EXT4T_FS(t, fs);
	req = kmalloc(P2S_PATH_MAX + 256, GFP_KERNEL);
	reply = kmalloc(P2S_REPLY_MAX, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, req);
	KT_ASSERT_NOT_NULL(t, reply);

	n = ext4t_open_req(req, "/big", P2S_OPEN_READ | P2S_OPEN_WRITE);
	n = ext4t_add_cred(req, n, 0, sorted, 4, 4, 0);
	KT_ASSERT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     (int)sizeof(struct p2s_open_reply));
	open = (struct p2s_open_reply *)reply;
	mode = fit_get_le32(&open->st.mode);
	/* uid 1234 owns nothing in the image and is in none of its groups. */
	KT_EXPECT_NE(t, fit_get_le32(&open->st.uid), 1234);
	n = ext4t_open_req(req, "/big", P2S_OPEN_WRITE);
	n = ext4t_add_cred(req, n, 1234, sorted, 4, 4, 0);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     (mode & 0002) ? (int)sizeof(struct p2s_open_reply) :
		     -EACCES);
	n = ext4t_open_req(req, "/big", P2S_OPEN_EXEC);
	n = ext4t_add_cred(req, n, 1234, NULL, 0, 0, 0);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     (mode & 0001) ? (int)sizeof(struct p2s_open_reply) :
		     -EACCES);
	KT_EXPECT_EQ(t, stats.malformed, 0);

	/* More groups than allowed, reserved bits, out of order, short. */
	n = ext4t_open_req(req, "/big", 0);
	n = ext4t_add_cred(req, n, 0, NULL, 0, P2S_CRED_GROUPS_MAX + 1, 0);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     -EPROTO);
	n = ext4t_open_req(req, "/big", 0);
	n = ext4t_add_cred(req, n, 0, NULL, 0, 0, 1);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     -EPROTO);
	n = ext4t_open_req(req, "/big", 0);
	n = ext4t_add_cred(req, n, 0, unsorted, 2, 2, 0);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     -EPROTO);
	n = ext4t_open_req(req, "/big", 0);
	n = ext4t_add_cred(req, n, 0, sorted, 4, 200, 0); /* > its bytes */
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     -EPROTO);
	ext4t_open_req(req, "/big", 0);
	((struct p2s_req_hdr *)req)->xflags = P2S_HDR_CRED;
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, 8, reply, &stats),
		     -EPROTO);
	n = ext4t_open_req(req, "/big", 0);
	((struct p2s_req_hdr *)req)->xflags = 0x80;	/* unknown */
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     -EPROTO);
	KT_EXPECT_EQ(t, stats.malformed, 6);
	/* Still serving. */
	n = ext4t_open_req(req, "/big", 0);
	KT_EXPECT_EQ(t, p2s_serve(fs, P2S_OPEN, req, n, reply, &stats),
		     (int)sizeof(struct p2s_open_reply));
	kfree(req);
	kfree(reply);
}

static struct ktest_case ext4_cases[] = {
	KTEST_CASE(ext4_files),
	KTEST_CASE(ext4_paths),
	KTEST_CASE(ext4_readdir_many),
	KTEST_CASE(p2s_service),
	KTEST_CASE(p2s_credentials),
	{}
};
KTEST_SUITE(ext4, ext4_cases);
