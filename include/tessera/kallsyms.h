/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallsyms: the kernel's own symbol table, for symbolic oopses and %pS.
 *
 * scripts/kallsyms.py turns `nm -n -S --defined-only` output of the first
 * link pass into assembler tables in .rodata.kallsyms (text symbols only,
 * sorted by address); the second link pass includes them.  The lookup
 * core works on a struct kallsyms_table so that it can be tested on the
 * host with hand-built tables (tests/host/test_kallsyms.c).
 */
#ifndef _TESSERA_KALLSYMS_H
#define _TESSERA_KALLSYMS_H

#include <tessera/types.h>

#define KSYM_NAME_LEN		128
/* Longest "name+0xoff/0xsize" string, including the NUL. */
#define KSYM_SYMBOL_LEN		(KSYM_NAME_LEN + 2 * 19 + 2)

struct kallsyms_table {
	unsigned long nr_syms;
	const u64 *addresses;		/* sorted ascending */
	const u64 *sizes;		/* bytes covered by each symbol */
	const u32 *name_offsets;	/* into names */
	const char *names;		/* NUL-terminated strings */
};

/*
 * Find the symbol covering @addr in @table: the last symbol whose start is
 * <= @addr, provided @addr < start + size.  On success fills *name,
 * *offset (addr - start) and *size (any may be NULL) and returns true.
 */
bool kallsyms_table_lookup(const struct kallsyms_table *table,
			   unsigned long addr, const char **name,
			   unsigned long *offset, unsigned long *size);

/* Address of the symbol called @name in @table, or 0. */
unsigned long kallsyms_table_lookup_name(const struct kallsyms_table *table,
					 const char *name);

/* The same on the kernel's own table; false/0 outside kernel text. */
bool kallsyms_lookup(unsigned long addr, const char **name,
		     unsigned long *offset, unsigned long *size);
unsigned long kallsyms_lookup_name(const char *name);

/* Is @addr inside a symbol of the kernel's text? */
bool kallsyms_is_text(unsigned long addr);

/*
 * Write "name+0xoff/0xsize", or "0x<hex>" for an address outside kernel
 * text; returns the untruncated length like snprintf.  Also declared in
 * <tessera/kernel.h> for %pS.
 */
int sprint_symbol(char *buf, size_t size, unsigned long addr);

#endif /* _TESSERA_KALLSYMS_H */
