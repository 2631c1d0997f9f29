/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the FIT engine (net/fit/engine.c): credit accounting,
 * reply slots, segmentation and request reassembly, run between two
 * simulated nodes over a fake transport.  The fake keeps each node's
 * receive ring as the RC QP would: a message that finds no posted entry
 * is an overrun (counted; it must never happen).  As in the kernel, a
 * consumed entry is reposted (and its credit freed) only some steps after
 * its message was processed, and the node sends meanwhile: a sender told
 * about entries received but not yet reposted overruns.  Mailbox credit writes
 * are delayed by a random number of steps and may arrive after newer
 * piggybacked credits, as on a real link.  A seeded PRNG picks the
 * interleaving of callers, pollers and (deliberately slow) workers; every
 * call's reply and every one-way payload is checked byte for byte, in
 * order, and at the end every credit and slot must be back: each
 * side's sent count equals the other's received count, its acked count
 * the other's last advertised count, and the only credits not back are
 * those freed below the update threshold, not yet worth a mailbox write.
 */
/* HTEST-SOURCES: net/fit/engine.c net/fit/wire.c lib/crc32.c lib/string.c tests/host/host_printk.c */
#include "htest.h"

#include "../../net/fit/internal.h"
#include <tessera/errno.h>
#include <tessera/pattern.h>
#include <tessera/string.h>

static u64 rng;

static u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng >> 11);
}

static void fill(u8 *b, u32 len, u32 seed)
{
	pattern_fill(b, len, seed, 0);
}

static bool check(const u8 *b, u32 len, u32 seed)
{
	return pattern_check(b, len, seed, 0) == len;
}

/* --------------------------------------------------------- fake transport */

#define RING_MAX	64
#define MBOX_MAX	256
#define WORK_MAX	64

struct arrival {
	u8 data[FIT_SLOT_BYTES];
	u32 len;
};

struct mbox_write {
	int to;
	u16 req, rep;
	unsigned int delay;
};

struct work {
	struct fit_hdr hdr;
	void *buf;
};

struct tnode {
	u16 id;
	struct fit_peer peer;		/* our view of the other node */
	struct fit_slot_table slots;
	/* Our inbound ring: entries arrived and not yet consumed. */
	struct arrival *arr;		/* RING_MAX, circular */
	unsigned int arr_head, arr_count;
	unsigned int posted;		/* entries posted and empty */
	/*
	 * Entries holding a message of each class, from its arrival until
	 * it is reposted.  The QP does not know classes, but credits are
	 * per class: one class past its share has taken the other's entry
	 * (in the kernel, the other class's next message meets an RNR NAK).
	 */
	unsigned int in_use[FIT_NR_CLASSES];
	unsigned int parked_head, parked_count;	/* a prefix of requests */
	struct work work[WORK_MAX];
	unsigned int nr_work;
	unsigned int bufs_free;		/* request buffer pool */
	/* Entries processed, not yet reposted: their classes, in order. */
	enum fit_class unfreed[RING_MAX];
	unsigned int nr_unfreed;
	u32 next_oneway_rx;		/* expected seed of the next one-way */
	unsigned long long overruns, oneways_ok, bad, rejects;
};

static struct tnode nodes[2];

/*
 * Zero-copy and timeouts in the model (issue 20): callers offer their
 * slot's landing area, workers "RDMA WRITE" echoes there before the
 * header, and callers give up on some calls.  A given-up call's buffer
 * must keep its canary, and its late reply must end its quarantine.
 */
#define MODEL_LAND	4096
#define MODEL_GIVEN_UP	8192
static bool model_zc;
static u8 *land[2];			/* FIT_NR_SLOTS * MODEL_LAND each */
/* Timed-out calls' buffers, and a copy of each taken when it gave up. */
static u8 *given_up[MODEL_GIVEN_UP], *given_up_copy[MODEL_GIVEN_UP];
static u32 given_up_len[MODEL_GIVEN_UP];
/* Per node: calls given up before any reply segment came. */
static unsigned int nr_given_up, given_up_by[2];
static struct mbox_write mbox[MBOX_MAX];
static unsigned int nr_mbox;
static bool mbox_delay;
static u16 ring_req = 8, ring_rep = 4;
static unsigned long long model_stalls;	/* credit stalls and parks seen */

static struct tnode *other(struct fit_peer *p)
{
	return &nodes[p->node];
}

static int fake_send(struct fit_peer *p, const struct fit_wire_hdr *w,
		     const void *payload, u32 len)
{
	struct tnode *to = other(p);
	enum fit_class cls = fit_rx_class(w, FIT_HDR_BYTES);
	struct arrival *a;

	if (!to->posted || to->in_use[cls] >= p->tx[cls].limit) {
		to->overruns++;
		return 0;	/* a real RC QP would RNR: count and drop */
	}
	to->posted--;
	to->in_use[cls]++;
	a = &to->arr[(to->arr_head + to->arr_count++) % RING_MAX];
	memcpy(a->data, w, FIT_HDR_BYTES);
	if (len)
		memcpy(a->data + FIT_HDR_BYTES, payload, len);
	a->len = FIT_HDR_BYTES + len;
	return 0;
}

static int fake_write_credits(struct fit_peer *p, u16 req, u16 rep)
{
	int to = p->node;

	if (!mbox_delay)
		return fit_rx_mailbox(&nodes[to].peer, req, rep);
	if (nr_mbox == MBOX_MAX)
		return -ENOBUFS;
	mbox[nr_mbox++] = (struct mbox_write){ to, req, rep, rnd() % 20 };
	return 0;
}

static void *fake_get_buf(struct fit_peer *p, u32 len)
{
	struct tnode *self = &nodes[1 - p->node];

	if (!self->bufs_free)
		return NULL;
	self->bufs_free--;
	return malloc(len ?: 1);
}

static const struct fit_transport_ops fake_ops = {
	.send = fake_send,
	.write_credits = fake_write_credits,
	.get_buf = fake_get_buf,
};

