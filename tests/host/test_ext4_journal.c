/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for the storage manager's ext4 journal (managers/storage/
 * ext4_journal.c) on images made by mke2fs(8) as Debian 12 makes them.
 *
 * Power cuts: a workload (create, write, fsync, unlink, rename, mkdir)
 * runs over a device that stops after N writes and silently drops every
 * later one; the in-memory state is then dropped (no sync, no unmount
 * work).  For many N spread over the whole run:
 *  (a) `e2fsck -fy` on a copy only replays the journal (no "? yes" in
 *      its output), then `e2fsck -fn` is clean, and every file fsynced
 *      before the cut is intact byte for byte (read by debugfs);
 *  (b) our own mount replays the journal, after which e2fsck -fn is
 *      clean and the same files are intact.
 * The expected bytes come from the test's own model (a pattern by hash
 * of seed and offset), never from the code under test.
 *
 * Also: a journal superblock we cannot trust leaves the file system
 * read-only; a journal written by e2fsprogs (debugfs journal_write, with
 * a revoke) is replayed as e2fsck replays it.  Needs mke2fs, debugfs and e2fsck (e2fsprogs).
 */
/* HTEST-SOURCES: managers/storage/ext4.c managers/storage/bcache.c managers/storage/ext4_alloc.c managers/storage/ext4_extent.c managers/storage/ext4_dir.c managers/storage/ext4_dx.c managers/storage/ext4_hash.c managers/storage/ext4_write.c managers/storage/ext4_journal.c managers/storage/ext4_orphan.c lib/crc32.c lib/string.c tests/host/host_printk.c tests/host/host_kmalloc.c */
#include "htest.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "../../managers/storage/ext4.h"
#include "../../managers/storage/ext4_write.h"
#include "ext4_htest.h"

static char tmpdir[64];

/* An image file behind a storage_io that can lose power. */
struct img {
	char path[160];
	int fd;
	struct storage_io io;
	struct ext4_fs *fs;
	long budget;			/* writes left; < 0: unlimited */
	long writes;			/* writes applied */
	bool cut;			/* a write was dropped */
};

static int img_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct img *im = ctx;

	return pread(im->fd, buf, len, off) == (ssize_t)len ? 0 : -EIO;
}

static int img_write(void *ctx, u64 off, const void *buf, size_t len)
{
	struct img *im = ctx;

	if (im->budget >= 0 && im->writes >= im->budget) {
		im->cut = true;		/* the power is gone: lost */
		return 0;
	}
	im->writes++;
	return pwrite(im->fd, buf, len, off) == (ssize_t)len ? 0 : -EIO;
}

static int img_flush(void *ctx)
{
	return 0;	/* the image file outlives the "crash" */
}

static bool setup_dir(void)
{
	if (tmpdir[0])
		return true;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ext4j.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = 0;
		return false;
	}
	return true;
}

static bool img_mount(struct img *im, long budget)
{
	struct stat st;

	im->budget = budget;
	im->writes = 0;
	im->cut = false;
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
	im->fs->now.sec = 1700000000;
	return true;
}

/* Power cut: forget the in-memory state, write nothing. */
static void img_drop(struct img *im)
{
	ext4_unmount(im->fs);
	im->fs = NULL;
	close(im->fd);
}

/* --- the workload and its model --------------------------------------- */

#define NR_FILES	24

enum fstate { F_NONE, F_DURABLE, F_GONE, F_MAYBE };

struct mfile {
	enum fstate state;		/* as of the last completed fsync */
	enum fstate pending;		/* since then */
	u32 seed;
	u32 size;
	char path[32];
};

static struct mfile model[NR_FILES];

static u32 file_size(int i)
{
	static const u32 sizes[] = { 0, 1, 1000, 1024, 4095, 4096, 5000,
				     12288, 20000, 70000 };

	return sizes[i % ARRAY_SIZE(sizes)] + (i / 10) * 333;
}

/* After a sync that completed before the cut, pending becomes state. */
static void model_sync(struct img *im)
{
	int i;

	if (im->cut)
		return;
	for (i = 0; i < NR_FILES; i++)
		if (model[i].pending != F_MAYBE)
			model[i].state = model[i].pending;
}

/*
 * The workload: files in / and in /d, each written and fsynced; every
 * fourth an older file is unlinked, every fifth one renamed (both
 * fsynced too).  Errors after the cut do not matter: writes are lost
 * silently, so the code keeps going.
 */
