// SPDX-License-Identifier: MIT
/*
 * lower.c - kernels to packets: elementwise groups, views, and the ops that
 * only move data (Transpose, Concat, Split, Slice, Expand, Pad, Gather,
 * Shape, ConstantOfShape), and run-time Casts between f32, i32 and i64,
 * which are a converting COPY. The compute ops are in lower_ops.c.
 *
 * Data movement is COPY with strides: a transpose is a copy whose source
 * strides are permuted, a slice one whose source starts further in and
 * steps further, an expand one whose source has zero strides, a concat one
 * copy per input into its part of the output. Every dim, stride and offset
 * is symbolic-aware: what is not a constant becomes a patch.
 */
#include <stdbool.h>
#include <string.h>

#include "lower_priv.h"

static int dim_madd(struct accel_symtab *t, struct accel_dim a, struct accel_dim b,
		    struct accel_dim c, struct accel_dim *out)
{
	struct accel_dim p;
	int ret = dim_mul(t, b, c, &p);

	return ret ? ret : dim_add(t, a, p, out);
}

/* COPY src -> dst (same dims), coalesced to rank <= 4; @flags VACCEL_COPY_F_*. */
static int emit_copy_flags(struct lower *l, const struct accel_node *n, struct operand dst,
			   struct operand src, uint16_t flags)
{
	struct vaccel_pkt_copy pkt = { .hdr = { .opcode = VACCEL_OP_COPY, .flags = flags } };
	struct operand ops[2] = { dst, src };
	int ret;

	ret = operands_coalesce(l->t, ops, 2, VACCEL_MAX_DIMS);
	if (ret)
		return lower_err(l, n, -ret, "copy needs more than 4 dims after merging");
	pb_tensor(l->b, &pkt, &pkt.dst, &ops[0]);
	pb_tensor(l->b, &pkt, &pkt.src, &ops[1]);
	return pb_append(l->b, &pkt, sizeof(pkt));
}

static int emit_copy(struct lower *l, const struct accel_node *n, struct operand dst,
		     struct operand src)
{
	return emit_copy_flags(l, n, dst, src, 0);
}

static int emit_fill(struct lower *l, const struct accel_node *n, struct operand dst,
		     struct accel_dim value)
{
	struct vaccel_pkt_fill pkt = { .hdr = { .opcode = VACCEL_OP_FILL } };
	int ret = operands_coalesce(l->t, &dst, 1, VACCEL_MAX_DIMS);

	if (ret)
		return lower_err(l, n, -ret, "fill needs more than 4 dims");
	pb_field_u64(l->b, &pkt, &pkt.value, value);
	pb_tensor(l->b, &pkt, &pkt.dst, &dst);
	return pb_append(l->b, &pkt, sizeof(pkt));
}

static int lower_fused(struct lower *l, const struct kernel *k)
{
	struct vaccel_pkt_fused pkt = { .hdr = { .opcode = VACCEL_OP_FUSED_ELEMENTWISE } };
	struct operand ops[1 + VACCEL_FUSED_MAX_INPUTS];
	uint32_t i;
	int ret;

	ops[0] = operand_of(l, k->outs[0]);
	for (i = 0; i < k->nfin; i++) {
		ops[1 + i] = operand_of(l, k->fin[i]);
		ret = operand_broadcast(l->t, &ops[1 + i], &ops[0]);
		if (ret)
			return lower_err(l, k->node, EINVAL, "input %%%s does not broadcast",
					 k->fin[i]->name);
	}
	ret = operands_coalesce(l->t, ops, (int)k->nfin + 1, VACCEL_MAX_DIMS);
	if (ret)
		return lower_err(l, k->node, -ret, "broadcasting needs more than 4 dims");
	pkt.num_inputs = k->nfin;
	pkt.num_insts = k->ninsts;
	pkt.out_reg = k->out_reg;
	memcpy(pkt.insts, k->insts, sizeof(pkt.insts));
	pb_tensor(l->b, &pkt, &pkt.y, &ops[0]);
	for (i = 0; i < k->nfin; i++)
		pb_tensor(l->b, &pkt, &pkt.in[i], &ops[1 + i]);
	if (!k->nfin) {
		/* Constants only: the ISA wants one input; feed the output. */
		pkt.num_inputs = 1;
		pb_tensor(l->b, &pkt, &pkt.in[0], &ops[0]);
	}
	return pb_append(l->b, &pkt, sizeof(pkt));
}

