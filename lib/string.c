/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding memory and string functions, declared in <tessera/string.h>.
 * The compiler may emit calls to memcpy/memset/memmove/memcmp for struct
 * copies and initialisers, so these must exist and must never call
 * themselves.  In the kernel memcpy and memset use the x86 "fast strings"
 * instructions (rep movsb / rep stosb); host builds (HOST_TEST) use plain
 * C loops so the sanitizers can see every access.
 */
#include <tessera/string.h>
#include <tessera/errno.h>

/*
 * Keep gcc from recognising the byte loops below as memcpy/memset
 * patterns and turning them into calls to the very function being
 * defined.
 */
#define __no_loop_patterns \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))

#ifdef HOST_TEST
static __no_loop_patterns void copy_forward(unsigned char *d,
					    const unsigned char *s, size_t n)
{
	while (n--)
		*d++ = *s++;
}

static __no_loop_patterns void fill_bytes(unsigned char *d, unsigned char c,
					  size_t n)
{
	while (n--)
		*d++ = c;
}
#else
static __always_inline void copy_forward(unsigned char *d,
					 const unsigned char *s, size_t n)
{
	__asm__ __volatile__("rep movsb"
			     : "+D"(d), "+S"(s), "+c"(n)
			     : : "memory");
}

static __always_inline void fill_bytes(unsigned char *d, unsigned char c,
				       size_t n)
{
	__asm__ __volatile__("rep stosb"
			     : "+D"(d), "+c"(n)
			     : "a"(c) : "memory");
}
#endif

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

__no_loop_patterns void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n) {
		copy_forward(d, s, n);
		return dst;
	}
	/* dst overlaps the tail of src: copy from the end. */
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	fill_bytes(s, (unsigned char)c, n);
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

size_t memchr_inv_off(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != (unsigned char)c)
			break;
	}
	return i;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		unsigned char ca = *a, cb = *b;

		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (!ca)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t nlen = strlen(needle);

	for (; *haystack; haystack++) {
		if (!strncmp(haystack, needle, nlen))
			return (char *)haystack;
	}
	return nlen ? NULL : (char *)haystack;
}

/*
 * Copy the string src into dst[size], always NUL-terminated when size > 0.
 * Returns the length copied, or -E2BIG if src did not fit (dst then holds
 * the truncated prefix).  Never reads src past size bytes.
 */
ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t i;

	if (!size)
		return -E2BIG;
	for (i = 0; i < size; i++) {
		dst[i] = src[i];
		if (!src[i])
			return i;
	}
	dst[size - 1] = '\0';
	return -E2BIG;
}

bool str_list_has(const char *list, const char *name, char sep)
{
	size_t n = strlen(name);

	for (;;) {
		const char *end = strchr(list, sep);
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len == n && !strncmp(list, name, n))
			return true;
		if (!end)
			return false;
		list = end + 1;
	}
}
