// SPDX-License-Identifier: MIT
/*
 * malloc_count.c - the interposer of malloc_count.h. The executable's own
 * malloc and friends take precedence over libc's for every library it
 * loads; they count and forward to glibc's internal entry points.
 */
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#include "malloc_count.h"

#if defined(__SANITIZE_ADDRESS__)
#define MALLOC_COUNT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MALLOC_COUNT_SANITIZED 1
#endif
#endif

#ifdef MALLOC_COUNT_SANITIZED

bool malloc_count_available(void)
{
	return false;
}

void malloc_count_start(void)
{
}

uint64_t malloc_count_stop(void)
{
	return 0;
}

#else

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

static atomic_bool counting;
static atomic_uint_fast64_t count;

static void note(void)
{
	if (atomic_load_explicit(&counting, memory_order_relaxed))
		atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
}

void *malloc(size_t n)
{
	note();
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	note();
	return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	note();
	return __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}

void *memalign(size_t align, size_t n)
{
	note();
	return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	note();
	return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	note();
	if (!align || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	p = __libc_memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

bool malloc_count_available(void)
{
	return true;
}

void malloc_count_start(void)
{
	atomic_store(&count, 0);
	atomic_store(&counting, true);
}

uint64_t malloc_count_stop(void)
{
	atomic_store(&counting, false);
	return atomic_load(&count);
}

#endif
