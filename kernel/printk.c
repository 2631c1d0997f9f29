/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printk and the kernel log buffer.
 *
 * Each message is formatted once into a line "[ssss.uuuuuu] text\n",
 * appended to a ring buffer of 2^CONFIG_LOG_BUF_SHIFT bytes and written to
 * every registered console if its level is at most console_loglevel.
 * Messages without a trailing newline are continued by the next printk
 * (KERN_CONT or not) without a new timestamp.
 *
 * Locking: logbuf_lock (irqsave) serialises formatting, the ring and the
 * consoles, so lines from different contexts never interleave mid-line.
 * Once an oops starts, printk_enter_oops_mode() makes printk skip the lock:
 * the CPU that crashed may be the one holding it, and the oops must print.
 */
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>

#define LOG_BUF_LEN	(1U << CONFIG_LOG_BUF_SHIFT)
#define LINE_MAX	1024

static char log_buf[LOG_BUF_LEN];
static u64 log_head;			/* total bytes ever written */
static DEFINE_SPINLOCK(logbuf_lock);
static struct console *console_list;
static bool oops_in_progress;
static bool line_open;			/* last message had no newline */
static int console_loglevel = LOGLEVEL_DEFAULT;

void register_console(struct console *con)
{
	unsigned long flags;

	spin_lock_irqsave(&logbuf_lock, flags);
	con->next = console_list;
	console_list = con;
	spin_unlock_irqrestore(&logbuf_lock, flags);
}

void printk_enter_oops_mode(void)
{
	WRITE_ONCE(oops_in_progress, true);
	console_loglevel = 7;
}

static void log_store(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		log_buf[(log_head + i) & (LOG_BUF_LEN - 1)] = s[i];
	log_head += len;
}

size_t printk_log_copy(char *buf, size_t size)
{
	unsigned long flags;
	u64 start, n;

	spin_lock_irqsave(&logbuf_lock, flags);
	n = min_t(u64, log_head, LOG_BUF_LEN);
	n = min_t(u64, n, size);
	start = log_head - n;
	for (u64 i = 0; i < n; i++)
		buf[i] = log_buf[(start + i) & (LOG_BUF_LEN - 1)];
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return n;
}

static void console_emit(const char *s, size_t len)
{
	for (struct console *c = console_list; c; c = c->next)
		c->write(c, s, len);
}

/* Parse a KERN_<level> prefix; returns the level, or -1 for KERN_CONT. */
static int printk_level(const char **fmt)
{
	int level = LOGLEVEL_DEFAULT;
	const char *f = *fmt;

	while (f[0] == KERN_SOH[0] && f[1]) {
		if (f[1] >= '0' && f[1] <= '7')
			level = f[1] - '0';
		else if (f[1] == 'c')
			level = -1;
		f += 2;
	}
	*fmt = f;
	return level;
}

int vprintk(const char *fmt, va_list args)
{
	char line[LINE_MAX];
	unsigned long flags = 0;
	bool locked = false;
	size_t len = 0;
	int level;
	bool cont;

	level = printk_level(&fmt);
	cont = level < 0;

	if (!READ_ONCE(oops_in_progress)) {
		spin_lock_irqsave(&logbuf_lock, flags);
		locked = true;
	}

	/* A new message ends an unfinished line before starting its own. */
	if (line_open && !cont)
		line[len++] = '\n';
	if (!line_open || !cont) {
		ktime_t now = ktime_get();

		len += scnprintf(line + len, sizeof(line) - len,
				 "[%5llu.%06llu] ",
				(unsigned long long)(now / NSEC_PER_SEC),
				(unsigned long long)((now % NSEC_PER_SEC) /
						     NSEC_PER_USEC));
	}
	len += vscnprintf(line + len, sizeof(line) - len, fmt, args);
	if (len == sizeof(line) - 1)
		line[len - 1] = '\n';	/* truncated: still end the line */
	line_open = len > 0 && line[len - 1] != '\n';

	log_store(line, len);
	if (cont || level <= console_loglevel)
		console_emit(line, len);

	if (locked)
		spin_unlock_irqrestore(&logbuf_lock, flags);
	return (int)len;
}

int printk(const char *fmt, ...)
{
	va_list args;
	int r;

	va_start(args, fmt);
	r = vprintk(fmt, args);
	va_end(args);
	return r;
}
