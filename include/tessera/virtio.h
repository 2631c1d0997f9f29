/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio 1.x over PCI (modern transport only) and split virtqueues.
 *
 * Two layers:
 *
 *  - struct virtqueue and the virtqueue_*() calls (drivers/virtio/
 *    virtqueue.c) are the ring bookkeeping alone: descriptor free list,
 *    avail/used indices, interrupt suppression and the checks on what the
 *    device writes into the used ring.  They touch only memory, so the
 *    same file builds as a host unit test (tests/host/test_virtqueue.c).
 *  - struct virtio_device and the virtio_pci_*() calls (drivers/virtio/
 *    virtio_pci.c) find the capability structures, negotiate features,
 *    run the status handshake, place the rings in physically contiguous
 *    pages and ring the doorbell.
 *
 * A buffer is a chain of descriptors (virtqueue_add_chain(): what the
 * device reads first, then what it writes; no indirect tables) or a single
 * one (virtqueue_add_buf()); the token rides on the chain's head.  Every
 * entry the device puts in the used ring is checked: an id out of range
 * or not the head of a chain in flight, or a length above the chain's
 * device-writable bytes, is counted in vq->errors and never followed.
 * A used index that runs ahead of what was posted marks the queue broken
 * (vq->broken); it then returns nothing.
 *
 * A virtqueue is not locked here: the driver serialises calls per queue.
 */
#ifndef _TESSERA_VIRTIO_H
#define _TESSERA_VIRTIO_H

#include <tessera/compiler.h>
#include <tessera/types.h>

struct pci_dev;

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Transport feature bits. */
#define VIRTIO_F_VERSION_1		32

#define VIRTIO_PCI_VENDOR_ID		0x1af4
/* Modern device ids are 0x1040 + virtio device type. */
#define VIRTIO_PCI_MODERN_DEVICE_BASE	0x1040
#define VIRTIO_ID_NET			1

/* Vendor capability cfg_type values. */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4

#define VIRTIO_MSI_NO_VECTOR		0xffff

/* Split ring layout (virtio 1.x, section 2.7). */
#define VRING_DESC_F_NEXT		1
#define VRING_DESC_F_WRITE		2
#define VRING_AVAIL_F_NO_INTERRUPT	1
#define VRING_USED_F_NO_NOTIFY		1

#define VRING_DESC_ALIGN		16
#define VRING_AVAIL_ALIGN		2
#define VRING_USED_ALIGN		4
#define VIRTQUEUE_MAX_SIZE		32768

struct vring_desc {
	__le64 addr;
	__le32 len;
	__le16 flags;
	__le16 next;
};

struct vring_avail {
	__le16 flags;
	__le16 idx;
	__le16 ring[];
};

struct vring_used_elem {
	__le32 id;
	__le32 len;
};

struct vring_used {
	__le16 flags;
	__le16 idx;
	struct vring_used_elem ring[];
};

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc");
_Static_assert(sizeof(struct vring_avail) == 4, "vring_avail header");
_Static_assert(sizeof(struct vring_used_elem) == 8, "vring_used_elem");
_Static_assert(sizeof(struct vring_used) == 4, "vring_used header");

/* Offsets of the three parts of a ring of @num entries in one block. */
struct vring_layout {
	size_t avail_off;
	size_t used_off;
	size_t size;		/* bytes of the whole block */
};

struct virtqueue {
	unsigned int num;		/* entries, a power of two */
	unsigned int index;		/* queue number on the device */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	u64 dma;			/* physical address of desc */

	/*
	 * Driver state: per chain head, its token (NULL: free, or not a
	 * head) and the bytes the device may write.
	 */
	void **tokens;
	u32 *lens;
	u16 free_head;			/* first free descriptor */
	unsigned int num_free;
	u16 avail_idx;			/* our copy of avail->idx */
	u16 last_used;			/* next used entry to read */
	bool broken;

	u64 errors;			/* bad used entries */

	/* Transport: set by virtio_pci_setup_vq(). */
	volatile u16 *notify;		/* doorbell register */
	u16 msix_vector;		/* VIRTIO_MSI_NO_VECTOR if none */
	u8 order;			/* ring pages, alloc order */
};

/* Pure ring bookkeeping (virtqueue.c). */
void vring_compute_layout(unsigned int num, struct vring_layout *l);
/*
 * Set up @vq over a zeroed ring block at @ring (physical @dma) laid out
 * by vring_compute_layout(), with @tokens and @lens arrays of @num
 * entries.  0, or -EINVAL if @num is not a power of two in 1..32768.
 */
