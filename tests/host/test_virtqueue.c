/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for drivers/virtio/virtqueue.c, the split-ring bookkeeping.
 * The test plays the device: it reads the avail ring and writes used
 * entries as the virtio 1.x specification (section 2.7) describes them,
 * including the malformed entries a buggy or hostile device could write.
 * Layout oracles are the specification's sizes and alignments.
 */
/* HTEST-SOURCES: drivers/virtio/virtqueue.c lib/string.c */
#include "htest.h"
#include <tessera/errno.h>
#include <tessera/virtio.h>

struct ring {
	struct virtqueue vq;
	void *mem;
	void **tokens;
	u32 *lens;
	u16 dev_avail;		/* the device's next avail entry */
	u16 dev_used;		/* the device's used->idx */
};

static int ring_setup(struct ring *r, unsigned int num)
{
	struct vring_layout l;

	vring_compute_layout(num, &l);
	r->mem = aligned_alloc(4096, (l.size + 4095) & ~4095UL);
	r->tokens = calloc(num ? num : 1, sizeof(void *));
	r->lens = calloc(num ? num : 1, sizeof(u32));
	if (!r->mem || !r->tokens || !r->lens)
		abort();
	for (size_t i = 0; i < l.size; i++)
		((u8 *)r->mem)[i] = 0;
	r->dev_avail = 0;
	r->dev_used = 0;
	return virtqueue_init(&r->vq, num, r->mem, 0x100000, r->tokens,
			      r->lens);
}

static void ring_free(struct ring *r)
{
	free(r->mem);
	free(r->tokens);
	free(r->lens);
}

/* Device: take the next available descriptor id, or -1. */
static int dev_take(struct ring *r)
{
	if (r->dev_avail == r->vq.avail->idx)
		return -1;
	return r->vq.avail->ring[r->dev_avail++ & (r->vq.num - 1)];
}

/* Device: complete descriptor @id with @len bytes written. */
static void dev_complete(struct ring *r, u32 id, u32 len)
{
	struct vring_used_elem *e = &r->vq.used->ring[r->dev_used &
						      (r->vq.num - 1)];

	e->id = id;
	e->len = len;
	r->dev_used++;
	r->vq.used->idx = r->dev_used;
}

static void *tok(unsigned long i)
{
	return (void *)(i + 1);
}

static void test_layout_follows_spec(struct htest *t)
{
	static const unsigned int sizes[] = { 1, 2, 64, 256, 1024, 32768 };

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned int n = sizes[i];
		struct vring_layout l;

		vring_compute_layout(n, &l);
		/* Descriptor table: 16 bytes per entry, at the start. */
		HT_EXPECT_EQ(t, l.avail_off, 16 * n);
		HT_EXPECT_EQ(t, l.avail_off % 2, 0);
		/* Avail: flags, idx, ring[n], used_event = 6 + 2n. */
		HT_EXPECT(t, l.used_off >= l.avail_off + 6 + 2 * n);
		HT_EXPECT_EQ(t, l.used_off % 4, 0);
		/* Used: flags, idx, ring[n] of 8 bytes, avail_event. */
		HT_EXPECT(t, l.size >= l.used_off + 6 + 8 * n);
	}
}

static void test_init_rejects_bad_sizes(struct htest *t)
{
	struct ring r;

	HT_EXPECT_EQ(t, ring_setup(&r, 3), -EINVAL);
	ring_free(&r);
	HT_EXPECT_EQ(t, ring_setup(&r, 0), -EINVAL);
	ring_free(&r);
	HT_EXPECT_EQ(t, ring_setup(&r, 65536), -EINVAL);
	ring_free(&r);
	HT_EXPECT_EQ(t, ring_setup(&r, 8), 0);
	HT_EXPECT_EQ(t, r.vq.num_free, 8);
	ring_free(&r);
}

