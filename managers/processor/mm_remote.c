/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The remote backend of a process address space: the memory node owns
 * the vmas and the pages, this node only caches them (the pcache).
 * Every op of struct pmm_backend_ops is one FIT call carrying a P2M_*
 * request of <fit/memory.h>: a pcache miss is P2M_PCACHE_MISS (the 4 KiB
 * page and the vma protection come back), a dirty line's write-back is
 * P2M_PCACHE_FLUSH, a miss that evicted a dirty line of the same process
 * carries that line (struct p2m_miss_flush_req: one round trip), the
 * memory system calls are P2M_MMAP & co., the process image is built by
 * P2M_EXECVE, copied for a child by P2M_FORK (pmm_remote_fork(): the
 * memory node shares the pages copy on write) and freed by P2M_EXIT.  The memory node serves it from
 * managers/memory/service.c.  It is the only backend: every mode talks
 * P2M to a memory service, so both build the same process images.
 *
 * Which node: processor.memory_node= (pmm_remote_select()).  "local"
 * (the default, `tessera run --local`) starts this node's own memory
 * service and calls it in-process: a FIT call to our own id with no
 * loopback QP runs the handler in the faulting thread (net/fit/core.c).
 * "self" talks to this node's memory service over FIT loopback on rxe0:
 * the whole P2M wire path on one machine, for tests.  With
 * processor.fit_bench=N, the selection also times N FIT echo calls of
 * 64 B and 4 KiB to that node (FIT_OP_ECHO, served by every node) and
 * prints median and p99: the round trip a pcache miss is measured
 * against (bench/bench-pcache --remote).
 *
 * Without a pcache (pcache=0) a fault maps a private page of this node
 * filled from a P2M_PCACHE_MISS reply (remote_fault()); a page whose data
 * must survive a zap (mprotect, MAP_FIXED) is written back with
 * P2M_PCACHE_FLUSH if dirty, and every such page is freed when it is
 * unmapped (remote_put_page()).  Like an unbounded pcache that never
 * evicts: each page's memory-node copy is stale while it is mapped.
 *
 * FIT calls sleep (in-process ones too: the handlers take mutexes), so
 * every op below may sleep, under the pmm's mutex (internal.h) except
 * misses (the pcache drops it for the round trip) and flushes.
 * remote_backend.lock (a mutex; in local mode the memory service's own
 * locks nest inside it, in this thread) serialises the use of the
 * request and reply buffers: flushes can come from other processes'
 * misses and from the victim cache's thread while the owner itself is
 * in a miss.  A miss that finds them taken (another thread of the
 * process in its own miss) uses a request and reply of its own for the
 * call, so misses of several threads wait for their replies at once;
 * the memory node serialises a process's requests only while it serves
 * them.
 *
 * Copies: a miss reply (4096 bytes of page then the protection) lands
 * in a buffer and the page is copied into the line, because a reply is
 * written whole and would run 8 bytes past the line; a flush copies
 * the line into the request.  A FIT failure (-ETIMEDOUT, -EHOSTDOWN,
 * -EPROTO, ...) of a miss is -EIO for the faulting process, logged
 * once; a failed flush loses that line's data (the pcache logs it).
 *
 * Except a lost connection: a miss (with or without a piggybacked
 * flush) and a flush are idempotent (Documentation/fit.md), so one that
 * failed with -EHOSTDOWN is sent again once the connection to the memory
 * node is back (fit_call_again()), and the program never notices.  The
 * calls that change the address space are not repeated, but none is
 * sent into a connection being rebuilt.
 */
#define pr_fmt(fmt) "remote: " fmt

#include <fit/fit.h>
#include <fit/memory.h>
#include <tessera/atomic.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/mutex.h>
#include <tessera/node.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/profile.h>
#include <tessera/spinlock.h>
#include <tessera/slab.h>
#include <tessera/storage.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/mman.h>
#include <asm/processor.h>

#include "cred.h"
#include "internal.h"
#include "fs.h"
#include "pcache/pcache.h"

/* Long enough for a loaded TCG guest; only a dead peer ever waits it out. */
#define REMOTE_TIMEOUT_MS	10000
/* How long the first program waits for an explicit memory node. */
#define REMOTE_UP_WAIT_MS	60000
/* The most /proc/<pid>/maps text the processor takes (about 40k vmas). */
#define REMOTE_MAPS_MAX		(4u << 20)

static char remote_node_spec[16] = "local";
PARAM_STRING("processor.memory_node", remote_node_spec,
	     "where process memory lives: local (this node's memory service, called in-process), self (this node's memory service over FIT loopback), auto or a memory node id");

#define REMOTE_BENCH_MAX	2000
static unsigned int remote_fit_bench;
PARAM_UINT("processor.fit_bench", remote_fit_bench, 0, REMOTE_BENCH_MAX,
	   "time this many FIT echo calls of 64 B and 4 KiB to the memory node before the first program");

static char storage_node_spec[16] = "none";
PARAM_STRING("processor.storage_node", storage_node_spec,
	     "storage node for programs and file system calls: none, self (this node's own storage service: it needs a disk), auto (the lowest-numbered storage node that joins) or a node id");
/* processor_storage_select()'s answer: a node id or -ENOENT. */
static int remote_storage_node = -ENOENT;

