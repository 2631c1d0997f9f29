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
 * start ("cannot chdir").  Only the manifests are read here: the
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
#include "fs.h"
#include "fs_path.h"

#define RUN_NAME_MAX		32
#define EXIT_NOT_STARTED	127

/*
 * Parse the header line of a manifest ("ARGC ENVC" or "ARGC ENVC 1"):
 * the strings start at *@body, *@nr_cwd says whether a working
 * directory follows the environment.
 */
static int manifest_parse(const struct cpio_file *f, u32 *argc, u32 *envc,
			  u32 *nr_cwd, const char **body, u32 *body_len)
{
	const char *p = f->data, *end = p + f->size;
	const char *nl = memchr(p, '\n', f->size);
	unsigned int a, e, c = 0;
	char line[32], *space, *space2;

	if (!nl || nl - p >= (long)sizeof(line))
		return -EINVAL;
	memcpy(line, p, nl - p);
	line[nl - p] = '\0';
	space = strchr(line, ' ');
	if (!space)
		return -EINVAL;
	*space = '\0';
	space2 = strchr(space + 1, ' ');
	if (space2) {
		*space2 = '\0';
		if (kstrtouint(space2 + 1, 10, &c) || c > 1)
			return -EINVAL;
	}
	if (kstrtouint(line, 10, &a) || kstrtouint(space + 1, 10, &e) ||
	    a == 0 || a > 4096 || e > 4096)
		return -EINVAL;
	*argc = a;
	*envc = e;
	*nr_cwd = c;
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
	u32 argc, envc, nr_cwd, body_len, exe_len, strings_len;
	char *cwd = NULL;
	struct process *p;
	unsigned int left;
	long span = 0;
	int ret, status;

	snprintf(run_name, sizeof(run_name), "tessera/run.%u", n);
	ret = cpio_find(__va(m->start), m->size, run_name, &manifest);
	if (ret)
		return ret;
	ret = manifest_parse(&manifest, &argc, &envc, &nr_cwd, &body,
			     &body_len);
	exe_len = ret ? 0 : strnlen(body, body_len);
	if (!ret && exe_len == body_len)
		ret = -EINVAL;
	if (!ret) {
		strings = body + exe_len + 1;
		strings_len = body_len - exe_len - 1;
	}
	if (!ret && nr_cwd) {
		/* The directory is the last string: a whole one. */
		span = strings_span(strings, strings_len, argc + envc);
		if (span < 0 || strnlen(strings + span, strings_len - span) ==
				strings_len - span)
			ret = -EINVAL;
	}
	if (ret) {
		pr_err("processor: %s: malformed manifest\n", run_name);
		status = EXIT_NOT_STARTED;
		goto report;
	}
	if (nr_cwd) {
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
	profile_run_begin();
	p = process_spawn(memory_node, path, strings, strings_len, argc, envc,
			  cwd);
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
