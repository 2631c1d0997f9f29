/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-test shim for <asm/percpu.h>: one CPU, whose struct cpu_info is an
 * ordinary variable (host_cpu_info, defined by the test that needs it)
 * instead of the block %gs points at.  The kernel's header gives the
 * struct and the offsets; its %gs accessors are replaced here, so
 * current, the preempt count and smp_processor_id() read and write
 * host_cpu_info's fields.  this_cpu_info() and this_cpu_offset() keep
 * their %gs reads: a host test must not call them.
 */
#ifndef _HOST_ASM_PERCPU_H
#define _HOST_ASM_PERCPU_H

#include <tessera/types.h>
#include "../../../../arch/x86/include/asm/percpu.h"

extern struct cpu_info host_cpu_info;

#undef __gs_read
#undef __gs_write
#define __gs_read(off, type)						\
	(*(type *)((char *)&host_cpu_info + (off)))
#define __gs_write(off, v)						\
	(*(__typeof__(v) *)((char *)&host_cpu_info + (off)) = (v))

#endif /* _HOST_ASM_PERCPU_H */