/* Misses of one process in flight beside the one on the shared buffers. */
#define REMOTE_MISS_SPARES	3

_Static_assert(PMM_AROUND_PAGES == P2M_AROUND_PAGES, "one fault-around window");

/*
 * Replies of misses with fault-around (up to P2M_MISS_REPLY_MAX bytes:
 * 16 pages) in flight at once, on the whole node: a miss that finds
 * none free asks for no page around.  Allocated at the first such miss
 * and kept, so a process costs no more than before.
 */
#define REMOTE_AROUND_BUFS	4

/*
 * A slot of a small buffer pool: one or two buffers, allocated by the
 * slot's first taker and kept until the pool goes (remote_slot_take()).
 */
struct remote_slot {
	void *buf[2];
	bool busy;			/* under the pool's lock */
};

static struct remote_slot remote_around_bufs[REMOTE_AROUND_BUFS];
static DEFINE_SPINLOCK(remote_around_lock);

struct remote_backend {
	u16 node;			/* the memory node */
	u32 pid;			/* P2M pid: unique on this node */
	struct mutex lock;		/* the buffers, brk, live */
	bool live;			/* the memory node has the process */
	bool unsure;			/* live: a lost FORK reply, maybe not */
	unsigned long brk;		/* last break it reported */
	unsigned int retries;		/* calls repeated (lost connection) */
	union {
		struct p2m_miss_req miss;
		struct p2m_miss_flush_req miss_flush;
		struct p2m_flush_req flush;
		struct p2m_mmap_req mmap;
		struct p2m_munmap_req munmap;
		struct p2m_mprotect_req mprotect;
		struct p2m_mremap_req mremap;
		struct p2m_brk_req brk;
		struct p2m_madvise_req madvise;
		struct p2m_fork_req fork;
		struct p2m_exit_req exit;
	} *req;
	struct p2m_miss_reply *reply;
	/*
	 * Buffers of misses in flight beside the one holding @lock
	 * (remote_miss_bufs_get()): allocated the first time a slot is
	 * needed, kept until the process goes.  Under spare_lock.
	 */
	spinlock_t spare_lock;
	struct remote_slot spare[REMOTE_MISS_SPARES];	/* req, reply */
};

static atomic_t remote_next_pid;

static struct remote_backend *rb_of(struct pmm *mm)
{
	return mm->backend;
}

/* A FIT error as the process should see it. */
static int remote_fit_error(struct remote_backend *rb, const char *what,
			    int ret)
{
	pr_err_once("%s for pid %u on node %u failed: %d\n", what, rb->pid,
		    rb->node, ret);
	return -EIO;
}

/* Errors the memory node answers with stay; transport errors are -EIO. */
static bool remote_is_answer(int ret)
{
	switch (ret) {
	case -ETIMEDOUT:
	case -EHOSTDOWN:
	case -EMSGSIZE:
	case -EPROTO:
	case -EOPNOTSUPP:
	case -ESRCH:
		return false;
	default:
		return true;
	}
}

/* Any call: never sent into a connection being rebuilt. */
static int remote_fit_call(struct remote_backend *rb, u16 opcode,
			   const void *req, u32 len, void *reply, u32 max)
{
	return fit_call_again(rb->node, opcode, req, len, reply, max,
			      REMOTE_TIMEOUT_MS, 0, NULL);
}

/* An idempotent call (rb->lock held): repeated after a lost connection. */
static int remote_call_again(struct remote_backend *rb, u16 opcode, u32 len,
			     void *reply, u32 max)
{
	return fit_call_again(rb->node, opcode, rb->req, len, reply, max,
			      REMOTE_TIMEOUT_MS, FIT_CALL_RETRIES,
			      &rb->retries);
}

/* A call with no reply bytes; rb->lock held. */
static int remote_call_status(struct remote_backend *rb, u16 opcode,
			      u32 len, const char *what)
{
	int ret = remote_fit_call(rb, opcode, rb->req, len, NULL, 0);

	if (ret > 0)
		ret = -EPROTO;
	if (ret < 0 && !remote_is_answer(ret))
		return remote_fit_error(rb, what, ret);
	return ret;
}

/* A call answered by struct p2m_addr_reply; rb->lock held. */
static long remote_call_addr(struct remote_backend *rb, u16 opcode, u32 len,
			     const char *what)
{
	struct p2m_addr_reply *r = (void *)rb->reply;
	int ret = remote_fit_call(rb, opcode, rb->req, len, r, sizeof(*r));

	if (ret >= 0 && ret != sizeof(*r))
		ret = -EPROTO;
	if (ret < 0)
		return remote_is_answer(ret) ? ret :
		       remote_fit_error(rb, what, ret);
	return (long)fit_get_le64(&r->addr);
}

/*
 * The buffers of one miss.  Misses of several threads of a process are
 * in flight at once (the pcache drops the pmm lock for the round trip):
 * the first takes the backend's own buffers (rb->lock), up to
 * REMOTE_MISS_SPARES others a spare pair each, so none waits for
 * another's reply; more than that wait for the shared pair.  The spares
 * are allocated once, not per miss.
 */
