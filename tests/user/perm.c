// SPDX-License-Identifier: GPL-2.0
/*
 * Credentials and permission checks (tests/cluster/test_perm.py): as
 * root, build a tree under DIR with various modes and owners, then try
 * the set*id calls and, after dropping to uid/gid 1000 (supplementary
 * group 1001), every file operation whose permission Linux checks,
 * printing each result ("0" or the errno's name) and the modes and
 * owners that result.  The same program runs natively in a chroot and
 * on Tessera; the outputs must be equal.
 *
 *   perm DIR [--tmpfs]	  DIR is made (its parent must exist); with
 *			  --tmpfs, calls tmpfs lacks (link, symlink) are
 *			  left out
 *   perm --child	  what the exec tests run: prints its ids, exit 7
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expect.h"

#define USER	1000
#define GROUP	1000
#define SUPP	1001		/* the user's supplementary group */
#define OTHER	2000		/* owns files the user does not */
#define SGID_GROUP 3000		/* a group the user is not in */

static const char *base;
static bool tmpfs;
static char self_exe[4096];

#define P(rel) path_under(base, (rel))

/* Print "what: 0" or "what: ERRNO" for a call's return value @r. */
static void R(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? ename(errno) : "0");
}

/* Mode, owner and group of @rel, or the errno. */
static void show(const char *rel)
{
	struct stat st;

	if (lstat(P(rel), &st))
		printf("stat %s: %s\n", rel, ename(errno));
	else
		printf("stat %s: mode %o uid %u gid %u\n", rel, st.st_mode,
		       st.st_uid, st.st_gid);
}

static void ids(const char *who)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	gid_t list[8];
	int n;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	n = getgroups(8, list);
	printf("%s: uid %u %u %u fsuid %d gid %u %u %u fsgid %d groups", who,
	       r, e, s, setfsuid(-1), gr, ge, gs, setfsgid(-1));
	for (int i = 0; i < n; i++)
		printf(" %u", list[i]);
	printf("%s\n", n < 0 ? " error" : "");
}

static int mkfile(const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(P(rel), O_CREAT | O_WRONLY | O_TRUNC, 0600);

	if (fd < 0 || write(fd, "data\n", 5) != 5 || close(fd) ||
	    chmod(P(rel), mode) || chown(P(rel), uid, gid)) {
		FAIL("making %s (errno %s)", rel, ename(errno));
		return -1;
	}
	return 0;
}

static void mkdir_as(const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
	if (mkdir(P(rel), 0700) || chmod(P(rel), mode) ||
	    chown(P(rel), uid, gid))
		FAIL("making %s/ (errno %s)", rel, ename(errno));
}

/* A copy of this program at @rel with @mode, for the exec tests. */
static void copy_self(const char *rel, mode_t mode)
{
	if (copy_file(self_exe, P(rel)))
		FAIL("copy to %s (errno %s)", rel, ename(errno));
	else if (chmod(P(rel), mode))
		FAIL("chmod %s (errno %s)", rel, ename(errno));
}

static void build_tree(void)
{
	umask(022);
	if (mkdir(base, 0755))
		FAIL("mkdir %s (errno %s)", base, ename(errno));
	mkdir_as("pub", 0777, 0, 0);
	mkdir_as("sticky", 01777, 0, 0);
	mkfile("sticky/rootfile", 0666, 0, 0);
	mkfile("sticky/otherfile", 0666, OTHER, OTHER);
	mkdir_as("noexec", 0766, 0, 0);
	mkfile("noexec/f", 0644, 0, 0);
	copy_self("noexec/prog", 0755);
	mkdir_as("noread", 0711, 0, 0);
	mkfile("noread/f", 0644, 0, 0);
	mkdir_as("ro", 0755, 0, 0);
	mkfile("ro/f", 0644, 0, 0);
	mkdir_as("ro/sub", 0755, 0, 0);
	mkdir_as("grp", 0770, 0, SUPP);
	mkfile("grp/f", 0660, 0, SUPP);
	mkdir_as("sgid", 02777, 0, SGID_GROUP);
	mkdir_as("own", 0755, USER, GROUP);
	mkfile("own/rootgroup", 0644, USER, 0);
	mkdir_as("movable", 0755, 0, 0);
	mkfile("secret", 0600, 0, 0);
	mkfile("grpfile", 0640, 0, SUPP);
	mkfile("rw", 0666, 0, 0);
	mkfile("setid", 06755, USER, GROUP);
	copy_self("noexec.bin", 0644);
	copy_self("exec.bin", 0755);
	copy_self("grpexec.bin", 0750);
	if (chown(P("grpexec.bin"), 0, SUPP))
		FAIL("chown grpexec.bin (errno %s)", ename(errno));
}

