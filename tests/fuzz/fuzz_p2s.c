// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the storage node's P2S requests with the ext4
 * code behind them (managers/storage/p2s.c, p2s_serve()): the input is
 * a sequence of requests, each an opcode byte (bit 7: keep the header as
 * it is, else its version and reserved field are made right), a 16-bit
 * length and the request's bytes, served in order on a fresh copy of an
 * image made by mke2fs at the first call.
 *
 * Properties: a reply is never longer than P2S_REPLY_MAX and the bytes
 * after it are untouched (a canary); the requests and errors counters
 * add up; the file system still mounts after the run.
 */
/* FUZZ-HTEST: test_ext4_write */
#include <fit/fit_wire.h>
#include <fit/storage.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "../../managers/storage/ext4_write.h"
#include "../../managers/storage/internal.h"
#include "ext4img.h"

#define NR_OPS		(P2S_SETATTR - P2S_OPEN + 1)
#define REQ_MAX		8192
#define CANARY		64

static u8 *base;
static size_t base_len;
static u8 req[REQ_MAX];
static u8 reply[P2S_REPLY_MAX + CANARY];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct p2s_stats st = { 0 };
	u64 nr = 0, errors = 0;
	struct ext4_fs *fs;
	struct memimg m;

	if (!base) {
		base = memimg_mkfs("1M", "-b 1024 -N 64", &base_len);
		FUZZ_ASSERT(base);
	}
	FUZZ_ASSERT(memimg_open(&m, base, base_len));
	fs = ext4_mount(&m.io, 32);
	FUZZ_ASSERT(!IS_ERR(fs));
	fs->now.sec = 1700000000;
	while (in.left) {
		u8 sel = fuzz_take(&in, 1);
		u16 op = P2S_OPEN + (sel & 0x7f) % NR_OPS;
		u32 len = fuzz_take(&in, 2) % REQ_MAX;
		int ret;

		for (u32 i = 0; i < len; i++)
			req[i] = fuzz_take(&in, 1);
		if (!(sel & 0x80) && len >= sizeof(struct p2s_req_hdr)) {
			struct p2s_req_hdr *h = (void *)req;

			h->version = P2S_VERSION;
			h->reserved = 0;
		}
		memset(reply + P2S_REPLY_MAX, 0xa5, CANARY);
		ret = p2s_serve(fs, op, req, len, reply, &st);
		nr++;
		errors += ret < 0;
		FUZZ_ASSERT(ret <= (int)P2S_REPLY_MAX);
		for (int i = 0; i < CANARY; i++)
			FUZZ_ASSERT(reply[P2S_REPLY_MAX + i] == 0xa5);
	}
	FUZZ_ASSERT(st.requests == nr && st.errors == errors);
	ext4_sync(fs);
	ext4_unmount(fs);
	fs = ext4_mount(&m.io, 32);
	FUZZ_ASSERT(!IS_ERR(fs));
	ext4_unmount(fs);
	free(m.data);
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

static u8 seed[1024];
static size_t seed_len;

static void *put_req(u16 op, size_t len)
{
	u8 *r = seed + seed_len + 3;

	seed[seed_len] = op - P2S_OPEN;
	put_le16(seed + seed_len + 1, len);
	memset(r, 0, len);
	((struct p2s_req_hdr *)r)->version = P2S_VERSION;
	seed_len += 3 + len;
	return r;
}

static void put_open(const char *path, u8 flags)
{
	size_t n = strlen(path);
	struct p2s_open_req *o = put_req(P2S_OPEN, sizeof(*o) + n + 1);

	o->hdr.flags = flags;
	put_le16(&o->path_len, n);
	memcpy(o->path, path, n + 1);
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	struct p2s_read_req *r;
	struct p2s_getdents_req *g;
	struct p2s_create_req *c;
	struct p2s_write_req *w;

	seed_len = 0;
	put_open("/hello", 0);
	r = put_req(P2S_READ, sizeof(*r));
	put_le32(&r->fh.ino, 12);
	put_le32(&r->len, 4096);
	g = put_req(P2S_GETDENTS, sizeof(*g));
	put_le32(&g->fh.ino, EXT4_ROOT_INO);
	put_le32(&g->max_bytes, 1024);
	emit("read", seed, seed_len);

	seed_len = 0;
	c = put_req(P2S_CREATE, sizeof(*c) + 4);
	put_le32(&c->dir.ino, EXT4_ROOT_INO);
	put_le32(&c->mode, 0644);
	put_le16(&c->name_len, 3);
	put_le64(&c->now.sec, 1700000000);
	memcpy(c->name, "new", 4);
	w = put_req(P2S_WRITE, sizeof(*w) + 100);
	put_le32(&w->fh.ino, 13);
	put_le32(&w->len, 100);
	put_le64(&w->offset, 5000);
	put_le64(&w->now.sec, 1700000000);
	memset(w->data, 'x', 100);
	c = put_req(P2S_MKDIR, sizeof(*c) + 2);
	put_le32(&c->dir.ino, EXT4_ROOT_INO);
	put_le32(&c->mode, 0755);
	put_le16(&c->name_len, 1);
	put_le64(&c->now.sec, 1700000000);
	memcpy(c->name, "d", 2);
	emit("create-write", seed, seed_len);
}
