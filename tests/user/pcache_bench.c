// SPDX-License-Identifier: GPL-2.0
/*
 * pcache benchmark workload (bench/bench-pcache): touch a working set in
 * a deterministic order for a fixed number of accesses, time only that
 * phase with clock_gettime(CLOCK_MONOTONIC), and check every byte it
 * reads.
 *
 *   pcache_bench MODE BYTES ACCESSES WRITE_EVERY
 *
 * One access reads one 64-byte line and checks it; with WRITE_EVERY = N
 * > 0, every N-th access (k % N == 0) also writes the line back with its
 * version bumped.  Before the timed phase every line is written once
 * (version 0) and, for the page modes, read once more so that the lines
 * left in the pcache are clean.  ACCESSES = 0 does only that set-up, so
 * that its pcache statistics can be subtracted from a full run's.
 *
 * MODE (line k of the timed phase, nlines = BYTES / 64):
 *   seq      k mod nlines: every line in order, 64 accesses per page
 *   stride   k * 1089 mod nlines: 17 pages + 1 line ahead each time
 *   random   a hash of k mod nlines: uniform over the working set
 *   pages    one line per page, pages in order (every access a new page)
 *   refill   as pages, but before each pass over the pages the whole
 *            region is mprotect()ed to PROT_NONE and back, which drops
 *            its lines from the pcache (other flips keep them): every
 *            access of the pass misses with free ways (no eviction).
 *            The mprotect calls are not timed.
 *
 * Each line holds its own tag, a version and six words derived from
 * both, so a line read from the wrong page, a zeroed page or a torn line
 * is caught at once.  A lost write-back would leave an older but
 * self-consistent line, so after the timed phase every line's version is
 * compared with the number of writes a replay of the access sequence
 * gives it.  Output:
 *
 *   pcache_bench mode=M bytes=B accesses=N writes=W ns=T bad=X
 *
 * The exit status is 1 if any line was wrong, 2 on bad arguments.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE		4096UL
#define LINE		64UL
#define WORDS		(LINE / 8)
#define LINES_PER_PAGE	(PAGE / LINE)
#define STRIDE_LINES	(17 * LINES_PER_PAGE + 1)
#define REPLAY_CHUNK	16384UL		/* lines verified per replay */

enum mode { M_SEQ, M_STRIDE, M_RANDOM, M_PAGES, M_REFILL };

static const char *const mode_names[] = {
	"seq", "stride", "random", "pages", "refill",
};

static enum mode mode;
static uint64_t *region;
static unsigned long nlines, npages, write_every;
static unsigned long bad;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 32);
}

static uint64_t tag_of(unsigned long line)
{
	return mix(line * 0x9e3779b97f4a7c15ULL + 0x5ca1ab1eULL);
}

static uint64_t word_of(unsigned long line, uint64_t version, unsigned int j)
{
	return mix(tag_of(line) ^ (version << 8) ^ j);
}

/* The line the k-th access of the timed phase touches. */
static unsigned long line_at(unsigned long k)
{
	switch (mode) {
	case M_SEQ:
		return k % nlines;
	case M_STRIDE:
		return (k * STRIDE_LINES) % nlines;
	case M_RANDOM:
		return mix(k + 0x1234567ULL) % nlines;
	default:
		/* pages, refill: pass p touches line p % 64 of every page */
		return (k % npages) * LINES_PER_PAGE +
		       (k / npages) % LINES_PER_PAGE;
	}
}

static bool writes_at(unsigned long k)
{
	return write_every && k % write_every == 0;
}

static void write_line(unsigned long line, uint64_t version)
{
	volatile uint64_t *w = region + line * WORDS;
	unsigned int j;

	w[0] = tag_of(line);
	w[1] = version;
	for (j = 2; j < WORDS; j++)
		w[j] = word_of(line, version, j);
}

