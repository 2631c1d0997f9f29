/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "rbtree": random inserts and erases on lib/rbtree.c as built
 * into the kernel, checking after each batch the red-black invariants
 * (black root, no red-red edge, equal black height, parent links, key
 * order) and the in-order walk against a reference count per key.
 */
#include <tessera/ktest.h>
#include <tessera/rbtree.h>

#define NR_NODES	512
#define NR_KEYS		128

struct rbt_item {
	int key;
	bool in_tree;
	struct rb_node node;
};

static struct rbt_item items[NR_NODES];
static int key_count[NR_KEYS];

static void rbt_insert(struct rb_root *root, struct rbt_item *it)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (it->key < rb_entry(parent, struct rbt_item, node)->key)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color(&it->node, root);
}

/* Black height of the subtree at n, or -1 if an invariant is broken. */
static int rbt_check(const struct rb_node *n, const struct rb_node *parent,
		     int lo, int hi)
{
	int key, lh, rh;

	if (!n)
		return 1;
	key = rb_entry(n, struct rbt_item, node)->key;
	if (rb_parent(n) != parent || key < lo || key > hi)
		return -1;
	if (rb_is_red(n) && ((n->rb_left && rb_is_red(n->rb_left)) ||
			     (n->rb_right && rb_is_red(n->rb_right))))
		return -1;
	lh = rbt_check(n->rb_left, n, lo, key);
	rh = rbt_check(n->rb_right, n, key, hi);
	if (lh < 0 || lh != rh)
		return -1;
	return lh + rb_is_black(n);
}

static bool rbt_walk_matches(const struct rb_root *root)
{
	int seen[NR_KEYS] = { 0 }, prev = -1;

	for (struct rb_node *n = rb_first(root); n; n = rb_next(n)) {
		int key = rb_entry(n, struct rbt_item, node)->key;

		if (key < prev)
			return false;
		prev = key;
		seen[key]++;
	}
	for (int k = 0; k < NR_KEYS; k++) {
		if (seen[k] != key_count[k])
			return false;
	}
	return true;
}

static void rbtree_random_ops(struct ktest *t)
{
	struct rb_root root = RB_ROOT;
	unsigned long long s = 0x2545f4914f6cdd1dULL;
	int ops = 0;

	for (int i = 0; i < NR_NODES; i++)
		items[i].in_tree = false;
	for (int k = 0; k < NR_KEYS; k++)
		key_count[k] = 0;
	for (int step = 0; step < 8 * NR_NODES; step++) {
		struct rbt_item *it;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		it = &items[s % NR_NODES];
		if (!it->in_tree) {
			it->key = (s >> 20) % NR_KEYS;
			rbt_insert(&root, it);
			key_count[it->key]++;
		} else {
			rb_erase(&it->node, &root);
			key_count[it->key]--;
		}
		it->in_tree = !it->in_tree;
		ops++;
		if (ops % 16)
			continue;
		if (root.rb_node && rb_is_red(root.rb_node)) {
			KT_FAIL(t, "red root after %d ops", ops);
			return;
		}
		if (rbt_check(root.rb_node, NULL, 0, NR_KEYS) < 0) {
			KT_FAIL(t, "invariant broken after %d ops", ops);
			return;
		}
		if (!rbt_walk_matches(&root)) {
			KT_FAIL(t, "walk differs from reference after %d ops", ops);
			return;
		}
	}
	for (int i = 0; i < NR_NODES; i++) {
		if (items[i].in_tree)
			rb_erase(&items[i].node, &root);
	}
	KT_EXPECT_NULL(t, root.rb_node);
}

static void rbtree_walk_both_ways(struct ktest *t)
{
	struct rb_root root = RB_ROOT;
	struct rb_node *n;
	int i;

	for (i = 0; i < 100; i++) {
		items[i].key = (i * 37) % 100;	/* a permutation of 0..99 */
		rbt_insert(&root, &items[i]);
	}
	KT_EXPECT_EQ(t, rbt_check(root.rb_node, NULL, 0, 99) > 0, 1);
	for (i = 0, n = rb_first(&root); n; n = rb_next(n), i++)
		KT_EXPECT_EQ(t, rb_entry(n, struct rbt_item, node)->key, i);
	KT_EXPECT_EQ(t, i, 100);
	for (i = 99, n = rb_last(&root); n; n = rb_prev(n), i--)
		KT_EXPECT_EQ(t, rb_entry(n, struct rbt_item, node)->key, i);
	KT_EXPECT_EQ(t, i, -1);
	for (i = 0; i < 100; i++)
		rb_erase(&items[i].node, &root);
	KT_EXPECT_NULL(t, rb_first(&root));
}

static struct ktest_case rbtree_cases[] = {
	KTEST_CASE(rbtree_random_ops),
	KTEST_CASE(rbtree_walk_both_ways),
	{}
};

KTEST_SUITE(rbtree, rbtree_cases);
