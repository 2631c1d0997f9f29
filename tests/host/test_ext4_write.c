/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for the storage manager's ext4 writer (managers/storage/
 * ext4_write.c and friends) on images made by mke2fs(8) as Debian 12
 * makes them (`mke2fs -t ext4`: 64bit, extents, flex_bg, dir_index,
 * metadata_csum, huge_file, dir_nlink, extra_isize; 1 KiB blocks for a
 * small image, and 4 KiB with -b 4096).  After the writer has worked
 * on an image, `e2fsck -fn` must find nothing to fix and debugfs(8)
 * must read back every byte the test wrote; the expected bytes come
 * from the test's own model (a pattern by hash of the offset), never
 * from the code under test.  Errors are compared with what Linux gives
 * for the same operation (see the comments at each case).
 *
 * Needs mke2fs, debugfs and e2fsck (e2fsprogs).
 */
/* HTEST-SOURCES: managers/storage/ext4.c managers/storage/bcache.c managers/storage/ext4_alloc.c managers/storage/ext4_extent.c managers/storage/ext4_dir.c managers/storage/ext4_dx.c managers/storage/ext4_hash.c managers/storage/ext4_write.c managers/storage/ext4_journal.c managers/storage/ext4_orphan.c managers/storage/p2s.c managers/storage/perm.c lib/fsperm.c lib/crc32.c lib/string.c tests/host/host_printk.c tests/host/host_kmalloc.c */
#include "htest.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fit/fit_wire.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "../../managers/storage/ext4.h"
#include "../../managers/storage/ext4_journal.h"
#include "../../managers/storage/ext4_orphan.h"
#include "../../managers/storage/ext4_write.h"
#include "../../managers/storage/internal.h"
#include "ext4_htest.h"

static char tmpdir[64];

struct img {
	char path[128];
	int fd;
	struct storage_io io;
	struct ext4_fs *fs;
};

static int img_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct img *im = ctx;

	return pread(im->fd, buf, len, off) == (ssize_t)len ? 0 : -EIO;
}

static int img_write(void *ctx, u64 off, const void *buf, size_t len)
{
	struct img *im = ctx;

	return pwrite(im->fd, buf, len, off) == (ssize_t)len ? 0 : -EIO;
}

static int img_flush(void *ctx)
{
	struct img *im = ctx;

	return fsync(im->fd) ? -EIO : 0;
}

static bool setup_dir(void)
{
	if (tmpdir[0])
		return true;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ext4w.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = 0;
		return false;
	}
	return true;
}

/* mke2fs -t ext4 @opts on a fresh @size image named @name. */
static bool img_make(struct img *im, const char *name, const char *size,
		     const char *opts)
{
	if (!setup_dir())
		return false;
	snprintf(im->path, sizeof(im->path), "%s/%s", tmpdir, name);
	return !sh("rm -f '%s' && truncate -s %s '%s' && mke2fs -q -F -t ext4 %s '%s' >/dev/null 2>&1",
		   im->path, size, im->path, opts, im->path);
}

static bool img_mount(struct img *im)
{
	struct stat st;

	im->fd = open(im->path, O_RDWR);
	if (im->fd < 0 || fstat(im->fd, &st))
		return false;
	im->io.read = img_read;
	im->io.write = img_write;
	im->io.flush = img_flush;
	im->io.ctx = im;
	im->io.size = st.st_size;
	im->fs = ext4_mount(&im->io, 64);
	if (IS_ERR(im->fs)) {
		close(im->fd);
		im->fs = NULL;
		return false;
	}
	im->fs->now.sec = time(NULL);
	return true;
}

static int img_unmount(struct img *im)
{
	int ret = ext4_sync(im->fs);

	ext4_unmount(im->fs);
	im->fs = NULL;
	close(im->fd);
	return ret;
}

/* e2fsck -fn: 0 when nothing needs fixing (its output is logged). */
static int fsck(struct img *im)
{
	return sh("e2fsck -fn '%s' > '%s.fsck' 2>&1 || { cat '%s.fsck' | head -40 | sed 's/^/# /'; exit 1; }",
		  im->path, im->path, im->path);
}

/* The bytes of @path in the image, read by debugfs; a malloc'd buffer. */
static u8 *dump(struct img *im, const char *path, size_t *len)
{
	char out[256];
	struct stat st;
	u8 *buf;
	int fd;

	snprintf(out, sizeof(out), "%s/dumped", tmpdir);
	unlink(out);
	if (sh("debugfs -R 'dump %s %s' '%s' >/dev/null 2>&1", path, out,
	       im->path))
		return NULL;
	fd = open(out, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size + 1);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

/* One line of debugfs output for @req, with @key, as a number. */
static long long debugfs_num(struct img *im, const char *req, const char *key)
{
	char cmd[512], line[512];
	long long v = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "debugfs -R '%s' '%s' 2>/dev/null", req,
		 im->path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, key);

		if (p && v < 0) {
			p += strlen(key);
			v = strtoll(p, NULL, strncmp(p, "0x", 2) ? 10 : 16);
		}
	}
	pclose(f);
	return v;
}

static bool same_file(struct htest *t, struct img *im, const char *path,
		      const u8 *want, size_t len)
{
	size_t got_len;
	u8 *got = dump(im, path, &got_len);
	bool ok = got && got_len == len && !memcmp(got, want, len);

	if (!ok)
		HT_FAIL(t, "%s: %s, %zu bytes (want %zu)", path,
			got ? "content differs" : "not dumped", got ? got_len : 0,
			len);
	free(got);
	return ok;
}

static u32 resolve(struct img *im, const char *path)
{
	u32 ino = 0;

	if (ext4_resolve(im->fs, path, EXT4_RESOLVE_NOFOLLOW, &ino))
		return 0;
	return ino;
}

#define NR_MANY		400
#define BIG_LEN		(3u << 20)

