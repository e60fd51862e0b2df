// SPDX-License-Identifier: MIT
/*
 * npy_compare.c - compare two float32 .npy files elementwise:
 * |got - want| <= atol + rtol * |want| (numpy.allclose's rule) with
 * rtol 1e-4, atol 1e-5, and equal shapes; two bool files must be equal
 * (any non-zero byte is true). Exit 0 when they match, 1 when
 * not (saying where), 2 on bad usage or unreadable files. The CLI test
 * (accelc-cli.sh) checks accelc's outputs against PyTorch's with it.
 *
 * usage: npy-compare GOT.npy WANT.npy
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "npy.h"

#define RTOL 1e-4
#define ATOL 1e-5

int main(int argc, char **argv)
{
	struct accel_tensor got, want;
	int64_t i, n = 1, bad = 0;
	double worst = 0;
	int d, ret = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s GOT.npy WANT.npy\n", argv[0]);
		return 2;
	}
	if (npy_load(argv[1], &got))
		return 2;
	if (npy_load(argv[2], &want)) {
		free(got.data);
		return 2;
	}
	if (got.dtype != want.dtype || (got.dtype != ACCEL_DT_F32 && got.dtype != ACCEL_DT_BOOL) ||
	    got.rank != want.rank) {
		fprintf(stderr, "%s: dtype or rank differs from %s\n", argv[1], argv[2]);
		ret = 1;
		goto out;
	}
	for (d = 0; d < got.rank; d++) {
		if (got.dims[d] != want.dims[d]) {
			fprintf(stderr, "%s: dim %d is %lld, want %lld\n", argv[1], d,
				(long long)got.dims[d], (long long)want.dims[d]);
			ret = 1;
			goto out;
		}
		n *= got.dims[d];
	}
	for (i = 0; i < n; i++) {
		double a, w, e;

		if (got.dtype == ACCEL_DT_BOOL) {
			a = ((uint8_t *)got.data)[i] != 0;
			w = ((uint8_t *)want.data)[i] != 0;
		} else {
			a = ((float *)got.data)[i];
			w = ((float *)want.data)[i];
		}
		e = fabs(a - w);

		if (!(e <= ATOL + RTOL * fabs(w))) {
			if (!bad)
				fprintf(stderr, "%s: [%lld] = %.9g, want %.9g\n", argv[1],
					(long long)i, a, w);
			bad++;
		}
		worst = e > worst ? e : worst;
	}
	printf("%s: %lld elements, %lld outside tolerance, max abs error %.3g\n", argv[1],
	       (long long)n, (long long)bad, worst);
	ret = bad ? 1 : 0;
out:
	free(got.data);
	free(want.data);
	return ret;
}
