// SPDX-License-Identifier: MIT
/*
 * vaccel_compute_test - jobs the in-kernel engine runs, checked against a
 * naive reference computed here in double precision: GEMM (plain, and with
 * alpha, beta, transposed B, bias and ReLU), binary and unary elementwise
 * ops across several buffers, and packets of one job that depend on each
 * other. Inputs go in and results come out through mmap of the buffers.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ksft_harness.h"
#include "vaccel_util.h"

FIXTURE(dev)
{
	int fd;
	uint32_t ctx;
};

FIXTURE_SETUP(dev)
{
	self->fd = vt_open();
	if (self->fd < 0)
		SKIP(return, "no vaccel render node");
	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &self->ctx));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* A mapped buffer of @n floats. */
struct mbuf {
	uint32_t handle;
	size_t bytes;
	float *p;
};

static int mbuf_create(int fd, size_t n, struct mbuf *b)
{
	int ret;

	b->bytes = n * sizeof(float);
	ret = vt_bo_create(fd, b->bytes, &b->handle);
	if (ret)
		return ret;
	b->p = vt_bo_map(fd, b->handle, b->bytes);
	return b->p ? 0 : -errno;
}

static void fill_random(float *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = vt_randf(&seed);
}

static int run(int fd, uint32_t ctx, struct vt_cmdbuf *cb, const uint32_t *bos, uint32_t n)
{
	uint32_t job_error = 0;
	uint64_t seqno;
	int ret = vt_submit(fd, ctx, 0, cb, bos, n, &seqno);

	if (!ret)
		ret = vt_wait(fd, ctx, 0, seqno, vt_deadline_ms(60000), &job_error);
	return ret ? ret : (int)job_error;
}

/* |got - want| within a tolerance scaled by the magnitude of the terms summed. */
static int close_enough(double got, double want, double scale)
{
	return fabs(got - want) <= 1e-5 * (scale + fabs(want)) + 1e-6;
}

TEST_F(dev, gemm_matches_naive_reference)
{
	const uint32_t m = 37, n = 29, k = 53; /* odd sizes: no tile fits exactly */
	struct mbuf b;
	struct vt_cmdbuf cb;
	size_t a_off = 0, b_off = m * k, c_off = m * k + k * n;

	ASSERT_EQ(0, mbuf_create(self->fd, c_off + m * n, &b));
	fill_random(b.p, c_off, 11);
	for (size_t i = c_off; i < c_off + m * n; i++)
		b.p[i] = NAN; /* beta is 0: C must not be read */
	vt_cb_init(&cb);
	vt_gemm(&cb, 0, a_off * 4, b_off * 4, c_off * 4, m, n, k);
	ASSERT_EQ(0, run(self->fd, self->ctx, &cb, &b.handle, 1));
	for (uint32_t i = 0; i < m; i++) {
		for (uint32_t j = 0; j < n; j++) {
			double want = 0, scale = 0;

			for (uint32_t l = 0; l < k; l++) {
				double t = (double)b.p[a_off + i * k + l] * b.p[b_off + l * n + j];

				want += t;
				scale += fabs(t);
			}
			if (!close_enough(b.p[c_off + i * n + j], want, scale)) {
				TH_LOG("C[%u][%u] = %.9g, reference %.9g", i, j,
				       b.p[c_off + i * n + j], want);
				ASSERT_TRUE(0);
			}
		}
	}
	vt_cb_fini(&cb);
}

