// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * validate.c - the command-buffer validator.
 *
 * DOC: policy
 *
 * Every byte of a command buffer is checked before any packet runs: the
 * header, every packet header, every pad and reserved field, every enum,
 * every operand's dtype, rank, dims, strides and byte range, and each
 * opcode's shape rules as vaccel_isa.h states them. The executor trusts what
 * is accepted here, so the rule is: whatever this file accepts can be
 * executed without touching memory outside the submit's buffers, without a
 * division by zero and without a size computation that wraps.
 *
 * Size arithmetic uses __builtin_*_overflow and refuses with -E2BIG instead
 * of wrapping. No floating-point arithmetic happens here: floats in packets
 * are judged by their bit patterns, so the kernel needs no FPU section.
 *
 * The command buffer may be only 8-byte aligned and lives in memory the
 * caller owns; each packet is copied into an aligned local union first and
 * only that copy is read.
 *
 * On failure struct vaccel_verror names the packet and the field, spelled as
 * in vaccel_isa.h. Field names are static strings (tables below), because
 * the error must outlive this call and the engine keeps no state.
 */
#include "vaccel_engine.h"

/* ---- field names ------------------------------------------------------ */

/* Tensor operands by member name; in[k] of FUSED_ELEMENTWISE included. */
enum tname {
	T_DST, T_SRC, T_A, T_B, T_C, T_BIAS, T_X, T_W, T_Y, T_SCALE, T_SHIFT,
	T_INDICES, T_IN0, T_IN1, T_IN2, T_IN3, T_IN4, T_IN5, T_COUNT
};

/* Fields of one tensor; TF_SELF is the operand as a whole. */
enum tfield {
	TF_SELF, TF_BUF, TF_DTYPE, TF_OFFSET, TF_RANK, TF_PAD,
	TF_DIMS, TF_STRIDES = TF_DIMS + VACCEL_MAX_DIMS,
	TF_COUNT = TF_STRIDES + VACCEL_MAX_DIMS
};

#define TENSOR_FIELDS(p)                                                      \
	{ p, p ".buf", p ".dtype", p ".offset", p ".rank", p ".pad",          \
	  p ".dims[0]", p ".dims[1]", p ".dims[2]", p ".dims[3]",             \
	  p ".strides[0]", p ".strides[1]", p ".strides[2]", p ".strides[3]" }

static const char *const tensor_fields[T_COUNT][TF_COUNT] = {
	[T_DST] = TENSOR_FIELDS("dst"),
	[T_SRC] = TENSOR_FIELDS("src"),
	[T_A] = TENSOR_FIELDS("a"),
	[T_B] = TENSOR_FIELDS("b"),
	[T_C] = TENSOR_FIELDS("c"),
	[T_BIAS] = TENSOR_FIELDS("bias"),
	[T_X] = TENSOR_FIELDS("x"),
	[T_W] = TENSOR_FIELDS("w"),
	[T_Y] = TENSOR_FIELDS("y"),
	[T_SCALE] = TENSOR_FIELDS("scale"),
	[T_SHIFT] = TENSOR_FIELDS("shift"),
	[T_INDICES] = TENSOR_FIELDS("indices"),
	[T_IN0] = TENSOR_FIELDS("in[0]"),
	[T_IN1] = TENSOR_FIELDS("in[1]"),
	[T_IN2] = TENSOR_FIELDS("in[2]"),
	[T_IN3] = TENSOR_FIELDS("in[3]"),
	[T_IN4] = TENSOR_FIELDS("in[4]"),
	[T_IN5] = TENSOR_FIELDS("in[5]"),
};

static const char *tf(enum tname t, int field)
{
	return tensor_fields[t][field];
}

static const char *tf_dim(enum tname t, __u32 i)
{
	return tensor_fields[t][TF_DIMS + i];
}

static const char *tf_stride(enum tname t, __u32 i)
{
	return tensor_fields[t][TF_STRIDES + i];
}

/* Fields of one fused instruction, in struct order. */
enum ifield { IF_OPC, IF_DST, IF_SRC0, IF_SRC1, IF_IMM, IF_COUNT };

