/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of rdmatest/ share: rdmatest.c (the two-node traffic
 * test, `rdmatest=server|client:ADDR`) starts the benchmark's echo
 * server of bench.c for `rdmatest=echo` (rdmabench_echo_start(true),
 * declared in <tessera/rdma/rdmabench.h> for other benchmarks too).
 */
#ifndef _RDMATEST_INTERNAL_H
#define _RDMATEST_INTERNAL_H

#include <tessera/rdma/rdmabench.h>	/* rdmabench_echo_start() */

#endif /* _RDMATEST_INTERNAL_H */
