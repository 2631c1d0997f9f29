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
 * ufile with the ops below).  stdin is what processor.stdin= says:
 * "null" (the default), at end of file forever, a character device like
 * /dev/null; or "pipe", the bytes the launcher relays (tessera run
 * --stdin) into COM2's receive side, a read-only pipe.  stdout and
 * stderr are what the launcher's own are
 * (processor.stdout= and processor.stderr=): write-only pipes (fstat
 * says FIFO, /proc/self/fd/1 "pipe:[2]"), or character devices like
 * /dev/null when the launcher writes to one (a terminal, /dev/null) or
 * to a regular file, so that libuv takes the path it takes natively
 * (a pipe stream, or synchronous file writes).  Neither is a terminal:
 * ioctl(TCGETS) is -ENOTTY, and glibc fully buffers stdout exactly as
 * it does when the same program runs natively with its output piped.
 *
 * Relayed stdin: the launcher escapes its bytes on the wire, 0xff as
 * 0xff 0xff, and ends the stream with 0xff 0x00 (end of file); any other
 * pair after 0xff is a protocol error, counted, logged once and dropped.
 * COM2's receive interrupt (ISA IRQ 3) decodes into a 64 KiB ring; when
 * the ring is full it turns the interrupt off, so the bytes wait in the
 * UART and QEMU stops reading the launcher's pipe (flow control end to
 * end, no busy loop); a reader that makes room turns it on again.
 * Reads take what is there, sleep TASK_INTERRUPTIBLE while the ring is
 * empty (-EAGAIN with O_NONBLOCK, -ERESTARTSYS for a signal) and return
 * 0 once the end of file was decoded and the ring drained.  poll says
 * POLLIN while bytes wait and POLLHUP at the end, as a pipe whose writer
 * closed; ioctl(FIONREAD) gives the bytes in the ring.
 *
 * Locking: stdin_rx.lock (a spinlock taken with interrupts off) covers
 * the ring, the decoder and the interrupt enable; stdin_rx.read_lock (a
 * mutex) serialises readers, is held across copies to user memory and
 * dropped while a reader sleeps.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mutex.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/serial.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/uaccess.h>
#include <tessera/wait.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/portio.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/stat.h>

#include "internal.h"
#include "fs.h"

#define UART_THR	0	/* transmit holding register */
#define UART_RBR	0	/* receive buffer */
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7
#define UART_LSR_DR	0x01	/* a received byte waits */
#define UART_LSR_THRE	0x20
#define UART_IER_RDI	0x01	/* interrupt on received data */
#define UART_MCR_OUT2	0x08	/* gates the IRQ line on a PC */
#define COM2_ISA_IRQ	3
#define STDIN_RING	(64 * 1024)	/* bytes decoded, not yet read */
#define STDIN_ESC	0xff	/* launcher's escape: ff ff, ff 00 = EOF */
#define STDIN_EOF	0x00
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

/* What program stdin is (processor.stdin=). */
enum { STDIN_NULL, STDIN_PIPE };

static const char *const stdin_types[] = { "null", "pipe", NULL };

static int stdin_type;
PARAM_ENUM("processor.stdin", stdin_type, stdin_types,
	   "what program stdin is: null (at end of file) or pipe (the bytes tessera run --stdin relays on COM2)");

/* The receive side of COM2 (stdin_type == STDIN_PIPE). */
static struct stdin_rx {
	spinlock_t lock;
	struct mutex read_lock;
	struct wait_queue_head wq;	/* readers and pollers */
	u8 ring[STDIN_RING];		/* protected by lock */
	u32 start, len;			/* protected by lock */
	bool esc;			/* 0xff seen, pair open; lock */
	bool eof;			/* 0xff 0x00 seen; lock */
	bool throttled;			/* interrupt off: ring was full */
	u64 bad_pairs, after_eof;	/* protocol errors; lock */
} stdin_rx;

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