TEST_F(dev, gemm_alpha_beta_trans_b_bias_relu)
{
	const uint32_t m = 16, n = 24, k = 40;
	struct mbuf a, bt, c, bias;
	struct vt_cmdbuf cb;
	struct vaccel_pkt_gemm p = { .hdr.opcode = VACCEL_OP_GEMM,
				     .hdr.flags = VACCEL_GEMM_F_TRANS_B | VACCEL_GEMM_F_BIAS };
	float c0[16 * 24];
	uint32_t bos[4];

	ASSERT_EQ(0, mbuf_create(self->fd, m * k, &a));
	ASSERT_EQ(0, mbuf_create(self->fd, n * k, &bt));
	ASSERT_EQ(0, mbuf_create(self->fd, m * n, &c));
	ASSERT_EQ(0, mbuf_create(self->fd, n, &bias));
	fill_random(a.p, m * k, 1);
	fill_random(bt.p, n * k, 2);
	fill_random(c.p, m * n, 3);
	fill_random(bias.p, n, 4);
	memcpy(c0, c.p, sizeof(c0));
	bos[0] = a.handle, bos[1] = bt.handle, bos[2] = c.handle, bos[3] = bias.handle;
	p.alpha = vt_f32_bits(0.5f);
	p.beta = vt_f32_bits(-2.0f);
	p.act = VACCEL_ACT_RELU;
	p.a = vt_tensor2(0, 0, m, k);
	p.b = vt_tensor2(1, 0, n, k);
	p.c = vt_tensor2(2, 0, m, n);
	p.bias = vt_tensor1(3, 0, n);
	vt_cb_init(&cb);
	vt_cb_add(&cb, &p, sizeof(p));
	ASSERT_EQ(0, run(self->fd, self->ctx, &cb, bos, 4));
	for (uint32_t i = 0; i < m; i++) {
		for (uint32_t j = 0; j < n; j++) {
			double dot = 0, scale = 0, want;

			for (uint32_t l = 0; l < k; l++) {
				dot += (double)a.p[i * k + l] * bt.p[j * k + l];
				scale += fabs((double)a.p[i * k + l] * bt.p[j * k + l]);
			}
			want = 0.5 * dot - 2.0 * c0[i * n + j] + bias.p[j];
			want = want > 0 ? want : 0;
			if (!close_enough(c.p[i * n + j], want, scale + 3)) {
				TH_LOG("C[%u][%u] = %.9g, reference %.9g", i, j, c.p[i * n + j], want);
				ASSERT_TRUE(0);
			}
		}
	}
	vt_cb_fini(&cb);
}

TEST_F(dev, binary_ops_across_buffers)
{
	const uint32_t n = 1000;
	const uint32_t ops[] = { VACCEL_BINARY_ADD, VACCEL_BINARY_SUB, VACCEL_BINARY_MUL,
				 VACCEL_BINARY_DIV, VACCEL_BINARY_MAX, VACCEL_BINARY_MIN };
	const uint32_t nops = sizeof(ops) / sizeof(ops[0]);
	struct mbuf a, b, y;
	struct vt_cmdbuf cb;
	uint32_t bos[3];

	ASSERT_EQ(0, mbuf_create(self->fd, n, &a));
	ASSERT_EQ(0, mbuf_create(self->fd, n, &b));
	ASSERT_EQ(0, mbuf_create(self->fd, n * nops, &y));
	fill_random(a.p, n, 5);
	fill_random(b.p, n, 6);
	for (uint32_t i = 0; i < n; i++)
		if (b.p[i] == 0)
			b.p[i] = 0.5f;
	bos[0] = y.handle, bos[1] = a.handle, bos[2] = b.handle;
	vt_cb_init(&cb);
	for (uint32_t o = 0; o < nops; o++)
		vt_binary(&cb, ops[o], 0, (uint64_t)o * n * 4, 1, 0, 2, 0, n);
	ASSERT_EQ(0, run(self->fd, self->ctx, &cb, bos, 3));
	for (uint32_t o = 0; o < nops; o++) {
		for (uint32_t i = 0; i < n; i++) {
			double x = a.p[i], z = b.p[i], want;

			switch (ops[o]) {
			case VACCEL_BINARY_ADD: want = x + z; break;
			case VACCEL_BINARY_SUB: want = x - z; break;
			case VACCEL_BINARY_MUL: want = x * z; break;
			case VACCEL_BINARY_DIV: want = x / z; break;
			case VACCEL_BINARY_MAX: want = x > z ? x : z; break;
			default: want = x < z ? x : z; break;
			}
			/* One rounding to binary32 of the exact result. */
			if (y.p[o * n + i] != (float)want) {
				TH_LOG("op %u: y[%u] = %.9g, reference %.9g", ops[o], i,
				       y.p[o * n + i], (float)want);
				ASSERT_TRUE(0);
			}
		}
	}
	vt_cb_fini(&cb);
}

