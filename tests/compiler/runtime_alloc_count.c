// SPDX-License-Identifier: MIT
/*
 * runtime_alloc_count.c - count heap allocations made by code linked
 * statically into the test: the AOT runtime (libaccel-rt's objects) and
 * the test itself, not the shared libraries it loads (libaccel and its
 * device backend, oneDNN). The link wraps the allocator's symbols
 * (-Wl,--wrap=malloc ...), so only references resolved at static link
 * time come here; they count and forward to the real functions. Works
 * under sanitizers too: the real functions are theirs.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "runtime_alloc_count.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
int __real_posix_memalign(void **out, size_t align, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);
int __wrap_posix_memalign(void **out, size_t align, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static atomic_bool counting;
static atomic_uint_fast64_t count;

static void note(void)
{
	if (atomic_load_explicit(&counting, memory_order_relaxed))
		atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
}

void *__wrap_malloc(size_t n)
{
	note();
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	note();
	return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	note();
	return __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	note();
	return __real_aligned_alloc(align, n);
}

int __wrap_posix_memalign(void **out, size_t align, size_t n)
{
	note();
	return __real_posix_memalign(out, align, n);
}

char *__wrap_strdup(const char *s)
{
	note();
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	note();
	return __real_strndup(s, n);
}

void runtime_alloc_count_start(void)
{
	atomic_store(&count, 0);
	atomic_store(&counting, true);
}

uint64_t runtime_alloc_count_stop(void)
{
	atomic_store(&counting, false);
	return atomic_load(&count);
}
