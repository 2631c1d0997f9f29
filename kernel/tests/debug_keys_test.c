// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP suite "debug_keys": registration rules, and a key fed in the way
 * the serial receive interrupt does (debug_key_input() with interrupts
 * off) reaching its handler in the keyd thread.
 */
#include <tessera/completion.h>
#include <tessera/debug_keys.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/sched.h>
#include <tessera/timer.h>
#include <asm/irqflags.h>

static DECLARE_COMPLETION(dk_ran);
static struct task *dk_runner;

static void dk_handler(void)
{
	dk_runner = current;
	complete(&dk_ran);
}

static void debug_keys_register_rules(struct ktest *t)
{
	KT_EXPECT_EQ(t, debug_key_register('h', "help", dk_handler), -EINVAL);
	KT_EXPECT_EQ(t, debug_key_register('A', "upper", dk_handler),
		     -EINVAL);
	KT_EXPECT_EQ(t, debug_key_register('!', "punct", dk_handler),
		     -EINVAL);
	KT_EXPECT_EQ(t, debug_key_register('z', "no fn", NULL), -EINVAL);
	KT_ASSERT_EQ(t, debug_key_register('9', "test", dk_handler), 0);
	KT_EXPECT_EQ(t, debug_key_register('9', "again", dk_handler), -EBUSY);
}

static void debug_keys_input_runs_handler(struct ktest *t)
{
	unsigned long flags;

	/* '9' was registered by the case before. */
	local_irq_save(flags);
	debug_key_input('\r');		/* ignored */
	debug_key_input('9');
	local_irq_restore(flags);
	KT_ASSERT_TRUE(t, wait_for_completion_timeout(&dk_ran,
						      msecs_to_jiffies(5000)));
	KT_EXPECT_TRUE(t, dk_runner != NULL && dk_runner != current);
}

static struct ktest_case debug_keys_cases[] = {
	KTEST_CASE(debug_keys_register_rules),
	KTEST_CASE(debug_keys_input_runs_handler),
	{}
};
KTEST_SUITE(debug_keys, debug_keys_cases);
