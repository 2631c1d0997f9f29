/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Split virtqueue bookkeeping: the descriptor free list, publishing
 * buffers (descriptor chains; a single buffer is a chain of one) in the
 * avail ring, reading completions from the used ring, and interrupt
 * suppression.  Pure memory operations with no transport or allocator,
 * so tests/host/test_virtqueue.c builds this file on the host and plays
 * the device.
 *
 * The device is not trusted: each used entry's id must name the head of
 * a chain in flight and its length must fit the chain's device-writable
 * bytes (so 0 for a chain the device only reads), and the used index may
 * never run more than vq->num entries ahead of us.
 * Violations are counted (vq->errors) and skipped, or, for the index,
 * mark the queue broken.
 *
 * Ordering: x86 keeps stores in order and the device reads memory
 * coherently, so publishing needs only compiler ordering (smp_wmb);
 * the check for VRING_USED_F_NO_NOTIFY after publishing needs a full
 * barrier (smp_mb), as does re-checking the used index after
 * re-enabling interrupts.
 */
#include <tessera/atomic.h>
#include <tessera/errno.h>
#include <tessera/string.h>
#include <tessera/virtio.h>

void vring_compute_layout(unsigned int num, struct vring_layout *l)
{
	size_t avail_end;

	l->avail_off = (size_t)num * sizeof(struct vring_desc);
	/* flags, idx, ring[num], used_event */
	avail_end = l->avail_off + sizeof(struct vring_avail) +
		    (size_t)num * sizeof(__le16) + sizeof(__le16);
	/* A cache line of its own: the device writes it, we read it. */
	l->used_off = ALIGN(avail_end, 64);
	/* flags, idx, ring[num], avail_event */
	l->size = l->used_off + sizeof(struct vring_used) +
		  (size_t)num * sizeof(struct vring_used_elem) +
		  sizeof(__le16);
}

int virtqueue_init(struct virtqueue *vq, unsigned int num, void *ring,
		   u64 dma, void **tokens, u32 *lens)
{
	struct vring_layout l;
	unsigned int i;

	if (!is_power_of_2(num) || num > VIRTQUEUE_MAX_SIZE)
		return -EINVAL;
	vring_compute_layout(num, &l);
	vq->num = num;
	vq->desc = ring;
	vq->avail = (struct vring_avail *)((u8 *)ring + l.avail_off);
	vq->used = (struct vring_used *)((u8 *)ring + l.used_off);
	vq->dma = dma;
	vq->tokens = tokens;
	vq->lens = lens;
	for (i = 0; i < num; i++) {
		tokens[i] = NULL;
		lens[i] = 0;
		/* Free descriptors are chained through .next. */
		vq->desc[i].next = (i + 1) % num;
	}
	vq->free_head = 0;
	vq->num_free = num;
	vq->avail_idx = 0;
	vq->last_used = 0;
	vq->broken = false;
	vq->errors = 0;
	return 0;
}

int virtqueue_add_chain(struct virtqueue *vq, const struct virtqueue_seg *seg,
			unsigned int n, void *token)
{
	u16 head, prev = 0, id;
	u32 writable = 0;
	unsigned int i;

	if (!token || !n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!seg[i].len)
			return -EINVAL;
		/* Everything the device reads comes before what it writes. */
		if (i && seg[i - 1].device_writes && !seg[i].device_writes)
			return -EINVAL;
		if (seg[i].device_writes)
			writable += seg[i].len;
	}
	if (vq->broken || vq->num_free < n)
		return -ENOSPC;

	head = vq->free_head;
	for (i = 0; i < n; i++) {
		id = vq->free_head;
		vq->free_head = vq->desc[id].next;
		vq->num_free--;
		vq->desc[id].addr = seg[i].addr;
		vq->desc[id].len = seg[i].len;
		vq->desc[id].flags = seg[i].device_writes ?
				     VRING_DESC_F_WRITE : 0;
		if (i) {
			vq->desc[prev].flags |= VRING_DESC_F_NEXT;
			vq->desc[prev].next = id;
		}
		prev = id;
	}
	vq->tokens[head] = token;
	vq->lens[head] = writable;

	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	/* The descriptors and the entry before the index that publishes it. */
	smp_wmb();
	vq->avail_idx++;
	WRITE_ONCE(vq->avail->idx, vq->avail_idx);
	return 0;
}

