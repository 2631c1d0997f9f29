/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk over the modern PCI transport (device id 0x1042): one
 * request queue, behind the block layer (<tessera/blkdev.h>).
 *
 * Features: VERSION_1, FLUSH, BLK_SIZE, SEG_MAX, SIZE_MAX and RO.  A
 * request is a chain of three descriptors: the 16-byte header (device
 * reads), the data (device reads for a write, writes for a read) and
 * the one-byte status (device writes); a flush has no data part.
 *
 * Requests use one of VBLK_SLOTS preallocated slots, each with its
 * header, status byte, DMA bounce buffer of VBLK_MAX_BYTES and a
 * completion, so up to VBLK_SLOTS requests from different threads are
 * in flight at once; a caller without a free slot sleeps on slot_sem.
 * The queue's MSI-X vector runs vblk_irq(), which reaps the used ring
 * and completes each finished slot; without MSI-X the waiter polls.
 *
 * Chains are posted with virtqueue_add_chain() (the slot is the token)
 * and reaped with virtqueue_get_buf(), which checks what the device
 * writes into the used ring: the id must be the head of a chain in
 * flight, the length must fit what the device may write (a request whose
 * length is refused reads as 0 bytes written and fails with -EIO), and
 * the used index may not run ahead of what was posted (else the queue is
 * broken and every later request fails with -EIO).
 *
 * Locking: vq_lock (irqsave) protects the virtqueue and the slot free
 * mask; a slot's fields belong to the thread that took it until its
 * completion fires.
 */
#define pr_fmt(fmt) "virtio-blk: " fmt

#include <tessera/atomic.h>
#include <tessera/blkdev.h>
#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/semaphore.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/virtio.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/page.h>
#include <asm/traps.h>

#define VIRTIO_ID_BLOCK		2

#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

#define VBLK_CFG_CAPACITY	0	/* le64, 512-byte sectors */
#define VBLK_CFG_SIZE_MAX	8	/* le32 */
#define VBLK_CFG_SEG_MAX	12	/* le32 */
#define VBLK_CFG_BLK_SIZE	20	/* le32 */

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2
#define VBLK_STATUS_NONE	0xff	/* not written by the device yet */

#define VBLK_QUEUE		0
#define VBLK_QUEUE_SIZE		128
#define VBLK_SLOTS		16
#define VBLK_MAX_BYTES		(64u << 10)
#define VBLK_DESCS_PER_REQ	3
#define VBLK_TIMEOUT_MS		30000

_Static_assert(VBLK_SLOTS * VBLK_DESCS_PER_REQ <= VBLK_QUEUE_SIZE,
	       "queue holds every slot's chain");
_Static_assert(VBLK_SLOTS <= 32, "slot mask is a u32");

struct virtio_blk_outhdr {
	__le32 type;
	__le32 ioprio;
	__le64 sector;
} __packed;
_Static_assert(sizeof(struct virtio_blk_outhdr) == 16, "virtio_blk_outhdr");

/* The part of a slot the device reads and writes: in DMA memory. */
struct vblk_dma {
	struct virtio_blk_outhdr hdr;
	u8 status;
	u8 pad[15];
};
_Static_assert(sizeof(struct vblk_dma) == 32, "vblk_dma");

struct vblk_slot {
	struct vblk_dma *dma;
	u8 *bounce;			/* VBLK_MAX_BYTES */
	struct completion done;
	u32 used_len;			/* what it said it wrote */
	bool abandoned;			/* timed out: never reused */
};

struct vblk {
	struct blkdev bdev;
	struct virtio_device vdev;
	struct virtqueue vq;
	void *tokens[VBLK_QUEUE_SIZE];
	u32 lens[VBLK_QUEUE_SIZE];
	spinlock_t vq_lock;
	u32 free_slots;			/* mask; protected by vq_lock */
	struct semaphore slot_sem;	/* counts free slots */
	struct vblk_slot slots[VBLK_SLOTS];
	struct page *dma_page;
	u8 *bounce_pool;
	unsigned int bounce_order;
	int vector;			/* -1: polled */
	u64 status_errors;		/* requests the device failed */
	u64 ring_errors;		/* requests failed for a ring reason */
};

static struct vblk *vblk_by_vector[NR_VECTORS];

/* Take every completed request off the used ring; vq_lock held. */
static void vblk_reap(struct vblk *vb)
{
	struct virtqueue *vq = &vb->vq;
	bool was_broken = vq->broken;
	struct vblk_slot *slot;
	u32 len;

	while ((slot = virtqueue_get_buf(vq, &len))) {
		/* 0 also when the device claimed more than it may write. */
		slot->used_len = len;
		complete(&slot->done);
	}
	if (vq->broken && !was_broken)
		pr_err("%s: used index ran ahead; queue broken\n",
		       vb->bdev.name);
}

