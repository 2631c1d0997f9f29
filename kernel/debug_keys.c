/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debug keys (include/tessera/debug_keys.h): the table of registered
 * keys, the queue filled by the serial receive interrupt and the "keyd"
 * thread that runs handlers in process context.
 *
 * The queue is a small ring under an irqsave spinlock; characters that
 * find it full are dropped and counted (a key press is a request, not
 * data).  Carriage returns, newlines and spaces are ignored, so a user
 * may type "f<Enter>".
 */
#include <tessera/debug_keys.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/panic.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/wait.h>

#define DEBUG_KEYS_MAX		16
#define DEBUG_KEY_QUEUE		16

struct debug_key {
	char key;
	const char *what;
	void (*fn)(void);
};

static struct debug_key keys[DEBUG_KEYS_MAX];
static unsigned int nr_keys;
static DEFINE_SPINLOCK(keys_lock);

static char queue[DEBUG_KEY_QUEUE];
static unsigned int q_head, q_count, q_dropped;
static DECLARE_WAIT_QUEUE_HEAD(keyd_wq);

static bool key_valid(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int debug_key_register(char key, const char *what, void (*fn)(void))
{
	unsigned long flags;
	int ret = 0;

	if (!key_valid(key) || key == 'h' || !fn)
		return -EINVAL;
	spin_lock_irqsave(&keys_lock, flags);
	for (unsigned int i = 0; i < nr_keys; i++)
		if (keys[i].key == key)
			ret = -EBUSY;
	if (!ret && nr_keys == DEBUG_KEYS_MAX)
		ret = -ENOSPC;
	if (!ret)
		keys[nr_keys++] = (struct debug_key){ key, what, fn };
	spin_unlock_irqrestore(&keys_lock, flags);
	return ret;
}

void debug_key_input(char c)
{
	unsigned long flags;

	if (c == '\r' || c == '\n' || c == ' ')
		return;
	spin_lock_irqsave(&keys_lock, flags);
	if (q_count < DEBUG_KEY_QUEUE)
		queue[(q_head + q_count++) % DEBUG_KEY_QUEUE] = c;
	else
		q_dropped++;
	spin_unlock_irqrestore(&keys_lock, flags);
	wake_up(&keyd_wq);
}

static bool key_pop(char *c)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&keys_lock, flags);
	ok = q_count > 0;
	if (ok) {
		*c = queue[q_head];
		q_head = (q_head + 1) % DEBUG_KEY_QUEUE;
		q_count--;
	}
	spin_unlock_irqrestore(&keys_lock, flags);
	return ok;
}

static void key_help(void)
{
	pr_info("debug keys: h help");
	for (unsigned int i = 0; i < READ_ONCE(nr_keys); i++)
		pr_cont(", %c %s", keys[i].key, keys[i].what);
	pr_cont(" (%u dropped)\n", READ_ONCE(q_dropped));
}

static void key_run(char c)
{
	void (*fn)(void) = NULL;
	unsigned long flags;

	if (c == 'h' || c == '?') {
		key_help();
		return;
	}
	spin_lock_irqsave(&keys_lock, flags);
	for (unsigned int i = 0; i < nr_keys; i++)
		if (keys[i].key == c)
			fn = keys[i].fn;
	spin_unlock_irqrestore(&keys_lock, flags);
	if (!fn) {
		pr_info("debug key 0x%02x: none registered (h lists them)\n",
			(unsigned char)c);
		return;
	}
	fn();
}

static int keyd_fn(void *arg)
{
	char c;

	for (;;) {
		wait_event(keyd_wq, READ_ONCE(q_count) > 0);
		while (key_pop(&c))
			key_run(c);
	}
	return 0;
}

static bool debug_crash_key;
PARAM_BOOL("debug.crash_key", debug_crash_key,
	   "debug: key c panics the node (like SysRq-c), to test what a crash does to the cluster");

static void debug_key_crash(void)
{
	panic("debug key c (debug.crash_key=1)");
}

void debug_keys_init(void)
{
	struct task *t = kthread_run(keyd_fn, NULL, "keyd");

	/* Like sysrq-t: where every thread is, for a hang. */
	debug_key_register('t', "tasks with call traces",
			   sched_show_task_traces);
	/* What this boot runs with (Documentation/parameters.md). */
	debug_key_register('k', "kernel parameters", params_dump);
	if (debug_crash_key)
		debug_key_register('c', "crash: panic the node",
				   debug_key_crash);

	if (IS_ERR(t))
		pr_err("debug keys: no keyd thread (%ld)\n", PTR_ERR(t));
	else
		kthread_detach(t);
}
