/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Credentials of user threads (cred.c): real, effective, saved and
 * file-system uid and gid, and the supplementary groups.
 *
 * Per thread, as Linux keeps them: the set*id calls change the calling
 * thread only, and glibc makes every thread of a process call them
 * (its SIGSETXID broadcast, through tgkill).  A struct cred is never
 * changed once published: a change makes a new one and swaps the
 * thread's pointer under its process's lock.  A thread reads its own
 * without locking (only it writes it); anyone else takes the process
 * lock and a reference.  clone and fork give the new thread a reference
 * to the creator's; execve gives the program new ones, as its set-user-ID
 * and set-group-ID bits say (cred_for_exec(), Documentation/processor.md).
 */
#ifndef _PROCESSOR_CRED_H
#define _PROCESSOR_CRED_H

#include <tessera/atomic.h>
#include <tessera/fsperm.h>
#include <tessera/types.h>

#define NGROUPS_MAX		65536	/* Linux's */

struct cred {
	atomic_t refs;
	u32 uid, euid, suid, fsuid;
	u32 gid, egid, sgid, fsgid;
	u32 nr_groups;
	u32 groups[];		/* ascending, duplicates kept */
};

struct uthread;

/* The calling thread's credentials; root's in a kernel thread. */
const struct cred *current_cred(void);

/* A new reference to @c; cred_put() drops one. */
const struct cred *cred_get(const struct cred *c);
void cred_put(const struct cred *c);

/*
 * Credentials with every uid @uid and every gid @gid, no supplementary
 * groups, one reference: a launcher's first process (`tessera run
 * --uid/--gid`).  NULL on -ENOMEM.
 */
const struct cred *cred_new_ids(u32 uid, u32 gid);

/* The credentials a thread starts with: the creator's, or root's. */
const struct cred *cred_for_new_thread(void);

/* A reference to thread @ut's credentials (of any thread). */
const struct cred *uthread_cred_get(struct uthread *ut);

/*
 * The file-system view of @c for <tessera/fsperm.h> checks: fsuid and
 * fsgid, or with @real (access() without AT_EACCESS) the real ids.
 */
void cred_fsperm(const struct cred *c, bool real, struct fsperm_cred *out);

/*
 * The credentials the calling thread runs program @file (its mode,
 * owner and group; mode 0 for a program without attributes) with:
 * <tessera/fsperm.h>'s fsperm_exec_ids() applied to its own.  One
 * reference, or NULL on -ENOMEM.  Nothing is changed until
 * cred_exec_install() makes them the thread's (taking the reference),
 * at execve's point of no return when it is the process's only thread.
 */
const struct cred *cred_for_exec(const struct fsperm_inode *file);
void cred_exec_install(const struct cred *new);

/*
 * access() checks with the real ids: make the calling thread's fsuid and
 * fsgid its real ones until cred_revert(), which takes what
 * cred_override_real() returned (NULL: nothing was changed).  May fail
 * with ERR_PTR(-ENOMEM).
 */
const struct cred *cred_override_real(void);
void cred_revert(const struct cred *saved);

#endif /* _PROCESSOR_CRED_H */
