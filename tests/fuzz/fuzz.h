/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common declarations of the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
 *
 * Each harness is built twice from the same file (see the Makefile):
 *  - $(O)/fuzz/fuzz_NAME with clang -fsanitize=fuzzer,address,undefined:
 *    libFuzzer's main() calls LLVMFuzzerTestOneInput() with mutated
 *    inputs;
 *  - $(O)/fuzz-seed/fuzz_NAME with the host compiler and seedgen.c:
 *    writes the seed corpus (tests/fuzz/corpus/NAME/) from fuzz_seeds()
 *    and feeds every seed once through LLVMFuzzerTestOneInput().
 *
 * A harness names the kernel sources it links like the host tests do:
 * FUZZ-HTEST: names a tests/host program whose HTEST-SOURCES: it reuses,
 * FUZZ-SOURCES: lists more files (both optional).
 *
 * Seeds are made by the code of the harness (the kernel's own encoders,
 * mke2fs for file system images): valid inputs to start from, never
 * expected outputs.
 */
#ifndef _FUZZ_H
#define _FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * A property of the code under test that must hold for every input: when
 * it does not, say which and abort (libFuzzer saves the input as a crash).
 */
#define FUZZ_ASSERT(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n",\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write one seed named @name (a file name) of @len bytes. */
typedef void (*fuzz_emit_fn)(const char *name, const void *buf, size_t len);
void fuzz_seeds(fuzz_emit_fn emit);

/* A little-endian reader over the fuzz input, for harnesses that take
 * a sequence of operations; reads past the end give zeros. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint32_t fuzz_take(struct fuzz_in *in, unsigned int bytes)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		if (!in->left)
			break;
		v |= (uint32_t)*in->p++ << (8 * i);
		in->left--;
	}
	return v;
}

#endif /* _FUZZ_H */
