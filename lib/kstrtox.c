/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict string-to-number parsers (<tessera/kernel.h>): the whole string
 * must be the number, with at most one trailing '\n' (so that text read
 * from a pseudo-file parses).  No leading whitespace; one optional sign
 * ('+' everywhere, '-' only for the signed parsers).  Base 0 detects
 * "0x"/"0X" (hex) and a leading "0" (octal); base 16 also accepts an
 * explicit "0x" prefix.  Results are only written on success.
 *
 * kstrtosize() parses sizes for the command line: decimal (or 0x hex)
 * with an optional binary-unit suffix K/M/G/T (either case).
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/ctype.h>

#define ULLONG_MAX_	(~0ULL)

/* Value of digit c in base, or base itself if c is not such a digit. */
static unsigned int digit_value(char c, unsigned int base)
{
	unsigned int v;

	if (isdigit(c))
		v = c - '0';
	else if (isxdigit(c))
		v = tolower(c) - 'a' + 10;
	else
		return base;
	return v < base ? v : base;
}

/*
 * Parse the digits at *sp in base (0: autodetect).  On return *sp points
 * at the first byte not consumed.  0, -EINVAL (no digits, bad base) or
 * -ERANGE (does not fit 64 bits; the rest of the digits are consumed).
 */
static int parse_digits(const char **sp, unsigned int base,
			unsigned long long *res)
{
	const char *s = *sp;
	unsigned long long v = 0;
	bool overflow = false;
	const char *first;

	if (base == 0) {
		if (s[0] == '0' && tolower(s[1]) == 'x' &&
		    digit_value(s[2], 16) < 16) {
			base = 16;
			s += 2;
		} else if (s[0] == '0') {
			base = 8;
		} else {
			base = 10;
		}
	} else if (base == 16) {
		if (s[0] == '0' && tolower(s[1]) == 'x' &&
		    digit_value(s[2], 16) < 16)
			s += 2;
	} else if (base < 2 || base > 16) {
		return -EINVAL;
	}

	first = s;
	for (;; s++) {
		unsigned int d = digit_value(*s, base);

		if (d >= base)
			break;
		if (v > (ULLONG_MAX_ - d) / base)
			overflow = true;
		v = v * base + d;
	}
	*sp = s;
	if (s == first)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	*res = v;
	return 0;
}

/* True if s is at the end of the input: "" or a single "\n". */
static bool at_end(const char *s)
{
	return s[0] == '\0' || (s[0] == '\n' && s[1] == '\0');
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v;
	int err;

	if (*s == '+')
		s++;
	err = parse_digits(&s, base, &v);
	if (!at_end(s))
		return -EINVAL;
	if (err)
		return err;
	*res = v;
	return 0;
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v, limit = (unsigned long long)INT64_MAX;
	bool negative = false;
	int err;

	if (*s == '-') {
		negative = true;
		s++;
		limit++;
	} else if (*s == '+') {
		s++;
	}
	err = parse_digits(&s, base, &v);
	if (!at_end(s))
		return -EINVAL;
	if (err)
		return err;
	if (v > limit)
		return -ERANGE;
	*res = negative ? (long long)(0ULL - v) : (long long)v;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > UINT32_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long v;
	int err = kstrtoll(s, base, &v);

	if (err)
		return err;
	if (v < INT32_MIN || v > INT32_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

/* Case-insensitive: does s (up to an optional trailing '\n') equal word? */
static bool word_is(const char *s, const char *word)
{
	for (; *word; s++, word++) {
		if (tolower(*s) != *word)
			return false;
	}
	return at_end(s);
}

int kstrtobool(const char *s, bool *res)
{
	static const char *const yes[] = { "1", "y", "yes", "on", "true" };
	static const char *const no[] = { "0", "n", "no", "off", "false" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (word_is(s, yes[i])) {
			*res = true;
			return 0;
		}
		if (word_is(s, no[i])) {
			*res = false;
			return 0;
		}
	}
	return -EINVAL;
}

int kstrtosize(const char *s, unsigned long long *res)
{
	unsigned long long v;
	unsigned int shift = 0;
	int err;

	/* Decimal, or hex with 0x; a leading 0 is not octal for sizes. */
	if (s[0] == '0' && tolower(s[1]) == 'x')
		err = parse_digits(&s, 16, &v);
	else
		err = parse_digits(&s, 10, &v);

	switch (tolower(*s)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case 't':
		shift = 40;
		break;
	}
	if (shift)
		s++;
	if (!at_end(s))
		return -EINVAL;
	if (err)
		return err;
	if (v > (ULLONG_MAX_ >> shift))
		return -ERANGE;
	*res = v << shift;
	return 0;
}
