/* SPDX-License-Identifier: MIT */
/*
 * tolerance.h - compare an f32 result with its reference (PyTorch's output
 * or the interpreter's) within the tolerance, |got - want| <=
 * ATOL + RTOL * |want|, shared by the model tests.
 */
#ifndef ACCEL_TESTS_COMPILER_TOLERANCE_H
#define ACCEL_TESTS_COMPILER_TOLERANCE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <accel/program.h>

#include "harness.h"

#define TOL_RTOL 1e-4
#define TOL_ATOL 1e-5

/*
 * tol_mismatches() - elements of @got outside the tolerance of @want; a
 * dtype or shape difference counts as one. Reports the first bad element
 * on stderr; stores the largest absolute error in @worst when non-NULL.
 */
static inline int64_t tol_mismatches(const char *what, const struct accel_tensor *got,
				     const struct accel_tensor *want, double *worst)
{
	int64_t i, n = 1, bad = 0;
	double max_err = 0;
	int d;

	if (got->dtype != want->dtype || got->rank != want->rank ||
	    memcmp(got->dims, want->dims, (size_t)got->rank * sizeof(got->dims[0]))) {
		fprintf(stderr, "%s: dtype or shape differs from the reference\n", what);
		return 1;
	}
	for (d = 0; d < want->rank; d++)
		n *= want->dims[d];
	for (i = 0; i < n; i++) {
		double a = ((const float *)got->data)[i], w = ((const float *)want->data)[i];
		double e = fabs(a - w);

		if (!(e <= TOL_ATOL + TOL_RTOL * fabs(w))) {
			if (!bad)
				fprintf(stderr, "%s: [%lld] = %.9g, want %.9g\n", what, (long long)i,
					a, w);
			bad++;
		}
		max_err = e > max_err ? e : max_err;
	}
	if (worst)
		*worst = max_err;
	return bad;
}

/* tol_check() - CHECK @got against @want and print the largest error. */
static inline void tol_check(const char *what, const struct accel_tensor *got,
			     const struct accel_tensor *want)
{
	double worst = 0;
	int64_t bad = tol_mismatches(what, got, want, &worst);

	CHECK(bad == 0, "%s: %lld elements outside tolerance", what, (long long)bad);
	printf("# %s: max abs error %.3g\n", what, worst);
}

#endif
