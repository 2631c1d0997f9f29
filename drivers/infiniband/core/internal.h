/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to drivers/infiniband/core and its ktests: hooks that let a
 * test stop the CM thread at a chosen point.  Consumers use
 * <tessera/rdma/cm.h> and <tessera/rdma/rdma_cm.h>.
 */
#ifndef _IB_CORE_INTERNAL_H
#define _IB_CORE_INTERNAL_H

#include <tessera/rdma/cm.h>

/*
 * Called by the CM thread with no lock held after it has picked @id for
 * @ev and before it delivers the event: the window in which a consumer
 * on another thread may destroy @id.  A test sets it (CONFIG_KTEST only)
 * to hold the CM thread there; it may sleep.  NULL otherwise.
 */
extern void (*ib_cm_test_dispatch_hook)(struct ib_cm_id *id,
					const struct ib_cm_event *ev);

/*
 * ib_cm.max_connecting_per_ip and ib_cm.max_connecting (cm.c): a test
 * lowers them to reach them with a few REQs, and restores them.
 */
extern unsigned int cm_max_connecting_per_ip, cm_max_connecting;

#endif /* _IB_CORE_INTERNAL_H */
