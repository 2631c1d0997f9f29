/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processor-to-memory messages (the P2M_* opcodes of <fit/fit_wire.h>):
 * the byte layout both sides of a FIT call agree on, and the checks the
 * memory node applies to every request before it looks at a field.  The
 * memory node's side is managers/memory/service.c; the protocol (who
 * sends what when, which errors mean what) is in
 * Documentation/memory-node.md.
 *
 * Every struct is little-endian, packed, with explicit reserved fields
 * (zero on send, checked on receipt) and a size fixed by _Static_assert.
 * Read fields with fit_get_le*() and write them with fit_put_le*().
 * Every request starts with struct p2m_hdr; the process is named by the
 * sending processor node (the FIT source) and the pid in the header.
 *
 * Replies: an error is a FIT error reply (fit_call() returns -errno);
 * otherwise the reply struct named next to each request, or no bytes.
 */
#ifndef _FIT_MEMORY_H
#define _FIT_MEMORY_H

#include <fit/fit_wire.h>
#include <tessera/bitmap.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/types.h>
#include <uapi/mman.h>

#define P2M_VERSION		1
#define P2M_PAGE_SIZE		4096
#define P2M_PATH_MAX		4096	/* execve path bytes, no NUL */
/* execve/mmap storage node meaning "the memory node's image registry" */
#define P2M_NO_STORAGE		0xffff
/* mmap file node meaning "the sender's tmpfs object @file_id" (MAP_PRIVATE) */
#define P2M_TMPFS_NODE		0xfffe

/* p2m_miss_req.access: what the faulting instruction did. */
#define P2M_ACCESS_READ		0x1
#define P2M_ACCESS_WRITE	0x2
#define P2M_ACCESS_EXEC		0x4
#define P2M_ACCESS_ALL		0x7

/*
 * Whether a vma with protection @prot (PROT_*) allows @access
 * (P2M_ACCESS_*), as x86 with NX and without protection keys: any of
 * PROT_READ, PROT_WRITE, PROT_EXEC makes a page readable; writing needs
 * PROT_WRITE, fetching needs PROT_EXEC.  The memory node decides a miss
 * with it, the pcache a hit in its victim cache.
 */
