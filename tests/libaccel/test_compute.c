// SPDX-License-Identifier: MIT
/*
 * test_compute - real work through the device, checked against naive double
 * precision references computed here: FILL + GEMM + BINARY in one job, and
 * GEMM in every shape the runtime may hand to an optimized library or back
 * to the engine (transposes, batch broadcast, alpha/beta, bias, every
 * activation, padded and strided operands, beta 0 over NaNs), and COPY
 * converting between F32, I32 and I64 (ISA 1.1).
 */
#include <pthread.h>

#include "conformance.h"

static struct accel_device *dev;
static struct accel_queue *q;
static struct accel_context *ctx;

/* Element @idx (outermost first) of tensor @t over buffer memory @mem. */
static double ref_at(const void *mem, const struct vaccel_tensor *t, const uint32_t *idx)
{
	uint64_t off = t->offset / sizeof(float);

	for (uint32_t d = 0; d < t->rank; d++)
		off += idx[d] * t->strides[d];
	return ((const float *)mem)[off];
}

static double ref_act(uint32_t act, double x)
{
	switch (act) {
	case VACCEL_ACT_RELU: return x > 0 ? x : 0;
	case VACCEL_ACT_GELU: return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
	case VACCEL_ACT_SILU: return x / (1.0 + exp(-x));
	case VACCEL_ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
	case VACCEL_ACT_TANH: return tanh(x);
	default: return x;
	}
}

