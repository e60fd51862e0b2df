// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec_gemm.c - the engine's own GEMM: C = act(alpha op(A) op(B) + beta C
 * + bias), batched, any strides.
 *
 * DOC: blocking
 * C is produced in tiles of GEMM_MC rows x GEMM_NR columns. For each tile
 * the K dimension is walked in GEMM_KC slices; each slice of B (KC x NR) is
 * packed into a stack buffer, zero-padded to NR columns, and a GEMM_MR x
 * GEMM_NR register-tiled micro-kernel (plain C whose fixed-size inner loops
 * the compiler unrolls and vectorizes) accumulates one MR-row strip over the
 * slice. Partial sums go to C between slices; alpha, beta, bias and the
 * activation are folded in on the first and last slice. A tile is final
 * before the next starts, so the checkpoint hook runs only between tiles,
 * never while a partially summed C tile will still be re-read.
 *
 * Stack: the B slice is KC x NR floats, 16 KiB in userspace and 512 B in
 * the kernel, whose stacks are small.
 */
#include "exec_internal.h"

#define GEMM_MR 6
#define GEMM_NR 16
#define GEMM_MC 96
#ifdef __KERNEL__
#define GEMM_KC 8
#else
#define GEMM_KC 256
#endif

/**
 * struct gemm_args - one batch entry of a GEMM, strides in elements.
 * @a: A[m][k] is a[m * am + k * ak] (TRANS_A only swaps the strides).
 * @b: B[k][n] is b[k * bk + n * bn].
 * @c: C[m][n] is c[m * cm + n * cn].
 * @bias: bias[n] is bias[n * biasn], or NULL.
 */
struct gemm_args {
	const float *a, *b;
	float *c;
	const float *bias;
	__s64 am, ak, bk, bn, cm, cn, biasn;
	__u32 m, n, k, act;
	float alpha, beta;
};

/* Pack B[k0 .. k0+kc)[n0 .. n0+nc) into bp[kc][GEMM_NR], zero-padded. */
static void gemm_pack_b(float *bp, const struct gemm_args *g, __u32 k0, __u32 kc,
			__u32 n0, __u32 nc)
{
	__u32 k, j;

	for (k = 0; k < kc; k++) {
		const float *row = g->b + (__s64)(k0 + k) * g->bk + (__s64)n0 * g->bn;
		float *dst = bp + k * GEMM_NR;

		if (g->bn == 1 && nc == GEMM_NR) {
			memcpy(dst, row, GEMM_NR * sizeof(float));
			continue;
		}
		for (j = 0; j < nc; j++)
			dst[j] = row[j * g->bn];
		for (; j < GEMM_NR; j++)
			dst[j] = 0.0f;
	}
}

/*
 * acc[MR][NR] = sum over k < kc of A[row r][k] * bp[k][:]. Rows past mr
 * repeat the last valid row (their results are discarded), so the kernel
 * has no edge cases. always_inline: called with ak == 1 as a constant.
 */
static inline __attribute__((always_inline)) void
gemm_micro(float acc[GEMM_MR][GEMM_NR], const float *a, __s64 am, __s64 ak,
	   __u32 mr, const float *bp, __u32 kc)
{
	const float *ar[GEMM_MR];
	__u32 k, r, j;

	for (r = 0; r < GEMM_MR; r++)
		ar[r] = a + (__s64)(r < mr ? r : mr - 1) * am;
	for (r = 0; r < GEMM_MR; r++)
		for (j = 0; j < GEMM_NR; j++)
			acc[r][j] = 0.0f;
	for (k = 0; k < kc; k++) {
		const float *bk = bp + k * GEMM_NR;

#pragma GCC unroll 6
		for (r = 0; r < GEMM_MR; r++) {
			float av = ar[r][k * ak];

#pragma GCC unroll 16
			for (j = 0; j < GEMM_NR; j++)
				acc[r][j] += av * bk[j];
		}
	}
}

/* Fold one strip's slice result into C; on the last slice finish it. */
static void gemm_store(const struct gemm_args *g, float acc[GEMM_MR][GEMM_NR],
		       __u32 m0, __u32 mr, __u32 n0, __u32 nc, bool first, bool last)
{
	float row[GEMM_NR];
	__u32 r, j;

	for (r = 0; r < mr; r++) {
		float *c = g->c + (__s64)(m0 + r) * g->cm + (__s64)n0 * g->cn;

		for (j = 0; j < nc; j++) {
			float v = g->alpha * acc[r][j];

			if (!first)
				v += c[j * g->cn];
			else if (g->beta != 0.0f)
				v += g->beta * c[j * g->cn];	/* beta == 0: C unread */
			row[j] = v;
		}
		if (last) {
			if (g->bias)
				for (j = 0; j < nc; j++)
					row[j] += g->bias[(n0 + j) * g->biasn];
			vx_act_block(g->act, row, nc);
		}
		for (j = 0; j < nc; j++)
			c[j * g->cn] = row[j];
	}
}

