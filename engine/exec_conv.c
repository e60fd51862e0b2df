// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec_conv.c - CONV2D, NCHW, direct.
 *
 * Each output row is computed in VX_BLK-wide chunks held in a stack
 * accumulator: for every (input channel, kh, kw) the range of output columns
 * whose input column lies inside the image is computed once, so the inner
 * loop is a branch-free multiply-add the compiler vectorizes and padding
 * costs nothing. Bias and the activation are applied before the chunk is
 * stored; a stored chunk is final, so checkpoints may run between chunks.
 *
 * The host may lend a faster convolution (hooks->conv2d, oneDNN in the emu
 * device); this one runs when there is none or it declines the packet.
 */
#include "exec_internal.h"

struct conv_args {
	const float *x, *w, *bias;
	float *y;
	__s64 xs[4], ws[4], ys[4], biass;
	__s64 h, wd, kh, kw, oh, ow;
	__s64 sh, sw, pt, pl, dh, dw;
	__u32 cg, ocg, act;
};

/* First output column o >= 0 with o*sw + off >= 0, and one past the last
 * with o*sw + off < width. */
static void conv_col_range(__s64 off, __s64 sw, __s64 width, __s64 *lo, __s64 *hi)
{
	*lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
	*hi = width - off <= 0 ? 0 : (width - off - 1) / sw + 1;
}

static void conv_chunk(const struct conv_args *c, float *acc, __u32 n, __u32 oc,
		       __s64 oh, __s64 ow0, __u32 nb)
{
	__u32 g = oc / c->ocg, ic, j;
	__s64 kh, kw;

	for (j = 0; j < nb; j++)
		acc[j] = c->bias ? c->bias[oc * c->biass] : 0.0f;
	for (ic = 0; ic < c->cg; ic++) {
		const float *xc = c->x + n * c->xs[0] + (__s64)(g * c->cg + ic) * c->xs[1];
		const float *wc = c->w + oc * c->ws[0] + ic * c->ws[1];

		for (kh = 0; kh < c->kh; kh++) {
			__s64 ih = oh * c->sh - c->pt + kh * c->dh;
			const float *xrow;

			if (ih < 0 || ih >= c->h)
				continue;
			xrow = xc + ih * c->xs[2];
			for (kw = 0; kw < c->kw; kw++) {
				__s64 off = kw * c->dw - c->pl, lo, hi, o;
				float wv = wc[kh * c->ws[2] + kw * c->ws[3]];
				const float *xp;
				__s64 step = c->sw * c->xs[3];

				conv_col_range(off, c->sw, c->wd, &lo, &hi);
				lo = lo > ow0 ? lo - ow0 : 0;
				hi = hi - ow0 < (__s64)nb ? hi - ow0 : (__s64)nb;
				if (lo >= hi)
					continue;
				xp = xrow + ((ow0 + lo) * c->sw + off) * c->xs[3];
				if (step == 1) {
					for (o = lo; o < hi; o++)
						acc[o] += wv * xp[o - lo];
				} else {
					for (o = lo; o < hi; o++)
						acc[o] += wv * xp[(o - lo) * step];
				}
			}
		}
	}
	vx_act_block(c->act, acc, nb);
}

int vx_exec_conv2d(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_conv2d pkt;
	struct conv_args c;
	float acc[VX_BLK];
	__u32 n, oc, d, j;
	__s64 oh, ow0;
	int ret;

	memcpy(&pkt, p, sizeof(pkt));
	if (ctx->hooks && ctx->hooks->conv2d) {
		ret = ctx->hooks->conv2d(ctx->hooks->priv, &pkt, ctx->bufs);
		if (ret != -EOPNOTSUPP)
			return ret;
	}
	memset(&c, 0, sizeof(c));
	c.x = vx_ptr(ctx, &pkt.x);
	c.w = vx_ptr(ctx, &pkt.w);
	c.y = vx_ptr(ctx, &pkt.y);
	if (pkt.hdr.flags & VACCEL_CONV_F_BIAS) {
		c.bias = vx_ptr(ctx, &pkt.bias);
		c.biass = (__s64)pkt.bias.strides[0];
	}
	for (d = 0; d < 4; d++) {
		c.xs[d] = (__s64)pkt.x.strides[d];
		c.ws[d] = (__s64)pkt.w.strides[d];
		c.ys[d] = (__s64)pkt.y.strides[d];
	}
	c.h = pkt.x.dims[2];
	c.wd = pkt.x.dims[3];
	c.kh = pkt.w.dims[2];
	c.kw = pkt.w.dims[3];
	c.oh = pkt.y.dims[2];
	c.ow = pkt.y.dims[3];
	c.sh = pkt.stride_h;
	c.sw = pkt.stride_w;
	c.pt = pkt.pad_top;
	c.pl = pkt.pad_left;
	c.dh = pkt.dilation_h;
	c.dw = pkt.dilation_w;
	c.cg = pkt.x.dims[1] / pkt.groups;
	c.ocg = pkt.y.dims[1] / pkt.groups;
	c.act = pkt.act;

	for (n = 0; n < pkt.y.dims[0]; n++)
		for (oc = 0; oc < pkt.y.dims[1]; oc++)
			for (oh = 0; oh < c.oh; oh++)
				for (ow0 = 0; ow0 < c.ow; ow0 += VX_BLK) {
					__u32 nb = c.ow - ow0 < VX_BLK ? (__u32)(c.ow - ow0) : VX_BLK;
					float *yr = c.y + n * c.ys[0] + oc * c.ys[1] +
						    oh * c.ys[2] + ow0 * c.ys[3];

					conv_chunk(&c, acc, n, oc, oh, ow0, nb);
					for (j = 0; j < nb; j++)
						yr[j * c.ys[3]] = acc[j];
					ret = vx_progress(ctx, 2ull * nb * c.cg * c.kh * c.kw);
					if (ret)
						return ret;
				}
	return 0;
}
