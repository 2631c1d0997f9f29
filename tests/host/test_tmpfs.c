/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the tmpfs pieces that are pure logic: the processor's
 * namespace (managers/processor/tmpfs_tree.c: lookup, create, remove,
 * rename with Linux's errors from rename(2), readdir positions across
 * removals, link counts as tmpfs keeps them) and the memory node's page
 * store (managers/memory/tmpfs_store.c: holes read as zeros, the
 * per-node bound with short writes and -ENOSPC, truncate zeroing the
 * tail, every page back after free), over the real buddy and slab
 * allocators; plus the P2M_TMPFS_* framing checks of <fit/memory.h>.
 */
/* HTEST-SOURCES: managers/processor/tmpfs_tree.c managers/memory/tmpfs_store.c mm/memblock.c mm/page_alloc.c mm/slab.c lib/rbtree.c lib/fsperm.c lib/string.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/string.h>
#include <uapi/stat.h>

#include "../../managers/memory/tmpfs_store.h"
#include "../../managers/processor/tmpfs_tree.h"

#define PG	4096u

static u64 baseline_free;

static int setup(void)
{
	static char *arena;

	if (arena)
		return 0;
	arena = host_mm_boot(16UL << 20);
	return arena ? 0 : -ENOMEM;
}

/*
 * The free pages once the slab caches the store uses hold a page each
 * (a store of one object written and freed): what every test must be
 * back to.
 */
static void store_baseline(void)
{
	struct tmpfs_store s;
	u64 pages;
	u32 done;

	tmpfs_store_init(&s, 0);
	tmpfs_store_write(&s, 0, 1, 0, "x", 1, &done, &pages);
	tmpfs_store_free(&s, 0, 1);
	baseline_free = nr_free_pages();
}

/* ------------------------------------------------------------ namespace */

struct walk {
	struct tmpfs_inode *parent, *node;
	const char *last;
	int len;
	int ret;
};

static struct walk walk(struct tmpfs_tree *t, const char *rel)
{
	struct walk w = { 0 };

	w.ret = tmpfs_tree_walk(t, rel, NULL, &w.parent, &w.node, &w.last,
				&w.len);
	return w;
}

static struct tmpfs_inode *make(struct tmpfs_tree *t, const char *rel,
				u32 mode)
{
	struct walk w = walk(t, rel);

	if (w.ret || w.node || !w.parent)
		return NULL;
	return tmpfs_tree_create(t, w.parent, w.last, w.len, mode, 7);
}

static void test_tree_walk(struct htest *t)
{
	struct tmpfs_tree tr;
	u64 ino = 2;
	struct walk w;

	HT_ASSERT(t, !setup());
	HT_ASSERT_EQ(t, tmpfs_tree_init(&tr, &ino, 01777, 5), 0);
	w = walk(&tr, "");
	HT_EXPECT(t, !w.ret && w.node == tr.root && !w.parent);
	w = walk(&tr, "/");
	HT_EXPECT(t, !w.ret && w.node == tr.root);
	HT_ASSERT(t, make(&tr, "/a", S_IFDIR | 0755));
	HT_ASSERT(t, make(&tr, "/a/f", S_IFREG | 0644));
	w = walk(&tr, "/a/f");
	HT_EXPECT(t, !w.ret && w.node && w.node->ino == 4 && w.len == 1);
	HT_EXPECT_EQ(t, w.node->nlink, 1);
	w = walk(&tr, "/a/");
	HT_EXPECT(t, !w.ret && w.node && (w.node->mode & S_IFMT) == S_IFDIR);
	w = walk(&tr, "/a/missing");
	HT_EXPECT(t, !w.ret && !w.node && w.parent && w.len == 7);
	HT_EXPECT_EQ(t, walk(&tr, "/missing/x").ret, -ENOENT);
	HT_EXPECT_EQ(t, walk(&tr, "/a/f/x").ret, -ENOTDIR);
	/* A prefix of a name is not the name. */
	HT_EXPECT(t, !walk(&tr, "/a/ff").node);
	HT_EXPECT(t, !walk(&tr, "/").node->parent);
	HT_EXPECT_EQ(t, tr.root->nlink, 3);	/* ".", its own "..", a/.. */
}

