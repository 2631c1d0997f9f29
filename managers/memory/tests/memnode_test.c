/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel suite "memnode": the memory node's FIT service end to end,
 * with this node as both processor and memory node (FIT loopback over
 * rxe0).  A hand-made ELF image in the image registry is exec'ed; then
 * misses, flushes and the mmap family go through fit_call() exactly as a
 * processor node would send them, and every process is exited with a
 * leak check (no page owned by any rmm afterwards).  Runs on a node
 * booted with role=memory; without rxe0 every case is skipped.
 */
#include "../internal.h"

#include <fit/fit.h>
#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/node.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/auxvec.h>
#include <uapi/mman.h>

#define KT_TIMEOUT	5000
#define KT_ENTRY	0x400200ULL
#define KT_DATA_VA	0x602010ULL	/* p_vaddr of the RW segment */
#define KT_DATA_OFF	0x2010ULL	/* its p_offset */
#define KT_DATA_FILESZ	0x20ULL
#define KT_DATA_MEMSZ	0x3000ULL

static u8 kt_image[3 * PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 kt_bad_image[PAGE_SIZE] __aligned(PAGE_SIZE);
static bool kt_up;
static struct p2m_miss_reply *kt_reply;
static struct p2m_flush_req *kt_flush;

/*
 * A static executable: PT_LOAD R+X of the first page (headers, code at
 * 0x200), PT_LOAD RW of 0x20 file bytes at 0x602010 with 0x3000 bytes of
 * memory (the rest is .bss), PT_GNU_STACK RW.  The file bytes around the
 * data segment are 0xee before and 0xdd after it, so the test can tell
 * "read from the file" from "zeroed past p_filesz".
 */
static void kt_build_image(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)kt_image;
	Elf64_Phdr *ph = (Elf64_Phdr *)(kt_image + sizeof(*eh));

	memset(kt_image, 0, sizeof(kt_image));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = KT_ENTRY;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			      .p_offset = 0, .p_vaddr = 0x400000,
			      .p_filesz = PAGE_SIZE, .p_memsz = PAGE_SIZE,
			      .p_align = PAGE_SIZE };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
			      .p_offset = KT_DATA_OFF, .p_vaddr = KT_DATA_VA,
			      .p_filesz = KT_DATA_FILESZ,
			      .p_memsz = KT_DATA_MEMSZ, .p_align = PAGE_SIZE };
	ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK,
			      .p_flags = PF_R | PF_W };
	for (unsigned int i = 0x200; i < PAGE_SIZE; i++)
		kt_image[i] = (u8)i;
	memset(kt_image + 2 * PAGE_SIZE, 0xee, 0x10);
	for (unsigned int i = 0; i < KT_DATA_FILESZ; i++)
		kt_image[KT_DATA_OFF + i] = (u8)(0x80 + i);
	memset(kt_image + KT_DATA_OFF + KT_DATA_FILESZ, 0xdd,
	       3 * PAGE_SIZE - KT_DATA_OFF - KT_DATA_FILESZ);

	memcpy(kt_bad_image, kt_image, sizeof(kt_bad_image));
	kt_bad_image[1] = 'X';
}

static int memnode_suite_init(void)
{
	int ret;

	if (node_role != ROLE_MEMORY)
		return 0;
	ret = fit_connect_self();
	if (ret == -ENODEV)
		return 0;
	if (ret)
		return ret;
	kt_build_image();
	ret = memnode_image_register("/t/prog", kt_image, sizeof(kt_image));
	if (ret && ret != -EEXIST)
		return ret;
	ret = memnode_image_register("/t/bad", kt_bad_image,
				     sizeof(kt_bad_image));
	if (ret && ret != -EEXIST)
		return ret;
	kt_reply = kmalloc(sizeof(*kt_reply), GFP_KERNEL);
	kt_flush = kmalloc(sizeof(*kt_flush), GFP_KERNEL);
	if (!kt_reply || !kt_flush)
		return -ENOMEM;
	kt_up = true;
	return 0;
}

#define KT_NEED_NODE(t) do {						\
	if (!kt_up)							\
		KT_SKIP(t, "needs role=memory and rxe0 (a NIC)");	\
} while (0)

/*
 * A P2M_EXECVE request (kmalloc'd, *@len bytes) of @path for @pid with
 * argv {path, "x"} and envp {"K=V"}, naming @file_id as the file the
 * sender opened (0: none); NULL without memory.
 */
static struct p2m_execve_req *kt_execve_req(u32 pid, const char *path,
					    u64 file_id, u32 *len)
{
	static const char strings[] = "PROG\0x\0K=V";
	u32 path_len = strlen(path);
	struct p2m_execve_req *req;

	*len = sizeof(struct p2m_execve_req) + path_len + sizeof(strings);
	req = kzalloc(*len, GFP_KERNEL);
	if (!req)
		return NULL;
	p2m_hdr_init(&req->hdr, pid);
	fit_put_le16(&req->storage_node, P2M_NO_STORAGE);
	fit_put_le16(&req->path_len, path_len);
	fit_put_le32(&req->argc, 2);
	fit_put_le32(&req->envc, 1);
	fit_put_le32(&req->strings_len, sizeof(strings));
	fit_put_le64(&req->hwcap, 0x178bfbff);
	fit_put_le32(&req->uid, 1000);
	fit_put_le64(&req->file_id, file_id);
	memcpy(req + 1, path, path_len);
	memcpy((u8 *)(req + 1) + path_len, strings, sizeof(strings));
	return req;
}