static void test_add_publishes_descriptors(struct htest *t)
{
	struct ring r;
	int ids[3];

	HT_ASSERT_EQ(t, ring_setup(&r, 8), 0);
	HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 100, true, tok(0)),
		     0);
	HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x2000, 200, false, tok(1)),
		     0);
	HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x3000, 300, true, tok(2)),
		     0);
	HT_EXPECT_EQ(t, r.vq.avail->idx, 3);
	HT_EXPECT_EQ(t, r.vq.num_free, 5);
	for (int i = 0; i < 3; i++) {
		ids[i] = dev_take(&r);
		HT_ASSERT(t, ids[i] >= 0 && ids[i] < 8);
		HT_EXPECT_EQ(t, r.vq.desc[ids[i]].addr, 0x1000 * (i + 1));
		HT_EXPECT_EQ(t, r.vq.desc[ids[i]].len, 100 * (i + 1));
		HT_EXPECT_EQ(t, r.vq.desc[ids[i]].flags,
			     i == 1 ? 0 : VRING_DESC_F_WRITE);
	}
	HT_EXPECT(t, ids[0] != ids[1] && ids[1] != ids[2] &&
		  ids[0] != ids[2]);
	HT_EXPECT_EQ(t, dev_take(&r), -1);
	/* Bad arguments. */
	HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x4000, 10, true, NULL),
		     -EINVAL);
	HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x4000, 0, true, tok(3)),
		     -EINVAL);
	ring_free(&r);
}

static void test_completions_in_device_order(struct htest *t)
{
	struct ring r;
	int ids[3];
	u32 len = 12345;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	for (int i = 0; i < 3; i++)
		HT_ASSERT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000 * i, 1000,
						  true, tok(i)), 0);
	for (int i = 0; i < 3; i++)
		ids[i] = dev_take(&r);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), NULL);
	HT_EXPECT(t, !virtqueue_has_used(&r.vq));
	/* Out of order: 2, 0, 1. */
	dev_complete(&r, ids[2], 60);
	dev_complete(&r, ids[0], 1000);
	HT_EXPECT(t, virtqueue_has_used(&r.vq));
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(2));
	HT_EXPECT_EQ(t, len, 60);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(0));
	HT_EXPECT_EQ(t, len, 1000);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), NULL);
	dev_complete(&r, ids[1], 0);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(1));
	HT_EXPECT_EQ(t, len, 0);
	HT_EXPECT_EQ(t, r.vq.num_free, 4);
	HT_EXPECT_EQ(t, r.vq.errors, 0);
	ring_free(&r);
}

static void test_full_ring(struct htest *t)
{
	struct ring r;
	u32 len;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	for (int i = 0; i < 4; i++)
		HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 64, false,
						  tok(i)), 0);
	HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 64, false, tok(4)),
		     -ENOSPC);
	dev_complete(&r, dev_take(&r), 0);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(0));
	HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 64, false, tok(4)),
		     0);
	ring_free(&r);
}

static void test_bad_used_id_skipped(struct htest *t)
{
	struct ring r;
	u32 len;
	int id;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	HT_ASSERT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 64, true, tok(7)),
		     0);
	HT_ASSERT_EQ(t, virtqueue_add_buf(&r.vq, 0x2000, 64, true, tok(8)),
		     0);
	id = dev_take(&r);
	dev_complete(&r, 4 + 5, 10);		/* out of range */
	dev_complete(&r, id, 10);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(7));
	HT_EXPECT_EQ(t, len, 10);
	HT_EXPECT_EQ(t, r.vq.errors, 1);
	/* The same id again: no longer in flight. */
	dev_complete(&r, id, 10);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), NULL);
	HT_EXPECT_EQ(t, r.vq.errors, 2);
	HT_EXPECT(t, !r.vq.broken);
	ring_free(&r);
}

static void test_oversized_len_reported(struct htest *t)
{
	struct ring r;
	u32 len = 99;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	HT_ASSERT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 2048, true, tok(0)),
		     0);
	dev_complete(&r, dev_take(&r), 2049);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(0));
	HT_EXPECT_EQ(t, len, 0);
	HT_EXPECT_EQ(t, r.vq.errors, 1);
	HT_EXPECT_EQ(t, r.vq.num_free, 4);
	ring_free(&r);
}

