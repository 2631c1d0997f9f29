/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for the intrusive containers: lib/rbtree.c and the
 * header-only <tessera/list.h>.
 *
 * The red-black test inserts and erases thousands of random keys and,
 * after every operation, checks the tree against a sorted reference
 * array (in-order walk, rb_next/rb_prev both ways, rb_first/rb_last) and
 * checks the red-black invariants directly: BST order, parent pointers,
 * black root, no red node with a red child, equal black height on every
 * path, and the height bound 2*log2(n+1) that follows from them.
 */
/* HTEST-SOURCES: lib/rbtree.c lib/string.c */
#include "htest.h"
#include <tessera/rbtree.h>
#include <tessera/list.h>
#include <tessera/string.h>

struct item {
	int key;
	bool in_tree;
	struct rb_node node;
	struct list_head link;
};

static void item_insert(struct rb_root *root, struct item *it)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (it->key < rb_entry(parent, struct item, node)->key)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color(&it->node, root);
	it->in_tree = true;
}

/*
 * Check the subtree at n (parent expected as its parent, keys in
 * [lo, hi]); returns its black height, or -1 after reporting a problem.
 */
static int check_subtree(struct htest *t, const struct rb_node *n,
			 const struct rb_node *parent, long lo, long hi,
			 int depth, int *max_depth)
{
	const struct item *it;
	int lh, rh;

	if (!n)
		return 1;
	if (depth > *max_depth)
		*max_depth = depth;
	it = rb_entry(n, struct item, node);
	if (rb_parent(n) != parent) {
		HT_FAIL(t, "key %d: wrong parent pointer", it->key);
		return -1;
	}
	if (it->key < lo || it->key > hi) {
		HT_FAIL(t, "key %d outside [%ld, %ld]", it->key, lo, hi);
		return -1;
	}
	if (rb_is_red(n) && ((n->rb_left && rb_is_red(n->rb_left)) ||
			     (n->rb_right && rb_is_red(n->rb_right)))) {
		HT_FAIL(t, "key %d: red node with a red child", it->key);
		return -1;
	}
	lh = check_subtree(t, n->rb_left, n, lo, it->key, depth + 1, max_depth);
	rh = check_subtree(t, n->rb_right, n, it->key, hi, depth + 1, max_depth);
	if (lh < 0 || rh < 0)
		return -1;
	if (lh != rh) {
		HT_FAIL(t, "key %d: black heights %d and %d", it->key, lh, rh);
		return -1;
	}
	return lh + rb_is_black(n);
}

/* Full check against the sorted reference ref[0..n). */
static bool check_tree(struct htest *t, const struct rb_root *root,
		       const int *ref, int n)
{
	const struct rb_node *node;
	int i, max_depth = 0, bound = 0;

	if (root->rb_node && !rb_is_black(root->rb_node)) {
		HT_FAIL(t, "red root");
		return false;
	}
	if (check_subtree(t, root->rb_node, NULL, -2147483648L, 2147483647L,
			  1, &max_depth) < 0)
		return false;
	for (int m = n + 1; m > 1; m >>= 1)
		bound++;
	/* height <= 2 log2(n + 1); bound is floor(log2(n + 1)). */
	if (max_depth > 2 * (bound + 1)) {
		HT_FAIL(t, "height %d for %d nodes", max_depth, n);
		return false;
	}

	for (i = 0, node = rb_first(root); node; node = rb_next(node), i++) {
		if (i >= n || rb_entry(node, struct item, node)->key != ref[i]) {
			HT_FAIL(t, "in-order position %d differs", i);
			return false;
		}
	}
	if (i != n) {
		HT_FAIL(t, "walked %d nodes, expected %d", i, n);
		return false;
	}
	for (i = n - 1, node = rb_last(root); node; node = rb_prev(node), i--) {
		if (i < 0 || rb_entry(node, struct item, node)->key != ref[i]) {
			HT_FAIL(t, "reverse position %d differs", i);
			return false;
		}
	}
	return i == -1;
}

static unsigned long long rng_state = 0x2545f4914f6cdd1dULL;

static unsigned int rnd(unsigned int bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % bound;
}

/* Sorted-array reference: insert keeps order, duplicates go last. */
static void ref_insert(int *ref, int *n, int key)
{
	int i = *n;

	while (i > 0 && ref[i - 1] > key) {
		ref[i] = ref[i - 1];
		i--;
	}
	ref[i] = key;
	(*n)++;
}

static void ref_remove(int *ref, int *n, int key)
{
	int i = 0;

	while (ref[i] != key)
		i++;
	memmove(&ref[i], &ref[i + 1], (*n - i - 1) * sizeof(int));
	(*n)--;
}

