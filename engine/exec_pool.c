// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec_pool.c - POOL: max or average 2-D pooling over NCHW.
 *
 * Padding is never read: MAX takes the maximum over the in-image part of
 * the window (so padding never wins, even over negative inputs), AVG sums
 * that part and divides by its size, or by the whole window with
 * VACCEL_POOL_F_COUNT_PAD. The validator guarantees every window overlaps
 * the image and, with floor division, lies inside the padded image.
 */
#include "exec_internal.h"

int vx_exec_pool(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_pool pkt;
	__s64 xs[4], ys[4], h, w, oh, ow, ky, kx;
	__u32 n, c, d;
	const float *xb;
	float *yb;
	bool count_pad;
	int ret;

	memcpy(&pkt, p, sizeof(pkt));
	for (d = 0; d < 4; d++) {
		xs[d] = (__s64)pkt.x.strides[d];
		ys[d] = (__s64)pkt.y.strides[d];
	}
	h = pkt.x.dims[2];
	w = pkt.x.dims[3];
	count_pad = pkt.hdr.flags & VACCEL_POOL_F_COUNT_PAD;
	xb = vx_ptr(ctx, &pkt.x);
	yb = vx_ptr(ctx, &pkt.y);
	for (n = 0; n < pkt.y.dims[0]; n++)
		for (c = 0; c < pkt.y.dims[1]; c++) {
			const float *x = xb + n * xs[0] + c * xs[1];
			float *y = yb + n * ys[0] + c * ys[1];

			for (oh = 0; oh < pkt.y.dims[2]; oh++)
				for (ow = 0; ow < pkt.y.dims[3]; ow++) {
					float m = -__builtin_inff();
					double sum = 0.0;
					__u32 cnt = 0;

					for (ky = 0; ky < pkt.kernel_h; ky++) {
						__s64 ih = oh * pkt.stride_h - pkt.pad_top +
							   ky * pkt.dilation_h;

						if (ih < 0 || ih >= h)
							continue;
						for (kx = 0; kx < pkt.kernel_w; kx++) {
							__s64 iw = ow * pkt.stride_w - pkt.pad_left +
								   kx * pkt.dilation_w;
							float v;

							if (iw < 0 || iw >= w)
								continue;
							v = x[ih * xs[2] + iw * xs[3]];
							if (v > m || v != v || m != m)
								m = m != m ? m : v;
							sum += v;
							cnt++;
						}
					}
					if (pkt.op == VACCEL_POOL_AVG) {
						if (count_pad)
							cnt = pkt.kernel_h * pkt.kernel_w;
						m = cnt ? (float)(sum / cnt) : 0.0f;
					}
					y[oh * ys[2] + ow * ys[3]] = m;
				}
			ret = vx_progress(ctx, (__u64)pkt.y.dims[2] * pkt.y.dims[3] *
					       pkt.kernel_h * pkt.kernel_w);
			if (ret)
				return ret;
		}
	return 0;
}
