// SPDX-License-Identifier: GPL-2.0
/*
 * The pseudo files programs read: /dev, /proc/self, /proc and /sys.
 * Run natively and on Tessera (tests/cluster/test_pseudo.py): every line
 * is a check's name and its verdict, never a raw value that differs
 * between machines (pids, addresses, CPU counts), so the two runs must
 * print the same bytes.  Each check compares what a file says with what
 * the program knows by other means (getpid, argv, getauxval, the
 * address of its own variables, sysconf).  Ends with "N failures";
 * exits 1 if N > 0.  With --no-maps the /proc/self/maps checks are
 * skipped (Tessera's local mode has no maps yet); with --open-exe the
 * program also reads its own file through /proc/self/exe (which needs
 * a storage node on Tessera).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

static int failures;
static int initialised_var = 42;	/* .data: a private writable mapping */

static void verdict(const char *name, int ok)
{
	printf("%s: %s\n", name, ok ? "ok" : "FAIL");
	if (!ok)
		failures++;
}

static void verdict_errno(const char *name, int ret, int want)
{
	if (ret >= 0)
		printf("%s: succeeded, want %s\n", name, strerror(want));
	else
		printf("%s: %s\n", name, strerror(errno));
	if (ret >= 0 || errno != want)
		failures++;
}

/* The whole file at @path (NUL added), its length in *@len; NULL on error. */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY);
	ssize_t got;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	/* Small reads: the snapshot must hold across a read loop. */
	while ((got = read(fd, buf + n, 100)) > 0) {
		n += got;
		if (n + 100 > cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	close(fd);
	if (got < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void check_devices(void)
{
	static const struct { const char *path; unsigned int maj, min; } devs[] = {
		{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 },
		{ "/dev/full", 1, 7 }, { "/dev/random", 1, 8 },
		{ "/dev/urandom", 1, 9 },
	};
	unsigned char buf[4096];
	char name[64];
	struct stat st;
	int fd, ok;
	ssize_t n;

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(name, sizeof(name), "stat %s char %u:%u", devs[i].path,
			 devs[i].maj, devs[i].min);
		verdict(name, !stat(devs[i].path, &st) && S_ISCHR(st.st_mode) &&
			major(st.st_rdev) == devs[i].maj &&
			minor(st.st_rdev) == devs[i].min);
	}

	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 0xaa, sizeof(buf));
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	ok = n == sizeof(buf);
	for (size_t i = 0; ok && i < sizeof(buf); i++)
		ok = !buf[i];
	verdict("/dev/zero reads 4096 zero bytes", ok);
	close(fd);

	fd = open("/dev/null", O_RDWR);
	verdict("/dev/null write 100 bytes", fd >= 0 && write(fd, buf, 100) == 100);
	verdict("/dev/null read is end of file", fd >= 0 && read(fd, buf, 10) == 0);
	verdict("/dev/null lseek 0", fd >= 0 && lseek(fd, 123, SEEK_SET) == 0);
	struct iovec iov[2] = { { buf, 10 }, { buf + 10, 20 } };
	verdict("/dev/null writev 10 + 20 bytes", writev(fd, iov, 2) == 30);
	close(fd);

	fd = open("/dev/full", O_RDWR);
	verdict("/dev/full opens read-write", fd >= 0);
	verdict_errno("/dev/full write", write(fd, buf, 10), ENOSPC);
	verdict_errno("/dev/full writev", writev(fd, iov, 2), ENOSPC);
	memset(buf, 0xaa, 16);
	verdict("/dev/full reads zeros", read(fd, buf, 16) == 16 && !buf[0] &&
		!buf[15]);
	close(fd);

	fd = open("/dev/urandom", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	ok = 0;
	for (size_t i = 1; n == sizeof(buf) && i < sizeof(buf); i++)
		ok |= buf[i] != buf[0];
	verdict("/dev/urandom gives 4096 bytes, not all equal", ok);
	close(fd);
	fd = open("/dev/random", O_RDONLY);
	verdict("/dev/random gives 16 bytes", fd >= 0 && read(fd, buf, 16) == 16);
	close(fd);

	verdict("lstat /dev/stdout is a symlink",
		!lstat("/dev/stdout", &st) && S_ISLNK(st.st_mode));
	n = readlink("/dev/stdout", name, sizeof(name) - 1);
	verdict("readlink /dev/stdout is /proc/self/fd/1",
		n == 15 && !memcmp(name, "/proc/self/fd/1", 15));
	verdict("stat /dev/stdout is a FIFO (output is a pipe)",
		!stat("/dev/stdout", &st) && S_ISFIFO(st.st_mode));
	fd = open("/dev/stdout", O_WRONLY);
	verdict("/dev/stdout opens for writing", fd >= 0);
	close(fd);
}

/* The maps line of the mapping holding @addr, or NULL; perms and name out. */
static int maps_find(const char *maps, uintptr_t addr, char perms[5],
		     const char **name)
{
	for (const char *line = maps; *line;) {
		const char *eol = strchr(line, '\n');
		unsigned long lo, hi;

		if (!eol)
			return 0;
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 &&
		    addr >= lo && addr < hi) {
			*name = line + 73 < eol ? line + 73 : eol;
			return 1;
		}
		line = eol + 1;
	}
	return 0;
}

/* Every line: "lo-hi perms offset mj:mn inode", a name at column 73. */
static int maps_well_formed(const char *maps)
{
	int lines = 0;

	for (const char *line = maps; *line; lines++) {
		const char *eol = strchr(line, '\n');
		unsigned long lo, hi, off, ino;
		unsigned int mj, mn;
		char perms[5];
		int end = 0;

		if (!eol)
			return 0;
		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &lo, &hi,
			   perms, &off, &mj, &mn, &ino, &end) != 7 || !end ||
		    lo >= hi || strlen(perms) != 4 || line[8] == ' ')
			return 0;
		/* A named line pads to column 73; an unnamed one ends in a space. */
		if (line + end < eol && (end > 73 || line[72] != ' ' ||
					line[73] == ' '))
			return 0;
		if (line + end == eol && line[end - 1] != ' ')
			return 0;
		line = eol + 1;
	}
	return lines > 0;
}