static void vblk_irq(struct pt_regs *regs, unsigned int vector)
{
	struct vblk *vb = vblk_by_vector[vector];

	if (vb) {
		spin_lock(&vb->vq_lock);
		vblk_reap(vb);
		spin_unlock(&vb->vq_lock);
	}
	apic_eoi();
}

/* --- requests ---------------------------------------------------------- */

static struct vblk_slot *vblk_get_slot(struct vblk *vb)
{
	unsigned long flags;
	struct vblk_slot *slot = NULL;
	unsigned int i;

	down(&vb->slot_sem);
	spin_lock_irqsave(&vb->vq_lock, flags);
	for (i = 0; i < VBLK_SLOTS; i++) {
		if (vb->free_slots & (1u << i)) {
			vb->free_slots &= ~(1u << i);
			slot = &vb->slots[i];
			break;
		}
	}
	spin_unlock_irqrestore(&vb->vq_lock, flags);
	return slot;
}

static void vblk_put_slot(struct vblk *vb, struct vblk_slot *slot)
{
	unsigned long flags;

	if (slot->abandoned)
		return;	/* the device may still write it */
	spin_lock_irqsave(&vb->vq_lock, flags);
	vb->free_slots |= 1u << (slot - vb->slots);
	spin_unlock_irqrestore(&vb->vq_lock, flags);
	up(&vb->slot_sem);
}

/* Wait for @slot's completion: by interrupt, or by polling. */
static int vblk_wait(struct vblk *vb, struct vblk_slot *slot)
{
	u64 deadline = jiffies + msecs_to_jiffies(VBLK_TIMEOUT_MS);
	unsigned long flags;

	if (vb->vector >= 0) {
		if (wait_for_completion_timeout(&slot->done,
				msecs_to_jiffies(VBLK_TIMEOUT_MS)))
			return 0;
	} else {
		while (!completion_done(&slot->done) &&
		       (s64)(jiffies - deadline) < 0) {
			spin_lock_irqsave(&vb->vq_lock, flags);
			vblk_reap(vb);
			spin_unlock_irqrestore(&vb->vq_lock, flags);
			if (!completion_done(&slot->done))
				schedule();
		}
		if (try_wait_for_completion(&slot->done))
			return 0;
	}
	/* Last look under the lock, then give the slot up for good. */
	spin_lock_irqsave(&vb->vq_lock, flags);
	vblk_reap(vb);
	spin_unlock_irqrestore(&vb->vq_lock, flags);
	if (try_wait_for_completion(&slot->done))
		return 0;
	slot->abandoned = true;
	pr_err("%s: request timed out after %u ms\n", vb->bdev.name,
	       VBLK_TIMEOUT_MS);
	return -ETIMEDOUT;
}

static int vblk_submit(struct blkdev *bdev, enum blk_op op, u64 sector,
		       void *buf, u32 nr_sectors)
{
	struct vblk *vb = bdev->priv;
	size_t bytes = (size_t)nr_sectors << SECTOR_SHIFT;
	struct virtqueue_seg seg[VBLK_DESCS_PER_REQ];
	struct vblk_slot *slot;
	unsigned long flags;
	unsigned int n = 0;
	int ret;
	u8 status;

	if (bytes > VBLK_MAX_BYTES)
		return -EINVAL;
	slot = vblk_get_slot(vb);
	if (!slot)
		return -EIO;
	reinit_completion(&slot->done);
	slot->dma->hdr.type = op == BLK_OP_READ ? VIRTIO_BLK_T_IN :
			      op == BLK_OP_WRITE ? VIRTIO_BLK_T_OUT :
						   VIRTIO_BLK_T_FLUSH;
	slot->dma->hdr.ioprio = 0;
	slot->dma->hdr.sector = op == BLK_OP_FLUSH ? 0 : sector;
	slot->dma->status = VBLK_STATUS_NONE;
	seg[n++] = (struct virtqueue_seg){ __pa(&slot->dma->hdr),
				      sizeof(slot->dma->hdr), false };
	if (op != BLK_OP_FLUSH) {
		if (op == BLK_OP_WRITE)
			memcpy(slot->bounce, buf, bytes);
		seg[n++] = (struct virtqueue_seg){ __pa(slot->bounce), bytes,
						   op == BLK_OP_READ };
	}
	seg[n++] = (struct virtqueue_seg){ __pa(&slot->dma->status), 1,
					   true };

	spin_lock_irqsave(&vb->vq_lock, flags);
	ret = virtqueue_add_chain(&vb->vq, seg, n, slot);
	if (!ret)
		virtqueue_kick(&vb->vq);
	spin_unlock_irqrestore(&vb->vq_lock, flags);
	if (ret) {
		/* Cannot happen with a slot in hand unless the queue broke. */
		ret = -EIO;
		goto put;
	}

	ret = vblk_wait(vb, slot);
	if (ret)
		goto put;
	status = READ_ONCE(slot->dma->status);
	/* The device must have written the status, and for a read the data. */
	if (slot->used_len < 1 ||
	    (op == BLK_OP_READ && slot->used_len < bytes + 1)) {
		vb->ring_errors++;
		ret = -EIO;
	} else if (status != VIRTIO_BLK_S_OK) {
		vb->status_errors++;
		pr_err("%s: %s of %u sectors at %llu failed: status %u%s\n",
		       bdev->name, op == BLK_OP_READ ? "read" :
		       op == BLK_OP_WRITE ? "write" : "flush", nr_sectors,
		       (unsigned long long)sector, status,
		       status == VIRTIO_BLK_S_UNSUPP ? " (unsupported)" : "");
		ret = -EIO;
	} else if (op == BLK_OP_READ) {
		memcpy(buf, slot->bounce, bytes);
	}
put:
	vblk_put_slot(vb, slot);
	return ret;
}

