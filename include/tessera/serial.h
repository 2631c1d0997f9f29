/* SPDX-License-Identifier: GPL-2.0 */
/* The 16550 serial console (drivers/tty/serial.c). */
#ifndef _TESSERA_SERIAL_H
#define _TESSERA_SERIAL_H

/* Probe COM1, program it and register it as a console; 0 or -ENODEV if absent. */
int serial_init(unsigned int baud);

#endif /* _TESSERA_SERIAL_H */
