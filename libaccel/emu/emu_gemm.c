// SPDX-License-Identifier: MIT
/*
 * emu_gemm.c - the GEMM hook: run a packet through oneDNN's dnnl_sgemm when
 * its operands are plain row-major matrices, else decline (-EOPNOTSUPP) so
 * the engine's own GEMM runs.
 *
 * dnnl_sgemm computes C = alpha * op(A) op(B) + beta * C on row-major
 * matrices with leading dimensions; the batch is a loop. With beta 0 (every
 * GEMM the compiler emits) the bias is written into C first and the multiply
 * accumulates onto it, so a bias costs a row copy instead of a pass of its
 * own; the activation then runs over C row by row, one vectorizable loop
 * per activation.
 */
#include <math.h>
#include <string.h>

#include <oneapi/dnnl/dnnl.h>

#include "emu.h"

/**
 * struct emu_mat - one 2-D operand as dnnl_sgemm takes it.
 * @base: element [0,0] of batch 0.
 * @ld: leading dimension (row stride, in elements).
 * @batch_stride: elements between batches, 0 when broadcast.
 */
struct emu_mat {
	float *base;
	int64_t ld;
	int64_t batch_stride;
};

/*
 * Describe @t as a batch of row-major matrices: unit inner stride (unless
 * there is one column) and a row stride of at least the row length (unless
 * there is one row). False if dnnl_sgemm cannot take it.
 */
static bool emu_mat_init(struct emu_mat *m, const struct vaccel_tensor *t,
			 const struct vaccel_engine_buffer *bufs)
{
	uint32_t r = t->rank;
	uint64_t rows, cols;

	if (t->dtype != VACCEL_DTYPE_F32 || r < 2 || r > 3)
		return false;
	rows = t->dims[r - 2];
	cols = t->dims[r - 1];
	if (cols > 1 && t->strides[r - 1] != 1)
		return false;
	m->ld = rows > 1 ? (int64_t)t->strides[r - 2] : (int64_t)cols;
	if (m->ld < (int64_t)cols || m->ld < 1)
		return false;
	m->batch_stride = (r == 3 && t->dims[0] > 1) ? (int64_t)t->strides[0] : 0;
	m->base = (float *)((char *)bufs[t->buf].ptr + t->offset);
	return true;
}