static float bits_f32(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/*
 * out[b][i][j] = act(alpha * sum_k op(A)[i][k] op(B)[k][j] + beta * C + bias[j]),
 * straight from the ISA text, reading the inputs from @mem before the job ran.
 */
static void ref_gemm(const struct vaccel_pkt_gemm *p, const void *mem, double *out)
{
	const struct vaccel_tensor *a = &p->a, *b = &p->b, *c = &p->c;
	const bool ta = p->hdr.flags & VACCEL_GEMM_F_TRANS_A;
	const bool tb = p->hdr.flags & VACCEL_GEMM_F_TRANS_B;
	uint32_t rc = c->rank, batch = rc == 3 ? c->dims[0] : 1;
	uint32_t m = c->dims[rc - 2], n = c->dims[rc - 1];
	uint32_t k = ta ? a->dims[a->rank - 2] : a->dims[a->rank - 1];
	double alpha = bits_f32(p->alpha), beta = bits_f32(p->beta);

	for (uint32_t bi = 0; bi < batch; bi++) {
		for (uint32_t i = 0; i < m; i++) {
			for (uint32_t j = 0; j < n; j++) {
				double acc = 0, v;
				uint32_t ci[3];

				for (uint32_t kk = 0; kk < k; kk++) {
					uint32_t ai[3], bix[3];
					uint32_t ab = a->rank == 3 && a->dims[0] > 1 ? bi : 0;
					uint32_t bb = b->rank == 3 && b->dims[0] > 1 ? bi : 0;

					ai[0] = ab;
					bix[0] = bb;
					ai[a->rank - 2] = ta ? kk : i;
					ai[a->rank - 1] = ta ? i : kk;
					bix[b->rank - 2] = tb ? j : kk;
					bix[b->rank - 1] = tb ? kk : j;
					acc += ref_at(mem, a, ai) * ref_at(mem, b, bix);
				}
				ci[0] = bi;
				ci[rc - 2] = i;
				ci[rc - 1] = j;
				v = alpha * acc;
				if (beta != 0)
					v += beta * ref_at(mem, c, ci);
				if (p->hdr.flags & VACCEL_GEMM_F_BIAS)
					v += ref_at(mem, &p->bias, &j);
				out[((uint64_t)bi * m + i) * n + j] = ref_act(p->act, v);
			}
		}
	}
}

/* Run one GEMM packet on a buffer of @floats floats filled at random. */
static void check_gemm(const char *what, struct vaccel_pkt_gemm *p, uint32_t floats,
		       bool nan_c)
{
	uint32_t rc = p->c.rank, batch = rc == 3 ? p->c.dims[0] : 1;
	uint32_t m = p->c.dims[rc - 2], n = p->c.dims[rc - 1];
	size_t total = (size_t)batch * m * n;
	double *want = malloc(total * sizeof(double));
	struct accel_buffer *buf;
	struct accel_cmdbuf cb;
	uint32_t seed = 12345 + floats;
	size_t bad = 0;
	float *mem;
	void *ptr;
	int ret;

	buf = tl_buffer(dev, (uint64_t)floats * sizeof(float), &ptr);
	mem = ptr;
	for (uint32_t i = 0; i < floats; i++)
		mem[i] = tl_rand(&seed);
	if (nan_c) {
		for (uint32_t bi = 0; bi < batch; bi++)
			for (uint32_t i = 0; i < m; i++)
				for (uint32_t j = 0; j < n; j++) {
					uint32_t ci[3] = { bi, 0, 0 };

					ci[rc - 2] = i;
					ci[rc - 1] = j;
					uint64_t off = p->c.offset / 4;
					for (uint32_t d = 0; d < rc; d++)
						off += ci[d] * p->c.strides[d];
					mem[off] = NAN;
				}
	}
	ref_gemm(p, mem, want);
	accel_cmdbuf_init(&cb);
	p->hdr.opcode = VACCEL_OP_GEMM;
	accel_cmdbuf_append(&cb, p, sizeof(*p));
	ret = tl_run(q, &cb, &buf, 1);
	CHECK(ret == 0, "%s: job %d (%s)", what, ret, accel_last_error()->message);
	for (uint32_t bi = 0; !ret && bi < batch; bi++)
		for (uint32_t i = 0; i < m; i++)
			for (uint32_t j = 0; j < n; j++) {
				uint32_t ci[3] = { bi, 0, 0 };
				double got, w = want[((uint64_t)bi * m + i) * n + j];

				ci[rc - 2] = i;
				ci[rc - 1] = j;
				got = ref_at(mem, &p->c, ci);
				if (!tl_close(got, w, 1e-4) && bad++ < 3)
					fprintf(stderr, "%s: [%u][%u][%u] got %g want %g\n", what,
						bi, i, j, got, w);
			}
	CHECK(bad == 0, "%s: %zu wrong elements", what, bad);
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
	free(want);
}

static struct vaccel_tensor mat(uint64_t off, uint32_t rank, uint32_t d0, uint32_t d1,
				uint32_t d2)
{
	return tl_tensor(0, off, rank, d0, d1, d2);
}

static void test_fill_gemm_binary(void)
{
	const uint32_t M = 33, N = 47, K = 29;
	/* Layout in floats: A, B, bias row, C, D, Y. */
	const uint64_t a = 0, b = a + M * K, r = b + K * N, c = r + N, d = c + M * N,
		       y = d + M * N, end = y + M * N;
	struct accel_buffer *buf;
	struct vaccel_pkt_binary add = { .hdr = { .opcode = VACCEL_OP_BINARY } };
	struct vaccel_pkt_binary mul = { .hdr = { .opcode = VACCEL_OP_BINARY } };
	struct accel_cmdbuf cb;
	uint32_t seed = 7;
	size_t bad = 0;
	float *mem;
	void *ptr;

	buf = tl_buffer(dev, end * sizeof(float), &ptr);
	mem = ptr;
	for (uint64_t i = 0; i < r + N; i++)
		mem[i] = tl_rand(&seed);
	accel_cmdbuf_init(&cb);
	tl_fill(&cb, 0, d, M * N, 0.5f);
	tl_gemm(&cb, 0, a, b, c, M, N, K);
	/* Y = C + row (broadcast over rows), then Y = Y * D. */
	add.op = VACCEL_BINARY_ADD;
	add.a = mat(c, 2, M, N, 0);
	add.b = mat(r, 1, N, 0, 0);
	add.y = mat(y, 2, M, N, 0);
	accel_cmdbuf_append(&cb, &add, sizeof(add));
	mul.op = VACCEL_BINARY_MUL;
	mul.a = mat(y, 2, M, N, 0);
	mul.b = mat(d, 2, M, N, 0);
	mul.y = mat(y, 2, M, N, 0);
	accel_cmdbuf_append(&cb, &mul, sizeof(mul));
	CHECK(cb.error == 0, "build");
	CHECK(tl_run(q, &cb, &buf, 1) == 0, "job: %s", accel_last_error()->message);
	for (uint32_t i = 0; i < M; i++)
		for (uint32_t j = 0; j < N; j++) {
			double acc = 0, want;

			for (uint32_t k = 0; k < K; k++)
				acc += (double)mem[a + i * K + k] * mem[b + k * N + j];
			want = (acc + mem[r + j]) * 0.5;
			if (!tl_close(mem[c + i * N + j], acc, 1e-4) ||
			    !tl_close(mem[y + i * N + j], want, 1e-4) || mem[d + i * N + j] != 0.5f)
				bad++;
		}
	CHECK(bad == 0, "%zu wrong elements", bad);
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
}

static void test_gemm_variants(void)
{
	const uint32_t M = 19, N = 23, K = 17, B = 3;
	struct vaccel_pkt_gemm p;

	/* Transposes, alpha and beta. */
	for (uint32_t fl = 0; fl < 4; fl++) {
		char what[64];

		memset(&p, 0, sizeof(p));
		p.hdr.flags = (uint16_t)fl;
		p.alpha = tl_f32_bits(0.75f);
		p.beta = tl_f32_bits(-1.5f);
		p.a = fl & VACCEL_GEMM_F_TRANS_A ? mat(0, 2, K, M, 0) : mat(0, 2, M, K, 0);
		p.b = fl & VACCEL_GEMM_F_TRANS_B ? mat(1000, 2, N, K, 0) : mat(1000, 2, K, N, 0);
		p.c = mat(2000, 2, M, N, 0);
		snprintf(what, sizeof(what), "trans flags %u", fl);
		check_gemm(what, &p, 3000, false);
	}
	/* Bias and every activation. */
	for (uint32_t act = 0; act < VACCEL_ACT_COUNT; act++) {
		char what[64];

		memset(&p, 0, sizeof(p));
		p.hdr.flags = VACCEL_GEMM_F_BIAS;
		p.alpha = tl_f32_bits(2.0f);
		p.act = act;
		p.a = mat(0, 2, M, K, 0);
		p.b = mat(1000, 2, K, N, 0);
		p.c = mat(2000, 2, M, N, 0);
		p.bias = mat(2900, 1, N, 0, 0);
		snprintf(what, sizeof(what), "bias + act %u", act);
		check_gemm(what, &p, 3000, false);
	}
	/* Batch: A broadcast (batch 1), B batched, C batched. */
	memset(&p, 0, sizeof(p));
	p.alpha = tl_f32_bits(1.0f);
	p.beta = tl_f32_bits(1.0f);
	p.a = mat(0, 3, 1, M, K);
	p.b = mat(1000, 3, B, K, N);
	p.c = mat(3000, 3, B, M, N);
	check_gemm("batched, A broadcast", &p, 5000, false);
	/* beta 0: C is not read, NaNs in it vanish. */
	memset(&p, 0, sizeof(p));
	p.alpha = tl_f32_bits(1.0f);
	p.a = mat(0, 2, M, K, 0);
	p.b = mat(1000, 2, K, N, 0);
	p.c = mat(2000, 2, M, N, 0);
	check_gemm("beta 0 over NaN", &p, 3000, true);
	/* Padded rows: a leading dimension larger than the row. */
	memset(&p, 0, sizeof(p));
	p.alpha = tl_f32_bits(1.0f);
	p.a = mat(0, 2, M, K, 0);
	p.a.strides[0] = K + 5;
	p.b = mat(1000, 2, K, N, 0);
	p.b.strides[0] = N + 3;
	p.c = mat(2000, 2, M, N, 0);
	p.c.strides[0] = N + 9;
	check_gemm("padded rows", &p, 3000, false);
	/* Non-unit inner stride (every other column). */
	memset(&p, 0, sizeof(p));
	p.alpha = tl_f32_bits(1.0f);
	p.a = mat(0, 2, M, K, 0);
	p.a.strides[0] = 2 * K;
	p.a.strides[1] = 2;
	p.b = mat(1000, 2, K, N, 0);
	p.c = mat(2000, 2, M, N, 0);
	p.c.strides[1] = 2;
	p.c.strides[0] = 2 * N;
	check_gemm("strided columns", &p, 3000, false);
}

/*
 * The emu hook's bias paths: with beta 0 it writes the bias into C and
 * accumulates onto it (so NaNs left in C must still vanish), otherwise it
 * adds the bias after the multiply; unit and non-unit bias strides, padded
 * C rows, a batch, and rows long enough for the vector loops and their tails.
 */
static void test_gemm_bias_paths(void)
{
	const uint32_t M = 33, N = 45, K = 20, B = 2;
	static const uint32_t acts[] = { VACCEL_ACT_NONE, VACCEL_ACT_RELU, VACCEL_ACT_GELU };
	struct vaccel_pkt_gemm p;

	for (uint32_t v = 0; v < 12; v++) {
		bool beta0 = v & 1;
		uint32_t bstride = v & 2 ? 2 : 1, act = acts[v / 4];
		char what[64];

		memset(&p, 0, sizeof(p));
		p.hdr.flags = VACCEL_GEMM_F_BIAS;
		p.alpha = tl_f32_bits(1.25f);
		p.beta = tl_f32_bits(beta0 ? 0.0f : 0.5f);
		p.act = act;
		p.a = mat(0, 3, B, M, K);
		p.b = mat(2000, 3, B, K, N);
		p.c = mat(4000, 3, B, M, N);
		p.c.strides[1] = N + 3;
		p.c.strides[0] = (uint64_t)M * (N + 3);
		p.bias = mat(7500, 1, N, 0, 0);
		p.bias.strides[0] = bstride;
		snprintf(what, sizeof(what), "bias stride %u, beta %s, act %u", bstride,
			 beta0 ? "0 over NaN" : "0.5", act);
		check_gemm(what, &p, 8000, beta0);
	}
}

/*
 * B shared by every batch entry: the emu hook regroups the batch x M rows
 * into taller GEMMs, swapping batch and row strides (A a transposed view,
 * as batch_first attention's input projection reads it, with C plain or
 * transposed too), folding batches stacked row after row into one GEMM,
 * and filing M = 1 batches as rows. Bias, ReLU and beta 0 over NaN ride
 * along, since the epilogue walks the regrouped rows.
 */
static void test_gemm_shared_b(void)
{
	const uint32_t B = 6, M = 3, N = 37, K = 20;

	for (uint32_t v = 0; v < 8; v++) {
		uint32_t m = v >= 6 ? 1 : M;
		struct vaccel_pkt_gemm p;
		char what[64];

		memset(&p, 0, sizeof(p));
		p.alpha = tl_f32_bits(0.5f);
		if (v & 1) {
			p.hdr.flags = VACCEL_GEMM_F_BIAS;
			p.act = VACCEL_ACT_RELU;
			p.bias = mat(2900, 1, N, 0, 0);
		} else {
			p.beta = tl_f32_bits(v & 2 ? 0.25f : 0.0f);
		}
		p.a = mat(0, 3, B, m, K);
		p.b = mat(1000, 3, 1, K, N);
		p.c = mat(2000, 3, B, m, N);
		if (v < 4 && m > 1) {
			/* A stored [M][B][K], read as [B][M][K]. */
			p.a.strides[0] = K;
			p.a.strides[1] = (uint64_t)B * K;
		}
		if (v >= 2 && v < 4) {
			/* C stored [M][B][N] as well. */
			p.c.strides[0] = N;
			p.c.strides[1] = (uint64_t)B * N;
		}
		snprintf(what, sizeof(what), "shared B, variant %u", v);
		check_gemm(what, &p, 3000, p.beta == 0);
	}
}

static void test_larger_gemm(void)
{
	const uint32_t n = 160;
	struct vaccel_pkt_gemm p;

	memset(&p, 0, sizeof(p));
	p.alpha = tl_f32_bits(1.0f);
	p.a = mat(0, 2, n, n, 0);
	p.b = mat((uint64_t)n * n, 2, n, n, 0);
	p.c = mat(2ull * n * n, 2, n, n, 0);
	check_gemm("160^3", &p, 3 * n * n, false);
}

/*
 * GEMMs large enough for the emu hook to cut into tiles run by several
 * threads: column blocks with uneven edges, row blocks (too few columns to
 * cut), a batch that does not divide among the threads (each entry cut
 * too), whole entries per tile, and a shared-B batch regrouped first. Every
 * epilogue path rides along: bias of stride 1 and 2, beta 0 over NaN and
 * beta 0.5, transposes, ReLU and GELU. (Below 256 Kflop the hook runs
 * one tile; the cases above cover that.)
 */
static void test_tiled_gemm(void)
{
	struct vaccel_pkt_gemm p;

	/* 64 x 300 x 200, B transposed, bias + ReLU: column tiles. */
	memset(&p, 0, sizeof(p));
	p.hdr.flags = VACCEL_GEMM_F_BIAS | VACCEL_GEMM_F_TRANS_B;
	p.alpha = tl_f32_bits(1.0f);
	p.act = VACCEL_ACT_RELU;
	p.a = mat(0, 2, 64, 200, 0);
	p.b = mat(12800, 2, 300, 200, 0);
	p.c = mat(72800, 2, 64, 300, 0);
	p.bias = mat(92000, 1, 300, 0, 0);
	check_gemm("column tiles", &p, 92300, true);
	/* 300 x 40 x 200, A transposed, beta 0.5, bias stride 2, GELU: row tiles. */
	memset(&p, 0, sizeof(p));
	p.hdr.flags = VACCEL_GEMM_F_BIAS | VACCEL_GEMM_F_TRANS_A;
	p.alpha = tl_f32_bits(0.5f);
	p.beta = tl_f32_bits(0.5f);
	p.act = VACCEL_ACT_GELU;
	p.a = mat(0, 2, 200, 300, 0);
	p.b = mat(60000, 2, 200, 40, 0);
	p.c = mat(68000, 2, 300, 40, 0);
	p.bias = mat(80000, 1, 40, 0, 0);
	p.bias.strides[0] = 2;
	check_gemm("row tiles", &p, 80080, false);
	/* Batch 3 of 48 x 170 x 100 (3 entries among 2 or 4 threads), padded C rows. */
	memset(&p, 0, sizeof(p));
	p.alpha = tl_f32_bits(1.0f);
	p.a = mat(0, 3, 3, 48, 100);
	p.b = mat(14400, 3, 3, 100, 170);
	p.c = mat(65400, 3, 3, 48, 170);
	p.c.strides[1] = 173;
	p.c.strides[0] = 48 * 173;
	check_gemm("batch 3, entries cut", &p, 65400 + 3 * 48 * 173, true);
	/* Batch 16 of 32 x 64 x 160 with A broadcast: whole entries. */
	memset(&p, 0, sizeof(p));
	p.hdr.flags = VACCEL_GEMM_F_BIAS;
	p.alpha = tl_f32_bits(1.0f);
	p.beta = tl_f32_bits(0.5f);
	p.a = mat(0, 3, 1, 32, 160);
	p.b = mat(5120, 3, 16, 160, 64);
	p.c = mat(169000, 3, 16, 32, 64);
	p.bias = mat(201800, 1, 64, 0, 0);
	check_gemm("batch 16, whole entries", &p, 201864, false);
	/* Shared B over 5 stacked entries of 40 rows: regrouped into one
	 * 200 x 180 x 90 GEMM, then cut. */
	memset(&p, 0, sizeof(p));
	p.alpha = tl_f32_bits(1.0f);
	p.act = VACCEL_ACT_RELU;
	p.a = mat(0, 3, 5, 40, 90);
	p.b = mat(18000, 3, 1, 90, 180);
	p.c = mat(34200, 3, 5, 40, 180);
	check_gemm("shared B regrouped, then cut", &p, 34200 + 5 * 40 * 180, true);
}

/*
 * Several threads wait without a deadline on one job of large packets:
 * the emu device lets such waiters take slices of the job's packets, more
 * waiters than it has helper slots among them. Every wait must return once
 * (and only once) the job is done, with its results complete.
 */
struct waiter_arg {
	struct accel_fence *f;
	const float *flag;
	int ret;
	float seen;
};

static void *waiter_thread(void *data)
{
	struct waiter_arg *w = data;

	w->ret = accel_fence_wait(w->f, -1);
	/* The last packet writes the flag: it must be there once the wait returns. */
	w->seen = *(volatile const float *)w->flag;
	return NULL;
}

static void test_waiters_share_work(void)
{
	enum { WAITERS = 4, GEMMS = 8, N = 128 };
	const uint64_t nn = (uint64_t)N * N;
	struct waiter_arg w[WAITERS];
	pthread_t th[WAITERS];
	struct accel_buffer *buf;
	struct accel_fence *f = NULL;
	struct vaccel_pkt_fill fill;
	struct vaccel_pkt_gemm p;
	struct accel_cmdbuf cb;
	uint32_t seed = 7;
	size_t bad = 0;
	float *mem;
	void *ptr;
	int ret;

	/* A, then C_0 .. C_GEMMS, each C_i = A x C_(i-1) scaled down, then the flag. */
	buf = tl_buffer(dev, ((GEMMS + 2) * nn + 1) * sizeof(float), &ptr);
	mem = ptr;
	for (uint64_t i = 0; i < 2 * nn; i++)
		mem[i] = tl_rand(&seed);
	accel_cmdbuf_init(&cb);
	for (uint32_t g = 0; g < GEMMS; g++) {
		memset(&p, 0, sizeof(p));
		p.hdr.opcode = VACCEL_OP_GEMM;
		p.alpha = tl_f32_bits(1.0f / N);
		p.a = mat(0, 2, N, N, 0);
		p.b = mat((g + 1) * nn, 2, N, N, 0);
		p.c = mat((g + 2) * nn, 2, N, N, 0);
		accel_cmdbuf_append(&cb, &p, sizeof(p));
	}
	memset(&fill, 0, sizeof(fill));
	fill.hdr.opcode = VACCEL_OP_FILL;
	fill.value = tl_f32_bits(1.0f);
	fill.dst = mat((GEMMS + 2) * nn, 1, 1, 0, 0);
	accel_cmdbuf_append(&cb, &fill, sizeof(fill));
	ret = tl_submit(q, &cb, &buf, 1, NULL, 0, &f);
	CHECK(ret == 0, "submit: %d", ret);
	if (ret)
		goto out;
	for (int i = 0; i < WAITERS; i++) {
		w[i] = (struct waiter_arg){ .f = f, .flag = mem + (GEMMS + 2) * nn };
		CHECK(pthread_create(&th[i], NULL, waiter_thread, &w[i]) == 0, "pthread_create");
	}
	for (int i = 0; i < WAITERS; i++) {
		pthread_join(th[i], NULL);
		CHECK(w[i].ret == 0 && w[i].seen == 1.0f, "waiter %d: ret %d, flag %g", i,
		      w[i].ret, w[i].seen);
	}
	accel_fence_put(f);
	/* The last product against a double reference from the stored inputs. */
	for (uint32_t i = 0; i < N; i++)
		for (uint32_t j = 0; j < N; j++) {
			const float *a = mem, *b = mem + GEMMS * nn;
			double want = 0;

			for (uint32_t k = 0; k < N; k++)
				want += (double)a[i * N + k] * b[k * N + j];
			want /= N;
			if (!tl_close(mem[(GEMMS + 1) * nn + i * N + j], want, 1e-4))
				bad++;
		}
	CHECK(bad == 0, "%zu wrong elements in the last product", bad);
out:
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
}

/*
 * COPY with VACCEL_COPY_F_CONVERT (ISA 1.1) on this device: every pairing of
 * F32, I32 and I64 in one job, edge values against hand-written results
 * (ties to even, truncation toward zero, NaN -> 0, saturation, I64 -> I32
 * wrap); and a command buffer that states ISA 1.0 may not use the flag.
 */
static int tl_convert(struct accel_cmdbuf *cb, uint32_t dd, uint64_t doff, uint32_t sd,
		      uint64_t soff, uint32_t n)
{
	struct vaccel_pkt_copy p = { .hdr = { .opcode = VACCEL_OP_COPY,
					      .flags = VACCEL_COPY_F_CONVERT } };

	accel_tensor_init(&p.dst, 0, dd, doff, 1, &n);
	accel_tensor_init(&p.src, 0, sd, soff, 1, &n);
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

static void test_copy_convert(void)
{
	static const float fin[10] = { -1.5f, -0.5f, 0.5f, 2.5f, 3e9f, -3e9f, INFINITY,
				       -INFINITY, NAN, 16777217.0f };
	static const int32_t want_i32[10] = { -1, 0, 0, 2, INT32_MAX, INT32_MIN, INT32_MAX,
					      INT32_MIN, 0, 16777216 };
	static const int64_t want_i64[10] = { -1, 0, 0, 2, 3000000000ll, -3000000000ll,
					      INT64_MAX, INT64_MIN, 0, 16777216 };
	static const int64_t iin[6] = { 16777217, 16777219, INT64_MAX, INT64_MIN, -1,
					(1ll << 32) + 5 };
	static const float want_f32[6] = { 16777216.0f, 16777220.0f, 9223372036854775808.0f,
					   -9223372036854775808.0f, -1.0f, 4294967301.0f };
	static const int32_t want_wrap[6] = { 16777217, 16777219, -1, 0, -1, 5 };
	/* Byte offsets: f32 in, i32 out, i64 out, i64 in, f32 out, i32 out,
	 * i64 out (from the i32 out), f32 out (from the i32 out). */
	const uint64_t o_fin = 0, o_i32 = 64, o_i64 = 128, o_iin = 256, o_f32 = 320,
		       o_wrap = 352, o_ext = 384, o_f32b = 432, end = 512;
	uint64_t isa = tl_param(dev, DRM_VACCEL_PARAM_ISA_VERSION);
	struct accel_buffer *buf;
	struct accel_cmdbuf cb;
	unsigned char *mem;
	void *ptr;
	size_t bad = 0;

	CHECK(isa >> 16 == 1 && (isa & 0xffff) >= 1, "device runs ISA %llu.%llu, COPY "
	      "CONVERT needs 1.1", (unsigned long long)(isa >> 16),
	      (unsigned long long)(isa & 0xffff));
	buf = tl_buffer(dev, end, &ptr);
	mem = ptr;
	memset(mem, 0xa5, end);
	memcpy(mem + o_fin, fin, sizeof(fin));
	memcpy(mem + o_iin, iin, sizeof(iin));
	accel_cmdbuf_init(&cb);
	tl_convert(&cb, VACCEL_DTYPE_I32, o_i32, VACCEL_DTYPE_F32, o_fin, 10);
	tl_convert(&cb, VACCEL_DTYPE_I64, o_i64, VACCEL_DTYPE_F32, o_fin, 10);
	tl_convert(&cb, VACCEL_DTYPE_F32, o_f32, VACCEL_DTYPE_I64, o_iin, 6);
	tl_convert(&cb, VACCEL_DTYPE_I32, o_wrap, VACCEL_DTYPE_I64, o_iin, 6);
	tl_convert(&cb, VACCEL_DTYPE_I64, o_ext, VACCEL_DTYPE_I32, o_wrap, 6);
	tl_convert(&cb, VACCEL_DTYPE_F32, o_f32b, VACCEL_DTYPE_I32, o_wrap, 6);
	CHECK(cb.error == 0, "build");
	CHECK(tl_run(q, &cb, &buf, 1) == 0, "job: %s", accel_last_error()->message);
	for (int i = 0; i < 10; i++) {
		int32_t g32;
		int64_t g64;

		memcpy(&g32, mem + o_i32 + 4 * i, 4);
		memcpy(&g64, mem + o_i64 + 8 * i, 8);
		if (g32 != want_i32[i] || g64 != want_i64[i]) {
			fprintf(stderr, "# f32 %g: i32 %d i64 %lld\n", fin[i], g32, (long long)g64);
			bad++;
		}
	}
	for (int i = 0; i < 6; i++) {
		float gf, gfb;
		int32_t gw;
		int64_t ge;

		memcpy(&gf, mem + o_f32 + 4 * i, 4);
		memcpy(&gw, mem + o_wrap + 4 * i, 4);
		memcpy(&ge, mem + o_ext + 8 * i, 8);
		memcpy(&gfb, mem + o_f32b + 4 * i, 4);
		if (tl_f32_bits(gf) != tl_f32_bits(want_f32[i]) || gw != want_wrap[i] ||
		    ge != want_wrap[i] || gfb != (float)want_wrap[i]) {
			fprintf(stderr, "# i64 %lld: f32 %.9g i32 %d i64 %lld f32 %.9g\n",
				(long long)iin[i], gf, gw, (long long)ge, gfb);
			bad++;
		}
	}
	CHECK(bad == 0, "%zu wrong conversions", bad);
	/* The bytes between the outputs stay untouched. */
	CHECK(mem[o_i32 + 40] == 0xa5 && mem[o_f32 + 24] == 0xa5 && mem[o_f32b + 24] == 0xa5,
	      "wrote past an output");
	/* The same buffer stating ISA 1.0 is refused at submit. */
	((struct vaccel_cmdbuf_header *)cb.data)->version_minor = 0;
	CHECK(tl_run(q, &cb, &buf, 1) == -EINVAL, "CONVERT in an ISA 1.0 command buffer");
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
}

int main(void)
{
	dev = tl_open();
	ctx = tl_context(dev, 0, 1);
	q = accel_context_queue(ctx, 0);
	RUN_CASE(test_fill_gemm_binary);
	RUN_CASE(test_gemm_variants);
	RUN_CASE(test_gemm_bias_paths);
	RUN_CASE(test_gemm_shared_b);
	RUN_CASE(test_larger_gemm);
	RUN_CASE(test_tiled_gemm);
	RUN_CASE(test_waiters_share_work);
	RUN_CASE(test_copy_convert);
	accel_context_destroy(ctx);
	accel_device_close(dev);
	HARNESS_EXIT();
}
