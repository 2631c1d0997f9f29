/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for lib/cpio.c: cpio "newc" archives as `tessera run` and
 * GNU cpio -H newc write them (110-byte header of "070701" and thirteen
 * 8-digit hex fields, name and data each padded to 4 bytes, a
 * "TRAILER!!!" entry last), built here field by field, and damaged ones.
 */
/* HTEST-SOURCES: lib/cpio.c lib/string.c */
#include "htest.h"
#include <tessera/cpio.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#define ARCHIVE_MAX	4096

static u8 archive[ARCHIVE_MAX];
static size_t archive_len;

static void pad4(void)
{
	while (archive_len % 4)
		archive[archive_len++] = 0;
}

static bool hex_lower;	/* write the header's hex digits in lowercase */

static void put_hex8(char *p, u32 v)
{
	const char *digits = hex_lower ? "0123456789abcdef" :
					 "0123456789ABCDEF";

	for (int i = 7; i >= 0; i--, v >>= 4)
		p[i] = digits[v & 0xf];
}

/* Append one entry: header fields in the newc order, then name, data. */
static void add(const char *name, const void *data, u32 size)
{
	u32 namesize = strlen(name) + 1;
	u32 fields[13] = { 1, 0100644, 0, 0, 1, 0, size, 0, 0, 0, 0,
			   namesize, 0 };
	char *hdr = (char *)archive + archive_len;

	memcpy(hdr, "070701", 6);
	for (int i = 0; i < 13; i++)
		put_hex8(hdr + 6 + 8 * i, fields[i]);
	archive_len += 110;
	memcpy(archive + archive_len, name, namesize);
	archive_len += namesize;
	pad4();
	memcpy(archive + archive_len, data, size);
	archive_len += size;
	pad4();
}

static void build(void)
{
	archive_len = 0;
	memset(archive, 0, sizeof(archive));
	add("tessera/run.0", "1 0\nbin/0/hello\0", 16);
	add("bin/0/hello", "ELF", 3);
	add("e", "", 0);
	add("four", "abcd", 4);
	add("TRAILER!!!", "", 0);
}

static void test_walk(struct htest *t)
{
	static const struct {
		const char *name;
		const char *data;
		u32 size;
	} want[] = {
		{ "tessera/run.0", "1 0\nbin/0/hello\0", 16 },
		{ "bin/0/hello", "ELF", 3 },
		{ "e", "", 0 },
		{ "four", "abcd", 4 },
	};
	struct cpio_file f;
	u64 off = 0;

	build();
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		HT_ASSERT_EQ(t, cpio_next(archive, archive_len, &off, &f), 0);
		HT_EXPECT_EQ(t, f.name_len, strlen(want[i].name));
		HT_EXPECT(t, !memcmp(f.name, want[i].name, f.name_len));
		HT_EXPECT_EQ(t, f.size, want[i].size);
		HT_EXPECT(t, !memcmp(f.data, want[i].data, f.size));
		HT_EXPECT_EQ(t, off % 4, 0);
	}
	HT_EXPECT_EQ(t, cpio_next(archive, archive_len, &off, &f), -ENOENT);
}

static void test_find(struct htest *t)
{
	struct cpio_file f;

	build();
	HT_ASSERT_EQ(t, cpio_find(archive, archive_len, "four", &f), 0);
	HT_EXPECT_EQ(t, f.size, 4);
	HT_EXPECT(t, !memcmp(f.data, "abcd", 4));
	HT_EXPECT_EQ(t, cpio_find(archive, archive_len, "fou", &f), -ENOENT);
	HT_EXPECT_EQ(t, cpio_find(archive, archive_len, "fourr", &f),
		     -ENOENT);
	HT_EXPECT_EQ(t, cpio_find(archive, archive_len, "TRAILER!!!", &f),
		     -ENOENT);
}

/* The byte at @pos replaced by @c: cpio_find() of "four" must fail. */
static int find_with(size_t pos, u8 c)
{
	struct cpio_file f;

	build();
	archive[pos] = c;
	return cpio_find(archive, archive_len, "four", &f);
}

static void test_malformed(struct htest *t)
{
	struct cpio_file f;
	u64 off;

	HT_EXPECT_EQ(t, find_with(0, '8'), -EINVAL);	/* magic */
	HT_EXPECT_EQ(t, find_with(6 + 6 * 8 + 3, 'g'), -EINVAL); /* filesize */
	HT_EXPECT_EQ(t, find_with(6 + 11 * 8 + 7, ' '), -EINVAL); /* namesize */
	/* A file size running past the archive. */
	HT_EXPECT_EQ(t, find_with(6 + 6 * 8, 'F'), -EINVAL);
	/* Name size 0 (no NUL). */
	build();
	memcpy(archive + 6 + 11 * 8, "00000000", 8);
	HT_EXPECT_EQ(t, cpio_find(archive, archive_len, "four", &f),
		     -EINVAL);
	/* Cut before the trailer: no trailer is malformed too. */
	build();
	HT_EXPECT_EQ(t, cpio_find(archive, archive_len - 120, "none", &f),
		     -EINVAL);
	/* Offsets at and past the end, and an empty archive. */
	off = archive_len;
	HT_EXPECT_EQ(t, cpio_next(archive, archive_len, &off, &f), -EINVAL);
	off = ~0ULL - 50;
	HT_EXPECT_EQ(t, cpio_next(archive, archive_len, &off, &f), -EINVAL);
	off = 0;
	HT_EXPECT_EQ(t, cpio_next(archive, 0, &off, &f), -EINVAL);
}

static void test_lowercase_hex(struct htest *t)
{
	struct cpio_file f;

	archive_len = 0;
	hex_lower = true;
	/* Sizes with hex letters: 0x1a bytes of data, a 0xb-byte name. */
	add("abcdefghij", "0123456789abcdefghijklmnop", 0x1a);
	add("TRAILER!!!", "", 0);
	hex_lower = false;
	HT_ASSERT_EQ(t, cpio_find(archive, archive_len, "abcdefghij", &f), 0);
	HT_EXPECT_EQ(t, f.size, 0x1a);
	HT_EXPECT(t, !memcmp(f.data, "0123456789abcdefghijklmnop", 0x1a));
}

static const struct htest_case cases[] = {
	HT_CASE(test_walk),
	HT_CASE(test_find),
	HT_CASE(test_malformed),
	HT_CASE(test_lowercase_hex),
	{}
};

HTEST_MAIN(cases)
