/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * vaccel_isa.h - the command-buffer instruction set of the vaccel engine.
 *
 * A command buffer is a struct vaccel_cmdbuf_header followed by packets laid
 * end to end. Every packet starts with a struct vaccel_pkt_header whose
 * @size is the whole packet's size in bytes; for every opcode it must equal
 * sizeof() of that opcode's packet struct. Packets execute in order; each one
 * sees the memory effects of all earlier ones.
 *
 * Operands are struct vaccel_tensor: a buffer *index* into the submit's
 * buffer list, a byte offset, a rank, dims and strides in elements. Strides
 * may be zero (a broadcast read) but every element an operand can address
 * must lie inside its buffer; the validator checks that before anything runs.
 * Outputs may not have a zero stride on a dimension larger than one.
 *
 * Floating-point values in packets (alpha, eps, constants) are IEEE-754
 * binary32 bit patterns stored in __u32 fields, so the header needs no float
 * type and reads the same in the kernel.
 *
 * Documentation/isa.rst is the specification; this header is its encoding.
 */
#ifndef _UAPI_VACCEL_ISA_H_
#define _UAPI_VACCEL_ISA_H_

#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/** VACCEL_ISA_VERSION_MAJOR - a command buffer's major must equal this. */
#define VACCEL_ISA_VERSION_MAJOR 1
/**
 * VACCEL_ISA_VERSION_MINOR - a command buffer's minor must be <= this.
 * 1.1 added VACCEL_COPY_F_CONVERT (F32/I32/I64 conversion by COPY).
 */
#define VACCEL_ISA_VERSION_MINOR 1
/** VACCEL_CMDBUF_MAGIC - "VACB" in little-endian byte order. */
#define VACCEL_CMDBUF_MAGIC 0x42434156u

/** VACCEL_MAX_DIMS - largest tensor rank. */
#define VACCEL_MAX_DIMS 4

/**
 * struct vaccel_cmdbuf_header - first bytes of every command buffer.
 * @magic: VACCEL_CMDBUF_MAGIC.
 * @version_major: VACCEL_ISA_VERSION_MAJOR the buffer was built for.
 * @version_minor: VACCEL_ISA_VERSION_MINOR the buffer was built for.
 * @num_packets: number of packets that follow; they must fill the rest of
 *	the buffer exactly.
 * @flags: must be zero.
 */
struct vaccel_cmdbuf_header {
	__u32 magic;
	__u16 version_major;
	__u16 version_minor;
	__u32 num_packets;
	__u32 flags;
};

/**
 * enum vaccel_opcode - packet opcodes.
 * @VACCEL_OP_NOP: do nothing (struct vaccel_pkt_nop).
 * @VACCEL_OP_TIMESTAMP: write the engine clock (struct vaccel_pkt_timestamp).
 * @VACCEL_OP_FENCE: write a value once all earlier packets are done
 *	(struct vaccel_pkt_fence).
 * @VACCEL_OP_COPY: strided copy (struct vaccel_pkt_copy).
 * @VACCEL_OP_FILL: fill with a constant (struct vaccel_pkt_fill).
 * @VACCEL_OP_GEMM: batched matrix multiply (struct vaccel_pkt_gemm).
 * @VACCEL_OP_CONV2D: 2-D convolution (struct vaccel_pkt_conv2d).
 * @VACCEL_OP_UNARY: elementwise unary op (struct vaccel_pkt_unary).
 * @VACCEL_OP_BINARY: broadcasting binary op (struct vaccel_pkt_binary).
 * @VACCEL_OP_FUSED_ELEMENTWISE: register program per element
 *	(struct vaccel_pkt_fused).
 * @VACCEL_OP_REDUCE: reduction over axes (struct vaccel_pkt_reduce).
 * @VACCEL_OP_SOFTMAX: softmax along one axis (struct vaccel_pkt_softmax).
 * @VACCEL_OP_LAYERNORM: layer normalization (struct vaccel_pkt_norm).
 * @VACCEL_OP_RMSNORM: RMS normalization (struct vaccel_pkt_norm).
 * @VACCEL_OP_TRANSPOSE: permute dimensions (struct vaccel_pkt_transpose).
 * @VACCEL_OP_GATHER: gather along an axis (struct vaccel_pkt_gather).
 * @VACCEL_OP_POOL: max or average 2-D pooling (struct vaccel_pkt_pool).
 * @VACCEL_OP_COUNT: number of opcodes; not an opcode.
 */
