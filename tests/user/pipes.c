// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes (issue 12 part 2), run natively and on Tessera with the same
 * output expected: data between threads (a blocked reader woken by the
 * writer), 1 MiB streamed and every byte checked, PIPE_BUF atomicity
 * with two writers, four writers and three readers on one pipe (every
 * record once, whole, in order), EOF once the last write end (a dup
 * too) is closed, EPIPE with SIGPIPE ignored (and for a writer blocked
 * on a full pipe), O_NONBLOCK EAGAIN at both ends and FIONBIO, a partial
 * non-blocking write, FIONREAD, fstat, pipe2 flags, EMFILE, bad pointers
 * (EFAULT, no descriptor made, no byte written twice), the wrong end
 * (EBADF), lseek and pread (ESPIPE), readlink of /proc/self/fd/N, and
 * readv taking what is buffered without waiting in a later vector.
 * How many bytes a partial write takes depends on how the kernel keeps
 * its buffer (Linux: page slots), so such counts are printed as checks
 * of what must hold on any kernel.
 * Calls go through syscall(2).  The last line counts the checks that
 * said NO.
 *
 * With an argument it is a program that must die of SIGPIPE (status
 * 141): "sigpipe" writes to a pipe whose read end is closed, with the
 * default action; "sigpipe-thread" does the same while another thread
 * sleeps in read() of another pipe (it must die too).  "sigpipe-blocked"
 * writes with SIGPIPE blocked: EPIPE, and the program lives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks.h"

#define PIPE_CAP	65536
#define STREAM_BYTES	(1 << 20)
#define RECORDS		200	/* per writer, PIPE_BUF bytes each */

static long sys_pipe2(int *fds, long flags)
{
	return syscall(SYS_pipe2, fds, flags);
}

static void new_pipe(int fds[2], long flags)
{
	if (sys_pipe2(fds, flags)) {
		perror("pipe2");
		exit(2);
	}
}

static long sys_read(int fd, void *buf, size_t len)
{
	return syscall(SYS_read, fd, buf, len);
}

static long sys_write(int fd, const void *buf, size_t len)
{
	return syscall(SYS_write, fd, buf, len);
}

static long fionread(int fd)
{
	int n = -1;

	if (syscall(SYS_ioctl, fd, FIONREAD, &n))
		return -1;
	return n;
}

static unsigned char stream_byte(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 9) + (i >> 17));
}

/* Read exactly @len bytes (a blocking descriptor); bytes read. */
static size_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		long n = sys_read(fd, (char *)buf + done, len - done);

		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/* ------------------------------------------------- blocked reader */

struct reader_arg {
	int fd;
	char buf[64];
	long got;
};

static void *reader_thread(void *p)
{
	struct reader_arg *a = p;

	a->got = sys_read(a->fd, a->buf, sizeof(a->buf));
	return NULL;
}

static void blocked_reader(void)
{
	struct reader_arg a = { 0 };
	pthread_t th;
	int fds[2];

	new_pipe(fds, 0);
	a.fd = fds[0];
	pthread_create(&th, NULL, reader_thread, &a);
	usleep(50000);		/* likely asleep in read() by now */
	show("write to a reader thread", sys_write(fds[1], "wake up", 7));
	pthread_join(th, NULL);
	show("the reader thread read", a.got);
	check("  and got what was written", a.got == 7 &&
	      !memcmp(a.buf, "wake up", 7));
	close(fds[0]);
	close(fds[1]);
}

/* ------------------------------------------------- 1 MiB stream */

static void *stream_writer(void *p)
{
	int fd = *(int *)p;
	unsigned char *src = malloc(STREAM_BYTES);
	size_t done = 0, step = 1;

	for (size_t i = 0; i < STREAM_BYTES; i++)
		src[i] = stream_byte(i);
	while (done < STREAM_BYTES) {
		size_t n = step < STREAM_BYTES - done ? step :
			   STREAM_BYTES - done;
		long w = sys_write(fd, src + done, n);

		if (w <= 0)
			break;
		done += w;
		step = step * 3 + 1;		/* 1, 4, 13, ... 88573 */
		if (step > 100000)
			step = 1;
	}
	close(fd);
	free(src);
	return (void *)done;
}

