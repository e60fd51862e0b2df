// SPDX-License-Identifier: MIT
/*
 * interp_nn.c - pooling, the normalizations (BatchNormalization,
 * LayerNormalization, Softmax) and ReduceMean.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp_priv.h"

int ik_pool(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	enum accel_op op = c->n->op;
	int64_t k[2], st[2], pd[4], dl[2] = { 1, 1 }, dims[4], N, C, H, W, OH, OW, i, oh, ow;
	bool ceil_mode = ir_attr_int(c->n, "ceil_mode");
	bool incl = ir_attr_int(c->n, "count_include_pad");
	int ret;

	ret = ik_need_f32(c, 1);
	if (ret)
		return ret;
	if (x->rank != 4)
		return ik_err(c, "only 2-D pooling is supported");
	N = x->dims[0]; C = x->dims[1]; H = x->dims[2]; W = x->dims[3];
	if (op == ACCEL_OP_GLOBALAVGPOOL) {
		k[0] = H; k[1] = W;
		st[0] = st[1] = 1;
		memset(pd, 0, sizeof(pd));
	} else {
		ik_ints_attr(c->n, "kernel_shape", 2, 0, k);
		ik_ints_attr(c->n, "strides", 2, 1, st);
		ik_ints_attr(c->n, "pads", 4, 0, pd);
		if (op == ACCEL_OP_MAXPOOL)
			ik_ints_attr(c->n, "dilations", 2, 1, dl);
	}
	if (op != ACCEL_OP_GLOBALAVGPOOL && (!ik_window_ok(k, 2, 1) || !ik_window_ok(st, 2, 1) ||
					     !ik_window_ok(dl, 2, 1) || !ik_window_ok(pd, 4, 0)))
		return ik_err(c, "invalid kernel, strides, dilations or pads");
	OH = (H + pd[0] + pd[2] - ((k[0] - 1) * dl[0] + 1) + (ceil_mode ? st[0] - 1 : 0)) / st[0] + 1;
	OW = (W + pd[1] + pd[3] - ((k[1] - 1) * dl[1] + 1) + (ceil_mode ? st[1] - 1 : 0)) / st[1] + 1;
	/* With ceil_mode, a last window starting in the right padding is
	 * dropped, as ONNX and PyTorch do. */
	if (ceil_mode && (OH - 1) * st[0] >= H + pd[0])
		OH--;
	if (ceil_mode && (OW - 1) * st[1] >= W + pd[1])
		OW--;
	if (OH < 1 || OW < 1)
		return ik_err(c, "window larger than the padded input");
	dims[0] = N; dims[1] = C; dims[2] = OH; dims[3] = OW;
	ret = ik_alloc(c, 0, ACCEL_DT_F32, 4, dims);
	if (ret)
		return ret;
	for (i = 0; i < N * C; i++)
		for (oh = 0; oh < OH; oh++)
			for (ow = 0; ow < OW; ow++) {
				double s = 0, best = -INFINITY;
				int64_t cnt = 0, kh, kw;

				for (kh = 0; kh < k[0]; kh++)
					for (kw = 0; kw < k[1]; kw++) {
						int64_t ih = oh * st[0] - pd[0] + kh * dl[0];
						int64_t iw = ow * st[1] - pd[1] + kw * dl[1];
						double v;

						/* Padding counts toward the divisor only
						 * inside the padded extent. */
						if (incl && ih < H + pd[2] && iw < W + pd[3])
							cnt++;
						if (ih < 0 || ih >= H || iw < 0 || iw >= W)
							continue;
						v = ik_f32(x)[(i * H + ih) * W + iw];
						s += v;
						best = v > best ? v : best;
						cnt += !incl;
					}
				((float *)c->out[0].data)[(i * OH + oh) * OW + ow] =
					(float)(op == ACCEL_OP_MAXPOOL ? best : cnt ? s / cnt : 0);
			}
	return 0;
}