static int same_name(const char *name, const char *exe)
{
	size_t n = strlen(exe);

	return !strncmp(name, exe, n) && name[n] == '\n';
}

static void check_maps(void)
{
	int stack_var = 7;
	char perms[5], exe[4096];
	const char *name;
	size_t len;
	char *maps = slurp("/proc/self/maps", &len);
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	verdict("/proc/self/maps opens", maps != NULL);
	if (!maps)
		return;
	exe[n > 0 ? n : 0] = '\0';
	verdict("maps lines well formed", maps_well_formed(maps));
	verdict("static variable in a rw-p mapping of the program",
		maps_find(maps, (uintptr_t)&initialised_var, perms, &name) &&
		!strcmp(perms, "rw-p") && same_name(name, exe));
	verdict("main in an r-xp mapping of the program",
		maps_find(maps, (uintptr_t)&check_maps, perms, &name) &&
		!strcmp(perms, "r-xp") && same_name(name, exe));
	verdict("stack variable in the rw-p [stack] mapping",
		maps_find(maps, (uintptr_t)&stack_var, perms, &name) &&
		!strcmp(perms, "rw-p") && same_name(name, "[stack]"));
	free(maps);
	(void)initialised_var;
}

static void check_self(int argc, char **argv)
{
	char path[64], buf[4096], *text, *p;
	size_t len, want = 0;
	unsigned long *auxv;
	int fd, ok, fields;
	DIR *dir;
	struct dirent *de;
	ssize_t n;

	text = slurp("/proc/self/cmdline", &len);
	for (int i = 0; i < argc; i++)
		want += strlen(argv[i]) + 1;
	ok = text && len == want;
	for (int i = 0, at = 0; ok && i < argc; at += strlen(argv[i++]) + 1)
		ok = !strcmp(text + at, argv[i]);
	verdict("/proc/self/cmdline equals argv", ok);
	free(text);

	text = slurp("/proc/self/auxv", &len);
	auxv = (unsigned long *)text;
	ok = text && len % 16 == 0 && len >= 16 && !auxv[len / 8 - 2];
	verdict("/proc/self/auxv pairs end with AT_NULL", ok);
	int pagesz = 0, entry = 0;
	for (size_t i = 0; ok && i < len / 8; i += 2) {
		if (auxv[i] == AT_PAGESZ)
			pagesz = auxv[i + 1] == 4096;
		if (auxv[i] == AT_ENTRY)
			entry = auxv[i + 1] == getauxval(AT_ENTRY);
	}
	verdict("/proc/self/auxv AT_PAGESZ is 4096", pagesz);
	verdict("/proc/self/auxv AT_ENTRY equals getauxval", entry);
	free(text);

	text = slurp("/proc/self/status", &len);
	snprintf(path, sizeof(path), "\nPid:\t%d\n", getpid());
	verdict("status Pid is getpid()", text && strstr(text, path));
	snprintf(path, sizeof(path), "\nTgid:\t%d\n", getpid());
	verdict("status Tgid is getpid()", text && strstr(text, path));
	verdict("status starts with Name:", text && !strncmp(text, "Name:\t", 6));
	verdict("status Threads: 1", text && strstr(text, "\nThreads:\t1\n"));
	verdict("status has Cpus_allowed_list",
		text && strstr(text, "\nCpus_allowed_list:\t"));
	if (text) {
		/* The snapshot reads the same at any offset. */
		fd = open("/proc/self/status", O_RDONLY);
		n = pread(fd, buf, 20, 5);
		verdict("status pread at 5", n == 20 && !memcmp(buf, text + 5, 20));
		n = read(fd, buf, 10);
		verdict("status lseek SEEK_SET 0 and read again",
			lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 10) == 10 &&
			!memcmp(buf, text, 10));
		close(fd);
	}
	free(text);

	text = slurp("/proc/self/stat", &len);
	fields = 0;
	for (p = text; p && *p; p++)
		fields += (p == text || p[-1] == ' ') && *p != ' ';
	snprintf(path, sizeof(path), "%d (", getpid());
	verdict("/proc/self/stat has 52 fields", fields == 52);
	verdict("/proc/self/stat starts with pid (comm)",
		text && !strncmp(text, path, strlen(path)));
	free(text);

	n = readlink("/proc/self/exe", buf, sizeof(buf));
	verdict("readlink /proc/self/exe absolute", n > 1 && buf[0] == '/');

	fd = open("/dev/null", O_RDONLY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, sizeof(buf));
	verdict("readlink /proc/self/fd/N of /dev/null",
		n == 9 && !memcmp(buf, "/dev/null", 9));
	dir = opendir("/proc/self/fd");
	ok = 0;
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		ok |= atoi(de->d_name) == fd ? 1 : 0;
		ok |= atoi(de->d_name) == dirfd(dir) ? 2 : 0;
	}
	verdict("/proc/self/fd lists the descriptor", ok & 1);
	verdict("/proc/self/fd lists its own descriptor", ok & 2);
	if (dir)
		closedir(dir);
	close(fd);

	snprintf(path, sizeof(path), "/proc/%d", getpid());
	verdict("chdir /proc/self: getcwd is /proc/<pid>",
		!chdir("/proc/self") && getcwd(buf, sizeof(buf)) &&
		!strcmp(buf, path));
	fd = open("status", O_RDONLY);
	verdict("open status relative to /proc/<pid>", fd >= 0);
	close(fd);
	verdict_errno("chdir /proc/cpuinfo", chdir("/proc/cpuinfo"), ENOTDIR);
	/* The cwd stays there: every later name is absolute. */
}

