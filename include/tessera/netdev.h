/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network devices: what an Ethernet driver (virtio-net, e1000) offers to
 * the stack above it (net/), and the receive path back up.
 *
 * Transmit takes a gather list and copies it into a preallocated device
 * buffer; it never sleeps and may be called from any context (-EBUSY when
 * the ring is full).  Receive: the driver hands each frame to netdev_rx()
 * from its receive context, which drops frames whose source MAC is our own
 * (multicast virtual switches echo them back) and frames addressed to
 * neither our MAC nor broadcast, counts, and passes the rest to the
 * protocol handler registered for the EtherType.  Handlers must
 * finish with the frame before returning (the buffer is reused).
 *
 * Receive context: each device has a kthread ("<name>-rx") that the
 * device interrupt wakes; it polls the ring until empty and re-enables
 * the interrupt (NAPI-style).  In polled mode (netdev_set_polled) the
 * kthread keeps polling without interrupts.
 */
#ifndef _TESSERA_NETDEV_H
#define _TESSERA_NETDEV_H

#include <tessera/compiler.h>
#include <tessera/panic.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>

#define ETH_ALEN		6
#define ETH_HLEN		14
#define ETH_DATA_LEN		1500
#define ETH_FRAME_LEN		1514
#define ETH_MAX_FRAME		(ETH_FRAME_LEN + 4)	/* room for a VLAN tag */

struct kvec {
	const void *base;
	size_t len;
};

struct netdev_stats {
	u64 rx_packets, rx_bytes, tx_packets, tx_bytes;
	u64 rx_dropped_own;	/* our own frames echoed back */
	u64 rx_dropped_foreign;	/* for another MAC, not broadcast */
	u64 rx_dropped_noproto;	/* no handler for the EtherType */
	u64 rx_errors, tx_errors, tx_busy;
	u64 rx_dropped_fault;	/* injected loss (fault injection) */
	/* Fault injection (net.dup, net.reorder, net.corrupt): frames */
	u64 rx_fault_dup;	/* delivered twice */
	u64 rx_fault_reorder;	/* held and delivered after the next one */
	u64 rx_fault_corrupt;	/* delivered with one bit flipped */
	u64 irqs;
	/*
	 * Receive ring (drivers that know it): polls that found every
	 * posted buffer filled (the device had to hold frames back or drop
	 * them), and the most filled buffers one poll found waiting.
	 */
	u64 rx_ring_full, rx_backlog_max;
};

struct netdev;

struct netdev_ops {
	/* Queue one frame (the concatenation of iov); 0, -EBUSY, -EMSGSIZE. */
	int (*xmit)(struct netdev *dev, const struct kvec *iov, unsigned int n);
	/* Deliver up to @budget received frames; returns how many. */
	int (*poll)(struct netdev *dev, int budget);
	/* Enable or disable the receive interrupt. */
	void (*irq_enable)(struct netdev *dev, bool on);
	/* Current link state. */
	bool (*link_up)(struct netdev *dev);
};

struct netdev {
	char name[16];			/* "eth0" */
	u8 mac[ETH_ALEN];
	unsigned int mtu;		/* payload bytes, 1500 */
	const struct netdev_ops *ops;
	void *priv;			/* driver's */
	const char *driver;		/* "virtio-net", for the log */
	const char *irq_mode;		/* "MSI-X", "MSI", "INTx", "polled" */
	struct netdev_stats stats;
	/* Set by the core: */
	int index;
	struct task *rx_thread;
	bool no_irq;			/* driver: no interrupt, always polled */
	volatile bool polled;
	volatile bool rx_pending;
};

/*
 * Register a probed device: assigns ethN, starts its receive thread,
 * enables its interrupt.  0 or -errno.
 */
int netdev_register(struct netdev *dev);
/* The driver's interrupt handler calls this (irqs off, after masking). */
void netdev_rx_irq(struct netdev *dev);
/* Hand one received frame up (driver receive path). */
void netdev_rx(struct netdev *dev, const void *frame, size_t len);
/* Send: 0 or -errno.  Fills in nothing: @iov is the whole frame. */
int netdev_xmit(struct netdev *dev, const struct kvec *iov, unsigned int n);

/*
 * A driver's transmit lock (irqsave).  In a panic the other CPUs are
 * stopped and may hold it: only try (false: not taken, irqs as before),
 * so a node's last datagram (fit_member_leave()) never hangs it.
 */
static inline bool netdev_tx_lock(spinlock_t *lock, unsigned long *flags)
{
	if (likely(!kernel_panicking())) {
		spin_lock_irqsave(lock, *flags);
		return true;
	}
	local_irq_save(*flags);
	if (spin_trylock(lock))
		return true;
	local_irq_restore(*flags);
	return false;
}
/* Polled or interrupt-driven receive; a no_irq device stays polled. */
void netdev_set_polled(struct netdev *dev, bool polled);

struct netdev *netdev_get(int index);	/* NULL if none */
unsigned int netdev_count(void);
void netdev_dump_stats(struct netdev *dev);
/* Every device's counters (at shutdown, for the log). */
void netdev_dump_all_stats(void);

/* EtherType handlers (network byte order is handled by the core). */
typedef void (*ethertype_handler_t)(struct netdev *dev, const u8 *frame,
				    size_t len);
/*
 * @ethertype in host byte order (0x0806 for ARP).  0, -EINVAL (below
 * 0x0600 or NULL), -EEXIST (taken) or -ENOSPC (table full).
 */
int netdev_register_ethertype(u16 ethertype, ethertype_handler_t h);
/* 0 or -ENOENT.  The handler may still be running on a receive thread. */
int netdev_unregister_ethertype(u16 ethertype);

/* Receive fault injection: drop every Nth frame (net.drop=N; 0 = off). */
void netdev_set_rx_drop_every(unsigned int n);
unsigned int netdev_rx_drop_every(void);

/*
 * The other receive faults (net.dup, net.reorder, net.corrupt: one frame
 * in N, 0 = off; net.fault_seed).  Setting them also starts every
 * device's frame numbering again and forgets a held frame, so a test
 * sees the choices a fresh boot with these parameters makes.
 */
struct netdev_rx_faults_params {
	unsigned int dup, reorder, corrupt, seed;
};
void netdev_set_rx_faults(const struct netdev_rx_faults_params *p);
void netdev_get_rx_faults(struct netdev_rx_faults_params *p);

/*
 * Raw-frame echo over EtherType 0x88B5 (drivers/net/echo.c).  The
 * responder answers on every device.  net_echo_ping() sends one request
 * of @len bytes (64..1514) to @dst (NULL: broadcast; the reply's source
 * then tells who answered, in @from if not NULL) and waits up to 1 s for
 * the reply, whose payload is checked byte for byte.  One ping at a time
 * (callers are serialised).  0, -ETIMEDOUT, -EBADMSG (reply payload
 * differs), -EINVAL, or the transmit error.  May sleep.
 */
#define ETH_P_TESSERA_ECHO	0x88b5
int net_echo_ping(struct netdev *dev, const u8 *dst, size_t len,
		  u64 *rtt_ns);
int net_echo_ping_from(struct netdev *dev, const u8 *dst, size_t len,
		       u64 *rtt_ns, u8 *from);

#endif /* _TESSERA_NETDEV_H */
