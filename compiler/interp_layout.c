// SPDX-License-Identifier: MIT
/*
 * interp_layout.c - kernels that move elements without arithmetic, for any
 * dtype: Reshape, Flatten, Squeeze/Unsqueeze, Transpose, Concat, Split, Slice,
 * Gather, Expand and Pad.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp_priv.h"

/* ---- layout: these move elements of any dtype ---- */

static int copy_as(struct kctx *c, int rank, const int64_t *dims)
{
	const struct accel_tensor *x = &c->in[0];
	int ret;

	ret = ik_alloc(c, 0, x->dtype, rank, dims);
	if (ret)
		return ret;
	if (tensor_numel(&c->out[0]) != tensor_numel(x))
		return ik_err(c, "%lld elements cannot become %lld", (long long)tensor_numel(x),
			      (long long)tensor_numel(&c->out[0]));
	memcpy(c->out[0].data, x->data, (size_t)tensor_numel(x) * accel_dtype_size(x->dtype));
	return 0;
}

int ik_reshape(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t dims[ACCEL_IR_MAX_RANK] = { 0 }, rest = 1, n = tensor_numel(x);
	bool allowzero = ir_attr_int(c->n, "allowzero");
	int rank, i, at = -1, ret;

	ret = ik_target(c, 1, dims, &rank);
	if (ret)
		return ret;
	for (i = 0; i < rank; i++) {
		if (dims[i] == 0 && !allowzero) {
			if (i >= x->rank)
				return ik_err(c, "0 copies a dimension the input lacks");
			dims[i] = x->dims[i];
		}
		if (dims[i] == -1) {
			if (at >= 0)
				return ik_err(c, "more than one -1");
			at = i;
		} else if (dims[i] < 0 || __builtin_mul_overflow(rest, dims[i], &rest)) {
			return ik_err(c, "invalid target dimension");
		}
	}
	if (at >= 0) {
		if (rest == 0 || n % rest)
			return ik_err(c, "cannot infer -1: %lld elements, %lld known", (long long)n,
				      (long long)rest);
		dims[at] = n / rest;
	}
	return copy_as(c, rank, dims);
}

int ik_flatten(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t axis = ir_attr_int(c->n, "axis"), dims[2] = { 1, 1 };
	int i;

	if (axis < 0)
		axis += x->rank;
	if (axis < 0 || axis > x->rank)
		return ik_err(c, "axis out of range");
	for (i = 0; i < x->rank; i++)
		dims[i < axis ? 0 : 1] *= x->dims[i];
	return copy_as(c, 2, dims);
}

int ik_squeeze(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *axes = ir_attr_find(c->n, "axes");
	bool mark[ACCEL_IR_MAX_RANK + 1] = { false };
	int64_t dims[ACCEL_IR_MAX_RANK];
	int r = 0, a, j = 0, out_rank, ret;
	uint32_t i;

	out_rank = c->n->op == ACCEL_OP_SQUEEZE ? x->rank : x->rank + (int)(axes ? axes->n : 0);
	if (out_rank > ACCEL_IR_MAX_RANK)
		return ik_err(c, "result rank too large");
	for (i = 0; axes && i < axes->n; i++) {
		ret = ik_axis_of(c, axes->ints[i], out_rank, &a);
		if (ret)
			return ret;
		mark[a] = true;
	}
	if (c->n->op == ACCEL_OP_SQUEEZE) {
		for (a = 0; a < x->rank; a++) {
			bool sq = axes && axes->n ? mark[a] : x->dims[a] == 1;

			if (sq && x->dims[a] != 1)
				return ik_err(c, "dimension %d is not 1", a);
			if (!sq)
				dims[r++] = x->dims[a];
		}
	} else {
		for (a = 0; a < out_rank; a++)
			dims[r++] = mark[a] ? 1 : x->dims[j++];
		if (j != x->rank)
			return ik_err(c, "repeated axes");
	}
	return copy_as(c, r, dims);
}

