/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for lookups through the hash index of dir_index
 * directories (managers/storage/ext4_dx.c, ext4_dx_find()).  The
 * directories come from e2fsprogs: `mke2fs -d` puts the names in,
 * `e2fsck -fyD` builds the index (one level with 4 KiB blocks, an
 * interior level with 1 KiB blocks and 6000 names); or from our writer
 * (ext4_create() into an empty directory, which indexes and splits it),
 * checked with `e2fsck -fn` and `debugfs htree`.  The inode each name
 * must give comes from `debugfs ls -p`, never from the code under test.
 *
 * A lookup through the index reads the root, each interior node and one
 * leaf: the stats (dx_lookups, dir_blocks_read) must show one indexed
 * lookup and at most levels + 2 blocks, in directories of many more
 * blocks.  Two names with one hash (found by a birthday search with
 * ext4_dirhash()) are put across a leaf boundary by e2fsck (its index
 * then has the hash with bit 0 set, which `debugfs htree` shows): both
 * are found, the second by going on to the next leaf.  Damaged index
 * blocks (a dx_tail checksum, count > limit, a wrong limit, a block past
 * the directory's size, hashes out of order) make lookups fall back to
 * the linear walk: every name still found, the problem counted.
 *
 * Needs mke2fs, e2fsck and debugfs (e2fsprogs).
 */
/* HTEST-SOURCES: managers/storage/ext4.c managers/storage/bcache.c managers/storage/ext4_alloc.c managers/storage/ext4_extent.c managers/storage/ext4_dir.c managers/storage/ext4_dx.c managers/storage/ext4_hash.c managers/storage/ext4_write.c managers/storage/ext4_journal.c managers/storage/ext4_orphan.c lib/crc32.c lib/string.c tests/host/host_printk.c tests/host/host_kmalloc.c */
#include "htest.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "../../managers/storage/ext4.h"
#include "../../managers/storage/ext4_hash.h"
#include "../../managers/storage/ext4_write.h"
#include "../../managers/storage/internal.h"
#include "ext4_htest.h"

#define SEED	"5a1e7c3d-0b9f-4d62-8e15-3c7a9f2b6d40"

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
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ext4dx.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = 0;
		return false;
	}
	return true;
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

/* One line of debugfs output for @req, with @key, as a number. */
static long long debugfs_num(const char *path, const char *req,
			     const char *key)
{
	char cmd[512], line[512];
	long long v = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "debugfs -R '%s' '%s' 2>/dev/null", req,
		 path);
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

/*
 * The names of directory @dir as debugfs lists them (`ls -p`: lines
 * /ino/mode/uid/gid/name/size/): inos[i] for the name @prefix%05d...,
 * 0 for a number not listed.  How many names with @prefix it listed.
 */
static int debugfs_inos(const char *path, const char *dir, const char *prefix,
			u32 *inos, int nr)
{
	char cmd[512], line[1024];
	size_t plen = strlen(prefix);
	int n = 0;
	FILE *f;

	memset(inos, 0, nr * sizeof(*inos));
	snprintf(cmd, sizeof(cmd), "debugfs -R 'ls -p %s' '%s' 2>/dev/null",
		 dir, path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned int ino, mode, uid, gid;
		char name[300];
		int i;

		if (sscanf(line, "/%u/%o/%u/%u/%299[^/]/", &ino, &mode, &uid,
			   &gid, name) != 5 || strncmp(name, prefix, plen))
			continue;
		i = atoi(name + plen);
		if (i >= 0 && i < nr && !inos[i]) {
			inos[i] = ino;
			n++;
		}
	}
	pclose(f);
	return n;
}

/* Name @i of a directory of test names: "@prefix%05d" and a tail. */
static void dx_name(char *buf, size_t size, const char *prefix, int i)
{
	snprintf(buf, size, "%s%05d-%.*s", prefix, i, i % 17,
		 "abcdefghijklmnopq");
}

/*
 * An image of @bsize-byte blocks (@opts for mke2fs) whose directory
 * /d holds @nr empty files named by dx_name(), indexed by e2fsck -fyD.
 */
static bool make_indexed(struct htest *t, struct img *im, const char *file,
			 u32 bsize, const char *opts, int nr)
{
	char path[512], name[64];
	int i;

	if (!setup_dir())
		return false;
	if (sh("rm -rf %s/src && mkdir -p %s/src/d", tmpdir, tmpdir))
		return false;
	for (i = 0; i < nr; i++) {
		FILE *f;

		dx_name(name, sizeof(name), "n", i);
		snprintf(path, sizeof(path), "%s/src/d/%s", tmpdir, name);
		f = fopen(path, "w");
		if (!f)
			return false;
		fclose(f);
	}
	snprintf(im->path, sizeof(im->path), "%s/%s", tmpdir, file);
	if (sh("rm -f %s && truncate -s 64M %s && mke2fs -q -F -t ext4 -b %u -E hash_seed=" SEED " %s -d %s/src %s >/dev/null 2>&1 && e2fsck -fyD %s >/dev/null 2>&1; e2fsck -fn %s >/dev/null 2>&1",
	       im->path, im->path, bsize, opts, tmpdir, im->path, im->path,
	       im->path)) {
		HT_FAIL(t, "mke2fs/e2fsck of %s", im->path);
		return false;
	}
	return true;
}

