/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio 1.x PCI transport ("modern" devices only): locating the
 * common, notify, ISR and device-specific structures through the vendor
 * capabilities, feature negotiation and the status handshake, and queue
 * registration with rings in physically contiguous pages from the buddy
 * allocator.  Ring bookkeeping itself is virtqueue.c.
 *
 * Legacy (virtio 0.9) devices, which only have an I/O BAR, are refused
 * with a log line.  All register values from the device are checked
 * against what the structures can hold before use.
 */
#define pr_fmt(fmt) "virtio: " fmt

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/virtio.h>
#include <asm/io.h>
#include <asm/page.h>

/* struct virtio_pci_cap, relative to the capability. */
#define VPCI_CAP_CFG_TYPE	3
#define VPCI_CAP_BAR		4
#define VPCI_CAP_OFFSET		8
#define VPCI_CAP_LENGTH		12
#define VPCI_NOTIFY_MULTIPLIER	16

/* struct virtio_pci_common_cfg */
#define VCOMMON_DFSELECT	0
#define VCOMMON_DF		4
#define VCOMMON_GFSELECT	8
#define VCOMMON_GF		12
#define VCOMMON_MSIX		16
#define VCOMMON_NUMQ		18
#define VCOMMON_STATUS		20
#define VCOMMON_CFGGENERATION	21
#define VCOMMON_Q_SELECT	22
#define VCOMMON_Q_SIZE		24
#define VCOMMON_Q_MSIX		26
#define VCOMMON_Q_ENABLE	28
#define VCOMMON_Q_NOFF		30
#define VCOMMON_Q_DESC		32
#define VCOMMON_Q_DRIVER	40
#define VCOMMON_Q_DEVICE	48
#define VCOMMON_LEN		56

#define RESET_TIMEOUT_US	100000

static void write_q64(volatile u8 *base, unsigned int off, u64 v)
{
	writel((u32)v, base + off);
	writel((u32)(v >> 32), base + off + 4);
}

static volatile u8 *map_cap(struct pci_dev *pdev, u8 cap, u32 min_len,
			    u32 *len)
{
	u8 bar = pci_read8(pdev, cap + VPCI_CAP_BAR);
	u32 off = pci_read32(pdev, cap + VPCI_CAP_OFFSET);
	u32 length = pci_read32(pdev, cap + VPCI_CAP_LENGTH);
	volatile u8 *base;

	if (bar >= 6 || pdev->bar[bar].is_io || length < min_len ||
	    (u64)off + length > pdev->bar[bar].size)
		return NULL;
	base = pci_iomap(pdev, bar);
	if (!base)
		return NULL;
	if (len)
		*len = length;
	return base + off;
}

int virtio_pci_init(struct virtio_device *vd, struct pci_dev *pdev)
{
	char name[16];
	u8 cap;

	memset(vd, 0, sizeof(*vd));
	vd->pci = pdev;
	pci_name(pdev, name, sizeof(name));
	for (cap = pci_find_capability(pdev, PCI_CAP_ID_VNDR); cap;
	     cap = pci_find_next_capability(pdev, cap, PCI_CAP_ID_VNDR)) {
		u8 type = pci_read8(pdev, cap + VPCI_CAP_CFG_TYPE);

		/* The first structure of each type is the preferred one. */
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			if (!vd->common)
				vd->common = map_cap(pdev, cap, VCOMMON_LEN,
						     NULL);
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			if (!vd->notify_base) {
				vd->notify_base = map_cap(pdev, cap, 2,
							  &vd->notify_len);
				vd->notify_off_multiplier =
					pci_read32(pdev,
						   cap + VPCI_NOTIFY_MULTIPLIER);
			}
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			if (!vd->isr)
				vd->isr = map_cap(pdev, cap, 1, NULL);
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			if (!vd->device)
				vd->device = map_cap(pdev, cap, 1,
						     &vd->device_len);
			break;
		}
	}
	if (!vd->common || !vd->notify_base || !vd->isr) {
		pr_err("%s [%04x:%04x]: legacy-only device (no usable virtio 1.x capabilities); not supported\n",
		       name, pdev->vendor, pdev->device);
		return -ENODEV;
	}
	pci_enable_device(pdev);
	pci_set_master(pdev);
	return 0;
}

static u8 get_status(struct virtio_device *vd)
{
	return readb(vd->common + VCOMMON_STATUS);
}

static void add_status(struct virtio_device *vd, u8 bits)
{
	writeb(get_status(vd) | bits, vd->common + VCOMMON_STATUS);
}

void virtio_pci_reset(struct virtio_device *vd)
{
	unsigned int us;

	writeb(0, vd->common + VCOMMON_STATUS);
	/* The device is reset when it reads back 0. */
	for (us = 0; us < RESET_TIMEOUT_US && get_status(vd); us += 10)
		udelay(10);
}