/* Number of CPUs in a "0-3,5" list. */
static int cpulist_count(const char *s)
{
	int count = 0, a, b, n;

	while (sscanf(s, "%d%n", &a, &n) == 1) {
		s += n;
		b = a;
		if (*s == '-' && sscanf(s + 1, "%d%n", &b, &n) == 1)
			s += 1 + n;
		count += b - a + 1;
		if (*s != ',')
			break;
		s++;
	}
	return *s == '\n' ? count : -1;
}

static void check_system(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long total, cols[10];
	struct utsname u;
	char *text, *p, want[80];
	int count, ok;
	size_t len;
	struct stat st;
	DIR *dir;
	struct dirent *de;

	text = slurp("/proc/cpuinfo", &len);
	count = 0;
	for (p = text; p && (p = strstr(p, "processor\t: ")); p++)
		count += p == text || p[-1] == '\n';
	verdict("/proc/cpuinfo processor blocks = sysconf(ONLN)",
		online > 0 && count == online);
	verdict("/proc/cpuinfo has flags and model name",
		text && strstr(text, "\nflags\t\t: ") &&
		strstr(text, "\nmodel name\t: "));
	free(text);

	text = slurp("/sys/devices/system/cpu/online", &len);
	verdict("/sys/devices/system/cpu/online counts sysconf(ONLN)",
		text && cpulist_count(text) == online);
	free(text);

	text = slurp("/proc/meminfo", &len);
	verdict("/proc/meminfo MemTotal parses",
		text && sscanf(text, "MemTotal: %llu kB", &total) == 1 &&
		total > 0 && !strncmp(text, "MemTotal:       ", 16));
	verdict("/proc/meminfo has MemAvailable",
		text && strstr(text, "\nMemAvailable:"));
	free(text);
	verdict("fstat /proc/meminfo: regular, size 0",
		!stat("/proc/meminfo", &st) && S_ISREG(st.st_mode) &&
		st.st_size == 0);

	text = slurp("/proc/stat", &len);
	verdict("/proc/stat cpu line has 10 columns",
		text && sscanf(text, "cpu  %llu %llu %llu %llu %llu %llu %llu "
			       "%llu %llu %llu\n", &cols[0], &cols[1], &cols[2],
			       &cols[3], &cols[4], &cols[5], &cols[6], &cols[7],
			       &cols[8], &cols[9]) == 10);
	verdict("/proc/stat has btime", text && strstr(text, "\nbtime "));
	free(text);

	text = slurp("/proc/uptime", &len);
	double up, idle;
	verdict("/proc/uptime two numbers",
		text && sscanf(text, "%lf %lf\n", &up, &idle) == 2 && up > 0);
	free(text);
	text = slurp("/proc/loadavg", &len);
	double l1, l5, l15;
	int run, all, last;
	verdict("/proc/loadavg five fields",
		text && sscanf(text, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15,
			       &run, &all, &last) == 6);
	free(text);

	text = slurp("/proc/sys/kernel/ostype", &len);
	verdict("/proc/sys/kernel/ostype is Linux", text && !strcmp(text, "Linux\n"));
	free(text);
	uname(&u);
	snprintf(want, sizeof(want), "%s\n", u.release);
	text = slurp("/proc/sys/kernel/osrelease", &len);
	verdict("/proc/sys/kernel/osrelease is uname's", text && !strcmp(text, want));
	free(text);

	dir = opendir("/dev");
	ok = 0;
	while (dir && (de = readdir(dir)))
		ok |= (!strcmp(de->d_name, "null") ? 1 : 0) |
		      (!strcmp(de->d_name, "zero") ? 2 : 0);
	verdict("getdents /dev lists null and zero", ok == 3);
	if (dir)
		closedir(dir);
	dir = opendir("/proc");
	snprintf(want, sizeof(want), "%d", getpid());
	ok = 0;
	while (dir && (de = readdir(dir)))
		ok |= (!strcmp(de->d_name, "self") ? 1 : 0) |
		      (!strcmp(de->d_name, want) ? 2 : 0);
	verdict("getdents /proc lists self and our pid", ok == 3);
	if (dir)
		closedir(dir);

	verdict_errno("open /proc/nonexistent", open("/proc/nonexistent", O_RDONLY),
		      ENOENT);
	verdict_errno("open /proc/self/fd/999", open("/proc/self/fd/999",
						     O_RDONLY), ENOENT);
	verdict_errno("open /dev/null/", open("/dev/null/", O_RDONLY), ENOTDIR);
	verdict_errno("open /proc/self/status/x",
		      open("/proc/self/status/x", O_RDONLY), ENOTDIR);
	verdict_errno("open /proc/self/exe O_NOFOLLOW",
		      open("/proc/self/exe", O_RDONLY | O_NOFOLLOW), ELOOP);
	verdict_errno("readlink /proc/cpuinfo",
		      readlink("/proc/cpuinfo", want, sizeof(want)), EINVAL);
	verdict("readlink /proc/self/exe into 1 byte",
		readlink("/proc/self/exe", want, 1) == 1 && want[0] == '/');
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY);
	verdict_errno("getdents64 /proc into 10 bytes",
		      syscall(SYS_getdents64, dfd, want, 10), EINVAL);
	close(dfd);
	verdict_errno("open /sys/x", open("/sys/x", O_RDONLY), ENOENT);
	/* Root may open it for writing; the write itself fails. */
	int fd = open("/proc/cpuinfo", O_WRONLY);
	verdict("open /proc/cpuinfo for writing", fd >= 0);
	verdict_errno("write /proc/cpuinfo", write(fd, "x", 1), EIO);
	close(fd);
}

/* /proc/self/exe leads out of /proc to the program's own file. */
static void check_open_exe(void)
{
	char magic[4];
	int fd = open("/proc/self/exe", O_RDONLY);

	verdict("open /proc/self/exe reads the ELF magic",
		fd >= 0 && read(fd, magic, 4) == 4 &&
		!memcmp(magic, "\177ELF", 4));
	close(fd);
}

int main(int argc, char **argv)
{
	check_devices();
	/* --no-maps: where no maps is served (Tessera's local mode). */
	if (argc < 2 || strcmp(argv[1], "--no-maps"))
		check_maps();
	/* --open-exe: the program's file is readable (a storage node). */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--open-exe"))
			check_open_exe();
	check_self(argc, argv);
	check_system();
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