int ik_norm(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	enum accel_op op = c->n->op;
	double eps = ir_attr_float(c->n, "epsilon");
	int64_t outer, inner, len, i, j, k;
	float *y;
	int axis, ret;

	ret = ik_need_f32(c, c->n->ninputs);
	if (!ret)
		ret = ik_alloc(c, 0, ACCEL_DT_F32, x->rank, x->dims);
	if (ret)
		return ret;
	y = c->out[0].data;
	if (op == ACCEL_OP_BATCHNORM) {
		if (x->rank < 2)
			return ik_err(c, "input needs a channel dimension");
		for (i = 1; i < 5; i++)
			if (c->in[i].rank != 1 || c->in[i].dims[0] != x->dims[1])
				return ik_err(c, "parameter %lld is not a channel vector", (long long)i);
		ik_around(x, 1, &outer, &inner);
		len = x->dims[1];
		for (i = 0; i < outer; i++)
			for (j = 0; j < len; j++) {
				double sc = ik_f32(&c->in[1])[j] / sqrt(ik_f32(&c->in[4])[j] + eps);

				for (k = 0; k < inner; k++) {
					int64_t o = (i * len + j) * inner + k;

					y[o] = (float)((ik_f32(x)[o] - ik_f32(&c->in[3])[j]) * sc +
						       ik_f32(&c->in[2])[j]);
				}
			}
		return 0;
	}
	ret = ik_axis_of(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	if (op == ACCEL_OP_SOFTMAX) {
		ik_around(x, axis, &outer, &inner);
		len = x->dims[axis];
		for (i = 0; i < outer; i++)
			for (k = 0; k < inner; k++) {
				double mx = -INFINITY, s = 0;

				for (j = 0; j < len; j++)
					mx = fmax(mx, ik_f32(x)[(i * len + j) * inner + k]);
				for (j = 0; j < len; j++)
					s += exp(ik_f32(x)[(i * len + j) * inner + k] - mx);
				for (j = 0; j < len; j++)
					y[(i * len + j) * inner + k] =
						(float)(exp(ik_f32(x)[(i * len + j) * inner + k] - mx) / s);
			}
		return 0;
	}
	/* LayerNormalization: normalize over dims [axis, rank). */
	outer = 1;
	len = 1;
	for (i = 0; i < x->rank; i++) {
		if (i < axis)
			outer *= x->dims[i];
		else
			len *= x->dims[i];
	}
	for (i = 1; i < c->n->ninputs; i++) {
		if (!ik_has(c, (uint32_t)i))
			continue;
		if (tensor_numel(&c->in[i]) != len)
			return ik_err(c, "scale or bias does not match the normalized shape");
	}
	for (i = 0; i < outer; i++) {
		const float *px = ik_f32(x) + i * len;
		double mean = 0, var = 0;

		for (j = 0; j < len; j++)
			mean += px[j];
		mean /= len ? len : 1;
		for (j = 0; j < len; j++)
			var += (px[j] - mean) * (px[j] - mean);
		var /= len ? len : 1;
		for (j = 0; j < len; j++) {
			double v = (px[j] - mean) / sqrt(var + eps) * ik_f32(&c->in[1])[j];

			if (ik_has(c, 2))
				v += ik_f32(&c->in[2])[j];
			y[i * len + j] = (float)v;
		}
	}
	return 0;
}

int ik_reduce(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *axes = ir_attr_find(c->n, "axes");
	bool keep = ir_attr_int(c->n, "keepdims"), red[ACCEL_IR_MAX_RANK] = { false };
	int64_t dims[ACCEL_IR_MAX_RANK] = { 0 }, idx[ACCEL_IR_MAX_RANK] = { 0 }, ost[ACCEL_IR_MAX_RANK],
		full[ACCEL_IR_MAX_RANK], s = 1, cnt = 1, k = 0, n = tensor_numel(x);
	double *acc;
	int r = 0, a, ret;
	uint32_t i;

	ret = ik_need_f32(c, 1);
	if (ret)
		return ret;
	for (i = 0; axes && i < axes->n; i++) {
		ret = ik_axis_of(c, axes->ints[i], x->rank, &a);
		if (ret)
			return ret;
		red[a] = true;
	}
	for (a = 0; a < x->rank; a++) {
		if (!axes || !axes->n)
			red[a] = true;
		full[a] = red[a] ? 1 : x->dims[a];
		if (!red[a] || keep)
			dims[r++] = full[a];
		if (red[a])
			cnt *= x->dims[a];
	}
	/* Output strides over the full-rank (kept) shape. */
	for (a = x->rank - 1; a >= 0; a--) {
		ost[a] = red[a] ? 0 : s;
		s *= full[a];
	}
	ret = ik_alloc(c, 0, ACCEL_DT_F32, r, dims);
	if (ret)
		return ret;
	acc = calloc((size_t)(s ? s : 1), sizeof(*acc));
	if (!acc)
		return ir_error(c->err, ENOMEM, "interpreter: out of memory");
	if (n > 0)
		do
			acc[ik_offset(idx, ost, x->rank)] += ik_f32(x)[k++];
		while (ik_next_index(idx, x->dims, x->rank));
	for (k = 0; k < s; k++)
		((float *)c->out[0].data)[k] = (float)(cnt ? acc[k] / cnt : NAN);
	free(acc);
	return 0;
}
