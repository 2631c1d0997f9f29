// SPDX-License-Identifier: GPL-2.0
/*
 * Files rewritten in place, then mapped or executed again: every mapping
 * and every execve made after a change must see the new bytes
 * (test_fcache.py, rewrite scenarios; the memory node's file page cache
 * must not serve the pages of the version before).
 *
 *   fcinv DIR          in DIR (created): a file written, mapped and
 *                      checked; rewritten with pwrite in the middle,
 *                      truncated and extended, truncated with O_TRUNC
 *                      and rewritten, each time mapped again (private and
 *                      shared) and every byte checked; a copy of this
 *                      program executed, its marker string patched in
 *                      place with pwrite, executed again; open
 *                      (O_CREAT) through dangling symlinks (relative,
 *                      chained, looping, into a missing directory, with
 *                      a trailing '/', O_EXCL, O_NOFOLLOW) and what they
 *                      made; a "#!" script in /tmp run (this program
 *                      its interpreter), and with mode 0644 (EACCES);
 *                      DIR/stable left for the next two modes
 *   fcinv --map FILE   maps FILE and prints a checksum of its bytes
 *   fcinv --say [ARG]...  prints the marker and the ARGs
 *
 * One line per step; "0 failures" at the end.  Static: runs natively and
 * on Tessera alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG		4096L
#define STABLE_SIZE	(7 * PG + 300)

/* Patched in the copy by the program itself: keep it one array. */
static const char marker[] = "fcinv-marker-AAAA";

static int nr_failed;

static void result(const char *what, int ok)
{
	printf("%-44s %s\n", what, ok ? "ok" : "FAILED");
	fflush(stdout);
	if (!ok)
		nr_failed++;
}

/* Byte @i of a file written with pattern @p. */
static unsigned char pat(int p, long i)
{
	return (unsigned char)(i * 13 + p * 71 + (i >> 12));
}

/* What the file should hold: pattern per byte, kept by the program. */
static unsigned char want[16 * PG];
static long want_size;

static int write_pat(int fd, int p, long off, long len)
{
	static unsigned char buf[16 * PG];

	for (long i = 0; i < len; i++) {
		buf[i] = pat(p, off + i);
		want[off + i] = buf[i];
	}
	if (off + len > want_size)
		want_size = off + len;
	return pwrite(fd, buf, len, off) == len ? 0 : -1;
}

