/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program archive: a boot module (`qemu -initrd`, or a GRUB module2
 * line) holding a cpio "newc" archive, as the launcher's `tessera run`
 * writes it:
 *
 *	tessera/run.0, tessera/run.1, ...   one manifest per program run
 *	<any path>                           the executables
 *
 * A manifest is "ARGC ENVC\n" followed by NUL-terminated strings: the
 * archive path of the executable (the program sees it with a leading
 * '/', e.g. in readlink("/proc/self/exe")), then ARGC arguments, then
 * ENVC environment strings.  "ARGC ENVC 1\n" adds one more string, the
 * program's working directory (`tessera run --cwd`): an absolute path
 * the storage node must know as a directory, else the run does not
 * start ("cannot chdir").  "ARGC ENVC C UID GID\n" (C 0 or 1, as above)
 * starts the program with every uid UID and every gid GID and no
 * supplementary groups (`tessera run --uid/--gid`); without them it
 * runs as root.  Only the manifests are read here: the
 * memory service (a memory node's, or this node's own in local mode)
 * loads the executables by path from its own copy of the archive
 * (managers/memory/service.c's image registry) or from the storage
 * node.  The archive format is lib/cpio.c's.  Runs go one after the
 * other, each to its end; after each one the kernel log gets
 *
 *	tessera: program exit run=N pid=P status=S
 *
 * (S as a shell reports it: the exit code, 128 + signal for a fatal
 * signal, 127 if the program could not be started), and after the last
 * the node powers off with "tessera: end status=ok".
 */
#include <tessera/bootinfo.h>
#include <tessera/cpio.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/profile.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/page.h>

#include "internal.h"
#include "cred.h"
#include "fs.h"
#include "fs_path.h"

#define RUN_NAME_MAX		32
#define EXIT_NOT_STARTED	127

/* A manifest's header line. */
struct manifest_head {
	u32 argc, envc;
	u32 nr_cwd;		/* 1: a working directory follows */
	bool ids;		/* uid and gid given */
	u32 uid, gid;
};

/*
 * Parse the header line of a manifest ("ARGC ENVC", "ARGC ENVC C" or
 * "ARGC ENVC C UID GID") into @h: the strings start at *@body.
 */
static int manifest_parse(const struct cpio_file *f, struct manifest_head *h,
			  const char **body, u32 *body_len)
{
	const char *p = f->data, *end = p + f->size;
	const char *nl = memchr(p, '\n', f->size);
	unsigned int v[5] = { 0 };
	char line[64], *field = line, *next;
	int n = 0;

	if (!nl || nl - p >= (long)sizeof(line))
		return -EINVAL;
	memcpy(line, p, nl - p);
	line[nl - p] = '\0';
	for (; field; field = next, n++) {
		next = strchr(field, ' ');
		if (next)
			*next++ = '\0';
		if (n == 5 || kstrtouint(field, 10, &v[n]))
			return -EINVAL;
	}
	/* uid and gid -1 are "no id" on Linux: never one to run as. */
	if (n < 2 || n == 4 || v[0] == 0 || v[0] > 4096 || v[1] > 4096 ||
	    v[2] > 1 || v[3] == (u32)-1 || v[4] == (u32)-1)
		return -EINVAL;
	h->argc = v[0];
	h->envc = v[1];
	h->nr_cwd = v[2];
	h->ids = n == 5;
	h->uid = v[3];
	h->gid = v[4];
	*body = nl + 1;
	*body_len = end - *body;
	return 0;
}

/*
 * The bytes of the @nr NUL-terminated strings at @strings (@len bytes
 * there), or -EINVAL when they do not fit.
 */
static long strings_span(const char *strings, u32 len, u32 nr)
{
	u32 off = 0;

	while (nr--) {
		size_t n = strnlen(strings + off, len - off);

		if (n == len - off)
			return -EINVAL;
		off += n + 1;
	}
	return off;
}

/*
 * The working directory @dir of a run, lexically normal, into @cwd
 * (FS_PATH_MAX bytes): an absolute path the storage node knows as a
 * directory (what chdir(2) checks).
 */
static int run_cwd(const char *dir, char *cwd)
{
	struct p2s_open_reply reply;
	int ret;

	if (dir[0] != '/')
		return -EINVAL;
	ret = fs_path_resolve("/", dir, cwd, FS_PATH_MAX);
	if (ret < 0)
		return ret;
	fs_path_strip_slash(cwd);
	return fs_storage_open(cwd, P2S_OPEN_DIRECTORY, &reply);
}

/*
 * Start and wait for run @n of the archive in @m, its memory on
 * @memory_node (pmm_remote_select()).  The executable is the memory
 * service's business (its own copy of the archive, or storage): only
 * the manifest is read here.  -ENOENT once there is no run @n.
 */
static int run_one(const struct boot_module *m, unsigned int n,
		   int memory_node)
{
	char run_name[RUN_NAME_MAX], path[PROCESS_EXE_MAX];
	struct cpio_file manifest;
	const char *body, *strings;
	u32 body_len, exe_len, strings_len;
	const struct cred *cred = NULL;
	struct manifest_head h;
	char *cwd = NULL;
	struct process *p;
	unsigned int left;
	long span = 0;
	int ret, status;

	snprintf(run_name, sizeof(run_name), "tessera/run.%u", n);
	ret = cpio_find(__va(m->start), m->size, run_name, &manifest);
	if (ret)
		return ret;
	ret = manifest_parse(&manifest, &h, &body, &body_len);
	exe_len = ret ? 0 : strnlen(body, body_len);
	if (!ret && exe_len == body_len)
		ret = -EINVAL;
	if (!ret) {
		strings = body + exe_len + 1;
		strings_len = body_len - exe_len - 1;
	}
	if (!ret && h.nr_cwd) {
		/* The directory is the last string: a whole one. */
		span = strings_span(strings, strings_len, h.argc + h.envc);
		if (span < 0 || strnlen(strings + span, strings_len - span) ==
				strings_len - span)
			ret = -EINVAL;
	}
	if (ret) {
		pr_err("processor: %s: malformed manifest\n", run_name);
		status = EXIT_NOT_STARTED;
		goto report;
	}
	if (h.nr_cwd) {
		cwd = kmalloc(FS_PATH_MAX, GFP_KERNEL);
		ret = cwd ? run_cwd(strings + span, cwd) : -ENOMEM;
		if (ret) {
			pr_err("processor: run %u: cannot chdir to %s (%d)\n",
			       n, strings + span, ret);
			status = EXIT_NOT_STARTED;
			goto report;
		}
		strings_len = span;
	}
	/* Programs see their archive path as an absolute path. */
	snprintf(path, sizeof(path), "/%s", body);
	if (h.ids) {
		cred = cred_new_ids(h.uid, h.gid);
		if (!cred) {
			status = EXIT_NOT_STARTED;
			goto report;
		}
	}
	profile_run_begin();
	p = process_spawn(memory_node, path, strings, strings_len, h.argc,
			  h.envc, cwd, cred);
	cred_put(cred);
	if (IS_ERR(p)) {
		pr_err("processor: run %u: cannot start %s (%ld)\n", n, body,
		       PTR_ERR(p));
		status = EXIT_NOT_STARTED;
		goto report;
	}
	pr_info("processor: run %u: pid %d %s\n", n, p->pid, body);
	status = process_wait(p);
	profile_run_end(n, syscall_name);
	/* What it left running goes with it, before the next run. */
	left = process_kill_session(p->pid);
	if (left)
		pr_info("processor: run %u: killed %u process(es) left running by pid %d\n",
			n, left, p->pid);
	pr_info("tessera: program exit run=%u pid=%d status=%d\n", n, p->pid,
		status);
	process_reap(p);
	kfree(cwd);
	return 0;

report:
	pr_info("tessera: program exit run=%u pid=0 status=%d\n", n, status);
	kfree(cwd);
	return 0;
}

static int local_runner(void *arg)
{
	const struct boot_module *m = arg;
	int memory_node = pmm_remote_select();
	unsigned int n;

	processor_storage_select();
	tmpfs_set_memory_node(memory_node);

	for (n = 0; run_one(m, n, memory_node) == 0; n++)
		;
	pr_info("processor: %u program run(s) done\n", n);
	machine_halt_with_status(0);
	return 0;
}

void initrd_run_programs(void)
{
	struct task *t;

	if (!boot_info.nr_modules)
		return;
	t = kthread_run(local_runner, &boot_info.modules[0], "local-runner");
	if (IS_ERR(t))
		pr_err("processor: cannot start the local runner (%ld)\n",
		       PTR_ERR(t));
	else
		kthread_detach(t);
}
