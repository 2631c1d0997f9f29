/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pseudo files of the processor: /dev, /proc and /sys, answered here
 * before a name reaches the storage node (DESIGN.md: /proc, /sys and
 * /dev are local).  glibc, CPython and OpenBLAS parse several of them,
 * so the text is Linux's, byte for byte where we have the values.
 * This file owns the tree, lookup and the open files; the generators of
 * the text are pseudo_proc.c's, the pure layouts pseudo_fmt.c's.
 *
 * The tree is a static table of entries (struct pseudo_ent) plus three
 * kinds of dynamic names: /proc/<pid> (every process of the node: a
 * walk through another's holds it, struct pseudo_ref.proc), /proc/<pid>/fd/<n> (its open
 * descriptors) and /sys/devices/system/cpu/cpu<n> (online CPUs).  Every
 * other name under /dev, /proc and /sys is -ENOENT without a round trip.
 * Symlinks inside the tree (/proc/self, /dev/stdin, ...) are followed
 * here; one that leaves it (/proc/self/exe, /proc/self/fd/3 naming a
 * storage file) hands the rewritten path back to sys_file.c, which then
 * asks the storage node.
 *
 * An open pseudo file is a struct ufile with pseudo_ops (pseudo_dir_ops
 * for a directory) pointing to a struct pseudo_file.  Text files are
 * generated once, at open, into its buffer, so a read loop sees one
 * consistent snapshot and reads at any offset are plain copies;
 * directories likewise hold their linux_dirent64 records (/proc/<pid>/fd
 * from its first getdents, so that, as on Linux, it lists its own
 * descriptor).  /proc/<pid>/maps is the memory node's (P2M_MAPS
 * through mm_remote.c); local mode has no maps (-ENOENT).  Character devices (/dev/null, zero, full, random,
 * urandom) generate nothing; they are the only pseudo files that take
 * writes (/proc files open for writing, as for root on Linux, but a
 * write is -EIO).
 *
 * Locking: none of its own.  An open file's buffer never changes once
 * made (at open, or fd/'s at its first getdents under ufile->pos_lock);
 * the position is the ufile's, under ufile->pos_lock (sys_io.c).
 * The descriptor table is read under its spinlock, the process's start
 * data is written once before its first user instruction.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/random.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "fs.h"
#include "pseudo_internal.h"
#include "pseudofs.h"

/* Symlinks followed in one lookup. */
#define PSEUDO_MAX_HOPS		8

/* st_dev of each tree (Linux numbers its anonymous devices similarly). */
#define PSEUDO_DEV_DEV		0x05
#define PSEUDO_DEV_PROC		0x16
#define PSEUDO_DEV_SYS		0x17

enum pseudo_kind { PK_DIR, PK_REG, PK_CHR, PK_LNK };
enum pseudo_dev { PD_NONE, PD_NULL, PD_ZERO, PD_FULL, PD_RANDOM, PD_TTY };


/*
 * One name of the tree.  @show makes a file's text or a symlink's
 * target for process @p; dynamic entries have an empty @name.
 */
struct pseudo_ent {
	const char *name;
	s8 parent;		/* index, or -1 for the three roots */
	u8 kind;		/* enum pseudo_kind */
	u8 dev;			/* enum pseudo_dev */
	u16 perm;
	u16 rdev;		/* major << 8 | minor */
	int (*show)(struct pseudo_buf *b, struct process *p, int arg);
};

/* An entry found by a lookup, with its dynamic argument. */
struct pseudo_ref {
	int ent;
	int arg;		/* E_FD_N: the descriptor; E_CPU_N: the CPU */
	struct ufile *file;	/* E_FD_N followed to a file without a */
				/* name (a standard stream, a pipe): it, */
				/* with a reference; else NULL */
	struct process *proc;	/* under /proc/<pid> of another process: */
				/* it, held; NULL: the caller */
};

/* The process a reference is about: @self unless another one's. */
static struct process *ref_proc(const struct pseudo_ref *ref,
				struct process *self)
{
	return ref->proc ? ref->proc : self;
}

static void ref_put(struct pseudo_ref *ref)
{
	if (ref->proc)
		process_put(ref->proc);
	ref->proc = NULL;
}

/* What an open pseudo file holds. */
struct pseudo_file {
	struct pseudo_ref ref;
	char *data;		/* text, target or dirents; never changes */
	size_t len;
};



#define DIR(n, par, perm_)	{ .name = n, .parent = par, .kind = PK_DIR, \
				  .perm = perm_ }