static void setup(unsigned int bufs)
{
	for (int i = 0; i < 2; i++) {
		struct tnode *n = &nodes[i];

		free(n->arr);
		memset(n, 0, sizeof(*n));
		n->id = i;
		n->arr = calloc(RING_MAX, sizeof(*n->arr));
		fit_peer_init(&n->peer, 1 - i, &fake_ops, NULL, ring_req, ring_rep);
		n->peer.up = true;
		fit_slot_table_init(&n->slots);
		n->posted = ring_req + ring_rep;
		n->bufs_free = bufs;
	}
	nr_mbox = 0;
}

static void teardown(void)
{
	for (int i = 0; i < 2; i++) {
		for (unsigned int w = 0; w < nodes[i].nr_work; w++)
			free(nodes[i].work[w].buf);
		free(nodes[i].arr);
		nodes[i].arr = NULL;
	}
}

static void mbox_tick(bool all)
{
	for (unsigned int i = 0; i < nr_mbox;) {
		if (all || !mbox[i].delay--) {
			fit_rx_mailbox(&nodes[mbox[i].to].peer, mbox[i].req,
				       mbox[i].rep);
			mbox[i] = mbox[--nr_mbox];
		} else {
			i++;
		}
	}
}

/*
 * The poller: consume the oldest entry; a request that finds no buffer
 * parks (stays in the ring, unconsumed) and so do the requests behind it,
 * while replies behind it are still consumed.  Returns true if it did
 * something.
 */
static bool poll_one(struct tnode *n)
{
	for (unsigned int k = 0; k < n->arr_count; k++) {
		struct arrival *a = &n->arr[(n->arr_head + k) % RING_MAX];
		enum fit_class cls = fit_rx_class(a->data, a->len);
		struct fit_rx rx;

		if (a->len == 0)
			continue;	/* consumed out of order earlier */
		/* A request behind a parked one parks too. */
		fit_rx_process(&n->peer, &n->slots, n->id, a->data, a->len,
			       k > 0, &rx);
		if (rx.action == FIT_RX_PARK)
			continue;
		switch (rx.action) {
		case FIT_RX_DISPATCH:
			if (n->nr_work == WORK_MAX) {
				n->bad++;
				break;
			}
			n->work[n->nr_work++] = (struct work){ rx.hdr, rx.buf };
			break;
		case FIT_RX_REJECT:
			printf("# node %u: reject: %s\n", n->id, rx.why);
			n->rejects++;
			if (rx.buf) {
				free(rx.buf);
				n->bufs_free++;
			}
			break;
		case FIT_RX_FATAL:
			printf("# node %u: fatal: %s\n", n->id, rx.why);
			free(rx.buf);
			n->bad++;
			break;
		default:
			break;
		}
		a->len = 0;
		/* Drop consumed entries from the head of the circle. */
		while (n->arr_count && n->arr[n->arr_head].len == 0) {
			n->arr_head = (n->arr_head + 1) % RING_MAX;
			n->arr_count--;
		}
		/* Reposted later (free_one), sends may come in between. */
		n->unfreed[n->nr_unfreed++] = cls;
		return true;
	}
	return false;
}

/* Repost the oldest processed entry and free its credit. */
static bool free_one(struct tnode *n)
{
	enum fit_class cls;

	if (!n->nr_unfreed)
		return false;
	cls = n->unfreed[0];
	memmove(&n->unfreed[0], &n->unfreed[1],
		--n->nr_unfreed * sizeof(n->unfreed[0]));
	n->posted++;
	n->in_use[cls]--;
	fit_rx_freed(&n->peer, cls);
	return true;
}

/*
 * At quiescence, per class and direction: every segment sent was
 * received and reposted, the sender's acked count is the last count the
 * receiver advertised, and what is not yet acked is exactly what was
 * freed since, fewer than the explicit-update threshold.
 */
static void expect_conserved(struct htest *t, u64 seed)
{
	for (int i = 0; i < 2; i++) {
		const struct fit_peer *tx = &nodes[i].peer;
		const struct fit_peer *rx = &nodes[1 - i].peer;

		for (int c = 0; c < FIT_NR_CLASSES; c++) {
			const struct fit_credit *cr = &tx->tx[c];
			const struct fit_ring_acct *ra = &rx->rx[c];
			unsigned int threshold = ra->limit / 2 ?: 1;

			if (cr->sent != ra->received || ra->received != ra->freed ||
			    cr->acked != ra->advertised ||
			    (u16)(cr->sent - cr->acked) >= threshold)
				HT_FAIL(t, "seed %llu: node %d class %d: sent %u received %u freed %u acked %u advertised %u",
					(unsigned long long)seed, i, c,
					cr->sent, ra->received, ra->freed,
					cr->acked, ra->advertised);
		}
	}
}

/* ------------------------------------------------------- callers, workers */

struct call {
	bool active, sent;
	u16 slot;
	u32 gen, len, seed;
	u8 *req, *rep;
	struct fit_tx tx;
	int from;
};

struct oneway {
	bool active;
	u8 *buf;
	struct fit_tx tx;
};

static struct fit_tx reply_tx[2];
static struct fit_tx *req_sender[2];	/* the per-class send lock */

/* Push a request-class message, holding the node's request send lock. */
static int push_req(int who, struct fit_tx *tx)
{
	int ret;

	if (req_sender[who] && req_sender[who] != tx)
		return -EAGAIN;
	req_sender[who] = tx;
	ret = fit_tx_push(&nodes[who].peer, tx);
	if (ret != -EAGAIN)
		req_sender[who] = NULL;
	return ret;
}
static bool reply_busy[2];
static u8 *reply_buf[2];

