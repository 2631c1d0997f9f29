/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_cow MIB K: copy-on-write across fork (issue 13 part 2).  The
 * parent fills MIB MiB with the test pattern (include/tessera/pattern.h,
 * stream SEED) and forks K children.  Right after forking them it
 * rewrites its own last part with stream SEED + 100, which no child may
 * see.  Child k rewrites part k with stream SEED + 1 + k and checks
 * every byte of the whole region: its part new, every other part the
 * parent's original bytes.  When all children have exited (status 0),
 * the parent checks its copy: the parts the children rewrote still the
 * original, its own last part the new stream.  Run by
 * tests/cluster/test_process.py with MIB three times the pcache.
 */
#include <stdint.h>
#include <sys/mman.h>

#include <tessera/pattern.h>

#include "proc_common.h"

#define SEED 0x70c0e5ULL

/* Check [off, off + len) of @buf against @seed; print the first wrong
 * byte.  Returns 0 if all match. */
static int verify(const char *who, const uint8_t *buf, size_t off,
		  size_t len, uint64_t seed)
{
	size_t bad = pattern_check(buf + off, len, seed, off);

	if (bad == len)
		return 0;
	printf("%s: byte %zu is %#x, want %#x (stream %#llx)\n", who,
	       off + bad, buf[off + bad], pattern_byte(seed, off + bad),
	       (unsigned long long)seed);
	return 1;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? strtol(argv[1], NULL, 0) : 6;
	int k = argc > 2 ? atoi(argv[2]) : 4;
	size_t len, part;
	uint8_t *buf;
	pid_t pids[64];
	int failed = 0;

	if (mib < 1 || k < 1 || k > 64) {
		printf("usage: proc_cow MIB K (1 <= K <= 64)\n");
		return 2;
	}
	len = (size_t)mib << 20;
	part = len / (k + 1);	/* part k is the parent's own */
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return 1;
	}
	pattern_fill(buf, len, SEED, 0);
	for (int i = 0; i < k; i++) {
		pids[i] = xfork();
		if (pids[i] == 0) {
			char who[32];
			int bad = 0;

			snprintf(who, sizeof(who), "child %d", i);
			pattern_fill(buf + i * part, part, SEED + 1 + i,
				     i * part);
			for (int j = 0; j <= k; j++) {
				size_t n = j == k ? len - j * part : part;

				bad |= verify(who, buf, j * part, n,
					      j == i ? SEED + 1 + i : SEED);
			}
			fflush(stdout);
			_exit(bad);
		}
	}
	pattern_fill(buf + k * part, len - k * part, SEED + 100, k * part);
	for (int i = 0; i < k; i++) {
		const char *st = reap(pids[i]);

		if (strcmp(st, "exit 0")) {
			printf("child %d: %s\n", i, st);
			failed = 1;
		}
	}
	for (int j = 0; j <= k; j++)
		failed |= verify("parent", buf, j * part,
				 j == k ? len - j * part : part,
				 j == k ? SEED + 100 : SEED);
	printf("%ld MiB, %d children: %s\n", mib, k,
	       failed ? "FAILED" : "every byte as expected");
	return failed;
}