TEST_F(dev, unary_ops_match_libm)
{
	const uint32_t n = 512;
	const uint32_t ops[] = { VACCEL_UNARY_RELU, VACCEL_UNARY_TANH, VACCEL_UNARY_EXP,
				 VACCEL_UNARY_SIGMOID, VACCEL_UNARY_ABS, VACCEL_UNARY_NEG };
	const uint32_t nops = sizeof(ops) / sizeof(ops[0]);
	struct mbuf x, y;
	struct vt_cmdbuf cb;
	uint32_t bos[2];

	ASSERT_EQ(0, mbuf_create(self->fd, n, &x));
	ASSERT_EQ(0, mbuf_create(self->fd, n * nops, &y));
	for (uint32_t i = 0; i < n; i++)
		x.p[i] = -8.0f + 16.0f * (float)i / (float)n;
	bos[0] = x.handle, bos[1] = y.handle;
	vt_cb_init(&cb);
	for (uint32_t o = 0; o < nops; o++) {
		struct vaccel_pkt_unary p = { .hdr.opcode = VACCEL_OP_UNARY, .op = ops[o] };

		p.x = vt_tensor1(0, 0, n);
		p.y = vt_tensor1(1, (uint64_t)o * n * 4, n);
		vt_cb_add(&cb, &p, sizeof(p));
	}
	ASSERT_EQ(0, run(self->fd, self->ctx, &cb, bos, 2));
	for (uint32_t o = 0; o < nops; o++) {
		for (uint32_t i = 0; i < n; i++) {
			double v = x.p[i], want;

			switch (ops[o]) {
			case VACCEL_UNARY_RELU: want = v > 0 ? v : 0; break;
			case VACCEL_UNARY_TANH: want = tanh(v); break;
			case VACCEL_UNARY_EXP: want = exp(v); break;
			case VACCEL_UNARY_SIGMOID: want = 1 / (1 + exp(-v)); break;
			case VACCEL_UNARY_ABS: want = fabs(v); break;
			default: want = -v; break;
			}
			if (fabs(y.p[o * n + i] - want) > 1e-5 * fabs(want) + 1e-6) {
				TH_LOG("op %u: y[%u] = f(%.9g) = %.9g, reference %.9g", ops[o], i,
				       v, y.p[o * n + i], want);
				ASSERT_TRUE(0);
			}
		}
	}
	vt_cb_fini(&cb);
}

TEST_F(dev, packets_see_earlier_packets)
{
	/* fill x = 3; y = x * x; x = y + y; then a fence: 18 everywhere. */
	const uint32_t n = 256;
	struct mbuf b;
	struct vt_cmdbuf cb;
	uint64_t *fence;

	ASSERT_EQ(0, mbuf_create(self->fd, 2 * n + 2, &b));
	vt_cb_init(&cb);
	vt_fill(&cb, 0, 0, n, 3.0f);
	vt_binary(&cb, VACCEL_BINARY_MUL, 0, n * 4, 0, 0, 0, 0, n);
	vt_binary(&cb, VACCEL_BINARY_ADD, 0, 0, 0, n * 4, 0, n * 4, n);
	vt_fence(&cb, 0, 2 * n * 4, 0x1234567890abcdefull);
	ASSERT_EQ(0, run(self->fd, self->ctx, &cb, &b.handle, 1));
	for (uint32_t i = 0; i < n; i++) {
		ASSERT_EQ(vt_f32_bits(18.0f), vt_f32_bits(b.p[i]));
		ASSERT_EQ(vt_f32_bits(9.0f), vt_f32_bits(b.p[n + i]));
	}
	fence = (uint64_t *)(b.p + 2 * n);
	EXPECT_EQ(0x1234567890abcdefull, *fence);
	vt_cb_fini(&cb);
}

TEST_F(dev, gather_index_out_of_range_is_edom)
{
	/* Valid to the validator, wrong at run time: the job ends with EDOM. */
	struct mbuf b;
	struct vt_cmdbuf cb;
	struct vaccel_pkt_gather p = { .hdr.opcode = VACCEL_OP_GATHER, .axis = 0 };
	int32_t *idx;
	uint32_t job_error = 0;
	uint64_t seqno;

	ASSERT_EQ(0, mbuf_create(self->fd, 16, &b));
	idx = (int32_t *)(b.p + 8);
	idx[0] = 1;
	idx[1] = 8; /* x has 8 elements */
	p.x = vt_tensor1(0, 0, 8);
	p.indices = vt_tensor1(0, 8 * 4, 2);
	p.indices.dtype = VACCEL_DTYPE_I32;
	p.y = vt_tensor1(0, 12 * 4, 2);
	vt_cb_init(&cb);
	vt_cb_add(&cb, &p, sizeof(p));
	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &cb, &b.handle, 1, &seqno));
	ASSERT_EQ(0, vt_wait(self->fd, self->ctx, 0, seqno, vt_deadline_ms(30000), &job_error));
	EXPECT_EQ(EDOM, job_error);
	vt_cb_fini(&cb);
}

TEST_HARNESS_MAIN
