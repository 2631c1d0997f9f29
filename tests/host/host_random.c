// SPDX-License-Identifier: GPL-2.0
/*
 * <tessera/random.h> for host tests: a xorshift64* generator seeded from
 * /dev/urandom (or the clock), so keys differ between runs as in the
 * kernel and a test that assumed a fixed key would fail.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <tessera/random.h>

static unsigned long long state;

u64 get_random_u64(void)
{
	if (!state) {
		FILE *f = fopen("/dev/urandom", "rb");

		if (!f || fread(&state, sizeof(state), 1, f) != 1)
			state = (unsigned long long)time(NULL);
		if (f)
			fclose(f);
		state |= 1;
	}
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dULL;
}

void get_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		u64 v = get_random_u64();
		size_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

bool random_is_hardware(void)
{
	return false;
}
