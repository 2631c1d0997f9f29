/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel command-line parameters: the parser, the boot-time pass over all
 * PARAM_*() definitions, and the dump of current values
 * (<tessera/params.h>).
 *
 * The parser is pure: it reads the line, writes the variables named by
 * the table and reports problems through a callback, so the same code
 * runs in tests/host/test_params.c and kernel/tests/params_test.c with
 * tables of their own.  Only params_parse_cmdline(), param_was_set() and
 * params_dump() know about the "__param" section (bounds provided by the
 * linker as __start___param/__stop___param) and printk.
 *
 * Messages quote user input only after making it printable ASCII and
 * cutting it to SHOW_MAX characters, so one line stays one line.
 */
#include <tessera/params.h>
#include <tessera/bitmap.h>
#include <tessera/ctype.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/string.h>

#define MSG_MAX		256	/* one report line */
#define VALUE_MAX	128	/* a non-string value, NUL included */
#define SHOW_MAX	40	/* characters of user input quoted in a message */

static const char bool_accepted[] =
	"1, 0, y, n, yes, no, on, off, true, false";

/* One whitespace-separated token, pointing into the command line. */
struct param_token {
	const char *text;	/* whole token */
	size_t text_len;
	const char *name;
	size_t name_len;
	bool has_value;		/* an '=' followed the name */
	const char *value;
	size_t value_len;
	bool quoted;
	bool unterminated;	/* opening quote without a closing one */
	bool trailing;		/* characters after the closing quote */
};

struct parse_state {
	const struct kernel_param *table;
	size_t nr;
	unsigned int flags;
	void (*report)(void *ctx, const char *msg);
	void *ctx;
	int problems;
	unsigned long *seen;	/* PARAMS_MAX_TRACKED bits: set in this parse */
};

/* Copy s[0..len) into dst for quoting: printable ASCII, at most SHOW_MAX. */
static const char *show(char *dst, size_t size, const char *s, size_t len)
{
	size_t n = min(len, (size_t)SHOW_MAX), i;

	if (n + 4 > size)
		n = size > 4 ? size - 4 : 0;
	for (i = 0; i < n; i++)
		dst[i] = isprint(s[i]) ? s[i] : '?';
	if (n < len) {
		dst[i++] = '.';
		dst[i++] = '.';
		dst[i++] = '.';
	}
	dst[i] = '\0';
	return dst;
}

static __printf(2, 3) void problem(struct parse_state *st, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list args;

	va_start(args, fmt);
	vscnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	st->problems++;
	if (st->report)
		st->report(st->ctx, msg);
}

/* Split the token starting at *pp (not whitespace, not NUL); advance *pp. */
static void next_token(const char **pp, struct param_token *tok)
{
	const char *p = *pp;

	memset(tok, 0, sizeof(*tok));
	tok->text = p;
	tok->name = p;
	while (*p && !isspace(*p) && *p != '=')
		p++;
	tok->name_len = p - tok->name;
	if (*p == '=') {
		p++;
		tok->has_value = true;
		if (*p == '"') {
			tok->quoted = true;
			tok->value = ++p;
			while (*p && *p != '"')
				p++;
			tok->value_len = p - tok->value;
			if (*p == '"')
				p++;
			else
				tok->unterminated = true;
			if (*p && !isspace(*p)) {
				tok->trailing = true;
				while (*p && !isspace(*p))
					p++;
			}
		} else {
			tok->value = p;
			while (*p && !isspace(*p))
				p++;
			tok->value_len = p - tok->value;
		}
	}
	tok->text_len = p - tok->text;
	*pp = p;
}

static const struct kernel_param *find_param(const struct parse_state *st,
					     const char *name, size_t len)
{
	for (size_t i = 0; i < st->nr; i++) {
		const struct kernel_param *p = &st->table[i];

		if (!strncmp(p->name, name, len) && p->name[len] == '\0')
			return p;
	}
	return NULL;
}