struct remote_miss_bufs {
	struct p2m_miss_flush_req *req;	/* a p2m_miss_req is its head */
	struct p2m_miss_reply *reply;
	unsigned int retries;		/* spare pair: calls repeated */
	struct remote_slot *spare;	/* NULL: the shared pair */
};

/*
 * A free slot of @slots (@n, under @lock), marked busy, with buffers of
 * @size0 and (if not 0) @size1 bytes; or NULL.
 */
static struct remote_slot *remote_slot_take(spinlock_t *lock,
					    struct remote_slot *slots,
					    unsigned int n, size_t size0,
					    size_t size1)
{
	struct remote_slot *sp = NULL;

	spin_lock(lock);
	for (unsigned int i = 0; i < n; i++) {
		if (!slots[i].busy) {
			sp = &slots[i];
			sp->busy = true;
			break;
		}
	}
	spin_unlock(lock);
	if (!sp || sp->buf[0])
		return sp;
	/* First use of this slot: only its taker touches the pointers. */
	sp->buf[0] = kmalloc(size0, GFP_KERNEL);
	sp->buf[1] = size1 ? kmalloc(size1, GFP_KERNEL) : NULL;
	if (sp->buf[0] && (sp->buf[1] || !size1))
		return sp;
	kfree(sp->buf[0]);
	kfree(sp->buf[1]);
	sp->buf[0] = sp->buf[1] = NULL;
	spin_lock(lock);
	sp->busy = false;
	spin_unlock(lock);
	return NULL;
}

static void remote_slot_put(spinlock_t *lock, struct remote_slot *sp)
{
	spin_lock(lock);
	sp->busy = false;
	spin_unlock(lock);
}

static void remote_miss_bufs_get(struct remote_backend *rb,
				 struct remote_miss_bufs *b)
{
	b->retries = 0;
	b->spare = NULL;
	if (!mutex_trylock(&rb->lock)) {
		b->spare = remote_slot_take(&rb->spare_lock, rb->spare,
					    REMOTE_MISS_SPARES,
					    sizeof(*b->req), sizeof(*b->reply));
		if (b->spare) {
			b->req = b->spare->buf[0];
			b->reply = b->spare->buf[1];
			return;
		}
		mutex_lock(&rb->lock);
	}
	b->req = &rb->req->miss_flush;
	b->reply = rb->reply;
}

static void remote_miss_bufs_put(struct remote_backend *rb,
				 struct remote_miss_bufs *b)
{
	if (!b->spare) {
		mutex_unlock(&rb->lock);
		return;
	}
	remote_slot_put(&rb->spare_lock, b->spare);
	if (b->retries) {
		mutex_lock(&rb->lock);
		rb->retries += b->retries;
		mutex_unlock(&rb->lock);
	}
}

/*
 * The pages around of reply @reply (@ret bytes) into res->around_data:
 * 0, or -EPROTO for a reply that does not add up (its length, pages
 * not asked for).
 */
static int remote_around_copy(const struct p2m_miss_reply *reply, int ret,
			      struct pmm_miss_result *res)
{
	const struct p2m_miss_around *ar = (const void *)(reply + 1);
	const u8 *src = ar->data;
	long mask = p2m_around_reply_check(reply, ret, res->around_want);

	if (mask < 0)
		return mask;
	for (unsigned int i = 0; i < PMM_AROUND_PAGES; i++) {
		if (!(mask & (1u << i)))
			continue;
		memcpy(res->around_data[i], src, PAGE_SIZE);
		src += PAGE_SIZE;
	}
	res->around_got = mask;
	return 0;
}

/* Send the miss in b->req (@len bytes); the page into @line. */
static int remote_miss_call(struct remote_backend *rb,
			    struct remote_miss_bufs *b, u32 len, void *line,
			    struct pmm_miss_result *res)
{
	struct p2m_miss_reply *reply = b->reply;
	u32 max = sizeof(*reply);
	struct remote_slot *slot = NULL;
	int ret;

	res->around_got = res->around_zero = 0;
	if (res->around_want)
		slot = remote_slot_take(&remote_around_lock,
					remote_around_bufs, REMOTE_AROUND_BUFS,
					P2M_MISS_REPLY_MAX, 0);
	if (slot) {
		reply = slot->buf[0];
		max = P2M_MISS_REPLY_MAX;
		fit_put_le32(&b->req->miss.around, res->around_want);
	} else {
		res->around_want = 0;
	}
	ret = fit_call_again(rb->node, P2M_PCACHE_MISS, b->req, len, reply,
			     max, REMOTE_TIMEOUT_MS, FIT_CALL_RETRIES,
			     b->spare ? &b->retries : &rb->retries);
	if (ret == sizeof(struct p2m_miss_short_reply)) {
		/* No bytes: zeroes (and zero pages around), or our own page. */
		const struct p2m_miss_short_reply *sr = (const void *)reply;

		res->prot = fit_get_le32(&sr->prot);
		res->special = fit_get_le32(&sr->special);
		res->zero = !res->special;
		res->around_got = res->around_zero =
			fit_get_le32(&sr->zero_around);
		if (res->special > 1 + vdso_pages() ||
		    p2m_short_reply_check(sr, res->around_want)) {
			res->around_got = res->around_zero = 0;
			ret = -EPROTO;
		}
		goto out;
	}
	if (ret >= 0 && !res->around_want && ret != sizeof(*reply))
		ret = -EPROTO;
	if (ret >= 0) {
		res->prot = fit_get_le32(&reply->prot);
		res->zero = false;
		res->special = fit_get_le32(&reply->special);
		if (res->special > 1 + vdso_pages())
			ret = -EPROTO;
	}
	if (ret >= 0 && res->around_want) {
		ret = remote_around_copy(reply, ret, res);
		if (ret)
			pr_warn_once("pages around a miss at %#lx for pid %u from node %u do not add up: the miss fails (-EPROTO)\n",
				     (unsigned long)fit_get_le64(&b->req->miss.va),
				     rb->pid, rb->node);
	}
	if (ret >= 0 && !res->special)
		memcpy(line, reply->data, PAGE_SIZE);
out:
	if (slot)
		remote_slot_put(&remote_around_lock, slot);
	if (ret < 0)
		return remote_is_answer(ret) ? ret :
		       remote_fit_error(rb, "miss", ret);
	return 0;
}

