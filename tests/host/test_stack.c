/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the initial user stack (managers/memory/stack.c): the
 * stack is built in an rmm over the real allocators and then read back
 * the way a C runtime's _start and getauxval() do (argc at rsp, argv and
 * envp NULL-terminated arrays of pointers into the stack, the auxv pairs
 * up to AT_NULL), checking every value against what was passed in, the
 * System V x86-64 alignment rule (rsp % 16 == 0 at _start), the string
 * placement, and the -E2BIG / -EINVAL limits.
 */
/* HTEST-SOURCES: managers/memory/stack.c managers/memory/vm.c mm/memblock.c mm/page_alloc.c mm/slab.c lib/rbtree.c lib/string.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/auxvec.h>
#include <uapi/mman.h>

#include "../../managers/memory/internal.h"

#define ARENA_SIZE	(32UL << 20)

static char *arena;

static int setup(void)
{
	if (arena)
		return 0;
	arena = host_mm_boot(ARENA_SIZE);
	if (!arena)
		return -ENOMEM;
	return 0;
}

static const struct elf_info test_elf = {
	.type = ET_EXEC, .entry = 0x401bc0, .phdr = 0x400040, .phnum = 10,
	.phentsize = 56, .lo = 0x400000, .hi = 0x4c9000, .brk = 0x4c8f30,
};

/* Pack @n strings into one NUL-separated blob. */
static u32 pack(char *buf, const char *const *s, unsigned int n)
{
	u32 len = 0;

	for (unsigned int i = 0; i < n; i++) {
		u32 l = strlen(s[i]) + 1;

		memcpy(buf + len, s[i], l);
		len += l;
	}
	return len;
}

static u64 rd64(struct rmm *mm, u64 va)
{
	u64 v;

	rmm_copy_from(mm, va, &v, sizeof(v));
	return v;
}

/* The NUL-terminated string at @va (at most @max bytes incl. NUL). */
static void rdstr(struct rmm *mm, u64 va, char *out, u32 max)
{
	for (u32 i = 0; i < max; i++) {
		rmm_copy_from(mm, va + i, &out[i], 1);
		if (!out[i])
			return;
	}
	out[max - 1] = '\0';
}

struct parsed {
	u64 argc;
	u64 argv[16], envp[16];
	unsigned int envc;
	u64 auxv[64][2];
	unsigned int nr_aux;
};

/* What a C runtime does at _start. */
static int parse(struct rmm *mm, u64 sp, struct parsed *p)
{
	u64 pos = sp;

	p->argc = rd64(mm, pos);
	pos += 8;
	if (p->argc > 16)
		return -1;
	for (u64 i = 0; i < p->argc; i++, pos += 8)
		p->argv[i] = rd64(mm, pos);
	if (rd64(mm, pos))
		return -1;
	pos += 8;
	for (p->envc = 0; rd64(mm, pos); pos += 8)
		if (p->envc < 16)
			p->envp[p->envc++] = rd64(mm, pos);
	pos += 8;
	for (p->nr_aux = 0; p->nr_aux < 64; p->nr_aux++, pos += 16) {
		p->auxv[p->nr_aux][0] = rd64(mm, pos);
		p->auxv[p->nr_aux][1] = rd64(mm, pos + 8);
		if (p->auxv[p->nr_aux][0] == AT_NULL)
			return 0;
	}
	return -1;
}

/* getauxval(): the value of @type, and how many times it occurs. */
static u64 getauxval(const struct parsed *p, u64 type, int *count)
{
	u64 v = 0;

	*count = 0;
	for (unsigned int i = 0; i < p->nr_aux; i++)
		if (p->auxv[i][0] == type) {
			v = p->auxv[i][1];
			(*count)++;
		}
	return v;
}

