/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomic integers and SMP memory barriers, on the compiler's __atomic
 * builtins (host-buildable: no inline assembly).
 *
 * Every read-modify-write here is fully ordered (sequentially consistent),
 * like the value-returning atomics of Linux; atomic_read()/atomic_set()
 * are plain single-copy-atomic accesses with no ordering.  Spinlocks,
 * mutexes and wait queues live in their own headers.
 */
#ifndef _TESSERA_ATOMIC_H
#define _TESSERA_ATOMIC_H

#include <tessera/compiler.h>

/* Full barrier: orders all earlier loads/stores before all later ones. */
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Orders earlier loads before later loads. */
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
/* Orders earlier stores before later stores. */
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

/*
 * One body for both widths: the builtins are type-generic, so each
 * operation below is defined once for atomic_t (int) and atomic64_t (s64).
 */
#define __ATOMIC_OPS(pfx, atype, ctype)					\
static __always_inline ctype pfx##_read(const atype *v)			\
{									\
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
}									\
static __always_inline void pfx##_set(atype *v, ctype i)		\
{									\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static __always_inline void pfx##_add(ctype i, atype *v)		\
{									\
	__atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);		\
}									\
static __always_inline void pfx##_sub(ctype i, atype *v)		\
{									\
	__atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST);		\
}									\
static __always_inline void pfx##_inc(atype *v)				\
{									\
	pfx##_add(1, v);						\
}									\
static __always_inline void pfx##_dec(atype *v)				\
{									\
	pfx##_sub(1, v);						\
}									\
/* Returns the value before the addition. */				\
static __always_inline ctype pfx##_fetch_add(ctype i, atype *v)		\
{									\
	return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
/* Returns the value after the addition. */				\
static __always_inline ctype pfx##_add_return(ctype i, atype *v)	\
{									\
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static __always_inline ctype pfx##_sub_return(ctype i, atype *v)	\
{									\
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static __always_inline ctype pfx##_inc_return(atype *v)			\
{									\
	return pfx##_add_return(1, v);					\
}									\
static __always_inline ctype pfx##_dec_return(atype *v)			\
{									\
	return pfx##_sub_return(1, v);					\
}									\
/* True if the decrement brought the counter to zero. */		\
static __always_inline bool pfx##_dec_and_test(atype *v)		\
{									\
	return pfx##_sub_return(1, v) == 0;				\
}									\
/* Store @new; returns the old value. */				\
static __always_inline ctype pfx##_xchg(atype *v, ctype new)		\
{									\
	return __atomic_exchange_n(&v->counter, new, __ATOMIC_SEQ_CST);	\
}									\
/*									\
 * Store @new if the counter equals @old.  Returns the value found,	\
 * which equals @old exactly when the store happened.			\
 */									\
static __always_inline ctype pfx##_cmpxchg(atype *v, ctype old, ctype new) \
{									\
	__atomic_compare_exchange_n(&v->counter, &old, new, false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	return old;							\
}

__ATOMIC_OPS(atomic, atomic_t, int)
__ATOMIC_OPS(atomic64, atomic64_t, s64)

#undef __ATOMIC_OPS

#endif /* _TESSERA_ATOMIC_H */