struct lookups {
	int found, wrong, missing_ok;
	int slow;			/* read more than levels + 2 blocks */
	u64 dx;				/* stats.dx_lookups over the run */
	u64 most;			/* most blocks one lookup read */
};

/*
 * Look up names 0..@nr-1 (@prefix) of directory @dir and @nr_missing
 * names that are not there; inos[] says what each must give.
 */
static void look_all(struct img *im, u32 dir, const char *prefix,
		     const u32 *inos, int nr, int nr_missing, int levels,
		     struct lookups *r)
{
	struct ext4_inode_info d;
	char name[64];
	u64 dx0 = im->fs->stats.dx_lookups;
	int i;

	memset(r, 0, sizeof(*r));
	if (ext4_iget(im->fs, dir, &d))
		return;
	for (i = 0; i < nr + nr_missing; i++) {
		u64 b0 = im->fs->stats.dir_blocks_read, blocks;
		u32 ino = 0;
		int ret;

		if (i < nr)
			dx_name(name, sizeof(name), prefix, i);
		else
			snprintf(name, sizeof(name), "missing-%d", i);
		ret = ext4_lookup(im->fs, &d, name, strlen(name), &ino);
		blocks = im->fs->stats.dir_blocks_read - b0;
		if (blocks > r->most)
			r->most = blocks;
		if (blocks > (u64)levels + 2)
			r->slow++;
		if (i >= nr)
			r->missing_ok += ret == -ENOENT;
		else if (!ret && ino == inos[i])
			r->found++;
		else
			r->wrong++;
	}
	r->dx = im->fs->stats.dx_lookups - dx0;
}

static u32 dir_blocks(struct img *im, u32 dir)
{
	struct ext4_inode_info d;

	if (ext4_iget(im->fs, dir, &d))
		return 0;
	return d.size / im->fs->block_size;
}

/*
 * Every name of an e2fsck-indexed directory is found through the index,
 * reading at most levels + 2 blocks; missing names are -ENOENT the same
 * way; nothing is counted as corrupt.
 */
static void indexed_lookups(struct htest *t, u32 bsize, int nr, int levels)
{
	struct lookups r;
	struct img im;
	u32 *inos = calloc(nr, sizeof(*inos)), dir;

	HT_ASSERT(t, inos);
	HT_ASSERT(t, make_indexed(t, &im, "idx.img", bsize, "", nr));
	HT_ASSERT(t, debugfs_num(im.path, "stat /d", "Flags: ") &
		     EXT4_INDEX_FL);
	HT_ASSERT_EQ(t, debugfs_num(im.path, "htree /d", "Indirect levels: "),
		     levels);
	HT_ASSERT_EQ(t, debugfs_inos(im.path, "/d", "n", inos, nr), nr);
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_resolve(im.fs, "/d", 0, &dir), 0);
	/* The bound means something only for a directory of many blocks. */
	HT_EXPECT(t, dir_blocks(&im, dir) > 4 * (levels + 2));
	look_all(&im, dir, "n", inos, nr, 200, levels, &r);
	printf("# %u-byte blocks, %d names, %u blocks, %d levels: at most %llu blocks a lookup\n",
	       bsize, nr, dir_blocks(&im, dir), levels,
	       (unsigned long long)r.most);
	HT_EXPECT_EQ(t, r.found, nr);
	HT_EXPECT_EQ(t, r.wrong, 0);
	HT_EXPECT_EQ(t, r.missing_ok, 200);
	HT_EXPECT_EQ(t, r.dx, nr + 200);
	HT_EXPECT_EQ(t, r.slow, 0);
	HT_EXPECT_EQ(t, im.fs->stats.corrupt + im.fs->stats.csum_errors, 0);
	/* The resolver goes through ext4_lookup() too. */
	HT_EXPECT_EQ(t, ext4_resolve(im.fs, "/d/missing", 0, &dir), -ENOENT);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	free(inos);
}

static void test_lookup_4k(struct htest *t)
{
	indexed_lookups(t, 4096, 3000, 0);
}

static void test_lookup_1k_two_levels(struct htest *t)
{
	indexed_lookups(t, 1024, 6000, 1);
}

/* --- two names with one hash across a leaf boundary -------------------- */

struct hname {
	u32 hash, minor, i;
};

