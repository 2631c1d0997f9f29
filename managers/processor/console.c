/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a program's stdout and stderr go: the second and third serial
 * ports, COM2 (0x2f8) for fd 1 and COM3 (0x3e8) for fd 2, raw bytes with
 * no framing, while COM1 stays the kernel log.  The launcher gives QEMU
 * three -serial options and relays COM2 to its own stdout and COM3 to
 * its stderr, so program output is byte-exact and never mixed with
 * kernel lines.
 *
 * A port that is not there (a node booted by hand with one -serial)
 * is detected with the scratch register; output for it goes to the
 * kernel log instead, one printk per write, prefixed "[stdout] " or
 * "[stderr] ".
 *
 * The program sees its three standard streams as open files (struct
 * ufile with the ops below): stdin at end of file forever, a character
 * device like /dev/null; stdout and stderr what the launcher's own are
 * (processor.stdout= and processor.stderr=): write-only pipes (fstat
 * says FIFO, /proc/self/fd/1 "pipe:[2]"), or character devices like
 * /dev/null when the launcher writes to one (a terminal, /dev/null) or
 * to a regular file, so that libuv takes the path it takes natively
 * (a pipe stream, or synchronous file writes).  Neither is a terminal:
 * ioctl(TCGETS) is -ENOTTY, and glibc fully buffers stdout exactly as
 * it does when the same program runs natively with its output piped.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/uaccess.h>
#include <asm/portio.h>
#include <uapi/poll.h>
#include <uapi/stat.h>

#include "internal.h"
#include "fs.h"

#define UART_THR	0	/* transmit holding register */
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7
#define UART_LSR_THRE	0x20
#define UART_LCR_DLAB	0x80
#define UART_DIV_115200	1
#define THRE_SPINS	100000	/* a stuck port must not hang the writer */
#define WRITE_CHUNK	256	/* bytes copied from the program at a time */

/* What the launcher's stdout or stderr is (processor.stdout=/stderr=). */
enum { STREAM_PIPE, STREAM_CHR };

static const char *const stream_types[] = { "pipe", "chr", NULL };

struct user_port {
	u16 base;
	const char *tag;
	bool present;
	int type;		/* STREAM_*, what fstat says */
	spinlock_t lock;	/* one writer at a time: whole writes stay whole */
};

static struct user_port user_ports[2] = {
	{ .base = 0x2f8, .tag = "stdout" },
	{ .base = 0x3e8, .tag = "stderr" },
};

PARAM_ENUM("processor.stdout", user_ports[0].type, stream_types,
	   "what program stdout is: pipe or chr (a character device like /dev/null); the launcher says what its own stdout is");
PARAM_ENUM("processor.stderr", user_ports[1].type, stream_types,
	   "what program stderr is: pipe or chr, as processor.stdout");

static bool port_probe(u16 base)
{
	outb(0x5a, base + UART_SCR);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(0xa5, base + UART_SCR);
	return inb(base + UART_SCR) == 0xa5;
}

void console_user_init(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(user_ports); i++) {
		struct user_port *p = &user_ports[i];

		spin_lock_init(&p->lock);
		p->present = port_probe(p->base);
		if (!p->present)
			continue;
		outb(0, p->base + UART_IER);
		outb(UART_LCR_DLAB, p->base + UART_LCR);
		outb(UART_DIV_115200, p->base + UART_THR);
		outb(0, p->base + UART_IER);
		outb(0x03, p->base + UART_LCR);		/* 8N1 */
		outb(0xc7, p->base + UART_FCR);		/* FIFO on, cleared */
		outb(0x03, p->base + UART_MCR);		/* DTR, RTS */
	}
	pr_info("processor: program stdout on %s (a %s), stderr on %s (a %s)\n",
		user_ports[0].present ? "COM2" : "the kernel log",
		stream_types[user_ports[0].type],
		user_ports[1].present ? "COM3" : "the kernel log",
		stream_types[user_ports[1].type]);
}

static void port_putc(u16 base, u8 c)
{
	for (unsigned int i = 0; i < THRE_SPINS; i++) {
		if (inb(base + UART_LSR) & UART_LSR_THRE)
			break;
		cpu_relax();
	}
	outb(c, base + UART_THR);
}

