/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for lib/fsperm.c: Linux's permission rules, with each
 * expectation written from the man pages (path_resolution(7), chmod(2),
 * chown(2), utimensat(2), unlink(2) on the sticky bit, mkdir(2) and
 * open(2) on set-gid directories), not from the code.
 */
/* HTEST-SOURCES: lib/fsperm.c */
#include "htest.h"
#include <tessera/errno.h>
#include <tessera/fsperm.h>
#include <uapi/stat.h>

static const u32 user_groups[] = { 20, 1001, 5000 };
static const struct fsperm_cred user = {
	.uid = 1000, .gid = 1000, .nr_groups = 3, .groups = user_groups,
};
static const struct fsperm_cred root = { .uid = 0, .gid = 0 };

static struct fsperm_inode ino(u32 mode, u32 uid, u32 gid)
{
	return (struct fsperm_inode){ .mode = mode, .uid = uid, .gid = gid };
}

static void test_groups(struct htest *t)
{
	HT_EXPECT(t, fsperm_in_group(&user, 1000));	/* the fsgid */
	HT_EXPECT(t, fsperm_in_group(&user, 20));
	HT_EXPECT(t, fsperm_in_group(&user, 1001));
	HT_EXPECT(t, fsperm_in_group(&user, 5000));
	HT_EXPECT(t, !fsperm_in_group(&user, 0));
	HT_EXPECT(t, !fsperm_in_group(&user, 1002));
	HT_EXPECT(t, !fsperm_in_group(&user, 4999));
	HT_EXPECT(t, !fsperm_in_group(&root, 1000));
}

static void test_check(struct htest *t)
{
	struct fsperm_inode i;

	/* The owner class decides, even when it grants less than others. */
	i = ino(S_IFREG | 0077, 1000, 1000);
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, FSPERM_READ), -EACCES);
	i = ino(S_IFREG | 0640, 0, 1001);	/* a supplementary group */
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, FSPERM_READ), 0);
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, FSPERM_WRITE), -EACCES);
	i = ino(S_IFREG | 0604, 0, 1001);	/* group class: nothing */
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, FSPERM_READ), -EACCES);
	i = ino(S_IFREG | 0006, 0, 0);
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, FSPERM_READ | FSPERM_WRITE),
		     0);
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, FSPERM_EXEC), -EACCES);
	i = ino(S_IFDIR | 0766, 0, 0);			/* no search */
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, FSPERM_EXEC), -EACCES);
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, FSPERM_READ), 0);
	/* Root: read, write, search anything; exec needs some x bit. */
	i = ino(S_IFREG | 0000, 1000, 1000);
	HT_EXPECT_EQ(t, fsperm_check(&root, &i, FSPERM_READ | FSPERM_WRITE),
		     0);
	HT_EXPECT_EQ(t, fsperm_check(&root, &i, FSPERM_EXEC), -EACCES);
	i = ino(S_IFREG | 0001, 1000, 1000);
	HT_EXPECT_EQ(t, fsperm_check(&root, &i, FSPERM_EXEC), 0);
	i = ino(S_IFDIR | 0000, 1000, 1000);
	HT_EXPECT_EQ(t, fsperm_check(&root, &i, FSPERM_EXEC), 0);
	/* No access asked: always allowed (F_OK). */
	HT_EXPECT_EQ(t, fsperm_check(&user, &i, 0), 0);
}

static void test_sticky(struct htest *t)
{
	struct fsperm_inode tmp = ino(S_IFDIR | 01777, 0, 0);
	struct fsperm_inode mine = ino(S_IFREG | 0644, 1000, 1000);
	struct fsperm_inode other = ino(S_IFREG | 0666, 2000, 2000);
	struct fsperm_inode own_dir = ino(S_IFDIR | 01777, 1000, 0);
	struct fsperm_inode plain = ino(S_IFDIR | 0777, 0, 0);

	HT_EXPECT_EQ(t, fsperm_sticky(&user, &tmp, &mine), 0);
	HT_EXPECT_EQ(t, fsperm_sticky(&user, &tmp, &other), -EPERM);
	HT_EXPECT_EQ(t, fsperm_sticky(&user, &own_dir, &other), 0);
	HT_EXPECT_EQ(t, fsperm_sticky(&user, &plain, &other), 0);
	HT_EXPECT_EQ(t, fsperm_sticky(&root, &tmp, &other), 0);
}

