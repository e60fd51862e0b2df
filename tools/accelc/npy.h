/* SPDX-License-Identifier: MIT */
/*
 * npy.h - read a numpy .npy file (format 1.x/2.x, little-endian float32,
 * C order) into an accel_tensor: what gen_fixtures.py writes.
 */
#ifndef ACCEL_TESTS_COMPILER_NPY_H
#define ACCEL_TESTS_COMPILER_NPY_H

#include <accel/ir.h>

/* 0, or -1 with a message on stderr. The data is malloc'ed. */
int npy_load(const char *path, struct accel_tensor *t);

#endif
