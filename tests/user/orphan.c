// SPDX-License-Identifier: GPL-2.0
/*
 * A file unlinked while open (tests/cluster/test_fs_write.py, orphan):
 * it keeps its bytes and takes writes until the last close, fstat says
 * st_nlink 0, a mapping of it reads its bytes, and its name is gone.
 * Prints one line per step; the same output natively and on Tessera.
 *
 *   orphan DIR		works in DIR (made, removed at the end)
 *   orphan --hold DIR S	for tests/cluster/test_orphan.py: DIR/kept
 *			(LEN1 bytes) and DIR/held (LEN2 bytes), held
 *			unlinked while open, nothing fsynced; prints
 *			"ready", sleeps S seconds, prints "slept" and
 *			waits to be killed (the test cuts the power)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEN1	20000
#define LEN2	5000

static unsigned char pat(unsigned long i)
{
	return (unsigned char)(i * 2654435761u >> 13);
}

static int fails;
static unsigned char buf[LEN1 + LEN2];

static void say(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		fails++;
}

static int hold(const char *dir, unsigned int secs)
{
	char path[256];
	int fd, held;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return 1;
	snprintf(path, sizeof(path), "%s/kept", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, LEN1) != LEN1 || close(fd))
		return 1;
	snprintf(path, sizeof(path), "%s/held", dir);
	held = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (held < 0 || write(held, buf + LEN1, LEN2) != LEN2 || unlink(path))
		return 1;
	printf("ready\n");
	fflush(stdout);
	sleep(secs);
	printf("slept\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	static unsigned char got[LEN1 + LEN2];
	char path[256], other[256];
	struct stat st;
	unsigned char *map;
	int fd, fd2, i;

	for (i = 0; i < LEN1 + LEN2; i++)
		buf[i] = pat(i);
	if (argc == 4 && !strcmp(argv[1], "--hold"))
		return hold(argv[2], atoi(argv[3]));
	if (argc != 2) {
		fprintf(stderr, "usage: orphan DIR | orphan --hold DIR SECONDS\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror("mkdir");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/gone", argv[1]);
	snprintf(other, sizeof(other), "%s/again", argv[1]);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	say("write", write(fd, buf, LEN1) == LEN1);
	fd2 = open(path, O_RDONLY);
	say("second open", fd2 >= 0);
	say("unlink", unlink(path) == 0);
	say("name gone", access(path, F_OK) && errno == ENOENT);
	say("write after unlink", write(fd, buf + LEN1, LEN2) == LEN2);
	say("lseek", lseek(fd, 0, SEEK_SET) == 0);
	memset(got, 0, sizeof(got));
	say("read back", read(fd, got, sizeof(got)) == LEN1 + LEN2 &&
	    !memcmp(got, buf, LEN1 + LEN2));
	say("fstat", fstat(fd, &st) == 0);
	printf("st_nlink %lu st_size %lld\n", (unsigned long)st.st_nlink,
	       (long long)st.st_size);
	say("link back refused", linkat(fd, "", AT_FDCWD, other,
					AT_EMPTY_PATH) != 0);
	map = mmap(NULL, LEN1 + LEN2, PROT_READ, MAP_PRIVATE, fd, 0);
	say("mmap", map != MAP_FAILED);
	if (map != MAP_FAILED) {
		say("mapped bytes", !memcmp(map, buf, LEN1 + LEN2));
		munmap(map, LEN1 + LEN2);
	}
	say("close", close(fd) == 0);
	/* The second descriptor still holds it. */
	memset(got, 0, sizeof(got));
	say("read through the other descriptor",
	    pread(fd2, got, sizeof(got), 0) == LEN1 + LEN2 &&
	    !memcmp(got, buf, LEN1 + LEN2));
	say("last close", close(fd2) == 0);
	say("rmdir", rmdir(argv[1]) == 0);
	printf("%d failures\n", fails);
	return fails != 0;
}
