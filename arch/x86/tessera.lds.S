/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel image layout.  Linked at KERNEL_VIRT_BASE (higher half), loaded at
 * KERNEL_PHYS_BASE: every output section has AT(virt - __START_KERNEL_map),
 * so GRUB (multiboot2) and QEMU's PVH loader, which both load by p_paddr,
 * put it at the right physical place.
 *
 * Segments are split by permission so that paging can map text RX,
 * rodata R and data/bss RW+NX (arch/x86/mm/init.c).  Each starts on a page
 * boundary.  The multiboot2 header must lie in the first 32 KiB of the file,
 * hence .head.text comes first.
 */
#include <asm/page.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(pvh_start32)

PHDRS {
	text PT_LOAD FLAGS(5);		/* R-X */
	rodata PT_LOAD FLAGS(4);	/* R-- */
	data PT_LOAD FLAGS(6);		/* RW- */
	note PT_NOTE FLAGS(4);
}

SECTIONS
{
	. = KERNEL_VIRT_BASE;

	.text : AT(ADDR(.text) - __START_KERNEL_map) {
		_text = .;
		KEEP(*(.multiboot2))
		*(.head.text)
		*(.text .text.*)
		. = ALIGN(16);
		_etext = .;
	} :text

	. = ALIGN(PAGE_SIZE);
	.rodata : AT(ADDR(.rodata) - __START_KERNEL_map) {
		__start_rodata = .;
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__start___param = .;
		KEEP(*(__param))
		__stop___param = .;
		. = ALIGN(8);
		__start___bug_table = .;
		KEEP(*(__bug_table))
		__stop___bug_table = .;
		. = ALIGN(8);
		__start_ktest_suites = .;
		KEEP(*(ktest_suites))
		__stop_ktest_suites = .;
		. = ALIGN(8);
		__start_kbench_list = .;
		KEEP(*(kbench_list))
		__stop_kbench_list = .;
		. = ALIGN(8);
		__start_pci_drivers = .;
		KEEP(*(pci_drivers))
		__stop_pci_drivers = .;
		. = ALIGN(8);
		*(.rodata.kallsyms)
	} :rodata

	.note : AT(ADDR(.note) - __START_KERNEL_map) {
		KEEP(*(.note.Xen))
	} :rodata :note

	. = ALIGN(PAGE_SIZE);
	__end_rodata = .;

	.data : AT(ADDR(.data) - __START_KERNEL_map) {
		_sdata = .;
		*(.data.page_aligned)
		. = ALIGN(64);
		__per_cpu_start = .;
		*(.data.percpu)
		. = ALIGN(64);
		__per_cpu_end = .;
		*(.data .data.*)
		_edata = .;
	} :data

	. = ALIGN(PAGE_SIZE);
	.bss : AT(ADDR(.bss) - __START_KERNEL_map) {
		__bss_start = .;
		*(.bss.page_aligned)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(PAGE_SIZE);
		__bss_stop = .;
	} :data

	_end = .;

	/DISCARD/ : {
		*(.note.GNU-stack)
		*(.note.gnu.property)
		*(.comment)
		*(.eh_frame)
	}
}
