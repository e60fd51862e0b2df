// SPDX-License-Identifier: MIT
/*
 * pass_shape.c - shape inference with symbolic dimensions.
 *
 * Walks the nodes in order and gives every output a dtype and a shape whose
 * dims are constants, symbolic expressions over the graph's symbols, or "?"
 * where nothing can be said (a data-dependent size). Alongside shapes it
 * tracks the *contents* of small integer tensors (accel_value.known): Shape
 * yields its input's dims, and Gather, Unsqueeze, Concat, Cast and integer
 * arithmetic carry them through, so the Shape -> Gather -> Unsqueeze ->
 * Concat -> Reshape chains that exporters emit resolve to shapes like
 * [seq, batch*4, 8]. Constant folding then reads the same contents.
 *
 * Inconsistent shapes (a MatMul whose inner dims are different constants,
 * an axis out of range) are errors naming the node; the interpreter later
 * checks every inferred shape against the tensors it really produces.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

struct sctx {
	struct accel_graph *g;
	struct accel_node *n;
	struct accel_ir_error *err;
};

static int nerr(struct sctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int nerr(struct sctx *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ir_node_verror(c->err, EINVAL, "shape inference", c->n, fmt, ap);
	va_end(ap);
	return ret;
}

/* Arithmetic on dims, with the graph's symbol table and errors named. */
static int arith(struct sctx *c, int ret)
{
	if (ret == -EOVERFLOW)
		return nerr(c, "dimension expression too complex or overflowing");
	if (ret == -EDOM)
		return nerr(c, "dimension divided by zero");
	if (ret)
		return ir_error(c->err, -ret, "out of memory");
	return 0;
}

#define ADD(a, b, o) arith(c, dim_add(c->g->syms, (a), (b), (o)))
#define SUB(a, b, o) arith(c, dim_sub(c->g->syms, (a), (b), (o)))
#define MUL(a, b, o) arith(c, dim_mul(c->g->syms, (a), (b), (o)))
#define DIV(a, b, o) arith(c, dim_div(c->g->syms, (a), (b), (o)))

static struct accel_dim K(int64_t v)
{
	return accel_dim_const(v);
}

static bool is_const(struct accel_dim d, int64_t v)
{
	return d.expr == 0 && d.val == v;
}

static int axis_norm(struct sctx *c, int64_t axis, int rank, int *out)
{
	*out = 0;
	if (axis < -rank || axis >= rank)
		return nerr(c, "axis %lld out of range for rank %d", (long long)axis, rank);
	*out = (int)(axis < 0 ? axis + rank : axis);
	return 0;
}

static struct accel_value *in(struct sctx *c, uint32_t i)
{
	return i < c->n->ninputs ? c->n->inputs[i] : NULL;
}

static void set_out(struct sctx *c, uint32_t i, enum accel_dtype dt, const struct accel_shape *s)
{
	struct accel_value *v = c->n->outputs[i];

	v->dtype = dt;
	v->shape = *s;
	ir_set_known(v, NULL, 0);
}

static int set_known(struct sctx *c, uint32_t i, const struct accel_dim *d, uint32_t n)
{
	return ir_set_known(c->n->outputs[i], d, n) ? ir_error(c->err, ENOMEM, "out of memory") : 0;
}

/* The known contents of a value, when every element is known. */
static const struct accel_dim *known(const struct accel_value *v, uint32_t *n)
{
	int64_t numel;

	*n = 0;
	if (!v || !v->known)
		return NULL;
	numel = accel_shape_numel(&v->shape);
	if (numel < 0 || (uint64_t)numel != v->nknown)
		return NULL;
	*n = v->nknown;
	return v->known;
}

/* Known contents that are all constants, as integers. */
static bool known_ints(const struct accel_value *v, int64_t *out, uint32_t max, uint32_t *n)
{
	const struct accel_dim *k = known(v, n);
	uint32_t i;

	if (!k || *n > max)
		return false;
	for (i = 0; i < *n; i++) {
		if (k[i].expr)
			return false;
		out[i] = k[i].val;
	}
	return true;
}

/* ---- elementwise ---- */

static int broadcast(struct sctx *c, const struct accel_shape *a, const struct accel_shape *b,
		     struct accel_shape *o)
{
	int i, r = a->rank > b->rank ? a->rank : b->rank;

	o->rank = r;
	for (i = 0; i < r; i++) {
		int ia = i - (r - a->rank), ib = i - (r - b->rank);
		struct accel_dim x = ia >= 0 ? a->dims[ia] : K(1);
		struct accel_dim y = ib >= 0 ? b->dims[ib] : K(1);

		if (dim_eq(x, y) || is_const(y, 1))
			o->dims[i] = x;
		else if (is_const(x, 1))
			o->dims[i] = y;
		else if (dim_is_const(x) && dim_is_const(y))
			return nerr(c, "cannot broadcast dimension %lld with %lld",
				    (long long)x.val, (long long)y.val);
		else if (dim_is_const(x) && !dim_is_unknown(x))
			o->dims[i] = x;	/* the symbol must be x, or 1 */
		else if (dim_is_const(y) && !dim_is_unknown(y))
			o->dims[i] = y;
		else
			o->dims[i] = dim_unknown();
	}
	return 0;
}

