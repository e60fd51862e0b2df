// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec_norm.c - LAYERNORM and RMSNORM over the trailing dims from @axis.
 *
 * Mean and variance are taken in two passes in double (the one-pass
 * E[x^2] - E[x]^2 formula cancels catastrophically when the mean is large
 * next to the spread), then a third pass writes y, so y may be x itself.
 */
#include "exec_internal.h"
#include "vaccel_math.h"

/**
 * struct norm_args - one normalized group, padded to 4 dims.
 * @nd: extents of the normalized dims (1 for the outer ones).
 * @xs: x strides; @ys: y strides.
 * @ss: scale strides, @hs: shift strides (0 for outer dims).
 * @scale: gamma or NULL; @shift: beta or NULL.
 */
struct norm_args {
	__u32 nd[4];
	__s64 xs[4], ys[4], ss[4], hs[4];
	const float *scale, *shift;
};

enum norm_pass { NORM_SUM, NORM_SQDEV, NORM_WRITE };

/* One pass over the group at x (and y); returns the sum it was asked for. */
static double norm_pass(const struct norm_args *a, const float *x, float *y,
			enum norm_pass pass, double mean, double rstd)
{
	__u32 i0, i1, i2, i3;
	double acc = 0.0;

	for (i0 = 0; i0 < a->nd[0]; i0++)
	for (i1 = 0; i1 < a->nd[1]; i1++)
	for (i2 = 0; i2 < a->nd[2]; i2++)
	for (i3 = 0; i3 < a->nd[3]; i3++) {
		__s64 xo = i0 * a->xs[0] + i1 * a->xs[1] + i2 * a->xs[2] + i3 * a->xs[3];
		double v = x[xo] - mean;

		if (pass == NORM_SUM) {
			acc += v;
		} else if (pass == NORM_SQDEV) {
			acc += v * v;
		} else {
			v *= rstd;
			if (a->scale)
				v *= a->scale[i0 * a->ss[0] + i1 * a->ss[1] +
					      i2 * a->ss[2] + i3 * a->ss[3]];
			if (a->shift)
				v += a->shift[i0 * a->hs[0] + i1 * a->hs[1] +
					      i2 * a->hs[2] + i3 * a->hs[3]];
			y[i0 * a->ys[0] + i1 * a->ys[1] + i2 * a->ys[2] + i3 * a->ys[3]] =
				(float)v;
		}
	}
	return acc;
}

/*
 * True if the normalized dims of a tensor with strides @s are one dense
 * row-major block (dims of extent 1 have any stride), so the group is the
 * flat array p[0..count).
 */
static bool norm_dense(const __u32 nd[4], const __s64 s[4])
{
	__s64 want = 1;
	int d;

	for (d = 3; d >= 0; d--) {
		if (nd[d] == 1)
			continue;
		if (s[d] != want)
			return false;
		want *= nd[d];
	}
	return true;
}

/*
 * The dense group: the same sums and the same per-element arithmetic as
 * norm_pass(), as flat loops -O3 vectorizes (the sums in fixed lanes). In
 * place, the write loop reads and writes through one pointer: two that may
 * be equal make the vectorizer's overlap check fail at run time.
 */
static void norm_group_dense(const struct norm_args *a, const float *x, float *y,
			     __u32 n, bool rms, double eps)
{
	const float *sc = a->scale, *sh = a->shift;
	double mean = 0.0, rstd;
	__u32 i;

	if (!rms)
		mean = vm_sum_d(x, n) / (double)n;
	rstd = 1.0 / __builtin_sqrt(vm_sqdev_d(x, n, mean) / (double)n + eps);
	if (x == y) {
		if (sc && sh)
			for (i = 0; i < n; i++)
				y[i] = (float)((y[i] - mean) * rstd * sc[i] + sh[i]);
		else if (sc)
			for (i = 0; i < n; i++)
				y[i] = (float)((y[i] - mean) * rstd * sc[i]);
		else if (sh)
			for (i = 0; i < n; i++)
				y[i] = (float)((y[i] - mean) * rstd + sh[i]);
		else
			for (i = 0; i < n; i++)
				y[i] = (float)((y[i] - mean) * rstd);
	} else {
		if (sc && sh)
			for (i = 0; i < n; i++)
				y[i] = (float)((x[i] - mean) * rstd * sc[i] + sh[i]);
		else if (sc)
			for (i = 0; i < n; i++)
				y[i] = (float)((x[i] - mean) * rstd * sc[i]);
		else if (sh)
			for (i = 0; i < n; i++)
				y[i] = (float)((x[i] - mean) * rstd + sh[i]);
		else
			for (i = 0; i < n; i++)
				y[i] = (float)((x[i] - mean) * rstd);
	}
}

