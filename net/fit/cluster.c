/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIT cluster description: parsing fit.expect= (what a complete cluster
 * is) and fit.peers= (a static member list), deciding whether the nodes
 * connected so far make the expected cluster, and naming them for the
 * "cluster ready:" line.  Pure code, linked as-is by
 * tests/host/test_fit_cluster.c; the membership protocol that feeds it is
 * in member.c.
 */
#include "internal.h"

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

static const char *const fit_role_names[] = {
	[FIT_ROLE_PROCESSOR] = "processor",
	[FIT_ROLE_MEMORY] = "memory",
	[FIT_ROLE_STORAGE] = "storage",
};

const char *fit_role_name(u8 role)
{
	if (role < FIT_ROLE_PROCESSOR || role > FIT_ROLE_STORAGE)
		return "unknown";
	return fit_role_names[role];
}

int fit_role_lowest(const u8 *roles, u8 role)
{
	if (role < FIT_ROLE_PROCESSOR || role > FIT_ROLE_STORAGE)
		return -ENOENT;
	for (u16 n = 0; n < FIT_MAX_NODES; n++)
		if (roles[n] == role)
			return n;
	return -ENOENT;
}

/* Decimal number at *@s, advancing it; -1 if none or above @max. */
static long fit_parse_num(const char **s, long max)
{
	long v = 0;
	bool any = false;

	while (**s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		if (v > max)
			return -1;
		(*s)++;
		any = true;
	}
	return any ? v : -1;
}

int fit_expect_parse(const char *s, struct fit_expect *e)
{
	static const char letters[] = { 'P', 'M', 'S' };
	unsigned int total = 0;
	unsigned int next = 0;

	memset(e, 0, sizeof(*e));
	if (!s || !*s)
		return 0;
	{
		/* A plain number: that many nodes, any roles. */
		const char *p = s;
		long n = fit_parse_num(&p, FIT_MAX_NODES);

		if (!*p) {
			if (n <= 0)
				goto bad;
			e->nr_nodes = n;
			return 0;
		}
	}
	/* nPnMnS, parts in that order, each optional. */
	while (*s) {
		long n = fit_parse_num(&s, FIT_MAX_NODES);
		char c = *s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s;
		unsigned int r;

		if (n < 0)
			goto bad;
		for (r = next; r < ARRAY_SIZE(letters); r++)
			if (letters[r] == c)
				break;
		if (r == ARRAY_SIZE(letters))
			goto bad;
		e->nr_role[FIT_ROLE_PROCESSOR + r] = n;
		total += n;
		next = r + 1;
		s++;
	}
	if (!total || total > FIT_MAX_NODES)
		goto bad;
	e->by_role = true;
	e->nr_nodes = total;
	return 0;
bad:
	memset(e, 0, sizeof(*e));
	return -EINVAL;
}

bool fit_expect_any(const struct fit_expect *e)
{
	return !e->nr_nodes;
}

bool fit_expect_met(const struct fit_expect *e, const u8 *roles)
{
	unsigned int have[FIT_ROLE_STORAGE + 1] = { 0 };
	unsigned int total = 0;

	if (fit_expect_any(e))
		return false;
	for (unsigned int n = 0; n < FIT_MAX_NODES; n++) {
		if (roles[n] < FIT_ROLE_PROCESSOR ||
		    roles[n] > FIT_ROLE_STORAGE)
			continue;
		have[roles[n]]++;
		total++;
	}
	if (!e->by_role)
		return total >= e->nr_nodes;
	for (unsigned int r = FIT_ROLE_PROCESSOR; r <= FIT_ROLE_STORAGE; r++)
		if (have[r] < e->nr_role[r])
			return false;
	return true;
}

int fit_cluster_format(char *buf, size_t size, const u8 *roles)
{
	size_t off = 0;

	if (!size)
		return 0;
	buf[0] = 0;
	for (unsigned int n = 0; n < FIT_MAX_NODES; n++) {
		int w;

		if (roles[n] < FIT_ROLE_PROCESSOR ||
		    roles[n] > FIT_ROLE_STORAGE)
			continue;
		w = snprintf(buf + off, size - off, "%s%s%u", off ? " " : "",
			     fit_role_name(roles[n]), n);
		if (w < 0 || (size_t)w >= size - off)
			return -ENOSPC;
		off += w;
	}
	return (int)off;
}

/* "a.b.c.d" at *@s -> host-order address, advancing *@s. */
static int fit_parse_ipv4(const char **s, u32 *ip)
{
	u32 v = 0;

	for (int i = 0; i < 4; i++) {
		long octet = fit_parse_num(s, 255);

		if (octet < 0)
			return -EINVAL;
		v = v << 8 | (u32)octet;
		if (i < 3) {
			if (**s != '.')
				return -EINVAL;
			(*s)++;
		}
	}
	*ip = v;
	return 0;
}

int fit_peers_parse(const char *s, struct fit_static_peer *v,
		    unsigned int max)
{
	unsigned int n = 0;

	if (!s || !*s)
		return 0;
	for (;;) {
		long id = fit_parse_num(&s, FIT_MAX_NODES - 1);
		u32 ip;

		if (id < 0 || *s++ != '@' || fit_parse_ipv4(&s, &ip) ||
		    n == max)
			return -EINVAL;
		for (unsigned int i = 0; i < n; i++)
			if (v[i].node == id)
				return -EINVAL;
		v[n].node = (u16)id;
		v[n].ip = ip;
		n++;
		if (!*s)
			return (int)n;
		if (*s++ != ',')
			return -EINVAL;
	}
}
