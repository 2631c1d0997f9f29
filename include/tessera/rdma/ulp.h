/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot-time RDMA consumers started once rxe0 and its CM are up: the
 * two-node traffic test (rdmatest/, `rdmatest=`) and the rping client
 * and server (rping/, `rping=`).  Each does nothing unless its command
 * line parameter is given.
 */
#ifndef _TESSERA_RDMA_ULP_H
#define _TESSERA_RDMA_ULP_H

void rdmatest_init(void);
void rping_init(void);

#endif /* _TESSERA_RDMA_ULP_H */
