/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsnprintf test vectors, shared by the host test (tests/host/
 * test_vsprintf.c, which also checks every standard vector against the C
 * library's snprintf) and the in-kernel suite (lib/tests/vsprintf_test.c).
 * The expected strings were worked out from C99 7.19.6.1, not produced by
 * our formatter.
 *
 * Each list is an X-macro: the harness defines
 *	X(expected, fmt, args...)			for the *_STD, PTR, ODD lists
 *	X(size, expected, return value, fmt, args...)	for TRUNC
 * STD lists use only standard C conversions (libc must agree); PTR is
 * our %p/%px (fixed 16 digits, unlike glibc); NOCHECK_STD and ODD must
 * be passed without compile-time format checking: NOCHECK_STD is valid C
 * that gcc warns about, ODD is ours alone (%s of NULL, which glibc prints
 * differently under a precision, and formats that are not C at all).
 */
#ifndef _LIB_TESTS_VSPRINTF_VECTORS_H
#define _LIB_TESTS_VSPRINTF_VECTORS_H

#define VSPRINTF_VECTORS_INT_STD(X)					\
	X("0", "%d", 0)							\
	X("42", "%d", 42)						\
	X("-42", "%d", -42)						\
	X("2147483647", "%d", 2147483647)				\
	X("-2147483648", "%d", -2147483647 - 1)				\
	X("42", "%i", 42)						\
	X("-1", "%i", -1)						\
	X("   42", "%5d", 42)						\
	X("42   |", "%-5d|", 42)					\
	X("00042", "%05d", 42)						\
	X("-0042", "%05d", -42)						\
	X("42", "%1d", 42)						\
	X("+42", "%+d", 42)						\
	X(" 42", "% d", 42)						\
	X("-42", "% d", -42)						\
	X("+0", "%+d", 0)						\
	X("  +42", "%+5d", 42)						\
	X("+0042", "%+05d", 42)						\
	X("+42  |", "%-+5d|", 42)					\
	X("  042", "%5.3d", 42)						\
	X("042  |", "%-5.3d|", 42)					\
	X("-00042", "%.5d", -42)					\
	X("", "%.0d", 0)						\
	X("     ", "%5.0d", 0)						\
	X("+", "%+.0d", 0)						\
	X("7", "%.0d", 7)						\
	X("0", "%u", 0)							\
	X("4294967295", "%u", 4294967295U)				\
	X("   17", "%5u", 17U)						\
	X("00017", "%05u", 17U)						\
	X("0017", "%.4u", 17U)

#define VSPRINTF_VECTORS_HEX_OCT_STD(X)					\
	X("ff", "%x", 255U)						\
	X("FF", "%X", 255U)						\
	X("deadbeef", "%x", 0xdeadbeefU)				\
	X("0xff", "%#x", 255U)						\
	X("0XFF", "%#X", 255U)						\
	X("0", "%#x", 0U)						\
	X("0x000ff", "%#07x", 255U)					\
	X("   0xff", "%#7x", 255U)					\
	X("0xff   |", "%-#7x|", 255U)					\
	X("0x00ff", "%#.4x", 255U)					\
	X("  0x00ff", "%#8.4x", 255U)					\
	X("", "%.0x", 0U)						\
	X("", "%#.0x", 0U)						\
	X("00000", "%05x", 0U)						\
	X("17", "%o", 15U)						\
	X("017", "%#o", 15U)						\
	X("0", "%#o", 0U)						\
	X("0", "%#.0o", 0U)						\
	X("00017", "%#.5o", 15U)					\
	X("  017", "%#5o", 15U)						\
	X("00017", "%#05o", 15U)					\
	X("37777777777", "%o", 4294967295U)				\
	X("1777777777777777777777", "%llo", ~0ULL)			\
	X("ffffffffffffffff", "%llx", ~0ULL)				\
	X("8000000000000000", "%lx", 1UL << 63)				\
	X("fffffffffffffffe", "%lx", ~1UL)

#define VSPRINTF_VECTORS_LENGTH_STD(X)					\
	X("-1", "%hhd", 255)						\
	X("44", "%hhd", 300)						\
	X("-128", "%hhd", 128)						\
	X("255", "%hhu", 511)						\
	X("ff", "%hhx", 0x1ff)						\
	X("-32768", "%hd", 32768)					\
	X("65535", "%hu", 131071)					\
	X("ffff", "%hx", 0x1ffff)					\
	X("-1", "%ld", -1L)						\
	X("9223372036854775807", "%ld", 9223372036854775807L)		\
	X("-9223372036854775808", "%lld", -9223372036854775807LL - 1)	\
	X("18446744073709551615", "%llu", 18446744073709551615ULL)	\
	X("18446744073709551615", "%lu", 18446744073709551615UL)	\
	X("18446744073709551615", "%zu", (size_t)-1)			\
	X("-5", "%zd", (ssize_t)-5)					\
	X("4096", "%zx", (size_t)0x4096)				\
	X("-7", "%td", (ptrdiff_t)-7)					\
	X("123456789012", "%jd", (intmax_t)123456789012LL)		\
	X("18446744073709551615", "%ju", (uintmax_t)-1)			\
	X("1 2 3", "%hhd %lld %hd", 1, 2LL, 3)

#define VSPRINTF_VECTORS_CHAR_STR_STD(X)				\
	X("A", "%c", 'A')						\
	X("    A", "%5c", 'A')						\
	X("A    |", "%-5c|", 'A')					\
	X("hello", "%s", "hello")					\
	X("", "%s", "")							\
	X("  hello", "%7s", "hello")					\
	X("hello  |", "%-7s|", "hello")					\
	X("hello", "%2s", "hello")					\
	X("hel", "%.3s", "hello")					\
	X("  hel", "%5.3s", "hello")					\
	X("hello", "%.10s", "hello")					\
	X("", "%.0s", "hello")						\
	X("a%b", "a%%b")						\
	X("%", "%%")							\
	X("[ab]", "[%s%s]", "a", "b")					\
	X("x=5 y=abc z=0x10", "x=%d y=%s z=%#x", 5, "abc", 16U)	\
	X("   42", "%*d", 5, 42)					\
	X("42   |", "%*d|", -5, 42)					\
	X("00042", "%0*d", 5, 42)					\
	X("  042", "%*.*d", 5, 3, 42)					\
	X("42", "%.*d", -1, 42)						\
	X("hel", "%.*s", 3, "hello")					\
	X("hello", "%.*s", -3, "hello")					\
	X("  x|", "%*c|", 3, 'x')

#define VSPRINTF_VECTORS_PTR(X)						\
	X("0x0000000000001234", "%p", (void *)0x1234)			\
	X("0xffffffff80000000", "%p", (void *)0xffffffff80000000UL)	\
	X("0xffff888000001000", "%px", (void *)0xffff888000001000UL)	\
	X("0x00000000000000abc", "%pxc", (void *)0xab)			\
	X("    0x00000000000000ab", "%22p", (void *)0xab)		\
	X("0x00000000000000ab    |", "%-22p|", (void *)0xab)		\
	X("0x0000000000000000", "%p", (void *)0)

/* Valid C that gcc's format checker flags as suspicious; libc agrees. */
#define VSPRINTF_VECTORS_NOCHECK_STD(X)					\
	X("+42", "%+ d", 42)						\
	X("  042", "%05.3d", 42)					\
	X("0x2a", "%0#.0x", 42U)

#define VSPRINTF_VECTORS_ODD(X)						\
	X("(null)", "%s", (const char *)0)				\
	X("(nu", "%.3s", (const char *)0)				\
	X("  (null)", "%8s", (const char *)0)				\
	X("%y", "%y")							\
	X("a%-yb", "a%-yb")						\
	X("100%", "100%")						\
	X("50%-5", "50%-5")						\
	X("%q7", "%q7")

#define VSPRINTF_VECTORS_TRUNC(X)					\
	X(4, "abc", 6, "abcdef")					\
	X(1, "", 6, "abcdef")						\
	X(6, "abcde", 6, "abcdef")					\
	X(7, "abcdef", 6, "abcdef")					\
	X(5, "-123", 5, "%d", -1234)					\
	X(3, "ab", 5, "%s", "abcde")					\
	X(6, "     ", 8, "%8d", 42)					\
	X(2, "0", 18, "%p", (void *)1)					\
	X(10, "0x0000000", 18, "%px", (void *)1)			\
	X(4, "x=1", 11, "x=%d y=%d", 1, 22222)

#endif /* _LIB_TESTS_VSPRINTF_VECTORS_H */
