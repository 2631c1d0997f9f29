/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the memory node's ELF loader (managers/memory/loader.c)
 * against REAL executables: at run time the test writes a small C program
 * (TLS variable, .bss array, printf) to a temporary directory and builds
 * it with the host's gcc as -static, -static-pie, -static -z execstack
 * and as an ordinary dynamic executable.  Expectations come from the
 * files themselves, read by this test's own program-header walk and by
 * `nm` for _start, never from the loader.  Every page of every segment is
 * then pulled through the miss path and compared with the file bytes
 * (and zeros for .bss).  Corrupted copies (truncations, bad phnum,
 * overlapping segments, p_filesz > p_memsz, data past EOF, PT_INTERP,
 * ...) must give -ENOEXEC with a reason, and random byte flips must never
 * crash the parser (ASan/UBSan).
 *
 * If the host cannot build static executables (no libc.a) the cases
 * that need them fail with a message saying so.
 */
/* HTEST-SOURCES: managers/memory/loader.c managers/memory/vm.c managers/memory/fault.c mm/memblock.c mm/page_alloc.c mm/slab.c lib/rbtree.c lib/string.c lib/vsprintf.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/mman.h>

#include "../../managers/memory/internal.h"

#define ARENA_SIZE	(64UL << 20)
#define PG		4096ULL

/* lib/vsprintf.c's %pS needs it; the loader never prints symbols. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "%#lx", addr);
}

static char *arena;
static char tmpdir[] = "/tmp/tessera-elf-XXXXXX";
static bool built;

struct blob {
	u8 *data;
	u64 size;
};

static struct blob bin_static, bin_pie, bin_exstack, bin_dyn, bin_ldso;

static const char prog_src[] =
	"#include <stdio.h>\n"
	"__thread int tls_var = 5;\n"
	"int bss_arr[5000];\n"
	"int data_var = 42;\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"\tbss_arr[argc] = data_var;\n"
	"\tprintf(\"%d %s\\n\", tls_var + bss_arr[1], argv[0]);\n"
	"\treturn 0;\n"
	"}\n";

static int setup_mm(void)
{
	if (arena)
		return 0;
	arena = host_mm_boot(ARENA_SIZE);
	if (!arena)
		return -ENOMEM;
	return 0;
}

static int load_file(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b->data = malloc(n);
	b->size = n;
	if (!b->data || fread(b->data, 1, n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int build_one(const char *flags, const char *name, struct blob *b)
{
	char cmd[512], path[256];

	snprintf(cmd, sizeof(cmd), "gcc -O1 %s -o %s/%s %s/prog.c 2>&1",
		 flags, tmpdir, name, tmpdir);
	if (system(cmd))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return load_file(path, b);
}

static const Elf64_Ehdr *ehdr(const struct blob *b);
static Elf64_Phdr *phdr(const struct blob *b, unsigned int i);
static int find_phdr(const struct blob *b, u32 type, int nth);

/* The interpreter @prog names (PT_INTERP), read from the host. */
static int load_interp(const struct blob *prog, struct blob *out)
{
	int i = find_phdr(prog, PT_INTERP, 0);

	if (i < 0)
		return -1;
	return load_file((const char *)prog->data + phdr(prog, i)->p_offset,
			 out);
}