/* One byte from the wire into the ring (caller holds the lock, room). */
static void stdin_rx_byte(struct stdin_rx *s, u8 c)
{
	if (s->eof) {
		s->after_eof++;
		return;
	}
	if (!s->esc && c == STDIN_ESC) {
		s->esc = true;
		return;
	}
	if (s->esc) {
		s->esc = false;
		if (c == STDIN_EOF) {
			s->eof = true;
			return;
		}
		if (c != STDIN_ESC) {
			s->bad_pairs++;
			return;
		}
	}
	s->ring[(s->start + s->len) % STDIN_RING] = c;
	s->len++;
}

static void stdin_irq(struct pt_regs *regs, unsigned int vector)
{
	struct stdin_rx *s = &stdin_rx;
	u16 base = user_ports[0].base;
	u64 bad;
	bool eof;

	spin_lock(&s->lock);
	while (s->len < STDIN_RING && (inb(base + UART_LSR) & UART_LSR_DR))
		stdin_rx_byte(s, inb(base + UART_RBR));
	if (s->len == STDIN_RING && (inb(base + UART_LSR) & UART_LSR_DR)) {
		outb(0, base + UART_IER);
		s->throttled = true;
	}
	bad = s->bad_pairs + s->after_eof;
	eof = s->eof;
	spin_unlock(&s->lock);
	apic_eoi();
	if (bad)
		pr_warn_once("processor: stdin: %llu bytes against the relay protocol dropped (0xff then neither 0xff nor 0x00, or after the end)\n",
			     (unsigned long long)bad);
	wake_up_poll(&s->wq, POLLIN | POLLRDNORM | (eof ? POLLHUP : 0));
}

