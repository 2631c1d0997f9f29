/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CM's retransmission waits, pure logic (host-tested by
 * tests/host/test_cm_timer.c; cm.c runs the timers).
 *
 * A message that wants an answer (REQ, REP, DREQ) is sent again when
 * none came within its period: the peer's CM response timeout plus the
 * packet life, both IBA 4.096 us * 2^code values.  Each wait is that
 * period stretched by a pseudo-random part of up to half of it.  A
 * constant wait phase-locks with periodic traffic: with the FIT
 * heartbeats (two frames per 200 ms) a REQ waits 4.36 s, about 44
 * frames, so a receiver that loses every 9th frame (net.drop=9) lost
 * the next REQ whenever it had lost the first, and each try after it
 * (issue 18; udpecho had the same lock in issue 19).  The random part
 * spreads the tries over about 20 frame positions, so each is lost on
 * its own.  The waits only grow: never sooner than the peer asked for.
 */
#include <tessera/rdma/cm.h>

u64 cm_timeout_ns(u8 code)
{
	return 4096ull << (code > 31 ? 31 : code);
}

/* xorshift32: cheap, and never 0 from a non-zero seed. */
static u32 cm_timer_next(u32 *seed)
{
	u32 x = *seed ?: 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*seed = x;
	return x;
}

u64 cm_retry_wait_ns(u64 period_ns, u32 *seed)
{
	u64 spread = period_ns / 2;

	if (!spread)
		return period_ns;
	return period_ns + cm_timer_next(seed) % spread;
}