static void test_tree_remove(struct htest *t)
{
	struct tmpfs_inode *d, *f;
	struct tmpfs_tree tr;
	u64 ino = 2;

	HT_ASSERT_EQ(t, tmpfs_tree_init(&tr, &ino, 0777, 5), 0);
	d = make(&tr, "d", S_IFDIR | 0755);
	f = make(&tr, "d/f", S_IFREG | 0644);
	HT_ASSERT(t, d && f);
	HT_EXPECT_EQ(t, tmpfs_tree_remove(d, 9), -ENOTEMPTY);
	f->opens = 1;
	HT_EXPECT_EQ(t, tmpfs_tree_remove(f, 9), 0);
	HT_EXPECT_EQ(t, f->nlink, 0);
	HT_EXPECT(t, !tmpfs_inode_unused(f));	/* still open */
	HT_EXPECT(t, !walk(&tr, "d/f").node);
	HT_EXPECT_EQ(t, d->mtime, 9);
	f->opens = 0;
	HT_EXPECT(t, tmpfs_inode_unused(f));
	tmpfs_tree_put(f);
	HT_EXPECT_EQ(t, tr.root->nlink, 3);
	HT_EXPECT_EQ(t, tmpfs_tree_remove(d, 10), 0);
	HT_EXPECT_EQ(t, tr.root->nlink, 2);
	HT_EXPECT(t, tmpfs_inode_unused(d));
	tmpfs_tree_put(d);
	tmpfs_tree_put(tr.root);
}

static int rename_to(struct tmpfs_tree *tr, const char *from, const char *to,
		     struct tmpfs_inode **replaced)
{
	struct walk a = walk(tr, from), b = walk(tr, to);

	if (a.ret || b.ret || !a.node)
		return -ENOENT;
	return tmpfs_tree_rename(a.node, b.parent, b.last, b.len, b.node, 11,
				 replaced);
}

static void test_tree_rename(struct htest *t)
{
	struct tmpfs_inode *a, *b, *d1, *d2, *sub, *rep;
	struct tmpfs_tree tr;
	u64 ino = 2;

	HT_ASSERT_EQ(t, tmpfs_tree_init(&tr, &ino, 0777, 5), 0);
	a = make(&tr, "a", S_IFREG | 0644);
	b = make(&tr, "b", S_IFREG | 0644);
	d1 = make(&tr, "d1", S_IFDIR | 0755);
	d2 = make(&tr, "d2", S_IFDIR | 0755);
	sub = make(&tr, "d2/sub", S_IFDIR | 0755);
	HT_ASSERT(t, a && b && d1 && d2 && sub);
	HT_EXPECT_EQ(t, rename_to(&tr, "a", "d1", &rep), -EISDIR);
	HT_EXPECT_EQ(t, rename_to(&tr, "d1", "a", &rep), -ENOTDIR);
	HT_EXPECT_EQ(t, rename_to(&tr, "d1", "d2", &rep), -ENOTEMPTY);
	HT_EXPECT_EQ(t, rename_to(&tr, "d2", "d2/sub/x", &rep), -EINVAL);
	HT_EXPECT_EQ(t, rename_to(&tr, "d2", "d2/sub", &rep), -EINVAL);
	/* A file over a file: the target loses its name, keeps its inode. */
	HT_EXPECT_EQ(t, rename_to(&tr, "a", "b", &rep), 0);
	HT_EXPECT(t, rep == b && b->nlink == 0 && !b->parent);
	HT_EXPECT(t, walk(&tr, "b").node == a && !walk(&tr, "a").node);
	tmpfs_tree_put(b);
	/* Into another directory; link counts move with a directory. */
	HT_EXPECT_EQ(t, rename_to(&tr, "d2/sub", "d1/sub2", &rep), 0);
	HT_EXPECT(t, !rep);
	HT_EXPECT_EQ(t, d1->nlink, 3);
	HT_EXPECT_EQ(t, d2->nlink, 2);
	HT_EXPECT_EQ(t, sub->nlink, 2);
	HT_EXPECT(t, sub->parent == d1 && !strcmp(sub->name, "sub2"));
	/* A directory over an empty one. */
	HT_EXPECT_EQ(t, rename_to(&tr, "d1", "d2", &rep), 0);
	HT_EXPECT(t, rep == d2 && d2->nlink == 0);
	HT_EXPECT_EQ(t, d1->nlink, 3);
	HT_EXPECT_EQ(t, tr.root->nlink, 3);
	tmpfs_tree_put(d2);
	/* Onto itself: nothing changes. */
	HT_EXPECT_EQ(t, rename_to(&tr, "b", "b", &rep), 0);
	HT_EXPECT(t, !rep && a->nlink == 1);
}

