// SPDX-License-Identifier: GPL-2.0
/*
 * pcache stress from a program's view: write a deterministic pattern
 * over a region several times the pcache, read all of it back and check
 * every byte, rewrite it with a second pattern (so dirty lines written
 * back earlier are read in and dirtied again) and check again.
 *
 *   pcache_pattern MODE BYTES THREADS [STRIDE_BYTES]
 *
 * MODE: seq (pages in order), random (a fixed pseudo-random page order),
 * stride (pages 17 apart, wrapping), conflict (BYTES / STRIDE_BYTES pages
 * STRIDE_BYTES apart: with STRIDE_BYTES = sets x 4 KiB they all fall in
 * one pcache set).  With THREADS > 1, page i is written by thread
 * i % THREADS and checked by thread (i + 1) % THREADS, so every check
 * reads a line another CPU wrote.  Output is the same natively and on
 * Tessera; the exit status is 1 if any byte was wrong.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE		4096UL
#define MAX_THREADS	16

static unsigned char *region;
static unsigned long nr_pages, page_stride = 1;
static unsigned long *order;		/* visit order: page numbers */
static int nr_threads;
static pthread_barrier_t barrier;
static unsigned long bad[MAX_THREADS];

static uint64_t pattern(unsigned long word, int pass)
{
	uint64_t x = word * 0x9e3779b97f4a7c15ULL + (uint64_t)pass * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	return x * 0x94d049bb133111ebULL;
}

static uint64_t *page_words(unsigned long page)
{
	return (uint64_t *)(region + page * page_stride * PAGE);
}

static void write_page(unsigned long page, int pass)
{
	uint64_t *w = page_words(page);
	unsigned long base = page * (PAGE / 8), i;

	for (i = 0; i < PAGE / 8; i++)
		w[i] = pattern(base + i, pass);
}

/* Bytes of @page that differ from @pass's pattern. */
static unsigned long check_page(unsigned long page, int pass)
{
	const uint64_t *w = page_words(page);
	unsigned long base = page * (PAGE / 8), i, n = 0;

	for (i = 0; i < PAGE / 8; i++) {
		uint64_t want = pattern(base + i, pass), got = w[i];
		int b;

		if (got == want)
			continue;
		for (b = 0; b < 8; b++)
			n += ((got >> (8 * b)) & 0xff) != ((want >> (8 * b)) & 0xff);
	}
	return n;
}

static void *worker(void *arg)
{
	int id = (int)(long)arg, pass;
	unsigned long k;

	for (pass = 1; pass <= 2; pass++) {
		for (k = 0; k < nr_pages; k++)
			if ((int)(k % nr_threads) == id)
				write_page(order[k], pass);
		pthread_barrier_wait(&barrier);
		for (k = 0; k < nr_pages; k++)
			if ((int)((k + 1) % nr_threads) == id)
				bad[id] += check_page(order[k], pass);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

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

static void make_order(const char *mode)
{
	unsigned long k, j, t;
	uint64_t seed = 12345;

	for (k = 0; k < nr_pages; k++)
		order[k] = k;
	if (!strcmp(mode, "random")) {
		for (k = nr_pages - 1; k > 0; k--) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			j = (seed >> 33) % (k + 1);
			t = order[k];
			order[k] = order[j];
			order[j] = t;
		}
	} else if (!strcmp(mode, "stride")) {
		/* 17 is odd, so with a power-of-two count every page comes once. */
		for (k = 0; k < nr_pages; k++)
			order[k] = (k * 17) % nr_pages;
	}
}

int main(int argc, char **argv)
{
	pthread_t th[MAX_THREADS];
	unsigned long bytes, total = 0, map_bytes;
	const char *mode;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: %s seq|random|stride|conflict BYTES THREADS [STRIDE_BYTES]\n",
			argv[0]);
		return 2;
	}
	mode = argv[1];
	bytes = parse_size(argv[2]);
	nr_threads = atoi(argv[3]);
	if (nr_threads < 1 || nr_threads > MAX_THREADS || bytes < PAGE)
		return 2;
	if (!strcmp(mode, "conflict")) {
		if (argc < 5)
			return 2;
		page_stride = parse_size(argv[4]) / PAGE;
		if (!page_stride)
			return 2;
	} else if (strcmp(mode, "seq") && strcmp(mode, "random") &&
		   strcmp(mode, "stride")) {
		return 2;
	}
	nr_pages = bytes / PAGE / page_stride;
	map_bytes = nr_pages * page_stride * PAGE;
	region = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	order = malloc(nr_pages * sizeof(*order));
	if (region == MAP_FAILED || !order) {
		perror("mmap");
		return 2;
	}
	make_order(mode);
	pthread_barrier_init(&barrier, NULL, nr_threads);
	for (i = 1; i < nr_threads; i++)
		pthread_create(&th[i], NULL, worker, (void *)(long)i);
	worker((void *)0L);
	for (i = 1; i < nr_threads; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < nr_threads; i++)
		total += bad[i];
	printf("%s: %lu pages x %lu KiB apart, %d threads, 2 passes: %lu bad bytes\n",
	       mode, nr_pages, page_stride * 4, nr_threads, total);
	munmap(region, map_bytes);
	return total ? 1 : 0;
}
