// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the storage node's ext4 code (managers/storage/):
 * the input is a disk image.  It is mounted (a writable copy); the tree
 * is walked from the root (readdir, iget, reads at the start and end of
 * every file, readlink), a few paths are resolved, and then the writer
 * works on it: create, write (two extents and a hole), truncate, mkdir,
 * symlink, rename, unlink, rmdir, sync.  Any result is fine as long as
 * nothing crashes, no sanitizer fires, no call overruns its buffer and
 * bytes a read returns are no more than were asked for.
 */
/* FUZZ-HTEST: test_ext4 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "../../managers/storage/ext4_write.h"
#include "ext4img.h"

#define WALK_MAX	64	/* inodes visited per image */
#define DEPTH_MAX	4

struct walk {
	struct ext4_fs *fs;
	unsigned int visited;
	u32 inos[16];
	unsigned int nr;
};

static u8 buf[8192];

static int collect(void *ctx, const char *name, size_t len, u32 ino,
		   u8 type, u64 next)
{
	struct walk *w = ctx;

	FUZZ_ASSERT(len <= 255);
	(void)*(volatile const char *)(name + len - !!len);
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (w->nr == ARRAY_SIZE(w->inos))
		return 1;
	w->inos[w->nr++] = ino;
	return 0;
}

static void walk_dir(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		     int depth, unsigned int *visited)
{
	struct walk w = { .fs = fs };
	u64 cookie = 0;
	unsigned int rounds = 0;
	int ret = 0;

	while (!ret && rounds++ < 8) {
		w.nr = 0;
		ret = ext4_readdir(fs, dir, &cookie, collect, &w);
		if (ret < 0)
			break;
		for (unsigned int i = 0; i < w.nr; i++) {
			struct ext4_inode_info in;
			ssize_t n;

			if (++*visited > WALK_MAX)
				return;
			if (ext4_iget(fs, w.inos[i], &in))
				continue;
			if (ext4_is_reg(&in)) {
				n = ext4_read(fs, &in, 0, buf, sizeof(buf));
				FUZZ_ASSERT(n <= (ssize_t)sizeof(buf));
				if (in.size > 100) {
					n = ext4_read(fs, &in, in.size - 100,
						      buf, sizeof(buf));
					FUZZ_ASSERT(n <= 100);
				}
			} else if (ext4_is_symlink(&in)) {
				n = ext4_readlink(fs, &in, (char *)buf, 64);
				FUZZ_ASSERT(n < 64 || n < 0 ||
					    n == -ENAMETOOLONG);
			} else if (ext4_is_dir(&in) && depth < DEPTH_MAX) {
				walk_dir(fs, &in, depth + 1, visited);
			}
		}
	}
}

static void write_ops(struct ext4_fs *fs)
{
	static const char *const paths[] = {
		"/hello", "sub/numbers", "/sub/link", "/sub/../sub/deeper/sparse",
		"/lost+found", "/nonexistent/x",
	};
	u32 ino, dir, sub;

	for (unsigned int i = 0; i < ARRAY_SIZE(paths); i++)
		ext4_resolve(fs, paths[i], 0, &ino);
	if (ext4_create(fs, EXT4_ROOT_INO, "fz", 2, 0644, 0, 0, &ino))
		return;
	memset(buf, 0x5a, sizeof(buf));
	ext4_write(fs, ino, 0, buf, 5000);
	ext4_write(fs, ino, 70000, buf, 3000);
	ext4_truncate(fs, ino, 4096);
	if (!ext4_mkdir(fs, EXT4_ROOT_INO, "fd", 2, 0755, 0, 0, &dir)) {
		ext4_symlink(fs, dir, "l", 1, "../fz", 5, 0, 0, &sub);
		ext4_rename(fs, EXT4_ROOT_INO, "fz", 2, dir, "g", 1, 0);
		ext4_link(fs, ino, EXT4_ROOT_INO, "fz2", 3);
		ext4_unlink(fs, dir, "g", 1);
		ext4_unlink(fs, dir, "l", 1);
		ext4_rmdir(fs, EXT4_ROOT_INO, "fd", 2);
	}
	if (!ext4_resolve(fs, "/sub", 0, &sub))
		ext4_rename(fs, EXT4_ROOT_INO, "fz2", 3, sub, "moved", 5, 0);
	ext4_sync(fs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ext4_inode_info root;
	unsigned int visited = 0;
	struct ext4_fs *fs;
	struct memimg m;

	if (!memimg_open(&m, data, size))
		return 0;
	fs = ext4_mount(&m.io, 16);
	if (!IS_ERR(fs)) {
		fs->now.sec = 1700000000;
		if (!ext4_iget(fs, EXT4_ROOT_INO, &root) && ext4_is_dir(&root))
			walk_dir(fs, &root, 0, &visited);
		write_ops(fs);
		ext4_unmount(fs);
	}
	free(m.data);
	return 0;
}

/* --- seeds: images made by mke2fs ------------------------------------- */

static void emit_fs(fuzz_emit_fn emit, const char *name, const char *size,
		    const char *opts)
{
	size_t len;
	u8 *img = memimg_mkfs(size, opts, &len);

	if (!img) {
		fprintf(stderr, "mke2fs %s failed\n", opts);
		exit(1);
	}
	emit(name, img, len);
	free(img);
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	emit_fs(emit, "1k-csum", "192K", "-b 1024 -N 32");
	emit_fs(emit, "1k-nocsum", "192K", "-b 1024 -N 32 -O ^metadata_csum");
	emit_fs(emit, "2k-small-inodes", "256K",
		"-b 2048 -N 32 -I 128 -O ^metadata_csum");
}