static int hname_cmp(const void *a, const void *b)
{
	const struct hname *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

#define NR_BIRTHDAY	(1u << 18)	/* ~16 pairs among 31-bit hashes */

static void coll_name(char *buf, size_t size, u32 i)
{
	snprintf(buf, size, "c%07u", i);
}

/*
 * e2fsck -fyD of /d with @nr_fill names hashed just below the pair
 * (@sorted[@at - nr_fill .. at - 1]) and the pair: true when its index
 * has the pair's hash with bit 0 set (the second one opens a leaf).
 */
static bool coll_image(struct img *im, const struct hname *sorted, u32 at,
		       u32 nr_fill)
{
	char path[512], name[64], hex[64];
	u32 i;

	if (sh("rm -rf %s/src && mkdir -p %s/src/d", tmpdir, tmpdir))
		return false;
	for (i = at - nr_fill; i < at + 2; i++) {
		FILE *f;

		coll_name(name, sizeof(name), sorted[i].i);
		snprintf(path, sizeof(path), "%s/src/d/%s", tmpdir, name);
		f = fopen(path, "w");
		if (!f)
			return false;
		fclose(f);
	}
	snprintf(im->path, sizeof(im->path), "%s/coll.img", tmpdir);
	if (sh("rm -f %s && truncate -s 8M %s && mke2fs -q -F -t ext4 -b 1024 -E hash_seed=" SEED " -d %s/src %s >/dev/null 2>&1 && e2fsck -fyD %s >/dev/null 2>&1; e2fsck -fn %s >/dev/null 2>&1",
	       im->path, im->path, tmpdir, im->path, im->path, im->path))
		return false;
	snprintf(hex, sizeof(hex), "Hash 0x%08x", sorted[at].hash | 1);
	snprintf(path, sizeof(path), "debugfs -R 'htree /d' %s 2>/dev/null | grep -q '%s'",
		 im->path, hex);
	return !sh("%s", path);
}

static void test_collision_across_leaves(struct htest *t)
{
	struct hname *h = calloc(NR_BIRTHDAY, sizeof(*h));
	u64 blocks[2], dx0;
	u32 i, at = 0, fill, inos[2], dir, ino;
	struct ext4_inode_info d;
	u32 seed[4];
	char name[2][32];
	struct img im;
	u8 version;

	HT_ASSERT(t, h && setup_dir());
	/* The seed and hash version mke2fs gives, as the mount reads them. */
	snprintf(im.path, sizeof(im.path), "%s/seed.img", tmpdir);
	HT_ASSERT_EQ(t, sh("rm -f %s && truncate -s 8M %s && mke2fs -q -F -t ext4 -b 1024 -E hash_seed=" SEED " %s >/dev/null 2>&1",
			   im.path, im.path, im.path), 0);
	HT_ASSERT(t, img_mount(&im));
	memcpy(seed, im.fs->hash_seed, sizeof(seed));
	version = im.fs->def_hash_version +
		  (im.fs->hash_unsigned ? EXT4_HASH_UNSIGNED_DELTA : 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);

	for (i = 0; i < NR_BIRTHDAY; i++) {
		struct ext4_dirhash dh;

		coll_name(name[0], sizeof(name[0]), i);
		HT_ASSERT_EQ(t, ext4_dirhash(name[0], strlen(name[0]), version,
					     seed, &dh), 0);
		h[i] = (struct hname){ dh.hash, dh.minor, i };
	}
	qsort(h, NR_BIRTHDAY, sizeof(*h), hname_cmp);
	/* A pair with room for fillers below it and none equal to it. */
	for (i = 300; i + 2 < NR_BIRTHDAY && !at; i++)
		if (h[i].hash == h[i + 1].hash && h[i - 1].hash != h[i].hash &&
		    h[i + 2].hash != h[i].hash)
			at = i;
	HT_ASSERT(t, at);
	coll_name(name[0], sizeof(name[0]), h[at].i);
	coll_name(name[1], sizeof(name[1]), h[at + 1].i);
	printf("# %s and %s: hash 0x%08x\n", name[0], name[1], h[at].hash);

	/* How many fillers put a leaf boundary between the two. */
	for (fill = 100; fill < 260; fill++)
		if (coll_image(&im, h, at, fill))
			break;
	HT_ASSERT(t, fill < 260);
	printf("# %u names below them: e2fsck splits them\n", fill);
	HT_ASSERT_EQ(t, debugfs_inos(im.path, "/d", name[0], &inos[0], 1), 1);
	HT_ASSERT_EQ(t, debugfs_inos(im.path, "/d", name[1], &inos[1], 1), 1);

	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_resolve(im.fs, "/d", 0, &dir), 0);
	HT_ASSERT_EQ(t, ext4_iget(im.fs, dir, &d), 0);
	dx0 = im.fs->stats.dx_lookups;
	for (i = 0; i < 2; i++) {
		u64 b0 = im.fs->stats.dir_blocks_read;

		ino = 0;
		HT_EXPECT_EQ(t, ext4_lookup(im.fs, &d, name[i],
					    strlen(name[i]), &ino), 0);
		HT_EXPECT_EQ(t, ino, inos[i]);
		blocks[i] = im.fs->stats.dir_blocks_read - b0;
	}
	HT_EXPECT_EQ(t, im.fs->stats.dx_lookups - dx0, 2);
	/* Root and leaf for the first; the second goes on to the next leaf. */
	HT_EXPECT_EQ(t, blocks[0] + blocks[1], 2 + 3);
	HT_EXPECT(t, blocks[0] <= 3 && blocks[1] <= 3);
	HT_EXPECT_EQ(t, im.fs->stats.corrupt + im.fs->stats.csum_errors, 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	free(h);
}

/* --- readdir in hash order ---------------------------------------------- */

/*
 * What a readdir of /d delivered: names dx_name() made with prefix "n"
 * (new[]: with "b", made while the listing went on), in order.
 */
struct dx_listing {
	u8 *seen, *seen_b;		/* times each name came */
	int nr, nr_b;
	int *order;			/* name indexes as they came */
	u64 *next;			/* each one's cookie of the next */
	int nr_order, max_order;
	u32 dots, dotdots, others, delivered, this_call, stop_every;
	u8 version;
	u32 seed[4];
	struct ext4_dirhash last;	/* of the last name (dots excluded) */
	bool have_last, out_of_order;
};

/* The index of @name if it is dx_name(@prefix, i) for some i < @nr. */
static int dx_name_index(const char *name, size_t len, const char *prefix,
			 int nr)
{
	size_t plen = strlen(prefix);
	char want[64];
	int i;

	if (len <= plen + 5 || memcmp(name, prefix, plen))
		return -1;
	i = atoi((const char *)name + plen);
	if (i < 0 || i >= nr)
		return -1;
	dx_name(want, sizeof(want), prefix, i);
	return strlen(want) == len && !memcmp(want, name, len) ? i : -1;
}

static int dx_list_fill(void *ctx, const char *name, size_t len, u32 ino,
			u8 type, u64 next)
{
	struct dx_listing *l = ctx;
	struct ext4_dirhash h;
	int i;

	if (l->stop_every && l->this_call == l->stop_every)
		return 1;
	l->this_call++;
	l->delivered++;
	if (len == 1 && name[0] == '.') {
		l->dots++;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		l->dotdots++;
		return 0;
	}
	/* The order must be ext4_dirhash()'s, computed here again. */
	if (ext4_dirhash(name, len, l->version, l->seed, &h) ||
	    (l->have_last && (h.hash < l->last.hash ||
			      (h.hash == l->last.hash &&
			       h.minor < l->last.minor))))
		l->out_of_order = true;
	l->last = h;
	l->have_last = true;
	if ((i = dx_name_index(name, len, "n", l->nr)) >= 0) {
		l->seen[i]++;
		if (l->nr_order < l->max_order) {
			l->order[l->nr_order] = i;
			l->next[l->nr_order++] = next;
		}
	} else if (l->seen_b &&
		   (i = dx_name_index(name, len, "b", l->nr_b)) >= 0) {
		l->seen_b[i]++;
	} else {
		l->others++;
	}
	return 0;
}

static bool dx_listing_init(struct dx_listing *l, struct img *im, int nr,
			    int nr_b)
{
	memset(l, 0, sizeof(*l));
	l->nr = nr;
	l->nr_b = nr_b;
	l->max_order = nr;
	l->seen = calloc(nr, 1);
	l->seen_b = nr_b ? calloc(nr_b, 1) : NULL;
	l->order = calloc(nr, sizeof(*l->order));
	l->next = calloc(nr, sizeof(*l->next));
	memcpy(l->seed, im->fs->hash_seed, sizeof(l->seed));
	l->version = im->fs->def_hash_version +
		     (im->fs->hash_unsigned ? EXT4_HASH_UNSIGNED_DELTA : 0);
	return l->seen && (!nr_b || l->seen_b) && l->order && l->next;
}

static void dx_listing_free(struct dx_listing *l)
{
	free(l->seen);
	free(l->seen_b);
	free(l->order);
	free(l->next);
}

/* One ext4_readdir() call of /d (@dir) from *cookie. */
static int dx_readdir_call(struct img *im, u32 dir, u64 *cookie,
			   struct dx_listing *l)
{
	struct ext4_inode_info d;

	if (ext4_iget(im->fs, dir, &d))
		return -EIO;
	l->this_call = 0;
	return ext4_readdir(im->fs, &d, cookie, dx_list_fill, l);
}

/* Calls from *cookie to the end; -1 if one fails or does not move. */
static int dx_readdir_rest(struct img *im, u32 dir, u64 *cookie,
			   struct dx_listing *l)
{
	int calls = 0, ret;

	for (;;) {
		u64 before = *cookie;

		ret = dx_readdir_call(im, dir, cookie, l);
		calls++;
		if (ret < 0 || calls > 100000)
			return -1;
		if (ret)
			return calls;
		if (*cookie <= before)
			return -1;
	}
}

static int count_once(const u8 *seen, int nr)
{
	int i, once = 0;

	for (i = 0; i < nr; i++)
		once += seen[i] == 1;
	return once;
}

/* --- listings ---------------------------------------------------------- */

/*
 * An e2fsck-indexed directory listed a few entries a call: every name
 * once, "." and ".." first, the names in the order of their hashes
 * (ext4_dirhash() here, not the cookies), the end EXT4_READDIR_EOF.  A
 * listing from the cookie of any entry goes on with the one after it.
 */
/* --- damaged index blocks ---------------------------------------------- */

/* The physical block of logical block @lblk of /d. */
static long long bmap(const char *path, u32 lblk)
{
	char cmd[256];
	long long v = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'bmap /d %u' '%s' 2>/dev/null",
		 lblk, path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	pclose(f);
	return v;
}

enum damage {
	DMG_ROOT_CSUM,		/* the root's dt_checksum */
	DMG_NODE_CSUM,		/* one interior node's dt_checksum */
	DMG_COUNT,		/* the root's count > limit */
	DMG_LIMIT,		/* the root's limit one short */
	DMG_BLOCK,		/* an interior entry's block past i_size */
	DMG_ORDER,		/* an interior hash below the one before */
};

/*
 * Copy @base to @copy and damage its /d index as @what says; the
 * offsets come from the on-disk format (root count/limit at 32, an
 * interior node's at 8, dx_tail after limit entries).
 */
static bool damage(struct htest *t, const char *base, struct img *im,
		   u32 bsize, enum damage what)
{
	u32 off, count_off = 32, lblk = 0, v;
	u8 blk[4096];
	long long pblk;
	int fd;

	snprintf(im->path, sizeof(im->path), "%s/damaged.img", tmpdir);
	if (sh("cp %s %s", base, im->path))
		return false;
	fd = open(im->path, O_RDWR);
	if (fd < 0)
		return false;
	pblk = bmap(im->path, 0);
	if (pblk <= 0 || pread(fd, blk, bsize, pblk * bsize) != bsize)
		goto fail;
	if (what == DMG_NODE_CSUM || what == DMG_BLOCK || what == DMG_ORDER) {
		/* The root's second entry leads to an interior node. */
		lblk = get_le32(blk + 32 + 8 + 4) & 0x0fffffff;
		pblk = bmap(im->path, lblk);
		count_off = 8;
		if (pblk <= 0 || pread(fd, blk, bsize, pblk * bsize) != bsize)
			goto fail;
	}
	switch (what) {
	case DMG_ROOT_CSUM:
	case DMG_NODE_CSUM:
		/* dt_checksum: after limit entries and dt_reserved. */
		off = count_off + get_le16(blk + count_off) * 8 + 4;
		blk[off] ^= 0x5a;
		break;
	case DMG_COUNT:
		put_le16(blk + count_off + 2, get_le16(blk + count_off) + 1);
		break;
	case DMG_LIMIT:
		put_le16(blk + count_off, get_le16(blk + count_off) - 1);
		break;
	case DMG_BLOCK:
		put_le32(blk + count_off + 8 * 2 + 4, 0x00fffff0);
		break;
	case DMG_ORDER:
		v = get_le32(blk + count_off + 8);
		put_le32(blk + count_off + 16, v ? v - 2 : 0);
		HT_EXPECT(t, v != 0);
		break;
	}
	printf("# damaged directory block %u (at %lld)\n", lblk, pblk);
	if (pwrite(fd, blk, bsize, pblk * bsize) != bsize)
		goto fail;
	close(fd);
	return true;
fail:
	close(fd);
	return false;
}

/*
 * /d of @base (@levels, @nr names) damaged by @what: every name is still
 * found (the walk), the problem is counted (csum_errors with @csum, else
 * corrupt); @all_fall_back when the root is bad (no lookup through the
 * index), else only the lookups under the bad interior node fall back.
 */
/*
 * A damaged index node: every readdir call walks the blocks (byte
 * cookies, the end is i_size), every name once.  A block that fails
 * its checksum is -EIO for the walk, as before the index existed.
 */
static void readdir_damaged(struct htest *t, struct img *im, u32 dir, int nr,
			    bool csum)
{
	struct ext4_inode_info d;
	struct dx_listing l;
	u64 cookie = 0;

	HT_ASSERT(t, dx_listing_init(&l, im, nr, 0));
	l.stop_every = 13;
	if (csum) {
		HT_EXPECT_EQ(t, dx_readdir_rest(im, dir, &cookie, &l), -1);
		dx_listing_free(&l);
		return;
	}
	HT_EXPECT(t, dx_readdir_rest(im, dir, &cookie, &l) > nr / 13);
	HT_ASSERT_EQ(t, ext4_iget(im->fs, dir, &d), 0);
	HT_EXPECT_EQ(t, cookie, d.size);
	HT_EXPECT_EQ(t, count_once(l.seen, nr), nr);
	HT_EXPECT_EQ(t, l.dots + l.dotdots, 2);
	HT_EXPECT_EQ(t, l.others, 0);
	dx_listing_free(&l);
}

static void damaged_lookups(struct htest *t, const char *base, u32 bsize,
			    int nr, int levels, enum damage what,
			    bool all_fall_back, bool csum)
{
	u32 *inos = calloc(nr, sizeof(*inos)), dir;
	struct lookups r;
	struct img im;
	u64 bad;

	HT_ASSERT(t, inos);
	HT_ASSERT_EQ(t, debugfs_inos(base, "/d", "n", inos, nr), nr);
	HT_ASSERT(t, damage(t, base, &im, bsize, what));
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_resolve(im.fs, "/d", 0, &dir), 0);
	look_all(&im, dir, "n", inos, nr, 0, levels, &r);
	bad = csum ? im.fs->stats.csum_errors : im.fs->stats.corrupt;
	printf("# %d names: %llu through the index, %llu problems counted\n",
	       nr, (unsigned long long)r.dx, (unsigned long long)bad);
	HT_EXPECT_EQ(t, r.found, nr);
	HT_EXPECT_EQ(t, r.wrong, 0);
	HT_EXPECT(t, bad > 0);
	if (all_fall_back)
		HT_EXPECT_EQ(t, r.dx, 0);
	else	/* the other interior node still serves its names */
		HT_EXPECT(t, r.dx > 0 && r.dx < (u64)nr);
	readdir_damaged(t, &im, dir, nr, csum);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	free(inos);
}

