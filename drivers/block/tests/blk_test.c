/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "blk": the block layer and virtio-blk against a scratch
 * disk.  Only a disk whose first sector starts with BLK_SCRATCH_MAGIC
 * is ever written (tests/cluster/test_storage.py makes one); without
 * one every case is skipped, so the suite is harmless on a node whose
 * disk holds a real file system.
 *
 * The last case leaves a pattern in BLK_HOST_SECTOR.. that the host
 * checks in the image file after the VM exits: proof the writes reached
 * the disk, independent of this kernel's read path.
 */
#include <tessera/blkdev.h>
#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/kthread.h>
#include <tessera/ktest.h>
#include <tessera/pattern.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#define BLK_SCRATCH_MAGIC	"TESSERA-SCRATCH\n"
#define BLK_TEST_SECTOR		8
#define BLK_TEST_SECTORS	300	/* more than one driver request */
#define BLK_HOST_SECTOR		2048	/* 1 MiB in */
#define BLK_HOST_SECTORS	2048	/* 1 MiB */
#define BLK_PAR_THREADS		4
#define BLK_PAR_ROUNDS		16
#define BLK_PAR_SECTORS		64

/*
 * Sectors @sector.. of stream @salt: the shared pattern at their disk
 * offsets (tests/cluster/test_storage.py checks the host's copy).
 */
static void blk_fill(u8 *buf, u64 sector, u32 nr, u8 salt)
{
	pattern_fill(buf, (size_t)nr << SECTOR_SHIFT, salt,
		     sector << SECTOR_SHIFT);
}

static struct blkdev *blk_scratch(void)
{
	static const char magic[] = BLK_SCRATCH_MAGIC;
	unsigned int i;
	u8 *sec = kmalloc(SECTOR_SIZE, GFP_KERNEL);
	struct blkdev *found = NULL;

	if (!sec)
		return NULL;
	for (i = 0; i < blkdev_count() && !found; i++) {
		struct blkdev *dev = blkdev_get(i);

		if (!dev->read_only && !blk_read(dev, 0, sec, 1) &&
		    !memcmp(sec, magic, sizeof(magic) - 1))
			found = dev;
	}
	kfree(sec);
	return found;
}

static void blk_write_read_back(struct ktest *t)
{
	struct blkdev *dev = blk_scratch();
	size_t bytes = BLK_TEST_SECTORS * SECTOR_SIZE;
	u8 *out, *in;

	if (!dev) {
		KT_SKIP(t, "no scratch disk");
		return;
	}
	out = kmalloc(bytes, GFP_KERNEL);
	in = kzalloc(bytes, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, out);
	KT_ASSERT_NOT_NULL(t, in);
	blk_fill(out, BLK_TEST_SECTOR, BLK_TEST_SECTORS, 1);
	KT_EXPECT_EQ(t, blk_write(dev, BLK_TEST_SECTOR, out, BLK_TEST_SECTORS),
		     0);
	KT_EXPECT_EQ(t, blk_read(dev, BLK_TEST_SECTOR, in, BLK_TEST_SECTORS),
		     0);
	KT_EXPECT_MEMEQ(t, in, out, bytes);
	/* An unaligned start and odd length through the same path. */
	memset(in, 0, bytes);
	KT_EXPECT_EQ(t, blk_read(dev, BLK_TEST_SECTOR + 3, in + 1, 7), 0);
	KT_EXPECT_MEMEQ(t, in + 1, out + 3 * SECTOR_SIZE, 7 * SECTOR_SIZE);
	kfree(out);
	kfree(in);
}

static void blk_flush_works(struct ktest *t)
{
	struct blkdev *dev = blk_scratch();
	u64 before;

	if (!dev) {
		KT_SKIP(t, "no scratch disk");
		return;
	}
	KT_EXPECT_TRUE(t, dev->can_flush);
	before = dev->stats.flushes;
	KT_EXPECT_EQ(t, blk_flush(dev), 0);
	KT_EXPECT_EQ(t, dev->stats.flushes, before + 1);
}

