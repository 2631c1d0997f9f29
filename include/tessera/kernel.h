/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatting and number parsing (lib/vsprintf.c, lib/kstrtox.c).
 * vsnprintf follows C99 for %d %i %u %x %X %o %c %s %p %% with flags
 * (-, 0, +, space, #), width, precision, '*', and length modifiers
 * hh h l ll z t j.  Kernel extensions: %pS (symbol+0xoff/0xsize via
 * kallsyms), %px (raw pointer).  Returns the length it would have
 * written, like C99.
 */
#ifndef _TESSERA_KERNEL_H
#define _TESSERA_KERNEL_H

#include <stdarg.h>
#include <tessera/compiler.h>

__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
/* Like snprintf but return what was really written (excluding NUL). */
__printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args);

/*
 * Strict parsers: the whole string must be a number (a trailing '\n' is
 * accepted); base 0 autodetects 0x/0 prefixes.  0 or -EINVAL/-ERANGE.
 */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtobool(const char *s, bool *res);
/*
 * Size with optional K/M/G/T suffix (binary units), e.g. "256M".
 * 0 or -EINVAL (malformed) / -ERANGE (overflow).
 */
int kstrtosize(const char *s, unsigned long long *res);

/* Symbol lookup hook for %pS; provided by kernel/kallsyms.c. */
int sprint_symbol(char *buf, size_t size, unsigned long addr);

#endif /* _TESSERA_KERNEL_H */