static inline bool p2m_access_allowed(u32 prot, u32 access)
{
	if ((access & P2M_ACCESS_WRITE) && !(prot & PROT_WRITE))
		return false;
	if ((access & P2M_ACCESS_EXEC) && !(prot & PROT_EXEC))
		return false;
	return prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* p2m_execve_reply.flags */
#define P2M_EXEC_STACK		0x1	/* PT_GNU_STACK asked for PF_X */

struct p2m_hdr {
	u8 version;		/* P2M_VERSION */
	u8 reserved[3];		/* zero */
	__le32 pid;		/* non-zero, unique on the sending node */
} __packed;
_Static_assert(sizeof(struct p2m_hdr) == 8, "p2m_hdr size");

/*
 * P2M_EXECVE: replace (or create) the address space of pid with the
 * program at @path.  Followed by, when @flags has P2M_EXECVE_TMPFS, a
 * struct p2m_execve_tmpfs, then @path_len bytes of path (no NUL) and
 * @strings_len bytes holding argc then envc NUL-terminated strings.
 * P2M_EXECVE_TMPFS: the program's bytes are the sender's tmpfs object
 * (P2M_TMPFS_*) named there, @path is only its name (AT_EXECFN, maps);
 * P2M_EXECVE_TMPFS_INTERP (with it only): so are its PT_INTERP's.
 * Without, the program and its interpreter come from @storage_node.
 * With @vdso_pages (1..P2M_VDSO_MAX_PAGES), the new address space gets
 * the processor's vDSO: a one-page [vvar] vma (PROT_READ) and right
 * above it a @vdso_pages-page [vdso] vma (PROT_READ | PROT_EXEC), at an
 * address of the memory node's choice, and AT_SYSINFO_EHDR names the
 * [vdso] start.  Their pages are the processor's, not the memory
 * node's: a miss there is answered with p2m_miss_reply.special, and
 * mprotect/mremap of them is refused (-EACCES/-EINVAL).
 * @uid, @euid, @gid, @egid are the ids the program runs with (after its
 * set-id bits): AT_UID, AT_EUID, AT_GID, AT_EGID, and AT_SECURE is 1
 * exactly when @euid != @uid or @egid != @gid.
 * Reply: struct p2m_execve_reply.  Errors: -ENOENT (no such program),
 * -ENOEXEC (not a static x86-64 executable), -E2BIG, -ENOMEM, -EIO,
 * -EAGAIN (@file_id is not the file at @path any more).
 */
struct p2m_execve_req {
	struct p2m_hdr hdr;
	__le16 storage_node;	/* node serving @path, or P2M_NO_STORAGE */
	__le16 path_len;	/* 1..P2M_PATH_MAX */
	__le32 argc;
	__le32 envc;
	__le32 strings_len;
	__le64 hwcap;		/* AT_HWCAP: the processor's CPUID(1).EDX */
	__le64 hwcap2;		/* AT_HWCAP2 */
	__le32 uid, euid, gid, egid;
	__le32 minsigstksz;	/* AT_MINSIGSTKSZ, 0: leave it out */
	__le32 flags;		/* P2M_EXECVE_* */
	__le32 vdso_pages;	/* 0 (no vDSO) .. P2M_VDSO_MAX_PAGES */
	__le32 reserved;	/* zero */
	/*
	 * The storage file (ino | generation << 32) the sender opened at
	 * @path and took the set-id bits of; the memory node refuses with
	 * -EAGAIN a file it opens there that is another one (renamed over
	 * it in between).  0: not checked (tmpfs, the image registry).
	 */
	__le64 file_id;
} __packed;
_Static_assert(sizeof(struct p2m_execve_req) == 80, "p2m_execve_req size");

#define P2M_VDSO_MAX_PAGES	8	/* [vdso] pages; [vvar] is one more */

/* p2m_execve_req.flags */
#define P2M_EXECVE_TMPFS	0x1	/* the program is a tmpfs object */
#define P2M_EXECVE_TMPFS_INTERP	0x2	/* and its interpreter too */
#define P2M_EXECVE_FLAGS	(P2M_EXECVE_TMPFS | P2M_EXECVE_TMPFS_INTERP)

/* After p2m_execve_req when its flags have P2M_EXECVE_TMPFS. */
struct p2m_execve_tmpfs {
	__le64 object;		/* the program's object id */
	__le64 size;		/* and its bytes (<= P2M_TMPFS_MAX_SIZE) */
	__le64 interp_object;	/* P2M_EXECVE_TMPFS_INTERP, else zero */
	__le64 interp_size;
} __packed;
_Static_assert(sizeof(struct p2m_execve_tmpfs) == 32, "p2m_execve_tmpfs size");

struct p2m_execve_reply {
	__le64 entry;		/* user rip */
	__le64 sp;		/* user rsp (points at argc, 16-byte aligned) */
	__le64 brk;		/* initial program break */
	__le32 flags;		/* P2M_EXEC_* */
	__le32 reserved;
} __packed;
_Static_assert(sizeof(struct p2m_execve_reply) == 32, "p2m_execve_reply size");

/*
 * P2M_PCACHE_MISS: the page holding @va.  Reply: struct p2m_miss_reply.
 * Errors: -EFAULT (no mapping: SIGSEGV/SEGV_MAPERR), -EACCES (mapping
 * forbids @access: SIGSEGV/SEGV_ACCERR), -ENXIO (file mapping past EOF:
 * SIGBUS), -ENOMEM (over the process's limit or out of memory: the
 * process is killed), -ESRCH.
 */
struct p2m_miss_req {
	struct p2m_hdr hdr;
	__le64 va;		/* any address inside the page */
	__le32 access;		/* P2M_ACCESS_*, non-zero */
	__le32 around;		/* fault-around: pages also wanted, below */
} __packed;
_Static_assert(sizeof(struct p2m_miss_req) == 24, "p2m_miss_req size");

/*
 * Fault-around: bit i of p2m_miss_req.around asks for the page at
 * p2m_around_base(va) + i pages too, in the aligned window of
 * P2M_AROUND_PAGES pages holding @va (its own bit clear); 0 asks for
 * none.  The processor asks for the pages it has room for and does not
 * hold.  For a read or fetch miss in a read-only file vma the memory
 * node sends those it holds or maps without a storage read, that are
 * its file page cache's, in the faulting vma, read-only there (their
 * protection is the reply's @prot): after the struct p2m_miss_reply
 * comes a struct p2m_miss_around whose @mask (a subset of @around) says
 * which pages follow, in bit order.  A full reply to a request with
 * @around non-zero always has the struct, @mask 0 if none.  For a first
 * touch of private anonymous memory (any access) it creates the pages
 * it does not have yet and answers with a short reply naming them
 * (p2m_miss_short_reply.zero_around).
 */
#define P2M_AROUND_PAGES	16
#define P2M_AROUND_ALL		((1u << P2M_AROUND_PAGES) - 1)

static inline u64 p2m_around_base(u64 va)
{
	return va & ~((u64)P2M_AROUND_PAGES * P2M_PAGE_SIZE - 1);
}

/* Bit i of a window: the page at p2m_around_base(va) + i pages. */
static inline unsigned int p2m_around_bit(u64 va)
{
	return (unsigned int)((va - p2m_around_base(va)) / P2M_PAGE_SIZE);
}

struct p2m_miss_around {
	__le32 mask;		/* pages that follow, in bit order */
	__le32 reserved;
	u8 data[];		/* popcount(mask) pages */
} __packed;
_Static_assert(sizeof(struct p2m_miss_around) == 8, "p2m_miss_around size");

/* The longest miss reply: the page, the window's other pages. */
#define P2M_MISS_REPLY_MAX	(sizeof(struct p2m_miss_reply) + \
				 sizeof(struct p2m_miss_around) + \
				 (P2M_AROUND_PAGES - 1) * P2M_PAGE_SIZE)