static void stream(void)
{
	static unsigned char buf[70000];
	size_t total = 0, bad = 0, step = 5;
	pthread_t th;
	void *written;
	int fds[2];
	long n;

	new_pipe(fds, 0);
	pthread_create(&th, NULL, stream_writer, &fds[1]);
	for (;;) {
		n = sys_read(fds[0], buf, step);
		if (n <= 0)
			break;
		for (long i = 0; i < n; i++)
			if (buf[i] != stream_byte(total + i))
				bad++;
		total += n;
		step = step * 5 % sizeof(buf) + 1;
	}
	pthread_join(th, &written);
	show("1 MiB stream: the last read", n);
	show("1 MiB stream: bytes written", (long)(size_t)written);
	show("1 MiB stream: bytes read", total);
	show("1 MiB stream: bytes wrong", bad);
	close(fds[0]);
}

/* ------------------------------------------------- PIPE_BUF atomicity */

struct atom_arg {
	int fd;
	unsigned char tag;
	int short_writes;
	int vec;		/* writev of three pieces, not write */
};

static void *atom_writer(void *p)
{
	struct atom_arg *a = p;
	unsigned char rec[PIPE_BUF];
	/* One record in three uneven pieces: writev keeps it whole too. */
	struct iovec iov[3] = {
		{ rec, 1000 }, { rec + 1000, 2000 },
		{ rec + 3000, PIPE_BUF - 3000 },
	};

	memset(rec, a->tag, sizeof(rec));
	for (int i = 0; i < RECORDS; i++) {
		long n = a->vec ? writev(a->fd, iov, 3) :
				  sys_write(a->fd, rec, sizeof(rec));

		if (n != sizeof(rec))
			a->short_writes++;
	}
	return NULL;
}

/*
 * Two writers of PIPE_BUF records into one pipe, the reader checks no
 * record has bytes of both: two threads with write, or (@vec) a child
 * process and a thread, each with writev of three pieces.
 */