static void build_tree(struct htest *t, const char *opts)
{
	struct img im;
	u32 root = EXT4_ROOT_INO, many, ino, big, sparse, sub, a;
	u8 *model = malloc(BIG_LEN), buf[1000], *chunk = malloc(100000);
	char name[64], slow[300];
	size_t off;
	int i;

	HT_ASSERT(t, model && chunk);
	HT_ASSERT(t, img_make(&im, "tree.img", "64M", opts));
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT(t, im.fs->writable);

	/* Hundreds of files in one directory, each with its own bytes. */
	HT_ASSERT_EQ(t, ext4_mkdir(im.fs, root, "many", 4, 0755, 0, 0, &many), 0);
	for (i = 0; i < NR_MANY; i++) {
		snprintf(name, sizeof(name), "file-with-a-longish-name-%04d", i);
		HT_ASSERT_EQ(t, ext4_create(im.fs, many, name, strlen(name),
					    0644, 1000, 1000, &ino), 0);
		fill(buf, i, 0, 100 + i);
		HT_ASSERT_EQ(t, ext4_write(im.fs, ino, 0, buf, 100 + i),
			     100 + i);
	}
	/* Big file by appends of odd sizes, then pwrite in the middle. */
	HT_ASSERT_EQ(t, ext4_create(im.fs, root, "big", 3, 0600, 0, 0, &big), 0);
	fill(model, 7, 0, BIG_LEN);
	for (off = 0; off < BIG_LEN; off += 99999) {
		size_t n = min_t(size_t, 99999, BIG_LEN - off);

		HT_ASSERT_EQ(t, ext4_write(im.fs, big, off, model + off, n), n);
	}
	fill(model + 1000000, 8, 1000000, 12345);
	HT_EXPECT_EQ(t, ext4_write(im.fs, big, 1000000, model + 1000000, 12345),
		     12345);
	/* Sparse: two islands, the rest holes. */
	HT_ASSERT_EQ(t, ext4_create(im.fs, root, "sparse", 6, 0644, 0, 0,
				    &sparse), 0);
	fill(buf, 9, 5u << 20, 1000);
	HT_EXPECT_EQ(t, ext4_write(im.fs, sparse, 5u << 20, buf, 1000), 1000);
	HT_EXPECT_EQ(t, ext4_write(im.fs, sparse, 10, "head", 4), 4);
	/* A fragmented file: its tree must grow past the inode's 4 slots. */
	HT_ASSERT_EQ(t, ext4_create(im.fs, root, "frag", 4, 0644, 0, 0, &a), 0);
	for (i = 0; i < 600; i++) {
		fill(buf, 10, (u64)i * 8192, 100);
		HT_ASSERT_EQ(t, ext4_write(im.fs, a, (u64)i * 8192, buf, 100),
			     100);
	}
	/* Truncate down into a block, then back up (a hole). */
	HT_EXPECT_EQ(t, ext4_truncate(im.fs, big, 2000003), 0);
	HT_EXPECT_EQ(t, ext4_truncate(im.fs, big, 2100000), 0);
	memset(model + 2000003, 0, 2100000 - 2000003);

	/* Rename, link, symlinks, unlink, mkdir/rmdir. */
	HT_EXPECT_EQ(t, ext4_rename(im.fs, many, "file-with-a-longish-name-0000",
				    29, root, "moved", 5, 0), 0);
	HT_EXPECT_EQ(t, ext4_link(im.fs, big, many, "big-link", 8), 0);
	HT_EXPECT_EQ(t, ext4_symlink(im.fs, root, "fast", 4, "many/big-link",
				     13, 0, 0, &ino), 0);
	memset(slow, 'x', sizeof(slow));
	memcpy(slow, "many/", 5);
	slow[sizeof(slow) - 1] = 0;
	HT_EXPECT_EQ(t, ext4_symlink(im.fs, root, "slow", 4, slow,
				     strlen(slow), 0, 0, &ino), 0);
	for (i = 1; i < NR_MANY; i += 3) {
		snprintf(name, sizeof(name), "file-with-a-longish-name-%04d", i);
		HT_EXPECT_EQ(t, ext4_unlink(im.fs, many, name, strlen(name)), 0);
	}
	HT_EXPECT_EQ(t, ext4_mkdir(im.fs, many, "sub", 3, 0700, 0, 0, &sub), 0);
	HT_EXPECT_EQ(t, ext4_mkdir(im.fs, sub, "gone", 4, 0700, 0, 0, &ino), 0);
	HT_EXPECT_EQ(t, ext4_rmdir(im.fs, many, "sub", 3), -ENOTEMPTY);
	HT_EXPECT_EQ(t, ext4_rmdir(im.fs, sub, "gone", 4), 0);
	HT_EXPECT_EQ(t, ext4_mkdir(im.fs, root, "dst", 3, 0755, 0, 0, &ino), 0);
	HT_EXPECT_EQ(t, ext4_rename(im.fs, many, "sub", 3, ino, "sub2", 4, 0), 0);
	/* Rename over an existing file drops the old one. */
	HT_EXPECT_EQ(t, ext4_create(im.fs, root, "victim", 6, 0644, 0, 0, &a), 0);
	HT_EXPECT_EQ(t, ext4_write(im.fs, a, 0, "old", 3), 3);
	HT_EXPECT_EQ(t, ext4_rename(im.fs, root, "moved", 5, root, "victim", 6,
				    0), 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);

	HT_EXPECT_EQ(t, fsck(&im), 0);
	same_file(t, &im, "/big", model, 2100000);
	same_file(t, &im, "/many/big-link", model, 2100000);
	fill(buf, 0, 0, 100);
	same_file(t, &im, "/victim", buf, 100);
	for (i = 2; i < NR_MANY; i += 7) {
		char path[128];

		snprintf(path, sizeof(path), "/many/file-with-a-longish-name-%04d", i);
		fill(buf, i, 0, 100 + i);
		if (i % 3 == 1) {
			char req[160];

			snprintf(req, sizeof(req), "stat %s", path);
			HT_EXPECT(t, debugfs_num(&im, req, "Inode: ") < 0);
			continue;
		}
		same_file(t, &im, path, buf, 100 + i);
	}
	{
		u8 *s = calloc(1, (5u << 20) + 1000);

		memcpy(s + 10, "head", 4);
		fill(s + (5u << 20), 9, 5u << 20, 1000);
		same_file(t, &im, "/sparse", s, (5u << 20) + 1000);
		free(s);
		/* Two data blocks at most (4 KiB: one each; 1 KiB: 1 + 1-2). */
		HT_EXPECT(t, debugfs_num(&im, "stat /sparse", "Blockcount: ") <= 8 * 2);
	}
	{
		u8 *s = calloc(1, 599 * 8192 + 100);

		for (i = 0; i < 600; i++)
			fill(s + (size_t)i * 8192, 10, (u64)i * 8192, 100);
		same_file(t, &im, "/frag", s, 599 * 8192 + 100);
		free(s);
	}
	HT_EXPECT(t, !sh("debugfs -R 'stat /fast' '%s' 2>/dev/null | grep -q 'Fast link dest: \"many/big-link\"'",
			 im.path));
	same_file(t, &im, "/slow", (const u8 *)slow, strlen(slow));
	HT_EXPECT(t, debugfs_num(&im, "stat /dst/sub2", "Links: ") == 2);
	HT_EXPECT(t, debugfs_num(&im, "stat /many", "Links: ") == 2);
	/* Past one block it was indexed here (dir_index), as Linux does. */
	HT_EXPECT(t, debugfs_num(&im, "stat /many", "Flags: ") & EXT4_INDEX_FL);
	HT_EXPECT(t, !sh("debugfs -R 'htree /many' %s 2>/dev/null | grep -q 'Root node dump'",
			 im.path));
	HT_EXPECT(t, debugfs_num(&im, "stat /big", "Links: ") == 2);
	free(model);
	free(chunk);
}

static void test_tree_1k(struct htest *t)
{
	build_tree(t, "");
}

static void test_tree_4k(struct htest *t)
{
	build_tree(t, "-b 4096");
}

/* Linux's errors for the same calls (see each line). */
static void test_errors(struct htest *t)
{
	struct img im;
	u32 root = EXT4_ROOT_INO, f, d, e, ino;
	char longname[257];

	HT_ASSERT(t, img_make(&im, "err.img", "16M", ""));
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_create(im.fs, root, "f", 1, 0644, 0, 0, &f), 0);
	HT_ASSERT_EQ(t, ext4_mkdir(im.fs, root, "d", 1, 0755, 0, 0, &d), 0);
	HT_ASSERT_EQ(t, ext4_mkdir(im.fs, root, "e", 1, 0755, 0, 0, &e), 0);
	HT_ASSERT_EQ(t, ext4_create(im.fs, e, "x", 1, 0644, 0, 0, &ino), 0);
	/* open(O_CREAT|O_EXCL), mkdir of an existing name: EEXIST */
	HT_EXPECT_EQ(t, ext4_create(im.fs, root, "f", 1, 0644, 0, 0, &ino), -EEXIST);
	HT_EXPECT_EQ(t, ext4_mkdir(im.fs, root, "d", 1, 0755, 0, 0, &ino), -EEXIST);
	HT_EXPECT_EQ(t, ext4_mkdir(im.fs, root, ".", 1, 0755, 0, 0, &ino), -EEXIST);
	HT_EXPECT_EQ(t, ext4_link(im.fs, f, root, "d", 1), -EEXIST);
	HT_EXPECT_EQ(t, ext4_rename(im.fs, root, "f", 1, root, "d", 1,
				    EXT4_RENAME_NOREPLACE), -EEXIST);
	/* creat("f/x"): ENOTDIR; rmdir of a file: ENOTDIR */
	HT_EXPECT_EQ(t, ext4_create(im.fs, f, "x", 1, 0644, 0, 0, &ino), -ENOTDIR);
	HT_EXPECT_EQ(t, ext4_rmdir(im.fs, root, "f", 1), -ENOTDIR);
	HT_EXPECT_EQ(t, ext4_rename(im.fs, root, "d", 1, root, "f", 1, 0), -ENOTDIR);
	/* unlink of a directory, write to one, file over a dir: EISDIR */
	HT_EXPECT_EQ(t, ext4_unlink(im.fs, root, "d", 1), -EISDIR);
	HT_EXPECT_EQ(t, ext4_write(im.fs, d, 0, "x", 1), -EISDIR);
	HT_EXPECT_EQ(t, ext4_rename(im.fs, root, "f", 1, root, "d", 1, 0), -EISDIR);
	/* 256-byte names: ENAMETOOLONG */
	memset(longname, 'n', sizeof(longname));
	HT_EXPECT_EQ(t, ext4_create(im.fs, root, longname, 256, 0644, 0, 0, &ino),
		     -ENAMETOOLONG);
	HT_EXPECT_EQ(t, ext4_create(im.fs, root, longname, 255, 0644, 0, 0, &ino), 0);
	/* rmdir of a non-empty dir, rename over one: ENOTEMPTY */
	HT_EXPECT_EQ(t, ext4_rmdir(im.fs, root, "e", 1), -ENOTEMPTY);
	HT_EXPECT_EQ(t, ext4_rename(im.fs, root, "d", 1, root, "e", 1, 0), -ENOTEMPTY);
	/* a directory into itself: EINVAL; "." : EBUSY, rmdir("."): EINVAL */
	HT_EXPECT_EQ(t, ext4_rename(im.fs, root, "e", 1, e, "inner", 5, 0), -EINVAL);
	HT_EXPECT_EQ(t, ext4_rename(im.fs, root, ".", 1, e, "inner", 5, 0), -EBUSY);
	HT_EXPECT_EQ(t, ext4_rmdir(im.fs, e, ".", 1), -EINVAL);
	HT_EXPECT_EQ(t, ext4_rmdir(im.fs, e, "..", 2), -ENOTEMPTY);
	HT_EXPECT_EQ(t, ext4_unlink(im.fs, root, "nope", 4), -ENOENT);
	HT_EXPECT_EQ(t, ext4_link(im.fs, d, root, "dl", 2), -EPERM);
	/* rename of a dir over an empty dir works */
	HT_EXPECT_EQ(t, ext4_rename(im.fs, root, "e", 1, root, "d", 1, 0), 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);

	/* EMLINK: a file at 64999 links (set by debugfs) takes one more. */
	HT_ASSERT_EQ(t, sh("debugfs -w -R 'sif /f links_count 64999' '%s' >/dev/null 2>&1",
			   im.path), 0);
	HT_ASSERT(t, img_mount(&im));
	f = resolve(&im, "/f");
	HT_ASSERT(t, f);
	HT_EXPECT_EQ(t, ext4_link(im.fs, f, EXT4_ROOT_INO, "l1", 2), 0);
	HT_EXPECT_EQ(t, ext4_link(im.fs, f, EXT4_ROOT_INO, "l2", 2), -EMLINK);
	img_unmount(&im);
}

