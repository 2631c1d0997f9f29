/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel 82540EM (e1000, QEMU's `-device e1000`) behind the netdev
 * interface, and the code the 82574L driver (e1000e.c) shares with it
 * through e1000_probe_chip() (e1000.h): reset, MAC address from RAL/RAH
 * (or the EEPROM), one
 * receive ring of E1000_NR_RX preallocated 2 KiB buffers, one transmit
 * ring whose preallocated buffers the gather list is copied into,
 * link state from STATUS.LU, and the receive interrupt: MSI when the
 * function has the capability, else legacy INTx through the IOAPIC,
 * else polled mode.  Register layout: e1000_hw.h.
 *
 * Receive: the interrupt handler reads ICR and writes the bits it saw
 * back (the 8254x clears ICR on the read; the 82574L only when no cause
 * is enabled, so the write-1-to-clear is what drops its INTx line), masks
 * the receive causes with IMC and wakes the
 * netdev receive thread; that thread calls e1000_poll() until the ring
 * is empty and unmasks with e1000_irq_enable().  Every descriptor the
 * device hands back is checked before its buffer is passed up: a frame
 * that is not complete in one buffer, has an error bit, or claims more
 * bytes than the buffer holds is dropped and counted.
 *
 * Locking: tx_lock (irqsave) protects the transmit ring and tx_tail /
 * tx_clean.  The receive ring (rx_next, rx_discard) belongs to the
 * device's receive thread alone.
 */
#define pr_fmt(fmt) "e1000: " fmt

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/netdev.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/page.h>
#include <asm/traps.h>

#include "e1000.h"
#include "e1000_hw.h"

#define E1000_NR_RX		256	/* ring bytes: a multiple of 128 */
#define E1000_NR_TX		256
#define E1000_BUF_SIZE		2048	/* RCTL.BSIZE */
#define E1000_RESET_WAIT_US	10000
#define E1000_EEPROM_WAIT_US	10000

_Static_assert(E1000_NR_RX * sizeof(struct e1000_rx_desc) % 128 == 0,
	       "RDLEN must be a multiple of 128");
_Static_assert(E1000_NR_TX * sizeof(struct e1000_tx_desc) % 128 == 0,
	       "TDLEN must be a multiple of 128");
_Static_assert(ETH_MAX_FRAME <= E1000_BUF_SIZE, "a frame fits a buffer");

struct e1000 {
	struct netdev ndev;
	struct pci_dev *pdev;
	const struct e1000_chip *chip;
	void *regs;

	struct e1000_rx_desc *rx_ring;
	u8 *rx_pool;			/* E1000_NR_RX buffers */
	unsigned int rx_next;		/* next descriptor to look at */
	bool rx_discard;		/* inside a frame being dropped */

	spinlock_t tx_lock;
	struct e1000_tx_desc *tx_ring;	/* protected by tx_lock */
	u8 *tx_pool;
	unsigned int tx_tail;		/* next to fill; tx_lock */
	unsigned int tx_clean;		/* oldest not reclaimed; tx_lock */

	int vector;			/* -1: polled */
	int gsi;			/* -1: not INTx */
	unsigned int pool_order, ring_order;

	/* Why received descriptors were dropped (also in rx_errors). */
	u64 rx_split;			/* frame larger than one buffer */
	u64 rx_hw_errors;		/* CRC, symbol, sequence, ... */
	u64 rx_bad_length;		/* > buffer or < Ethernet header */
};

static struct e1000 *e1000_by_vector[NR_VECTORS];

static inline u32 e1000_read(struct e1000 *nic, unsigned int reg)
{
	return readl((u8 *)nic->regs + reg);
}

static inline void e1000_write(struct e1000 *nic, unsigned int reg, u32 v)
{
	writel(v, (u8 *)nic->regs + reg);
}

static bool e1000_link_up(struct netdev *dev)
{
	struct e1000 *nic = dev->priv;

	return e1000_read(nic, E1000_STATUS) & E1000_STATUS_LU;
}

/* ------------------------------------------------------------------ */
/* Transmit */

/* Take back the descriptors the device has sent.  tx_lock held. */
static void e1000_tx_reclaim(struct e1000 *nic)
{
	while (nic->tx_clean != nic->tx_tail &&
	       (READ_ONCE(nic->tx_ring[nic->tx_clean].status) &
		E1000_TXD_STAT_DD))
		nic->tx_clean = (nic->tx_clean + 1) % E1000_NR_TX;
}

static int e1000_xmit(struct netdev *dev, const struct kvec *iov,
		      unsigned int n)
{
	struct e1000 *nic = dev->priv;
	struct e1000_tx_desc *d;
	unsigned long flags;
	size_t len = 0;
	unsigned int i, next;
	u8 *buf;
	int ret = 0;

	for (i = 0; i < n; i++)
		len += iov[i].len;
	if (len < ETH_HLEN || len > ETH_MAX_FRAME)
		return -EMSGSIZE;

	if (!netdev_tx_lock(&nic->tx_lock, &flags))
		return -EBUSY;
	e1000_tx_reclaim(nic);
	next = (nic->tx_tail + 1) % E1000_NR_TX;
	if (next == nic->tx_clean) {
		ret = -EBUSY;
		goto out;
	}
	buf = nic->tx_pool + (size_t)nic->tx_tail * E1000_BUF_SIZE;
	for (i = 0; i < n; i++) {
		memcpy(buf, iov[i].base, iov[i].len);
		buf += iov[i].len;
	}
	d = &nic->tx_ring[nic->tx_tail];
	d->addr = __pa(nic->tx_pool + (size_t)nic->tx_tail * E1000_BUF_SIZE);
	d->length = (u16)len;
	d->cso = 0;
	d->css = 0;
	d->special = 0;
	d->status = 0;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	/* x86 keeps stores in order: the descriptor is visible before TDT. */
	barrier();
	nic->tx_tail = next;
	e1000_write(nic, E1000_TDT, next);
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
out:
	spin_unlock_irqrestore(&nic->tx_lock, flags);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Receive */

/* Check what the device wrote back; true if the frame may go up. */
static bool e1000_rx_valid(struct e1000 *nic, u8 status, u8 errors,
			   unsigned int len)
{
	if (!(status & E1000_RXD_STAT_EOP)) {
		/* Frames never span buffers (LPE off): drop all its parts. */
		nic->rx_discard = true;
		nic->rx_split++;
		pr_warn_once("%s: frame larger than a receive buffer dropped\n",
			     nic->ndev.name);
		return false;
	}
	if (nic->rx_discard) {
		nic->rx_discard = false;
		return false;
	}
	if (errors & E1000_RXD_ERR_FRAME) {
		nic->rx_hw_errors++;
		pr_warn_once("%s: receive error 0x%02x, frame dropped\n",
			     nic->ndev.name, errors);
		return false;
	}
	if (len > E1000_BUF_SIZE || len < ETH_HLEN) {
		nic->rx_bad_length++;
		pr_warn_once("%s: descriptor claims %u bytes, frame dropped\n",
			     nic->ndev.name, len);
		return false;
	}
	return true;
}

static int e1000_poll(struct netdev *dev, int budget)
{
	struct e1000 *nic = dev->priv;
	unsigned int last = E1000_NR_RX;
	int done = 0;

	while (done < budget) {
		unsigned int i = nic->rx_next;
		struct e1000_rx_desc *d = &nic->rx_ring[i];
		u8 status = READ_ONCE(d->status);
		u8 errors;
		u16 len;

		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* Loads are not reordered on x86: the rest is complete. */
		barrier();
		len = READ_ONCE(d->length);
		errors = READ_ONCE(d->errors);
		if (e1000_rx_valid(nic, status, errors, len))
			netdev_rx(dev, nic->rx_pool + (size_t)i * E1000_BUF_SIZE,
				  len);
		else
			dev->stats.rx_errors++;

		/* Give the buffer back, its address rewritten for good measure. */
		d->addr = __pa(nic->rx_pool + (size_t)i * E1000_BUF_SIZE);
		d->status = 0;
		last = i;
		nic->rx_next = (i + 1) % E1000_NR_RX;
		done++;
	}
	if (last != E1000_NR_RX) {
		barrier();
		e1000_write(nic, E1000_RDT, last);
	}
	return done;
}

static void e1000_irq_enable(struct netdev *dev, bool on)
{
	struct e1000 *nic = dev->priv;

	if (on && nic->vector >= 0)
		e1000_write(nic, E1000_IMS, E1000_IMS_RX | E1000_ICR_LSC);
	else
		e1000_write(nic, E1000_IMC, E1000_IMS_RX);
}

static const struct netdev_ops e1000_ops = {
	.xmit = e1000_xmit,
	.poll = e1000_poll,
	.irq_enable = e1000_irq_enable,
	.link_up = e1000_link_up,
};

static void e1000_irq(struct pt_regs *regs, unsigned int vector)
{
	struct e1000 *nic = vector < NR_VECTORS ? e1000_by_vector[vector] :
			    NULL;
	u32 icr;

	if (nic) {
		/* Clear what we saw (the read alone does on the 8254x). */
		icr = e1000_read(nic, E1000_ICR);
		if (icr)
			e1000_write(nic, E1000_ICR, icr);
		if (icr & E1000_ICR_LSC)
			pr_info("%s: link %s\n", nic->ndev.name,
				e1000_link_up(&nic->ndev) ? "up" : "down");
		if (icr & E1000_IMS_RX) {
			e1000_write(nic, E1000_IMC, E1000_IMS_RX);
			netdev_rx_irq(&nic->ndev);
		}
	}
	apic_eoi();
}

/* ------------------------------------------------------------------ */
/* Setup */

static int e1000_reset(struct e1000 *nic)
{
	unsigned int waited;

	e1000_write(nic, E1000_IMC, ~0u);
	e1000_write(nic, E1000_CTRL,
		    e1000_read(nic, E1000_CTRL) | E1000_CTRL_RST);
	for (waited = 0; e1000_read(nic, E1000_CTRL) & E1000_CTRL_RST;
	     waited += 10) {
		if (waited >= E1000_RESET_WAIT_US)
			return -ETIMEDOUT;
		udelay(10);
	}
	/* The reset re-enables nothing, but be sure: all causes masked. */
	e1000_write(nic, E1000_IMC, ~0u);
	e1000_write(nic, E1000_ICR, e1000_read(nic, E1000_ICR));
	return 0;
}

static int e1000_eeprom_read(struct e1000 *nic, unsigned int word, u16 *out)
{
	unsigned int waited;
	u32 v;

	e1000_write(nic, E1000_EERD, E1000_EERD_START |
		    (word << nic->chip->eerd_addr_shift));
	for (waited = 0; waited < E1000_EEPROM_WAIT_US; waited++) {
		v = e1000_read(nic, E1000_EERD);
		if (v & nic->chip->eerd_done) {
			*out = (u16)(v >> E1000_EERD_DATA_SHIFT);
			return 0;
		}
		udelay(1);
	}
	return -ETIMEDOUT;
}

static bool e1000_mac_valid(const u8 *mac)
{
	static const u8 zero[ETH_ALEN];

	return !(mac[0] & 1) && memcmp(mac, zero, ETH_ALEN);
}

/* The MAC from receive address 0, else from EEPROM words 0..2. */
static int e1000_read_mac(struct e1000 *nic, u8 *mac)
{
	u32 ral = e1000_read(nic, E1000_RAL0);
	u32 rah = e1000_read(nic, E1000_RAH0);
	unsigned int i;
	u16 w;

	for (i = 0; i < 4; i++)
		mac[i] = (u8)(ral >> (8 * i));
	mac[4] = (u8)rah;
	mac[5] = (u8)(rah >> 8);
	if ((rah & E1000_RAH_AV) && e1000_mac_valid(mac))
		return 0;

	for (i = 0; i < 3; i++) {
		if (e1000_eeprom_read(nic, i, &w))
			return -EIO;
		mac[2 * i] = (u8)w;
		mac[2 * i + 1] = (u8)(w >> 8);
	}
	if (!e1000_mac_valid(mac))
		return -EINVAL;
	e1000_write(nic, E1000_RAL0, mac[0] | mac[1] << 8 | mac[2] << 16 |
		    (u32)mac[3] << 24);
	e1000_write(nic, E1000_RAH0, mac[4] | mac[5] << 8 | E1000_RAH_AV);
	return 0;
}

static int e1000_alloc_rings(struct e1000 *nic)
{
	struct page *p;

	nic->ring_order = get_order(E1000_NR_RX * sizeof(struct e1000_rx_desc));
	nic->pool_order = get_order((size_t)E1000_NR_RX * E1000_BUF_SIZE);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, nic->ring_order);
	if (!p)
		goto fail;
	nic->rx_ring = page_address(p);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, nic->ring_order);
	if (!p)
		goto free_rx_ring;
	nic->tx_ring = page_address(p);
	p = alloc_pages(GFP_KERNEL, nic->pool_order);
	if (!p)
		goto free_tx_ring;
	nic->rx_pool = page_address(p);
	p = alloc_pages(GFP_KERNEL, nic->pool_order);
	if (!p)
		goto free_rx_pool;
	nic->tx_pool = page_address(p);
	return 0;

free_rx_pool:
	free_pages((unsigned long)nic->rx_pool, nic->pool_order);
free_tx_ring:
	free_pages((unsigned long)nic->tx_ring, nic->ring_order);
free_rx_ring:
	free_pages((unsigned long)nic->rx_ring, nic->ring_order);
fail:
	return -ENOMEM;
}

