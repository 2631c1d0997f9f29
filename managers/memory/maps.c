/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text of /proc/<pid>/maps for a remote process: one line per vma in
 * Linux's format (fs/proc/task_mmu.c's layout, as its man page proc(5)
 * describes it), produced here because the vmas live on this node and
 * served by P2M_MAPS (service.c).  Pure: no locks (the caller holds the
 * process's), no allocation, no FIT; tests/host/test_pseudo_maps.c runs
 * it on the host.
 *
 * A line is "start-end perms offset major:minor inode " with the
 * addresses as at least 8 hex digits, the offset as 8, the device as two
 * 2-digit hex numbers; a named mapping then pads with spaces to column
 * 73 and appends the name.  Names are the caller's choice ([heap],
 * [stack], the program's path); an unnamed line keeps its trailing
 * space, as Linux's do.
 */
#include "internal.h"

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#include <uapi/mman.h>

int vma_format_maps(const struct vma *v, u32 dev, u64 ino, const char *name,
		    char *buf, size_t size)
{
	u64 off = v->flags & VMA_FILE ? v->file_off : 0;
	int len, name_len = name ? strlen(name) : 0;

	len = snprintf(buf, size, "%08llx-%08llx %c%c%cp %08llx %02x:%02x %llu ",
		       (unsigned long long)v->start,
		       (unsigned long long)v->end,
		       v->prot & PROT_READ ? 'r' : '-',
		       v->prot & PROT_WRITE ? 'w' : '-',
		       v->prot & PROT_EXEC ? 'x' : '-',
		       (unsigned long long)off, (dev >> 8) & 0xff, dev & 0xff,
		       (unsigned long long)ino);
	if (len < 0 || (size_t)len >= size)
		return -ENOSPC;
	if (name) {
		int pad = len < VMA_MAPS_NAME_COL ? VMA_MAPS_NAME_COL - len : 0;

		if ((size_t)len + pad + name_len + 1 >= size)
			return -ENOSPC;
		memset(buf + len, ' ', pad);
		len += pad;
		memcpy(buf + len, name, name_len);
		len += name_len;
	}
	if ((size_t)len + 1 >= size)
		return -ENOSPC;
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

long rmm_format_maps(struct rmm *mm, u64 start, vma_maps_name_fn name,
		     void *ctx, char *buf, size_t size, u64 *next, bool *eof)
{
	struct vma *v = rmm_vma_after(mm, start);
	size_t done = 0;

	*next = start;
	for (; v; v = rmm_next_vma(v)) {
		struct vma_maps_id id = { 0 };
		int len;

		name(ctx, mm, v, &id);
		len = vma_format_maps(v, id.dev, id.ino, id.name, buf + done,
				      size - done);
		if (len < 0)
			break;
		done += len;
		*next = v->end;
	}
	*eof = !v;
	if (!done && v)
		return -ENOSPC;
	return done;
}
