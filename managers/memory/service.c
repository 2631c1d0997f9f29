/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory node's FIT service: the P2M_* handlers, the table of remote
 * processes (one struct memnode_proc per (processor node, pid), owning
 * its struct rmm), the image registry, and where file bytes come from.
 * Address-space logic is vm.c/fault.c, ELF loading loader.c, the initial
 * stack stack.c; wire formats are <fit/memory.h>.
 *
 * Every request is checked with p2m_req_check() first (-EPROTO, counted);
 * an unknown (node, pid) is -ESRCH.  Handlers run in FIT worker threads,
 * or, for this node's own processor (local mode: FIT calls to our own id
 * run in-process), in the calling thread (process context, may sleep).
 *
 * Lock order:
 *	memnode_proc.lock (mutex) -> memnode_table_lock (spinlock)
 *	memnode_image_lock (spinlock) is a leaf
 *	memnode_fcache.lock (spinlock) is a leaf, never held across a
 *	storage read
 *	memnode_mapref.lock (spinlock) is a leaf (vm.c's file hook takes
 *	it under proc.lock)
 *	memnode_mapref_lock (mutex) is taken with no other lock held: it
 *	serialises the storage calls of mapref_run()
 * memnode_table_lock protects the hash table, memnode_proc.refs and
 * .dead; it is never held across anything that sleeps.  proc.lock
 * serialises every operation on proc.mm (including file reads that go to
 * the storage node, which may sleep).
 *
 * Programs, their interpreters (PT_INTERP: opened from the program's own
 * source, placed as Linux does, memnode_exec_place()) and file mappings
 * live on a storage node (P2S_OPEN, P2S_READ of <fit/storage.h>, called
 * with the process's lock held: a miss on a file page waits for the
 * storage node).
 *
 * The image registry maps a path to bytes already in this node's memory
 * (memnode_image_register()).  EXECVE and MMAP with storage node
 * P2M_NO_STORAGE use it; memory_service_start() fills it from the boot
 * module (`tessera run`'s program archive), and the in-kernel tests load
 * ELF images this way without a storage node.
 *
 * Pages of storage files (program segments, file mappings, and the ELF
 * headers execve reads) come through the file page cache (filecache.c,
 * memnode_fcache): one copy for every process and run, at most
 * memnode.file_cache bytes, filled by P2S_READs of up to
 * memnode.readahead pages.  Its counters follow each exit line.
 *
 * Mapped storage files (mapref.c, memnode_mapref): every vma that maps a
 * storage file counts in a table (vm.c's rmm_set_file_ref() hook, under
 * the process lock), and this node holds one storage reference per file
 * mapped anywhere here, taken with P2S_STAT + P2S_STAT_REF and dropped
 * with P2S_CLOSE.  Those calls are made by memnode_mapref_sync() after
 * the process lock is released and before the reply of the request
 * that linked or unlinked the vmas (memnode_end_vmas(): MMAP, MUNMAP,
 * MPROTECT, BRK, MREMAP, FORK; EXECVE, EXIT),
 * so a P2M_MMAP's take reaches the storage node while the processor's
 * descriptor still holds the file, and an EXIT's or MUNMAP's drop
 * frees an unlinked file before the processor hears back.
 *
 * Each process-table entry also keeps the path its last EXECVE named and
 * that file's identity, so that P2M_MAPS (maps.c's lines) can name the
 * program's own segments.
 *
 * FORK creates an entry from another one of the same processor node:
 * rmm_fork() under the parent's lock (pages shared copy on write, see
 * vm.c), the path and file identity copied, then the child enters the
 * table whole (memnode_proc_add()) or not at all.
 *
 * A miss may carry the write-back of a dirty victim line of the same
 * process (struct p2m_miss_flush_req): both run under one hold of the
 * process lock, the flush first.  Its reply (4 KiB and the protection)
 * is built in a buffer of the handler's thread (miss_reply_buf()):
 * allocated at start, claimed by a FIT worker at its first miss and
 * kept, so a miss allocates nothing here; an in-process miss builds it
 * in the caller's reply buffer (fit_reply_buffer()).
 */
#include "internal.h"

#include <fit/fit.h>
#include <fit/memory.h>
#include <fit/storage.h>
#include <tessera/bitmap.h>
#include <tessera/bootinfo.h>
#include <tessera/cpio.h>
#include <tessera/debug_keys.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/mutex.h>
#include <tessera/node.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/random.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/mman.h>
#include <uapi/stat.h>
#include <asm/page.h>
#include <asm/processor.h>

#define MEMNODE_HASH_BITS	6
#define MEMNODE_HASH_SIZE	(1u << MEMNODE_HASH_BITS)
#define MEMNODE_IMAGE_NAME	128

static unsigned long long memnode_proc_limit;
PARAM_SIZE("memnode.proc_limit", memnode_proc_limit, 0, 0,
	   "resident memory per remote process (bytes, 0: no limit); a miss past it is -ENOMEM");

static bool memnode_aslr;
PARAM_BOOL("memnode.aslr", memnode_aslr,
	   "randomise the load address of PIE programs with an interpreter (default: 0x555555554000)");

static bool memnode_zero_reply = true;
PARAM_BOOL("memnode.zero_reply", memnode_zero_reply,
	   "answer a miss on a page just created outside any file mapping with \"zeroes\" (16 bytes, and zero pages around it when asked) instead of the page (0: send the 4 KiB, to measure what it saves)");

static unsigned long long memnode_file_cache;
PARAM_SIZE("memnode.file_cache", memnode_file_cache, 0, 0,
	   "file page cache size (bytes, 0: a quarter of the node's free memory at start): storage file pages shared by every process and run");

static unsigned int memnode_readahead = FCACHE_RA_MAX;
PARAM_UINT("memnode.readahead", memnode_readahead, 1, FCACHE_RA_MAX,
	   "pages one file cache miss reads from storage for a sequential reader or a file's first miss");

static unsigned int memnode_read_around = FCACHE_RA_AROUND;
PARAM_UINT("memnode.read_around", memnode_read_around, 1, FCACHE_RA_MAX,
	   "pages one file cache miss reads around a non-sequential miss: the aligned window holding it (rounded down to a power of two)");

struct memnode_proc {
	struct list_head link;	/* in memnode_table[]; memnode_table_lock */
	u16 node;
	u32 pid;
	unsigned int refs;	/* memnode_table_lock */
	bool dead;		/* out of the table; memnode_table_lock */
	struct mutex lock;
	struct rmm *mm;		/* lock; NULL once exited */
	char *exe;		/* lock; the execve path (maps names) */
	struct mem_file exe_file;	/* lock; the file it named */
};

struct memnode_image {
	struct list_head link;	/* memnode_image_lock */
	u64 id;
	char path[MEMNODE_IMAGE_NAME];
	const void *data;
	u64 size;
};

static DEFINE_SPINLOCK(memnode_table_lock);
static struct list_head memnode_table[MEMNODE_HASH_SIZE];
static unsigned int memnode_nr_live;

/*
 * Each processor node's boots, by epoch (fit_request.src_epoch), under
 * memnode_table_lock: the one whose processes the table holds, and the
 * one before it, whose requests still in flight are refused.
 */
static struct memnode_boot {
	u64 cur;
	u64 prev;
} memnode_boots[FIT_MAX_NODES];

static DEFINE_SPINLOCK(memnode_image_lock);
static LIST_HEAD(memnode_images);
static u64 memnode_next_image_id = 1;

/* Counters; plain atomics, read by memnode_dump_stats(). */
static struct {
	u64 requests[P2M_MAPS - P2M_PCACHE_MISS + 1];
	u64 errors;		/* replies with an errno */
	u64 malformed;		/* -EPROTO */
	u64 unknown_pid;	/* -ESRCH */
	u64 execs;
	u64 piggybacks;		/* misses carrying a flush */
	u64 around_pages;	/* pages sent by fault-around */
	u64 zero_replies;	/* misses answered "zeroes", no page sent */
	u64 zero_around_pages;	/* pages created zero around them */
	u64 forks_shared_writable;	/* forks copying a writable MAP_SHARED */
	u64 reboots;		/* new boots of a node that had processes */
	u64 reaped;		/* processes of a previous boot freed */
	u64 stale;		/* requests of a previous boot: -ESTALE */
} memnode_stats;

#define memnode_count(field)	__atomic_add_fetch(&(field), 1, __ATOMIC_RELAXED)

static u32 memnode_hash(u16 node, u32 pid)
{
	return (pid * 0x9e3779b1u ^ node) >> (32 - MEMNODE_HASH_BITS);
}

