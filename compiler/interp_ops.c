// SPDX-License-Identifier: MIT
/*
 * interp_ops.c - the reference interpreter's kernels: the helpers they share
 * and interp_node(), which dispatches one node to its kernel. The kernels
 * themselves live in interp_eltwise.c, interp_linalg.c, interp_nn.c,
 * interp_layout.c and interp_shape.c: one naive loop nest per op, on dense
 * row-major tensors of f32, i64, i32 and bool.
 *
 * This is the oracle the compiler's fast paths are checked against, so it
 * favours the obvious over the quick: sums accumulate in double, indices are
 * recomputed rather than strength-reduced, and every shape and index is
 * checked against the concrete tensors (constant folding runs these kernels
 * on whatever constants an imported model holds).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp_priv.h"

int ik_err(struct kctx *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ir_node_verror(c->err, EINVAL, "interpreter", c->n, fmt, ap);
	va_end(ap);
	return ret;
}

int64_t tensor_numel(const struct accel_tensor *t)
{
	int64_t n = 1;
	int i;

	for (i = 0; i < t->rank; i++)
		n *= t->dims[i];
	return n;
}

/* Allocate output @i with @rank dims (zero-filled). */
int ik_alloc(struct kctx *c, uint32_t i, enum accel_dtype dt, int rank,
	     const int64_t *dims)
{
	struct accel_tensor *t = &c->out[i];
	int64_t n = 1;
	int d;

	if (rank < 0 || rank > ACCEL_IR_MAX_RANK)
		return ik_err(c, "result rank %d unsupported", rank);
	for (d = 0; d < rank; d++)
		if (dims[d] < 0 || __builtin_mul_overflow(n, dims[d], &n) || n > MAX_ELEMS)
			return ik_err(c, "result too large or negative dimension");
	t->dtype = dt;
	t->rank = rank;
	for (d = 0; d < rank; d++)
		t->dims[d] = dims[d];
	t->data = calloc((size_t)(n ? n : 1), accel_dtype_size(dt));
	if (!t->data)
		return ir_error(c->err, ENOMEM, "interpreter: out of memory");
	return 0;
}

double ik_get(const struct accel_tensor *t, int64_t i)
{
	switch (t->dtype) {
	case ACCEL_DT_F32:
		return ((const float *)t->data)[i];
	case ACCEL_DT_I64:
		return (double)((const int64_t *)t->data)[i];
	case ACCEL_DT_I32:
		return ((const int32_t *)t->data)[i];
	case ACCEL_DT_BOOL:
		/* Any non-zero byte is true, and reads as 1. */
		return ((const uint8_t *)t->data)[i] != 0;
	default:
		return 0;
	}
}

int64_t ik_geti(const struct accel_tensor *t, int64_t i)
{
	switch (t->dtype) {
	case ACCEL_DT_I64:
		return ((const int64_t *)t->data)[i];
	case ACCEL_DT_I32:
		return ((const int32_t *)t->data)[i];
	case ACCEL_DT_BOOL:
		return ((const uint8_t *)t->data)[i] != 0;
	case ACCEL_DT_F32: {
		float f = ((const float *)t->data)[i];

		/* C leaves out-of-range conversions undefined: saturate. */
		if (!(f == f))
			return 0;
		if (f >= 9.2233720e18f)
			return INT64_MAX;
		if (f <= -9.2233720e18f)
			return INT64_MIN;
		return (int64_t)f;
	}
	default:
		return 0;
	}
}

void ik_put(struct accel_tensor *t, int64_t i, double v)
{
	switch (t->dtype) {
	case ACCEL_DT_F32:
		((float *)t->data)[i] = (float)v;
		break;
	case ACCEL_DT_BOOL:
		((uint8_t *)t->data)[i] = v != 0;
		break;
	default:
		break;
	}
}

void ik_puti(struct accel_tensor *t, int64_t i, int64_t v)
{
	switch (t->dtype) {
	case ACCEL_DT_I64:
		((int64_t *)t->data)[i] = v;
		break;
	case ACCEL_DT_I32:
		((int32_t *)t->data)[i] = (int32_t)v;
		break;
	case ACCEL_DT_BOOL:
		((uint8_t *)t->data)[i] = v != 0;
		break;
	case ACCEL_DT_F32:
		((float *)t->data)[i] = (float)v;
		break;
	default:
		break;
	}
}