#define INST_FIELDS(i)                                                        \
	{ "insts[" #i "].opc", "insts[" #i "].dst", "insts[" #i "].src0",     \
	  "insts[" #i "].src1", "insts[" #i "].imm" }

static const char *const inst_fields[VACCEL_FUSED_MAX_INSTS][IF_COUNT] = {
	INST_FIELDS(0), INST_FIELDS(1), INST_FIELDS(2), INST_FIELDS(3),
	INST_FIELDS(4), INST_FIELDS(5), INST_FIELDS(6), INST_FIELDS(7),
	INST_FIELDS(8), INST_FIELDS(9), INST_FIELDS(10), INST_FIELDS(11),
	INST_FIELDS(12), INST_FIELDS(13), INST_FIELDS(14), INST_FIELDS(15),
	INST_FIELDS(16), INST_FIELDS(17), INST_FIELDS(18), INST_FIELDS(19),
	INST_FIELDS(20), INST_FIELDS(21), INST_FIELDS(22), INST_FIELDS(23),
	INST_FIELDS(24), INST_FIELDS(25), INST_FIELDS(26), INST_FIELDS(27),
	INST_FIELDS(28), INST_FIELDS(29), INST_FIELDS(30), INST_FIELDS(31),
};

static const char *const perm_fields[VACCEL_MAX_DIMS] = {
	"perm[0]", "perm[1]", "perm[2]", "perm[3]",
};

/* ---- context and error reporting -------------------------------------- */

struct vctx {
	const struct vaccel_engine_buffer *bufs;
	__u32 nbufs;
	struct vaccel_verror *err;
};

static int fail(struct vctx *v, int err, const char *field, const char *reason)
{
	v->err->field = field;
	v->err->reason = reason;
	v->err->err = err;
	return err;
}

/* ---- tensors ---------------------------------------------------------- */

/* Which dtypes an operand accepts. */
enum dtclass {
	DT_F32,		/* compute operands: F32 only in ISA 1.1 */
	DT_ANY,		/* COPY and FILL move bits of any dtype */
	DT_INDEX,	/* GATHER indices: I32 or I64 */
	DT_CONV,	/* COPY with CONVERT: F32, I32 or I64 */
};

/* Tensor roles: outputs may not write one element twice via a zero stride. */
enum trole { R_IN, R_OUT };

/*
 * check_tensor() - one operand on its own: fields, dtype, shape encoding and
 * the bounds rule (every addressable byte inside the buffer). The range is
 * offset .. offset + sum((dims[i]-1) * strides[i]) * esize + esize, computed
 * without wrapping. Strides are unsigned, so element [0,0,0,0] is the lowest.
 */
static int check_tensor(struct vctx *v, const struct vaccel_tensor *t,
			enum tname n, enum dtclass dc, enum trole role)
{
	__u64 span = 0, bytes, end, count = 1;
	__u32 esize, i;

	if (t->buf >= v->nbufs)
		return fail(v, -EINVAL, tf(n, TF_BUF), "buffer index out of range");
	esize = vaccel_dtype_size(t->dtype);
	if (!esize)
		return fail(v, -EINVAL, tf(n, TF_DTYPE), "unknown dtype");
	if (dc == DT_F32 && t->dtype != VACCEL_DTYPE_F32)
		return fail(v, -EOPNOTSUPP, tf(n, TF_DTYPE),
			    "only F32 is supported by this op in ISA 1.1");
	if (dc == DT_INDEX && t->dtype != VACCEL_DTYPE_I32 &&
	    t->dtype != VACCEL_DTYPE_I64)
		return fail(v, -EINVAL, tf(n, TF_DTYPE), "indices must be I32 or I64");
	if (dc == DT_CONV && t->dtype != VACCEL_DTYPE_F32 &&
	    t->dtype != VACCEL_DTYPE_I32 && t->dtype != VACCEL_DTYPE_I64)
		return fail(v, -EOPNOTSUPP, tf(n, TF_DTYPE),
			    "CONVERT takes F32, I32 and I64 only in ISA 1.1");
	if (t->pad)
		return fail(v, -EINVAL, tf(n, TF_PAD), "must be zero");
	if (t->rank < 1 || t->rank > VACCEL_MAX_DIMS)
		return fail(v, -EINVAL, tf(n, TF_RANK), "rank must be 1..4");
	for (i = 0; i < VACCEL_MAX_DIMS; i++) {
		if (i < t->rank && t->dims[i] == 0)
			return fail(v, -EINVAL, tf_dim(n, i), "dimension must be >= 1");
		if (i >= t->rank && t->dims[i])
			return fail(v, -EINVAL, tf_dim(n, i), "must be zero past rank");
	}
	for (i = t->rank; i < VACCEL_MAX_DIMS; i++)
		if (t->strides[i])
			return fail(v, -EINVAL, tf_stride(n, i), "must be zero past rank");
	if (t->offset % esize)
		return fail(v, -EINVAL, tf(n, TF_OFFSET),
			    "not a multiple of the element size");
	for (i = 0; i < t->rank; i++) {
		__u64 term;

		if (role == R_OUT && t->dims[i] > 1 && !t->strides[i])
			return fail(v, -EINVAL, tf_stride(n, i),
				    "output has a zero stride on a dimension > 1");
		if (__builtin_mul_overflow((__u64)(t->dims[i] - 1), t->strides[i], &term) ||
		    __builtin_add_overflow(span, term, &span))
			return fail(v, -E2BIG, tf_stride(n, i), "extent overflows 64 bits");
		if (__builtin_mul_overflow(count, (__u64)t->dims[i], &count))
			return fail(v, -E2BIG, tf_dim(n, i), "element count overflows 64 bits");
	}
	if (__builtin_mul_overflow(span, (__u64)esize, &bytes) ||
	    __builtin_add_overflow(bytes, (__u64)esize, &bytes))
		return fail(v, -E2BIG, tf(n, TF_SELF), "extent overflows 64 bits");
	if (__builtin_add_overflow(t->offset, bytes, &end))
		return fail(v, -E2BIG, tf(n, TF_OFFSET), "offset + extent overflows 64 bits");
	if (end > v->bufs[t->buf].size)
		return fail(v, -EINVAL, tf(n, TF_SELF), "operand runs past the end of its buffer");
	return 0;
}

/* An optional operand that is not used must be all zero (future use). */
static int check_tensor_zero(struct vctx *v, const struct vaccel_tensor *t,
			     enum tname n)
{
	__u32 i;

	if (t->buf)
		return fail(v, -EINVAL, tf(n, TF_BUF), "unused operand must be zero");
	if (t->dtype)
		return fail(v, -EINVAL, tf(n, TF_DTYPE), "unused operand must be zero");
	if (t->offset)
		return fail(v, -EINVAL, tf(n, TF_OFFSET), "unused operand must be zero");
	if (t->rank)
		return fail(v, -EINVAL, tf(n, TF_RANK), "unused operand must be zero");
	if (t->pad)
		return fail(v, -EINVAL, tf(n, TF_PAD), "unused operand must be zero");
	for (i = 0; i < VACCEL_MAX_DIMS; i++)
		if (t->dims[i])
			return fail(v, -EINVAL, tf_dim(n, i), "unused operand must be zero");
	for (i = 0; i < VACCEL_MAX_DIMS; i++)
		if (t->strides[i])
			return fail(v, -EINVAL, tf_stride(n, i), "unused operand must be zero");
	return 0;
}

/* Byte range [lo, hi) an operand can touch (valid after check_tensor()). */
static void tensor_range(const struct vaccel_tensor *t, __u64 *lo, __u64 *hi)
{
	__u64 span = 0;
	__u32 i, esize = vaccel_dtype_size(t->dtype);

	for (i = 0; i < t->rank; i++)
		span += (__u64)(t->dims[i] - 1) * t->strides[i];
	*lo = t->offset;
	*hi = t->offset + span * esize + esize;
}

static bool tensors_overlap(const struct vaccel_tensor *a,
			    const struct vaccel_tensor *b)
{
	__u64 alo, ahi, blo, bhi;

	if (a->buf != b->buf)
		return false;
	tensor_range(a, &alo, &ahi);
	tensor_range(b, &blo, &bhi);
	return alo < bhi && blo < ahi;
}

static int check_rank(struct vctx *v, const struct vaccel_tensor *t,
		      enum tname n, __u32 rank, const char *reason)
{
	if (t->rank != rank)
		return fail(v, -EINVAL, tf(n, TF_RANK), reason);
	return 0;
}

static int check_dim(struct vctx *v, const struct vaccel_tensor *t,
		     enum tname n, __u32 i, __u64 want, const char *reason)
{
	if (t->dims[i] != want)
		return fail(v, -EINVAL, tf_dim(n, i), reason);
	return 0;
}

/* @t must have @ref's rank and dims; errors name @t's fields. */
static int check_same_shape(struct vctx *v, const struct vaccel_tensor *t,
			    enum tname n, const struct vaccel_tensor *ref)
{
	__u32 i;
	int ret;

	ret = check_rank(v, t, n, ref->rank, "rank differs from the other operand");
	for (i = 0; !ret && i < ref->rank; i++)
		ret = check_dim(v, t, n, i, ref->dims[i],
				"dimension differs from the other operand");
	return ret;
}

/*
 * check_broadcast() - numpy broadcasting of input @t against output @y:
 * aligned from the innermost dimension, each of @t's dims equals @y's or 1.
 */
static int check_broadcast(struct vctx *v, const struct vaccel_tensor *t,
			   enum tname n, const struct vaccel_tensor *y)
{
	__u32 i, off;

	if (t->rank > y->rank)
		return fail(v, -EINVAL, tf(n, TF_RANK), "rank above the output's");
	off = y->rank - t->rank;
	for (i = 0; i < t->rank; i++)
		if (t->dims[i] != 1 && t->dims[i] != y->dims[off + i])
			return fail(v, -EINVAL, tf_dim(n, i),
				    "neither 1 nor the output's dimension");
	return 0;
}

/* ---- scalars ---------------------------------------------------------- */

static bool f32_bits_finite(__u32 bits)
{
	return (bits & 0x7f800000u) != 0x7f800000u;
}

static bool f32_bits_nan(__u32 bits)
{
	return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu);
}