int virtqueue_add_buf(struct virtqueue *vq, u64 addr, u32 len,
		      bool device_writes, void *token)
{
	struct virtqueue_seg seg = {
		.addr = addr, .len = len, .device_writes = device_writes,
	};

	return virtqueue_add_chain(vq, &seg, 1, token);
}

/*
 * Put the chain headed by @head back on the free list, following the
 * NEXT flags and links we wrote when posting it (the device only reads
 * descriptors); at most vq->num steps, stopping at an id out of range.
 */
static void virtqueue_free_chain(struct virtqueue *vq, u16 head)
{
	unsigned int i;
	u16 id = head;

	vq->tokens[head] = NULL;
	vq->lens[head] = 0;
	for (i = 0; i < vq->num && id < vq->num; i++) {
		u16 next = vq->desc[id].next;
		bool more = vq->desc[id].flags & VRING_DESC_F_NEXT;

		vq->desc[id].flags = 0;
		vq->desc[id].next = vq->free_head;
		vq->free_head = id;
		vq->num_free++;
		if (!more)
			break;
		id = next;
	}
}

/* Entries the device has completed that we have not read, or -1. */
static int virtqueue_pending(struct virtqueue *vq)
{
	u16 used_idx = READ_ONCE(vq->used->idx);
	u16 pending = used_idx - vq->last_used;
	u16 in_flight = vq->num - vq->num_free;

	if (pending > in_flight) {
		/* The device claims more than we gave it. */
		vq->broken = true;
		vq->errors++;
		return -1;
	}
	return pending;
}

unsigned int virtqueue_used_backlog(struct virtqueue *vq, unsigned int *posted)
{
	int pending = vq->broken ? -1 : virtqueue_pending(vq);

	*posted = vq->num - vq->num_free;
	return pending > 0 ? pending : 0;
}

bool virtqueue_has_used(struct virtqueue *vq)
{
	return !vq->broken && virtqueue_pending(vq) > 0;
}

void *virtqueue_get_buf(struct virtqueue *vq, u32 *len)
{
	while (!vq->broken && virtqueue_pending(vq) > 0) {
		struct vring_used_elem *e;
		u32 id, used_len;
		void *token;

		/* Read the entry only after seeing the index. */
		smp_rmb();
		e = &vq->used->ring[vq->last_used & (vq->num - 1)];
		id = READ_ONCE(e->id);
		used_len = READ_ONCE(e->len);
		vq->last_used++;

		if (id >= vq->num || !vq->tokens[id]) {
			vq->errors++;
			continue;
		}
		token = vq->tokens[id];
		if (used_len > vq->lens[id]) {
			vq->errors++;
			used_len = 0;
		}
		virtqueue_free_chain(vq, id);
		*len = used_len;
		return token;
	}
	return NULL;
}

bool virtqueue_kick_prepare(struct virtqueue *vq)
{
	/* Our avail->idx store before the device's flags load. */
	smp_mb();
	return !(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY);
}

void virtqueue_disable_cb(struct virtqueue *vq)
{
	WRITE_ONCE(vq->avail->flags,
		   vq->avail->flags | VRING_AVAIL_F_NO_INTERRUPT);
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	WRITE_ONCE(vq->avail->flags,
		   vq->avail->flags & ~VRING_AVAIL_F_NO_INTERRUPT);
	/* Flag store before the used index load. */
	smp_mb();
	return !virtqueue_has_used(vq);
}