static float emu_f32(__u32 bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

/*
 * libaccel builds at -O2, where GCC 12 vectorizes only loops that need no
 * scalar tail, so the per-row loops that matter use vector extensions: 16
 * floats a step (one AVX-512 register with -march=native, narrower ones
 * otherwise), then a scalar tail.
 */
typedef float emu_v16sf __attribute__((vector_size(64)));
typedef int32_t emu_v16si __attribute__((vector_size(64)));

/* row[j] = max(row[j], 0); NaN and -0 give +0, as the scalar select does. */
static void emu_relu_row(float *row, uint32_t n)
{
	const emu_v16sf zero = { 0 };
	uint32_t j = 0;

	for (; j + 16 <= n; j += 16) {
		emu_v16sf v;

		memcpy(&v, row + j, sizeof(v));
		v = (emu_v16sf)((emu_v16si)v & (v > zero));
		memcpy(row + j, &v, sizeof(v));
	}
	for (; j < n; j++)
		row[j] = row[j] > 0.0f ? row[j] : 0.0f;
}

/* row[j] += bias[j], unit stride. */
static void emu_add_row(float *row, const float *bias, uint32_t n)
{
	uint32_t j = 0;

	for (; j + 16 <= n; j += 16) {
		emu_v16sf v, b;

		memcpy(&v, row + j, sizeof(v));
		memcpy(&b, bias + j, sizeof(b));
		v += b;
		memcpy(row + j, &v, sizeof(v));
	}
	for (; j < n; j++)
		row[j] += bias[j];
}

/*
 * act(x) over one row. The switch is outside the loops so each loop is
 * a plain array loop: ReLU (the common case) is vectorized by hand; the
 * others call libm per element, as before.
 */
static void emu_act_row(uint32_t act, float *row, uint32_t n)
{
	uint32_t j;

	switch (act) {
	case VACCEL_ACT_RELU:
		emu_relu_row(row, n);
		break;
	case VACCEL_ACT_GELU:
		for (j = 0; j < n; j++)
			row[j] = 0.5f * row[j] * (1.0f + erff(row[j] * (float)M_SQRT1_2));
		break;
	case VACCEL_ACT_SILU:
		for (j = 0; j < n; j++)
			row[j] = row[j] / (1.0f + expf(-row[j]));
		break;
	case VACCEL_ACT_SIGMOID:
		for (j = 0; j < n; j++)
			row[j] = 1.0f / (1.0f + expf(-row[j]));
		break;
	case VACCEL_ACT_TANH:
		for (j = 0; j < n; j++)
			row[j] = tanhf(row[j]);
		break;
	default:
		break;
	}
}

/* Row r of C = bias (broadcast along M), or += bias when @add. */
static void emu_bias_row(float *row, const float *bias, uint64_t bstride, uint32_t n, bool add)
{
	uint32_t j;

	if (bstride == 1) {
		if (add)
			emu_add_row(row, bias, n);
		else
			memcpy(row, bias, (size_t)n * sizeof(float));
	} else {
		for (j = 0; j < n; j++)
			row[j] = add ? row[j] + bias[j * bstride] : bias[j * bstride];
	}
}

/*
 * With B shared by every batch entry (and A not transposed), each row of C
 * is its row of A times B, whichever matrix the row is filed under: the
 * batch x M rows may be regrouped into fewer, taller matrices, which
 * dnnl_sgemm runs far better than many short ones. The encoder's QKV
 * projection is the case: batch_first attention hands it 128 batches of
 * 8 x 256 (A read through a transposed view), which become 8 GEMMs of
 * 128 x 256 by swapping the roles of the batch and row strides, or one
 * GEMM of batch * M rows when the batches are stacked row after row.
 */
static void emu_gemm_regroup(struct emu_mat *a, struct emu_mat *c, uint32_t *m,
			     uint32_t *batch, uint32_t k, uint32_t n)
{
	int64_t t;

	if (*m > 1 && a->batch_stride == (int64_t)*m * a->ld &&
	    c->batch_stride == (int64_t)*m * c->ld) {
		*m *= *batch;
		*batch = 1;
		a->batch_stride = 0;
		c->batch_stride = 0;
		return;
	}
	/* Swapping is worth it only to get fewer, taller GEMMs, and only
	 * valid when the batch strides can serve as leading dimensions. */
	if (*batch <= *m || a->batch_stride < (int64_t)k || c->batch_stride < (int64_t)n)
		return;
	t = a->ld;
	a->ld = a->batch_stride;
	a->batch_stride = *m > 1 ? t : 0;
	t = c->ld;
	c->ld = c->batch_stride;
	c->batch_stride = *m > 1 ? t : 0;
	t = *m;
	*m = *batch;
	*batch = (uint32_t)t;
}

int emu_gemm(void *priv, const struct vaccel_pkt_gemm *pkt,
	     const struct vaccel_engine_buffer *bufs)
{
	const bool ta = pkt->hdr.flags & VACCEL_GEMM_F_TRANS_A;
	const bool tb = pkt->hdr.flags & VACCEL_GEMM_F_TRANS_B;
	const bool has_bias = pkt->hdr.flags & VACCEL_GEMM_F_BIAS;
	const float alpha = emu_f32(pkt->alpha), beta = emu_f32(pkt->beta);
	const float *bias = NULL;
	uint64_t bstride = 0;
	struct emu_mat a, b, c;
	uint32_t rc = pkt->c.rank, ra = pkt->a.rank;
	uint32_t m, n, k, batch;

	(void)priv;
	if (!emu_mat_init(&a, &pkt->a, bufs) || !emu_mat_init(&b, &pkt->b, bufs) ||
	    !emu_mat_init(&c, &pkt->c, bufs))
		return -EOPNOTSUPP;
	/* The validator guarantees the shapes agree; read them off C and A. */
	m = pkt->c.dims[rc - 2];
	n = pkt->c.dims[rc - 1];
	k = ta ? pkt->a.dims[ra - 2] : pkt->a.dims[ra - 1];
	batch = rc == 3 ? pkt->c.dims[0] : 1;
	if (batch > 1 && b.batch_stride == 0 && !ta)
		emu_gemm_regroup(&a, &c, &m, &batch, k, n);
	if (has_bias) {
		bias = (const float *)((const char *)bufs[pkt->bias.buf].ptr + pkt->bias.offset);
		bstride = pkt->bias.strides[0];
	}
	for (uint32_t i = 0; i < batch; i++) {
		float *cb = c.base + (int64_t)i * c.batch_stride;
		float beta_i = beta;
		dnnl_status_t st;

		if (beta == 0.0f) {
			/* beta 0 means C is not read at all: NaNs in it must vanish,
			 * which a BLAS multiply by zero would not guarantee. So C is
			 * written first, and with a bias it is written with the bias
			 * and accumulated onto (beta 1): the bias costs no pass of
			 * its own. */
			for (uint32_t r = 0; r < m; r++) {
				if (has_bias)
					emu_bias_row(cb + (int64_t)r * c.ld, bias, bstride, n, false);
				else
					memset(cb + (int64_t)r * c.ld, 0, (size_t)n * sizeof(float));
			}
			if (has_bias)
				beta_i = 1.0f;
		}
		st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha,
				a.base + (int64_t)i * a.batch_stride, a.ld,
				b.base + (int64_t)i * b.batch_stride, b.ld, beta_i, cb, c.ld);
		if (st != dnnl_success) {
			/* Nothing of this batch entry was left half-written by us:
			 * the engine recomputes the whole packet. */
			return i == 0 ? -EOPNOTSUPP : -EIO;
		}
		/* One pass over each row while it is warm: the bias if it was
		 * not folded in above, then the activation. */
		if ((has_bias && beta != 0.0f) || pkt->act != VACCEL_ACT_NONE) {
			for (uint32_t r = 0; r < m; r++) {
				float *row = cb + (int64_t)r * c.ld;

				if (has_bias && beta != 0.0f)
					emu_bias_row(row, bias, bstride, n, true);
				emu_act_row(pkt->act, row, n);
			}
		}
	}
	return 0;
}