/* Offsets of @t's elements for an output of rank @r under numpy
 * broadcasting: stride 0 along broadcast dims. */
void ik_bcast_strides(const struct accel_tensor *t, int r, int64_t *st)
{
	int64_t s = 1;
	int i, j;

	for (i = r - 1, j = t->rank - 1; i >= 0; i--, j--) {
		if (j < 0 || t->dims[j] == 1) {
			st[i] = 0;
		} else {
			st[i] = s;
		}
		if (j >= 0)
			s *= t->dims[j];
	}
}

int ik_bcast_shape(struct kctx *c, const struct accel_tensor *a, const struct accel_tensor *b,
		   int *r, int64_t *dims)
{
	int i;

	*r = a->rank > b->rank ? a->rank : b->rank;
	for (i = 0; i < *r; i++) {
		int ia = i - (*r - a->rank), ib = i - (*r - b->rank);
		int64_t x = ia >= 0 ? a->dims[ia] : 1, y = ib >= 0 ? b->dims[ib] : 1;

		if (x != y && x != 1 && y != 1)
			return ik_err(c, "cannot broadcast %lld with %lld", (long long)x, (long long)y);
		dims[i] = x == 1 ? y : x;
	}
	return 0;
}

/* Advance a multi-index over dims; false when it wraps to the start. */
bool ik_next_index(int64_t *idx, const int64_t *dims, int r)
{
	int i;

	for (i = r - 1; i >= 0; i--) {
		if (++idx[i] < dims[i])
			return true;
		idx[i] = 0;
	}
	return false;
}

int64_t ik_offset(const int64_t *idx, const int64_t *st, int r)
{
	int64_t o = 0;
	int i;

	for (i = 0; i < r; i++)
		o += idx[i] * st[i];
	return o;
}

int ik_need_f32(struct kctx *c, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (ik_has(c, i) && c->in[i].dtype != ACCEL_DT_F32)
			return ik_err(c, "input %u must be f32", i);
	return 0;
}

void ik_ints_attr(const struct accel_node *n, const char *name, int cnt, int64_t def,
		  int64_t *out)
{
	const struct accel_attr *a = ir_attr_find(n, name);
	int i;

	for (i = 0; i < cnt; i++)
		out[i] = a && (int)a->n == cnt ? a->ints[i] : def;
}

bool ik_window_ok(const int64_t *v, int n, int64_t lo)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] < lo || v[i] > WINDOW_MAX)
			return false;
	return true;
}

int ik_axis_of(struct kctx *c, int64_t axis, int rank, int *out)
{
	*out = 0;
	if (axis < -rank || axis >= rank)
		return ik_err(c, "axis %lld out of range", (long long)axis);
	*out = (int)(axis < 0 ? axis + rank : axis);
	return 0;
}

/* Split dims at @axis into outer x len x inner. */
void ik_around(const struct accel_tensor *t, int axis, int64_t *outer, int64_t *inner)
{
	int i;

	*outer = 1;
	*inner = 1;
	for (i = 0; i < axis; i++)
		*outer *= t->dims[i];
	for (i = axis + 1; i < t->rank; i++)
		*inner *= t->dims[i];
}

int64_t ik_clamp_bound(int64_t v, int64_t dim, int64_t step)
{
	if (v < 0)
		v = v < -dim ? -1 : v + dim;
	if (step > 0)
		return v < 0 ? 0 : v > dim ? dim : v;
	return v < -1 ? -1 : v > dim - 1 ? dim - 1 : v;
}

/* Elements of [b, e) by step (b, e already clamped, step not 0 or
 * INT64_MIN); no intermediate overflows whatever the step. */
int64_t ik_slice_len(int64_t b, int64_t e, int64_t step)
{
	if (step > 0)
		return e <= b ? 0 : (e - b - 1) / step + 1;
	return b <= e ? 0 : (b - e - 1) / -step + 1;
}

/* The target dims of Reshape/Expand/ConstantOfShape: a DIMS attribute
 * evaluated under the symbol values, or the i64 input @idx. */