enum vaccel_opcode {
	VACCEL_OP_NOP = 0,
	VACCEL_OP_TIMESTAMP = 1,
	VACCEL_OP_FENCE = 2,
	VACCEL_OP_COPY = 3,
	VACCEL_OP_FILL = 4,
	VACCEL_OP_GEMM = 5,
	VACCEL_OP_CONV2D = 6,
	VACCEL_OP_UNARY = 7,
	VACCEL_OP_BINARY = 8,
	VACCEL_OP_FUSED_ELEMENTWISE = 9,
	VACCEL_OP_REDUCE = 10,
	VACCEL_OP_SOFTMAX = 11,
	VACCEL_OP_LAYERNORM = 12,
	VACCEL_OP_RMSNORM = 13,
	VACCEL_OP_TRANSPOSE = 14,
	VACCEL_OP_GATHER = 15,
	VACCEL_OP_POOL = 16,
	VACCEL_OP_COUNT = 17,
};

/**
 * enum vaccel_dtype - element types.
 * @VACCEL_DTYPE_F32: IEEE binary32; the only type compute packets take in
 *	ISA 1.1.
 * @VACCEL_DTYPE_BF16: bfloat16 (COPY and FILL only in ISA 1.1).
 * @VACCEL_DTYPE_F16: IEEE binary16 (COPY and FILL only in ISA 1.1).
 * @VACCEL_DTYPE_I8: signed 8-bit (COPY and FILL only in ISA 1.1).
 * @VACCEL_DTYPE_I32: signed 32-bit (GATHER indices, COPY, FILL, and COPY
 *	with VACCEL_COPY_F_CONVERT).
 * @VACCEL_DTYPE_I64: signed 64-bit (GATHER indices, COPY, FILL, and COPY
 *	with VACCEL_COPY_F_CONVERT).
 * @VACCEL_DTYPE_COUNT: number of dtypes; not a dtype.
 *
 * Zero is not a dtype, so a forgotten field is caught.
 */
enum vaccel_dtype {
	VACCEL_DTYPE_F32 = 1,
	VACCEL_DTYPE_BF16 = 2,
	VACCEL_DTYPE_F16 = 3,
	VACCEL_DTYPE_I8 = 4,
	VACCEL_DTYPE_I32 = 5,
	VACCEL_DTYPE_I64 = 6,
	VACCEL_DTYPE_COUNT = 7,
};

/**
 * struct vaccel_tensor - an operand: a strided view into one buffer.
 * @buf: index into the submit's buffer list.
 * @dtype: one of enum vaccel_dtype.
 * @offset: byte offset of element [0,0,0,0] in the buffer; a multiple of
 *	the element size.
 * @rank: number of dimensions used, 1 .. VACCEL_MAX_DIMS (0 for FILL/COPY of
 *	a scalar is not allowed: use rank 1, dims[0] = 1).
 * @pad: must be zero.
 * @dims: extent of each dimension, outermost first; each >= 1; entries at
 *	and past @rank must be zero.
 * @strides: distance in elements between neighbours along each dimension;
 *	entries at and past @rank must be zero.
 */
struct vaccel_tensor {
	__u32 buf;
	__u32 dtype;
	__u64 offset;
	__u32 rank;
	__u32 pad;
	__u32 dims[VACCEL_MAX_DIMS];
	__u64 strides[VACCEL_MAX_DIMS];
};

