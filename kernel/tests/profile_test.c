/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "profile": the run profiler's tick tables.  A tick counts
 * while a run is open; once profile_run_end() has frozen the tables
 * (profile_freeze()), no tick counts, neither one we make nor the real
 * timer's, so the class counts and the symbol and page tables the report
 * prints agree; the next run counts again.  The histogram logic has its
 * own host test (tests/host/test_profile.c).
 */
#include <tessera/kernel.h>
#include <tessera/ktest.h>
#include <tessera/profile.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <asm/irqflags.h>
#include <asm/ptrace.h>

/* One tick that interrupted user mode, made by hand on this CPU. */
static void profile_fake_user_tick(void)
{
	struct pt_regs regs;
	unsigned long flags;

	memset(&regs, 0, sizeof(regs));
	regs.cs = 0x33;			/* ring 3: no kernel text is read */
	regs.rip = 0x400000;
	local_irq_save(flags);
	__profile_tick(&regs);
	local_irq_restore(flags);
}

static void profile_freeze_stops_counting(struct ktest *t)
{
	bool was_on = profile_on;
	u64 before, n;

	profile_on = true;
	profile_run_begin();
	before = profile_samples();
	profile_fake_user_tick();
	KT_EXPECT_GE(t, profile_samples(), before + 1);

	profile_freeze();
	n = profile_samples();
	profile_fake_user_tick();
	profile_fake_user_tick();
	msleep(40);			/* ~10 real ticks on every CPU */
	KT_EXPECT_EQ(t, profile_samples(), n);

	profile_run_begin();
	profile_fake_user_tick();
	KT_EXPECT_GE(t, profile_samples(), 1);
	profile_on = was_on;
}

static struct ktest_case profile_cases[] = {
	KTEST_CASE(profile_freeze_stops_counting),
	{}
};

KTEST_SUITE(profile, profile_cases);
