// SPDX-License-Identifier: GPL-2.0
/*
 * Threads come and go for a long time without using up the kernel:
 * "threadloop CYCLES BURST" runs CYCLES rounds of pthread_create then
 * pthread_join (one thread at a time), then one burst of BURST threads
 * alive together (each waits until all are made: more than the kernel's
 * cache of 64 free stacks), all joined.  Every thread adds its number
 * to a sum under a mutex; the sum and the counts are printed, so the
 * output is the same natively and on Tessera.  A create that fails is reported with its error and the
 * program exits 1.  tests/cluster/test_memsys.py checks that the
 * kernel's free memory after the program is what it was before.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static unsigned long long sum;
static int released;

static void *worker(void *arg)
{
	pthread_mutex_lock(&lock);
	sum += (unsigned long)arg;
	pthread_mutex_unlock(&lock);
	return arg;
}

/* A burst thread: all of them are alive at once, until released. */
static void *burst_worker(void *arg)
{
	pthread_mutex_lock(&lock);
	while (!released)
		pthread_cond_wait(&go, &lock);
	sum += (unsigned long)arg;
	pthread_mutex_unlock(&lock);
	return arg;
}

int main(int argc, char **argv)
{
	unsigned long cycles = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
	unsigned long burst = argc > 2 ? strtoul(argv[2], NULL, 0) : 100;
	unsigned long long want = 0;
	pthread_t *tids;
	void *ret;
	int err;

	for (unsigned long i = 1; i <= cycles; i++) {
		pthread_t t;

		err = pthread_create(&t, NULL, worker, (void *)i);
		if (err) {
			printf("create %lu failed: %s\n", i, strerror(err));
			return 1;
		}
		if (pthread_join(t, &ret) || ret != (void *)i) {
			printf("join %lu failed\n", i);
			return 1;
		}
		want += i;
	}
	printf("%lu create/join cycles: sum %llu (%s)\n", cycles, sum,
	       sum == want ? "ok" : "WRONG");

	tids = calloc(burst, sizeof(*tids));
	if (!tids)
		return 1;
	sum = want = 0;
	for (unsigned long i = 0; i < burst; i++) {
		err = pthread_create(&tids[i], NULL, burst_worker,
				     (void *)(i + 1));
		if (err) {
			printf("burst create %lu failed: %s\n", i,
			       strerror(err));
			return 1;
		}
		want += i + 1;
	}
	pthread_mutex_lock(&lock);
	released = 1;
	pthread_cond_broadcast(&go);
	pthread_mutex_unlock(&lock);
	for (unsigned long i = 0; i < burst; i++)
		if (pthread_join(tids[i], NULL)) {
			printf("burst join %lu failed\n", i);
			return 1;
		}
	printf("burst of %lu threads: sum %llu (%s)\n", burst, sum,
	       sum == want ? "ok" : "WRONG");
	free(tids);
	return sum == want ? 0 : 1;
}
