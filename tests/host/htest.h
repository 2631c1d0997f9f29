/* SPDX-License-Identifier: GPL-2.0 */
/*
 * htest: the host unit-test harness.  A test program is a table of named
 * cases; each prints one TAP line ("ok N name" / "not ok N name") and the
 * program ends with "# N passed, N failed" and exits non-zero on failure.
 * tools/run-tests counts the TAP lines of every host test binary.
 *
 *	static void test_foo(struct htest *t) { HT_EXPECT_EQ(t, 1 + 1, 2); }
 *	static const struct htest_case cases[] = { HT_CASE(test_foo), {} };
 *	HTEST_MAIN(cases)
 */
#ifndef _HTEST_H
#define _HTEST_H

#include <stdio.h>
#include <stdlib.h>

struct htest {
	const char *name;
	int failed;
};

struct htest_case {
	const char *name;
	void (*run)(struct htest *t);
};

#define HT_CASE(fn) { #fn, fn }

#define HT_FAIL(t, fmt, ...) do {						\
	(t)->failed = 1;							\
	printf("# %s: FAILED at %s:%d: " fmt "\n", (t)->name, __FILE__,		\
	       __LINE__, ##__VA_ARGS__);					\
} while (0)

#define HT_EXPECT(t, cond) do {							\
	if (!(cond))								\
		HT_FAIL(t, "expected %s", #cond);				\
} while (0)

#define HT_ASSERT(t, cond) do {							\
	if (!(cond)) {								\
		HT_FAIL(t, "assertion %s", #cond);				\
		return;								\
	}									\
} while (0)

#define HT_EXPECT_EQ(t, a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);			\
	if (_a != _b)								\
		HT_FAIL(t, "%s == %s: %lld != %lld", #a, #b, _a, _b);		\
} while (0)

#define HT_ASSERT_EQ(t, a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);			\
	if (_a != _b) {								\
		HT_FAIL(t, "%s == %s: %lld != %lld", #a, #b, _a, _b);		\
		return;								\
	}									\
} while (0)

#define HT_EXPECT_STREQ(t, a, b) do {						\
	const char *_a = (a), *_b = (b);					\
	int _i = 0;								\
	while (_a && _b && _a[_i] && _a[_i] == _b[_i])				\
		_i++;								\
	if (!_a || !_b || _a[_i] != _b[_i])					\
		HT_FAIL(t, "%s == %s: \"%s\" != \"%s\"", #a, #b,		\
			_a ? _a : "(null)", _b ? _b : "(null)");		\
} while (0)

static inline int htest_run(const struct htest_case *cases, const char *prog)
{
	int n = 0, passed = 0, failed = 0;

	for (const struct htest_case *c = cases; c->name; c++)
		n++;
	printf("TAP version 13\n1..%d\n", n);
	n = 0;
	for (const struct htest_case *c = cases; c->name; c++) {
		struct htest t = { .name = c->name, .failed = 0 };

		c->run(&t);
		n++;
		if (t.failed) {
			failed++;
			printf("not ok %d %s\n", n, c->name);
		} else {
			passed++;
			printf("ok %d %s\n", n, c->name);
		}
		fflush(stdout);
	}
	printf("# %s: %d passed, %d failed\n", prog, passed, failed);
	return failed ? 1 : 0;
}

#define HTEST_MAIN(cases)							\
	int main(int argc, char **argv)						\
	{									\
		(void)argc;							\
		return htest_run(cases, argv[0]);				\
	}

/*
 * A bitwise CRC-32 (IEEE, reflected), independent of lib/crc32.c: the
 * oracle for wire formats that carry one.
 */
static inline unsigned int htest_ref_crc32(const unsigned char *p,
					   unsigned long n)
{
	unsigned int c = 0xffffffffu;

	for (unsigned long i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

#endif /* _HTEST_H */
