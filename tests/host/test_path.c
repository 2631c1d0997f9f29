/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for managers/processor/fs_path.c: joining a name to its
 * starting directory and normalising it lexically before the storage
 * node sees it.  Expected paths are written out by hand.
 */
/* HTEST-SOURCES: managers/processor/fs_path.c lib/string.c */
#include "htest.h"
#include <tessera/errno.h>
#include <tessera/string.h>

#include "../../managers/processor/fs_path.h"

#define OUT_SIZE	4096

struct path_case {
	const char *base;
	const char *path;
	const char *want;	/* NULL: expect @err */
	int err;
};

static void run_cases(struct htest *t, const struct path_case *c, int n)
{
	static char out[OUT_SIZE];

	for (int i = 0; i < n; i++) {
		int ret = fs_path_resolve(c[i].base, c[i].path, out,
					  sizeof(out));

		if (!c[i].want) {
			if (ret != c[i].err)
				HT_FAIL(t, "%s + %s: %d, want %d", c[i].base,
					c[i].path, ret, c[i].err);
			continue;
		}
		if (ret < 0 || strcmp(out, c[i].want) ||
		    ret != (int)strlen(c[i].want))
			HT_FAIL(t, "%s + %s: %d \"%s\", want \"%s\"",
				c[i].base, c[i].path, ret, ret < 0 ? "" : out,
				c[i].want);
	}
}

static void test_absolute(struct htest *t)
{
	static const struct path_case c[] = {
		{ "/ignored", "/", "/", 0 },
		{ "/x", "/a/b", "/a/b", 0 },
		{ "/x", "//a///b", "/a/b", 0 },
		{ "/", "/a/./b/.", "/a/b/", 0 },
		{ "/", "/a/b/..", "/a/", 0 },
		{ "/", "/a/b/../c", "/a/c", 0 },
		{ "/", "/..", "/", 0 },
		{ "/", "/../../a", "/a", 0 },
		{ "/", "/.", "/", 0 },
		{ "/", "/a/", "/a/", 0 },
		{ "/", "/a//", "/a/", 0 },
		{ "/", "/a/.../b", "/a/.../b", 0 },
		{ "/", "/a/..b/.c", "/a/..b/.c", 0 },
	};

	run_cases(t, c, sizeof(c) / sizeof(c[0]));
}

static void test_relative(struct htest *t)
{
	static const struct path_case c[] = {
		{ "/", "a", "/a", 0 },
		{ "/d/e", "f", "/d/e/f", 0 },
		{ "/d/e", "./f", "/d/e/f", 0 },
		{ "/d/e", "../f", "/d/f", 0 },
		{ "/d/e", "../../../../f", "/f", 0 },
		{ "/d/e", ".", "/d/e/", 0 },
		{ "/d/e", "..", "/d/", 0 },
		{ "/d", "../..", "/", 0 },
		{ "/d/e", "f/", "/d/e/f/", 0 },
		/* A base with a trailing slash (a resolved directory). */
		{ "/d/e/", "f", "/d/e/f", 0 },
		{ "/", "f/..", "/", 0 },
	};

	run_cases(t, c, sizeof(c) / sizeof(c[0]));
}

static void test_errors(struct htest *t)
{
	static const struct path_case c[] = {
		{ "/", "", NULL, -ENOENT },
		{ "relative", "a", NULL, -EINVAL },
		{ "", "a", NULL, -EINVAL },
	};

	run_cases(t, c, sizeof(c) / sizeof(c[0]));
}

static void test_relative_base_unused_for_absolute(struct htest *t)
{
	static char out[OUT_SIZE];

	HT_EXPECT_EQ(t, fs_path_resolve("not-absolute", "/a", out, sizeof(out)),
		     2);
	HT_EXPECT_STREQ(t, out, "/a");
}

static void test_name_max(struct htest *t)
{
	static char name[300], path[400], out[OUT_SIZE];

	memset(name, 'n', 255);
	name[255] = '\0';
	path[0] = '/';
	strscpy(path + 1, name, sizeof(path) - 1);
	HT_EXPECT_EQ(t, fs_path_resolve("/", path, out, sizeof(out)), 256);
	name[255] = 'n';
	name[256] = '\0';
	strscpy(path + 1, name, sizeof(path) - 1);
	HT_EXPECT_EQ(t, fs_path_resolve("/", path, out, sizeof(out)),
		     -ENAMETOOLONG);
	/* Too long even if ".." would drop it: Linux refuses it as well. */
	strscpy(path + 1 + 256, "/..", sizeof(path) - 1 - 256);
	HT_EXPECT_EQ(t, fs_path_resolve("/", path, out, sizeof(out)),
		     -ENAMETOOLONG);
}

/* The result must fit @size with its NUL (and room for a final '/'). */
static void test_size_limit(struct htest *t)
{
	char out[8];

	HT_EXPECT_EQ(t, fs_path_resolve("/", "/abcd", out, sizeof(out)), 5);
	HT_EXPECT_STREQ(t, out, "/abcd");
	HT_EXPECT_EQ(t, fs_path_resolve("/", "/abcd/", out, sizeof(out)), 6);
	HT_EXPECT_STREQ(t, out, "/abcd/");
	HT_EXPECT_EQ(t, fs_path_resolve("/", "/abcdef", out, sizeof(out)),
		     -ENAMETOOLONG);
	HT_EXPECT_EQ(t, fs_path_resolve("/ab", "cdefgh", out, sizeof(out)),
		     -ENAMETOOLONG);
	/* Shrinking back by ".." is fine as long as no step overflowed. */
	HT_EXPECT_EQ(t, fs_path_resolve("/ab", "../c/../d", out, sizeof(out)),
		     2);
	HT_EXPECT_STREQ(t, out, "/d");
}

/* A long cwd joined with a long name: the limit is on the result. */
static void test_long_join(struct htest *t)
{
	static char base[OUT_SIZE], name[128], out[OUT_SIZE];
	int len = 0;

	while (len + 11 < 4000) {
		memcpy(base + len, "/0123456789", 11);
		len += 11;
	}
	base[len] = '\0';
	HT_ASSERT_EQ(t, len, 3993);
	HT_EXPECT_EQ(t, fs_path_resolve(base, "x", out, sizeof(out)), 3995);
	/* 3993 + '/' + 100 + NUL, with the room for a final '/': fits. */
	memset(name, 'y', 100);
	HT_EXPECT_EQ(t, fs_path_resolve(base, name, out, sizeof(out)), 4094);
	name[100] = 'y';
	HT_EXPECT_EQ(t, fs_path_resolve(base, name, out, sizeof(out)),
		     -ENAMETOOLONG);
}

static void test_strip_slash(struct htest *t)
{
	char a[] = "/d/", b[] = "/", c[] = "/d";

	fs_path_strip_slash(a);
	fs_path_strip_slash(b);
	fs_path_strip_slash(c);
	HT_EXPECT_STREQ(t, a, "/d");
	HT_EXPECT_STREQ(t, b, "/");
	HT_EXPECT_STREQ(t, c, "/d");
}

static const struct htest_case cases[] = {
	HT_CASE(test_absolute),
	HT_CASE(test_relative),
	HT_CASE(test_errors),
	HT_CASE(test_relative_base_unused_for_absolute),
	HT_CASE(test_name_max),
	HT_CASE(test_size_limit),
	HT_CASE(test_long_join),
	HT_CASE(test_strip_slash),
	{}
};

HTEST_MAIN(cases)