/* Filling a small image: ENOSPC, other files intact, e2fsck clean. */
static void test_enospc(struct htest *t)
{
	struct img im;
	u32 keep, hog, ino;
	u8 buf[4096], *want;
	u64 off = 0;
	ssize_t n = 0;
	int i, ret = 0;

	HT_ASSERT(t, img_make(&im, "tiny.img", "4M", "-N 64"));
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "keep", 4, 0644, 0, 0,
				    &keep), 0);
	want = malloc(50000);
	fill(want, 77, 0, 50000);
	HT_ASSERT_EQ(t, ext4_write(im.fs, keep, 0, want, 50000), 50000);
	HT_ASSERT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "hog", 3, 0644, 0, 0,
				    &hog), 0);
	for (;;) {
		fill(buf, 3, off, sizeof(buf));
		n = ext4_write(im.fs, hog, off, buf, sizeof(buf));
		if (n <= 0)
			break;
		off += n;
	}
	HT_EXPECT_EQ(t, n, -ENOSPC);
	HT_EXPECT(t, off > (1u << 20));
	/* No inodes left either, eventually: creates stop with ENOSPC. */
	for (i = 0; i < 100; i++) {
		char name[16];

		snprintf(name, sizeof(name), "e%d", i);
		ret = ext4_create(im.fs, EXT4_ROOT_INO, name, strlen(name), 0644,
				  0, 0, &ino);
		if (ret)
			break;
	}
	HT_EXPECT_EQ(t, ret, -ENOSPC);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	same_file(t, &im, "/keep", want, 50000);
	{
		u8 *h = malloc(off);

		fill(h, 3, 0, off);
		same_file(t, &im, "/hog", h, off);
		free(h);
	}
	/* Freeing the hog gives the space back. */
	HT_ASSERT(t, img_mount(&im));
	HT_EXPECT_EQ(t, ext4_unlink(im.fs, EXT4_ROOT_INO, "hog", 3), 0);
	HT_EXPECT_EQ(t, ext4_write(im.fs, keep, 50000, want, 50000), 50000);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	free(want);
}

/* A hashed directory (e2fsck -D indexes it) takes new names. */
static void test_htree(struct htest *t)
{
	struct img im;
	u32 dir, ino;
	char name[64];
	int i;

	HT_ASSERT(t, setup_dir());
	HT_ASSERT_EQ(t, sh("rm -rf %s/src && mkdir -p %s/src/h %s/src/g %s/src/o && for i in $(seq 1 600); do echo $i > %s/src/h/entry-number-$i; done && for i in $(seq 1 300); do mkdir %s/src/g/sub-$i; done",
			   tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir), 0);
	snprintf(im.path, sizeof(im.path), "%s/htree.img", tmpdir);
	HT_ASSERT_EQ(t, sh("rm -f %s && truncate -s 32M %s && mke2fs -q -F -t ext4 -d %s/src %s >/dev/null 2>&1 && e2fsck -fyD %s >/dev/null 2>&1; e2fsck -fn %s >/dev/null 2>&1",
			   im.path, im.path, tmpdir, im.path, im.path, im.path), 0);
	HT_ASSERT(t, !sh("debugfs -R 'htree /h' %s 2>/dev/null | grep -q 'Root node dump'", im.path));
	HT_ASSERT(t, img_mount(&im));
	dir = resolve(&im, "/h");
	HT_ASSERT(t, dir);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "new-%d", i);
		HT_EXPECT_EQ(t, ext4_create(im.fs, dir, name, strlen(name), 0644,
					    0, 0, &ino), 0);
	}
	HT_EXPECT_EQ(t, ext4_unlink(im.fs, dir, "entry-number-7", 14), 0);
	/* A hashed directory moves (its ".." changes) and one is removed. */
	HT_ASSERT(t, !sh("debugfs -R 'htree /g' %s 2>/dev/null | grep -q 'Root node dump'", im.path));
	HT_EXPECT_EQ(t, ext4_rename(im.fs, EXT4_ROOT_INO, "g", 1, resolve(&im, "/o"),
				    "g2", 2, 0), 0);
	HT_EXPECT_EQ(t, ext4_rmdir(im.fs, resolve(&im, "/o/g2"), "sub-9", 5), 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	/*
	 * Every old name but one, and the new ones, are there.  An entry
	 * removed from the start of a block stays as inode 0 (as on Linux),
	 * and debugfs lists it as /0/...: such entries are not counted.
	 * Whether one lands there depends on mke2fs's random hash seed.
	 */
	HT_EXPECT_EQ(t, sh("test $(debugfs -R 'ls -p /h' %s 2>/dev/null | grep -v '^/0/' | grep -c entry-number-) = 599", im.path), 0);
	HT_EXPECT_EQ(t, sh("test $(debugfs -R 'ls -p /h' %s 2>/dev/null | grep -v '^/0/' | grep -c /new-) = 50", im.path), 0);
	HT_EXPECT_EQ(t, sh("debugfs -R 'cat /h/entry-number-600' %s 2>/dev/null | grep -qx 600", im.path), 0);
	HT_EXPECT_EQ(t, sh("test $(debugfs -R 'ls -p /o/g2' %s 2>/dev/null | grep -v '^/0/' | grep -c /sub-) = 299", im.path), 0);
	HT_EXPECT_EQ(t, debugfs_num(&im, "stat /o/g2", "Links: "), 301);
	HT_EXPECT_EQ(t, debugfs_num(&im, "stat /o", "Links: "), 3);
}

/*
 * Growing a hashed directory through its index.  The image: @nr_old
 * files made by `mke2fs -d`, indexed by `e2fsck -fyD`, with a fixed hash
 * seed; then @nr_new names through the writer (some with bytes above
 * 0x7f, some 200 bytes long) and NR_HT_GONE unlinked.  Oracles:
 * e2fsck -fn (pass 2 checks every leaf's hashes against its index
 * range: "Problem in HTREE directory inode"), debugfs's listing, and
 * our reader finding every name after a remount.  The index must stay
 * (EXT4_INDEX_FL, more entries, the index levels e2fsck -D made and
 * then @levels_after: one more when the root filled up).
 */
#define NR_HT_GONE	100

static void ht_old_name(char *buf, size_t size, int i)
{
	snprintf(buf, size, "file-%d-%0*d", i, i % 40, 0);
}

static void ht_new_name(char *buf, size_t size, int i)
{
	if (i % 50 == 0)
		snprintf(buf, size, "new-%d-%0*d", i, 190, 7);
	else if (i % 7 == 0)
		snprintf(buf, size, "new-%d-caf\xc3\xa9-\xff", i);
	else
		snprintf(buf, size, "new-%d-%0*d", i, i % 23, 1);
}

/* Is @name's presence in @dir what @want says?  Asks our reader. */
static bool ht_has(struct img *im, u32 dir, const char *name)
{
	struct ext4_inode_info d;
	u32 ino;

	return !ext4_iget(im->fs, dir, &d) &&
	       !ext4_lookup(im->fs, &d, name, strlen(name), &ino);
}

/* Names debugfs lists in /big, "." and ".." and removed ones not. */
static long ht_count(struct img *im)
{
	char cmd[256], line[512];
	long n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'ls -p /big' '%s' 2>/dev/null",
		 im->path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (line[0] == '/' && strncmp(line, "/0/", 3) &&
		    (strstr(line, "/file-") || strstr(line, "/new-")))
			n++;
	pclose(f);
	return n;
}