/* kt_execve_req()'s request, sent; the reply in @r. */
static int kt_execve_id(u32 pid, const char *path, u64 file_id,
			struct p2m_execve_reply *r)
{
	u32 len;
	struct p2m_execve_req *req = kt_execve_req(pid, path, file_id, &len);
	int ret;

	if (!req)
		return -ENOMEM;
	ret = fit_call(node_id, P2M_EXECVE, req, len, r, sizeof(*r),
		       KT_TIMEOUT);
	kfree(req);
	return ret;
}

static int kt_execve(u32 pid, const char *path, struct p2m_execve_reply *r)
{
	return kt_execve_id(pid, path, 0, r);
}

/* A miss answered "zeroes" (a first touch): no page bytes. */
#define KT_ZERO_REPLY	((int)sizeof(struct p2m_miss_short_reply))

static const struct p2m_miss_short_reply *kt_short(void)
{
	return (const void *)kt_reply;
}

/*
 * A miss; returns the reply length or -errno, page in kt_reply (or, for
 * KT_ZERO_REPLY, kt_short()).
 */
static int kt_miss_around(u32 pid, u64 va, u32 access, u32 around)
{
	struct p2m_miss_req req = { .around = 0 };

	p2m_hdr_init(&req.hdr, pid);
	fit_put_le64(&req.va, va);
	fit_put_le32(&req.access, access);
	fit_put_le32(&req.around, around);
	return fit_call(node_id, P2M_PCACHE_MISS, &req, sizeof(req), kt_reply,
			sizeof(*kt_reply), KT_TIMEOUT);
}

static int kt_miss(u32 pid, u64 va, u32 access)
{
	return kt_miss_around(pid, va, access, 0);
}

static int kt_flush_page(u32 pid, u64 va, u8 seed)
{
	p2m_hdr_init(&kt_flush->hdr, pid);
	fit_put_le64(&kt_flush->va, va);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		kt_flush->data[i] = (u8)(seed + i * 3);
	return fit_call(node_id, P2M_PCACHE_FLUSH, kt_flush, sizeof(*kt_flush),
			NULL, 0, KT_TIMEOUT);
}

static s64 kt_mmap(u32 pid, u64 addr, u64 len, u32 prot, u32 flags)
{
	struct p2m_mmap_req req;
	struct p2m_addr_reply r;
	int ret;

	memset(&req, 0, sizeof(req));
	p2m_hdr_init(&req.hdr, pid);
	fit_put_le64(&req.addr, addr);
	fit_put_le64(&req.len, len);
	fit_put_le32(&req.prot, prot);
	fit_put_le32(&req.flags, flags);
	ret = fit_call(node_id, P2M_MMAP, &req, sizeof(req), &r, sizeof(r),
		       KT_TIMEOUT);
	return ret < 0 ? ret : (s64)fit_get_le64(&r.addr);
}

static int kt_range_op(u16 op, u32 pid, u64 addr, u64 len, u32 arg)
{
	union {
		struct p2m_munmap_req unmap;
		struct p2m_mprotect_req prot;
		struct p2m_madvise_req adv;
	} req;
	u32 size = op == P2M_MUNMAP ? sizeof(req.unmap) :
		   op == P2M_MPROTECT ? sizeof(req.prot) : sizeof(req.adv);

	memset(&req, 0, sizeof(req));
	p2m_hdr_init(&req.unmap.hdr, pid);
	fit_put_le64(&req.unmap.addr, addr);
	fit_put_le64(&req.unmap.len, len);
	if (op == P2M_MPROTECT)
		fit_put_le32(&req.prot.prot, arg);
	if (op == P2M_MADVISE)
		fit_put_le32(&req.adv.advice, arg);
	return fit_call(node_id, op, &req, size, NULL, 0, KT_TIMEOUT);
}

static s64 kt_brk(u32 pid, u64 brk)
{
	struct p2m_brk_req req;
	struct p2m_addr_reply r;
	int ret;

	p2m_hdr_init(&req.hdr, pid);
	fit_put_le64(&req.brk, brk);
	ret = fit_call(node_id, P2M_BRK, &req, sizeof(req), &r, sizeof(r),
		       KT_TIMEOUT);
	return ret < 0 ? ret : (s64)fit_get_le64(&r.addr);
}

static int kt_exit(u32 pid)
{
	struct p2m_exit_req req;

	p2m_hdr_init(&req.hdr, pid);
	return fit_call(node_id, P2M_EXIT, &req, sizeof(req), NULL, 0,
			KT_TIMEOUT);
}