long console_user_write(int fd, const char *buf, size_t len)
{
	struct user_port *p = &user_ports[fd == 2];

	if (!p->present) {
		printk(KERN_INFO "[%s] %.*s%s", p->tag, (int)len, buf,
		       len && buf[len - 1] == '\n' ? "" : "\n");
		return len;
	}
	spin_lock(&p->lock);
	for (size_t i = 0; i < len; i++)
		port_putc(p->base, buf[i]);
	spin_unlock(&p->lock);
	return len;
}

/* ------------------------------------------------- the standard streams */

static long stdin_read(struct ufile *f, char __user *ubuf, size_t len,
		       u64 *pos)
{
	return 0;		/* at end of file forever */
}

/* Nothing to wait for: at end of file. */
static u32 stdin_poll(struct ufile *f, struct poll_table *pt)
{
	return POLLIN | POLLRDNORM;
}

/* A character device like /dev/null, inode @ino. */
static void std_chr_fstat(struct uapi_stat *st, u64 ino)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0600;
	st->st_nlink = 1;
	st->st_ino = ino;
	st->st_blksize = PAGE_SIZE;
	st->st_rdev = (1 << 8) | 3;
}

static void stdin_fstat(struct ufile *f, struct uapi_stat *st)
{
	std_chr_fstat(st, 1);
}

static void std_chr_dname(struct ufile *f, char *buf, size_t size)
{
	strscpy(buf, "/dev/null", size);
}

static struct ufile *std_reopen(struct ufile *f, u32 flags)
{
	struct ufile *n = console_std_open(console_std_stream(f), flags);

	return n ? n : ERR_PTR(-ENOMEM);
}

static const struct ufile_ops stdin_ops = {
	.name = "stdin",
	.read = stdin_read,
	.poll = stdin_poll,
	.fstat = stdin_fstat,
	.dname = std_chr_dname,
	.reopen = std_reopen,
};

/* The port number (1 or 2) of an output stream. */
static int out_fd(const struct ufile *f)
{
	return f->priv == &user_ports[1] ? 2 : 1;
}

/* Bytes of @ubuf written to the port, or -EFAULT if none could be. */
static long out_write(struct ufile *f, const char __user *ubuf, size_t len,
		      u64 *pos)
{
	char chunk[WRITE_CHUNK];
	size_t done = 0;

	while (done < len) {
		size_t n = min_t(size_t, len - done, sizeof(chunk));
		size_t left = copy_from_user(chunk, ubuf + done, n);

		if (n - left)
			console_user_write(out_fd(f), chunk, n - left);
		done += n - left;
		if (left)
			return done ? (long)done : -EFAULT;
	}
	return done;
}

/* The ports take every write at once. */
static u32 out_poll(struct ufile *f, struct poll_table *pt)
{
	return POLLOUT | POLLWRNORM;
}

static bool out_is_chr(struct ufile *f)
{
	return ((struct user_port *)f->priv)->type == STREAM_CHR;
}

static void out_fstat(struct ufile *f, struct uapi_stat *st)
{
	if (out_is_chr(f)) {
		std_chr_fstat(st, out_fd(f) + 1);
		return;
	}
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_ino = out_fd(f) + 1;
	st->st_blksize = PAGE_SIZE;
}

static void out_dname(struct ufile *f, char *buf, size_t size)
{
	if (out_is_chr(f))
		std_chr_dname(f, buf, size);
	else
		snprintf(buf, size, "pipe:[%d]", out_fd(f) + 1);
}

static const struct ufile_ops out_ops = {
	.name = "console",
	.write = out_write,
	.poll = out_poll,
	.fstat = out_fstat,
	.dname = out_dname,
	.reopen = std_reopen,
};

struct ufile *console_std_open(int fd, u32 flags)
{
	if (fd == 0)
		return ufile_alloc_ops(&stdin_ops, NULL, flags);
	return ufile_alloc_ops(&out_ops, &user_ports[fd == 2], flags);
}

int console_std_stream(const struct ufile *f)
{
	if (f->ops == &stdin_ops)
		return 0;
	return f->ops == &out_ops ? out_fd(f) : -1;
}
