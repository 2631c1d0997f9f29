/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verbs SEND ping-pong of bench=rdma (drivers/infiniband/ulp/
 * rdmatest/bench.c), for benchmarks that want the rxe SEND round trip
 * next to their own numbers, from the same boot pair (fittest=bench).
 *
 * One side serves: it accepts one RDMA CM connection on RDMABENCH_PORT,
 * sends every SEND it receives back unchanged, and exposes a buffer for
 * READ and WRITE.  The other connects and times ping-pongs.  Both sides
 * wait for completions by polling their CQ and yield()ing, so a round
 * trip costs no thread wakeup beyond the NICs' receive threads.  One
 * connection per boot, one user at a time.
 */
#ifndef _TESSERA_RDMA_RDMABENCH_H
#define _TESSERA_RDMA_RDMABENCH_H

#include <tessera/types.h>

#define RDMABENCH_PORT		18516
#define RDMABENCH_MAX_SEND	4096	/* the server's receive slots */

/*
 * Serve one connection in a thread ("rdmabench").  With @halt the
 * machine halts when the client disconnects (rdmatest=echo); without,
 * the thread stops polling and ends.  0 or -errno.
 */
int rdmabench_echo_start(bool halt);

/*
 * Connect to the server at @ip (host order), retrying while it is not
 * listening yet (about 10 s).  0 or -errno.
 */
int rdmabench_connect(u32 ip);

/*
 * @n ping-pongs of @len bytes (1..RDMABENCH_MAX_SEND): post the SEND,
 * poll for the echoed message's receive completion; each round trip in
 * ns into @samples[], each echo checked byte for byte (after the clock
 * stopped).  Returns the number of good samples (a mismatch or error is
 * not one), or -errno if not connected or @len is out of range.
 */
int rdmabench_send_rtt(u32 len, u64 *samples, unsigned int n);

/* Disconnect (the server's thread then ends or halts). */
void rdmabench_disconnect(void);

#endif /* _TESSERA_RDMA_RDMABENCH_H */
