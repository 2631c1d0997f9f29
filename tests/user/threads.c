// SPDX-License-Identifier: GPL-2.0
/*
 * Rung b: four pthreads with a mutex, a condition variable, a barrier and
 * thread-local storage.  Prints only results that do not depend on
 * scheduling, so the output matches a native run exactly.
 */
#include <pthread.h>
#include <stdio.h>

#define NR_THREADS	4
#define ITERATIONS	20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long counter;
static int arrived;
static __thread int tls_value;
static __thread char tls_buf[64];

static void *worker(void *arg)
{
	long id = (long)arg;

	tls_value = (int)id * 100;
	snprintf(tls_buf, sizeof(tls_buf), "thread-%ld", id);
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < ITERATIONS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	arrived++;
	pthread_cond_broadcast(&cond);
	while (arrived < NR_THREADS)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	pthread_barrier_wait(&barrier);
	/* TLS survived everything above untouched by the other threads. */
	return (void *)(long)(tls_value == id * 100 &&
			      tls_buf[7] == (char)('0' + id));
}

int main(void)
{
	pthread_t t[NR_THREADS];
	int ok = 1;

	tls_value = -1;
	pthread_barrier_init(&barrier, NULL, NR_THREADS);
	for (long i = 0; i < NR_THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i)) {
			printf("pthread_create %ld failed\n", i);
			return 1;
		}
	for (int i = 0; i < NR_THREADS; i++) {
		void *ret;

		pthread_join(t[i], &ret);
		printf("thread %d: tls %s\n", i, ret ? "ok" : "BAD");
		ok &= ret != NULL;
	}
	printf("counter=%ld (expected %d)\n", counter,
	       NR_THREADS * ITERATIONS);
	printf("main tls=%d\n", tls_value);
	return ok && counter == NR_THREADS * ITERATIONS ? 0 : 1;
}
