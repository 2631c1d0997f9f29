/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User credentials (cred.h): the reference-counted struct cred of each
 * thread and the system calls that read and change it: getuid, geteuid,
 * getgid, getegid, getresuid, getresgid, setuid, setgid, setreuid,
 * setregid, setresuid, setresgid, setfsuid, setfsgid, getgroups,
 * setgroups, with Linux's rules.  "Privileged" is Linux's CAP_SETUID /
 * CAP_SETGID of a root process without capability tweaks: the effective
 * uid is 0.  The file-system checks (fsuid 0 is root there) are
 * <tessera/fsperm.h>'s; the storage node applies them to its files
 * (fs.c sends each request's credentials), tmpfs*.c to its own.
 *
 * Locking: ut->cred is written only by its own thread, under
 * ut->proc->lock; that thread reads it freely, others under the lock.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/uaccess.h>

#include "internal.h"
#include "cred.h"

#define CRED_ID_NONE	((u32)-1)	/* "unchanged", never a valid id */

static struct cred root_cred = {
	.refs = { 1 },			/* never freed */
};

const struct cred *current_cred(void)
{
	struct uthread *ut = current_uthread();

	return ut ? ut->cred : &root_cred;
}

const struct cred *cred_get(const struct cred *c)
{
	atomic_inc(&((struct cred *)c)->refs);
	return c;
}

void cred_put(const struct cred *c)
{
	if (c && c != &root_cred &&
	    atomic_dec_and_test(&((struct cred *)c)->refs))
		kfree((void *)c);
}

const struct cred *cred_new_ids(u32 uid, u32 gid)
{
	struct cred *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	atomic_set(&c->refs, 1);
	c->uid = c->euid = c->suid = c->fsuid = uid;
	c->gid = c->egid = c->sgid = c->fsgid = gid;
	return c;
}

const struct cred *cred_for_new_thread(void)
{
	return cred_get(current_cred());
}

const struct cred *uthread_cred_get(struct uthread *ut)
{
	const struct cred *c;

	spin_lock(&ut->proc->lock);
	c = cred_get(ut->cred);
	spin_unlock(&ut->proc->lock);
	return c;
}

void cred_fsperm(const struct cred *c, bool real, struct fsperm_cred *out)
{
	out->uid = real ? c->uid : c->fsuid;
	out->gid = real ? c->gid : c->fsgid;
	out->nr_groups = c->nr_groups;
	out->groups = c->groups;
}

/* A copy of @old with room for @nr_groups groups (copied if the same). */
static struct cred *cred_dup(const struct cred *old, u32 nr_groups)
{
	struct cred *c = kmalloc(sizeof(*c) + nr_groups * sizeof(u32),
				 GFP_KERNEL);

	if (!c)
		return NULL;
	memcpy(c, old, sizeof(*c));
	atomic_set(&c->refs, 1);
	c->nr_groups = nr_groups;
	if (nr_groups == old->nr_groups)
		memcpy(c->groups, old->groups, nr_groups * sizeof(u32));
	return c;
}

/* Make @new (one reference, given up) the calling thread's. */
static void cred_install(const struct cred *new)
{
	struct uthread *ut = current_uthread();
	const struct cred *old;

	spin_lock(&ut->proc->lock);
	old = ut->cred;
	ut->cred = new;
	spin_unlock(&ut->proc->lock);
	cred_put(old);
}

const struct cred *cred_for_exec(const struct fsperm_inode *file)
{
	const struct cred *old = current_cred();
	struct fsperm_ids ids = {
		.uid = old->uid, .euid = old->euid,
		.suid = old->suid, .fsuid = old->fsuid,
		.gid = old->gid, .egid = old->egid,
		.sgid = old->sgid, .fsgid = old->fsgid,
	};
	struct cred *c;

	fsperm_exec_ids(&ids, file);
	c = cred_dup(old, old->nr_groups);
	if (!c)
		return NULL;
	c->euid = ids.euid;
	c->suid = ids.suid;
	c->fsuid = ids.fsuid;
	c->egid = ids.egid;
	c->sgid = ids.sgid;
	c->fsgid = ids.fsgid;
	return c;
}

void cred_exec_install(const struct cred *new)
{
	cred_install(new);
}

const struct cred *cred_override_real(void)
{
	const struct cred *old = current_cred();
	struct cred *c;

	if (!current_uthread() ||
	    (old->fsuid == old->uid && old->fsgid == old->gid))
		return NULL;
	c = cred_dup(old, old->nr_groups);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->fsuid = c->uid;
	c->fsgid = c->gid;
	cred_get(old);
	cred_install(c);
	return old;
}

void cred_revert(const struct cred *saved)
{
	if (saved)
		cred_install(saved);
}

/* Privileged for set*uid / set*gid: Linux's CAP_SETUID, CAP_SETGID. */
static bool cred_may_setid(const struct cred *c)
{
	return c->euid == 0;
}

/* ------------------------------------------------------------ reading */

SYSCALL_DECLARE(getuid)
{
	return current_cred()->uid;
}

SYSCALL_DECLARE(geteuid)
{
	return current_cred()->euid;
}

SYSCALL_DECLARE(getgid)
{
	return current_cred()->gid;
}

SYSCALL_DECLARE(getegid)
{
	return current_cred()->egid;
}

static long put_res_ids(const struct pt_regs *regs, u32 r, u32 e, u32 s)
{
	if (put_user_u32(r, (u32 __user *)regs->rdi) ||
	    put_user_u32(e, (u32 __user *)regs->rsi) ||
	    put_user_u32(s, (u32 __user *)regs->rdx))
		return -EFAULT;
	return 0;
}

SYSCALL_DECLARE(getresuid)
{
	const struct cred *c = current_cred();

	return put_res_ids(regs, c->uid, c->euid, c->suid);
}

SYSCALL_DECLARE(getresgid)
{
	const struct cred *c = current_cred();

	return put_res_ids(regs, c->gid, c->egid, c->sgid);
}

SYSCALL_DECLARE(getgroups)
{
	const struct cred *c = current_cred();
	int size = regs->rdi;
	u32 __user *list = (u32 __user *)regs->rsi;

	if (size < 0)
		return -EINVAL;
	if (!size)
		return c->nr_groups;
	if ((u32)size < c->nr_groups)
		return -EINVAL;
	if (copy_to_user(list, c->groups, c->nr_groups * sizeof(u32)))
		return -EFAULT;
	return c->nr_groups;
}

/* ------------------------------------------------------------ changing */

/*
 * The ids one triple of a cred (real, effective, saved, fs: uid's or
 * gid's), so that the uid and gid calls share their rules.
 */
struct cred_ids {
	u32 *r, *e, *s, *fs;
};

static void cred_ids_of(struct cred *c, bool gid, struct cred_ids *ids)
{
	ids->r = gid ? &c->gid : &c->uid;
	ids->e = gid ? &c->egid : &c->euid;
	ids->s = gid ? &c->sgid : &c->suid;
	ids->fs = gid ? &c->fsgid : &c->fsuid;
}

/* Is @id one of @old's real, effective or saved ids? */
static bool cred_ids_has(const struct cred_ids *old, u32 id)
{
	return id == *old->r || id == *old->e || id == *old->s;
}

enum cred_call { CRED_SET, CRED_SETRE, CRED_SETRES };

/*
 * setuid/setreuid/setresuid (@gid false) and the gid ones: @a, @b, @c
 * as the call's arguments (CRED_ID_NONE: unchanged).  0, -EINVAL,
 * -EPERM, -ENOMEM.
 */
static long cred_set_ids(enum cred_call call, bool gid, u32 a, u32 b, u32 c)
{
	const struct cred *cur = current_cred();
	bool priv = cred_may_setid(cur);
	struct cred_ids old, new;
	struct cred *n;

	n = cred_dup(cur, cur->nr_groups);
	if (!n)
		return -ENOMEM;
	cred_ids_of((struct cred *)cur, gid, &old);
	cred_ids_of(n, gid, &new);
	switch (call) {
	case CRED_SET:
		if (a == CRED_ID_NONE)
			goto einval;
		if (priv)
			*new.r = *new.s = a;
		else if (a != *old.r && a != *old.s)
			goto eperm;
		*new.e = a;
		break;
	case CRED_SETRE:
		if (a != CRED_ID_NONE) {
			if (!priv && a != *old.r && a != *old.e)
				goto eperm;
			*new.r = a;
		}
		if (b != CRED_ID_NONE) {
			if (!priv && !cred_ids_has(&old, b))
				goto eperm;
			*new.e = b;
		}
		if (a != CRED_ID_NONE || (b != CRED_ID_NONE && b != *old.r))
			*new.s = *new.e;
		break;
	case CRED_SETRES:
		if (!priv && ((a != CRED_ID_NONE && !cred_ids_has(&old, a)) ||
			      (b != CRED_ID_NONE && !cred_ids_has(&old, b)) ||
			      (c != CRED_ID_NONE && !cred_ids_has(&old, c))))
			goto eperm;
		if (a != CRED_ID_NONE)
			*new.r = a;
		if (b != CRED_ID_NONE)
			*new.e = b;
		if (c != CRED_ID_NONE)
			*new.s = c;
		break;
	}
	*new.fs = *new.e;
	cred_install(n);
	return 0;

einval:
	kfree(n);
	return -EINVAL;
eperm:
	kfree(n);
	return -EPERM;
}

SYSCALL_DECLARE(setuid)
{
	return cred_set_ids(CRED_SET, false, regs->rdi, 0, 0);
}

SYSCALL_DECLARE(setgid)
{
	return cred_set_ids(CRED_SET, true, regs->rdi, 0, 0);
}

SYSCALL_DECLARE(setreuid)
{
	return cred_set_ids(CRED_SETRE, false, regs->rdi, regs->rsi, 0);
}

SYSCALL_DECLARE(setregid)
{
	return cred_set_ids(CRED_SETRE, true, regs->rdi, regs->rsi, 0);
}

SYSCALL_DECLARE(setresuid)
{
	return cred_set_ids(CRED_SETRES, false, regs->rdi, regs->rsi,
			    regs->rdx);
}

SYSCALL_DECLARE(setresgid)
{
	return cred_set_ids(CRED_SETRES, true, regs->rdi, regs->rsi,
			    regs->rdx);
}

/*
 * setfsuid/setfsgid: the old fs id, always; the new one is taken if it
 * is one of the real, effective, saved or fs ids, or by the privileged.
 */
static long cred_set_fs(bool gid, u32 id)
{
	const struct cred *cur = current_cred();
	struct cred_ids old, new;
	struct cred *n;
	u32 prev;

	cred_ids_of((struct cred *)cur, gid, &old);
	prev = *old.fs;
	if (id == CRED_ID_NONE || id == prev ||
	    !(cred_may_setid(cur) || cred_ids_has(&old, id)))
		return prev;
	n = cred_dup(cur, cur->nr_groups);
	if (!n)
		return prev;
	cred_ids_of(n, gid, &new);
	*new.fs = id;
	cred_install(n);
	return prev;
}

SYSCALL_DECLARE(setfsuid)
{
	return cred_set_fs(false, regs->rdi);
}

SYSCALL_DECLARE(setfsgid)
{
	return cred_set_fs(true, regs->rdi);
}

/* Sort @n ids ascending in place (heapsort: no recursion, no memory). */
static void cred_sort_groups(u32 *g, u32 n)
{
	u32 start = n / 2, end = n, root, child, t;

	while (end > 1) {
		if (start) {
			start--;
		} else {
			end--;
			t = g[0];
			g[0] = g[end];
			g[end] = t;
		}
		for (root = start; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end && g[child] < g[child + 1])
				child++;
			if (g[root] >= g[child])
				break;
			t = g[root];
			g[root] = g[child];
			g[child] = t;
		}
	}
}

SYSCALL_DECLARE(setgroups)
{
	const struct cred *cur = current_cred();
	u32 size = regs->rdi, i;
	struct cred *n;

	if (!cred_may_setid(cur))
		return -EPERM;
	if (size > NGROUPS_MAX)
		return -EINVAL;
	n = cred_dup(cur, size);
	if (!n)
		return -ENOMEM;
	if (copy_from_user(n->groups, (const void __user *)regs->rsi,
			   size * sizeof(u32))) {
		kfree(n);
		return -EFAULT;
	}
	for (i = 0; i < size; i++) {
		if (n->groups[i] == CRED_ID_NONE) {
			kfree(n);
			return -EINVAL;
		}
	}
	cred_sort_groups(n->groups, size);
	cred_install(n);
	return 0;
}