static const struct blkdev_ops vblk_ops = {
	.submit = vblk_submit,
};

/* --- probe ------------------------------------------------------------- */

static void vblk_teardown_irq(struct vblk *vb)
{
	if (vb->vector < 0)
		return;
	idt_clear_irq_handler(vb->vector);
	vblk_by_vector[vb->vector] = NULL;
	irq_free_vector(vb->vector);
	vb->vector = -1;
}

/* MSI-X entry 0 for the request queue; -1 leaves the device polled. */
static int vblk_setup_irq(struct vblk *vb)
{
	u8 vec;
	int v, ret;

	if (!vb->vdev.pci->msix_cap)
		return -ENODEV;
	v = irq_alloc_vector();
	if (v < 0)
		return v;
	vblk_by_vector[v] = vb;
	ret = idt_set_irq_handler(v, vblk_irq);
	if (ret)
		goto free_vector;
	vec = v;
	ret = pci_enable_msix(vb->vdev.pci, &vec, NULL, 1);
	if (ret)
		goto clear_handler;
	vb->vector = v;
	return 0;

clear_handler:
	idt_clear_irq_handler(v);
free_vector:
	vblk_by_vector[v] = NULL;
	irq_free_vector(v);
	return ret;
}

static void vblk_read_limits(struct vblk *vb)
{
	__le32 v32;
	u32 max_sectors = VBLK_MAX_BYTES >> SECTOR_SHIFT;

	vb->bdev.block_size = SECTOR_SIZE;
	if (virtio_has_feature(&vb->vdev, VIRTIO_BLK_F_BLK_SIZE) &&
	    !virtio_pci_read_config(&vb->vdev, VBLK_CFG_BLK_SIZE, &v32, 4) &&
	    v32 >= SECTOR_SIZE && v32 <= PAGE_SIZE && is_power_of_2(v32))
		vb->bdev.block_size = v32;
	/* One data segment per request: it must fit the device's limit. */
	if (virtio_has_feature(&vb->vdev, VIRTIO_BLK_F_SIZE_MAX) &&
	    !virtio_pci_read_config(&vb->vdev, VBLK_CFG_SIZE_MAX, &v32, 4) &&
	    v32 >= SECTOR_SIZE)
		max_sectors = min(max_sectors, v32 >> SECTOR_SHIFT);
	if (virtio_has_feature(&vb->vdev, VIRTIO_BLK_F_SEG_MAX) &&
	    !virtio_pci_read_config(&vb->vdev, VBLK_CFG_SEG_MAX, &v32, 4) &&
	    v32 == 0)
		max_sectors = 0;	/* no room for even one segment */
	vb->bdev.max_sectors = max_sectors;
	vb->bdev.read_only = virtio_has_feature(&vb->vdev, VIRTIO_BLK_F_RO);
	vb->bdev.can_flush = virtio_has_feature(&vb->vdev, VIRTIO_BLK_F_FLUSH);
}