/* Map @path (MAP_PRIVATE or MAP_SHARED) and compare every byte. */
static int map_check(const char *path, int type)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	unsigned char *m;
	int ok;

	if (fd < 0 || fstat(fd, &st) || st.st_size != want_size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	m = mmap(NULL, want_size, PROT_READ, type, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return 0;
	ok = !memcmp(m, want, want_size);
	/* The rest of the last page reads as zeros. */
	for (long i = want_size; ok && (i & (PG - 1)); i++)
		ok = m[i] == 0;
	munmap(m, want_size);
	return ok;
}

static void check_both(const char *step, const char *path)
{
	char what[80];

	snprintf(what, sizeof(what), "%s: private map", step);
	result(what, map_check(path, MAP_PRIVATE));
	snprintf(what, sizeof(what), "%s: shared map", step);
	result(what, map_check(path, MAP_SHARED));
}

static void rewrites(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/data", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	result("create data", fd >= 0);
	if (fd < 0)
		return;
	result("write 5 pages + 123", !write_pat(fd, 1, 0, 5 * PG + 123));
	check_both("first", path);
	check_both("again, unchanged", path);

	result("pwrite in the middle", !write_pat(fd, 2, PG + 7, 2 * PG + 93));
	check_both("after pwrite", path);

	result("ftruncate to 2 pages + 50", !ftruncate(fd, 2 * PG + 50));
	want_size = 2 * PG + 50;
	result("write up to 3 pages + 9",
	       !write_pat(fd, 3, 2 * PG + 50, PG - 41));
	check_both("after truncate and write", path);

	/* One byte changes, nothing else: still seen. */
	result("pwrite one byte", !write_pat(fd, 4, 2 * PG + 5, 1));
	check_both("after one byte", path);
	close(fd);

	fd = open(path, O_WRONLY | O_TRUNC);
	want_size = 0;
	result("O_TRUNC and rewrite",
	       fd >= 0 && !write_pat(fd, 5, 0, 2 * PG + 1));
	if (fd >= 0)
		close(fd);
	check_both("after O_TRUNC", path);
}

static int copy_file(const char *from, const char *to)
{
	static char buf[64 << 10];
	int in = open(from, O_RDONLY);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ssize_t n = 0;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		n = -1;
	return in >= 0 && out >= 0 && n == 0 ? 0 : -1;
}

/* Run @argv; its stdout (one line) into @line. */
static int run_argv(char *const argv[], char *line, size_t size)
{
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		dprintf(1, "execv %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], line, size - 1);
	close(fds[0]);
	line[n > 0 ? n : 0] = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Run @prog --say; its stdout (one line) into @line. */
static int run_say(const char *prog, char *line, size_t size)
{
	char *argv[] = { (char *)prog, "--say", NULL };

	return run_argv(argv, line, size);
}

/* Where the marker is in @path (exactly once), or -1. */
static long marker_offset(const char *path)
{
	static char buf[4 << 20];
	long found = -1, count = 0;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (ssize_t i = 0; i + (ssize_t)sizeof(marker) <= n; i++)
		if (!memcmp(buf + i, marker, sizeof(marker))) {
			found = i;
			count++;
		}
	return count == 1 ? found : -1;
}

static void exec_rewritten(const char *self, const char *dir)
{
	char prog[4096], line[256];
	long off;
	int fd;

	snprintf(prog, sizeof(prog), "%s/prog", dir);
	result("copy this program", !copy_file(self, prog));
	result("exec the copy",
	       !run_say(prog, line, sizeof(line)) &&
	       !strcmp(line, "fcinv-marker-AAAA\n"));
	off = marker_offset(prog);
	result("marker once in the copy", off >= 0);
	if (off < 0)
		return;
	fd = open(prog, O_WRONLY);
	result("pwrite the new marker",
	       fd >= 0 && pwrite(fd, "BBBB", 4, off + 13) == 4);
	if (fd >= 0)
		close(fd);
	result("exec the patched copy",
	       !run_say(prog, line, sizeof(line)) &&
	       !strcmp(line, "fcinv-marker-BBBB\n"));
	fd = open(prog, O_WRONLY);
	result("pwrite it back",
	       fd >= 0 && pwrite(fd, "CCCC", 4, off + 13) == 4);
	if (fd >= 0)
		close(fd);
	result("exec it again",
	       !run_say(prog, line, sizeof(line)) &&
	       !strcmp(line, "fcinv-marker-CCCC\n"));
}

/* open(@name in @dir, @flags, 0640): "ok" or the errno's text. */
static void open_show(const char *dir, const char *name, int flags)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags, 0640);
	printf("open %-30s %s\n", name, fd >= 0 ? "ok" : strerror(errno));
	if (fd >= 0) {
		if (write(fd, name, strlen(name)) != (ssize_t)strlen(name))
			printf("write %s: %s\n", name, strerror(errno));
		close(fd);
	}
}

/* What @name in @dir is now: its type and bytes. */
static void show_file(const char *dir, const char *name)
{
	char path[4096], buf[128];
	struct stat st;
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st)) {
		printf("  %-32s %s\n", name, strerror(errno));
		return;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = 0;
	printf("  %-32s %s mode %o \"%s\"\n", name,
	       S_ISLNK(st.st_mode) ? "symlink" : S_ISREG(st.st_mode) ?
	       "file" : "other", (unsigned)(st.st_mode & 07777), buf);
}

