// SPDX-License-Identifier: MIT
/*
 * emu_gemm.c - the GEMM hook: run a packet through oneDNN's dnnl_sgemm when
 * its operands are plain row-major matrices, else decline (-EOPNOTSUPP) so
 * the engine's own GEMM runs.
 *
 * dnnl_sgemm computes C = alpha * op(A) op(B) + beta * C on row-major
 * matrices with leading dimensions. The packet is cut into tiles (whole
 * batch entries, or column/row blocks of one) that the device's pool runs,
 * one single-threaded dnnl_sgemm call per tile: all of the device's
 * threads are then ours, and none are OpenMP teams that each engine
 * thread would otherwise bring up (more OpenMP threads than CPUs, which
 * libgomp answers by sleeping between calls). The bias and the activation
 * then run over the tile row by row while it is in cache, one vectorizable
 * loop each.
 *
 * With beta 0 the ISA says C is not read, so NaNs in it must vanish:
 * dnnl_sgemm's beta-0 kernels never load C (checked over 39,304 shapes,
 * transposes and thread counts; the "beta 0 over NaN" cases of
 * tests/libaccel/test_compute.c keep checking it). Writing the bias into C
 * first instead, as this file once did, cost ~8 us of the MLP's 230 us
 * tiles: C is cold then, hot after the multiply.
 */
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
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

