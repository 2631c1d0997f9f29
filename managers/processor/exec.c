/* SPDX-License-Identifier: GPL-2.0 */
/*
 * execve(2) and execveat(2): a running process replaces its program.
 *
 * In Linux's order (fs/exec.c since 6.8: the file is opened before the
 * strings are copied):
 *
 *   1. the path: copied and resolved like open's (cwd or dirfd, pseudo
 *      symlinks such as /proc/self/exe followed); the storage node opens
 *      it (following symlinks): -ENOENT, -ENOTDIR, -ELOOP, and -EACCES
 *      for anything but a regular file with an execute bit;
 *   2. argv and envp: counted, then copied with Linux's limits (each
 *      string at most MAX_ARG_STRLEN, all of them with their pointers
 *      at most a quarter of RLIMIT_STACK, at least ARG_MAX, at most
 *      6 MiB): -EFAULT, -E2BIG.  A NULL argv gets one empty string;
 *   3. "#!" scripts: the first 256 bytes name an interpreter and at
 *      most one argument (binfmt_script's rules, exec_parse_shebang());
 *      argv becomes [interpreter, argument, script, argv[1]...] and the
 *      interpreter is opened as in 1; after five such rewrites -ELOOP;
 *   4. the credentials the program runs with are made (cred_for_exec():
 *      the set-user-ID and set-group-ID bits of the file finally opened,
 *      a script's interpreter rather than the script, never PT_INTERP's);
 *   5. the new image is built on the memory node of the current one in
 *      a fresh address space (pmm_remote_create(), pmm_remote_exec():
 *      the ELF loader says -ENOEXEC for a file that is not a program;
 *      the auxv's AT_*ID and AT_SECURE come from those credentials).
 *      Up to here nothing of the process has changed: an error returns
 *      to the old program.
 *
 * Then the point of no return (exec_commit()): every other thread is
 * killed and freed, the new credentials installed, the address space
 * swapped (process_exec_mm_swap()), close-on-exec descriptors closed,
 * handlers reset, the thread's TLS, FPU, tid address and robust list
 * cleared, and the syscall frame rewritten so the return to user mode
 * (IRET: RCX is not RIP) enters the new program with every other
 * register zero.
 *
 * Without a storage node (local mode running an archive of programs)
 * step 1 only resolves the name and the memory node finds the program
 * in its image registry: no permission check and no scripts there.
 * A program in /tmp or /dev/shm (tmpfs) has its bytes on the memory
 * node already: P2M_EXECVE names its object (P2M_EXECVE_TMPFS), and its
 * interpreter's when PT_INTERP is a tmpfs path too (exec_tmpfs_interp()),
 * since the memory node knows none of our names.
 *
 * Locking: none of its own.  p->lock for the thread list and signal
 * state; everything that sleeps runs without it.
 */
#include <fit/fit_wire.h>
#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/elf.h>
#include <uapi/fcntl.h>
#include <uapi/resource.h>
#include <uapi/stat.h>
#include <asm/desc.h>
#include <asm/fpu.h>
#include <asm/irqflags.h>

#include "internal.h"
#include "cred.h"
#include "fs.h"

#define EXEC_BUF_SIZE		256		/* BINPRM_BUF_SIZE */
#define EXEC_MAX_ARG_STRLEN	(32 * PAGE_SIZE)	/* one string, NUL */
#define EXEC_ARG_MAX		(32 * PAGE_SIZE)	/* the smallest limit */
#define EXEC_STK_LIM		(8UL << 20)	/* _STK_LIM */
#define EXEC_MAX_STRINGS	0x7fffffffU	/* MAX_ARG_STRINGS */
#define EXEC_MAX_REWRITES	5		/* exec_binprm()'s depth */
/* Opens again of a program replaced while the memory node loaded it. */
#define EXEC_MAX_REOPENS	3

static unsigned long exec_reopens;	/* the first 5 are logged */
#define EXEC_ELF_HEAD		4096	/* bytes searched for PT_INTERP */

/* A list of NUL-terminated strings (argv or envp) being built. */
struct exec_strings {
	char *buf;
	size_t len;		/* bytes used */
	size_t cap;		/* bytes allocated */
	u32 n;			/* strings */
};

