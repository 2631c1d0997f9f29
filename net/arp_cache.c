/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ARP neighbour cache as a plain data structure: a small table of
 * IPv4 -> MAC entries that expire a fixed time after they were last
 * confirmed.  Time is an argument (nanoseconds), there is no lock (the
 * caller, net/arp.c, holds one), so the same code runs in the in-kernel
 * tests and on the host.  The protocol around it lives in net/arp.c.
 */
#include <tessera/arp.h>
#include <tessera/string.h>

void arp_cache_init(struct arp_cache *c, u64 ttl_ns)
{
	memset(c->entries, 0, sizeof(c->entries));
	c->ttl_ns = ttl_ns;
}

static bool arp_entry_fresh(const struct arp_cache *c,
			    const struct arp_entry *e, u64 now)
{
	/* An entry "from the future" (clock reset in tests) counts as fresh. */
	return now < e->updated_ns || now - e->updated_ns < c->ttl_ns;
}

static struct arp_entry *arp_cache_find(struct arp_cache *c, __be32 ip)
{
	unsigned int i;

	if (!ip)
		return NULL;
	for (i = 0; i < ARP_CACHE_SIZE; i++)
		if (c->entries[i].ip == ip)
			return &c->entries[i];
	return NULL;
}

void arp_cache_update(struct arp_cache *c, __be32 ip, const u8 *mac,
		      u64 now)
{
	struct arp_entry *e = arp_cache_find(c, ip), *victim = NULL;
	unsigned int i;

	if (!ip)
		return;
	for (i = 0; !e && i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *x = &c->entries[i];

		if (!x->ip || !arp_entry_fresh(c, x, now)) {
			e = x;
			break;
		}
		if (!victim || x->updated_ns < victim->updated_ns)
			victim = x;
	}
	if (!e)
		e = victim;
	e->ip = ip;
	memcpy(e->mac, mac, ETH_ALEN);
	e->updated_ns = now;
}

bool arp_cache_lookup(struct arp_cache *c, __be32 ip, u8 *mac, u64 now)
{
	struct arp_entry *e = arp_cache_find(c, ip);

	if (!e || !arp_entry_fresh(c, e, now))
		return false;
	if (mac)
		memcpy(mac, e->mac, ETH_ALEN);
	return true;
}

bool arp_cache_contains(const struct arp_cache *c, __be32 ip)
{
	return arp_cache_find((struct arp_cache *)c, ip) != NULL;
}

unsigned int arp_cache_expire(struct arp_cache *c, u64 now)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &c->entries[i];

		if (e->ip && !arp_entry_fresh(c, e, now)) {
			memset(e, 0, sizeof(*e));
			n++;
		}
	}
	return n;
}

bool arp_cache_remove(struct arp_cache *c, __be32 ip)
{
	struct arp_entry *e = arp_cache_find(c, ip);

	if (!e)
		return false;
	memset(e, 0, sizeof(*e));
	return true;
}

unsigned int arp_cache_count(const struct arp_cache *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARP_CACHE_SIZE; i++)
		n += c->entries[i].ip != 0;
	return n;
}
