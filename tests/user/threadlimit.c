// SPDX-License-Identifier: GPL-2.0
/*
 * The node's thread limit: "threadlimit TRIES" creates up to TRIES
 * threads that all stay alive (blocked on a condition variable) and
 * stops at the first pthread_create() error, prints how many it made
 * and the error, releases and joins them all, then does it again (the
 * count must be the same: joined threads no longer count), and prints
 * getrlimit(RLIMIT_NPROC).  Natively TRIES threads fit; on Tessera with
 * processor.max_threads=N, N - 1 do (the main thread is one), then
 * EAGAIN.  tests/cluster/test_memsys.py checks the numbers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int released;

static void *waiter(void *arg)
{
	pthread_mutex_lock(&lock);
	while (!released)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return arg;
}

static unsigned long fill(pthread_t *tids, unsigned long tries,
			  const char *round)
{
	unsigned long n;
	int err = 0;

	released = 0;
	for (n = 0; n < tries; n++) {
		err = pthread_create(&tids[n], NULL, waiter, NULL);
		if (err)
			break;
	}
	printf("%s: created %lu threads, then %s\n", round, n,
	       err ? strerror(err) : "no error");
	pthread_mutex_lock(&lock);
	released = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (unsigned long i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	return n;
}

int main(int argc, char **argv)
{
	unsigned long tries = argc > 1 ? strtoul(argv[1], NULL, 0) : 100;
	pthread_t *tids = calloc(tries, sizeof(*tids));
	unsigned long first, second;
	struct rlimit rl;

	if (!tids)
		return 1;
	first = fill(tids, tries, "first");
	second = fill(tids, tries, "second");
	if (getrlimit(RLIMIT_NPROC, &rl) == 0)
		printf("RLIMIT_NPROC %llu %llu\n",
		       (unsigned long long)rl.rlim_cur,
		       (unsigned long long)rl.rlim_max);
	printf("same count both times: %s\n", first == second ? "yes" : "NO");
	return first == second ? 0 : 1;
}