/*
 * P2M_PCACHE_MISS carrying the write-back of a dirty victim line of the
 * same process (the pcache's piggyback: one round trip instead of two).
 * Told apart from a plain miss by its length.  The flush is applied
 * first; a stale flush (no vma at @flush_va any more, where
 * P2M_PCACHE_FLUSH would answer -EFAULT) is dropped silently and the
 * miss is served.  Any other flush error (-EINVAL: @flush_va not page
 * aligned; -ENOMEM) fails the whole call with it, the miss not served.
 * Reply and miss errors: P2M_PCACHE_MISS's.
 */
struct p2m_miss_flush_req {
	struct p2m_miss_req miss;
	__le64 flush_va;	/* page aligned */
	u8 data[P2M_PAGE_SIZE];
} __packed;
_Static_assert(sizeof(struct p2m_miss_flush_req) == 32 + P2M_PAGE_SIZE,
	       "p2m_miss_flush_req size");

/* The page first, so that it can land at the start of a buffer. */
struct p2m_miss_reply {
	u8 data[P2M_PAGE_SIZE];
	__le32 prot;		/* PROT_* of the vma: how to map the line */
	/*
	 * 0: @data is the page.  n > 0: the page is the processor's own
	 * page n - 1 of its [vvar] + [vdso] (0: vvar), never written;
	 * @data is zero and not to be used.
	 */
	__le32 special;
} __packed;
_Static_assert(sizeof(struct p2m_miss_reply) == P2M_PAGE_SIZE + 8,
	       "p2m_miss_reply size");

/*
 * A miss answered without the page's bytes, told apart from struct
 * p2m_miss_reply by its length: @special 0, the page is all zeroes (the
 * memory node has just created it: a first touch of private anonymous
 * memory); n > 0, the processor's own page, as in p2m_miss_reply.
 * @zero_around (with @special 0 only; a subset of the request's
 * @around): pages of the window the memory node has created all zeroes
 * too, in the same private anonymous vma, with the same @prot: the
 * processor may hold them as zero lines, written back when dirty like
 * any other.  No page bytes follow.
 */
struct p2m_miss_short_reply {
	__le32 prot;		/* as in p2m_miss_reply */
	__le32 special;
	__le32 zero_around;
	__le32 reserved;	/* zero */
} __packed;
_Static_assert(sizeof(struct p2m_miss_short_reply) == 16,
	       "p2m_miss_short_reply size");

