// SPDX-License-Identifier: MIT
/*
 * ops.c - the op table: each op's name in the text form, how many inputs and
 * outputs it takes and which attributes it knows, with their kinds and
 * defaults. The builder, the text parser and every pass read attributes
 * through it, so a name or kind that is not here cannot enter a graph.
 *
 * Op semantics follow ONNX (opset 13-17) except where the IR normalizes:
 * inputs that ONNX allows to be tensors but that must be constant here
 * (Squeeze/Unsqueeze/ReduceMean axes, Split sizes, Pad pads) are attributes,
 * and Reshape/Expand/ConstantOfShape may carry their target as a DIMS
 * attribute instead of an input once it is known symbolically.
 */
#include <string.h>

#include "ir_priv.h"

#define END { NULL, 0, 0, 0 }

static const struct op_attr_spec no_attrs[] = { END };
static const struct op_attr_spec gelu_attrs[] = {
	{ "approximate", ACCEL_ATTR_INT, 0, 0 },	/* 0 erf, 1 tanh */
	END };
static const struct op_attr_spec cast_attrs[] = {
	{ "to", ACCEL_ATTR_INT, ACCEL_DT_F32, 0 },	/* enum accel_dtype */
	END };
static const struct op_attr_spec gemm_attrs[] = {
	{ "alpha", ACCEL_ATTR_FLOAT, 0, 1.0 },
	{ "beta", ACCEL_ATTR_FLOAT, 0, 1.0 },
	{ "transA", ACCEL_ATTR_INT, 0, 0 },
	{ "transB", ACCEL_ATTR_INT, 0, 0 },
	END };
static const struct op_attr_spec conv_attrs[] = {
	{ "strides", ACCEL_ATTR_INTS, 0, 0 },	/* empty: all 1 */
	{ "pads", ACCEL_ATTR_INTS, 0, 0 },	/* begins then ends; empty: 0 */
	{ "dilations", ACCEL_ATTR_INTS, 0, 0 },	/* empty: all 1 */
	{ "group", ACCEL_ATTR_INT, 1, 0 },
	END };
static const struct op_attr_spec bn_attrs[] = {
	{ "epsilon", ACCEL_ATTR_FLOAT, 0, 1e-5 },
	END };
static const struct op_attr_spec ln_attrs[] = {
	{ "axis", ACCEL_ATTR_INT, -1, 0 },
	{ "epsilon", ACCEL_ATTR_FLOAT, 0, 1e-5 },
	END };
static const struct op_attr_spec axis_m1_attrs[] = {
	{ "axis", ACCEL_ATTR_INT, -1, 0 },
	END };
static const struct op_attr_spec axis0_attrs[] = {
	{ "axis", ACCEL_ATTR_INT, 0, 0 },
	END };
static const struct op_attr_spec axis1_attrs[] = {
	{ "axis", ACCEL_ATTR_INT, 1, 0 },
	END };
static const struct op_attr_spec maxpool_attrs[] = {
	{ "kernel_shape", ACCEL_ATTR_INTS, 0, 0 },
	{ "strides", ACCEL_ATTR_INTS, 0, 0 },
	{ "pads", ACCEL_ATTR_INTS, 0, 0 },
	{ "dilations", ACCEL_ATTR_INTS, 0, 0 },
	{ "ceil_mode", ACCEL_ATTR_INT, 0, 0 },
	END };
static const struct op_attr_spec avgpool_attrs[] = {
	{ "kernel_shape", ACCEL_ATTR_INTS, 0, 0 },
	{ "strides", ACCEL_ATTR_INTS, 0, 0 },
	{ "pads", ACCEL_ATTR_INTS, 0, 0 },
	{ "ceil_mode", ACCEL_ATTR_INT, 0, 0 },
	{ "count_include_pad", ACCEL_ATTR_INT, 0, 0 },
	END };
static const struct op_attr_spec reduce_attrs[] = {
	{ "axes", ACCEL_ATTR_INTS, 0, 0 },	/* empty: every axis */
	{ "keepdims", ACCEL_ATTR_INT, 1, 0 },
	END };
