/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debug keys: single characters typed on the serial console (COM1) that
 * make the kernel print something on request, like Linux's magic SysRq
 * on a serial line.  The UART's receive interrupt queues the character
 * (debug_key_input()); the "keyd" kernel thread runs the handler, so
 * handlers run in process context and may sleep.
 *
 *	debug_key_register('f', "FIT counters", fit_dump_stats);
 *
 * 'h' (and '?') lists the keys; an unknown key says so in one line.
 * The launcher sends keys on request: Ctrl-\ (SIGQUIT) to `tessera
 * boot|cluster|run` sends "fp" to every node (Documentation/debugging.md).
 */
#ifndef _TESSERA_DEBUG_KEYS_H
#define _TESSERA_DEBUG_KEYS_H

/*
 * Run @fn when @key is typed.  0, -EINVAL (not a lowercase letter or
 * digit, or 'h'), -EBUSY (taken), -ENOSPC.
 */
int debug_key_register(char key, const char *what, void (*fn)(void));

/* A character arrived (any context, interrupts off is fine). */
void debug_key_input(char c);

/* Start the keyd thread (after the scheduler is up). */
void debug_keys_init(void);

#endif /* _TESSERA_DEBUG_KEYS_H */