#define REG(n, par, perm_, fn)	{ .name = n, .parent = par, .kind = PK_REG, \
				  .perm = perm_, .show = fn }
#define CHR(n, d, maj, min)	{ .name = n, .parent = E_DEV, .kind = PK_CHR, \
				  .perm = 0666, .dev = d, \
				  .rdev = (maj) << 8 | (min) }
#define LNK(n, par, fn)		{ .name = n, .parent = par, .kind = PK_LNK, \
				  .perm = 0777, .show = fn }

static const struct pseudo_ent pseudo_ents[NR_PSEUDO_ENTS] = {
	[E_DEV] = DIR("dev", -1, 0755),
	[E_PROC] = DIR("proc", -1, 0555),
	[E_SYS] = DIR("sys", -1, 0555),
	[E_NULL] = CHR("null", PD_NULL, 1, 3),
	[E_ZERO] = CHR("zero", PD_ZERO, 1, 5),
	[E_FULL] = CHR("full", PD_FULL, 1, 7),
	[E_RANDOM] = CHR("random", PD_RANDOM, 1, 8),
	[E_URANDOM] = CHR("urandom", PD_RANDOM, 1, 9),
	[E_TTY] = CHR("tty", PD_TTY, 5, 0),
	[E_STDIN] = LNK("stdin", E_DEV, pseudo_show_std),
	[E_STDOUT] = LNK("stdout", E_DEV, pseudo_show_std),
	[E_STDERR] = LNK("stderr", E_DEV, pseudo_show_std),
	[E_SELF] = LNK("self", E_PROC, pseudo_show_self),
	[E_CPUINFO] = REG("cpuinfo", E_PROC, 0444, pseudo_show_cpuinfo),
	[E_MEMINFO] = REG("meminfo", E_PROC, 0444, pseudo_show_meminfo),
	[E_STAT] = REG("stat", E_PROC, 0444, pseudo_show_stat),
	[E_UPTIME] = REG("uptime", E_PROC, 0444, pseudo_show_uptime),
	[E_LOADAVG] = REG("loadavg", E_PROC, 0444, pseudo_show_loadavg),
	[E_PSYS] = DIR("sys", E_PROC, 0555),
	[E_PSYS_KERNEL] = DIR("kernel", E_PSYS, 0555),
	[E_OSTYPE] = REG("ostype", E_PSYS_KERNEL, 0444, pseudo_show_sysctl),
	[E_OSRELEASE] = REG("osrelease", E_PSYS_KERNEL, 0444,
			    pseudo_show_sysctl),
	[E_VERSION] = REG("version", E_PSYS_KERNEL, 0444, pseudo_show_sysctl),
	[E_HOSTNAME] = REG("hostname", E_PSYS_KERNEL, 0644, pseudo_show_sysctl),
	[E_PID_MAX] = REG("pid_max", E_PSYS_KERNEL, 0644, pseudo_show_sysctl),
	[E_THREADS_MAX] = REG("threads-max", E_PSYS_KERNEL, 0644,
			      pseudo_show_sysctl),
	[E_PSYS_VM] = DIR("vm", E_PSYS, 0555),
	[E_OVERCOMMIT] = REG("overcommit_memory", E_PSYS_VM, 0644,
			     pseudo_show_sysctl),
	[E_PID] = DIR("", E_PROC, 0555),
	[E_PID_EXE] = LNK("exe", E_PID, pseudo_show_exe),
	[E_PID_CMDLINE] = REG("cmdline", E_PID, 0444, pseudo_show_cmdline),
	[E_PID_STATUS] = REG("status", E_PID, 0444, pseudo_show_status),
	[E_PID_STAT] = REG("stat", E_PID, 0444, pseudo_show_pid_stat),
	[E_PID_AUXV] = REG("auxv", E_PID, 0400, pseudo_show_auxv),
	[E_PID_MAPS] = REG("maps", E_PID, 0444, pseudo_show_maps),
	[E_PID_FD] = DIR("fd", E_PID, 0500),
	[E_FD_N] = { .name = "", .parent = E_PID_FD, .kind = PK_LNK,
		     .perm = 0700, .show = pseudo_show_fd },
	[E_SYS_DEVICES] = DIR("devices", E_SYS, 0755),
	[E_SYS_SYSTEM] = DIR("system", E_SYS_DEVICES, 0755),
	[E_SYS_CPU] = DIR("cpu", E_SYS_SYSTEM, 0755),
	[E_CPU_ONLINE] = REG("online", E_SYS_CPU, 0444, pseudo_show_cpumask),
	[E_CPU_POSSIBLE] = REG("possible", E_SYS_CPU, 0444,
			       pseudo_show_cpumask),
	[E_CPU_PRESENT] = REG("present", E_SYS_CPU, 0444, pseudo_show_cpumask),
	[E_CPU_N] = DIR("", E_SYS_CPU, 0755),
	[E_SHM] = DIR("shm", E_DEV, 01777),
};

