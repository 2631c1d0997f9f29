/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workload of tests/cluster/test_faults.py: files written and read
 * back while a node fails allocations, drops frames or reboots.  It goes
 * on past errors, so one failure does not end the run:
 *
 *   faultload DIR N       make DIR (tried 5 times); for i in 0..N-1:
 *                         write DIR/fI (O_TRUNC; byte k is
 *                         faultload_byte(i, k), a size that varies with
 *                         i: 1 to ~20 KiB), fsync it and DIR, up to 3
 *                         tries; print "synced DIR/fI SIZE" once every step
 *                         of a try returned success, else "error fI
 *                         STEP: <strerror>".  Then read every synced
 *                         file back (each read tried up to 5 times) and
 *                         print "verified K of M" or, per file whose
 *                         bytes differ, "BAD fI ..."; "unreadable fI
 *                         STEP: <strerror>" if no try could read it.
 *   faultload -r DIR N    read back only: "verified K of M" over the
 *                         files DIR/f0..fN-1 that exist, for a run whose
 *                         writer was killed
 *   faultload -l DIR N MARK  read DIR/f0..fN-1 (all must exist, of any
 *                         size) again and again, 100 ms apart, printing
 *                         "pass P: verified K of N" after each, until the
 *                         file MARK exists; then once more, "final pass:
 *                         verified K of N", status 0 if K is N, else 3:
 *                         the reader of a node killed under it and booted
 *                         again (with MARK on its disk)
 *
 * Exit status 1 if any byte read back was wrong, else 0: errors are
 * what a failing node may give; wrong data is not.  The test computes
 * faultload_byte() itself to check the files in the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES	4096
#define MAX_SIZE	20480
#define WRITE_TRIES	3
#define READ_TRIES	5

static unsigned char wbuf[MAX_SIZE], rbuf[MAX_SIZE + 1];
static int quiet;			/* -l: count, do not name, failures */
static long synced[MAX_FILES];		/* size, or -1: not synced */

static unsigned char faultload_byte(unsigned int i, unsigned long k)
{
	return (unsigned char)((k * 151 + i * 13 + (k >> 9)) & 0xff);
}

static unsigned long file_size(unsigned int i)
{
	return (i * 4099ul) % MAX_SIZE + 1;
}

/* One try at fI: 0, or the failed step's name (errno set). */
static const char *write_one(const char *dir, int dfd, unsigned int i,
			     unsigned long size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/f%u", dir, i);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return "open";
	n = write(fd, wbuf, size);
	if (n != (ssize_t)size) {
		if (n >= 0)
			errno = EIO;
		close(fd);
		return "write";
	}
	if (fsync(fd)) {
		close(fd);
		return "fsync";
	}
	if (close(fd))
		return "close";
	if (fsync(dfd))
		return "fsync dir";
	return NULL;
}

/* Read fI whole: its length, or -1 with the step in *step. */
static long read_one(const char *dir, unsigned int i, const char **step)
{
	char path[256];
	long total = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/f%u", dir, i);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		*step = "open";
		return -1;
	}
	while (total <= MAX_SIZE &&
	       (n = read(fd, rbuf + total, sizeof(rbuf) - total)) > 0)
		total += n;
	if (n < 0) {
		int e = errno;

		close(fd);
		errno = e;
		*step = "read";
		return -1;
	}
	close(fd);
	return total;
}

/* 1 if fI's bytes are wrong, 0 if right, -1 if it could not be read. */
static int check_one(const char *dir, unsigned int i, long want)
{
	const char *step = "";
	long len = -1, k;
	int t;

	for (t = 0; t < READ_TRIES && len < 0; t++) {
		len = read_one(dir, i, &step);
		if (len < 0 && errno == ENOENT && want < 0)
			return -1;
	}
	if (len < 0) {
		if (!quiet)
			printf("unreadable f%u %s: %s\n", i, step,
			       strerror(errno));
		return -1;
	}
	if (want >= 0 && len != want) {
		printf("BAD f%u: %ld bytes, want %ld\n", i, len, want);
		return 1;
	}
	for (k = 0; k < len; k++)
		if (rbuf[k] != faultload_byte(i, k)) {
			printf("BAD f%u: byte %ld is %#x, want %#x\n", i, k,
			       rbuf[k], faultload_byte(i, k));
			return 1;
		}
	return 0;
}