static void test_layout(struct htest *t)
{
	static const char *const argv[] = { "prog", "hello world", "" };
	static const char *const envp[] = { "A=1", "PATH=/bin:/usr/bin" };
	static const struct {
		u64 type, val;
	} want[] = {
		{ AT_PHDR, 0x400040 }, { AT_PHENT, 56 }, { AT_PHNUM, 10 },
		{ AT_PAGESZ, 4096 }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
		{ AT_ENTRY, 0x401bc0 }, { AT_UID, 1000 }, { AT_EUID, 1001 },
		/* euid != uid: a set-id program, secure (getauxval(3)) */
		{ AT_GID, 1002 }, { AT_EGID, 1003 }, { AT_SECURE, 1 },
		{ AT_HWCAP, 0x178bfbff }, { AT_HWCAP2, 0x2 },
		{ AT_CLKTCK, 100 }, { AT_MINSIGSTKSZ, 3456 },
	};
	struct stack_args a = {
		.argc = 3, .envc = 2, .execfn = "/bin/prog", .elf = &test_elf,
		.hwcap = 0x178bfbff, .hwcap2 = 2, .uid = 1000, .euid = 1001,
		.gid = 1002, .egid = 1003, .minsigstksz = 3456,
	};
	char blob[256], s[256];
	struct parsed p;
	struct rmm *mm;
	struct vma *v;
	u64 sp, at;
	u8 rnd[16];
	int count;

	HT_ASSERT_EQ(t, setup(), 0);
	mm = rmm_create(1, 1, 0);
	HT_ASSERT(t, mm);
	a.strings_len = pack(blob, argv, 3);
	a.strings_len += pack(blob + a.strings_len, envp, 2);
	a.strings = blob;
	for (int i = 0; i < 16; i++)
		a.random[i] = (u8)(0xa0 + i);
	HT_ASSERT_EQ(t, stack_setup(mm, &a, &sp), 0);

	HT_EXPECT_EQ(t, sp % 16, 0);
	v = rmm_find_vma(mm, sp);
	HT_ASSERT(t, v);
	HT_EXPECT_EQ(t, v->start, STACK_TOP - STACK_MAX_SIZE);
	HT_EXPECT_EQ(t, v->end, STACK_TOP);
	HT_EXPECT_EQ(t, v->prot, PROT_READ | PROT_WRITE);
	HT_EXPECT(t, STACK_TOP - sp < 4096);
	HT_EXPECT_EQ(t, rd64(mm, STACK_TOP - 8), 0);

	HT_ASSERT_EQ(t, parse(mm, sp, &p), 0);
	HT_EXPECT_EQ(t, p.argc, 3);
	for (int i = 0; i < 3; i++) {
		HT_EXPECT(t, p.argv[i] > sp && p.argv[i] < STACK_TOP);
		rdstr(mm, p.argv[i], s, sizeof(s));
		HT_EXPECT_STREQ(t, s, argv[i]);
	}
	HT_EXPECT_EQ(t, p.envc, 2);
	for (int i = 0; i < 2; i++) {
		rdstr(mm, p.envp[i], s, sizeof(s));
		HT_EXPECT_STREQ(t, s, envp[i]);
	}
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		u64 got = getauxval(&p, want[i].type, &count);

		if (count != 1 || got != want[i].val)
			HT_FAIL(t, "auxv type %llu: %llu (count %d), want %llu",
				(unsigned long long)want[i].type,
				(unsigned long long)got, count,
				(unsigned long long)want[i].val);
	}
	at = getauxval(&p, AT_RANDOM, &count);
	HT_EXPECT_EQ(t, count, 1);
	rmm_copy_from(mm, at, rnd, 16);
	for (int i = 0; i < 16; i++)
		HT_EXPECT_EQ(t, rnd[i], 0xa0 + i);
	at = getauxval(&p, AT_EXECFN, &count);
	HT_EXPECT_EQ(t, count, 1);
	rdstr(mm, at, s, sizeof(s));
	HT_EXPECT_STREQ(t, s, "/bin/prog");
	at = getauxval(&p, AT_PLATFORM, &count);
	HT_EXPECT_EQ(t, count, 1);
	rdstr(mm, at, s, sizeof(s));
	HT_EXPECT_STREQ(t, s, "x86_64");
	/* The auxv is the last table entry: everything after is strings. */
	HT_EXPECT(t, p.argv[0] > sp + 8 * (1 + 3 + 1 + 2 + 1 + 2 * p.nr_aux));
	rmm_destroy(mm);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

