/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path names as the processor's file system calls see them, before they
 * reach the storage node: joining a relative name to its starting
 * directory (the cwd, or a directory descriptor's path) and normalising
 * the result lexically.  Pure string logic, built into the host test
 * tests/host/test_path.c too; the descriptor table and the P2S client
 * are fs.c's.
 *
 * The storage service (P2S_OPEN) resolves absolute paths only, so every
 * name is turned into one here: "//" and "." vanish and ".." drops the
 * component before it (".." at the root stays at the root).  This is
 * lexical, unlike Linux, which walks ".." through the real parent: the
 * two differ only when a symlink to a directory is followed by "..".
 * A final "/", "." or ".." means "must be a directory"; it survives as
 * a trailing "/" in the result, which the service checks (-ENOTDIR).
 */
#include <tessera/errno.h>
#include <tessera/string.h>

#include "fs_path.h"

/* Append component @name (@n bytes) to the normal path @out of @len bytes. */
static int path_push(char *out, size_t *len, size_t size, const char *name,
		     size_t n)
{
	size_t at = *len == 1 ? 1 : *len + 1;

	if (n > FS_NAME_MAX)
		return -ENAMETOOLONG;
	/* Room for the name, a trailing '/' (see above) and the NUL. */
	if (at + n + 2 > size)
		return -ENAMETOOLONG;
	if (*len != 1)
		out[*len] = '/';
	memcpy(out + at, name, n);
	*len = at + n;
	out[*len] = '\0';
	return 0;
}

/* Drop the last component of @out ("/" stays "/"). */
static void path_pop(char *out, size_t *len)
{
	size_t i = *len;

	while (i > 1 && out[i - 1] != '/')
		i--;
	*len = i > 1 ? i - 1 : 1;
	out[*len] = '\0';
}

/*
 * Apply the components of @p to @out.  *@dir_only tells whether the
 * last one demands a directory (".", ".." or a slash after it).
 */
static int path_walk(char *out, size_t *len, size_t size, const char *p,
		     bool *dir_only)
{
	while (*p) {
		const char *name;
		size_t n;
		int ret;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		name = p;
		while (*p && *p != '/')
			p++;
		n = p - name;
		*dir_only = *p == '/';
		if (n == 1 && name[0] == '.') {
			*dir_only = true;
		} else if (n == 2 && name[0] == '.' && name[1] == '.') {
			*dir_only = true;
			path_pop(out, len);
		} else {
			ret = path_push(out, len, size, name, n);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int fs_path_resolve(const char *base, const char *path, char *out,
		    size_t size)
{
	bool dir_only = false, ignored = false;
	size_t len = 1;
	int ret;

	if (!path[0])
		return -ENOENT;
	if (size < 2 || (path[0] != '/' && base[0] != '/'))
		return -EINVAL;
	out[0] = '/';
	out[1] = '\0';
	if (path[0] != '/') {
		ret = path_walk(out, &len, size, base, &ignored);
		if (ret)
			return ret;
	}
	ret = path_walk(out, &len, size, path, &dir_only);
	if (ret)
		return ret;
	if (dir_only && len > 1) {
		out[len++] = '/';
		out[len] = '\0';
	}
	return len;
}

void fs_path_strip_slash(char *path)
{
	size_t len = strlen(path);

	if (len > 1 && path[len - 1] == '/')
		path[len - 1] = '\0';
}
