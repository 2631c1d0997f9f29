/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block devices (drivers/block/): a disk is an array of 512-byte
 * sectors that a driver (virtio-blk today) reads, writes and flushes.
 * File systems see only this interface, never the driver.
 *
 *	struct blkdev *d = blkdev_get(0);
 *	ret = blk_read(d, sector, buf, nr_sectors);	// 0 or -errno
 *
 * The calls may sleep (they wait for the device) and may run on several
 * threads at once; a driver keeps several requests in flight.  Buffers
 * are any kernel memory: drivers copy through their own DMA buffers.
 * Errors: -EINVAL (range outside the disk, or nr_sectors 0), -EROFS
 * (write to a read-only disk), -EIO (the device reported failure; the
 * device's status is counted in the device's stats), -ETIMEDOUT (no
 * completion), -ENODEV (the driver gave up on the device).
 */
#ifndef _TESSERA_BLKDEV_H
#define _TESSERA_BLKDEV_H

#include <tessera/list.h>
#include <tessera/types.h>

#define SECTOR_SHIFT		9
#define SECTOR_SIZE		(1u << SECTOR_SHIFT)
#define BLKDEV_NAME_LEN		8
#define BLKDEV_MAX		8

enum blk_op {
	BLK_OP_READ,
	BLK_OP_WRITE,
	BLK_OP_FLUSH,
};

struct blkdev;

struct blkdev_ops {
	/*
	 * One request within the disk and the driver's max_sectors
	 * (FLUSH: sector and nr_sectors 0, buf NULL).  0 or -errno.
	 */
	int (*submit)(struct blkdev *dev, enum blk_op op, u64 sector,
		      void *buf, u32 nr_sectors);
};

struct blkdev_stats {
	u64 reads, writes, flushes;	/* requests completed */
	u64 sectors_read, sectors_written;
	u64 errors;			/* requests failed */
};

struct blkdev {
	char name[BLKDEV_NAME_LEN];	/* "vda", set by blkdev_register() */
	u64 nr_sectors;			/* capacity */
	u32 block_size;			/* device's preferred I/O size */
	u32 max_sectors;		/* per driver request */
	bool read_only;
	bool can_flush;			/* false: writes are durable at once */
	const struct blkdev_ops *ops;
	void *priv;
	struct blkdev_stats stats;	/* updated without a lock: approximate */
	struct list_head node;
};

/* Add a probed disk under the next free name ("vda", "vdb", ...). */
int blkdev_register(struct blkdev *dev);
/* The @index-th registered disk, or NULL. */
struct blkdev *blkdev_get(unsigned int index);
unsigned int blkdev_count(void);

/* Whole requests of any size: split into driver-sized pieces. */
int blk_read(struct blkdev *dev, u64 sector, void *buf, u32 nr_sectors);
int blk_write(struct blkdev *dev, u64 sector, const void *buf,
	      u32 nr_sectors);
/* Everything written so far is on stable storage when this returns 0. */
int blk_flush(struct blkdev *dev);

#endif /* _TESSERA_BLKDEV_H */