static const struct op_attr_spec reshape_attrs[] = {
	{ "allowzero", ACCEL_ATTR_INT, 0, 0 },
	{ "shape", ACCEL_ATTR_DIMS, 0, 0 },	/* only without a shape input */
	END };
static const struct op_attr_spec transpose_attrs[] = {
	{ "perm", ACCEL_ATTR_INTS, 0, 0 },	/* empty: reverse */
	END };
static const struct op_attr_spec split_attrs[] = {
	{ "axis", ACCEL_ATTR_INT, 0, 0 },
	{ "split", ACCEL_ATTR_INTS, 0, 0 },	/* empty: equal parts */
	END };
static const struct op_attr_spec axes_attrs[] = {
	{ "axes", ACCEL_ATTR_INTS, 0, 0 },
	END };
static const struct op_attr_spec expand_attrs[] = {
	{ "shape", ACCEL_ATTR_DIMS, 0, 0 },
	END };
static const struct op_attr_spec pad_attrs[] = {
	{ "pads", ACCEL_ATTR_INTS, 0, 0 },
	{ "value", ACCEL_ATTR_FLOAT, 0, 0.0 },
	END };
static const struct op_attr_spec shape_attrs[] = {
	{ "start", ACCEL_ATTR_INT, 0, 0 },
	{ "end", ACCEL_ATTR_INT, INT64_MAX, 0 },
	END };
static const struct op_attr_spec cos_attrs[] = {
	{ "dtype", ACCEL_ATTR_INT, ACCEL_DT_F32, 0 },
	{ "value", ACCEL_ATTR_FLOAT, 0, 0.0 },
	{ "shape", ACCEL_ATTR_DIMS, 0, 0 },
	END };

static const struct op_attr_spec trilu_attrs[] = {
	{ "upper", ACCEL_ATTR_INT, 1, 0 },
	{ "k", ACCEL_ATTR_INT, 0, 0 },		/* ONNX's optional input k */
	END };

#define OP(e, n, i0, i1, o0, o1, a) [e] = { n, i0, i1, o0, o1, a }