/* Worker: serve one request, echoing calls; false if busy or idle. */
static bool work_one(struct tnode *n)
{
	unsigned int k;
	struct work w;

	if (reply_busy[n->id]) {
		int ret = fit_tx_push(&n->peer, &reply_tx[n->id]);

		if (ret == -EAGAIN)
			return false;
		if (ret)
			n->bad++;
		free(reply_buf[n->id]);
		reply_busy[n->id] = false;
		n->bufs_free++;
		return true;
	}
	if (!n->nr_work)
		return false;
	/*
	 * With zero-copy on, serve calls out of order now and then (FIT
	 * has several workers): a late WRITE can then come after a newer
	 * call's, which only the quarantine keeps off a reused slot.
	 */
	k = 0;
	if (model_zc && rnd() % 2 &&
	    !(n->work[n->nr_work - 1].hdr.flags & FIT_F_ONEWAY))
		k = n->nr_work - 1;
	w = n->work[k];
	memmove(&n->work[k], &n->work[k + 1],
		(--n->nr_work - k) * sizeof(w));
	if (w.hdr.flags & FIT_F_ONEWAY) {
		if (!check(w.buf, w.hdr.total_len, n->next_oneway_rx++))
			n->bad++;
		else
			n->oneways_ok++;
		free(w.buf);
		n->bufs_free++;
		return true;
	}
	if (w.hdr.flags & FIT_F_ZC) {
		const struct fit_zc_desc *d = (const void *)
			((u8 *)w.buf + w.hdr.total_len - FIT_ZC_DESC_BYTES);
		u32 len = w.hdr.total_len - FIT_ZC_DESC_BYTES;

		/*
		 * The data by "RDMA WRITE" at once, the header when credits
		 * allow: the RC order of the real thing.
		 */
		if (len && len <= fit_get_le32(&d->len)) {
			const struct fit_slot *cs =
				&nodes[w.hdr.src_node].slots.slots[w.hdr.slot];

			/*
			 * The landing area must still belong to this call:
			 * waiting, or quarantined for exactly this reply.
			 */
			if (cs->gen != w.hdr.gen ||
			    (cs->state != FIT_SLOT_WAITING &&
			     cs->state != FIT_SLOT_QUARANTINE)) {
				printf("# node %u: WRITE into slot %u gen %u, owned by gen %u state %u\n",
				       n->id, w.hdr.slot, w.hdr.gen, cs->gen,
				       cs->state);
				n->bad++;
			}
			memcpy((void *)(uintptr_t)fit_get_le64(&d->addr),
			       w.buf, len);
			fit_tx_init(&reply_tx[n->id], n->id, w.hdr.src_node,
				    w.hdr.opcode, FIT_F_REPLY | FIT_F_ZC,
				    w.hdr.slot, w.hdr.gen, NULL, 0);
			reply_tx[n->id].hdr.total_len = len;
		} else {
			fit_tx_init(&reply_tx[n->id], n->id, w.hdr.src_node,
				    w.hdr.opcode, FIT_F_REPLY, w.hdr.slot,
				    w.hdr.gen, w.buf, len);
		}
		reply_buf[n->id] = w.buf;
		reply_busy[n->id] = true;
		return true;
	}
	/* Echo: the reply carries the request's bytes. */
	fit_tx_init(&reply_tx[n->id], n->id, w.hdr.src_node, w.hdr.opcode,
		    FIT_F_REPLY, w.hdr.slot, w.hdr.gen, w.buf, w.hdr.total_len);
	reply_buf[n->id] = w.buf;
	reply_busy[n->id] = true;
	return true;
}

static bool call_step(struct call *c)
{
	int ret;

	if (!c->active)
		return false;
	if (!c->sent) {
		ret = push_req(c->from, &c->tx);
		if (ret == -EAGAIN)
			return false;
		c->sent = true;
		return true;
	}
	if (!fit_slot_done(&nodes[c->from].slots, c->slot, c->gen)) {
		/*
		 * Give up now and then: the reply will come late.  Segments
		 * of an ordinary reply may have landed already (the caller
		 * was still waiting then); nothing may land after this.
		 */
		if (!model_zc || rnd() % 64 || nr_given_up == MODEL_GIVEN_UP)
			return false;
		if (!nodes[c->from].slots.slots[c->slot].started)
			given_up_by[c->from]++;
		ret = fit_slot_end(&nodes[c->from].slots, c->slot, c->gen,
				   NULL);
		if (ret != -ETIMEDOUT)
			nodes[c->from].bad++;
		given_up[nr_given_up] = c->rep;
		given_up_copy[nr_given_up] = malloc(c->len ?: 1);
		memcpy(given_up_copy[nr_given_up], c->rep, c->len);
		given_up_len[nr_given_up++] = c->len;
		free(c->req);
		c->active = false;
		return true;
	}
	ret = fit_slot_release(&nodes[c->from].slots, c->slot, c->gen);
	if (ret != (int)c->len || !check(c->rep, c->len, c->seed)) {
		printf("# node %d: call of %u bytes: %d\n", c->from, c->len, ret);
		nodes[c->from].bad++;
	}
	free(c->req);
	free(c->rep);
	c->active = false;
	return true;
}

static u32 pick_len(void)
{
	switch (rnd() % 4) {
	case 0: return rnd() % 64;
	case 1: return rnd() % (FIT_SEG_MAX + 2);
	case 2: return FIT_SEG_MAX * (1 + rnd() % 3) + rnd() % 3 - 1;
	default: return rnd() % 40000;
	}
}

/*
 * Random interleaving of callers on both nodes, one-way floods, pollers,
 * workers and delayed mailbox writes.  Returns the number of calls made.
 */