static int check_zero32(struct vctx *v, __u32 val, const char *field)
{
	return val ? fail(v, -EINVAL, field, "must be zero") : 0;
}

static int check_enum(struct vctx *v, __u32 val, __u32 count, const char *field)
{
	return val >= count ? fail(v, -EINVAL, field, "unknown value") : 0;
}

static int check_nonzero32(struct vctx *v, __u32 val, const char *field)
{
	return val ? 0 : fail(v, -EINVAL, field, "must be >= 1");
}

/* Product of @n factors, refusing with -E2BIG (naming @field) on overflow. */
static int check_work(struct vctx *v, const __u64 *f, __u32 n, const char *field)
{
	__u64 w = 1;
	__u32 i;

	for (i = 0; i < n; i++)
		if (__builtin_mul_overflow(w, f[i], &w))
			return fail(v, -E2BIG, field, "work count overflows 64 bits");
	return 0;
}

/* ---- per-opcode checks ------------------------------------------------ */

static int check_nop(struct vctx *v, const union vaccel_pkt *p)
{
	return 0;
}

/* TIMESTAMP and FENCE write one aligned __u64 into a buffer. */
static int check_u64_slot(struct vctx *v, __u32 buf, __u32 pad, __u64 offset)
{
	if (buf >= v->nbufs)
		return fail(v, -EINVAL, "buf", "buffer index out of range");
	if (pad)
		return fail(v, -EINVAL, "pad", "must be zero");
	if (offset % 8)
		return fail(v, -EINVAL, "offset", "not a multiple of 8");
	if (v->bufs[buf].size < 8 || offset > v->bufs[buf].size - 8)
		return fail(v, -EINVAL, "offset", "8 bytes do not fit the buffer");
	return 0;
}

static int check_timestamp(struct vctx *v, const union vaccel_pkt *p)
{
	return check_u64_slot(v, p->timestamp.buf, p->timestamp.pad,
			      p->timestamp.offset);
}

static int check_fence(struct vctx *v, const union vaccel_pkt *p)
{
	return check_u64_slot(v, p->fence.buf, p->fence.pad, p->fence.offset);
}

/*
 * COPY moves raw elements of any dtype; with CONVERT (ISA 1.1) it converts
 * between F32, I32 and I64, so the dtypes may differ. (A command buffer
 * stating 1.0 never gets here with the flag: see vaccel_packet_isa_minor().)
 */
static int check_copy(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_copy *c = &p->copy;
	bool conv = c->hdr.flags & VACCEL_COPY_F_CONVERT;
	enum dtclass dc = conv ? DT_CONV : DT_ANY;
	int ret;

	ret = check_tensor(v, &c->dst, T_DST, dc, R_OUT);
	if (!ret)
		ret = check_tensor(v, &c->src, T_SRC, dc, R_IN);
	if (!ret && !conv && c->src.dtype != c->dst.dtype)
		ret = fail(v, -EINVAL, "src.dtype", "differs from dst.dtype");
	if (!ret)
		ret = check_same_shape(v, &c->src, T_SRC, &c->dst);
	return ret;
}

static int check_fill(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_fill *f = &p->fill;
	__u32 bits;
	int ret;

	ret = check_tensor(v, &f->dst, T_DST, DT_ANY, R_OUT);
	if (ret)
		return ret;
	bits = vaccel_dtype_size(f->dst.dtype) * 8;
	if (bits < 64 && (f->value >> bits))
		return fail(v, -EINVAL, "value", "bits above the element size must be zero");
	return 0;
}