static void remote_miss_req(struct remote_backend *rb,
			    struct p2m_miss_req *r, unsigned long addr,
			    u32 access)
{
	memset(r, 0, sizeof(*r));
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le64(&r->va, addr & PAGE_MASK);
	fit_put_le32(&r->access, access);	/* P2M_ACCESS_* */
}

static int remote_miss(struct pmm *mm, unsigned long addr, u32 access,
		       void *line, struct pmm_miss_result *res)
{
	struct remote_backend *rb = rb_of(mm);
	struct remote_miss_bufs b;
	int ret;

	u64 start = profile_wait_begin();

	remote_miss_bufs_get(rb, &b);
	remote_miss_req(rb, &b.req->miss, addr, access);
	ret = remote_miss_call(rb, &b, sizeof(b.req->miss), line, res);
	remote_miss_bufs_put(rb, &b);
	profile_wait_end(PROFILE_WAIT_MISS, start);
	return ret;
}

static int remote_miss_with_flush(struct pmm *mm, unsigned long addr,
				  u32 access, void *line,
				  struct pmm_miss_result *res,
				  unsigned long flush_addr,
				  const void *flush_data)
{
	struct remote_backend *rb = rb_of(mm);
	struct remote_miss_bufs b;
	struct p2m_miss_flush_req *r;
	u64 start = profile_wait_begin();
	int ret;

	remote_miss_bufs_get(rb, &b);
	r = b.req;
	remote_miss_req(rb, &r->miss, addr, access);
	fit_put_le64(&r->flush_va, flush_addr);
	memcpy(r->data, flush_data, PAGE_SIZE);
	ret = remote_miss_call(rb, &b, sizeof(*r), line, res);
	remote_miss_bufs_put(rb, &b);
	profile_wait_end(PROFILE_WAIT_MISS, start);
	return ret;
}

static int remote_flush(struct pmm *mm, unsigned long addr, const void *data)
{
	struct remote_backend *rb = rb_of(mm);
	struct p2m_flush_req *r;
	int ret;

	mutex_lock(&rb->lock);
	r = &rb->req->flush;
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le64(&r->va, addr);
	memcpy(r->data, data, PAGE_SIZE);
	ret = remote_call_again(rb, P2M_PCACHE_FLUSH, sizeof(*r), NULL, 0);
	if (ret > 0)
		ret = -EPROTO;
	if (ret < 0 && !remote_is_answer(ret))
		ret = remote_fit_error(rb, "flush", ret);
	mutex_unlock(&rb->lock);
	return ret;
}

/* P2M_MMAP of anonymous memory (@src NULL) or of the storage file @src. */
static long remote_do_mmap(struct pmm *mm, unsigned long addr,
			   unsigned long len, u32 prot, u32 flags,
			   const struct ufile_map_source *src, u64 off)
{
	struct remote_backend *rb = rb_of(mm);
	struct p2m_mmap_req *r;
	long ret;

	mutex_lock(&rb->lock);
	r = &rb->req->mmap;
	memset(r, 0, sizeof(*r));
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le64(&r->addr, addr);
	fit_put_le64(&r->len, len);
	fit_put_le32(&r->prot, prot);
	fit_put_le32(&r->flags, flags);
	if (src) {
		fit_put_le64(&r->off, off);
		fit_put_le64(&r->file_id, src->file_id);
		fit_put_le64(&r->file_size, src->size);
		fit_put_le16(&r->file_node, src->node);
	} else {
		fit_put_le16(&r->file_node, P2M_NO_STORAGE);
	}
	ret = remote_call_addr(rb, P2M_MMAP, sizeof(*r), "mmap");
	mutex_unlock(&rb->lock);
	return ret;
}

static long remote_mmap(struct pmm *mm, unsigned long addr,
			unsigned long len, u32 prot, u32 flags)
{
	/* A file comes through mmap_file: without one, nothing to map. */
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;
	return remote_do_mmap(mm, addr, len, prot, flags, NULL, 0);
}

static long remote_mmap_file(struct pmm *mm, unsigned long addr,
			     unsigned long len, u32 prot, u32 flags,
			     const struct ufile_map_source *src, u64 off)
{
	return remote_do_mmap(mm, addr, len, prot, flags & ~MAP_ANONYMOUS,
			      src, off);
}