static void blk_bad_ranges(struct ktest *t)
{
	struct blkdev *dev = blk_scratch();
	u8 *buf;

	if (!dev) {
		KT_SKIP(t, "no scratch disk");
		return;
	}
	buf = kmalloc(2 * SECTOR_SIZE, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, buf);
	KT_EXPECT_EQ(t, blk_read(dev, dev->nr_sectors, buf, 1), -EINVAL);
	KT_EXPECT_EQ(t, blk_read(dev, dev->nr_sectors - 1, buf, 2), -EINVAL);
	KT_EXPECT_EQ(t, blk_read(dev, 0, buf, 0), -EINVAL);
	KT_EXPECT_EQ(t, blk_read(dev, ~0ULL, buf, 1), -EINVAL);
	KT_EXPECT_EQ(t, blk_read(dev, dev->nr_sectors - 1, buf, 1), 0);
	KT_EXPECT_EQ(t, blk_read(NULL, 0, buf, 1), -EINVAL);
	kfree(buf);
}

struct blk_par_arg {
	struct blkdev *dev;
	unsigned int index;
	int errors;
	struct completion done;
};

static int blk_par_thread(void *data)
{
	struct blk_par_arg *a = data;
	size_t bytes = BLK_PAR_SECTORS * SECTOR_SIZE;
	u8 *out = kmalloc(bytes, GFP_KERNEL), *in = kmalloc(bytes, GFP_KERNEL);
	u64 sector = 4096 + a->index * 2 * BLK_PAR_SECTORS;
	unsigned int r;

	if (!out || !in) {
		a->errors++;
		goto out;
	}
	for (r = 0; r < BLK_PAR_ROUNDS; r++) {
		blk_fill(out, sector, BLK_PAR_SECTORS, r + a->index);
		if (blk_write(a->dev, sector, out, BLK_PAR_SECTORS) ||
		    blk_read(a->dev, sector, in, BLK_PAR_SECTORS) ||
		    memcmp(in, out, bytes))
			a->errors++;
	}
out:
	kfree(out);
	kfree(in);
	complete(&a->done);
	return 0;
}

/* Several threads at once: requests overlap in the queue. */
static void blk_parallel_requests(struct ktest *t)
{
	struct blkdev *dev = blk_scratch();
	struct blk_par_arg *args;
	unsigned int i;

	if (!dev) {
		KT_SKIP(t, "no scratch disk");
		return;
	}
	args = kcalloc(BLK_PAR_THREADS, sizeof(*args), GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, args);
	for (i = 0; i < BLK_PAR_THREADS; i++) {
		struct task *k;

		args[i].dev = dev;
		args[i].index = i;
		init_completion(&args[i].done);
		k = kthread_run(blk_par_thread, &args[i], "blktest/%u", i);
		if (IS_ERR(k)) {
			KT_FAIL(t, "kthread_run: %ld", PTR_ERR(k));
			args[i].errors++;
			complete(&args[i].done);
		} else {
			kthread_detach(k);
		}
	}
	for (i = 0; i < BLK_PAR_THREADS; i++) {
		wait_for_completion(&args[i].done);
		KT_EXPECT_EQ(t, args[i].errors, 0);
	}
	kfree(args);
}

/* Leave a pattern for the host to find in the image after the run. */
static void blk_leave_host_pattern(struct ktest *t)
{
	struct blkdev *dev = blk_scratch();
	size_t bytes = BLK_HOST_SECTORS * SECTOR_SIZE;
	u8 *out;

	if (!dev) {
		KT_SKIP(t, "no scratch disk");
		return;
	}
	out = kmalloc(bytes, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, out);
	blk_fill(out, BLK_HOST_SECTOR, BLK_HOST_SECTORS, 0x5a);
	KT_EXPECT_EQ(t, blk_write(dev, BLK_HOST_SECTOR, out,
				  BLK_HOST_SECTORS), 0);
	KT_EXPECT_EQ(t, blk_flush(dev), 0);
	KT_EXPECT_EQ(t, dev->stats.errors, 0);
	kfree(out);
}

static struct ktest_case blk_cases[] = {
	KTEST_CASE(blk_write_read_back),
	KTEST_CASE(blk_flush_works),
	KTEST_CASE(blk_bad_ranges),
	KTEST_CASE(blk_parallel_requests),
	KTEST_CASE(blk_leave_host_pattern),
	{}
};
KTEST_SUITE(blk, blk_cases);