static int check_gemm(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_gemm *g = &p->gemm;
	const struct vaccel_tensor *a = &g->a, *b = &g->b, *c = &g->c;
	__u32 ar, br, cr, batch, m, n, k;
	__u64 work[4];
	int ret;

	if (!f32_bits_finite(g->alpha))
		return fail(v, -EINVAL, "alpha", "not a finite binary32");
	if (!f32_bits_finite(g->beta))
		return fail(v, -EINVAL, "beta", "not a finite binary32");
	if ((ret = check_enum(v, g->act, VACCEL_ACT_COUNT, "act")) ||
	    (ret = check_zero32(v, g->pad, "pad")) ||
	    (ret = check_tensor(v, a, T_A, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, b, T_B, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, c, T_C, DT_F32, R_OUT)))
		return ret;
	if (g->hdr.flags & VACCEL_GEMM_F_BIAS)
		ret = check_tensor(v, &g->bias, T_BIAS, DT_F32, R_IN);
	else
		ret = check_tensor_zero(v, &g->bias, T_BIAS);
	if (ret)
		return ret;

	if (c->rank != 2 && c->rank != 3)
		return fail(v, -EINVAL, "c.rank", "must be 2 or 3");
	if (a->rank != 2 && a->rank != 3)
		return fail(v, -EINVAL, "a.rank", "must be 2 or 3");
	if (b->rank != 2 && b->rank != 3)
		return fail(v, -EINVAL, "b.rank", "must be 2 or 3");
	cr = c->rank - 2;
	ar = a->rank - 2;
	br = b->rank - 2;
	batch = cr ? c->dims[0] : 1;
	if (ar && a->dims[0] != 1 && a->dims[0] != batch)
		return fail(v, -EINVAL, "a.dims[0]", "batch is neither 1 nor c's batch");
	if (br && b->dims[0] != 1 && b->dims[0] != batch)
		return fail(v, -EINVAL, "b.dims[0]", "batch is neither 1 nor c's batch");

	if (g->hdr.flags & VACCEL_GEMM_F_TRANS_A) {
		k = a->dims[ar];
		m = a->dims[ar + 1];
	} else {
		m = a->dims[ar];
		k = a->dims[ar + 1];
	}
	if (g->hdr.flags & VACCEL_GEMM_F_TRANS_B) {
		n = b->dims[br];
		if ((ret = check_dim(v, b, T_B, br + 1, k, "K differs from a's")))
			return ret;
	} else {
		if ((ret = check_dim(v, b, T_B, br, k, "K differs from a's")))
			return ret;
		n = b->dims[br + 1];
	}
	if ((ret = check_dim(v, c, T_C, cr, m, "M differs from a's")) ||
	    (ret = check_dim(v, c, T_C, cr + 1, n, "N differs from b's")))
		return ret;
	if (g->hdr.flags & VACCEL_GEMM_F_BIAS) {
		if ((ret = check_rank(v, &g->bias, T_BIAS, 1, "must be 1")) ||
		    (ret = check_dim(v, &g->bias, T_BIAS, 0, n, "must equal N")))
			return ret;
	}
	work[0] = batch;
	work[1] = m;
	work[2] = n;
	work[3] = k;
	return check_work(v, work, 4, "c");
}

/*
 * Output extent of one spatial axis: (in + pad0 + pad1 - dil * (k - 1) - 1)
 * / stride + 1, in 64 bits where nothing can wrap (each term < 2^64).
 * Returns 0 when the dilated window is larger than the padded input.
 */
static __u64 window_out(__u32 in, __u32 pad0, __u32 pad1, __u32 k, __u32 dil,
			__u32 stride)
{
	__u64 padded = (__u64)in + pad0 + pad1;
	__u64 span = (__u64)dil * (k - 1) + 1;

	if (span > padded)
		return 0;
	return (padded - span) / stride + 1;
}

static int check_conv2d(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_conv2d *c = &p->conv;
	const struct vaccel_tensor *x = &c->x, *w = &c->w, *y = &c->y;
	__u64 oh, ow, work[7];
	__u32 ch, oc;
	int ret;

	if ((ret = check_nonzero32(v, c->stride_h, "stride_h")) ||
	    (ret = check_nonzero32(v, c->stride_w, "stride_w")) ||
	    (ret = check_nonzero32(v, c->dilation_h, "dilation_h")) ||
	    (ret = check_nonzero32(v, c->dilation_w, "dilation_w")) ||
	    (ret = check_nonzero32(v, c->groups, "groups")) ||
	    (ret = check_enum(v, c->act, VACCEL_ACT_COUNT, "act")) ||
	    (ret = check_tensor(v, x, T_X, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, w, T_W, DT_F32, R_IN)))
		return ret;
	if (c->hdr.flags & VACCEL_CONV_F_BIAS)
		ret = check_tensor(v, &c->bias, T_BIAS, DT_F32, R_IN);
	else
		ret = check_tensor_zero(v, &c->bias, T_BIAS);
	if (ret || (ret = check_tensor(v, y, T_Y, DT_F32, R_OUT)))
		return ret;

	if ((ret = check_rank(v, x, T_X, 4, "must be 4 (NCHW)")) ||
	    (ret = check_rank(v, w, T_W, 4, "must be 4 (OC x C/groups x KH x KW)")) ||
	    (ret = check_rank(v, y, T_Y, 4, "must be 4 (NCHW)")))
		return ret;
	ch = x->dims[1];
	oc = w->dims[0];
	if (ch % c->groups)
		return fail(v, -EINVAL, "groups", "does not divide x's channels");
	if (oc % c->groups)
		return fail(v, -EINVAL, "groups", "does not divide w's output channels");
	if ((ret = check_dim(v, w, T_W, 1, ch / c->groups, "must be C / groups")))
		return ret;
	oh = window_out(x->dims[2], c->pad_top, c->pad_bottom, w->dims[2],
			c->dilation_h, c->stride_h);
	if (!oh)
		return fail(v, -EINVAL, "w.dims[2]", "dilated kernel taller than the padded input");
	ow = window_out(x->dims[3], c->pad_left, c->pad_right, w->dims[3],
			c->dilation_w, c->stride_w);
	if (!ow)
		return fail(v, -EINVAL, "w.dims[3]", "dilated kernel wider than the padded input");
	if ((ret = check_dim(v, y, T_Y, 0, x->dims[0], "must equal x's batch")) ||
	    (ret = check_dim(v, y, T_Y, 1, oc, "must equal w's output channels")) ||
	    (ret = check_dim(v, y, T_Y, 2, oh, "not the output height the formula gives")) ||
	    (ret = check_dim(v, y, T_Y, 3, ow, "not the output width the formula gives")))
		return ret;
	if (c->hdr.flags & VACCEL_CONV_F_BIAS) {
		if ((ret = check_rank(v, &c->bias, T_BIAS, 1, "must be 1")) ||
		    (ret = check_dim(v, &c->bias, T_BIAS, 0, oc, "must equal OC")))
			return ret;
	}
	work[0] = y->dims[0];
	work[1] = oc;
	work[2] = oh;
	work[3] = ow;
	work[4] = w->dims[1];
	work[5] = w->dims[2];
	work[6] = w->dims[3];
	return check_work(v, work, 7, "y");
}