static void test_new_inode(struct htest *t)
{
	struct fsperm_inode sgid = ino(S_IFDIR | 02775, 0, 3000);
	struct fsperm_inode plain = ino(S_IFDIR | 0777, 0, 3000);
	struct fsperm_inode n;

	fsperm_new_inode(&user, &plain, false, &n, 0644);
	HT_EXPECT_EQ(t, n.uid, 1000);
	HT_EXPECT_EQ(t, n.gid, 1000);
	HT_EXPECT_EQ(t, n.mode, 0644);
	fsperm_new_inode(&user, &sgid, true, &n, 0755);
	HT_EXPECT_EQ(t, n.gid, 3000);
	HT_EXPECT_EQ(t, n.mode, 02755);		/* inherits set-gid */
	fsperm_new_inode(&user, &sgid, false, &n, 02755);
	HT_EXPECT_EQ(t, n.gid, 3000);
	HT_EXPECT_EQ(t, n.mode, 0755);		/* not in group 3000 */
	fsperm_new_inode(&user, &sgid, false, &n, 02745);
	HT_EXPECT_EQ(t, n.mode, 02745);		/* not group-exec */
	fsperm_new_inode(&root, &sgid, false, &n, 02755);
	HT_EXPECT_EQ(t, n.mode, 02755);
	HT_EXPECT_EQ(t, n.uid, 0);
}

static void test_setattr(struct htest *t)
{
	struct fsperm_inode mine = ino(S_IFREG | 06755, 1000, 0);
	struct fsperm_inode theirs = ino(S_IFREG | 0666, 2000, 2000);
	struct fsperm_inode ro = ino(S_IFREG | 0644, 2000, 2000);
	struct fsperm_attr a;

	/* chmod: the owner only; set-gid dropped outside the group. */
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_MODE, .mode = 02755 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &mine, &a), 0);
	HT_EXPECT_EQ(t, a.mode, 0755);
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_MODE, .mode = 0600 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &theirs, &a), -EPERM);
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_MODE, .mode = 02755 };
	HT_EXPECT_EQ(t, fsperm_setattr(&root, &theirs, &a), 0);
	HT_EXPECT_EQ(t, a.mode, 02755);
	/* chown: root only; the owner may chgrp into its groups. */
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_UID, .uid = 0 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &mine, &a), -EPERM);
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_GID, .gid = 1001 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &mine, &a), 0);
	/* ... which clears set-uid, and set-gid as it is group-exec. */
	HT_EXPECT(t, a.valid & FSPERM_ATTR_MODE);
	HT_EXPECT_EQ(t, a.mode, 0755);
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_GID, .gid = 4000 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &mine, &a), -EPERM);
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_GID, .gid = 1001 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &theirs, &a), -EPERM);
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_UID, .uid = 1000 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &mine, &a), 0);
	/* Times: "now" by a writer; explicit times by the owner only. */
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_ATIME |
				  FSPERM_ATTR_MTIME, .times_now = true };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &theirs, &a), 0);
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &ro, &a), -EACCES);
	a.times_now = false;
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &theirs, &a), -EPERM);
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &mine, &a), 0);
	HT_EXPECT_EQ(t, fsperm_setattr(&root, &ro, &a), 0);
}

static void test_chown_sgid_lock(struct htest *t)
{
	/* Set-gid without group-exec (a locking mark) survives a chown
	 * by the file's group, not by one outside it (chown(2)). */
	struct fsperm_inode lock = ino(S_IFREG | 02644, 1000, 1001);
	struct fsperm_inode other = ino(S_IFREG | 02644, 1000, 3000);
	struct fsperm_attr a;

	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_GID, .gid = 20 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &lock, &a), 0);
	HT_EXPECT(t, !(a.valid & FSPERM_ATTR_MODE));
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_GID, .gid = 20 };
	HT_EXPECT_EQ(t, fsperm_setattr(&user, &other, &a), 0);
	HT_EXPECT(t, a.valid & FSPERM_ATTR_MODE);
	HT_EXPECT_EQ(t, a.mode, 0644);
	/* Root's chown clears set-uid too (since Linux 2.2.13). */
	other = ino(S_IFREG | 04755, 1000, 1000);
	a = (struct fsperm_attr){ .valid = FSPERM_ATTR_UID, .uid = 2000 };
	HT_EXPECT_EQ(t, fsperm_setattr(&root, &other, &a), 0);
	HT_EXPECT_EQ(t, a.mode, 0755);
}