static u64 kt_word(u64 va)
{
	u64 v;

	memcpy(&v, kt_reply->data + (va & ~PAGE_MASK), sizeof(v));
	return v;
}

static void memnode_execve_stack(struct ktest *t)
{
	struct p2m_execve_reply r;
	u64 sp, pos, argv0;
	u32 pid = 101;

	KT_NEED_NODE(t);
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	KT_EXPECT_EQ(t, fit_get_le64(&r.entry), KT_ENTRY);
	KT_EXPECT_EQ(t, fit_get_le32(&r.flags), 0);
	KT_EXPECT_EQ(t, fit_get_le64(&r.brk),
		     ALIGN(KT_DATA_VA + KT_DATA_MEMSZ, PAGE_SIZE));
	sp = fit_get_le64(&r.sp);
	KT_EXPECT_EQ(t, sp % 16, 0);
	KT_ASSERT_EQ(t, kt_miss(pid, sp, P2M_ACCESS_READ | P2M_ACCESS_WRITE),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_EQ(t, fit_get_le32(&kt_reply->prot), PROT_READ | PROT_WRITE);
	KT_EXPECT_EQ(t, kt_word(sp), 2);		/* argc */
	argv0 = kt_word(sp + 8);
	KT_EXPECT_EQ(t, kt_word(sp + 24), 0);		/* argv[2] */
	KT_EXPECT_NE(t, kt_word(sp + 32), 0);		/* envp[0] */
	KT_EXPECT_EQ(t, kt_word(sp + 40), 0);		/* envp[1] */
	/* auxv: find AT_ENTRY and AT_PHNUM. */
	for (pos = sp + 48; pos < sp + 48 + 40 * 16; pos += 16) {
		if (kt_word(pos) == AT_ENTRY)
			KT_EXPECT_EQ(t, kt_word(pos + 8), KT_ENTRY);
		if (kt_word(pos) == AT_PHNUM)
			KT_EXPECT_EQ(t, kt_word(pos + 8), 3);
		if (kt_word(pos) == AT_NULL)
			break;
	}
	KT_EXPECT_LT(t, pos, sp + 48 + 40 * 16);
	/* argv[0] is the string we sent. */
	KT_ASSERT_EQ(t, kt_miss(pid, argv0, P2M_ACCESS_READ),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_MEMEQ(t, kt_reply->data + (argv0 & ~PAGE_MASK), "PROG", 5);
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
}

/*
 * A file id the memory node's own open cannot match (the processor
 * opened another file at that path: renamed over it in between) is
 * refused with -EAGAIN before anything is built; without one the same
 * exec works.
 */
static void memnode_exec_file_id(struct ktest *t)
{
	struct p2m_execve_reply r;
	u32 pid = 109;

	KT_NEED_NODE(t);
	KT_EXPECT_EQ(t, kt_execve_id(pid, "/t/prog", 0x100000002ull, &r),
		     -EAGAIN);
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	KT_EXPECT_EQ(t, fit_get_le64(&r.entry), KT_ENTRY);
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
}

static void memnode_file_pages(struct ktest *t)
{
	struct p2m_execve_reply r;
	u8 want[KT_DATA_FILESZ];
	u32 pid = 102;

	KT_NEED_NODE(t);
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	KT_ASSERT_EQ(t, kt_miss(pid, KT_ENTRY, P2M_ACCESS_EXEC),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_EQ(t, fit_get_le32(&kt_reply->prot), PROT_READ | PROT_EXEC);
	KT_EXPECT_MEMEQ(t, kt_reply->data, kt_image, PAGE_SIZE);
	KT_EXPECT_EQ(t, kt_miss(pid, KT_ENTRY, P2M_ACCESS_WRITE), -EACCES);
	/* Data page: file bytes up to p_filesz, zeros after (not 0xdd). */
	KT_ASSERT_EQ(t, kt_miss(pid, KT_DATA_VA, P2M_ACCESS_READ),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_EQ(t, fit_get_le32(&kt_reply->prot), PROT_READ | PROT_WRITE);
	KT_EXPECT_EQ(t, kt_reply->data[0], 0xee);
	for (unsigned int i = 0; i < KT_DATA_FILESZ; i++)
		want[i] = (u8)(0x80 + i);
	KT_EXPECT_MEMEQ(t, kt_reply->data + 0x10, want, KT_DATA_FILESZ);
	KT_EXPECT_EQ(t, kt_reply->data[0x10 + KT_DATA_FILESZ], 0);
	KT_EXPECT_EQ(t, kt_reply->data[PAGE_SIZE - 1], 0);
	/* .bss pages are zero; past it nothing is mapped. */
	KT_ASSERT_EQ(t, kt_miss(pid, KT_DATA_VA + 0x2000, P2M_ACCESS_WRITE),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_EQ(t, kt_reply->data[0] | kt_reply->data[PAGE_SIZE - 1], 0);
	KT_EXPECT_EQ(t, kt_miss(pid, 0x606000, P2M_ACCESS_READ), -EFAULT);
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
}

static void memnode_anon_flush_madvise(struct ktest *t)
{
	struct p2m_execve_reply r;
	static u8 zero[PAGE_SIZE];
	u32 pid = 103;
	s64 a;

	KT_NEED_NODE(t);
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	a = kt_mmap(pid, 0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS);
	KT_ASSERT_GT(t, a, 0);
	KT_EXPECT_EQ(t, a & ~PAGE_MASK, 0);
	/* A first touch: "zeroes", no bytes; the page is made all the same. */
	KT_ASSERT_EQ(t, kt_miss(pid, a + 5, P2M_ACCESS_WRITE), KT_ZERO_REPLY);
	KT_EXPECT_EQ(t, fit_get_le32(&kt_short()->prot),
		     PROT_READ | PROT_WRITE);
	KT_EXPECT_EQ(t, fit_get_le32(&kt_short()->special), 0);
	KT_ASSERT_EQ(t, kt_miss(pid, a + 5, P2M_ACCESS_READ),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_MEMEQ(t, kt_reply->data, zero, PAGE_SIZE);
	KT_EXPECT_EQ(t, fit_get_le32(&kt_reply->prot), PROT_READ | PROT_WRITE);
	KT_EXPECT_EQ(t, fit_get_le32(&kt_reply->special), 0);
	/* Flush, then a miss returns the flushed data. */
	KT_ASSERT_EQ(t, kt_flush_page(pid, a + PAGE_SIZE, 7), 0);
	KT_ASSERT_EQ(t, kt_miss(pid, a + PAGE_SIZE, P2M_ACCESS_READ),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_MEMEQ(t, kt_reply->data, kt_flush->data, PAGE_SIZE);
	/* MADV_DONTNEED: the next touch is zero-filled again. */
	KT_EXPECT_EQ(t, kt_range_op(P2M_MADVISE, pid, a, 3 * PAGE_SIZE,
				    MADV_DONTNEED), 0);
	KT_ASSERT_EQ(t, kt_miss(pid, a + PAGE_SIZE, P2M_ACCESS_READ),
		     KT_ZERO_REPLY);
	KT_ASSERT_EQ(t, kt_miss(pid, a + PAGE_SIZE, P2M_ACCESS_READ),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_MEMEQ(t, kt_reply->data, zero, PAGE_SIZE);
	/*
	 * A first touch asking for its window: the vma's other absent
	 * pages come as "zeroes" too, in the same short reply.
	 */
	{
		u64 w = 0x10000000;	/* a window's start, nothing near */

		KT_ASSERT_EQ(t, kt_mmap(pid, w + 4 * PAGE_SIZE, 3 * PAGE_SIZE,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS |
					MAP_FIXED), (s64)(w + 4 * PAGE_SIZE));
		KT_ASSERT_EQ(t, kt_miss_around(pid, w + 6 * PAGE_SIZE + 8,
					       P2M_ACCESS_WRITE,
					       P2M_AROUND_ALL & ~(1u << 6)),
			     KT_ZERO_REPLY);
		/* Of the window, only the vma's two other pages. */
		KT_EXPECT_EQ(t, fit_get_le32(&kt_short()->zero_around),
			     (1u << 4) | (1u << 5));
		KT_EXPECT_EQ(t, fit_get_le32(&kt_short()->prot),
			     PROT_READ | PROT_WRITE);
		/* They exist now: their bytes come with their miss. */
		KT_ASSERT_EQ(t, kt_miss(pid, w + 4 * PAGE_SIZE, P2M_ACCESS_READ),
			     (int)sizeof(*kt_reply));
		KT_EXPECT_MEMEQ(t, kt_reply->data, zero, PAGE_SIZE);
	}
	/* Flush to an unaligned or unmapped address. */
	KT_EXPECT_EQ(t, kt_flush_page(pid, a + 1, 1), -EINVAL);
	KT_EXPECT_EQ(t, kt_flush_page(pid, 0x1000, 1), -EFAULT);
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
}

static void memnode_mprotect_munmap_brk(struct ktest *t)
{
	struct p2m_execve_reply r;
	u32 pid = 104;
	s64 a, brk;

	KT_NEED_NODE(t);
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	a = kt_mmap(pid, 0x10000000, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	KT_ASSERT_EQ(t, a, 0x10000000);
	KT_ASSERT_EQ(t, kt_flush_page(pid, a, 9), 0);
	KT_EXPECT_EQ(t, kt_range_op(P2M_MPROTECT, pid, a, PAGE_SIZE,
				    PROT_READ), 0);
	KT_EXPECT_EQ(t, kt_miss(pid, a, P2M_ACCESS_WRITE), -EACCES);
	KT_ASSERT_EQ(t, kt_miss(pid, a, P2M_ACCESS_READ),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_EQ(t, fit_get_le32(&kt_reply->prot), PROT_READ);
	KT_EXPECT_MEMEQ(t, kt_reply->data, kt_flush->data, PAGE_SIZE);
	KT_EXPECT_EQ(t, kt_range_op(P2M_MPROTECT, pid, a, 3 * PAGE_SIZE,
				    PROT_READ), -ENOMEM);
	KT_EXPECT_EQ(t, kt_range_op(P2M_MUNMAP, pid, a, PAGE_SIZE, 0), 0);
	KT_EXPECT_EQ(t, kt_miss(pid, a, P2M_ACCESS_READ), -EFAULT);
	KT_EXPECT_EQ(t, kt_miss(pid, a + PAGE_SIZE, P2M_ACCESS_WRITE),
		     KT_ZERO_REPLY);
	KT_EXPECT_EQ(t, kt_range_op(P2M_MUNMAP, pid, a + 1, PAGE_SIZE, 0),
		     -EINVAL);
	/* brk: query, grow, touch, refuse going below the start. */
	brk = kt_brk(pid, 0);
	KT_EXPECT_EQ(t, brk, fit_get_le64(&r.brk));
	KT_EXPECT_EQ(t, kt_brk(pid, brk + 3 * PAGE_SIZE), brk + 3 * PAGE_SIZE);
	KT_EXPECT_EQ(t, kt_miss(pid, brk + 2 * PAGE_SIZE, P2M_ACCESS_WRITE),
		     KT_ZERO_REPLY);
	KT_EXPECT_EQ(t, kt_brk(pid, 0x1000), brk + 3 * PAGE_SIZE);
	KT_EXPECT_EQ(t, kt_mmap(pid, 0, 0, PROT_READ,
				MAP_PRIVATE | MAP_ANONYMOUS), -EINVAL);
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
}

static void memnode_bad_requests(struct ktest *t)
{
	struct p2m_execve_reply r;
	struct p2m_miss_req req;
	u32 pid = 105;

	KT_NEED_NODE(t);
	/* No such process. */
	KT_EXPECT_EQ(t, kt_miss(999, 0x400000, P2M_ACCESS_READ), -ESRCH);
	KT_EXPECT_EQ(t, kt_exit(999), -ESRCH);
	/* No such program, not an ELF. */
	KT_EXPECT_EQ(t, kt_execve(pid, "/t/none", &r), -ENOENT);
	KT_EXPECT_EQ(t, kt_execve(pid, "/t/bad", &r), -ENOEXEC);
	KT_EXPECT_EQ(t, memnode_nr_procs(), 0);
	/* Malformed: version, reserved bits, length, access bits, pid 0. */
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	memset(&req, 0, sizeof(req));
	p2m_hdr_init(&req.hdr, pid);
	fit_put_le64(&req.va, 0x400000);
	fit_put_le32(&req.access, P2M_ACCESS_READ);
	req.hdr.version = 2;
	KT_EXPECT_EQ(t, fit_call(node_id, P2M_PCACHE_MISS, &req, sizeof(req),
				 kt_reply, sizeof(*kt_reply), KT_TIMEOUT),
		     -EPROTO);
	req.hdr.version = P2M_VERSION;
	req.hdr.reserved[1] = 1;
	KT_EXPECT_EQ(t, fit_call(node_id, P2M_PCACHE_MISS, &req, sizeof(req),
				 kt_reply, sizeof(*kt_reply), KT_TIMEOUT),
		     -EPROTO);
	req.hdr.reserved[1] = 0;
	KT_EXPECT_EQ(t, fit_call(node_id, P2M_PCACHE_MISS, &req,
				 sizeof(req) - 1, kt_reply, sizeof(*kt_reply),
				 KT_TIMEOUT), -EPROTO);
	fit_put_le32(&req.access, 0x8);
	KT_EXPECT_EQ(t, fit_call(node_id, P2M_PCACHE_MISS, &req, sizeof(req),
				 kt_reply, sizeof(*kt_reply), KT_TIMEOUT),
		     -EPROTO);
	fit_put_le32(&req.access, P2M_ACCESS_READ);
	fit_put_le32(&req.hdr.pid, 0);
	KT_EXPECT_EQ(t, fit_call(node_id, P2M_PCACHE_MISS, &req, sizeof(req),
				 kt_reply, sizeof(*kt_reply), KT_TIMEOUT),
		     -EPROTO);
	/* The process is still served after all that. */
	KT_EXPECT_EQ(t, kt_miss(pid, 0x400000, P2M_ACCESS_READ),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
}

/* P2M_MAPS from @start: reply length or -errno, text after the header. */
static int kt_maps(u32 pid, u64 start, struct p2m_maps_reply *r, u32 max)
{
	struct p2m_maps_req req;

	p2m_hdr_init(&req.hdr, pid);
	fit_put_le64(&req.start, start);
	return fit_call(node_id, P2M_MAPS, &req, sizeof(req), r, max,
			KT_TIMEOUT);
}

static void memnode_maps(struct ktest *t)
{
	static u8 buf[sizeof(struct p2m_maps_reply) + P2M_MAPS_MAX + 1];
	const u32 max = sizeof(buf) - 1;
	struct p2m_maps_reply *r = (void *)buf;
	struct p2m_execve_reply er;
	struct p2m_maps_req req;
	char *text;
	u32 pid = 107;
	int ret;

	KT_NEED_NODE(t);
	text = (char *)(r + 1);
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &er), (int)sizeof(er));
	ret = kt_maps(pid, 0, r, max);
	KT_ASSERT_GT(t, ret, (int)sizeof(*r));
	KT_EXPECT_EQ(t, fit_get_le32(&r->len), ret - sizeof(*r));
	KT_EXPECT_EQ(t, fit_get_le32(&r->flags), P2M_MAPS_EOF);
	text[ret - sizeof(*r)] = '\0';
	/* The code page, named at column 73 by the execve path. */
	KT_EXPECT_MEMEQ(t, text, "00400000-00401000 r-xp 00000000 00:00 ", 38);
	KT_EXPECT_MEMEQ(t, text + 73, "/t/prog\n", 8);
	KT_EXPECT_NOT_NULL(t, strstr(text, "\n00602000-"));
	KT_EXPECT_NOT_NULL(t, strstr(text, " rw-p 00000000 00:00 0 "));
	KT_EXPECT_NOT_NULL(t, strstr(text, "[stack]\n"));
	/* From the end of the first vma: the code page is left out. */
	ret = kt_maps(pid, 0x401000, r, max);
	KT_ASSERT_GT(t, ret, (int)sizeof(*r));
	KT_EXPECT_MEMEQ(t, text, "00602000-", 9);
	/* Bad length, unknown process: refused, nothing else disturbed. */
	p2m_hdr_init(&req.hdr, pid);
	fit_put_le64(&req.start, 0);
	KT_EXPECT_EQ(t, fit_call(node_id, P2M_MAPS, &req, sizeof(req) - 1,
				 r, max, KT_TIMEOUT), -EPROTO);
	KT_EXPECT_EQ(t, kt_maps(998, 0, r, max), -ESRCH);
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
}

static void memnode_exec_replaces_and_exit_frees(struct ktest *t)
{
	struct p2m_execve_reply r;
	u64 before = rmm_nr_pages_owned();
	u32 pid = 106;
	s64 a;

	KT_NEED_NODE(t);
	KT_EXPECT_EQ(t, before, 0);
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	a = kt_mmap(pid, 0, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS);
	KT_ASSERT_GT(t, a, 0);
	for (int i = 0; i < 64; i++)
		KT_ASSERT_EQ(t, kt_flush_page(pid, a + i * PAGE_SIZE, i), 0);
	KT_EXPECT_GE(t, rmm_nr_pages_owned(), 64);
	/* A second execve replaces the address space: the mapping is gone. */
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	KT_EXPECT_EQ(t, kt_miss(pid, a, P2M_ACCESS_READ), -EFAULT);
	KT_EXPECT_LT(t, rmm_nr_pages_owned(), 64);
	KT_EXPECT_EQ(t, memnode_nr_procs(), 1);
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
	KT_EXPECT_EQ(t, kt_miss(pid, 0x400000, P2M_ACCESS_READ), -ESRCH);
	/* The leak check: nothing owned by any rmm, no process left. */
	KT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	KT_EXPECT_EQ(t, memnode_nr_procs(), 0);
	memnode_dump_stats();
}

/*
 * The processor repeats an EXECVE after -EHOSTDOWN (its reply was lost
 * with a connection), so the repeat can arrive while the first is still
 * being served.  Two EXECVEs of one pid sent at once (fit_call_scatter():
 * both out before either reply, served by two FIT workers): both succeed,
 * one process results, with one working image, and its exit leaves no
 * page and no process (the image the other swap replaced was freed).
 */
static void memnode_exec_twice_at_once(struct ktest *t)
{
	struct p2m_execve_reply r[2];
	struct fit_scatter v[2];
	struct p2m_execve_req *req;
	unsigned int procs;
	u32 pid = 110, len;
	int ret;

	KT_NEED_NODE(t);
	procs = memnode_nr_procs();
	req = kt_execve_req(pid, "/t/prog", 0, &len);
	KT_ASSERT_NOT_NULL(t, req);
	for (int i = 0; i < 2; i++)
		v[i] = (struct fit_scatter){ .node = node_id, .req = req,
					     .len = len, .reply = &r[i],
					     .max_reply = sizeof(r[i]) };
	ret = fit_call_scatter(P2M_EXECVE, v, 2, KT_TIMEOUT);
	kfree(req);
	KT_ASSERT_EQ(t, ret, 0);
	for (int i = 0; i < 2; i++) {
		KT_EXPECT_EQ(t, v[i].result, (int)sizeof(r[i]));
		KT_EXPECT_EQ(t, fit_get_le64(&r[i].entry), KT_ENTRY);
	}
	KT_EXPECT_EQ(t, memnode_nr_procs(), procs + 1);
	/* Whichever image won, it is whole: code, then the argv string. */
	KT_ASSERT_EQ(t, kt_miss(pid, KT_ENTRY, P2M_ACCESS_EXEC),
		     (int)sizeof(*kt_reply));
	KT_EXPECT_MEMEQ(t, kt_reply->data, kt_image, PAGE_SIZE);
	KT_ASSERT_EQ(t, kt_miss(pid, fit_get_le64(&r[0].sp),
				P2M_ACCESS_READ), (int)sizeof(*kt_reply));
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
	KT_EXPECT_EQ(t, kt_miss(pid, KT_ENTRY, P2M_ACCESS_READ), -ESRCH);
	KT_EXPECT_EQ(t, memnode_nr_procs(), procs);
	KT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

/* P2M_FORK of @parent into @child, @len bytes of it sent (16: whole). */
static int kt_fork_len(u32 child, u32 parent, u32 reserved, u32 len)
{
	struct {
		struct p2m_fork_req r;
		u8 extra[8];
	} req;

	memset(&req, 0, sizeof(req));
	p2m_hdr_init(&req.r.hdr, child);
	fit_put_le32(&req.r.parent_pid, parent);
	fit_put_le32(&req.r.reserved, reserved);
	return fit_call(node_id, P2M_FORK, &req, len, NULL, 0, KT_TIMEOUT);
}

static int kt_fork(u32 child, u32 parent)
{
	return kt_fork_len(child, parent, 0, sizeof(struct p2m_fork_req));
}

static void memnode_fork_bad_requests(struct ktest *t)
{
	const u32 sz = sizeof(struct p2m_fork_req);
	struct p2m_execve_reply r;
	unsigned int procs;
	u64 malformed;
	u32 pid = 120;

	KT_NEED_NODE(t);
	KT_ASSERT_EQ(t, kt_execve(pid, "/t/prog", &r), (int)sizeof(r));
	procs = memnode_nr_procs();
	/* No such parent: -ESRCH, and no child appears. */
	KT_EXPECT_EQ(t, kt_fork(121, 997), -ESRCH);
	KT_EXPECT_EQ(t, kt_miss(121, 0x400000, P2M_ACCESS_READ), -ESRCH);
	/* Malformed: short, long, reserved, parent 0, parent == child. */
	malformed = memnode_nr_malformed();
	KT_EXPECT_EQ(t, kt_fork_len(121, pid, 0, sz - 1), -EPROTO);
	KT_EXPECT_EQ(t, kt_fork_len(121, pid, 0, sz + 1), -EPROTO);
	KT_EXPECT_EQ(t, kt_fork_len(121, pid, 1, sz), -EPROTO);
	KT_EXPECT_EQ(t, kt_fork(121, 0), -EPROTO);
	KT_EXPECT_EQ(t, kt_fork(pid, pid), -EPROTO);
	KT_EXPECT_EQ(t, kt_fork(0, pid), -EPROTO);
	KT_EXPECT_EQ(t, memnode_nr_malformed(), malformed + 6);
	KT_EXPECT_EQ(t, memnode_nr_procs(), procs);
	/* A child pid that is taken: -EEXIST, nothing else changes. */
	KT_ASSERT_EQ(t, kt_fork(121, pid), 0);
	KT_EXPECT_EQ(t, kt_fork(121, pid), -EEXIST);
	KT_EXPECT_EQ(t, memnode_nr_procs(), procs + 1);
	KT_EXPECT_EQ(t, kt_exit(121), 0);
	KT_EXPECT_EQ(t, kt_exit(pid), 0);
	KT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

/* A miss: the prot of the reply (page in kt_reply), or -errno. */
static int kt_miss_prot(u32 pid, u64 va, u32 access)
{
	int ret = kt_miss(pid, va, access);

	if (ret < 0)
		return ret;
	if (ret == KT_ZERO_REPLY)
		return (int)fit_get_le32(&kt_short()->prot);
	return ret == sizeof(*kt_reply) ? (int)fit_get_le32(&kt_reply->prot) :
					  -EPROTO;
}

static void memnode_fork_cow_misses(struct ktest *t)
{
	static u8 buf[sizeof(struct p2m_maps_reply) + P2M_MAPS_MAX + 1];
	static struct p2m_miss_flush_req mf_buf;
	static u8 old[PAGE_SIZE];
	struct p2m_maps_reply *maps = (void *)buf;
	struct p2m_miss_flush_req *mf = &mf_buf;
	struct p2m_execve_reply r;
	u32 parent = 122, child = 123;
	s64 a;
	int ret;

	KT_NEED_NODE(t);
	memset(mf, 0, sizeof(*mf));
	KT_ASSERT_EQ(t, kt_execve(parent, "/t/prog", &r), (int)sizeof(r));
	a = kt_mmap(parent, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS);
	KT_ASSERT_GT(t, a, 0);
	KT_ASSERT_EQ(t, kt_flush_page(parent, a, 0x31), 0);
	memcpy(old, kt_flush->data, PAGE_SIZE);
	KT_ASSERT_EQ(t, kt_flush_page(parent, a + PAGE_SIZE, 0x32), 0);
	KT_EXPECT_GT(t, kt_miss_prot(parent, KT_ENTRY, P2M_ACCESS_EXEC), 0);
	KT_ASSERT_EQ(t, kt_fork(child, parent), 0);

	/* Read misses of a shared page: its bytes, no PROT_WRITE. */
	KT_EXPECT_EQ(t, kt_miss_prot(child, a, P2M_ACCESS_READ), PROT_READ);
	KT_EXPECT_MEMEQ(t, kt_reply->data, old, PAGE_SIZE);
	KT_EXPECT_EQ(t, kt_miss_prot(parent, a, P2M_ACCESS_READ), PROT_READ);
	KT_EXPECT_EQ(t, kt_miss_prot(child, KT_ENTRY, P2M_ACCESS_EXEC),
		     PROT_READ | PROT_EXEC);
	KT_EXPECT_MEMEQ(t, kt_reply->data, kt_image, PAGE_SIZE);
	/* A write miss: the full prot, the old bytes, now the child's own. */
	KT_EXPECT_EQ(t, kt_miss_prot(child, a, P2M_ACCESS_WRITE),
		     PROT_READ | PROT_WRITE);
	KT_EXPECT_MEMEQ(t, kt_reply->data, old, PAGE_SIZE);
	KT_ASSERT_EQ(t, kt_flush_page(child, a, 0x41), 0);
	/* The parent keeps its bytes, and its page is its alone now. */
	KT_EXPECT_EQ(t, kt_miss_prot(parent, a, P2M_ACCESS_READ),
		     PROT_READ | PROT_WRITE);
	KT_EXPECT_MEMEQ(t, kt_reply->data, old, PAGE_SIZE);
	KT_EXPECT_GT(t, kt_miss_prot(child, a, P2M_ACCESS_READ), 0);
	KT_EXPECT_MEMEQ(t, kt_reply->data, kt_flush->data, PAGE_SIZE);
	/* A piggybacked flush on a shared page: the parent keeps its own. */
	p2m_hdr_init(&mf->miss.hdr, child);
	fit_put_le64(&mf->miss.va, a + 2 * PAGE_SIZE);
	fit_put_le32(&mf->miss.access, P2M_ACCESS_WRITE);
	fit_put_le64(&mf->flush_va, a + PAGE_SIZE);
	memset(mf->data, 0x5e, PAGE_SIZE);
	ret = fit_call(node_id, P2M_PCACHE_MISS, mf, sizeof(*mf), kt_reply,
		       sizeof(*kt_reply), KT_TIMEOUT);
	KT_EXPECT_EQ(t, ret, KT_ZERO_REPLY);	/* never touched before */
	KT_EXPECT_GT(t, kt_miss_prot(parent, a + PAGE_SIZE, P2M_ACCESS_READ),
		     0);
	KT_EXPECT_EQ(t, kt_reply->data[0], (u8)0x32);
	KT_EXPECT_EQ(t, kt_reply->data[PAGE_SIZE - 1],
		     (u8)(0x32 + (PAGE_SIZE - 1) * 3));
	KT_EXPECT_GT(t, kt_miss_prot(child, a + PAGE_SIZE, P2M_ACCESS_READ),
		     0);
	KT_EXPECT_MEMEQ(t, kt_reply->data, mf->data, PAGE_SIZE);
	/* The child has the program's name and the parent's break. */
	ret = kt_maps(child, 0, maps, sizeof(buf) - 1);
	KT_ASSERT_GT(t, ret, (int)sizeof(*maps));
	buf[ret] = '\0';
	KT_EXPECT_NOT_NULL(t, strstr((char *)(maps + 1), "/t/prog\n"));
	KT_EXPECT_EQ(t, kt_brk(child, 0), fit_get_le64(&r.brk));
	/* Exit of both: nothing left. */
	KT_EXPECT_EQ(t, kt_exit(parent), 0);
	KT_EXPECT_GT(t, kt_miss_prot(child, a + 3 * PAGE_SIZE,
				     P2M_ACCESS_READ), 0);
	KT_EXPECT_EQ(t, kt_exit(child), 0);
	KT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	KT_EXPECT_EQ(t, memnode_nr_procs(), 0);
}

static struct ktest_case memnode_cases[] = {
	KTEST_CASE(memnode_execve_stack),
	KTEST_CASE(memnode_exec_file_id),
	KTEST_CASE(memnode_file_pages),
	KTEST_CASE(memnode_anon_flush_madvise),
	KTEST_CASE(memnode_mprotect_munmap_brk),
	KTEST_CASE(memnode_bad_requests),
	KTEST_CASE(memnode_maps),
	KTEST_CASE(memnode_fork_bad_requests),
	KTEST_CASE(memnode_fork_cow_misses),
	KTEST_CASE(memnode_exec_replaces_and_exit_frees),
	KTEST_CASE(memnode_exec_twice_at_once),
	{}
};

KTEST_SUITE_INIT(memnode, memnode_cases, memnode_suite_init);
