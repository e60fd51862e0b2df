// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec_layout.c - packets that move elements without arithmetic: COPY,
 * FILL, TRANSPOSE and GATHER. They work by element size, so every dtype of
 * the same width shares one loop. COPY with VACCEL_COPY_F_CONVERT (ISA 1.1)
 * is the one exception: it converts between F32, I32 and I64.
 */
#include "exec_internal.h"

/* Elements per span before a checkpoint may run (copies are not flops,
 * but a 1 GiB copy should still be interruptible). */
#define VX_COPY_CHUNK (1u << 20)

static void vx_copy_span(char *dst, __s64 ds, const char *src, __s64 ss,
			 __u32 n, __u32 esize)
{
	__u32 i;

	if (ds == 1 && ss == 1) {
		/* memmove: the ISA leaves overlapping COPY operands' results
		 * unspecified, but the engine itself must stay defined C. */
		memmove(dst, src, (size_t)n * esize);
		return;
	}
	switch (esize) {
	case 1:
		for (i = 0; i < n; i++)
			dst[i * ds] = src[i * ss];
		break;
	case 2:
		for (i = 0; i < n; i++)
			((__u16 *)dst)[i * ds] = ((const __u16 *)src)[i * ss];
		break;
	case 4:
		for (i = 0; i < n; i++)
			((__u32 *)dst)[i * ds] = ((const __u32 *)src)[i * ss];
		break;
	default:
		for (i = 0; i < n; i++)
			((__u64 *)dst)[i * ds] = ((const __u64 *)src)[i * ss];
		break;
	}
}

/*
 * ---- dtype conversion (COPY with CONVERT) ----
 *
 * F32 to integer is defined for every input, never C's undefined
 * behaviour: NaN gives 0, anything at or above 2^31 (2^63) the maximum,
 * anything below -2^31 (-2^63) the minimum, +-inf included; the range is
 * checked before the cast, which then truncates toward zero. Both bounds
 * are powers of two, exact in binary32. Integer to F32 is the C cast, which
 * rounds to nearest, ties to even (the default rounding mode, which neither
 * libaccel nor the kernel's FPU section changes). I64 to I32 keeps the low
 * 32 bits: the value is stored as its bit pattern, so no signed conversion
 * of an out-of-range value happens.
 */
static inline __s32 vx_f32_to_i32(float x)
{
	if (x != x)
		return 0;
	if (x >= 2147483648.0f)
		return 0x7fffffff;
	if (x < -2147483648.0f)
		return -0x7fffffff - 1;
	return (__s32)x;
}

static inline __s64 vx_f32_to_i64(float x)
{
	if (x != x)
		return 0;
	if (x >= 9223372036854775808.0f)
		return 0x7fffffffffffffffll;
	if (x < -9223372036854775808.0f)
		return -0x7fffffffffffffffll - 1;
	return (__s64)x;
}

/* Which conversion: the source and destination dtypes, F32, I32 or I64. */
#define VX_CONV(s, d) ((s) * VACCEL_DTYPE_COUNT + (d))

static void vx_convert_span(char *dst, __s64 ds, const char *src, __s64 ss, __u32 n,
			    __u32 conv)
{
	__u32 i;

	switch (conv) {
	case VX_CONV(VACCEL_DTYPE_F32, VACCEL_DTYPE_I32):
		for (i = 0; i < n; i++)
			((__s32 *)dst)[i * ds] = vx_f32_to_i32(((const float *)src)[i * ss]);
		break;
	case VX_CONV(VACCEL_DTYPE_F32, VACCEL_DTYPE_I64):
		for (i = 0; i < n; i++)
			((__s64 *)dst)[i * ds] = vx_f32_to_i64(((const float *)src)[i * ss]);
		break;
	case VX_CONV(VACCEL_DTYPE_I32, VACCEL_DTYPE_F32):
		for (i = 0; i < n; i++)
			((float *)dst)[i * ds] = (float)((const __s32 *)src)[i * ss];
		break;
	case VX_CONV(VACCEL_DTYPE_I64, VACCEL_DTYPE_F32):
		for (i = 0; i < n; i++)
			((float *)dst)[i * ds] = (float)((const __s64 *)src)[i * ss];
		break;
	case VX_CONV(VACCEL_DTYPE_I32, VACCEL_DTYPE_I64):
		for (i = 0; i < n; i++)
			((__s64 *)dst)[i * ds] = ((const __s32 *)src)[i * ss];
		break;
	case VX_CONV(VACCEL_DTYPE_I64, VACCEL_DTYPE_I32):
		for (i = 0; i < n; i++)
			((__u32 *)dst)[i * ds] = (__u32)((const __u64 *)src)[i * ss];
		break;
	}
}

