/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node identity from the command line: role= (processor, memory,
 * storage) and node= (0..MAX_NODE_ID).  No cluster table is compiled in;
 * a node knows only itself until it meets its peers on the fabric.
 */
#include <tessera/node.h>
#include <tessera/params.h>

#define MAX_NODE_ID	255

static const char *const role_names[] = {
	"processor", "memory", "storage", NULL
};

/* Index into role_names, -1 while role= has not been given. */
static int role_param = -1;
enum node_role node_role = ROLE_NONE;
unsigned int node_id;

PARAM_ENUM("role", role_param, role_names,
	   "what this node manages: processor, memory or storage");
PARAM_UINT("node", node_id, 0, MAX_NODE_ID, "this node's id in the cluster");

const char *node_role_name(enum node_role role)
{
	switch (role) {
	case ROLE_PROCESSOR:
		return "processor";
	case ROLE_MEMORY:
		return "memory";
	case ROLE_STORAGE:
		return "storage";
	default:
		return "none";
	}
}

void node_identity_init(void)
{
	static const enum node_role map[] = {
		ROLE_PROCESSOR, ROLE_MEMORY, ROLE_STORAGE
	};

	node_role = (role_param >= 0 && role_param < 3) ? map[role_param] :
		    ROLE_NONE;
}