static void workload(struct img *im, u8 *buf)
{
	struct ext4_fs *fs = im->fs;
	u32 dir = EXT4_ROOT_INO, d = 0, ino;
	int i;

	memset(model, 0, sizeof(model));
	if (!ext4_mkdir(fs, dir, "d", 1, 0755, 0, 0, &d))
		ext4_sync(fs);
	for (i = 0; i < NR_FILES; i++) {
		struct mfile *m = &model[i];
		u32 parent = (i & 1) && d ? d : dir;
		char name[16];

		snprintf(name, sizeof(name), "f%02d", i);
		snprintf(m->path, sizeof(m->path), "%s/%s",
			 parent == dir ? "" : "/d", name);
		m->seed = 1000 + i;
		m->size = file_size(i);
		m->pending = F_MAYBE;
		if (ext4_create(fs, parent, name, strlen(name), 0644, 0, 0,
				&ino))
			continue;
		fill(buf, m->seed, 0, m->size);
		if (m->size)
			ext4_write(fs, ino, 0, buf, m->size);
		ext4_sync(fs);
		m->pending = F_DURABLE;
		model_sync(im);
		if (i % 4 == 3) {
			struct mfile *o = &model[i - 2];
			const char *slash = strrchr(o->path, '/') + 1;

			o->pending = F_MAYBE;
			ext4_unlink(fs, o->path[1] == 'd' ? d : dir, slash,
				    strlen(slash));
			ext4_sync(fs);
			o->pending = F_GONE;
			model_sync(im);
		}
		if (i % 5 == 4 && d) {
			struct mfile *o = &model[i - 1];
			const char *slash = strrchr(o->path, '/') + 1;
			char nn[16];

			if (o->state != F_DURABLE)
				continue;
			snprintf(nn, sizeof(nn), "r%02d", i - 1);
			o->pending = F_MAYBE;
			if (ext4_rename(fs, o->path[1] == 'd' ? d : dir, slash,
					strlen(slash), d, nn, strlen(nn), 0))
				continue;
			ext4_sync(fs);
			if (im->cut) {
				o->state = F_MAYBE;	/* either name */
				continue;
			}
			snprintf(o->path, sizeof(o->path), "/d/%s", nn);
			o->pending = F_DURABLE;
			model_sync(im);
		}
	}
	/* What changed after the cut may or may not be on disk. */
	for (i = 0; im->cut && i < NR_FILES; i++)
		if (model[i].pending != model[i].state)
			model[i].state = F_MAYBE;
}

/* Dump every durable file with one debugfs run; compare each byte. */
static int check_files(struct htest *t, const char *image, u8 *buf,
		       long cut)
{
	char cmds[200], out[200];
	FILE *f;
	int i, bad = 0;

	snprintf(cmds, sizeof(cmds), "%s/cmds", tmpdir);
	sh("rm -rf '%s/out' && mkdir '%s/out'", tmpdir, tmpdir);
	f = fopen(cmds, "w");
	if (!f)
		return 1;
	for (i = 0; i < NR_FILES; i++)
		if (model[i].state == F_DURABLE)
			fprintf(f, "dump %s %s/out/%d\n", model[i].path, tmpdir,
				i);
	fclose(f);
	sh("debugfs -f '%s' '%s' >/dev/null 2>&1", cmds, image);
	for (i = 0; i < NR_FILES; i++) {
		struct stat st;
		u8 *got;
		int fd;

		if (model[i].state != F_DURABLE)
			continue;
		snprintf(out, sizeof(out), "%s/out/%d", tmpdir, i);
		fd = open(out, O_RDONLY);
		if (fd < 0 || fstat(fd, &st) || st.st_size != model[i].size) {
			HT_FAIL(t, "cut %ld: %s missing or wrong size", cut,
				model[i].path);
			bad++;
			if (fd >= 0)
				close(fd);
			continue;
		}
		got = malloc(model[i].size + 1);
		fill(buf, model[i].seed, 0, model[i].size);
		if (!got || read(fd, got, model[i].size) !=
			    (ssize_t)model[i].size ||
		    memcmp(got, buf, model[i].size)) {
			HT_FAIL(t, "cut %ld: %s content differs", cut,
				model[i].path);
			bad++;
		}
		free(got);
		close(fd);
	}
	return bad;
}

static int count_durable(void)
{
	int i, n = 0;

	for (i = 0; i < NR_FILES; i++)
		n += model[i].state == F_DURABLE;
	return n;
}