/* ------------------------------------------------------------ processes */

static struct memnode_proc *memnode_proc_get(u16 node, u32 pid)
{
	struct list_head *head = &memnode_table[memnode_hash(node, pid)];
	struct memnode_proc *p, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&memnode_table_lock, flags);
	list_for_each_entry(p, head, link) {
		if (p->node == node && p->pid == pid) {
			p->refs++;
			found = p;
			break;
		}
	}
	spin_unlock_irqrestore(&memnode_table_lock, flags);
	return found;
}

static void memnode_proc_put(struct memnode_proc *p)
{
	unsigned long flags;
	bool last;

	spin_lock_irqsave(&memnode_table_lock, flags);
	last = --p->refs == 0;
	spin_unlock_irqrestore(&memnode_table_lock, flags);
	if (last) {
		rmm_destroy(p->mm);
		kfree(p->exe);
		kfree(p);
	}
}

/*
 * The entry for (node, pid), created empty if absent; a reference is
 * held on return.  NULL when out of memory.
 */
static struct memnode_proc *memnode_proc_get_or_create(u16 node, u32 pid)
{
	struct memnode_proc *p = memnode_proc_get(node, pid), *q;
	unsigned long flags;

	if (p)
		return p;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	p->node = node;
	p->pid = pid;
	p->refs = 2;		/* the table's and the caller's */
	mutex_init(&p->lock);
	spin_lock_irqsave(&memnode_table_lock, flags);
	list_for_each_entry(q, &memnode_table[memnode_hash(node, pid)], link) {
		if (q->node == node && q->pid == pid) {
			/* Raced with another EXECVE of the same pid. */
			q->refs++;
			spin_unlock_irqrestore(&memnode_table_lock, flags);
			kfree(p);
			return q;
		}
	}
	list_add(&p->link, &memnode_table[memnode_hash(node, pid)]);
	memnode_nr_live++;
	spin_unlock_irqrestore(&memnode_table_lock, flags);
	return p;
}

/*
 * A new entry for (@node, @pid) owning @mm, @exe (kmalloc'd or NULL) and
 * @exe_file, in the table.  0, or -EEXIST (the pid is taken) / -ENOMEM
 * with nothing kept: @mm and @exe stay the caller's.
 */
static int memnode_proc_add(u16 node, u32 pid, struct rmm *mm, char *exe,
			    const struct mem_file *exe_file)
{
	struct list_head *head = &memnode_table[memnode_hash(node, pid)];
	struct memnode_proc *p = kzalloc(sizeof(*p), GFP_KERNEL), *q;
	unsigned long flags;

	if (!p)
		return -ENOMEM;
	p->node = node;
	p->pid = pid;
	p->refs = 1;		/* the table's */
	mutex_init(&p->lock);
	p->mm = mm;
	p->exe = exe;
	p->exe_file = *exe_file;
	spin_lock_irqsave(&memnode_table_lock, flags);
	list_for_each_entry(q, head, link) {
		if (q->node == node && q->pid == pid) {
			spin_unlock_irqrestore(&memnode_table_lock, flags);
			kfree(p);
			return -EEXIST;
		}
	}
	list_add(&p->link, head);
	memnode_nr_live++;
	spin_unlock_irqrestore(&memnode_table_lock, flags);
	return 0;
}

/* Take @p out of the table (once); drops the table's reference. */
static void memnode_proc_unlink(struct memnode_proc *p)
{
	unsigned long flags;
	bool unlinked = false;

	spin_lock_irqsave(&memnode_table_lock, flags);
	if (!p->dead) {
		p->dead = true;
		list_del(&p->link);
		memnode_nr_live--;
		unlinked = true;
	}
	spin_unlock_irqrestore(&memnode_table_lock, flags);
	if (unlinked)
		memnode_proc_put(p);
}

unsigned int memnode_nr_procs(void)
{
	return READ_ONCE(memnode_nr_live);
}