/* Check @line; returns its version (or 0 after counting it bad). */
static uint64_t check_line(unsigned long line)
{
	volatile uint64_t *w = region + line * WORDS;
	uint64_t version = w[1];
	unsigned int j;

	if (w[0] != tag_of(line))
		goto wrong;
	for (j = 2; j < WORDS; j++)
		if (w[j] != word_of(line, version, j))
			goto wrong;
	return version;
wrong:
	if (bad++ < 5)
		fprintf(stderr, "pcache_bench: line %lu (page %lu) wrong\n",
			line, line / LINES_PER_PAGE);
	return 0;
}

/* Drop the region's lines from the pcache (written back if dirty). */
static void drop_region(void)
{
	unsigned long len = nlines * LINE;

	if (mprotect(region, len, PROT_NONE) ||
	    mprotect(region, len, PROT_READ | PROT_WRITE)) {
		perror("pcache_bench: mprotect");
		exit(2);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Run accesses [from, to) and return the time they took. */
static uint64_t run_accesses(unsigned long from, unsigned long to,
			     unsigned long *writes)
{
	uint64_t t0 = now_ns();
	unsigned long k;

	for (k = from; k < to; k++) {
		unsigned long line = line_at(k);
		uint64_t version = check_line(line);

		if (writes_at(k)) {
			write_line(line, version + 1);
			(*writes)++;
		}
	}
	return now_ns() - t0;
}

/* Every line's version must be the number of writes the replay gives it. */
static void verify_all(unsigned long accesses)
{
	static uint32_t expect[REPLAY_CHUNK];
	unsigned long base, k, line;

	for (base = 0; base < nlines; base += REPLAY_CHUNK) {
		unsigned long end = base + REPLAY_CHUNK;

		memset(expect, 0, sizeof(expect));
		if (write_every) {
			for (k = 0; k < accesses; k += write_every) {
				line = line_at(k);
				if (line >= base && line < end)
					expect[line - base]++;
			}
		}
		for (line = base; line < end && line < nlines; line++) {
			uint64_t version = check_line(line);

			if (version != expect[line - base] && bad++ < 5)
				fprintf(stderr, "pcache_bench: line %lu version %llu, want %u\n",
					line, (unsigned long long)version,
					expect[line - base]);
		}
	}
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

int main(int argc, char **argv)
{
	unsigned long bytes, accesses, writes = 0, line, k;
	uint64_t ns = 0;
	unsigned int m;

	if (argc != 5) {
		fprintf(stderr, "usage: %s seq|stride|random|pages|refill BYTES ACCESSES WRITE_EVERY\n",
			argv[0]);
		return 2;
	}
	for (m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
		if (!strcmp(argv[1], mode_names[m]))
			break;
	if (m == sizeof(mode_names) / sizeof(mode_names[0]))
		return 2;
	mode = m;
	bytes = parse_size(argv[2]);
	accesses = parse_size(argv[3]);
	write_every = strtoul(argv[4], NULL, 0);
	npages = bytes / PAGE;
	nlines = npages * LINES_PER_PAGE;
	/* stride must visit every line: nlines a power of two (17*64+1 odd) */
	if (!npages || (mode == M_STRIDE && (nlines & (nlines - 1))))
		return 2;
	region = mmap(NULL, nlines * LINE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		perror("pcache_bench: mmap");
		return 2;
	}

	for (line = 0; line < nlines; line++)
		write_line(line, 0);
	if (mode == M_PAGES || mode == M_REFILL)
		for (line = 0; line < nlines; line += LINES_PER_PAGE)
			check_line(line);

	if (mode == M_REFILL) {
		for (k = 0; k < accesses; k += npages) {
			unsigned long to = k + npages;

			drop_region();
			ns += run_accesses(k, to < accesses ? to : accesses,
					   &writes);
		}
	} else {
		ns = run_accesses(0, accesses, &writes);
	}
	verify_all(accesses);

	printf("pcache_bench mode=%s bytes=%lu accesses=%lu writes=%lu ns=%llu bad=%lu\n",
	       mode_names[mode], bytes, accesses, writes,
	       (unsigned long long)ns, bad);
	munmap(region, nlines * LINE);
	return bad ? 1 : 0;
}
