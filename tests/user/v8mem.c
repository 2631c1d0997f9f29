// SPDX-License-Identifier: GPL-2.0
/*
 * The memory patterns of a JIT (V8 in node), from a program's view
 * (issue 12 part 3).  Every mode prints the same lines natively and on
 * Tessera and exits 1 if a check failed.
 *
 *   v8mem jit PAGES ROUNDS
 *	W^X flips: each of PAGES pages holds a function returning a value;
 *	per round every page is rewritten with a new value while RW,
 *	flipped to RX, called (the new code must run), read back, then
 *	flipped to RW again (two mprotect calls per round).  A second,
 *	data-only region flips RW <-> R with its bytes checked after each
 *	flip.  With --stats the pcache's misses must not grow with ROUNDS.
 *   v8mem rwx PAGES ROUNDS
 *	the same code pages mapped RWX: rewritten and called in place.
 *   v8mem reserve TOTAL_MB TOUCH_MB
 *	a PROT_NONE reservation of TOTAL_MB; TOUCH_MB of it, in 1 MiB
 *	pieces spread over the whole range, made RW and written; then
 *	each piece flipped to PROT_NONE and back, its data checked.  The
 *	memory node's peak must follow TOUCH_MB, not TOTAL_MB.
 *   v8mem madv PAGES
 *	MADV_DONTNEED zeroes its pages and only those; MADV_FREE pages
 *	hold their old bytes or zeros, and a write after it sticks;
 *	MADV_WILLNEED and MADV_NORMAL change no byte.
 *   v8mem own THREADS KIB PASSES
 *	THREADS threads, each writing and checking every byte of its own
 *	region of KIB KiB (misses of several threads in flight at once),
 *	PASSES times with a new pattern each pass.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE		4096UL
#define MAX_THREADS	16

static int failed;

static void fail(const char *what, unsigned long a, unsigned long b)
{
	if (failed++ < 10)
		printf("FAIL %s %lu %lu\n", what, a, b);
}

static uint64_t pattern(unsigned long word, unsigned long pass)
{
	uint64_t x = word * 0x9e3779b97f4a7c15ULL + pass * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	return x * 0x94d049bb133111ebULL;
}

static void *map(unsigned long len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static void protect(void *p, unsigned long len, int prot)
{
	if (mprotect(p, len, prot)) {
		perror("mprotect");
		exit(2);
	}
}

/* ------------------------------------------------------------ jit, rwx */

/* mov eax, imm32; ret -- and a filler of int3 after it. */
static void emit(unsigned char *code, uint32_t value)
{
	code[0] = 0xb8;
	memcpy(code + 1, &value, 4);
	code[5] = 0xc3;
}

static uint32_t value_of(unsigned long page, unsigned long round)
{
	return (uint32_t)pattern(page, round);
}

static uint32_t call(unsigned char *code)
{
	uint32_t (*fn)(void) = (uint32_t (*)(void))(uintptr_t)code;

	return fn();
}

static void fill_data(uint64_t *w, unsigned long words, unsigned long pass)
{
	for (unsigned long i = 0; i < words; i++)
		w[i] = pattern(i, pass);
}

static unsigned long check_data(const uint64_t *w, unsigned long words,
				unsigned long pass)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < words; i++)
		bad += w[i] != pattern(i, pass);
	return bad;
}

static void jit(unsigned long pages, unsigned long rounds, int rwx)
{
	unsigned long len = pages * PAGE, words = len / 8, r, p;
	int code_rw = rwx ? PROT_READ | PROT_WRITE | PROT_EXEC :
			    PROT_READ | PROT_WRITE;
	unsigned char *code = map(len, code_rw);
	uint64_t *data = map(len, PROT_READ | PROT_WRITE);

	memset(code, 0xcc, len);
	fill_data(data, words, 0);
	for (r = 0; r < rounds; r++) {
		for (p = 0; p < pages; p++)
			emit(code + p * PAGE + (r % 64) * 8, value_of(p, r));
		if (!rwx)
			protect(code, len, PROT_READ | PROT_EXEC);
		for (p = 0; p < pages; p++) {
			uint32_t got = call(code + p * PAGE + (r % 64) * 8);

			if (got != value_of(p, r))
				fail("stale code: page round", p, r);
		}
		if (!rwx)
			protect(code, len, PROT_READ | PROT_WRITE);

		/* Data: read-only, checked, writable again, rewritten. */
		protect(data, len, PROT_READ);
		if (check_data(data, words, r))
			fail("data after RW->R: round", r, 0);
		protect(data, len, PROT_READ | PROT_WRITE);
		fill_data(data, words, r + 1);
	}
	if (check_data(data, words, rounds))
		fail("data at the end", rounds, 0);
	printf("%s pages=%lu rounds=%lu mprotects=%lu %s\n",
	       rwx ? "rwx" : "jit", pages, rounds,
	       rounds * (rwx ? 2 : 4), failed ? "FAILED" : "ok");
	munmap(code, len);
	munmap(data, len);
}

/* ------------------------------------------------------------ reserve */

