/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pages behind the processor's tmpfs (see tmpfs_store.h).  An
 * object is found by hashing (node, id) into a chain; its pages hang in
 * an rbtree keyed by page index, so a sparse file costs only the pages
 * written.  Every page is counted in node_pages[] of the processor node
 * that owns the object; a write that would pass the bound stops at the
 * last page that fits (Linux's short write on a full tmpfs), and the
 * bytes written before are never touched.  Truncate gives pages back at
 * once, and so does free unless a vma still maps the object (a running
 * program's file, or a mapping that outlived its descriptor and name):
 * then the pages stay until the last such vma goes, as an unlinked but
 * mapped file's do on Linux.
 */
#include "tmpfs_store.h"

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/rbtree.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#define TMPFS_PAGE	4096u

struct tmpfs_object {
	struct list_head link;		/* in tmpfs_store.hash[] */
	u16 node;
	u64 id;
	struct rb_root pages;		/* of tmpfs_page, by index */
	u64 nr_pages;
	u32 maps;			/* vmas mapping it (tmpfs_store_map()) */
	bool unlinked;			/* freed by its node while mapped */
};

struct tmpfs_page {
	struct rb_node rb;
	u64 index;
	u8 *data;			/* TMPFS_PAGE bytes */
};

void tmpfs_store_init(struct tmpfs_store *s, u64 limit_pages)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < TMPFS_STORE_HASH; i++)
		INIT_LIST_HEAD(&s->hash[i]);
	s->limit_pages = limit_pages;
}

static struct list_head *tmpfs_chain(struct tmpfs_store *s, u16 node, u64 id)
{
	u64 h = (id ^ ((u64)node << 48)) * 0x9e3779b97f4a7c15ULL;

	return &s->hash[h >> 58];
}

static struct tmpfs_object *tmpfs_find(struct tmpfs_store *s, u16 node,
				       u64 id)
{
	struct tmpfs_object *o;

	list_for_each_entry(o, tmpfs_chain(s, node, id), link)
		if (o->node == node && o->id == id)
			return o;
	return NULL;
}

static struct tmpfs_page *tmpfs_page_find(struct tmpfs_object *o, u64 index)
{
	struct rb_node *n = o->pages.rb_node;

	while (n) {
		struct tmpfs_page *p = rb_entry(n, struct tmpfs_page, rb);

		if (index < p->index)
			n = n->rb_left;
		else if (index > p->index)
			n = n->rb_right;
		else
			return p;
	}
	return NULL;
}

/* A new zeroed page at @index of @o, if the bound allows: NULL, *@err. */
static struct tmpfs_page *tmpfs_page_add(struct tmpfs_store *s,
					 struct tmpfs_object *o, u64 index,
					 int *err)
{
	struct rb_node **link = &o->pages.rb_node, *parent = NULL;
	struct tmpfs_page *p;

	if (s->limit_pages && s->node_pages[o->node] >= s->limit_pages) {
		*err = -ENOSPC;
		return NULL;
	}
	*err = -ENOMEM;
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	p->data = (u8 *)get_zeroed_page(GFP_KERNEL);
	if (!p->data) {
		kfree(p);
		return NULL;
	}
	p->index = index;
	while (*link) {
		parent = *link;
		if (index < rb_entry(parent, struct tmpfs_page, rb)->index)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&p->rb, parent, link);
	rb_insert_color(&p->rb, &o->pages);
	o->nr_pages++;
	s->node_pages[o->node]++;
	return p;
}

static void tmpfs_page_del(struct tmpfs_store *s, struct tmpfs_object *o,
			   struct tmpfs_page *p)
{
	rb_erase(&p->rb, &o->pages);
	free_page((unsigned long)p->data);
	kfree(p);
	o->nr_pages--;
	s->node_pages[o->node]--;
}

static struct tmpfs_object *tmpfs_object_new(struct tmpfs_store *s, u16 node,
					     u64 id)
{
	struct tmpfs_object *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return NULL;
	o->node = node;
	o->id = id;
	o->pages = RB_ROOT;
	list_add(&o->link, tmpfs_chain(s, node, id));
	return o;
}

static void tmpfs_object_free(struct tmpfs_store *s, struct tmpfs_object *o);

/* Free @o if nothing needs it: no vma maps it, and it is empty or freed. */
static void tmpfs_object_release(struct tmpfs_store *s, struct tmpfs_object *o)
{
	if (!o->maps && (o->unlinked || !o->nr_pages))
		tmpfs_object_free(s, o);
}

