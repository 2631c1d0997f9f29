/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxe kernel glue: the device "rxe0" on eth0.  Transmit builds the
 * Ethernet header in front of the RoCEv2 packet rxe produced (IPv4
 * header included: rxe picks the IP ID because the ICRC covers it) and
 * hands both pieces to netdev_xmit(); the peer's MAC comes from the QP's
 * address vector or, when that is zero, from the ARP cache (never
 * waiting: an unresolved peer loses the packet, ARP is asked, and the
 * retransmission timer sends it again).  Receive is a UDP binding on
 * port 4791.  A kthread "rxe0" runs rxe_dev_process(): loopback
 * delivery, retransmission/RNR timers and CQ completion handlers, woken
 * by rxe's kick and at least every tick.
 */
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/ip.h>
#include <tessera/kthread.h>
#include <tessera/net.h>
#include <tessera/netdev.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/sched.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/udp.h>


static bool rxe_cq_inline = true;
PARAM_BOOL("rxe.cq_inline", rxe_cq_inline,
	   "run CQ completion handlers in the network receive thread right after the packet that completed them (else only in the rxe0 thread)");

static struct rxe_dev *rxe0;
static struct netdev *rxe_ndev;
static struct task *rxe_task;
static bool rxe_kicked;

static int rxe_net_xmit(struct rxe_dev *rxe, const u8 *dmac, u32 daddr,
			const u8 *pkt, size_t len)
{
	static const u8 zero[ETH_ALEN];
	u8 eth[ETH_HLEN];
	struct kvec iov[2] = { { eth, ETH_HLEN }, { pkt, len } };
	int ret;

	if (memcmp(dmac, zero, ETH_ALEN)) {
		memcpy(eth, dmac, ETH_ALEN);
	} else {
		ret = arp_resolve(rxe_ndev, htonl(daddr), eth, 0);
		if (ret)
			return ret == -EBUSY ? -EIO : ret;
	}
	memcpy(eth + ETH_ALEN, rxe_ndev->mac, ETH_ALEN);
	eth[12] = 0x08;
	eth[13] = 0x00;
	return netdev_xmit(rxe_ndev, iov, 2);
}

static u64 rxe_net_now(struct rxe_dev *rxe)
{
	return ktime_get();
}

static void rxe_net_kick(struct rxe_dev *rxe)
{
	WRITE_ONCE(rxe_kicked, true);
	if (rxe_task)
		wake_up_process(rxe_task);
}

static const struct rxe_net_ops rxe_net_ops = {
	.xmit = rxe_net_xmit,
	.now_ns = rxe_net_now,
	.kick = rxe_net_kick,
};

/*
 * The ICRC covers the IPv4 header, which the UDP layer passes along
 * (rx->iph).  RoCEv2 packets never carry IP options.
 */
static void rxe_udp_rcv(const struct udp_rx *rx)
{
	const u8 *iph = rx->iph;

	if (rx->ip_hdr_len != IPV4_HLEN ||
	    (const u8 *)rx->data != iph + IPV4_HLEN + UDP_HLEN) {
		__atomic_fetch_add(&rxe0->stats.malformed, 1, __ATOMIC_RELAXED);
		return;
	}
	/*
	 * Completions this packet made: their handlers run here, in the
	 * receive thread, instead of after a switch to the rxe0 thread.
	 */
	if (READ_ONCE(rxe_cq_inline))
		rxe_rcv_complete(rx->ctx, iph, IPV4_HLEN + UDP_HLEN + rx->len);
	else
		rxe_rcv(rx->ctx, iph, IPV4_HLEN + UDP_HLEN + rx->len);
}

static int rxe_thread_fn(void *arg)
{
	struct rxe_dev *rxe = arg;

	while (!kthread_should_stop()) {
		WRITE_ONCE(rxe_kicked, false);
		rxe_dev_process(rxe);
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(rxe_kicked))
			schedule_timeout(1);
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

struct rxe_dev *rxe_net_dev(void)
{
	return rxe0;
}

int rxe_net_init(void)
{
	struct net_iface *ifc = net_default_iface();
	struct rxe_dev *rxe;
	int ret;

	if (!ifc || !ifc->dev) {
		pr_info("rxe: no network interface, no rxe0\n");
		return -ENODEV;
	}
	rxe_ndev = ifc->dev;
	rxe = rxe_dev_create("rxe0", ntohl(ifc->addr), rxe_ndev->mac,
			     rxe_ndev->mtu, &rxe_net_ops, NULL);
	if (IS_ERR(rxe))
		return PTR_ERR(rxe);
	rxe0 = rxe;
	rxe_task = kthread_run(rxe_thread_fn, rxe, "rxe0");
	if (IS_ERR(rxe_task)) {
		ret = PTR_ERR(rxe_task);
		rxe_task = NULL;
		goto err_dev;
	}
	ret = udp_bind(ROCE_V2_UDP_DPORT, rxe_udp_rcv, rxe);
	if (ret)
		goto err_thread;
	pr_info("rxe0: RoCEv2 on %s, %u.%u.%u.%u, path MTU %u\n",
		rxe_ndev->name, rxe->ip >> 24, rxe->ip >> 16 & 0xff,
		rxe->ip >> 8 & 0xff, rxe->ip & 0xff,
		ib_mtu_enum_to_int(rxe->ib.attrs.max_mtu));
	return 0;

err_thread:
	kthread_stop(rxe_task);
	rxe_task = NULL;
err_dev:
	rxe0 = NULL;
	rxe_dev_destroy(rxe);
	return ret;
}