/*
 * The processor's check of a short reply to a request that asked for
 * the pages @want around (0: none).  0 or -EPROTO.
 */
static inline int p2m_short_reply_check(const struct p2m_miss_short_reply *r,
					u32 want)
{
	u32 zero = fit_get_le32(&r->zero_around);

	if (fit_get_le32(&r->reserved) || (zero & ~want) ||
	    (zero && fit_get_le32(&r->special)))
		return -EPROTO;
	return 0;
}

/*
 * P2M_PCACHE_FLUSH: write back a dirty line.  No reply bytes.  Errors:
 * -EFAULT (no mapping there any more: the data is dropped), -EINVAL
 * (@va not page aligned), -ENOMEM.
 */
struct p2m_flush_req {
	struct p2m_hdr hdr;
	__le64 va;		/* page aligned */
	u8 data[P2M_PAGE_SIZE];
} __packed;
_Static_assert(sizeof(struct p2m_flush_req) == 16 + P2M_PAGE_SIZE,
	       "p2m_flush_req size");

/*
 * P2M_MMAP: mmap(2).  For a file mapping the processor names the file
 * as its storage node knows it, or, with @file_node P2M_TMPFS_NODE, its
 * own tmpfs object @file_id (MAP_PRIVATE only: MAP_SHARED is -ENODEV).
 * For a storage file the memory node asks the storage node (P2S_STAT)
 * for its size and change version now, and @file_size is not used.
 * Reply: struct p2m_addr_reply.
 */
struct p2m_mmap_req {
	struct p2m_hdr hdr;
	__le64 addr;
	__le64 len;
	__le32 prot;
	__le32 flags;
	__le64 off;
	__le64 file_id;		/* without MAP_ANONYMOUS */
	__le64 file_size;	/* tmpfs and registry files */
	__le16 file_node;	/* storage node, or P2M_NO_STORAGE */
	__le16 reserved[3];
} __packed;
_Static_assert(sizeof(struct p2m_mmap_req) == 64, "p2m_mmap_req size");

/* P2M_MUNMAP: munmap(2).  No reply bytes. */
struct p2m_munmap_req {
	struct p2m_hdr hdr;
	__le64 addr;
	__le64 len;
} __packed;
_Static_assert(sizeof(struct p2m_munmap_req) == 24, "p2m_munmap_req size");

/* P2M_MPROTECT: mprotect(2).  No reply bytes. */
struct p2m_mprotect_req {
	struct p2m_hdr hdr;
	__le64 addr;
	__le64 len;
	__le32 prot;
	__le32 reserved;
} __packed;
_Static_assert(sizeof(struct p2m_mprotect_req) == 32, "p2m_mprotect_req size");

/* P2M_BRK: brk(2).  Reply: struct p2m_addr_reply (the break; never an error). */
struct p2m_brk_req {
	struct p2m_hdr hdr;
	__le64 brk;
} __packed;
_Static_assert(sizeof(struct p2m_brk_req) == 16, "p2m_brk_req size");

/* P2M_MREMAP: mremap(2).  Reply: struct p2m_addr_reply. */
struct p2m_mremap_req {
	struct p2m_hdr hdr;
	__le64 old_addr;
	__le64 old_len;
	__le64 new_len;
	__le64 new_addr;	/* MREMAP_FIXED only */
	__le32 flags;
	__le32 reserved;
} __packed;
_Static_assert(sizeof(struct p2m_mremap_req) == 48, "p2m_mremap_req size");

/* P2M_MADVISE: madvise(2).  No reply bytes. */
struct p2m_madvise_req {
	struct p2m_hdr hdr;
	__le64 addr;
	__le64 len;
	__le32 advice;
	__le32 reserved;
} __packed;
_Static_assert(sizeof(struct p2m_madvise_req) == 32, "p2m_madvise_req size");

