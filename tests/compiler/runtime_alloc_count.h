/* SPDX-License-Identifier: MIT */
/*
 * runtime_alloc_count.h - count the heap allocations of the statically
 * linked runtime (see runtime_alloc_count.c; the test must be linked with
 * -Wl,--wrap= for malloc, calloc, realloc, aligned_alloc, posix_memalign,
 * strdup and strndup).
 */
#ifndef ACCEL_TESTS_RUNTIME_ALLOC_COUNT_H
#define ACCEL_TESTS_RUNTIME_ALLOC_COUNT_H

#include <stdint.h>

void runtime_alloc_count_start(void);
/* Allocations by the runtime's code since runtime_alloc_count_start(). */
uint64_t runtime_alloc_count_stop(void);

#endif