/* What an execve is building before its point of no return. */
struct exec_req {
	struct exec_strings argv, envp;
	size_t room;		/* bytes the strings may still take */
	char *filename;		/* what the program named (bprm->filename) */
	char *interp;		/* the name a script puts in argv: the */
				/* filename, then each interpreter's */
	char comm[TASK_COMM_LEN];	/* the new name of the process */
	char *path;		/* resolved path of the file to load */
	bool fd_cloexec;	/* named through a close-on-exec dirfd */
	struct fs_lookup *lk;
	char *head;		/* EXEC_BUF_SIZE + 1 bytes of the file */
	u32 tmpfs_flags;	/* P2M_EXECVE_*: the file is on tmpfs */
	struct p2m_execve_tmpfs tmpfs;	/* its objects then */
	struct fsperm_inode file;	/* mode, owner, group of the file */
	u64 file_id;		/* its storage ino | generation << 32, or 0 */
				/* last opened: its set-id bits count */
	const struct cred *cred;	/* what the program runs with */
};

static char *exec_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *copy = kmalloc(len, GFP_KERNEL);

	if (copy)
		memcpy(copy, s, len);
	return copy;
}

/* The process's RLIMIT_STACK soft value, for the size of the strings. */
static u64 exec_stack_rlimit(struct process *p)
{
	u64 cur;

	spin_lock(&p->lock);
	cur = p->rlim[RLIMIT_STACK].rlim_cur;
	spin_unlock(&p->lock);
	return cur;
}

/*
 * Room for @len more bytes in @s (the limit checked by the caller).
 * 0 or -ENOMEM.
 */
static int exec_strings_grow(struct exec_strings *s, size_t len)
{
	size_t cap = s->cap ? s->cap : 1024;
	char *bigger;

	if (s->len + len <= s->cap)
		return 0;
	while (cap < s->len + len)
		cap *= 2;
	bigger = krealloc(s->buf, cap, GFP_KERNEL);
	if (!bigger)
		return -ENOMEM;
	s->buf = bigger;
	s->cap = cap;
	return 0;
}

/* Charge @len bytes (NUL included) to the limits.  0 or -E2BIG. */
static int exec_charge(struct exec_req *x, size_t len)
{
	if (len > EXEC_MAX_ARG_STRLEN || len > x->room)
		return -E2BIG;
	x->room -= len;
	return 0;
}

/* Append the kernel string @str to @s.  0, -E2BIG or -ENOMEM. */
static int exec_strings_add(struct exec_req *x, struct exec_strings *s,
			    const char *str)
{
	size_t len = strlen(str) + 1;
	int ret = exec_charge(x, len);

	if (!ret)
		ret = exec_strings_grow(s, len);
	if (ret)
		return ret;
	memcpy(s->buf + s->len, str, len);
	s->len += len;
	s->n++;
	return 0;
}

/* The number of pointers before NULL in the user array @uv. */
static long exec_count(const u64 __user *uv)
{
	long n = 0;
	u64 ptr;

	if (!uv)
		return 0;
	for (;;) {
		if (get_user_u64(&ptr, uv + n))
			return -EFAULT;
		if (!ptr)
			return n;
		if (++n >= EXEC_MAX_STRINGS)
			return -E2BIG;
		if (READ_ONCE(current_uthread()->kill_pending))
			return -EINTR;
	}
}

/* Copy the @n strings of the user array @uv into @s. */
static int exec_copy_strings(struct exec_req *x, struct exec_strings *s,
			     const u64 __user *uv, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		size_t want;
		long len;
		u64 ptr;
		int ret;

		if (get_user_u64(&ptr, uv + i))
			return -EFAULT;
		/* The most this string may take, its NUL included. */
		want = min_t(size_t, x->room, EXEC_MAX_ARG_STRLEN);
		if (!want)
			return -E2BIG;
		ret = exec_strings_grow(s, min_t(size_t, want, 4096));
		if (ret)
			return ret;
		for (;;) {
			len = strncpy_from_user(s->buf + s->len,
						(const char __user *)ptr,
						s->cap - s->len);
			if (len < 0)
				return -EFAULT;
			if ((size_t)len < s->cap - s->len)
				break;
			/* No NUL yet: a bigger buffer, or over a limit. */
			if (s->cap - s->len >= want)
				return -E2BIG;
			ret = exec_strings_grow(s, min_t(size_t, want,
							 2 * (s->cap - s->len)));
			if (ret)
				return ret;
		}
		ret = exec_charge(x, len + 1);
		if (ret)
			return ret;
		s->len += len + 1;
		s->n++;
	}
	return 0;
}

