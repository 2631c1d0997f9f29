/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net over the modern PCI transport: one receive queue (0) and one
 * transmit queue (1), both backed by preallocated, physically contiguous
 * buffer pools, behind the netdev interface.
 *
 * Features: VERSION_1 (so the header is the 12-byte struct
 * virtio_net_hdr with num_buffers), MAC, STATUS, CTRL_VQ and CTRL_RX.
 * No offloads and no mergeable buffers: every receive buffer holds a
 * header and a whole frame.
 *
 * Receive filtering: a device starts out promiscuous (QEMU's does), and
 * on a fabric that hands every VM every frame that buries a node in the
 * traffic of the others.  With CTRL_VQ and CTRL_RX, probe sends
 * VIRTIO_NET_CTRL_RX_PROMISC off on the control queue (queue 2), so the
 * device passes only frames for our MAC and broadcasts (ARP) - the stack
 * uses no multicast, so the multicast table stays empty and ALLMULTI
 * off.  virtio_net.promisc=1 turns promiscuous mode on instead (to show
 * what filtering saves).  A control command waits up to VNET_CTRL_WAIT_US
 * for the device's ack; a failed or unanswered command is logged, never
 * fatal, and after a timeout the control queue is not used again (the
 * device still owns the buffer).  The commands go out after DRIVER_OK
 * but before the receive buffers are posted, so no frame arrives
 * unfiltered.  Without the features (or without F_MAC: the device would
 * filter on a MAC that is not ours) the device stays as it is, with one
 * log line.  netdev_rx() drops (and counts in rx_dropped_foreign)
 * whatever is still not for us.
 *
 * Receive: all VNET_RX_BUFS buffers are posted at probe; poll() hands
 * each completed one to netdev_rx() and posts it again.  The receive
 * queue's MSI-X vector runs vnet_irq(), which suppresses further
 * interrupts on the queue and wakes the netdev receive thread.
 * Transmit: xmit() reclaims completed buffers, copies the gather list
 * behind a zeroed header into a free buffer and kicks; the transmit
 * queue has no interrupt (reclaim also happens in poll()).
 *
 * Locking: tx_lock (irqsave) protects the transmit queue and its free
 * buffer stack; the receive queue is touched only by the receive thread
 * (poll) and, for the interrupt-suppression flag, by vnet_irq().
 */
#define pr_fmt(fmt) "virtio-net: " fmt

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/netdev.h>
#include <tessera/params.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/virtio.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/page.h>
#include <asm/traps.h>

#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_F_CTRL_VQ	17
#define VIRTIO_NET_F_CTRL_RX	18
#define VIRTIO_NET_S_LINK_UP	1

/* Control queue commands (virtio 1.x, "Control Virtqueue"). */
#define VIRTIO_NET_CTRL_RX		0	/* class */
#define VIRTIO_NET_CTRL_RX_PROMISC	0
#define VIRTIO_NET_CTRL_RX_ALLMULTI	1
#define VIRTIO_NET_OK			0
#define VIRTIO_NET_ERR			1
#define VNET_CTRL_ACK_NONE		0xff	/* not written yet */
#define VNET_CTRL_WAIT_US		1000000

#define VNET_CFG_MAC		0
#define VNET_CFG_STATUS		6

#define VNET_RXQ		0
#define VNET_TXQ		1
#define VNET_CTRLQ		2	/* without MQ: after the one pair */
#define VNET_CTRL_BUFS		8
#define VNET_RX_BUFS		256
#define VNET_TX_BUFS		256
#define VNET_BUF_SIZE		2048
#define VNET_MAX_DEVS		8

struct virtio_net_hdr {
	u8 flags;
	u8 gso_type;
	__le16 hdr_len;
	__le16 gso_size;
	__le16 csum_start;
	__le16 csum_offset;
	__le16 num_buffers;
} __packed;
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio_net_hdr");
_Static_assert(sizeof(struct virtio_net_hdr) + ETH_MAX_FRAME <= VNET_BUF_SIZE,
	       "buffer holds a header and a frame");

/* One control command in DMA memory: header, one data byte, the ack. */
struct vnet_ctrl {
	u8 class;
	u8 cmd;
	u8 data;
	u8 ack;				/* device writes */
};

struct vnet {
	struct netdev ndev;
	struct virtio_device vdev;
	struct virtqueue rxq, txq, ctrlq;
	void *ctrl_tokens[VNET_CTRL_BUFS];
	u32 ctrl_lens[VNET_CTRL_BUFS];
	struct vnet_ctrl *ctrl;		/* a page of its own; NULL: no ctrlq */
	void *rx_tokens[VNET_RX_BUFS], *tx_tokens[VNET_TX_BUFS];
	u32 rx_lens[VNET_RX_BUFS], tx_lens[VNET_TX_BUFS];
	u8 *rx_pool, *tx_pool;		/* VNET_BUF_SIZE each */
	unsigned int pool_order;
	spinlock_t tx_lock;
	u16 tx_free[VNET_TX_BUFS];	/* stack of free tx buffers */
	unsigned int nr_tx_free;	/* protected by tx_lock */
	int vector;			/* -1: polled only */
	bool has_status;
};

static struct vnet *vnet_by_vector[NR_VECTORS];

static bool vnet_promisc;
PARAM_BOOL("virtio_net.promisc", vnet_promisc,
	   "leave virtio-net devices promiscuous: receive every frame on the fabric, not only ours and broadcasts (for tests)");

/* Tokens are buffer index + 1 (never NULL). */
static void *buf_token(unsigned int i)
{
	return (void *)(unsigned long)(i + 1);
}

static unsigned int token_buf(void *token)
{
	return (unsigned long)token - 1;
}

static int vnet_post_rx(struct vnet *vn, unsigned int i)
{
	return virtqueue_add_buf(&vn->rxq,
				 __pa(vn->rx_pool + i * VNET_BUF_SIZE),
				 VNET_BUF_SIZE, true, buf_token(i));
}

/* Take back transmitted buffers; tx_lock held. */
static void vnet_reclaim_tx(struct vnet *vn)
{
	void *token;
	u32 len;

	while ((token = virtqueue_get_buf(&vn->txq, &len))) {
		unsigned int i = token_buf(token);

		if (i >= VNET_TX_BUFS || vn->nr_tx_free >= VNET_TX_BUFS) {
			vn->ndev.stats.tx_errors++;
			continue;
		}
		vn->tx_free[vn->nr_tx_free++] = i;
	}
}

static int vnet_xmit(struct netdev *dev, const struct kvec *iov,
		     unsigned int n)
{
	struct vnet *vn = dev->priv;
	struct virtio_net_hdr *hdr;
	unsigned long flags;
	size_t len = 0;
	unsigned int i, buf;
	u8 *p;
	int ret;

	for (i = 0; i < n; i++)
		len += iov[i].len;
	if (len < ETH_HLEN || len > ETH_MAX_FRAME)
		return -EMSGSIZE;

	if (!netdev_tx_lock(&vn->tx_lock, &flags))
		return -EBUSY;
	vnet_reclaim_tx(vn);
	if (!vn->nr_tx_free) {
		ret = -EBUSY;
		goto out;
	}
	buf = vn->tx_free[--vn->nr_tx_free];
	hdr = (struct virtio_net_hdr *)(vn->tx_pool + buf * VNET_BUF_SIZE);
	memset(hdr, 0, sizeof(*hdr));
	p = (u8 *)(hdr + 1);
	for (i = 0; i < n; i++) {
		memcpy(p, iov[i].base, iov[i].len);
		p += iov[i].len;
	}
	ret = virtqueue_add_buf(&vn->txq, __pa(hdr), sizeof(*hdr) + len,
				false, buf_token(buf));
	if (ret) {
		vn->tx_free[vn->nr_tx_free++] = buf;
		ret = -EBUSY;
		goto out;
	}
	virtqueue_kick(&vn->txq);
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
out:
	spin_unlock_irqrestore(&vn->tx_lock, flags);
	return ret;
}

static int vnet_poll(struct netdev *dev, int budget)
{
	struct vnet *vn = dev->priv;
	unsigned long flags;
	unsigned int backlog, posted;
	int done = 0;

	backlog = virtqueue_used_backlog(&vn->rxq, &posted);
	if (backlog > dev->stats.rx_backlog_max)
		dev->stats.rx_backlog_max = backlog;
	if (backlog && backlog == posted)
		dev->stats.rx_ring_full++;
	while (done < budget) {
		u32 len;
		void *token = virtqueue_get_buf(&vn->rxq, &len);
		unsigned int i;

		if (!token)
			break;
		i = token_buf(token);
		if (i >= VNET_RX_BUFS) {
			dev->stats.rx_errors++;
			continue;
		}
		if (len < sizeof(struct virtio_net_hdr) + ETH_HLEN)
			dev->stats.rx_errors++;
		else
			netdev_rx(dev, vn->rx_pool + i * VNET_BUF_SIZE +
				  sizeof(struct virtio_net_hdr),
				  len - sizeof(struct virtio_net_hdr));
		if (vnet_post_rx(vn, i))
			dev->stats.rx_errors++;
		done++;
	}
	if (done)
		virtqueue_kick(&vn->rxq);

	spin_lock_irqsave(&vn->tx_lock, flags);
	vnet_reclaim_tx(vn);
	spin_unlock_irqrestore(&vn->tx_lock, flags);
	return done;
}

static void vnet_irq_enable(struct netdev *dev, bool on)
{
	struct vnet *vn = dev->priv;

	if (on && vn->vector >= 0)
		virtqueue_enable_cb(&vn->rxq);
	else
		virtqueue_disable_cb(&vn->rxq);
}

static bool vnet_link_up(struct netdev *dev)
{
	struct vnet *vn = dev->priv;
	__le16 status;

	if (!vn->has_status)
		return true;	/* without STATUS the link is always up */
	if (virtio_pci_read_config(&vn->vdev, VNET_CFG_STATUS, &status,
				   sizeof(status)))
		return false;
	return status & VIRTIO_NET_S_LINK_UP;
}

static const struct netdev_ops vnet_ops = {
	.xmit = vnet_xmit,
	.poll = vnet_poll,
	.irq_enable = vnet_irq_enable,
	.link_up = vnet_link_up,
};

static void vnet_irq(struct pt_regs *regs, unsigned int vector)
{
	struct vnet *vn = vnet_by_vector[vector];

	if (vn) {
		virtqueue_disable_cb(&vn->rxq);
		netdev_rx_irq(&vn->ndev);
	}
	apic_eoi();
}

static void vnet_free_vq(struct virtqueue *vq)
{
	if (vq->desc)
		free_pages((unsigned long)vq->desc, vq->order);
	vq->desc = NULL;
}

static void vnet_teardown_irq(struct vnet *vn)
{
	if (vn->vector < 0)
		return;
	idt_clear_irq_handler(vn->vector);
	vnet_by_vector[vn->vector] = NULL;
	irq_free_vector(vn->vector);
	vn->vector = -1;
}

/* MSI-X entry 0 for the receive queue; -1 leaves the device polled. */
static int vnet_setup_irq(struct vnet *vn)
{
	u8 vec;
	int v, ret;

	if (!vn->vdev.pci->msix_cap)
		return -ENODEV;
	v = irq_alloc_vector();
	if (v < 0)
		return v;
	vnet_by_vector[v] = vn;
	ret = idt_set_irq_handler(v, vnet_irq);
	if (ret)
		goto free_vector;
	vec = v;
	ret = pci_enable_msix(vn->vdev.pci, &vec, NULL, 1);
	if (ret)
		goto clear_handler;
	vn->vector = v;
	return 0;

clear_handler:
	idt_clear_irq_handler(v);
free_vector:
	vnet_by_vector[v] = NULL;
	irq_free_vector(v);
	return ret;
}

/*
 * Send one control command with a one-byte argument and wait for the
 * device's ack.  0, -EIO (the device answered VIRTIO_NET_ERR or wrote no
 * ack), -ETIMEDOUT (no answer: the queue is given up) or -ENODEV.
 */
static int vnet_ctrl_cmd(struct vnet *vn, u8 class, u8 cmd, u8 data)
{
	struct vnet_ctrl *c = vn->ctrl;
	struct virtqueue_seg seg[3];
	unsigned int us;
	void *token;
	u32 len;
	int ret;

	if (!c)
		return -ENODEV;
	seg[0] = (struct virtqueue_seg){ __pa(&c->class), 2, false };
	seg[1] = (struct virtqueue_seg){ __pa(&c->data), 1, false };
	seg[2] = (struct virtqueue_seg){ __pa(&c->ack), 1, true };
	c->class = class;
	c->cmd = cmd;
	c->data = data;
	WRITE_ONCE(c->ack, VNET_CTRL_ACK_NONE);
	ret = virtqueue_add_chain(&vn->ctrlq, seg, ARRAY_SIZE(seg), c);
	if (ret)
		return -EIO;
	virtqueue_kick(&vn->ctrlq);
	for (us = 0; us < VNET_CTRL_WAIT_US; us += 10) {
		token = virtqueue_get_buf(&vn->ctrlq, &len);
		if (token)
			break;
		udelay(10);
	}
	if (!token) {
		/* It may still write the ack: keep the page, stop using it. */
		vn->ctrl = NULL;
		return -ETIMEDOUT;
	}
	if (token != c || len < 1 ||
	    READ_ONCE(c->ack) != VIRTIO_NET_OK)
		return -EIO;
	return 0;
}

/*
 * Promiscuous mode off (or on, virtio_net.promisc=1), before any receive
 * buffer is posted so that no frame gets in unfiltered.  Returns what to
 * log once the device has its name; a failure is not fatal.
 */
static const char *vnet_set_rx_mode(struct vnet *vn, int ctrl_err, int *err)
{
	*err = ctrl_err;
	if (ctrl_err)
		return "no control queue: the device stays promiscuous";
	if (!vn->ctrl)
		return "no CTRL_VQ/CTRL_RX: the device stays promiscuous";
	/* It filters on the MAC it knows: without F_MAC that is not ours. */
	if (!virtio_has_feature(&vn->vdev, VIRTIO_NET_F_MAC))
		return "no MAC feature: the device stays promiscuous";
	*err = vnet_ctrl_cmd(vn, VIRTIO_NET_CTRL_RX,
			     VIRTIO_NET_CTRL_RX_PROMISC, vnet_promisc);
	if (*err)
		return vnet_promisc ? "promiscuous mode on failed" :
				      "promiscuous mode off failed";
	/* No multicast group to join: ALLMULTI off, the table empty. */
	*err = vnet_ctrl_cmd(vn, VIRTIO_NET_CTRL_RX,
			     VIRTIO_NET_CTRL_RX_ALLMULTI, vnet_promisc);
	if (*err)
		return vnet_promisc ? "all-multicast on failed" :
				      "all-multicast off failed";
	return vnet_promisc ? "promiscuous (virtio_net.promisc=1)" :
			      "our MAC and broadcast only";
}

/*
 * The control queue, if the device offers CTRL_VQ and CTRL_RX.  0 (also
 * without the features: vn->ctrl stays NULL) or -errno; a failure leaves
 * the device working, unfiltered.
 */
static int vnet_setup_ctrl(struct vnet *vn)
{
	struct page *page;
	int ret;

	if (!virtio_has_feature(&vn->vdev, VIRTIO_NET_F_CTRL_VQ) ||
	    !virtio_has_feature(&vn->vdev, VIRTIO_NET_F_CTRL_RX))
		return 0;
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	if (!page)
		return -ENOMEM;
	ret = virtio_pci_setup_vq(&vn->vdev, &vn->ctrlq, VNET_CTRLQ,
				  VNET_CTRL_BUFS, VIRTIO_MSI_NO_VECTOR,
				  vn->ctrl_tokens, vn->ctrl_lens);
	if (ret) {
		__free_pages(page, 0);
		return ret;
	}
	virtqueue_disable_cb(&vn->ctrlq);
	vn->ctrl = page_address(page);
	return 0;
}

static int vnet_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vnet *vn;
	struct page *pages;
	const char *filter;
	u16 rx_vector;
	unsigned int i;
	int ret, ctrl_err, filter_err;

	vn = kzalloc(sizeof(*vn), GFP_KERNEL);
	if (!vn)
		return -ENOMEM;
	vn->vector = -1;
	spin_lock_init(&vn->tx_lock);
	ret = virtio_pci_init(&vn->vdev, pdev);
	if (ret)
		goto free_vn;
	ret = virtio_pci_negotiate(&vn->vdev, (1ULL << VIRTIO_NET_F_MAC) |
				   (1ULL << VIRTIO_NET_F_STATUS) |
				   (1ULL << VIRTIO_NET_F_CTRL_VQ) |
				   (1ULL << VIRTIO_NET_F_CTRL_RX));
	if (ret)
		goto free_vn;
	vn->has_status = virtio_has_feature(&vn->vdev, VIRTIO_NET_F_STATUS);

	vn->pool_order = get_order((size_t)VNET_RX_BUFS * VNET_BUF_SIZE);
	pages = alloc_pages(GFP_KERNEL, vn->pool_order);
	if (!pages) {
		ret = -ENOMEM;
		goto fail;
	}
	vn->rx_pool = page_address(pages);
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, vn->pool_order);
	if (!pages) {
		ret = -ENOMEM;
		goto free_rx_pool;
	}
	vn->tx_pool = page_address(pages);

	ret = vnet_setup_irq(vn);
	if (ret && ret != -ENODEV)
		pr_warn("no MSI-X interrupt (%d); receiving in polled mode\n",
			ret);
	rx_vector = vn->vector >= 0 ? 0 : VIRTIO_MSI_NO_VECTOR;
	ret = virtio_pci_setup_vq(&vn->vdev, &vn->rxq, VNET_RXQ, VNET_RX_BUFS,
				  rx_vector, vn->rx_tokens, vn->rx_lens);
	if (ret)
		goto reset;
	ret = virtio_pci_setup_vq(&vn->vdev, &vn->txq, VNET_TXQ, VNET_TX_BUFS,
				  VIRTIO_MSI_NO_VECTOR, vn->tx_tokens,
				  vn->tx_lens);
	if (ret)
		goto reset;
	ctrl_err = vnet_setup_ctrl(vn);
	/* No transmit interrupts: completions are reaped on demand. */
	virtqueue_disable_cb(&vn->txq);
	for (i = 0; i < vn->txq.num; i++)
		vn->tx_free[vn->nr_tx_free++] = i;
	virtqueue_disable_cb(&vn->rxq);

	if (virtio_has_feature(&vn->vdev, VIRTIO_NET_F_MAC)) {
		virtio_pci_read_config(&vn->vdev, VNET_CFG_MAC, vn->ndev.mac,
				       ETH_ALEN);
	} else {
		/* Locally administered, made unique enough by the slot. */
		static const u8 base[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 0 };

		memcpy(vn->ndev.mac, base, ETH_ALEN);
		vn->ndev.mac[4] = pdev->bus;
		vn->ndev.mac[5] = (pdev->slot << 3) | pdev->func;
	}

	virtio_pci_driver_ok(&vn->vdev);
	/* Control commands need DRIVER_OK; receive buffers wait for them. */
	filter = vnet_set_rx_mode(vn, ctrl_err, &filter_err);
	for (i = 0; i < vn->rxq.num; i++)
		vnet_post_rx(vn, i);
	virtqueue_kick(&vn->rxq);

	vn->ndev.ops = &vnet_ops;
	vn->ndev.priv = vn;
	vn->ndev.driver = "virtio-net";
	vn->ndev.mtu = ETH_DATA_LEN;
	vn->ndev.irq_mode = "MSI-X";
	vn->ndev.no_irq = vn->vector < 0;
	pdev->driver_data = vn;
	ret = netdev_register(&vn->ndev);
	if (ret)
		goto reset;
	if (filter_err)
		pr_err("%s: receive filter: %s (%d)\n", vn->ndev.name, filter,
		       filter_err);
	else
		pr_info("%s: receive filter: %s\n", vn->ndev.name, filter);
	return 0;

