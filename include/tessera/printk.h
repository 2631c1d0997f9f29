/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printk: the kernel log.  Every line goes to the log buffer and to the
 * registered consoles as "[ seconds.micro ] text".  A message may start
 * with a KERN_<level> prefix; lines above the console loglevel are only
 * kept in the buffer.  Implemented in kernel/printk.c.
 */
#ifndef _TESSERA_PRINTK_H
#define _TESSERA_PRINTK_H

#include <stdarg.h>
#include <tessera/compiler.h>

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_CONT	KERN_SOH "c"

#define LOGLEVEL_DEFAULT 6	/* KERN_INFO and more urgent go to the console */

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list args);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...)	printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)

/* Print once per call site. */
#define printk_once(fmt, ...) ({				\
	static bool __print_once;				\
	if (!__print_once) {					\
		__print_once = true;				\
		printk(fmt, ##__VA_ARGS__);			\
	}							\
})
#define pr_warn_once(fmt, ...)	printk_once(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err_once(fmt, ...)	printk_once(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)

/* A console: something that can show log text (the 16550 UART). */
struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t len);
	struct console *next;
};

void register_console(struct console *con);

/*
 * Oops mode: the die path calls this so printk stops taking the log lock
 * (which a crashing CPU may hold) and writes straight to the consoles.
 */
void printk_enter_oops_mode(void);

/* Copy of the whole log buffer, oldest first; returns bytes copied. */
size_t printk_log_copy(char *buf, size_t size);

#endif /* _TESSERA_PRINTK_H */
