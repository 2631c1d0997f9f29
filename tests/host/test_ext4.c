/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for the storage manager's ext4 reader (managers/storage/
 * ext4.c) and block cache, against real images: the test writes a tree
 * of files into a temporary directory, has mke2fs(8) build images from
 * it (`mke2fs -t ext4 -d DIR`) in four flavours (4 KiB blocks with
 * metadata_csum, without it, 1 KiB blocks, and no extents: old block
 * maps), and reads them back through the reader.  Expected contents
 * come from the generator functions that wrote the tree, expected
 * metadata from stat(2) of the source files and from debugfs(8), never
 * from the code under test.  Corruption cases damage a copy of an
 * image at places debugfs names and check that only the damaged object
 * fails, with -EIO.
 *
 * Needs mke2fs, debugfs and e2fsck (e2fsprogs, installed by
 * scripts/install-deps); without them every case fails saying so.
 */
/* HTEST-SOURCES: managers/storage/ext4.c managers/storage/bcache.c managers/storage/ext4_alloc.c managers/storage/ext4_extent.c managers/storage/ext4_dir.c managers/storage/ext4_dx.c managers/storage/ext4_hash.c managers/storage/ext4_write.c managers/storage/ext4_journal.c managers/storage/ext4_orphan.c lib/crc32.c lib/string.c tests/host/host_printk.c tests/host/host_kmalloc.c */
#include "htest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/pattern.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "../../managers/storage/ext4.h"

/* The C library's formatting (ours is not linked in). */
int libc_snprintf(char *buf, size_t size, const char *fmt, ...)
	__asm__("snprintf");
int libc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__asm__("vsnprintf");
#undef snprintf
#undef vsnprintf
#define snprintf libc_snprintf
#define vsnprintf libc_vsnprintf

/* kmalloc for the reader, over the C library. */
#define BIG_SIZE	(10u << 20)
#define SPARSE_SIZE	(8u << 20)
#define SPARSE_DATA_OFF	(5u << 20)
#define NR_MANY		2000
#define NR_FRAGMENTS	300
#define DEEP_LEVELS	20
#define IMG_SIZE	"96M"
#define TEST_UID	1234
#define TEST_GID	5678
#define DEEP_PATH	"/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/d20"
#define SLOW_TARGET	(DEEP_PATH "/leaf.txt" + 1)	/* relative, > 60 bytes */

/* The byte at offset @i of the big file: a fixed, non-periodic pattern. */
static u8 big_byte(u64 i)
{
	u64 x = i * 0x9E3779B97F4A7C15ull;

	return (u8)((x >> 29) ^ (x >> 47) ^ i);
}

static char tmpdir[64];
static bool tools_ok;
static bool tree_built;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void cleanup_tmp(void)
{
	if (tmpdir[0])
		sh("rm -rf '%s'", tmpdir);
}

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = len ? write(fd, buf, len) : 0;
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int build_tree(void)
{
	char path[512], name[32];
	u8 *big;
	int fd, i, ret = 0;
	size_t n;

	snprintf(path, sizeof(path), "%s/src", tmpdir);
	if (mkdir(path, 0755))
		return -1;
	snprintf(path, sizeof(path), "%s/src/empty", tmpdir);
	ret |= write_file(path, "", 0);
	snprintf(path, sizeof(path), "%s/src/one", tmpdir);
	ret |= write_file(path, "Z", 1);

	big = malloc(BIG_SIZE);
	if (!big)
		return -1;
	for (n = 0; n < BIG_SIZE; n++)
		big[n] = big_byte(n);
	snprintf(path, sizeof(path), "%s/src/page_plus1", tmpdir);
	ret |= write_file(path, big, 4097);
	snprintf(path, sizeof(path), "%s/src/big", tmpdir);
	ret |= write_file(path, big, BIG_SIZE);
	free(big);

	/* A hole, one 4 KiB run of data at 5 MiB, a hole to 8 MiB. */
	snprintf(path, sizeof(path), "%s/src/sparse", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	{
		u8 blk[4096];

		for (n = 0; n < sizeof(blk); n++)
			blk[n] = (u8)(n * 7 + 1);
		if (pwrite(fd, blk, sizeof(blk), SPARSE_DATA_OFF) !=
		    (ssize_t)sizeof(blk) || ftruncate(fd, SPARSE_SIZE))
			ret = -1;
	}
	close(fd);
	if (chown(path, TEST_UID, TEST_GID))
		ret = -1;

	/* Many extents (data, hole, data, ...): a tree deeper than the inode. */
	snprintf(path, sizeof(path), "%s/src/fragmented", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	for (i = 0; i < NR_FRAGMENTS; i++) {
		u8 blk[4096];

		for (n = 0; n < sizeof(blk); n++)
			blk[n] = big_byte((u64)i * 8192 + n);
		if (pwrite(fd, blk, sizeof(blk), (off_t)i * 8192) !=
		    (ssize_t)sizeof(blk))
			ret = -1;
	}
	close(fd);

	snprintf(path, sizeof(path), "%s/src/many", tmpdir);
	ret |= mkdir(path, 0755);
	for (i = 0; i < NR_MANY; i++) {
		snprintf(name, sizeof(name), "f%04d", i);
		snprintf(path, sizeof(path), "%s/src/many/%s", tmpdir, name);
		ret |= write_file(path, name, 5);
	}

	snprintf(path, sizeof(path), "%s/src", tmpdir);
	for (i = 1; i <= DEEP_LEVELS; i++) {
		size_t l = strlen(path);

		snprintf(path + l, sizeof(path) - l, "/d%d", i);
		ret |= mkdir(path, 0755);
	}
	{
		size_t l = strlen(path);

		snprintf(path + l, sizeof(path) - l, "/leaf.txt");
		ret |= write_file(path, "deep leaf\n", 10);
	}

	/* Symlinks: fast (< 60 bytes, in the inode), slow (in a block). */
	snprintf(path, sizeof(path), "%s/src/fast", tmpdir);
	ret |= symlink("one", path);
	snprintf(path, sizeof(path), "%s/src/slow", tmpdir);
	ret |= symlink(SLOW_TARGET, path);
	snprintf(path, sizeof(path), "%s/src/abs", tmpdir);
	ret |= symlink("/d1/d2/../../one", path);
	snprintf(path, sizeof(path), "%s/src/todir", tmpdir);
	ret |= symlink("d1/d2", path);
	snprintf(path, sizeof(path), "%s/src/d1/up", tmpdir);
	ret |= symlink("../page_plus1", path);
	snprintf(path, sizeof(path), "%s/src/loop1", tmpdir);
	ret |= symlink("loop2", path);
	snprintf(path, sizeof(path), "%s/src/loop2", tmpdir);
	ret |= symlink("loop1", path);
	snprintf(path, sizeof(path), "%s/src/dangling", tmpdir);
	ret |= symlink("nowhere", path);
	return ret;
}

enum variant { V_CSUM, V_NOCSUM, V_1K, V_NOEXTENT, NR_VARIANTS };

static const char *const variant_opts[NR_VARIANTS] = {
	[V_CSUM] = "-b 4096",
	[V_NOCSUM] = "-b 4096 -O ^metadata_csum",
	[V_1K] = "-b 1024",
	[V_NOEXTENT] = "-b 4096 -O ^extent,^64bit,^metadata_csum",
};

/* An image file opened for the reader. */
struct image {
	char path[256];
	int fd;
	u8 *mem;		/* when non-NULL: read from this copy */
	u64 size;
	struct storage_io io;
};

static int image_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct image *img = ctx;

	if (off > img->size || len > img->size - off)
		return -EIO;
	if (img->mem) {
		memcpy(buf, img->mem + off, len);
		return 0;
	}
	return pread(img->fd, buf, len, off) == (ssize_t)len ? 0 : -EIO;
}

static bool setup(void)
{
	static bool tried;

	if (tried)
		return tree_built;
	tried = true;
	tools_ok = !sh("command -v mke2fs >/dev/null 2>&1 && command -v debugfs >/dev/null 2>&1");
	if (!tools_ok)
		return false;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tessera-ext4-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		return false;
	}
	atexit(cleanup_tmp);
	tree_built = !build_tree();
	return tree_built;
}