static void htree_grow(struct htest *t, u32 bsize, int nr_old, int nr_new,
		       int levels_before, int levels_after)
{
	char name[256], path[512];
	long long flags, leaves0, leaves;
	struct img im;
	u32 dir, ino;
	int i, bad;

	HT_ASSERT(t, setup_dir());
	HT_ASSERT_EQ(t, sh("rm -rf %s/hsrc && mkdir -p %s/hsrc/big", tmpdir,
			   tmpdir), 0);
	for (i = 0; i < nr_old; i++) {
		FILE *f;

		ht_old_name(name, sizeof(name), i);
		snprintf(path, sizeof(path), "%s/hsrc/big/%s", tmpdir, name);
		f = fopen(path, "w");
		HT_ASSERT(t, f);
		fclose(f);
	}
	snprintf(im.path, sizeof(im.path), "%s/grow%u.img", tmpdir, bsize);
	HT_ASSERT_EQ(t, sh("rm -f %s && truncate -s 64M %s && mke2fs -q -F -t ext4 -b %u -E hash_seed=3e1d6c2a-5b7f-4e0a-9c41-7d2b8f6e0a13 -d %s/hsrc %s >/dev/null 2>&1 && e2fsck -fyD %s >/dev/null 2>&1; e2fsck -fn %s >/dev/null 2>&1",
			   im.path, im.path, bsize, tmpdir, im.path, im.path,
			   im.path), 0);
	HT_ASSERT(t, debugfs_num(&im, "stat /big", "Flags: ") & EXT4_INDEX_FL);
	leaves0 = debugfs_num(&im, "htree /big", "Number of entries (count): ");
	HT_ASSERT(t, leaves0 > 1);
	HT_ASSERT_EQ(t, debugfs_num(&im, "htree /big", "Indirect levels: "),
		     levels_before);

	HT_ASSERT(t, img_mount(&im));
	dir = resolve(&im, "/big");
	HT_ASSERT(t, dir);
	for (i = 0; i < nr_new; i++) {
		ht_new_name(name, sizeof(name), i);
		HT_ASSERT_EQ(t, ext4_create(im.fs, dir, name, strlen(name), 0644,
					    0, 0, &ino), 0);
	}
	HT_EXPECT_EQ(t, ext4_create(im.fs, dir, name, strlen(name), 0644, 0, 0,
				    &ino), -EEXIST);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	HT_EXPECT_EQ(t, ht_count(&im), nr_old + nr_new);
	flags = debugfs_num(&im, "stat /big", "Flags: ");
	leaves = debugfs_num(&im, "htree /big", "Number of entries (count): ");
	printf("# %u-byte blocks: %d + %d names, index %s, %lld -> %lld root entries\n",
	       bsize, nr_old, nr_new, flags & EXT4_INDEX_FL ? "kept" : "dropped",
	       leaves0, leaves);
	HT_EXPECT(t, flags & EXT4_INDEX_FL);
	HT_EXPECT_EQ(t, debugfs_num(&im, "htree /big", "Indirect levels: "),
		     levels_after);
	if (levels_after == levels_before)
		HT_EXPECT(t, leaves > leaves0);

	/* Our reader finds every name; unlink some old and new ones. */
	HT_ASSERT(t, img_mount(&im));
	for (bad = 0, i = 0; i < nr_old; i++) {
		ht_old_name(name, sizeof(name), i);
		bad += !ht_has(&im, dir, name);
	}
	for (i = 0; i < nr_new; i++) {
		ht_new_name(name, sizeof(name), i);
		bad += !ht_has(&im, dir, name);
	}
	HT_EXPECT_EQ(t, bad, 0);
	for (i = 0; i < NR_HT_GONE; i++) {
		if (i % 2)
			ht_old_name(name, sizeof(name), i * 13 % nr_old);
		else
			ht_new_name(name, sizeof(name), i * 7 % nr_new);
		HT_EXPECT_EQ(t, ext4_unlink(im.fs, dir, name, strlen(name)), 0);
	}
	/* And add a few more after the removals. */
	for (i = nr_new; i < nr_new + 20; i++) {
		ht_new_name(name, sizeof(name), i);
		HT_EXPECT_EQ(t, ext4_create(im.fs, dir, name, strlen(name), 0644,
					    0, 0, &ino), 0);
	}
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	HT_EXPECT_EQ(t, ht_count(&im), nr_old + nr_new + 20 - NR_HT_GONE);
	HT_EXPECT(t, debugfs_num(&im, "stat /big", "Flags: ") & EXT4_INDEX_FL);
	HT_ASSERT(t, img_mount(&im));
	for (i = 0; i < NR_HT_GONE; i++) {
		if (i % 2)
			ht_old_name(name, sizeof(name), i * 13 % nr_old);
		else
			ht_new_name(name, sizeof(name), i * 7 % nr_new);
		HT_EXPECT(t, !ht_has(&im, dir, name));
	}
	ht_new_name(name, sizeof(name), nr_new + 19);
	HT_EXPECT(t, ht_has(&im, dir, name));
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	ht_old_name(name, sizeof(name), nr_old - 1);
	snprintf(path, sizeof(path), "debugfs -R 'stat /big/%s' %s 2>/dev/null | grep -q 'Type: regular'",
		 name, im.path);
	HT_EXPECT_EQ(t, sh("%s", path), 0);
}

static void test_htree_grow_4k(struct htest *t)
{
	htree_grow(t, 4096, 2000, 1000, 0, 0);
}

/* 1 KiB blocks: the root (123 entries) fills and the index grows a level. */
static void test_htree_grow_1k(struct htest *t)
{
	htree_grow(t, 1024, 2000, 1000, 0, 1);
}

/* An interior index level (e2fsck -D makes one): its nodes split. */
static void test_htree_grow_levels(struct htest *t)
{
	htree_grow(t, 1024, 6000, 1000, 1, 1);
}

/*
 * A full disk under a hashed directory: names go in while leaves have
 * room, then a split needs a block and the create fails with ENOSPC;
 * e2fsck stays clean, the index stays, every name made is there.
 */
static void test_htree_enospc(struct htest *t)
{
	char name[64], buf[1024];
	struct img im;
	u32 dir, hog, ino;
	int i, made = 0, ret = 0;
	u64 off = 0;

	HT_ASSERT(t, setup_dir());
	HT_ASSERT_EQ(t, sh("rm -rf %s/esrc && mkdir -p %s/esrc/h && for i in $(seq 1 400); do : > %s/esrc/h/a-rather-long-name-number-$i; done",
			   tmpdir, tmpdir, tmpdir), 0);
	snprintf(im.path, sizeof(im.path), "%s/hfull.img", tmpdir);
	HT_ASSERT_EQ(t, sh("rm -f %s && truncate -s 4M %s && mke2fs -q -F -t ext4 -d %s/esrc %s >/dev/null 2>&1 && e2fsck -fyD %s >/dev/null 2>&1; e2fsck -fn %s >/dev/null 2>&1",
			   im.path, im.path, tmpdir, im.path, im.path, im.path), 0);
	HT_ASSERT(t, debugfs_num(&im, "stat /h", "Flags: ") & EXT4_INDEX_FL);
	HT_ASSERT(t, img_mount(&im));
	dir = resolve(&im, "/h");
	HT_ASSERT(t, dir);
	HT_ASSERT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "hog", 3, 0644, 0, 0,
				    &hog), 0);
	memset(buf, 0x5a, sizeof(buf));
	while (ext4_write(im.fs, hog, off, buf, sizeof(buf)) > 0)
		off += sizeof(buf);
	for (i = 0; i < 2000 && !ret; i++) {
		snprintf(name, sizeof(name), "another-long-name-%d", i);
		ret = ext4_create(im.fs, dir, name, strlen(name), 0644, 0, 0,
				  &ino);
		made += !ret;
	}
	HT_EXPECT_EQ(t, ret, -ENOSPC);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	HT_EXPECT(t, debugfs_num(&im, "stat /h", "Flags: ") & EXT4_INDEX_FL);
	HT_ASSERT(t, img_mount(&im));
	for (i = 0; i < made; i++) {
		snprintf(name, sizeof(name), "another-long-name-%d", i);
		HT_EXPECT(t, ht_has(&im, dir, name));
	}
	snprintf(name, sizeof(name), "another-long-name-%d", made);
	HT_EXPECT(t, !ht_has(&im, dir, name));
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
}

/* A corrupt inode: reads of it fail, writes anywhere are refused. */
static void test_corrupt_refuses_writes(struct htest *t)
{
	struct img im;
	long long blk, offset;
	u32 ino, f;
	u8 byte;
	int fd;

	HT_ASSERT(t, img_make(&im, "bad.img", "16M", "-b 4096"));
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "f", 1, 0644, 0, 0, &f), 0);
	HT_ASSERT_EQ(t, ext4_write(im.fs, f, 0, "data", 4), 4);
	HT_ASSERT_EQ(t, img_unmount(&im), 0);
	blk = debugfs_num(&im, "imap /f", "located at block ");
	offset = -1;
	{
		char cmd[256], line[256];
		FILE *p;

		snprintf(cmd, sizeof(cmd), "debugfs -R 'imap /f' %s 2>/dev/null", im.path);
		p = popen(cmd, "r");
		while (p && fgets(line, sizeof(line), p)) {
			char *q = strstr(line, "offset ");

			if (q)
				offset = strtoll(q + 7, NULL, 0);
		}
		if (p)
			pclose(p);
	}
	HT_ASSERT(t, blk > 0 && offset >= 0);
	fd = open(im.path, O_RDWR);
	HT_ASSERT(t, fd >= 0);
	HT_ASSERT(t, pread(fd, &byte, 1, blk * 4096 + offset + 0x20) == 1);
	byte ^= 0x40;		/* i_flags: the checksum no longer matches */
	HT_ASSERT(t, pwrite(fd, &byte, 1, blk * 4096 + offset + 0x20) == 1);
	close(fd);
	HT_ASSERT(t, img_mount(&im));
	HT_EXPECT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "g", 1, 0644, 0, 0,
				    &ino), 0);
	HT_EXPECT(t, resolve(&im, "/f") == 0);	/* -EIO on the bad inode */
	HT_EXPECT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "h", 1, 0644, 0, 0,
				    &ino), -EROFS);
	HT_EXPECT_EQ(t, ext4_write(im.fs, ino, 0, "x", 1), -EROFS);
	img_unmount(&im);
}