#define NR_ITEMS	2000

static void test_rbtree_random(struct htest *t)
{
	static struct item items[NR_ITEMS];
	static int ref[NR_ITEMS];
	struct rb_root root = RB_ROOT;
	int n = 0, ops = 0;

	HT_EXPECT(t, RB_EMPTY_ROOT(&root));
	HT_EXPECT(t, rb_first(&root) == NULL && rb_last(&root) == NULL);
	for (int i = 0; i < NR_ITEMS; i++) {
		/* Keys from a small range: plenty of duplicates. */
		items[i].key = rnd(NR_ITEMS / 2) - NR_ITEMS / 4;
		items[i].in_tree = false;
	}
	/* Phases: grow to full, shrink to empty, then a random mix. */
	for (int phase = 0; phase < 3; phase++) {
		for (int step = 0; step < 3 * NR_ITEMS; step++) {
			struct item *it = &items[rnd(NR_ITEMS)];
			bool insert = phase == 0 ? true : phase == 1 ? false :
				      rnd(2);

			if (insert && !it->in_tree) {
				item_insert(&root, it);
				ref_insert(ref, &n, it->key);
			} else if (!insert && it->in_tree) {
				rb_erase(&it->node, &root);
				it->in_tree = false;
				ref_remove(ref, &n, it->key);
			} else {
				continue;
			}
			ops++;
			/* Full check is O(n): do it often, not always. */
			if ((ops < 500 || ops % 7 == 0) &&
			    !check_tree(t, &root, ref, n))
				return;
		}
		if (!check_tree(t, &root, ref, n))
			return;
		if (phase == 1) {
			for (int i = 0; i < NR_ITEMS; i++) {
				if (items[i].in_tree) {
					rb_erase(&items[i].node, &root);
					items[i].in_tree = false;
					ref_remove(ref, &n, items[i].key);
				}
			}
			HT_EXPECT(t, RB_EMPTY_ROOT(&root));
			HT_EXPECT_EQ(t, n, 0);
		}
	}
	printf("# rbtree: %d inserts/erases, %d nodes left\n", ops, n);
	HT_EXPECT(t, ops > 5000);
}

static void test_rbtree_sequential(struct htest *t)
{
	static struct item items[1024];
	static int ref[1024];
	struct rb_root root = RB_ROOT;

	/* Ascending inserts are the classic worst case for a plain BST. */
	for (int i = 0; i < 1024; i++) {
		items[i].key = i;
		ref[i] = i;
		item_insert(&root, &items[i]);
	}
	if (!check_tree(t, &root, ref, 1024))
		return;
	/* Erase every other node from the middle out, then the rest. */
	for (int i = 0; i < 1024; i += 2)
		rb_erase(&items[i].node, &root);
	for (int i = 0; i < 512; i++)
		ref[i] = 2 * i + 1;
	if (!check_tree(t, &root, ref, 512))
		return;
	for (int i = 1023; i > 0; i -= 2)
		rb_erase(&items[i].node, &root);
	HT_EXPECT(t, RB_EMPTY_ROOT(&root));
}

static void test_rbtree_replace_clear(struct htest *t)
{
	struct item a = { .key = 1 }, b = { .key = 2 }, c = { .key = 3 };
	struct item b2 = { .key = 2 };
	struct rb_root root = RB_ROOT;
	int ref[] = { 1, 2, 3 };

	RB_CLEAR_NODE(&a.node);
	HT_EXPECT(t, RB_EMPTY_NODE(&a.node));
	HT_EXPECT(t, rb_next(&a.node) == NULL);
	item_insert(&root, &b);
	item_insert(&root, &a);
	item_insert(&root, &c);
	HT_EXPECT(t, !RB_EMPTY_NODE(&a.node));
	rb_replace_node(&b.node, &b2.node, &root);
	HT_EXPECT(t, root.rb_node == &b2.node);
	HT_EXPECT(t, rb_next(&a.node) == &b2.node);
	HT_EXPECT(t, rb_prev(&c.node) == &b2.node);
	check_tree(t, &root, ref, 3);
	HT_EXPECT(t, rb_entry_safe(rb_first(&root), struct item, node) == &a);
	HT_EXPECT(t, rb_entry_safe((struct rb_node *)NULL, struct item, node) == NULL);
}

static int list_keys(struct list_head *head, int *out, int max)
{
	struct item *it;
	int n = 0;

	list_for_each_entry(it, head, link) {
		if (n < max)
			out[n] = it->key;
		n++;
	}
	return n;
}