static unsigned int model_run(struct htest *t, u64 seed, unsigned int bufs,
			      unsigned int steps)
{
	static struct call calls[2][6];
	static struct oneway ow[2];
	u32 seq = 1, oneway_seq[2] = { 0, 0 };
	unsigned int made = 0, idle = 0;

	rng = seed;
	mbox_delay = true;
	setup(bufs);
	memset(calls, 0, sizeof(calls));
	memset(ow, 0, sizeof(ow));
	memset(reply_busy, 0, sizeof(reply_busy));
	memset(req_sender, 0, sizeof(req_sender));

	for (unsigned int s = 0; s < steps || idle < 1000; s++) {
		int who = rnd() % 2;
		bool progress = false;

		switch (rnd() % 7) {
		case 0: {
			struct call *c = &calls[who][rnd() % 6];

			if (c->active || s >= steps) {
				progress = call_step(c);
				break;
			}
			c->from = who;
			c->len = model_zc && rnd() % 2 ? rnd() % MODEL_LAND :
							  pick_len();
			c->seed = seq++;
			c->req = malloc(c->len ?: 1);
			c->rep = malloc(c->len ?: 1);
			fill(c->req, c->len, c->seed);
			memset(c->rep, 0xee, c->len);
			if (fit_slot_alloc(&nodes[who].slots, 1 - who, c->rep,
					   c->len, &c->slot, &c->gen)) {
				HT_FAIL(t, "no slot");
				return made;
			}
			if (model_zc && c->len <= MODEL_LAND && rnd() % 2) {
				u8 *l = land[who] + c->slot * MODEL_LAND;
				u8 *zreq = realloc(c->req, c->len +
						   FIT_ZC_DESC_BYTES);
				struct fit_zc_desc *d = (void *)(zreq + c->len);

				c->req = zreq;
				fit_put_le64(&d->addr, (uintptr_t)l);
				fit_put_le32(&d->rkey, 0);
				fit_put_le32(&d->len, c->len);
				fit_slot_set_zc(&nodes[who].slots, c->slot,
						c->gen, l, c->len);
				fit_tx_init(&c->tx, who, 1 - who, FIT_OP_ECHO,
					    FIT_F_ZC, c->slot, c->gen, c->req,
					    c->len + FIT_ZC_DESC_BYTES);
			} else {
				fit_tx_init(&c->tx, who, 1 - who, FIT_OP_ECHO,
					    0, c->slot, c->gen, c->req, c->len);
			}
			c->active = true;
			c->sent = false;
			made++;
			progress = true;
			break;
		}
		case 1: {
			struct oneway *o = &ow[who];
			int ret;

			if (!o->active && s < steps) {
				u32 len = pick_len();

				o->buf = malloc(len ?: 1);
				fill(o->buf, len, oneway_seq[who]++);
				fit_tx_init(&o->tx, who, 1 - who, FIT_OP_SINK,
					    FIT_F_ONEWAY, 0, 0, o->buf, len);
				o->active = true;
			}
			if (!o->active)
				break;
			ret = push_req(who, &o->tx);
			if (ret == -EAGAIN)
				break;
			free(o->buf);
			o->active = false;
			progress = true;
			break;
		}
		case 2:
		case 3:
			progress = poll_one(&nodes[who]);
			break;
		case 4:
			/* Slow workers: run one time in three. */
			if (rnd() % 3 == 0)
				progress = work_one(&nodes[who]);
			break;
		case 5:
			for (int i = 0; i < 6; i++)
				progress |= call_step(&calls[who][i]);
			break;
		default:
			/*
			 * Repost lazily: the window in which the node's
			 * workers and callers send while entries it has
			 * processed are not reposted must be wide open.
			 */
			if (rnd() % 4 == 0)
				progress = free_one(&nodes[who]);
			break;
		}
		mbox_tick(false);
		if (s >= steps)
			idle = progress ? 0 : idle + 1;
		if (s > steps * 20) {
			HT_FAIL(t, "seed %llu: no quiescence", (unsigned long long)seed);
			break;
		}
	}
	mbox_tick(true);
	expect_conserved(t, seed);
	for (int i = 0; i < 2; i++)
		model_stalls += nodes[i].peer.stats.credit_stalls;
	for (unsigned int g = 0; g < nr_given_up; g++) {
		if (memcmp(given_up[g], given_up_copy[g], given_up_len[g]))
			HT_FAIL(t, "seed %llu: a late reply wrote a given-up call's buffer",
				(unsigned long long)seed);
		free(given_up[g]);
		free(given_up_copy[g]);
	}
	nr_given_up = 0;
	for (int i = 0; i < 2; i++) {
		struct tnode *n = &nodes[i];

		/*
		 * Every given-up call's reply came, late, and was dropped
		 * (counted once per reply whose first segment was late).
		 */
		HT_EXPECT_EQ(t, n->peer.stats.late_replies, given_up_by[i]);
		HT_EXPECT_EQ(t, fit_slot_nr_quarantined(&n->slots), 0);
		given_up_by[i] = 0;
		HT_EXPECT_EQ(t, n->overruns, 0);
		HT_EXPECT_EQ(t, n->bad, 0);
		HT_EXPECT_EQ(t, n->rejects, 0);
		HT_EXPECT_EQ(t, n->arr_count, 0);
		HT_EXPECT_EQ(t, n->oneways_ok, oneway_seq[1 - i]);
		HT_EXPECT_EQ(t, fit_slot_nr_free(&n->slots), FIT_NR_SLOTS);
		HT_EXPECT_EQ(t, n->bufs_free, bufs);
		for (int c = 0; c < 6; c++)
			HT_EXPECT(t, !calls[i][c].active);
		HT_EXPECT_EQ(t, n->posted, ring_req + ring_rep);
	}
	teardown();
	return made;
}

/* ------------------------------------------------------------------ tests */

static void test_credit_basics(struct htest *t)
{
	struct fit_credit c = { .limit = 4 };

	for (int i = 0; i < 4; i++)
		HT_EXPECT(t, fit_credit_take(&c));
	HT_EXPECT(t, !fit_credit_take(&c));
	HT_EXPECT_EQ(t, fit_credit_avail(&c), 0);
	HT_EXPECT_EQ(t, fit_credit_ack(&c, 5), -EPROTO);
	HT_EXPECT_EQ(t, fit_credit_ack(&c, 3), 0);
	HT_EXPECT_EQ(t, fit_credit_avail(&c), 3);
	/* A stale mailbox value does not take credits back. */
	HT_EXPECT_EQ(t, fit_credit_ack(&c, 1), 0);
	HT_EXPECT_EQ(t, fit_credit_avail(&c), 3);
	HT_EXPECT_EQ(t, fit_credit_ack(&c, 4), 0);
	HT_EXPECT_EQ(t, fit_credit_avail(&c), 4);
}

