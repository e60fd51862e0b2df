/* SPDX-License-Identifier: MIT */
/*
 * fixture_inputs.h - a fixture's inputs at one batch size, as
 * gen_fixtures.py writes them: input 0 in MODEL.in.B.npy, input k >= 1
 * (the masked encoders' masks) in MODEL.inK.B.npy, in the order of the
 * graph's inputs. Shared by the model tests.
 */
#ifndef ACCEL_TESTS_COMPILER_FIXTURE_INPUTS_H
#define ACCEL_TESTS_COMPILER_FIXTURE_INPUTS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <accel/ir.h>

#include "npy.h"

#define FIXTURE_MAX_INPUTS 4

/*
 * fixture_load_inputs() - load every input file of @model at batch @b into
 * @x (FIXTURE_MAX_INPUTS entries, zeroed first). Returns how many were
 * loaded (at least 1), or -1 when MODEL.in.B.npy or a file that exists
 * cannot be read (npy_load() says why on stderr).
 */
static inline int fixture_load_inputs(const char *dir, const char *model, int b,
				      struct accel_tensor *x)
{
	char path[512];
	int k;

	memset(x, 0, FIXTURE_MAX_INPUTS * sizeof(*x));
	for (k = 0; k < FIXTURE_MAX_INPUTS; k++) {
		if (k)
			snprintf(path, sizeof(path), "%s/%s.in%d.%d.npy", dir, model, k, b);
		else
			snprintf(path, sizeof(path), "%s/%s.in.%d.npy", dir, model, b);
		if (k && access(path, F_OK))
			break;
		if (npy_load(path, &x[k])) {
			while (k-- > 0)
				free(x[k].data);
			memset(x, 0, FIXTURE_MAX_INPUTS * sizeof(*x));
			return -1;
		}
	}
	return k;
}

static inline void fixture_free_inputs(struct accel_tensor *x)
{
	int k;

	for (k = 0; k < FIXTURE_MAX_INPUTS; k++) {
		free(x[k].data);
		x[k].data = NULL;
	}
}

#endif
