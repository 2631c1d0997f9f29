/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lexical path logic of the processor's file system calls (fs_path.c):
 * pure, no kernel services, so the host test links it as is.
 */
#ifndef _MANAGERS_PROCESSOR_FS_PATH_H
#define _MANAGERS_PROCESSOR_FS_PATH_H

#include <tessera/types.h>

#define FS_NAME_MAX	255	/* bytes of one component, as ext4 */

/*
 * The absolute, lexically normal form of @path looked up from the
 * absolute directory @base (unused when @path is absolute), into @out of
 * @size bytes: no "//", "." or "..", no trailing '/' except one that
 * means "must be a directory" (a final '/', "." or "..").  Returns its
 * length (>= 1), -ENOENT for an empty @path, -ENAMETOOLONG when a
 * component exceeds FS_NAME_MAX or the result (plus NUL) exceeds @size,
 * -EINVAL when @base is needed but not absolute.
 */
int fs_path_resolve(const char *base, const char *path, char *out,
		    size_t size);

/* Drop the "must be a directory" slash of a resolved path, if any. */
void fs_path_strip_slash(char *path);

#endif /* _MANAGERS_PROCESSOR_FS_PATH_H */
