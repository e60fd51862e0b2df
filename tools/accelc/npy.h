/* SPDX-License-Identifier: MIT */
/*
 * npy.h - numpy .npy files to and from struct accel_tensor: how accelc
 * takes inputs and gives outputs, and how the tests read PyTorch's
 * reference tensors (tests/compiler/gen_fixtures.py writes them).
 *
 * Format versions 1.0, 2.0 and 3.0 are read; 1.0 is written (2.0 when the
 * header would not fit 64 KiB). Dtypes: little-endian float32 ('<f4'),
 * int64 ('<i8'), int32 ('<i4') and bool ('|b1'), C order only.
 */
#ifndef ACCEL_NPY_H
#define ACCEL_NPY_H

#include <stddef.h>

#include <accel/ir.h>

/*
 * npy_read() - read @path into @t (data malloc'ed, free() it). 0, or -1
 * with one line in @msg saying what is wrong.
 */
int npy_read(const char *path, struct accel_tensor *t, char *msg, size_t msglen);

/* npy_load() - npy_read() that prints "PATH: why" on stderr on failure. */
int npy_load(const char *path, struct accel_tensor *t);

/* npy_write() - write @t (dense, row-major) to @path. 0 or -1 with @msg. */
int npy_write(const char *path, const struct accel_tensor *t, char *msg, size_t msglen);

#endif /* ACCEL_NPY_H */