static void test_runaway_used_index_breaks_queue(struct htest *t)
{
	struct ring r;
	u32 len;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	HT_ASSERT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 64, true, tok(0)),
		     0);
	/* One buffer in flight, but the device claims two completions. */
	r.vq.used->ring[0].id = 0;
	r.vq.used->ring[1].id = 1;
	r.vq.used->idx = 2;
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), NULL);
	HT_EXPECT(t, r.vq.broken);
	HT_EXPECT(t, r.vq.errors >= 1);
	HT_EXPECT(t, !virtqueue_has_used(&r.vq));
	HT_EXPECT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 64, true, tok(1)),
		     -ENOSPC);
	ring_free(&r);
}

static void test_indices_wrap(struct htest *t)
{
	struct ring r;
	u32 len;

	HT_ASSERT_EQ(t, ring_setup(&r, 8), 0);
	/* Well past 65536 so the 16-bit indices wrap several times. */
	for (unsigned long i = 0; i < 200000; i++) {
		int id;

		if (virtqueue_add_buf(&r.vq, 0x1000, 64, true, tok(i))) {
			HT_FAIL(t, "add failed at %lu", i);
			break;
		}
		id = dev_take(&r);
		dev_complete(&r, id, i % 64);
		if (virtqueue_get_buf(&r.vq, &len) != tok(i) ||
		    len != i % 64) {
			HT_FAIL(t, "wrong completion at %lu", i);
			break;
		}
	}
	HT_EXPECT_EQ(t, r.vq.num_free, 8);
	HT_EXPECT_EQ(t, r.vq.errors, 0);
	ring_free(&r);
}

static void test_interrupt_suppression(struct htest *t)
{
	struct ring r;
	u32 len;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	virtqueue_disable_cb(&r.vq);
	HT_EXPECT_EQ(t, r.vq.avail->flags & VRING_AVAIL_F_NO_INTERRUPT,
		     VRING_AVAIL_F_NO_INTERRUPT);
	HT_EXPECT(t, virtqueue_enable_cb(&r.vq));
	HT_EXPECT_EQ(t, r.vq.avail->flags & VRING_AVAIL_F_NO_INTERRUPT, 0);

	/* A completion that slipped in while disabled: poll again. */
	virtqueue_disable_cb(&r.vq);
	HT_ASSERT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000, 64, true, tok(0)),
		     0);
	dev_complete(&r, dev_take(&r), 1);
	HT_EXPECT(t, !virtqueue_enable_cb(&r.vq));
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(0));
	HT_EXPECT(t, virtqueue_enable_cb(&r.vq));
	ring_free(&r);
}

static void test_kick_follows_device_flag(struct htest *t)
{
	struct ring r;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	HT_EXPECT(t, virtqueue_kick_prepare(&r.vq));
	r.vq.used->flags = VRING_USED_F_NO_NOTIFY;
	HT_EXPECT(t, !virtqueue_kick_prepare(&r.vq));
	ring_free(&r);
}

/* Device: the chain starting at @head, as the spec says to walk it. */
static unsigned int dev_walk(struct ring *r, u16 head, u16 *ids,
			     unsigned int max)
{
	unsigned int n = 0;
	u16 id = head;

	for (;;) {
		if (n == max)
			return max + 1;
		ids[n++] = id;
		if (!(r->vq.desc[id].flags & VRING_DESC_F_NEXT))
			return n;
		id = r->vq.desc[id].next;
	}
}

static void test_chain_published_in_order(struct htest *t)
{
	const struct virtqueue_seg seg[3] = {
		{ 0x1000, 16, false }, { 0x2000, 512, true }, { 0x3000, 1, true },
	};
	struct ring r;
	u16 ids[4];
	u32 len = 7;
	int head;

	HT_ASSERT_EQ(t, ring_setup(&r, 8), 0);
	HT_ASSERT_EQ(t, virtqueue_add_chain(&r.vq, seg, 3, tok(5)), 0);
	/* One avail entry for the whole chain. */
	HT_EXPECT_EQ(t, r.vq.avail->idx, 1);
	HT_EXPECT_EQ(t, r.vq.num_free, 5);
	head = dev_take(&r);
	HT_ASSERT(t, head >= 0 && head < 8);
	HT_ASSERT_EQ(t, dev_walk(&r, head, ids, 4), 3);
	for (int i = 0; i < 3; i++) {
		HT_EXPECT_EQ(t, r.vq.desc[ids[i]].addr, seg[i].addr);
		HT_EXPECT_EQ(t, r.vq.desc[ids[i]].len, seg[i].len);
		HT_EXPECT_EQ(t, r.vq.desc[ids[i]].flags & VRING_DESC_F_WRITE,
			     seg[i].device_writes ? VRING_DESC_F_WRITE : 0);
	}
	HT_EXPECT(t, ids[0] != ids[1] && ids[1] != ids[2] &&
		  ids[0] != ids[2]);
	/* The device wrote the data and the status byte: 513 bytes. */
	dev_complete(&r, head, 513);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(5));
	HT_EXPECT_EQ(t, len, 513);
	HT_EXPECT_EQ(t, r.vq.num_free, 8);
	HT_EXPECT_EQ(t, r.vq.errors, 0);
	ring_free(&r);
}

