/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writes to a disk file system, run natively (in a chroot of a tree on
 * the host's ext4) and on Tessera (the storage node's ext4 image,
 * attached read-write) with the same output.
 *
 *   fs_write DIR          build a tree under DIR (which must not exist):
 *                         create, write/writev in odd chunks, O_APPEND from
 *                         two descriptors, pwrite in the middle and past the
 *                         end (sparse), ftruncate/truncate down and up,
 *                         O_TRUNC, rename over an existing file and across
 *                         directories, link, fast and slow symlinks, unlink,
 *                         300 files in one directory (every third unlinked
 *                         again), chmod/fchmod, chown/fchown/lchown,
 *                         utimensat, fsync/fdatasync/
 *                         sync; the errors Linux gives (EEXIST, ENOENT,
 *                         ENOTDIR, EISDIR, ENOTEMPTY, ENAMETOOLONG, EBADF,
 *                         EINVAL, EPERM); then read every byte back against
 *                         what was written, and print a listing of DIR
 *                         (name, type, mode, link count, owner, size,
 *                         FNV-1a of the contents, symlink targets)
 *   fs_write --fill DIR   write files in DIR until the disk is full: each
 *                         stops with ENOSPC, what was written reads back
 *                         intact, unlinking one file lets a write succeed
 *
 * No line names an inode number, a block count, a directory's size or a
 * time other than one set here: they are the file system's choice.
 * Each check that fails prints "FAIL ..."; the program ends with
 * "N failures" and status 1 if N > 0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "expect.h"

#define NR_MANY		300
#define BIG		200000		/* more than one 128 KiB request */

/* The errno name of a call that returned @ret (-1 on error), or "ok". */
static const char *res(long ret)
{
	return ret < 0 ? ename(errno) : "ok";
}

/* Print "err WHAT ERRNO" for a call that must fail. */
static void err_line(const char *what, long ret, int want)
{
	int e = ret < 0 ? errno : 0;

	printf("err %-36s %s\n", what, res(ret));
	if (ret >= 0 || e != want)
		FAIL("%s: %s, want %s", what, ret < 0 ? ename(e) : "success",
		     ename(want));
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A byte pattern that differs per @salt and position. */
static void fill(unsigned char *buf, size_t n, unsigned int salt)
{
	uint32_t x = salt * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = x >> 16;
	}
}

static char pathbuf[8][4096];
static unsigned int pathnext;

/* DIR/name, in one of eight buffers used in turn. */
static const char *P(const char *dir, const char *name)
{
	char *p = pathbuf[pathnext++ % 8];

	snprintf(p, sizeof(pathbuf[0]), "%s/%s", dir, name);
	return p;
}

/* All of @n bytes of @buf to @fd at its offset (several writes). */
static void write_all(int fd, const unsigned char *buf, size_t n,
		      const char *what)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, buf + done, n - done);

		if (w <= 0) {
			FAIL("write %s: %s", what, res(w));
			return;
		}
		done += w;
	}
}

/* The file @path must hold exactly @n bytes equal to @want. */
static void check_content(const char *path, const unsigned char *want,
			  size_t n)
{
	unsigned char *got = malloc(n + 1);
	size_t done = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !got) {
		FAIL("open %s: %s", path, res(fd));
		free(got);
		return;
	}
	/* Odd read sizes, then one more read that must see the end. */
	while ((r = read(fd, got + done, n + 1 - done > 7777 ?
			 7777 : n + 1 - done)) > 0)
		done += r;
	if (r < 0 || done != n || memcmp(got, want, n))
		FAIL("%s: read %zu of %zu bytes (%s), %s", path, done, n,
		     res(r), done == n ? "different" : "short");
	close(fd);
	free(got);
}

static long size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* ------------------------------------------------------------ the tree */

static unsigned char a_buf[BIG], t_buf[BIG], tmp[BIG];

