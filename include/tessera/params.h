/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel command-line parameters (kernel/params.c).
 *
 * A subsystem declares a tunable next to the variable it sets:
 *
 *	static unsigned int pcache_ways = CONFIG_PCACHE_WAYS;
 *	PARAM_UINT("pcache.ways", pcache_ways, 1, 64, "pcache associativity");
 *
 * The macro puts a const struct kernel_param into the linker section
 * "__param"; at boot params_parse_cmdline() matches every token of the
 * command line against all of them, once.  The variable's initial value
 * is the default and is kept whenever the given value is bad, with a
 * one-line "cmdline: ..." error that names the parameter (and, for an
 * enum, the accepted values).  Bad input never crashes the parser.
 *
 * Syntax: tokens separated by whitespace, each `name=value`,
 * `name="value with spaces"` or a bare `name` (BOOL only: sets it true).
 * A repeated parameter: the last valid value wins.  A bare `--` ends the
 * kernel's part of the line; what follows is left for init.
 */
#ifndef _TESSERA_PARAMS_H
#define _TESSERA_PARAMS_H

#include <tessera/compiler.h>

enum param_type {
	PARAM_BOOL,	/* bool: 1/0 y/n yes/no on/off true/false, any case */
	PARAM_UINT,	/* unsigned int: decimal or 0x hex */
	PARAM_SIZE,	/* unsigned long long: number with K/M/G/T suffix */
	PARAM_ENUM,	/* int-sized: index of the value in choices[] */
	PARAM_STRING,	/* char[maxlen], NUL-terminated */
};

struct kernel_param {
	const char *name;		/* may contain dots: "pcache.ways" */
	enum param_type type;
	void *var;
	const char *const *choices;	/* ENUM: NULL-terminated names */
	unsigned long long min, max;	/* UINT/SIZE, inclusive; max 0: none */
	size_t maxlen;			/* STRING: buffer size incl. NUL */
	const char *help;
};

/* params_parse() flags */
#define PARAMS_IGNORE_UNKNOWN	0x1	/* other tables parse the same line */

/*
 * Parse cmdline (not modified; NULL is an empty line) against table[nr]
 * and set the variables of the parameters it names.  Every problem is
 * passed to report(ctx, msg) as one line without a newline (report may be
 * NULL).  A name not in the table is a problem unless flags has
 * PARAMS_IGNORE_UNKNOWN.  Returns the number of problems (>= 0).
 * Does not sleep or allocate; uses about 1 KiB of stack.
 */
int params_parse(const char *cmdline, const struct kernel_param *table,
		 size_t nr, unsigned int flags,
		 void (*report)(void *ctx, const char *msg), void *ctx);

/*
 * Parse the boot command line against every PARAM_*() in the kernel,
 * reporting problems with pr_err("cmdline: ...").  Call once, early, before
 * the first reader of a parameter.  Returns the number of problems.
 */
int params_parse_cmdline(const char *cmdline);

/* True if name was given a valid value by params_parse_cmdline(). */
bool param_was_set(const char *name);

/*
 * Write p's current value into buf in a form the parser accepts back
 * ("y", "4096", "256M", "processor", "\"two words\""); an ENUM holding a
 * negative index (a "not given" default) prints "(unset)".  Returns the
 * length written, as scnprintf().
 */
int param_format_value(const struct kernel_param *p, char *buf, size_t size);

/* pr_info one line per parameter: "param name=value", "(default)" if unset. */
void params_dump(void);

/* Parameters beyond this many still parse, but param_was_set() is false. */
#define PARAMS_MAX_TRACKED	256

#define __PARAM_CONCAT2(a, b)	a##b
#define __PARAM_CONCAT(a, b)	__PARAM_CONCAT2(a, b)
#define __PARAM_ID		__PARAM_CONCAT(__param_, __COUNTER__)

#define __PARAM_DEFINE(id, _name, _type, _var, _choices, _min, _max,	\
		       _maxlen, _help)					\
	static const struct kernel_param id				\
	__used __section("__param") __aligned(8) = {			\
		.name = _name,						\
		.type = _type,						\
		.var = _var,						\
		.choices = _choices,					\
		.min = _min,						\
		.max = _max,						\
		.maxlen = _maxlen,					\
		.help = _help,						\
	}

/* The conditional makes a wrongly typed variable a compile error. */
#define PARAM_BOOL(name, var, help)					\
	__PARAM_DEFINE(__PARAM_ID, name, PARAM_BOOL,			\
		       (void *)(1 ? &(var) : (bool *)NULL),		\
		       NULL, 0, 0, 0, help)

#define PARAM_UINT(name, var, min, max, help)				\
	__PARAM_DEFINE(__PARAM_ID, name, PARAM_UINT,			\
		       (void *)(1 ? &(var) : (unsigned int *)NULL),	\
		       NULL, min, max, 0, help)

#define PARAM_SIZE(name, var, min, max, help)				\
	__PARAM_DEFINE(__PARAM_ID, name, PARAM_SIZE,			\
		       (void *)(1 ? &(var) : (unsigned long long *)NULL), \
		       NULL, min, max, 0, help)

/* var: an int or an enum whose values index choices. */
#define PARAM_ENUM(name, var, choices, help)				\
	_Static_assert(sizeof(var) == sizeof(int),			\
		       "PARAM_ENUM variable must be int-sized");	\
	__PARAM_DEFINE(__PARAM_ID, name, PARAM_ENUM, (void *)&(var),	\
		       choices, 0, 0, 0, help)

/* buf: a char array; its size bounds the value. */
#define PARAM_STRING(name, buf, help)					\
	_Static_assert(!__builtin_types_compatible_p(__typeof__(buf),	\
						     __typeof__(&(buf)[0])), \
		       "PARAM_STRING needs a char array");		\
	__PARAM_DEFINE(__PARAM_ID, name, PARAM_STRING,			\
		       (void *)(1 ? &(buf)[0] : (char *)NULL),		\
		       NULL, 0, 0, sizeof(buf), help)

#endif /* _TESSERA_PARAMS_H */
