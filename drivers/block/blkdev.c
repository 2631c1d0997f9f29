/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block layer: the list of disks and the generic half of every
 * request (range checks, splitting into driver-sized pieces, counting).
 * Drivers supply one submit() per device; see <tessera/blkdev.h>.
 *
 * Locking: blkdev_lock protects the device list; a registered device is
 * never removed, so a pointer from blkdev_get() stays valid.
 */
#define pr_fmt(fmt) "blk: " fmt

#include <tessera/blkdev.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

static LIST_HEAD(blkdev_list);		/* protected by blkdev_lock */
static unsigned int nr_blkdevs;		/* protected by blkdev_lock */
static DEFINE_SPINLOCK(blkdev_lock);

int blkdev_register(struct blkdev *dev)
{
	unsigned long flags;
	int ret = 0;

	if (!dev->ops || !dev->ops->submit || !dev->max_sectors)
		return -EINVAL;
	spin_lock_irqsave(&blkdev_lock, flags);
	if (nr_blkdevs >= BLKDEV_MAX) {
		ret = -ENOSPC;
	} else {
		snprintf(dev->name, sizeof(dev->name), "vd%c",
			 'a' + nr_blkdevs);
		list_add_tail(&dev->node, &blkdev_list);
		nr_blkdevs++;
	}
	spin_unlock_irqrestore(&blkdev_lock, flags);
	if (!ret)
		pr_info("%s: %llu sectors (%llu MiB), block size %u%s%s\n",
			dev->name, (unsigned long long)dev->nr_sectors,
			(unsigned long long)(dev->nr_sectors >> 11),
			dev->block_size, dev->read_only ? ", read-only" : "",
			dev->can_flush ? ", flush" : "");
	return ret;
}

struct blkdev *blkdev_get(unsigned int index)
{
	struct blkdev *dev, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&blkdev_lock, flags);
	list_for_each_entry(dev, &blkdev_list, node) {
		if (!index--) {
			found = dev;
			break;
		}
	}
	spin_unlock_irqrestore(&blkdev_lock, flags);
	return found;
}

unsigned int blkdev_count(void)
{
	return READ_ONCE(nr_blkdevs);
}

static int blk_rw(struct blkdev *dev, enum blk_op op, u64 sector, u8 *buf,
		  u32 nr_sectors)
{
	int ret;

	if (!dev || !nr_sectors || sector >= dev->nr_sectors ||
	    nr_sectors > dev->nr_sectors - sector)
		return -EINVAL;
	if (op == BLK_OP_WRITE && dev->read_only)
		return -EROFS;
	while (nr_sectors) {
		u32 n = min(nr_sectors, dev->max_sectors);

		ret = dev->ops->submit(dev, op, sector, buf, n);
		if (ret) {
			dev->stats.errors++;
			return ret;
		}
		if (op == BLK_OP_READ) {
			dev->stats.reads++;
			dev->stats.sectors_read += n;
		} else {
			dev->stats.writes++;
			dev->stats.sectors_written += n;
		}
		sector += n;
		buf += (size_t)n << SECTOR_SHIFT;
		nr_sectors -= n;
	}
	return 0;
}

int blk_read(struct blkdev *dev, u64 sector, void *buf, u32 nr_sectors)
{
	return blk_rw(dev, BLK_OP_READ, sector, buf, nr_sectors);
}

int blk_write(struct blkdev *dev, u64 sector, const void *buf,
	      u32 nr_sectors)
{
	/* The driver only reads from buf for a write. */
	return blk_rw(dev, BLK_OP_WRITE, sector, (u8 *)buf, nr_sectors);
}

int blk_flush(struct blkdev *dev)
{
	int ret;

	if (!dev)
		return -EINVAL;
	if (!dev->can_flush)
		return 0;
	ret = dev->ops->submit(dev, BLK_OP_FLUSH, 0, NULL, 0);
	if (ret)
		dev->stats.errors++;
	else
		dev->stats.flushes++;
	return ret;
}
