# SPDX-License-Identifier: GPL-2.0
#
# gdb commands for a Tessera node under QEMU's gdbstub.  Loaded by the
# command `tools/tessera ... --gdb` prints:
#
#	gdb build/tessera.elf -x scripts/gdb/tessera.py \
#		-ex 'target remote 127.0.0.1:PORT'
#
# or by hand with `source scripts/gdb/tessera.py`.  Every command reads the
# kernel's own structures through the ELF's debug information, so it works
# on a stopped node at any point after the structures it reads are set up.
#
#	tessera-dmesg	the kernel log buffer (kernel/printk.c), oldest first
#	tessera-tasks	every task (kernel/sched/core.c all_tasks), by CPU,
#			with the one each CPU's run queue is running
#	tessera-uregs	the user registers of the current task of the CPU
#			gdb has selected (a user thread in the kernel)
#
# QEMU shows each CPU as a gdb thread: thread N is CPU N-1.
# See Documentation/debugging.md.

import gdb

TASK_STATES = (
	(0x01, "S"),		# TASK_INTERRUPTIBLE
	(0x02, "D"),		# TASK_UNINTERRUPTIBLE
	(0x04, "N"),		# TASK_NEW
	(0x08, "X"),		# TASK_DEAD
)
PF_KTHREAD = 0x01
PF_IDLE = 0x02

# struct pt_regs, in entry.S's order (arch/x86/include/asm/ptrace.h).
UREGS = ("rip", "rsp", "rflags", "rax", "rbx", "rcx", "rdx", "rsi", "rdi",
	 "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	 "orig_rax", "cs", "ss")


def symbol_value(name):
	"""Value of a (possibly file-static) kernel variable, or a gdb.error
	that says which symbol is missing."""
	try:
		return gdb.parse_and_eval(f"'{name}'")
	except gdb.error:
		raise gdb.GdbError(f"no symbol {name}: is this the node's "
				   f"tessera.elf, built with -g?")


def array_len(value):
	lo, hi = value.type.strip_typedefs().range()
	return hi - lo + 1


def list_entries(head, type_name, member):
	"""The structs of @type_name linked through their list_head @member
	on the list @head (a struct list_head value), like
	list_for_each_entry."""
	ptr_type = gdb.lookup_type(type_name).pointer()
	offset = None
	for f in gdb.lookup_type(type_name).fields():
		if f.name == member:
			offset = f.bitpos // 8
	if offset is None:
		raise gdb.GdbError(f"{type_name} has no member {member}")
	head_addr = int(head.address)
	node = head["next"]
	seen = 0
	while int(node) != head_addr:
		if int(node) == 0:
			raise gdb.GdbError("NULL in the task list: not set up yet?")
		yield gdb.Value(int(node) - offset).cast(ptr_type).dereference()
		node = node["next"]
		seen += 1
		if seen > 1000000:
			raise gdb.GdbError("task list does not end: corrupt?")


def task_state(task):
	state = int(task["state"])
	if state == 0:
		return "R"
	return "".join(c for bit, c in TASK_STATES if state & bit) or \
		hex(state)


def read_string(array):
	return array.string(length=array_len(array)).split("\0")[0]


class TesseraDmesg(gdb.Command):
	"""Print the kernel log buffer, oldest line first.

Reads log_buf and log_head (kernel/printk.c): the last sizeof(log_buf)
bytes ever logged, as printk_log_copy() would hand them out."""

	def __init__(self):
		super().__init__("tessera-dmesg", gdb.COMMAND_DATA)

	def invoke(self, arg, from_tty):
		buf = symbol_value("log_buf")
		head = int(symbol_value("log_head"))
		size = array_len(buf)
		n = min(head, size)
		if n == 0:
			gdb.write("(log is empty)\n")
			return
		mem = gdb.selected_inferior().read_memory(buf.address, size)
		data = bytes(mem)
		start = (head - n) % size
		text = data[start:start + n] if start + n <= size else \
			data[start:] + data[:start + n - size]
		out = text.decode("utf-8", "replace")
		gdb.write(out if out.endswith("\n") else out + "\n")


class TesseraTasks(gdb.Command):
	"""List every task by CPU: pid, state, flags, comm.

'>' marks the task a CPU's run queue is running (rq->curr).  State:
R runnable/running, S interruptible sleep, D uninterruptible, N new
(never woken), X dead.  Kind: k kernel thread, i idle, u user thread."""

	def __init__(self):
		super().__init__("tessera-tasks", gdb.COMMAND_DATA)

	def invoke(self, arg, from_tty):
		rqs = symbol_value("runqueues")
		curr = {}
		for cpu in range(array_len(rqs)):
			t = rqs[cpu]["curr"]
			if int(t):
				curr[int(t)] = cpu
		by_cpu = {}
		for t in list_entries(symbol_value("all_tasks"), "struct task",
				      "tasks"):
			by_cpu.setdefault(int(t["cpu"]), []).append(t)
		if not by_cpu:
			gdb.write("(no tasks yet: sched_init() has not run)\n")
			return
		gdb.write("CPU    PID ST KIND COMM\n")
		for cpu in sorted(by_cpu):
			for t in by_cpu[cpu]:
				flags = int(t["flags"])
				kind = "i" if flags & PF_IDLE else \
					"u" if int(t["user_ctx"]) else \
					"k" if flags & PF_KTHREAD else "-"
				mark = ">" if curr.get(int(t.address)) == cpu \
					else " "
				gdb.write(f"{cpu:3d}{mark}{int(t['pid']):6d} "
					  f"{task_state(t):2s} {kind:4s} "
					  f"{read_string(t['comm'])}\n")


class TesseraUregs(gdb.Command):
	"""Print the user registers of the current task of the selected CPU.

A user thread that entered the kernel (system call, interrupt, exception)
has its ring-3 registers in the struct pt_regs at the top of its kernel
stack (arch/x86/kernel/syscall_64.S).  Select a CPU first with
`thread N` (CPU N-1)."""

	def __init__(self):
		super().__init__("tessera-uregs", gdb.COMMAND_DATA)

	def invoke(self, arg, from_tty):
		thread = gdb.selected_thread()
		if thread is None:
			raise gdb.GdbError("no CPU selected (not attached?)")
		cpu = thread.num - 1
		infos = symbol_value("cpu_info")
		if not 0 <= cpu < array_len(infos):
			raise gdb.GdbError(f"CPU {cpu}: no cpu_info")
		task = infos[cpu]["curr_task"]
		if int(task) == 0:
			raise gdb.GdbError(f"CPU {cpu}: no current task yet")
		name = read_string(task["comm"])
		if int(task["user_ctx"]) == 0:
			gdb.write(f"CPU {cpu}: {name} (pid {int(task['pid'])}) "
				  f"is a kernel thread: no user registers\n")
			return
		if int(gdb.parse_and_eval("$cs")) & 3 == 3:
			gdb.write(f"CPU {cpu} is in user mode: its own registers "
				  f"are the user registers (info registers)\n")
			return
		regs_type = gdb.lookup_type("struct pt_regs")
		addr = int(task["stack_top"]) - regs_type.sizeof
		regs = gdb.Value(addr).cast(regs_type.pointer()).dereference()
		gdb.write(f"CPU {cpu}: {name} (pid {int(task['pid'])}), "
			  f"pt_regs at {addr:#x}\n")
		for r in UREGS:
			gdb.write(f"{r:8s} {int(regs[r]) & (2**64 - 1):#018x}\n")


TesseraDmesg()
TesseraTasks()
TesseraUregs()
