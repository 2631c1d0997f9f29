/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pages of tmpfs files (tmpfs_store.c): objects named by (processor
 * node, object id), each a tree of 4 KiB pages allocated when first
 * written, and a page count per processor node held under a bound.
 * Pure logic without FIT, so the host tests build it; the P2M_TMPFS_*
 * handlers on top are tmpfs.c's.  The caller serialises every call on
 * one store (tmpfs.c: tmpfs_lock).
 */
#ifndef _MANAGERS_MEMORY_TMPFS_STORE_H
#define _MANAGERS_MEMORY_TMPFS_STORE_H

#include <fit/fit_wire.h>
#include <tessera/list.h>
#include <tessera/types.h>

#define TMPFS_STORE_HASH	64

struct tmpfs_store {
	struct list_head hash[TMPFS_STORE_HASH];	/* of tmpfs_object */
	u64 limit_pages;		/* per processor node, 0: none */
	u64 node_pages[FIT_MAX_NODES];	/* pages held for each node */
	u64 unpinned;			/* maps not counted: out of memory */
};

/* An empty store bounding each node to @limit_pages (0: unbounded). */
void tmpfs_store_init(struct tmpfs_store *s, u64 limit_pages);

/*
 * Store @len bytes of @buf at @off of object (@node, @id), creating it
 * and its pages as needed, in order: *@done is the bytes stored.  0, or
 * -ENOSPC / -ENOMEM when not one byte was stored (a later page that
 * does not fit ends the write short, with 0).  *@pages: the object's
 * page count after the call.
 */
int tmpfs_store_write(struct tmpfs_store *s, u16 node, u64 id, u64 off,
		      const void *buf, u32 len, u32 *done, u64 *pages);
/* @len bytes at @off into @buf, zeros where nothing was written. */
void tmpfs_store_read(struct tmpfs_store *s, u16 node, u64 id, u64 off,
		      void *buf, u32 len, u64 *pages);
/*
 * Cut the object to @size bytes: pages wholly at or past it are freed,
 * the rest of the page holding @size is zeroed.  *@pages as above.
 */
void tmpfs_store_truncate(struct tmpfs_store *s, u16 node, u64 id, u64 size,
			  u64 *pages);
/*
 * The object's node dropped it (its file has no name and no descriptor
 * left): its pages go now, or when the last vma mapping it goes
 * (nothing if there is none).
 */
void tmpfs_store_free(struct tmpfs_store *s, u16 node, u64 id);
/*
 * One more (@delta 1) or one fewer (-1) vma maps the object; the last
 * one gone frees an object its node dropped, or an empty one.
 */
void tmpfs_store_map(struct tmpfs_store *s, u16 node, u64 id, int delta);
/* Drop every object of @node, mapped or not (the node restarted). */
void tmpfs_store_free_node(struct tmpfs_store *s, u16 node);
/* Pages of the object (0 if none). */
u64 tmpfs_store_pages(struct tmpfs_store *s, u16 node, u64 id);

#endif /* _MANAGERS_MEMORY_TMPFS_STORE_H */