/* ------------------------------------------------------------ lookup */

bool pseudofs_owns(const char *path)
{
	static const char *const roots[] = { "/dev", "/proc", "/sys" };

	for (unsigned int i = 0; i < ARRAY_SIZE(roots); i++) {
		size_t n = strlen(roots[i]);

		if (!strncmp(path, roots[i], n) &&
		    (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

/* The decimal number @name, or -1. */
static int pseudo_number(const char *name, size_t len)
{
	int v = 0;

	if (!len || len > 9 || (len > 1 && name[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + name[i] - '0';
	}
	return v;
}

static bool fd_is_open(struct process *p, int fd)
{
	struct ufile *f = process_fd_get(p, fd);

	if (IS_ERR(f))
		return false;
	ufile_put(f);
	return true;
}

/* The child @name (@len bytes) of directory @dir, or -ENOENT. */
static int pseudo_child(struct process *p, int dir, const char *name,
			size_t len, int *arg, struct process **arg_proc)
{
	int n;

	for (int i = 0; i < NR_PSEUDO_ENTS; i++) {
		const struct pseudo_ent *e = &pseudo_ents[i];

		if (e->parent == dir && e->name[0] &&
		    strlen(e->name) == len && !memcmp(e->name, name, len))
			return i;
	}
	switch (dir) {
	case E_PROC:
		n = pseudo_number(name, len);
		if (n == p->pid)
			return E_PID;
		if (n > 0 && arg_proc) {
			*arg_proc = process_find(n);
			if (*arg_proc)
				return E_PID;
		}
		break;
	case E_PID_FD:
		n = pseudo_number(name, len);
		if (n >= 0 && fd_is_open(p, n)) {
			*arg = n;
			return E_FD_N;
		}
		break;
	case E_SYS_CPU:
		if (len > 3 && !memcmp(name, "cpu", 3)) {
			n = pseudo_number(name + 3, len - 3);
			if (n >= 0 && cpu_online(n)) {
				*arg = n;
				return E_CPU_N;
			}
		}
		break;
	}
	return -ENOENT;
}

static int pseudo_show(struct pseudo_buf *b, struct process *p,
		       const struct pseudo_ref *ref)
{
	const struct pseudo_ent *e = &pseudo_ents[ref->ent];
	int arg = ref->ent == E_FD_N || ref->ent == E_CPU_N ? ref->arg :
								 ref->ent;
	int ret = e->show(b, p, arg);

	if (!ret && !b->data)
		pbuf_reserve(b, 0);	/* an empty text is "" */
	return ret ? ret : b->err;
}

/*
 * Replace @path, whose first @done bytes name symlink @ref, by the
 * link's target followed by the rest.  0, PSEUDO_ESCAPED, or -errno.
 */
static int pseudo_follow(struct process *p, const struct pseudo_ref *ref,
			 char *path, size_t size, size_t done,
			 struct ufile **file)
{
	struct pseudo_buf target = { 0 };
	struct ufile *f = NULL;
	int ret;

	if (ref->ent == E_FD_N) {
		f = process_fd_get(p, ref->arg);
		if (IS_ERR(f))
			return PTR_ERR(f);
		if (!f->path) {
			/* No name to follow: the walk ends on the file. */
			if (path[done]) {
				ufile_put(f);
				return -ENOTDIR;
			}
			*file = f;
			return 0;
		}
		ufile_put(f);
	}
	ret = pseudo_show(&target, p, ref);
	if (!ret)
		pbuf_printf(&target, "%s", path + done);
	if (!ret)
		ret = target.err;
	if (!ret)
		ret = fs_path_resolve("/", target.data, path, size);
	kfree(target.data);
	if (ret < 0)
		return ret;
	/* /dev/shm lies inside /dev but is tmpfs.c's. */
	return pseudofs_owns(path) && !tmpfs_owns(path) ? 0 : PSEUDO_ESCAPED;
}

/*
 * Look the resolved absolute @path (@size bytes of room) up in the
 * tree, following symlinks except a final one when @nofollow.  0 with
 * *@ref (whose ref->file the caller puts), PSEUDO_ESCAPED (@path
 * rewritten), or -errno.
 */
static int pseudo_walk(struct process *p, char *path, size_t size,
		       bool nofollow, struct pseudo_ref *ref)
{
	int hops = 0, ret;

	struct process *self = p;

	ref->proc = NULL;
restart:
	ref_put(ref);
	p = self;
	ref->ent = -1;
	ref->arg = 0;
	ref->file = NULL;
	for (size_t at = 0; path[at] == '/' && path[at + 1];) {
		const char *name = path + at + 1;
		const char *slash = strchr(name, '/');
		size_t len = slash ? (size_t)(slash - name) : strlen(name);
		int child, arg = 0;

		if (ref->ent >= 0 && pseudo_ents[ref->ent].kind != PK_DIR)
			return -ENOTDIR;
		if (ref->ent < 0) {
			child = -ENOENT;
			for (int i = E_DEV; i <= E_SYS; i++)
				if (strlen(pseudo_ents[i].name) == len &&
				    !memcmp(pseudo_ents[i].name, name, len))
					child = i;
		} else {
			struct process *other = NULL;

			child = pseudo_child(p, ref->ent, name, len, &arg,
					     ref->proc ? NULL : &other);
			if (other) {
				/* /proc/<pid> of another process. */
				ref->proc = other;
				p = other;
			}
		}
		if (child < 0) {
			ref_put(ref);
			return child;
		}
		ref->ent = child;
		ref->arg = arg;
		at += 1 + len;
		if (pseudo_ents[child].kind != PK_LNK)
			continue;
		/* A final symlink is followed unless asked not to; a "/" */
		/* after it (must be a directory) always follows it. */
		if (!path[at] && nofollow)
			break;
		if (++hops > PSEUDO_MAX_HOPS) {
			ref_put(ref);
			return -ELOOP;
		}
		ret = pseudo_follow(p, ref, path, size, at, &ref->file);
		if (ret || ref->file) {
			if (ret)
				ref_put(ref);
			return ret;
		}
		goto restart;
	}
	if (path[strlen(path) - 1] == '/' && path[1] &&
	    pseudo_ents[ref->ent].kind != PK_DIR) {
		ref_put(ref);
		return -ENOTDIR;
	}
	return 0;
}

/* ------------------------------------------------------------ attributes */

static u32 pseudo_mode(const struct pseudo_ent *e)
{
	static const u32 type[] = {
		[PK_DIR] = S_IFDIR, [PK_REG] = S_IFREG,
		[PK_CHR] = S_IFCHR, [PK_LNK] = S_IFLNK,
	};

	return type[e->kind] | e->perm;
}

static void pseudo_fill_stat(const struct pseudo_ref *ref,
			     struct uapi_stat *st)
{
	const struct pseudo_ent *e = &pseudo_ents[ref->ent];
	int top = ref->ent;
	u64 boot = pseudo_boot_time();

	if (ref->file) {
		ref->file->ops->fstat(ref->file, st);
		return;
	}
	while (pseudo_ents[top].parent >= 0)
		top = pseudo_ents[top].parent;
	memset(st, 0, sizeof(*st));
	st->st_dev = top == E_DEV ? PSEUDO_DEV_DEV :
		     top == E_PROC ? PSEUDO_DEV_PROC : PSEUDO_DEV_SYS;
	st->st_ino = 2 + ref->ent + (u64)ref->arg * NR_PSEUDO_ENTS;
	st->st_mode = pseudo_mode(e);
	st->st_nlink = e->kind == PK_DIR ? 2 : 1;
	st->st_rdev = e->rdev;
	st->st_blksize = PAGE_SIZE;
	st->st_atime = st->st_mtime = st->st_ctime = boot;
}

/* ------------------------------------------------------------ directories */

struct linux_dirent64_hdr {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
} __packed;

static void dirent_add(struct pseudo_buf *b, u64 ino, u8 type,
		       const char *name)
{
	size_t name_len = strlen(name) + 1;
	size_t reclen = ALIGN(sizeof(struct linux_dirent64_hdr) + name_len, 8);
	struct linux_dirent64_hdr h = {
		.d_ino = ino,
		.d_off = b->len + reclen,	/* the next record's offset */
		.d_reclen = reclen,
		.d_type = type,
	};
	static const char zeros[8];

	pbuf_put(b, &h, sizeof(h));
	pbuf_put(b, name, name_len);
	pbuf_put(b, zeros, reclen - sizeof(h) - name_len);
}

static u8 pseudo_dtype(const struct pseudo_ent *e)
{
	static const u8 type[] = {
		[PK_DIR] = DT_DIR, [PK_REG] = DT_REG,
		[PK_CHR] = DT_CHR, [PK_LNK] = DT_LNK,
	};

	return type[e->kind];
}

/* A directory record for each process of the node, in pid order. */
static void pseudo_list_pids(struct pseudo_buf *b)
{
	unsigned int n, max = process_count() + 16;
	char name[16];
	int *pids;

	for (;;) {
		pids = kmalloc_array(max, sizeof(*pids), GFP_KERNEL);
		if (!pids) {
			b->err = -ENOMEM;
			return;
		}
		n = process_pids(pids, max);
		if (n <= max)
			break;
		kfree(pids);
		max = n + 16;
	}
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%d", pids[i]);
		/* The same inode for every pid directory: none is kept. */
		dirent_add(b, 2 + E_PID, DT_DIR, name);
	}
	kfree(pids);
}

/* The records of directory @ref, snapshot at open. */
static int pseudo_list(struct pseudo_buf *b, struct process *p,
		       const struct pseudo_ref *ref)
{
	u64 base = 2 + (u64)ref->arg * NR_PSEUDO_ENTS;
	char name[16];
	int i;

	dirent_add(b, base + ref->ent, DT_DIR, ".");
	dirent_add(b, pseudo_ents[ref->ent].parent >= 0 ?
		   2 + pseudo_ents[ref->ent].parent : 2, DT_DIR, "..");
	for (i = 0; i < NR_PSEUDO_ENTS; i++)
		if (pseudo_ents[i].parent == ref->ent && pseudo_ents[i].name[0])
			dirent_add(b, 2 + i, pseudo_dtype(&pseudo_ents[i]),
				   pseudo_ents[i].name);
	switch (ref->ent) {
	case E_PROC:
		pseudo_list_pids(b);
		break;
	case E_PID_FD: {
		DECLARE_BITMAP(open, FD_MAX);

		process_fd_bitmap(p, open, FD_MAX);
		for (i = 0; i < FD_MAX; i++) {
			if (!test_bit(i, open))
				continue;
			snprintf(name, sizeof(name), "%d", i);
			dirent_add(b, 2 + E_FD_N + (u64)i * NR_PSEUDO_ENTS,
				   DT_LNK, name);
		}
		break;
	}
	case E_SYS_CPU:
		for_each_online_cpu(i) {
			snprintf(name, sizeof(name), "cpu%d", i);
			dirent_add(b, 2 + E_CPU_N + (u64)i * NR_PSEUDO_ENTS,
				   DT_DIR, name);
		}
		break;
	}
	return b->err;
}

/* ------------------------------------------------------------ names */

static const struct ufile_ops pseudo_ops, pseudo_dir_ops;

int pseudofs_open(struct fs_lookup *lk, u32 flags, struct ufile **fp)
{
	struct process *p = current_process();
	struct pseudo_buf b = { 0 };
	struct pseudo_file *pf;
	struct pseudo_ref ref;
	const struct pseudo_ent *e;
	bool writing = (flags & O_ACCMODE) != O_RDONLY;
	struct ufile *f;
	size_t len;
	int ret;

	ret = pseudo_walk(p, lk->path, sizeof(lk->path), flags & O_NOFOLLOW,
			  &ref);
	if (ret)
		return ret;
	if (ref.file)
		ref_put(&ref);
	p = ref_proc(&ref, p);
	if (ref.file) {
		/* Linux opens the file anew; an anonymous one refuses. */
		f = ERR_PTR(-ENXIO);
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			f = ERR_PTR(-EEXIST);
		else if (ref.file->ops->reopen)
			f = ref.file->ops->reopen(ref.file, flags);
		ufile_put(ref.file);
		if (IS_ERR(f))
			return PTR_ERR(f);
		*fp = f;
		return 0;
	}
	ret = -EEXIST;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		goto fail;
	e = &pseudo_ents[ref.ent];
	if (!(flags & O_PATH)) {
		ret = -ELOOP;		/* O_NOFOLLOW on a symlink */
		if (e->kind == PK_LNK)
			goto fail;
		ret = -EISDIR;
		if (e->kind == PK_DIR && (writing || (flags & __O_TMPFILE)))
			goto fail;
		ret = -ENOTDIR;
		if ((flags & O_DIRECTORY) && e->kind != PK_DIR)
			goto fail;
		ret = -ENXIO;		/* no controlling terminal */
		if (e->dev == PD_TTY)
			goto fail;
		ret = 0;
		/* fd/ lists at its first getdents, its own descriptor too. */
		if (e->kind == PK_DIR && ref.ent != E_PID_FD)
			ret = pseudo_list(&b, p, &ref);
		else if (e->kind == PK_REG)
			ret = pseudo_show(&b, p, &ref);
		if (ret)
			goto fail;
	}
	/* Symlinks followed: @lk->path is the entry's own name now. */
	len = strlen(lk->path);
	ret = -ENOMEM;
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	f = ufile_alloc_ops(e->kind == PK_DIR ? &pseudo_dir_ops : &pseudo_ops,
			    NULL, flags);
	if (f)
		f->path = kmalloc(len + 1, GFP_KERNEL);
	if (!pf || !f || !f->path) {
		kfree(pf);
		if (f)
			ufile_put(f);
		goto fail;
	}
	memcpy(f->path, lk->path, len + 1);
	fs_path_strip_slash(f->path);
	pf->ref = ref;
	pf->data = b.data;
	pf->len = b.len;
	f->pseudo = pf;
	f->mode = pseudo_mode(e);
	*fp = f;
	return 0;
fail:
	ref_put(&ref);
	kfree(b.data);
	return ret;
}

int pseudofs_stat(struct fs_lookup *lk, bool nofollow, struct uapi_stat *st)
{
	struct pseudo_ref ref;
	int ret = pseudo_walk(current_process(), lk->path, sizeof(lk->path),
			      nofollow, &ref);

	if (!ret)
		pseudo_fill_stat(&ref, st);
	if (!ret && ref.file)
		ufile_put(ref.file);
	if (!ret)
		ref_put(&ref);
	return ret;
}

long pseudofs_readlink(const char *path, char __user *ubuf, size_t len)
{
	struct process *p = current_process();
	struct pseudo_buf b = { 0 };
	struct pseudo_ref ref;
	char *copy;
	long ret;

	copy = kmalloc(FS_PATH_MAX, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	strscpy(copy, path, FS_PATH_MAX);
	ret = pseudo_walk(p, copy, FS_PATH_MAX, true, &ref);
	/* Leaving the tree before the last name: a storage link there. */
	if (ret == PSEUDO_ESCAPED)
		ret = -EINVAL;
	if (!ret && ref.file) {
		ufile_put(ref.file);
		ret = -EINVAL;
	}
	if (!ret && pseudo_ents[ref.ent].kind != PK_LNK)
		ret = -EINVAL;
	if (!ret)
		ret = pseudo_show(&b, ref_proc(&ref, p), &ref);
	ref_put(&ref);
	if (!ret) {
		ret = min(len, b.len);
		if (copy_to_user(ubuf, b.data, ret))
			ret = -EFAULT;
	}
	kfree(b.data);
	kfree(copy);
	return ret;
}

/* ------------------------------------------------------------ open files */

static const struct pseudo_ent *pseudo_ent_of(const struct ufile *f)
{
	return &pseudo_ents[f->pseudo->ref.ent];
}

static void pseudofs_fstat(struct ufile *f, struct uapi_stat *st)
{
	pseudo_fill_stat(&f->pseudo->ref, st);
}

/* Of the pseudo files only the devices take writes. */
static int pseudofs_may_write(struct ufile *f)
{
	return pseudo_ent_of(f)->kind == PK_CHR ? 0 : -EACCES;
}

/* Up to @len bytes made by @dev at @ubuf. */
static long pseudo_dev_read(int dev, char __user *ubuf, size_t len)
{
	u8 chunk[256];
	size_t done = 0;

	switch (dev) {
	case PD_NULL:
		return 0;
	case PD_ZERO:
	case PD_FULL:
		done = len - clear_user(ubuf, len);
		break;
	case PD_RANDOM:
		while (done < len) {
			size_t n = min(len - done, sizeof(chunk));

			get_random_bytes(chunk, n);
			if (copy_to_user(ubuf + done, chunk, n))
				break;
			done += n;
		}
		break;
	}
	return done || !len ? (long)done : -EFAULT;
}

static long pseudofs_read(struct ufile *f, char __user *ubuf, size_t len,
			  u64 *pos)
{
	const struct pseudo_ent *e = pseudo_ent_of(f);
	struct pseudo_file *pf = f->pseudo;
	size_t n;

	if (e->kind == PK_CHR)
		return pseudo_dev_read(e->dev, ubuf, len);
	if (*pos >= pf->len)
		return 0;
	n = min_t(u64, len, pf->len - *pos);
	n -= copy_to_user(ubuf, pf->data + *pos, n);
	if (!n && len)
		return -EFAULT;
	*pos += n;
	return n;
}

static long pseudofs_write(struct ufile *f, const char __user *ubuf,
			   size_t len, u64 *pos)
{
	const struct pseudo_ent *e = pseudo_ent_of(f);

	if (e->kind != PK_CHR)
		return -EIO;		/* no /proc file takes writes yet */
	if (e->dev == PD_FULL)
		return -ENOSPC;
	/* null and zero drop the bytes; random takes none as entropy. */
	return len;
}

static long pseudofs_lseek(struct ufile *f, s64 off, int whence)
{
	const struct pseudo_ent *e = pseudo_ent_of(f);
	struct pseudo_file *pf = f->pseudo;
	s64 pos;

	if (e->kind == PK_CHR) {
		f->pos = 0;		/* Linux: devices stay at 0 */
		return 0;
	}
	if (whence == SEEK_SET)
		pos = off;
	else if (whence == SEEK_CUR)
		pos = (s64)f->pos + off;
	else
		return -EINVAL;
	if (pos < 0)
		return -EINVAL;
	if (e->kind == PK_DIR) {
		/* Only the start of a record: the offsets getdents gave. */
		size_t at = 0;

		if (!pf->data && pos)
			return -EINVAL;		/* fd/ not listed yet */
		while (at < (u64)pos && at < pf->len)
			at += ((struct linux_dirent64_hdr *)
			       (pf->data + at))->d_reclen;
		if (at != (u64)pos && (u64)pos < pf->len)
			return -EINVAL;
	}
	f->pos = pos;
	return pos;
}

static long pseudofs_getdents(struct ufile *f, void __user *ubuf, size_t len)
{
	struct pseudo_file *pf = f->pseudo;
	size_t at = f->pos, end = at;

	if (!pf->data) {
		struct pseudo_buf b = { 0 };
		int ret = pseudo_list(&b, ref_proc(&pf->ref, current_process()),
				      &pf->ref);

		if (ret) {
			kfree(b.data);
			return ret;
		}
		pf->data = b.data;
		pf->len = b.len;
	}
	if (at >= pf->len)
		return 0;
	while (end < pf->len) {
		u16 reclen = ((struct linux_dirent64_hdr *)
			      (pf->data + end))->d_reclen;

		if (end + reclen - at > len)
			break;
		end += reclen;
	}
	if (end == at)
		return -EINVAL;		/* the buffer is too small */
	if (copy_to_user(ubuf, pf->data + at, end - at))
		return -EFAULT;
	f->pos = end;
	return end - at;
}

static void pseudofs_release(struct ufile *f)
{
	if (f->pseudo) {
		ref_put(&f->pseudo->ref);
		kfree(f->pseudo->data);
	}
	kfree(f->pseudo);
}

static const struct ufile_ops pseudo_ops = {
	.name = "pseudo",
	.read = pseudofs_read,
	.write = pseudofs_write,
	.llseek = pseudofs_lseek,
	.fstat = pseudofs_fstat,
	.release = pseudofs_release,
	.may_write = pseudofs_may_write,
	.fmode = UFILE_FMODE_POS | UFILE_FMODE_FSYNC,
};

static const struct ufile_ops pseudo_dir_ops = {
	.name = "pseudo",
	.read = ufile_read_isdir,
	.llseek = pseudofs_lseek,
	.getdents = pseudofs_getdents,
	.fstat = pseudofs_fstat,
	.release = pseudofs_release,
	.may_write = pseudofs_may_write,
	.fmode = UFILE_FMODE_POS | UFILE_FMODE_FSYNC,
};