static void test_tree_readdir(struct htest *t)
{
	const struct tmpfs_inode *n;
	struct tmpfs_inode *x[4];
	struct tmpfs_tree tr;
	const char *name;
	u64 ino = 2, pos, next;
	int seen = 0;

	HT_ASSERT_EQ(t, tmpfs_tree_init(&tr, &ino, 0777, 5), 0);
	x[0] = make(&tr, "w", S_IFREG | 0644);
	x[1] = make(&tr, "x", S_IFREG | 0644);
	x[2] = make(&tr, "y", S_IFDIR | 0755);
	x[3] = make(&tr, "z", S_IFREG | 0644);
	HT_ASSERT(t, tmpfs_tree_readdir(tr.root, 0, &n, &name, &next));
	HT_EXPECT(t, n == tr.root && !strcmp(name, ".") && next == 1);
	HT_ASSERT(t, tmpfs_tree_readdir(tr.root, 1, &n, &name, &next));
	HT_EXPECT(t, n == tr.root && !strcmp(name, ".."));
	HT_ASSERT(t, tmpfs_tree_readdir(tr.root, next, &n, &name, &pos));
	HT_EXPECT(t, n == x[0]);
	/* The entry at the cursor goes away: the next one follows. */
	HT_ASSERT(t, tmpfs_tree_readdir(tr.root, pos, &n, &name, &next));
	HT_EXPECT(t, n == x[1]);
	HT_EXPECT_EQ(t, tmpfs_tree_remove(x[1], 8), 0);
	HT_ASSERT(t, tmpfs_tree_readdir(tr.root, pos, &n, &name, &next));
	HT_EXPECT(t, n == x[2] && !strcmp(name, "y"));
	/* A new entry shows up at the end, exactly once. */
	HT_ASSERT(t, make(&tr, "new", S_IFREG | 0644));
	for (pos = 0; tmpfs_tree_readdir(tr.root, pos, &n, &name, &next);
	     pos = next)
		seen++;
	HT_EXPECT_EQ(t, seen, 2 + 4);
	HT_EXPECT(t, !tmpfs_tree_readdir(tr.root, pos, &n, &name, &next));
	/* ".." of a subdirectory is its parent. */
	HT_ASSERT(t, tmpfs_tree_readdir(x[2], 1, &n, &name, &next));
	HT_EXPECT(t, n == tr.root);
}

/* ------------------------------------------------------------ page store */

static void fill(u8 *b, u32 n, u32 salt)
{
	for (u32 i = 0; i < n; i++)
		b[i] = (u8)(i * 7 + salt + (i >> 12));
}

static void test_store_rw(struct htest *t)
{
	static u8 in[3 * PG + 100], out[3 * PG + 300];
	struct tmpfs_store s;
	u64 pages;
	u32 done;

	HT_ASSERT(t, !setup());
	store_baseline();
	tmpfs_store_init(&s, 0);
	fill(in, sizeof(in), 1);
	/* Unaligned, across four pages. */
	HT_EXPECT_EQ(t, tmpfs_store_write(&s, 3, 42, 100, in, sizeof(in),
					  &done, &pages), 0);
	HT_EXPECT_EQ(t, done, sizeof(in));
	HT_EXPECT_EQ(t, pages, 4);
	HT_EXPECT_EQ(t, s.node_pages[3], 4);
	memset(out, 0xee, sizeof(out));
	tmpfs_store_read(&s, 3, 42, 0, out, sizeof(out), &pages);
	for (u32 i = 0; i < 100; i++)
		HT_ASSERT_EQ(t, out[i], 0);
	HT_EXPECT(t, !memcmp(out + 100, in, sizeof(in)));
	for (u32 i = 100 + sizeof(in); i < sizeof(out); i++)
		HT_ASSERT_EQ(t, out[i], 0);
	/* Another node's object of the same id is another object. */
	tmpfs_store_read(&s, 4, 42, 100, out, 10, &pages);
	HT_EXPECT_EQ(t, pages, 0);
	HT_EXPECT_EQ(t, out[0], 0);
	/* A hole far out costs one page. */
	HT_EXPECT_EQ(t, tmpfs_store_write(&s, 3, 42, 1ULL << 36, "xyz", 3,
					  &done, &pages), 0);
	HT_EXPECT_EQ(t, pages, 5);
	tmpfs_store_read(&s, 3, 42, (1ULL << 36) - 2, out, 6, &pages);
	HT_EXPECT(t, !memcmp(out, "\0\0xyz\0", 6));
	tmpfs_store_free(&s, 3, 42);
	HT_EXPECT_EQ(t, s.node_pages[3], 0);
	HT_EXPECT_EQ(t, tmpfs_store_pages(&s, 3, 42), 0);
	HT_EXPECT_EQ(t, nr_free_pages(), baseline_free);
}