static bool param_seen(const struct parse_state *st,
		       const struct kernel_param *p)
{
	size_t idx = p - st->table;

	return idx < PARAMS_MAX_TRACKED && test_bit(idx, st->seen);
}

static void mark_seen(struct parse_state *st, const struct kernel_param *p)
{
	size_t idx = p - st->table;

	if (idx < PARAMS_MAX_TRACKED)
		__set_bit(idx, st->seen);
}

/* What happens to the variable when a value is rejected. */
static const char *fallback(const struct parse_state *st,
			    const struct kernel_param *p)
{
	return param_seen(st, p) ? "keeping previous value" : "using default";
}

/* "a, b, c" from a NULL-terminated choices list. */
static void format_choices(const struct kernel_param *p, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const char *const *c = p->choices; c && *c; c++)
		len += scnprintf(buf + len, size - len, "%s%s",
				 c == p->choices ? "" : ", ", *c);
}

static size_t nr_choices(const struct kernel_param *p)
{
	size_t n = 0;

	while (p->choices && p->choices[n])
		n++;
	return n;
}

/* 256M rather than 268435456 when the value is an exact multiple. */
static int format_size(char *buf, size_t size, unsigned long long v)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		return scnprintf(buf, size, "%llu", v);
	return scnprintf(buf, size, "%llu%c", v, units[u]);
}

static void format_range(const struct kernel_param *p, char *buf, size_t size)
{
	char lo[24], hi[24];

	if (p->type == PARAM_UINT) {
		scnprintf(buf, size, "%llu..%llu", p->min,
			  p->max ? p->max : (unsigned long long)UINT32_MAX);
		return;
	}
	format_size(lo, sizeof(lo), p->min);
	if (!p->max) {
		scnprintf(buf, size, ">= %s", lo);
		return;
	}
	format_size(hi, sizeof(hi), p->max);
	scnprintf(buf, size, "%s..%s", lo, hi);
}

static bool in_range(const struct kernel_param *p, unsigned long long v)
{
	if (v < p->min)
		return false;
	if (p->max)
		return v <= p->max;
	return p->type != PARAM_UINT || v <= UINT32_MAX;
}

/* UINT syntax: decimal, or hex with 0x (a leading 0 is not octal). */
static int parse_uint(const char *s, unsigned long long *v)
{
	if (s[0] == '0' && tolower(s[1]) == 'x')
		return kstrtoull(s, 16, v);
	return kstrtoull(s, 10, v);
}