reset:
	/* After the reset the device no longer touches rings or buffers. */
	virtio_pci_reset(&vn->vdev);
	pdev->driver_data = NULL;
	vnet_free_vq(&vn->ctrlq);
	vnet_free_vq(&vn->txq);
	vnet_free_vq(&vn->rxq);
	if (vn->ctrl)
		free_pages((unsigned long)vn->ctrl, 0);
	vnet_teardown_irq(vn);
	free_pages((unsigned long)vn->tx_pool, vn->pool_order);
free_rx_pool:
	free_pages((unsigned long)vn->rx_pool, vn->pool_order);
fail:
	virtio_pci_fail(&vn->vdev);
free_vn:
	kfree(vn);
	return ret;
}

static const struct pci_device_id vnet_ids[] = {
	{ .vendor = VIRTIO_PCI_VENDOR_ID,
	  .device = VIRTIO_PCI_MODERN_DEVICE_BASE + VIRTIO_ID_NET },
	/* Transitional: accepted if it also has the modern interface. */
	{ .vendor = VIRTIO_PCI_VENDOR_ID, .device = 0x1000 },
	{}
};

static struct pci_driver vnet_driver = {
	.name = "virtio-net",
	.id_table = vnet_ids,
	.probe = vnet_probe,
};
PCI_DRIVER(vnet_driver);
