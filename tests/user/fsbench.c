// SPDX-License-Identifier: GPL-2.0
/*
 * The storage workloads of bench/bench-storage (issue 14's Speed section),
 * run the same way on Tessera and in a Linux guest:
 *
 *   fsbench DIR [SEQ_MIB [CFU_COUNT]]
 *
 *   seq    SEQ_MIB MiB (default 64) written to DIR/seq in 1 MiB writes,
 *          fsync after every 16 MiB and at the end
 *   cfu    CFU_COUNT (default 200) times: create DIR/cfu/fN, write 4 KiB,
 *          fsync, close, unlink
 *   untar  DIR/tree.tar (ustar: directories, regular files, symlinks,
 *          hard links) extracted under DIR/out, then sync()
 *
 * stdout: what was done and an FNV-1a of every byte read back afterwards
 * (the seq file, every extracted file in archive order), so two runs can
 * be compared byte for byte; stderr: one timing line per workload,
 * "fsbench: NAME SECONDS s (RATE UNIT)", by CLOCK_MONOTONIC.  Exit status
 * 0, or 1 when something failed (a "FAIL" line on stdout says what).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB		(1u << 20)
#define TAR_BLOCK	512

static int failed;

static void fail(const char *what, const char *path)
{
	printf("FAIL: %s %s: %s\n", what, path, strerror(errno));
	failed = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

#define FNV_INIT	0xcbf29ce484222325ULL

/* FNV-1a of the file at @path folded into @h; -1 if it cannot be read. */
static int fnv_file(const char *path, uint64_t *h, off_t *size)
{
	static unsigned char buf[256 << 10];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	*size = 0;
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		*h = fnv(*h, buf, n);
		*size += n;
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

static void seq(const char *dir, unsigned int mib)
{
	static unsigned char buf[MIB];
	char path[4096];
	uint64_t h = FNV_INIT;
	double t0, t;
	off_t size;
	int fd;

	snprintf(path, sizeof(path), "%s/seq", dir);
	for (unsigned int i = 0; i < MIB; i++)
		buf[i] = (unsigned char)(i * 7 + (i >> 12));
	t0 = now();
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		return fail("create", path);
	for (unsigned int m = 0; m < mib; m++) {
		buf[0] = (unsigned char)m;
		if (write(fd, buf, MIB) != MIB)
			return fail("write", path);
		if ((m + 1) % 16 == 0 && fsync(fd))
			return fail("fsync", path);
	}
	if (fsync(fd) || close(fd))
		return fail("fsync/close", path);
	t = now() - t0;
	fprintf(stderr, "fsbench: seq %.3f s (%.2f MiB/s)\n", t, mib / t);
	if (fnv_file(path, &h, &size))
		return fail("read back", path);
	printf("seq: %u MiB, %lld bytes read back, fnv %016llx\n", mib,
	       (long long)size, (unsigned long long)h);
}

static void cfu(const char *dir, unsigned int count)
{
	static unsigned char page[4096];
	char sub[4096], path[4200];
	double t0, t;

	snprintf(sub, sizeof(sub), "%s/cfu", dir);
	if (mkdir(sub, 0755) && errno != EEXIST)
		return fail("mkdir", sub);
	memset(page, 'c', sizeof(page));
	t0 = now();
	for (unsigned int i = 0; i < count; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%u", sub, i);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0)
			return fail("create", path);
		if (write(fd, page, sizeof(page)) != sizeof(page) ||
		    fsync(fd) || close(fd))
			return fail("write/fsync", path);
		if (unlink(path))
			return fail("unlink", path);
	}
	t = now() - t0;
	fprintf(stderr, "fsbench: cfu %.3f s (%.1f files/s)\n", t, count / t);
	if (rmdir(sub))
		return fail("rmdir", sub);
	printf("cfu: %u files created, synced and removed\n", count);
}

/* An octal field of a ustar header. */
static unsigned long long octal(const char *p, size_t n)
{
	unsigned long long v = 0;

	for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (p[i] - '0');
	return v;
}

/* "prefix/name" of a ustar header into @out. */
static void tar_name(const unsigned char *hdr, char *out, size_t max)
{
	char name[101], prefix[156];

	memcpy(name, hdr, 100);
	name[100] = '\0';
	memcpy(prefix, hdr + 345, 155);
	prefix[155] = '\0';
	if (prefix[0])
		snprintf(out, max, "%s/%s", prefix, name);
	else
		snprintf(out, max, "%s", name);
	for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
		out[n - 1] = '\0';
}

static void mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
	mkdir(tmp, 0755);
}