static void test_chain_rejects_bad_arguments(struct htest *t)
{
	const struct virtqueue_seg backwards[2] = {
		{ 0x1000, 1, true }, { 0x2000, 16, false },
	};
	const struct virtqueue_seg empty[2] = {
		{ 0x1000, 16, false }, { 0x2000, 0, true },
	};
	const struct virtqueue_seg two[2] = {
		{ 0x1000, 16, false }, { 0x2000, 1, true },
	};
	struct ring r;

	HT_ASSERT_EQ(t, ring_setup(&r, 2), 0);
	HT_EXPECT_EQ(t, virtqueue_add_chain(&r.vq, backwards, 2, tok(0)),
		     -EINVAL);
	HT_EXPECT_EQ(t, virtqueue_add_chain(&r.vq, empty, 2, tok(0)),
		     -EINVAL);
	HT_EXPECT_EQ(t, virtqueue_add_chain(&r.vq, two, 0, tok(0)), -EINVAL);
	HT_EXPECT_EQ(t, virtqueue_add_chain(&r.vq, two, 2, NULL), -EINVAL);
	HT_EXPECT_EQ(t, r.vq.num_free, 2);
	HT_EXPECT_EQ(t, r.vq.avail->idx, 0);
	/* One free descriptor left: a chain of two does not fit. */
	HT_ASSERT_EQ(t, virtqueue_add_buf(&r.vq, 0x5000, 8, true, tok(1)), 0);
	HT_EXPECT_EQ(t, virtqueue_add_chain(&r.vq, two, 2, tok(2)), -ENOSPC);
	HT_EXPECT_EQ(t, r.vq.num_free, 1);
	HT_EXPECT_EQ(t, r.vq.avail->idx, 1);
	ring_free(&r);
}

static void test_chain_only_head_completes(struct htest *t)
{
	const struct virtqueue_seg seg[2] = {
		{ 0x1000, 2, false }, { 0x2000, 1, true },
	};
	struct ring r;
	u16 ids[3];
	u32 len;
	int head;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	HT_ASSERT_EQ(t, virtqueue_add_chain(&r.vq, seg, 2, tok(0)), 0);
	head = dev_take(&r);
	HT_ASSERT_EQ(t, dev_walk(&r, head, ids, 3), 2);
	/* A used entry naming the chain's second descriptor is bogus. */
	dev_complete(&r, ids[1], 1);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), NULL);
	HT_EXPECT_EQ(t, r.vq.errors, 1);
	HT_EXPECT_EQ(t, r.vq.num_free, 2);
	/* More than the one writable byte: counted, the chain still freed. */
	dev_complete(&r, head, 2);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(0));
	HT_EXPECT_EQ(t, len, 0);
	HT_EXPECT_EQ(t, r.vq.errors, 2);
	HT_EXPECT_EQ(t, r.vq.num_free, 4);
	ring_free(&r);
}