static void test_store_truncate(struct htest *t)
{
	static u8 in[4 * PG], out[4 * PG];
	struct tmpfs_store s;
	u64 pages;
	u32 done;

	store_baseline();
	tmpfs_store_init(&s, 0);
	fill(in, sizeof(in), 9);
	tmpfs_store_write(&s, 1, 5, 0, in, sizeof(in), &done, &pages);
	HT_EXPECT_EQ(t, pages, 4);
	tmpfs_store_truncate(&s, 1, 5, PG + 10, &pages);
	HT_EXPECT_EQ(t, pages, 2);
	HT_EXPECT_EQ(t, s.node_pages[1], 2);
	/* Growing again: the cut bytes read as zeros, not the old data. */
	tmpfs_store_read(&s, 1, 5, 0, out, sizeof(out), &pages);
	HT_EXPECT(t, !memcmp(out, in, PG + 10));
	for (u32 i = PG + 10; i < sizeof(out); i++)
		HT_ASSERT_EQ(t, out[i], 0);
	tmpfs_store_truncate(&s, 1, 5, 0, &pages);
	HT_EXPECT_EQ(t, pages, 0);
	tmpfs_store_truncate(&s, 1, 99, 0, &pages);	/* no such object */
	HT_EXPECT_EQ(t, pages, 0);
	tmpfs_store_free(&s, 1, 5);
	HT_EXPECT_EQ(t, nr_free_pages(), baseline_free);
}

static void test_store_bound(struct htest *t)
{
	static u8 in[3 * PG], out[3 * PG];
	struct tmpfs_store s;
	u64 pages;
	u32 done;

	store_baseline();
	tmpfs_store_init(&s, 4);
	fill(in, sizeof(in), 3);
	HT_EXPECT_EQ(t, tmpfs_store_write(&s, 2, 1, 0, in, 3 * PG, &done,
					  &pages), 0);
	/* 2.5 pages more fit 1 page: a short write of what fits. */
	HT_EXPECT_EQ(t, tmpfs_store_write(&s, 2, 7, 100, in, 2 * PG + 2000,
					  &done, &pages), 0);
	HT_EXPECT_EQ(t, done, PG - 100);
	HT_EXPECT_EQ(t, pages, 1);
	HT_EXPECT_EQ(t, s.node_pages[2], 4);
	/* Nothing fits: -ENOSPC, and no empty object is left behind. */
	HT_EXPECT_EQ(t, tmpfs_store_write(&s, 2, 8, 0, in, 1, &done, &pages),
		     -ENOSPC);
	HT_EXPECT_EQ(t, done, 0);
	HT_EXPECT_EQ(t, tmpfs_store_pages(&s, 2, 8), 0);
	/* Rewriting allocated pages needs no space. */
	HT_EXPECT_EQ(t, tmpfs_store_write(&s, 2, 1, 10, in, PG, &done,
					  &pages), 0);
	HT_EXPECT_EQ(t, done, PG);
	/* Other nodes have their own bound. */
	HT_EXPECT_EQ(t, tmpfs_store_write(&s, 5, 1, 0, in, 1, &done, &pages),
		     0);
	/* Every byte written before is intact. */
	tmpfs_store_read(&s, 2, 1, 0, out, 3 * PG, &pages);
	HT_EXPECT(t, !memcmp(out, in, 10));
	HT_EXPECT(t, !memcmp(out + 10, in, PG));
	HT_EXPECT(t, !memcmp(out + 10 + PG, in + 10 + PG, 2 * PG - 10 - PG));
	/* Space comes back with a free. */
	tmpfs_store_free(&s, 2, 1);
	HT_EXPECT_EQ(t, tmpfs_store_write(&s, 2, 8, 0, in, 3 * PG, &done,
					  &pages), 0);
	HT_EXPECT_EQ(t, done, 3 * PG);
	tmpfs_store_free_node(&s, 2);
	tmpfs_store_free_node(&s, 5);
	HT_EXPECT_EQ(t, s.node_pages[2], 0);
	HT_EXPECT_EQ(t, nr_free_pages(), baseline_free);
}