int tmpfs_store_write(struct tmpfs_store *s, u16 node, u64 id, u64 off,
		      const void *buf, u32 len, u32 *done, u64 *pages)
{
	struct tmpfs_object *o = tmpfs_find(s, node, id);
	int err = 0;

	*done = 0;
	if (!o && len) {
		o = tmpfs_object_new(s, node, id);
		if (!o) {
			*pages = 0;
			return -ENOMEM;
		}
	}
	while (*done < len) {
		u64 pos = off + *done;
		u32 in = pos % TMPFS_PAGE;
		u32 n = min_t(u32, len - *done, TMPFS_PAGE - in);
		struct tmpfs_page *p = tmpfs_page_find(o, pos / TMPFS_PAGE);

		if (!p)
			p = tmpfs_page_add(s, o, pos / TMPFS_PAGE, &err);
		if (!p)
			break;
		memcpy(p->data + in, (const u8 *)buf + *done, n);
		*done += n;
	}
	*pages = o ? o->nr_pages : 0;
	if (o)
		tmpfs_object_release(s, o);
	return *done || !len ? 0 : err;
}

void tmpfs_store_read(struct tmpfs_store *s, u16 node, u64 id, u64 off,
		      void *buf, u32 len, u64 *pages)
{
	struct tmpfs_object *o = tmpfs_find(s, node, id);
	u32 done = 0;

	while (done < len) {
		u64 pos = off + done;
		u32 in = pos % TMPFS_PAGE;
		u32 n = min_t(u32, len - done, TMPFS_PAGE - in);
		struct tmpfs_page *p = o ? tmpfs_page_find(o, pos / TMPFS_PAGE) :
					   NULL;

		if (p)
			memcpy((u8 *)buf + done, p->data + in, n);
		else
			memset((u8 *)buf + done, 0, n);
		done += n;
	}
	*pages = o ? o->nr_pages : 0;
}

void tmpfs_store_truncate(struct tmpfs_store *s, u16 node, u64 id, u64 size,
			  u64 *pages)
{
	struct tmpfs_object *o = tmpfs_find(s, node, id);
	u64 first = (size + TMPFS_PAGE - 1) / TMPFS_PAGE;
	struct tmpfs_page *p;
	struct rb_node *n;

	*pages = 0;
	if (!o)
		return;
	if (size % TMPFS_PAGE) {
		p = tmpfs_page_find(o, size / TMPFS_PAGE);
		if (p)
			memset(p->data + size % TMPFS_PAGE, 0,
			       TMPFS_PAGE - size % TMPFS_PAGE);
	}
	while ((n = rb_last(&o->pages))) {
		p = rb_entry(n, struct tmpfs_page, rb);
		if (p->index < first)
			break;
		tmpfs_page_del(s, o, p);
	}
	*pages = o->nr_pages;
}

static void tmpfs_object_free(struct tmpfs_store *s, struct tmpfs_object *o)
{
	struct rb_node *n;

	while ((n = rb_first(&o->pages)))
		tmpfs_page_del(s, o, rb_entry(n, struct tmpfs_page, rb));
	list_del(&o->link);
	kfree(o);
}

void tmpfs_store_free(struct tmpfs_store *s, u16 node, u64 id)
{
	struct tmpfs_object *o = tmpfs_find(s, node, id);

	if (!o)
		return;
	o->unlinked = true;
	tmpfs_object_release(s, o);
}

void tmpfs_store_map(struct tmpfs_store *s, u16 node, u64 id, int delta)
{
	struct tmpfs_object *o = tmpfs_find(s, node, id);

	if (delta > 0) {
		/* An empty file has no object yet: one to hold the count. */
		if (!o)
			o = tmpfs_object_new(s, node, id);
		if (!o) {
			s->unpinned++;
			return;
		}
		o->maps++;
		return;
	}
	/* None: its node restarted (tmpfs_store_free_node()), or the
	 * count could not be taken. */
	if (!o || !o->maps)
		return;
	o->maps--;
	tmpfs_object_release(s, o);
}

void tmpfs_store_free_node(struct tmpfs_store *s, u16 node)
{
	struct tmpfs_object *o, *tmp;

	for (unsigned int i = 0; i < TMPFS_STORE_HASH; i++)
		list_for_each_entry_safe(o, tmp, &s->hash[i], link)
			if (o->node == node)
				tmpfs_object_free(s, o);
}

u64 tmpfs_store_pages(struct tmpfs_store *s, u16 node, u64 id)
{
	struct tmpfs_object *o = tmpfs_find(s, node, id);

	return o ? o->nr_pages : 0;
}
