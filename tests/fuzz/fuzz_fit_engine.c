// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the FIT engine's receive path (net/fit/engine.c,
 * fit_rx_process()): one peer (node 1) talking to us (node 0), four calls
 * of ours waiting for replies.  The input is a sequence of received
 * entries, each a control byte (bit 0: make the header CRC right, bit 1:
 * requests are held, bit 2: the entry is reposted at once) and a 16-bit
 * length, then the bytes.  Actions are taken as net/fit/core.c takes
 * them: a dispatched request is consumed and freed, a rejected or fatal
 * entry's buffer freed, a fatal one resets the connection (freeing a
 * request being reassembled), a woken call is released and a new one
 * takes its slot; entries are reposted (fit_rx_freed) at once or later.
 *
 * Properties: a dispatched request has a buffer of its total length,
 * from our pool; a woken slot is one we own; every buffer comes back
 * (LeakSanitizer at exit, and a count of the pool here).
 */
/* FUZZ-HTEST: test_fit_engine */
#include <fit/fit_wire.h>
#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "../../net/fit/internal.h"
#include "fuzz.h"

#define PEER		1
#define SELF		0
#define ENTRIES		8
#define CALLS		4
#define REPLY_MAX	512

static struct fit_peer peer;
static struct fit_slot_table slots;
static u8 frame[FIT_HDR_BYTES + FIT_SEG_MAX];
static u8 replies[CALLS][REPLY_MAX];
static struct { u16 id; u32 gen; bool live; } calls[CALLS];
static long bufs_out;

static int fake_send(struct fit_peer *p, const struct fit_wire_hdr *w,
		     const void *payload, u32 len)
{
	return 0;
}

static int fake_credits(struct fit_peer *p, u16 req, u16 rep)
{
	return 0;
}

static void *fake_get_buf(struct fit_peer *p, u32 len)
{
	void *b;

	if (bufs_out >= 4)
		return NULL;		/* the pool is empty: PARK */
	FUZZ_ASSERT(len <= FIT_MAX_MSG);
	b = malloc(len ? len : 1);
	if (b)
		bufs_out++;
	return b;
}

static void put_buf(void *b)
{
	if (!b)
		return;
	free(b);
	bufs_out--;
	FUZZ_ASSERT(bufs_out >= 0);
}

static const struct fit_transport_ops ops = {
	.send = fake_send,
	.write_credits = fake_credits,
	.get_buf = fake_get_buf,
};

static void new_call(unsigned int i)
{
	calls[i].live = !fit_slot_alloc(&slots, PEER, replies[i], REPLY_MAX,
					&calls[i].id, &calls[i].gen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int pending[2] = { 0, 0 };
	struct fit_rx rx;

	bufs_out = 0;
	fit_peer_init(&peer, PEER, &ops, NULL, ENTRIES, ENTRIES);
	peer.up = true;
	fit_slot_table_init(&slots);
	for (unsigned int i = 0; i < CALLS; i++)
		new_call(i);

	while (in.left) {
		u8 ctl = fuzz_take(&in, 1);
		u32 len = fuzz_take(&in, 2) % (sizeof(frame) + 1);
		enum fit_class cls;

		for (u32 i = 0; i < len; i++)
			frame[i] = fuzz_take(&in, 1);
		if ((ctl & 1) && len >= FIT_HDR_BYTES)
			put_le32(frame + 36, ~crc32_le(~0u, frame, 36));
		cls = fit_rx_class(frame, len);
		fit_rx_process(&peer, &slots, SELF, frame, len, ctl & 2, &rx);
		switch (rx.action) {
		case FIT_RX_DISPATCH:
			FUZZ_ASSERT(rx.buf);
			if (rx.hdr.total_len)
				(void)*(volatile u8 *)((u8 *)rx.buf +
						       rx.hdr.total_len - 1);
			put_buf(rx.buf);
			break;
		case FIT_RX_REJECT:
			put_buf(rx.buf);
			break;
		case FIT_RX_FATAL:
			put_buf(rx.buf);
			put_buf(peer.reasm.buf);
			fit_peer_reset(&peer, ENTRIES, ENTRIES);
			pending[0] = pending[1] = 0;
			continue;
		case FIT_RX_WAKE:
			for (unsigned int i = 0; i < CALLS; i++) {
				if (!calls[i].live || calls[i].id != rx.slot)
					continue;
				if (fit_slot_done(&slots, calls[i].id,
						  calls[i].gen)) {
					fit_slot_release(&slots, calls[i].id,
							 calls[i].gen);
					new_call(i);
				}
			}
			break;
		case FIT_RX_PARK:
			continue;	/* the entry stays posted */
		default:
			break;
		}
		pending[cls]++;
		if (ctl & 4) {
			while (pending[cls]) {
				fit_rx_freed(&peer, cls);
				pending[cls]--;
			}
		}
	}
	put_buf(peer.reasm.buf);
	FUZZ_ASSERT(bufs_out == 0);
	for (unsigned int i = 0; i < CALLS; i++)
		if (calls[i].live)
			fit_slot_release(&slots, calls[i].id, calls[i].gen);
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

static u8 seed[4096];
static size_t seed_len;

static void put_frame(u8 ctl, const struct fit_hdr *h)
{
	u32 len = FIT_HDR_BYTES + h->seg_len;

	seed[seed_len] = ctl;
	put_le16(seed + seed_len + 1, len);
	fit_hdr_pack(h, (struct fit_wire_hdr *)(seed + seed_len + 3));
	memset(seed + seed_len + 3 + FIT_HDR_BYTES, 0x33, h->seg_len);
	seed_len += 3 + len;
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	struct fit_hdr h = {
		.version = FIT_VERSION, .opcode = FIT_OP_ECHO,
		.src_node = PEER, .dst_node = SELF, .slot = 9, .gen = 1,
		.total_len = 100, .seg_len = 100,
	};

	seed_len = 0;
	put_frame(4, &h);			/* a request */
	h.total_len = 300;
	h.seg_len = 200;
	h.slot = 10;
	put_frame(0, &h);			/* two segments */
	h.seg_off = 200;
	h.seg_len = 100;
	put_frame(4, &h);
	emit("requests", seed, seed_len);

	seed_len = 0;
	memset(&h, 0, sizeof(h));
	h.version = FIT_VERSION;
	h.opcode = FIT_OP_ECHO;
	h.src_node = PEER;
	h.dst_node = SELF;
	h.flags = FIT_F_REPLY;
	h.slot = FIT_NR_SLOTS - 1;		/* the first slot handed out */
	h.gen = 1;
	h.total_len = h.seg_len = 64;
	put_frame(4, &h);			/* a reply to our call */
	h.slot = FIT_NR_SLOTS - 2;
	h.flags = FIT_F_REPLY | FIT_F_ERROR;
	h.status = EINVAL;
	h.total_len = h.seg_len = 0;
	put_frame(4, &h);			/* an error reply */
	emit("replies", seed, seed_len);
}
