/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ext4 writer's host tests (test_ext4_write.c,
 * test_ext4_journal.c) share: libc's snprintf (the tree's own is linked
 * in), a shell runner, and the byte pattern their files hold.
 */
#ifndef _HOST_EXT4_HTEST_H
#define _HOST_EXT4_HTEST_H

#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <tessera/types.h>

int libc_snprintf(char *buf, size_t size, const char *fmt, ...)
	__asm__("snprintf");
int libc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__asm__("vsnprintf");
#undef snprintf
#undef vsnprintf
#define snprintf libc_snprintf
#define vsnprintf libc_vsnprintf

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The byte at @off of a file with @seed: a hash of both. */
static inline u8 pat(u32 seed, u64 off)
{
	u64 x = (off + 1) * 0x9E3779B97F4A7C15ull ^ (u64)seed * 0xC2B2AE3D27D4EB4Full;

	x ^= x >> 31;
	return (u8)(x ^ (x >> 17));
}

static inline void fill(u8 *buf, u32 seed, u64 off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pat(seed, off + i);
}

#endif /* _HOST_EXT4_HTEST_H */