#define NR_DMG	6000			/* 1 KiB blocks: one interior level */

static char base_csum[160], base_plain[160];

/* The two undamaged images the damage cases copy. */
static void test_damage_bases(struct htest *t)
{
	struct img im;

	HT_ASSERT(t, make_indexed(t, &im, "base_csum.img", 1024, "", NR_DMG));
	snprintf(base_csum, sizeof(base_csum), "%s", im.path);
	HT_ASSERT(t, make_indexed(t, &im, "base_plain.img", 1024,
				  "-O ^metadata_csum", NR_DMG));
	snprintf(base_plain, sizeof(base_plain), "%s", im.path);
	HT_EXPECT_EQ(t, debugfs_num(base_csum, "htree /d",
				    "Indirect levels: "), 1);
	HT_EXPECT_EQ(t, debugfs_num(base_plain, "htree /d",
				    "Indirect levels: "), 1);
}

static void test_damage_root_csum(struct htest *t)
{
	HT_ASSERT(t, base_csum[0]);
	damaged_lookups(t, base_csum, 1024, NR_DMG, 1, DMG_ROOT_CSUM, true,
			true);
}

static void test_damage_node_csum(struct htest *t)
{
	HT_ASSERT(t, base_csum[0]);
	damaged_lookups(t, base_csum, 1024, NR_DMG, 1, DMG_NODE_CSUM, false,
			true);
}