/* A mapped object outlives its free until the last map goes. */
static void test_store_map_pins(struct htest *t)
{
	static u8 in[2 * PG], out[2 * PG];
	struct tmpfs_store s;
	u64 pages;
	u32 done;

	store_baseline();
	tmpfs_store_init(&s, 0);
	fill(in, sizeof(in), 4);
	tmpfs_store_write(&s, 1, 9, 0, in, sizeof(in), &done, &pages);
	tmpfs_store_map(&s, 1, 9, 1);
	tmpfs_store_map(&s, 1, 9, 1);
	tmpfs_store_free(&s, 1, 9);
	/* Still readable, still counted against the node. */
	HT_EXPECT_EQ(t, tmpfs_store_pages(&s, 1, 9), 2);
	HT_EXPECT_EQ(t, s.node_pages[1], 2);
	tmpfs_store_read(&s, 1, 9, 0, out, sizeof(out), &pages);
	HT_EXPECT(t, !memcmp(out, in, sizeof(in)));
	tmpfs_store_map(&s, 1, 9, -1);
	HT_EXPECT_EQ(t, tmpfs_store_pages(&s, 1, 9), 2);
	tmpfs_store_map(&s, 1, 9, -1);
	HT_EXPECT_EQ(t, tmpfs_store_pages(&s, 1, 9), 0);
	HT_EXPECT_EQ(t, s.node_pages[1], 0);
	/* A put too many, or of an unknown object, changes nothing. */
	tmpfs_store_map(&s, 1, 9, -1);
	tmpfs_store_map(&s, 1, 77, -1);
	/* An empty file mapped, then written, unmapped: the data stays. */
	tmpfs_store_map(&s, 1, 10, 1);
	tmpfs_store_write(&s, 1, 10, 0, in, PG, &done, &pages);
	tmpfs_store_map(&s, 1, 10, -1);
	HT_EXPECT_EQ(t, tmpfs_store_pages(&s, 1, 10), 1);
	/* Mapped and never written: nothing left once unmapped. */
	tmpfs_store_map(&s, 1, 11, 1);
	tmpfs_store_map(&s, 1, 11, -1);
	HT_EXPECT_EQ(t, tmpfs_store_pages(&s, 1, 11), 0);
	/* A restarted node loses its objects, mapped or not. */
	tmpfs_store_map(&s, 1, 10, 1);
	tmpfs_store_free_node(&s, 1);
	HT_EXPECT_EQ(t, s.node_pages[1], 0);
	tmpfs_store_map(&s, 1, 10, -1);
	HT_EXPECT_EQ(t, s.unpinned, 0);
	HT_EXPECT_EQ(t, nr_free_pages(), baseline_free);
}

/* ------------------------------------------------------------ framing */

