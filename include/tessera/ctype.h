/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Character classes for the "C" locale, ASCII only: bytes >= 0x80 belong
 * to no class.  Static inlines that take any int (a plain char included)
 * and never index a table, so a negative char is safe.  Host tests must
 * not include the C library's <ctype.h> next to this header.
 */
#ifndef _TESSERA_CTYPE_H
#define _TESSERA_CTYPE_H

#include <tessera/types.h>

static inline bool isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool islower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool isalpha(int c)
{
	return isupper(c) || islower(c);
}

static inline bool isalnum(int c)
{
	return isalpha(c) || isdigit(c);
}

static inline bool isxdigit(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ' ', \t, \n, \v, \f, \r */
static inline bool isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Printable, space included: 0x20..0x7e. */
static inline bool isprint(int c)
{
	return c >= 0x20 && c <= 0x7e;
}

static inline int tolower(int c)
{
	return isupper(c) ? c - 'A' + 'a' : c;
}

static inline int toupper(int c)
{
	return islower(c) ? c - 'a' + 'A' : c;
}

#endif /* _TESSERA_CTYPE_H */