static void test_damage_count(struct htest *t)
{
	HT_ASSERT(t, base_plain[0]);
	damaged_lookups(t, base_plain, 1024, NR_DMG, 1, DMG_COUNT, true,
			false);
}

static void test_damage_limit(struct htest *t)
{
	HT_ASSERT(t, base_plain[0]);
	damaged_lookups(t, base_plain, 1024, NR_DMG, 1, DMG_LIMIT, true,
			false);
}

static void test_damage_block(struct htest *t)
{
	HT_ASSERT(t, base_plain[0]);
	damaged_lookups(t, base_plain, 1024, NR_DMG, 1, DMG_BLOCK, false,
			false);
}

static void test_damage_order(struct htest *t)
{
	HT_ASSERT(t, base_plain[0]);
	damaged_lookups(t, base_plain, 1024, NR_DMG, 1, DMG_ORDER, false,
			false);
}

/* --- directories our writer grew ---------------------------------------- */

/*
 * A fresh 1 KiB-block image @file, mounted in @im, whose new directory
 * /d (*@dir) our writer filled with @nr names dx_name("n", i); their
 * inodes in @inos (NULL: not kept).  False (a failure reported) if any
 * step fails.
 */
static bool writer_dir(struct htest *t, struct img *im, const char *file,
		       int nr, u32 *dir, u32 *inos)
{
	char name[64];
	u32 ino;
	int i;

	if (!setup_dir())
		return false;
	snprintf(im->path, sizeof(im->path), "%s/%s", tmpdir, file);
	if (sh("rm -f %s && truncate -s 64M %s && mke2fs -q -F -t ext4 -b 1024 -E hash_seed=" SEED " %s >/dev/null 2>&1",
	       im->path, im->path, im->path) || !img_mount(im)) {
		HT_FAIL(t, "mke2fs or mount of %s", im->path);
		return false;
	}
	if (ext4_mkdir(im->fs, EXT4_ROOT_INO, "d", 1, 0755, 0, 0, dir)) {
		HT_FAIL(t, "mkdir /d");
		return false;
	}
	for (i = 0; i < nr; i++) {
		dx_name(name, sizeof(name), "n", i);
		if (ext4_create(im->fs, *dir, name, strlen(name), 0644, 0, 0,
				inos ? &inos[i] : &ino)) {
			HT_FAIL(t, "create %s", name);
			return false;
		}
	}
	return true;
}

