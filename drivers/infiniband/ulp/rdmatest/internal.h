/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of rdmatest/ share: rdmatest.c (the two-node traffic
 * test, `rdmatest=server|client:ADDR`) starts the benchmark's echo
 * server of bench.c for `rdmatest=echo`.
 */
#ifndef _RDMATEST_INTERNAL_H
#define _RDMATEST_INTERNAL_H

/* Start the `bench=rdma` peer: accept one RDMA CM connection on
 * RDMABENCH_PORT, echo every SEND back, expose a buffer for READ and
 * WRITE, halt when the client disconnects. */
void rdmabench_server_start(void);

#define RDMABENCH_PORT	18516

#endif /* _RDMATEST_INTERNAL_H */
