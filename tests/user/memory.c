// SPDX-License-Identifier: GPL-2.0
/*
 * Memory system calls from a program's view: a large anonymous mapping
 * filled with a pattern and checked, munmap, mprotect to read-only and
 * back, madvise(MADV_DONTNEED) zero-filling on the next touch, and the
 * heap growing through brk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAP_BYTES	(16UL << 20)

int main(void)
{
	unsigned long *m, bad = 0, n = MAP_BYTES / sizeof(*m);
	char *heap;
	void *top;

	m = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (unsigned long i = 0; i < n; i++)
		m[i] = i * 2654435761UL;
	for (unsigned long i = 0; i < n; i++)
		bad += m[i] != i * 2654435761UL;
	printf("pattern over %lu MiB: %lu bad words\n", MAP_BYTES >> 20, bad);

	printf("mprotect read-only: %d\n",
	       mprotect(m, 4096, PROT_READ));
	printf("read after mprotect: %lu\n", m[1]);
	printf("mprotect read-write: %d\n",
	       mprotect(m, 4096, PROT_READ | PROT_WRITE));
	m[1] = 7;
	printf("madvise DONTNEED: %d\n", madvise(m, 8192, MADV_DONTNEED));
	printf("after DONTNEED: %lu %lu, untouched page: %s\n", m[1],
	       m[1024], m[2048] == 2048 * 2654435761UL ? "kept" : "LOST");
	printf("munmap: %d\n", munmap(m, MAP_BYTES));

	top = sbrk(0);
	heap = malloc(3 << 20);
	memset(heap, 0x5a, 3 << 20);
	printf("malloc 3 MiB: %s, heap %s\n", heap ? "ok" : "failed",
	       heap[(3 << 20) - 1] == 0x5a ? "filled" : "BAD");
	free(heap);
	heap = malloc(100);
	printf("sbrk moved: %s\n", sbrk(0) != top ? "yes" : "no");
	free(heap);
	return 0;
}