static void test_credit_wraparound(struct htest *t)
{
	struct fit_credit c = { .limit = 16, .sent = 0xfff8, .acked = 0xfff8 };
	struct fit_ring_acct a = { .limit = 16, .received = 0xfff8,
				   .freed = 0xfff8, .advertised = 0xfff8 };

	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 16; i++) {
			HT_ASSERT(t, fit_credit_take(&c));
			HT_ASSERT_EQ(t, fit_ring_receive(&a), 0);
		}
		HT_EXPECT(t, !fit_credit_take(&c));
		HT_EXPECT_EQ(t, fit_ring_receive(&a), -EPROTO);
		for (int i = 0; i < 16; i++)
			fit_ring_free(&a);
		HT_EXPECT(t, fit_ring_update_due(&a, 8));
		HT_ASSERT_EQ(t, fit_credit_ack(&c, a.freed), 0);
		a.advertised = a.freed;
		HT_EXPECT(t, !fit_ring_update_due(&a, 1));
	}
	HT_EXPECT_EQ(t, fit_credit_avail(&c), 16);
}

static void test_slot_late_reply(struct htest *t)
{
	static struct fit_slot_table st;
	u8 old[8], buf[8], payload[8] = "newbyte";
	struct fit_hdr h = { .version = 1, .flags = FIT_F_REPLY, .src_node = 3,
			     .total_len = 8, .seg_len = 8 };
	u16 id, id2;
	u32 gen, gen2;

	fit_slot_table_init(&st);
	memset(old, 0x11, sizeof(old));
	memset(buf, 0x22, sizeof(buf));
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 3, old, 8, &id, &gen), 0);
	HT_EXPECT(t, !fit_slot_done(&st, id, gen));
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), -ETIMEDOUT);
	/* LIFO free list: the same slot comes back with a new generation. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 3, buf, 8, &id2, &gen2), 0);
	HT_EXPECT_EQ(t, id2, id);
	HT_EXPECT(t, gen2 != gen);
	h.slot = id;
	h.gen = gen;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload), FIT_SLOT_LATE);
	HT_EXPECT_EQ(t, st.late_replies, 1);
	HT_EXPECT_EQ(t, buf[0], 0x22);
	HT_EXPECT_EQ(t, old[0], 0x11);
	/* Right generation, wrong peer: also not this call's. */
	h.gen = gen2;
	h.src_node = 4;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload), FIT_SLOT_LATE);
	h.src_node = 3;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload), FIT_SLOT_COMPLETE);
	HT_EXPECT(t, fit_slot_done(&st, id2, gen2));
	HT_EXPECT_EQ(t, fit_slot_release(&st, id2, gen2), 8);
	HT_EXPECT(t, !memcmp(buf, "newbyte", 8));
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload), FIT_SLOT_LATE);
	HT_EXPECT_EQ(t, st.late_replies, 3);
}

static void test_slot_errors(struct htest *t)
{
	static struct fit_slot_table st;
	u8 buf[4] = { 1, 2, 3, 4 }, payload[16] = { 0 };
	struct fit_hdr h = { .version = 1, .flags = FIT_F_REPLY, .src_node = 1,
			     .total_len = 16, .seg_len = 16 };
	u16 ids[FIT_NR_SLOTS], id;
	u32 gens[FIT_NR_SLOTS], gen;

	fit_slot_table_init(&st);
	/* Reply longer than the caller's buffer: -EMSGSIZE, nothing copied. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 1, buf, 4, &id, &gen), 0);
	h.slot = id;
	h.gen = gen;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload), FIT_SLOT_COMPLETE);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), -EMSGSIZE);
	HT_EXPECT_EQ(t, buf[0], 1);
	/* Error reply: the peer's errno comes back negated. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 1, buf, 4, &id, &gen), 0);
	h = (struct fit_hdr){ .version = 1, .flags = FIT_F_REPLY | FIT_F_ERROR,
			      .status = EPROTO, .src_node = 1, .slot = id,
			      .gen = gen };
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload), FIT_SLOT_COMPLETE);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), -EPROTO);
	/* Out-of-order segment fails the call with -EPROTO. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 1, buf, 4, &id, &gen), 0);
	h = (struct fit_hdr){ .version = 1, .flags = FIT_F_REPLY, .src_node = 1,
			      .slot = id, .gen = gen, .total_len = 4,
			      .seg_off = 2, .seg_len = 2 };
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload), FIT_SLOT_BAD);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), -EPROTO);
	/*
	 * A later segment that skips bytes (a lost or reordered segment)
	 * fails the call too, and copies nothing.
	 */
	memset(buf, 0x77, sizeof(buf));
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 1, buf, 4, &id, &gen), 0);
	h = (struct fit_hdr){ .version = 1, .flags = FIT_F_REPLY, .src_node = 1,
			      .slot = id, .gen = gen, .total_len = 4,
			      .seg_off = 0, .seg_len = 1 };
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload), FIT_SLOT_PARTIAL);
	h.seg_off = 2;
	h.seg_len = 2;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, payload + 8), FIT_SLOT_BAD);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), -EPROTO);
	HT_EXPECT_EQ(t, buf[2], 0x77);
	/* Exhaustion, then a dead peer fails only its own calls. */
	for (int i = 0; i < FIT_NR_SLOTS; i++)
		HT_ASSERT_EQ(t, fit_slot_alloc(&st, i % 2, buf, 4, &ids[i],
					       &gens[i]), 0);
	HT_EXPECT_EQ(t, fit_slot_alloc(&st, 0, buf, 4, &id, &gen), -EBUSY);
	HT_EXPECT_EQ(t, fit_slot_fail_peer(&st, 1, -EHOSTDOWN),
		     FIT_NR_SLOTS / 2);
	for (int i = 0; i < FIT_NR_SLOTS; i++) {
		HT_EXPECT_EQ(t, fit_slot_done(&st, ids[i], gens[i]), i % 2);
		HT_EXPECT_EQ(t, fit_slot_release(&st, ids[i], gens[i]),
			     i % 2 ? -EHOSTDOWN : -ETIMEDOUT);
	}
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS);
}