/*
 * argv and envp, in Linux's order: both counted, the limit for their
 * size worked out, then the filename, envp and argv charged to it.
 */
static int exec_copy_args(struct exec_req *x, const u64 __user *uargv,
			  const u64 __user *uenvp)
{
	struct process *p = current_process();
	long argc, envc;
	u64 limit, ptrs;
	int ret;

	argc = exec_count(uargv);
	if (argc < 0)
		return argc;
	envc = exec_count(uenvp);
	if (envc < 0)
		return envc;
	if (!argc)
		pr_warn_once("exec: pid %d %s launched '%s' with NULL argv: empty string added\n",
			     p->pid, p->comm, x->filename);
	limit = min_t(u64, EXEC_STK_LIM / 4 * 3, exec_stack_rlimit(p) / 4);
	limit = max_t(u64, limit, EXEC_ARG_MAX);
	ptrs = (max_t(u64, argc, 1) + envc) * sizeof(void *);
	if (limit <= ptrs)
		return -E2BIG;
	x->room = limit - ptrs;
	ret = exec_charge(x, strlen(x->filename) + 1);
	if (!ret)
		ret = exec_copy_strings(x, &x->envp, uenvp, envc);
	if (!ret)
		ret = exec_copy_strings(x, &x->argv, uargv, argc);
	if (!ret && !argc)
		ret = exec_strings_add(x, &x->argv, "");
	return ret;
}

/*
 * The tmpfs file at @path as an executable: *@attr, *@object and
 * *@size, or -ENOENT, -EACCES (not a regular file, no execute bit),
 * -EIO.  @buf (@len bytes, may be 0) gets its first bytes: how many, as
 * tmpfs_read_head().
 */
static int exec_tmpfs_file(const char *path, void *buf, u32 len,
			   struct fsperm_inode *attr, u64 *object, u64 *size)
{
	int ret;

	ret = tmpfs_read_head(path, buf, len, attr, object, size);
	if (ret < 0)
		return ret;
	if ((attr->mode & S_IFMT) != S_IFREG || !(attr->mode & 0111))
		return -EACCES;
	return ret;
}

/*
 * A tmpfs program whose PT_INTERP names a tmpfs file too: the memory
 * node cannot resolve our names, so the request names that object.
 * Only a PT_INTERP inside the first EXEC_ELF_HEAD bytes is looked at;
 * everything else about the ELF is the memory node's loader's to judge
 * (-ENOEXEC there).  0, or the interpreter's -ENOENT, -EACCES, -EIO.
 */
static int exec_tmpfs_interp(struct exec_req *x)
{
	struct fsperm_inode attr;
	const Elf64_Ehdr *eh;
	Elf64_Phdr ph;
	u64 object, size;
	char *buf;
	int n, ret = 0;

	buf = kzalloc(EXEC_ELF_HEAD, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = exec_tmpfs_file(x->path, buf, EXEC_ELF_HEAD, &attr, &object,
			    &size);
	eh = (const Elf64_Ehdr *)buf;
	if (n < (int)sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(ph) || eh->e_phoff > (u64)n ||
	    eh->e_phnum > ((u64)n - eh->e_phoff) / sizeof(ph))
		goto out;
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		char *interp;

		memcpy(&ph, buf + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz < 2 || ph.p_offset > (u64)n ||
		    ph.p_filesz > (u64)n - ph.p_offset)
			break;
		interp = buf + ph.p_offset;
		if (interp[ph.p_filesz - 1] || !tmpfs_owns(interp))
			break;		/* the loader's business */
		/* Its set-id bits do not count: only the program's. */
		ret = exec_tmpfs_file(interp, NULL, 0, &attr, &object, &size);
		if (ret < 0)
			break;
		ret = 0;
		x->tmpfs_flags |= P2M_EXECVE_TMPFS_INTERP;
		fit_put_le64(&x->tmpfs.interp_object, object);
		fit_put_le64(&x->tmpfs.interp_size, size);
		break;
	}
out:
	kfree(buf);
	return ret;
}

/*
 * A program in tmpfs: a "#!" script's interpreter is opened anew (and
 * reads the script by its path); an ELF program's bytes are an object
 * on the memory node already, named in the request.
 */
