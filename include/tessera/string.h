/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding string and memory functions (lib/string.c).  Same names
 * and contracts as the C library, plus strscpy (returns -E2BIG on
 * truncation).
 */
#ifndef _TESSERA_STRING_H
#define _TESSERA_STRING_H

#include <tessera/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
ssize_t strscpy(char *dst, const char *src, size_t size);
/* True if @name is one of the @sep-separated items of @list ("a,b,c"). */
bool str_list_has(const char *list, const char *name, char sep);
/* Index of the first byte in s that differs from c, or n if all equal. */
size_t memchr_inv_off(const void *s, int c, size_t n);

#endif /* _TESSERA_STRING_H */
