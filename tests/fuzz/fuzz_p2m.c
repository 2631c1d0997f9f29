// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the memory node's P2M requests with the address
 * space code behind them (managers/memory/vm.c, fault.c): the input is a
 * sequence of requests, each an opcode byte, a "keep the header as it
 * is" bit and the request's bytes.  Every request goes through
 * p2m_req_check() as on the node; those accepted are applied to one
 * address space the way managers/memory/service.c applies them
 * (rmm_fault, rmm_flush, rmm_mmap, ...).
 *
 * Properties after every request: the vmas are page aligned, non-empty,
 * sorted, disjoint, counted right, inside the user half; the pages owned
 * stay within the process limit; brk never goes below start_brk.  After
 * the address space is destroyed every page is back (no leak).
 */
/* FUZZ-HTEST: test_vma */
#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/string.h>
#include <uapi/mman.h>

#include "host_mm.h"
#include "../../managers/memory/internal.h"
#include "fuzz.h"

#define ARENA_SIZE	(64UL << 20)
#define PAGE_LIMIT	512
#define START_BRK	0x600000ULL
#define USER_TOP	(1ULL << 47)
#define NR_OPS		(P2M_TMPFS_FREE - P2M_PCACHE_MISS + 1)

static u8 req[sizeof(struct p2m_execve_req) + P2M_PATH_MAX + 64];

static int file_read(void *ctx, const struct mem_file *f, u64 off,
		     void *buf, u32 len)
{
	u8 *b = buf;

	for (u32 i = 0; i < len; i++)
		b[i] = (u8)((off + i) * 131 + f->id);
	return 0;
}

static void check_mm(struct rmm *mm)
{
	unsigned int n = 0;
	u64 prev_end = 0;

	for (struct vma *v = rmm_first_vma(mm); v; v = rmm_next_vma(v)) {
		FUZZ_ASSERT(v->start < v->end);
		FUZZ_ASSERT(!(v->start & ~PAGE_MASK) && !(v->end & ~PAGE_MASK));
		FUZZ_ASSERT(v->start >= prev_end);
		FUZZ_ASSERT(v->end <= USER_TOP);
		prev_end = v->end;
		n++;
	}
	FUZZ_ASSERT(n == mm->nr_vmas);
	FUZZ_ASSERT(mm->nr_pages <= PAGE_LIMIT);
	FUZZ_ASSERT(mm->brk >= mm->start_brk);
}

static void apply(struct rmm *mm, u16 op, u32 len)
{
	s64 ret = 0;
	void *page;
	u32 prot;

	switch (op) {
	case P2M_PCACHE_MISS: {
		const struct p2m_miss_req *r = (void *)req;

		if (len == sizeof(struct p2m_miss_flush_req))
			rmm_flush(mm, get_le64(&((struct p2m_miss_flush_req *)
						 req)->flush_va),
				  ((struct p2m_miss_flush_req *)req)->data);
		if (!rmm_fault(mm, get_le64(&r->va), get_le32(&r->access),
			       file_read, NULL, &page, &prot))
			(void)*(volatile u8 *)(page + PAGE_SIZE - 1);
		break;
	}
	case P2M_PCACHE_FLUSH: {
		const struct p2m_flush_req *r = (void *)req;

		rmm_flush(mm, get_le64(&r->va), r->data);
		break;
	}
	case P2M_MMAP: {
		const struct p2m_mmap_req *r = (void *)req;
		struct mem_file file = { .kind = MEM_FILE_NONE };
		u32 flags = get_le32(&r->flags);

		if (!(flags & MAP_ANONYMOUS)) {
			file.kind = MEM_FILE_IMAGE;
			file.id = get_le64(&r->file_id);
			file.size = get_le64(&r->file_size);
		}
		ret = rmm_mmap(mm, get_le64(&r->addr), get_le64(&r->len),
			       get_le32(&r->prot), flags, &file,
			       get_le64(&r->off));
		break;
	}
	case P2M_MUNMAP: {
		const struct p2m_munmap_req *r = (void *)req;

		rmm_munmap(mm, get_le64(&r->addr), get_le64(&r->len));
		break;
	}
	case P2M_MPROTECT: {
		const struct p2m_mprotect_req *r = (void *)req;

		rmm_mprotect(mm, get_le64(&r->addr), get_le64(&r->len),
			     get_le32(&r->prot));
		break;
	}
	case P2M_BRK:
		rmm_brk(mm, get_le64(&((struct p2m_brk_req *)req)->brk));
		break;
	case P2M_MREMAP: {
		const struct p2m_mremap_req *r = (void *)req;

		ret = rmm_mremap(mm, get_le64(&r->old_addr),
				 get_le64(&r->old_len), get_le64(&r->new_len),
				 get_le32(&r->flags), get_le64(&r->new_addr));
		break;
	}
	case P2M_MADVISE: {
		const struct p2m_madvise_req *r = (void *)req;

		rmm_madvise(mm, get_le64(&r->addr), get_le64(&r->len),
			    (int)get_le32(&r->advice));
		break;
	}
	}
	/* FUZZ_VERBOSE=1 build/fuzz-seed/fuzz_p2m --run FILE: the results. */
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "op %#x: %lld\n", op, (long long)ret);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool booted;
	struct fuzz_in in = { data, size };
	struct rmm *mm;
	u64 owned;

	if (!booted) {
		FUZZ_ASSERT(host_mm_boot(ARENA_SIZE));
		booted = true;
	}
	owned = rmm_nr_pages_owned();
	mm = rmm_create(1, 100, PAGE_LIMIT);
	FUZZ_ASSERT(mm);
	mm->start_brk = mm->brk = START_BRK;
	while (in.left) {
		u8 sel = fuzz_take(&in, 1);
		u16 op = P2M_PCACHE_MISS + (sel & 0x7f) % NR_OPS;
		u32 len = p2m_req_size(op);

		if (!len)
			continue;
		/* A miss with a piggybacked flush, a flush's page. */
		if (op == P2M_PCACHE_MISS && (sel & 0x40))
			len = sizeof(struct p2m_miss_flush_req);
		if (len > 256) {
			memset(req, 0, len);
			for (u32 i = 0; i < 64 && in.left; i++)
				req[i] = fuzz_take(&in, 1);
		} else {
			for (u32 i = 0; i < len; i++)
				req[i] = fuzz_take(&in, 1);
		}
		if (!(sel & 0x80)) {
			struct p2m_hdr *h = (void *)req;

			h->version = P2M_VERSION;
			memset(h->reserved, 0, sizeof(h->reserved));
			put_le32(&h->pid, 100);
		}
		if (p2m_req_check(op, req, len))
			continue;
		apply(mm, op, len);
		check_mm(mm);
	}
	rmm_destroy(mm);
	FUZZ_ASSERT(rmm_nr_pages_owned() == owned);
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

