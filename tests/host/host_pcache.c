/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stubs for the pcache's kernel part (host_pcache.h): one CPU and
 * one task, pages from a static arena that host_pcache_reset() recycles
 * (so a test may call pcache_init() once per case without leaking), a
 * kthread_create() that only remembers the thread function for
 * host_pcache_run_flusher(), and locks, sleeps and wake-ups that do
 * nothing (a host test is one thread).
 */
#include <tessera/debug_keys.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/gfp.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/mutex.h>
#include <tessera/node.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/wait.h>

#include "host_pcache.h"

struct cpu_info host_cpu_info;
static struct task host_task, flusher_task;
enum node_role node_role = ROLE_PROCESSOR;
void (*alloc_check_hook)(const char *what);

#define ARENA_BYTES	(8UL << 20)

static u8 arena[ARENA_BYTES] __aligned(PAGE_SIZE);
static unsigned long arena_used;

static void *arena_alloc(unsigned long bytes)
{
	void *p;

	bytes = (bytes + PAGE_SIZE - 1) & PAGE_MASK;
	if (arena_used + bytes > ARENA_BYTES)
		return NULL;
	p = arena + arena_used;
	arena_used += bytes;
	memset(p, 0, bytes);
	return p;
}

void host_pcache_reset(void)
{
	arena_used = 0;
	host_cpu_info.curr_task = &host_task;
	host_cpu_info.self = &host_cpu_info;
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	return (unsigned long)arena_alloc(PAGE_SIZE << order);
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return arena_alloc(n * size);
}

void kfree(const void *p)
{
}

/* ------------------------------------------------------------ threads */

static int (*thread_fn)(void *arg);
static void *thread_arg;
static unsigned int thread_rounds;

struct task *kthread_create(int (*fn)(void *arg), void *arg,
			    const char *namefmt, ...)
{
	thread_fn = fn;
	thread_arg = arg;
	snprintf(flusher_task.comm, sizeof(flusher_task.comm), "%s",
		 namefmt);
	return &flusher_task;
}

bool wake_up_process(struct task *t)
{
	return true;
}

bool kthread_should_stop(void)
{
	if (!thread_rounds)
		return true;
	thread_rounds--;
	return false;
}

void host_pcache_run_flusher(unsigned int rounds)
{
	HOST_BUG_ON(!thread_fn);
	thread_rounds = rounds;
	host_cpu_info.curr_task = &flusher_task;
	thread_fn(thread_arg);
	host_cpu_info.curr_task = &host_task;
}

void msleep(unsigned int ms)
{
}

ktime_t ktime_get(void)
{
	static ktime_t now;

	return now += 1000;
}

void mutex_lock(struct mutex *lock)
{
}

void mutex_unlock(struct mutex *lock)
{
}

void __wake_up(struct wait_queue_head *wq, int nr_exclusive)
{
}

int debug_key_register(char key, const char *what, void (*fn)(void))
{
	return 0;
}

/* lib/vsprintf.c's %pS: no symbols here. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "%#lx", addr);
}

/* ------------------------------------------------------------ page tables */

void user_flush_tlb_mm_range(const pte_t *pgd, unsigned long start,
			     unsigned long end)
{
}

bool pmm_pte_set_prot(pte_t *pte, u32 prot)
{
	return false;
}
