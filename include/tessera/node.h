/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who this node is: its role in the splitkernel and its node id, both
 * from the boot command line (role=, node=).  kernel/node.c.
 */
#ifndef _TESSERA_NODE_H
#define _TESSERA_NODE_H

enum node_role {
	ROLE_NONE,
	ROLE_PROCESSOR,
	ROLE_MEMORY,
	ROLE_STORAGE,
};

extern enum node_role node_role;
extern unsigned int node_id;

/* Set node_role from the parsed role= parameter. */
void node_identity_init(void);

/* "processor", "memory", "storage" or "none". */
const char *node_role_name(enum node_role role);

#endif /* _TESSERA_NODE_H */