/**
 * struct vaccel_pkt_header - first bytes of every packet.
 * @opcode: one of enum vaccel_opcode.
 * @flags: per-opcode flags (VACCEL_<OP>_F_*); unknown bits must be zero.
 * @size: size of the whole packet in bytes, header included.
 */
struct vaccel_pkt_header {
	__u16 opcode;
	__u16 flags;
	__u32 size;
};

/** struct vaccel_pkt_nop - does nothing. @hdr: the header. */
struct vaccel_pkt_nop {
	struct vaccel_pkt_header hdr;
};

/**
 * struct vaccel_pkt_timestamp - write the engine's CLOCK_MONOTONIC time, in
 * nanoseconds, as a __u64 at @offset of buffer @buf.
 * @hdr: the header.
 * @buf: buffer index.
 * @pad: must be zero.
 * @offset: byte offset, a multiple of 8; the 8 bytes must fit the buffer.
 */
struct vaccel_pkt_timestamp {
	struct vaccel_pkt_header hdr;
	__u32 buf;
	__u32 pad;
	__u64 offset;
};

/**
 * struct vaccel_pkt_fence - once every earlier packet is done, write @value
 * as a __u64 at @offset of buffer @buf (a release store).
 * @hdr: the header.
 * @buf: buffer index.
 * @pad: must be zero.
 * @offset: byte offset, a multiple of 8; the 8 bytes must fit the buffer.
 * @value: the value written.
 */
struct vaccel_pkt_fence {
	struct vaccel_pkt_header hdr;
	__u32 buf;
	__u32 pad;
	__u64 offset;
	__u64 value;
};

/**
 * VACCEL_COPY_F_CONVERT - (ISA 1.1) dst[i] = convert(src[i]): @src and @dst
 * may differ in dtype, each F32, I32 or I64. Integer to F32 rounds to
 * nearest, ties to even. F32 to integer truncates toward zero; NaN gives 0,
 * values at or above the integer's maximum (+inf included) give the maximum,
 * values below its minimum (-inf included) the minimum. I64 to I32 keeps the
 * low 32 bits (two's complement wrap); I32 to I64 sign-extends. Equal
 * dtypes copy the element unchanged. Only in command buffers whose
 * version_minor is >= 1.
 */
#define VACCEL_COPY_F_CONVERT (1u << 0)
/** VACCEL_COPY_FLAGS - all valid COPY flags. */
#define VACCEL_COPY_FLAGS VACCEL_COPY_F_CONVERT

/**
 * struct vaccel_pkt_copy - dst[i] = src[i] for every index i.
 * @hdr: the header; flags are VACCEL_COPY_F_*.
 * @dst: destination; same rank and dims as @src, and the same dtype unless
 *	VACCEL_COPY_F_CONVERT is set.
 * @src: source. Overlap between @src and @dst gives unspecified results.
 */
struct vaccel_pkt_copy {
	struct vaccel_pkt_header hdr;
	struct vaccel_tensor dst;
	struct vaccel_tensor src;
};

/**
 * struct vaccel_pkt_fill - dst[i] = value for every index i.
 * @hdr: the header.
 * @value: the bit pattern of one element, in the low bytes (little endian)
 *	for dtypes narrower than 64 bits; the remaining bytes must be zero.
 * @dst: destination.
 */
struct vaccel_pkt_fill {
	struct vaccel_pkt_header hdr;
	__u64 value;
	struct vaccel_tensor dst;
};

/**
 * enum vaccel_act - activation applied by GEMM and CONV2D epilogues.
 * @VACCEL_ACT_NONE: identity.
 * @VACCEL_ACT_RELU: max(x, 0).
 * @VACCEL_ACT_GELU: x * 0.5 * (1 + erf(x / sqrt(2))) (exact, not tanh).
 * @VACCEL_ACT_SILU: x * sigmoid(x).
 * @VACCEL_ACT_SIGMOID: 1 / (1 + exp(-x)).
 * @VACCEL_ACT_TANH: tanh(x).
 * @VACCEL_ACT_COUNT: number of activations; not one itself.
 */