static int check_unary(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_unary *u = &p->unary;
	int ret;

	if ((ret = check_enum(v, u->op, VACCEL_UNARY_COUNT, "op")) ||
	    (ret = check_zero32(v, u->pad, "pad")) ||
	    (ret = check_tensor(v, &u->x, T_X, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, &u->y, T_Y, DT_F32, R_OUT)))
		return ret;
	return check_same_shape(v, &u->y, T_Y, &u->x);
}

static int check_binary(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_binary *b = &p->binary;
	int ret;

	if ((ret = check_enum(v, b->op, VACCEL_BINARY_COUNT, "op")) ||
	    (ret = check_zero32(v, b->pad, "pad")) ||
	    (ret = check_tensor(v, &b->a, T_A, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, &b->b, T_B, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, &b->y, T_Y, DT_F32, R_OUT)) ||
	    (ret = check_broadcast(v, &b->a, T_A, &b->y)))
		return ret;
	return check_broadcast(v, &b->b, T_B, &b->y);
}

/* One source register: in range and already written by an earlier inst. */
static int check_reg_read(struct vctx *v, __u32 reg, __u32 written,
			  const char *field)
{
	if (reg >= VACCEL_FUSED_NUM_REGS)
		return fail(v, -EINVAL, field, "register out of range");
	if (!(written & (1u << reg)))
		return fail(v, -EINVAL, field, "register read before it is written");
	return 0;
}

static int check_fused_inst(struct vctx *v, const struct vaccel_fused_inst *in,
			    __u32 idx, __u32 num_inputs, __u32 *written)
{
	const char *const *f = inst_fields[idx];
	int ret = 0;

	if (in->opc >= VACCEL_FUSED_COUNT)
		return fail(v, -EINVAL, f[IF_OPC], "unknown instruction");
	if (in->dst >= VACCEL_FUSED_NUM_REGS)
		return fail(v, -EINVAL, f[IF_DST], "register out of range");
	switch (in->opc) {
	case VACCEL_FUSED_LOAD:
		if (in->src0 >= num_inputs)
			ret = fail(v, -EINVAL, f[IF_SRC0], "input index >= num_inputs");
		else if (in->src1)
			ret = fail(v, -EINVAL, f[IF_SRC1], "must be zero for LOAD");
		else if (in->imm)
			ret = fail(v, -EINVAL, f[IF_IMM], "must be zero for LOAD");
		break;
	case VACCEL_FUSED_CONST:
		if (in->src0)
			ret = fail(v, -EINVAL, f[IF_SRC0], "must be zero for CONST");
		else if (in->src1)
			ret = fail(v, -EINVAL, f[IF_SRC1], "must be zero for CONST");
		break;
	case VACCEL_FUSED_UNARY:
		if (!(ret = check_reg_read(v, in->src0, *written, f[IF_SRC0]))) {
			if (in->src1)
				ret = fail(v, -EINVAL, f[IF_SRC1], "must be zero for UNARY");
			else
				ret = check_enum(v, in->imm, VACCEL_UNARY_COUNT, f[IF_IMM]);
		}
		break;
	case VACCEL_FUSED_BINARY:
		if (!(ret = check_reg_read(v, in->src0, *written, f[IF_SRC0])) &&
		    !(ret = check_reg_read(v, in->src1, *written, f[IF_SRC1])))
			ret = check_enum(v, in->imm, VACCEL_BINARY_COUNT, f[IF_IMM]);
		break;
	case VACCEL_FUSED_SELECT:
		if (!(ret = check_reg_read(v, in->src0, *written, f[IF_SRC0])) &&
		    !(ret = check_reg_read(v, in->src1, *written, f[IF_SRC1])))
			ret = check_reg_read(v, in->imm, *written, f[IF_IMM]);
		break;
	}
	if (!ret)
		*written |= 1u << in->dst;
	return ret;
}

static int check_fused_inst_zero(struct vctx *v, const struct vaccel_fused_inst *in,
				 __u32 idx)
{
	const char *const *f = inst_fields[idx];

	if (in->opc)
		return fail(v, -EINVAL, f[IF_OPC], "unused instruction must be zero");
	if (in->dst)
		return fail(v, -EINVAL, f[IF_DST], "unused instruction must be zero");
	if (in->src0)
		return fail(v, -EINVAL, f[IF_SRC0], "unused instruction must be zero");
	if (in->src1)
		return fail(v, -EINVAL, f[IF_SRC1], "unused instruction must be zero");
	if (in->imm)
		return fail(v, -EINVAL, f[IF_IMM], "unused instruction must be zero");
	return 0;
}

static int check_fused(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_fused *fu = &p->fused;
	__u32 i, written = 0;
	int ret;

	if (fu->num_inputs < 1 || fu->num_inputs > VACCEL_FUSED_MAX_INPUTS)
		return fail(v, -EINVAL, "num_inputs", "must be 1..6");
	if (fu->num_insts < 1 || fu->num_insts > VACCEL_FUSED_MAX_INSTS)
		return fail(v, -EINVAL, "num_insts", "must be 1..32");
	if (fu->out_reg >= VACCEL_FUSED_NUM_REGS)
		return fail(v, -EINVAL, "out_reg", "register out of range");
	if ((ret = check_zero32(v, fu->pad, "pad")) ||
	    (ret = check_tensor(v, &fu->y, T_Y, DT_F32, R_OUT)))
		return ret;
	for (i = 0; i < VACCEL_FUSED_MAX_INPUTS; i++) {
		enum tname n = (enum tname)(T_IN0 + i);

		if (i >= fu->num_inputs)
			ret = check_tensor_zero(v, &fu->in[i], n);
		else if (!(ret = check_tensor(v, &fu->in[i], n, DT_F32, R_IN)))
			ret = check_broadcast(v, &fu->in[i], n, &fu->y);
		if (ret)
			return ret;
	}
	for (i = 0; i < VACCEL_FUSED_MAX_INSTS; i++) {
		if (i >= fu->num_insts)
			ret = check_fused_inst_zero(v, &fu->insts[i], i);
		else
			ret = check_fused_inst(v, &fu->insts[i], i, fu->num_inputs,
					       &written);
		if (ret)
			return ret;
	}
	if (!(written & (1u << fu->out_reg)))
		return fail(v, -EINVAL, "out_reg", "never written by the program");
	return 0;
}