/* Integer arithmetic on known contents (shape arithmetic). */
static int known_binary(struct sctx *c, const struct accel_value *a, const struct accel_value *b)
{
	struct accel_dim r[IR_MAX_KNOWN];
	const struct accel_dim *x, *y;
	uint32_t nx = 0, ny = 0, n, i;
	int ret = 0;

	x = known(a, &nx);
	y = known(b, &ny);
	if (!x || !y || (nx != ny && nx != 1 && ny != 1) || c->n->outputs[0]->shape.rank > 1)
		return 0;
	n = nx > ny ? nx : ny;
	for (i = 0; i < n && !ret; i++) {
		struct accel_dim p = x[nx == 1 ? 0 : i], q = y[ny == 1 ? 0 : i];

		switch (c->n->op) {
		case ACCEL_OP_ADD:
			ret = ADD(p, q, &r[i]);
			break;
		case ACCEL_OP_SUB:
			ret = SUB(p, q, &r[i]);
			break;
		case ACCEL_OP_MUL:
			ret = MUL(p, q, &r[i]);
			break;
		case ACCEL_OP_DIV:
			/* Exact integer semantics only for constants; symbolic
			 * shape values are never negative. */
			if (is_const(q, 0))
				return 0;
			ret = DIV(p, q, &r[i]);
			break;
		default:
			return 0;
		}
	}
	return ret ? ret : set_known(c, 0, r, n);
}

static int infer_elementwise(struct sctx *c)
{
	struct accel_value *a = in(c, 0), *b = in(c, 1);
	enum accel_op op = c->n->op;
	struct accel_shape s;
	enum accel_dtype dt = a->dtype;
	int ret;

	if (op == ACCEL_OP_WHERE) {
		struct accel_shape t;

		if (a->dtype != ACCEL_DT_BOOL)
			return nerr(c, "condition must be bool, not %s", accel_dtype_name(a->dtype));
		if (b->dtype != in(c, 2)->dtype)
			return nerr(c, "branches differ in dtype");
		ret = broadcast(c, &a->shape, &b->shape, &t);
		if (!ret)
			ret = broadcast(c, &t, &in(c, 2)->shape, &s);
		if (!ret)
			set_out(c, 0, b->dtype, &s);
		return ret;
	}
	if (op != ACCEL_OP_POW && a->dtype != b->dtype)
		return nerr(c, "inputs differ in dtype (%s, %s)", accel_dtype_name(a->dtype),
			    accel_dtype_name(b->dtype));
	if ((op == ACCEL_OP_AND || op == ACCEL_OP_OR) && a->dtype != ACCEL_DT_BOOL)
		return nerr(c, "inputs must be bool, not %s", accel_dtype_name(a->dtype));
	if (op == ACCEL_OP_EQUAL)
		dt = ACCEL_DT_BOOL;
	ret = broadcast(c, &a->shape, &b->shape, &s);
	if (ret)
		return ret;
	set_out(c, 0, dt, &s);
	if (a->dtype == ACCEL_DT_I64 || a->dtype == ACCEL_DT_I32)
		return known_binary(c, a, b);
	return 0;
}

static int infer_unary(struct sctx *c)
{
	struct accel_value *x = in(c, 0);
	enum accel_dtype dt = x->dtype;
	const struct accel_dim *k;
	uint32_t n;

	if (c->n->op == ACCEL_OP_CAST) {
		dt = (enum accel_dtype)ir_attr_int(c->n, "to");
		if (dt <= ACCEL_DT_UNDEF || dt >= ACCEL_DT_COUNT)
			return nerr(c, "invalid target dtype %d", dt);
	} else if (c->n->op == ACCEL_OP_NOT) {
		if (x->dtype != ACCEL_DT_BOOL)
			return nerr(c, "input must be bool, not %s", accel_dtype_name(x->dtype));
	} else if (x->dtype != ACCEL_DT_F32) {
		return nerr(c, "input must be f32, not %s", accel_dtype_name(x->dtype));
	}
	set_out(c, 0, dt, &x->shape);
	k = known(x, &n);
	if (c->n->op == ACCEL_OP_CAST && k && (dt == ACCEL_DT_I64 || dt == ACCEL_DT_I32))
		return set_known(c, 0, k, n);
	return 0;
}

/* ---- linear algebra ---- */

static int need_f32(struct sctx *c, uint32_t ninputs)
{
	uint32_t i;

	for (i = 0; i < ninputs; i++)
		if (in(c, i) && in(c, i)->dtype != ACCEL_DT_F32)
			return nerr(c, "input %u must be f32, not %s", i,
				    accel_dtype_name(in(c, i)->dtype));
	return 0;
}

static int same_dim(struct sctx *c, struct accel_dim a, struct accel_dim b, const char *what)
{
	if (dim_is_const(a) && dim_is_const(b) && !dim_is_unknown(a) && !dim_is_unknown(b) &&
	    a.val != b.val)
		return nerr(c, "%s: %lld != %lld", what, (long long)a.val, (long long)b.val);
	return 0;
}

static int infer_matmul(struct sctx *c)
{
	struct accel_shape a = in(c, 0)->shape, b = in(c, 1)->shape, ba, bb, o;
	bool va = a.rank == 1, vb = b.rank == 1;
	int ret;

	ret = need_f32(c, 2);
	if (ret)
		return ret;
	if (a.rank < 1 || b.rank < 1)
		return nerr(c, "operands must have rank >= 1");
	/* numpy: a vector operand becomes a matrix, its dim removed after. */
	if (va) {
		a.rank = 2;
		a.dims[1] = a.dims[0];
		a.dims[0] = K(1);
	}
	if (vb) {
		b.rank = 2;
		b.dims[1] = K(1);
	}
	ret = same_dim(c, a.dims[a.rank - 1], b.dims[b.rank - 2], "inner dimensions differ");
	if (ret)
		return ret;
	ba = a;
	ba.rank -= 2;
	bb = b;
	bb.rank -= 2;
	ret = broadcast(c, &ba, &bb, &o);
	if (ret)
		return ret;
	if (!va)
		o.dims[o.rank++] = a.dims[a.rank - 2];
	if (!vb)
		o.dims[o.rank++] = b.dims[b.rank - 1];
	if (o.rank > ACCEL_IR_MAX_RANK)
		return nerr(c, "rank too large");
	set_out(c, 0, ACCEL_DT_F32, &o);
	return 0;
}