static int exec_open_tmpfs(struct exec_req *x)
{
	u64 object, size;
	int ret;

	ret = exec_tmpfs_file(x->path, x->head, EXEC_BUF_SIZE, &x->file,
			      &object, &size);
	if (ret < 0)
		return ret;
	if (x->head[0] == '#' && x->head[1] == '!')
		return 0;
	x->tmpfs_flags = P2M_EXECVE_TMPFS;
	fit_put_le64(&x->tmpfs.object, object);
	fit_put_le64(&x->tmpfs.size, size);
	return exec_tmpfs_interp(x);
}

/*
 * Open the resolved x->path as a program: check it is a regular file
 * with an execute bit, note its mode, owner and group in x->file and
 * read its first bytes into x->head (zero padded).  @nofollow: a final
 * symlink is -ELOOP.  Without a storage node nothing is opened (the
 * memory node's image registry decides; no set-id bits there).
 */
static int exec_open(struct exec_req *x, bool nofollow)
{
	struct p2s_open_reply reply;
	u32 mode;
	int ret;

	memset(x->head, 0, EXEC_BUF_SIZE + 1);
	memset(&x->tmpfs, 0, sizeof(x->tmpfs));
	memset(&x->file, 0, sizeof(x->file));
	x->file_id = 0;
	x->tmpfs_flags = 0;
	if (tmpfs_owns(x->path))
		return exec_open_tmpfs(x);
	if (processor_storage_node() < 0)
		return 0;
	ret = fs_storage_open(x->path, (nofollow ? P2S_OPEN_NOFOLLOW : 0) |
			      P2S_OPEN_EXEC, &reply);
	if (ret)
		return ret;
	mode = fit_get_le32(&reply.st.mode);
	if (nofollow && (mode & S_IFMT) == S_IFLNK)
		return -ELOOP;
	if ((mode & S_IFMT) != S_IFREG || !(mode & 0111))
		return -EACCES;
	x->file.mode = mode;
	x->file.uid = fit_get_le32(&reply.st.uid);
	x->file.gid = fit_get_le32(&reply.st.gid);
	/* The memory node must load this file, not one renamed over it. */
	x->file_id = fit_get_le32(&reply.fh.ino) |
		     (u64)fit_get_le32(&reply.fh.generation) << 32;
	ret = fs_storage_read_kernel(&reply.fh, x->head, EXEC_BUF_SIZE);
	return ret < 0 ? ret : 0;
}

static bool exec_spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static char *exec_next_non_spacetab(char *p, const char *end)
{
	for (; p < end; p++)
		if (!exec_spacetab(*p))
			return p;
	return NULL;
}

static char *exec_next_terminator(char *p, const char *end)
{
	for (; p < end; p++)
		if (exec_spacetab(*p) || !*p)
			return p;
	return NULL;
}

/*
 * The "#!" line in @buf (EXEC_BUF_SIZE bytes and a NUL) as Linux's
 * binfmt_script reads it: the interpreter name in *@name and the rest
 * of the line, spaces inside kept, as one argument in *@arg (NULL if
 * none); both point into @buf, now cut with NULs.  0, or -ENOEXEC: not
 * a script, no interpreter name, or a name the buffer cut short.
 */
