// SPDX-License-Identifier: GPL-2.0
/*
 * The run profiler's histogram: a fixed table of (key, count, sum) slots
 * with open addressing (linear probing from a multiplicative hash), and
 * the top-N selection its report uses.  Pure logic: no clock, no locks,
 * no allocation (the caller owns the slots); the profiler keeps one
 * table per CPU and per kind so that only the timer tick of that CPU
 * writes it.  Host-tested by tests/host/test_profile.c.
 */
#include <tessera/profile.h>
#include <tessera/string.h>

void prof_hist_init(struct prof_hist *h, struct prof_slot *slots,
		    unsigned int nr_slots)
{
	h->slots = slots;
	h->nr_slots = nr_slots;
	prof_hist_clear(h);
}

void prof_hist_clear(struct prof_hist *h)
{
	memset(h->slots, 0, h->nr_slots * sizeof(*h->slots));
	h->nr_dropped = 0;
}

bool prof_hist_add(struct prof_hist *h, u64 key, u64 count, u64 sum)
{
	unsigned int mask = h->nr_slots - 1;
	unsigned int i = (unsigned int)((key * 0x9e3779b97f4a7c15ULL) >> 32);
	unsigned int n;

	if (!count)
		return true;
	for (n = 0; n < h->nr_slots; n++, i++) {
		struct prof_slot *s = &h->slots[i & mask];

		if (!s->count) {
			/* Key first: a reader on another CPU skips count 0. */
			WRITE_ONCE(s->key, key);
			s->sum = sum;
			WRITE_ONCE(s->count, count);
			return true;
		}
		if (s->key == key) {
			s->sum += sum;
			WRITE_ONCE(s->count, s->count + count);
			return true;
		}
	}
	h->nr_dropped += count;
	return false;
}

u64 prof_hist_total(const struct prof_hist *h)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < h->nr_slots; i++)
		total += READ_ONCE(h->slots[i].count);
	return total;
}

static u64 prof_value(const struct prof_slot *s, enum prof_order order)
{
	return order == PROF_BY_SUM ? s->sum : s->count;
}

/* Does @a come before @b in the report? */
static bool prof_before(const struct prof_slot *a, const struct prof_slot *b,
			enum prof_order order)
{
	u64 va = prof_value(a, order), vb = prof_value(b, order);

	return va != vb ? va > vb : a->key < b->key;
}

unsigned int prof_top(const struct prof_slot *slots, unsigned int nr,
		      enum prof_order order, struct prof_slot *out,
		      unsigned int n)
{
	unsigned int have = 0, i, j;

	/* Insertion into a sorted array of at most @n: n is small (15). */
	for (i = 0; i < nr; i++) {
		struct prof_slot s = slots[i];

		if (!s.count)
			continue;
		if (have == n && (!n || !prof_before(&s, &out[n - 1], order)))
			continue;
		j = have < n ? have++ : n - 1;
		while (j > 0 && prof_before(&s, &out[j - 1], order)) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = s;
	}
	return have;
}