/* EXT4W_KEEP=1 keeps the images and e2fsck logs for a look. */
/* --- the P2S change requests ------------------------------------------ */

static u8 req[P2S_WRITE_MAX + 4096];
static u8 rep[P2S_REPLY_MAX];

static void put_now(struct p2s_time *t)
{
	memset(t, 0, sizeof(*t));
	put_le64(&t->sec, 1700000000);
	put_le32(&t->nsec, 5);
}

static void put_hdr(void *buf, u8 flags)
{
	struct p2s_req_hdr *h = buf;

	h->version = P2S_VERSION;
	h->flags = flags;
	h->reserved = 0;
}

static void put_fh(struct p2s_handle *fh, const struct ext4_inode_info *i)
{
	put_le32(&fh->ino, i->ino);
	put_le32(&fh->generation, i->generation);
}

/* A P2S_CREATE (or MKDIR) request for @name in @dir; its length. */
static size_t mk_create(const struct ext4_inode_info *dir, const char *name,
			u8 flags)
{
	struct p2s_create_req *r = (void *)req;
	size_t n = strlen(name);

	memset(req, 0, sizeof(*r) + n + 1);
	put_hdr(r, flags);
	put_fh(&r->dir, dir);
	put_le32(&r->mode, 0640);
	put_le16(&r->name_len, n);
	put_now(&r->now);
	memcpy(r->name, name, n + 1);
	return sizeof(*r) + n + 1;
}

static int serve(struct img *im, u16 op, size_t len, struct p2s_stats *st)
{
	return p2s_serve(im->fs, op, req, len, rep, st);
}

static void test_p2s_changes(struct htest *t)
{
	struct p2s_stats st = { 0 };
	struct ext4_inode_info root, file;
	struct p2s_open_reply *orep = (void *)rep;
	struct p2s_write_req *w = (void *)req;
	struct p2s_rename_req *rn = (void *)req;
	struct img im;
	size_t len;
	u64 malformed;
	u8 data[3000];
	int ret, i;

	HT_ASSERT(t, img_make(&im, "p2s.img", "16M", ""));
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_iget(im.fs, EXT4_ROOT_INO, &root), 0);

	/* Valid requests work. */
	len = mk_create(&root, "file", P2S_CREATE_EXCL);
	HT_ASSERT_EQ(t, serve(&im, P2S_CREATE, len, &st),
		     sizeof(struct p2s_open_reply));
	HT_ASSERT_EQ(t, ext4_iget(im.fs, get_le32(&orep->fh.ino), &file), 0);
	HT_EXPECT_EQ(t, get_le32(&orep->st.mode), 0100640);
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -EEXIST);
	len = mk_create(&root, "file", P2S_CREATE_TRUNC);
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st),
		     sizeof(struct p2s_open_reply));
	HT_EXPECT_EQ(t, get_le32(&orep->fh.ino), file.ino);
	fill(data, 5, 0, sizeof(data));
	memset(w, 0, sizeof(*w));
	put_hdr(w, 0);
	put_fh(&w->fh, &file);
	put_le32(&w->len, sizeof(data));
	put_le64(&w->offset, 100);
	put_now(&w->now);
	memcpy(w->data, data, sizeof(data));
	HT_EXPECT_EQ(t, serve(&im, P2S_WRITE, sizeof(*w) + sizeof(data), &st),
		     sizeof(struct p2s_write_reply));
	HT_EXPECT_EQ(t, get_le64(rep + 8), 100 + sizeof(data));
	len = mk_create(&root, "dir", 0);
	HT_EXPECT_EQ(t, serve(&im, P2S_MKDIR, len, &st),
		     sizeof(struct p2s_open_reply));
	memset(rn, 0, sizeof(*rn));
	put_hdr(rn, 0);
	put_fh(&rn->sdir, &root);
	put_fh(&rn->ddir, &root);
	put_le16(&rn->sname_len, 4);
	put_le16(&rn->dname_len, 7);
	put_now(&rn->now);
	memcpy(rn->names, "file\0renamed", 13);
	HT_EXPECT_EQ(t, serve(&im, P2S_RENAME, sizeof(*rn) + 13, &st), 0);
	HT_EXPECT_EQ(t, st.malformed, 0);

	/* Malformed ones are refused and counted; nothing changes. */
	malformed = st.malformed;
	len = mk_create(&root, "x", 0);
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len - 1, &st), -EINVAL);	/* short */
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len + 1, &st), -EPROTO);	/* trailing */
	req[len - 1] = 'y';						/* no NUL */
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -EINVAL);
	len = mk_create(&root, "a/b", 0);
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -EINVAL);
	len = mk_create(&root, "x", 0);
	put_le16(req + 24, 256);					/* name_len */
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -ENAMETOOLONG);
	len = mk_create(&root, "x", 0);
	req[0] = 2;							/* version */
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -EPROTO);
	len = mk_create(&root, "x", 0x80);				/* flags */
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -EPROTO);
	HT_EXPECT_EQ(t, serve(&im, P2S_MKDIR, len, &st), -EPROTO);	/* no flags */
	len = mk_create(&root, "x", 0);
	put_le32(req + 12, 010000);					/* mode */
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -EINVAL);
	len = mk_create(&root, "x", 0);
	put_le32(req + 36, 1000000000);					/* now.nsec */
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -EINVAL);
	malformed = st.malformed - malformed;
	HT_EXPECT_EQ(t, malformed, 10);
	len = mk_create(&root, "x", 0);
	put_le32(req + 8, root.generation + 1);				/* stale */
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st), -ESTALE);
	memset(w, 0, sizeof(*w));
	put_hdr(w, 0);
	put_fh(&w->fh, &file);
	put_le32(&w->len, 10);
	put_now(&w->now);
	HT_EXPECT_EQ(t, serve(&im, P2S_WRITE, sizeof(*w) + 9, &st), -EPROTO);
	put_le32(&w->len, P2S_WRITE_MAX + 1);
	HT_EXPECT_EQ(t, serve(&im, P2S_WRITE, sizeof(*w) + P2S_WRITE_MAX + 1,
			      &st), -EINVAL);
	put_le32(&w->len, 10);
	put_le64(&w->offset, 1ULL << 62);
	HT_EXPECT_EQ(t, serve(&im, P2S_WRITE, sizeof(*w) + 10, &st), -EINVAL);
	memset(rn, 0, sizeof(*rn));
	put_hdr(rn, 0);
	put_fh(&rn->sdir, &root);
	put_fh(&rn->ddir, &root);
	put_le16(&rn->sname_len, 7);
	put_le16(&rn->dname_len, 5);
	put_now(&rn->now);
	memcpy(rn->names, "renamed\0other", 13);			/* no last NUL */
	HT_EXPECT_EQ(t, serve(&im, P2S_RENAME, sizeof(*rn) + 13, &st), -EINVAL);

	/* Random bytes for every change opcode: errors, never a crash. */
	srand(1234);
	for (i = 0; i < 20000; i++) {
		u16 op = P2S_WRITE + rand() % (P2S_SETATTR - P2S_WRITE + 1);
		size_t n = rand() % 120, k;

		for (k = 0; k < n; k++)
			req[k] = rand();
		if (n)
			req[0] = P2S_VERSION;		/* get past the header */
		if (n > 3)
			req[1] = req[2] = req[3] = 0;
		ret = p2s_serve(im.fs, op, req, n, rep, &st);
		HT_EXPECT(t, ret < 0 || ret <= (int)P2S_REPLY_MAX);
	}
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	{
		u8 want[100 + sizeof(data)];

		memset(want, 0, 100);
		memcpy(want + 100, data, sizeof(data));
		same_file(t, &im, "/renamed", want, sizeof(want));
	}
}

/*
 * End the request of @len bytes in req[] with a credential block of
 * @uid and @gid (no groups); the new length.
 */
static size_t add_cred(size_t len, u32 uid, u32 gid)
{
	struct p2s_cred *c = (void *)(req + len);

	((struct p2s_req_hdr *)req)->xflags |= P2S_HDR_CRED;
	memset(c, 0, sizeof(*c));
	put_le32(&c->fsuid, uid);
	put_le32(&c->fsgid, gid);
	return len + sizeof(*c);
}