void virtio_pci_fail(struct virtio_device *vd)
{
	add_status(vd, VIRTIO_STATUS_FAILED);
}

void virtio_pci_driver_ok(struct virtio_device *vd)
{
	add_status(vd, VIRTIO_STATUS_DRIVER_OK);
}

int virtio_pci_negotiate(struct virtio_device *vd, u64 wanted)
{
	char name[16];
	u64 dev_features;

	pci_name(vd->pci, name, sizeof(name));
	virtio_pci_reset(vd);
	add_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(vd, VIRTIO_STATUS_DRIVER);

	writel(0, vd->common + VCOMMON_DFSELECT);
	dev_features = readl(vd->common + VCOMMON_DF);
	writel(1, vd->common + VCOMMON_DFSELECT);
	dev_features |= (u64)readl(vd->common + VCOMMON_DF) << 32;
	if (!(dev_features & (1ULL << VIRTIO_F_VERSION_1))) {
		pr_err("%s: device lacks VIRTIO_F_VERSION_1 (legacy-only); not supported\n",
		       name);
		virtio_pci_fail(vd);
		return -ENODEV;
	}
	vd->features = dev_features & (wanted | (1ULL << VIRTIO_F_VERSION_1));
	writel(0, vd->common + VCOMMON_GFSELECT);
	writel((u32)vd->features, vd->common + VCOMMON_GF);
	writel(1, vd->common + VCOMMON_GFSELECT);
	writel((u32)(vd->features >> 32), vd->common + VCOMMON_GF);
	add_status(vd, VIRTIO_STATUS_FEATURES_OK);
	if (!(get_status(vd) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("%s: device refused features %#llx\n", name,
		       (unsigned long long)vd->features);
		virtio_pci_fail(vd);
		return -EIO;
	}
	return 0;
}

int virtio_pci_setup_vq(struct virtio_device *vd, struct virtqueue *vq,
			unsigned int index, unsigned int max_num,
			u16 msix_vector, void **tokens, u32 *lens)
{
	struct vring_layout l;
	unsigned int num, noff;
	struct page *pages;
	void *ring;
	int ret;

	if (index >= readw(vd->common + VCOMMON_NUMQ))
		return -ENOENT;
	writew(index, vd->common + VCOMMON_Q_SELECT);
	num = readw(vd->common + VCOMMON_Q_SIZE);
	if (!num)
		return -ENOENT;
	num = min(num, max_num);
	/* Largest power of two that fits. */
	while (!is_power_of_2(num))
		num &= num - 1;

	vring_compute_layout(num, &l);
	vq->order = get_order(l.size);
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, vq->order);
	if (!pages)
		return -ENOMEM;
	ring = page_address(pages);
	ret = virtqueue_init(vq, num, ring, page_to_phys(pages), tokens,
			     lens);
	if (ret)
		goto free_ring;
	vq->index = index;

	noff = readw(vd->common + VCOMMON_Q_NOFF);
	if ((u64)noff * vd->notify_off_multiplier + 2 > vd->notify_len) {
		ret = -EIO;
		goto free_ring;
	}
	vq->notify = (volatile u16 *)(vd->notify_base +
				      noff * vd->notify_off_multiplier);

	writew(num, vd->common + VCOMMON_Q_SIZE);
	write_q64(vd->common, VCOMMON_Q_DESC, vq->dma);
	write_q64(vd->common, VCOMMON_Q_DRIVER, vq->dma + l.avail_off);
	write_q64(vd->common, VCOMMON_Q_DEVICE, vq->dma + l.used_off);
	writew(msix_vector, vd->common + VCOMMON_Q_MSIX);
	vq->msix_vector = readw(vd->common + VCOMMON_Q_MSIX);
	if (vq->msix_vector != msix_vector) {
		ret = -EIO;
		goto free_ring;
	}
	writew(1, vd->common + VCOMMON_Q_ENABLE);
	return 0;

free_ring:
	__free_pages(pages, vq->order);
	vq->desc = NULL;
	return ret;
}

void virtqueue_kick(struct virtqueue *vq)
{
	if (virtqueue_kick_prepare(vq))
		writew(vq->index, vq->notify);
}

int virtio_pci_read_config(struct virtio_device *vd, unsigned int off,
			   void *buf, unsigned int len)
{
	unsigned int i, tries;
	u8 gen, *out = buf;

	if (!vd->device || (u64)off + len > vd->device_len)
		return -EINVAL;
	for (tries = 0; tries < 100; tries++) {
		gen = readb(vd->common + VCOMMON_CFGGENERATION);
		for (i = 0; i < len; i++)
			out[i] = readb(vd->device + off + i);
		if (readb(vd->common + VCOMMON_CFGGENERATION) == gen)
			return 0;
	}
	return -EIO;
}
