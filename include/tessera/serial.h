/* SPDX-License-Identifier: GPL-2.0 */
/* The 16550 serial console (drivers/tty/serial.c). */
#ifndef _TESSERA_SERIAL_H
#define _TESSERA_SERIAL_H

/* Probe COM1, program it and register it as a console; 0 or -ENODEV if absent. */
int serial_init(unsigned int baud);
/*
 * Take COM1's receive interrupt (ISA IRQ 4 through the IOAPIC) and feed
 * the debug keys.  After smp_init().  0 or -errno (no UART, no IOAPIC).
 */
int serial_input_init(void);

struct pt_regs;
/*
 * Route ISA IRQ @isa_irq (a UART's) to a new vector handled by @handler,
 * masked: the caller enables the device's interrupt, then calls
 * ioapic_unmask() on the returned GSI.  The GSI, or -errno (no IOAPIC,
 * no free vector).
 */
int serial_isa_irq_request(unsigned int isa_irq,
			   void (*handler)(struct pt_regs *regs,
					   unsigned int vector));

#endif /* _TESSERA_SERIAL_H */
