// SPDX-License-Identifier: GPL-2.0
/*
 * Set-user-ID and set-group-ID programs (tests/cluster/test_perm.py,
 * "setid"): as root, make copies of this program under DIR with set-id
 * bits and owners, and files to write; then, as uid/gid 2000 without
 * supplementary groups, execute each copy (which prints the ids it runs
 * with, the auxv's AT_UID/AT_EUID/AT_GID/AT_EGID/AT_SECURE, whether
 * glibc kept LD_LIBRARY_PATH, and whether it may read a file only uid
 * 1000 may) and write or truncate the writable set-id files, printing
 * the modes left.  The same program runs natively in a chroot and on
 * Tessera; the outputs must be equal.
 *
 *   setid DIR		  DIR is made (its parent must exist)
 *   setid --child LABEL  what the exec tests run (SETID_DIR=DIR in the
 *			  environment): prints, exits 7
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expect.h"

#define OWNER	1000		/* owns the set-id copies */
#define RUNNER	2000		/* runs them: uid, gid, no groups */

static const char *base;
static const char *self_exe;

#define P(rel) path_under(base, (rel))

/* The permission bits of @rel (with the set-id ones), or the errno. */
static void show(const char *what, const char *rel)
{
	struct stat st;

	if (stat(P(rel), &st))
		printf("%s: stat %s\n", what, ename(errno));
	else
		printf("%s: mode %o uid %u gid %u\n", what,
		       st.st_mode & 07777, st.st_uid, st.st_gid);
}

static void child(const char *label)
{
	const char *lib = getenv("LD_LIBRARY_PATH");
	uid_t r, e, s;
	gid_t gr, ge, gs;
	int fd;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("%s: uid %u %u %u fsuid %d gid %u %u %u fsgid %d\n", label,
	       r, e, s, setfsuid(-1), gr, ge, gs, setfsgid(-1));
	printf("%s: auxv uid %lu euid %lu gid %lu egid %lu secure %lu\n",
	       label, getauxval(AT_UID), getauxval(AT_EUID),
	       getauxval(AT_GID), getauxval(AT_EGID), getauxval(AT_SECURE));
	printf("%s: LD_LIBRARY_PATH %s\n", label, lib ? lib : "(removed)");
	fd = open(P("secret"), O_RDONLY);
	printf("%s: open secret %s\n", label, fd < 0 ? ename(errno) : "0");
	if (fd >= 0)
		close(fd);
}

/* Copy this program to @rel, then give it @mode, @uid and @gid. */
static void copy_self(const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
	if (copy_file(self_exe, P(rel))) {
		FAIL("copy to %s (errno %s)", rel, ename(errno));
		return;
	}
	/* chown first: it would clear the set-id bits. */
	if (chown(P(rel), uid, gid) || chmod(P(rel), mode))
		FAIL("chown/chmod %s (errno %s)", rel, ename(errno));
}

static void mkfile(const char *rel, const char *data, mode_t mode,
		   uid_t uid, gid_t gid)
{
	int fd = open(P(rel), O_CREAT | O_WRONLY | O_TRUNC, 0600);
	size_t len = strlen(data);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) ||
	    chown(P(rel), uid, gid) || chmod(P(rel), mode))
		FAIL("making %s (errno %s)", rel, ename(errno));
}

static void build_tree(void)
{
	char script[600];

	umask(022);
	if (mkdir(base, 0755))
		FAIL("mkdir %s (errno %s)", base, ename(errno));
	copy_self("plain", 0755, 0, 0);
	copy_self("suid", 04755, OWNER, 0);
	copy_self("sgid", 02755, 0, OWNER);
	copy_self("sgid_nox", 02745, 0, OWNER);	/* a locking mark */
	copy_self("both", 06755, OWNER, OWNER);
	copy_self("mine", 04755, RUNNER, RUNNER);	/* the runner's own */
	/* A set-id script counts for nothing; a set-id interpreter does. */
	snprintf(script, sizeof(script), "#!%s --child\n", P("plain"));
	mkfile("script_suid", script, 04755, OWNER, OWNER);
	snprintf(script, sizeof(script), "#!%s --child\n", P("suid"));
	mkfile("script_of_suid", script, 0755, 0, 0);
	mkfile("secret", "secret\n", 0600, OWNER, OWNER);
	mkfile("ro", "data\n", 0755, OWNER, OWNER);
	mkfile("w_suid", "data\n", 04777, OWNER, OWNER);
	mkfile("w_sgid", "data\n", 02777, OWNER, OWNER);
	mkfile("w_lock_mine", "data\n", 02666, OWNER, RUNNER);
	mkfile("w_lock_other", "data\n", 02666, OWNER, OWNER);
	mkfile("w_empty", "", 04777, OWNER, OWNER);
	mkfile("w_zero", "data\n", 06777, OWNER, OWNER);
	mkfile("t_otrunc", "", 06777, OWNER, OWNER);
	mkfile("t_truncate", "data\n", 04777, OWNER, OWNER);
	mkfile("t_ftruncate", "data\n", 04777, OWNER, OWNER);
	mkfile("root_write", "data\n", 06777, OWNER, OWNER);
	mkfile("chown_x", "data\n", 06755, OWNER, OWNER);
	mkfile("chown_lock", "data\n", 02644, OWNER, OWNER);
}