/*
 * P2M_FORK: create process @hdr.pid (the child: a pid the memory node
 * does not know yet) with a copy of the address space of @parent_pid,
 * a process of the same sending node: every vma, the break, the program
 * path for P2M_MAPS.  Pages are shared copy on write: a read miss of a
 * shared page answers its prot without PROT_WRITE, a write miss or a
 * flush gives the process its own copy.  The caller has written back
 * the parent's dirty lines first.  No reply bytes.  Errors: -ESRCH (no
 * such parent), -EEXIST (the child pid is taken), -ENOMEM (then nothing
 * of the child is left).
 */
struct p2m_fork_req {
	struct p2m_hdr hdr;	/* pid: the child's */
	__le32 parent_pid;	/* non-zero, not the child's */
	__le32 reserved;	/* zero */
} __packed;
_Static_assert(sizeof(struct p2m_fork_req) == 16, "p2m_fork_req size");

/* P2M_EXIT: the process is gone; free its address space.  No reply bytes. */
struct p2m_exit_req {
	struct p2m_hdr hdr;
} __packed;
_Static_assert(sizeof(struct p2m_exit_req) == 8, "p2m_exit_req size");

/*
 * P2M_MAPS: the lines of /proc/<pid>/maps for the vmas that end above
 * @start, in address order, as many whole lines as fit P2M_MAPS_MAX
 * bytes.  Reply: struct p2m_maps_reply followed by @len bytes of text.
 * The processor repeats with @start = @next until P2M_MAPS_EOF.  A read:
 * idempotent.  Errors: -ESRCH (no such process).
 */
#define P2M_MAPS_MAX		8192	/* text bytes per reply */
#define P2M_MAPS_EOF		0x1	/* p2m_maps_reply.flags: no vma left */

struct p2m_maps_req {
	struct p2m_hdr hdr;
	__le64 start;		/* list vmas ending above this address */
} __packed;
_Static_assert(sizeof(struct p2m_maps_req) == 16, "p2m_maps_req size");

struct p2m_maps_reply {
	__le64 next;		/* @start of the next request */
	__le32 len;		/* text bytes after this struct, whole lines */
	__le32 flags;		/* P2M_MAPS_* */
} __packed;
_Static_assert(sizeof(struct p2m_maps_reply) == 16, "p2m_maps_reply size");

struct p2m_addr_reply {
	__le64 addr;
} __packed;
_Static_assert(sizeof(struct p2m_addr_reply) == 8, "p2m_addr_reply size");

/*
 * P2M_TMPFS_*: the data of the processor's tmpfs files (/tmp, /dev/shm),
 * kept by the memory node in objects named by (sending node, @object).
 * The processor owns the names, sizes and attributes; the memory node
 * only pages.  An object exists from its first WRITE; READ of a missing
 * object or page gives zeros (a hole).  Pages are allocated as written,
 * counted per processor node against the memory node's tmpfs.size.
 *
 * READ: @len (<= P2M_TMPFS_IO_MAX) bytes at @off.  Reply: struct
 *   p2m_tmpfs_reply, @done = @len, then @len bytes.
 * WRITE: @len bytes follow the request, stored at @off.  Reply: @done
 *   bytes stored, fewer only when the bound was reached (a short write);
 *   -ENOSPC if not one byte fitted, -ENOMEM.
 * TRUNCATE: free the pages wholly at or past @off (the new size) and zero
 *   the tail of the page holding it.  @len 0.
 * FREE: drop the object and its pages.  @len 0.
 * Every reply's @pages is the object's page count after the call (0 for
 * FREE).  -EFBIG when @off + @len passes P2M_TMPFS_MAX_SIZE.  The pid in
 * the header names the calling process (any non-zero value): objects
 * belong to the node, not to a process.
 */
#define P2M_TMPFS_IO_MAX	65536		/* bytes per READ/WRITE */
#define P2M_TMPFS_MAX_SIZE	(1ULL << 40)	/* bytes of one object */

struct p2m_tmpfs_req {
	struct p2m_hdr hdr;
	__le64 object;		/* non-zero, chosen by the processor */
	__le64 off;		/* READ/WRITE offset; TRUNCATE new size */
	__le32 len;		/* READ/WRITE bytes; 0 otherwise */
	__le32 reserved;	/* zero */
} __packed;
_Static_assert(sizeof(struct p2m_tmpfs_req) == 32, "p2m_tmpfs_req size");