int virtqueue_init(struct virtqueue *vq, unsigned int num, void *ring,
		   u64 dma, void **tokens, u32 *lens);
/* One part of a chain: @len bytes at physical @addr. */
struct virtqueue_seg {
	u64 addr;
	u32 len;
	bool device_writes;		/* the device fills it */
};
/*
 * Post a chain of @n segments (device-readable ones first) with a
 * non-NULL @token, which virtqueue_get_buf() returns when the device is
 * done with the whole chain.  Visible to the device at once, but the
 * device learns of it only on virtqueue_kick().  0, -ENOSPC (fewer than
 * @n free descriptors, or the queue is broken) or -EINVAL (no token, no
 * segment, an empty one, or a readable one after a writable one).
 */
int virtqueue_add_chain(struct virtqueue *vq, const struct virtqueue_seg *seg,
			unsigned int n, void *token);
/* A chain of one: @len bytes at @addr. */
int virtqueue_add_buf(struct virtqueue *vq, u64 addr, u32 len,
		      bool device_writes, void *token);
/*
 * Take the next completed chain: its token, and in *len the bytes the
 * device wrote, or NULL when there is none; the chain's descriptors are
 * free again.  Bad used entries are counted and skipped; a length above
 * the chain's device-writable bytes comes back as the token with
 * *len = 0 and is counted (so the buffers can be reused).
 */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len);
/* True if the used ring has entries we have not taken. */
bool virtqueue_has_used(struct virtqueue *vq);
/*
 * Completed entries not yet taken; *posted: chains the device holds or
 * completed (backlog == posted: the device has nothing left to fill).
 */
unsigned int virtqueue_used_backlog(struct virtqueue *vq, unsigned int *posted);
/* True if the device wants a notification for what was posted. */
bool virtqueue_kick_prepare(struct virtqueue *vq);
/* Ask the device for no interrupts (a hint: it may still send some). */
void virtqueue_disable_cb(struct virtqueue *vq);
/*
 * Ask for interrupts again.  Returns false if buffers completed in the
 * meantime (the caller should poll again rather than wait).
 */
bool virtqueue_enable_cb(struct virtqueue *vq);

/* The PCI transport (virtio_pci.c). */
struct virtio_device {
	struct pci_dev *pci;
	volatile u8 *common;		/* struct virtio_pci_common_cfg */
	volatile u8 *isr;
	volatile u8 *device;		/* device-specific configuration */
	u32 device_len;
	volatile u8 *notify_base;
	u32 notify_off_multiplier;
	u32 notify_len;
	u64 features;			/* negotiated */
};

/*
 * Find the common, notify, ISR and device structures of a modern device
 * and map them.  -ENODEV (with a log line) for a legacy-only device.
 */
int virtio_pci_init(struct virtio_device *vd, struct pci_dev *pdev);
/*
 * Reset, ACKNOWLEDGE, DRIVER, then offer @wanted | VERSION_1 masked by
 * what the device has and check FEATURES_OK.  VERSION_1 is required.
 * On failure sets FAILED.  0, -ENODEV or -EIO.
 */
int virtio_pci_negotiate(struct virtio_device *vd, u64 wanted);
/*
 * Allocate and register queue @index with at most @max_num entries and
 * MSI-X vector (table entry) @msix_vector.  @tokens/@lens must hold
 * min(max_num, device maximum) entries: the chosen size is vq->num.
 * 0, -ENOENT (no such queue), -ENOMEM or -EIO (vector refused).
 */
int virtio_pci_setup_vq(struct virtio_device *vd, struct virtqueue *vq,
			unsigned int index, unsigned int max_num,
			u16 msix_vector, void **tokens, u32 *lens);
/* Set DRIVER_OK: the device may now use the queues. */
void virtio_pci_driver_ok(struct virtio_device *vd);
/* Set FAILED (the driver gives up on the device). */
void virtio_pci_fail(struct virtio_device *vd);
/* Reset the device (status 0) and wait for it to finish. */
void virtio_pci_reset(struct virtio_device *vd);
/* Notify the device about @vq if virtqueue_kick_prepare() says so. */
void virtqueue_kick(struct virtqueue *vq);
/* Read device configuration with the generation-counter retry loop. */
int virtio_pci_read_config(struct virtio_device *vd, unsigned int off,
			   void *buf, unsigned int len);
static inline bool virtio_has_feature(const struct virtio_device *vd,
				      unsigned int bit)
{
	return vd->features & (1ULL << bit);
}

#endif /* _TESSERA_VIRTIO_H */