/* Set p from tok->value (already known to be well-quoted). */
static bool apply_value(struct parse_state *st, const struct kernel_param *p,
			const struct param_token *tok)
{
	char val[VALUE_MAX], shown[SHOW_MAX + 4], extra[160];
	unsigned long long num;
	size_t len;
	bool b;
	int err;

	show(shown, sizeof(shown), tok->value, tok->value_len);

	if (p->type == PARAM_STRING) {
		if (tok->value_len >= p->maxlen) {
			problem(st, "%s: value too long (%zu characters, at most %zu); %s",
				p->name, tok->value_len, p->maxlen - 1,
				fallback(st, p));
			return false;
		}
		memcpy(p->var, tok->value, tok->value_len);
		((char *)p->var)[tok->value_len] = '\0';
		return true;
	}

	/*
	 * A value that does not fit val is longer than any valid one; the
	 * checks below reject it whatever its truncated copy parses as.
	 */
	len = min(tok->value_len, sizeof(val) - 1);
	memcpy(val, tok->value, len);
	val[len] = '\0';

	switch (p->type) {
	case PARAM_BOOL:
		if (kstrtobool(val, &b) || tok->value_len >= sizeof(val)) {
			problem(st, "%s=%s: invalid value '%s' (accepted: %s); %s",
				p->name, shown, shown, bool_accepted,
				fallback(st, p));
			return false;
		}
		*(bool *)p->var = b;
		return true;

	case PARAM_ENUM:
		for (size_t i = 0; i < nr_choices(p); i++) {
			const char *c = p->choices[i];
			size_t j;

			for (j = 0; j < tok->value_len && c[j]; j++) {
				if (tolower(c[j]) != tolower(tok->value[j]))
					break;
			}
			if (j == tok->value_len && !c[j]) {
				*(int *)p->var = i;
				return true;
			}
		}
		format_choices(p, extra, sizeof(extra));
		problem(st, "%s=%s: invalid value '%s' (accepted: %s); %s",
			p->name, shown, shown, extra, fallback(st, p));
		return false;

	case PARAM_UINT:
	case PARAM_SIZE:
		if (tok->value_len >= sizeof(val))
			err = -EINVAL;
		else if (p->type == PARAM_UINT)
			err = parse_uint(val, &num);
		else
			err = kstrtosize(val, &num);
		if (err == -EINVAL) {
			problem(st, p->type == PARAM_UINT ?
				"%s=%s: malformed number '%s' (expected decimal or 0x-prefixed hex); %s" :
				"%s=%s: malformed size '%s' (expected a number with optional K/M/G/T suffix); %s",
				p->name, shown, shown, fallback(st, p));
			return false;
		}
		if (err || !in_range(p, num)) {
			format_range(p, extra, sizeof(extra));
			problem(st, "%s=%s: value out of range (%s); %s",
				p->name, shown, extra, fallback(st, p));
			return false;
		}
		if (p->type == PARAM_UINT)
			*(unsigned int *)p->var = num;
		else
			*(unsigned long long *)p->var = num;
		return true;

	default:
		problem(st, "%s: parameter has unknown type %d; ignored",
			p->name, p->type);
		return false;
	}
}

static void apply_token(struct parse_state *st, const struct param_token *tok)
{
	char shown[SHOW_MAX + 4], extra[160];
	const struct kernel_param *p;

	if (!tok->name_len) {
		problem(st, "missing parameter name in '%s'; ignored",
			show(shown, sizeof(shown), tok->text, tok->text_len));
		return;
	}
	p = find_param(st, tok->name, tok->name_len);
	if (!p) {
		/* An open quote hides the rest of the line: always say so. */
		if (!(st->flags & PARAMS_IGNORE_UNKNOWN))
			problem(st, "unknown parameter '%s' ignored%s",
				show(shown, sizeof(shown), tok->name,
				     tok->name_len),
				tok->unterminated ? "; its unterminated quote "
				"swallowed the rest of the line" : "");
		else if (tok->unterminated)
			problem(st, "unterminated quote in '%s'; rest of the "
				"line ignored",
				show(shown, sizeof(shown), tok->text,
				     tok->text_len));
		return;
	}

	if (!tok->has_value) {
		if (p->type == PARAM_BOOL) {
			*(bool *)p->var = true;
			mark_seen(st, p);
			return;
		}
		if (p->type == PARAM_ENUM) {
			format_choices(p, extra, sizeof(extra));
			problem(st, "%s: missing value (accepted: %s); %s",
				p->name, extra, fallback(st, p));
		} else {
			problem(st, "%s: missing value; %s", p->name,
				fallback(st, p));
		}
		return;
	}
	if (tok->unterminated) {
		problem(st, "%s: unterminated quote in '%s'; %s", p->name,
			show(shown, sizeof(shown), tok->text, tok->text_len),
			fallback(st, p));
		return;
	}
	if (tok->trailing) {
		problem(st, "%s: characters after the closing quote in '%s'; %s",
			p->name,
			show(shown, sizeof(shown), tok->text, tok->text_len),
			fallback(st, p));
		return;
	}
	if (apply_value(st, p, tok))
		mark_seen(st, p);
}

static int parse_line(const char *cmdline, struct parse_state *st)
{
	const char *p = cmdline ? cmdline : "";
	struct param_token tok;

	bitmap_zero(st->seen, PARAMS_MAX_TRACKED);
	for (;;) {
		while (isspace(*p))
			p++;
		if (!*p)
			break;
		next_token(&p, &tok);
		if (tok.text_len == 2 && !strncmp(tok.text, "--", 2))
			break;
		apply_token(st, &tok);
	}
	return st->problems;
}

