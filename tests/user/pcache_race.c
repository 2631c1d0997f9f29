// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space changes racing with pcache eviction, from a program's
 * view (issue 7, "munmap/exit racing with eviction").
 *
 *   pcache_race BYTES ROUNDS
 *
 * Two streamer threads each write and check a deterministic pattern over
 * BYTES / 2 of their own (with BYTES several times the pcache, their
 * misses evict everybody's lines all the time).  Meanwhile two churner
 * threads, ROUNDS times each: map 64 pages, fill them, check them, drop
 * half with madvise(MADV_DONTNEED) (those must read back as zeros), make
 * the rest read-only and check them again, and unmap the lot, so lines
 * of mappings that disappear are being evicted and written back by the
 * streamers while they go.  Every byte is checked; each thread prints
 * its count of wrong bytes after the join, so the output is the same
 * natively and on Tessera.
 *
 * Last, the exit race: four threads keep dirtying pages of a region
 * larger than the pcache while the main thread calls exit(0) without
 * waiting for them.  The process must end with status 0 and leave the
 * node able to run the next program (the test checks that, and that
 * the memory node freed everything).  Exit status 1 if any byte was
 * wrong.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE		4096UL
#define CHURN_PAGES	64UL
#define STREAMERS	2
#define CHURNERS	2

static unsigned long region_bytes, rounds;
static unsigned long bad[STREAMERS + CHURNERS];

static uint64_t pattern(uint64_t word, uint64_t salt)
{
	uint64_t x = word * 0x9e3779b97f4a7c15ULL + salt * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	return x * 0x94d049bb133111ebULL;
}

static void fill(uint64_t *w, unsigned long words, uint64_t salt)
{
	for (unsigned long i = 0; i < words; i++)
		w[i] = pattern(i, salt);
}

/*
 * Bytes of @w[from..to) that differ from @salt's pattern (with @zero:
 * from zeros).
 */
static unsigned long check(const uint64_t *w, unsigned long from,
			   unsigned long to, uint64_t salt, int zero)
{
	unsigned long n = 0;

	for (unsigned long i = from; i < to; i++) {
		uint64_t want = zero ? 0 : pattern(i, salt), got = w[i];

		if (got == want)
			continue;
		for (int b = 0; b < 8; b++)
			n += ((got >> (8 * b)) & 0xff) !=
			     ((want >> (8 * b)) & 0xff);
	}
	return n;
}

/* "4M", "512K" or a plain number of bytes. */
static unsigned long parse_size(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		v <<= 10;
	else if (*end == 'M' || *end == 'm')
		v <<= 20;
	return v;
}

static void *map_or_die(unsigned long bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static void *streamer(void *arg)
{
	int id = (int)(long)arg;
	unsigned long bytes = region_bytes / STREAMERS;
	uint64_t *w = map_or_die(bytes);

	for (int pass = 1; pass <= 2; pass++) {
		uint64_t salt = (uint64_t)id * 100 + pass;

		fill(w, bytes / 8, salt);
		bad[id] += check(w, 0, bytes / 8, salt, 0);
	}
	munmap(w, bytes);
	return NULL;
}

static void *churner(void *arg)
{
	int id = (int)(long)arg;
	unsigned long bytes = CHURN_PAGES * PAGE, half = bytes / 2;

	for (unsigned long r = 0; r < rounds; r++) {
		uint64_t salt = (uint64_t)id * 100000 + r;
		uint64_t *w = map_or_die(bytes);

		fill(w, bytes / 8, salt);
		bad[id] += check(w, 0, bytes / 8, salt, 0);
		if (madvise(w, half, MADV_DONTNEED)) {
			perror("madvise");
			exit(2);
		}
		if (mprotect((char *)w + half, half, PROT_READ)) {
			perror("mprotect");
			exit(2);
		}
		bad[id] += check(w, 0, half / 8, 0, 1);
		bad[id] += check(w, half / 8, bytes / 8, salt, 0);
		if (munmap(w, bytes)) {
			perror("munmap");
			exit(2);
		}
	}
	return NULL;
}

static void *dirtier(void *arg)
{
	uint64_t *w = arg;
	unsigned long words = region_bytes / 8;

	for (uint64_t salt = 1;; salt++)
		fill(w, words, salt);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[STREAMERS + CHURNERS];
	unsigned long total = 0;
	uint64_t *exit_region;

	if (argc != 3) {
		fprintf(stderr, "usage: pcache_race BYTES ROUNDS\n");
		return 2;
	}
	region_bytes = parse_size(argv[1]) & ~(PAGE * STREAMERS - 1);
	rounds = strtoul(argv[2], NULL, 0);
	if (!region_bytes || !rounds) {
		fprintf(stderr, "pcache_race: BYTES and ROUNDS must be > 0\n");
		return 2;
	}
	for (long i = 0; i < STREAMERS; i++)
		pthread_create(&t[i], NULL, streamer, (void *)i);
	for (long i = STREAMERS; i < STREAMERS + CHURNERS; i++)
		pthread_create(&t[i], NULL, churner, (void *)i);
	for (int i = 0; i < STREAMERS + CHURNERS; i++) {
		pthread_join(t[i], NULL);
		printf("thread %d (%s): %lu bad bytes\n", i,
		       i < STREAMERS ? "streamer" : "churner", bad[i]);
		total += bad[i];
	}
	printf("race: %lu bad bytes\n", total);
	fflush(stdout);
	if (total)
		return 1;

	/* The exit race: threads still dirtying pages as the process ends. */
	exit_region = map_or_die(region_bytes);
	for (int i = 0; i < 4; i++) {
		pthread_t d;

		pthread_create(&d, NULL, dirtier, exit_region);
	}
	usleep(20000);
	exit(0);
}
