/* SPDX-License-Identifier: GPL-2.0 */
/*
 * start_kernel(): the boot sequence after head.S, in the order each step
 * needs the one before it:
 *
 *   console -> CPU tables (GDT/TSS/IDT) -> TSC -> boot info + memblock ->
 *   command line -> page tables -> buddy + slab -> a guarded kernel stack
 *   -> scheduler -> LAPIC timer, interrupts on -> APs -> PCI devices ->
 *   network + rxe -> FIT -> the role's services -> cluster membership
 *   (fit_start(): after the services registered their handlers) -> role
 *   check -> ready marker -> bench= / ktest= /
 *   crash= -> idle.
 *
 * The ready marker "tessera: ready role=R node=N" and the end marker in
 * kernel/power.c are fixed strings that host tools wait for.
 */
#include <tessera/bootinfo.h>
#include <tessera/debug_keys.h>
#include <tessera/errno.h>
#include <tessera/ipi.h>
#include <tessera/kernel.h>
#include <tessera/kbench.h>
#include <tessera/ktest.h>
#include <tessera/lockdep.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/net.h>
#include <tessera/node.h>
#include <tessera/panic.h>
#include <tessera/pci.h>
#include <tessera/params.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/processor.h>
#include <tessera/rdma/rdma_cm.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/ulp.h>
#include <tessera/sched.h>
#include <tessera/serial.h>
#include <tessera/slab.h>
#include <tessera/storage.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <asm/fpu.h>
#include <fit/fit.h>
#include <fit/memory.h>
#include <asm/irqflags.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smpboot.h>

#define TESSERA_VERSION	"0.1.0"
#define LOW_MEMORY_END	(1ULL << 20)	/* BIOS, EBDA, AP trampoline */
#define EARLY_MAP_END	(1ULL << 30)	/* what head.S maps */

void start_kernel(u32 magic, u32 info_phys);

extern char boot_stack[], boot_stack_top[];

/* The boot thread; sched_init() turns it into "init", pid 1. */
static struct task init_task = {
	.pid = 0,
	.comm = "swapper/0",
};

static char ktest_spec[128];
PARAM_STRING("ktest", ktest_spec,
	     "run in-kernel test suites at boot: all or NAME[,NAME...]");

static char bench_spec[128];
PARAM_STRING("bench", bench_spec,
	     "run in-kernel micro-benchmarks at boot: all or NAME[,NAME...]");

static char crash_mode[32];
PARAM_STRING("crash", crash_mode,
	     "crash on purpose after boot (CONFIG_CRASH_TEST): nullptr, gpf, divzero, stackoverflow, bug, wrprotect, warn, nested");

static __noreturn void stop_boot(const char *why)
{
	pr_emerg("tessera: cannot continue: %s\n", why);
	machine_halt_with_status(1);
}

static __noreturn void rest_init(void)
{
	int ret;

	sched_init(init_task.stack_base, init_task.stack_top);
	timers_init_cpu(0);
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		lockdep_init();
	ret = apic_timer_init();
	if (ret)
		pr_err("time: no LAPIC timer (%d); sleeping falls back to busy-waiting\n",
		       ret);
	local_irq_enable();
	smp_init();
	nmi_storm_init();
	debug_keys_init();
	ret = serial_input_init();
	if (ret)
		pr_info("serial: no console input (%d): debug keys off\n", ret);
	pci_init();
	net_init();
	/* rxe0, the CM on its QP1, then the boot-time RDMA consumers. */
	if (!rxe_net_init() && !rdma_cm_init()) {
		rdmatest_init();
		rping_init();
	}
	fit_init();
	/* Handlers first: a peer may send a request the moment it connects. */
	storage_init();
	memory_manager_init();
	fit_start();
	processor_manager_init();

	if (node_role == ROLE_NONE)
		stop_boot(param_was_set("role") ? "invalid role=" :
			  "no role= on the command line (accepted: processor, memory, storage)");

	pr_info("tessera: ready role=%s node=%u\n", node_role_name(node_role),
		node_id);
	/* Boot allocations are exempt from injected failures (mm.fail_alloc). */
	mm_fail_alloc_arm();

	if (bench_spec[0]) {
		ret = kbench_run(bench_spec);
		machine_halt_with_status(ret == 0 ? 0 : 1);
	}
	if (ktest_spec[0]) {
		ret = ktest_run(ktest_spec);
		machine_halt_with_status(ret == 0 ? 0 : 1);
	}
	if (crash_mode[0]) {
		if (IS_ENABLED(CONFIG_CRASH_TEST))
			crash_test_run(crash_mode);
		else
			pr_err("crash=%s ignored: built without CONFIG_CRASH_TEST\n",
			       crash_mode);
	}

	/*
	 * The boot thread is done: it sleeps for good and the idle task
	 * halts the CPU when nothing runs (an idle node must not spin).
	 * Halting here instead left a runnable task on CPU 0 that took a
	 * fair share of it, so its idle task never ran and a woken thread
	 * often waited for the end of a slice or the next tick; mlp.py ran
	 * 1.5x longer (Documentation/benchmarks.md, "Where the time goes").
	 */
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule();
	}
}

/* Continue on a new stack; never returns to the old one. */
static __noreturn void run_on_stack(void (*fn)(void), unsigned long top)
{
	__asm__ __volatile__("mov %0, %%rsp\n\t"
			     "xor %%ebp, %%ebp\n\t"
			     "call *%1\n\t"
			     "ud2"
			     : : "r"(top), "r"(fn) : "memory");
	__builtin_unreachable();
}

static void reserve_early_memory(void)
{
	memblock_reserve(0, LOW_MEMORY_END);
	memblock_reserve(__pa(_text), __pa(_end) - __pa(_text));
}

void start_kernel(u32 magic, u32 info_phys)
{
	void *stack;

	init_task.stack_base = (unsigned long)boot_stack;
	init_task.stack_top = (unsigned long)boot_stack_top;
	/* %gs first: current, smp_processor_id() and locks all use it. */
	percpu_init_boot_cpu();
	cpu_info[0].curr_task = &init_task;

	serial_init(115200);
	arch_cpu_init();
	percpu_load(0);		/* reloading segments may clear the %gs base */
	tsc_init();

	reserve_early_memory();
	if (bootinfo_parse(magic, info_phys))
		stop_boot("no usable boot information (see above)");

	pr_info("Tessera %s (gcc %s) booted by %s via %s\n", TESSERA_VERSION,
		__VERSION__, boot_info.loader[0] ? boot_info.loader : "?",
		boot_info.protocol);
	pr_info("Command line: %s\n", boot_info.cmdline);
	if (boot_info.cmdline_truncated)
		pr_warn("cmdline: longer than %d bytes, truncated\n",
			BOOT_CMDLINE_MAX - 1);
	params_parse_cmdline(boot_info.cmdline);
	node_identity_init();
	pr_info("Tessera role=%s node=%u\n", node_role_name(node_role),
		node_id);

	memblock_set_limit(EARLY_MAP_END);
	memblock_dump();
	paging_init();
	memblock_set_limit(memblock_end_of_DRAM());
	mm_init();
	paging_use_buddy();
	kmem_cache_init();
	fpu_init_cpu();
	cpu_protect_init();

	stack = alloc_kernel_stack(THREAD_SIZE);
	if (!stack)
		panic("cannot allocate the boot thread's guarded stack\n");
	init_task.stack_base = (unsigned long)stack;
	init_task.stack_top = (unsigned long)stack + THREAD_SIZE;
	init_task.stack_guarded = true;
	run_on_stack(rest_init, init_task.stack_top);
}