static void powercut(struct htest *t, const char *opts, int nr_cuts)
{
	char base[160], copy[160];
	u8 *buf = malloc(1 << 20);
	struct img im;
	long total, cut;
	int k, durable_seen = 0;

	HT_ASSERT(t, buf && setup_dir());
	snprintf(base, sizeof(base), "%s/base.img", tmpdir);
	snprintf(copy, sizeof(copy), "%s/copy.img", tmpdir);
	HT_ASSERT_EQ(t, sh("rm -f '%s' && truncate -s 32M '%s' && mke2fs -q -F -t ext4 %s '%s' >/dev/null 2>&1",
			   base, base, opts, base), 0);

	/* The whole run without a cut: how many writes it makes. */
	snprintf(im.path, sizeof(im.path), "%s/run.img", tmpdir);
	HT_ASSERT_EQ(t, sh("cp '%s' '%s'", base, im.path), 0);
	HT_ASSERT(t, img_mount(&im, -1));
	HT_ASSERT(t, im.fs->writable);
	workload(&im, buf);
	total = im.writes;
	img_drop(&im);
	HT_EXPECT_EQ(t, count_durable(), NR_FILES - NR_FILES / 4);
	HT_EXPECT_EQ(t, sh("e2fsck -fn '%s' >/dev/null 2>&1", im.path), 0);
	HT_EXPECT_EQ(t, check_files(t, im.path, buf, -1), 0);
	printf("# %s: %ld writes in the uncut run; %d cuts\n", opts, total,
	       nr_cuts);

	for (k = 0; k < nr_cuts; k++) {
		cut = 1 + (long)((u64)(total - 1) * k / nr_cuts) + (k * 7) % 5;
		HT_ASSERT_EQ(t, sh("cp '%s' '%s'", base, im.path), 0);
		HT_ASSERT(t, img_mount(&im, cut));
		workload(&im, buf);
		img_drop(&im);
		durable_seen += count_durable();

		/* (a) e2fsck -fy only replays the journal. */
		HT_ASSERT_EQ(t, sh("cp '%s' '%s'", im.path, copy), 0);
		if (sh("e2fsck -fy '%s' > '%s.fsck' 2>&1; test $? -le 1 && ! grep -q '? yes' '%s.fsck'",
		       copy, copy, copy)) {
			HT_FAIL(t, "cut %ld: e2fsck -fy repaired more than the journal",
				cut);
			sh("head -30 '%s.fsck' | sed 's/^/# /'", copy);
		}
		if (sh("e2fsck -fn '%s' >/dev/null 2>&1", copy))
			HT_FAIL(t, "cut %ld: e2fsck -fn unclean after -fy", cut);
		check_files(t, copy, buf, cut);

		/* (b) our mount replays it. */
		HT_ASSERT(t, img_mount(&im, -1));
		img_drop(&im);
		if (sh("e2fsck -fn '%s' > '%s.fsck' 2>&1", im.path, im.path)) {
			HT_FAIL(t, "cut %ld: e2fsck -fn unclean after our replay",
				cut);
			sh("head -30 '%s.fsck' | sed 's/^/# /'", im.path);
		}
		check_files(t, im.path, buf, cut);
	}
	/* The cuts were spread: some saw durable files, not all saw all. */
	HT_EXPECT(t, durable_seen > 0);
	HT_EXPECT(t, durable_seen < nr_cuts * (NR_FILES - NR_FILES / 4));
	free(buf);
}

static void test_powercut_1k(struct htest *t)
{
	powercut(t, "", 40);
}

static void test_powercut_4k(struct htest *t)
{
	powercut(t, "-b 4096", 25);
}

/* A journal superblock with a bad checksum: mounted, but read-only. */
static void test_untrusted_journal(struct htest *t)
{
	u8 *buf = malloc(1 << 20);
	struct img im;
	u32 ino;

	HT_ASSERT(t, buf && setup_dir());
	snprintf(im.path, sizeof(im.path), "%s/bad.img", tmpdir);
	HT_ASSERT_EQ(t, sh("rm -f '%s' && truncate -s 16M '%s' && mke2fs -q -F -t ext4 '%s' >/dev/null 2>&1",
			   im.path, im.path, im.path), 0);
	/* Ours sets csum v3 on the journal at a writable mount. */
	HT_ASSERT(t, img_mount(&im, -1));
	HT_ASSERT(t, im.fs->writable);
	HT_ASSERT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "a", 1, 0644, 0, 0,
				    &ino), 0);
	HT_ASSERT_EQ(t, ext4_sync(im.fs), 0);
	img_drop(&im);
	HT_EXPECT_EQ(t, sh("dumpe2fs -h '%s' 2>/dev/null | grep -q 'Journal checksum type:.*crc32c'",
			   im.path), 0);
	HT_EXPECT_EQ(t, sh("e2fsck -fn '%s' >/dev/null 2>&1", im.path), 0);
	/* Flip a byte of the journal superblock's uuid (journal block 0). */
	HT_ASSERT_EQ(t, sh("b=$(debugfs -R 'bmap <8> 0' '%s' 2>/dev/null) && printf '\\377' | dd of='%s' bs=1 seek=$((b * 1024 + 0x30)) conv=notrunc status=none",
			   im.path, im.path), 0);
	HT_ASSERT(t, img_mount(&im, -1));
	HT_EXPECT(t, !im.fs->writable);
	HT_EXPECT(t, im.fs->journal_bad);
	HT_EXPECT_EQ(t, ext4_create(im.fs, EXT4_ROOT_INO, "b", 1, 0644, 0, 0,
				    &ino), -EROFS);
	img_drop(&im);
	free(buf);
}

