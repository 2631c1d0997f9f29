/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "printk_vsnprintf": the formatter as built into the kernel
 * (-mgeneral-regs-only, -O2), on the vectors shared with the host test
 * (vsprintf_vectors.h), plus %pS through the real kallsyms.
 */
#include <tessera/ktest.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#include "vsprintf_vectors.h"

static void vcheck(struct ktest *t, const char *want, const char *fmt,
		   va_list ap)
{
	char buf[128];
	int n;

	memset(buf, 0x5a, sizeof(buf));
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (strcmp(buf, want) || n != (int)strlen(want))
		KT_FAIL(t, "fmt \"%s\": got \"%s\" (%d), want \"%s\"", fmt,
			buf, n, want);
}

static __printf(3, 4) void check(struct ktest *t, const char *want,
				 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(t, want, fmt, ap);
	va_end(ap);
}

/* No format attribute: these formats are rejected by gcc's checker. */
static void check_nocheck(struct ktest *t, const char *want,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(t, want, fmt, ap);
	va_end(ap);
}

static __printf(5, 6) void check_trunc(struct ktest *t, size_t size,
				       const char *want, int want_ret,
				       const char *fmt, ...)
{
	char buf[32];
	va_list ap;
	int n;

	memset(buf, 0x5a, sizeof(buf));
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	KT_EXPECT_EQ(t, n, want_ret);
	KT_EXPECT_STREQ(t, buf, want);
	KT_EXPECT_EQ(t, buf[size], 0x5a);
}

#define CHECK(want, fmt, ...)	check(t, want, fmt, ##__VA_ARGS__);
#define NOCHECK(want, fmt, ...)	check_nocheck(t, want, fmt, ##__VA_ARGS__);
#define TRUNC(size, want, ret, fmt, ...) \
	check_trunc(t, size, want, ret, fmt, ##__VA_ARGS__);

static void vsnprintf_integers(struct ktest *t)
{
	VSPRINTF_VECTORS_INT_STD(CHECK)
	VSPRINTF_VECTORS_NOCHECK_STD(NOCHECK)
}

static void vsnprintf_hex_octal(struct ktest *t)
{
	VSPRINTF_VECTORS_HEX_OCT_STD(CHECK)
}

static void vsnprintf_length_modifiers(struct ktest *t)
{
	VSPRINTF_VECTORS_LENGTH_STD(CHECK)
}

static void vsnprintf_chars_strings(struct ktest *t)
{
	VSPRINTF_VECTORS_CHAR_STR_STD(CHECK)
}

static void vsnprintf_pointers(struct ktest *t)
{
	VSPRINTF_VECTORS_PTR(CHECK)
}

static void vsnprintf_odd_formats(struct ktest *t)
{
	VSPRINTF_VECTORS_ODD(NOCHECK)
}

static void vsnprintf_truncation(struct ktest *t)
{
	char buf[4] = "xyz";

	VSPRINTF_VECTORS_TRUNC(TRUNC)
	KT_EXPECT_EQ(t, snprintf(buf, 0, "%d", 12345), 5);
	KT_EXPECT_EQ(t, buf[0], 'x');
	KT_EXPECT_EQ(t, scnprintf(buf, sizeof(buf), "%d", 12345), 3);
	KT_EXPECT_STREQ(t, buf, "123");
}

/* %pS of a function's own address: "vsnprintf+0x0/0x..." via kallsyms. */
static void vsnprintf_symbol(struct ktest *t)
{
	char buf[128];
	int n;

	n = snprintf(buf, sizeof(buf), "%pS", (void *)vsnprintf);
	KT_EXPECT_EQ(t, n, (int)strlen(buf));
	KT_EXPECT_EQ(t, strncmp(buf, "vsnprintf+0x0/0x", 16), 0);
	n = snprintf(buf, sizeof(buf), "%pS", (void *)((char *)snprintf + 1));
	KT_EXPECT_EQ(t, strncmp(buf, "snprintf+0x1/0x", 15), 0);
}

static struct ktest_case vsprintf_cases[] = {
	KTEST_CASE(vsnprintf_integers),
	KTEST_CASE(vsnprintf_hex_octal),
	KTEST_CASE(vsnprintf_length_modifiers),
	KTEST_CASE(vsnprintf_chars_strings),
	KTEST_CASE(vsnprintf_pointers),
	KTEST_CASE(vsnprintf_odd_formats),
	KTEST_CASE(vsnprintf_truncation),
	KTEST_CASE(vsnprintf_symbol),
	{}
};

KTEST_SUITE(printk_vsnprintf, vsprintf_cases);