static int infer_gemm(struct sctx *c)
{
	const struct accel_shape *a = &in(c, 0)->shape, *b = &in(c, 1)->shape;
	bool ta = ir_attr_int(c->n, "transA"), tb = ir_attr_int(c->n, "transB");
	struct accel_shape o = { .rank = 2 };
	int ret;

	ret = need_f32(c, 3);
	if (ret)
		return ret;
	if (a->rank != 2 || b->rank != 2)
		return nerr(c, "operands must be matrices");
	ret = same_dim(c, a->dims[ta ? 0 : 1], b->dims[tb ? 1 : 0], "inner dimensions differ");
	if (ret)
		return ret;
	o.dims[0] = a->dims[ta ? 1 : 0];
	o.dims[1] = b->dims[tb ? 0 : 1];
	if (in(c, 2)) {
		struct accel_shape t;

		ret = broadcast(c, &o, &in(c, 2)->shape, &t);
		if (ret)
			return ret;
	}
	set_out(c, 0, ACCEL_DT_F32, &o);
	return 0;
}

/* An INTS attribute of length n, or @def everywhere when absent. */
static int ints_or(struct sctx *c, const char *name, uint32_t n, int64_t def, int64_t *out)
{
	const struct accel_attr *a = ir_attr_find(c->n, name);
	uint32_t i;

	if (a && a->n != n)
		return nerr(c, "attribute '%s' needs %u entries, has %u", name, n, a->n);
	for (i = 0; i < n; i++)
		out[i] = a ? a->ints[i] : def;
	return 0;
}

/* out = (x + pb + pe - ((k - 1) * dil + 1)) / stride + 1, rounding up when ceil. */
static int window_dim(struct sctx *c, struct accel_dim x, int64_t k, int64_t pb, int64_t pe,
		      int64_t stride, int64_t dil, bool ceil, struct accel_dim *out)
{
	struct accel_dim t;
	int64_t span = (k - 1) * dil + 1;
	int ret;

	if (k < 1 || stride < 1 || dil < 1 || pb < 0 || pe < 0 || k > (1 << 20) ||
	    dil > (1 << 20) || pb > (1 << 20) || pe > (1 << 20) || stride > (1 << 20))
		return nerr(c, "invalid kernel, stride, dilation or padding");
	ret = ADD(x, K(pb + pe - span + (ceil ? stride - 1 : 0)), &t);
	if (!ret && dim_is_const(t) && !dim_is_unknown(t) && t.val < 0)
		return nerr(c, "window larger than the padded input");
	if (!ret)
		ret = DIV(t, K(stride), &t);
	if (!ret)
		ret = ADD(t, K(1), out);
	return ret;
}

static int infer_conv(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape, *w = &in(c, 1)->shape;
	int64_t strides[2], pads[4], dil[2], group = ir_attr_int(c->n, "group");
	struct accel_shape o = { .rank = 4 };
	struct accel_dim cin;
	int ret, i;

	ret = need_f32(c, 3);
	if (ret)
		return ret;
	if (x->rank != 4 || w->rank != 4)
		return nerr(c, "only 2-D convolution (rank-4 input and weight) is supported");
	if (!dim_is_const(w->dims[2]) || !dim_is_const(w->dims[3]) || dim_is_unknown(w->dims[2]) ||
	    dim_is_unknown(w->dims[3]))
		return nerr(c, "kernel size must be constant");
	if (group < 1 || group > (1 << 20))
		return nerr(c, "invalid group %lld", (long long)group);
	ret = ints_or(c, "strides", 2, 1, strides);
	if (!ret)
		ret = ints_or(c, "pads", 4, 0, pads);
	if (!ret)
		ret = ints_or(c, "dilations", 2, 1, dil);
	if (!ret)
		ret = MUL(w->dims[1], K(group), &cin);
	if (!ret)
		ret = same_dim(c, x->dims[1], cin, "input channels differ from weight x group");
	if (ret)
		return ret;
	if (dim_is_const(w->dims[0]) && !dim_is_unknown(w->dims[0]) && w->dims[0].val % group)
		return nerr(c, "output channels not divisible by group");
	if (in(c, 2) && (in(c, 2)->shape.rank != 1 ||
			 same_dim(c, in(c, 2)->shape.dims[0], w->dims[0], "bias length")))
		return nerr(c, "bias must be a vector of output-channel length");
	o.dims[0] = x->dims[0];
	o.dims[1] = w->dims[0];
	for (i = 0; i < 2 && !ret; i++)
		ret = window_dim(c, x->dims[2 + i], w->dims[2 + i].val, pads[i], pads[2 + i],
				 strides[i], dil[i], false, &o.dims[2 + i]);
	if (!ret)
		set_out(c, 0, ACCEL_DT_F32, &o);
	return ret;
}

static int infer_pool(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	int64_t k[2], strides[2], pads[4], dil[2] = { 1, 1 };
	bool ceil = ir_attr_int(c->n, "ceil_mode");
	struct accel_shape o = { .rank = 4 };
	int ret, i;

	ret = need_f32(c, 1);
	if (ret)
		return ret;
	if (x->rank != 4)
		return nerr(c, "only 2-D pooling (rank-4 input) is supported");
	if (c->n->op == ACCEL_OP_GLOBALAVGPOOL) {
		o = *x;
		o.dims[2] = K(1);
		o.dims[3] = K(1);
		set_out(c, 0, ACCEL_DT_F32, &o);
		return 0;
	}
	if (!ir_attr_find(c->n, "kernel_shape"))
		return nerr(c, "attribute 'kernel_shape' is required");
	ret = ints_or(c, "kernel_shape", 2, 1, k);
	if (!ret)
		ret = ints_or(c, "strides", 2, 1, strides);
	if (!ret)
		ret = ints_or(c, "pads", 4, 0, pads);
	if (!ret && c->n->op == ACCEL_OP_MAXPOOL)
		ret = ints_or(c, "dilations", 2, 1, dil);
	if (ret)
		return ret;
	o.dims[0] = x->dims[0];
	o.dims[1] = x->dims[1];
	for (i = 0; i < 2 && !ret; i++) {
		/* A window must start inside the input or its left padding. */
		if (pads[i] >= k[i] || pads[2 + i] >= k[i])
			return nerr(c, "padding must be smaller than the kernel");
		ret = window_dim(c, x->dims[2 + i], k[i], pads[i], pads[2 + i], strides[i],
				 dil[i], ceil, &o.dims[2 + i]);
		/* Rounding up must not add a window that starts in the right
		 * padding (ONNX and PyTorch drop it); decidable for constants. */
		if (!ret && ceil && dim_is_const(x->dims[2 + i]) && dim_is_const(o.dims[2 + i]) &&
		    !dim_is_unknown(x->dims[2 + i]) && !dim_is_unknown(o.dims[2 + i]) &&
		    (o.dims[2 + i].val - 1) * strides[i] >= x->dims[2 + i].val + pads[i])
			o.dims[2 + i].val--;
	}
	if (!ret)
		set_out(c, 0, ACCEL_DT_F32, &o);
	return ret;
}