static void make_files(const char *d)
{
	struct iovec iov[3];
	struct stat st;
	int fd, fd2;
	size_t n;

	EXPECT(mkdir(d, 0777) == 0);
	EXPECT(mkdir(P(d, "sub"), 0750) == 0);
	EXPECT(mkdir(P(d, "sub/deeper"), 0700) == 0);

	/* a: 10000 bytes in odd pieces, write and writev. */
	fill(a_buf, 10000, 1);
	fd = open(P(d, "a"), O_WRONLY | O_CREAT | O_EXCL, 0666);
	EXPECT(fd >= 0);
	write_all(fd, a_buf, 1, "a");
	write_all(fd, a_buf + 1, 4094, "a");
	iov[0] = (struct iovec){ a_buf + 4095, 2 };
	iov[1] = (struct iovec){ a_buf + 4097, 0 };
	iov[2] = (struct iovec){ a_buf + 4097, 10000 - 4097 };
	EXPECT(writev(fd, iov, 3) == 10000 - 4095);
	printf("a: offset %ld end %ld\n", (long)lseek(fd, 0, SEEK_CUR),
	       (long)lseek(fd, 0, SEEK_END));
	/* pwrite in the middle: the offset stays. */
	fill(tmp, 500, 2);
	memcpy(a_buf + 3000, tmp, 500);
	EXPECT(pwrite(fd, tmp, 500, 3000) == 500);
	printf("a: offset after pwrite %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	EXPECT(fsync(fd) == 0);
	EXPECT(fdatasync(fd) == 0);
	EXPECT(fstat(fd, &st) == 0);
	printf("a: fstat size %ld\n", (long)st.st_size);
	err_line("read of O_WRONLY fd", read(fd, tmp, 1), EBADF);
	close(fd);
	check_content(P(d, "a"), a_buf, 10000);

	/* log: O_APPEND from two descriptors, each write at the end. */
	fd = open(P(d, "log"), O_WRONLY | O_CREAT | O_APPEND, 0644);
	fd2 = open(P(d, "log"), O_RDWR | O_APPEND);
	EXPECT(fd >= 0 && fd2 >= 0);
	EXPECT(write(fd, "one\n", 4) == 4);
	EXPECT(write(fd2, "two\n", 4) == 4);
	EXPECT(write(fd, "three\n", 6) == 6);
	EXPECT(pwrite(fd2, "four\n", 5, 0) == 5);	/* appends too */
	printf("log: offsets %ld %ld size %ld\n", (long)lseek(fd, 0, SEEK_CUR),
	       (long)lseek(fd2, 0, SEEK_CUR), size_of(P(d, "log")));
	close(fd);
	close(fd2);
	check_content(P(d, "log"), (const unsigned char *)
		      "one\ntwo\nthree\nfour\n", 19);

	/* sparse: one byte 1 MiB + 5 in. */
	fd = open(P(d, "sparse"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	EXPECT(pwrite(fd, "x", 1, (1 << 20) + 5) == 1);
	EXPECT(pread(fd, tmp, 10, 4096) == 10);
	n = 0;
	for (int i = 0; i < 10; i++)
		n += tmp[i];
	printf("sparse: size %ld, hole reads zero %s\n",
	       (long)lseek(fd, 0, SEEK_END), n ? "no" : "yes");
	close(fd);

	/* t: 200000 bytes, ftruncate down, truncate up (zeros). */
	fill(t_buf, BIG, 3);
	fd = open(P(d, "t"), O_RDWR | O_CREAT, 0644);
	write_all(fd, t_buf, BIG, "t");
	EXPECT(ftruncate(fd, 70000) == 0);
	printf("t: after ftruncate offset %ld",
	       (long)lseek(fd, 0, SEEK_CUR));
	printf(" end %ld\n", (long)lseek(fd, 0, SEEK_END));
	close(fd);
	EXPECT(truncate(P(d, "t"), 90000) == 0);
	memset(t_buf + 70000, 0, 20000);
	check_content(P(d, "t"), t_buf, 90000);

	/* O_TRUNC of an existing file, then new data. */
	fd = open(P(d, "a2"), O_WRONLY | O_CREAT, 0644);
	write_all(fd, a_buf, 5000, "a2");
	close(fd);
	fd = open(P(d, "a2"), O_WRONLY | O_TRUNC);
	EXPECT(fd >= 0);
	printf("a2: size after O_TRUNC %ld\n", size_of(P(d, "a2")));
	write_all(fd, (const unsigned char *)"fresh\n", 6, "a2");
	close(fd);
	fd = creat(P(d, "c"), 0640);
	EXPECT(fd >= 0);
	write_all(fd, (const unsigned char *)"creat\n", 6, "c");
	close(fd);
}

static void make_names(const char *d)
{
	char target[300];
	struct timespec ts[2];
	struct stat st;
	int fd;

	/* rename over an existing file, then into a subdirectory. */
	fd = open(P(d, "r1"), O_WRONLY | O_CREAT, 0644);
	write_all(fd, (const unsigned char *)"first\n", 6, "r1");
	close(fd);
	fd = open(P(d, "r2"), O_WRONLY | O_CREAT, 0644);
	write_all(fd, (const unsigned char *)"second, to be replaced\n", 23,
		  "r2");
	close(fd);
	EXPECT(rename(P(d, "r1"), P(d, "r2")) == 0);
	err_line("stat of renamed-away name", size_of(P(d, "r1")), ENOENT);
	check_content(P(d, "r2"), (const unsigned char *)"first\n", 6);
	EXPECT(rename(P(d, "r2"), P(d, "sub/moved")) == 0);
	EXPECT(mkdir(P(d, "dir1"), 0755) == 0);
	EXPECT(rename(P(d, "dir1"), P(d, "sub/dir2")) == 0);

	/* Hard link: two names, one inode. */
	EXPECT(link(P(d, "a"), P(d, "a.link")) == 0);
	EXPECT(stat(P(d, "a"), &st) == 0);
	printf("a: nlink after link %ld\n", (long)st.st_nlink);
	EXPECT(link(P(d, "c"), P(d, "c.link")) == 0);
	EXPECT(unlink(P(d, "c")) == 0);
	check_content(P(d, "c.link"), (const unsigned char *)"creat\n", 6);

	/* Symlinks: fast (in the inode) and slow (in a block). */
	EXPECT(symlink("a", P(d, "s.fast")) == 0);
	memset(target, 'x', 200);
	strcpy(target + 200, "/../a");
	EXPECT(symlink(target, P(d, "s.slow")) == 0);
	EXPECT(symlink("sub/deeper", P(d, "s.dir")) == 0);
	check_content(P(d, "s.fast"), a_buf, 10000);
	fd = open(P(d, "s.dir/through"), O_WRONLY | O_CREAT, 0644);
	EXPECT(fd >= 0);
	write_all(fd, (const unsigned char *)"via a symlink\n", 14,
		  "through");
	close(fd);

	/* Modes: umask 022 applies to creation, chmod/fchmod do not. */
	EXPECT(chmod(P(d, "a"), 0600) == 0);
	fd = open(P(d, "log"), O_RDONLY);
	EXPECT(fchmod(fd, 0604) == 0);
	EXPECT(fstat(fd, &st) == 0);
	printf("log: mode after fchmod %04o\n", st.st_mode & 07777);
	close(fd);
	EXPECT(chmod(P(d, "sub"), 0711) == 0);

	/* Owners: chown, fchown (-1 keeps one), lchown of a symlink. */
	EXPECT(chown(P(d, "log"), 1234, 5678) == 0);
	fd = open(P(d, "t"), O_RDONLY);
	EXPECT(fchown(fd, -1, 42) == 0);
	close(fd);
	EXPECT(lchown(P(d, "s.fast"), 7, 8) == 0);

	/* Times: a fixed mtime reads back; atime omitted. */
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 1000000000;
	ts[1].tv_nsec = 123456789;
	EXPECT(utimensat(AT_FDCWD, P(d, "t"), ts, 0) == 0);
	EXPECT(stat(P(d, "t"), &st) == 0);
	printf("t: mtime %ld.%09ld\n", (long)st.st_mtim.tv_sec,
	       (long)st.st_mtim.tv_nsec);
	sync();
}

static void make_many(const char *d)
{
	char name[64], data[128];
	int fd, n;

	EXPECT(mkdir(P(d, "many"), 0755) == 0);
	for (int i = 0; i < NR_MANY; i++) {
		snprintf(name, sizeof(name), "many/file-with-a-longer-name-%03d",
			 i);
		fd = open(P(d, name), O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			FAIL("create %s: %s", name, res(fd));
			continue;
		}
		n = snprintf(data, sizeof(data), "file %d of %d\n", i,
			     NR_MANY);
		for (int k = 0; k <= i % 5; k++)
			write_all(fd, (unsigned char *)data, n, name);
		close(fd);
	}
	for (int i = 0; i < NR_MANY; i += 3) {
		snprintf(name, sizeof(name), "many/file-with-a-longer-name-%03d",
			 i);
		if (unlink(P(d, name)))
			FAIL("unlink %s: %s", name, res(-1));
	}
	fd = open(P(d, "many"), O_RDONLY | O_DIRECTORY);
	EXPECT(fd >= 0 && fsync(fd) == 0);
	close(fd);
}

static void errors(const char *d)
{
	char longname[300];
	int fd;

	err_line("open O_CREAT|O_EXCL existing",
		 open(P(d, "a"), O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	err_line("mkdir existing", mkdir(P(d, "sub"), 0755), EEXIST);
	err_line("mkdir over a file", mkdir(P(d, "a"), 0755), EEXIST);
	err_line("symlink over existing", symlink("x", P(d, "a")), EEXIST);
	err_line("link over existing", link(P(d, "log"), P(d, "a")), EEXIST);
	err_line("rmdir non-empty", rmdir(P(d, "sub")), ENOTEMPTY);
	err_line("rename dir over non-empty dir",
		 rename(P(d, "many"), P(d, "sub")), ENOTEMPTY);
	err_line("renameat2 NOREPLACE existing",
		 syscall(SYS_renameat2, AT_FDCWD, P(d, "log"), AT_FDCWD,
			 P(d, "a"), RENAME_NOREPLACE), EEXIST);
	err_line("rename dir into itself",
		 rename(P(d, "sub"), P(d, "sub/deeper/x")), EINVAL);
	err_line("rename file over dir", rename(P(d, "a"), P(d, "sub")),
		 EISDIR);
	err_line("rename dir over file", rename(P(d, "sub"), P(d, "a")),
		 ENOTDIR);
	err_line("open dir O_WRONLY", open(P(d, "sub"), O_WRONLY), EISDIR);
	err_line("open dir O_RDWR|O_CREAT",
		 open(P(d, "sub"), O_RDWR | O_CREAT, 0644), EISDIR);
	err_line("open dir O_RDONLY|O_CREAT",
		 open(P(d, "sub"), O_RDONLY | O_CREAT, 0644), EISDIR);
	err_line("unlink dir", unlink(P(d, "sub")), EISDIR);
	err_line("rmdir file", rmdir(P(d, "a")), ENOTDIR);
	err_line("open below a file", open(P(d, "a/x"), O_RDONLY), ENOTDIR);
	err_line("create below a file",
		 open(P(d, "a/x"), O_WRONLY | O_CREAT, 0644), ENOTDIR);
	err_line("mkdir below a file", mkdir(P(d, "a/x"), 0755), ENOTDIR);
	err_line("create in missing dir",
		 open(P(d, "nodir/x"), O_WRONLY | O_CREAT, 0644), ENOENT);
	err_line("unlink missing", unlink(P(d, "missing")), ENOENT);
	err_line("rmdir missing", rmdir(P(d, "missing")), ENOENT);
	err_line("rename missing", rename(P(d, "missing"), P(d, "m2")),
		 ENOENT);
	err_line("link to a directory", link(P(d, "sub"), P(d, "sub.l")),
		 EPERM);
	err_line("truncate a directory", truncate(P(d, "sub"), 0), EISDIR);
	err_line("truncate negative", truncate(P(d, "a"), -1), EINVAL);
	memset(longname, 'n', 256);
	longname[256] = '\0';
	err_line("create 256-byte name",
		 open(P(d, longname), O_WRONLY | O_CREAT, 0644), ENAMETOOLONG);
	err_line("mkdir 256-byte name", mkdir(P(d, longname), 0755),
		 ENAMETOOLONG);
	longname[255] = '\0';
	fd = open(P(d, longname), O_WRONLY | O_CREAT, 0644);
	printf("create 255-byte name: %s\n", res(fd));
	if (fd >= 0)
		close(fd);
	EXPECT(unlink(P(d, longname)) == 0);
	fd = open(P(d, "a"), O_RDONLY);
	err_line("write on O_RDONLY fd", write(fd, "x", 1), EBADF);
	err_line("pwrite on O_RDONLY fd", pwrite(fd, "x", 1, 0), EBADF);
	err_line("ftruncate on O_RDONLY fd", ftruncate(fd, 0), EINVAL);
	close(fd);
	err_line("write on closed fd", write(fd, "x", 1), EBADF);
	fd = open(P(d, "a2"), O_WRONLY | O_APPEND);
	err_line("write from a bad pointer",
		 syscall(SYS_write, fd, (void *)8, 10), EFAULT);
	close(fd);
	check_content(P(d, "a2"), (const unsigned char *)"fresh\n", 6);
	err_line("symlink with a bad target",
		 syscall(SYS_symlink, (void *)8, P(d, "bad")), EFAULT);
	err_line("utimensat with bad times",
		 syscall(SYS_utimensat, AT_FDCWD, P(d, "a2"), (void *)8, 0),
		 EFAULT);
	fd = open(P(d, "sub"), O_RDONLY | O_DIRECTORY);
	err_line("ftruncate on a directory fd", ftruncate(fd, 0), EINVAL);
	close(fd);
}

/* ------------------------------------------------------------ listing */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir, const char *rel)
{
	char *names[NR_MANY + 64], path[4096], target[4096];
	struct dirent *de;
	int n = 0;
	DIR *dp = opendir(dir);

	if (!dp) {
		FAIL("opendir %s: %s", rel, res(-1));
		return;
	}
	while ((de = readdir(dp)) && n < NR_MANY + 64)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		struct stat st;
		char sub[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			 names[i]);
		if (lstat(path, &st)) {
			FAIL("lstat %s: %s", sub, res(-1));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			printf("d %04o %ld %u:%u %s\n", st.st_mode & 07777,
			       (long)st.st_nlink, st.st_uid, st.st_gid, sub);
			list(path, sub);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t l = readlink(path, target, sizeof(target) - 1);

			target[l > 0 ? l : 0] = '\0';
			printf("l %ld %u:%u %s -> %s\n", (long)st.st_size,
			       st.st_uid, st.st_gid, sub, target);
		} else {
			unsigned char *buf = malloc(st.st_size + 1);
			int fd = open(path, O_RDONLY);
			ssize_t r = fd < 0 || !buf ? -1 :
				    read(fd, buf, st.st_size + 1);

			printf("f %04o %ld %u:%u %ld %016llx %s\n",
			       st.st_mode & 07777, (long)st.st_nlink,
			       st.st_uid, st.st_gid,
			       (long)st.st_size, r == st.st_size ?
			       (unsigned long long)fnv1a(buf, r) : 0ull, sub);
			if (r != st.st_size)
				FAIL("read %s: %ld of %ld", sub, (long)r,
				     (long)st.st_size);
			if (fd >= 0)
				close(fd);
			free(buf);
		}
		free(names[i]);
	}
}

/* ------------------------------------------------------------ --fill */

static void fill_disk(const char *d)
{
	static unsigned char buf[64 << 10], back[64 << 10];
	long total[2] = { 0, 0 };
	int fd, stopped = 0;
	ssize_t w = 0;

	EXPECT(mkdir(d, 0755) == 0);
	fill(buf, sizeof(buf), 9);
	for (int f = 0; f < 2; f++) {
		fd = open(P(d, f ? "second" : "first"),
			  O_WRONLY | O_CREAT, 0644);
		EXPECT(fd >= 0);
		while ((w = write(fd, buf, sizeof(buf))) == sizeof(buf))
			total[f] += w;
		if (w > 0)
			total[f] += w;
		if (w < 0 && errno == ENOSPC)
			stopped++;
		else if (w >= 0)	/* a short write, then ENOSPC */
			stopped += write(fd, buf, sizeof(buf)) < 0 &&
				   errno == ENOSPC;
		EXPECT(fsync(fd) == 0);
		close(fd);
	}
	printf("fill: both files stopped with ENOSPC: %s\n",
	       stopped == 2 ? "yes" : "no");
	printf("fill: the first file got data: %s\n",
	       total[0] > (long)sizeof(buf) ? "yes" : "no");
	/* Every byte of the first file is intact. */
	fd = open(P(d, "first"), O_RDONLY);
	for (long off = 0; off < total[0]; off += sizeof(back)) {
		long left = total[0] - off;
		size_t n = left < (long)sizeof(back) ? (size_t)left :
			   sizeof(back);

		if (pread(fd, back, n, off) != (ssize_t)n ||
		    memcmp(back, buf, n)) {
			FAIL("first: bytes at %ld differ", off);
			break;
		}
	}
	close(fd);
	EXPECT(size_of(P(d, "first")) == total[0]);
	EXPECT(unlink(P(d, "first")) == 0);
	sync();
	fd = open(P(d, "third"), O_WRONLY | O_CREAT, 0644);
	w = write(fd, buf, sizeof(buf));
	printf("fill: after unlink a write: %s\n",
	       w == sizeof(buf) ? "ok" : res(w));
	close(fd);
	sync();
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--fill")) {
		fill_disk(argv[2]);
	} else if (argc == 2) {
		umask(022);
		make_files(argv[1]);
		make_names(argv[1]);
		make_many(argv[1]);
		errors(argv[1]);
		check_content(P(argv[1], "a.link"), a_buf, 10000);
		printf("listing of DIR:\n");
		list(argv[1], "");
	} else {
		fprintf(stderr, "usage: fs_write DIR | fs_write --fill DIR\n");
		return 2;
	}
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
