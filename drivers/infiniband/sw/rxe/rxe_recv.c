/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxe packet I/O: the transmit helper every sender of this directory
 * uses (fills the IPv4/UDP fields of a QP's packet, seals it with the
 * ICRC, and either queues it for loopback or hands it to the owner's
 * xmit hook), and the receive entry rxe_rcv(): decode and validate,
 * count and drop what is bad, find the QP, and pass requests to the
 * responder (rxe_resp.c) and responses to the completer (rxe_comp.c).
 */
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "rxe.h"

void rxe_init_pkt(struct rxe_qp *qp, struct rxe_pkt *pkt, u8 opcode,
		  u32 psn)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->opcode = opcode;
	pkt->saddr = qp->rxe->ip;
	pkt->daddr = qp->daddr;
	pkt->ttl = qp->ttl;
	pkt->tos = qp->tos;
	pkt->sport = qp->sport;
	pkt->pkey = BTH_DEFAULT_PKEY;
	pkt->dqpn = qp->dqpn;
	pkt->psn = psn & RXE_PSN_MASK;
}

/*
 * Send the packet of @len bytes built in qp->txbuf.  Returns 0 when the
 * packet left (or was lost past the device: a later retransmission
 * covers it) and -EBUSY when the caller should stop and retry later.
 */
int rxe_xmit(struct rxe_qp *qp, const u8 *dmac, u32 daddr, size_t len)
{
	struct rxe_dev *rxe = qp->rxe;
	unsigned long flags;
	int ret;

	put_be16(qp->txbuf + 4, __atomic_fetch_add(&rxe->ip_id, 1,
						   __ATOMIC_RELAXED));
	put_be16(qp->txbuf + 10, 0);
	put_be16(qp->txbuf + 10, rxe_ip_csum(qp->txbuf, RXE_IPV4_HDR_BYTES));
	rxe_pkt_seal(qp->txbuf, len);
	rxe_count(rxe, sent_pkts);

	if (daddr == rxe->ip) {
		struct rxe_loop_pkt *p = kmalloc(sizeof(*p) + len, GFP_ATOMIC);

		if (!p) {
			rxe_count(rxe, xmit_errors);
			return 0;
		}
		p->len = len;
		memcpy(p->data, qp->txbuf, len);
		spin_lock_irqsave(&rxe->loop_lock, flags);
		list_add_tail(&p->node, &rxe->loop_queue);
		spin_unlock_irqrestore(&rxe->loop_lock, flags);
		rxe_count(rxe, loopback_pkts);
		rxe->ops->kick(rxe);
		return 0;
	}
	ret = rxe->ops->xmit(rxe, dmac, daddr, qp->txbuf, len);
	if (ret == -EBUSY) {
		rxe_count(rxe, xmit_busy);
		__atomic_fetch_sub(&rxe->stats.sent_pkts, 1, __ATOMIC_RELAXED);
		return -EBUSY;
	}
	if (ret)
		rxe_count(rxe, xmit_errors);
	return 0;
}

static void rxe_refused_peer(struct rxe_qp *qp, const struct rxe_pkt *pkt,
			     bool *logged, const char *what)
{
	u32 s = pkt->saddr, d = qp->daddr;

	if (*logged)
		return;
	*logged = true;
	pr_warn("%s: RoCE packet for QP %u from %u.%u.%u.%u:%u refused: %s (the peer is %u.%u.%u.%u:%u); further ones only counted\n",
		qp->rxe->ib.name, qp->ib.qp_num, s >> 24, (s >> 16) & 0xff,
		(s >> 8) & 0xff, s & 0xff, pkt->sport, what, d >> 24,
		(d >> 16) & 0xff, (d >> 8) & 0xff, d & 0xff, qp->peer_sport);
}

/*
 * RC: a packet must come from the connected peer, its address and, once
 * known, the UDP source port it sends from.  The BTH names only the
 * destination QP, so the port (which RoCE senders keep per QP) stands
 * for the source QP.  It is learnt from the first packet that is what
 * the QP waits for (a request at the expected PSN, a response inside
 * the outstanding range): a blind forger must hit the PSN too.
 */
static bool rxe_rc_from_peer(struct rxe_qp *qp, const struct rxe_pkt *pkt,
			     u32 flags)
{
	static bool logged_addr, logged_port;
	struct rxe_dev *rxe = qp->rxe;

	if (pkt->saddr != qp->daddr) {
		rxe_count(rxe, wrong_peer);
		rxe_refused_peer(qp, pkt, &logged_addr, "wrong address");
		return false;
	}
	if (qp->peer_sport) {
		if (pkt->sport == qp->peer_sport)
			return true;
		rxe_count(rxe, wrong_port);
		rxe_refused_peer(qp, pkt, &logged_port, "wrong source port");
		return false;
	}
	if (flags & RXE_REQUEST ? pkt->psn == qp->resp.psn :
	    psn_cmp(pkt->psn, qp->comp.psn) >= 0 &&
	    psn_cmp(pkt->psn, qp->req.max_psn) < 0)
		qp->peer_sport = pkt->sport;
	return true;
}

static bool qp_accepts(struct rxe_qp *qp, const struct rxe_pkt *pkt,
		       u32 flags)
{
	struct rxe_dev *rxe = qp->rxe;
	bool ud = qp->ib.qp_type != IB_QPT_RC;

	if (ud != ((pkt->opcode & 0xe0) == 0x60)) {
		rxe_count(rxe, wrong_transport);
		return false;
	}
	if (ud) {
		if (pkt->qkey != qp->qkey) {
			rxe_count(rxe, bad_qkey);
			return false;
		}
		return true;
	}
	return rxe_rc_from_peer(qp, pkt, flags);
}

void rxe_rcv(struct rxe_dev *rxe, const u8 *buf, size_t len)
{
	const struct rxe_opcode_info *info;
	struct rxe_pkt pkt;
	struct rxe_qp *qp;
	unsigned long flags;
	int ret;

	rxe_count(rxe, rcvd_pkts);
	ret = rxe_pkt_decode(buf, len, &pkt);
	if (ret == -EBADMSG) {
		rxe_count(rxe, icrc_errors);
		return;
	}
	if (ret == -EOPNOTSUPP) {
		rxe_count(rxe, unknown_opcode);
		return;
	}
	if (ret) {
		rxe_count(rxe, malformed);
		return;
	}
	if (pkt.daddr != rxe->ip) {
		rxe_count(rxe, not_for_us);
		return;
	}
	if ((pkt.pkey & 0x7fff) != 0x7fff) {
		rxe_count(rxe, bad_pkey);
		return;
	}
	qp = rxe_qp_get(rxe, pkt.dqpn);
	if (!qp) {
		rxe_count(rxe, unknown_qpn);
		return;
	}
	info = rxe_opcode_info(pkt.opcode);
	spin_lock_irqsave(&qp->lock, flags);
	if (qp_accepts(qp, &pkt, info->flags)) {
		if (info->flags & RXE_REQUEST)
			rxe_resp_rcv(qp, &pkt, buf);
		else
			rxe_comp_rcv(qp, &pkt);
	}
	spin_unlock_irqrestore(&qp->lock, flags);
	rxe_qp_put(qp);
}
