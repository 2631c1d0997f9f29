/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Red-black trees (lib/rbtree.c), intrusive, with the Linux API shape.
 * The tree does not compare keys: the caller walks down from the root
 * to find the link where a new node belongs, links it with
 * rb_link_node() and then calls rb_insert_color() to rebalance:
 *
 *	struct rb_node **link = &root->rb_node, *parent = NULL;
 *	while (*link) {
 *		parent = *link;
 *		if (key < rb_entry(parent, struct foo, node)->key)
 *			link = &parent->rb_left;
 *		else
 *			link = &parent->rb_right;
 *	}
 *	rb_link_node(&new->node, parent, link);
 *	rb_insert_color(&new->node, root);
 *
 * No locking: the owner of the root says what protects the tree.  The
 * parent pointer and the colour share one word (nodes are at least
 * 4-byte aligned, bit 0 is the colour: 1 = black).
 */
#ifndef _TESSERA_RBTREE_H
#define _TESSERA_RBTREE_H

#include <tessera/compiler.h>

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __aligned(sizeof(long));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_RED		0UL
#define RB_BLACK	1UL

#define RB_ROOT		((struct rb_root) { NULL })

#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) ({				\
	__typeof__(ptr) ____ptr = (ptr);				\
	____ptr ? rb_entry(____ptr, type, member) : NULL;		\
})

static inline struct rb_node *rb_parent(const struct rb_node *node)
{
	return (struct rb_node *)(node->__rb_parent_color & ~3UL);
}

static inline bool rb_is_black(const struct rb_node *node)
{
	return node->__rb_parent_color & RB_BLACK;
}

static inline bool rb_is_red(const struct rb_node *node)
{
	return !rb_is_black(node);
}

#define RB_EMPTY_ROOT(root)	(READ_ONCE((root)->rb_node) == NULL)

/* A node that is in no tree points to itself (see RB_CLEAR_NODE). */
#define RB_EMPTY_NODE(node) \
	((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node) \
	((node)->__rb_parent_color = (unsigned long)(node))

/* Hang node, coloured red, at *link under parent (NULL for the root). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->__rb_parent_color = (unsigned long)parent | RB_RED;
	node->rb_left = node->rb_right = NULL;
	*link = node;
}

/* Rebalance after rb_link_node(). */
void rb_insert_color(struct rb_node *node, struct rb_root *root);
/* Unlink node and rebalance; node's fields are garbage afterwards. */
void rb_erase(struct rb_node *node, struct rb_root *root);
/* Put new in victim's place (same key!) without rebalancing. */
void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root);

/* In-order traversal; NULL at the ends or for an empty tree. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

#endif /* _TESSERA_RBTREE_H */
