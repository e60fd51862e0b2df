// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec_pool.c - POOL: max or average 2-D pooling over NCHW.
 *
 * Padding is never read: MAX takes the maximum over the in-image part of
 * the window (so padding never wins, even over negative inputs), AVG sums
 * that part and divides by its size, or by the whole window with
 * VACCEL_POOL_F_COUNT_PAD. The validator guarantees every window overlaps
 * the image and, with floor division, lies inside the padded image.
 *
 * Each output row clamps its window to the image once (the taps that fall
 * outside are skipped as a range, not tested one by one). Planes (one
 * image channel each) are independent: with the host's parallel_for hook
 * a large packet's planes are shared out in slices; without it (the
 * kernel) they run in order, with a checkpoint after each.
 */
#include "exec_internal.h"

/**
 * struct vx_pool - one POOL packet, decoded.
 * @pkt: the packet.
 * @xb: x's element [0, 0, 0, 0]. @yb: y's.
 * @xs: x's strides. @ys: y's strides.
 * @per_slice: planes per parallel_for slice.
 */
struct vx_pool {
	struct vaccel_pkt_pool pkt;
	const float *xb;
	float *yb;
	__s64 xs[4], ys[4];
	__u64 per_slice;
};

/* The taps k in [*lo, *hi) whose input position o * s - pad + k * d is in [0, size). */
static void vx_pool_taps(__s64 o, __u32 s, __u32 pad, __u32 d, __u32 k, __s64 size,
			 __u32 *lo, __u32 *hi)
{
	__s64 first = o * s - pad;

	*lo = 0;
	if (first < 0)
		*lo = (__u32)((-first + d - 1) / d);
	*hi = k;
	if (first + (__s64)(k - 1) * d >= size)
		*hi = (__u32)((size - first + d - 1) / d);
	if (*hi < *lo)
		*hi = *lo;
}

/* The window's in-image taps of plane @x, rows [ky0, ky1) x columns [kx0, kx1). */
#define VX_POOL_TAP(v, x, ih0, iw0, ky, kx)                                               \
	((x)[((ih0) + (__s64)(ky) * (v)->pkt.dilation_h) * (v)->xs[2] +                     \
	     ((iw0) + (__s64)(kx) * (v)->pkt.dilation_w) * (v)->xs[3]])

/*
 * The maximum of the taps; a NaN among them is the result (the first one,
 * in row-major tap order). The loop that runs for every tap has no
 * data-dependent branch (a compare-and-select per tap, and a NaN flag):
 * with a branch per tap, mispredictions on ordinary data cost more than
 * the loads.
 */
static float vx_pool_max(const struct vx_pool *v, const float *x, __s64 ih0, __s64 iw0,
			 __u32 ky0, __u32 ky1, __u32 kx0, __u32 kx1)
{
	float m = -__builtin_inff();
	int nan = 0;
	__u32 ky, kx;

	for (ky = ky0; ky < ky1; ky++)
		for (kx = kx0; kx < kx1; kx++) {
			float e = VX_POOL_TAP(v, x, ih0, iw0, ky, kx);

			m = e > m ? e : m;
			nan |= e != e;
		}
	if (nan)
		for (ky = ky0; ky < ky1; ky++)
			for (kx = kx0; kx < kx1; kx++) {
				float e = VX_POOL_TAP(v, x, ih0, iw0, ky, kx);

				if (e != e)
					return e;
			}
	return m;
}

/* The sum of the taps, in double, in row-major tap order. */
static double vx_pool_sum(const struct vx_pool *v, const float *x, __s64 ih0, __s64 iw0,
			  __u32 ky0, __u32 ky1, __u32 kx0, __u32 kx1)
{
	double sum = 0.0;
	__u32 ky, kx;

	for (ky = ky0; ky < ky1; ky++)
		for (kx = kx0; kx < kx1; kx++)
			sum += VX_POOL_TAP(v, x, ih0, iw0, ky, kx);
	return sum;
}