int params_parse(const char *cmdline, const struct kernel_param *table,
		 size_t nr, unsigned int flags,
		 void (*report)(void *ctx, const char *msg), void *ctx)
{
	DECLARE_BITMAP(seen, PARAMS_MAX_TRACKED);
	struct parse_state st = {
		.table = table, .nr = nr, .flags = flags,
		.report = report, .ctx = ctx, .seen = seen,
	};

	return parse_line(cmdline, &st);
}

int param_format_value(const struct kernel_param *p, char *buf, size_t size)
{
	const char *s;
	int idx;

	switch (p->type) {
	case PARAM_BOOL:
		return scnprintf(buf, size, "%s", *(bool *)p->var ? "y" : "n");
	case PARAM_UINT:
		return scnprintf(buf, size, "%u", *(unsigned int *)p->var);
	case PARAM_SIZE:
		return format_size(buf, size, *(unsigned long long *)p->var);
	case PARAM_ENUM:
		idx = *(int *)p->var;
		/* A negative default means "not given" (see kernel/node.c). */
		if (idx < 0)
			return scnprintf(buf, size, "(unset)");
		if ((size_t)idx >= nr_choices(p))
			return scnprintf(buf, size, "<invalid %d>", idx);
		return scnprintf(buf, size, "%s", p->choices[idx]);
	case PARAM_STRING:
		s = p->var;
		for (const char *c = s; *c; c++) {
			if (isspace(*c))
				return scnprintf(buf, size, "\"%s\"", s);
		}
		return scnprintf(buf, size, *s ? "%s" : "\"\"", s);
	}
	return scnprintf(buf, size, "<type %d>", p->type);
}

/*
 * The kernel's table: every PARAM_*() definition, gathered by the linker.
 * Weak so that a host test without PARAM_*() entries still links (both
 * are then 0: an empty table).
 */
extern const struct kernel_param __start___param[] __weak;
extern const struct kernel_param __stop___param[] __weak;

static DECLARE_BITMAP(cmdline_seen, PARAMS_MAX_TRACKED);

static void report_pr_err(void *ctx, const char *msg)
{
	pr_err("cmdline: %s\n", msg);
}

int params_parse_cmdline(const char *cmdline)
{
	size_t nr = __stop___param - __start___param;
	struct parse_state st = {
		.table = __start___param, .nr = nr,
		.report = report_pr_err, .seen = cmdline_seen,
	};

	if (nr > PARAMS_MAX_TRACKED)
		pr_warn("cmdline: %zu parameters, param_was_set() tracks only %d\n",
			nr, PARAMS_MAX_TRACKED);
	return parse_line(cmdline, &st);
}

bool param_was_set(const char *name)
{
	size_t nr = __stop___param - __start___param;

	for (size_t i = 0; i < nr && i < PARAMS_MAX_TRACKED; i++) {
		if (!strcmp(__start___param[i].name, name))
			return test_bit(i, cmdline_seen);
	}
	return false;
}

void params_dump(void)
{
	size_t nr = __stop___param - __start___param, nr_set = 0;
	char val[VALUE_MAX];

	for (size_t i = 0; i < nr; i++) {
		const struct kernel_param *p = &__start___param[i];
		bool set = i < PARAMS_MAX_TRACKED && test_bit(i, cmdline_seen);

		nr_set += set;

		param_format_value(p, val, sizeof(val));
		if ((p->type == PARAM_UINT || p->type == PARAM_SIZE) && p->max)
			pr_info("param %s=%s%s [%llu..%llu]\n", p->name, val,
				set ? "" : " (default)", p->min, p->max);
		else
			pr_info("param %s=%s%s\n", p->name, val,
				set ? "" : " (default)");
	}
	pr_info("params: %zu, %zu set on the command line\n", nr, nr_set);
}
