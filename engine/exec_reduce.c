// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec_reduce.c - REDUCE (sum, max, mean with keepdims) and SOFTMAX.
 *
 * Sums accumulate in double: a float running sum over a long axis loses
 * digits in proportion to the length, and these reductions feed means and
 * normalizers whose error would otherwise dominate the result.
 */
#include "exec_internal.h"
#include "vaccel_math.h"

/* Pad a tensor's dims and strides to 4, leading dims of extent 1. */
static void vx_pad4(const struct vaccel_tensor *t, __u32 dims[4], __s64 str[4])
{
	__u32 lead = 4 - t->rank, d;

	for (d = 0; d < 4; d++) {
		dims[d] = d < lead ? 1 : t->dims[d - lead];
		str[d] = d < lead ? 0 : (__s64)t->strides[d - lead];
	}
}


int vx_exec_reduce(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_reduce pkt;
	__u32 xd[4], yd[4], rd[4], lead, d, i0, i1, i2, i3, r0, r1, r2, r3;
	__s64 xs[4], ys[4];
	const float *xb;
	float *yb;
	__u64 count = 1;
	int ret;

	memcpy(&pkt, p, sizeof(pkt));
	vx_pad4(&pkt.x, xd, xs);
	vx_pad4(&pkt.y, yd, ys);
	lead = 4 - pkt.x.rank;
	for (d = 0; d < 4; d++) {
		bool reduced = d >= lead && (pkt.axes >> (d - lead)) & 1;

		rd[d] = reduced ? xd[d] : 1;
		count *= rd[d];
	}
	xb = vx_ptr(ctx, &pkt.x);
	yb = vx_ptr(ctx, &pkt.y);
	for (i0 = 0; i0 < yd[0]; i0++)
	for (i1 = 0; i1 < yd[1]; i1++)
	for (i2 = 0; i2 < yd[2]; i2++)
	for (i3 = 0; i3 < yd[3]; i3++) {
		const float *x = xb + i0 * xs[0] + i1 * xs[1] + i2 * xs[2] + i3 * xs[3];
		double sum = 0.0;
		float m = x[0];

		for (r0 = 0; r0 < rd[0]; r0++)
		for (r1 = 0; r1 < rd[1]; r1++)
		for (r2 = 0; r2 < rd[2]; r2++) {
			const float *row = x + r0 * xs[0] + r1 * xs[1] + r2 * xs[2];

			if (pkt.op == VACCEL_REDUCE_MAX) {
				for (r3 = 0; r3 < rd[3]; r3++)
					m = vm_max_nan(m, row[r3 * xs[3]]);
			} else {
				for (r3 = 0; r3 < rd[3]; r3++)
					sum += row[r3 * xs[3]];
			}
		}
		if (pkt.op == VACCEL_REDUCE_MEAN)
			m = (float)(sum / (double)count);
		else if (pkt.op == VACCEL_REDUCE_SUM)
			m = (float)sum;
		yb[i0 * ys[0] + i1 * ys[1] + i2 * ys[2] + i3 * ys[3]] = m;
		ret = vx_progress(ctx, count);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * One line with unit strides, the layout of attention scores. Every loop is
 * a plain array loop that -O3 vectorizes: the exp is inlined branch-free and
 * the sum runs in fixed lanes. The in-place case gets its own exp loop
 * because a loop that reads x[i] and writes y[i] through two pointers that
 * may be equal is vectorized behind an overlap check that equal pointers
 * fail.
 */
static void softmax_line_dense(const float *x, float *y, __u32 len)
{
	float m = vm_maxf(x, len);
	double inv;
	__u32 i;

	if (x == y) {
		for (i = 0; i < len; i++)
			y[i] = vm_expf_inline(y[i] - m);
	} else {
		for (i = 0; i < len; i++)
			y[i] = vm_expf_inline(x[i] - m);
	}
	inv = 1.0 / vm_sum_d(y, len);
	for (i = 0; i < len; i++)
		y[i] = (float)(y[i] * inv);
}

/* Any strides: the reference loop, with the same exp as the dense path. */
static void softmax_line_strided(const float *x, float *y, __u32 len, __s64 xa, __s64 ya)
{
	float m = x[0];
	double sum = 0.0, inv;
	__u32 i;

	/* Subtracting the max keeps every exp() in (0, 1]. y may be
	 * x itself: each x[i] is read before y[i] is written. */
	for (i = 1; i < len; i++)
		m = vm_max_nan(m, x[i * xa]);
	for (i = 0; i < len; i++) {
		float e = vm_expf_inline(x[i * xa] - m);

		y[i * ya] = e;
		sum += e;
	}
	inv = 1.0 / sum;
	for (i = 0; i < len; i++)
		y[i * ya] = (float)(y[i * ya] * inv);
}

/**
 * struct softmax_run - one SOFTMAX packet, for its row function.
 * @xb, @yb: element [0,0,0,0] of x and y.
 * @xs, @ys: strides padded to 4 dims; @xa, @ya: the strides along the axis.
 * @len: the axis' extent; @dense: both unit-stride along it.
 */
struct softmax_run {
	const float *xb;
	float *yb;
	__s64 xs[4], ys[4], xa, ya;
	__u32 len;
	bool dense;
};

/* The rows at (i0, i1, i2, j0 .. j1 - 1) of the walk over the outer dims. */
static int softmax_rows(struct vx_ctx *ctx, const void *op, const struct vx_walk *w,
			__u32 i0, __u32 i1, __u32 i2, __u32 j0, __u32 j1)
{
	const struct softmax_run *r = op;
	__u32 i3;
	int ret;

	(void)w;
	for (i3 = j0; i3 < j1; i3++) {
		const float *x = r->xb + i0 * r->xs[0] + i1 * r->xs[1] + i2 * r->xs[2] +
				 i3 * r->xs[3];
		float *y = r->yb + i0 * r->ys[0] + i1 * r->ys[1] + i2 * r->ys[2] + i3 * r->ys[3];

		if (r->dense)
			softmax_line_dense(x, y, r->len);
		else
			softmax_line_strided(x, y, r->len, r->xa, r->ya);
		ret = vx_progress(ctx, 20ull * r->len);
		if (ret)
			return ret;
	}
	return 0;
}

int vx_exec_softmax(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_softmax pkt;
	struct softmax_run r;
	struct vx_walk w;
	__u32 xd[4], yd[4], ld[4], ax, d;

	memcpy(&pkt, p, sizeof(pkt));
	vx_pad4(&pkt.x, xd, r.xs);
	vx_pad4(&pkt.y, yd, r.ys);
	ax = 4 - pkt.x.rank + pkt.axis;
	r.len = xd[ax];
	r.xa = r.xs[ax];
	r.ya = r.ys[ax];
	r.dense = r.len == 1 || (r.xa == 1 && r.ya == 1);
	for (d = 0; d < 4; d++)
		ld[d] = d == ax ? 1 : xd[d];
	r.xb = vx_ptr(ctx, &pkt.x);
	r.yb = vx_ptr(ctx, &pkt.y);
	/* Rows are independent: large packets split by rows. */
	vx_walk_outer(&w, ld);
	return vx_walk_run(ctx, &w, 20ull * r.len, softmax_rows, &r);
}