static int infer_norm(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	uint32_t i;
	int axis, ret;

	ret = need_f32(c, c->n->ninputs);
	if (ret)
		return ret;
	if (c->n->op == ACCEL_OP_BATCHNORM) {
		if (x->rank < 2)
			return nerr(c, "input needs a channel dimension");
		for (i = 1; i < 5; i++) {
			if (in(c, i)->shape.rank != 1)
				return nerr(c, "scale, bias, mean and var must be vectors");
			ret = same_dim(c, in(c, i)->shape.dims[0], x->dims[1], "channels differ");
			if (ret)
				return ret;
		}
	} else {
		ret = axis_norm(c, c->n->op == ACCEL_OP_LAYERNORM ? ir_attr_int(c->n, "axis") :
				ir_attr_int(c->n, "axis"), x->rank, &axis);
		if (ret)
			return ret;
	}
	set_out(c, 0, ACCEL_DT_F32, x);
	return 0;
}

/* ---- layout ---- */

static int infer_reduce(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	const struct accel_attr *axes = ir_attr_find(c->n, "axes");
	bool keep = ir_attr_int(c->n, "keepdims"), red[ACCEL_IR_MAX_RANK] = { false };
	struct accel_shape o = { .rank = 0 };
	uint32_t i;
	int a, ret;

	ret = need_f32(c, 1);
	if (ret)
		return ret;
	for (i = 0; axes && i < axes->n; i++) {
		ret = axis_norm(c, axes->ints[i], x->rank, &a);
		if (ret)
			return ret;
		if (red[a])
			return nerr(c, "axis %d repeated", a);
		red[a] = true;
	}
	for (a = 0; a < x->rank; a++) {
		bool r = !axes || !axes->n || red[a];

		if (!r)
			o.dims[o.rank++] = x->dims[a];
		else if (keep)
			o.dims[o.rank++] = K(1);
	}
	set_out(c, 0, ACCEL_DT_F32, &o);
	return 0;
}

static int infer_flatten(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	struct accel_shape o = { .rank = 2, .dims = { K(1), K(1) } };
	int64_t axis = ir_attr_int(c->n, "axis");
	int i, ret = 0;

	if (axis < 0)
		axis += x->rank;
	if (axis < 0 || axis > x->rank)
		return nerr(c, "axis %lld out of range", (long long)ir_attr_int(c->n, "axis"));
	for (i = 0; i < x->rank && !ret; i++)
		ret = MUL(o.dims[i < axis ? 0 : 1], x->dims[i], &o.dims[i < axis ? 0 : 1]);
	if (!ret)
		set_out(c, 0, in(c, 0)->dtype, &o);
	return ret;
}

/* The target of Reshape/Expand/ConstantOfShape: its DIMS attribute or the
 * known contents of its shape input. Returns false when unknown. */
static bool target_dims(struct sctx *c, struct accel_value *shape_in, struct accel_dim *d,
			uint32_t *n)
{
	const struct accel_attr *a = ir_attr_find(c->n, "shape");
	const struct accel_dim *k;

	if (!shape_in && a) {
		*n = a->n;
		if (a->n)
			memcpy(d, a->dims, a->n * sizeof(*d));
		return true;
	}
	if (!shape_in)
		return false;
	k = known(shape_in, n);
	if (!k)
		return false;
	memcpy(d, k, *n * sizeof(*d));
	return true;
}

/* An unknown-content shape input of constant length still gives the rank. */
static int target_rank(const struct accel_value *shape_in)
{
	if (shape_in && shape_in->shape.rank == 1 && dim_is_const(shape_in->shape.dims[0]) &&
	    shape_in->shape.dims[0].val <= ACCEL_IR_MAX_RANK)
		return (int)shape_in->shape.dims[0].val;
	return -1;
}

