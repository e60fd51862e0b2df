// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * names.c - printable opcode names and element sizes, for error messages,
 * debugfs dumps and the validator. Freestanding: tables only.
 */
#include "vaccel_engine.h"

static const char *const opcode_names[VACCEL_OP_COUNT] = {
	[VACCEL_OP_NOP] = "NOP",
	[VACCEL_OP_TIMESTAMP] = "TIMESTAMP",
	[VACCEL_OP_FENCE] = "FENCE",
	[VACCEL_OP_COPY] = "COPY",
	[VACCEL_OP_FILL] = "FILL",
	[VACCEL_OP_GEMM] = "GEMM",
	[VACCEL_OP_CONV2D] = "CONV2D",
	[VACCEL_OP_UNARY] = "UNARY",
	[VACCEL_OP_BINARY] = "BINARY",
	[VACCEL_OP_FUSED_ELEMENTWISE] = "FUSED_ELEMENTWISE",
	[VACCEL_OP_REDUCE] = "REDUCE",
	[VACCEL_OP_SOFTMAX] = "SOFTMAX",
	[VACCEL_OP_LAYERNORM] = "LAYERNORM",
	[VACCEL_OP_RMSNORM] = "RMSNORM",
	[VACCEL_OP_TRANSPOSE] = "TRANSPOSE",
	[VACCEL_OP_GATHER] = "GATHER",
	[VACCEL_OP_POOL] = "POOL",
};

const char *vaccel_opcode_name(__u32 opcode)
{
	if (opcode >= VACCEL_OP_COUNT)
		return "UNKNOWN";
	return opcode_names[opcode];
}

static const __u8 dtype_sizes[VACCEL_DTYPE_COUNT] = {
	[VACCEL_DTYPE_F32] = 4,
	[VACCEL_DTYPE_BF16] = 2,
	[VACCEL_DTYPE_F16] = 2,
	[VACCEL_DTYPE_I8] = 1,
	[VACCEL_DTYPE_I32] = 4,
	[VACCEL_DTYPE_I64] = 8,
};

__u32 vaccel_dtype_size(__u32 dtype)
{
	/* Entry 0 is zero: 0 is deliberately not a dtype. */
	if (dtype >= VACCEL_DTYPE_COUNT)
		return 0;
	return dtype_sizes[dtype];
}