static int check_reduce(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_reduce *r = &p->reduce;
	__u32 i;
	int ret;

	if ((ret = check_enum(v, r->op, VACCEL_REDUCE_COUNT, "op")) ||
	    (ret = check_tensor(v, &r->x, T_X, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, &r->y, T_Y, DT_F32, R_OUT)))
		return ret;
	if (!r->axes)
		return fail(v, -EINVAL, "axes", "no axis to reduce");
	if (r->axes >> r->x.rank)
		return fail(v, -EINVAL, "axes", "bit at or past x's rank");
	if ((ret = check_rank(v, &r->y, T_Y, r->x.rank, "must equal x's rank (keepdims)")))
		return ret;
	for (i = 0; i < r->x.rank; i++) {
		__u32 want = (r->axes >> i) & 1 ? 1 : r->x.dims[i];

		if ((ret = check_dim(v, &r->y, T_Y, i, want,
				     "must be 1 on reduced axes, x's elsewhere")))
			return ret;
	}
	return 0;
}

static int check_softmax(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_softmax *s = &p->softmax;
	int ret;

	if ((ret = check_zero32(v, s->pad, "pad")) ||
	    (ret = check_tensor(v, &s->x, T_X, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, &s->y, T_Y, DT_F32, R_OUT)))
		return ret;
	if (s->axis >= s->x.rank)
		return fail(v, -EINVAL, "axis", "not below x's rank");
	return check_same_shape(v, &s->y, T_Y, &s->x);
}

/* scale and shift of a norm: the trailing dims of @x from @axis on. */
static int check_norm_param(struct vctx *v, const struct vaccel_tensor *t,
			    enum tname n, const struct vaccel_tensor *x, __u32 axis)
{
	__u32 i;
	int ret;

	ret = check_rank(v, t, n, x->rank - axis, "must be x's rank - axis");
	for (i = 0; !ret && i < t->rank; i++)
		ret = check_dim(v, t, n, i, x->dims[axis + i],
				"must equal x's normalized dimension");
	return ret;
}

static int check_norm(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_norm *nm = &p->norm;
	bool has_scale = nm->hdr.flags & VACCEL_NORM_F_SCALE;
	bool has_shift = nm->hdr.flags & VACCEL_NORM_F_SHIFT;
	int ret;

	if (has_shift && nm->hdr.opcode == VACCEL_OP_RMSNORM)
		return fail(v, -EINVAL, "hdr.flags", "RMSNORM takes no shift");
	if (f32_bits_nan(nm->eps))
		return fail(v, -EINVAL, "eps", "is NaN");
	if ((nm->eps & 0x80000000u) && nm->eps != 0x80000000u)
		return fail(v, -EINVAL, "eps", "is negative");
	if ((ret = check_tensor(v, &nm->x, T_X, DT_F32, R_IN)))
		return ret;
	if (nm->axis >= nm->x.rank)
		return fail(v, -EINVAL, "axis", "not below x's rank");
	if (has_scale) {
		if ((ret = check_tensor(v, &nm->scale, T_SCALE, DT_F32, R_IN)) ||
		    (ret = check_norm_param(v, &nm->scale, T_SCALE, &nm->x, nm->axis)))
			return ret;
	} else if ((ret = check_tensor_zero(v, &nm->scale, T_SCALE))) {
		return ret;
	}
	if (has_shift) {
		if ((ret = check_tensor(v, &nm->shift, T_SHIFT, DT_F32, R_IN)) ||
		    (ret = check_norm_param(v, &nm->shift, T_SHIFT, &nm->x, nm->axis)))
			return ret;
	} else if ((ret = check_tensor_zero(v, &nm->shift, T_SHIFT))) {
		return ret;
	}
	if ((ret = check_tensor(v, &nm->y, T_Y, DT_F32, R_OUT)))
		return ret;
	return check_same_shape(v, &nm->y, T_Y, &nm->x);
}

static int check_transpose(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_transpose *t = &p->transpose;
	__u32 i, seen = 0;
	int ret;

	if ((ret = check_tensor(v, &t->x, T_X, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, &t->y, T_Y, DT_F32, R_OUT)) ||
	    (ret = check_rank(v, &t->y, T_Y, t->x.rank, "must equal x's rank")))
		return ret;
	for (i = 0; i < VACCEL_MAX_DIMS; i++) {
		if (i >= t->x.rank) {
			if (t->perm[i])
				return fail(v, -EINVAL, perm_fields[i], "must be zero past rank");
			continue;
		}
		if (t->perm[i] >= t->x.rank)
			return fail(v, -EINVAL, perm_fields[i], "not below the rank");
		if (seen & (1u << t->perm[i]))
			return fail(v, -EINVAL, perm_fields[i], "repeated: not a permutation");
		seen |= 1u << t->perm[i];
	}
	for (i = 0; i < t->x.rank; i++)
		if ((ret = check_dim(v, &t->y, T_Y, i, t->x.dims[t->perm[i]],
				     "must be x.dims[perm[k]]")))
			return ret;
	/* Exact for the byte-range reading of "no overlap" that isa.rst gives. */
	if (tensors_overlap(&t->x, &t->y))
		return fail(v, -EINVAL, "y", "byte range overlaps x's");
	return 0;
}

static int check_gather(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_gather *g = &p->gather;
	const struct vaccel_tensor *x = &g->x, *ix = &g->indices, *y = &g->y;
	__u32 i, j = 0, yrank;
	int ret;

	if ((ret = check_zero32(v, g->pad, "pad")) ||
	    (ret = check_tensor(v, x, T_X, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, ix, T_INDICES, DT_INDEX, R_IN)) ||
	    (ret = check_tensor(v, y, T_Y, DT_F32, R_OUT)))
		return ret;
	if (g->axis >= x->rank)
		return fail(v, -EINVAL, "axis", "not below x's rank");
	yrank = x->rank - 1 + ix->rank;
	if (yrank > VACCEL_MAX_DIMS)
		return fail(v, -EINVAL, "indices.rank", "x.rank - 1 + indices.rank above 4");
	if ((ret = check_rank(v, y, T_Y, yrank, "must be x.rank - 1 + indices.rank")))
		return ret;
	for (i = 0; i < g->axis; i++, j++)
		if ((ret = check_dim(v, y, T_Y, j, x->dims[i], "must equal x's dimension")))
			return ret;
	for (i = 0; i < ix->rank; i++, j++)
		if ((ret = check_dim(v, y, T_Y, j, ix->dims[i], "must equal indices' dimension")))
			return ret;
	for (i = g->axis + 1; i < x->rank; i++, j++)
		if ((ret = check_dim(v, y, T_Y, j, x->dims[i], "must equal x's dimension")))
			return ret;
	return 0;
}