struct p2m_tmpfs_reply {
	__le64 pages;		/* the object's pages after the call */
	__le32 done;		/* bytes read or written */
	__le32 reserved;
} __packed;
_Static_assert(sizeof(struct p2m_tmpfs_reply) == 16, "p2m_tmpfs_reply size");

static inline void p2m_hdr_init(struct p2m_hdr *h, u32 pid)
{
	h->version = P2M_VERSION;
	h->reserved[0] = h->reserved[1] = h->reserved[2] = 0;
	fit_put_le32(&h->pid, pid);
}

static inline bool p2m_zero(const void *p, size_t n)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* The fixed size of an opcode's request, 0 for an unknown one. */
static inline u32 p2m_req_size(u16 opcode)
{
	switch (opcode) {
	case P2M_PCACHE_MISS:	return sizeof(struct p2m_miss_req);
	case P2M_PCACHE_FLUSH:	return sizeof(struct p2m_flush_req);
	case P2M_MMAP:		return sizeof(struct p2m_mmap_req);
	case P2M_MUNMAP:	return sizeof(struct p2m_munmap_req);
	case P2M_BRK:		return sizeof(struct p2m_brk_req);
	case P2M_MPROTECT:	return sizeof(struct p2m_mprotect_req);
	case P2M_MREMAP:	return sizeof(struct p2m_mremap_req);
	case P2M_MADVISE:	return sizeof(struct p2m_madvise_req);
	case P2M_EXECVE:	return sizeof(struct p2m_execve_req);
	case P2M_FORK:		return sizeof(struct p2m_fork_req);
	case P2M_EXIT:		return sizeof(struct p2m_exit_req);
	case P2M_MAPS:		return sizeof(struct p2m_maps_req);
	case P2M_TMPFS_READ:
	case P2M_TMPFS_WRITE:
	case P2M_TMPFS_TRUNCATE:
	case P2M_TMPFS_FREE:	return sizeof(struct p2m_tmpfs_req);
	default:		return 0;
	}
}

/*
 * Check the framing of a miss reply of @len bytes to a request that
 * asked for the pages @want around (non-zero): its struct
 * p2m_miss_around, a mask inside @want (none with a special page),
 * reserved zero, exactly the pages the mask names.  The mask, or
 * -EPROTO.
 */
static inline long p2m_around_reply_check(const struct p2m_miss_reply *reply,
					  u32 len, u32 want)
{
	const struct p2m_miss_around *ar = (const void *)(reply + 1);
	u32 mask;

	if (len < sizeof(*reply) + sizeof(*ar))
		return -EPROTO;
	mask = fit_get_le32(&ar->mask);
	if ((mask & ~want) || (mask && fit_get_le32(&reply->special)) ||
	    fit_get_le32(&ar->reserved) ||
	    len != sizeof(*reply) + sizeof(*ar) +
		   hweight_long(mask) * P2M_PAGE_SIZE)
		return -EPROTO;
	return mask;
}

/*
 * Check the framing of a request of @opcode: exact length (EXECVE: the
 * fixed part plus its path and strings; TMPFS_WRITE: plus its data),
 * version, non-zero pid, every reserved field zero, the miss access
 * bits, a FORK's parent pid (non-zero, not the child's).  0 or -EPROTO.  Semantic
 * checks (alignment, flags) are the handler's and give Linux errnos.
 */