static void test_list_basic(struct htest *t)
{
	struct item it[5];
	int keys[8];
	LIST_HEAD(head);

	HT_EXPECT(t, list_empty(&head));
	HT_EXPECT(t, list_first_entry_or_null(&head, struct item, link) == NULL);
	for (int i = 0; i < 5; i++) {
		it[i].key = i;
		list_add_tail(&it[i].link, &head);
	}
	HT_EXPECT_EQ(t, list_count_nodes(&head), 5);
	HT_EXPECT_EQ(t, list_keys(&head, keys, 8), 5);
	for (int i = 0; i < 5; i++)
		HT_EXPECT_EQ(t, keys[i], i);
	HT_EXPECT(t, list_first_entry(&head, struct item, link) == &it[0]);
	HT_EXPECT(t, list_last_entry(&head, struct item, link) == &it[4]);
	HT_EXPECT(t, list_is_first(&it[0].link, &head));
	HT_EXPECT(t, list_is_last(&it[4].link, &head));

	list_del(&it[2].link);
	HT_EXPECT(t, it[2].link.next == LIST_POISON1);
	list_move(&it[4].link, &head);		/* 4 0 1 3 */
	list_move_tail(&it[0].link, &head);	/* 4 1 3 0 */
	HT_EXPECT_EQ(t, list_keys(&head, keys, 8), 4);
	HT_EXPECT(t, keys[0] == 4 && keys[1] == 1 && keys[2] == 3 && keys[3] == 0);

	list_add(&it[2].link, &head);		/* 2 4 1 3 0 */
	HT_EXPECT(t, list_first_entry(&head, struct item, link) == &it[2]);
	{
		struct item *pos;
		int n = 0, want[] = { 0, 3, 1, 4, 2 };

		list_for_each_entry_reverse(pos, &head, link) {
			HT_EXPECT_EQ(t, pos->key, want[n]);
			n++;
		}
		HT_EXPECT_EQ(t, n, 5);
	}

	list_del_init(&it[1].link);
	HT_EXPECT(t, list_empty(&it[1].link));
	HT_EXPECT_EQ(t, list_count_nodes(&head), 4);
}

static void test_list_safe_splice(struct htest *t)
{
	struct item it[6], *pos, *n;
	int keys[8];
	LIST_HEAD(a);
	LIST_HEAD(b);

	for (int i = 0; i < 6; i++) {
		it[i].key = i;
		list_add_tail(&it[i].link, i < 3 ? &a : &b);
	}
	/* Delete the odd keys while iterating. */
	list_for_each_entry_safe(pos, n, &b, link) {
		if (pos->key & 1)
			list_del(&pos->link);
	}
	HT_EXPECT_EQ(t, list_keys(&b, keys, 8), 1);
	HT_EXPECT_EQ(t, keys[0], 4);

	list_splice_init(&b, &a);		/* 4 0 1 2 */
	HT_EXPECT(t, list_empty(&b));
	HT_EXPECT_EQ(t, list_keys(&a, keys, 8), 4);
	HT_EXPECT(t, keys[0] == 4 && keys[1] == 0 && keys[3] == 2);

	list_add(&it[5].link, &b);
	list_add(&it[3].link, &b);		/* b: 3 5 */
	list_splice_tail_init(&b, &a);		/* 4 0 1 2 3 5 */
	HT_EXPECT(t, list_empty(&b));
	HT_EXPECT_EQ(t, list_keys(&a, keys, 8), 6);
	HT_EXPECT(t, keys[4] == 3 && keys[5] == 5);
	HT_EXPECT(t, list_last_entry(&a, struct item, link) == &it[5]);
	/* Splicing an empty list changes nothing. */
	list_splice_init(&b, &a);
	HT_EXPECT_EQ(t, list_count_nodes(&a), 6);

	list_for_each_entry_safe(pos, n, &a, link)
		list_del_init(&pos->link);
	HT_EXPECT(t, list_empty(&a));
	HT_EXPECT(t, !list_is_singular(&a));
	list_add(&it[0].link, &a);
	HT_EXPECT(t, list_is_singular(&a));
	list_replace_init(&it[0].link, &it[1].link);
	HT_EXPECT(t, list_first_entry(&a, struct item, link) == &it[1]);
	HT_EXPECT(t, list_empty(&it[0].link));
}

static const struct htest_case cases[] = {
	HT_CASE(test_rbtree_random),
	HT_CASE(test_rbtree_sequential),
	HT_CASE(test_rbtree_replace_clear),
	HT_CASE(test_list_basic),
	HT_CASE(test_list_safe_splice),
	{}
};

HTEST_MAIN(cases)