static const char *image_path(enum variant v, char *buf, size_t size)
{
	snprintf(buf, size, "%s/img%d", tmpdir, (int)v);
	return buf;
}

/* Open the image file @path for the reader; 0 or -1. */
static int image_open_path(struct image *img, const char *path)
{
	struct stat st;

	memset(img, 0, sizeof(*img));
	snprintf(img->path, sizeof(img->path), "%s", path);
	img->fd = open(img->path, O_RDONLY);
	if (img->fd < 0 || fstat(img->fd, &st))
		return -1;
	img->size = st.st_size;
	img->io.read = image_read;
	img->io.ctx = img;
	img->io.size = img->size;
	return 0;
}

/* Build (once) and open the image of variant @v. */
static int image_open(struct image *img, enum variant v)
{
	static bool made[NR_VARIANTS];
	char path[256];

	image_path(v, path, sizeof(path));
	if (!made[v]) {
		if (sh("mke2fs -q -F -t ext4 %s -L tessera -d '%s/src' '%s' %s >/dev/null 2>&1",
		       variant_opts[v], tmpdir, path, IMG_SIZE))
			return -1;
		/*
		 * mke2fs -d writes linear directories; e2fsck -D indexes
		 * them (exit status 1: "file system modified").
		 */
		if (sh("e2fsck -fyD '%s' >/dev/null 2>&1; [ $? -le 1 ]",
		       path))
			return -1;
		made[v] = true;
	}
	return image_open_path(img, path);
}

/* Load the whole image into memory, to damage it without touching the file. */
static int image_load(struct image *img)
{
	img->mem = malloc(img->size);
	if (!img->mem)
		return -1;
	if (pread(img->fd, img->mem, img->size, 0) != (ssize_t)img->size)
		return -1;
	return 0;
}

static void image_close(struct image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	free(img->mem);
}

/* Run debugfs @req on @img and return the first number after @key. */
static long long debugfs_number(const char *img, const char *req,
				const char *key)
{
	char cmd[512], line[512];
	long long v = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "debugfs -R '%s' '%s' 2>/dev/null", req,
		 img);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, key);

		if (p)
			v = strtoll(p + strlen(key), NULL, 0);
	}
	pclose(f);
	return v;
}

/* Byte offset in the image of inode @path's on-disk inode. */
static long long inode_offset(const char *img, const char *path,
			      u32 block_size)
{
	char req[256];
	long long blk, off;

	snprintf(req, sizeof(req), "imap %s", path);
	blk = debugfs_number(img, req, "located at block ");
	off = debugfs_number(img, req, ", offset ");
	if (blk < 0 || off < 0)
		return -1;
	return blk * block_size + off;
}

#define SKIP_UNLESS_READY(t) do {					\
	if (!setup()) {							\
		printf("# ext4 images unavailable (mke2fs/debugfs or tree)\n"); \
		HT_FAIL(t, "setup failed");				\
		return;							\
	}								\
} while (0)

static int resolve(struct ext4_fs *fs, const char *path, u32 *ino)
{
	return ext4_resolve(fs, path, 0, ino);
}

static int read_path(struct ext4_fs *fs, const char *path, u64 off,
		     void *buf, size_t len)
{
	struct ext4_inode_info inode;
	u32 ino;
	int ret;

	ret = resolve(fs, path, &ino);
	if (ret)
		return ret;
	ret = ext4_iget(fs, ino, &inode);
	if (ret)
		return ret;
	return ext4_read(fs, &inode, off, buf, len);
}

/* --- the checks every variant runs --------------------------------------- */

static void check_files(struct htest *t, struct ext4_fs *fs)
{
	u8 *buf = malloc(BIG_SIZE + 4096);
	u32 crc_disk, crc_want = ~0u;
	struct ext4_inode_info inode;
	u32 ino;
	size_t i;
	u64 off;
	int n;

	HT_ASSERT(t, buf != NULL);
	HT_EXPECT_EQ(t, read_path(fs, "/empty", 0, buf, 100), 0);
	HT_EXPECT_EQ(t, read_path(fs, "/one", 0, buf, 100), 1);
	HT_EXPECT_EQ(t, buf[0], 'Z');
	HT_EXPECT_EQ(t, read_path(fs, "/one", 1, buf, 100), 0);
	HT_EXPECT_EQ(t, read_path(fs, "/page_plus1", 0, buf, 8192), 4097);
	for (i = 0; i < 4097 && buf[i] == big_byte(i); i++)
		;
	HT_EXPECT_EQ(t, i, 4097);

	/* The whole big file in one read, checksummed on both sides. */
	HT_EXPECT_EQ(t, read_path(fs, "/big", 0, buf, BIG_SIZE + 4096),
		     BIG_SIZE);
	crc_disk = crc32c(~0u, buf, BIG_SIZE);
	for (i = 0; i < BIG_SIZE; i++) {
		u8 b = big_byte(i);

		crc_want = crc32c(crc_want, &b, 1);
	}
	HT_EXPECT_EQ(t, crc_disk, crc_want);

	/*
	 * Odd offsets and lengths across block boundaries (/big is one
	 * extent: extent boundaries and physical gaps are extents_*'s).
	 */
	HT_ASSERT_EQ(t, resolve(fs, "/big", &ino), 0);
	HT_ASSERT_EQ(t, ext4_iget(fs, ino, &inode), 0);
	HT_EXPECT_EQ(t, inode.size, BIG_SIZE);
	for (off = 1; off < BIG_SIZE; off = off * 3 + 4093) {
		size_t len = 12345, ok = 0;

		n = ext4_read(fs, &inode, off, buf, len);
		HT_EXPECT_EQ(t, n, (long long)min_t(u64, len, BIG_SIZE - off));
		for (i = 0; i < (size_t)(n > 0 ? n : 0); i++)
			ok += buf[i] == big_byte(off + i);
		HT_EXPECT_EQ(t, ok, (size_t)(n > 0 ? n : 0));
	}
	HT_EXPECT_EQ(t, ext4_read(fs, &inode, BIG_SIZE - 1, buf, 10), 1);
	HT_EXPECT_EQ(t, buf[0], big_byte(BIG_SIZE - 1));

	/* Sparse: holes are zeros, the data run is where it was written. */
	memset(buf, 0xAA, SPARSE_SIZE);
	HT_EXPECT_EQ(t, read_path(fs, "/sparse", 0, buf, SPARSE_SIZE + 100),
		     SPARSE_SIZE);
	for (i = 0; i < SPARSE_SIZE; i++) {
		u8 want = i >= SPARSE_DATA_OFF && i < SPARSE_DATA_OFF + 4096 ?
			  (u8)((i - SPARSE_DATA_OFF) * 7 + 1) : 0;

		if (buf[i] != want)
			break;
	}
	HT_EXPECT_EQ(t, i, SPARSE_SIZE);

	/* Fragmented: 4 KiB of data every 8 KiB, read in one go. */
	n = read_path(fs, "/fragmented", 0, buf, BIG_SIZE);
	HT_EXPECT_EQ(t, n, (NR_FRAGMENTS - 1) * 8192 + 4096);
	for (i = 0; i < (size_t)(n > 0 ? n : 0); i++) {
		u8 want = i % 8192 < 4096 ? big_byte(i) : 0;

		if (buf[i] != want)
			break;
	}
	HT_EXPECT_EQ(t, i, (size_t)(n > 0 ? n : 0));

	HT_EXPECT_EQ(t, read_path(fs, DEEP_PATH "/leaf.txt",
				  0, buf, 100), 10);
	HT_EXPECT_EQ(t, memcmp(buf, "deep leaf\n", 10), 0);
	HT_EXPECT_EQ(t, read_path(fs, "/many/f1234", 0, buf, 100), 5);
	HT_EXPECT_EQ(t, memcmp(buf, "f1234", 5), 0);

	/* Reads of a directory are refused. */
	HT_ASSERT_EQ(t, resolve(fs, "/many", &ino), 0);
	HT_ASSERT_EQ(t, ext4_iget(fs, ino, &inode), 0);
	HT_EXPECT_EQ(t, ext4_read(fs, &inode, 0, buf, 10), -EISDIR);
	free(buf);
}