static void test_slot_zero_copy(struct htest *t)
{
	static struct fit_slot_table st;
	u8 buf[64], land[48];
	struct fit_hdr h = { .version = 1, .flags = FIT_F_REPLY | FIT_F_ZC,
			     .src_node = 2, .total_len = 40 };
	u16 id;
	u32 gen;

	fit_slot_table_init(&st);
	memset(buf, 0x5a, sizeof(buf));
	for (u32 i = 0; i < sizeof(land); i++)
		land[i] = (u8)(i + 1);
	/* A zero-copy reply to a call that offered nothing: -EPROTO. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 2, buf, 64, &id, &gen), 0);
	h.slot = id;
	h.gen = gen;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL), FIT_SLOT_BAD);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), -EPROTO);
	HT_EXPECT_EQ(t, st.bad_replies, 1);
	HT_EXPECT_EQ(t, buf[0], 0x5a);
	/* Offered: the landing area's bytes are copied, nothing more. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 2, buf, 64, &id, &gen), 0);
	fit_slot_set_zc(&st, id, gen, land, sizeof(land));
	h.slot = id;
	h.gen = gen;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL), FIT_SLOT_COMPLETE);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), 40);
	HT_EXPECT(t, !memcmp(buf, land, 40));
	HT_EXPECT_EQ(t, buf[40], 0x5a);
	HT_EXPECT_EQ(t, buf[63], 0x5a);
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS);
	/* Longer than the offer (though not the buffer): -EPROTO. */
	memset(buf, 0x5a, sizeof(buf));
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 2, buf, 64, &id, &gen), 0);
	fit_slot_set_zc(&st, id, gen, land, sizeof(land));
	h.slot = id;
	h.gen = gen;
	h.total_len = 49;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL), FIT_SLOT_BAD);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), -EPROTO);
	HT_EXPECT_EQ(t, buf[0], 0x5a);
	/* A bad reply still closed the offer: the slot is free. */
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS);
	/* An offer made for an older generation does not carry over. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 2, buf, 64, &id, &gen), 0);
	fit_slot_set_zc(&st, id, gen + 1, land, sizeof(land));
	h.slot = id;
	h.gen = gen;
	h.total_len = 8;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL), FIT_SLOT_BAD);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), -EPROTO);
	/* An ordinary reply is still fine after an offer. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 2, buf, 64, &id, &gen), 0);
	fit_slot_set_zc(&st, id, gen, land, sizeof(land));
	h = (struct fit_hdr){ .version = 1, .flags = FIT_F_REPLY, .src_node = 2,
			      .slot = id, .gen = gen, .total_len = 4,
			      .seg_len = 4 };
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, "abcd"), FIT_SLOT_COMPLETE);
	HT_EXPECT_EQ(t, fit_slot_release(&st, id, gen), 4);
	HT_EXPECT(t, !memcmp(buf, "abcd", 4));
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS);
	/* A reply naming a slot that does not exist is bad, not a crash. */
	h.slot = FIT_NR_SLOTS;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, "abcd"), FIT_SLOT_BAD);
}

/*
 * Issue 20: a zero-copy call that times out must not let its late reply
 * touch the caller's buffer, nor make the slot reusable while the peer
 * may still write its landing area.
 */
static void test_slot_zc_quarantine(struct htest *t)
{
	static struct fit_slot_table st;
	u8 canary[32], buf[32], land[32];
	struct fit_hdr h = { .version = 1, .flags = FIT_F_REPLY | FIT_F_ZC,
			     .src_node = 5, .total_len = 32 };
	bool q = false;
	u16 id, id2;
	u32 gen, gen2;

	fit_slot_table_init(&st);
	memset(canary, 0xee, sizeof(canary));
	memset(land, 0x77, sizeof(land));
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 5, canary, 32, &id, &gen), 0);
	fit_slot_set_zc(&st, id, gen, land, sizeof(land));
	/* Timed out: quarantined, not free. */
	HT_EXPECT_EQ(t, fit_slot_end(&st, id, gen, &q), -ETIMEDOUT);
	HT_EXPECT(t, q);
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS - 1);
	HT_EXPECT_EQ(t, fit_slot_nr_quarantined(&st), 1);
	/* The next call gets another slot. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 5, buf, 32, &id2, &gen2), 0);
	HT_EXPECT(t, id2 != id);
	/* A stale generation or another peer does not end the quarantine. */
	h.slot = id;
	h.gen = gen - 1;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL), FIT_SLOT_LATE);
	h.gen = gen;
	h.src_node = 6;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL), FIT_SLOT_LATE);
	HT_EXPECT_EQ(t, fit_slot_nr_quarantined(&st), 1);
	/* The late reply itself: dropped, canary intact, slot free again. */
	h.src_node = 5;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL),
		     FIT_SLOT_UNQUARANTINED);
	HT_EXPECT_EQ(t, fit_slot_nr_quarantined(&st), 0);
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS - 1);
	for (u32 i = 0; i < sizeof(canary); i++)
		HT_EXPECT_EQ(t, canary[i], 0xee);
	/* Once more: a stale header for the freed generation is just late. */
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL), FIT_SLOT_LATE);
	HT_EXPECT_EQ(t, st.late_replies, 4);
	/* The other call was not disturbed by any of it. */
	HT_EXPECT(t, !fit_slot_done(&st, id2, gen2));
	HT_EXPECT_EQ(t, fit_slot_release(&st, id2, gen2), -ETIMEDOUT);
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS);

	/* A copied (non-zc) call that times out is free at once. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 5, buf, 32, &id, &gen), 0);
	HT_EXPECT_EQ(t, fit_slot_end(&st, id, gen, &q), -ETIMEDOUT);
	HT_EXPECT(t, !q);
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS);

	/* A request never sent: cancelled, free at once despite the offer. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 5, buf, 32, &id, &gen), 0);
	fit_slot_set_zc(&st, id, gen, land, sizeof(land));
	fit_slot_cancel(&st, id, gen);
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS);

	/*
	 * The peer fails: the call ends with -EHOSTDOWN but stays
	 * quarantined until the peer's QP is gone; then it is freed, and
	 * the reply of the dead QP (if it still came) is late.
	 */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 5, buf, 32, &id, &gen), 0);
	fit_slot_set_zc(&st, id, gen, land, sizeof(land));
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 6, buf, 32, &id2, &gen2), 0);
	fit_slot_set_zc(&st, id2, gen2, land, sizeof(land));
	HT_EXPECT_EQ(t, fit_slot_end(&st, id2, gen2, &q), -ETIMEDOUT);
	HT_EXPECT(t, q);
	HT_EXPECT_EQ(t, fit_slot_fail_peer(&st, 5, -EHOSTDOWN), 1);
	HT_EXPECT_EQ(t, fit_slot_end(&st, id, gen, &q), -EHOSTDOWN);
	HT_EXPECT(t, q);
	HT_EXPECT_EQ(t, fit_slot_nr_quarantined(&st), 2);
	HT_EXPECT_EQ(t, fit_slot_peer_reset(&st, 5), 1);
	/* Only node 5's slot: node 6's QP still stands. */
	HT_EXPECT_EQ(t, fit_slot_nr_quarantined(&st), 1);
	h.slot = id;
	h.gen = gen;
	h.src_node = 5;
	HT_EXPECT_EQ(t, fit_slot_deliver(&st, &h, NULL), FIT_SLOT_LATE);
	/* A call out to a peer whose QP went since: freed when it ends. */
	HT_ASSERT_EQ(t, fit_slot_alloc(&st, 6, buf, 32, &id, &gen), 0);
	fit_slot_set_zc(&st, id, gen, land, sizeof(land));
	HT_EXPECT_EQ(t, fit_slot_peer_reset(&st, 6), 1);
	HT_EXPECT_EQ(t, fit_slot_end(&st, id, gen, &q), -ETIMEDOUT);
	HT_EXPECT(t, !q);
	HT_EXPECT_EQ(t, fit_slot_nr_quarantined(&st), 0);
	HT_EXPECT_EQ(t, fit_slot_nr_free(&st), FIT_NR_SLOTS);
	for (u32 i = 0; i < sizeof(canary); i++)
		HT_EXPECT_EQ(t, canary[i], 0xee);
}