enum vaccel_act {
	VACCEL_ACT_NONE = 0,
	VACCEL_ACT_RELU = 1,
	VACCEL_ACT_GELU = 2,
	VACCEL_ACT_SILU = 3,
	VACCEL_ACT_SIGMOID = 4,
	VACCEL_ACT_TANH = 5,
	VACCEL_ACT_COUNT = 6,
};

/** VACCEL_GEMM_F_TRANS_A - @a holds A transposed: [batch,] K x M. */
#define VACCEL_GEMM_F_TRANS_A (1u << 0)
/** VACCEL_GEMM_F_TRANS_B - @b holds B transposed: [batch,] N x K. */
#define VACCEL_GEMM_F_TRANS_B (1u << 1)
/** VACCEL_GEMM_F_BIAS - add @bias (rank 1, N elements) to every row. */
#define VACCEL_GEMM_F_BIAS (1u << 2)
/** VACCEL_GEMM_FLAGS - all valid GEMM flags. */
#define VACCEL_GEMM_FLAGS (VACCEL_GEMM_F_TRANS_A | VACCEL_GEMM_F_TRANS_B | VACCEL_GEMM_F_BIAS)

/**
 * struct vaccel_pkt_gemm - C = act(alpha * op(A) op(B) + beta * C + bias).
 * @hdr: the header; flags are VACCEL_GEMM_F_*.
 * @alpha: binary32 bits.
 * @beta: binary32 bits; when it is 0.0, C is not read (NaNs in it vanish).
 * @act: one of enum vaccel_act.
 * @pad: must be zero.
 * @a: rank 2 (M x K, or K x M with TRANS_A) or rank 3 with a leading batch
 *	dimension equal to C's or 1 (broadcast).
 * @b: rank 2 (K x N, or N x K with TRANS_B) or rank 3, batch as for @a.
 * @c: the output, rank 2 (M x N) or rank 3 (batch x M x N).
 * @bias: rank 1 with N elements when VACCEL_GEMM_F_BIAS is set; otherwise
 *	all zero.
 */
struct vaccel_pkt_gemm {
	struct vaccel_pkt_header hdr;
	__u32 alpha;
	__u32 beta;
	__u32 act;
	__u32 pad;
	struct vaccel_tensor a;
	struct vaccel_tensor b;
	struct vaccel_tensor c;
	struct vaccel_tensor bias;
};

/** VACCEL_CONV_F_BIAS - add @bias (rank 1, OC elements) per output channel. */
#define VACCEL_CONV_F_BIAS (1u << 0)
/** VACCEL_CONV_FLAGS - all valid CONV2D flags. */
#define VACCEL_CONV_FLAGS VACCEL_CONV_F_BIAS

/**
 * struct vaccel_pkt_conv2d - y = act(conv2d(x, w) + bias), NCHW.
 * @hdr: the header; flags are VACCEL_CONV_F_*.
 * @stride_h: vertical stride, >= 1.
 * @stride_w: horizontal stride, >= 1.
 * @pad_top: implicit zero rows above.
 * @pad_left: implicit zero columns left.
 * @pad_bottom: implicit zero rows below.
 * @pad_right: implicit zero columns right.
 * @dilation_h: vertical dilation, >= 1.
 * @dilation_w: horizontal dilation, >= 1.
 * @groups: >= 1; divides both C and OC.
 * @act: one of enum vaccel_act.
 * @x: input, rank 4: N x C x H x W.
 * @w: weights, rank 4: OC x C/groups x KH x KW.
 * @bias: rank 1 with OC elements when VACCEL_CONV_F_BIAS; otherwise zero.
 * @y: output, rank 4: N x OC x OH x OW with
 *	OH = (H + pad_top + pad_bottom - dilation_h * (KH - 1) - 1) / stride_h + 1
 *	and OW likewise; both must be >= 1.
 */