int ik_target(struct kctx *c, uint32_t idx, int64_t *dims, int *rank)
{
	const struct accel_attr *a = ir_attr_find(c->n, "shape");
	uint32_t i;
	int ret;

	*rank = 0;
	if (ik_has(c, idx)) {
		const struct accel_tensor *s = &c->in[idx];

		if (s->dtype != ACCEL_DT_I64 || s->rank != 1 || s->dims[0] > ACCEL_IR_MAX_RANK)
			return ik_err(c, "shape must be a 1-D i64 tensor of at most %d entries",
				      ACCEL_IR_MAX_RANK);
		*rank = (int)s->dims[0];
		for (i = 0; i < (uint32_t)*rank; i++)
			dims[i] = ik_geti(s, i);
		return 0;
	}
	if (!a)
		return ik_err(c, "no target shape");
	if (a->n > ACCEL_IR_MAX_RANK)
		return ik_err(c, "target rank too large");
	*rank = (int)a->n;
	for (i = 0; i < a->n; i++) {
		ret = dim_eval(c->g->syms, c->env, a->dims[i], &dims[i], c->err);
		if (ret)
			return ret;
	}
	return 0;
}

int interp_node(const struct accel_graph *g, const struct accel_node *n,
		const struct dim_env *env, const struct accel_tensor *in,
		struct accel_tensor *out, struct accel_ir_error *err)
{
	struct kctx c = { .g = g, .n = n, .env = env, .in = in, .out = out, .err = err };
	uint32_t i;
	int ret;

	for (i = 0; i < n->noutputs; i++)
		out[i].data = NULL;
	switch (n->op) {
	case ACCEL_OP_ADD: case ACCEL_OP_SUB: case ACCEL_OP_MUL: case ACCEL_OP_DIV:
	case ACCEL_OP_POW: case ACCEL_OP_EQUAL: case ACCEL_OP_WHERE: case ACCEL_OP_AND:
	case ACCEL_OP_OR:
		ret = ik_elementwise(&c);
		break;
	case ACCEL_OP_RELU: case ACCEL_OP_GELU: case ACCEL_OP_ERF: case ACCEL_OP_TANH:
	case ACCEL_OP_SIGMOID: case ACCEL_OP_SQRT: case ACCEL_OP_CAST: case ACCEL_OP_NOT:
		ret = ik_unary(&c);
		break;
	case ACCEL_OP_MATMUL: ret = ik_matmul(&c); break;
	case ACCEL_OP_GEMM: ret = ik_gemm(&c); break;
	case ACCEL_OP_CONV: ret = ik_conv(&c); break;
	case ACCEL_OP_BATCHNORM: case ACCEL_OP_LAYERNORM: case ACCEL_OP_SOFTMAX:
		ret = ik_norm(&c);
		break;
	case ACCEL_OP_MAXPOOL: case ACCEL_OP_AVGPOOL: case ACCEL_OP_GLOBALAVGPOOL:
		ret = ik_pool(&c);
		break;
	case ACCEL_OP_REDUCEMEAN: ret = ik_reduce(&c); break;
	case ACCEL_OP_FLATTEN: ret = ik_flatten(&c); break;
	case ACCEL_OP_RESHAPE: ret = ik_reshape(&c); break;
	case ACCEL_OP_TRANSPOSE: ret = ik_transpose(&c); break;
	case ACCEL_OP_CONCAT: ret = ik_concat(&c); break;
	case ACCEL_OP_SPLIT: ret = ik_split(&c); break;
	case ACCEL_OP_SLICE: ret = ik_slice(&c); break;
	case ACCEL_OP_GATHER: ret = ik_gather(&c); break;
	case ACCEL_OP_SQUEEZE: case ACCEL_OP_UNSQUEEZE: ret = ik_squeeze(&c); break;
	case ACCEL_OP_EXPAND: ret = ik_expand(&c); break;
	case ACCEL_OP_PAD: ret = ik_pad(&c); break;
	case ACCEL_OP_TRILU: ret = ik_trilu(&c); break;
	case ACCEL_OP_SHAPE: ret = ik_shape(&c); break;
	case ACCEL_OP_CONSTANTOFSHAPE: ret = ik_constantofshape(&c); break;
	case ACCEL_OP_RANGE: ret = ik_range(&c); break;
	default:
		ret = ik_err(&c, "no kernel");
		break;
	}
	if (ret)
		for (i = 0; i < n->noutputs; i++) {
			free(out[i].data);
			out[i].data = NULL;
		}
	return ret;
}
