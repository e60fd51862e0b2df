/* SPDX-License-Identifier: MIT */
/*
 * harness.h - the few macros every test program shares.
 *
 * A test program runs its cases, prints one KTAP-style line per case and
 * exits 0 when all passed, 1 when any failed, 77 when it skipped (meson and
 * the kselftest runner both read that convention).
 */
#ifndef ACCEL_TESTS_HARNESS_H
#define ACCEL_TESTS_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

static int harness_failures;
static int harness_cases;

/* CHECK: record a failure with its location but keep going. */
#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			harness_failures++;                                     \
			fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__,  \
				__LINE__, #cond);                               \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
		}                                                               \
	} while (0)

/* RUN_CASE: run one void(void) case and print ok / not ok for it. */
#define RUN_CASE(fn)                                                            \
	do {                                                                    \
		int before_ = harness_failures;                                 \
		fn();                                                           \
		harness_cases++;                                                \
		printf("%s %d %s\n", harness_failures == before_ ? "ok" : "not ok", \
		       harness_cases, #fn);                                     \
	} while (0)

/* HARNESS_EXIT: the program's exit status after all cases ran. */
#define HARNESS_EXIT()                                                          \
	do {                                                                    \
		printf("# %d cases, %d failed checks\n", harness_cases,         \
		       harness_failures);                                       \
		return harness_failures ? 1 : 0;                                \
	} while (0)

#endif