struct vaccel_pkt_conv2d {
	struct vaccel_pkt_header hdr;
	__u32 stride_h;
	__u32 stride_w;
	__u32 pad_top;
	__u32 pad_left;
	__u32 pad_bottom;
	__u32 pad_right;
	__u32 dilation_h;
	__u32 dilation_w;
	__u32 groups;
	__u32 act;
	struct vaccel_tensor x;
	struct vaccel_tensor w;
	struct vaccel_tensor bias;
	struct vaccel_tensor y;
};

/**
 * enum vaccel_unary_op - unary elementwise functions.
 * @VACCEL_UNARY_RELU: max(x, 0).
 * @VACCEL_UNARY_GELU: x * 0.5 * (1 + erf(x / sqrt(2))).
 * @VACCEL_UNARY_SILU: x * sigmoid(x).
 * @VACCEL_UNARY_SIGMOID: 1 / (1 + exp(-x)).
 * @VACCEL_UNARY_TANH: tanh(x).
 * @VACCEL_UNARY_EXP: e^x.
 * @VACCEL_UNARY_LOG: natural log (NaN below 0, -inf at 0).
 * @VACCEL_UNARY_SQRT: square root.
 * @VACCEL_UNARY_RSQRT: 1 / sqrt(x).
 * @VACCEL_UNARY_NEG: -x.
 * @VACCEL_UNARY_ABS: |x|.
 * @VACCEL_UNARY_ERF: the error function.
 * @VACCEL_UNARY_COUNT: number of unary ops; not one itself.
 */
enum vaccel_unary_op {
	VACCEL_UNARY_RELU = 0,
	VACCEL_UNARY_GELU = 1,
	VACCEL_UNARY_SILU = 2,
	VACCEL_UNARY_SIGMOID = 3,
	VACCEL_UNARY_TANH = 4,
	VACCEL_UNARY_EXP = 5,
	VACCEL_UNARY_LOG = 6,
	VACCEL_UNARY_SQRT = 7,
	VACCEL_UNARY_RSQRT = 8,
	VACCEL_UNARY_NEG = 9,
	VACCEL_UNARY_ABS = 10,
	VACCEL_UNARY_ERF = 11,
	VACCEL_UNARY_COUNT = 12,
};

/**
 * enum vaccel_binary_op - binary elementwise functions, y = a OP b.
 * @VACCEL_BINARY_ADD: a + b.
 * @VACCEL_BINARY_SUB: a - b.
 * @VACCEL_BINARY_MUL: a * b.
 * @VACCEL_BINARY_DIV: a / b.
 * @VACCEL_BINARY_MAX: the larger (NaN if either is NaN).
 * @VACCEL_BINARY_MIN: the smaller (NaN if either is NaN).
 * @VACCEL_BINARY_POW: a raised to b, as C's powf.
 * @VACCEL_BINARY_COUNT: number of binary ops; not one itself.
 */
enum vaccel_binary_op {
	VACCEL_BINARY_ADD = 0,
	VACCEL_BINARY_SUB = 1,
	VACCEL_BINARY_MUL = 2,
	VACCEL_BINARY_DIV = 3,
	VACCEL_BINARY_MAX = 4,
	VACCEL_BINARY_MIN = 5,
	VACCEL_BINARY_POW = 6,
	VACCEL_BINARY_COUNT = 7,
};

/**
 * struct vaccel_pkt_unary - y[i] = op(x[i]).
 * @hdr: the header; no flags.
 * @op: one of enum vaccel_unary_op.
 * @pad: must be zero.
 * @x: input; same rank and dims as @y.
 * @y: output; may be @x itself (same buffer, offset and strides).
 */
struct vaccel_pkt_unary {
	struct vaccel_pkt_header hdr;
	__u32 op;
	__u32 pad;
	struct vaccel_tensor x;
	struct vaccel_tensor y;
};

/**
 * struct vaccel_pkt_binary - y[i] = a[i'] OP b[i''] with numpy broadcasting.
 * @hdr: the header; no flags.
 * @op: one of enum vaccel_binary_op.
 * @pad: must be zero.
 * @a: rank <= y's rank; aligned to y from the innermost dimension, each of
 *	its dims equals y's or is 1 (then broadcast).
 * @b: as @a.
 * @y: output; may alias @a or @b exactly when that input is not broadcast.
 */