static int infer_reshape(struct sctx *c)
{
	struct accel_value *x = in(c, 0), *sv = in(c, 1);
	struct accel_dim t[IR_MAX_KNOWN], total = K(1), rest = K(1);
	struct accel_shape o;
	bool allowzero = ir_attr_int(c->n, "allowzero");
	int i, infer_at = -1, ret = 0;
	uint32_t n;

	if (sv && (sv->dtype != ACCEL_DT_I64 || sv->shape.rank != 1))
		return nerr(c, "shape input must be a 1-D i64 tensor");
	if (!target_dims(c, sv, t, &n)) {
		o.rank = target_rank(sv);
		for (i = 0; i < o.rank; i++)
			o.dims[i] = dim_unknown();
		set_out(c, 0, x->dtype, &o);
		return 0;
	}
	if (n > ACCEL_IR_MAX_RANK)
		return nerr(c, "target rank %u exceeds %d", n, ACCEL_IR_MAX_RANK);
	o.rank = (int)n;
	for (i = 0; i < x->shape.rank && !ret; i++)
		ret = MUL(total, x->shape.dims[i], &total);
	for (i = 0; i < o.rank && !ret; i++) {
		o.dims[i] = t[i];
		if (is_const(t[i], 0) && !allowzero) {
			if (i >= x->shape.rank)
				return nerr(c, "0 copies dimension %d the input lacks", i);
			o.dims[i] = x->shape.dims[i];
		} else if (is_const(t[i], -1)) {
			if (infer_at >= 0)
				return nerr(c, "more than one -1");
			infer_at = i;
			continue;
		} else if (dim_is_const(t[i]) && t[i].val < 0) {
			return nerr(c, "invalid target dimension %lld", (long long)t[i].val);
		}
		ret = MUL(rest, o.dims[i], &rest);
	}
	if (ret)
		return ret;
	if (infer_at >= 0) {
		if (is_const(rest, 0))
			return nerr(c, "cannot infer -1 next to a zero dimension");
		ret = DIV(total, rest, &o.dims[infer_at]);
		if (ret)
			return ret;
		if (dim_is_const(total) && dim_is_const(rest) && !dim_is_unknown(total) &&
		    !dim_is_unknown(rest) && total.val % rest.val)
			return nerr(c, "%lld elements do not reshape into multiples of %lld",
				    (long long)total.val, (long long)rest.val);
	} else if (dim_is_const(total) && dim_is_const(rest) && !dim_is_unknown(total) &&
		   !dim_is_unknown(rest) && total.val != rest.val) {
		return nerr(c, "%lld elements cannot become %lld", (long long)total.val,
			    (long long)rest.val);
	}
	set_out(c, 0, x->dtype, &o);
	{
		const struct accel_dim *k = known(x, &n);

		if (k && o.rank <= 1)
			return set_known(c, 0, k, n);
	}
	return 0;
}

static int infer_transpose(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	const struct accel_attr *perm = ir_attr_find(c->n, "perm");
	bool seen[ACCEL_IR_MAX_RANK] = { false };
	struct accel_shape o = { .rank = x->rank };
	int i;

	if (perm && perm->n && (int)perm->n != x->rank)
		return nerr(c, "perm has %u entries for rank %d", perm->n, x->rank);
	for (i = 0; i < x->rank; i++) {
		int64_t p = perm && perm->n ? perm->ints[i] : x->rank - 1 - i;

		if (p < 0 || p >= x->rank || seen[p])
			return nerr(c, "perm is not a permutation");
		seen[p] = true;
		o.dims[i] = x->dims[p];
	}
	set_out(c, 0, in(c, 0)->dtype, &o);
	return 0;
}

