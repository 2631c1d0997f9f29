// SPDX-License-Identifier: GPL-2.0
/*
 * Timeouts at the edges: a timespec with tv_sec near LLONG_MAX means
 * "practically forever", never a wrapped-around short wait, and a
 * tv_nsec outside [0, 10^9) or a negative tv_sec is EINVAL (Linux's
 * timespec64_valid()).
 *
 *  - futex WAIT / WAIT_BITSET (relative and absolute) with a bad
 *    timespec: EINVAL, checked before the futex value;
 *  - futex WAIT with the largest timeout on a word that differs: EAGAIN;
 *    on a word that matches: still asleep after 200 ms, then woken by
 *    another thread (0, not ETIMEDOUT);
 *  - nanosleep, clock_nanosleep (relative and TIMER_ABSTIME, MONOTONIC
 *    and REALTIME) with bad timespecs: EINVAL; with the largest one, in
 *    threads that must still be asleep 200 ms later (exit() ends them);
 *  - a short futex timeout still times out (ETIMEDOUT).
 * Output is the same natively and on Tessera.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static unsigned int word;
static volatile int sleeper_returned[4];

static long futex(unsigned int *uaddr, int op, unsigned int val,
		  const struct timespec *ts, unsigned int bitset)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, bitset);
}

static const char *err_name(long ret, int err)
{
	if (ret >= 0)
		return "0";
	switch (err) {
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINTR: return "EINTR";
	case EFAULT: return "EFAULT";
	case ENOSYS: return "ENOSYS";
	default: return "other";
	}
}

#define SHOW(what, call) do {						\
	long _r;							\
	errno = 0;							\
	_r = (call);							\
	printf("%-48s %s\n", what, err_name(_r, errno));		\
} while (0)

/* clock_nanosleep returns the error instead of setting errno. */
#define SHOW_CNS(what, call) do {					\
	int _e = (call);						\
	printf("%-48s %s\n", what, err_name(_e ? -1 : 0, _e));	\
} while (0)

static void bad_timespecs(void)
{
	static const struct timespec bad[] = {
		{ 0, 1000000000 }, { 0, -1 }, { -1, 0 }, { 1, LONG_MAX },
		{ LLONG_MIN, 0 },
	};
	char what[64];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct timespec *ts = &bad[i];

		snprintf(what, sizeof(what), "futex WAIT bad timespec %u", i);
		/* The value differs too: EINVAL must win. */
		SHOW(what, futex(&word, FUTEX_WAIT_PRIVATE, word + 1, ts, 0));
		snprintf(what, sizeof(what),
			 "futex WAIT_BITSET bad timespec %u", i);
		SHOW(what, futex(&word, FUTEX_WAIT_BITSET_PRIVATE, word, ts,
				 FUTEX_BITSET_MATCH_ANY));
		snprintf(what, sizeof(what), "nanosleep bad timespec %u", i);
		SHOW(what, nanosleep(ts, NULL));
		snprintf(what, sizeof(what), "clock_nanosleep bad timespec %u",
			 i);
		SHOW_CNS(what, clock_nanosleep(CLOCK_MONOTONIC, 0, ts, NULL));
		snprintf(what, sizeof(what),
			 "clock_nanosleep ABSTIME bad timespec %u", i);
		SHOW_CNS(what, clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME,
					       ts, NULL));
	}
}

static void *sleeper(void *arg)
{
	static const struct timespec forever = { LLONG_MAX, 999999999 };
	long which = (long)arg;

	switch (which) {
	case 0:
		nanosleep(&forever, NULL);
		break;
	case 1:
		clock_nanosleep(CLOCK_MONOTONIC, 0, &forever, NULL);
		break;
	case 2:
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &forever, NULL);
		break;
	case 3:
		clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &forever, NULL);
		break;
	}
	sleeper_returned[which] = 1;
	return NULL;
}

static void *waker(void *arg)
{
	(void)arg;
	usleep(200000);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, 0);
	return NULL;
}

int main(void)
{
	static const struct timespec forever = { LLONG_MAX, 999999999 };
	static const struct timespec big = { LLONG_MAX / 1000000000 + 1, 0 };
	struct timespec short_wait = { 0, 20000000 };
	pthread_t t[4], w;

	setvbuf(stdout, NULL, _IOLBF, 0);
	bad_timespecs();

	SHOW("futex WAIT forever, value differs",
	     futex(&word, FUTEX_WAIT_PRIVATE, 7, &forever, 0));
	SHOW("futex WAIT 9.2e18 ns, value differs",
	     futex(&word, FUTEX_WAIT_PRIVATE, 7, &big, 0));
	SHOW("futex WAIT_BITSET abs forever, value differs",
	     futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 7, &forever,
		   FUTEX_BITSET_MATCH_ANY));
	SHOW("futex WAIT 20 ms, value matches",
	     futex(&word, FUTEX_WAIT_PRIVATE, 0, &short_wait, 0));

	/* Woken after 200 ms: a wrapped timeout would have ended it early. */
	pthread_create(&w, NULL, waker, NULL);
	SHOW("futex WAIT forever, woken",
	     futex(&word, FUTEX_WAIT_PRIVATE, 0, &forever, 0));
	pthread_join(w, NULL);
	word = 0;
	pthread_create(&w, NULL, waker, NULL);
	SHOW("futex WAIT_BITSET abs forever, woken",
	     futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0,
		   &forever, FUTEX_BITSET_MATCH_ANY));
	pthread_join(w, NULL);

	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, sleeper, (void *)i);
	usleep(300000);
	for (int i = 0; i < 4; i++)
		printf("sleeper %d (forever): %s\n", i,
		       sleeper_returned[i] ? "RETURNED EARLY" : "still asleep");
	/* exit() ends the sleepers. */
	exit(0);
}