static u8 seed[512];
static size_t seed_len;

static void put_req(u16 op, const void *r, size_t len)
{
	seed[seed_len++] = op - P2M_PCACHE_MISS;
	memcpy(seed + seed_len, r, len);
	seed_len += len;
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	struct p2m_mmap_req mm = { 0 };
	struct p2m_miss_req miss = { 0 };
	struct p2m_munmap_req un = { 0 };
	struct p2m_mprotect_req mp = { 0 };
	struct p2m_brk_req brk = { 0 };
	struct p2m_mremap_req mr = { 0 };
	struct p2m_madvise_req ma = { 0 };

	put_le64(&mm.addr, 0x10000000);
	put_le64(&mm.len, 8 * PAGE_SIZE);
	put_le32(&mm.prot, PROT_READ | PROT_WRITE);
	put_le32(&mm.flags, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	put_req(P2M_MMAP, &mm, sizeof(mm));
	put_le64(&miss.va, 0x10001000);
	put_le32(&miss.access, P2M_ACCESS_WRITE);
	put_req(P2M_PCACHE_MISS, &miss, sizeof(miss));
	put_le64(&mp.addr, 0x10002000);
	put_le64(&mp.len, PAGE_SIZE);
	put_le32(&mp.prot, PROT_READ);
	put_req(P2M_MPROTECT, &mp, sizeof(mp));
	put_le64(&mr.old_addr, 0x10000000);
	put_le64(&mr.old_len, 2 * PAGE_SIZE);
	put_le64(&mr.new_len, 16 * PAGE_SIZE);
	put_le32(&mr.flags, 1);		/* MREMAP_MAYMOVE */
	put_req(P2M_MREMAP, &mr, sizeof(mr));
	put_le64(&ma.addr, 0x10004000);
	put_le64(&ma.len, 2 * PAGE_SIZE);
	put_le32(&ma.advice, 4);	/* MADV_DONTNEED */
	put_req(P2M_MADVISE, &ma, sizeof(ma));
	put_le64(&brk.brk, START_BRK + 5 * PAGE_SIZE);
	put_req(P2M_BRK, &brk, sizeof(brk));
	put_le64(&un.addr, 0x10003000);
	put_le64(&un.len, PAGE_SIZE);
	put_req(P2M_MUNMAP, &un, sizeof(un));
	emit("anon-sequence", seed, seed_len);

	seed_len = 0;
	put_le32(&mm.flags, MAP_PRIVATE);
	put_le64(&mm.file_id, 7);
	put_le64(&mm.file_size, 3 * PAGE_SIZE + 100);
	put_req(P2M_MMAP, &mm, sizeof(mm));
	put_le64(&miss.va, 0x10003010);
	put_le32(&miss.access, P2M_ACCESS_READ);
	put_req(P2M_PCACHE_MISS, &miss, sizeof(miss));
	emit("file-map", seed, seed_len);
}