static void test_kill_priv(struct htest *t)
{
	struct fsperm_inode i;

	/* A write by an unprivileged user clears set-uid ... */
	i = ino(S_IFREG | 04777, 2000, 2000);
	HT_EXPECT_EQ(t, fsperm_kill_priv(&user, &i), S_ISUID);
	/* ... and set-gid of a group-executable file, even its group's */
	i = ino(S_IFREG | 06777, 2000, 1001);
	HT_EXPECT_EQ(t, fsperm_kill_priv(&user, &i), S_ISUID | S_ISGID);
	/* ... a locking mark only outside its group. */
	i = ino(S_IFREG | 02666, 2000, 1001);
	HT_EXPECT_EQ(t, fsperm_kill_priv(&user, &i), 0);
	i = ino(S_IFREG | 02666, 2000, 3000);
	HT_EXPECT_EQ(t, fsperm_kill_priv(&user, &i), S_ISGID);
	/* The owner is not exempt; root is; nothing to clear: 0. */
	i = ino(S_IFREG | 04755, 1000, 1000);
	HT_EXPECT_EQ(t, fsperm_kill_priv(&user, &i), S_ISUID);
	HT_EXPECT_EQ(t, fsperm_kill_priv(&root, &i), 0);
	i = ino(S_IFREG | 0777, 2000, 2000);
	HT_EXPECT_EQ(t, fsperm_kill_priv(&user, &i), 0);
	i = ino(S_IFDIR | 06777, 2000, 2000);
	HT_EXPECT_EQ(t, fsperm_kill_priv(&user, &i), 0);
}

static struct fsperm_ids ids(u32 uid, u32 euid, u32 suid, u32 gid, u32 egid,
			     u32 sgid)
{
	return (struct fsperm_ids){
		.uid = uid, .euid = euid, .suid = suid, .fsuid = 7,
		.gid = gid, .egid = egid, .sgid = sgid, .fsgid = 7,
	};
}

static void test_exec_ids(struct htest *t)
{
	struct fsperm_inode i;
	struct fsperm_ids c;

	/* execve(2): set-user-ID makes the owner the effective uid, and
	 * the effective ids are copied to the saved ones. */
	c = ids(2000, 2000, 2000, 2000, 2000, 2000);
	i = ino(S_IFREG | 04755, 1000, 0);
	HT_EXPECT(t, fsperm_exec_ids(&c, &i));
	HT_EXPECT_EQ(t, c.uid, 2000);
	HT_EXPECT_EQ(t, c.euid, 1000);
	HT_EXPECT_EQ(t, c.suid, 1000);
	HT_EXPECT_EQ(t, c.fsuid, 1000);
	HT_EXPECT_EQ(t, c.egid, 2000);
	HT_EXPECT_EQ(t, c.fsgid, 2000);
	/* Set-group-ID needs group-execute to count. */
	c = ids(2000, 2000, 2000, 2000, 2000, 2000);
	i = ino(S_IFREG | 02755, 0, 1000);
	HT_EXPECT(t, fsperm_exec_ids(&c, &i));
	HT_EXPECT_EQ(t, c.euid, 2000);
	HT_EXPECT_EQ(t, c.egid, 1000);
	HT_EXPECT_EQ(t, c.sgid, 1000);
	HT_EXPECT_EQ(t, c.gid, 2000);
	c = ids(2000, 2000, 2000, 2000, 2000, 2000);
	i = ino(S_IFREG | 02745, 0, 1000);
	HT_EXPECT(t, !fsperm_exec_ids(&c, &i));
	HT_EXPECT_EQ(t, c.egid, 2000);
	/* An owner the caller already is: not secure. */
	c = ids(1000, 1000, 1000, 1000, 1000, 1000);
	i = ino(S_IFREG | 06755, 1000, 1000);
	HT_EXPECT(t, !fsperm_exec_ids(&c, &i));
	/* No set-id bits: saved ids still follow the effective ones, and
	 * differing real and effective ids are secure. */
	c = ids(0, 1000, 0, 0, 0, 5);
	i = ino(S_IFREG | 0755, 0, 0);
	HT_EXPECT(t, fsperm_exec_ids(&c, &i));
	HT_EXPECT_EQ(t, c.suid, 1000);
	HT_EXPECT_EQ(t, c.fsuid, 1000);
	HT_EXPECT_EQ(t, c.sgid, 0);
	HT_EXPECT_EQ(t, c.fsgid, 0);
	/* Root running a set-uid program of another user gives it up. */
	c = ids(0, 0, 0, 0, 0, 0);
	i = ino(S_IFREG | 04755, 1000, 1000);
	HT_EXPECT(t, fsperm_exec_ids(&c, &i));
	HT_EXPECT_EQ(t, c.euid, 1000);
	HT_EXPECT_EQ(t, c.uid, 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_chown_sgid_lock),
	HT_CASE(test_kill_priv),
	HT_CASE(test_exec_ids),
	HT_CASE(test_groups),
	HT_CASE(test_check),
	HT_CASE(test_sticky),
	HT_CASE(test_new_inode),
	HT_CASE(test_setattr),
	{ NULL, NULL },
};

HTEST_MAIN(cases)