/* A new file @name in the root, mode @mode, owner 1000:1000; its inode. */
static void make_setid(struct htest *t, struct img *im, const char *name,
		       u32 mode, struct ext4_inode_info *out)
{
	struct ext4_inode_info root;
	struct ext4_setattr sa = {
		.valid = EXT4_ATTR_MODE | EXT4_ATTR_UID | EXT4_ATTR_GID,
		.mode = mode, .uid = 1000, .gid = 1000,
	};
	struct p2s_stats st = { 0 };
	struct p2s_open_reply *orep = (void *)rep;
	size_t len;

	HT_ASSERT_EQ(t, ext4_iget(im->fs, EXT4_ROOT_INO, &root), 0);
	len = mk_create(&root, name, P2S_CREATE_EXCL);
	HT_ASSERT_EQ(t, serve(im, P2S_CREATE, len, &st),
		     sizeof(struct p2s_open_reply));
	HT_ASSERT_EQ(t, ext4_setattr(im->fs, get_le32(&orep->fh.ino), &sa), 0);
	HT_ASSERT_EQ(t, ext4_iget(im->fs, get_le32(&orep->fh.ino), out), 0);
	HT_ASSERT_EQ(t, out->mode, S_IFREG | mode);
}

/* The permission bits of @i now. */
static u32 mode_of(struct img *im, const struct ext4_inode_info *i)
{
	struct ext4_inode_info now;

	if (ext4_iget(im->fs, i->ino, &now))
		return ~0u;
	return now.mode & 07777;
}

/* A P2S_WRITE of 4 bytes to @i, as @uid (or a kernel: @uid -1). */
static int write_as(struct img *im, const struct ext4_inode_info *i, u32 uid)
{
	struct p2s_write_req *w = (void *)req;
	struct p2s_stats st = { 0 };
	size_t len = sizeof(*w) + 4;

	memset(w, 0, sizeof(*w));
	put_hdr(w, 0);
	put_fh(&w->fh, i);
	put_le32(&w->len, 4);
	put_now(&w->now);
	memcpy(w->data, "data", 4);
	if (uid != ~0u)
		len = add_cred(len, uid, uid);
	return serve(im, P2S_WRITE, len, &st);
}

/*
 * write(2), truncate(2) and open(2) with O_TRUNC by anyone but root
 * clear set-user-ID (and set-group-ID of a group-executable file), as
 * Linux's file_remove_privs() does; a kernel's request does not.
 */
static void test_p2s_kill_priv(struct htest *t)
{
	struct p2s_truncate_req *tr = (void *)req;
	struct ext4_inode_info root, a, b, c, d;
	struct p2s_stats st = { 0 };
	struct img im;
	size_t len;

	HT_ASSERT(t, img_make(&im, "killpriv.img", "16M", ""));
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_iget(im.fs, EXT4_ROOT_INO, &root), 0);
	make_setid(t, &im, "a", 06777, &a);
	make_setid(t, &im, "b", 04777, &b);
	make_setid(t, &im, "c", 06777, &c);
	make_setid(t, &im, "d", 02666, &d);

	HT_EXPECT_EQ(t, write_as(&im, &a, ~0u), sizeof(struct p2s_write_reply));
	HT_EXPECT_EQ(t, mode_of(&im, &a), 06777);
	HT_EXPECT_EQ(t, write_as(&im, &a, 0), sizeof(struct p2s_write_reply));
	HT_EXPECT_EQ(t, mode_of(&im, &a), 06777);
	HT_EXPECT_EQ(t, write_as(&im, &a, 2000), sizeof(struct p2s_write_reply));
	HT_EXPECT_EQ(t, mode_of(&im, &a), 0777);
	/* The owner's write too; set-gid of a locking mark by its group stays. */
	HT_EXPECT_EQ(t, write_as(&im, &b, 1000), sizeof(struct p2s_write_reply));
	HT_EXPECT_EQ(t, mode_of(&im, &b), 0777);
	HT_EXPECT_EQ(t, write_as(&im, &d, 1000), sizeof(struct p2s_write_reply));
	HT_EXPECT_EQ(t, mode_of(&im, &d), 02666);

	memset(tr, 0, sizeof(*tr));
	put_hdr(tr, 0);
	put_fh(&tr->fh, &c);
	put_le64(&tr->size, 1);
	put_now(&tr->now);
	len = add_cred(sizeof(*tr), 2000, 2000);
	HT_EXPECT_EQ(t, serve(&im, P2S_TRUNCATE, len, &st), 0);
	HT_EXPECT_EQ(t, mode_of(&im, &c), 0777);

	/* O_TRUNC of an existing, empty file. */
	make_setid(t, &im, "e", 04755, &c);
	len = mk_create(&root, "e", P2S_CREATE_TRUNC);
	len = add_cred(len, 1000, 1000);
	HT_EXPECT_EQ(t, serve(&im, P2S_CREATE, len, &st),
		     sizeof(struct p2s_open_reply));
	HT_EXPECT_EQ(t, mode_of(&im, &c), 0755);
	HT_EXPECT_EQ(t, st.malformed, 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
}

/* --- files unlinked while open: the orphan list ------------------------ */

#define ORPHAN_LEN	300000

/* A new file @name in the root with ORPHAN_LEN bytes of pattern @seed. */
static u32 make_file(struct htest *t, struct img *im, const char *name,
		     u32 seed, u8 *buf)
{
	u32 ino = 0;

	fill(buf, seed, 0, ORPHAN_LEN);
	HT_EXPECT_EQ(t, ext4_create(im->fs, EXT4_ROOT_INO, name, strlen(name),
				    0644, 0, 0, &ino), 0);
	HT_EXPECT_EQ(t, ext4_write(im->fs, ino, 0, buf, ORPHAN_LEN),
		     ORPHAN_LEN);
	return ino;
}

/* e2fsprogs' view of the image: free blocks and the first orphan. */
static long long free_blocks(struct img *im)
{
	return debugfs_num(im, "stats", "Free blocks:");
}

static long long first_orphan(struct img *im)
{
	long long v = debugfs_num(im, "stats", "First orphan inode:");

	return v < 0 ? 0 : v;		/* not printed when there is none */
}

/*
 * Linux keeps a file unlinked while open until the last close: reads
 * and writes through the open file work, fstat says 0 links, link()
 * gives ENOENT, and the last close frees it.
 */
static void test_orphan_release(struct htest *t)
{
	u8 *buf = malloc(ORPHAN_LEN), *got = malloc(ORPHAN_LEN);
	struct ext4_inode_info in;
	long long before;
	struct img im;
	u32 f, g;

	HT_ASSERT(t, buf && got);
	HT_ASSERT(t, img_make(&im, "orphan.img", "64M", ""));
	before = free_blocks(&im);
	HT_ASSERT(t, before > 0);
	HT_ASSERT(t, img_mount(&im));
	f = make_file(t, &im, "f", 31, buf);
	HT_EXPECT_EQ(t, ext4_ref_get(im.fs, f, 7), 0);
	HT_EXPECT_EQ(t, ext4_ref_get(im.fs, f, 9), 0);
	HT_EXPECT_EQ(t, ext4_unlink(im.fs, EXT4_ROOT_INO, "f", 1), 0);
	HT_EXPECT_EQ(t, resolve(&im, "/f"), 0);
	HT_ASSERT_EQ(t, ext4_iget(im.fs, f, &in), 0);
	HT_EXPECT_EQ(t, in.links, 0);
	HT_EXPECT_EQ(t, in.size, ORPHAN_LEN);
	/* On the disk's list once committed, as e2fsprogs reads it. */
	HT_EXPECT_EQ(t, ext4_sync(im.fs), 0);
	HT_EXPECT_EQ(t, first_orphan(&im), f);
	/* Written and read through the reference. */
	fill(buf + 1000, 32, 1000, 5000);
	HT_EXPECT_EQ(t, ext4_write(im.fs, f, 1000, buf + 1000, 5000), 5000);
	HT_EXPECT_EQ(t, ext4_truncate(im.fs, f, ORPHAN_LEN - 100), 0);
	HT_ASSERT_EQ(t, ext4_iget(im.fs, f, &in), 0);
	HT_EXPECT_EQ(t, ext4_read(im.fs, &in, 0, got, ORPHAN_LEN),
		     ORPHAN_LEN - 100);
	HT_EXPECT(t, !memcmp(got, buf, ORPHAN_LEN - 100));
	HT_EXPECT_EQ(t, ext4_link(im.fs, f, EXT4_ROOT_INO, "back", 4), -ENOENT);
	/* A second orphan in the chain, taken off from the middle. */
	g = make_file(t, &im, "g", 33, buf);
	HT_EXPECT_EQ(t, ext4_ref_get(im.fs, g, 7), 0);
	HT_EXPECT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "h", 1, 0644, 0, 0,
				    &in.ino), 0);
	/* rename over an open file orphans it too */
	HT_EXPECT_EQ(t, ext4_rename(im.fs, EXT4_ROOT_INO, "h", 1,
				    EXT4_ROOT_INO, "g", 1, 0), 0);
	HT_EXPECT_EQ(t, ext4_sync(im.fs), 0);
	HT_EXPECT_EQ(t, first_orphan(&im), g);
	HT_EXPECT_EQ(t, ext4_ref_put(im.fs, f, 7), 0);
	HT_EXPECT_EQ(t, ext4_ref_put(im.fs, f, 7), -ENOENT);	/* not held */
	HT_EXPECT_EQ(t, ext4_iget(im.fs, f, &in), 0);		/* 9 holds it */
	HT_EXPECT_EQ(t, ext4_ref_put(im.fs, f, 9), 0);
	HT_EXPECT_EQ(t, ext4_iget(im.fs, f, &in), -ENOENT);
	HT_EXPECT_EQ(t, ext4_ref_drop_owner(im.fs, 7), 1);	/* g's */
	HT_EXPECT_EQ(t, ext4_iget(im.fs, g, &in), -ENOENT);
	HT_EXPECT_EQ(t, ext4_unlink(im.fs, EXT4_ROOT_INO, "g", 1), 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	HT_EXPECT_EQ(t, first_orphan(&im), 0);
	HT_EXPECT_EQ(t, free_blocks(&im), before);
	free(buf);
	free(got);
}