static void e1000_free_rings(struct e1000 *nic)
{
	free_pages((unsigned long)nic->tx_pool, nic->pool_order);
	free_pages((unsigned long)nic->rx_pool, nic->pool_order);
	free_pages((unsigned long)nic->tx_ring, nic->ring_order);
	free_pages((unsigned long)nic->rx_ring, nic->ring_order);
}

static void e1000_setup_rx(struct e1000 *nic)
{
	u64 ring = __pa(nic->rx_ring);
	unsigned int i;

	for (i = 0; i < E1000_MTA_WORDS; i++)
		e1000_write(nic, E1000_MTA + 4 * i, 0);
	for (i = 0; i < E1000_NR_RX; i++) {
		nic->rx_ring[i].addr =
			__pa(nic->rx_pool + (size_t)i * E1000_BUF_SIZE);
		nic->rx_ring[i].status = 0;
	}
	e1000_write(nic, E1000_RDBAL, (u32)ring);
	e1000_write(nic, E1000_RDBAH, (u32)(ring >> 32));
	e1000_write(nic, E1000_RDLEN,
		    E1000_NR_RX * sizeof(struct e1000_rx_desc));
	e1000_write(nic, E1000_RDH, 0);
	/* The device owns every descriptor but one (head == tail: empty). */
	e1000_write(nic, E1000_RDT, E1000_NR_RX - 1);
	e1000_write(nic, E1000_RDTR, 0);	/* interrupt at once */
	e1000_write(nic, E1000_ITR, 0);
	nic->rx_next = 0;
	e1000_write(nic, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM |
		    E1000_RCTL_BSIZE_2048 | E1000_RCTL_SECRC |
		    E1000_RCTL_RDMTS_HALF);
}

