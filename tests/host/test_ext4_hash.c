/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for ext4's directory name hashes (managers/storage/
 * ext4_hash.c).  Oracle: e2fsprogs.  The fixed table below was made with
 * `debugfs -R "dx_hash -h VERSION -s SEED NAME" IMG` (debugfs 1.47.0);
 * test_vs_debugfs() asks the debugfs on this machine for the hashes of
 * a few hundred generated names (every length 1..255, bytes above 0x7f
 * so the signed and unsigned flavours differ) under all six versions
 * and two seeds, and compares them with ours.
 *
 * Needs mke2fs and debugfs (e2fsprogs).
 */
/* HTEST-SOURCES: managers/storage/ext4_hash.c lib/string.c tests/host/host_printk.c */
#include "htest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tessera/errno.h>

#include "../../managers/storage/ext4_hash.h"
#include "ext4_htest.h"

/* The UUID 0123abcd-4567-89ef-fedc-ba9876543210 as s_hash_seed words. */
static const u32 seed_a[4] = { 0xcdab2301, 0xef896745, 0x98badcfe,
			       0x10325476 };
static const u32 seed_zero[4];
#define SEED_A_UUID	"0123abcd-4567-89ef-fedc-ba9876543210"
#define SEED_ZERO_UUID	"00000000-0000-0000-0000-000000000000"
#define LONG_NAME	"a_rather_long_file_name_that_is_longer_than_thirty_two_bytes.txt"
#define HIGH_NAME	"caf\xc3\xa9-\xff\x80"

struct known {
	u8 version;
	const u32 *seed;
	const char *name;
	u32 hash, minor;
};

static const struct known table[] = {
	{ 0, seed_zero, "hello", 0x32252546, 0 },
	{ 0, seed_a, HIGH_NAME, 0x29730c82, 0 },	/* no seed in legacy */
	{ 0, seed_zero, LONG_NAME, 0xcaa11f80, 0 },
	{ 0, seed_zero, "x", 0xb26f0bdc, 0 },
	{ 1, seed_zero, "hello", 0x1746da32, 0x420013b5 },
	{ 1, seed_zero, HIGH_NAME, 0xf8949282, 0x27feace7 },
	{ 1, seed_zero, LONG_NAME, 0x12b14fd2, 0xe7187f06 },
	{ 1, seed_a, "hello", 0xfc224aa6, 0xbb46b5fc },
	{ 1, seed_a, HIGH_NAME, 0x12490d6a, 0xb9a44f64 },
	{ 1, seed_a, LONG_NAME, 0x5d92632c, 0x2e80cdce },
	{ 1, seed_a, "x", 0x1dd6a158, 0xb553cb94 },
	{ 2, seed_zero, "hello", 0x6f5bb1a8, 0x231917c2 },
	{ 2, seed_zero, HIGH_NAME, 0x4004da98, 0x32a7cece },
	{ 2, seed_zero, LONG_NAME, 0x828fe520, 0x6a316575 },
	{ 2, seed_a, "hello", 0xcfd83f86, 0x59919d9e },
	{ 2, seed_a, LONG_NAME, 0xcafdf480, 0x84a9c43c },
	{ 2, seed_a, "x", 0x19dfff34, 0x019aef0e },
	{ 3, seed_a, HIGH_NAME, 0xa8875488, 0 },
	{ 4, seed_a, HIGH_NAME, 0xef87bea2, 0xd96aab3f },
	{ 5, seed_a, HIGH_NAME, 0xcf1b6582, 0x8a90e794 },
};