static int vblk_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vblk_dma *dma;
	struct page *pages;
	struct vblk *vb;
	__le64 capacity;
	unsigned int i;
	int ret;

	vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb)
		return -ENOMEM;
	vb->vector = -1;
	spin_lock_init(&vb->vq_lock);
	sema_init(&vb->slot_sem, VBLK_SLOTS);
	ret = virtio_pci_init(&vb->vdev, pdev);
	if (ret)
		goto free_vb;
	ret = virtio_pci_negotiate(&vb->vdev, (1ULL << VIRTIO_BLK_F_FLUSH) |
				   (1ULL << VIRTIO_BLK_F_BLK_SIZE) |
				   (1ULL << VIRTIO_BLK_F_SEG_MAX) |
				   (1ULL << VIRTIO_BLK_F_SIZE_MAX) |
				   (1ULL << VIRTIO_BLK_F_RO));
	if (ret)
		goto free_vb;
	ret = virtio_pci_read_config(&vb->vdev, VBLK_CFG_CAPACITY, &capacity,
				     sizeof(capacity));
	if (ret)
		goto fail;
	vb->bdev.nr_sectors = capacity;
	vblk_read_limits(vb);
	if (!vb->bdev.max_sectors) {
		pr_err("device limits leave no room for a request\n");
		ret = -ENODEV;
		goto fail;
	}

	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	if (!pages) {
		ret = -ENOMEM;
		goto fail;
	}
	vb->dma_page = pages;
	vb->bounce_order = get_order((size_t)VBLK_SLOTS * VBLK_MAX_BYTES);
	pages = alloc_pages(GFP_KERNEL, vb->bounce_order);
	if (!pages) {
		ret = -ENOMEM;
		goto free_dma;
	}
	vb->bounce_pool = page_address(pages);
	dma = page_address(vb->dma_page);
	for (i = 0; i < VBLK_SLOTS; i++) {
		vb->slots[i].dma = &dma[i];
		vb->slots[i].bounce = vb->bounce_pool + i * VBLK_MAX_BYTES;
		init_completion(&vb->slots[i].done);
	}
	vb->free_slots = (VBLK_SLOTS == 32) ? ~0u : (1u << VBLK_SLOTS) - 1;

	ret = vblk_setup_irq(vb);
	if (ret && ret != -ENODEV)
		pr_warn("no MSI-X interrupt (%d); polling for completions\n",
			ret);
	ret = virtio_pci_setup_vq(&vb->vdev, &vb->vq, VBLK_QUEUE,
				  VBLK_QUEUE_SIZE,
				  vb->vector >= 0 ? 0 : VIRTIO_MSI_NO_VECTOR,
				  vb->tokens, vb->lens);
	if (ret)
		goto reset;
	if (vb->vq.num < VBLK_DESCS_PER_REQ * VBLK_SLOTS) {
		pr_err("queue of %u entries is too small\n", vb->vq.num);
		ret = -ENODEV;
		goto reset;
	}
	if (vb->vector < 0)
		virtqueue_disable_cb(&vb->vq);
	virtio_pci_driver_ok(&vb->vdev);

	vb->bdev.ops = &vblk_ops;
	vb->bdev.priv = vb;
	pdev->driver_data = vb;
	ret = blkdev_register(&vb->bdev);
	if (ret)
		goto reset;
	pr_info("%s: virtio-blk, %s, queue %u, %u sectors per request\n",
		vb->bdev.name, vb->vector >= 0 ? "MSI-X" : "polled",
		vb->vq.num, vb->bdev.max_sectors);
	return 0;

reset:
	/* After the reset the device no longer touches rings or buffers. */
	virtio_pci_reset(&vb->vdev);
	pdev->driver_data = NULL;
	if (vb->vq.desc)
		free_pages((unsigned long)vb->vq.desc, vb->vq.order);
	vblk_teardown_irq(vb);
	free_pages((unsigned long)vb->bounce_pool, vb->bounce_order);
free_dma:
	__free_pages(vb->dma_page, 0);
fail:
	virtio_pci_fail(&vb->vdev);
free_vb:
	kfree(vb);
	return ret;
}

static const struct pci_device_id vblk_ids[] = {
	{ .vendor = VIRTIO_PCI_VENDOR_ID,
	  .device = VIRTIO_PCI_MODERN_DEVICE_BASE + VIRTIO_ID_BLOCK },
	/* Transitional: accepted if it also has the modern interface. */
	{ .vendor = VIRTIO_PCI_VENDOR_ID, .device = 0x1001 },
	{}
};

static struct pci_driver vblk_driver = {
	.name = "virtio-blk",
	.id_table = vblk_ids,
	.probe = vblk_probe,
};
PCI_DRIVER(vblk_driver);