static int infer_concat(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	struct accel_dim k[IR_MAX_KNOWN];
	struct accel_shape o = *x;
	uint32_t i, nk = 0, m;
	bool all_known = true;
	int axis, d, ret;

	ret = axis_norm(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	for (i = 1; i < c->n->ninputs; i++) {
		const struct accel_shape *y = &in(c, i)->shape;

		if (in(c, i)->dtype != in(c, 0)->dtype || y->rank != x->rank)
			return nerr(c, "input %u differs in dtype or rank", i);
		for (d = 0; d < x->rank; d++) {
			if (d == axis)
				ret = ADD(o.dims[d], y->dims[d], &o.dims[d]);
			else
				ret = same_dim(c, o.dims[d], y->dims[d], "non-axis dims differ");
			if (ret)
				return ret;
		}
	}
	set_out(c, 0, in(c, 0)->dtype, &o);
	for (i = 0; i < c->n->ninputs && all_known; i++) {
		const struct accel_dim *ki = known(in(c, i), &m);

		if (!ki || nk + m > IR_MAX_KNOWN || x->rank != 1) {
			all_known = false;
			break;
		}
		memcpy(k + nk, ki, m * sizeof(*k));
		nk += m;
	}
	return all_known ? set_known(c, 0, k, nk) : 0;
}

static int infer_split(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	const struct accel_attr *split = ir_attr_find(c->n, "split");
	struct accel_shape o = *x;
	struct accel_dim sum = K(0);
	uint32_t i, nout = c->n->noutputs;
	int axis, ret;

	ret = axis_norm(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	if (split && split->n) {
		if (split->n != nout)
			return nerr(c, "split has %u sizes for %u outputs", split->n, nout);
		for (i = 0; i < nout && !ret; i++) {
			if (split->ints[i] < 0)
				return nerr(c, "negative split size");
			ret = ADD(sum, K(split->ints[i]), &sum);
		}
		if (!ret)
			ret = same_dim(c, sum, x->dims[axis], "split sizes do not add up");
		for (i = 0; i < nout && !ret; i++) {
			o.dims[axis] = K(split->ints[i]);
			set_out(c, i, in(c, 0)->dtype, &o);
		}
		return ret;
	}
	if (dim_is_const(x->dims[axis]) && !dim_is_unknown(x->dims[axis]) &&
	    x->dims[axis].val % nout)
		return nerr(c, "dimension %lld does not split into %u equal parts",
			    (long long)x->dims[axis].val, nout);
	ret = DIV(x->dims[axis], K(nout), &o.dims[axis]);
	for (i = 0; i < nout && !ret; i++)
		set_out(c, i, in(c, 0)->dtype, &o);
	return ret;
}

/* Clamp a Slice bound the way ONNX does, for a constant dim. */
static int64_t clamp_bound(int64_t v, int64_t dim, int64_t step)
{
	if (v < 0)
		v = v < -dim ? -1 : v + dim;
	if (step > 0)
		return v < 0 ? 0 : v > dim ? dim : v;
	return v < -1 ? -1 : v > dim - 1 ? dim - 1 : v;
}

/* Elements of [b, e) by step, as interp_ops.c counts them. */
static int64_t slice_len(int64_t b, int64_t e, int64_t step)
{
	if (step > 0)
		return e <= b ? 0 : (e - b - 1) / step + 1;
	return b <= e ? 0 : (b - e - 1) / -step + 1;
}

static int infer_slice(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	int64_t st[ACCEL_IR_MAX_RANK], en[ACCEL_IR_MAX_RANK], ax[ACCEL_IR_MAX_RANK],
		sp[ACCEL_IR_MAX_RANK];
	bool seen[ACCEL_IR_MAX_RANK] = { false };
	struct accel_shape o = *x;
	uint32_t n, m, i;
	int a, ret;

	if (!known_ints(in(c, 1), st, ACCEL_IR_MAX_RANK, &n) ||
	    !known_ints(in(c, 2), en, ACCEL_IR_MAX_RANK, &m) || m != n) {
		/* Data-dependent bounds: only the rank is known. */
		for (a = 0; a < x->rank; a++)
			o.dims[a] = dim_unknown();
		set_out(c, 0, in(c, 0)->dtype, &o);
		return 0;
	}
	if (in(c, 3)) {
		if (!known_ints(in(c, 3), ax, ACCEL_IR_MAX_RANK, &m) || m != n)
			return nerr(c, "axes must be constant and as long as starts");
	} else {
		for (i = 0; i < n; i++)
			ax[i] = i;
	}
	if (in(c, 4)) {
		if (!known_ints(in(c, 4), sp, ACCEL_IR_MAX_RANK, &m) || m != n)
			return nerr(c, "steps must be constant and as long as starts");
	} else {
		for (i = 0; i < n; i++)
			sp[i] = 1;
	}
	for (i = 0; i < n; i++) {
		struct accel_dim d;

		ret = axis_norm(c, ax[i], x->rank, &a);
		if (ret)
			return ret;
		if (seen[a] || sp[i] == 0)
			return nerr(c, "repeated axis or zero step");
		seen[a] = true;
		if (sp[i] == INT64_MIN)
			return nerr(c, "step out of range");
		d = x->dims[a];
		if (dim_is_const(d) && !dim_is_unknown(d)) {
			int64_t b = clamp_bound(st[i], d.val, sp[i]);
			int64_t e = clamp_bound(en[i], d.val, sp[i]);

			o.dims[a] = K(slice_len(b, e, sp[i]));
		} else if (sp[i] == 1 && st[i] >= 0 && en[i] >= (INT64_MAX >> 1)) {
			ret = SUB(d, K(st[i]), &o.dims[a]);	/* [start:] */
		} else if (sp[i] == 1 && st[i] == 0 && en[i] >= 0 && en[i] < (1 << 30)) {
			o.dims[a] = dim_unknown();	/* min(end, d): not expressible */
		} else {
			o.dims[a] = dim_unknown();
		}
		if (ret)
			return ret;
	}
	set_out(c, 0, in(c, 0)->dtype, &o);
	/* Slicing known contents, e.g. a Shape's tail. */
	{
		const struct accel_dim *k = known(in(c, 0), &m);
		struct accel_dim r[IR_MAX_KNOWN];
		uint32_t nr = 0;
		int64_t j;

		if (!k || x->rank != 1 || n != 1)
			return 0;
		{
			int64_t b = clamp_bound(st[0], m, sp[0]), e = clamp_bound(en[0], m, sp[0]);
			int64_t len = slice_len(b, e, sp[0]);

			for (j = 0; j < len; j++)
				r[nr++] = k[b + j * sp[0]];
		}
		return set_known(c, 0, r, nr);
	}
}

static int infer_gather(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape, *idx = &in(c, 1)->shape;
	struct accel_shape o = { .rank = 0 };
	int axis, i, ret;

	if (in(c, 1)->dtype != ACCEL_DT_I64 && in(c, 1)->dtype != ACCEL_DT_I32)
		return nerr(c, "indices must be i64 or i32");
	ret = axis_norm(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	if (x->rank - 1 + idx->rank > ACCEL_IR_MAX_RANK)
		return nerr(c, "result rank too large");
	for (i = 0; i < axis; i++)
		o.dims[o.rank++] = x->dims[i];
	for (i = 0; i < idx->rank; i++)
		o.dims[o.rank++] = idx->dims[i];
	for (i = axis + 1; i < x->rank; i++)
		o.dims[o.rank++] = x->dims[i];
	set_out(c, 0, in(c, 0)->dtype, &o);
	{
		struct accel_dim r[IR_MAX_KNOWN];
		int64_t ix[IR_MAX_KNOWN];
		const struct accel_dim *k;
		uint32_t m, ni, j;

		k = known(in(c, 0), &m);
		if (!k || x->rank != 1 || !known_ints(in(c, 1), ix, IR_MAX_KNOWN, &ni))
			return 0;
		for (j = 0; j < ni; j++) {
			int64_t v = ix[j] < 0 ? ix[j] + (int64_t)m : ix[j];

			if (v < 0 || v >= (int64_t)m)
				return nerr(c, "index %lld out of range", (long long)ix[j]);
			r[j] = k[v];
		}
		return set_known(c, 0, r, ni);
	}
}

static int infer_squeeze(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	const struct accel_attr *axes = ir_attr_find(c->n, "axes");
	bool mark[ACCEL_IR_MAX_RANK + 1] = { false };
	struct accel_shape o = { .rank = 0 };
	const struct accel_dim *k;
	uint32_t i, m;
	int a, r, ret;

	r = c->n->op == ACCEL_OP_SQUEEZE ? x->rank : x->rank + (int)(axes ? axes->n : 0);
	if (c->n->op == ACCEL_OP_UNSQUEEZE && (!axes || !axes->n))
		return nerr(c, "axes are required");
	if (r > ACCEL_IR_MAX_RANK)
		return nerr(c, "result rank too large");
	for (i = 0; axes && i < axes->n; i++) {
		ret = axis_norm(c, axes->ints[i], r, &a);
		if (ret)
			return ret;
		if (mark[a])
			return nerr(c, "axis %d repeated", a);
		mark[a] = true;
	}
	if (c->n->op == ACCEL_OP_SQUEEZE) {
		for (a = 0; a < x->rank; a++) {
			bool sq = axes && axes->n ? mark[a] : is_const(x->dims[a], 1);

			if (sq && (axes && axes->n) && !is_const(x->dims[a], 1) &&
			    dim_is_const(x->dims[a]) && !dim_is_unknown(x->dims[a]))
				return nerr(c, "dimension %d is not 1", a);
			if (!axes || !axes->n) {
				if (!dim_is_const(x->dims[a]) || dim_is_unknown(x->dims[a]))
					return nerr(c, "squeezing every 1 needs constant dims");
			}
			if (!sq)
				o.dims[o.rank++] = x->dims[a];
		}
	} else {
		int j = 0;

		for (a = 0; a < r; a++)
			o.dims[o.rank++] = mark[a] ? K(1) : x->dims[j++];
	}
	set_out(c, 0, in(c, 0)->dtype, &o);
	k = known(in(c, 0), &m);
	if (k && o.rank <= 1)
		return set_known(c, 0, k, m);
	return 0;
}

static int infer_expand(struct sctx *c)
{
	struct accel_value *x = in(c, 0), *sv = in(c, 1);
	struct accel_dim t[IR_MAX_KNOWN];
	struct accel_shape ts, o;
	uint32_t n, i;

	if (!target_dims(c, sv, t, &n)) {
		int r = target_rank(sv);

		o.rank = r < 0 ? -1 : (r > x->shape.rank ? r : x->shape.rank);
		for (i = 0; (int)i < o.rank; i++)
			o.dims[i] = dim_unknown();
		set_out(c, 0, x->dtype, &o);
		return 0;
	}
	if (n > ACCEL_IR_MAX_RANK)
		return nerr(c, "target rank %u exceeds %d", n, ACCEL_IR_MAX_RANK);
	ts = accel_shape_make((int)n, t);
	if (broadcast(c, &x->shape, &ts, &o))
		return -EINVAL;
	set_out(c, 0, x->dtype, &o);
	return 0;
}

static int infer_pad(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	const struct accel_attr *pads = ir_attr_find(c->n, "pads");
	struct accel_shape o = *x;
	int a, ret = 0;

	if (!pads || (int)pads->n != 2 * x->rank)
		return nerr(c, "pads needs 2 x rank entries");
	for (a = 0; a < x->rank && !ret; a++) {
		if (pads->ints[a] < 0 || pads->ints[x->rank + a] < 0 ||
		    pads->ints[a] > (1 << 20) || pads->ints[x->rank + a] > (1 << 20))
			return nerr(c, "negative or huge padding is not supported");
		ret = ADD(x->dims[a], K(pads->ints[a] + pads->ints[x->rank + a]), &o.dims[a]);
	}
	if (!ret)
		set_out(c, 0, in(c, 0)->dtype, &o);
	return ret;
}

static int infer_trilu(struct sctx *c)
{
	struct accel_value *x = in(c, 0);

	if (x->shape.rank < 2)
		return nerr(c, "input must have rank >= 2, not %d", x->shape.rank);
	set_out(c, 0, x->dtype, &x->shape);
	return 0;
}

/* ---- shape arithmetic ---- */

static int infer_shape_op(struct sctx *c)
{
	const struct accel_shape *x = &in(c, 0)->shape;
	struct accel_shape o = { .rank = 1 };
	int64_t s = ir_attr_int(c->n, "start"), e = ir_attr_int(c->n, "end");

	if (x->rank < 0) {
		o.dims[0] = dim_unknown();
		set_out(c, 0, ACCEL_DT_I64, &o);
		return 0;
	}
	s = clamp_bound(s, x->rank, 1);
	e = clamp_bound(e, x->rank, 1);
	if (e < s)
		e = s;
	o.dims[0] = K(e - s);
	set_out(c, 0, ACCEL_DT_I64, &o);
	return set_known(c, 0, x->dims + s, (uint32_t)(e - s));
}

static int infer_constantofshape(struct sctx *c)
{
	struct accel_dim t[IR_MAX_KNOWN], k[IR_MAX_KNOWN];
	enum accel_dtype dt = (enum accel_dtype)ir_attr_int(c->n, "dtype");
	struct accel_value *sv = in(c, 0);
	struct accel_shape o;
	int64_t numel;
	double v;
	uint32_t n, i;

	if (dt <= ACCEL_DT_UNDEF || dt >= ACCEL_DT_COUNT)
		return nerr(c, "invalid dtype %d", dt);
	if (sv && (sv->dtype != ACCEL_DT_I64 || sv->shape.rank != 1))
		return nerr(c, "shape input must be a 1-D i64 tensor");
	if (!target_dims(c, sv, t, &n)) {
		o.rank = target_rank(sv);
		for (i = 0; (int)i < o.rank; i++)
			o.dims[i] = dim_unknown();
		set_out(c, 0, dt, &o);
		return 0;
	}
	if (n > ACCEL_IR_MAX_RANK)
		return nerr(c, "target rank %u exceeds %d", n, ACCEL_IR_MAX_RANK);
	for (i = 0; i < n; i++)
		if (dim_is_const(t[i]) && t[i].val < 0)
			return nerr(c, "negative dimension");
	o = accel_shape_make((int)n, t);
	set_out(c, 0, dt, &o);
	numel = accel_shape_numel(&o);
	v = ir_attr_float(c->n, "value");
	if ((dt == ACCEL_DT_I64 || dt == ACCEL_DT_I32) && o.rank <= 1 && numel >= 0 &&
	    numel <= IR_MAX_KNOWN && v >= -9.2e18 && v <= 9.2e18) {
		for (i = 0; i < numel; i++)
			k[i] = K((int64_t)v);
		return set_known(c, 0, k, (uint32_t)numel);
	}
	return 0;
}

static int infer_range(struct sctx *c)
{
	struct accel_shape o = { .rank = 1 };
	enum accel_dtype dt = in(c, 0)->dtype;
	int64_t v[3], len;
	uint32_t i, n;

	for (i = 0; i < 3; i++)
		if (in(c, i)->dtype != dt || in(c, i)->shape.rank != 0)
			return nerr(c, "start, limit and delta must be scalars of one dtype");
	o.dims[0] = dim_unknown();
	if (dt == ACCEL_DT_I64 && known_ints(in(c, 0), &v[0], 1, &n) &&
	    known_ints(in(c, 1), &v[1], 1, &n) && known_ints(in(c, 2), &v[2], 1, &n)) {
		if (v[2] == 0)
			return nerr(c, "delta is zero");
		/* In double like the interpreter, so hostile bounds cannot
		 * overflow; a range that long is refused there anyway. */
		len = (int64_t)fmin(fmax(ceil(((double)v[1] - (double)v[0]) / (double)v[2]), 0),
				    (double)(1ll << 40));
		o.dims[0] = K(len);
	} else if (dt == ACCEL_DT_I64) {
		const struct accel_dim *s = known(in(c, 0), &n), *l = known(in(c, 1), &n),
				       *d = known(in(c, 2), &n);

		/* range(0, n, 1) has length n, symbolic or not. */
		if (s && l && d && is_const(*s, 0) && is_const(*d, 1))
			o.dims[0] = *l;
	}
	set_out(c, 0, dt, &o);
	return 0;
}

static int infer_node(struct sctx *c)
{
	struct accel_node *n = c->n;
	uint32_t i;

	for (i = 0; i < n->ninputs; i++) {
		struct accel_value *v = n->inputs[i];

		if (!v)
			continue;
		if (v->dtype == ACCEL_DT_UNDEF)
			return nerr(c, "input '%s' has no type", v->name);
		if (v->shape.rank < 0 && !(n->op == ACCEL_OP_SHAPE && i == 0)) {
			/* Unknown rank propagates as unknown. */
			for (i = 0; i < n->noutputs; i++) {
				struct accel_shape s = { .rank = -1 };

				set_out(c, i, n->op == ACCEL_OP_EQUAL ? ACCEL_DT_BOOL :
					n->inputs[0] ? n->inputs[0]->dtype : ACCEL_DT_F32, &s);
			}
			return 0;
		}
	}
	switch (n->op) {
	case ACCEL_OP_ADD: case ACCEL_OP_SUB: case ACCEL_OP_MUL: case ACCEL_OP_DIV:
	case ACCEL_OP_POW: case ACCEL_OP_EQUAL: case ACCEL_OP_WHERE: case ACCEL_OP_AND:
	case ACCEL_OP_OR:
		return infer_elementwise(c);
	case ACCEL_OP_RELU: case ACCEL_OP_GELU: case ACCEL_OP_ERF: case ACCEL_OP_TANH:
	case ACCEL_OP_SIGMOID: case ACCEL_OP_SQRT: case ACCEL_OP_CAST: case ACCEL_OP_NOT:
		return infer_unary(c);
	case ACCEL_OP_MATMUL:
		return infer_matmul(c);
	case ACCEL_OP_GEMM:
		return infer_gemm(c);
	case ACCEL_OP_CONV:
		return infer_conv(c);
	case ACCEL_OP_BATCHNORM: case ACCEL_OP_LAYERNORM: case ACCEL_OP_SOFTMAX:
		return infer_norm(c);
	case ACCEL_OP_MAXPOOL: case ACCEL_OP_AVGPOOL: case ACCEL_OP_GLOBALAVGPOOL:
		return infer_pool(c);
	case ACCEL_OP_REDUCEMEAN:
		return infer_reduce(c);
	case ACCEL_OP_FLATTEN:
		return infer_flatten(c);
	case ACCEL_OP_RESHAPE:
		return infer_reshape(c);
	case ACCEL_OP_TRANSPOSE:
		return infer_transpose(c);
	case ACCEL_OP_CONCAT:
		return infer_concat(c);
	case ACCEL_OP_SPLIT:
		return infer_split(c);
	case ACCEL_OP_SLICE:
		return infer_slice(c);
	case ACCEL_OP_GATHER:
		return infer_gather(c);
	case ACCEL_OP_SQUEEZE: case ACCEL_OP_UNSQUEEZE:
		return infer_squeeze(c);
	case ACCEL_OP_EXPAND:
		return infer_expand(c);
	case ACCEL_OP_PAD:
		return infer_pad(c);
	case ACCEL_OP_TRILU:
		return infer_trilu(c);
	case ACCEL_OP_SHAPE:
		return infer_shape_op(c);
	case ACCEL_OP_CONSTANTOFSHAPE:
		return infer_constantofshape(c);
	case ACCEL_OP_RANGE:
		return infer_range(c);
	default:
		return nerr(c, "no shape rule");
	}
}

int accel_pass_infer_shapes(struct accel_graph *g, struct accel_report *r,
			    struct accel_ir_error *err)
{
	struct sctx c = { .g = g, .err = err };
	uint32_t i, j, typed = 0, symbolic = 0, unknown = 0;
	int ret, d;

	for (i = 0; i < g->nnodes; i++) {
		ret = conv1d_as_2d(g, i, r, err);	/* 1-D Conv/pooling -> 2-D, H = 1 */
		if (ret)
			return ret;
		c.n = g->nodes[i];
		if (c.n->dead)
			continue;
		ret = infer_node(&c);
		if (ret)
			return ret;
		for (j = 0; j < c.n->noutputs; j++) {
			const struct accel_shape *s = &c.n->outputs[j]->shape;
			bool sym = false, unk = s->rank < 0;

			for (d = 0; d < s->rank; d++) {
				unk = unk || dim_is_unknown(s->dims[d]);
				sym = sym || (s->dims[d].expr && !dim_is_unknown(s->dims[d]));
			}
			typed++;
			symbolic += sym && !unk;
			unknown += unk;
		}
	}
	report_add(r, "shapes: %u values typed, %u with symbolic dims, %u with unknown dims",
		   typed, symbolic, unknown);
	return 0;
}
