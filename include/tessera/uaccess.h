/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Access to user memory from system calls (arch/x86/mm/user.c and
 * arch/x86/mm/uaccess.S).
 *
 * Every access checks that the whole range lies below USER_ADDR_END and
 * then runs one of the few instructions listed in the uaccess exception
 * table: a fault there first tries to bring the page in (demand paging,
 * pcache fill); if the address is not valid user memory the access stops
 * and reports it.  So a NULL or kernel pointer from a program gives
 * -EFAULT, never an oops.
 *
 *	if (copy_from_user(&ts, uts, sizeof(ts)))
 *		return -EFAULT;
 *
 * May be called with spinlocks held (the fault path does not sleep).
 */
#ifndef _TESSERA_UACCESS_H
#define _TESSERA_UACCESS_H

#include <tessera/compiler.h>
#include <tessera/types.h>
#include <asm/syscall.h>

#define __user

/* True if [addr, addr + size) is entirely user space. */
static inline bool access_ok(const void __user *addr, unsigned long size)
{
	unsigned long a = (unsigned long)addr;

	return a <= USER_ADDR_END && size <= USER_ADDR_END - a;
}

/* The raw instructions (uaccess.S): bytes NOT copied / cleared. */
unsigned long __copy_user(void *dst, const void *src, unsigned long n);
unsigned long __clear_user(void *dst, unsigned long n);
long __strncpy_user(char *dst, const char __user *src, long n);
int __get_user_4(u32 *val, const u32 __user *uaddr);
int __put_user_4(u32 val, u32 __user *uaddr);
int __get_user_8(u64 *val, const u64 __user *uaddr);
int __put_user_8(u64 val, u64 __user *uaddr);
/* __get_user_8 without STAC: faults under SMAP (for its ktest only). */
int __probe_user_nosmap(u64 *val, const u64 __user *uaddr);
/* Kernel accesses to user pages without STAC caught so far. */
extern unsigned long smap_violations;

/* Returns the number of bytes NOT copied (0 on success), as Linux. */
static inline unsigned long copy_from_user(void *dst, const void __user *src,
					   unsigned long n)
{
	if (!access_ok(src, n))
		return n;
	return __copy_user(dst, (const void *)src, n);
}

static inline unsigned long copy_to_user(void __user *dst, const void *src,
					 unsigned long n)
{
	if (!access_ok(dst, n))
		return n;
	return __copy_user((void *)dst, src, n);
}

static inline unsigned long clear_user(void __user *dst, unsigned long n)
{
	if (!access_ok(dst, n))
		return n;
	return __clear_user((void *)dst, n);
}

/*
 * Copy a NUL-terminated string of at most @n bytes (NUL included).
 * Returns its length without the NUL, @n if no NUL came within @n bytes
 * (then @dst is not terminated), or -EFAULT.
 */
long strncpy_from_user(char *dst, const char __user *src, long n);

/* 0 or -EFAULT. */
int get_user_u32(u32 *val, const u32 __user *uaddr);
int put_user_u32(u32 val, u32 __user *uaddr);
int get_user_u64(u64 *val, const u64 __user *uaddr);
int put_user_u64(u64 val, u64 __user *uaddr);

#endif /* _TESSERA_UACCESS_H */