int ik_transpose(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *perm = ir_attr_find(c->n, "perm");
	int64_t dims[ACCEL_IR_MAX_RANK], xst[ACCEL_IR_MAX_RANK], st[ACCEL_IR_MAX_RANK],
		idx[ACCEL_IR_MAX_RANK] = { 0 }, s = 1, k = 0;
	size_t es = accel_dtype_size(x->dtype);
	bool seen[ACCEL_IR_MAX_RANK] = { false };
	int i, ret;

	if (perm && perm->n && (int)perm->n != x->rank)
		return ik_err(c, "perm length differs from rank");
	for (i = x->rank - 1; i >= 0; i--) {
		xst[i] = s;
		s *= x->dims[i];
	}
	for (i = 0; i < x->rank; i++) {
		int64_t p = perm && perm->n ? perm->ints[i] : x->rank - 1 - i;

		if (p < 0 || p >= x->rank || seen[p])
			return ik_err(c, "perm is not a permutation");
		seen[p] = true;
		dims[i] = x->dims[p];
		st[i] = xst[p];
	}
	ret = ik_alloc(c, 0, x->dtype, x->rank, dims);
	if (ret || !tensor_numel(x))
		return ret;
	do
		memcpy((char *)c->out[0].data + k++ * es,
		       (const char *)x->data + ik_offset(idx, st, x->rank) * es, es);
	while (ik_next_index(idx, dims, x->rank));
	return 0;
}

