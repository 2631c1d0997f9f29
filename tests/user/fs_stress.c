// SPDX-License-Identifier: GPL-2.0
/*
 * Several processes at once on one file system (issue 14 part 4: the
 * storage node serves them concurrently).  Usage: fs_stress DIR.
 *
 * The parent writes DIR/ro (RO_SIZE bytes of a known pattern) and makes
 * DIR/shared, then forks NPROC children.  Child i, for ROUNDS rounds r:
 * pwrites a chunk of its own file DIR/f<i> (sizes and offsets vary with
 * i and r, overlapping earlier chunks and extending the file), keeping a
 * model of what the file must hold; reads the whole file back and
 * compares every byte with the model; creates DIR/shared/c<i>-<r>
 * holding "i r" and unlinks DIR/shared/c<i>-<r-2>; lists DIR/shared and
 * checks its own entries (both newest present, the unlinked ones gone);
 * stats the other children's files; reads a slice of DIR/ro and checks
 * it; fsyncs every third round.  Afterwards the parent checks every
 * f<i> against a model rebuilt from scratch and the exact set of names
 * left in DIR/shared.  Output is only the summary and FAIL lines, the
 * same natively and on Tessera.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expect.h"

#define NPROC		4
#define ROUNDS		12
#define FILE_MAX	(96 * 1024)
#define RO_SIZE		(200 * 1024)

static const char *dir;

static unsigned char ro_byte(unsigned long off)
{
	return (unsigned char)(off * 7 + (off >> 9) * 13 + 1);
}

static unsigned char f_byte(int i, int r, unsigned long off)
{
	return (unsigned char)(i * 131 + r * 17 + off * 5 + (off >> 8));
}

/* Round @r of child @i writes @len bytes at @off. */
static void chunk_of(int i, int r, unsigned long *off, unsigned long *len)
{
	*off = ((unsigned long)r * 6151 + i * 997) % (FILE_MAX / 2);
	*len = 3000 + ((unsigned long)r * 4099 + i * 313) % 9000;
}

/* Apply round @r of child @i to @model (size *@size). */
static void model_round(int i, int r, unsigned char *model,
			unsigned long *size)
{
	unsigned long off, len, k;

	chunk_of(i, r, &off, &len);
	for (k = 0; k < len; k++)
		model[off + k] = f_byte(i, r, off + k);
	if (off + len > *size)
		*size = off + len;
}

static int read_all(int fd, unsigned char *buf, unsigned long max)
{
	unsigned long got = 0;
	ssize_t n;

	while (got < max && (n = pread(fd, buf + got, max - got, got)) > 0)
		got += n;
	return n < 0 ? -1 : (int)got;
}

static void check_file(const char *path, const unsigned char *model,
		       unsigned long size, int i, int r)
{
	static unsigned char buf[FILE_MAX + 1];
	int fd = open(path, O_RDONLY);
	int n;
	unsigned long k;

	if (fd < 0) {
		FAIL("child %d round %d: open %s (errno %s)", i, r, path,
		     ename(errno));
		return;
	}
	n = read_all(fd, buf, sizeof(buf));
	close(fd);
	if (n != (int)size) {
		FAIL("child %d round %d: %s has %d bytes, want %lu", i, r,
		     path, n, size);
		return;
	}
	for (k = 0; k < size; k++)
		if (buf[k] != model[k]) {
			FAIL("child %d round %d: %s byte %lu is %u, want %u",
			     i, r, path, k, buf[k], model[k]);
			return;
		}
}

static int has_name(const char *d, const char *name)
{
	DIR *dp = opendir(d);
	struct dirent *de;
	int found = 0;

	if (!dp)
		return -1;
	while ((de = readdir(dp)))
		if (!strcmp(de->d_name, name))
			found = 1;
	closedir(dp);
	return found;
}