static int build_all(struct htest *t)
{
	char path[256];
	FILE *f;

	if (built)
		return 0;
	if (!mkdtemp(tmpdir)) {
		HT_FAIL(t, "mkdtemp failed");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/prog.c", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(prog_src, f);
	fclose(f);
	if (build_one("-static", "static", &bin_static) ||
	    build_one("-static-pie", "spie", &bin_pie) ||
	    build_one("-static -z execstack", "exstack", &bin_exstack) ||
	    build_one("", "dyn", &bin_dyn)) {
		HT_FAIL(t, "host gcc could not build the test programs (need gcc and libc.a)");
		return -1;
	}
	if (load_interp(&bin_dyn, &bin_ldso)) {
		HT_FAIL(t, "cannot read the host's dynamic linker");
		return -1;
	}
	built = true;
	return 0;
}

/* The address of _start according to nm (independent of the loader). */
static u64 nm_start(const char *name)
{
	char cmd[512], line[256];
	unsigned long long addr = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm %s/%s", tmpdir, name);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		char type, sym[200];

		if (sscanf(line, "%llx %c %199s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, "_start"))
			break;
		addr = 0;
	}
	pclose(p);
	return addr;
}

static int blob_read(void *ctx, u64 off, void *buf, u32 len)
{
	struct blob *b = ctx;

	if (off > b->size || len > b->size - off)
		return -EIO;
	memcpy(buf, b->data + off, len);
	return 0;
}

static int blob_file_read(void *ctx, const struct mem_file *f, u64 off,
			  void *buf, u32 len)
{
	return blob_read(ctx, off, buf, len);
}

static const Elf64_Ehdr *ehdr(const struct blob *b)
{
	return (const Elf64_Ehdr *)b->data;
}

static Elf64_Phdr *phdr(const struct blob *b, unsigned int i)
{
	return (Elf64_Phdr *)(b->data + ehdr(b)->e_phoff) + i;
}

static int find_phdr(const struct blob *b, u32 type, int nth)
{
	for (unsigned int i = 0; i < ehdr(b)->e_phnum; i++)
		if (phdr(b, i)->p_type == type && nth-- == 0)
			return i;
	return -1;
}

static struct blob copy_blob(const struct blob *b)
{
	struct blob c = { malloc(b->size), b->size };

	memcpy(c.data, b->data, b->size);
	return c;
}

/*
 * Load @b into a fresh rmm and pull every page of every PT_LOAD through
 * the miss path: file bytes up to p_filesz, zeros after.  Returns the
 * number of mismatching bytes (or -1 on a setup error).
 */
/*
 * Pull every page of every PT_LOAD of @b (loaded in @mm with @bias)
 * through the miss path and compare it with the file bytes up to
 * p_filesz, zeros after, and the protection with p_flags.  Returns the
 * number of mismatches; *@hi is the end of the highest segment.
 */
static long compare_loads(struct rmm *mm, struct blob *b, u64 bias, u64 *hi)
{
	long bad = 0;

	*hi = 0;
	for (unsigned int i = 0; i < ehdr(b)->e_phnum; i++) {
		const Elf64_Phdr *ph = phdr(b, i);
		u64 va;

		if (ph->p_type != PT_LOAD)
			continue;
		*hi = ph->p_vaddr + ph->p_memsz > *hi ?
		      ph->p_vaddr + ph->p_memsz : *hi;
		for (va = ph->p_vaddr; va < ph->p_vaddr + ph->p_memsz; va++) {
			u64 uva = va + bias;
			void *page;
			u32 prot, want_prot = 0;
			u8 want = va - ph->p_vaddr < ph->p_filesz ?
				  b->data[ph->p_offset + (va - ph->p_vaddr)] : 0;

			if (rmm_fault(mm, uva, RMM_ACCESS_READ, blob_file_read,
				      b, &page, &prot)) {
				bad++;
				continue;
			}
			want_prot |= ph->p_flags & PF_R ? PROT_READ : 0;
			want_prot |= ph->p_flags & PF_W ? PROT_WRITE : 0;
			want_prot |= ph->p_flags & PF_X ? PROT_EXEC : 0;
			if (((u8 *)page)[uva & (PG - 1)] != want ||
			    prot != want_prot)
				bad++;
		}
	}
	return bad;
}

/*
 * Load @b into a fresh rmm and compare every page (compare_loads), the
 * program headers at AT_PHDR and the break.  Returns the number of
 * mismatching bytes (or -1 on a setup error).
 */
static long map_and_compare(struct htest *t, struct blob *b,
			    const struct elf_info *info)
{
	struct mem_file file = { .kind = MEM_FILE_IMAGE, .id = 1,
				 .size = b->size };
	struct rmm *mm = rmm_create(1, 1, 0);
	long bad;
	u64 hi;

	if (!mm || elf_map(mm, info, &file)) {
		HT_FAIL(t, "elf_map failed");
		rmm_destroy(mm);
		return -1;
	}
	bad = compare_loads(mm, b, info->bias, &hi);
	/* The program headers are where AT_PHDR says. */
	{
		u32 len = ehdr(b)->e_phnum * sizeof(Elf64_Phdr);
		u8 *buf = malloc(len);
		void *page;
		u32 prot;

		for (u64 va = info->phdr & PAGE_MASK; va < info->phdr + len;
		     va += PG)
			rmm_fault(mm, va, RMM_ACCESS_READ, blob_file_read, b,
				  &page, &prot);
		rmm_copy_from(mm, info->phdr, buf, len);
		if (memcmp(buf, b->data + ehdr(b)->e_phoff, len)) {
			HT_FAIL(t, "AT_PHDR does not point at the program headers");
			bad++;
		}
		free(buf);
	}
	HT_EXPECT_EQ(t, mm->brk, ALIGN(hi + info->bias, PG));
	HT_EXPECT_EQ(t, mm->start_brk, mm->brk);
	rmm_destroy(mm);
	return bad;
}

static void test_static_exec(struct htest *t)
{
	struct elf_info info;
	int tls;

	HT_ASSERT_EQ(t, setup_mm(), 0);
	HT_ASSERT_EQ(t, build_all(t), 0);
	HT_ASSERT_EQ(t, elf_check(blob_read, &bin_static, bin_static.size,
				  ET_DYN_DEFAULT_BASE, &info), 0);
	HT_EXPECT_EQ(t, info.type, ET_EXEC);
	HT_EXPECT_EQ(t, info.bias, 0);
	HT_EXPECT_EQ(t, info.entry, nm_start("static"));
	HT_EXPECT_EQ(t, info.entry, ehdr(&bin_static)->e_entry);
	HT_EXPECT_EQ(t, info.phnum, ehdr(&bin_static)->e_phnum);
	HT_EXPECT_EQ(t, info.phentsize, 56);
	HT_EXPECT_EQ(t, info.exec_stack, false);
	tls = find_phdr(&bin_static, PT_TLS, 0);
	HT_ASSERT(t, tls >= 0);
	HT_EXPECT(t, info.has_tls);
	HT_EXPECT_EQ(t, info.tls_memsz, phdr(&bin_static, tls)->p_memsz);
	HT_EXPECT_EQ(t, info.tls_vaddr, phdr(&bin_static, tls)->p_vaddr);
	HT_EXPECT_EQ(t, map_and_compare(t, &bin_static, &info), 0);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_static_pie(struct htest *t)
{
	struct elf_info info;
	u64 base = 0x7f0000000000ULL;

	HT_ASSERT_EQ(t, setup_mm(), 0);
	HT_ASSERT_EQ(t, build_all(t), 0);
	HT_ASSERT_EQ(t, ehdr(&bin_pie)->e_type, ET_DYN);
	HT_ASSERT(t, find_phdr(&bin_pie, PT_INTERP, 0) < 0);
	HT_ASSERT_EQ(t, elf_check(blob_read, &bin_pie, bin_pie.size,
				  ET_DYN_DEFAULT_BASE, &info), 0);
	HT_EXPECT_EQ(t, info.type, ET_DYN);
	HT_EXPECT_EQ(t, info.lo, ET_DYN_DEFAULT_BASE);
	HT_EXPECT_EQ(t, info.entry, ET_DYN_DEFAULT_BASE + nm_start("spie"));
	HT_EXPECT_EQ(t, map_and_compare(t, &bin_pie, &info), 0);
	/* Another base moves everything by the same amount. */
	HT_ASSERT_EQ(t, elf_check(blob_read, &bin_pie, bin_pie.size, base,
				  &info), 0);
	HT_EXPECT_EQ(t, info.entry, base + nm_start("spie"));
	HT_EXPECT_EQ(t, map_and_compare(t, &bin_pie, &info), 0);
	HT_EXPECT_EQ(t, elf_check(blob_read, &bin_pie, bin_pie.size,
				  base + 1, &info), -ENOEXEC);
	HT_EXPECT_EQ(t, elf_check(blob_read, &bin_pie, bin_pie.size,
				  TASK_SIZE - PG, &info), -ENOEXEC);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
}

static void test_exec_stack(struct htest *t)
{
	struct elf_info info;

	HT_ASSERT_EQ(t, build_all(t), 0);
	HT_ASSERT_EQ(t, elf_check(blob_read, &bin_exstack, bin_exstack.size,
				  ET_DYN_DEFAULT_BASE, &info), 0);
	HT_EXPECT_EQ(t, info.exec_stack, true);
}

static void test_dynamic_names_interpreter(struct htest *t)
{
	struct elf_info info;

	HT_ASSERT_EQ(t, build_all(t), 0);
	HT_EXPECT_EQ(t, elf_check(blob_read, &bin_dyn, bin_dyn.size,
				  ET_DYN_DEFAULT_BASE, &info), 0);
	HT_EXPECT(t, info.interp_len > 0 &&
		  strstr(info.interp, "ld-linux-x86-64.so.2") != NULL);
}

/* Lowest page and page-aligned end of @b's PT_LOADs, from the file. */
static void load_extent(const struct blob *b, u64 *lo, u64 *hi)
{
	*lo = ~0ULL;
	*hi = 0;
	for (unsigned int i = 0; i < ehdr(b)->e_phnum; i++) {
		const Elf64_Phdr *ph = phdr(b, i);

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if ((ph->p_vaddr & PAGE_MASK) < *lo)
			*lo = ph->p_vaddr & PAGE_MASK;
		if (ALIGN(ph->p_vaddr + ph->p_memsz, PG) > *hi)
			*hi = ALIGN(ph->p_vaddr + ph->p_memsz, PG);
	}
}

/*
 * A PIE with PT_INTERP: elf_check() accepts it and copies the path
 * (compared with the file's own bytes); the interpreter (the host's
 * ld.so, ET_DYN without PT_INTERP) goes top-down below the mmap base
 * beside the program at ELF_ET_DYN_BASE, as Linux places them without
 * randomisation, with the same memory semantics; the break stays the
 * program's.
 */
static void test_dynamic_placement(struct htest *t)
{
	struct mem_file pf = { .kind = MEM_FILE_IMAGE, .id = 1,
			       .size = bin_dyn.size };
	struct mem_file lf = { .kind = MEM_FILE_IMAGE, .id = 2,
			       .size = bin_ldso.size };
	struct elf_info *pi = malloc(sizeof(*pi)), *li = malloc(sizeof(*li));
	struct rmm *mm;
	u64 lo, hi, top, brk;
	int in;

	HT_ASSERT_EQ(t, setup_mm(), 0);
	HT_ASSERT_EQ(t, build_all(t), 0);
	HT_ASSERT(t, pi && li);
	in = find_phdr(&bin_dyn, PT_INTERP, 0);
	HT_ASSERT(t, in >= 0);
	HT_ASSERT_EQ(t, elf_check(blob_read, &bin_dyn, bin_dyn.size,
				  ET_DYN_DEFAULT_BASE, pi), 0);
	HT_EXPECT_EQ(t, pi->type, ET_DYN);
	HT_EXPECT_EQ(t, pi->interp_len, phdr(&bin_dyn, in)->p_filesz - 1);
	HT_EXPECT(t, !strcmp(pi->interp, (const char *)bin_dyn.data +
			     phdr(&bin_dyn, in)->p_offset));
	HT_EXPECT_EQ(t, pi->lo, ET_DYN_DEFAULT_BASE);
	HT_EXPECT_EQ(t, pi->entry, ET_DYN_DEFAULT_BASE + nm_start("dyn"));
	HT_EXPECT_EQ(t, elf_check_interpreter(pi), -ENOEXEC);
	printf("# program as interpreter: %s\n", pi->why);

	HT_ASSERT_EQ(t, elf_check(blob_read, &bin_ldso, bin_ldso.size,
				  ET_DYN_DEFAULT_BASE, li), 0);
	HT_EXPECT_EQ(t, elf_check_interpreter(li), 0);
	HT_EXPECT_EQ(t, li->interp_len, 0);

	mm = rmm_create(1, 1, 0);
	HT_ASSERT(t, mm);
	HT_ASSERT_EQ(t, elf_map(mm, pi, &pf), 0);
	brk = mm->brk;
	load_extent(&bin_ldso, &lo, &hi);
	top = rmm_unmapped_area(mm, li->hi - li->lo);
	HT_EXPECT_EQ(t, top, MMAP_BASE - (hi - lo));
	HT_ASSERT_EQ(t, elf_rebase(li, top), 0);
	HT_EXPECT_EQ(t, li->bias, top - lo);
	HT_EXPECT_EQ(t, li->entry, ehdr(&bin_ldso)->e_entry + li->bias);
	HT_ASSERT_EQ(t, elf_map_segments(mm, li, &lf), 0);
	HT_EXPECT_EQ(t, mm->brk, brk);
	HT_EXPECT_EQ(t, compare_loads(mm, &bin_dyn, pi->bias, &hi), 0);
	HT_EXPECT_EQ(t, compare_loads(mm, &bin_ldso, li->bias, &hi), 0);
	printf("# program at %#llx, interpreter at %#llx, entry %#llx\n",
	       (unsigned long long)pi->lo, (unsigned long long)li->lo,
	       (unsigned long long)li->entry);
	rmm_destroy(mm);

	/* elf_rebase() refuses what leaves the address space. */
	HT_EXPECT_EQ(t, elf_rebase(li, TASK_SIZE - PG), -ENOEXEC);
	HT_EXPECT_EQ(t, elf_rebase(li, top + 1), -ENOEXEC);
	HT_EXPECT_EQ(t, elf_rebase(li, 0x1000), -ENOEXEC);
	HT_ASSERT_EQ(t, elf_check(blob_read, &bin_static, bin_static.size,
				  ET_DYN_DEFAULT_BASE, pi), 0);
	HT_EXPECT_EQ(t, elf_check_interpreter(pi), -ENOEXEC);
	HT_EXPECT_EQ(t, elf_rebase(pi, 0x700000000000ULL), -ENOEXEC);
	HT_EXPECT_EQ(t, rmm_nr_pages_owned(), 0);
	free(pi);
	free(li);
}

/* Corrupt PT_INTERPs of the dynamic program: -ENOEXEC, saying why. */
static void test_interp_corrupted(struct htest *t)
{
	struct elf_info *info = malloc(sizeof(*info));
	struct blob c;
	int in, note;

	HT_ASSERT_EQ(t, build_all(t), 0);
	HT_ASSERT(t, info);
	in = find_phdr(&bin_dyn, PT_INTERP, 0);
	note = find_phdr(&bin_dyn, PT_NOTE, 0);
	HT_ASSERT(t, in >= 0 && note >= 0);

	c = copy_blob(&bin_dyn);
	c.data[phdr(&c, in)->p_offset + phdr(&c, in)->p_filesz - 1] = 'x';
	HT_EXPECT_EQ(t, elf_check(blob_read, &c, c.size, ET_DYN_DEFAULT_BASE,
				  info), -ENOEXEC);
	HT_EXPECT(t, strstr(info->why, "NUL") != NULL);
	free(c.data);

	c = copy_blob(&bin_dyn);
	phdr(&c, in)->p_filesz = ELF_INTERP_MAX + 1;
	HT_ASSERT(t, phdr(&c, in)->p_offset + ELF_INTERP_MAX + 1 <= c.size);
	HT_EXPECT_EQ(t, elf_check(blob_read, &c, c.size, ET_DYN_DEFAULT_BASE,
				  info), -ENOEXEC);
	HT_EXPECT(t, strstr(info->why, "4097 bytes") != NULL);
	phdr(&c, in)->p_filesz = 1;
	HT_EXPECT_EQ(t, elf_check(blob_read, &c, c.size, ET_DYN_DEFAULT_BASE,
				  info), -ENOEXEC);
	free(c.data);

	c = copy_blob(&bin_dyn);
	phdr(&c, in)->p_offset = c.size - 4;
	HT_EXPECT_EQ(t, elf_check(blob_read, &c, c.size, ET_DYN_DEFAULT_BASE,
				  info), -ENOEXEC);
	HT_EXPECT(t, strstr(info->why, "outside the file") != NULL);
	phdr(&c, in)->p_offset = -8ULL;
	HT_EXPECT_EQ(t, elf_check(blob_read, &c, c.size, ET_DYN_DEFAULT_BASE,
				  info), -ENOEXEC);
	free(c.data);

	c = copy_blob(&bin_dyn);
	*phdr(&c, note) = *phdr(&c, in);
	HT_EXPECT_EQ(t, elf_check(blob_read, &c, c.size, ET_DYN_DEFAULT_BASE,
				  info), -ENOEXEC);
	HT_EXPECT(t, strstr(info->why, "more than one PT_INTERP") != NULL);
	free(c.data);

	c = copy_blob(&bin_dyn);
	c.data[phdr(&c, in)->p_offset] = 'l';
	HT_EXPECT_EQ(t, elf_check(blob_read, &c, c.size, ET_DYN_DEFAULT_BASE,
				  info), -ENOEXEC);
	HT_EXPECT(t, strstr(info->why, "absolute") != NULL);
	printf("# relative interpreter: %s\n", info->why);
	free(c.data);
	free(info);
}

/* Parse a corrupted copy: -ENOEXEC with a reason containing @word. */
static void expect_noexec(struct htest *t, struct blob *b, u64 size,
			  const char *what, const char *word)
{
	struct elf_info info;
	int ret = elf_check(blob_read, b, size, ET_DYN_DEFAULT_BASE, &info);

	if (ret != -ENOEXEC) {
		HT_FAIL(t, "%s: got %d, want -ENOEXEC", what, ret);
		return;
	}
	if (!info.why[0] || (word && !strstr(info.why, word)))
		HT_FAIL(t, "%s: reason \"%s\" lacks \"%s\"", what, info.why,
			word ? word : "");
	printf("# %s: %s\n", what, info.why);
}

static void test_corrupted(struct htest *t)
{
	struct blob c;
	int l0, l1;

	HT_ASSERT_EQ(t, build_all(t), 0);
	l0 = find_phdr(&bin_static, PT_LOAD, 0);
	l1 = find_phdr(&bin_static, PT_LOAD, 1);
	HT_ASSERT(t, l0 >= 0 && l1 >= 0);

	c = copy_blob(&bin_static);
	expect_noexec(t, &c, 20, "too short", "short");
	expect_noexec(t, &c, ehdr(&c)->e_phoff + 10, "truncated phdrs",
		      "program headers");
	expect_noexec(t, &c, c.size / 2, "truncated file", "past the end");
	/* Cut one byte short of the program header table. */
	expect_noexec(t, &c, ehdr(&c)->e_phoff +
			     ehdr(&c)->e_phnum * sizeof(Elf64_Phdr) - 1,
		      "phdrs one byte short", "program headers");

	((Elf64_Ehdr *)c.data)->e_phnum = 0;
	expect_noexec(t, &c, c.size, "phnum 0", "e_phnum");
	((Elf64_Ehdr *)c.data)->e_phnum = 65535;
	expect_noexec(t, &c, c.size, "phnum 65535", "e_phnum");
	free(c.data);

	c = copy_blob(&bin_static);
	((Elf64_Ehdr *)c.data)->e_phentsize = 32;
	expect_noexec(t, &c, c.size, "phentsize", "e_phentsize");
	free(c.data);

	c = copy_blob(&bin_static);
	phdr(&c, l1)->p_vaddr = (phdr(&c, l0)->p_vaddr & PAGE_MASK) +
				(phdr(&c, l1)->p_offset & (PG - 1));
	expect_noexec(t, &c, c.size, "overlapping segments", "overlaps");
	free(c.data);

	c = copy_blob(&bin_static);
	phdr(&c, l1)->p_filesz = phdr(&c, l1)->p_memsz + 1;
	expect_noexec(t, &c, c.size, "filesz > memsz", "p_filesz > p_memsz");
	free(c.data);

	c = copy_blob(&bin_static);
	phdr(&c, l1)->p_offset = ALIGN(c.size, PG) +
				 (phdr(&c, l1)->p_vaddr & (PG - 1));
	expect_noexec(t, &c, c.size, "offset past EOF", "past the end");
	free(c.data);

	/* A segment whose file data runs one byte past the end. */
	c = copy_blob(&bin_static);
	phdr(&c, l1)->p_filesz = c.size - phdr(&c, l1)->p_offset + 1;
	if (phdr(&c, l1)->p_memsz < phdr(&c, l1)->p_filesz)
		phdr(&c, l1)->p_memsz = phdr(&c, l1)->p_filesz;
	expect_noexec(t, &c, c.size, "filesz one past EOF",
		      "file data past the end");
	free(c.data);

	c = copy_blob(&bin_static);
	phdr(&c, l1)->p_offset += 1;
	expect_noexec(t, &c, c.size, "not congruent", "congruent");
	free(c.data);

	c = copy_blob(&bin_static);
	phdr(&c, l1)->p_vaddr = 0x800000000000ULL +
				(phdr(&c, l1)->p_vaddr & (PG - 1));
	expect_noexec(t, &c, c.size, "above TASK_SIZE", "address space");
	free(c.data);

	c = copy_blob(&bin_static);
	phdr(&c, l1)->p_memsz = -1ULL;
	expect_noexec(t, &c, c.size, "memsz overflow", "address space");
	free(c.data);

	c = copy_blob(&bin_static);
	c.data[0] = 0x7e;
	expect_noexec(t, &c, c.size, "bad magic", "magic");
	free(c.data);

	c = copy_blob(&bin_static);
	c.data[EI_CLASS] = ELFCLASS32;
	expect_noexec(t, &c, c.size, "ELF32", "ELF64");
	free(c.data);

	c = copy_blob(&bin_static);
	((Elf64_Ehdr *)c.data)->e_machine = EM_386;
	expect_noexec(t, &c, c.size, "i386", "x86-64");
	free(c.data);

	c = copy_blob(&bin_static);
	((Elf64_Ehdr *)c.data)->e_type = ET_REL;
	expect_noexec(t, &c, c.size, "ET_REL", "type");
	free(c.data);

	c = copy_blob(&bin_static);
	((Elf64_Ehdr *)c.data)->e_entry = 0x10;
	expect_noexec(t, &c, c.size, "entry outside", "entry");
	free(c.data);

	c = copy_blob(&bin_static);
	for (unsigned int i = 0; i < ehdr(&c)->e_phnum; i++)
		if (phdr(&c, i)->p_type == PT_LOAD)
			phdr(&c, i)->p_type = PT_NOTE;
	expect_noexec(t, &c, c.size, "no PT_LOAD", "PT_LOAD");
	free(c.data);
}

static void test_fuzz(struct htest *t)
{
	u64 state = 0x1234567;
	int accepted = 0;

	HT_ASSERT_EQ(t, build_all(t), 0);
	for (int round = 0; round < 3000; round++) {
		struct blob c = copy_blob(&bin_static);
		u64 area = ehdr(&c)->e_phoff + ehdr(&c)->e_phnum * 56;
		struct elf_info info;
		int ret;

		for (int k = 0; k < 1 + round % 4; k++) {
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			c.data[(state >> 33) % area] ^= (u8)(1 << ((state >> 20) & 7));
		}
		ret = elf_check(blob_read, &c, c.size, ET_DYN_DEFAULT_BASE,
				&info);
		if (ret == 0) {
			accepted++;
			/* Whatever was accepted is self-consistent. */
			HT_EXPECT(t, info.entry >= info.lo && info.entry < info.hi);
			HT_EXPECT(t, info.hi <= TASK_SIZE);
			HT_EXPECT(t, info.lo >= MMAP_MIN_ADDR);
		} else if (ret != -ENOEXEC && ret != -EIO) {
			HT_FAIL(t, "round %d: unexpected %d", round, ret);
		}
		free(c.data);
		if (t->failed)
			break;
	}
	printf("# fuzz: %d of 3000 corrupted copies still acceptable\n",
	       accepted);
}

static void test_cleanup(struct htest *t)
{
	char cmd[300];

	HT_ASSERT(t, built);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	HT_EXPECT_EQ(t, system(cmd), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_static_exec),
	HT_CASE(test_static_pie),
	HT_CASE(test_exec_stack),
	HT_CASE(test_dynamic_names_interpreter),
	HT_CASE(test_dynamic_placement),
	HT_CASE(test_interp_corrupted),
	HT_CASE(test_corrupted),
	HT_CASE(test_fuzz),
	HT_CASE(test_cleanup),
	{}
};

HTEST_MAIN(cases)