/* Pad @t to 4 dims with its dims right-aligned. */
static void norm_pad(const struct vaccel_tensor *t, __u32 dims[4], __s64 str[4])
{
	__u32 lead = 4 - t->rank, d;

	for (d = 0; d < 4; d++) {
		if (dims)
			dims[d] = d < lead ? 1 : t->dims[d - lead];
		str[d] = d < lead ? 0 : (__s64)t->strides[d - lead];
	}
}

/**
 * struct norm_run - one LAYERNORM or RMSNORM packet, for its row function.
 * @a: the group's shape and operands; @xb, @yb: x and y at [0,0,0,0].
 * @count: elements per group; @eps: epsilon.
 * @dense: every operand's group is one dense block; @rms: RMSNORM.
 */
struct norm_run {
	struct norm_args a;
	const float *xb;
	float *yb;
	__s64 count;
	double eps;
	bool dense, rms;
};

/* The groups at (i0, i1, i2, j0 .. j1 - 1) of the walk over the outer dims. */
static int norm_groups(struct vx_ctx *ctx, const void *op, const struct vx_walk *w,
		       __u32 i0, __u32 i1, __u32 i2, __u32 j0, __u32 j1)
{
	const struct norm_run *r = op;
	const struct norm_args *a = &r->a;
	__u32 i3;
	int ret;

	(void)w;
	for (i3 = j0; i3 < j1; i3++) {
		const float *x = r->xb + i0 * a->xs[0] + i1 * a->xs[1] + i2 * a->xs[2] +
				 i3 * a->xs[3];
		float *y = r->yb + i0 * a->ys[0] + i1 * a->ys[1] + i2 * a->ys[2] + i3 * a->ys[3];
		double mean = 0.0, var;

		if (r->dense) {
			norm_group_dense(a, x, y, (__u32)r->count, r->rms, r->eps);
		} else {
			if (!r->rms)
				mean = norm_pass(a, x, y, NORM_SUM, 0.0, 0.0) / (double)r->count;
			var = norm_pass(a, x, y, NORM_SQDEV, mean, 0.0) / (double)r->count;
			norm_pass(a, x, y, NORM_WRITE, mean, 1.0 / __builtin_sqrt(var + r->eps));
		}
		ret = vx_progress(ctx, 6ull * r->count);
		if (ret)
			return ret;
	}
	return 0;
}

int vx_exec_norm(struct vx_ctx *ctx, const void *p, bool rms)
{
	struct vaccel_pkt_norm pkt;
	struct norm_run r;
	struct norm_args *a = &r.a;
	struct vx_walk w;
	__u32 xd[4], od[4], ax, d;

	memcpy(&pkt, p, sizeof(pkt));
	memset(&r, 0, sizeof(r));
	norm_pad(&pkt.x, xd, a->xs);
	norm_pad(&pkt.y, NULL, a->ys);
	ax = 4 - pkt.x.rank + pkt.axis;
	r.count = 1;
	for (d = 0; d < 4; d++) {
		a->nd[d] = d >= ax ? xd[d] : 1;
		od[d] = d >= ax ? 1 : xd[d];
		r.count *= a->nd[d];
	}
	/* scale/shift have rank - axis dims: padding them to 4 lines them up
	 * with x's normalized dims and gives the outer dims stride 0. */
	if (pkt.hdr.flags & VACCEL_NORM_F_SCALE) {
		norm_pad(&pkt.scale, NULL, a->ss);
		a->scale = vx_ptr(ctx, &pkt.scale);
	}
	if (pkt.hdr.flags & VACCEL_NORM_F_SHIFT) {
		norm_pad(&pkt.shift, NULL, a->hs);
		a->shift = vx_ptr(ctx, &pkt.shift);
	}
	r.eps = vx_f32(pkt.eps);
	r.rms = rms;
	r.dense = r.count <= 0xffffffffll && norm_dense(a->nd, a->xs) &&
		  norm_dense(a->nd, a->ys) && (!a->scale || norm_dense(a->nd, a->ss)) &&
		  (!a->shift || norm_dense(a->nd, a->hs));
	r.xb = vx_ptr(ctx, &pkt.x);
	r.yb = vx_ptr(ctx, &pkt.y);
	/* Groups are independent: large packets split by groups. */
	vx_walk_outer(&w, od);
	return vx_walk_run(ctx, &w, 6ull * (__u64)r.count, norm_groups, &r);
}