static void check_stat(struct htest *t, struct ext4_fs *fs)
{
	static const char *const paths[] = { "/one", "/big", "/sparse",
					     "/many", "/fast", "/slow",
					     "/d1", "/empty" };
	struct ext4_inode_info inode;
	char src[512];
	struct stat st;
	size_t i;
	u32 ino;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		snprintf(src, sizeof(src), "%s/src%s", tmpdir, paths[i]);
		HT_ASSERT(t, lstat(src, &st) == 0);
		HT_ASSERT_EQ(t, ext4_resolve(fs, paths[i],
					     EXT4_RESOLVE_NOFOLLOW, &ino), 0);
		HT_ASSERT_EQ(t, ext4_iget(fs, ino, &inode), 0);
		HT_EXPECT_EQ(t, inode.mode, st.st_mode);
		HT_EXPECT_EQ(t, inode.uid, st.st_uid);
		HT_EXPECT_EQ(t, inode.gid, st.st_gid);
		HT_EXPECT_EQ(t, inode.mtime.sec, st.st_mtim.tv_sec);
		HT_EXPECT_EQ(t, inode.links, st.st_nlink);
		if (!S_ISDIR(st.st_mode))
			HT_EXPECT_EQ(t, inode.size, st.st_size);
	}
	/* The sparse file's owner was set on purpose; its blocks are few. */
	HT_ASSERT_EQ(t, resolve(fs, "/sparse", &ino), 0);
	HT_ASSERT_EQ(t, ext4_iget(fs, ino, &inode), 0);
	HT_EXPECT_EQ(t, inode.uid, TEST_UID);
	HT_EXPECT_EQ(t, inode.gid, TEST_GID);
	HT_EXPECT(t, inode.blocks < SPARSE_SIZE / 512 / 4);
	HT_EXPECT(t, inode.blocks >= 4096 / 512);
}

static void check_paths(struct htest *t, struct ext4_fs *fs)
{
	u32 one, ino, pp1, leaf, d2;
	char buf[300], name[300];
	size_t i;

	HT_ASSERT_EQ(t, resolve(fs, "/one", &one), 0);
	HT_EXPECT_EQ(t, resolve(fs, "one", &ino), 0);
	HT_EXPECT_EQ(t, ino, one);
	HT_EXPECT_EQ(t, resolve(fs, "//./d1/../one", &ino), 0);
	HT_EXPECT_EQ(t, ino, one);
	HT_EXPECT_EQ(t, resolve(fs, "/..", &ino), 0);
	HT_EXPECT_EQ(t, ino, EXT4_ROOT_INO);
	HT_EXPECT_EQ(t, resolve(fs, "/", &ino), 0);
	HT_EXPECT_EQ(t, ino, EXT4_ROOT_INO);
	HT_EXPECT_EQ(t, resolve(fs, "/fast", &ino), 0);
	HT_EXPECT_EQ(t, ino, one);
	HT_EXPECT_EQ(t, resolve(fs, "/abs", &ino), 0);
	HT_EXPECT_EQ(t, ino, one);
	HT_EXPECT_EQ(t, ext4_resolve(fs, "/fast", EXT4_RESOLVE_NOFOLLOW,
				     &ino), 0);
	HT_EXPECT(t, ino != one);
	HT_ASSERT_EQ(t, resolve(fs, "/page_plus1", &pp1), 0);
	HT_EXPECT_EQ(t, resolve(fs, "/d1/up", &ino), 0);
	HT_EXPECT_EQ(t, ino, pp1);
	HT_ASSERT_EQ(t, resolve(fs, DEEP_PATH "/leaf.txt",
				&leaf), 0);
	HT_EXPECT_EQ(t, resolve(fs, "/slow", &ino), 0);
	HT_EXPECT_EQ(t, ino, leaf);
	HT_ASSERT_EQ(t, resolve(fs, "/d1/d2", &d2), 0);
	HT_EXPECT_EQ(t, resolve(fs, "/todir", &ino), 0);
	HT_EXPECT_EQ(t, ino, d2);
	HT_EXPECT_EQ(t, resolve(fs, "/todir/", &ino), 0);
	HT_EXPECT_EQ(t, ino, d2);
	HT_EXPECT_EQ(t, resolve(fs, "/todir/../d2/./", &ino), 0);
	HT_EXPECT_EQ(t, ino, d2);

	HT_EXPECT_EQ(t, resolve(fs, "/loop1", &ino), -ELOOP);
	HT_EXPECT_EQ(t, resolve(fs, "/loop1/x", &ino), -ELOOP);
	HT_EXPECT_EQ(t, ext4_resolve(fs, "/loop1", EXT4_RESOLVE_NOFOLLOW,
				     &ino), 0);
	HT_EXPECT_EQ(t, resolve(fs, "/dangling", &ino), -ENOENT);
	HT_EXPECT_EQ(t, resolve(fs, "/nonexistent", &ino), -ENOENT);
	HT_EXPECT_EQ(t, resolve(fs, "", &ino), -ENOENT);
	HT_EXPECT_EQ(t, resolve(fs, "/one/", &ino), -ENOTDIR);
	HT_EXPECT_EQ(t, resolve(fs, "/one/x", &ino), -ENOTDIR);
	HT_EXPECT_EQ(t, resolve(fs, "/many/f2000", &ino), -ENOENT);
	HT_EXPECT_EQ(t, resolve(fs, "/many/f0000", &ino), 0);
	HT_EXPECT_EQ(t, resolve(fs, "/many/f1999", &ino), 0);

	/* 255 bytes is a legal (absent) name, 256 is too long. */
	for (i = 0; i < 256; i++)
		name[i] = 'n';
	name[0] = '/';
	name[256] = '\0';
	HT_EXPECT_EQ(t, resolve(fs, name, &ino), -ENOENT);
	name[256] = 'n';
	name[257] = '\0';
	HT_EXPECT_EQ(t, resolve(fs, name, &ino), -ENAMETOOLONG);
	{
		char *longp = malloc(EXT4_PATH_MAX + 1);

		HT_ASSERT(t, longp != NULL);
		for (i = 0; i < EXT4_PATH_MAX; i++)
			longp[i] = i % 2 ? '/' : '.';
		longp[EXT4_PATH_MAX] = '\0';
		HT_EXPECT_EQ(t, resolve(fs, longp, &ino), -ENAMETOOLONG);
		longp[EXT4_PATH_MAX - 1] = '\0';
		HT_EXPECT_EQ(t, resolve(fs, longp, &ino), 0);
		HT_EXPECT_EQ(t, ino, EXT4_ROOT_INO);
		free(longp);
	}

	/* readlink: fast and slow targets, byte for byte. */
	{
		struct ext4_inode_info inode;
		ssize_t n;

		HT_ASSERT_EQ(t, ext4_resolve(fs, "/slow", EXT4_RESOLVE_NOFOLLOW,
					     &ino), 0);
		HT_ASSERT_EQ(t, ext4_iget(fs, ino, &inode), 0);
		n = ext4_readlink(fs, &inode, buf, sizeof(buf));
		HT_EXPECT_EQ(t, n, strlen(SLOW_TARGET));
		HT_EXPECT_STREQ(t, buf, SLOW_TARGET);
		HT_EXPECT_EQ(t, ext4_readlink(fs, &inode, buf,
					      strlen(SLOW_TARGET)),
			     -ENAMETOOLONG);
		HT_ASSERT_EQ(t, ext4_resolve(fs, "/fast", EXT4_RESOLVE_NOFOLLOW,
					     &ino), 0);
		HT_ASSERT_EQ(t, ext4_iget(fs, ino, &inode), 0);
		HT_EXPECT_EQ(t, ext4_readlink(fs, &inode, buf, sizeof(buf)), 3);
		HT_EXPECT_STREQ(t, buf, "one");
		HT_ASSERT_EQ(t, ext4_iget(fs, one, &inode), 0);
		HT_EXPECT_EQ(t, ext4_readlink(fs, &inode, buf, sizeof(buf)),
			     -EINVAL);
	}
}