/* Row r of C += bias (broadcast along M). */
static void emu_bias_row(float *row, const float *bias, uint64_t bstride, uint32_t n)
{
	if (bstride == 1) {
		emu_add_row(row, bias, n);
		return;
	}
	for (uint32_t j = 0; j < n; j++)
		row[j] += bias[j * bstride];
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

/*
 * oneDNN as Debian builds it threads with OpenMP: each dnnl_sgemm call
 * forks a team of omp_get_max_threads() threads, one team per calling
 * thread. Our tiles already run one per pool thread, so each tile's call
 * must run serially: the OpenMP thread count is a per-thread setting, set
 * to 1 for the call and put back (CONV2D still runs OpenMP teams). The
 * functions are looked up at run time: a oneDNN built for TBB or a thread
 * pool brings no OpenMP runtime, and then nothing is changed.
 */
static void (*emu_omp_set_num_threads)(int);
static int (*emu_omp_get_max_threads)(void);
static pthread_once_t emu_omp_once = PTHREAD_ONCE_INIT;

static void emu_omp_lookup(void)
{
	void *set = dlsym(RTLD_DEFAULT, "omp_set_num_threads");
	void *get = dlsym(RTLD_DEFAULT, "omp_get_max_threads");

	if (set && get) {
		emu_omp_set_num_threads = (void (*)(int))set;
		emu_omp_get_max_threads = (int (*)(void))get;
	}
}

static dnnl_status_t emu_sgemm_serial(char ta, char tb, dnnl_dim_t m, dnnl_dim_t n,
				      dnnl_dim_t k, float alpha, const float *a, dnnl_dim_t lda,
				      const float *b, dnnl_dim_t ldb, float beta, float *c,
				      dnnl_dim_t ldc)
{
	dnnl_status_t st;
	int prev = 1;

	pthread_once(&emu_omp_once, emu_omp_lookup);
	if (emu_omp_set_num_threads) {
		prev = emu_omp_get_max_threads();
		if (prev != 1)
			emu_omp_set_num_threads(1);
	}
	st = dnnl_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
	if (prev != 1)
		emu_omp_set_num_threads(prev);
	return st;
}

/**
 * struct emu_gemm_plan - one GEMM packet cut into tiles for the pool.
 * @a: A, @b: B, @c: C as dnnl_sgemm takes them (after any regrouping).
 * @ta: A transposed. @tb: B transposed.
 * @alpha: scale of the product. @beta: scale of C's old value.
 * @act: the activation epilogue.
 * @bias: the bias vector, NULL without one. @bstride: its element stride.
 * @m: rows, @n: columns, @k: depth, @batch: batch entries.
 * @mblk: rows per tile. @nblk: columns per tile.
 * @mtiles: tiles down one batch entry. @ntiles: tiles across it.
 */
struct emu_gemm_plan {
	struct emu_mat a, b, c;
	bool ta, tb;
	float alpha, beta;
	uint32_t act;
	const float *bias;
	uint64_t bstride;
	uint32_t m, n, k, batch;
	uint32_t mblk, nblk, mtiles, ntiles;
};

/* Below this much work a GEMM runs as one tile: waking helpers costs more. */
#define EMU_GEMM_PAR_MIN_FLOPS (1ull << 18)
/* Narrowest column and shortest row block worth a dnnl_sgemm call. */
#define EMU_GEMM_MIN_NBLK 64u
#define EMU_GEMM_MIN_MBLK 16u
/* From this many batch entries per thread, a tile is a whole entry. */
#define EMU_GEMM_WHOLE_ENTRIES 4u

static uint32_t emu_div_up(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

static uint32_t emu_gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Cut @g into tiles for @threads threads; returns the tile count. Whole
 * batch entries when there are enough of them to share evenly; otherwise
 * each entry is cut into @parts so that batch x parts is a multiple of the
 * thread count. Columns are cut first: a column tile packs only its own
 * slice of B, where a row tile would pack all of B again.
 */
static uint32_t emu_gemm_split(struct emu_gemm_plan *g, uint32_t threads)
{
	uint64_t flops = 2ull * g->batch * g->m * g->n * g->k;
	uint32_t parts;

	g->mblk = g->m;
	g->nblk = g->n;
	g->mtiles = 1;
	g->ntiles = 1;
	if (threads < 2 || flops < EMU_GEMM_PAR_MIN_FLOPS ||
	    g->batch >= EMU_GEMM_WHOLE_ENTRIES * threads || g->batch % threads == 0)
		return g->batch;
	parts = threads / emu_gcd(g->batch, threads);
	if (g->n >= parts * EMU_GEMM_MIN_NBLK) {
		/* Multiples of 16 columns: tiles of C start on a cache line. */
		g->nblk = (emu_div_up(g->n, parts) + 15) & ~15u;
		g->ntiles = emu_div_up(g->n, g->nblk);
	} else if (g->m >= parts * EMU_GEMM_MIN_MBLK) {
		g->mblk = emu_div_up(g->m, parts);
		g->mtiles = emu_div_up(g->m, g->mblk);
	}
	return g->batch * g->mtiles * g->ntiles;
}

/* Tile @i of @arg (a struct emu_gemm_plan): the multiply and its epilogue. */
static int emu_gemm_tile(void *arg, __u32 i)
{
	const struct emu_gemm_plan *g = arg;
	const uint32_t per = g->mtiles * g->ntiles;
	const uint32_t p = i / per, mi = i % per / g->ntiles, ni = i % g->ntiles;
	const uint32_t m0 = mi * g->mblk, n0 = ni * g->nblk;
	const uint32_t m = g->m - m0 < g->mblk ? g->m - m0 : g->mblk;
	const uint32_t n = g->n - n0 < g->nblk ? g->n - n0 : g->nblk;
	const float *a = g->a.base + (int64_t)p * g->a.batch_stride +
			 (g->ta ? (int64_t)m0 : (int64_t)m0 * g->a.ld);
	const float *b = g->b.base + (int64_t)p * g->b.batch_stride +
			 (g->tb ? (int64_t)n0 * g->b.ld : (int64_t)n0);
	float *c = g->c.base + (int64_t)p * g->c.batch_stride + (int64_t)m0 * g->c.ld + n0;
	const float *bias = g->bias ? g->bias + n0 * g->bstride : NULL;

	if (emu_sgemm_serial(g->ta ? 'T' : 'N', g->tb ? 'T' : 'N', m, n, g->k, g->alpha, a,
			     g->a.ld, b, g->b.ld, g->beta, c, g->c.ld) != dnnl_success)
		return -EIO;
	/* One pass over each row while it is warm: the bias, then the activation. */
	if (bias || g->act != VACCEL_ACT_NONE) {
		for (uint32_t r = 0; r < m; r++) {
			float *row = c + (int64_t)r * g->c.ld;

			if (bias)
				emu_bias_row(row, bias, g->bstride, n);
			emu_act_row(g->act, row, n);
		}
	}
	return 0;
}

int emu_gemm(void *priv, const struct vaccel_pkt_gemm *pkt,
	     const struct vaccel_engine_buffer *bufs)
{
	struct emu_device *dev = priv;
	struct emu_gemm_plan g = {
		.ta = pkt->hdr.flags & VACCEL_GEMM_F_TRANS_A,
		.tb = pkt->hdr.flags & VACCEL_GEMM_F_TRANS_B,
		.alpha = emu_f32(pkt->alpha),
		.beta = emu_f32(pkt->beta),
		.act = pkt->act,
	};
	uint32_t rc = pkt->c.rank, ra = pkt->a.rank, tiles;

	if (!emu_mat_init(&g.a, &pkt->a, bufs) || !emu_mat_init(&g.b, &pkt->b, bufs) ||
	    !emu_mat_init(&g.c, &pkt->c, bufs))
		return -EOPNOTSUPP;
	/* The validator guarantees the shapes agree; read them off C and A. */
	g.m = pkt->c.dims[rc - 2];
	g.n = pkt->c.dims[rc - 1];
	g.k = g.ta ? pkt->a.dims[ra - 2] : pkt->a.dims[ra - 1];
	g.batch = rc == 3 ? pkt->c.dims[0] : 1;
	if (g.batch > 1 && g.b.batch_stride == 0 && !g.ta)
		emu_gemm_regroup(&g.a, &g.c, &g.m, &g.batch, g.k, g.n);
	if (pkt->hdr.flags & VACCEL_GEMM_F_BIAS) {
		g.bias = (const float *)((const char *)bufs[pkt->bias.buf].ptr + pkt->bias.offset);
		g.bstride = pkt->bias.strides[0];
	}
	/* A failed tile leaves C partly written: the engine must not take the
	 * packet over from there, so it is an error, not -EOPNOTSUPP. (It
	 * does not happen: every argument dnnl_sgemm checks was checked.) */
	tiles = emu_gemm_split(&g, dev->pool.nhelpers + 1);
	return emu_parallel_for(dev, tiles, emu_gemm_tile, &g);
}
