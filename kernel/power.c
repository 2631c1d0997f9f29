/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stopping the machine.  Every path that ends a boot on purpose (tests
 * done, a fatal command line, panic) ends here, prints the fixed end
 * marker "tessera: end status=<ok|fail|panic>" that host scripts wait for,
 * and then tells QEMU's isa-debug-exit device the status (QEMU exits with
 * 2*status+1).  On hardware without the device the port write does
 * nothing and the CPU halts with interrupts off.
 */
#include <fit/fit.h>
#include <tessera/mm.h>
#include <tessera/netdev.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <asm/irqflags.h>
#include <asm/portio.h>

#define ISA_DEBUG_EXIT_PORT	0xf4

static const char *const status_names[] = { "ok", "fail", "panic" };

void machine_halt_with_status(int status)
{
	const char *name = (status >= 0 && status <= PANIC_EXIT_STATUS) ?
			   status_names[status] : "fail";

	/*
	 * FIT's counters for the log (in-process calls even without a
	 * NIC); never in a panic (locks may be held).
	 */
	if (status != PANIC_EXIT_STATUS)
		fit_dump_stats();
	if (status != PANIC_EXIT_STATUS)
		netdev_dump_all_stats();
	mm_fail_alloc_dump();
	local_irq_disable();
	printk(KERN_EMERG "tessera: end status=%s\n", name);
	if (IS_ENABLED(CONFIG_KTEST_EXIT))
		outl((u32)status, ISA_DEBUG_EXIT_PORT);
	for (;;)
		halt();
}
