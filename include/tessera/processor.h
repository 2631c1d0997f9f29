/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processor manager (managers/processor/): user processes and
 * threads, the Linux system-call interface, and local mode.
 * Documentation/processor.md describes it.
 */
#ifndef _TESSERA_PROCESSOR_H
#define _TESSERA_PROCESSOR_H

/*
 * Turn on ring 3 on every CPU (SYSCALL MSRs), install the user
 * exception hook, and, on a processor node booted with a program
 * archive as boot module, start running its programs (local mode; the
 * node powers off after the last one).  Called once from rest_init()
 * after the fabric is up.
 */
void processor_manager_init(void);

#endif /* _TESSERA_PROCESSOR_H */