/*
 * A crash with open unlinked files: the next writable mount frees them
 * (the journal replayed first), leaving nothing for e2fsck; a list
 * Linux left (debugfs: unlinked, links 0, on s_last_orphan) too.
 */
static void test_orphan_crash(struct htest *t)
{
	u8 *buf = malloc(ORPHAN_LEN);
	char cmd[256];
	long long before;
	struct img im;
	u32 f, g, l;

	HT_ASSERT(t, buf);
	HT_ASSERT(t, img_make(&im, "crash.img", "64M", ""));
	before = free_blocks(&im);
	/* Linux's orphan: unlinked, links 0, on s_last_orphan. */
	HT_ASSERT(t, img_mount(&im));
	l = make_file(t, &im, "linux", 43, buf);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	snprintf(cmd, sizeof(cmd), "unlink /linux\nsif <%u> links_count 0\nssv last_orphan %u\n",
		 l, l);
	HT_EXPECT_EQ(t, sh("printf '%s' | debugfs -w -f - '%s' >/dev/null 2>&1",
			   cmd, im.path), 0);
	HT_EXPECT_EQ(t, first_orphan(&im), l);
	HT_ASSERT(t, img_mount(&im));
	HT_EXPECT(t, im.fs->writable);
	HT_EXPECT_EQ(t, im.fs->last_orphan, 0);
	HT_EXPECT_EQ(t, im.fs->free_blocks, before);
	/* Ours, then a crash: committed, never released, no unmount. */
	f = make_file(t, &im, "f", 41, buf);
	g = make_file(t, &im, "g", 42, buf);
	HT_EXPECT_EQ(t, ext4_ref_get(im.fs, f, 1), 0);
	HT_EXPECT_EQ(t, ext4_ref_get(im.fs, g, 1), 0);
	HT_EXPECT_EQ(t, ext4_unlink(im.fs, EXT4_ROOT_INO, "f", 1), 0);
	HT_EXPECT_EQ(t, ext4_unlink(im.fs, EXT4_ROOT_INO, "g", 1), 0);
	HT_EXPECT_EQ(t, ext4_journal_commit(im.fs, false), 0);
	ext4_unmount(im.fs);
	close(im.fd);
	/* The journal is replayed first, then the list processed. */
	HT_ASSERT(t, img_mount(&im));
	HT_EXPECT(t, im.fs->writable);
	HT_EXPECT_EQ(t, im.fs->last_orphan, 0);
	HT_EXPECT_EQ(t, im.fs->free_blocks, before);
	HT_EXPECT_EQ(t, ext4_iget(im.fs, f, &(struct ext4_inode_info){ 0 }),
		     -ENOENT);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
	HT_EXPECT_EQ(t, first_orphan(&im), 0);
	HT_EXPECT_EQ(t, free_blocks(&im), before);
	free(buf);
}

/*
 * A corrupt orphan list (a loop, an inode number out of range or below
 * the first one, an inode in use with links) is not processed: the
 * file system mounts read-only, its files still read.
 */
static void test_orphan_corrupt(struct htest *t)
{
	static const char *const cases[] = {
		"ssv last_orphan 99999999\n",
		"ssv last_orphan 2\n",
		"sif /a links_count 0\nsif /a dtime %2$u\nsif /b links_count 0\nsif /b dtime %1$u\nssv last_orphan %1$u\n",
		"sif /d dtime 0\nssv last_orphan %3$u\n",
	};
	char cmd[256], script[512];
	struct img im;
	u32 a, b, d, ino;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		HT_ASSERT(t, img_make(&im, "badorphan.img", "16M", ""));
		HT_ASSERT(t, img_mount(&im));
		HT_EXPECT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "a", 1, 0644,
					    0, 0, &a), 0);
		HT_EXPECT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "b", 1, 0644,
					    0, 0, &b), 0);
		HT_EXPECT_EQ(t, ext4_mkdir(im.fs, EXT4_ROOT_INO, "d", 1, 0755,
					   0, 0, &d), 0);
		HT_EXPECT_EQ(t, img_unmount(&im), 0);
		snprintf(script, sizeof(script), cases[i], a, b, d);
		snprintf(cmd, sizeof(cmd), "printf '%s' | debugfs -w -f - '%s' >/dev/null 2>&1",
			 script, im.path);
		HT_EXPECT_EQ(t, sh("%s", cmd), 0);
		HT_ASSERT(t, img_mount(&im));
		HT_EXPECT(t, !im.fs->writable);
		HT_EXPECT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "c", 1, 0644,
					    0, 0, &ino), -EROFS);
		HT_EXPECT_EQ(t, resolve(&im, "/d") == d, true);
		ext4_unmount(im.fs);
		close(im.fd);
	}
}

/* A P2S_UNLINK, P2S_STAT or P2S_CLOSE as node @owner. */
static int serve_as(struct img *im, u32 owner, u16 op, size_t len,
		    struct p2s_stats *st)
{
	return p2s_serve_from(im->fs, owner, op, req, len, rep, st);
}

/* A struct p2s_fh_req with header flags @flags. */
static size_t mk_fh_flags(const struct p2s_handle *fh, u8 flags)
{
	struct p2s_fh_req *r = (void *)req;

	memset(r, 0, sizeof(*r));
	put_hdr(r, flags);
	r->fh = *fh;
	return sizeof(*r);
}

static size_t mk_fh(const struct p2s_handle *fh)
{
	return mk_fh_flags(fh, 0);
}

/* A P2S_UNLINK of @name in @dir. */
static size_t mk_unlink(const struct ext4_inode_info *dir, const char *name)
{
	struct p2s_name_req *nr = (void *)req;
	size_t n = strlen(name);

	memset(nr, 0, sizeof(*nr) + n + 1);
	put_hdr(nr, 0);
	put_fh(&nr->dir, dir);
	put_le16(&nr->name_len, n);
	put_now(&nr->now);
	memcpy(nr->name, name, n + 1);
	return sizeof(*nr) + n + 1;
}

/*
 * A fresh image @file mounted in @im with /@name created by node 3 with
 * P2S_CREATE_REF: its handle in *@fh, the root in *@root.
 */
static bool made_with_ref(struct htest *t, struct img *im, const char *file,
			  const char *name, struct ext4_inode_info *root,
			  struct p2s_handle *fh)
{
	struct p2s_open_reply *orep = (void *)rep;
	struct p2s_stats st = { 0 };

	if (!img_make(im, file, "16M", "") || !img_mount(im) ||
	    ext4_iget(im->fs, EXT4_ROOT_INO, root) ||
	    serve_as(im, 3, P2S_CREATE, mk_create(root, name, P2S_CREATE_REF),
		     &st) != sizeof(*orep)) {
		HT_FAIL(t, "%s: no image with /%s", file, name);
		return false;
	}
	*fh = orep->fh;
	return true;
}