/* No conversion: a plain copy of elements of one size. */
#define VX_CONV_NONE 0u

/*
 * Copy along a two-operand walk (operand 0 destination, 1 source) of
 * @dsize- and @ssize-byte elements, converting them by @conv (a VX_CONV()
 * pair) or not (VX_CONV_NONE, @dsize == @ssize).
 */
static int vx_copy_walk(struct vx_ctx *ctx, struct vx_walk *w, __u32 dsize, __u32 ssize,
			__u32 conv)
{
	__u32 i0, i1, i2, done;
	int ret;

	vx_walk_coalesce(w);
	for (i0 = 0; i0 < w->dims[0]; i0++)
		for (i1 = 0; i1 < w->dims[1]; i1++)
			for (i2 = 0; i2 < w->dims[2]; i2++) {
				char *d = w->base[0] + dsize *
					  (i0 * w->str[0][0] + i1 * w->str[0][1] + i2 * w->str[0][2]);
				const char *s = w->base[1] + ssize *
						(i0 * w->str[1][0] + i1 * w->str[1][1] + i2 * w->str[1][2]);

				for (done = 0; done < w->dims[3]; done += VX_COPY_CHUNK) {
					char *dd = d + dsize * done * w->str[0][3];
					const char *ss = s + ssize * done * w->str[1][3];
					__u32 n = w->dims[3] - done;

					if (n > VX_COPY_CHUNK)
						n = VX_COPY_CHUNK;
					if (conv == VX_CONV_NONE)
						vx_copy_span(dd, w->str[0][3], ss, w->str[1][3], n, dsize);
					else
						vx_convert_span(dd, w->str[0][3], ss, w->str[1][3], n,
								conv);
					ret = vx_progress(ctx, n);
					if (ret)
						return ret;
				}
			}
	return 0;
}

int vx_exec_copy(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_copy pkt;
	struct vx_walk w;

	memcpy(&pkt, p, sizeof(pkt));
	vx_walk_init(&w, ctx, &pkt.dst);
	vx_walk_add(&w, ctx, &pkt.src, &pkt.dst);
	/* The validator allows differing dtypes only with CONVERT, and then
	 * only F32, I32 and I64. */
	return vx_copy_walk(ctx, &w, vaccel_dtype_size(pkt.dst.dtype),
			    vaccel_dtype_size(pkt.src.dtype),
			    pkt.src.dtype == pkt.dst.dtype ? VX_CONV_NONE :
			    VX_CONV(pkt.src.dtype, pkt.dst.dtype));
}

int vx_exec_transpose(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_transpose pkt;
	struct vaccel_tensor view;
	struct vx_walk w;
	__u32 k;

	memcpy(&pkt, p, sizeof(pkt));
	/* y[i] = x[j] with j[perm[k]] = i[k]: a strided view of x shaped like
	 * y, whose dimension k steps x's dimension perm[k]; then a copy. */
	view = pkt.x;
	for (k = 0; k < pkt.x.rank; k++) {
		view.dims[k] = pkt.x.dims[pkt.perm[k]];
		view.strides[k] = pkt.x.strides[pkt.perm[k]];
	}
	vx_walk_init(&w, ctx, &pkt.y);
	vx_walk_add(&w, ctx, &view, &pkt.y);
	return vx_copy_walk(ctx, &w, vaccel_dtype_size(pkt.y.dtype),
			    vaccel_dtype_size(pkt.y.dtype), VX_CONV_NONE);
}

static void vx_fill_span(char *dst, __s64 ds, __u64 value, __u32 n, __u32 esize)
{
	__u32 i;

	switch (esize) {
	case 1:
		for (i = 0; i < n; i++)
			dst[i * ds] = (char)value;
		break;
	case 2:
		for (i = 0; i < n; i++)
			((__u16 *)dst)[i * ds] = (__u16)value;
		break;
	case 4:
		for (i = 0; i < n; i++)
			((__u32 *)dst)[i * ds] = (__u32)value;
		break;
	default:
		for (i = 0; i < n; i++)
			((__u64 *)dst)[i * ds] = value;
		break;
	}
}