static int remote_munmap(struct pmm *mm, unsigned long addr,
			 unsigned long len)
{
	struct remote_backend *rb = rb_of(mm);
	struct p2m_munmap_req *r;
	int ret;

	mutex_lock(&rb->lock);
	r = &rb->req->munmap;
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le64(&r->addr, addr);
	fit_put_le64(&r->len, len);
	ret = remote_call_status(rb, P2M_MUNMAP, sizeof(*r), "munmap");
	mutex_unlock(&rb->lock);
	return ret;
}

static int remote_mprotect(struct pmm *mm, unsigned long addr,
			   unsigned long len, u32 prot)
{
	struct remote_backend *rb = rb_of(mm);
	struct p2m_mprotect_req *r;
	int ret;

	mutex_lock(&rb->lock);
	r = &rb->req->mprotect;
	memset(r, 0, sizeof(*r));
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le64(&r->addr, addr);
	fit_put_le64(&r->len, len);
	fit_put_le32(&r->prot, prot);
	ret = remote_call_status(rb, P2M_MPROTECT, sizeof(*r), "mprotect");
	mutex_unlock(&rb->lock);
	return ret;
}

static long remote_mremap(struct pmm *mm, unsigned long addr,
			  unsigned long old_len, unsigned long new_len,
			  u32 flags, unsigned long new_addr)
{
	struct remote_backend *rb = rb_of(mm);
	struct p2m_mremap_req *r;
	long ret;

	mutex_lock(&rb->lock);
	r = &rb->req->mremap;
	memset(r, 0, sizeof(*r));
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le64(&r->old_addr, addr);
	fit_put_le64(&r->old_len, old_len);
	fit_put_le64(&r->new_len, new_len);
	fit_put_le32(&r->flags, flags);
	fit_put_le64(&r->new_addr, new_addr);
	ret = remote_call_addr(rb, P2M_MREMAP, sizeof(*r), "mremap");
	mutex_unlock(&rb->lock);
	return ret;
}

/* brk never fails: on a FIT error the old break stands (as Linux's ENOMEM). */
static unsigned long remote_brk(struct pmm *mm, unsigned long brk)
{
	struct remote_backend *rb = rb_of(mm);
	struct p2m_brk_req *r;
	long ret;

	mutex_lock(&rb->lock);
	r = &rb->req->brk;
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le64(&r->brk, brk);
	ret = remote_call_addr(rb, P2M_BRK, sizeof(*r), "brk");
	if (ret >= 0)
		rb->brk = ret;
	ret = rb->brk;
	mutex_unlock(&rb->lock);
	return ret;
}

static int remote_madvise(struct pmm *mm, unsigned long addr,
			  unsigned long len, int advice)
{
	struct remote_backend *rb = rb_of(mm);
	struct p2m_madvise_req *r;
	int ret;

	mutex_lock(&rb->lock);
	r = &rb->req->madvise;
	memset(r, 0, sizeof(*r));
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le64(&r->addr, addr);
	fit_put_le64(&r->len, len);
	fit_put_le32(&r->advice, (u32)advice);
	ret = remote_call_status(rb, P2M_MADVISE, sizeof(*r), "madvise");
	mutex_unlock(&rb->lock);
	return ret;
}

/*
 * pcache=0: a private page holding the memory node's copy of @addr's
 * page, mapped as is; remote_put_page() frees it.
 */
static int remote_fault(struct pmm *mm, unsigned long addr, u32 access,
			phys_addr_t *pa, u32 *prot)
{
	void *page = (void *)__get_free_pages(GFP_KERNEL, 0);
	struct pmm_miss_result res = { 0 };
	int ret;

	if (!page)
		return -ENOMEM;
	ret = remote_miss(mm, addr, access, page, &res);
	if (!ret && res.special)
		ret = res.special;
	if (!ret && res.zero)
		memset(page, 0, PAGE_SIZE);
	if (ret) {
		free_page((unsigned long)page);
		return ret;
	}
	*pa = __pa(page);
	*prot = res.prot;
	return 0;
}

static void remote_put_page(struct pmm *mm, phys_addr_t pa)
{
	free_page((unsigned long)__va(pa));
}

/* The pcache's lines are gone (pcache_mm_release()): free the remote copy. */
static void remote_destroy(struct pmm *mm)
{
	struct remote_backend *rb = rb_of(mm);
	int ret;

	if (rb->live) {
		p2m_hdr_init(&rb->req->exit.hdr, rb->pid);
		/*
		 * Repeated, a P2M_EXIT that was served finds no process;
		 * so does one after a FORK that never arrived.
		 */
		ret = remote_call_again(rb, P2M_EXIT, sizeof(rb->req->exit),
					NULL, 0);
		if (ret == -ESRCH && (rb->retries || rb->unsure))
			ret = 0;
		if (ret)
			pr_err("exit of pid %u on node %u failed: %d (its memory stays there)\n",
			       rb->pid, rb->node, ret);
	}
	if (rb->retries)
		pr_info("pid %u: %u calls repeated after a lost connection to node %u\n",
			rb->pid, rb->retries, rb->node);
	for (unsigned int i = 0; i < REMOTE_MISS_SPARES; i++) {
		kfree(rb->spare[i].buf[0]);
		kfree(rb->spare[i].buf[1]);
	}
	kfree(rb->reply);
	kfree(rb->req);
	kfree(rb);
}

