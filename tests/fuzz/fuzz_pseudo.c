// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the pseudo-file formatters (managers/processor/
 * pseudo_fmt.c): the input gives the values (a cpu mask, tick counts,
 * meminfo numbers, a /proc/<pid>/stat with a command name from the
 * input, CPUID words) and a buffer size.  Each formatter must keep
 * snprintf's convention: the same length whatever the size, at most
 * @size bytes written (a canary after them), a NUL at the end of what it
 * wrote, and a prefix of the text it writes into a large buffer.
 */
/* FUZZ-HTEST: test_pseudo */
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "../../managers/processor/pseudo_fmt.h"
#include "fuzz.h"

#define BIG		8192
#define CANARY		32

/* lib/vsprintf.c's %pS needs it; the formatters never print symbols. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "%#lx", addr);
}

static char big[BIG], small[BIG + CANARY];

struct call {
	int kind;
	u64 mask, kb;
	u64 ticks[PSEUDO_STAT_COLS];
	int cpu;
	struct pseudo_pid_stat st;
	u32 words[PSEUDO_CPUID_WORDS];
};

static int format(const struct call *c, char *buf, size_t size)
{
	switch (c->kind) {
	case 0:
		return pseudo_fmt_cpulist(c->mask, buf, size);
	case 1:
		return pseudo_fmt_stat_cpu(c->cpu, c->ticks, buf, size);
	case 2:
		return pseudo_fmt_meminfo("MemAvailable", c->kb, buf, size);
	case 3:
		return pseudo_fmt_status_kb("VmRSS", c->kb, buf, size);
	case 4:
		return pseudo_fmt_pid_stat(&c->st, buf, size);
	default:
		return pseudo_fmt_cpu_flags(c->words, buf, size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static char comm[65];
	struct call c = { 0 };
	size_t room, i;
	int n, m;

	c.kind = fuzz_take(&in, 1) % 6;
	room = fuzz_take(&in, 2) % (BIG + 1);
	c.mask = fuzz_take(&in, 4) | (u64)fuzz_take(&in, 4) << 32;
	c.kb = fuzz_take(&in, 4) | (u64)fuzz_take(&in, 4) << 32;
	c.cpu = (int)fuzz_take(&in, 4);
	for (i = 0; i < PSEUDO_STAT_COLS; i++)
		c.ticks[i] = fuzz_take(&in, 4) | (u64)fuzz_take(&in, 4) << 32;
	for (i = 0; i < PSEUDO_CPUID_WORDS; i++)
		c.words[i] = fuzz_take(&in, 4);
	c.st.pid = (int)fuzz_take(&in, 4);
	/* A state letter, as the caller always gives. */
	c.st.state = "RSDTtZXIP"[fuzz_take(&in, 1) % 9];
	c.st.ppid = (int)fuzz_take(&in, 4);
	c.st.num_threads = (int)fuzz_take(&in, 4);
	c.st.vsize = fuzz_take(&in, 4) | (u64)fuzz_take(&in, 4) << 32;
	c.st.rss = fuzz_take(&in, 4) | (u64)fuzz_take(&in, 4) << 32;
	c.st.start_brk = fuzz_take(&in, 4) | (u64)fuzz_take(&in, 4) << 32;
	for (i = 0; i < sizeof(comm) - 1 && in.left; i++)
		comm[i] = (char)fuzz_take(&in, 1);
	comm[i] = 0;
	c.st.comm = comm;

	n = format(&c, big, sizeof(big));
	FUZZ_ASSERT(n >= 0);
	if (n >= BIG)
		return 0;
	FUZZ_ASSERT(big[n] == 0 && strlen(big) == (size_t)n);
	memset(small, 0xa5, sizeof(small));
	m = format(&c, small, room);
	FUZZ_ASSERT(m == n);
	for (i = room; i < room + CANARY; i++)
		FUZZ_ASSERT((u8)small[i] == 0xa5);
	if (room) {
		size_t w = min_t(size_t, room - 1, (size_t)n);

		FUZZ_ASSERT(small[w] == 0);
		FUZZ_ASSERT(!memcmp(small, big, w));
	}
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

void fuzz_seeds(fuzz_emit_fn emit)
{
	static const char *const names[] = {
		"cpulist", "stat-cpu", "meminfo", "status", "pid-stat", "flags",
	};
	u8 b[256];

	for (int k = 0; k < 6; k++) {
		memset(b, 0, sizeof(b));
		b[0] = k;
		b[1] = 40;			/* room: a short buffer */
		b[3] = 0x2f;			/* cpu mask 0-3,5 */
		b[11] = 0x10;			/* kb */
		b[19] = 1;			/* cpu */
		for (int i = 0; i < 40; i++)	/* ticks */
			b[23 + 8 * (i % 10) + i / 10] = 7 * i + 1;
		memset(b + 103, 0xff, 32);	/* CPUID words */
		b[135] = 42;			/* pid */
		b[140] = 1;			/* ppid */
		b[144] = 3;			/* threads */
		b[150] = 0x20;			/* vsize */
		b[157] = 0x10;			/* rss */
		memcpy(b + 172, "sh (x) y", 8);
		emit(names[k], b, 180);
	}
}