/* Run @rel (a copy of this program) with --child in a new process. */
static void exec_status(const char *what, const char *rel)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "perm", "--child", NULL };
		char *envp[] = { NULL };

		execve(P(rel), argv, envp);
		printf("%s: %s\n", what, ename(errno));
		fflush(stdout);
		_exit(100);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 100)
		printf("%s: status %d\n", what, WIFEXITED(status) ?
		       WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int open_close(const char *rel, int flags);

static void setid_root_rules(void)
{
	R("setuid(-1)", setuid(-1));
	R("setgroups(65537)", syscall(SYS_setgroups, 65537, NULL));
	R("setreuid(1000, 2000)", setreuid(USER, OTHER));
	ids("after setreuid");
	R("setuid(1000) by saved", setuid(USER));
	ids("after setuid(1000)");
	R("setuid(2000) by saved", setuid(OTHER));
	R("setuid(3000)", setuid(3000));
	R("setresuid(0, -1, -1)", setresuid(0, -1, -1));
	R("seteuid(1000)", seteuid(USER));
	R("setgid(5)", setgid(5));
	R("setgroups(1) unprivileged", setgroups(1, (gid_t[]){ 5 }));
	ids("end");
}

static void setid_groups(void)
{
	static gid_t many[65536];
	int n;

	for (int i = 0; i < 65536; i++)
		many[i] = 65535 - i;
	R("setgroups(65536)", setgroups(65536, many));
	n = getgroups(0, NULL);
	printf("getgroups(0): %d\n", n);
	n = getgroups(65536, many);
	printf("getgroups sorted: %d %u %u\n", n, many[0], many[65535]);
	R("getgroups(1)", getgroups(1, many));
	R("setresgid(7, 8, 9)", setresgid(7, 8, 9));
	R("setregid(-1, 7)", setregid(-1, 7));
	ids("groups");
	/* 65536 groups (1001 among them) travel with every file call. */
	R("setresuid(1000, 1000, 1000) with 65536 groups",
	  setresuid(USER, USER, USER));
	R("open grpfile O_RDONLY with 65536 groups",
	  open_close("grpfile", O_RDONLY));
	R("open secret O_RDONLY with 65536 groups",
	  open_close("secret", O_RDONLY));
	R("create pub/many with 65536 groups",
	  open_close("pub/many", O_CREAT | O_WRONLY));
	show("pub/many");
}

static void real_vs_effective(void)
{
	R("setresuid(1000, 0, 0)", setresuid(USER, 0, 0));
	R("access(secret, R_OK) real 1000", access(P("secret"), R_OK));
	R("faccessat(secret, R_OK, AT_EACCESS)",
	  faccessat(AT_FDCWD, P("secret"), R_OK, AT_EACCESS));
	R("access(rw, W_OK)", access(P("rw"), W_OK));
	R("access(exec.bin, X_OK)", access(P("exec.bin"), X_OK));
	R("access(noexec.bin, X_OK)", access(P("noexec.bin"), X_OK));
	R("open(secret) with euid 0", close(open(P("secret"), O_RDONLY)));
	printf("setfsuid(1000): %d\n", setfsuid(USER));
	R("open(secret) with fsuid 1000", open(P("secret"), O_RDONLY));
	R("create pub/fsfile with fsuid 1000",
	  close(open(P("pub/fsfile"), O_CREAT | O_WRONLY, 0644)));
	show("pub/fsfile");
	printf("setfsuid(0): %d\n", setfsuid(0));
	R("open(secret) with fsuid 0", close(open(P("secret"), O_RDONLY)));
	ids("real 1000");
}

static void drop(void)
{
	R("setgroups([1001])", setgroups(1, (gid_t[]){ SUPP }));
	R("setresgid(1000, 1000, 1000)", setresgid(GROUP, GROUP, GROUP));
	R("setresuid(1000, 1000, 1000)", setresuid(USER, USER, USER));
	ids("dropped");
	R("setuid(0)", setuid(0));
	R("setresuid(-1, 2000, -1)", setresuid(-1, OTHER, -1));
	R("setgid(0)", setgid(0));
	R("setgroups(0)", setgroups(0, NULL));
	printf("setfsuid(0): %d\n", setfsuid(0));
	printf("setfsuid(-1): %d\n", setfsuid(-1));
}

static int open_close(const char *rel, int flags)
{
	int fd = open(P(rel), flags, 0644);

	return fd < 0 ? -1 : close(fd);
}

static void file_access(void)
{
	R("open secret O_RDONLY", open_close("secret", O_RDONLY));
	R("open ro/f O_RDONLY", open_close("ro/f", O_RDONLY));
	R("open ro/f O_WRONLY", open_close("ro/f", O_WRONLY));
	R("open ro/f O_RDWR", open_close("ro/f", O_RDWR));
	R("open ro/f O_RDONLY|O_TRUNC", open_close("ro/f", O_RDONLY | O_TRUNC));
	R("open ro/f O_CREAT|O_EXCL", open_close("ro/f", O_CREAT | O_EXCL));
	R("open grpfile O_RDONLY", open_close("grpfile", O_RDONLY));
	R("open grpfile O_WRONLY", open_close("grpfile", O_WRONLY));
	R("open grp/f O_RDWR", open_close("grp/f", O_RDWR));
	R("open rw O_RDWR", open_close("rw", O_RDWR));
	R("stat noexec/f", access(P("noexec/f"), F_OK));
	R("open noexec O_DIRECTORY", open_close("noexec", O_RDONLY |
						 O_DIRECTORY));
	R("stat noread/f", access(P("noread/f"), F_OK));
	R("open noread O_DIRECTORY", open_close("noread", O_RDONLY |
						 O_DIRECTORY));
	R("open ro O_WRONLY (a directory)", open_close("ro", O_WRONLY));
	R("chdir noexec", chdir(P("noexec")));
	R("chdir noread", chdir(P("noread")));
	R("chdir /", chdir("/"));
	R("access(secret, R_OK)", access(P("secret"), R_OK));
	R("access(ro/f, W_OK)", access(P("ro/f"), W_OK));
	R("access(grpfile, R_OK)", access(P("grpfile"), R_OK));
	R("access(exec.bin, X_OK)", access(P("exec.bin"), X_OK));
	R("access(noexec.bin, X_OK)", access(P("noexec.bin"), X_OK));
	R("truncate ro/f", truncate(P("ro/f"), 0));
	R("truncate rw", truncate(P("rw"), 2));
}

static void names(void)
{
	R("create ro/new", open_close("ro/new", O_CREAT | O_WRONLY));
	R("mkdir ro/d", mkdir(P("ro/d"), 0755));
	R("mkdir ro/sub (exists)", mkdir(P("ro/sub"), 0755));
	R("unlink ro/f", unlink(P("ro/f")));
	R("unlink ro/missing", unlink(P("ro/missing")));
	R("rmdir ro/sub", rmdir(P("ro/sub")));
	R("rename ro/f pub/x", rename(P("ro/f"), P("pub/x")));
	R("create pub/mine", open_close("pub/mine", O_CREAT | O_WRONLY));
	show("pub/mine");
	R("renameat2 ro/f pub/mine NOREPLACE",
	  renameat2(AT_FDCWD, P("ro/f"), AT_FDCWD, P("pub/mine"),
		    RENAME_NOREPLACE));
	R("rename pub/mine ro/mine", rename(P("pub/mine"), P("ro/mine")));
	R("rename movable pub/movable", rename(P("movable"), P("pub/movable")));
	R("mkdir pub/md", mkdir(P("pub/md"), 0777));
	show("pub/md");
	R("rename pub/md pub/md2", rename(P("pub/md"), P("pub/md2")));
	if (!tmpfs) {
		R("link pub/mine ro/l", link(P("pub/mine"), P("ro/l")));
		R("link pub/mine pub/l", link(P("pub/mine"), P("pub/l")));
		R("symlink ro/s", symlink("target", P("ro/s")));
		R("symlink pub/s", symlink("mine", P("pub/s")));
		show("pub/s");
		R("stat noexec/f through a link",
		  symlink("../noexec/f", P("pub/tonoexec")) ? -1 :
		  access(P("pub/tonoexec"), F_OK));
	}
	R("create grp/new", open_close("grp/new", O_CREAT | O_WRONLY));
	show("grp/new");
	R("create sgid/f", open_close("sgid/f", O_CREAT | O_WRONLY));
	show("sgid/f");
	R("create sgid/g 02755",
	  close(open(P("sgid/g"), O_CREAT | O_WRONLY, 02755)));
	show("sgid/g");
	R("mkdir sgid/d", mkdir(P("sgid/d"), 0755));
	show("sgid/d");
	R("unlink sticky/rootfile", unlink(P("sticky/rootfile")));
	R("unlink sticky/otherfile", unlink(P("sticky/otherfile")));
	R("rename sticky/rootfile sticky/x",
	  rename(P("sticky/rootfile"), P("sticky/x")));
	R("create sticky/mine", open_close("sticky/mine", O_CREAT | O_WRONLY));
	R("rename sticky/mine over sticky/otherfile",
	  rename(P("sticky/mine"), P("sticky/otherfile")));
	R("unlink sticky/mine", unlink(P("sticky/mine")));
	R("write sticky/rootfile", open_close("sticky/rootfile", O_WRONLY));
}

static void attrs(void)
{
	struct timespec ts[2] = { { 1000000, 0 }, { 2000000, 0 } };

	R("chmod secret 0644", chmod(P("secret"), 0644));
	R("chmod pub/mine 0600", chmod(P("pub/mine"), 0600));
	R("chmod pub/mine 02755", chmod(P("pub/mine"), 02755));
	show("pub/mine");
	R("chmod own/rootgroup 02755", chmod(P("own/rootgroup"), 02755));
	show("own/rootgroup");
	R("chown pub/mine 0", chown(P("pub/mine"), 0, -1));
	R("chown pub/mine 1000 (same)", chown(P("pub/mine"), USER, -1));
	R("chgrp pub/mine 1001", chown(P("pub/mine"), -1, SUPP));
	show("pub/mine");
	R("chgrp pub/mine 3000", chown(P("pub/mine"), -1, SGID_GROUP));
	R("chgrp rw 1001 (not owner)", chown(P("rw"), -1, SUPP));
	R("chgrp setid 1001", chown(P("setid"), -1, SUPP));
	show("setid");
	R("utimensat rw NULL (writer)", utimensat(AT_FDCWD, P("rw"), NULL, 0));
	R("utimensat rw times (writer)", utimensat(AT_FDCWD, P("rw"), ts, 0));
	R("utimensat ro/f NULL", utimensat(AT_FDCWD, P("ro/f"), NULL, 0));
	R("utimensat pub/mine times", utimensat(AT_FDCWD, P("pub/mine"), ts,
						0));
	{
		struct stat st;

		if (!stat(P("pub/mine"), &st))
			printf("pub/mine mtime %ld\n", (long)st.st_mtime);
	}
}

static void execs(void)
{
	exec_status("exec exec.bin", "exec.bin");
	exec_status("exec grpexec.bin", "grpexec.bin");
	exec_status("exec noexec.bin", "noexec.bin");
	exec_status("exec noexec/prog", "noexec/prog");
}

/* ------------------------------------------------------------ threads */

static pthread_barrier_t ready, done;
static long thread_euid[3];
static int thread_errno[3];

static void *thread_main(void *arg)
{
	long n = (long)arg;
	int fd;

	pthread_barrier_wait(&ready);	/* main changes ids meanwhile */
	pthread_barrier_wait(&done);
	thread_euid[n] = syscall(SYS_geteuid);
	fd = open(P("secret"), O_RDONLY);
	thread_errno[n] = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* glibc makes every thread take the new ids (its SIGSETXID broadcast). */
static void threads(void)
{
	pthread_t t[3];

	pthread_barrier_init(&ready, NULL, 4);
	pthread_barrier_init(&done, NULL, 4);
	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, thread_main, (void *)i);
	pthread_barrier_wait(&ready);
	R("threads: setresuid(1000, 1000, 1000)",
	  setresuid(USER, USER, USER));
	pthread_barrier_wait(&done);
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		printf("thread %d: euid %ld open secret %s\n", i,
		       thread_euid[i], ename(thread_errno[i]));
	}
	printf("threads: main euid %ld\n", (long)syscall(SYS_geteuid));
}

static void as_user(void)
{
	drop();
	file_access();
	names();
	attrs();
	execs();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--child")) {
		ids("child");
		return 7;
	}
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--tmpfs"))) {
		fprintf(stderr, "usage: perm DIR [--tmpfs] | perm --child\n");
		return 2;
	}
	base = argv[1];
	tmpfs = argc == 3;
	snprintf(self_exe, sizeof(self_exe), "%s", argv[0]);
	ids("start");
	build_tree();
	exec_status("root exec noexec.bin", "noexec.bin");
	R("root access(noexec.bin, X_OK)", access(P("noexec.bin"), X_OK));
	R("root open secret O_RDWR", open_close("secret", O_RDWR));
	in_child(setid_root_rules);
	in_child(setid_groups);
	in_child(real_vs_effective);
	in_child(as_user);
	in_child(threads);
	sync();
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