/*
 * Check the files once: 1 if a byte was wrong; *nr_ok: the good ones.
 * @all 0: the synced ones, at their sizes; 1: those that exist, any
 * size; 2: all, any size, a missing or unreadable one counted as tried.
 */
static int verify_pass(const char *dir, unsigned int n, int all,
		       unsigned int *nr_ok)
{
	unsigned int i, ok = 0, tried = 0, bad = 0;

	for (i = 0; i < n; i++) {
		int r;

		if (!all && synced[i] < 0)
			continue;
		r = check_one(dir, i, all ? -1 : synced[i]);
		if (r < 0 && all == 1)
			continue;
		tried++;
		if (r == 0)
			ok++;
		else if (r > 0)
			bad++;
	}
	*nr_ok = ok;
	if (!quiet)
		printf("verified %u of %u\n", ok, tried);
	return bad ? 1 : 0;
}

static int verify(const char *dir, unsigned int n, int all)
{
	unsigned int ok;

	return verify_pass(dir, n, all, &ok);
}

static int read_loop(const char *dir, unsigned int n, const char *mark)
{
	unsigned int pass, ok;

	quiet = 1;
	for (pass = 1; access(mark, F_OK); pass++) {
		struct timespec gap = { 0, 100 * 1000 * 1000 };

		if (verify_pass(dir, n, 2, &ok))
			return 1;
		printf("pass %u: verified %u of %u\n", pass, ok, n);
		fflush(stdout);
		nanosleep(&gap, NULL);
	}
	if (verify_pass(dir, n, 2, &ok))
		return 1;
	printf("final pass: verified %u of %u\n", ok, n);
	return ok == n ? 0 : 3;
}

int main(int argc, char **argv)
{
	int read_only = argc == 4 && !strcmp(argv[1], "-r");
	unsigned int i, n, t;
	const char *dir;
	int dfd = -1;

	if (argc == 5 && !strcmp(argv[1], "-l")) {
		n = (unsigned int)strtoul(argv[3], NULL, 0);
		if (n > MAX_FILES)
			n = MAX_FILES;
		return read_loop(argv[2], n, argv[4]);
	}
	if (argc != 3 && !read_only) {
		fprintf(stderr, "usage: faultload [-r] DIR N | -l DIR N MARK\n");
		return 2;
	}
	dir = argv[argc - 2];
	n = (unsigned int)strtoul(argv[argc - 1], NULL, 0);
	if (n > MAX_FILES)
		n = MAX_FILES;
	if (read_only)
		return verify(dir, n, 1);

	for (t = 0; t < 5 && dfd < 0; t++) {
		if (mkdir(dir, 0755) && errno != EEXIST) {
			printf("error mkdir %s: %s\n", dir, strerror(errno));
			continue;
		}
		dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd < 0)
			printf("error open %s: %s\n", dir, strerror(errno));
	}
	if (dfd < 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned long size = file_size(i), k;
		const char *step = NULL;

		synced[i] = -1;
		for (k = 0; k < size; k++)
			wbuf[k] = faultload_byte(i, k);
		for (t = 0; t < WRITE_TRIES; t++) {
			step = write_one(dir, dfd, i, size);
			if (!step)
				break;
			printf("error f%u %s: %s\n", i, step, strerror(errno));
		}
		if (!step) {
			synced[i] = (long)size;
			printf("synced %s/f%u %lu\n", dir, i, size);
		}
		fflush(stdout);
	}
	close(dfd);
	return verify(dir, n, 0);
}