static const struct op_info ops[ACCEL_OP_COUNT] = {
	OP(ACCEL_OP_ADD, "Add", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_SUB, "Sub", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_MUL, "Mul", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_DIV, "Div", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_POW, "Pow", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_EQUAL, "Equal", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_WHERE, "Where", 3, 3, 1, 1, no_attrs),
	OP(ACCEL_OP_AND, "And", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_OR, "Or", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_RELU, "Relu", 1, 1, 1, 1, no_attrs),
	OP(ACCEL_OP_GELU, "Gelu", 1, 1, 1, 1, gelu_attrs),
	OP(ACCEL_OP_ERF, "Erf", 1, 1, 1, 1, no_attrs),
	OP(ACCEL_OP_TANH, "Tanh", 1, 1, 1, 1, no_attrs),
	OP(ACCEL_OP_SIGMOID, "Sigmoid", 1, 1, 1, 1, no_attrs),
	OP(ACCEL_OP_SQRT, "Sqrt", 1, 1, 1, 1, no_attrs),
	OP(ACCEL_OP_CAST, "Cast", 1, 1, 1, 1, cast_attrs),
	OP(ACCEL_OP_NOT, "Not", 1, 1, 1, 1, no_attrs),
	OP(ACCEL_OP_MATMUL, "MatMul", 2, 2, 1, 1, no_attrs),
	OP(ACCEL_OP_GEMM, "Gemm", 2, 3, 1, 1, gemm_attrs),
	OP(ACCEL_OP_CONV, "Conv", 2, 3, 1, 1, conv_attrs),
	OP(ACCEL_OP_BATCHNORM, "BatchNormalization", 5, 5, 1, 1, bn_attrs),
	OP(ACCEL_OP_LAYERNORM, "LayerNormalization", 2, 3, 1, 1, ln_attrs),
	OP(ACCEL_OP_SOFTMAX, "Softmax", 1, 1, 1, 1, axis_m1_attrs),
	OP(ACCEL_OP_MAXPOOL, "MaxPool", 1, 1, 1, 1, maxpool_attrs),
	OP(ACCEL_OP_AVGPOOL, "AveragePool", 1, 1, 1, 1, avgpool_attrs),
	OP(ACCEL_OP_GLOBALAVGPOOL, "GlobalAveragePool", 1, 1, 1, 1, no_attrs),
	OP(ACCEL_OP_REDUCEMEAN, "ReduceMean", 1, 1, 1, 1, reduce_attrs),
	OP(ACCEL_OP_FLATTEN, "Flatten", 1, 1, 1, 1, axis1_attrs),
	OP(ACCEL_OP_RESHAPE, "Reshape", 1, 2, 1, 1, reshape_attrs),
	OP(ACCEL_OP_TRANSPOSE, "Transpose", 1, 1, 1, 1, transpose_attrs),
	OP(ACCEL_OP_CONCAT, "Concat", 1, IR_MAX_IO, 1, 1, axis0_attrs),
	OP(ACCEL_OP_SPLIT, "Split", 1, 1, 1, IR_MAX_IO, split_attrs),
	OP(ACCEL_OP_SLICE, "Slice", 3, 5, 1, 1, no_attrs),
	OP(ACCEL_OP_GATHER, "Gather", 2, 2, 1, 1, axis0_attrs),
	OP(ACCEL_OP_SQUEEZE, "Squeeze", 1, 1, 1, 1, axes_attrs),
	OP(ACCEL_OP_UNSQUEEZE, "Unsqueeze", 1, 1, 1, 1, axes_attrs),
	OP(ACCEL_OP_EXPAND, "Expand", 1, 2, 1, 1, expand_attrs),
	OP(ACCEL_OP_PAD, "Pad", 1, 1, 1, 1, pad_attrs),
	OP(ACCEL_OP_TRILU, "Trilu", 1, 1, 1, 1, trilu_attrs),
	OP(ACCEL_OP_SHAPE, "Shape", 1, 1, 1, 1, shape_attrs),
	OP(ACCEL_OP_CONSTANTOFSHAPE, "ConstantOfShape", 0, 1, 1, 1, cos_attrs),
	OP(ACCEL_OP_RANGE, "Range", 3, 3, 1, 1, no_attrs),
};

const struct op_info *op_info(enum accel_op op)
{
	if ((unsigned)op >= ACCEL_OP_COUNT || !ops[op].name)
		return NULL;
	return &ops[op];
}

const char *accel_op_name(enum accel_op op)
{
	const struct op_info *i = op_info(op);

	return i ? i->name : "?";
}

enum accel_op accel_op_from_name(const char *name)
{
	int op;

	for (op = 1; op < ACCEL_OP_COUNT; op++)
		if (ops[op].name && !strcmp(ops[op].name, name))
			return (enum accel_op)op;
	return ACCEL_OP_INVALID;
}

const struct op_attr_spec *op_attr_spec(enum accel_op op, const char *name)
{
	const struct op_info *i = op_info(op);
	const struct op_attr_spec *s;

	if (!i)
		return NULL;
	for (s = i->attrs; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

const struct accel_attr *ir_attr_find(const struct accel_node *n, const char *name)
{
	uint32_t i;

	for (i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			return &n->attrs[i];
	return NULL;
}

int64_t ir_attr_int(const struct accel_node *n, const char *name)
{
	const struct accel_attr *a = ir_attr_find(n, name);
	const struct op_attr_spec *s;

	if (a)
		return a->i;
	s = op_attr_spec(n->op, name);
	return s ? s->idef : 0;
}

double ir_attr_float(const struct accel_node *n, const char *name)
{
	const struct accel_attr *a = ir_attr_find(n, name);
	const struct op_attr_spec *s;

	if (a)
		return a->f;
	s = op_attr_spec(n->op, name);
	return s ? s->fdef : 0.0;
}