static void atomicity_of(int vec)
{
	static unsigned char buf[RECORDS * 2 * PIPE_BUF];
	struct atom_arg a = { .tag = 'a', .vec = vec };
	struct atom_arg b = { .tag = 'b', .vec = vec };
	size_t got, mixed = 0, count_a = 0;
	pthread_t ta, tb;
	pid_t child = -1;
	int fds[2], status = -1;

	new_pipe(fds, 0);
	a.fd = b.fd = fds[1];
	if (vec) {
		child = fork();
		if (child == 0) {
			close(fds[0]);
			atom_writer(&a);
			_exit(a.short_writes ? 1 : 0);
		}
	} else {
		pthread_create(&ta, NULL, atom_writer, &a);
	}
	pthread_create(&tb, NULL, atom_writer, &b);
	/* Odd read sizes: records must still sit at multiples of 4096. */
	got = 0;
	while (got < sizeof(buf)) {
		size_t want = sizeof(buf) - got < 3001 ? sizeof(buf) - got :
			      3001;
		long n = sys_read(fds[0], buf + got, want);

		if (n <= 0)
			break;
		got += n;
	}
	if (vec)
		waitpid(child, &status, 0);
	else
		pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	for (size_t r = 0; r + PIPE_BUF <= got; r += PIPE_BUF) {
		unsigned char t = buf[r];

		for (size_t i = 1; i < PIPE_BUF; i++)
			if (buf[r + i] != t) {
				mixed++;
				break;
			}
		count_a += t == 'a';
	}
	show(vec ? "PIPE_BUF writevs from a child and a thread: bytes" :
		   "PIPE_BUF writes from two threads: bytes", got);
	if (vec)
		check("  the child wrote every record whole",
		      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	show("  short writes", a.short_writes + b.short_writes);
	show("  records with bytes of both", mixed);
	show("  records of the first thread", count_a);
	close(fds[0]);
	close(fds[1]);
}

static void atomicity(void)
{
	atomicity_of(0);
	atomicity_of(1);
}

/* ------------------------------------------------- many to many */

#define MANY_WRITERS	4
#define MANY_READERS	3
#define MANY_RECORDS	20000	/* 8 bytes each, per writer */

struct many {
	int fd;
	int id;
	unsigned long count[MANY_WRITERS];
	unsigned long long sum[MANY_WRITERS];
	unsigned long disorder, odd;
};

static void *many_writer(void *p)
{
	struct many *m = p;
	unsigned long long rec[64];
	int seq = 0;

	while (seq < MANY_RECORDS) {
		int n = 1 + seq % 64;

		if (n > MANY_RECORDS - seq)
			n = MANY_RECORDS - seq;
		for (int i = 0; i < n; i++)
			rec[i] = (unsigned long long)m->id << 32 | (seq + i);
		if (sys_write(m->fd, rec, n * 8) != n * 8)
			break;
		seq += n;
	}
	return NULL;
}

static void *many_reader(void *p)
{
	struct many *m = p;
	long long last[MANY_WRITERS];
	unsigned long long rec[100];
	long n;

	for (int i = 0; i < MANY_WRITERS; i++)
		last[i] = -1;
	while ((n = sys_read(m->fd, rec, 8 * (1 + m->id * 37 % 100))) > 0) {
		if (n % 8)
			m->odd++;
		for (long i = 0; i < n / 8; i++) {
			unsigned int w = rec[i] >> 32;
			long long seq = rec[i] & 0xffffffff;

			if (w >= MANY_WRITERS) {
				m->odd++;
				continue;
			}
			if (seq <= last[w])
				m->disorder++;
			last[w] = seq;
			m->count[w]++;
			m->sum[w] += seq;
		}
	}
	return NULL;
}

/*
 * Writers and readers at once on one pipe: every record arrives once,
 * whole, and each reader sees each writer's records in order.
 */
static void many_to_many(void)
{
	struct many w[MANY_WRITERS], r[MANY_READERS];
	pthread_t tw[MANY_WRITERS], tr[MANY_READERS];
	unsigned long bad = 0, odd = 0;
	int fds[2];

	new_pipe(fds, 0);
	for (int i = 0; i < MANY_READERS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].fd = fds[0];
		r[i].id = i;
		pthread_create(&tr[i], NULL, many_reader, &r[i]);
	}
	for (int i = 0; i < MANY_WRITERS; i++) {
		w[i].fd = fds[1];
		w[i].id = i;
		pthread_create(&tw[i], NULL, many_writer, &w[i]);
	}
	for (int i = 0; i < MANY_WRITERS; i++)
		pthread_join(tw[i], NULL);
	close(fds[1]);
	for (int i = 0; i < MANY_READERS; i++) {
		pthread_join(tr[i], NULL);
		odd += r[i].odd;
		bad += r[i].disorder;
	}
	for (int k = 0; k < MANY_WRITERS; k++) {
		unsigned long count = 0;
		unsigned long long sum = 0;

		for (int i = 0; i < MANY_READERS; i++) {
			count += r[i].count[k];
			sum += r[i].sum[k];
		}
		if (count != MANY_RECORDS ||
		    sum != (unsigned long long)MANY_RECORDS *
			   (MANY_RECORDS - 1) / 2)
			bad++;
	}
	show("4 writers, 3 readers: lost, twice, late", bad);
	show("  torn records", odd);
	close(fds[0]);
}

/* ------------------------------------------------- EOF and EPIPE */

