/* SPDX-License-Identifier: GPL-2.0 */
/* Local APIC vectors and calls (arch/x86/kernel/apic.c). */
#ifndef _ASM_X86_APIC_H
#define _ASM_X86_APIC_H

#define LOCAL_TIMER_VECTOR	0xec
#define SPURIOUS_APIC_VECTOR	0xff

/* Signal end of interrupt to the local APIC. */
void apic_eoi(void);

#endif /* _ASM_X86_APIC_H */