#define NR_GROWN	4000
#define NR_GROWN_GONE	100

/*
 * 4000 names created by the writer in an empty directory (1 KiB blocks:
 * it is indexed, its leaves split and its root grows a level): found
 * through the index before and after a remount, the inodes debugfs
 * lists; unlink (the writer's own lookup) goes through the index too.
 */
static void test_writer_grown(struct htest *t)
{
	u32 *inos = calloc(NR_GROWN, sizeof(*inos));
	u32 dir, ino;
	struct lookups r;
	char name[64];
	struct img im;
	long long levels;
	u64 dx0;
	int i;

	HT_ASSERT(t, inos);
	HT_ASSERT(t, writer_dir(t, &im, "grown.img", NR_GROWN, &dir, inos));
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, sh("e2fsck -fn %s >/dev/null 2>&1", im.path), 0);
	HT_ASSERT(t, debugfs_num(im.path, "stat /d", "Flags: ") &
		     EXT4_INDEX_FL);
	levels = debugfs_num(im.path, "htree /d", "Indirect levels: ");
	HT_EXPECT_EQ(t, levels, 1);
	HT_ASSERT(t, levels >= 0);
	/* What the writer said each name is, debugfs must list. */
	{
		u32 *listed = calloc(NR_GROWN, sizeof(*listed));

		HT_ASSERT(t, listed);
		HT_EXPECT_EQ(t, debugfs_inos(im.path, "/d", "n", listed,
					     NR_GROWN), NR_GROWN);
		HT_EXPECT(t, !memcmp(listed, inos, NR_GROWN * sizeof(*inos)));
		free(listed);
	}

	HT_ASSERT(t, img_mount(&im));
	HT_EXPECT(t, dir_blocks(&im, dir) > 4 * (levels + 2));
	look_all(&im, dir, "n", inos, NR_GROWN, 100, levels, &r);
	HT_EXPECT_EQ(t, r.found, NR_GROWN);
	HT_EXPECT_EQ(t, r.missing_ok, 100);
	HT_EXPECT_EQ(t, r.dx, NR_GROWN + 100);
	HT_EXPECT_EQ(t, r.slow, 0);

	dx0 = im.fs->stats.dx_lookups;
	for (i = 0; i < NR_GROWN_GONE; i++) {
		dx_name(name, sizeof(name), "n", i * 37 % NR_GROWN);
		HT_EXPECT_EQ(t, ext4_unlink(im.fs, dir, name, strlen(name)), 0);
	}
	HT_EXPECT(t, im.fs->stats.dx_lookups - dx0 >= NR_GROWN_GONE);
	for (i = 0; i < NR_GROWN_GONE; i++) {
		struct ext4_inode_info d;

		dx_name(name, sizeof(name), "n", i * 37 % NR_GROWN);
		HT_ASSERT_EQ(t, ext4_iget(im.fs, dir, &d), 0);
		HT_EXPECT_EQ(t, ext4_lookup(im.fs, &d, name, strlen(name),
					    &ino), -ENOENT);
	}
	HT_EXPECT_EQ(t, im.fs->stats.corrupt + im.fs->stats.csum_errors, 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, sh("e2fsck -fn %s >/dev/null 2>&1", im.path), 0);
	free(inos);
}