struct listing {
	u8 seen[NR_MANY];
	unsigned int dots, dotdots, others, delivered, stop_every;
	unsigned int this_call;
	u64 last_next;
	bool bad_type;
	bool backwards;			/* a cookie smaller than the last */
};

static int list_fill(void *ctx, const char *name, size_t len, u32 ino,
		     u8 type, u64 next)
{
	struct listing *l = ctx;
	int idx;

	if (l->stop_every && l->this_call == l->stop_every)
		return 1;
	l->this_call++;
	l->delivered++;
	l->backwards |= next < l->last_next;
	l->last_next = next;
	if (len == 1 && name[0] == '.') {
		l->dots++;
		l->bad_type |= type != EXT4_FT_DIR;
	} else if (len == 2 && name[0] == '.' && name[1] == '.') {
		l->dotdots++;
		l->bad_type |= type != EXT4_FT_DIR;
	} else if (len == 5 && name[0] == 'f' &&
		   (idx = (name[1] - '0') * 1000 + (name[2] - '0') * 100 +
			  (name[3] - '0') * 10 + (name[4] - '0')) >= 0 &&
		   idx < NR_MANY) {
		l->seen[idx]++;
		l->bad_type |= type != EXT4_FT_REG_FILE;
	} else {
		l->others++;
	}
	return 0;
}

static void check_readdir(struct htest *t, struct ext4_fs *fs)
{
	struct ext4_inode_info dir;
	struct listing *l = calloc(1, sizeof(*l));
	unsigned int i, calls = 0, once = 0;
	u64 cookie = 0;
	int ret;
	u32 ino;

	HT_ASSERT(t, l != NULL);
	HT_ASSERT_EQ(t, resolve(fs, "/many", &ino), 0);
	HT_ASSERT_EQ(t, ext4_iget(fs, ino, &dir), 0);
	/* mke2fs indexes a directory this large. */
	HT_EXPECT(t, dir.flags & EXT4_INDEX_FL);
	l->stop_every = 37;
	for (;;) {
		u64 before = cookie;

		l->this_call = 0;
		ret = ext4_readdir(fs, &dir, &cookie, list_fill, l);
		calls++;
		if (ret || calls >= 10000)
			break;
		if (cookie <= before) {
			HT_FAIL(t, "cookie did not advance from %llu",
				(unsigned long long)before);
			break;
		}
	}
	/* Hashed: the end is EXT4_READDIR_EOF, not i_size. */
	HT_EXPECT_EQ(t, ret, 1);
	HT_EXPECT_EQ(t, cookie, EXT4_READDIR_EOF);
	for (i = 0; i < NR_MANY; i++)
		once += l->seen[i] == 1;
	HT_EXPECT_EQ(t, once, NR_MANY);
	HT_EXPECT_EQ(t, l->dots, 1);
	HT_EXPECT_EQ(t, l->dotdots, 1);
	HT_EXPECT_EQ(t, l->others, 0);
	HT_EXPECT(t, !l->bad_type);
	HT_EXPECT(t, !l->backwards);
	HT_EXPECT(t, calls > NR_MANY / 37);

	/* The first call's cookie: a new listing from it gets the rest. */
	memset(l, 0, sizeof(*l));
	l->stop_every = 37;
	cookie = 0;
	HT_EXPECT_EQ(t, ext4_readdir(fs, &dir, &cookie, list_fill, l), 0);
	memset(l, 0, sizeof(*l));
	HT_EXPECT_EQ(t, ext4_readdir(fs, &dir, &cookie, list_fill, l), 1);
	HT_EXPECT_EQ(t, l->dots + l->dotdots, 0);
	HT_EXPECT_EQ(t, l->delivered, NR_MANY + 2 - 37);
	/* Any value is safe: past every entry, then the end itself. */
	memset(l, 0, sizeof(*l));
	cookie = EXT4_READDIR_EOF - 1;
	HT_EXPECT_EQ(t, ext4_readdir(fs, &dir, &cookie, list_fill, l), 1);
	HT_EXPECT_EQ(t, l->delivered, 0);
	HT_EXPECT_EQ(t, cookie, EXT4_READDIR_EOF);
	HT_EXPECT_EQ(t, ext4_readdir(fs, &dir, &cookie, list_fill, l), 1);
	HT_EXPECT_EQ(t, l->delivered, 0);
	/* Not a directory. */
	HT_ASSERT_EQ(t, resolve(fs, "/one", &ino), 0);
	HT_ASSERT_EQ(t, ext4_iget(fs, ino, &dir), 0);
	cookie = 0;
	HT_EXPECT_EQ(t, ext4_readdir(fs, &dir, &cookie, list_fill, l),
		     -ENOTDIR);
	free(l);
}

static void run_variant(struct htest *t, enum variant v,
			void (*check)(struct htest *, struct ext4_fs *))
{
	struct ext4_fs *fs;
	struct image img;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, image_open(&img, v), 0);
	fs = ext4_mount(&img.io, 64);
	HT_ASSERT(t, !IS_ERR(fs));
	check(t, fs);
	HT_EXPECT_EQ(t, fs->stats.csum_errors, 0);
	HT_EXPECT_EQ(t, fs->stats.corrupt, 0);
	HT_EXPECT_EQ(t, fs->stats.io_errors, 0);
	ext4_unmount(fs);
	image_close(&img);
}

#define VARIANT_CASES(v, tag)						\
static void tag##_files(struct htest *t) { run_variant(t, v, check_files); } \
static void tag##_stat(struct htest *t) { run_variant(t, v, check_stat); } \
static void tag##_paths(struct htest *t) { run_variant(t, v, check_paths); } \
static void tag##_readdir(struct htest *t) { run_variant(t, v, check_readdir); }

VARIANT_CASES(V_CSUM, csum4k)
VARIANT_CASES(V_NOCSUM, nocsum4k)
VARIANT_CASES(V_1K, csum1k)
VARIANT_CASES(V_NOEXTENT, blockmap)

static void images_fsck_clean(struct htest *t)
{
	char path[256];
	int v;

	SKIP_UNLESS_READY(t);
	for (v = 0; v < NR_VARIANTS; v++) {
		struct image img;

		HT_ASSERT_EQ(t, image_open(&img, v), 0);
		image_close(&img);
		HT_EXPECT_EQ(t, sh("e2fsck -fn '%s' >/dev/null 2>&1",
				   image_path(v, path, sizeof(path))), 0);
	}
}

/* Hidden layout facts from debugfs, for damaging a copy. */
static void features_csum_detected(struct htest *t)
{
	struct ext4_fs *fs;
	struct image img;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, image_open(&img, V_CSUM), 0);
	fs = ext4_mount(&img.io, 0);
	HT_ASSERT(t, !IS_ERR(fs));
	HT_EXPECT(t, fs->has_csum);
	HT_EXPECT_EQ(t, fs->block_size, 4096);
	HT_EXPECT_EQ(t, fs->blocks_count,
		     debugfs_number(img.path, "stats", "Block count:"));
	HT_EXPECT_EQ(t, fs->inodes_count,
		     debugfs_number(img.path, "stats", "Inode count:"));
	HT_EXPECT_STREQ(t, fs->volume_name, "tessera");
	ext4_unmount(fs);
	image_close(&img);
}