/*
 * Does every pooling window along one axis hold at least one real input
 * element? Window o samples o * stride - pad0 + j * dil for j < k.
 * Windows starting inside [0, in) hold their first tap. Those starting past
 * the input fail, and starts grow with o, so the last window tells. Windows
 * starting in the top padding: when dil <= in, taps cannot jump over the
 * input, so such a window holds an element iff its last tap is >= 0, which
 * grows with o: the first window tells. When dil > in, a window's taps can
 * straddle the input, and each padded window is checked on its own.
 *
 * Returns 0, or 1 when a window at the start is empty, 2 at the end, 3 in
 * between (jumped over), 4 when too many padded windows would need checking.
 */
#define POOL_MAX_PADDED_WINDOWS 65536u

static int pool_axis_covered(__u32 in, __u32 pad0, __u64 out, __u32 k,
			     __u32 dil, __u32 stride)
{
	__s64 last_start = (__s64)((out - 1) * stride) - (__s64)pad0;
	__u64 o, padded_windows;

	if (last_start > (__s64)in - 1)
		return 2;
	/* Last tap of the first window: -pad0 + dil * (k - 1). */
	if ((__u64)dil * (k - 1) < pad0)
		return 1;
	if (dil <= in || k == 1)
		return 0;
	padded_windows = ((__u64)pad0 + stride - 1) / stride;
	if (padded_windows > out)
		padded_windows = out;
	if (padded_windows > POOL_MAX_PADDED_WINDOWS)
		return 4;
	for (o = 0; o < padded_windows; o++) {
		/* u = distance of the window start above row 0 (> 0). */
		__u64 u = (__u64)pad0 - o * stride;
		__u64 jfirst = (u + dil - 1) / dil;	/* first tap at or below 0 */
		__u64 pos = jfirst * dil - u;

		if (jfirst >= k || pos >= in)
			return 3;
	}
	return 0;
}

static int pool_axis_error(struct vctx *v, int how, const char *pad0,
			   const char *pad1, const char *dil)
{
	switch (how) {
	case 1:
		return fail(v, -EINVAL, pad0, "first window lies entirely in padding");
	case 2:
		return fail(v, -EINVAL, pad1, "last window lies entirely in padding");
	case 3:
		return fail(v, -EINVAL, dil, "a window's taps all miss the input");
	case 4:
		return fail(v, -E2BIG, pad0, "too many padded windows to check");
	}
	return 0;
}

static int check_pool(struct vctx *v, const union vaccel_pkt *p)
{
	const struct vaccel_pkt_pool *pl = &p->pool;
	const struct vaccel_tensor *x = &pl->x, *y = &pl->y;
	__u64 oh, ow, work[6];
	int ret;

	if ((ret = check_enum(v, pl->op, VACCEL_POOL_COUNT, "op")) ||
	    (ret = check_nonzero32(v, pl->kernel_h, "kernel_h")) ||
	    (ret = check_nonzero32(v, pl->kernel_w, "kernel_w")) ||
	    (ret = check_nonzero32(v, pl->stride_h, "stride_h")) ||
	    (ret = check_nonzero32(v, pl->stride_w, "stride_w")) ||
	    (ret = check_nonzero32(v, pl->dilation_h, "dilation_h")) ||
	    (ret = check_nonzero32(v, pl->dilation_w, "dilation_w")) ||
	    (ret = check_zero32(v, pl->pad, "pad")) ||
	    (ret = check_tensor(v, x, T_X, DT_F32, R_IN)) ||
	    (ret = check_tensor(v, y, T_Y, DT_F32, R_OUT)) ||
	    (ret = check_rank(v, x, T_X, 4, "must be 4 (NCHW)")) ||
	    (ret = check_rank(v, y, T_Y, 4, "must be 4 (NCHW)")))
		return ret;
	oh = window_out(x->dims[2], pl->pad_top, pl->pad_bottom, pl->kernel_h,
			pl->dilation_h, pl->stride_h);
	if (!oh)
		return fail(v, -EINVAL, "kernel_h", "dilated window taller than the padded input");
	ow = window_out(x->dims[3], pl->pad_left, pl->pad_right, pl->kernel_w,
			pl->dilation_w, pl->stride_w);
	if (!ow)
		return fail(v, -EINVAL, "kernel_w", "dilated window wider than the padded input");
	if ((ret = check_dim(v, y, T_Y, 0, x->dims[0], "must equal x's batch")) ||
	    (ret = check_dim(v, y, T_Y, 1, x->dims[1], "must equal x's channels")) ||
	    (ret = check_dim(v, y, T_Y, 2, oh, "not the output height the formula gives")) ||
	    (ret = check_dim(v, y, T_Y, 3, ow, "not the output width the formula gives")))
		return ret;
	if ((ret = pool_axis_error(v, pool_axis_covered(x->dims[2], pl->pad_top, oh,
							pl->kernel_h, pl->dilation_h,
							pl->stride_h),
				   "pad_top", "pad_bottom", "dilation_h")) ||
	    (ret = pool_axis_error(v, pool_axis_covered(x->dims[3], pl->pad_left, ow,
							pl->kernel_w, pl->dilation_w,
							pl->stride_w),
				   "pad_left", "pad_right", "dilation_w")))
		return ret;
	work[0] = y->dims[0];
	work[1] = y->dims[1];
	work[2] = oh;
	work[3] = ow;
	work[4] = pl->kernel_h;
	work[5] = pl->kernel_w;
	return check_work(v, work, 6, "y");
}

/* ---- the packet table and the walk ------------------------------------ */

struct op_desc {
	__u32 size;		/* sizeof the packet struct */
	__u16 flags;		/* valid hdr.flags bits */
	int (*check)(struct vctx *v, const union vaccel_pkt *p);
};