static void test_wire_checks(struct htest *t)
{
	static u8 buf[sizeof(struct p2m_tmpfs_req) + P2M_TMPFS_IO_MAX + 1];
	struct p2m_tmpfs_req *r = (struct p2m_tmpfs_req *)buf;
	u32 sz = sizeof(*r);

	memset(buf, 0, sizeof(buf));
	p2m_hdr_init(&r->hdr, 7);
	fit_put_le64(&r->object, 3);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_READ, buf, sz), 0);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_FREE, buf, sz), 0);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_TRUNCATE, buf, sz + 1),
		     -EPROTO);
	fit_put_le32(&r->len, 10);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_WRITE, buf, sz + 10), 0);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_WRITE, buf, sz + 9), -EPROTO);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_READ, buf, sz), 0);
	/* A length on TRUNCATE/FREE, or past the maximum, is malformed. */
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_TRUNCATE, buf, sz), -EPROTO);
	fit_put_le32(&r->len, P2M_TMPFS_IO_MAX + 1);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_WRITE, buf,
				      sz + P2M_TMPFS_IO_MAX + 1), -EPROTO);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_READ, buf, sz), -EPROTO);
	fit_put_le32(&r->len, 0);
	fit_put_le32(&r->reserved, 1);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_READ, buf, sz), -EPROTO);
	fit_put_le32(&r->reserved, 0);
	fit_put_le64(&r->object, 0);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_FREE, buf, sz), -EPROTO);
	fit_put_le64(&r->object, 3);
	fit_put_le32(&r->hdr.pid, 0);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_TMPFS_FREE, buf, sz), -EPROTO);
}

/* P2M_EXECVE naming tmpfs objects: the trailer's framing and fields. */
static void test_exec_wire_checks(struct htest *t)
{
	static u8 buf[sizeof(struct p2m_execve_req) +
		      sizeof(struct p2m_execve_tmpfs) + 16];
	struct p2m_execve_req *r = (struct p2m_execve_req *)buf;
	struct p2m_execve_tmpfs *x = (struct p2m_execve_tmpfs *)(r + 1);
	u32 sz = sizeof(*r), tsz = sizeof(*x);

	memset(buf, 0, sizeof(buf));
	p2m_hdr_init(&r->hdr, 7);
	fit_put_le16(&r->path_len, 4);
	fit_put_le32(&r->strings_len, 2);
	/* Without flags: header, path, strings. */
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + 6), 0);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6),
		     -EPROTO);
	/* P2M_EXECVE_TMPFS: the trailer is counted in the length. */
	fit_put_le32(&r->flags, P2M_EXECVE_TMPFS);
	fit_put_le64(&x->object, 5);
	fit_put_le64(&x->size, 4096);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6), 0);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + 6), -EPROTO);
	/* Interpreter fields need P2M_EXECVE_TMPFS_INTERP. */
	fit_put_le64(&x->interp_object, 6);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6),
		     -EPROTO);
	fit_put_le32(&r->flags, P2M_EXECVE_TMPFS | P2M_EXECVE_TMPFS_INTERP);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6), 0);
	/* INTERP alone, unknown flags and sizes past 2^40 are malformed. */
	fit_put_le32(&r->flags, P2M_EXECVE_TMPFS_INTERP);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6),
		     -EPROTO);
	fit_put_le32(&r->flags, P2M_EXECVE_TMPFS | 0x4);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6),
		     -EPROTO);
	fit_put_le32(&r->flags, P2M_EXECVE_TMPFS | P2M_EXECVE_TMPFS_INTERP);
	fit_put_le64(&x->interp_size, P2M_TMPFS_MAX_SIZE + 1);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6),
		     -EPROTO);
	fit_put_le64(&x->interp_size, 0);
	fit_put_le64(&x->size, P2M_TMPFS_MAX_SIZE + 1);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6),
		     -EPROTO);
	fit_put_le64(&x->size, 4096);
	/* The vDSO's page count is bounded; the reserved word is zero. */
	fit_put_le32(&r->vdso_pages, P2M_VDSO_MAX_PAGES);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6), 0);
	fit_put_le32(&r->vdso_pages, P2M_VDSO_MAX_PAGES + 1);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6),
		     -EPROTO);
	fit_put_le32(&r->vdso_pages, 1);
	fit_put_le32(&r->reserved, 1);
	HT_EXPECT_EQ(t, p2m_req_check(P2M_EXECVE, buf, sz + tsz + 6),
		     -EPROTO);
}

static const struct htest_case cases[] = {
	HT_CASE(test_tree_walk),
	HT_CASE(test_tree_remove),
	HT_CASE(test_tree_rename),
	HT_CASE(test_tree_readdir),
	HT_CASE(test_store_rw),
	HT_CASE(test_store_truncate),
	HT_CASE(test_store_bound),
	HT_CASE(test_store_map_pins),
	HT_CASE(test_wire_checks),
	HT_CASE(test_exec_wire_checks),
	{}
};

HTEST_MAIN(cases)
