// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the memory node's ELF loader (managers/memory/
 * loader.c): the input is an executable file.  elf_check() parses it;
 * an accepted file must describe segments that lie inside the file and
 * the user half, and then goes the way execve takes it: the interpreter
 * check, a rebase of ET_DYN, elf_map() into a fresh address space and a
 * read fault on each of the first pages of every segment (the bytes come
 * from the input).  The address space is destroyed and every page must
 * be back.
 */
/* FUZZ-HTEST: test_elf */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/string.h>
#include <uapi/elf.h>
#include <uapi/mman.h>

#include "host_mm.h"
#include "../../managers/memory/internal.h"
#include "fuzz.h"

#define ARENA_SIZE	(64UL << 20)
#define USER_TOP	(1ULL << 47)
#define FAULT_PAGES	4		/* per segment */

/* lib/vsprintf.c's %pS needs it; the loader never prints symbols. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "%#lx", addr);
}

struct blob {
	const u8 *data;
	u64 size;
};

static int blob_read(void *ctx, u64 off, void *buf, u32 len)
{
	const struct blob *b = ctx;

	if (off > b->size || len > b->size - off)
		return -EIO;
	memcpy(buf, b->data + off, len);
	return 0;
}

static int blob_file_read(void *ctx, const struct mem_file *f, u64 off,
			  void *buf, u32 len)
{
	const struct blob *b = ctx;

	/* The loader never asks for bytes past the file's end. */
	FUZZ_ASSERT(off <= b->size && len <= b->size - off);
	memcpy(buf, b->data + off, len);
	return 0;
}

static struct elf_info info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool booted;
	struct blob b = { data, size };
	struct mem_file file = { .kind = MEM_FILE_IMAGE, .id = 1,
				 .size = size };
	struct rmm *mm;
	u64 owned;

	if (!booted) {
		FUZZ_ASSERT(host_mm_boot(ARENA_SIZE));
		booted = true;
	}
	if (elf_check(blob_read, &b, size, ET_DYN_DEFAULT_BASE, &info)) {
		FUZZ_ASSERT(info.why[0] || !size);
		if (getenv("FUZZ_VERBOSE"))
			fprintf(stderr, "elf_check: %s\n", info.why);
		return 0;
	}
	FUZZ_ASSERT(info.type == ET_EXEC || info.type == ET_DYN);
	FUZZ_ASSERT(info.nr_loads >= 1 && info.nr_loads <= ELF_MAX_LOADS);
	FUZZ_ASSERT(info.interp_len < ELF_INTERP_MAX &&
		    strnlen(info.interp, ELF_INTERP_MAX) == info.interp_len);
	for (unsigned int i = 0; i < info.nr_loads; i++) {
		const struct elf_segment *s = &info.loads[i];

		FUZZ_ASSERT(s->filesz <= s->memsz);
		FUZZ_ASSERT(s->offset <= size && s->filesz <= size - s->offset);
		FUZZ_ASSERT(s->vaddr < USER_TOP &&
			    s->memsz <= USER_TOP - s->vaddr);
	}
	if (info.interp_len)
		elf_check_interpreter(&info);
	if (info.type == ET_DYN && elf_rebase(&info, 0x7f0000000000ULL))
		return 0;

	owned = rmm_nr_pages_owned();
	mm = rmm_create(1, 100, 1024);
	FUZZ_ASSERT(mm);
	if (!elf_map(mm, &info, &file)) {
		for (unsigned int i = 0; i < info.nr_loads; i++) {
			const struct elf_segment *s = &info.loads[i];

			for (u64 off = 0; off < s->memsz &&
			     off < FAULT_PAGES * PAGE_SIZE; off += PAGE_SIZE) {
				void *page;
				u32 prot;

				rmm_fault(mm, s->vaddr + off, P2M_ACCESS_READ,
					  blob_file_read, &b, &page, &prot);
			}
		}
	}
	rmm_destroy(mm);
	FUZZ_ASSERT(rmm_nr_pages_owned() == owned);
	return 0;
}

/* --- seeds: small executables laid out by hand ------------------------ */

static u8 img[4 * 4096];

static Elf64_Phdr *phdr_at(unsigned int i)
{
	return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i;
}

static size_t make_exec(u16 type, u64 base, const char *interp)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	unsigned int n = 0;
	Elf64_Phdr *ph;

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, "\177ELF", 4);
	eh->e_ident[4] = 2;		/* ELFCLASS64 */
	eh->e_ident[5] = 1;		/* little endian */
	eh->e_ident[6] = 1;		/* EV_CURRENT */
	eh->e_type = type;
	eh->e_machine = 62;		/* EM_X86_64 */
	eh->e_version = 1;
	eh->e_entry = base + 0x1000;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);

	ph = phdr_at(n++);
	ph->p_type = PT_PHDR;
	ph->p_flags = PF_R;
	ph->p_offset = eh->e_phoff;
	ph->p_vaddr = ph->p_paddr = base + eh->e_phoff;
	ph->p_filesz = ph->p_memsz = 5 * sizeof(Elf64_Phdr);
	ph->p_align = 8;
	if (interp) {
		ph = phdr_at(n++);
		ph->p_type = PT_INTERP;
		ph->p_flags = PF_R;
		ph->p_offset = 0x300;
		ph->p_vaddr = ph->p_paddr = base + 0x300;
		ph->p_filesz = ph->p_memsz = strlen(interp) + 1;
		ph->p_align = 1;
		memcpy(img + 0x300, interp, strlen(interp) + 1);
	}
	ph = phdr_at(n++);
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = 0;
	ph->p_vaddr = ph->p_paddr = base;
	ph->p_filesz = ph->p_memsz = 0x1010;
	ph->p_align = 0x1000;
	memcpy(img + 0x1000, "\x31\xff\xb8\x3c\x00\x00\x00\x0f\x05", 9);
	ph = phdr_at(n++);
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_W;
	ph->p_offset = 0x2000;
	ph->p_vaddr = ph->p_paddr = base + 0x3000;
	ph->p_filesz = 0x100;
	ph->p_memsz = 0x2800;
	ph->p_align = 0x1000;
	memset(img + 0x2000, 0x42, 0x100);
	ph = phdr_at(n++);
	ph->p_type = PT_GNU_STACK;
	ph->p_flags = PF_R | PF_W;
	eh->e_phnum = n;
	return 0x2100;
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	size_t n;

	n = make_exec(ET_EXEC, 0x400000, NULL);
	emit("static", img, n);
	n = make_exec(ET_DYN, 0, NULL);
	emit("static-pie", img, n);
	n = make_exec(ET_DYN, 0, "/lib64/ld-linux-x86-64.so.2");
	emit("dynamic", img, n);
}