struct vaccel_pkt_binary {
	struct vaccel_pkt_header hdr;
	__u32 op;
	__u32 pad;
	struct vaccel_tensor a;
	struct vaccel_tensor b;
	struct vaccel_tensor y;
};

/** VACCEL_FUSED_MAX_INPUTS - inputs of one FUSED_ELEMENTWISE packet. */
#define VACCEL_FUSED_MAX_INPUTS 6
/** VACCEL_FUSED_MAX_INSTS - instructions of one FUSED_ELEMENTWISE program. */
#define VACCEL_FUSED_MAX_INSTS 32
/** VACCEL_FUSED_NUM_REGS - registers r0 .. r15 of the per-element program. */
#define VACCEL_FUSED_NUM_REGS 16

/**
 * enum vaccel_fused_opc - instructions of the FUSED_ELEMENTWISE program.
 * @VACCEL_FUSED_LOAD: r[dst] = input[src0] at this element (broadcast).
 * @VACCEL_FUSED_CONST: r[dst] = the binary32 whose bits are imm.
 * @VACCEL_FUSED_UNARY: r[dst] = unary op imm (enum vaccel_unary_op) of r[src0].
 * @VACCEL_FUSED_BINARY: r[dst] = r[src0] op imm (enum vaccel_binary_op) r[src1].
 * @VACCEL_FUSED_SELECT: r[dst] = r[imm] != 0 ? r[src0] : r[src1].
 * @VACCEL_FUSED_COUNT: number of instruction kinds; not one itself.
 */
enum vaccel_fused_opc {
	VACCEL_FUSED_LOAD = 0,
	VACCEL_FUSED_CONST = 1,
	VACCEL_FUSED_UNARY = 2,
	VACCEL_FUSED_BINARY = 3,
	VACCEL_FUSED_SELECT = 4,
	VACCEL_FUSED_COUNT = 5,
};

/**
 * struct vaccel_fused_inst - one instruction, 8 bytes.
 * @opc: one of enum vaccel_fused_opc.
 * @dst: destination register, < VACCEL_FUSED_NUM_REGS.
 * @src0: first source register (for LOAD: the input index).
 * @src1: second source register; zero where unused.
 * @imm: immediate: constant bits, op code or register, per @opc; zero where
 *	unused.
 */
struct vaccel_fused_inst {
	__u8 opc;
	__u8 dst;
	__u8 src0;
	__u8 src1;
	__u32 imm;
};

/**
 * struct vaccel_pkt_fused - y[i] = program(inputs at i), a register program.
 * @hdr: the header; no flags.
 * @num_inputs: 1 .. VACCEL_FUSED_MAX_INPUTS.
 * @num_insts: 1 .. VACCEL_FUSED_MAX_INSTS.
 * @out_reg: the register holding the result after the last instruction.
 * @pad: must be zero.
 * @y: output.
 * @in: inputs; those at and past @num_inputs must be all zero. Each
 *	broadcasts against @y as in struct vaccel_pkt_binary.
 * @insts: the program; those at and past @num_insts must be all zero. A
 *	register must be written before it is read.
 */
struct vaccel_pkt_fused {
	struct vaccel_pkt_header hdr;
	__u32 num_inputs;
	__u32 num_insts;
	__u32 out_reg;
	__u32 pad;
	struct vaccel_tensor y;
	struct vaccel_tensor in[VACCEL_FUSED_MAX_INPUTS];
	struct vaccel_fused_inst insts[VACCEL_FUSED_MAX_INSTS];
};

/**
 * enum vaccel_reduce_op - reductions.
 * @VACCEL_REDUCE_SUM: sum.
 * @VACCEL_REDUCE_MAX: maximum.
 * @VACCEL_REDUCE_MEAN: sum / count.
 * @VACCEL_REDUCE_COUNT: number of reductions; not one itself.
 */
