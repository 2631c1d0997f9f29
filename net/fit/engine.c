/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transport-independent FIT engine: credit-based flow control, the
 * reply-slot table, segmentation of large messages and reassembly of
 * requests.  No clock, no sleeping, no verbs: core.c runs it over RC
 * QPs, the host tests (tests/host/test_fit_engine.c) over a fake
 * transport.  See internal.h for the contracts and Documentation/fit.md
 * for why the rules are what they are.
 *
 * Flow control in one paragraph: every peer pair has one RC QP; each side
 * posts req + rep receive entries for the other.  A sender holds one
 * credit per entry (per class); each message segment spends one; the
 * receiver reposts an entry as soon as its bytes are out of it and
 * returns the credit cumulatively, piggybacked on the next header it
 * sends or, past a threshold, by an RDMA WRITE into the sender's credit
 * mailbox (which needs no receive entry, so returning credits never
 * needs credits).  Replies have their own class and are always consumed
 * at once (into the caller's buffer), so a node whose request buffers
 * are all busy still receives replies: slow handlers block only new
 * requests.
 *
 * Lock order: fit_peer.lock -> fit_slot_table.lock.
 */
#include "internal.h"

#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/string.h>

/* ---------------------------------------------------------------- credits */

bool fit_credit_take(struct fit_credit *c)
{
	if (!fit_credit_avail(c))
		return false;
	c->sent++;
	return true;
}

int fit_credit_ack(struct fit_credit *c, u16 acked)
{
	u16 advance = acked - c->acked;
	u16 in_flight = c->sent - c->acked;

	/* Stale (an older mailbox value after a newer piggyback). */
	if ((s16)advance < 0)
		return 0;
	if (advance > in_flight)
		return -EPROTO;
	c->acked = acked;
	return 0;
}

int fit_ring_receive(struct fit_ring_acct *a)
{
	if ((u16)(a->received - a->freed) >= a->limit)
		return -EPROTO;
	a->received++;
	return 0;
}

void fit_ring_free(struct fit_ring_acct *a)
{
	BUG_ON(a->received == a->freed);
	a->freed++;
}

/* ------------------------------------------------------------ reply slots */

void fit_slot_table_init(struct fit_slot_table *t)
{
	spin_lock_init(&t->lock);
	memset(t->slots, 0, sizeof(t->slots));
	for (unsigned int i = 0; i < FIT_NR_SLOTS; i++) {
		t->slots[i].gen = 1;
		t->free_stack[i] = FIT_NR_SLOTS - 1 - i;
	}
	t->nr_free = FIT_NR_SLOTS;
	t->nr_quarantined = 0;
	memset(t->peer_gen, 0, sizeof(t->peer_gen));
	t->late_replies = 0;
	t->bad_replies = 0;
}

int fit_slot_alloc(struct fit_slot_table *t, u16 peer, void *buf, u32 max,
		   u16 *id, u32 *gen)
{
	struct fit_slot *s;
	unsigned long flags;
	u16 i;

	spin_lock_irqsave(&t->lock, flags);
	if (!t->nr_free) {
		spin_unlock_irqrestore(&t->lock, flags);
		return -EBUSY;
	}
	i = t->free_stack[--t->nr_free];
	s = &t->slots[i];
	BUG_ON(s->state != FIT_SLOT_FREE);
	s->state = FIT_SLOT_WAITING;
	s->peer = peer;
	s->buf = buf;
	s->max = max;
	s->total = 0;
	s->received = 0;
	s->started = false;
	s->replied = false;
	s->zc = false;
	s->land = NULL;
	s->zc_len = 0;
	s->peer_gen = peer < FIT_MAX_NODES ? t->peer_gen[peer] : 0;
	s->status = 0;
	*id = i;
	*gen = s->gen;
	spin_unlock_irqrestore(&t->lock, flags);
	return 0;
}

void fit_slot_set_zc(struct fit_slot_table *t, u16 id, u32 gen,
		     const void *land, u32 len)
{
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (id < FIT_NR_SLOTS && t->slots[id].gen == gen &&
	    t->slots[id].state == FIT_SLOT_WAITING) {
		t->slots[id].zc = true;
		t->slots[id].land = land;
		t->slots[id].zc_len = len;
	}
	spin_unlock_irqrestore(&t->lock, flags);
}

/* Back on the free list with a new generation.  Under t->lock. */
static void fit_slot_free_locked(struct fit_slot_table *t, u16 id)
{
	struct fit_slot *s = &t->slots[id];

	if (s->state == FIT_SLOT_QUARANTINE)
		t->nr_quarantined--;
	s->state = FIT_SLOT_FREE;
	s->buf = NULL;
	s->land = NULL;
	s->gen++;
	t->free_stack[t->nr_free++] = id;
}

enum fit_slot_verdict fit_slot_deliver(struct fit_slot_table *t,
				       const struct fit_hdr *h,
				       const void *payload)
{
	enum fit_slot_verdict v;
	struct fit_slot *s;
	unsigned long flags;

	if (h->slot >= FIT_NR_SLOTS)
		return FIT_SLOT_BAD;
	spin_lock_irqsave(&t->lock, flags);
	s = &t->slots[h->slot];
	if (s->state == FIT_SLOT_QUARANTINE && s->gen == h->gen &&
	    s->peer == h->src_node) {
		/*
		 * The reply the quarantine waited for: its RDMA WRITE, if
		 * any, came before this header (RC order), into the landing
		 * area.  Nothing of this call can arrive any more.
		 */
		t->late_replies++;
		fit_slot_free_locked(t, h->slot);
		v = FIT_SLOT_UNQUARANTINED;
		goto out;
	}
	if (s->state != FIT_SLOT_WAITING || s->gen != h->gen ||
	    s->peer != h->src_node) {
		t->late_replies++;
		v = FIT_SLOT_LATE;
		goto out;
	}
	s->replied = true;
	if (h->flags & FIT_F_ZC) {
		/* The data is in the landing area already (RDMA WRITE). */
		if (!s->zc || s->started || h->total_len > s->zc_len ||
		    h->total_len > s->max) {
			v = FIT_SLOT_BAD;
			goto bad;
		}
		if (h->total_len)
			memcpy(s->buf, s->land, h->total_len);
		s->started = true;
		s->total = s->received = h->total_len;
		s->status = (int)h->total_len;
		s->state = FIT_SLOT_DONE;
		v = FIT_SLOT_COMPLETE;
		goto out;
	}
	if (!s->started) {
		if (h->seg_off) {
			v = FIT_SLOT_BAD;
			goto bad;
		}
		s->started = true;
		s->total = h->total_len;
	} else if (h->total_len != s->total || h->seg_off != s->received) {
		v = FIT_SLOT_BAD;
		goto bad;
	}
	/* Too long for the caller: complete with -EMSGSIZE, copy nothing. */
	if (s->total <= s->max && h->seg_len)
		memcpy((u8 *)s->buf + h->seg_off, payload, h->seg_len);
	s->received += h->seg_len;
	if (s->received < s->total) {
		v = FIT_SLOT_PARTIAL;
		goto out;
	}
	if (h->flags & FIT_F_ERROR)
		s->status = -(int)h->status;
	else if (s->total > s->max)
		s->status = -EMSGSIZE;
	else
		s->status = (int)s->total;
	s->state = FIT_SLOT_DONE;
	v = FIT_SLOT_COMPLETE;
	goto out;
bad:
	/* The call fails rather than wait for bytes that cannot come. */
	t->bad_replies++;
	s->status = -EPROTO;
	s->state = FIT_SLOT_DONE;
out:
	spin_unlock_irqrestore(&t->lock, flags);
	return v;
}

bool fit_slot_done(struct fit_slot_table *t, u16 id, u32 gen)
{
	const struct fit_slot *s = &t->slots[id];

	return READ_ONCE(s->state) == FIT_SLOT_DONE || READ_ONCE(s->gen) != gen;
}

int fit_slot_end(struct fit_slot_table *t, u16 id, u32 gen,
		 bool *quarantined)
{
	struct fit_slot *s = &t->slots[id];
	unsigned long flags;
	bool q;
	int ret;

	spin_lock_irqsave(&t->lock, flags);
	BUG_ON(s->gen != gen || (s->state != FIT_SLOT_WAITING &&
				 s->state != FIT_SLOT_DONE));
	ret = s->state == FIT_SLOT_DONE ? s->status : -ETIMEDOUT;
	/*
	 * An offer no reply has closed: the peer may still write the
	 * landing area, unless the QP the request left on is gone.
	 */
	q = s->zc && !s->replied && s->peer < FIT_MAX_NODES &&
	    s->peer_gen == t->peer_gen[s->peer];
	s->buf = NULL;
	if (q) {
		s->state = FIT_SLOT_QUARANTINE;
		t->nr_quarantined++;
	} else {
		fit_slot_free_locked(t, id);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	if (quarantined)
		*quarantined = q;
	return ret;
}

void fit_slot_cancel(struct fit_slot_table *t, u16 id, u32 gen)
{
	struct fit_slot *s = &t->slots[id];
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	BUG_ON(s->gen != gen || (s->state != FIT_SLOT_WAITING &&
				 s->state != FIT_SLOT_DONE));
	fit_slot_free_locked(t, id);
	spin_unlock_irqrestore(&t->lock, flags);
}

unsigned int fit_slot_peer_reset(struct fit_slot_table *t, u16 peer)
{
	unsigned int n = 0;
	unsigned long flags;

	if (peer >= FIT_MAX_NODES)
		return 0;
	spin_lock_irqsave(&t->lock, flags);
	t->peer_gen[peer]++;
	for (unsigned int i = 0; i < FIT_NR_SLOTS; i++) {
		if (t->slots[i].state == FIT_SLOT_QUARANTINE &&
		    t->slots[i].peer == peer) {
			fit_slot_free_locked(t, i);
			n++;
		}
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return n;
}

unsigned int fit_slot_fail_peer(struct fit_slot_table *t, u16 peer, int err)
{
	unsigned int n = 0;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	for (unsigned int i = 0; i < FIT_NR_SLOTS; i++) {
		struct fit_slot *s = &t->slots[i];

		if (s->state == FIT_SLOT_WAITING && s->peer == peer) {
			s->status = err;
			s->state = FIT_SLOT_DONE;
			n++;
		}
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return n;
}

unsigned int fit_slot_nr_free(struct fit_slot_table *t)
{
	return READ_ONCE(t->nr_free);
}

unsigned int fit_slot_nr_quarantined(struct fit_slot_table *t)
{
	return READ_ONCE(t->nr_quarantined);
}

/* ------------------------------------------------------------------ peers */

void fit_peer_reset(struct fit_peer *p, u16 req_entries, u16 rep_entries)
{
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	memset(p->tx, 0, sizeof(p->tx));
	memset(p->rx, 0, sizeof(p->rx));
	p->tx[FIT_CLASS_REQ].limit = req_entries;
	p->tx[FIT_CLASS_REP].limit = rep_entries;
	p->rx[FIT_CLASS_REQ].limit = req_entries;
	p->rx[FIT_CLASS_REP].limit = rep_entries;
	p->reasm.buf = NULL;
	p->reasm.received = 0;
	spin_unlock_irqrestore(&p->lock, flags);
}

void fit_peer_init(struct fit_peer *p, u16 node,
		   const struct fit_transport_ops *ops, void *priv,
		   u16 req_entries, u16 rep_entries)
{
	memset(p, 0, sizeof(*p));
	spin_lock_init(&p->lock);
	p->node = node;
	p->ops = ops;
	p->priv = priv;
	fit_peer_reset(p, req_entries, rep_entries);
}

/* ----------------------------------------------------------------- sending */

void fit_tx_init(struct fit_tx *tx, u16 self, u16 dst, u16 opcode, u8 flags,
		 u16 slot, u32 gen, const void *payload, u32 len)
{
	memset(tx, 0, sizeof(*tx));
	tx->hdr.version = FIT_VERSION;
	tx->hdr.flags = flags;
	tx->hdr.opcode = opcode;
	tx->hdr.src_node = self;
	tx->hdr.dst_node = dst;
	tx->hdr.slot = slot;
	tx->hdr.gen = gen;
	tx->hdr.total_len = len;
	tx->payload = payload;
	tx->len = len;
	tx->cls = (flags & FIT_F_REPLY) ? FIT_CLASS_REP : FIT_CLASS_REQ;
}

int fit_tx_push(struct fit_peer *p, struct fit_tx *tx)
{
	struct fit_wire_hdr w;
	unsigned long flags;
	int ret;

	while (!tx->started || tx->off < tx->len) {
		u32 seg = min_t(u32, tx->len - tx->off, FIT_SEG_MAX);

		spin_lock_irqsave(&p->lock, flags);
		if (!p->up) {
			spin_unlock_irqrestore(&p->lock, flags);
			return -ENOTCONN;
		}
		if (!fit_credit_take(&p->tx[tx->cls])) {
			p->stats.credit_stalls++;
			spin_unlock_irqrestore(&p->lock, flags);
			return -EAGAIN;
		}
		tx->hdr.seg_off = tx->off;
		tx->hdr.seg_len = seg;
		/* Piggyback what we have freed for the peer. */
		tx->hdr.acked_req = p->rx[FIT_CLASS_REQ].freed;
		tx->hdr.acked_rep = p->rx[FIT_CLASS_REP].freed;
		p->rx[FIT_CLASS_REQ].advertised = tx->hdr.acked_req;
		p->rx[FIT_CLASS_REP].advertised = tx->hdr.acked_rep;
		p->stats.segments_tx++;
		spin_unlock_irqrestore(&p->lock, flags);

		fit_hdr_pack(&tx->hdr, &w);
		ret = p->ops->send(p, &w, (const u8 *)tx->payload + tx->off, seg);
		if (ret)
			return ret;
		tx->off += seg;
		tx->started = true;
	}
	spin_lock_irqsave(&p->lock, flags);
	p->stats.tx_bytes += tx->len;
	spin_unlock_irqrestore(&p->lock, flags);
	return 0;
}

/* --------------------------------------------------------------- receiving */

enum fit_class fit_rx_class(const void *data, u32 len)
{
	const u8 *b = data;

	return len > 5 && (b[5] & FIT_F_REPLY) ? FIT_CLASS_REP : FIT_CLASS_REQ;
}

static int fit_apply_acks(struct fit_peer *p, u16 acked_req, u16 acked_rep)
{
	int ret;

	ret = fit_credit_ack(&p->tx[FIT_CLASS_REQ], acked_req);
	if (!ret)
		ret = fit_credit_ack(&p->tx[FIT_CLASS_REP], acked_rep);
	return ret;
}

int fit_rx_mailbox(struct fit_peer *p, u16 acked_req, u16 acked_rep)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&p->lock, flags);
	ret = fit_apply_acks(p, acked_req, acked_rep);
	if (ret)
		p->stats.proto_errors++;
	spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

static void fit_reject(struct fit_peer *p, struct fit_rx *rx, const char *why,
		       bool hdr_valid)
{
	rx->action = FIT_RX_REJECT;
	rx->why = why;
	rx->hdr_valid = hdr_valid;
	p->stats.proto_errors++;
}

/*
 * Best effort for a header that failed validation: recover the fields an
 * error reply needs, if the CRC says the bytes are what the peer sent.
 */
static bool fit_raw_reply_fields(const u8 *b, u32 len, struct fit_hdr *h)
{
	if (len < FIT_HDR_BYTES || fit_get_le32(b) != FIT_MAGIC)
		return false;
	h->version = b[4];
	h->flags = b[5];
	h->opcode = fit_get_le16(b + 6);
	h->src_node = fit_get_le16(b + 8);
	h->slot = fit_get_le16(b + 12);
	h->gen = fit_get_le32(b + 16);
	return !(h->flags & (FIT_F_REPLY | FIT_F_ONEWAY)) &&
	       h->src_node < FIT_MAX_NODES && h->slot < FIT_NR_SLOTS;
}

void fit_rx_process(struct fit_peer *p, struct fit_slot_table *slots,
		    u16 self, const void *data, u32 len, bool hold_requests,
		    struct fit_rx *rx)
{
	enum fit_class cls = fit_rx_class(data, len);
	const u8 *payload = (const u8 *)data + FIT_HDR_BYTES;
	struct fit_hdr *h = &rx->hdr;
	struct fit_reasm *r = &p->reasm;
	unsigned long flags;
	const char *why = NULL;
	void *buf;

	memset(rx, 0, sizeof(*rx));
	if (fit_hdr_unpack(data, len, h, &why)) {
		bool ok = fit_raw_reply_fields(data, len, h);

		spin_lock_irqsave(&p->lock, flags);
		if (fit_ring_receive(&p->rx[cls])) {
			spin_unlock_irqrestore(&p->lock, flags);
			rx->action = FIT_RX_FATAL;
			rx->why = "credit overrun";
			return;
		}
		fit_reject(p, rx, why, ok && h->src_node == p->node);
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}
	if (h->src_node != p->node || h->dst_node != self) {
		spin_lock_irqsave(&p->lock, flags);
		if (fit_ring_receive(&p->rx[cls])) {
			spin_unlock_irqrestore(&p->lock, flags);
			rx->action = FIT_RX_FATAL;
			rx->why = "credit overrun";
			return;
		}
		fit_reject(p, rx, "wrong node", false);
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}

	/*
	 * A new request needs a buffer before anything is accounted.  A
	 * parked entry still delivers its piggybacked credits now: the peer
	 * counted them as told, and may be waiting for exactly those.
	 */
	buf = NULL;
	if (cls == FIT_CLASS_REQ && (hold_requests ||
				     (!r->buf && !h->seg_off))) {
		if (!hold_requests && !r->buf)
			buf = p->ops->get_buf(p, h->total_len);
		if (!buf) {
			rx->action = FIT_RX_PARK;
			spin_lock_irqsave(&p->lock, flags);
			if (fit_apply_acks(p, h->acked_req, h->acked_rep)) {
				rx->action = FIT_RX_FATAL;
				rx->why = "credit ack ahead of sends";
			}
			spin_unlock_irqrestore(&p->lock, flags);
			return;
		}
	}

	spin_lock_irqsave(&p->lock, flags);
	if (fit_ring_receive(&p->rx[cls]) ||
	    fit_apply_acks(p, h->acked_req, h->acked_rep)) {
		spin_unlock_irqrestore(&p->lock, flags);
		rx->buf = buf;
		rx->action = FIT_RX_FATAL;
		rx->why = "credit overrun";
		return;
	}
	p->stats.segments_rx++;
	p->stats.rx_bytes += h->seg_len;
	spin_unlock_irqrestore(&p->lock, flags);

	if (cls == FIT_CLASS_REP) {
		enum fit_slot_verdict v = fit_slot_deliver(slots, h, payload);

		switch (v) {
		case FIT_SLOT_COMPLETE:
			if (h->flags & FIT_F_ZC) {
				spin_lock_irqsave(&p->lock, flags);
				p->stats.zc_replies_rx++;
				p->stats.rx_bytes += h->total_len;
				spin_unlock_irqrestore(&p->lock, flags);
			}
			rx->action = FIT_RX_WAKE;
			rx->slot = h->slot;
			return;
		case FIT_SLOT_LATE:
		case FIT_SLOT_UNQUARANTINED:
			/* One per message, not per segment. */
			if (!h->seg_off) {
				spin_lock_irqsave(&p->lock, flags);
				p->stats.late_replies++;
				spin_unlock_irqrestore(&p->lock, flags);
			}
			rx->action = FIT_RX_DONE;
			rx->slot_freed = v == FIT_SLOT_UNQUARANTINED;
			return;
		case FIT_SLOT_BAD:
			/* The call already failed with -EPROTO: wake it. */
			spin_lock_irqsave(&p->lock, flags);
			p->stats.proto_errors++;
			spin_unlock_irqrestore(&p->lock, flags);
			/* No such slot: nobody to wake. */
			rx->action = h->slot < FIT_NR_SLOTS ? FIT_RX_WAKE
							    : FIT_RX_DONE;
			rx->slot = h->slot;
			rx->why = "reply out of order";
			return;
		default:
			rx->action = FIT_RX_DONE;
			return;
		}
	}

	if (!r->buf) {
		if (!buf) {
			spin_lock_irqsave(&p->lock, flags);
			fit_reject(p, rx, "segment without a head", false);
			spin_unlock_irqrestore(&p->lock, flags);
			return;
		}
		r->buf = buf;
		r->first = *h;
		r->received = 0;
	} else if (h->seg_off != r->received ||
		   h->total_len != r->first.total_len ||
		   h->opcode != r->first.opcode || h->slot != r->first.slot ||
		   h->gen != r->first.gen || h->flags != r->first.flags) {
		/*
		 * Our peer interleaved two requests: its bug.  The buffer
		 * holds a request that cannot complete: hand it back as a
		 * rejected request so the caller frees it and answers.
		 */
		rx->buf = r->buf;
		rx->hdr = r->first;
		r->buf = NULL;
		spin_lock_irqsave(&p->lock, flags);
		fit_reject(p, rx, "interleaved request segments", true);
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}
	if (h->seg_len)
		memcpy((u8 *)r->buf + h->seg_off, payload, h->seg_len);
	r->received += h->seg_len;
	if (r->received < r->first.total_len) {
		rx->action = FIT_RX_DONE;
		return;
	}
	rx->action = FIT_RX_DISPATCH;
	rx->hdr = r->first;
	rx->buf = r->buf;
	r->buf = NULL;
	spin_lock_irqsave(&p->lock, flags);
	p->stats.requests_rcvd++;
	spin_unlock_irqrestore(&p->lock, flags);
}

int fit_rx_freed(struct fit_peer *p, enum fit_class cls)
{
	unsigned long flags;
	u16 req, rep;
	bool due;

	spin_lock_irqsave(&p->lock, flags);
	fit_ring_free(&p->rx[cls]);
	due = fit_ring_update_due(&p->rx[FIT_CLASS_REQ],
				  p->rx[FIT_CLASS_REQ].limit / 2 ?: 1) ||
	      fit_ring_update_due(&p->rx[FIT_CLASS_REP],
				  p->rx[FIT_CLASS_REP].limit / 2 ?: 1);
	req = p->rx[FIT_CLASS_REQ].freed;
	rep = p->rx[FIT_CLASS_REP].freed;
	if (due) {
		p->rx[FIT_CLASS_REQ].advertised = req;
		p->rx[FIT_CLASS_REP].advertised = rep;
		p->stats.credit_updates++;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return due ? p->ops->write_credits(p, req, rep) : 0;
}

unsigned int fit_lat_bucket(u64 us)
{
	unsigned int b = 0;

	while (us > 1 && b < 15) {
		us >>= 1;
		b++;
	}
	return b;
}