/* --- corruption ------------------------------------------------------------ */

static void corrupt_superblock_magic(struct htest *t)
{
	struct image img;
	struct ext4_fs *fs;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, image_open(&img, V_NOCSUM), 0);
	HT_ASSERT_EQ(t, image_load(&img), 0);
	img.mem[EXT4_SUPER_OFFSET + 0x38] ^= 0xff;	/* s_magic */
	fs = ext4_mount(&img.io, 0);
	HT_EXPECT(t, IS_ERR(fs));
	HT_EXPECT_EQ(t, PTR_ERR(fs), -EINVAL);
	image_close(&img);
}

static void corrupt_superblock_csum(struct htest *t)
{
	struct image img;
	struct ext4_fs *fs;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, image_open(&img, V_CSUM), 0);
	HT_ASSERT_EQ(t, image_load(&img), 0);
	img.mem[EXT4_SUPER_OFFSET + 0x78] ^= 0x01;	/* s_volume_name */
	fs = ext4_mount(&img.io, 0);
	HT_EXPECT(t, IS_ERR(fs));
	HT_EXPECT_EQ(t, PTR_ERR(fs), -EIO);
	image_close(&img);
}

static void corrupt_unknown_incompat(struct htest *t)
{
	struct image img;
	struct ext4_fs *fs;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, image_open(&img, V_NOCSUM), 0);
	HT_ASSERT_EQ(t, image_load(&img), 0);
	img.mem[EXT4_SUPER_OFFSET + 0x60 + 2] |= 0x02;	/* casefold */
	fs = ext4_mount(&img.io, 0);
	HT_EXPECT(t, IS_ERR(fs));
	HT_EXPECT_EQ(t, PTR_ERR(fs), -EOPNOTSUPP);
	img.mem[EXT4_SUPER_OFFSET + 0x60 + 2] &= ~0x02;
	img.mem[EXT4_SUPER_OFFSET + 0x60 + 3] |= 0x40;	/* unknown bit 30 */
	fs = ext4_mount(&img.io, 0);
	HT_EXPECT(t, IS_ERR(fs));
	HT_EXPECT_EQ(t, PTR_ERR(fs), -EOPNOTSUPP);
	image_close(&img);
}

/* Damage big's inode in a copy of @v, at @field_off, with @fn. */
static void corrupt_big_inode(struct htest *t, enum variant v, u32 field_off,
			      u8 xor_mask, int want_err)
{
	struct ext4_inode_info inode;
	struct ext4_fs *fs;
	struct image img;
	long long at;
	u8 buf[64];
	u32 ino;
	int ret;

	HT_ASSERT_EQ(t, image_open(&img, v), 0);
	HT_ASSERT_EQ(t, image_load(&img), 0);
	at = inode_offset(img.path, "/big", 4096);
	HT_ASSERT(t, at > 0 && (u64)at + 256 <= img.size);
	img.mem[at + field_off] ^= xor_mask;
	fs = ext4_mount(&img.io, 0);
	HT_ASSERT(t, !IS_ERR(fs));
	ret = resolve(fs, "/big", &ino);
	if (!ret)
		ret = ext4_iget(fs, ino, &inode);
	if (!ret)
		ret = ext4_read(fs, &inode, 0, buf, sizeof(buf));
	HT_EXPECT_EQ(t, ret, want_err);
	/* Everything else still works. */
	HT_EXPECT_EQ(t, read_path(fs, "/one", 0, buf, sizeof(buf)), 1);
	HT_EXPECT_EQ(t, read_path(fs, "/page_plus1", 4096, buf, sizeof(buf)),
		     1);
	HT_EXPECT_EQ(t, read_path(fs, "/many/f0042", 0, buf, sizeof(buf)), 5);
	HT_EXPECT(t, fs->stats.csum_errors + fs->stats.corrupt > 0);
	ext4_unmount(fs);
	image_close(&img);
}

static void corrupt_extent_magic(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	corrupt_big_inode(t, V_NOCSUM, 0x28, 0xff, -EIO);	/* eh_magic */
}

static void corrupt_extent_entries(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	/* eh_entries (0x2a) 1 -> 0x81: above eh_max (4 in the inode). */
	corrupt_big_inode(t, V_NOCSUM, 0x2a, 0x80, -EIO);
}

static void corrupt_extent_depth(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	/* eh_depth 0 -> 4: the "index" points at data, not a node. */
	corrupt_big_inode(t, V_NOCSUM, 0x2e, 0x04, -EIO);
}

static void corrupt_inode_csum(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	/* Any byte of a checksummed inode: here i_size_lo. */
	corrupt_big_inode(t, V_CSUM, 0x04, 0x10, -EIO);
}

/* Damage the first block of /many (its htree root or a leaf). */
static void corrupt_dir_block(struct htest *t, enum variant v, u32 off,
			      u8 xor_mask)
{
	struct ext4_fs *fs;
	struct image img;
	long long blk;
	u8 buf[16];
	u32 ino;
	int ret, i, nr_eio = 0, nr_ok = 0;
	char name[32];

	HT_ASSERT_EQ(t, image_open(&img, v), 0);
	HT_ASSERT_EQ(t, image_load(&img), 0);
	/* "bmap <file> <logical>" prints the physical block. */
	blk = debugfs_number(img.path, "bmap /many 1", "");
	HT_ASSERT(t, blk > 0 && (u64)blk * 4096 + 4096 <= img.size);
	img.mem[blk * 4096 + off] ^= xor_mask;
	fs = ext4_mount(&img.io, 0);
	HT_ASSERT(t, !IS_ERR(fs));
	for (i = 0; i < NR_MANY; i += 7) {
		snprintf(name, sizeof(name), "/many/f%04d", i);
		ret = resolve(fs, name, &ino);
		nr_eio += ret == -EIO;
		nr_ok += ret == 0;
		HT_EXPECT(t, ret == 0 || ret == -EIO);
	}
	/* Names in the damaged block fail, the other blocks still serve. */
	HT_EXPECT(t, nr_eio > 0);
	HT_EXPECT(t, nr_ok > 0);
	HT_EXPECT_EQ(t, read_path(fs, "/one", 0, buf, sizeof(buf)), 1);
	HT_EXPECT_EQ(t, read_path(fs, DEEP_PATH "/leaf.txt",
				  0, buf, sizeof(buf)), 10);
	HT_EXPECT(t, fs->stats.csum_errors + fs->stats.corrupt > 0);
	ext4_unmount(fs);
	image_close(&img);
}

static void corrupt_dir_csum(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	corrupt_dir_block(t, V_CSUM, 100, 0x20);	/* a name byte */
}

static void corrupt_dir_rec_len(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	/* First entry's rec_len (offset 4) -> 0: must not loop. */
	corrupt_dir_block(t, V_NOCSUM, 4, 0xff);
}

/*
 * A copy of variant @v's image changed by debugfs -w requests @reqs
 * (";"-separated; debugfs recomputes the checksums it touches), opened
 * for the reader.
 */
static int image_open_modified(struct image *img, enum variant v,
			       const char *reqs)
{
	char src[256], dst[256];
	const char *r = reqs;

	if (image_open(img, v))
		return -1;
	image_close(img);
	image_path(v, src, sizeof(src));
	snprintf(dst, sizeof(dst), "%s/modified%d", tmpdir, (int)v);
	if (sh("cp '%s' '%s'", src, dst))
		return -1;
	while (*r) {
		size_t n = 0;

		while (r[n] && r[n] != ';')
			n++;

		if (sh("debugfs -w -R '%.*s' '%s' >/dev/null 2>&1", (int)n, r,
		       dst))
			return -1;
		r += n + (r[n] == ';');
	}
	return image_open_path(img, dst);
}