/* The references over P2S: taken by node, dropped by P2S_CLOSE. */
static void test_p2s_orphan(struct htest *t)
{
	struct p2s_open_reply *orep = (void *)rep;
	struct p2s_open_req *o = (void *)req;
	struct p2s_stats st = { 0 };
	struct ext4_inode_info root;
	struct p2s_handle fh;
	struct img im;

	if (!made_with_ref(t, &im, "p2sorphan.img", "x", &root, &fh))
		return;
	/* A second open by another node, by path. */
	memset(o, 0, sizeof(*o) + 3);
	put_hdr(o, P2S_OPEN_REF);
	put_le16(&o->path_len, 2);
	memcpy(o->path, "/x", 3);
	HT_ASSERT_EQ(t, serve_as(&im, 5, P2S_OPEN, sizeof(*o) + 3, &st),
		     sizeof(*orep));
	HT_EXPECT_EQ(t, serve_as(&im, 3, P2S_UNLINK, mk_unlink(&root, "x"), &st),
		     0);
	HT_EXPECT_EQ(t, serve_as(&im, 3, P2S_STAT, mk_fh(&fh), &st),
		     sizeof(struct p2s_stat));
	HT_EXPECT_EQ(t, get_le64(rep + 8), 0);			/* st_nlink */
	HT_EXPECT_EQ(t, serve_as(&im, 4, P2S_CLOSE, mk_fh(&fh), &st), -EBADF);
	HT_EXPECT_EQ(t, serve_as(&im, 3, P2S_CLOSE, mk_fh(&fh), &st), 0);
	HT_EXPECT_EQ(t, serve_as(&im, 3, P2S_CLOSE, mk_fh(&fh), &st), -EBADF);
	HT_EXPECT_EQ(t, serve_as(&im, 5, P2S_STAT, mk_fh(&fh), &st),
		     sizeof(struct p2s_stat));
	HT_EXPECT_EQ(t, serve_as(&im, 5, P2S_CLOSE, mk_fh(&fh), &st), 0);
	HT_EXPECT(t, serve_as(&im, 5, P2S_STAT, mk_fh(&fh), &st) < 0);
	HT_EXPECT_EQ(t, im.fs->nr_refs, 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
}

/*
 * P2S_STAT with P2S_STAT_REF: a reference by handle (the memory node's
 * for a mapped file), held through the unlink and the other node's last
 * close, dropped by P2S_CLOSE; regular files only; the flag nowhere else.
 */
static void test_p2s_stat_ref(struct htest *t)
{
	struct p2s_stats st = { 0 };
	struct ext4_inode_info root;
	struct p2s_handle fh, rootfh;
	struct img im;
	u64 malformed;

	if (!made_with_ref(t, &im, "p2sstatref.img", "m", &root, &fh))
		return;
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_STAT,
				 mk_fh_flags(&fh, P2S_STAT_REF), &st),
		     sizeof(struct p2s_stat));
	HT_EXPECT_EQ(t, im.fs->nr_refs, 2);
	/* The processor's last close, then the unlink: an orphan. */
	HT_EXPECT_EQ(t, serve_as(&im, 3, P2S_CLOSE, mk_fh(&fh), &st), 0);
	HT_EXPECT_EQ(t, serve_as(&im, 3, P2S_UNLINK, mk_unlink(&root, "m"), &st),
		     0);
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_STAT, mk_fh(&fh), &st),
		     sizeof(struct p2s_stat));
	HT_EXPECT_EQ(t, get_le64(rep + 8), 0);			/* st_nlink */
	/* A second reference of the same node on the orphan. */
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_STAT,
				 mk_fh_flags(&fh, P2S_STAT_REF), &st),
		     sizeof(struct p2s_stat));
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_CLOSE, mk_fh(&fh), &st), 0);
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_STAT, mk_fh(&fh), &st),
		     sizeof(struct p2s_stat));
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_CLOSE, mk_fh(&fh), &st), 0);
	/* The last reference freed it. */
	HT_EXPECT(t, serve_as(&im, 7, P2S_STAT, mk_fh(&fh), &st) < 0);
	HT_EXPECT(t, serve_as(&im, 7, P2S_STAT,
			      mk_fh_flags(&fh, P2S_STAT_REF), &st) < 0);
	HT_EXPECT_EQ(t, im.fs->nr_refs, 0);
	/* A directory takes none; the flag means nothing elsewhere. */
	put_fh(&rootfh, &root);
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_STAT,
				 mk_fh_flags(&rootfh, P2S_STAT_REF), &st),
		     -EINVAL);
	malformed = st.malformed;
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_CLOSE,
				 mk_fh_flags(&rootfh, P2S_STAT_REF), &st),
		     -EPROTO);
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_FSYNC,
				 mk_fh_flags(&rootfh, P2S_STAT_REF), &st),
		     -EPROTO);
	HT_EXPECT_EQ(t, serve_as(&im, 7, P2S_STAT,
				 mk_fh_flags(&rootfh, 0x02), &st), -EPROTO);
	HT_EXPECT_EQ(t, st.malformed, malformed + 3);
	HT_EXPECT_EQ(t, im.fs->nr_refs, 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
}

/*
 * The commit interval on a fake clock: a change without fsync is on
 * the disk (through the journal) once the tick after the interval ran,
 * and not before.  The "power cut" is a copy of the image taken then.
 */
static void test_commit_interval(struct htest *t)
{
	u8 data[5000];
	struct img im;
	u32 ino;

	fill(data, 77, 0, sizeof(data));
	HT_ASSERT(t, img_make(&im, "tick.img", "16M", ""));
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "late", 4, 0644, 0,
				    0, &ino), 0);
	HT_EXPECT_EQ(t, ext4_write(im.fs, ino, 0, data, sizeof(data)),
		     sizeof(data));
	ext4_journal_note(im.fs, 1000);
	HT_EXPECT_EQ(t, ext4_journal_tick(im.fs, 3000, 5000), 0);
	HT_EXPECT_EQ(t, ext4_journal_tick(im.fs, 5999, 5000), 0);
	HT_EXPECT_EQ(t, sh("cp '%s' '%s.early'", im.path, im.path), 0);
	HT_EXPECT_EQ(t, ext4_journal_tick(im.fs, 6000, 5000), 1);
	HT_EXPECT_EQ(t, ext4_journal_tick(im.fs, 20000, 5000), 0);  /* clean */
	HT_EXPECT_EQ(t, sh("cp '%s' '%s.cut'", im.path, im.path), 0);
	ext4_unmount(im.fs);
	close(im.fd);
	/* Before the interval: not there.  After: replay gives it. */
	HT_EXPECT(t, sh("e2fsck -fy '%s.early' >/dev/null 2>&1; debugfs -R 'stat /late' '%s.early' 2>&1 | grep -q 'File not found'",
			im.path, im.path) == 0);
	HT_EXPECT_EQ(t, sh("e2fsck -fy '%s.cut' >/dev/null 2>&1; e2fsck -fn '%s.cut' >/dev/null 2>&1",
			   im.path, im.path), 0);
	snprintf(im.path + strlen(im.path), 8, ".cut");
	same_file(t, &im, "/late", data, sizeof(data));
}

/* The reference table is bounded: a peer cannot make it grow forever. */
static void test_ref_limits(struct htest *t)
{
	struct img im;
	u32 i;
	int ret = 0;

	HT_ASSERT(t, img_make(&im, "refs.img", "16M", ""));
	HT_ASSERT(t, img_mount(&im));
	for (i = 0; i < EXT4_REF_MAX && !ret; i++)
		ret = ext4_ref_get(im.fs, 100 + i, 1);
	HT_EXPECT_EQ(t, ret, 0);
	HT_EXPECT_EQ(t, im.fs->nr_refs, EXT4_REF_MAX);
	HT_EXPECT_EQ(t, ext4_ref_get(im.fs, 99, 1), -ENFILE);
	HT_EXPECT_EQ(t, ext4_ref_get(im.fs, 100, 1), 0);  /* same entry */
	HT_EXPECT_EQ(t, ext4_ref_drop_owner(im.fs, 1), EXT4_REF_MAX + 1);
	HT_EXPECT_EQ(t, im.fs->nr_refs, 0);
	for (i = 0; i < EXT4_REF_COUNT_MAX && !ret; i++)
		ret = ext4_ref_get(im.fs, 12, 2);
	HT_EXPECT_EQ(t, ret, 0);
	HT_EXPECT_EQ(t, ext4_ref_get(im.fs, 12, 2), -ENFILE);
	HT_EXPECT_EQ(t, ext4_ref_put(im.fs, 12, 2), 0);
	HT_EXPECT_EQ(t, ext4_ref_drop_owner(im.fs, 2), EXT4_REF_COUNT_MAX - 1);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, fsck(&im), 0);
}

static void test_cleanup(struct htest *t)
{
	if (getenv("EXT4W_KEEP"))
		printf("# images kept in %s\n", tmpdir);
	else if (tmpdir[0])
		HT_EXPECT_EQ(t, sh("rm -rf '%s'", tmpdir), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_tree_1k),
	HT_CASE(test_tree_4k),
	HT_CASE(test_errors),
	HT_CASE(test_enospc),
	HT_CASE(test_htree),
	HT_CASE(test_htree_grow_4k),
	HT_CASE(test_htree_grow_1k),
	HT_CASE(test_htree_grow_levels),
	HT_CASE(test_htree_enospc),
	HT_CASE(test_corrupt_refuses_writes),
	HT_CASE(test_p2s_changes),
	HT_CASE(test_p2s_kill_priv),
	HT_CASE(test_orphan_release),
	HT_CASE(test_orphan_crash),
	HT_CASE(test_orphan_corrupt),
	HT_CASE(test_p2s_orphan),
	HT_CASE(test_p2s_stat_ref),
	HT_CASE(test_commit_interval),
	HT_CASE(test_ref_limits),
	HT_CASE(test_cleanup),
	{}
};

HTEST_MAIN(cases)
