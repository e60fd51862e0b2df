// SPDX-License-Identifier: MIT
/*
 * dtype.c - element type names and sizes. Part of the runtime library (the
 * program checker and the runner need them), so the compiler's op table
 * (ops.c) does not have to be linked into an AOT runtime.
 */
#include <accel/ir.h>

static const char *const dtype_names[ACCEL_DT_COUNT] = {
	[ACCEL_DT_UNDEF] = "undef",
	[ACCEL_DT_F32] = "f32",
	[ACCEL_DT_BF16] = "bf16",
	[ACCEL_DT_F16] = "f16",
	[ACCEL_DT_I8] = "i8",
	[ACCEL_DT_I32] = "i32",
	[ACCEL_DT_I64] = "i64",
	[ACCEL_DT_BOOL] = "bool",
};

static const size_t dtype_sizes[ACCEL_DT_COUNT] = {
	[ACCEL_DT_F32] = 4, [ACCEL_DT_BF16] = 2, [ACCEL_DT_F16] = 2, [ACCEL_DT_I8] = 1,
	[ACCEL_DT_I32] = 4, [ACCEL_DT_I64] = 8, [ACCEL_DT_BOOL] = 1,
};

const char *accel_dtype_name(enum accel_dtype dt)
{
	return (unsigned)dt < ACCEL_DT_COUNT ? dtype_names[dt] : "?";
}

size_t accel_dtype_size(enum accel_dtype dt)
{
	return (unsigned)dt < ACCEL_DT_COUNT ? dtype_sizes[dt] : 0;
}
