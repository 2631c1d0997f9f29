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
 */
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <asm/portio.h>

#include "internal.h"

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

struct user_port {
	u16 base;
	const char *tag;
	bool present;
	spinlock_t lock;	/* one writer at a time: whole writes stay whole */
};

static struct user_port user_ports[2] = {
	{ .base = 0x2f8, .tag = "stdout" },
	{ .base = 0x3e8, .tag = "stderr" },
};

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
	pr_info("processor: program stdout on %s, stderr on %s\n",
		user_ports[0].present ? "COM2" : "the kernel log",
		user_ports[1].present ? "COM3" : "the kernel log");
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
