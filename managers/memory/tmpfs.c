/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory node's P2M_TMPFS_* service: the data of the processors'
 * tmpfs files (/tmp, /dev/shm), in objects of tmpfs_store.c.  The
 * processor keeps the namespace (managers/processor/tmpfs*.c); the wire
 * format and the meaning of each request are in <fit/memory.h>.
 *
 * Every request is checked with p2m_req_check() (-EPROTO, counted, one
 * log line); objects belong to the sending node, so a node reaches only
 * its own.  tmpfs.size bounds the pages each processor node holds here
 * (-ENOSPC at the bound, nothing already stored is touched).
 *
 * Every vma that maps an object holds it (rmm_set_file_ref()): a FREE
 * of an object still mapped (a running program's file, a mapping that
 * outlived its name and descriptor) keeps its pages until the last such
 * vma goes.
 *
 * Locking: tmpfs_lock (a mutex) serialises the store; it is a leaf (no
 * other lock of the memory service is taken under it) and is held
 * across page copies only, never across a FIT call.
 */
#include "internal.h"
#include "tmpfs_store.h"

#include <fit/fit.h>
#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mutex.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>

static unsigned long long tmpfs_size = 128ULL << 20;
PARAM_SIZE("tmpfs.size", tmpfs_size, 4096, 1ULL << 40,
	   "bytes of tmpfs file data (/tmp, /dev/shm) the memory node holds for each processor node; a write past it is -ENOSPC");

static DEFINE_MUTEX(tmpfs_lock);
static struct tmpfs_store tmpfs_store;

static struct {
	u64 requests;
	u64 malformed;
	u64 enospc;
} tmpfs_stats;

#define tmpfs_count(field)	__atomic_add_fetch(&(field), 1, __ATOMIC_RELAXED)

static void tmpfs_reply(struct fit_request *rq, struct p2m_tmpfs_reply *r,
			u64 pages, u32 done, u32 extra)
{
	fit_put_le64(&r->pages, pages);
	fit_put_le32(&r->done, done);
	fit_put_le32(&r->reserved, 0);
	fit_reply(rq, r, sizeof(*r) + extra);
}

static void memnode_tmpfs(struct fit_request *rq, void *ctx)
{
	const struct p2m_tmpfs_req *r = rq->data;
	struct p2m_tmpfs_reply *reply, head;
	u64 id, off, pages;
	u32 len, done;
	bool own;
	int ret;

	tmpfs_count(tmpfs_stats.requests);
	if (p2m_req_check(rq->opcode, rq->data, rq->len)) {
		tmpfs_count(tmpfs_stats.malformed);
		pr_warn_once("memnode: malformed tmpfs request %#x (%u bytes) from node %u\n",
			     rq->opcode, rq->len, rq->src_node);
		fit_reply_error(rq, -EPROTO);
		return;
	}
	if (!memnode_boot_ok(rq))
		return;
	id = fit_get_le64(&r->object);
	off = fit_get_le64(&r->off);
	len = fit_get_le32(&r->len);
	if (off > P2M_TMPFS_MAX_SIZE || len > P2M_TMPFS_MAX_SIZE - off) {
		fit_reply_error(rq, -EFBIG);
		return;
	}
	switch (rq->opcode) {
	case P2M_TMPFS_READ:
		reply = fit_reply_buffer(rq, sizeof(*reply) + len);
		own = !reply;
		if (own) {
			reply = kmalloc(sizeof(*reply) + len, GFP_KERNEL);
			if (!reply) {
				fit_reply_error(rq, -ENOMEM);
				return;
			}
		}
		mutex_lock(&tmpfs_lock);
		tmpfs_store_read(&tmpfs_store, rq->src_node, id, off, reply + 1,
				 len, &pages);
		mutex_unlock(&tmpfs_lock);
		tmpfs_reply(rq, reply, pages, len, len);
		if (own)
			kfree(reply);
		return;
	case P2M_TMPFS_WRITE:
		mutex_lock(&tmpfs_lock);
		ret = tmpfs_store_write(&tmpfs_store, rq->src_node, id, off,
					r + 1, len, &done, &pages);
		mutex_unlock(&tmpfs_lock);
		if (ret == -ENOSPC || done < len)
			tmpfs_count(tmpfs_stats.enospc);
		if (ret) {
			fit_reply_error(rq, ret);
			return;
		}
		tmpfs_reply(rq, &head, pages, done, 0);
		return;
	case P2M_TMPFS_TRUNCATE:
		mutex_lock(&tmpfs_lock);
		tmpfs_store_truncate(&tmpfs_store, rq->src_node, id, off, &pages);
		mutex_unlock(&tmpfs_lock);
		tmpfs_reply(rq, &head, pages, 0, 0);
		return;
	default:
		mutex_lock(&tmpfs_lock);
		tmpfs_store_free(&tmpfs_store, rq->src_node, id);
		mutex_unlock(&tmpfs_lock);
		tmpfs_reply(rq, &head, 0, 0, 0);
		return;
	}
}

void memnode_tmpfs_dump_stats(void)
{
	pr_info("memnode: tmpfs requests %llu malformed %llu enospc %llu unpinned %llu\n",
		(unsigned long long)tmpfs_stats.requests,
		(unsigned long long)tmpfs_stats.malformed,
		(unsigned long long)tmpfs_stats.enospc,
		(unsigned long long)tmpfs_store.unpinned);
}

int memnode_tmpfs_read(u16 node, u64 id, u64 off, void *buf, u32 len)
{
	u64 pages;

	mutex_lock(&tmpfs_lock);
	tmpfs_store_read(&tmpfs_store, node, id, off, buf, len, &pages);
	mutex_unlock(&tmpfs_lock);
	return 0;
}

/* service.c's rmm_set_file_ref() hook: a vma mapping an object keeps it. */
void memnode_tmpfs_map_ref(const struct mem_file *file, int delta)
{
	if (file->kind != MEM_FILE_TMPFS)
		return;
	mutex_lock(&tmpfs_lock);
	tmpfs_store_map(&tmpfs_store, file->node, file->id, delta);
	mutex_unlock(&tmpfs_lock);
}

u64 memnode_tmpfs_free_node(u16 node)
{
	u64 pages;

	mutex_lock(&tmpfs_lock);
	pages = tmpfs_store.node_pages[node];
	tmpfs_store_free_node(&tmpfs_store, node);
	mutex_unlock(&tmpfs_lock);
	return pages;
}

int memnode_tmpfs_start(void)
{
	static const u16 ops[] = {
		P2M_TMPFS_READ, P2M_TMPFS_WRITE, P2M_TMPFS_TRUNCATE,
		P2M_TMPFS_FREE,
	};
	int ret, err = 0;

	tmpfs_store_init(&tmpfs_store, tmpfs_size / 4096);
	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		ret = fit_register_handler(ops[i], memnode_tmpfs, NULL);
		if (ret) {
			pr_err("memnode: cannot register handler %#x: %d\n",
			       ops[i], ret);
			err = ret;
		}
	}
	pr_info("memnode: tmpfs data up to %llu bytes per processor node\n",
		tmpfs_size);
	return err;
}