enum vaccel_reduce_op {
	VACCEL_REDUCE_SUM = 0,
	VACCEL_REDUCE_MAX = 1,
	VACCEL_REDUCE_MEAN = 2,
	VACCEL_REDUCE_COUNT = 3,
};

/**
 * struct vaccel_pkt_reduce - y = reduce(x) over the axes in @axes.
 * @hdr: the header; no flags.
 * @op: one of enum vaccel_reduce_op.
 * @axes: bitmask of reduced axes of @x (bit d: dimension d), non-zero, no
 *	bit at or past x's rank.
 * @x: input.
 * @y: output, same rank as @x; dims[d] is 1 where bit d is set and x's
 *	dims[d] elsewhere (keepdims).
 */
struct vaccel_pkt_reduce {
	struct vaccel_pkt_header hdr;
	__u32 op;
	__u32 axes;
	struct vaccel_tensor x;
	struct vaccel_tensor y;
};

/**
 * struct vaccel_pkt_softmax - y = exp(x - max) / sum(exp(x - max)) along @axis.
 * @hdr: the header; no flags.
 * @axis: the dimension, < rank.
 * @pad: must be zero.
 * @x: input.
 * @y: output; same rank and dims; may be @x itself.
 */
struct vaccel_pkt_softmax {
	struct vaccel_pkt_header hdr;
	__u32 axis;
	__u32 pad;
	struct vaccel_tensor x;
	struct vaccel_tensor y;
};

/** VACCEL_NORM_F_SCALE - multiply by @scale (gamma). */
#define VACCEL_NORM_F_SCALE (1u << 0)
/** VACCEL_NORM_F_SHIFT - add @shift (beta); LAYERNORM only. */
#define VACCEL_NORM_F_SHIFT (1u << 1)
/** VACCEL_NORM_FLAGS - all valid LAYERNORM/RMSNORM flags. */
#define VACCEL_NORM_FLAGS (VACCEL_NORM_F_SCALE | VACCEL_NORM_F_SHIFT)

/**
 * struct vaccel_pkt_norm - LAYERNORM or RMSNORM over dims @axis .. rank-1.
 * LAYERNORM: y = (x - mean) / sqrt(var + eps) * scale + shift (biased var).
 * RMSNORM:   y = x / sqrt(mean(x^2) + eps) * scale.
 * @hdr: the header; flags are VACCEL_NORM_F_*.
 * @axis: first normalized dimension, < rank.
 * @eps: binary32 bits, >= 0.
 * @x: input.
 * @scale: when VACCEL_NORM_F_SCALE: rank = x's rank - @axis, dims equal to
 *	x's normalized dims; otherwise all zero.
 * @shift: when VACCEL_NORM_F_SHIFT: as @scale; otherwise all zero.
 * @y: output; same rank and dims as @x; may be @x itself.
 */
struct vaccel_pkt_norm {
	struct vaccel_pkt_header hdr;
	__u32 axis;
	__u32 eps;
	struct vaccel_tensor x;
	struct vaccel_tensor scale;
	struct vaccel_tensor shift;
	struct vaccel_tensor y;
};

/**
 * struct vaccel_pkt_transpose - y[i0..ir] = x[j] with j[perm[k]] = i[k].
 * @hdr: the header; no flags.
 * @perm: a permutation of 0 .. rank-1; entries past rank must be zero.
 * @x: input.
 * @y: output, same rank; y.dims[k] = x.dims[perm[k]]. No overlap with @x.
 */
struct vaccel_pkt_transpose {
	struct vaccel_pkt_header hdr;
	__u32 perm[VACCEL_MAX_DIMS];
	struct vaccel_tensor x;
	struct vaccel_tensor y;
};

