// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of lib/cpio.c: the input is a "newc" archive; walk
 * every entry with cpio_next() (each must lie inside the archive) and
 * look names up with cpio_find().
 */
/* FUZZ-HTEST: test_cpio */
#include <tessera/cpio.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "fuzz.h"

static void check_inside(const uint8_t *base, size_t size,
			 const struct cpio_file *f)
{
	const uint8_t *name = (const uint8_t *)f->name;
	const uint8_t *data = f->data;

	FUZZ_ASSERT(!(name < base || f->name_len > size ||
	       name - base > (ptrdiff_t)(size - f->name_len)));
	FUZZ_ASSERT(!(data < base || f->size > size ||
	       data - base > (ptrdiff_t)(size - f->size)));
	/* Touch both ends: ASan checks the bytes are ours. */
	if (f->name_len)
		(void)*(volatile const uint8_t *)(name + f->name_len - 1);
	if (f->size)
		(void)*(volatile const uint8_t *)(data + f->size - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_file f;
	u64 off = 0, prev;
	int n = 0;

	for (;;) {
		prev = off;
		if (cpio_next(data, size, &off, &f))
			break;
		check_inside(data, size, &f);
		FUZZ_ASSERT(off > prev);
		n++;
	}
	if (!cpio_find(data, size, "init", &f))
		check_inside(data, size, &f);
	if (!cpio_find(data, size, "bin/prog", &f))
		check_inside(data, size, &f);
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

static uint8_t arc[2048];
static size_t arc_len;

static void put_entry(const char *name, const char *body, u32 mode)
{
	u32 namesize = strlen(name) + 1, size = strlen(body);
	u32 fields[13] = { 7, mode, 0, 0, 1, 0, size, 0, 0, 0, 0,
			   namesize, 0 };
	char *hdr = (char *)arc + arc_len;

	memcpy(hdr, "070701", 6);
	for (int i = 0; i < 13; i++)
		for (int d = 7; d >= 0; d--)
			hdr[6 + 8 * i + d] =
				"0123456789ABCDEF"[(fields[i] >> (4 * (7 - d))) & 15];
	arc_len += 110;
	memcpy(arc + arc_len, name, namesize);
	arc_len = ALIGN(arc_len + namesize, 4);
	memcpy(arc + arc_len, body, size);
	arc_len = ALIGN(arc_len + size, 4);
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	memset(arc, 0, sizeof(arc));
	arc_len = 0;
	put_entry("init", "#!/bin/sh\necho hi\n", 0100755);
	put_entry("TRAILER!!!", "", 0);
	emit("one", arc, arc_len);

	memset(arc, 0, sizeof(arc));
	arc_len = 0;
	put_entry("bin", "", 040755);
	put_entry("bin/prog", "\177ELF....", 0100755);
	put_entry("etc/motd", "hello\n", 0100644);
	put_entry("TRAILER!!!", "", 0);
	emit("three", arc, arc_len);
}