static void eof(void)
{
	int fds[2], dupfd;
	char c = 0;

	new_pipe(fds, 0);
	dupfd = dup(fds[1]);
	show("write before closing", sys_write(fds[1], "x", 1));
	close(fds[1]);
	show("read with a dup'ed write end open", sys_read(fds[0], &c, 1));
	check("  the byte written", c == 'x');
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	show("read, empty, a writer left (nonblock)", sys_read(fds[0], &c, 1));
	fcntl(fds[0], F_SETFL, 0);
	show("write through the dup", sys_write(dupfd, "yz", 2));
	close(dupfd);
	show("read after the last writer closed", sys_read(fds[0], &c, 1));
	show("read again (data was left)", sys_read(fds[0], &c, 1));
	show("read at EOF", sys_read(fds[0], &c, 1));
	show("read at EOF again", sys_read(fds[0], &c, 1));
	close(fds[0]);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/*
 * readv takes what is there: it must not block in its second vector
 * with bytes already taken (a writer is still open, so a read of an
 * empty pipe would wait; an alarm 20 s on ends such a wait, and is
 * counted).
 */
static void readv_short(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	char a[6], b[10];
	struct iovec iov[3] = {
		{ .iov_base = a, .iov_len = sizeof(a) },
		{ .iov_base = NULL, .iov_len = 0 },
		{ .iov_base = b, .iov_len = sizeof(b) },
	};
	int fds[2];

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	new_pipe(fds, 0);
	show("write 3 bytes", sys_write(fds[1], "abc", 3));
	show("write 5 bytes", sys_write(fds[1], "defgh", 5));
	alarm(20);
	show("readv 6+0+10 of 8 buffered", readv(fds[0], iov, 3));
	check("  in order across the vectors",
	      !memcmp(a, "abcdef", 6) && !memcmp(b, "gh", 2));
	show("write 6 bytes", sys_write(fds[1], "ijklmn", 6));
	show("readv 6+0+10 of exactly 6", readv(fds[0], iov, 3));
	check("  the 6 bytes", !memcmp(a, "ijklmn", 6));
	iov[0].iov_base = (void *)8;
	show("write 2 bytes", sys_write(fds[1], "op", 2));
	show("readv, first vector a bad pointer", readv(fds[0], iov, 3));
	show("readv of what is left", readv(fds[0], &iov[2], 1));
	check("  still the 2 bytes", !memcmp(b, "op", 2));
	alarm(0);
	check("  no readv waited for the alarm", alarms == 0);
	close(fds[1]);
	show("readv at EOF", readv(fds[0], &iov[2], 1));
	close(fds[0]);
}

struct full_writer {
	int fd;
	long ret;
	int err;
};

static void *full_writer_thread(void *p)
{
	static char big[PIPE_CAP + 40000];
	struct full_writer *w = p;

	w->ret = sys_write(w->fd, big, sizeof(big));
	w->err = errno;
	return NULL;
}

static void epipe(void)
{
	struct full_writer w;
	pthread_t th;
	int fds[2];

	signal(SIGPIPE, SIG_IGN);
	new_pipe(fds, 0);
	close(fds[0]);
	show("write with no reader, SIGPIPE ignored", sys_write(fds[1], "x", 1));
	show("a zero-byte write with no reader", sys_write(fds[1], "", 0));
	close(fds[1]);

	/* A writer asleep on a full pipe when the reader goes. */
	new_pipe(fds, 0);
	w.fd = fds[1];
	pthread_create(&th, NULL, full_writer_thread, &w);
	usleep(50000);
	close(fds[0]);
	pthread_join(th, NULL);
	check("a blocked writer: the bytes it wrote, or EPIPE",
	      w.ret == PIPE_CAP || (w.ret < 0 && w.err == EPIPE) ||
	      (w.ret > 0 && w.ret < PIPE_CAP + 40000));
	errno = 0;
	show("  its next write", sys_write(fds[1], "x", 1));
	close(fds[1]);
}

/* ------------------------------------------------- O_NONBLOCK */

static void nonblocking(void)
{
	static char chunk[PIPE_BUF], back[PIPE_CAP];
	long n, total = 0, w;
	int fds[2];
	char c;

	new_pipe(fds, O_NONBLOCK);
	show("F_GETFL read end (access, O_NONBLOCK)",
	     fcntl(fds[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	show("F_GETFL write end (access, O_NONBLOCK)",
	     fcntl(fds[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	show("read of an empty O_NONBLOCK pipe", sys_read(fds[0], &c, 1));
	{
		int on = 0, plain[2];

		new_pipe(plain, 0);
		syscall(SYS_ioctl, plain[0], FIONBIO, &on);
		on = 1;
		show("FIONBIO 1 on a blocking pipe",
		     syscall(SYS_ioctl, plain[0], FIONBIO, &on));
		show("  then a read of it empty", sys_read(plain[0], &c, 1));
		close(plain[0]);
		close(plain[1]);
	}
	for (int i = 0; i < (int)sizeof(chunk); i++)
		chunk[i] = (char)i;
	while ((n = sys_write(fds[1], chunk, sizeof(chunk))) > 0)
		total += n;
	show("write to a full O_NONBLOCK pipe", n);
	show("  bytes it took in PIPE_BUF writes", total);
	show("  FIONREAD", fionread(fds[0]));
	show("a 1-byte write to the full pipe", sys_write(fds[1], "x", 1));
	n = read_full(fds[0], back, sizeof(back));
	show("read it all back", n);
	check("  every byte", n == PIPE_CAP &&
	      !memcmp(back, chunk, sizeof(chunk)) &&
	      !memcmp(back + PIPE_CAP - sizeof(chunk), chunk,
		      sizeof(chunk)));
	show("read of the empty pipe again", sys_read(fds[0], &c, 1));

	/* Nearly full: a large write takes part, a small one all or none. */
	{
		static char big[PIPE_CAP], src[16384];
		long pre = PIPE_CAP - 5536;

		for (int i = 0; i < (int)sizeof(src); i++)
			src[i] = (char)(i * 13 + 1);
		show("write 60000 bytes", sys_write(fds[1], big, pre));
		w = sys_write(fds[1], src, sizeof(src));
		check("a 16 KiB write to it is partial", w > 0 &&
		      w < (long)sizeof(src));
		check("  FIONREAD counts exactly what it took",
		      fionread(fds[0]) == pre + w);
		show("  then a 16 KiB write", sys_write(fds[1], src,
							sizeof(src)));
		show("  a PIPE_BUF write", sys_write(fds[1], src, PIPE_BUF));
		n = read_full(fds[0], big, pre);
		n = read_full(fds[0], back, w);
		check("  the partial write's bytes read back", n == w &&
		      !memcmp(back, src, w));
		show("  nothing after them", sys_read(fds[0], &c, 1));
	}
	close(fds[0]);
	close(fds[1]);
}

/* ------------------------------------------------- ioctl, stat, names */

static void stat_and_names(void)
{
	struct stat s0, s1, s2;
	char path[64], link[64], link1[64], want[64];
	int fds[2], other[2];
	long n;

	new_pipe(fds, 0);
	new_pipe(other, 0);
	show("FIONREAD of an empty pipe", fionread(fds[0]));
	sys_write(fds[1], "0123456789abcdefghijklmnopqrstuvwxyz", 36);
	show("FIONREAD after 36 bytes", fionread(fds[0]));
	show("FIONREAD on the write end", fionread(fds[1]));
	show("FIONREAD with a bad pointer",
	     syscall(SYS_ioctl, fds[0], FIONREAD, (void *)8));
	show("TCGETS on a pipe", syscall(SYS_ioctl, fds[0], 0x5401,
					 link));
	show("fstat read end", fstat(fds[0], &s0));
	fstat(fds[1], &s1);
	fstat(other[0], &s2);
	check("  S_ISFIFO", S_ISFIFO(s0.st_mode) && S_ISFIFO(s1.st_mode));
	check("  both ends: one inode, one device", s0.st_ino == s1.st_ino &&
	      s0.st_dev == s1.st_dev);
	check("  another pipe: another inode", s0.st_ino != s2.st_ino &&
	      s0.st_dev == s2.st_dev);
	show("  st_nlink", s0.st_nlink);
	show("  st_size (data is buffered)", s0.st_size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[1]);
	n = readlink(path, link1, sizeof(link1) - 1);
	link1[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)s0.st_ino);
	check("readlink /proc/self/fd/N is pipe:[st_ino]",
	      !strcmp(link, want));
	check("  the same for the write end", !strcmp(link1, want));
	show("lseek on a pipe", lseek(fds[0], 0, SEEK_SET));
	show("pread on a pipe", pread(fds[0], link, 1, 0));
	show("pwrite on a pipe", pwrite(fds[1], "x", 1, 0));
	show("write to the read end", sys_write(fds[0], "x", 1));
	show("read from the write end", sys_read(fds[1], link, 1));
	show("a zero-byte read", sys_read(fds[0], link, 0));
	show("FIONREAD after all that", fionread(fds[0]));
	close(fds[0]);
	close(fds[1]);
	close(other[0]);
	close(other[1]);
}

/* ------------------------------------------------- flags and bad input */

static void flags_and_faults(void)
{
	int fds[2], probe, after;
	char *map, buf[200];
	long r, left;

	show("pipe2 O_CLOEXEC", sys_pipe2(fds, O_CLOEXEC));
	show("  FD_CLOEXEC of the read end", fcntl(fds[0], F_GETFD));
	show("  FD_CLOEXEC of the write end", fcntl(fds[1], F_GETFD));
	close(fds[0]);
	close(fds[1]);
	show("pipe2 O_APPEND", sys_pipe2(fds, O_APPEND));
	show("pipe2 O_WRONLY", sys_pipe2(fds, O_WRONLY));
	show("pipe2 flag bit 31", sys_pipe2(fds, 1L << 31));
	show("pipe2 O_NONBLOCK|O_TRUNC", sys_pipe2(fds, O_NONBLOCK | O_TRUNC));

	probe = dup(0);
	close(probe);
	show("pipe with a NULL pointer", syscall(SYS_pipe, NULL));
	show("pipe with a kernel pointer",
	     syscall(SYS_pipe, (void *)0xffffffff80001000UL));
	map = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(map + 4096, 4096, PROT_READ);
	show("pipe2 into a read-only page", sys_pipe2((int *)(map + 4096), 0));
	show("pipe2 across into a read-only page",
	     sys_pipe2((int *)(map + 4092), 0));
	after = dup(0);
	close(after);
	check("  no descriptor was left behind", probe == after);

	/* Room for one descriptor only: EMFILE, and that one stays free. */
	{
		struct rlimit old, one;

		getrlimit(RLIMIT_NOFILE, &old);
		one = old;
		one.rlim_cur = probe + 1;
		setrlimit(RLIMIT_NOFILE, &one);
		show("pipe with one free descriptor", sys_pipe2(fds, 0));
		setrlimit(RLIMIT_NOFILE, &old);
		after = dup(0);
		close(after);
		check("  the free one is still free", probe == after);
	}

	/* Writes and reads from bad buffers. */
	new_pipe(fds, 0);
	show("write from a NULL buffer", sys_write(fds[1], NULL, 10));
	show("write from a kernel buffer",
	     sys_write(fds[1], (void *)0xffffffff80001000UL, 10));
	show("  FIONREAD", fionread(fds[0]));
	munmap(map, 8192);
	map = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 4096; i++)
		map[i] = (char)(i + 3);
	munmap(map + 4096, 4096);
	r = sys_write(fds[1], map + 4096 - 100, 200);
	check("write across into unmapped: EFAULT or <= 100",
	      (r < 0 && errno == EFAULT) || (r > 0 && r <= 100));
	left = fionread(fds[0]);
	check("  FIONREAD is exactly what it said it wrote",
	      left == (r > 0 ? r : 0));
	show("  a good write after it", sys_write(fds[1], "tail", 4));
	show("read into a NULL buffer", sys_read(fds[0], NULL, 10));
	show("read into a read-only page", sys_read(fds[0], "const", 4));
	check("  nothing was consumed", fionread(fds[0]) == left + 4);
	r = read_full(fds[0], buf, left + 4);
	check("  the bytes come out once, in order", r == left + 4 &&
	      !memcmp(buf, map + 4096 - 100, left) &&
	      !memcmp(buf + left, "tail", 4));
	show("  FIONREAD at the end", fionread(fds[0]));
	close(fds[0]);
	close(fds[1]);
	munmap(map, 4096);
}

/* ------------------------------------------------- SIGPIPE programs */

static void *sleeping_reader(void *p)
{
	char c;

	sys_read(*(int *)p, &c, 1);
	printf("the sleeping reader woke up\n");
	return NULL;
}

static int sigpipe_mode(const char *mode)
{
	int fds[2], other[2];
	pthread_t th;

	new_pipe(fds, 0);
	close(fds[0]);
	if (!strcmp(mode, "sigpipe-thread")) {
		new_pipe(other, 0);
		pthread_create(&th, NULL, sleeping_reader, &other[0]);
		usleep(50000);
	} else if (!strcmp(mode, "sigpipe-blocked")) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
	} else if (strcmp(mode, "sigpipe")) {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	printf("writing to a pipe without a reader\n");
	fflush(stdout);
	show("write", sys_write(fds[1], "x", 1));
	printf("still alive\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return sigpipe_mode(argv[1]);
	blocked_reader();
	stream();
	atomicity();
	many_to_many();
	eof();
	readv_short();
	nonblocking();
	stat_and_names();
	flags_and_faults();
	epipe();
	printf("%d checks failed\n", nr_failed);
	return nr_failed != 0;
}