int ik_concat(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t dims[ACCEL_IR_MAX_RANK], outer, inner, pos = 0, o;
	size_t es = accel_dtype_size(x->dtype);
	uint32_t i;
	int axis, d, ret;

	ret = ik_axis_of(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	memcpy(dims, x->dims, sizeof(dims));
	for (i = 1; i < c->n->ninputs; i++) {
		if (c->in[i].dtype != x->dtype || c->in[i].rank != x->rank)
			return ik_err(c, "input %u differs in dtype or rank", i);
		for (d = 0; d < x->rank; d++)
			if (d != axis && c->in[i].dims[d] != x->dims[d])
				return ik_err(c, "input %u differs off the axis", i);
		dims[axis] += c->in[i].dims[axis];
	}
	ret = ik_alloc(c, 0, x->dtype, x->rank, dims);
	if (ret)
		return ret;
	ik_around(&c->out[0], axis, &outer, &inner);
	for (i = 0; i < c->n->ninputs; i++) {
		int64_t len = c->in[i].dims[axis];

		for (o = 0; o < outer; o++)
			memcpy((char *)c->out[0].data + ((o * dims[axis] + pos) * inner) * es,
			       (const char *)c->in[i].data + (o * len * inner) * es,
			       (size_t)(len * inner) * es);
		pos += len;
	}
	return 0;
}

int ik_split(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *split = ir_attr_find(c->n, "split");
	int64_t dims[ACCEL_IR_MAX_RANK], outer, inner, pos = 0, o, sum = 0;
	size_t es = accel_dtype_size(x->dtype);
	uint32_t i, nout = c->n->noutputs;
	int axis, ret;

	ret = ik_axis_of(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	if (split && split->n) {
		if (split->n != nout)
			return ik_err(c, "split sizes differ from outputs");
		for (i = 0; i < nout; i++) {
			if (split->ints[i] < 0 || split->ints[i] > x->dims[axis])
				return ik_err(c, "invalid split size");
			sum += split->ints[i];
		}
		if (sum != x->dims[axis])
			return ik_err(c, "split sizes do not add up");
	} else if (x->dims[axis] % nout) {
		return ik_err(c, "dimension does not split equally");
	}
	ik_around(x, axis, &outer, &inner);
	memcpy(dims, x->dims, sizeof(dims));
	for (i = 0; i < nout; i++) {
		int64_t len = split && split->n ? split->ints[i] : x->dims[axis] / nout;

		dims[axis] = len;
		ret = ik_alloc(c, i, x->dtype, x->rank, dims);
		if (ret)
			return ret;
		for (o = 0; o < outer; o++)
			memcpy((char *)c->out[i].data + (o * len * inner) * es,
			       (const char *)x->data + ((o * x->dims[axis] + pos) * inner) * es,
			       (size_t)(len * inner) * es);
		pos += len;
	}
	return 0;
}

int ik_slice(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0], *s = &c->in[1];
	int64_t start[ACCEL_IR_MAX_RANK], step[ACCEL_IR_MAX_RANK], dims[ACCEL_IR_MAX_RANK],
		idx[ACCEL_IR_MAX_RANK] = { 0 }, xst[ACCEL_IR_MAX_RANK], st = 1, n, k = 0;
	size_t es = accel_dtype_size(x->dtype);
	bool seen[ACCEL_IR_MAX_RANK] = { false };
	int a, i, ret;

	n = tensor_numel(s);
	if (s->rank != 1 || !ik_is_int(s->dtype) || n > x->rank)
		return ik_err(c, "starts must be a 1-D integer tensor no longer than the rank");
	for (i = 2; i <= 4; i++)
		if (ik_has(c, (uint32_t)i) && (c->in[i].rank != 1 || !ik_is_int(c->in[i].dtype) ||
					       c->in[i].dims[0] != n))
			return ik_err(c, "ends, axes and steps must match starts");
	for (a = 0; a < x->rank; a++) {
		start[a] = 0;
		step[a] = 1;
		dims[a] = x->dims[a];
	}
	for (i = 0; i < n; i++) {
		int64_t b, e, sp = ik_has(c, 4) ? ik_geti(&c->in[4], i) : 1, len;

		ret = ik_axis_of(c, ik_has(c, 3) ? ik_geti(&c->in[3], i) : i, x->rank, &a);
		if (ret)
			return ret;
		if (seen[a] || sp == 0 || sp == INT64_MIN)
			return ik_err(c, "repeated axis or zero step");
		seen[a] = true;
		b = ik_clamp_bound(ik_geti(s, i), x->dims[a], sp);
		e = ik_clamp_bound(ik_geti(&c->in[2], i), x->dims[a], sp);
		len = ik_slice_len(b, e, sp);
		start[a] = b;
		step[a] = sp;
		dims[a] = len;
	}
	for (a = x->rank - 1; a >= 0; a--) {
		xst[a] = st;
		st *= x->dims[a];
	}
	ret = ik_alloc(c, 0, x->dtype, x->rank, dims);
	if (ret || !tensor_numel(&c->out[0]))
		return ret;
	do {
		int64_t o = 0;

		for (a = 0; a < x->rank; a++)
			o += (start[a] + idx[a] * step[a]) * xst[a];
		memcpy((char *)c->out[0].data + k++ * es, (const char *)x->data + o * es, es);
	} while (ik_next_index(idx, dims, x->rank));
	return 0;
}

int ik_gather(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0], *ix = &c->in[1];
	int64_t dims[ACCEL_IR_MAX_RANK], outer, inner, ni = tensor_numel(ix), o, j;
	size_t es = accel_dtype_size(x->dtype);
	int axis, r = 0, i, ret;

	if (ix->dtype != ACCEL_DT_I64 && ix->dtype != ACCEL_DT_I32)
		return ik_err(c, "indices must be i64 or i32");
	ret = ik_axis_of(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	if (x->rank - 1 + ix->rank > ACCEL_IR_MAX_RANK)
		return ik_err(c, "result rank too large");
	for (i = 0; i < axis; i++)
		dims[r++] = x->dims[i];
	for (i = 0; i < ix->rank; i++)
		dims[r++] = ix->dims[i];
	for (i = axis + 1; i < x->rank; i++)
		dims[r++] = x->dims[i];
	ret = ik_alloc(c, 0, x->dtype, r, dims);
	if (ret)
		return ret;
	ik_around(x, axis, &outer, &inner);
	for (o = 0; o < outer; o++)
		for (j = 0; j < ni; j++) {
			int64_t v = ik_geti(ix, j);

			if (v < -x->dims[axis] || v >= x->dims[axis])
				return ik_err(c, "index %lld out of range", (long long)v);
			if (v < 0)
				v += x->dims[axis];
			memcpy((char *)c->out[0].data + ((o * ni + j) * inner) * es,
			       (const char *)x->data + ((o * x->dims[axis] + v) * inner) * es,
			       (size_t)inner * es);
		}
	return 0;
}

int ik_expand(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	struct accel_tensor t = { .dtype = ACCEL_DT_I64 };
	int64_t dims[ACCEL_IR_MAX_RANK], st[ACCEL_IR_MAX_RANK], idx[ACCEL_IR_MAX_RANK] = { 0 }, k = 0;
	size_t es = accel_dtype_size(x->dtype);
	int r, ret;

	ret = ik_target(c, 1, t.dims, &t.rank);
	if (!ret)
		ret = ik_bcast_shape(c, x, &t, &r, dims);
	if (!ret)
		ret = ik_alloc(c, 0, x->dtype, r, dims);
	if (ret || !tensor_numel(&c->out[0]))
		return ret;
	ik_bcast_strides(x, r, st);
	do
		memcpy((char *)c->out[0].data + k++ * es,
		       (const char *)x->data + ik_offset(idx, st, r) * es, es);
	while (ik_next_index(idx, dims, r));
	return 0;
}

int ik_pad(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *pads = ir_attr_find(c->n, "pads");
	int64_t dims[ACCEL_IR_MAX_RANK], idx[ACCEL_IR_MAX_RANK] = { 0 }, k = 0, n;
	double value = ir_attr_float(c->n, "value");
	int a, ret;

	ret = ik_need_f32(c, 1);
	if (ret)
		return ret;
	if (!pads || (int)pads->n != 2 * x->rank)
		return ik_err(c, "pads needs 2 x rank entries");
	for (a = 0; a < x->rank; a++) {
		if (pads->ints[a] < 0 || pads->ints[x->rank + a] < 0 ||
		    pads->ints[a] > MAX_ELEMS || pads->ints[x->rank + a] > MAX_ELEMS)
			return ik_err(c, "negative or huge padding is not supported");
		dims[a] = x->dims[a] + pads->ints[a] + pads->ints[x->rank + a];
	}
	ret = ik_alloc(c, 0, ACCEL_DT_F32, x->rank, dims);
	n = tensor_numel(&c->out[0]);
	if (ret || !n)
		return ret;
	do {
		int64_t o = 0;
		bool inside = true;

		for (a = 0; a < x->rank; a++) {
			int64_t p = idx[a] - pads->ints[a];

			inside = inside && p >= 0 && p < x->dims[a];
			o = o * x->dims[a] + p;
		}
		((float *)c->out[0].data)[k++] = inside ? ik_f32(x)[o] : (float)value;
	} while (ik_next_index(idx, dims, x->rank));
	return 0;
}

/* Trilu: keep the upper (j - i >= k) or lower (j - i <= k) triangle of the
 * last two dims, zero elsewhere; any dtype. */
int ik_trilu(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t k = ir_attr_int(c->n, "k"), rows, cols, n, i;
	bool upper = ir_attr_int(c->n, "upper") != 0;
	size_t es = accel_dtype_size(x->dtype);
	int ret;

	if (x->rank < 2)
		return ik_err(c, "input must have rank >= 2");
	ret = ik_alloc(c, 0, x->dtype, x->rank, x->dims);
	n = tensor_numel(x);
	if (ret || !n)
		return ret;
	rows = x->dims[x->rank - 2];
	cols = x->dims[x->rank - 1];
	for (i = 0; i < n; i++) {
		int64_t d = i % cols - (i / cols) % rows;

		if (upper ? d >= k : d <= k)
			memcpy((char *)c->out[0].data + i * es, (const char *)x->data + i * es, es);
	}
	return 0;
}