static double now_seconds(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* A walk that iterates i_size/blocksize would not finish: fail loudly. */
static void walk_too_slow(int sig)
{
	static const char msg[] = "# directory walk still running after 60 s\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

#define WALK_SECONDS	10.0	/* generous: the walk takes milliseconds */

/*
 * /many with i_size @size (far beyond its blocks): names in its blocks
 * are still found, a missing one is -ENOENT, readdir lists every entry
 * once and ends, all quickly; nothing is counted as corrupt.
 */
static void check_huge_dir(struct htest *t, enum variant v, const char *size)
{
	struct ext4_inode_info dir, lin;
	struct listing *l = calloc(1, sizeof(*l)), *ll = calloc(1, sizeof(*ll));
	char reqs[160];
	struct ext4_fs *fs;
	struct image img;
	unsigned int i, once = 0;
	double t0, elapsed;
	u64 cookie = 0;
	u8 buf[16];
	u32 ino;

	HT_ASSERT(t, l != NULL && ll != NULL);
	/* /many is hashed; / is linear: the walk's own hole skipping. */
	snprintf(reqs, sizeof(reqs), "sif /many size %s;sif / size %s", size,
		 size);
	HT_ASSERT_EQ(t, image_open_modified(&img, v, reqs), 0);
	fs = ext4_mount(&img.io, 64);
	HT_ASSERT(t, !IS_ERR(fs));
	HT_ASSERT_EQ(t, resolve(fs, "/many", &ino), 0);
	HT_ASSERT_EQ(t, ext4_iget(fs, ino, &dir), 0);
	HT_EXPECT_EQ(t, dir.size, strtoull(size, NULL, 0));

	signal(SIGALRM, walk_too_slow);
	alarm(60);
	t0 = now_seconds();
	HT_EXPECT_EQ(t, resolve(fs, "/many/nothere", &ino), -ENOENT);
	HT_EXPECT_EQ(t, resolve(fs, "/many/f1999", &ino), 0);
	HT_EXPECT_EQ(t, read_path(fs, "/many/f0007", 0, buf, sizeof(buf)), 5);
	/* Through the index (hash order): i_size does not matter. */
	HT_EXPECT_EQ(t, ext4_readdir(fs, &dir, &cookie, list_fill, l), 1);
	HT_EXPECT_EQ(t, cookie, EXT4_READDIR_EOF);
	/* The linear walk of / skips the hole. */
	HT_ASSERT_EQ(t, ext4_iget(fs, EXT4_ROOT_INO, &lin), 0);
	HT_EXPECT(t, !(lin.flags & EXT4_INDEX_FL));
	HT_EXPECT_EQ(t, lin.size, dir.size);
	cookie = 0;
	HT_EXPECT_EQ(t, ext4_readdir(fs, &lin, &cookie, list_fill, ll), 1);
	HT_EXPECT_EQ(t, cookie, lin.size);
	HT_EXPECT_EQ(t, ll->dots + ll->dotdots, 2);
	HT_EXPECT(t, ll->others >= 5);		/* one, big, many, ... */
	/* Resuming in the hole far past the last block: nothing more. */
	cookie = lin.size / 2;
	ll->delivered = 0;
	HT_EXPECT_EQ(t, ext4_readdir(fs, &lin, &cookie, list_fill, ll), 1);
	HT_EXPECT_EQ(t, cookie, lin.size);
	HT_EXPECT_EQ(t, ll->delivered, 0);
	elapsed = now_seconds() - t0;
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	if (elapsed > WALK_SECONDS)
		HT_FAIL(t, "walks took %.1f s", elapsed);

	for (i = 0; i < NR_MANY; i++)
		once += l->seen[i] == 1;
	HT_EXPECT_EQ(t, once, NR_MANY);
	HT_EXPECT_EQ(t, l->dots, 1);
	HT_EXPECT_EQ(t, l->dotdots, 1);
	HT_EXPECT_EQ(t, l->others, 0);
	HT_EXPECT_EQ(t, read_path(fs, "/one", 0, buf, sizeof(buf)), 1);
	HT_EXPECT_EQ(t, fs->stats.corrupt + fs->stats.csum_errors, 0);
	ext4_unmount(fs);
	image_close(&img);
	free(l);
	free(ll);
}

static void corrupt_dir_huge_size(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	check_huge_dir(t, V_CSUM, "0x10000000000");		/* 2^40 */
}

static void corrupt_dir_huge_size_1k(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	check_huge_dir(t, V_1K, "0x10000000000");
}

static void corrupt_dir_huge_size_blockmap(struct htest *t)
{
	SKIP_UNLESS_READY(t);
	check_huge_dir(t, V_NOEXTENT, "0x10000000000");
	/* Past the triple-indirect range (2^30 + 2^20 + 1036 blocks). */
	check_huge_dir(t, V_NOEXTENT, "0x7ffffffffffff000");
}

/*
 * /d1 of the block-map image, its one block mapped again as block 1
 * and i_size two blocks: the walk reads more blocks than i_blocks
 * holds.  Names in the first block are found; a missing name is -EIO
 * (it may have been in what could not be read), counted as corrupt.
 */
static void corrupt_dir_aliased_block(struct htest *t)
{
	struct ext4_fs *fs;
	struct image img;
	long long blk;
	char reqs[128];
	u32 ino;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, image_open(&img, V_NOEXTENT), 0);
	blk = debugfs_number(img.path, "bmap /d1 0", "");
	image_close(&img);
	HT_ASSERT(t, blk > 0);
	snprintf(reqs, sizeof(reqs), "sif /d1 block[1] %lld;sif /d1 size 8192",
		 blk);
	HT_ASSERT_EQ(t, image_open_modified(&img, V_NOEXTENT, reqs), 0);
	fs = ext4_mount(&img.io, 0);
	HT_ASSERT(t, !IS_ERR(fs));
	HT_EXPECT_EQ(t, resolve(fs, "/d1/d2", &ino), 0);
	HT_EXPECT_EQ(t, fs->stats.corrupt, 0);
	HT_EXPECT_EQ(t, resolve(fs, "/d1/nothere", &ino), -EIO);
	HT_EXPECT_EQ(t, fs->stats.corrupt, 1);
	HT_EXPECT_EQ(t, resolve(fs, "/many/f0001", &ino), 0);
	ext4_unmount(fs);
	image_close(&img);
}

/* --- extents: boundaries, physical gaps, unwritten, overlap -------------- */

/*
 * A separate image whose files debugfs writes into fragmented free space:
 * mke2fs -d lays 64 two-block files out back to back, debugfs removes
 * every other one, then writes /pieces4 (7 blocks: a few extents, all in
 * the inode) and /pieces (100 blocks and a tail: dozens of two-block
 * extents under an index block), each extent in a hole between the
 * surviving files, so logically adjacent extents are physically apart.
 * debugfs fallocates /prealloc: unwritten extents.  The layout facts
 * come from `debugfs -R "ex FILE"`, the bytes from pattern_byte().
 */
#define XIMG_FILLERS	64
#define PIECES_SIZE	(100 * 4096 + 123)
#define PIECES4_SIZE	(7 * 4096 - 5)
#define PIECES_SEED	0x5eed01
#define PIECES4_SEED	0x5eed04
#define FILLER_SEED	0x5eed10
#define PREALLOC_BLOCKS	40

struct xext {
	u64 lstart, lend, pstart;
	u32 len;
	bool uninit;
	unsigned int depth;	/* of the tree the leaf belongs to */
};

static int write_pattern_file(const char *path, size_t len, u64 seed)
{
	u8 *b = malloc(len ?: 1);
	int ret;

	if (!b)
		return -1;
	pattern_fill(b, len, seed, 0);
	ret = write_file(path, b, len);
	free(b);
	return ret;
}

static const char *ximage_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/ximg", tmpdir);
	return buf;
}