/**
 * struct vaccel_pkt_gather - y = x.take(indices, axis) (numpy/ONNX Gather).
 * @hdr: the header; no flags.
 * @axis: the gathered dimension of @x, < x's rank.
 * @pad: must be zero.
 * @x: data.
 * @indices: dtype I32 or I64, any rank r with x.rank - 1 + r <= MAX_DIMS.
 *	Values in [-dims[axis], dims[axis]); negative counts from the end. A
 *	value out of range ends the job with EDOM (found at run time).
 * @y: output: x.dims[0..axis) ++ indices.dims ++ x.dims(axis..rank).
 */
struct vaccel_pkt_gather {
	struct vaccel_pkt_header hdr;
	__u32 axis;
	__u32 pad;
	struct vaccel_tensor x;
	struct vaccel_tensor indices;
	struct vaccel_tensor y;
};

/**
 * enum vaccel_pool_op - pooling kinds.
 * @VACCEL_POOL_MAX: maximum over the window (padding never wins).
 * @VACCEL_POOL_AVG: average over the window.
 * @VACCEL_POOL_COUNT: number of kinds; not one itself.
 */
enum vaccel_pool_op {
	VACCEL_POOL_MAX = 0,
	VACCEL_POOL_AVG = 1,
	VACCEL_POOL_COUNT = 2,
};

/** VACCEL_POOL_F_COUNT_PAD - AVG divides by the full window, padding included. */
#define VACCEL_POOL_F_COUNT_PAD (1u << 0)
/** VACCEL_POOL_FLAGS - all valid POOL flags. */
#define VACCEL_POOL_FLAGS VACCEL_POOL_F_COUNT_PAD

/**
 * struct vaccel_pkt_pool - 2-D pooling over NCHW.
 * @hdr: the header; flags are VACCEL_POOL_F_*.
 * @op: one of enum vaccel_pool_op.
 * @kernel_h: window height, >= 1.
 * @kernel_w: window width, >= 1.
 * @stride_h: >= 1.
 * @stride_w: >= 1.
 * @pad_top: implicit padding above.
 * @pad_left: implicit padding left.
 * @pad_bottom: implicit padding below.
 * @pad_right: implicit padding right.
 * @dilation_h: >= 1.
 * @dilation_w: >= 1.
 * @pad: must be zero.
 * @x: input, rank 4: N x C x H x W.
 * @y: output, rank 4: N x C x OH x OW, computed as for CONV2D (floor);
 *	every window must overlap the unpadded input.
 */
struct vaccel_pkt_pool {
	struct vaccel_pkt_header hdr;
	__u32 op;
	__u32 kernel_h;
	__u32 kernel_w;
	__u32 stride_h;
	__u32 stride_w;
	__u32 pad_top;
	__u32 pad_left;
	__u32 pad_bottom;
	__u32 pad_right;
	__u32 dilation_h;
	__u32 dilation_w;
	__u32 pad;
	struct vaccel_tensor x;
	struct vaccel_tensor y;
};

/**
 * union vaccel_pkt - any packet of this ISA version.
 *
 * Large and aligned enough for every packet, so a decoder can copy a packet
 * (of hdr.size bytes, at most sizeof(union vaccel_pkt)) into one and read it
 * through the member hdr.opcode names; builders can fill one the same way.
 */
union vaccel_pkt {
	struct vaccel_pkt_header hdr;
	struct vaccel_pkt_nop nop;
	struct vaccel_pkt_timestamp timestamp;
	struct vaccel_pkt_fence fence;
	struct vaccel_pkt_copy copy;
	struct vaccel_pkt_fill fill;
	struct vaccel_pkt_gemm gemm;
	struct vaccel_pkt_conv2d conv;
	struct vaccel_pkt_unary unary;
	struct vaccel_pkt_binary binary;
	struct vaccel_pkt_fused fused;
	struct vaccel_pkt_reduce reduce;
	struct vaccel_pkt_softmax softmax;
	struct vaccel_pkt_norm norm;
	struct vaccel_pkt_transpose transpose;
	struct vaccel_pkt_gather gather;
	struct vaccel_pkt_pool pool;
	__u64 align;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VACCEL_ISA_H_ */
