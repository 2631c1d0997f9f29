/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (-include) into every host unit-test translation unit,
 * before any system header.  It plays the role of the kernel's generated
 * autoconf.h for host builds, and it renames every symbol of our lib that
 * also exists in the C library, so a test binary calls our implementation
 * while glibc and the sanitizer runtime keep their own.  The renames apply
 * to glibc's prototypes too (<stdio.h> then declares tessera_snprintf),
 * which is harmless because the signatures agree.
 *
 * A test that needs the C library's version of a renamed function (to
 * compare against it) declares it with an asm label, e.g.
 *	int libc_snprintf(char *, size_t, const char *, ...) __asm__("snprintf");
 *
 * Tests must not include <string.h> or <ctype.h>: our string.h and
 * ctype.h replace them.
 */
#ifndef _TESSERA_HOST_CONFIG_H
#define _TESSERA_HOST_CONFIG_H

/*
 * glibc's <sys/cdefs.h> (pulled in by every libc header, <stdint.h>
 * included) defines __always_inline differently from
 * <tessera/compiler.h>.  Take glibc's header first and replace its
 * definition with ours, token for token, so that both agree and
 * compiler.h's #define is a harmless identical redefinition.
 */
#include <sys/cdefs.h>
#undef __always_inline
#define __always_inline		inline __attribute__((always_inline))

/*
 * Build configuration seen by host tests.  In-kernel test suites are not
 * built on the host, so CONFIG_KTEST stays undefined (IS_ENABLED() == 0).
 */
#define CONFIG_HOST_TEST	1

/* include/tessera/string.h */
#define memcpy		tessera_memcpy
#define memmove		tessera_memmove
#define memset		tessera_memset
#define memcmp		tessera_memcmp
#define memchr		tessera_memchr
#define strlen		tessera_strlen
#define strnlen		tessera_strnlen
#define strcmp		tessera_strcmp
#define strncmp		tessera_strncmp
#define strchr		tessera_strchr
#define strrchr		tessera_strrchr
#define strstr		tessera_strstr
#define strscpy		tessera_strscpy

/* include/tessera/kernel.h */
#define snprintf	tessera_snprintf
#define vsnprintf	tessera_vsnprintf
#define scnprintf	tessera_scnprintf
#define vscnprintf	tessera_vscnprintf

#endif /* _TESSERA_HOST_CONFIG_H */