/* Build (once) the extents image; 0 or -1. */
static int ximage_build(void)
{
	static int state;	/* 0 untried, 1 built, -1 failed */
	char path[512], img[256];
	FILE *f;
	int i;

	if (state)
		return state > 0 ? 0 : -1;
	state = -1;
	snprintf(path, sizeof(path), "%s/xsrc", tmpdir);
	if (mkdir(path, 0755))
		return -1;
	for (i = 0; i < XIMG_FILLERS; i++) {
		snprintf(path, sizeof(path), "%s/xsrc/fill%02d", tmpdir, i);
		if (write_pattern_file(path, 8192, FILLER_SEED + i))
			return -1;
	}
	snprintf(path, sizeof(path), "%s/xsrc/prealloc", tmpdir);
	if (write_file(path, "", 0))
		return -1;
	snprintf(path, sizeof(path), "%s/pieces", tmpdir);
	if (write_pattern_file(path, PIECES_SIZE, PIECES_SEED))
		return -1;
	snprintf(path, sizeof(path), "%s/pieces4", tmpdir);
	if (write_pattern_file(path, PIECES4_SIZE, PIECES4_SEED))
		return -1;
	ximage_path(img, sizeof(img));
	if (sh("mke2fs -q -F -t ext4 -b 4096 -d '%s/xsrc' '%s' 32M >/dev/null 2>&1",
	       tmpdir, img))
		return -1;
	snprintf(path, sizeof(path), "%s/xcmds", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	for (i = 0; i < XIMG_FILLERS; i += 2)
		fprintf(f, "rm /fill%02d\n", i);
	fprintf(f, "write %s/pieces4 pieces4\n", tmpdir);
	fprintf(f, "write %s/pieces pieces\n", tmpdir);
	fprintf(f, "fallocate /prealloc 0 %d\n", PREALLOC_BLOCKS - 1);
	fprintf(f, "sif /prealloc size %d\n", PREALLOC_BLOCKS * 4096);
	fclose(f);
	if (sh("debugfs -w -f '%s' '%s' >/dev/null 2>&1", path, img) ||
	    sh("e2fsck -fn '%s' >/dev/null 2>&1", img))
		return -1;
	state = 1;
	return 0;
}

/*
 * The leaf extents of @file in @img as `debugfs ex` prints them, in
 * logical order; their number (at most @max), or -1.
 */
static int parse_extents(const char *img, const char *file, struct xext *out,
			 int max)
{
	char cmd[512], line[256];
	int n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'ex %s' '%s' 2>/dev/null",
		 file, img);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned int level, depth, idx, entries;
		unsigned long long l0, l1, p0, p1, len;

		/* Index lines have no physical range: 7 fields, not 9. */
		if (sscanf(line, " %u/ %u %u/ %u %llu - %llu %llu - %llu %llu",
			   &level, &depth, &idx, &entries, &l0, &l1, &p0, &p1,
			   &len) != 9 || level != depth || n == max)
			continue;
		out[n++] = (struct xext){ .lstart = l0, .lend = l1,
					  .pstart = p0, .len = len,
					  .uninit = strstr(line, "Uninit"),
					  .depth = depth };
	}
	pclose(f);
	return n;
}

/* Read @len bytes of @path at @off and check each against the pattern. */
static void expect_pattern_read(struct htest *t, struct ext4_fs *fs,
				const char *path, u64 size, u64 seed,
				u64 off, size_t len)
{
	size_t want = off >= size ? 0 : min_t(u64, len, size - off);
	u8 *buf = malloc(len + 1);
	ssize_t n;
	size_t bad;

	HT_ASSERT(t, buf != NULL);
	n = read_path(fs, path, off, buf, len);
	if (n != (ssize_t)want) {
		HT_FAIL(t, "%s at %llu, %zu bytes: read %zd, want %zu", path,
			(unsigned long long)off, len, n, want);
	} else if ((bad = pattern_check(buf, want, seed, off)) != want) {
		HT_FAIL(t, "%s at %llu, %zu bytes: byte %llu wrong", path,
			(unsigned long long)off, len,
			(unsigned long long)(off + bad));
	}
	free(buf);
}

/*
 * Reads of @path that start mid-extent and cross into the next extent
 * (physically elsewhere), reads inside one extent, and the whole file.
 */
static void check_extent_reads(struct htest *t, struct ext4_fs *fs,
			       const char *path, u64 size, u64 seed,
			       const struct xext *ex, int n)
{
	const u64 bs = 4096;

	for (int i = 0; i < n; i++) {
		u64 first = ex[i].lstart * bs, end = (ex[i].lend + 1) * bs;
		/* Into the extent's second block if it has one. */
		u64 off = ex[i].len > 1 ? first + bs - 100 : first + 100;

		expect_pattern_read(t, fs, path, size, seed, off,
				    end - off + bs + 1000);
		/* Starting at the extent's second block, aligned. */
		if (ex[i].len > 1)
			expect_pattern_read(t, fs, path, size, seed,
					    first + bs, end - first + bs);
		/* Wholly inside: one byte, the last of the extent. */
		expect_pattern_read(t, fs, path, size, seed, end - 1, 1);
	}
	expect_pattern_read(t, fs, path, size, seed, 0, size + 4096);
	expect_pattern_read(t, fs, path, size, seed, 1, size);
}

static int ximage_open(struct htest *t, struct image *img)
{
	char path[256];

	memset(img, 0, sizeof(*img));
	if (ximage_build()) {
		HT_FAIL(t, "could not build the extents image with debugfs");
		return -1;
	}
	return image_open_path(img, ximage_path(path, sizeof(path)));
}

static void extents_gaps(struct htest *t)
{
	struct xext ex[64], ex4[8];
	struct ext4_fs *fs;
	struct image img;
	int n, n4, gaps = 0;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, ximage_open(t, &img), 0);
	n = parse_extents(img.path, "/pieces", ex, ARRAY_SIZE(ex));
	n4 = parse_extents(img.path, "/pieces4", ex4, ARRAY_SIZE(ex4));
	/* The layout the test needs, as debugfs reports it. */
	HT_ASSERT(t, n >= 8);
	HT_ASSERT(t, n4 >= 2);
	HT_EXPECT(t, ex[0].depth >= 1);		/* under an index block */
	HT_EXPECT_EQ(t, ex4[0].depth, 0);	/* in the inode */
	for (int i = 1; i < n; i++) {
		HT_EXPECT_EQ(t, ex[i].lstart, ex[i - 1].lend + 1);
		gaps += ex[i].pstart != ex[i - 1].pstart + ex[i - 1].len;
	}
	HT_EXPECT(t, gaps >= n / 2);
	fs = ext4_mount(&img.io, 64);
	HT_ASSERT(t, !IS_ERR(fs));
	check_extent_reads(t, fs, "/pieces", PIECES_SIZE, PIECES_SEED, ex, n);
	check_extent_reads(t, fs, "/pieces4", PIECES4_SIZE, PIECES4_SEED, ex4,
			   n4);
	/* The surviving fillers, between the pieces, are intact too. */
	expect_pattern_read(t, fs, "/fill01", 8192, FILLER_SEED + 1, 0, 9000);
	expect_pattern_read(t, fs, "/fill63", 8192, FILLER_SEED + 63, 4000,
			    300);
	HT_EXPECT_EQ(t, fs->stats.corrupt + fs->stats.csum_errors +
			fs->stats.io_errors, 0);
	ext4_unmount(fs);
	image_close(&img);
}

/*
 * fallocate'd blocks hold whatever the disk held: stain them, and they
 * must still read as zeros (ext4 reads an unwritten extent as a hole).
 */