static const struct op_desc op_table[VACCEL_OP_COUNT] = {
	[VACCEL_OP_NOP] = { sizeof(struct vaccel_pkt_nop), 0, check_nop },
	[VACCEL_OP_TIMESTAMP] = { sizeof(struct vaccel_pkt_timestamp), 0, check_timestamp },
	[VACCEL_OP_FENCE] = { sizeof(struct vaccel_pkt_fence), 0, check_fence },
	[VACCEL_OP_COPY] = { sizeof(struct vaccel_pkt_copy), VACCEL_COPY_FLAGS, check_copy },
	[VACCEL_OP_FILL] = { sizeof(struct vaccel_pkt_fill), 0, check_fill },
	[VACCEL_OP_GEMM] = { sizeof(struct vaccel_pkt_gemm), VACCEL_GEMM_FLAGS, check_gemm },
	[VACCEL_OP_CONV2D] = { sizeof(struct vaccel_pkt_conv2d), VACCEL_CONV_FLAGS, check_conv2d },
	[VACCEL_OP_UNARY] = { sizeof(struct vaccel_pkt_unary), 0, check_unary },
	[VACCEL_OP_BINARY] = { sizeof(struct vaccel_pkt_binary), 0, check_binary },
	[VACCEL_OP_FUSED_ELEMENTWISE] = { sizeof(struct vaccel_pkt_fused), 0, check_fused },
	[VACCEL_OP_REDUCE] = { sizeof(struct vaccel_pkt_reduce), 0, check_reduce },
	[VACCEL_OP_SOFTMAX] = { sizeof(struct vaccel_pkt_softmax), 0, check_softmax },
	[VACCEL_OP_LAYERNORM] = { sizeof(struct vaccel_pkt_norm), VACCEL_NORM_FLAGS, check_norm },
	[VACCEL_OP_RMSNORM] = { sizeof(struct vaccel_pkt_norm), VACCEL_NORM_FLAGS, check_norm },
	[VACCEL_OP_TRANSPOSE] = { sizeof(struct vaccel_pkt_transpose), 0, check_transpose },
	[VACCEL_OP_GATHER] = { sizeof(struct vaccel_pkt_gather), 0, check_gather },
	[VACCEL_OP_POOL] = { sizeof(struct vaccel_pkt_pool), VACCEL_POOL_FLAGS, check_pool },
};

static int check_cmdbuf_header(struct vctx *v, const void *cmdbuf, __u64 size,
			       struct vaccel_cmdbuf_header *h)
{
	if (!cmdbuf)
		return fail(v, -EINVAL, "cmdbuf", "no command buffer");
	if (size < sizeof(*h))
		return fail(v, -EINVAL, "size", "smaller than the header");
	if (size % 8)
		return fail(v, -EINVAL, "size", "not a multiple of 8");
	memcpy(h, cmdbuf, sizeof(*h));
	if (h->magic != VACCEL_CMDBUF_MAGIC)
		return fail(v, -EINVAL, "magic", "not VACCEL_CMDBUF_MAGIC");
	if (h->version_major != VACCEL_ISA_VERSION_MAJOR)
		return fail(v, -EINVAL, "version_major", "unsupported ISA major version");
	if (h->version_minor > VACCEL_ISA_VERSION_MINOR)
		return fail(v, -EINVAL, "version_minor", "newer ISA minor version than this engine");
	if (h->flags)
		return fail(v, -EINVAL, "flags", "must be zero");
	return 0;
}

__u32 vaccel_packet_isa_minor(const struct vaccel_pkt_header *hdr)
{
	if (hdr->opcode == VACCEL_OP_COPY && (hdr->flags & VACCEL_COPY_F_CONVERT))
		return 1;
	return 0;
}

int vaccel_validate(const void *cmdbuf, __u64 size,
		    const struct vaccel_engine_buffer *bufs, __u32 nbufs,
		    struct vaccel_verror *err)
{
	struct vaccel_verror scratch;
	struct vaccel_cmdbuf_header h;
	struct vctx v = { .bufs = bufs, .nbufs = nbufs, .err = err ? err : &scratch };
	union vaccel_pkt pkt;
	__u64 off;
	__u32 i;
	int ret;

	memset(v.err, 0, sizeof(*v.err));
	v.err->packet = VACCEL_VERR_HEADER;
	if (nbufs && !bufs)
		return fail(&v, -EINVAL, "bufs", "no buffer list");
	ret = check_cmdbuf_header(&v, cmdbuf, size, &h);
	if (ret)
		return ret;

	off = sizeof(h);
	for (i = 0; i < h.num_packets; i++) {
		const struct op_desc *d;

		if (off == size) {
			v.err->packet = VACCEL_VERR_HEADER;
			v.err->offset = 0;
			v.err->opcode = 0;
			return fail(&v, -EINVAL, "num_packets",
				    "more packets announced than the buffer holds");
		}
		/* size and off are multiples of 8: a packet header fits. */
		memcpy(&pkt.hdr, (const __u8 *)cmdbuf + off, sizeof(pkt.hdr));
		v.err->packet = i;
		v.err->offset = (__u32)off;
		v.err->opcode = pkt.hdr.opcode;
		if (pkt.hdr.opcode >= VACCEL_OP_COUNT)
			return fail(&v, -EINVAL, "hdr.opcode", "unknown opcode");
		d = &op_table[pkt.hdr.opcode];
		if (pkt.hdr.size != d->size)
			return fail(&v, -EINVAL, "hdr.size", "not the size of this opcode's packet");
		if (pkt.hdr.size > size - off)
			return fail(&v, -EINVAL, "hdr.size", "packet runs past the end of the buffer");
		if (pkt.hdr.flags & ~d->flags)
			return fail(&v, -EINVAL, "hdr.flags", "unknown flag bits set");
		/* So far only flags were added by minors; an opcode added by
		 * one would be reported on hdr.opcode. */
		if (vaccel_packet_isa_minor(&pkt.hdr) > h.version_minor)
			return fail(&v, -EINVAL, "hdr.flags",
				    "needs a later ISA minor than the command buffer states");
		memcpy(&pkt, (const __u8 *)cmdbuf + off, d->size);
		ret = d->check(&v, &pkt);
		if (ret)
			return ret;
		off += d->size;
	}
	if (off != size) {
		v.err->packet = VACCEL_VERR_HEADER;
		v.err->offset = 0;
		v.err->opcode = 0;
		return fail(&v, -EINVAL, "num_packets", "packets do not fill the buffer");
	}
	return 0;
}