const struct pmm_backend_ops pmm_remote_ops = {
	.name = "remote",
	.may_sleep = true,
	.fault = remote_fault,
	.miss = remote_miss,
	.flush = remote_flush,
	.miss_with_flush = remote_miss_with_flush,
	.mmap = remote_mmap,
	.mmap_file = remote_mmap_file,
	.munmap = remote_munmap,
	.mprotect = remote_mprotect,
	.brk = remote_brk,
	.mremap = remote_mremap,
	.madvise = remote_madvise,
	.put_page = remote_put_page,
	.destroy = remote_destroy,
};

struct pmm *pmm_remote_create(u16 node)
{
	struct remote_backend *rb = kzalloc(sizeof(*rb), GFP_KERNEL);
	struct pmm *mm;

	if (!rb)
		return NULL;
	rb->node = node;
	rb->pid = (u32)atomic_inc_return(&remote_next_pid);
	mutex_init(&rb->lock);
	spin_lock_init(&rb->spare_lock);
	rb->req = kmalloc(sizeof(*rb->req), GFP_KERNEL);
	rb->reply = kmalloc(sizeof(*rb->reply), GFP_KERNEL);
	if (!rb->req || !rb->reply)
		goto free;
	mm = pmm_create(&pmm_remote_ops, rb);
	if (!mm)
		goto free;
	return mm;

free:
	kfree(rb->reply);
	kfree(rb->req);
	kfree(rb);
	return NULL;
}

struct pmm *pmm_remote_fork(struct pmm *parent, int *err)
{
	struct remote_backend *prb = rb_of(parent), *rb;
	struct p2m_fork_req *r;
	unsigned long brk;
	struct pmm *mm;
	int ret;

	if (parent->ops != &pmm_remote_ops) {
		*err = -EINVAL;
		return NULL;
	}
	mm = pmm_remote_create(prb->node);
	if (!mm) {
		*err = -ENOMEM;
		return NULL;
	}
	rb = rb_of(mm);
	mutex_lock(&prb->lock);
	brk = prb->brk;
	mutex_unlock(&prb->lock);

	mutex_lock(&rb->lock);
	r = &rb->req->fork;
	memset(r, 0, sizeof(*r));
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le32(&r->parent_pid, prb->pid);
	/* Not idempotent (a second one is -EEXIST): sent once. */
	ret = remote_fit_call(rb, P2M_FORK, r, sizeof(*r), NULL, 0);
	if (ret > 0)
		ret = -EPROTO;
	if (ret == -ETIMEDOUT || ret == -EHOSTDOWN) {
		/* Served with the reply lost?  Exit frees it if so. */
		rb->live = true;
		rb->unsure = true;
	}
	if (ret < 0 && !remote_is_answer(ret))
		ret = remote_fit_error(rb, "fork", ret);
	if (!ret) {
		rb->live = true;
		rb->brk = brk;
	}
	mutex_unlock(&rb->lock);
	if (ret) {
		pmm_destroy(mm);
		*err = ret;
		return NULL;
	}
	return mm;
}

u16 pmm_remote_node(struct pmm *mm)
{
	return rb_of(mm)->node;
}