static int exec_parse_shebang(char *buf, char **name, char **arg)
{
	char *end = buf + EXEC_BUF_SIZE - 1, *i_end, *i_sep;

	if (buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	i_end = memchr(buf, '\n', EXEC_BUF_SIZE);
	if (!i_end) {
		i_end = exec_next_non_spacetab(buf + 2, end);
		if (!i_end || !exec_next_terminator(i_end, end))
			return -ENOEXEC;
		i_end = end;
	}
	while (i_end > buf + 2 && exec_spacetab(i_end[-1]))
		i_end--;
	*name = exec_next_non_spacetab(buf + 2, i_end);
	if (!*name || *name == i_end)
		return -ENOEXEC;
	*arg = NULL;
	i_sep = exec_next_terminator(*name, i_end);
	if (i_sep && *i_sep)
		*arg = exec_next_non_spacetab(i_sep, i_end);
	*i_end = '\0';
	if (i_sep)
		*i_sep = '\0';
	return 0;
}

/*
 * x->head is a script: rewrite argv to [interpreter, (argument),
 * x->filename, argv[1]...], make the interpreter x->path and
 * x->filename.  0 or -errno (-ENOEXEC: not a script).
 */
static int exec_script(struct exec_req *x, const char *cwd)
{
	struct exec_strings old = x->argv;
	char *name, *arg, *first_end;
	size_t first;
	int ret;

	ret = exec_parse_shebang(x->head, &name, &arg);
	if (ret)
		return ret;
	/* The file goes through /dev/fd/N, which exec closes. */
	if (x->fd_cloexec)
		return -ENOENT;
	/* Drop argv[0]: its bytes go back to the limit. */
	first_end = memchr(old.buf, '\0', old.len);
	first = first_end - old.buf + 1;
	x->room += first;
	memset(&x->argv, 0, sizeof(x->argv));
	ret = exec_strings_add(x, &x->argv, name);
	if (!ret && arg)
		ret = exec_strings_add(x, &x->argv, arg);
	if (!ret)
		ret = exec_strings_add(x, &x->argv, x->interp);
	if (!ret && old.n > 1) {
		ret = exec_charge(x, old.len - first);
		if (!ret)
			ret = exec_strings_grow(&x->argv, old.len - first);
		if (!ret) {
			memcpy(x->argv.buf + x->argv.len, old.buf + first,
			       old.len - first);
			x->argv.len += old.len - first;
			x->argv.n += old.n - 1;
		}
	}
	kfree(old.buf);
	if (ret)
		return ret;
	ret = fs_path_resolve(cwd, name, x->path, FS_PATH_MAX);
	if (ret < 0)
		return ret;
	kfree(x->interp);
	x->interp = exec_strdup(name);
	return x->interp ? 0 : -ENOMEM;
}

/*
 * The name execveat was given: copied and resolved into x->path, with
 * x->filename the name as Linux's bprm->filename has it ("/dev/fd/N"
 * and "/dev/fd/N/NAME" for a dirfd).  Pseudo files escape to the
 * storage path they link to (/proc/self/exe); the others are -EACCES.
 */
static int exec_lookup(struct exec_req *x, int dirfd,
		       const char __user *upath, int flags)
{
	struct fs_lookup *lk = x->lk;
	struct uapi_stat st;
	const char *base;
	struct ufile *f;
	int ret;

	ret = fs_lookup_user(lk, dirfd, upath);
	if (ret)
		return ret;
	if (!lk->len) {
		if (!(flags & AT_EMPTY_PATH))
			return -ENOENT;
		f = fd_get(current_files(), dirfd);
		if (IS_ERR(f))
			return PTR_ERR(f);
		/* A pipe, socket or the like has no program to load. */
		ret = f->path ? 0 : -EACCES;
		if (!ret) {
			strscpy(lk->path, f->path, sizeof(lk->path));
			lk->len = strlen(lk->path);
		}
		ufile_put(f);
		if (ret)
			return ret;
	}
	if (lk->user[0] == '/' || dirfd == AT_FDCWD) {
		x->filename = exec_strdup(lk->user);
	} else {
		x->filename = kmalloc(FS_PATH_MAX + 32, GFP_KERNEL);
		if (x->filename && lk->user[0])
			snprintf(x->filename, FS_PATH_MAX + 32,
				 "/dev/fd/%d/%s", dirfd, lk->user);
		else if (x->filename)
			snprintf(x->filename, FS_PATH_MAX + 32, "/dev/fd/%d",
				 dirfd);
		x->fd_cloexec = fd_get_cloexec(current_files(), dirfd) > 0;
	}
	x->interp = x->filename ? exec_strdup(x->filename) : NULL;
	if (!x->interp)
		return -ENOMEM;
	if (!tmpfs_owns(lk->path) && pseudofs_owns(lk->path)) {
		ret = pseudofs_stat(lk, flags & AT_SYMLINK_NOFOLLOW, &st);
		if (!ret && (st.st_mode & S_IFMT) == S_IFLNK)
			return -ELOOP;
		if (ret != PSEUDO_ESCAPED)
			return ret ? ret : -EACCES;
	}
	strscpy(x->path, lk->path, FS_PATH_MAX);
	/* Linux names a program reached through a descriptor by its file. */
	base = strrchr(lk->user[0] == '/' || dirfd == AT_FDCWD ?
		       x->filename : x->path, '/');
	strscpy(x->comm, base ? base + 1 : x->filename, sizeof(x->comm));
	return 0;
}

/*
 * Kill every other thread of @p (as exit_group does, without ending the
 * process) and wait until @self is the only one live; then free the
 * exited ones, which also waits for their last switch: no CPU has the
 * old page table loaded after that.  0, or -EINTR when @self is being
 * killed itself (exit_group, a fatal signal, another thread's exec that
 * came first).
 */
static int exec_kill_other_threads(struct process *p, struct uthread *self)
{
	bool alone;

	for (;;) {
		struct uthread *ut;

		spin_lock(&p->lock);
		if (READ_ONCE(self->kill_pending)) {
			spin_unlock(&p->lock);
			return -EINTR;
		}
		/* Again each time: a clone may have raced with us. */
		list_for_each_entry(ut, &p->threads, node) {
			if (ut == self || ut->exited || ut->kill_pending)
				continue;
			WRITE_ONCE(ut->kill_pending, true);
			wake_up_process(ut->task);
		}
		alone = p->nr_live == 1;
		spin_unlock(&p->lock);
		if (alone)
			break;
		/* They exit within a tick; nobody signals the last one. */
		msleep(1);
	}
	uthread_reap_exited(p, self);
	return 0;
}

/*
 * Make @mm the address space of @p, whose only thread is the caller
 * @ut: its page table loaded here and at every switch to @ut, then the
 * old one put: destroyed (its pcache lines dropped, P2M_EXIT to its
 * memory node) unless a vfork parent shares it.
 */
static void process_exec_mm_swap(struct process *p, struct uthread *ut,
				 struct pmm *mm)
{
	struct pmm *old = p->mm;
	unsigned long flags;

	spin_lock(&p->lock);
	WRITE_ONCE(p->mm, mm);
	spin_unlock(&p->lock);
	local_irq_save(flags);
	ut->uctx.pgd_pa = mm->pgd_pa;
	user_pgd_switch(mm->pgd_pa);
	local_irq_restore(flags);
	pmm_put(old);
}

/*
 * The point of no return: @p becomes the program of @mm (built, entry
 * @entry, stack @sp, loaded from x->path) on the calling thread alone,
 * with the credentials x->cred (taken), and @regs the registers it
 * starts with.  0, or -EINTR if the thread is being killed (then @mm
 * and x->cred are the caller's to drop).
 */
static int exec_commit(struct exec_req *x, struct pmm *mm,
		       unsigned long entry, unsigned long sp,
		       struct pt_regs *regs)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	u64 started;
	int ret;

	ret = exec_kill_other_threads(p, ut);
	if (ret)
		return ret;
	cred_exec_install(x->cred);
	x->cred = NULL;
	process_exec_mm_swap(p, ut, mm);
	fd_table_exec(p->files);
	signal_exec_reset(ut);
	ut->clear_child_tid = NULL;
	ut->robust_list = 0;
	user_set_fs_base(0);
	user_set_gs_base(0);
	fpu_reset_current();

	spin_lock(&p->lock);
	strscpy(p->exe, x->path, sizeof(p->exe));
	strscpy(p->comm, x->comm, sizeof(p->comm));
	memcpy(current->comm, p->comm, sizeof(current->comm));
	spin_unlock(&p->lock);
	pmm_lock(mm);
	p->start_brk = mm->ops->brk(mm, 0);
	p->brk = p->start_brk;
	pmm_unlock(mm);
	/* /proc/<pid>/cmdline & co. read the new stack; the start time stays. */
	started = p->start.start_ns;
	pseudofs_process_start(p, sp);
	p->start.start_ns = started;

	memset(regs, 0, sizeof(*regs));
	regs->rip = entry;
	regs->rsp = sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->rflags = USER_RFLAGS_INIT;
	regs->orig_rax = -1UL;
	/* A vfork parent runs again: we are off its memory. */
	process_vfork_release(p);
	return 0;
}