static void readdir_hash_order(struct htest *t, u32 bsize, int nr,
			       int levels)
{
	struct dx_listing l, r;
	struct img im;
	u64 cookie = 0;
	int calls, k;
	u32 dir;

	HT_ASSERT(t, make_indexed(t, &im, "rd.img", bsize, "", nr));
	HT_ASSERT_EQ(t, debugfs_num(im.path, "htree /d", "Indirect levels: "),
		     levels);
	HT_ASSERT(t, img_mount(&im));
	HT_ASSERT_EQ(t, ext4_resolve(im.fs, "/d", 0, &dir), 0);
	HT_ASSERT(t, dx_listing_init(&l, &im, nr, 0));
	l.stop_every = 7;
	calls = dx_readdir_rest(&im, dir, &cookie, &l);
	HT_EXPECT(t, calls > nr / 7);
	HT_EXPECT_EQ(t, cookie, EXT4_READDIR_EOF);
	HT_EXPECT_EQ(t, count_once(l.seen, nr), nr);
	HT_EXPECT_EQ(t, l.dots, 1);
	HT_EXPECT_EQ(t, l.dotdots, 1);
	HT_EXPECT_EQ(t, l.others, 0);
	HT_EXPECT(t, !l.out_of_order);
	HT_EXPECT_EQ(t, l.nr_order, nr);

	/* seekdir: from entry k's d_off on come entries k+1, k+2, ... */
	for (k = 0; k < nr - 1; k += nr / 5) {
		int i, same = 0;

		HT_ASSERT(t, dx_listing_init(&r, &im, nr, 0));
		cookie = l.next[k];
		HT_EXPECT(t, dx_readdir_rest(&im, dir, &cookie, &r) > 0);
		for (i = 0; i < r.nr_order && k + 1 + i < l.nr_order; i++)
			same += r.order[i] == l.order[k + 1 + i];
		HT_EXPECT_EQ(t, r.nr_order, nr - 1 - k);
		HT_EXPECT_EQ(t, same, nr - 1 - k);
		HT_EXPECT_EQ(t, r.dots + r.dotdots, 0);
		dx_listing_free(&r);
	}
	HT_EXPECT_EQ(t, im.fs->stats.corrupt + im.fs->stats.csum_errors, 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	dx_listing_free(&l);
}

static void test_readdir_4k(struct htest *t)
{
	readdir_hash_order(t, 4096, 3000, 0);
}

static void test_readdir_1k_two_levels(struct htest *t)
{
	readdir_hash_order(t, 1024, 6000, 1);
}

#define NR_RD_OLD	400
#define NR_RD_NEW	3000

/*
 * Names added while a listing goes on split leaves (and grow the root a
 * level): each name there before the listing comes exactly once, each
 * new one at most once (POSIX leaves it open).  With byte-offset
 * cookies, an entry a split moves to a later block would come twice.
 */
static void test_readdir_while_growing(struct htest *t)
{
	u32 dir, ino;
	struct dx_listing l;
	char name[64];
	struct img im;
	u64 cookie = 0;
	int i, calls = 0, ret = 0, made = 0;

	HT_ASSERT(t, writer_dir(t, &im, "rdgrow.img", NR_RD_OLD, &dir, NULL));
	HT_ASSERT(t, dx_listing_init(&l, &im, NR_RD_OLD, NR_RD_NEW));
	l.stop_every = 40;
	/* 300 new names between two calls, until all are made. */
	while (!ret && calls < 10000) {
		ret = dx_readdir_call(&im, dir, &cookie, &l);
		calls++;
		for (i = 0; i < 300 && made < NR_RD_NEW; i++, made++) {
			dx_name(name, sizeof(name), "b", made);
			HT_ASSERT_EQ(t, ext4_create(im.fs, dir, name,
						    strlen(name), 0644, 0, 0,
						    &ino), 0);
		}
	}
	printf("# %d calls; %d of %d new names made during the listing, %u listed\n",
	       calls, made, NR_RD_NEW, l.delivered);
	HT_EXPECT_EQ(t, ret, 1);
	HT_EXPECT(t, made >= NR_RD_NEW / 2);
	HT_EXPECT_EQ(t, count_once(l.seen, NR_RD_OLD), NR_RD_OLD);
	for (i = 0; i < NR_RD_NEW; i++)
		if (l.seen_b[i] > 1)
			HT_FAIL(t, "new name %d listed %u times", i,
				l.seen_b[i]);
	HT_EXPECT_EQ(t, l.dots, 1);
	HT_EXPECT_EQ(t, l.dotdots, 1);
	HT_EXPECT_EQ(t, l.others, 0);
	HT_EXPECT(t, !l.out_of_order);
	HT_EXPECT_EQ(t, im.fs->stats.corrupt + im.fs->stats.csum_errors, 0);
	HT_EXPECT_EQ(t, img_unmount(&im), 0);
	HT_EXPECT_EQ(t, sh("e2fsck -fn %s >/dev/null 2>&1", im.path), 0);
	HT_EXPECT(t, debugfs_num(im.path, "htree /d", "Indirect levels: ") >= 0);
	dx_listing_free(&l);
}

static void test_cleanup(struct htest *t)
{
	if (getenv("EXT4DX_KEEP"))
		printf("# images kept in %s\n", tmpdir);
	else if (tmpdir[0])
		HT_EXPECT_EQ(t, sh("rm -rf '%s'", tmpdir), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_lookup_4k),
	HT_CASE(test_lookup_1k_two_levels),
	HT_CASE(test_collision_across_leaves),
	HT_CASE(test_damage_bases),
	HT_CASE(test_damage_root_csum),
	HT_CASE(test_damage_node_csum),
	HT_CASE(test_damage_count),
	HT_CASE(test_damage_limit),
	HT_CASE(test_damage_block),
	HT_CASE(test_damage_order),
	HT_CASE(test_writer_grown),
	HT_CASE(test_readdir_4k),
	HT_CASE(test_readdir_1k_two_levels),
	HT_CASE(test_readdir_while_growing),
	HT_CASE(test_cleanup),
	{}
};

HTEST_MAIN(cases)