static void child(int i)
{
	static unsigned char model[FILE_MAX];
	static unsigned char ro[8192];
	char path[256], name[64], other[256], text[32];
	unsigned long size = 0, off, len, k;
	const char *shared = path_under(dir, "shared");
	struct stat st;
	int fd, ro_fd, r, j;

	snprintf(path, sizeof(path), "%s/f%d", dir, i);
	fd = open(path, O_CREAT | O_RDWR, 0644);
	ro_fd = open(path_under(dir, "ro"), O_RDONLY);
	EXPECT(fd >= 0);
	EXPECT(ro_fd >= 0);
	if (fd < 0 || ro_fd < 0)
		return;
	for (r = 0; r < ROUNDS; r++) {
		static unsigned char chunk[12000];

		chunk_of(i, r, &off, &len);
		for (k = 0; k < len; k++)
			chunk[k] = f_byte(i, r, off + k);
		EXPECT(pwrite(fd, chunk, len, off) == (ssize_t)len);
		model_round(i, r, model, &size);
		check_file(path, model, size, i, r);

		snprintf(name, sizeof(name), "%s/c%d-%d", shared, i, r);
		j = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		EXPECT(j >= 0);
		if (j >= 0) {
			int n = snprintf(text, sizeof(text), "%d %d\n", i, r);

			EXPECT(write(j, text, n) == n);
			close(j);
		}
		if (r >= 2) {
			snprintf(name, sizeof(name), "%s/c%d-%d", shared, i,
				 r - 2);
			EXPECT(unlink(name) == 0);
		}
		snprintf(name, sizeof(name), "c%d-%d", i, r);
		EXPECT(has_name(shared, name) == 1);
		if (r >= 1) {
			snprintf(name, sizeof(name), "c%d-%d", i, r - 1);
			EXPECT(has_name(shared, name) == 1);
		}
		if (r >= 2) {
			snprintf(name, sizeof(name), "c%d-%d", i, r - 2);
			EXPECT(has_name(shared, name) == 0);
		}
		for (j = 0; j < NPROC; j++) {
			snprintf(other, sizeof(other), "%s/f%d", dir, j);
			/* Others may not have made theirs yet. */
			if (stat(other, &st) && errno != ENOENT)
				FAIL("stat %s (errno %s)", other,
				     ename(errno));
		}
		off = ((unsigned long)(i * ROUNDS + r) * 12289) %
		      (RO_SIZE - sizeof(ro));
		EXPECT(pread(ro_fd, ro, sizeof(ro), off) ==
		       (ssize_t)sizeof(ro));
		for (k = 0; k < sizeof(ro); k++)
			if (ro[k] != ro_byte(off + k)) {
				FAIL("child %d: ro byte %lu is %u, want %u", i,
				     off + k, ro[k], ro_byte(off + k));
				break;
			}
		if (r % 3 == 2)
			EXPECT(fsync(fd) == 0);
	}
	close(fd);
	close(ro_fd);
}

int main(int argc, char **argv)
{
	static unsigned char buf[RO_SIZE];
	static unsigned char model[FILE_MAX];
	char path[256], name[64];
	pid_t pids[NPROC];
	unsigned long size, k;
	int fd, i, r, status, names = 0;
	DIR *dp;
	struct dirent *de;

	if (argc != 2) {
		fprintf(stderr, "usage: fs_stress DIR\n");
		return 2;
	}
	dir = argv[1];
	EXPECT(mkdir(dir, 0755) == 0);
	EXPECT(mkdir(path_under(dir, "shared"), 0755) == 0);
	for (k = 0; k < RO_SIZE; k++)
		buf[k] = ro_byte(k);
	fd = open(path_under(dir, "ro"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	EXPECT(fd >= 0 && write(fd, buf, RO_SIZE) == RO_SIZE);
	if (fd >= 0)
		close(fd);
	fflush(stdout);
	for (i = 0; i < NPROC; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			child(i);
			fflush(stdout);
			_exit(failures ? 1 : 0);
		}
		EXPECT(pids[i] > 0);
	}
	for (i = 0; i < NPROC; i++) {
		if (pids[i] <= 0)
			continue;
		EXPECT(waitpid(pids[i], &status, 0) == pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			FAIL("child %d status %d", i, status);
	}

	/* Every file as a model rebuilt from scratch says. */
	for (i = 0; i < NPROC; i++) {
		memset(model, 0, sizeof(model));
		size = 0;
		for (r = 0; r < ROUNDS; r++)
			model_round(i, r, model, &size);
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		check_file(path, model, size, i, ROUNDS);
	}
	/* The shared directory holds each child's last two names only. */
	dp = opendir(path_under(dir, "shared"));
	EXPECT(dp != NULL);
	while (dp && (de = readdir(dp))) {
		int ci, cr;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names++;
		if (sscanf(de->d_name, "c%d-%d", &ci, &cr) != 2 ||
		    ci < 0 || ci >= NPROC || cr < ROUNDS - 2 || cr >= ROUNDS)
			FAIL("unexpected name %s in shared", de->d_name);
	}
	if (dp)
		closedir(dp);
	EXPECT(names == 2 * NPROC);
	for (i = 0; i < NPROC; i++) {
		snprintf(name, sizeof(name), "shared/c%d-%d", i, ROUNDS - 1);
		fd = open(path_under(dir, name), O_RDONLY);
		EXPECT(fd >= 0);
		if (fd >= 0) {
			char text[32], want[32];
			int n = read(fd, text, sizeof(text) - 1);

			snprintf(want, sizeof(want), "%d %d\n", i, ROUNDS - 1);
			EXPECT(n == (int)strlen(want) &&
			       !memcmp(text, want, n));
			close(fd);
		}
	}
	printf("fs_stress: %d processes, %d rounds each\n", NPROC, ROUNDS);
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
