/* SPDX-License-Identifier: GPL-2.0 */
/* Local APIC vectors and calls (arch/x86/kernel/apic.c). */
#ifndef _ASM_X86_APIC_H
#define _ASM_X86_APIC_H

#include <tessera/types.h>

#define LOCAL_TIMER_VECTOR	0xec
#define RESCHEDULE_VECTOR	0xfd
#define CALL_FUNCTION_VECTOR	0xfc
#define TLB_SHOOTDOWN_VECTOR	0xfb
#define SPURIOUS_APIC_VECTOR	0xff

/* ICR delivery modes (bits 8-10) and level/trigger bits. */
#define APIC_DM_FIXED		0x00000
#define APIC_DM_NMI		0x00400
#define APIC_DM_INIT		0x00500
#define APIC_DM_STARTUP		0x00600
#define APIC_INT_ASSERT		0x04000
#define APIC_INT_LEVELTRIG	0x08000

/* Signal end of interrupt to the local APIC. */
void apic_eoi(void);
/* This CPU's APIC id. */
u32 apic_read_id(void);
/* Send @vector with delivery @mode to @apic_id. 0, -ENODEV or -EIO. */
int apic_send_ipi(u32 apic_id, u8 vector, u32 mode);
/* Enable and start the tick on the calling CPU (BSP: apic_timer_init). */
void apic_setup_cpu(void);

#endif /* _ASM_X86_APIC_H */
