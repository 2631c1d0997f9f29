/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netdev core: device registration (eth0, eth1, ...), the per-device
 * receive thread, the receive filter and EtherType dispatch, and the
 * transmit entry point with its length checks.
 *
 * Receive (NAPI-shaped): the driver's interrupt handler suppresses its
 * interrupt and calls netdev_rx_irq(), which sets dev->rx_pending and
 * wakes "<name>-rx".  The thread polls with a budget until the ring is
 * empty, re-enables the interrupt and polls once more, so a frame that
 * arrived between the last poll and the re-enable is not left waiting
 * for the next interrupt.  In polled mode the thread never sleeps on the
 * interrupt: it polls, and yields the CPU whenever a poll finds nothing
 * (a busy poller must let its peer VM's vCPU run on a 2-core host).
 *
 * netdev_rx() runs on the receive thread.  It drops runts (rx_errors),
 * injected losses (net.drop=N, rx_dropped_fault) and frames with our own
 * source MAC (rx_dropped_own: multicast fabrics echo them back) and
 * frames for another node (rx_dropped_foreign: destination neither our
 * MAC nor broadcast; a device that filters, like virtio-net with
 * promiscuous mode off, delivers none), then hands the frame to the
 * handler registered for its EtherType (rx_dropped_noproto if none).
 *
 * Fault injection on what passed those filters (issue 16 part 8): one
 * frame in net.dup=N is handed over twice, one in net.reorder=N is held
 * and handed over after the next frame, one in net.corrupt=N gets one bit
 * flipped (in a copy; the driver's buffer is left alone) past the
 * Ethernet header: on a wire the FCS would have dropped a frame with a
 * damaged header (net.drop's case); damage past it is for the IP, UDP,
 * ICRC and FIT checksums to catch.  Which frames, and which bit, follow
 * from net.fault_seed= and the frame's number on its device, so a seed
 * gives the same choices on the same traffic.  The state (the held
 * frame, the copy) is per device and touched by its receive thread only
 * (and by netdev_set_rx_faults(), for tests, on a quiet device).
 *
 * Locking: netdev_lock protects the device table and the EtherType
 * table on writes; readers on the receive path read a handler pointer
 * once (READ_ONCE) and call it, so unregistering a handler does not wait
 * for a call in progress.  Counters are plain u64s written by the one
 * receive thread (rx side) or under the driver's transmit lock (tx side).
 * Lock order: netdev_lock is a leaf.
 */
#define pr_fmt(fmt) "netdev: " fmt

#include <tessera/atomic.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/net.h>
#include <tessera/netdev.h>
#include <tessera/params.h>
#include <tessera/pattern.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

#include "internal.h"

#define NETDEV_MAX		8
#define NETDEV_RX_BUDGET	64
#define NR_ETHERTYPES		16
#define ETH_P_MIN		0x0600	/* smaller values are 802.3 lengths */

struct ethertype_entry {
	u16 type;
	ethertype_handler_t handler;	/* NULL: slot free */
};

static DEFINE_SPINLOCK(netdev_lock);
static struct netdev *netdevs[NETDEV_MAX];	/* protected by netdev_lock */
static unsigned int nr_netdevs;
static struct ethertype_entry ethertypes[NR_ETHERTYPES];

static unsigned int rx_drop_every;
PARAM_UINT("net.drop", rx_drop_every, 0, 1000000,
	   "fault injection: drop every Nth received frame (0: off)");
static unsigned int rx_drop_count;	/* frames seen by the filter */

static unsigned int rx_dup_rate, rx_reorder_rate, rx_corrupt_rate;
static unsigned int rx_fault_seed = 1;
PARAM_UINT("net.dup", rx_dup_rate, 0, 1000000,
	   "fault injection: hand one received frame in N over twice (0: off)");
PARAM_UINT("net.reorder", rx_reorder_rate, 0, 1000000,
	   "fault injection: hold one received frame in N until after the next (0: off)");
PARAM_UINT("net.corrupt", rx_corrupt_rate, 0, 1000000,
	   "fault injection: flip one bit of one received frame in N (0: off)");
PARAM_UINT("net.fault_seed", rx_fault_seed, 0, 0xffffffff,
	   "fault injection: seed of net.dup/reorder/corrupt's choice of frames");

/* Per device, used by its receive thread only. */
static struct netdev_rx_faults {
	u64 nr_frames;			/* frames that reached the faults */
	size_t held_len;		/* 0: none held */
	u8 held[ETH_MAX_FRAME];		/* net.reorder's frame */
	u8 copy[ETH_MAX_FRAME];		/* net.corrupt's damaged copy */
} rx_faults[NETDEV_MAX];

enum { RX_FAULT_DUP, RX_FAULT_REORDER, RX_FAULT_CORRUPT };

/* The hash that decides fault @kind for frame @nr; rate 0: never. */
static u64 rx_fault_draw(u64 nr, unsigned int kind)
{
	return pattern_word(rx_fault_seed, nr * 4 + kind);
}

static bool rx_fault_hit(u64 nr, unsigned int kind, unsigned int rate)
{
	return rate && rx_fault_draw(nr, kind) % rate == 0;
}

void netdev_set_rx_faults(const struct netdev_rx_faults_params *p)
{
	unsigned int i;

	WRITE_ONCE(rx_dup_rate, 0);
	WRITE_ONCE(rx_reorder_rate, 0);
	WRITE_ONCE(rx_corrupt_rate, 0);
	for (i = 0; i < NETDEV_MAX; i++) {
		rx_faults[i].nr_frames = 0;
		rx_faults[i].held_len = 0;
	}
	WRITE_ONCE(rx_fault_seed, p->seed);
	WRITE_ONCE(rx_corrupt_rate, p->corrupt);
	WRITE_ONCE(rx_reorder_rate, p->reorder);
	WRITE_ONCE(rx_dup_rate, p->dup);
}

void netdev_get_rx_faults(struct netdev_rx_faults_params *p)
{
	p->dup = READ_ONCE(rx_dup_rate);
	p->reorder = READ_ONCE(rx_reorder_rate);
	p->corrupt = READ_ONCE(rx_corrupt_rate);
	p->seed = READ_ONCE(rx_fault_seed);
}

void netdev_set_rx_drop_every(unsigned int n)
{
	WRITE_ONCE(rx_drop_every, n);
	WRITE_ONCE(rx_drop_count, 0);
}

unsigned int netdev_rx_drop_every(void)
{
	return READ_ONCE(rx_drop_every);
}

/* ------------------------------------------------------------------ */
/* EtherType table */

int netdev_register_ethertype(u16 type, ethertype_handler_t h)
{
	struct ethertype_entry *free = NULL;
	unsigned long flags;
	int i, ret = 0;

	if (type < ETH_P_MIN || !h)
		return -EINVAL;
	spin_lock_irqsave(&netdev_lock, flags);
	for (i = 0; i < NR_ETHERTYPES; i++) {
		if (ethertypes[i].handler && ethertypes[i].type == type) {
			ret = -EEXIST;
			goto out;
		}
		if (!ethertypes[i].handler && !free)
			free = &ethertypes[i];
	}
	if (!free) {
		ret = -ENOSPC;
		goto out;
	}
	free->type = type;
	/* The type before the handler that makes the slot live. */
	smp_wmb();
	WRITE_ONCE(free->handler, h);
out:
	spin_unlock_irqrestore(&netdev_lock, flags);
	return ret;
}

int netdev_unregister_ethertype(u16 type)
{
	unsigned long flags;
	int i, ret = -ENOENT;

	spin_lock_irqsave(&netdev_lock, flags);
	for (i = 0; i < NR_ETHERTYPES; i++) {
		if (ethertypes[i].handler && ethertypes[i].type == type) {
			WRITE_ONCE(ethertypes[i].handler, NULL);
			ret = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&netdev_lock, flags);
	return ret;
}

static ethertype_handler_t ethertype_lookup(u16 type)
{
	int i;

	for (i = 0; i < NR_ETHERTYPES; i++) {
		ethertype_handler_t h = READ_ONCE(ethertypes[i].handler);

		if (h && READ_ONCE(ethertypes[i].type) == type)
			return h;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Receive */

/*
 * Hand @f to @h with the injected faults: maybe damaged, maybe twice,
 * maybe held back until the next frame.  A held frame goes to the handler
 * of its own EtherType, looked up again when it is let go.
 */
static void netdev_rx_faulty(struct netdev *dev, ethertype_handler_t h,
			     const u8 *f, size_t len)
{
	struct netdev_rx_faults *rf = &rx_faults[dev->index];
	unsigned int corrupt = READ_ONCE(rx_corrupt_rate);
	u64 nr = rf->nr_frames++;
	size_t held_len = rf->held_len;

	/* Only a bit past the Ethernet header, which the wire's FCS covers. */
	if (len > ETH_HLEN && rx_fault_hit(nr, RX_FAULT_CORRUPT, corrupt)) {
		u64 bit = ETH_HLEN * 8 + rx_fault_draw(nr, RX_FAULT_CORRUPT) /
			  corrupt % ((len - ETH_HLEN) * 8);

		memcpy(rf->copy, f, len);
		rf->copy[bit / 8] ^= 1u << (bit % 8);
		f = rf->copy;
		dev->stats.rx_fault_corrupt++;
	}
	if (!held_len &&
	    rx_fault_hit(nr, RX_FAULT_REORDER, READ_ONCE(rx_reorder_rate))) {
		memcpy(rf->held, f, len);
		rf->held_len = len;
		dev->stats.rx_fault_reorder++;
		return;
	}
	h(dev, f, len);
	if (rx_fault_hit(nr, RX_FAULT_DUP, READ_ONCE(rx_dup_rate))) {
		dev->stats.rx_fault_dup++;
		h(dev, f, len);
	}
	if (held_len) {
		ethertype_handler_t hh;

		rf->held_len = 0;
		hh = ethertype_lookup(((u16)rf->held[12] << 8) | rf->held[13]);
		if (hh)
			hh(dev, rf->held, held_len);
	}
}

void netdev_rx(struct netdev *dev, const void *frame, size_t len)
{
	const u8 *f = frame;
	unsigned int every = READ_ONCE(rx_drop_every);
	ethertype_handler_t h;
	u16 type;

	if (len < ETH_HLEN || len > ETH_MAX_FRAME) {
		dev->stats.rx_errors++;
		return;
	}
	dev->stats.rx_packets++;
	dev->stats.rx_bytes += len;
	if (every && ++rx_drop_count % every == 0) {
		dev->stats.rx_dropped_fault++;
		return;
	}
	if (!memcmp(f + ETH_ALEN, dev->mac, ETH_ALEN)) {
		dev->stats.rx_dropped_own++;
		return;
	}
	/* Not to us nor broadcast (we join no multicast group). */
	if (memcmp(f, dev->mac, ETH_ALEN) && !eth_is_broadcast(f)) {
		dev->stats.rx_dropped_foreign++;
		return;
	}
	type = ((u16)f[12] << 8) | f[13];
	h = ethertype_lookup(type);
	if (!h) {
		dev->stats.rx_dropped_noproto++;
		return;
	}
	if (unlikely(rx_dup_rate | rx_reorder_rate | rx_corrupt_rate))
		netdev_rx_faulty(dev, h, f, len);
	else
		h(dev, f, len);
}

void netdev_rx_irq(struct netdev *dev)
{
	dev->stats.irqs++;
	WRITE_ONCE(dev->rx_pending, true);
	if (dev->rx_thread)
		wake_up_process(dev->rx_thread);
}

/* Poll until the ring is empty; then interrupts on and one more look. */
static void netdev_rx_drain(struct netdev *dev)
{
	for (;;) {
		if (dev->ops->poll(dev, NETDEV_RX_BUDGET) >=
		    NETDEV_RX_BUDGET) {
			cond_resched();
			continue;
		}
		if (READ_ONCE(dev->polled))
			return;
		dev->ops->irq_enable(dev, true);
		if (!dev->ops->poll(dev, NETDEV_RX_BUDGET))
			return;
		/* Raced with a frame: back to polling without interrupts. */
		dev->ops->irq_enable(dev, false);
	}
}

static int netdev_rx_thread(void *arg)
{
	struct netdev *dev = arg;

	while (!kthread_should_stop()) {
		if (READ_ONCE(dev->polled)) {
			if (!dev->ops->poll(dev, NETDEV_RX_BUDGET))
				yield();
			cond_resched();
			continue;
		}
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (!READ_ONCE(dev->rx_pending) && !READ_ONCE(dev->polled) &&
		    !kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
		WRITE_ONCE(dev->rx_pending, false);
		netdev_rx_drain(dev);
	}
	return 0;
}

void netdev_set_polled(struct netdev *dev, bool polled)
{
	if (dev->no_irq)
		polled = true;
	WRITE_ONCE(dev->polled, polled);
	dev->ops->irq_enable(dev, !polled);
	if (dev->rx_thread)
		wake_up_process(dev->rx_thread);
}

/* ------------------------------------------------------------------ */
/* Transmit */

int netdev_xmit(struct netdev *dev, const struct kvec *iov, unsigned int n)
{
	size_t len = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++)
		len += iov[i].len;
	if (len < ETH_HLEN || len > ETH_MAX_FRAME)
		return -EMSGSIZE;
	ret = dev->ops->xmit(dev, iov, n);
	if (ret == -EBUSY)
		dev->stats.tx_busy++;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Registration */

int netdev_register(struct netdev *dev)
{
	unsigned long flags;
	struct task *t;
	int index;

	spin_lock_irqsave(&netdev_lock, flags);
	if (nr_netdevs >= NETDEV_MAX) {
		spin_unlock_irqrestore(&netdev_lock, flags);
		pr_err("more than %d devices; %s not registered\n",
		       NETDEV_MAX, dev->driver ? dev->driver : "?");
		return -ENOSPC;
	}
	index = nr_netdevs++;
	spin_unlock_irqrestore(&netdev_lock, flags);

	dev->index = index;
	snprintf(dev->name, sizeof(dev->name), "eth%d", index);
	if (!dev->mtu)
		dev->mtu = ETH_DATA_LEN;
	dev->rx_pending = false;
	if (dev->no_irq)
		dev->polled = true;
	t = kthread_create(netdev_rx_thread, dev, "%s-rx", dev->name);
	if (IS_ERR(t)) {
		pr_err("%s: cannot start the receive thread (%ld)\n",
		       dev->name, PTR_ERR(t));
		return PTR_ERR(t);
	}
	dev->rx_thread = t;
	spin_lock_irqsave(&netdev_lock, flags);
	netdevs[index] = dev;
	spin_unlock_irqrestore(&netdev_lock, flags);
	wake_up_process(t);
	if (!dev->polled)
		dev->ops->irq_enable(dev, true);

	printk(KERN_INFO "%s: %s %02x:%02x:%02x:%02x:%02x:%02x, link %s, %s\n",
	       dev->name, dev->driver ? dev->driver : "?", dev->mac[0],
	       dev->mac[1], dev->mac[2], dev->mac[3], dev->mac[4], dev->mac[5],
	       dev->ops->link_up(dev) ? "up" : "down",
	       dev->polled ? "polled" :
	       (dev->irq_mode ? dev->irq_mode : "irq"));
	net_echo_device_added(dev);
	return 0;
}

struct netdev *netdev_get(int index)
{
	struct netdev *dev = NULL;
	unsigned long flags;

	if (index < 0 || index >= NETDEV_MAX)
		return NULL;
	spin_lock_irqsave(&netdev_lock, flags);
	dev = netdevs[index];
	spin_unlock_irqrestore(&netdev_lock, flags);
	return dev;
}

unsigned int netdev_count(void)
{
	return READ_ONCE(nr_netdevs);
}

void netdev_dump_stats(struct netdev *dev)
{
	struct netdev_stats *s = &dev->stats;

	pr_info("%s: rx %lu pkts %lu bytes, tx %lu pkts %lu bytes, irqs %lu\n",
		dev->name, s->rx_packets, s->rx_bytes, s->tx_packets,
		s->tx_bytes, s->irqs);
	pr_info("%s: dropped own %lu foreign %lu noproto %lu fault %lu, errors rx %lu tx %lu, tx busy %lu\n",
		dev->name, s->rx_dropped_own, s->rx_dropped_foreign,
		s->rx_dropped_noproto, s->rx_dropped_fault, s->rx_errors,
		s->tx_errors, s->tx_busy);
	pr_info("%s: rx ring full %lu, backlog max %lu\n", dev->name,
		s->rx_ring_full, s->rx_backlog_max);
	if (rx_dup_rate | rx_reorder_rate | rx_corrupt_rate)
		pr_info("%s: injected duplicated %lu reordered %lu corrupted %lu\n",
			dev->name, s->rx_fault_dup, s->rx_fault_reorder,
			s->rx_fault_corrupt);
}

void netdev_dump_all_stats(void)
{
	unsigned int i;

	for (i = 0; i < NETDEV_MAX; i++) {
		struct netdev *dev = netdev_get(i);

		if (dev)
			netdev_dump_stats(dev);
	}
}
