/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ext4 images in memory for the ext4 and P2S harnesses: a storage_io
 * over a buffer, and images made by mke2fs(8) -d from a small tree (the
 * seeds, and the P2S harness's base image).
 */
#ifndef _FUZZ_EXT4IMG_H
#define _FUZZ_EXT4IMG_H

#include <stdlib.h>
#include <unistd.h>

#include "../../managers/storage/ext4.h"
#include "fuzz.h"

/* The C library's, not our lib's (tests/host/host_config.h). */
int libc_snprintf(char *buf, size_t size, const char *fmt, ...)
	__asm__("snprintf");

struct memimg {
	u8 *data;
	size_t size;
	struct storage_io io;
};

static int memimg_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct memimg *m = ctx;

	if (off > m->size || len > m->size - off)
		return -EIO;
	memcpy(buf, m->data + off, len);
	return 0;
}

static int memimg_write(void *ctx, u64 off, const void *buf, size_t len)
{
	struct memimg *m = ctx;

	if (off > m->size || len > m->size - off)
		return -EIO;
	memcpy(m->data + off, buf, len);
	return 0;
}

/* A writable copy of @data; the caller frees m->data. */
static inline bool memimg_open(struct memimg *m, const u8 *data, size_t size)
{
	m->data = malloc(size ? size : 1);
	if (!m->data)
		return false;
	memcpy(m->data, data, size);
	m->size = size;
	m->io.read = memimg_read;
	m->io.write = memimg_write;
	m->io.flush = NULL;
	m->io.ctx = m;
	m->io.size = size;
	return true;
}

/*
 * mke2fs -t ext4 @opts of @size bytes from a tree of a few files, a
 * directory, a symlink and a hole; the image in *@len bytes (malloc'd),
 * or NULL.
 */
static inline u8 *memimg_mkfs(const char *size, const char *opts,
			      size_t *len)
{
	char dir[] = "/tmp/tessera-fuzz-XXXXXX", cmd[1024];
	u8 *img = NULL;
	FILE *f;
	long n;

	if (!mkdtemp(dir))
		return NULL;
	libc_snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p t/sub/deeper && echo hello > t/hello && "
		 "seq 1 3000 > t/sub/numbers && ln -s ../hello t/sub/link && "
		 "truncate -s 70000 t/sub/deeper/sparse && "
		 "echo tail >> t/sub/deeper/sparse && "
		 "truncate -s %s img && "
		 "mke2fs -q -F -t ext4 -E root_owner=0:0 %s -d t img "
		 ">/dev/null 2>&1", dir, size, opts);
	if (!system(cmd)) {
		libc_snprintf(cmd, sizeof(cmd), "%s/img", dir);
		f = fopen(cmd, "rb");
		if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
		    !fseek(f, 0, SEEK_SET)) {
			img = malloc(n);
			if (img && fread(img, 1, n, f) == (size_t)n)
				*len = n;
			else {
				free(img);
				img = NULL;
			}
		}
		if (f)
			fclose(f);
	}
	libc_snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
	return img;
}

#endif /* _FUZZ_EXT4IMG_H */
