// SPDX-License-Identifier: MIT
/*
 * interp_linalg.c - MatMul (batched, broadcast), Gemm and 2-D Conv, summing in
 * double.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp_priv.h"

int ik_matmul(struct kctx *c)
{
	struct accel_tensor a = c->in[0], b = c->in[1], ba, bb;
	int64_t dims[ACCEL_IR_MAX_RANK], sa[ACCEL_IR_MAX_RANK], sb[ACCEL_IR_MAX_RANK],
		idx[ACCEL_IR_MAX_RANK] = { 0 }, M, N, K, i, j, k, batch = 0;
	bool va = a.rank == 1, vb = b.rank == 1;
	int r, rank, ret;
	float *y;

	ret = ik_need_f32(c, 2);
	if (ret)
		return ret;
	if (a.rank < 1 || b.rank < 1)
		return ik_err(c, "operands must have rank >= 1");
	if (va) {
		a.rank = 2;
		a.dims[1] = a.dims[0];
		a.dims[0] = 1;
	}
	if (vb) {
		b.rank = 2;
		b.dims[1] = 1;
	}
	M = a.dims[a.rank - 2];
	K = a.dims[a.rank - 1];
	N = b.dims[b.rank - 1];
	if (b.dims[b.rank - 2] != K)
		return ik_err(c, "inner dimensions %lld and %lld differ", (long long)K,
			      (long long)b.dims[b.rank - 2]);
	ba = a;
	ba.rank -= 2;
	bb = b;
	bb.rank -= 2;
	ret = ik_bcast_shape(c, &ba, &bb, &r, dims);
	if (ret)
		return ret;
	ik_bcast_strides(&ba, r, sa);
	ik_bcast_strides(&bb, r, sb);
	rank = r;
	if (!va)
		dims[rank++] = M;
	if (!vb)
		dims[rank++] = N;
	if (rank > ACCEL_IR_MAX_RANK)
		return ik_err(c, "result rank too large");
	ret = ik_alloc(c, 0, ACCEL_DT_F32, rank, dims);
	if (ret)
		return ret;
	y = c->out[0].data;
	do {
		const float *pa = ik_f32(&a) + ik_offset(idx, sa, r) * M * K;
		const float *pb = ik_f32(&b) + ik_offset(idx, sb, r) * K * N;
		float *py = y + batch * M * N;

		for (i = 0; i < M; i++)
			for (j = 0; j < N; j++) {
				double s = 0;

				for (k = 0; k < K; k++)
					s += (double)pa[i * K + k] * pb[k * N + j];
				py[i * N + j] = (float)s;
			}
		batch++;
	} while (ik_next_index(idx, dims, r));
	return 0;
}

int ik_gemm(struct kctx *c)
{
	const struct accel_tensor *a = &c->in[0], *b = &c->in[1];
	bool ta = ir_attr_int(c->n, "transA"), tb = ir_attr_int(c->n, "transB");
	double alpha = ir_attr_float(c->n, "alpha"), beta = ir_attr_float(c->n, "beta");
	int64_t M, N, K, i, j, k, dims[2], st[2] = { 0, 0 };
	int ret;

	ret = ik_need_f32(c, 3);
	if (ret)
		return ret;
	if (a->rank != 2 || b->rank != 2)
		return ik_err(c, "operands must be matrices");
	M = a->dims[ta ? 1 : 0];
	K = a->dims[ta ? 0 : 1];
	N = b->dims[tb ? 0 : 1];
	if (b->dims[tb ? 1 : 0] != K)
		return ik_err(c, "inner dimensions differ");
	dims[0] = M;
	dims[1] = N;
	if (ik_has(c, 2)) {
		struct accel_tensor o = { .rank = 2, .dims = { M, N } };
		int64_t bd[ACCEL_IR_MAX_RANK];
		int r;

		ret = ik_bcast_shape(c, &o, &c->in[2], &r, bd);
		if (ret)
			return ret;
		if (r != 2 || bd[0] != M || bd[1] != N)
			return ik_err(c, "C does not broadcast to the result");
		ik_bcast_strides(&c->in[2], 2, st);
	}
	ret = ik_alloc(c, 0, ACCEL_DT_F32, 2, dims);
	if (ret)
		return ret;
	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++) {
			double s = 0;

			for (k = 0; k < K; k++)
				s += (double)ik_f32(a)[ta ? k * M + i : i * K + k] *
				     ik_f32(b)[tb ? j * K + k : k * N + j];
			s *= alpha;
			if (ik_has(c, 2))
				s += beta * ik_f32(&c->in[2])[i * st[0] + j * st[1]];
			((float *)c->out[0].data)[i * N + j] = (float)s;
		}
	return 0;
}

int ik_conv(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0], *w = &c->in[1];
	int64_t st[2], pd[4], dl[2], g = ir_attr_int(c->n, "group"), dims[4];
	int64_t N, C, H, W, M, KH, KW, OH, OW, cg, mg, n, m, oh, ow, ci, kh, kw;
	int ret;

	ret = ik_need_f32(c, 3);
	if (ret)
		return ret;
	if (x->rank != 4 || w->rank != 4)
		return ik_err(c, "only 2-D convolution is supported");
	ik_ints_attr(c->n, "strides", 2, 1, st);
	ik_ints_attr(c->n, "pads", 4, 0, pd);
	ik_ints_attr(c->n, "dilations", 2, 1, dl);
	N = x->dims[0]; C = x->dims[1]; H = x->dims[2]; W = x->dims[3];
	M = w->dims[0]; KH = w->dims[2]; KW = w->dims[3];
	if (g < 1 || C % g || M % g || w->dims[1] != C / g || !ik_window_ok(st, 2, 1) ||
	    !ik_window_ok(dl, 2, 1) || !ik_window_ok(pd, 4, 0) || KH < 1 || KW < 1 ||
	    KH > WINDOW_MAX || KW > WINDOW_MAX)
		return ik_err(c, "inconsistent channels, group, strides, dilations or pads");
	if (ik_has(c, 2) && (c->in[2].rank != 1 || c->in[2].dims[0] != M))
		return ik_err(c, "bias length differs from output channels");
	OH = (H + pd[0] + pd[2] - ((KH - 1) * dl[0] + 1)) / st[0] + 1;
	OW = (W + pd[1] + pd[3] - ((KW - 1) * dl[1] + 1)) / st[1] + 1;
	if (OH < 1 || OW < 1)
		return ik_err(c, "kernel larger than the padded input");
	dims[0] = N; dims[1] = M; dims[2] = OH; dims[3] = OW;
	ret = ik_alloc(c, 0, ACCEL_DT_F32, 4, dims);
	if (ret)
		return ret;
	cg = C / g;
	mg = M / g;
	for (n = 0; n < N; n++)
		for (m = 0; m < M; m++)
			for (oh = 0; oh < OH; oh++)
				for (ow = 0; ow < OW; ow++) {
					double s = ik_has(c, 2) ? ik_f32(&c->in[2])[m] : 0;

					for (ci = 0; ci < cg; ci++)
						for (kh = 0; kh < KH; kh++)
							for (kw = 0; kw < KW; kw++) {
								int64_t ih = oh * st[0] - pd[0] + kh * dl[0];
								int64_t iw = ow * st[1] - pd[1] + kw * dl[1];
								int64_t cin = (m / mg) * cg + ci;

								if (ih < 0 || ih >= H || iw < 0 || iw >= W)
									continue;
								s += (double)ik_f32(x)[((n * C + cin) * H + ih) * W + iw] *
								     ik_f32(w)[((m * cg + ci) * KH + kh) * KW + kw];
							}
					((float *)c->out[0].data)[((n * M + m) * OH + oh) * OW + ow] = (float)s;
				}
	return 0;
}