static void extents_unwritten_read_zero(struct htest *t)
{
	u64 size = PREALLOC_BLOCKS * 4096ull, covered = 0;
	struct xext ex[8];
	struct ext4_fs *fs;
	struct image img;
	size_t i;
	u8 *buf;
	int n;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, ximage_open(t, &img), 0);
	n = parse_extents(img.path, "/prealloc", ex, ARRAY_SIZE(ex));
	HT_ASSERT(t, n >= 1);
	HT_ASSERT_EQ(t, image_load(&img), 0);
	for (int e = 0; e < n; e++) {
		if (!ex[e].uninit) {
			HT_FAIL(t, "debugfs fallocate left extent %d initialised",
				e);
			continue;
		}
		HT_ASSERT(t, (ex[e].pstart + ex[e].len) * 4096 <= img.size);
		pattern_fill(img.mem + ex[e].pstart * 4096, ex[e].len * 4096,
			     0x57a1, 0);
		covered += ex[e].len;
	}
	HT_EXPECT_EQ(t, covered, PREALLOC_BLOCKS);
	fs = ext4_mount(&img.io, 64);
	HT_ASSERT(t, !IS_ERR(fs));
	buf = malloc(size + 4096);
	HT_ASSERT(t, buf != NULL);
	memset(buf, 0xAA, size + 4096);
	HT_EXPECT_EQ(t, read_path(fs, "/prealloc", 0, buf, size + 4096),
		     (ssize_t)size);
	for (i = 0; i < size && !buf[i]; i++)
		;
	HT_EXPECT_EQ(t, i, size);
	memset(buf, 0xAA, 5000);
	HT_EXPECT_EQ(t, read_path(fs, "/prealloc", 3 * 4096 + 7, buf, 5000),
		     5000);
	for (i = 0; i < 5000 && !buf[i]; i++)
		;
	HT_EXPECT_EQ(t, i, 5000);
	/* Written files beside it are unaffected. */
	expect_pattern_read(t, fs, "/pieces", PIECES_SIZE, PIECES_SEED, 0,
			    PIECES_SIZE);
	free(buf);
	ext4_unmount(fs);
	image_close(&img);
}

/*
 * /pieces4's second extent moved to start inside its first: overlapping
 * extents.  What the overlap covers is -EIO, counted as corrupt; the
 * other files are still served.
 */
static void corrupt_extent_overlap(struct htest *t)
{
	char src[256], dst[256], req[128];
	struct xext ex[8];
	struct ext4_fs *fs;
	struct image img;
	u8 buf[64], *whole;
	int n;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, ximage_open(t, &img), 0);
	image_close(&img);
	ximage_path(src, sizeof(src));
	n = parse_extents(src, "/pieces4", ex, ARRAY_SIZE(ex));
	HT_ASSERT(t, n >= 2 && ex[0].depth == 0 && ex[0].len >= 2);
	snprintf(dst, sizeof(dst), "%s/ximg-overlap", tmpdir);
	/*
	 * i_block: the 12-byte header, then 12-byte extents whose first
	 * word is ee_block: extent 1's is word 6.
	 */
	snprintf(req, sizeof(req), "sif /pieces4 block[6] %llu",
		 (unsigned long long)ex[0].lstart + 1);
	HT_ASSERT_EQ(t, sh("cp '%s' '%s' && debugfs -w -R '%s' '%s' >/dev/null 2>&1",
			   src, dst, req, dst), 0);
	n = parse_extents(dst, "/pieces4", ex, ARRAY_SIZE(ex));
	HT_ASSERT(t, n >= 2 && ex[1].lstart <= ex[0].lend);

	HT_ASSERT_EQ(t, image_open_path(&img, dst), 0);
	fs = ext4_mount(&img.io, 64);
	HT_ASSERT(t, !IS_ERR(fs));
	/* Past the first extent: the lookup meets the overlap. */
	HT_EXPECT_EQ(t, read_path(fs, "/pieces4", (ex[0].lend + 1) * 4096,
				  buf, sizeof(buf)), -EIO);
	whole = malloc(PIECES4_SIZE);
	HT_ASSERT(t, whole != NULL);
	HT_EXPECT_EQ(t, read_path(fs, "/pieces4", 0, whole, PIECES4_SIZE),
		     -EIO);
	free(whole);
	HT_EXPECT(t, fs->stats.corrupt > 0);
	expect_pattern_read(t, fs, "/pieces", PIECES_SIZE, PIECES_SEED, 0,
			    PIECES_SIZE);
	ext4_unmount(fs);
	image_close(&img);
}

/*
 * /fragmented on 1 KiB blocks has four leaves, indexed from the inode;
 * the second index entry's first block set to 0 (as the first's): an
 * index out of order is -EIO, counted, not a walk into the wrong leaf.
 */
static void corrupt_extent_index_order(struct htest *t)
{
	struct ext4_fs *fs;
	struct image img;
	u8 *buf;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, image_open(&img, V_1K), 0);
	image_close(&img);
	/* i_block words 3-5: index entry 0; word 6: entry 1's ei_block. */
	HT_ASSERT_EQ(t, image_open_modified(&img, V_1K,
					    "sif /fragmented block[6] 0"), 0);
	fs = ext4_mount(&img.io, 64);
	HT_ASSERT(t, !IS_ERR(fs));
	buf = malloc(8192);
	HT_ASSERT(t, buf != NULL);
	HT_EXPECT_EQ(t, read_path(fs, "/fragmented", 0, buf, 8192), -EIO);
	HT_EXPECT(t, fs->stats.corrupt > 0);
	HT_EXPECT_EQ(t, read_path(fs, "/one", 0, buf, 16), 1);
	free(buf);
	ext4_unmount(fs);
	image_close(&img);
}

static void corrupt_device_short(struct htest *t)
{
	struct image img;
	struct ext4_fs *fs;

	SKIP_UNLESS_READY(t);
	HT_ASSERT_EQ(t, image_open(&img, V_CSUM), 0);
	/* A device smaller than the file system claims. */
	img.io.size = img.size / 2;
	fs = ext4_mount(&img.io, 0);
	HT_EXPECT(t, IS_ERR(fs));
	HT_EXPECT_EQ(t, PTR_ERR(fs), -EINVAL);
	image_close(&img);
}

static const struct htest_case cases[] = {
	HT_CASE(csum4k_files), HT_CASE(csum4k_stat), HT_CASE(csum4k_paths),
	HT_CASE(csum4k_readdir),
	HT_CASE(nocsum4k_files), HT_CASE(nocsum4k_stat),
	HT_CASE(nocsum4k_paths), HT_CASE(nocsum4k_readdir),
	HT_CASE(csum1k_files), HT_CASE(csum1k_stat), HT_CASE(csum1k_paths),
	HT_CASE(csum1k_readdir),
	HT_CASE(blockmap_files), HT_CASE(blockmap_stat),
	HT_CASE(blockmap_paths), HT_CASE(blockmap_readdir),
	HT_CASE(images_fsck_clean),
	HT_CASE(features_csum_detected),
	HT_CASE(corrupt_superblock_magic),
	HT_CASE(corrupt_superblock_csum),
	HT_CASE(corrupt_unknown_incompat),
	HT_CASE(corrupt_extent_magic),
	HT_CASE(corrupt_extent_entries),
	HT_CASE(corrupt_extent_depth),
	HT_CASE(corrupt_inode_csum),
	HT_CASE(corrupt_dir_csum),
	HT_CASE(corrupt_dir_rec_len),
	HT_CASE(corrupt_device_short),
	HT_CASE(corrupt_dir_huge_size),
	HT_CASE(corrupt_dir_huge_size_1k),
	HT_CASE(corrupt_dir_huge_size_blockmap),
	HT_CASE(corrupt_dir_aliased_block),
	HT_CASE(extents_gaps),
	HT_CASE(extents_unwritten_read_zero),
	HT_CASE(corrupt_extent_overlap),
	HT_CASE(corrupt_extent_index_order),
	{}
};

HTEST_MAIN(cases)