static void reserve(unsigned long total_mb, unsigned long touch_mb)
{
	const unsigned long mb = 1UL << 20;
	unsigned char *base = map(total_mb * mb, PROT_NONE);
	unsigned long step = total_mb / touch_mb, i, n, bad = 0;

	for (n = 0; n < touch_mb; n++) {
		uint64_t *piece = (uint64_t *)(base + n * step * mb);

		protect(piece, mb, PROT_READ | PROT_WRITE);
		fill_data(piece, mb / 8, n);
	}
	for (n = 0; n < touch_mb; n++) {
		uint64_t *piece = (uint64_t *)(base + n * step * mb);

		protect(piece, mb, PROT_NONE);
		protect(piece, mb, PROT_READ);
		bad += check_data(piece, mb / 8, n);
		protect(piece, mb, PROT_READ | PROT_WRITE);
		for (i = 0; i < mb / 8; i += PAGE / 8)
			piece[i] ^= 1;
	}
	for (n = 0; n < touch_mb; n++) {
		uint64_t *piece = (uint64_t *)(base + n * step * mb);

		for (i = 0; i < mb / 8; i += PAGE / 8)
			piece[i] ^= 1;
		bad += check_data(piece, mb / 8, n);
	}
	if (bad)
		fail("reserve: bad words", bad, 0);
	printf("reserve total_mb=%lu touched_mb=%lu %s\n", total_mb,
	       touch_mb, failed ? "FAILED" : "ok");
	munmap(base, total_mb * mb);
}

/* ------------------------------------------------------------ madv */

static void madv(unsigned long pages)
{
	unsigned long len = pages * PAGE, words = len / 8, pw = PAGE / 8, i;
	uint64_t *w = map(len, PROT_READ | PROT_WRITE);
	unsigned long lo = pages / 4, hi = pages / 2;

	fill_data(w, words, 1);
	madvise(w, len, MADV_WILLNEED);
	madvise(w, len, MADV_NORMAL);
	if (check_data(w, words, 1))
		fail("WILLNEED/NORMAL changed bytes", 0, 0);
	if (madvise(w + lo * pw, (hi - lo) * PAGE, MADV_DONTNEED))
		fail("MADV_DONTNEED failed", 0, 0);
	for (i = 0; i < words; i++) {
		int in = i >= lo * pw && i < hi * pw;

		if (w[i] != (in ? 0 : pattern(i, 1)))
			fail("DONTNEED: word", i, in);
	}
	fill_data(w, words, 2);
	if (madvise(w + hi * pw, (pages - hi) * PAGE, MADV_FREE))
		fail("MADV_FREE failed", 0, 0);
	for (i = 0; i < words; i++) {
		int in = i >= hi * pw;

		if (w[i] != pattern(i, 2) && !(in && w[i] == 0))
			fail("FREE: word", i, in);
	}
	for (i = hi * pw; i < words; i += pw)
		w[i] = 0x5a5a;
	for (i = hi * pw; i < words; i += pw)
		if (w[i] != 0x5a5a)
			fail("write after FREE lost: word", i, 0);
	printf("madv pages=%lu %s\n", pages, failed ? "FAILED" : "ok");
	munmap(w, len);
}

/* ------------------------------------------------------------ own */

struct own_arg {
	uint64_t *region;
	unsigned long words, passes, bad;
	int id;
};

static pthread_barrier_t barrier;

static void *own_main(void *p)
{
	struct own_arg *a = p;

	for (unsigned long pass = 0; pass < a->passes; pass++) {
		unsigned long seed = pass * MAX_THREADS + a->id;

		fill_data(a->region, a->words, seed);
		pthread_barrier_wait(&barrier);
		a->bad += check_data(a->region, a->words, seed);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static void own(int threads, unsigned long bytes, unsigned long passes)
{
	struct own_arg args[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int t;

	pthread_barrier_init(&barrier, NULL, threads);
	for (t = 0; t < threads; t++) {
		args[t] = (struct own_arg){
			.region = map(bytes, PROT_READ | PROT_WRITE),
			.words = bytes / 8, .passes = passes, .id = t,
		};
	}
	for (t = 0; t < threads; t++)
		pthread_create(&tid[t], NULL, own_main, &args[t]);
	for (t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		if (args[t].bad)
			fail("own: thread bad words", t, args[t].bad);
		munmap(args[t].region, bytes);
	}
	printf("own threads=%d bytes=%lu passes=%lu %s\n", threads, bytes,
	       passes, failed ? "FAILED" : "ok");
}

static unsigned long num(const char *s)
{
	return strtoul(s, NULL, 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "jit"))
		jit(num(argv[2]), num(argv[3]), 0);
	else if (argc == 4 && !strcmp(argv[1], "rwx"))
		jit(num(argv[2]), num(argv[3]), 1);
	else if (argc == 4 && !strcmp(argv[1], "reserve") && num(argv[3]) &&
		 num(argv[3]) <= num(argv[2]))
		reserve(num(argv[2]), num(argv[3]));
	else if (argc == 3 && !strcmp(argv[1], "madv") && num(argv[2]) >= 4)
		madv(num(argv[2]));
	else if (argc == 5 && !strcmp(argv[1], "own") &&
		 atoi(argv[2]) > 0 && atoi(argv[2]) <= MAX_THREADS)
		own(atoi(argv[2]), num(argv[3]) << 10, num(argv[4]));
	else {
		fprintf(stderr, "usage: v8mem jit|rwx PAGES ROUNDS | reserve TOTAL_MB TOUCH_MB | madv PAGES | own THREADS KIB PASSES\n");
		return 2;
	}
	return failed ? 1 : 0;
}