/* Run copy @rel with --child @rel in a new process; report its status. */
static void run(const char *rel)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "setid", "--child", (char *)rel, NULL };
		char dir[600];
		char *envp[] = { "LD_LIBRARY_PATH=/nowhere", dir, NULL };

		snprintf(dir, sizeof(dir), "SETID_DIR=%s", base);
		execve(P(rel), argv, envp);
		printf("%s: execve %s\n", rel, ename(errno));
		fflush(stdout);
		_exit(100);
	}
	waitpid(pid, &status, 0);
	printf("%s: status %d\n", rel, WIFEXITED(status) ?
	       WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* write(2) of @len bytes at the end of @rel, then its mode. */
static void write_file(const char *rel, size_t len)
{
	int fd = open(P(rel), O_WRONLY | O_APPEND);
	char what[64];

	snprintf(what, sizeof(what), "write %zu %s", len, rel);
	if (fd < 0) {
		printf("%s: open %s\n", what, ename(errno));
	} else {
		if (write(fd, "more\n", len) != (ssize_t)len)
			FAIL("%s (errno %s)", what, ename(errno));
		close(fd);
	}
	show(what, rel);
}

static void as_runner(void)
{
	int fd;

	if (setgroups(0, NULL) || setresgid(RUNNER, RUNNER, RUNNER) ||
	    setresuid(RUNNER, RUNNER, RUNNER)) {
		FAIL("dropping to %d (errno %s)", RUNNER, ename(errno));
		return;
	}
	run("plain");
	run("suid");
	run("sgid");
	run("sgid_nox");
	run("both");
	run("mine");
	run("script_suid");
	run("script_of_suid");

	fd = open(P("ro"), O_WRONLY);
	printf("open ro O_WRONLY: %s\n", fd < 0 ? ename(errno) : "0");
	if (fd >= 0)
		close(fd);
	write_file("w_suid", 5);
	write_file("w_sgid", 5);
	write_file("w_lock_mine", 5);
	write_file("w_lock_other", 5);
	write_file("w_empty", 5);
	write_file("w_zero", 0);
	fd = open(P("t_otrunc"), O_WRONLY | O_TRUNC);
	if (fd < 0)
		FAIL("open t_otrunc O_TRUNC (errno %s)", ename(errno));
	else
		close(fd);
	show("open O_TRUNC t_otrunc", "t_otrunc");
	if (truncate(P("t_truncate"), 2))
		FAIL("truncate t_truncate (errno %s)", ename(errno));
	show("truncate t_truncate", "t_truncate");
	fd = open(P("t_ftruncate"), O_WRONLY);
	if (fd < 0 || ftruncate(fd, 0))
		FAIL("ftruncate t_ftruncate (errno %s)", ename(errno));
	if (fd >= 0)
		close(fd);
	show("ftruncate t_ftruncate", "t_ftruncate");
}

static void as_root(void)
{
	write_file("root_write", 5);
	if (chown(P("chown_x"), 0, 0))
		FAIL("chown chown_x (errno %s)", ename(errno));
	show("root chown chown_x", "chown_x");
	if (chown(P("chown_lock"), 0, 0))
		FAIL("chown chown_lock (errno %s)", ename(errno));
	show("root chown chown_lock", "chown_lock");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "--child")) {
		/* A script's argv: interpreter, --child, script, ... LABEL */
		base = getenv("SETID_DIR");
		if (!base)
			return 3;
		child(argv[argc - 1]);
		return 7;
	}
	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: setid /DIR | setid --child LABEL\n");
		return 2;
	}
	base = argv[1];
	self_exe = argv[0];
	build_tree();
	in_child(as_runner);
	as_root();
	sync();
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
