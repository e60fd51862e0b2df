// SPDX-License-Identifier: MIT
/*
 * lower_ops.c - compute ops to packets: MatMul and Gemm to GEMM, Conv to
 * CONV2D (with the bias and activation the fusion pass gave them), pooling
 * to POOL, GlobalAveragePool and ReduceMean to REDUCE, Softmax to SOFTMAX,
 * LayerNormalization to LAYERNORM.
 *
 * Rank: GEMM takes [batch,] M x K operands with any strides, so a MatMul's
 * batch dims are folded into M when B has none (x @ W on [seq, batch, d]),
 * or merged into one batch dim, broadcasting with stride 0, when both have
 * them (attention's [b*h, s, d] @ [b*h, d, s]). Transposed operands are
 * strided views, so Gemm's transA/transB need no copy. Softmax and
 * LayerNorm collapse to [outer, axis, inner] and [outer, inner]; REDUCE
 * merges runs of reduced and kept dims.
 */
#include <string.h>

#include "lower_priv.h"

static uint32_t f32_bits(double d)
{
	float f = (float)d;
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static void swap_last2(struct operand *o)
{
	struct accel_dim t;
	int r = o->rank;

	t = o->dims[r - 1];
	o->dims[r - 1] = o->dims[r - 2];
	o->dims[r - 2] = t;
	t = o->strides[r - 1];
	o->strides[r - 1] = o->strides[r - 2];
	o->strides[r - 2] = t;
}

/* Insert a unit dim at @at (stride: anything, it is never stepped). */
static void unit_dim(struct operand *o, int at)
{
	memmove(&o->dims[at + 1], &o->dims[at], (size_t)(o->rank - at) * sizeof(o->dims[0]));
	memmove(&o->strides[at + 1], &o->strides[at],
		(size_t)(o->rank - at) * sizeof(o->strides[0]));
	o->dims[at] = accel_dim_const(1);
	o->strides[at] = accel_dim_const(0);
	o->rank++;
}

static bool all_unit(const struct operand *o, int from, int to)
{
	int i;

	for (i = from; i < to; i++)
		if (!dim_is_const(o->dims[i]) || o->dims[i].val != 1)
			return false;
	return true;
}

/* A rank-1 bias operand of @n elements from constant/tensor @v. */
static int bias_operand(struct lower *l, const struct accel_value *v, struct operand *o)
{
	int64_t n = accel_shape_numel(&v->shape);

	*o = operand_of(l, v);
	o->rank = 1;
	o->dims[0] = accel_dim_const(n);
	o->strides[0] = accel_dim_const(1);
	return n > 0 ? 0 : -EINVAL;
}

static bool is_unit(struct accel_dim d)
{
	return dim_is_const(d) && d.val == 1;
}

/*
 * GEMM reads any strides, but devices run row-major operands fastest (the
 * emu device hands them to oneDNN): an operand whose columns are
 * contiguous instead (a transposed view) is given as the row-major matrix
 * it came from, with the TRANS flag.
 */
static bool row_major_or_trans(struct operand *o)
{
	int r = o->rank;

	if (r < 2 || is_unit(o->strides[r - 1]) || !is_unit(o->strides[r - 2]))
		return false;
	swap_last2(o);
	return true;
}

static int emit_gemm(struct lower *l, const struct kernel *k, struct operand a, struct operand b,
		     struct operand y, double alpha, double beta, const struct operand *bias)
{
	struct vaccel_pkt_gemm pkt = { .hdr = { .opcode = VACCEL_OP_GEMM } };

	if (row_major_or_trans(&a))
		pkt.hdr.flags |= VACCEL_GEMM_F_TRANS_A;
	if (row_major_or_trans(&b))
		pkt.hdr.flags |= VACCEL_GEMM_F_TRANS_B;
	pkt.alpha = f32_bits(alpha);
	pkt.beta = f32_bits(beta);
	pkt.act = k->act;
	pb_tensor(l->b, &pkt, &pkt.a, &a);
	pb_tensor(l->b, &pkt, &pkt.b, &b);
	pb_tensor(l->b, &pkt, &pkt.c, &y);
	if (bias) {
		pkt.hdr.flags |= VACCEL_GEMM_F_BIAS;
		pb_tensor(l->b, &pkt, &pkt.bias, bias);
	}
	return pb_append(l->b, &pkt, sizeof(pkt));
}

/* Drop the first @d dims of @o, moving its offset to index @idx there. */
static int sub_operand(struct accel_symtab *t, struct operand *o, int d, const int64_t *idx)
{
	int i, ret;

	for (i = 0; i < d; i++) {
		struct accel_dim p;

		ret = dim_mul(t, o->strides[i], accel_dim_const(idx[i]), &p);
		if (!ret)
			ret = dim_add(t, o->off, p, &o->off);
		if (ret)
			return ret;
	}
	memmove(o->dims, o->dims + d, (size_t)(o->rank - d) * sizeof(o->dims[0]));
	memmove(o->strides, o->strides + d, (size_t)(o->rank - d) * sizeof(o->strides[0]));
	o->rank -= d;
	return 0;
}

/* GEMM_MAX_SPLIT - most GEMM packets one MatMul may become. */
#define GEMM_MAX_SPLIT 1024

/*
 * Batched MatMul, both operands already broadcast to y's @bat batch dims.
 * The longest run of trailing batch dims that every operand keeps
 * contiguous becomes the GEMM's one batch dim (zero strides broadcast);
 * the constant dims before it, if any, are looped over with one GEMM per
 * index ([2, b] against [b]: two GEMMs of batch b).
 */
static int gemm_batches(struct lower *l, const struct kernel *k, struct operand a,
			struct operand b, struct operand y, int bat, const struct operand *bias)
{
	int64_t idx[ACCEL_IR_MAX_RANK] = { 0 }, count = 1, p;
	int split, i, ret;

	for (split = 0; split < bat; split++) {
		struct operand ta = a, tb = b, ty = y;

		if (!operand_merge(l->t, &ta, split, bat) && !operand_merge(l->t, &tb, split, bat) &&
		    !operand_merge(l->t, &ty, split, bat))
			break;
	}
	for (i = 0; i < split; i++) {
		if (!dim_is_const(y.dims[i]))
			return lower_err(l, k->node, EOPNOTSUPP, "batch dims cannot be merged into one "
					 "and the outer ones are symbolic");
		count *= y.dims[i].val;
		if (count > GEMM_MAX_SPLIT)
			return lower_err(l, k->node, E2BIG, "more than %d GEMMs for one MatMul",
					 GEMM_MAX_SPLIT);
	}
	if (bat) {
		operand_merge(l->t, &a, split, bat);
		operand_merge(l->t, &b, split, bat);
		operand_merge(l->t, &y, split, bat);
	}
	for (p = 0; p < count; p++) {
		struct operand sa = a, sb = b, sy = y;
		int64_t rest = p;

		for (i = split; i-- > 0;) {
			idx[i] = rest % y.dims[i].val;
			rest /= y.dims[i].val;
		}
		ret = sub_operand(l->t, &sa, split, idx);
		if (!ret)
			ret = sub_operand(l->t, &sb, split, idx);
		if (!ret)
			ret = sub_operand(l->t, &sy, split, idx);
		if (ret)
			return lower_err(l, k->node, -ret, "offset too complex");
		ret = emit_gemm(l, k, sa, sb, sy, 1.0, 0.0, bias);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct accel_value *kernel_out(const struct kernel *k)
{
	return k->outs[0];
}

static int lower_matmul(struct lower *l, const struct kernel *k)
{
	const struct accel_node *n = k->node;
	struct operand a = operand_of(l, n->inputs[0]), b = operand_of(l, n->inputs[1]);
	struct operand y = operand_of(l, kernel_out(k)), bias;
	bool a_vec = a.rank == 1, b_vec = b.rank == 1;
	int bat;

	if (a.dtype != ACCEL_DT_F32 || b.dtype != ACCEL_DT_F32)
		return lower_err(l, n, EOPNOTSUPP, "GEMM takes f32 only");
	if (a_vec) {
		unit_dim(&a, 0);
		unit_dim(&y, y.rank - 1);
	}
	if (b_vec) {
		unit_dim(&b, 1);
		unit_dim(&y, y.rank);
	}
	bat = y.rank - 2;
	if (k->bias && bias_operand(l, k->bias, &bias))
		return lower_err(l, n, EINVAL, "bad bias");
	if (b.rank == 2 || all_unit(&b, 0, b.rank - 2)) {
		/* x @ W: fold A's batch dims into M when they are contiguous. */
		if (b.rank > 2) {
			int r = b.rank;

			b.dims[0] = b.dims[r - 2];
			b.strides[0] = b.strides[r - 2];
			b.dims[1] = b.dims[r - 1];
			b.strides[1] = b.strides[r - 1];
			b.rank = 2;
		}
		if (a.rank > 2) {
			struct operand fa = a, fy = y;

			if (!operand_merge(l->t, &fa, 0, fa.rank - 1) &&
			    !operand_merge(l->t, &fy, 0, fy.rank - 1)) {
				a = fa;
				y = fy;
				bat = 0;
			}
		}
	}
	if (a.rank > 2 || y.rank > 2) {
		/* Batched: broadcast both to y's batch dims. */
		struct operand ab = a, bb = b;
		int i, ra = a.rank, rb = b.rank;

		ab.rank = bb.rank = y.rank;
		for (i = 0; i < bat; i++) {
			int ja = i - (y.rank - ra), jb = i - (y.rank - rb);

			ab.dims[i] = bb.dims[i] = y.dims[i];
			ab.strides[i] = ja >= 0 && !all_unit(&a, ja, ja + 1) ? a.strides[ja] :
					accel_dim_const(0);
			bb.strides[i] = jb >= 0 && !all_unit(&b, jb, jb + 1) ? b.strides[jb] :
					accel_dim_const(0);
		}
		for (i = 0; i < 2; i++) {
			ab.dims[bat + i] = a.dims[ra - 2 + i];
			ab.strides[bat + i] = a.strides[ra - 2 + i];
			bb.dims[bat + i] = b.dims[rb - 2 + i];
			bb.strides[bat + i] = b.strides[rb - 2 + i];
		}
		return gemm_batches(l, k, ab, bb, y, bat, k->bias ? &bias : NULL);
	}
	return emit_gemm(l, k, a, b, y, 1.0, 0.0, k->bias ? &bias : NULL);
}

static int lower_gemm(struct lower *l, const struct kernel *k)
{
	const struct accel_node *n = k->node;
	struct operand a = operand_of(l, n->inputs[0]), b = operand_of(l, n->inputs[1]);
	struct operand y = operand_of(l, kernel_out(k)), c, bias;
	const struct accel_value *cv = n->ninputs > 2 ? n->inputs[2] : NULL;
	double alpha = ir_attr_float(n, "alpha"), beta = ir_attr_float(n, "beta");
	int64_t nn = dim_is_const(y.dims[1]) ? y.dims[1].val : -1;

	if (a.rank != 2 || b.rank != 2 || y.rank != 2)
		return lower_err(l, n, EINVAL, "Gemm takes rank-2 operands");
	if (ir_attr_int(n, "transA"))
		swap_last2(&a);
	if (ir_attr_int(n, "transB"))
		swap_last2(&b);
	if (!cv || beta == 0.0)
		return emit_gemm(l, k, a, b, y, alpha, 0.0, NULL);
	if (beta == 1.0 && nn > 0 && accel_shape_numel(&cv->shape) == nn &&
	    (cv->shape.rank == 1 || (cv->shape.rank == 2 && cv->shape.dims[0].val == 1 &&
				     dim_is_const(cv->shape.dims[0])))) {
		if (bias_operand(l, cv, &bias))
			return lower_err(l, n, EINVAL, "bad C");
		return emit_gemm(l, k, a, b, y, alpha, 0.0, &bias);
	}
	/* General C: broadcast it into Y, then accumulate with beta. */
	{
		struct vaccel_pkt_copy pkt = { .hdr = { .opcode = VACCEL_OP_COPY } };
		int ret;

		c = operand_of(l, cv);
		if (operand_broadcast(l->t, &c, &y))
			return lower_err(l, n, EINVAL, "C does not broadcast to the output");
		pb_tensor(l->b, &pkt, &pkt.dst, &y);
		pb_tensor(l->b, &pkt, &pkt.src, &c);
		ret = pb_append(l->b, &pkt, sizeof(pkt));
		if (ret)
			return ret;
	}
	return emit_gemm(l, k, a, b, y, alpha, beta, NULL);
}

/* ints attribute entry @i, or @def when the list is empty. */
static int64_t ints_at(const struct accel_node *n, const char *name, uint32_t i, int64_t def)
{
	const struct accel_attr *a = ir_attr_find(n, name);

	return a && a->n > i ? a->ints[i] : def;
}

static int lower_conv(struct lower *l, const struct kernel *k)
{
	struct vaccel_pkt_conv2d pkt = { .hdr = { .opcode = VACCEL_OP_CONV2D } };
	const struct accel_node *n = k->node;
	struct operand x = operand_of(l, n->inputs[0]), w = operand_of(l, n->inputs[1]);
	struct operand y = operand_of(l, kernel_out(k)), bias;
	const struct accel_value *bv = n->ninputs > 2 && n->inputs[2] ? n->inputs[2] : k->bias;

	if (x.rank != 4)
		return lower_err(l, n, EOPNOTSUPP, "only 2-D convolutions");
	pkt.stride_h = (uint32_t)ints_at(n, "strides", 0, 1);
	pkt.stride_w = (uint32_t)ints_at(n, "strides", 1, 1);
	pkt.dilation_h = (uint32_t)ints_at(n, "dilations", 0, 1);
	pkt.dilation_w = (uint32_t)ints_at(n, "dilations", 1, 1);
	pkt.pad_top = (uint32_t)ints_at(n, "pads", 0, 0);
	pkt.pad_left = (uint32_t)ints_at(n, "pads", 1, 0);
	pkt.pad_bottom = (uint32_t)ints_at(n, "pads", 2, 0);
	pkt.pad_right = (uint32_t)ints_at(n, "pads", 3, 0);
	pkt.groups = (uint32_t)ir_attr_int(n, "group");
	pkt.act = k->act;
	pb_tensor(l->b, &pkt, &pkt.x, &x);
	pb_tensor(l->b, &pkt, &pkt.w, &w);
	pb_tensor(l->b, &pkt, &pkt.y, &y);
	if (bv) {
		if (bias_operand(l, bv, &bias))
			return lower_err(l, n, EINVAL, "bad bias");
		pkt.hdr.flags = VACCEL_CONV_F_BIAS;
		pb_tensor(l->b, &pkt, &pkt.bias, &bias);
	}
	return pb_append(l->b, &pkt, sizeof(pkt));
}

static int lower_pool(struct lower *l, const struct accel_node *n)
{
	struct vaccel_pkt_pool pkt = { .hdr = { .opcode = VACCEL_OP_POOL } };
	struct operand x = operand_of(l, n->inputs[0]), y = operand_of(l, n->outputs[0]);
	bool ceil = ir_attr_int(n, "ceil_mode");

	if (x.rank != 4)
		return lower_err(l, n, EOPNOTSUPP, "only 2-D pooling");
	pkt.op = n->op == ACCEL_OP_MAXPOOL ? VACCEL_POOL_MAX : VACCEL_POOL_AVG;
	pkt.kernel_h = (uint32_t)ints_at(n, "kernel_shape", 0, 1);
	pkt.kernel_w = (uint32_t)ints_at(n, "kernel_shape", 1, 1);
	pkt.stride_h = (uint32_t)ints_at(n, "strides", 0, 1);
	pkt.stride_w = (uint32_t)ints_at(n, "strides", 1, 1);
	pkt.pad_top = (uint32_t)ints_at(n, "pads", 0, 0);
	pkt.pad_left = (uint32_t)ints_at(n, "pads", 1, 0);
	pkt.pad_bottom = (uint32_t)ints_at(n, "pads", 2, 0);
	pkt.pad_right = (uint32_t)ints_at(n, "pads", 3, 0);
	pkt.dilation_h = (uint32_t)(n->op == ACCEL_OP_MAXPOOL ? ints_at(n, "dilations", 0, 1) : 1);
	pkt.dilation_w = (uint32_t)(n->op == ACCEL_OP_MAXPOOL ? ints_at(n, "dilations", 1, 1) : 1);
	if (ceil) {
		/* The ISA rounds down: extend the end padding just enough for
		 * the output size shape inference gave (ceil rounding). */
		const struct accel_dim *xd = x.dims, *yd = y.dims;
		int i;

		for (i = 0; i < 2; i++) {
			uint32_t st = i ? pkt.stride_w : pkt.stride_h, dl = i ? pkt.dilation_w :
								  pkt.dilation_h;
			uint32_t kk = i ? pkt.kernel_w : pkt.kernel_h, *pe = i ? &pkt.pad_right :
								      &pkt.pad_bottom;
			int64_t need, have;

			if (!dim_is_const(xd[2 + i]) || !dim_is_const(yd[2 + i]))
				return lower_err(l, n, EOPNOTSUPP, "ceil_mode on a symbolic spatial "
						 "dim");
			need = (yd[2 + i].val - 1) * st + (int64_t)(kk - 1) * dl + 1;
			have = xd[2 + i].val + (i ? pkt.pad_left : pkt.pad_top) + *pe;
			if (need > have)
				*pe += (uint32_t)(need - have);
		}
	}
	if (n->op == ACCEL_OP_AVGPOOL && ir_attr_int(n, "count_include_pad"))
		pkt.hdr.flags = VACCEL_POOL_F_COUNT_PAD;
	pb_tensor(l->b, &pkt, &pkt.x, &x);
	pb_tensor(l->b, &pkt, &pkt.y, &y);
	return pb_append(l->b, &pkt, sizeof(pkt));
}

/* REDUCE over the dims with @mask set, merging runs so rank <= 4. */
static int emit_reduce(struct lower *l, const struct accel_node *n, uint32_t op,
		       struct operand x, struct operand y, uint32_t mask)
{
	struct vaccel_pkt_reduce pkt = { .hdr = { .opcode = VACCEL_OP_REDUCE } };
	int i, j, ret;
	uint32_t m = 0;

	/* y: x's dims with 1 on the reduced ones, dense (keepdims layout). */
	y.rank = x.rank;
	for (i = 0; i < x.rank; i++)
		y.dims[i] = mask & (1u << i) ? accel_dim_const(1) : x.dims[i];
	ret = operand_dense(l->t, &y);
	for (i = x.rank - 1; !ret && i > 0; i--) {
		bool a = mask & (1u << i), b = mask & (1u << (i - 1));

		if (a != b)
			continue;
		ret = operand_merge(l->t, &x, i - 1, i + 1);
		if (!ret)
			ret = operand_merge(l->t, &y, i - 1, i + 1);
		if (ret)
			ret = 0;	/* not contiguous: keep both dims */
		else
			mask = (mask & ((1u << i) - 1)) | ((mask >> (i + 1)) << i);
	}
	if (ret)
		return lower_err(l, n, -ret, "shape too complex");
	if (x.rank > VACCEL_MAX_DIMS)
		return lower_err(l, n, E2BIG, "reduction needs more than 4 dims");
	for (j = 0; j < x.rank; j++)
		if (mask & (1u << j))
			m |= 1u << j;
	pkt.op = op;
	pkt.axes = m;
	pb_tensor(l->b, &pkt, &pkt.x, &x);
	pb_tensor(l->b, &pkt, &pkt.y, &y);
	return pb_append(l->b, &pkt, sizeof(pkt));
}

static int lower_reduce(struct lower *l, const struct accel_node *n)
{
	struct operand x = operand_of(l, n->inputs[0]), y = operand_of(l, n->outputs[0]);
	const struct accel_attr *axes = ir_attr_find(n, "axes");
	uint32_t mask = 0, i;

	if (n->op == ACCEL_OP_GLOBALAVGPOOL) {
		mask = ~0u << 2 & ((1u << x.rank) - 1);
	} else if (!axes || !axes->n) {
		mask = (1u << x.rank) - 1;
	} else {
		for (i = 0; i < axes->n; i++) {
			int64_t a = axes->ints[i] < 0 ? axes->ints[i] + x.rank : axes->ints[i];

			if (a < 0 || a >= x.rank)
				return lower_err(l, n, EINVAL, "axis out of range");
			mask |= 1u << a;
		}
	}
	if (x.dtype != ACCEL_DT_F32)
		return lower_err(l, n, EOPNOTSUPP, "REDUCE takes f32 only");
	return emit_reduce(l, n, VACCEL_REDUCE_MEAN, x, y, mask);
}

static int lower_softmax(struct lower *l, const struct accel_node *n)
{
	struct vaccel_pkt_softmax pkt = { .hdr = { .opcode = VACCEL_OP_SOFTMAX } };
	struct operand x = operand_of(l, n->inputs[0]), y = operand_of(l, n->outputs[0]);
	int64_t axis = ir_attr_int(n, "axis");
	int ret;

	if (axis < 0)
		axis += x.rank;
	/* [outer, axis, inner] */
	ret = operand_merge(l->t, &x, (int)axis + 1, x.rank);
	if (!ret)
		ret = operand_merge(l->t, &y, (int)axis + 1, y.rank);
	if (!ret)
		ret = operand_merge(l->t, &x, 0, (int)axis);
	if (!ret)
		ret = operand_merge(l->t, &y, 0, (int)axis);
	if (ret)
		return lower_err(l, n, -ret, "cannot collapse to [outer, axis, inner]");
	pkt.axis = axis > 0 ? 1 : 0;
	pb_tensor(l->b, &pkt, &pkt.x, &x);
	pb_tensor(l->b, &pkt, &pkt.y, &y);
	return pb_append(l->b, &pkt, sizeof(pkt));
}

static int lower_layernorm(struct lower *l, const struct accel_node *n)
{
	struct vaccel_pkt_norm pkt = { .hdr = { .opcode = VACCEL_OP_LAYERNORM } };
	struct operand x = operand_of(l, n->inputs[0]), y = operand_of(l, n->outputs[0]), s;
	int64_t axis = ir_attr_int(n, "axis"), inner = 1;
	int i, ret;

	if (axis < 0)
		axis += x.rank;
	for (i = (int)axis; i < x.rank; i++) {
		if (!dim_is_const(x.dims[i]))
			return lower_err(l, n, EOPNOTSUPP, "normalized dims must be constants");
		inner *= x.dims[i].val;
	}
	ret = operand_merge(l->t, &x, (int)axis, x.rank);
	if (!ret)
		ret = operand_merge(l->t, &y, (int)axis, y.rank);
	if (!ret && axis > 0)
		ret = operand_merge(l->t, &x, 0, (int)axis);
	if (!ret && axis > 0)
		ret = operand_merge(l->t, &y, 0, (int)axis);
	if (ret)
		return lower_err(l, n, -ret, "cannot collapse to [outer, inner]");
	pkt.axis = axis > 0 ? 1 : 0;
	pkt.eps = f32_bits(ir_attr_float(n, "epsilon"));
	pb_tensor(l->b, &pkt, &pkt.x, &x);
	pb_tensor(l->b, &pkt, &pkt.y, &y);
	for (i = 1; i < 3 && i < (int)n->ninputs; i++) {
		if (!n->inputs[i])
			continue;
		if (accel_shape_numel(&n->inputs[i]->shape) != inner || bias_operand(l, n->inputs[i], &s))
			return lower_err(l, n, EOPNOTSUPP, "%s must hold every normalized element",
					 i == 1 ? "scale" : "bias");
		pkt.hdr.flags |= i == 1 ? VACCEL_NORM_F_SCALE : VACCEL_NORM_F_SHIFT;
		pb_tensor(l->b, &pkt, i == 1 ? &pkt.scale : &pkt.shift, &s);
	}
	return pb_append(l->b, &pkt, sizeof(pkt));
}

int lower_compute_op(struct lower *l, const struct kernel *k)
{
	const struct accel_node *n = k->node;

	switch (n->op) {
	case ACCEL_OP_MATMUL: return lower_matmul(l, k);
	case ACCEL_OP_GEMM: return lower_gemm(l, k);
	case ACCEL_OP_CONV: return lower_conv(l, k);
	case ACCEL_OP_MAXPOOL: case ACCEL_OP_AVGPOOL: return lower_pool(l, n);
	case ACCEL_OP_GLOBALAVGPOOL: case ACCEL_OP_REDUCEMEAN: return lower_reduce(l, n);
	case ACCEL_OP_SOFTMAX: return lower_softmax(l, n);
	case ACCEL_OP_LAYERNORM: return lower_layernorm(l, n);
	case ACCEL_OP_BATCHNORM:
		return lower_err(l, n, EOPNOTSUPP, "statistics are not constants (training "
				 "mode); only inference BatchNormalization lowers");
	default:
		break;
	}
	if (n->op == ACCEL_OP_TRILU)
		return lower_err(l, n, EOPNOTSUPP, "Trilu on %s at run time: only f32 is rewritten "
				 "into index arithmetic", accel_dtype_name(n->inputs[0]->dtype));
	if (op_is_elementwise(n))
		return lower_err(l, n, EOPNOTSUPP, "elementwise %s on %s: ISA 1.1 computes in f32 "
				 "only", accel_op_name(n->op),
				 accel_dtype_name(n->outputs[0]->dtype));
	return lower_err(l, n, EOPNOTSUPP, "no lowering");
}
