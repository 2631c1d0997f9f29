/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BUG() and WARN(): assertions that report with an oops-style dump.
 *
 * Both are a `ud2` instruction plus an entry in the __bug_table section
 * naming the file and line of the call site.  The invalid-opcode handler
 * (arch/x86/kernel/traps.c) looks the faulting address up with
 * find_bug():
 *   - a BUG entry prints "kernel BUG at file:line!" and oopses (fatal);
 *   - a WARN entry prints "WARNING: CPU: n PID: n at file:line func",
 *     registers and a call trace, then skips the ud2 and carries on.
 *
 * Use BUG_ON only for our own corrupted invariants; anything a peer or a
 * user can cause must be an error return (STYLE.md items 8 and 9).
 * WARN_ON(cond) evaluates to !!cond, so it can guard an early return.
 */
#ifndef _TESSERA_BUG_H
#define _TESSERA_BUG_H

#include <tessera/compiler.h>

#define BUGFLAG_WARNING		(1 << 0)
#define BUGFLAG_NO_CUT_HERE	(1 << 1)	/* warn_printk printed it */

/* One __bug_table entry; written by the asm below, 24 bytes each. */
struct bug_entry {
	unsigned long addr;		/* address of the ud2 */
	const char *file;
	unsigned short line;
	unsigned short flags;
	unsigned int reserved;
};

/*
 * Host tests link as PIE: there the table's absolute addresses need
 * run-time relocation, so its section is writable ("aw"), or ld makes
 * the text relocatable (DT_TEXTREL) and warns.
 */
#ifdef HOST_TEST
#define __BUG_SECTION_FLAGS	"aw"
#else
#define __BUG_SECTION_FLAGS	"a"
#endif

#define __BUG_ENTRY(flags)						\
	__asm__ __volatile__("1:\tud2\n"				\
		"\t.pushsection __bug_table, \"" __BUG_SECTION_FLAGS "\"\n" \
		"\t.balign 8\n"						\
		"\t.quad 1b\n"						\
		"\t.quad %c0\n"						\
		"\t.word %c1\n"						\
		"\t.word %c2\n"						\
		"\t.long 0\n"						\
		"\t.popsection"						\
		: : "i"(__FILE__), "i"(__LINE__), "i"(flags) : "memory")

#define BUG() do {							\
	__BUG_ENTRY(0);							\
	__builtin_unreachable();					\
} while (0)

#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		BUG();							\
} while (0)

#define __WARN()	__BUG_ENTRY(BUGFLAG_WARNING)

#define WARN_ON(cond) ({						\
	bool __ret_warn_on = !!(cond);					\
	if (unlikely(__ret_warn_on))					\
		__WARN();						\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(cond) ({						\
	static bool __warned;						\
	bool __ret_warn_once = !!(cond);				\
	if (unlikely(__ret_warn_once && !__warned)) {			\
		__warned = true;					\
		__WARN();						\
	}								\
	unlikely(__ret_warn_once);					\
})

/* WARN with a message, printed (KERN_WARNING) before the report. */
#define WARN(cond, fmt, ...) ({						\
	bool __ret_warn = !!(cond);					\
	if (unlikely(__ret_warn)) {					\
		warn_printk(fmt, ##__VA_ARGS__);			\
		__BUG_ENTRY(BUGFLAG_WARNING | BUGFLAG_NO_CUT_HERE);	\
	}								\
	unlikely(__ret_warn);						\
})

/* The "cut here" line and the message of WARN(); kernel/panic.c. */
__printf(1, 2) void warn_printk(const char *fmt, ...);

/* The __bug_table entry for a ud2 at @addr, or NULL (kernel/panic.c). */
const struct bug_entry *find_bug(unsigned long addr);

#endif /* _TESSERA_BUG_H */