/* AT_SECURE: 0 when effective ids are the real ones, 1 when either differs. */
static void test_secure(struct htest *t)
{
	static const u32 ids[][4] = {	/* uid, euid, gid, egid */
		{ 1000, 1000, 100, 100 }, { 0, 0, 0, 0 },
		{ 1000, 0, 100, 100 }, { 1000, 1000, 100, 0 },
	};
	static const u64 secure[] = { 0, 0, 1, 1 };

	for (unsigned int i = 0; i < 4; i++) {
		struct stack_args a = {
			.execfn = "/p", .elf = &test_elf, .uid = ids[i][0],
			.euid = ids[i][1], .gid = ids[i][2], .egid = ids[i][3],
		};
		struct parsed p;
		struct rmm *mm;
		int count;
		u64 sp;

		HT_ASSERT_EQ(t, setup(), 0);
		mm = rmm_create(1, 1, 0);
		HT_ASSERT(t, mm);
		HT_ASSERT_EQ(t, stack_setup(mm, &a, &sp), 0);
		HT_ASSERT_EQ(t, parse(mm, sp, &p), 0);
		HT_EXPECT_EQ(t, getauxval(&p, AT_SECURE, &count), secure[i]);
		HT_EXPECT_EQ(t, count, 1);
		rmm_destroy(mm);
	}
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_alignment(struct htest *t)
{
	static const char *const many[] = {
		"a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g", "hh", "iii",
	};
	char blob[256];

	HT_ASSERT_EQ(t, setup(), 0);
	for (unsigned int argc = 0; argc <= 9; argc++) {
		for (unsigned int envc = 0; envc + argc <= 9; envc += 3) {
			struct stack_args a = { .argc = argc, .envc = envc,
						.execfn = "x", .elf = &test_elf };
			struct rmm *mm = rmm_create(1, 1, 0);
			struct parsed p;
			u64 sp;

			HT_ASSERT(t, mm);
			a.strings_len = pack(blob, many, argc + envc);
			a.strings = blob;
			HT_ASSERT_EQ(t, stack_setup(mm, &a, &sp), 0);
			HT_EXPECT_EQ(t, sp % 16, 0);
			HT_EXPECT_EQ(t, parse(mm, sp, &p), 0);
			HT_EXPECT_EQ(t, p.argc, argc);
			HT_EXPECT_EQ(t, p.envc, envc);
			rmm_destroy(mm);
		}
	}
}

static void test_limits(struct htest *t)
{
	struct stack_args a = { .execfn = "/x", .elf = &test_elf };
	u32 big = STACK_MAX_ARG_STRLEN + 1, total = 0;
	char *blob = calloc(1, STACK_MAX_ARGS_BYTES + 4096);
	struct rmm *mm;
	u64 sp;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_ASSERT(t, blob);
	mm = rmm_create(1, 1, 0);
	HT_ASSERT(t, mm);
	/* One string longer than MAX_ARG_STRLEN. */
	memset(blob, 'x', big - 1);
	a.strings = blob;
	a.strings_len = big;
	a.argc = 1;
	HT_EXPECT_EQ(t, stack_setup(mm, &a, &sp), -E2BIG);
	/* Many strings, each fine, too many bytes together. */
	memset(blob, 0, STACK_MAX_ARGS_BYTES + 4096);
	a.argc = 0;
	while (total + 100000 <= STACK_MAX_ARGS_BYTES + 4096) {
		memset(blob + total, 'y', 99999);
		total += 100000;
		a.argc++;
	}
	a.strings_len = total;
	HT_EXPECT_EQ(t, stack_setup(mm, &a, &sp), -E2BIG);
	/* Counts that do not match the blob, or no final NUL. */
	memcpy(blob, "a\0b\0", 4);
	a.strings_len = 4;
	a.argc = 1;
	a.envc = 0;
	HT_EXPECT_EQ(t, stack_setup(mm, &a, &sp), -EINVAL);
	a.argc = 3;
	HT_EXPECT_EQ(t, stack_setup(mm, &a, &sp), -EINVAL);
	a.argc = 1;
	a.envc = 1;
	a.strings_len = 3;
	HT_EXPECT_EQ(t, stack_setup(mm, &a, &sp), -EINVAL);
	/* Nothing was mapped by the refusals. */
	HT_EXPECT(t, rmm_first_vma(mm) == NULL);
	HT_EXPECT_EQ(t, mm->nr_pages, 0);
	rmm_destroy(mm);
	free(blob);
}

static void test_exec_stack_prot(struct htest *t)
{
	struct elf_info e = test_elf;
	struct stack_args a = { .execfn = "/x", .elf = &e };
	struct rmm *mm;
	u64 sp;

	HT_ASSERT_EQ(t, setup(), 0);
	e.exec_stack = true;
	mm = rmm_create(1, 1, 0);
	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, stack_setup(mm, &a, &sp), 0);
	HT_EXPECT_EQ(t, rmm_find_vma(mm, sp)->prot,
		     PROT_READ | PROT_WRITE | PROT_EXEC);
	HT_EXPECT_EQ(t, rd64(mm, sp), 0);
	HT_EXPECT_EQ(t, rd64(mm, sp + 8), 0);
	HT_EXPECT_EQ(t, rd64(mm, sp + 16), 0);
	rmm_destroy(mm);
}

static const struct htest_case cases[] = {
	HT_CASE(test_layout),
	HT_CASE(test_secure),
	HT_CASE(test_alignment),
	HT_CASE(test_limits),
	HT_CASE(test_exec_stack_prot),
	{}
};

HTEST_MAIN(cases)