static void e1000_setup_tx(struct e1000 *nic)
{
	u64 ring = __pa(nic->tx_ring);

	e1000_write(nic, E1000_TDBAL, (u32)ring);
	e1000_write(nic, E1000_TDBAH, (u32)(ring >> 32));
	e1000_write(nic, E1000_TDLEN,
		    E1000_NR_TX * sizeof(struct e1000_tx_desc));
	e1000_write(nic, E1000_TDH, 0);
	e1000_write(nic, E1000_TDT, 0);
	nic->tx_tail = nic->tx_clean = 0;
	e1000_write(nic, E1000_TIPG, E1000_TIPG_COPPER);
	e1000_write(nic, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
		    E1000_TCTL_CT | E1000_TCTL_COLD_FD);
}

/* Route legacy INTx: the line register names an ISA IRQ on i440fx/PIIX. */
static int e1000_route_intx(struct e1000 *nic, u8 vector)
{
	struct pci_dev *pdev = nic->pdev;
	bool level = true, active_low = true;
	int gsi, ret;

	if (!pdev->irq_pin || pdev->irq_line == 0 || pdev->irq_line == 0xff)
		return -ENODEV;
	if (pdev->irq_line < 16) {
		gsi = ioapic_isa_irq_to_gsi(pdev->irq_line);
		if (gsi < 0)
			return gsi;
		/*
		 * An override in the MADT says how the line is wired (QEMU:
		 * level, active high); without one it is plain PCI: level,
		 * active low.
		 */
		ioapic_isa_irq_mode(pdev->irq_line, &level, &active_low);
		if (!level) {
			level = true;
			active_low = true;
		}
	} else {
		gsi = pdev->irq_line;
	}
	ret = ioapic_route_irq(gsi, vector, 0, level, active_low);
	if (ret)
		return ret;
	ret = ioapic_unmask(gsi);
	if (ret)
		return ret;
	nic->gsi = gsi;
	return 0;
}