static void test_chains_recycle_descriptors(struct htest *t)
{
	const struct virtqueue_seg seg[3] = {
		{ 0x1000, 16, false }, { 0x2000, 4096, false },
		{ 0x3000, 1, true },
	};
	struct ring r;
	u32 len;

	HT_ASSERT_EQ(t, ring_setup(&r, 8), 0);
	/*
	 * Chains of 3 and single buffers interleaved, completed out of
	 * order, many times over: the free list must never lose or
	 * duplicate a descriptor.
	 */
	for (unsigned long i = 0; i < 20000; i++) {
		int a, b;

		if (virtqueue_add_chain(&r.vq, seg, 3, tok(2 * i)) ||
		    virtqueue_add_buf(&r.vq, 0x4000, 64, true,
				      tok(2 * i + 1))) {
			HT_FAIL(t, "add failed at %lu", i);
			break;
		}
		a = dev_take(&r);
		b = dev_take(&r);
		dev_complete(&r, b, 64);
		dev_complete(&r, a, 1);
		if (virtqueue_get_buf(&r.vq, &len) != tok(2 * i + 1) ||
		    len != 64 || virtqueue_get_buf(&r.vq, &len) != tok(2 * i) ||
		    len != 1) {
			HT_FAIL(t, "wrong completion at %lu", i);
			break;
		}
	}
	HT_EXPECT_EQ(t, r.vq.num_free, 8);
	HT_EXPECT_EQ(t, r.vq.errors, 0);
	/* All eight usable again as one chain. */
	{
		struct virtqueue_seg all[8];

		for (int i = 0; i < 8; i++)
			all[i] = (struct virtqueue_seg){ 0x1000 * i, 8,
							 i == 7 };
		HT_EXPECT_EQ(t, virtqueue_add_chain(&r.vq, all, 8, tok(0)),
			     0);
		HT_EXPECT_EQ(t, r.vq.num_free, 0);
	}
	ring_free(&r);
}

/*
 * The receive-ring indicator virtio-net counts: completed entries not
 * yet taken, against the chains the device holds; equal only when the
 * device has filled every buffer it was given.
 */
static void test_used_backlog_tells_exhausted_ring(struct htest *t)
{
	struct ring r;
	unsigned int posted;
	u32 len;

	HT_ASSERT_EQ(t, ring_setup(&r, 4), 0);
	HT_EXPECT_EQ(t, virtqueue_used_backlog(&r.vq, &posted), 0);
	HT_EXPECT_EQ(t, posted, 0);
	for (int i = 0; i < 3; i++)
		HT_ASSERT_EQ(t, virtqueue_add_buf(&r.vq, 0x1000 * i, 64, true,
						  tok(i)), 0);
	dev_complete(&r, dev_take(&r), 10);
	dev_complete(&r, dev_take(&r), 10);
	HT_EXPECT_EQ(t, virtqueue_used_backlog(&r.vq, &posted), 2);
	HT_EXPECT_EQ(t, posted, 3);
	dev_complete(&r, dev_take(&r), 10);
	HT_EXPECT_EQ(t, virtqueue_used_backlog(&r.vq, &posted), 3);
	HT_EXPECT_EQ(t, posted, 3);
	HT_EXPECT_EQ(t, virtqueue_get_buf(&r.vq, &len), tok(0));
	HT_EXPECT_EQ(t, virtqueue_used_backlog(&r.vq, &posted), 2);
	HT_EXPECT_EQ(t, posted, 2);
	/* A device claiming more than it holds breaks the queue: 0. */
	r.vq.used->idx += 5;
	HT_EXPECT_EQ(t, virtqueue_used_backlog(&r.vq, &posted), 0);
	HT_EXPECT(t, r.vq.broken);
	ring_free(&r);
}

static const struct htest_case cases[] = {
	HT_CASE(test_layout_follows_spec),
	HT_CASE(test_init_rejects_bad_sizes),
	HT_CASE(test_add_publishes_descriptors),
	HT_CASE(test_completions_in_device_order),
	HT_CASE(test_full_ring),
	HT_CASE(test_bad_used_id_skipped),
	HT_CASE(test_oversized_len_reported),
	HT_CASE(test_runaway_used_index_breaks_queue),
	HT_CASE(test_indices_wrap),
	HT_CASE(test_interrupt_suppression),
	HT_CASE(test_kick_follows_device_flag),
	HT_CASE(test_chain_published_in_order),
	HT_CASE(test_chain_rejects_bad_arguments),
	HT_CASE(test_chain_only_head_completes),
	HT_CASE(test_chains_recycle_descriptors),
	HT_CASE(test_used_backlog_tells_exhausted_ring),
	{}
};
HTEST_MAIN(cases)
