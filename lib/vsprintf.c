/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsnprintf and friends (<tessera/kernel.h>): the formatter behind printk.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %% with the C99 flags
 * (- 0 + space #), field width, precision, '*' for either, and the length
 * modifiers hh h l ll z t j.  Integer output follows C99 to the letter
 * (precision is a minimum digit count and disables the 0 flag, "%.0d" of 0
 * prints nothing, "%#o" forces a leading 0, "%#x" adds 0x only to non-zero
 * values).  Pointers: %p and %px print "0x" and 16 zero-padded hex digits;
 * %pS prints symbol+0xoff/0xsize through sprint_symbol() (kernel/kallsyms.c).
 * There is no floating point: the kernel is built -mgeneral-regs-only.
 * An unknown conversion is copied to the output as written.
 *
 * The return value is the C99 one: the length the full output has, even
 * when buf was too small.  Field widths and precisions are capped at
 * FIELD_MAX so that a hostile "%999999999d" costs bounded time.
 */
#include <tessera/kernel.h>
#include <tessera/string.h>

#define FIELD_MAX	4096

#define F_LEFT		0x01	/* '-' */
#define F_ZERO		0x02	/* '0' */
#define F_PLUS		0x04	/* '+' */
#define F_SPACE		0x08	/* ' ' */
#define F_ALT		0x10	/* '#' */

enum length_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct fmt_spec {
	unsigned int flags;
	int width;		/* -1: none */
	int precision;		/* -1: none */
	enum length_mod len;
};

/* Output cursor: counts every byte, stores those that fit in buf[size-1]. */
struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_mem(struct outbuf *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/* Emit s[0..n) padded to the field width; precision is the caller's job. */
static void out_field(struct outbuf *o, const struct fmt_spec *spec,
		      const char *s, size_t n)
{
	int pad = spec->width > (int)n ? spec->width - (int)n : 0;

	if (!(spec->flags & F_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, s, n);
	if (spec->flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

static void out_number(struct outbuf *o, const struct fmt_spec *spec,
		       unsigned long long val, bool negative, unsigned int base,
		       bool upper, bool is_signed)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];	/* 22 octal digits hold 64 bits */
	const char *prefix = "";
	char sign = 0;
	int ndig = 0, zeros, len, pad;

	if (val || spec->precision != 0) {
		do {
			tmp[ndig++] = digits[val % base];
			val /= base;
		} while (val);
	}

	if (is_signed) {
		if (negative)
			sign = '-';
		else if (spec->flags & F_PLUS)
			sign = '+';
		else if (spec->flags & F_SPACE)
			sign = ' ';
	}

	zeros = spec->precision > ndig ? spec->precision - ndig : 0;
	if (spec->flags & F_ALT) {
		if (base == 8 && zeros == 0 && (ndig == 0 || tmp[ndig - 1] != '0'))
			zeros = 1;
		else if (base == 16 && ndig && !(ndig == 1 && tmp[0] == '0'))
			prefix = upper ? "0X" : "0x";
	}

	len = (sign ? 1 : 0) + (int)strlen(prefix) + zeros + ndig;
	pad = spec->width > len ? spec->width - len : 0;
	if ((spec->flags & (F_ZERO | F_LEFT)) == F_ZERO && spec->precision < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(spec->flags & F_LEFT))
		out_repeat(o, ' ', pad);
	if (sign)
		out_char(o, sign);
	out_mem(o, prefix, strlen(prefix));
	out_repeat(o, '0', zeros);
	while (ndig)
		out_char(o, tmp[--ndig]);
	if (spec->flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

static unsigned long long fetch_unsigned(enum length_mod len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (unsigned long long)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static long long fetch_signed(enum length_mod len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return va_arg(*ap, ssize_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static void out_pointer(struct outbuf *o, const struct fmt_spec *spec,
			char kind, void *ptr)
{
	char tmp[256];
	int n;

	if (kind == 'S') {
		/* Trust only the NUL, whatever sprint_symbol() returns. */
		tmp[0] = '\0';
		sprint_symbol(tmp, sizeof(tmp), (unsigned long)ptr);
		tmp[sizeof(tmp) - 1] = '\0';
		out_field(o, spec, tmp, strlen(tmp));
		return;
	}
	n = 0;
	tmp[n++] = '0';
	tmp[n++] = 'x';
	for (int shift = 60; shift >= 0; shift -= 4)
		tmp[n++] = "0123456789abcdef"[((unsigned long)ptr >> shift) & 0xf];
	out_field(o, spec, tmp, n);
}

/* Parse a decimal field (width or precision) at *fmt, capped at FIELD_MAX. */
static int parse_field(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (v <= FIELD_MAX)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return min(v, FIELD_MAX);
}

/*
 * Parse flags, width, precision and length of one conversion; *fmt points
 * just past the '%' and is left on the conversion character.
 */
static void parse_spec(const char **fmt, struct fmt_spec *spec, va_list *ap)
{
	const char *p = *fmt;

	spec->flags = 0;
	for (;; p++) {
		if (*p == '-')
			spec->flags |= F_LEFT;
		else if (*p == '0')
			spec->flags |= F_ZERO;
		else if (*p == '+')
			spec->flags |= F_PLUS;
		else if (*p == ' ')
			spec->flags |= F_SPACE;
		else if (*p == '#')
			spec->flags |= F_ALT;
		else
			break;
	}

	spec->width = -1;
	if (*p == '*') {
		int w = va_arg(*ap, int);

		p++;
		if (w < 0) {
			spec->flags |= F_LEFT;
			w = w < -FIELD_MAX ? FIELD_MAX : -w;
		}
		spec->width = min(w, FIELD_MAX);
	} else if (*p >= '0' && *p <= '9') {
		spec->width = parse_field(&p);
	}

	spec->precision = -1;
	if (*p == '.') {
		p++;
		if (*p == '*') {
			int prec = va_arg(*ap, int);

			p++;
			spec->precision = prec < 0 ? -1 : min(prec, FIELD_MAX);
		} else {
			spec->precision = parse_field(&p);
		}
	}

	spec->len = LEN_NONE;
	switch (*p) {
	case 'h':
		p++;
		spec->len = LEN_H;
		if (*p == 'h') {
			p++;
			spec->len = LEN_HH;
		}
		break;
	case 'l':
		p++;
		spec->len = LEN_L;
		if (*p == 'l') {
			p++;
			spec->len = LEN_LL;
		}
		break;
	case 'z':
		p++;
		spec->len = LEN_Z;
		break;
	case 't':
		p++;
		spec->len = LEN_T;
		break;
	case 'j':
		p++;
		spec->len = LEN_J;
		break;
	}
	*fmt = p;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct outbuf o = { .buf = buf, .size = size, .len = 0 };
	struct fmt_spec spec;
	va_list ap;

	va_copy(ap, args);
	while (*fmt) {
		const char *start = fmt;
		const char *s;
		long long sv;
		char c;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &spec, &ap);
		switch (*fmt) {
		case '%':
			out_char(&o, '%');
			break;
		case 'd':
		case 'i':
			sv = fetch_signed(spec.len, &ap);
			out_number(&o, &spec, sv < 0 ? 0ULL - (unsigned long long)sv :
				   (unsigned long long)sv, sv < 0, 10, false, true);
			break;
		case 'u':
			out_number(&o, &spec, fetch_unsigned(spec.len, &ap),
				   false, 10, false, false);
			break;
		case 'o':
			out_number(&o, &spec, fetch_unsigned(spec.len, &ap),
				   false, 8, false, false);
			break;
		case 'x':
		case 'X':
			out_number(&o, &spec, fetch_unsigned(spec.len, &ap),
				   false, 16, *fmt == 'X', false);
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			out_field(&o, &spec, &c, 1);
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			out_field(&o, &spec, s, spec.precision < 0 ? strlen(s) :
				  strnlen(s, spec.precision));
			break;
		case 'p':
			if (fmt[1] == 'S' || fmt[1] == 'x')
				fmt++;
			out_pointer(&o, &spec, *fmt, va_arg(ap, void *));
			break;
		case '\0':
			/* A lone '%' (and its flags) at the end of fmt. */
			out_mem(&o, start, fmt - start);
			continue;
		default:
			out_mem(&o, start, fmt + 1 - start);
			break;
		}
		fmt++;
	}
	va_end(ap);

	if (size)
		buf[min(o.len, size - 1)] = '\0';
	return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int n = vsnprintf(buf, size, fmt, args);

	if (n < (long long)size)
		return n;
	return size ? (int)(size - 1) : 0;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}