static int e1000_setup_irq(struct e1000 *nic)
{
	int v, ret;

	v = irq_alloc_vector();
	if (v < 0)
		return v;
	e1000_by_vector[v] = nic;
	ret = idt_set_irq_handler(v, e1000_irq);
	if (ret)
		goto free_vector;
	if (nic->pdev->msi_cap && !pci_enable_msi(nic->pdev, (u8)v, 0)) {
		nic->ndev.irq_mode = "MSI";
	} else {
		ret = e1000_route_intx(nic, (u8)v);
		if (ret)
			goto clear_handler;
		nic->ndev.irq_mode = "INTx";
	}
	nic->vector = v;
	return 0;

clear_handler:
	idt_clear_irq_handler(v);
free_vector:
	e1000_by_vector[v] = NULL;
	irq_free_vector(v);
	return ret;
}

int e1000_probe_chip(struct pci_dev *pdev, const struct e1000_chip *chip)
{
	struct e1000 *nic;
	int ret;

	nic = kzalloc(sizeof(*nic), GFP_KERNEL);
	if (!nic)
		return -ENOMEM;
	nic->pdev = pdev;
	nic->chip = chip;
	nic->vector = -1;
	nic->gsi = -1;
	spin_lock_init(&nic->tx_lock);

	pci_enable_device(pdev);
	pci_set_master(pdev);
	nic->regs = pci_iomap(pdev, 0);
	if (!nic->regs) {
		ret = -ENODEV;
		goto free_nic;
	}
	ret = e1000_reset(nic);
	if (ret)
		goto free_nic;
	if (chip->ctrl_ext_set)
		e1000_write(nic, E1000_CTRL_EXT, e1000_read(nic, E1000_CTRL_EXT) |
			    chip->ctrl_ext_set);
	ret = e1000_read_mac(nic, nic->ndev.mac);
	if (ret)
		goto free_nic;
	ret = e1000_alloc_rings(nic);
	if (ret)
		goto free_nic;
	e1000_setup_rx(nic);
	e1000_setup_tx(nic);
	e1000_write(nic, E1000_CTRL, e1000_read(nic, E1000_CTRL) |
		    E1000_CTRL_SLU | E1000_CTRL_ASDE);

	ret = e1000_setup_irq(nic);
	if (ret) {
		pr_warn("no interrupt (%d); receiving in polled mode\n", ret);
		nic->ndev.irq_mode = "polled";
	}
	nic->ndev.ops = &e1000_ops;
	nic->ndev.priv = nic;
	nic->ndev.driver = chip->name;
	nic->ndev.mtu = ETH_DATA_LEN;
	nic->ndev.polled = nic->vector < 0;
	pdev->driver_data = nic;
	ret = netdev_register(&nic->ndev);
	if (ret)
		goto reset;
	return 0;

reset:
	/* After the reset the device no longer touches rings or buffers. */
	e1000_reset(nic);
	pdev->driver_data = NULL;
	if (nic->vector >= 0) {
		if (nic->gsi >= 0)
			ioapic_mask(nic->gsi);
		idt_clear_irq_handler(nic->vector);
		e1000_by_vector[nic->vector] = NULL;
		irq_free_vector(nic->vector);
	}
	e1000_free_rings(nic);
free_nic:
	kfree(nic);
	return ret;
}

static const struct e1000_chip e1000_82540em = {
	.name = "e1000",
	.eerd_done = E1000_EERD_DONE,
	.eerd_addr_shift = E1000_EERD_ADDR_SHIFT,
};

static int e1000_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return e1000_probe_chip(pdev, &e1000_82540em);
}

static const struct pci_device_id e1000_ids[] = {
	{ .vendor = E1000_VENDOR_INTEL, .device = E1000_DEV_82540EM },
	{ 0 },
};

static struct pci_driver e1000_driver = {
	.name = "e1000",
	.id_table = e1000_ids,
	.probe = e1000_probe,
};
PCI_DRIVER(e1000_driver);
