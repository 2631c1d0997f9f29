/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a cpio "newc" archive in memory (lib/cpio.c): the program
 * archive `tessera run` boots nodes with, which the processor reads its
 * run manifests from (managers/processor/initrd.c) and the memory node
 * fills its image registry from (managers/memory/service.c).  Pure: no
 * allocation, no locks; entries point into the archive.
 */
#ifndef _TESSERA_CPIO_H
#define _TESSERA_CPIO_H

#include <tessera/types.h>

struct cpio_file {
	const char *name;		/* not NUL-terminated: name_len */
	u32 name_len;
	const void *data;
	u64 size;
};

/*
 * The entry at *@off of the archive [@base, @base + @size) in *@out, and
 * *@off moved to the next one.  0; -ENOENT at the trailer; -EINVAL if
 * the archive is malformed there (or ends without a trailer).
 */
int cpio_next(const void *base, u64 size, u64 *off, struct cpio_file *out);

/*
 * Find @name in the archive.  0, or -ENOENT, or -EINVAL if the archive
 * is malformed before @name is found.
 */
int cpio_find(const void *base, u64 size, const char *name,
	      struct cpio_file *out);

#endif /* _TESSERA_CPIO_H */