/* A view that is a graph output: copy its source, reshaped. */
static int lower_view_copy(struct lower *l, const struct kernel *k)
{
	struct operand dst = operand_of(l, k->outs[0]), src = operand_of(l, k->node->inputs[0]);
	int i, ret;

	src.rank = dst.rank;
	for (i = 0; i < dst.rank; i++)
		src.dims[i] = dst.dims[i];
	ret = operand_dense(l->t, &src);
	if (ret)
		return lower_err(l, k->node, -ret, "shape too complex");
	return emit_copy(l, k->node, dst, src);
}

static int lower_transpose(struct lower *l, const struct accel_node *n)
{
	const struct accel_attr *perm = ir_attr_find(n, "perm");
	struct operand dst = operand_of(l, n->outputs[0]), src = operand_of(l, n->inputs[0]);
	struct operand p = src;
	int i, r = src.rank;

	for (i = 0; i < r; i++) {
		int64_t j = perm && perm->n ? perm->ints[i] : r - 1 - i;

		if (j < 0)
			j += r;
		if (j < 0 || j >= r)
			return lower_err(l, n, EINVAL, "bad perm");
		p.dims[i] = src.dims[j];
		p.strides[i] = src.strides[j];
	}
	return emit_copy(l, n, dst, p);
}

static int lower_concat(struct lower *l, const struct accel_node *n)
{
	struct operand dst = operand_of(l, n->outputs[0]);
	struct accel_dim at = accel_dim_const(0);
	int64_t axis = ir_attr_int(n, "axis");
	uint32_t i;
	int ret;

	if (axis < 0)
		axis += dst.rank;
	for (i = 0; i < n->ninputs; i++) {
		struct operand src = operand_of(l, n->inputs[i]), part = dst;

		part.dims[axis] = src.dims[axis];
		ret = dim_madd(l->t, dst.off, at, dst.strides[axis], &part.off);
		if (!ret)
			ret = dim_add(l->t, at, src.dims[axis], &at);
		if (ret)
			return lower_err(l, n, -ret, "offset too complex");
		if (!dim_is_const(src.dims[axis]) || src.dims[axis].val) {
			ret = emit_copy(l, n, part, src);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int lower_split(struct lower *l, const struct accel_node *n)
{
	struct operand src = operand_of(l, n->inputs[0]);
	struct accel_dim at = accel_dim_const(0);
	int64_t axis = ir_attr_int(n, "axis");
	uint32_t i;
	int ret;

	if (axis < 0)
		axis += src.rank;
	for (i = 0; i < n->noutputs; i++) {
		struct operand dst = operand_of(l, n->outputs[i]), part = src;

		if (dst.rank < 0)
			continue;
		part.dims[axis] = dst.dims[axis];
		ret = dim_madd(l->t, src.off, at, src.strides[axis], &part.off);
		if (!ret)
			ret = dim_add(l->t, at, dst.dims[axis], &at);
		if (ret)
			return lower_err(l, n, -ret, "offset too complex");
		ret = emit_copy(l, n, dst, part);
		if (ret)
			return ret;
	}
	return 0;
}

static bool const_ints(const struct accel_value *v, int64_t *out, uint32_t max, uint32_t *n)
{
	uint32_t i;

	if (!v || !v->known || v->nknown > max)
		return false;
	for (i = 0; i < v->nknown; i++) {
		if (!dim_is_const(v->known[i]))
			return false;
		out[i] = v->known[i].val;
	}
	*n = v->nknown;
	return true;
}

static int lower_slice(struct lower *l, const struct accel_node *n)
{
	struct operand dst = operand_of(l, n->outputs[0]), src = operand_of(l, n->inputs[0]);
	int64_t st[ACCEL_IR_MAX_RANK], en[ACCEL_IR_MAX_RANK], ax[ACCEL_IR_MAX_RANK],
		sp[ACCEL_IR_MAX_RANK];
	uint32_t ns, ne, i;
	int ret;

	if (!const_ints(n->inputs[1], st, ACCEL_IR_MAX_RANK, &ns) ||
	    !const_ints(n->inputs[2], en, ACCEL_IR_MAX_RANK, &ne) || ns != ne)
		return lower_err(l, n, EOPNOTSUPP, "starts and ends must be constants");
	for (i = 0; i < ns; i++) {
		ax[i] = i;
		sp[i] = 1;
	}
	if (n->ninputs > 3 && n->inputs[3] && !const_ints(n->inputs[3], ax, ns, &ne))
		return lower_err(l, n, EOPNOTSUPP, "axes must be constants");
	if (n->ninputs > 4 && n->inputs[4] && !const_ints(n->inputs[4], sp, ns, &ne))
		return lower_err(l, n, EOPNOTSUPP, "steps must be constants");
	for (i = 0; i < ns; i++) {
		int64_t a = ax[i] < 0 ? ax[i] + src.rank : ax[i], s = st[i];
		struct accel_dim d = src.dims[a], start, stride;

		if (sp[i] < 1)
			return lower_err(l, n, EOPNOTSUPP, "negative steps have no ISA encoding");
		if (dim_is_const(d)) {
			if (s < 0)
				s += d.val;
			s = s < 0 ? 0 : s > d.val ? d.val : s;
		} else if (s < 0) {
			return lower_err(l, n, EOPNOTSUPP, "negative start on a symbolic dim");
		}
		start = accel_dim_const(s);
		ret = dim_madd(l->t, src.off, start, src.strides[a], &src.off);
		if (!ret)
			ret = dim_mul(l->t, src.strides[a], accel_dim_const(sp[i]), &stride);
		if (ret)
			return lower_err(l, n, -ret, "offset too complex");
		src.strides[a] = stride;
	}
	for (i = 0; i < (uint32_t)dst.rank; i++)
		src.dims[i] = dst.dims[i];
	return emit_copy(l, n, dst, src);
}

static int lower_expand(struct lower *l, const struct accel_node *n)
{
	struct operand dst = operand_of(l, n->outputs[0]), src = operand_of(l, n->inputs[0]);

	if (operand_broadcast(l->t, &src, &dst))
		return lower_err(l, n, EINVAL, "input does not broadcast to the output");
	return emit_copy(l, n, dst, src);
}

static int lower_pad(struct lower *l, const struct accel_node *n)
{
	const struct accel_attr *pads = ir_attr_find(n, "pads");
	struct operand dst = operand_of(l, n->outputs[0]), src = operand_of(l, n->inputs[0]);
	struct operand inner = dst;
	float value = (float)ir_attr_float(n, "value");
	uint32_t bits;
	int a, ret;

	if (dst.dtype != ACCEL_DT_F32)
		return lower_err(l, n, EOPNOTSUPP, "only f32 padding");
	memcpy(&bits, &value, sizeof(bits));
	for (a = 0; a < src.rank; a++) {
		inner.dims[a] = src.dims[a];
		ret = dim_madd(l->t, inner.off, accel_dim_const(pads->ints[a]), dst.strides[a],
			       &inner.off);
		if (ret)
			return lower_err(l, n, -ret, "offset too complex");
	}
	if (!ir_shape_equal(&n->inputs[0]->shape, &n->outputs[0]->shape)) {
		ret = emit_fill(l, n, dst, accel_dim_const(bits));
		if (ret)
			return ret;
	}
	return emit_copy(l, n, inner, src);
}

static int lower_gather(struct lower *l, const struct accel_node *n)
{
	struct vaccel_pkt_gather pkt = { .hdr = { .opcode = VACCEL_OP_GATHER } };
	struct operand x = operand_of(l, n->inputs[0]), idx = operand_of(l, n->inputs[1]);
	struct operand y = operand_of(l, n->outputs[0]);
	int64_t axis = ir_attr_int(n, "axis");
	int ret;

	if (axis < 0)
		axis += x.rank;
	/* A constant scalar index is a slice: a COPY, for any dtype. */
	if (n->inputs[1]->kind == ACCEL_VALUE_CONST && n->inputs[1]->shape.rank == 0) {
		int64_t i = n->inputs[1]->dtype == ACCEL_DT_I64 ?
			    ((const int64_t *)n->inputs[1]->data)[0] :
			    ((const int32_t *)n->inputs[1]->data)[0];
		int a;

		if (i < 0) {
			if (!dim_is_const(x.dims[axis]))
				return lower_err(l, n, EOPNOTSUPP, "negative index on a symbolic dim");
			i += x.dims[axis].val;
		}
		ret = dim_madd(l->t, x.off, accel_dim_const(i), x.strides[axis], &x.off);
		if (ret)
			return lower_err(l, n, -ret, "offset too complex");
		for (a = (int)axis; a < x.rank - 1; a++) {
			x.dims[a] = x.dims[a + 1];
			x.strides[a] = x.strides[a + 1];
		}
		x.rank--;
		return emit_copy(l, n, y, x);
	}
	if (x.dtype != ACCEL_DT_F32)
		return lower_err(l, n, EOPNOTSUPP, "GATHER takes f32 data only");
	/* Fold the dims around the axis so everything fits rank 4. */
	if (x.rank > 1 && axis > 1) {
		ret = operand_merge(l->t, &x, 0, (int)axis);
		if (!ret)
			ret = operand_merge(l->t, &y, 0, (int)axis);
		if (ret)
			return lower_err(l, n, -ret, "cannot merge leading dims");
		axis = 1;
	}
	if (x.rank > (int)axis + 2) {
		int yr = (int)axis + idx.rank;

		ret = operand_merge(l->t, &x, (int)axis + 1, x.rank);
		if (!ret)
			ret = operand_merge(l->t, &y, yr, y.rank);
		if (ret)
			return lower_err(l, n, -ret, "cannot merge trailing dims");
	}
	if (idx.rank == 0) {
		idx.rank = 1;
		idx.dims[0] = accel_dim_const(1);
		idx.strides[0] = accel_dim_const(1);
		/* y gets a unit dim where the index was. */
		memmove(&y.dims[axis + 1], &y.dims[axis], (size_t)(y.rank - axis) * sizeof(y.dims[0]));
		memmove(&y.strides[axis + 1], &y.strides[axis],
			(size_t)(y.rank - axis) * sizeof(y.strides[0]));
		y.dims[axis] = accel_dim_const(1);
		y.strides[axis] = y.strides[axis + 1];
		y.rank++;
	}
	if (x.rank - 1 + idx.rank > VACCEL_MAX_DIMS)
		return lower_err(l, n, E2BIG, "indices of rank %d do not fit the ISA", idx.rank);
	pkt.axis = (uint32_t)axis;
	pb_tensor(l->b, &pkt, &pkt.x, &x);
	pb_tensor(l->b, &pkt, &pkt.indices, &idx);
	pb_tensor(l->b, &pkt, &pkt.y, &y);
	return pb_append(l->b, &pkt, sizeof(pkt));
}

/* Shape: each element a FILL of a (maybe symbolic) dim. */
static int lower_shape(struct lower *l, const struct accel_node *n)
{
	struct operand y = operand_of(l, n->outputs[0]);
	const struct accel_value *x = n->inputs[0];
	int64_t s = ir_attr_int(n, "start"), e = ir_attr_int(n, "end"), i;
	int ret;

	if (s < 0)
		s += x->shape.rank;
	if (e < 0)
		e += x->shape.rank;
	if (e > x->shape.rank)
		e = x->shape.rank;
	for (i = s < 0 ? 0 : s; i < e; i++) {
		struct operand el = y;

		el.dims[0] = accel_dim_const(1);
		el.off = accel_dim_const(i - (s < 0 ? 0 : s));
		ret = emit_fill(l, n, el, x->shape.dims[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int lower_cos(struct lower *l, const struct accel_node *n)
{
	struct operand y = operand_of(l, n->outputs[0]);
	double v = ir_attr_float(n, "value");
	uint64_t bits = 0;

	switch (y.dtype) {
	case ACCEL_DT_F32: {
		float f = (float)v;
		uint32_t u;

		memcpy(&u, &f, sizeof(u));
		bits = u;
		break;
	}
	case ACCEL_DT_I32:
		bits = (uint32_t)(int32_t)v;
		break;
	case ACCEL_DT_I64:
		bits = (uint64_t)(int64_t)v;
		break;
	default:
		return lower_err(l, n, EOPNOTSUPP, "dtype %s", accel_dtype_name(y.dtype));
	}
	if (bits > INT64_MAX)
		return lower_err(l, n, EOPNOTSUPP, "negative integer fill");
	return emit_fill(l, n, y, accel_dim_const((int64_t)bits));
}

/* A scalar constant (or known) input of a Range as a double. */
static bool scalar_of(const struct accel_value *v, double *out)
{
	if (v->known && v->nknown == 1 && dim_is_const(v->known[0])) {
		*out = (double)v->known[0].val;
		return true;
	}
	if (v->kind != ACCEL_VALUE_CONST || accel_shape_numel(&v->shape) != 1)
		return false;
	switch (v->dtype) {
	case ACCEL_DT_F32: *out = ((const float *)v->data)[0]; return true;
	case ACCEL_DT_I32: *out = ((const int32_t *)v->data)[0]; return true;
	case ACCEL_DT_I64: *out = (double)((const int64_t *)v->data)[0]; return true;
	default: return false;
	}
}

/* Range: a prefix of the kernel's index table. */
static int lower_range(struct lower *l, const struct kernel *k)
{
	const struct accel_node *n = k->node;
	struct operand y = operand_of(l, n->outputs[0]), t = operand_of(l, k->table);
	double start, delta;

	if (!scalar_of(n->inputs[0], &start) || !scalar_of(n->inputs[2], &delta))
		return lower_err(l, n, EOPNOTSUPP, "start and delta must be constants");
	t.dims[0] = y.dims[0];
	/* Shape inference gives a length only to range(0, n, 1); constant
	 * ranges were folded. */
	if (start != 0.0 || delta != 1.0)
		return lower_err(l, n, EOPNOTSUPP, "only range(0, n, 1) has a run-time length");
	return emit_copy(l, n, y, t);
}

static bool convertible(enum accel_dtype dt)
{
	return dt == ACCEL_DT_F32 || dt == ACCEL_DT_I32 || dt == ACCEL_DT_I64;
}

/*
 * A run-time Cast whose storage changes: COPY with VACCEL_COPY_F_CONVERT
 * (ISA 1.1) between f32, i32 and i64. Bools are stored as f32 0/1, so
 * bool -> i32/i64 is the f32 conversion (exact). int -> bool was split in
 * compile.c into int -> f32 -> bool (x != 0 survives: no non-zero integer
 * rounds to 0.0f), the second Cast fused like any f32 -> bool. Same-storage
 * Casts are views and f32 -> bool is fused; neither comes here.
 * f32 -> int truncates toward zero as ONNX and numpy do; NaN and values out
 * of the integer's range, which ONNX leaves undefined, give the ISA's 0 and
 * saturated results.
 */
static int lower_cast(struct lower *l, const struct accel_node *n)
{
	enum accel_dtype from = n->inputs[0]->dtype, to = n->outputs[0]->dtype;
	struct operand dst = operand_of(l, n->outputs[0]), src = operand_of(l, n->inputs[0]);

	if (to == ACCEL_DT_BOOL && from != ACCEL_DT_F32 && from != ACCEL_DT_BOOL)
		return lower_err(l, n, EOPNOTSUPP, "Cast from %s to bool at run time: only f32 "
				 "(and i32/i64 through f32) compares with 0",
				 accel_dtype_name(from));
	if (!convertible(stored_dtype(from)) || !convertible(stored_dtype(to)))
		return lower_err(l, n, EOPNOTSUPP, "Cast from %s to %s at run time: ISA 1.1 "
				 "converts only between f32 (bools as f32 0/1), i32 and i64",
				 accel_dtype_name(from), accel_dtype_name(to));
	return emit_copy_flags(l, n, dst, src, VACCEL_COPY_F_CONVERT);
}

int lower_data_op(struct lower *l, const struct accel_node *n)
{
	switch (n->op) {
	case ACCEL_OP_TRANSPOSE: return lower_transpose(l, n);
	case ACCEL_OP_CONCAT: return lower_concat(l, n);
	case ACCEL_OP_SPLIT: return lower_split(l, n);
	case ACCEL_OP_SLICE: return lower_slice(l, n);
	case ACCEL_OP_EXPAND: return lower_expand(l, n);
	case ACCEL_OP_PAD: return lower_pad(l, n);
	case ACCEL_OP_GATHER: return lower_gather(l, n);
	case ACCEL_OP_SHAPE: return lower_shape(l, n);
	case ACCEL_OP_CONSTANTOFSHAPE: return lower_cos(l, n);
	case ACCEL_OP_CAST: return lower_cast(l, n);
	default: return 1;	/* not a data op */
	}
}

int lower_kernel(struct lower *l, const struct kernel *k)
{
	const struct accel_node *n = k->node;
	uint32_t i;
	int ret;

	for (i = 0; i < k->nouts; i++)
		if (k->outs[i]->shape.rank >= 0 && accel_shape_numel(&k->outs[i]->shape) == 0)
			return lower_err(l, n, EOPNOTSUPP, "empty tensors have no ISA encoding");
	if (l->m->elided[k - l->s->k])
		return 0;	/* a Transpose its readers see through strides */
	switch (k->kind) {
	case KERNEL_FUSED:
		return lower_fused(l, k);
	case KERNEL_VIEW:
		return k->outs[0]->is_output ? lower_view_copy(l, k) : 0;
	case KERNEL_OP:
		break;
	}
	if (n->op == ACCEL_OP_RANGE)
		return lower_range(l, k);
	ret = lower_data_op(l, n);
	if (ret <= 0)
		return ret;
	return lower_compute_op(l, k);
}
