/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 16550 UART on COM1 (I/O port 0x3f8), 115200 8N1, polled output.
 *
 * This is the kernel log console: printk() writes every line here.  Output
 * is polled (wait for THR empty, then write) so it works with interrupts
 * off, inside an oops and before the IDT exists.  "\n" becomes "\r\n".
 *
 * Input: once interrupts are routed (serial_input_init(), after the
 * IOAPIC is up), the receive interrupt (ISA IRQ 4) hands every character
 * to the debug keys (include/tessera/debug_keys.h).
 */
#include <tessera/debug_keys.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/serial.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/irqflags.h>
#include <asm/portio.h>
#include <asm/traps.h>

#define COM1_BASE	0x3f8

#define UART_THR	0	/* transmit holding (DLAB=0) */
#define UART_RBR	0	/* receive buffer (DLAB=0) */
#define UART_DLL	0	/* divisor low (DLAB=1) */
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define LSR_DR		0x01	/* a received character waits */
#define LSR_THRE	0x20
#define IER_RDI		0x01	/* interrupt on received data */
#define MCR_DTR_RTS	0x03
#define MCR_OUT2	0x08	/* gates the UART's IRQ line on a PC */
#define COM1_ISA_IRQ	4
#define RX_BURST	64	/* characters taken per interrupt */
#define UART_CLOCK	115200

static u16 uart_base;

static bool uart_present(u16 base)
{
	/* The scratch register keeps what we write only if a UART is there. */
	outb(0x5a, base + UART_SCR);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(0xa5, base + UART_SCR);
	return inb(base + UART_SCR) == 0xa5;
}

static void uart_putc(char c)
{
	unsigned int spins = 0;

	/* Bounded: a wedged UART must not hang the kernel forever. */
	while (!(inb(uart_base + UART_LSR) & LSR_THRE) && spins++ < 1000000)
		cpu_relax();
	outb((u8)c, uart_base + UART_THR);
}

static void serial_console_write(struct console *con, const char *s, size_t len)
{
	if (!uart_base)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

static struct console serial_console = {
	.name = "ttyS0",
	.write = serial_console_write,
};

int serial_init(unsigned int baud)
{
	u16 divisor;

	if (!uart_present(COM1_BASE))
		return -ENODEV;
	if (baud == 0 || baud > UART_CLOCK)
		baud = UART_CLOCK;
	divisor = UART_CLOCK / baud;

	outb(0x00, COM1_BASE + UART_IER);		/* no interrupts */
	outb(LCR_DLAB, COM1_BASE + UART_LCR);
	outb(divisor & 0xff, COM1_BASE + UART_DLL);
	outb(divisor >> 8, COM1_BASE + UART_DLM);
	outb(LCR_8N1, COM1_BASE + UART_LCR);
	outb(0x07, COM1_BASE + UART_FCR);		/* enable + clear FIFOs */
	outb(0x03, COM1_BASE + UART_MCR);		/* DTR, RTS */
	uart_base = COM1_BASE;
	register_console(&serial_console);
	return 0;
}

static void serial_irq(struct pt_regs *regs, unsigned int vector)
{
	unsigned int n = 0;

	while (n++ < RX_BURST && (inb(uart_base + UART_LSR) & LSR_DR))
		debug_key_input((char)inb(uart_base + UART_RBR));
	apic_eoi();
}

int serial_isa_irq_request(unsigned int isa_irq, irq_handler_t handler)
{
	bool level, active_low;
	int v, gsi, ret;

	gsi = ioapic_isa_irq_to_gsi(isa_irq);
	if (gsi < 0)
		return gsi;
	ioapic_isa_irq_mode(isa_irq, &level, &active_low);
	v = irq_alloc_vector();
	if (v < 0)
		return v;
	ret = idt_set_irq_handler(v, handler);
	if (ret)
		goto free_vector;
	ret = ioapic_route_irq(gsi, (u8)v, 0, level, active_low);
	if (ret)
		goto clear_handler;
	return gsi;

clear_handler:
	idt_clear_irq_handler(v);
free_vector:
	irq_free_vector(v);
	return ret;
}

int serial_input_init(void)
{
	int gsi;

	if (!uart_base)
		return -ENODEV;
	gsi = serial_isa_irq_request(COM1_ISA_IRQ, serial_irq);
	if (gsi < 0)
		return gsi;
	/* Drop whatever arrived before, then let characters interrupt. */
	while (inb(uart_base + UART_LSR) & LSR_DR)
		inb(uart_base + UART_RBR);
	outb(MCR_DTR_RTS | MCR_OUT2, uart_base + UART_MCR);
	outb(IER_RDI, uart_base + UART_IER);
	return ioapic_unmask(gsi);
}