/* Plane @plane (n * C + c) of the output. */
static void vx_pool_plane(const struct vx_pool *v, __u64 plane)
{
	const struct vaccel_pkt_pool *pkt = &v->pkt;
	__u32 n = (__u32)(plane / pkt->y.dims[1]), c = (__u32)(plane % pkt->y.dims[1]);
	const float *x = v->xb + n * v->xs[0] + c * v->xs[1];
	float *y = v->yb + n * v->ys[0] + c * v->ys[1];
	const bool avg = pkt->op == VACCEL_POOL_AVG;
	const bool count_pad = pkt->hdr.flags & VACCEL_POOL_F_COUNT_PAD;
	__s64 oh, ow;

	for (oh = 0; oh < pkt->y.dims[2]; oh++) {
		__u32 ky0, ky1;

		vx_pool_taps(oh, pkt->stride_h, pkt->pad_top, pkt->dilation_h, pkt->kernel_h,
			     pkt->x.dims[2], &ky0, &ky1);
		for (ow = 0; ow < pkt->y.dims[3]; ow++) {
			__s64 ih0 = oh * pkt->stride_h - pkt->pad_top;
			__s64 iw0 = ow * pkt->stride_w - pkt->pad_left;
			float m = 0.0f;
			double sum = 0.0;
			__u32 kx0, kx1, cnt;

			vx_pool_taps(ow, pkt->stride_w, pkt->pad_left, pkt->dilation_w,
				     pkt->kernel_w, pkt->x.dims[3], &kx0, &kx1);
			if (avg)
				sum = vx_pool_sum(v, x, ih0, iw0, ky0, ky1, kx0, kx1);
			else
				m = vx_pool_max(v, x, ih0, iw0, ky0, ky1, kx0, kx1);
			if (avg) {
				cnt = count_pad ? pkt->kernel_h * pkt->kernel_w :
						  (ky1 - ky0) * (kx1 - kx0);
				m = cnt ? (float)(sum / cnt) : 0.0f;
			}
			y[oh * v->ys[2] + ow * v->ys[3]] = m;
		}
	}
}

/* parallel_for slice @i: planes [i * per_slice, (i + 1) * per_slice). */
static int vx_pool_slice(void *arg, __u32 i)
{
	const struct vx_pool *v = arg;
	__u64 planes = (__u64)v->pkt.y.dims[0] * v->pkt.y.dims[1];
	__u64 p = (__u64)i * v->per_slice, end = p + v->per_slice;

	if (end > planes)
		end = planes;
	for (; p < end; p++)
		vx_pool_plane(v, p);
	return 0;
}

int vx_exec_pool(struct vx_ctx *ctx, const void *p)
{
	struct vx_pool v;
	__u64 planes, work, slices, plane;
	__u32 d;
	int ret;

	memcpy(&v.pkt, p, sizeof(v.pkt));
	for (d = 0; d < 4; d++) {
		v.xs[d] = (__s64)v.pkt.x.strides[d];
		v.ys[d] = (__s64)v.pkt.y.strides[d];
	}
	v.xb = vx_ptr(ctx, &v.pkt.x);
	v.yb = vx_ptr(ctx, &v.pkt.y);
	planes = (__u64)v.pkt.y.dims[0] * v.pkt.y.dims[1];
	/* Taps per plane: what a checkpoint and a slice are measured in. */
	work = (__u64)v.pkt.y.dims[2] * v.pkt.y.dims[3] * v.pkt.kernel_h * v.pkt.kernel_w;
	if (ctx->hooks && ctx->hooks->parallel_for && planes > 1 && work &&
	    planes * work >= VX_PAR_MIN_WORK) {
		v.per_slice = VX_PAR_SLICE_WORK / work ? VX_PAR_SLICE_WORK / work : 1;
		slices = (planes + v.per_slice - 1) / v.per_slice;
		if (slices <= 0xffffffffull) {
			ret = ctx->hooks->parallel_for(ctx->hooks->priv, (__u32)slices,
						       vx_pool_slice, &v);
			if (ret)
				return ret;
			return vx_progress(ctx, planes * work);
		}
	}
	for (plane = 0; plane < planes; plane++) {
		vx_pool_plane(&v, plane);
		ret = vx_progress(ctx, work);
		if (ret)
			return ret;
	}
	return 0;
}
