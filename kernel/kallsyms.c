/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallsyms: address <-> symbol lookups over the table that
 * scripts/kallsyms.py generates at link time (see <tessera/kallsyms.h>).
 *
 * The table is read-only data in .rodata.kallsyms, built from the first
 * link pass; nothing here allocates or locks, so the oops path can use it
 * at any time.  The lookup core takes a struct kallsyms_table and has no
 * other dependency, so the host test links this file as is and supplies
 * its own kallsyms_* arrays.  sprint_symbol() formats by hand rather than
 * through vsnprintf because vsnprintf's %pS calls it.
 */
#include <tessera/kallsyms.h>

/* Emitted by scripts/kallsyms.py (build/kallsyms*.S). */
extern const u64 kallsyms_num_syms;
extern const u64 kallsyms_addresses[];
extern const u64 kallsyms_sizes[];
extern const u32 kallsyms_name_offsets[];
extern const char kallsyms_names[];

static struct kallsyms_table kernel_table(void)
{
	struct kallsyms_table t = {
		.nr_syms = kallsyms_num_syms,
		.addresses = kallsyms_addresses,
		.sizes = kallsyms_sizes,
		.name_offsets = kallsyms_name_offsets,
		.names = kallsyms_names,
	};

	return t;
}

bool kallsyms_table_lookup(const struct kallsyms_table *table,
			   unsigned long addr, const char **name,
			   unsigned long *offset, unsigned long *size)
{
	unsigned long lo = 0, hi = table->nr_syms;
	unsigned long i;

	if (!table->nr_syms || addr < table->addresses[0])
		return false;

	/* Invariant: addresses[lo] <= addr, and addresses[hi] > addr. */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (table->addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	i = lo;
	if (addr - table->addresses[i] >= table->sizes[i])
		return false;

	if (name)
		*name = table->names + table->name_offsets[i];
	if (offset)
		*offset = addr - table->addresses[i];
	if (size)
		*size = table->sizes[i];
	return true;
}

static bool names_equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

unsigned long kallsyms_table_lookup_name(const struct kallsyms_table *table,
					 const char *name)
{
	unsigned long i;

	for (i = 0; i < table->nr_syms; i++) {
		if (names_equal(table->names + table->name_offsets[i], name))
			return table->addresses[i];
	}
	return 0;
}

bool kallsyms_lookup(unsigned long addr, const char **name,
		     unsigned long *offset, unsigned long *size)
{
	struct kallsyms_table t = kernel_table();

	return kallsyms_table_lookup(&t, addr, name, offset, size);
}

unsigned long kallsyms_lookup_name(const char *name)
{
	struct kallsyms_table t = kernel_table();

	return kallsyms_table_lookup_name(&t, name);
}

bool kallsyms_is_text(unsigned long addr)
{
	return kallsyms_lookup(addr, NULL, NULL, NULL);
}

/* Append to buf[*pos] (always NUL-terminated when size > 0). */
static void put_str(char *buf, size_t size, size_t *pos, const char *s)
{
	for (; *s; s++, (*pos)++) {
		if (*pos + 1 < size)
			buf[*pos] = *s;
	}
	if (size)
		buf[*pos + 1 < size ? *pos : size - 1] = '\0';
}

static void put_hex(char *buf, size_t size, size_t *pos, unsigned long v)
{
	char tmp[2 + 16 + 1];
	char *p = tmp + sizeof(tmp) - 1;

	*p = '\0';
	do {
		*--p = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	put_str(buf, size, pos, p);
}

/*
 * "name+0xoff/0xsize" for a kernel text address, else "0x<hex>".  Returns
 * the length of the full string (like snprintf; the buffer may truncate).
 */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	const char *name;
	unsigned long offset, symsize;
	size_t pos = 0;

	if (size)
		buf[0] = '\0';
	if (!kallsyms_lookup(addr, &name, &offset, &symsize)) {
		put_hex(buf, size, &pos, addr);
		return pos;
	}
	put_str(buf, size, &pos, name);
	put_str(buf, size, &pos, "+");
	put_hex(buf, size, &pos, offset);
	put_str(buf, size, &pos, "/");
	put_hex(buf, size, &pos, symsize);
	return pos;
}