int pmm_remote_maps(struct pmm *mm, char **text, size_t *text_len)
{
	struct remote_backend *rb = rb_of(mm);
	struct p2m_maps_reply *reply;
	struct p2m_maps_req req;
	size_t done = 0, cap = 0;
	char *out = NULL, *bigger;
	u64 start = 0;
	int ret;

	if (mm->ops != &pmm_remote_ops)
		return -ENOENT;
	reply = kmalloc(sizeof(*reply) + P2M_MAPS_MAX, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	for (;;) {
		u32 len;

		p2m_hdr_init(&req.hdr, rb->pid);
		fit_put_le64(&req.start, start);
		/* A read: repeated after a lost connection. */
		ret = fit_call_again(rb->node, P2M_MAPS, &req, sizeof(req),
				     reply, sizeof(*reply) + P2M_MAPS_MAX,
				     REMOTE_TIMEOUT_MS, FIT_CALL_RETRIES,
				     NULL);
		if (ret < 0) {
			if (!remote_is_answer(ret))
				ret = remote_fit_error(rb, "maps", ret);
			goto fail;
		}
		len = fit_get_le32(&reply->len);
		if (ret < (int)sizeof(*reply) || len != ret - sizeof(*reply) ||
		    (fit_get_le32(&reply->flags) & ~P2M_MAPS_EOF) ||
		    len > P2M_MAPS_MAX || done + len > REMOTE_MAPS_MAX ||
		    (!len && !(fit_get_le32(&reply->flags) & P2M_MAPS_EOF)) ||
		    (len && fit_get_le64(&reply->next) <= start)) {
			ret = remote_fit_error(rb, "maps (bad reply)", -EPROTO);
			goto fail;
		}
		if (done + len + 1 > cap) {
			cap = max_t(size_t, 2 * cap, done + len + 1);
			bigger = krealloc(out, cap, GFP_KERNEL);
			ret = -ENOMEM;
			if (!bigger)
				goto fail;
			out = bigger;
		}
		memcpy(out + done, reply + 1, len);
		done += len;
		out[done] = '\0';
		if (fit_get_le32(&reply->flags) & P2M_MAPS_EOF)
			break;
		start = fit_get_le64(&reply->next);
	}
	kfree(reply);
	*text = out;
	*text_len = done;
	return 0;
fail:
	kfree(reply);
	kfree(out);
	return ret;
}

int pmm_remote_exec(struct pmm *mm, const struct cred *cred,
		    const char *exe, const char *strings, u32 strings_len,
		    u32 argc, u32 envc, unsigned long *entry, unsigned long *sp)
{
	return pmm_remote_exec_tmpfs(mm, cred, exe, 0, NULL, 0, strings,
				     strings_len, argc, envc, entry, sp);
}

int pmm_remote_exec_tmpfs(struct pmm *mm, const struct cred *cred,
			  const char *exe, u32 flags,
			  const struct p2m_execve_tmpfs *tmpfs, u64 file_id,
			  const char *strings, u32 strings_len, u32 argc,
			  u32 envc, unsigned long *entry, unsigned long *sp)
{
	struct remote_backend *rb = rb_of(mm);
	size_t path_len = strlen(exe);
	u32 extra = flags ? sizeof(*tmpfs) : 0;
	struct p2m_execve_reply reply;
	struct p2m_execve_req *r;
	unsigned int a, b, c, d;
	char *at;
	u32 len;
	int ret;

	if (!path_len || path_len > P2M_PATH_MAX)
		return -ENAMETOOLONG;
	if ((u64)sizeof(*r) + extra + path_len + strings_len > FIT_MAX_MSG)
		return -E2BIG;
	len = sizeof(*r) + extra + path_len + strings_len;
	r = kzalloc(len, GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	p2m_hdr_init(&r->hdr, rb->pid);
	fit_put_le16(&r->storage_node, remote_storage_node >= 0 ?
		     remote_storage_node : P2M_NO_STORAGE);
	fit_put_le16(&r->path_len, path_len);
	fit_put_le32(&r->argc, argc);
	fit_put_le32(&r->envc, envc);
	fit_put_le32(&r->strings_len, strings_len);
	/* AT_UID and friends (and AT_SECURE): the ids it will run with. */
	fit_put_le32(&r->uid, cred->uid);
	fit_put_le32(&r->euid, cred->euid);
	fit_put_le32(&r->gid, cred->gid);
	fit_put_le32(&r->egid, cred->egid);
	/* The program runs on this CPU: its features, as local mode. */
	cpuid(1, &a, &b, &c, &d);
	fit_put_le64(&r->hwcap, d);
	fit_put_le32(&r->flags, flags);
	fit_put_le32(&r->vdso_pages, vdso_pages());
	fit_put_le64(&r->file_id, file_id);
	at = (char *)(r + 1);
	if (extra)
		memcpy(at, tmpfs, extra);
	memcpy(at + extra, exe, path_len);
	memcpy(at + extra + path_len, strings, strings_len);

	/*
	 * Repeated after a lost connection: it makes pid's address space
	 * the program's anew, whatever a first one that ran did (that
	 * image is replaced; the program has not run in it).
	 */
	ret = fit_call_again(rb->node, P2M_EXECVE, r, len, &reply,
			     sizeof(reply), REMOTE_TIMEOUT_MS, FIT_CALL_RETRIES,
			     NULL);
	kfree(r);
	if (ret >= 0 && ret != sizeof(reply))
		ret = -EPROTO;
	if (ret < 0) {
		if (ret == -ENOEXEC)
			pr_err("exec: %s: not an x86-64 executable we can load (node %u says why)\n",
			       exe, rb->node);
		return remote_is_answer(ret) ? ret :
		       remote_fit_error(rb, "execve", ret);
	}
	mutex_lock(&rb->lock);
	rb->live = true;
	rb->brk = fit_get_le64(&reply.brk);
	mutex_unlock(&rb->lock);
	*entry = fit_get_le64(&reply.entry);
	*sp = fit_get_le64(&reply.sp);
	return 0;
}

static void remote_sort(u32 *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		u32 x = v[i];
		unsigned int j = i;

		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * processor.fit_bench: time FIT echo calls of @len bytes each way to
 * @node and print one "remote: fit_bench ..." line.  Boot time, once.
 */
static void remote_bench_echo(u16 node, u32 len, u32 *ns, void *req,
			      void *rep)
{
	unsigned int i, n = 0, errors = 0;
	u64 t0;
	int ret;

	memset(req, 0x5a, len);
	for (i = 0; i < 20; i++)	/* warm up: connection, caches */
		fit_call(node, FIT_OP_ECHO, req, len, rep, len,
			 REMOTE_TIMEOUT_MS);
	for (i = 0; i < remote_fit_bench; i++) {
		t0 = ktime_get();
		ret = fit_call(node, FIT_OP_ECHO, req, len, rep, len,
			       REMOTE_TIMEOUT_MS);
		if (ret != (int)len) {
			errors++;
			continue;
		}
		ns[n++] = (u32)min_t(u64, ktime_get() - t0, 0xffffffffu);
	}
	if (!n) {
		pr_err("fit_bench: no echo of %u B to node %u succeeded\n",
		       len, node);
		return;
	}
	remote_sort(ns, n);
	pr_info("fit_bench echo bytes=%u node=%u n=%u errors=%u median_ns=%u p99_ns=%u min_ns=%u\n",
		len, node, n, errors, ns[n / 2], ns[n * 99 / 100], ns[0]);
}

static void remote_bench(u16 node)
{
	u32 *ns = kmalloc(REMOTE_BENCH_MAX * sizeof(*ns), GFP_KERNEL);
	void *req = kmalloc(PAGE_SIZE, GFP_KERNEL);
	void *rep = kmalloc(PAGE_SIZE, GFP_KERNEL);

	if (ns && req && rep) {
		remote_bench_echo(node, 64, ns, req, rep);
		remote_bench_echo(node, PAGE_SIZE, ns, req, rep);
	} else {
		pr_err("fit_bench: no memory\n");
	}
	kfree(rep);
	kfree(req);
	kfree(ns);
}

/*
 * This node's own memory service, called in-process: local mode, and
 * where another choice failed (@why says which; NULL for local mode).
 */
static int remote_select_local(const char *why)
{
	int ret = memory_service_start();

	if (ret) {
		pr_err("this node's memory service did not start (%d): programs cannot run\n",
		       ret);
		return ret;
	}
	if (why)
		pr_err("%s; using this node's memory service in-process\n", why);
	pr_info("process memory: this node's memory service, in-process\n");
	if (remote_fit_bench)
		remote_bench(node_id);
	return node_id;
}

int pmm_remote_select(void)
{
	unsigned int id;
	int ret;

	if (!strcmp(remote_node_spec, "local") || !remote_node_spec[0])
		return remote_select_local(NULL);
	if (!strcmp(remote_node_spec, "self")) {
		ret = fit_connect_self();
		if (!ret)
			ret = memory_service_start();
		if (ret) {
			pr_err("processor.memory_node=self: no FIT loopback or memory service (%d)\n",
			       ret);
			return remote_select_local("no loopback");
		}
		pr_info("process memory: this node's memory service over FIT loopback\n");
		if (remote_fit_bench)
			remote_bench(node_id);
		return node_id;
	}
	if (!strcmp(remote_node_spec, "auto")) {
		ret = fit_wait_node_with_role(ROLE_MEMORY, REMOTE_UP_WAIT_MS);
		if (ret < 0) {
			pr_err("processor.memory_node=auto: no memory node joined within %u ms (%d)\n",
			       REMOTE_UP_WAIT_MS, ret);
			return remote_select_local("no memory node");
		}
		id = ret;
	} else if (kstrtouint(remote_node_spec, 10, &id) ||
		   id >= FIT_MAX_NODES) {
		pr_err("bad processor.memory_node=%s (local, self, auto or a node id)\n",
		       remote_node_spec);
		return remote_select_local("bad processor.memory_node");
	}
	/* Membership may still be connecting it; FIT calls need it up. */
	if (!fit_wait_peer_up(id, REMOTE_UP_WAIT_MS))
		pr_err("memory node %u not connected after %u ms; programs will fail to start\n",
		       id, REMOTE_UP_WAIT_MS);
	pr_info("process memory: memory node %u\n", id);
	if (remote_fit_bench && fit_peer_up(id))
		remote_bench(id);
	return id;
}

int processor_storage_select(void)
{
	unsigned int id;
	int ret;

	if (!strcmp(storage_node_spec, "none") || !storage_node_spec[0])
		return -ENOENT;
	if (!strcmp(storage_node_spec, "self")) {
		/* Over FIT loopback if it is up, else in-process. */
		ret = storage_service_start();
		if (ret) {
			pr_err("processor.storage_node=self: this node serves no files (%d); no file system\n",
			       ret);
			return -ENOENT;
		}
		pr_info("files: this node's storage service\n");
		remote_storage_node = node_id;
		return node_id;
	}
	if (!strcmp(storage_node_spec, "auto")) {
		ret = fit_wait_node_with_role(ROLE_STORAGE, REMOTE_UP_WAIT_MS);
		if (ret < 0) {
			pr_err("processor.storage_node=auto: no storage node joined within %u ms (%d); no file system\n",
			       REMOTE_UP_WAIT_MS, ret);
			return -ENOENT;
		}
		id = ret;
	} else if (kstrtouint(storage_node_spec, 10, &id) ||
		   id >= FIT_MAX_NODES) {
		pr_err("bad processor.storage_node=%s (none, self, auto or a node id); no file system\n",
		       storage_node_spec);
		return -ENOENT;
	}
	/* It may boot after us: file system calls need it connected. */
	if (!fit_wait_peer_up(id, REMOTE_UP_WAIT_MS))
		pr_err("storage node %u not connected after %u ms; file system calls will fail\n",
		       id, REMOTE_UP_WAIT_MS);
	else
		pr_info("files: storage node %u\n", id);
	remote_storage_node = id;
	return id;
}

/* The storage node of file system calls (fs.c), or -ENOENT if none. */
int processor_storage_node(void)
{
	return READ_ONCE(remote_storage_node);
}