u64 memnode_nr_malformed(void)
{
	return __atomic_load_n(&memnode_stats.malformed, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------ images */

int memnode_image_register(const char *path, const void *data, u64 size)
{
	struct memnode_image *img, *it;
	unsigned long flags;
	int ret = 0;

	if (!path || strlen(path) >= MEMNODE_IMAGE_NAME || !data)
		return -EINVAL;
	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return -ENOMEM;
	strscpy(img->path, path, sizeof(img->path));
	img->data = data;
	img->size = size;
	spin_lock_irqsave(&memnode_image_lock, flags);
	list_for_each_entry(it, &memnode_images, link)
		if (!strcmp(it->path, path))
			ret = -EEXIST;
	if (!ret) {
		img->id = memnode_next_image_id++;
		list_add(&img->link, &memnode_images);
	}
	spin_unlock_irqrestore(&memnode_image_lock, flags);
	if (ret)
		kfree(img);
	return ret;
}

int memnode_image_unregister(const char *path)
{
	struct memnode_image *it, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&memnode_image_lock, flags);
	list_for_each_entry(it, &memnode_images, link) {
		if (!strcmp(it->path, path)) {
			found = it;
			list_del(&it->link);
			break;
		}
	}
	spin_unlock_irqrestore(&memnode_image_lock, flags);
	kfree(found);
	return found ? 0 : -ENOENT;
}

/* Look an image up by path (id 0) or by id; fills *@file. */
static int memnode_image_find(const char *path, u32 path_len, u64 id,
			      struct mem_file *file)
{
	struct memnode_image *it;
	unsigned long flags;
	int ret = -ENOENT;

	spin_lock_irqsave(&memnode_image_lock, flags);
	list_for_each_entry(it, &memnode_images, link) {
		bool match = path ? strlen(it->path) == path_len &&
				    !memcmp(it->path, path, path_len) :
				    it->id == id;

		if (match) {
			file->kind = MEM_FILE_IMAGE;
			file->node = P2M_NO_STORAGE;
			file->id = it->id;
			file->size = it->size;
			ret = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&memnode_image_lock, flags);
	return ret;
}

static int memnode_image_read(u64 id, u64 off, void *buf, u32 len)
{
	struct memnode_image *it;
	unsigned long flags;
	int ret = -EIO;

	spin_lock_irqsave(&memnode_image_lock, flags);
	list_for_each_entry(it, &memnode_images, link) {
		if (it->id == id) {
			if (off <= it->size && len <= it->size - off) {
				memcpy(buf, (const u8 *)it->data + off, len);
				ret = 0;
			}
			break;
		}
	}
	spin_unlock_irqrestore(&memnode_image_lock, flags);
	return ret;
}

/* ------------------------------------------------------------ file bytes */

/*
 * Storage files are named by their P2S handle packed in mem_file.id:
 * inode number in the low 32 bits, generation in the high 32 bits.
 */
#define MEMNODE_P2S_TIMEOUT	5000
/* How long the first execve waits for the storage node to join (ms). */
#define MEMNODE_STORAGE_UP_WAIT	30000
/* Bit n: storage node n was connected once (its first wait is over). */
static u64 memnode_storage_seen;
/* Execs refused because the file at the path changed (-EAGAIN). */
static unsigned long long memnode_exec_changed;
/* Fault injection: that many more execs are taken for replaced ones. */
static unsigned int memnode_debug_exec_replaced;
PARAM_UINT("memnode.debug_exec_replaced", memnode_debug_exec_replaced, 0,
	   1000,
	   "debug: refuse the first N execs that name the file the processor opened as if it had been replaced meanwhile (-EAGAIN; 0: off)");

/* Fault injection: that many more short miss replies are malformed. */
static unsigned int memnode_debug_bad_short_reply;
PARAM_UINT("memnode.debug_bad_short_reply", memnode_debug_bad_short_reply,
	   0, 1000,
	   "debug: give the next N short miss replies zero pages around that the miss did not ask for (the processor must refuse them: 0: off)");

/* One more injected fault while the debug counter @left lasts. */
static bool memnode_debug_take(unsigned int *left)
{
	unsigned int n = READ_ONCE(*left);

	while (n && !__atomic_compare_exchange_n(left, &n, n - 1, false,
						 __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED))
		;
	return n != 0;
}

static struct fcache memnode_fcache;
static bool memnode_fcache_ready;

/* vm.c's reclaim hook: process pages before cached file pages. */
static unsigned long memnode_fcache_reclaim(unsigned long nr)
{
	return fcache_shrink(&memnode_fcache, nr);
}

static void memnode_p2s_handle(const struct mem_file *file,
			       struct p2s_handle *fh)
{
	fit_put_le32(&fh->ino, (u32)file->id);
	fit_put_le32(&fh->generation, (u32)(file->id >> 32));
}

/* A struct p2s_fh_req for storage file @file_id, header flags @flags. */
static void memnode_p2s_fh_req(u8 flags, u64 file_id, struct p2s_fh_req *req)
{
	struct mem_file file = { .id = file_id };

	memset(req, 0, sizeof(*req));
	req->hdr.version = P2S_VERSION;
	req->hdr.flags = flags;
	memnode_p2s_handle(&file, &req->fh);
}

static int memnode_storage_read(const struct mem_file *file, u64 off,
				void *buf, u32 len)
{
	u32 chunk_max = min_t(u32, len, P2S_READ_MAX);
	struct p2s_read_reply *reply;
	struct p2s_read_req req;
	int ret = 0;

	reply = kmalloc(sizeof(*reply) + chunk_max, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	while (len) {
		u32 chunk = min_t(u32, len, P2S_READ_MAX), got;

		memset(&req, 0, sizeof(req));
		req.hdr.version = P2S_VERSION;
		memnode_p2s_handle(file, &req.fh);
		fit_put_le64(&req.offset, off);
		fit_put_le32(&req.len, chunk);
		/* Idempotent: repeated after a lost connection. */
		ret = fit_call_again(file->node, P2S_READ, &req, sizeof(req),
				     reply, sizeof(*reply) + chunk,
				     MEMNODE_P2S_TIMEOUT, FIT_CALL_RETRIES,
				     NULL);
		if (ret < 0)
			break;
		got = fit_get_le32(&reply->len);
		/* The file cannot shrink under a running program. */
		if (ret < (int)sizeof(*reply) || got == 0 || got > chunk ||
		    got != ret - sizeof(*reply)) {
			ret = -EIO;
			break;
		}
		memcpy(buf, reply + 1, got);
		buf = (u8 *)buf + got;
		off += got;
		len -= got;
		ret = 0;
	}
	kfree(reply);
	return ret;
}

/* P2S_OPEN @path on @node: a regular file with an execute bit. */
static int memnode_storage_open(u16 node, const char *path, u32 path_len,
				struct mem_file *file)
{
	struct p2s_open_reply reply;
	struct p2s_open_req *req;
	u32 mode;
	int ret;

	if (path_len >= P2S_PATH_MAX)
		return -ENAMETOOLONG;
	/*
	 * The first execve may come while membership is still connecting
	 * us to the storage node (the processor only waited for us).  Only
	 * the first contact waits: once seen, a storage node that is down
	 * fails the open at once (-EHOSTDOWN) instead of every execve
	 * sleeping out the wait.
	 */
	if (!(READ_ONCE(memnode_storage_seen) & (1ull << node)) &&
	    fit_wait_peer_up(node, MEMNODE_STORAGE_UP_WAIT))
		__atomic_fetch_or(&memnode_storage_seen, 1ull << node,
				  __ATOMIC_RELAXED);
	req = kzalloc(sizeof(*req) + path_len + 1, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->hdr.version = P2S_VERSION;
	fit_put_le16(&req->path_len, path_len);
	memcpy(req->path, path, path_len);
	ret = fit_call_again(node, P2S_OPEN, req, sizeof(*req) + path_len + 1,
			     &reply, sizeof(reply), MEMNODE_P2S_TIMEOUT,
			     FIT_CALL_RETRIES, NULL);
	kfree(req);
	if (ret < 0)
		return ret;
	if (ret != sizeof(reply))
		return -EIO;
	mode = fit_get_le32(&reply.st.mode);
	if ((mode & S_IFMT) != S_IFREG || !(mode & 0111))
		return -EACCES;
	file->kind = MEM_FILE_STORAGE;
	file->node = node;
	file->id = fit_get_le32(&reply.fh.ino) |
		   (u64)fit_get_le32(&reply.fh.generation) << 32;
	file->size = fit_get_le64(&reply.st.size);
	file->version = fit_get_le64(&reply.st.version);
	return 0;
}

/*
 * The size and version of the storage file @file names, now: a mapping
 * made after a write (by any processor) must see the new bytes, so it
 * must not be served the cached pages of the version before.  The
 * processor's size is replaced by the storage node's.
 */
static int memnode_storage_stat(struct mem_file *file)
{
	struct p2s_fh_req req;
	struct p2s_stat st;
	int ret;

	memnode_p2s_fh_req(0, file->id, &req);
	/* Idempotent: repeated after a lost connection. */
	ret = fit_call_again(file->node, P2S_STAT, &req, sizeof(req), &st,
			     sizeof(st), MEMNODE_P2S_TIMEOUT, FIT_CALL_RETRIES,
			     NULL);
	if (ret < 0)
		return ret;
	if (ret != sizeof(st))
		return -EIO;
	if ((fit_get_le32(&st.mode) & S_IFMT) != S_IFREG)
		return -ENODEV;
	file->size = fit_get_le64(&st.size);
	file->version = fit_get_le64(&st.version);
	return 0;
}

static int memnode_storage_read_fn(void *ctx, const struct mem_file *file,
				   u64 off, void *buf, u32 len)
{
	return memnode_storage_read(file, off, buf, len);
}

static const struct fcache_source memnode_fcache_source = {
	.read = memnode_storage_read_fn,
};

/* ------------------------------------------------------------ mapped files */

static struct mapref_table memnode_mapref;
static DEFINE_MUTEX(memnode_mapref_lock);	/* one mapref_run() at a time */

/* mapref_run(): P2S_STAT with P2S_STAT_REF, sent once (not idempotent). */
static int memnode_mapref_take(void *ctx, u16 node, u64 file_id)
{
	struct p2s_fh_req req;
	struct p2s_stat st;
	int ret;

	memnode_p2s_fh_req(P2S_STAT_REF, file_id, &req);
	ret = fit_call_again(node, P2S_STAT, &req, sizeof(req), &st,
			     sizeof(st), MEMNODE_P2S_TIMEOUT, 0, NULL);
	if (ret >= 0 && ret != sizeof(st))
		ret = -EIO;	/* taken, maybe: its drop waits for our leave */
	if (ret < 0)
		pr_warn_once("memnode: no reference on storage file %#llx of node %u for its mappings (%d): unlinked, its pages not yet read fail\n",
			     (unsigned long long)file_id, node, ret);
	return ret < 0 ? ret : 0;
}

/* mapref_run(): P2S_CLOSE, sent once (a repeat could drop another's). */
static int memnode_mapref_drop(void *ctx, u16 node, u64 file_id)
{
	struct p2s_fh_req req;
	int ret;

	memnode_p2s_fh_req(0, file_id, &req);
	ret = fit_call_again(node, P2S_CLOSE, &req, sizeof(req), NULL, 0,
			     MEMNODE_P2S_TIMEOUT, 0, NULL);
	if (ret < 0)
		pr_warn_once("memnode: dropping the reference on storage file %#llx of node %u failed (%d)\n",
			     (unsigned long long)file_id, node, ret);
	return ret < 0 ? ret : 0;
}

static const struct mapref_ops memnode_mapref_ops = {
	.take = memnode_mapref_take,
	.drop = memnode_mapref_drop,
};

/*
 * Send the takes and drops that vma changes queued, this caller's and
 * any other's still in flight.  Called with no lock held; may sleep.
 */
static void memnode_mapref_sync(void)
{
	if (!mapref_pending(&memnode_mapref))
		return;
	mutex_lock(&memnode_mapref_lock);
	mapref_run(&memnode_mapref, &memnode_mapref_ops);
	mutex_unlock(&memnode_mapref_lock);
}

/* vm.c's file hook: each vma of a file holds the file. */
static void memnode_file_ref(const struct mem_file *file, int delta)
{
	switch (file->kind) {
	case MEM_FILE_STORAGE:
		mapref_note(&memnode_mapref, file, delta);
		break;
	case MEM_FILE_TMPFS:
		memnode_tmpfs_map_ref(file, delta);
		break;
	}
}

/* One line of the mapped files' counters (tests/cluster/test_mapref.py). */
static void memnode_mapref_report(void)
{
	struct mapref_stats st;

	mapref_get_stats(&memnode_mapref, &st);
	pr_info("memnode: maprefs files %llu held %llu takes %llu drops %llu take-errors %llu drop-errors %llu untracked %llu unmatched %llu\n",
		(unsigned long long)st.files, (unsigned long long)st.held,
		(unsigned long long)st.takes, (unsigned long long)st.drops,
		(unsigned long long)st.take_errors,
		(unsigned long long)st.drop_errors,
		(unsigned long long)st.untracked,
		(unsigned long long)st.unmatched);
}

static int memnode_read_file(void *ctx, const struct mem_file *file, u64 off,
			     void *buf, u32 len)
{
	switch (file->kind) {
	case MEM_FILE_IMAGE:
		return memnode_image_read(file->id, off, buf, len);
	case MEM_FILE_STORAGE:
		if (!memnode_fcache_ready)
			return memnode_storage_read(file, off, buf, len);
		return fcache_read(&memnode_fcache, &memnode_fcache_source,
				   file, off, buf, len);
	case MEM_FILE_TMPFS:
		return memnode_tmpfs_read(file->node, file->id, off, buf, len);
	default:
		return -EIO;
	}
}

/* rmm_fault()'s shared pages: a storage file's from the cache. */
static int memnode_file_page(const struct mem_file *file, u64 off,
			     bool cached_only, void **page)
{
	*page = NULL;
	if (file->kind != MEM_FILE_STORAGE || !memnode_fcache_ready)
		return 0;
	if (cached_only) {
		*page = fcache_map_cached(&memnode_fcache, file, off);
		return 0;
	}
	return fcache_map_page(&memnode_fcache, &memnode_fcache_source, file,
			       off, page);
}

static int memnode_elf_read(void *ctx, u64 off, void *buf, u32 len)
{
	return memnode_read_file(NULL, ctx, off, buf, len);
}


static u64 memnode_dyn_base(void)
{
	/* 28 bits of page-granular entropy below the default, as Linux. */
	if (!memnode_aslr)
		return ET_DYN_DEFAULT_BASE;
	return ET_DYN_DEFAULT_BASE -
	       ((get_random_u64() & ((1ULL << 28) - 1)) << PAGE_SHIFT);
}

/* ------------------------------------------------------------ handlers */

static void memnode_reply_err(struct fit_request *rq, int err)
{
	memnode_count(memnode_stats.errors);
	fit_reply_error(rq, err);
}

/* Count @rq and check its framing: false after replying -EPROTO. */
/*
 * @rq's sender booted again since its last request: every process of the
 * boot before is gone with that boot (a run whose VM was killed, a
 * panicked kernel), and so are its tmpfs files; the new boot's pids and
 * tmpfs inode numbers start over.  The first request of the new boot
 * takes them out under memnode_boot_lock before it records the boot,
 * and every other request of that boot waits there until it has, so no
 * request of the new boot can meet what the old one left.  A request of
 * the boot before, still in flight, gets -ESTALE and changes nothing.
 * The common case (the boot we know) reads cur without a lock.  false
 * after replying.
 */
bool memnode_boot_ok(struct fit_request *rq)
{
	static DEFINE_MUTEX(memnode_boot_lock);
	struct memnode_proc *p, *tmp;
	struct memnode_boot *b;
	unsigned long flags;
	unsigned int n = 0;
	LIST_HEAD(gone);
	u64 e = rq->src_epoch, tmpfs_pages = 0;

	/* In-process or over loopback: our own boot, the only one. */
	if (!e || rq->src_node == node_id || rq->src_node >= FIT_MAX_NODES)
		return true;
	b = &memnode_boots[rq->src_node];
	if (READ_ONCE(b->cur) == e)
		return true;
	mutex_lock(&memnode_boot_lock);
	if (b->cur == e) {
		mutex_unlock(&memnode_boot_lock);
		return true;
	}
	if (b->prev == e) {
		mutex_unlock(&memnode_boot_lock);
		if (memnode_count(memnode_stats.stale) == 1)
			pr_info("memnode: a request of node %u's previous boot refused (-ESTALE)\n",
				rq->src_node);
		fit_reply_error(rq, -ESTALE);
		return false;
	}
	if (b->cur) {
		spin_lock_irqsave(&memnode_table_lock, flags);
		for (unsigned int i = 0; i < MEMNODE_HASH_SIZE; i++) {
			list_for_each_entry_safe(p, tmp, &memnode_table[i],
						 link) {
				if (p->node != rq->src_node)
					continue;
				p->dead = true;
				list_move(&p->link, &gone);
				memnode_nr_live--;
				n++;
			}
		}
		spin_unlock_irqrestore(&memnode_table_lock, flags);
		tmpfs_pages = memnode_tmpfs_free_node(rq->src_node);
	}
	b->prev = b->cur;
	WRITE_ONCE(b->cur, e);
	mutex_unlock(&memnode_boot_lock);
	if (!n && !tmpfs_pages)
		return true;
	list_for_each_entry_safe(p, tmp, &gone, link) {
		list_del_init(&p->link);
		memnode_proc_put(p);	/* the table's reference */
	}
	memnode_mapref_sync();
	memnode_count(memnode_stats.reboots);
	__atomic_add_fetch(&memnode_stats.reaped, n, __ATOMIC_RELAXED);
	pr_info("memnode: node %u booted again: %u processes and %llu tmpfs pages of its previous boot freed (procs %u pages %llu)\n",
		rq->src_node, n, (unsigned long long)tmpfs_pages,
		memnode_nr_procs(), (unsigned long long)rmm_nr_pages_owned());
	return true;
}

static bool memnode_request_ok(struct fit_request *rq)
{
	memnode_count(memnode_stats.requests[rq->opcode - P2M_PCACHE_MISS]);
	if (p2m_req_check(rq->opcode, rq->data, rq->len)) {
		memnode_count(memnode_stats.malformed);
		pr_warn_once("memnode: malformed request %#x (%u bytes) from node %u\n",
			     rq->opcode, rq->len, rq->src_node);
		memnode_reply_err(rq, -EPROTO);
		return false;
	}
	return memnode_boot_ok(rq);
}

/*
 * Process @pid of @rq's sender, locked, with a reference; NULL after
 * replying -ESRCH.
 */
static struct memnode_proc *memnode_lock_proc(struct fit_request *rq,
					      u32 pid)
{
	struct memnode_proc *p = memnode_proc_get(rq->src_node, pid);

	if (p) {
		mutex_lock(&p->lock);
		if (p->mm)
			return p;
		mutex_unlock(&p->lock);
		memnode_proc_put(p);
	}
	memnode_count(memnode_stats.unknown_pid);
	memnode_reply_err(rq, -ESRCH);
	return NULL;
}

/*
 * Common prologue: count, check framing, find the process and lock it.
 * Returns the locked entry (with a reference), or NULL after replying.
 */
static struct memnode_proc *memnode_begin(struct fit_request *rq)
{
	const struct p2m_hdr *h = rq->data;

	if (!memnode_request_ok(rq))
		return NULL;
	return memnode_lock_proc(rq, fit_get_le32(&h->pid));
}

static void memnode_end(struct memnode_proc *p)
{
	mutex_unlock(&p->lock);
	memnode_proc_put(p);
}

/*
 * memnode_end() of a request that may link or unlink vmas: then the
 * storage reference changes it queued are sent, before its reply.
 */
static void memnode_end_vmas(struct memnode_proc *p)
{
	memnode_end(p);
	memnode_mapref_sync();
}

static void memnode_reply_status(struct fit_request *rq, int ret)
{
	if (ret < 0)
		memnode_reply_err(rq, ret);
	else
		fit_reply(rq, NULL, 0);
}

static void memnode_reply_addr(struct fit_request *rq, s64 ret)
{
	struct p2m_addr_reply r;

	if (ret < 0) {
		memnode_reply_err(rq, (int)ret);
		return;
	}
	fit_put_le64(&r.addr, (u64)ret);
	fit_reply(rq, &r, sizeof(r));
}

/*
 * Miss reply buffers, one per handler thread.  Handlers run in the FIT
 * worker threads (fit.workers, at most 16), one request at a time each;
 * a thread takes a free slot at its first miss (owner: compare-and-swap
 * from NULL) and keeps it.  A worker never exits, so a slot is never
 * given back.  Slots beyond the workers serve the in-kernel tests.
 */
#define MISS_REPLY_BUFS		24
static struct {
	struct task *owner;
	struct p2m_miss_reply *buf;	/* allocated at start, kept */
} miss_reply_bufs[MISS_REPLY_BUFS];

/*
 * The calling thread's reply buffer; NULL if every slot is taken by
 * other threads (the caller allocates one for this miss then).
 */
static struct p2m_miss_reply *miss_reply_buf(void)
{
	struct task *me = current, *none;
	unsigned int i;

	for (i = 0; i < MISS_REPLY_BUFS; i++) {
		if (!miss_reply_bufs[i].buf)
			break;
		if (READ_ONCE(miss_reply_bufs[i].owner) == me)
			return miss_reply_bufs[i].buf;
		none = NULL;
		if (__atomic_compare_exchange_n(&miss_reply_bufs[i].owner,
						&none, me, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return miss_reply_bufs[i].buf;
	}
	return NULL;
}

/*
 * P2M_PCACHE_MISS, plain or with a piggybacked flush (struct
 * p2m_miss_flush_req, told apart by its length): the flush first, then
 * the miss, under one hold of the process lock.
 */
static void memnode_miss(struct fit_request *rq, void *ctx)
{
	const struct p2m_miss_req *r = rq->data;
	u32 around = fit_get_le32(&r->around);
	u32 len = sizeof(struct p2m_miss_reply) +
		  (around ? sizeof(struct p2m_miss_around) : 0);
	/* In-process: straight into the caller's buffer. */
	struct p2m_miss_reply *reply, *own =
		fit_reply_buffer(rq, around ? P2M_MISS_REPLY_MAX : len) ?:
		miss_reply_buf();
	struct memnode_proc *p = memnode_begin(rq);
	void *page, *pages[P2M_AROUND_PAGES];
	struct p2m_miss_short_reply sr;
	bool zero = false;
	u32 prot;
	int ret = 0;

	if (!p)
		return;
	/* Pages around only with a window: the plain reply is one page. */
	reply = own ?: kmalloc(around ? P2M_MISS_REPLY_MAX : len, GFP_KERNEL);
	if (!reply) {
		memnode_end(p);
		memnode_reply_err(rq, -ENOMEM);
		return;
	}
	if (rq->len == sizeof(struct p2m_miss_flush_req)) {
		const struct p2m_miss_flush_req *f = rq->data;

		memnode_count(memnode_stats.piggybacks);
		ret = rmm_flush(p->mm, fit_get_le64(&f->flush_va), f->data);
		if (ret == -EFAULT)
			ret = 0;	/* stale: unmapped since, dropped */
	}
	if (!ret)
		ret = rmm_fault_zero(p->mm, fit_get_le64(&r->va),
				     fit_get_le32(&r->access),
				     memnode_read_file, NULL, &page, &prot,
				     &zero);
	if (ret > 0 || (!ret && zero && memnode_zero_reply)) {
		/* The processor's own page, or zeroes: no bytes to send. */
		u32 zero_around = 0;

		if (zero && around)
			zero_around = rmm_fault_around_zero(
				p->mm, fit_get_le64(&r->va), around);
		memnode_end(p);
		if (zero)
			memnode_count(memnode_stats.zero_replies);
		if (zero_around)
			__atomic_add_fetch(&memnode_stats.zero_around_pages,
					   hweight_long(zero_around),
					   __ATOMIC_RELAXED);
		fit_put_le32(&sr.prot, prot);
		fit_put_le32(&sr.special, ret);
		/* Injected: pages the miss did not ask for (never made). */
		if (memnode_debug_take(&memnode_debug_bad_short_reply))
			zero_around |= ~around;
		fit_put_le32(&sr.zero_around, zero_around);
		fit_put_le32(&sr.reserved, 0);
		fit_reply(rq, &sr, sizeof(sr));
		if (reply != own)
			kfree(reply);
		return;
	}
	if (!ret) {
		memcpy(reply->data, page, PAGE_SIZE);
		fit_put_le32(&reply->prot, prot);
		fit_put_le32(&reply->special, 0);
	}
	if (around && !ret) {
		struct p2m_miss_around *ar = (void *)(reply + 1);
		u32 got = 0;
		u8 *dst = ar->data;

		got = rmm_fault_around(p->mm, fit_get_le64(&r->va), around,
				       pages);
		fit_put_le32(&ar->mask, got);
		fit_put_le32(&ar->reserved, 0);
		for (unsigned int i = 0; i < P2M_AROUND_PAGES; i++) {
			if (!(got & (1u << i)))
				continue;
			memcpy(dst, pages[i], PAGE_SIZE);
			dst += PAGE_SIZE;
			len += PAGE_SIZE;
		}
		if (got)
			__atomic_add_fetch(&memnode_stats.around_pages,
					   hweight_long(got),
					   __ATOMIC_RELAXED);
	}
	memnode_end(p);
	if (ret)
		memnode_reply_err(rq, ret);
	else
		fit_reply(rq, reply, len);
	if (reply != own)
		kfree(reply);
}

static void memnode_flush(struct fit_request *rq, void *ctx)
{
	const struct p2m_flush_req *r = rq->data;
	struct memnode_proc *p = memnode_begin(rq);
	int ret;

	if (!p)
		return;
	ret = rmm_flush(p->mm, fit_get_le64(&r->va), r->data);
	memnode_end(p);
	memnode_reply_status(rq, ret);
}

static void memnode_mmap(struct fit_request *rq, void *ctx)
{
	const struct p2m_mmap_req *r = rq->data;
	u32 flags = fit_get_le32(&r->flags);
	struct mem_file file = { .kind = MEM_FILE_NONE };
	struct memnode_proc *p;
	s64 ret;

	/* Before the process's lock (a storage call can take long). */
	if (!p2m_req_check(rq->opcode, rq->data, rq->len) &&
	    !(flags & MAP_ANONYMOUS) &&
	    fit_get_le16(&r->file_node) < FIT_MAX_NODES) {
		file.node = fit_get_le16(&r->file_node);
		file.id = fit_get_le64(&r->file_id);
		ret = memnode_storage_stat(&file);
		if (ret) {
			memnode_reply_err(rq, ret);
			return;
		}
	}
	p = memnode_begin(rq);
	if (!p)
		return;
	if (!(flags & MAP_ANONYMOUS)) {
		file.node = fit_get_le16(&r->file_node);
		file.id = fit_get_le64(&r->file_id);
		if (file.node >= FIT_MAX_NODES)	/* else: storage's, above */
			file.size = fit_get_le64(&r->file_size);
		file.kind = file.node == P2M_NO_STORAGE ? MEM_FILE_IMAGE :
							  MEM_FILE_STORAGE;
		if (file.node == P2M_TMPFS_NODE) {
			/* The sender's own objects only. */
			file.kind = MEM_FILE_TMPFS;
			file.node = rq->src_node;
			/* Neither type is rmm_mmap()'s -EINVAL (after a
			 * MAP_FIXED_NOREPLACE overlap's -EEXIST). */
			if ((flags & MAP_TYPE) == MAP_SHARED ||
			    (flags & MAP_TYPE) == MAP_SHARED_VALIDATE) {
				pr_warn_once("memnode: MAP_SHARED of a tmpfs file from node %u: -ENODEV (not coherent with write(2))\n",
					     rq->src_node);
				memnode_end_vmas(p);
				memnode_reply_err(rq, -ENODEV);
				return;
			}
		}
		if (file.kind == MEM_FILE_STORAGE &&
		    file.node >= FIT_MAX_NODES) {
			memnode_end_vmas(p);
			memnode_reply_err(rq, -EBADF);
			return;
		}
	}
	ret = rmm_mmap(p->mm, fit_get_le64(&r->addr), fit_get_le64(&r->len),
		       fit_get_le32(&r->prot), flags, &file,
		       fit_get_le64(&r->off));
	memnode_end_vmas(p);
	memnode_reply_addr(rq, ret);
}

static void memnode_munmap(struct fit_request *rq, void *ctx)
{
	const struct p2m_munmap_req *r = rq->data;
	struct memnode_proc *p = memnode_begin(rq);
	int ret;

	if (!p)
		return;
	ret = rmm_munmap(p->mm, fit_get_le64(&r->addr), fit_get_le64(&r->len));
	memnode_end_vmas(p);
	memnode_reply_status(rq, ret);
}

static void memnode_mprotect(struct fit_request *rq, void *ctx)
{
	const struct p2m_mprotect_req *r = rq->data;
	struct memnode_proc *p = memnode_begin(rq);
	int ret;

	if (!p)
		return;
	ret = rmm_mprotect(p->mm, fit_get_le64(&r->addr),
			   fit_get_le64(&r->len), fit_get_le32(&r->prot));
	memnode_end_vmas(p);
	memnode_reply_status(rq, ret);
}

static void memnode_brk(struct fit_request *rq, void *ctx)
{
	const struct p2m_brk_req *r = rq->data;
	struct memnode_proc *p = memnode_begin(rq);
	u64 brk;

	if (!p)
		return;
	brk = rmm_brk(p->mm, fit_get_le64(&r->brk));
	memnode_end_vmas(p);
	memnode_reply_addr(rq, (s64)brk);
}

static void memnode_mremap(struct fit_request *rq, void *ctx)
{
	const struct p2m_mremap_req *r = rq->data;
	struct memnode_proc *p = memnode_begin(rq);
	s64 ret;

	if (!p)
		return;
	ret = rmm_mremap(p->mm, fit_get_le64(&r->old_addr),
			 fit_get_le64(&r->old_len), fit_get_le64(&r->new_len),
			 fit_get_le32(&r->flags), fit_get_le64(&r->new_addr));
	memnode_end_vmas(p);
	memnode_reply_addr(rq, ret);
}

static void memnode_madvise(struct fit_request *rq, void *ctx)
{
	const struct p2m_madvise_req *r = rq->data;
	struct memnode_proc *p = memnode_begin(rq);
	int ret;

	if (!p)
		return;
	ret = rmm_madvise(p->mm, fit_get_le64(&r->addr), fit_get_le64(&r->len),
			  (int)fit_get_le32(&r->advice));
	memnode_end(p);
	memnode_reply_status(rq, ret);
}

/*
 * The child's copy of the parent's program path (P2M_MAPS names), or
 * NULL; *@ret -ENOMEM if there was one to copy and no memory.
 */
static char *memnode_exe_dup(const char *exe, int *ret)
{
	size_t len = exe ? strlen(exe) + 1 : 0;
	char *copy = len ? kmalloc(len, GFP_KERNEL) : NULL;

	if (len && !copy)
		*ret = -ENOMEM;
	else if (copy)
		memcpy(copy, exe, len);
	return copy;
}

/*
 * P2M_FORK: the child (hdr.pid, new) gets a copy of the parent's address
 * space with its pages shared copy on write (rmm_fork()).  The child is
 * built under the parent's lock and enters the table whole, or not at
 * all.
 */
static void memnode_fork(struct fit_request *rq, void *ctx)
{
	const struct p2m_fork_req *r = rq->data;
	u32 pid = fit_get_le32(&r->hdr.pid);
	struct memnode_proc *parent, *child;
	struct mem_file exe_file;
	struct vma *shared;
	struct rmm *mm;
	char *exe;
	int ret = 0;

	if (!memnode_request_ok(rq))
		return;
	child = memnode_proc_get(rq->src_node, pid);
	if (child) {
		memnode_proc_put(child);
		memnode_reply_err(rq, -EEXIST);
		return;
	}
	parent = memnode_lock_proc(rq, fit_get_le32(&r->parent_pid));
	if (!parent)
		return;
	mm = rmm_fork(parent->mm, rq->src_node, pid);
	exe = memnode_exe_dup(parent->exe, &ret);
	exe_file = parent->exe_file;
	/* The parent's: the child is no longer ours once in the table. */
	shared = rmm_first_shared_writable(parent->mm);
	if (!mm)
		ret = -ENOMEM;
	if (!ret)
		ret = memnode_proc_add(rq->src_node, pid, mm, exe, &exe_file);
	if (!ret && shared) {
		memnode_count(memnode_stats.forks_shared_writable);
		pr_info("memnode: fork of pid %u: writable MAP_SHARED mapping at %#llx copied private in the child (not shared)\n",
			parent->pid, (unsigned long long)shared->start);
	}
	memnode_end_vmas(parent);
	if (ret) {
		rmm_destroy(mm);
		kfree(exe);
		memnode_mapref_sync();
	}
	memnode_reply_status(rq, ret);
}

/* One line of the file cache's counters (since the node started). */
static void memnode_fcache_report(void)
{
	struct fcache_stats st;

	if (!memnode_fcache_ready)
		return;
	fcache_get_stats(&memnode_fcache, &st);
	pr_info("memnode: fcache hits %llu misses %llu storage-reads %llu storage-pages %llu readahead %llu evictions %llu invalidations %llu invalidated %llu stale-reads %llu mapped %llu around %llu pages %llu\n",
		(unsigned long long)st.hits, (unsigned long long)st.misses,
		(unsigned long long)st.storage_reads,
		(unsigned long long)st.storage_pages,
		(unsigned long long)st.readahead_pages,
		(unsigned long long)st.evictions,
		(unsigned long long)st.invalidations,
		(unsigned long long)st.invalidated_pages,
		(unsigned long long)st.stale_reads,
		(unsigned long long)st.mapped,
		(unsigned long long)st.around,
		(unsigned long long)st.pages);
}

static void memnode_exit(struct fit_request *rq, void *ctx)
{
	struct memnode_proc *p = memnode_begin(rq);
	struct rmm *mm;
	u64 peak;

	if (!p)
		return;
	mm = p->mm;
	p->mm = NULL;
	memnode_proc_unlink(p);
	memnode_end(p);
	peak = mm->peak_pages;
	rmm_destroy(mm);
	/* Its mappings' references: an unlinked file goes now. */
	memnode_mapref_sync();
	/*
	 * The tests' leak check: pages is 0 once procs is.  peak_pages: the
	 * most data pages the process ever had here (what its reservations
	 * really cost).  Logged before the reply, which may be the last
	 * thing the processor waits for.
	 */
	pr_info("memnode: exit node %u pid %u: procs %u pages %llu peak_pages %llu\n",
		rq->src_node,
		fit_get_le32(&((const struct p2m_hdr *)rq->data)->pid),
		memnode_nr_procs(), (unsigned long long)rmm_nr_pages_owned(),
		(unsigned long long)peak);
	memnode_fcache_report();
	memnode_mapref_report();
	if (memnode_exec_changed)
		pr_info("memnode: execs refused because the file was replaced: %llu\n",
			memnode_exec_changed);
	fit_reply(rq, NULL, 0);
}

/*
 * How maps shows a vma: its file's device and inode (storage files are
 * on the storage node's one ext4 device, 08:01 as the processor's stat
 * says; registry images on 00:00), the program's own path for its
 * segments, [heap], [stack], [vvar] and [vdso].  Other file mappings
 * show no name yet: the memory node keeps only their identity.
 */
static void memnode_maps_name(void *ctx, struct rmm *mm, const struct vma *v,
			      struct vma_maps_id *id)
{
	const struct memnode_proc *p = ctx;

	if (v->flags & VMA_FILE) {
		id->ino = v->file.kind == MEM_FILE_STORAGE ? (u32)v->file.id :
							       v->file.id;
		id->dev = v->file.kind == MEM_FILE_STORAGE ? 0x0801 : 0;
		if (v->file.kind == p->exe_file.kind &&
		    v->file.node == p->exe_file.node &&
		    v->file.id == p->exe_file.id)
			id->name = p->exe;
	} else if (v->flags & VMA_HEAP) {
		id->name = "[heap]";
	} else if (v->flags & VMA_STACK) {
		id->name = "[stack]";
	} else if (v->flags & VMA_SPECIAL) {
		id->name = v->start == mm->special_start ? "[vvar]" : "[vdso]";
	}
}

/* P2M_MAPS: the next whole maps lines from @start (<fit/memory.h>). */
static void memnode_maps(struct fit_request *rq, void *ctx)
{
	const struct p2m_maps_req *r = rq->data;
	struct p2m_maps_reply *reply;
	struct memnode_proc *p;
	u64 next;
	bool eof;
	long len;

	reply = kmalloc(sizeof(*reply) + P2M_MAPS_MAX + 1, GFP_KERNEL);
	p = memnode_begin(rq);
	if (!p) {
		kfree(reply);
		return;
	}
	len = reply ? rmm_format_maps(p->mm, fit_get_le64(&r->start),
				      memnode_maps_name, p, (char *)(reply + 1),
				      P2M_MAPS_MAX + 1, &next, &eof) : -ENOMEM;
	memnode_end(p);
	if (len < 0) {
		memnode_reply_err(rq, len);
	} else {
		fit_put_le64(&reply->next, next);
		fit_put_le32(&reply->len, len);
		fit_put_le32(&reply->flags, eof ? P2M_MAPS_EOF : 0);
		fit_reply(rq, reply, sizeof(*reply) + len);
	}
	kfree(reply);
}

/* Find the program: the image registry, or the storage node. */
static int memnode_open_program(u16 storage_node, const char *path,
				u32 path_len, struct mem_file *file)
{
	if (storage_node == P2M_NO_STORAGE)
		return memnode_image_find(path, path_len, 0, file);
	if (storage_node >= FIT_MAX_NODES)
		return -EINVAL;
	return memnode_storage_open(storage_node, path, path_len, file);
}

/* The new image of an execve while it is being built. */
struct memnode_exec {
	u16 node;		/* the processor's, for messages */
	u32 pid;
	const char *execfn;
	struct elf_info prog;
	struct elf_info interp;	/* prog.interp_len != 0 only */
	struct mem_file prog_file, interp_file;
	bool interp_tmpfs;	/* interp_file was set from the request */
};

/* The sender's tmpfs object @id of @size bytes as a program's source. */
static void memnode_tmpfs_file(u16 node, u64 id, u64 size,
			       struct mem_file *file)
{
	memset(file, 0, sizeof(*file));
	file->kind = MEM_FILE_TMPFS;
	file->node = node;
	file->id = id;
	file->size = size;
}

/* One line on why @info (the program, or the interpreter) was refused. */
static void memnode_exec_refused(const struct memnode_exec *x,
				 const struct elf_info *info, int ret)
{
	const char *why = ret == -ENOEXEC ? info->why : "read error";

	if (info == &x->interp)
		pr_info("memnode: execve %s for node %u pid %u: interpreter %s: %s (%d)\n",
			x->execfn, x->node, x->pid, x->prog.interp, why, ret);
	else
		pr_info("memnode: execve %s for node %u pid %u: %s (%d)\n",
			x->execfn, x->node, x->pid, why, ret);
}

/*
 * Open and check the PT_INTERP of x->prog from the program's own source
 * (@storage_node or the image registry): an ET_DYN without an
 * interpreter of its own.  0, -ENOENT (missing: logged with its name),
 * -ENOEXEC, -EACCES, -EIO.
 */
static int memnode_exec_interp(struct memnode_exec *x, u16 storage_node)
{
	struct elf_info *ii = &x->interp;
	int ret = 0;

	if (!x->interp_tmpfs)
		ret = memnode_open_program(storage_node, x->prog.interp,
					   x->prog.interp_len,
					   &x->interp_file);
	if (ret) {
		pr_info("memnode: execve %s for node %u pid %u: interpreter %s: %s (%d)\n",
			x->execfn, x->node, x->pid, x->prog.interp,
			ret == -ENOENT ? "not found" : "cannot open", ret);
		return ret;
	}
	ret = elf_check(memnode_elf_read, &x->interp_file, x->interp_file.size,
			ET_DYN_DEFAULT_BASE, ii);
	if (!ret)
		ret = elf_check_interpreter(ii);
	if (ret)
		memnode_exec_refused(x, ii, ret);
	return ret;
}

/*
 * Lay the images out in the fresh @mm as Linux's load_elf_binary does
 * without randomisation: the program at its addresses (ET_EXEC) or at
 * ELF_ET_DYN_BASE (a PIE with an interpreter, memnode.aslr moves it),
 * an ET_DYN without interpreter (static-pie, ld.so run directly) and
 * the interpreter top-down in the mmap area, below mm->mmap_base; the
 * break of an ET_DYN without interpreter at ET_DYN_LOADER_BRK.
 */
static int memnode_exec_place(struct memnode_exec *x, struct rmm *mm)
{
	struct elf_info *pi = &x->prog, *ii = &x->interp;
	u64 base;
	int ret;

	if (pi->type == ET_DYN) {
		if (pi->interp_len) {
			base = memnode_dyn_base();
			if (pi->max_align > PAGE_SIZE)
				base = ALIGN_DOWN(base, pi->max_align);
		} else {
			base = rmm_unmapped_area(mm, pi->hi - pi->lo);
		}
		ret = elf_rebase(pi, base);
		if (ret) {
			memnode_exec_refused(x, pi, ret);
			return ret;
		}
	}
	ret = elf_map(mm, pi, &x->prog_file);
	if (ret)
		return ret;
	if (!pi->interp_len) {
		/*
		 * A loader in the mmap area would find its break hemmed in
		 * below the stack: Linux moves it to ELF_ET_DYN_BASE.
		 */
		if (pi->type == ET_DYN &&
		    !rmm_find_vma(mm, ET_DYN_LOADER_BRK))
			mm->start_brk = mm->brk = ET_DYN_LOADER_BRK;
		return 0;
	}
	base = rmm_unmapped_area(mm, ii->hi - ii->lo);
	if (!base)
		return -ENOMEM;
	ret = elf_rebase(ii, base);
	if (ret) {
		memnode_exec_refused(x, ii, ret);
		return ret;
	}
	return elf_map_segments(mm, ii, &x->interp_file);
}

/*
 * Build the new address space completely before touching the old one:
 * a failed execve leaves the process as it was (Linux's point of no
 * return comes after the new image is ready, too).
 */
static int memnode_do_execve(u16 node, const struct p2m_execve_req *r,
			     struct p2m_execve_reply *reply)
{
	u32 path_len = fit_get_le16(&r->path_len);
	u16 storage_node = fit_get_le16(&r->storage_node);
	u32 flags = fit_get_le32(&r->flags);
	const struct p2m_execve_tmpfs *t = (const void *)(r + 1);
	const char *path = (const char *)(flags ? (const void *)(t + 1) :
					  (const void *)(r + 1));
	struct stack_args args = { 0 };
	struct memnode_exec *x;
	struct memnode_proc *p;
	struct rmm *mm, *old;
	char *execfn;
	u64 sp, pages;
	int ret;

	x = kzalloc(sizeof(*x), GFP_KERNEL);
	execfn = kmalloc(path_len + 1, GFP_KERNEL);
	if (!x || !execfn) {
		ret = -ENOMEM;
		goto free;
	}
	memcpy(execfn, path, path_len);
	execfn[path_len] = '\0';
	if (strlen(execfn) != path_len) {
		ret = -EINVAL;
		goto free;
	}
	x->node = node;
	x->pid = fit_get_le32(&r->hdr.pid);
	x->execfn = execfn;
	if (flags & P2M_EXECVE_TMPFS) {
		memnode_tmpfs_file(node, fit_get_le64(&t->object),
				   fit_get_le64(&t->size), &x->prog_file);
	} else {
		ret = memnode_open_program(storage_node, path, path_len,
					   &x->prog_file);
		if (ret)
			goto free;
		/* Not the file whose set-id bits the processor applied. */
		if (fit_get_le64(&r->file_id) && (storage_node ==
		    P2M_NO_STORAGE || x->prog_file.id !=
		    fit_get_le64(&r->file_id) ||
		    memnode_debug_take(&memnode_debug_exec_replaced))) {
			if (!__atomic_fetch_add(&memnode_exec_changed, 1,
						__ATOMIC_RELAXED))
				pr_info("memnode: execve %s for node %u pid %u: not the file the processor opened (replaced meanwhile): -EAGAIN; further ones only counted\n",
					execfn, node, x->pid);
			ret = -EAGAIN;
			goto free;
		}
	}
	if (flags & P2M_EXECVE_TMPFS_INTERP) {
		memnode_tmpfs_file(node, fit_get_le64(&t->interp_object),
				   fit_get_le64(&t->interp_size),
				   &x->interp_file);
		x->interp_tmpfs = true;
	}
	ret = elf_check(memnode_elf_read, &x->prog_file, x->prog_file.size,
			ET_DYN_DEFAULT_BASE, &x->prog);
	if (ret) {
		memnode_exec_refused(x, &x->prog, ret);
		goto free;
	}
	if (x->prog.interp_len) {
		ret = memnode_exec_interp(x, storage_node);
		if (ret)
			goto free;
	}
	pages = memnode_proc_limit / PAGE_SIZE;
	if (memnode_proc_limit && !pages)
		pages = 1;
	mm = rmm_create(node, x->pid, pages);
	if (!mm) {
		ret = -ENOMEM;
		goto free;
	}
	ret = memnode_exec_place(x, mm);
	if (ret)
		goto destroy;
	args.strings = path + path_len;
	args.strings_len = fit_get_le32(&r->strings_len);
	args.argc = fit_get_le32(&r->argc);
	args.envc = fit_get_le32(&r->envc);
	args.execfn = execfn;
	args.elf = &x->prog;
	args.interp_base = x->prog.interp_len ? x->interp.bias : 0;
	for (unsigned int i = 0; i < sizeof(args.random); i += 8) {
		u64 v = get_random_u64();

		memcpy(args.random + i, &v, 8);
	}
	args.hwcap = fit_get_le64(&r->hwcap);
	args.hwcap2 = fit_get_le64(&r->hwcap2);
	args.uid = fit_get_le32(&r->uid);
	args.euid = fit_get_le32(&r->euid);
	args.gid = fit_get_le32(&r->gid);
	args.egid = fit_get_le32(&r->egid);
	args.minsigstksz = fit_get_le32(&r->minsigstksz);
	if (fit_get_le32(&r->vdso_pages)) {
		ret = rmm_map_special(mm, fit_get_le32(&r->vdso_pages),
				      &args.sysinfo_ehdr);
		if (ret)
			goto destroy;
	}
	ret = stack_setup(mm, &args, &sp);
	if (ret)
		goto destroy;

	p = memnode_proc_get_or_create(node, x->pid);
	if (!p) {
		ret = -ENOMEM;
		goto destroy;
	}
	mutex_lock(&p->lock);
	old = p->mm;
	p->mm = mm;
	kfree(p->exe);
	p->exe = execfn;
	execfn = NULL;		/* kept by @p now */
	p->exe_file = x->prog_file;
	mutex_unlock(&p->lock);
	memnode_proc_put(p);
	rmm_destroy(old);
	/* The new image's files taken, the old one's dropped: before the reply. */
	memnode_mapref_sync();

	fit_put_le64(&reply->entry, x->prog.interp_len ? x->interp.entry :
							 x->prog.entry);
	fit_put_le64(&reply->sp, sp);
	fit_put_le64(&reply->brk, mm->brk);
	fit_put_le32(&reply->flags, x->prog.exec_stack ? P2M_EXEC_STACK : 0);
	fit_put_le32(&reply->reserved, 0);
	memnode_count(memnode_stats.execs);
	ret = 0;
	goto free;
destroy:
	rmm_destroy(mm);
	memnode_mapref_sync();	/* nothing to send unless another's in flight */
free:
	kfree(execfn);
	kfree(x);
	return ret;
}

static void memnode_execve(struct fit_request *rq, void *ctx)
{
	struct p2m_execve_reply reply;
	int ret;

	memnode_count(memnode_stats.requests[P2M_EXECVE - P2M_PCACHE_MISS]);
	if (p2m_req_check(P2M_EXECVE, rq->data, rq->len)) {
		memnode_count(memnode_stats.malformed);
		pr_warn_once("memnode: malformed execve (%u bytes) from node %u\n",
			     rq->len, rq->src_node);
		memnode_reply_err(rq, -EPROTO);
		return;
	}
	if (!memnode_boot_ok(rq))
		return;
	ret = memnode_do_execve(rq->src_node, rq->data, &reply);
	if (ret)
		memnode_reply_err(rq, ret);
	else
		fit_reply(rq, &reply, sizeof(reply));
}

void memnode_dump_stats(void)
{
	static const char *const names[] = {
		"miss", "flush", "mmap", "munmap", "brk", "mprotect",
		"mremap", "madvise", "fork", "execve", "exit", "maps",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		pr_info("memnode: %-8s %llu\n", names[i],
			(unsigned long long)memnode_stats.requests[i]);
	pr_info("memnode: errors %llu malformed %llu unknown-pid %llu execs %llu piggybacks %llu procs %u pages %llu\n",
		(unsigned long long)memnode_stats.errors,
		(unsigned long long)memnode_stats.malformed,
		(unsigned long long)memnode_stats.unknown_pid,
		(unsigned long long)memnode_stats.execs,
		(unsigned long long)memnode_stats.piggybacks, memnode_nr_procs(),
		(unsigned long long)rmm_nr_pages_owned());
	pr_info("memnode: cow-copies %llu forks-shared-writable %llu around-pages %llu zero-replies %llu zero-around %llu\n",
		(unsigned long long)rmm_nr_cow_copies(),
		(unsigned long long)memnode_stats.forks_shared_writable,
		(unsigned long long)memnode_stats.around_pages,
		(unsigned long long)memnode_stats.zero_replies,
		(unsigned long long)memnode_stats.zero_around_pages);
	pr_info("memnode: new boots %llu processes-freed %llu stale-requests %llu\n",
		(unsigned long long)memnode_stats.reboots,
		(unsigned long long)memnode_stats.reaped,
		(unsigned long long)memnode_stats.stale);
	memnode_fcache_report();
	memnode_mapref_report();
	memnode_tmpfs_dump_stats();
}

/*
 * Register every file of the first boot module (`tessera run`'s cpio
 * archive) as "/<archive path>": the programs the processor will
 * EXECVE by that name until they come from a storage node.  The
 * archive stays in memory (memblock reserved it) for the node's life.
 */
static void memnode_register_boot_images(void)
{
	const struct boot_module *m = &boot_info.modules[0];
	char path[MEMNODE_IMAGE_NAME];
	struct cpio_file f;
	unsigned int nr = 0;
	u64 off = 0;
	int ret;

	if (!boot_info.nr_modules)
		return;
	while (!(ret = cpio_next(__va(m->start), m->size, &off, &f))) {
		if (f.name_len + 2 > sizeof(path)) {
			pr_warn("memnode: boot image name too long, skipped\n");
			continue;
		}
		path[0] = '/';
		memcpy(path + 1, f.name, f.name_len);
		path[f.name_len + 1] = '\0';
		if (!memnode_image_register(path, f.data, f.size))
			nr++;
	}
	if (ret != -ENOENT)
		pr_warn("memnode: boot module: malformed archive (%d)\n", ret);
	pr_info("memnode: %u image(s) from the boot module\n", nr);
}

int memory_service_start(void)
{
	static const struct {
		u16 opcode;
		fit_handler_t fn;
	} handlers[] = {
		{ P2M_PCACHE_MISS, memnode_miss },
		{ P2M_PCACHE_FLUSH, memnode_flush },
		{ P2M_MMAP, memnode_mmap },
		{ P2M_MUNMAP, memnode_munmap },
		{ P2M_BRK, memnode_brk },
		{ P2M_MPROTECT, memnode_mprotect },
		{ P2M_MREMAP, memnode_mremap },
		{ P2M_MADVISE, memnode_madvise },
		{ P2M_FORK, memnode_fork },
		{ P2M_EXECVE, memnode_execve },
		{ P2M_EXIT, memnode_exit },
		{ P2M_MAPS, memnode_maps },
	};
	static bool started;
	unsigned int i;
	int ret, err = 0;

	if (started)
		return 0;
	started = true;
	for (i = 0; i < MEMNODE_HASH_SIZE; i++)
		INIT_LIST_HEAD(&memnode_table[i]);
	/* Fewer buffers only means more misses allocate their reply. */
	for (i = 0; i < MISS_REPLY_BUFS; i++) {
		miss_reply_bufs[i].buf = kmalloc(P2M_MISS_REPLY_MAX,
						 GFP_KERNEL);
		if (!miss_reply_bufs[i].buf)
			break;
	}
	/* Before the handlers: the first miss may come at once. */
	if (!memnode_file_cache)
		memnode_file_cache = (nr_free_pages() / 4) << PAGE_SHIFT;
	ret = fcache_init(&memnode_fcache, memnode_file_cache >> PAGE_SHIFT,
			  memnode_readahead);
	if (ret)
		pr_warn("memnode: no file cache (%d): every miss reads storage\n",
			ret);
	memnode_fcache_ready = !ret;
	if (memnode_fcache_ready) {
		fcache_set_read_around(&memnode_fcache, memnode_read_around);
		rmm_set_reclaim(memnode_fcache_reclaim);
		rmm_set_file_page(memnode_file_page);
	}
	mapref_init(&memnode_mapref);
	rmm_set_file_ref(memnode_file_ref);
	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		ret = fit_register_handler(handlers[i].opcode, handlers[i].fn,
					   NULL);
		if (ret) {
			pr_err("memnode: cannot register handler %#x: %d\n",
			       handlers[i].opcode, ret);
			err = ret;
		}
	}
	ret = memnode_tmpfs_start();
	if (ret)
		err = ret;
	memnode_register_boot_images();
	debug_key_register('m', "memory node counters", memnode_dump_stats);
	pr_info("memnode: serving P2M requests (proc_limit %llu bytes, aslr %s, file_cache %llu bytes, readahead %u pages)\n",
		memnode_proc_limit, memnode_aslr ? "on" : "off",
		memnode_file_cache, memnode_readahead);
	return err;
}

void memory_manager_init(void)
{
	if (node_role == ROLE_MEMORY)
		memory_service_start();
}