/* O_CREAT through a dangling symlink creates what it points to. */
static void dangling(const char *dir)
{
	static const char *const links[][2] = {
		{ "l1", "t1" }, { "l2", "l3" }, { "l3", "t3" },
		{ "l4", "l5" }, { "l5", "l4" }, { "l6", "nodir/t6" },
		{ "l7", "t7/" }, { "l8", "t1" }, { "l9", "t9" },
		{ "l10", "t10" }, { "d/l11", "../t11" }, { "l12", "" },
		{ "l13", "t13" }, { "l14", "d" },
	};
	char path[4096];
	unsigned int i;

	snprintf(path, sizeof(path), "%s/d", dir);
	result("mkdir d", !mkdir(path, 0755));
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, links[i][0]);
		/* symlink("") is ENOENT on Linux: skip it quietly. */
		if (symlink(links[i][1], path) && links[i][1][0])
			printf("symlink %s: %s\n", links[i][0],
			       strerror(errno));
	}
	umask(022);
	open_show(dir, "l1", O_WRONLY | O_CREAT);
	open_show(dir, "l2", O_RDWR | O_CREAT);
	open_show(dir, "l4", O_WRONLY | O_CREAT);
	open_show(dir, "l6", O_WRONLY | O_CREAT);
	open_show(dir, "l7", O_WRONLY | O_CREAT);
	open_show(dir, "l8", O_WRONLY | O_CREAT | O_APPEND);
	open_show(dir, "l9", O_WRONLY | O_CREAT | O_EXCL);
	open_show(dir, "l10", O_WRONLY | O_CREAT | O_NOFOLLOW);
	open_show(dir, "d/l11", O_WRONLY | O_CREAT | O_TRUNC);
	open_show(dir, "l13", O_RDONLY);
	open_show(dir, "l14", O_WRONLY | O_CREAT);
	show_file(dir, "l1");
	show_file(dir, "t1");
	show_file(dir, "t3");
	show_file(dir, "t7");
	show_file(dir, "t9");
	show_file(dir, "t10");
	show_file(dir, "t11");
	show_file(dir, "t13");
}

/* A "#!" script in /tmp whose interpreter is this program. */
static void tmp_script(const char *self)
{
	const char *path = "/tmp/fcinv-script";
	char *argv[] = { (char *)path, "arg", NULL };
	char text[4200], line[256];
	int fd, ret;

	snprintf(text, sizeof(text), "#!%s --say\n", self);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	result("write a script in /tmp", fd >= 0 &&
	       write(fd, text, strlen(text)) == (ssize_t)strlen(text) &&
	       !close(fd));
	ret = run_argv(argv, line, sizeof(line));
	printf("script: status %d, said %s", ret, line);
	/* Not executable: EACCES. */
	chmod(path, 0644);
	ret = run_argv(argv, line, sizeof(line));
	printf("script 0644: status %d, said %s", ret, line);
	unlink(path);
}

static void make_stable(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/stable", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	want_size = 0;
	result("write stable", fd >= 0 &&
	       !write_pat(fd, 6, 0, STABLE_SIZE) && !close(fd));
}

static int map_sum(const char *path)
{
	int fd = open(path, O_RDONLY);
	unsigned long sum = 0;
	unsigned char *m;
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		printf("map %s: %s\n", path, strerror(errno));
		return 1;
	}
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		printf("map %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (long i = 0; i < st.st_size; i++)
		sum = sum * 31 + m[i];
	printf("map %s: %ld bytes, sum %lx\n", path, (long)st.st_size, sum);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--say")) {
		printf("%s", marker);
		for (int i = 2; i < argc; i++)
			printf(" %s", argv[i]);
		printf("\n");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--map"))
		return map_sum(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: fcinv DIR | --map FILE | --say\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	rewrites(argv[1]);
	exec_rewritten(argv[0], argv[1]);
	dangling(argv[1]);
	tmp_script(argv[0]);
	make_stable(argv[1]);
	printf("%d failures\n", nr_failed);
	return nr_failed != 0;
}