/* The strings blob P2M_EXECVE takes: argv then envp. */
static char *exec_blob(struct exec_req *x, u32 *len)
{
	char *blob;

	*len = x->argv.len + x->envp.len;
	blob = kmalloc(*len ? *len : 1, GFP_KERNEL);
	if (!blob)
		return NULL;
	if (x->argv.len)
		memcpy(blob, x->argv.buf, x->argv.len);
	if (x->envp.len)
		memcpy(blob + x->argv.len, x->envp.buf, x->envp.len);
	return blob;
}

static long do_execveat(int dirfd, const char __user *upath,
			const u64 __user *uargv, const u64 __user *uenvp,
			int flags, struct pt_regs *regs)
{
	struct process *p = current_process();
	struct exec_req x = { 0 };
	unsigned long entry, sp;
	struct pmm *mm = NULL;
	char *blob = NULL, *cwd = NULL;
	u32 blob_len;
	long ret;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	ret = -ENOMEM;
	x.lk = kmalloc(sizeof(*x.lk), GFP_KERNEL);
	x.path = kmalloc(FS_PATH_MAX, GFP_KERNEL);
	x.head = kmalloc(EXEC_BUF_SIZE + 1, GFP_KERNEL);
	cwd = kmalloc(FS_PATH_MAX, GFP_KERNEL);
	if (!x.lk || !x.path || !x.head || !cwd)
		goto out;
	ret = exec_lookup(&x, dirfd, upath, flags);
	if (!ret)
		ret = exec_open(&x, flags & AT_SYMLINK_NOFOLLOW);
	if (!ret)
		ret = exec_copy_args(&x, uargv, uenvp);
	if (ret)
		goto out;
	spin_lock(&p->files->lock);
	memcpy(cwd, p->files->cwd, FS_PATH_MAX);
	spin_unlock(&p->files->lock);
	for (int rewrites = 0;; rewrites++) {
		ret = exec_script(&x, cwd);
		if (ret == -ENOEXEC)
			break;		/* not a script: the loader decides */
		if (!ret && rewrites == EXEC_MAX_REWRITES)
			ret = -ELOOP;
		if (!ret)
			ret = exec_open(&x, false);
		if (ret)
			goto out;
	}
	for (int reopens = 0;; reopens++) {
		ret = -ENOMEM;
		x.cred = cred_for_exec(&x.file);
		blob = x.cred ? exec_blob(&x, &blob_len) : NULL;
		mm = blob ? pmm_remote_create(pmm_remote_node(p->mm)) : NULL;
		if (!mm)
			goto out;
		ret = pmm_remote_exec_tmpfs(mm, x.cred, x.path, x.tmpfs_flags,
					    &x.tmpfs, x.file_id, blob,
					    blob_len, x.argv.n, x.envp.n,
					    &entry, &sp);
		/*
		 * -EAGAIN: the memory node found another file at x.path than
		 * the one opened here (renamed over it meanwhile, as a
		 * package upgrade or a build does).  Linux would run the file
		 * as it was at the open; we cannot load that one any more, so
		 * open the path again (its new file, its own set-id bits) and
		 * run that, as an execve a moment later would.
		 */
		if (ret != -EAGAIN || reopens == EXEC_MAX_REOPENS)
			break;
		if (__atomic_add_fetch(&exec_reopens, 1,
				       __ATOMIC_RELAXED) <= 5)
			pr_info("exec: %s was replaced while it was loaded: opening it again\n",
				x.path);
		pmm_destroy(mm);
		mm = NULL;
		cred_put(x.cred);
		x.cred = NULL;
		kfree(blob);
		blob = NULL;
		ret = exec_open(&x, false);
		if (ret)
			goto out;
	}
	if (!ret)
		ret = exec_commit(&x, mm, entry, sp, regs);
	if (!ret)
		mm = NULL;
out:
	if (mm)
		pmm_destroy(mm);
	cred_put(x.cred);
	kfree(blob);
	kfree(cwd);
	kfree(x.head);
	kfree(x.path);
	kfree(x.lk);
	kfree(x.interp);
	kfree(x.filename);
	kfree(x.argv.buf);
	kfree(x.envp.buf);
	return ret;
}

SYSCALL_DECLARE(execve)
{
	return do_execveat(AT_FDCWD, (const char __user *)regs->rdi,
			   (const u64 __user *)regs->rsi,
			   (const u64 __user *)regs->rdx, 0,
			   (struct pt_regs *)regs);
}

SYSCALL_DECLARE(execveat)
{
	return do_execveat(regs->rdi, (const char __user *)regs->rsi,
			   (const u64 __user *)regs->rdx,
			   (const u64 __user *)regs->r10, regs->r8,
			   (struct pt_regs *)regs);
}
