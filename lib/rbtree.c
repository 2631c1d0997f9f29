/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Red-black tree rebalancing and traversal (<tessera/rbtree.h>), after the
 * textbook algorithm (Cormen et al., "Introduction to Algorithms", ch. 13)
 * with NULL leaves instead of a sentinel node.  Since a NULL leaf has no
 * parent field, the erase fix-up carries the parent of the doubly-black
 * position alongside it.
 *
 * Invariants: the root is black; a red node has no red child; every path
 * from a node down to a NULL leaf crosses the same number of black nodes.
 * Together they bound the height by 2 log2(n + 1).
 */
#include <tessera/rbtree.h>

static inline void rb_set_parent(struct rb_node *node, struct rb_node *parent)
{
	node->__rb_parent_color = (unsigned long)parent |
				  (node->__rb_parent_color & RB_BLACK);
}

static inline void rb_set_parent_color(struct rb_node *node,
				       struct rb_node *parent,
				       unsigned long color)
{
	node->__rb_parent_color = (unsigned long)parent | color;
}

static inline void rb_set_black(struct rb_node *node)
{
	node->__rb_parent_color |= RB_BLACK;
}

static inline void rb_set_red(struct rb_node *node)
{
	node->__rb_parent_color &= ~RB_BLACK;
}

static inline unsigned long rb_color(const struct rb_node *node)
{
	return node->__rb_parent_color & RB_BLACK;
}

/* NULL leaves count as black. */
static inline bool is_black(const struct rb_node *node)
{
	return !node || rb_is_black(node);
}

/* Make new take old's place under old's parent (or as the root). */
static void replace_child(struct rb_node *old, struct rb_node *new,
			  struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 *     x              y
 *    / \            / \
 *   a   y    =>    x   c
 *      / \        / \
 *     b   c      a   b
 */
static void rotate_left(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->rb_right, *parent = rb_parent(x);

	x->rb_right = y->rb_left;
	if (y->rb_left)
		rb_set_parent(y->rb_left, x);
	rb_set_parent(y, parent);
	replace_child(x, y, parent, root);
	y->rb_left = x;
	rb_set_parent(x, y);
}

/* Mirror image of rotate_left(). */
static void rotate_right(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->rb_left, *parent = rb_parent(x);

	x->rb_left = y->rb_right;
	if (y->rb_right)
		rb_set_parent(y->rb_right, x);
	rb_set_parent(y, parent);
	replace_child(x, y, parent, root);
	y->rb_right = x;
	rb_set_parent(x, y);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent, *gparent, *uncle;

	/* node is red; the only possible violation is a red parent. */
	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		/* A red parent is not the root, so gparent exists. */
		gparent = rb_parent(parent);
		if (parent == gparent->rb_left) {
			uncle = gparent->rb_right;
			if (!is_black(uncle)) {
				/* Recolour and push the problem up. */
				rb_set_black(parent);
				rb_set_black(uncle);
				rb_set_red(gparent);
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				/* Turn the zig-zag into a straight line. */
				rotate_left(parent, root);
				node = parent;
				parent = rb_parent(node);
			}
			rb_set_black(parent);
			rb_set_red(gparent);
			rotate_right(gparent, root);
		} else {
			uncle = gparent->rb_left;
			if (!is_black(uncle)) {
				rb_set_black(parent);
				rb_set_black(uncle);
				rb_set_red(gparent);
				node = gparent;
				continue;
			}
			if (node == parent->rb_left) {
				rotate_right(parent, root);
				node = parent;
				parent = rb_parent(node);
			}
			rb_set_black(parent);
			rb_set_red(gparent);
			rotate_left(gparent, root);
		}
	}
	rb_set_black(root->rb_node);
}

/*
 * The subtree at x (possibly a NULL leaf), child of parent, is one black
 * node short.  Restore the black height.
 */
static void erase_fixup(struct rb_node *x, struct rb_node *parent,
			struct rb_root *root)
{
	struct rb_node *w;

	while (x != root->rb_node && is_black(x)) {
		/* x is short of one black, so its sibling w is not NULL. */
		if (x == parent->rb_left) {
			w = parent->rb_right;
			if (rb_is_red(w)) {
				rb_set_black(w);
				rb_set_red(parent);
				rotate_left(parent, root);
				w = parent->rb_right;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				rb_set_red(w);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (is_black(w->rb_right)) {
				rb_set_black(w->rb_left);
				rb_set_red(w);
				rotate_right(w, root);
				w = parent->rb_right;
			}
			rb_set_parent_color(w, rb_parent(w), rb_color(parent));
			rb_set_black(parent);
			rb_set_black(w->rb_right);
			rotate_left(parent, root);
		} else {
			w = parent->rb_left;
			if (rb_is_red(w)) {
				rb_set_black(w);
				rb_set_red(parent);
				rotate_right(parent, root);
				w = parent->rb_left;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				rb_set_red(w);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (is_black(w->rb_left)) {
				rb_set_black(w->rb_right);
				rb_set_red(w);
				rotate_left(w, root);
				w = parent->rb_left;
			}
			rb_set_parent_color(w, rb_parent(w), rb_color(parent));
			rb_set_black(parent);
			rb_set_black(w->rb_left);
			rotate_right(parent, root);
		}
		x = root->rb_node;
		break;
	}
	if (x)
		rb_set_black(x);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent = rb_parent(node);
	struct rb_node *child, *succ, *fix_parent;
	bool removed_black;

	if (!node->rb_left || !node->rb_right) {
		/* At most one child: splice node out. */
		child = node->rb_left ? node->rb_left : node->rb_right;
		removed_black = rb_is_black(node);
		replace_child(node, child, parent, root);
		if (child)
			rb_set_parent(child, parent);
		fix_parent = parent;
	} else {
		/*
		 * Two children: the in-order successor (leftmost node of
		 * the right subtree, which has no left child) takes node's
		 * place and colour; the tree loses a node at succ's old
		 * position instead.
		 */
		succ = node->rb_right;
		while (succ->rb_left)
			succ = succ->rb_left;
		removed_black = rb_is_black(succ);
		child = succ->rb_right;
		if (rb_parent(succ) == node) {
			fix_parent = succ;
		} else {
			fix_parent = rb_parent(succ);
			fix_parent->rb_left = child;
			if (child)
				rb_set_parent(child, fix_parent);
			succ->rb_right = node->rb_right;
			rb_set_parent(succ->rb_right, succ);
		}
		succ->rb_left = node->rb_left;
		rb_set_parent(succ->rb_left, succ);
		rb_set_parent_color(succ, parent, rb_color(node));
		replace_child(node, succ, parent, root);
	}

	if (removed_black)
		erase_fixup(child, fix_parent, root);
}

void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root)
{
	struct rb_node *parent = rb_parent(victim);

	*new = *victim;
	if (victim->rb_left)
		rb_set_parent(victim->rb_left, new);
	if (victim->rb_right)
		rb_set_parent(victim->rb_right, new);
	replace_child(victim, new, parent, root);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	/* Climb until we come up from a left child. */
	while ((parent = rb_parent(node)) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->rb_left)
		node = parent;
	return parent;
}
