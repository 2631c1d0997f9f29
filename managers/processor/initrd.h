/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the program archive `tessera run` boots a node with: a cpio
 * "newc" archive in a boot module (managers/processor/initrd.c).  The
 * processor reads its run manifests and, in local mode, the executables
 * from it; the memory node (managers/memory/service.c) puts its files
 * into the image registry.  Pure: no allocation, no locks.
 */
#ifndef _MANAGERS_PROCESSOR_INITRD_H
#define _MANAGERS_PROCESSOR_INITRD_H

#include <tessera/types.h>

struct initrd_file {
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
int initrd_next(const void *base, u64 size, u64 *off, struct initrd_file *out);

/*
 * Find @name in the archive.  0, or -ENOENT, or -EINVAL if the archive
 * is malformed before @name is found.
 */
int initrd_find(const void *base, u64 size, const char *name,
		struct initrd_file *out);

#endif /* _MANAGERS_PROCESSOR_INITRD_H */