/* Take COM2's receive interrupt for a relayed stdin; else stdin is EOF. */
static void stdin_rx_init(void)
{
	struct stdin_rx *s = &stdin_rx;
	u16 base = user_ports[0].base;
	int gsi, ret;

	spin_lock_init(&s->lock);
	mutex_init(&s->read_lock);
	init_waitqueue_head(&s->wq);
	if (stdin_type != STDIN_PIPE)
		return;
	gsi = user_ports[0].present ?
	      serial_isa_irq_request(COM2_ISA_IRQ, stdin_irq) : -ENODEV;
	ret = gsi < 0 ? gsi : ioapic_unmask(gsi);
	if (ret) {
		pr_warn("processor: stdin: no COM2 receive interrupt (%d): stdin at end of file\n",
			ret);
		s->eof = true;
		return;
	}
	outb(0x03 | UART_MCR_OUT2, base + UART_MCR);
	outb(UART_IER_RDI, base + UART_IER);
	/* The launcher sends nothing before this line: FCR cleared the FIFO. */
	pr_info("processor: stdin from COM2 (a pipe)\n");
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
	stdin_rx_init();
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

static bool stdin_is_pipe(void)
{
	return stdin_type == STDIN_PIPE;
}

/*
 * Copy up to @len ring bytes into @buf without consuming them; the
 * count.  *@eof: the end was decoded (and nothing more will come).
 */
static u32 stdin_peek(struct stdin_rx *s, u8 *buf, u32 len, bool *eof)
{
	unsigned long flags;
	u32 n;

	spin_lock_irqsave(&s->lock, flags);
	n = min(len, s->len);
	for (u32 i = 0; i < n; i++)
		buf[i] = s->ring[(s->start + i) % STDIN_RING];
	*eof = s->eof;
	spin_unlock_irqrestore(&s->lock, flags);
	return n;
}

/* Drop @n read bytes; turn the interrupt on again if it was off. */
static void stdin_consume(struct stdin_rx *s, u32 n)
{
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	s->start = (s->start + n) % STDIN_RING;
	s->len -= n;
	if (s->throttled) {
		s->throttled = false;
		outb(UART_IER_RDI, user_ports[0].base + UART_IER);
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

static bool stdin_ready(struct stdin_rx *s)
{
	return READ_ONCE(s->len) || READ_ONCE(s->eof);
}

/*
 * Wait, with read_lock held, for bytes or the end: -EAGAIN for an
 * O_NONBLOCK @f, -ERESTARTSYS for a signal pending, else 0 once it
 * slept (dropping read_lock meanwhile), maybe spuriously.
 */
static int stdin_wait(struct ufile *f, struct stdin_rx *s)
{
	struct wait_queue_entry w;

	if (READ_ONCE(f->flags) & O_NONBLOCK)
		return -EAGAIN;
	if (signal_pending())
		return -ERESTARTSYS;
	init_wait_entry(&w, 0);
	prepare_to_wait(&s->wq, &w, TASK_INTERRUPTIBLE);
	mutex_unlock(&s->read_lock);
	if (!stdin_ready(s) && !signal_pending())
		schedule();
	finish_wait(&s->wq, &w);
	mutex_lock(&s->read_lock);
	return 0;
}

/* What the ring holds (at most @len bytes), waiting for some; 0 at EOF. */
static long stdin_read(struct ufile *f, char __user *ubuf, size_t len,
		       u64 *pos)
{
	struct stdin_rx *s = &stdin_rx;
	u8 chunk[WRITE_CHUNK];
	size_t done = 0;
	long ret = 0;
	bool eof;

	if (!stdin_is_pipe() || !len)
		return 0;
	mutex_lock(&s->read_lock);
	while (done < len) {
		u32 n = stdin_peek(s, chunk, min_t(size_t, len - done,
						   sizeof(chunk)), &eof);
		size_t left;

		if (!n) {
			if (done || eof)
				break;
			ret = stdin_wait(f, s);
			if (ret)
				break;
			continue;
		}
		left = copy_to_user(ubuf + done, chunk, n);
		stdin_consume(s, n - left);
		done += n - left;
		if (left) {
			ret = -EFAULT;
			break;
		}
	}
	mutex_unlock(&s->read_lock);
	return done ? (long)done : ret;
}

/* null: nothing to wait for, at end of file; pipe: as a pipe's read end. */
static u32 stdin_poll(struct ufile *f, struct poll_table *pt)
{
	struct stdin_rx *s = &stdin_rx;
	u32 mask = 0;

	if (!stdin_is_pipe())
		return POLLIN | POLLRDNORM;
	poll_wait(f, &s->wq, pt);
	if (READ_ONCE(s->len))
		mask |= POLLIN | POLLRDNORM;
	if (READ_ONCE(s->eof))
		mask |= POLLHUP;
	return mask;
}

static long stdin_ioctl(struct ufile *f, unsigned int cmd, unsigned long arg)
{
	if (cmd != FIONREAD || !stdin_is_pipe())
		return -ENOTTY;
	return put_user_u32(READ_ONCE(stdin_rx.len), (u32 __user *)arg);
}

/* A pipe, or (@chr) a character device like /dev/null; inode @ino. */
static void std_fstat(struct uapi_stat *st, bool chr, u64 ino)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = (chr ? S_IFCHR : S_IFIFO) | 0600;
	st->st_nlink = 1;
	st->st_ino = ino;
	st->st_blksize = PAGE_SIZE;
	if (chr)
		st->st_rdev = (1 << 8) | 3;
}

static void stdin_fstat(struct ufile *f, struct uapi_stat *st)
{
	std_fstat(st, !stdin_is_pipe(), 1);
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

static void stdin_dname(struct ufile *f, char *buf, size_t size)
{
	if (stdin_is_pipe())
		strscpy(buf, "pipe:[1]", size);
	else
		std_chr_dname(f, buf, size);
}

static const struct ufile_ops stdin_ops = {
	.name = "stdin",
	.read = stdin_read,
	.poll = stdin_poll,
	.ioctl = stdin_ioctl,
	.fstat = stdin_fstat,
	.dname = stdin_dname,
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
	std_fstat(st, out_is_chr(f), out_fd(f) + 1);
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
