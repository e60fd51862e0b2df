/* SPDX-License-Identifier: MIT */
/*
 * malloc_count.h - count heap allocations made by a stretch of code, every
 * thread included, through an interposer on glibc's allocator. Sanitizers
 * own malloc themselves, so under them counting is unavailable.
 */
#ifndef ACCEL_TESTS_COMPILER_MALLOC_COUNT_H
#define ACCEL_TESTS_COMPILER_MALLOC_COUNT_H

#include <stdbool.h>
#include <stdint.h>

/* Whether this build can count (false under ASan). */
bool malloc_count_available(void);
/* Start counting from zero. */
void malloc_count_start(void);
/* Stop counting; the number of malloc, calloc, realloc and aligned
 * allocations made since malloc_count_start(). */
uint64_t malloc_count_stop(void);

#endif