static int gemm_run(struct vx_ctx *ctx, const struct gemm_args *g)
{
	float bp[GEMM_KC * GEMM_NR];
	float acc[GEMM_MR][GEMM_NR];
	__u32 n0, m0, k0, i;
	int ret;

	for (n0 = 0; n0 < g->n; n0 += GEMM_NR) {
		__u32 nc = g->n - n0 < GEMM_NR ? g->n - n0 : GEMM_NR;

		for (m0 = 0; m0 < g->m; m0 += GEMM_MC) {
			__u32 mc = g->m - m0 < GEMM_MC ? g->m - m0 : GEMM_MC;

			for (k0 = 0; k0 < g->k; k0 += GEMM_KC) {
				__u32 kc = g->k - k0 < GEMM_KC ? g->k - k0 : GEMM_KC;
				bool first = k0 == 0, last = k0 + kc == g->k;

				gemm_pack_b(bp, g, k0, kc, n0, nc);
				for (i = 0; i < mc; i += GEMM_MR) {
					__u32 mr = mc - i < GEMM_MR ? mc - i : GEMM_MR;
					const float *a = g->a + (__s64)(m0 + i) * g->am +
							 (__s64)k0 * g->ak;

					if (g->ak == 1)
						gemm_micro(acc, a, g->am, 1, mr, bp, kc);
					else
						gemm_micro(acc, a, g->am, g->ak, mr, bp, kc);
					gemm_store(g, acc, m0 + i, mr, n0, nc, first, last);
				}
			}
			/* The MC x NR tile is final: a safe point. */
			ret = vx_progress(ctx, 2ull * mc * nc * g->k);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int vx_exec_gemm(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_gemm pkt;
	struct gemm_args g;
	const struct vaccel_tensor *a, *b, *c;
	__u32 ra, rb, rc, batch, bi;
	const float *abase, *bbase;
	float *cbase;
	__s64 sa = 0, sb = 0, sc = 0;
	int ret;

	memcpy(&pkt, p, sizeof(pkt));
	if (ctx->hooks && ctx->hooks->gemm) {
		ret = ctx->hooks->gemm(ctx->hooks->priv, &pkt, ctx->bufs);
		if (ret != -EOPNOTSUPP)
			return ret;
	}
	a = &pkt.a;
	b = &pkt.b;
	c = &pkt.c;
	/* The matrix dims are the last two; a rank-3 operand has a batch. */
	ra = a->rank - 2;
	rb = b->rank - 2;
	rc = c->rank - 2;
	batch = rc ? c->dims[0] : 1;
	if (ra && a->dims[0] != 1)
		sa = (__s64)a->strides[0];
	if (rb && b->dims[0] != 1)
		sb = (__s64)b->strides[0];
	if (rc)
		sc = (__s64)c->strides[0];

	memset(&g, 0, sizeof(g));
	g.m = c->dims[rc];
	g.n = c->dims[rc + 1];
	g.k = (pkt.hdr.flags & VACCEL_GEMM_F_TRANS_A) ? a->dims[ra] : a->dims[ra + 1];
	if (pkt.hdr.flags & VACCEL_GEMM_F_TRANS_A) {
		g.ak = (__s64)a->strides[ra];
		g.am = (__s64)a->strides[ra + 1];
	} else {
		g.am = (__s64)a->strides[ra];
		g.ak = (__s64)a->strides[ra + 1];
	}
	if (pkt.hdr.flags & VACCEL_GEMM_F_TRANS_B) {
		g.bn = (__s64)b->strides[rb];
		g.bk = (__s64)b->strides[rb + 1];
	} else {
		g.bk = (__s64)b->strides[rb];
		g.bn = (__s64)b->strides[rb + 1];
	}
	g.cm = (__s64)c->strides[rc];
	g.cn = (__s64)c->strides[rc + 1];
	if (pkt.hdr.flags & VACCEL_GEMM_F_BIAS) {
		g.bias = vx_ptr(ctx, &pkt.bias);
		g.biasn = (__s64)pkt.bias.strides[0];
	}
	g.act = pkt.act;
	g.alpha = vx_f32(pkt.alpha);
	g.beta = vx_f32(pkt.beta);
	abase = vx_ptr(ctx, a);
	bbase = vx_ptr(ctx, b);
	cbase = vx_ptr(ctx, c);
	for (bi = 0; bi < batch; bi++) {
		g.a = abase + bi * sa;
		g.b = bbase + bi * sb;
		g.c = cbase + bi * sc;
		ret = gemm_run(ctx, &g);
		if (ret)
			return ret;
	}
	return 0;
}