static void test_known_values(struct htest *t)
{
	struct ext4_dirhash h;
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct known *k = &table[i];

		HT_ASSERT_EQ(t, ext4_dirhash(k->name, strlen(k->name),
					     k->version, k->seed, &h), 0);
		if (h.hash != k->hash || h.minor != k->minor)
			HT_FAIL(t, "case %zu (version %u, %s): %#x/%#x, want %#x/%#x",
				i, k->version, k->name, h.hash, h.minor,
				k->hash, k->minor);
	}
	/* No seed pointer and an all-zero seed are the default seed. */
	HT_ASSERT_EQ(t, ext4_dirhash("hello", 5, 1, NULL, &h), 0);
	HT_EXPECT_EQ(t, h.hash, 0x1746da32);
	HT_EXPECT_EQ(t, ext4_dirhash("hello", 5, 6, NULL, &h), -EINVAL);
	HT_EXPECT_EQ(t, ext4_dirhash("hello", 5, 0xff, NULL, &h), -EINVAL);
}

/* A name of @len bytes: no NUL, '/', quote, backslash or blank. */
static void gen_name(char *buf, u32 len, u32 *rng)
{
	static const char pool[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+=,";
	u32 i;

	for (i = 0; i < len; i++) {
		*rng = *rng * 1103515245 + 12345;
		if ((*rng >> 16) % 4 == 0)
			buf[i] = (char)(0x80 + (*rng >> 20) % 0x80);
		else
			buf[i] = pool[(*rng >> 16) % (sizeof(pool) - 1)];
	}
	buf[len] = 0;
}

#define NR_NAMES	300

static void test_vs_debugfs(struct htest *t)
{
	static char names[NR_NAMES][256];
	static const struct { const char *uuid; const u32 *seed; } seeds[] = {
		{ SEED_ZERO_UUID, seed_zero }, { SEED_A_UUID, seed_a },
	};
	char dir[] = "/tmp/ext4hash.XXXXXX", path[128], line[1024];
	u32 rng = 2026, n, v, s, nr_checked = 0;
	FILE *f;

	HT_ASSERT(t, mkdtemp(dir));
	for (n = 0; n < NR_NAMES; n++)
		gen_name(names[n], n < 255 ? n + 1 : 1 + (rng >> 8) % 255,
			 &rng);
	snprintf(path, sizeof(path), "%s/cmds", dir);
	f = fopen(path, "w");
	HT_ASSERT(t, f);
	for (s = 0; s < 2; s++)
		for (v = 0; v < 6; v++)
			for (n = 0; n < NR_NAMES; n++)
				fprintf(f, "dx_hash -h %u -s %s \"%s\"\n", v,
					seeds[s].uuid, names[n]);
	fclose(f);
	HT_ASSERT_EQ(t, sh("cd %s && truncate -s 1M img && mke2fs -q -F img >/dev/null 2>&1 && debugfs -f cmds img > out 2>/dev/null",
			   dir), 0);
	snprintf(path, sizeof(path), "%s/out", dir);
	f = fopen(path, "r");
	HT_ASSERT(t, f);
	s = v = n = 0;
	while (fgets(line, sizeof(line), f) && s < 2) {
		unsigned int hash, minor;
		struct ext4_dirhash h;
		size_t len = strlen(names[n]);
		const char *at = line + 8 + len;

		if (strncmp(line, "Hash of ", 8))
			continue;	/* the echoed command */
		HT_ASSERT(t, !strncmp(line + 8, names[n], len));
		HT_ASSERT_EQ(t, sscanf(at, " is 0x%x (minor 0x%x)", &hash,
				       &minor), 2);
		HT_ASSERT_EQ(t, ext4_dirhash(names[n], strlen(names[n]), v,
					     seeds[s].seed, &h), 0);
		if (h.hash != hash || h.minor != minor)
			HT_FAIL(t, "version %u seed %u name %u (%zu bytes): %#x/%#x, debugfs %#x/%#x",
				v, s, n, len, h.hash, h.minor, hash, minor);
		nr_checked++;
		if (++n == NR_NAMES) {
			n = 0;
			if (++v == 6) {
				v = 0;
				s++;
			}
		}
	}
	fclose(f);
	HT_EXPECT_EQ(t, nr_checked, 2 * 6 * NR_NAMES);
	HT_EXPECT_EQ(t, sh("rm -rf %s", dir), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_known_values),
	HT_CASE(test_vs_debugfs),
	{}
};

HTEST_MAIN(cases)