static inline int p2m_req_check(u16 opcode, const void *buf, u32 len)
{
	const struct p2m_hdr *h = buf;
	u32 size = p2m_req_size(opcode);

	if (!size || len < size)
		return -EPROTO;
	if (h->version != P2M_VERSION || !p2m_zero(h->reserved, 3) ||
	    !fit_get_le32(&h->pid))
		return -EPROTO;
	switch (opcode) {
	case P2M_EXECVE: {
		const struct p2m_execve_req *r = buf;
		const struct p2m_execve_tmpfs *t = (const void *)(r + 1);
		u32 path = fit_get_le16(&r->path_len);
		u32 strings = fit_get_le32(&r->strings_len);
		u32 flags = fit_get_le32(&r->flags);

		if (flags & ~P2M_EXECVE_FLAGS ||
		    flags == P2M_EXECVE_TMPFS_INTERP ||
		    fit_get_le32(&r->vdso_pages) > P2M_VDSO_MAX_PAGES ||
		    fit_get_le32(&r->reserved))
			return -EPROTO;
		if (flags)
			size += sizeof(*t);
		if (!path || path > P2M_PATH_MAX ||
		    (u64)size + path + strings != len)
			return -EPROTO;
		if (flags && (fit_get_le64(&t->size) > P2M_TMPFS_MAX_SIZE ||
			      fit_get_le64(&t->interp_size) >
			      P2M_TMPFS_MAX_SIZE))
			return -EPROTO;
		if (!(flags & P2M_EXECVE_TMPFS_INTERP) && flags &&
		    (fit_get_le64(&t->interp_object) ||
		     fit_get_le64(&t->interp_size)))
			return -EPROTO;
		return 0;
	}
	case P2M_PCACHE_MISS: {
		const struct p2m_miss_req *r = buf;
		u32 access = fit_get_le32(&r->access);
		u32 around = fit_get_le32(&r->around);

		if (!access || (access & ~P2M_ACCESS_ALL))
			return -EPROTO;
		/* Fault-around: the window's other pages. */
		if (around && ((around & ~P2M_AROUND_ALL) ||
			       (around & (1u << p2m_around_bit(
					fit_get_le64(&r->va))))))
			return -EPROTO;
		/* A plain miss, or one with a piggybacked flush. */
		if (len == sizeof(struct p2m_miss_flush_req))
			return 0;
		break;
	}
	case P2M_MMAP: {
		const struct p2m_mmap_req *r = buf;

		if (!p2m_zero(r->reserved, sizeof(r->reserved)))
			return -EPROTO;
		break;
	}
	case P2M_MPROTECT:
		if (fit_get_le32(&((const struct p2m_mprotect_req *)buf)->reserved))
			return -EPROTO;
		break;
	case P2M_MREMAP:
		if (fit_get_le32(&((const struct p2m_mremap_req *)buf)->reserved))
			return -EPROTO;
		break;
	case P2M_MADVISE:
		if (fit_get_le32(&((const struct p2m_madvise_req *)buf)->reserved))
			return -EPROTO;
		break;
	case P2M_FORK: {
		const struct p2m_fork_req *r = buf;
		u32 parent = fit_get_le32(&r->parent_pid);

		if (!parent || parent == fit_get_le32(&h->pid) ||
		    fit_get_le32(&r->reserved))
			return -EPROTO;
		break;
	}
	case P2M_TMPFS_READ:
	case P2M_TMPFS_WRITE:
	case P2M_TMPFS_TRUNCATE:
	case P2M_TMPFS_FREE: {
		const struct p2m_tmpfs_req *r = buf;
		u32 n = fit_get_le32(&r->len);

		if (!fit_get_le64(&r->object) || fit_get_le32(&r->reserved))
			return -EPROTO;
		if (opcode == P2M_TMPFS_READ || opcode == P2M_TMPFS_WRITE) {
			if (n > P2M_TMPFS_IO_MAX)
				return -EPROTO;
		} else if (n) {
			return -EPROTO;
		}
		if (opcode == P2M_TMPFS_WRITE)
			return (u64)size + n == len ? 0 : -EPROTO;
		break;
	}
	default:
		break;
	}
	return len == size ? 0 : -EPROTO;
}

/*
 * The memory node's entry point (managers/memory/service.c): when this
 * node's role is memory, starts the service (memory_service_start()),
 * else does nothing.  Called once from rest_init() after fit_init().
 */
void memory_manager_init(void);

/*
 * Serve P2M requests from this node: register the handlers and put the
 * files of the first boot module (a cpio "newc" archive, as `tessera
 * run` writes it) into the image registry as "/<archive path>".  The
 * memory role calls it at boot; a processor node with
 * processor.memory_node=self calls it to serve its own processes over
 * FIT loopback.  Idempotent.  0 or -errno.
 */
int memory_service_start(void);

#endif /* _FIT_MEMORY_H */