/* One call of @len bytes from node 0 to node 1, driven to completion. */
static int echo_once(u32 len, u32 seed, unsigned int *segments)
{
	u8 *req = malloc(len ?: 1), *rep = malloc(len ?: 1);
	unsigned long long before = nodes[0].peer.stats.segments_tx;
	struct call c = { .active = true, .from = 0, .len = len, .seed = seed,
			  .req = req, .rep = rep };
	int guard = 0;

	fill(req, len, seed);
	memset(rep, 0, len);
	if (fit_slot_alloc(&nodes[0].slots, 1, rep, len, &c.slot, &c.gen))
		return -1;
	fit_tx_init(&c.tx, 0, 1, FIT_OP_ECHO, 0, c.slot, c.gen, req, len);
	while (c.active && guard++ < 100000) {
		call_step(&c);
		if (!c.sent)
			*segments = 0;
		while (poll_one(&nodes[1]) || poll_one(&nodes[0]))
			;
		/* The echo goes out before the request's entry is reposted. */
		work_one(&nodes[1]);
		work_one(&nodes[1]);
		while (free_one(&nodes[1]) || free_one(&nodes[0]))
			;
	}
	*segments = nodes[0].peer.stats.segments_tx - before;
	return c.active ? -1 : (int)(nodes[0].bad + nodes[1].bad);
}

static void test_segmentation_0_to_1mib(struct htest *t)
{
	static const u32 lens[] = {
		0, 1, 127, 128, 4096, FIT_SEG_MAX - 1, FIT_SEG_MAX,
		FIT_SEG_MAX + 1, 2 * FIT_SEG_MAX, 65536, 262144 + 3,
		FIT_MAX_MSG - 1, FIT_MAX_MSG,
	};

	mbox_delay = false;
	setup(2);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		unsigned int segs = 0;
		u32 want = lens[i] ? (lens[i] + FIT_SEG_MAX - 1) / FIT_SEG_MAX : 1;

		HT_EXPECT_EQ(t, echo_once(lens[i], 1000 + i, &segs), 0);
		HT_EXPECT_EQ(t, segs, want);
	}
	HT_EXPECT_EQ(t, nodes[0].overruns + nodes[1].overruns, 0);
	HT_EXPECT_EQ(t, fit_credit_avail(&nodes[0].peer.tx[FIT_CLASS_REQ]) +
			fit_credit_avail(&nodes[1].peer.tx[FIT_CLASS_REP]) > 0, 1);
	teardown();
}

static void test_oversize_message_refused(struct htest *t)
{
	struct fit_hdr h;
	u8 b[FIT_HDR_BYTES + 1];

	/* The codec refuses total_len above FIT_MAX_MSG on receive. */
	h = (struct fit_hdr){ .version = 1, .opcode = FIT_OP_ECHO,
			      .total_len = FIT_MAX_MSG + 1, .seg_len = 1 };
	fit_hdr_pack(&h, (struct fit_wire_hdr *)b);
	HT_EXPECT_EQ(t, fit_hdr_unpack(b, sizeof(b), &h, NULL), -EPROTO);
}