static int link_or_fail(const char *target, const char *path)
{
	if (!link(target, path))
		return 0;
	fail("link", path);
	return -1;
}

static void untar(const char *dir)
{
	static unsigned char hdr[TAR_BLOCK], buf[64 << 10];
	char tar[4096], out[4096], name[400], path[4600], link[4600];
	unsigned long files = 0, dirs = 0, links = 0;
	unsigned long long bytes = 0;
	uint64_t h = FNV_INIT;
	double t0, t;
	int fd;

	snprintf(tar, sizeof(tar), "%s/tree.tar", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	fd = open(tar, O_RDONLY);
	if (fd < 0)
		return fail("open", tar);
	t0 = now();
	mkdirs(out);
	while (read(fd, hdr, TAR_BLOCK) == TAR_BLOCK && hdr[0]) {
		unsigned long long size = octal((char *)hdr + 124, 12);
		unsigned int mode = octal((char *)hdr + 100, 8) & 07777;
		char type = hdr[156];

		tar_name(hdr, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s", out, name);
		if (type == '5') {
			mkdirs(path);
			dirs++;
		} else if (type == '2' || type == '1') {
			char target[101];

			memcpy(target, hdr + 157, 100);
			target[100] = '\0';
			if (type == '1') {
				snprintf(link, sizeof(link), "%s/%s", out,
					 target);
				if (link_or_fail(link, path))
					return;
			} else if (symlink(target, path)) {
				return fail("symlink", path);
			}
			links++;
		} else if (type == '0' || type == '\0') {
			int ofd = open(path, O_CREAT | O_TRUNC | O_WRONLY,
				       mode ? mode : 0644);
			unsigned long long left = size;

			if (ofd < 0)
				return fail("create", path);
			while (left) {
				size_t want = (left + TAR_BLOCK - 1) /
					      TAR_BLOCK * TAR_BLOCK;
				size_t n = want < sizeof(buf) ? want :
					   sizeof(buf);
				size_t put = left < n ? left : n;

				if (read(fd, buf, n) != (ssize_t)n)
					return fail("read", tar);
				if (write(ofd, buf, put) != (ssize_t)put)
					return fail("write", path);
				left -= put;
			}
			if (close(ofd))
				return fail("close", path);
			files++;
			bytes += size;
			continue;	/* the data blocks are read */
		}
		/* Skip what a member we do not extract carries. */
		if (type != '0' && type != '\0' && size &&
		    lseek(fd, (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK,
			  SEEK_CUR) < 0)
			return fail("seek", tar);
	}
	sync();
	t = now() - t0;
	close(fd);
	fprintf(stderr, "fsbench: untar %.3f s (%.1f files/s)\n", t,
		files / t);
	/* Read every file back, in archive order. */
	fd = open(tar, O_RDONLY);
	while (fd >= 0 && read(fd, hdr, TAR_BLOCK) == TAR_BLOCK && hdr[0]) {
		unsigned long long size = octal((char *)hdr + 124, 12);
		char type = hdr[156];
		off_t got;

		tar_name(hdr, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s", out, name);
		if ((type == '0' || type == '\0') &&
		    (fnv_file(path, &h, &got) || (unsigned long long)got !=
						 size))
			return fail("read back", path);
		if (type != '1' && type != '2' && type != '5' && size)
			lseek(fd, (size + TAR_BLOCK - 1) / TAR_BLOCK *
			      TAR_BLOCK, SEEK_CUR);
	}
	if (fd >= 0)
		close(fd);
	printf("untar: %lu files (%llu bytes), %lu directories, %lu links, fnv %016llx\n",
	       files, bytes, dirs, links, (unsigned long long)h);
}

int main(int argc, char **argv)
{
	unsigned int mib = argc > 2 ? strtoul(argv[2], NULL, 10) : 64;
	unsigned int count = argc > 3 ? strtoul(argv[3], NULL, 10) : 200;

	if (argc < 2 || argc > 4 || !mib || !count) {
		fprintf(stderr, "usage: fsbench DIR [SEQ_MIB [CFU_COUNT]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	seq(argv[1], mib);
	cfu(argv[1], count);
	untar(argv[1]);
	return failed;
}