int vx_exec_fill(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_fill pkt;
	struct vx_walk w;
	__u32 esize, i0, i1, i2;
	int ret;

	memcpy(&pkt, p, sizeof(pkt));
	esize = vaccel_dtype_size(pkt.dst.dtype);
	vx_walk_init(&w, ctx, &pkt.dst);
	vx_walk_coalesce(&w);
	for (i0 = 0; i0 < w.dims[0]; i0++)
		for (i1 = 0; i1 < w.dims[1]; i1++)
			for (i2 = 0; i2 < w.dims[2]; i2++) {
				char *d = w.base[0] + esize *
					  (i0 * w.str[0][0] + i1 * w.str[0][1] + i2 * w.str[0][2]);

				vx_fill_span(d, w.str[0][3], pkt.value, w.dims[3], esize);
				ret = vx_progress(ctx, w.dims[3]);
				if (ret)
					return ret;
			}
	return 0;
}

/* One GATHER index, widened; the validator allows only I32 and I64. */
static __s64 vx_index_read(const char *base, __u32 dtype, __s64 elem)
{
	if (dtype == VACCEL_DTYPE_I32)
		return ((const __s32 *)base)[elem];
	return ((const __s64 *)base)[elem];
}

/*
 * Check every index before writing anything, so an out-of-range index
 * leaves the output untouched and the job ends with -EDOM.
 */
static int vx_gather_check(const struct vx_ctx *ctx, const struct vaccel_tensor *idx,
			   __s64 extent)
{
	const char *base = vx_ptr(ctx, idx);
	__u32 dims[4] = { 1, 1, 1, 1 }, lead = 4 - idx->rank, d, i0, i1, i2, i3;
	__s64 str[4] = { 0, 0, 0, 0 };

	for (d = 0; d < idx->rank; d++) {
		dims[lead + d] = idx->dims[d];
		str[lead + d] = (__s64)idx->strides[d];
	}
	for (i0 = 0; i0 < dims[0]; i0++)
		for (i1 = 0; i1 < dims[1]; i1++)
			for (i2 = 0; i2 < dims[2]; i2++)
				for (i3 = 0; i3 < dims[3]; i3++) {
					__s64 v = vx_index_read(base, idx->dtype,
								i0 * str[0] + i1 * str[1] +
								i2 * str[2] + i3 * str[3]);

					if (v < -extent || v >= extent)
						return -EDOM;
				}
	return 0;
}

int vx_exec_gather(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_gather pkt;
	__u32 ydims[4] = { 1, 1, 1, 1 }, ry, r, lead, d, esize, i[4];
	__s64 xs[4] = { 0, 0, 0, 0 }, is[4] = { 0, 0, 0, 0 }, ys[4] = { 0, 0, 0, 0 };
	__s64 extent, axis_stride;
	const char *xb, *ib;
	char *yb;
	int ret;

	memcpy(&pkt, p, sizeof(pkt));
	extent = pkt.x.dims[pkt.axis];
	ret = vx_gather_check(ctx, &pkt.indices, extent);
	if (ret)
		return ret;
	r = pkt.indices.rank;
	ry = pkt.y.rank;
	lead = 4 - ry;
	esize = vaccel_dtype_size(pkt.x.dtype);
	axis_stride = (__s64)pkt.x.strides[pkt.axis];
	/* Give each y dimension its step in x (outer and inner dims) or in
	 * the index tensor (the r dims that replace x's axis). */
	for (d = 0; d < ry; d++) {
		ydims[lead + d] = pkt.y.dims[d];
		ys[lead + d] = (__s64)pkt.y.strides[d];
		if (d < pkt.axis)
			xs[lead + d] = (__s64)pkt.x.strides[d];
		else if (d < pkt.axis + r)
			is[lead + d] = (__s64)pkt.indices.strides[d - pkt.axis];
		else
			xs[lead + d] = (__s64)pkt.x.strides[d - r + 1];
	}
	xb = vx_ptr(ctx, &pkt.x);
	ib = vx_ptr(ctx, &pkt.indices);
	yb = vx_ptr(ctx, &pkt.y);
	for (i[0] = 0; i[0] < ydims[0]; i[0]++)
		for (i[1] = 0; i[1] < ydims[1]; i[1]++)
			for (i[2] = 0; i[2] < ydims[2]; i[2]++) {
				for (i[3] = 0; i[3] < ydims[3]; i[3]++) {
					__s64 xo = 0, io = 0, yo = 0, v;

					for (d = 0; d < 4; d++) {
						xo += i[d] * xs[d];
						io += i[d] * is[d];
						yo += i[d] * ys[d];
					}
					v = vx_index_read(ib, pkt.indices.dtype, io);
					if (v < 0)
						v += extent;
					xo += v * axis_stride;
					memcpy(yb + yo * esize, xb + xo * esize, esize);
				}
				ret = vx_progress(ctx, ydims[3]);
				if (ret)
					return ret;
			}
	return 0;
}