static void test_wrong_version_rejected_with_reply_fields(struct htest *t)
{
	struct fit_wire_hdr w;
	struct fit_hdr h = { .version = 2, .opcode = FIT_OP_ECHO, .src_node = 1,
			     .dst_node = 0, .slot = 9, .gen = 77 };
	struct fit_rx rx;

	mbox_delay = false;
	setup(2);
	fit_hdr_pack(&h, &w);
	fit_rx_process(&nodes[0].peer, &nodes[0].slots, 0, &w, sizeof(w), false, &rx);
	HT_EXPECT_EQ(t, rx.action, FIT_RX_REJECT);
	HT_EXPECT(t, rx.hdr_valid);
	HT_EXPECT_EQ(t, rx.hdr.slot, 9);
	HT_EXPECT_EQ(t, rx.hdr.gen, 77);
	HT_EXPECT_STREQ(t, rx.why, "version");
	HT_EXPECT_EQ(t, nodes[0].peer.stats.proto_errors, 1);
	/* It used a request entry, which must be freed like any other. */
	HT_EXPECT_EQ(t, nodes[0].peer.rx[FIT_CLASS_REQ].received, 1);
	fit_rx_freed(&nodes[0].peer, FIT_CLASS_REQ);
	/* A message for another node is rejected too. */
	h.version = 1;
	h.dst_node = 5;
	fit_hdr_pack(&h, &w);
	fit_rx_process(&nodes[0].peer, &nodes[0].slots, 0, &w, sizeof(w), false, &rx);
	HT_EXPECT_EQ(t, rx.action, FIT_RX_REJECT);
	HT_EXPECT_EQ(t, nodes[0].peer.stats.proto_errors, 2);
	teardown();
}

static void test_credit_overrun_is_fatal(struct htest *t)
{
	struct fit_wire_hdr w;
	struct fit_hdr h = { .version = 1, .opcode = FIT_OP_SINK,
			     .flags = FIT_F_ONEWAY, .src_node = 1 };
	struct fit_rx rx;

	mbox_delay = false;
	setup(64);
	fit_hdr_pack(&h, &w);
	for (int i = 0; i < ring_req; i++) {
		fit_rx_process(&nodes[0].peer, &nodes[0].slots, 0, &w,
			       sizeof(w), false, &rx);
		HT_EXPECT_EQ(t, rx.action, FIT_RX_DISPATCH);
		free(rx.buf);
	}
	fit_rx_process(&nodes[0].peer, &nodes[0].slots, 0, &w, sizeof(w), false, &rx);
	HT_EXPECT_EQ(t, rx.action, FIT_RX_FATAL);
	free(rx.buf);
	teardown();
}

static void test_down_peer_refuses_send(struct htest *t)
{
	struct fit_tx tx;

	mbox_delay = false;
	setup(1);
	nodes[0].peer.up = false;
	fit_tx_init(&tx, 0, 1, FIT_OP_SINK, FIT_F_ONEWAY, 0, 0, "x", 1);
	HT_EXPECT_EQ(t, fit_tx_push(&nodes[0].peer, &tx), -ENOTCONN);
	HT_EXPECT_EQ(t, nodes[1].arr_count, 0);
	teardown();
}

static void test_model_random_interleavings(struct htest *t)
{
	unsigned int total = 0;

	for (u64 seed = 1; seed <= 40; seed++)
		total += model_run(t, seed * 0x9e3779b97f4a7c15ull,
				   1 + seed % 3, 3000);
	printf("# %u calls over 40 seeds, %llu credit stalls\n", total,
	       model_stalls);
	HT_EXPECT(t, total > 500);
	/* The point is senders blocking on credits: it must happen. */
	HT_EXPECT(t, model_stalls > 100);
}

static void test_model_tiny_rings(struct htest *t)
{
	ring_req = 1;
	ring_rep = 1;
	for (u64 seed = 100; seed < 110; seed++)
		model_run(t, seed * 0x2545f4914f6cdd1dull, 1, 2000);
	ring_req = 8;
	ring_rep = 4;
}

/*
 * The model with zero-copy offers and callers that give up: landing
 * areas written before their headers, late replies (zero-copy and
 * copied) arriving for quarantined and freed slots, slots reused.
 */
static void test_model_zc_timeouts(struct htest *t)
{
	unsigned long long late = 0, zc = 0;

	model_zc = true;
	for (int i = 0; i < 2; i++)
		land[i] = calloc(FIT_NR_SLOTS, MODEL_LAND);
	for (u64 seed = 1; seed <= 30; seed++) {
		model_run(t, seed * 0xbf58476d1ce4e5b9ull, 1 + seed % 3, 3000);
		for (int i = 0; i < 2; i++) {
			late += nodes[i].peer.stats.late_replies;
			zc += nodes[i].peer.stats.zc_replies_rx;
		}
	}
	printf("# %llu late replies, %llu zero-copy replies over 30 seeds\n",
	       late, zc);
	/* Both must actually happen, or the model proves nothing. */
	HT_EXPECT(t, late > 50);
	HT_EXPECT(t, zc > 50);
	for (int i = 0; i < 2; i++) {
		free(land[i]);
		land[i] = NULL;
	}
	model_zc = false;
}

static void test_lat_bucket(struct htest *t)
{
	HT_EXPECT_EQ(t, fit_lat_bucket(0), 0);
	HT_EXPECT_EQ(t, fit_lat_bucket(1), 0);
	HT_EXPECT_EQ(t, fit_lat_bucket(2), 1);
	HT_EXPECT_EQ(t, fit_lat_bucket(3), 1);
	HT_EXPECT_EQ(t, fit_lat_bucket(1024), 10);
	HT_EXPECT_EQ(t, fit_lat_bucket(1ull << 40), 15);
}

static const struct htest_case cases[] = {
	HT_CASE(test_credit_basics),
	HT_CASE(test_credit_wraparound),
	HT_CASE(test_slot_late_reply),
	HT_CASE(test_slot_errors),
	HT_CASE(test_slot_zero_copy),
	HT_CASE(test_slot_zc_quarantine),
	HT_CASE(test_segmentation_0_to_1mib),
	HT_CASE(test_oversize_message_refused),
	HT_CASE(test_wrong_version_rejected_with_reply_fields),
	HT_CASE(test_credit_overrun_is_fatal),
	HT_CASE(test_down_peer_refuses_send),
	HT_CASE(test_model_random_interleavings),
	HT_CASE(test_model_tiny_rings),
	HT_CASE(test_model_zc_timeouts),
	HT_CASE(test_lat_bucket),
	{}
};

HTEST_MAIN(cases)