/* Block @blk (1 KiB blocks) of image @path into @buf. */
static bool read_blk(const char *path, u64 blk, u8 *buf)
{
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && pread(fd, buf, 1024, blk * 1024) == 1024;

	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * A journal written by e2fsprogs (debugfs journal_write), not by us:
 * transaction 1 logs blocks 3000 and 3001, transaction 2 revokes 3000,
 * transaction 3 logs 3002.  Our replay must give 3000 untouched (zero),
 * 3001 and 3002 the logged bytes, as e2fsck's own replay does.
 */
static void test_replay_e2fsprogs_journal(struct htest *t)
{
	u8 data[3072], got[1024], fsck_got[1024], zero[1024] = { 0 };
	char path[160], copy[160], bin[160], cmds[160];
	struct img im;
	FILE *f;
	int i;

	HT_ASSERT(t, setup_dir());
	snprintf(path, sizeof(path), "%s/dj.img", tmpdir);
	snprintf(copy, sizeof(copy), "%s/dj-fsck.img", tmpdir);
	snprintf(bin, sizeof(bin), "%s/dj.bin", tmpdir);
	snprintf(cmds, sizeof(cmds), "%s/dj.cmds", tmpdir);
	fill(data, 77, 0, sizeof(data));
	f = fopen(bin, "w");
	HT_ASSERT(t, f && fwrite(data, 1, sizeof(data), f) == sizeof(data));
	fclose(f);
	f = fopen(cmds, "w");
	HT_ASSERT(t, f);
	fprintf(f, "jo -c\njw -b 3000,3001 %s\njc\njo\njw -r 3000\njc\n", bin);
	fclose(f);
	/* The third transaction logs the file's first block at 3002. */
	HT_ASSERT_EQ(t, sh("rm -f '%s' && truncate -s 16M '%s' && mke2fs -q -F -t ext4 '%s' >/dev/null 2>&1 && debugfs -w -f '%s' '%s' >/dev/null 2>&1 && printf 'jo\njw -b 3002 %s\njc\n' > '%s' && debugfs -w -f '%s' '%s' >/dev/null 2>&1",
			   path, path, path, cmds, path, bin, cmds, cmds, path), 0);
	HT_ASSERT_EQ(t, sh("debugfs -R logdump '%s' 2>/dev/null | grep -c 'commit block' | grep -qx 3",
			   path), 0);
	HT_ASSERT_EQ(t, sh("cp '%s' '%s' && e2fsck -fy '%s' >/dev/null 2>&1; test $? -le 1",
			   path, copy, copy), 0);

	snprintf(im.path, sizeof(im.path), "%s", path);
	HT_ASSERT(t, img_mount(&im, -1));
	HT_EXPECT(t, im.fs->writable);
	img_drop(&im);
	HT_EXPECT_EQ(t, sh("e2fsck -fn '%s' >/dev/null 2>&1", path), 0);
	for (i = 0; i < 3; i++) {
		const u8 *want = i == 0 ? zero : data + (i == 1 ? 1024 : 0);

		HT_ASSERT(t, read_blk(path, 3000 + i, got));
		HT_ASSERT(t, read_blk(copy, 3000 + i, fsck_got));
		HT_EXPECT(t, !memcmp(got, want, 1024));
		HT_EXPECT(t, !memcmp(got, fsck_got, 1024));
	}
}

static void test_cleanup(struct htest *t)
{
	if (getenv("EXT4J_KEEP"))
		printf("# images kept in %s\n", tmpdir);
	else if (tmpdir[0])
		HT_EXPECT_EQ(t, sh("rm -rf '%s'", tmpdir), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_powercut_1k),
	HT_CASE(test_powercut_4k),
	HT_CASE(test_untrusted_journal),
	HT_CASE(test_replay_e2fsprogs_journal),
	HT_CASE(test_cleanup),
	{}
};

HTEST_MAIN(cases)
