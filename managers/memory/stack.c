/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initial stack of a new process, laid out as the Linux x86-64 ABI
 * and a C runtime's _start expect it.  From the top of the stack vma
 * down:
 *
 *	STACK_TOP - 8	8 zero bytes (end marker)
 *			argv strings, envp strings, the execve path (AT_EXECFN)
 *			"x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM)
 *			padding to 16 bytes
 *			auxv (type, value) pairs ending with AT_NULL
 *			NULL, envp[envc - 1] .. envp[0]
 *			NULL, argv[argc - 1] .. argv[0]
 *	sp ->		argc			(sp is 16-byte aligned)
 *
 * The stack is a fixed reservation of STACK_MAX_SIZE (RLIMIT_STACK) below
 * STACK_TOP, populated lazily except for the pages written here; it does
 * not grow.  Where the strings and random bytes come from is service.c's.
 */
#include "internal.h"

#include <tessera/errno.h>
#include <tessera/string.h>
#include <uapi/auxvec.h>
#include <uapi/mman.h>

#define STACK_PLATFORM	"x86_64"
#define STACK_CLKTCK	100
#define STACK_MAX_AUXV	24

struct auxv_buf {
	u64 v[2 * STACK_MAX_AUXV];
	unsigned int n;		/* u64 words used */
};

static void auxv_add(struct auxv_buf *a, u64 type, u64 val)
{
	a->v[a->n++] = type;
	a->v[a->n++] = val;
}

/* Check the strings blob; 0, -EINVAL (malformed) or -E2BIG. */
static int stack_check_strings(const struct stack_args *args)
{
	u64 nr = (u64)args->argc + args->envc, seen = 0, start = 0;

	if (args->strings_len > STACK_MAX_ARGS_BYTES)
		return -E2BIG;
	if (nr && (!args->strings_len ||
		   args->strings[args->strings_len - 1] != '\0'))
		return -EINVAL;
	for (u64 i = 0; i < args->strings_len; i++) {
		if (args->strings[i])
			continue;
		if (i + 1 - start > STACK_MAX_ARG_STRLEN)
			return -E2BIG;
		seen++;
		start = i + 1;
	}
	return seen == nr && start == args->strings_len ? 0 : -EINVAL;
}

static int stack_put_word(struct rmm *mm, u64 *p, u64 val)
{
	int ret = rmm_copy_to(mm, *p, &val, sizeof(val));

	*p += sizeof(val);
	return ret;
}

int stack_setup(struct rmm *mm, const struct stack_args *args, u64 *sp)
{
	const struct elf_info *elf = args->elf;
	u64 execfn_len = strlen(args->execfn) + 1;
	u64 p = STACK_TOP - 8, strings, execfn, platform, random, words, pos;
	u32 prot = PROT_READ | PROT_WRITE | (elf->exec_stack ? PROT_EXEC : 0);
	struct auxv_buf aux = { .n = 0 };
	u64 i, str;
	int ret;

	ret = stack_check_strings(args);
	if (ret)
		return ret;
	if (execfn_len > STACK_MAX_ARG_STRLEN)
		return -E2BIG;

	p -= execfn_len;
	execfn = p;
	p -= args->strings_len;
	strings = p;
	p -= sizeof(STACK_PLATFORM);
	platform = p;
	p -= sizeof(args->random);
	random = p;
	p = ALIGN_DOWN(p, 16);

	if (args->sysinfo_ehdr)
		auxv_add(&aux, AT_SYSINFO_EHDR, args->sysinfo_ehdr);
	auxv_add(&aux, AT_HWCAP, args->hwcap);
	auxv_add(&aux, AT_PAGESZ, PAGE_SIZE);
	auxv_add(&aux, AT_CLKTCK, STACK_CLKTCK);
	auxv_add(&aux, AT_PHDR, elf->phdr);
	auxv_add(&aux, AT_PHENT, elf->phentsize);
	auxv_add(&aux, AT_PHNUM, elf->phnum);
	auxv_add(&aux, AT_BASE, args->interp_base);
	auxv_add(&aux, AT_FLAGS, 0);
	auxv_add(&aux, AT_ENTRY, elf->entry);
	auxv_add(&aux, AT_UID, args->uid);
	auxv_add(&aux, AT_EUID, args->euid);
	auxv_add(&aux, AT_GID, args->gid);
	auxv_add(&aux, AT_EGID, args->egid);
	/* As Linux's secureexec: the program runs with ids not its user's. */
	auxv_add(&aux, AT_SECURE,
		 args->euid != args->uid || args->egid != args->gid);
	auxv_add(&aux, AT_RANDOM, random);
	auxv_add(&aux, AT_HWCAP2, args->hwcap2);
	auxv_add(&aux, AT_EXECFN, execfn);
	auxv_add(&aux, AT_PLATFORM, platform);
	if (args->minsigstksz)
		auxv_add(&aux, AT_MINSIGSTKSZ, args->minsigstksz);
	auxv_add(&aux, AT_NULL, 0);

	words = 1 + (u64)args->argc + 1 + args->envc + 1 + aux.n;
	if (words * 8 > p - (STACK_TOP - STACK_MAX_SIZE) - PAGE_SIZE)
		return -E2BIG;
	*sp = ALIGN_DOWN(p - words * 8, 16);

	ret = rmm_map_fixed(mm, STACK_TOP - STACK_MAX_SIZE, STACK_TOP, prot,
			    VMA_STACK, NULL, 0, 0);
	if (ret)
		return ret;
	ret = rmm_copy_to(mm, execfn, args->execfn, execfn_len);
	if (!ret)
		ret = rmm_copy_to(mm, strings, args->strings,
				  args->strings_len);
	if (!ret)
		ret = rmm_copy_to(mm, platform, STACK_PLATFORM,
				  sizeof(STACK_PLATFORM));
	if (!ret)
		ret = rmm_copy_to(mm, random, args->random,
				  sizeof(args->random));
	if (ret)
		return ret;

	pos = *sp;
	ret = stack_put_word(mm, &pos, args->argc);
	str = 0;
	for (i = 0; !ret && i < (u64)args->argc + args->envc; i++) {
		if (i == args->argc)
			ret = stack_put_word(mm, &pos, 0);
		if (!ret)
			ret = stack_put_word(mm, &pos, strings + str);
		str += strlen(args->strings + str) + 1;
	}
	if (!ret && args->envc == 0)
		ret = stack_put_word(mm, &pos, 0);
	if (!ret)
		ret = stack_put_word(mm, &pos, 0);
	if (!ret)
		ret = rmm_copy_to(mm, pos, aux.v, aux.n * sizeof(u64));
	return ret;
}
