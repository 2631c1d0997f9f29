// SPDX-License-Identifier: GPL-2.0
/*
 * A mapping keeps an unlinked file alive (tests/cluster/test_mapref.py):
 * on Linux a file whose last name and last descriptor are gone lives on
 * while a mapping of it exists, and every page of the mapping reads the
 * file's bytes, touched before or not.  Each case writes NPAGES pages
 * of a pattern to a new file, fsyncs, maps it, closes the descriptor,
 * has the name removed, then reads every page from the last to the first
 * (none touched before, so none can come from a cache filled while the
 * file had a name) and checks every byte.
 *
 *   private  MAP_PRIVATE read-write, unlinked by this process; a private
 *            write to one page; then munmap of the first half and the
 *            second half read again
 *   shared   MAP_SHARED read-only, unlinked by a child process
 *   fork     MAP_PRIVATE, unlinked, then fork: the parent unmaps, and
 *            only then the child reads every page through its copy of
 *            the mapping
 *   exec     a copy of this program, executed, unlinks itself and then
 *            reads every byte of its own text (the pages its start-up
 *            did not touch come from the unlinked file)
 *
 * Prints one line per step; the same output natively and on Tessera.
 *
 *   mapunlink DIR		works in DIR (made, removed at the end)
 *   mapunlink --unlinked PATH	the exec case's copy: unlink PATH (itself),
 *				read its text; status 0 if all went well
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG	4096UL
#define NPAGES	80UL	/* more than the memory node's readahead window */
#define LEN	(NPAGES * PG)

static int fails;

/* Byte @off of stream @seed: a hash, so no page repeats another. */
static unsigned char pattern_byte(unsigned int seed, unsigned long off)
{
	unsigned long x = (off >> 3) * 0x9e3779b97f4a7c15UL + seed;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9UL;
	x ^= x >> 29;
	return (unsigned char)(x >> ((off & 7) * 8));
}

static void say(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	fflush(stdout);
	if (!ok)
		fails++;
}

/* @path: LEN bytes of stream @seed, on the disk; 0 or -1. */
static int make_file(const char *path, unsigned int seed)
{
	static unsigned char chunk[16 * PG];
	unsigned long off, i;
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	for (off = 0; off < LEN; off += sizeof(chunk)) {
		for (i = 0; i < sizeof(chunk); i++)
			chunk[i] = pattern_byte(seed, off + i);
		if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk)) {
			close(fd);
			return -1;
		}
	}
	if (fsync(fd)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Map @path (@prot, @flags) and close its descriptor: the mapping or NULL. */
static unsigned char *map_file(const char *path, int prot, int flags)
{
	int fd = open(path, O_RDONLY);
	void *map;

	if (fd < 0)
		return NULL;
	map = mmap(NULL, LEN, prot, flags, fd, 0);
	close(fd);
	return map == MAP_FAILED ? NULL : map;
}

/* Pages [first, NPAGES) of @map against stream @seed, last page first. */
static unsigned long bad_pages(const unsigned char *map, unsigned int seed,
			       unsigned long first)
{
	unsigned long bad = 0, p, i;

	for (p = NPAGES; p-- > first;) {
		for (i = 0; i < PG; i++) {
			if (map[p * PG + i] != pattern_byte(seed, p * PG + i)) {
				bad++;
				break;
			}
		}
	}
	return bad;
}

static int gone(const char *path)
{
	return access(path, F_OK) && errno == ENOENT;
}

static void case_private(const char *dir)
{
	char path[256];
	unsigned char *map;

	snprintf(path, sizeof(path), "%s/private", dir);
	say("private: write and fsync", make_file(path, 1) == 0);
	map = map_file(path, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	say("private: mmap, close", map != NULL);
	say("private: unlink", unlink(path) == 0 && gone(path));
	if (!map)
		return;
	say("private: every page, last first", bad_pages(map, 1, 0) == 0);
	memset(map + 5 * PG, 0xa5, PG);
	say("private: a private write",
	    map[5 * PG] == 0xa5 && map[6 * PG - 1] == 0xa5 &&
	    map[6 * PG] == pattern_byte(1, 6 * PG));
	say("private: munmap of the first half",
	    munmap(map, LEN / 2) == 0);
	say("private: the second half again",
	    bad_pages(map, 1, NPAGES / 2) == 0);
	say("private: munmap of the rest", munmap(map + LEN / 2, LEN / 2) == 0);
}

static void case_shared(const char *dir)
{
	char path[256];
	unsigned char *map;
	int status = -1;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/shared", dir);
	say("shared: write and fsync", make_file(path, 2) == 0);
	map = map_file(path, PROT_READ, MAP_SHARED);
	say("shared: mmap, close", map != NULL);
	pid = fork();
	if (pid == 0)
		_exit(unlink(path) ? 1 : 0);
	say("shared: unlinked by another process",
	    pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0 && gone(path));
	if (!map)
		return;
	say("shared: every page, last first", bad_pages(map, 2, 0) == 0);
	say("shared: munmap", munmap(map, LEN) == 0);
}

static void case_fork(const char *dir)
{
	char path[256], go;
	unsigned char *map;
	int status = -1, p[2];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/forked", dir);
	say("fork: write and fsync", make_file(path, 3) == 0);
	map = map_file(path, PROT_READ, MAP_PRIVATE);
	say("fork: mmap, close", map != NULL);
	say("fork: unlink", unlink(path) == 0);
	if (!map || pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		/* Only after the parent's munmap. */
		if (read(p[0], &go, 1) != 1)
			_exit(2);
		_exit(bad_pages(map, 3, 0) ? 1 : 0);
	}
	close(p[0]);
	say("fork: the parent's munmap", munmap(map, LEN) == 0);
	go = 1;
	if (write(p[1], &go, 1) != 1)
		fails++;
	close(p[1]);
	say("fork: every page in the child after it",
	    pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The exec case's copy: running from PATH, which it removes first. */
static int unlinked_self(const char *path)
{
	extern const unsigned char __executable_start[], etext[];
	const volatile unsigned char *p;
	unsigned long sum = 0;

	if (unlink(path) || !gone(path))
		return 1;
	for (p = __executable_start; p < etext; p++)
		sum += *p;
	return sum ? 0 : 1;
}

static void case_exec(const char *dir, const char *self)
{
	static unsigned char image[8 << 20];
	char path[256];
	ssize_t n = -1;
	int fd, status = -1, ok;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/prog", dir);
	fd = open(self, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, image, sizeof(image));
		close(fd);
	}
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	ok = n > 0 && n < (ssize_t)sizeof(image) && fd >= 0 &&
	     write(fd, image, n) == n && fsync(fd) == 0;
	say("exec: a copy of the program", fd >= 0 && !close(fd) && ok);
	pid = fork();
	if (pid == 0) {
		execl(path, path, "--unlinked", path, (char *)NULL);
		_exit(127);
	}
	say("exec: it unlinked itself and read its own text",
	    pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0 && gone(path));
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--unlinked"))
		return unlinked_self(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: mapunlink DIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror("mkdir");
		return 1;
	}
	case_private(argv[1]);
	case_shared(argv[1]);
	case_fork(argv[1]);
	case_exec(argv[1], argv[0]);
	say("rmdir", rmdir(argv[1]) == 0);
	printf("%d failures\n", fails);
	return fails != 0;
}
